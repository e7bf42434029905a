//! A playout buffer for the model's audio, read from a real-time audio callback.
//!
//! The session side ([`PlayerWriter`]) pushes the model's 24 kHz chunks as they arrive; they
//! are resampled there (on the writer side) to the device's rate and put in a lock-free
//! single-producer single-consumer ring ([`rtrb`]). The device side ([`PlayerReader`]) pulls
//! exactly the frames its callback needs with [`PlayerReader::read`]: **real-time safe** — no
//! lock, no allocation, no system call, no waiting; a bounded copy and a few atomic loads and
//! stores. What is not there is silence, counted as an underrun.
//!
//! Positions are counted in device samples on one stream axis: the writer advances
//! `written`, the reader `read_pos`; a flush or a drop of old audio sets `skip_to`, which the
//! reader honours on its next read (it skips the ring forward to it). So
//! [`PlayerWriter::flush`] (or [`PlayerMonitor::flush`], from any thread) is one atomic store:
//! the very next read plays nothing of what was queued before it.
//!
//! **Barge-in.** On [`Event::Interrupted`](crate::session::Event::Interrupted) call `flush`:
//! it returns a [`TurnPlayback`] saying how much of the interrupted reply was received and
//! how much the callback had taken (heard) when the flush happened, in the model's samples
//! and as a fraction. [`TurnPlayback::cut_transcript`] cuts the reply's output transcript at that
//! point, proportionally by samples (the service gives no word timings, so the cut is an
//! estimate: it lands on the word boundary before the proportional position). The audio the
//! device holds in its own buffer after `read` returned (one callback period, plus the
//! driver's latency) is counted as heard, and so is audio dropped for the latency cap. The
//! same figures can be read at any time from any thread: [`PlayerMonitor::current`] (the turn
//! in progress) and [`PlayerMonitor::last`] (the latest flush or ended turn); C:
//! `gemini_live_player_current` / `_last`.
//!
//! **Jitter and latency.** Playback (re)starts only when [`PlayerConfig::start_threshold`] of
//! audio is buffered, or the turn has ended ([`PlayerWriter::end_turn`]) so what is there is
//! all there is. **Slow replies**: with [`PlayerConfig::adaptive_start`] (on by default) the
//! writer also measures how fast the reply arrives against real time, and when the model
//! generates slower than real time, playback waits (the threshold still the minimum) until
//! what is buffered will last to the reply's end, the length taken from the previous reply;
//! the first reply of a session waits for its second chunk (its rate), and since its length
//! is unknown, pauses at a word gap (a quiet 10 ms block the writer found) whenever the
//! buffer is about to run dry, going on when it will last a second of playback (see
//! `pacing.rs`). Replies at or above real time start as before. The wait, the pauses, the
//! measured rate and the underruns are in [`PlayerStats`]. More than
//! [`PlayerConfig::max_latency`] buffered drops the oldest audio (counted in
//! [`PlayerStats::dropped`]); the service may send a reply faster than real time, so the
//! default is generous.
//!
//! The halves live in `writer.rs` and `reader.rs`, the state they share (atomics only) in
//! `shared.rs`, and the word-gap finder in `gaps.rs`.
//!
//! **Echo cancellation.** [`Player::echo_canceller`] (or [`Player::played_tap`]) makes the
//! reader also record what it hands the device, silence included, into a second SPSC ring:
//! the reference of an echo canceller ([`crate::audio::echo`]). The read stays real-time safe.

mod gaps;
mod reader;
mod shared;
mod writer;

use crate::audio::echo::{EchoCanceller, EchoConfig};
use crate::audio::pacing::Pacer;
pub use crate::audio::playback::{cut_at_fraction, PlayerStats, TurnPlayback};
use crate::audio::resample::{Resampler, MAX_CHANNELS, MAX_RATE, OUTPUT_RATE};
use crate::audio::tap::PlayedTap;
use crate::error::{Error, Result};
use gaps::GapFinder;
pub use reader::PlayerReader;
use rtrb::RingBuffer;
use shared::{samples_in, Shared};
use std::sync::Arc;
use std::time::Duration;
pub use writer::PlayerWriter;

/// How a [`Player`] is set up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlayerConfig {
    /// The device's sample rate: what [`PlayerReader::read`] delivers. Defaults to 24000
    /// (no resampling).
    pub device_rate: u32,
    /// Interleaved channels per frame that `read` fills (the mono reply is copied to each).
    /// Defaults to 1.
    pub channels: u16,
    /// Rate of the audio pushed ([`PlayerWriter::push`]). Defaults to 24000 (the model's).
    pub source_rate: u32,
    /// Audio buffered before playback starts, and restarts after an underrun (jitter
    /// absorption). Zero asks for no buffering at all: with the adaptive start, the first
    /// reply of a session then plays its first chunk at once instead of waiting for its
    /// second (its rate). Defaults to 80 ms.
    pub start_threshold: Duration,
    /// Most audio buffered; past it the oldest is dropped (counted). Defaults to 30 s: the
    /// service can deliver a reply faster than real time.
    pub max_latency: Duration,
    /// Measure how fast each reply arrives and, when it comes slower than real time, start
    /// only once the buffer will last to its end (the threshold stays the minimum), and pause
    /// at a word gap rather than run dry when the end is unknown (the first reply of a
    /// session) or the reply outgrows the estimate. Defaults to `true`.
    pub adaptive_start: bool,
}

