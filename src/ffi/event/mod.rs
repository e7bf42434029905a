//! `gemini_live_event`: one event taken from a session by `gemini_live_session_next_event`,
//! its kinds (`GEMINI_LIVE_EVENT_*`), the session states, and the accessors of its fields,
//! which borrow views into it until `gemini_live_event_free`.

use crate::ffi::*;
use crate::session::Event;
use std::sync::OnceLock;

// The event kinds and session states (`GEMINI_LIVE_EVENT_*`, `GEMINI_LIVE_STATE_*`).
mod kinds;
pub use kinds::*;

// The zero-copy view of an AUDIO event's samples, and its tests.
mod audio_view;
use audio_view::Samples;

// The JSON rendering of events (`gemini_live_event_json`).
mod json;
pub(crate) use json::to_json;

// Token usage (`gemini_live_usage` and the per-modality lists).
mod usage;
pub use usage::*;

// The typed accessors of the other fields (session id, usage, counts, ids, ...).
mod fields;
pub use fields::*;

// The accessors of the fields of protocol.md Part D.3 (words, signatures, streamed args).
mod details;
pub use details::*;

// Lifecycle events (interaction status, restored context, resumption index) and their JSON.
mod lifecycle;
pub use lifecycle::*;

/// One event, owned by the caller of `gemini_live_session_next_event`, who frees it with
/// `gemini_live_event_free`. Every pointer an accessor returns points into the event and
/// stays valid until the event is freed. An event may be read from several threads at once.
///
/// Functions: `gemini_live_event_type`, `gemini_live_event_text`, `gemini_live_event_audio`,
/// `gemini_live_event_data`, `gemini_live_event_finished`, `gemini_live_event_state`,
/// `gemini_live_event_tool_call_count`, `gemini_live_event_tool_call`,
/// `gemini_live_event_close`, `gemini_live_event_error`, `gemini_live_event_session_id`,
/// `gemini_live_event_usage`, `gemini_live_event_usage_detail_count`,
/// `gemini_live_event_usage_detail`, `gemini_live_event_reason`,
/// `gemini_live_event_time_left`, `gemini_live_event_resumption`,
/// `gemini_live_event_reconnecting`, `gemini_live_event_count`,
/// `gemini_live_event_input_dropped`, `gemini_live_event_context_restored`,
/// `gemini_live_event_id_count`, `gemini_live_event_id`,
/// `gemini_live_event_language_code`, `gemini_live_event_voice_activity`,
/// `gemini_live_event_vad_signal`, `gemini_live_event_json`, `gemini_live_event_free`,
/// `gemini_live_event_last_consumed_index`, `gemini_live_event_interaction_status`.
pub struct gemini_live_event {
    pub(crate) event: Event,
    /// NUL-terminated text of Text/Thought/transcription events.
    text: Option<Box<[u8]>>,
    /// Audio samples for `gemini_live_event_audio` (see [`Samples`]).
    samples: Samples,
    /// NUL-terminated id, name and JSON arguments of each tool call.
    calls: Vec<[Box<[u8]>; 3]>,
    /// NUL-terminated MIME type of InlineData events or reason of Closed events.
    aux: Option<Box<[u8]>>,
    /// Code and NUL-terminated message of Error events and Closed events with an error.
    error: Option<(gemini_live_result, Box<[u8]>)>,
    /// The JSON rendering, made on first use.
    json: OnceLock<Box<[u8]>>,
    /// The NUL-terminated strings of the other fields, made on first use.
    strings: OnceLock<fields::Strings>,
    /// The NUL-terminated modality names of the usage details, made on first use.
    usage_names: OnceLock<usage::Names>,
    /// The NUL-terminated strings of the D.3 fields, made on first use.
    details: OnceLock<details::Details>,
}

impl gemini_live_event {
    pub(crate) fn new(event: Event) -> gemini_live_event {
        let text = match &event {
            Event::Text(t) | Event::Thought(t) => Some(c_text(t)),
            Event::InputTranscription { text, .. }
            | Event::OutputTranscription { text, .. }
            | Event::InterimInputTranscription { text, .. } => Some(c_text(text)),
            _ => None,
        };
        let samples = match &event {
            Event::Audio(a) => Samples::of(&a.data),
            _ => Samples::Copied(Vec::new()),
        };
        // A call without `args` (a streamed one) still gets a JSON object, as documented.
        let args = |a: &serde_json::Value| match a {
            serde_json::Value::Null => c_text("{}"),
            a => c_text(&a.to_string()),
        };
        let calls = match &event {
            Event::ToolCall(calls) => (calls.iter())
                .map(|c| [c_text(&c.id), c_text(&c.name), args(&c.args)])
                .collect(),
            Event::FunctionCallPart(c) => vec![[c_text(&c.id), c_text(&c.name), args(&c.args)]],
            _ => Vec::new(),
        };
        let aux = match &event {
            Event::InlineData { mime_type, .. } => Some(c_text(mime_type)),
            Event::Closed { reason, .. } => Some(c_text(reason)),
            _ => None,
        };
        let error = match &event {
            Event::Error(e)
            | Event::Closed { error: Some(e), .. }
            | Event::Reconnecting { cause: Some(e), .. } => {
                Some((result_of(e), c_text(&e.message(crate::wording::Lang::C))))
            }
            _ => None,
        };
        gemini_live_event {
            event,
            text,
            samples,
            calls,
            aux,
            error,
            json: OnceLock::new(),
            strings: OnceLock::new(),
            usage_names: OnceLock::new(),
            details: OnceLock::new(),
        }
    }

