//! Telephony: G.711 µ-law / A-law encode and decode, `gemini_live_phone_in`
//! (8 kHz G.711 from the caller to the 16 kHz PCM16 the Live API takes) and
//! `gemini_live_phone_out` (the model's 24 kHz PCM16, band-limited, to 8 kHz G.711 in 20 ms
//! frames, cleared on barge-in).
//!
//! None of these functions allocates, locks or makes a system call once the object exists
//! (only a failure records its error text): they are **real-time safe**, for a media thread.

use super::*;
use crate::audio::telephony::{PhoneIn, PhoneOut, PhoneOutAction, PhoneOutConfig, G711};
use crate::ffi::event::gemini_live_event;
use std::time::Duration;

/// G.711 µ-law (PCMU: Twilio media streams, North America, Japan).
pub const GEMINI_LIVE_G711_ULAW: u32 = 1;
/// G.711 A-law (PCMA: Europe and most of the world).
pub const GEMINI_LIVE_G711_ALAW: u32 = 2;

/// Samples (and G.711 bytes) in one 20 ms frame at 8 kHz (`FRAME_SAMPLES` in Rust; a test
/// checks they agree).
pub const GEMINI_LIVE_PHONE_FRAME: u32 = 160;

/// `gemini_live_phone_out_push_event`: the event was not for the phone line.
pub const GEMINI_LIVE_PHONE_OUT_IGNORED: u32 = 0;
/// `gemini_live_phone_out_push_event`: reply audio was queued (`*count` codes).
pub const GEMINI_LIVE_PHONE_OUT_QUEUED: u32 = 1;
/// `gemini_live_phone_out_push_event`: barge-in; the queue was cleared (`*count` codes
/// dropped). Tell the line to drop what it holds too (Twilio: the `clear` message).
pub const GEMINI_LIVE_PHONE_OUT_CLEARED: u32 = 2;
/// `gemini_live_phone_out_push_event`: the reply ended; the last frame was padded with
/// silence.
pub const GEMINI_LIVE_PHONE_OUT_FINISHED: u32 = 3;

fn law(code: u32) -> Result<G711, Fail> {
    match code {
        GEMINI_LIVE_G711_ULAW => Ok(G711::MuLaw),
        GEMINI_LIVE_G711_ALAW => Ok(G711::ALaw),
        other => Err(Fail::invalid(format!(
            "G.711 law {other}: expected GEMINI_LIVE_G711_ULAW or GEMINI_LIVE_G711_ALAW"
        ))),
    }
}

/// **Real-time safe.** Encodes `n` PCM16 samples at `pcm` into `n` G.711 codes at `out`.
/// `law` is `GEMINI_LIVE_G711_ULAW` or `GEMINI_LIVE_G711_ALAW`. Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_g711_encode(
    law_code: u32,
    pcm: *const i16,
    n: usize,
    out: *mut u8,
) -> gemini_live_result {
    boundary(|| {
        let law = law(law_code)?;
        let pcm = arg_slice(pcm, n, "pcm")?;
        law.encode_into(pcm, arg_slice_mut(out, n, "out")?);
        Ok(())
    })
}

/// **Real-time safe.** Decodes `n` G.711 codes at `codes` into `n` PCM16 samples at `out`.
/// Every one of the 256 codes comes back unchanged through `gemini_live_g711_encode`.
/// Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_g711_decode(
    law_code: u32,
    codes: *const u8,
    n: usize,
    out: *mut i16,
) -> gemini_live_result {
    boundary(|| {
        let law = law(law_code)?;
        let codes = arg_slice(codes, n, "codes")?;
        law.decode_into(codes, arg_slice_mut(out, n, "out")?);
        Ok(())
    })
}

/// The caller's side of a phone call: 8 kHz G.711 in, 16 kHz PCM16 out (for
/// `gemini_live_session_send_audio`). Streaming: the filter state is kept across calls, and
/// input short of a 20 ms chunk waits for the next call. Each 20 ms frame (160 codes) gives
/// 320 samples (the first fewer: the filter's 8 ms delay is trimmed).
///
/// **Real-time safe** after `_new` (no allocation, lock or system call). One thread at a
/// time.
///
/// At the end of a call, `_finish` gives the input still held (short of a 20 ms frame) and
/// the filter's tail, so the whole call reaches the session (two samples per code).
///
/// Made by `gemini_live_phone_in_new`, freed by `gemini_live_phone_in_free`.
///
/// Functions: `gemini_live_phone_in_new`, `gemini_live_phone_in_max_output`,
/// `gemini_live_phone_in_process`, `gemini_live_phone_in_finish_max_output`,
/// `gemini_live_phone_in_finish`, `gemini_live_phone_in_reset`, `gemini_live_phone_in_free`.
pub struct gemini_live_phone_in {
    inner: PhoneIn,
}

