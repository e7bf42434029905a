//! The session's reader thread (the writer is in `writer.rs`; the turn ledger in `turns.rs`).
//!
//! The reader drives the connection: it reads, turns messages into events, watches the GoAway
//! deadline, stalls and keepalive, and reconnects (resuming and replaying input) when a
//! retryable failure ends a connection.

use super::events::{to_events, Event, State};
use super::{writer, Shared};
use crate::error::Error;
use crate::protocol::{self, ServerMessage};
use crate::reconnect::{next_delay, resume_refused, Jitter};
use crate::transport::io::{Inbound, Link};
use crossbeam_channel::{select, Receiver, RecvTimeoutError, Sender, TrySendError};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a GoAway handover waits for the old connection's close reply.
const HANDOVER_CLOSE_WAIT: Duration = Duration::from_secs(1);

/// Folds one server message into the shared state and appends its events.
pub(crate) fn absorb(shared: &Shared, msg: ServerMessage, out: &mut Vec<Event>) -> Facts {
    let facts = to_events(msg, shared.config.response_mode, out);
    if facts.reply_content {
        shared.metrics.reply_content(facts.audio);
    }
    if facts.turn_complete {
        shared.metrics.turn_complete();
    }
    let mut conn = shared.conn.lock();
    let replay = &mut conn.replay;
    if facts.reply_content {
        replay.reply_started();
    }
    if !facts.tool_calls.is_empty() {
        replay.tool_call(facts.tool_calls.iter().cloned());
    }
    replay.tool_calls_cancelled(&facts.cancelled);
    if facts.turn_complete {
        replay.turn_complete();
    }
    if let Some(h) = &facts.handle {
        replay.handle_received();
        drop(conn);
        *shared.handle.lock() = Some(h.clone());
    }
    facts
}

pub(crate) use super::events::Facts;

/// How a connection ended.
enum End {
    Close(u16, String),
    Failed(Error),
    /// A GoAway asked us to move to a new connection.
    Handover,
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
    pub fn run(mut self) {
        let policy = self.shared.config.reconnect.clone();
        loop {
            let end = self.pump();
            let closing = self.shared.state() == State::Closing;
            let cause = match end {
                End::Close(code, reason) => {
                    self.shared.metrics.closed(code, &reason);
                    let err = (code != 1000 && !closing)
                        .then(|| Error::from_close(code, &reason, self.shared.config.model_id()));
                    match err {
                        Some(e) if e.is_retryable() && policy.enabled => Some(e),
                        err => return self.finish(code, reason, err),
                    }
                }
                End::Failed(e) => {
                    self.shared.metrics.closed(1006, "");
                    if closing || !(e.is_retryable() && policy.enabled) {
                        return self.finish(1006, String::new(), (!closing).then_some(e));
                    }
                    Some(e)
                }
                End::Handover => {
                    self.close_old_link();
                    None
                }
            };
            match self.reconnect(cause) {
                Ok(link) => self.link = link,
                Err(Error::SessionClosed) => return self.finish(1000, String::new(), None),
                Err(e) => {
                    let (code, reason) = match &e {
                        Error::Closed { code, reason } => (*code, reason.clone()),
                        Error::ModelNotFound { reason, .. } => (1008, reason.clone()),
                        _ => (1006, String::new()),
                    };
                    return self.finish(code, reason, Some(e));
                }
            }
        }
    }

