//! The echo canceller's cost (scenario `echo`, no server needed): CPU per real-time stream,
//! as a percentage of one core, for a speakerphone loop: the model's 24 kHz audio through a
//! player (with its played-signal tap) to the device, the device's output back into the
//! microphone through a short synthetic echo path, the canceller on the microphone audio. The
//! goal (issue 21) is at most 5 % of one core per stream.
//!
//! Each stream is half far-end speech (fed to the player as it plays, 200 ms ahead) and half
//! silence (the model not talking: the reference is digital zeros, which once drove AEC3's
//! filters into slow subnormal floats). CPU is this one-thread child process's CPU time
//! (`process_cpu`) for the canceller's `process` calls only, over `secs` of audio run as fast
//! as it goes, reported for each half and for the whole; the player's read with the tap is
//! timed apart (its worst call).
//!
//! The raw floor is sonora's AEC3 called directly in the same loop (same configuration, same
//! signals as float frames, the same sub-LSB dither), its calls interleaved with ours frame
//! by frame (alternating which goes first): what our frame handling, tap and lockstep add.
//! A third copy of AEC3 without the dither runs in the same loop too (info rows): what the
//! dither saves while the far end is silent.

use crate::report::{quantile, Row, Target};
use crate::sys::process_cpu;
use gemini_live::audio::{EchoConfig, NoiseSuppression, Player, PlayerConfig, Resampler};
use sonora::config::NoiseSuppressionLevel;
use sonora::{AudioProcessing, Config as ApmConfig, StreamConfig};
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
/// output mixed down and resampled), `ns`. Returns the CPU % of one core while the far end
/// talks and while it is silent: ours, the raw floor's and undithered AEC3's; and the tapped
/// reads' times.
fn stream(
    device_rate: u32,
    channels: u16,
    capture_rate: u32,
    ns: NoiseSuppression,
    secs: f64,
) -> ([f64; 2], [f64; 2], [f64; 2], Vec<Duration>) {
    let mut player = Player::new(PlayerConfig::for_device(device_rate, channels)).expect("player");
    let config = EchoConfig {
        capture_rate,
        noise_suppression: ns,
        ..EchoConfig::default()
    };
    let mut canceller = player.echo_canceller(config).expect("canceller");
    let (mut writer, mut reader) = player.split();
    let talk = (secs * 50.0) as usize;
    let far = far(talk as f64 / 100.0);
    // 200 ms ahead, then 10 ms per 10 ms played.
    let ahead = 4_800;
    writer.push(&far[..ahead]);
    let mut to_mic = Resampler::new(device_rate, channels, capture_rate).expect("resampler");
    let frames = device_rate as usize / 100;
    let mut dev = vec![0i16; frames * channels as usize];
    let mut mic = Vec::with_capacity(capture_rate as usize / 50);
    let mut clean = vec![0i16; capture_rate as usize / 50];
    // A 40 ms echo path at half level, in capture samples.
    let delay = capture_rate as usize / 25;
    let mut history: std::collections::VecDeque<i16> = std::iter::repeat_n(0, delay).collect();
    let mut reads = Vec::with_capacity((secs * 100.0) as usize);
    let mut cpu = [Duration::ZERO; 2];
    let mut raw = Raw::new(device_rate, capture_rate, ns, true);
    let mut raw_cpu = [Duration::ZERO; 2];
    let mut bare = Raw::new(device_rate, capture_rate, ns, false);
    let mut bare_cpu = [Duration::ZERO; 2];
    for k in 0..(secs * 100.0) as usize {
        let at = ahead + k * 240;
        if at < far.len() {
            writer.push(&far[at..(at + 240).min(far.len())]);
        } else if at < far.len() + 240 {
            writer.end_turn();
        }
        let t = Instant::now();
        reader.read(&mut dev);
        reads.push(t.elapsed());
        mic.clear();
        to_mic.process(&dev, &mut mic);
        for s in mic.iter_mut() {
            history.push_back(*s / 2);
            *s = history.pop_front().unwrap_or(0);
        }
        let half = usize::from(k >= talk);
        let out = &mut clean[..mic.len()];
        let mut ours = || {
            let c = process_cpu();
            canceller.process(&mic, out).expect("process");
            cpu[half] += process_cpu() - c;
        };
        if k % 2 == 0 {
            ours();
            raw_cpu[half] += raw.process(&dev, channels, &mic);
        } else {
            raw_cpu[half] += raw.process(&dev, channels, &mic);
            ours();
        }
        bare_cpu[half] += bare.process(&dev, channels, &mic);
        std::hint::black_box(&clean);
    }
    let pct = |d: Duration| d.as_secs_f64() / (secs / 2.0) * 100.0;
    (
        [pct(cpu[0]), pct(cpu[1])],
        [pct(raw_cpu[0]), pct(raw_cpu[1])],
        [pct(bare_cpu[0]), pct(bare_cpu[1])],
        reads,
    )
}

