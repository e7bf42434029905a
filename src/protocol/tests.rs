//! Codec tests: our frames equal what Google's JS SDK sent (golden captures, camelCase), and
//! the server messages of protocol.md Part B §4 decode as documented.

use super::*;
use crate::config::{Config, ResponseMode};
use serde_json::{json, Value};

/// The frames of a golden capture (`tests/golden/NAME.json`), as JSON values.
fn golden(name: &str) -> Vec<Value> {
    let path = format!("{}/tests/golden/{name}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!("golden capture {path} is missing ({e}); tests/golden/ holds the captures")
    });
    let v: Value = serde_json::from_str(&text).unwrap();
    v["frames"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["json"].clone())
        .collect()
}

fn enc(msg: &ClientMessage) -> Value {
    serde_json::from_str(&encode_client(msg)).unwrap()
}

/// The captures' configuration: their model (the brief's, retired since; `setup_message`
/// does not check it) and `mode`.
fn plain(mode: ResponseMode) -> Config {
    let mut c = Config::default()
        .with_response_mode(mode)
        .with_model(crate::RETIRED_BRIEF_MODEL);
    c.session_resumption = false;
    c.input_transcription = false;
    // Restoring the context asks for transcription (the JS SDK's setups have none).
    c.restore_context = false;
    c
}

#[test]
fn text_scenario_matches_the_js_sdk() {
    let g = golden("js_text");
    let setup = ClientMessage::Setup(Box::new(plain(ResponseMode::Text).setup_message(None)));
    assert_eq!(enc(&setup), g[0]);
    let turn = ClientMessage::ClientContent(ClientContent {
        turns: vec![Content::text("user", "hello")],
        turn_complete: true,
    });
    assert_eq!(enc(&turn), g[1]);
    let rt = ClientMessage::RealtimeInput(RealtimeInput {
        text: Some("realtime hi".into()),
        ..Default::default()
    });
    assert_eq!(enc(&rt), g[3]);
}

#[test]
fn audio_scenario_matches_the_js_sdk() {
    let g = golden("js_audio");
    let mut c = plain(ResponseMode::Audio);
    c.voice = Some("Kore".into());
    c.input_transcription = true;
    c.output_transcription = true;
    assert_eq!(
        enc(&ClientMessage::Setup(Box::new(c.setup_message(None)))),
        g[0]
    );
    // Same bytes; we also label the rate, as the docs do.
    let data = g[1]["realtimeInput"]["audio"]["data"].as_str().unwrap();
    let pcm = decode_base64(data).unwrap();
    let ours: Value = serde_json::from_str(&encode_audio_frame(&pcm, 16000)).unwrap();
    assert_eq!(
        ours["realtimeInput"]["audio"]["data"],
        g[1]["realtimeInput"]["audio"]["data"]
    );
    assert_eq!(
        ours["realtimeInput"]["audio"]["mimeType"],
        "audio/pcm;rate=16000"
    );
    let end = ClientMessage::RealtimeInput(RealtimeInput {
        audio_stream_end: Some(true),
        ..Default::default()
    });
    assert_eq!(enc(&end), *g.last().unwrap());
}

#[test]
fn activity_scenario_matches_the_js_sdk() {
    let g = golden("js_activity");
    let mut c = plain(ResponseMode::Text);
    c.realtime_input = Some(RealtimeInputConfig {
        automatic_activity_detection: Some(AutomaticActivityDetection {
            disabled: Some(true),
            ..Default::default()
        }),
        activity_handling: Some(ActivityHandling::NoInterruption),
        ..Default::default()
    });
    assert_eq!(
        enc(&ClientMessage::Setup(Box::new(c.setup_message(None)))),
        g[0]
    );
    let start = ClientMessage::RealtimeInput(RealtimeInput {
        activity_start: Some(Empty {}),
        ..Default::default()
    });
    assert_eq!(enc(&start), g[1]);
    let end = ClientMessage::RealtimeInput(RealtimeInput {
        activity_end: Some(Empty {}),
        ..Default::default()
    });
    assert_eq!(enc(&end), *g.last().unwrap());
}

