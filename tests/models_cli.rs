//! The quickstart and the CLI with today's models: the quickstart runs against the embedded
//! fake with `GEMINI_LIVE_MODEL` set to each current Developer-API model; `chat` with extended thinking
//! prints each answer once; a modality the model refuses fails before connecting;
//! `fake-server --model` serves what it is told.

use gemini_live::models;
use std::io::{BufRead, BufReader, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};

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
fn the_quickstart_runs_offline_with_every_current_model() {
    let path = quickstart();
    assert!(
        path.exists(),
        "{} was not built (cargo build --examples)",
        path.display()
    );
    let mut ran = 0;
    // The embedded fake speaks the Developer API: Vertex-only ids are refused before
    // connecting there (they are served on the Vertex path: tests/model_rules.rs).
    for info in models::current().filter(|m| m.api != models::Api::Vertex) {
        let out = offline(&mut Command::new(&path))
            .env("GEMINI_LIVE_MODEL", info.id)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{}: {stdout}\n{}",
            info.id,
            String::from_utf8_lossy(&out.stderr)
        );
        let turn = if info.text_input {
            assert!(
                stdout.contains("[turn 1] echo: Hello! Who are you?"),
                "{}: {stdout}",
                info.id
            );
            2
        } else {
            1
        };
        assert!(
            stdout.contains(&format!(
                "[turn {turn}] heard 38400 bytes of audio, checksum"
            )),
            "{}: {stdout}",
            info.id
        );
        assert!(stdout.contains("closed cleanly."), "{}: {stdout}", info.id);
        ran += 1;
    }
    assert!(ran >= 6, "{ran}");
}

fn chat(args: &[&str], input: &str) -> std::process::Output {
    let mut child = offline(&mut Command::new(env!("CARGO_BIN_EXE_gemini-live")))
        .arg("chat")
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // The child may exit before it reads stdin (a refused configuration): a broken pipe here
    // is expected then, and its exit status tells.
    let _ = child.stdin.take().unwrap().write_all(input.as_bytes());
    child.wait_with_output().unwrap()
}

#[test]
fn chat_with_extended_thinking_prints_each_answer_once_and_ends() {
    let out = chat(
        &["--model", "gemini-3.8-live-extended-thinking"],
        "hello\nsecond line\n",
    );
    assert!(out.status.success(), "{out:?}");
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "[turn 1] let me think about that.\n[turn 1] echo: hello\n\n\
         [turn 2] let me think about that.\n[turn 2] echo: second line\n\n"
    );
}

#[test]
fn a_modality_the_model_refuses_fails_before_connecting() {
    let server = gemini_live::fake::FakeServer::start(Default::default()).unwrap();
    let out = chat(
        &[
            "--model",
            "gemini-3.8-live",
            "--modality",
            "text",
            "--endpoint",
            &server.endpoint(),
        ],
        "hello\n",
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("`gemini-3.8-live`"), "{stderr}");
    assert!(stderr.contains("responseModalities \"TEXT\""), "{stderr}");
    assert!(stderr.contains("--modality text+audio"), "{stderr}");
    assert_eq!(server.connection_count(), 0, "nothing may be sent");
}

#[test]
fn fake_server_serves_the_models_it_is_given() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_gemini-live"))
        .args([
            "fake-server",
            "--port",
            "0",
            "--model",
            "gemini-3.8-live-extended-thinking",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut endpoint = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut endpoint)
        .unwrap();
    let endpoint = endpoint.trim().to_string();
    let connect = |model: &str| {
        let mut c = gemini_live::Config::default()
            .with_endpoint(&endpoint)
            .with_model(model);
        c.reconnect.enabled = false;
        gemini_live::Session::connect(c)
    };
    let served = connect("gemini-3.8-live-extended-thinking");
    let other = connect("gemini-3.8-live");
    let _ = child.kill();
    let _ = child.wait();
    assert!(served.is_ok(), "{served:?}");
    assert!(
        matches!(other, Err(gemini_live::Error::ModelNotFound { .. })),
        "{other:?}"
    );
}

#[test]
fn chat_with_an_audio_only_model_says_to_use_talk_and_talk_transcribes() {
    let out = chat(
        &["--model", "gemini-3.5-transcribe-live-preview"],
        "hello\n",
    );
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("takes audio input only") && stderr.contains("gemini-live talk"),
        "{stderr}"
    );
    // Without --modality, talk picks the mode the model accepts (text) and prints the
    // transcript.
    let dir = std::env::temp_dir().join(format!("gl-models-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let wav = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/assets/hello_16k.wav");
    let out = offline(&mut Command::new(env!("CARGO_BIN_EXE_gemini-live")))
        .args([
            "talk",
            "--model",
            "gemini-3.5-transcribe-live-preview",
            "--fast",
        ])
        .arg("--input")
        .arg(wav)
        .arg("--output")
        .arg(dir.join("reply.wav"))
        .output()
        .unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains("[turn 1] heard 38400 bytes of audio"),
        "{stderr}"
    );
}
