//! Test speech made with real tools: utterances spoken by espeak-ng, resampled with sox, laid
//! out with pauses between them, and noise from sox mixed in at a chosen signal-to-noise
//! ratio (sox's mixer). Outside CI, a missing tool skips the test with a message naming the
//! Debian package; under `CI=true` it fails (`.ci/run` installs both).

use std::path::{Path, PathBuf};
use std::process::Command;

/// Whether `tool` runs; if not, panics under CI and otherwise says which package to install.
pub fn have(tool: &str, package: &str) -> bool {
    let ok = Command::new(tool)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !ok {
        assert!(
            std::env::var("CI").is_err(),
            "`{tool}` is not installed: CI must install it (apt-get install {package})"
        );
        eprintln!("skipped: `{tool}` is not installed (apt-get install {package})");
    }
    ok
}

fn run(cmd: &mut Command) {
    let out = cmd.output().unwrap_or_else(|e| panic!("{cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// 16 kHz mono PCM16 samples of a WAV file.
pub fn read_wav(path: &Path) -> Vec<i16> {
    let mut r = hound::WavReader::open(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    assert_eq!(r.spec().sample_rate, 16_000);
    r.samples::<i16>().map(|s| s.expect("sample")).collect()
}

/// Writes 16 kHz mono PCM16 samples as a WAV file.
pub fn write_wav(path: &Path, samples: &[i16]) {
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: 16_000,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(path, spec).expect("create wav");
    for &s in samples {
        w.write_sample(s).expect("write");
    }
    w.finalize().expect("finalize");
}

/// `text` spoken by espeak-ng (voice `voice`), as 16 kHz mono, trimmed to the speech.
pub fn speak(dir: &Path, name: &str, text: &str, voice: &str) -> Vec<i16> {
    speak_at(dir, name, text, voice, 160)
}

/// `text` spoken by espeak-ng (voice `voice`, `wpm` words a minute), as 16 kHz mono,
/// trimmed to the speech.
pub fn speak_at(dir: &Path, name: &str, text: &str, voice: &str, wpm: u32) -> Vec<i16> {
    let raw = dir.join(format!("{name}.espeak.wav"));
    let wav = dir.join(format!("{name}.wav"));
    run(Command::new("espeak-ng")
        .args(["-v", voice, "-s", &wpm.to_string(), "-w"])
        .arg(&raw)
        .arg(text));
    run(Command::new("sox")
        .arg("-R")
        .arg(&raw)
        .args(["-r", "16000", "-c", "1", "-b", "16"])
        .arg(&wav));
    let s = read_wav(&wav);
    let (start, end) = active_span(&s);
    s[start..end].to_vec()
}

/// Where speech is in clean audio: from the first to the last 10 ms frame whose RMS is
/// within 35 dB of the loudest frame's.
pub fn active_span(s: &[i16]) -> (usize, usize) {
    let frame = 160;
    let rms: Vec<f64> = s
        .chunks(frame)
        .map(|c| (c.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>() / c.len() as f64).sqrt())
        .collect();
    let peak = rms.iter().copied().fold(0.0, f64::max);
    let floor = peak * 10f64.powf(-35.0 / 20.0);
    let first = rms.iter().position(|&r| r > floor).unwrap_or(0);
    let last = rms.iter().rposition(|&r| r > floor).unwrap_or(0);
    (first * frame, ((last + 1) * frame).min(s.len()))
}

/// `seconds` of sox-made noise (`kind`: `pinknoise`, `whitenoise`, `brownnoise`) at 16 kHz,
/// the same on every run (`-R`: sox's fixed random seed).
pub fn noise(dir: &Path, name: &str, kind: &str, seconds: f64) -> Vec<i16> {
    let wav = dir.join(format!("{name}.wav"));
    run(Command::new("sox")
        .args(["-R", "-n", "-r", "16000", "-c", "1", "-b", "16"])
        .arg(&wav)
        .args(["synth", &format!("{seconds}"), kind, "vol", "0.3"]));
    read_wav(&wav)
}

/// Mixes `speech` and `noise` with sox at `snr_db` (speech power over the utterances against
/// the noise's), returning the mix (as long as `speech`).
pub fn mix(
    dir: &Path,
    speech: &[i16],
    active: &[(usize, usize)],
    noise: &[i16],
    snr_db: f64,
) -> Vec<i16> {
    let power =
        |s: &[i16]| s.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>() / s.len().max(1) as f64;
    let speech_power = {
        let voiced: Vec<i16> = active
            .iter()
            .flat_map(|&(a, b)| speech[a..b].iter().copied())
            .collect();
        power(&voiced)
    };
    let noise_power = power(&noise[..speech.len().min(noise.len())]);
    let gain = (speech_power / noise_power / 10f64.powf(snr_db / 10.0)).sqrt();
    let (a, b, out): (PathBuf, PathBuf, PathBuf) = (
        dir.join("mix_speech.wav"),
        dir.join("mix_noise.wav"),
        dir.join("mix.wav"),
    );
    write_wav(&a, speech);
    write_wav(&b, &noise[..speech.len()]);
    // -m: sum the inputs, each scaled by its -v (sox's mixer would halve them otherwise).
    run(Command::new("sox")
        .args(["-R", "-m", "-v", "1"])
        .arg(&a)
        .args(["-v", &format!("{gain}")])
        .arg(&b)
        .arg(&out));
    read_wav(&out)
}
