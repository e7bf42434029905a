//! The kinds of `gemini_live_event` (`GEMINI_LIVE_EVENT_*`, the D.3 ones are in
//! `details.rs`) and the session states (`GEMINI_LIVE_STATE_*`), and which event has which.

use super::details;
use crate::session::{Event, State};

/// Returned by `gemini_live_event_type` for a NULL event.
pub const GEMINI_LIVE_EVENT_NONE: u32 = 0;
/// `setupComplete` arrived; the session is ready (`gemini_live_event_session_id`). Always
/// the first event (a first connect
/// that had to retry delivers nothing before it); `GEMINI_LIVE_EVENT_NEW_SESSION` follows it
/// when the configured resumption handle was refused and a new session was started.
pub const GEMINI_LIVE_EVENT_SETUP_COMPLETE: u32 = 1;
/// Model text (`gemini_live_event_text`). With `GEMINI_LIVE_MODALITY_TEXT_AND_AUDIO` this
/// is the transcription of the model's audio.
pub const GEMINI_LIVE_EVENT_TEXT: u32 = 2;
/// A thought summary (`gemini_live_event_text`).
pub const GEMINI_LIVE_EVENT_THOUGHT: u32 = 3;
/// Model audio: PCM16 mono, usually 24 kHz (`gemini_live_event_audio`).
pub const GEMINI_LIVE_EVENT_AUDIO: u32 = 4;
/// Inline data that is not audio (`gemini_live_event_data`).
pub const GEMINI_LIVE_EVENT_INLINE_DATA: u32 = 5;
/// Code the model ran, or its result (`gemini_live_event_json`).
pub const GEMINI_LIVE_EVENT_CODE_EXECUTION: u32 = 6;
/// Transcription of the user's audio (`gemini_live_event_text`,
/// `gemini_live_event_finished`, `gemini_live_event_language_code`).
pub const GEMINI_LIVE_EVENT_INPUT_TRANSCRIPTION: u32 = 7;
/// Transcription of the model's audio with `GEMINI_LIVE_MODALITY_AUDIO`
/// (`gemini_live_event_text`, `gemini_live_event_finished`,
/// `gemini_live_event_language_code`).
pub const GEMINI_LIVE_EVENT_OUTPUT_TRANSCRIPTION: u32 = 8;
/// The model calls functions (`gemini_live_event_tool_call_count`,
/// `gemini_live_event_tool_call`); answer each with `gemini_live_session_send_tool_response`.
pub const GEMINI_LIVE_EVENT_TOOL_CALL: u32 = 9;
/// These calls are abandoned (`gemini_live_event_id_count`, `gemini_live_event_id`).
pub const GEMINI_LIVE_EVENT_TOOL_CALL_CANCELLATION: u32 = 10;
/// User input interrupted the model: drop queued playback.
pub const GEMINI_LIVE_EVENT_INTERRUPTED: u32 = 11;
/// The model finished generating (playback may still be going).
pub const GEMINI_LIVE_EVENT_GENERATION_COMPLETE: u32 = 12;
/// The turn is over (`gemini_live_event_usage`, `gemini_live_event_usage_detail`,
/// `gemini_live_event_reason`, `gemini_live_event_interaction_status`).
pub const GEMINI_LIVE_EVENT_TURN_COMPLETE: u32 = 13;
/// Token usage outside a turn's end (`gemini_live_event_usage`,
/// `gemini_live_event_usage_detail`).
pub const GEMINI_LIVE_EVENT_USAGE: u32 = 14;
/// Search grounding metadata (`gemini_live_event_json`: `web_search_queries`, `sources`,
/// `search_entry_point`, `metadata` as sent). URL-context metadata is
/// `GEMINI_LIVE_EVENT_URL_CONTEXT`.
pub const GEMINI_LIVE_EVENT_GROUNDING: u32 = 15;
/// The server will end the connection soon (`gemini_live_event_time_left`).
pub const GEMINI_LIVE_EVENT_GO_AWAY: u32 = 16;
/// A session resumption update (`gemini_live_event_resumption`: handle and resumable;
/// `gemini_live_event_last_consumed_index`); the latest handle is also kept by the session (`gemini_live_session_resumption_handle`).
pub const GEMINI_LIVE_EVENT_RESUMPTION_UPDATE: u32 = 17;
/// The session changed state (`gemini_live_event_state`).
pub const GEMINI_LIVE_EVENT_STATE_CHANGED: u32 = 18;
/// A server message of a kind this library does not know (`gemini_live_event_json`).
pub const GEMINI_LIVE_EVENT_UNKNOWN: u32 = 19;
/// An error that did not end the session (`gemini_live_event_error`).
pub const GEMINI_LIVE_EVENT_ERROR: u32 = 20;
/// The session ended; always the last event (`gemini_live_event_close`,
/// `gemini_live_event_error`).
pub const GEMINI_LIVE_EVENT_CLOSED: u32 = 21;
/// The connection was lost (or is being handed over after a GoAway) and a reconnection
/// attempt starts soon (`gemini_live_event_reconnecting`: attempt and delay;
/// `gemini_live_event_error`: the cause, `GEMINI_LIVE_OK` for a planned handover).
pub const GEMINI_LIVE_EVENT_RECONNECTING: u32 = 22;
/// Reconnected and resumed: the conversation goes on (`gemini_live_event_count`: the input
/// messages re-sent).
pub const GEMINI_LIVE_EVENT_RESUMED: u32 = 23;
/// Reconnected to a new session: the server's history was lost (`gemini_live_event_count`:
/// the input messages re-sent).
pub const GEMINI_LIVE_EVENT_NEW_SESSION: u32 = 24;
/// Input was dropped and will not reach the server (`gemini_live_event_input_dropped`).
pub const GEMINI_LIVE_EVENT_INPUT_DROPPED: u32 = 25;
/// Tool responses were not sent because their calls are gone (`gemini_live_event_id_count`,
/// `gemini_live_event_id`).
pub const GEMINI_LIVE_EVENT_TOOL_RESPONSES_DROPPED: u32 = 26;
/// URL-context tool metadata (`gemini_live_event_json`: `urls` of `{retrieved_url, status}`,
/// `metadata` as sent).
pub const GEMINI_LIVE_EVENT_URL_CONTEXT: u32 = 27;
/// `waitingForInput`: the model is idle and expects more user input.
pub const GEMINI_LIVE_EVENT_WAITING_FOR_INPUT: u32 = 28;
/// The server's voice activity detection saw the user start or stop speaking
/// (`gemini_live_event_voice_activity`: kind and audio offset).
pub const GEMINI_LIVE_EVENT_VOICE_ACTIVITY: u32 = 29;
/// `voiceActivityDetectionSignal` (`gemini_live_event_vad_signal`).
pub const GEMINI_LIVE_EVENT_VAD_SIGNAL: u32 = 30;
/// An interim (not final) transcription of the user's audio (`gemini_live_event_text`,
/// `gemini_live_event_language_code`).
pub const GEMINI_LIVE_EVENT_INTERIM_INPUT_TRANSCRIPTION: u32 = 31;
/// With `GEMINI_LIVE_MODALITY_TEXT_AND_AUDIO`: the transcription delivered as
/// `GEMINI_LIVE_EVENT_TEXT` is final for this utterance.
pub const GEMINI_LIVE_EVENT_TEXT_FINISHED: u32 = 32;
/// The reply in progress was cut off by a lost connection and is void: drop what was
/// delivered for it since the last `TURN_COMPLETE` that ended an interaction (text, audio,
/// tool calls); its question is asked again after the reconnection, so the whole reply comes
/// again, once (`gemini_live_event_count`: the session's turn number).
pub const GEMINI_LIVE_EVENT_REPLY_DISCARDED: u32 = 40;
/// Resumed with a handle older than some answered turns: their replies were delivered, but
/// the model no longer remembers those exchanges (`gemini_live_event_count`: how many).
pub const GEMINI_LIVE_EVENT_CONTEXT_LOST: u32 = 41;
/// The server had lost part of the conversation and it was put back as history
/// (`gemini_live_event_context_restored`; `gemini_live_event_count`: the exchanges put back).
/// Comes instead of CONTEXT_LOST whenever anything was put back.
pub const GEMINI_LIVE_EVENT_CONTEXT_RESTORED: u32 = 42;
/// New content was sent while BLOCKING function calls were pending: the service drops them
/// without a cancellation, while their side effects may still happen
/// (`gemini_live_event_id_count`, `gemini_live_event_id`). Once per call.
pub const GEMINI_LIVE_EVENT_TOOL_CALLS_ABANDONED: u32 = 43;

