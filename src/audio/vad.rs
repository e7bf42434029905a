//! Client-side voice activity detection: decide on the client when the user speaks, and
//! either drive the Live API's `activityStart` / `activityEnd` with it (server VAD off) or
//! only hold back silence to save bandwidth (server VAD on).
//!
//! Why on the client: the server's VAD misbehaves in the field (its silence duration ignored
//! on some models, turns thrashing in noise), and a client that knows when the user speaks can
//! also stop sending silence.
//!
//! **The detector** is [`earshot`] (pure Rust, a small neural network over 40 mel bands,
//! 16 ms frames of 16 kHz audio; no allocation, no C or C++ build), with hysteresis around it:
//! speech starts after [`VadConfig::min_speech`] of frames scoring at least
//! [`VadConfig::threshold`], and ends after [`VadConfig::hangover`] of quiet frames: scoring
//! under [`VadConfig::end_threshold`], or within 4 dB of the noise floor (the least frame
//! energy of the last second), since the score lags the end of speech. The first 256 ms of a stream decide nothing (the detector
//! warms up).
//! [`Vad`] is the bare detector and is **real-time safe** (no lock, no allocation, bounded
//! time per sample), so it may run in the audio callback.
//!
//! **The sender** ([`VadSender`]) puts it in front of a [`Session`]: audio is held while
//! nobody speaks; at speech start it sends `activityStart` ([`VadMode::Activity`]), then the
//! last [`VadConfig::pre_roll`] of held audio (so the first syllable, spoken before the
//! detector was sure, is not cut off), then the live audio; at speech end (after the hangover)
//! it sends `activityEnd`. In [`VadMode::Gate`] the server keeps its VAD and the sender only
//! drops the silence between utterances, ending each with `audioStreamEnd`. Sending is not
//! real-time safe (it encodes and queues a message): call it from the capture thread that
//! would otherwise call `send_audio`.
//!
//! Defaults: threshold 0.5, end threshold 0.85, min speech 16 ms (one frame), hangover 500 ms,
//! pre-roll 300 ms.

use crate::error::{Error, Result};
use crate::Session;
use earshot::Detector;
use std::collections::VecDeque;
use std::time::Duration;

/// The detector's rate: 16 kHz (what the Live API takes).
pub const VAD_RATE: u32 = 16_000;
/// Samples per detector frame: 256 (16 ms at 16 kHz).
pub const VAD_FRAME: usize = 256;

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
        let ten_s = Duration::from_secs(10);
        if self.hangover > ten_s || self.pre_roll > ten_s || self.min_speech > ten_s {
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
    /// Speech started; `at` is the end of the frame that made it sure.
    SpeechStart {
        /// Input samples at the decision.
        at: u64,
    },
    /// Speech ended, after the hangover; `at` is the end of the frame that ended it.
    SpeechEnd {
        /// Input samples at the decision.
        at: u64,
    },
}

