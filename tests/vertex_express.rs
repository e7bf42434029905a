//! Vertex AI as Google's SDKs reach it (protocol.md Part D.2), through the fake: express mode
//! (an API key and no project, the model `publishers/google/models/M`), publisher-qualified
//! model ids completed with the project and location, and Vertex's usage names
//! (`candidatesTokenCount`, `candidatesTokensDetails`, `trafficType`) read into the same
//! usage fields as the Developer API's.

mod common;

use common::*;
use gemini_live::fake::{FakeOptions, FakeServer, VertexFakeAuth};
use gemini_live::vertex::{TokenProvider, VertexTarget};
use gemini_live::{Auth, Config, Error, Event, ResponseMode, Secret, Session};
use serde_json::Value;

const KEY: &str = "AIzaEXPRESSKEY";

fn fake_with_key() -> FakeServer {
    let mut auth = VertexFakeAuth::new("acme", "global");
    auth.api_key = Some(Secret::new(KEY));
    fake_with(FakeOptions {
        vertex: Some(auth),
        ..FakeOptions::default()
    })
}

fn express(server: &FakeServer, key: &str) -> Config {
    let mut c = config(server, ResponseMode::TextAndAudio);
    c.vertex = Some(VertexTarget::express());
    c.auth = Auth::ApiKey(Secret::new(key));
    c
}

fn setup_of(server: &FakeServer, i: usize) -> Value {
    serde_json::from_str(&server.connections()[i].frames[0]).expect("setup JSON")
}

/// The usage of the turn's `TurnComplete` (or its `Usage` event).
fn usage_of(t: &Turn) -> gemini_live::protocol::UsageMetadata {
    t.events
        .iter()
        .find_map(|e| match e {
            Event::TurnComplete { usage: Some(u), .. } | Event::Usage(u) => Some(u.clone()),
            _ => None,
        })
        .unwrap_or_else(|| panic!("no usage: {:#?}", t.events))
}

#[test]
fn express_mode_talks_with_an_api_key_and_the_publisher_model_path() {
    let server = fake_with_key();
    let s = Session::connect(express(&server, KEY)).expect("express mode connects");
    s.send_text("hello").unwrap();
    let t = turn(&s);
    assert_eq!(t.text, "[turn 1] echo: hello");
    assert!(!t.audio.is_empty());
    // Vertex's usage names land in the response fields, trafficType is kept.
    let u = usage_of(&t);
    assert!(u.response_token_count.is_some_and(|n| n > 0), "{u:?}");
    assert_eq!(u.response_tokens_details[0].modality, "AUDIO", "{u:?}");
    assert_eq!(u.traffic_type.as_deref(), Some("ON_DEMAND"));
    s.close().unwrap();

    let conn = &server.connections()[0];
    assert_eq!(
        conn.path,
        "/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent"
    );
    let key = conn.headers.iter().find(|(k, _)| k == "x-goog-api-key");
    assert_eq!(key.map(|(_, v)| v.as_str()), Some(KEY));
    assert!(!conn.headers.iter().any(|(k, _)| k == "authorization"));
    assert_eq!(
        setup_of(&server, 0)["setup"]["model"],
        "publishers/google/models/gemini-3.8-live"
    );
}

#[test]
fn a_wrong_express_key_is_refused_and_not_retried() {
    let server = fake_with_key();
    let e = Session::connect(express(&server, "AIzaWRONG")).expect_err("a wrong key");
    assert!(!e.is_retryable(), "{e:?}");
    assert!(!e.to_string().contains("AIzaWRONG"), "{e}");
    assert!(matches!(e, Error::Http { status: 401, .. }), "{e:?}");
}

#[test]
fn publisher_qualified_model_ids_are_completed_with_project_and_location() {
    let server = fake_with(FakeOptions {
        vertex: Some(VertexFakeAuth::new("acme", "us-east5")),
        ..FakeOptions::default()
    });
    for (i, model) in [
        "google/gemini-3.8-live",
        "publishers/google/models/gemini-3.8-live",
    ]
    .into_iter()
    .enumerate()
    {
        let mut c = config(&server, ResponseMode::TextAndAudio).with_model(model);
        c.vertex = Some(VertexTarget::new("acme", "us-east5"));
        c.auth = Auth::AccessToken(TokenProvider::new(move || {
            Ok(Secret::new(format!("ya29.t{i}")))
        }));
        let s = Session::connect(c).unwrap_or_else(|e| panic!("{model}: {e}"));
        s.send_text("hi").unwrap();
        assert_eq!(turn(&s).text, "[turn 1] echo: hi", "{model}");
        s.close().unwrap();
        assert_eq!(
            setup_of(&server, i)["setup"]["model"],
            "projects/acme/locations/us-east5/publishers/google/models/gemini-3.8-live",
            "{model}"
        );
    }
}
