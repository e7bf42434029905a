//! The core conversation paths against the fake server, over ws:// and wss://.

mod common;

use common::*;
use gemini_live::fake::{fnv1a64, FakeOptions};
use gemini_live::protocol::FunctionResponse;
use gemini_live::{Event, ResponseMode, Session};
use std::time::Duration;

#[test]
fn text_turn_streams_the_echo_in_parts() {
    let server = fake();
    let s = Session::connect(config(&server, ResponseMode::Text)).unwrap();
    s.send_text("hello there").unwrap();
    let t = turn(&s);
    assert_eq!(t.text, "[turn 1] echo: hello there");
    let parts = t
        .events
        .iter()
        .filter(|e| matches!(e, Event::Text(_)))
        .count();
    assert!(parts >= 2, "the reply came in {parts} parts");
    assert!(t
        .events
        .iter()
        .any(|e| matches!(e, Event::GenerationComplete)));
    match t.events.last() {
        Some(Event::TurnComplete { usage: Some(u), .. }) => {
            assert!(u.total_token_count.unwrap_or(0) > 0)
        }
        other => panic!("turn ended with {other:?}"),
    }
    s.send_text("again").unwrap();
    assert_eq!(turn(&s).text, "[turn 2] echo: again");
    s.close().unwrap();
    assert_eq!(s.state(), gemini_live::State::Closed);
}

#[test]
fn text_turn_over_tls_with_an_extra_root_ca() {
    let server = fake_with(FakeOptions {
        tls: true,
        ..FakeOptions::default()
    });
    assert!(server.endpoint().starts_with("wss://"));
    let s = Session::connect(config(&server, ResponseMode::Text)).unwrap();
    assert!(s.metrics().connect.tls > Duration::ZERO);
    s.send_text("secure").unwrap();
    assert_eq!(turn(&s).text, "[turn 1] echo: secure");
}

#[test]
fn tls_without_the_root_ca_is_refused_as_fatal() {
    let server = fake_with(FakeOptions {
        tls: true,
        ..FakeOptions::default()
    });
    let mut c = config(&server, ResponseMode::Text);
    c.extra_root_ca_pem = None;
    let err = Session::connect(c).unwrap_err();
    assert!(matches!(err, gemini_live::Error::Tls(_)), "{err:?}");
    assert!(!err.is_retryable());
}

#[test]
fn audio_turn_reply_names_the_checksum_of_what_was_sent() {
    let server = fake();
    let s = Session::connect(config(&server, ResponseMode::Audio)).unwrap();
    let pcm = tone(500, 440.0);
    for chunk in pcm.chunks(640) {
        s.send_audio_bytes(chunk).unwrap();
    }
    s.audio_stream_end().unwrap();
    let t = turn(&s);
    let expected = format!(
        "[turn 1] heard {} bytes of audio, checksum {:016x}",
        pcm.len(),
        fnv1a64(&pcm)
    );
    assert_eq!(t.output_transcript, expected);
    assert!(!t.audio.is_empty() && t.audio.len().is_multiple_of(2));
    assert!(t
        .events
        .iter()
        .any(|e| matches!(e, Event::Audio(a) if a.sample_rate == 24_000)));
    assert!(
        !t.input_transcript.is_empty(),
        "input transcription is on by default"
    );
}

#[test]
fn samples_and_rates_are_sent_as_labelled() {
    let server = fake();
    let s = Session::connect(config(&server, ResponseMode::Audio)).unwrap();
    let samples: Vec<i16> = (0..960).map(|i| (i * 7) as i16).collect();
    s.send_audio_rate(&samples, 48_000).unwrap();
    s.audio_stream_end().unwrap();
    turn(&s);
    let frames = &server.connections()[0].frames;
    assert!(
        frames.iter().any(|f| f.contains("audio/pcm;rate=48000")),
        "{frames:?}"
    );
}

