//! The Rust quickstart writes its reply WAV into a new temporary directory, or the one given
//! with `--out DIR`: never into the source tree or the current directory. (The C example is
//! checked in tests/c_api.rs, the Python ones in tests/python_binding.rs.)

mod common;

use common::cli::{offline, quickstart, success};
use std::path::PathBuf;
use std::process::Command;

/// An empty directory under cargo's per-test temp dir.
fn empty_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

/// Runs the quickstart offline in `cwd` with `TMPDIR=tmp` and `args`; returns the path of
/// the reply it printed.
fn reply_path(cwd: &PathBuf, tmp: &PathBuf, args: &[&std::ffi::OsStr]) -> PathBuf {
    let path = quickstart();
    assert!(path.exists(), "{} was not built", path.display());
    let mut cmd = Command::new(&path);
    offline(&mut cmd)
        .current_dir(cwd)
        .env("TMPDIR", tmp)
        .args(args);
    let output = cmd.output().expect("the quickstart runs");
    let (stdout, _) = success(&output, &args);
    let line = stdout
        .lines()
        .find_map(|l| l.strip_prefix("reply audio written to "))
        .unwrap_or_else(|| panic!("no reply path in:\n{stdout}"));
    PathBuf::from(line)
}

#[test]
fn the_quickstart_writes_its_reply_into_a_temporary_directory_or_out() {
    let cwd = empty_dir("quickstart_cwd");
    let tmp = empty_dir("quickstart_tmp");
    let reply = reply_path(&cwd, &tmp, &[]);
    assert!(
        reply.starts_with(&tmp),
        "{} is not under TMPDIR",
        reply.display()
    );
    assert!(reply.is_file(), "{}", reply.display());
    let wav = hound::WavReader::open(&reply).expect("a WAV");
    assert_eq!(wav.spec().sample_rate, 24_000);
    assert!(wav.len() > 0);

    let out = empty_dir("quickstart_out");
    let reply = reply_path(&cwd, &tmp, &["--out".as_ref(), out.as_os_str()]);
    assert_eq!(reply, out.join("quickstart_reply.wav"));
    assert!(reply.is_file());

    let left: Vec<_> = std::fs::read_dir(&cwd).expect("cwd").collect();
    assert!(
        left.is_empty(),
        "the quickstart wrote into its current directory: {left:?}"
    );
    let in_tree = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/quickstart_reply.wav");
    let _ = std::fs::remove_file(&in_tree); // left by older versions
    let _ = reply_path(&cwd, &tmp, &[]);
    assert!(
        !in_tree.exists(),
        "the quickstart wrote into the source tree"
    );
}
