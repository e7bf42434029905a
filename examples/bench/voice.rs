//! Voice in the field (scenarios `voice` and `pacing`).
//!
//! `voice`: CPU per real-time stream of the telephony converters (8 kHz G.711 -> 16 kHz and
//! 24 kHz -> 8 kHz G.711, in 20 ms frames) and of the client VAD, as a percentage of one core:
//! thread CPU for a minute of audio pushed through as fast as it goes, divided by a minute.
//!
//! `pacing`: the player against the fake server sending a 2 s reply at 0.7x and at 5x real
//! time (`FakeOptions::audio_pace`), played by a device thread reading 10 ms every 10 ms:
//! underruns and start delay per reply, with the adaptive start and without it (a fixed
//! 80 ms threshold), and the least start delay that avoids underruns for the arrival times
//! seen (from the chunks' measured arrival times).

use crate::report::Row;
use crate::report::Target;
use crate::sys::process_cpu;
use gemini_live::audio::{PhoneIn, PhoneOut, Player, PlayerConfig, Vad, VadConfig, G711};
use gemini_live::fake::{FakeOptions, FakeServer};
use gemini_live::{Config, Event, ResponseMode, Session};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Speech-band test audio: two tones.
fn signal(rate: u32, secs: f64) -> Vec<i16> {
    let n = (f64::from(rate) * secs) as usize;
    (0..n)
        .map(|i| {
            let t = i as f64 / f64::from(rate);
            let s = 0.3 * (2.0 * std::f64::consts::PI * 310.0 * t).sin()
                + 0.2 * (2.0 * std::f64::consts::PI * 1300.0 * t).sin();
            (s * 32767.0) as i16
        })
        .collect()
}

/// The median of `v` (sorted in place).
fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// CPU of `f` over `secs` of audio, as a percentage of one core in real time.
fn cpu_percent(secs: f64, f: impl FnOnce()) -> f64 {
    let cpu = process_cpu();
    f();
    (process_cpu() - cpu).as_secs_f64() / secs * 100.0
}

pub fn voice(quick: bool) -> Vec<Row> {
    let secs = if quick { 10.0 } else { 60.0 };
    let sc = "voice";
    let law = G711::MuLaw;
    let phone: Vec<u8> = signal(8000, secs).iter().map(|&s| law.encode(s)).collect();
    let model = signal(24_000, secs);
    let mut rows = Vec::new();

    let mut pin = PhoneIn::new(law).expect("phone in");
    let mut out = vec![0i16; 1024];
    let phone_in = cpu_percent(secs, || {
        for frame in phone.chunks(160) {
            let n = pin.process(frame, &mut out).unwrap_or(0);
            std::hint::black_box(&out[..n]);
        }
    });
    rows.push(
        Row::new(
            sc,
            "telephony in (8k G.711 -> 16k): CPU per stream",
            "% core",
            Target::Max(5.0),
        )
        .ours(phone_in),
    );

    let mut pout = PhoneOut::with_law(law).expect("phone out");
    let mut frame = [0u8; 160];
    let phone_out = cpu_percent(secs, || {
        for chunk in model.chunks(480) {
            pout.push(chunk);
            while pout.pop_frame(&mut frame) {
                std::hint::black_box(&frame);
            }
        }
    });
    rows.push(
        Row::new(
            sc,
            "telephony out (24k -> 8k G.711): CPU per stream",
            "% core",
            Target::Max(5.0),
        )
        .ours(phone_out),
    );

    // The client VAD against its floor, the model alone (fast onset path off), in interleaved
    // rounds (the machine is shared): medians.
    let mic = signal(16_000, secs);
    let vad_cpu = |fast_onset: bool| {
        let mut vad = Vad::new(&VadConfig {
            fast_onset,
            ..VadConfig::default()
        })
        .expect("vad");
        let mut events = 0u64;
        let cpu = cpu_percent(secs, || {
            for chunk in mic.chunks(320) {
                vad.process(chunk, |_| events += 1);
            }
        });
        std::hint::black_box(events);
        cpu
    };
    let (mut ours, mut model) = (Vec::new(), Vec::new());
    for round in 0..if quick { 3 } else { 7 } {
        if round % 2 == 0 {
            ours.push(vad_cpu(true));
            model.push(vad_cpu(false));
        } else {
            model.push(vad_cpu(false));
            ours.push(vad_cpu(true));
        }
    }
    rows.push(
        Row::new(
            sc,
            "client VAD (16k; model + fast onset path, 8 ms steps): CPU per stream; raw = \
             the model alone",
            "% core",
            Target::Max(5.0),
        )
        .ours(median(&mut ours))
        .raw(median(&mut model)),
    );
    rows
}

