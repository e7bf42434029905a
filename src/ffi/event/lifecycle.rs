//! Lifecycle events of today's Live models: the interaction status of extended thinking,
//! `waitingForInput`, voice activity, interim transcriptions, grounding and URL-context
//! metadata (protocol.md Part B §4, Part C.2). Grounding and URL-context details are in
//! `gemini_live_event_json`; voice activity and VAD signals have typed accessors
//! (`event/fields.rs`).

use super::*;
use crate::protocol::ModalityTokenCount;
use crate::session::{
    Event, GroundingMetadata, InteractionStatus, UrlContextMetadata, VadSignal, VoiceActivityKind,
};
use serde_json::{json, Value};

/// `gemini_live_event_interaction_status`: the model sent no `interactionStatus`.
pub const GEMINI_LIVE_INTERACTION_NONE: u32 = 0;
/// `interactionStatus: IN_PROGRESS`: this turn is one segment; more output follows without
/// new input (extended thinking). Keep reading events.
pub const GEMINI_LIVE_INTERACTION_IN_PROGRESS: u32 = 1;
/// `interactionStatus: IDLE`: the interaction is over.
pub const GEMINI_LIVE_INTERACTION_IDLE: u32 = 2;
/// `interactionStatus: REQUIRES_ACTION` (deprecated): the model waits for the client,
/// typically a tool response. The interaction is not over (as Google's SDK reads it).
pub const GEMINI_LIVE_INTERACTION_REQUIRES_ACTION: u32 = 3;

/// The `GEMINI_LIVE_INTERACTION_*` status of a TURN_COMPLETE event (`*status`):
/// `GEMINI_LIVE_INTERACTION_NONE` where the model sends none (then the turn ends the
/// interaction). `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events. Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_interaction_status(
    event: *const event::gemini_live_event,
    status: *mut u32,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let out = out_ptr(status, "status")?;
        let Event::TurnComplete { interaction, .. } = &ev.event else {
            return Err(Fail::new(
                GEMINI_LIVE_WRONG_EVENT_TYPE,
                "only TURN_COMPLETE events have an interaction status",
            ));
        };
        *out = match interaction {
            None => GEMINI_LIVE_INTERACTION_NONE,
            Some(InteractionStatus::InProgress) => GEMINI_LIVE_INTERACTION_IN_PROGRESS,
            Some(InteractionStatus::Idle) => GEMINI_LIVE_INTERACTION_IDLE,
            Some(InteractionStatus::RequiresAction) => GEMINI_LIVE_INTERACTION_REQUIRES_ACTION,
        };
        Ok(())
    })
}

/// `"in_progress"`, `"requires_action"` or `"idle"`.
pub(crate) fn interaction_name(s: InteractionStatus) -> &'static str {
    match s {
        InteractionStatus::InProgress => "in_progress",
        InteractionStatus::RequiresAction => "requires_action",
        InteractionStatus::Idle => "idle",
    }
}

/// Per-modality token counts as JSON.
pub(crate) fn details_json(d: &[ModalityTokenCount]) -> Value {
    Value::Array(
        d.iter()
            .map(|c| json!({"modality": c.modality, "token_count": c.token_count}))
            .collect(),
    )
}

fn grounding_json(g: &GroundingMetadata) -> Value {
    let sources: Vec<Value> = g
        .sources
        .iter()
        .map(|s| json!({"uri": s.uri, "title": s.title}))
        .collect();
    json!({"web_search_queries": g.web_search_queries, "sources": sources,
           "search_entry_point": g.search_entry_point, "metadata": g.raw})
}

fn url_context_json(u: &UrlContextMetadata) -> Value {
    let urls: Vec<Value> = u
        .urls
        .iter()
        .map(|m| json!({"retrieved_url": m.retrieved_url, "status": m.status}))
        .collect();
    json!({"urls": urls, "metadata": u.raw})
}

