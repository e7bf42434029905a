//! How server messages become events: [`to_events`] and the [`Facts`] the reader keeps.
//! A child module of `events.rs`.

use super::*;
use crate::protocol::{ServerMessage, TranscriptSource, TranscriptionDetail};

/// The sample rate of a PCM MIME type (`audio/pcm;rate=24000`, any case), without a lowered
/// copy of it: this runs for every reply audio chunk.
fn audio_rate(mime: &str) -> Option<u32> {
    let is = |prefix: &str| {
        mime.get(..prefix.len())
            .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
    };
    if !is("audio/pcm") && !is("audio/l16") {
        return None;
    }
    Some(
        mime.split(';')
            .filter_map(|p| {
                let p = p.trim();
                let key = p.get(..5)?;
                key.eq_ignore_ascii_case("rate=").then(|| &p[5..])
            })
            .find_map(|r| r.parse().ok().filter(|&hz: &u32| hz > 0))
            .unwrap_or(24_000),
    )
}

/// What the reader learns from one message besides its events.
#[derive(Debug, Default)]
pub(crate) struct Facts {
    pub reply_content: bool,
    pub audio: bool,
    /// Playback time of the reply audio in this message.
    pub audio_duration: Duration,
    pub turn_complete: bool,
    /// `generationComplete` arrived: the model has finished generating this turn (its
    /// `turnComplete` may still come 20+ s later, at the estimated end of playback, C.3).
    pub generation_complete: bool,
    /// `turnComplete` came with an `interactionStatus` other than `IDLE` (`IN_PROGRESS`, the
    /// deprecated `REQUIRES_ACTION`, extended thinking, C.2 and D.4): the interaction is not
    /// finished. `IDLE` and no status at all end it; so does `IDLE` without `turnComplete`
    /// (then `turn_complete` is set too), as Google's SDK reads it.
    pub interaction_in_progress: bool,
    pub handle: Option<String>,
    /// `lastConsumedClientMessageIndex` of a `sessionResumptionUpdate` (Vertex AI with
    /// transparent resumption): the server's state includes the client messages of this
    /// connection up to this index, counting `setup` as 0 (as the fake counts; the service's
    /// base is not documented). Set whether or not the update carried a handle.
    pub last_consumed_index: Option<u64>,
    pub tool_calls: Vec<String>,
    pub cancelled: Vec<String>,
    pub go_away: Option<Option<Duration>>,
}

