//! The target: hosts, paths, model paths and their checks.

use super::*;

#[test]
fn regional_and_global_hosts() {
    let t = VertexTarget::new("p", "europe-west4");
    assert_eq!(t.host(), "europe-west4-aiplatform.googleapis.com");
    assert_eq!(t.endpoint(), "wss://europe-west4-aiplatform.googleapis.com");
    let g = VertexTarget::new("p", "global");
    assert_eq!(g.host(), "aiplatform.googleapis.com");
    // The multi-regions, as Google's SDKs build them (Part D.2).
    assert_eq!(
        VertexTarget::new("p", "us").host(),
        "aiplatform.us.rep.googleapis.com"
    );
    assert_eq!(
        VertexTarget::new("p", "eu").endpoint(),
        "wss://aiplatform.eu.rep.googleapis.com"
    );
    assert_eq!(VertexTarget::express().host(), "aiplatform.googleapis.com");
}

#[test]
fn path_per_version() {
    let mut t = VertexTarget::new("p", "us-central1");
    assert_eq!(
        t.path(),
        "/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent"
    );
    t.api_version = VertexApiVersion::V1;
    assert_eq!(
        t.path(),
        "/ws/google.cloud.aiplatform.v1.LlmBidiService/BidiGenerateContent"
    );
    t.api_version = VertexApiVersion::V1beta1;
    assert_eq!(VertexApiVersion::parse("V1BETA1"), Some(t.api_version));
    assert_eq!(VertexApiVersion::parse("v1beta"), None);
}

#[test]
fn model_path_from_project_location_and_id() {
    let t = VertexTarget::new("my-proj", "us-central1");
    let want = "projects/my-proj/locations/us-central1/publishers/google/models/gemini-3.8-live";
    assert_eq!(t.model_path("gemini-3.8-live"), want);
    assert_eq!(t.model_path("models/gemini-3.8-live"), want);
    assert_eq!(t.model_path(want), want);
    assert_eq!(t.model_path("google/gemini-3.8-live"), want);
    assert_eq!(
        t.model_path("publishers/google/models/gemini-3.8-live"),
        want
    );
    let x = VertexTarget::express();
    let short = "publishers/google/models/gemini-3.8-live";
    assert_eq!(x.model_path("gemini-3.8-live"), short);
    assert_eq!(x.model_path("google/gemini-3.8-live"), short);
    assert_eq!(x.model_path(short), short);
}

#[test]
fn validation_names_the_bad_part() {
    let t = VertexTarget::new("my-proj", "us-central1");
    assert!(t.validate("gemini-3.8-live").is_ok());
    let full = "projects/a/locations/b/publishers/google/models/m";
    assert!(t.validate(full).is_ok());
    assert!(t.validate("publishers/google/models/m").is_ok());
    assert!(t.validate("google/m").is_ok());
    let e = t.validate("publishers/google/m").unwrap_err();
    assert!(e.to_string().contains("model id"), "{e}");
    assert!(t.validate("a/b/c").is_err());
    assert!(t.validate("projects/a/models/m").is_err());
    // An empty project is express mode (checked against the credentials by Config).
    assert!(VertexTarget::new("", "us-central1").validate("m").is_ok());
    let e = VertexTarget::new("a project", "us-central1")
        .validate("m")
        .unwrap_err();
    assert!(e.to_string().contains("Vertex project"), "{e}");
    let e = VertexTarget::new("p", "US Central")
        .validate("m")
        .unwrap_err();
    assert!(e.to_string().contains("Vertex location"), "{e}");
    let mut u = VertexTarget::new("p", "global");
    u.user_project = Some("bad project".into());
    assert!(u.validate("m").is_err());
}
