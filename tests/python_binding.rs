//! The Python binding (`bindings/python`, ctypes over the cdylib): its unit tests pass against
//! the library built with these tests, its quickstart runs offline, it declares every
//! function of the header, `pip install ./bindings/python` in a new virtual environment
//! gives a package that works from any directory (a second install reuses the library
//! without cargo and neither writes into the source tree), and `mypy --strict` accepts the
//! package and the examples and refuses wrong metric keys and option values.
//!
//! Needs `python3` (3.8 or later) with `venv` (Debian: `python3-venv`), PyPI for pip's build
//! dependencies (setuptools, wheel), and `mypy` (the mypy test is skipped with a message
//! when it is missing, except under `CI=true`, where it fails). CI installs them.

mod c {
    pub mod support;
}
use c::support;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
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
        // The CLI, for the tests that serve a hand-written recording (`fake-server --replay`).
        .env("GEMINI_LIVE_CLI", env!("CARGO_BIN_EXE_gemini-live"))
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
    // These two must run, not be skipped.
    for test in [
        "test_every_header_function_is_declared",
        "test_partial_args_and_will_continue_reach_the_tool_call",
    ] {
        let ran = (report.lines()).any(|l| l.starts_with(test) && l.ends_with("ok"));
        assert!(ran, "{test} did not pass:\n{report}");
    }
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
    // `_lib` re-exports the declarations of these modules (grouped like the header).
    let modules = ["_c_core.py", "_c_helpers.py"];
    let declared: String = (modules.iter())
        .map(|m| {
            let path = root().join("bindings/python/gemini_live").join(m);
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        })
        .collect();
    let missing: Vec<String> = header_functions()
        .into_iter()
        .filter(|f| !declared.contains(&format!("\"{f}\": (")))
        .collect();
    assert!(
        missing.is_empty(),
        "bindings/python/gemini_live/{modules:?} declare no argtypes for {missing:?}"
    );
}

#[test]
fn python_audio_pipeline_plays_interrupts_and_records_offline() {
    let dir = TempDir::new("pyaudio_out");
    let record = dir.0.join("session.jsonl");
    let mut cmd = python();
    cmd.arg("examples/python/audio_pipeline.py")
        .arg("--tone")
        .arg("--out")
        .arg(&dir.0);
    let out = run(cmd, Duration::from_secs(60));
    let stdout = expect_success("examples/python/audio_pipeline.py", &out);
    assert!(
        stdout.contains("model: [turn 1] heard 48000 bytes of audio, checksum "),
        "{stdout}"
    );
    assert!(stdout.contains("barge-in: heard "), "{stdout}");
    assert!(stdout.contains(" of 400 ms of the reply"), "{stdout}");
    assert!(stdout.contains(" underruns ("), "{stdout}");
    assert!(
        stdout.contains(&format!("recorded the session to {}", record.display())),
        "{stdout}"
    );
    let rec = std::fs::read_to_string(&record).expect("the recording");
    assert!(rec.contains(r#""dir":"recv""#), "{rec}");
}

#[test]
fn python_audio_pipeline_records_into_a_new_temporary_directory_by_default() {
    // Run from the repository root, as the docstring says: nothing may land there.
    let tmp = TempDir::new("pyaudio_tmpdir");
    let mut cmd = python();
    cmd.env("TMPDIR", &tmp.0)
        .arg("examples/python/audio_pipeline.py");
    let out = run(cmd, Duration::from_secs(60));
    let stdout = expect_success("examples/python/audio_pipeline.py", &out);
    let made: Vec<PathBuf> = std::fs::read_dir(&tmp.0)
        .expect("TMPDIR")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            p.display()
                .to_string()
                .contains("gemini_live_audio_pipeline_")
        })
        .collect();
    assert_eq!(made.len(), 1, "{made:?}");
    let record = made[0].join("session.jsonl");
    assert!(record.is_file(), "{stdout}");
    assert!(
        stdout.contains(&format!("recorded the session to {}", record.display())),
        "{stdout}"
    );
    assert!(
        !root().join("session.jsonl").exists(),
        "the example wrote session.jsonl into the source tree"
    );
}

