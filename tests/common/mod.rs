//! Helpers shared by the integration tests.
#![allow(dead_code)]

/// Running the CLI binary, which needs the `cli` feature.
#[cfg(feature = "cli")]
pub mod cli;

use gemini_live::fake::{FakeOptions, FakeServer, TEXT_MODEL};
use gemini_live::protocol::FunctionResponse;
use gemini_live::{Config, Event, ResponseMode, Session};
use std::time::Duration;

/// A fake server with default options.
pub fn fake() -> FakeServer {
    FakeServer::start(FakeOptions::default()).expect("fake server starts")
}

/// A fake server with options.
pub fn fake_with(options: FakeOptions) -> FakeServer {
    FakeServer::start(options).expect("fake server starts")
}

/// A config pointing at `server` in `mode`: the default model, except in TEXT mode, which no
/// current conversational model accepts: there the fake's own [`TEXT_MODEL`].
pub fn config(server: &FakeServer, mode: ResponseMode) -> Config {
    let mut c = Config::default()
        .with_endpoint(server.endpoint())
        .with_response_mode(mode);
    if mode == ResponseMode::Text {
        c = c.with_model(TEXT_MODEL);
    }
    c.extra_root_ca_pem = server.ca_pem().map(String::into_bytes);
    // In AUDIO mode, ask for the transcription too, so tests can read the reply.
    c.output_transcription = true;
    c
}

/// What one turn produced.
#[derive(Debug, Default)]
pub struct Turn {
    pub text: String,
    pub audio: Vec<u8>,
    pub input_transcript: String,
    pub output_transcript: String,
    pub events: Vec<Event>,
}

/// Collects events until `TurnComplete`; panics on close or a 5 s silence.
pub fn turn(session: &Session) -> Turn {
    let mut t = Turn::default();
    loop {
        let ev = session
            .next_event(Duration::from_secs(5))
            .expect("session open")
            .expect("an event within 5 s");
        match &ev {
            Event::Text(s) => t.text.push_str(s),
            Event::Audio(a) => t.audio.extend_from_slice(&a.data),
            Event::InputTranscription { text, .. } => t.input_transcript.push_str(text),
            Event::OutputTranscription { text, .. } => t.output_transcript.push_str(text),
            Event::Closed { .. } => panic!("closed mid-turn: {ev:?}"),
            _ => {}
        }
        let done = matches!(ev, Event::TurnComplete { .. });
        t.events.push(ev);
        if done {
            return t;
        }
    }
}

/// Waits for the `Closed` event, skipping others.
pub fn closed(session: &Session) -> Event {
    loop {
        match session.next_event(Duration::from_secs(5)) {
            Ok(Some(ev @ Event::Closed { .. })) => return ev,
            Ok(Some(_)) => {}
            Ok(None) => panic!("no Closed event within 5 s"),
            Err(e) => panic!("session ended without a Closed event: {e}"),
        }
    }
}

/// The answer to a `get_weather` call the tests give: `{"temp_c": 21}`, for the call's id and
/// name.
pub fn weather_response(call: &gemini_live::protocol::FunctionCall) -> FunctionResponse {
    FunctionResponse {
        id: call.id.clone(),
        name: call.name.clone(),
        response: serde_json::json!({"temp_c": 21}),
        ..Default::default()
    }
}

/// 16 kHz PCM16LE bytes of a deterministic tone, `ms` long.
pub fn tone(ms: u32, freq: f32) -> Vec<u8> {
    let n = 16 * ms as usize;
    let mut out = Vec::with_capacity(n * 2);
    for i in 0..n {
        let v = (2.0 * std::f32::consts::PI * freq * i as f32 / 16_000.0).sin() * 8000.0;
        out.extend_from_slice(&(v as i16).to_le_bytes());
    }
    out
}

