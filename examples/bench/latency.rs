//! Scenarios 1 and 2: connect time and text-turn latency, ours and raw alternating.

use crate::raw::Raw;
use crate::report::{median, quantile, us, Row, Target};
use gemini_live::{Event, Session};
use std::time::{Duration, Instant};

pub fn connect(port: u16, quick: bool) -> Vec<Row> {
    let n = if quick { 40 } else { 200 };
    let cfg = crate::config(port, "");
    let (mut ours, mut raw, mut phases) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..n + 10 {
        let c = cfg.clone();
        let t0 = Instant::now();
        let s = Session::connect(c).expect("connect");
        let d = t0.elapsed();
        let m = s.metrics();
        s.close().expect("close");
        drop(s);
        let (r, rd) = Raw::connect(port, "");
        r.close();
        if i >= 10 {
            ours.push(d);
            phases.push(m.connect.total());
            raw.push(rd);
        }
    }
    let spawns = spawns(n);
    let sc = format!("1 connect (n={n})");
    vec![
        Row::new(&sc, "median", "us", Target::RatioMax(1.1))
            .both(us(median(&ours)), us(median(&raw))),
        Row::new(&sc, "p99", "us", Target::RatioMax(1.1))
            .both(us(quantile(&ours, 0.99)), us(quantile(&raw, 0.99))),
        Row::new(
            &sc,
            "median of metrics tcp+upgrade+setup",
            "us",
            Target::Info,
        )
        .ours(us(median(&phases))),
        Row::new(
            &sc,
            "one thread spawn (512 KiB stack), median",
            "us",
            Target::Info,
        )
        .ours(us(median(&spawns))),
    ]
}

/// What starting a session's reader thread costs the caller on this machine (the writer
/// thread starts only when input has to wait).
fn spawns(n: usize) -> Vec<Duration> {
    (0..n)
        .map(|_| {
            let (tx, rx) = crossbeam_channel::bounded::<()>(0);
            let t0 = Instant::now();
            let h = std::thread::Builder::new()
                .name("spawn-a".into())
                .stack_size(512 * 1024)
                .spawn(move || {
                    let _ = rx.recv();
                })
                .expect("spawn");
            let d = t0.elapsed();
            drop(tx);
            let _ = h.join();
            d
        })
        .collect()
}

pub fn text_turn(port: u16, quick: bool) -> Vec<Row> {
    let n = if quick { 200 } else { 1000 };
    let s = Session::connect(crate::config(port, "")).expect("connect");
    let _ = s.next_event(Duration::from_secs(1)); // SetupComplete
    let (mut r, _) = Raw::connect(port, "");
    let (mut of, mut oc, mut rf, mut rc) = (vec![], vec![], vec![], vec![]);
    let (mut seen, mut rest, mut calls, mut raw_calls) = (vec![], vec![], vec![], vec![]);
    for i in 0..n + 50 {
        let t0 = Instant::now();
        s.send_text("hi").expect("send");
        let call = t0.elapsed();
        let mut first = None;
        let done = loop {
            match s.next_event(Duration::from_secs(5)).expect("open") {
                Some(Event::Text(_)) => {
                    first.get_or_insert(t0.elapsed());
                }
                Some(Event::TurnComplete { .. }) => break t0.elapsed(),
                Some(_) => {}
                None => panic!("no reply within 5 s"),
            }
        };
        // Where the time went: the reader's own figure runs from the input's flush to the
        // turnComplete decoded; the rest is the send call and the hand-off to this thread.
        let reader = s.metrics().last_turn_complete.unwrap_or_default();
        let (f, c, rcall) = r.text_turn("hi");
        if i >= 50 {
            of.push(first.unwrap_or_default());
            oc.push(done);
            rf.push(f);
            rc.push(c);
            seen.push(reader);
            rest.push(done.saturating_sub(reader));
            calls.push(call);
            raw_calls.push(rcall);
        }
    }
    let m = s.metrics();
    s.close().expect("close");
    r.close();
    let handoff = handoff(n);
    let sc = format!("2 text turn (n={n})");
    vec![
        // Issue 20: what we add over the floor, invisible next to any network.
        Row::new(
            &sc,
            "send -> first reply, median",
            "us",
            Target::AddedMax(100.0),
        )
        .both(us(median(&of)), us(median(&rf))),
        Row::new(
            &sc,
            "send -> first reply, p99",
            "us",
            Target::AddedMax(500.0),
        )
        .both(us(quantile(&of, 0.99)), us(quantile(&rf, 0.99))),
        Row::new(
            &sc,
            "send -> turn complete, median",
            "us",
            Target::RatioMax(1.1),
        )
        .both(us(median(&oc)), us(median(&rc))),
        Row::new(
            &sc,
            "send -> turn complete, p99",
            "us",
            Target::RatioMax(1.1),
        )
        .both(us(quantile(&oc, 0.99)), us(quantile(&rc, 0.99))),
        Row::new(&sc, "metrics: last turn complete", "us", Target::Info)
            .ours(m.last_turn_complete.map(us).unwrap_or(-1.0)),
        Row::new(
            &sc,
            "reader: input flushed -> turnComplete decoded (metrics), median",
            "us",
            Target::Info,
        )
        .ours(us(median(&seen))),
        Row::new(
            &sc,
            "the rest: send call + hand-off to the app thread, median",
            "us",
            Target::Info,
        )
        .ours(us(median(&rest))),
        Row::new(
            &sc,
            "of which the send_text call, median",
            "us",
            Target::Info,
        )
        .both(us(median(&calls)), us(median(&raw_calls))),
        Row::new(
            &sc,
            "one thread hand-off (channel ping-pong / 2), median",
            "us",
            Target::Info,
        )
        .ours(us(median(&handoff))),
    ]
}

