//! Each typed accessor of `event/fields.rs` on a synthetic event of its kind agrees with
//! `gemini_live_event_json`, refuses other kinds and NULLs.

use super::super::*;
use super::*;
use crate::ffi::event::gemini_live_event_context_restored;
use crate::protocol::{ModalityTokenCount, UsageMetadata};
use crate::session::{VadSignal, VoiceActivityKind};
use serde_json::Value;
use std::ffi::CStr;
use std::ptr::{null, null_mut};
use std::time::Duration;

fn json(ev: &gemini_live_event) -> Value {
    to_json(&ev.event)
}

fn text(p: *const c_char) -> Option<String> {
    (!p.is_null()).then(|| unsafe { CStr::from_ptr(p) }.to_string_lossy().into_owned())
}

fn usage() -> UsageMetadata {
    UsageMetadata {
        prompt_token_count: Some(7),
        response_token_count: Some(11),
        total_token_count: Some(18),
        response_tokens_details: vec![
            ModalityTokenCount {
                modality: "AUDIO".into(),
                token_count: Some(10),
            },
            ModalityTokenCount {
                modality: "TEXT".into(),
                token_count: None,
            },
        ],
        ..UsageMetadata::default()
    }
}

/// The usage as `gemini_live_event_json` renders it, rebuilt from the typed accessors.
fn usage_from_accessors(ev: &gemini_live_event) -> Value {
    let (mut u, mut has) = (gemini_live_usage::default_for_test(), false);
    assert_eq!(
        unsafe { gemini_live_event_usage(ev, &mut u, &mut has) },
        GEMINI_LIVE_OK
    );
    if !has {
        assert_eq!(u, gemini_live_usage::default_for_test());
        return Value::Null;
    }
    let n = |c: i64| if c < 0 { Value::Null } else { c.into() };
    let mut m = serde_json::Map::new();
    for (k, v) in [
        ("prompt_token_count", u.prompt_token_count),
        ("cached_content_token_count", u.cached_content_token_count),
        ("response_token_count", u.response_token_count),
        ("tool_use_prompt_token_count", u.tool_use_prompt_token_count),
        ("thoughts_token_count", u.thoughts_token_count),
        ("total_token_count", u.total_token_count),
    ] {
        m.insert(k.into(), n(v));
    }
    for (list, key) in [
        (GEMINI_LIVE_USAGE_PROMPT_DETAILS, "prompt_tokens_details"),
        (GEMINI_LIVE_USAGE_CACHE_DETAILS, "cache_tokens_details"),
        (
            GEMINI_LIVE_USAGE_RESPONSE_DETAILS,
            "response_tokens_details",
        ),
        (
            GEMINI_LIVE_USAGE_TOOL_USE_PROMPT_DETAILS,
            "tool_use_prompt_tokens_details",
        ),
    ] {
        let mut count = 99usize;
        let r = unsafe { gemini_live_event_usage_detail_count(ev, list, &mut count) };
        assert_eq!(r, GEMINI_LIVE_OK);
        let items: Vec<Value> = (0..count)
            .map(|i| {
                let (mut modality, mut tokens) = (null(), 0i64);
                let r = unsafe {
                    gemini_live_event_usage_detail(ev, list, i, &mut modality, &mut tokens)
                };
                assert_eq!(r, GEMINI_LIVE_OK);
                serde_json::json!({"modality": text(modality), "token_count": n(tokens)})
            })
            .collect();
        m.insert(key.into(), items.into());
        let (mut modality, mut tokens) = (null(), 0i64);
        let past =
            unsafe { gemini_live_event_usage_detail(ev, list, count, &mut modality, &mut tokens) };
        assert_eq!(past, GEMINI_LIVE_INVALID_ARGUMENT);
    }
    // The labels (protocol.md D.2), from their own accessor.
    let (mut traffic, mut tier) = (null(), null());
    let r = unsafe { super::gemini_live_event_usage_labels(ev, &mut traffic, &mut tier) };
    assert_eq!(r, GEMINI_LIVE_OK);
    let label = |p: *const c_char| text(p).map_or(Value::Null, Value::String);
    m.insert("traffic_type".into(), label(traffic));
    m.insert("service_tier".into(), label(tier));
    Value::Object(m)
}

impl gemini_live_usage {
    fn default_for_test() -> gemini_live_usage {
        gemini_live_usage {
            size: std::mem::size_of::<gemini_live_usage>() as u32,
            reserved: 0,
            prompt_token_count: -1,
            cached_content_token_count: -1,
            response_token_count: -1,
            tool_use_prompt_token_count: -1,
            thoughts_token_count: -1,
            total_token_count: -1,
        }
    }
}

