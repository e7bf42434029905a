//! The public blocking [`Session`]: send input from any thread, pull events from any thread.
//!
//! ```no_run
//! use gemini_live::{Config, Event, Session};
//! use std::time::Duration;
//!
//! let session = Session::connect(Config::from_env()?)?;
//! session.send_text("Hello!")?;
//! while let Some(event) = session.next_event(Duration::from_secs(30))? {
//!     match event {
//!         Event::Text(t) => print!("{t}"),
//!         Event::TurnComplete { .. } => break,
//!         _ => {}
//!     }
//! }
//! session.close()?;
//! # Ok::<(), gemini_live::Error>(())
//! ```
//!
//! Where things live: `input.rs` checks and classifies every `send_*`; `writer.rs` is the one
//! owner of socket writes; `reader.rs` is the reader thread, the only reader of the socket
//! (acts on timers, reconnects), and `receive.rs` its receive side (reads, decodes, folds
//! into the ledger); `outbox.rs` is the one way events reach the application; `turns.rs` is
//! the turn ledger (what the server owes, what to replay: pure); `connection.rs` is the
//! connection lifecycle (backoff, budgets, GoAway handover, stall and keepalive timers) for
//! the first connect and every reconnection.

mod connection;
mod events;
mod history;
mod input;
mod outbox;
mod queue;
mod reader;
mod receive;
mod restore;
mod turns;
mod writer;

pub use events::{
    AudioChunk, Event, GroundingMetadata, GroundingSource, InteractionStatus, State,
    UrlContextMetadata, UrlMetadata, VadSignal, VoiceActivityKind,
};
pub use history::ContextBudget;
pub use input::INPUT_SAMPLE_RATE;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::frames::InputKind;
use crate::metrics::{Metrics, MetricsSnapshot};
use crate::sync::{Condvar, Mutex};
use crate::transport::{self, io::Link};
use connection::{Attempts, Lifecycle, Start};
use outbox::Outbox;
use queue::{Latch, LatchGuard, Rx};
use std::sync::atomic::{AtomicBool, AtomicU8, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tungstenite::Utf8Bytes;
use turns::Ledger;

/// A message for the writer thread.
pub(crate) enum Outgoing {
    /// A JSON text frame; `input` marks user input that starts a turn's latency clock.
    Data {
        frame: Utf8Bytes,
        input: bool,
        kind: InputKind,
        audio: Duration,
        /// When it entered the send queue (for the send-latency histogram).
        queued: Instant,
    },
    /// Send a close frame (after everything queued before it).
    Close,
}

/// The connection as every thread sees it, in one place (`Shared::conn`): the current link,
/// the turn ledger, and whether the session ended. Only the reader thread changes the link
/// ([`Shared::publish`]: after a reconnection's replay; `None` from a GoAway handover's
/// decision until the new connection is up); writers take it from here and nowhere else
/// (the reader keeps its own reference to the link it reads, to close it).
pub(crate) struct Conn {
    pub link: Option<Arc<Link>>,
    /// The session is over: the writer stops.
    pub ended: bool,
    /// The turn ledger and the input it may replay (`turns.rs`).
    pub ledger: Ledger,
}

/// State shared by the session handle and its threads.
pub(crate) struct Shared {
    pub config: Config,
    pub state: AtomicU8,
    pub metrics: Metrics,
    pub handle: Mutex<Option<String>>,
    /// The first error the writer hit, reported by the reader when the connection ends.
    pub write_error: Mutex<Option<Error>>,
    pub conn: Mutex<Conn>,
    /// Signalled when `conn.link` is replaced or `conn.ended` is set.
    pub conn_ready: Condvar,
    /// The write path's gate, counters and flush requests (all rules in `writer.rs`).
    pub writes: writer::WriteState,
}

impl Shared {
    pub fn state(&self) -> State {
        State::from_u8(self.state.load(Ordering::SeqCst))
    }
    pub fn set_state(&self, s: State) {
        self.state.store(s as u8, Ordering::SeqCst);
    }
    /// Cuts the current connection, if any.
    pub fn kill_link(&self) {
        if let Some(link) = &self.conn.lock().link {
            link.kill();
        }
    }
    /// Makes `link` the connection writers use (`None`: none, input waits), and wakes
    /// writers waiting for one.
    pub fn publish(&self, link: Option<Arc<Link>>) {
        self.conn.lock().link = link;
        self.conn_ready.notify_all();
    }
    /// The session is over: no connection from now on; waiting writers stop.
    pub fn end(&self) {
        let mut conn = self.conn.lock();
        conn.ended = true;
        conn.link = None;
        self.conn_ready.notify_all();
    }
}

/// A live conversation with the Gemini Live API.
///
/// `Session` is `Send + Sync`: one thread can stream audio while another reads events.
/// Dropping it closes it (bounded by the close timeout) and joins its threads.
///
/// Threads (the crate docs' thread contract): the reader thread, the only reader of the
/// socket, starts with the first call that sends or would wait for an event (its spawn then
/// overlaps a network wait); the writer thread only when input first has to wait. A thread
/// waiting in [`next_event`](Session::next_event) waits on the event queue only.
pub struct Session {
    shared: Arc<Shared>,
    /// Input goes to the socket through this (`writer.rs`).
    input: writer::Input,
    /// The event queue's receiving end; `close` closes it to tell the producers the
    /// application stopped listening (`outbox.rs`).
    events_rx: Rx<Box<Event>>,
    /// Set by the first `close`.
    close_started: AtomicBool,
    /// Set when the reader thread has ended.
    reader_done: Arc<Latch>,
    threads: Mutex<Vec<JoinHandle<()>>>,
    /// The reader thread's work until it starts: at the first call that sends or would wait
    /// for an event (or `close`), so its spawn overlaps a network wait instead of adding to
    /// `connect` ([`Session::start_reader`]).
    reader: Mutex<Option<reader::Reader>>,
    reader_started: AtomicBool,
    /// Input state the `send_*` checks need (`input.rs`).
    turn_input: input::TurnInput,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("model", &self.shared.config.model)
            .field("state", &self.state())
            .finish_non_exhaustive()
    }
}

