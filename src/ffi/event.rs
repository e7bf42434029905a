//! `gemini_live_event`: one event taken from a session, with borrowed views into it.

use super::lifecycle::*;
use super::*;
use crate::session::{Event, State};
use std::sync::OnceLock;

// The zero-copy view of an AUDIO event's samples, and its tests.
mod audio_view;
use audio_view::Samples;

// The JSON rendering of events (`gemini_live_event_json`).
mod json;
pub(crate) use json::to_json;

// The typed accessors of the other fields (session id, usage, counts, ids, ...).
mod fields;
pub use fields::*;

// The accessors of the fields of protocol.md Part D.3 (words, signatures, streamed args).
mod details;
pub use details::*;

/// Returned by `gemini_live_event_type` for a NULL event.
pub const GEMINI_LIVE_EVENT_NONE: u32 = 0;
/// `setupComplete` arrived; the session is ready (`gemini_live_event_session_id`). Always
/// the first event (a first connect
/// that had to retry delivers nothing before it); `GEMINI_LIVE_EVENT_NEW_SESSION` follows it
/// when the configured resumption handle was refused and a new session was started.
pub const GEMINI_LIVE_EVENT_SETUP_COMPLETE: u32 = 1;
/// Model text (`gemini_live_event_text`). With `GEMINI_LIVE_MODALITY_TEXT_AND_AUDIO` this
/// is the transcription of the model's audio.
pub const GEMINI_LIVE_EVENT_TEXT: u32 = 2;
/// A thought summary (`gemini_live_event_text`).
pub const GEMINI_LIVE_EVENT_THOUGHT: u32 = 3;
/// Model audio: PCM16 mono, usually 24 kHz (`gemini_live_event_audio`).
pub const GEMINI_LIVE_EVENT_AUDIO: u32 = 4;
/// Inline data that is not audio (`gemini_live_event_data`).
pub const GEMINI_LIVE_EVENT_INLINE_DATA: u32 = 5;
/// Code the model ran, or its result (`gemini_live_event_json`).
pub const GEMINI_LIVE_EVENT_CODE_EXECUTION: u32 = 6;
/// Transcription of the user's audio (`gemini_live_event_text`,
/// `gemini_live_event_finished`, `gemini_live_event_language_code`).
pub const GEMINI_LIVE_EVENT_INPUT_TRANSCRIPTION: u32 = 7;
/// Transcription of the model's audio with `GEMINI_LIVE_MODALITY_AUDIO`
/// (`gemini_live_event_text`, `gemini_live_event_finished`,
/// `gemini_live_event_language_code`).
pub const GEMINI_LIVE_EVENT_OUTPUT_TRANSCRIPTION: u32 = 8;
/// The model calls functions (`gemini_live_event_tool_call_count`,
/// `gemini_live_event_tool_call`); answer each with `gemini_live_session_send_tool_response`.
pub const GEMINI_LIVE_EVENT_TOOL_CALL: u32 = 9;
/// These calls are abandoned (`gemini_live_event_id_count`, `gemini_live_event_id`).
pub const GEMINI_LIVE_EVENT_TOOL_CALL_CANCELLATION: u32 = 10;
/// User input interrupted the model: drop queued playback.
pub const GEMINI_LIVE_EVENT_INTERRUPTED: u32 = 11;
/// The model finished generating (playback may still be going).
pub const GEMINI_LIVE_EVENT_GENERATION_COMPLETE: u32 = 12;
/// The turn is over (`gemini_live_event_usage`, `gemini_live_event_usage_detail`,
/// `gemini_live_event_reason`, `gemini_live_event_interaction_status`).
pub const GEMINI_LIVE_EVENT_TURN_COMPLETE: u32 = 13;
/// Token usage outside a turn's end (`gemini_live_event_usage`,
/// `gemini_live_event_usage_detail`).
pub const GEMINI_LIVE_EVENT_USAGE: u32 = 14;
/// Search grounding metadata (`gemini_live_event_json`: `web_search_queries`, `sources`,
/// `search_entry_point`, `metadata` as sent). URL-context metadata is
/// `GEMINI_LIVE_EVENT_URL_CONTEXT`.
pub const GEMINI_LIVE_EVENT_GROUNDING: u32 = 15;
/// The server will end the connection soon (`gemini_live_event_time_left`).
pub const GEMINI_LIVE_EVENT_GO_AWAY: u32 = 16;
/// A session resumption update (`gemini_live_event_resumption`: handle and resumable;
/// `gemini_live_event_last_consumed_index`); the latest handle is also kept by the session (`gemini_live_session_resumption_handle`).
pub const GEMINI_LIVE_EVENT_RESUMPTION_UPDATE: u32 = 17;
/// The session changed state (`gemini_live_event_state`).
pub const GEMINI_LIVE_EVENT_STATE_CHANGED: u32 = 18;
/// A server message of a kind this library does not know (`gemini_live_event_json`).
pub const GEMINI_LIVE_EVENT_UNKNOWN: u32 = 19;
/// An error that did not end the session (`gemini_live_event_error`).
pub const GEMINI_LIVE_EVENT_ERROR: u32 = 20;
/// The session ended; always the last event (`gemini_live_event_close`,
/// `gemini_live_event_error`).
pub const GEMINI_LIVE_EVENT_CLOSED: u32 = 21;
/// The connection was lost (or is being handed over after a GoAway) and a reconnection
/// attempt starts soon (`gemini_live_event_reconnecting`: attempt and delay;
/// `gemini_live_event_error`: the cause, `GEMINI_LIVE_OK` for a planned handover).
pub const GEMINI_LIVE_EVENT_RECONNECTING: u32 = 22;
/// Reconnected and resumed: the conversation goes on (`gemini_live_event_count`: the input
/// messages re-sent).
pub const GEMINI_LIVE_EVENT_RESUMED: u32 = 23;
/// Reconnected to a new session: the server's history was lost (`gemini_live_event_count`:
/// the input messages re-sent).
pub const GEMINI_LIVE_EVENT_NEW_SESSION: u32 = 24;
/// Input was dropped and will not reach the server (`gemini_live_event_input_dropped`).
pub const GEMINI_LIVE_EVENT_INPUT_DROPPED: u32 = 25;
/// Tool responses were not sent because their calls are gone (`gemini_live_event_id_count`,
/// `gemini_live_event_id`).
pub const GEMINI_LIVE_EVENT_TOOL_RESPONSES_DROPPED: u32 = 26;

