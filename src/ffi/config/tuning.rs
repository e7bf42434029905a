//! Tuning setters of `gemini_live_config`: generation parameters, voice activity
//! detection, context compression, timeouts, queues, message size and extra trusted roots.

use super::{gemini_live_config, non_empty, with_config, with_str};
use crate::config::Config;
use crate::ffi::*;
use crate::protocol::{
    AutomaticActivityDetection, ContextWindowCompression, RealtimeInputConfig, SlidingWindow,
    ThinkingConfig,
};
use std::time::Duration;

/// Connect phase: resolving the host and the TCP connect.
pub const GEMINI_LIVE_PHASE_TCP_CONNECT: u32 = 1;
/// Connect phase: the TLS handshake.
pub const GEMINI_LIVE_PHASE_TLS_HANDSHAKE: u32 = 2;
/// Connect phase: the HTTP upgrade to WebSocket.
pub const GEMINI_LIVE_PHASE_UPGRADE: u32 = 3;
/// Connect phase: from sending `setup` to receiving `setupComplete`.
pub const GEMINI_LIVE_PHASE_SETUP: u32 = 4;

fn finite(v: f32, name: &str) -> Result<f32, Fail> {
    if v.is_finite() {
        Ok(v)
    } else {
        Err(Fail::invalid(format!("{name} must be a finite number")))
    }
}

/// Sets the sampling temperature (e.g. 0.0 to 2.0). Defaults to the server's choice.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_temperature(
    config: *mut gemini_live_config,
    temperature: f32,
) -> gemini_live_result {
    with_config(config, |c| {
        c.generation.temperature = Some(finite(temperature, "temperature")?);
        Ok(())
    })
}

/// Sets nucleus sampling `top_p` (0.0 to 1.0). Defaults to the server's choice.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_top_p(
    config: *mut gemini_live_config,
    top_p: f32,
) -> gemini_live_result {
    with_config(config, |c| {
        c.generation.top_p = Some(finite(top_p, "top_p")?);
        Ok(())
    })
}

/// Sets top-k sampling. Defaults to the server's choice.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_top_k(
    config: *mut gemini_live_config,
    top_k: u32,
) -> gemini_live_result {
    with_config(config, |c| {
        c.generation.top_k = Some(top_k);
        Ok(())
    })
}

/// Caps the output tokens of a turn. Defaults to the server's choice.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_max_output_tokens(
    config: *mut gemini_live_config,
    max_output_tokens: u32,
) -> gemini_live_result {
    with_config(config, |c| {
        c.generation.max_output_tokens = Some(max_output_tokens);
        Ok(())
    })
}

/// Sets the sampling seed. Defaults to none.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_seed(
    config: *mut gemini_live_config,
    seed: i64,
) -> gemini_live_result {
    with_config(config, |c| {
        c.generation.seed = Some(seed);
        Ok(())
    })
}

/// Sets the presence penalty. Defaults to none.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_presence_penalty(
    config: *mut gemini_live_config,
    penalty: f32,
) -> gemini_live_result {
    with_config(config, |c| {
        c.generation.presence_penalty = Some(finite(penalty, "penalty")?);
        Ok(())
    })
}

/// Sets the frequency penalty. Defaults to none.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_frequency_penalty(
    config: *mut gemini_live_config,
    penalty: f32,
) -> gemini_live_result {
    with_config(config, |c| {
        c.generation.frequency_penalty = Some(finite(penalty, "penalty")?);
        Ok(())
    })
}

/// Sets the media resolution of video input: `MEDIA_RESOLUTION_LOW`, `_MEDIUM` or `_HIGH`
/// (or `low`, `medium`, `high`); `""` leaves it to the server (the default). Other values:
/// `GEMINI_LIVE_INVALID_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_media_resolution(
    config: *mut gemini_live_config,
    resolution: *const c_char,
) -> gemini_live_result {
    with_str(config, resolution, "resolution", |c, s| {
        c.generation.media_resolution = wire_enum(s, crate::protocol::MediaResolution::parse)?;
        Ok(())
    })
}

