//! The CLI's audio and recording paths: `talk` uploads a 44.1 kHz stereo WAV as 16 kHz mono
//! (the fake's byte count and checksum of what it received prove it), `--send-as-is` does
//! not, and `chat --record` then `fake-server --replay` prints the same replies.

mod common;

use common::cli::{gemini_live as exe, run_with_input, success};
use gemini_live::audio::Resampler;
use gemini_live::fake::fnv1a64;
#[cfg(feature = "mic")]
use std::io::Write;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("gemini-live-cli-{}-{name}", std::process::id()))
}

/// One second of a 44.1 kHz stereo WAV: different tones left and right.
fn stereo_wav(path: &Path) -> Vec<i16> {
    let spec = hound::WavSpec {
        channels: 2,
        sample_rate: 44_100,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).unwrap();
    let mut samples = Vec::new();
    for i in 0..44_100 {
        let t = i as f64 / 44_100.0;
        let l = (9000.0 * (2.0 * std::f64::consts::PI * 440.0 * t).sin()) as i16;
        let r = (7000.0 * (2.0 * std::f64::consts::PI * 660.0 * t).sin()) as i16;
        for s in [l, r] {
            w.write_sample(s).unwrap();
            samples.push(s);
        }
    }
    w.finalize().unwrap();
    samples
}

fn talk(args: &[&str]) -> String {
    let out = exe()
        .args([
            "--modality",
            "text",
            "--model",
            "fake-text-live",
            "talk",
            "--fast",
        ])
        .args(args)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

#[test]
fn talk_uploads_a_44k_stereo_wav_as_16k_mono() {
    let input = temp("in44.wav");
    let output = temp("out.wav");
    let samples = stereo_wav(&input);
    // What the upload must be: the library's resampler over the file, 20 ms at a time.
    let mut r = Resampler::to_16k_mono(44_100, 2).unwrap();
    let mut expected = Vec::new();
    for piece in samples.chunks(882 * 2) {
        r.process(piece, &mut expected);
    }
    r.flush(&mut expected);
    assert_eq!(expected.len(), 16_000);
    let bytes: Vec<u8> = expected.iter().flat_map(|s| s.to_le_bytes()).collect();
    let stdout = talk(&[
        "--input",
        input.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
    ]);
    let want = format!(
        "heard 32000 bytes of audio, checksum {:016x}",
        fnv1a64(&bytes)
    );
    assert!(stdout.contains(&want), "{stdout}\nwanted: {want}");

    // As is: the file's own rate, channels mixed down: 88200 bytes.
    let stdout = talk(&[
        "--input",
        input.to_str().unwrap(),
        "--output",
        output.to_str().unwrap(),
        "--send-as-is",
    ]);
    assert!(stdout.contains("heard 88200 bytes of audio"), "{stdout}");
    let _ = std::fs::remove_file(&input);
    let _ = std::fs::remove_file(&output);
}

/// Starts `fake-server --replay FILE --port 0`, returning the child and its endpoint.
fn replay_server(file: &Path, fast: bool) -> (Child, String) {
    let mut cmd = exe();
    cmd.args([
        "fake-server",
        "--port",
        "0",
        "--replay",
        file.to_str().unwrap(),
    ]);
    if fast {
        cmd.arg("--fast");
    }
    with_endpoint(
        cmd.stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    )
}

/// A started `fake-server` and the endpoint it prints on its first stdout line.
fn with_endpoint(mut child: Child) -> (Child, String) {
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    (child, line.trim().to_string())
}

/// `chat` with `input`, which must succeed; its stdout.
fn chat(extra: &[&str], input: &str) -> String {
    success(&chat_output(extra, input), &extra).0
}

#[test]
fn a_recorded_chat_replays_with_the_same_replies() {
    let file = temp("chat.jsonl");
    let lines = "hello\nwhat is the weather\ninterrupt me\n";
    let live = chat(&["--record", file.to_str().unwrap()], lines);
    assert!(live.contains("[turn 1] echo: hello"), "{live}");
    assert!(live.contains("[turn 3]"), "{live}");
    for fast in [true, false] {
        let (mut server, endpoint) = replay_server(&file, fast);
        let again = chat(&["--endpoint", &endpoint], lines);
        let _ = server.kill();
        let _ = server.wait();
        assert_eq!(again, live, "fast={fast}");
    }
    let _ = std::fs::remove_file(&file);
}

/// Runs `talk` with `args` on ALSA's null devices (silence in, discard out): talks (silence)
/// for half a second, then presses Enter; asserts it succeeded and returns stdout and stderr.
#[cfg(feature = "mic")]
fn talk_on_null_devices(args: &[&str]) -> (String, String) {
    let mut child = exe()
        .arg("talk")
        .args(args)
        .env("GEMINI_LIVE_MIC_DEVICE", "null")
        .env("GEMINI_LIVE_SPEAKER_DEVICE", "null")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(500));
    child.stdin.take().unwrap().write_all(b"\n").unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert!(out.status.success(), "{stdout}\n{stderr}");
    (stdout, stderr)
}

