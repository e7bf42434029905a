//! Streaming sample-rate conversion: any rate and channel count to mono PCM16 at any rate
//! (16 kHz for the Live API's input, the sound card's rate for the player).
//!
//! Built on [`rubato`]'s asynchronous sinc resampler (`Async::new_sinc`): band-limited
//! interpolation with a Blackman-Harris windowed sinc, good for any ratio (44.1 kHz to 16 kHz
//! is 160/441; a device at 44 056 Hz works too), state kept across calls, no allocation while
//! processing. rubato is the maintained Rust resampler (real-time safe `process_into_buffer`,
//! SIMD kernels); version 1.0 is the newest whose MSRV (1.74) fits this crate's 1.80.
//!
//! Input is downmixed to mono first (the mean of the channels), then buffered into fixed
//! chunks of 10 ms of input, so the resampler sees the same chunks however the caller splits
//! its input: one call with a whole file and many calls with random-sized pieces give the same
//! samples. The filter's delay is trimmed from the start of the output, so output sample `k`
//! is the input at time `k / out_rate` (to within a sample: the filter's fractional delay
//! stays); [`Resampler::flush`] ends the stream by pushing the
//! last partial chunk and the filter tail through, so the output has exactly
//! `round(input_frames * out_rate / in_rate)` samples.
//!
//! Added latency (input held back before its output appears): up to one chunk (10 ms) plus
//! the filter's look-ahead ([`Resampler::latency`]); measured by `cargo run --release
//! --example bench -- --only dsp`: 10.8 ms at 44.1 kHz to 16 kHz, 10.0 ms at 48 kHz.

use crate::error::{Error, Result};
use audioadapter_buffers::direct::InterleavedSlice;
use rubato::{
    Async, FixedAsync, Indexing, Resampler as _, SincInterpolationParameters,
    SincInterpolationType, WindowFunction,
};
use std::time::Duration;

/// The Live API's input rate: 16 kHz.
pub const INPUT_RATE: u32 = 16_000;
/// The rate of the model's audio: 24 kHz.
pub const OUTPUT_RATE: u32 = 24_000;

/// Highest sample rate accepted (768 kHz).
pub const MAX_RATE: u32 = 768_000;
/// Most channels accepted (64).
pub const MAX_CHANNELS: u16 = 64;

/// Length of the sinc filter in input samples (at the lower of the two rates' Nyquist).
const SINC_LEN: usize = 128;

/// A streaming converter from interleaved PCM (any rate, any channel count) to mono PCM16 at
/// a fixed output rate. Keep one per stream; it is `Send` (move it to the capture thread).
pub struct Resampler {
    in_rate: u32,
    out_rate: u32,
    channels: usize,
    /// `None` when the rates are equal: only the downmix is done.
    inner: Option<Box<Async<f32>>>,
    /// Input frames per resampler call (10 ms of input).
    chunk: usize,
    /// Mono input not yet resampled (fewer than `chunk` frames between calls).
    pending: Vec<f32>,
    /// Samples of an incomplete interleaved frame left over from the previous call.
    partial: Vec<f32>,
    /// Scratch output, `output_frames_max` long.
    scratch: Vec<f32>,
    /// Output frames of filter delay still to drop.
    to_trim: usize,
    in_frames: u64,
    out_frames: u64,
}

impl std::fmt::Debug for Resampler {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Resampler")
            .field("in_rate", &self.in_rate)
            .field("channels", &self.channels)
            .field("out_rate", &self.out_rate)
            .field("in_frames", &self.in_frames)
            .field("out_frames", &self.out_frames)
            .finish()
    }
}

