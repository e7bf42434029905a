//! The token usage of USAGE and TURN_COMPLETE events: `gemini_live_usage` and the
//! per-modality lists (`GEMINI_LIVE_USAGE_*_DETAILS`).
//!
//! The modality names are made NUL-terminated on first use of
//! `gemini_live_event_usage_detail` ([`Names`], in the event's `OnceLock`).

use super::*;
use crate::protocol::{ModalityTokenCount, UsageMetadata};

/// Token counts of a USAGE or TURN_COMPLETE event (`gemini_live_event_usage`), one field per
/// count of the server's `usageMetadata`; -1 where the server sent none. The per-modality
/// breakdowns are read with `gemini_live_event_usage_detail_count` and
/// `gemini_live_event_usage_detail`.
///
/// ABI growth: set `size = sizeof(gemini_live_usage)` before the call. The library fills at most
/// `size` bytes (fields it does not know of stay as they were; new fields are only ever appended)
/// and sets `size` to the number of bytes it filled.
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct gemini_live_usage {
    /// In: `sizeof(gemini_live_usage)`. Out: the bytes filled.
    pub size: u32,
    /// Reserved (0): keeps the struct free of padding, so every byte the library fills is
    /// defined.
    pub reserved: u32,
    /// Tokens in the prompt.
    pub prompt_token_count: i64,
    /// Tokens served from cache.
    pub cached_content_token_count: i64,
    /// Tokens in the response.
    pub response_token_count: i64,
    /// Tokens in tool-use prompts.
    pub tool_use_prompt_token_count: i64,
    /// Thinking tokens.
    pub thoughts_token_count: i64,
    /// Total.
    pub total_token_count: i64,
}

growable!(gemini_live_usage);

/// `gemini_live_event_usage_detail*`: prompt tokens per modality (`promptTokensDetails`).
pub const GEMINI_LIVE_USAGE_PROMPT_DETAILS: u32 = 0;
/// Cached tokens per modality (`cacheTokensDetails`).
pub const GEMINI_LIVE_USAGE_CACHE_DETAILS: u32 = 1;
/// Response tokens per modality (`responseTokensDetails`).
pub const GEMINI_LIVE_USAGE_RESPONSE_DETAILS: u32 = 2;
/// Tool-use prompt tokens per modality (`toolUsePromptTokensDetails`).
pub const GEMINI_LIVE_USAGE_TOOL_USE_PROMPT_DETAILS: u32 = 3;

/// The NUL-terminated modality of each per-modality count, per `GEMINI_LIVE_USAGE_*_DETAILS`
/// list.
pub(super) type Names = [Vec<Box<[u8]>>; 4];

fn names_of(e: &Event) -> Names {
    let mut names: Names = Default::default();
    if let Some(u) = usage_of(e) {
        for (list, out) in (0u32..).zip(names.iter_mut()) {
            let d = details(u, list).unwrap_or(&[]);
            *out = d.iter().map(|c| c_text(&c.modality)).collect();
        }
    }
    names
}

fn usage_of(e: &Event) -> Option<&UsageMetadata> {
    match e {
        Event::Usage(u) => Some(u),
        Event::TurnComplete { usage, .. } => usage.as_ref(),
        _ => None,
    }
}

fn details(u: &UsageMetadata, list: u32) -> Option<&[ModalityTokenCount]> {
    Some(match list {
        GEMINI_LIVE_USAGE_PROMPT_DETAILS => &u.prompt_tokens_details,
        GEMINI_LIVE_USAGE_CACHE_DETAILS => &u.cache_tokens_details,
        GEMINI_LIVE_USAGE_RESPONSE_DETAILS => &u.response_tokens_details,
        GEMINI_LIVE_USAGE_TOOL_USE_PROMPT_DETAILS => &u.tool_use_prompt_tokens_details,
        _ => return None,
    })
}

fn count(n: Option<u64>) -> i64 {
    n.and_then(|n| i64::try_from(n).ok()).unwrap_or(-1)
}

