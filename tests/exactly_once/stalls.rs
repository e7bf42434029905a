//! Quiet is not a stall: between turns, before a playback-delayed `turnComplete`, at the end
//! of a long utterance.

use crate::common::*;
use crate::text_config;
use gemini_live::fake::{FakeOptions, Fault, FaultPlan};
use gemini_live::{Config, Event, ResponseMode, Session};
use std::time::{Duration, Instant};

#[test]
fn quiet_between_turns_is_not_a_stall() {
    // Defect 4: the stall timer counted from the last server message, so the first turn
    // after a quiet longer than stall_timeout was declared stalled on the spot. The server
    // takes 200 ms to answer "two" (as a model thinks), well within the stall timeout.
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new().at(
            1,
            2,
            Fault::SlowReader {
                delay: Duration::from_millis(200),
            },
        ),
        ..FakeOptions::default()
    });
    let s = Session::connect(text_config(&server)).unwrap();
    let (replies, _) = chat(&s, &["one"]);
    assert_eq!(replies, vec!["[turn 1] echo: one"]);
    // Quiet for longer than the stall timeout: nothing is owed, nothing may happen.
    let mut events = Vec::new();
    while let Ok(Some(ev)) = s.next_event(Duration::from_millis(700)) {
        events.push(ev);
    }
    let (replies, more) = chat(&s, &["two"]);
    events.extend(more);
    assert_eq!(replies, vec!["[turn 2] echo: two"]);
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::Reconnecting { .. })),
        "{events:#?}"
    );
    assert_eq!(server.connection_count(), 1);
}

/// A scripted Live server: answers a text turn with one second of audio, its transcription
/// and `generationComplete`, then sends `turnComplete` only after `delay` (the service sends
/// it at the estimated end of playback, 20+ s after the last audio chunk, protocol.md C.3).
fn playback_delayed_server(delay: Duration) -> (String, std::thread::JoinHandle<usize>) {
    use tungstenite::Message;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("ws://{}", listener.local_addr().unwrap());
    let thread = std::thread::spawn(move || {
        let mut conns = 0;
        listener.set_nonblocking(false).unwrap();
        let (tcp, _) = listener.accept().unwrap();
        conns += 1;
        listener.set_nonblocking(true).unwrap();
        let mut ws = tungstenite::accept(tcp).unwrap();
        let send = |ws: &mut tungstenite::WebSocket<_>, v: serde_json::Value| {
            ws.send(Message::text(v.to_string())).unwrap()
        };
        loop {
            match ws.read() {
                Ok(Message::Text(t)) if t.contains("\"setup\"") => {
                    send(&mut ws, serde_json::json!({"setupComplete": {}}))
                }
                Ok(Message::Text(_)) => {
                    // One second of 24 kHz audio, and its transcription.
                    let pcm = vec![0u8; 48_000];
                    send(
                        &mut ws,
                        serde_json::json!({"serverContent": {"modelTurn": {"parts": [{"inlineData": {
                            "mimeType": "audio/pcm;rate=24000",
                            "data": gemini_live::protocol::encode_base64(&pcm),
                        }}]}}}),
                    );
                    send(
                        &mut ws,
                        serde_json::json!({"serverContent": {"outputTranscription": {"text": "played"}}}),
                    );
                    send(
                        &mut ws,
                        serde_json::json!({"serverContent": {"generationComplete": true}}),
                    );
                    std::thread::sleep(delay);
                    // A reconnection would show up as a second connection.
                    if listener.accept().is_ok() {
                        conns += 1;
                    }
                    send(
                        &mut ws,
                        serde_json::json!({"serverContent": {"turnComplete": true}}),
                    );
                }
                Ok(Message::Close(_)) | Err(_) => return conns,
                Ok(_) => {}
            }
        }
    });
    (endpoint, thread)
}

#[test]
fn waiting_for_turn_complete_after_generation_complete_is_not_a_stall() {
    let (endpoint, server) = playback_delayed_server(Duration::from_millis(900));
    let mut c = Config::default()
        .with_endpoint(endpoint)
        .with_response_mode(ResponseMode::TextAndAudio);
    c.session_resumption = false;
    // 1 s of audio: turnComplete is not due before 1 s after generationComplete; it comes
    // after 0.9 s, three stall timeouts after the last message.
    c.stall_timeout = Duration::from_millis(300);
    let s = Session::connect(c).unwrap();
    let (replies, events) = chat(&s, &["play it"]);
    assert_eq!(replies, vec!["played"], "{events:#?}");
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::Reconnecting { .. } | Event::ReplyDiscarded { .. })),
        "{events:#?}"
    );
    s.close().unwrap();
    assert_eq!(server.join().unwrap(), 1, "one connection");
}

#[test]
fn a_long_utterance_is_not_a_stall_at_its_end() {
    // Defect 4, audio: an utterance longer than stall_timeout, streamed in real time as a
    // microphone does, then audioStreamEnd: the old timer counted from the last server
    // message (setupComplete) and reconnected at once, re-uploading the utterance. The
    // server takes 200 ms to read the end of the utterance (well within the stall timeout).
    let pcm = tone(800, 220.0);
    let chunks = pcm.chunks(640).count();
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new().at(
            1,
            1 + chunks,
            Fault::SlowReader {
                delay: Duration::from_millis(200),
            },
        ),
        ..FakeOptions::default()
    });
    let s = Session::connect(text_config(&server)).unwrap();
    let started = Instant::now();
    for (i, chunk) in pcm.chunks(640).enumerate() {
        // 20 ms of audio per chunk, paced like a microphone.
        let due = started + Duration::from_millis(20 * i as u64);
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        s.send_audio_bytes(chunk).unwrap();
    }
    s.audio_stream_end().unwrap();
    let mut events = Vec::new();
    let text = reply(&s, &mut events);
    assert!(
        text.contains(&format!("heard {} bytes", pcm.len())),
        "{text}: {events:#?}"
    );
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::Reconnecting { .. })),
        "{events:#?}"
    );
    assert_eq!(server.connection_count(), 1);
    assert_eq!(
        server.connections()[0].frames.len(),
        1 + pcm.chunks(640).count() + 1,
        "the utterance went up once"
    );
}
