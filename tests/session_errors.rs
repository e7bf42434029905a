//! Failures are classified, reported with the server's words, and never panic.

mod common;

use common::*;
use gemini_live::fake::{FakeOptions, Fault, FaultPlan};
use gemini_live::{Config, Error, Event, Phase, ResponseMode, Session};
use std::time::{Duration, Instant};

#[test]
fn bad_api_key_is_a_fatal_1007_with_the_reason() {
    let server = fake_with(FakeOptions {
        api_key: Some("right-key".into()),
        ..FakeOptions::default()
    });
    let c = config(&server, ResponseMode::Text).with_api_key("wrong-key");
    let err = Session::connect(c).unwrap_err();
    match &err {
        Error::Closed { code: 1007, reason } => {
            assert!(reason.contains("API key not valid"), "{reason}")
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.is_retryable());
    assert!(!err.to_string().contains("wrong-key"));
    // The right key works, and it travels in the header, not the URL.
    let ok =
        Session::connect(config(&server, ResponseMode::Text).with_api_key("right-key")).unwrap();
    drop(ok);
    let rec = server.connections().pop().unwrap();
    assert!(rec
        .headers
        .iter()
        .any(|(k, v)| k == "x-goog-api-key" && v == "right-key"));
    assert!(!rec.query.contains("right-key") && !rec.path.contains("right-key"));
}

#[test]
fn unknown_model_is_model_not_found_naming_the_model() {
    let server = fake();
    let c = config(&server, ResponseMode::Text).with_model("gemini-1.0-pro");
    let err = Session::connect(c).unwrap_err();
    match &err {
        Error::ModelNotFound {
            model,
            reason,
            current,
        } => {
            assert_eq!(model, "gemini-1.0-pro");
            // The advice names the Developer API's current models, carried in the error.
            let want = gemini_live::models::recommended(gemini_live::models::Api::Developer);
            assert_eq!(current, &want);
            assert!(
                reason.contains("is not found for API version v1beta"),
                "{reason}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(!err.is_retryable());
    assert!(err.to_string().contains("GEMINI_LIVE_MODEL"));
}

#[test]
fn server_close_1007_mid_session_is_reported_as_fatal() {
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new().at(
            1,
            2,
            Fault::Close {
                code: 1007,
                reason: "Request contains an invalid argument.".into(),
            },
        ),
        ..FakeOptions::default()
    });
    let s = Session::connect(config(&server, ResponseMode::Text)).unwrap();
    s.send_text("boom").unwrap();
    match closed(&s) {
        Event::Closed {
            code: 1007,
            reason,
            error: Some(e),
        } => {
            assert_eq!(reason, "Request contains an invalid argument.");
            assert!(!e.is_retryable());
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(s.send_text("more"), Err(Error::SessionClosed));
}

#[test]
fn server_close_1011_is_retryable() {
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new().at(
            1,
            2,
            Fault::Close {
                code: 1011,
                reason: "Internal error occurred.".into(),
            },
        ),
        ..FakeOptions::default()
    });
    let mut c = config(&server, ResponseMode::Text);
    disable_reconnect(&mut c);
    let s = Session::connect(c).unwrap();
    s.send_text("boom").unwrap();
    match closed(&s) {
        Event::Closed {
            code: 1011,
            error: Some(e),
            ..
        } => assert!(e.is_retryable()),
        other => panic!("{other:?}"),
    }
}

#[test]
fn dropped_connection_is_reported_as_lost() {
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new().at(1, 2, Fault::Drop),
        ..FakeOptions::default()
    });
    let mut c = config(&server, ResponseMode::Text);
    disable_reconnect(&mut c);
    let s = Session::connect(c).unwrap();
    s.send_text("bye").unwrap();
    match closed(&s) {
        Event::Closed {
            code: 1006,
            error: Some(e),
            ..
        } => assert!(e.is_retryable(), "{e:?}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn malformed_frame_is_an_error_event_not_a_panic() {
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new().at(1, 2, Fault::Malformed),
        ..FakeOptions::default()
    });
    let s = Session::connect(config(&server, ResponseMode::Text)).unwrap();
    s.send_text("x").unwrap();
    let mut saw_error = false;
    while let Ok(Some(ev)) = s.next_event(Duration::from_secs(2)) {
        match ev {
            Event::Error(Error::Protocol(m)) => {
                assert!(m.contains("malformed"), "{m}");
                saw_error = true;
            }
            Event::TurnComplete { .. } | Event::Closed { .. } => break,
            _ => {}
        }
        if saw_error {
            break;
        }
    }
    assert!(saw_error);
    assert_eq!(s.metrics().decode_errors, 1);
}