impl Session {
    /// Connects, sends `setup` and returns once `setupComplete` arrived, or with a classified
    /// error (see [`Error::retry`]). Resumes `config.resumption_handle` if set.
    ///
    /// Retryable failures are retried as [`ReconnectPolicy`](crate::ReconnectPolicy) says for
    /// the first connect (3 attempts within 10 s by default), then it fails with
    /// [`Error::RetriesExhausted`] ("gave up after N attempts over T s: ..."). Nothing is
    /// delivered meanwhile: the first event is always [`Event::SetupComplete`], followed by
    /// [`Event::NewSession`] if the server refused `config.resumption_handle` (or kept
    /// refusing it for `resume_wait`) and a new session was started instead.
    pub fn connect(config: Config) -> Result<Session> {
        config.validate()?;
        let (events_tx, events_rx) = queue::bounded(config.event_queue_capacity);
        let handle = Mutex::new(config.resumption_handle.clone());
        let mut life = Lifecycle::new(config.reconnect.clone());
        let connected = life.connect(&config, &handle, Start::First, &mut FirstConnect)?;
        let handle_dropped = life.take_handle_dropped();
        log::info!(
            "connected to {} (model {}) in {}",
            config.effective_endpoint(),
            config.model_id(),
            crate::wording::duration(connected.timings.total())
        );
        let link = Arc::new(
            Link::new(connected.ws, connected.ctl).map_err(|e| Error::Io {
                phase: None,
                message: e.to_string(),
            })?,
        );
        let mut ledger = Ledger::new(config.replay_max_bytes, config.replay_max_audio);
        if config.restores_context() {
            ledger.keep_history(config.context_budget);
        }
        ledger.blocking = restore::BlockingCalls::new(&config);
        let outbox = Outbox::new(events_tx);
        let (writes, input, stop_writer) =
            writer::write_path(config.send_queue_capacity, outbox.clone());
        let reader_done = Arc::new(Latch::default());
        let shared = Arc::new(Shared {
            metrics: Metrics::default(),
            state: AtomicU8::new(State::Connected as u8),
            handle,
            write_error: Mutex::new(None),
            conn: Mutex::new(Conn {
                link: Some(link.clone()),
                ended: false,
                ledger,
            }),
            conn_ready: Condvar::new(),
            writes,
            config,
        });
        shared.metrics.set_connect(connected.timings);

        let consent = (connected.setup_complete.voice_consent_signature)
            .and_then(|v| v.signature)
            .map(Event::VoiceConsentSignature);
        let mut first = vec![Event::SetupComplete {
            session_id: connected.setup_complete.session_id,
        }];
        first.extend(consent);
        if handle_dropped {
            first.push(Event::NewSession { replayed: 0 });
        }
        for msg in connected.early {
            receive::absorb(&shared, msg, &mut first);
        }
        // The queue is new; what does not fit in a tiny one, the reader delivers first.
        let mut early = Vec::new();
        for ev in first {
            if let Err(ev) = outbox.offer(Box::new(ev)) {
                early.push(*ev);
            }
        }

        let reader = reader::Reader {
            shared: shared.clone(),
            life,
            outbox,
            early,
            _done: LatchGuard(reader_done.clone()),
            _writer_stop: stop_writer(&shared),
        };
        let turn_input = input::TurnInput::new(&shared.config);
        Ok(Session {
            shared,
            input,
            events_rx,
            close_started: AtomicBool::new(false),
            reader_done,
            threads: Mutex::new(Vec::with_capacity(1)),
            reader: Mutex::new(Some(reader)),
            reader_started: AtomicBool::new(false),
            turn_input,
        })
    }

