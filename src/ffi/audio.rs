//! The audio helpers for C: `gemini_live_resampler` (any rate and channel count to 16 kHz
//! mono PCM16, streaming), `gemini_live_player` (a playout buffer whose read function is
//! real-time safe, for CoreAudio / ALSA / PortAudio callbacks), the transcript cut at the
//! heard position, and the wire recorder's config setter.

use super::*;
use crate::audio::{
    cut_at_fraction, Player, PlayerConfig, PlayerMonitor, PlayerReader, PlayerWriter, Resampler,
    TurnPlayback,
};
use crate::ffi::config::gemini_live_config;
use crate::ffi::event::gemini_live_event;
use crate::record::{AudioRecording, Recorder};
use std::cell::UnsafeCell;
use std::time::Duration;

/// `gemini_live_config_set_record`: keep audio and video payloads as sent.
pub const GEMINI_LIVE_RECORD_AUDIO_KEEP: u32 = 0;
/// `gemini_live_config_set_record`: keep only their length and checksum.
pub const GEMINI_LIVE_RECORD_AUDIO_SUMMARY: u32 = 1;

/// Records every data frame of the sessions made from `config`, both ways, as JSON Lines in
/// the file `path` (created or truncated now; the format is in the README and
/// `gemini_live::record`). `audio` is `GEMINI_LIVE_RECORD_AUDIO_KEEP` (default) or
/// `GEMINI_LIVE_RECORD_AUDIO_SUMMARY`. A NULL `path` turns recording off. Secrets are never
/// written. `GEMINI_LIVE_IO` if the file cannot be created. Defaults to no recording.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_record(
    config: *mut gemini_live_config,
    path: *const c_char,
    audio: u32,
) -> gemini_live_result {
    boundary(|| {
        let config = arg_mut(config, "config")?;
        if path.is_null() {
            config.inner.recorder = None;
            return Ok(());
        }
        let path = arg_str(path, "path")?;
        let audio = match audio {
            GEMINI_LIVE_RECORD_AUDIO_KEEP => AudioRecording::Keep,
            GEMINI_LIVE_RECORD_AUDIO_SUMMARY => AudioRecording::Summary,
            other => return Err(Fail::invalid(format!("record audio mode {other}"))),
        };
        config.inner.recorder = Some(Recorder::create(path, audio)?);
        Ok(())
    })
}

/// A streaming resampler: interleaved PCM16 (or float) at any rate and channel count in,
/// mono PCM16 at a fixed rate out, state kept across calls (no clicks at chunk borders).
///
/// Not for the audio callback (it may allocate): resample on the thread that sends. One
/// thread at a time.
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
    if capacity < need {
        return Err(Fail::new(
            GEMINI_LIVE_BUFFER_TOO_SMALL,
            format!("the output needs room for {need} samples, the buffer has {capacity}"),
        ));
    }
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

/// A playout buffer for the model's 24 kHz audio, read by the sound card's callback.
///
/// Threads: the *session side* (one thread at a time) calls `_push`, `_push_event` and
/// `_end_turn`; the *audio callback* (one thread at a time) calls `_read` / `_read_f32`,
/// which are **real-time safe**: no lock, no allocation, no system call, bounded time (the
/// only exception is a NULL argument, which records an error text). `_flush`, `_get_stats`,
/// `_current` and `_last` may be called from any thread. Free it only after both sides
/// have stopped.
///
/// Functions: `gemini_live_player_new`, `gemini_live_player_new_with`,
/// `gemini_live_player_push`, `gemini_live_player_push_event`, `gemini_live_player_end_turn`,
/// `gemini_live_player_flush`, `gemini_live_player_read`, `gemini_live_player_read_f32`,
/// `gemini_live_player_get_stats`, `gemini_live_player_current`, `gemini_live_player_last`,
/// `gemini_live_player_free`.
pub struct gemini_live_player {
    writer: UnsafeCell<PlayerWriter>,
    /// Also reached by `gemini_live_echo_canceller_new` (src/ffi/echo.rs) to add the tap.
    pub(super) reader: UnsafeCell<PlayerReader>,
    monitor: PlayerMonitor,
}

