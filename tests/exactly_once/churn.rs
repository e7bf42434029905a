//! Reconnection churn is bounded: GoAways and rejections at setup, retried or stopped with the
//! server's words; `setupComplete` first; an unreachable host within a stated budget.

use crate::common::*;
use crate::{text_config, until_closed};
use gemini_live::fake::{FakeOptions, Fault, FaultPlan};
use gemini_live::{Config, Error, Event, Session};
use std::time::Duration;

#[test]
fn a_goaway_on_every_connection_is_bounded_by_backoff_and_a_budget() {
    // Defect 5: a draining server sends GoAway right after every setup.
    let server = fake_with(FakeOptions {
        draining: Some(Duration::from_secs(30)),
        ..FakeOptions::default()
    });
    let mut c = text_config(&server);
    c.reconnect.max_attempts = 4;
    c.reconnect.initial_delay = Duration::from_millis(40);
    let s = Session::connect(c).unwrap();
    let events = until_closed(&s, Duration::from_secs(20));
    match events.last() {
        Some(Event::Closed {
            error:
                Some(Error::RetriesExhausted {
                    attempts: 4, last, ..
                }),
            ..
        }) => assert!(matches!(**last, Error::GoAway(_)), "{last:?}"),
        other => panic!("{other:?}: {events:#?}"),
    }
    assert_eq!(
        server.connection_count(),
        4,
        "the first and three handovers, each later one delayed"
    );
    let delays: Vec<Duration> = events
        .iter()
        .filter_map(|e| match e {
            Event::Reconnecting { delay, .. } => Some(*delay),
            _ => None,
        })
        .collect();
    assert_eq!(delays.len(), 3, "{events:#?}");
    for (i, d) in delays.iter().enumerate() {
        assert!(
            *d <= Duration::from_millis(40) * (1 << i),
            "backoff with full jitter: {delays:?}"
        );
    }
}

#[test]
fn a_connection_that_answers_a_turn_resets_the_churn() {
    // GoAway after every turn of a chat: productive connections, so no growing delays and no
    // budget exhaustion over more handovers than max_attempts.
    let plan = (1..=6).fold(FaultPlan::new(), |p, n| {
        p.at(
            n,
            2,
            Fault::GoAway {
                time_left: Duration::from_secs(2),
                then_close_after: None,
            },
        )
    });
    let server = fake_with(FakeOptions {
        faults: plan,
        ..FakeOptions::default()
    });
    let mut c = text_config(&server);
    c.reconnect.max_attempts = 3;
    let s = Session::connect(c).unwrap();
    let lines = ["a", "b", "c", "d", "e"];
    let (replies, events) = chat(&s, &lines);
    for (r, l) in replies.iter().zip(lines) {
        assert!(r.ends_with(&format!("echo: {l}")), "{replies:?}");
    }
    assert!(!events.iter().any(|e| matches!(e, Event::Closed { .. })));
}

#[test]
fn http_408_is_retried() {
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new().on_upgrade(1, Fault::RefuseUpgrade { status: 408 }),
        ..FakeOptions::default()
    });
    let s = Session::connect(text_config(&server)).unwrap();
    assert_eq!(chat(&s, &["one"]).0, vec!["[turn 1] echo: one"]);
    assert_eq!(server.connection_count(), 2);
}

#[test]
fn the_same_rejection_at_setup_twice_stops_with_the_servers_words() {
    // Defect 7: e.g. TEXT on a model without it: 1011 right after setup, on every attempt.
    let reason = "Internal error encountered.";
    let plan = (1..=10).fold(FaultPlan::new(), |p, n| {
        p.at(
            n,
            1,
            Fault::Close {
                code: 1011,
                reason: reason.into(),
            },
        )
    });
    let server = fake_with(FakeOptions {
        faults: plan.clone(),
        ..FakeOptions::default()
    });
    let err = Session::connect(text_config(&server)).unwrap_err();
    assert!(
        matches!(&err, Error::ConfigRejected { code: 1011, reason: r } if r == reason),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.contains("rejected this configuration"), "{text}");
    assert!(text.contains("1011") && text.contains(reason), "{text}");
    assert_eq!(server.connection_count(), 2, "stopped after the second");

    // The same on a reconnection (no handle: resumption off).
    let plan = (2..=10).fold(FaultPlan::new().at(1, 2, Fault::Drop), |p, n| {
        p.at(
            n,
            1,
            Fault::Close {
                code: 1011,
                reason: reason.into(),
            },
        )
    });
    let server = fake_with(FakeOptions {
        faults: plan,
        ..FakeOptions::default()
    });
    let mut c = text_config(&server);
    c.session_resumption = false;
    let s = Session::connect(c).unwrap();
    s.send_text("one").unwrap();
    match until_closed(&s, Duration::from_secs(10)).pop() {
        Some(Event::Closed {
            code: 1011,
            error: Some(Error::ConfigRejected { .. }),
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(server.connection_count(), 3);
}

#[test]
fn setup_complete_is_always_the_first_event() {
    // Defect 8: a first connect that retried delivered Reconnecting events before it.
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new()
            .on_upgrade(1, Fault::RefuseUpgrade { status: 503 })
            .at(2, 1, Fault::Drop),
        ..FakeOptions::default()
    });
    let s = Session::connect(text_config(&server)).unwrap();
    assert!(matches!(
        s.next_event(Duration::from_secs(5)).unwrap(),
        Some(Event::SetupComplete { .. })
    ));
    assert_eq!(server.connection_count(), 3);
    // A persisted handle the server refuses: SetupComplete, then NewSession.
    let server = fake();
    let mut c = text_config(&server);
    c.resumption_handle = Some("no-such-handle".into());
    let s = Session::connect(c).unwrap();
    let first: Vec<Event> = (0..2)
        .filter_map(|_| s.next_event(Duration::from_secs(5)).unwrap())
        .collect();
    assert!(
        matches!(
            first.as_slice(),
            [
                Event::SetupComplete { .. },
                Event::NewSession { replayed: 0 }
            ]
        ),
        "{first:#?}"
    );
}

#[test]
fn an_unreachable_host_fails_the_first_connect_within_a_stated_budget() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("ws://{}", listener.local_addr().unwrap());
    drop(listener); // nothing listens there now: connection refused
    let mut c = Config::default().with_endpoint(endpoint);
    c.reconnect.initial_delay = Duration::from_millis(10);
    let err = Session::connect(c).unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(&err, Error::RetriesExhausted { attempts: 3, .. }),
        "{err:?}"
    );
    assert!(text.contains("after 3 attempts over "), "{text}");
    assert!(text.contains("TCP connect"), "{text}");
}
