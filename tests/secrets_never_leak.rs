//! The API key, ephemeral tokens and Vertex AI access tokens never leave the request header:
//! not in any log record (a capturing `log` logger at trace level, for every crate,
//! tungstenite included), not in the
//! `Debug` of `Config`, `Session`, `Error`, events or metrics, not in error messages (Rust and
//! C ABI), URLs, or panic messages — during connect, a conversation, a wrong key (1007),
//! reconnections (drop, 1011, GoAway), an HTTP refusal, a TLS refusal and invalid settings;
//! and a proxy's credentials (tinyproxy with Basic auth: a conversation, wrong and missing
//! credentials, a malformed proxy URL).
//!
//! Its own test binary: the logger and the panic hook are process-wide.

mod common;
mod proxy_servers;

use common::*;
use gemini_live::fake::{FakeOptions, FakeServer, Fault, FaultPlan};
use gemini_live::{Auth, Config, Error, Event, ResponseMode, Secret, Session};
use std::sync::{Mutex, Once};
use std::time::Duration;

const KEY: &str = "AIzaSyLEAKCANARY-key-0123456789abcdefXYZ";
const WRONG_KEY: &str = "AIzaSyWRONGCANARY-key-9876543210fedcbaQ";
const TOKEN: &str = "auth_tokens/TOKENCANARY-7f3a9c0e1b2d4f6a8c";
const WRONG_TOKEN: &str = "auth_tokens/WRONGTOKENCANARY-00aa11bb22";
/// Vertex AI access tokens: `ya29.BEARERCANARY-<n>-5e6f7a8b9c0d`, one per connect.
const BEARER: &str = "ya29.BEARERCANARY-";
const BEARER_TAIL: &str = "-5e6f7a8b9c0d";
/// The proxy's password (tests/proxy_servers: tinyproxy with Basic auth).
const PROXY_USER: &str = "proxyuser";
const PROXY_PASSWORD: &str = "PROXYPASSCANARY-3d9e";

/// Every secret, and a distinctive inner part of each (a truncated leak is a leak).
fn needles() -> Vec<&'static str> {
    vec![
        KEY,
        WRONG_KEY,
        TOKEN,
        WRONG_TOKEN,
        "LEAKCANARY",
        "WRONGCANARY",
        "TOKENCANARY",
        "WRONGTOKENCANARY",
        "0123456789abcdef",
        "9876543210fedcba",
        "7f3a9c0e1b2d4f6a8c",
        "BEARERCANARY",
        BEARER_TAIL,
        PROXY_PASSWORD,
        "PROXYPASSCANARY",
        "WRONGPROXYCANARY",
        // base64 of "proxyuser:PROXYPASSCANARY-3d9e", the Basic token (and its start, which
        // depends only on the user name and the password's first bytes).
        "cHJveHl1c2VyOlBST1hZUEFTU0NBTkFSWS0zZDll",
        "cHJveHl1c2VyOlBST1hZ",
    ]
}

/// Everything the test saw: log records, debug and display strings, panic messages.
static SEEN: Mutex<Vec<String>> = Mutex::new(Vec::new());

fn saw(s: impl Into<String>) {
    SEEN.lock()
        .unwrap_or_else(|e| e.into_inner())
        .push(s.into());
}

/// For the panic hook: never waits (a panic may happen while the lock is held).
fn saw_from_hook(s: String) {
    if let Ok(mut seen) = SEEN.try_lock() {
        seen.push(s);
    }
}

struct Capture;

impl log::Log for Capture {
    fn enabled(&self, _: &log::Metadata) -> bool {
        true
    }
    fn log(&self, record: &log::Record) {
        saw(format!(
            "LOG {} {} {}",
            record.level(),
            record.target(),
            record.args()
        ));
    }
    fn flush(&self) {}
}

fn install() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        log::set_boxed_logger(Box::new(Capture)).expect("no logger installed before");
        log::set_max_level(log::LevelFilter::Trace);
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            saw_from_hook(format!("PANIC {info}"));
            default(info);
        }));
    });
}

/// Panics (naming where) if any secret appears in anything seen so far.
fn assert_clean(what: &str) {
    let leak = {
        let seen = SEEN.lock().unwrap_or_else(|e| e.into_inner());
        seen.iter().find_map(|s| {
            needles()
                .into_iter()
                .find(|n| s.contains(n))
                .map(|n| (n, s.clone()))
        })
    };
    if let Some((needle, s)) = leak {
        panic!("{what}: `{needle}` leaked in: {s}");
    }
}