/// Turns one server message into events, in wire order.
pub(crate) fn to_events(msg: ServerMessage, mode: ResponseMode, out: &mut Vec<Event>) -> Facts {
    let mut facts = Facts::default();
    if let Some(sc) = msg.setup_complete {
        out.push(Event::SetupComplete {
            session_id: sc.session_id,
        });
        if let Some(sig) = sc.voice_consent_signature.and_then(|v| v.signature) {
            out.push(Event::VoiceConsentSignature(sig));
        }
    }
    let mut usage = msg.usage_metadata;
    if let Some(c) = msg.server_content {
        if let Some(t) = c.interim_input_transcription {
            let detail = TranscriptionDetail::of(&t, TranscriptSource::InterimInput);
            if let Some(text) = t.text {
                out.push(Event::InterimInputTranscription {
                    text,
                    language_code: t.language_code,
                });
            }
            out.extend(detail.map(Event::TranscriptionDetail));
        }
        if let Some(t) = c.input_transcription {
            let detail = TranscriptionDetail::of(&t, TranscriptSource::Input);
            if let Some(text) = t.text {
                out.push(Event::InputTranscription {
                    text,
                    finished: t.finished.unwrap_or(false),
                    language_code: t.language_code,
                });
            }
            out.extend(detail.map(Event::TranscriptionDetail));
        }
        for part in c.model_turn.map(|t| t.parts).unwrap_or_default() {
            if let Some(text) = part.text {
                facts.reply_content = true;
                out.push(if part.thought == Some(true) {
                    Event::Thought(text)
                } else {
                    Event::Text(text)
                });
            }
            if let Some(blob) = part.inline_data {
                facts.reply_content = true;
                match protocol::decode_base64(&blob.data) {
                    Ok(data) => match audio_rate(&blob.mime_type) {
                        Some(sample_rate) if data.len() % 2 == 0 => {
                            facts.audio = true;
                            facts.audio_duration += Duration::from_micros(
                                data.len() as u64 / 2 * 1_000_000 / u64::from(sample_rate),
                            );
                            out.push(Event::Audio(AudioChunk { data, sample_rate }))
                        }
                        Some(_) => out.push(Event::Error(Error::Protocol(format!(
                            "audio chunk of {} bytes is not whole 16-bit samples",
                            data.len()
                        )))),
                        None => out.push(Event::InlineData {
                            mime_type: blob.mime_type,
                            data,
                        }),
                    },
                    Err(e) => out.push(Event::Error(Error::Protocol(e.0))),
                }
            }
            for v in [part.executable_code, part.code_execution_result]
                .into_iter()
                .flatten()
            {
                out.push(Event::CodeExecution(v));
            }
            out.extend(part.function_call.map(Event::FunctionCallPart));
            out.extend(part.thought_signature.map(Event::ThoughtSignature));
        }
        if let Some(t) = c.output_transcription {
            let detail = TranscriptionDetail::of(&t, TranscriptSource::Output);
            let finished = t.finished.unwrap_or(false);
            if let Some(text) = t.text {
                facts.reply_content = true;
                out.push(match mode {
                    ResponseMode::TextAndAudio => Event::Text(text),
                    _ => Event::OutputTranscription {
                        text,
                        finished,
                        language_code: t.language_code,
                    },
                });
            }
            out.extend(detail.map(Event::TranscriptionDetail));
            if finished && mode == ResponseMode::TextAndAudio {
                out.push(Event::TextFinished);
            }
        }
        if let Some(v) = c.grounding_metadata {
            out.push(Event::Grounding(GroundingMetadata::from_value(v)));
        }
        if let Some(v) = c.url_context_metadata {
            out.push(Event::UrlContext(UrlContextMetadata::from_value(v)));
        }
        if c.interrupted == Some(true) {
            out.push(Event::Interrupted);
        }
        if c.generation_complete == Some(true) {
            facts.generation_complete = true;
            out.push(Event::GenerationComplete);
        }
        let status = (c.interaction_status.as_deref()).and_then(InteractionStatus::from_wire);
        let idle_only = c.turn_complete != Some(true) && status == Some(InteractionStatus::Idle);
        if c.turn_complete == Some(true) || idle_only {
            facts.turn_complete = true;
            facts.interaction_in_progress = status.is_some_and(|s| !s.is_finished());
            out.push(Event::TurnComplete {
                usage: usage.take(),
                reason: c.turn_complete_reason,
                interaction: status,
            });
        }
        if c.waiting_for_input == Some(true) {
            out.push(Event::WaitingForInput);
        }
    }
    if let Some(tc) = msg.tool_call {
        facts.tool_calls = tc.function_calls.iter().map(|c| c.id.clone()).collect();
        out.push(Event::ToolCall(tc.function_calls));
    }
    if let Some(c) = msg.tool_call_cancellation {
        facts.cancelled = c.ids.clone();
        out.push(Event::ToolCallCancellation(c.ids));
    }
    if let Some(g) = msg.go_away {
        facts.go_away = Some(g.time_left());
        out.push(Event::GoAway {
            time_left: g.time_left(),
        });
    }
    if let Some(u) = msg.session_resumption_update {
        let handle = u.resumable_handle().map(str::to_string);
        facts.handle = handle.clone();
        facts.last_consumed_index = u.last_consumed_client_message_index;
        out.push(Event::ResumptionUpdate {
            handle,
            resumable: u.resumable == Some(true),
            last_consumed_index: u.last_consumed_client_message_index,
        });
    }
    if let Some(u) = usage {
        out.push(Event::Usage(u));
    }
    if let Some(v) = msg.voice_activity {
        let kind = match v.kind.as_deref() {
            Some("ACTIVITY_START") => Some(VoiceActivityKind::Start),
            Some("ACTIVITY_END") => Some(VoiceActivityKind::End),
            _ => None,
        };
        match kind {
            Some(kind) => out.push(Event::VoiceActivity {
                kind,
                audio_offset: v.audio_offset.as_deref().and_then(protocol::parse_duration),
            }),
            None => out.push(Event::Unknown {
                key: "voiceActivity".into(),
                value: serde_json::json!({"type": v.kind, "audioOffset": v.audio_offset}),
            }),
        }
    }
    if let Some(v) = msg.voice_activity_detection_signal {
        let signal = match v.vad_signal_type.as_deref() {
            Some("VAD_SIGNAL_TYPE_SOS") => VadSignal::StartOfSpeech,
            Some("VAD_SIGNAL_TYPE_EOS") => VadSignal::EndOfSpeech,
            other => VadSignal::Other(other.unwrap_or_default().to_string()),
        };
        out.push(Event::VadSignal(signal));
    }
    for (key, value) in msg.unknown {
        out.push(Event::Unknown { key, value });
    }
    facts
}
