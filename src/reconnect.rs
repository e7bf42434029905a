//! Reconnection as data: the policy (backoff, budgets) with a pure [`next_delay`], and the
//! bounded store of input frames that may have to be re-sent.
//!
//! Which input is re-sent after a reconnection is decided by the turn ledger
//! (`session/turns.rs`): input whose turn the server answered is never re-sent; the rest is, in
//! order. How the policy is applied (first connect, reconnections, GoAway handovers, resuming
//! while the server still holds a stalled session) is in `session/connection.rs`.

use crate::error::Error;
use std::collections::BTreeMap;
use std::time::Duration;
use tungstenite::Utf8Bytes;

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

/// What kind of input an entry is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum InputKind {
    /// Input that does not by itself ask for a reply (audio, video, history).
    Plain,
    /// Input that ends a user turn: the server answers it (text, `clientContent` with
    /// `turnComplete`). It takes with it the earlier input that is not audio.
    TurnEnd,
    /// The end of an audio utterance (`audioStreamEnd`, `activityEnd`): a turn end that takes
    /// with it the earlier audio (and any other input not yet in a turn).
    AudioEnd,
    /// A tool response for these call ids (the server answers it when no call is left open).
    ToolResponse {
        /// The call ids it answers.
        ids: Vec<String>,
        /// Those whose response has `willContinue: true`: the call stays open for more.
        continuing: Vec<String>,
    },
}

impl InputKind {
    /// The call ids of a tool response (empty for other input).
    pub fn tool_ids(&self) -> &[String] {
        match self {
            InputKind::ToolResponse { ids, .. } => ids,
            _ => &[],
        }
    }
}

/// The frames of input that may have to be re-sent, keyed by the turn ledger's sequence
/// numbers (`session/turns.rs` decides what stays), bounded in bytes and in seconds of audio.
/// When a bound is exceeded the oldest frames go first; [`push`](Self::push) says which, so
/// the ledger can report them if they are ever needed.
#[derive(Debug)]
pub(crate) struct ReplayBuffer {
    entries: BTreeMap<u64, (Utf8Bytes, Duration)>,
    bytes: usize,
    audio: Duration,
    max_bytes: usize,
    max_audio: Duration,
}

impl ReplayBuffer {
    pub fn new(max_bytes: usize, max_audio: Duration) -> ReplayBuffer {
        ReplayBuffer {
            entries: BTreeMap::new(),
            bytes: 0,
            audio: Duration::ZERO,
            max_bytes,
            max_audio,
        }
    }

    /// Keeps `frame` as input `seq`; returns the sequence numbers evicted to stay within the
    /// bounds (never the newest entry), oldest first.
    pub fn push(&mut self, seq: u64, frame: Utf8Bytes, audio: Duration) -> Vec<u64> {
        self.bytes += frame.len();
        self.audio += audio;
        self.entries.insert(seq, (frame, audio));
        let mut evicted = Vec::new();
        while (self.bytes > self.max_bytes || self.audio > self.max_audio) && self.entries.len() > 1
        {
            match self.entries.first_key_value().map(|(k, _)| *k) {
                Some(old) => {
                    self.remove(old);
                    evicted.push(old);
                }
                None => break,
            }
        }
        evicted
    }

    /// Forgets input `seq` (answered, or no longer to be re-sent).
    pub fn remove(&mut self, seq: u64) {
        if let Some((frame, audio)) = self.entries.remove(&seq) {
            self.bytes -= frame.len();
            self.audio = self.audio.saturating_sub(audio);
        }
    }

    /// The frame of input `seq`, if still held.
    pub fn get(&self, seq: u64) -> Option<&Utf8Bytes> {
        self.entries.get(&seq).map(|(f, _)| f)
    }

    /// Frames held.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Bytes held.
    #[cfg(test)]
    pub fn bytes(&self) -> usize {
        self.bytes
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

    fn frame(s: &str) -> Utf8Bytes {
        Utf8Bytes::from(s.to_string())
    }

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

    #[test]
    fn the_store_is_bounded_in_bytes_and_audio_and_says_what_it_evicted() {
        let mut b = ReplayBuffer::new(10, Duration::from_secs(60));
        let mut evicted = Vec::new();
        for seq in 1..=5 {
            evicted.extend(b.push(seq, frame("xxxx"), Duration::ZERO));
        }
        assert_eq!(evicted, vec![1, 2, 3]);
        assert_eq!((b.len(), b.bytes()), (2, 8));
        assert_eq!(b.get(4), Some(&frame("xxxx")));
        assert_eq!(b.get(1), None);
        b.remove(4);
        assert_eq!((b.len(), b.bytes()), (1, 4));
        let mut b = ReplayBuffer::new(1 << 20, Duration::from_millis(100));
        let mut evicted = 0;
        for seq in 1..=10 {
            evicted += b.push(seq, frame("a"), Duration::from_millis(20)).len();
        }
        assert_eq!((b.len(), evicted), (5, 5), "bounded by seconds of audio");
        let mut b = ReplayBuffer::new(1, Duration::ZERO);
        assert!(b.push(1, frame("big"), Duration::from_secs(1)).is_empty());
        assert_eq!(b.len(), 1, "the newest entry always stays");
    }
}