/// The token counts of a USAGE or TURN_COMPLETE event: `*usage` (set `usage->size =
/// sizeof(gemini_live_usage)` first) gets each count, -1 where the server sent none, and `*has_usage` whether the event carries usage at all. A USAGE
/// event always does; a TURN_COMPLETE without `usageMetadata` (e.g. from the transcribe
/// models) gives `*has_usage` false and every count -1. `GEMINI_LIVE_WRONG_EVENT_TYPE` for
/// other events. Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_usage(
    event: *const gemini_live_event,
    usage: *mut gemini_live_usage,
    has_usage: *mut bool,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let (out, has) = (sized_out(usage, "usage")?, out_ptr(has_usage, "has_usage")?);
        if !matches!(ev.event, Event::Usage(_) | Event::TurnComplete { .. }) {
            return Err(wrong(ev, "usage"));
        }
        let u = usage_of(&ev.event);
        let none = UsageMetadata::default();
        let m = u.unwrap_or(&none);
        out.write(&gemini_live_usage {
            size: std::mem::size_of::<gemini_live_usage>() as u32,
            reserved: 0,
            prompt_token_count: count(m.prompt_token_count),
            cached_content_token_count: count(m.cached_content_token_count),
            response_token_count: count(m.response_token_count),
            tool_use_prompt_token_count: count(m.tool_use_prompt_token_count),
            thoughts_token_count: count(m.thoughts_token_count),
            total_token_count: count(m.total_token_count),
        });
        *has = u.is_some();
        Ok(())
    })
}

/// The number of per-modality counts in list `list` (a `GEMINI_LIVE_USAGE_*_DETAILS`) of a
/// USAGE or TURN_COMPLETE event (`*count`; 0 for a TURN_COMPLETE without usage).
/// `GEMINI_LIVE_INVALID_ARGUMENT` for an unknown `list`, `GEMINI_LIVE_WRONG_EVENT_TYPE` for
/// other events. Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_usage_detail_count(
    event: *const gemini_live_event,
    list: u32,
    count: *mut usize,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let out = out_ptr(count, "count")?;
        if !matches!(ev.event, Event::Usage(_) | Event::TurnComplete { .. }) {
            return Err(wrong(ev, "usage"));
        }
        let none = UsageMetadata::default();
        let d = details(usage_of(&ev.event).unwrap_or(&none), list)
            .ok_or_else(|| Fail::invalid(format!("usage detail list {list}")))?;
        *out = d.len();
        Ok(())
    })
}

/// Per-modality count `index` (from 0) of list `list` (a `GEMINI_LIVE_USAGE_*_DETAILS`) of a
/// USAGE or TURN_COMPLETE event: `*modality` (e.g. `"AUDIO"`, NUL-terminated, borrowed until
/// the event is freed) and `*token_count` (-1 where the server sent none).
/// `GEMINI_LIVE_INVALID_ARGUMENT` for an unknown `list` or an `index` out of range,
/// `GEMINI_LIVE_WRONG_EVENT_TYPE` for other events. Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_event_usage_detail(
    event: *const gemini_live_event,
    list: u32,
    index: usize,
    modality: *mut *const c_char,
    token_count: *mut i64,
) -> gemini_live_result {
    boundary(|| {
        let ev = arg_ref(event, "event")?;
        let (m_out, n_out) = (
            out_ptr(modality, "modality")?,
            out_ptr(token_count, "token_count")?,
        );
        if !matches!(ev.event, Event::Usage(_) | Event::TurnComplete { .. }) {
            return Err(wrong(ev, "usage"));
        }
        let none = UsageMetadata::default();
        let d = details(usage_of(&ev.event).unwrap_or(&none), list)
            .ok_or_else(|| Fail::invalid(format!("usage detail list {list}")))?;
        let c = d
            .get(index)
            .ok_or_else(|| Fail::invalid(format!("usage detail {index} of {}", d.len())))?;
        let names = ev
            .usage_names
            .get_or_init(|| names_of(&ev.event))
            .get(list as usize);
        let name = names
            .and_then(|n| n.get(index))
            .map_or(c"".as_ptr(), |n| n.as_ptr().cast());
        *m_out = name;
        *n_out = count(c.token_count);
        Ok(())
    })
}
