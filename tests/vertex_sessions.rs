//! Vertex AI through the fake: the `LlmBidiService` path, a bearer token fresh from the token
//! provider on every connect and reconnect (the fake refuses a token it has seen before, or
//! one out of its expected sequence), the `projects/.../models/M` model path, transparent
//! resumption with `lastConsumedClientMessageIndex`, and token-provider failures classified.

mod common;

use common::*;
use gemini_live::fake::{parse_fault_plan, FakeOptions, FakeServer, VertexFakeAuth, VertexTokens};
use gemini_live::vertex::{TokenError, TokenProvider, VertexApiVersion, VertexTarget};
use gemini_live::{Auth, Config, Error, Event, ResponseMode, Secret, Session};
use serde_json::Value;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

const MODEL: &str = "gemini-vertex-fake-model";
const PROJECT: &str = "acme-prod";
const LOCATION: &str = "europe-west4";

fn vertex_fake(auth: VertexFakeAuth, faults: &str) -> FakeServer {
    fake_with(FakeOptions {
        models: vec![MODEL.to_string()],
        vertex: Some(auth),
        faults: parse_fault_plan(faults).unwrap(),
        ..FakeOptions::default()
    })
}

/// A provider answering its `n`th call (from 0) with `answer(n)`, and the count of its calls.
fn scripted_provider(
    answer: impl Fn(usize) -> Result<Secret, TokenError> + Send + Sync + 'static,
) -> (TokenProvider, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let provider = TokenProvider::new(move || answer(counter.fetch_add(1, Ordering::SeqCst)));
    (provider, calls)
}

/// A provider that hands out `ya29.fresh-1`, `ya29.fresh-2`, ... and counts its calls.
fn counting_provider() -> (TokenProvider, Arc<AtomicUsize>) {
    scripted_provider(|n| Ok(Secret::new(format!("ya29.fresh-{}", n + 1))))
}

/// Asks "one" then "two" and checks each echo; closes the session; returns every event.
fn one_then_two(s: Session) -> Vec<Event> {
    let mut events = Vec::new();
    s.send_text("one").unwrap();
    assert_eq!(
        reply_across_reconnects(&s, &mut events),
        "[turn 1] echo: one"
    );
    s.send_text("two").unwrap();
    assert_eq!(
        reply_across_reconnects(&s, &mut events),
        "[turn 2] echo: two"
    );
    s.close().unwrap();
    events
}

fn vertex_config(server: &FakeServer, provider: TokenProvider) -> Config {
    let mut c = config(server, ResponseMode::Text).with_model(MODEL);
    c.vertex = Some(VertexTarget::new(PROJECT, LOCATION));
    c.auth = Auth::AccessToken(provider);
    c.stall_timeout = Duration::from_millis(400);
    c
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
}

fn setup_model(frame: &str) -> String {
    let v: Value = serde_json::from_str(frame).unwrap();
    v["setup"]["model"].as_str().unwrap_or_default().to_string()
}

#[test]
fn a_vertex_session_survives_a_drop_with_a_fresh_token_per_connect() {
    // Connection 1 drops after its 2nd client message (the first question).
    let server = vertex_fake(VertexFakeAuth::new(PROJECT, LOCATION), "1@2:drop");
    let (provider, calls) = counting_provider();
    let s = Session::connect(vertex_config(&server, provider)).unwrap();
    let events = one_then_two(s);

    assert!(
        events.iter().any(|e| matches!(e, Event::Resumed { .. })),
        "the drop was not survived by resumption: {events:#?}"
    );
    let conns = server.connections();
    assert!(conns.len() >= 2, "no reconnection: {conns:#?}");
    // The provider was asked once per connect, and every connection carried its own token.
    assert_eq!(calls.load(Ordering::SeqCst), conns.len());
    let want_model =
        format!("projects/{PROJECT}/locations/{LOCATION}/publishers/google/models/{MODEL}");
    for (i, c) in conns.iter().enumerate() {
        assert_eq!(
            c.path,
            "/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent"
        );
        assert_eq!(
            header(&c.headers, "authorization"),
            Some(format!("Bearer ya29.fresh-{}", i + 1).as_str())
        );
        assert_eq!(header(&c.headers, "x-goog-api-key"), None);
        assert_eq!(setup_model(&c.frames[0]), want_model);
    }
    assert!(conns[1].resumed_handle.is_some(), "{conns:#?}");
}

