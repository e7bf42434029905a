//! Errors speak each language (issue 22): the C text names C setters, the CLI its flags,
//! Rust its own names; no C or CLI message names a Rust type or path. Every config-validation
//! failure, every refusal of the model table and a sample of every other error kind is
//! checked; the C text also through the C ABI's last error.

mod common;

use gemini_live::fake::FakeOptions;
use gemini_live::ffi::config::{
    gemini_live_config_free, gemini_live_config_new, gemini_live_config_set_endpoint,
    gemini_live_config_set_response_modality, gemini_live_config_set_voice,
    gemini_live_config_validate,
};
use gemini_live::ffi::result::gemini_live_last_error_message;
use gemini_live::models::MODELS;
use gemini_live::vertex::{TokenProvider, VertexTarget};
use gemini_live::wording::{Lang, Phrase, Setting};
use gemini_live::{Auth, Config, Error, Phase, ResponseMode, Secret, Session};
use std::ffi::{c_char, CStr, CString};
use std::time::Duration;

/// What gives a Rust name away: a path, an `Option`, a type of this crate, a snake_case
/// field (C: unless it is one of our C functions).
fn rust_names(text: &str, lang: Lang) -> Vec<String> {
    let mut found = Vec::new();
    for marker in ["::", "Some(", "Error {"] {
        if text.contains(marker) {
            found.push(marker.to_string());
        }
    }
    for word in text.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        if [
            "None",
            "Config",
            "ResponseMode",
            "Auth",
            "Duration",
            "VertexTarget",
        ]
        .contains(&word)
        {
            found.push(word.to_string());
        }
        let snake = word.contains('_') && word.bytes().any(|b| b.is_ascii_lowercase());
        let ours = lang == Lang::C && word.starts_with("gemini_live_");
        if snake && !ours {
            found.push(word.to_string());
        }
    }
    found
}

fn assert_foreign_clean(e: &Error) {
    for lang in [Lang::C, Lang::Cli] {
        let text = e.message(lang);
        let names = rust_names(&text, lang);
        assert!(names.is_empty(), "{lang:?} text names {names:?}: {text}");
    }
}

fn base() -> Config {
    Config::default()
        .with_endpoint("ws://127.0.0.1:9")
        .with_api_key("k")
}

/// One configuration per validation failure.
fn broken_configs() -> Vec<Config> {
    let mut v = Vec::new();
    let mut push = |f: &dyn Fn(&mut Config)| {
        let mut c = base();
        f(&mut c);
        v.push(c);
    };
    push(&|c| c.model = String::new());
    push(&|c| c.model = "two words".into());
    push(&|c| c.endpoint = "http://x".into());
    push(&|c| c.endpoint = "ws://x?key=1".into());
    push(&|c| {
        c.endpoint = "wss://generativelanguage.googleapis.com/ws/google.ai.generativelanguage.\
                      v1alpha.GenerativeService.BidiGenerateContent"
            .into()
    });
    push(&|c| c.api_version = "v9".into());
    push(&|c| {
        c.endpoint = "wss://generativelanguage.googleapis.com".into();
        c.auth = Auth::None;
    });
    push(&|c| c.auth = Auth::ApiKey(Secret::new("bad key")));
    push(&|c| {
        c.auth = Auth::EphemeralToken(Secret::new("t"));
        c.api_version = "v1".into();
    });
    push(&|c| {
        c.response_mode = ResponseMode::Text;
        c.voice = Some("Puck".into());
    });
    push(&|c| c.send_queue_capacity = 0);
    push(&|c| c.event_queue_capacity = 0);
    push(&|c| c.max_message_size = 10);
    push(&|c| c.pong_timeout = Duration::from_millis(10));
    push(&|c| c.stall_timeout = Duration::ZERO);
    push(&|c| c.timeouts.connect_total = Duration::ZERO);
    push(&|c| c.timeouts.close = Duration::ZERO);
    push(&|c| c.auth = Auth::AccessToken(TokenProvider::fixed(Secret::new("t"))));
    push(&|c| c.vertex = Some(VertexTarget::new("p", "global")));
    push(&|c| {
        c.vertex = Some(VertexTarget::new("p", "global"));
        c.auth = Auth::None;
    });
    push(&|c| {
        c.vertex = Some(VertexTarget::new("p", "global"));
        c.auth = Auth::EphemeralToken(Secret::new("t"));
    });
    push(&|c| {
        let mut t = VertexTarget::new("p", "global");
        t.transparent_resumption = true;
        c.vertex = Some(t);
        c.auth = Auth::AccessToken(TokenProvider::fixed(Secret::new("t")));
        c.session_resumption = false;
    });
    push(&|c| c.model = "gemini-3.8-live".into());
    v.last_mut().unwrap().response_mode = ResponseMode::Text;
    v
}

