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
use super::{Outgoing, Shared};
use crate::error::Error;
use crate::error::Result;
use crate::reconnect::InputKind;
use crate::transport::io::{Flush, Link};
use crossbeam_channel::{bounded, select, Receiver, Sender, TrySendError};
use parking_lot::Mutex;
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
    /// Asks the writer thread to finish a flush.
    flush: Sender<()>,
}

/// The sending side of the send queue, held by the [`Session`](super::Session).
pub(crate) struct Input {
    queue: Sender<Outgoing>,
}

/// The writer thread's ends of the channels [`Input`] and [`WriteState`] send on.
pub(crate) struct Queues {
    queue: Receiver<Outgoing>,
    flush: Receiver<()>,
}

/// A new write path with a send queue of `capacity` messages.
pub(crate) fn write_path(capacity: usize) -> (WriteState, Input, Queues) {
    let (queue_tx, queue) = bounded(capacity);
    let (flush_tx, flush) = bounded::<()>(1);
    let state = WriteState {
        gate: Mutex::new(()),
        queued: AtomicUsize::new(0),
        unflushed: Mutex::new(Vec::new()),
        flush: flush_tx,
    };
    (state, Input { queue: queue_tx }, Queues { queue, flush })
}

impl Input {
    /// Sends `msg`: written in this thread if the direct path is open, otherwise queued,
    /// waiting up to the send timeout for room (`wait`) or not at all
    /// ([`Error::WouldBlock`]).
    pub fn send(&self, shared: &Shared, msg: Outgoing, wait: bool) -> Result<()> {
        let msg = match write_direct(shared, msg) {
            Ok(()) => return Ok(()),
            Err(msg) => msg,
        };
        // Counted before it enters the queue, so the direct path sees it.
        shared.writes.queued.fetch_add(1, Ordering::SeqCst);
        let r = if wait {
            self.queue
                .send_timeout(msg, shared.config.timeouts.send)
                .map_err(|e| match e {
                    crossbeam_channel::SendTimeoutError::Timeout(_) => Error::SendTimeout,
                    crossbeam_channel::SendTimeoutError::Disconnected(_) => Error::SessionClosed,
                })
        } else {
            self.queue.try_send(msg).map_err(|e| match e {
                TrySendError::Full(_) => Error::WouldBlock,
                TrySendError::Disconnected(_) => Error::SessionClosed,
            })
        };
        if r.is_err() {
            shared.writes.queued.fetch_sub(1, Ordering::SeqCst);
        }
        shared.metrics.queue_depth(self.queue.len());
        r
    }

    /// Queues a close frame behind everything queued; `false` if it could not be queued
    /// by `deadline` (the caller then cuts the connection).
    pub fn close(&self, shared: &Shared, deadline: Instant) -> bool {
        shared.writes.queued.fetch_add(1, Ordering::SeqCst);
        let ok = self.queue.send_deadline(Outgoing::Close, deadline).is_ok();
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
pub(crate) fn ping(shared: &Shared, link: &Link) -> std::result::Result<(), tungstenite::Error> {
    let ping = Message::Ping(tungstenite::Bytes::from_static(b"k"));
    if !link.write(&mut std::iter::once(ping), Flush::Try)? {
        let _ = shared.writes.flush.try_send(());
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
pub(crate) struct Writer {
    pub shared: Arc<Shared>,
    pub queues: Queues,
    /// Disconnected when the reader ended.
    pub stop: Receiver<()>,
    /// For events the writer itself causes (dropped tool responses).
    pub events: super::EventTx,
}

impl Writer {
    pub fn run(self) {
        loop {
            let first = select! {
                recv(self.queues.queue) -> m => match m { Ok(m) => Some(m), Err(_) => return },
                recv(self.queues.flush) -> _ => None,
                recv(self.stop) -> _ => return,
            };
            let Some(first) = first else {
                self.finish_flush();
                continue;
            };
            let mut batch = Vec::with_capacity(8);
            batch.push(first);
            while batch.len() < WRITE_BATCH {
                match self.queues.queue.try_recv() {
                    Ok(m) => batch.push(m),
                    Err(_) => break,
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
        let _gate = shared.writes.gate.lock();
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
                        let ok = conn.replay.push(frame, kind.clone(), *audio);
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
        if !stale.is_empty() {
            log::warn!("tool responses for unknown calls not sent: {stale:?}");
            let _ = self
                .events
                .try_send(Box::new(Event::ToolResponsesDropped { ids: stale }));
        }
        let starts_turn = batch
            .iter()
            .any(|m| matches!(m, Outgoing::Data { kind, .. } if *kind != InputKind::Plain));
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
        if starts_turn {
            // Let the reader arm its stall timer for this turn.
            shared.waker.wake();
        }
        shared.writes.queued.fetch_sub(taken, Ordering::SeqCst);
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
            log::trace!("sent {} messages", sizes.len());
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
fn write_direct(shared: &Shared, msg: Outgoing) -> std::result::Result<(), Outgoing> {
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
    let Outgoing::Data {
        frame,
        input,
        kind,
        audio,
        queued,
    } = msg
    else {
        return Err(msg);
    };
    let mut conn = shared.conn.lock();
    let link = match &conn.link {
        Some(link) if !conn.ended => link.clone(),
        _ => {
            return Err(Outgoing::Data {
                frame,
                input,
                kind,
                audio,
                queued,
            })
        }
    };
    let starts_turn = kind != InputKind::Plain;
    // A tool response the replay buffer refuses (its calls are unknown) goes to the writer,
    // which refuses it again and tells the application with an event.
    if shared.config.reconnect.enabled && !conn.replay.push(&frame, kind.clone(), audio) {
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
    match link.write(&mut std::iter::once(Message::Text(frame)), Flush::Try) {
        Ok(true) => after_write(shared, &link, Ok(true), false, &[(len, input, queued)]),
        Ok(false) => {
            writes
                .unflushed
                .lock()
                .push(Unflushed { len, input, queued });
            let _ = writes.flush.try_send(());
        }
        Err(e) => after_write(shared, &link, Err(e), false, &[]),
    }
    if starts_turn {
        // Let the reader arm its stall timer for this turn.
        shared.waker.wake();
    }
    Ok(())
}
