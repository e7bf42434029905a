//! Acoustic echo cancellation for speakerphones: the model must not hear (and interrupt)
//! itself.
//!
//! An [`EchoCanceller`] takes the microphone's audio and removes the echo of what the
//! [`Player`](super::Player) played. Its reference is the player's played-signal tap
//! ([`super::tap`]): the samples the device callback actually took, silence and barge-in
//! flushes included, on the device's clock. So it is fed automatically: no call on the
//! playback side, and the audio still queued in the player (up to its 30 s) never confuses
//! it. The canceller is WebRTC's AEC3 through [`sonora`] (a pure-Rust port of WebRTC's audio
//! processing module), with its delay estimator and, optionally, its noise suppressor.
//!
//! **Alignment.** Reference and microphone are consumed in lockstep, 10 ms against 10 ms:
//! before each 10 ms microphone frame the canceller takes the next 10 ms the device played,
//! so both advance on the same clock (a full-duplex device's), whatever the callback sizes.
//! What is left is the echo path's delay: the device's output and input latency plus the
//! room. Give what you know as [`EchoConfig::device_delay`] (a starting point); AEC3's
//! delay estimator finds the rest ([`EchoStats::delay_estimate`]). History the tap held
//! before the canceller started is skipped; a reference more than
//! [`MAX_REFERENCE_LEAD`] ahead of the microphone (the microphone stopped while the speaker
//! played on) is skipped to re-align, counted in [`EchoStats::realigned`].
//!
//! **Frames and latency.** [`EchoCanceller::process`] takes any number of samples and gives
//! back as many, one 10 ms frame late (the first 10 ms out are silence): AEC3 works on 10 ms
//! frames. AEC3's own filters delay the speech by a few ms more (about 8 ms at 16 kHz).
//!
//! **Real-time safety.** Which calls may run in an audio callback (no lock, no allocation,
//! no system call; `tests/echo_realtime.rs` counts allocations):
//!
//! | call | real-time safe | where it runs |
//! |---|---|---|
//! | the player's `read` (it records into the tap) | yes | the playback callback |
//! | [`EchoMicInput::push`] / [`push_f32`](EchoMicInput::push_f32) | yes | the capture callback |
//! | [`EchoCanceller::set_enabled`], [`set_device_delay`](EchoCanceller::set_device_delay), [`stats`](EchoCanceller::stats) | yes | the canceller's thread |
//! | [`EchoCanceller::pull`], [`process`](EchoCanceller::process), [`process_in_place`](EchoCanceller::process_in_place) | **no**: AEC3 allocates for every 10 ms frame inside `sonora` | the thread that sends to the session |
//!
//! So AEC3 runs off the real-time threads. Either the capture callback pushes the microphone
//! into the canceller's ring ([`EchoCanceller::mic_input`]) and the sending thread pulls the
//! cleaned audio ([`EchoCanceller::pull`]), or the app hands its samples over by its own
//! means (the CLI's microphone ring) and calls [`process`](EchoCanceller::process). Neither
//! `pull` nor `process` takes a lock or makes a system call. Cost: about 0.7 % of a core per
//! stream at 16 kHz, 1.0 % at 48 kHz (BENCHMARKS.md).

mod dither;
mod mic;

pub use mic::{EchoMicInput, MIC_RING};

use super::tap::PlayedTap;
use crate::error::{Error, Result};
use dither::Dither;
use sonora::config::{NoiseSuppressionLevel, Pipeline};
use sonora::{AudioProcessing, Config as ApmConfig, StreamConfig};
use std::time::Duration;

/// A reference this far ahead of the microphone is skipped down to one frame.
pub const MAX_REFERENCE_LEAD: Duration = Duration::from_millis(250);

/// Render frames the lockstep forgives when the reference arrives late.
const MAX_DEBT: i64 = 2;

