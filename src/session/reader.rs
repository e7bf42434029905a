//! The session's reader thread. Where things live: the writer is in `writer.rs`, the turn
//! ledger (what is owed, what to replay) in `turns.rs`, the connection policy (backoff,
//! budgets, timers) in `connection.rs`.
//!
//! The reader drives the connection: it reads, turns messages into events and folds them into
//! the ledger, acts on what the timers say (stall, keepalive, GoAway handover), and when a
//! connection ends it reconnects through the lifecycle, replaying what the ledger says.

use super::connection::{Attempts, Due, Lifecycle, Start};
use super::direct::{Cover, ReaderSleep};
use super::events::{to_events, Event, State};
use super::pump::{failure, Mode, Step};
use super::turns::Lost;
use super::{writer, Shared};
use crate::error::Error;
use crate::protocol::{self, ServerMessage};
use crate::transport::io::{Inbound, Link};
use crate::transport::Connected;
use crossbeam_channel::{select, Receiver, RecvTimeoutError, Sender, TrySendError};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a GoAway handover waits for the old connection's close reply.
const HANDOVER_CLOSE_WAIT: Duration = Duration::from_secs(1);

/// Folds one server message into the shared state and appends its events.
pub(crate) fn absorb(shared: &Shared, msg: ServerMessage, out: &mut Vec<Event>) -> Facts {
    let start = out.len();
    let facts = to_events(msg, shared.config.response_mode, out);
    if facts.reply_content {
        shared.metrics.reply_content(facts.audio);
    }
    if facts.turn_complete {
        shared.metrics.turn_complete();
    }
    {
        let mut conn = shared.conn.lock();
        conn.replay.server(&facts, std::time::Instant::now());
        conn.replay.history_server(&out[start..], &facts);
    }
    if let Some(h) = &facts.handle {
        *shared.handle.lock() = Some(h.clone());
    }
    facts
}

pub(crate) use super::events::Facts;

/// How a connection ended.
#[derive(Debug)]
pub(crate) enum End {
    Close(u16, String),
    Failed(Error),
    /// A GoAway asked us to move to a new connection (its `timeLeft`).
    Handover(Option<Duration>),
}

pub(crate) struct Reader {
    pub shared: Arc<Shared>,
    pub link: Arc<Link>,
    pub life: Lifecycle,
    pub events: super::EventTx,
    /// Disconnected when the application closed the session.
    pub closing: Receiver<()>,
    /// Dropped when this thread ends: `close` waits for that.
    pub _done: Sender<()>,
    /// Dropped when this thread ends: stops the writer.
    pub _writer_stop: super::writer::StopWriter,
}

impl Reader {
    pub fn run(mut self) {
        let enabled = self.shared.config.reconnect.enabled;
        loop {
            let end = self.pump();
            let closing = self.shared.state() == State::Closing;
            let start = match end {
                End::Close(code, reason) => {
                    self.shared.metrics.closed(code, &reason);
                    let err = (code != 1000 && !closing)
                        .then(|| Error::from_close(code, &reason, self.shared.config.model_id()));
                    match err {
                        Some(e) if e.is_retryable() && enabled => Start::Failure(e),
                        err => return self.finish(code, reason, err),
                    }
                }
                End::Failed(e) => {
                    self.shared.metrics.closed(1006, "");
                    if closing || !(e.is_retryable() && enabled) {
                        return self.finish(1006, String::new(), (!closing).then_some(e));
                    }
                    Start::Failure(e)
                }
                End::Handover(time_left) => {
                    self.close_old_link();
                    Start::Handover(time_left)
                }
            };
            match self.reconnect(start) {
                Ok(link) => self.link = link,
                Err(Error::SessionClosed) => return self.finish(1000, String::new(), None),
                Err(e) => {
                    let (code, reason) = e
                        .close_code()
                        .map(|(c, r)| (c, r.to_string()))
                        .unwrap_or((1006, String::new()));
                    return self.finish(code, reason, Some(e));
                }
            }
        }
    }