#[test]
fn refused_upgrade_reports_the_http_status() {
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new().on_upgrade(1, Fault::RefuseUpgrade { status: 503 }),
        ..FakeOptions::default()
    });
    let mut c = config(&server, ResponseMode::Text);
    disable_reconnect(&mut c);
    let err = Session::connect(c).unwrap_err();
    assert!(matches!(err, Error::Http { status: 503, .. }), "{err:?}");
    assert!(err.is_retryable());
}

#[test]
fn connect_times_out_against_a_listener_that_never_answers() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let mut c = Config::default().with_endpoint(format!("ws://{}", listener.local_addr().unwrap()));
    c.timeouts.connect_total = Duration::from_millis(300);
    disable_reconnect(&mut c);
    let t = Instant::now();
    let err = Session::connect(c).unwrap_err();
    assert_eq!(err, Error::Timeout(Phase::Upgrade));
    assert!(err.is_retryable());
    assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
}

#[test]
fn connection_refused_is_a_retryable_io_error() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut c = Config::default().with_endpoint(format!("ws://127.0.0.1:{port}"));
    c.reconnect.max_attempts = 2;
    let err = Session::connect(c).unwrap_err();
    // The first connect retried within its budget, then said so.
    let Error::RetriesExhausted { last, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(
        matches!(
            **last,
            Error::Io {
                phase: Some(Phase::TcpConnect),
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.is_retryable());
}

#[test]
fn invalid_config_is_rejected_before_connecting() {
    let err = Session::connect(Config::default()).unwrap_err();
    assert!(
        matches!(err, Error::InvalidSetting { .. } | Error::InvalidConfig(_)),
        "{err:?}"
    );
}

#[test]
fn full_send_queue_returns_would_block() {
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new().at(1, 2, Fault::Freeze),
        ..FakeOptions::default()
    });
    let mut c = config(&server, ResponseMode::Audio);
    c.send_queue_capacity = 2;
    c.timeouts.send = Duration::from_millis(200);
    let s = Session::connect(c).unwrap();
    let chunk = vec![0u8; 512 * 1024];
    let mut blocked = false;
    for _ in 0..200 {
        match s.try_send_audio_bytes_rate(&chunk, 16_000) {
            Ok(()) => {}
            Err(Error::WouldBlock) => {
                blocked = true;
                break;
            }
            Err(e) => panic!("{e:?}"),
        }
    }
    assert!(blocked, "100 MB went out to a server that reads nothing");
    // The blocking variant gives up after the send timeout instead of hanging. (The writer
    // may still squeeze a chunk into the kernel's buffers, so a few sends may succeed first.)
    let mut timed_out = false;
    for _ in 0..50 {
        let t = Instant::now();
        match s.send_audio_bytes(&chunk) {
            Ok(()) => {}
            Err(Error::SendTimeout) => {
                assert!(
                    t.elapsed() >= Duration::from_millis(190),
                    "{:?}",
                    t.elapsed()
                );
                assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
                timed_out = true;
                break;
            }
            Err(e) => panic!("{e:?}"),
        }
    }
    assert!(timed_out);
    let t = Instant::now();
    s.close().unwrap();
    assert!(
        t.elapsed() < Duration::from_secs(4),
        "close took {:?}",
        t.elapsed()
    );
}

#[test]
fn oversized_messages_are_refused() {
    let server = fake();
    let mut c = config(&server, ResponseMode::Text);
    c.max_message_size = 4096;
    let s = Session::connect(c).unwrap();
    let err = s.send_text(&"x".repeat(5000)).unwrap_err();
    assert!(
        matches!(err, Error::MessageTooLarge { max: 4096, .. }),
        "{err:?}"
    );
}

/// Reconnection would hide the close these tests look at.
fn disable_reconnect(c: &mut Config) {
    c.reconnect.enabled = false;
}