#[test]
fn tool_scenario_matches_the_js_sdk() {
    let g = golden("js_tool");
    let mut c = plain(ResponseMode::Text);
    c.tools = vec![Tool {
        function_declarations: Some(vec![FunctionDeclaration {
            name: "get_weather".into(),
            description: Some("weather".into()),
            parameters: Some(
                json!({"type":"OBJECT","properties":{"city":{"type":"STRING"}},"required":["city"]}),
            ),
            behavior: None,
            ..FunctionDeclaration::default()
        }]),
        ..Default::default()
    }];
    assert_eq!(
        enc(&ClientMessage::Setup(Box::new(c.setup_message(None)))),
        g[0]
    );
    let resp = ClientMessage::ToolResponse(ToolResponse {
        function_responses: vec![FunctionResponse {
            id: "function-call-7054939286323534917".into(),
            name: "get_weather".into(),
            response: json!({"temp_c": 21}),
            ..Default::default()
        }],
    });
    assert_eq!(enc(&resp), g[2]);
}

#[test]
fn resume_scenario_matches_the_js_sdk() {
    let g = golden("js_resume");
    let mut c = plain(ResponseMode::Text);
    c.session_resumption = true;
    assert_eq!(
        enc(&ClientMessage::Setup(Box::new(c.setup_message(None)))),
        g[0]
    );
    let handle = g[2]["setup"]["sessionResumption"]["handle"]
        .as_str()
        .unwrap();
    assert_eq!(
        enc(&ClientMessage::Setup(Box::new(
            c.setup_message(Some(handle))
        ))),
        g[2]
    );
}

#[test]
fn nothing_is_ever_null_or_snake_case() {
    let c = Config {
        system_instruction: Some("Be terse.".into()),
        voice: Some("Puck".into()),
        context_window_compression: Some(ContextWindowCompression {
            trigger_tokens: Some(25600),
            sliding_window: SlidingWindow {
                target_tokens: Some(12800),
            },
        }),
        ..Config::default()
    };
    let s = encode_client(&ClientMessage::Setup(Box::new(c.setup_message(Some("h")))));
    assert!(!s.contains("null"), "{s}");
    assert!(!s.contains('_') || s.contains("models/gemini"), "{s}");
    let v: Value = serde_json::from_str(&s).unwrap();
    assert_eq!(
        v["setup"]["systemInstruction"]["parts"][0]["text"],
        "Be terse."
    );
    assert_eq!(
        v["setup"]["contextWindowCompression"]["slidingWindow"]["targetTokens"],
        12800
    );
}

