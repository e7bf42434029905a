//! Echo cancellation: `gemini_live_echo_canceller` removes from the microphone the echo
//! of what a `gemini_live_player` played (WebRTC's AEC3, optionally its noise
//! suppressor). Off unless one is created: creating it is the switch.

use super::player::gemini_live_player;
use super::*;
use crate::audio::{EchoCanceller, EchoConfig, EchoMicInput, NoiseSuppression};
use std::cell::UnsafeCell;
use std::time::Duration;

/// Noise suppression off (the default).
pub const GEMINI_LIVE_NOISE_SUPPRESSION_OFF: u32 = 0;
/// Noise suppression, low (about 6 dB).
pub const GEMINI_LIVE_NOISE_SUPPRESSION_LOW: u32 = 1;
/// Noise suppression, moderate (about 12 dB).
pub const GEMINI_LIVE_NOISE_SUPPRESSION_MODERATE: u32 = 2;
/// Noise suppression, high (about 18 dB).
pub const GEMINI_LIVE_NOISE_SUPPRESSION_HIGH: u32 = 3;
/// Noise suppression, very high (about 21 dB).
pub const GEMINI_LIVE_NOISE_SUPPRESSION_VERY_HIGH: u32 = 4;

/// An echo canceller for a speakerphone: the microphone's audio in, the same audio without
/// the echo of what a `gemini_live_player` played out. Its reference is what the player's
/// read function actually gave the device (silence and barge-in flushes included, on the
/// device's clock), recorded by the read itself: there is nothing to feed on the playback
/// side, and the player's read stays real-time safe.
///
/// Threads and real-time safety: AEC3 allocates for every 10 ms frame, so it runs off the
/// audio callbacks. Two ways to feed it:
/// - the capture callback pushes the microphone with `_push` (**real-time safe**: a copy
///   into a lock-free ring of 1 s; no lock, no allocation, no system call), and the thread
///   that sends to the session takes the cleaned audio with `_pull` (not real-time safe);
/// - or the app hands its samples to that thread by its own means and calls `_process`
///   (not real-time safe).
///
/// `_push` runs on the capture callback's thread (one thread at a time) and may run while
/// another thread calls the other functions; those run on one thread at a time (the sending
/// thread). `_set_enabled`, `_set_device_delay_ms` and `_get_stats` are also **real-time
/// safe**. Every real-time-safe function records an error text on a failure, and that
/// allocates. `_pull` and `_process` take no lock. The player's read stays real-time safe
/// with the recording. The canceller may outlive the player (it then hears silence).
///
/// Made by `gemini_live_echo_canceller_new` (or `_new_with`), freed by
/// `gemini_live_echo_canceller_free`.
///
/// Functions: `gemini_live_echo_canceller_new`, `gemini_live_echo_canceller_new_with`,
/// `gemini_live_echo_canceller_push`, `gemini_live_echo_canceller_pull`,
/// `gemini_live_echo_canceller_process`, `gemini_live_echo_canceller_set_enabled`,
/// `gemini_live_echo_canceller_set_device_delay_ms`, `gemini_live_echo_canceller_get_stats`,
/// `gemini_live_echo_canceller_free`.
pub struct gemini_live_echo_canceller {
    /// The sending thread's side.
    inner: UnsafeCell<EchoCanceller>,
    /// The capture callback's side (`_push`), apart so both threads can run at once.
    mic: UnsafeCell<EchoMicInput>,
}

/// What an echo canceller measured and did.
///
/// ABI growth: set `size = sizeof(gemini_live_echo_stats)` before the call. The library fills at
/// most `size` bytes (fields it does not know of stay as they were; new fields are only ever
/// appended) and sets `size` to the number of bytes it filled.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct gemini_live_echo_stats {
    /// In: `sizeof(gemini_live_echo_stats)`. Out: the bytes filled.
    pub size: u32,
    /// 1 if cancelling, 0 if passing the microphone through.
    pub enabled: u32,
    /// Echo return loss enhancement (dB), as the canceller estimates it; NAN until known.
    pub erle_db: f64,
    /// Echo return loss (dB): how much quieter the echo is than what was played; NAN until
    /// known.
    pub erl_db: f64,
    /// The echo path's delay the canceller's estimator found (ms); -1 until found.
    pub delay_estimate_ms: i32,
    /// The configured device delay (ms).
    pub device_delay_ms: u32,
    /// Microphone frames (10 ms) processed.
    pub capture_frames: u64,
    /// Reference frames (10 ms) of played audio given to the canceller.
    pub reference_frames: u64,
    /// Microphone frames processed before their reference had been played.
    pub reference_late: u64,
    /// Times the reference was skipped to re-align with the microphone.
    pub realigned: u64,
    /// Microphone samples `_push` dropped because its ring was full (nobody pulled for 1 s);
    /// updated by `_pull`.
    pub mic_dropped: u64,
}