/// A directory under the system temp dir, removed when dropped (also when a test fails).
struct TempDir(PathBuf);

impl TempDir {
    fn new(label: &str) -> TempDir {
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos());
        let dir = std::env::temp_dir().join(format!(
            "gemini_live_{label}_{}_{nanos}",
            std::process::id()
        ));
        std::fs::create_dir_all(&dir).expect("create a temp dir");
        TempDir(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// Whether CI runs these tests (`CI` set to anything but `false`/`0`/empty).
fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !v.is_empty() && v != "false" && v != "0")
}

/// A command with none of the variables that would let Python find the source tree or a
/// library outside the installed package.
fn isolated(program: &Path) -> Command {
    let mut cmd = Command::new(program);
    cmd.env_remove("PYTHONPATH")
        .env_remove("GEMINI_LIVE_LIBRARY")
        .env_remove("GEMINI_LIVE_BUNDLE")
        .env_remove("GEMINI_API_KEY")
        .env_remove("GEMINI_LIVE_ENDPOINT")
        .env_remove("GEMINI_LIVE_MODEL")
        .env_remove("VIRTUAL_ENV")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("PIP_DISABLE_PIP_VERSION_CHECK", "1")
        .env("RUST_BACKTRACE", "0");
    cmd
}

/// Makes a new virtual environment in `dir` and pip-installs `bindings/python` into it with
/// `env` added; returns the environment's python.
fn venv_with_package(dir: &Path, env: &[(&str, &Path)]) -> PathBuf {
    let venv = dir.join("venv");
    let mut cmd = isolated(Path::new("python3"));
    cmd.arg("-m").arg("venv").arg(&venv);
    let out = run(cmd, Duration::from_secs(120));
    expect_success(
        "python3 -m venv (Debian: apt-get install python3-venv)",
        &out,
    );
    let python = venv.join("bin").join("python");
    let mut cmd = isolated(&python);
    cmd.current_dir(root())
        .args(["-m", "pip", "install", "--quiet", "./bindings/python"]);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = run(cmd, Duration::from_secs(600));
    expect_success("pip install ./bindings/python", &out);
    python
}

/// Runs both Python quickstarts with `python` from `/` and checks they used the library in
/// `site` (the installed package's own copy) against the embedded fake.
fn quickstarts_run_from_root(python: &Path, site: &str) {
    for example in ["quickstart.py", "aio_quickstart.py"] {
        let mut cmd = isolated(python);
        cmd.current_dir("/")
            .arg(root().join("examples/python").join(example));
        let out = run(cmd, Duration::from_secs(120));
        let stdout = expect_success(example, &out);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("using the embedded fake server"),
            "{stderr}"
        );
        let first = stdout.lines().next().unwrap_or_default();
        assert!(
            first.starts_with("gemini_live ") && first.contains(site),
            "{example} did not use the installed package's library: {first}"
        );
        assert!(
            stdout.contains("text turn reply: [turn 1] echo: Hello from "),
            "{stdout}"
        );
        assert!(
            stdout.contains("audio turn reply: [turn 2] heard 32000 bytes of audio, checksum "),
            "{stdout}"
        );
    }
}

/// The installed package's directory, its wheel's tag and whether `py.typed` came along.
fn installed(python: &Path) -> (String, String) {
    let probe = "import gemini_live, importlib.metadata as m, pathlib\n\
                 d = pathlib.Path(gemini_live.__file__).parent\n\
                 assert (d / 'py.typed').is_file(), 'py.typed is not installed'\n\
                 wheel = m.distribution('gemini_live').read_text('WHEEL') or ''\n\
                 print(d)\n\
                 print([l for l in wheel.splitlines() if l.startswith('Tag:')])\n";
    let mut cmd = isolated(python);
    cmd.current_dir("/").args(["-c", probe]);
    let out = run(cmd, Duration::from_secs(60));
    let stdout = expect_success("import the installed package", &out);
    let mut lines = stdout.lines().map(str::to_string);
    let dir = lines.next().unwrap_or_default();
    let tag = lines.next().unwrap_or_default();
    (dir, tag)
}

