//! Playback that does not stall (scenario `pacing`): the player against the fake server
//! sending 2 s replies in words (`FakeOptions::audio_words`) at 0.7x and at 5x real time
//! (`FakeOptions::audio_pace`), played by a device thread reading 10 ms every 10 ms. Per reply:
//! underruns, start delay, pauses at word gaps and the silence they added, with the adaptive
//! start and without it (a fixed 80 ms threshold). The floor ("raw") is the least silence
//! that avoids underruns for the chunk arrival times measured in that reply: the least start
//! delay on the device's 10 ms grid (no playout can end before the last chunk has arrived and
//! played, so pauses cannot need less). Rounds are interleaved (every player and pace once
//! per round) and the figures are medians over the rounds.

use crate::report::{Row, Target};
use gemini_live::audio::{Player, PlayerConfig};
use gemini_live::fake::{FakeOptions, FakeServer};
use gemini_live::{Config, Event, ResponseMode, Session};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Replies per session: the first has nothing to go by, the later ones the one before.
const REPLIES: usize = 3;

/// What one reply did (times in ms).
#[derive(Clone, Copy, Default)]
struct Reply {
    underruns: f64,
    start_delay: f64,
    pauses: f64,
    /// Start delay, pauses and underruns: the silence the reply added.
    silence: f64,
    /// The least silence that avoids underruns, from the measured arrivals.
    least: f64,
}

/// The least start delay (ms after the first chunk) that avoids underruns for these arrivals
/// (s after the first) of 100 ms chunks, rounded up to the device's 10 ms period.
fn least(arrivals: &[f64]) -> f64 {
    let need = arrivals
        .iter()
        .enumerate()
        .map(|(k, a)| a - k as f64 * 0.1)
        .fold(0.0, f64::max);
    (need * 100.0).ceil() * 10.0
}

/// A device thread reading 10 ms every 10 ms until `stop`.
fn device(mut r: gemini_live::audio::PlayerReader, stop: Arc<AtomicBool>) {
    let mut buf = [0i16; 240];
    let t0 = Instant::now();
    let mut i = 0u64;
    while !stop.load(Ordering::Relaxed) {
        r.read(&mut buf);
        i += 1;
        if let Some(d) = (t0 + Duration::from_millis(10 * i)).checked_duration_since(Instant::now())
        {
            std::thread::sleep(d);
        }
    }
}

/// `REPLIES` 2 s replies from a fake pacing its audio at `pace`, played with or without the
/// adaptive start.
fn replies(pace: f64, adaptive: bool) -> Vec<Reply> {
    let server = FakeServer::start(FakeOptions {
        audio_reply_ms: 2000,
        audio_chunk_ms: 100,
        audio_pace: pace,
        audio_words: true,
        ..FakeOptions::default()
    })
    .expect("fake server");
    let config = Config::default()
        .with_endpoint(server.endpoint())
        .with_response_mode(ResponseMode::Audio);
    let session = Session::connect(config).expect("connect");
    let (mut w, r) = Player::new(PlayerConfig {
        adaptive_start: adaptive,
        ..PlayerConfig::default()
    })
    .expect("player")
    .split();
    let stop = Arc::new(AtomicBool::new(false));
    let device_stop = stop.clone();
    let device = std::thread::spawn(move || device(r, device_stop));
    let monitor = w.monitor();
    let ms = |samples: u64| samples as f64 / 24.0;
    let mut out = Vec::new();
    for _ in 0..REPLIES {
        let before = monitor.stats();
        session.send_text("say something").expect("send");
        let mut arrivals = Vec::new();
        let mut first = None;
        loop {
            let Ok(Some(ev)) = session.next_event(Duration::from_secs(30)) else {
                panic!("no reply from the fake");
            };
            if matches!(ev, Event::Audio(_)) {
                let now = Instant::now();
                let f = *first.get_or_insert(now);
                arrivals.push((now - f).as_secs_f64());
            }
            w.handle_event(&ev);
            if matches!(ev, Event::TurnComplete { .. }) {
                break;
            }
        }
        let deadline = Instant::now() + Duration::from_secs(10);
        while monitor.stats().buffered > 0 && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(10));
        }
        std::thread::sleep(Duration::from_millis(50));
        let s = monitor.stats();
        let paused = ms(s.paused - before.paused);
        let dry = ms(s.underrun_samples - before.underrun_samples);
        out.push(Reply {
            underruns: (s.underruns - before.underruns) as f64,
            start_delay: ms(s.start_delay),
            pauses: (s.pauses - before.pauses) as f64,
            silence: ms(s.start_delay) + paused + dry,
            least: least(&arrivals),
        });
    }
    stop.store(true, Ordering::Relaxed);
    let _ = device.join();
    let _ = session.close();
    out
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => v[n / 2],
        n => (v[n / 2 - 1] + v[n / 2]) / 2.0,
    }
}

pub fn pacing(quick: bool) -> Vec<Row> {
    let sc = "pacing";
    let rounds = if quick { 1 } else { 3 };
    let runs = [(0.7, true), (0.7, false), (5.0, true), (5.0, false)];
    // rounds x runs x replies, interleaved: every run once per round.
    let mut seen: Vec<Vec<Vec<Reply>>> = vec![vec![Vec::new(); REPLIES]; runs.len()];
    for round in 0..rounds {
        for (i, &(pace, adaptive)) in runs.iter().enumerate() {
            eprintln!("pacing: round {}, {pace}x, adaptive {adaptive}", round + 1);
            for (k, r) in replies(pace, adaptive).into_iter().enumerate() {
                seen[i][k].push(r);
            }
        }
    }
    let med = |i: usize, k: usize, f: fn(&Reply) -> f64| median(seen[i][k].iter().map(f).collect());
    let mut rows = Vec::new();
    for (i, &(pace, adaptive)) in runs.iter().enumerate() {
        let how = if adaptive { "adaptive" } else { "fixed 80 ms" };
        for k in 0..REPLIES {
            let name = format!("{pace}x, {how}, reply {}", k + 1);
            let slow_adaptive = adaptive && pace < 1.0;
            let target = |t: Target| if adaptive { t } else { Target::Info };
            rows.push(
                Row::new(
                    sc,
                    &format!("{name}: underruns"),
                    "",
                    target(Target::Max(0.0)),
                )
                .ours(med(i, k, |r| r.underruns)),
            );
            rows.push(
                Row::new(
                    sc,
                    &format!("{name}: pauses at word gaps"),
                    "",
                    Target::Info,
                )
                .ours(med(i, k, |r| r.pauses)),
            );
            // The first slow reply pauses: its start is not the figure, its added silence
            // is (bounded by the least plus the 300 ms resume buffer and a 10 ms read).
            let start_target = match (slow_adaptive, k) {
                (true, 0) => Target::Info,
                (true, _) => Target::AddedMax(50.0),
                (false, _) => Target::Info,
            };
            rows.push(
                Row::new(sc, &format!("{name}: start delay"), "ms", start_target)
                    .ours(med(i, k, |r| r.start_delay))
                    .raw(med(i, k, |r| r.least)),
            );
            let silence_target = if slow_adaptive && k == 0 {
                Target::AddedMax(310.0)
            } else {
                Target::Info
            };
            rows.push(
                Row::new(sc, &format!("{name}: silence added"), "ms", silence_target)
                    .ours(med(i, k, |r| r.silence))
                    .raw(med(i, k, |r| r.least)),
            );
        }
    }
    rows
}
