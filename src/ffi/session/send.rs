//! The send functions of `gemini_live_session`.
//!
//! Every send copies its input, writes it from the calling thread when nothing is queued and
//! the socket takes it at once, else queues it for the session's writer thread, and
//! returns: it waits only for room in a full send queue, up to the send timeout
//! (`GEMINI_LIVE_SEND_TIMEOUT`), and `gemini_live_session_try_send_audio` never waits
//! (`GEMINI_LIVE_WOULD_BLOCK`). After close they return `GEMINI_LIVE_CLOSED`.

use super::gemini_live_session;
use crate::ffi::config::{gemini_live_config, json_object, wire_enum};
use crate::ffi::*;
use crate::protocol::{
    Blob, ClientMessage, Content, ContextTools, ContextUpdate, FileData, FunctionCallPart,
    FunctionResponse, Part, Scheduling,
};
use crate::session::Session;

/// Runs `f` on the session behind `session`.
unsafe fn with_session(
    session: *mut gemini_live_session,
    f: impl FnOnce(&Session) -> FfiResult,
) -> gemini_live_result {
    boundary(|| f(&arg_ref(session, "session")?.inner))
}

/// Sends a user text turn (`clientContent` with `turnComplete: true`): the model answers.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_session_send_text(
    session: *mut gemini_live_session,
    text: *const c_char,
) -> gemini_live_result {
    with_session(session, |s| Ok(s.send_text(arg_str(text, "text")?)?))
}

/// Sends text as realtime input (`realtimeInput.text`), mixed with streamed audio; with
/// voice activity detection on, the model answers when it decides the user is done.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_session_send_realtime_text(
    session: *mut gemini_live_session,
    text: *const c_char,
) -> gemini_live_result {
    with_session(session, |s| {
        Ok(s.send_realtime_text(arg_str(text, "text")?)?)
    })
}

/// Sends `n_samples` 16 kHz mono PCM16 samples (native-endian `int16_t`; 20 to 100 ms per
/// call is typical, e.g. 320 samples = 20 ms). Empty audio is `GEMINI_LIVE_INVALID_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_session_send_audio(
    session: *mut gemini_live_session,
    samples: *const i16,
    n_samples: usize,
) -> gemini_live_result {
    with_session(session, |s| {
        Ok(s.send_audio(arg_slice(samples, n_samples, "samples")?)?)
    })
}

/// Like `gemini_live_session_send_audio` for samples captured at `sample_rate` Hz
/// (1000 to 192000; the service resamples).
#[no_mangle]
pub unsafe extern "C" fn gemini_live_session_send_audio_rate(
    session: *mut gemini_live_session,
    samples: *const i16,
    n_samples: usize,
    sample_rate: u32,
) -> gemini_live_result {
    with_session(session, |s| {
        let samples = arg_slice(samples, n_samples, "samples")?;
        Ok(s.send_audio_rate(samples, sample_rate)?)
    })
}

/// Sends 16 kHz mono PCM16 little-endian audio given as `len` bytes (no alignment needed).
/// An odd or zero `len` is `GEMINI_LIVE_INVALID_ARGUMENT`.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_session_send_audio_bytes(
    session: *mut gemini_live_session,
    pcm: *const u8,
    len: usize,
) -> gemini_live_result {
    with_session(session, |s| {
        Ok(s.send_audio_bytes(arg_slice(pcm, len, "pcm")?)?)
    })
}

/// Like `gemini_live_session_send_audio_bytes` for audio captured at `sample_rate` Hz.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_session_send_audio_bytes_rate(
    session: *mut gemini_live_session,
    pcm: *const u8,
    len: usize,
    sample_rate: u32,
) -> gemini_live_result {
    with_session(session, |s| {
        Ok(s.send_audio_bytes_rate(arg_slice(pcm, len, "pcm")?, sample_rate)?)
    })
}

/// Like `gemini_live_session_send_audio_rate` but never waits: `GEMINI_LIVE_WOULD_BLOCK`
/// (nothing queued) when the send queue is full. Pass `sample_rate` 16000 for the usual
/// input. Even so, do not call it from a real-time audio callback: it allocates; hand the
/// samples to another thread instead.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_session_try_send_audio(
    session: *mut gemini_live_session,
    samples: *const i16,
    n_samples: usize,
    sample_rate: u32,
) -> gemini_live_result {
    with_session(session, |s| {
        let samples = arg_slice(samples, n_samples, "samples")?;
        Ok(s.try_send_audio_rate(samples, sample_rate)?)
    })
}