impl Resampler {
    /// A converter from `channels` interleaved channels at `in_rate` Hz to mono at
    /// `out_rate` Hz. Rates must be 1..=[`MAX_RATE`], channels 1..=[`MAX_CHANNELS`].
    pub fn new(in_rate: u32, channels: u16, out_rate: u32) -> Result<Resampler> {
        for (what, rate) in [("input", in_rate), ("output", out_rate)] {
            if rate == 0 || rate > MAX_RATE {
                return Err(Error::InvalidInput(format!(
                    "{what} sample rate {rate} Hz: expected 1 to {MAX_RATE}"
                )));
            }
        }
        if channels == 0 || channels > MAX_CHANNELS {
            return Err(Error::InvalidInput(format!(
                "{channels} channels: expected 1 to {MAX_CHANNELS}"
            )));
        }
        let chunk = (in_rate as usize / 100).max(16);
        let inner = if in_rate == out_rate {
            None
        } else {
            let params = SincInterpolationParameters {
                sinc_len: SINC_LEN,
                f_cutoff: rubato::calculate_cutoff(SINC_LEN, WindowFunction::BlackmanHarris2),
                interpolation: SincInterpolationType::Cubic,
                oversampling_factor: 128,
                window: WindowFunction::BlackmanHarris2,
            };
            let ratio = out_rate as f64 / in_rate as f64;
            let r = Async::<f32>::new_sinc(ratio, 1.0, &params, chunk, 1, FixedAsync::Input)
                .map_err(|e| Error::InvalidInput(format!("resampler: {e}")))?;
            Some(Box::new(r))
        };
        let (scratch, to_trim) = match &inner {
            Some(r) => (vec![0.0; r.output_frames_max()], r.output_delay()),
            None => (Vec::new(), 0),
        };
        Ok(Resampler {
            in_rate,
            out_rate,
            channels: channels as usize,
            inner,
            chunk,
            pending: Vec::with_capacity(chunk * 2),
            partial: Vec::with_capacity(channels as usize),
            scratch,
            to_trim,
            in_frames: 0,
            out_frames: 0,
        })
    }

    /// A converter to what the Live API takes: 16 kHz mono.
    pub fn to_16k_mono(in_rate: u32, channels: u16) -> Result<Resampler> {
        Resampler::new(in_rate, channels, INPUT_RATE)
    }

    /// Input rate in Hz.
    pub fn in_rate(&self) -> u32 {
        self.in_rate
    }

    /// Output rate in Hz.
    pub fn out_rate(&self) -> u32 {
        self.out_rate
    }

    /// Input channels.
    pub fn channels(&self) -> u16 {
        self.channels as u16
    }

    /// Input frames taken since creation or the last [`flush`](Self::flush).
    pub fn input_frames(&self) -> u64 {
        self.in_frames
    }

    /// Output samples produced since creation or the last [`flush`](Self::flush).
    pub fn output_frames(&self) -> u64 {
        self.out_frames
    }

    /// The most input is held back before its output appears: one chunk (10 ms of input)
    /// plus the filter's look-ahead. Zero when the rates are equal.
    pub fn latency(&self) -> Duration {
        match &self.inner {
            None => Duration::ZERO,
            Some(r) => {
                Duration::from_secs_f64(self.chunk as f64 / self.in_rate as f64)
                    + Duration::from_secs_f64(r.output_delay() as f64 / self.out_rate as f64)
            }
        }
    }

    /// At least how many output samples the next [`process`](Self::process) of
    /// `input_samples` interleaved samples (or, with 0, the next [`flush`](Self::flush)) can
    /// produce: for callers with fixed buffers (the C API).
    pub fn max_output(&self, input_samples: usize) -> usize {
        let frames = self.pending.len() + (self.partial.len() + input_samples) / self.channels;
        match &self.inner {
            None => frames,
            Some(r) => {
                let ratio = self.out_rate as f64 / self.in_rate as f64;
                ((frames + self.chunk) as f64 * ratio).ceil() as usize + r.output_delay() + 16
            }
        }
    }

    /// Converts interleaved PCM16 and appends the mono output to `out`; returns how many
    /// samples were appended. A trailing incomplete frame is kept for the next call.
    pub fn process(&mut self, input: &[i16], out: &mut Vec<i16>) -> usize {
        self.take_input(input.iter().map(|&s| s as f32 / 32768.0));
        self.run(out)
    }

    /// Like [`process`](Self::process), for float samples (-1.0 to 1.0, as cpal and most
    /// audio APIs deliver them). Non-finite samples count as silence.
    pub fn process_f32(&mut self, input: &[f32], out: &mut Vec<i16>) -> usize {
        self.take_input(input.iter().map(|&s| if s.is_finite() { s } else { 0.0 }));
        self.run(out)
    }

