//! What costs a new CLI user time (issue 22): errors that name the CLI's flags, not Rust
//! fields; a pasted full URL explained; a config error without the unrelated first-connect
//! budget; a missing key explained in full with the variable to set; a busy port named.

mod common;

mod c {
    pub mod support;
}
use c::support;

use common::cli::{gemini_live, run_with_input};
use gemini_live::fake::FakeOptions;
use std::process::{Output, Stdio};
use std::time::Duration;

const LIMIT: Duration = Duration::from_secs(60);

fn stderr_of(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn chat(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = gemini_live();
    cmd.args(args).arg("chat").stdin(Stdio::null());
    cmd.envs(env.iter().copied());
    support::run(cmd, LIMIT)
}

#[test]
fn a_config_error_names_the_flag_without_the_connect_budget() {
    let out = chat(
        &["--model", "gemini-3.8-live", "--modality", "text"],
        &[
            ("GEMINI_API_KEY", "k"),
            ("GEMINI_LIVE_ENDPOINT", "ws://127.0.0.1:9"),
        ],
    );
    let stderr = stderr_of(&out);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("use --modality text+audio"), "{stderr}");
    assert!(!stderr.contains("ResponseMode"), "{stderr}");
    assert!(!stderr.contains("first-connect budget"), "{stderr}");
}

#[test]
fn a_pasted_full_url_says_the_path_is_appended() {
    let url = "ws://127.0.0.1:9/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContent";
    let out = chat(&["--endpoint", url], &[("GEMINI_API_KEY", "k")]);
    let stderr = stderr_of(&out);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("--endpoint"), "{stderr}");
    assert!(
        stderr.contains("give the base URL only (e.g. ws://127.0.0.1:9)"),
        "{stderr}"
    );
    assert!(stderr.contains("the path is appended"), "{stderr}");
    assert!(!stderr.contains("first-connect budget"), "{stderr}");
    assert!(!stderr.contains("Config::"), "{stderr}");
}

#[test]
fn a_missing_key_is_explained_with_the_variable_to_set() {
    let server = common::fake_with(FakeOptions {
        api_key: Some("the-key".into()),
        ..FakeOptions::default()
    });
    let endpoint = server.endpoint();
    let out = chat(&[], &[("GEMINI_LIVE_ENDPOINT", endpoint.as_str())]);
    let stderr = stderr_of(&out);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "Please use API Key or other form of API consumer identity to call this API."
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("no API key was sent: set GEMINI_API_KEY"),
        "{stderr}"
    );
    assert!(!stderr.contains("Config::"), "{stderr}");
}

#[test]
fn a_busy_port_is_named() {
    let busy = std::net::TcpListener::bind("127.0.0.1:0").expect("a port");
    let port = busy.local_addr().expect("its address").port();
    let mut cmd = gemini_live();
    cmd.args(["fake-server", "--port", &port.to_string()]);
    let out = support::run(cmd, LIMIT);
    let stderr = stderr_of(&out);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains(&format!("127.0.0.1:{port}")), "{stderr}");
    assert!(stderr.contains("choose another port"), "{stderr}");
}

