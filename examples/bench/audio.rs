//! Scenarios 3 and 4: audio upload (flat out and paced) and the send path under load.

use crate::raw::{parse_count, Raw};
use crate::report::{quantile, us, Row, Target};
use crate::sys::{process_cpu, sleep_until};
use gemini_live::{Event, Session};
use std::time::{Duration, Instant};

/// 20 ms of 16 kHz PCM16: 320 samples, 640 bytes.
pub fn chunk() -> Vec<u8> {
    (0..320i32)
        .flat_map(|i| (((i * 97) % 2000 - 1000) as i16).to_le_bytes())
        .collect()
}

pub const PERIOD: Duration = Duration::from_millis(20);

/// Drains a session's events until it closes, sending each `audio N` count reply to `tx`.
pub fn pump(s: &Session, tx: crossbeam_channel::Sender<u64>) {
    for ev in s.events() {
        if let Event::Text(t) = &ev {
            if let Some(n) = parse_count(t) {
                let _ = tx.send(n);
            }
        }
    }
}

/// CPU seconds per minute of audio for `chunks` 20 ms chunks that cost `cpu`.
pub fn per_audio_minute(cpu: Duration, chunks: u64) -> f64 {
    cpu.as_secs_f64() / (chunks as f64 * 0.02 / 60.0)
}

/// Sends `n` chunks through our session (flat out, or paced at real time) and waits until
/// the server confirms all arrived; returns (wall time, process CPU).
fn ours_upload(port: u16, n: u64, paced: bool) -> (Duration, Duration) {
    ours_upload_with(port, n, paced, "turn_every=50")
}

