//! Client-side voice activity detection: decide on the client when the user speaks, and
//! either drive the Live API's `activityStart` / `activityEnd` with it (server VAD off) or
//! only hold back silence to save bandwidth (server VAD on).
//!
//! Why on the client: the server's VAD misbehaves in the field (its silence duration ignored
//! on some models, turns thrashing in noise), and a client that knows when the user speaks can
//! also stop sending silence.
//!
//! **The detector** is [`earshot`] (pure Rust, a small neural network over 40 mel bands,
//! 16 ms frames of 16 kHz audio; no allocation, no C or C++ build), with hysteresis around it
//! and a fast onset path in front of it:
//! - speech starts after [`VadConfig::min_speech`] of frames scoring at least
//!   [`VadConfig::threshold`], or earlier, on the fast onset path
//!   ([`VadConfig::fast_onset`]): every 8 ms the spectrum of the last 16 ms is compared with
//!   its floor over the last 64 ms, and a rise worth [`VadConfig::onset_threshold`] in two
//!   or more windows of the last 32 ms starts speech at once. The model hears speech when
//!   the vowel comes; a plosive or fricative onset ("could", "send") is audible 60 to 120 ms
//!   before that, and this path hears it. The model must confirm (a frame at [`VadConfig::threshold`]) within
//!   [`VadConfig::confirm`]; if it does not (a knock, a door, not speech), the utterance is
//!   retracted: it ends at once, without the hangover ([`Vad::retractions`] counts them), and
//!   the fast path rests for a second.
//! - speech ends after [`VadConfig::hangover`] of quiet frames: scoring under
//!   [`VadConfig::end_threshold`], or within 4 dB of the noise floor (the least frame energy
//!   of the last second), since the score lags the end of speech.
//! - the first 512 ms of a stream decide nothing (the detector warms up: its scores on white
//!   noise start near 0.65 and fall under 0.5 after about 300 ms).
//!
//! [`Vad`] is the bare detector and is **real-time safe** (no lock, no allocation, bounded
//! time per sample), so it may run in the audio callback.
//!
//! **The sender** ([`VadSender`]) puts it in front of a [`Session`](crate::Session): audio is
//! held while nobody speaks; at speech start it sends `activityStart` ([`VadMode::Activity`]), then the
//! last [`VadConfig::pre_roll`] of held audio (so the first syllable, spoken before the
//! detector was sure, is not cut off), then the live audio; at speech end (after the hangover)
//! it sends `activityEnd`. A start on the fast onset path is tentative: the sender reports it
//! at once but tells the server (`activityStart`, then the held audio) only when the model
//! confirms it, and a retracted one never reaches the server. In [`VadMode::Gate`] the server keeps its VAD and the sender only
//! drops the silence between utterances, ending each with `audioStreamEnd`. Sending is not
//! real-time safe (it encodes and queues a message): call it from the capture thread that
//! would otherwise call `send_audio`.
//!
//! Defaults: threshold 0.5, end threshold 0.85, min speech 16 ms (one frame), fast onset on
//! (onset threshold 0.5, confirm 250 ms), hangover 500 ms, pre-roll 300 ms.

mod onset;
mod sender;

pub use sender::{VadSender, VadStats};

use crate::error::{Error, Result};
use earshot::Detector;
use onset::{Onset, HOP};
use std::time::Duration;

/// The detector's rate: 16 kHz (what the Live API takes).
pub const VAD_RATE: u32 = 16_000;
/// Samples per detector frame: 256 (16 ms at 16 kHz).
pub const VAD_FRAME: usize = 256;
/// Samples per step of the fast onset path: 128 (8 ms); events fall on these boundaries.
const HALF: usize = HOP;

/// What the client VAD does with the session.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VadMode {
    /// Server VAD off (`automaticActivityDetection.disabled`); the client sends
    /// `activityStart` / `activityEnd` around each utterance, with pre-roll. The default.
    Activity,
    /// Server VAD stays on; the client sends only the utterances (with pre-roll), not the
    /// silence between them, and `audioStreamEnd` after each.
    Gate,
}