    fn details(&self) -> &details::Details {
        self.details
            .get_or_init(|| details::Details::of(&self.event))
    }
}

pub(crate) fn wrong(ev: &gemini_live_event, what: &str) -> Fail {
    Fail::new(
        GEMINI_LIVE_WRONG_EVENT_TYPE,
        format!("event type {} has no {what}", kind_of(&ev.event)),
    )
}

/// The event's `GEMINI_LIVE_EVENT_*` type; `GEMINI_LIVE_EVENT_NONE` (0) for NULL.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_type(event: *const gemini_live_event) -> u32 {
    boundary_value(GEMINI_LIVE_EVENT_NONE, || {
        event
            .as_ref()
            .map_or(GEMINI_LIVE_EVENT_NONE, |e| kind_of(&e.event))
    })
}

/// The text of a TEXT, THOUGHT, INPUT_TRANSCRIPTION or OUTPUT_TRANSCRIPTION event: `*text`
/// points to UTF-8 (NUL-terminated too) of `*len` bytes, borrowed until the event is freed.
/// `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_text(
    event: *const gemini_live_event,
    text: *mut *const c_char,
    len: *mut usize,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let (text, len) = (out_ptr(text, "text")?, out_ptr(len, "len")?);
        let t = ev.text.as_ref().ok_or_else(|| wrong(ev, "text"))?;
        *text = t.as_ptr().cast();
        *len = t.len() - 1;
        Ok(())
    })
}

/// The samples of an AUDIO event: `*samples` points to `*n_samples` native-endian PCM16 mono
/// samples at `*sample_rate` Hz (24000 from the service), borrowed until the event is freed.
/// `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events.
///
/// Zero-copy: on little-endian hosts `*samples` points into the event's own decoded audio
/// (the buffer the base64 was decoded into, aligned for `int16_t`), so reading the samples
/// costs no copy; calling it again returns the same pointer. The pointer is always aligned
/// for `int16_t`, valid for `*n_samples` samples (`*n_samples` may be 0 only for an empty
/// chunk), read-only, and lives until `gemini_live_event_free`. Any thread may call it.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_audio(
    event: *const gemini_live_event,
    samples: *mut *const i16,
    n_samples: *mut usize,
    sample_rate: *mut u32,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let samples = out_ptr(samples, "samples")?;
        let (n, rate) = (
            out_ptr(n_samples, "n_samples")?,
            out_ptr(sample_rate, "rate")?,
        );
        let Event::Audio(chunk) = &ev.event else {
            return Err(wrong(ev, "audio"));
        };
        *samples = ev.samples.ptr(&chunk.data);
        *n = chunk.data.len() / 2;
        *rate = chunk.sample_rate;
        Ok(())
    })
}

/// The payload of an INLINE_DATA event: `*mime_type` (NUL-terminated) and `*len` bytes at
/// `*data`, borrowed until the event is freed. `GEMINI_LIVE_WRONG_EVENT_TYPE` otherwise.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_data(
    event: *const gemini_live_event,
    mime_type: *mut *const c_char,
    data: *mut *const u8,
    len: *mut usize,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let mime_out = out_ptr(mime_type, "mime_type")?;
        let (data, len) = (out_ptr(data, "data")?, out_ptr(len, "len")?);
        let (Event::InlineData { data: bytes, .. }, Some(mime)) = (&ev.event, &ev.aux) else {
            return Err(wrong(ev, "inline data"));
        };
        *mime_out = mime.as_ptr().cast();
        *data = bytes.as_ptr();
        *len = bytes.len();
        Ok(())
    })
}

/// Whether the utterance of an INPUT_TRANSCRIPTION or OUTPUT_TRANSCRIPTION event is final.
/// `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_finished(
    event: *const gemini_live_event,
    finished: *mut bool,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let out = out_ptr(finished, "finished")?;
        match &ev.event {
            Event::InputTranscription { finished, .. }
            | Event::OutputTranscription { finished, .. } => *out = *finished,
            _ => return Err(wrong(ev, "finished flag")),
        }
        Ok(())
    })
}

