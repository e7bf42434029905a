//! URLs, setup, validation and the environment, as a configuration shows them.

use super::*;

#[test]
fn url_has_one_slash_and_the_right_method() {
    let mut c = Config::default().with_endpoint("ws://127.0.0.1:9/");
    assert_eq!(
        c.url(),
        "ws://127.0.0.1:9/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"
    );
    c.auth = Auth::EphemeralToken(Secret::new("auth_tokens/x"));
    assert!(c
        .url()
        .ends_with("v1alpha.GenerativeService.BidiGenerateContentConstrained"));
    assert!(!c.url().contains("auth_tokens"));
}

#[test]
fn secrets_are_redacted_in_debug() {
    let c = Config::default().with_api_key("AIzaSECRETKEY123");
    let s = format!("{c:?}");
    assert!(!s.contains("SECRETKEY"), "{s}");
}

#[test]
fn text_and_audio_is_one_modality_plus_transcription() {
    let c = Config::default();
    let v = serde_json::to_value(protocol::ClientMessage::Setup(Box::new(
        c.setup_message(None),
    )))
    .unwrap();
    assert_eq!(
        v["setup"]["generationConfig"]["responseModalities"],
        serde_json::json!(["AUDIO"])
    );
    assert_eq!(
        v["setup"]["outputAudioTranscription"],
        serde_json::json!({})
    );
    assert_eq!(v["setup"]["sessionResumption"], serde_json::json!({}));
    assert_eq!(v["setup"]["model"], "models/gemini-3.8-live");
}

#[test]
fn invalid_combinations_are_rejected() {
    assert!(
        Config::default().validate().is_err(),
        "google endpoint without key"
    );
    assert!(Config::default().with_api_key("k").validate().is_ok());
    assert!(Config::default()
        .with_endpoint("http://x")
        .validate()
        .is_err());
    let c = Config {
        auth: Auth::EphemeralToken(Secret::new("auth_tokens/a")),
        api_version: "v1".into(),
        ..Config::default()
    };
    assert!(c.validate().is_err());
    let c = Config::default().with_api_key("k").with_model("");
    assert!(c.validate().is_err());
}

#[test]
fn v1alpha_is_chosen_where_needed_and_a_pinned_version_is_refused_with_the_reason() {
    let mut c = Config::default()
        .with_endpoint("ws://127.0.0.1:9")
        .with_api_key("k");
    assert_eq!(c.effective_api_version(), "v1beta");
    c.proactivity = Some(protocol::Proactivity {
        proactive_audio: Some(true),
        ..Default::default()
    });
    assert_eq!(c.effective_api_version(), "v1alpha");
    assert!(c
        .url()
        .contains(".v1alpha.GenerativeService.BidiGenerateContent"));
    c.api_version = "v1".into();
    let e = c.validate().unwrap_err().to_string();
    assert!(e.contains("setup.proactivity needs"), "{e}");
    assert!(e.contains("v1alpha, but"), "{e}");
    assert!(e.contains("\"v1\""), "{e}");
    c.api_version = "v1alpha".into();
    assert_eq!(c.effective_api_version(), "v1alpha");
    c.proactivity = None;
    c.auth = Auth::EphemeralToken(Secret::new("auth_tokens/x"));
    c.api_version = "v1".into();
    let e = c.validate().unwrap_err().to_string();
    assert!(e.contains("ephemeral tokens"), "{e}");
}

#[test]
fn environment_variables_select_vertex() {
    let env = |pairs: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            pairs
                .iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    };
    let mut c = Config::default().with_api_key("AIzaKEY");
    super::env::apply_env(&mut c, &env(&[])).unwrap();
    assert!(c.vertex.is_none() && matches!(c.auth, Auth::ApiKey(_)));
    let mut c = Config::default().with_api_key("AIzaKEY");
    let vars = env(&[
        ("GEMINI_LIVE_VERTEX_PROJECT", "p1"),
        ("GEMINI_LIVE_VERTEX_LOCATION", "global"),
        ("GEMINI_LIVE_VERTEX_API_VERSION", "v1beta1"),
        ("GEMINI_LIVE_VERTEX_USER_PROJECT", "bill"),
        ("GEMINI_LIVE_ACCESS_TOKEN", " ya29.env "),
    ]);
    super::env::apply_env(&mut c, &vars).unwrap();
    let v = c.vertex.clone().unwrap();
    assert_eq!((v.project.as_str(), v.location.as_str()), ("p1", "global"));
    assert_eq!(v.api_version, VertexApiVersion::V1beta1);
    assert_eq!(v.user_project.as_deref(), Some("bill"));
    match &c.auth {
        Auth::AccessToken(p) => assert_eq!(p.token().unwrap().expose(), "ya29.env"),
        other => panic!("{other:?}"),
    }
    // A location without a project: express mode, keeping the API key.
    let mut c = Config::default().with_api_key("AIzaKEY");
    super::env::apply_env(&mut c, &env(&[("GEMINI_LIVE_VERTEX_LOCATION", "us")])).unwrap();
    let v = c.vertex.clone().unwrap();
    assert!(v.is_express() && matches!(c.auth, Auth::ApiKey(_)));
    assert_eq!(
        c.effective_endpoint(),
        "wss://aiplatform.us.rep.googleapis.com"
    );
    c.validate().unwrap();
    let mut c = Config::default();
    let e =
        super::env::apply_env(&mut c, &env(&[("GEMINI_LIVE_VERTEX_PROJECT", "p1")])).unwrap_err();
    assert!(e.to_string().contains("GEMINI_LIVE_VERTEX_LOCATION"), "{e}");
    let bad = env(&[
        ("GEMINI_LIVE_VERTEX_PROJECT", "p1"),
        ("GEMINI_LIVE_VERTEX_LOCATION", "us-central1"),
        ("GEMINI_LIVE_VERTEX_API_VERSION", "v1beta"),
    ]);
    assert!(super::env::apply_env(&mut Config::default(), &bad).is_err());
}

#[test]
fn express_mode_takes_an_api_key_and_no_project() {
    let key = || Config::default().with_api_key("AIzaKEY");
    let mut c = key();
    c.vertex = Some(VertexTarget::express());
    c.validate().unwrap();
    assert_eq!(
        c.url(),
        "wss://aiplatform.googleapis.com/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent"
    );
    assert_eq!(c.model_name(), "publishers/google/models/gemini-3.8-live");
    // A key with a project, a token without one, nothing at all: refused with the fix.
    let mut c = key();
    c.vertex = Some(VertexTarget::new("p", "us-central1"));
    let e = c.validate().unwrap_err().to_string();
    assert!(
        e.contains("express mode") && e.contains("without a project"),
        "{e}"
    );
    let mut c = Config::default().with_model("gemini-3.8-live");
    c.vertex = Some(VertexTarget::express());
    c.auth = Auth::AccessToken(TokenProvider::fixed(Secret::new("ya29.x")));
    let e = c.validate().unwrap_err().to_string();
    assert!(e.contains("needs a project"), "{e}");
    c.auth = Auth::None;
    let e = c.validate().unwrap_err().to_string();
    assert!(e.contains("needs an API key"), "{e}");
}