fn help(args: &[&str]) -> String {
    let mut cmd = gemini_live();
    cmd.args(args).arg("--help");
    let out = support::run(cmd, LIMIT);
    assert!(out.status.success(), "{}", stderr_of(&out));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn each_subcommand_help_lists_its_own_options() {
    let server = help(&["fake-server"]);
    for client_only in [
        "--endpoint",
        "--modality",
        "--record <",
        "--access-token-command",
    ] {
        assert!(!server.contains(client_only), "{client_only} in:\n{server}");
    }
    for own in [
        "--port", "--faults", "--replay", "--strict", "--loop", "--model",
    ] {
        assert!(server.contains(own), "{own} missing:\n{server}");
    }
    // The fault kinds come from the library's list, not a pointer to a Rust function.
    for (syntax, _, what) in gemini_live::fake::FAULT_KINDS {
        assert!(server.contains(syntax) && server.contains(what), "{syntax}");
    }
    assert!(!server.contains("parse_fault_plan"), "{server}");
    let chat = help(&["chat"]);
    assert!(
        chat.contains("--endpoint") && chat.contains("--modality"),
        "{chat}"
    );
    assert!(
        !chat.contains("--faults") && !chat.contains("--port"),
        "{chat}"
    );
    // Options before the subcommand keep working.
    let out = chat_ok(&["--modality", "text", "--model", "fake-text-live"], "hi\n");
    assert!(out.contains("echo: hi"), "{out}");
}

fn chat_ok(before: &[&str], input: &str) -> String {
    let out = run_with_input(gemini_live().args(before).arg("chat"), input);
    let stderr = stderr_of(&out);
    assert!(out.status.success(), "{stderr}");
    // Into a pipe: no prompt and no typing hint (a terminal gets them: tests/cli_ctrl_c.rs).
    assert!(
        !stderr.contains("> ") && !stderr.contains("type a message"),
        "{stderr}"
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

#[test]
fn the_test_phrases_are_in_the_help_the_header_and_the_readme() {
    let header = include_str!("../include/gemini_live.h");
    let readme = include_str!("../README.md");
    let server = help(&["fake-server"]);
    let chat = help(&["chat"]);
    for (phrase, _) in gemini_live::fake::phrases::TEST_PHRASES {
        assert!(
            server.contains(phrase),
            "{phrase} not in fake-server --help"
        );
        assert!(chat.contains(phrase), "{phrase} not in chat --help");
        assert!(
            header.contains(&format!("\"{phrase}\"")),
            "{phrase} not in the header"
        );
        assert!(
            readme.contains(&format!("`{phrase}`")),
            "{phrase} not in the README"
        );
    }
}

#[test]
fn vv_logs_each_message_with_secrets_redacted() {
    const KEY: &str = "AIzaVERBOSETESTKEY0123456789";
    let server = common::fake_with(FakeOptions {
        api_key: Some(KEY.into()),
        ..FakeOptions::default()
    });
    let endpoint = server.endpoint();
    let mut cmd = gemini_live();
    cmd.args([
        "-vv",
        "--modality",
        "text",
        "--model",
        "fake-text-live",
        "chat",
    ])
    .env("GEMINI_API_KEY", KEY)
    .env("GEMINI_LIVE_ENDPOINT", &endpoint)
    .env_remove("RUST_LOG");
    let out = run_with_input(&mut cmd, &format!("my key is {KEY}\n"));
    let stderr = stderr_of(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("sent {\"setup\":"), "{stderr}");
    assert!(stderr.contains("received {\"setupComplete\":"), "{stderr}");
    assert!(stderr.contains("my key is [REDACTED]"), "{stderr}");
    assert!(!stderr.contains(KEY), "the key is in the log:\n{stderr}");
    assert!(
        !stderr.contains(" bytes\n"),
        "byte counts instead of messages:\n{stderr}"
    );
}

#[test]
fn v_log_lines_read_as_sentences_not_debug_dumps() {
    let server = common::fake_with(FakeOptions {
        faults: gemini_live::fake::parse_fault_plan("1@3:close=1011,2@3:goaway=1s+1s")
            .expect("the plan parses"),
        ..FakeOptions::default()
    });
    let endpoint = server.endpoint();
    let mut cmd = gemini_live();
    cmd.args([
        "-v",
        "--modality",
        "text",
        "--model",
        "fake-text-live",
        "chat",
    ])
    .env("GEMINI_API_KEY", "any")
    .env("GEMINI_LIVE_ENDPOINT", &endpoint)
    .env_remove("RUST_LOG");
    let out = run_with_input(&mut cmd, "one\ntwo\nthree\n");
    let stderr = stderr_of(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(
        stderr.contains(
            "reconnecting: the connection failed: the server closed the connection (1011)"
        ),
        "{stderr}"
    );
    assert!(stderr.contains("reconnecting: GoAway ("), "{stderr}");
    for dump in ["Some(", "None", "Failure(", "Handover(", "Closed {", "Io {"] {
        assert!(!stderr.contains(dump), "{dump} in:\n{stderr}");
    }
    // Durations as people write them, not Debug's "1.234567ms".
    for line in stderr.lines().filter(|l| l.contains(" in ")) {
        assert!(!line.contains("µs") && !line.contains("ns)"), "{line}");
    }
}