/// Sends one video frame: `len` bytes of a JPEG image (about 1 frame per second is usual).
#[no_mangle]
pub unsafe extern "C" fn gemini_live_session_send_video_frame(
    session: *mut gemini_live_session,
    jpeg: *const u8,
    len: usize,
) -> gemini_live_result {
    with_session(session, |s| {
        Ok(s.send_video_frame(arg_slice(jpeg, len, "jpeg")?)?)
    })
}

/// Tells the service the audio stream paused (voice activity detection on, the default):
/// it ends the user's turn now instead of waiting for silence.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_session_audio_stream_end(
    session: *mut gemini_live_session,
) -> gemini_live_result {
    with_session(session, |s| Ok(s.audio_stream_end()?))
}

/// Marks the start of user activity (voice activity detection off only; otherwise
/// `GEMINI_LIVE_INVALID_ARGUMENT`).
#[no_mangle]
pub unsafe extern "C" fn gemini_live_session_activity_start(
    session: *mut gemini_live_session,
) -> gemini_live_result {
    with_session(session, |s| Ok(s.activity_start()?))
}

/// Marks the end of user activity (voice activity detection off only): the model answers.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_session_activity_end(
    session: *mut gemini_live_session,
) -> gemini_live_result {
    with_session(session, |s| Ok(s.activity_end()?))
}

/// Answers one function call of a `GEMINI_LIVE_EVENT_TOOL_CALL` event: `call_id` and
/// `name` as the call gave them, `response_json` a JSON object such as
/// `{"result":"sunny, 21C"}` (`GEMINI_LIVE_INVALID_JSON` otherwise). An empty `call_id` is
/// `GEMINI_LIVE_INVALID_ARGUMENT` (the service requires it).
#[no_mangle]
pub unsafe extern "C" fn gemini_live_session_send_tool_response(
    session: *mut gemini_live_session,
    call_id: *const c_char,
    name: *const c_char,
    response_json: *const c_char,
) -> gemini_live_result {
    with_session(session, |s| {
        let id = arg_str(call_id, "call_id")?.to_string();
        let name = arg_str(name, "name")?.to_string();
        let response = json_object(arg_str(response_json, "response_json")?, "response_json")?;
        let r = FunctionResponse {
            id,
            name,
            response,
            ..FunctionResponse::default()
        };
        Ok(s.send_tool_response(vec![r])?)
    })
}

/// Sends `clientContent` given as JSON: `{"turns":[{"role":"user","parts":[{"text":"..."}]},
/// ...],"turnComplete":true}` (snake_case keys are accepted too). Parts may be `text` or
/// `inlineData` (`{"mimeType":...,"data":"<base64>"}`). Use it to seed history with `model`
/// turns. `GEMINI_LIVE_INVALID_JSON` if the shape is wrong.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_session_send_client_content_json(
    session: *mut gemini_live_session,
    json: *const c_char,
) -> gemini_live_result {
    with_session(session, |s| {
        let v = json_object(arg_str(json, "json")?, "json")?;
        let turns = field(&v, "turns")
            .and_then(|t| t.as_array())
            .ok_or_else(|| bad_json("`turns` must be an array"))?;
        let turns = turns.iter().map(content).collect::<Result<Vec<_>, _>>()?;
        let complete = field(&v, "turnComplete").and_then(|t| t.as_bool());
        Ok(s.send_client_content(turns, complete.unwrap_or(true))?)
    })
}

fn bad_json(detail: &str) -> Fail {
    Fail::new(GEMINI_LIVE_INVALID_JSON, detail)
}

/// A camelCase key of `v`, or its snake_case spelling.
fn field<'a>(v: &'a serde_json::Value, camel: &str) -> Option<&'a serde_json::Value> {
    v.get(camel).or_else(|| {
        let snake: String = camel
            .chars()
            .flat_map(|c| match c.is_ascii_uppercase() {
                true => vec!['_', c.to_ascii_lowercase()],
                false => vec![c],
            })
            .collect();
        v.get(snake)
    })
}

fn content(v: &serde_json::Value) -> Result<Content, Fail> {
    let role = field(v, "role")
        .and_then(|r| r.as_str())
        .map(str::to_string);
    let parts = field(v, "parts")
        .and_then(|p| p.as_array())
        .ok_or_else(|| bad_json("each turn needs a `parts` array"))?;
    let parts = parts.iter().map(part).collect::<Result<Vec<_>, _>>()?;
    Ok(Content { role, parts })
}

