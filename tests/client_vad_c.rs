//! The client VAD's C example (`examples/c/client_vad.c`; C99 and C++ builds are checked
//! warning-free by `tests/c_api.rs`) against the fake server: on three utterances spoken by
//! espeak-ng in pink noise it signals speech start and end exactly where the Rust detector
//! does, the fake hears each utterance as its own turn (activityStart / activityEnd) and
//! answers it, and what the fake heard is what the VAD says it sent; without arguments it runs
//! on its own synthetic vowels; under valgrind (when installed) it has no errors or leaks.
//!
//! Needs `cc`, espeak-ng and sox (Debian packages `build-essential`, `espeak-ng`, `sox`):
//! skipped with a message when a tool is missing, except under `CI=true`.

mod c {
    pub mod support;
}
use c::support;
mod voice;

use gemini_live::audio::{Vad, VadConfig, VadEvent};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;
use support::{assert_memcheck_clean, command_for, expect_success, run, valgrind_wanted, MEMCHECK};
use voice::speech::{active_span, have, mix, noise, speak};

const LIMIT: Duration = Duration::from_secs(120);

fn dir() -> PathBuf {
    let d = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("client_vad_c");
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// The example built as C99, once per run.
fn program() -> PathBuf {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT
        .get_or_init(|| {
            support::build_example(
                "client_vad",
                false,
                std::path::Path::new(env!("CARGO_TARGET_TMPDIR")),
            )
        })
        .clone()
}

/// Three utterances with pauses, pink noise at 10 dB SNR, as samples and as a raw file.
fn speech() -> Option<&'static (Vec<i16>, PathBuf)> {
    static SPEECH: OnceLock<Option<(Vec<i16>, PathBuf)>> = OnceLock::new();
    SPEECH
        .get_or_init(|| {
            if !(have("espeak-ng", "espeak-ng") && have("sox", "sox")) {
                return None;
            }
            let d = dir();
            let mut clean = vec![0i16; 16_000];
            let mut spans = Vec::new();
            for (i, text) in ["Please call me back.", "Send it today.", "How are you?"]
                .iter()
                .enumerate()
            {
                let utt = speak(&d, &format!("u{i}"), text, "en-us");
                let (a, b) = active_span(&utt);
                spans.push((clean.len() + a, clean.len() + b));
                clean.extend_from_slice(&utt);
                clean.extend(std::iter::repeat_n(0, 24_000));
            }
            let n = noise(&d, "pink", "pinknoise", clean.len() as f64 / 16_000.0 + 1.0);
            let mixed = mix(&d, &clean, &spans, &n, 10.0);
            let raw = d.join("speech.raw");
            let bytes: Vec<u8> = mixed.iter().flat_map(|s| s.to_le_bytes()).collect();
            std::fs::write(&raw, bytes).expect("write speech.raw");
            Some((mixed, raw))
        })
        .as_ref()
}

/// The numbers after `prefix` on each line of `stdout` that has it.
fn numbers_after(stdout: &str, prefix: &str) -> Vec<u64> {
    stdout
        .lines()
        .filter_map(|l| l.split_once(prefix))
        .filter_map(|(_, rest)| rest.split(' ').next()?.parse().ok())
        .collect()
}

/// Checks the example's report: `turns` replies, each utterance heard as its own turn, and
/// the fake heard exactly what the VAD says it sent.
fn check_turns(stdout: &str, turns: usize) {
    let heard = numbers_after(stdout, "] heard ");
    assert_eq!(heard.len(), turns, "{stdout}");
    for (i, line) in stdout
        .lines()
        .filter(|l| l.contains("] heard "))
        .enumerate()
    {
        assert!(
            line.starts_with(&format!("model: [turn {}]", i + 1)),
            "{line}"
        );
    }
    let sent = numbers_after(stdout, "utterance(s); sent ");
    assert_eq!(sent.len(), 1, "{stdout}");
    assert_eq!(heard.iter().sum::<u64>(), sent[0] * 2, "{stdout}");
    assert!(
        stdout.contains(&format!("{turns} utterance(s); sent ")),
        "{stdout}"
    );
}

#[test]
fn the_c_example_marks_each_utterance_where_the_rust_detector_does() {
    let Some((pcm, raw)) = speech() else { return };
    // Where the Rust detector decides, fed the same 20 ms chunks, reported at chunk ends.
    let mut vad = Vad::new(&VadConfig::default()).unwrap();
    let (mut starts, mut ends) = (Vec::new(), Vec::new());
    for (i, chunk) in pcm.chunks(320).enumerate() {
        let end_ms = ((i * 320 + chunk.len()) / 16) as u64;
        vad.process(chunk, |e| match e {
            VadEvent::SpeechStart { .. } => starts.push(end_ms),
            VadEvent::SpeechEnd { .. } => ends.push(end_ms),
        });
    }
    assert_eq!(starts.len(), 3, "{starts:?}");
    let mut cmd = command_for(&program(), &[]);
    cmd.arg(raw).arg("--fast");
    let stdout = expect_success("client_vad", &run(cmd, LIMIT));
    assert_eq!(
        numbers_after(&stdout, "speech start at "),
        starts,
        "{stdout}"
    );
    assert_eq!(numbers_after(&stdout, "speech end at "), ends, "{stdout}");
    check_turns(&stdout, 3);
}

#[test]
fn the_c_example_without_arguments_runs_on_synthetic_vowels() {
    let cmd = command_for(&program(), &[]);
    let stdout = expect_success("client_vad", &run(cmd, LIMIT));
    assert_eq!(
        numbers_after(&stdout, "speech start at ").len(),
        3,
        "{stdout}"
    );
    assert_eq!(
        numbers_after(&stdout, "speech end at ").len(),
        3,
        "{stdout}"
    );
    check_turns(&stdout, 3);
}

#[test]
fn the_c_example_under_valgrind_has_no_errors_or_leaks() {
    if !valgrind_wanted() {
        return;
    }
    let Some((_, raw)) = speech() else { return };
    let mut cmd = command_for(&program(), MEMCHECK);
    cmd.arg(raw).arg("--fast");
    let out = run(cmd, Duration::from_secs(600));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let stdout = expect_success("client_vad under valgrind", &out);
    assert_memcheck_clean(&stderr);
    check_turns(&stdout, 3);
}
