//! Every input answered exactly once, nothing lost silently: one regression test per defect of
//! issue 10, against the fake server (and, for the playback-delayed `turnComplete`, a tiny
//! scripted server). The fake's replies (`[turn N] echo: X`) and its own record of what it
//! received prove loss or duplication.

mod common;

use common::*;
use gemini_live::fake::FakeServer;
use gemini_live::{Config, Event, ResponseMode, Session};
use std::time::{Duration, Instant};

fn text_config(server: &FakeServer) -> Config {
    let mut c = config(server, ResponseMode::Text);
    c.stall_timeout = Duration::from_millis(400);
    c
}

/// Events until `Closed` (at most `within`).
fn until_closed(s: &Session, within: Duration) -> Vec<Event> {
    let deadline = Instant::now() + within;
    let mut events = Vec::new();
    while Instant::now() < deadline {
        if let Ok(Some(ev)) = s.next_event(Duration::from_millis(200)) {
            let done = matches!(ev, Event::Closed { .. });
            events.push(ev);
            if done {
                return events;
            }
        }
    }
    panic!("no Closed within {within:?}: {events:#?}");
}

/// 1-based position of the first server message containing `key` on the first connection of
/// a fault-free run of `lines`.
fn position(lines: &[&str], key: &str, mut adjust: impl FnMut(&mut Config)) -> usize {
    let server = fake();
    let mut c = text_config(&server);
    adjust(&mut c);
    let s = Session::connect(c).unwrap();
    chat(&s, lines);
    s.close().unwrap();
    let sent = server.connections()[0].sent.clone();
    sent.iter()
        .position(|m| m.contains(key))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("no {key} in {sent:#?}"))
}

fn main_texts(server: &FakeServer) -> Vec<String> {
    server
        .state_snapshot()
        .last()
        .map(|s| s.texts.clone())
        .unwrap_or_default()
}

/// The tests, one file a part in tests/exactly_once/.
mod exactly_once {
    mod answered_once;
    mod churn;
    mod cli;
    mod stalls;
}
