//! The speakerphone examples (Rust and Python) run offline and show what they claim: with
//! the echo canceller on, the fake's server VAD no longer hears the model's own voice coming
//! back from the loudspeaker, and the echo in the microphone drops by more than 25 dB.

mod c {
    pub mod support;
}
use c::support;

use std::process::Command;
use std::time::Duration;
use support::{cdylib, expect_success, profile_dir, root, run};

/// The number after `prefix` in `text`.
fn number_after(text: &str, prefix: &str) -> f64 {
    let at = text
        .find(prefix)
        .unwrap_or_else(|| panic!("{prefix:?} in {text}"))
        + prefix.len();
    let digits: String = text[at..]
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == '-')
        .collect();
    digits
        .parse()
        .unwrap_or_else(|_| panic!("a number after {prefix:?} in {text}"))
}

#[test]
fn rust_speakerphone_silences_the_server_vad_on_the_echo() {
    let exe = profile_dir().join("examples").join("speakerphone");
    assert!(
        exe.exists(),
        "{} was not built (cargo build --examples)",
        exe.display()
    );
    let mut cmd = Command::new(exe);
    cmd.env_remove("GEMINI_API_KEY")
        .env_remove("GEMINI_LIVE_ENDPOINT");
    let out = run(cmd, Duration::from_secs(120));
    let stdout = expect_success("examples/speakerphone.rs", &out);
    let off = number_after(
        &stdout,
        "echo cancellation off: the server VAD heard speech for ",
    );
    let on = number_after(
        &stdout,
        "echo cancellation on : the server VAD heard speech for ",
    );
    assert!(
        off > 2.0,
        "without the canceller the echo is speech: {stdout}"
    );
    assert!(on < 0.5 && on * 8.0 < off, "with it, hardly any: {stdout}");
}

#[test]
fn python_speakerphone_takes_the_echo_out() {
    let mut cmd = Command::new("python3");
    cmd.current_dir(root())
        .arg("examples/python/speakerphone.py")
        .env("GEMINI_LIVE_LIBRARY", cdylib())
        .env("PYTHONPATH", root().join("bindings/python"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env_remove("GEMINI_API_KEY")
        .env_remove("GEMINI_LIVE_ENDPOINT");
    let out = run(cmd, Duration::from_secs(120));
    let stdout = expect_success("examples/python/speakerphone.py", &out);
    let raw = number_after(&stdout, "microphone (echo only): ");
    let clean = number_after(&stdout, "after the canceller: ");
    assert!(raw > -40.0 && raw - clean > 25.0, "{stdout}");
    assert!(stdout.contains("the model: [turn 1] heard "), "{stdout}");
    let delay = number_after(&stdout, "echo path delay found: ");
    assert!((55.0..=80.0).contains(&delay), "a 60 ms room: {stdout}");
}
