//! `gemini_live_config`: everything a session needs, made by `gemini_live_config_new` and
//! copied by `gemini_live_session_connect`. Its setters, by topic: the main ones (model,
//! endpoint, credentials, modality, prompts, tools, transcription, resumption); generation,
//! voice activity detection, timeouts and queues; the newer setup fields; reconnection;
//! keeping the conversation; Vertex AI; proxies; recording.
//!
//! This file has the main setters; the submodules the rest, by topic, in the header's order.

use crate::config::{Auth, Config, ResponseMode, Secret};
use crate::ffi::*;
use crate::protocol::{Empty, FunctionDeclaration, Tool};

// Generation parameters, server voice activity detection, timeouts, queues, TLS.
pub mod tuning;
pub use tuning::*;

// The newer setup fields (proactivity, history, safety, translation, ...).
pub mod setup;
pub use setup::*;

// Reconnection, GoAway, replay limits, stall detection and keepalive.
pub mod resilience;
pub use resilience::*;

// Keeping the conversation: restore after a loss, and its budget.
pub mod context;
pub use context::*;

// Vertex AI: the target's setters and the access-token callback.
pub mod vertex;
pub use vertex::*;

// Proxies: the setter and the proxy connect phase.
pub mod proxy;
pub use proxy::*;

// The wire recorder.
pub mod record;
pub use record::*;

/// Answer with text (`responseModalities: ["TEXT"]`; only some models support it).
pub const GEMINI_LIVE_MODALITY_TEXT: u32 = 1;
/// Answer with 24 kHz PCM audio only.
pub const GEMINI_LIVE_MODALITY_AUDIO: u32 = 2;
/// Answer with audio, plus its transcription delivered as `GEMINI_LIVE_EVENT_TEXT` events
/// (the default).
pub const GEMINI_LIVE_MODALITY_TEXT_AND_AUDIO: u32 = 3;

/// Everything a session needs: an opaque, growable set of options.
///
/// Create it with `gemini_live_config_new`, change it with the `gemini_live_config_set_*`
/// and `gemini_live_config_add_*` functions, pass it to `gemini_live_session_connect` (which
/// copies it) and free it with `gemini_live_config_free`. Setters copy their arguments.
/// A config may be read by several threads at once (e.g. two connects) but must not be
/// changed while another thread uses it.
///
/// Functions: `gemini_live_config_new`, `gemini_live_config_free`,
/// `gemini_live_config_validate`, `gemini_live_config_set_*`, `gemini_live_config_add_*`,
/// `gemini_live_config_clear_tools`.
pub struct gemini_live_config {
    pub(crate) inner: Config,
}

/// Creates a configuration with the library defaults overridden by the environment, like
/// the Rust `Config::from_env`: `GEMINI_API_KEY` (API key; `auth_tokens/...` is an ephemeral
/// token), `GEMINI_LIVE_EPHEMERAL_TOKEN` (an ephemeral token), `GEMINI_LIVE_MODEL`,
/// `GEMINI_LIVE_ENDPOINT`, `GEMINI_LIVE_API_VERSION`, `GEMINI_LIVE_CA_FILE` (a PEM file of
/// extra trusted roots), and for Vertex AI `GEMINI_LIVE_VERTEX_PROJECT`,
/// `GEMINI_LIVE_VERTEX_LOCATION`, `GEMINI_LIVE_VERTEX_API_VERSION`,
/// `GEMINI_LIVE_VERTEX_USER_PROJECT`, `GEMINI_LIVE_ACCESS_TOKEN` (a fixed token; see
/// `gemini_live_config_set_access_token_callback` for fresh ones). Empty variables count as
/// unset.
///
/// Defaults: model `gemini-3.8-live` (audio only: TEXT events carry its transcription), API
/// version `v1beta` (`v1alpha` where needed), endpoint `wss://generativelanguage.googleapis.com`, no credentials,
/// `GEMINI_LIVE_MODALITY_TEXT_AND_AUDIO`, input transcription on, session resumption on,
/// server voice activity detection on, connect timeout 5 s, send timeout 1 s, close timeout
/// 2 s, send queue 128 messages, event queue 256 events, maximum message 16 MiB.
///
/// On success `*out` owns a new config: free it with `gemini_live_config_free`.
/// `GEMINI_LIVE_INVALID_CONFIG` if `GEMINI_LIVE_CA_FILE` cannot be read. Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_new(
    out: *mut *mut gemini_live_config,
) -> gemini_live_result {
    boundary(|| {
        let out = out_ptr(out, "out")?;
        let inner = Config::from_env()?;
        *out = into_raw(gemini_live_config { inner });
        Ok(())
    })
}