/// Creates a converter from `law` (`GEMINI_LIVE_G711_ULAW` / `_ALAW`) at 8 kHz to 16 kHz
/// PCM16. On success `*out` owns it: free it with `gemini_live_phone_in_free`. Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_phone_in_new(
    law_code: u32,
    out: *mut *mut gemini_live_phone_in,
) -> gemini_live_result {
    boundary(|| {
        let out = out_ptr(out, "out")?;
        let inner = PhoneIn::new(law(law_code)?)?;
        *out = into_raw(gemini_live_phone_in { inner });
        Ok(())
    })
}

/// At least how many samples the next `_process` of `n` codes can write: the capacity to
/// pass (320 per complete 20 ms chunk, with the input held from earlier calls). 0 for NULL.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_phone_in_max_output(
    phone_in: *const gemini_live_phone_in,
    n: usize,
) -> usize {
    boundary_value(0, || match phone_in.as_ref() {
        Some(p) => p.inner.max_output(n),
        None => 0,
    })
}

/// **Real-time safe.** Decodes and resamples `n` G.711 codes into `out` (room for
/// `capacity` samples); `*out_len` is set to the 16 kHz samples written. `capacity` must be
/// at least `gemini_live_phone_in_max_output(p, n)`, else `GEMINI_LIVE_BUFFER_TOO_SMALL` and
/// nothing is consumed.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_phone_in_process(
    phone_in: *mut gemini_live_phone_in,
    codes: *const u8,
    n: usize,
    out: *mut i16,
    capacity: usize,
    out_len: *mut usize,
) -> gemini_live_result {
    boundary(|| {
        let p = arg_mut(phone_in, "phone_in")?;
        let codes = arg_slice(codes, n, "codes")?;
        let out_len = out_ptr(out_len, "out_len")?;
        let need = p.inner.max_output(n);
        room_for(need, capacity)?;
        let out = arg_slice_mut(out, capacity, "out")?;
        *out_len = p.inner.process(codes, out)?;
        Ok(())
    })
}

/// How many samples `gemini_live_phone_in_finish` can write: the capacity to pass (about
/// 450: a 20 ms frame's worth and the filter's delay). 0 for NULL. **Real-time safe.**
#[no_mangle]
pub unsafe extern "C" fn gemini_live_phone_in_finish_max_output(
    phone_in: *const gemini_live_phone_in,
) -> usize {
    boundary_value(0, || match phone_in.as_ref() {
        Some(p) => p.inner.finish_output_max(),
        None => 0,
    })
}

/// **Real-time safe.** The call has ended: resamples the input still held (short of a
/// 20 ms frame) and the filter's tail into `out` (room for `capacity` samples); `*out_len`
/// is set to the 16 kHz samples written (send them, then end the audio stream). With them
/// the call gave exactly two samples per code. Afterwards the converter is ready for a new
/// call, as after `_reset`. `capacity` must be at least
/// `gemini_live_phone_in_finish_max_output(p)`, else `GEMINI_LIVE_BUFFER_TOO_SMALL` and
/// nothing is done.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_phone_in_finish(
    phone_in: *mut gemini_live_phone_in,
    out: *mut i16,
    capacity: usize,
    out_len: *mut usize,
) -> gemini_live_result {
    boundary(|| {
        let p = arg_mut(phone_in, "phone_in")?;
        let out_len = out_ptr(out_len, "out_len")?;
        let need = p.inner.finish_output_max();
        room_for(need, capacity)?;
        let out = arg_slice_mut(out, capacity, "out")?;
        *out_len = p.inner.finish(out)?;
        Ok(())
    })
}

/// Forgets held input and the filter's state (a new call). NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_phone_in_reset(phone_in: *mut gemini_live_phone_in) {
    boundary_value((), || {
        if let Some(p) = phone_in.as_mut() {
            p.inner.reset();
        }
    })
}

