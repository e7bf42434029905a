//! Every snippet a new user copies runs as written, on the default model, against the fake
//! (protocol.md Part D.1): the README's Rust, C++ and Python blocks, the getting-started
//! program of `include/gemini_live.h`, the one of `include/gemini_live.hpp`, the Python
//! README's blocks and the quick starts in the Python package's docstrings.
//!
//! Each is extracted from the file (not copied here), compiled where it is C, C++ or Rust,
//! and run with `GEMINI_LIVE_ENDPOINT` pointing at a fake that serves the default model
//! only; the reply's text (the transcription of the audio reply) must be printed. Needs
//! `cc`, `c++` and `python3`, like the C, C++ and Python tests.

mod c {
    pub mod support;
}
use c::support;

use gemini_live::fake::{FakeOptions, FakeServer};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;
use support::{cdylib, expect_success, profile_dir, root, run};

const LIMIT: Duration = Duration::from_secs(120);
/// What the fake answers to the snippets' "Hello!" (the transcription, as text events).
const REPLY: &str = "echo: Hello!";

/// A fake that serves the default model and nothing else: a snippet that picks another one
/// (or TEXT, which the default refuses) fails.
fn fake() -> FakeServer {
    FakeServer::start(FakeOptions {
        models: vec![gemini_live::DEFAULT_MODEL.to_string()],
        ..FakeOptions::default()
    })
    .expect("the fake server starts")
}

fn read(path: &str) -> String {
    std::fs::read_to_string(root().join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The fenced blocks of `lang` in a Markdown text.
fn fenced(markdown: &str, lang: &str) -> Vec<String> {
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        match current.as_mut() {
            None if line.trim_start() == format!("```{lang}") => current = Some(String::new()),
            None => {}
            Some(_) if line.trim_start() == "```" => blocks.extend(current.take()),
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
        }
    }
    blocks
}

/// The program in a C comment of a header: the lines after `start` that are indented by at
/// least four spaces past ` * `, up to the first line that is not (blank lines kept).
fn header_program(header: &str, start: &str) -> String {
    let mut out = String::new();
    let mut lines = header.lines().skip_while(|l| !l.contains(start));
    let mut started = false;
    for line in lines.by_ref() {
        let body = line.trim_start().strip_prefix('*').unwrap_or("");
        if let Some(code) = body.strip_prefix("     ") {
            started = true;
            out.push_str(code);
            out.push('\n');
        } else if body.trim().is_empty() && started {
            out.push('\n');
        } else if started {
            break;
        }
    }
    assert!(!out.is_empty(), "no program after {start:?}");
    out
}

/// The indented block after `marker` (ending in `::`) of a Python docstring.
fn docstring_block(source: &str, marker: &str) -> String {
    let mut out = String::new();
    let mut lines = source.lines().skip_while(|l| !l.contains(marker)).skip(1);
    for line in lines.by_ref() {
        if let Some(code) = line.strip_prefix("    ") {
            out.push_str(code);
            out.push('\n');
        } else if line.trim().is_empty() {
            out.push('\n');
        } else {
            break;
        }
    }
    assert!(!out.trim().is_empty(), "no block after {marker:?}");
    out
}

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("doc_snippets");
    std::fs::create_dir_all(&dir).expect("the scratch directory is created");
    dir.join(name)
}