    /// Starts the reader thread if it has not started yet. Until then the connection is
    /// untouched: what the server sends waits in the socket, and no timer runs, which is
    /// right while the application has neither sent anything nor waited for anything.
    /// If the thread cannot be spawned, the session ends (`Closed`) with that error.
    fn start_reader(&self) -> Result<()> {
        if self.reader_started.load(Ordering::Acquire) {
            return Ok(());
        }
        let mut slot = self.reader.lock();
        let Some(reader) = slot.take() else {
            return Ok(());
        };
        self.reader_started.store(true, Ordering::Release);
        // The reader only: the writer thread starts when input first has to wait
        // (`writer.rs`).
        let spawned = std::thread::Builder::new()
            .name("gemini-live-rx".into())
            .stack_size(THREAD_STACK)
            .spawn(move || reader.run());
        match spawned {
            Ok(h) => {
                self.threads.lock().push(h);
                Ok(())
            }
            Err(e) => {
                let shared = &self.shared;
                shared.kill_link();
                shared.end();
                shared.set_state(State::Closed);
                Err(Error::Io {
                    phase: None,
                    message: format!("cannot start the session's reader thread: {e}"),
                })
            }
        }
    }

    /// The configuration this session was made with.
    pub fn config(&self) -> &Config {
        &self.shared.config
    }

    /// The current state.
    pub fn state(&self) -> State {
        self.shared.state()
    }

    /// The latest resumable handle (persist it to resume in another process via
    /// [`Config::resumption_handle`]).
    pub fn resumption_handle(&self) -> Option<String> {
        self.shared.handle.lock().clone()
    }

    /// A snapshot of the session's metrics.
    pub fn metrics(&self) -> MetricsSnapshot {
        self.shared
            .metrics
            .snapshot(self.input.depth(), self.shared.state())
    }

    fn enqueue(
        &self,
        frame: String,
        (input, kind, audio): (bool, InputKind, Duration),
        wait: bool,
    ) -> Result<()> {
        let max = self.shared.config.max_message_size;
        if frame.len() > max {
            return Err(Error::MessageTooLarge {
                size: frame.len(),
                max,
            });
        }
        if matches!(self.state(), State::Closing | State::Closed) {
            return Err(Error::SessionClosed);
        }
        let msg = Outgoing::Data {
            frame: Utf8Bytes::from(frame),
            input,
            kind,
            audio,
            queued: Instant::now(),
        };
        let sent = self.input.send(&self.shared, msg, wait);
        // After the write: the spawn overlaps the server's work on this input.
        self.start_reader()?;
        sent
    }