/// Session state: opening the connection.
pub const GEMINI_LIVE_STATE_CONNECTING: u32 = 0;
/// Session state: set up; input is accepted and events flow.
pub const GEMINI_LIVE_STATE_CONNECTED: u32 = 1;
/// Session state: the connection was lost and a new one is being made.
pub const GEMINI_LIVE_STATE_RECONNECTING: u32 = 2;
/// Session state: `gemini_live_session_close` was called; closing.
pub const GEMINI_LIVE_STATE_CLOSING: u32 = 3;
/// Session state: closed; no more input is accepted.
pub const GEMINI_LIVE_STATE_CLOSED: u32 = 4;

/// The C constant for a state.
pub(crate) fn state_code(s: State) -> u32 {
    match s {
        State::Connecting => GEMINI_LIVE_STATE_CONNECTING,
        State::Connected => GEMINI_LIVE_STATE_CONNECTED,
        State::Reconnecting => GEMINI_LIVE_STATE_RECONNECTING,
        State::Closing => GEMINI_LIVE_STATE_CLOSING,
        State::Closed => GEMINI_LIVE_STATE_CLOSED,
    }
}

/// The C constant of an event's kind.
pub(super) fn kind_of(e: &Event) -> u32 {
    match e {
        Event::SetupComplete { .. } => GEMINI_LIVE_EVENT_SETUP_COMPLETE,
        Event::Text(_) => GEMINI_LIVE_EVENT_TEXT,
        Event::Thought(_) => GEMINI_LIVE_EVENT_THOUGHT,
        Event::Audio(_) => GEMINI_LIVE_EVENT_AUDIO,
        Event::InlineData { .. } => GEMINI_LIVE_EVENT_INLINE_DATA,
        Event::CodeExecution(_) => GEMINI_LIVE_EVENT_CODE_EXECUTION,
        Event::InputTranscription { .. } => GEMINI_LIVE_EVENT_INPUT_TRANSCRIPTION,
        Event::OutputTranscription { .. } => GEMINI_LIVE_EVENT_OUTPUT_TRANSCRIPTION,
        Event::ToolCall(_) => GEMINI_LIVE_EVENT_TOOL_CALL,
        Event::ToolCallCancellation(_) => GEMINI_LIVE_EVENT_TOOL_CALL_CANCELLATION,
        Event::Interrupted => GEMINI_LIVE_EVENT_INTERRUPTED,
        Event::GenerationComplete => GEMINI_LIVE_EVENT_GENERATION_COMPLETE,
        Event::TurnComplete { .. } => GEMINI_LIVE_EVENT_TURN_COMPLETE,
        Event::Usage(_) => GEMINI_LIVE_EVENT_USAGE,
        Event::Grounding(_) => GEMINI_LIVE_EVENT_GROUNDING,
        Event::GoAway { .. } => GEMINI_LIVE_EVENT_GO_AWAY,
        Event::ResumptionUpdate { .. } => GEMINI_LIVE_EVENT_RESUMPTION_UPDATE,
        Event::StateChanged(_) => GEMINI_LIVE_EVENT_STATE_CHANGED,
        Event::Unknown { .. } => GEMINI_LIVE_EVENT_UNKNOWN,
        Event::Error(_) => GEMINI_LIVE_EVENT_ERROR,
        Event::Closed { .. } => GEMINI_LIVE_EVENT_CLOSED,
        Event::Reconnecting { .. } => GEMINI_LIVE_EVENT_RECONNECTING,
        Event::Resumed { .. } => GEMINI_LIVE_EVENT_RESUMED,
        Event::NewSession { .. } => GEMINI_LIVE_EVENT_NEW_SESSION,
        Event::InputDropped { .. } => GEMINI_LIVE_EVENT_INPUT_DROPPED,
        Event::ToolResponsesDropped { .. } => GEMINI_LIVE_EVENT_TOOL_RESPONSES_DROPPED,
        Event::UrlContext(_) => GEMINI_LIVE_EVENT_URL_CONTEXT,
        Event::WaitingForInput => GEMINI_LIVE_EVENT_WAITING_FOR_INPUT,
        Event::VoiceActivity { .. } => GEMINI_LIVE_EVENT_VOICE_ACTIVITY,
        Event::VadSignal(_) => GEMINI_LIVE_EVENT_VAD_SIGNAL,
        Event::InterimInputTranscription { .. } => GEMINI_LIVE_EVENT_INTERIM_INPUT_TRANSCRIPTION,
        Event::TextFinished => GEMINI_LIVE_EVENT_TEXT_FINISHED,
        Event::ReplyDiscarded { .. } => GEMINI_LIVE_EVENT_REPLY_DISCARDED,
        Event::ContextLost { .. } => GEMINI_LIVE_EVENT_CONTEXT_LOST,
        Event::ContextRestored { .. } => GEMINI_LIVE_EVENT_CONTEXT_RESTORED,
        Event::ToolCallsAbandoned { .. } => GEMINI_LIVE_EVENT_TOOL_CALLS_ABANDONED,
        // The D.3 events; a variant added without a constant yet is still delivered.
        other => details::type_of(other).unwrap_or(GEMINI_LIVE_EVENT_UNKNOWN),
    }
}