#[test]
fn usage_and_reason_agree_with_the_json() {
    for event in [
        Event::Usage(usage()),
        Event::TurnComplete {
            usage: Some(usage()),
            reason: Some("NEED_MORE_INPUT".into()),
            interaction: None,
        },
        Event::TurnComplete {
            usage: None,
            reason: None,
            interaction: None,
        },
    ] {
        let ev = gemini_live_event::new(event);
        let j = json(&ev);
        assert_eq!(usage_from_accessors(&ev), j["usage"], "{j}");
        if j["type"] == "turn_complete" {
            let mut reason = c"x".as_ptr();
            assert_eq!(
                unsafe { gemini_live_event_reason(&ev, &mut reason) },
                GEMINI_LIVE_OK
            );
            assert_eq!(
                text(reason).map(Value::from).unwrap_or(Value::Null),
                j["reason"]
            );
        }
        let mut n = 0usize;
        let bad = unsafe { gemini_live_event_usage_detail_count(&ev, 4, &mut n) };
        assert_eq!(bad, GEMINI_LIVE_INVALID_ARGUMENT);
    }
    let ev = gemini_live_event::new(Event::Usage(usage()));
    let (mut u, mut has) = (gemini_live_usage::default_for_test(), false);
    assert_eq!(
        unsafe { gemini_live_event_usage(&ev, &mut u, &mut has) },
        GEMINI_LIVE_OK
    );
    assert!(has);
    assert_eq!((u.prompt_token_count, u.thoughts_token_count), (7, -1));
}

#[test]
fn strings_agree_with_the_json_and_are_null_where_absent() {
    type Get =
        unsafe extern "C" fn(*const gemini_live_event, *mut *const c_char) -> gemini_live_result;
    let cases: Vec<(Event, Get, &str)> = vec![
        (
            Event::SetupComplete {
                session_id: Some("s-1".into()),
            },
            gemini_live_event_session_id,
            "session_id",
        ),
        (
            Event::SetupComplete { session_id: None },
            gemini_live_event_session_id,
            "session_id",
        ),
        (
            Event::InputTranscription {
                text: "hi".into(),
                finished: true,
                language_code: Some("de-DE".into()),
            },
            gemini_live_event_language_code,
            "language_code",
        ),
        (
            Event::OutputTranscription {
                text: "hi".into(),
                finished: false,
                language_code: None,
            },
            gemini_live_event_language_code,
            "language_code",
        ),
        (
            Event::InterimInputTranscription {
                text: "h".into(),
                language_code: Some("fr".into()),
            },
            gemini_live_event_language_code,
            "language_code",
        ),
    ];
    for (event, get, key) in cases {
        let ev = gemini_live_event::new(event);
        let mut p = c"x".as_ptr();
        assert_eq!(unsafe { get(&ev, &mut p) }, GEMINI_LIVE_OK);
        let j = json(&ev);
        assert_eq!(
            text(p).map(Value::from).unwrap_or(Value::Null),
            j[key],
            "{j}"
        );
        // The same pointer again: made once, owned by the event.
        let mut again = null();
        assert_eq!(unsafe { get(&ev, &mut again) }, GEMINI_LIVE_OK);
        assert_eq!(p, again);
    }
}

