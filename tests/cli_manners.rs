//! The command line's manners (issue 12): `-v` levels and `RUST_LOG`, a short stated budget
//! for the first connect, `talk` checking `--output` before streaming and showing progress,
//! errors that name the file or endpoint, and the quickstart printing errors readably.

mod common;
mod c {
    pub mod support;
}
use c::support;

use common::cli::run_with_input;
use gemini_live::fake::{FakeOptions, FakeServer};
use std::path::PathBuf;
use std::process::{Command, Output, Stdio};
use std::time::Duration;
use support::run;

const LIMIT: Duration = Duration::from_secs(60);
const WAV: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/assets/hello_16k.wav");

/// The CLI with no key, endpoint or log settings from the caller's environment.
fn cli() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gemini-live"));
    cmd.env_remove("GEMINI_API_KEY")
        .env_remove("GEMINI_LIVE_ENDPOINT")
        .env_remove("GEMINI_LIVE_MODEL")
        .env_remove("GEMINI_LIVE_API_VERSION")
        .env_remove("RUST_LOG");
    cmd
}

/// Runs `gemini-live chat` with `args`, one line of input; returns its output.
fn chat(mut cmd: Command, args: &[&str]) -> Output {
    let out = run_with_input(cmd.arg("chat").args(args), "hello\n");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("echo: hello"),
        "{stderr}"
    );
    out
}

fn stderr_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Per-message lines (trace level) and connection events (debug level) of the SDK.
const MESSAGE_LINE: &str = "received ";
const CONNECTION_LINE: &str = "sending setup";

#[test]
fn verbosity_levels_do_what_help_says() {
    let quiet = stderr_of(&chat(cli(), &[]));
    assert!(!quiet.contains(CONNECTION_LINE), "{quiet}");
    assert!(!quiet.contains(MESSAGE_LINE), "{quiet}");

    let v = stderr_of(&chat(cli(), &["-v"]));
    assert!(
        v.contains(CONNECTION_LINE),
        "-v shows connection events:\n{v}"
    );
    assert!(
        !v.contains(MESSAGE_LINE),
        "-v does not show every message:\n{v}"
    );

    let vv = stderr_of(&chat(cli(), &["-vv"]));
    assert!(vv.contains(CONNECTION_LINE), "{vv}");
    assert!(vv.contains(MESSAGE_LINE), "-vv shows every message:\n{vv}");

    let help = String::from_utf8_lossy(
        &run(
            {
                let mut c = cli();
                c.arg("--help");
                c
            },
            LIMIT,
        )
        .stdout,
    )
    .into_owned();
    assert!(help.contains("-v connection events"), "{help}");
    assert!(help.contains("-vv also every message"), "{help}");
    assert!(help.contains("RUST_LOG"), "{help}");
}

#[test]
fn rust_log_replaces_the_verbosity_flags() {
    let mut cmd = cli();
    cmd.env("RUST_LOG", "gemini_live=trace");
    let traced = stderr_of(&chat(cmd, &[]));
    assert!(traced.contains(MESSAGE_LINE), "{traced}");

    let mut cmd = cli();
    cmd.env("RUST_LOG", "off");
    let silent = stderr_of(&chat(cmd, &["-vv"]));
    assert!(!silent.contains(CONNECTION_LINE), "{silent}");
    assert!(!silent.contains(MESSAGE_LINE), "{silent}");
}

#[test]
fn an_unreachable_endpoint_fails_with_the_stated_budget() {
    // A port on loopback with nothing listening: every attempt is refused (retryable).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("a free port");
    let port = listener.local_addr().expect("its address").port();
    drop(listener);
    let endpoint = format!("ws://127.0.0.1:{port}");
    let mut cmd = cli();
    cmd.env("GEMINI_API_KEY", "any")
        .args(["chat", "--endpoint", &endpoint])
        .stdin(Stdio::null());
    let out = run(cmd, LIMIT);
    let stderr = stderr_of(&out);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("cannot connect to {endpoint}")),
        "{stderr}"
    );
    assert!(
        stderr.contains(
            "first-connect budget: 3 attempts within 5 s): gave up after 3 attempts over "
        ),
        "{stderr}"
    );
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("a temporary directory");
    dir
}