fn record_event(ev: &Event) {
    saw(format!("EVENT {ev:?}"));
    match ev {
        Event::Error(e)
        | Event::Reconnecting { cause: Some(e), .. }
        | Event::Closed { error: Some(e), .. } => record_error(e),
        _ => {}
    }
}

fn record_error(e: &Error) {
    saw(format!("ERROR {e:?}"));
    saw(format!("ERROR {e}"));
    if let Some(src) = std::error::Error::source(e) {
        saw(format!("SOURCE {src}"));
    }
}

fn record_session(s: &Session) {
    saw(format!("SESSION {s:?}"));
    saw(format!("CONFIG {:?}", s.config()));
    saw(format!("URL {}", s.config().url()));
    saw(format!("METRICS {:?}", s.metrics()));
}

/// Drains events until `TurnComplete` (answering nothing), recording every one.
fn finish_turn(s: &Session) -> String {
    let mut text = String::new();
    loop {
        let ev = s
            .next_event(Duration::from_secs(10))
            .expect("session open")
            .expect("an event within 10 s");
        record_event(&ev);
        match ev {
            Event::Text(t) => text.push_str(&t),
            Event::Resumed { .. } | Event::NewSession { .. } => text.clear(),
            Event::TurnComplete { .. } => return text,
            Event::Closed { .. } => panic!("closed mid-turn: {ev:?}"),
            _ => {}
        }
    }
}

fn keyed_fake(key: &str, faults: FaultPlan) -> FakeServer {
    fake_with(FakeOptions {
        api_key: Some(key.to_string()),
        faults,
        ..FakeOptions::default()
    })
}

fn keyed_config(server: &FakeServer, auth: Auth) -> Config {
    let mut c = config(server, ResponseMode::TextAndAudio);
    c.auth = auth;
    c.stall_timeout = Duration::from_millis(500);
    c.reconnect.max_delay = Duration::from_millis(50);
    saw(format!("CONFIG {c:?}"));
    saw(format!("URL {}", c.url()));
    c
}

/// Checks the fake received the secret in the header (so the needle is the one sent), never
/// in the path or query.
fn check_wire(server: &FakeServer, header: &str, value: &str) {
    let conns = server.connections();
    assert!(!conns.is_empty());
    for c in &conns {
        for n in needles() {
            assert!(!c.path.contains(n), "in the URL path: {}", c.path);
            assert!(!c.query.contains(n), "in the URL query: {}", c.query);
        }
        if c.path.is_empty() {
            continue; // refused or dropped before the request was read
        }
        let sent = c
            .headers
            .iter()
            .find(|(n, _)| n == header)
            .map(|(_, v)| v.as_str());
        assert_eq!(sent, Some(value), "connection {}: {:?}", c.index, c.headers);
    }
}

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