/// Session threads still alive: waits up to 1 s for the count to reach 0, because a joined
/// thread can stay listed in `/proc/self/task` for a moment after `pthread_join` returns (the
/// kernel clears the join futex before it removes the task). A leaked thread stays.
pub fn session_threads_after_join() -> usize {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(1);
    loop {
        let n = session_threads();
        if n == 0 || std::time::Instant::now() > deadline {
            return n;
        }
        std::thread::sleep(std::time::Duration::from_millis(1));
    }
}

/// Threads of this process whose name starts with `gemini-live-`.
pub fn session_threads() -> usize {
    std::fs::read_dir("/proc/self/task")
        .expect("/proc is mounted")
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .filter(|name| name.starts_with("gemini-live-"))
        .count()
}

/// What [`collect_reply`] does after an event other than `Text` and `Closed`.
pub enum Step {
    /// The reply goes on.
    Go,
    /// The reply is complete.
    Done,
}

/// Collects one reply's `Text` until `step` says it is done, within 20 s; panics on `Closed`,
/// an error or 10 s of silence, listing every event (each is appended to `events`). `step`
/// sees every other event with the text so far: it may void the text, answer a tool call, or
/// end the reply.
pub fn collect_reply(
    s: &Session,
    events: &mut Vec<Event>,
    mut step: impl FnMut(&Event, &mut String) -> Step,
) -> String {
    use std::time::Instant;
    let mut text = String::new();
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        assert!(Instant::now() < deadline, "no reply; events: {events:#?}");
        let ev = match s.next_event(Duration::from_secs(10)) {
            Ok(Some(ev)) => ev,
            other => panic!("{other:?}; events: {events:#?}"),
        };
        events.push(ev.clone());
        match &ev {
            Event::Text(t) => text.push_str(t),
            Event::Closed { .. } => panic!("closed; events: {events:#?}"),
            other => {
                if let Step::Done = step(other, &mut text) {
                    return text;
                }
            }
        }
    }
}

/// One reply's text collected as the README tells apps to: a `ReplyDiscarded` voids what came
/// so far, the first `TurnComplete` ends it. Every event is appended to `events`.
pub fn reply(s: &Session, events: &mut Vec<Event>) -> String {
    collect_reply(s, events, |ev, text| match ev {
        Event::ReplyDiscarded { .. } => {
            text.clear();
            Step::Go
        }
        Event::TurnComplete { .. } => Step::Done,
        _ => Step::Go,
    })
}

/// One turn's text across reconnections: a `Resumed` or `NewSession` restarts it (the server
/// answers the replayed input again); the first `TurnComplete` ends it.
pub fn reply_across_reconnects(s: &Session, events: &mut Vec<Event>) -> String {
    collect_reply(s, events, |ev, text| match ev {
        Event::Resumed { .. } | Event::NewSession { .. } => {
            text.clear();
            Step::Go
        }
        Event::TurnComplete { .. } => Step::Done,
        _ => Step::Go,
    })
}

/// Sends each line and collects its [`reply`]; the replies and every event.
pub fn chat(s: &Session, lines: &[&str]) -> (Vec<String>, Vec<Event>) {
    let mut events = Vec::new();
    let mut replies = Vec::new();
    for line in lines {
        s.send_text(line).expect("a line sends");
        replies.push(reply(s, &mut events));
    }
    (replies, events)
}

/// Collects one interaction's text: the `IN_PROGRESS` segments (each ended by `|`) and the
/// segment of the `TurnComplete` that ends it; a `ReplyDiscarded` voids what came so far (as
/// the README tells apps to do). Every event is appended to `events` for the failure message.
pub fn interaction(s: &Session, events: &mut Vec<Event>) -> String {
    use gemini_live::InteractionStatus;
    collect_reply(s, events, |ev, text| match ev {
        Event::ReplyDiscarded { .. } => {
            text.clear();
            Step::Go
        }
        Event::TurnComplete {
            interaction: Some(InteractionStatus::InProgress),
            ..
        } => {
            text.push('|');
            Step::Go
        }
        Event::TurnComplete { .. } => Step::Done,
        _ => Step::Go,
    })
}