    /// Pumps the current link (`pump.rs`) until it ends or a GoAway handover is due: steps
    /// it while there is something to read, and in between acts on the timers and waits,
    /// for the socket or, while an application thread is reading it, for the waker only.
    fn pump(&mut self) -> End {
        let shared = self.shared.clone();
        let config = &shared.config;
        // The pump has this link already: `Session::connect` or the reconnection put it there,
        // and an application thread may have read from it since.
        let link = self.link.clone();
        let mut sleep = ReaderSleep::default();
        let end = loop {
            let mut pump = shared.pump.lock();
            if let Some(end) = pump.end.take() {
                break end;
            }
            match pump.step(&shared, Mode::Reader) {
                Step::Delivered | Step::More => continue,
                Step::End(end) => break end,
                Step::Full => {
                    drop(pump);
                    self.send_backlog_front();
                    continue;
                }
                Step::Idle => {}
            }
            let stall_since = shared.conn.lock().replay.stall_since();
            let now = Instant::now();
            match pump.timers.check(config, stall_since, now) {
                Due::Wait(wait) => {
                    drop(pump);
                    // Never longer than the stall timeout: a turn that starts meanwhile arms
                    // the stall timer without waking this thread.
                    let wait = wait.map_or(config.stall_timeout, |w| w.min(config.stall_timeout));
                    let left = |t: Option<Instant>| t.map(|t| t.saturating_duration_since(now));
                    match shared
                        .direct
                        .reader_sleeps(&mut sleep, now, Some(now + wait))
                    {
                        Cover::Socket(until) => {
                            link.wait_readable(left(until), &shared.waker);
                        }
                        Cover::Waker(until) => shared.waker.wait(left(until)),
                    }
                    shared.direct.reader_awake();
                }
                Due::Handover => {
                    log::info!("GoAway: handing over before the deadline, mid-turn");
                    break End::Handover(pump.timers.goaway().flatten());
                }
                Due::Stalled(d) => break End::Failed(Error::Stalled(d)),
                Due::Ping => {
                    if let Err(e) = writer::ping(&shared, &link) {
                        break End::Failed(failure(&shared, e));
                    }
                    pump.timers.ping_sent(Instant::now());
                }
            }
        };
        // No application thread reads this link any more.
        shared.pump.lock().link = None;
        // What waits in the backlog goes out before anything the reconnection says.
        while self.send_backlog_front() {}
        end
    }