    /// Ends the stream: pushes the last partial chunk and the filter tail through, appends
    /// the rest of the output to `out` (so the stream's output has exactly
    /// `round(input_frames * out_rate / in_rate)` samples) and resets the state, ready for a
    /// new stream. An incomplete trailing frame is dropped. Returns the samples appended.
    pub fn flush(&mut self, out: &mut Vec<i16>) -> usize {
        let before = out.len();
        self.partial.clear();
        let expected =
            (self.in_frames * self.out_rate as u64 + self.in_rate as u64 / 2) / self.in_rate as u64;
        if let Some(r) = self.inner.as_mut() {
            // The last partial chunk, then silence, until the filter has given every sample.
            let mut first = true;
            let mut guard = 0;
            while self.out_frames < expected && guard < 1000 {
                guard += 1;
                let avail = if first { self.pending.len() } else { 0 };
                first = false;
                let mut input = std::mem::take(&mut self.pending);
                input.resize(self.chunk, 0.0);
                let produced = run_chunk(r, &input, 0, Some(avail), &mut self.scratch);
                input.clear();
                self.pending = input;
                emit(
                    &self.scratch[..produced],
                    &mut self.to_trim,
                    &mut self.out_frames,
                    Some(expected),
                    out,
                );
            }
            r.reset();
            self.to_trim = r.output_delay();
        } else {
            emit(
                &self.pending,
                &mut self.to_trim,
                &mut self.out_frames,
                None,
                out,
            );
        }
        self.pending.clear();
        self.in_frames = 0;
        self.out_frames = 0;
        out.len() - before
    }

    /// Drops the stream's state without producing output (e.g. after an interruption).
    pub fn reset(&mut self) {
        self.pending.clear();
        self.partial.clear();
        if let Some(r) = self.inner.as_mut() {
            r.reset();
            self.to_trim = r.output_delay();
        }
        self.in_frames = 0;
        self.out_frames = 0;
    }

    fn take_input(&mut self, samples: impl Iterator<Item = f32>) {
        let ch = self.channels;
        for s in samples {
            self.partial.push(s);
            if self.partial.len() == ch {
                let mono = self.partial.iter().sum::<f32>() / ch as f32;
                self.partial.clear();
                self.pending.push(mono);
                self.in_frames += 1;
            }
        }
    }

    fn run(&mut self, out: &mut Vec<i16>) -> usize {
        let before = out.len();
        let Some(r) = self.inner.as_mut() else {
            emit(
                &self.pending,
                &mut self.to_trim,
                &mut self.out_frames,
                None,
                out,
            );
            self.pending.clear();
            return out.len() - before;
        };
        let mut offset = 0;
        while self.pending.len() - offset >= self.chunk {
            let produced = run_chunk(r, &self.pending, offset, None, &mut self.scratch);
            offset += self.chunk;
            emit(
                &self.scratch[..produced],
                &mut self.to_trim,
                &mut self.out_frames,
                None,
                out,
            );
        }
        self.pending.drain(..offset);
        out.len() - before
    }
}

/// One resampler call on `chunk` frames of `input` from `offset` (`partial`: that many are
/// real, the rest silence). Returns the frames written to `scratch`.
fn run_chunk(
    r: &mut Async<f32>,
    input: &[f32],
    offset: usize,
    partial: Option<usize>,
    scratch: &mut [f32],
) -> usize {
    let frames_in = input.len();
    let frames_out = scratch.len();
    let (Ok(inp), Ok(mut outp)) = (
        InterleavedSlice::new(input, 1, frames_in),
        InterleavedSlice::new_mut(scratch, 1, frames_out),
    ) else {
        return 0;
    };
    let indexing = Indexing {
        input_offset: offset,
        output_offset: 0,
        partial_len: partial,
        active_channels_mask: None,
    };
    match r.process_into_buffer(&inp, &mut outp, Some(&indexing)) {
        Ok((_, produced)) => produced,
        Err(e) => {
            // Sizes are set up from the resampler's own maxima, so this is a bug: say so,
            // and give silence rather than stop the stream.
            log::error!("resampler: {e}");
            0
        }
    }
}

/// Appends `samples` as PCM16 after dropping what is left of the filter delay, up to `limit`
/// output frames in all.
fn emit(
    samples: &[f32],
    to_trim: &mut usize,
    out_frames: &mut u64,
    limit: Option<u64>,
    out: &mut Vec<i16>,
) {
    let skip = (*to_trim).min(samples.len());
    *to_trim -= skip;
    let mut rest = &samples[skip..];
    if let Some(limit) = limit {
        let room = limit.saturating_sub(*out_frames) as usize;
        rest = &rest[..rest.len().min(room)];
    }
    out.extend(rest.iter().map(|&s| to_i16(s)));
    *out_frames += rest.len() as u64;
}

/// A float sample (-1.0 to 1.0) as PCM16, rounded and clipped.
pub fn to_i16(s: f32) -> i16 {
    (s * 32768.0).round().clamp(-32768.0, 32767.0) as i16
}
