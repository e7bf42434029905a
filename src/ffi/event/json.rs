//! The JSON rendering of events (`gemini_live_event_json`). A child module of `event.rs`.

use super::lifecycle::*;
use super::*;
use crate::protocol::UsageMetadata;
use crate::session::State;
use serde_json::{json, Value};

fn usage_json(u: &UsageMetadata) -> Value {
    json!({
        "prompt_token_count": u.prompt_token_count,
        "cached_content_token_count": u.cached_content_token_count,
        "response_token_count": u.response_token_count,
        "tool_use_prompt_token_count": u.tool_use_prompt_token_count,
        "thoughts_token_count": u.thoughts_token_count,
        "total_token_count": u.total_token_count,
        "prompt_tokens_details": details_json(&u.prompt_tokens_details),
        "cache_tokens_details": details_json(&u.cache_tokens_details),
        "response_tokens_details": details_json(&u.response_tokens_details),
        "tool_use_prompt_tokens_details": details_json(&u.tool_use_prompt_tokens_details),
        "traffic_type": u.traffic_type,
        "service_tier": u.service_tier,
    })
}

fn detail_json(t: &crate::protocol::TranscriptionDetail) -> Value {
    use crate::protocol::TranscriptSource;
    let ms = |d: Option<std::time::Duration>| d.map(|d| d.as_millis() as u64);
    json!({
        "source": match t.source {
            Some(TranscriptSource::Input) | None => "input",
            Some(TranscriptSource::InterimInput) => "interim_input",
            Some(TranscriptSource::Output) => "output",
        },
        "speaker_label": t.speaker_label,
        "start_ms": ms(t.start_offset),
        "end_ms": ms(t.end_offset),
        "words": t.words.iter().map(|w| json!({
            "word": w.word, "start_ms": ms(w.start_offset), "end_ms": ms(w.end_offset),
        })).collect::<Vec<_>>(),
    })
}

fn error_json(e: &crate::Error) -> Value {
    json!({
        "code": result_of(e),
        "name": result_name(result_of(e)),
        "message": e.message(crate::wording::Lang::C),
        "retryable": e.is_retryable(),
    })
}

/// The snake-case name of a state.
pub(crate) fn state_name(s: State) -> &'static str {
    match s {
        State::Connecting => "connecting",
        State::Connected => "connected",
        State::Reconnecting => "reconnecting",
        State::Closing => "closing",
        State::Closed => "closed",
    }
}

/// The JSON rendering of an event.
pub(crate) fn to_json(e: &Event) -> Value {
    use crate::protocol::encode_base64;
    let (kind, mut v) = match e {
        Event::SetupComplete { session_id } => {
            ("setup_complete", json!({"session_id": session_id}))
        }
        Event::Text(t) => ("text", json!({ "text": t })),
        Event::Thought(t) => ("thought", json!({ "text": t })),
        Event::Audio(a) => (
            "audio",
            json!({"sample_rate": a.sample_rate, "samples": a.data.len() / 2}),
        ),
        Event::InlineData { mime_type, data } => (
            "inline_data",
            json!({"mime_type": mime_type, "data": encode_base64(data)}),
        ),
        Event::CodeExecution(p) => ("code_execution", json!({ "part": p })),
        Event::InputTranscription {
            text,
            finished,
            language_code,
        } => (
            "input_transcription",
            json!({"text": text, "finished": finished, "language_code": language_code}),
        ),
        Event::OutputTranscription {
            text,
            finished,
            language_code,
        } => (
            "output_transcription",
            json!({"text": text, "finished": finished, "language_code": language_code}),
        ),
        Event::ToolCall(calls) => {
            let calls: Vec<Value> = calls
                .iter()
                .map(|c| json!({"id": c.id, "name": c.name, "args": c.args}))
                .collect();
            ("tool_call", json!({ "calls": calls }))
        }
        Event::ToolCallCancellation(ids) => ("tool_call_cancellation", json!({ "ids": ids })),
        Event::Interrupted => ("interrupted", json!({})),
        Event::GenerationComplete => ("generation_complete", json!({})),
        Event::TurnComplete {
            usage,
            reason,
            interaction,
        } => (
            "turn_complete",
            json!({"usage": usage.as_ref().map(usage_json), "reason": reason,
                   "interaction_status": interaction.map(interaction_name)}),
        ),
        Event::Usage(u) => ("usage", json!({ "usage": usage_json(u) })),
        Event::Grounding(_)
        | Event::UrlContext(_)
        | Event::WaitingForInput
        | Event::VoiceActivity { .. }
        | Event::VadSignal(_)
        | Event::InterimInputTranscription { .. }
        | Event::TextFinished => lifecycle_json(e),
        Event::GoAway { time_left } => (
            "go_away",
            json!({"time_left_ms": time_left.map(|d| d.as_millis() as u64)}),
        ),
        Event::ResumptionUpdate {
            handle,
            resumable,
            last_consumed_index,
        } => (
            "resumption_update",
            json!({"handle": handle, "resumable": resumable,
                   "last_consumed_index": last_consumed_index}),
        ),
        Event::StateChanged(s) => ("state_changed", json!({"state": state_name(*s)})),
        Event::Unknown { key, value } => ("unknown", json!({"key": key, "value": value})),
        Event::Error(err) => ("error", json!({ "error": error_json(err) })),
        Event::Closed {
            code,
            reason,
            error,
        } => (
            "closed",
            json!({"code": code, "reason": reason, "error": error.as_ref().map(error_json)}),
        ),
        Event::Reconnecting {
            attempt,
            delay,
            cause,
        } => (
            "reconnecting",
            json!({"attempt": attempt, "delay_ms": delay.as_millis() as u64,
                   "cause": cause.as_ref().map(error_json)}),
        ),
        Event::Resumed { replayed } => ("resumed", json!({ "replayed": replayed })),
        Event::NewSession { replayed } => ("new_session", json!({ "replayed": replayed })),
        Event::InputDropped { messages, bytes } => (
            "input_dropped",
            json!({"messages": messages, "bytes": bytes}),
        ),
        Event::ToolResponsesDropped { ids } => ("tool_responses_dropped", json!({ "ids": ids })),
        Event::ReplyDiscarded { turn } => ("reply_discarded", json!({ "turn": turn })),
        Event::ContextLost { turns } => ("context_lost", json!({ "turns": turns })),
        Event::TranscriptionDetail(t) => ("transcription_detail", detail_json(t)),
        Event::ThoughtSignature(s) => ("thought_signature", json!({ "signature": s })),
        Event::VoiceConsentSignature(s) => ("voice_consent_signature", json!({ "signature": s })),
        Event::FunctionCallPart(c) => (
            "function_call_part",
            json!({"id": c.id, "name": c.name, "args": c.args}),
        ),
        Event::ContextRestored {
            turns,
            chars,
            dropped,
        } => (
            "context_restored",
            json!({"turns": turns, "chars": chars, "dropped": dropped}),
        ),
        Event::ToolCallsAbandoned { ids } => ("tool_calls_abandoned", json!({ "ids": ids })),
        #[allow(unreachable_patterns)]
        other => ("unknown", json!({ "debug": format!("{other:?}") })),
    };
    if let Value::Object(m) = &mut v {
        m.insert("type".into(), Value::String(kind.into()));
    }
    v
}