    /// Sends the pump's oldest backlogged event, waiting outside the lock for room in the
    /// queue (nobody delivers meanwhile: `sending`); `false` if the backlog was empty.
    fn send_backlog_front(&self) -> bool {
        let ev = {
            let mut pump = self.shared.pump.lock();
            let Some(ev) = pump.take_backlog_front() else {
                return false;
            };
            pump.sending = true;
            ev
        };
        let sent = select! {
            send(self.events, ev) -> r => r.is_ok(),
            recv(self.closing) -> _ => false,
        };
        self.shared.pump.lock().sending = false;
        if !sent {
            log::debug!("event dropped: the session is closing");
        }
        true
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
            let mut batch = std::collections::VecDeque::new();
            while !ended && Instant::now() < deadline {
                let drained = self
                    .link
                    .read_batch(&mut batch, crate::transport::io::DRAIN_CAP);
                for item in batch.drain(..) {
                    match item {
                        Inbound::Data(bytes) => {
                            let mut events = Vec::new();
                            process(&self.shared, &bytes, &mut events);
                            for ev in events {
                                self.deliver(ev);
                            }
                        }
                        Inbound::Pong => {}
                        Inbound::Close(..) | Inbound::Failed(_) => {
                            ended = true;
                            break;
                        }
                    }
                }
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

    /// Makes a new connection through the lifecycle (resuming with the latest handle), replays
    /// what the ledger says, and hands the connection to the writer.
    fn reconnect(&mut self, start: Start) -> Result<Arc<Link>, Error> {
        let shared = self.shared.clone();
        shared.conn.lock().link = None;
        self.link.kill();
        let lost = shared.conn.lock().replay.connection_lost();
        self.life
            .connection_ended(lost.answered_on_connection, Instant::now());
        if let Some(turn) = lost.discarded {
            log::info!("the reply to turn {turn} was cut off; it will start again");
            self.deliver(Event::ReplyDiscarded { turn });
        }
        shared.set_state(State::Reconnecting);
        self.deliver(Event::StateChanged(State::Reconnecting));
        log::info!("reconnecting: {start:?}");
        let mut hooks = Hooks {
            shared: &shared,
            events: &self.events,
            closing: &self.closing,
            outage: Instant::now(),
            lost: Some(lost),
        };
        let link = self
            .life
            .connect(&shared.config, &shared.handle, start, &mut hooks)?;
        self.life.take_handle_dropped();
        Ok(link)
    }

    /// Queues an event for the application (see [`deliver`]).
    fn deliver(&self, ev: Event) {
        deliver(&self.events, &self.closing, ev);
        if self.shared.direct.app_inside() {
            // It may be polling a socket that has nothing for it.
            self.shared.app_waker.wake();
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
            let mut pump = self.shared.pump.lock();
            pump.link = None;
            // Queued events go to whoever waits; dropping this lets the queue disconnect.
            pump.tx = None;
        }
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

/// Decodes one message into the shared state and appends its events to `events`.
pub(crate) fn process(shared: &Shared, bytes: &[u8], events: &mut Vec<Event>) -> Facts {
    shared.metrics.received(bytes.len());
    crate::record::received(&shared.config, bytes);
    log::trace!("received {} bytes", bytes.len());
    match protocol::decode_server(bytes) {
        Ok(msg) => absorb(shared, msg, events),
        Err(e) => {
            shared.metrics.decode_errors.fetch_add(1, Ordering::Relaxed);
            log::warn!("{e}");
            events.push(Event::Error(Error::Protocol(e.0)));
            Facts::default()
        }
    }
}

/// Queues an event for the application; if it has closed the session and the queue is full,
/// the event is dropped rather than waited on.
fn deliver(events: &super::EventTx, closing: &Receiver<()>, ev: Event) {
    match events.try_send(Box::new(ev)) {
        Ok(()) => {}
        Err(TrySendError::Disconnected(_)) => {}
        Err(TrySendError::Full(ev)) => {
            select! {
                send(events, ev) -> _ => {}
                recv(closing) -> _ => log::debug!("event dropped: the session is closing"),
            }
        }
    }
}

/// The reader's side of a reconnection: announce attempts, wait interruptibly, replay.
struct Hooks<'a> {
    shared: &'a Arc<Shared>,
    events: &'a super::EventTx,
    closing: &'a Receiver<()>,
    outage: Instant,
    /// What the lost connection left to report, told once the new one is up.
    lost: Option<Lost>,
}

impl Hooks<'_> {
    fn deliver(&self, ev: Event) {
        deliver(self.events, self.closing, ev);
    }
}

impl Attempts for Hooks<'_> {
    type Output = Arc<Link>;

    fn setup<'c>(&self, config: &'c crate::Config, resumed: bool) -> std::borrow::Cow<'c, crate::Config> {
        let lost = || (self.shared.conn.lock().replay.restore(false)).is_some_and(|r| !r.is_empty());
        if !resumed && super::restore::initial_only(config) && lost() {
            std::borrow::Cow::Owned(super::restore::initial_setup(config))
        } else {
            std::borrow::Cow::Borrowed(config)
        }
    }

    fn before(
        &mut self,
        attempt: u32,
        delay: Duration,
        cause: Option<&Error>,
    ) -> Result<(), Error> {
        log::info!("reconnecting (attempt {attempt}, in {delay:?}): {cause:?}");
        self.deliver(Event::Reconnecting {
            attempt,
            delay,
            cause: cause.cloned(),
        });
        match self.closing.recv_timeout(delay) {
            Err(RecvTimeoutError::Disconnected) => Err(Error::SessionClosed),
            _ => Ok(()),
        }
    }

    fn established(&mut self, connected: Connected, resumed: bool) -> Result<Arc<Link>, Error> {
        let shared = self.shared;
        shared.metrics.set_connect(connected.timings);
        let link = Arc::new(
            Link::new(connected.ws, connected.ctl).map_err(|e| Error::Io {
                phase: None,
                message: e.to_string(),
            })?,
        );
        // First restore what the server forgot, then replay what it did not answer.
        let (planned, mut replay) = {
            let conn = shared.conn.lock();
            let planned = super::restore::plan(&conn.replay, &shared.config, resumed);
            (planned, conn.replay.replay(resumed))
        };
        let replayed = replay.frames.len();
        let restored = planned.frames.len();
        let mut frames = planned.frames.clone();
        frames.append(&mut replay.frames);
        (frames.iter()).for_each(|f| crate::record::sent(&shared.config, f.as_bytes()));
        if let Err(e) = writer::replay(&link, frames) {
            link.kill();
            return Err(crate::transport::ws_error(e, None));
        }
        shared.metrics.reconnected(self.outage.elapsed(), replayed);
        {
            let mut conn = shared.conn.lock();
            (conn.replay).replayed(replay.seqs, restored, resumed, Instant::now());
            conn.link = Some(link.clone());
            shared.conn_ready.notify_all();
        }
        shared.set_state(State::Connected);
        self.deliver(Event::StateChanged(State::Connected));
        self.deliver(if resumed {
            Event::Resumed { replayed }
        } else {
            Event::NewSession { replayed }
        });
        if let Some(ev) = super::restore::report(&planned, replay.context_lost) {
            log::info!("{ev:?}");
            self.deliver(ev);
        }
        let lost = self.lost.take().unwrap_or_default();
        let (messages, bytes) = lost.dropped;
        if messages > 0 {
            shared
                .metrics
                .dropped
                .fetch_add(messages, Ordering::Relaxed);
            self.deliver(Event::InputDropped { messages, bytes });
        }
        if !lost.stale_tool_responses.is_empty() {
            shared
                .metrics
                .dropped
                .fetch_add(lost.stale_tool_responses.len() as u64, Ordering::Relaxed);
            self.deliver(Event::ToolResponsesDropped {
                ids: lost.stale_tool_responses,
            });
        }
        log::info!(
            "reconnected after {:?}; replayed {replayed} messages",
            self.outage.elapsed()
        );
        let mut early = Vec::new();
        for msg in connected.early {
            absorb(shared, msg, &mut early);
        }
        for ev in early {
            self.deliver(ev);
        }
        // Application threads may read it from now on: after every event above.
        shared.pump.lock().start(link.clone());
        Ok(link)
    }
}
