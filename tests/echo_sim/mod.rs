//! A speakerphone in a room, simulated at the signal level for the echo tests: speech from
//! espeak-ng (installed by .ci/run; outside CI the tests skip without it), a synthetic room
//! impulse response, the player's real read path as the loudspeaker, and the echo canceller
//! fed from the player's tap.

#![allow(dead_code)]

use gemini_live::audio::{
    EchoCanceller, EchoConfig, Player, PlayerConfig, PlayerReader, Resampler,
};
use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The simulation's rate: device, room and microphone.
pub const RATE: u32 = 16_000;
/// Samples in 10 ms.
pub const FRAME: usize = (RATE / 100) as usize;

/// `text` spoken by espeak-ng with `voice`, at `rate` Hz (mono PCM16); `None` (after saying
/// why) when espeak-ng is not installed outside CI. In CI a missing espeak-ng fails.
pub fn speech(text: &str, voice: &str, rate: u32) -> Option<Vec<i16>> {
    let dir = std::env::temp_dir().join(format!("gl-echo-{}", std::process::id()));
    std::fs::create_dir_all(&dir).ok()?;
    // Tests run in parallel: a file of its own for every call.
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let n = CALLS.fetch_add(1, Ordering::Relaxed);
    let wav: PathBuf = dir.join(format!("{voice}-{n}.wav"));
    let run = Command::new("espeak-ng")
        .args(["-v", voice, "-s", "165", "-w"])
        .arg(&wav)
        .arg(text)
        .output();
    match run {
        Ok(out) if out.status.success() => {}
        Ok(out) => panic!("espeak-ng failed: {}", String::from_utf8_lossy(&out.stderr)),
        Err(_) if std::env::var_os("CI").is_some() => {
            panic!("CI needs espeak-ng for the echo tests (apt-get install espeak-ng)")
        }
        Err(_) => {
            eprintln!("skipped: espeak-ng is not installed (apt-get install espeak-ng)");
            return None;
        }
    }
    let mut reader = hound::WavReader::open(&wav).expect("espeak-ng's wav");
    let spec = reader.spec();
    let samples: Vec<i16> = reader.samples::<i16>().map(|s| s.unwrap()).collect();
    let _ = std::fs::remove_file(&wav);
    let mut r = Resampler::new(spec.sample_rate, spec.channels, rate).unwrap();
    let mut out = Vec::new();
    r.process(&samples, &mut out);
    r.flush(&mut out);
    Some(out)
}

/// A room impulse response at [`RATE`]: `delay_ms` of nothing, a direct path, then 120 ms of
/// reflections (one every 4 samples on average, random signs and positions, decaying with an
/// RT60 of about 250 ms), scaled so the echo is `gain_db` relative to what was played.
/// Sparse, as (offset, gain) pairs, to keep the simulation cheap in debug builds.
pub fn room(delay_ms: u32, gain_db: f64) -> Vec<(usize, f32)> {
    let delay = (RATE * delay_ms / 1000) as usize;
    let tail = (RATE as usize) * 120 / 1000;
    let mut h = vec![(delay, 1.0f64)];
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed >> 11) as f64 / (1u64 << 53) as f64
    };
    let decay = (-6.9 / (0.25 * RATE as f64)).exp();
    let mut at = 8;
    while at < tail {
        let sign = if next() < 0.5 { -1.0 } else { 1.0 };
        h.push((delay + at, sign * 0.6 * decay.powi(at as i32) * next()));
        at += 1 + (next() * 6.0) as usize;
    }
    let energy: f64 = h.iter().map(|(_, v)| v * v).sum();
    let scale = 10f64.powf(gain_db / 20.0) / energy.sqrt();
    h.iter().map(|&(k, v)| (k, (v * scale) as f32)).collect()
}

/// What a run produced, sample-aligned (the canceller's 10 ms latency taken out).
pub struct Run {
    /// The echo alone at the microphone.
    pub echo: Vec<f32>,
    /// The near-end talker alone at the microphone.
    pub near: Vec<f32>,
    /// The microphone (echo + near + noise).
    pub mic: Vec<f32>,
    /// The canceller's output.
    pub out: Vec<f32>,
    /// The canceller's statistics at the end.
    pub stats: gemini_live::audio::EchoStats,
}

