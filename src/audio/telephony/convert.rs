//! The fixed-ratio streaming resampler under [`super::PhoneIn`] and [`super::PhoneOut`]:
//! rubato's windowed sinc on fixed 20 ms chunks, every buffer sized at construction.

use crate::error::{Error, Result};
use audioadapter_buffers::direct::InterleavedSlice;
use rubato::{
    Async, FixedAsync, Indexing, Resampler as _, SincInterpolationParameters,
    SincInterpolationType, WindowFunction,
};
use std::time::Duration;

/// Length of the sinc filter, in samples of the higher rate.
const SINC_LEN: usize = 128;

/// A fixed-ratio streaming resampler with every buffer sized at construction: input is
/// staged into chunks of exactly `chunk` frames, and each chunk's output (less the filter's
/// delay at the start of the stream) is handed to a sink.
pub(super) struct Converter {
    inner: Box<Async<f32>>,
    stage: Vec<f32>,
    staged: usize,
    scratch: Vec<f32>,
    to_trim: usize,
    in_rate: u32,
    out_rate: u32,
    /// Input samples taken and output samples given since the stream began.
    taken: u64,
    given: u64,
}

impl Converter {
    pub(super) fn new(in_rate: u32, out_rate: u32) -> Result<Converter> {
        let chunk = in_rate as usize / 50; // 20 ms
        let params = SincInterpolationParameters {
            sinc_len: SINC_LEN,
            f_cutoff: rubato::calculate_cutoff(SINC_LEN, WindowFunction::BlackmanHarris2),
            // The ratios here (2 and 1/3) put every output sample on the filter table's
            // grid, so linear interpolation between table points is exact enough.
            interpolation: SincInterpolationType::Linear,
            oversampling_factor: 128,
            window: WindowFunction::BlackmanHarris2,
        };
        let ratio = f64::from(out_rate) / f64::from(in_rate);
        let inner = Async::<f32>::new_sinc(ratio, 1.0, &params, chunk, 1, FixedAsync::Input)
            .map_err(|e| Error::InvalidInput(format!("telephony resampler: {e}")))?;
        let scratch = vec![0.0; inner.output_frames_max()];
        let to_trim = inner.output_delay();
        Ok(Converter {
            inner: Box::new(inner),
            stage: vec![0.0; chunk],
            staged: 0,
            scratch,
            to_trim,
            in_rate,
            out_rate,
            taken: 0,
            given: 0,
        })
    }

    /// The most output one chunk gives.
    pub(super) fn chunk_output_max(&self) -> usize {
        self.scratch.len()
    }

    /// The most output `n` more input samples can give.
    pub(super) fn max_output(&self, n: usize) -> usize {
        (self.staged + n) / self.stage.len() * self.chunk_output_max()
    }

    /// The most output [`finish`](Self::finish) gives: a chunk's worth for the staged
    /// input, the filter's delay, and one for rounding.
    pub(super) fn finish_output_max(&self) -> usize {
        let chunk_out =
            (self.stage.len() as u64 * u64::from(self.out_rate)).div_ceil(u64::from(self.in_rate));
        chunk_out as usize + self.inner.output_delay() + 1
    }

    /// Input held back before its output appears: the filter's look-ahead.
    pub(super) fn latency(&self) -> Duration {
        Duration::from_secs_f64(self.inner.output_delay() as f64 / f64::from(self.out_rate))
    }

    /// Takes one input sample; when a chunk is full, resamples it and hands the output to
    /// `sink`.
    pub(super) fn push(&mut self, sample: f32, sink: &mut impl FnMut(&[f32])) {
        self.stage[self.staged] = sample;
        self.staged += 1;
        self.taken += 1;
        if self.staged == self.stage.len() {
            self.staged = 0;
            self.run(None, u64::MAX, sink);
        }
    }

    /// Pushes the staged partial chunk and the filter's tail through (silence after the
    /// input), so the stream's output has `round(taken * out_rate / in_rate)` samples in
    /// all; then resets for a new stream.
    pub(super) fn finish(&mut self, sink: &mut impl FnMut(&[f32])) {
        let (num, den) = (u64::from(self.out_rate), u64::from(self.in_rate));
        let expected = (self.taken * num + den / 2) / den;
        let real = self.staged;
        self.stage[real..].fill(0.0);
        self.staged = 0;
        // The partial chunk, then chunks of silence until the filter has given it all.
        let mut partial = real;
        let mut guard = 0;
        while self.given < expected && guard < 64 {
            guard += 1;
            self.run(Some(partial), expected, sink);
            partial = 0;
            self.stage.fill(0.0);
        }
        self.reset();
    }

    pub(super) fn reset(&mut self) {
        self.inner.reset();
        self.staged = 0;
        self.to_trim = self.inner.output_delay();
        self.taken = 0;
        self.given = 0;
    }

    /// Resamples the staged chunk (`partial`: that many real samples, the rest silence),
    /// giving at most `limit` output samples since the stream began.
    fn run(&mut self, partial: Option<usize>, limit: u64, sink: &mut impl FnMut(&[f32])) {
        let frames_in = self.stage.len();
        let frames_out = self.scratch.len();
        let (Ok(inp), Ok(mut outp)) = (
            InterleavedSlice::new(&self.stage, 1, frames_in),
            InterleavedSlice::new_mut(&mut self.scratch, 1, frames_out),
        ) else {
            return;
        };
        let indexing = Indexing {
            input_offset: 0,
            output_offset: 0,
            partial_len: partial,
            active_channels_mask: None,
        };
        let produced = match self
            .inner
            .process_into_buffer(&inp, &mut outp, Some(&indexing))
        {
            Ok((_, produced)) => produced,
            Err(e) => {
                // Buffers are sized from the resampler's own maxima: a bug. Say so and give
                // nothing rather than stop the call.
                log::error!("telephony resampler: {e}");
                0
            }
        };
        let skip = self.to_trim.min(produced);
        self.to_trim -= skip;
        let room = limit
            .saturating_sub(self.given)
            .min((produced - skip) as u64) as usize;
        self.given += room as u64;
        sink(&self.scratch[skip..skip + room]);
    }
}

/// A float sample (-1.0 to 1.0) as PCM16, rounded and clipped.
pub(super) fn to_i16(s: f32) -> i16 {
    crate::audio::resample::to_i16(s)
}