    /// Waits up to `timeout` for the next event: `Ok(None)` on timeout;
    /// `Err(Error::SessionClosed)` once the session is closed and every event was taken.
    ///
    /// It waits on the event queue only: the reader thread reads and decodes the socket, so
    /// nothing heavier than taking an event runs on the calling thread.
    pub fn next_event(&self, timeout: Duration) -> Result<Option<Event>> {
        if let Ok(Some(ev)) = self.events_rx.try_recv() {
            return Ok(Some(*ev));
        }
        self.start_reader()?;
        match self
            .events_rx
            .recv_until(Instant::now().checked_add(timeout))
        {
            Ok(ev) => Ok(ev.map(|ev| *ev)),
            Err(()) => Err(Error::SessionClosed),
        }
    }

    /// The next event if one is ready; `Err(Error::SessionClosed)` as for `next_event`.
    pub fn try_next_event(&self) -> Result<Option<Event>> {
        match self.events_rx.try_recv() {
            Ok(Some(ev)) => Ok(Some(*ev)),
            Ok(None) => {
                self.start_reader()?;
                Ok(None)
            }
            Err(()) => Err(Error::SessionClosed),
        }
    }

    /// A blocking iterator over events; it ends after [`Event::Closed`].
    pub fn events(&self) -> impl Iterator<Item = Event> + '_ {
        const LONG: Duration = Duration::from_secs(3600);
        std::iter::from_fn(move || loop {
            match self.next_event(LONG) {
                Ok(Some(ev)) => return Some(ev),
                Ok(None) => continue,
                Err(_) => return None,
            }
        })
    }

    /// Closes the session: sends what is queued, then a close frame, waits for the server's
    /// close up to the close timeout (then cuts the socket), and joins the session's threads.
    /// Calling it again does nothing. If a reconnection attempt is under way, `close` also
    /// waits for that attempt's connect to end (at most `timeouts.connect_total`).
    pub fn close(&self) -> Result<()> {
        // It reads the server's close reply (a thread that cannot start ends the session).
        let _ = self.start_reader();
        let deadline = Instant::now() + self.shared.config.timeouts.close;
        if !self.close_started.swap(true, Ordering::SeqCst) {
            if self.state() != State::Closed {
                self.shared.set_state(State::Closing);
                log::info!("closing session");
                if !self.input.close(&self.shared, deadline) {
                    self.shared.kill_link();
                }
            }
            // From here on, events are delivered only while the queue has room: nobody may
            // be reading any more, and the reader must not wait for them.
            self.events_rx.close();
            if !self.reader_done.wait_until(deadline) {
                log::debug!("no close reply within the close timeout; cutting the socket");
                self.shared.kill_link();
            }
        }
        let handles: Vec<_> = self.threads.lock().drain(..).collect();
        for h in handles {
            if h.join().is_err() {
                log::error!("a session thread panicked");
            }
        }
        writer::join_writer(&self.shared);
        Ok(())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.close();
    }
}

/// Stack size of the session threads (the reader, and the writer once it starts). The reader decodes server JSON recursively, up to
/// serde_json's nesting limit of 128 levels: that takes about 100 KiB in a release build and
/// 380 KiB in a debug build (tests/decoder_fuzz.rs), and overflowing aborts the process. The
/// stack is reserved, not committed: only the pages used cost memory, so a thousand sessions
/// still fit.
pub(crate) const THREAD_STACK: usize = 512 * 1024;

/// The first connect's side of the lifecycle: no events (none may come before
/// `SetupComplete`), the delays are slept.
struct FirstConnect;

impl Attempts for FirstConnect {
    type Output = transport::Connected;

    fn before(&mut self, attempt: u32, delay: Duration, cause: Option<&Error>) -> Result<()> {
        if let Some(e) = cause {
            log::info!(
                "connect failed ({e}); attempt {attempt} in {}",
                crate::wording::duration(delay)
            );
        }
        std::thread::sleep(delay);
        Ok(())
    }

    fn established(
        &mut self,
        connected: transport::Connected,
        _resumed: bool,
    ) -> Result<transport::Connected> {
        Ok(connected)
    }
}
