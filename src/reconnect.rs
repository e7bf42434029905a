//! Reconnection as data: the backoff policy with a pure [`next_delay`], and the replay buffer
//! that keeps input the latest resumption handle may not cover.
//!
//! # What a handle covers
//!
//! The Developer API does not say which client message a handle includes
//! (`lastConsumedClientMessageIndex` is Vertex-only), so the client infers it: a handle covers
//! every input up to the last *turn-ending* input (a `clientContent` with `turnComplete`,
//! realtime text, `audioStreamEnd`, `activityEnd`, a tool response) that the server has
//! answered (with `turnComplete`, or with a `toolCall` for the turn that asked for it). For
//! turns the server's own voice activity detection ended, input flushed before the turn's first
//! reply counts as answered. Everything after that stays in the buffer and is re-sent, in
//! order, after a reconnection.

use crate::error::Error;
use std::collections::{HashSet, VecDeque};
use std::time::Duration;
use tungstenite::Utf8Bytes;

/// When and how often to reconnect after a retryable failure.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReconnectPolicy {
    /// Reconnect automatically. Defaults to true.
    pub enabled: bool,
    /// Upper bound of the first retry's random delay. Defaults to 100 ms.
    pub initial_delay: Duration,
    /// Largest delay between attempts. Defaults to 5 s.
    pub max_delay: Duration,
    /// Attempts per outage before giving up. Defaults to 10.
    pub max_attempts: u32,
    /// Time per outage before giving up (the brief's recovery budget). Defaults to 30 s.
    pub max_total: Duration,
    /// After a GoAway, reconnect at the next turn boundary, but at the latest this long before
    /// `timeLeft` runs out (or at half of `timeLeft` if that is shorter). Defaults to 5 s.
    pub goaway_margin: Duration,
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
    /// Input that ends a user turn: the server answers it.
    TurnEnd,
    /// A tool response for these call ids (it also ends a turn).
    ToolResponse(Vec<String>),
}

impl InputKind {
    /// The call ids of a tool response (empty for other input).
    pub fn tool_ids(&self) -> &[String] {
        match self {
            InputKind::ToolResponse(ids) => ids,
            _ => &[],
        }
    }
}

#[derive(Debug)]
struct Entry {
    seq: u64,
    frame: Utf8Bytes,
    kind: InputKind,
    audio: Duration,
}

/// What a replay after reconnection sends and what it had to drop.
#[derive(Debug, Default)]
pub(crate) struct Replay {
    pub frames: Vec<Utf8Bytes>,
    /// Input dropped because the buffer overflowed (messages, bytes).
    pub overflowed: (u64, u64),
    /// Tool responses dropped because the resumed session does not know their calls.
    pub stale_tool_responses: Vec<String>,
}

/// Input sent since the latest handle, bounded in bytes and in seconds of audio.
#[derive(Debug)]
pub(crate) struct ReplayBuffer {
    entries: VecDeque<Entry>,
    bytes: usize,
    audio: Duration,
    max_bytes: usize,
    max_audio: Duration,
    next_seq: u64,
    /// Sequence numbers of sent turn-ending inputs not yet answered, oldest first.
    pending_turns: VecDeque<u64>,
    /// Highest sequence number the server has answered.
    answered: u64,
    /// Highest sequence number handed to the socket.
    flushed: u64,
    /// `flushed` when the current turn's first reply content arrived.
    at_first_reply: Option<u64>,
    overflow_msgs: u64,
    overflow_bytes: u64,
    /// Tool call ids the current connection has issued and not seen answered or cancelled.
    known_calls: HashSet<String>,
}

impl ReplayBuffer {
    pub fn new(max_bytes: usize, max_audio: Duration) -> ReplayBuffer {
        ReplayBuffer {
            entries: VecDeque::new(),
            bytes: 0,
            audio: Duration::ZERO,
            max_bytes,
            max_audio,
            next_seq: 1,
            pending_turns: VecDeque::new(),
            answered: 0,
            flushed: 0,
            at_first_reply: None,
            overflow_msgs: 0,
            overflow_bytes: 0,
            known_calls: HashSet::new(),
        }
    }

    /// Records input about to be written; returns `false` for a tool response to calls the
    /// current connection does not know (it must not be sent).
    pub fn push(&mut self, frame: &Utf8Bytes, kind: InputKind, audio: Duration) -> bool {
        if let InputKind::ToolResponse(ids) = &kind {
            if !ids.iter().all(|id| self.known_calls.contains(id)) {
                return false;
            }
            for id in ids {
                self.known_calls.remove(id);
            }
        }
        let seq = self.next_seq;
        self.next_seq += 1;
        self.flushed = seq;
        if kind != InputKind::Plain {
            self.pending_turns.push_back(seq);
        }
        self.bytes += frame.len();
        self.audio += audio;
        self.entries.push_back(Entry {
            seq,
            frame: frame.clone(),
            kind,
            audio,
        });
        while (self.bytes > self.max_bytes || self.audio > self.max_audio) && self.entries.len() > 1
        {
            if let Some(old) = self.entries.pop_front() {
                self.forget(&old);
                self.overflow_msgs += 1;
                self.overflow_bytes += old.frame.len() as u64;
            }
        }
        true
    }

    fn forget(&mut self, e: &Entry) {
        self.bytes -= e.frame.len();
        self.audio = self.audio.saturating_sub(e.audio);
    }

