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

use crate::audio::{chunk, median, ours_upload_with, per_audio_minute, PERIOD};
use crate::raw::{decode_reply_audio, Raw};
use crate::report::{Row, Target};
use crate::sys::{process_cpu, sleep_until};
use std::time::{Duration, Instant};

/// Server directives: a VAD-style reply every second, and 50 reply audio chunks per second.
const DUPLEX: &str = "turn_every=50;inbound=50";

pub fn run(port: u16, quick: bool) -> Vec<Row> {
    let n: u64 = if quick { 100 } else { 500 };
    let rounds = if quick { 1 } else { 5 };
    let (mut ours, mut live, mut deferred) = (Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        let (_, oc) = ours_upload_with(port, n, true, DUPLEX);
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

/// The fair floor: sends at every tick; between ticks waits in `poll` for the socket and
/// reads and decodes every message as it arrives. Returns (wall time, process CPU).
fn raw_live(port: u16, n: u64) -> (Duration, Duration) {
    use rustix::event::{PollFd, PollFlags};
    let (r, _) = Raw::connect(port, DUPLEX);
    let mut ws = r.ws;
    let pcm = chunk();
    std::thread::sleep(Duration::from_millis(100));
    ws.get_mut().set_nonblocking(true).expect("nonblocking");
    let would_block = |e: &tungstenite::Error| matches!(e, tungstenite::Error::Io(e) if e.kind() == std::io::ErrorKind::WouldBlock);
    let cpu0 = process_cpu();
    let t0 = Instant::now();
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
    let pcm = chunk();
    std::thread::sleep(Duration::from_millis(100));
    let cpu0 = process_cpu();
    let t0 = Instant::now();
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
