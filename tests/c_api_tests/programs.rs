//! The C test programs that check themselves: misuse, features, today's models, and Vertex AI
//! with a token callback; each prints "ALL OK" and the test reads what else it printed.

use super::build::{program, LIMIT};
use crate::c::support::{expect_success, run};
use gemini_live::fake::{FakeOptions, FakeServer};

#[test]
fn misuse_returns_the_documented_codes_and_never_crashes() {
    let out = run(program("misuse"), LIMIT);
    let stdout = expect_success("misuse", &out);
    assert!(stdout.contains("misuse: ALL OK"), "{stdout}");
    // The panic hook's panic was caught at the boundary (the process went on to the end).
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("gemini_live_test_panic was called"),
        "{stderr}"
    );
    let out = run(program("misuse_cpp"), LIMIT);
    assert!(expect_success("misuse (C++)", &out).contains("misuse: ALL OK"));
}

#[test]
fn features_work_from_c_tools_logs_metrics_and_errors() {
    let out = run(program("features"), LIMIT);
    let stdout = expect_success("features", &out);
    assert!(stdout.contains("features: ALL OK"), "{stdout}");
    assert!(
        stdout.contains("tool reply: [turn 1] tool get_weather returned"),
        "{stdout}"
    );
    assert!(
        stdout.contains("text reply: [turn 2] echo: hello features"),
        "{stdout}"
    );
}

#[test]
fn todays_models_from_c_check_lifecycle_scheduling_and_setup_fields() {
    let out = run(program("models"), LIMIT);
    let stdout = expect_success("models", &out);
    assert!(stdout.contains("models: ALL OK"), "{stdout}");
    assert!(stdout.contains("[turn 1] echo: hello c"), "{stdout}");
    assert!(stdout.contains("refused: "), "{stdout}");
    let out = run(program("models_cpp"), LIMIT);
    assert!(expect_success("models (C++)", &out).contains("models: ALL OK"));
}

/// Vertex AI from C (`tests/c/vertex.c`), as C99 and as C++: the fake expects exactly the
/// callback's tokens, one per connect, in order, so a cached or reused token fails the run.
#[test]
fn vertex_from_c_asks_the_token_callback_on_every_connect() {
    use gemini_live::fake::{VertexFakeAuth, VertexTokens};
    for name in ["vertex", "vertex_cpp"] {
        let mut auth = VertexFakeAuth::new("c-proj", "us-central1");
        auth.tokens =
            VertexTokens::Sequence(vec!["ya29.c-token-1".into(), "ya29.c-token-2".into()]);
        auth.user_project = Some("billing".into());
        let server = FakeServer::start(FakeOptions {
            vertex: Some(auth),
            faults: gemini_live::fake::parse_fault_plan("1@2:drop").expect("plan"),
            ..FakeOptions::default()
        })
        .expect("the fake server starts");
        let mut cmd = program(name);
        cmd.env("GEMINI_LIVE_ENDPOINT", server.endpoint());
        let stdout = expect_success(name, &run(cmd, LIMIT));
        assert!(stdout.contains("vertex: ALL OK"), "{stdout}");
        assert!(stdout.contains("vertex: tokens handed out: 2"), "{stdout}");
        let conns = server.connections();
        assert_eq!(conns.len(), 2, "{conns:#?}");
        for (i, c) in conns.iter().enumerate() {
            assert_eq!(
                c.path,
                "/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent"
            );
            let auth = c.headers.iter().find(|(k, _)| k == "authorization");
            let want = format!("Bearer ya29.c-token-{}", i + 1);
            assert_eq!(auth.map(|(_, v)| v.as_str()), Some(want.as_str()));
        }
    }
}
