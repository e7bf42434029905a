//! How input and control frames reach the socket: the one owner of socket writes.
//!
//! Every write to a connection goes through this module, and [`Link::write`] (in
//! `transport/io.rs`) is called from nowhere else:
//!
//! - [`Input::send`]: the session's `send_*` calls. When nothing is queued or being written
//!   and a connection is up, the message is written in the caller's thread (the direct
//!   path); otherwise it goes to the send queue, whose bound is the back-pressure.
//! - [`Writer`]: the writer thread. It takes the send queue in order, records each input
//!   in the replay buffer and writes it to whatever connection is current; while there is
//!   none it waits, so input sent during a reconnection is queued, not refused. It also
//!   finishes the flushes the direct path and [`ping`] could not finish without waiting.
//! - [`ping`]: the reader's keepalive ping (a control frame, which may go between any two
//!   messages).
//! - [`replay`] and [`close_frame`]: the reader's writes to a connection that no sender can
//!   reach, because it is not (or no longer) `conn.link`: replayed input on a new
//!   connection before it is published, and the close frame of a connection handed over
//!   after a GoAway.
//!
//! The rules, all in [`WriteState`]: input is written in order by whoever holds its gate
//! (the writer thread for a batch, a sending thread on the direct path). The direct path is
//! taken only when the gate is free, nothing is queued (`queued` counts messages handed to
//! the queue and not yet written) and no earlier direct send still waits for its flush
//! (`unflushed`); a flush that would block is finished by the writer thread. The direct path
//! saves a wake-up of another thread per message, which costs more CPU than the write itself
//! and tens of microseconds of latency.
//!
//! Turn-ending input and tool responses take the direct path too. That a GoAway the server
//! sends right behind a `turnComplete` is seen before the next turn starts on the old
//! connection is the reader's business: it holds the events from a `turnComplete` on until
//! it has read what is already on the socket and decided on a handover (clearing
//! `conn.link`, which sends the next input to the queue, where it waits for the new
//! connection).

use super::events::Event;
use super::outbox::Outbox;
use super::queue::{self, Got, Rx, SendError, Signal, Tx};
use super::{Outgoing, Shared};
use crate::error::Error;
use crate::error::Result;
use crate::sync::Mutex;
use crate::transport::io::{Flush, Link};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::CloseFrame;
use tungstenite::Message;

/// Most queued messages the writer sends in one lock hold and one flush.
const WRITE_BATCH: usize = 32;

/// A message written to the socket whose flush is still to come.
pub(crate) struct Unflushed {
    len: usize,
    input: bool,
    queued: Instant,
}

/// The write path's shared state (in [`Shared::writes`]); only this module touches it.
pub(crate) struct WriteState {
    /// Held by whoever writes input, so input stays in order.
    gate: Mutex<()>,
    /// Messages handed to the send queue and not yet written by the writer thread.
    queued: AtomicUsize,
    /// Direct sends whose flush would have blocked, for the writer to finish and record.
    unflushed: Mutex<Vec<Unflushed>>,
    /// Asks the writer thread to finish a flush, or to stop.
    wake: Signal<Outgoing>,
    /// The writer thread, started the first time something has to wait for it
    /// ([`start_writer`]): a session whose input always takes the direct path never starts
    /// one (a thread spawn less at connect, a stack less per session).
    thread: Mutex<WriterThread>,
}

/// The writer thread's lifecycle.
enum WriterThread {
    /// Not started: what it will need (dropped when the reader ends, see [`StopWriter`]).
    Idle(Option<Parts>),
    /// Started; joined by [`join_writer`].
    Running(std::thread::JoinHandle<()>),
    /// Retired without starting, joined, or failed to start.
    Done,
}

/// What a writer thread is started with.
struct Parts {
    queue: Rx<Outgoing>,
    outbox: Outbox,
}

/// Held by the reader thread: when it ends, the writer stops or, if it never started, its
/// parts are dropped, so the event queue disconnects once the reader's events are taken.
pub(crate) struct StopWriter {
    shared: Arc<Shared>,
}

impl Drop for StopWriter {
    fn drop(&mut self) {
        self.shared.writes.wake.stop();
        let mut t = self.shared.writes.thread.lock();
        if matches!(*t, WriterThread::Idle(_)) {
            *t = WriterThread::Done;
        }
    }
}

/// The sending side of the send queue, held by the [`Session`](super::Session).
pub(crate) struct Input {
    queue: Tx<Outgoing>,
}

