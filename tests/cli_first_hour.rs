//! What costs a new CLI user time (issue 22): errors that name the CLI's flags, not Rust
//! fields; a pasted full URL explained; a config error without the unrelated first-connect
//! budget; a missing key explained in full with the variable to set; a busy port named.

mod common;

#[path = "c/support.rs"]
mod support;

use common::cli::gemini_live;
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
