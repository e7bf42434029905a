//! The wire recorder and the replay server: a session recorded against the fake, replayed
//! through `fake::replay`, gives the same events; no secret reaches a recording; summarised
//! audio replays as silence of the same length.

mod common;

use gemini_live::fake::replay::{Recording, ReplayOptions, ReplayServer};
use gemini_live::fake::FakeOptions;
use gemini_live::record::{AudioRecording, Recorder};
use gemini_live::{Auth, Config, Event, ResponseMode, Secret, Session};
use std::path::PathBuf;
use std::time::Duration;

const KEY: &str = "AIzaRECORDERTESTKEY0123456789abcdef";

fn temp(name: &str) -> PathBuf {
    std::env::temp_dir().join(format!("gemini-live-{}-{name}.jsonl", std::process::id()))
}

/// What the application sees, minus what depends on timing alone.
fn project(ev: &Event) -> Option<String> {
    match ev {
        Event::StateChanged(_) | Event::Closed { .. } => None,
        other => Some(format!("{other:?}")),
    }
}

/// Three turns: text, 0.4 s of streamed audio, and one the fake interrupts.
fn script(config: Config) -> Vec<String> {
    let session = Session::connect(config).expect("connects");
    let mut seen = Vec::new();
    let mut collect = |t: common::Turn| seen.extend(t.events.iter().filter_map(project));
    session.send_text("hello there").unwrap();
    collect(common::turn(&session));
    let samples: Vec<i16> = (0..6400).map(|i| ((i * 37) % 2000) as i16 - 1000).collect();
    for c in samples.chunks(320) {
        session.send_audio(c).unwrap();
    }
    session.audio_stream_end().unwrap();
    collect(common::turn(&session));
    session.send_text("interrupt me").unwrap();
    collect(common::turn(&session));
    session.close().unwrap();
    seen
}

/// A replay server of `recording`, `fast` or at the recorded pace.
fn replay_server(recording: Recording, fast: bool) -> ReplayServer {
    ReplayServer::start(
        recording,
        ReplayOptions {
            fast,
            ..ReplayOptions::default()
        },
    )
    .expect("the replay server starts")
}

fn recorded_config(endpoint: &str, auth: Auth, recorder: Option<Recorder>) -> Config {
    let mut c = Config::default()
        .with_endpoint(endpoint)
        .with_response_mode(ResponseMode::Audio);
    c.output_transcription = true;
    c.auth = auth;
    c.recorder = recorder;
    c
}

#[test]
fn a_recorded_session_replays_with_the_same_events() {
    let server = common::fake_with(FakeOptions {
        api_key: Some(KEY.to_string()),
        ..FakeOptions::default()
    });
    let path = temp("replay");
    let recorder = Recorder::create(&path, AudioRecording::Keep).unwrap();
    let live = script(recorded_config(
        &server.endpoint(),
        Auth::ApiKey(Secret::new(KEY)),
        Some(recorder.clone()),
    ));
    assert!(live.iter().any(|e| e.contains("Interrupted")));
    assert!(live.iter().any(|e| e.starts_with("Audio(")));
    assert!(recorder.frames() > 20);
    assert_eq!(recorder.write_errors(), 0);

    let recording = Recording::load(&path).unwrap();
    assert_eq!(recording.connections.len(), 1);
    let replay = replay_server(recording, true);
    let again = script(recorded_config(&replay.endpoint(), Auth::None, None));
    assert_eq!(live, again);
    assert_eq!(replay.mismatches(), 0);
    assert_eq!(replay.connections(), 1);
    replay.shutdown();

    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains(KEY), "the API key is in the recording");
    assert!(!text.to_ascii_lowercase().contains("x-goog-api-key"));
    // Every line is JSON with a direction and a timestamp; the first is the header.
    let mut lines = text.lines();
    let header: serde_json::Value = serde_json::from_str(lines.next().unwrap()).unwrap();
    assert_eq!(header["gemini_live_recording"], 1);
    assert_eq!(header["audio"], "keep");
    for l in lines {
        let v: serde_json::Value = serde_json::from_str(l).unwrap();
        assert!(v["t"].is_f64() || v["t"].is_u64(), "{l}");
        assert!(["connect", "send", "recv"].contains(&v["dir"].as_str().unwrap()));
    }
    let _ = std::fs::remove_file(&path);
}