/// A new write path with a send queue of `capacity` messages; the writer thread, when it
/// starts, reports dropped tool responses through `outbox`. Returns the state for
/// [`Shared::writes`], the session's [`Input`], and a function that makes the reader's
/// [`StopWriter`] once `Shared` exists.
pub(crate) fn write_path(
    capacity: usize,
    outbox: Outbox,
) -> (WriteState, Input, impl FnOnce(&Arc<Shared>) -> StopWriter) {
    let (queue_tx, queue) = queue::bounded(capacity);
    let state = WriteState {
        gate: Mutex::new(()),
        queued: AtomicUsize::new(0),
        unflushed: Mutex::new(Vec::new()),
        wake: queue_tx.signaller(),
        thread: Mutex::new(WriterThread::Idle(Some(Parts { queue, outbox }))),
    };
    let stopper = move |shared: &Arc<Shared>| StopWriter {
        shared: shared.clone(),
    };
    (state, Input { queue: queue_tx }, stopper)
}

/// Starts the writer thread if it has not started yet. `Err` if it cannot start (then
/// nothing may be queued for it) or the session is over.
fn start_writer(shared: &Arc<Shared>) -> Result<()> {
    let mut t = shared.writes.thread.lock();
    let parts = match &mut *t {
        WriterThread::Running(_) => return Ok(()),
        WriterThread::Done => return Err(Error::SessionClosed),
        WriterThread::Idle(parts) => parts.take(),
    };
    let Some(p) = parts else {
        return Err(Error::SessionClosed);
    };
    let writer = Writer {
        shared: shared.clone(),
        queue: p.queue,
        outbox: p.outbox,
    };
    match std::thread::Builder::new()
        .name("gemini-live-tx".into())
        .stack_size(super::THREAD_STACK)
        .spawn(move || writer.run())
    {
        Ok(h) => {
            *t = WriterThread::Running(h);
            Ok(())
        }
        Err(e) => {
            *t = WriterThread::Done;
            Err(Error::Io {
                phase: None,
                message: format!("cannot start the writer thread: {e}"),
            })
        }
    }
}

/// Joins the writer thread, if it ran (after the reader ended, which stops it).
pub(crate) fn join_writer(shared: &Shared) {
    let t = std::mem::replace(&mut *shared.writes.thread.lock(), WriterThread::Done);
    if let WriterThread::Running(h) = t {
        if h.join().is_err() {
            log::error!("the writer thread panicked");
        }
    }
}

/// Asks the writer thread to finish a flush, starting it if need be.
fn request_flush(shared: &Arc<Shared>) {
    match start_writer(shared) {
        Ok(()) => {
            shared.writes.wake.signal();
        }
        // The bytes stay in tungstenite's buffer; the next write flushes them.
        Err(e) => log::warn!("a flush is left to the next write: {e}"),
    }
}

impl Input {
    /// Sends `msg`: written in this thread if the direct path is open, otherwise queued,
    /// waiting up to the send timeout for room (`wait`) or not at all
    /// ([`Error::WouldBlock`]).
    pub fn send(&self, shared: &Arc<Shared>, msg: Outgoing, wait: bool) -> Result<()> {
        let msg = match write_direct(shared, msg) {
            Ok(()) => return Ok(()),
            Err(msg) => msg,
        };
        start_writer(shared)?;
        // Counted before it enters the queue, so the direct path sees it.
        shared.writes.queued.fetch_add(1, Ordering::SeqCst);
        let r = if wait {
            let deadline = Instant::now().checked_add(shared.config.timeouts.send);
            self.queue.send_until(msg, deadline).map_err(|e| match e {
                SendError::Full(_) => Error::SendTimeout,
                SendError::Closed(_) => Error::SessionClosed,
            })
        } else {
            self.queue.try_send(msg).map_err(|e| match e {
                SendError::Full(_) => Error::WouldBlock,
                SendError::Closed(_) => Error::SessionClosed,
            })
        };
        if r.is_err() {
            shared.writes.queued.fetch_sub(1, Ordering::SeqCst);
        }
        shared.metrics.queue_depth(self.queue.len());
        r
    }