/// A player's counters since it was created; samples are device samples per channel.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct gemini_live_player_stats {
    /// The device rate (Hz), to turn samples into time.
    pub device_rate: u32,
    /// Samples waiting to be read now.
    pub buffered: u64,
    /// Samples of audio the reads delivered (silence not counted).
    pub played: u64,
    /// Times playback ran dry in the middle of a turn.
    pub underruns: u64,
    /// Samples of silence delivered because of those underruns.
    pub underrun_samples: u64,
    /// Samples dropped because more than the maximum latency was buffered (oldest first).
    pub dropped: u64,
    /// Samples dropped because the ring was full (the callback stopped reading).
    pub overflowed: u64,
    /// Samples discarded by flushes.
    pub flushed: u64,
    /// Flushes done.
    pub flushes: u64,
    /// Read calls.
    pub reads: u64,
    /// The current (or latest) turn's number, from 1; 0 before any audio.
    pub turn: u64,
    /// Samples the latest turn waited, with audio buffered, before it started playing (the
    /// adaptive start's wait for a reply arriving slower than real time, or for a session's
    /// first reply to show its rate with its second chunk).
    pub start_delay: u64,
    /// How fast the latest reply arrived, in thousandths of real time (700: 0.7x, slower
    /// than it plays); 0 until measured.
    pub arrival_rate_milli: u64,
    /// Times playback paused at a word gap because the reply came too slowly to go on
    /// without running dry (the adaptive start).
    pub pauses: u64,
    /// Samples of silence those pauses gave. A turn's added silence in all is its
    /// `start_delay` plus its pauses plus its `underrun_samples`.
    pub paused: u64,
}

/// How much of one reply was received and heard, in the model's samples (24 kHz).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default)]
pub struct gemini_live_turn_playback {
    /// The turn's number (from 1; 0: none yet).
    pub turn: u64,
    /// Samples of the model's audio received for the turn.
    pub received: u64,
    /// Of those, how many the device had taken.
    pub heard: u64,
    /// The rate of those samples (24000).
    pub source_rate: u32,
    /// 1 if a flush cut the turn short, else 0.
    pub interrupted: u32,
    /// `heard / received` (1.0 for a turn without audio): pass it to
    /// `gemini_live_transcript_heard_len` to cut the reply's transcript.
    pub heard_fraction: f64,
}

fn playback(p: TurnPlayback) -> gemini_live_turn_playback {
    gemini_live_turn_playback {
        turn: p.turn,
        received: p.received,
        heard: p.heard,
        source_rate: p.source_rate,
        interrupted: p.interrupted as u32,
        heard_fraction: p.heard_fraction(),
    }
}

/// Writes `p` to `out` unless `out` is NULL.
unsafe fn put_playback(out: *mut gemini_live_turn_playback, p: TurnPlayback) {
    if let Some(o) = out.as_mut() {
        *o = playback(p);
    }
}

/// Creates a player for a device at `device_rate` Hz with `channels` interleaved channels
/// (the mono reply is copied to each), with the defaults: start threshold 80 ms, maximum
/// latency 30 s, adaptive start on (see `gemini_live_player_new_paced`). Allocates the whole ring now. On success `*out` owns it: free it with
/// `gemini_live_player_free`. Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_player_new(
    device_rate: u32,
    channels: u16,
    out: *mut *mut gemini_live_player,
) -> gemini_live_result {
    let d = PlayerConfig::default();
    gemini_live_player_new_with(
        device_rate,
        channels,
        d.start_threshold.as_millis() as u32,
        d.max_latency.as_millis() as u32,
        out,
    )
}

