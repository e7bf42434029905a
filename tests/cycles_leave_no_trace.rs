//! Leaks of threads and file descriptors: a thousand connect/close cycles (some with a turn,
//! some closed explicitly, some dropped, some through reconnections) leave the process with the
//! `gemini-live-*` threads and the open descriptors (`/proc/self/fd`) it started with. The fake
//! server stays up across the cycles; its own threads and sockets are let go (its connections
//! end) before each count.
//!
//! Its own test binary, and its tests run one at a time: they count process-wide resources.
//! `GEMINI_LIVE_CYCLES=N` changes the number of cycles (default 1000).

mod common;

use common::*;
use gemini_live::fake::{FakeOptions, FakeServer, Fault, FaultPlan};
use gemini_live::{Event, ResponseMode, Session};
use std::time::{Duration, Instant};

static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// Open file descriptors of this process, with what they are (for the failure message).
fn open_fds() -> Vec<String> {
    std::fs::read_dir("/proc/self/fd")
        .expect("/proc is mounted")
        .filter_map(|e| {
            let e = e.ok()?;
            let target = std::fs::read_link(e.path()).ok()?;
            Some(format!(
                "{} -> {}",
                e.file_name().to_string_lossy(),
                target.display()
            ))
        })
        .collect()
}

/// Waits until every connection the fake accepted has ended.
fn fake_idle(server: &FakeServer) {
    let deadline = Instant::now() + Duration::from_secs(10);
    while server.connections().iter().any(|c| c.open) {
        assert!(
            Instant::now() < deadline,
            "the fake's connections never ended"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

/// Waits (a little) for `f` to return `want`; returns the last value.
fn settles<T: PartialEq + Copy>(want: T, f: impl Fn() -> T) -> T {
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let got = f();
        if got == want || Instant::now() > deadline {
            return got;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn cycles() -> usize {
    std::env::var("GEMINI_LIVE_CYCLES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000)
}

/// Runs `n` cycles of `cycle` against `server` and checks nothing is left behind.
fn leaves_no_trace(server: &FakeServer, n: usize, cycle: impl Fn(usize)) {
    // One cycle first: lazily initialised statics (TLS library, thread-locals) are not leaks.
    cycle(0);
    fake_idle(server);
    assert_eq!(session_threads_after_join(), 0);
    let fds = open_fds();
    let started = Instant::now();
    for i in 1..=n {
        cycle(i);
        // close and drop join both session threads before they return.
        assert_eq!(session_threads_after_join(), 0, "after cycle {i}");
    }
    let took = started.elapsed();
    fake_idle(server);
    let left = settles(fds.len(), || open_fds().len());
    assert_eq!(
        left,
        fds.len(),
        "descriptors before: {fds:#?}\nafter {n} cycles: {:#?}",
        open_fds()
    );
    eprintln!(
        "{n} cycles in {took:.1?} ({:.2?} each): {} threads, {} descriptors, as before",
        took / n as u32,
        session_threads(),
        left
    );
}

#[test]
fn a_thousand_connect_close_cycles_leave_no_threads_or_descriptors() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let server = fake();
    let mut c = config(&server, ResponseMode::Text);
    c.timeouts.close = Duration::from_secs(2);
    leaves_no_trace(&server, cycles(), |i| {
        let s = Session::connect(c.clone()).expect("connects");
        if i % 10 == 0 {
            s.send_text(&format!("cycle {i}")).unwrap();
            assert_eq!(turn(&s).text, format!("[turn 1] echo: cycle {i}"));
        }
        match i % 3 {
            0 => s.close().unwrap(),
            1 => {
                s.close().unwrap();
                // Every queued event can still be taken after close.
                while let Ok(Some(_)) = s.next_event(Duration::ZERO) {}
            }
            _ => {} // dropped without close
        }
        drop(s);
    });
}

#[test]
fn cycles_through_reconnections_leave_no_threads_or_descriptors() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    // Every connection is cut on its second message (the turn's text), one way or another:
    // each cycle reconnects once or more before its turn is answered.
    let n = (cycles() / 10).max(10);
    let plan = (1..=(n + 1) * 8).fold(FaultPlan::new(), |p, conn| {
        let fault = match conn % 4 {
            0 => Fault::Drop,
            1 => Fault::Close {
                code: 1011,
                reason: "Internal error occurred.".into(),
            },
            2 => Fault::CutMidReply {
                after_sends: 1,
                code: None,
            },
            _ => return p, // the connection that answers
        };
        p.at(conn, 2, fault)
    });
    let server = fake_with(FakeOptions {
        faults: plan,
        ..FakeOptions::default()
    });
    let mut c = config(&server, ResponseMode::Text);
    c.reconnect.initial_delay = Duration::from_millis(5);
    c.stall_timeout = Duration::from_millis(500);
    leaves_no_trace(&server, n, |i| {
        let s = Session::connect(c.clone()).expect("connects");
        s.send_text(&format!("cycle {i}")).unwrap();
        let mut text = String::new();
        loop {
            match s.next_event(Duration::from_secs(10)).unwrap() {
                Some(Event::Text(t)) => text.push_str(&t),
                Some(Event::Resumed { .. } | Event::NewSession { .. }) => text.clear(),
                Some(Event::TurnComplete { .. }) => break,
                Some(ev @ Event::Closed { .. }) => panic!("cycle {i}: {ev:?}"),
                Some(_) => {}
                None => panic!("cycle {i}: silence"),
            }
        }
        assert_eq!(text, format!("[turn 1] echo: cycle {i}"));
        assert!(s.metrics().reconnects >= 1, "cycle {i} reconnected");
        if i % 2 == 0 {
            s.close().unwrap();
        }
    });
}
