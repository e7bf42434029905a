//! Resilience: every fault the real service shows, at every point of a conversation, and the
//! conversation still finishes with every reply correct; the fake's turn counter, texts and
//! input checksum prove nothing was lost or duplicated.

mod common;

use common::*;
use gemini_live::fake::{fnv1a64, FakeOptions, FakeServer, Fault, FaultPlan};
use gemini_live::protocol::FunctionResponse;
use gemini_live::{Config, Error, Event, ResponseMode, Session};
use std::time::{Duration, Instant};

const TOOL_TEXT: &str = r#"call tool get_weather with {"city": "Paris"}"#;

/// Message numbers on the first connection of [`conversation`]: setup is 1.
const FIRST_TEXT: usize = 2;
const FIRST_AUDIO: usize = 3;
const AUDIO_CHUNKS: usize = 15;
const MID_AUDIO: usize = FIRST_AUDIO + 7;
const TOOL_CALL_TEXT: usize = FIRST_AUDIO + AUDIO_CHUNKS + 1;
const TOOL_RESPONSE: usize = TOOL_CALL_TEXT + 1;

fn resilient_config(server: &FakeServer) -> Config {
    let mut c = config(server, ResponseMode::TextAndAudio);
    c.stall_timeout = Duration::from_millis(400);
    c
}

/// What a conversation saw.
struct Story {
    replies: Vec<String>,
    events: Vec<Event>,
}

/// One turn's reply text; a `Resumed`/`NewSession` restarts the turn (the server answers the
/// replayed input again), and every tool call is answered.
fn reply(s: &Session, events: &mut Vec<Event>) -> String {
    collect_reply(s, events, |ev, text| match ev {
        Event::Resumed { .. } | Event::NewSession { .. } => {
            text.clear();
            Step::Go
        }
        Event::ToolCall(calls) => {
            let responses = calls
                .iter()
                .map(|c| FunctionResponse {
                    id: c.id.clone(),
                    name: c.name.clone(),
                    response: serde_json::json!({"temp_c": 21}),
                    ..Default::default()
                })
                .collect();
            s.send_tool_response(responses).unwrap();
            Step::Go
        }
        Event::TurnComplete { .. } => Step::Done,
        _ => Step::Go,
    })
}

/// Text, audio, tool and text turns; returns the replies and every event.
fn conversation(server: &FakeServer, config: Config) -> (Story, Vec<u8>) {
    conversation_then(server, config, false)
}

/// [`conversation`]; with `await_handover`, waits (up to 5 s) for a `Resumed` before closing:
/// a GoAway that arrives after the app started its last turn is handled at that turn's end,
/// and closing at once would race with the handover.
fn conversation_then(
    server: &FakeServer,
    config: Config,
    await_handover: bool,
) -> (Story, Vec<u8>) {
    let s = Session::connect(config).expect("connects (retrying if need be)");
    let mut events = Vec::new();
    let mut replies = Vec::new();
    s.send_text("first").unwrap();
    replies.push(reply(&s, &mut events));
    let pcm = tone(20 * AUDIO_CHUNKS as u32, 330.0);
    for chunk in pcm.chunks(640) {
        s.send_audio_bytes(chunk).unwrap();
    }
    s.audio_stream_end().unwrap();
    replies.push(reply(&s, &mut events));
    s.send_text(TOOL_TEXT).unwrap();
    replies.push(reply(&s, &mut events));
    s.send_text("last").unwrap();
    replies.push(reply(&s, &mut events));
    let deadline = Instant::now() + Duration::from_secs(5);
    while await_handover
        && !events.iter().any(|e| matches!(e, Event::Resumed { .. }))
        && Instant::now() < deadline
    {
        if let Ok(Some(ev)) = s.next_event(Duration::from_millis(100)) {
            events.push(ev);
        }
    }
    s.close().unwrap();
    while let Ok(Some(ev)) = s.next_event(Duration::from_secs(2)) {
        events.push(ev);
    }
    let _ = server;
    (Story { replies, events }, pcm)
}

