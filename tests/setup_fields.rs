//! Every setup field of protocol.md §3.1 is typed and serialises as the protocol documents it
//! (and as the official Python SDK sent it in the golden `py_big_config` capture); the fake
//! accepts them all; the enums parse their wire names; extra JSON is merged unvalidated.

mod common;

use common::*;
use gemini_live::protocol::*;
use gemini_live::{Config, Event, ResponseMode, Session};
use serde_json::{json, Value};

fn setup_json(c: &Config) -> Value {
    let text = encode_client(&ClientMessage::Setup(Box::new(c.setup_message(None))));
    let v: Value = serde_json::from_str(&text).unwrap();
    v["setup"].clone()
}

/// A config with every newer setup field set.
fn everything() -> Config {
    let mut c = Config::default()
        .with_api_key("k")
        .with_model("gemini-2.5-flash-native-audio-preview-12-2025")
        .with_response_mode(ResponseMode::Audio);
    c.generation.media_resolution = Some(MediaResolution::Low);
    c.generation.translation_config = Some(TranslationConfig {
        target_language_code: "es".into(),
        echo_target_language: Some(false),
    });
    c.realtime_input = Some(RealtimeInputConfig {
        automatic_activity_detection: Some(AutomaticActivityDetection {
            disabled: Some(false),
            start_of_speech_sensitivity: Some(StartSensitivity::Low),
            end_of_speech_sensitivity: Some(EndSensitivity::Low),
            prefix_padding_ms: Some(20),
            silence_duration_ms: Some(100),
        }),
        activity_handling: Some(ActivityHandling::StartOfActivityInterrupts),
        turn_coverage: Some(TurnCoverage::OnlyActivity),
    });
    c.proactivity = Some(Proactivity {
        proactive_audio: Some(true),
        proactive_video: Some(true),
    });
    c.history = Some(HistoryConfig {
        initial_history_in_client_content: Some(true),
    });
    c.safety_settings = vec![SafetySetting {
        category: "HARM_CATEGORY_HARASSMENT".into(),
        threshold: "BLOCK_ONLY_HIGH".into(),
        method: None,
    }];
    c.input_transcription_config = AudioTranscriptionConfig {
        language_codes: vec!["en-US".into(), "de-DE".into()],
        word_timestamp: Some(true),
        diarization: Some(true),
        mode: Some(TranscriptionMode::Verbatim),
        custom_vocabulary: vec!["Gemini".into()],
    };
    c.output_transcription = true;
    c.tools = vec![Tool {
        function_declarations: Some(vec![FunctionDeclaration {
            name: "noop".into(),
            behavior: Some(Behavior::NonBlocking),
            ..FunctionDeclaration::default()
        }]),
        ..Tool::default()
    }];
    c
}

#[test]
fn every_new_field_has_the_documented_json() {
    let s = setup_json(&everything());
    let gen = &s["generationConfig"];
    assert_eq!(gen["mediaResolution"], "MEDIA_RESOLUTION_LOW");
    assert_eq!(
        gen["translationConfig"],
        json!({"targetLanguageCode": "es", "echoTargetLanguage": false})
    );
    // The realtimeInputConfig example of protocol.md §3.1, field for field.
    assert_eq!(
        s["realtimeInputConfig"],
        json!({
            "automaticActivityDetection": {
                "disabled": false,
                "startOfSpeechSensitivity": "START_SENSITIVITY_LOW",
                "endOfSpeechSensitivity": "END_SENSITIVITY_LOW",
                "prefixPaddingMs": 20,
                "silenceDurationMs": 100
            },
            "activityHandling": "START_OF_ACTIVITY_INTERRUPTS",
            "turnCoverage": "TURN_INCLUDES_ONLY_ACTIVITY"
        })
    );
    assert_eq!(
        s["proactivity"],
        json!({"proactiveAudio": true, "proactiveVideo": true})
    );
    assert_eq!(
        s["historyConfig"],
        json!({"initialHistoryInClientContent": true})
    );
    assert_eq!(
        s["safetySettings"],
        json!([{"category": "HARM_CATEGORY_HARASSMENT", "threshold": "BLOCK_ONLY_HIGH"}])
    );
    // Transcription options live at setup level, not in generationConfig.
    assert_eq!(
        s["inputAudioTranscription"],
        json!({"languageCodes": ["en-US", "de-DE"], "wordTimestamp": true,
               "diarization": true, "mode": "VERBATIM", "customVocabulary": ["Gemini"]})
    );
    assert_eq!(s["outputAudioTranscription"], json!({}));
    assert!(gen.get("inputAudioTranscription").is_none());
    assert_eq!(
        s["tools"][0]["functionDeclarations"][0],
        json!({"name": "noop", "behavior": "NON_BLOCKING"})
    );
    // Unset options are not sent at all (no nulls).
    let plain = setup_json(&Config::default());
    for key in [
        "proactivity",
        "historyConfig",
        "safetySettings",
        "explicitVadSignal",
    ] {
        assert!(plain.get(key).is_none(), "{key}: {plain}");
    }
    assert_eq!(plain["inputAudioTranscription"], json!({}));
}

/// snake_case keys to lowerCamelCase, recursively (the Python SDK mixes both).
fn camel(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| {
                    let mut out = String::new();
                    let mut up = false;
                    for ch in k.chars() {
                        if ch == '_' {
                            up = true;
                        } else if up {
                            out.push(ch.to_ascii_uppercase());
                            up = false;
                        } else {
                            out.push(ch);
                        }
                    }
                    (out, camel(v))
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(camel).collect()),
        other => other.clone(),
    }
}