/// How a [`Vad`] / [`VadSender`] decides. Every field says its default.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct VadConfig {
    /// What the sender does with the session. Defaults to [`VadMode::Activity`].
    pub mode: VadMode,
    /// Score (0 to 1) at or above which a frame counts as speech while nobody speaks.
    /// Defaults to 0.5.
    pub threshold: f32,
    /// Score under which a frame counts as silence during an utterance. Defaults to 0.85:
    /// the detector's score decays slowly after speech stops (0.6 to 0.8 for 100 to 300 ms),
    /// so ending at the start threshold would end that much late.
    pub end_threshold: f32,
    /// Speech for this long starts an utterance (rounded up to 16 ms frames). Defaults to
    /// 16 ms.
    pub min_speech: Duration,
    /// Whether a rise of the spectrum over its recent floor starts speech before the model is
    /// sure (see the module docs). Defaults to `true`.
    pub fast_onset: bool,
    /// The rise that starts speech on the fast path: dB above the floor, averaged over 8
    /// bands, summed over the last four 8 ms steps less the largest (one window alone, a
    /// click, is not enough). Defaults to 0.5: white, pink and brown noise stay under 0.2;
    /// onsets at 10 dB SNR reach 0.5 to 100.
    pub onset_threshold: f32,
    /// How long the model has to confirm a fast start (a frame at `threshold`) before it is
    /// retracted. Defaults to 250 ms (it confirms within 120 ms on speech).
    pub confirm: Duration,
    /// Silence for this long ends an utterance (rounded up to 16 ms frames). Defaults to
    /// 500 ms.
    pub hangover: Duration,
    /// Audio from before the detected start sent with the utterance. Defaults to 300 ms.
    pub pre_roll: Duration,
}

impl Default for VadConfig {
    fn default() -> Self {
        VadConfig {
            mode: VadMode::Activity,
            threshold: 0.5,
            end_threshold: 0.85,
            min_speech: Duration::from_millis(16),
            fast_onset: true,
            onset_threshold: 0.5,
            confirm: Duration::from_millis(250),
            hangover: Duration::from_millis(500),
            pre_roll: Duration::from_millis(300),
        }
    }
}

impl VadConfig {
    /// Sets up `config` for this mode: [`VadMode::Activity`] turns the server's VAD off
    /// (`realtimeInputConfig.automaticActivityDetection.disabled = true`); [`VadMode::Gate`]
    /// leaves it as it is.
    pub fn configure(&self, config: &mut crate::Config) {
        if self.mode == VadMode::Activity {
            config
                .realtime_input
                .get_or_insert_with(Default::default)
                .automatic_activity_detection
                .get_or_insert_with(Default::default)
                .disabled = Some(true);
        }
    }

    fn validate(&self) -> Result<()> {
        for t in [self.threshold, self.end_threshold] {
            if !(0.0..=1.0).contains(&t) {
                return Err(Error::InvalidInput(format!(
                    "VAD threshold {t}: expected 0 to 1"
                )));
            }
        }
        if !(self.onset_threshold.is_finite() && self.onset_threshold > 0.0) {
            return Err(Error::InvalidInput(format!(
                "VAD onset threshold {}: expected more than 0",
                self.onset_threshold
            )));
        }
        let ten_s = Duration::from_secs(10);
        if self.hangover > ten_s
            || self.pre_roll > ten_s
            || self.min_speech > ten_s
            || self.confirm > ten_s
        {
            return Err(Error::InvalidInput(
                "VAD durations: expected at most 10 s each".into(),
            ));
        }
        Ok(())
    }
}

/// A speech boundary, at a position in the input (16 kHz samples since the detector began).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum VadEvent {
    /// Speech started; `at` is where it was decided (the end of the 8 ms step whose onset,
    /// or the 16 ms frame whose score, made it sure).
    SpeechStart {
        /// Input samples at the decision.
        at: u64,
    },
    /// Speech ended, after the hangover (or at once, when the model did not confirm a fast
    /// start); `at` is the end of the frame that ended it.
    SpeechEnd {
        /// Input samples at the decision.
        at: u64,
    },
}

/// Frames at the start of a stream that decide nothing (512 ms): the detector's window and
/// feature normalisation are still filling, and its scores on white noise start near 0.65
/// and stay over 0.5 for about 300 ms.
const WARM_UP: u64 = 32;

