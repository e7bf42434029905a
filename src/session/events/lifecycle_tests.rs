//! Server messages of today's models become typed lifecycle events.

use super::*;
use crate::protocol::decode_server;
use serde_json::json;

fn events(frame: Value, mode: ResponseMode) -> (Vec<Event>, Facts) {
    let msg = decode_server(frame.to_string().as_bytes()).unwrap();
    let mut out = Vec::new();
    let facts = to_events(msg, mode, &mut out);
    (out, facts)
}

#[test]
fn interaction_status_rides_on_turn_complete() {
    let done = |status: &str| {
        events(
            json!({"serverContent": {"turnComplete": true, "interactionStatus": status}}),
            ResponseMode::Audio,
        )
    };
    let (ev, facts) = done("IN_PROGRESS");
    assert!(matches!(
        ev.as_slice(),
        [Event::TurnComplete {
            interaction: Some(InteractionStatus::InProgress),
            ..
        }]
    ));
    assert!(facts.interaction_in_progress && facts.turn_complete);
    let (ev, facts) = done("IDLE");
    assert!(
        matches!(
            ev.as_slice(),
            [Event::TurnComplete {
                interaction: Some(InteractionStatus::Idle),
                ..
            }]
        ),
        "{ev:?}"
    );
    assert!(!facts.interaction_in_progress);
    // REQUIRES_ACTION is not finished (Google's SDK, Part D.4).
    let (ev, facts) = done("REQUIRES_ACTION");
    assert!(
        matches!(
            ev.as_slice(),
            [Event::TurnComplete {
                interaction: Some(InteractionStatus::RequiresAction),
                ..
            }]
        ),
        "{ev:?}"
    );
    assert!(facts.interaction_in_progress && facts.turn_complete);
    // The status counts without turnComplete: IDLE ends the interaction ...
    let (ev, facts) = events(
        json!({"serverContent": {"interactionStatus": "IDLE"}}),
        ResponseMode::Audio,
    );
    assert!(
        matches!(
            ev.as_slice(),
            [Event::TurnComplete {
                interaction: Some(InteractionStatus::Idle),
                reason: None,
                ..
            }]
        ),
        "{ev:?}"
    );
    assert!(facts.turn_complete && !facts.interaction_in_progress);
    // ... and IN_PROGRESS alone ends nothing; UNSPECIFIED leaves it to turnComplete.
    let (ev, facts) = events(
        json!({"serverContent": {"interactionStatus": "IN_PROGRESS"}}),
        ResponseMode::Audio,
    );
    assert!(ev.is_empty() && !facts.turn_complete, "{ev:?}");
    let (ev, facts) = done("INTERACTION_STATUS_UNSPECIFIED");
    assert!(
        matches!(
            ev.as_slice(),
            [Event::TurnComplete {
                interaction: None,
                ..
            }]
        ),
        "{ev:?}"
    );
    assert!(!facts.interaction_in_progress);
    let (ev, _) = events(
        json!({"serverContent": {"turnComplete": true}}),
        ResponseMode::Audio,
    );
    assert!(matches!(
        ev.as_slice(),
        [Event::TurnComplete {
            interaction: None,
            ..
        }]
    ));
}

#[test]
fn waiting_for_input_voice_activity_and_vad_signals_are_typed() {
    let (ev, _) = events(
        json!({"serverContent": {"waitingForInput": true}}),
        ResponseMode::Audio,
    );
    assert_eq!(ev, [Event::WaitingForInput]);
    let (ev, _) = events(
        json!({"voiceActivity": {"type": "ACTIVITY_END", "audioOffset": "1.5s"}}),
        ResponseMode::Audio,
    );
    assert_eq!(
        ev,
        [Event::VoiceActivity {
            kind: VoiceActivityKind::End,
            audio_offset: Some(Duration::from_millis(1500)),
        }]
    );
    let (ev, _) = events(
        json!({"voiceActivityDetectionSignal": {"vadSignalType": "VAD_SIGNAL_TYPE_SOS"}}),
        ResponseMode::Audio,
    );
    assert_eq!(ev, [Event::VadSignal(VadSignal::StartOfSpeech)]);
    // An unknown activity kind is kept, not dropped.
    let (ev, _) = events(
        json!({"voiceActivity": {"type": "SOMETHING_NEW"}}),
        ResponseMode::Audio,
    );
    assert!(
        matches!(&ev[..], [Event::Unknown { key, .. }] if key == "voiceActivity"),
        "{ev:?}"
    );
}