/// `talk --mic` where no sound card exists: ALSA's null devices (silence in, discard out).
/// Only with `--features mic` (it needs libasound2-dev to build).
#[cfg(feature = "mic")]
#[test]
fn talk_mic_runs_on_the_null_device_and_answers_at_the_end() {
    let (stdout, stderr) = talk_on_null_devices(&["--mic"]);
    assert!(stderr.contains("mic "), "no level meter: {stderr}");
    assert!(stdout.contains("[turn 1] heard "), "{stdout}\n{stderr}");
    assert!(stderr.contains("underruns"), "{stderr}");
}

/// `talk --mic --echo-cancel` on the null devices: the canceller sits in the microphone's
/// path (it processed the microphone) and is fed by the speaker's callback (it received what
/// was played: the fake's reply), with the delay hint given. Only with `--features mic`.
#[cfg(feature = "mic")]
#[test]
fn talk_mic_with_echo_cancel_feeds_the_canceller_from_the_speaker() {
    let (stdout, stderr) =
        talk_on_null_devices(&["--mic", "--echo-cancel", "--echo-delay-ms", "40"]);
    assert!(
        stderr.contains("echo cancellation on (device delay hint 40 ms)"),
        "{stderr}"
    );
    assert!(stdout.contains("[turn 1] heard "), "{stdout}\n{stderr}");
    // "echo canceller: N ms of microphone, M ms of played reference, ..."
    let line = stderr
        .lines()
        .find_map(|l| l.split("echo canceller: ").nth(1))
        .unwrap_or_else(|| panic!("no echo canceller summary: {stderr}"));
    let numbers: Vec<u64> = line
        .split(" ms of ")
        .filter_map(|part| part.rsplit(' ').next().and_then(|n| n.parse().ok()))
        .collect();
    assert_eq!(numbers.len(), 2, "{line}");
    assert!(
        numbers[0] > 0,
        "no microphone through the canceller: {line}"
    );
    assert!(
        numbers[1] > 0,
        "nothing played reached the canceller: {line}"
    );
}

/// `--echo-cancel` belongs to `--mic`, and its delay hint is 0 to 500 ms: refused with the
/// flags named, before anything connects (no sound card or `mic` feature needed).
#[test]
fn echo_cancel_needs_mic_and_a_delay_within_500_ms() {
    for (args, want) in [
        (
            &[
                "talk",
                "--echo-cancel",
                "--input",
                "a.wav",
                "--output",
                "b.wav",
            ][..],
            "--mic",
        ),
        (
            &["talk", "--mic", "--echo-delay-ms", "40"][..],
            "--echo-cancel",
        ),
        (
            &["talk", "--mic", "--echo-cancel", "--echo-delay-ms", "600"][..],
            "600",
        ),
    ] {
        let out = exe().args(args).stdin(Stdio::null()).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains(want), "{args:?}: {stderr}");
        assert!(!stderr.contains("Error::"), "{stderr}");
    }
}

/// `chat` with `input`, whatever its outcome.
fn chat_output(extra: &[&str], input: &str) -> std::process::Output {
    run_with_input(exe().args(extra).arg("chat"), input)
}

