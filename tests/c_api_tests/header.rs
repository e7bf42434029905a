//! The header itself: current with what cbindgen generates, its version macros, its
//! getting-started program (compiled and run), and every function it declares tried with NULL
//! arguments by the misuse program.

use super::build::{check_compilers, compile, fake, LIMIT};
use crate::c::support::{cdylib, expect_success, header_functions, root, run, source_text};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The getting-started program of the header's preamble, as C source.
fn header_example() -> String {
    let header =
        std::fs::read_to_string(root().join("include/gemini_live.h")).expect("header exists");
    let lines: Vec<&str> = header.lines().collect();
    let start = lines
        .iter()
        .position(|l| l.trim_end() == " *     #include <stdio.h>")
        .expect("the preamble has a getting-started program");
    let len = lines[start..]
        .iter()
        .position(|l| l.trim_end() == " *     }")
        .expect("the program ends with `}` at column 0 of the block");
    lines[start..=start + len]
        .iter()
        .map(|l| format!("{}\n", l.get(7..).unwrap_or("")))
        .collect()
}

#[test]
fn the_header_getting_started_program_compiles_and_runs() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("c_api_example");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let src = dir.join("getting_started.c");
    std::fs::write(&src, header_example()).expect("write the example");
    check_compilers();
    let lib = cdylib();
    let lib_dir = lib.parent().expect("library directory");
    let src = src.to_string_lossy().into_owned();
    let bin = compile(&src, false, &dir, lib_dir).unwrap_or_else(|e| panic!("{e}"));
    let server = fake();
    let mut cmd = Command::new(bin);
    // The library it was linked with: cargo's own LD_LIBRARY_PATH entry for target/<profile>
    // would otherwise outrank the rpath with whatever `cargo build` left there last.
    cmd.env("LD_LIBRARY_PATH", lib_dir)
        .env("GEMINI_LIVE_ENDPOINT", server.endpoint())
        .env_remove("GEMINI_API_KEY")
        .env_remove("GEMINI_LIVE_MODEL");
    let stdout = expect_success("the header's example", &run(cmd, LIMIT));
    assert_eq!(stdout, "[turn 1] echo: Hello!");
}

#[test]
fn misuse_program_calls_every_header_function() {
    let misuse = source_text("tests/c/misuse");
    let functions = header_functions();
    assert!(functions.len() > 90, "{functions:?}");
    let missing: Vec<_> = functions
        .iter()
        .filter(|f| !misuse.contains(&format!("{f}(")))
        .collect();
    assert!(
        missing.is_empty(),
        "tests/c/misuse/ does not try these with NULL arguments: {missing:?}"
    );
}

#[test]
fn committed_header_matches_what_cbindgen_generates() {
    let generated = option_env!("OUT_DIR").map(|d| Path::new(d).join("gemini_live.h"));
    let generated = generated
        .filter(|p| p.exists())
        .expect("build.rs did not generate the header: see the cargo:warning of the build");
    let fresh = std::fs::read_to_string(&generated).expect("generated header");
    let committed =
        std::fs::read_to_string(root().join("include/gemini_live.h")).expect("committed header");
    assert!(
        fresh == committed,
        "include/gemini_live.h differs from what cbindgen generates from src/ffi \
         (it was edited by hand, or build.rs could not write it); rebuild and commit it"
    );
}

#[test]
fn header_version_macros_match_the_crate() {
    let header =
        std::fs::read_to_string(root().join("include/gemini_live.h")).expect("header exists");
    for (name, value) in [
        ("MAJOR", env!("CARGO_PKG_VERSION_MAJOR")),
        ("MINOR", env!("CARGO_PKG_VERSION_MINOR")),
        ("PATCH", env!("CARGO_PKG_VERSION_PATCH")),
    ] {
        let line = format!("#define GEMINI_LIVE_VERSION_{name} {value}\n");
        assert!(header.contains(&line), "missing `{}`", line.trim());
    }
    assert!(header.contains(&format!(
        "#define GEMINI_LIVE_VERSION_STRING \"{}\"",
        env!("CARGO_PKG_VERSION")
    )));
}
