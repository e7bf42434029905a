//! Setters for the newer setup fields (protocol.md §3.1): proactivity, history, safety,
//! translation, transcription options, function behavior, the unvalidated extra setup JSON
//! and the model check. (The session calls that go with them, tool responses with
//! `scheduling` and `contextUpdate`, are in `session/send.rs`.)

use super::tuning::wire_enum;
use super::{gemini_live_config, json_object, non_empty, with_config, with_str};
use crate::ffi::*;
use crate::protocol::{
    AudioTranscriptionConfig, Behavior, HistoryConfig, Proactivity, SafetySetting,
    TranscriptionMode, TranslationConfig,
};

/// `gemini_live_config_set_transcription_options`: the transcription of the user's audio.
pub const GEMINI_LIVE_TRANSCRIPTION_INPUT: u32 = 1;
/// `gemini_live_config_set_transcription_options`: the transcription of the model's audio.
pub const GEMINI_LIVE_TRANSCRIPTION_OUTPUT: u32 = 2;

fn tri_state(v: i32, name: &str) -> Result<Option<bool>, Fail> {
    match v {
        -1 => Ok(None),
        0 => Ok(Some(false)),
        1 => Ok(Some(true)),
        _ => Err(Fail::invalid(format!(
            "`{name}` must be -1 (unset), 0 or 1"
        ))),
    }
}

/// Sets `proactivity` (v1alpha, native-audio models): `audio` and `video` are -1 (not sent),
/// 0 (false) or 1 (true); both -1 removes it (the default). 3.8 Live refuses
/// `proactiveAudio: false` (`gemini_live_session_connect` fails with
/// `GEMINI_LIVE_INVALID_CONFIG`). Other values: `GEMINI_LIVE_INVALID_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_proactivity(
    config: *mut gemini_live_config,
    audio: i32,
    video: i32,
) -> gemini_live_result {
    with_config(config, |c| {
        let (a, v) = (tri_state(audio, "audio")?, tri_state(video, "video")?);
        c.proactivity = (a.is_some() || v.is_some()).then_some(Proactivity {
            proactive_audio: a,
            proactive_video: v,
        });
        Ok(())
    })
}

/// Sets `historyConfig.initialHistoryInClientContent`: the server first takes
/// `clientContent` history until a `turnComplete: true` without answering. Defaults to
/// not sent.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_initial_history_in_client_content(
    config: *mut gemini_live_config,
    enabled: bool,
) -> gemini_live_result {
    with_config(config, |c| {
        c.history = Some(HistoryConfig {
            initial_history_in_client_content: Some(enabled),
        });
        Ok(())
    })
}

/// Adds a `safetySettings` entry, e.g. `HARM_CATEGORY_HARASSMENT`, `BLOCK_ONLY_HIGH`
/// (both required, sent as given). Defaults to none.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_add_safety_setting(
    config: *mut gemini_live_config,
    category: *const c_char,
    threshold: *const c_char,
) -> gemini_live_result {
    boundary(|| {
        let c = &mut arg_mut(config, "config")?.inner;
        let (category, threshold) = (
            arg_str(category, "category")?,
            arg_str(threshold, "threshold")?,
        );
        if category.is_empty() || threshold.is_empty() {
            return Err(Fail::invalid("category and threshold are required"));
        }
        c.safety_settings.push(SafetySetting {
            category: category.to_string(),
            threshold: threshold.to_string(),
            method: None,
        });
        Ok(())
    })
}

/// Sets `generationConfig.translationConfig` (live-translate models): the target language
/// (e.g. `es`; `""` removes it, the default) and whether input already in that language is
/// spoken too.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_translation(
    config: *mut gemini_live_config,
    target_language_code: *const c_char,
    echo_target_language: bool,
) -> gemini_live_result {
    with_str(
        config,
        target_language_code,
        "target_language_code",
        |c, s| {
            c.generation.translation_config = non_empty(s).map(|lang| TranslationConfig {
                target_language_code: lang,
                echo_target_language: Some(echo_target_language),
            });
            Ok(())
        },
    )
}

/// Sets the options of one transcription (`which`: `GEMINI_LIVE_TRANSCRIPTION_INPUT` or
/// `_OUTPUT`; it still has to be on): `language_codes` a comma-separated list (`""` for
/// none), `mode` `VERBATIM`, `SMART` or `""`. Model support is uncertain. Defaults to none
/// (`{}`).
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_transcription_options(
    config: *mut gemini_live_config,
    which: u32,
    language_codes: *const c_char,
    mode: *const c_char,
) -> gemini_live_result {
    boundary(|| {
        let c = &mut arg_mut(config, "config")?.inner;
        let codes = arg_str(language_codes, "language_codes")?;
        let mode = wire_enum(arg_str(mode, "mode")?, TranscriptionMode::parse)?;
        let opts = AudioTranscriptionConfig {
            language_codes: codes
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect(),
            mode,
            ..AudioTranscriptionConfig::default()
        };
        match which {
            GEMINI_LIVE_TRANSCRIPTION_INPUT => c.input_transcription_config = opts,
            GEMINI_LIVE_TRANSCRIPTION_OUTPUT => c.output_transcription_config = opts,
            _ => return Err(Fail::invalid(format!("unknown transcription {which}"))),
        }
        Ok(())
    })
}

/// Sets the `behavior` of the function `name` declared with `gemini_live_config_add_function`:
/// `BLOCKING`, `NON_BLOCKING` or `""` (the model's default: non-blocking on 3.8 Live).
/// `GEMINI_LIVE_INVALID_ARGUMENT` if no such function was added or the value is unknown.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_function_behavior(
    config: *mut gemini_live_config,
    name: *const c_char,
    behavior: *const c_char,
) -> gemini_live_result {
    boundary(|| {
        let c = &mut arg_mut(config, "config")?.inner;
        let name = arg_str(name, "name")?;
        let behavior = wire_enum(arg_str(behavior, "behavior")?, Behavior::parse)?;
        let decl = c
            .tools
            .iter_mut()
            .filter_map(|t| t.function_declarations.as_mut())
            .flatten()
            .find(|f| f.name == name)
            .ok_or_else(|| Fail::invalid(format!("no function {name:?} was added")))?;
        decl.behavior = behavior;
        Ok(())
    })
}

/// Merges a JSON object into the `setup` message (objects merge key by key, other values
/// replace): an escape hatch for fields the service adds before this library does.
/// **Not validated**: an unknown field closes the connection with 1007. `""` removes it
/// (the default). `GEMINI_LIVE_INVALID_JSON` if it is not a JSON object.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_extra_setup_json(
    config: *mut gemini_live_config,
    json: *const c_char,
) -> gemini_live_result {
    with_str(config, json, "json", |c, s| {
        c.extra_setup = match s.trim() {
            "" => None,
            text => match json_object(text, "json")? {
                serde_json::Value::Object(m) => Some(m),
                _ => None,
            },
        };
        Ok(())
    })
}

/// `true` skips the check of the configuration against the model capability table on
/// validate and connect (to see how the service refuses it). Defaults to false.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_skip_model_check(
    config: *mut gemini_live_config,
    skip: bool,
) -> gemini_live_result {
    with_config(config, |c| {
        c.skip_model_check = skip;
        Ok(())
    })
}