/// `""` → `None`; else the parsed value, or `GEMINI_LIVE_INVALID_ARGUMENT` naming the
/// accepted values.
pub(crate) fn wire_enum<T: Copy + std::fmt::Display>(
    s: &str,
    parse: impl Fn(&str) -> Option<T>,
) -> Result<Option<T>, Fail> {
    if s.is_empty() {
        return Ok(None);
    }
    parse(s)
        .map(Some)
        .ok_or_else(|| Fail::invalid(format!("{s:?} is not an accepted value")))
}

fn thinking(c: &mut Config) -> &mut ThinkingConfig {
    c.generation
        .thinking_config
        .get_or_insert_with(ThinkingConfig::default)
}

/// Sets the thinking token budget (2.5 models; 0 turns thinking off). Defaults to the
/// model's choice.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_thinking_budget(
    config: *mut gemini_live_config,
    budget: i32,
) -> gemini_live_result {
    with_config(config, |c| {
        thinking(c).thinking_budget = Some(budget);
        Ok(())
    })
}

/// Sets the thinking level (3.x models), e.g. `low` or `high`; `""` removes it.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_thinking_level(
    config: *mut gemini_live_config,
    level: *const c_char,
) -> gemini_live_result {
    with_str(config, level, "level", |c, s| {
        thinking(c).thinking_level = non_empty(s);
        Ok(())
    })
}

/// Asks for thought summaries (`GEMINI_LIVE_EVENT_THOUGHT`). Defaults to false.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_include_thoughts(
    config: *mut gemini_live_config,
    enabled: bool,
) -> gemini_live_result {
    with_config(config, |c| {
        thinking(c).include_thoughts = Some(enabled);
        Ok(())
    })
}

/// Enables affective dialog (native-audio 2.5 models, `v1alpha`). Defaults to off.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_affective_dialog(
    config: *mut gemini_live_config,
    enabled: bool,
) -> gemini_live_result {
    with_config(config, |c| {
        c.generation.enable_affective_dialog = Some(enabled);
        Ok(())
    })
}

fn realtime(c: &mut Config) -> &mut RealtimeInputConfig {
    c.realtime_input
        .get_or_insert_with(RealtimeInputConfig::default)
}

fn vad(c: &mut Config) -> &mut AutomaticActivityDetection {
    realtime(c)
        .automatic_activity_detection
        .get_or_insert_with(AutomaticActivityDetection::default)
}

/// Turns server voice activity detection on (the default) or off. Off, the application
/// marks turns with `gemini_live_session_activity_start`/`_activity_end`; on, it ends an
/// audio stream with `gemini_live_session_audio_stream_end`.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_automatic_activity_detection(
    config: *mut gemini_live_config,
    enabled: bool,
) -> gemini_live_result {
    with_config(config, |c| {
        vad(c).disabled = (!enabled).then_some(true);
        Ok(())
    })
}

/// Sets the VAD start-of-speech sensitivity: `START_SENSITIVITY_LOW` or `_HIGH` (or `low`,
/// `high`); `""` leaves it to the server (the default). Other values:
/// `GEMINI_LIVE_INVALID_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_vad_start_sensitivity(
    config: *mut gemini_live_config,
    sensitivity: *const c_char,
) -> gemini_live_result {
    with_str(config, sensitivity, "sensitivity", |c, s| {
        vad(c).start_of_speech_sensitivity =
            wire_enum(s, crate::protocol::StartSensitivity::parse)?;
        Ok(())
    })
}