#[test]
fn no_config_failure_names_a_rust_type_in_c_or_cli() {
    let mut settings = Vec::new();
    for c in broken_configs() {
        let e = c.validate().expect_err("each config is broken");
        assert_foreign_clean(&e);
        if let Error::InvalidSetting { setting, problem } = &e {
            // The option the error is about is named in its text, in every language.
            assert!(problem.settings().any(|s| s == *setting), "{e}");
            for lang in [Lang::Rust, Lang::C, Lang::Cli] {
                assert!(
                    e.message(lang).contains(&*setting.name(lang)),
                    "{lang:?}: {}",
                    e.message(lang)
                );
            }
            settings.push(*setting);
        }
    }
    assert!(settings.len() >= 15, "{settings:?}");
}

#[test]
fn every_refusal_of_the_model_table_speaks_each_language() {
    let mut n = 0;
    for info in MODELS {
        for r in info.refuses {
            let e = Error::UnsupportedByModel {
                model: info.id.into(),
                field: r.rule.field().into(),
                fix: Phrase(r.fix.to_vec()),
            };
            assert_foreign_clean(&e);
            n += 1;
        }
    }
    assert!(n >= 15, "{n}");
    let e = base()
        .with_model("gemini-3.8-live")
        .with_response_mode(ResponseMode::Text)
        .validate()
        .unwrap_err();
    assert!(
        e.to_string().contains("`ResponseMode::TextAndAudio`"),
        "{e}"
    );
    assert!(e.to_string().contains("`Config::skip_model_check`"), "{e}");
    let c = e.message(Lang::C);
    assert!(
        c.contains("`gemini_live_config_set_response_modality(config, GEMINI_LIVE_MODALITY_TEXT_AND_AUDIO)`"),
        "{c}"
    );
    assert!(
        c.contains("`gemini_live_config_set_skip_model_check`"),
        "{c}"
    );
    assert!(e.message(Lang::Cli).contains("--modality text+audio"));
}

#[test]
fn other_error_kinds_carry_no_rust_names() {
    let closed = |code, reason: &str| Error::Closed {
        code,
        reason: reason.into(),
    };
    let samples = vec![
        Error::InvalidInput("odd number of PCM bytes".into()),
        Error::Timeout(Phase::Tls),
        Error::Io {
            phase: Some(Phase::TcpConnect),
            message: "Connection refused (os error 111)".into(),
        },
        Error::Http {
            status: 404,
            body: "Not Found".into(),
        },
        closed(1011, "Internal error occurred."),
        Error::from_close(
            1008,
            "models/x is not found for API version v1alpha, or is not supported for bidiGenerateContent",
            "x",
            &gemini_live::models::recommended(gemini_live::models::Api::Developer),
        ),
        Error::ConnectionLost("reset".into()),
        Error::Stalled(Duration::from_secs(20)),
        Error::SendTimeout,
        Error::MessageTooLarge { size: 10, max: 5 },
        Error::ConfigRejected {
            code: 1011,
            reason: "Internal error occurred.".into(),
        },
        Error::RetriesExhausted {
            attempts: 3,
            elapsed: Duration::from_millis(300),
            last: Box::new(broken_configs()[12].validate().unwrap_err()),
        },
        Error::GoAway(Some(Duration::from_secs(5))),
    ];
    for e in &samples {
        assert_foreign_clean(e);
    }
    // The nested cause is rendered in the outer error's language too.
    let c_name = "`gemini_live_config_set_max_message_size`";
    assert!(samples[11].message(Lang::C).contains(c_name));
    assert!(samples[11]
        .to_string()
        .contains("`Config::max_message_size`"));
}

