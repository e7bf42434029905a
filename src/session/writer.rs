//! The writer thread and the direct send path.
//!
//! The writer takes the send queue in order, records each input in the replay buffer, and
//! writes it to whatever connection is current; while there is none it waits, so input sent
//! during a reconnection is queued, not refused.
//!
//! The direct path saves the hand-over to the writer thread (a wake-up of another thread per
//! message, which costs more CPU than the write itself and tens of microseconds of latency):
//! when nothing is queued or being written, `send` writes the message to the socket itself,
//! in the caller's thread. It never waits for the socket: if the flush would block, the
//! writer thread finishes it. Order is kept by [`Shared::write_gate`], held by whoever
//! writes input, and [`Shared::queued`], the messages handed to the queue and not yet written:
//! the direct path is taken only when the gate is free, nothing is queued and no earlier direct
//! send is still waiting for its flush.

use super::events::Event;
use super::{Outgoing, Shared};
use crate::error::Error;
use crate::reconnect::InputKind;
use crate::transport::io::Link;
use crossbeam_channel::{select, Receiver, Sender};
use std::sync::atomic::Ordering;
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

pub(crate) struct Writer {
    pub shared: Arc<Shared>,
    pub queue: Receiver<Outgoing>,
    /// Disconnected when the reader ended.
    pub stop: Receiver<()>,
    /// A direct send left bytes unflushed: flush them.
    pub flush: Receiver<()>,
    /// For events the writer itself causes (dropped tool responses).
    pub events: Sender<Event>,
}

impl Writer {
    pub fn run(self) {
        loop {
            let first = select! {
                recv(self.queue) -> m => match m { Ok(m) => Some(m), Err(_) => return },
                recv(self.flush) -> _ => None,
                recv(self.stop) -> _ => return,
            };
            let Some(first) = first else {
                self.finish_flush();
                continue;
            };
            let mut batch = Vec::with_capacity(8);
            batch.push(first);
            while batch.len() < WRITE_BATCH {
                match self.queue.try_recv() {
                    Ok(m) => batch.push(m),
                    Err(_) => break,
                }
            }
            if !self.write_batch(batch) {
                return;
            }
        }
    }

    /// Flushes what a direct send left in the socket's buffer.
    fn finish_flush(&self) {
        let _gate = self.shared.write_gate.lock();
        let link = self.shared.conn.lock().link.clone();
        match link {
            Some(link) => {
                let result = link.send_all(&mut std::iter::empty());
                after_write(&self.shared, &link, result, false, &[]);
            }
            // The connection is gone; the input is in the replay buffer.
            None => self.shared.unflushed.lock().clear(),
        }
    }

    /// Writes one batch; `false` when the writer must stop.
    fn write_batch(&self, mut batch: Vec<Outgoing>) -> bool {
        let shared = &self.shared;
        let taken = batch.len();
        let _gate = shared.write_gate.lock();
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
                .try_send(Event::ToolResponsesDropped { ids: stale });
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
                crate::record::sent(&shared.config, frame.as_bytes());
                Message::Text(frame)
            }
            Outgoing::Close => {
                close = true;
                Message::Close(Some(CloseFrame {
                    code: CloseCode::Normal,
                    reason: "".into(),
                }))
            }
        });
        let result = link.send_all(&mut msgs);
        drop(msgs);
        after_write(shared, &link, result, close, &sizes);
        if starts_turn {
            // Let the reader arm its stall timer for this turn.
            shared.waker.wake();
        }
        shared.queued.fetch_sub(taken, Ordering::SeqCst);
        !close
    }
}

/// Records a write's metrics (including earlier direct sends it flushed), or on failure
/// kills the link so the reader reconnects and replays what was recorded.
fn after_write(
    shared: &Shared,
    link: &Link,
    result: Result<(), tungstenite::Error>,
    close: bool,
    sizes: &[(usize, bool, Instant)],
) {
    match result {
        Ok(()) => {
            let now = Instant::now();
            let unflushed = std::mem::take(&mut *shared.unflushed.lock());
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
            shared.unflushed.lock().clear();
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
pub(crate) fn write_direct(
    shared: &Shared,
    flush: &Sender<()>,
    msg: Outgoing,
) -> Result<(), Outgoing> {
    // Only streaming input (audio, video, content that does not end a turn) goes direct:
    // that is where the hand-over costs, 50 times a second. Input that ends a turn keeps the
    // writer's hop, so a GoAway the server sends right behind a `turnComplete` is read before
    // the next turn can start on the old connection (the GoAway tests pin that order); tool
    // responses may be refused by the replay buffer with an event only the writer sends.
    if !matches!(&msg, Outgoing::Data { kind, .. } if *kind == InputKind::Plain) {
        return Err(msg);
    }
    let Some(_gate) = shared.write_gate.try_lock() else {
        return Err(msg);
    };
    // Nothing queued, and nothing left unflushed by an earlier direct send: while the socket
    // is congested, input takes the queue, whose bound is the back-pressure (tungstenite's
    // own buffer would otherwise grow without one).
    if shared.queued.load(Ordering::SeqCst) != 0 || !shared.unflushed.lock().is_empty() {
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
        return Err(msg);
    };
    if shared.config.reconnect.enabled {
        conn.replay.push(&frame, kind, audio);
    }
    drop(conn);
    let len = frame.len();
    crate::record::sent(&shared.config, frame.as_bytes());
    match link.try_send(Message::Text(frame)) {
        Ok(true) => after_write(shared, &link, Ok(()), false, &[(len, input, queued)]),
        Ok(false) => {
            shared
                .unflushed
                .lock()
                .push(Unflushed { len, input, queued });
            let _ = flush.try_send(());
        }
        Err(e) => after_write(shared, &link, Err(e), false, &[]),
    }
    Ok(())
}
