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
use gemini_live::fake::{FakeOptions, FakeServer, FaultPlan};
use gemini_live::{Auth, Config, Error, Event, ResponseMode, Session};
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

/// The tests, one file a part in tests/secrets_never_leak/.
mod secrets_never_leak {
    mod keys;
    mod proxy;
    mod vertex;
}