#[test]
fn no_secret_reaches_a_recording_even_when_a_frame_carries_it() {
    for auth in [
        Auth::ApiKey(Secret::new(KEY)),
        Auth::EphemeralToken(Secret::new(format!("auth_tokens/{KEY}"))),
    ] {
        let server = common::fake_with(FakeOptions {
            api_key: Some(match &auth {
                Auth::EphemeralToken(t) => t.expose().to_string(),
                _ => KEY.to_string(),
            }),
            ..FakeOptions::default()
        });
        let path = temp("secret");
        let recorder = Recorder::create(&path, AudioRecording::Keep).unwrap();
        let mut config = recorded_config(&server.endpoint(), auth, Some(recorder));
        config.response_mode = ResponseMode::Text;
        config.model = gemini_live::fake::TEXT_MODEL.into();
        if matches!(config.auth, Auth::EphemeralToken(_)) {
            config.api_version = "v1alpha".into();
        }
        let secret = match &config.auth {
            Auth::ApiKey(s) | Auth::EphemeralToken(s) => s.expose().to_string(),
            _ => unreachable!(),
        };
        let session = Session::connect(config).unwrap();
        // The user pastes the secret into the chat: the fake echoes it back.
        session.send_text(&format!("my key is {secret}")).unwrap();
        let t = common::turn(&session);
        assert!(t.text.contains(&secret), "the fake echoed the text");
        session.close().unwrap();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains(KEY), "a secret is in the recording");
        assert!(text.contains("my key is [REDACTED]"));
        assert!(!text.contains("Token "));
        let _ = std::fs::remove_file(&path);
    }
}

#[test]
fn summarised_audio_replays_as_silence_of_the_same_length() {
    let server = common::fake();
    let path = temp("summary");
    let recorder = Recorder::create(&path, AudioRecording::Summary).unwrap();
    let config = recorded_config(&server.endpoint(), Auth::None, Some(recorder));
    let session = Session::connect(config).unwrap();
    session.send_text("say something").unwrap();
    let live = common::turn(&session);
    session.close().unwrap();
    assert!(!live.audio.is_empty());

    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("\"summary\""));
    assert!(
        text.lines().all(|l| l.len() < 4000),
        "no long base64 is kept"
    );
    let replay = replay_server(Recording::load(&path).unwrap(), true);
    let session = Session::connect(recorded_config(&replay.endpoint(), Auth::None, None)).unwrap();
    session.send_text("say something").unwrap();
    let again = common::turn(&session);
    session.close().unwrap();
    assert_eq!(again.output_transcript, live.output_transcript);
    assert_eq!(again.audio.len(), live.audio.len());
    assert!(again.audio.iter().all(|&b| b == 0));
    let _ = std::fs::remove_file(&path);
}

#[test]
fn recorded_pacing_is_kept_unless_fast() {
    // A hand-written recording: the server answers 300 ms after the client's setup.
    let rec = format!(
        "{}\n{}\n{}\n{}\n",
        r#"{"gemini_live_recording":1,"created_unix_ms":0,"audio":"keep","library":"x"}"#,
        r#"{"t":0.0,"dir":"connect","conn":1,"url":"ws://x/ws"}"#,
        r#"{"t":0.01,"dir":"send","conn":1,"frame":{"setup":{"model":"models/m"}}}"#,
        r#"{"t":0.31,"dir":"recv","conn":1,"frame":{"setupComplete":{}}}"#,
    );
    let recording = Recording::parse(rec.as_bytes()).unwrap();
    assert_eq!(recording.connections[0].len(), 2);
    for fast in [false, true] {
        let replay = replay_server(recording.clone(), fast);
        let started = std::time::Instant::now();
        let session =
            Session::connect(recorded_config(&replay.endpoint(), Auth::None, None)).unwrap();
        let took = started.elapsed();
        session.close().unwrap();
        // Reported rather than asserted tightly: the paced connect waits for the gap.
        eprintln!("replay fast={fast}: connect took {took:?}");
        if !fast {
            assert!(took >= Duration::from_millis(300), "took {took:?}");
        }
    }
}

