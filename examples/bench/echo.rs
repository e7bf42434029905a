//! The echo canceller's cost (scenario `echo`, no server needed): CPU per real-time stream,
//! as a percentage of one core, for a speakerphone loop: the model's 24 kHz audio through a
//! player (with its played-signal tap) to the device, the device's output back into the
//! microphone through a short synthetic echo path, the canceller on the microphone audio. The
//! goal (issue 21) is at most 5 % of one core per stream.
//!
//! CPU is this one-thread child process's CPU time (`process_cpu`) for the canceller's
//! `process` calls only, over `secs` of audio run as fast as it goes; the player's read with
//! the tap is timed apart (its worst call).

use crate::report::{quantile, Row, Target};
use crate::sys::process_cpu;
use gemini_live::audio::{EchoConfig, NoiseSuppression, Player, PlayerConfig, Resampler};
use std::time::{Duration, Instant};

/// Speech-like far-end audio at 24 kHz: gliding tones with a syllable-rate envelope.
fn far(secs: f64) -> Vec<i16> {
    let n = (24_000.0 * secs) as usize;
    (0..n)
        .map(|i| {
            let t = i as f64 / 24_000.0;
            let env = (0.5 + 0.5 * (2.0 * std::f64::consts::PI * 4.0 * t).sin()).powi(2);
            let s = 0.3 * (2.0 * std::f64::consts::PI * (180.0 + 40.0 * (t * 0.7).sin()) * t).sin()
                + 0.15 * (2.0 * std::f64::consts::PI * 1100.0 * t).sin();
            (s * env * 32767.0) as i16
        })
        .collect()
}

/// One stream: device at `device_rate` x `channels`, microphone at `capture_rate` (the device's
/// output mixed down and resampled), `ns`. Returns (CPU % of one core, worst tapped read).
fn stream(
    device_rate: u32,
    channels: u16,
    capture_rate: u32,
    ns: NoiseSuppression,
    secs: f64,
) -> (f64, Vec<Duration>) {
    let mut player = Player::new(PlayerConfig::for_device(device_rate, channels)).expect("player");
    let config = EchoConfig {
        capture_rate,
        noise_suppression: ns,
        ..EchoConfig::default()
    };
    let mut canceller = player.echo_canceller(config).expect("canceller");
    let (mut writer, mut reader) = player.split();
    writer.push(&far(secs));
    writer.end_turn();
    let mut to_mic = Resampler::new(device_rate, channels, capture_rate).expect("resampler");
    let frames = device_rate as usize / 100;
    let mut dev = vec![0i16; frames * channels as usize];
    let mut mic = Vec::with_capacity(capture_rate as usize / 50);
    let mut clean = vec![0i16; capture_rate as usize / 50];
    // A 40 ms echo path at half level, in capture samples.
    let delay = capture_rate as usize / 25;
    let mut history = vec![0i16; delay];
    let mut reads = Vec::with_capacity((secs * 100.0) as usize);
    let mut cpu = Duration::ZERO;
    for _ in 0..(secs * 100.0) as usize {
        let t = Instant::now();
        reader.read(&mut dev);
        reads.push(t.elapsed());
        mic.clear();
        to_mic.process(&dev, &mut mic);
        for s in mic.iter_mut() {
            history.push(*s / 2);
            *s = history.remove(0);
        }
        let out = &mut clean[..mic.len()];
        let c = process_cpu();
        canceller.process(&mic, out).expect("process");
        cpu += process_cpu() - c;
        std::hint::black_box(&out);
    }
    (cpu.as_secs_f64() / secs * 100.0, reads)
}

pub fn run(quick: bool) -> Vec<Row> {
    let secs = if quick { 10.0 } else { 60.0 };
    let sc = "echo";
    let mut rows = Vec::new();
    for (device_rate, channels, capture_rate, ns, name) in [
        (
            48_000,
            2,
            16_000,
            NoiseSuppression::Off,
            "device 48k x2, mic 16k",
        ),
        (
            48_000,
            2,
            16_000,
            NoiseSuppression::Moderate,
            "device 48k x2, mic 16k, NS",
        ),
        (
            48_000,
            1,
            48_000,
            NoiseSuppression::Off,
            "device 48k, mic 48k",
        ),
    ] {
        let (cpu, reads) = stream(device_rate, channels, capture_rate, ns, secs);
        let ns_of = |d: Duration| d.as_secs_f64() * 1e9;
        rows.push(
            Row::new(
                sc,
                &format!("echo canceller, {name}: CPU per stream"),
                "% core",
                Target::Max(5.0),
            )
            .ours(cpu),
        );
        for (q, label) in [(0.5, "p50"), (0.99, "p99")] {
            rows.push(
                Row::new(
                    sc,
                    &format!("tapped player read, {name}: {label}"),
                    "ns",
                    Target::Info,
                )
                .ours(ns_of(quantile(&reads, q))),
            );
        }
        rows.push(
            Row::new(
                sc,
                &format!("tapped player read, {name}: max"),
                "ns",
                Target::Max(1_000_000.0),
            )
            .ours(ns_of(reads.iter().copied().max().unwrap_or_default())),
        );
    }
    rows
}