#[test]
fn typed_fields_match_the_python_sdk_capture() {
    let path = format!(
        "{}/tests/golden/py_big_config.json",
        env!("CARGO_MANIFEST_DIR")
    );
    let g: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let theirs = camel(&g["frames"][0]["json"]["setup"]);
    let ours = setup_json(&everything());
    for path in [
        "/realtimeInputConfig",
        "/generationConfig/mediaResolution",
        "/tools/2/functionDeclarations/0/behavior",
        "/proactivity/proactiveAudio",
    ] {
        let ours_path = path.replace("/tools/2/", "/tools/0/");
        assert_eq!(
            ours.pointer(&ours_path),
            theirs.pointer(path),
            "{path}: ours {ours} theirs {theirs}"
        );
    }
}

#[test]
fn tool_response_scheduling_and_context_update_have_the_documented_json() {
    let r = ClientMessage::ToolResponse(ToolResponse {
        function_responses: vec![FunctionResponse {
            id: "fc_1".into(),
            name: "get_weather".into(),
            response: json!({"result": "sunny"}),
            scheduling: Some(Scheduling::WhenIdle),
            will_continue: Some(true),
            ..FunctionResponse::default()
        }],
    });
    assert_eq!(
        serde_json::from_str::<Value>(&encode_client(&r)).unwrap(),
        json!({"toolResponse": {"functionResponses": [{"id": "fc_1", "name": "get_weather",
            "response": {"result": "sunny"}, "scheduling": "WHEN_IDLE", "willContinue": true}]}})
    );
    // protocol.md §3.5, verbatim.
    let u = ClientMessage::ContextUpdate(ContextUpdate {
        system_instruction: Some(Content::text("user", "Be concise.")),
        tools: Some(ContextTools { tools: vec![] }),
    });
    assert_eq!(
        serde_json::from_str::<Value>(&encode_client(&u)).unwrap(),
        json!({"contextUpdate": {"systemInstruction": {"role": "user", "parts": [{"text": "Be concise."}]},
                                 "tools": {"tools": []}}})
    );
    let keep = ClientMessage::ContextUpdate(ContextUpdate::default());
    assert_eq!(encode_client(&keep), r#"{"contextUpdate":{}}"#);
}

#[test]
fn enums_parse_their_wire_names_and_short_forms() {
    assert_eq!(StartSensitivity::parse("low"), Some(StartSensitivity::Low));
    assert_eq!(
        StartSensitivity::parse("START_SENSITIVITY_HIGH"),
        Some(StartSensitivity::High)
    );
    assert_eq!(
        EndSensitivity::parse("end_sensitivity_low"),
        Some(EndSensitivity::Low)
    );
    assert_eq!(
        ActivityHandling::parse("no_interruption"),
        Some(ActivityHandling::NoInterruption)
    );
    assert_eq!(
        TurnCoverage::parse("all_input"),
        Some(TurnCoverage::AllInput)
    );
    assert_eq!(
        TurnCoverage::parse("TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO"),
        Some(TurnCoverage::AudioActivityAndAllVideo)
    );
    assert_eq!(Behavior::parse("blocking"), Some(Behavior::Blocking));
    assert_eq!(Behavior::parse("non-blocking"), Some(Behavior::NonBlocking));
    assert_eq!(Scheduling::parse("when_idle"), Some(Scheduling::WhenIdle));
    assert_eq!(
        MediaResolution::parse("medium"),
        Some(MediaResolution::Medium)
    );
    assert_eq!(StartSensitivity::parse("medium"), None);
    assert_eq!(Scheduling::parse(""), None);
    for v in Scheduling::ALL {
        assert_eq!(Scheduling::parse(v.as_str()), Some(*v));
    }
}

#[test]
fn extra_setup_json_is_merged_into_setup() {
    let c = Config::default()
        .with_extra_setup(json!({"generationConfig": {"newKnob": 1}, "avatarConfig": {"x": true}}))
        .unwrap()
        .with_extra_setup(json!({"generationConfig": {"other": "y"}}))
        .unwrap();
    let s = setup_json(&c);
    assert_eq!(
        s["generationConfig"]["responseModalities"],
        json!(["AUDIO"])
    );
    assert_eq!(s["generationConfig"]["newKnob"], 1);
    assert_eq!(s["generationConfig"]["other"], "y");
    assert_eq!(s["avatarConfig"], json!({"x": true}));
    assert!(Config::default().with_extra_setup(json!([1])).is_err());
}

#[test]
fn the_fake_accepts_every_new_field_and_an_interaction_works() {
    let server = fake();
    let mut c = everything();
    c.endpoint = server.endpoint();
    c.auth = gemini_live::Auth::None;
    let s = Session::connect(c).expect("the fake accepts the full setup");
    // `historyConfig.initialHistoryInClientContent`: history first, ended by turnComplete,
    // which asks nothing; it joins the context (one answered exchange).
    s.send_client_content(
        vec![
            Content::text("user", "earlier"),
            Content::text("model", "noted"),
        ],
        true,
    )
    .unwrap();
    s.send_text("hello").unwrap();
    let t = turn(&s);
    assert!(
        t.output_transcript.contains("[turn 2] echo: hello"),
        "{t:?}"
    );
    assert!(matches!(t.events.last(), Some(Event::TurnComplete { .. })));
    // Also the context update, mid-session.
    s.send(&ClientMessage::ContextUpdate(ContextUpdate {
        system_instruction: Some(Content::text("user", "Be concise.")),
        tools: Some(ContextTools { tools: vec![] }),
    }))
    .unwrap();
    s.send_text("again").unwrap();
    assert!(turn(&s).output_transcript.contains("[turn 3] echo: again"));
}