/// Frees a configuration. NULL does nothing. Sessions made from it are not affected.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_free(config: *mut gemini_live_config) {
    boundary_value((), || free_raw(config))
}

/// Checks the configuration as `gemini_live_session_connect` will, without connecting:
/// `GEMINI_LIVE_INVALID_CONFIG` with the reason in `gemini_live_last_error_message`.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_validate(
    config: *const gemini_live_config,
) -> gemini_live_result {
    boundary(|| Ok(arg_ref(config, "config")?.inner.validate()?))
}

/// Runs `f` on the config behind `config` with the string argument `s`.
pub(crate) unsafe fn with_str(
    config: *mut gemini_live_config,
    s: *const c_char,
    name: &str,
    f: impl FnOnce(&mut Config, &str) -> FfiResult,
) -> gemini_live_result {
    boundary(|| {
        let c = arg_mut(config, "config")?;
        let s = arg_str(s, name)?;
        f(&mut c.inner, s)
    })
}

/// Runs `f` on the config behind `config`.
pub(crate) unsafe fn with_config(
    config: *mut gemini_live_config,
    f: impl FnOnce(&mut Config) -> FfiResult,
) -> gemini_live_result {
    boundary(|| f(&mut arg_mut(config, "config")?.inner))
}

/// `None` for an empty string, else a copy.
pub(crate) fn non_empty(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_string())
}

/// Sets the API key (sent in the `x-goog-api-key` header, never in the URL; never logged).
/// Replaces any key or token; `""` removes credentials. Overrides `GEMINI_API_KEY`.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_api_key(
    config: *mut gemini_live_config,
    api_key: *const c_char,
) -> gemini_live_result {
    with_str(config, api_key, "api_key", |c, s| {
        c.auth = match s {
            "" => Auth::None,
            k => Auth::ApiKey(Secret::new(k)),
        };
        Ok(())
    })
}

/// Sets an ephemeral token (`auth_tokens/...`), sent as `Authorization: Token ...` to the
/// constrained method; needs API version `v1alpha`. Replaces any key or token; `""`
/// removes credentials.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_ephemeral_token(
    config: *mut gemini_live_config,
    token: *const c_char,
) -> gemini_live_result {
    with_str(config, token, "token", |c, s| {
        c.auth = match s {
            "" => Auth::None,
            t => Auth::EphemeralToken(Secret::new(t)),
        };
        Ok(())
    })
}

/// Sets the model id, with or without `models/`, e.g.
/// `gemini-2.5-flash-native-audio-preview-12-2025`. Overrides `GEMINI_LIVE_MODEL`.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_model(
    config: *mut gemini_live_config,
    model: *const c_char,
) -> gemini_live_result {
    with_str(config, model, "model", |c, s| {
        c.model = s.to_string();
        Ok(())
    })
}

/// Sets the base URL, `wss://host[:port]` or `ws://host[:port]` (the Live path is
/// appended). Overrides `GEMINI_LIVE_ENDPOINT`.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_endpoint(
    config: *mut gemini_live_config,
    endpoint: *const c_char,
) -> gemini_live_result {
    with_str(config, endpoint, "endpoint", |c, s| {
        c.endpoint = s.to_string();
        Ok(())
    })
}