/// Runs the conversation against a fake with `faults` and checks every invariant.
fn survives(faults: FaultPlan) -> Story {
    let server = fake_with(FakeOptions {
        faults,
        ..FakeOptions::default()
    });
    let (story, pcm) = conversation(&server, resilient_config(&server));
    let checksum = format!("{:016x}", fnv1a64(&pcm));
    assert_eq!(
        story.replies[0], "[turn 1] echo: first",
        "{:#?}",
        story.events
    );
    assert_eq!(
        story.replies[1],
        format!(
            "[turn 2] heard {} bytes of audio, checksum {checksum}",
            pcm.len()
        ),
        "{:#?}",
        story.events
    );
    assert!(
        story.replies[2].starts_with("[turn 3] tool get_weather returned"),
        "{:#?}",
        story.replies
    );
    assert!(story.replies[2].contains("21"));
    assert_eq!(story.replies[3], "[turn 4] echo: last");
    // The server's own record: one logical session, every input exactly once.
    let sessions = server.state_snapshot();
    let main = sessions
        .iter()
        .find(|s| s.texts.last().map(String::as_str) == Some("last"))
        .expect("a session saw the last turn");
    assert_eq!(main.turns, 4, "{sessions:#?}");
    assert_eq!(
        main.texts,
        vec!["first", TOOL_TEXT, "last"],
        "{sessions:#?}"
    );
    assert_eq!(main.input_bytes, pcm.len() as u64);
    assert_eq!(main.input_checksum, fnv1a64(&pcm));
    story
}

fn reconnected(story: &Story) -> bool {
    story
        .events
        .iter()
        .any(|e| matches!(e, Event::Reconnecting { .. }))
        && story
            .events
            .iter()
            .any(|e| matches!(e, Event::Resumed { .. }))
}

