//! Building the C programs: each example and test program compiled once per run, as C99 and
//! as C++, warnings as errors; the commands that run them offline; the fake they talk to.

use crate::c::support::{cdylib, root, sources};
use gemini_live::fake::{FakeOptions, FakeServer};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

pub const LIMIT: Duration = Duration::from_secs(60);

/// The programs, each built once as C99 (`name`) and as C++ (`name_cpp`); a folder is one
/// program made of its `.c` files (`support::sources`).
const PROGRAMS: [&str; 8] = [
    "examples/c/quickstart.c",
    "examples/c/audio_pipeline.c",
    "examples/c/client_vad.c",
    "tests/c/misuse",
    "tests/c/features.c",
    "tests/c/models.c",
    "tests/c/vertex.c",
    "tests/c/fields",
];

pub fn check_compilers() {
    for cc in ["cc", "c++"] {
        let ok = Command::new(cc)
            .arg("--version")
            .output()
            .is_ok_and(|o| o.status.success());
        assert!(
            ok,
            "`{cc}` was not found: the C API tests need a C and a C++ compiler \
             (e.g. `apt-get install build-essential`)"
        );
    }
}

/// Compiles the program at `src` (a file, or a folder of them) with warnings as errors;
/// returns the binary, named after the file's stem or the folder.
pub fn compile(src: &str, cpp: bool, out_dir: &Path, lib_dir: &Path) -> Result<PathBuf, String> {
    let stem = Path::new(src)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("prog");
    let bin = out_dir.join(if cpp {
        format!("{stem}_cpp")
    } else {
        stem.to_string()
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
        .args(sources(src))
        .arg("-Iinclude")
        .arg(format!("-L{}", lib_dir.display()))
        .arg(format!("-Wl,-rpath,{}", lib_dir.display()))
        .args(["-lgemini_live", "-lpthread", "-ldl", "-lm", "-o"])
        .arg(&bin);
    let out = cmd.output().map_err(|e| format!("{cmd:?}: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "{} as {} failed:\n{}",
            src,
            if cpp { "C++" } else { "C99" },
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(bin)
}

/// All programs, compiled once per test run.
pub fn programs() -> &'static HashMap<String, PathBuf> {
    static BUILT: OnceLock<Result<HashMap<String, PathBuf>, String>> = OnceLock::new();
    let built = BUILT.get_or_init(|| {
        check_compilers();
        let lib = cdylib();
        let lib_dir = lib.parent().expect("the library is in a directory");
        let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("c_api");
        std::fs::create_dir_all(&out_dir).map_err(|e| e.to_string())?;
        let mut map = HashMap::new();
        let mut errors = Vec::new();
        for src in PROGRAMS {
            for cpp in [false, true] {
                match compile(src, cpp, &out_dir, lib_dir) {
                    Ok(bin) => {
                        let name = bin.file_name().unwrap_or_default().to_string_lossy();
                        map.insert(name.into_owned(), bin);
                    }
                    Err(e) => errors.push(e),
                }
            }
        }
        if errors.is_empty() {
            Ok(map)
        } else {
            Err(errors.join("\n"))
        }
    });
    match built {
        Ok(map) => map,
        Err(e) => panic!("compiling the C programs failed:\n{e}"),
    }
}

/// A command for program `name`, with the library on the loader path and no credentials.
pub fn program(name: &str) -> Command {
    let bin = &programs()[name];
    let lib = cdylib();
    let mut cmd = Command::new(bin);
    cmd.env("LD_LIBRARY_PATH", lib.parent().unwrap_or(Path::new(".")))
        .env("RUST_BACKTRACE", "0")
        .env_remove("GEMINI_API_KEY")
        .env_remove("GEMINI_LIVE_ENDPOINT")
        .env_remove("GEMINI_LIVE_MODEL")
        .env_remove("GEMINI_LIVE_API_VERSION")
        .env_remove("GEMINI_LIVE_CA_FILE");
    cmd
}

pub fn fake() -> FakeServer {
    FakeServer::start(FakeOptions::default()).expect("the fake server starts")
}

#[test]
fn every_program_compiles_as_c99_and_as_cpp_without_warnings() {
    let built = programs();
    assert_eq!(built.len(), PROGRAMS.len() * 2, "{built:?}");
}
