//! Playback that does not stall: replies arriving slower than real time wait just long enough
//! (or, when their length is unknown, pause at word gaps), replies at or above real time start
//! as before, and the device side stays allocation-free.
//!
//! The arrival times are simulated (`PlayerWriter::push_at` takes the time a chunk arrived)
//! and a simulated 10 ms device callback reads on the same virtual clock, so the figures are
//! exact and independent of the machine's load. The live run against the fake server (paced
//! with `FakeOptions::audio_pace`) is in the bench (`--only pacing`).

mod voice;

use gemini_live::audio::{
    Player, PlayerConfig, PlayerReader, PlayerStats, PlayerWriter, Resampler,
};
use std::time::{Duration, Instant};
use voice::alloc_count::{allocations_during, CountingAllocator};

#[global_allocator]
static ALLOC: CountingAllocator = CountingAllocator;

const RATE: u64 = 24_000;
const PERIOD: usize = 240; // 10 ms device reads
const CHUNK: usize = 2_400; // 100 ms chunks, as the service sends

/// Speech-like audio: "words" (a 220 Hz tone under a smooth envelope) of 150 to 450 ms with
/// quiet gaps of 60 to 150 ms (low noise 40 dB down), from a fixed seed. Returns the samples
/// and the gaps (sample ranges).
fn speech(samples: usize, seed: u64) -> (Vec<i16>, Vec<(usize, usize)>) {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut next = |lo: usize, hi: usize| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        lo + (state >> 33) as usize % (hi - lo + 1)
    };
    let ms = RATE as usize / 1000;
    let (mut out, mut gaps) = (Vec::with_capacity(samples), Vec::new());
    while out.len() < samples {
        let word = next(150, 450) * ms;
        for i in 0..word {
            let env = (std::f64::consts::PI * i as f64 / word as f64)
                .sin()
                .powf(0.3);
            let t = i as f64 / RATE as f64;
            out.push((9000.0 * env * (std::f64::consts::TAU * 220.0 * t).sin()) as i16);
        }
        let gap = next(60, 150) * ms;
        gaps.push((out.len(), out.len() + gap));
        for i in 0..gap {
            out.push(((i * 7919) % 181) as i16 - 90);
        }
    }
    out.truncate(samples);
    (out, gaps)
}

/// What one reply did: the arrival times (ms after the first chunk), the player's stats
/// after it played out, and where in the reply (source samples) playback stopped before its
/// end, for pauses and underruns alike.
struct Played {
    arrivals: Vec<f64>,
    stats: PlayerStats,
    stops: Vec<usize>,
}

