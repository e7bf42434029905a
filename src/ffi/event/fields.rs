//! Typed accessors for the event fields that have no other accessor (session id,
//! turn-complete reason, GoAway time, resumption handle, reconnection attempt, counts,
//! dropped input, call ids, language code, voice activity, VAD signal), so that no caller
//! needs `gemini_live_event_json` for them. A child module of `event.rs`.
//!
//! The strings these accessors return are made NUL-terminated on first use of any of them
//! ([`Strings`], in the event's `OnceLock`), so events that are never asked cost nothing.

use super::*;
use crate::session::{VadSignal, VoiceActivityKind};

/// `gemini_live_event_voice_activity`: the user started speaking (`ACTIVITY_START`).
pub const GEMINI_LIVE_VOICE_ACTIVITY_START: u32 = 1;
/// `gemini_live_event_voice_activity`: the user stopped speaking (`ACTIVITY_END`).
pub const GEMINI_LIVE_VOICE_ACTIVITY_END: u32 = 2;

/// `gemini_live_event_vad_signal`: a value this library does not know (its name is the value
/// as sent).
pub const GEMINI_LIVE_VAD_SIGNAL_OTHER: u32 = 0;
/// `gemini_live_event_vad_signal`: start of speech (`VAD_SIGNAL_TYPE_SOS`).
pub const GEMINI_LIVE_VAD_SIGNAL_START_OF_SPEECH: u32 = 1;
/// `gemini_live_event_vad_signal`: end of speech (`VAD_SIGNAL_TYPE_EOS`).
pub const GEMINI_LIVE_VAD_SIGNAL_END_OF_SPEECH: u32 = 2;

/// The NUL-terminated strings of an event's fields, made on first use.
#[derive(Default)]
pub(super) struct Strings {
    /// The kind's one optional string: the session id, the turn-complete reason, the
    /// resumption handle, the language code or the VAD signal's name.
    one: Option<Box<[u8]>>,
    /// The call ids of TOOL_CALL_CANCELLATION and TOOL_RESPONSES_DROPPED.
    ids: Vec<Box<[u8]>>,
}

/// The name `gemini_live_event_json` gives a VAD signal.
pub(super) fn vad_name(s: &VadSignal) -> &str {
    match s {
        VadSignal::StartOfSpeech => "start_of_speech",
        VadSignal::EndOfSpeech => "end_of_speech",
        VadSignal::Other(v) => v.as_str(),
    }
}

impl Strings {
    fn of(e: &Event) -> Strings {
        let one = match e {
            Event::SetupComplete { session_id } => session_id.as_deref(),
            Event::TurnComplete { reason, .. } => reason.as_deref(),
            Event::ResumptionUpdate { handle, .. } => handle.as_deref(),
            Event::InputTranscription { language_code, .. }
            | Event::OutputTranscription { language_code, .. }
            | Event::InterimInputTranscription { language_code, .. } => language_code.as_deref(),
            Event::VadSignal(s) => Some(vad_name(s)),
            _ => None,
        };
        let ids = match e {
            Event::ToolCallCancellation(ids)
            | Event::ToolResponsesDropped { ids }
            | Event::ToolCallsAbandoned { ids } => ids.iter().map(|i| c_text(i)).collect(),
            _ => Vec::new(),
        };
        Strings {
            one: one.map(c_text),
            ids,
        }
    }
}

impl gemini_live_event {
    fn strings(&self) -> &Strings {
        self.strings.get_or_init(|| Strings::of(&self.event))
    }

    /// The kind's one optional string, or NULL.
    fn one(&self) -> *const c_char {
        self.strings()
            .one
            .as_ref()
            .map_or(std::ptr::null(), |s| s.as_ptr().cast())
    }
}

fn millis(d: std::time::Duration) -> i64 {
    i64::try_from(d.as_millis()).unwrap_or(i64::MAX)
}

/// The session id of a SETUP_COMPLETE event: `*session_id` is NUL-terminated UTF-8 borrowed
/// until the event is freed, or NULL where the service sent none.
/// `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events. Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_session_id(
    event: *const gemini_live_event,
    session_id: *mut *const c_char,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let out = out_ptr(session_id, "session_id")?;
        if !matches!(ev.event, Event::SetupComplete { .. }) {
            return Err(wrong(ev, "session id"));
        }
        *out = ev.one();
        Ok(())
    })
}