/// Frees a converter. NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_phone_in_free(phone_in: *mut gemini_live_phone_in) {
    boundary_value((), || free_raw(phone_in))
}

/// The model's side of a phone call: 24 kHz PCM16 in, low-pass filtered (a 5 kHz tone is
/// more than 40 dB down), resampled to 8 kHz, G.711-encoded, queued and taken out in whole
/// frames (see `gemini_live_phone_out_new`). On barge-in, `_clear` (or `_push_event` with the
/// interrupted event) drops the queue; then tell the line to drop its own (Twilio: `clear`).
///
/// **Real-time safe** after `_new` (no allocation, lock or system call). One thread at a
/// time.
///
/// Made by `gemini_live_phone_out_new`, freed by `gemini_live_phone_out_free`.
///
/// Functions: `gemini_live_phone_out_new`, `gemini_live_phone_out_push`,
/// `gemini_live_phone_out_push_event`, `gemini_live_phone_out_finish`,
/// `gemini_live_phone_out_pop_frame`, `gemini_live_phone_out_clear`,
/// `gemini_live_phone_out_get_stats`, `gemini_live_phone_out_free`.
pub struct gemini_live_phone_out {
    inner: PhoneOut,
}

/// A `gemini_live_phone_out`'s counters, in 8 kHz codes.
///
/// ABI growth: set `size = sizeof(gemini_live_phone_out_stats)` before the call. The library fills
/// at most `size` bytes (fields it does not know of stay as they were; new fields are only ever
/// appended) and sets `size` to the number of bytes it filled.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct gemini_live_phone_out_stats {
    /// In: `sizeof(gemini_live_phone_out_stats)`. Out: the bytes filled.
    pub size: u32,
    /// Reserved (0): keeps the struct free of padding, so every byte the library fills is
    /// defined.
    pub reserved: u32,
    /// Codes queued now.
    pub buffered: u64,
    /// Codes taken out in frames.
    pub sent: u64,
    /// Codes dropped by clears (barge-in).
    pub cleared: u64,
    /// Codes dropped because the queue was full.
    pub overflowed: u64,
    /// Frames taken out.
    pub frames: u64,
}

growable!(gemini_live_phone_out_stats);

/// Creates a converter to `law` (`GEMINI_LIVE_G711_ULAW` / `_ALAW`) taken out in frames of
/// `frame` codes (0 for the default 160, 20 ms; at most 8000), queueing at most
/// `max_buffer_ms` of audio (0 for the default 60000; past it new audio is dropped and
/// counted). Allocates the whole queue now. On success `*out` owns it: free it with
/// `gemini_live_phone_out_free`. Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_phone_out_new(
    law_code: u32,
    frame: usize,
    max_buffer_ms: u32,
    out: *mut *mut gemini_live_phone_out,
) -> gemini_live_result {
    boundary(|| {
        let out = out_ptr(out, "out")?;
        let d = PhoneOutConfig::default();
        let config = PhoneOutConfig {
            law: law(law_code)?,
            frame: if frame == 0 { d.frame } else { frame },
            max_buffer: if max_buffer_ms == 0 {
                d.max_buffer
            } else {
                Duration::from_millis(u64::from(max_buffer_ms))
            },
        };
        let inner = PhoneOut::new(config)?;
        *out = into_raw(gemini_live_phone_out { inner });
        Ok(())
    })
}

/// **Real-time safe.** Queues `n` samples of the model's 24 kHz mono PCM16; `*queued` (if
/// not NULL) receives the 8 kHz codes queued.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_phone_out_push(
    phone_out: *mut gemini_live_phone_out,
    pcm: *const i16,
    n: usize,
    queued: *mut usize,
) -> gemini_live_result {
    boundary(|| {
        let p = arg_mut(phone_out, "phone_out")?;
        let pcm = arg_slice(pcm, n, "pcm")?;
        let q = p.inner.push(pcm);
        if let Some(out) = queued.as_mut() {
            *out = q;
        }
        Ok(())
    })
}