#[test]
fn pip_install_in_a_new_venv_gives_a_package_that_runs_from_any_directory() {
    // The library built with these tests is bundled (GEMINI_LIVE_BUNDLE), so the package
    // and the library match and no release build is needed here; the cargo build path is
    // the next test.
    let tmp = TempDir::new("venv_bundle");
    let python = venv_with_package(&tmp.0, &[("GEMINI_LIVE_BUNDLE", &cdylib())]);
    let (dir, tag) = installed(&python);
    assert!(dir.starts_with(&tmp.0.display().to_string()), "{dir}");
    assert!(
        tag.contains("Tag: py3-none-") && !tag.contains("-any"),
        "the wheel must be platform-tagged: {tag}"
    );
    quickstarts_run_from_root(&python, &dir);
}

/// `git status --porcelain --ignored` of `bindings/python`: what an install may not change.
fn source_tree_status() -> String {
    let out = Command::new("git")
        .current_dir(root())
        .args([
            "status",
            "--porcelain",
            "--ignored",
            "--",
            "bindings/python",
        ])
        .output()
        .expect("git runs");
    assert!(out.status.success(), "git status failed");
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// `pip install ./bindings/python` into `python`'s environment, again (`--force-reinstall`),
/// under `script` (a terminal) when `tty`, else with `-v`; returns what the user saw.
fn pip_install_again(python: &Path, tty: bool, env: &[(&str, &str)]) -> String {
    let pip = format!(
        "{} -m pip install --force-reinstall --no-deps ./bindings/python",
        python.display()
    );
    let mut cmd = if tty {
        let mut c = isolated(Path::new("script"));
        c.args(["-qec", &pip, "/dev/null"]);
        c
    } else {
        let mut c = isolated(python);
        c.args([
            "-m",
            "pip",
            "install",
            "-v",
            "--force-reinstall",
            "--no-deps",
        ])
        .arg("./bindings/python");
        c
    };
    cmd.current_dir(root());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = run(cmd, Duration::from_secs(900));
    let stdout = expect_success(&pip, &out);
    format!("{stdout}{}", String::from_utf8_lossy(&out.stderr))
}

#[test]
fn pip_install_builds_with_cargo_once_then_reuses_the_library_and_leaves_the_tree_clean() {
    if !under_ci() && std::env::var_os("GEMINI_LIVE_TEST_PIP_CARGO").is_none() {
        eprintln!(
            "SKIPPED pip_install_builds_with_cargo_once_then_reuses_the_library_and_leaves_the_\
             tree_clean: it runs `cargo build --release --lib` (minutes on a fresh clone); it \
             runs under CI=true, or set GEMINI_LIVE_TEST_PIP_CARGO=1"
        );
        return;
    }
    let has_script = Command::new("script")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(
        has_script || !under_ci(),
        "`script` is missing (Debian: bsdutils): it gives pip a terminal here"
    );
    let before = source_tree_status();
    let tmp = TempDir::new("venv_cargo");
    let python = venv_with_package(&tmp.0, &[("GEMINI_LIVE_BUNDLE", &cdylib())]);
    // 1. A build that must run cargo (GEMINI_LIVE_REBUILD): its output reaches the user's
    //    terminal although pip captures the build step's output (without -v).
    let first = pip_install_again(&python, has_script, &[("GEMINI_LIVE_REBUILD", "1")]);
    assert!(
        first.contains("gemini_live: building the Rust library: ")
            && first.contains("cargo build --release --lib"),
        "{first}"
    );
    assert!(
        first.contains("Finished `release` profile"),
        "cargo's output is not shown: {first}"
    );
    let (dir, _) = installed(&python);
    assert!(dir.starts_with(&tmp.0.display().to_string()), "{dir}");
    quickstarts_run_from_root(&python, &dir);
    // 2. The library is now newer than every source file: bundled, cargo not run at all.
    let second = pip_install_again(&python, false, &[]);
    assert!(
        second.contains("is newer than every source file: bundled, no cargo build"),
        "{second}"
    );
    assert!(!second.contains("building the Rust library"), "{second}");
    assert!(!second.contains("Finished `release`"), "{second}");
    quickstarts_run_from_root(&python, &dir);
    // 3. Neither wrote into the source tree (no build/, *.egg-info, target/).
    let after = source_tree_status();
    assert_eq!(before, after, "pip install changed bindings/python");
    for junk in ["build", "gemini_live.egg-info", "target"] {
        assert!(
            !root().join("bindings/python").join(junk).exists(),
            "pip install left bindings/python/{junk}"
        );
    }
}

/// `python3 -m mypy --strict ARGS` in `bindings/python`; None when mypy is missing outside
/// CI (skipped with `why`).
fn mypy(args: &[&str], why: &str) -> Option<std::process::Output> {
    let found = Command::new("python3")
        .args(["-m", "mypy", "--version"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !found {
        assert!(
            !under_ci(),
            "`python3 -m mypy` is not available: CI must install it (python3 -m pip install mypy)"
        );
        eprintln!(
            "SKIPPED {why}: `mypy` is not installed (python3 -m pip install mypy); under \
             CI=true this fails"
        );
        return None;
    }
    let cache = TempDir::new("mypy_cache");
    let mut cmd = Command::new("python3");
    cmd.current_dir(root().join("bindings/python"))
        .env_remove("MYPYPATH")
        .args(["-m", "mypy", "--strict"])
        .arg("--cache-dir")
        .arg(&cache.0)
        .args(args);
    Some(run(cmd, Duration::from_secs(300)))
}

#[test]
fn mypy_strict_catches_wrong_metric_keys_and_option_values() {
    let Some(out) = mypy(
        &["tests/typecheck/misuses_metrics.py"],
        "mypy_strict_catches_wrong_metric_keys_and_option_values",
    ) else {
        return;
    };
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(!out.status.success(), "mypy accepted the misuses: {stdout}");
    for expected in [
        r#"TypedDict "Metrics" has no key "last_turn_complete""#,
        r#"Did you mean "last_turn_complete_us"?"#,
        r#"TypedDict "Metrics" has no key "state_name""#,
        r#"Argument "modality" to "Config" has incompatible type "Literal['txt']""#,
        r#"Argument "activity_handling" to "Config" has incompatible type"#,
    ] {
        assert!(
            stdout.contains(expected),
            "mypy did not report {expected:?}: {stdout}"
        );
    }
    assert!(stdout.contains("Found 4 errors"), "{stdout}");
}

#[test]
fn the_typed_metrics_script_runs() {
    let mut cmd = python();
    cmd.arg("bindings/python/tests/typecheck/uses_metrics.py");
    let out = run(cmd, Duration::from_secs(60));
    let stdout = expect_success("uses_metrics.py", &out);
    assert!(stdout.starts_with("sent="), "{stdout}");
    assert!(stdout.contains("state=CONNECTED"), "{stdout}");
    assert!(!stdout.contains("turn_ms=None"), "{stdout}");
}

#[test]
fn mypy_strict_accepts_the_package_and_the_examples() {
    // `python3 -m mypy`: the mypy of the Python the other tests use.
    let Some(out) = mypy(
        &[
            "gemini_live",
            "../../examples/python",
            "tests/typecheck/uses_metrics.py",
        ],
        "mypy_strict_accepts_the_package_and_the_examples",
    ) else {
        return;
    };
    let stdout = expect_success("mypy --strict gemini_live ../../examples/python", &out);
    assert!(stdout.contains("Success: no issues found"), "{stdout}");
}
