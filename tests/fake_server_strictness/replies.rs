//! The fake's deterministic replies: text, audio checksums, tool calls, special texts, and
//! resumption across connections.

use std::time::Duration;

use base64::Engine;
use gemini_live::fake::{fnv1a64, fnv1a64_update, synth_reply_audio, FakeOptions, FNV_OFFSET};
use serde_json::{json, Value};

use super::client::*;

#[test]
fn text_turn_echoes_in_parts_with_usage() {
    let srv = server(keyed());
    let mut c = connect(&srv);
    assert_eq!(c.setup(text_setup()), vec![json!({"setupComplete": {}})]);
    let msgs = c.say("hello there");
    assert_eq!(msgs.len(), 5, "{msgs:?}");
    assert_eq!(reply_text(&msgs), "[turn 1] echo: hello there");
    assert_eq!(
        msgs[3],
        json!({"serverContent": {"generationComplete": true}})
    );
    let usage = &msgs[4]["usageMetadata"];
    assert_eq!(
        usage["totalTokenCount"],
        json!(
            usage["promptTokenCount"].as_u64().unwrap()
                + usage["responseTokenCount"].as_u64().unwrap()
        )
    );
    assert_eq!(reply_text(&c.say("again")), "[turn 2] echo: again");
    let snap = srv.state_snapshot();
    assert_eq!(snap.len(), 1);
    assert_eq!(snap[0].turns, 2);
    assert_eq!(snap[0].texts, vec!["hello there", "again"]);
}

#[test]
fn audio_turn_reports_the_checksum_of_its_audio() {
    let srv = server(keyed());
    let mut c = connect(&srv);
    c.setup(
        json!({"model": MODEL, "generationConfig": {"responseModalities": ["AUDIO"]},
                   "inputAudioTranscription": {}, "outputAudioTranscription": {}}),
    );
    let chunks: Vec<Vec<u8>> = (0u8..3)
        .map(|k| (0..640).map(|i| (i as u8).wrapping_mul(k + 1)).collect())
        .collect();
    for (i, chunk) in chunks.iter().enumerate() {
        // the last chunk in the URL-safe alphabet without padding, as Python may send it
        let data = if i == 2 {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(chunk)
        } else {
            b64(chunk)
        };
        c.send(&json!({"realtimeInput": {"audio": {"mimeType": "audio/pcm;rate=16000", "data": data}}}));
    }
    c.send(&json!({"realtimeInput": {"audioStreamEnd": true}}));
    let msgs = c.turn();
    let all: Vec<u8> = chunks.concat();
    let expected = format!(
        "[turn 1] heard 1920 bytes of audio, checksum {:016x}",
        fnv1a64(&all)
    );
    assert_eq!(
        msgs[0],
        json!({"serverContent": {"inputTranscription": {"text": "1920 bytes of audio", "finished": true}}})
    );
    assert_eq!(reply_text(&msgs), expected);
    let mut audio = Vec::new();
    for m in &msgs {
        let part = &m["serverContent"]["modelTurn"]["parts"][0]["inlineData"];
        if let Some(d) = part["data"].as_str() {
            assert_eq!(part["mimeType"], "audio/pcm;rate=24000");
            audio.extend(b64_decode(d));
        }
    }
    assert_eq!(audio, synth_reply_audio(1, 400));
    // A second turn reports only its own audio; the session checksum runs over everything.
    let more = vec![7u8; 320];
    c.send(&json!({"realtimeInput": {"audio": {"data": b64(&more)}}}));
    c.send(&json!({"realtimeInput": {"audioStreamEnd": true}}));
    let expected = format!(
        "[turn 2] heard 320 bytes of audio, checksum {:016x}",
        fnv1a64(&more)
    );
    assert_eq!(reply_text(&c.turn()), expected);
    let snap = &srv.state_snapshot()[0];
    assert_eq!(snap.input_bytes, 2240);
    assert_eq!(
        snap.input_checksum,
        fnv1a64_update(fnv1a64_update(FNV_OFFSET, &all), &more)
    );
}

#[test]
fn tool_call_round_trip() {
    let srv = server(keyed());
    let mut c = connect(&srv);
    c.setup(text_setup());
    c.send(&json!({"clientContent": {"turns": [{"role": "user", "parts": [{"text": "call tool get_weather with {\"city\": \"Paris\"}"}]}], "turnComplete": true}}));
    let call = c.msg();
    let fc = &call["toolCall"]["functionCalls"][0];
    assert_eq!(fc["name"], "get_weather");
    assert_eq!(fc["args"], json!({"city": "Paris"}));
    let id = fc["id"].as_str().expect("id").to_string();
    assert!(id.starts_with("function-call-"), "{id}");
    c.send(&json!({"toolResponse": {"functionResponses": [{"id": id, "name": "get_weather", "response": {"temp_c": 21}}]}}));
    assert_eq!(
        reply_text(&c.turn()),
        "[turn 1] tool get_weather returned {\"temp_c\":21}"
    );
    // An id the server never issued.
    c.send(&json!({"toolResponse": {"functionResponses": [{"id": id, "response": {}}]}}));
    assert_eq!(
        c.close_code(),
        (1008, "Requested entity was not found.".into())
    );
}

