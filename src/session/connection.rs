//! One connection lifecycle, for the first connect and every reconnection: the attempt loop
//! with backoff and budgets ([`Lifecycle::connect`]), and the timers of an open connection
//! (stall, keepalive, GoAway handover: [`Timers`]). The reader thread (`reader.rs`) and
//! `Session::connect` only supply what differs: how an attempt is announced and waited for,
//! and what happens once a connection is set up (the reader replays input).
//!
//! The rules, with [`ReconnectPolicy`]'s defaults:
//! - **First connect**: at most `first_connect_attempts` (3) attempts within
//!   `first_connect_total` (10 s), first at once, then with backoff; then
//!   [`Error::RetriesExhausted`] ("gave up after 3 attempts over 0.3 s: ..."). No events are
//!   delivered meanwhile: `SetupComplete` is always a session's first event.
//! - **Outage** (a retryable failure ended a connection): attempts with exponential backoff and
//!   full jitter (first within `initial_delay`, 100 ms), at most `max_attempts` (10) and
//!   `max_total` (30 s); each attempt is announced as `Reconnecting`.
//! - **GoAway handover**: at once, with the latest handle.
//! - **Churn**: a connection that ends (failure or GoAway) before it was productive (answered
//!   a turn, or stayed up `stable_after`, 30 s) moves the backoff one step further for the
//!   next connect; after `max_attempts` such connections in a row the session gives up. An
//!   idle session facing a GoAway on every connection thus connects at most 10 times, over
//!   about 10 s.
//! - **Resuming while the server holds the old session** (after a stall, the server may still
//!   hold the stalled connection and closes every resume at setup with 1011): resume attempts
//!   go on with backoff for `resume_wait` (10 s, or until the outage budget is spent), then the
//!   handle is given up and a new session is started with a fresh outage budget
//!   (`NewSession`, unanswered input replayed). A handle the server refuses outright (a fatal
//!   close at setup: unknown, expired) is given up at once.
//! - **A normal close** (1000, 1001) the application did not ask for, at setup or later, is
//!   the server's end of a connection, not of the conversation: it is retried like a failure.
//! - **Setup-time rejection** (the server closes right after `setup`, before `setupComplete`)
//!   of a new session with the same code and reason twice in a row:
//!   [`Error::ConfigRejected`], not retried further. Fatal closes stop at once.

use crate::config::Config;
use crate::error::Error;
use crate::reconnect::{next_delay, resume_refused, Jitter, ReconnectPolicy};
use crate::sync::Mutex;
use crate::transport::{self, Connected};
use std::time::{Duration, Instant};

/// Why a connect is made.
#[derive(Debug)]
pub(crate) enum Start {
    /// `Session::connect`.
    First,
    /// A retryable failure ended the previous connection.
    Failure(Error),
    /// A GoAway asked for a new connection (`timeLeft`, if it parsed).
    Handover(Option<Duration>),
}

/// For log lines: "the connection failed: ...", "GoAway (3.0 s left)".
impl std::fmt::Display for Start {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Start::First => f.write_str("first connect"),
            Start::Failure(e) => write!(f, "the connection failed: {e}"),
            Start::Handover(Some(left)) => {
                write!(f, "GoAway ({} left)", crate::wording::duration(*left))
            }
            Start::Handover(None) => f.write_str("GoAway"),
        }
    }
}

/// What the attempt loop needs from its caller.
pub(crate) trait Attempts {
    /// What a successful attempt gives.
    type Output;
    /// Attempt `attempt` (1-based within the outage) starts after `delay`: announce it and
    /// wait; `Err` stops the loop (e.g. the application closed the session).
    fn before(&mut self, attempt: u32, delay: Duration, cause: Option<&Error>)
        -> Result<(), Error>;
    /// The configuration whose `setup` an attempt sends (`resumed`: with a handle).
    fn setup<'c>(&self, config: &'c Config, _resumed: bool) -> std::borrow::Cow<'c, Config> {
        std::borrow::Cow::Borrowed(config)
    }
    /// A connection is set up (`resumed`: with a handle): finish it, or fail the attempt.
    fn established(&mut self, connected: Connected, resumed: bool) -> Result<Self::Output, Error>;
}

/// The connection policy of one session, applied across all its connections.
#[derive(Debug)]
pub(crate) struct Lifecycle {
    policy: ReconnectPolicy,
    jitter: Jitter,
    /// Unproductive connections in a row, and since when.
    churn: u32,
    churn_since: Option<Instant>,
    /// When the current connection was set up.
    up_since: Instant,
    /// A handle was given up for a new session during the last connect.
    handle_dropped: bool,
}

