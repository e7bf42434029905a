//! Scenario 3c: full duplex, as a voice app runs: 16 kHz audio up at real time while the
//! server streams 24 kHz reply audio down at real time (50 chunks a second each way), every
//! reply chunk decoded (JSON, then base64) on both sides. Interleaved rounds; medians.
//!
//! The floor does the same work as our session with the same latency: one thread that sends
//! a chunk every 20 ms and, between ticks, waits in `poll` for the socket and reads and
//! decodes each message as it arrives (as `raw_send_path` does). A floor that reads only at
//! its send ticks ("deferred", the comparison until 2026-12-05) saves a wake-up per reply
//! chunk by holding each one back for up to 20 ms, which no real-time client may do: it is
//! kept as an information row.
//!
//! Phase: every client starts its send ticks half a period after a reply chunk arrived, so
//! they fall midway between the server's. Left to chance (as until 2026-12-05), a
//! single-threaded floor whose ticks happened to line up with the server's handled a tick and
//! a reply chunk in one wake-up: 595 wake-ups per 500 ticks in one round, 1,000 in the next,
//! and its CPU moved from 50 to 93 us per tick with it; the ratio followed the luck.

use crate::audio::{chunk, median, per_audio_minute, PERIOD};
use crate::raw::{decode_reply_audio, parse_count, Raw};
use crate::report::{Row, Target};
use crate::sys::{process_cpu, sleep_until};
use gemini_live::{Event, Session};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Reply chunks each client takes before it starts (about 100 ms, as the other scenarios
/// wait), the last of which sets the phase of its send ticks.
const WARM_UP_CHUNKS: u64 = 5;

/// The first send tick: half a period after `arrival` (a reply chunk's), the first such
/// point that is still ahead.
fn first_tick(arrival: Instant) -> Instant {
    let mut t = arrival + PERIOD / 2;
    while t < Instant::now() {
        t += PERIOD;
    }
    t
}

/// Server directives: a VAD-style reply every second, and 50 reply audio chunks per second.
const DUPLEX: &str = "turn_every=50;inbound=50";

pub fn run(port: u16, quick: bool) -> Vec<Row> {
    let n: u64 = if quick { 100 } else { 500 };
    let rounds = if quick { 1 } else { 5 };
    let (mut ours, mut live, mut deferred) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        let (_, oc) = ours_duplex(port, n);
        ours.push(per_audio_minute(oc, n));
        let (_, rc) = raw_live(port, n);
        live.push(per_audio_minute(rc, n));
        let (_, dc) = raw_deferred(port, n);
        deferred.push(per_audio_minute(dc, n));
    }
    let sc = format!("3c full duplex, 50/s up + 50/s reply audio down (n={n}, {rounds} rounds)");
    let ours = median(ours);
    vec![
        Row::new(
            &sc,
            "CPU per audio minute, median",
            "s",
            Target::RatioMax(1.1),
        )
        .both(ours, median(live)),
        Row::new(
            &sc,
            "CPU per audio minute, median, against a floor that reads only at its send ticks",
            "s",
            Target::Info,
        )
        .both(ours, median(deferred)),
    ]
}

/// Our session: this thread sends a chunk every 20 ms; an application thread takes every
/// event (`Event::Audio` carries the decoded reply chunk). Returns (wall time, process CPU).
fn ours_duplex(port: u16, n: u64) -> (Duration, Duration) {
    let s = Session::connect(crate::config(port, DUPLEX)).expect("connect");
    let pcm = chunk();
    let (tx, rx) = crossbeam_channel::unbounded();
    let base = Instant::now();
    // Reply chunks taken so far, and when the last one was (ns after `base`).
    let (chunks, last) = (AtomicU64::new(0), AtomicU64::new(0));
    std::thread::scope(|scope| {
        scope.spawn(|| {
            for ev in s.events() {
                match &ev {
                    Event::Audio(a) => {
                        std::hint::black_box(a.data.len());
                        last.store(base.elapsed().as_nanos() as u64, Ordering::SeqCst);
                        chunks.fetch_add(1, Ordering::SeqCst);
                    }
                    Event::Text(t) => {
                        if let Some(n) = parse_count(t) {
                            let _ = tx.send(n);
                        }
                    }
                    _ => {}
                }
            }
        });
        let give_up = Instant::now() + Duration::from_secs(10);
        while chunks.load(Ordering::SeqCst) < WARM_UP_CHUNKS {
            assert!(Instant::now() < give_up, "reply audio came down");
            std::thread::sleep(Duration::from_millis(1));
        }
        let t0 = first_tick(base + Duration::from_nanos(last.load(Ordering::SeqCst)));
        sleep_until(t0);
        let cpu0 = process_cpu();
        for i in 0..n {
            sleep_until(t0 + PERIOD * i as u32);
            s.send_audio_bytes(&pcm).expect("send");
        }
        s.send_text("count").expect("send");
        let got = rx.recv_timeout(Duration::from_secs(30)).expect("count");
        let out = (t0.elapsed(), process_cpu() - cpu0);
        assert_eq!(got, n, "the server received every chunk");
        s.close().expect("close");
        out
    })
}

