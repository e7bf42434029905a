//! The C ABI from C and C++: the header is current, the C examples and test programs
//! (`examples/c/*.c`, `tests/c/*.c`) compile warning-free as C99 and as C++, and run
//! correctly against the fake server.
//!
//! Needs a C and a C++ compiler (`cc`, `c++`; CI installs them).

mod c {
    pub mod support;
}
use c::support;

use gemini_live::fake::{fnv1a64, FakeOptions, FakeServer};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;
use support::{
    assert_memcheck_clean, cdylib, command_for, expect_success, header_functions, root, run,
    valgrind_wanted, MEMCHECK,
};

const LIMIT: Duration = Duration::from_secs(60);

/// The programs, each built once as C99 (`name`) and as C++ (`name_cpp`).
const PROGRAMS: [&str; 8] = [
    "examples/c/quickstart.c",
    "examples/c/audio_pipeline.c",
    "examples/c/client_vad.c",
    "tests/c/misuse.c",
    "tests/c/features.c",
    "tests/c/models.c",
    "tests/c/vertex.c",
    "tests/c/fields.c",
];

fn check_compilers() {
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

/// Compiles `src` with warnings as errors; returns the binary.
fn compile(src: &str, cpp: bool, out_dir: &Path, lib_dir: &Path) -> Result<PathBuf, String> {
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
        .args([
            "-Wall",
            "-Wextra",
            "-Werror",
            "-pedantic",
            "-g",
            src,
            "-Iinclude",
        ])
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
fn programs() -> &'static HashMap<String, PathBuf> {
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
fn program(name: &str) -> Command {
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

fn fake() -> FakeServer {
    FakeServer::start(FakeOptions::default()).expect("the fake server starts")
}

#[test]
fn every_program_compiles_as_c99_and_as_cpp_without_warnings() {
    let built = programs();
    assert_eq!(built.len(), PROGRAMS.len() * 2, "{built:?}");
}

/// The value after `prefix` on the first line of `text` that contains it.
fn after<'a>(text: &'a str, prefix: &str) -> &'a str {
    text.lines()
        .find_map(|l| l.split_once(prefix).map(|(_, rest)| rest.trim()))
        .unwrap_or_else(|| panic!("no `{prefix}` in:\n{text}"))
}

fn check_quickstart_output(stdout: &str) {
    assert!(
        stdout.contains("text turn reply: [turn 1] echo: Hello from C!"),
        "{stdout}"
    );
    // The checksum the program computed of what it sent is the one the server heard.
    let sent = after(stdout, "sent 32000 bytes of audio, checksum ");
    assert_eq!(sent.len(), 16, "{stdout}");
    let heard = format!("[turn 2] heard 32000 bytes of audio, checksum {sent}");
    assert!(stdout.contains(&heard), "{stdout}");
    let audio = after(stdout, "audio turn audio: ");
    let samples: usize = audio
        .split_whitespace()
        .next()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    assert!(samples > 0 && audio.ends_with("at 24000 Hz"), "{stdout}");
}

#[test]
fn quickstart_does_a_text_turn_and_an_audio_turn_against_a_given_endpoint() {
    let server = fake();
    let mut cmd = program("quickstart");
    cmd.env("GEMINI_LIVE_ENDPOINT", server.endpoint());
    let out = run(cmd, LIMIT);
    let stdout = expect_success("quickstart", &out);
    check_quickstart_output(&stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("embedded fake"), "{stderr}");
}

#[test]
fn quickstart_built_as_cpp_starts_the_embedded_fake_without_key_or_endpoint() {
    let out = run(program("quickstart_cpp"), LIMIT);
    let stdout = expect_success("quickstart (C++)", &out);
    check_quickstart_output(&stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("using the embedded fake server at ws://127.0.0.1:"),
        "{stderr}"
    );
}

#[test]
fn audio_pipeline_resamples_plays_interrupts_and_records() {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("audio_pipeline");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let input = dir.join("in.wav");
    let output = dir.join("out.wav");
    let record = dir.join("session.jsonl");
    let _ = std::fs::remove_file(&output);
    let _ = std::fs::remove_file(&record);
    // 0.4 s of stereo at 8 kHz: the program resamples it to 16 kHz mono.
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 8000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(&input, spec).expect("create wav");
    let mut interleaved = Vec::new();
    for i in 0..3200i32 {
        let (l, r) = ((i * 7 % 2000 - 1000) as i16, (i * 13 % 3000 - 1500) as i16);
        w.write_sample(l)
            .and_then(|_| w.write_sample(r))
            .expect("write");
        interleaved.extend([l, r]);
    }
    w.finalize().expect("finalize");
    let mut resampler = gemini_live::audio::Resampler::to_16k_mono(8000, 2).expect("resampler");
    let mut upload = Vec::new();
    resampler.process(&interleaved, &mut upload);
    resampler.flush(&mut upload);
    let upload: Vec<u8> = upload.iter().flat_map(|s| s.to_le_bytes()).collect();

    let server = fake();
    let mut cmd = program("audio_pipeline");
    cmd.current_dir(&dir)
        .env("GEMINI_LIVE_ENDPOINT", server.endpoint())
        .arg(&input)
        .arg(&output)
        .arg(&record);
    let stdout = expect_success("audio_pipeline", &run(cmd, LIMIT));

    let heard = format!(
        "[turn 1] heard {} bytes of audio, checksum {:016x}",
        upload.len(),
        fnv1a64(&upload)
    );
    assert!(stdout.contains(&heard), "expected `{heard}` in:\n{stdout}");
    assert!(stdout.contains("(from 8000 Hz x2)"), "{stdout}");
    let reply = hound::WavReader::open(&output).expect("the reply WAV is readable");
    assert_eq!(reply.spec().channels, 1);
    assert_eq!(reply.spec().sample_rate, 24000);
    let n = reply.len();
    assert!(n > 0, "empty reply");
    assert!(
        stdout.contains(&format!("wrote {n} reply samples at 24000 Hz")),
        "{stdout}"
    );
    // The forced interruption: heard about 200 ms of the fake's 400 ms reply.
    let line = stdout
        .lines()
        .find(|l| l.starts_with("barge-in: heard "))
        .unwrap_or_else(|| panic!("no barge-in line in:\n{stdout}"));
    let ms: u64 = line["barge-in: heard ".len()..]
        .split(' ')
        .next()
        .and_then(|v| v.parse().ok())
        .expect("heard ms");
    // (All 400 ms only if this machine starved the program for 200 ms.)
    assert!((200..=400).contains(&ms), "{line}");
    assert!(line.contains("of 400 ms"), "{line}");
    assert!(stdout.contains(" underruns ("), "{stdout}");
    // The recording holds the session, both ways.
    let rec = std::fs::read_to_string(&record).expect("session.jsonl");
    assert!(rec.contains(r#""dir":"send""#) && rec.contains(r#""dir":"recv""#));
    assert!(rec.contains("Tell me a long story."));
}

/// An empty directory under cargo's per-test temp dir.
fn empty_dir(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

#[test]
fn audio_pipeline_generates_a_tone_and_never_writes_into_the_current_directory() {
    let cwd = empty_dir("audio_pipeline_cwd");
    // `--out DIR` (the C++ build): every file goes there.
    let out_dir = empty_dir("audio_pipeline_out");
    let mut cmd = program("audio_pipeline_cpp");
    cmd.current_dir(&cwd).arg("--out").arg(&out_dir);
    let stdout = expect_success("audio_pipeline (C++) --out", &run(cmd, LIMIT));
    assert!(stdout.contains("heard 48000 bytes of audio"), "{stdout}");
    let tone = hound::WavReader::open(out_dir.join("tone.wav")).expect("tone.wav");
    assert_eq!((tone.spec().sample_rate, tone.len()), (16000, 24000));
    assert!(out_dir.join("reply.wav").exists());
    let record = out_dir.join("session.jsonl");
    assert!(
        stdout.contains(&format!("recorded the session to {}", record.display())),
        "{stdout}"
    );
    // No arguments (the C build): a new directory under TMPDIR, named on stdout.
    let tmp = empty_dir("audio_pipeline_tmpdir");
    let mut cmd = program("audio_pipeline");
    cmd.current_dir(&cwd).env("TMPDIR", &tmp);
    let stdout = expect_success("audio_pipeline (no arguments)", &run(cmd, LIMIT));
    let made: Vec<PathBuf> = std::fs::read_dir(&tmp)
        .expect("TMPDIR")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    assert_eq!(made.len(), 1, "{made:?}");
    assert!(made[0]
        .display()
        .to_string()
        .contains("gemini_live_audio_pipeline_"));
    for file in ["tone.wav", "reply.wav", "session.jsonl"] {
        assert!(
            made[0].join(file).is_file(),
            "{file} not in {}",
            made[0].display()
        );
    }
    assert!(stdout.contains(&format!(
        "recorded the session to {}",
        made[0].join("session.jsonl").display()
    )));
    let left: Vec<_> = std::fs::read_dir(&cwd).expect("cwd").collect();
    assert!(
        left.is_empty(),
        "the example wrote into its current directory: {left:?}"
    );
}

#[test]
fn misuse_returns_the_documented_codes_and_never_crashes() {
    let out = run(program("misuse"), LIMIT);
    let stdout = expect_success("misuse", &out);
    assert!(stdout.contains("misuse: ALL OK"), "{stdout}");
    // The panic hook's panic was caught at the boundary (the process went on to the end).
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("gemini_live_test_panic was called"),
        "{stderr}"
    );
    let out = run(program("misuse_cpp"), LIMIT);
    assert!(expect_success("misuse (C++)", &out).contains("misuse: ALL OK"));
}

#[test]
fn features_work_from_c_tools_logs_metrics_and_errors() {
    let out = run(program("features"), LIMIT);
    let stdout = expect_success("features", &out);
    assert!(stdout.contains("features: ALL OK"), "{stdout}");
    assert!(
        stdout.contains("tool reply: [turn 1] tool get_weather returned"),
        "{stdout}"
    );
    assert!(
        stdout.contains("text reply: [turn 2] echo: hello features"),
        "{stdout}"
    );
}

#[test]
fn todays_models_from_c_check_lifecycle_scheduling_and_setup_fields() {
    let out = run(program("models"), LIMIT);
    let stdout = expect_success("models", &out);
    assert!(stdout.contains("models: ALL OK"), "{stdout}");
    assert!(stdout.contains("[turn 1] echo: hello c"), "{stdout}");
    assert!(stdout.contains("refused: "), "{stdout}");
    let out = run(program("models_cpp"), LIMIT);
    assert!(expect_success("models (C++)", &out).contains("models: ALL OK"));
}

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
    let misuse = std::fs::read_to_string(root().join("tests/c/misuse.c")).expect("misuse.c");
    let functions = header_functions();
    assert!(functions.len() > 90, "{functions:?}");
    let missing: Vec<_> = functions
        .iter()
        .filter(|f| !misuse.contains(&format!("{f}(")))
        .collect();
    assert!(
        missing.is_empty(),
        "tests/c/misuse.c does not try these with NULL arguments: {missing:?}"
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

/// A command running `program` (optionally under `wrapper`), with the library on the loader
/// path and no credentials.

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

/// The Python binding from several threads at once: four threads send turns while three take
/// events, the main thread closes while they wait, and every turn is answered exactly once.
#[test]
fn python_binding_sends_and_reads_from_several_threads() {
    const SCRIPT: &str = r#"
import sys, threading, time
import gemini_live as gl

SENDERS, TURNS, READERS = 4, 10, 3
fake = gl.FakeServer()
s = gl.Session.connect(endpoint=fake.endpoint, response_modality="text", model="fake-text-live")
lock = threading.Lock()
seen = {"turns": 0, "text": 0, "closed": 0, "ended": 0}
errors = []

def sender(k):
    try:
        for t in range(TURNS):
            s.send_text(f"t{k}-{t}")
    except Exception as e:
        errors.append(repr(e))

def reader():
    try:
        while True:
            try:
                ev = s.next_event(0.1)
            except gl.ClosedError:
                with lock:
                    seen["ended"] += 1
                return
            if ev is None:
                continue
            with lock:
                if isinstance(ev, gl.TextEvent):
                    seen["text"] += len(ev.text.encode("utf-8"))
                elif isinstance(ev, gl.TurnCompleteEvent):
                    seen["turns"] += 1
                elif isinstance(ev, gl.ClosedEvent):
                    seen["closed"] += 1
                elif isinstance(ev, (gl.ErrorEvent, gl.ReconnectingEvent)):
                    errors.append(repr(ev))
    except Exception as e:
        errors.append(repr(e))

readers = [threading.Thread(target=reader) for _ in range(READERS)]
senders = [threading.Thread(target=sender, args=(k,)) for k in range(SENDERS)]
for t in readers + senders:
    t.start()
for t in senders:
    t.join(30)
deadline = time.time() + 30
while time.time() < deadline:
    with lock:
        if seen["turns"] >= SENDERS * TURNS:
            break
    time.sleep(0.01)
s.close()  # while the readers wait in next_event
for t in readers:
    t.join(30)
assert not any(t.is_alive() for t in readers + senders), "a thread hung"
n = SENDERS * TURNS
expected = sum(len(f"[turn {i}] ") for i in range(1, n + 1)) + n * len("echo: t0-0")
assert errors == [], errors
assert seen == {"turns": n, "text": expected, "closed": 1, "ended": READERS}, (seen, expected)
fake.close()
print("python threads: OK")
"#;
    let ok = Command::new("python3")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    assert!(ok, "`python3` was not found");
    let mut cmd = Command::new("python3");
    cmd.current_dir(root())
        .arg("-c")
        .arg(SCRIPT)
        .env("GEMINI_LIVE_LIBRARY", cdylib())
        .env("PYTHONPATH", root().join("bindings/python"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("RUST_BACKTRACE", "0")
        .env_remove("GEMINI_API_KEY")
        .env_remove("GEMINI_LIVE_ENDPOINT");
    let stdout = expect_success("python threads", &run(cmd, LIMIT));
    assert!(stdout.contains("python threads: OK"), "{stdout}");
}

/// Vertex AI from C (`tests/c/vertex.c`), as C99 and as C++: the fake expects exactly the
/// callback's tokens, one per connect, in order, so a cached or reused token fails the run.
#[test]
fn vertex_from_c_asks_the_token_callback_on_every_connect() {
    use gemini_live::fake::{VertexFakeAuth, VertexTokens};
    for name in ["vertex", "vertex_cpp"] {
        let mut auth = VertexFakeAuth::new("c-proj", "us-central1");
        auth.tokens =
            VertexTokens::Sequence(vec!["ya29.c-token-1".into(), "ya29.c-token-2".into()]);
        auth.user_project = Some("billing".into());
        let server = FakeServer::start(FakeOptions {
            vertex: Some(auth),
            faults: gemini_live::fake::parse_fault_plan("1@2:drop").expect("plan"),
            ..FakeOptions::default()
        })
        .expect("the fake server starts");
        let mut cmd = program(name);
        cmd.env("GEMINI_LIVE_ENDPOINT", server.endpoint());
        let stdout = expect_success(name, &run(cmd, LIMIT));
        assert!(stdout.contains("vertex: ALL OK"), "{stdout}");
        assert!(stdout.contains("vertex: tokens handed out: 2"), "{stdout}");
        let conns = server.connections();
        assert_eq!(conns.len(), 2, "{conns:#?}");
        for (i, c) in conns.iter().enumerate() {
            assert_eq!(
                c.path,
                "/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent"
            );
            let auth = c.headers.iter().find(|(k, _)| k == "authorization");
            let want = format!("Bearer ya29.c-token-{}", i + 1);
            assert_eq!(auth.map(|(_, v)| v.as_str()), Some(want.as_str()));
        }
    }
}

/// The server frames `tests/c/fields.c` reads from a replay server: fields the fake never
/// sends (a session id, voice activity, VAD signals, a language code, a turn-complete reason,
/// detailed usage).
const SCRIPT: [&str; 9] = [
    r#"{"setupComplete":{"sessionId":"sess-42"}}"#,
    r#"{"voiceActivity":{"type":"ACTIVITY_START","audioOffset":"1.5s"}}"#,
    r#"{"voiceActivity":{"type":"ACTIVITY_END"}}"#,
    r#"{"voiceActivityDetectionSignal":{"vadSignalType":"VAD_SIGNAL_TYPE_SOS"}}"#,
    r#"{"voiceActivityDetectionSignal":{"vadSignalType":"VAD_SIGNAL_TYPE_EOS"}}"#,
    r#"{"voiceActivityDetectionSignal":{"vadSignalType":"VAD_SIGNAL_TYPE_FUTURE"}}"#,
    r#"{"serverContent":{"inputTranscription":{"text":"hallo","languageCode":"de-DE"}}}"#,
    r#"{"serverContent":{"modelTurn":{"parts":[{"text":"hi"}]}}}"#,
    r#"{"serverContent":{"turnComplete":true,"turnCompleteReason":"NEED_MORE_INPUT"},"usageMetadata":{"promptTokenCount":3,"cachedContentTokenCount":1,"thoughtsTokenCount":2,"totalTokenCount":9,"promptTokensDetails":[{"modality":"TEXT","tokenCount":3}],"cacheTokensDetails":[{"modality":"AUDIO","tokenCount":1}]}}"#,
];

/// The 1-based position of the first `turnComplete` among the server messages of a
/// fault-free text turn.
fn turn_complete_position() -> usize {
    use gemini_live::{Config, Event, ResponseMode, Session};
    let server = fake();
    let c = Config::default()
        .with_endpoint(server.endpoint())
        .with_response_mode(ResponseMode::Text)
        .with_model(gemini_live::fake::TEXT_MODEL);
    let s = Session::connect(c).expect("connects");
    s.send_text("one").expect("sends");
    while let Ok(Some(ev)) = s.next_event(Duration::from_secs(10)) {
        if matches!(ev, Event::TurnComplete { .. }) {
            break;
        }
    }
    s.close().expect("closes");
    let sent = server.connections()[0].sent.clone();
    sent.iter()
        .position(|m| m.contains("turnComplete"))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("no turnComplete in {sent:#?}"))
}

/// Every typed event field accessor from C (`tests/c/fields.c`), as C99 and as C++: on real
/// events of the fake (faults provoke GoAway, reconnection, resumed and new sessions, a void
/// reply, lost context, dropped input) and of a replayed script, each agrees with the event's
/// JSON and refuses the other kinds.
#[test]
fn typed_event_fields_from_c_agree_with_the_json() {
    use gemini_live::fake::replay::{RecordedFrame, Recording, ReplayOptions, ReplayServer};
    use gemini_live::fake::{Fault, FaultPlan};
    let at = turn_complete_position();
    for name in ["fields", "fields_cpp"] {
        let lost = FakeServer::start(FakeOptions {
            faults: FaultPlan::new().after_server(1, at, Fault::Drop),
            ..FakeOptions::default()
        })
        .expect("the fake server starts");
        let restored = FakeServer::start(FakeOptions {
            faults: FaultPlan::new().after_server(1, at, Fault::Drop),
            ..FakeOptions::default()
        })
        .expect("the fake server starts");
        // The setup fields.c's scripted session sends (text, no reconnection, no
        // resumption): the replay compares each client frame with the recording.
        let mut setup =
            gemini_live::Config::default().with_response_mode(gemini_live::ResponseMode::Text);
        setup.model = gemini_live::fake::TEXT_MODEL.to_string();
        setup.reconnect.enabled = false;
        setup.session_resumption = false;
        let setup =
            gemini_live::protocol::ClientMessage::Setup(Box::new(setup.setup_message(None)));
        let mut frames = vec![RecordedFrame {
            t: 0.0,
            from_client: true,
            text: gemini_live::protocol::encode_client(&setup),
        }];
        frames.extend(SCRIPT.iter().map(|f| RecordedFrame {
            t: 0.0,
            from_client: false,
            text: (*f).into(),
        }));
        let script = ReplayServer::start(
            Recording {
                connections: vec![frames],
            },
            ReplayOptions {
                fast: true,
                ..ReplayOptions::default()
            },
        )
        .expect("the replay server starts");
        let mut cmd = program(name);
        cmd.env("GEMINI_LIVE_FIELDS_CONTEXT_LOST", lost.endpoint())
            .env("GEMINI_LIVE_FIELDS_CONTEXT_RESTORED", restored.endpoint())
            .env("GEMINI_LIVE_FIELDS_SCRIPTED", script.endpoint());
        let stdout = expect_success(name, &run(cmd, LIMIT));
        assert!(stdout.contains("fields: ALL OK"), "{stdout}");
        assert!(
            stdout.contains("fields: 3 VAD signals, 2 voice activities"),
            "{stdout}"
        );
        assert_eq!(script.mismatches(), 0, "{:?}", script.first_mismatch());
        script.shutdown();
    }
}