/// Vertex AI: bearer tokens from a provider (a new one per connect), through a drop, a
/// refused reused token (HTTP 401) and a failing provider, never leave the header either; the
/// fake's options (with an expected token sequence) do not print them.
#[test]
fn vertex_access_tokens_never_leak() {
    use gemini_live::fake::{VertexFakeAuth, VertexTokens};
    use gemini_live::vertex::{TokenError, TokenProvider, VertexTarget};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;
    install();
    let model = "gemini-vertex-fake-model";
    let options = |faults: FaultPlan| FakeOptions {
        models: vec![model.to_string()],
        vertex: Some(VertexFakeAuth::new("leak-proj", "us-central1")),
        faults,
        ..FakeOptions::default()
    };
    let vertex_config = |server: &FakeServer, auth: Auth| {
        let mut c = config(server, ResponseMode::TextAndAudio).with_model(model);
        c.vertex = Some(VertexTarget::new("leak-proj", "us-central1"));
        c.auth = auth;
        c.stall_timeout = Duration::from_millis(500);
        saw(format!("CONFIG {c:?}"));
        saw(format!("URL {}", c.url()));
        c
    };
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = calls.clone();
    let provider = TokenProvider::new(move || {
        let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
        Ok(Secret::new(format!("{BEARER}{n}{BEARER_TAIL}")))
    });
    saw(format!("PROVIDER {provider:?}"));

    // A conversation through a drop: two connects, two tokens.
    let server = fake_with(options(FaultPlan::new().at(1, 2, Fault::Drop)));
    let s = Session::connect(vertex_config(&server, Auth::AccessToken(provider.clone())))
        .expect("connects with a token");
    record_session(&s);
    s.send_text("vertex").unwrap();
    assert!(finish_turn(&s).ends_with("echo: vertex"));
    record_session(&s);
    s.close().unwrap();
    while let Ok(Some(ev)) = s.next_event(Duration::from_millis(300)) {
        record_event(&ev);
    }
    drop(s);
    let conns = server.connections();
    assert!(conns.len() >= 2, "{conns:?}");
    for (i, c) in conns.iter().enumerate() {
        let sent = c.headers.iter().find(|(n, _)| n == "authorization");
        let want = format!("Bearer {BEARER}{}{BEARER_TAIL}", i + 1);
        assert_eq!(sent.map(|(_, v)| v.as_str()), Some(want.as_str()));
        assert!(!c.path.contains("BEARERCANARY") && !c.query.contains("BEARERCANARY"));
    }
    assert_clean("Vertex conversation");

    // A reused token: refused with 401 on the reconnect, and the error names no token.
    let server = fake_with(options(FaultPlan::new().at(1, 2, Fault::Drop)));
    let fixed = TokenProvider::fixed(Secret::new(format!("{BEARER}fixed{BEARER_TAIL}")));
    let s = Session::connect(vertex_config(&server, Auth::AccessToken(fixed))).unwrap();
    s.send_text("again").unwrap();
    let end = closed(&s);
    record_event(&end);
    assert!(
        matches!(
            end,
            Event::Closed {
                error: Some(Error::Http { status: 401, .. }),
                ..
            }
        ),
        "{end:?}"
    );
    record_session(&s);
    drop(s);

    // A failing provider, and the fake's options with an expected token sequence.
    let failing = TokenProvider::new(|| Err(TokenError::fatal("no credentials found")));
    let err =
        Session::connect(vertex_config(&server, Auth::AccessToken(failing))).expect_err("no token");
    record_error(&err);
    let mut auth = VertexFakeAuth::new("p", "l");
    auth.tokens = VertexTokens::Sequence(vec![format!("{BEARER}1{BEARER_TAIL}")]);
    saw(format!(
        "FAKE {:?}",
        FakeOptions {
            vertex: Some(auth),
            ..FakeOptions::default()
        }
    ));
    assert_clean("Vertex refusals");
    assert!(calls.load(Ordering::SeqCst) >= 2);
}

#[test]
fn proxy_credentials_never_leak() {
    install();
    let Some(proxy) =
        proxy_servers::ProxyProcess::tinyproxy(Some((PROXY_USER, PROXY_PASSWORD)), "")
    else {
        return;
    };
    use base64::Engine;
    let token =
        base64::engine::general_purpose::STANDARD.encode(format!("{PROXY_USER}:{PROXY_PASSWORD}"));
    assert!(
        needles().contains(&token.as_str()),
        "the Basic token is a needle"
    );

    // A conversation through the proxy, with a drop (so a reconnection through it again).
    let server = keyed_fake(KEY, FaultPlan::new().at(1, 2, Fault::Drop));
    let mut c = keyed_config(&server, Auth::ApiKey(Secret::new(KEY)));
    c.proxy = gemini_live::config::Proxy::parse(&format!(
        "http://{PROXY_USER}:{PROXY_PASSWORD}@127.0.0.1:{}",
        proxy.port
    ))
    .unwrap();
    saw(format!("CONFIG {c:?}"));
    saw(format!("PROXY {:?}", c.proxy));
    let s = Session::connect(c.clone()).expect("connects through the proxy");
    s.send_text("hello").unwrap();
    assert!(finish_turn(&s).contains("echo: hello"));
    record_session(&s);
    s.close().unwrap();
    while let Ok(Some(ev)) = s.next_event(Duration::from_millis(200)) {
        record_event(&ev);
    }
    assert_eq!(proxy.wait_tunnels(2).len(), 2, "{}", proxy.log());

    // Wrong and missing credentials, and a malformed URL.
    for url in [
        format!(
            "http://{PROXY_USER}:WRONGPROXYCANARY@127.0.0.1:{}",
            proxy.port
        ),
        format!("http://127.0.0.1:{}", proxy.port),
    ] {
        let mut c = c.clone();
        c.proxy = gemini_live::config::Proxy::parse(&url).unwrap();
        let e = Session::connect(c).expect_err("refused by the proxy");
        assert!(matches!(e, Error::Proxy { .. }), "{e:?}");
        record_error(&e);
    }
    let bad =
        gemini_live::config::Proxy::parse(&format!("gopher://{PROXY_USER}:{PROXY_PASSWORD}@h"))
            .unwrap_err();
    record_error(&bad);
    assert_clean("proxy credentials");
}
