//! Counters and latency figures of a session, kept with relaxed atomics (cheap enough to stay
//! on) and read as one [`MetricsSnapshot`].

use crate::transport::ConnectTimings;
use parking_lot::Mutex;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::time::{Duration, Instant};

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

    pub fn snapshot(&self, queue_depth: usize) -> MetricsSnapshot {
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
        }
    }
}
