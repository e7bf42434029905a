//! `gemini-live chat` over the Vertex AI path: `--vertex-project/--vertex-location` with
//! `--endpoint` pointing at a Vertex fake, the token from `--access-token-command` (run
//! before every connect: the fake refuses a token it has seen, and a drop forces a
//! reconnection) or from `GEMINI_LIVE_ACCESS_TOKEN`; a failing command and missing flags give
//! clear errors; the token is never printed.

mod common;

use common::cli::{failure, fake_server, gemini_live, run_with_input, success};
use gemini_live::fake::{parse_fault_plan, FakeOptions, FakeServer, VertexFakeAuth};
use std::path::PathBuf;
use std::process::{Command, Output};

fn vertex_fake(faults: &str) -> FakeServer {
    FakeServer::start(FakeOptions {
        vertex: Some(VertexFakeAuth::new("cli-proj", "us-east5")),
        faults: parse_fault_plan(faults).unwrap(),
        ..FakeOptions::default()
    })
    .unwrap()
}

fn chat(cmd: &mut Command, input: &str) -> Output {
    run_with_input(cmd.arg("chat"), input)
}

/// `--vertex-project cli-proj --vertex-location <location>`.
fn vertex(location: &str) -> [&str; 4] {
    [
        "--vertex-project",
        "cli-proj",
        "--vertex-location",
        location,
    ]
}

/// A fresh directory for a token-counter file.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn chat_over_vertex_runs_the_token_command_before_every_connect() {
    let server = vertex_fake("1@2:drop");
    let dir = scratch("cli_vertex_tokens");
    // Prints ya29.cli-1, ya29.cli-2, ... on successive runs.
    let command = "n=$(cat count 2>/dev/null || echo 0); n=$((n+1)); echo $n > count; \
                   echo ya29.cli-$n";
    let out = chat(
        gemini_live()
            .current_dir(&dir)
            .args(["--endpoint", &server.endpoint()])
            .args(vertex("us-east5"))
            .args([
                "--modality",
                "text",
                "--model",
                "fake-text-live",
                "--access-token-command",
                command,
            ]),
        "hello\nsecond line\n",
    );
    let (stdout, stderr) = success(&out, &"chat over vertex");
    assert_eq!(
        stdout, "[turn 1] echo: hello\n\n[turn 2] echo: second line\n\n",
        "{stderr}"
    );
    assert!(
        !stdout.contains("ya29") && !stderr.contains("ya29"),
        "{stderr}"
    );
    let conns = server.connections();
    assert!(
        conns.len() >= 2,
        "the drop forced no reconnection: {conns:#?}"
    );
    for (i, c) in conns.iter().enumerate() {
        assert_eq!(
            c.path,
            "/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent"
        );
        let auth = c.headers.iter().find(|(k, _)| k == "authorization");
        let want = format!("Bearer ya29.cli-{}", i + 1);
        assert_eq!(auth.map(|(_, v)| v.as_str()), Some(want.as_str()));
        let setup: serde_json::Value = serde_json::from_str(&c.frames[0]).unwrap();
        let model = setup["setup"]["model"].as_str().unwrap_or_default();
        assert!(
            model.starts_with("projects/cli-proj/locations/us-east5/publishers/google/models/"),
            "{model}"
        );
    }
}

#[test]
fn chat_over_vertex_with_a_token_from_the_environment() {
    let server = vertex_fake("");
    let out = chat(
        gemini_live()
            .env("GEMINI_LIVE_ACCESS_TOKEN", "ya29.from-env")
            .args([
                "--endpoint",
                &server.endpoint(),
                "--modality",
                "text",
                "--model",
                "fake-text-live",
            ])
            .args(vertex("us-east5")),
        "hi\n",
    );
    let (stdout, _) = success(&out, &"chat over vertex");
    assert_eq!(stdout, "[turn 1] echo: hi\n\n");
    let conns = server.connections();
    let auth = conns[0].headers.iter().find(|(k, _)| k == "authorization");
    assert_eq!(auth.map(|(_, v)| v.as_str()), Some("Bearer ya29.from-env"));
}

#[test]
fn a_failing_token_command_and_missing_flags_are_clear_errors() {
    let server = vertex_fake("");
    let out = chat(
        gemini_live()
            .args(["--endpoint", &server.endpoint()])
            .args(vertex("us-east5"))
            .args([
                "--access-token-command",
                "echo 'ERROR: (gcloud.auth) You do not currently have an active account' >&2; \
                 exit 3",
            ]),
        "hi\n",
    );
    let stderr = failure(&out);
    assert!(stderr.contains("could not get an access token"), "{stderr}");
    assert!(stderr.contains("exit status: 3"), "{stderr}");
    assert!(
        stderr.contains("do not currently have an active account"),
        "{stderr}"
    );
    assert_eq!(server.connection_count(), 0, "connected without a token");

    let out = chat(
        gemini_live().args([
            "--vertex-project",
            "cli-proj",
            "--access-token-command",
            "true",
        ]),
        "",
    );
    let stderr = failure(&out);
    assert!(
        stderr.contains("--vertex-project needs --vertex-location"),
        "{stderr}"
    );

    let out = chat(
        gemini_live()
            .args(["--endpoint", &server.endpoint()])
            .args(vertex("us-east5")),
        "",
    );
    let stderr = failure(&out);
    assert!(
        stderr.contains("needs an access-token provider"),
        "{stderr}"
    );
    assert!(stderr.contains("--access-token-command"), "{stderr}");
}

#[test]
fn fake_server_serves_the_vertex_path_for_a_cli_chat() {
    let (server, endpoint) = fake_server(
        gemini_live()
            .args(["fake-server", "--port", "0"])
            .args(vertex("global")),
    );
    let dir = scratch("cli_vertex_fake_server");
    let out = chat(
        gemini_live()
            .current_dir(&dir)
            .args([
                "--endpoint",
                &endpoint,
                "--modality",
                "text",
                "--model",
                "fake-text-live",
            ])
            .args(vertex("global"))
            .args([
                "--access-token-command",
                "n=$(cat count 2>/dev/null || echo 0); echo $((n+1)) > count; echo ya29.s-$n",
            ]),
        "over the vertex path\n",
    );
    drop(server);
    let (stdout, _) = success(&out, &"chat over vertex");
    assert_eq!(stdout, "[turn 1] echo: over the vertex path\n\n");
    // Client-only flags are refused by fake-server rather than ignored.
    let out = gemini_live()
        .args([
            "fake-server",
            "--port",
            "0",
            "--access-token-command",
            "true",
        ])
        .output()
        .unwrap();
    let stderr = failure(&out);
    // fake-server has no such option (its help lists only its own).
    assert!(
        stderr.contains("unexpected argument '--access-token-command'"),
        "{stderr}"
    );
}