/// Sets the API version in the URL: `v1alpha`, `v1beta` (default) or `v1`. Overrides
/// `GEMINI_LIVE_API_VERSION`. With the default, `v1alpha` is used where the configuration
/// needs it (an ephemeral token, `proactivity`, affective dialog); another version then makes
/// connect fail with `GEMINI_LIVE_INVALID_CONFIG`, saying why.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_api_version(
    config: *mut gemini_live_config,
    api_version: *const c_char,
) -> gemini_live_result {
    with_str(config, api_version, "api_version", |c, s| {
        c.api_version = s.to_string();
        Ok(())
    })
}

/// Sets what the model answers with: `GEMINI_LIVE_MODALITY_TEXT`, `_AUDIO` or
/// `_TEXT_AND_AUDIO` (default). Other values: `GEMINI_LIVE_INVALID_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_response_modality(
    config: *mut gemini_live_config,
    modality: u32,
) -> gemini_live_result {
    with_config(config, |c| {
        c.response_mode = match modality {
            GEMINI_LIVE_MODALITY_TEXT => ResponseMode::Text,
            GEMINI_LIVE_MODALITY_AUDIO => ResponseMode::Audio,
            GEMINI_LIVE_MODALITY_TEXT_AND_AUDIO => ResponseMode::TextAndAudio,
            m => return Err(Fail::invalid(format!("unknown modality {m}"))),
        };
        Ok(())
    })
}

/// Sets the system instruction; `""` removes it. Defaults to none.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_system_instruction(
    config: *mut gemini_live_config,
    text: *const c_char,
) -> gemini_live_result {
    with_str(config, text, "text", |c, s| {
        c.system_instruction = non_empty(s);
        Ok(())
    })
}

/// Sets the prebuilt voice, e.g. `Puck` or `Kore`; `""` leaves the choice to the server
/// (the default). A voice with `GEMINI_LIVE_MODALITY_TEXT` is an invalid config.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_voice(
    config: *mut gemini_live_config,
    voice: *const c_char,
) -> gemini_live_result {
    with_str(config, voice, "voice", |c, s| {
        c.voice = non_empty(s);
        Ok(())
    })
}

/// Sets the speech language code, e.g. `en-US`; `""` leaves it to the server (default).
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_language_code(
    config: *mut gemini_live_config,
    language_code: *const c_char,
) -> gemini_live_result {
    with_str(config, language_code, "language_code", |c, s| {
        c.language_code = non_empty(s);
        Ok(())
    })
}

/// Asks for transcriptions of the user's audio (`GEMINI_LIVE_EVENT_INPUT_TRANSCRIPTION`).
/// Defaults to true.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_input_transcription(
    config: *mut gemini_live_config,
    enabled: bool,
) -> gemini_live_result {
    with_config(config, |c| {
        c.input_transcription = enabled;
        Ok(())
    })
}

/// Asks for transcriptions of the model's audio (`GEMINI_LIVE_EVENT_OUTPUT_TRANSCRIPTION`
/// with `GEMINI_LIVE_MODALITY_AUDIO`). Defaults to false; always on with
/// `GEMINI_LIVE_MODALITY_TEXT_AND_AUDIO`, where it arrives as text events.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_output_transcription(
    config: *mut gemini_live_config,
    enabled: bool,
) -> gemini_live_result {
    with_config(config, |c| {
        c.output_transcription = enabled;
        Ok(())
    })
}

/// Enables session resumption (the server sends resumption handles). Defaults to true.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_session_resumption(
    config: *mut gemini_live_config,
    enabled: bool,
) -> gemini_live_result {
    with_config(config, |c| {
        c.session_resumption = enabled;
        Ok(())
    })
}

