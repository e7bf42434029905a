//! The metrics snapshot against a fake conversation: every figure the issue lists (connect
//! phases, turn latencies, first audio, messages and bytes each way, queue, send latency,
//! reconnects and downtime, replay, drops, close code, state, time since the last message).

mod common;

use common::*;
use gemini_live::fake::{FakeOptions, Fault, FaultPlan};
use gemini_live::protocol::{self, ClientContent, ClientMessage, Content, RealtimeInput};
use gemini_live::{Event, ResponseMode, Session, State};
use std::time::Duration;

#[test]
fn a_text_turn_is_measured() {
    let server = fake();
    let s = Session::connect(config(&server, ResponseMode::Text)).unwrap();
    let m = s.metrics();
    assert_eq!(m.state, State::Connected);
    assert!(m.connect.tcp > Duration::ZERO, "{m:?}");
    assert!(
        m.connect.tls < Duration::from_millis(1),
        "ws:// has no TLS: {m:?}"
    );
    assert!(m.connect.upgrade > Duration::ZERO, "{m:?}");
    assert!(m.connect.setup > Duration::ZERO, "{m:?}");
    assert_eq!(m.messages_sent, 0, "setup is not counted as input");
    assert_eq!(m.last_first_reply, None);
    assert_eq!(m.last_turn_complete, None);
    assert_eq!(m.send_latency.count(), 0);
    assert_eq!(m.send_latency.max(), None);
    assert_eq!(m.last_close_code, None);
    assert_eq!((m.reconnects, m.downtime), (0, Duration::ZERO));

    s.send_text("hello").unwrap();
    let t = turn(&s);
    assert_eq!(t.text, "[turn 1] echo: hello");
    let m = s.metrics();
    let frame = protocol::encode_client(&ClientMessage::ClientContent(ClientContent {
        turns: vec![Content::text("user", "hello")],
        turn_complete: true,
    }));
    assert_eq!(m.messages_sent, 1);
    assert_eq!(m.bytes_sent, frame.len() as u64);
    // Reply text, generationComplete, turnComplete (with usage) at least.
    assert!(m.messages_received >= 3, "{m:?}");
    assert!(m.bytes_received > 50, "{m:?}");
    let first = m.last_first_reply.expect("first reply measured");
    let done = m.last_turn_complete.expect("turn complete measured");
    assert!(first <= done && done < Duration::from_secs(5), "{m:?}");
    assert_eq!(m.last_first_audio, None, "a TEXT session has no audio");
    assert_eq!(m.send_latency.count(), 1);
    let max = m.send_latency.max().unwrap();
    assert!(max < Duration::from_secs(1), "{m:?}");
    assert_eq!(m.send_latency.quantile(0.99), Some(max));
    assert_eq!(m.send_queue_depth, 0);
    assert!(m.send_queue_peak <= 1);

    // The time since the last message grows while nothing arrives.
    let before = m.since_last_received.expect("messages were received");
    std::thread::sleep(Duration::from_millis(60));
    let after = s.metrics().since_last_received.unwrap();
    assert!(
        after >= before + Duration::from_millis(60),
        "{before:?} {after:?}"
    );

    s.close().unwrap();
    let m = s.metrics();
    assert_eq!(m.state, State::Closed);
    assert_eq!(m.last_close_code, Some(1000));
}

#[test]
fn an_audio_turn_measures_first_audio_and_every_chunk_sent() {
    let server = fake();
    let s = Session::connect(config(&server, ResponseMode::Audio)).unwrap();
    let pcm = tone(200, 440.0);
    let mut bytes = 0;
    for chunk in pcm.chunks(640) {
        s.send_audio_bytes(chunk).unwrap();
        bytes += protocol::encode_audio_frame(chunk, 16_000).len();
    }
    s.audio_stream_end().unwrap();
    bytes += protocol::encode_client(&ClientMessage::RealtimeInput(RealtimeInput {
        audio_stream_end: Some(true),
        ..Default::default()
    }))
    .len();
    let t = turn(&s);
    assert!(!t.audio.is_empty());
    let m = s.metrics();
    assert_eq!(m.messages_sent, 11, "ten chunks and the stream end");
    assert_eq!(m.bytes_sent, bytes as u64);
    assert_eq!(m.send_latency.count(), 11, "every message's send latency");
    let p50 = m.send_latency.quantile(0.5).unwrap();
    assert!(p50 <= m.send_latency.max().unwrap());
    assert!(m.send_latency.mean().unwrap() <= m.send_latency.max().unwrap());
    assert_eq!(m.send_latency.buckets().map(|(_, c)| c).sum::<u64>(), 11);
    let first = m.last_first_reply.unwrap();
    let audio = m.last_first_audio.expect("first audio measured");
    let done = m.last_turn_complete.unwrap();
    assert!(first <= audio && audio <= done, "{m:?}");
    s.close().unwrap();
}

#[test]
fn reconnects_downtime_replay_and_close_code_are_counted() {
    // The server drops the connection on receiving the first text, before answering it.
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new().at(1, 2, Fault::Drop),
        ..FakeOptions::default()
    });
    let s = Session::connect(config(&server, ResponseMode::Text)).unwrap();
    s.send_text("one").unwrap();
    let t = turn(&s);
    assert_eq!(t.text, "[turn 1] echo: one");
    assert!(t
        .events
        .iter()
        .any(|e| matches!(e, Event::Resumed { replayed: 1 })));
    let m = s.metrics();
    assert_eq!(m.reconnects, 1);
    assert!(m.downtime > Duration::ZERO);
    assert_eq!(m.replayed_messages, 1);
    assert_eq!(m.dropped_messages, 0);
    assert_eq!(m.last_close_code, Some(1006), "a drop has no close frame");
    assert_eq!(m.state, State::Connected);
    assert!(
        m.connect.setup > Duration::ZERO,
        "the new connection's phases"
    );
    s.close().unwrap();
}

#[test]
fn replay_buffer_drops_are_counted() {
    // Five chunks, then the stream end drops the connection; a one-byte replay buffer keeps
    // only the newest message, so the five chunks are lost and reported.
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new().at(1, 7, Fault::Drop),
        ..FakeOptions::default()
    });
    let mut c = config(&server, ResponseMode::Text);
    c.replay_max_bytes = 1;
    let s = Session::connect(c).unwrap();
    for chunk in tone(100, 440.0).chunks(640) {
        s.send_audio_bytes(chunk).unwrap();
    }
    s.audio_stream_end().unwrap();
    let dropped = loop {
        match s.next_event(Duration::from_secs(5)).unwrap() {
            Some(Event::InputDropped { messages, .. }) => break messages,
            Some(_) => {}
            None => panic!("no InputDropped event"),
        }
    };
    assert_eq!(dropped, 5);
    assert_eq!(s.metrics().dropped_messages, dropped);
    assert_eq!(s.metrics().reconnects, 1);
    s.close().unwrap();
}
