//! What a connection does with the client's input after setup: content, realtime input and
//! tool responses, each folded into the session and answered by a model turn when it ends one.

use serde_json::{json, Value};

use super::{Conn, Step, TurnInput, NOT_FOUND};
use crate::fake::audio::{decode_base64, fnv1a64_update, FNV_OFFSET};
use crate::fake::context::is_history;
use crate::fake::schema::key_matches;
use crate::fake::validate::{content_text, field, field_bool, field_str, json_compact, Reject};

const BAD_AUDIO: &str =
    "Request contains an invalid argument: invalid audio format, expected 16khz s16le pcm, mono channel";

impl Conn {
    pub(super) fn on_client_content(&mut self, body: &Value) -> Step {
        let turns = field(body, "turns")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default();
        let initial = self.setup.as_ref().is_some_and(|s| s.initial_history);
        // History (a model turn, or initial history) joins the context without a reply;
        // it is not new user input.
        let history = initial || is_history(&turns);
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

    pub(super) fn on_realtime_input(&mut self, body: &Value) -> Step {
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

    pub(super) fn on_tool_response(&mut self, body: &Value) -> Step {
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
}
