//! The player's adaptive start for C: a player that measures how fast each reply arrives and,
//! when the model generates slower than real time, starts only once the buffer will last, or
//! pauses at a word gap rather than run dry. (Its wait, pauses and the measured rate are in
//! `gemini_live_player_stats`.)

use super::{gemini_live_player, make_player};
use crate::audio::PlayerConfig;
use crate::ffi::*;
use std::time::Duration;

/// Like `gemini_live_player_new_with`, choosing whether playback waits for a slow reply:
/// with `adaptive_start` (the default of the other constructors) the player measures how
/// fast each reply arrives against real time and, when it comes slower than real time,
/// starts only once what is buffered will last to the reply's end (its length taken from
/// the previous reply). The first reply of a session has no length to go by: it waits for
/// its second chunk (its rate; at most 1 s, and not when the first chunk holds 300 ms or
/// `start_threshold_ms` is 0), and whenever its buffer is about to run dry it pauses at a
/// word gap (a quiet 10 ms stretch) until the buffer will last a second of playback; so
/// does a reply that outgrows the one before. `start_threshold_ms` stays the minimum. The
/// pauses are counted in `gemini_live_player_stats` (`pauses`, `paused`). Without
/// `adaptive_start`, playback starts at the threshold alone. On success `*out` owns the
/// player: free it with `gemini_live_player_free`. Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_player_new_paced(
    device_rate: u32,
    channels: u16,
    start_threshold_ms: u32,
    max_latency_ms: u32,
    adaptive_start: bool,
    out: *mut *mut gemini_live_player,
) -> gemini_live_result {
    boundary(|| {
        let config = PlayerConfig {
            start_threshold: Duration::from_millis(u64::from(start_threshold_ms)),
            max_latency: Duration::from_millis(u64::from(max_latency_ms)),
            adaptive_start,
            ..PlayerConfig::for_device(device_rate, channels)
        };
        make_player(config, out)
    })
}
