//! Restoring the conversation (issue 18): what a restore adds to an outage, and what the
//! history costs in memory at its budget's bound. Against the embedded fake (the lean bench
//! server has no faults): both sides of each comparison run against it the same way.

use crate::report::{median, Row, Target};
use crate::sys;
use gemini_live::fake::{FakeOptions, FakeServer, Fault, FaultPlan};
use gemini_live::{Config, Event, ResponseMode, Session};
use std::time::{Duration, Instant};

/// Exchanges of history before the fault.
const TURNS: usize = 50;

fn line(i: usize, len: usize) -> String {
    let mut s = format!("line {i} ");
    while s.len() < len {
        s.push_str("of the conversation ");
    }
    s.truncate(len);
    s
}

fn config(server: &FakeServer, restore: bool) -> Config {
    let mut c = Config::default()
        .with_endpoint(server.endpoint())
        .with_response_mode(ResponseMode::Text)
        .with_model(gemini_live::fake::TEXT_MODEL);
    c.model = "fake-text-live".into();
    c.session_resumption = false;
    c.restore_context = restore;
    c.reconnect.initial_delay = Duration::from_millis(1);
    c
}

fn turn(s: &Session, text: &str) -> Vec<Event> {
    s.send_text(text).expect("send");
    let mut events = Vec::new();
    loop {
        match s.next_event(Duration::from_secs(20)) {
            Ok(Some(ev @ Event::TurnComplete { .. })) => {
                events.push(ev);
                return events;
            }
            Ok(Some(ev)) => events.push(ev),
            other => panic!("no reply: {other:?}"),
        }
    }
}

/// One outage after `TURNS` exchanges (a drop when the next question arrives; resumption
/// off, so a new session): its downtime, and what was restored.
fn outage(restore: bool) -> (Duration, u64) {
    let server = FakeServer::start(FakeOptions {
        // setup, then TURNS questions; the drop comes with question TURNS + 1.
        faults: FaultPlan::new().at(1, TURNS + 2, Fault::Drop),
        text_reply_parts: 1,
        ..FakeOptions::default()
    })
    .expect("fake");
    let s = Session::connect(config(&server, restore)).expect("connect");
    for i in 0..TURNS {
        turn(&s, &line(i, 200));
    }
    let events = turn(&s, "after the outage");
    let restored = events
        .iter()
        .find_map(|e| match e {
            Event::ContextRestored { turns, .. } => Some(*turns),
            _ => None,
        })
        .unwrap_or(0);
    let down = s.metrics().downtime;
    s.close().expect("close");
    (down, restored)
}

/// Per session, after `n` sessions each went through enough exchanges to fill the history's
/// budget (restore on) or kept none (off): (RSS KiB, live heap KiB).
fn memory_per_session(restore: bool, n: usize) -> (f64, f64) {
    let server = FakeServer::start(FakeOptions {
        text_reply_parts: 1,
        ..FakeOptions::default()
    })
    .expect("fake");
    let before = sys::rss_kib();
    let heap_before = crate::heap::live();
    let sessions: Vec<Session> = (0..n)
        .map(|_| Session::connect(config(&server, restore)).expect("connect"))
        .collect();
    // 120 exchanges of about 330 characters: past both bounds (32,000 chars, 100 turns).
    for i in 0..120 {
        for s in &sessions {
            turn(s, &line(i, 160));
        }
    }
    let after = sys::rss_kib();
    let heap = (crate::heap::live() - heap_before) as f64 / 1024.0;
    drop(sessions);
    (
        after.saturating_sub(before) as f64 / n as f64,
        heap / n as f64,
    )
}

pub fn run(quick: bool) -> Vec<Row> {
    let runs = if quick { 5 } else { 15 };
    let mut off = Vec::new();
    let mut on = Vec::new();
    let started = Instant::now();
    for _ in 0..runs {
        let (d, r) = outage(false);
        assert_eq!(r, 0);
        off.push(d);
        let (d, r) = outage(true);
        assert_eq!(r, TURNS as u64, "the whole conversation is put back");
        on.push(d);
    }
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    let added = ms(median(&on)) - ms(median(&off));
    eprint!(
        "({runs} outages each way in {:.1} s) ",
        started.elapsed().as_secs_f64()
    );
    let sessions = if quick { 4 } else { 10 };
    let (rss_kept, kept) = memory_per_session(true, sessions);
    let (rss_none, none) = memory_per_session(false, sessions);
    vec![
        Row::new(
            "restore",
            "outage, new session, restore off (median)",
            "ms",
            Target::Info,
        )
        .ours(ms(median(&off))),
        Row::new(
            "restore",
            "outage, new session, 50 exchanges restored (median)",
            "ms",
            Target::Info,
        )
        .ours(ms(median(&on))),
        Row::new(
            "restore",
            "outage added by the restore",
            "ms",
            Target::Max(5.0),
        )
        .ours(added),
        Row::new(
            "restore",
            "RSS per session after 120 exchanges, restore on (raw: off)",
            "KiB",
            Target::Info,
        )
        .both(rss_kept, rss_none),
        Row::new(
            "restore",
            "live heap per session after 120 exchanges, restore on (raw: off)",
            "KiB",
            Target::Info,
        )
        .both(kept, none),
        Row::new(
            "restore",
            "history at its bound (32,000 chars, 100 turns): heap with restore minus without",
            "KiB",
            Target::Max(64.0),
        )
        .ours(kept - none),
    ]
}
