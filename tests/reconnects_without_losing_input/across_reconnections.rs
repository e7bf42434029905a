//! What a reconnection keeps: handles expired or persisted, tool calls the server forgot,
//! input sent meanwhile, keepalive, and thirty turns through repeated faults.

use crate::common::*;
use crate::{reply, resilient_config, FIRST_AUDIO, TOOL_TEXT};
use gemini_live::fake::{FakeOptions, Fault, FaultPlan};
use gemini_live::{Error, Event, Session};
use std::time::Duration;

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
    s.send_tool_response(vec![weather_response(&call)]).unwrap();
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
