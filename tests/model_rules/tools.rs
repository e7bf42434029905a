//! Function calls by model: in the background with scheduling (extended thinking),
//! NON_BLOCKING on 3.8, and `willContinue`.

use crate::common::*;
use crate::{fake, interaction, text_of};
use gemini_live::fake::FakeServer;
use gemini_live::protocol::FunctionResponse;
use gemini_live::protocol::{FunctionDeclaration, Scheduling, Tool};
use gemini_live::{Config, Event, InteractionStatus, ResponseMode, Session};
use serde_json::json;
use std::time::Duration;

fn tool_config(server: &FakeServer, model: &str) -> Config {
    let mut c = config(server, ResponseMode::TextAndAudio).with_model(model);
    c.tools = vec![Tool {
        function_declarations: Some(vec![FunctionDeclaration {
            name: "get_time".into(),
            ..FunctionDeclaration::default()
        }]),
        ..Tool::default()
    }];
    c
}

fn call_id(events: &[Event]) -> String {
    events
        .iter()
        .find_map(|e| match e {
            Event::ToolCall(calls) => Some(calls[0].id.clone()),
            _ => None,
        })
        .expect("a tool call")
}

fn respond(s: &Session, id: &str, scheduling: Option<Scheduling>) {
    s.send_tool_response(vec![FunctionResponse {
        id: id.into(),
        name: "get_time".into(),
        response: json!({"time": "12:00"}),
        scheduling,
        will_continue: None,
        ..FunctionResponse::default()
    }])
    .unwrap();
}

#[test]
fn extended_thinking_calls_tools_in_the_background_and_honours_scheduling() {
    let server = fake();
    let s = Session::connect(tool_config(&server, "gemini-3.8-live-extended-thinking")).unwrap();

    // The call goes out and the model keeps talking (a filler marked IN_PROGRESS).
    s.send_text("call tool get_time with {}").unwrap();
    let mut events = Vec::new();
    while !events.iter().any(|e| {
        matches!(
            e,
            Event::TurnComplete {
                interaction: Some(InteractionStatus::InProgress),
                ..
            }
        )
    }) {
        events.push(s.next_event(Duration::from_secs(5)).unwrap().unwrap());
    }
    assert!(text_of(&events).contains("checking get_time"), "{events:?}");
    // INTERRUPT: the model stops what it says and speaks about the result now.
    respond(&s, &call_id(&events), Some(Scheduling::Interrupt));
    let events = interaction(&s);
    assert!(
        matches!(
            events
                .iter()
                .find(|e| matches!(e, Event::Interrupted | Event::Text(_))),
            Some(Event::Interrupted)
        ),
        "{events:?}"
    );
    assert!(
        text_of(&events).contains("tool get_time returned {\"time\":\"12:00\"}"),
        "{events:?}"
    );

    // SILENT: the result is taken in without a word; the interaction goes idle.
    s.send_text("call tool get_time with {}").unwrap();
    let events = loop {
        let ev = s.next_event(Duration::from_secs(5)).unwrap().unwrap();
        if let Event::ToolCall(calls) = &ev {
            break calls.clone();
        }
    };
    let _ = interaction_until_in_progress(&s);
    respond(&s, &events[0].id, Some(Scheduling::Silent));
    let after = interaction(&s);
    assert_eq!(text_of(&after), "", "{after:?}");

    // WHEN_IDLE (and no scheduling): spoken once the model is idle.
    s.send_text("call tool get_time with {}").unwrap();
    let events = interaction_until_in_progress(&s);
    respond(&s, &call_id(&events), Some(Scheduling::WhenIdle));
    let after = interaction(&s);
    assert!(
        text_of(&after).contains("tool get_time returned"),
        "{after:?}"
    );
    assert!(!after.iter().any(|e| matches!(e, Event::Interrupted)));

    // The wire carries scheduling beside `response`, as the proto has it.
    let frames = server.connections().pop().unwrap().frames;
    assert!(
        frames
            .iter()
            .any(|f| f.contains("\"scheduling\":\"INTERRUPT\"")),
        "{frames:?}"
    );
    assert!(frames
        .iter()
        .any(|f| f.contains("\"scheduling\":\"SILENT\"")));
}

fn interaction_until_in_progress(s: &Session) -> Vec<Event> {
    let mut events = Vec::new();
    loop {
        let ev = s.next_event(Duration::from_secs(5)).unwrap().unwrap();
        let stop = matches!(
            ev,
            Event::TurnComplete {
                interaction: Some(InteractionStatus::InProgress),
                ..
            }
        );
        events.push(ev);
        if stop {
            return events;
        }
    }
}

#[test]
fn non_blocking_calls_on_38_live_answer_each_response_by_itself() {
    let server = fake();
    let s = Session::connect(tool_config(&server, "gemini-3.8-live")).unwrap();
    s.send_text("call tool get_time with {}").unwrap();
    let first = turn_until_tool_call(&s);
    // A non-blocking call is answered on its own, with no interaction status on 3.8 Live.
    respond(&s, &first, None);
    let t = turn(&s);
    assert!(t.text.contains("tool get_time returned"), "{t:?}");
    assert!(t.events.iter().any(|e| matches!(
        e,
        Event::TurnComplete {
            interaction: None,
            ..
        }
    )));
}

fn turn_until_tool_call(s: &Session) -> String {
    loop {
        if let Event::ToolCall(calls) = s.next_event(Duration::from_secs(5)).unwrap().unwrap() {
            return calls[0].id.clone();
        }
    }
}

#[test]
fn will_continue_keeps_a_non_blocking_call_open_for_more_responses() {
    let server = fake();
    let s = Session::connect(tool_config(&server, "gemini-3.8-live")).unwrap();
    s.send_text("call tool get_time with {}").unwrap();
    let id = turn_until_tool_call(&s);
    let partial = FunctionResponse {
        id: id.clone(),
        name: "get_time".into(),
        response: json!({"progress": "half"}),
        scheduling: Some(Scheduling::WhenIdle),
        will_continue: Some(true),
        ..FunctionResponse::default()
    };
    s.send_tool_response(vec![partial]).unwrap();
    assert!(turn(&s).text.contains("returned {\"progress\":\"half\"}"));
    // The call is still open: the final response is accepted and answered.
    respond(&s, &id, None);
    let mut events = Vec::new();
    while let Ok(Some(ev)) = s.next_event(Duration::from_secs(3)) {
        let done = matches!(ev, Event::TurnComplete { .. });
        events.push(ev);
        if done {
            break;
        }
    }
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::ToolResponsesDropped { .. })),
        "the session closed the call on its first response: {events:?}"
    );
    assert!(
        text_of(&events).contains("returned {\"time\":\"12:00\"}"),
        "{events:?}"
    );
}
