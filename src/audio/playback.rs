//! What a player reports: its counters ([`PlayerStats`]) and how much of a reply was heard
//! ([`TurnPlayback`]), with the transcript cut at that point ([`cut_at_fraction`]).

use std::time::Duration;

/// Counters of a player, all since it was created. Samples are device samples (per channel).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PlayerStats {
    /// The device rate, to turn the sample counts into time.
    pub device_rate: u32,
    /// Samples waiting to be read now.
    pub buffered: u64,
    /// Samples of audio `read` has delivered (silence not counted).
    pub played: u64,
    /// Times playback ran dry in the middle of a turn.
    pub underruns: u64,
    /// Samples of silence delivered because of those underruns (until playback restarted).
    pub underrun_samples: u64,
    /// Samples dropped because more than `max_latency` was buffered (the oldest go).
    pub dropped: u64,
    /// Samples dropped because the ring was full (the reader has stopped reading).
    pub overflowed: u64,
    /// Samples discarded by flushes.
    pub flushed: u64,
    /// Flushes done.
    pub flushes: u64,
    /// Calls to `read`.
    pub reads: u64,
    /// The current (or latest) turn's number, from 1; 0 before any audio.
    pub turn: u64,
    /// Device samples the latest turn waited, with audio buffered, before it started playing
    /// (the adaptive start's wait for a slow reply, or for a session's first reply to show
    /// its rate with its second chunk; at most a read's worth otherwise).
    pub start_delay: u64,
    /// How fast the latest reply arrived, in thousandths of real time (700: 0.7x, slower than
    /// it plays); 0 until measured (a reply's second chunk).
    pub arrival_rate_milli: u64,
    /// Times playback paused at a word gap because the reply came too slowly to go on
    /// without running dry (the adaptive start; see [`PlayerConfig`](super::PlayerConfig)).
    pub pauses: u64,
    /// Samples of silence those pauses gave. The silence a turn added in all is its
    /// [`start_delay`](Self::start_delay) plus its pauses plus its
    /// [`underrun_samples`](Self::underrun_samples).
    pub paused: u64,
}

impl PlayerStats {
    /// [`start_delay`](Self::start_delay) as time.
    pub fn start_delay_duration(&self) -> Duration {
        samples_to_duration(self.start_delay, self.device_rate)
    }

    /// [`paused`](Self::paused) as time.
    pub fn paused_duration(&self) -> Duration {
        samples_to_duration(self.paused, self.device_rate)
    }

    /// [`arrival_rate_milli`](Self::arrival_rate_milli) as a factor of real time, if measured.
    pub fn arrival_rate(&self) -> Option<f64> {
        (self.arrival_rate_milli > 0).then(|| self.arrival_rate_milli as f64 / 1000.0)
    }
}

/// How much of one reply was received and heard.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct TurnPlayback {
    /// The turn's number (from 1; 0: no turn yet).
    pub turn: u64,
    /// Samples of the model's audio received for the turn (at the source rate).
    pub received: u64,
    /// Of those, how many the device had taken (at the source rate).
    pub heard: u64,
    /// The source rate, to turn samples into time.
    pub source_rate: u32,
    /// Whether the turn was cut short by a flush.
    pub interrupted: bool,
}

impl TurnPlayback {
    /// Received audio as time.
    pub fn received_duration(&self) -> Duration {
        samples_to_duration(self.received, self.source_rate)
    }

    /// Heard audio as time.
    pub fn heard_duration(&self) -> Duration {
        samples_to_duration(self.heard, self.source_rate)
    }

    /// The heard fraction of what was received, 0.0 to 1.0 (1.0 for a turn with no audio).
    pub fn heard_fraction(&self) -> f64 {
        if self.received == 0 {
            1.0
        } else {
            (self.heard as f64 / self.received as f64).min(1.0)
        }
    }

    /// The part of `transcript` (the turn's output transcription so far) the user heard:
    /// cut proportionally to [`heard_fraction`](Self::heard_fraction) by characters, then back
    /// to the preceding word boundary. The service gives no word timings, so this is an
    /// estimate.
    pub fn cut_transcript<'a>(&self, transcript: &'a str) -> &'a str {
        cut_at_fraction(transcript, self.heard_fraction())
    }
}

/// Cuts `text` at `fraction` of its characters, backing up to a word boundary.
pub fn cut_at_fraction(text: &str, fraction: f64) -> &str {
    let fraction = if fraction.is_finite() {
        fraction.clamp(0.0, 1.0)
    } else {
        1.0
    };
    let chars = text.chars().count();
    let keep = (chars as f64 * fraction).round() as usize;
    if keep >= chars {
        return text;
    }
    let byte = text.char_indices().nth(keep).map_or(text.len(), |(i, _)| i);
    let head = &text[..byte];
    let next_is_space = text[byte..].starts_with(char::is_whitespace);
    if next_is_space {
        return head.trim_end();
    }
    match head.rfind(char::is_whitespace) {
        Some(i) => head[..i].trim_end(),
        None => "",
    }
}

fn samples_to_duration(samples: u64, rate: u32) -> Duration {
    Duration::from_secs_f64(samples as f64 / rate.max(1) as f64)
}
