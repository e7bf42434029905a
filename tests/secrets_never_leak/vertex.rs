//! Vertex AI access tokens.

use crate::common::*;
use crate::{
    assert_clean, finish_turn, install, record_error, record_event, record_session, saw, BEARER,
    BEARER_TAIL,
};
use gemini_live::fake::{FakeOptions, FakeServer, Fault, FaultPlan};
use gemini_live::{Auth, Error, Event, ResponseMode, Secret, Session};
use std::time::Duration;

/// Vertex AI: bearer tokens from a provider (a new one per connect), through a drop, a
/// refused reused token (HTTP 401) and a failing provider, never leave the header either; the
/// fake's options (with an expected token sequence) do not print them.
#[test]
fn vertex_access_tokens_never_leak() {
    use gemini_live::fake::{VertexFakeAuth, VertexTokens};
    use gemini_live::vertex::{TokenError, TokenProvider, VertexTarget};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    install();
    let model = "gemini-vertex-fake-model";
    let options = |faults: FaultPlan| FakeOptions {
        models: vec![model.to_string()],
        vertex: Some(VertexFakeAuth::new("leak-proj", "us-central1")),
        faults,
        ..FakeOptions::default()
    };
    let vertex_config = |server: &FakeServer, auth: Auth| {
        let mut c = config(server, ResponseMode::TextAndAudio).with_model(model);
        c.vertex = Some(VertexTarget::new("leak-proj", "us-central1"));
        c.auth = auth;
        c.stall_timeout = Duration::from_millis(500);
        saw(format!("CONFIG {c:?}"));
        saw(format!("URL {}", c.url()));
        c
    };
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let provider = TokenProvider::new(move || {
        let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
        Ok(Secret::new(format!("{BEARER}{n}{BEARER_TAIL}")))
    });
    saw(format!("PROVIDER {provider:?}"));

    // A conversation through a drop: two connects, two tokens.
    let server = fake_with(options(FaultPlan::new().at(1, 2, Fault::Drop)));
    let s = Session::connect(vertex_config(&server, Auth::AccessToken(provider.clone())))
        .expect("connects with a token");
    record_session(&s);
    s.send_text("vertex").unwrap();
    assert!(finish_turn(&s).ends_with("echo: vertex"));
    record_session(&s);
    s.close().unwrap();
    while let Ok(Some(ev)) = s.next_event(Duration::from_millis(300)) {
        record_event(&ev);
    }
    drop(s);
    let conns = server.connections();
    assert!(conns.len() >= 2, "{conns:?}");
    for (i, c) in conns.iter().enumerate() {
        let sent = c.headers.iter().find(|(n, _)| n == "authorization");
        let want = format!("Bearer {BEARER}{}{BEARER_TAIL}", i + 1);
        assert_eq!(sent.map(|(_, v)| v.as_str()), Some(want.as_str()));
        assert!(!c.path.contains("BEARERCANARY") && !c.query.contains("BEARERCANARY"));
    }
    assert_clean("Vertex conversation");

    // A reused token: refused with 401 on the reconnect, and the error names no token.
    let server = fake_with(options(FaultPlan::new().at(1, 2, Fault::Drop)));
    let fixed = TokenProvider::fixed(Secret::new(format!("{BEARER}fixed{BEARER_TAIL}")));
    let s = Session::connect(vertex_config(&server, Auth::AccessToken(fixed))).unwrap();
    s.send_text("again").unwrap();
    let end = closed(&s);
    record_event(&end);
    assert!(
        matches!(
            end,
            Event::Closed {
                error: Some(Error::Http { status: 401, .. }),
                ..
            }
        ),
        "{end:?}"
    );
    record_session(&s);
    drop(s);

    // A failing provider, and the fake's options with an expected token sequence.
    let failing = TokenProvider::new(|| Err(TokenError::fatal("no credentials found")));
    let err =
        Session::connect(vertex_config(&server, Auth::AccessToken(failing))).expect_err("no token");
    record_error(&err);
    let mut auth = VertexFakeAuth::new("p", "l");
    auth.tokens = VertexTokens::Sequence(vec![format!("{BEARER}1{BEARER_TAIL}")]);
    saw(format!(
        "FAKE {:?}",
        FakeOptions {
            vertex: Some(auth),
            ..FakeOptions::default()
        }
    ));
    assert_clean("Vertex refusals");
    assert!(calls.load(Ordering::SeqCst) >= 2);
}
