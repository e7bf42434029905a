//! What the fake server does with each client message: setup, content, realtime input, tool
//! responses, and the model turns they trigger.

use serde_json::{json, Value};

use super::audio::{decode_base64, fnv1a64_update, FNV_OFFSET};
use super::conn::{Conn, SetupInfo, Step};
use super::schema::{key_matches, MODALITIES};
use super::turn::{self, Modality, TurnSpec};
use super::validate::{
    content_text, field, field_bool, field_str, parse_envelope, validate, Kind, Reject,
};
use crate::models::Kind as ModelKind;

const UNREGISTERED: &str = "Method doesn't allow unregistered callers (callers without \
     established identity). Please use API Key or other form of API consumer identity to call \
     this API.";
const BAD_KEY: &str = "API key not valid. Please pass a valid API key.";
const BAD_AUDIO: &str =
    "Request contains an invalid argument: invalid audio format, expected 16khz s16le pcm, mono channel";
pub(super) const NOT_FOUND: &str = "Requested entity was not found.";

/// What a model turn answers.
pub(super) enum TurnInput {
    Text { text: String, realtime: bool },
    Audio { bytes: u64, checksum: u64 },
    Tool(Vec<(String, String)>),
}

impl Conn {
    /// Handle one client data frame's text.
    pub(super) fn handle(&mut self, text: &str) -> Step {
        // On the Vertex path the bearer token was checked at the upgrade.
        if self.setup.is_none() && self.vertex.is_none() {
            self.check_auth().map_err(|r| self.reject(r))?;
        }
        let (kind, body) = parse_envelope(text).map_err(|r| self.reject(r))?;
        if (kind == Kind::Setup) == self.setup.is_some() {
            // A message before setup, or a second setup.
            return Err(self.reject(Reject::invalid_argument()));
        }
        validate(kind, &body, &self.version).map_err(|r| self.reject(r))?;
        if self.refuses_text(kind, &body) {
            // Transcribe and translate models take audio input only.
            return Err(self.reject(Reject::invalid_argument()));
        }
        match kind {
            Kind::Setup => self.on_setup(&body),
            Kind::ClientContent => self.on_client_content(&body),
            Kind::RealtimeInput => self.on_realtime_input(&body),
            Kind::ToolResponse => self.on_tool_response(&body),
            Kind::ContextUpdate => Ok(()),
        }
    }

    fn check_auth(&self) -> Result<(), Reject> {
        let Some(expected) = &self.shared.options.api_key else {
            return Ok(());
        };
        if self.creds.is_empty() {
            return Err(Reject::new(1008, UNREGISTERED));
        }
        if self.creds.iter().any(|c| c != expected) {
            return Err(Reject::new(1007, BAD_KEY));
        }
        Ok(())
    }

    fn session_id(&self) -> u64 {
        self.session.unwrap_or(0)
    }

