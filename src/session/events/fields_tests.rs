//! Golden tests of the fields of protocol.md Part D.3, one per field, decode and encode, in
//! the shapes of google-genai 3.6.1 (`types.py`): what the server sends is decoded into typed
//! fields and events, what Google's SDKs can send this client sends in the same JSON.
//! The golden of tool and file parts in `clientContent` and of a tool response's parts is in
//! tests/fields_on_the_wire.rs, beside the strict fake accepting the same values.

use super::to_events;
use crate::config::{Config, ResponseMode};
use crate::protocol::*;
use crate::Event;
use serde_json::{json, Value};
use std::time::Duration;

fn events(frame: Value, mode: ResponseMode) -> Vec<Event> {
    let msg = decode_server(frame.to_string().as_bytes()).expect("decodes");
    let mut out = Vec::new();
    to_events(msg, mode, &mut out);
    out
}

fn enc(msg: &ClientMessage) -> Value {
    serde_json::from_str(&encode_client(msg)).expect("JSON")
}

fn setup_of(c: &Config) -> Value {
    enc(&ClientMessage::Setup(Box::new(c.setup_message(None))))["setup"].clone()
}

fn ms(n: u64) -> Option<Duration> {
    Some(Duration::from_millis(n))
}

#[test]
fn decode_transcription_words_offsets_and_speaker_label() {
    let ev = events(
        json!({"serverContent": {"inputTranscription": {
            "text": "hello there", "finished": true, "speakerLabel": "spk_1",
            "startOffset": "0.500s", "endOffset": "1.250s",
            "words": [{"word": "hello", "startOffset": "0.500s", "endOffset": "0.800s"},
                      {"word": "there", "startOffset": "0.900s", "endOffset": "1.250s"}]}}}),
        ResponseMode::Audio,
    );
    let [Event::InputTranscription { text, .. }, Event::TranscriptionDetail(d)] = ev.as_slice()
    else {
        panic!("{ev:?}")
    };
    assert_eq!(text, "hello there");
    assert_eq!(d.source, Some(TranscriptSource::Input));
    assert_eq!(d.speaker_label.as_deref(), Some("spk_1"));
    assert_eq!((d.start_offset, d.end_offset), (ms(500), ms(1250)));
    assert_eq!(
        d.words,
        [
            TranscriptWord {
                word: "hello".into(),
                start_offset: ms(500),
                end_offset: ms(800)
            },
            TranscriptWord {
                word: "there".into(),
                start_offset: ms(900),
                end_offset: ms(1250)
            }
        ]
    );
    // A plain fragment carries no detail event.
    let ev = events(
        json!({"serverContent": {"inputTranscription": {"text": "hi"}}}),
        ResponseMode::Audio,
    );
    assert_eq!(ev.len(), 1, "{ev:?}");
}

#[test]
fn decode_output_transcription_detail_also_in_text_and_audio() {
    let ev = events(
        json!({"serverContent": {"outputTranscription": {"text": "Hi", "speakerLabel": "model"}}}),
        ResponseMode::TextAndAudio,
    );
    let [Event::Text(t), Event::TranscriptionDetail(d)] = ev.as_slice() else {
        panic!("{ev:?}")
    };
    assert_eq!(t, "Hi");
    assert_eq!(d.source, Some(TranscriptSource::Output));
    assert_eq!(d.speaker_label.as_deref(), Some("model"));
}

#[test]
fn decode_thought_signature_and_function_call_parts() {
    let ev = events(
        json!({"serverContent": {"modelTurn": {"parts": [
            {"text": "Let me check.", "thoughtSignature": "c2lnLTE="},
            {"functionCall": {"id": "c1", "name": "get_weather", "args": {"city": "Paris"}},
             "thoughtSignature": "c2lnLTI="}]}}}),
        ResponseMode::Text,
    );
    let [Event::Text(t), Event::ThoughtSignature(s1), Event::FunctionCallPart(fc), Event::ThoughtSignature(s2)] =
        ev.as_slice()
    else {
        panic!("{ev:?}")
    };
    assert_eq!(
        (t.as_str(), s1.as_str(), s2.as_str()),
        ("Let me check.", "c2lnLTE=", "c2lnLTI=")
    );
    assert_eq!((fc.id.as_str(), fc.name.as_str()), ("c1", "get_weather"));
    assert_eq!(fc.args, json!({"city": "Paris"}));
}

