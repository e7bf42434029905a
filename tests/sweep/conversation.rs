//! The scripted conversation (text, audio and tool turns, then a sentinel) as an application
//! holds it, and the replies it must get.

use std::time::{Duration, Instant};

use gemini_live::fake::{fnv1a64, FakeOptions, FakeServer, FaultPlan};
use gemini_live::protocol::FunctionResponse;
use gemini_live::{Config, Event, ResponseMode, Session};

use super::{Variant, AUDIO_CHUNKS, AUDIO_CHUNK_BYTES, REPLY_DEADLINE, TOOL_RESULT, TOOL_TEXT};

/// One input of the script.
#[derive(Clone, Debug)]
pub enum Input {
    Text(&'static str),
    Audio,
    Tool,
}

pub const SCRIPT: [Input; 5] = [
    Input::Text("one"),
    Input::Text("two"),
    Input::Audio,
    Input::Tool,
    Input::Text("last"),
];
/// Sent after the script (faults are placed only within the script): its reply proves no
/// late duplicate is still on its way.
pub const SENTINEL: &str = "the end";

pub fn pcm() -> Vec<u8> {
    (0..AUDIO_CHUNKS * AUDIO_CHUNK_BYTES / 2)
        .flat_map(|i| (((i * 37) % 2000) as i16 - 1000).to_le_bytes())
        .collect()
}

/// The reply each input must get, after its `[turn N] ` prefix.
pub fn expected(input: &Input) -> String {
    match input {
        Input::Text(t) => format!("echo: {t}"),
        Input::Audio => {
            let pcm = pcm();
            format!(
                "heard {} bytes of audio, checksum {:016x}",
                pcm.len(),
                fnv1a64(&pcm)
            )
        }
        Input::Tool => format!("tool get_weather returned {TOOL_RESULT}"),
    }
}

pub fn expected_all() -> Vec<String> {
    let mut all: Vec<String> = SCRIPT.iter().map(expected).collect();
    all.push(format!("echo: {SENTINEL}"));
    all
}

/// `[turn N] rest` or `[turn N, context D] rest` → (N, rest).
pub fn split_turn(reply: &str) -> Option<(u64, &str)> {
    let rest = reply.strip_prefix("[turn ")?;
    let (tag, rest) = rest.split_once("] ")?;
    let n = tag.split(", context ").next()?;
    Some((n.parse().ok()?, rest))
}

/// The context digest a reply names (`[turn N, context D]`).
pub fn context_of(reply: &str) -> Option<&str> {
    let tag = reply.strip_prefix("[turn ")?.split_once("] ")?.0;
    Some(tag.split_once(", context ")?.1)
}

/// The fake's options for the sweep: replies name the context digest.
pub fn fake_options(faults: FaultPlan) -> FakeOptions {
    FakeOptions {
        faults,
        context_digest: true,
        ..FakeOptions::default()
    }
}

/// The replies of the fault-free conversation (with the sentinel) in variant `v`: what every
/// faulty run must show, context digests included. Run once per variant.
pub fn unbroken(v: Variant) -> Result<Vec<String>, String> {
    use std::sync::Mutex;
    static DONE: Mutex<Vec<(Variant, Vec<String>)>> = Mutex::new(Vec::new());
    let mut done = DONE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, r)) = done.iter().find(|(w, _)| *w == v) {
        return Ok(r.clone());
    }
    let server = FakeServer::start(fake_options(FaultPlan::new()))
        .map_err(|e| format!("fake server: {e}"))?;
    let view = converse(config(&server, v), true).map_err(|(e, _)| format!("fault-free: {e}"))?;
    let replies: Vec<String> = view.replies.into_iter().map(|r| r.0).collect();
    done.push((v, replies.clone()));
    Ok(replies)
}

pub fn config(server: &FakeServer, v: Variant) -> Config {
    let mode = if v.audio {
        ResponseMode::TextAndAudio
    } else {
        ResponseMode::Text
    };
    let mut c = Config::default()
        .with_endpoint(server.endpoint())
        .with_response_mode(mode);
    if !v.audio {
        c = c.with_model(gemini_live::fake::TEXT_MODEL);
    }
    c.session_resumption = v.resumption;
    c.stall_timeout = Duration::from_millis(400);
    c.reconnect.initial_delay = Duration::from_millis(5);
    c.reconnect.max_delay = Duration::from_millis(100);
    c.reconnect.max_attempts = 40;
    c.reconnect.max_total = Duration::from_secs(20);
    // A session held by a stalled connection for ever is given up after this (default 10 s).
    c.reconnect.resume_wait = Duration::from_millis(1500);
    c.timeouts.close = Duration::from_millis(500);
    c
}

