//! Counters and latency figures of a session, kept with relaxed atomics (cheap enough to stay
//! on) and read as one [`MetricsSnapshot`].
//!
//! Recording costs a few relaxed atomic operations per message and nothing while the session
//! is idle; the send path's latency is kept as a fixed log-bucket histogram
//! ([`LatencyHistogram`]), so memory does not grow with traffic.

use crate::state::State;
use crate::sync::Mutex;
use crate::transport::ConnectTimings;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

/// Sub-buckets per power of two in [`LatencyHistogram`] (2^3 = 8: at most 12.5 % wide).
const SUB_BITS: u32 = 3;
const SUBS: usize = 1 << SUB_BITS;
/// Values from 2^MAX_EXP microseconds (about 16.8 s) up share the last bucket.
const MAX_EXP: u32 = 24;
/// Number of buckets of a [`LatencyHistogram`].
const BUCKETS: usize = SUBS + (MAX_EXP - SUB_BITS) as usize * SUBS;

/// The bucket of a value in microseconds: exact below 8 us, then 8 per power of two.
fn bucket_of(us: u64) -> usize {
    if us < SUBS as u64 {
        return us as usize;
    }
    let e = 63 - us.leading_zeros();
    if e >= MAX_EXP {
        return BUCKETS - 1;
    }
    let sub = (us >> (e - SUB_BITS)) as usize & (SUBS - 1);
    SUBS + (e - SUB_BITS) as usize * SUBS + sub
}

/// The exclusive upper bound, in microseconds, of bucket `i`.
fn bucket_upper(i: usize) -> u64 {
    if i < SUBS {
        return i as u64 + 1;
    }
    let k = i - SUBS;
    let e = (k / SUBS) as u32 + SUB_BITS;
    ((SUBS + k % SUBS + 1) as u64) << (e - SUB_BITS)
}

/// A latency distribution: counts in log-spaced buckets (exact below 8 us, then 8 buckets per
/// power of two, so a quantile is an upper bound at most 12.5 % above the true value), plus
/// the exact maximum.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LatencyHistogram {
    /// Counts per bucket; empty when nothing was recorded.
    counts: Vec<u64>,
    count: u64,
    sum_us: u64,
    max: Duration,
}

impl LatencyHistogram {
    /// Number of values recorded.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The largest value recorded (exact).
    pub fn max(&self) -> Option<Duration> {
        (self.count > 0).then_some(self.max)
    }

    /// The sum of the values recorded, to the microsecond.
    pub fn sum(&self) -> Duration {
        Duration::from_micros(self.sum_us)
    }

    /// The non-empty buckets as (largest value it holds, inclusive, to the microsecond;
    /// cumulative count up to it), smallest first: Prometheus' `le` buckets.
    pub fn cumulative_buckets(&self) -> impl Iterator<Item = (Duration, u64)> + '_ {
        let mut total = 0;
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(move |(i, c)| {
                total += c;
                (Duration::from_micros(bucket_upper(i) - 1), total)
            })
    }

    /// The mean, to the microsecond.
    pub fn mean(&self) -> Option<Duration> {
        (self.count > 0).then(|| Duration::from_micros(self.sum_us / self.count))
    }

    /// An upper bound of the `q` quantile (`q` in 0..=1; 0.99 is the p99): the upper edge of
    /// the bucket that holds it, but never above [`max`](Self::max).
    pub fn quantile(&self, q: f64) -> Option<Duration> {
        if self.count == 0 {
            return None;
        }
        let rank = ((q.clamp(0.0, 1.0) * self.count as f64).ceil() as u64).max(1);
        let mut seen = 0;
        for (i, c) in self.counts.iter().enumerate() {
            seen += c;
            if seen >= rank {
                return Some(Duration::from_micros(bucket_upper(i)).min(self.max));
            }
        }
        Some(self.max)
    }

    /// The non-empty buckets as (exclusive upper bound, count), smallest first.
    pub fn buckets(&self) -> impl Iterator<Item = (Duration, u64)> + '_ {
        self.counts
            .iter()
            .enumerate()
            .filter(|(_, c)| **c > 0)
            .map(|(i, c)| (Duration::from_micros(bucket_upper(i)), *c))
    }
}

/// The live side of a [`LatencyHistogram`]: relaxed atomics, written by one thread.
#[derive(Debug)]
struct LiveHistogram {
    counts: Box<[AtomicU64]>,
    count: AtomicU64,
    sum_us: AtomicU64,
    max_ns: AtomicU64,
}

impl Default for LiveHistogram {
    fn default() -> Self {
        LiveHistogram {
            counts: (0..BUCKETS).map(|_| AtomicU64::new(0)).collect(),
            count: AtomicU64::new(0),
            sum_us: AtomicU64::new(0),
            max_ns: AtomicU64::new(0),
        }
    }
}

impl LiveHistogram {
    fn record(&self, d: Duration) {
        let us = d.as_micros().min(u64::MAX as u128) as u64;
        self.counts[bucket_of(us)].fetch_add(1, Relaxed);
        self.count.fetch_add(1, Relaxed);
        self.sum_us.fetch_add(us, Relaxed);
        self.max_ns
            .fetch_max(d.as_nanos().min(u64::MAX as u128) as u64, Relaxed);
    }