/// Frames of energy history for the noise floor: about a second.
const FLOOR_FRAMES: usize = 62;

/// During an utterance, a frame within this many dB of the noise floor counts as quiet.
const END_FLOOR_DB: f32 = 4.0;

/// A frame's energy in dB (of the mean square of its samples; 0 dB for silence).
fn frame_db(frame: &[i16]) -> f32 {
    let sum: f32 = frame.iter().map(|&v| f32::from(v) * f32::from(v)).sum();
    10.0 * (sum / frame.len().max(1) as f32 + 1.0).log10()
}

/// Frames in `d`, rounded up, at least `min`.
fn frames_in(d: Duration, min: u32) -> u32 {
    let ms = VAD_FRAME as u128 * 1000 / VAD_RATE as u128; // 16
    (d.as_millis().div_ceil(ms) as u32).max(min)
}

/// The bare detector: 16 kHz PCM16 in, speech start / end out. **Real-time safe**: no
/// lock, no allocation, bounded time per sample. One per stream.
pub struct Vad {
    detector: Box<Detector>,
    onset: Option<Box<Onset>>,
    onset_threshold: f32,
    /// Frames the model has to confirm a fast start.
    confirm_frames: u32,
    /// Frames since a fast start the model has not confirmed yet.
    unconfirmed: Option<u32>,
    /// Frames the fast path still rests after a retraction.
    rest: u32,
    retractions: u64,
    evidence: f32,
    frame: [i16; VAD_FRAME],
    staged: usize,
    pos: u64,
    /// Frames decided so far (the first [`WARM_UP`] decide nothing).
    frames: u64,
    threshold: f32,
    end_threshold: f32,
    start_frames: u32,
    end_frames: u32,
    speech: bool,
    run: u32,
    quiet: u32,
    score: f32,
    /// The last second of frame energies (dB), for the noise floor (their minimum).
    energies: [f32; FLOOR_FRAMES],
}

impl std::fmt::Debug for Vad {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Vad")
            .field("speech", &self.speech)
            .field("pos", &self.pos)
            .field("score", &self.score)
            .finish()
    }
}

impl Vad {
    /// A detector deciding by `config` (its `mode` and `pre_roll` are the sender's).
    pub fn new(config: &VadConfig) -> Result<Vad> {
        config.validate()?;
        Ok(Vad {
            detector: Detector::default_boxed(),
            onset: config.fast_onset.then(Onset::new),
            onset_threshold: config.onset_threshold,
            confirm_frames: frames_in(config.confirm, 1),
            unconfirmed: None,
            rest: 0,
            retractions: 0,
            evidence: 0.0,
            frame: [0; VAD_FRAME],
            staged: 0,
            pos: 0,
            frames: 0,
            threshold: config.threshold,
            end_threshold: config.end_threshold,
            start_frames: frames_in(config.min_speech, 1),
            end_frames: frames_in(config.hangover, 1),
            speech: false,
            run: 0,
            quiet: 0,
            score: 0.0,
            energies: [f32::MAX; FLOOR_FRAMES],
        })
    }

    /// Runs the detector over `pcm` (16 kHz mono), calling `on_event` at each boundary.
    /// Input short of an 8 ms step waits for the next call. Real-time safe.
    pub fn process(&mut self, pcm: &[i16], mut on_event: impl FnMut(VadEvent)) {
        let mut rest = pcm;
        while !rest.is_empty() {
            let n = rest.len().min(HALF - self.staged % HALF);
            self.frame[self.staged..self.staged + n].copy_from_slice(&rest[..n]);
            self.staged += n;
            self.pos += n as u64;
            rest = &rest[n..];
            if !self.staged.is_multiple_of(HALF) {
                continue;
            }
            let whole = self.staged == VAD_FRAME;
            // The model first (it may confirm or retract a fast start), then the onset path.
            let mut event = None;
            if whole {
                self.staged = 0;
                event = self.decide();
            }
            let fast = self.onset_step(if whole { HALF } else { 0 }, event.is_none());
            if let Some(e) = event.or(fast) {
                on_event(e);
            }
        }
    }

