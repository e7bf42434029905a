//! Every event reaches the application once and in order, through the one path there is: the
//! reader thread (the only reader of the socket) delivers into the event queue, and
//! `next_event` waits on that queue. These check a tiny event queue (the reader waits for room,
//! it never drops or reorders), a reply queued while nobody asks, several waiting threads,
//! that the reader does not wake while the session is idle, and a consumer that waits only a
//! millisecond at a time through faults on successive connections.

mod common;

use common::*;
use gemini_live::fake::FakeOptions;
use gemini_live::{Event, ResponseMode, Session};
use std::time::{Duration, Instant};

/// The tests of this file look at the reader thread's wake-ups by its name, so they must not
/// run at the same time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn serial() -> std::sync::MutexGuard<'static, ()> {
    SERIAL.lock().unwrap_or_else(|e| e.into_inner())
}

/// A short name per event, for comparing sequences.
fn kind(ev: &Event) -> String {
    match ev {
        Event::Text(t) => format!("text:{t}"),
        Event::Audio(a) => format!("audio:{}", a.data.len()),
        Event::OutputTranscription { text, .. } => format!("out:{text}"),
        Event::TurnComplete { .. } => "turn".into(),
        other => format!("{other:?}")
            .split(['(', ' ', '{'])
            .next()
            .unwrap_or("")
            .to_string(),
    }
}

fn conversation(event_queue: usize, mode: ResponseMode) -> Vec<String> {
    let server = fake_with(FakeOptions {
        text_reply_parts: 5,
        audio_reply_ms: 400,
        audio_chunk_ms: 20,
        ..FakeOptions::default()
    });
    let mut c = config(&server, mode);
    c.event_queue_capacity = event_queue;
    let s = Session::connect(c).unwrap();
    let mut seen = Vec::new();
    for i in 0..5 {
        s.send_text(&format!("question {i}")).unwrap();
        for ev in turn(&s).events {
            if !matches!(ev, Event::Usage(_)) {
                seen.push(kind(&ev));
            }
        }
    }
    s.close().unwrap();
    seen
}

#[test]
fn a_full_event_queue_loses_and_reorders_nothing() {
    let _serial = serial();
    for mode in [ResponseMode::Text, ResponseMode::Audio] {
        let roomy = conversation(256, mode);
        assert!(roomy.len() > 20, "{roomy:?}");
        assert!(
            roomy.iter().filter(|e| *e == "turn").count() == 5,
            "{roomy:?}"
        );
        // A queue of one: the reader waits for room before every event but the first.
        assert_eq!(conversation(1, mode), roomy, "{mode:?}, queue of 1");
    }
}

#[test]
fn the_reader_queues_a_reply_while_nobody_asks() {
    let _serial = serial();
    let server = fake_with(FakeOptions {
        audio_reply_ms: 400,
        audio_chunk_ms: 20,
        ..FakeOptions::default()
    });
    let s = Session::connect(config(&server, ResponseMode::Audio)).unwrap();
    let _ = s.next_event(Duration::from_secs(1)); // SetupComplete
    s.send_text("a long answer please").unwrap();
    // Read on this thread until the first audio chunk, then stop asking.
    loop {
        match s.next_event(Duration::from_secs(5)).unwrap() {
            Some(Event::Audio(_)) => break,
            Some(_) => {}
            None => panic!("no audio within 5 s"),
        }
    }
    std::thread::sleep(Duration::from_millis(500));
    // Everything is already queued: the reader thread read and decoded the rest of the turn
    // while nobody asked.
    let mut done = false;
    while let Some(ev) = s.try_next_event().unwrap() {
        done |= matches!(ev, Event::TurnComplete { .. });
    }
    assert!(done, "the turn's end was queued by the reader thread");
    s.close().unwrap();
}