impl Lifecycle {
    pub fn new(policy: ReconnectPolicy) -> Lifecycle {
        Lifecycle {
            policy,
            jitter: Jitter::new(),
            churn: 0,
            churn_since: None,
            up_since: Instant::now(),
            handle_dropped: false,
        }
    }

    /// Whether the last connect gave a handle up (and started a new session); clears it.
    pub fn take_handle_dropped(&mut self) -> bool {
        std::mem::take(&mut self.handle_dropped)
    }

    /// The current connection ended after answering `answered` turns.
    pub fn connection_ended(&mut self, answered: u64, now: Instant) {
        let productive = answered > 0
            || now.saturating_duration_since(self.up_since) >= self.policy.stable_after;
        if productive {
            self.churn = 0;
            self.churn_since = None;
        } else {
            self.churn += 1;
            self.churn_since.get_or_insert(now);
        }
    }

    /// Unproductive connections in a row.
    #[cfg(test)]
    pub fn churn(&self) -> u32 {
        self.churn
    }

    fn delay(&mut self, start: &Start, attempt: u32) -> Duration {
        let step = match start {
            Start::First if attempt == 0 => return Duration::ZERO,
            Start::First => attempt - 1,
            Start::Handover(_) if attempt == 0 && self.churn == 0 => return Duration::ZERO,
            Start::Handover(_) => attempt + self.churn - 1,
            Start::Failure(_) => attempt + self.churn,
        };
        next_delay(&self.policy, step, self.jitter.next())
    }

    /// Connects (resuming with `handle` while it is set and resumption is on) as the policy
    /// says; see the module docs. `handle` is cleared when it is given up.
    pub fn connect<A: Attempts>(
        &mut self,
        config: &Config,
        handle: &Mutex<Option<String>>,
        start: Start,
        hooks: &mut A,
    ) -> Result<A::Output, Error> {
        let policy = self.policy.clone();
        let first = matches!(start, Start::First);
        let began = Instant::now();
        let mut cause = match &start {
            Start::Failure(e) => Some(e.clone()),
            _ => None,
        };
        let give_up = |attempts: u32, elapsed: Duration, cause: Option<Error>, start: &Start| {
            let last = cause.unwrap_or_else(|| match start {
                Start::Handover(left) => Error::GoAway(*left),
                _ => Error::ConnectionLost("no connection attempt was made".into()),
            });
            Error::RetriesExhausted {
                attempts,
                elapsed,
                last: Box::new(last),
            }
        };
        if !first && self.churn >= policy.max_attempts.max(1) {
            let since = self.churn_since.unwrap_or(began);
            log::warn!(
                "{} connections in a row ended before answering anything; giving up",
                self.churn
            );
            return Err(give_up(self.churn, since.elapsed(), cause, &start));
        }
        // The first connect: `Config::first_connect` if set, else the policy's first-connect
        // budget.
        let first_budget = match &config.first_connect {
            Some(p) => (p.enabled, p.max_attempts, p.max_total),
            None => (
                policy.enabled,
                policy.first_connect_attempts,
                policy.first_connect_total,
            ),
        };
        let (max_attempts, max_total) = match (first, first_budget) {
            (true, (false, _, total)) => (1, total),
            (true, (true, attempts, total)) => (attempts, total),
            _ => (policy.max_attempts, policy.max_total),
        };
        let max_attempts = max_attempts.max(1);
        let mut phase_start = began;
        let mut attempt = 0u32;
        let mut total = 0u32;
        let mut resume = config.session_resumption;
        let mut refused_since: Option<Instant> = None;
        let mut last_rejection: Option<(u16, String)> = None;
        self.handle_dropped = false;
        loop {
            let spent = attempt >= max_attempts
                || (attempt > 0 && phase_start.elapsed() >= max_total)
                || refused_since.is_some_and(|t| t.elapsed() >= policy.resume_wait);
            if spent && resume && refused_since.is_some() {
                log::warn!(
                    "the server kept refusing to resume for {}; starting a new session",
                    crate::wording::duration(
                        refused_since.map(|t| t.elapsed()).unwrap_or_default()
                    )
                );
                *handle.lock() = None;
                self.handle_dropped = true;
                resume = false;
                refused_since = None;
                attempt = 0;
                phase_start = Instant::now();
            } else if spent {
                return Err(match cause {
                    // One attempt and no retry meant: its own error says it all.
                    Some(e) if total <= 1 => e,
                    cause => give_up(total, began.elapsed(), cause, &start),
                });
            }
            let mut delay = self.delay(&start, attempt);
            if matches!(cause, Some(Error::QuotaExceeded { .. })) {
                // A quota frees up in seconds to a minute: a long backoff, jittered ±20 %.
                let jitter = 0.8 + (self.jitter.next() % 401) as f64 / 1000.0;
                delay = delay.max(self.policy.quota_delay.mul_f64(jitter));
            }
            hooks.before(attempt + 1, delay, cause.as_ref())?;
            let used = if resume { handle.lock().clone() } else { None };
            attempt += 1;
            total += 1;
            let setup = hooks.setup(config, used.is_some());
            let err = match transport::connect(&setup, used.as_deref()) {
                Ok(connected) => match hooks.established(connected, used.is_some()) {
                    Ok(out) => {
                        self.up_since = Instant::now();
                        return Ok(out);
                    }
                    Err(e) => e,
                },
                Err(e) => e,
            };
            // `transport::connect` reports a close frame only from the setup phase.
            let at_setup = matches!(err, Error::Closed { .. });
            if used.is_some() && at_setup {
                if resume_refused(&err) {
                    log::warn!("the server refused the resumption handle: {err}");
                    *handle.lock() = None;
                    self.handle_dropped = true;
                    resume = false;
                    refused_since = None;
                } else if err.is_retryable() {
                    refused_since.get_or_insert_with(Instant::now);
                }
                cause = Some(err);
                continue;
            }
            match (&err, used.is_some()) {
                (Error::Closed { code, reason }, false) => {
                    let this = (*code, reason.clone());
                    if last_rejection.as_ref() == Some(&this) {
                        return Err(Error::ConfigRejected {
                            code: this.0,
                            reason: this.1,
                        });
                    }
                    last_rejection = Some(this);
                }
                _ => last_rejection = None,
            }
            // A normal close at setup (1000, 1001) is the server's end, not a refusal of the
            // request: try again (the same close twice in a row is `ConfigRejected` above).
            let normal = matches!(
                err,
                Error::Closed {
                    code: 1000 | 1001,
                    ..
                }
            );
            if !err.is_retryable() && !normal {
                return Err(err);
            }
            log::info!("connect attempt {total} failed: {err}");
            cause = Some(err);
        }
    }
}

