//! Decoder robustness: property tests over server frames — arbitrary bytes, mutated and
//! truncated real messages, messages of the right shape with wrong types, deep nesting, huge
//! strings, invalid base64 and UTF-8 — through `protocol::decode_server` and through the whole
//! event path of a live `Session` (frames pushed by a tiny raw WebSocket server written here).
//! Nothing panics, every undecodable frame becomes one clear, bounded `Error` event and the
//! session goes on; and `Config::max_message_size` is enforced on what the server sends: a
//! frame or message over it ends the connection with a clear error, without an allocation of
//! the announced size (a counting global allocator proves it).
//!
//! Case counts: `PROPTEST_CASES` per property (default: 600 to 2,000, seconds in all; the
//! raw-socket property, one connection per case, runs a fiftieth of it).
//! The long run documented in the README:
//! `PROPTEST_CASES=1000000 cargo test --release --test decoder_fuzz -- --nocapture`.

use gemini_live::protocol::decode_server;
use gemini_live::{Config, Error, Event, ResponseMode, Session, State};
use proptest::prelude::*;
use proptest::test_runner::{Config as ProptestConfig, TestRunner};
use serde_json::{json, Map, Value};
use std::alloc::{GlobalAlloc, Layout, System};
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::Mutex;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tungstenite::protocol::frame::coding::{Data, OpCode};
use tungstenite::protocol::frame::Frame;
use tungstenite::protocol::WebSocketConfig;
use tungstenite::{Message, WebSocket};

// ---- the largest single allocation, process-wide -------------------------------------------

struct Counting;

static LARGEST: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator; only records sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        System.alloc_zeroed(layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Tests that look at [`LARGEST`] or send very large frames run one at a time.
static BIG: Mutex<()> = Mutex::new(());

fn big_lock() -> std::sync::MutexGuard<'static, ()> {
    BIG.lock().unwrap_or_else(|e| e.into_inner())
}

// ---- case counts ---------------------------------------------------------------------------

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn runner(default_cases: u32) -> TestRunner {
    runner_with(cases(default_cases))
}

fn runner_with(cases: u32) -> TestRunner {
    TestRunner::new(ProptestConfig {
        cases,
        failure_persistence: None,
        max_shrink_iters: 2_000,
        ..ProptestConfig::default()
    })
}

fn report(what: &str, n: u32, started: Instant) {
    eprintln!(
        "decoder_fuzz: {what}: {n} cases in {:.1?}",
        started.elapsed()
    );
}

// ---- strategies ----------------------------------------------------------------------------

/// Keys of real server messages (both spellings), so random objects hit the decoder's paths.
const KEYS: &[&str] = &[
    "setupComplete",
    "serverContent",
    "toolCall",
    "toolCallCancellation",
    "goAway",
    "sessionResumptionUpdate",
    "usageMetadata",
    "server_content",
    "setup_complete",
    "go_away",
    "usage_metadata",
    "modelTurn",
    "parts",
    "text",
    "inlineData",
    "mimeType",
    "data",
    "thought",
    "executableCode",
    "codeExecutionResult",
    "turnComplete",
    "generationComplete",
    "interrupted",
    "groundingMetadata",
    "inputTranscription",
    "outputTranscription",
    "finished",
    "functionCalls",
    "id",
    "name",
    "args",
    "ids",
    "timeLeft",
    "newHandle",
    "resumable",
    "promptTokenCount",
    "totalTokenCount",
    "voiceActivity",
];

fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(KEYS).prop_map(str::to_string),
        1 => "\\PC{0,12}",
    ]
}

fn string() -> BoxedStrategy<String> {
    prop_oneof![
        "\\PC{0,40}",
        ".{0,16}",
        // base64-ish, valid and not
        "[A-Za-z0-9+/=_-]{0,64}",
        // durations, good and bad
        "[0-9.eE+-]{0,24}s?",
        // MIME types with rates, good and bad
        "audio/(pcm|L16|wav|x);rate=[0-9-]{0,12}",
        "(image/png|text/plain|application/octet-stream)",
        Just(String::new()),
    ]
    .boxed()
}

fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        Just(json!(-0.0)),
        Just(json!(1e308)),
    ]
}

fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        string().prop_map(Value::String),
    ]
}