#[test]
fn several_waiting_threads_share_the_events_and_lose_none() {
    let _serial = serial();
    let server = fake_with(FakeOptions {
        text_reply_parts: 3,
        ..FakeOptions::default()
    });
    let s = std::sync::Arc::new(Session::connect(config(&server, ResponseMode::Text)).unwrap());
    let (tx, rx) = crossbeam_channel::unbounded();
    let readers: Vec<_> = (0..3)
        .map(|_| {
            let (s, tx) = (s.clone(), tx.clone());
            std::thread::spawn(move || loop {
                match s.next_event(Duration::from_secs(10)) {
                    Ok(Some(ev)) => {
                        let end = matches!(ev, Event::Closed { .. });
                        let _ = tx.send(ev);
                        if end {
                            return;
                        }
                    }
                    Ok(None) => panic!("no event within 10 s"),
                    Err(_) => return,
                }
            })
        })
        .collect();
    let n = 30;
    for i in 0..n {
        s.send_text(&format!("q{i}")).unwrap();
        // One turn at a time, so each reply is owed to one question.
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            let ev = rx
                .recv_timeout(deadline - Instant::now())
                .expect("turn ends");
            if matches!(ev, Event::TurnComplete { .. }) {
                break;
            }
        }
    }
    s.close().unwrap();
    for r in readers {
        r.join().unwrap();
    }
    let left: Vec<_> = rx.try_iter().collect();
    assert!(
        left.iter().any(|e| matches!(e, Event::Closed { .. })),
        "{left:?}"
    );
    // Each turn's end came once: none is left over.
    assert!(
        !left.iter().any(|e| matches!(e, Event::TurnComplete { .. })),
        "{left:?}"
    );
    assert_eq!(s.metrics().reconnects, 0);
}

/// Voluntary context switches of the session's reader thread so far.
fn reader_wakeups() -> u64 {
    for t in std::fs::read_dir("/proc/self/task").unwrap() {
        let path = t.unwrap().path();
        let name = std::fs::read_to_string(path.join("comm")).unwrap_or_default();
        if name.trim() == "gemini-live-rx" {
            let status = std::fs::read_to_string(path.join("status")).unwrap();
            return status
                .lines()
                .find_map(|l| l.strip_prefix("voluntary_ctxt_switches:"))
                .and_then(|v| v.trim().parse().ok())
                .unwrap();
        }
    }
    panic!("no reader thread")
}

#[test]
fn the_reader_does_not_wake_while_the_session_is_idle() {
    let _serial = serial();
    let server = fake();
    let s = Session::connect(config(&server, ResponseMode::Text)).unwrap();
    // SetupComplete and the first resumption updates.
    while s.next_event(Duration::from_millis(200)).unwrap().is_some() {}
    // An application waiting 1 s for an event that never comes, then nobody waiting for 1 s:
    // the reader sleeps in `poll` until a timer (the 20 s stall cap) all along.
    let before = reader_wakeups();
    assert!(s.next_event(Duration::from_secs(1)).unwrap().is_none());
    std::thread::sleep(Duration::from_secs(1));
    let woke = reader_wakeups() - before;
    assert!(woke <= 1, "{woke} reader wake-ups in 2 idle seconds");
    // Turns still go through.
    s.send_text("hi").unwrap();
    assert!(turn(&s).text.ends_with("echo: hi"));
    s.close().unwrap();
}

/// A consumer that waits only a moment at a time (1 ms timeouts, often returning empty-handed
/// mid-reply) through drops, a 1011 and a GoAway on successive
/// connections: every question is answered exactly once, in order.
#[test]
fn short_waits_through_faults_get_every_reply_once() {
    let _serial = serial();
    use gemini_live::fake::{Fault, FaultPlan};
    let faults = FaultPlan::new()
        .after_server(1, 4, Fault::Drop)
        .after_server(
            2,
            3,
            Fault::Close {
                code: 1011,
                reason: "internal".into(),
            },
        )
        .after_server(
            3,
            5,
            Fault::GoAway {
                time_left: Duration::from_millis(300),
                then_close_after: None,
            },
        )
        .after_server(4, 6, Fault::Reset);
    let server = fake_with(FakeOptions {
        text_reply_parts: 4,
        faults,
        ..FakeOptions::default()
    });
    let mut c = config(&server, ResponseMode::Text);
    c.stall_timeout = Duration::from_millis(400);
    let s = Session::connect(c).unwrap();
    let mut log = Vec::new();
    for i in 0..12 {
        let q = format!("question {i}");
        s.send_text(&q).unwrap();
        let mut text = String::new();
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            assert!(Instant::now() < deadline, "no reply to {q}: {log:#?}");
            let Some(ev) = s.next_event(Duration::from_millis(1)).unwrap() else {
                continue;
            };
            log.push(kind(&ev));
            match ev {
                Event::Text(t) => text.push_str(&t),
                Event::ReplyDiscarded { .. } => text.clear(),
                Event::TurnComplete { .. } => break,
                Event::Closed { .. } => panic!("closed: {log:#?}"),
                _ => {}
            }
        }
        assert!(text.ends_with(&format!("echo: {q}")), "{text:?}: {log:#?}");
    }
    assert!(s.metrics().reconnects >= 3, "{:?}", s.metrics().reconnects);
    s.close().unwrap();
}
