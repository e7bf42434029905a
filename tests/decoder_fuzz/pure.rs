//! Properties of `protocol::decode_server` alone.

use super::strategies::*;
use crate::{big_lock, report, runner};
use gemini_live::protocol::decode_server;
use proptest::prelude::*;
use serde_json::Value;
use std::time::Instant;

// ---- pure decoder properties ---------------------------------------------------------------

#[test]
fn decode_server_never_panics_on_any_frame() {
    let started = Instant::now();
    let mut r = runner(2_000);
    r.run(&frame(), |b| check_decode(&b)).unwrap();
    report("decode_server, mixed frames", r.config().cases, started);
}

#[test]
fn decode_server_never_panics_on_arbitrary_bytes() {
    let started = Instant::now();
    let mut r = runner(2_000);
    r.run(&prop::collection::vec(any::<u8>(), 0..2048), |b| {
        check_decode(&b)
    })
    .unwrap();
    report("decode_server, arbitrary bytes", r.config().cases, started);
}

#[test]
fn well_typed_messages_decode_and_keep_their_content() {
    // Messages built only from the right types always decode, and what they carry arrives.
    fn right(s: &'static S) -> BoxedStrategy<Value> {
        match s {
            S::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
            S::Str | S::B64 | S::Mime => "\\PC{0,24}".prop_map(Value::String).boxed(),
            S::Count => any::<u32>().prop_map(Value::from).boxed(),
            S::Dur => "[0-9]{1,6}s".prop_map(Value::String).boxed(),
            S::Any => any_json(),
            S::Obj(fields) => fields
                .iter()
                .map(|(k, f)| {
                    prop::option::of(right(f).prop_map(move |v| (k.to_string(), v))).boxed()
                })
                .collect::<Vec<_>>()
                .prop_map(|kv| Value::Object(kv.into_iter().flatten().collect()))
                .boxed(),
            S::Arr(item) => prop::collection::vec(right(item), 0..4)
                .prop_map(Value::Array)
                .boxed(),
        }
    }
    let started = Instant::now();
    let mut r = runner(1_000);
    r.run(&right(&MESSAGE), |v| {
        let bytes = serde_json::to_vec(&v).unwrap();
        let msg = decode_server(&bytes).map_err(|e| TestCaseError::fail(format!("{e} for {v}")))?;
        if let Some(text) = v["serverContent"]["modelTurn"]["parts"][0]["text"].as_str() {
            let got = msg
                .server_content
                .as_ref()
                .and_then(|c| c.model_turn.as_ref());
            prop_assert_eq!(got.and_then(|t| t.parts[0].text.as_deref()), Some(text));
        }
        if v.get("someFutureMessage").is_some() {
            prop_assert!(msg.unknown.iter().any(|(k, _)| k == "someFutureMessage"));
        }
        prop_assert_eq!(msg.go_away.is_some(), v.get("goAway").is_some());
        Ok(())
    })
    .unwrap();
    report(
        "decode_server, well-typed messages",
        r.config().cases,
        started,
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let _big = big_lock();
    for depth in [127, 128, 129, 1_000, 100_000, 1_000_000] {
        for objects in [false, true] {
            for close in [false, true] {
                let bytes = nested(depth, objects, close);
                // On a thread with the session threads' small stack, like the reader.
                let r = std::thread::Builder::new()
                    .stack_size(128 * 1024)
                    .spawn(move || decode_server(&bytes).map(|_| ()))
                    .unwrap()
                    .join()
                    .expect("no panic");
                if depth > 200 || !close {
                    let e = r.expect_err("too deep, or truncated");
                    assert!(e.0.starts_with("malformed server message"), "{e}");
                }
            }
        }
    }
}

#[test]
fn huge_strings_of_the_wrong_type_give_a_short_error() {
    let _big = big_lock();
    let huge = "x".repeat(8 << 20);
    for frame in [
        format!("{{\"serverContent\":{{\"turnComplete\":\"{huge}\"}}}}"),
        format!("{{\"goAway\":{{\"timeLeft\":[\"{huge}\"]}}}}"),
        format!("{{\"usageMetadata\":{{\"totalTokenCount\":\"{huge}\"}}}}"),
        format!("{{\"toolCall\":{{\"functionCalls\":\"{huge}\"}}}}"),
        format!("{{\"serverContent\":{{\"modelTurn\":{{\"parts\":[{{\"text\":\"{huge}"),
    ] {
        let e = decode_server(frame.as_bytes()).expect_err("wrong type");
        assert!(e.0.len() <= MAX_ERROR_TEXT, "{} bytes", e.0.len());
        assert!(
            e.0.starts_with("malformed server message"),
            "{}",
            &e.0[..100]
        );
    }
}
