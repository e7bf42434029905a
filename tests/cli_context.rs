//! `gemini-live chat` and `talk` through faults: the context line on stderr, the restore
//! flags, the bounded reply buffer of pipe mode, and an empty WAV refused before connecting.

mod common;

use common::cli::{failure, gemini_live, run_with_input, success};
use gemini_live::fake::{FakeOptions, FakeServer, Fault, FaultPlan};
use gemini_live::{Config, Event, ResponseMode, Session};
use std::time::Duration;

const MODEL: &str = "fake-text-live";

/// 1-based position of the `nth` (0-based) server message containing `key` on connection 1
/// of a fault-free text conversation of `lines`.
fn position(lines: &[&str], key: &str, nth: usize) -> usize {
    let server = FakeServer::start(FakeOptions::default()).unwrap();
    let mut c = Config::default()
        .with_endpoint(server.endpoint())
        .with_response_mode(ResponseMode::Text);
    c.model = MODEL.into();
    let s = Session::connect(c).unwrap();
    for l in lines {
        s.send_text(l).unwrap();
        while !matches!(
            s.next_event(Duration::from_secs(5)),
            Ok(Some(Event::TurnComplete { .. }))
        ) {}
    }
    s.close().unwrap();
    let sent = server.connections()[0].sent.clone();
    let mut hits = sent.iter().enumerate().filter(|(_, m)| m.contains(key));
    hits.nth(nth)
        .map(|(i, _)| i + 1)
        .expect("the message is there")
}

fn chat(server: &FakeServer, args: &[&str], input: &str) -> (String, String) {
    let mut cmd = gemini_live();
    cmd.args(["chat", "--modality", "text", "--model", MODEL])
        .args(["--endpoint", &server.endpoint()])
        .args(args);
    success(&run_with_input(&mut cmd, input), &input)
}

fn drop_after(n: usize) -> FakeServer {
    FakeServer::start(FakeOptions {
        faults: FaultPlan::new().after_server(1, n, Fault::Drop),
        ..FakeOptions::default()
    })
    .unwrap()
}

#[test]
fn chat_says_in_one_line_that_the_context_was_put_back_or_lost() {
    let at = position(&["one"], "turnComplete", 0);
    let (stdout, stderr) = chat(&drop_after(at), &[], "one\ntwo\n");
    assert_eq!(
        stdout, "[turn 1] echo: one\n\n[turn 2] echo: two\n\n",
        "{stderr}"
    );
    let lines: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("conversation"))
        .collect();
    assert_eq!(
        lines,
        vec!["gemini-live: the server lost part of the conversation; put back 1 exchange (21 characters)"],
        "{stderr}"
    );

    let (stdout, stderr) = chat(&drop_after(at), &["--no-restore-context"], "one\ntwo\n");
    assert_eq!(
        stdout, "[turn 1] echo: one\n\n[turn 1] echo: two\n\n",
        "{stderr}"
    );
    assert!(
        stderr.contains("gemini-live: the server lost the last 1 exchange of the conversation; the model no longer knows it"),
        "{stderr}"
    );
}

#[test]
fn a_reply_past_the_buffer_streams_and_a_cut_after_that_is_marked() {
    // Cut in the middle of the second reply (after its second part).
    let at = position(&["one", "two"], "modelTurn", 4);
    let (stdout, stderr) = chat(&drop_after(at), &["--reply-buffer", "4"], "one\ntwo\n");
    assert!(
        stderr.contains("passed 4 bytes (--reply-buffer); streaming the rest"),
        "{stderr}"
    );
    let marker = " [cut off by a lost connection; the reply starts again]\n";
    let (before, after) = stdout.split_once(marker).expect("the cut is marked");
    assert!(
        "[turn 2] echo: two".starts_with(before.rsplit("\n\n").next().unwrap_or("")),
        "{stdout}"
    );
    assert!(after.starts_with("[turn 2] echo: two\n"), "{stdout}");
    // Without a cut, a reply past the buffer is printed whole, once.
    let server = FakeServer::start(FakeOptions::default()).unwrap();
    let (stdout, _) = chat(&server, &["--reply-buffer", "4"], "hello\n");
    assert_eq!(stdout, "[turn 1] echo: hello\n\n");
}

#[test]
fn talk_refuses_a_wav_without_samples_before_connecting() {
    let dir = std::env::temp_dir().join(format!("gl-empty-wav-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let wav = dir.join("empty.wav");
    // A 44-byte header, 16 kHz mono 16-bit, and no samples.
    let mut h = Vec::new();
    h.extend_from_slice(b"RIFF");
    h.extend_from_slice(&36u32.to_le_bytes());
    h.extend_from_slice(b"WAVEfmt ");
    h.extend_from_slice(&16u32.to_le_bytes());
    h.extend_from_slice(&1u16.to_le_bytes());
    h.extend_from_slice(&1u16.to_le_bytes());
    h.extend_from_slice(&16_000u32.to_le_bytes());
    h.extend_from_slice(&32_000u32.to_le_bytes());
    h.extend_from_slice(&2u16.to_le_bytes());
    h.extend_from_slice(&16u16.to_le_bytes());
    h.extend_from_slice(b"data");
    h.extend_from_slice(&0u32.to_le_bytes());
    std::fs::write(&wav, h).unwrap();
    let server = FakeServer::start(FakeOptions::default()).unwrap();
    let out = gemini_live()
        .args(["talk", "--endpoint", &server.endpoint(), "--input"])
        .arg(&wav)
        .arg("--output")
        .arg(dir.join("reply.wav"))
        .output()
        .unwrap();
    let stderr = failure(&out);
    assert!(stderr.contains("has no audio samples"), "{stderr}");
    assert!(server.connections().is_empty(), "no connection was made");
    let _ = std::fs::remove_dir_all(&dir);
}
