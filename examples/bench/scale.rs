//! Scenarios 5 to 7: an idle session, many concurrent real-time sessions, and the soak.

use crate::audio::{chunk, pump, PERIOD};
use crate::raw::{parse_count, Raw};
use crate::report::{us, Row, Target};
use crate::sys::{process_cpu, raise_nofile, rss_kib, sleep_until, threads};
use gemini_live::{Session, State};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

pub fn idle(port: u16, quick: bool) -> Vec<Row> {
    let secs = if quick { 2 } else { 10 };
    let s = Session::connect(crate::config(port, "")).expect("connect");
    // The floor: a raw client's thread blocked in read.
    let (r, _) = Raw::connect(port, "");
    let ctl = r.ws.get_ref().try_clone().expect("clone");
    let raw = std::thread::Builder::new()
        .name("raw-idle".into())
        .spawn(move || {
            let mut r = r;
            let _ = r.ws.read();
        })
        .expect("spawn");
    std::thread::sleep(Duration::from_millis(300));
    let before = threads("");
    std::thread::sleep(Duration::from_secs(secs));
    let after = threads("");
    let delta = |name: &str| {
        let b = before
            .iter()
            .find(|t| t.name == name)
            .cloned()
            .unwrap_or_default();
        let a = after
            .iter()
            .find(|t| t.name == name)
            .cloned()
            .unwrap_or_default();
        (a.voluntary - b.voluntary, a.cpu.saturating_sub(b.cpu))
    };
    let (rx_w, rx_c) = delta("gemini-live-rx");
    let (tx_w, tx_c) = delta("gemini-live-tx");
    let (raw_w, raw_c) = delta("raw-idle");
    let _ = ctl.shutdown(std::net::Shutdown::Both);
    let _ = raw.join();
    s.close().expect("close");
    let sc = format!("5 idle session ({secs} s, no keepalive)");
    vec![
        Row::new(&sc, "wake-ups, reader + writer", "", Target::Max(0.0))
            .both((rx_w + tx_w) as f64, raw_w as f64),
        Row::new(&sc, "CPU, reader + writer", "us", Target::Info).both(us(rx_c + tx_c), us(raw_c)),
    ]
}

/// Per-session figures gathered after streaming.
#[derive(Default)]
struct Streamed {
    /// Upper bound of bucket -> count, merged over sessions.
    hist: BTreeMap<Duration, u64>,
    max: Duration,
    flushed: u64,
}

impl Streamed {
    fn p99(&self) -> Duration {
        let total: u64 = self.hist.values().sum();
        let rank = ((total as f64 * 0.99).ceil() as u64).max(1);
        let mut seen = 0;
        for (edge, c) in &self.hist {
            seen += c;
            if seen >= rank {
                return (*edge).min(self.max);
            }
        }
        self.max
    }
}

const GROUPS: u32 = 20;

/// Streams real-time audio to every client: `drivers` threads, sessions spread over
/// [`GROUPS`] 1 ms phase groups; returns (max lateness, sends late by more than a period).
fn drive<C: Sync>(
    clients: &[C],
    warm: Duration,
    window: Duration,
    send: impl Fn(&C, &[u8]) + Sync,
) -> (Duration, u64, Duration, u64) {
    let drivers = 2;
    let ticks = ((warm + window).as_millis() / PERIOD.as_millis()) as u32 + 5;
    let start = Instant::now() + Duration::from_millis(50);
    let pcm = chunk();
    let (mut cpu, mut rss) = (Duration::ZERO, 0);
    let results: Vec<(Duration, u64)> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..drivers)
            .map(|d| {
                let (send, pcm) = (&send, &pcm);
                scope.spawn(move || {
                    let mine: Vec<(usize, &C)> = clients
                        .iter()
                        .enumerate()
                        .filter(|(i, _)| i % drivers == d)
                        .collect();
                    let (mut max_late, mut late_count) = (Duration::ZERO, 0u64);
                    for k in 0..ticks {
                        for g in 0..GROUPS {
                            let due = start + PERIOD * k + PERIOD * g / GROUPS;
                            sleep_until(due);
                            for (i, c) in &mine {
                                if *i as u32 % GROUPS == g {
                                    send(c, pcm);
                                    let late = due.elapsed();
                                    max_late = max_late.max(late);
                                    late_count += u64::from(late > PERIOD);
                                }
                            }
                        }
                    }
                    (max_late, late_count)
                })
            })
            .collect();
        sleep_until(start + warm);
        let (cpu0, rss0) = (process_cpu(), rss_kib());
        sleep_until(start + warm + window);
        cpu = process_cpu() - cpu0;
        rss = rss_kib().max(rss0);
        handles
            .into_iter()
            .map(|h| h.join().expect("driver"))
            .collect()
    });
    let max_late = results.iter().map(|r| r.0).max().unwrap_or_default();
    let late = results.iter().map(|r| r.1).sum();
    (max_late, late, cpu, rss)
}