/// `chat` in text mode with the fake's text model against `endpoint`, whatever its outcome.
fn text_chat_output(endpoint: &str, input: &str) -> std::process::Output {
    chat_output(
        &[
            "--modality",
            "text",
            "--model",
            "fake-text-live",
            "--endpoint",
            endpoint,
        ],
        input,
    )
}

/// `fake-server --replay FILE --fast` with `flags`, its stderr captured.
fn replay_with(file: &Path, flags: &[&str]) -> (Child, String) {
    with_endpoint(
        exe()
            .args(["fake-server", "--port", "0", "--fast", "--replay"])
            .arg(file)
            .args(flags)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap(),
    )
}

/// Stops a server started by `replay_with`; returns its stderr.
fn stop(mut server: Child) -> String {
    let _ = server.kill();
    let out = server.wait_with_output().unwrap();
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

#[test]
fn a_replay_notices_different_input_and_strict_fails() {
    let file = temp("differs.jsonl");
    let live = chat(
        &[
            "--modality",
            "text",
            "--model",
            "fake-text-live",
            "--record",
            file.to_str().unwrap(),
        ],
        "hello\n",
    );
    assert!(live.contains("echo: hello"), "{live}");

    // Different input: the recorded answer comes, with a warning naming the difference.
    let (server, endpoint) = replay_with(&file, &[]);
    let out = text_chat_output(&endpoint, "goodbye\n");
    let log = stop(server);
    assert!(out.status.success(), "{}", text(&out.stderr));
    assert!(
        log.contains("expected \"hello\", got \"goodbye\""),
        "no warning naming the difference:\n{log}"
    );
    assert!(
        log.contains("clientContent.turns[0].parts[0].text"),
        "{log}"
    );

    // --strict: the connection is closed with the difference; the client fails.
    let (server, endpoint) = replay_with(&file, &["--strict"]);
    let out = text_chat_output(&endpoint, "goodbye\n");
    stop(server);
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("(1007): replay mismatch at `clientContent"),
        "{stderr}"
    );
    assert!(stderr.contains("expected \"hello\""), "{stderr}");

    // The same input under --strict replays fine.
    let (server, endpoint) = replay_with(&file, &["--strict"]);
    let again = success(&text_chat_output(&endpoint, "hello\n"), &endpoint).0;
    stop(server);
    assert_eq!(again, live);
    let _ = std::fs::remove_file(&file);
}

#[test]
fn another_modality_is_a_clear_mismatch_not_an_empty_reply() {
    let file = temp("modality.jsonl");
    chat(
        &["--modality", "audio", "--record", file.to_str().unwrap()],
        "hello\n",
    );
    let (server, endpoint) = replay_with(&file, &[]);
    let out = text_chat_output(&endpoint, "hello\n");
    stop(server);
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(stderr.contains("responseModalities"), "{stderr}");
    assert!(
        stderr.contains("expected \"AUDIO\", got \"TEXT\""),
        "{stderr}"
    );
    let _ = std::fs::remove_file(&file);
}

#[test]
fn a_second_run_is_served_with_loop_and_told_why_without() {
    let file = temp("loop.jsonl");
    let args = ["--modality", "text", "--model", "fake-text-live"];
    let live = chat(
        &[&args[..], &["--record", file.to_str().unwrap()]].concat(),
        "hi\n",
    );

    let (server, endpoint) = replay_with(&file, &["--loop"]);
    for run in 0..3 {
        let again = chat(&[&args[..], &["--endpoint", &endpoint]].concat(), "hi\n");
        assert_eq!(again, live, "run {run}");
    }
    stop(server);

    let (server, endpoint) = replay_with(&file, &[]);
    chat(&[&args[..], &["--endpoint", &endpoint]].concat(), "hi\n");
    let out = chat_output(&[&args[..], &["--endpoint", &endpoint]].concat(), "hi\n");
    stop(server);
    let stderr = text(&out.stderr);
    assert!(!out.status.success(), "{stderr}");
    assert!(
        stderr.contains("(1008): replay: the recording's 1 connection(s) were all served"),
        "{stderr}"
    );
    assert!(stderr.contains("--loop"), "{stderr}");
    let _ = std::fs::remove_file(&file);
}
