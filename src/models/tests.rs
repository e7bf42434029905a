//! The capability table is consistent and its rules are checked as documented.

use super::*;
use crate::config::Config;
use crate::error::{Error, Result};
use serde_json::{json, Value};

fn cfg(model: &str) -> Config {
    Config::default().with_api_key("k").with_model(model)
}

/// The model check of [`Config::validate`], as a configuration reaches it.
fn check_config(c: &Config) -> Result<()> {
    c.check_model()
}

#[test]
fn every_id_is_unique_and_found_with_any_prefix() {
    for m in MODELS {
        assert_eq!(
            MODELS.iter().filter(|o| o.id == m.id).count(),
            1,
            "{}",
            m.id
        );
        assert_eq!(
            lookup(&format!("models/{}", m.id)).map(|i| i.id),
            Some(m.id)
        );
        let vertex = format!(
            "projects/p/locations/us-central1/publishers/google/models/{}",
            m.id
        );
        assert_eq!(lookup(&vertex).map(|i| i.id), Some(m.id));
        assert!(!m.modalities.is_empty());
        // The default mode a model suggests is one it accepts.
        assert!(m.supports(m.default_mode()), "{}", m.id);
    }
    assert!(lookup("gemini-9-live").is_none());
}

#[test]
fn the_default_model_is_current_and_the_brief_model_refused_locally_with_the_fix() {
    let info = lookup(crate::DEFAULT_MODEL).unwrap();
    assert_eq!(info.status, Status::Stable);
    assert!(check_config(&cfg(crate::DEFAULT_MODEL)).is_ok());
    let info = lookup(crate::RETIRED_BRIEF_MODEL).unwrap();
    assert_eq!(
        info.status,
        Status::Retired {
            since: "2025-12-09"
        }
    );
    let e = check_config(&cfg(crate::RETIRED_BRIEF_MODEL))
        .unwrap_err()
        .to_string();
    assert!(e.contains("gemini-live-2.5-flash-preview"), "{e}");
    assert!(e.contains("retired it on 2025-12-09"), "{e}");
    assert!(e.contains("gemini-3.8-live"), "{e}");
    assert!(e.contains("Config::model"), "{e}");
    assert!(e.contains("nothing was sent"), "{e}");
    let mut c = cfg(crate::RETIRED_BRIEF_MODEL);
    c.skip_model_check = true;
    assert!(check_config(&c).is_ok());
}

#[test]
fn text_on_38_names_the_model_the_modality_and_the_fix() {
    let c = cfg("gemini-3.8-live").with_response_mode(ResponseMode::Text);
    let e = check_config(&c).unwrap_err();
    let s = e.to_string();
    assert!(s.contains("gemini-3.8-live"), "{s}");
    assert!(s.contains("responseModalities \"TEXT\""), "{s}");
    assert!(s.contains("`ResponseMode::TextAndAudio`"), "{s}");
    let cli = e.message(crate::wording::Lang::Cli);
    assert!(cli.contains("--modality text+audio"), "{cli}");
    assert!(matches!(e, Error::UnsupportedByModel { .. }));
    assert!(!e.is_retryable());
    // Text and audio is sent as AUDIO: accepted.
    assert!(check_config(&cfg("gemini-3.8-live")).is_ok());
}

#[test]
fn each_rule_is_checked_on_the_setup_json() {
    let info = lookup("gemini-3.8-live-extended-thinking").unwrap();
    let rule = |setup: Value| violation(info, &setup).map(|r| (r.rule, r.code));
    assert_eq!(
        rule(json!({"generationConfig": {"responseModalities": ["AUDIO"]}})),
        None
    );
    assert_eq!(
        rule(json!({"generationConfig": {"thinking_config": {"thinkingBudget": 0}}})),
        Some((Rule::ThinkingConfig, 1007))
    );
    assert_eq!(
        rule(json!({"generationConfig": {"enableAffectiveDialog": false}})),
        Some((Rule::AffectiveDialog, 1007))
    );
    assert_eq!(
        rule(json!({"proactivity": {"proactiveAudio": false}})),
        Some((Rule::ProactiveAudioOff, 1007))
    );
    assert_eq!(rule(json!({"proactivity": {"proactiveAudio": true}})), None);
    assert_eq!(
        rule(json!({"tools": [{"functionDeclarations": [{"name": "f", "behavior": "BLOCKING"}]}]})),
        Some((Rule::BlockingFunction, 1007))
    );
    assert_eq!(
        rule(
            json!({"tools": [{"functionDeclarations": [{"name": "f", "behavior": "NON_BLOCKING"}]}]})
        ),
        None
    );
    let t = lookup("gemini-3.5-transcribe-live-preview").unwrap();
    assert_eq!(
        violation(t, &json!({})).map(|r| r.rule),
        Some(Rule::Modality(Modality::Audio))
    );
    let text = json!({"generationConfig": {"responseModalities": ["TEXT"]}});
    assert_eq!(violation(t, &text), None);
    let mut with_tools = text.clone();
    with_tools["tools"] = json!([{"googleSearch": {}}]);
    assert_eq!(violation(t, &with_tools).map(|r| r.rule), Some(Rule::Tools));
    let l31 = lookup("gemini-3.1-flash-live-preview").unwrap();
    assert_eq!(violation(l31, &text).map(|r| r.code), Some(1011));
}

#[test]
fn unknown_models_and_skipped_checks_pass() {
    assert!(check_config(&cfg("gemini-9-live").with_response_mode(ResponseMode::Text)).is_ok());
    let mut c = cfg("gemini-3.8-live").with_response_mode(ResponseMode::Text);
    c.skip_model_check = true;
    assert!(check_config(&c).is_ok());
}

#[test]
fn advice_names_the_stable_models() {
    let s = recommended(Api::Developer);
    assert!(s.starts_with("gemini-3.8-live"), "{s}");
    assert!(s.contains("gemini-3.8-live-extended-thinking"), "{s}");
    assert!(!s.contains("2.5-flash-preview"), "{s}");
    assert!(current().all(|m| m.status.is_current()));
    assert_eq!(current().next().map(|m| m.status), Some(Status::Stable));
}
