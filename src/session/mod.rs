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

mod events;
mod input;
mod threads;
mod writer;

pub use events::{AudioChunk, Event, State};
pub use input::INPUT_SAMPLE_RATE;

use crate::config::Config;
use crate::error::{Error, Result};
use crate::metrics::{Metrics, MetricsSnapshot};
use crate::reconnect::{next_delay, InputKind, Jitter, ReplayBuffer};
use crate::transport::{self, io::Link, io::Waker};
use crossbeam_channel::{bounded, Receiver, RecvTimeoutError, Sender, TrySendError};
use parking_lot::{Condvar, Mutex};
use std::sync::atomic::{AtomicU8, AtomicUsize, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tungstenite::Utf8Bytes;

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

/// The current connection, shared by the reader (which replaces it) and the writer.
pub(crate) struct Conn {
    pub link: Option<Arc<Link>>,
    /// The session is over: the writer stops.
    pub ended: bool,
    pub replay: ReplayBuffer,
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
    /// Wakes the reader when a turn starts.
    pub waker: Waker,
    /// Signalled when `conn.link` is replaced or `conn.ended` is set.
    pub conn_ready: Condvar,
    /// Held by whoever writes input to the socket: the writer thread for a batch, or a
    /// sending thread on the direct path (see `writer.rs`), so input stays in order.
    pub write_gate: Mutex<()>,
    /// Messages handed to the send queue and not yet written by the writer thread.
    pub queued: AtomicUsize,
    /// Direct sends whose flush would have blocked, for the writer to finish and record.
    pub unflushed: Mutex<Vec<writer::Unflushed>>,
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
}

/// A live conversation with the Gemini Live API.
///
/// `Session` is `Send + Sync`: one thread can stream audio while another reads events.
/// Dropping it closes it (bounded by the close timeout) and joins its threads.
pub struct Session {
    shared: Arc<Shared>,
    out_tx: Sender<Outgoing>,
    /// Asks the writer to finish a flush the direct path left.
    flush_tx: Sender<()>,
    events_rx: Receiver<Event>,
    /// Dropped by `close` to tell the reader the application stopped listening.
    closing_tx: Mutex<Option<Sender<()>>>,
    /// Disconnected when the reader thread has ended.
    reader_done: Receiver<()>,
    threads: Mutex<Vec<JoinHandle<()>>>,
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
    pub fn connect(config: Config) -> Result<Session> {
        config.validate()?;
        let (events_tx, events_rx) = bounded(config.event_queue_capacity);
        let connected = connect_with_retry(&config, &events_tx)?;
        log::info!(
            "connected to {} (model {}) in {:?}",
            config.endpoint,
            config.model_id(),
            connected.timings.total()
        );
        let link = Arc::new(
            Link::new(connected.ws, connected.ctl).map_err(|e| Error::Io {
                phase: None,
                message: e.to_string(),
            })?,
        );
        let (out_tx, out_rx) = bounded(config.send_queue_capacity);
        let (flush_tx, flush_rx) = bounded::<()>(1);
        let (closing_tx, closing_rx) = bounded::<()>(0);
        let (done_tx, reader_done) = bounded::<()>(0);
        let (writer_stop_tx, writer_stop_rx) = bounded::<()>(0);
        let shared = Arc::new(Shared {
            metrics: Metrics::default(),
            state: AtomicU8::new(State::Connected as u8),
            handle: Mutex::new(config.resumption_handle.clone()),
            write_error: Mutex::new(None),
            conn: Mutex::new(Conn {
                link: Some(link.clone()),
                ended: false,
                replay: ReplayBuffer::new(config.replay_max_bytes, config.replay_max_audio),
            }),
            conn_ready: Condvar::new(),
            write_gate: Mutex::new(()),
            queued: AtomicUsize::new(0),
            unflushed: Mutex::new(Vec::new()),
            waker: Waker::new().map_err(|e| Error::Io {
                phase: None,
                message: format!("cannot create an eventfd: {e}"),
            })?,
            config,
        });
        shared.metrics.set_connect(connected.timings);

        let mut first = vec![Event::SetupComplete {
            session_id: connected.setup_complete.session_id,
        }];
        for msg in connected.early {
            threads::absorb(&shared, msg, &mut first);
        }
        for ev in first {
            // The queue is new; with a tiny capacity an early event may not fit, and the
            // reader's later events tell the same story.
            let _ = events_tx.try_send(ev);
        }

        let reader = threads::Reader {
            shared: shared.clone(),
            link: link.clone(),
            events: events_tx.clone(),
            closing: closing_rx,
            _done: done_tx,
            _writer_stop: writer_stop_tx,
        };
        let writer = writer::Writer {
            shared: shared.clone(),
            queue: out_rx,
            stop: writer_stop_rx,
            flush: flush_rx,
            events: events_tx,
        };
        let spawn = |name: &str, f: Box<dyn FnOnce() + Send>| {
            std::thread::Builder::new()
                .name(name.to_string())
                .stack_size(THREAD_STACK)
                .spawn(f)
                .map_err(|e| Error::Io {
                    phase: None,
                    message: format!("cannot start a thread: {e}"),
                })
        };
        let mut handles = Vec::with_capacity(2);
        handles.push(spawn("gemini-live-tx", Box::new(move || writer.run()))?);
        match spawn("gemini-live-rx", Box::new(move || reader.run())) {
            Ok(h) => handles.push(h),
            Err(e) => {
                link.kill();
                {
                    let mut conn = shared.conn.lock();
                    conn.ended = true;
                    shared.conn_ready.notify_all();
                }
                drop(out_tx);
                for h in handles {
                    let _ = h.join();
                }
                return Err(e);
            }
        }
        Ok(Session {
            shared,
            out_tx,
            flush_tx,
            events_rx,
            closing_tx: Mutex::new(Some(closing_tx)),
            reader_done,
            threads: Mutex::new(handles),
        })
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
            .snapshot(self.out_tx.len(), self.shared.state())
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
        let msg = match writer::write_direct(&self.shared, &self.flush_tx, msg) {
            Ok(()) => return Ok(()),
            Err(msg) => msg,
        };
        // Counted before it enters the queue, so the direct path sees it (writer.rs).
        self.shared.queued.fetch_add(1, Ordering::SeqCst);
        let r = if wait {
            self.out_tx
                .send_timeout(msg, self.shared.config.timeouts.send)
                .map_err(|e| match e {
                    crossbeam_channel::SendTimeoutError::Timeout(_) => Error::SendTimeout,
                    crossbeam_channel::SendTimeoutError::Disconnected(_) => Error::SessionClosed,
                })
        } else {
            self.out_tx.try_send(msg).map_err(|e| match e {
                TrySendError::Full(_) => Error::WouldBlock,
                TrySendError::Disconnected(_) => Error::SessionClosed,
            })
        };
        if r.is_err() {
            self.shared.queued.fetch_sub(1, Ordering::SeqCst);
        }
        self.shared.metrics.queue_depth(self.out_tx.len());
        r
    }

    /// Waits up to `timeout` for the next event: `Ok(None)` on timeout;
    /// `Err(Error::SessionClosed)` once the session is closed and every event was taken.
    pub fn next_event(&self, timeout: Duration) -> Result<Option<Event>> {
        match self.events_rx.recv_timeout(timeout) {
            Ok(ev) => Ok(Some(ev)),
            Err(RecvTimeoutError::Timeout) => Ok(None),
            Err(RecvTimeoutError::Disconnected) => Err(Error::SessionClosed),
        }
    }

    /// The next event if one is ready; `Err(Error::SessionClosed)` as for `next_event`.
    pub fn try_next_event(&self) -> Result<Option<Event>> {
        match self.events_rx.try_recv() {
            Ok(ev) => Ok(Some(ev)),
            Err(crossbeam_channel::TryRecvError::Empty) => Ok(None),
            Err(crossbeam_channel::TryRecvError::Disconnected) => Err(Error::SessionClosed),
        }
    }

    /// A blocking iterator over events; it ends after [`Event::Closed`].
    pub fn events(&self) -> impl Iterator<Item = Event> + '_ {
        self.events_rx.iter()
    }

    /// Closes the session: sends what is queued, then a close frame, waits for the server's
    /// close up to the close timeout (then cuts the socket), and joins both threads.
    /// Calling it again does nothing. If a reconnection attempt is under way, `close` also
    /// waits for that attempt's connect to end (at most `timeouts.connect_total`).
    pub fn close(&self) -> Result<()> {
        let deadline = Instant::now() + self.shared.config.timeouts.close;
        let first = self.closing_tx.lock().take();
        if let Some(closing) = first {
            if self.state() != State::Closed {
                self.shared.set_state(State::Closing);
                log::info!("closing session");
                self.shared.queued.fetch_add(1, Ordering::SeqCst);
                if self
                    .out_tx
                    .send_deadline(Outgoing::Close, deadline)
                    .is_err()
                {
                    self.shared.queued.fetch_sub(1, Ordering::SeqCst);
                    self.shared.kill_link();
                }
            }
            // From here on, events are delivered only while the queue has room: nobody may
            // be reading any more, and the reader must not wait for them.
            drop(closing);
            if let Err(RecvTimeoutError::Timeout) = self.reader_done.recv_deadline(deadline) {
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
        Ok(())
    }
}

impl Drop for Session {
    fn drop(&mut self) {
        let _ = self.close();
    }
}

/// Stack size of the two session threads. The reader decodes server JSON recursively, up to
/// serde_json's nesting limit of 128 levels: that takes about 100 KiB in a release build and
/// 380 KiB in a debug build (tests/decoder_fuzz.rs), and overflowing aborts the process. The
/// stack is reserved, not committed: only the pages used cost memory, so a thousand sessions
/// still fit.
const THREAD_STACK: usize = 512 * 1024;

/// The first connect, retried with backoff on retryable failures as the policy allows; the
/// attempts are told as `Reconnecting` events.
fn connect_with_retry(config: &Config, events: &Sender<Event>) -> Result<transport::Connected> {
    let policy = config.first_connect.as_ref().unwrap_or(&config.reconnect);
    let started = Instant::now();
    let mut jitter = Jitter::new();
    let mut attempt = 0;
    loop {
        match transport::connect(config, config.resumption_handle.as_deref()) {
            Ok(c) => return Ok(c),
            Err(e)
                if policy.enabled
                    && e.is_retryable()
                    && attempt + 1 < policy.max_attempts
                    && started.elapsed() < policy.max_total =>
            {
                let delay = next_delay(policy, attempt, jitter.next());
                attempt += 1;
                log::info!("connect failed ({e}); attempt {} in {delay:?}", attempt + 1);
                let _ = events.try_send(Event::Reconnecting {
                    attempt,
                    delay,
                    cause: Some(e),
                });
                std::thread::sleep(delay);
            }
            Err(e) => return Err(e),
        }
    }
}