    /// Reads the current link until it ends or a GoAway handover is due.
    fn pump(&mut self) -> End {
        let config = &self.shared.config;
        let link = self.link.clone();
        let mut events = Vec::new();
        let mut goaway: Option<Instant> = None;
        let mut last_rx = Instant::now();
        let mut ping_sent: Option<Instant> = None;
        loop {
            // Each message's events go out as soon as it is decoded, except from a
            // turnComplete on: those wait until the socket is drained, so the handover
            // decision below sees what came right behind it (a GoAway) before the
            // application can react to the turn's end with new input.
            let mut turn_done = false;
            let mut end = None;
            let drained = link.drain(|item| match item {
                Inbound::Data(bytes) => {
                    last_rx = Instant::now();
                    ping_sent = None;
                    let facts = self.process(&bytes, &mut events);
                    if let Some(time_left) = facts.go_away {
                        goaway = Some(Instant::now() + self.handover_delay(time_left));
                    }
                    turn_done |= facts.turn_complete;
                    if !turn_done {
                        for ev in events.drain(..) {
                            self.deliver(ev);
                        }
                    }
                    true
                }
                Inbound::Pong => {
                    last_rx = Instant::now();
                    ping_sent = None;
                    true
                }
                Inbound::Close(code, reason) => {
                    end = Some(End::Close(code, reason));
                    false
                }
                Inbound::Failed(e) => {
                    end = Some(End::Failed(self.failure(e)));
                    false
                }
            });
            let reconnecting = config.reconnect.enabled;
            let (turn_active, handover) = {
                let mut conn = self.shared.conn.lock();
                let active = conn.replay.turn_active();
                let handover = end.is_none() && goaway.is_some() && reconnecting && !active;
                if handover {
                    // Input sent from here on waits for the new connection.
                    conn.link = None;
                }
                (active, handover)
            };
            for ev in events.drain(..) {
                self.deliver(ev);
            }
            if let Some(end) = end {
                return end;
            }
            if handover {
                log::info!("GoAway: handing over at a turn boundary (turn done: {turn_done})");
                return End::Handover;
            }
            if !drained {
                continue;
            }
            let now = Instant::now();
            let mut wait: Option<Duration> = None;
            let mut due = |at: Instant| {
                let left = at.saturating_duration_since(now);
                wait = Some(wait.map_or(left, |w: Duration| w.min(left)));
                left.is_zero()
            };
            if let Some(at) = goaway.filter(|_| reconnecting) {
                if due(at) {
                    log::info!("GoAway: handing over before the deadline, mid-turn");
                    return End::Handover;
                }
            }
            if turn_active && due(last_rx + config.stall_timeout) {
                return End::Failed(Error::Stalled(config.stall_timeout));
            }
            if let Some(interval) = config.keepalive_interval {
                match ping_sent {
                    Some(at) if due(at + config.pong_timeout) => {
                        return End::Failed(Error::Stalled(config.pong_timeout))
                    }
                    Some(_) => {}
                    None if due(last_rx + interval) => {
                        if let Err(e) = writer::ping(&self.shared, &link) {
                            return End::Failed(self.failure(e));
                        }
                        ping_sent = Some(Instant::now());
                        continue;
                    }
                    None => {}
                }
            }
            link.wait_readable(wait, &self.shared.waker);
        }
    }

    /// The error for a failed link: what the writer saw first, if anything.
    fn failure(&self, e: tungstenite::Error) -> Error {
        self.shared
            .write_error
            .lock()
            .take()
            .unwrap_or_else(|| crate::transport::ws_error(e, None))
    }

    fn handover_delay(&self, time_left: Option<Duration>) -> Duration {
        let left = time_left.unwrap_or(Duration::ZERO);
        left.saturating_sub(self.shared.config.reconnect.goaway_margin.min(left / 2))
    }

    /// Decodes one message into the shared state and appends its events to `events`.
    fn process(&self, bytes: &[u8], events: &mut Vec<Event>) -> Facts {
        self.shared.metrics.received(bytes.len());
        crate::record::received(&self.shared.config, bytes);
        log::trace!("received {} bytes", bytes.len());
        match protocol::decode_server(bytes) {
            Ok(msg) => absorb(&self.shared, msg, events),
            Err(e) => {
                self.shared
                    .metrics
                    .decode_errors
                    .fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                log::warn!("{e}");
                events.push(Event::Error(Error::Protocol(e.0)));
                Facts::default()
            }
        }
    }

    /// Planned end of the old connection (GoAway): take it from the writer, send a close
    /// frame, deliver what still arrives for a short while, then cut it. The server refuses a
    /// resume while the old socket is open.
    fn close_old_link(&mut self) {
        self.shared.conn.lock().link = None;
        if writer::close_frame(&self.link) {
            let deadline =
                Instant::now() + HANDOVER_CLOSE_WAIT.min(self.shared.config.timeouts.close);
            let mut ended = false;
            while !ended && Instant::now() < deadline {
                let drained = self.link.drain(|item| match item {
                    Inbound::Data(bytes) => {
                        let mut events = Vec::new();
                        self.process(&bytes, &mut events);
                        for ev in events {
                            self.deliver(ev);
                        }
                        true
                    }
                    Inbound::Pong => true,
                    Inbound::Close(..) | Inbound::Failed(_) => {
                        ended = true;
                        false
                    }
                });
                if drained && !ended {
                    self.link.wait_readable(
                        Some(deadline.saturating_duration_since(Instant::now())),
                        &self.shared.waker,
                    );
                }
            }
        }
        self.link.kill();
    }