/// Frames at the start of a stream that decide nothing (256 ms): the detector's window and
/// feature normalisation are still filling, and its scores on noise start near 0.55.
const WARM_UP: u64 = 16;

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
    /// Input short of a 16 ms frame waits for the next call. Real-time safe.
    pub fn process(&mut self, pcm: &[i16], mut on_event: impl FnMut(VadEvent)) {
        let mut rest = pcm;
        while !rest.is_empty() {
            let n = rest.len().min(VAD_FRAME - self.staged);
            self.frame[self.staged..self.staged + n].copy_from_slice(&rest[..n]);
            self.staged += n;
            self.pos += n as u64;
            rest = &rest[n..];
            if self.staged == VAD_FRAME {
                self.staged = 0;
                if let Some(e) = self.decide() {
                    on_event(e);
                }
            }
        }
    }

    /// Scores the staged frame and applies the hysteresis.
    fn decide(&mut self) -> Option<VadEvent> {
        self.score = self.detector.predict_i16(&self.frame);
        let energy = frame_db(&self.frame);
        self.energies[(self.frames % FLOOR_FRAMES as u64) as usize] = energy;
        let floor = self.energies.iter().copied().fold(f32::MAX, f32::min);
        self.frames += 1;
        if self.frames <= WARM_UP {
            return None;
        }
        if self.speech {
            // Quiet: the score has dropped, or the frame is back near the noise floor (the
            // score lags the end of speech by 100 to 300 ms; the energy does not).
            let voiced = self.score >= self.end_threshold && energy >= floor + END_FLOOR_DB;
            self.quiet = if voiced { 0 } else { self.quiet + 1 };
            if self.quiet >= self.end_frames {
                self.speech = false;
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

    /// Input samples taken so far.
    pub fn position(&self) -> u64 {
        self.pos
    }

    /// Forgets everything (a new stream). Real-time safe.
    pub fn reset(&mut self) {
        self.detector.reset();
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

/// Counters of a [`VadSender`], in 16 kHz samples.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct VadStats {
    /// Utterances started.
    pub utterances: u64,
    /// Samples sent (utterances with their pre-roll and hangover).
    pub sent: u64,
    /// Samples held back as silence and never sent.
    pub withheld: u64,
}

/// A [`Vad`] in front of a [`Session`]: sends utterances with pre-roll, and marks them with
/// `activityStart` / `activityEnd` ([`VadMode::Activity`]) or ends each with
/// `audioStreamEnd` ([`VadMode::Gate`]). Set the session up with [`VadConfig::configure`].
/// Not for the audio callback (sending encodes and queues a message).
#[derive(Debug)]
pub struct VadSender {
    config: VadConfig,
    vad: Vad,
    /// Audio not sent yet: while silent, the last `pre_roll` (plus a frame being decided).
    held: VecDeque<i16>,
    pre_roll: usize,
    out: Vec<i16>,
    stats: VadStats,
}

impl VadSender {
    /// A sender deciding by `config`. Allocates its buffers now.
    pub fn new(config: VadConfig) -> Result<VadSender> {
        let vad = Vad::new(&config)?;
        let pre_roll = (config.pre_roll.as_millis() as usize) * (VAD_RATE as usize / 1000);
        Ok(VadSender {
            config,
            vad,
            held: VecDeque::with_capacity(pre_roll + 4 * VAD_FRAME),
            pre_roll,
            out: Vec::with_capacity(VAD_RATE as usize / 10),
            stats: VadStats::default(),
        })
    }

    /// The settings.
    pub fn config(&self) -> &VadConfig {
        &self.config
    }

    /// The detector (its score and state).
    pub fn vad(&self) -> &Vad {
        &self.vad
    }

    /// The detector, to run it without sending ([`Vad::process`]); do not mix with
    /// [`push`](Self::push).
    pub fn detector_mut(&mut self) -> &mut Vad {
        &mut self.vad
    }

    /// Counters.
    pub fn stats(&self) -> VadStats {
        self.stats
    }

    /// Takes 16 kHz mono PCM16 from the microphone: runs the detector, sends what belongs to
    /// an utterance (with its pre-roll) and the activity signals, and calls `on_event` at
    /// each speech start and end. A send error stops the call and is returned (the audio of
    /// that call is lost; the detector's state is kept).
    pub fn push(
        &mut self,
        session: &Session,
        pcm: &[i16],
        mut on_event: impl FnMut(VadEvent),
    ) -> Result<()> {
        let mut rest = pcm;
        while !rest.is_empty() {
            // Up to the next frame boundary, so each decision applies where it was made.
            let n = rest.len().min(VAD_FRAME - self.vad.staged);
            let (piece, tail) = rest.split_at(n);
            rest = tail;
            self.held.extend(piece.iter().copied());
            let mut event = None;
            self.vad.process(piece, |e| event = Some(e));
            match event {
                Some(e @ VadEvent::SpeechStart { .. }) => {
                    self.stats.utterances += 1;
                    if self.config.mode == VadMode::Activity {
                        session.activity_start()?;
                    }
                    on_event(e);
                }
                Some(e @ VadEvent::SpeechEnd { .. }) => {
                    self.send_held(session)?;
                    match self.config.mode {
                        VadMode::Activity => session.activity_end()?,
                        VadMode::Gate => session.audio_stream_end()?,
                    }
                    on_event(e);
                }
                None => {}
            }
            if !self.vad.is_speech() {
                // Silence: keep only the pre-roll (and the frame being decided).
                let keep = self.pre_roll + self.vad.staged;
                while self.held.len() > keep {
                    self.held.pop_front();
                    self.stats.withheld += 1;
                }
            }
        }
        if self.vad.is_speech() {
            self.send_held(session)?;
        }
        Ok(())
    }

    fn send_held(&mut self, session: &Session) -> Result<()> {
        if self.held.is_empty() {
            return Ok(());
        }
        self.out.clear();
        self.out.extend(self.held.drain(..));
        self.stats.sent += self.out.len() as u64;
        session.send_audio(&self.out)
    }

    /// Ends the stream: an utterance in progress is sent and closed as at a speech end;
    /// the detector starts afresh.
    pub fn finish(&mut self, session: &Session) -> Result<()> {
        if self.vad.is_speech() {
            self.send_held(session)?;
            match self.config.mode {
                VadMode::Activity => session.activity_end()?,
                VadMode::Gate => session.audio_stream_end()?,
            }
        }
        self.stats.withheld += self.held.len() as u64;
        self.held.clear();
        self.vad.reset();
        Ok(())
    }
}
