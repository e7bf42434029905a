use super::*;
use crate::wording::Lang;

#[test]
fn close_table() {
    assert_eq!(classify_close(1011, "Deadline expired"), Retry::Retryable);
    assert_eq!(classify_close(1006, ""), Retry::Retryable);
    assert_eq!(classify_close(1001, ""), Retry::Retryable);
    assert_eq!(
        classify_close(1007, "Request contains an invalid argument."),
        Retry::Fatal
    );
    assert_eq!(
        classify_close(1008, "models/x is not found for API version v1alpha"),
        Retry::Fatal
    );
    assert_eq!(
        classify_close(1008, "The operation was aborted"),
        Retry::Retryable
    );
    assert_eq!(classify_close(1000, ""), Retry::Fatal);
}

#[test]
fn model_not_found_names_the_model_and_the_fix() {
    let e = Error::from_close(
        1008,
        "models/gemini-live-2.5-flash-preview is not found for API version v1alpha, or is not supported for bidiGenerateContent. Call ListMod",
        "gemini-live-2.5-flash-preview",
        &crate::models::recommended(crate::models::Api::Developer),
    );
    assert!(matches!(e, Error::ModelNotFound { .. }));
    let s = e.to_string();
    assert!(s.contains("gemini-live-2.5-flash-preview"));
    assert!(s.contains("GEMINI_LIVE_MODEL"));
    assert!(s.contains("`Config::model`"), "{s}");
    assert!(e.message(Lang::Cli).contains("or --model,"), "{s}");
    assert!(e
        .message(Lang::C)
        .contains("`gemini_live_config_set_model`"));
    // The advice names the current models of the capability table.
    assert!(
        s.contains("gemini-3.8-live, gemini-3.8-live-extended-thinking"),
        "{s}"
    );
    assert!(!e.is_retryable());
}

#[test]
fn http_status_classes() {
    let e = |status| Error::Http {
        status,
        body: String::new(),
    };
    assert!(e(503).is_retryable());
    assert!(e(429).is_retryable());
    assert!(e(408).is_retryable(), "request timeout is transient");
    // A 404 says where the Live path comes from (a pasted full URL, a wrong host path).
    assert!(e(404)
        .to_string()
        .contains("the Live path /ws/... is appended"));
    assert!(!e(403).to_string().contains("/ws/"));
    assert!(!e(401).is_retryable());
    assert!(!e(404).is_retryable());
}