/// The kind and fields of the lifecycle events, for `gemini_live_event_json`.
pub(crate) fn lifecycle_json(e: &Event) -> (&'static str, Value) {
    match e {
        Event::Grounding(g) => ("grounding", grounding_json(g)),
        Event::UrlContext(u) => ("url_context", url_context_json(u)),
        Event::WaitingForInput => ("waiting_for_input", json!({})),
        Event::VoiceActivity { kind, audio_offset } => (
            "voice_activity",
            json!({"kind": match kind { VoiceActivityKind::Start => "start", VoiceActivityKind::End => "end" },
                   "audio_offset_ms": audio_offset.map(|d| d.as_millis() as u64)}),
        ),
        Event::VadSignal(s) => (
            "vad_signal",
            json!({"signal": match s {
                VadSignal::StartOfSpeech => "start_of_speech",
                VadSignal::EndOfSpeech => "end_of_speech",
                VadSignal::Other(v) => v.as_str(),
            }}),
        ),
        Event::InterimInputTranscription {
            text,
            language_code,
        } => (
            "interim_input_transcription",
            json!({"text": text, "language_code": language_code}),
        ),
        Event::TextFinished => ("text_finished", json!({})),
        other => ("unknown", json!({ "debug": format!("{other:?}") })),
    }
}

/// A CONTEXT_RESTORED event: `*turns` exchanges of `*chars` characters were put back as
/// history; `*dropped` exchanges the server lost did not fit the context budget and are
/// gone (each restore counts what its server lacks, so a later restore reports the same
/// exchanges again: do not sum over events). `GEMINI_LIVE_WRONG_EVENT_TYPE` for other
/// events. Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_context_restored(
    event: *const gemini_live_event,
    turns: *mut u64,
    chars: *mut u64,
    dropped: *mut u64,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let t_out = out_ptr(turns, "turns")?;
        let (c_out, d_out) = (out_ptr(chars, "chars")?, out_ptr(dropped, "dropped")?);
        let Event::ContextRestored {
            turns,
            chars,
            dropped,
        } = &ev.event
        else {
            return Err(wrong(ev, "restored context"));
        };
        (*t_out, *c_out, *d_out) = (*turns, *chars, *dropped);
        Ok(())
    })
}

/// The `lastConsumedClientMessageIndex` of a RESUMPTION_UPDATE event (Vertex AI with
/// transparent resumption): `*index` gets the index of the last client message of this
/// connection that the server's state includes (`setup` is 0, as the fake counts; the
/// service's base is not documented), or -1 when the update carried none.
/// `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events. Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_last_consumed_index(
    event: *const gemini_live_event,
    index: *mut i64,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let out = out_ptr(index, "index")?;
        let Event::ResumptionUpdate {
            last_consumed_index,
            ..
        } = &ev.event
        else {
            return Err(Fail::new(
                GEMINI_LIVE_WRONG_EVENT_TYPE,
                "only RESUMPTION_UPDATE events have a last consumed index",
            ));
        };
        *out = last_consumed_index
            .and_then(|i| i64::try_from(i).ok())
            .unwrap_or(-1);
        Ok(())
    })
}

#[cfg(test)]
mod tests {
    use crate::ffi::event::to_json;
    use crate::session::{
        Event, GroundingMetadata, InteractionStatus, VadSignal, VoiceActivityKind,
    };
    use serde_json::json;
    use std::time::Duration;

    #[test]
    fn lifecycle_events_have_their_json() {
        let tc = Event::TurnComplete {
            usage: None,
            reason: None,
            interaction: Some(InteractionStatus::InProgress),
        };
        assert_eq!(to_json(&tc)["interaction_status"], "in_progress");
        let va = Event::VoiceActivity {
            kind: VoiceActivityKind::Start,
            audio_offset: Some(Duration::from_millis(250)),
        };
        assert_eq!(
            to_json(&va),
            json!({"type": "voice_activity", "kind": "start", "audio_offset_ms": 250})
        );
        assert_eq!(
            to_json(&Event::VadSignal(VadSignal::EndOfSpeech))["signal"],
            "end_of_speech"
        );
        let g = GroundingMetadata::from_value(json!({"webSearchQueries": ["q"],
            "groundingChunks": [{"web": {"uri": "https://e.com", "title": "E"}}]}));
        let v = to_json(&Event::Grounding(g));
        assert_eq!(v["type"], "grounding");
        assert_eq!(v["sources"][0]["uri"], "https://e.com");
        assert_eq!(v["metadata"]["webSearchQueries"][0], "q");
        let interim = Event::InterimInputTranscription {
            text: "hel".into(),
            language_code: Some("en-US".into()),
        };
        assert_eq!(
            to_json(&interim),
            json!({"type": "interim_input_transcription", "text": "hel", "language_code": "en-US"})
        );
        assert_eq!(to_json(&Event::TextFinished)["type"], "text_finished");
        assert_eq!(
            to_json(&Event::WaitingForInput)["type"],
            "waiting_for_input"
        );
    }
}
