//! The conversation keeps its context through faults (issue 18): what was put back and how
//! the application is told, and the regressions found beside it (a server close 1000, an
//! empty audio turn, a BLOCKING call abandoned by new content). The fake's replies name their
//! turn and, with `context_digest`, a digest of what the session knows.

mod common;

use common::*;
use gemini_live::fake::{FakeOptions, FakeServer, Fault, FaultPlan};
use gemini_live::protocol::{Behavior, FunctionDeclaration, Tool};
use gemini_live::{Config, Error, Event, ResponseMode, Session};
use std::time::{Duration, Instant};

fn text_config(server: &FakeServer) -> Config {
    let mut c = config(server, ResponseMode::Text);
    c.model = "fake-text-live".into();
    c.stall_timeout = Duration::from_millis(400);
    c.reconnect.initial_delay = Duration::from_millis(5);
    c
}

fn digest_server(faults: FaultPlan) -> FakeServer {
    fake_with(FakeOptions {
        faults,
        context_digest: true,
        ..FakeOptions::default()
    })
}

/// The replies of an unbroken conversation of `lines` with `c`'s settings.
fn unbroken(lines: &[&str], adjust: impl Fn(&mut Config)) -> Vec<String> {
    let server = digest_server(FaultPlan::new());
    let mut c = text_config(&server);
    adjust(&mut c);
    let s = Session::connect(c).unwrap();
    chat(&s, lines).0
}

/// 1-based position of the first `turnComplete` the fake sends on connection 1.
fn first_turn_complete(adjust: impl Fn(&mut Config)) -> usize {
    let server = digest_server(FaultPlan::new());
    let mut c = text_config(&server);
    adjust(&mut c);
    let s = Session::connect(c).unwrap();
    chat(&s, &["one"]);
    s.close().unwrap();
    let sent = server.connections()[0].sent.clone();
    sent.iter()
        .position(|m| m.contains("turnComplete"))
        .unwrap()
        + 1
}

#[test]
fn a_server_close_1000_mid_conversation_continues_it_with_the_context() {
    let lines = ["one", "two", "three"];
    for resumption in [true, false] {
        let off = |c: &mut Config| c.session_resumption = resumption;
        let want = unbroken(&lines, off);
        let at = first_turn_complete(off);
        let server = digest_server(FaultPlan::new().after_server(
            1,
            at,
            Fault::Close {
                code: 1000,
                reason: String::new(),
            },
        ));
        let mut c = text_config(&server);
        off(&mut c);
        let s = Session::connect(c).unwrap();
        let (replies, events) = chat(&s, &lines);
        assert_eq!(replies, want, "resumption {resumption}: {events:#?}");
        assert!(server.connections().len() >= 2);
    }
}

#[test]
fn a_restore_is_reported_and_a_zero_budget_reports_the_loss() {
    let lines = ["one", "two"];
    let at = first_turn_complete(|_| {});
    for (budget, restored) in [(32_000, true), (0, false)] {
        let server = digest_server(FaultPlan::new().after_server(1, at, Fault::Drop));
        let mut c = text_config(&server);
        c.context_budget.chars = budget;
        let s = Session::connect(c).unwrap();
        let (replies, events) = chat(&s, &lines);
        let told: Vec<&Event> = events
            .iter()
            .filter(|e| matches!(e, Event::ContextRestored { .. } | Event::ContextLost { .. }))
            .collect();
        if restored {
            let chars = ("one".len() + replies[0].len()) as u64;
            assert_eq!(
                told,
                vec![&Event::ContextRestored {
                    turns: 1,
                    chars,
                    dropped: 0
                }]
            );
            assert!(replies[1].starts_with("[turn 2,"), "{replies:?}");
        } else {
            assert_eq!(told, vec![&Event::ContextLost { turns: 1 }]);
            assert!(replies[1].starts_with("[turn 1,"), "{replies:?}");
        }
    }
}

#[test]
fn a_model_without_mid_session_history_gets_it_as_initial_history_in_a_new_session() {
    let model = "gemini-3.1-flash-live-preview";
    let set = |c: &mut Config| {
        c.model = model.into();
        c.response_mode = ResponseMode::TextAndAudio;
        c.session_resumption = false;
    };
    let lines = ["one", "two"];
    let want = unbroken(&lines, set);
    let at = first_turn_complete(set);
    let server = digest_server(FaultPlan::new().after_server(1, at, Fault::Drop));
    let mut c = text_config(&server);
    set(&mut c);
    let s = Session::connect(c).unwrap();
    let (replies, events) = chat(&s, &lines);
    assert_eq!(replies, want, "{events:#?}");
    let conns = server.connections();
    let setup = &conns[1].frames[0];
    assert!(
        setup.contains(r#""historyConfig":{"initialHistoryInClientContent":true}"#),
        "{setup}"
    );
    // The history ends with turnComplete (it asks nothing); the question follows.
    assert!(conns[1].frames[1].contains(r#""turnComplete":true"#));
    assert!(conns[1].frames[1].contains(r#""role":"model""#));
    assert!(!conns[0].frames[0].contains("historyConfig"));
}

#[test]
fn an_audio_turn_with_no_audio_is_refused_locally() {
    let server = fake();
    let s = Session::connect(text_config(&server)).unwrap();
    let refused = s.audio_stream_end();
    assert!(
        matches!(&refused, Err(Error::InvalidInput(m)) if m.contains("no audio")),
        "{refused:?}"
    );
    s.send_audio(&[100i16; 1600]).unwrap();
    s.audio_stream_end().unwrap();
    let mut events = Vec::new();
    assert!(reply(&s, &mut events).contains("heard 3200 bytes of audio"));
    assert!(matches!(s.audio_stream_end(), Err(Error::InvalidInput(_))));
    // Nothing is owed: the session answers the next question at once, on one connection.
    let (replies, _) = chat(&s, &["still here"]);
    assert!(replies[0].ends_with("echo: still here"));
    assert_eq!(server.connections().len(), 1);
}

#[test]
fn a_blocking_call_abandoned_by_new_content_is_reported_once() {
    let server = fake();
    let mut c = config(&server, ResponseMode::TextAndAudio);
    c.model = "gemini-3.8-live".into();
    c.tools = vec![Tool {
        function_declarations: Some(vec![FunctionDeclaration {
            name: "get_weather".into(),
            behavior: Some(Behavior::Blocking),
            ..Default::default()
        }]),
        ..Default::default()
    }];
    let s = Session::connect(c).unwrap();
    s.send_text(r#"call tool get_weather with {"city": "Paris"}"#)
        .unwrap();
    let mut events = Vec::new();
    let deadline = Instant::now() + Duration::from_secs(10);
    let id = loop {
        assert!(Instant::now() < deadline, "{events:#?}");
        if let Ok(Some(ev)) = s.next_event(Duration::from_secs(5)) {
            events.push(ev.clone());
            if let Event::ToolCall(calls) = ev {
                break calls[0].id.clone();
            }
        }
    };
    s.send_text("never mind").unwrap();
    let answer = reply(&s, &mut events);
    assert!(answer.contains("echo: never mind"), "{answer}");
    s.send_text("and now").unwrap();
    reply(&s, &mut events);
    let told: Vec<&Event> = events
        .iter()
        .filter(|e| matches!(e, Event::ToolCallsAbandoned { .. }))
        .collect();
    assert_eq!(told, vec![&Event::ToolCallsAbandoned { ids: vec![id] }]);
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::ToolCallCancellation(_))),
        "3.8 Live drops it silently"
    );
}
