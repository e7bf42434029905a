//! How the session feeds its history (`history.rs`) and what a restore sends: the input it
//! writes and the events it delivers go in; `clientContent` frames come out.

use super::events::{Event, Facts};
use super::history::{History, Restore};
use crate::frames::InputKind;
use serde_json::{json, Value};
use tungstenite::Utf8Bytes;

/// Folds an input frame about to be written (ledger sequence number `seq`) into the history.
/// Audio and video carry nothing to keep; frames that are not JSON (tests) are ignored.
pub(crate) fn input(h: &mut History, kind: &InputKind, frame: &str, seq: u64) {
    if matches!(kind, InputKind::AudioEnd) {
        h.audio_end(seq);
        return;
    }
    // Only these carry something to keep (and audio and video frames are large).
    let keeps = [
        "{\"clientContent\"",
        "{\"toolResponse\"",
        "{\"realtimeInput\":{\"text\"",
    ];
    if !keeps.iter().any(|k| frame.starts_with(k)) {
        return;
    }
    let Ok(v) = serde_json::from_str::<Value>(frame) else {
        return;
    };
    if let Some(c) = v.get("clientContent") {
        let turns = c
            .get("turns")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        // A `turnComplete` that asks nothing (the end of initial history) is history too.
        let complete = c.get("turnComplete").and_then(Value::as_bool) == Some(true)
            && !matches!(kind, InputKind::Plain);
        h.client_content(turns, complete, seq);
    } else if let Some(text) = v.pointer("/realtimeInput/text").and_then(Value::as_str) {
        h.user_text(text, seq);
    } else if let Some(rs) = v
        .pointer("/toolResponse/functionResponses")
        .and_then(Value::as_array)
    {
        let field = |r: &Value, k: &str| r.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let responses = rs
            .iter()
            .map(|r| {
                let response = r.get("response").cloned().unwrap_or_else(|| json!({}));
                (field(r, "id"), field(r, "name"), response)
            })
            .collect();
        h.tool_responses(responses, seq);
    }
}

/// Folds one server message's events into the history; `consumed` is Vertex's exact
/// acknowledgement mapped to a ledger sequence number (see [`History::handle`]).
pub(crate) fn server(h: &mut History, events: &[Event], facts: &Facts, consumed: Option<u64>) {
    for ev in events {
        match ev {
            Event::Text(t) => h.model_text(t),
            Event::OutputTranscription { text, .. } => h.model_text(text),
            Event::InputTranscription { text, .. } => h.input_transcript(text),
            Event::ToolCall(calls) => h.tool_calls(calls),
            Event::ToolCallCancellation(ids) => h.calls_cancelled(ids),
            Event::TurnComplete { .. } => h.turn_complete(facts.interaction_in_progress),
            Event::ResumptionUpdate {
                handle: Some(_), ..
            } => h.handle(consumed),
            _ => {}
        }
    }
}

/// The frames that put `restore` back: `clientContent` messages of at most about half of
/// `max_message_size` each, `turnComplete: false` (history joins the context without a
/// reply), or, as initial history of a new session (`historyConfig`), `true` on the last.
pub(crate) fn frames(restore: &Restore, max_message_size: usize, initial: bool) -> Vec<Utf8Bytes> {
    let limit = (max_message_size / 2).max(1024);
    let mut batches: Vec<Vec<&str>> = vec![Vec::new()];
    let mut size = 0;
    for c in &restore.contents {
        if size + c.len() > limit && batches.last().is_some_and(|b| !b.is_empty()) {
            batches.push(Vec::new());
            size = 0;
        }
        size += c.len() + 1;
        if let Some(b) = batches.last_mut() {
            b.push(c);
        }
    }
    let count = batches.len();
    batches
        .into_iter()
        .enumerate()
        .filter(|(_, turns)| !turns.is_empty())
        .map(|(i, turns)| {
            let complete = initial && i + 1 == count;
            let msg = format!(
                r#"{{"clientContent":{{"turns":[{}],"turnComplete":{complete}}}}}"#,
                turns.join(",")
            );
            Utf8Bytes::from(msg)
        })
        .collect()
}

/// Whether the session's model takes history only as initial history of a new session
/// (the model table's `mid_session_history`).
pub(crate) fn initial_only(config: &crate::Config) -> bool {
    crate::models::lookup(config.model_id()).is_some_and(|m| !m.mid_session_history)
}

