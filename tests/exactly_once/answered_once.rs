//! Answered input is not asked again, and a reply cut by an outage is discarded, then comes
//! once.

use crate::common::*;
use crate::{main_texts, position, text_config};
use gemini_live::fake::{FakeOptions, FakeServer, Fault, FaultPlan};
use gemini_live::{Error, Event, ResponseMode, Session};
use std::time::{Duration, Instant};

#[test]
fn an_answered_turn_is_not_asked_again_when_the_connection_ends_before_its_handle() {
    // Defect 1: cut right after the first turnComplete, before the handle that follows it.
    let lines = ["one", "two", "three"];
    let at = position(&lines, "turnComplete", |_| {});
    for (fault, restore) in [
        (Fault::Drop, true),
        (Fault::Drop, false),
        (
            Fault::Close {
                code: 1011,
                reason: "Internal error occurred.".into(),
            },
            true,
        ),
    ] {
        let server = fake_with(FakeOptions {
            faults: FaultPlan::new().after_server(1, at, fault.clone()),
            ..FakeOptions::default()
        });
        let mut c = text_config(&server);
        c.restore_context = restore;
        let s = Session::connect(c).unwrap();
        let (replies, events) = chat(&s, &lines);
        let echoes: Vec<&str> = replies
            .iter()
            .map(|r| r.split("echo: ").nth(1).unwrap_or(r))
            .collect();
        assert_eq!(echoes, lines, "{fault:?}: {events:#?}");
        // The resumed state predates turn 1: it is put back (and the app is told), or with
        // restore off the app is told it is lost.
        let told = events.iter().any(|e| match e {
            Event::ContextRestored {
                turns: 1,
                dropped: 0,
                ..
            } => restore,
            Event::ContextLost { turns: 1 } => !restore,
            _ => false,
        });
        assert!(told, "{fault:?}, restore {restore}: {events:#?}");
        if restore {
            assert!(replies[1].starts_with("[turn 2]"), "{replies:?}");
        }
        assert_eq!(
            main_texts(&server),
            vec!["two", "three"],
            "{fault:?}: `one` was not sent again"
        );
    }
}

#[test]
fn goaway_without_resumption_does_not_resend_answered_input() {
    // Defect 2: no handle ever arrives; the handover must not replay `one`.
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new().at(
            1,
            2,
            Fault::GoAway {
                time_left: Duration::from_secs(2),
                then_close_after: Some(Duration::from_secs(2)),
            },
        ),
        ..FakeOptions::default()
    });
    let mut c = text_config(&server);
    c.session_resumption = false;
    let s = Session::connect(c).unwrap();
    let (replies, events) = chat(&s, &["one"]);
    assert_eq!(replies, vec!["[turn 1] echo: one"]);
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut events = events;
    while !events.iter().any(|e| matches!(e, Event::NewSession { .. })) {
        assert!(Instant::now() < deadline, "no handover: {events:#?}");
        if let Ok(Some(ev)) = s.next_event(Duration::from_millis(100)) {
            events.push(ev);
        }
    }
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::NewSession { replayed: 0 })),
        "{events:#?}"
    );
    let (replies, _) = chat(&s, &["two"]);
    assert_eq!(
        replies,
        vec!["[turn 2] echo: two"],
        "a new session, with the conversation put back"
    );
    let conns = server.connections();
    assert_eq!(conns.len(), 2);
    // `one` reached the new session only as history (with its answer), not as a question.
    for f in conns[1].frames.iter().filter(|f| f.contains("\"one\"")) {
        assert!(
            f.contains("\"role\":\"model\"") && f.contains("\"turnComplete\":false"),
            "{:#?}",
            conns[1].frames
        );
    }
}

