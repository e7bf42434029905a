//! Echo cancellation: `gemini_live_echo_canceller` removes from the microphone the echo
//! of what a `gemini_live_player` played (WebRTC's AEC3, optionally its noise
//! suppressor). Off unless one is created: creating it is the switch.

use super::player::gemini_live_player;
use super::*;
use crate::audio::{EchoCanceller, EchoConfig, NoiseSuppression};
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
/// Threads: one thread at a time, typically the one that reads the microphone and sends to
/// the session. `_set_enabled`, `_set_device_delay_ms` and `_get_stats` are **real-time
/// safe** (no lock, no allocation, no system call, except on a failure, which records an
/// error text); `_process` takes no lock but **allocates** (inside the AEC3 port), so call
/// it outside the capture callback (hand the callback's samples over through a ring). The
/// player's read stays real-time safe with the recording. It may outlive the player (it
/// then hears silence).
///
/// Made by `gemini_live_echo_canceller_new` (or `_new_with`), freed by
/// `gemini_live_echo_canceller_free`.
///
/// Functions: `gemini_live_echo_canceller_new`, `gemini_live_echo_canceller_new_with`,
/// `gemini_live_echo_canceller_process`, `gemini_live_echo_canceller_set_enabled`,
/// `gemini_live_echo_canceller_set_device_delay_ms`, `gemini_live_echo_canceller_get_stats`,
/// `gemini_live_echo_canceller_free`.
pub struct gemini_live_echo_canceller {
    inner: EchoCanceller,
}

/// What an echo canceller measured and did.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct gemini_live_echo_stats {
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
    /// 1 if cancelling, 0 if passing the microphone through.
    pub enabled: u32,
}

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
        let inner = EchoCanceller::new(reader.played_tap(), config)?;
        *out = into_raw(gemini_live_echo_canceller { inner });
        Ok(())
    })
}

/// Removes the echo from `n` mono PCM16 samples at `mic` (at the capture
/// rate) into `out` (room for `n` samples; it may be `mic` itself): the output is the input
/// one 10 ms frame late, without the echo. Not real-time safe (it allocates); no lock.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_echo_canceller_process(
    canceller: *mut gemini_live_echo_canceller,
    mic: *const i16,
    out: *mut i16,
    n: usize,
) -> gemini_live_result {
    boundary(|| {
        let c = arg_mut(canceller, "canceller")?;
        arg_slice(mic, n, "mic")?;
        arg_slice(out.cast_const(), n, "out")?;
        // `out` may be `mic`: copy (a no-op then), then work in place.
        std::ptr::copy(mic, out, n);
        c.inner
            .process_in_place(std::slice::from_raw_parts_mut(out, n));
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
        arg_mut(canceller, "canceller")?
            .inner
            .set_enabled(enabled != 0);
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
        arg_mut(canceller, "canceller")?
            .inner
            .set_device_delay(Duration::from_millis(u64::from(device_delay_ms)))?;
        Ok(())
    })
}

/// **Real-time safe.** Copies the statistics to `*out` (the estimates are updated once a
/// second). The canceller's thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_echo_canceller_get_stats(
    canceller: *const gemini_live_echo_canceller,
    out: *mut gemini_live_echo_stats,
) -> gemini_live_result {
    boundary(|| {
        let s = arg_ref(canceller, "canceller")?.inner.stats();
        let out = out_ptr(out, "out")?;
        *out = gemini_live_echo_stats {
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
            enabled: u32::from(s.enabled),
        };
        Ok(())
    })
}

/// Frees an echo canceller. NULL does nothing. (The player keeps recording into the
/// canceller's reference until it is freed too; that costs a copy per read, nothing more.)
#[no_mangle]
pub unsafe extern "C" fn gemini_live_echo_canceller_free(
    canceller: *mut gemini_live_echo_canceller,
) {
    boundary_value((), || free_raw(canceller))
}
