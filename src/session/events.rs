//! The events a session delivers, and how server messages become events.

use crate::config::ResponseMode;
use crate::error::Error;
use crate::protocol::{self, FunctionCall, UsageMetadata};
use serde_json::Value;
use std::time::Duration;

pub use crate::state::State;

// How server messages become events (`to_events`, `Facts`).
mod decode;
pub(crate) use decode::{to_events, Facts};

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

/// `serverContent.interactionStatus`, sent with every `turnComplete` by models that speak
/// several times per request (extended thinking, protocol.md Part C.2). Read as Google's SDK
/// reads it (Part D.4): only `Idle` ends the interaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InteractionStatus {
    /// More output follows without new input: the interaction is not over.
    InProgress,
    /// `REQUIRES_ACTION` (deprecated): the model waits for the client, typically a tool
    /// response. Not finished.
    RequiresAction,
    /// All processing is done: the interaction is over.
    Idle,
}

impl InteractionStatus {
    /// Reads the wire value: `None` for `INTERACTION_STATUS_UNSPECIFIED` (the turn's
    /// `turnComplete` then decides); values this library does not know count as not finished
    /// ([`InteractionStatus::InProgress`]), as Google's SDK counts everything but `IDLE`.
    pub fn from_wire(s: &str) -> Option<InteractionStatus> {
        match s {
            "" | "INTERACTION_STATUS_UNSPECIFIED" => None,
            "IDLE" => Some(InteractionStatus::Idle),
            "REQUIRES_ACTION" => Some(InteractionStatus::RequiresAction),
            _ => Some(InteractionStatus::InProgress),
        }
    }

    /// Whether the interaction is over (`Idle`).
    pub fn is_finished(self) -> bool {
        self == InteractionStatus::Idle
    }
}

/// `voiceActivity.type`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VoiceActivityKind {
    /// `ACTIVITY_START`: the user started speaking.
    Start,
    /// `ACTIVITY_END`: the user stopped speaking.
    End,
}

/// `voiceActivityDetectionSignal.vadSignalType`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum VadSignal {
    /// `VAD_SIGNAL_TYPE_SOS`: start of speech.
    StartOfSpeech,
    /// `VAD_SIGNAL_TYPE_EOS`: end of speech.
    EndOfSpeech,
    /// Another value, as sent.
    Other(String),
}

/// One web source of a grounded answer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroundingSource {
    /// The page address.
    pub uri: Option<String>,
    /// The page title.
    pub title: Option<String>,
}

/// `serverContent.groundingMetadata` (search grounding), typed where the fields are known.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroundingMetadata {
    /// `webSearchQueries`: the searches the model ran.
    pub web_search_queries: Vec<String>,
    /// `groundingChunks[].web`: the sources.
    pub sources: Vec<GroundingSource>,
    /// `searchEntryPoint.renderedContent`: HTML to show with the answer.
    pub search_entry_point: Option<String>,
    /// The metadata as sent (for `groundingSupports` and newer fields).
    pub raw: Value,
}

/// One URL the URL-context tool fetched.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UrlMetadata {
    /// `retrievedUrl`.
    pub retrieved_url: Option<String>,
    /// `urlRetrievalStatus`, e.g. `URL_RETRIEVAL_STATUS_SUCCESS`.
    pub status: Option<String>,
}

/// `serverContent.urlContextMetadata`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct UrlContextMetadata {
    /// `urlMetadata[]`.
    pub urls: Vec<UrlMetadata>,
    /// The metadata as sent.
    pub raw: Value,
}

