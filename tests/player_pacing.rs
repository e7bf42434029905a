//! Playback that does not stall: replies arriving slower than real time wait just long enough,
//! replies at or above real time start as before, and the device side stays allocation-free.
//!
//! The arrival times are simulated (`PlayerWriter::push_at` takes the time a chunk arrived)
//! and a simulated 10 ms device callback reads on the same virtual clock, so the figures are
//! exact and independent of the machine's load. The live run against the fake server (paced
//! with `FakeOptions::audio_pace`) is in the bench (`--only pacing`).

mod voice;

use gemini_live::audio::{Player, PlayerConfig, PlayerReader, PlayerStats, PlayerWriter};
use std::time::{Duration, Instant};
use voice::alloc_count::{allocations_during, CountingAllocator};

#[global_allocator]
static ALLOC: CountingAllocator = CountingAllocator;

const RATE: u64 = 24_000;
const PERIOD: usize = 240; // 10 ms device reads
const CHUNK: usize = 2_400; // 100 ms chunks, as the service sends

/// One reply of `chunks` chunks arriving at `pace` times real time, played by a device that
/// reads every 10 ms on the same clock from `start` on. Returns the arrival times (ms after
/// the first) and the stats after the reply has played out.
fn play_reply(
    w: &mut PlayerWriter,
    r: &mut PlayerReader,
    start: Instant,
    chunks: usize,
    pace: f64,
) -> (Vec<f64>, PlayerStats) {
    let arrivals: Vec<f64> = (0..chunks)
        .map(|k| (k * CHUNK) as f64 / RATE as f64 / pace * 1000.0)
        .collect();
    let mut next = 0;
    let mut buf = [0i16; PERIOD];
    let mut tick = 0u64;
    loop {
        let now_ms = (tick * 10) as f64;
        while next < chunks && arrivals[next] <= now_ms {
            let at = start + Duration::from_secs_f64(arrivals[next] / 1000.0);
            let chunk: Vec<i16> = (0..CHUNK).map(|i| ((i % 100) + 1) as i16).collect();
            w.push_at(&chunk, at);
            next += 1;
            if next == chunks {
                w.end_turn();
            }
        }
        r.read(&mut buf);
        tick += 1;
        if next == chunks && r.stats().buffered == 0 {
            break;
        }
        assert!(tick < 100_000, "the reply never played out");
    }
    (arrivals, r.stats())
}

/// The least start delay (ms after the first chunk) with which a device reading every 10 ms
/// never runs dry: chunk k (arriving at `a_k`) is needed `k * 100 ms` after the start, and the
/// device only starts on a 10 ms tick.
fn least_start_delay(arrivals: &[f64]) -> f64 {
    let need = arrivals
        .iter()
        .enumerate()
        .map(|(k, a)| a - (k * CHUNK) as f64 * 1000.0 / RATE as f64)
        .fold(0.0, f64::max);
    (need / 10.0).ceil() * 10.0
}

fn player(adaptive: bool) -> (PlayerWriter, PlayerReader) {
    Player::new(PlayerConfig {
        adaptive_start: adaptive,
        ..PlayerConfig::default()
    })
    .unwrap()
    .split()
}

fn ms(samples: u64) -> f64 {
    samples as f64 * 1000.0 / RATE as f64
}

