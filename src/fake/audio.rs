//! Checksums, base64 and synthetic audio of the fake server, plus small text helpers.

use std::time::Duration;

use base64::alphabet;
use base64::engine::general_purpose::STANDARD;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;

pub use crate::checksum::{fnv1a64, fnv1a64_update, FNV_OFFSET};

/// Standard alphabet, padding optional, trailing bits tolerated.
const LENIENT: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new()
        .with_decode_padding_mode(DecodePaddingMode::Indifferent)
        .with_decode_allow_trailing_bits(true),
);

/// Decode base64 the way proto3 JSON does: standard or URL-safe alphabet, padded or not.
pub(crate) fn decode_base64(s: &str) -> Option<Vec<u8>> {
    if s.contains(['-', '_']) {
        let std: String = s
            .chars()
            .map(|c| match c {
                '-' => '+',
                '_' => '/',
                c => c,
            })
            .collect();
        LENIENT.decode(std).ok()
    } else {
        LENIENT.decode(s).ok()
    }
}

/// Standard base64 with padding, as the server emits `bytes` fields.
pub(crate) fn encode_base64(bytes: &[u8]) -> String {
    STANDARD.encode(bytes)
}

/// Sample rate of the fake's audio replies.
pub const REPLY_SAMPLE_RATE: u32 = 24_000;

