//! `gemini_live_player`: a playout buffer for the model's audio whose read function is
//! real-time safe (for CoreAudio / ALSA / PortAudio callbacks), with barge-in flushes,
//! playback accounting per reply, and the transcript cut at the heard position.

use crate::audio::{
    cut_at_fraction, Player, PlayerConfig, PlayerMonitor, PlayerReader, PlayerWriter, TurnPlayback,
};
use crate::ffi::event::gemini_live_event;
use crate::ffi::*;
use std::cell::UnsafeCell;
use std::time::Duration;

// The adaptive start for slow replies (`gemini_live_player_new_paced`).
mod pacing;
pub use pacing::*;

/// A playout buffer for the model's 24 kHz audio, read by the sound card's callback.
///
/// Threads: the *session side* (one thread at a time) calls `_push`, `_push_event` and
/// `_end_turn`; the *audio callback* (one thread at a time) calls `_read` / `_read_f32`,
/// which are **real-time safe**: no lock, no allocation, no system call, bounded time (the
/// only exception is a NULL argument, which records an error text). `_flush`, `_get_stats`,
/// `_current` and `_last` may be called from any thread; `_flush` and `_get_stats` are
/// lock-free (also from the callback), and `_get_stats` allocates nothing either (except on
/// a NULL argument or a `size` below 4). Free it only after both sides have stopped.
///
/// Made by `gemini_live_player_new` (or `_new_with`, `_new_paced`), freed by
/// `gemini_live_player_free`.
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
///
/// ABI growth: set `size = sizeof(gemini_live_player_stats)` before the call. The library fills at
/// most `size` bytes (fields it does not know of stay as they were; new fields are only ever
/// appended) and sets `size` to the number of bytes it filled.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct gemini_live_player_stats {
    /// In: `sizeof(gemini_live_player_stats)`. Out: the bytes filled.
    pub size: u32,
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

growable!(gemini_live_player_stats);

/// How much of one reply was received and heard, in the model's samples (24 kHz).
///
/// ABI growth: set `size = sizeof(gemini_live_turn_playback)` before the call. The library fills at
/// most `size` bytes (fields it does not know of stay as they were; new fields are only ever
/// appended) and sets `size` to the number of bytes it filled.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct gemini_live_turn_playback {
    /// In: `sizeof(gemini_live_turn_playback)`. Out: the bytes filled.
    pub size: u32,
    /// Reserved (0): keeps the struct free of padding, so every byte the library fills is
    /// defined.
    pub reserved: u32,
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

growable!(gemini_live_turn_playback);

fn playback(p: TurnPlayback) -> gemini_live_turn_playback {
    gemini_live_turn_playback {
        size: std::mem::size_of::<gemini_live_turn_playback>() as u32,
        reserved: 0,
        turn: p.turn,
        received: p.received,
        heard: p.heard,
        source_rate: p.source_rate,
        interrupted: p.interrupted as u32,
        heard_fraction: p.heard_fraction(),
    }
}

/// Writes `p` to the checked optional `playback` out-parameter.
fn put_playback(out: Option<SizedOut<gemini_live_turn_playback>>, p: TurnPlayback) {
    if let Some(o) = out {
        o.write(&playback(p));
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
/// three, `*playback` (if not NULL; set its `size` first) receives the turn's playback;
/// otherwise it is left alone.
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
        let playback = sized_out_opt(playback, "playback")?;
        if let Some(p) = w.handle_event(&ev.event) {
            put_playback(playback, p);
        }
        Ok(())
    })
}

/// The reply is complete: what is buffered plays out even under the start threshold.
/// `*playback` (if not NULL; set its `size` first) receives the turn's playback so far.
/// Session side.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_player_end_turn(
    player: *mut gemini_live_player,
    playback: *mut gemini_live_turn_playback,
) -> gemini_live_result {
    boundary(|| {
        let w = writer(player)?;
        let playback = sized_out_opt(playback, "playback")?;
        put_playback(playback, w.end_turn());
        Ok(())
    })
}

/// Barge-in: discards everything queued, effective on the callback's next read; `*playback`
/// (if not NULL; set its `size` first) receives how much of the turn was heard. Any thread
/// (lock-free).
#[no_mangle]
pub unsafe extern "C" fn gemini_live_player_flush(
    player: *const gemini_live_player,
    playback: *mut gemini_live_turn_playback,
) -> gemini_live_result {
    boundary(|| {
        let monitor = &arg_ref(player, "player")?.monitor;
        let playback = sized_out_opt(playback, "playback")?;
        put_playback(playback, monitor.flush());
        Ok(())
    })
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
        let out = arg_slice_mut(out, n, "out")?;
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
        let out = arg_slice_mut(out, n, "out")?;
        let got = r.read_f32(out);
        if let Some(p) = played.as_mut() {
            *p = got;
        }
        Ok(())
    })
}

/// Copies the counters to `*out` (set `out->size = sizeof(gemini_live_player_stats)` first).
/// Any thread (lock-free, no allocation; also from the callback).
#[no_mangle]
pub unsafe extern "C" fn gemini_live_player_get_stats(
    player: *const gemini_live_player,
    out: *mut gemini_live_player_stats,
) -> gemini_live_result {
    boundary(|| {
        let monitor = &arg_ref(player, "player")?.monitor;
        let out = sized_out(out, "out")?;
        let s = monitor.stats();
        out.write(&gemini_live_player_stats {
            size: std::mem::size_of::<gemini_live_player_stats>() as u32,
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
        });
        Ok(())
    })
}

/// The current (or latest) turn's playback: received and heard so far (set `out->size`
/// first). Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_player_current(
    player: *const gemini_live_player,
    out: *mut gemini_live_turn_playback,
) -> gemini_live_result {
    boundary(|| {
        let monitor = &arg_ref(player, "player")?.monitor;
        sized_out(out, "out")?.write(&playback(monitor.current()));
        Ok(())
    })
}

/// The playback of the latest flush or ended turn (set `out->size` first). Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_player_last(
    player: *const gemini_live_player,
    out: *mut gemini_live_turn_playback,
) -> gemini_live_result {
    boundary(|| {
        let monitor = &arg_ref(player, "player")?.monitor;
        sized_out(out, "out")?.write(&playback(monitor.last()));
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
