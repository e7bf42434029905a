//! The model turns a connection answers: a reply to text, audio or tool results (or a tool
//! call), tagged with the turn and, when asked, the context digest.

use serde_json::json;

use super::{Conn, Step, TurnInput};
use crate::fake::turn::{self, TurnSpec};
use crate::fake::validate::json_compact;
use crate::models::Kind as ModelKind;

impl Conn {
    /// Answer one turn (or issue a tool call) and update the session state.
    pub(super) fn model_turn(&mut self, input: TurnInput) -> Step {
        if self.silent {
            return Ok(());
        }
        // New input while an extended-thinking answer is pending: the answer goes first.
        self.flush_later(true)?;
        let Some(setup) = self.setup.as_ref() else {
            return Ok(());
        };
        let model = setup.model;
        let kind = model.map(|m| m.kind);
        let usage = model.is_none_or(|m| m.usage);
        let target = setup.target_language.clone();
        let (modality, resumption) = (setup.modality, setup.resumption);
        let (input_tr, output_tr) = (setup.input_transcription, setup.output_transcription);
        let session = self.session_id();
        let n = self.shared.store.with(session, |s| s.turns) + 1;
        if resumption {
            let update = self.with_consumed_index(json!({"resumable": false}));
            self.send(&json!({ "sessionResumptionUpdate": update }))?;
        }
        let mut interrupted = false;
        let is_tool = matches!(input, TurnInput::Tool(_));
        let (reply, prompt_tokens, input_transcript) = match input {
            TurnInput::Text { text, realtime } => {
                if let Some((name, args)) = turn::parse_tool_request(&text) {
                    let id = self.shared.store.next_call_id(session);
                    self.shared.store.with(session, |s| {
                        s.pending_calls.push((id.clone(), name.clone()));
                    });
                    let folded = format!("call:{name}{}", json_compact(Some(&args)));
                    self.fold("model", &folded);
                    let call = json!({"id": id, "name": name, "args": args});
                    self.send(&json!({"toolCall": {"functionCalls": [call]}}))?;
                    return self.while_tool_runs(n, &name);
                }
                match text.trim() {
                    crate::fake::phrases::SEND_UNKNOWN => {
                        self.send(&json!({"someFutureMessage": {"x": 1}}))?
                    }
                    crate::fake::phrases::USAGE_ONLY => {
                        let usage = turn::usage(turn::text_tokens(&text), 0, modality);
                        self.send(&json!({"serverContent": {}, "usageMetadata": usage}))?;
                    }
                    crate::fake::phrases::INTERRUPT_ME => interrupted = true,
                    _ => {}
                }
                let transcript = (realtime && input_tr).then(|| text.clone());
                let tokens = turn::text_tokens(&text);
                (format!("{} echo: {text}", self.tag(n)), tokens, transcript)
            }
            TurnInput::Audio { bytes, checksum } => {
                // What the model heard, as its transcript says.
                self.fold("user", &format!("{bytes} bytes of audio"));
                let mut reply = format!(
                    "{} heard {bytes} bytes of audio, checksum {checksum:016x}",
                    self.tag(n)
                );
                if let (Some(ModelKind::Translate), Some(lang)) = (kind, &target) {
                    reply.push_str(&format!(", translated into {lang}"));
                }
                (
                    reply,
                    turn::audio_in_tokens(bytes),
                    (input_tr && kind != Some(ModelKind::Transcribe))
                        .then(|| format!("{bytes} bytes of audio")),
                )
            }
            TurnInput::Tool(results) => {
                let parts: Vec<String> = results
                    .iter()
                    .map(|(name, r)| format!("tool {name} returned {r}"))
                    .collect();
                let text = format!("{} {}", self.tag(n), parts.join("; "));
                let tokens = turn::text_tokens(&text);
                (text, tokens, None)
            }
        };
        let opts = &self.shared.options;
        let extended = kind == Some(ModelKind::ExtendedThinking);
        let spec = TurnSpec {
            turn: n,
            reply: &reply,
            modality,
            input_transcript,
            output_transcription: output_tr || kind == Some(ModelKind::Translate),
            prompt_tokens,
            interrupted,
            text_parts: opts.text_reply_parts,
            audio_ms: opts.audio_reply_ms,
            chunk_ms: opts.audio_chunk_ms,
            words: opts.audio_words,
            interaction: extended.then_some("IDLE"),
            usage,
        };
        if extended && !is_tool && !interrupted {
            // A filler segment now (IN_PROGRESS), the answer (IDLE) after thinking_ms.
            return self.think_then_answer(&spec, resumption);
        }
        let messages = if kind == Some(ModelKind::Transcribe) {
            turn::transcribe_messages(&spec)
        } else {
            turn::reply_messages(&spec)
        };
        // The state counts the turn before its last message goes out, so that a client that
        // has seen `turnComplete` also sees the turn in the snapshot.
        let last = messages.len().saturating_sub(1);
        let mut pace = turn::Pace::new(self.shared.options.audio_pace);
        for (i, m) in messages.iter().enumerate() {
            if i == last {
                self.shared.store.with(session, |s| {
                    s.turns = n;
                    s.fold("model", &reply);
                });
            }
            pace.wait_for(m);
            self.send(m)?;
        }
        if resumption {
            self.send_new_handle()?;
        }
        Ok(())
    }

    /// A reply's tag: `[turn N]`, with the context digest when the options ask for it.
    pub(super) fn tag(&self, n: u64) -> String {
        if !self.shared.options.context_digest {
            return format!("[turn {n}]");
        }
        let digest = self
            .shared
            .store
            .with(self.session.unwrap_or(0), |s| s.context);
        format!("[turn {n}, context {digest:016x}]")
    }

    /// Folds `piece` said by `role` into this connection's session.
    pub(super) fn fold(&self, role: &str, piece: &str) {
        let session = self.session.unwrap_or(0);
        self.shared.store.with(session, |s| s.fold(role, piece));
    }
}