/// Resumes this handle on connect (e.g. saved from `gemini_live_session_resumption_handle`
/// by a previous process); `""` starts a new session (the default).
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_resumption_handle(
    config: *mut gemini_live_config,
    handle: *const c_char,
) -> gemini_live_result {
    with_str(config, handle, "handle", |c, s| {
        c.resumption_handle = non_empty(s);
        Ok(())
    })
}

/// Declares a function the model may call. `name` is required; `description` may be `""`;
/// `parameters_json` is an OpenAPI-style schema object such as
/// `{"type":"OBJECT","properties":{"city":{"type":"STRING"}}}`, or `""` for none.
/// `GEMINI_LIVE_INVALID_JSON` if it does not parse to an object. Calls arrive as
/// `GEMINI_LIVE_EVENT_TOOL_CALL`; answer with `gemini_live_session_send_tool_response`.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_add_function(
    config: *mut gemini_live_config,
    name: *const c_char,
    description: *const c_char,
    parameters_json: *const c_char,
) -> gemini_live_result {
    boundary(|| {
        let c = &mut arg_mut(config, "config")?.inner;
        let name = arg_str(name, "name")?;
        let description = arg_str(description, "description")?;
        let params = arg_str(parameters_json, "parameters_json")?;
        if name.is_empty() {
            return Err(Fail::invalid("the function name is empty"));
        }
        let parameters = match params.trim() {
            "" => None,
            p => Some(json_object(p, "parameters_json")?),
        };
        let decl = FunctionDeclaration {
            name: name.to_string(),
            description: non_empty(description),
            parameters,
            behavior: None,
            ..FunctionDeclaration::default()
        };
        function_tool(c).push(decl);
        Ok(())
    })
}

/// The function declarations of the config's function tool, made on first use.
fn function_tool(c: &mut Config) -> &mut Vec<FunctionDeclaration> {
    let at = match c
        .tools
        .iter()
        .position(|t| t.function_declarations.is_some())
    {
        Some(i) => i,
        None => {
            c.tools.push(Tool {
                function_declarations: Some(Vec::new()),
                ..Tool::default()
            });
            c.tools.len() - 1
        }
    };
    c.tools[at]
        .function_declarations
        .get_or_insert_with(Vec::new)
}

/// Parses `text` as a JSON object.
pub(crate) fn json_object(text: &str, name: &str) -> Result<serde_json::Value, Fail> {
    match serde_json::from_str::<serde_json::Value>(text) {
        Ok(v) if v.is_object() => Ok(v),
        Ok(_) => Err(Fail::new(
            GEMINI_LIVE_INVALID_JSON,
            format!("`{name}` is not a JSON object"),
        )),
        Err(e) => Err(Fail::new(
            GEMINI_LIVE_INVALID_JSON,
            format!("`{name}` is not valid JSON: {e}"),
        )),
    }
}

/// Adds a built-in tool: Google Search grounding.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_add_google_search(
    config: *mut gemini_live_config,
) -> gemini_live_result {
    with_config(config, |c| {
        c.tools.push(Tool {
            google_search: Some(Empty {}),
            ..Tool::default()
        });
        Ok(())
    })
}

/// Adds a built-in tool: code execution (results arrive as
/// `GEMINI_LIVE_EVENT_CODE_EXECUTION`).
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_add_code_execution(
    config: *mut gemini_live_config,
) -> gemini_live_result {
    with_config(config, |c| {
        c.tools.push(Tool {
            code_execution: Some(Empty {}),
            ..Tool::default()
        });
        Ok(())
    })
}

/// Adds a built-in tool: URL context.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_add_url_context(
    config: *mut gemini_live_config,
) -> gemini_live_result {
    with_config(config, |c| {
        c.tools.push(Tool {
            url_context: Some(Empty {}),
            ..Tool::default()
        });
        Ok(())
    })
}

/// Removes every tool (functions and built-in tools) added so far.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_clear_tools(
    config: *mut gemini_live_config,
) -> gemini_live_result {
    with_config(config, |c| {
        c.tools.clear();
        Ok(())
    })
}
