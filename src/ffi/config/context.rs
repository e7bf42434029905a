//! Keeping the conversation: the setters of `gemini_live_config` that say whether it is put
//! back when the server lost it, and how much of it is kept. (The event that says what was
//! put back is read with `gemini_live_event_context_restored`, in `event/lifecycle.rs`.)

use super::{gemini_live_config, with_config};
use crate::ffi::*;

/// Whether the session keeps the conversation as it saw it and, when a reconnection finds
/// that the server lost part of it (a resume from an older handle, a new session, resumption
/// off), puts it back as history before unanswered input is replayed
/// (`GEMINI_LIVE_EVENT_CONTEXT_RESTORED`). In audio sessions this needs transcripts: while it
/// is on (and reconnection is), input and output transcription are requested whatever their
/// own setters say. Off: a loss is only reported (`GEMINI_LIVE_EVENT_CONTEXT_LOST`).
/// Defaults to true.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_restore_context(
    config: *mut gemini_live_config,
    enabled: bool,
) -> gemini_live_result {
    with_config(config, |c| {
        c.restore_context = enabled;
        Ok(())
    })
}

/// The most characters of the conversation kept for a restore (text, plus tool arguments
/// and results as JSON); the oldest exchanges go first. 0 keeps nothing (a loss is then
/// reported as CONTEXT_LOST). Defaults to 32000.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_context_budget_chars(
    config: *mut gemini_live_config,
    chars: usize,
) -> gemini_live_result {
    with_config(config, |c| {
        c.context_budget.chars = chars;
        Ok(())
    })
}

/// The most exchanges (a user turn and the model's answer, with any tool rounds) kept for a
/// restore; the oldest go first. 0 keeps nothing. Defaults to 100.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_context_budget_turns(
    config: *mut gemini_live_config,
    turns: usize,
) -> gemini_live_result {
    with_config(config, |c| {
        c.context_budget.turns = turns;
        Ok(())
    })
}
