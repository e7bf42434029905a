//! The input frames that may have to be re-sent after a reconnection ([`ReplayBuffer`]), and
//! what kind of input each is ([`InputKind`]). Which frames stay is the turn ledger's call
//! (`session/turns.rs`): input whose turn the server answered is never re-sent; the rest is,
//! in order.

use std::collections::BTreeMap;
use std::time::Duration;
use tungstenite::Utf8Bytes;

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

#[cfg(test)]
mod tests {
    use super::*;

    fn frame(s: &str) -> Utf8Bytes {
        Utf8Bytes::from(s.to_string())
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