    /// Sends a close frame behind everything sent before (directly, or queued behind what
    /// is queued); `false` if it could not be queued by `deadline` (the caller then cuts the
    /// connection).
    pub fn close(&self, shared: &Arc<Shared>, deadline: Instant) -> bool {
        if write_direct(shared, Outgoing::Close).is_ok() {
            return true;
        }
        if start_writer(shared).is_err() {
            return false;
        }
        shared.writes.queued.fetch_add(1, Ordering::SeqCst);
        let ok = self
            .queue
            .send_until(Outgoing::Close, Some(deadline))
            .is_ok();
        if !ok {
            shared.writes.queued.fetch_sub(1, Ordering::SeqCst);
        }
        ok
    }

    /// Messages in the send queue.
    pub fn depth(&self) -> usize {
        self.queue.len()
    }
}

/// Sends a keepalive ping on `link` without waiting for the socket (the writer thread
/// finishes a flush that would block).
pub(crate) fn ping(
    shared: &Arc<Shared>,
    link: &Link,
) -> std::result::Result<(), tungstenite::Error> {
    let ping = Message::Ping(tungstenite::Bytes::from_static(b"k"));
    if !link.write(&mut std::iter::once(ping), Flush::Try)? {
        request_flush(shared);
    }
    Ok(())
}

/// Writes replayed input to a new connection and flushes it, before the connection is
/// published (nobody else can write to it yet).
pub(crate) fn replay(
    link: &Link,
    frames: Vec<tungstenite::Utf8Bytes>,
) -> std::result::Result<(), tungstenite::Error> {
    link.write(&mut frames.into_iter().map(Message::Text), Flush::Wait)
        .map(|_| ())
}

/// Sends a normal close frame on a connection no sender can reach any more (taken out of
/// `conn.link`) and flushes it; `false` if that failed.
pub(crate) fn close_frame(link: &Link) -> bool {
    link.write(&mut std::iter::once(close_message()), Flush::Wait)
        .is_ok()
}

fn close_message() -> Message {
    Message::Close(Some(CloseFrame {
        code: CloseCode::Normal,
        reason: "".into(),
    }))
}

/// The writer thread.
struct Writer {
    shared: Arc<Shared>,
    /// The send queue; it ends when the reader ended (`StopWriter`).
    queue: Rx<Outgoing>,
    /// For events the writer itself causes (dropped tool responses).
    outbox: Outbox,
}

impl Writer {
    fn run(self) {
        loop {
            let first = match self.queue.recv_or_signal() {
                Got::Item(m) => m,
                Got::Signal => {
                    self.finish_flush();
                    continue;
                }
                Got::Ended => return,
            };
            let mut batch = Vec::with_capacity(8);
            batch.push(first);
            while batch.len() < WRITE_BATCH {
                match self.queue.try_recv() {
                    Ok(Some(m)) => batch.push(m),
                    _ => break,
                }
            }
            if !self.write_batch(batch) {
                return;
            }
        }
    }

    /// Flushes what a direct send or a ping left in the socket's buffer.
    fn finish_flush(&self) {
        let _gate = self.shared.writes.gate.lock();
        let link = self.shared.conn.lock().link.clone();
        match link {
            Some(link) => {
                let result = link.write(&mut std::iter::empty(), Flush::Wait);
                after_write(&self.shared, &link, result, false, &[]);
            }
            // The connection is gone; the input is in the replay buffer.
            None => self.shared.writes.unflushed.lock().clear(),
        }
    }

    /// Writes one batch; `false` when the writer must stop.
    fn write_batch(&self, mut batch: Vec<Outgoing>) -> bool {
        let shared = &self.shared;
        let taken = batch.len();
        let gate = shared.writes.gate.lock();
        let replay_on = shared.config.reconnect.enabled;
        // Wait for a connection and record the input for replay in one hold of the lock,
        // so a reconnection either replays it or installs the new link first.
        let mut stale = Vec::new();
        let link = {
            let mut conn = shared.conn.lock();
            let link = loop {
                if conn.ended {
                    return false;
                }
                if let Some(link) = &conn.link {
                    break link.clone();
                }
                shared.conn_ready.wait(&mut conn);
            };
            if replay_on {
                batch.retain(|m| match m {
                    Outgoing::Data {
                        frame, kind, audio, ..
                    } => {
                        let ok = conn.ledger.push(frame, kind.clone(), *audio);
                        if !ok {
                            stale.extend(kind.tool_ids().iter().cloned());
                        }
                        ok
                    }
                    Outgoing::Close => true,
                });
            }
            link
        };
        let mut sizes = Vec::with_capacity(batch.len());
        let mut close = false;
        let mut msgs = batch.into_iter().map(|m| match m {
            Outgoing::Data {
                frame,
                input,
                queued,
                ..
            } => {
                sizes.push((frame.len(), input, queued));
                crate::transport::tap::sent(&shared.config, frame.as_bytes());
                Message::Text(frame)
            }
            Outgoing::Close => {
                close = true;
                close_message()
            }
        });
        let result = link.write(&mut msgs, Flush::Wait);
        drop(msgs);
        after_write(shared, &link, result, close, &sizes);
        shared.writes.queued.fetch_sub(taken, Ordering::SeqCst);
        drop(gate);
        if !stale.is_empty() {
            // After the gate: waiting for room in the event queue holds up no input.
            log::warn!(
                "tool responses for unknown calls not sent: {}",
                stale.join(", ")
            );
            self.outbox
                .deliver(Event::ToolResponsesDropped { ids: stale });
        }
        !close
    }
}

