//! The session's reader thread. Where things live: the writer is in `writer.rs`, the turn
//! ledger (what is owed, what to replay) in `turns.rs`, the connection policy (backoff,
//! budgets, timers) in `connection.rs`.
//!
//! The reader thread is the only reader of the socket. It drives the connection: it reads,
//! turns messages into events and folds them into the ledger (`receive.rs`), acts on what the
//! timers say (stall, keepalive, GoAway handover), and when a connection ends it reconnects
//! through the lifecycle, replaying what the ledger says. Every event it makes goes out
//! through its [`Outbox`] (`outbox.rs`: one policy for every producer).

use super::connection::{Attempts, Due, Lifecycle, Start};
use super::events::{Event, State};
use super::outbox::Outbox;
use super::receive::{absorb, failure, process, End, Receive, Step};
use super::turns::Lost;
use super::{writer, Shared};
use crate::error::Error;
use crate::transport::io::{Inbound, Link};
use crate::transport::Connected;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a GoAway handover waits for the old connection's close reply.
const HANDOVER_CLOSE_WAIT: Duration = Duration::from_secs(1);

pub(crate) struct Reader {
    pub shared: Arc<Shared>,
    pub life: Lifecycle,
    pub outbox: Outbox,
    /// Events of `Session::connect` that did not fit in the queue: delivered first.
    pub early: Vec<Event>,
    /// Dropped when this thread ends: `close` waits for that.
    pub _done: super::queue::LatchGuard,
    /// Dropped when this thread ends: stops the writer.
    pub _writer_stop: super::writer::StopWriter,
}

impl Reader {
    pub fn run(mut self) {
        for ev in std::mem::take(&mut self.early) {
            self.outbox.deliver(ev);
        }
        let enabled = self.shared.config.reconnect.enabled;
        // The connection `Session::connect` published; from here on this thread is the only
        // one that replaces it.
        let Some(mut link) = self.shared.conn.lock().link.clone() else {
            return self.finish(None, 1006, String::new(), None);
        };
        loop {
            let end = self.read_link(&link);
            let closing = self.shared.state() == State::Closing;
            let start = match end {
                End::Close(code, reason) => {
                    self.shared.metrics.closed(code, &reason);
                    // A normal close the application did not ask for (1000, 1001) ends the
                    // server's side only: the conversation goes on, on a new connection
                    // (resumed, or a new session with the context put back).
                    if matches!(code, 1000 | 1001) && !closing && enabled {
                        log::info!("the server closed the connection ({code}); reconnecting");
                        Start::Failure(Error::Closed { code, reason })
                    } else {
                        let err = (code != 1000 && !closing)
                            .then(|| self.shared.config.close_error(code, &reason));
                        match err {
                            Some(e) if e.is_retryable() && enabled => Start::Failure(e),
                            err => return self.finish(Some(&link), code, reason, err),
                        }
                    }
                }
                End::Failed(e) => {
                    self.shared.metrics.closed(1006, "");
                    if closing || !(e.is_retryable() && enabled) {
                        return self.finish(
                            Some(&link),
                            1006,
                            String::new(),
                            (!closing).then_some(e),
                        );
                    }
                    Start::Failure(e)
                }
                End::Handover(time_left) => {
                    self.close_old_link(&link);
                    Start::Handover(time_left)
                }
            };
            match self.reconnect(&link, start) {
                Ok(new) => link = new,
                Err(Error::SessionClosed) => {
                    return self.finish(Some(&link), 1000, String::new(), None)
                }
                Err(e) => {
                    let (code, reason) = e
                        .close_code()
                        .map(|(c, r)| (c, r.to_string()))
                        .unwrap_or((1006, String::new()));
                    return self.finish(Some(&link), code, reason, Some(e));
                }
            }
        }
    }

    /// Reads `link` (`receive.rs`) until it ends or a GoAway handover is due: steps it while
    /// there is something to read, and in between acts on the timers and waits for the
    /// socket.
    fn read_link(&mut self, link: &Arc<Link>) -> End {
        let shared = self.shared.clone();
        let config = &shared.config;
        let mut rx = Receive::new(link.clone());
        loop {
            match rx.step(&shared, &self.outbox) {
                Step::More => continue,
                Step::End(end) => return end,
                Step::Idle => {}
            }
            let stall_since = shared.conn.lock().ledger.stall_since();
            match rx.timers.check(config, stall_since, Instant::now()) {
                Due::Wait(wait) => {
                    // Never longer than the stall timeout: a turn that starts meanwhile arms
                    // the stall timer without waking this thread.
                    let wait = wait.map_or(config.stall_timeout, |w| w.min(config.stall_timeout));
                    link.wait_readable(Some(wait));
                }
                Due::Handover => {
                    log::info!("GoAway: handing over before the deadline, mid-turn");
                    return End::Handover(rx.timers.goaway().flatten());
                }
                Due::Stalled(d) => return End::Failed(Error::Stalled(d)),
                Due::Ping => {
                    if let Err(e) = writer::ping(&shared, link) {
                        return End::Failed(failure(&shared, e));
                    }
                    rx.timers.ping_sent(Instant::now());
                }
            }
        }
    }

