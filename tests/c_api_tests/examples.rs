//! The C examples: the quickstart (a text and an audio turn, against a given endpoint or the
//! embedded fake) and the audio pipeline (resampling, playback, barge-in, recording, and no
//! file written into the current directory).

use super::build::{fake, program, LIMIT};
use crate::c::support::{expect_success, run};
use gemini_live::fake::fnv1a64;
use std::path::PathBuf;

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