/// The setup of a connection that will put history back as initial history: `historyConfig`
/// with `initialHistoryInClientContent`.
pub(crate) fn initial_setup(config: &crate::Config) -> crate::Config {
    let mut c = config.clone();
    c.history = Some(crate::protocol::HistoryConfig {
        initial_history_in_client_content: Some(true),
    });
    c
}

/// A restore for a new connection: its frames, and what it puts back.
pub(crate) struct Planned {
    pub frames: Vec<Utf8Bytes>,
    pub restore: Option<Restore>,
}

/// What to put back on a new connection (`resumed`: with the latest handle).
/// `restore` is what the ledger's history says the server lacks (`Ledger::restore`).
pub(crate) fn plan(restore: Option<Restore>, config: &crate::Config, resumed: bool) -> Planned {
    // A new session whose setup asks for initial history (the model's need, or the
    // application's own `historyConfig`) takes it ended by `turnComplete`.
    let asked = (config.history.as_ref()).and_then(|h| h.initial_history_in_client_content);
    let initial = !resumed && (initial_only(config) || asked == Some(true));
    let frames = match &restore {
        // Mid-session history would be refused: only a new session can take it.
        Some(r) if !r.is_empty() && (initial || !initial_only(config)) => {
            frames(r, config.max_message_size, initial)
        }
        _ => Vec::new(),
    };
    Planned { frames, restore }
}

/// The event that says what a reconnection did to the conversation, if anything:
/// `ContextRestored` when something was put back, `ContextLost` when the server lost
/// exchanges and none could be (`ledger_lost`: the ledger's count, when no history is kept).
pub(crate) fn report(planned: &Planned, ledger_lost: u64) -> Option<Event> {
    if let Some(r) = planned.restore.as_ref().filter(|r| r.untranscribed > 0) {
        log::info!(
            "{} spoken turn(s) had no transcript: put back with the model's side only",
            r.untranscribed
        );
    }
    match &planned.restore {
        Some(r) if !planned.frames.is_empty() => Some(Event::ContextRestored {
            turns: r.turns,
            chars: r.chars,
            dropped: r.dropped,
        }),
        Some(r) if r.turns + r.dropped > 0 => Some(Event::ContextLost {
            turns: r.turns + r.dropped,
        }),
        Some(_) => None,
        None => (ledger_lost > 0).then_some(Event::ContextLost { turns: ledger_lost }),
    }
}

/// BLOCKING function calls pending while new content goes out: on 3.8 Live the service
/// drops them without a `toolCallCancellation` (protocol notes D.6). Only functions declared
/// with an explicit `behavior: BLOCKING` are watched (where blocking is the model's default,
/// the service cancels such calls itself). Pure.
#[derive(Debug, Default)]
pub(crate) struct BlockingCalls {
    /// Functions declared BLOCKING.
    blocking: Vec<String>,
    /// Their calls the application has not answered.
    open: Vec<String>,
    /// Calls new content abandoned, not reported yet.
    abandoned: Vec<String>,
}

impl BlockingCalls {
    /// From the session's declarations.
    pub fn new(config: &crate::Config) -> BlockingCalls {
        use crate::protocol::Behavior;
        let decls = (config.tools.iter()).flat_map(|t| t.function_declarations.iter().flatten());
        BlockingCalls {
            blocking: decls
                .filter(|d| d.behavior == Some(Behavior::Blocking))
                .map(|d| d.name.clone())
                .collect(),
            ..BlockingCalls::default()
        }
    }

    /// The model called functions.
    pub fn called(&mut self, calls: &[crate::protocol::FunctionCall]) {
        let blocking = calls.iter().filter(|c| self.blocking.contains(&c.name));
        self.open
            .extend(blocking.map(|c| c.id.clone()).collect::<Vec<_>>());
    }

    /// Calls answered or cancelled.
    pub fn closed(&mut self, ids: &[String]) {
        self.open.retain(|id| !ids.contains(id));
    }

    /// New content went out: the open calls are abandoned.
    pub fn new_content(&mut self) {
        self.abandoned.append(&mut self.open);
    }

    /// The connection ended: its calls died with it (reported as such elsewhere).
    pub fn connection_lost(&mut self) {
        self.open.clear();
    }

    /// The abandoned calls not reported yet.
    pub fn take_abandoned(&mut self) -> Vec<String> {
        std::mem::take(&mut self.abandoned)
    }
}