/// Any JSON value, a few levels deep.
fn any_json() -> BoxedStrategy<Value> {
    leaf()
        .prop_recursive(5, 64, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec((key(), inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
        .boxed()
}

/// The shape of a server message field.
enum S {
    Bool,
    Str,
    Count,
    Dur,
    B64,
    Mime,
    Any,
    Obj(&'static [(&'static str, S)]),
    Arr(&'static S),
}

const TRANSCRIPTION: S = S::Obj(&[("text", S::Str), ("finished", S::Bool)]);
const PART: S = S::Obj(&[
    ("text", S::Str),
    ("thought", S::Bool),
    (
        "inlineData",
        S::Obj(&[("mimeType", S::Mime), ("data", S::B64)]),
    ),
    ("executableCode", S::Any),
    ("codeExecutionResult", S::Any),
]);
const SERVER_CONTENT: S = S::Obj(&[
    (
        "modelTurn",
        S::Obj(&[("role", S::Str), ("parts", S::Arr(&PART))]),
    ),
    ("turnComplete", S::Bool),
    ("generationComplete", S::Bool),
    ("interrupted", S::Bool),
    ("groundingMetadata", S::Any),
    ("inputTranscription", TRANSCRIPTION),
    ("outputTranscription", TRANSCRIPTION),
    ("turnCompleteReason", S::Str),
]);
const USAGE: S = S::Obj(&[
    ("promptTokenCount", S::Count),
    ("responseTokenCount", S::Count),
    ("totalTokenCount", S::Count),
    ("thoughtsTokenCount", S::Count),
]);
const MESSAGE: S = S::Obj(&[
    ("setupComplete", S::Obj(&[("sessionId", S::Str)])),
    ("serverContent", SERVER_CONTENT),
    (
        "toolCall",
        S::Obj(&[(
            "functionCalls",
            S::Arr(&S::Obj(&[
                ("id", S::Str),
                ("name", S::Str),
                ("args", S::Any),
            ])),
        )]),
    ),
    ("toolCallCancellation", S::Obj(&[("ids", S::Arr(&S::Str))])),
    ("goAway", S::Obj(&[("timeLeft", S::Dur)])),
    (
        "sessionResumptionUpdate",
        S::Obj(&[("newHandle", S::Str), ("resumable", S::Bool)]),
    ),
    ("usageMetadata", USAGE),
    ("someFutureMessage", S::Any),
]);

/// Mostly the right type for `s`, sometimes anything at all.
fn shaped(s: &'static S) -> BoxedStrategy<Value> {
    let right: BoxedStrategy<Value> = match s {
        S::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        S::Str => string().prop_map(Value::String).boxed(),
        S::Count => prop_oneof![
            any::<u32>().prop_map(Value::from),
            any::<u64>().prop_map(|n| Value::String(n.to_string())),
            number(),
        ]
        .boxed(),
        S::Dur => "[0-9]{0,12}(\\.[0-9]{0,12})?s"
            .prop_map(Value::String)
            .boxed(),
        S::B64 => prop_oneof![
            prop::collection::vec(any::<u8>(), 0..64)
                .prop_map(|b| Value::String(gemini_live::protocol::encode_base64(&b))),
            "[A-Za-z0-9+/=_-]{0,64}".prop_map(Value::String),
            "\\PC{0,16}".prop_map(Value::String),
        ]
        .boxed(),
        S::Mime => "audio/(pcm|L16);rate=[0-9]{0,7}|image/jpeg|audio/pcm"
            .prop_map(Value::String)
            .boxed(),
        S::Any => any_json(),
        S::Obj(fields) => {
            let parts: Vec<BoxedStrategy<Option<(String, Value)>>> = fields
                .iter()
                .map(|(k, f)| {
                    prop::option::weighted(0.4, shaped(f).prop_map(move |v| (k.to_string(), v)))
                        .boxed()
                })
                .collect();
            parts
                .prop_map(|kv| Value::Object(kv.into_iter().flatten().collect::<Map<_, _>>()))
                .boxed()
        }
        S::Arr(item) => prop::collection::vec(shaped(item), 0..4)
            .prop_map(Value::Array)
            .boxed(),
    };
    prop_oneof![6 => right, 1 => any_json()].boxed()
}

/// A message of the real shape (with wrong types now and then), serialised.
fn message_bytes() -> impl Strategy<Value = Vec<u8>> {
    shaped(&MESSAGE).prop_map(|v| serde_json::to_vec(&v).expect("serialises"))
}

/// A byte-level mutation of a frame.
#[derive(Debug, Clone)]
enum Mutation {
    Truncate(usize),
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
    Remove(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let invalid_utf8 = prop::sample::select(vec![
        vec![0xff],
        vec![0xc0, 0x80],
        vec![0xed, 0xa0, 0x80],
        vec![0xf4, 0x90, 0x80, 0x80],
        vec![0xe2, 0x82],
        b"\\ud800".to_vec(),
        b"\\u0000".to_vec(),
        b"\"".to_vec(),
        b"{".to_vec(),
        b"]".to_vec(),
    ]);
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), invalid_utf8).prop_map(|(i, b)| Mutation::Insert(i, b)),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
        (any::<usize>(), 1usize..16).prop_map(|(i, n)| Mutation::Remove(i, n)),
    ]
}

fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let len = bytes.len();
        match m {
            Mutation::Truncate(i) => bytes.truncate(i % (len + 1)),
            Mutation::Flip(i, b) if len > 0 => bytes[i % len] ^= b | 1,
            Mutation::Flip(..) => {}
            Mutation::Insert(i, b) => {
                let at = i % (len + 1);
                bytes.splice(at..at, b.iter().copied());
            }
            Mutation::Remove(i, n) if len > 0 => {
                let at = i % len;
                bytes.drain(at..(at + n).min(len));
            }
            Mutation::Remove(..) => {}
        }
    }
    bytes
}

/// `[[[...]]]` or `{"a":{"a":...}}` `depth` levels deep, inside a real key.
fn nested(depth: usize, objects: bool, close: bool) -> Vec<u8> {
    let (open, end) = if objects {
        ("{\"a\":", "}")
    } else {
        ("[", "]")
    };
    let mut s = String::from("{\"serverContent\":{\"groundingMetadata\":");
    s.push_str(&open.repeat(depth));
    s.push('1');
    if close {
        s.push_str(&end.repeat(depth));
        s.push_str("}}");
    }
    s.into_bytes()
}

/// Every kind of frame the properties use.
fn frame() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        2 => prop::collection::vec(any::<u8>(), 0..256),
        2 => "\\PC{0,64}".prop_map(String::into_bytes),
        4 => message_bytes(),
        4 => (message_bytes(), prop::collection::vec(mutation(), 1..4))
            .prop_map(|(b, m)| apply(b, &m)),
        2 => any_json().prop_map(|v| serde_json::to_vec(&v).expect("serialises")),
        1 => (1usize..300, any::<bool>(), any::<bool>())
            .prop_map(|(d, o, c)| nested(d, o, c)),
    ]
}

/// Longest detail text an error event may carry for any frame.
const MAX_ERROR_TEXT: usize = 1024;

fn check_decode(bytes: &[u8]) -> Result<(), TestCaseError> {
    match decode_server(bytes) {
        Ok(msg) => {
            // Decoding is a pure function of the bytes.
            prop_assert_eq!(decode_server(bytes).ok(), Some(msg));
        }
        Err(e) => {
            prop_assert!(
                e.0.starts_with("malformed server message"),
                "unclear error: {}",
                e.0
            );
            prop_assert!(
                e.0.len() <= MAX_ERROR_TEXT,
                "{} bytes of error text",
                e.0.len()
            );
        }
    }
    Ok(())
}

// ---- pure decoder properties ---------------------------------------------------------------

#[test]
fn decode_server_never_panics_on_any_frame() {
    let started = Instant::now();
    let mut r = runner(2_000);
    r.run(&frame(), |b| check_decode(&b)).unwrap();
    report("decode_server, mixed frames", r.config().cases, started);
}

#[test]
fn decode_server_never_panics_on_arbitrary_bytes() {
    let started = Instant::now();
    let mut r = runner(2_000);
    r.run(&prop::collection::vec(any::<u8>(), 0..2048), |b| {
        check_decode(&b)
    })
    .unwrap();
    report("decode_server, arbitrary bytes", r.config().cases, started);
}

#[test]
fn well_typed_messages_decode_and_keep_their_content() {
    // Messages built only from the right types always decode, and what they carry arrives.
    fn right(s: &'static S) -> BoxedStrategy<Value> {
        match s {
            S::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
            S::Str | S::B64 | S::Mime => "\\PC{0,24}".prop_map(Value::String).boxed(),
            S::Count => any::<u32>().prop_map(Value::from).boxed(),
            S::Dur => "[0-9]{1,6}s".prop_map(Value::String).boxed(),
            S::Any => any_json(),
            S::Obj(fields) => fields
                .iter()
                .map(|(k, f)| {
                    prop::option::of(right(f).prop_map(move |v| (k.to_string(), v))).boxed()
                })
                .collect::<Vec<_>>()
                .prop_map(|kv| Value::Object(kv.into_iter().flatten().collect()))
                .boxed(),
            S::Arr(item) => prop::collection::vec(right(item), 0..4)
                .prop_map(Value::Array)
                .boxed(),
        }
    }
    let started = Instant::now();
    let mut r = runner(1_000);
    r.run(&right(&MESSAGE), |v| {
        let bytes = serde_json::to_vec(&v).unwrap();
        let msg = decode_server(&bytes).map_err(|e| TestCaseError::fail(format!("{e} for {v}")))?;
        if let Some(text) = v["serverContent"]["modelTurn"]["parts"][0]["text"].as_str() {
            let got = msg
                .server_content
                .as_ref()
                .and_then(|c| c.model_turn.as_ref());
            prop_assert_eq!(got.and_then(|t| t.parts[0].text.as_deref()), Some(text));
        }
        if v.get("someFutureMessage").is_some() {
            prop_assert!(msg.unknown.iter().any(|(k, _)| k == "someFutureMessage"));
        }
        prop_assert_eq!(msg.go_away.is_some(), v.get("goAway").is_some());
        Ok(())
    })
    .unwrap();
    report(
        "decode_server, well-typed messages",
        r.config().cases,
        started,
    );
}

