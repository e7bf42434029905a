//! Typed accessors for the fields of protocol.md Part D.3 (transcription words, offsets and
//! speaker labels; thought and voice consent signatures; function-call parts; streamed
//! function arguments; usage labels). A child module of `event.rs`.
//!
//! The strings are made NUL-terminated on first use of any of these accessors ([`Details`],
//! in the event's `OnceLock`) and borrowed until the event is freed.

use super::*;
use crate::protocol::{PartialArg, TranscriptSource, UsageMetadata};
use serde_json::{Map, Value};

#[cfg(test)]
mod tests;

/// The word timings, speaker label and offsets of the transcription just delivered
/// (`gemini_live_event_transcription_detail`, `gemini_live_event_transcription_word`).
pub const GEMINI_LIVE_EVENT_TRANSCRIPTION_DETAIL: u32 = 50;
/// The thought signature (base64) of the model part just delivered: give it back with that
/// part in history (`gemini_live_event_signature`).
pub const GEMINI_LIVE_EVENT_THOUGHT_SIGNATURE: u32 = 51;
/// A `functionCall` part of the model's turn, a record for history: answer the TOOL_CALL
/// event, not this (`gemini_live_event_tool_call` with index 0).
pub const GEMINI_LIVE_EVENT_FUNCTION_CALL_PART: u32 = 52;
/// The service verified a replicated voice's consent recording: send this signature in
/// later setups instead of the recording (`gemini_live_event_signature`).
pub const GEMINI_LIVE_EVENT_VOICE_CONSENT_SIGNATURE: u32 = 53;

/// `gemini_live_event_transcription_detail`: the user's speech (`inputTranscription`).
pub const GEMINI_LIVE_TRANSCRIPT_INPUT: u32 = 1;
/// `gemini_live_event_transcription_detail`: `interimInputTranscription`.
pub const GEMINI_LIVE_TRANSCRIPT_INTERIM_INPUT: u32 = 2;
/// `gemini_live_event_transcription_detail`: the model's speech (`outputTranscription`).
pub const GEMINI_LIVE_TRANSCRIPT_OUTPUT: u32 = 3;

/// The event type of the D.3 events, or `None` for the others.
pub(super) fn type_of(e: &Event) -> Option<u32> {
    Some(match e {
        Event::TranscriptionDetail(_) => GEMINI_LIVE_EVENT_TRANSCRIPTION_DETAIL,
        Event::ThoughtSignature(_) => GEMINI_LIVE_EVENT_THOUGHT_SIGNATURE,
        Event::FunctionCallPart(_) => GEMINI_LIVE_EVENT_FUNCTION_CALL_PART,
        Event::VoiceConsentSignature(_) => GEMINI_LIVE_EVENT_VOICE_CONSENT_SIGNATURE,
        _ => return None,
    })
}

/// The NUL-terminated strings of these fields, made on first use.
#[derive(Default)]
pub(super) struct Details {
    /// Speaker label, or the signature.
    one: Option<Box<[u8]>>,
    /// The words of a TRANSCRIPTION_DETAIL event.
    words: Vec<Box<[u8]>>,
    /// Per tool call of a TOOL_CALL event: its `partialArgs` as a JSON array.
    partial_args: Vec<Box<[u8]>>,
    /// A usage's `trafficType` and `serviceTier`.
    labels: [Option<Box<[u8]>>; 2],
}

/// A call's `partialArgs` with the keys in snake case, as the C API names fields
/// (`json_path`, `string_value`, `number_value`, `bool_value`, `null_value`,
/// `will_continue`); absent fields are left out.
fn partial_args_json(args: &[PartialArg]) -> Value {
    let one = |a: &PartialArg| {
        let mut m = Map::new();
        let mut put = |k: &str, v: Option<Value>| {
            if let Some(v) = v {
                m.insert(k.to_string(), v);
            }
        };
        put("json_path", a.json_path.clone().map(Value::String));
        put("string_value", a.string_value.clone().map(Value::String));
        put("number_value", a.number_value.clone().map(Value::Number));
        put("bool_value", a.bool_value.map(Value::Bool));
        put("null_value", a.null_value.clone().map(Value::String));
        put("will_continue", a.will_continue.map(Value::Bool));
        Value::Object(m)
    };
    Value::Array(args.iter().map(one).collect())
}

fn usage_of(e: &Event) -> Option<&UsageMetadata> {
    match e {
        Event::Usage(u) => Some(u),
        Event::TurnComplete { usage, .. } => usage.as_ref(),
        _ => None,
    }
}

impl Details {
    pub(super) fn of(e: &Event) -> Details {
        let mut d = Details::default();
        match e {
            Event::TranscriptionDetail(t) => {
                d.one = t.speaker_label.as_deref().map(c_text);
                d.words = t.words.iter().map(|w| c_text(&w.word)).collect();
            }
            Event::ThoughtSignature(s) | Event::VoiceConsentSignature(s) => {
                d.one = Some(c_text(s));
            }
            Event::ToolCall(calls) => {
                d.partial_args = (calls.iter())
                    .map(|c| c_text(&partial_args_json(&c.partial_args).to_string()))
                    .collect();
            }
            _ => {}
        }
        if let Some(u) = usage_of(e) {
            d.labels = [
                u.traffic_type.as_deref().map(c_text),
                u.service_tier.as_deref().map(c_text),
            ];
        }
        d
    }
}

fn ptr(s: &Option<Box<[u8]>>) -> *const c_char {
    s.as_ref().map_or(std::ptr::null(), |s| s.as_ptr().cast())
}

fn millis(d: Option<std::time::Duration>) -> i64 {
    d.map_or(-1, |d| i64::try_from(d.as_millis()).unwrap_or(i64::MAX))
}

