//! The Twilio-style phone bridges (`examples/c/phone_bridge.c`, built warning-free as C99 and
//! as C++, and `examples/python/phone_bridge.py`) against the fake server: the caller's
//! mu-law reaches the model as the 16 kHz audio `PhoneIn` makes of it, the end of the call's
//! filter tail included (byte count and checksum), the reply leaves as 20 ms mu-law frames carrying the fake's tone at its level,
//! and a barge-in sends Twilio's `clear` with no media after it. Needs `cc`, `c++` and
//! `python3`. The C program also runs
//! under valgrind (when installed) without errors or leaks.

mod c {
    pub mod support;
}
use c::support;
mod voice;

use base64::Engine;
use gemini_live::audio::{PhoneIn, G711};
use gemini_live::fake::{fnv1a64, FakeOptions, FakeServer};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use support::{
    assert_memcheck_clean, cdylib, command_for, expect_success, root, run, valgrind_wanted,
    MEMCHECK,
};
use voice::signal::{db, level_at, tone};

const LIMIT: Duration = Duration::from_secs(120);

/// The bridge built as C99 (`false`) or C++, once per test run (the tests run in parallel).
fn compile(cpp: bool) -> PathBuf {
    static BUILT: std::sync::OnceLock<(PathBuf, PathBuf)> = std::sync::OnceLock::new();
    let (c, cxx) = BUILT.get_or_init(|| (build(false), build(true)));
    if cpp {
        cxx.clone()
    } else {
        c.clone()
    }
}

fn build(cpp: bool) -> PathBuf {
    support::build_example(
        "phone_bridge",
        cpp,
        std::path::Path::new(env!("CARGO_TARGET_TMPDIR")),
    )
}

/// 1.2 s of a 440 Hz tone as 8 kHz mu-law, and the 16 kHz audio `PhoneIn` makes of it frame
/// by frame: what the fake must have heard.
fn caller(dir: &Path) -> (PathBuf, Vec<u8>) {
    let law = G711::MuLaw;
    let codes: Vec<u8> = tone(8000, 440.0, 0.25, 1.2)
        .iter()
        .map(|&s| law.encode(s))
        .collect();
    let path = dir.join("caller.ulaw");
    std::fs::write(&path, &codes).expect("write caller.ulaw");
    let mut p = PhoneIn::new(law).unwrap();
    let mut pcm = Vec::new();
    for frame in codes.chunks_exact(160) {
        p.process_vec(frame, &mut pcm);
    }
    // The bridge finishes the call: the filter's tail reaches the session too.
    p.finish_vec(&mut pcm);
    assert_eq!(pcm.len(), 2 * codes.len(), "two samples per code");
    let bytes = pcm.iter().flat_map(|s| s.to_le_bytes()).collect();
    (path, bytes)
}

/// Checks a bridge's stdout and outbound messages.
fn check(stdout: &str, outbound: &str, heard: &[u8]) {
    let expected = format!(
        "[turn 1] heard {} bytes of audio, checksum {:016x}",
        heard.len(),
        fnv1a64(heard)
    );
    assert!(stdout.contains(&expected), "no `{expected}` in:\n{stdout}");
    assert!(
        stdout.contains("turn 1: sent 20 frames (400 ms)"),
        "{stdout}"
    );
    assert!(stdout.contains("barge-in: cleared "), "{stdout}");

    let messages: Vec<serde_json::Value> = outbound
        .lines()
        .map(|l| serde_json::from_str(l).expect("each outbound line is JSON"))
        .collect();
    let clear = messages
        .iter()
        .position(|m| m["event"] == "clear")
        .expect("a clear message");
    assert_eq!(messages.iter().filter(|m| m["event"] == "clear").count(), 1);
    assert!(
        messages[clear + 1..].is_empty(),
        "nothing after the clear: {:?}",
        &messages[clear + 1..]
    );
    let frames: Vec<Vec<u8>> = messages[..clear]
        .iter()
        .map(|m| {
            assert_eq!(m["event"], "media");
            assert!(m["streamSid"].as_str().is_some_and(|s| s.starts_with("MZ")));
            let payload = m["media"]["payload"].as_str().expect("a payload");
            base64::engine::general_purpose::STANDARD
                .decode(payload)
                .expect("base64")
        })
        .collect();
    assert!(frames.iter().all(|f| f.len() == 160), "20 ms frames");
    // Turn 1's 20 frames, then some of turn 2's before the barge-in (it had 200 ms queued).
    assert!(
        (21..30).contains(&frames.len()),
        "{} frames before the clear",
        frames.len()
    );
    // Turn 1 carries the fake's reply: a 240 Hz tone of amplitude 6000 (-14.7 dBFS).
    let pcm: Vec<i16> = frames[..20]
        .iter()
        .flatten()
        .map(|&c| G711::MuLaw.decode(c))
        .collect();
    let reference = tone(8000, 240.0, 6000.0 / 32767.0, 0.3);
    let change = db(level_at(&pcm[400..2800], 8000, 240.0) / level_at(&reference, 8000, 240.0));
    assert!(change.abs() <= 0.5, "reply level changed {change:+.2} dB");
}

