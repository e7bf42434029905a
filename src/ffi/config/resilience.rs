//! Resilience setters of `gemini_live_config`: automatic reconnection, the replay buffer,
//! stall detection and keepalive.

use super::{gemini_live_config, with_config};
use crate::ffi::*;
use std::time::Duration;

fn ms(v: u32) -> Duration {
    Duration::from_millis(v.into())
}

fn at_least_1ms(v: u32, name: &str) -> Result<Duration, Fail> {
    if v == 0 {
        return Err(Fail::invalid(format!("{name} must be at least 1 ms")));
    }
    Ok(ms(v))
}

/// Turns automatic reconnection after retryable failures on (the default) or off. While
/// reconnecting, events `GEMINI_LIVE_EVENT_RECONNECTING`, then `_RESUMED` or `_NEW_SESSION`
/// tell what happened; sends keep being accepted and are replayed.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_reconnect(
    config: *mut gemini_live_config,
    enabled: bool,
) -> gemini_live_result {
    with_config(config, |c| {
        c.reconnect.enabled = enabled;
        Ok(())
    })
}

/// Sets the reconnection attempts per outage before giving up (at least 1). Defaults to 10.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_reconnect_max_attempts(
    config: *mut gemini_live_config,
    attempts: u32,
) -> gemini_live_result {
    with_config(config, |c| {
        if attempts == 0 {
            return Err(Fail::invalid("at least one reconnection attempt"));
        }
        c.reconnect.max_attempts = attempts;
        Ok(())
    })
}

/// Sets the backoff: the first retry waits a random time up to `initial_ms` (default 100),
/// each later one up to twice the previous bound, capped at `max_ms` (default 5000).
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_reconnect_delays_ms(
    config: *mut gemini_live_config,
    initial_ms: u32,
    max_ms: u32,
) -> gemini_live_result {
    with_config(config, |c| {
        if initial_ms > max_ms {
            return Err(Fail::invalid("the initial delay exceeds the maximum delay"));
        }
        c.reconnect.initial_delay = ms(initial_ms);
        c.reconnect.max_delay = ms(max_ms);
        Ok(())
    })
}

/// Sets the time per outage before reconnection gives up. Defaults to 30000 ms.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_reconnect_max_total_ms(
    config: *mut gemini_live_config,
    total_ms: u32,
) -> gemini_live_result {
    with_config(config, |c| {
        c.reconnect.max_total = at_least_1ms(total_ms, "the reconnection budget")?;
        Ok(())
    })
}

/// After a GoAway, reconnect at the next turn boundary but at the latest this long before
/// the connection's time runs out. Defaults to 5000 ms.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_goaway_margin_ms(
    config: *mut gemini_live_config,
    margin_ms: u32,
) -> gemini_live_result {
    with_config(config, |c| {
        c.reconnect.goaway_margin = ms(margin_ms);
        Ok(())
    })
}

/// While resuming, how long a resume the server keeps refusing at setup (it answers 1011
/// while it still holds the old, stalled connection) is retried before the session starts a
/// new one (`GEMINI_LIVE_EVENT_NEW_SESSION`, unanswered input replayed). Defaults to 10000 ms.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_resume_wait_ms(
    config: *mut gemini_live_config,
    wait_ms: u32,
) -> gemini_live_result {
    with_config(config, |c| {
        c.reconnect.resume_wait = ms(wait_ms);
        Ok(())
    })
}

/// The least delay before reconnecting after the server closed for lack of quota or of a
/// concurrency slot (a 1011 close with a `RESOURCE_EXHAUSTED` / "Quota exceeded" reason,
/// reported as `GEMINI_LIVE_SERVER_CLOSED_RETRYABLE`), jittered ±20 %: a quota frees up in
/// seconds to a minute, so the ordinary short delays would only be refused again. 0 leaves
/// only the ordinary delays. Defaults to 10000 ms.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_quota_delay_ms(
    config: *mut gemini_live_config,
    delay_ms: u32,
) -> gemini_live_result {
    with_config(config, |c| {
        c.reconnect.quota_delay = ms(delay_ms);
        Ok(())
    })
}

/// Sets the first connect's budget (`gemini_live_session_connect`): at most `attempts` (at
/// least 1; defaults to 3) within `total_ms` (at least 1; defaults to 10000 ms), then the
/// connect fails with the last failure's code and a message saying "gave up after N attempts
/// over T s".
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_first_connect_budget(
    config: *mut gemini_live_config,
    attempts: u32,
    total_ms: u32,
) -> gemini_live_result {
    with_config(config, |c| {
        if attempts == 0 {
            return Err(Fail::invalid("at least one connection attempt"));
        }
        c.reconnect.first_connect_attempts = attempts;
        c.reconnect.first_connect_total = at_least_1ms(total_ms, "the first-connect budget")?;
        Ok(())
    })
}

/// Sets the bytes of input kept for replay after a reconnection. Defaults to 8 MiB.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_replay_max_bytes(
    config: *mut gemini_live_config,
    bytes: usize,
) -> gemini_live_result {
    with_config(config, |c| {
        c.replay_max_bytes = bytes;
        Ok(())
    })
}

/// Sets the audio kept for replay after a reconnection, in ms. Defaults to 60000.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_replay_max_audio_ms(
    config: *mut gemini_live_config,
    audio_ms: u32,
) -> gemini_live_result {
    with_config(config, |c| {
        c.replay_max_audio = ms(audio_ms);
        Ok(())
    })
}

/// During a turn, a connection silent for this long counts as stalled and is replaced.
/// Defaults to 20000 ms.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_stall_timeout_ms(
    config: *mut gemini_live_config,
    timeout_ms: u32,
) -> gemini_live_result {
    with_config(config, |c| {
        c.stall_timeout = at_least_1ms(timeout_ms, "the stall timeout")?;
        Ok(())
    })
}

/// Sends a WebSocket ping after `interval_ms` of silence; 0 sends none (the default;
/// server pings are always answered).
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_keepalive_interval_ms(
    config: *mut gemini_live_config,
    interval_ms: u32,
) -> gemini_live_result {
    with_config(config, |c| {
        c.keepalive_interval = (interval_ms > 0).then(|| ms(interval_ms));
        Ok(())
    })
}

/// With keepalive on, how long to wait for the pong before the connection counts as lost
/// (at least 1000). Defaults to 45000 ms: Gemini's pongs take 8 to 30 s.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_pong_timeout_ms(
    config: *mut gemini_live_config,
    timeout_ms: u32,
) -> gemini_live_result {
    with_config(config, |c| {
        if timeout_ms < 1000 {
            return Err(Fail::invalid("the pong timeout must be at least 1000 ms"));
        }
        c.pong_timeout = ms(timeout_ms);
        Ok(())
    })
}
