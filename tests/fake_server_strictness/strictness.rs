//! What the fake refuses, with the real service's close codes and reasons.

use serde_json::{json, Value};
use tungstenite::Message;

use super::client::*;

/// Open a keyed connection, send `frames` (the first is normally the setup) and return the
/// server's close.
fn closes_with(frames: &[Value]) -> (u16, String) {
    let srv = server(keyed());
    let mut c = connect(&srv);
    for f in frames {
        c.send(f);
    }
    let got = c.close_code();
    assert_eq!(srv.connections()[0].close_sent.as_ref(), Some(&got));
    got
}

#[test]
fn unknown_setup_field_closes_1007_naming_the_parent() {
    let got = closes_with(&[json!({"setup": {"model": MODEL, "generationConfig": {"bogus": 1}}})]);
    assert_eq!(
        got,
        (1007, "Invalid JSON payload received. Unknown name \"bogus\" at 'setup.generation_config': Cannot find field.".into())
    );
    let got = closes_with(&[json!({"setup": {"model": MODEL, "colour": "red"}})]);
    assert_eq!(
        got,
        (
            1007,
            "Invalid JSON payload received. Unknown name \"colour\" at 'setup': Cannot find field."
                .into()
        )
    );
}

#[test]
fn boolean_session_resumption_closes_1007() {
    let (code, reason) =
        closes_with(&[json!({"setup": {"model": MODEL, "sessionResumption": true}})]);
    assert_eq!(code, 1007);
    assert!(
        reason.starts_with(
            "Invalid JSON payload received. Invalid value at 'setup.session_resumption'"
        ),
        "{reason}"
    );
    assert!(reason.len() <= 123);
}

#[test]
fn two_modalities_close_1007() {
    let got = closes_with(&[
        json!({"setup": {"model": MODEL, "generationConfig": {"responseModalities": ["TEXT", "AUDIO"]}}}),
    ]);
    assert_eq!(
        got,
        (
            1007,
            "responseModalities must have one entry, got ['TEXT', 'AUDIO']".into()
        )
    );
}

#[test]
fn second_setup_closes_1007() {
    let srv = server(keyed());
    let mut c = connect(&srv);
    c.setup(text_setup());
    c.send(&setup_msg());
    assert_eq!(c.close_code(), (1007, INVALID_ARGUMENT.into()));
}

#[test]
fn message_before_setup_closes_1007() {
    let got = closes_with(&[json!({"realtimeInput": {"text": "hi"}})]);
    assert_eq!(got, (1007, INVALID_ARGUMENT.into()));
}

#[test]
fn zero_or_two_top_level_members_close_1007() {
    assert_eq!(closes_with(&[json!({})]), (1007, INVALID_ARGUMENT.into()));
    let both = json!({"setup": text_setup(), "clientContent": {"turnComplete": true}});
    assert_eq!(closes_with(&[both]), (1007, INVALID_ARGUMENT.into()));
    let two = json!({"realtimeInput": {"text": "a", "audioStreamEnd": true}});
    assert_eq!(
        closes_with(&[setup_msg(), two]),
        (1007, INVALID_ARGUMENT.into())
    );
}

#[test]
fn explicit_null_closes_1007() {
    let got =
        closes_with(&[json!({"setup": {"model": MODEL, "sessionResumption": {"handle": null}}})]);
    assert_eq!(got, (1007, INVALID_ARGUMENT.into()));
}

#[test]
fn invalid_json_closes_1007() {
    let srv = server(keyed());
    let mut c = connect(&srv);
    c.send_raw("{\"setup\": {");
    assert_eq!(
        c.close_code(),
        (
            1007,
            "Invalid JSON payload received. Unexpected token.".into()
        )
    );
}

#[test]
fn activity_signals_must_match_the_vad_setting() {
    let start = json!({"realtimeInput": {"activityStart": {}}});
    let got = closes_with(&[setup_msg(), start]);
    assert_eq!(
        got,
        (
            1007,
            "activityStart sent while automatic activity detection is enabled".into()
        )
    );
    let vad_off = json!({"setup": {"model": MODEL, "realtimeInputConfig": {"automaticActivityDetection": {"disabled": true}}}});
    let end = json!({"realtimeInput": {"audioStreamEnd": true}});
    let (code, reason) = closes_with(&[vad_off, end]);
    assert_eq!(code, 1007);
    assert!(reason.starts_with("audioStreamEnd sent while"), "{reason}");
}