fn points() -> [(&'static str, usize); 5] {
    [
        ("before setupComplete", 1),
        ("between turns", FIRST_AUDIO),
        ("mid audio upload", MID_AUDIO),
        ("tool call pending", TOOL_RESPONSE),
        ("before the last turn", TOOL_RESPONSE + 1),
    ]
}

#[test]
fn no_fault_baseline() {
    let story = survives(FaultPlan::new());
    assert!(!story
        .events
        .iter()
        .any(|e| matches!(e, Event::Reconnecting { .. })));
}

#[test]
fn tcp_drop_at_every_point() {
    for (what, at) in points() {
        let story = survives(FaultPlan::new().at(1, at, Fault::Drop));
        assert!(
            matches!(story.events.first(), Some(Event::SetupComplete { .. })),
            "{what}: SetupComplete is always the first event"
        );
        if at == 1 {
            // The first connect retries silently: Session::connect had not returned yet.
            continue;
        }
        assert!(
            story
                .events
                .iter()
                .any(|e| matches!(e, Event::Reconnecting { .. })),
            "{what}"
        );
    }
}

#[test]
fn close_1011_at_every_point() {
    for (what, at) in points() {
        let close = Fault::Close {
            code: 1011,
            reason: "Internal error occurred.".into(),
        };
        let story = survives(FaultPlan::new().at(1, at, close));
        if at == 1 {
            // The first connect retries silently (SetupComplete stays the first event).
            assert!(matches!(
                story.events.first(),
                Some(Event::SetupComplete { .. })
            ));
            continue;
        }
        let cause = story.events.iter().find_map(|e| match e {
            Event::Reconnecting { cause: Some(c), .. } => Some(c.clone()),
            _ => None,
        });
        assert!(
            matches!(cause, Some(Error::Closed { code: 1011, .. })),
            "{what}: {cause:?}"
        );
    }
}

#[test]
fn cut_mid_reply_by_drop_and_by_1011() {
    for code in [None, Some(1011)] {
        for (turn_msg, sends) in [
            (FIRST_TEXT, 2),
            (FIRST_AUDIO + AUDIO_CHUNKS, 3),
            (TOOL_RESPONSE, 1),
        ] {
            let story = survives(FaultPlan::new().at(
                1,
                turn_msg,
                Fault::CutMidReply {
                    after_sends: sends,
                    code,
                },
            ));
            assert!(reconnected(&story), "cut {code:?} at {turn_msg}");
        }
    }
}

#[test]
fn stall_mid_turn_is_detected_and_replaced() {
    for at in [FIRST_TEXT, FIRST_AUDIO + AUDIO_CHUNKS, TOOL_RESPONSE] {
        let story = survives(FaultPlan::new().at(1, at, Fault::Stall));
        let cause = story.events.iter().find_map(|e| match e {
            Event::Reconnecting { cause: Some(c), .. } => Some(c.clone()),
            _ => None,
        });
        assert!(
            matches!(cause, Some(Error::Stalled(_))),
            "at {at}: {cause:?}"
        );
    }
}

#[test]
fn refused_upgrade_is_retried() {
    let plan = FaultPlan::new()
        .on_upgrade(1, Fault::RefuseUpgrade { status: 503 })
        .at(2, MID_AUDIO, Fault::Drop)
        .on_upgrade(3, Fault::RefuseUpgrade { status: 502 });
    survives(plan);
}

#[test]
fn malformed_frames_do_not_end_the_conversation() {
    let plan = FaultPlan::new().at(1, FIRST_TEXT, Fault::Malformed).at(
        1,
        TOOL_CALL_TEXT,
        Fault::Malformed,
    );
    let story = survives(plan);
    let errors = story
        .events
        .iter()
        .filter(|e| matches!(e, Event::Error(Error::Protocol(_))))
        .count();
    assert_eq!(errors, 2);
}

#[test]
fn goaway_at_every_point_hands_over_closing_the_old_socket_first() {
    // (A GoAway after the last message comes when the conversation is over.)
    for (what, at) in points().into_iter().skip(1).take(3) {
        let server = fake_with(FakeOptions {
            faults: FaultPlan::new().at(
                1,
                at,
                Fault::GoAway {
                    time_left: Duration::from_secs(2),
                    then_close_after: Some(Duration::from_secs(2)),
                },
            ),
            ..FakeOptions::default()
        });
        let (story, _) = conversation_then(&server, resilient_config(&server), true);
        assert_eq!(story.replies[3], "[turn 4] echo: last", "{what}");
        assert!(
            story
                .events
                .iter()
                .any(|e| matches!(e, Event::GoAway { .. })),
            "{what}"
        );
        assert!(
            story
                .events
                .iter()
                .any(|e| matches!(e, Event::Reconnecting { cause: None, .. })),
            "{what}: a planned handover has no error cause"
        );
        let conns = server.connections();
        assert_eq!(conns.len(), 2, "{what}: one handover");
        assert!(
            conns[0].close_received.is_some(),
            "{what}: the client closed the old socket"
        );
        assert_ne!(
            conns[0].close_sent.as_ref().map(|c| c.0),
            Some(1011),
            "{what}: no deadline close"
        );
        assert!(
            conns[1].resumed_handle.is_some(),
            "{what}: the new connection resumed"
        );
        let sessions = server.state_snapshot();
        let main = sessions
            .iter()
            .find(|s| s.turns == 4)
            .expect("one session with 4 turns");
        assert_eq!(main.texts, vec!["first", TOOL_TEXT, "last"]);
    }
}

#[test]
fn fatal_closes_are_never_retried() {
    for (code, reason) in [
        (1007, "Request contains an invalid argument."),
        (1008, "models/x is not found for API version v1alpha, or is not supported for bidiGenerateContent."),
    ] {
        let server = fake_with(FakeOptions {
            faults: FaultPlan::new().at(
                1,
                FIRST_TEXT,
                Fault::Close {
                    code,
                    reason: reason.into(),
                },
            ),
            ..FakeOptions::default()
        });
        let s = Session::connect(resilient_config(&server)).unwrap();
        s.send_text("first").unwrap();
        match closed(&s) {
            Event::Closed { code: c, error: Some(e), .. } => {
                assert_eq!(c, code);
                assert!(!e.is_retryable());
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(server.connection_count(), 1, "{code} was not retried");
    }
}

#[test]
fn fatal_errors_on_the_first_connect_are_not_retried() {
    let server = fake_with(FakeOptions {
        api_key: Some("right".into()),
        ..FakeOptions::default()
    });
    let err = Session::connect(resilient_config(&server).with_api_key("wrong")).unwrap_err();
    assert!(matches!(err, Error::Closed { code: 1007, .. }));
    assert_eq!(server.connection_count(), 1);
}

#[test]
fn an_expired_handle_falls_back_to_a_new_session_and_says_so() {
    let server = fake_with(FakeOptions {
        handle_ttl: Duration::from_millis(1),
        faults: FaultPlan::new().at(1, FIRST_AUDIO, Fault::Drop),
        ..FakeOptions::default()
    });
    let s = Session::connect(resilient_config(&server)).unwrap();
    let mut events = Vec::new();
    s.send_text("first").unwrap();
    assert_eq!(reply(&s, &mut events), "[turn 1] echo: first");
    std::thread::sleep(Duration::from_millis(5)); // let the handle expire
    s.send_text("second").unwrap();
    let second = reply(&s, &mut events);
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::NewSession { replayed: 1 })),
        "{events:#?}"
    );
    // A new session, with the first exchange put back: the question was still answered, as
    // the second turn of the conversation.
    assert_eq!(second, "[turn 2] echo: second");
    assert!(
        events.iter().any(|e| matches!(
            e,
            Event::ContextRestored {
                turns: 1,
                dropped: 0,
                ..
            }
        )),
        "{events:#?}"
    );
    assert!(
        s.resumption_handle().is_some(),
        "the new session's handle is kept"
    );
}