growable!(gemini_live_echo_stats);

/// Turns echo cancellation on for what `player` plays, for microphone audio at
/// `capture_rate` Hz (mono PCM16; 16000 recommended: resample the microphone first), with the
/// defaults: device delay 0 (the delay estimator finds it), no noise suppression. Call it
/// before the player's read starts being called (it adds the played-signal recording to the
/// read path), once per player. The player must have a device rate that is a multiple of 100
/// Hz (8000 to 384000), and so must `capture_rate`, else `GEMINI_LIVE_INVALID_ARGUMENT`.
/// On success `*out` owns it: free it with `gemini_live_echo_canceller_free`.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_echo_canceller_new(
    player: *mut gemini_live_player,
    capture_rate: u32,
    out: *mut *mut gemini_live_echo_canceller,
) -> gemini_live_result {
    gemini_live_echo_canceller_new_with(
        player,
        capture_rate,
        0,
        GEMINI_LIVE_NOISE_SUPPRESSION_OFF,
        out,
    )
}

/// Like `gemini_live_echo_canceller_new`, with the device's output plus input latency as far
/// as it is known, `device_delay_ms` (0 to 500; where the delay estimator starts), and a
/// noise suppression level, `noise_suppression` (`GEMINI_LIVE_NOISE_SUPPRESSION_*`).
#[no_mangle]
pub unsafe extern "C" fn gemini_live_echo_canceller_new_with(
    player: *mut gemini_live_player,
    capture_rate: u32,
    device_delay_ms: u32,
    noise_suppression: u32,
    out: *mut *mut gemini_live_echo_canceller,
) -> gemini_live_result {
    boundary(|| {
        let out = out_ptr(out, "out")?;
        let player = arg_ref(player, "player")?;
        let noise_suppression =
            NoiseSuppression::from_level(noise_suppression).ok_or_else(|| {
                Fail::invalid(format!(
                    "noise suppression level {noise_suppression} (0 to 4)"
                ))
            })?;
        let config = EchoConfig {
            capture_rate,
            device_delay: Duration::from_millis(u64::from(device_delay_ms)),
            noise_suppression,
        };
        let reader = &mut *player.reader.get();
        EchoCanceller::check(&config, reader.stats().device_rate)?;
        let mut inner = EchoCanceller::new(reader.played_tap(), config)?;
        let mic = inner.mic_input()?;
        *out = into_raw(gemini_live_echo_canceller {
            inner: UnsafeCell::new(inner),
            mic: UnsafeCell::new(mic),
        });
        Ok(())
    })
}

/// **Real-time safe.** For the capture callback: queues `n` mono PCM16 samples at `mic`
/// (at the capture rate) for the canceller, in a lock-free ring of 1 s; `*accepted` (may be
/// NULL) is set to how many fit (the rest are dropped and counted in the stats'
/// `mic_dropped`). Take the cleaned audio with `gemini_live_echo_canceller_pull` on another
/// thread. The capture callback's thread, one at a time.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_echo_canceller_push(
    canceller: *mut gemini_live_echo_canceller,
    mic: *const i16,
    n: usize,
    accepted: *mut usize,
) -> gemini_live_result {
    boundary(|| {
        let c = arg_ref(canceller, "canceller")?;
        let mic = arg_slice(mic, n, "mic")?;
        let fit = (*c.mic.get()).push(mic);
        if let Some(a) = accepted.as_mut() {
            *a = fit;
        }
        Ok(())
    })
}

