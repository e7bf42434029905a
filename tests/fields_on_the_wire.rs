//! The setup and input fields of protocol.md Part D.3, sent to the strict fake (which closes
//! 1007 for any field the service does not know): voice, replicated voice, JSON-schema
//! function declarations, the other tools, tool and file parts in `clientContent`, and parts
//! in a tool response, all accepted, and a conversation goes on after them.

mod common;

use common::*;
use gemini_live::protocol::*;
use gemini_live::{ResponseMode, Session};
use serde_json::{json, Value};

/// A tool turn for history: a function call with its thought signature, then its response
/// and a file.
fn tool_history() -> Vec<Content> {
    vec![
        Content {
            role: Some("model".into()),
            parts: vec![Part {
                function_call: Some(FunctionCallPart {
                    id: Some("c1".into()),
                    name: "get_weather".into(),
                    args: json!({"city": "Paris"}),
                }),
                thought_signature: Some("c2lnLTI=".into()),
                ..Part::default()
            }],
        },
        Content {
            role: Some("user".into()),
            parts: vec![
                Part {
                    function_response: Some(FunctionResponse {
                        id: "c1".into(),
                        name: "get_weather".into(),
                        response: json!({"temp": 21}),
                        ..FunctionResponse::default()
                    }),
                    ..Part::default()
                },
                Part {
                    file_data: Some(FileData {
                        mime_type: "application/pdf".into(),
                        file_uri: "gs://bucket/report.pdf".into(),
                    }),
                    ..Part::default()
                },
            ],
        },
    ]
}

fn enc(msg: &ClientMessage) -> Value {
    serde_json::from_str(&encode_client(msg)).expect("JSON")
}

#[test]
fn the_new_setup_fields_and_tool_parts_are_accepted_by_the_strict_fake() {
    let server = fake();
    let mut c = config(&server, ResponseMode::TextAndAudio);
    c.generation.speech_config = Some(SpeechConfig {
        voice_config: Some(VoiceConfig {
            replicated_voice_config: Some(ReplicatedVoiceConfig {
                mime_type: Some("audio/wav".into()),
                voice_sample_audio: Some("UklGRg==".into()),
                consent_audio: Some("UklGRg==".into()),
                ..ReplicatedVoiceConfig::default()
            }),
            ..VoiceConfig::default()
        }),
        language_code: None,
    });
    c.tools = vec![
        Tool {
            function_declarations: Some(vec![FunctionDeclaration {
                name: "get_weather".into(),
                parameters_json_schema: Some(json!({"type": "object"})),
                response_json_schema: Some(json!({"type": "string"})),
                behavior: Some(Behavior::NonBlocking),
                ..FunctionDeclaration::default()
            }]),
            ..Tool::default()
        },
        Tool {
            google_maps: Some(GoogleMaps::default()),
            ..Tool::default()
        },
        Tool {
            file_search: Some(FileSearch {
                file_search_store_names: vec!["fileSearchStores/s-1".into()],
                ..FileSearch::default()
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
    ];
    let s = Session::connect(c).expect("the fake accepts the setup");
    // A tool turn put into history, then a question.
    s.send_client_content(tool_history(), false)
        .expect("history sends");
    s.send_text("and now?").unwrap();
    let t = turn(&s);
    assert!(t.text.contains("echo: and now?"), "{}", t.text);
    let frames = &server.connections()[0].frames;
    let setup: serde_json::Value = serde_json::from_str(&frames[0]).unwrap();
    assert_eq!(
        setup["setup"]["generationConfig"]["speechConfig"]["voiceConfig"]["replicatedVoiceConfig"]
            ["mimeType"],
        "audio/wav"
    );
    assert!(
        frames.iter().any(|f| f.contains("\"functionCall\"")),
        "{frames:?}"
    );
    s.close().unwrap();
}

/// The same history (and a tool response with parts) in the JSON of google-genai 3.6.1.
#[test]
fn encode_tool_and_file_parts_in_client_content_and_tool_response_parts() {
    let turns = tool_history();
    let v = enc(&ClientMessage::ClientContent(ClientContent {
        turns,
        turn_complete: false,
    }));
    assert_eq!(
        v,
        json!({"clientContent": {"turns": [
            {"role": "model", "parts": [{"functionCall": {"id": "c1", "name": "get_weather",
              "args": {"city": "Paris"}}, "thoughtSignature": "c2lnLTI="}]},
            {"role": "user", "parts": [
              {"functionResponse": {"id": "c1", "name": "get_weather", "response": {"temp": 21}}},
              {"fileData": {"mimeType": "application/pdf", "fileUri": "gs://bucket/report.pdf"}}]}],
          "turnComplete": false}})
    );
    let v = enc(&ClientMessage::ToolResponse(ToolResponse {
        function_responses: vec![FunctionResponse {
            id: "c1".into(),
            name: "snapshot".into(),
            response: json!({"ok": true}),
            parts: vec![FunctionResponsePart {
                inline_data: Some(Blob {
                    mime_type: "image/jpeg".into(),
                    data: "/9j/".into(),
                }),
                file_data: None,
            }],
            ..FunctionResponse::default()
        }],
    }));
    assert_eq!(
        v["toolResponse"]["functionResponses"][0]["parts"],
        json!([{"inlineData": {"mimeType": "image/jpeg", "data": "/9j/"}}])
    );
}