/// The timers of one open connection.
#[derive(Debug)]
pub(crate) struct Timers {
    last_rx: Instant,
    ping_sent: Option<Instant>,
    goaway: Option<(Instant, Option<Duration>)>,
}

/// What the timers say.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Due {
    /// Nothing yet: wait this long (`None`: until something happens).
    Wait(Option<Duration>),
    /// The connection is silent while a reply is owed (or no pong came): replace it.
    Stalled(Duration),
    /// Send a keepalive ping.
    Ping,
    /// The GoAway deadline: hand over now, mid-turn if need be.
    Handover,
}

impl Timers {
    pub fn new(now: Instant) -> Timers {
        Timers {
            last_rx: now,
            ping_sent: None,
            goaway: None,
        }
    }

    /// Something (a message or a pong) arrived.
    pub fn received(&mut self, now: Instant) {
        self.last_rx = now;
        self.ping_sent = None;
    }

    pub fn ping_sent(&mut self, now: Instant) {
        self.ping_sent = Some(now);
    }

    /// A GoAway arrived: hand over at the next turn boundary, at the latest `goaway_margin`
    /// before `time_left` runs out (or at half of it, if that is shorter).
    pub fn go_away(&mut self, config: &Config, time_left: Option<Duration>, now: Instant) {
        let left = time_left.unwrap_or(Duration::ZERO);
        let delay = left.saturating_sub(config.reconnect.goaway_margin.min(left / 2));
        self.goaway = Some((now + delay, time_left));
    }

    /// A GoAway is pending: its `timeLeft`.
    pub fn goaway(&self) -> Option<Option<Duration>> {
        self.goaway.map(|(_, left)| left)
    }