/// Cancels the echo in what `_push` queued, up to `capacity` samples, into `out`; `*out_len`
/// is set to how many (0 when nothing is queued). As with `_process`, the output is the
/// input one 10 ms frame late. Not real-time safe (it allocates); no lock. The sending
/// thread; call it at least every few hundred ms (the ring holds 1 s).
#[no_mangle]
pub unsafe extern "C" fn gemini_live_echo_canceller_pull(
    canceller: *mut gemini_live_echo_canceller,
    out: *mut i16,
    capacity: usize,
    out_len: *mut usize,
) -> gemini_live_result {
    boundary(|| {
        let c = &mut *arg_ref(canceller, "canceller")?.inner.get();
        let out = arg_slice_mut(out, capacity, "out")?;
        let out_len = out_ptr(out_len, "out_len")?;
        *out_len = c.pull(out);
        Ok(())
    })
}

/// Removes the echo from `n` mono PCM16 samples at `mic` (at the capture
/// rate) into `out` (room for `n` samples; it may be `mic` itself): the output is the input
/// one 10 ms frame late, without the echo. Not real-time safe (it allocates); no lock. The
/// sending thread; for samples the app handed over itself (else use `_push` and `_pull`).
#[no_mangle]
pub unsafe extern "C" fn gemini_live_echo_canceller_process(
    canceller: *mut gemini_live_echo_canceller,
    mic: *const i16,
    out: *mut i16,
    n: usize,
) -> gemini_live_result {
    boundary(|| {
        let c = &mut *arg_ref(canceller, "canceller")?.inner.get();
        arg_slice(mic, n, "mic")?;
        arg_slice(out.cast_const(), n, "out")?;
        // `out` may be `mic`: copy (a no-op then), then work in place.
        std::ptr::copy(mic, out, n);
        c.process_in_place(std::slice::from_raw_parts_mut(out, n));
        Ok(())
    })
}

/// **Real-time safe.** `enabled` 0 passes the microphone through (still one frame late)
/// while the canceller keeps following the playback; non-zero cancels again (the default).
#[no_mangle]
pub unsafe extern "C" fn gemini_live_echo_canceller_set_enabled(
    canceller: *mut gemini_live_echo_canceller,
    enabled: u32,
) -> gemini_live_result {
    boundary(|| {
        (*arg_ref(canceller, "canceller")?.inner.get()).set_enabled(enabled != 0);
        Ok(())
    })
}

/// **Real-time safe.** Sets the device delay hint (0 to 500 ms, else
/// `GEMINI_LIVE_INVALID_ARGUMENT`); see `gemini_live_echo_canceller_new_with`.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_echo_canceller_set_device_delay_ms(
    canceller: *mut gemini_live_echo_canceller,
    device_delay_ms: u32,
) -> gemini_live_result {
    boundary(|| {
        (*arg_ref(canceller, "canceller")?.inner.get())
            .set_device_delay(Duration::from_millis(u64::from(device_delay_ms)))?;
        Ok(())
    })
}

/// **Real-time safe.** Copies the statistics to `*out` (set `out->size =
/// sizeof(gemini_live_echo_stats)` first; the estimates are updated once a second). The canceller's thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_echo_canceller_get_stats(
    canceller: *const gemini_live_echo_canceller,
    out: *mut gemini_live_echo_stats,
) -> gemini_live_result {
    boundary(|| {
        let canceller = arg_ref(canceller, "canceller")?;
        let out = sized_out(out, "out")?;
        let s = (*canceller.inner.get()).stats();
        out.write(&gemini_live_echo_stats {
            size: std::mem::size_of::<gemini_live_echo_stats>() as u32,
            enabled: u32::from(s.enabled),
            erle_db: s.erle_db.unwrap_or(f64::NAN),
            erl_db: s.erl_db.unwrap_or(f64::NAN),
            delay_estimate_ms: s
                .delay_estimate
                .map_or(-1, |d| i32::try_from(d.as_millis()).unwrap_or(i32::MAX)),
            device_delay_ms: u32::try_from(s.device_delay.as_millis()).unwrap_or(u32::MAX),
            capture_frames: s.capture_frames,
            reference_frames: s.reference_frames,
            reference_late: s.reference_late,
            realigned: s.realigned,
            mic_dropped: s.mic_dropped,
        });
        Ok(())
    })
}

/// Frees an echo canceller. NULL does nothing. Stop the capture callback that calls `_push`
/// first (as the player's output callback before `gemini_live_player_free`). (The player
/// keeps recording into the canceller's reference until it is freed too; that costs a copy
/// per read, nothing more.)
#[no_mangle]
pub unsafe extern "C" fn gemini_live_echo_canceller_free(
    canceller: *mut gemini_live_echo_canceller,
) {
    boundary_value((), || free_raw(canceller))
}
