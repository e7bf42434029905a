//! The Python binding (`bindings/python`, ctypes over the cdylib): its unit tests pass against
//! the library built with these tests, its quickstart runs offline, and it declares every
//! function of the header.
//!
//! Needs `python3` (3.8 or later; CI installs it).

#[path = "c/support.rs"]
mod support;

use std::process::Command;
use std::time::Duration;
use support::{cdylib, expect_success, header_functions, root, run};

fn python() -> Command {
    let ok = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        ok,
        "`python3` was not found: the Python binding tests need Python 3.8 or later"
    );
    let mut cmd = Command::new("python3");
    cmd.current_dir(root())
        .env("GEMINI_LIVE_LIBRARY", cdylib())
        .env("PYTHONPATH", root().join("bindings/python"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("RUST_BACKTRACE", "0")
        .env_remove("GEMINI_API_KEY")
        .env_remove("GEMINI_LIVE_ENDPOINT")
        .env_remove("GEMINI_LIVE_MODEL");
    cmd
}

#[test]
fn python_unit_tests_pass_against_the_built_library() {
    let mut cmd = python();
    cmd.args([
        "-m",
        "unittest",
        "discover",
        "-s",
        "bindings/python/tests",
        "-v",
    ]);
    let out = run(cmd, Duration::from_secs(300));
    expect_success("python -m unittest", &out);
    // unittest reports on stderr.
    let report = String::from_utf8_lossy(&out.stderr);
    assert!(report.contains("\nOK"), "{report}");
    let bound = report
        .lines()
        .any(|l| l.starts_with("test_every_header_function_is_declared") && l.ends_with("ok"));
    assert!(bound, "{report}");
}

#[test]
fn python_quickstart_runs_offline_with_the_embedded_fake() {
    let mut cmd = python();
    cmd.arg("examples/python/quickstart.py");
    let out = run(cmd, Duration::from_secs(60));
    let stdout = expect_success("examples/python/quickstart.py", &out);
    assert!(
        stdout.contains("text turn reply: [turn 1] echo: Hello from Python!"),
        "{stdout}"
    );
    assert!(
        stdout.contains("audio turn reply: [turn 2] heard 32000 bytes of audio, checksum "),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("using the embedded fake server"),
        "{stderr}"
    );
}

#[test]
fn every_header_function_is_declared_in_the_python_module() {
    let lib_py = std::fs::read_to_string(root().join("bindings/python/gemini_live/_lib.py"))
        .expect("_lib.py exists");
    let missing: Vec<String> = header_functions()
        .into_iter()
        .filter(|f| !lib_py.contains(&format!("\"{f}\": (")))
        .collect();
    assert!(
        missing.is_empty(),
        "bindings/python/gemini_live/_lib.py declares no argtypes for {missing:?}"
    );
}

#[test]
fn python_audio_pipeline_plays_interrupts_and_records_offline() {
    let dir = std::env::temp_dir().join(format!("gemini-live-pyaudio-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let record = dir.join("session.jsonl");
    let mut cmd = python();
    cmd.arg("examples/python/audio_pipeline.py")
        .arg("--tone")
        .arg(&record);
    let out = run(cmd, Duration::from_secs(60));
    let stdout = expect_success("examples/python/audio_pipeline.py", &out);
    assert!(
        stdout.contains("model: [turn 1] heard 48000 bytes of audio, checksum "),
        "{stdout}"
    );
    assert!(stdout.contains("barge-in: heard "), "{stdout}");
    assert!(stdout.contains(" of 400 ms of the reply"), "{stdout}");
    assert!(stdout.contains(" underruns ("), "{stdout}");
    let rec = std::fs::read_to_string(&record).expect("the recording");
    assert!(rec.contains(r#""dir":"recv""#), "{rec}");
    let _ = std::fs::remove_dir_all(&dir);
}
