//! Vertex AI configuration: URL (regional, global, overridden endpoint), the setup's model
//! path and transparent resumption, and what validation refuses (API keys, no token
//! provider, a Bearer provider without Vertex, a model id of the other API) — all before a
//! socket is opened.

use gemini_live::protocol::ClientMessage;
use gemini_live::vertex::{TokenProvider, VertexApiVersion, VertexTarget};
use gemini_live::{Auth, Config, Secret, DEFAULT_MODEL};

fn vertex(location: &str) -> Config {
    let mut c = Config::default().with_model("gemini-3.8-live");
    c.vertex = Some(VertexTarget::new("my-proj", location));
    c.auth = Auth::AccessToken(TokenProvider::fixed(Secret::new("ya29.SECRETTOKEN")));
    c
}

/// The setup message `c` sends (resuming `handle`), as JSON.
fn setup_json(c: &Config, handle: Option<&str>) -> serde_json::Value {
    serde_json::to_value(ClientMessage::Setup(Box::new(c.setup_message(handle)))).unwrap()
}

#[test]
fn vertex_url_host_and_model_path() {
    let c = vertex("us-central1");
    assert_eq!(
        c.url(),
        "wss://us-central1-aiplatform.googleapis.com/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent"
    );
    assert!(c.validate().is_ok(), "{:?}", c.validate());
    let mut g = vertex("global");
    assert_eq!(
        g.url(),
        "wss://aiplatform.googleapis.com/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent"
    );
    if let Some(v) = g.vertex.as_mut() {
        v.api_version = VertexApiVersion::V1;
    }
    assert!(g
        .url()
        .ends_with("aiplatform.v1.LlmBidiService/BidiGenerateContent"));
    // The multi-regions, as Google's SDKs build them.
    assert_eq!(
        vertex("us").url(),
        "wss://aiplatform.us.rep.googleapis.com/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent"
    );
    assert!(vertex("eu")
        .url()
        .starts_with("wss://aiplatform.eu.rep.googleapis.com/ws/"));
    // An explicit endpoint (a proxy, the fake) overrides the host, not the path.
    let local = vertex("us-central1").with_endpoint("ws://127.0.0.1:9/");
    assert_eq!(
        local.url(),
        "ws://127.0.0.1:9/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent"
    );
    let v = setup_json(&c, Some("h"));
    assert_eq!(
        v["setup"]["model"],
        "projects/my-proj/locations/us-central1/publishers/google/models/gemini-3.8-live"
    );
    assert_eq!(
        v["setup"]["sessionResumption"],
        serde_json::json!({"handle": "h"})
    );
    // The Developer API is unchanged.
    let d = Config::default().with_api_key("k");
    assert_eq!(d.model_name(), "models/gemini-3.8-live");
    assert!(d.url().starts_with(
        "wss://generativelanguage.googleapis.com/ws/google.ai.generativelanguage.v1beta."
    ));
}

#[test]
fn transparent_resumption_is_sent_on_vertex_only() {
    let mut c = vertex("us-central1");
    if let Some(v) = c.vertex.as_mut() {
        v.transparent_resumption = true;
    }
    let v = setup_json(&c, None);
    assert_eq!(
        v["setup"]["sessionResumption"],
        serde_json::json!({"transparent": true})
    );
    c.session_resumption = false;
    assert!(c.validate().is_err());
}

#[test]
fn vertex_refuses_keys_with_a_project_and_missing_providers() {
    let mut c = vertex("us-central1");
    c.auth = Auth::ApiKey(Secret::new("AIzaKEY"));
    let e = c.validate().unwrap_err().to_string();
    assert!(
        e.contains("express mode") && e.contains("goes without a project"),
        "{e}"
    );
    assert!(!e.contains("AIzaKEY"), "{e}");
    c.auth = Auth::None;
    let e = c.validate().unwrap_err().to_string();
    assert!(e.contains("needs an access-token provider"), "{e}");
    c.auth = Auth::EphemeralToken(Secret::new("auth_tokens/x"));
    assert!(c.validate().is_err());
    let mut d = Config::default();
    d.auth = Auth::AccessToken(TokenProvider::fixed(Secret::new("t")));
    let e = d.validate().unwrap_err().to_string();
    assert!(e.contains("Vertex AI only"), "{e}");
    let s = format!("{:?}", vertex("us-central1"));
    assert!(!s.contains("SECRETTOKEN"), "{s}");
    assert!(s.contains("TokenProvider(<callback>)"), "{s}");
}

#[test]
fn a_model_of_the_other_api_is_refused_locally() {
    let mut c = vertex("us-central1").with_model("gemini-2.5-flash-native-audio-preview-12-2025");
    let e = c.validate().unwrap_err().to_string();
    assert!(
        e.contains("served by the Developer API, not Vertex AI"),
        "{e}"
    );
    assert!(e.contains("gemini-live-2.5-flash-native-audio"), "{e}");
    c.skip_model_check = true;
    assert!(c.validate().is_ok());
    let d = Config::default()
        .with_api_key("k")
        .with_model("gemini-live-2.5-flash-native-audio");
    let e = d.validate().unwrap_err().to_string();
    assert!(
        e.contains("served by Vertex AI, not the Developer API"),
        "{e}"
    );
    // Ids on both APIs, unknown and retired ids pass.
    for m in ["gemini-3.8-live", "some-future-model", DEFAULT_MODEL] {
        assert!(vertex("global").with_model(m).validate().is_ok(), "{m}");
    }
}