/// Like `gemini_live_player_new`, choosing the audio buffered before playback starts (and
/// restarts after an underrun), `start_threshold_ms` (default 80), and the most audio held
/// before the oldest is dropped, `max_latency_ms` (default 30000: the service can send a
/// reply faster than real time).
#[no_mangle]
pub unsafe extern "C" fn gemini_live_player_new_with(
    device_rate: u32,
    channels: u16,
    start_threshold_ms: u32,
    max_latency_ms: u32,
    out: *mut *mut gemini_live_player,
) -> gemini_live_result {
    boundary(|| {
        let config = PlayerConfig {
            start_threshold: Duration::from_millis(start_threshold_ms as u64),
            max_latency: Duration::from_millis(max_latency_ms as u64),
            ..PlayerConfig::for_device(device_rate, channels)
        };
        make_player(config, out)
    })
}

/// Makes a player for `config` into `*out` (checked).
pub(crate) unsafe fn make_player(
    config: PlayerConfig,
    out: *mut *mut gemini_live_player,
) -> FfiResult {
    let out = out_ptr(out, "out")?;
    let (writer, reader) = Player::new(config)?.split();
    let monitor = writer.monitor();
    *out = into_raw(gemini_live_player {
        writer: UnsafeCell::new(writer),
        reader: UnsafeCell::new(reader),
        monitor,
    });
    Ok(())
}

/// The session side's half. The caller keeps to one session-side thread at a time.
unsafe fn writer<'a>(p: *mut gemini_live_player) -> Result<&'a mut PlayerWriter, Fail> {
    Ok(&mut *arg_ref(p, "player")?.writer.get())
}

/// Queues `n` mono samples of the model's audio (24 kHz), opening a turn if none is open.
/// Session side.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_player_push(
    player: *mut gemini_live_player,
    samples: *const i16,
    n: usize,
) -> gemini_live_result {
    boundary(|| {
        let w = writer(player)?;
        let samples = arg_slice(samples, n, "samples")?;
        w.push(samples);
        Ok(())
    })
}

/// Feeds a session event: audio is queued, `GEMINI_LIVE_EVENT_INTERRUPTED` and
/// `GEMINI_LIVE_EVENT_REPLY_DISCARDED` (the reply comes again from the start) flush,
/// `GEMINI_LIVE_EVENT_TURN_COMPLETE` ends the turn; other events are ignored. For those
/// three, `*playback` (if not NULL) receives the turn's playback; otherwise it is left alone.
/// The event stays the caller's. Session side.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_player_push_event(
    player: *mut gemini_live_player,
    event: *const gemini_live_event,
    playback: *mut gemini_live_turn_playback,
) -> gemini_live_result {
    boundary(|| {
        let w = writer(player)?;
        let ev = arg_ref(event, "event")?;
        if let Some(p) = w.handle_event(&ev.event) {
            put_playback(playback, p);
        }
        Ok(())
    })
}

/// The reply is complete: what is buffered plays out even under the start threshold.
/// `*playback` (if not NULL) receives the turn's playback so far. Session side.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_player_end_turn(
    player: *mut gemini_live_player,
    playback: *mut gemini_live_turn_playback,
) -> gemini_live_result {
    boundary(|| {
        let p = writer(player)?.end_turn();
        put_playback(playback, p);
        Ok(())
    })
}

/// Barge-in: discards everything queued, effective on the callback's next read; `*playback`
/// (if not NULL) receives how much of the turn was heard. Any thread (lock-free).
#[no_mangle]
pub unsafe extern "C" fn gemini_live_player_flush(
    player: *const gemini_live_player,
    playback: *mut gemini_live_turn_playback,
) -> gemini_live_result {
    boundary(|| {
        let p = arg_ref(player, "player")?.monitor.flush();
        put_playback(playback, p);
        Ok(())
    })
}

/// Borrows the caller's output buffer of `n` samples (checked like `arg_slice`).
unsafe fn out_slice<'a, T>(out: *mut T, n: usize) -> Result<&'a mut [T], Fail> {
    arg_slice(out.cast_const(), n, "out")?;
    Ok(std::slice::from_raw_parts_mut(out, n))
}