/// How hard the noise suppressor works ([`EchoConfig::noise_suppression`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum NoiseSuppression {
    /// No noise suppression (the default).
    #[default]
    Off,
    /// About 6 dB.
    Low,
    /// About 12 dB.
    Moderate,
    /// About 18 dB.
    High,
    /// About 21 dB.
    VeryHigh,
}

impl NoiseSuppression {
    /// From the C and Python code: 0 off, 1 low, 2 moderate, 3 high, 4 very high.
    pub fn from_level(level: u32) -> Option<NoiseSuppression> {
        Some(match level {
            0 => NoiseSuppression::Off,
            1 => NoiseSuppression::Low,
            2 => NoiseSuppression::Moderate,
            3 => NoiseSuppression::High,
            4 => NoiseSuppression::VeryHigh,
            _ => return None,
        })
    }

    fn sonora(self) -> Option<sonora::config::NoiseSuppression> {
        let level = match self {
            NoiseSuppression::Off => return None,
            NoiseSuppression::Low => NoiseSuppressionLevel::Low,
            NoiseSuppression::Moderate => NoiseSuppressionLevel::Moderate,
            NoiseSuppression::High => NoiseSuppressionLevel::High,
            NoiseSuppression::VeryHigh => NoiseSuppressionLevel::VeryHigh,
        };
        Some(sonora::config::NoiseSuppression {
            level,
            ..Default::default()
        })
    }
}

/// How an [`EchoCanceller`] is set up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EchoConfig {
    /// The rate (Hz) of the microphone audio given to `process`: a multiple of 100 from 8000
    /// to 384000. Defaults to 16000 (the Live API's input: resample first, cancel after, and
    /// the canceller costs least).
    pub capture_rate: u32,
    /// The device's output plus input latency, as far as it is known (e.g. from the audio
    /// API's reported latencies): where the delay estimator starts. Up to 500 ms. Defaults to
    /// 0 (the estimator finds it; typical devices, 10-150 ms, need no setting).
    pub device_delay: Duration,
    /// Noise suppression after the echo canceller. Defaults to off.
    pub noise_suppression: NoiseSuppression,
}

impl Default for EchoConfig {
    fn default() -> Self {
        EchoConfig {
            capture_rate: super::INPUT_RATE,
            device_delay: Duration::ZERO,
            noise_suppression: NoiseSuppression::Off,
        }
    }
}

/// What an [`EchoCanceller`] measured and did.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct EchoStats {
    /// Echo return loss enhancement (dB): how much the canceller takes off the echo, as AEC3
    /// estimates it. `None` until it has an estimate.
    pub erle_db: Option<f64>,
    /// Echo return loss (dB): how much quieter the echo is than the reference.
    pub erl_db: Option<f64>,
    /// The echo path's delay AEC3's estimator found (reference to microphone). `None` until
    /// it has found one.
    pub delay_estimate: Option<Duration>,
    /// The configured device delay.
    pub device_delay: Duration,
    /// Microphone frames (10 ms) processed.
    pub capture_frames: u64,
    /// Reference frames (10 ms) given to the canceller.
    pub reference_frames: u64,
    /// Microphone frames processed before their reference had been played (the device's
    /// callback was late); the reference is given when it comes.
    pub reference_late: u64,
    /// Times the reference was skipped to re-align with the microphone (see the module docs).
    pub realigned: u64,
    /// Whether the canceller is on (see [`EchoCanceller::set_enabled`]).
    pub enabled: bool,
    /// Microphone samples [`EchoMicInput::push`] dropped because the ring was full (nobody
    /// pulled for [`MIC_RING`]).
    pub mic_dropped: u64,
}

