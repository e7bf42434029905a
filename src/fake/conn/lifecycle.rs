//! A connection's model lifecycles: extended thinking (a filler segment ending with
//! `turnComplete` + `interactionStatus: IN_PROGRESS`, then, `thinking_ms` later, the answer
//! ending with `IDLE`; a resumable handle only once idle) and non-blocking tool calls whose
//! responses carry `scheduling` (`INTERRUPT`, `WHEN_IDLE`, `SILENT`) and `willContinue`
//! (protocol.md Part C.2, B §3.4).

use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::{Conn, Step, TurnInput, NOT_FOUND};
use crate::fake::turn::{self, TurnSpec};
use crate::fake::validate::{field, field_bool, field_str, json_compact, Kind as MsgKind, Reject};
use crate::models::Kind;

/// The deferred answer of an extended-thinking interaction.
pub(super) struct Later {
    due: Instant,
    messages: Vec<Value>,
    turn: u64,
    handle: bool,
}

/// Functions of a setup declared with an explicit `behavior`: (name, non-blocking).
pub(super) fn behaviors(setup: &Value) -> Vec<(String, bool)> {
    let mut out = Vec::new();
    for tool in field(setup, "tools")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        for f in field(tool, "functionDeclarations")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if let (Some(name), Some(b)) = (field_str(f, "name"), field_str(f, "behavior")) {
                out.push((name.to_string(), b == "NON_BLOCKING"));
            }
        }
    }
    out
}

impl Conn {
    fn extended(&self) -> bool {
        self.setup
            .as_ref()
            .and_then(|s| s.model)
            .is_some_and(|m| m.kind == Kind::ExtendedThinking)
    }

    /// Whether a model that takes audio input only refuses this message.
    pub(super) fn refuses_text(&self, kind: MsgKind, body: &Value) -> bool {
        let audio_only = self
            .setup
            .as_ref()
            .and_then(|s| s.model)
            .is_some_and(|m| !m.text_input);
        audio_only
            && match kind {
                MsgKind::ClientContent => true,
                MsgKind::RealtimeInput => field(body, "text").is_some(),
                _ => false,
            }
    }

    /// Sends the deferred answer if it is due (or at once with `now`).
    pub(super) fn flush_later(&mut self, now: bool) -> Step {
        let due = self
            .later
            .as_ref()
            .is_some_and(|l| now || Instant::now() >= l.due);
        if !due {
            return Ok(());
        }
        let Some(later) = self.later.take() else {
            return Ok(());
        };
        if self.silent {
            // `SilentDrop`: no turn is answered from then on.
            return Ok(());
        }
        let session = self.session.unwrap_or(0);
        let last = later.messages.len().saturating_sub(1);
        for (i, m) in later.messages.iter().enumerate() {
            if i == last {
                self.shared.store.with(session, |s| s.turns = later.turn);
            }
            self.send(m)?;
        }
        if later.handle {
            self.send_new_handle()?;
        }
        Ok(())
    }

    fn filler(&self, turn: u64, text: &str, input_transcript: Option<String>) -> Vec<Value> {
        let Some(setup) = self.setup.as_ref() else {
            return Vec::new();
        };
        self.fold("model", text);
        let opts = &self.shared.options;
        turn::reply_messages(&TurnSpec {
            turn,
            reply: text,
            modality: setup.modality,
            input_transcript,
            output_transcription: setup.output_transcription,
            prompt_tokens: 0,
            interrupted: false,
            text_parts: 1,
            audio_ms: (opts.audio_reply_ms / 2).max(opts.audio_chunk_ms.max(1)),
            chunk_ms: opts.audio_chunk_ms,
            words: opts.audio_words,
            interaction: Some("IN_PROGRESS"),
            usage: false,
        })
    }