/// The new `GEMINI_LIVE_STATE_*` of a STATE_CHANGED event.
/// `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_state(
    event: *const gemini_live_event,
    state: *mut u32,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let out = out_ptr(state, "state")?;
        let Event::StateChanged(s) = &ev.event else {
            return Err(wrong(ev, "state"));
        };
        *out = state_code(*s);
        Ok(())
    })
}

/// The number of function calls in a TOOL_CALL event (`*count`).
/// `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_tool_call_count(
    event: *const gemini_live_event,
    count: *mut usize,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let out = out_ptr(count, "count")?;
        if !matches!(ev.event, Event::ToolCall(_) | Event::FunctionCallPart(_)) {
            return Err(wrong(ev, "tool calls"));
        }
        *out = ev.calls.len();
        Ok(())
    })
}

/// Function call `index` (from 0) of a TOOL_CALL event: its `*id` (echo it in the
/// response), `*name` and `*args_json` (a JSON object), all NUL-terminated UTF-8 borrowed
/// until the event is freed. `GEMINI_LIVE_INVALID_ARGUMENT` if `index` is out of range,
/// `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_tool_call(
    event: *const gemini_live_event,
    index: usize,
    id: *mut *const c_char,
    name: *mut *const c_char,
    args_json: *mut *const c_char,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let (id, name) = (out_ptr(id, "id")?, out_ptr(name, "name")?);
        let args = out_ptr(args_json, "args_json")?;
        if !matches!(ev.event, Event::ToolCall(_) | Event::FunctionCallPart(_)) {
            return Err(wrong(ev, "tool calls"));
        }
        let call = ev
            .calls
            .get(index)
            .ok_or_else(|| Fail::invalid(format!("tool call {index} of {}", ev.calls.len())))?;
        *id = call[0].as_ptr().cast();
        *name = call[1].as_ptr().cast();
        *args = call[2].as_ptr().cast();
        Ok(())
    })
}

/// The close `*code` (1000 after `gemini_live_session_close`, 1006 when the connection
/// dropped) and `*reason` (NUL-terminated, borrowed until the event is freed) of a CLOSED
/// event. Why it closed, if not on request, is in `gemini_live_event_error`.
/// `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_close(
    event: *const gemini_live_event,
    code: *mut u16,
    reason: *mut *const c_char,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let (code_out, reason_out) = (out_ptr(code, "code")?, out_ptr(reason, "reason")?);
        let (Event::Closed { code, .. }, Some(msg)) = (&ev.event, &ev.aux) else {
            return Err(wrong(ev, "close code"));
        };
        *code_out = *code;
        *reason_out = msg.as_ptr().cast();
        Ok(())
    })
}

/// The error of an ERROR event, or why the session of a CLOSED event ended, or what caused
/// a RECONNECTING event: `*code` is a `gemini_live_result` (e.g.
/// `GEMINI_LIVE_SERVER_CLOSED_RETRYABLE`) and `*message` its NUL-terminated text, borrowed
/// until the event is freed. For a CLOSED event that ended on request, or a planned
/// reconnection, `*code` is `GEMINI_LIVE_OK` and `*message` is empty.
/// `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_error(
    event: *const gemini_live_event,
    code: *mut gemini_live_result,
    message: *mut *const c_char,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let (code_out, msg_out) = (out_ptr(code, "code")?, out_ptr(message, "message")?);
        match (&ev.event, &ev.error) {
            (_, Some((c, m))) => {
                *code_out = *c;
                *msg_out = m.as_ptr().cast();
            }
            (Event::Closed { .. } | Event::Reconnecting { .. }, None) => {
                *code_out = GEMINI_LIVE_OK;
                *msg_out = c"".as_ptr();
            }
            _ => return Err(wrong(ev, "error")),
        }
        Ok(())
    })
}

/// A JSON rendering of any event, `{"type":"<kind>", ...}` with the kind in snake case
/// (`"text"`, `"turn_complete"`, `"tool_call"`, `"usage"`, `"unknown"`...) and its fields;
/// audio is summarised as `{"type":"audio","sample_rate":R,"samples":N}` without the samples.
/// `*json` is NUL-terminated UTF-8 of `*len` bytes, borrowed until the event is freed.
/// Useful for the structured events without typed accessors (code execution, grounding, URL
/// context, unknown messages) and for logging; every other field has a typed accessor.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_json(
    event: *const gemini_live_event,
    json: *mut *const c_char,
    len: *mut usize,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let (json_out, len_out) = (out_ptr(json, "json")?, out_ptr(len, "len")?);
        let text = ev
            .json
            .get_or_init(|| c_text(&to_json(&ev.event).to_string()));
        *json_out = text.as_ptr().cast();
        *len_out = text.len() - 1;
        Ok(())
    })
}

/// Frees an event and everything its accessors returned. NULL does nothing.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_free(event: *mut gemini_live_event) {
    boundary_value((), || free_raw(event))
}