/// What one reply did: chunk arrival times (s after the first), underruns, start delay (s).
struct Reply {
    arrivals: Vec<f64>,
    underruns: u64,
    start_delay: f64,
}

/// The least start delay (s after the first chunk) that avoids underruns for these arrivals
/// of 100 ms chunks, rounded up to the device's 10 ms period.
fn least(arrivals: &[f64]) -> f64 {
    let need = arrivals
        .iter()
        .enumerate()
        .map(|(k, a)| a - k as f64 * 0.1)
        .fold(0.0, f64::max);
    (need * 100.0).ceil() / 100.0
}

/// Three 2 s replies from a fake pacing its audio at `pace`, played with or without the
/// adaptive start.
fn replies(pace: f64, adaptive: bool) -> Vec<Reply> {
    let server = FakeServer::start(FakeOptions {
        audio_reply_ms: 2000,
        audio_chunk_ms: 100,
        audio_pace: pace,
        ..FakeOptions::default()
    })
    .expect("fake server");
    let config = Config::default()
        .with_endpoint(server.endpoint())
        .with_response_mode(ResponseMode::Audio);
    let session = Session::connect(config).expect("connect");
    let (mut w, mut r) = Player::new(PlayerConfig {
        adaptive_start: adaptive,
        ..PlayerConfig::default()
    })
    .expect("player")
    .split();
    let stop = Arc::new(AtomicBool::new(false));
    let device_stop = stop.clone();
    let device = std::thread::spawn(move || {
        let mut buf = [0i16; 240];
        let t0 = Instant::now();
        let mut i = 0u64;
        while !device_stop.load(Ordering::Relaxed) {
            r.read(&mut buf);
            i += 1;
            if let Some(d) =
                (t0 + Duration::from_millis(10 * i)).checked_duration_since(Instant::now())
            {
                std::thread::sleep(d);
            }
        }
    });
    let monitor = w.monitor();
    let mut out = Vec::new();
    for _ in 0..3 {
        let before = monitor.stats().underruns;
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
        out.push(Reply {
            arrivals,
            underruns: s.underruns - before,
            start_delay: s.start_delay_duration().as_secs_f64(),
        });
    }
    stop.store(true, Ordering::Relaxed);
    let _ = device.join();
    let _ = session.close();
    out
}

pub fn pacing(_quick: bool) -> Vec<Row> {
    let sc = "pacing";
    let mut rows = Vec::new();
    for pace in [0.7, 5.0] {
        for adaptive in [true, false] {
            let how = if adaptive { "adaptive" } else { "fixed 80 ms" };
            for (i, r) in replies(pace, adaptive).iter().enumerate() {
                let name = format!("{pace}x, {how}, reply {}", i + 1);
                rows.push(
                    Row::new(sc, &format!("{name}: underruns"), "", Target::Info)
                        .ours(r.underruns as f64),
                );
                rows.push(
                    Row::new(sc, &format!("{name}: start delay"), "ms", Target::Info)
                        .ours(r.start_delay * 1000.0)
                        .raw(least(&r.arrivals) * 1000.0),
                );
            }
        }
    }
    rows
}