#[test]
fn server_messages_decode_as_documented() {
    let m = decode_server(br#"{"setupComplete":{}}"#).unwrap();
    assert!(m.setup_complete.is_some());

    let m = decode_server(
        br#"{"serverContent":{"turnComplete":true},"usageMetadata":{"promptTokenCount":147,"responseTokenCount":"36","totalTokenCount":183}}"#,
    )
    .unwrap();
    let sc = m.server_content.unwrap();
    assert_eq!(sc.turn_complete, Some(true));
    let u = m.usage_metadata.unwrap();
    assert_eq!(u.response_token_count, Some(36), "int64 as a string");
    assert_eq!(u.total_token_count, Some(183));

    let m = decode_server(br#"{"goAway":{"timeLeft":"50s"}}"#).unwrap();
    assert_eq!(
        m.go_away.unwrap().time_left(),
        Some(std::time::Duration::from_secs(50))
    );

    let m = decode_server(br#"{"sessionResumptionUpdate":{"newHandle":"abc","resumable":true}}"#)
        .unwrap();
    assert_eq!(
        m.session_resumption_update.unwrap().resumable_handle(),
        Some("abc")
    );
    let m = decode_server(br#"{"sessionResumptionUpdate":{"resumable":false}}"#).unwrap();
    assert_eq!(
        m.session_resumption_update.unwrap().resumable_handle(),
        None
    );

    let m = decode_server(
        br#"{"toolCall":{"functionCalls":[{"id":"fc_1","name":"get_weather","args":{"city":"Paris"}}]}}"#,
    )
    .unwrap();
    assert_eq!(m.tool_call.unwrap().function_calls[0].args["city"], "Paris");

    let m = decode_server(
        br#"{"serverContent":{"modelTurn":{"parts":[{"text":"a"},{"inlineData":{"mimeType":"audio/pcm;rate=24000","data":"AAH__w"}}]},"newField":1},"voiceActivity":{"type":"ACTIVITY_START"}}"#,
    )
    .unwrap();
    let parts = m.server_content.unwrap().model_turn.unwrap().parts;
    assert_eq!(parts.len(), 2, "multi-part content");
    assert_eq!(
        m.voice_activity.unwrap().kind.as_deref(),
        Some("ACTIVITY_START")
    );
    assert!(m.unknown.is_empty());
    let m = decode_server(br#"{"someFutureMessage":{"x":1}}"#).unwrap();
    assert_eq!(m.unknown[0].0, "someFutureMessage");
}

#[test]
fn base64_accepts_both_alphabets_padded_or_not() {
    let bytes = [0u8, 1, 0xff, 0xfe, 0xfb];
    assert_eq!(decode_base64("AAH//vs=").unwrap(), bytes);
    assert_eq!(decode_base64("AAH__vs=").unwrap(), bytes);
    assert_eq!(decode_base64("AAH__vs").unwrap(), bytes);
    assert_eq!(decode_base64("AAH//vs").unwrap(), bytes);
    assert!(decode_base64("A$==").is_err());
    assert_eq!(encode_base64(&bytes), "AAH//vs=");
}

#[test]
fn malformed_frames_are_errors_not_panics() {
    for bad in [
        &b""[..],
        b"{",
        b"[]",
        b"\"x\"",
        b"{\"serverContent\":5}",
        b"\xff\xfe",
        b"null",
    ] {
        assert!(
            decode_server(bad).is_err(),
            "{:?}",
            String::from_utf8_lossy(bad)
        );
    }
    assert!(
        decode_server(b"{}").is_ok(),
        "an empty message is not an error"
    );
}

#[test]
fn durations_parse_strictly() {
    assert_eq!(
        parse_duration("0.5s"),
        Some(std::time::Duration::from_millis(500))
    );
    for bad in ["", "s", "5", "-1s", "1e3s", "abc"] {
        assert_eq!(parse_duration(bad), None, "{bad}");
    }
}

#[test]
fn last_consumed_client_message_index_reads_strings_and_numbers() {
    let index = |v: &str| {
        let text = format!(
            r#"{{"sessionResumptionUpdate":{{"newHandle":"h","resumable":true,"lastConsumedClientMessageIndex":{v}}}}}"#
        );
        decode_server(text.as_bytes()).map(|m| {
            m.session_resumption_update
                .and_then(|u| u.last_consumed_client_message_index)
        })
    };
    assert_eq!(
        index(r#""9007199254740993""#).ok(),
        Some(Some(9_007_199_254_740_993))
    );
    assert_eq!(index("42").ok(), Some(Some(42)));
    assert_eq!(index(r#""-1""#).ok(), Some(None));
    assert_eq!(index("-1").ok(), Some(None));
    // Not an integer: ignored, the handle is kept.
    for odd in [r#""x""#, "1.5", "true", "{}"] {
        assert_eq!(index(odd).ok(), Some(None), "{odd}");
    }
    let snake = br#"{"sessionResumptionUpdate":{"resumable":false,"last_consumed_client_message_index":"3"}}"#;
    let u = decode_server(snake)
        .unwrap()
        .session_resumption_update
        .unwrap();
    assert_eq!(u.last_consumed_client_message_index, Some(3));
    let plain = br#"{"sessionResumptionUpdate":{"newHandle":"h","resumable":true}}"#;
    let u = decode_server(plain)
        .unwrap()
        .session_resumption_update
        .unwrap();
    assert_eq!(u.last_consumed_client_message_index, None);
}