    /// Planned end of the old connection (GoAway): take it from the writer, send a close
    /// frame, deliver what still arrives for a short while, then cut it. The server refuses a
    /// resume while the old socket is open.
    fn close_old_link(&mut self, link: &Link) {
        self.shared.publish(None);
        if writer::close_frame(link) {
            let deadline =
                Instant::now() + HANDOVER_CLOSE_WAIT.min(self.shared.config.timeouts.close);
            let mut ended = false;
            let mut batch = std::collections::VecDeque::new();
            while !ended && Instant::now() < deadline {
                let drained = link.read_batch(&mut batch, crate::transport::io::DRAIN_CAP);
                for item in batch.drain(..) {
                    match item {
                        Inbound::Data(bytes) => {
                            let mut events = Vec::new();
                            process(&self.shared, &bytes, &mut events);
                            for ev in events {
                                self.outbox.deliver(ev);
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
                    link.wait_readable(Some(deadline.saturating_duration_since(Instant::now())));
                }
            }
        }
        link.kill();
    }

    /// Makes a new connection through the lifecycle (resuming with the latest handle), replays
    /// what the ledger says, and hands the connection to the writer.
    fn reconnect(&mut self, old: &Link, start: Start) -> Result<Arc<Link>, Error> {
        let shared = self.shared.clone();
        shared.publish(None);
        old.kill();
        let lost = shared.conn.lock().ledger.connection_lost();
        self.life
            .connection_ended(lost.answered_on_connection, Instant::now());
        if let Some(turn) = lost.discarded {
            log::info!("the reply to turn {turn} was cut off; it will start again");
            self.outbox.deliver(Event::ReplyDiscarded { turn });
        }
        shared.set_state(State::Reconnecting);
        self.outbox
            .deliver(Event::StateChanged(State::Reconnecting));
        log::info!("reconnecting: {start}");
        let mut hooks = Hooks {
            shared: &shared,
            outbox: &self.outbox,
            outage: Instant::now(),
            lost: Some(lost),
        };
        let link = self
            .life
            .connect(&shared.config, &shared.handle, start, &mut hooks)?;
        self.life.take_handle_dropped();
        Ok(link)
    }

    fn finish(&self, link: Option<&Link>, code: u16, reason: String, error: Option<Error>) {
        let requested = self.shared.state() == State::Closing;
        let error = if requested { None } else { error };
        match &error {
            Some(e) => log::warn!("session ended: {e}"),
            None => log::info!("session closed ({code})"),
        }
        if let Some(link) = link {
            link.kill();
        }
        self.shared.end();
        self.shared.set_state(State::Closed);
        self.outbox.deliver(Event::StateChanged(State::Closed));
        self.outbox.deliver(Event::Closed {
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

/// The reader's side of a reconnection: announce attempts, wait interruptibly, replay.
struct Hooks<'a> {
    shared: &'a Arc<Shared>,
    outbox: &'a Outbox,
    outage: Instant,
    /// What the lost connection left to report, told once the new one is up.
    lost: Option<Lost>,
}

impl Hooks<'_> {
    fn deliver(&self, ev: Event) {
        self.outbox.deliver(ev);
    }
}

impl Attempts for Hooks<'_> {
    type Output = Arc<Link>;

    fn setup<'c>(
        &self,
        config: &'c crate::Config,
        resumed: bool,
    ) -> std::borrow::Cow<'c, crate::Config> {
        let lost =
            || (self.shared.conn.lock().ledger.restore(false)).is_some_and(|r| !r.is_empty());
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
        log::info!(
            "reconnecting (attempt {attempt}, in {}){}",
            crate::wording::duration(delay),
            cause.map(|e| format!(": {e}")).unwrap_or_default()
        );
        self.deliver(Event::Reconnecting {
            attempt,
            delay,
            cause: cause.cloned(),
        });
        if self.outbox.closed_within(delay) {
            return Err(Error::SessionClosed);
        }
        Ok(())
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
            let planned =
                super::restore::plan(conn.ledger.restore(resumed), &shared.config, resumed);
            (planned, conn.ledger.replay(resumed))
        };
        let replayed = replay.frames.len();
        let restored = planned.frames.len();
        let mut frames = planned.frames.clone();
        frames.append(&mut replay.frames);
        (frames.iter()).for_each(|f| crate::transport::tap::sent(&shared.config, f.as_bytes()));
        if let Err(e) = writer::replay(&link, frames) {
            link.kill();
            return Err(crate::transport::ws_error(e, None));
        }
        shared.metrics.reconnected(self.outage.elapsed(), replayed);
        {
            let mut conn = shared.conn.lock();
            (conn.ledger).replayed(replay.seqs, restored, resumed, Instant::now());
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
            match &ev {
                Event::ContextRestored {
                    turns,
                    chars,
                    dropped,
                } => log::info!(
                    "context restored: {turns} turn(s), {chars} characters put back \
                     ({dropped} turn(s) left out)"
                ),
                Event::ContextLost { turns } => {
                    log::info!("context lost: the server no longer knows {turns} turn(s)")
                }
                _ => {}
            }
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
            "reconnected after {}; replayed {replayed} messages",
            crate::wording::duration(self.outage.elapsed())
        );
        let mut early = Vec::new();
        for msg in connected.early {
            absorb(shared, msg, &mut early);
        }
        for ev in early {
            self.deliver(ev);
        }
        Ok(link)
    }
}
