//! The README's commands work: the quickstart example and `gemini-live chat` against the
//! embedded fake, and `gemini-live chat` against a separately started fake with a key.

mod common;

use common::cli::{failure, gemini_live, run_quickstart, run_with_input, success};
use std::process::{Command, Stdio};

#[test]
fn quickstart_runs_a_text_and_an_audio_turn_offline() {
    let stdout = run_quickstart(&[]);
    assert!(stdout.contains("embedded FAKE Live server"), "{stdout}");
    assert!(
        stdout.contains("[turn 1] echo: Hello! Who are you?"),
        "{stdout}"
    );
    assert!(
        stdout.contains("[turn 2] heard 38400 bytes of audio, checksum"),
        "{stdout}"
    );
    assert!(stdout.contains("closed cleanly."), "{stdout}");
}

fn chat(cmd: &mut Command, input: &str) -> (String, String) {
    success(&run_with_input(cmd.arg("chat"), input), &input)
}

#[test]
fn chat_with_the_embedded_fake_prints_replies_and_blank_lines() {
    let (stdout, stderr) = chat(&mut gemini_live(), "hello\nsecond line\n");
    assert_eq!(
        stdout,
        "[turn 1] echo: hello\n\n[turn 2] echo: second line\n\n"
    );
    assert!(stderr.contains("embedded fake"), "{stderr}");
}

#[test]
fn chat_against_a_separate_fake_with_a_key_and_global_options_after_the_subcommand() {
    let server = gemini_live::fake::FakeServer::start(gemini_live::fake::FakeOptions {
        api_key: Some("test-key".into()),
        ..Default::default()
    })
    .unwrap();
    let mut cmd = gemini_live();
    cmd.env("GEMINI_API_KEY", "test-key")
        .env("GEMINI_LIVE_ENDPOINT", server.endpoint());
    let (stdout, stderr) = chat(
        cmd.args(["--modality", "text", "--model", "fake-text-live"]),
        "via a key\n",
    );
    assert_eq!(stdout, "[turn 1] echo: via a key\n\n", "{stderr}");
    assert!(!stderr.contains("embedded fake"));
    let setup = &server.connections()[0].frames[0];
    assert!(
        setup.contains(r#""responseModalities":["TEXT"]"#),
        "{setup}"
    );
}

#[test]
fn chat_reports_a_fatal_error_and_exits_nonzero() {
    let server = gemini_live::fake::FakeServer::start(Default::default()).unwrap();
    let out = gemini_live()
        .args([
            "chat",
            "--model",
            "gemini-1.0-pro",
            "--endpoint",
            &server.endpoint(),
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap();
    let stderr = failure(&out);
    assert!(
        stderr.contains("gemini-1.0-pro") && stderr.contains("GEMINI_LIVE_MODEL"),
        "{stderr}"
    );
}