/// **Real-time safe.** Fills `frames` interleaved frames at `out` (`frames * channels`
/// samples) with the next audio, silence where there is none (counted as an underrun in
/// the middle of a turn); `*played` (if not NULL) receives the frames of real audio. The
/// audio callback's thread, one at a time.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_player_read(
    player: *mut gemini_live_player,
    out: *mut i16,
    frames: usize,
    played: *mut usize,
) -> gemini_live_result {
    boundary(|| {
        let r = &mut *arg_ref(player, "player")?.reader.get();
        let n = frames.saturating_mul(r.channels() as usize);
        let out = out_slice(out, n)?;
        let got = r.read(out);
        if let Some(p) = played.as_mut() {
            *p = got;
        }
        Ok(())
    })
}

/// **Real-time safe.** Like `gemini_live_player_read`, for float devices (-1.0 to 1.0).
#[no_mangle]
pub unsafe extern "C" fn gemini_live_player_read_f32(
    player: *mut gemini_live_player,
    out: *mut f32,
    frames: usize,
    played: *mut usize,
) -> gemini_live_result {
    boundary(|| {
        let r = &mut *arg_ref(player, "player")?.reader.get();
        let n = frames.saturating_mul(r.channels() as usize);
        let out = out_slice(out, n)?;
        let got = r.read_f32(out);
        if let Some(p) = played.as_mut() {
            *p = got;
        }
        Ok(())
    })
}

/// Copies the counters to `*out`. Any thread (lock-free; also from the callback).
#[no_mangle]
pub unsafe extern "C" fn gemini_live_player_get_stats(
    player: *const gemini_live_player,
    out: *mut gemini_live_player_stats,
) -> gemini_live_result {
    boundary(|| {
        let s = arg_ref(player, "player")?.monitor.stats();
        let out = out_ptr(out, "out")?;
        *out = gemini_live_player_stats {
            device_rate: s.device_rate,
            buffered: s.buffered,
            played: s.played,
            underruns: s.underruns,
            underrun_samples: s.underrun_samples,
            dropped: s.dropped,
            overflowed: s.overflowed,
            flushed: s.flushed,
            flushes: s.flushes,
            reads: s.reads,
            turn: s.turn,
            start_delay: s.start_delay,
            arrival_rate_milli: s.arrival_rate_milli,
            pauses: s.pauses,
            paused: s.paused,
        };
        Ok(())
    })
}

/// The current (or latest) turn's playback: received and heard so far. Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_player_current(
    player: *const gemini_live_player,
    out: *mut gemini_live_turn_playback,
) -> gemini_live_result {
    boundary(|| {
        let p = arg_ref(player, "player")?.monitor.current();
        *out_ptr(out, "out")? = playback(p);
        Ok(())
    })
}

/// The playback of the latest flush or ended turn. Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_player_last(
    player: *const gemini_live_player,
    out: *mut gemini_live_turn_playback,
) -> gemini_live_result {
    boundary(|| {
        let p = arg_ref(player, "player")?.monitor.last();
        *out_ptr(out, "out")? = playback(p);
        Ok(())
    })
}

/// Frees a player. NULL does nothing. Neither side may use it any more.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_player_free(player: *mut gemini_live_player) {
    boundary_value((), || free_raw(player))
}

/// How many bytes of the NUL-terminated UTF-8 `text` (a reply's output transcript) the user
/// heard, given the turn's `heard_fraction`: proportional by characters, backed up to a
/// word boundary (an estimate: the service gives no word timings). 0 for NULL or invalid
/// UTF-8.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_transcript_heard_len(
    text: *const c_char,
    heard_fraction: f64,
) -> usize {
    boundary_value(0, || match arg_str(text, "text") {
        Ok(t) => cut_at_fraction(t, heard_fraction).len(),
        Err(_) => 0,
    })
}