fn part(v: &serde_json::Value) -> Result<Part, Fail> {
    let text = field(v, "text")
        .and_then(|t| t.as_str())
        .map(str::to_string);
    let inline_data = match field(v, "inlineData") {
        Some(d) => Some(Blob {
            mime_type: field(d, "mimeType")
                .and_then(|m| m.as_str())
                .ok_or_else(|| bad_json("`inlineData` needs a `mimeType` string"))?
                .to_string(),
            data: field(d, "data")
                .and_then(|m| m.as_str())
                .ok_or_else(|| bad_json("`inlineData` needs a base64 `data` string"))?
                .to_string(),
        }),
        None => None,
    };
    fn string<'a>(o: &'a serde_json::Value, k: &str) -> Option<&'a str> {
        field(o, k).and_then(|x| x.as_str())
    }
    let required = |o: &serde_json::Value, k: &str, what: &str| {
        string(o, k)
            .map(str::to_string)
            .ok_or_else(|| bad_json(&format!("`{what}` needs a `{k}` string")))
    };
    let file_data = match field(v, "fileData") {
        Some(d) => Some(FileData {
            mime_type: required(d, "mimeType", "fileData")?,
            file_uri: required(d, "fileUri", "fileData")?,
        }),
        None => None,
    };
    let function_call = match field(v, "functionCall") {
        Some(c) => Some(FunctionCallPart {
            id: string(c, "id").map(str::to_string),
            name: required(c, "name", "functionCall")?,
            args: field(c, "args")
                .cloned()
                .unwrap_or_else(|| serde_json::json!({})),
        }),
        None => None,
    };
    let function_response = match field(v, "functionResponse") {
        Some(r) => Some(FunctionResponse {
            id: string(r, "id").unwrap_or_default().to_string(),
            name: required(r, "name", "functionResponse")?,
            response: field(r, "response")
                .filter(|x| x.is_object())
                .cloned()
                .ok_or_else(|| bad_json("`functionResponse` needs a `response` object"))?,
            ..FunctionResponse::default()
        }),
        None => None,
    };
    let part = Part {
        text,
        inline_data,
        file_data,
        function_call,
        function_response,
        thought_signature: string(v, "thoughtSignature").map(str::to_string),
    };
    if part.text.is_none()
        && part.inline_data.is_none()
        && part.file_data.is_none()
        && part.function_call.is_none()
        && part.function_response.is_none()
    {
        return Err(bad_json(
            "each part needs `text`, `inlineData`, `fileData`, `functionCall` or \
             `functionResponse`",
        ));
    }
    Ok(part)
}

/// Answers a non-blocking function call: like `gemini_live_session_send_tool_response`,
/// plus `scheduling` (`SILENT`, `WHEN_IDLE`, `INTERRUPT`, or `""` for none) and
/// `will_continue` (more responses to this call follow).
#[no_mangle]
pub unsafe extern "C" fn gemini_live_session_send_tool_response_scheduled(
    session: *mut gemini_live_session,
    call_id: *const c_char,
    name: *const c_char,
    response_json: *const c_char,
    scheduling: *const c_char,
    will_continue: bool,
) -> gemini_live_result {
    boundary(|| {
        let s = &arg_ref(session, "session")?.inner;
        let response = json_object(arg_str(response_json, "response_json")?, "response_json")?;
        let r = FunctionResponse {
            id: arg_str(call_id, "call_id")?.to_string(),
            name: arg_str(name, "name")?.to_string(),
            response,
            scheduling: wire_enum(arg_str(scheduling, "scheduling")?, Scheduling::parse)?,
            will_continue: will_continue.then_some(true),
            parts: Vec::new(),
        };
        Ok(s.send_tool_response(vec![r])?)
    })
}

/// Sends `contextUpdate`: `system_instruction` replaces the system instruction (NULL keeps
/// it); the tools of `tools_from` (a config made for the purpose with the
/// `gemini_live_config_add_*` tool functions) replace the session's tools (NULL keeps them;
/// a config without tools clears them). Server support per model is uncertain.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_session_send_context_update(
    session: *mut gemini_live_session,
    system_instruction: *const c_char,
    tools_from: *const gemini_live_config,
) -> gemini_live_result {
    boundary(|| {
        let s = &arg_ref(session, "session")?.inner;
        let instruction = match system_instruction.is_null() {
            true => None,
            false => Some(Content::text(
                "user",
                arg_str(system_instruction, "system_instruction")?,
            )),
        };
        let tools = tools_from.as_ref().map(|c| ContextTools {
            tools: c.inner.tools.clone(),
        });
        Ok(s.send(&ClientMessage::ContextUpdate(ContextUpdate {
            system_instruction: instruction,
            tools,
        }))?)
    })
}