#[test]
fn transcriptions_carry_language_and_interim_text() {
    let (ev, _) = events(
        json!({"serverContent": {
            "interimInputTranscription": {"text": "what's the", "languageCode": "en-US"},
            "inputTranscription": {"text": "what's the weather", "finished": true, "languageCode": "en-US"}}}),
        ResponseMode::Text,
    );
    assert_eq!(
        ev,
        [
            Event::InterimInputTranscription {
                text: "what's the".into(),
                language_code: Some("en-US".into()),
            },
            Event::InputTranscription {
                text: "what's the weather".into(),
                finished: true,
                language_code: Some("en-US".into()),
            }
        ]
    );
    // Audio mode: the output transcription is its own event with `finished`.
    let out = json!({"serverContent": {"outputTranscription": {"text": "Hi.", "finished": true, "languageCode": "de-DE"}}});
    let (ev, _) = events(out.clone(), ResponseMode::Audio);
    assert_eq!(
        ev,
        [Event::OutputTranscription {
            text: "Hi.".into(),
            finished: true,
            language_code: Some("de-DE".into()),
        }]
    );
    // TEXT+AUDIO: text, then the `finished` mark is kept as its own event.
    let (ev, _) = events(out, ResponseMode::TextAndAudio);
    assert_eq!(ev, [Event::Text("Hi.".into()), Event::TextFinished]);
    let (ev, _) = events(
        json!({"serverContent": {"outputTranscription": {"text": "Hi"}}}),
        ResponseMode::TextAndAudio,
    );
    assert_eq!(ev, [Event::Text("Hi".into())]);
}

#[test]
fn grounding_and_url_context_are_separate_typed_events() {
    let (ev, _) = events(
        json!({"serverContent": {
            "groundingMetadata": {
                "webSearchQueries": ["weather paris"],
                "groundingChunks": [{"web": {"uri": "https://example.com/w", "title": "Weather"}}],
                "searchEntryPoint": {"renderedContent": "<div>search</div>"},
                "groundingSupports": [{"segment": {"endIndex": 3}}]},
            "urlContextMetadata": {"urlMetadata": [
                {"retrievedUrl": "https://example.com", "urlRetrievalStatus": "URL_RETRIEVAL_STATUS_SUCCESS"}]}}}),
        ResponseMode::Text,
    );
    let [Event::Grounding(g), Event::UrlContext(u)] = ev.as_slice() else {
        panic!("{ev:?}")
    };
    assert_eq!(g.web_search_queries, ["weather paris"]);
    assert_eq!(g.sources[0].uri.as_deref(), Some("https://example.com/w"));
    assert_eq!(g.sources[0].title.as_deref(), Some("Weather"));
    assert_eq!(g.search_entry_point.as_deref(), Some("<div>search</div>"));
    assert_eq!(g.raw["groundingSupports"][0]["segment"]["endIndex"], 3);
    assert_eq!(
        u.urls[0].retrieved_url.as_deref(),
        Some("https://example.com")
    );
    assert_eq!(
        u.urls[0].status.as_deref(),
        Some("URL_RETRIEVAL_STATUS_SUCCESS")
    );
}

#[test]
fn usage_token_details_are_read() {
    let (ev, _) = events(
        json!({"usageMetadata": {"promptTokenCount": 10, "totalTokenCount": 30,
            "promptTokensDetails": [{"modality": "AUDIO", "tokenCount": 8}, {"modality": "TEXT", "tokenCount": "2"}],
            "responseTokensDetails": [{"modality": "AUDIO", "tokenCount": 20}],
            "cacheTokensDetails": [], "toolUsePromptTokensDetails": [{"modality": "TEXT", "tokenCount": 1}]}}),
        ResponseMode::Audio,
    );
    let [Event::Usage(u)] = ev.as_slice() else {
        panic!("{ev:?}")
    };
    assert_eq!(u.prompt_tokens_details.len(), 2);
    assert_eq!(u.prompt_tokens_details[1].modality, "TEXT");
    assert_eq!(u.prompt_tokens_details[1].token_count, Some(2));
    assert_eq!(u.response_tokens_details[0].token_count, Some(20));
    assert_eq!(u.tool_use_prompt_tokens_details[0].token_count, Some(1));
}