/// The floor: sonora's AEC3 called directly, 10 ms float frames in, nothing else.
struct Raw {
    apm: AudioProcessing,
    render: Vec<f32>,
    capture: Vec<f32>,
    fill: usize,
    out: Vec<f32>,
    noise: u32,
    dither: bool,
}

impl Raw {
    fn new(device_rate: u32, capture_rate: u32, ns: NoiseSuppression, dither: bool) -> Raw {
        let config = ApmConfig {
            echo_canceller: Some(sonora::config::EchoCanceller::default()),
            noise_suppression: (ns != NoiseSuppression::Off).then(|| {
                sonora::config::NoiseSuppression {
                    level: NoiseSuppressionLevel::Moderate,
                    ..Default::default()
                }
            }),
            ..ApmConfig::default()
        };
        let apm = AudioProcessing::builder()
            .config(config)
            .capture_config(StreamConfig::new(capture_rate, 1))
            .render_config(StreamConfig::new(device_rate, 1))
            .build();
        Raw {
            apm,
            render: vec![0.0; device_rate as usize / 100],
            capture: vec![0.0; capture_rate as usize / 100],
            fill: 0,
            out: vec![0.0; device_rate.max(capture_rate) as usize / 100],
            noise: 0x9E37_79B9,
            dither,
        }
    }

    /// The same sub-LSB dither as the canceller's (keeps silence out of subnormal floats).
    fn dither(&mut self) -> f32 {
        if !self.dither {
            return 0.0;
        }
        let mut x = self.noise;
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        self.noise = x;
        (x as i32) as f32 / (1u64 << 52) as f32
    }

    /// One device period and the microphone samples it made; returns the CPU time taken.
    fn process(&mut self, dev: &[i16], channels: u16, mic: &[i16]) -> Duration {
        let c = process_cpu();
        let ch = usize::from(channels);
        for i in 0..self.render.len() {
            let sum: i32 = dev[i * ch..(i + 1) * ch]
                .iter()
                .map(|&s| i32::from(s))
                .sum();
            self.render[i] = sum as f32 / (32768.0 * ch as f32) + self.dither();
        }
        let n = self.render.len();
        let _ = self
            .apm
            .process_render_f32(&[&self.render], &mut [&mut self.out[..n]]);
        for &s in mic {
            self.capture[self.fill] = f32::from(s) / 32768.0 + self.dither();
            self.fill += 1;
            if self.fill == self.capture.len() {
                self.fill = 0;
                let n = self.capture.len();
                let _ = self
                    .apm
                    .process_capture_f32(&[&self.capture], &mut [&mut self.out[..n]]);
            }
        }
        process_cpu() - c
    }
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
        let (ours, raw, bare, reads) = stream(device_rate, channels, capture_rate, ns, secs);
        let ns_of = |d: Duration| d.as_secs_f64() * 1e9;
        for (what, o, r) in [
            ("far end talking", ours[0], raw[0]),
            ("far end silent", ours[1], raw[1]),
            ("whole", (ours[0] + ours[1]) / 2.0, (raw[0] + raw[1]) / 2.0),
        ] {
            rows.push(
                Row::new(
                    sc,
                    &format!("echo canceller, {name}: CPU per stream, {what}"),
                    "% core",
                    Target::Max(5.0),
                )
                .both(o, r),
            );
        }
        for (what, v) in [("far end talking", bare[0]), ("far end silent", bare[1])] {
            rows.push(
                Row::new(
                    sc,
                    &format!("sonora without dither, {name}: CPU per stream, {what}"),
                    "% core",
                    Target::Info,
                )
                .ours(v),
            );
        }
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