#[test]
fn odd_length_or_non_pcm_audio_closes_1007() {
    let odd = json!({"realtimeInput": {"audio": {"mimeType": "audio/pcm;rate=16000", "data": b64(&[1, 2, 3])}}});
    assert_eq!(
        closes_with(&[setup_msg(), odd]),
        (1007, truncate(BAD_AUDIO))
    );
    let wav = json!({"realtimeInput": {"audio": {"mimeType": "audio/wav", "data": b64(&[1, 2])}}});
    assert_eq!(
        closes_with(&[setup_msg(), wav]),
        (1007, truncate(BAD_AUDIO))
    );
}

#[test]
fn bad_base64_closes_1007() {
    let bad =
        json!({"realtimeInput": {"audio": {"mimeType": "audio/pcm", "data": "@@not base64@@"}}});
    let got = closes_with(&[setup_msg(), bad]);
    assert_eq!(
        got,
        (1007, "Invalid JSON payload received. Invalid value at 'realtime_input.audio.data' (TYPE_BYTES), Base64 decoding failed".into())
    );
}

#[test]
fn unknown_model_closes_1008_with_a_truncated_reason() {
    let srv = server(keyed());
    let mut c = connect_with(&srv, V1BETA, "", &[("x-goog-api-key", KEY)]).expect("upgrade");
    c.send(&json!({"setup": {"model": "models/gemini-1.0-pro"}}));
    let (code, reason) = c.close_code();
    assert_eq!(code, 1008);
    assert_eq!(reason.len(), 123);
    assert_eq!(
        reason,
        "models/gemini-1.0-pro is not found for API version v1beta, or is not supported for bidiGenerateContent. Call ListModels to "
    );
}

#[test]
fn wrong_key_closes_1007_after_setup() {
    let srv = server(keyed());
    let mut c = connect_with(&srv, V1ALPHA, "", &[("x-goog-api-key", "wrong")]).expect("upgrade");
    c.send(&setup_msg());
    assert_eq!(
        c.close_code(),
        (
            1007,
            "API key not valid. Please pass a valid API key.".into()
        )
    );
}

#[test]
fn missing_key_closes_1008() {
    let srv = server(keyed());
    let mut c = connect_with(&srv, V1ALPHA, "", &[]).expect("upgrade");
    c.send(&setup_msg());
    let (code, reason) = c.close_code();
    assert_eq!(code, 1008);
    assert!(
        reason.starts_with("Method doesn't allow unregistered callers"),
        "{reason}"
    );
    assert!(reason.len() <= 123);
}

#[test]
fn tokens_authenticate_only_on_the_constrained_method() {
    let srv = server(keyed());
    let token = format!("Token {KEY}");
    let mut c = connect_with(&srv, V1ALPHA, "", &[("authorization", &token)]).expect("upgrade");
    c.send(&setup_msg());
    assert_eq!(
        c.close_code().0,
        1008,
        "a token is not a key on the plain method"
    );
    let mut c = connect_with(&srv, CONSTRAINED, "", &[("authorization", &token)]).expect("upgrade");
    c.setup(text_setup());
    let q = format!("access_token={KEY}");
    let mut c = connect_with(&srv, CONSTRAINED, &q, &[]).expect("upgrade");
    c.setup(text_setup());
    let mut c = connect_with(&srv, CONSTRAINED, "access_token=nope", &[]).expect("upgrade");
    c.send(&setup_msg());
    assert_eq!(c.close_code().0, 1007);
}

#[test]
fn wrong_path_is_404() {
    let srv = server(keyed());
    let err = connect_with(&srv, "/ws/somewhere/else", "", &[])
        .err()
        .expect("refused");
    match err {
        tungstenite::Error::Http(resp) => assert_eq!(resp.status().as_u16(), 404),
        other => panic!("expected HTTP 404, got {other}"),
    }
    assert_eq!(srv.connections()[0].path, "/ws/somewhere/else");
}

#[test]
fn proactivity_is_unknown_on_v1beta() {
    let srv = server(keyed());
    let mut c = connect_with(&srv, V1BETA, "", &[("x-goog-api-key", KEY)]).expect("upgrade");
    c.send(&json!({"setup": {"model": MODEL, "proactivity": {"proactiveAudio": true}}}));
    assert_eq!(
        c.close_code(),
        (1007, "Invalid JSON payload received. Unknown name \"proactivity\" at 'setup': Cannot find field.".into())
    );
}

#[test]
fn binary_client_frames_are_json_too() {
    let srv = server(keyed());
    let mut c = connect(&srv);
    c.ws.send(Message::binary(setup_msg().to_string().into_bytes()))
        .expect("send");
    assert_eq!(c.msg(), json!({"setupComplete": {}}));
}