/// Sets the VAD end-of-speech sensitivity: `END_SENSITIVITY_LOW` or `_HIGH` (or `low`,
/// `high`); `""` leaves it to the server (the default). Other values:
/// `GEMINI_LIVE_INVALID_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_vad_end_sensitivity(
    config: *mut gemini_live_config,
    sensitivity: *const c_char,
) -> gemini_live_result {
    with_str(config, sensitivity, "sensitivity", |c, s| {
        vad(c).end_of_speech_sensitivity = wire_enum(s, crate::protocol::EndSensitivity::parse)?;
        Ok(())
    })
}

/// Sets the audio the VAD keeps before detected speech, in ms. Defaults to the server's.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_vad_prefix_padding_ms(
    config: *mut gemini_live_config,
    ms: u32,
) -> gemini_live_result {
    with_config(config, |c| {
        vad(c).prefix_padding_ms = Some(ms);
        Ok(())
    })
}

/// Sets the silence that ends speech for the VAD, in ms. Defaults to the server's.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_vad_silence_duration_ms(
    config: *mut gemini_live_config,
    ms: u32,
) -> gemini_live_result {
    with_config(config, |c| {
        vad(c).silence_duration_ms = Some(ms);
        Ok(())
    })
}

/// Sets barge-in handling: `START_OF_ACTIVITY_INTERRUPTS` or `NO_INTERRUPTION`; `""` leaves
/// it to the server (the default). Other values: `GEMINI_LIVE_INVALID_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_activity_handling(
    config: *mut gemini_live_config,
    handling: *const c_char,
) -> gemini_live_result {
    with_str(config, handling, "handling", |c, s| {
        realtime(c).activity_handling = wire_enum(s, crate::protocol::ActivityHandling::parse)?;
        Ok(())
    })
}

/// Sets what a turn includes: `TURN_INCLUDES_ONLY_ACTIVITY`, `TURN_INCLUDES_ALL_INPUT` or
/// `TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO` (the default on Gemini 3.1/3.8 Live); `""`
/// leaves it to the server (the default). Other values: `GEMINI_LIVE_INVALID_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_turn_coverage(
    config: *mut gemini_live_config,
    coverage: *const c_char,
) -> gemini_live_result {
    with_str(config, coverage, "coverage", |c, s| {
        realtime(c).turn_coverage = wire_enum(s, crate::protocol::TurnCoverage::parse)?;
        Ok(())
    })
}

/// Enables sliding-window context compression (`enabled`), compressing when the context
/// reaches `trigger_tokens` down to `target_tokens`; 0 leaves either to the server.
/// Defaults to off.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_context_window_compression(
    config: *mut gemini_live_config,
    enabled: bool,
    trigger_tokens: u64,
    target_tokens: u64,
) -> gemini_live_result {
    with_config(config, |c| {
        c.context_window_compression = enabled.then(|| ContextWindowCompression {
            trigger_tokens: (trigger_tokens > 0).then_some(trigger_tokens),
            sliding_window: SlidingWindow {
                target_tokens: (target_tokens > 0).then_some(target_tokens),
            },
        });
        Ok(())
    })
}

fn millis(ms: u32) -> Result<Duration, Fail> {
    if ms == 0 {
        return Err(Fail::invalid("a timeout must be at least 1 ms"));
    }
    Ok(Duration::from_millis(ms.into()))
}

/// Sets the whole-connect timeout (all phases together) and caps each phase at it.
/// Defaults to 5000 ms. 0 is `GEMINI_LIVE_INVALID_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_connect_timeout_ms(
    config: *mut gemini_live_config,
    ms: u32,
) -> gemini_live_result {
    with_config(config, |c| {
        let d = millis(ms)?;
        let t = &mut c.timeouts;
        t.connect_total = d;
        for phase in [
            &mut t.tcp_connect,
            &mut t.proxy,
            &mut t.tls_handshake,
            &mut t.upgrade,
            &mut t.setup,
        ] {
            *phase = d;
        }
        Ok(())
    })
}