/// Scenario 2b: a reply that arrives as one burst of audio chunks (the server writes
/// [`crate::server::BURST`] 20 ms chunks and `turnComplete` at once): how long the first
/// chunk waits. A client that decodes the whole burst before delivering any of it makes the
/// first chunk wait for the last.
pub fn burst_turn(port: u16, quick: bool) -> Vec<Row> {
    let n = if quick { 200 } else { 1000 };
    let s = Session::connect(crate::config(port, "")).expect("connect");
    let _ = s.next_event(Duration::from_secs(1)); // SetupComplete
    let (mut r, _) = Raw::connect(port, "");
    let (mut of, mut oc, mut rf, mut rc) = (vec![], vec![], vec![], vec![]);
    for i in 0..n + 50 {
        let t0 = Instant::now();
        s.send_text("burst").expect("send");
        let mut first = None;
        let mut chunks = 0;
        let done = loop {
            match s.next_event(Duration::from_secs(5)).expect("open") {
                Some(Event::Audio(_)) => {
                    first.get_or_insert(t0.elapsed());
                    chunks += 1;
                }
                Some(Event::TurnComplete { .. }) => break t0.elapsed(),
                Some(_) => {}
                None => panic!("no reply within 5 s"),
            }
        };
        assert_eq!(chunks, crate::server::BURST, "every chunk arrived");
        let (f, c, _) = r.text_turn("burst");
        if i >= 50 {
            of.push(first.unwrap_or_default());
            oc.push(done);
            rf.push(f);
            rc.push(c);
        }
    }
    s.close().expect("close");
    r.close();
    let sc = format!(
        "2b burst reply, {} audio chunks in one write (n={n})",
        crate::server::BURST
    );
    vec![
        Row::new(
            &sc,
            "send -> first chunk, median",
            "us",
            Target::AddedMax(100.0),
        )
        .both(us(median(&of)), us(median(&rf))),
        Row::new(
            &sc,
            "send -> first chunk, p99",
            "us",
            Target::AddedMax(500.0),
        )
        .both(us(quantile(&of, 0.99)), us(quantile(&rf, 0.99))),
        Row::new(&sc, "send -> turn complete, median", "us", Target::Info)
            .both(us(median(&oc)), us(median(&rc))),
        Row::new(&sc, "send -> turn complete, p99", "us", Target::Info)
            .both(us(quantile(&oc, 0.99)), us(quantile(&rc, 0.99))),
    ]
}

/// What one wake-up of a blocked thread through a crossbeam channel costs on this machine:
/// half the round trip of a ping-pong between two threads.
fn handoff(n: usize) -> Vec<Duration> {
    let (ping_tx, ping_rx) = crossbeam_channel::bounded::<Instant>(1);
    let (pong_tx, pong_rx) = crossbeam_channel::bounded::<Instant>(1);
    let echo = std::thread::spawn(move || {
        for t in ping_rx {
            let _ = pong_tx.send(t);
        }
    });
    let mut out = Vec::with_capacity(n);
    for _ in 0..n {
        // Let the echo thread go to sleep, as a session's threads do between messages.
        std::thread::sleep(Duration::from_micros(200));
        let _ = ping_tx.send(Instant::now());
        if let Ok(t) = pong_rx.recv() {
            out.push(t.elapsed() / 2);
        }
    }
    drop(ping_tx);
    let _ = echo.join();
    out
}
