//! Every typed event field accessor from C (`tests/c/fields/`), on real events of the fake
//! and of a replayed script.

use super::build::{fake, program, LIMIT};
use crate::c::support::{expect_success, run};
use gemini_live::fake::{FakeOptions, FakeServer};
use std::time::Duration;

/// The server frames `tests/c/fields.c` reads from a replay server: fields the fake never
/// sends (a session id, voice activity, VAD signals, a language code, a turn-complete reason,
/// detailed usage).
const SCRIPT: [&str; 9] = [
    r#"{"setupComplete":{"sessionId":"sess-42"}}"#,
    r#"{"voiceActivity":{"type":"ACTIVITY_START","audioOffset":"1.5s"}}"#,
    r#"{"voiceActivity":{"type":"ACTIVITY_END"}}"#,
    r#"{"voiceActivityDetectionSignal":{"vadSignalType":"VAD_SIGNAL_TYPE_SOS"}}"#,
    r#"{"voiceActivityDetectionSignal":{"vadSignalType":"VAD_SIGNAL_TYPE_EOS"}}"#,
    r#"{"voiceActivityDetectionSignal":{"vadSignalType":"VAD_SIGNAL_TYPE_FUTURE"}}"#,
    r#"{"serverContent":{"inputTranscription":{"text":"hallo","languageCode":"de-DE"}}}"#,
    r#"{"serverContent":{"modelTurn":{"parts":[{"text":"hi"}]}}}"#,
    r#"{"serverContent":{"turnComplete":true,"turnCompleteReason":"NEED_MORE_INPUT"},"usageMetadata":{"promptTokenCount":3,"cachedContentTokenCount":1,"thoughtsTokenCount":2,"totalTokenCount":9,"promptTokensDetails":[{"modality":"TEXT","tokenCount":3}],"cacheTokensDetails":[{"modality":"AUDIO","tokenCount":1}]}}"#,
];

/// The 1-based position of the first `turnComplete` among the server messages of a
/// fault-free text turn.
fn turn_complete_position() -> usize {
    use gemini_live::{Config, Event, ResponseMode, Session};
    let server = fake();
    let c = Config::default()
        .with_endpoint(server.endpoint())
        .with_response_mode(ResponseMode::Text)
        .with_model(gemini_live::fake::TEXT_MODEL);
    let s = Session::connect(c).expect("connects");
    s.send_text("one").expect("sends");
    while let Ok(Some(ev)) = s.next_event(Duration::from_secs(10)) {
        if matches!(ev, Event::TurnComplete { .. }) {
            break;
        }
    }
    s.close().expect("closes");
    let sent = server.connections()[0].sent.clone();
    sent.iter()
        .position(|m| m.contains("turnComplete"))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("no turnComplete in {sent:#?}"))
}

/// Every typed event field accessor from C (`tests/c/fields.c`), as C99 and as C++: on real
/// events of the fake (faults provoke GoAway, reconnection, resumed and new sessions, a void
/// reply, lost context, dropped input) and of a replayed script, each agrees with the event's
/// JSON and refuses the other kinds.
#[test]
fn typed_event_fields_from_c_agree_with_the_json() {
    use gemini_live::fake::replay::{RecordedFrame, Recording, ReplayOptions, ReplayServer};
    use gemini_live::fake::{Fault, FaultPlan};
    let at = turn_complete_position();
    for name in ["fields", "fields_cpp"] {
        let lost = FakeServer::start(FakeOptions {
            faults: FaultPlan::new().after_server(1, at, Fault::Drop),
            ..FakeOptions::default()
        })
        .expect("the fake server starts");
        let restored = FakeServer::start(FakeOptions {
            faults: FaultPlan::new().after_server(1, at, Fault::Drop),
            ..FakeOptions::default()
        })
        .expect("the fake server starts");
        // The setup fields.c's scripted session sends (text, no reconnection, no
        // resumption): the replay compares each client frame with the recording.
        let mut setup =
            gemini_live::Config::default().with_response_mode(gemini_live::ResponseMode::Text);
        setup.model = gemini_live::fake::TEXT_MODEL.to_string();
        setup.reconnect.enabled = false;
        setup.session_resumption = false;
        let setup =
            gemini_live::protocol::ClientMessage::Setup(Box::new(setup.setup_message(None)));
        let mut frames = vec![RecordedFrame {
            t: 0.0,
            from_client: true,
            text: gemini_live::protocol::encode_client(&setup),
        }];
        frames.extend(SCRIPT.iter().map(|f| RecordedFrame {
            t: 0.0,
            from_client: false,
            text: (*f).into(),
        }));
        let script = ReplayServer::start(
            Recording {
                connections: vec![frames],
            },
            ReplayOptions {
                fast: true,
                ..ReplayOptions::default()
            },
        )
        .expect("the replay server starts");
        let mut cmd = program(name);
        cmd.env("GEMINI_LIVE_FIELDS_CONTEXT_LOST", lost.endpoint())
            .env("GEMINI_LIVE_FIELDS_CONTEXT_RESTORED", restored.endpoint())
            .env("GEMINI_LIVE_FIELDS_SCRIPTED", script.endpoint());
        let stdout = expect_success(name, &run(cmd, LIMIT));
        assert!(stdout.contains("fields: ALL OK"), "{stdout}");
        assert!(
            stdout.contains("fields: 3 VAD signals, 2 voice activities"),
            "{stdout}"
        );
        assert_eq!(script.mismatches(), 0, "{:?}", script.first_mismatch());
        script.shutdown();
    }
}