impl Default for PlayerConfig {
    fn default() -> Self {
        PlayerConfig {
            device_rate: OUTPUT_RATE,
            channels: 1,
            source_rate: OUTPUT_RATE,
            start_threshold: Duration::from_millis(80),
            max_latency: Duration::from_secs(30),
            adaptive_start: true,
        }
    }
}

impl PlayerConfig {
    /// A configuration for a device at `device_rate` Hz with `channels` channels, the other
    /// fields at their defaults.
    pub fn for_device(device_rate: u32, channels: u16) -> PlayerConfig {
        PlayerConfig {
            device_rate,
            channels,
            ..PlayerConfig::default()
        }
    }
}

/// A playout buffer: a writer half for the session side and a reader half for the audio
/// callback. Split it with [`Player::split`] to move the halves to their threads.
#[derive(Debug)]
pub struct Player {
    /// The session side.
    pub writer: PlayerWriter,
    /// The audio-callback side.
    pub reader: PlayerReader,
}

impl Player {
    /// A player for `config`. Allocates the whole ring now (`max_latency` plus one second).
    pub fn new(config: PlayerConfig) -> Result<Player> {
        let bad = |m: String| Err(Error::InvalidInput(m));
        if config.channels == 0 || config.channels > MAX_CHANNELS {
            return bad(format!("player: {} channels", config.channels));
        }
        let resampler = if config.source_rate != config.device_rate {
            Some(Resampler::new(config.source_rate, 1, config.device_rate)?)
        } else if config.device_rate == 0 || config.device_rate > MAX_RATE {
            return bad(format!("player: device rate {} Hz", config.device_rate));
        } else {
            None
        };
        let rate = config.device_rate as u64;
        let max_latency = samples_in(config.max_latency, rate).clamp(1, rate * 600);
        let threshold = samples_in(config.start_threshold, rate).min(max_latency) as usize;
        let (producer, consumer) = RingBuffer::new((max_latency + rate) as usize);
        let shared = Arc::new(Shared {
            device_rate: config.device_rate,
            source_rate: config.source_rate,
            ..Shared::default()
        });
        Ok(Player {
            writer: PlayerWriter {
                shared: shared.clone(),
                producer,
                resampler,
                scratch: Vec::new(),
                max_latency,
                seen_flush: 0,
                pacer: config.adaptive_start.then(|| {
                    (
                        Pacer::new(config.source_rate, !config.start_threshold.is_zero()),
                        GapFinder::new(config.device_rate),
                    )
                }),
            },
            reader: PlayerReader {
                shared,
                consumer,
                channels: config.channels as usize,
                threshold: threshold.max(1),
                playing: false,
                pos: 0,
                seen_flush: 0,
                tap: None,
                waited: 0,
                seen_turn: 0,
                started: false,
                paused: false,
            },
        })
    }

    /// The two halves, to move to their threads.
    pub fn split(self) -> (PlayerWriter, PlayerReader) {
        (self.writer, self.reader)
    }

    /// Starts recording what the reader plays (audio and silence, mono, at the device rate)
    /// into a tap (see [`crate::audio::tap`]), and returns its consumer half: an echo canceller's
    /// reference. Off until called; a second call replaces the first tap. Call it before the
    /// reader goes to its thread.
    pub fn played_tap(&mut self) -> PlayedTap {
        self.reader.played_tap()
    }

    /// Turns echo cancellation on: an [`EchoCanceller`] fed with what this player plays
    /// (through [`played_tap`](Self::played_tap)), for the microphone's audio at
    /// `config.capture_rate`. Call it before the reader goes to its thread.
    pub fn echo_canceller(&mut self, config: EchoConfig) -> Result<EchoCanceller> {
        EchoCanceller::check(&config, self.reader.shared.device_rate)?;
        EchoCanceller::new(self.played_tap(), config)
    }
}

/// A handle on a player's shared state, for any thread: statistics, the current turn's
/// playback, and flush. Cheap to clone; lock-free.
#[derive(Clone, Debug)]
pub struct PlayerMonitor(Arc<Shared>);

impl PlayerMonitor {
    /// Counters.
    pub fn stats(&self) -> PlayerStats {
        self.0.stats()
    }

    /// The current (or latest) turn: received and heard so far.
    pub fn current(&self) -> TurnPlayback {
        self.0.current(false)
    }

    /// The result of the latest flush or ended turn.
    pub fn last(&self) -> TurnPlayback {
        self.0.last()
    }

    /// Discards everything queued, effective on the reader's next read (the writer also
    /// drops its resampler's leftover on its next call).
    pub fn flush(&self) -> TurnPlayback {
        self.0.flush()
    }
}
