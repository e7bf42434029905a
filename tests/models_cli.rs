//! The quickstart and the CLI with today's models: the quickstart runs against the embedded
//! fake with `GEMINI_LIVE_MODEL` set to each current Developer-API model; `chat` with extended thinking
//! prints each answer once; a modality the model refuses fails before connecting;
//! `fake-server --model` serves what it is told.

mod common;

use common::cli::{failure, fake_server, gemini_live, run_quickstart, run_with_input, success};
use gemini_live::models;
use std::process::Output;

#[test]
fn the_quickstart_runs_offline_with_every_current_model() {
    let mut ran = 0;
    // The embedded fake speaks the Developer API: Vertex-only ids are refused before
    // connecting there (they are served on the Vertex path: tests/model_rules.rs).
    for info in models::current().filter(|m| m.api != models::Api::Vertex) {
        let stdout = run_quickstart(&[("GEMINI_LIVE_MODEL", info.id)]);
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

fn chat(args: &[&str], input: &str) -> Output {
    run_with_input(gemini_live().arg("chat").args(args), input)
}

#[test]
fn chat_with_extended_thinking_prints_each_answer_once_and_ends() {
    let out = chat(
        &["--model", "gemini-3.8-live-extended-thinking"],
        "hello\nsecond line\n",
    );
    let (stdout, _) = success(&out, &"chat with extended thinking");
    assert_eq!(
        stdout,
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
    let stderr = failure(&out);
    assert!(stderr.contains("`gemini-3.8-live`"), "{stderr}");
    assert!(stderr.contains("responseModalities \"TEXT\""), "{stderr}");
    assert!(stderr.contains("--modality text+audio"), "{stderr}");
    assert_eq!(server.connection_count(), 0, "nothing may be sent");
}

#[test]
fn fake_server_serves_the_models_it_is_given() {
    let (server, endpoint) = fake_server(gemini_live().args([
        "fake-server",
        "--port",
        "0",
        "--model",
        "gemini-3.8-live-extended-thinking",
    ]));
    let connect = |model: &str| {
        let mut c = gemini_live::Config::default()
            .with_endpoint(&endpoint)
            .with_model(model);
        c.reconnect.enabled = false;
        gemini_live::Session::connect(c)
    };
    let served = connect("gemini-3.8-live-extended-thinking");
    let other = connect("gemini-3.8-live");
    drop(server);
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
    let stderr = failure(&out);
    assert!(
        stderr.contains("takes audio input only") && stderr.contains("gemini-live talk"),
        "{stderr}"
    );
    // Without --modality, talk picks the mode the model accepts (text) and prints the
    // transcript.
    let dir = std::env::temp_dir().join(format!("gl-models-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let wav = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/assets/hello_16k.wav");
    let out = gemini_live()
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
    let (_, stderr) = success(&out, &"talk with an audio-only model");
    assert!(
        stderr.contains("[turn 1] heard 38400 bytes of audio"),
        "{stderr}"
    );
}