#[test]
fn text_and_audio_mode_delivers_both() {
    let server = fake();
    let s = Session::connect(config(&server, ResponseMode::TextAndAudio)).unwrap();
    s.send_text("both please").unwrap();
    let t = turn(&s);
    assert_eq!(t.text, "[turn 1] echo: both please");
    assert!(!t.audio.is_empty());
    let setup = &server.connections()[0].frames[0];
    assert!(
        setup.contains(r#""responseModalities":["AUDIO"]"#),
        "{setup}"
    );
    assert!(
        setup.contains(r#""outputAudioTranscription":{}"#),
        "{setup}"
    );
}

#[test]
fn tool_call_round_trip() {
    let server = fake();
    let s = Session::connect(config(&server, ResponseMode::Text)).unwrap();
    s.send_text(r#"call tool get_weather with {"city": "Paris"}"#)
        .unwrap();
    let call = loop {
        match s.next_event(Duration::from_secs(5)).unwrap().unwrap() {
            Event::ToolCall(calls) => break calls[0].clone(),
            Event::TurnComplete { .. } => panic!("turn ended without a tool call"),
            _ => {}
        }
    };
    assert_eq!(call.name, "get_weather");
    assert_eq!(call.args["city"], "Paris");
    s.send_tool_response(vec![weather_response(&call)]).unwrap();
    let t = turn(&s);
    assert!(t.text.contains("get_weather"), "{}", t.text);
    assert!(t.text.contains("21"), "{}", t.text);
}

#[test]
fn tool_response_without_id_is_refused_locally() {
    let server = fake();
    let s = Session::connect(config(&server, ResponseMode::Text)).unwrap();
    let err = s
        .send_tool_response(vec![FunctionResponse {
            name: "f".into(),
            ..Default::default()
        }])
        .unwrap_err();
    assert!(matches!(err, gemini_live::Error::InvalidInput(_)));
}

#[test]
fn realtime_text_gets_a_reply() {
    let server = fake();
    let s = Session::connect(config(&server, ResponseMode::Text)).unwrap();
    s.send_realtime_text("typed").unwrap();
    assert_eq!(turn(&s).text, "[turn 1] echo: typed");
}

#[test]
fn unknown_server_message_is_surfaced_and_ignored() {
    let server = fake();
    let s = Session::connect(config(&server, ResponseMode::Text)).unwrap();
    s.send_text("send unknown").unwrap();
    let t = turn(&s);
    assert!(t
        .events
        .iter()
        .any(|e| matches!(e, Event::Unknown { key, .. } if key == "someFutureMessage")));
    assert_eq!(t.text, "[turn 1] echo: send unknown");
}

#[test]
fn interrupted_and_usage_only_messages_become_events() {
    let server = fake();
    let s = Session::connect(config(&server, ResponseMode::Text)).unwrap();
    s.send_text("interrupt me").unwrap();
    assert!(turn(&s)
        .events
        .iter()
        .any(|e| matches!(e, Event::Interrupted)));
    s.send_text("usage only").unwrap();
    assert!(turn(&s).events.iter().any(|e| matches!(e, Event::Usage(_))));
}

#[test]
fn resumption_handles_are_tracked() {
    let server = fake();
    let s = Session::connect(config(&server, ResponseMode::Text)).unwrap();
    s.send_text("one").unwrap();
    turn(&s);
    // The handle issued after the turn arrives right after turnComplete.
    let mut handle = None;
    while handle.is_none() {
        match s.next_event(Duration::from_secs(5)).unwrap().unwrap() {
            Event::ResumptionUpdate {
                handle: Some(h), ..
            } => handle = Some(h),
            Event::ResumptionUpdate { .. } => {}
            other => panic!("unexpected {other:?}"),
        }
    }
    assert_eq!(s.resumption_handle(), handle);
}

#[test]
fn two_sessions_at_once_are_independent() {
    let server = fake();
    let a = Session::connect(config(&server, ResponseMode::Text)).unwrap();
    let b = Session::connect(config(&server, ResponseMode::Text)).unwrap();
    a.send_text("from a").unwrap();
    b.send_text("from b").unwrap();
    assert_eq!(turn(&b).text, "[turn 1] echo: from b");
    assert_eq!(turn(&a).text, "[turn 1] echo: from a");
}

#[test]
fn one_thread_sends_while_another_reads() {
    let server = fake();
    let s = Session::connect(config(&server, ResponseMode::Audio)).unwrap();
    let pcm = tone(1000, 300.0);
    std::thread::scope(|scope| {
        scope.spawn(|| {
            for chunk in pcm.chunks(640) {
                s.send_audio_bytes(chunk).unwrap();
            }
            s.audio_stream_end().unwrap();
        });
        let t = turn(&s);
        assert!(t
            .output_transcript
            .contains(&format!("{:016x}", fnv1a64(&pcm))));
    });
}

#[test]
fn invalid_input_is_refused_before_sending() {
    let server = fake();
    let s = Session::connect(config(&server, ResponseMode::Audio)).unwrap();
    assert!(matches!(
        s.send_audio_bytes(&[1, 2, 3]),
        Err(gemini_live::Error::InvalidInput(_))
    ));
    assert!(matches!(
        s.send_audio_bytes(&[]),
        Err(gemini_live::Error::InvalidInput(_))
    ));
    assert!(matches!(
        s.activity_start(),
        Err(gemini_live::Error::InvalidInput(_))
    ));
    assert!(matches!(
        s.send_audio_rate(&[0; 10], 7),
        Err(gemini_live::Error::InvalidInput(_))
    ));
    // Nothing of that reached the server: the session is still fine.
    s.send_text("still here").unwrap();
    assert!(turn(&s).output_transcript.contains("still here"));
}

#[test]
fn sends_after_close_fail_and_close_twice_is_fine() {
    let server = fake();
    let s = Session::connect(config(&server, ResponseMode::Text)).unwrap();
    s.close().unwrap();
    s.close().unwrap();
    assert_eq!(s.send_text("late"), Err(gemini_live::Error::SessionClosed));
    assert!(matches!(
        closed(&s),
        Event::Closed {
            code: 1000,
            error: None,
            ..
        }
    ));
    assert_eq!(
        s.next_event(Duration::from_millis(10)),
        Err(gemini_live::Error::SessionClosed)
    );
}
