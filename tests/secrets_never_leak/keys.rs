//! API keys and ephemeral tokens: through connect, a conversation, a wrong key,
//! reconnections, refusals and invalid settings; and the C ABI's detail texts.

use crate::common::*;
use crate::{
    assert_clean, check_wire, finish_turn, install, keyed_config, keyed_fake, record_error,
    record_event, record_session, saw, KEY, SEEN, TOKEN, WRONG_KEY, WRONG_TOKEN,
};
use gemini_live::fake::{FakeOptions, Fault, FaultPlan};
use gemini_live::{Auth, Config, Error, Secret, Session};
use std::time::Duration;

#[test]
fn secrets_never_appear_in_logs_debug_errors_urls_or_panics() {
    install();

    // 1. A conversation with an API key through a drop, a 1011 and a GoAway handover.
    let plan = FaultPlan::new()
        .at(1, 3, Fault::Drop)
        .at(
            2,
            3,
            Fault::Close {
                code: 1011,
                reason: "Internal error occurred.".into(),
            },
        )
        .at(
            3,
            3,
            Fault::GoAway {
                time_left: Duration::from_millis(500),
                then_close_after: Some(Duration::from_secs(1)),
            },
        );
    let server = keyed_fake(KEY, plan);
    let c = keyed_config(&server, Auth::ApiKey(Secret::new(KEY)));
    let s = Session::connect(c).expect("connects with the right key");
    record_session(&s);
    for i in 0..4 {
        s.send_text(&format!("turn {i}")).unwrap();
        let text = finish_turn(&s);
        assert!(text.ends_with(&format!("echo: turn {i}")), "{text}");
        record_session(&s);
    }
    let pcm = tone(200, 440.0);
    s.send_audio_bytes(&pcm).unwrap();
    s.audio_stream_end().unwrap();
    finish_turn(&s);
    assert!(s.metrics().reconnects >= 3, "{:?}", s.metrics());
    s.close().unwrap();
    while let Ok(Some(ev)) = s.next_event(Duration::from_millis(500)) {
        record_event(&ev);
    }
    record_session(&s);
    drop(s);
    check_wire(&server, "x-goog-api-key", KEY);
    assert_clean("conversation with reconnections");

    // 2. A wrong key: 1007, fatal, and the error names no key.
    let c = keyed_config(&server, Auth::ApiKey(Secret::new(WRONG_KEY)));
    let err = Session::connect(c).expect_err("the wrong key is refused");
    assert!(matches!(err, Error::Closed { code: 1007, .. }), "{err:?}");
    record_error(&err);
    // ... also when it panics in the application's hands.
    let c = keyed_config(&server, Auth::ApiKey(Secret::new(WRONG_KEY)));
    let panicked = std::panic::catch_unwind(|| Session::connect(c).unwrap());
    assert!(panicked.is_err());
    let c = keyed_config(&server, Auth::ApiKey(Secret::new(KEY)));
    let panicked = std::panic::catch_unwind(|| panic!("config was {c:?}, auth {:?}", c.auth));
    assert!(panicked.is_err());
    assert_clean("wrong key");

    // 3. Ephemeral tokens (the constrained method), right and wrong, through a drop.
    let server = keyed_fake(TOKEN, FaultPlan::new().at(1, 2, Fault::Drop));
    let c = keyed_config(&server, Auth::EphemeralToken(Secret::new(TOKEN)));
    let s = Session::connect(c).expect("connects with the token");
    record_session(&s);
    s.send_text("with a token").unwrap();
    assert!(finish_turn(&s).ends_with("echo: with a token"));
    drop(s);
    check_wire(&server, "authorization", &format!("Token {TOKEN}"));
    let c = keyed_config(&server, Auth::EphemeralToken(Secret::new(WRONG_TOKEN)));
    let err = Session::connect(c).expect_err("the wrong token is refused");
    record_error(&err);
    assert_clean("ephemeral token");

    // 4. An HTTP refusal (retried, then given up) with a key.
    let refusing = fake_with(FakeOptions {
        faults: (1..=3).fold(FaultPlan::new(), |p, n| {
            p.on_upgrade(n, Fault::RefuseUpgrade { status: 503 })
        }),
        ..FakeOptions::default()
    });
    let mut c = keyed_config(&refusing, Auth::ApiKey(Secret::new(KEY)));
    c.reconnect.max_attempts = 3;
    let err = Session::connect(c).expect_err("503 every time");
    assert!(
        matches!(&err, Error::RetriesExhausted { last, .. } if matches!(**last, Error::Http { status: 503, .. })),
        "{err:?}"
    );
    record_error(&err);
    assert_clean("HTTP refusal");

    // 5. A TLS refusal (no extra root) with a key.
    let tls = fake_with(FakeOptions {
        tls: true,
        ..FakeOptions::default()
    });
    let mut c = keyed_config(&tls, Auth::ApiKey(Secret::new(KEY)));
    c.extra_root_ca_pem = None;
    let err = Session::connect(c).expect_err("an unknown CA is refused");
    assert!(matches!(err, Error::Tls(_)), "{err:?}");
    record_error(&err);
    assert_clean("TLS refusal");

    // 6. Invalid settings that involve the key.
    for bad in [
        format!("{KEY}\n"),
        format!("{KEY} x"),
        format!("\u{7f}{KEY}"),
    ] {
        let c = Config::default().with_api_key(bad.clone());
        saw(format!("CONFIG {c:?}"));
        let err = c.validate().expect_err("invalid key characters");
        record_error(&err);
        let err = Session::connect(c).expect_err("invalid key characters");
        record_error(&err);
    }
    let mut c = Config::default();
    c.auth = Auth::EphemeralToken(Secret::new(TOKEN));
    c.api_version = "v1".into();
    saw(format!("CONFIG {c:?}"));
    record_error(&c.validate().expect_err("tokens need v1alpha"));
    assert_clean("invalid settings");

    // The capture did see trace-level records of the connection (so the check means
    // something), including the library's own.
    let seen = SEEN.lock().unwrap_or_else(|e| e.into_inner()).clone();
    assert!(seen.iter().any(|s| s.starts_with("LOG TRACE")), "no trace");
    assert!(
        seen.iter()
            .any(|s| s.starts_with("LOG") && s.contains("gemini_live::session")),
        "no records from the session"
    );
    assert!(seen.iter().any(|s| s.starts_with("PANIC")));
}

