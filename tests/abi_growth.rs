//! The out-structs' "ABI growth" promise from C (`tests/c/growth.c`): every struct the library
//! fills that starts with `uint32_t size` is filled up to `size` bytes and not one byte past
//! (an old program's shorter struct, behind a guard pattern), `size` comes back as the bytes
//! filled, a `size` below 4 is `GEMINI_LIVE_INVALID_ARGUMENT` with a message in C terms and
//! nothing written, and calls that act refuse before acting. Built as C99 and as C++ with
//! warnings as errors; run under valgrind's memcheck too when it is installed.
//!
//! Needs `cc` and `c++` (Debian package `build-essential`).

mod c {
    pub mod support;
}
use c::support;

use std::path::PathBuf;
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;
use support::{
    assert_memcheck_clean, cdylib, command_for, expect_success, root, run, valgrind_wanted,
    MEMCHECK,
};

const LIMIT: Duration = Duration::from_secs(60);

/// `tests/c/growth.c` built as C99 (`cpp` false) or as C++11, once per run each.
fn program(cpp: bool) -> PathBuf {
    static BUILT: [OnceLock<PathBuf>; 2] = [OnceLock::new(), OnceLock::new()];
    BUILT[usize::from(cpp)]
        .get_or_init(|| {
            let lib = cdylib();
            let lib_dir = lib.parent().expect("the library is in a directory");
            let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("abi_growth");
            std::fs::create_dir_all(&dir).expect("temp dir");
            let (compiler, lang, name) = if cpp {
                ("c++", ["-x", "c++", "-std=c++11"], "growth_cpp")
            } else {
                ("cc", ["-x", "c", "-std=c99"], "growth")
            };
            let bin = dir.join(name);
            let mut cmd = Command::new(compiler);
            cmd.current_dir(root())
                .args(lang)
                .args(["-Wall", "-Wextra", "-Werror", "-pedantic", "-g"])
                .args(["tests/c/growth.c", "-Iinclude"])
                .arg(format!("-L{}", lib_dir.display()))
                .arg(format!("-Wl,-rpath,{}", lib_dir.display()))
                .args(["-lgemini_live", "-lpthread", "-ldl", "-lm", "-o"])
                .arg(&bin);
            let out = cmd.output().unwrap_or_else(|e| {
                panic!(
                    "{cmd:?}: {e} (the test needs `{compiler}`: apt-get install build-essential)"
                )
            });
            assert!(
                out.status.success(),
                "compiling growth.c as {}:\n{}",
                if cpp { "C++" } else { "C99" },
                String::from_utf8_lossy(&out.stderr)
            );
            bin
        })
        .clone()
}

#[test]
fn out_structs_fill_at_most_size_bytes_from_c_and_cpp() {
    for cpp in [false, true] {
        let out = run(command_for(&program(cpp), &[]), LIMIT);
        let stdout = expect_success("growth", &out);
        assert!(stdout.contains("growth: ALL OK"), "{stdout}");
    }
}

/// The same under memcheck: the guard bytes are never written, nothing uninitialised is read.
#[test]
fn out_structs_under_valgrind_have_no_errors() {
    if !valgrind_wanted() {
        return;
    }
    let out = run(
        command_for(&program(false), MEMCHECK),
        Duration::from_secs(300),
    );
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let stdout = expect_success("growth under valgrind", &out);
    assert!(stdout.contains("growth: ALL OK"), "{stdout}");
    assert_memcheck_clean(&stderr);
}

/// The growable structs as the header declares them: (name, field types in order).
fn growable_structs() -> Vec<(String, Vec<String>)> {
    let header = std::fs::read_to_string(root().join("include/gemini_live.h")).expect("header");
    let mut out = Vec::new();
    let mut lines = header.lines();
    while let Some(line) = lines.next() {
        let Some(name) = line
            .strip_prefix("typedef struct ")
            .and_then(|r| r.strip_suffix(" {"))
        else {
            continue;
        };
        let mut types = Vec::new();
        for l in lines.by_ref() {
            let l = l.trim();
            if l.starts_with('}') {
                break;
            }
            if l.ends_with(';') && !l.starts_with('*') && !l.starts_with("/*") {
                types.push(l.split_whitespace().next().unwrap_or("").to_string());
            }
        }
        if types.first().map(String::as_str) == Some("uint32_t") {
            out.push((name.to_string(), types));
        }
    }
    out
}

/// No padding anywhere in a growable struct: every byte the library copies out is a field's,
/// so a program that compares or hashes a filled struct never reads undefined bytes.
#[test]
fn growable_structs_have_no_padding() {
    let structs = growable_structs();
    assert!(structs.len() >= 7, "found {structs:?}");
    for (name, types) in &structs {
        let mut at = 0usize;
        let mut align = 1usize;
        for t in types {
            let size = match t.as_str() {
                "uint32_t" | "int32_t" | "float" => 4,
                "uint64_t" | "int64_t" | "double" => 8,
                "uint16_t" | "int16_t" => 2,
                "uint8_t" | "int8_t" | "bool" => 1,
                other => panic!("{name}: a field of type {other} (not a plain number)"),
            };
            assert_eq!(at % size, 0, "{name}: padding before a {t} at byte {at}");
            at += size;
            align = align.max(size);
        }
        assert_eq!(
            at % align,
            0,
            "{name}: {} bytes of tail padding",
            align - at % align
        );
    }
}
