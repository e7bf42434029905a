//! Shared by the C, C++, Python and CLI tests: where the built cdylib is, the functions the
//! header declares, running a program against that library (offline, under valgrind if
//! asked) and running a child process with a watchdog.

#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

/// Builds the C example `examples/c/<name>.c` against the cdylib, warning-free (`-Wall -Wextra
/// -Werror -pedantic`) as C99 or, with `cpp`, as C++11, into `<tmp>/<name>/<name>[_cpp]`
/// (`tmp`: the test crate's `CARGO_TARGET_TMPDIR`). Panics with what the compiler said.
pub fn build_example(name: &str, cpp: bool, tmp: &Path) -> PathBuf {
    let lib = cdylib();
    let lib_dir = lib.parent().expect("the library is in a directory");
    let out_dir = tmp.join(name);
    std::fs::create_dir_all(&out_dir).expect("temp dir");
    let bin = out_dir.join(if cpp {
        format!("{name}_cpp")
    } else {
        name.to_string()
    });
    let mut cmd = if cpp {
        let mut c = Command::new("c++");
        c.args(["-x", "c++", "-std=c++11"]);
        c
    } else {
        let mut c = Command::new("cc");
        c.arg("-std=c99");
        c
    };
    cmd.current_dir(root())
        .args(["-Wall", "-Wextra", "-Werror", "-pedantic", "-g"])
        .arg(format!("examples/c/{name}.c"))
        .arg("-Iinclude")
        .arg(format!("-L{}", lib_dir.display()))
        .arg(format!("-Wl,-rpath,{}", lib_dir.display()))
        .args(["-lgemini_live", "-lpthread", "-ldl", "-lm", "-o"])
        .arg(&bin);
    let out = cmd.output().unwrap_or_else(|e| {
        panic!("{cmd:?}: {e} (the test needs `cc` and `c++`: apt-get install build-essential)")
    });
    assert!(
        out.status.success(),
        "compiling {name}.c as {}:\n{}",
        if cpp { "C++" } else { "C99" },
        String::from_utf8_lossy(&out.stderr)
    );
    bin
}

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

/// The source files of the C or C++ test program at `program` (relative to the repository
/// root): the file itself, or, for a folder (`tests/c/misuse`), every `.c` / `.cpp` file in
/// it, sorted, built together into one program. Relative paths, for a compiler run from the
/// root.
pub fn sources(program: &str) -> Vec<String> {
    let dir = root().join(program);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return vec![program.to_string()];
    };
    let mut files: Vec<String> = entries
        .flatten()
        .filter_map(|e| e.file_name().into_string().ok())
        .filter(|n| n.ends_with(".c") || n.ends_with(".cpp"))
        .map(|n| format!("{program}/{n}"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "{program} holds no .c or .cpp file");
    files
}

/// The text of every source file and header of the program at `program` (see [`sources`]),
/// concatenated: what a test searches for a call.
pub fn source_text(program: &str) -> String {
    let dir = root().join(program);
    let mut paths: Vec<PathBuf> = match std::fs::read_dir(&dir) {
        Ok(entries) => entries.flatten().map(|e| e.path()).collect(),
        Err(_) => vec![dir],
    };
    paths.sort();
    paths
        .iter()
        .filter(|p| p.is_file())
        .map(|p| std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())))
        .collect::<Vec<_>>()
        .join("\n")
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

/// A command running `program` under `wrapper` (e.g. `["valgrind", ...]`, or none) against
/// the library `cdylib` finds, offline (no key, endpoint or model from the environment).
/// LD_LIBRARY_PATH is set because cargo puts `target/<profile>` on the test's own, which
/// outranks the program's RUNPATH, and the copy there is refreshed only by `cargo build`.
pub fn command_for(program: &Path, wrapper: &[&str]) -> Command {
    let lib = cdylib();
    let mut cmd = match wrapper.split_first() {
        Some((first, rest)) => {
            let mut c = Command::new(first);
            c.args(rest).arg(program);
            c
        }
        None => Command::new(program),
    };
    cmd.env("LD_LIBRARY_PATH", lib.parent().unwrap_or(Path::new(".")))
        .env("RUST_BACKTRACE", "0")
        .env_remove("GEMINI_API_KEY")
        .env_remove("GEMINI_LIVE_ENDPOINT")
        .env_remove("GEMINI_LIVE_MODEL")
        .env_remove("GEMINI_LIVE_API_VERSION")
        .env_remove("GEMINI_LIVE_CA_FILE");
    cmd
}

/// valgrind's memcheck as the leak tests run it (with [`command_for`]), the strictest a user's
/// CI would: every leak kind, "possibly lost" and "still reachable" included, is an error; no
/// suppression file. `.ci/run` runs the examples with exactly these flags.
pub const MEMCHECK: &[&str] = &[
    "valgrind",
    "--leak-check=full",
    "--show-leak-kinds=all",
    "--errors-for-leak-kinds=all",
    "--error-exitcode=9",
];

/// Whether a valgrind test should run: whenever valgrind is installed; required with
/// `GEMINI_LIVE_VALGRIND=1` (panics without it), skipped with `GEMINI_LIVE_VALGRIND=0`.
pub fn valgrind_wanted() -> bool {
    let wanted = std::env::var("GEMINI_LIVE_VALGRIND").ok();
    if wanted.as_deref() == Some("0") {
        eprintln!("skipped: GEMINI_LIVE_VALGRIND=0");
        return false;
    }
    let have = Command::new("valgrind")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have {
        assert!(
            wanted.as_deref() != Some("1"),
            "GEMINI_LIVE_VALGRIND=1 but valgrind is not installed (apt-get install valgrind)"
        );
        eprintln!("skipped: valgrind is not installed");
    }
    have
}

/// Asserts that memcheck's `stderr` reports no error and no memory left behind of any kind
/// (lost, possibly lost or still reachable).
pub fn assert_memcheck_clean(stderr: &str) {
    assert!(
        stderr.contains("ERROR SUMMARY: 0 errors from 0 contexts"),
        "{stderr}"
    );
    // Either nothing was left, or the summary says what was: never neither.
    let all_freed = stderr.contains("All heap blocks were freed -- no leaks are possible");
    assert!(all_freed || stderr.contains("LEAK SUMMARY"), "{stderr}");
    for kind in [
        "definitely lost:",
        "indirectly lost:",
        "possibly lost:",
        "still reachable:",
    ] {
        let leaked = stderr
            .lines()
            .filter(|l| l.contains(kind))
            .any(|l| !l.contains(": 0 bytes in 0 blocks"));
        assert!(!leaked, "{kind}\n{stderr}");
    }
}