#[test]
fn talk_refuses_an_unwritable_output_before_connecting() {
    let server = FakeServer::start(FakeOptions::default()).expect("the fake starts");
    let dir = temp_dir("cli_manners_unwritable");
    let output = dir.join("no-such-dir").join("reply.wav");
    let mut cmd = cli();
    cmd.env("GEMINI_API_KEY", "any")
        .env("GEMINI_LIVE_ENDPOINT", server.endpoint())
        .args(["talk", "--fast", "--input", WAV, "--output"])
        .arg(&output);
    let out = run(cmd, LIMIT);
    let stderr = stderr_of(&out);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("--output {}: cannot write", output.display())),
        "{stderr}"
    );
    assert_eq!(
        server.connection_count(),
        0,
        "nothing was streamed: {stderr}"
    );
}

#[test]
fn talk_leaves_no_file_when_it_fails_and_names_a_missing_input() {
    let dir = temp_dir("cli_manners_missing_input");
    let input = dir.join("missing.wav");
    let output = dir.join("reply.wav");
    let mut cmd = cli();
    cmd.args(["talk", "--input"])
        .arg(&input)
        .arg("--output")
        .arg(&output);
    let out = run(cmd, LIMIT);
    let stderr = stderr_of(&out);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains(&input.display().to_string()), "{stderr}");
    assert!(
        !output.exists(),
        "the writability check left {}",
        output.display()
    );
}

#[test]
fn talk_prints_progress_with_audio_bytes_and_latency() {
    let dir = temp_dir("cli_manners_progress");
    let output = dir.join("reply.wav");
    let mut cmd = cli();
    cmd.args(["talk", "--fast", "--input", WAV, "--output"])
        .arg(&output);
    let out = run(cmd, LIMIT);
    let stderr = stderr_of(&out);
    assert!(out.status.success(), "{stderr}");
    // Not a terminal: whole lines; the last one is printed when the reply is complete.
    let last = stderr
        .lines()
        .rfind(|l| l.starts_with("talk: "))
        .unwrap_or_else(|| panic!("no progress line:\n{stderr}"));
    // hello_16k.wav is 38400 bytes of 16 kHz audio: 1.2 s, all sent with --fast.
    assert!(last.contains("audio sent 1.2 / 1.2 s"), "{last}");
    let up: u64 = field(last, "up ");
    let down: u64 = field(last, "down ");
    assert!(up > 38_400, "base64 audio and setup went up: {last}");
    assert!(down > 0, "{last}");
    assert!(!last.ends_with("turn latency -"), "{last}");
    assert!(last.contains(" ms"), "{last}");
    assert!(output.exists(), "{stderr}");
}

/// The number after `key` in a progress line (`12 KiB` counts as 12 * 1024).
fn field(line: &str, key: &str) -> u64 {
    let rest = &line[line
        .find(key)
        .unwrap_or_else(|| panic!("{key:?} in {line}"))
        + key.len()..];
    let mut words = rest.split_whitespace();
    let n: u64 = words
        .next()
        .and_then(|w| w.parse().ok())
        .unwrap_or_else(|| panic!("a number after {key:?} in {line}"));
    match words.next() {
        Some("KiB") => n * 1024,
        _ => n,
    }
}

#[test]
fn the_quickstart_prints_errors_readably() {
    let exe = std::env::current_exe().expect("test binary path");
    let quickstart = exe
        .parent()
        .and_then(|d| d.parent())
        .expect("target/<profile>")
        .join("examples")
        .join("quickstart");
    let mut cmd = Command::new(quickstart);
    cmd.env_remove("GEMINI_API_KEY")
        .env("GEMINI_LIVE_ENDPOINT", "ftp://127.0.0.1:1");
    let out = run(cmd, LIMIT);
    let stderr = stderr_of(&out);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.starts_with("quickstart: "), "{stderr}");
    assert!(stderr.contains("ftp://127.0.0.1:1"), "{stderr}");
    // Debug form would show the variant, e.g. `InvalidConfig("...")`.
    assert!(!stderr.contains("InvalidConfig("), "{stderr}");
    assert!(!stderr.contains("Error {"), "{stderr}");
}

#[test]
fn an_error_during_the_conversation_names_the_endpoint() {
    let options = FakeOptions {
        faults: gemini_live::fake::parse_fault_plan("1@2:close=1007/bad request")
            .expect("the plan parses"),
        ..FakeOptions::default()
    };
    let server = FakeServer::start(options).expect("the fake starts");
    let mut cmd = cli();
    cmd.env("GEMINI_API_KEY", "any")
        .env("GEMINI_LIVE_ENDPOINT", server.endpoint())
        .arg("chat");
    let out = run_with_input(&mut cmd, "hello\n");
    let stderr = stderr_of(&out);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains(&format!("gemini-live: {}: ", server.endpoint())),
        "{stderr}"
    );
    assert!(stderr.contains("1007"), "{stderr}");
}
