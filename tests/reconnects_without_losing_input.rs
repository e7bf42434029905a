//! Resilience: every fault the real service shows, at every point of a conversation, and the
//! conversation still finishes with every reply correct; the fake's turn counter, texts and
//! input checksum prove nothing was lost or duplicated.

mod common;

use common::*;
use gemini_live::fake::{fnv1a64, FakeOptions, FakeServer, FaultPlan};
use gemini_live::{Config, Event, ResponseMode, Session};
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
            let responses = calls.iter().map(weather_response).collect();
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

/// The tests, one file a part in tests/reconnects_without_losing_input/.
mod reconnects_without_losing_input {
    mod across_reconnections;
    mod every_point;
    mod giving_up;
}