#[test]
fn numbers_agree_with_the_json() {
    let ev = gemini_live_event::new(Event::GoAway {
        time_left: Some(Duration::from_millis(2500)),
    });
    let mut ms = 0i64;
    assert_eq!(
        unsafe { gemini_live_event_time_left(&ev, &mut ms) },
        GEMINI_LIVE_OK
    );
    assert_eq!(Value::from(ms), json(&ev)["time_left_ms"]);
    let ev = gemini_live_event::new(Event::GoAway { time_left: None });
    assert_eq!(
        unsafe { gemini_live_event_time_left(&ev, &mut ms) },
        GEMINI_LIVE_OK
    );
    assert_eq!((ms, &json(&ev)["time_left_ms"]), (-1, &Value::Null));

    for (handle, resumable) in [(Some("h-9"), true), (None, false)] {
        let ev = gemini_live_event::new(Event::ResumptionUpdate {
            handle: handle.map(String::from),
            resumable,
            last_consumed_index: None,
        });
        let (mut h, mut r) = (c"x".as_ptr(), !resumable);
        assert_eq!(
            unsafe { gemini_live_event_resumption(&ev, &mut h, &mut r) },
            GEMINI_LIVE_OK
        );
        let j = json(&ev);
        assert_eq!(text(h).map(Value::from).unwrap_or(Value::Null), j["handle"]);
        assert_eq!(Value::from(r), j["resumable"]);
    }

    let ev = gemini_live_event::new(Event::Reconnecting {
        attempt: 3,
        delay: Duration::from_millis(1250),
        cause: None,
    });
    let (mut attempt, mut delay) = (0u32, 0u64);
    assert_eq!(
        unsafe { gemini_live_event_reconnecting(&ev, &mut attempt, &mut delay) },
        GEMINI_LIVE_OK
    );
    assert_eq!(
        (Value::from(attempt), Value::from(delay)),
        (json(&ev)["attempt"].clone(), json(&ev)["delay_ms"].clone())
    );
    assert_eq!((attempt, delay), (3, 1250));

    for (event, key) in [
        (Event::Resumed { replayed: 4 }, "replayed"),
        (Event::NewSession { replayed: 2 }, "replayed"),
        (Event::ReplyDiscarded { turn: 5 }, "turn"),
        (Event::ContextLost { turns: 3 }, "turns"),
        (
            Event::ContextRestored {
                turns: 7,
                chars: 900,
                dropped: 1,
            },
            "turns",
        ),
    ] {
        let ev = gemini_live_event::new(event);
        let mut n = 0u64;
        assert_eq!(
            unsafe { gemini_live_event_count(&ev, &mut n) },
            GEMINI_LIVE_OK
        );
        assert_eq!(Value::from(n), json(&ev)[key]);
        assert!(n > 0);
    }

    let ev = gemini_live_event::new(Event::ContextRestored {
        turns: 7,
        chars: 900,
        dropped: 1,
    });
    let (mut t, mut c, mut d) = (0u64, 0u64, 0u64);
    assert_eq!(
        unsafe { gemini_live_event_context_restored(&ev, &mut t, &mut c, &mut d) },
        GEMINI_LIVE_OK
    );
    let j = json(&ev);
    assert_eq!(
        (Value::from(t), Value::from(c), Value::from(d)),
        (j["turns"].clone(), j["chars"].clone(), j["dropped"].clone())
    );
    assert_eq!((t, c, d), (7, 900, 1));
    let other = gemini_live_event::new(Event::ContextLost { turns: 1 });
    assert_eq!(
        unsafe { gemini_live_event_context_restored(&other, &mut t, &mut c, &mut d) },
        GEMINI_LIVE_WRONG_EVENT_TYPE
    );
    assert_eq!(
        unsafe { gemini_live_event_context_restored(&ev, null_mut(), &mut c, &mut d) },
        GEMINI_LIVE_NULL_ARGUMENT
    );

    let ev = gemini_live_event::new(Event::InputDropped {
        messages: 6,
        bytes: 4096,
    });
    let (mut m, mut b) = (0u64, 0u64);
    assert_eq!(
        unsafe { gemini_live_event_input_dropped(&ev, &mut m, &mut b) },
        GEMINI_LIVE_OK
    );
    assert_eq!(
        (Value::from(m), Value::from(b)),
        (json(&ev)["messages"].clone(), json(&ev)["bytes"].clone())
    );
}