/// Records a write's metrics (including earlier direct sends it flushed), or on failure
/// kills the link so the reader reconnects and replays what was recorded.
fn after_write(
    shared: &Shared,
    link: &Link,
    result: std::result::Result<bool, tungstenite::Error>,
    close: bool,
    sizes: &[(usize, bool, Instant)],
) {
    match result {
        Ok(_) => {
            let now = Instant::now();
            let unflushed = std::mem::take(&mut *shared.writes.unflushed.lock());
            for u in &unflushed {
                shared.metrics.sent(u.len, u.input);
                shared.metrics.flushed(u.queued, now);
            }
            for &(len, input, queued) in sizes {
                shared.metrics.sent(len, input);
                shared.metrics.flushed(queued, now);
            }
        }
        Err(e) => {
            shared.writes.unflushed.lock().clear();
            if !link.is_dead() && !close {
                let err = crate::transport::ws_error(e, None);
                log::warn!("send failed: {err}");
                shared.write_error.lock().get_or_insert(Error::Io {
                    phase: None,
                    message: format!("send failed: {err}"),
                });
            }
            link.kill();
        }
    }
}

/// The direct path: writes `msg` in the caller's thread if nothing is queued or being
/// written and a connection is up; otherwise gives it back for the queue. Never waits for
/// the socket (a flush that would block is finished by the writer thread).
fn write_direct(shared: &Arc<Shared>, msg: Outgoing) -> std::result::Result<(), Outgoing> {
    let writes = &shared.writes;
    let Some(_gate) = writes.gate.try_lock() else {
        return Err(msg);
    };
    // Nothing queued, and nothing left unflushed by an earlier direct send: while the socket
    // is congested, input takes the queue, whose bound is the back-pressure (tungstenite's
    // own buffer would otherwise grow without one).
    if writes.queued.load(Ordering::SeqCst) != 0 || !writes.unflushed.lock().is_empty() {
        return Err(msg);
    }
    let mut conn = shared.conn.lock();
    let link = match &conn.link {
        Some(link) if !conn.ended => link.clone(),
        _ => return Err(msg),
    };
    let Outgoing::Data {
        frame,
        input,
        kind,
        audio,
        queued,
    } = msg
    else {
        // A close frame: nothing to record.
        drop(conn);
        match link.write(&mut std::iter::once(close_message()), Flush::Try) {
            Ok(true) => {}
            Ok(false) => request_flush(shared),
            Err(_) => link.kill(),
        }
        return Ok(());
    };
    // A tool response the replay buffer refuses (its calls are unknown) goes to the writer,
    // which refuses it again and tells the application with an event.
    if shared.config.reconnect.enabled && !conn.ledger.push(&frame, kind.clone(), audio) {
        drop(conn);
        return Err(Outgoing::Data {
            frame,
            input,
            kind,
            audio,
            queued,
        });
    }
    drop(conn);
    let len = frame.len();
    crate::transport::tap::sent(&shared.config, frame.as_bytes());
    match link.write(&mut std::iter::once(Message::Text(frame)), Flush::Try) {
        Ok(true) => after_write(shared, &link, Ok(true), false, &[(len, input, queued)]),
        Ok(false) => {
            writes
                .unflushed
                .lock()
                .push(Unflushed { len, input, queued });
            request_flush(shared);
        }
        Err(e) => after_write(shared, &link, Err(e), false, &[]),
    }
    Ok(())
}
