//! The audio helpers' costs (scenario `dsp`, no server needed): the input resampler's CPU per
//! minute of audio and its added latency, the player's writer-side cost (24 kHz to the
//! device's rate) and the cost of its real-time read.
//!
//! CPU is thread CPU time (`CLOCK_THREAD_CPUTIME_ID` through `process_cpu` of this one-thread
//! child process), for a minute of audio pushed through in 20 ms chunks as fast as it goes.
//! Latency is measured, not computed: an impulse is fed in 1 ms pieces and the time (of
//! input) that passes before its peak leaves the resampler is reported.

use crate::report::{quantile, Row, Target};
use crate::sys::process_cpu;
use gemini_live::audio::{Player, PlayerConfig, Resampler};
use std::time::{Duration, Instant};

/// A speech-like test signal: two gliding tones, interleaved over `channels`.
fn signal(rate: u32, channels: u16, secs: f64) -> Vec<i16> {
    let n = (rate as f64 * secs) as usize;
    let mut v = Vec::with_capacity(n * channels as usize);
    for i in 0..n {
        let t = i as f64 / rate as f64;
        let s = 0.3 * (2.0 * std::f64::consts::PI * (200.0 + 50.0 * t) * t).sin()
            + 0.2 * (2.0 * std::f64::consts::PI * 1300.0 * t).sin();
        for _ in 0..channels {
            v.push((s * 32767.0) as i16);
        }
    }
    v
}

/// CPU seconds to resample `secs` of audio in 20 ms chunks, scaled to one audio minute.
fn resampler_cpu(in_rate: u32, channels: u16, out_rate: u32, secs: f64) -> f64 {
    let input = signal(in_rate, channels, secs);
    let mut r = Resampler::new(in_rate, channels, out_rate).expect("resampler");
    let chunk = (in_rate as usize / 50) * channels as usize;
    let mut out = Vec::with_capacity(out_rate as usize / 50 + 64);
    let cpu = process_cpu();
    for c in input.chunks(chunk) {
        out.clear();
        r.process(c, &mut out);
        std::hint::black_box(&out);
    }
    out.clear();
    r.flush(&mut out);
    (process_cpu() - cpu).as_secs_f64() * 60.0 / secs
}

/// Input time between an impulse going in (in 1 ms pieces, so 1 ms is the resolution) and
/// its peak coming out, ms. The impulse sits at the start of a 10 ms chunk: the worst case.
fn resampler_latency(in_rate: u32, channels: u16, out_rate: u32) -> f64 {
    let mut r = Resampler::new(in_rate, channels, out_rate).expect("resampler");
    let piece = (in_rate as usize / 1000).max(1);
    let at = in_rate as usize / 2; // the impulse at 0.5 s
    let mut input = vec![0i16; in_rate as usize * 2 * channels as usize];
    for c in 0..channels as usize {
        input[at * channels as usize + c] = 30_000;
    }
    let peak_out = (at as u64 * out_rate as u64 / in_rate as u64) as usize;
    let mut out = Vec::new();
    for (i, p) in input.chunks(piece * channels as usize).enumerate() {
        r.process(p, &mut out);
        // The peak is out once the samples after it are (it is the largest near there).
        if out.len() > peak_out + 2 {
            let fed = (i + 1) * piece;
            return (fed as f64 - at as f64) * 1000.0 / in_rate as f64;
        }
    }
    f64::NAN
}

pub fn run(quick: bool) -> Vec<Row> {
    let secs = if quick { 10.0 } else { 60.0 };
    let sc = "dsp";
    let mut rows = Vec::new();
    for (rate, ch) in [(44_100u32, 2u16), (48_000, 1), (16_000, 1)] {
        let name = format!("resample {}k x{ch} -> 16k", rate as f64 / 1000.0);
        rows.push(
            Row::new(
                sc,
                &format!("{name}: CPU per audio minute"),
                "s",
                Target::Max(0.5),
            )
            .ours(resampler_cpu(rate, ch, 16_000, secs)),
        );
        rows.push(
            Row::new(
                sc,
                &format!("{name}: added latency"),
                "ms",
                Target::Max(30.0),
            )
            .ours(resampler_latency(rate, ch, 16_000)),
        );
    }

    // The player's writer side: one minute of 24 kHz audio in 20 ms chunks to a 48 kHz
    // stereo device, the reader keeping up.
    let (mut w, mut r) = Player::new(PlayerConfig::for_device(48_000, 2))
        .expect("player")
        .split();
    let model = signal(24_000, 1, secs);
    let mut dev = vec![0i16; 480 * 2];
    let mut reads = Vec::with_capacity((secs * 100.0) as usize * 2);
    let mut push_cpu = Duration::ZERO;
    for c in model.chunks(480) {
        let t = process_cpu();
        w.push(c);
        push_cpu += process_cpu() - t;
        for _ in 0..2 {
            let t = Instant::now();
            r.read(&mut dev);
            reads.push(t.elapsed());
        }
    }
    w.end_turn();
    rows.push(
        Row::new(
            sc,
            "player push 24k -> 48k x2: CPU per audio minute",
            "s",
            Target::Max(0.5),
        )
        .ours(push_cpu.as_secs_f64() * 60.0 / secs),
    );
    let ns = |d: Duration| d.as_secs_f64() * 1e9;
    rows.push(
        Row::new(sc, "player read 480 frames x2: p50", "ns", Target::Info)
            .ours(ns(quantile(&reads, 0.5))),
    );
    rows.push(
        Row::new(sc, "player read 480 frames x2: p99", "ns", Target::Info)
            .ours(ns(quantile(&reads, 0.99))),
    );
    rows.push(
        Row::new(
            sc,
            "player read 480 frames x2: max",
            "ns",
            Target::Max(1_000_000.0),
        )
        .ours(ns(reads.iter().copied().max().unwrap_or_default())),
    );
    rows
}