/// The reply in progress was cut off by a lost connection and is void: drop what was
/// delivered for it since the last `TURN_COMPLETE` that ended an interaction (text, audio,
/// tool calls); its question is asked again after the reconnection, so the whole reply comes
/// again, once (`gemini_live_event_count`: the session's turn number).
pub const GEMINI_LIVE_EVENT_REPLY_DISCARDED: u32 = 40;
/// Resumed with a handle older than some answered turns: their replies were delivered, but
/// the model no longer remembers those exchanges (`gemini_live_event_count`: how many).
pub const GEMINI_LIVE_EVENT_CONTEXT_LOST: u32 = 41;
/// The server had lost part of the conversation and it was put back as history
/// (`gemini_live_event_context_restored`; `gemini_live_event_count`: the exchanges put back).
/// Comes instead of CONTEXT_LOST whenever anything was put back.
pub const GEMINI_LIVE_EVENT_CONTEXT_RESTORED: u32 = 42;
/// New content was sent while BLOCKING function calls were pending: the service drops them
/// without a cancellation, while their side effects may still happen
/// (`gemini_live_event_id_count`, `gemini_live_event_id`). Once per call.
pub const GEMINI_LIVE_EVENT_TOOL_CALLS_ABANDONED: u32 = 43;

/// Session state: opening the connection.
pub const GEMINI_LIVE_STATE_CONNECTING: u32 = 0;
/// Session state: set up; input is accepted and events flow.
pub const GEMINI_LIVE_STATE_CONNECTED: u32 = 1;
/// Session state: the connection was lost and a new one is being made.
pub const GEMINI_LIVE_STATE_RECONNECTING: u32 = 2;
/// Session state: `gemini_live_session_close` was called; closing.
pub const GEMINI_LIVE_STATE_CLOSING: u32 = 3;
/// Session state: closed; no more input is accepted.
pub const GEMINI_LIVE_STATE_CLOSED: u32 = 4;

/// The C constant for a state.
pub(crate) fn state_code(s: State) -> u32 {
    match s {
        State::Connecting => GEMINI_LIVE_STATE_CONNECTING,
        State::Connected => GEMINI_LIVE_STATE_CONNECTED,
        State::Reconnecting => GEMINI_LIVE_STATE_RECONNECTING,
        State::Closing => GEMINI_LIVE_STATE_CLOSING,
        State::Closed => GEMINI_LIVE_STATE_CLOSED,
    }
}

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
        let calls = match &event {
            Event::ToolCall(calls) => calls
                .iter()
                .map(|c| [c_text(&c.id), c_text(&c.name), c_text(&c.args.to_string())])
                .collect(),
            Event::FunctionCallPart(c) => {
                vec![[c_text(&c.id), c_text(&c.name), c_text(&c.args.to_string())]]
            }
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
            details: OnceLock::new(),
        }
    }

    fn details(&self) -> &details::Details {
        self.details
            .get_or_init(|| details::Details::of(&self.event))
    }
}

