//! Reconnection as data: the policy (backoff, budgets) with a pure [`next_delay`].
//!
//! Which input is re-sent after a reconnection is decided by the turn ledger
//! (`session/turns.rs`), from the frames kept in `frames.rs`. How the policy is applied (first
//! connect, reconnections, GoAway handovers, resuming while the server still holds a stalled
//! session) is in `session/connection.rs`.

use crate::error::Error;
use std::time::Duration;

/// When and how often to (re)connect.
///
/// One policy covers every way a connection ends: a retryable failure starts an *outage*
/// bounded by `max_attempts` and `max_total`; a GoAway hands over to a new connection at once,
/// but connections that end (by failure or GoAway) before they were *productive* (answered a
/// turn, or stayed up for `stable_after`) count as churn: each one in a row pushes the backoff
/// one step further, and after `max_attempts` of them in a row the session gives up
/// ([`Error::RetriesExhausted`]). That bounds a server that sends GoAway on every connection
/// (or drops every connection at once) to a handful of connections per second, then none.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReconnectPolicy {
    /// Reconnect automatically. Defaults to true.
    pub enabled: bool,
    /// Upper bound of the first retry's random delay. Defaults to 100 ms.
    pub initial_delay: Duration,
    /// Largest delay between attempts. Defaults to 5 s.
    pub max_delay: Duration,
    /// Attempts per outage before giving up; also the most unproductive connections in a row.
    /// Defaults to 10.
    pub max_attempts: u32,
    /// Time per outage before giving up (the brief's recovery budget). Defaults to 30 s.
    pub max_total: Duration,
    /// After a GoAway, reconnect at the next turn boundary, but at the latest this long before
    /// `timeLeft` runs out (or at half of `timeLeft` if that is shorter). Defaults to 5 s.
    pub goaway_margin: Duration,
    /// Attempts of the first connect (`Session::connect`) before it fails with
    /// [`Error::RetriesExhausted`] ("after N attempts over T s"). Defaults to 3.
    pub first_connect_attempts: u32,
    /// Time the first connect may take over its attempts (each attempt is also bounded by
    /// `Timeouts::connect_total`). Defaults to 10 s.
    pub first_connect_total: Duration,
    /// While resuming, how long to keep retrying (with backoff) a resume that the server
    /// rejects at setup with a retryable close (it answers 1011 while it still holds the old,
    /// stalled connection of the session) before giving the handle up and starting a new
    /// session ([`Event::NewSession`](crate::Event::NewSession), unanswered input replayed),
    /// which then has a full outage budget of its own. Defaults to 10 s.
    pub resume_wait: Duration,
    /// A connection up this long counts as productive even if it answered no turn (it resets
    /// the churn count). Defaults to 30 s (the figure google/adk-go settled on).
    pub stable_after: Duration,
    /// The least delay before reconnecting after a quota or concurrency close
    /// ([`Error::QuotaExceeded`]), jittered ±20 %. Defaults to
    /// [`QUOTA_BACKOFF`](crate::error::QUOTA_BACKOFF) (10 s).
    pub quota_delay: Duration,
}

impl Default for ReconnectPolicy {
    fn default() -> Self {
        ReconnectPolicy {
            enabled: true,
            initial_delay: Duration::from_millis(100),
            max_delay: Duration::from_secs(5),
            max_attempts: 10,
            max_total: Duration::from_secs(30),
            goaway_margin: Duration::from_secs(5),
            first_connect_attempts: 3,
            first_connect_total: Duration::from_secs(10),
            resume_wait: Duration::from_secs(10),
            stable_after: Duration::from_secs(30),
            quota_delay: crate::error::QUOTA_BACKOFF,
        }
    }
}

/// The delay before reconnection attempt `attempt` (0-based): exponential backoff with full
/// jitter, `uniform(0, min(max_delay, initial_delay * 2^attempt))`, where `random` is any
/// uniformly distributed `u64`.
pub fn next_delay(policy: &ReconnectPolicy, attempt: u32, random: u64) -> Duration {
    let cap = policy
        .initial_delay
        .saturating_mul(1u32.checked_shl(attempt.min(31)).unwrap_or(u32::MAX))
        .min(policy.max_delay);
    let cap_us = cap.as_micros().min(u64::MAX as u128) as u64;
    Duration::from_micros(if cap_us == 0 {
        0
    } else {
        random % (cap_us + 1)
    })
}

/// A small xorshift generator for jitter (no cryptographic use).
#[derive(Debug)]
pub(crate) struct Jitter(u64);

impl Jitter {
    pub fn new() -> Jitter {
        let seed = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9e37_79b9_7f4a_7c15);
        let addr = &seed as *const u64 as u64;
        Jitter((seed ^ addr.rotate_left(32)) | 1)
    }
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
}

/// Whether an error on a connect that carried a handle means the handle was refused.
pub(crate) fn resume_refused(e: &Error) -> bool {
    !e.is_retryable() && matches!(e, Error::Closed { .. })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn delays_grow_exponentially_with_full_jitter_and_a_cap() {
        let p = ReconnectPolicy::default();
        for attempt in 0..40 {
            let cap = (p.initial_delay * 2u32.saturating_pow(attempt.min(20))).min(p.max_delay);
            assert!(
                next_delay(&p, attempt, u64::MAX) <= cap,
                "attempt {attempt}"
            );
            assert_eq!(next_delay(&p, attempt, 0), Duration::ZERO);
        }
        assert!(
            next_delay(&p, 0, u64::MAX - 1) <= Duration::from_millis(100),
            "first retry is fast"
        );
        assert_eq!(
            next_delay(&p, 30, 5_000_000),
            Duration::from_secs(5),
            "capped"
        );
        let mut j = Jitter::new();
        let spread: HashSet<_> = (0..100).map(|_| next_delay(&p, 3, j.next())).collect();
        assert!(spread.len() > 50, "jitter spreads the delays");
    }
}