    fn snapshot(&self) -> LatencyHistogram {
        let count = self.count.load(Relaxed);
        if count == 0 {
            return LatencyHistogram::default();
        }
        LatencyHistogram {
            counts: self.counts.iter().map(|c| c.load(Relaxed)).collect(),
            count,
            sum_us: self.sum_us.load(Relaxed),
            max: Duration::from_nanos(self.max_ns.load(Relaxed)),
        }
    }
}

/// A point-in-time copy of a session's metrics.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct MetricsSnapshot {
    /// Phases of the latest successful connect.
    pub connect: ConnectTimings,
    /// Messages handed to the socket.
    pub messages_sent: u64,
    /// Bytes of JSON handed to the socket.
    pub bytes_sent: u64,
    /// Data frames received.
    pub messages_received: u64,
    /// Bytes of data frames received.
    pub bytes_received: u64,
    /// Messages waiting in the send queue now.
    pub send_queue_depth: u64,
    /// Highest send-queue depth seen.
    pub send_queue_peak: u64,
    /// Latest turn: last input sent → first reply content.
    pub last_first_reply: Option<Duration>,
    /// Latest turn: last input sent → turn complete.
    pub last_turn_complete: Option<Duration>,
    /// Latest turn: last input sent → first audio byte.
    pub last_first_audio: Option<Duration>,
    /// Frames that could not be decoded.
    pub decode_errors: u64,
    /// Time since the last message was received.
    pub since_last_received: Option<Duration>,
    /// Reconnections that succeeded.
    pub reconnects: u64,
    /// Time spent without a connection, all outages together.
    pub downtime: Duration,
    /// Input messages re-sent after reconnections.
    pub replayed_messages: u64,
    /// Input messages dropped (replay-buffer overflow, stale tool responses).
    pub dropped_messages: u64,
    /// Close code of the latest connection that ended, if any.
    pub last_close_code: Option<u16>,
    /// Close reason of the latest connection that ended.
    pub last_close_reason: String,
    /// The session's state when the snapshot was taken.
    pub state: State,
    /// Send path: from the message entering the send queue (`send_*` returned) to the flush
    /// of the socket that carried it returning, for every message written by the writer
    /// thread (not replays after a reconnection).
    pub send_latency: LatencyHistogram,
}

/// Live metrics, shared by the session's threads.
#[derive(Debug)]
pub(crate) struct Metrics {
    created: Instant,
    pub messages_sent: AtomicU64,
    pub bytes_sent: AtomicU64,
    pub messages_received: AtomicU64,
    pub bytes_received: AtomicU64,
    pub send_queue_peak: AtomicU64,
    pub decode_errors: AtomicU64,
    /// Nanoseconds since `created` of the last input and the last receive (0 = never).
    last_input: AtomicU64,
    last_received: AtomicU64,
    pub reconnects: AtomicU64,
    pub downtime_us: AtomicU64,
    pub replayed: AtomicU64,
    pub dropped: AtomicU64,
    turn: Mutex<TurnTimes>,
    connect: Mutex<ConnectTimings>,
    last_close: Mutex<Option<(u16, String)>>,
    send_latency: LiveHistogram,
}

#[derive(Debug, Default)]
struct TurnTimes {
    first_reply_seen: bool,
    first_audio_seen: bool,
    first_reply: Option<Duration>,
    first_audio: Option<Duration>,
    complete: Option<Duration>,
}

impl Default for Metrics {
    fn default() -> Self {
        Metrics {
            created: Instant::now(),
            messages_sent: AtomicU64::new(0),
            bytes_sent: AtomicU64::new(0),
            messages_received: AtomicU64::new(0),
            bytes_received: AtomicU64::new(0),
            send_queue_peak: AtomicU64::new(0),
            decode_errors: AtomicU64::new(0),
            last_input: AtomicU64::new(0),
            last_received: AtomicU64::new(0),
            reconnects: AtomicU64::new(0),
            downtime_us: AtomicU64::new(0),
            replayed: AtomicU64::new(0),
            dropped: AtomicU64::new(0),
            turn: Mutex::new(TurnTimes::default()),
            connect: Mutex::new(ConnectTimings::default()),
            last_close: Mutex::new(None),
            send_latency: LiveHistogram::default(),
        }
    }
}

impl Metrics {
    fn now(&self) -> u64 {
        (self.created.elapsed().as_nanos() as u64).max(1)
    }

    pub fn set_connect(&self, t: ConnectTimings) {
        *self.connect.lock() = t;
    }

    pub fn closed(&self, code: u16, reason: &str) {
        *self.last_close.lock() = Some((code, reason.to_string()));
    }

    pub fn reconnected(&self, downtime: Duration, replayed: usize) {
        self.reconnects.fetch_add(1, Relaxed);
        self.downtime_us
            .fetch_add(downtime.as_micros() as u64, Relaxed);
        self.replayed.fetch_add(replayed as u64, Relaxed);
    }