/// Feeds a session event: audio is queued (`*action` = `GEMINI_LIVE_PHONE_OUT_QUEUED`,
/// `*count` codes), `GEMINI_LIVE_EVENT_INTERRUPTED` and `_REPLY_DISCARDED` clear the queue
/// (`_CLEARED`, `*count` codes dropped: tell the line to drop its audio too),
/// `GEMINI_LIVE_EVENT_TURN_COMPLETE` finishes the reply (`_FINISHED`); other events are
/// ignored (`_IGNORED`). `action` and `count` may be NULL. The event stays the caller's.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_phone_out_push_event(
    phone_out: *mut gemini_live_phone_out,
    event: *const gemini_live_event,
    action: *mut u32,
    count: *mut usize,
) -> gemini_live_result {
    boundary(|| {
        let p = arg_mut(phone_out, "phone_out")?;
        let ev = arg_ref(event, "event")?;
        let (a, n) = match p.inner.handle_event(&ev.event) {
            PhoneOutAction::Ignored => (GEMINI_LIVE_PHONE_OUT_IGNORED, 0),
            PhoneOutAction::Queued(n) => (GEMINI_LIVE_PHONE_OUT_QUEUED, n),
            PhoneOutAction::Cleared(n) => (GEMINI_LIVE_PHONE_OUT_CLEARED, n),
            PhoneOutAction::Finished => (GEMINI_LIVE_PHONE_OUT_FINISHED, 0),
        };
        if let Some(o) = action.as_mut() {
            *o = a;
        }
        if let Some(o) = count.as_mut() {
            *o = n;
        }
        Ok(())
    })
}

/// **Real-time safe.** The reply has ended: the filter's tail is pushed through and the last
/// partial frame padded with silence, so all of it can be taken out.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_phone_out_finish(
    phone_out: *mut gemini_live_phone_out,
) -> gemini_live_result {
    boundary(|| {
        arg_mut(phone_out, "phone_out")?.inner.finish();
        Ok(())
    })
}

/// **Real-time safe.** Takes the next whole frame into `frame` (room for `capacity` codes,
/// at least the frame size): `*got` is set to the frame size, or to 0 (and `frame` left
/// alone) when less than a frame is queued. `GEMINI_LIVE_BUFFER_TOO_SMALL` if `capacity` is
/// under the frame size.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_phone_out_pop_frame(
    phone_out: *mut gemini_live_phone_out,
    frame: *mut u8,
    capacity: usize,
    got: *mut usize,
) -> gemini_live_result {
    boundary(|| {
        let p = arg_mut(phone_out, "phone_out")?;
        let got = out_ptr(got, "got")?;
        let size = p.inner.config().frame;
        if capacity < size {
            return Err(Fail::new(
                GEMINI_LIVE_BUFFER_TOO_SMALL,
                format!("a frame is {size} codes, the buffer has {capacity}"),
            ));
        }
        let out = arg_slice_mut(frame, capacity, "frame")?;
        *got = if p.inner.pop_frame(out) { size } else { 0 };
        Ok(())
    })
}

/// **Real-time safe.** Barge-in: drops everything queued and the filter's state; `*dropped`
/// (if not NULL) receives the codes dropped. Then tell the line to drop its audio too
/// (Twilio: `{"event":"clear","streamSid":...}`).
#[no_mangle]
pub unsafe extern "C" fn gemini_live_phone_out_clear(
    phone_out: *mut gemini_live_phone_out,
    dropped: *mut usize,
) -> gemini_live_result {
    boundary(|| {
        let n = arg_mut(phone_out, "phone_out")?.inner.clear();
        if let Some(o) = dropped.as_mut() {
            *o = n;
        }
        Ok(())
    })
}

/// Copies the counters to `*out` (set `out->size = sizeof(gemini_live_phone_out_stats)`
/// first).
#[no_mangle]
pub unsafe extern "C" fn gemini_live_phone_out_get_stats(
    phone_out: *const gemini_live_phone_out,
    out: *mut gemini_live_phone_out_stats,
) -> gemini_live_result {
    boundary(|| {
        let p = arg_ref(phone_out, "phone_out")?;
        let out = sized_out(out, "out")?;
        let s = p.inner.stats();
        out.write(&gemini_live_phone_out_stats {
            size: std::mem::size_of::<gemini_live_phone_out_stats>() as u32,
            reserved: 0,
            buffered: s.buffered,
            sent: s.sent,
            cleared: s.cleared,
            overflowed: s.overflowed,
            frames: s.frames,
        });
        Ok(())
    })
}

/// Frees a converter. NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_phone_out_free(phone_out: *mut gemini_live_phone_out) {
    boundary_value((), || free_raw(phone_out))
}