/// What the application saw.
pub struct AppView {
    /// Each reply's text and audio.
    pub replies: Vec<(String, Vec<u8>)>,
    pub events: Vec<String>,
}

/// Events as short strings, for failure messages.
pub fn brief(ev: &Event) -> String {
    match ev {
        Event::Text(t) => format!("Text({t:?})"),
        Event::TurnComplete { .. } => "TurnComplete".into(),
        Event::ResumptionUpdate {
            handle, resumable, ..
        } => {
            format!("Handle(resumable={resumable}, {})", handle.is_some())
        }
        Event::Reconnecting { attempt, cause, .. } => {
            format!("Reconnecting(#{attempt}, {cause:?})")
        }
        other => {
            let s = format!("{other:?}");
            s.chars().take(120).collect()
        }
    }
}

/// Waits for one turn's reply: its text and audio, the part before an `Event::ReplyDiscarded`
/// dropped; every tool call answered.
pub fn reply(s: &Session, log: &mut Vec<String>) -> Result<(String, Vec<u8>), String> {
    let mut text = String::new();
    let mut audio = Vec::new();
    let deadline = Instant::now() + REPLY_DEADLINE;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(format!("no reply within {REPLY_DEADLINE:?}"));
        }
        let ev = match s.next_event(left) {
            Ok(Some(ev)) => ev,
            Ok(None) => continue,
            Err(e) => return Err(format!("next_event: {e}")),
        };
        log.push(brief(&ev));
        match ev {
            Event::Text(t) => text.push_str(&t),
            Event::Audio(a) => audio.extend_from_slice(&a.data),
            // The documented handling: a reply cut by an outage is void; drop what was shown
            // and stop its playback.
            Event::ReplyDiscarded { .. } => {
                text.clear();
                audio.clear();
            }
            // The conversation goes on; a cut reply must have been discarded before this.
            Event::Resumed { .. } | Event::NewSession { .. }
                if !text.is_empty() || !audio.is_empty() =>
            {
                return Err(format!(
                    "{} with the partial reply {text:?} not discarded",
                    brief(&ev)
                ))
            }
            Event::ToolCall(calls) => {
                let responses = calls
                    .into_iter()
                    .map(|c| FunctionResponse {
                        id: c.id,
                        name: c.name,
                        response: serde_json::json!({"temp_c": 21}),
                        ..Default::default()
                    })
                    .collect();
                s.send_tool_response(responses)
                    .map_err(|e| format!("send_tool_response: {e}"))?;
            }
            Event::TurnComplete { .. } => return Ok((text, audio)),
            Event::Closed {
                code,
                reason,
                error,
            } => return Err(format!("closed {code} {reason:?} ({error:?})")),
            _ => {}
        }
    }
}

pub fn send_input(s: &Session, input: &Input) -> Result<(), String> {
    let r = match input {
        Input::Text(t) => s.send_text(t),
        Input::Tool => s.send_text(TOOL_TEXT),
        Input::Audio => pcm()
            .chunks(AUDIO_CHUNK_BYTES)
            .try_for_each(|c| s.send_audio_bytes(c))
            .and_then(|()| s.audio_stream_end()),
    };
    r.map_err(|e| format!("send: {e}"))
}

/// The script (and the sentinel, with `sentinel`), turn by turn; then close, and everything
/// that came after the last reply.
pub fn converse(config: Config, sentinel: bool) -> Result<AppView, (String, Vec<String>)> {
    let mut log = Vec::new();
    let s = match Session::connect(config) {
        Ok(s) => s,
        Err(e) => return Err((format!("connect: {e}"), log)),
    };
    let mut replies = Vec::new();
    let mut inputs: Vec<Input> = SCRIPT.to_vec();
    if sentinel {
        inputs.push(Input::Text(SENTINEL));
    }
    for input in &inputs {
        log.push(format!("> {input:?}"));
        let r = send_input(&s, input).and_then(|()| reply(&s, &mut log));
        match r {
            Ok(r) => replies.push(r),
            Err(e) => return Err((e, log)),
        }
    }
    log.push("> close".into());
    let _ = s.close();
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut after = Vec::new();
    while Instant::now() < deadline {
        match s.next_event(Duration::from_millis(200)) {
            Ok(Some(Event::Closed { .. })) | Err(_) => break,
            Ok(Some(ev)) => {
                log.push(brief(&ev));
                if matches!(ev, Event::Text(_) | Event::TurnComplete { .. }) {
                    after.push(brief(&ev));
                }
            }
            Ok(None) => {}
        }
    }
    if !after.is_empty() {
        return Err((format!("output after the last reply: {after:?}"), log));
    }
    Ok(AppView {
        replies,
        events: log,
    })
}