fn type_of(e: &Event) -> u32 {
    match e {
        Event::SetupComplete { .. } => GEMINI_LIVE_EVENT_SETUP_COMPLETE,
        Event::Text(_) => GEMINI_LIVE_EVENT_TEXT,
        Event::Thought(_) => GEMINI_LIVE_EVENT_THOUGHT,
        Event::Audio(_) => GEMINI_LIVE_EVENT_AUDIO,
        Event::InlineData { .. } => GEMINI_LIVE_EVENT_INLINE_DATA,
        Event::CodeExecution(_) => GEMINI_LIVE_EVENT_CODE_EXECUTION,
        Event::InputTranscription { .. } => GEMINI_LIVE_EVENT_INPUT_TRANSCRIPTION,
        Event::OutputTranscription { .. } => GEMINI_LIVE_EVENT_OUTPUT_TRANSCRIPTION,
        Event::ToolCall(_) => GEMINI_LIVE_EVENT_TOOL_CALL,
        Event::ToolCallCancellation(_) => GEMINI_LIVE_EVENT_TOOL_CALL_CANCELLATION,
        Event::Interrupted => GEMINI_LIVE_EVENT_INTERRUPTED,
        Event::GenerationComplete => GEMINI_LIVE_EVENT_GENERATION_COMPLETE,
        Event::TurnComplete { .. } => GEMINI_LIVE_EVENT_TURN_COMPLETE,
        Event::Usage(_) => GEMINI_LIVE_EVENT_USAGE,
        Event::Grounding(_) => GEMINI_LIVE_EVENT_GROUNDING,
        Event::GoAway { .. } => GEMINI_LIVE_EVENT_GO_AWAY,
        Event::ResumptionUpdate { .. } => GEMINI_LIVE_EVENT_RESUMPTION_UPDATE,
        Event::StateChanged(_) => GEMINI_LIVE_EVENT_STATE_CHANGED,
        Event::Unknown { .. } => GEMINI_LIVE_EVENT_UNKNOWN,
        Event::Error(_) => GEMINI_LIVE_EVENT_ERROR,
        Event::Closed { .. } => GEMINI_LIVE_EVENT_CLOSED,
        Event::Reconnecting { .. } => GEMINI_LIVE_EVENT_RECONNECTING,
        Event::Resumed { .. } => GEMINI_LIVE_EVENT_RESUMED,
        Event::NewSession { .. } => GEMINI_LIVE_EVENT_NEW_SESSION,
        Event::InputDropped { .. } => GEMINI_LIVE_EVENT_INPUT_DROPPED,
        Event::ToolResponsesDropped { .. } => GEMINI_LIVE_EVENT_TOOL_RESPONSES_DROPPED,
        Event::UrlContext(_) => GEMINI_LIVE_EVENT_URL_CONTEXT,
        Event::WaitingForInput => GEMINI_LIVE_EVENT_WAITING_FOR_INPUT,
        Event::VoiceActivity { .. } => GEMINI_LIVE_EVENT_VOICE_ACTIVITY,
        Event::VadSignal(_) => GEMINI_LIVE_EVENT_VAD_SIGNAL,
        Event::InterimInputTranscription { .. } => GEMINI_LIVE_EVENT_INTERIM_INPUT_TRANSCRIPTION,
        Event::TextFinished => GEMINI_LIVE_EVENT_TEXT_FINISHED,
        Event::ReplyDiscarded { .. } => GEMINI_LIVE_EVENT_REPLY_DISCARDED,
        Event::ContextLost { .. } => GEMINI_LIVE_EVENT_CONTEXT_LOST,
        Event::ContextRestored { .. } => GEMINI_LIVE_EVENT_CONTEXT_RESTORED,
        Event::ToolCallsAbandoned { .. } => GEMINI_LIVE_EVENT_TOOL_CALLS_ABANDONED,
        // The D.3 events; a variant added without a constant yet is still delivered.
        other => details::type_of(other).unwrap_or(GEMINI_LIVE_EVENT_UNKNOWN),
    }
}

pub(crate) fn wrong(ev: &gemini_live_event, what: &str) -> Fail {
    Fail::new(
        GEMINI_LIVE_WRONG_EVENT_TYPE,
        format!("event type {} has no {what}", type_of(&ev.event)),
    )
}

/// The event's `GEMINI_LIVE_EVENT_*` type; `GEMINI_LIVE_EVENT_NONE` (0) for NULL.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_type(event: *const gemini_live_event) -> u32 {
    boundary_value(GEMINI_LIVE_EVENT_NONE, || {
        event
            .as_ref()
            .map_or(GEMINI_LIVE_EVENT_NONE, |e| type_of(&e.event))
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