/// Plays `far` (24 kHz, the model's) through a player at [`RATE`], through `rir`, into a
/// microphone that also hears `near` (starting at `near_at` samples) and a -70 dBFS noise
/// floor; the canceller (`config`, or none: the raw microphone) cleans it 10 ms at a time,
/// after the player's 10 ms read, as a full-duplex callback would.
pub fn run(
    far: &[i16],
    near: &[i16],
    near_at: usize,
    rir: &[(usize, f32)],
    config: Option<EchoConfig>,
) -> Run {
    let mut player = Player::new(PlayerConfig::for_device(RATE, 1)).unwrap();
    let mut canceller: Option<EchoCanceller> = config.map(|c| player.echo_canceller(c).unwrap());
    let (mut writer, mut reader) = player.split();
    writer.push(far);
    writer.end_turn();
    let total = far.len() * RATE as usize / 24_000 + RATE as usize;
    let total = total.max(near_at + near.len() + RATE as usize) / FRAME * FRAME;
    let mut played: Vec<f32> = Vec::with_capacity(total);
    let (mut echo, mut nearv, mut mic, mut out) = (vec![], vec![], vec![], vec![]);
    let mut seed = 12345u32;
    let mut block = [0i16; FRAME];
    for start in (0..total).step_by(FRAME) {
        read_block(&mut reader, &mut block, &mut played);
        let mut mic_block = [0i16; FRAME];
        for (i, m) in mic_block.iter_mut().enumerate() {
            let t = start + i;
            let e: f32 = rir
                .iter()
                .filter(|&&(k, _)| k <= t)
                .map(|&(k, h)| h * played[t - k])
                .sum();
            let n = if t >= near_at && t - near_at < near.len() {
                f32::from(near[t - near_at]) / 32768.0
            } else {
                0.0
            };
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let floor = ((seed >> 8) as f32 / (1u32 << 24) as f32 - 0.5) * 2.0 * 5.5e-4;
            echo.push(e);
            nearv.push(n);
            let v = e + n + floor;
            mic.push(v);
            *m = (v * 32768.0).round().clamp(-32768.0, 32767.0) as i16;
        }
        match canceller.as_mut() {
            Some(c) => {
                let mut o = [0i16; FRAME];
                c.process(&mic_block, &mut o).unwrap();
                out.extend(o.iter().map(|&s| f32::from(s) / 32768.0));
            }
            None => out.extend(mic_block.iter().map(|&s| f32::from(s) / 32768.0)),
        }
    }
    if let Some(dir) = std::env::var_os("ECHO_SIM_DUMP") {
        let dir = std::path::PathBuf::from(dir);
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: RATE,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        for (name, sig) in [
            ("played", &played),
            ("mic", &mic),
            ("near", &nearv),
            ("echo", &echo),
        ] {
            let mut w = hound::WavWriter::create(dir.join(format!("{name}.wav")), spec).unwrap();
            for &v in sig.iter() {
                w.write_sample((v * 32768.0).round().clamp(-32768.0, 32767.0) as i16)
                    .unwrap();
            }
            w.finalize().unwrap();
        }
    }
    let stats = canceller.map(|c| c.stats()).unwrap_or_default();
    let latency = if stats.capture_frames > 0 { FRAME } else { 0 };
    out.drain(..latency);
    let keep = out.len();
    echo.truncate(keep);
    nearv.truncate(keep);
    mic.truncate(keep);
    Run {
        echo,
        near: nearv,
        mic,
        out,
        stats,
    }
}

fn read_block(reader: &mut PlayerReader, block: &mut [i16; FRAME], played: &mut Vec<f32>) {
    reader.read(block);
    played.extend(block.iter().map(|&s| f32::from(s) / 32768.0));
}

/// Energy of `x[range]`.
pub fn energy(x: &[f32], range: std::ops::Range<usize>) -> f64 {
    x[range].iter().map(|&v| f64::from(v) * f64::from(v)).sum()
}

/// `10 log10(a / b)`.
pub fn db(a: f64, b: f64) -> f64 {
    10.0 * (a / b.max(1e-20)).log10()
}

/// The gain (dB) with which `reference` appears in `signal` over `range`: the least-squares
/// projection, so what else is in `signal` (residual echo, noise) does not count.
pub fn gain_in(signal: &[f32], reference: &[f32], range: std::ops::Range<usize>) -> f64 {
    let dot: f64 = range
        .clone()
        .map(|i| f64::from(signal[i]) * f64::from(reference[i]))
        .sum();
    let rr = energy(reference, range);
    20.0 * (dot / rr.max(1e-20)).abs().log10()
}