    /// Extended thinking: send a filler segment marked IN_PROGRESS now and keep the answer
    /// (`spec`, marked IDLE) for `thinking_ms` later; the handle follows the answer.
    pub(super) fn think_then_answer(&mut self, spec: &TurnSpec<'_>, handle: bool) -> Step {
        let n = spec.turn;
        let filler = self.filler(
            n,
            &format!("[turn {n}] let me think about that."),
            spec.input_transcript.clone(),
        );
        // The answer follows the filler in what the session knows.
        self.fold("model", spec.reply);
        let answer = turn::reply_messages(&TurnSpec {
            input_transcript: None,
            ..*spec
        });
        for m in &filler {
            self.send(m)?;
        }
        let delay = Duration::from_millis(u64::from(self.shared.options.thinking_ms));
        self.later = Some(Later {
            due: Instant::now() + delay,
            messages: answer,
            turn: n,
            handle,
        });
        Ok(())
    }

    /// After a tool call went out: an extended-thinking model keeps talking (a filler
    /// segment marked IN_PROGRESS) while the call runs.
    pub(super) fn while_tool_runs(&mut self, turn: u64, name: &str) -> Step {
        if !self.extended() {
            return Ok(());
        }
        let filler = self.filler(turn, &format!("[turn {turn}] checking {name}."), None);
        for m in &filler {
            self.send(m)?;
        }
        Ok(())
    }

    fn is_non_blocking(&self, name: &str) -> bool {
        let Some(setup) = self.setup.as_ref() else {
            return false;
        };
        match setup.behaviors.iter().find(|(n, _)| n == name) {
            Some((_, nb)) => *nb,
            None => setup.model.is_some_and(|m| m.non_blocking_tools),
        }
    }

    /// Whether these responses answer non-blocking calls (answered one by one, by
    /// `scheduling`), rather than a blocking round.
    pub(super) fn non_blocking_responses(&self, responses: &[Value]) -> bool {
        let session = self.session.unwrap_or(0);
        let names: Vec<String> = self.shared.store.with(session, |s| {
            responses
                .iter()
                .filter_map(|r| field_str(r, "id"))
                .filter_map(|id| s.pending_calls.iter().find(|(p, _)| p == id))
                .map(|(_, name)| name.clone())
                .collect()
        });
        !names.is_empty() && names.iter().all(|n| self.is_non_blocking(n))
    }

    /// Answers non-blocking calls: `SILENT` adds the result without speaking (an
    /// extended-thinking model then goes IDLE), `INTERRUPT` interrupts what the model is
    /// saying (a pending answer is dropped) and speaks now, `WHEN_IDLE` (and none) speaks
    /// once the pending answer is out. `willContinue: true` keeps the call open.
    pub(super) fn on_non_blocking_responses(&mut self, responses: &[Value]) -> Step {
        let session = self.session.unwrap_or(0);
        for r in responses {
            let Some(id) = field_str(r, "id").filter(|id| !id.is_empty()) else {
                return Err(self.reject(Reject::invalid_argument()));
            };
            let more = field_bool(r, "willContinue");
            let call = self.shared.store.with(session, |s| {
                let pos = s.pending_calls.iter().position(|(p, _)| p == id)?;
                Some(if more {
                    s.pending_calls[pos].1.clone()
                } else {
                    s.pending_calls.remove(pos).1
                })
            });
            let Some(call_name) = call else {
                return Err(self.reject(Reject::new(1008, NOT_FOUND)));
            };
            let name = field_str(r, "name").unwrap_or(&call_name).to_string();
            let result = json_compact(field(r, "response"));
            // The proto field; the TOOLS docs put it inside `response`: accept both.
            let scheduling = field_str(r, "scheduling")
                .or_else(|| field(r, "response").and_then(|x| field_str(x, "scheduling")))
                .unwrap_or("WHEN_IDLE");
            match scheduling {
                "SILENT" => {
                    self.shared.store.with(session, |s| {
                        s.history
                            .push(json!({"role": "user", "toolResult": [name, result]}))
                    });
                    if self.extended() && !more && !self.silent {
                        self.send(&json!({"serverContent": {
                            "turnComplete": true, "interactionStatus": "IDLE"}}))?;
                    }
                }
                "INTERRUPT" => {
                    let was_speaking = self.later.take().is_some();
                    if (was_speaking || self.extended()) && !self.silent {
                        self.send(&json!({"serverContent": {"interrupted": true}}))?;
                    }
                    self.model_turn(TurnInput::Tool(vec![(name, result)]))?;
                }
                _ => self.model_turn(TurnInput::Tool(vec![(name, result)]))?,
            }
        }
        Ok(())
    }
}