#[test]
fn a_tool_response_for_a_forgotten_call_is_not_sent_blindly() {
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new().at(1, 3, Fault::Drop),
        ..FakeOptions::default()
    });
    let s = Session::connect(resilient_config(&server)).unwrap();
    s.send_text(TOOL_TEXT).unwrap();
    let call = loop {
        if let Some(Event::ToolCall(c)) = s.next_event(Duration::from_secs(5)).unwrap() {
            break c[0].clone();
        }
    };
    // Message 3 is this response: the server drops the connection on it.
    s.send_tool_response(vec![FunctionResponse {
        id: call.id.clone(),
        name: call.name.clone(),
        response: serde_json::json!({"temp_c": 21}),
        ..Default::default()
    }])
    .unwrap();
    let mut events = Vec::new();
    let text = reply(&s, &mut events);
    assert!(text.contains("tool get_weather returned"), "{text}");
    let dropped: Vec<_> = events
        .iter()
        .filter_map(|e| match e {
            Event::ToolResponsesDropped { ids } => Some(ids.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(dropped, vec![vec![call.id.clone()]], "{events:#?}");
    assert!(
        events.iter().any(|e| matches!(e, Event::ToolCall(_))),
        "the replayed question was asked again and got a new call"
    );
}

#[test]
fn input_sent_while_reconnecting_is_queued_not_refused() {
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new()
            .on_upgrade(2, Fault::RefuseUpgrade { status: 503 })
            .at(1, 3, Fault::Drop),
        ..FakeOptions::default()
    });
    let s = Session::connect(resilient_config(&server)).unwrap();
    let mut events = Vec::new();
    s.send_text("one").unwrap();
    assert_eq!(reply(&s, &mut events), "[turn 1] echo: one");
    // Message 3 drops the connection; the next upgrade is refused; these sends must queue.
    for i in 0..5 {
        s.send_realtime_text(&format!("q{i}")).unwrap();
    }
    let replies: Vec<String> = (0..5).map(|_| reply(&s, &mut events)).collect();
    for (i, r) in replies.iter().enumerate() {
        assert_eq!(r, &format!("[turn {}] echo: q{i}", i + 2));
    }
    let m = s.metrics();
    assert_eq!(m.reconnects, 1);
    assert!(m.downtime > Duration::ZERO);
}

#[test]
fn thirty_turns_through_a_fault_every_few_turns() {
    let plan = FaultPlan::new()
        .at(1, 4, Fault::Drop)
        .at(
            2,
            3,
            Fault::Close {
                code: 1011,
                reason: "Internal error occurred.".into(),
            },
        )
        .at(
            3,
            4,
            Fault::GoAway {
                time_left: Duration::from_secs(1),
                then_close_after: Some(Duration::from_secs(1)),
            },
        )
        .at(
            4,
            3,
            Fault::CutMidReply {
                after_sends: 2,
                code: None,
            },
        )
        .at(5, 4, Fault::Stall)
        .at(6, 2, Fault::Malformed)
        .at(
            6,
            5,
            Fault::CutMidReply {
                after_sends: 1,
                code: Some(1011),
            },
        )
        .on_upgrade(7, Fault::RefuseUpgrade { status: 503 })
        .at(8, 4, Fault::Drop);
    let server = fake_with(FakeOptions {
        faults: plan,
        ..FakeOptions::default()
    });
    let s = Session::connect(resilient_config(&server)).unwrap();
    let mut events = Vec::new();
    for i in 1..=30 {
        s.send_text(&format!("message {i}")).unwrap();
        assert_eq!(
            reply(&s, &mut events),
            format!("[turn {i}] echo: message {i}")
        );
    }
    let expected: Vec<String> = (1..=30).map(|i| format!("message {i}")).collect();
    let sessions = server.state_snapshot();
    let main = sessions
        .iter()
        .find(|s| s.turns == 30)
        .expect("one session, 30 turns");
    assert_eq!(main.texts, expected);
    assert!(
        server.connection_count() >= 8,
        "{}",
        server.connection_count()
    );
    let m = s.metrics();
    eprintln!(
        "30 turns: {} connections, {} reconnects, total downtime {:?}",
        server.connection_count(),
        m.reconnects,
        m.downtime
    );
}

