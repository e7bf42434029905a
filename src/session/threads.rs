//! The session's reader and writer threads.

use super::events::{to_events, Event, State};
use super::{Outgoing, Shared};
use crate::error::{Error, Phase};
use crate::protocol::{self, ServerMessage};
use crate::transport::io::{Inbound, Link};
use crossbeam_channel::{select, Receiver, Sender, TrySendError};
use std::sync::Arc;
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::CloseFrame;
use tungstenite::Message;

/// Most queued messages the writer sends in one lock hold and one flush.
const WRITE_BATCH: usize = 32;

/// Folds one server message into the shared state and appends its events.
pub(crate) fn absorb(shared: &Shared, msg: ServerMessage, out: &mut Vec<Event>) {
    let facts = to_events(msg, shared.config.response_mode, out);
    if facts.reply_content {
        shared.metrics.reply_content(facts.audio);
    }
    if facts.turn_complete {
        shared.metrics.turn_complete();
    }
    if let Some(h) = facts.handle {
        *shared.handle.lock() = Some(h);
    }
}

pub(crate) struct Reader {
    pub shared: Arc<Shared>,
    pub link: Arc<Link>,
    pub events: Sender<Event>,
    /// Disconnected when the application closed the session.
    pub closing: Receiver<()>,
    /// Dropped when this thread ends: `close` waits for that.
    pub _done: Sender<()>,
    /// Dropped when this thread ends: stops the writer.
    pub _writer_stop: Sender<()>,
}

impl Reader {
    pub fn run(self) {
        let mut inbound = Vec::with_capacity(crate::transport::io::DRAIN_CAP);
        let mut events = Vec::new();
        loop {
            let drained = self.link.drain(&mut inbound);
            for item in inbound.drain(..) {
                match item {
                    Inbound::Data(bytes) => {
                        self.shared.metrics.received(bytes.len());
                        log::trace!("received {} bytes", bytes.len());
                        match protocol::decode_server(&bytes) {
                            Ok(msg) => absorb(&self.shared, msg, &mut events),
                            Err(e) => {
                                self.shared
                                    .metrics
                                    .decode_errors
                                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                                log::warn!("{e}");
                                events.push(Event::Error(Error::Protocol(e.0)));
                            }
                        }
                        for ev in events.drain(..) {
                            self.deliver(ev);
                        }
                    }
                    Inbound::Close(code, reason) => return self.finish(code, reason, None),
                    Inbound::Failed(e) => {
                        let err = self.shared.write_error.lock().take().unwrap_or_else(|| {
                            crate::transport::ws_error(e, Phase::Setup, &self.shared.config)
                        });
                        let err = match err {
                            Error::Timeout(_) | Error::Io { phase: Some(_), .. } => Error::Io {
                                phase: None,
                                message: err.to_string(),
                            },
                            other => other,
                        };
                        return self.finish(1006, String::new(), Some(err));
                    }
                }
            }
            if drained {
                self.link.wait_readable(None);
            }
        }
    }

    /// Queues an event for the application; if it has closed the session and the queue is
    /// full, the event is dropped rather than waited on.
    fn deliver(&self, ev: Event) {
        match self.events.try_send(ev) {
            Ok(()) => {}
            Err(TrySendError::Disconnected(_)) => {}
            Err(TrySendError::Full(ev)) => {
                select! {
                    send(self.events, ev) -> _ => {}
                    recv(self.closing) -> _ => log::debug!("event dropped: the session is closing"),
                }
            }
        }
    }

    fn finish(&self, code: u16, reason: String, failure: Option<Error>) {
        let requested = self.shared.state() == State::Closing;
        let error = if requested {
            None
        } else if let Some(e) = failure {
            Some(e)
        } else if code == 1000 {
            None
        } else {
            Some(Error::from_close(
                code,
                &reason,
                self.shared.config.model_id(),
            ))
        };
        match &error {
            Some(e) => log::warn!("session ended: {e}"),
            None => log::info!("session closed ({code})"),
        }
        self.link.kill();
        self.shared.set_state(State::Closed);
        self.deliver(Event::StateChanged(State::Closed));
        self.deliver(Event::Closed {
            code: if requested && code == 1005 {
                1000
            } else {
                code
            },
            reason,
            error,
        });
    }
}

pub(crate) struct Writer {
    pub shared: Arc<Shared>,
    pub link: Arc<Link>,
    pub queue: Receiver<Outgoing>,
    /// Disconnected when the reader ended.
    pub stop: Receiver<()>,
}

impl Writer {
    pub fn run(self) {
        loop {
            let first = select! {
                recv(self.queue) -> m => match m { Ok(m) => m, Err(_) => return },
                recv(self.stop) -> _ => return,
            };
            let mut batch = vec![first];
            while batch.len() < WRITE_BATCH {
                match self.queue.try_recv() {
                    Ok(m) => batch.push(m),
                    Err(_) => break,
                }
            }
            let mut sizes = Vec::with_capacity(batch.len());
            let mut close = false;
            let mut msgs = batch.into_iter().filter_map(|m| match m {
                Outgoing::Data { frame, input } => {
                    sizes.push((frame.len(), input));
                    Some(Message::text(frame))
                }
                Outgoing::Close => {
                    close = true;
                    Some(Message::Close(Some(CloseFrame {
                        code: CloseCode::Normal,
                        reason: "".into(),
                    })))
                }
            });
            let result = self.link.send_all(&mut msgs);
            drop(msgs);
            match result {
                Ok(()) => {
                    for (len, input) in sizes {
                        self.shared.metrics.sent(len, input);
                    }
                }
                Err(e) => {
                    if !self.link.is_dead() && !close {
                        let err = crate::transport::ws_error(e, Phase::Setup, &self.shared.config);
                        log::warn!("send failed: {err}");
                        let mut slot = self.shared.write_error.lock();
                        slot.get_or_insert(Error::Io {
                            phase: None,
                            message: format!("send failed: {err}"),
                        });
                    }
                    self.link.kill();
                    return;
                }
            }
            if close {
                return;
            }
        }
    }
}