/// One reply of `chunks` chunks of `audio` arriving at `pace` times real time, played by a
/// device that reads every 10 ms on the same clock from `start` on.
fn play_audio(
    w: &mut PlayerWriter,
    r: &mut PlayerReader,
    start: Instant,
    audio: &[i16],
    pace: f64,
) -> Played {
    let chunks = audio.len().div_ceil(CHUNK);
    let arrivals: Vec<f64> = (0..chunks)
        .map(|k| (k * CHUNK) as f64 / RATE as f64 / pace * 1000.0)
        .collect();
    let mut next = 0;
    let mut buf = [0i16; PERIOD];
    let mut tick = 0u64;
    let (mut heard, mut playing, mut stops) = (0, false, Vec::new());
    loop {
        let now_ms = (tick * 10) as f64;
        while next < chunks && arrivals[next] <= now_ms {
            let at = start + Duration::from_secs_f64(arrivals[next] / 1000.0);
            let end = ((next + 1) * CHUNK).min(audio.len());
            w.push_at(&audio[next * CHUNK..end], at);
            next += 1;
            if next == chunks {
                w.end_turn();
            }
        }
        let n = r.read(&mut buf);
        heard += n;
        if playing && n < PERIOD && heard < audio.len() {
            stops.push(heard);
        }
        playing = n == PERIOD;
        tick += 1;
        if next == chunks && r.stats().buffered == 0 {
            break;
        }
        assert!(tick < 100_000, "the reply never played out");
    }
    Played {
        arrivals,
        stats: r.stats(),
        stops,
    }
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

/// The silence a reply added (start wait, pauses, underruns), in ms, from the stats before
/// and after it.
fn silence_ms(before: &PlayerStats, after: &PlayerStats) -> f64 {
    ms(after.start_delay
        + (after.paused - before.paused)
        + (after.underrun_samples - before.underrun_samples))
}

#[test]
fn the_first_reply_at_0_7x_pauses_at_word_gaps_and_never_runs_dry() {
    // Nothing known of the session's replies yet: the player waits for the second chunk (the
    // rate), then plays, pausing at word gaps whenever the buffer is about to run dry. The
    // least any playout needs (start wait plus pauses) is the least start delay: the end can
    // be no earlier than the last chunk's arrival plus its length.
    let resume_ms = 300.0; // the resume buffer at 0.7x: max(1 s x 0.3, 300 ms)
    for seed in 1..=8 {
        let (mut w, mut r) = player(true);
        let (audio, gaps) = speech(20 * CHUNK, seed);
        let p = play_audio(&mut w, &mut r, Instant::now(), &audio, 0.7);
        let s = p.stats;
        let least = least_start_delay(&p.arrivals);
        let silence = silence_ms(&PlayerStats::default(), &s);
        eprintln!(
            "0.7x, first reply (seed {seed}): start {} ms, {} pauses of {} ms in all, silence \
             {silence} ms, least {least} ms",
            ms(s.start_delay),
            s.pauses,
            ms(s.paused)
        );
        assert_eq!(s.underruns, 0, "seed {seed}: ran dry: {s:?}");
        assert!(s.pauses > 0, "seed {seed}: no pause: {s:?}");
        assert_eq!(p.stops.len() as u64, s.pauses, "every stop was a pause");
        for &at in &p.stops {
            assert!(
                gaps.iter().any(|&(a, b)| a <= at && at < b),
                "seed {seed}: paused at {} ms, not in a word gap",
                ms(at as u64)
            );
        }
        assert!(
            silence >= least - 1e-9 && silence <= least + resume_ms + 10.0,
            "seed {seed}: silence {silence} ms, least {least} ms"
        );
        assert_eq!(s.arrival_rate(), Some(0.7));
        // It starts when the buffer lasts a second of playback: earlier than the least
        // start delay, so the first words are heard sooner.
        assert!(ms(s.start_delay) < least, "{s:?}");
    }
}

#[test]
fn later_replies_at_0_7x_wait_just_long_enough_and_never_run_dry() {
    let (mut w, mut r) = player(true);
    let t0 = Instant::now();
    let (audio, _) = speech(20 * CHUNK, 1);
    play_audio(&mut w, &mut r, t0, &audio, 0.7);
    // The next replies: the rate and length of the last one say how long to wait.
    for turn in 0..3u64 {
        let before = r.stats();
        let at = t0 + Duration::from_secs(60 * (turn + 1));
        let (audio, _) = speech(20 * CHUNK, turn + 2);
        let p = play_audio(&mut w, &mut r, at, &audio, 0.7);
        let s = p.stats;
        let least = least_start_delay(&p.arrivals);
        let delay = ms(s.start_delay);
        eprintln!(
            "0.7x, reply {}: start delay {delay} ms, least {least} ms",
            turn + 2
        );
        assert_eq!(s.underruns, before.underruns, "reply {}: ran dry", turn + 2);
        assert_eq!(s.pauses, before.pauses, "reply {}: paused", turn + 2);
        assert!(
            delay >= least - 1e-9 && delay <= least + 50.0,
            "start delay {delay} ms, least that avoids underruns {least} ms"
        );
        assert_eq!(s.arrival_rate(), Some(0.7));
    }
}

#[test]
fn a_reply_longer_than_the_last_runs_dry_once_then_pauses_at_gaps() {
    let (mut w, mut r) = player(true);
    let t0 = Instant::now();
    let (short, _) = speech(10 * CHUNK, 3);
    play_audio(&mut w, &mut r, t0, &short, 0.7);
    let before = r.stats();
    let (long, gaps) = speech(30 * CHUNK, 4);
    let p = play_audio(&mut w, &mut r, t0 + Duration::from_secs(60), &long, 0.7);
    let s = p.stats;
    let least = least_start_delay(&p.arrivals);
    let silence = silence_ms(&before, &s);
    eprintln!(
        "0.7x, 3 s after 1 s: start {} ms, {} pauses, silence {silence} ms, least {least} ms",
        ms(s.start_delay),
        s.pauses - before.pauses
    );
    // The wait it started with covered the last reply's length (1 s) and no more: there it
    // runs dry once (about a chunk buffered, too little to hold a word gap), then goes on as
    // a reply of unknown length does, pausing at gaps.
    assert_eq!(s.underruns - before.underruns, 1, "{s:?}");
    assert_eq!(p.stops.first().map(|&at| ms(at as u64)), Some(1000.0));
    assert!(s.pauses > before.pauses, "{s:?}");
    assert_eq!(p.stops.len() as u64, 1 + s.pauses - before.pauses);
    for &at in &p.stops[1..] {
        assert!(gaps.iter().any(|&(a, b)| a <= at && at < b), "stop at {at}");
    }
    assert!(
        silence >= least - 1e-9 && silence <= least + 310.0,
        "{silence} vs {least}"
    );
}

#[test]
fn real_speech_at_0_7x_pauses_only_where_it_is_quiet() {
    // Sentences spoken by espeak-ng (16 kHz, brought to the model's 24 kHz by the crate's
    // resampler), sent as a session's first reply at 0.7x.
    if !voice::speech::have("espeak-ng", "espeak-ng") || !voice::speech::have("sox", "sox") {
        return;
    }
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("player_pacing");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let text = "Well, I think the answer depends on what you mean. Let me explain it in a few \
                short sentences, slowly and clearly, so that nothing gets lost.";
    let speech16 = voice::speech::speak(&dir, "reply", text, "en-us");
    let mut rs = Resampler::new(16_000, 1, 24_000).unwrap();
    let mut speech = Vec::new();
    rs.process(&speech16, &mut speech);
    rs.flush(&mut speech);
    let (mut w, mut r) = player(true);
    let p = play_audio(&mut w, &mut r, Instant::now(), &speech, 0.7);
    let s = p.stats;
    let least = least_start_delay(&p.arrivals);
    let silence = silence_ms(&PlayerStats::default(), &s);
    let rms = |a: usize, b: usize| {
        let x = &speech[a.min(speech.len())..b.min(speech.len())];
        (x.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>() / x.len().max(1) as f64).sqrt()
    };
    let loudest = (0..speech.len() / 240)
        .map(|k| rms(k * 240, k * 240 + 240))
        .fold(0.0, f64::max);
    let levels: Vec<f64> = p
        .stops
        .iter()
        .map(|&at| 20.0 * (rms(at.saturating_sub(120), at + 120) / loudest).log10())
        .collect();
    eprintln!(
        "espeak-ng, {:.1} s at 0.7x: start {} ms, {} pauses ({} ms), silence {silence} ms, \
         least {least} ms; level around each stop against the loudest 10 ms: {levels:.0?} dB",
        speech.len() as f64 / RATE as f64,
        ms(s.start_delay),
        s.pauses,
        ms(s.paused)
    );
    assert_eq!(s.underruns, 0, "{s:?}");
    assert!(s.pauses > 0, "{s:?}");
    assert_eq!(p.stops.len() as u64, s.pauses);
    assert!(
        levels.iter().all(|&l| l <= -20.0),
        "a pause where it is not quiet: {levels:?}"
    );
    assert!(
        silence >= least - 1e-9 && silence <= least + 310.0,
        "{silence} vs {least}"
    );
}

#[test]
fn replies_at_5x_real_time_start_as_without_pacing() {
    let (mut adaptive_w, mut adaptive_r) = player(true);
    let (mut fixed_w, mut fixed_r) = player(false);
    let t0 = Instant::now();
    for turn in 0..3 {
        let at = t0 + Duration::from_secs(60 * turn);
        let (audio, _) = speech(20 * CHUNK, turn + 1);
        let a = play_audio(&mut adaptive_w, &mut adaptive_r, at, &audio, 5.0).stats;
        let f = play_audio(&mut fixed_w, &mut fixed_r, at, &audio, 5.0).stats;
        assert_eq!(
            f.start_delay, 0,
            "the first 100 ms chunk is over the 80 ms threshold"
        );
        if turn == 0 {
            // The first reply of a session waits for its rate: the second chunk, 20 ms on.
            assert_eq!(ms(a.start_delay), 20.0, "reply 1");
        } else {
            assert_eq!(a.start_delay, f.start_delay, "reply {}", turn + 1);
        }
        assert_eq!((a.underruns, f.underruns), (0, 0));
        assert_eq!((a.pauses, a.paused), (0, 0));
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
fn a_lone_first_chunk_waits_for_the_rate_at_most_a_second_unless_the_threshold_is_zero() {
    let mut buf = [0i16; PERIOD];
    let (mut w, mut r) = player(true);
    w.push(&[100; CHUNK]);
    let mut silent = 0;
    while r.read(&mut buf) == 0 {
        silent += 1;
        assert!(silent < 1000, "never started");
    }
    assert_eq!(
        silent, 100,
        "a second (100 reads of 10 ms) without a second chunk"
    );
    // A zero threshold asks for no buffering: the first chunk plays at once.
    let (mut w, mut r) = Player::new(PlayerConfig {
        start_threshold: Duration::ZERO,
        ..PlayerConfig::default()
    })
    .unwrap()
    .split();
    w.push(&[100; CHUNK]);
    assert_eq!(r.read(&mut buf), PERIOD);
    // So does a first chunk holding 300 ms (a gap to pause at is likely in it).
    let (mut w, mut r) = player(true);
    w.push(&[100; 3 * CHUNK]);
    assert_eq!(r.read(&mut buf), PERIOD);
    // And a short reply that ends with its first chunk ("Yes."): the end is known, nothing
    // is left to measure, it plays at once.
    let (mut w, mut r) = player(true);
    w.push(&[100; CHUNK]);
    assert_eq!(r.read(&mut buf), 0, "waiting for the rate");
    w.end_turn();
    assert_eq!(r.read(&mut buf), PERIOD, "the reply's end starts it");
}

#[test]
fn reading_allocates_nothing_and_takes_no_lock() {
    // A 48 kHz stereo device playing a first reply at 0.7x, so that the reads go through the
    // wait for the rate, the start, the pauses at word gaps and the resumptions; the writer's
    // pushes (which may allocate) happen between the measured reads, on the same clock.
    let (mut w, mut r) = Player::new(PlayerConfig::for_device(48_000, 2))
        .unwrap()
        .split();
    let t0 = Instant::now();
    let (audio, _) = speech(20 * CHUNK, 5);
    let mut buf = vec![0i16; 480 * 2];
    let mut fbuf = vec![0f32; 480 * 2];
    let (mut allocs, mut played, mut next) = (0, 0, 0);
    for tick in 0..400u64 {
        let now = Duration::from_millis(10 * tick);
        let due = Duration::from_secs_f64((next * CHUNK) as f64 / RATE as f64 / 0.7);
        if next < 20 && due <= now {
            w.push_at(&audio[next * CHUNK..(next + 1) * CHUNK], t0 + due);
            next += 1;
            if next == 20 {
                w.end_turn();
            }
        }
        let (a, n) = allocations_during(|| {
            // Every other tick as floats: both paths, 10 ms a tick.
            let n = if tick % 2 == 0 {
                r.read(&mut buf)
            } else {
                r.read_f32(&mut fbuf)
            };
            let _ = r.stats();
            n
        });
        allocs += a;
        played += n;
    }
    let s = r.stats();
    assert!(s.pauses > 0 && s.start_delay > 0, "{s:?}");
    assert!(played > 95_000, "2 s at 48 kHz: {played}");
    assert_eq!(allocs, 0, "allocations in the device callback's calls");
}
