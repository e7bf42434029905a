//! The C++ wrapper `include/gemini_live.hpp`: the header compiles on its own under strict
//! warnings, `examples/cpp/quickstart.cpp` and `tests/cpp/wrapper/` build as C++17 with
//! `-Wall -Wextra -Werror -pedantic` and run correctly against the fake server, and the
//! wrapper test loses no memory under valgrind.
//!
//! Needs a C++17 compiler (`c++`); valgrind runs whenever it is installed, is required with
//! `GEMINI_LIVE_VALGRIND=1` (`.ci/run` sets it) and skipped with `GEMINI_LIVE_VALGRIND=0`.

mod c {
    pub mod support;
}
use c::support;

use gemini_live::fake::{FakeOptions, FakeServer};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;
use support::{
    assert_memcheck_clean, cdylib, command_for, expect_success, root, run, sources,
    valgrind_wanted, MEMCHECK,
};

const LIMIT: Duration = Duration::from_secs(60);
const STRICT: [&str; 5] = ["-Wall", "-Wextra", "-Werror", "-pedantic", "-g"];

fn out_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cpp_api");
    std::fs::create_dir_all(&dir).expect("a build directory");
    dir
}

/// `c++ -std=<std> STRICT extra SOURCES -Iinclude <link flags> -o out`, with the sources of
/// the program at `src` (a file, or a folder of them: see `support::sources`).
fn compile(src: &str, std: &str, extra: &[&str], out: &Path) -> Result<(), String> {
    let lib = cdylib();
    let lib_dir = lib.parent().expect("the library is in a directory");
    let mut cmd = Command::new("c++");
    cmd.current_dir(root())
        .arg(format!("-std={std}"))
        .args(STRICT)
        .args(extra)
        .args(sources(src))
        .arg("-Iinclude")
        .arg(format!("-L{}", lib_dir.display()))
        .arg(format!("-Wl,-rpath,{}", lib_dir.display()))
        .args(["-lgemini_live", "-o"])
        .arg(out);
    let output = cmd.output().map_err(|e| {
        format!("`c++` could not be run ({e}): the C++ tests need a C++17 compiler")
    })?;
    if output.status.success() {
        Ok(())
    } else {
        Err(format!(
            "{cmd:?} failed:\n{}",
            String::from_utf8_lossy(&output.stderr)
        ))
    }
}

/// The two programs, built once per test run.
fn programs() -> &'static (PathBuf, PathBuf) {
    static BUILT: OnceLock<Result<(PathBuf, PathBuf), String>> = OnceLock::new();
    let built = BUILT.get_or_init(|| {
        let dir = out_dir();
        let quickstart = dir.join("quickstart");
        let wrapper = dir.join("wrapper");
        compile("examples/cpp/quickstart.cpp", "c++17", &[], &quickstart)?;
        compile("tests/cpp/wrapper", "c++17", &[], &wrapper)?;
        Ok((quickstart, wrapper))
    });
    match built {
        Ok(p) => p,
        Err(e) => panic!("{e}"),
    }
}

fn offline(program: &Path) -> Command {
    command_for(program, &[])
}

fn check_quickstart(stdout: &str) {
    assert!(
        stdout.contains("text turn reply: [turn 1] echo: Hello from C++!"),
        "{stdout}"
    );
    let sent = stdout
        .lines()
        .find_map(|l| l.strip_prefix("sent 32000 bytes of audio, checksum "))
        .unwrap_or_else(|| panic!("no checksum line in:\n{stdout}"));
    assert_eq!(sent.len(), 16, "{stdout}");
    assert!(
        stdout.contains(&format!(
            "audio turn reply: [turn 2] heard 32000 bytes of audio, checksum {sent}"
        )),
        "{stdout}"
    );
    assert!(stdout.contains(" samples at 24000 Hz"), "{stdout}");
}

#[test]
fn the_header_compiles_alone_under_strict_warnings() {
    let dir = out_dir();
    let src = dir.join("only_header.cpp");
    std::fs::write(
        &src,
        "#include \"gemini_live.hpp\"\n#include \"gemini_live.hpp\" // the guard holds\n\
         int main() { return gemini_live::version().empty() ? 1 : 0; }\n",
    )
    .expect("write the source");
    let strict = [
        "-Wshadow",
        "-Wconversion",
        "-Wsign-conversion",
        "-Wold-style-cast",
        "-Wnon-virtual-dtor",
    ];
    compile(
        src.to_str().expect("UTF-8 path"),
        "c++17",
        &strict,
        &dir.join("only_header"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let out = run(Command::new(dir.join("only_header")), LIMIT);
    expect_success("only_header", &out);
}

#[test]
fn the_wrapper_test_compiles_as_cpp20_with_std_span() {
    // C++20 is optional for users; the span conversion is checked where the compiler has it.
    let dir = out_dir();
    let probe = Command::new("c++")
        .args(["-std=c++20", "-x", "c++", "-fsyntax-only", "-"])
        .stdin(std::process::Stdio::null())
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        eprintln!("skipped: this c++ has no -std=c++20");
        return;
    }
    compile(
        "tests/cpp/wrapper",
        "c++20",
        &["-fsyntax-only"],
        &dir.join("unused"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn cpp_quickstart_runs_against_the_embedded_fake() {
    let (quickstart, _) = programs();
    let out = run(offline(quickstart), LIMIT);
    let stdout = expect_success("C++ quickstart", &out);
    check_quickstart(&stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("using the embedded fake server at ws://127.0.0.1:"),
        "{stderr}"
    );
}

#[test]
fn cpp_quickstart_uses_the_given_endpoint() {
    let (quickstart, _) = programs();
    let server = FakeServer::start(FakeOptions::default()).expect("the fake starts");
    let mut cmd = offline(quickstart);
    cmd.env("GEMINI_LIVE_ENDPOINT", server.endpoint());
    let out = run(cmd, LIMIT);
    check_quickstart(&expect_success("C++ quickstart", &out));
    assert_eq!(server.connection_count(), 1);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("embedded fake"), "{stderr}");
}

#[test]
fn cpp_quickstart_reports_a_failed_connect_with_its_code() {
    let (quickstart, _) = programs();
    let mut cmd = offline(quickstart);
    cmd.env("GEMINI_LIVE_ENDPOINT", "ftp://127.0.0.1:1");
    let out = run(cmd, LIMIT);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("gemini_live error 203: gemini_live_session_connect: "),
        "{stderr}"
    );
    assert!(stderr.contains("ftp://127.0.0.1:1"), "{stderr}");
}

#[test]
fn cpp_wrapper_passes_its_checks() {
    let (_, wrapper) = programs();
    let out = run(offline(wrapper), LIMIT);
    let stdout = expect_success("C++ wrapper test", &out);
    assert!(stdout.contains("cpp wrapper: ALL OK ("), "{stdout}");
}

#[test]
fn cpp_wrapper_under_valgrind_loses_no_memory() {
    if !valgrind_wanted() {
        return;
    }
    let (_, wrapper) = programs();
    let out = run(command_for(wrapper, MEMCHECK), Duration::from_secs(300));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let stdout = expect_success("C++ wrapper under valgrind", &out);
    assert!(stdout.contains("cpp wrapper: ALL OK ("), "{stdout}");
    assert_memcheck_clean(&stderr);
}
