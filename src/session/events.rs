//! The events a session delivers, and how server messages become events.

use crate::config::ResponseMode;
use crate::error::Error;
use crate::protocol::{self, FunctionCall, ServerMessage, UsageMetadata};
use serde_json::Value;
use std::time::Duration;

pub use crate::state::State;

/// A chunk of the model's audio.
#[derive(Clone, PartialEq, Eq)]
pub struct AudioChunk {
    /// PCM16LE mono samples as bytes (always an even count).
    pub data: Vec<u8>,
    /// Sample rate in Hz, from the MIME type (24000 from the service).
    pub sample_rate: u32,
}

impl std::fmt::Debug for AudioChunk {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "AudioChunk({} bytes at {} Hz)",
            self.data.len(),
            self.sample_rate
        )
    }
}

impl AudioChunk {
    /// The samples as `i16`.
    pub fn samples(&self) -> Vec<i16> {
        self.data
            .chunks_exact(2)
            .map(|b| i16::from_le_bytes([b[0], b[1]]))
            .collect()
    }
}

/// Something that happened in the session, in the order it happened.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Event {
    /// `setupComplete` arrived; the session is ready.
    SetupComplete {
        /// The session id, where the service provides one.
        session_id: Option<String>,
    },
    /// Model text. In [`ResponseMode::TextAndAudio`] this is the transcription of the
    /// model's audio (the service sends one modality per session).
    Text(String),
    /// A thought summary part (models with `includeThoughts`).
    Thought(String),
    /// Model audio.
    Audio(AudioChunk),
    /// Inline data that is not audio.
    InlineData {
        /// Its MIME type.
        mime_type: String,
        /// Decoded bytes.
        data: Vec<u8>,
    },
    /// Code the model ran, or its result (code execution tool): the part as sent.
    CodeExecution(Value),
    /// Transcription of the user's audio.
    InputTranscription {
        /// Text fragment.
        text: String,
        /// The utterance is final.
        finished: bool,
    },
    /// Transcription of the model's audio (in [`ResponseMode::Audio`]; in TextAndAudio it
    /// arrives as [`Event::Text`]).
    OutputTranscription {
        /// Text fragment.
        text: String,
        /// The utterance is final.
        finished: bool,
    },
    /// The model calls functions: answer with `send_tool_response`.
    ToolCall(Vec<FunctionCall>),
    /// These calls are abandoned.
    ToolCallCancellation(Vec<String>),
    /// User input interrupted the model: drop queued playback.
    Interrupted,
    /// The model finished generating (playback may still be going).
    GenerationComplete,
    /// The turn is over.
    TurnComplete {
        /// Token usage, when it came with the turn's end.
        usage: Option<UsageMetadata>,
        /// `turnCompleteReason`, where the model sends it.
        reason: Option<String>,
    },
    /// Token usage that came outside a turn's end.
    Usage(UsageMetadata),
    /// Grounding or URL-context metadata.
    Grounding(Value),
    /// The server will end the connection after `time_left`.
    GoAway {
        /// Time left, if the server's duration parsed.
        time_left: Option<Duration>,
    },
    /// A session resumption update; `handle` is set only when resumable.
    ResumptionUpdate {
        /// The new resumable handle.
        handle: Option<String>,
        /// Whether the session is resumable at this point.
        resumable: bool,
    },
    /// The session changed state.
    StateChanged(State),
    /// The connection was lost (or is being handed over after a GoAway); attempt `attempt`
    /// starts after `delay`.
    Reconnecting {
        /// 1-based attempt number within this outage.
        attempt: u32,
        /// Delay before this attempt.
        delay: Duration,
        /// What ended the connection (`None` for a planned GoAway handover).
        cause: Option<Error>,
    },
    /// Reconnected and resumed with the latest handle: the conversation goes on.
    Resumed {
        /// Input messages re-sent because the handle did not cover them.
        replayed: usize,
    },
    /// Reconnected to a new session: the server's context (history) was lost, because there
    /// was no resumable handle or the server refused it.
    NewSession {
        /// Input messages re-sent to the new session (those after the latest handle).
        replayed: usize,
    },
    /// Input was dropped and will not reach the server: the replay buffer overflowed.
    InputDropped {
        /// Messages dropped.
        messages: u64,
        /// Their size in bytes.
        bytes: u64,
    },
    /// Tool responses not sent, because the connection that issued their calls is gone (the
    /// replayed input asks again, with new call ids) or the calls are unknown.
    ToolResponsesDropped {
        /// The call ids.
        ids: Vec<String>,
    },
    /// A message of a kind this client does not know: its key and value.
    Unknown {
        /// The top-level key.
        key: String,
        /// Its value.
        value: Value,
    },
    /// An error that did not end the session (e.g. one undecodable frame).
    Error(Error),
    /// The session ended. Always the last event.
    Closed {
        /// The close code (1000 after `close`; 1006 when the connection dropped).
        code: u16,
        /// The close reason.
        reason: String,
        /// Why, when the end was not requested by the application.
        error: Option<Error>,
    },
}