#[test]
fn tool_response_without_id_closes_1007() {
    let srv = server(keyed());
    let mut c = connect(&srv);
    c.setup(text_setup());
    c.send(&json!({"toolResponse": {"functionResponses": [{"name": "f", "response": {}}]}}));
    assert_eq!(c.close_code(), (1007, INVALID_ARGUMENT.into()));
}

#[test]
fn special_texts_exercise_unknown_messages_interruption_and_usage() {
    let srv = server(keyed());
    let mut c = connect(&srv);
    c.setup(text_setup());
    let msgs = c.say("send unknown");
    assert_eq!(msgs[0], json!({"someFutureMessage": {"x": 1}}));
    assert_eq!(reply_text(&msgs), "[turn 1] echo: send unknown");
    let msgs = c.say("interrupt me");
    assert_eq!(msgs.len(), 4, "{msgs:?}");
    assert_eq!(msgs[2], json!({"serverContent": {"interrupted": true}}));
    let msgs = c.say("usage only");
    assert_eq!(msgs[0]["serverContent"], json!({}));
    assert!(msgs[0]["usageMetadata"]["promptTokenCount"].is_u64());
    assert_eq!(reply_text(&msgs), "[turn 3] echo: usage only");
}

fn resumable_setup(handle: Option<&str>) -> Value {
    let sr = handle.map_or(json!({}), |h| json!({"handle": h}));
    json!({"model": MODEL, "generationConfig": {"responseModalities": ["TEXT"]}, "sessionResumption": sr})
}

/// Setup and read the handle that follows setupComplete.
fn resumable(c: &mut Client, handle: Option<&str>) -> String {
    c.setup(resumable_setup(handle));
    handle_of(&[c.msg()]).expect("a handle after setupComplete")
}

#[test]
fn resumption_restores_the_turn_counter_across_connections() {
    let srv = server(keyed());
    let mut c1 = connect(&srv);
    let h0 = resumable(&mut c1, None);
    assert!(h0.len() >= 48);
    let msgs = c1.say("one");
    assert_eq!(
        msgs[0],
        json!({"sessionResumptionUpdate": {"resumable": false}})
    );
    assert_eq!(reply_text(&msgs), "[turn 1] echo: one");
    let h1 = handle_of(&[c1.msg()]).expect("a handle after the turn");
    assert_eq!(c1.close(), (1000, String::new()));

    let mut c2 = connect(&srv);
    resumable(&mut c2, Some(&h1));
    assert_eq!(reply_text(&c2.say("two")), "[turn 2] echo: two");
    assert_eq!(c2.close().0, 1000);
    assert_eq!(
        srv.connections()[1].resumed_handle.as_deref(),
        Some(h1.as_str())
    );
    let snap = srv.state_snapshot();
    assert_eq!((snap.len(), snap[0].turns), (1, 2));
    assert_eq!(snap[0].texts, vec!["one", "two"]);

    // An older handle restores the older state.
    let mut c3 = connect(&srv);
    resumable(&mut c3, Some(&h0));
    assert_eq!(reply_text(&c3.say("zero")), "[turn 1] echo: zero");
}

#[test]
fn resume_while_the_old_socket_is_open_closes_1011() {
    let srv = server(keyed());
    let mut c1 = connect(&srv);
    let h = resumable(&mut c1, None);
    let mut c2 = connect(&srv);
    c2.send(&json!({"setup": resumable_setup(Some(&h))}));
    assert_eq!(
        c2.close_code(),
        (1011, "The service is currently unavailable.".into())
    );
    // The old connection is unaffected.
    assert_eq!(
        reply_text(&c1.say("still here"))
            .split_once("] ")
            .map(|x| x.1),
        Some("echo: still here")
    );
}

#[test]
fn expired_handle_closes_1008() {
    let srv = server(FakeOptions {
        handle_ttl: Duration::ZERO,
        ..keyed()
    });
    let mut c1 = connect(&srv);
    let h = resumable(&mut c1, None);
    c1.close();
    let mut c2 = connect(&srv);
    c2.send(&json!({"setup": resumable_setup(Some(&h))}));
    assert_eq!(
        c2.close_code(),
        (1008, truncate(&format!("unknown or expired handle {h}")))
    );
}
