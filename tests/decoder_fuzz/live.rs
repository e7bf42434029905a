//! Frames through the whole event path of a live `Session`.

use super::raw_server::*;
use super::strategies::*;
use crate::{big_lock, cases, report, runner, runner_with};
use gemini_live::{Error, Event, Session, State};
use proptest::prelude::*;
use serde_json::json;
use std::time::{Duration, Instant};

#[test]
fn any_frame_through_a_live_session_gives_events_or_one_clear_error() {
    let started = Instant::now();
    let live = std::cell::RefCell::new(Live::new());
    let mut r = runner(600);
    r.run(&(frame(), any::<bool>()), |(bytes, text)| {
        let mut live = live.borrow_mut();
        let events = live.feed(bytes.clone(), text);
        check_events(&bytes, &events, &live.session)
    })
    .unwrap();
    let live = live.into_inner();
    let m = live.session.metrics();
    assert!(m.messages_received >= 2 * u64::from(r.config().cases));
    assert_eq!(live.session.state(), State::Connected);
    report("live session, mixed frames", r.config().cases, started);
}

#[test]
fn deep_nesting_through_a_live_session_does_not_overflow_the_reader_stack() {
    let mut live = Live::new();
    for depth in [16, 64, 100, 120, 126, 127, 128, 129, 200, 5_000] {
        for objects in [false, true] {
            let bytes = nested(depth, objects, true);
            let events = live.feed(bytes.clone(), true);
            check_events(&bytes, &events, &live.session).unwrap();
            if depth <= 100 {
                assert!(
                    matches!(events.as_slice(), [Event::Grounding(_)]),
                    "depth {depth}: {events:?}"
                );
            }
        }
    }
}

#[test]
fn huge_strings_through_a_live_session() {
    let _big = big_lock();
    let mut live = Live::new();
    // 12 MiB of text in one part (under the 16 MiB default limit) arrives whole.
    let text = "é".repeat(6 << 20);
    let frame = json!({"serverContent": {"modelTurn": {"parts": [{"text": text}]}}});
    let events = live.feed(serde_json::to_vec(&frame).unwrap(), true);
    assert!(
        matches!(events.as_slice(), [Event::Text(t)] if *t == text),
        "{} events",
        events.len()
    );
    // 9 MiB of audio in one chunk.
    let pcm: Vec<u8> = (0..(9 << 20)).map(|i| (i % 251) as u8).collect();
    let data = gemini_live::protocol::encode_base64(&pcm);
    let frame = json!({"serverContent": {"modelTurn": {"parts": [
        {"inlineData": {"mimeType": "audio/pcm;rate=24000", "data": data}}]}}});
    let events = live.feed(serde_json::to_vec(&frame).unwrap(), false);
    assert!(
        matches!(events.as_slice(), [Event::Audio(a)] if a.data == pcm && a.sample_rate == 24000),
        "{} events",
        events.len()
    );
    // A huge string of the wrong type: one short error event.
    let frame = json!({"serverContent": {"turnComplete": "y".repeat(12 << 20)}});
    let events = live.feed(serde_json::to_vec(&frame).unwrap(), true);
    assert_eq!(events.len(), 1);
    match &events[0] {
        Event::Error(e @ Error::Protocol(m)) => {
            assert!(m.len() <= MAX_ERROR_TEXT, "{} bytes", m.len());
            assert!(e
                .to_string()
                .starts_with("protocol error: malformed server message"));
        }
        other => panic!("{other:?}"),
    }
    // Invalid base64 of any size: one error event.
    let frame = json!({"serverContent": {"modelTurn": {"parts": [
        {"inlineData": {"mimeType": "audio/pcm", "data": "!".repeat(1 << 20)}}]}}});
    let events = live.feed(serde_json::to_vec(&frame).unwrap(), true);
    assert!(
        matches!(events.as_slice(), [Event::Error(Error::Protocol(m))] if m.contains("base64") && m.len() <= MAX_ERROR_TEXT),
        "{events:?}"
    );
    assert_eq!(live.session.state(), State::Connected);
}

#[test]
fn invalid_utf8_in_a_binary_frame_is_one_error_event() {
    let mut live = Live::new();
    let mut bytes = br#"{"serverContent":{"modelTurn":{"parts":[{"text":"ab"#.to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe]);
    bytes.extend_from_slice(br#""}]}}}"#);
    let events = live.feed(bytes.clone(), false);
    check_events(&bytes, &events, &live.session).unwrap();
    assert!(matches!(events.as_slice(), [Event::Error(_)]), "{events:?}");
}

#[test]
fn invalid_utf8_in_a_text_frame_ends_the_connection_with_a_clear_error() {
    let server = RawServer::start(None);
    let s = Session::connect(raw_config(&server.endpoint)).unwrap();
    server.push(Push::BadText(b"{\"x\":\"\xff\"}".to_vec()));
    let (code, error) = closed_error(&s);
    assert_eq!(code, 1006);
    let e = error.expect("an error says why");
    assert!(matches!(e, Error::Protocol(_)), "{e:?}");
    assert!(e.to_string().to_lowercase().contains("utf-8"), "{e}");
}

#[test]
fn garbage_on_the_socket_ends_the_connection_cleanly() {
    // Raw bytes where frames belong: whatever they parse as, the session ends with a Closed
    // event (the server hangs up after them), never a panic or a hang.
    // A new connection per case (about 1.5 ms): a fiftieth of `PROPTEST_CASES`.
    let started = Instant::now();
    let mut r = runner_with(cases(2_400) / 50);
    r.run(&prop::collection::vec(any::<u8>(), 1..64), |bytes| {
        let server = RawServer::start(None);
        let s = Session::connect(raw_config(&server.endpoint)).unwrap();
        server.push(Push::Raw(bytes));
        server.push(Push::Hangup);
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            prop_assert!(Instant::now() < deadline, "no Closed event");
            match s.next_event(Duration::from_secs(5)) {
                Ok(Some(Event::Closed { .. })) => break,
                Ok(Some(_)) => {}
                other => return Err(TestCaseError::fail(format!("{other:?}"))),
            }
        }
        prop_assert_eq!(s.state(), State::Closed);
        Ok(())
    })
    .unwrap();
    report("raw socket garbage", r.config().cases, started);
}

#[test]
fn audio_rates_that_are_not_rates_fall_back_to_24_khz() {
    let mut live = Live::new();
    let pcm = [1u8, 0, 2, 0];
    for (mime, rate) in [
        ("audio/pcm;rate=0", 24_000),
        ("audio/pcm;rate=-5", 24_000),
        ("audio/pcm;rate=99999999999", 24_000),
        ("audio/pcm;rate=", 24_000),
        ("audio/pcm", 24_000),
        ("audio/L16;rate=16000", 16_000),
        ("AUDIO/PCM; RATE=8000", 8_000),
    ] {
        let frame = json!({"serverContent": {"modelTurn": {"parts": [{"inlineData": {
            "mimeType": mime, "data": gemini_live::protocol::encode_base64(&pcm)}}]}}});
        let events = live.feed(serde_json::to_vec(&frame).unwrap(), true);
        assert!(
            matches!(events.as_slice(), [Event::Audio(a)] if a.sample_rate == rate),
            "{mime}: {events:?}"
        );
    }
}