fn fake() -> FakeServer {
    FakeServer::start(FakeOptions::default()).expect("the fake server starts")
}

#[test]
fn the_c_bridge_carries_the_call_both_ways_and_clears_on_barge_in() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("phone_bridge_c");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (input, heard) = caller(&dir);
    for cpp in [false, true] {
        let bin = compile(cpp);
        let outbound = dir.join(if cpp { "out_cpp.jsonl" } else { "out.jsonl" });
        let server = fake();
        let mut cmd = command_for(&bin, &[]);
        cmd.env("GEMINI_LIVE_ENDPOINT", server.endpoint())
            .arg(&input)
            .arg(&outbound);
        let stdout = expect_success("phone_bridge", &run(cmd, LIMIT));
        let sent = std::fs::read_to_string(&outbound).expect("outbound.jsonl");
        check(&stdout, &sent, &heard);
    }
}

#[test]
fn the_c_bridge_under_valgrind_has_no_errors_or_leaks() {
    if !valgrind_wanted() {
        return;
    }
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("phone_bridge_valgrind");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let bin = compile(false);
    let mut cmd = command_for(&bin, MEMCHECK);
    // No arguments: the generated tone and the embedded fake server.
    cmd.current_dir(&dir);
    let out = run(cmd, Duration::from_secs(600));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    expect_success("phone_bridge under valgrind", &out);
    assert_memcheck_clean(&stderr);
    let stdout = String::from_utf8_lossy(&out.stdout);
    // 1 s at 8 kHz is 16000 samples at 16 kHz, the filter's tail included (the bridge
    // finishes the call).
    assert!(
        stdout.contains("-> 16000 samples at 16 kHz sent"),
        "{stdout}"
    );
    let heard = format!("heard {} bytes of audio", 16_000 * 2);
    assert!(stdout.contains(&heard), "no `{heard}` in {stdout}");
}

#[test]
fn the_python_bridge_carries_the_call_both_ways_and_clears_on_barge_in() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("phone_bridge_py");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let (input, heard) = caller(&dir);
    let outbound = dir.join("out.jsonl");
    let server = fake();
    let mut cmd = Command::new("python3");
    cmd.current_dir(root())
        .env("GEMINI_LIVE_LIBRARY", cdylib())
        .env("PYTHONPATH", root().join("bindings/python"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("GEMINI_LIVE_ENDPOINT", server.endpoint())
        .env_remove("GEMINI_API_KEY")
        .env_remove("GEMINI_LIVE_MODEL")
        .arg("examples/python/phone_bridge.py")
        .arg(&input)
        .arg(&outbound);
    let stdout = expect_success("examples/python/phone_bridge.py", &run(cmd, LIMIT));
    let sent = std::fs::read_to_string(&outbound).expect("outbound.jsonl");
    check(&stdout, &sent, &heard);
}