#[test]
fn transparent_resumption_reports_the_last_consumed_message_index() {
    let mut auth = VertexFakeAuth::new(PROJECT, LOCATION);
    auth.tokens = VertexTokens::Sequence(vec!["tok-a".into(), "tok-b".into()]);
    auth.user_project = Some("billing-42".into());
    let server = vertex_fake(auth, "1@3:drop");
    let (provider, tokens) = scripted_provider(|n| match ["tok-a", "tok-b"].get(n) {
        Some(t) => Ok(Secret::new(*t)),
        None => Err(TokenError::fatal("no more test tokens")),
    });
    let mut c = vertex_config(&server, provider);
    let target = c.vertex.as_mut().unwrap();
    target.transparent_resumption = true;
    target.api_version = VertexApiVersion::V1beta1;
    target.user_project = Some("billing-42".into());
    let s = Session::connect(c).unwrap();
    let events = one_then_two(s);

    let conns = server.connections();
    assert_eq!(conns.len(), 2, "{conns:#?}");
    assert_eq!(tokens.load(Ordering::SeqCst), 2);
    assert_eq!(
        conns[0].path,
        "/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent"
    );
    assert_eq!(
        header(&conns[1].headers, "authorization"),
        Some("Bearer tok-b")
    );
    assert_eq!(
        header(&conns[0].headers, "x-goog-user-project"),
        Some("billing-42")
    );
    let setup: Value = serde_json::from_str(&conns[0].frames[0]).unwrap();
    assert_eq!(setup["setup"]["sessionResumption"]["transparent"], true);
    // After setup (index 0) and after the first question (index 1), each handle says which
    // client message of its connection it includes; the fake sends the int64 as a string.
    let indexes: Vec<Option<u64>> = events
        .iter()
        .filter_map(|e| match e {
            Event::ResumptionUpdate {
                handle: Some(_),
                last_consumed_index,
                ..
            } => Some(*last_consumed_index),
            _ => None,
        })
        .collect();
    assert!(indexes.len() >= 2, "{events:#?}");
    assert_eq!(indexes[..2], [Some(0), Some(1)], "{events:#?}");
    assert!(indexes.iter().all(Option::is_some), "{indexes:?}");
}

#[test]
fn a_reused_token_is_refused_and_ends_the_session() {
    let server = vertex_fake(VertexFakeAuth::new(PROJECT, LOCATION), "1@2:drop");
    let fixed = TokenProvider::fixed(Secret::new("ya29.same-every-time"));
    let s = Session::connect(vertex_config(&server, fixed)).unwrap();
    s.send_text("one").unwrap();
    match closed(&s) {
        Event::Closed {
            error: Some(Error::Http { status: 401, .. }),
            ..
        } => {}
        other => panic!("expected a 401 on the reconnect: {other:?}"),
    }
    // 401 is fatal: one refused reconnect, not a retry loop.
    assert_eq!(server.connection_count(), 2);
}

#[test]
fn token_provider_failures_are_fatal_or_retried_as_the_provider_says() {
    let server = vertex_fake(VertexFakeAuth::new(PROJECT, LOCATION), "");
    let failing = TokenProvider::new(|| Err(TokenError::fatal("gcloud: not logged in")));
    let e = Session::connect(vertex_config(&server, failing)).unwrap_err();
    assert!(
        matches!(&e, Error::AccessToken { retryable: false, message } if message.contains("not logged in")),
        "{e:?}"
    );
    assert_eq!(
        server.connection_count(),
        0,
        "a socket was opened without a token"
    );

    let (flaky, calls) = scripted_provider(|n| match n {
        0 => Err(TokenError::retryable("metadata server timed out")),
        _ => Ok(Secret::new("ya29.second-try")),
    });
    let s = Session::connect(vertex_config(&server, flaky)).unwrap();
    s.send_text("hi").unwrap();
    assert_eq!(turn(&s).text, "[turn 1] echo: hi");
    s.close().unwrap();
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(server.connection_count(), 1);
}

#[test]
fn wrong_project_or_model_on_vertex_is_fatal() {
    let server = vertex_fake(VertexFakeAuth::new(PROJECT, LOCATION), "");
    let (provider, _) = counting_provider();
    let mut c = vertex_config(&server, provider.clone());
    c.vertex = Some(VertexTarget::new("someone-else", LOCATION));
    match Session::connect(c).unwrap_err() {
        Error::Closed { code: 1008, reason } => {
            assert!(reason.contains("Permission denied"), "{reason}")
        }
        e => panic!("{e:?}"),
    }
    let c = vertex_config(&server, provider).with_model("not-a-served-model");
    match Session::connect(c).unwrap_err() {
        Error::ModelNotFound { model, .. } => assert_eq!(model, "not-a-served-model"),
        e => panic!("{e:?}"),
    }
    // An API key on the Vertex path is refused before anything is sent.
    let mut c = vertex_config(&server, counting_provider().0);
    c.auth = Auth::ApiKey(Secret::new("AIzaNOPE"));
    assert!(matches!(
        Session::connect(c).unwrap_err(),
        Error::InvalidSetting { .. }
    ));
    assert_eq!(server.connection_count(), 2);
}

#[test]
fn a_provider_failing_at_a_reconnect_ends_the_session_with_its_message() {
    let server = vertex_fake(VertexFakeAuth::new(PROJECT, LOCATION), "1@2:drop");
    let (provider, calls) = scripted_provider(|n| match n {
        0 => Ok(Secret::new("ya29.first")),
        _ => Err(TokenError::fatal("the refresh token was revoked")),
    });
    let s = Session::connect(vertex_config(&server, provider)).unwrap();
    s.send_text("one").unwrap();
    match closed(&s) {
        Event::Closed {
            error: Some(Error::AccessToken { message, retryable }),
            ..
        } => {
            assert!(message.contains("revoked"), "{message}");
            assert!(!retryable);
        }
        other => panic!("expected the provider's error: {other:?}"),
    }
    // Fatal: asked once more, no socket opened without a token.
    assert_eq!(calls.load(Ordering::SeqCst), 2);
    assert_eq!(server.connection_count(), 1);
}