/// Reads (blocking) until [`WARM_UP_CHUNKS`] reply chunks arrived; returns when the last did.
fn warm_up(r: &mut Raw) -> Instant {
    let mut seen = 0;
    loop {
        if let tungstenite::Message::Text(t) = r.ws.read().expect("raw: read") {
            if decode_reply_audio(t.as_str()) > 0 {
                seen += 1;
                if seen == WARM_UP_CHUNKS {
                    return Instant::now();
                }
            }
        }
    }
}

/// The fair floor: sends at every tick; between ticks waits in `poll` for the socket and
/// reads and decodes every message as it arrives. Returns (wall time, process CPU).
fn raw_live(port: u16, n: u64) -> (Duration, Duration) {
    use rustix::event::{PollFd, PollFlags};
    let (mut r, _) = Raw::connect(port, DUPLEX);
    let t0 = first_tick(warm_up(&mut r));
    let mut ws = r.ws;
    let pcm = chunk();
    ws.get_mut().set_nonblocking(true).expect("nonblocking");
    let would_block = |e: &tungstenite::Error| matches!(e, tungstenite::Error::Io(e) if e.kind() == std::io::ErrorKind::WouldBlock);
    sleep_until(t0);
    let cpu0 = process_cpu();
    let mut decoded = 0;
    for i in 0..n {
        sleep_until(t0 + PERIOD * i as u32);
        match ws.write(tungstenite::Message::text(crate::raw::audio_json(&pcm))) {
            Ok(()) => {}
            Err(e) if would_block(&e) => {}
            Err(e) => panic!("raw write: {e}"),
        }
        loop {
            match ws.flush() {
                Ok(()) => break,
                Err(e) if would_block(&e) => {
                    let mut fds = [PollFd::new(ws.get_ref(), PollFlags::OUT)];
                    let _ = rustix::event::poll(&mut fds, None);
                }
                Err(e) => panic!("raw flush: {e}"),
            }
        }
        let next = t0 + PERIOD * (i + 1) as u32;
        loop {
            match ws.read() {
                Ok(tungstenite::Message::Text(t)) => {
                    decoded += decode_reply_audio(t.as_str());
                    continue;
                }
                Ok(_) => continue,
                Err(e) if would_block(&e) => {}
                Err(e) => panic!("raw read: {e}"),
            }
            let left = next.saturating_duration_since(Instant::now());
            if left.is_zero() {
                break;
            }
            let ts = rustix::event::Timespec {
                tv_sec: left.as_secs() as i64,
                tv_nsec: left.subsec_nanos() as _,
            };
            let mut fds = [PollFd::new(ws.get_ref(), PollFlags::IN)];
            let _ = rustix::event::poll(&mut fds, Some(&ts));
        }
    }
    ws.get_mut().set_nonblocking(false).expect("blocking");
    let mut r = Raw { ws };
    let got = r.count();
    let out = (t0.elapsed(), process_cpu() - cpu0);
    assert_eq!(got, n, "the server received every chunk");
    assert!(decoded > 0, "reply audio came down");
    r.close();
    out
}

/// The deferred floor: one thread sends a chunk every 20 ms and, only then, reads and decodes
/// what arrived meanwhile.
fn raw_deferred(port: u16, n: u64) -> (Duration, Duration) {
    let (mut r, _) = Raw::connect(port, DUPLEX);
    let t0 = first_tick(warm_up(&mut r));
    let pcm = chunk();
    sleep_until(t0);
    let cpu0 = process_cpu();
    let mut decoded = 0;
    for i in 0..n {
        sleep_until(t0 + PERIOD * i as u32);
        r.send_audio(&pcm);
        decoded += r.drain_audio();
    }
    let got = r.count();
    let out = (t0.elapsed(), process_cpu() - cpu0);
    assert_eq!(got, n, "the server received every chunk");
    assert!(decoded > 0, "reply audio came down");
    r.close();
    out
}