/// The echo canceller: microphone in, microphone without the player's echo out. Made by
/// [`Player::echo_canceller`](super::Player::echo_canceller) (or [`EchoCanceller::new`]
/// from a [`PlayedTap`]); one thread at a time (it is `Send`), typically the one that reads
/// the microphone. Not for the capture callback itself (see the module docs).
pub struct EchoCanceller {
    apm: AudioProcessing,
    tap: PlayedTap,
    config: EchoConfig,
    enabled: bool,
    /// One 10 ms reference frame, as floats.
    render: Vec<f32>,
    render_out: Vec<f32>,
    /// The microphone frame being filled, and the processed frame being handed out.
    capture: Vec<f32>,
    fill: usize,
    output: Vec<i16>,
    processed: Vec<f32>,
    /// Reference frames given minus microphone frames processed.
    balance: i64,
    started: bool,
    seen_dropped: u64,
    stats: EchoStats,
    /// Keeps AEC3's filters out of subnormal numbers in silence (see [`Dither`]).
    dither: Dither,
    /// The capture callback's ring, once [`mic_input`](Self::mic_input) made it.
    mic: Option<mic::MicRing>,
}

impl std::fmt::Debug for EchoCanceller {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EchoCanceller")
            .field("config", &self.config)
            .field("stats", &self.stats)
            .finish()
    }
}

fn frame_len(rate: u32, what: &str) -> Result<usize> {
    if !(8000..=384_000).contains(&rate) || !rate.is_multiple_of(100) {
        return Err(Error::InvalidInput(format!(
            "echo canceller: {what} rate {rate} Hz (a multiple of 100 from 8000 to 384000)"
        )));
    }
    Ok(rate as usize / 100)
}

impl EchoCanceller {
    /// A canceller for microphone audio at `config.capture_rate`, with `tap` (a player's
    /// [`Player::played_tap`](super::Player::played_tap)) as its reference. Allocates
    /// everything it will use. Fails on a rate that is not a multiple of 100 Hz from 8 kHz
    /// to 384 kHz (the player's device rate included) or a device delay over 500 ms.
    pub fn new(tap: PlayedTap, config: EchoConfig) -> Result<EchoCanceller> {
        Self::check(&config, tap.device_rate())?;
        let render_len = frame_len(tap.device_rate(), "device")?;
        let capture_len = frame_len(config.capture_rate, "capture")?;
        let apm_config = ApmConfig {
            echo_canceller: Some(sonora::config::EchoCanceller::default()),
            noise_suppression: config.noise_suppression.sonora(),
            pipeline: Pipeline::default(),
            ..ApmConfig::default()
        };
        let mut apm = AudioProcessing::builder()
            .config(apm_config)
            .capture_config(StreamConfig::new(config.capture_rate, 1))
            .render_config(StreamConfig::new(tap.device_rate(), 1))
            .build();
        // Within 0..=500 ms (checked), so never clamped.
        let _ = apm.set_stream_delay_ms(config.device_delay.as_millis() as i32);
        let seen_dropped = tap.dropped();
        let mut canceller = EchoCanceller {
            apm,
            tap,
            enabled: true,
            render: vec![0.0; render_len],
            render_out: vec![0.0; render_len],
            capture: vec![0.0; capture_len],
            fill: 0,
            output: vec![0; capture_len],
            processed: vec![0.0; capture_len],
            balance: 0,
            started: false,
            seen_dropped,
            dither: Dither::default(),
            mic: None,
            stats: EchoStats {
                device_delay: config.device_delay,
                enabled: true,
                ..EchoStats::default()
            },
            config,
        };
        // Warm the statistics path once here, so its first use does not allocate later.
        canceller.refresh_stats();
        Ok(canceller)
    }

    /// Checks `config` for a player at `device_rate` (what [`new`](Self::new) refuses).
    pub fn check(config: &EchoConfig, device_rate: u32) -> Result<()> {
        frame_len(device_rate, "device")?;
        frame_len(config.capture_rate, "capture")?;
        check_delay(config.device_delay)
    }

    /// The configuration it was made with (the device delay as last set).
    pub fn config(&self) -> &EchoConfig {
        &self.config
    }