#[test]
fn ids_voice_activity_and_vad_signals_agree_with_the_json() {
    let ids = vec!["c-1".to_string(), "c-2".to_string()];
    for event in [
        Event::ToolCallCancellation(ids.clone()),
        Event::ToolResponsesDropped { ids: ids.clone() },
        Event::ToolCallsAbandoned { ids: ids.clone() },
    ] {
        let ev = gemini_live_event::new(event);
        let mut n = 0usize;
        assert_eq!(
            unsafe { gemini_live_event_id_count(&ev, &mut n) },
            GEMINI_LIVE_OK
        );
        let got: Vec<Value> = (0..n)
            .map(|i| {
                let mut p = null();
                assert_eq!(
                    unsafe { gemini_live_event_id(&ev, i, &mut p) },
                    GEMINI_LIVE_OK
                );
                text(p).into()
            })
            .collect();
        assert_eq!(Value::from(got), json(&ev)["ids"]);
        let mut p = null();
        assert_eq!(
            unsafe { gemini_live_event_id(&ev, n, &mut p) },
            GEMINI_LIVE_INVALID_ARGUMENT
        );
    }

    for (kind, offset, c_kind) in [
        (
            VoiceActivityKind::Start,
            Some(Duration::from_millis(320)),
            GEMINI_LIVE_VOICE_ACTIVITY_START,
        ),
        (VoiceActivityKind::End, None, GEMINI_LIVE_VOICE_ACTIVITY_END),
    ] {
        let ev = gemini_live_event::new(Event::VoiceActivity {
            kind,
            audio_offset: offset,
        });
        let (mut k, mut o) = (0u32, 0i64);
        assert_eq!(
            unsafe { gemini_live_event_voice_activity(&ev, &mut k, &mut o) },
            GEMINI_LIVE_OK
        );
        assert_eq!(k, c_kind);
        let j = json(&ev);
        assert_eq!(
            j["kind"],
            if k == GEMINI_LIVE_VOICE_ACTIVITY_START {
                "start"
            } else {
                "end"
            }
        );
        assert_eq!(
            if o < 0 { Value::Null } else { o.into() },
            j["audio_offset_ms"]
        );
    }

    for (signal, code) in [
        (
            VadSignal::StartOfSpeech,
            GEMINI_LIVE_VAD_SIGNAL_START_OF_SPEECH,
        ),
        (VadSignal::EndOfSpeech, GEMINI_LIVE_VAD_SIGNAL_END_OF_SPEECH),
        (
            VadSignal::Other("VAD_SIGNAL_TYPE_NEW".into()),
            GEMINI_LIVE_VAD_SIGNAL_OTHER,
        ),
    ] {
        let ev = gemini_live_event::new(Event::VadSignal(signal));
        let (mut s, mut name) = (99u32, null());
        assert_eq!(
            unsafe { gemini_live_event_vad_signal(&ev, &mut s, &mut name) },
            GEMINI_LIVE_OK
        );
        assert_eq!(s, code);
        assert_eq!(Value::from(text(name)), json(&ev)["signal"]);
    }
}

#[test]
fn other_kinds_and_nulls_are_refused() {
    let text_ev = gemini_live_event::new(Event::Text("t".into()));
    let ev = &text_ev as *const gemini_live_event;
    let (mut p, mut b, mut i, mut u64_, mut u32_, mut n) =
        (null(), false, 0i64, 0u64, 0u32, 0usize);
    let mut u = gemini_live_usage::default_for_test();
    let wrong = GEMINI_LIVE_WRONG_EVENT_TYPE;
    unsafe {
        assert_eq!(gemini_live_event_session_id(ev, &mut p), wrong);
        assert_eq!(gemini_live_event_usage(ev, &mut u, &mut b), wrong);
        assert_eq!(gemini_live_event_usage_detail_count(ev, 0, &mut n), wrong);
        assert_eq!(
            gemini_live_event_usage_detail(ev, 0, 0, &mut p, &mut i),
            wrong
        );
        assert_eq!(gemini_live_event_reason(ev, &mut p), wrong);
        assert_eq!(gemini_live_event_time_left(ev, &mut i), wrong);
        assert_eq!(gemini_live_event_resumption(ev, &mut p, &mut b), wrong);
        assert_eq!(
            gemini_live_event_reconnecting(ev, &mut u32_, &mut u64_),
            wrong
        );
        assert_eq!(gemini_live_event_count(ev, &mut u64_), wrong);
        assert_eq!(
            gemini_live_event_input_dropped(ev, &mut u64_, &mut u64_),
            wrong
        );
        assert_eq!(gemini_live_event_id_count(ev, &mut n), wrong);
        assert_eq!(gemini_live_event_id(ev, 0, &mut p), wrong);
        assert_eq!(gemini_live_event_language_code(ev, &mut p), wrong);
        assert_eq!(
            gemini_live_event_voice_activity(ev, &mut u32_, &mut i),
            wrong
        );
        assert_eq!(gemini_live_event_vad_signal(ev, &mut u32_, &mut p), wrong);
        let none = std::ptr::null();
        let nul = GEMINI_LIVE_NULL_ARGUMENT;
        assert_eq!(gemini_live_event_session_id(none, &mut p), nul);
        assert_eq!(gemini_live_event_count(none, &mut u64_), nul);
        let setup = gemini_live_event::new(Event::SetupComplete { session_id: None });
        assert_eq!(
            gemini_live_event_session_id(&setup, std::ptr::null_mut()),
            nul
        );
    }
    // Nothing was written on failure.
    assert!(p.is_null());
    assert_eq!((i, u64_, u32_, n, b), (0, 0, 0, 0, false));
}