    /// Reply content of the current turn arrived.
    pub fn reply_started(&mut self) {
        self.at_first_reply.get_or_insert(self.flushed);
    }

    /// The server called tools: the oldest pending turn is answered.
    pub fn tool_call(&mut self, ids: impl IntoIterator<Item = String>) {
        self.known_calls.extend(ids);
        if let Some(seq) = self.pending_turns.pop_front() {
            self.answered = self.answered.max(seq);
        }
    }

    /// The server cancelled tool calls.
    pub fn tool_calls_cancelled(&mut self, ids: &[String]) {
        for id in ids {
            self.known_calls.remove(id);
        }
    }

    /// A turn completed: the oldest pending turn-ending input is answered (or, for a turn the
    /// server's VAD ended, the input flushed before its first reply).
    pub fn turn_complete(&mut self) {
        match self.pending_turns.pop_front() {
            Some(seq) => self.answered = self.answered.max(seq),
            None => {
                if let Some(seq) = self.at_first_reply {
                    self.answered = self.answered.max(seq);
                }
            }
        }
        self.at_first_reply = None;
    }

    /// A resumable handle arrived: drop what it covers.
    pub fn handle_received(&mut self) {
        while self.entries.front().is_some_and(|e| e.seq <= self.answered) {
            if let Some(e) = self.entries.pop_front() {
                self.forget(&e);
            }
        }
    }

    /// Everything to re-send on a new connection, oldest first; resets per-connection state.
    pub fn take_replay(&mut self) -> Replay {
        let mut replay = Replay {
            overflowed: (self.overflow_msgs, self.overflow_bytes),
            ..Replay::default()
        };
        self.overflow_msgs = 0;
        self.overflow_bytes = 0;
        self.pending_turns.clear();
        self.at_first_reply = None;
        let old = std::mem::take(&mut self.entries);
        self.bytes = 0;
        self.audio = Duration::ZERO;
        // Calls of the old connection are unknown to the new one: the replayed input that
        // asked for them asks again, with new ids.
        self.known_calls.clear();
        for e in old {
            match &e.kind {
                InputKind::ToolResponse(ids) => {
                    replay.stale_tool_responses.extend(ids.iter().cloned())
                }
                _ => {
                    if e.kind != InputKind::Plain {
                        self.pending_turns.push_back(e.seq);
                    }
                    self.flushed = e.seq;
                    replay.frames.push(e.frame.clone());
                    self.bytes += e.frame.len();
                    self.audio += e.audio;
                    self.entries.push_back(e);
                }
            }
        }
        replay
    }

    /// Messages currently held.
    #[cfg(test)]
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether a turn is under way: input awaits its answer, or a reply is streaming.
    pub fn turn_active(&self) -> bool {
        !self.pending_turns.is_empty() || self.at_first_reply.is_some()
    }
}

/// Whether an error on a connect that carried a handle means the handle was refused.
pub(crate) fn resume_refused(e: &Error) -> bool {
    !e.is_retryable() && matches!(e, Error::Closed { .. })
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn a_handle_drops_only_answered_input() {
        let mut b = ReplayBuffer::new(1 << 20, Duration::from_secs(60));
        assert!(b.push(&frame("a1"), InputKind::Plain, Duration::from_millis(20)));
        assert!(b.push(&frame("end1"), InputKind::TurnEnd, Duration::ZERO));
        assert!(b.push(&frame("a2"), InputKind::Plain, Duration::from_millis(20)));
        b.handle_received();
        assert_eq!(b.len(), 3, "nothing answered yet");
        b.turn_complete();
        b.handle_received();
        assert_eq!(b.len(), 1, "a2 came after the answered turn");
        let r = b.take_replay();
        assert_eq!(r.frames, vec![frame("a2")]);
    }

    #[test]
    fn stale_tool_responses_are_not_replayed() {
        let mut b = ReplayBuffer::new(1 << 20, Duration::from_secs(60));
        assert!(b.push(&frame("call tool"), InputKind::TurnEnd, Duration::ZERO));
        b.tool_call(["c1".to_string()]);
        assert!(!b.push(
            &frame("resp"),
            InputKind::ToolResponse(vec!["nope".into()]),
            Duration::ZERO
        ));
        assert!(b.push(
            &frame("resp"),
            InputKind::ToolResponse(vec!["c1".into()]),
            Duration::ZERO
        ));
        let r = b.take_replay();
        assert_eq!(r.stale_tool_responses, vec!["c1".to_string()]);
        assert_eq!(
            r.frames,
            vec![frame("call tool")],
            "the question is asked again"
        );
    }

    #[test]
    fn overflow_is_counted() {
        let mut b = ReplayBuffer::new(10, Duration::from_secs(60));
        for _ in 0..5 {
            b.push(&frame("xxxx"), InputKind::Plain, Duration::ZERO);
        }
        let r = b.take_replay();
        assert_eq!(r.frames.len(), 2);
        assert_eq!(r.overflowed, (3, 12));
        let mut b = ReplayBuffer::new(1 << 20, Duration::from_millis(100));
        for _ in 0..10 {
            b.push(&frame("a"), InputKind::Plain, Duration::from_millis(20));
        }
        assert_eq!(
            b.take_replay().frames.len(),
            5,
            "bounded by seconds of audio"
        );
    }
}
