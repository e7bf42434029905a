//! Shared by `tests/c_api.rs` and `tests/python_binding.rs`: where the built cdylib is, the
//! functions the header declares, and running a child process with a watchdog.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The directory of this test binary's profile, e.g. `target/debug`.
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary has a path");
    // target/<profile>/deps/<test>-<hash>
    exe.parent()
        .and_then(Path::parent)
        .expect("the test binary lives in target/<profile>/deps")
        .to_path_buf()
}

/// The cdylib built for this profile, fresh from the same build as this test binary.
///
/// `cargo test` compiles the lib target with all its crate types (`rlib`, `cdylib`,
/// `staticlib`), so the cdylib is rebuilt together with the rlib the tests link against, but
/// only into `target/<profile>/deps/`: copying it up to `target/<profile>/` is done by
/// `cargo build` alone, so the copy there may be stale. If neither exists, build it.
pub fn cdylib() -> PathBuf {
    let name = format!(
        "{}gemini_live{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    );
    let dir = profile_dir();
    for lib in [dir.join("deps").join(&name), dir.join(&name)] {
        if lib.exists() {
            return lib;
        }
    }
    let mut cmd = Command::new(env!("CARGO"));
    cmd.current_dir(root()).args(["build", "--lib"]);
    if dir.file_name().is_some_and(|p| p == "release") {
        cmd.arg("--release");
    }
    let status = cmd.status().expect("cargo runs");
    assert!(status.success(), "cargo build --lib failed");
    let lib = dir.join(&name);
    assert!(lib.exists(), "{} was not built", lib.display());
    lib
}

/// Every function the committed header declares, in order, without duplicates.
pub fn header_functions() -> Vec<String> {
    let header = std::fs::read_to_string(root().join("include/gemini_live.h"))
        .expect("include/gemini_live.h exists");
    let mut names: Vec<String> = Vec::new();
    for line in header.lines() {
        // Declarations start at column 0 with the return type; docs start with ` *`.
        if line.starts_with(' ') || line.starts_with('#') || line.starts_with("typedef") {
            continue;
        }
        let Some(open) = line.find('(') else { continue };
        let Some(name) = line[..open].split_whitespace().last() else {
            continue;
        };
        let name = name.trim_start_matches('*');
        if name.starts_with("gemini_live_") && !names.iter().any(|n| n == name) {
            names.push(name.to_string());
        }
    }
    names
}

/// Runs `cmd` to completion, killing it after `limit`; panics with its output on timeout.
pub fn run(mut cmd: Command, limit: Duration) -> Output {
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let child = cmd
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {cmd:?}: {e}"));
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(limit) {
        Ok(out) => out.expect("waiting for the child"),
        Err(_) => {
            // Only the process this function started, by its id.
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            let out = rx.recv().ok().and_then(Result::ok);
            panic!(
                "{cmd:?} did not finish within {limit:?}; output so far: {:?}",
                out.map(|o| String::from_utf8_lossy(&o.stderr).into_owned())
            );
        }
    }
}

/// Panics with the program's output unless it exited with status 0; returns its stdout.
pub fn expect_success(what: &str, out: &Output) -> String {
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(
        out.status.success(),
        "{what} failed with {}\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        out.status
    );
    stdout
}