/// Connects `n` clients with two threads; returns them in order and the time it took.
fn connect_all<C: Send>(n: usize, connect: impl Fn() -> C + Sync) -> (Vec<C>, Duration) {
    let t0 = Instant::now();
    let mut all: Vec<C> = std::thread::scope(|scope| {
        let hs: Vec<_> = (0..2)
            .map(|k| {
                let connect = &connect;
                scope.spawn(move || {
                    (0..n)
                        .filter(|i| i % 2 == k)
                        .map(|_| connect())
                        .collect::<Vec<C>>()
                })
            })
            .collect();
        hs.into_iter()
            .flat_map(|h| h.join().expect("connect thread"))
            .collect()
    });
    all.truncate(n);
    (all, t0.elapsed())
}

pub fn scale(port: u16, quick: bool, n: usize, raw: bool) -> Vec<Row> {
    raise_nofile();
    let (warm, window) = if quick {
        (Duration::from_millis(500), Duration::from_secs(2))
    } else {
        (Duration::from_secs(2), Duration::from_secs(10))
    };
    let sc = format!("6 scale, {n} sessions streaming real-time audio");
    let rss0 = rss_kib();
    let chunks_in_window = n as f64 * window.as_secs_f64() / 0.02;
    let row = |metric: &str, unit: &str, t: Target, v: f64| {
        let r = Row::new(&sc, metric, unit, t);
        if raw {
            r.raw(v)
        } else {
            r.ours(v)
        }
    };
    let per_session_target = Target::Max(256.0);
    // The rows both clients report.
    let common_rows = |connect_time: Duration,
                       rss_idle: u64,
                       rss: u64,
                       cpu: Duration,
                       max_late: Duration,
                       late: u64| {
        vec![
            row(
                "connect all",
                "ms",
                Target::Info,
                connect_time.as_secs_f64() * 1e3,
            ),
            row(
                "RSS per session, connected idle",
                "KiB",
                Target::Info,
                (rss_idle - rss0) as f64 / n as f64,
            ),
            row(
                "RSS per session, streaming",
                "KiB",
                per_session_target,
                (rss - rss0) as f64 / n as f64,
            ),
            row(
                "CPU per audio minute",
                "s",
                Target::Info,
                cpu.as_secs_f64() / (chunks_in_window * 0.02 / 60.0),
            ),
            row(
                "CPU, all sessions",
                "% of one core",
                Target::Info,
                cpu.as_secs_f64() / window.as_secs_f64() * 100.0,
            ),
            row(
                "app send lateness max",
                "ms",
                Target::Max(20.0),
                max_late.as_secs_f64() * 1e3,
            ),
            row("sends late by > 20 ms", "", Target::Max(0.0), late as f64),
        ]
    };
    if raw {
        let (clients, connect_time) = connect_all(n, || {
            let (r, _) = Raw::connect(port, "turn_every=50");
            r.ws.get_ref().set_nonblocking(true).expect("nonblocking");
            parking_lot::Mutex::new(r)
        });
        let rss_idle = rss_kib();
        let (max_late, late, cpu, rss) = drive(&clients, warm, window, |c, pcm| {
            let mut r = c.lock();
            let _ =
                r.ws.send(tungstenite::Message::text(crate::raw::audio_json(pcm)));
            while r.ws.read().is_ok() {}
        });
        drop(clients);
        return common_rows(connect_time, rss_idle, rss, cpu, max_late, late);
    }
    let (sessions, connect_time) = connect_all(n, || {
        Session::connect(crate::config(port, "turn_every=50")).expect("connect")
    });
    let rss_idle = rss_kib();
    let (max_late, late, cpu, rss) = drive(&sessions, warm, window, |s, pcm| {
        if let Err(e) = s.try_send_audio_bytes_rate(pcm, 16_000) {
            panic!("send: {e}");
        }
        while let Ok(Some(_)) = s.try_next_event() {}
    });
    let mut st = Streamed::default();
    for s in &sessions {
        let m = s.metrics();
        assert_eq!(m.state, State::Connected);
        st.flushed += m.send_latency.count();
        st.max = st.max.max(m.send_latency.max().unwrap_or_default());
        for (edge, c) in m.send_latency.buckets() {
            *st.hist.entry(edge).or_default() += c;
        }
    }
    let t0 = Instant::now();
    std::thread::scope(|scope| {
        let mut rest = sessions;
        let half = rest.split_off(n / 2);
        scope.spawn(move || drop(half));
        drop(rest);
    });
    let close_time = t0.elapsed();
    let mut rows = common_rows(connect_time, rss_idle, rss, cpu, max_late, late);
    rows.extend([
        row(
            "send -> flush p99 (all sessions)",
            "ms",
            Target::Max(20.0),
            st.p99().as_secs_f64() * 1e3,
        ),
        row(
            "send -> flush max (all sessions)",
            "ms",
            Target::Max(20.0),
            st.max.as_secs_f64() * 1e3,
        ),
        row("messages flushed", "", Target::Info, st.flushed as f64),
        row(
            "close all",
            "ms",
            Target::Info,
            close_time.as_secs_f64() * 1e3,
        ),
    ]);
    rows
}

