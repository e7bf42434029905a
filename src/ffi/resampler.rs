//! `gemini_live_resampler`: any rate and channel count to mono PCM16 at a fixed rate,
//! streaming (e.g. a 48 kHz stereo microphone to the 16 kHz mono the Live API takes).

use super::*;
use crate::audio::Resampler;

/// A streaming resampler: interleaved PCM16 (or float) at any rate and channel count in,
/// mono PCM16 at a fixed rate out, state kept across calls (no clicks at chunk borders).
///
/// Not for the audio callback (it may allocate): resample on the thread that sends. One
/// thread at a time.
///
/// Made by `gemini_live_resampler_new`, freed by `gemini_live_resampler_free`.
///
/// Functions: `gemini_live_resampler_new`, `gemini_live_resampler_max_output`,
/// `gemini_live_resampler_process`, `gemini_live_resampler_process_f32`,
/// `gemini_live_resampler_flush`, `gemini_live_resampler_latency_us`,
/// `gemini_live_resampler_free`.
pub struct gemini_live_resampler {
    inner: Resampler,
    scratch: Vec<i16>,
}

/// Creates a resampler from `channels` interleaved channels at `in_rate` Hz to mono at
/// `out_rate` Hz (16000 for the Live API's input; the device's rate for playback). Rates
/// 1..=768000, channels 1..=64, else `GEMINI_LIVE_INVALID_ARGUMENT`. On success `*out`
/// owns it: free it with `gemini_live_resampler_free`. Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_resampler_new(
    in_rate: u32,
    channels: u16,
    out_rate: u32,
    out: *mut *mut gemini_live_resampler,
) -> gemini_live_result {
    boundary(|| {
        let out = out_ptr(out, "out")?;
        let inner = Resampler::new(in_rate, channels, out_rate)?;
        *out = into_raw(gemini_live_resampler {
            inner,
            scratch: Vec::new(),
        });
        Ok(())
    })
}

/// At least how many output samples the next `_process` of `input_samples` interleaved
/// samples can produce (or, with 0, the next `_flush`): the capacity to pass. 0 for NULL.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_resampler_max_output(
    resampler: *const gemini_live_resampler,
    input_samples: usize,
) -> usize {
    boundary_value(0, || match resampler.as_ref() {
        Some(r) => r.inner.max_output(input_samples),
        None => 0,
    })
}

/// The most input (in microseconds) is held back before its output appears.
/// 0 for NULL.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_resampler_latency_us(
    resampler: *const gemini_live_resampler,
) -> u64 {
    boundary_value(0, || match resampler.as_ref() {
        Some(r) => r.inner.latency().as_micros() as u64,
        None => 0,
    })
}

/// The one shape of `_process`, `_process_f32` and `_flush`: checks `out` has room for the
/// output of `input_samples`, lets `step` append to the resampler's scratch buffer (kept
/// across calls, so no allocation once warm), then copies the output to the caller's buffer.
unsafe fn resample_into(
    r: &mut gemini_live_resampler,
    out: *mut i16,
    capacity: usize,
    out_len: *mut usize,
    input_samples: usize,
    step: impl FnOnce(&mut Resampler, &mut Vec<i16>) -> usize,
) -> FfiResult {
    room(r, out, capacity, out_len, input_samples)?;
    let mut buf = std::mem::take(&mut r.scratch);
    step(&mut r.inner, &mut buf);
    let n = buf.len();
    if n > 0 {
        std::ptr::copy_nonoverlapping(buf.as_ptr(), out, n);
    }
    *out_len = n;
    buf.clear();
    r.scratch = buf;
    Ok(())
}

/// Checks the output buffer against the bound for `input_samples`.
unsafe fn room(
    r: &gemini_live_resampler,
    out: *mut i16,
    capacity: usize,
    out_len: *mut usize,
    input_samples: usize,
) -> FfiResult {
    out_ptr(out, "out")?;
    out_ptr(out_len, "out_len")?;
    let need = r.inner.max_output(input_samples);
    room_for(need, capacity)?;
    Ok(())
}

/// Resamples `n` interleaved PCM16 samples (a trailing incomplete frame is kept for the
/// next call) into `out`, which has room for `capacity` samples; `*out_len` is set to the
/// samples written. `capacity` must be at least `gemini_live_resampler_max_output(r, n)`,
/// else `GEMINI_LIVE_BUFFER_TOO_SMALL` and nothing is consumed.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_resampler_process(
    resampler: *mut gemini_live_resampler,
    input: *const i16,
    n: usize,
    out: *mut i16,
    capacity: usize,
    out_len: *mut usize,
) -> gemini_live_result {
    boundary(|| {
        let r = arg_mut(resampler, "resampler")?;
        let input = arg_slice(input, n, "input")?;
        resample_into(r, out, capacity, out_len, n, |inner, buf| {
            inner.process(input, buf)
        })
    })
}

/// Like `gemini_live_resampler_process`, for float samples (-1.0 to 1.0).
#[no_mangle]
pub unsafe extern "C" fn gemini_live_resampler_process_f32(
    resampler: *mut gemini_live_resampler,
    input: *const f32,
    n: usize,
    out: *mut i16,
    capacity: usize,
    out_len: *mut usize,
) -> gemini_live_result {
    boundary(|| {
        let r = arg_mut(resampler, "resampler")?;
        let input = arg_slice(input, n, "input")?;
        resample_into(r, out, capacity, out_len, n, |inner, buf| {
            inner.process_f32(input, buf)
        })
    })
}

/// Ends the stream: writes the rest of the output (the filter tail) to `out` (room for
/// `gemini_live_resampler_max_output(r, 0)` samples) and resets the resampler for a new
/// stream.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_resampler_flush(
    resampler: *mut gemini_live_resampler,
    out: *mut i16,
    capacity: usize,
    out_len: *mut usize,
) -> gemini_live_result {
    boundary(|| {
        let r = arg_mut(resampler, "resampler")?;
        resample_into(r, out, capacity, out_len, 0, |inner, buf| inner.flush(buf))
    })
}

/// Frees a resampler. NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_resampler_free(resampler: *mut gemini_live_resampler) {
    boundary_value((), || free_raw(resampler))
}