/// The C ABI's detail texts (`gemini_live_last_error_message`) name no key either.
#[test]
fn c_abi_error_details_name_no_key() {
    use gemini_live::ffi::config::*;
    use gemini_live::ffi::event::*;
    use gemini_live::ffi::session::*;
    use gemini_live::ffi::*;
    use std::ffi::{c_char, CStr, CString};
    install();
    let server = keyed_fake(KEY, FaultPlan::new());
    let last_error = || {
        let mut buf = vec![0 as c_char; 1024];
        let mut needed = 0usize;
        // SAFETY: buf is valid for its length.
        let r = unsafe { gemini_live_last_error_message(buf.as_mut_ptr(), buf.len(), &mut needed) };
        assert_eq!(r, GEMINI_LIVE_OK);
        // SAFETY: NUL-terminated by the call.
        unsafe { CStr::from_ptr(buf.as_ptr()) }
            .to_string_lossy()
            .into_owned()
    };
    let endpoint = CString::new(server.endpoint()).unwrap();
    for (key, expect_ok) in [
        (WRONG_KEY.to_string(), false),
        (format!("{KEY}\u{1}"), false),
        (KEY.to_string(), true),
    ] {
        let key = CString::new(key).unwrap();
        let mut config = std::ptr::null_mut();
        // SAFETY: every pointer is valid; objects are freed below.
        unsafe {
            assert_eq!(gemini_live_config_new(&mut config), GEMINI_LIVE_OK);
            assert_eq!(
                gemini_live_config_set_endpoint(config, endpoint.as_ptr()),
                GEMINI_LIVE_OK
            );
            let r = gemini_live_config_set_api_key(config, key.as_ptr());
            saw(format!("FFI set_api_key {r}: {}", last_error()));
            let mut session = std::ptr::null_mut();
            let r = gemini_live_session_connect(config, &mut session);
            saw(format!("FFI connect {r}: {}", last_error()));
            assert_eq!(r == GEMINI_LIVE_OK, expect_ok, "{}", last_error());
            if !session.is_null() {
                let mut ev = std::ptr::null_mut();
                while gemini_live_session_next_event(session, 200, &mut ev) == GEMINI_LIVE_OK {
                    let mut json = std::ptr::null();
                    let mut len = 0usize;
                    if gemini_live_event_json(ev, &mut json, &mut len) == GEMINI_LIVE_OK {
                        saw(format!(
                            "FFI event {}",
                            CStr::from_ptr(json).to_string_lossy()
                        ));
                    }
                    gemini_live_event_free(ev);
                }
                gemini_live_session_free(session);
            }
            gemini_live_config_free(config);
        }
    }
    assert_clean("C ABI");
}