fn wrong_type(ev: &gemini_live_event, what: &str) -> Fail {
    super::wrong(ev, what)
}

/// A TRANSCRIPTION_DETAIL event: `*source` (`GEMINI_LIVE_TRANSCRIPT_*`), `*speaker_label`
/// (NUL-terminated, borrowed until the event is freed; NULL when not sent), the fragment's
/// `*start_ms` / `*end_ms` in the audio (-1 when not sent) and `*word_count` (read each with
/// `gemini_live_event_transcription_word`). `GEMINI_LIVE_WRONG_EVENT_TYPE` for other
/// events. Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_transcription_detail(
    event: *const gemini_live_event,
    source: *mut u32,
    speaker_label: *mut *const c_char,
    start_ms: *mut i64,
    end_ms: *mut i64,
    word_count: *mut usize,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let (src, label) = (
            out_ptr(source, "source")?,
            out_ptr(speaker_label, "speaker_label")?,
        );
        let (start, end) = (out_ptr(start_ms, "start_ms")?, out_ptr(end_ms, "end_ms")?);
        let count = out_ptr(word_count, "word_count")?;
        let Event::TranscriptionDetail(t) = &ev.event else {
            return Err(wrong_type(ev, "transcription detail"));
        };
        *src = match t.source {
            Some(TranscriptSource::Input) | None => GEMINI_LIVE_TRANSCRIPT_INPUT,
            Some(TranscriptSource::InterimInput) => GEMINI_LIVE_TRANSCRIPT_INTERIM_INPUT,
            Some(TranscriptSource::Output) => GEMINI_LIVE_TRANSCRIPT_OUTPUT,
        };
        *label = ptr(&ev.details().one);
        *start = millis(t.start_offset);
        *end = millis(t.end_offset);
        *count = t.words.len();
        Ok(())
    })
}

/// Word `index` (from 0) of a TRANSCRIPTION_DETAIL event: `*word` (NUL-terminated, borrowed
/// until the event is freed) and its `*start_ms` / `*end_ms` in the audio (-1 when not
/// sent). `GEMINI_LIVE_INVALID_ARGUMENT` if `index` is out of range,
/// `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events. Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_transcription_word(
    event: *const gemini_live_event,
    index: usize,
    word: *mut *const c_char,
    start_ms: *mut i64,
    end_ms: *mut i64,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let w_out = out_ptr(word, "word")?;
        let (start, end) = (out_ptr(start_ms, "start_ms")?, out_ptr(end_ms, "end_ms")?);
        let Event::TranscriptionDetail(t) = &ev.event else {
            return Err(wrong_type(ev, "transcription words"));
        };
        let (w, text) = (t.words.get(index))
            .zip(ev.details().words.get(index))
            .ok_or_else(|| Fail::invalid(format!("word {index} of {}", t.words.len())))?;
        *w_out = text.as_ptr().cast();
        *start = millis(w.start_offset);
        *end = millis(w.end_offset);
        Ok(())
    })
}

/// The signature of a THOUGHT_SIGNATURE or VOICE_CONSENT_SIGNATURE event: `*signature`,
/// NUL-terminated, borrowed until the event is freed. `GEMINI_LIVE_WRONG_EVENT_TYPE` for
/// other events. Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_signature(
    event: *const gemini_live_event,
    signature: *mut *const c_char,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let out = out_ptr(signature, "signature")?;
        if !matches!(
            ev.event,
            Event::ThoughtSignature(_) | Event::VoiceConsentSignature(_)
        ) {
            return Err(wrong_type(ev, "signature"));
        }
        *out = ptr(&ev.details().one);
        Ok(())
    })
}

/// Call `index` of a TOOL_CALL event, streamed (Vertex AI): `*partial_args_json` is its
/// `partialArgs` as a JSON array (`[]` when not streamed; each element has `json_path` and
/// one of `string_value`, `number_value`, `bool_value`, `null_value`, and `will_continue`),
/// NUL-terminated, borrowed until the event is freed; `*will_continue` whether more of
/// this call follows. `GEMINI_LIVE_INVALID_ARGUMENT` if `index` is out of range,
/// `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events. Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_tool_call_stream(
    event: *const gemini_live_event,
    index: usize,
    partial_args_json: *mut *const c_char,
    will_continue: *mut bool,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let args = out_ptr(partial_args_json, "partial_args_json")?;
        let more = out_ptr(will_continue, "will_continue")?;
        let Event::ToolCall(calls) = &ev.event else {
            return Err(wrong_type(ev, "tool calls"));
        };
        let (call, json) = (calls.get(index))
            .zip(ev.details().partial_args.get(index))
            .ok_or_else(|| Fail::invalid(format!("tool call {index} of {}", calls.len())))?;
        *args = json.as_ptr().cast();
        *more = call.will_continue == Some(true);
        Ok(())
    })
}

/// The labels of a USAGE or TURN_COMPLETE event's usage: `*traffic_type` (Vertex AI, e.g.
/// `ON_DEMAND`) and `*service_tier` (Developer API), NUL-terminated, borrowed until the
/// event is freed, NULL when not sent. `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events.
/// Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_usage_labels(
    event: *const gemini_live_event,
    traffic_type: *mut *const c_char,
    service_tier: *mut *const c_char,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let traffic = out_ptr(traffic_type, "traffic_type")?;
        let tier = out_ptr(service_tier, "service_tier")?;
        if !matches!(ev.event, Event::Usage(_) | Event::TurnComplete { .. }) {
            return Err(wrong_type(ev, "usage"));
        }
        let [t, s] = &ev.details().labels;
        *traffic = ptr(t);
        *tier = ptr(s);
        Ok(())
    })
}
