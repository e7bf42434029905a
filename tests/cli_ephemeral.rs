//! Ephemeral tokens in the CLI: `--ephemeral-token`, `GEMINI_LIVE_EPHEMERAL_TOKEN`, and a
//! `GEMINI_API_KEY` that is one (`auth_tokens/...`, as Google's SDK reads it) all reach the
//! `v1alpha` constrained method with `Authorization: Token`, and the token never shows in the
//! output.

mod common;

use common::cli::{gemini_live, run_with_input, success};
use gemini_live::fake::{FakeOptions, FakeServer};

const TOKEN: &str = "auth_tokens/ephemeral-SECRET-123";

fn fake() -> FakeServer {
    FakeServer::start(FakeOptions {
        api_key: Some(TOKEN.into()),
        ..FakeOptions::default()
    })
    .expect("the fake server starts")
}

/// Runs one chat line with `setup` applied; checks the reply, the route and the header.
fn chat_with(setup: impl FnOnce(&mut std::process::Command, &str)) {
    let server = fake();
    let mut cmd = gemini_live();
    setup(&mut cmd, &server.endpoint());
    cmd.args(["--modality", "text", "--model", "fake-text-live", "chat"]);
    let out = run_with_input(&mut cmd, "hi\n");
    let (stdout, stderr) = success(&out, &"chat with an ephemeral token");
    assert_eq!(stdout, "[turn 1] echo: hi\n\n", "{stderr}");
    assert!(
        !stdout.contains("SECRET") && !stderr.contains("SECRET"),
        "{stderr}"
    );
    let conn = &server.connections()[0];
    assert_eq!(
        conn.path,
        "/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained"
    );
    let auth = conn.headers.iter().find(|(k, _)| k == "authorization");
    assert_eq!(
        auth.map(|(_, v)| v.as_str()),
        Some(format!("Token {TOKEN}").as_str())
    );
    assert!(!conn.headers.iter().any(|(k, _)| k == "x-goog-api-key"));
}

#[test]
fn the_ephemeral_token_flag_uses_the_constrained_method() {
    chat_with(|cmd, endpoint| {
        cmd.args(["--endpoint", endpoint, "--ephemeral-token", TOKEN]);
    });
}

#[test]
fn the_environment_variable_wins_over_an_api_key() {
    chat_with(|cmd, endpoint| {
        cmd.env("GEMINI_LIVE_ENDPOINT", endpoint)
            .env("GEMINI_API_KEY", "AIzaNOTUSED")
            .env("GEMINI_LIVE_EPHEMERAL_TOKEN", TOKEN);
    });
}

#[test]
fn an_api_key_that_is_a_token_is_used_as_one() {
    chat_with(|cmd, endpoint| {
        cmd.env("GEMINI_LIVE_ENDPOINT", endpoint)
            .env("GEMINI_API_KEY", TOKEN);
    });
}