    /// Makes a new connection (resuming with the latest handle), replays unacknowledged
    /// input, and hands the connection to the writer.
    fn reconnect(&mut self, mut cause: Option<Error>) -> Result<Arc<Link>, Error> {
        let shared = self.shared.clone();
        let config = &shared.config;
        let policy = &config.reconnect;
        self.shared.conn.lock().link = None;
        self.link.kill();
        self.shared.set_state(State::Reconnecting);
        self.deliver(Event::StateChanged(State::Reconnecting));
        let started = Instant::now();
        let mut jitter = Jitter::new();
        let mut use_handle = config.session_resumption;
        let planned = cause.is_none();
        for attempt in 0..policy.max_attempts.max(1) {
            if attempt > 0 && started.elapsed() >= policy.max_total {
                break;
            }
            let delay = if planned && attempt == 0 {
                Duration::ZERO
            } else {
                next_delay(policy, attempt, jitter.next())
            };
            log::info!(
                "reconnecting (attempt {}, in {delay:?}): {cause:?}",
                attempt + 1
            );
            self.deliver(Event::Reconnecting {
                attempt: attempt + 1,
                delay,
                cause: cause.clone(),
            });
            if let Err(RecvTimeoutError::Disconnected) = self.closing.recv_timeout(delay) {
                return Err(Error::SessionClosed);
            }
            let handle = if use_handle {
                self.shared.handle.lock().clone()
            } else {
                None
            };
            match self.try_resume(handle.as_deref(), started) {
                Ok(link) => return Ok(link),
                Err(e) if handle.is_some() && resume_refused(&e) => {
                    log::warn!("the server refused the resumption handle: {e}");
                    use_handle = false;
                    *self.shared.handle.lock() = None;
                    cause = Some(e);
                }
                Err(e) if !e.is_retryable() => return Err(e),
                Err(e) => cause = Some(e),
            }
        }
        Err(cause.unwrap_or(Error::ConnectionLost("reconnection gave up".into())))
    }

    fn try_resume(&mut self, handle: Option<&str>, outage: Instant) -> Result<Arc<Link>, Error> {
        let connected = crate::transport::connect(&self.shared.config, handle)?;
        self.shared.metrics.set_connect(connected.timings);
        let link = Arc::new(
            Link::new(connected.ws, connected.ctl).map_err(|e| Error::Io {
                phase: None,
                message: e.to_string(),
            })?,
        );
        let mut replay = self.shared.conn.lock().replay.take_replay();
        let replayed = replay.frames.len();
        (replay.frames.iter()).for_each(|f| crate::record::sent(&self.shared.config, f.as_bytes()));
        if let Err(e) = writer::replay(&link, std::mem::take(&mut replay.frames)) {
            link.kill();
            return Err(crate::transport::ws_error(e, None));
        }
        self.shared.metrics.reconnected(outage.elapsed(), replayed);
        {
            let mut conn = self.shared.conn.lock();
            conn.link = Some(link.clone());
            self.shared.conn_ready.notify_all();
        }
        self.shared.set_state(State::Connected);
        self.deliver(Event::StateChanged(State::Connected));
        self.deliver(if handle.is_some() {
            Event::Resumed { replayed }
        } else {
            Event::NewSession { replayed }
        });
        let (messages, bytes) = replay.overflowed;
        if messages > 0 {
            self.shared
                .metrics
                .dropped
                .fetch_add(messages, std::sync::atomic::Ordering::Relaxed);
            self.deliver(Event::InputDropped { messages, bytes });
        }
        if !replay.stale_tool_responses.is_empty() {
            self.shared.metrics.dropped.fetch_add(
                replay.stale_tool_responses.len() as u64,
                std::sync::atomic::Ordering::Relaxed,
            );
            self.deliver(Event::ToolResponsesDropped {
                ids: replay.stale_tool_responses,
            });
        }
        log::info!(
            "reconnected after {:?}; replayed {replayed} messages",
            outage.elapsed()
        );
        let mut early = Vec::new();
        for msg in connected.early {
            absorb(&self.shared, msg, &mut early);
        }
        for ev in early {
            self.deliver(ev);
        }
        Ok(link)
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

    fn finish(&self, code: u16, reason: String, error: Option<Error>) {
        let requested = self.shared.state() == State::Closing;
        let error = if requested { None } else { error };
        match &error {
            Some(e) => log::warn!("session ended: {e}"),
            None => log::info!("session closed ({code})"),
        }
        self.link.kill();
        {
            let mut conn = self.shared.conn.lock();
            conn.ended = true;
            conn.link = None;
            self.shared.conn_ready.notify_all();
        }
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