pub fn soak(port: u16, quick: bool, raw: bool) -> Vec<Row> {
    let n: u64 = if quick { 100_000 } else { 1_000_000 };
    let sc = format!("7 soak, {n} audio chunks flat out through one session");
    let pcm = chunk();
    let mut samples = Vec::new();
    let t0 = Instant::now();
    if raw {
        let (mut r, _) = Raw::connect(port, "turn_every=50");
        for i in 0..n {
            if i % (n / 10) == 0 {
                samples.push(rss_kib());
            }
            r.send_audio(&pcm);
        }
        assert_eq!(r.count(), n);
        samples.push(rss_kib());
        r.close();
    } else {
        let s = Session::connect(crate::config(port, "turn_every=50")).expect("connect");
        let (tx, rx) = crossbeam_channel::unbounded();
        std::thread::scope(|scope| {
            scope.spawn(|| pump(&s, tx));
            for i in 0..n {
                if i % (n / 10) == 0 {
                    samples.push(rss_kib());
                }
                s.send_audio_bytes(&pcm).expect("send");
            }
            s.send_text("count").expect("send");
            let got = rx.recv_timeout(Duration::from_secs(30)).expect("count");
            assert_eq!(got, n);
            samples.push(rss_kib());
            s.close().expect("close");
        });
    }
    let _ = parse_count;
    let secs = t0.elapsed().as_secs_f64();
    let after_warmup = samples[1];
    let end = *samples.last().unwrap_or(&0);
    let r = |metric: &str, unit: &str, t: Target, v: f64| {
        let row = Row::new(&sc, metric, unit, t);
        if raw {
            row.raw(v)
        } else {
            row.ours(v)
        }
    };
    eprintln!(
        "soak RSS samples (KiB, every {} chunks): {samples:?}",
        n / 10
    );
    vec![
        r(
            "RSS after 10% (warm)",
            "KiB",
            Target::Info,
            after_warmup as f64,
        ),
        r("RSS at end", "KiB", Target::Info, end as f64),
        r(
            "RSS growth, 10% -> end",
            "KiB",
            Target::Max(2048.0),
            end as f64 - after_warmup as f64,
        ),
        r("chunks per second", "1/s", Target::Info, n as f64 / secs),
    ]
}