    fn on_setup(&mut self, body: &Value) -> Step {
        let model = field_str(body, "model").unwrap_or("");
        let express = self.vertex.as_ref().is_some_and(|v| v.express);
        let vertex = self.vertex.as_ref().and(self.shared.options.vertex.clone());
        let model = match &vertex {
            Some(auth) => {
                super::vertex::served_id(model, auth, express).map_err(|r| self.reject(r))?
            }
            None => model,
        };
        let id = model.strip_prefix("models/").unwrap_or(model);
        let retired = crate::models::lookup(id).is_some_and(|m| !m.status.is_current());
        let served = !retired
            && (self.shared.options.models.iter())
                .any(|m| m.strip_prefix("models/").unwrap_or(m) == id);
        if let (Some(auth), false) = (&vertex, served) {
            return Err(self.reject(super::vertex::not_found(auth, id)));
        }
        if id.is_empty() || !served {
            return Err(self.reject(Reject::new(
                1008,
                format!(
                    "models/{id} is not found for API version {}, or is not supported for \
                     bidiGenerateContent. Call ListModels to see the list of available models \
                     and their supported methods.",
                    self.version
                ),
            )));
        }
        let modalities: Vec<String> = field(body, "generationConfig")
            .and_then(|g| field(g, "responseModalities"))
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .map(|m| match m {
                        Value::String(s) => s.clone(),
                        other => other
                            .as_u64()
                            .and_then(|i| MODALITIES.get(i as usize))
                            .map(|s| s.to_string())
                            .unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        if modalities.len() > 1 {
            let quoted: Vec<String> = modalities.iter().map(|m| format!("'{m}'")).collect();
            return Err(self.reject(Reject::new(
                1007,
                format!(
                    "responseModalities must have one entry, got [{}]",
                    quoted.join(", ")
                ),
            )));
        }
        let modality = match modalities.first().map(String::as_str) {
            None | Some("AUDIO") | Some("MODALITY_UNSPECIFIED") => Modality::Audio,
            Some("TEXT") => Modality::Text,
            Some(_) => return Err(self.reject(Reject::invalid_argument())),
        };
        // The model's own rules, with the service's close codes (capability table).
        let model = crate::models::lookup(id);
        if let Some(r) = model.and_then(|m| crate::models::violation(m, body)) {
            return Err(self.reject(Reject::new(r.code, r.reason)));
        }
        let vad = !field(body, "realtimeInputConfig")
            .and_then(|r| field(r, "automaticActivityDetection"))
            .is_some_and(|a| field_bool(a, "disabled"));
        let resumption = field(body, "sessionResumption");
        if let Some(v) = self.vertex.as_mut() {
            v.transparent = resumption.is_some_and(|r| field_bool(r, "transparent"));
        }
        let handle = resumption
            .and_then(|r| field_str(r, "handle"))
            .filter(|h| !h.is_empty());
        let session = match handle {
            Some(h) => {
                let h = h.to_string();
                self.shared
                    .update(self.index, |r| r.resumed_handle = Some(h.clone()));
                let ttl = self.shared.options.handle_ttl;
                self.shared
                    .store
                    .resume(&h, self.index, ttl)
                    .map_err(|r| self.reject(r))?
            }
            None => self.shared.store.create(self.index),
        };
        self.session = Some(session);
        self.setup = Some(SetupInfo {
            modality,
            vad,
            resumption: resumption.is_some(),
            input_transcription: field(body, "inputAudioTranscription").is_some(),
            output_transcription: field(body, "outputAudioTranscription").is_some(),
            model,
            behaviors: super::lifecycle::behaviors(body),
            target_language: field(body, "generationConfig")
                .and_then(|g| field(g, "translationConfig"))
                .and_then(|t| field_str(t, "targetLanguageCode"))
                .map(str::to_string),
            initial_history: field(body, "historyConfig")
                .is_some_and(|h| field_bool(h, "initialHistoryInClientContent")),
        });
        self.send(&json!({"setupComplete": {}}))?;
        if resumption.is_some() {
            self.send_new_handle()?;
        }
        Ok(())
    }

    pub(super) fn send_new_handle(&mut self) -> Step {
        let ttl = self.shared.options.handle_ttl;
        let handle = self.shared.store.issue_handle(self.session_id(), ttl);
        let update = json!({"newHandle": handle, "resumable": true});
        self.send(&json!({ "sessionResumptionUpdate": self.with_consumed_index(update) }))
    }

    /// Vertex with transparent resumption: add `lastConsumedClientMessageIndex`, the 0-based
    /// index among this connection's client messages (`setup` = 0) of the last one handled,
    /// as an int64 in canonical proto3 JSON (a string).
    fn with_consumed_index(&self, mut update: Value) -> Value {
        if self.vertex.as_ref().is_some_and(|v| v.transparent) {
            let last = self.received.saturating_sub(1).to_string();
            update["lastConsumedClientMessageIndex"] = Value::String(last);
        }
        update
    }

    fn on_client_content(&mut self, body: &Value) -> Step {
        let turns = field(body, "turns")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let initial = self.setup.as_ref().is_some_and(|s| s.initial_history);
        // History (a model turn, or initial history) joins the context without a reply;
        // it is not new user input.
        let history = initial || super::context::is_history(&turns);
        self.shared.store.with(self.session_id(), |s| {
            if history {
                s.join(&turns);
            }
            for t in turns {
                let role = field_str(&t, "role").unwrap_or("user");
                if role == "user" && !history {
                    if let Some(text) = content_text(&t) {
                        s.fold("user", &text);
                        s.texts.push(text.clone());
                        s.last_user_text = text;
                    }
                }
                s.history.push(t);
            }
        });
        if initial && field_bool(body, "turnComplete") {
            if let Some(setup) = self.setup.as_mut() {
                setup.initial_history = false;
            }
            return Ok(());
        }
        if !field_bool(body, "turnComplete") {
            return Ok(());
        }
        self.cancel_pending_calls()?;
        let text = self
            .shared
            .store
            .with(self.session_id(), |s| s.last_user_text.clone());
        self.model_turn(TurnInput::Text {
            text,
            realtime: false,
        })
    }

    /// New user input while tool calls are pending abandons them.
    fn cancel_pending_calls(&mut self) -> Step {
        // 3.8 Live drops a pending call declared BLOCKING without a cancellation (D.6).
        let silent_drop = |name: &str| {
            self.setup.as_ref().is_some_and(|s| {
                s.model.is_some_and(|m| m.non_blocking_tools)
                    && s.behaviors.iter().any(|(n, nb)| n == name && !nb)
            })
        };
        let pending = self.shared.store.with(self.session_id(), |s| {
            s.tool_results.clear();
            std::mem::take(&mut s.pending_calls)
        });
        let ids: Vec<String> = (pending.into_iter())
            .filter(|(_, name)| !silent_drop(name))
            .map(|(id, _)| id)
            .collect();
        if ids.is_empty() || self.silent {
            return Ok(());
        }
        self.send(&json!({"toolCallCancellation": {"ids": ids}}))
    }

    fn on_realtime_input(&mut self, body: &Value) -> Step {
        let Some((key, value)) = body
            .as_object()
            .filter(|o| o.len() == 1)
            .and_then(|o| o.iter().next())
        else {
            return Err(self.reject(Reject::invalid_argument()));
        };
        let vad = self.setup.as_ref().is_some_and(|s| s.vad);
        let is = |camel: &str| key_matches(key, camel);
        if is("audio") {
            self.on_audio(value)
        } else if is("video") {
            self.on_video();
            Ok(())
        } else if is("text") {
            let text = value.as_str().unwrap_or("").to_string();
            self.shared.store.with(self.session_id(), |s| {
                s.fold("user", &text);
                s.texts.push(text.clone());
                s.last_user_text = text.clone();
            });
            self.cancel_pending_calls()?;
            self.model_turn(TurnInput::Text {
                text,
                realtime: true,
            })
        } else if is("activityStart") || is("activityEnd") {
            if vad {
                let which = if is("activityStart") {
                    "activityStart"
                } else {
                    "activityEnd"
                };
                return Err(self.reject(Reject::new(
                    1007,
                    format!("{which} sent while automatic activity detection is enabled"),
                )));
            }
            if is("activityEnd") {
                self.audio_turn()?;
            }
            Ok(())
        } else if is("audioStreamEnd") {
            if value.as_bool() != Some(true) {
                return Ok(());
            }
            if !vad {
                return Err(self.reject(Reject::new(
                    1007,
                    "audioStreamEnd sent while automatic activity detection is disabled",
                )));
            }
            self.audio_turn()
        } else if is("mediaChunks") {
            let chunks = value.as_array().cloned().unwrap_or_default();
            for chunk in &chunks {
                match field_str(chunk, "mimeType") {
                    None => self.on_audio(chunk)?,
                    Some(m) if m.starts_with("audio/") => self.on_audio(chunk)?,
                    Some(m) if m.starts_with("image/") || m.starts_with("video/") => {
                        self.on_video()
                    }
                    Some(_) => return Err(self.reject(Reject::invalid_argument())),
                }
            }
            Ok(())
        } else {
            Err(self.reject(Reject::invalid_argument()))
        }
    }

    fn on_audio(&mut self, blob: &Value) -> Step {
        if field_str(blob, "mimeType").is_some_and(|m| !m.starts_with("audio/pcm")) {
            return Err(self.reject(Reject::new(1007, BAD_AUDIO)));
        }
        let Some(bytes) = decode_base64(field_str(blob, "data").unwrap_or("")) else {
            return Err(self.reject(Reject::invalid_argument()));
        };
        if bytes.len() % 2 != 0 {
            return Err(self.reject(Reject::new(1007, BAD_AUDIO)));
        }
        self.shared.store.with(self.session_id(), |s| {
            s.input_checksum = fnv1a64_update(s.input_checksum, &bytes);
            s.input_bytes += bytes.len() as u64;
        });
        let (hash, count) = self.turn_audio;
        self.turn_audio = (fnv1a64_update(hash, &bytes), count + bytes.len() as u64);
        self.energy_vad_feed(&bytes)
    }

    /// The energy-based server VAD (`FakeOptions::energy_vad`), when automatic activity
    /// detection is on: `voiceActivity` for each transition.
    fn energy_vad_feed(&mut self, pcm: &[u8]) -> Step {
        let vad_on = self.setup.as_ref().is_some_and(|s| s.vad);
        let changes = match self.energy_vad.as_mut() {
            Some(v) if vad_on => v.feed(pcm),
            _ => return Ok(()),
        };
        for a in changes {
            self.send(&json!({"voiceActivity": {"type": a.wire()}}))?;
        }
        Ok(())
    }

    fn on_video(&mut self) {
        self.shared
            .store
            .with(self.session_id(), |s| s.video_frames += 1);
    }

    /// End of an audio turn: answer the audio received since the previous one (if any).
    fn audio_turn(&mut self) -> Step {
        let (checksum, bytes) = std::mem::replace(&mut self.turn_audio, (FNV_OFFSET, 0));
        if bytes == 0 {
            return Ok(());
        }
        self.cancel_pending_calls()?;
        self.model_turn(TurnInput::Audio { bytes, checksum })
    }

    fn on_tool_response(&mut self, body: &Value) -> Step {
        let responses = field(body, "functionResponses")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        if self.non_blocking_responses(&responses) {
            return self.on_non_blocking_responses(&responses);
        }
        for r in &responses {
            let Some(id) = field_str(r, "id").filter(|id| !id.is_empty()) else {
                return Err(self.reject(Reject::invalid_argument()));
            };
            let result = json_compact(field(r, "response"));
            let name = field_str(r, "name").map(str::to_string);
            let known = self.shared.store.with(self.session_id(), |s| {
                let pos = s.pending_calls.iter().position(|(pid, _)| pid == id)?;
                let (_, call_name) = s.pending_calls.remove(pos);
                let said = name.as_deref().unwrap_or(&call_name);
                s.fold("user", &format!("response:{said}{result}"));
                s.tool_results.push((name.unwrap_or(call_name), result));
                Some(())
            });
            if known.is_none() {
                return Err(self.reject(Reject::new(1008, NOT_FOUND)));
            }
        }
        let done = self.shared.store.with(self.session_id(), |s| {
            if s.pending_calls.is_empty() {
                std::mem::take(&mut s.tool_results)
            } else {
                Vec::new()
            }
        });
        if done.is_empty() {
            return Ok(());
        }
        self.model_turn(TurnInput::Tool(done))
    }

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
                    super::phrases::SEND_UNKNOWN => {
                        self.send(&json!({"someFutureMessage": {"x": 1}}))?
                    }
                    super::phrases::USAGE_ONLY => {
                        let usage = turn::usage(turn::text_tokens(&text), 0, modality);
                        self.send(&json!({"serverContent": {}, "usageMetadata": usage}))?;
                    }
                    super::phrases::INTERRUPT_ME => interrupted = true,
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
}

pub(super) fn json_compact(v: Option<&Value>) -> String {
    v.map(Value::to_string).unwrap_or_else(|| "{}".to_string())
}