/// The `turnCompleteReason` of a TURN_COMPLETE event (e.g. `"NEED_MORE_INPUT"`):
/// NUL-terminated, borrowed until the event is freed, or NULL where the model sent none.
/// `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events. Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_reason(
    event: *const gemini_live_event,
    reason: *mut *const c_char,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let out = out_ptr(reason, "reason")?;
        if !matches!(ev.event, Event::TurnComplete { .. }) {
            return Err(wrong(ev, "turn-complete reason"));
        }
        *out = ev.one();
        Ok(())
    })
}

/// The time left before the server ends the connection, of a GO_AWAY event: `*ms` in
/// milliseconds, -1 when the server's `timeLeft` was missing or did not parse.
/// `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events. Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_time_left(
    event: *const gemini_live_event,
    ms: *mut i64,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let out = out_ptr(ms, "ms")?;
        let Event::GoAway { time_left } = &ev.event else {
            return Err(wrong(ev, "time left"));
        };
        *out = time_left.map_or(-1, millis);
        Ok(())
    })
}

/// A RESUMPTION_UPDATE event: `*handle` the new resumption handle (NUL-terminated, borrowed
/// until the event is freed; NULL when the session is not resumable at this point) and
/// `*resumable`. (Vertex's `lastConsumedClientMessageIndex` is
/// `gemini_live_event_last_consumed_index`.) `GEMINI_LIVE_WRONG_EVENT_TYPE` for other
/// events. Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_resumption(
    event: *const gemini_live_event,
    handle: *mut *const c_char,
    resumable: *mut bool,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let (h_out, r_out) = (out_ptr(handle, "handle")?, out_ptr(resumable, "resumable")?);
        let Event::ResumptionUpdate { resumable, .. } = &ev.event else {
            return Err(wrong(ev, "resumption handle"));
        };
        *h_out = ev.one();
        *r_out = *resumable;
        Ok(())
    })
}

/// A RECONNECTING event: `*attempt` (1-based within this outage) starts after `*delay_ms`
/// milliseconds. Its cause is `gemini_live_event_error`. `GEMINI_LIVE_WRONG_EVENT_TYPE` for
/// other events. Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_reconnecting(
    event: *const gemini_live_event,
    attempt: *mut u32,
    delay_ms: *mut u64,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let (a_out, d_out) = (out_ptr(attempt, "attempt")?, out_ptr(delay_ms, "delay_ms")?);
        let Event::Reconnecting { attempt, delay, .. } = &ev.event else {
            return Err(wrong(ev, "reconnection attempt"));
        };
        *a_out = *attempt;
        *d_out = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        Ok(())
    })
}

/// The number an event carries (`*count`): for RESUMED and NEW_SESSION the input messages
/// replayed, for REPLY_DISCARDED the session's turn number of the void reply, for
/// CONTEXT_LOST the answered turns the resumed server state does not include, for
/// CONTEXT_RESTORED the exchanges put back.
/// `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events. Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_count(
    event: *const gemini_live_event,
    count: *mut u64,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let out = out_ptr(count, "count")?;
        *out = match &ev.event {
            Event::Resumed { replayed } | Event::NewSession { replayed } => *replayed as u64,
            Event::ReplyDiscarded { turn } => *turn,
            Event::ContextLost { turns } | Event::ContextRestored { turns, .. } => *turns,
            _ => return Err(wrong(ev, "count")),
        };
        Ok(())
    })
}

/// An INPUT_DROPPED event: `*messages` input messages of `*bytes` bytes in all were dropped
/// and will not reach the server. `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events. Any
/// thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_input_dropped(
    event: *const gemini_live_event,
    messages: *mut u64,
    bytes: *mut u64,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let (m_out, b_out) = (out_ptr(messages, "messages")?, out_ptr(bytes, "bytes")?);
        let Event::InputDropped { messages, bytes } = &ev.event else {
            return Err(wrong(ev, "dropped input"));
        };
        *m_out = *messages;
        *b_out = *bytes;
        Ok(())
    })
}

/// The number of call ids (`*count`) of a TOOL_CALL_CANCELLATION event (the calls
/// abandoned), a TOOL_RESPONSES_DROPPED event (the calls whose responses were not sent) or a
/// TOOL_CALLS_ABANDONED event (BLOCKING calls the service dropped).
/// `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events. Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_id_count(
    event: *const gemini_live_event,
    count: *mut usize,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let out = out_ptr(count, "count")?;
        let (Event::ToolCallCancellation(ids)
        | Event::ToolResponsesDropped { ids }
        | Event::ToolCallsAbandoned { ids }) = &ev.event
        else {
            return Err(wrong(ev, "call ids"));
        };
        *out = ids.len();
        Ok(())
    })
}