/// As [`ours_upload`], with the server's behaviour given by `directives` (e.g. reply audio
/// streaming down meanwhile: full duplex; the session decodes it into `Event::Audio`).
fn ours_upload_with(port: u16, n: u64, paced: bool, directives: &str) -> (Duration, Duration) {
    let s = Session::connect(crate::config(port, directives)).expect("connect");
    let pcm = chunk();
    let (tx, rx) = crossbeam_channel::unbounded();
    std::thread::scope(|scope| {
        scope.spawn(|| pump(&s, tx));
        std::thread::sleep(Duration::from_millis(100));
        let cpu0 = process_cpu();
        let t0 = Instant::now();
        for i in 0..n {
            if paced {
                sleep_until(t0 + PERIOD * i as u32);
            }
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

fn raw_upload(port: u16, n: u64, paced: bool) -> (Duration, Duration) {
    let (mut r, _) = Raw::connect(port, "turn_every=50");
    let pcm = chunk();
    std::thread::sleep(Duration::from_millis(100));
    let cpu0 = process_cpu();
    let t0 = Instant::now();
    for i in 0..n {
        if paced {
            sleep_until(t0 + PERIOD * i as u32);
        }
        r.send_audio(&pcm);
    }
    let got = r.count();
    let out = (t0.elapsed(), process_cpu() - cpu0);
    assert_eq!(got, n, "the server received every chunk");
    r.close();
    out
}

pub fn upload(port: u16, quick: bool) -> Vec<Row> {
    // Flat out: interleaved rounds (each takes a fraction of a second), the median of each.
    let n: u64 = if quick { 6_000 } else { 30_000 };
    let rounds = if quick { 3 } else { 7 };
    let (mut ours_rate, mut raw_rate, mut ours_cpu, mut raw_cpu) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..rounds {
        let (ow, oc) = ours_upload(port, n, false);
        let (rw, rc) = raw_upload(port, n, false);
        ours_rate.push(n as f64 / ow.as_secs_f64());
        raw_rate.push(n as f64 / rw.as_secs_f64());
        ours_cpu.push(per_audio_minute(oc, n));
        raw_cpu.push(per_audio_minute(rc, n));
    }
    let sc = format!("3 audio upload, flat out (n={n}, {rounds} rounds)");
    let mut rows = vec![
        Row::new(
            &sc,
            "chunks per second, median",
            "1/s",
            Target::RatioMin(1.0),
        )
        .both(median(ours_rate), median(raw_rate)),
        Row::new(&sc, "CPU per audio minute, median", "s", Target::Max(0.02))
            .both(median(ours_cpu), median(raw_cpu)),
    ];
    let n: u64 = if quick { 100 } else { 500 };
    let (_, oc) = ours_upload(port, n, true);
    let (_, rc) = raw_upload(port, n, true);
    let sc = format!("3 audio upload, paced 50/s (n={n})");
    rows.push(
        Row::new(&sc, "CPU per audio minute", "s", Target::RatioMax(1.1))
            .both(per_audio_minute(oc, n), per_audio_minute(rc, n)),
    );
    rows
}

/// The median of `v` (the upper one of an even count).
pub fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

/// Our send path: `n` chunks at 50/s; returns (p99, max, app lateness max) in us.
fn ours_send_path(port: u16, directives: &str, n: u64) -> (f64, f64, f64, u64) {
    let s = Session::connect(crate::config(port, directives)).expect("connect");
    let pcm = chunk();
    let (tx, _rx) = crossbeam_channel::unbounded();
    std::thread::scope(|scope| {
        scope.spawn(|| pump(&s, tx));
        std::thread::sleep(Duration::from_millis(300));
        let t0 = Instant::now();
        let mut late = Duration::ZERO;
        for i in 0..n {
            let due = t0 + PERIOD * i as u32;
            sleep_until(due);
            late = late.max(due.elapsed());
            s.send_audio_bytes(&pcm).expect("send");
        }
        let deadline = Instant::now() + Duration::from_secs(5);
        while s.metrics().send_latency.count() < n && Instant::now() < deadline {
            std::thread::sleep(Duration::from_millis(2));
        }
        let m = s.metrics();
        let h = &m.send_latency;
        assert_eq!(h.count(), n, "every chunk was flushed");
        let received = m.messages_received;
        s.close().expect("close");
        (
            us(h.quantile(0.99).unwrap_or_default()),
            us(h.max().unwrap_or_default()),
            us(late),
            received,
        )
    })
}

/// The raw floor's send path: one thread, non-blocking socket, `poll` between ticks; each
/// chunk's latency runs from its tick to the flush returning.
fn raw_send_path(port: u16, directives: &str, n: u64) -> (f64, f64) {
    use rustix::event::{PollFd, PollFlags};
    let (r, _) = Raw::connect(port, directives);
    let mut ws = r.ws;
    ws.get_mut().set_nonblocking(true).expect("nonblocking");
    let pcm = chunk();
    let would_block = |e: &tungstenite::Error| matches!(e, tungstenite::Error::Io(e) if e.kind() == std::io::ErrorKind::WouldBlock);
    let mut lat = Vec::with_capacity(n as usize);
    let settle = Instant::now() + Duration::from_millis(300);
    let t0 = settle;
    let mut i = 0;
    loop {
        let due = t0 + PERIOD * i as u32;
        let now = Instant::now();
        if i < n && now >= due {
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
            lat.push(due.elapsed());
            i += 1;
            if i == n {
                break;
            }
            continue;
        }
        let mut drained = false;
        for _ in 0..16 {
            match ws.read() {
                Ok(_) => {}
                Err(e) if would_block(&e) => {
                    drained = true;
                    break;
                }
                Err(e) => panic!("raw read: {e}"),
            }
        }
        if drained {
            let left = due.saturating_duration_since(Instant::now());
            let ts = rustix::event::Timespec {
                tv_sec: left.as_secs() as i64,
                tv_nsec: left.subsec_nanos() as _,
            };
            let mut fds = [PollFd::new(ws.get_ref(), PollFlags::IN)];
            let _ = rustix::event::poll(&mut fds, Some(&ts));
        }
    }
    let _ = ws.get_mut().set_nonblocking(false);
    let _ = ws.close(None);
    let _ = ws.flush();
    (us(quantile(&lat, 0.99)), us(quantile(&lat, 1.0)))
}

pub fn send_path(port: u16, quick: bool) -> Vec<Row> {
    let n: u64 = if quick { 100 } else { 250 };
    let mut rows = Vec::new();
    for (name, d, rounds) in [
        ("reader idle", "", 1),
        ("50 inbound/s", "inbound=50", 1),
        // The goal's case (issue 20): interleaved rounds, the median of their p99s.
        ("inbound flood", "inbound=flood", if quick { 1 } else { 3 }),
    ] {
        let (mut p99s, mut rp99s) = (Vec::new(), Vec::new());
        let (mut max, mut rmax, mut late, mut received) = (0f64, 0f64, 0f64, 0);
        for _ in 0..rounds {
            let (p99, m, l, r) = ours_send_path(port, d, n);
            let (rp99, rm) = raw_send_path(port, d, n);
            p99s.push(p99);
            rp99s.push(rp99);
            max = max.max(m);
            rmax = rmax.max(rm);
            late = late.max(l);
            received += r;
        }
        let sc = if rounds > 1 {
            format!("4 send path, {name} (n={n} at 50/s, {rounds} rounds)")
        } else {
            format!("4 send path, {name} (n={n} at 50/s)")
        };
        let p99_name = if rounds > 1 {
            "send -> flush p99, median of rounds"
        } else {
            "send -> flush p99"
        };
        rows.push(
            Row::new(&sc, p99_name, "us", Target::Max(5000.0))
                .both(median(p99s.clone()), median(rp99s.clone())),
        );
        if rounds > 1 {
            let worst = |v: &[f64]| v.iter().copied().fold(0f64, f64::max);
            rows.push(
                Row::new(&sc, "send -> flush p99, worst round", "us", Target::Info)
                    .both(worst(&p99s), worst(&rp99s)),
            );
        }
        rows.push(Row::new(&sc, "send -> flush max", "us", Target::Max(20_000.0)).both(max, rmax));
        rows.push(Row::new(&sc, "app thread wake lateness max", "us", Target::Info).ours(late));
        rows.push(
            Row::new(&sc, "messages received meanwhile", "", Target::Info).ours(received as f64),
        );
    }
    rows
}
