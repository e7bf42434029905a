//! The README's commands work: the quickstart example and `gemini-live chat` against the
//! embedded fake, and `gemini-live chat` against a separately started fake with a key.

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// `target/<profile>/examples/quickstart`, which `cargo test` builds.
fn quickstart() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let profile_dir = exe
        .parent()
        .and_then(|d| d.parent())
        .expect("target/<profile>");
    profile_dir.join("examples").join("quickstart")
}

fn offline(cmd: &mut Command) -> &mut Command {
    cmd.env_remove("GEMINI_API_KEY")
        .env_remove("GEMINI_LIVE_ENDPOINT")
        .env_remove("GEMINI_LIVE_MODEL")
        .env_remove("GEMINI_LIVE_API_VERSION")
}

#[test]
fn quickstart_runs_a_text_and_an_audio_turn_offline() {
    let path = quickstart();
    assert!(path.exists(), "{} was not built", path.display());
    let out = offline(&mut Command::new(&path)).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
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
    let mut child = cmd
        .arg("chat")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{out:?}");
    (
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn chat_with_the_embedded_fake_prints_replies_and_blank_lines() {
    let (stdout, stderr) = chat(
        offline(&mut Command::new(env!("CARGO_BIN_EXE_gemini-live"))),
        "hello\nsecond line\n",
    );
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
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gemini-live"));
    offline(&mut cmd)
        .env("GEMINI_API_KEY", "test-key")
        .env("GEMINI_LIVE_ENDPOINT", server.endpoint());
    let (stdout, stderr) = chat(cmd.args(["--modality", "text"]), "via a key\n");
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
    let out = offline(&mut Command::new(env!("CARGO_BIN_EXE_gemini-live")))
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
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("gemini-1.0-pro") && stderr.contains("GEMINI_LIVE_MODEL"),
        "{stderr}"
    );
}