/// Sets one connect phase's timeout; `phase` is a `GEMINI_LIVE_PHASE_*` constant. Each
/// phase defaults to 5000 ms and is also bounded by the whole-connect timeout.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_phase_timeout_ms(
    config: *mut gemini_live_config,
    phase: u32,
    ms: u32,
) -> gemini_live_result {
    with_config(config, |c| {
        let d = millis(ms)?;
        let t = &mut c.timeouts;
        *match phase {
            GEMINI_LIVE_PHASE_TCP_CONNECT => &mut t.tcp_connect,
            GEMINI_LIVE_PHASE_TLS_HANDSHAKE => &mut t.tls_handshake,
            GEMINI_LIVE_PHASE_UPGRADE => &mut t.upgrade,
            GEMINI_LIVE_PHASE_SETUP => &mut t.setup,
            super::proxy::GEMINI_LIVE_PHASE_PROXY => &mut t.proxy,
            p => return Err(Fail::invalid(format!("unknown connect phase {p}"))),
        } = d;
        Ok(())
    })
}

/// Sets how long a send waits for room in a full send queue before
/// `GEMINI_LIVE_SEND_TIMEOUT`. Defaults to 1000 ms.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_send_timeout_ms(
    config: *mut gemini_live_config,
    ms: u32,
) -> gemini_live_result {
    with_config(config, |c| {
        c.timeouts.send = millis(ms)?;
        Ok(())
    })
}

/// Sets how long `gemini_live_session_close` waits for the server's close reply before
/// cutting the socket. Defaults to 2000 ms.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_close_timeout_ms(
    config: *mut gemini_live_config,
    ms: u32,
) -> gemini_live_result {
    with_config(config, |c| {
        c.timeouts.close = millis(ms)?;
        Ok(())
    })
}

/// Sets how many messages the send queue holds before sends wait. Defaults to 128 (2.5 s of
/// 20 ms audio chunks); 0 is `GEMINI_LIVE_INVALID_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_send_queue_capacity(
    config: *mut gemini_live_config,
    capacity: usize,
) -> gemini_live_result {
    with_config(config, |c| {
        if capacity == 0 {
            return Err(Fail::invalid("the send queue capacity must be at least 1"));
        }
        c.send_queue_capacity = capacity;
        Ok(())
    })
}

/// Sets how many events are held for the application before the connection is paused.
/// Defaults to 256 (about 10 s of the model's audio; each slot is preallocated); 0 is
/// `GEMINI_LIVE_INVALID_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_event_queue_capacity(
    config: *mut gemini_live_config,
    capacity: usize,
) -> gemini_live_result {
    with_config(config, |c| {
        if capacity == 0 {
            return Err(Fail::invalid("the event queue capacity must be at least 1"));
        }
        c.event_queue_capacity = capacity;
        Ok(())
    })
}

/// Sets the largest message sent or accepted, in bytes (at least 1024). Defaults to 16 MiB.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_max_message_size(
    config: *mut gemini_live_config,
    bytes: usize,
) -> gemini_live_result {
    with_config(config, |c| {
        if bytes < 1024 {
            return Err(Fail::invalid(
                "the maximum message size must be at least 1024",
            ));
        }
        c.max_message_size = bytes;
        Ok(())
    })
}

/// Trusts extra root certificate(s) given as `len` bytes of PEM (copied), in addition to
/// the system roots; `len == 0` (with any non-NULL `pem`) removes them. For proxies and
/// test servers. Overrides `GEMINI_LIVE_CA_FILE`. Certificate and host-name checks always stay on.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_extra_root_ca_pem(
    config: *mut gemini_live_config,
    pem: *const u8,
    len: usize,
) -> gemini_live_result {
    boundary(|| {
        let c = &mut arg_mut(config, "config")?.inner;
        let pem = arg_slice(pem, len, "pem")?;
        c.extra_root_ca_pem = (!pem.is_empty()).then(|| pem.to_vec());
        Ok(())
    })
}