#[test]
fn a_reply_at_0_7x_real_time_waits_just_long_enough_and_never_runs_dry() {
    let (mut w, mut r) = player(true);
    let t0 = Instant::now();
    // The first reply of the session: nothing known yet, so it starts at the threshold and
    // runs dry (what every fixed-threshold player does); it teaches the rate and length.
    let (_, first) = play_reply(&mut w, &mut r, t0, 20, 0.7);
    assert!(first.underruns > 0, "{first:?}");
    assert_eq!(first.arrival_rate(), Some(0.7));
    assert!(first.start_delay <= PERIOD as u64, "{first:?}");
    // The next replies: no underrun, and a start delay within 50 ms of the least possible.
    for turn in 0..3 {
        let before = r.stats().underruns;
        let at = t0 + Duration::from_secs(60 * (turn + 1));
        let (arrivals, s) = play_reply(&mut w, &mut r, at, 20, 0.7);
        let least = least_start_delay(&arrivals);
        let delay = ms(s.start_delay);
        eprintln!(
            "0.7x, reply {}: start delay {delay} ms, least {least} ms",
            turn + 2
        );
        assert_eq!(s.underruns, before, "reply {}: ran dry", turn + 2);
        assert!(
            delay >= least - 1e-9 && delay <= least + 50.0,
            "start delay {delay} ms, least that avoids underruns {least} ms"
        );
        assert_eq!(s.arrival_rate(), Some(0.7));
    }
}

#[test]
fn replies_at_5x_real_time_start_as_without_pacing() {
    let (mut adaptive_w, mut adaptive_r) = player(true);
    let (mut fixed_w, mut fixed_r) = player(false);
    let t0 = Instant::now();
    for turn in 0..3 {
        let at = t0 + Duration::from_secs(60 * turn);
        let (_, a) = play_reply(&mut adaptive_w, &mut adaptive_r, at, 20, 5.0);
        let (_, f) = play_reply(&mut fixed_w, &mut fixed_r, at, 20, 5.0);
        assert_eq!(a.start_delay, f.start_delay, "reply {}", turn + 1);
        assert_eq!(
            a.start_delay, 0,
            "the first 100 ms chunk is over the 80 ms threshold"
        );
        assert_eq!((a.underruns, f.underruns), (0, 0));
        assert_eq!(a.arrival_rate(), Some(5.0));
    }
}

#[test]
fn the_threshold_stays_the_minimum_for_a_barely_slow_reply() {
    // At 0.99x a reply of 200 ms needs under 2 ms of wait: the 80 ms threshold decides.
    let (mut w, mut r) = Player::new(PlayerConfig {
        adaptive_start: true,
        ..PlayerConfig::default()
    })
    .unwrap()
    .split();
    let t0 = Instant::now();
    let small = |k: usize| t0 + Duration::from_secs_f64(k as f64 * 0.05 / 0.99);
    for turn in 0..2u64 {
        let base = Duration::from_secs(10 * turn);
        let mut buf = [0i16; PERIOD];
        // 50 ms chunks: the first is under the threshold, so playback waits for the second.
        w.push_at(&[5; 1200], small(0) + base);
        assert_eq!(r.read(&mut buf), 0, "under the 80 ms threshold");
        w.push_at(&[5; 1200], small(1) + base);
        w.push_at(&[5; 1200], small(2) + base);
        w.push_at(&[5; 1200], small(3) + base);
        w.end_turn();
        assert_eq!(r.read(&mut buf), PERIOD);
        while r.read(&mut buf) > 0 {}
    }
    assert_eq!(
        r.stats().start_delay,
        PERIOD as u64,
        "one silent read, as without pacing"
    );
}

#[test]
fn reading_allocates_nothing_and_takes_no_lock() {
    let (mut w, mut r) = Player::new(PlayerConfig::for_device(48_000, 2))
        .unwrap()
        .split();
    let t0 = Instant::now();
    for k in 0..10 {
        w.push_at(&[100; CHUNK], t0 + Duration::from_millis(140 * k));
    }
    let mut buf = vec![0i16; 480 * 2];
    let mut fbuf = vec![0f32; 480 * 2];
    let (allocs, played) = allocations_during(|| {
        let mut played = 0;
        for _ in 0..150 {
            played += r.read(&mut buf);
            played += r.read_f32(&mut fbuf);
            let _ = r.stats();
        }
        played
    });
    assert!(played > 40_000, "{played}");
    assert_eq!(allocs, 0, "allocations in the device callback's calls");
}
