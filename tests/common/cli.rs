//! Running the built `gemini-live` CLI and the quickstart example offline: no credentials,
//! endpoint, model or Vertex settings inherited from the environment.

use std::io::{BufRead, BufReader, ErrorKind, Write};
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};

/// Every environment variable the CLI and the quickstart read.
pub const ENV_VARS: [&str; 10] = [
    "GEMINI_API_KEY",
    "GEMINI_LIVE_EPHEMERAL_TOKEN",
    "GEMINI_LIVE_ENDPOINT",
    "GEMINI_LIVE_MODEL",
    "GEMINI_LIVE_API_VERSION",
    "GEMINI_LIVE_VERTEX_PROJECT",
    "GEMINI_LIVE_VERTEX_LOCATION",
    "GEMINI_LIVE_VERTEX_API_VERSION",
    "GEMINI_LIVE_VERTEX_USER_PROJECT",
    "GEMINI_LIVE_ACCESS_TOKEN",
];

/// Removes [`ENV_VARS`] from `cmd`'s environment.
pub fn offline(cmd: &mut Command) -> &mut Command {
    for var in ENV_VARS {
        cmd.env_remove(var);
    }
    cmd
}

/// The `gemini-live` binary `cargo test` built, offline.
pub fn gemini_live() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gemini-live"));
    offline(&mut cmd);
    cmd
}

/// `target/<profile>/examples/quickstart`, which `cargo test` builds.
pub fn quickstart() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let profile_dir = exe
        .parent()
        .and_then(|d| d.parent())
        .expect("target/<profile>");
    profile_dir.join("examples").join("quickstart")
}

/// Runs the quickstart offline with `env` set; asserts it was built and succeeded; returns
/// its stdout.
pub fn run_quickstart(env: &[(&str, &str)]) -> String {
    let path = quickstart();
    assert!(
        path.exists(),
        "{} was not built (cargo build --examples)",
        path.display()
    );
    let mut cmd = Command::new(&path);
    offline(&mut cmd).envs(env.iter().copied());
    let (stdout, _) = success(&cmd.output().expect("the quickstart runs"), &env);
    stdout
}

/// Runs `cmd` with `input` on its stdin and its output collected. A broken pipe while
/// writing is not an error (the program may exit before it reads, e.g. on a refused
/// configuration): its exit status tells.
pub fn run_with_input(cmd: &mut Command, input: &str) -> Output {
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the program starts");
    let written = child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(input.as_bytes());
    if let Err(e) = written {
        assert_eq!(e.kind(), ErrorKind::BrokenPipe, "writing stdin: {e}");
    }
    child.wait_with_output().expect("the program ends")
}

/// Asserts `out` is a success (showing `context`, stdout and stderr if not); returns stdout
/// and stderr.
pub fn success(out: &Output, context: &dyn std::fmt::Debug) -> (String, String) {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "{context:?} exited with {}\n{stdout}\n{stderr}",
        out.status
    );
    (stdout, stderr)
}

/// A child process killed and reaped however the test ends.
pub struct Running(pub Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Starts `cmd` (a `gemini-live fake-server --port 0 …`) and reads the endpoint it prints
/// on its first stdout line.
pub fn fake_server(cmd: &mut Command) -> (Running, String) {
    let mut server = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map(Running)
        .expect("fake-server starts");
    let mut endpoint = String::new();
    let stdout = server.0.stdout.take().expect("stdout is piped");
    BufReader::new(stdout)
        .read_line(&mut endpoint)
        .expect("fake-server prints its endpoint");
    (server, endpoint.trim().to_string())
}

/// Asserts `out` is a failure (showing its stdout if not); returns its stderr.
pub fn failure(out: &Output) -> String {
    assert!(
        !out.status.success(),
        "succeeded: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8_lossy(&out.stderr).into_owned()
}
