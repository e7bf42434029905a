//! The CLI at a terminal (issue 22), driven through a pseudo-terminal by `tests/pty/drive.py`
//! (python3's `pty` module) as a person would: `chat` prompts; Ctrl-C sends a close frame
//! (the fake records it), `talk` writes the partial reply and says so, and the exit code is
//! 130.

mod common;

use common::cli::offline;
use gemini_live::fake::replay::{Recording, ReplayOptions, ReplayServer};
use gemini_live::fake::{FakeOptions, FakeServer};
use std::path::PathBuf;
use std::process::Command;
use std::time::{Duration, Instant};

const DRIVER: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/pty/drive.py");
const WAV: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/assets/hello_16k.wav");

/// Runs the CLI with `args` on a terminal through `script`; its output and last line.
fn on_a_terminal(endpoint: &str, args: &[&str], script: &str) -> Option<String> {
    if Command::new("python3").arg("--version").output().is_err() {
        assert!(
            std::env::var_os("CI").is_none(),
            "python3 is required in CI (Debian package python3)"
        );
        eprintln!("skipped: python3 is missing (Debian package python3)");
        return None;
    }
    let mut cmd = Command::new("python3");
    offline(&mut cmd)
        .arg(DRIVER)
        .arg(env!("CARGO_BIN_EXE_gemini-live"))
        .args(args)
        .env("GEMINI_API_KEY", "any")
        .env("GEMINI_LIVE_ENDPOINT", endpoint)
        .env("PTY_SCRIPT", script)
        .env_remove("RUST_LOG");
    let out = cmd.output().expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(stdout)
}

/// Waits (bounded) until the fake has recorded the client's close frame on connection 1.
fn close_received(server: &FakeServer) -> Option<(u16, String)> {
    let until = Instant::now() + Duration::from_secs(10);
    loop {
        let got = server
            .connections()
            .first()
            .and_then(|c| c.close_received.clone());
        if got.is_some() || Instant::now() > until {
            return got;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

#[test]
fn chat_prompts_and_ctrl_c_closes_with_a_close_frame() {
    let server = FakeServer::start(FakeOptions::default()).expect("the fake starts");
    let script = r#"[["expect", "> "], ["send", "hello\r"], ["expect", "echo: hello"],
                     ["expect", "> "], ["send", "\u0003"]]"#;
    let Some(out) = on_a_terminal(
        &server.endpoint(),
        &["--modality", "text", "--model", "fake-text-live", "chat"],
        script,
    ) else {
        return;
    };
    assert!(out.contains("type a message and press Enter"), "{out}");
    assert!(out.contains("interrupted; closing the session"), "{out}");
    assert!(out.trim_end().ends_with("EXIT 130"), "{out}");
    let (code, _) = close_received(&server).expect("the fake got a close frame");
    assert_eq!(code, 1000, "{out}");
}

#[test]
fn talk_keeps_the_partial_reply_on_ctrl_c() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli_ctrl_c_talk");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    let (recorded, output) = (dir.join("talk.jsonl"), dir.join("reply.wav"));
    let path = |p: &PathBuf| p.to_str().expect("a UTF-8 path").to_string();
    // A whole talk against the embedded fake, recorded; then the recording cut after the
    // reply's third audio chunk: replayed, the reply stops there and the CLI waits.
    let talk = ["talk", "--fast", "--input", WAV, "--output"];
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gemini-live"));
    let status = offline(&mut cmd)
        .args(["--record", &path(&recorded)])
        .args(talk)
        .arg(dir.join("whole.wav"))
        .output()
        .expect("gemini-live runs");
    assert!(status.status.success(), "{status:?}");
    let whole = hound::WavReader::open(dir.join("whole.wav"))
        .expect("a reply")
        .len();
    let text = std::fs::read_to_string(&recorded).expect("the recording");
    let mut audio = 0;
    let cut: Vec<&str> = text
        .lines()
        .filter(|l| {
            let recv = l.contains("\"dir\":\"recv\"");
            audio += usize::from(recv && l.contains("inlineData"));
            !recv || audio <= 3 && !l.contains("turnComplete") && !l.contains("generationComplete")
        })
        .collect();
    assert!(audio > 3, "the reply has more than 3 chunks");
    let recording = Recording::parse(cut.join("\n").as_bytes()).expect("the cut recording");
    let replay = ReplayServer::start(
        recording,
        ReplayOptions {
            fast: true,
            ..ReplayOptions::default()
        },
    )
    .expect("the replay starts");

    let output_arg = path(&output);
    let args = [&talk[..], &[output_arg.as_str()]].concat();
    let script = r#"[["expect", "[turn"], ["send", "\u0003"]]"#;
    let Some(out) = on_a_terminal(&replay.endpoint(), &args, script) else {
        return;
    };
    assert!(out.trim_end().ends_with("EXIT 130"), "{out}");
    assert!(
        out.contains("interrupted: wrote the partial reply ("),
        "{out}"
    );
    let reply = hound::WavReader::open(&output).expect("the partial reply was written");
    let samples = reply.len();
    assert!(
        samples > 0 && samples < whole,
        "{samples} of {whole} samples\n{out}"
    );
    assert_eq!(replay.mismatches(), 0, "{:?}", replay.first_mismatch());
    let until = Instant::now() + Duration::from_secs(10);
    while replay.closes_received() == 0 && Instant::now() < until {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(
        replay.closes_received(),
        1,
        "the close frame reached the server\n{out}"
    );
}