#[test]
fn decode_streamed_function_arguments() {
    let ev = events(
        json!({"toolCall": {"functionCalls": [{"id": "c2", "name": "book", "willContinue": true,
            "partialArgs": [
                {"jsonPath": "$.city", "stringValue": "Par", "willContinue": true},
                {"jsonPath": "$.nights", "numberValue": 3},
                {"jsonPath": "$.pets", "boolValue": false},
                {"jsonPath": "$.note", "nullValue": "NULL_VALUE"}]}]}}),
        ResponseMode::Audio,
    );
    let [Event::ToolCall(calls)] = ev.as_slice() else {
        panic!("{ev:?}")
    };
    let c = &calls[0];
    assert_eq!(c.will_continue, Some(true));
    let p = &c.partial_args;
    assert_eq!(p.len(), 4);
    assert_eq!(
        (
            p[0].json_path.as_deref(),
            p[0].string_value.as_deref(),
            p[0].will_continue
        ),
        (Some("$.city"), Some("Par"), Some(true))
    );
    assert_eq!(p[1].number_value.as_ref().and_then(|n| n.as_u64()), Some(3));
    assert_eq!(p[2].bool_value, Some(false));
    assert_eq!(p[3].null_value.as_deref(), Some("NULL_VALUE"));
}

#[test]
fn decode_voice_consent_signature() {
    let ev = events(
        json!({"setupComplete": {"sessionId": "s1", "voiceConsentSignature": {"signature": "vcs-abc"}}}),
        ResponseMode::Audio,
    );
    let [Event::SetupComplete { session_id }, Event::VoiceConsentSignature(sig)] = ev.as_slice()
    else {
        panic!("{ev:?}")
    };
    assert_eq!(
        (session_id.as_deref(), sig.as_str()),
        (Some("s1"), "vcs-abc")
    );
}

#[test]
fn decode_vertex_usage_names_and_labels() {
    let u: UsageMetadata = serde_json::from_value(json!({
        "promptTokenCount": 10, "candidatesTokenCount": "7", "totalTokenCount": 17,
        "candidatesTokensDetails": [{"modality": "AUDIO", "tokenCount": 7}],
        "trafficType": "ON_DEMAND"}))
    .expect("decodes");
    assert_eq!(u.response_token_count, Some(7));
    assert_eq!(u.response_tokens_details[0].modality, "AUDIO");
    assert_eq!(u.traffic_type.as_deref(), Some("ON_DEMAND"));
    let d: UsageMetadata = serde_json::from_value(json!({
        "responseTokenCount": 4, "serviceTier": "standard"}))
    .expect("decodes");
    assert_eq!(
        (d.response_token_count, d.service_tier.as_deref()),
        (Some(4), Some("standard"))
    );
}

#[test]
fn encode_voice_and_replicated_voice() {
    let mut c = Config::default().with_model("gemini-3.8-live");
    c.generation.speech_config = Some(SpeechConfig {
        voice_config: Some(VoiceConfig {
            voice: Some("spk-42".into()),
            ..VoiceConfig::default()
        }),
        language_code: None,
    });
    assert_eq!(
        setup_of(&c)["generationConfig"]["speechConfig"],
        json!({"voiceConfig": {"voice": "spk-42"}})
    );
    c.generation.speech_config = Some(SpeechConfig {
        voice_config: Some(VoiceConfig {
            replicated_voice_config: Some(ReplicatedVoiceConfig {
                mime_type: Some("audio/wav".into()),
                voice_sample_audio: Some("UklGRg==".into()),
                voice_consent_signature: Some(VoiceConsentSignature {
                    signature: Some("vcs-abc".into()),
                }),
                ..ReplicatedVoiceConfig::default()
            }),
            ..VoiceConfig::default()
        }),
        language_code: None,
    });
    assert_eq!(
        setup_of(&c)["generationConfig"]["speechConfig"]["voiceConfig"],
        json!({"replicatedVoiceConfig": {"mimeType": "audio/wav", "voiceSampleAudio": "UklGRg==",
               "voiceConsentSignature": {"signature": "vcs-abc"}}})
    );
}