/// A command for a snippet program: offline apart from the fake, the library on its path.
fn offline(mut cmd: Command, server: &FakeServer) -> Command {
    let lib = cdylib();
    cmd.env("GEMINI_LIVE_ENDPOINT", server.endpoint())
        .env("LD_LIBRARY_PATH", lib.parent().unwrap_or(Path::new(".")))
        .env("GEMINI_LIVE_LIBRARY", &lib)
        .env("PYTHONPATH", root().join("bindings/python"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("RUST_BACKTRACE", "0");
    for var in [
        "GEMINI_API_KEY",
        "GEMINI_LIVE_EPHEMERAL_TOKEN",
        "GEMINI_LIVE_MODEL",
        "GEMINI_LIVE_API_VERSION",
        "GEMINI_LIVE_CA_FILE",
        "GEMINI_LIVE_VERTEX_PROJECT",
        "GEMINI_LIVE_VERTEX_LOCATION",
        "GEMINI_LIVE_ACCESS_TOKEN",
    ] {
        cmd.env_remove(var);
    }
    cmd
}

/// Runs `cmd` against a fresh fake; the snippet must succeed, print the reply and have used
/// the default model (the fake's first connection's setup names it), unless it starts a fake
/// of its own (`own_fake`, which serves every current model).
fn runs_and_answers(what: &str, own_fake: bool, cmd: impl FnOnce(&FakeServer) -> Command) {
    let server = fake();
    let out = run(offline(cmd(&server), &server), LIMIT);
    let stdout = expect_success(what, &out);
    assert!(stdout.contains(REPLY), "{what} printed {stdout:?}");
    if own_fake {
        return;
    }
    let conns = server.connections();
    let setup = conns.first().map(|c| c.frames[0].as_str()).unwrap_or("");
    let model = format!("\"models/{}\"", gemini_live::DEFAULT_MODEL);
    assert!(setup.contains(&model), "{what}: {setup}");
}

/// Compiles C (`cpp` false, C99) or C++17 source against the cdylib.
fn compile_c(name: &str, source: &str, cpp: bool) -> PathBuf {
    let src = scratch(&format!("{name}.{}", if cpp { "cpp" } else { "c" }));
    std::fs::write(&src, source).expect("the snippet is written");
    let bin = scratch(name);
    let lib = cdylib();
    let mut cmd = if cpp {
        let mut c = Command::new("c++");
        c.arg("-std=c++17");
        c
    } else {
        let mut c = Command::new("cc");
        c.arg("-std=c99");
        c
    };
    cmd.args(["-Wall", "-Wextra", "-Werror", "-pedantic"])
        .arg(format!("-I{}", root().join("include").display()))
        .arg(&src)
        .arg("-o")
        .arg(&bin)
        .arg(format!(
            "-L{}",
            lib.parent().unwrap_or(Path::new(".")).display()
        ))
        .arg("-lgemini_live");
    let out = cmd.output().expect("the C/C++ compiler runs (cc, c++)");
    assert!(
        out.status.success(),
        "{name} does not compile as written:\n{source}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    bin
}

/// The newest `libgemini_live*.rlib` this test binary's build made.
fn rlib() -> PathBuf {
    let deps = profile_dir().join("deps");
    let newest = std::fs::read_dir(&deps)
        .expect("target/<profile>/deps exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .and_then(|n| n.to_str())
                .is_some_and(|n| n.starts_with("libgemini_live") && n.ends_with(".rlib"))
        })
        .max_by_key(|p| std::fs::metadata(p).and_then(|m| m.modified()).ok());
    newest.expect("the gemini_live rlib was built with this test")
}

/// Compiles a README Rust block as the body of `main` (its `?` need a `Result`).
fn compile_rust(name: &str, block: &str) -> PathBuf {
    let source = format!(
        "#![allow(unused)]\nfn main() -> Result<(), Box<dyn std::error::Error>> {{\n{block}\nOk(())\n}}\n"
    );
    let src = scratch(&format!("{name}.rs"));
    std::fs::write(&src, &source).expect("the snippet is written");
    let bin = scratch(name);
    let out = Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
        .args(["--edition", "2021", "--crate-type", "bin"])
        .arg("--extern")
        .arg(format!("gemini_live={}", rlib().display()))
        .arg("-L")
        .arg(format!(
            "dependency={}",
            profile_dir().join("deps").display()
        ))
        .arg("-o")
        .arg(&bin)
        .arg(&src)
        .output()
        .expect("rustc runs");
    assert!(
        out.status.success(),
        "{name} does not compile as written:\n{source}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    bin
}

#[test]
fn the_readme_rust_snippets_compile_and_the_quickstart_runs_on_the_default() {
    let blocks = fenced(&read("README.md"), "rust");
    assert!(blocks.len() >= 2, "README has its Rust blocks: {blocks:?}");
    for (i, block) in blocks.iter().enumerate() {
        let bin = compile_rust(&format!("readme_rust_{i}"), block);
        if block.contains("Session::connect(Config::from_env()?)") {
            runs_and_answers("README Rust quick start", false, |_| Command::new(&bin));
        }
    }
}

#[test]
fn the_c_headers_getting_started_runs_as_written_on_the_default() {
    let program = header_program(&read("include/gemini_live.h"), "Getting started");
    assert!(program.contains("int main(void)"), "{program}");
    let bin = compile_c("header_getting_started", &program, false);
    runs_and_answers("gemini_live.h getting started", false, |_| {
        Command::new(&bin)
    });
}

#[test]
fn the_cpp_headers_program_and_the_readmes_cpp_snippet_run_on_the_default() {
    let program = header_program(&read("include/gemini_live.hpp"), "Build:");
    assert!(program.contains("int main()"), "{program}");
    let bin = compile_c("hpp_getting_started", &program, true);
    runs_and_answers("gemini_live.hpp program", false, |_| Command::new(&bin));

    let blocks = fenced(&read("README.md"), "cpp");
    assert_eq!(blocks.len(), 1, "{blocks:?}");
    // A fragment: its includes go first, the rest becomes main's body.
    let (includes, body): (Vec<&str>, Vec<&str>) =
        blocks[0].lines().partition(|l| l.starts_with("#include"));
    let program = format!(
        "{}\nint main() {{\n{}\nreturn 0;\n}}\n",
        includes.join("\n"),
        body.join("\n")
    );
    let bin = compile_c("readme_cpp", &program, true);
    runs_and_answers("README C++ snippet", false, |_| Command::new(&bin));
}

#[test]
fn the_python_snippets_run_as_written_on_the_default() {
    let mut snippets: Vec<(String, String)> = Vec::new();
    for (i, b) in fenced(&read("README.md"), "python").into_iter().enumerate() {
        snippets.push((format!("README.md python block {i}"), b));
    }
    let readme = read("bindings/python/README.md");
    for (i, b) in fenced(&readme, "python").into_iter().enumerate() {
        snippets.push((format!("bindings/python/README.md block {i}"), b));
    }
    snippets.push((
        "gemini_live/__init__.py quick start".into(),
        docstring_block(
            &read("bindings/python/gemini_live/__init__.py"),
            "Quick start::",
        ),
    ));
    snippets.push((
        "gemini_live/aio.py docstring".into(),
        docstring_block(
            &read("bindings/python/gemini_live/aio.py"),
            "asyncio adapter over the blocking core::",
        ),
    ));
    assert!(snippets.len() >= 5, "{snippets:?}");
    for (what, code) in snippets {
        let file = scratch(&format!(
            "{}.py",
            what.replace(|c: char| !c.is_ascii_alphanumeric(), "_")
        ));
        std::fs::write(&file, &code).expect("the snippet is written");
        let own_fake = code.contains("FakeServer()");
        runs_and_answers(&what, own_fake, |_| {
            let mut cmd = Command::new("python3");
            cmd.current_dir(root()).arg(&file);
            cmd
        });
    }
}