/// The calling thread's last C error text.
fn c_last_error() -> String {
    let mut buf = vec![0 as c_char; 2048];
    let r = unsafe {
        gemini_live_last_error_message(buf.as_mut_ptr(), buf.len(), std::ptr::null_mut())
    };
    assert_eq!(r, 0);
    unsafe { CStr::from_ptr(buf.as_ptr()) }
        .to_string_lossy()
        .into_owned()
}

#[test]
fn the_c_last_error_names_the_c_setter() {
    unsafe {
        let mut config = std::ptr::null_mut();
        assert_eq!(gemini_live_config_new(&mut config), 0);
        let endpoint = CString::new("ws://127.0.0.1:9").unwrap();
        assert_eq!(
            gemini_live_config_set_endpoint(config, endpoint.as_ptr()),
            0
        );
        assert_eq!(gemini_live_config_set_response_modality(config, 1), 0);
        let voice = CString::new("Puck").unwrap();
        assert_eq!(gemini_live_config_set_voice(config, voice.as_ptr()), 0);
        assert_ne!(gemini_live_config_validate(config), 0);
        let text = c_last_error();
        assert!(text.starts_with("INVALID_CONFIG: "), "{text}");
        assert!(
            text.contains("`gemini_live_config_set_voice` is set but the response mode is text"),
            "{text}"
        );
        assert!(
            text.contains(
                "gemini_live_config_set_response_modality(config, GEMINI_LIVE_MODALITY_TEXT)"
            ),
            "{text}"
        );
        assert!(rust_names(&text, Lang::C).is_empty(), "{text}");
        gemini_live_config_free(config);
    }
}

#[test]
fn every_c_setter_named_exists_in_the_header() {
    let header = include_str!("../include/gemini_live.h");
    for s in Setting::ALL {
        let name = s.name(Lang::C);
        let f = name.trim_matches('`');
        assert!(
            header.contains(&format!("{f}(")),
            "{f} is not in the header"
        );
    }
}

#[test]
fn a_missing_key_is_explained_in_full_with_the_fix() {
    let server = common::fake_with(FakeOptions {
        api_key: Some("the-key".into()),
        ..FakeOptions::default()
    });
    let mut c = Config::default().with_endpoint(server.endpoint());
    c.reconnect.first_connect_attempts = 1;
    let e = Session::connect(c).unwrap_err();
    let (code, reason) = e.close_code().expect("a close");
    assert_eq!(code, 1008);
    // The service cuts the reason at 123 bytes ("... API c"); the message has all of it.
    assert!(reason.ends_with("API c"), "{reason}");
    let text = e.to_string();
    assert!(
        text.contains("form of API consumer identity to call this API."),
        "{text}"
    );
    assert!(text.contains("no API key was sent"), "{text}");
    assert!(e.message(Lang::Cli).contains("set GEMINI_API_KEY"), "{e}");
    assert!(e
        .message(Lang::C)
        .contains("`gemini_live_config_set_api_key`"));
}

#[test]
fn refused_input_speaks_no_rust_method_names() {
    let server = common::fake();
    let session = Session::connect(common::config(&server, ResponseMode::Text)).unwrap();
    // Server voice activity detection is on: manual activity signals are refused locally.
    let e = session.activity_start().unwrap_err();
    assert!(matches!(e, Error::InvalidInput(_)), "{e:?}");
    assert_foreign_clean(&e);
    let e = session.send_audio(&[]).unwrap_err();
    assert_foreign_clean(&e);
    session.close().unwrap();
}
