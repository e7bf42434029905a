//! A draining server sends GoAway right after setup on every connection: an idle session must
//! not reconnect in a tight loop (issue 10: 54 connections in 3 s), must stay within its budget,
//! and still answers a question exactly once while the storm goes on.

use gemini_live::fake::{FakeOptions, FakeServer};
use gemini_live::{Config, Error, Event, ResponseMode, Session};
use std::time::{Duration, Instant};

fn draining() -> FakeServer {
    FakeServer::start(FakeOptions {
        draining: Some(Duration::from_secs(10)),
        ..FakeOptions::default()
    })
    .expect("fake server starts")
}

fn config(server: &FakeServer) -> Config {
    Config::default()
        .with_endpoint(server.endpoint())
        .with_response_mode(ResponseMode::Text)
        .with_model(gemini_live::fake::TEXT_MODEL)
}

#[test]
fn an_idle_session_facing_goaway_on_every_connection_opens_a_handful_per_second() {
    let server = draining();
    // The default policy, as an application would have it.
    let s = Session::connect(config(&server)).expect("connects");
    let window = Duration::from_secs(3);
    let start = Instant::now();
    let mut goaways = 0;
    while start.elapsed() < window {
        match s.next_event(window.saturating_sub(start.elapsed())) {
            Ok(Some(Event::GoAway { .. })) => goaways += 1,
            Ok(Some(Event::Closed { error, .. })) => {
                // Giving up is allowed (the budget ran out), looping is not.
                assert!(
                    matches!(error, Some(Error::RetriesExhausted { .. })),
                    "{error:?}"
                );
                break;
            }
            Ok(_) => {}
            Err(_) => break,
        }
    }
    let conns = server.connection_count();
    eprintln!("GoAway storm: {conns} connections and {goaways} GoAways in {window:?}");
    assert!(goaways >= 1, "the storm was seen");
    // "A handful per second": at most 5 per second over the window, the first one included.
    assert!(
        conns <= 1 + 5 * window.as_secs() as usize,
        "{conns} connections in {window:?}"
    );
}

#[test]
fn a_goaway_storm_ends_within_the_budget_with_the_cause() {
    let server = draining();
    let mut c = config(&server);
    c.reconnect.max_attempts = 4;
    c.reconnect.max_delay = Duration::from_millis(50);
    let s = Session::connect(c).expect("connects");
    let deadline = Instant::now() + Duration::from_secs(20);
    let error = loop {
        assert!(Instant::now() < deadline, "the storm did not end");
        if let Ok(Some(Event::Closed { error, .. })) = s.next_event(Duration::from_secs(1)) {
            break error;
        }
    };
    match error {
        Some(Error::RetriesExhausted { last, .. }) => {
            assert!(matches!(*last, Error::GoAway(_)), "{last:?}")
        }
        other => panic!("{other:?}"),
    }
    let conns = server.connection_count();
    assert!(
        (2..=1 + 4).contains(&conns),
        "{conns} connections for a budget of 4 unproductive ones in a row"
    );
}

#[test]
fn a_question_during_a_goaway_storm_is_answered_once() {
    let server = draining();
    let s = Session::connect(config(&server)).expect("connects");
    s.send_text("still there?").unwrap();
    let mut text = String::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        assert!(Instant::now() < deadline, "no reply; got {text:?}");
        match s.next_event(Duration::from_secs(1)) {
            Ok(Some(Event::Text(t))) => text.push_str(&t),
            Ok(Some(Event::ReplyDiscarded { .. })) => text.clear(),
            Ok(Some(Event::TurnComplete { .. })) => break,
            Ok(Some(Event::Closed { error, .. })) => panic!("closed: {error:?}"),
            _ => {}
        }
    }
    assert!(text.ends_with("] echo: still there?"), "{text}");
    let answered: usize = server
        .connections()
        .iter()
        .flat_map(|c| c.sent.iter())
        .filter(|m| m.contains("\"turnComplete\":true"))
        .count();
    assert_eq!(answered, 1, "the server answered the question once");
}