#[test]
fn malformed_recordings_are_refused_with_the_line_number() {
    let err = Recording::parse("not json\n".as_bytes()).unwrap_err();
    assert!(err.to_string().contains("line 1"), "{err}");
    let err = Recording::parse(
        "{\"gemini_live_recording\":1}\n{\"t\":0,\"dir\":\"sideways\",\"conn\":1}\n".as_bytes(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("line 2"), "{err}");
    let err = Recording::parse("{\"gemini_live_recording\":9}\n".as_bytes()).unwrap_err();
    assert!(err.to_string().contains("not supported"), "{err}");
}

#[test]
fn a_recording_with_a_reconnection_replays_through_the_same_reconnection() {
    // The fake drops connection 1 on the second text (message 3, setup counting as 1): the
    // session reconnects, resumes and replays it; the recording holds both connections.
    let server = common::fake_with(FakeOptions {
        faults: gemini_live::fake::FaultPlan::new().at(1, 3, gemini_live::fake::Fault::Drop),
        ..FakeOptions::default()
    });
    let path = temp("reconnect");
    let recorder = Recorder::create(&path, AudioRecording::Keep).unwrap();
    let run = |config: Config| {
        let session = Session::connect(config).expect("connects");
        let mut texts = Vec::new();
        for line in ["first", "second", "third"] {
            session.send_text(line).unwrap();
            texts.push(common::turn(&session).text);
        }
        session.close().unwrap();
        texts
    };
    let mut config = recorded_config(&server.endpoint(), Auth::None, Some(recorder));
    config.response_mode = ResponseMode::Text;
    config.model = gemini_live::fake::TEXT_MODEL.into();
    let live = run(config);
    assert_eq!(server.connection_count(), 2);
    let recording = Recording::load(&path).unwrap();
    assert_eq!(recording.connections.len(), 2);
    let replay = replay_server(recording, true);
    let mut config = recorded_config(&replay.endpoint(), Auth::None, None);
    config.response_mode = ResponseMode::Text;
    config.model = gemini_live::fake::TEXT_MODEL.into();
    assert_eq!(run(config), live);
    assert_eq!(replay.connections(), 2);
    assert_eq!(replay.mismatches(), 0);
    let _ = std::fs::remove_file(&path);
}

#[test]
fn different_audio_is_noticed_through_a_summarised_recording() {
    let server = common::fake();
    let path = temp("audio-differs");
    let recorder = Recorder::create(&path, AudioRecording::Summary).unwrap();
    // The events of one audio turn, up to its completion or the session's end.
    let send = |config: Config, level: i16| {
        let session = Session::connect(config)?;
        let _ = session.send_audio(&[level; 3200]);
        let _ = session.audio_stream_end();
        let mut events = Vec::new();
        while let Some(ev) = session.next_event(Duration::from_secs(20))? {
            let end = matches!(ev, Event::TurnComplete { .. } | Event::Closed { .. });
            events.push(ev);
            if end {
                break;
            }
        }
        let _ = session.close();
        Ok::<_, gemini_live::Error>(events)
    };
    send(
        recorded_config(&server.endpoint(), Auth::None, Some(recorder)),
        100,
    )
    .unwrap();
    let recording = Recording::load(&path).unwrap();
    for (level, strict) in [(100, true), (200, false), (200, true)] {
        let replay = ReplayServer::start(
            recording.clone(),
            ReplayOptions {
                fast: true,
                strict,
                ..ReplayOptions::default()
            },
        )
        .unwrap();
        let mut config = recorded_config(&replay.endpoint(), Auth::None, None);
        config.reconnect.enabled = false;
        let result = send(config, level);
        if level == 100 {
            let events = result.unwrap();
            assert!(
                matches!(events.last(), Some(Event::TurnComplete { .. })),
                "{events:?}"
            );
            assert_eq!(replay.mismatches(), 0);
            assert_eq!(replay.first_mismatch(), None);
            continue;
        }
        let first = replay.first_mismatch().expect("the difference is kept");
        assert!(first.contains("realtimeInput"), "{first}");
        assert!(first.contains("fnv1a64"), "{first}");
        if strict {
            let (code, reason) = result
                .as_ref()
                .ok()
                .and_then(|events| {
                    events.iter().find_map(|e| match e {
                        Event::Closed { code, reason, .. } => Some((*code, reason.clone())),
                        _ => None,
                    })
                })
                .unwrap_or_else(|| panic!("closed by the replay: {result:?}"));
            assert_eq!(code, 1007, "{reason}");
            assert!(
                reason.starts_with("replay mismatch at `realtimeInput"),
                "{reason}"
            );
        }
    }
    let _ = std::fs::remove_file(&path);
}