    /// Runs the fast onset path over the 8 ms at `from` in the frame; starts speech on a rise
    /// when `may_start` (no other event at this step).
    fn onset_step(&mut self, from: usize, may_start: bool) -> Option<VadEvent> {
        let onset = self.onset.as_mut()?;
        let mut half = [0i16; HALF];
        half.copy_from_slice(&self.frame[from..from + HALF]);
        let evidence = onset.hop(&half);
        self.evidence = evidence;
        if !may_start || self.speech || self.frames <= WARM_UP || self.rest > 0 {
            return None;
        }
        if evidence >= self.onset_threshold {
            self.speech = true;
            self.run = 0;
            self.quiet = 0;
            self.unconfirmed = Some(0);
            return Some(VadEvent::SpeechStart { at: self.pos });
        }
        None
    }

    /// Scores the staged frame and applies the hysteresis.
    fn decide(&mut self) -> Option<VadEvent> {
        self.score = self.detector.predict_i16(&self.frame);
        let energy = frame_db(&self.frame);
        self.energies[(self.frames % FLOOR_FRAMES as u64) as usize] = energy;
        let floor = self.energies.iter().copied().fold(f32::MAX, f32::min);
        self.frames += 1;
        self.rest = self.rest.saturating_sub(1);
        if self.frames <= WARM_UP {
            return None;
        }
        if let Some(waited) = self.unconfirmed {
            if self.score >= self.threshold {
                self.unconfirmed = None;
            } else if waited + 1 >= self.confirm_frames {
                // Not speech after all (a knock, a door): end now and rest the fast path.
                self.unconfirmed = None;
                self.speech = false;
                self.quiet = 0;
                self.run = 0;
                self.retractions += 1;
                self.rest = FLOOR_FRAMES as u32;
                return Some(VadEvent::SpeechEnd { at: self.pos });
            } else {
                self.unconfirmed = Some(waited + 1);
            }
        }
        if self.speech {
            // Quiet: the score has dropped, or the frame is back near the noise floor (the
            // score lags the end of speech by 100 to 300 ms; the energy does not).
            let voiced = self.score >= self.end_threshold && energy >= floor + END_FLOOR_DB;
            self.quiet = if voiced { 0 } else { self.quiet + 1 };
            if self.quiet >= self.end_frames {
                self.speech = false;
                self.unconfirmed = None;
                self.quiet = 0;
                self.run = 0;
                return Some(VadEvent::SpeechEnd { at: self.pos });
            }
        } else {
            let voiced = self.score >= self.threshold;
            self.run = if voiced { self.run + 1 } else { 0 };
            if self.run >= self.start_frames {
                self.speech = true;
                self.run = 0;
                self.quiet = 0;
                return Some(VadEvent::SpeechStart { at: self.pos });
            }
        }
        None
    }

    /// Whether an utterance is in progress.
    pub fn is_speech(&self) -> bool {
        self.speech
    }

    /// The latest frame's score (0 to 1).
    pub fn score(&self) -> f32 {
        self.score
    }

    /// The fast onset path's latest evidence (see [`VadConfig::onset_threshold`]); 0 when
    /// the path is off.
    pub fn onset_evidence(&self) -> f32 {
        self.evidence
    }

    /// Whether the utterance in progress began on the fast onset path and the model has not
    /// confirmed it yet (it will be, or it will be retracted, within [`VadConfig::confirm`]).
    pub fn is_tentative(&self) -> bool {
        self.unconfirmed.is_some()
    }

    /// Fast starts the model did not confirm (each ended at once by a
    /// [`VadEvent::SpeechEnd`]).
    pub fn retractions(&self) -> u64 {
        self.retractions
    }

    /// Input samples taken so far.
    pub fn position(&self) -> u64 {
        self.pos
    }

    /// Forgets everything (a new stream). Real-time safe.
    pub fn reset(&mut self) {
        self.detector.reset();
        if let Some(o) = self.onset.as_mut() {
            o.reset();
        }
        self.unconfirmed = None;
        self.rest = 0;
        self.evidence = 0.0;
        self.staged = 0;
        self.pos = 0;
        self.frames = 0;
        self.speech = false;
        self.run = 0;
        self.quiet = 0;
        self.score = 0.0;
        self.energies = [f32::MAX; FLOOR_FRAMES];
    }
}