#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    let _big = big_lock();
    for depth in [127, 128, 129, 1_000, 100_000, 1_000_000] {
        for objects in [false, true] {
            for close in [false, true] {
                let bytes = nested(depth, objects, close);
                // On a thread with the session threads' small stack, like the reader.
                let r = std::thread::Builder::new()
                    .stack_size(128 * 1024)
                    .spawn(move || decode_server(&bytes).map(|_| ()))
                    .unwrap()
                    .join()
                    .expect("no panic");
                if depth > 200 || !close {
                    let e = r.expect_err("too deep, or truncated");
                    assert!(e.0.starts_with("malformed server message"), "{e}");
                }
            }
        }
    }
}

#[test]
fn huge_strings_of_the_wrong_type_give_a_short_error() {
    let _big = big_lock();
    let huge = "x".repeat(8 << 20);
    for frame in [
        format!("{{\"serverContent\":{{\"turnComplete\":\"{huge}\"}}}}"),
        format!("{{\"goAway\":{{\"timeLeft\":[\"{huge}\"]}}}}"),
        format!("{{\"usageMetadata\":{{\"totalTokenCount\":\"{huge}\"}}}}"),
        format!("{{\"toolCall\":{{\"functionCalls\":\"{huge}\"}}}}"),
        format!("{{\"serverContent\":{{\"modelTurn\":{{\"parts\":[{{\"text\":\"{huge}"),
    ] {
        let e = decode_server(frame.as_bytes()).expect_err("wrong type");
        assert!(e.0.len() <= MAX_ERROR_TEXT, "{} bytes", e.0.len());
        assert!(
            e.0.starts_with("malformed server message"),
            "{}",
            &e.0[..100]
        );
    }
}

// ---- a raw WebSocket server ----------------------------------------------------------------

/// What the raw server does next on its connection.
enum Push {
    /// A text frame (must be UTF-8) or a binary frame.
    Frame(Vec<u8>, bool),
    /// Bytes written on the socket as they are (frame headers, garbage).
    Raw(Vec<u8>),
    /// A text frame whose payload is not UTF-8.
    BadText(Vec<u8>),
    /// Shut the TCP connection down.
    Hangup,
}

/// One connection of the raw server: reads the setup, answers `setupComplete` (unless
/// `setup_reply` is given, which is sent instead), then does what it is told.
struct RawServer {
    endpoint: String,
    tx: mpsc::Sender<Push>,
    thread: Option<JoinHandle<()>>,
}

impl RawServer {
    fn start(setup_reply: Option<Push>) -> RawServer {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let endpoint = format!("ws://{}", listener.local_addr().unwrap());
        let (tx, rx) = mpsc::channel::<Push>();
        let thread = std::thread::spawn(move || {
            let (tcp, _) = listener.accept().unwrap();
            tcp.set_nodelay(true).unwrap();
            let config = WebSocketConfig::default()
                .max_message_size(None)
                .max_frame_size(None);
            let mut ws = tungstenite::accept_with_config(tcp, Some(config)).unwrap();
            match ws.read() {
                Ok(Message::Text(t)) => assert!(t.as_str().contains("\"setup\"")),
                other => panic!("expected the setup, got {other:?}"),
            }
            match setup_reply {
                Some(p) => {
                    if !push(&mut ws, p) {
                        return;
                    }
                }
                None => ws.send(Message::text("{\"setupComplete\":{}}")).unwrap(),
            }
            for p in rx {
                if !push(&mut ws, p) {
                    return;
                }
            }
        });
        RawServer {
            endpoint,
            tx,
            thread: Some(thread),
        }
    }

    fn push(&self, p: Push) {
        let _ = self.tx.send(p);
    }
}