#[test]
fn encode_json_schema_function_declarations() {
    let schema = json!({"type": "object", "properties": {"city": {"type": "string"}}});
    let mut c = Config::default().with_model("gemini-3.8-live");
    c.tools = vec![Tool {
        function_declarations: Some(vec![FunctionDeclaration {
            name: "get_weather".into(),
            parameters_json_schema: Some(schema.clone()),
            response_json_schema: Some(json!({"type": "string"})),
            behavior: Some(Behavior::NonBlocking),
            ..FunctionDeclaration::default()
        }]),
        ..Tool::default()
    }];
    assert_eq!(
        setup_of(&c)["tools"][0]["functionDeclarations"][0],
        json!({"name": "get_weather", "parametersJsonSchema": schema,
               "responseJsonSchema": {"type": "string"}, "behavior": "NON_BLOCKING"})
    );
}

#[test]
fn encode_the_other_tools() {
    let mut c = Config::default().with_model("gemini-3.8-live");
    c.tools = vec![
        Tool {
            google_maps: Some(GoogleMaps {
                enable_widget: Some(true),
            }),
            ..Tool::default()
        },
        Tool {
            computer_use: Some(ComputerUse {
                environment: "ENVIRONMENT_BROWSER".into(),
                excluded_predefined_functions: vec!["drag_and_drop".into()],
            }),
            ..Tool::default()
        },
        Tool {
            file_search: Some(FileSearch {
                file_search_store_names: vec!["fileSearchStores/s-1".into()],
                top_k: Some(5),
                metadata_filter: None,
            }),
            ..Tool::default()
        },
        Tool {
            mcp_servers: vec![McpServer {
                name: "weather".into(),
                streamable_http_transport: Some(StreamableHttpTransport {
                    url: "https://mcp.example/weather".into(),
                    headers: Default::default(),
                }),
            }],
            ..Tool::default()
        },
        Tool {
            google_search_retrieval: Some(GoogleSearchRetrieval {
                dynamic_retrieval_config: Some(json!({"mode": "MODE_DYNAMIC"})),
            }),
            ..Tool::default()
        },
    ];
    assert_eq!(
        setup_of(&c)["tools"],
        json!([
            {"googleMaps": {"enableWidget": true}},
            {"computerUse": {"environment": "ENVIRONMENT_BROWSER",
                             "excludedPredefinedFunctions": ["drag_and_drop"]}},
            {"fileSearch": {"fileSearchStoreNames": ["fileSearchStores/s-1"], "topK": 5}},
            {"mcpServers": [{"name": "weather",
                             "streamableHttpTransport": {"url": "https://mcp.example/weather"}}]},
            {"googleSearchRetrieval": {"dynamicRetrievalConfig": {"mode": "MODE_DYNAMIC"}}}
        ])
    );
}

#[test]
fn developer_api_only_guards_refuse_vertex_only_fields_with_the_fix() {
    let dev = || Config::default().with_api_key("k");
    let mut c = dev();
    c.explicit_vad_signal = Some(true);
    let e = c.validate().unwrap_err().to_string();
    assert!(
        e.contains("explicitVadSignal") && e.contains("only supported on Vertex AI"),
        "{e}"
    );
    let mut c = dev();
    c.safety_settings = vec![SafetySetting {
        category: "HARM_CATEGORY_HARASSMENT".into(),
        threshold: "BLOCK_ONLY_HIGH".into(),
        method: Some("PROBABILITY".into()),
    }];
    let e = c.validate().unwrap_err().to_string();
    assert!(e.contains("safetySettings[].method"), "{e}");
    // On Vertex AI both are sent.
    c.vertex = Some(crate::vertex::VertexTarget::new("p", "us-central1"));
    c.explicit_vad_signal = Some(true);
    c.auth = crate::Auth::AccessToken(crate::vertex::TokenProvider::fixed(crate::Secret::new(
        "ya29.t",
    )));
    c.validate().expect("accepted on Vertex AI");
    let s = setup_of(&c);
    assert_eq!(s["explicitVadSignal"], json!(true));
    assert_eq!(s["safetySettings"][0]["method"], "PROBABILITY");
}
