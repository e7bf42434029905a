//! The stress program (`tests/c/stress.c`), as C99 and as C++: cycles, threads, events used
//! after free and panics; and the same under valgrind, losing no memory.

use super::build::{check_compilers, compile, LIMIT};
use crate::c::support::{
    assert_memcheck_clean, cdylib, command_for, expect_success, run, valgrind_wanted, MEMCHECK,
};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

/// `tests/c/stress.c`, built once as C99 and as C++ (with pthreads).
fn stress_programs() -> &'static (PathBuf, PathBuf) {
    static BUILT: OnceLock<Result<(PathBuf, PathBuf), String>> = OnceLock::new();
    let built = BUILT.get_or_init(|| {
        check_compilers();
        let lib = cdylib();
        let lib_dir = lib.parent().expect("the library is in a directory");
        let out_dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("c_api_stress");
        std::fs::create_dir_all(&out_dir).map_err(|e| e.to_string())?;
        Ok((
            compile("tests/c/stress.c", false, &out_dir, lib_dir)?,
            compile("tests/c/stress.c", true, &out_dir, lib_dir)?,
        ))
    });
    match built {
        Ok(bins) => bins,
        Err(e) => panic!("compiling tests/c/stress.c failed:\n{e}"),
    }
}

#[test]
fn stress_cycles_threads_events_after_free_and_panics_from_c_and_cpp() {
    let (c, cpp) = stress_programs();
    for (bin, cycles) in [(c, 100), (cpp, 20)] {
        let mut cmd = command_for(bin, &[]);
        cmd.arg(cycles.to_string());
        let out = run(cmd, LIMIT);
        let stdout = expect_success("stress", &out);
        assert!(
            stdout.contains(&format!("stress: ALL OK ({cycles} cycles")),
            "{stdout}"
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            stderr.contains("gemini_live_test_panic was called"),
            "{stderr}"
        );
    }
}

/// valgrind's memcheck on the stress program: no invalid access, and no memory definitely
/// or indirectly lost. About 10 s; it runs whenever valgrind is installed (CI installs it),
/// is required with `GEMINI_LIVE_VALGRIND=1` and skipped with `GEMINI_LIVE_VALGRIND=0`.
#[test]
fn stress_under_valgrind_loses_no_memory() {
    if !valgrind_wanted() {
        return;
    }
    let (c, _) = stress_programs();
    let mut cmd = command_for(c, MEMCHECK);
    cmd.arg("100");
    let started = std::time::Instant::now();
    let out = run(cmd, Duration::from_secs(300));
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let stdout = expect_success("stress under valgrind", &out);
    assert!(stdout.contains("stress: ALL OK (100 cycles"), "{stdout}");
    let summary: Vec<&str> = stderr
        .lines()
        .filter(|l| {
            l.contains("ERROR SUMMARY")
                || l.contains("definitely lost")
                || l.contains("indirectly lost")
                || l.contains("All heap blocks were freed")
        })
        .collect();
    eprintln!(
        "valgrind, 100 cycles in {:.1?}:\n{}",
        started.elapsed(),
        summary.join("\n")
    );
    assert_memcheck_clean(&stderr);
}