    /// Cancels the echo in `mic` (mono PCM16 at the capture rate) into `out`, which must be
    /// as long: `out` is `mic` one 10 ms frame late, without the echo. Allocates inside
    /// AEC3: not for a real-time callback (see the module docs).
    /// `Error::InvalidInput` if the lengths differ (nothing is consumed).
    pub fn process(&mut self, mic: &[i16], out: &mut [i16]) -> Result<()> {
        if mic.len() != out.len() {
            return Err(Error::InvalidInput(format!(
                "echo canceller: {} samples in, room for {} out",
                mic.len(),
                out.len()
            )));
        }
        let len = mic.len();
        for (i, (m, o)) in mic.iter().zip(out.iter_mut()).enumerate() {
            *o = self.step(*m, len - i - 1);
        }
        Ok(())
    }

    /// The capture callback's side: a lock-free ring of [`MIC_RING`] that
    /// [`EchoMicInput::push`] (real-time safe) fills and [`pull`](Self::pull) drains. One per
    /// canceller: `Error::InvalidInput` the second time.
    pub fn mic_input(&mut self) -> Result<EchoMicInput> {
        if self.mic.is_some() {
            return Err(Error::InvalidInput(
                "echo canceller: its microphone input was already made (one per canceller)".into(),
            ));
        }
        let (input, ring) = mic::ring(self.config.capture_rate);
        self.mic = Some(ring);
        Ok(input)
    }

    /// Microphone samples pushed into the [`mic_input`](Self::mic_input) ring and not yet
    /// pulled.
    pub fn pending(&self) -> usize {
        self.mic.as_ref().map_or(0, |m| m.consumer.slots())
    }

    /// Cancels the echo in what the capture callback pushed ([`mic_input`](Self::mic_input)),
    /// up to `out.len()` samples, into `out`; returns how many (0 without a microphone
    /// input). As with [`process`](Self::process), the output is the input one 10 ms frame
    /// late. Not real-time safe (AEC3 allocates): call it on the thread that sends to the
    /// session. No lock, no system call.
    pub fn pull(&mut self, out: &mut [i16]) -> usize {
        let Some(mut ring) = self.mic.take() else {
            return 0;
        };
        let pending = ring.consumer.slots();
        let n = out.len().min(pending);
        if let Ok(chunk) = ring.consumer.read_chunk(n) {
            let (a, b) = chunk.as_slices();
            for (i, (o, &m)) in out.iter_mut().zip(a.iter().chain(b.iter())).enumerate() {
                *o = self.step(m, pending - i - 1);
            }
            chunk.commit_all();
        }
        self.stats.mic_dropped = ring.dropped();
        self.mic = Some(ring);
        n
    }

    /// Like [`process`](Self::process), replacing `pcm` with its output.
    pub fn process_in_place(&mut self, pcm: &mut [i16]) {
        let len = pcm.len();
        for (i, s) in pcm.iter_mut().enumerate() {
            *s = self.step(*s, len - i - 1);
        }
    }

    /// Turns the cancellation on or off without losing its state: off, `process` passes the
    /// microphone through (still one frame late) while the reference keeps being consumed,
    /// so turning it back on needs no re-alignment. Real-time safe.
    pub fn set_enabled(&mut self, enabled: bool) {
        self.enabled = enabled;
        self.stats.enabled = enabled;
    }

    /// Sets the device delay (see [`EchoConfig::device_delay`]); up to 500 ms. Real-time safe.
    pub fn set_device_delay(&mut self, delay: Duration) -> Result<()> {
        check_delay(delay)?;
        let _ = self.apm.set_stream_delay_ms(delay.as_millis() as i32);
        self.config.device_delay = delay;
        self.stats.device_delay = delay;
        Ok(())
    }

    /// What it measured and did so far (AEC3's figures are updated once a second).
    /// Real-time safe.
    pub fn stats(&self) -> EchoStats {
        self.stats
    }

    /// The buffering `process` adds: one 10 ms frame (AEC3's filters add a few ms more).
    pub fn latency(&self) -> Duration {
        Duration::from_millis(10)
    }