/// The synthetic reply audio of model turn `turn`: `ms` milliseconds of 24 kHz PCM16LE mono,
/// a sine whose frequency depends on the turn number (200 Hz + 40 Hz × (turn mod 16)).
/// Exposed so tests can check the audio a client received byte for byte.
pub fn synth_reply_audio(turn: u64, ms: u32) -> Vec<u8> {
    let samples = u64::from(ms) * u64::from(REPLY_SAMPLE_RATE) / 1000;
    let freq = 200.0 + 40.0 * (turn % 16) as f64;
    let mut out = Vec::with_capacity(samples as usize * 2);
    for i in 0..samples {
        let t = i as f64 / f64::from(REPLY_SAMPLE_RATE);
        let v = (6000.0 * (2.0 * std::f64::consts::PI * freq * t).sin()).round() as i16;
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

/// Like [`synth_reply_audio`], shaped into words as speech is: the same tone in words of 180
/// to 420 ms (a fixed cycle) with 90 ms of silence between them, each word fading in and out
/// over 10 ms. What [`FakeOptions::audio_words`](super::FakeOptions::audio_words) sends.
pub fn synth_reply_words(turn: u64, ms: u32) -> Vec<u8> {
    const WORDS_MS: [u64; 6] = [280, 350, 220, 420, 300, 180];
    const GAP_MS: u64 = 90;
    const FADE: u64 = REPLY_SAMPLE_RATE as u64 / 100;
    let per_ms = u64::from(REPLY_SAMPLE_RATE) / 1000;
    let tone = synth_reply_audio(turn, ms);
    let mut out = Vec::with_capacity(tone.len());
    let (mut word, mut at) = (0, 0u64);
    for (i, b) in tone.chunks_exact(2).enumerate() {
        let i = i as u64;
        let len = WORDS_MS[word % WORDS_MS.len()] * per_ms;
        if i >= at + len + GAP_MS * per_ms {
            at += len + GAP_MS * per_ms;
            word += 1;
        }
        let len = WORDS_MS[word % WORDS_MS.len()] * per_ms;
        let k = i - at;
        let gain = if k >= len {
            0.0
        } else {
            (k.min(len - 1 - k) as f64 / FADE as f64).min(1.0)
        };
        let v = (f64::from(i16::from_le_bytes([b[0], b[1]])) * gain).round() as i16;
        out.extend_from_slice(&v.to_le_bytes());
    }
    out
}

/// Format a protobuf `Duration` the way the server does: `"5s"`, `"0.250s"`.
pub(crate) fn format_duration(d: Duration) -> String {
    let nanos = d.subsec_nanos();
    if nanos == 0 {
        format!("{}s", d.as_secs())
    } else if nanos.is_multiple_of(1_000_000) {
        format!("{}.{:03}s", d.as_secs(), nanos / 1_000_000)
    } else if nanos.is_multiple_of(1_000) {
        format!("{}.{:06}s", d.as_secs(), nanos / 1_000)
    } else {
        format!("{}.{:09}s", d.as_secs(), nanos)
    }
}

/// Truncate a close reason to at most 123 bytes on a char boundary (the WebSocket limit for
/// the reason of a close frame; the real service truncates the same way).
pub(crate) fn truncate_reason(reason: &str) -> String {
    const MAX: usize = 123;
    if reason.len() <= MAX {
        return reason.to_string();
    }
    let mut end = MAX;
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    reason[..end].to_string()
}

/// Split `text` into at most `parts` non-empty pieces of nearly equal length (in chars).
pub(crate) fn split_text(text: &str, parts: usize) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let n = parts.clamp(1, chars.len().max(1));
    let mut out = Vec::with_capacity(n);
    let mut start = 0;
    for i in 0..n {
        let end = chars.len() * (i + 1) / n;
        out.push(chars[start..end].iter().collect());
        start = end;
    }
    out
}

/// A small splitmix64 generator for handles and ids (not cryptographic: test server).
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn seeded() -> Rng {
        use std::hash::{BuildHasher, Hasher};
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0);
        // RandomState is seeded randomly per process (and per instance).
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u64(nanos);
        Rng(h.finish())
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// An opaque base64url handle of 48 chars.
    pub(crate) fn handle(&mut self) -> String {
        let mut bytes = Vec::with_capacity(40);
        for _ in 0..5 {
            bytes.extend_from_slice(&self.next_u64().to_le_bytes());
        }
        bytes.truncate(36);
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_accepts_both_alphabets_with_or_without_padding() {
        let bytes = [0u8, 1, 0xff, 0xfe, 0xfb];
        for s in ["AAH//vs=", "AAH//vs", "AAH__vs=", "AAH__vs"] {
            assert_eq!(decode_base64(s).as_deref(), Some(&bytes[..]), "{s}");
        }
        assert_eq!(decode_base64("").as_deref(), Some(&[][..]));
        assert!(decode_base64("not base64!").is_none());
        assert!(decode_base64("A").is_none());
        assert_eq!(encode_base64(&bytes), "AAH//vs=");
    }

    #[test]
    fn synthetic_audio_has_the_right_length_and_depends_on_the_turn() {
        let a = synth_reply_audio(1, 400);
        assert_eq!(a.len(), 400 * 24 * 2);
        assert_eq!(a, synth_reply_audio(1, 400));
        assert_ne!(a, synth_reply_audio(2, 400));
        assert!(synth_reply_audio(1, 0).is_empty());
        // In words: the same length, the tone inside a word, silence in the gaps.
        let w = synth_reply_words(1, 1000);
        let sample = |v: &[u8], ms: usize| i16::from_le_bytes([v[ms * 48], v[ms * 48 + 1]]);
        assert_eq!(w.len(), synth_reply_audio(1, 1000).len());
        assert_eq!(sample(&w, 100), sample(&synth_reply_audio(1, 1000), 100));
        assert!((281..370).all(|ms| sample(&w, ms) == 0), "the first gap");
        assert_ne!(
            (370..400).map(|ms| sample(&w, ms)).max(),
            Some(0),
            "the second word"
        );
    }

    #[test]
    fn durations_format_like_protobuf() {
        assert_eq!(format_duration(Duration::from_secs(50)), "50s");
        assert_eq!(format_duration(Duration::from_millis(250)), "0.250s");
        assert_eq!(
            format_duration(Duration::from_micros(1_000_001)),
            "1.000001s"
        );
        assert_eq!(format_duration(Duration::from_nanos(5)), "0.000000005s");
    }

    #[test]
    fn reasons_are_truncated_on_char_boundaries() {
        let long = "é".repeat(100);
        let t = truncate_reason(&long);
        assert_eq!(t.len(), 122);
        assert!(long.starts_with(&t));
        assert_eq!(truncate_reason("short"), "short");
        assert_eq!(truncate_reason(&"x".repeat(200)).len(), 123);
    }

    #[test]
    fn text_splits_into_nearly_equal_parts() {
        assert_eq!(split_text("abcdefg", 3), vec!["ab", "cd", "efg"]);
        assert_eq!(split_text("ab", 5), vec!["a", "b"]);
        assert_eq!(split_text("", 3), vec![""]);
        assert_eq!(split_text("héllo", 1), vec!["héllo"]);
        assert_eq!(split_text("abc", 0), vec!["abc"]);
    }

    #[test]
    fn handles_are_long_and_distinct() {
        let mut rng = Rng::seeded();
        let a = rng.handle();
        let b = rng.handle();
        assert_eq!(a.len(), 48);
        assert_ne!(a, b);
        assert!(a
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'));
    }
}