fn strings(v: Option<&Value>) -> Vec<String> {
    v.and_then(Value::as_array)
        .map(|a| {
            a.iter()
                .filter_map(|x| x.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default()
}

fn string_at(v: &Value, path: &[&str]) -> Option<String> {
    let mut cur = v;
    for k in path {
        cur = cur.get(*k)?;
    }
    cur.as_str().map(str::to_string)
}

impl GroundingMetadata {
    /// Reads the known fields of `raw`, leniently (wrong types read as absent).
    pub fn from_value(raw: Value) -> GroundingMetadata {
        let sources = raw
            .get("groundingChunks")
            .and_then(Value::as_array)
            .map(|chunks| {
                chunks
                    .iter()
                    .filter_map(|c| c.get("web"))
                    .map(|w| GroundingSource {
                        uri: string_at(w, &["uri"]),
                        title: string_at(w, &["title"]),
                    })
                    .collect()
            })
            .unwrap_or_default();
        GroundingMetadata {
            web_search_queries: strings(raw.get("webSearchQueries")),
            sources,
            search_entry_point: string_at(&raw, &["searchEntryPoint", "renderedContent"]),
            raw,
        }
    }
}

impl UrlContextMetadata {
    /// Reads the known fields of `raw`, leniently.
    pub fn from_value(raw: Value) -> UrlContextMetadata {
        let urls = raw
            .get("urlMetadata")
            .and_then(Value::as_array)
            .map(|items| {
                items
                    .iter()
                    .map(|u| UrlMetadata {
                        retrieved_url: string_at(u, &["retrievedUrl"]),
                        status: string_at(u, &["urlRetrievalStatus"]),
                    })
                    .collect()
            })
            .unwrap_or_default();
        UrlContextMetadata { urls, raw }
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
        /// The detected language (BCP-47), where the model sends it.
        language_code: Option<String>,
    },
    /// An interim (not yet final) transcription of the user's audio
    /// (`interimInputTranscription`, e.g. from the transcribe models).
    InterimInputTranscription {
        /// Text so far.
        text: String,
        /// The detected language, where the model sends it.
        language_code: Option<String>,
    },
    /// Transcription of the model's audio (in [`ResponseMode::Audio`]; in TextAndAudio it
    /// arrives as [`Event::Text`], followed by [`Event::TextFinished`] when final).
    OutputTranscription {
        /// Text fragment.
        text: String,
        /// The utterance is final.
        finished: bool,
        /// The language, where the model sends it.
        language_code: Option<String>,
    },
    /// In [`ResponseMode::TextAndAudio`]: the transcription delivered as [`Event::Text`] is
    /// final for this utterance (`outputTranscription.finished`).
    TextFinished,
    /// The model calls functions: answer with `send_tool_response`.
    ToolCall(Vec<FunctionCall>),
    /// These calls are abandoned.
    ToolCallCancellation(Vec<String>),
    /// User input interrupted the model: drop queued playback.
    Interrupted,
    /// The model finished generating (playback may still be going).
    GenerationComplete,
    /// The turn is over. On models that send `interactionStatus` (extended thinking), a
    /// turn marked [`InteractionStatus::InProgress`] is one speech segment of a longer
    /// interaction: the answer follows without new input; wait for `Idle`
    /// ([`InteractionStatus::RequiresAction`] is not finished either: answer the tool call).
    /// Also sent, with `interaction: Some(Idle)` and no usage or reason unless the message
    /// had them, when a message reports `interactionStatus: IDLE` without `turnComplete`:
    /// Google's SDK ends the interaction there too (Part D.4).
    TurnComplete {
        /// Token usage, when it came with the turn's end.
        usage: Option<UsageMetadata>,
        /// `turnCompleteReason`, where the model sends it.
        reason: Option<String>,
        /// `interactionStatus`, where the model sends it.
        interaction: Option<InteractionStatus>,
    },
    /// `waitingForInput`: the model is idle and expects more user input.
    WaitingForInput,
    /// The server's voice activity detection saw the user start or stop speaking.
    VoiceActivity {
        /// Start or end.
        kind: VoiceActivityKind,
        /// Where in the input audio, if the server said.
        audio_offset: Option<Duration>,
    },
    /// `voiceActivityDetectionSignal` (allowlisted projects).
    VadSignal(VadSignal),
    /// Token usage that came outside a turn's end.
    Usage(UsageMetadata),
    /// Search grounding metadata.
    Grounding(GroundingMetadata),
    /// URL-context tool metadata.
    UrlContext(UrlContextMetadata),
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
        /// Vertex AI with transparent resumption: `lastConsumedClientMessageIndex`, the
        /// index of the last client message the server's state includes (see
        /// [`SessionResumptionUpdate`](protocol::SessionResumptionUpdate)). `None` elsewhere.
        last_consumed_index: Option<u64>,
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
        /// Input messages re-sent because their turn was not answered yet.
        replayed: usize,
    },
    /// Reconnected to a new session: the server's context (history) was lost, because there
    /// was no resumable handle or the server refused it.
    NewSession {
        /// Input messages re-sent to the new session (those whose turn was not answered yet).
        replayed: usize,
    },
    /// The reply in progress was cut off by a lost connection and is void: everything the
    /// session delivered for it since the last `TurnComplete` that ended an interaction (its
    /// text, audio, transcriptions, tool calls, `IN_PROGRESS` segments) must be dropped:
    /// stop playback, erase or strike out the partial text. Its question is asked again on
    /// the next connection (see [`Event::Resumed`] and [`Event::NewSession`]), so the whole
    /// reply comes again from the start, once. It comes before the `Reconnecting` events of
    /// that outage. Tool calls of the void reply are void too: a response to one is not sent
    /// ([`Event::ToolResponsesDropped`]); the question brings new calls.
    ReplyDiscarded {
        /// The session's turn number (1-based: every turn-ending input, and every turn the
        /// server's voice activity detection opened, counts).
        turn: u64,
    },
    /// The server lost the last `turns` answered exchanges and none could be put back: resumed
    /// with a handle older than them while restore is off
    /// ([`Config::restore_context`](crate::Config::restore_context); a new session then says
    /// it all with [`Event::NewSession`]), or lost in either way with a budget of zero.
    /// Their replies were delivered and they are not asked again, but the model no longer
    /// remembers them. Where anything was put back, [`Event::ContextRestored`] comes instead.
    ContextLost {
        /// Answered turns the resumed server state does not include.
        turns: u64,
    },
    /// A reconnection found that the server had lost part of the conversation (resumed with
    /// a handle older than the last exchanges, a new session, resumption off) and put it
    /// back as history before replaying unanswered input ([`Config::restore_context`]). Comes
    /// in place of [`Event::ContextLost`], after [`Event::Resumed`] or [`Event::NewSession`].
    ///
    /// [`Config::restore_context`]: crate::Config::restore_context
    ContextRestored {
        /// Exchanges (a user turn and the model's answer) put back.
        turns: u64,
        /// Their characters.
        chars: u64,
        /// Exchanges the server lost that did not fit the budget
        /// ([`Config::context_budget`](crate::Config::context_budget)): gone, oldest first.
        /// Counted by each restore that lacks them: a later loss (another new session, or the
        /// same old handle resumed again) reports the same exchanges again, so do not sum
        /// `dropped` over events; the latest event says what the current server lacks.
        dropped: u64,
    },
    /// New content was sent while these BLOCKING function calls were pending: the service
    /// drops such calls without a `toolCallCancellation` (protocol notes D.6), while their
    /// side effects may still happen. Reported once per call. Declare an explicit
    /// `behavior` on every function (NON_BLOCKING where the model may go on talking).
    ToolCallsAbandoned {
        /// The call ids.
        ids: Vec<String>,
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
    /// The word timings, speaker label and offsets of the transcription fragment just
    /// delivered (`wordTimestamp`, `diarization`; protocol.md D.3).
    TranscriptionDetail(protocol::TranscriptionDetail),
    /// The thought signature (base64) of the model part just delivered: give it back with
    /// that part when the turn goes into history.
    ThoughtSignature(String),
    /// A `functionCall` part of the model's turn: a record of the call, for history. Answer
    /// the [`Event::ToolCall`] (the `toolCall` message), not this.
    FunctionCallPart(FunctionCall),
    /// `setupComplete.voiceConsentSignature`: the service verified the consent recording of
    /// a replicated voice; send this signature in later setups instead of the recording.
    VoiceConsentSignature(String),
}

#[cfg(test)]
mod lifecycle_tests;

#[cfg(test)]
mod vertex_tests {
    use super::*;

    #[test]
    fn the_last_consumed_index_reaches_the_event_and_the_facts() {
        let msg = protocol::decode_server(
            br#"{"sessionResumptionUpdate":{"newHandle":"h1","resumable":true,"lastConsumedClientMessageIndex":"7"}}"#,
        )
        .unwrap();
        let mut out = Vec::new();
        let facts = to_events(msg, ResponseMode::Text, &mut out);
        assert_eq!(facts.last_consumed_index, Some(7));
        assert_eq!(facts.handle.as_deref(), Some("h1"));
        assert_eq!(
            out,
            vec![Event::ResumptionUpdate {
                handle: Some("h1".into()),
                resumable: true,
                last_consumed_index: Some(7),
            }]
        );
        // Without a handle (not resumable) the index is still reported.
        let msg = protocol::decode_server(
            br#"{"sessionResumptionUpdate":{"resumable":false,"lastConsumedClientMessageIndex":3}}"#,
        )
        .unwrap();
        let facts = to_events(msg, ResponseMode::Text, &mut Vec::new());
        assert_eq!((facts.handle, facts.last_consumed_index), (None, Some(3)));
    }
}

#[cfg(test)]
mod fields_tests;