/// Call id `index` (from 0) of a TOOL_CALL_CANCELLATION, TOOL_RESPONSES_DROPPED or
/// TOOL_CALLS_ABANDONED event:
/// `*id` is NUL-terminated, borrowed until the event is freed. `GEMINI_LIVE_INVALID_ARGUMENT`
/// if `index` is out of range, `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events. Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_id(
    event: *const gemini_live_event,
    index: usize,
    id: *mut *const c_char,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let out = out_ptr(id, "id")?;
        if !matches!(
            ev.event,
            Event::ToolCallCancellation(_)
                | Event::ToolResponsesDropped { .. }
                | Event::ToolCallsAbandoned { .. }
        ) {
            return Err(wrong(ev, "call ids"));
        }
        let ids = &ev.strings().ids;
        let s = ids
            .get(index)
            .ok_or_else(|| Fail::invalid(format!("call id {index} of {}", ids.len())))?;
        *out = s.as_ptr().cast();
        Ok(())
    })
}

/// The language (BCP-47, e.g. `"en-US"`) of an INPUT_TRANSCRIPTION, OUTPUT_TRANSCRIPTION or
/// INTERIM_INPUT_TRANSCRIPTION event: `*language_code` is NUL-terminated, borrowed until the
/// event is freed, or NULL where the model sent none. `GEMINI_LIVE_WRONG_EVENT_TYPE` for
/// other events. Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_language_code(
    event: *const gemini_live_event,
    language_code: *mut *const c_char,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let out = out_ptr(language_code, "language_code")?;
        if !matches!(
            ev.event,
            Event::InputTranscription { .. }
                | Event::OutputTranscription { .. }
                | Event::InterimInputTranscription { .. }
        ) {
            return Err(wrong(ev, "language code"));
        }
        *out = ev.one();
        Ok(())
    })
}

/// A VOICE_ACTIVITY event: `*kind` is `GEMINI_LIVE_VOICE_ACTIVITY_START` or `_END`, and
/// `*audio_offset_ms` where in the input audio (ms), -1 when the server did not say.
/// `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events. Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_voice_activity(
    event: *const gemini_live_event,
    kind: *mut u32,
    audio_offset_ms: *mut i64,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let (k_out, o_out) = (
            out_ptr(kind, "kind")?,
            out_ptr(audio_offset_ms, "audio_offset_ms")?,
        );
        let Event::VoiceActivity { kind, audio_offset } = &ev.event else {
            return Err(wrong(ev, "voice activity"));
        };
        *k_out = match kind {
            VoiceActivityKind::Start => GEMINI_LIVE_VOICE_ACTIVITY_START,
            VoiceActivityKind::End => GEMINI_LIVE_VOICE_ACTIVITY_END,
        };
        *o_out = audio_offset.map_or(-1, millis);
        Ok(())
    })
}

/// A VAD_SIGNAL event: `*signal` is `GEMINI_LIVE_VAD_SIGNAL_START_OF_SPEECH`, `_END_OF_SPEECH`
/// or `_OTHER`, and `*name` (NUL-terminated, borrowed until the event is freed) is
/// `"start_of_speech"`, `"end_of_speech"` or, for `_OTHER`, the value as sent.
/// `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events. Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_vad_signal(
    event: *const gemini_live_event,
    signal: *mut u32,
    name: *mut *const c_char,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let (s_out, n_out) = (out_ptr(signal, "signal")?, out_ptr(name, "name")?);
        let Event::VadSignal(s) = &ev.event else {
            return Err(wrong(ev, "VAD signal"));
        };
        *s_out = match s {
            VadSignal::StartOfSpeech => GEMINI_LIVE_VAD_SIGNAL_START_OF_SPEECH,
            VadSignal::EndOfSpeech => GEMINI_LIVE_VAD_SIGNAL_END_OF_SPEECH,
            VadSignal::Other(_) => GEMINI_LIVE_VAD_SIGNAL_OTHER,
        };
        *n_out = ev.one();
        Ok(())
    })
}

#[cfg(test)]
mod tests;