impl Drop for RawServer {
    fn drop(&mut self) {
        let _ = self.tx.send(Push::Hangup);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Sends one push; false once the connection is done.
fn push(ws: &mut WebSocket<TcpStream>, p: Push) -> bool {
    let r = match p {
        Push::Frame(bytes, true) => {
            let text = String::from_utf8(bytes).expect("text frames are UTF-8");
            ws.send(Message::text(text))
        }
        Push::Frame(bytes, false) => ws.send(Message::binary(bytes)),
        Push::BadText(bytes) => ws.send(Message::Frame(Frame::message(
            bytes,
            OpCode::Data(Data::Text),
            true,
        ))),
        Push::Raw(bytes) => {
            let s = ws.get_mut();
            s.write_all(&bytes)
                .and_then(|_| s.flush())
                .map_err(tungstenite::Error::Io)
        }
        Push::Hangup => {
            let _ = ws.get_mut().shutdown(std::net::Shutdown::Both);
            return false;
        }
    };
    r.is_ok()
}

fn raw_config(endpoint: &str) -> Config {
    let mut c = Config::default()
        .with_endpoint(endpoint)
        .with_response_mode(ResponseMode::Text)
        .with_model(gemini_live::fake::TEXT_MODEL);
    // A fuzzed `goAway` must not start a handover, nor an error a reconnection: this server
    // takes one connection.
    c.reconnect.enabled = false;
    c.timeouts.close = Duration::from_millis(300);
    c
}

/// Next event within 5 s, or a panic naming what is missing.
fn next(s: &Session, what: &str) -> Event {
    s.next_event(Duration::from_secs(5))
        .unwrap_or_else(|e| panic!("{what}: {e}"))
        .unwrap_or_else(|| panic!("{what}: no event within 5 s"))
}

fn closed_error(s: &Session) -> (u16, Option<Error>) {
    loop {
        if let Event::Closed { code, error, .. } = next(s, "the Closed event") {
            return (code, error);
        }
    }
}

const SENTINEL: &str = "zzFuzzSentinel";

/// A live session on a raw server, fed one frame at a time.
struct Live {
    server: RawServer,
    session: Session,
    n: u64,
}

impl Live {
    fn new() -> Live {
        let server = RawServer::start(None);
        let session = Session::connect(raw_config(&server.endpoint)).expect("connects");
        assert!(matches!(
            next(&session, "setupComplete"),
            Event::SetupComplete { .. }
        ));
        Live {
            server,
            session,
            n: 0,
        }
    }

    /// Pushes `bytes` (as text when it is UTF-8 and `text`), then a sentinel; returns the
    /// events in between.
    fn feed(&mut self, bytes: Vec<u8>, text: bool) -> Vec<Event> {
        let text = text && std::str::from_utf8(&bytes).is_ok();
        self.server.push(Push::Frame(bytes, text));
        self.n += 1;
        let sentinel = format!("{{\"{SENTINEL}\":{}}}", self.n);
        self.server.push(Push::Frame(sentinel.into_bytes(), true));
        let mut events = Vec::new();
        loop {
            let ev = next(&self.session, "the sentinel");
            match &ev {
                Event::Unknown { key, value } if key == SENTINEL => {
                    assert_eq!(value, &json!(self.n));
                    return events;
                }
                _ => events.push(ev),
            }
        }
    }
}

/// The whole event path's properties for one frame.
fn check_events(bytes: &[u8], events: &[Event], session: &Session) -> Result<(), TestCaseError> {
    let decoded = decode_server(bytes);
    let malformed: Vec<&String> = events
        .iter()
        .filter_map(|e| match e {
            Event::Error(Error::Protocol(m)) if m.starts_with("malformed server message") => {
                Some(m)
            }
            _ => None,
        })
        .collect();
    match &decoded {
        Err(e) => {
            prop_assert_eq!(malformed.len(), 1, "one error event for {:?}", e);
            prop_assert_eq!(events.len(), 1, "and nothing else: {:?}", events);
        }
        Ok(_) => prop_assert!(malformed.is_empty(), "{:?}", malformed),
    }
    for ev in events {
        match ev {
            Event::Error(e) => {
                let text = e.to_string();
                prop_assert!(text.len() <= MAX_ERROR_TEXT + 64, "{} bytes", text.len());
                prop_assert!(matches!(e, Error::Protocol(_)), "{:?}", e);
            }
            Event::Audio(a) => {
                prop_assert!(a.sample_rate > 0, "a 0 Hz audio chunk");
                prop_assert_eq!(a.data.len() % 2, 0);
            }
            Event::Closed { .. }
            | Event::Reconnecting { .. }
            | Event::StateChanged(_)
            | Event::Resumed { .. }
            | Event::NewSession { .. } => {
                return Err(TestCaseError::fail(format!(
                    "a data frame ended the connection: {ev:?}"
                )))
            }
            _ => {}
        }
    }
    prop_assert_eq!(session.state(), State::Connected);
    Ok(())
}

#[test]
fn any_frame_through_a_live_session_gives_events_or_one_clear_error() {
    let started = Instant::now();
    let live = std::cell::RefCell::new(Live::new());
    let mut r = runner(600);
    r.run(&(frame(), any::<bool>()), |(bytes, text)| {
        let mut live = live.borrow_mut();
        let events = live.feed(bytes.clone(), text);
        check_events(&bytes, &events, &live.session)
    })
    .unwrap();
    let live = live.into_inner();
    let m = live.session.metrics();
    assert!(m.messages_received >= 2 * u64::from(r.config().cases));
    assert_eq!(live.session.state(), State::Connected);
    report("live session, mixed frames", r.config().cases, started);
}

#[test]
fn deep_nesting_through_a_live_session_does_not_overflow_the_reader_stack() {
    let mut live = Live::new();
    for depth in [16, 64, 100, 120, 126, 127, 128, 129, 200, 5_000] {
        for objects in [false, true] {
            let bytes = nested(depth, objects, true);
            let events = live.feed(bytes.clone(), true);
            check_events(&bytes, &events, &live.session).unwrap();
            if depth <= 100 {
                assert!(
                    matches!(events.as_slice(), [Event::Grounding(_)]),
                    "depth {depth}: {events:?}"
                );
            }
        }
    }
}

#[test]
fn huge_strings_through_a_live_session() {
    let _big = big_lock();
    let mut live = Live::new();
    // 12 MiB of text in one part (under the 16 MiB default limit) arrives whole.
    let text = "é".repeat(6 << 20);
    let frame = json!({"serverContent": {"modelTurn": {"parts": [{"text": text}]}}});
    let events = live.feed(serde_json::to_vec(&frame).unwrap(), true);
    assert!(
        matches!(events.as_slice(), [Event::Text(t)] if *t == text),
        "{} events",
        events.len()
    );
    // 9 MiB of audio in one chunk.
    let pcm: Vec<u8> = (0..(9 << 20)).map(|i| (i % 251) as u8).collect();
    let data = gemini_live::protocol::encode_base64(&pcm);
    let frame = json!({"serverContent": {"modelTurn": {"parts": [
        {"inlineData": {"mimeType": "audio/pcm;rate=24000", "data": data}}]}}});
    let events = live.feed(serde_json::to_vec(&frame).unwrap(), false);
    assert!(
        matches!(events.as_slice(), [Event::Audio(a)] if a.data == pcm && a.sample_rate == 24000),
        "{} events",
        events.len()
    );
    // A huge string of the wrong type: one short error event.
    let frame = json!({"serverContent": {"turnComplete": "y".repeat(12 << 20)}});
    let events = live.feed(serde_json::to_vec(&frame).unwrap(), true);
    assert_eq!(events.len(), 1);
    match &events[0] {
        Event::Error(e @ Error::Protocol(m)) => {
            assert!(m.len() <= MAX_ERROR_TEXT, "{} bytes", m.len());
            assert!(e
                .to_string()
                .starts_with("protocol error: malformed server message"));
        }
        other => panic!("{other:?}"),
    }
    // Invalid base64 of any size: one error event.
    let frame = json!({"serverContent": {"modelTurn": {"parts": [
        {"inlineData": {"mimeType": "audio/pcm", "data": "!".repeat(1 << 20)}}]}}});
    let events = live.feed(serde_json::to_vec(&frame).unwrap(), true);
    assert!(
        matches!(events.as_slice(), [Event::Error(Error::Protocol(m))] if m.contains("base64") && m.len() <= MAX_ERROR_TEXT),
        "{events:?}"
    );
    assert_eq!(live.session.state(), State::Connected);
}

#[test]
fn invalid_utf8_in_a_binary_frame_is_one_error_event() {
    let mut live = Live::new();
    let mut bytes = br#"{"serverContent":{"modelTurn":{"parts":[{"text":"ab"#.to_vec();
    bytes.extend_from_slice(&[0xff, 0xfe]);
    bytes.extend_from_slice(br#""}]}}}"#);
    let events = live.feed(bytes.clone(), false);
    check_events(&bytes, &events, &live.session).unwrap();
    assert!(matches!(events.as_slice(), [Event::Error(_)]), "{events:?}");
}

#[test]
fn invalid_utf8_in_a_text_frame_ends_the_connection_with_a_clear_error() {
    let server = RawServer::start(None);
    let s = Session::connect(raw_config(&server.endpoint)).unwrap();
    server.push(Push::BadText(b"{\"x\":\"\xff\"}".to_vec()));
    let (code, error) = closed_error(&s);
    assert_eq!(code, 1006);
    let e = error.expect("an error says why");
    assert!(matches!(e, Error::Protocol(_)), "{e:?}");
    assert!(e.to_string().to_lowercase().contains("utf-8"), "{e}");
}

#[test]
fn garbage_on_the_socket_ends_the_connection_cleanly() {
    // Raw bytes where frames belong: whatever they parse as, the session ends with a Closed
    // event (the server hangs up after them), never a panic or a hang.
    // A new connection per case (about 1.5 ms): a fiftieth of `PROPTEST_CASES`.
    let started = Instant::now();
    let mut r = runner_with(cases(2_400) / 50);
    r.run(&prop::collection::vec(any::<u8>(), 1..64), |bytes| {
        let server = RawServer::start(None);
        let s = Session::connect(raw_config(&server.endpoint)).unwrap();
        server.push(Push::Raw(bytes));
        server.push(Push::Hangup);
        let deadline = Instant::now() + Duration::from_secs(5);
        loop {
            prop_assert!(Instant::now() < deadline, "no Closed event");
            match s.next_event(Duration::from_secs(5)) {
                Ok(Some(Event::Closed { .. })) => break,
                Ok(Some(_)) => {}
                other => return Err(TestCaseError::fail(format!("{other:?}"))),
            }
        }
        prop_assert_eq!(s.state(), State::Closed);
        Ok(())
    })
    .unwrap();
    report("raw socket garbage", r.config().cases, started);
}

/// A frame header announcing `len` payload bytes (binary, final unless `more`).
fn header(len: u64, more: bool, opcode: u8) -> Vec<u8> {
    let mut h = vec![if more { opcode } else { 0x80 | opcode }];
    if len < 126 {
        h.push(len as u8);
    } else if len <= u64::from(u16::MAX) {
        h.push(126);
        h.extend_from_slice(&(len as u16).to_be_bytes());
    } else {
        h.push(127);
        h.extend_from_slice(&len.to_be_bytes());
    }
    h
}

fn assert_too_large(e: &Error) {
    assert!(matches!(e, Error::Protocol(_)), "{e:?}");
    let text = e.to_string();
    assert!(text.contains("message too large"), "{text}");
}

#[test]
fn a_frame_announcing_more_than_max_message_size_ends_the_connection_without_allocating_it() {
    let _big = big_lock();
    for announced in [16u64 << 20 | 1, 1 << 30, u64::MAX >> 1] {
        let server = RawServer::start(None);
        let s = Session::connect(raw_config(&server.endpoint)).unwrap();
        LARGEST.store(0, Ordering::SeqCst);
        let t = Instant::now();
        // Only the header: the payload never comes, so the client must not wait for it.
        server.push(Push::Raw(header(announced, false, 0x2)));
        let (code, error) = closed_error(&s);
        assert!(t.elapsed() < Duration::from_secs(2), "{:?}", t.elapsed());
        assert_eq!(code, 1006);
        assert_too_large(&error.expect("why"));
        let largest = LARGEST.load(Ordering::SeqCst);
        assert!(largest < 4 << 20, "an allocation of {largest} bytes");
    }
}

#[test]
fn a_fragmented_message_over_max_message_size_ends_the_connection() {
    let _big = big_lock();
    let server = RawServer::start(None);
    let mut c = raw_config(&server.endpoint);
    c.max_message_size = 1 << 20;
    let s = Session::connect(c).unwrap();
    // 3 fragments of 512 KiB: the second one crosses 1 MiB.
    let chunk = vec![b' '; 512 << 10];
    let mut first = header(chunk.len() as u64, true, 0x2);
    first.extend_from_slice(&chunk);
    server.push(Push::Raw(first));
    for _ in 0..2 {
        let mut more = header(chunk.len() as u64, true, 0x0);
        more.extend_from_slice(&chunk);
        server.push(Push::Raw(more));
    }
    let (code, error) = closed_error(&s);
    assert_eq!(code, 1006);
    assert_too_large(&error.expect("why"));
}

#[test]
fn max_message_size_is_the_exact_limit() {
    let _big = big_lock();
    let server = RawServer::start(None);
    let mut c = raw_config(&server.endpoint);
    c.max_message_size = 64 << 10;
    let s = Session::connect(c).unwrap();
    assert!(matches!(next(&s, "setup"), Event::SetupComplete { .. }));
    let frame = |len: usize| {
        let prefix = "{\"serverContent\":{\"modelTurn\":{\"parts\":[{\"text\":\"";
        let suffix = "\"}]}}}";
        let text = "x".repeat(len - prefix.len() - suffix.len());
        format!("{prefix}{text}{suffix}").into_bytes()
    };
    server.push(Push::Frame(frame(64 << 10), true));
    assert!(matches!(next(&s, "at the limit"), Event::Text(t) if t.len() > 60_000));
    server.push(Push::Frame(frame((64 << 10) + 1), true));
    let (code, error) = closed_error(&s);
    assert_eq!(code, 1006);
    assert_too_large(&error.expect("why"));
}

#[test]
fn an_oversized_frame_instead_of_setup_complete_fails_the_connect_clearly() {
    let _big = big_lock();
    let server = RawServer::start(Some(Push::Raw(header(1 << 32, false, 0x1))));
    let err = Session::connect(raw_config(&server.endpoint)).expect_err("too large");
    assert_too_large(&err);
}

#[test]
fn a_malformed_frame_instead_of_setup_complete_fails_the_connect_clearly() {
    let server = RawServer::start(Some(Push::Frame(b"{\"setupComplete\":".to_vec(), true)));
    match Session::connect(raw_config(&server.endpoint)) {
        Err(Error::Protocol(m)) => assert!(m.starts_with("malformed server message"), "{m}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn audio_rates_that_are_not_rates_fall_back_to_24_khz() {
    let mut live = Live::new();
    let pcm = [1u8, 0, 2, 0];
    for (mime, rate) in [
        ("audio/pcm;rate=0", 24_000),
        ("audio/pcm;rate=-5", 24_000),
        ("audio/pcm;rate=99999999999", 24_000),
        ("audio/pcm;rate=", 24_000),
        ("audio/pcm", 24_000),
        ("audio/L16;rate=16000", 16_000),
        ("AUDIO/PCM; RATE=8000", 8_000),
    ] {
        let frame = json!({"serverContent": {"modelTurn": {"parts": [{"inlineData": {
            "mimeType": mime, "data": gemini_live::protocol::encode_base64(&pcm)}}]}}});
        let events = live.feed(serde_json::to_vec(&frame).unwrap(), true);
        assert!(
            matches!(events.as_slice(), [Event::Audio(a)] if a.sample_rate == rate),
            "{mime}: {events:?}"
        );
    }
}

// ---- the HTTP upgrade's response -----------------------------------------------------------

/// A TCP server for one connection that reads the upgrade request and answers `response`
/// (then hangs up). Returns the endpoint and the request it read.
fn http_once(response: Vec<u8>) -> (String, JoinHandle<String>) {
    use std::io::Read;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("ws://{}", listener.local_addr().unwrap());
    let t = std::thread::spawn(move || {
        let (mut tcp, _) = listener.accept().unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            match tcp.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => request.extend_from_slice(&buf[..n]),
            }
        }
        let _ = tcp.write_all(&response);
        let _ = tcp.shutdown(std::net::Shutdown::Both);
        String::from_utf8_lossy(&request).into_owned()
    });
    (endpoint, t)
}

fn upgrade_error(response: &[u8]) -> Error {
    let (endpoint, t) = http_once(response.to_vec());
    let mut c = raw_config(&endpoint);
    c.timeouts.upgrade = Duration::from_secs(2);
    let err = Session::connect(c).expect_err("not a WebSocket upgrade");
    let request = t.join().unwrap();
    assert!(
        request.starts_with("GET /ws/google.ai.generativelanguage."),
        "{request}"
    );
    err
}

#[test]
fn upgrade_responses_that_are_not_a_websocket_upgrade_are_refused_clearly() {
    let upgrade_io = |e: &Error, what: &str| match e {
        Error::Io {
            phase: Some(gemini_live::Phase::Upgrade),
            message,
        } => assert!(message.contains(what), "{message}"),
        other => panic!("{other:?}"),
    };
    let e = upgrade_error(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy");
    assert!(
        matches!(&e, Error::Http { status: 503, body } if body == "busy"),
        "{e:?}"
    );
    assert!(e.is_retryable());
    let e = upgrade_error(b"HTTP/1.1 401 Unauthorized\r\n\r\n");
    assert!(matches!(&e, Error::Http { status: 401, .. }), "{e:?}");
    assert!(!e.is_retryable());
    upgrade_io(
        &upgrade_error(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
              Sec-WebSocket-Accept: d3Jvbmc=\r\n\r\n",
        ),
        "Sec-WebSocket-Accept",
    );
    upgrade_io(
        &upgrade_error(b"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n\r\n"),
        "Upgrade: websocket",
    );
    upgrade_io(
        &upgrade_error(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"),
        "Connection: Upgrade",
    );
    upgrade_io(&upgrade_error(b"SSH-2.0-OpenSSH\r\n\r\n"), "not HTTP/1.x");
    upgrade_io(&upgrade_error(b"HTTP/1.1 \xff\xfe\r\n\r\n"), "not UTF-8");
    upgrade_io(&upgrade_error(b"HTTP/1.1 101 Swi"), "closed the connection");
    let mut endless = b"HTTP/1.1 101 Switching Protocols\r\n".to_vec();
    while endless.len() < 100_000 {
        endless.extend_from_slice(b"X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
    }
    upgrade_io(&upgrade_error(&endless), "too large");
}

#[test]
fn any_upgrade_response_is_an_error_or_a_session_never_a_panic() {
    let started = Instant::now();
    let mut r = runner_with(cases(2_400) / 50);
    let response = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..200),
        (
            prop::sample::select(vec!["101", "200", "301", "429", "500", "999", "1x1", ""]),
            prop::collection::vec(("[A-Za-z-]{1,20}", "\\PC{0,30}"), 0..6),
            "\\PC{0,40}",
        )
            .prop_map(|(status, headers, body)| {
                let mut s = format!("HTTP/1.1 {status} Whatever\r\n");
                for (n, v) in headers {
                    s.push_str(&format!("{n}: {v}\r\n"));
                }
                s.push_str("\r\n");
                s.push_str(&body);
                s.into_bytes()
            }),
    ];
    r.run(&response, |bytes| {
        let (endpoint, t) = http_once(bytes);
        let mut c = raw_config(&endpoint);
        c.timeouts.upgrade = Duration::from_secs(2);
        let result = Session::connect(c);
        t.join().unwrap();
        let e = result
            .err()
            .ok_or_else(|| TestCaseError::fail("a session from garbage"))?;
        prop_assert!(
            matches!(
                e,
                Error::Http { .. }
                    | Error::Io { .. }
                    | Error::Timeout(_)
                    | Error::ConnectionLost(_)
            ),
            "{:?}",
            e
        );
        prop_assert!(e.to_string().len() < 600, "{}", e);
        Ok(())
    })
    .unwrap();
    report("upgrade responses", r.config().cases, started);
}