fn audio_rate(mime: &str) -> Option<u32> {
    let lower = mime.to_ascii_lowercase();
    if !lower.starts_with("audio/pcm") && !lower.starts_with("audio/l16") {
        return None;
    }
    Some(
        lower
            .split(';')
            .filter_map(|p| p.trim().strip_prefix("rate="))
            .find_map(|r| r.parse().ok().filter(|&hz: &u32| hz > 0))
            .unwrap_or(24_000),
    )
}

/// What the reader learns from one message besides its events.
#[derive(Debug, Default)]
pub(crate) struct Facts {
    pub reply_content: bool,
    pub audio: bool,
    pub turn_complete: bool,
    /// `generationComplete` arrived: the model has finished generating this turn (its
    /// `turnComplete` may still come 20+ s later, at the estimated end of playback, C.3).
    pub generation_complete: bool,
    /// `turnComplete` came with `interactionStatus: IN_PROGRESS` (extended thinking, C.2):
    /// more output follows without new input, so the interaction is not idle yet.
    /// `IDLE`, the deprecated `REQUIRES_ACTION` and no status at all end the interaction.
    pub interaction_in_progress: bool,
    pub handle: Option<String>,
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
    }
    let mut usage = msg.usage_metadata;
    if let Some(c) = msg.server_content {
        if let Some(t) = c.input_transcription {
            if let Some(text) = t.text {
                out.push(Event::InputTranscription {
                    text,
                    finished: t.finished.unwrap_or(false),
                });
            }
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
        }
        if let Some(t) = c.output_transcription {
            if let Some(text) = t.text {
                facts.reply_content = true;
                out.push(match mode {
                    ResponseMode::TextAndAudio => Event::Text(text),
                    _ => Event::OutputTranscription {
                        text,
                        finished: t.finished.unwrap_or(false),
                    },
                });
            }
        }
        for v in [c.grounding_metadata, c.url_context_metadata]
            .into_iter()
            .flatten()
        {
            out.push(Event::Grounding(v));
        }
        if c.interrupted == Some(true) {
            out.push(Event::Interrupted);
        }
        if c.generation_complete == Some(true) {
            facts.generation_complete = true;
            out.push(Event::GenerationComplete);
        }
        if c.turn_complete == Some(true) {
            facts.turn_complete = true;
            facts.interaction_in_progress = c.interaction_status.as_deref() == Some("IN_PROGRESS");
            out.push(Event::TurnComplete {
                usage: usage.take(),
                reason: c.turn_complete_reason,
            });
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
        out.push(Event::ResumptionUpdate {
            handle,
            resumable: u.resumable == Some(true),
        });
    }
    if let Some(u) = usage {
        out.push(Event::Usage(u));
    }
    for (key, value) in msg.unknown {
        out.push(Event::Unknown { key, value });
    }
    facts
}