#[test]
fn reconnection_off_reports_the_loss_instead() {
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new().at(1, FIRST_TEXT, Fault::Drop),
        ..FakeOptions::default()
    });
    let mut c = resilient_config(&server);
    c.reconnect.enabled = false;
    let s = Session::connect(c).unwrap();
    s.send_text("first").unwrap();
    assert!(matches!(
        closed(&s),
        Event::Closed {
            code: 1006,
            error: Some(_),
            ..
        }
    ));
    assert_eq!(server.connection_count(), 1);
}

#[test]
fn gives_up_after_the_attempt_budget_with_the_cause() {
    let plan = (2..=5).fold(FaultPlan::new().at(1, FIRST_TEXT, Fault::Drop), |p, n| {
        p.on_upgrade(n, Fault::RefuseUpgrade { status: 503 })
    });
    let server = fake_with(FakeOptions {
        faults: plan,
        ..FakeOptions::default()
    });
    let mut c = resilient_config(&server);
    c.reconnect.max_attempts = 4;
    c.reconnect.max_delay = Duration::from_millis(20);
    let s = Session::connect(c).unwrap();
    s.send_text("first").unwrap();
    match closed(&s) {
        Event::Closed {
            error:
                Some(Error::RetriesExhausted {
                    attempts: 4, last, ..
                }),
            ..
        } if matches!(*last, Error::Http { status: 503, .. }) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(
        server.connection_count(),
        5,
        "the first connection and four attempts"
    );
}

#[test]
fn keepalive_pings_are_answered_and_a_silent_peer_is_replaced() {
    // A healthy server answers pings: an idle session with a 50 ms keepalive stays put.
    let server = fake();
    let mut c = resilient_config(&server);
    c.keepalive_interval = Some(Duration::from_millis(50));
    c.pong_timeout = Duration::from_secs(1);
    let s = Session::connect(c.clone()).unwrap();
    let mut events = Vec::new();
    while let Ok(Some(ev)) = s.next_event(Duration::from_millis(400)) {
        events.push(ev);
    }
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::Reconnecting { .. })),
        "{events:#?}"
    );
    s.send_text("still fine").unwrap();
    assert_eq!(reply(&s, &mut events), "[turn 1] echo: still fine");
    drop(s);

    // A server that stops reading answers no ping: the pong timeout replaces the connection.
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new().at(1, 2, Fault::Freeze),
        ..FakeOptions::default()
    });
    c.endpoint = server.endpoint();
    c.stall_timeout = Duration::from_secs(30);
    let s = Session::connect(c).unwrap();
    s.send_text("are you there").unwrap();
    let mut events = Vec::new();
    assert_eq!(reply(&s, &mut events), "[turn 1] echo: are you there");
    let cause = events.iter().find_map(|e| match e {
        Event::Reconnecting { cause: Some(c), .. } => Some(c.clone()),
        _ => None,
    });
    assert_eq!(cause, Some(Error::Stalled(Duration::from_secs(1))));
}

#[test]
fn a_persisted_handle_resumes_the_conversation_in_a_new_session() {
    let server = fake();
    let first = Session::connect(resilient_config(&server)).unwrap();
    let mut events = Vec::new();
    first.send_text("remember me").unwrap();
    assert_eq!(reply(&first, &mut events), "[turn 1] echo: remember me");
    // The handle that covers the turn follows its turnComplete.
    let handle = loop {
        match first.next_event(Duration::from_secs(5)).unwrap() {
            Some(Event::ResumptionUpdate {
                handle: Some(h), ..
            }) => break h,
            Some(_) => {}
            None => panic!("no resumable handle after the turn"),
        }
    };
    assert_eq!(first.resumption_handle().as_deref(), Some(handle.as_str()));
    first.close().unwrap();

    // "Another process": a new session from the persisted handle.
    let mut c = resilient_config(&server);
    c.resumption_handle = Some(handle.clone());
    let second = Session::connect(c).unwrap();
    second.send_text("and now").unwrap();
    assert_eq!(reply(&second, &mut events), "[turn 2] echo: and now");
    assert_eq!(
        server.connections()[1].resumed_handle.as_deref(),
        Some(handle.as_str())
    );
}