    /// What is due at `now`; `stall_since` is when the reply now owed was asked for
    /// (`None`: none is owed, the stall timer is off).
    pub fn check(&self, config: &Config, stall_since: Option<Instant>, now: Instant) -> Due {
        let mut wait: Option<Duration> = None;
        let mut due = |at: Instant| {
            let left = at.saturating_duration_since(now);
            wait = Some(wait.map_or(left, |w: Duration| w.min(left)));
            left.is_zero()
        };
        if let Some((at, _)) = self.goaway {
            if due(at) {
                return Due::Handover;
            }
        }
        if let Some(since) = stall_since {
            if due(since.max(self.last_rx) + config.stall_timeout) {
                return Due::Stalled(config.stall_timeout);
            }
        }
        if let Some(interval) = config.keepalive_interval {
            match self.ping_sent {
                Some(at) if due(at + config.pong_timeout) => {
                    return Due::Stalled(config.pong_timeout)
                }
                Some(_) => {}
                None if due(self.last_rx + interval) => return Due::Ping,
                None => {}
            }
        }
        Due::Wait(wait)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn config() -> Config {
        Config {
            stall_timeout: Duration::from_secs(20),
            ..Config::default()
        }
    }

    #[test]
    fn the_stall_timer_counts_from_the_later_of_the_question_and_the_last_message() {
        let c = config();
        let t0 = Instant::now();
        let mut timers = Timers::new(t0);
        // 21 s of quiet with nothing owed: no stall, no timer.
        assert_eq!(
            timers.check(&c, None, t0 + Duration::from_secs(21)),
            Due::Wait(None)
        );
        // A question flushed at 21 s: the timer runs from then, not from the last message.
        let asked = t0 + Duration::from_secs(21);
        assert_eq!(
            timers.check(&c, Some(asked), asked),
            Due::Wait(Some(Duration::from_secs(20)))
        );
        assert_eq!(
            timers.check(&c, Some(asked), asked + Duration::from_secs(20)),
            Due::Stalled(Duration::from_secs(20))
        );
        // A message during the reply pushes it on.
        timers.received(asked + Duration::from_secs(15));
        assert_eq!(
            timers.check(&c, Some(asked), asked + Duration::from_secs(20)),
            Due::Wait(Some(Duration::from_secs(15)))
        );
    }

    #[test]
    fn goaway_hands_over_before_time_left_runs_out() {
        let c = config();
        let t0 = Instant::now();
        let mut timers = Timers::new(t0);
        timers.go_away(&c, Some(Duration::from_secs(60)), t0);
        assert_eq!(
            timers.check(&c, None, t0),
            Due::Wait(Some(Duration::from_secs(55)))
        );
        assert_eq!(
            timers.check(&c, None, t0 + Duration::from_secs(55)),
            Due::Handover
        );
        timers.go_away(&c, Some(Duration::from_secs(2)), t0);
        assert_eq!(
            timers.check(&c, None, t0 + Duration::from_secs(1)),
            Due::Handover,
            "half of a short timeLeft"
        );
    }

    #[test]
    fn keepalive_pings_after_silence_and_gives_up_without_a_pong() {
        let mut c = config();
        c.keepalive_interval = Some(Duration::from_secs(10));
        c.pong_timeout = Duration::from_secs(45);
        let t0 = Instant::now();
        let mut timers = Timers::new(t0);
        assert_eq!(
            timers.check(&c, None, t0 + Duration::from_secs(10)),
            Due::Ping
        );
        timers.ping_sent(t0 + Duration::from_secs(10));
        assert_eq!(
            timers.check(&c, None, t0 + Duration::from_secs(55)),
            Due::Stalled(Duration::from_secs(45))
        );
        timers.received(t0 + Duration::from_secs(20));
        assert_eq!(
            timers.check(&c, None, t0 + Duration::from_secs(25)),
            Due::Wait(Some(Duration::from_secs(5)))
        );
    }

    #[test]
    fn unproductive_connections_push_the_backoff_and_productive_ones_reset_it() {
        let mut life = Lifecycle::new(ReconnectPolicy::default());
        let now = Instant::now();
        let handover = Start::Handover(None);
        assert_eq!(
            life.delay(&handover, 0),
            Duration::ZERO,
            "first handover at once"
        );
        for _ in 0..4 {
            life.connection_ended(0, now);
        }
        assert_eq!(life.churn(), 4);
        for _ in 0..50 {
            assert!(life.delay(&handover, 0) <= Duration::from_millis(800));
        }
        let spread: std::collections::HashSet<_> =
            (0..50).map(|_| life.delay(&handover, 0)).collect();
        assert!(spread.len() > 10, "jittered");
        life.connection_ended(1, now);
        assert_eq!(
            life.churn(),
            0,
            "a connection that answered a turn resets it"
        );
        life.connection_ended(0, now + Duration::from_secs(31));
        assert_eq!(
            life.churn(),
            0,
            "so does one that stayed up for stable_after"
        );
    }
}