#[test]
fn a_stall_while_the_server_holds_the_session_falls_back_to_a_new_session() {
    // Defect 3: the stalled connection keeps the session; every resume is refused with 1011.
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new().at(1, 3, Fault::StallAttached { hold: None }),
        ..FakeOptions::default()
    });
    let mut c = text_config(&server);
    c.reconnect.resume_wait = Duration::from_millis(800);
    let s = Session::connect(c).unwrap();
    let (replies, events) = chat(&s, &["one", "two"]);
    assert_eq!(replies[0], "[turn 1] echo: one");
    assert_eq!(
        replies[1], "[turn 2] echo: two",
        "asked again in a new session, with turn 1 put back: {events:#?}"
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::NewSession { replayed: 1 })),
        "{events:#?}"
    );
    let refused = events
        .iter()
        .filter(|e| {
            matches!(
                e,
                Event::Reconnecting {
                    cause: Some(Error::Closed { code: 1011, .. }),
                    ..
                }
            )
        })
        .count();
    assert!(refused >= 1, "it waited for the server: {events:#?}");
    assert!(
        server.connection_count() <= 12,
        "bounded: {}",
        server.connection_count()
    );
    assert!(s.resumption_handle().is_some(), "the new session's handle");

    // A server that lets go within the wait: the conversation resumes.
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new().at(
            1,
            3,
            Fault::StallAttached {
                hold: Some(Duration::from_millis(700)),
            },
        ),
        ..FakeOptions::default()
    });
    let mut c = text_config(&server);
    c.reconnect.resume_wait = Duration::from_secs(10);
    let s = Session::connect(c).unwrap();
    let (replies, events) = chat(&s, &["one", "two"]);
    assert_eq!(replies[1], "[turn 2] echo: two", "{events:#?}");
    assert!(events.iter().any(|e| matches!(e, Event::Resumed { .. })));
}

#[test]
fn a_reply_cut_by_an_outage_is_discarded_then_comes_once() {
    // Defect 6, at the SDK level: the partial reply is announced void before the reconnection.
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new().at(
            1,
            2,
            Fault::CutMidReply {
                after_sends: 2,
                code: None,
            },
        ),
        ..FakeOptions::default()
    });
    let s = Session::connect(text_config(&server)).unwrap();
    let (replies, events) = chat(&s, &["first"]);
    assert_eq!(replies, vec!["[turn 1] echo: first"]);
    let discarded = events
        .iter()
        .position(|e| matches!(e, Event::ReplyDiscarded { turn: 1 }))
        .unwrap_or_else(|| panic!("{events:#?}"));
    let partial = events
        .iter()
        .position(|e| matches!(e, Event::Text(_)))
        .unwrap_or_else(|| panic!("{events:#?}"));
    let reconnecting = events
        .iter()
        .position(|e| matches!(e, Event::Reconnecting { .. }))
        .unwrap_or_else(|| panic!("{events:#?}"));
    assert!(
        partial < discarded && discarded < reconnecting,
        "{events:#?}"
    );
}

#[test]
fn a_question_cut_after_its_in_progress_segment_is_asked_again_and_answered_once() {
    // Extended thinking: turnComplete with IN_PROGRESS does not end the interaction; a drop
    // right after it must not count the question as answered.
    const MODEL: &str = "gemini-3.8-live-extended-thinking";
    let options = |faults| FakeOptions {
        models: vec![MODEL.to_string()],
        faults,
        ..FakeOptions::default()
    };
    let setup = |server: &FakeServer| {
        let mut c = config(server, ResponseMode::TextAndAudio).with_model(MODEL);
        c.stall_timeout = Duration::from_secs(2);
        c
    };
    let clean = fake_with(options(FaultPlan::new()));
    let s = Session::connect(setup(&clean)).unwrap();
    s.send_text("one").unwrap();
    let mut events = Vec::new();
    let want = interaction(&s, &mut events);
    s.close().unwrap();
    let sent = clean.connections()[0].sent.clone();
    let at = sent
        .iter()
        .position(|m| m.contains("IN_PROGRESS"))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("no IN_PROGRESS segment: {sent:#?}"));

    let server = fake_with(options(FaultPlan::new().after_server(1, at, Fault::Drop)));
    let s = Session::connect(setup(&server)).unwrap();
    let mut events = Vec::new();
    s.send_text("one").unwrap();
    let got = interaction(&s, &mut events);
    assert_eq!(got, want, "the whole interaction, once: {events:#?}");
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::ReplyDiscarded { turn: 1 })),
        "{events:#?}"
    );
    s.send_text("two").unwrap();
    let second = interaction(&s, &mut events);
    assert!(
        second.ends_with("echo: two") || second.contains("two"),
        "{second}"
    );
    assert_eq!(
        main_texts(&server),
        vec!["one", "two"],
        "asked again once (the handle predates it)"
    );
}