    /// One sample in, one (a frame older) out. `backlog`: microphone samples already given
    /// (in this call or waiting in the ring) that come after this one: how far the microphone
    /// being processed is behind the device's clock.
    fn step(&mut self, sample: i16, backlog: usize) -> i16 {
        let out = self.output[self.fill];
        self.capture[self.fill] = f32::from(sample) / 32768.0;
        self.fill += 1;
        if self.fill == self.capture.len() {
            self.fill = 0;
            self.frame(backlog);
        }
        out
    }

    /// A full microphone frame: feed the reference in lockstep, cancel, keep the output.
    fn frame(&mut self, backlog: usize) {
        self.feed_reference(backlog);
        self.dither.add(&mut self.capture);
        let src: [&[f32]; 1] = [&self.capture];
        let mut dst: [&mut [f32]; 1] = [&mut self.processed];
        let ok = self.apm.process_capture_f32(&src, &mut dst).is_ok();
        self.balance -= 1;
        self.stats.capture_frames += 1;
        let from = if ok && self.enabled {
            &self.processed
        } else {
            &self.capture
        };
        for (o, &v) in self.output.iter_mut().zip(from.iter()) {
            *o = (v * 32768.0).round().clamp(-32768.0, 32767.0) as i16;
        }
        if self.stats.capture_frames.is_multiple_of(100) {
            self.refresh_stats();
        }
    }

    /// Gives AEC3 the reference frames due before the next microphone frame. When it
    /// (re-)aligns, it keeps the newest frame of the tap and what the device played while the
    /// microphone recorded `backlog` (samples given but not yet processed).
    fn feed_reference(&mut self, backlog: usize) {
        let device_rate = u64::from(self.tap.device_rate());
        let backlog =
            (backlog as u64 * device_rate / u64::from(self.config.capture_rate.max(1))) as usize;
        let frame = self.render.len() + backlog;
        let dropped = self.tap.dropped();
        let lead_limit = (u128::from(device_rate) * MAX_REFERENCE_LEAD.as_millis() / 1000) as usize;
        if !self.started || dropped != self.seen_dropped {
            // Start, or the tap overflowed: what it holds is history, not aligned.
            if self.started {
                self.stats.realigned += 1;
            }
            self.started = true;
            self.seen_dropped = dropped;
            // Keep the newest frame (and the backlog's): the reference may lead the
            // microphone, never lag it.
            self.tap.skip(self.tap.available().saturating_sub(frame));
            self.balance = 0;
        } else if self.tap.available() > lead_limit + frame {
            // The microphone paused while the speaker played on.
            self.tap.skip(self.tap.available() - frame);
            self.stats.realigned += 1;
            self.balance = 0;
        }
        if self.balance < -MAX_DEBT {
            self.balance = -MAX_DEBT;
        }
        let mut fed = false;
        let frame = self.render.len();
        while self.balance < 1 && self.tap.available() >= frame {
            self.tap.take_f32(&mut self.render);
            self.dither.add(&mut self.render);
            let src: [&[f32]; 1] = [&self.render];
            let mut dst: [&mut [f32]; 1] = [&mut self.render_out];
            let _ = self.apm.process_render_f32(&src, &mut dst);
            self.balance += 1;
            self.stats.reference_frames += 1;
            fed = true;
        }
        if !fed && self.balance < 1 {
            self.stats.reference_late += 1;
        }
    }

    fn refresh_stats(&mut self) {
        let s = self.apm.statistics();
        self.stats.erle_db = s.echo_return_loss_enhancement;
        self.stats.erl_db = s.echo_return_loss;
        self.stats.delay_estimate = s
            .delay_ms
            .and_then(|ms| u64::try_from(ms).ok())
            .map(Duration::from_millis);
    }
}

fn check_delay(delay: Duration) -> Result<()> {
    if delay > Duration::from_millis(500) {
        return Err(Error::InvalidInput(format!(
            "echo canceller: device delay {} ms (at most 500)",
            delay.as_millis()
        )));
    }
    Ok(())
}