    pub fn queue_depth(&self, depth: usize) {
        self.send_queue_peak.fetch_max(depth as u64, Relaxed);
    }

    /// A message reached the socket; `input` marks user input that starts a turn's clock.
    pub fn sent(&self, bytes: usize, input: bool) {
        self.messages_sent.fetch_add(1, Relaxed);
        self.bytes_sent.fetch_add(bytes as u64, Relaxed);
        if input {
            self.last_input.store(self.now(), Relaxed);
            let mut t = self.turn.lock();
            t.first_reply_seen = false;
            t.first_audio_seen = false;
        }
    }

    /// A message queued at `queued` reached the socket (its flush returned).
    pub fn flushed(&self, queued: Instant, now: Instant) {
        self.send_latency
            .record(now.saturating_duration_since(queued));
    }

    pub fn received(&self, bytes: usize) {
        self.messages_received.fetch_add(1, Relaxed);
        self.bytes_received.fetch_add(bytes as u64, Relaxed);
        self.last_received.store(self.now(), Relaxed);
    }

    fn since_input(&self) -> Option<Duration> {
        let at = self.last_input.load(Relaxed);
        (at != 0).then(|| Duration::from_nanos(self.now().saturating_sub(at)))
    }

    /// Reply content arrived (`audio`: it was audio).
    pub fn reply_content(&self, audio: bool) {
        let Some(d) = self.since_input() else { return };
        let mut t = self.turn.lock();
        if !t.first_reply_seen {
            t.first_reply_seen = true;
            t.first_reply = Some(d);
        }
        if audio && !t.first_audio_seen {
            t.first_audio_seen = true;
            t.first_audio = Some(d);
        }
    }

    pub fn turn_complete(&self) {
        if let Some(d) = self.since_input() {
            self.turn.lock().complete = Some(d);
        }
    }

    pub fn snapshot(&self, queue_depth: usize, state: State) -> MetricsSnapshot {
        let last_close = self.last_close.lock().clone();
        let connect = *self.connect.lock();
        let t = self.turn.lock();
        let last = self.last_received.load(Relaxed);
        MetricsSnapshot {
            connect,
            messages_sent: self.messages_sent.load(Relaxed),
            bytes_sent: self.bytes_sent.load(Relaxed),
            messages_received: self.messages_received.load(Relaxed),
            bytes_received: self.bytes_received.load(Relaxed),
            send_queue_depth: queue_depth as u64,
            send_queue_peak: self.send_queue_peak.load(Relaxed),
            last_first_reply: t.first_reply,
            last_turn_complete: t.complete,
            last_first_audio: t.first_audio,
            decode_errors: self.decode_errors.load(Relaxed),
            since_last_received: (last != 0)
                .then(|| Duration::from_nanos(self.now().saturating_sub(last))),
            reconnects: self.reconnects.load(Relaxed),
            downtime: Duration::from_micros(self.downtime_us.load(Relaxed)),
            replayed_messages: self.replayed.load(Relaxed),
            dropped_messages: self.dropped.load(Relaxed),
            last_close_code: last_close.as_ref().map(|c| c.0),
            last_close_reason: last_close.map(|c| c.1).unwrap_or_default(),
            state,
            send_latency: self.send_latency.snapshot(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_cover_every_value_in_order() {
        let mut last = 0;
        for us in (0..70_000u64).chain([1 << 23, (1 << 24) - 1, 1 << 24, u64::MAX]) {
            let b = bucket_of(us);
            assert!(b < BUCKETS, "{us}");
            assert!(b >= last, "buckets rise with the value ({us})");
            last = b;
            if b < BUCKETS - 1 {
                assert!(us < bucket_upper(b), "{us} below the upper edge of {b}");
                assert!(
                    b == 0 || us >= bucket_upper(b - 1),
                    "{us} above the edge below"
                );
                let width = bucket_upper(b) - if b == 0 { 0 } else { bucket_upper(b - 1) };
                assert!(width * 8 <= us.max(8), "bucket {b} at most 12.5 % wide");
            }
        }
    }

    #[test]
    fn quantiles_are_tight_upper_bounds() {
        let h = LiveHistogram::default();
        assert_eq!(h.snapshot().quantile(0.5), None);
        for us in 1..=1000u64 {
            h.record(Duration::from_micros(us));
        }
        h.record(Duration::from_micros(40_000) + Duration::from_nanos(7));
        let s = h.snapshot();
        assert_eq!(s.count(), 1001);
        assert_eq!(
            s.max(),
            Some(Duration::from_micros(40_000) + Duration::from_nanos(7))
        );
        let p50 = s.quantile(0.5).unwrap();
        assert!(p50 >= Duration::from_micros(501) && p50 <= Duration::from_micros(564));
        let p99 = s.quantile(0.99).unwrap();
        assert!(p99 >= Duration::from_micros(991) && p99 <= Duration::from_micros(1115));
        assert_eq!(s.quantile(1.0), s.max());
        assert_eq!(s.buckets().map(|(_, c)| c).sum::<u64>(), 1001);
        assert_eq!(
            s.mean(),
            Some(Duration::from_micros((500_500 + 40_000) / 1001))
        );
    }
}
