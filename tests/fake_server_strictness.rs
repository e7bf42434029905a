//! The fake Live server is as strict as the real service, accepts what the official SDKs
//! send (tests/golden), answers deterministically and injects faults where told.
//!
//! Every test drives the server with a raw tungstenite client; reads time out after 2 s so a
//! broken expectation fails fast instead of hanging.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use base64::Engine;
use gemini_live::fake::{
    fnv1a64, fnv1a64_update, synth_reply_audio, FakeOptions, FakeServer, Fault, FaultPlan,
    FNV_OFFSET,
};
use serde_json::{json, Value};
use tungstenite::client::IntoClientRequest;
use tungstenite::http::{HeaderName, HeaderValue};
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::CloseFrame;
use tungstenite::{Message, WebSocket};

const KEY: &str = "AIzaFAKE";
const V1ALPHA: &str =
    "/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContent";
const V1BETA: &str =
    "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent";
const CONSTRAINED: &str =
    "/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained";
const MODEL: &str = "models/fake-text-live";
const INVALID_ARGUMENT: &str = "Request contains an invalid argument.";
const BAD_AUDIO: &str = "Request contains an invalid argument: invalid audio format, expected 16khz s16le pcm, mono channel";
const WAIT: Duration = Duration::from_secs(2);

// ---------------------------------------------------------------- a raw client

enum Stream {
    Plain(TcpStream),
    Tls(Box<native_tls::TlsStream<TcpStream>>),
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
        }
    }
}

#[derive(Debug, PartialEq)]
enum Got {
    Text(String),
    Binary(Vec<u8>),
    Close(u16, String),
    Timeout,
    Eof,
}

struct Client {
    ws: WebSocket<Stream>,
    tcp: TcpStream,
}

fn server(options: FakeOptions) -> FakeServer {
    FakeServer::start(options).expect("start fake server")
}

fn keyed() -> FakeOptions {
    FakeOptions {
        api_key: Some(KEY.into()),
        ..FakeOptions::default()
    }
}

fn connect_with(
    srv: &FakeServer,
    path: &str,
    query: &str,
    headers: &[(&str, &str)],
) -> Result<Client, tungstenite::Error> {
    let tcp = TcpStream::connect(srv.addr())?;
    tcp.set_read_timeout(Some(WAIT))?;
    tcp.set_nodelay(true)?;
    let q = if query.is_empty() {
        String::new()
    } else {
        format!("?{query}")
    };
    let port = srv.addr().port();
    let (uri, stream) = match srv.ca_pem() {
        Some(pem) => {
            let ca = native_tls::Certificate::from_pem(pem.as_bytes()).expect("CA pem");
            let connector = native_tls::TlsConnector::builder()
                .add_root_certificate(ca)
                .build()
                .expect("TLS connector");
            let tls = connector
                .connect("localhost", tcp.try_clone()?)
                .map_err(|e| io::Error::other(e.to_string()))?;
            (
                format!("wss://localhost:{port}{path}{q}"),
                Stream::Tls(Box::new(tls)),
            )
        }
        None => (
            format!("ws://127.0.0.1:{port}{path}{q}"),
            Stream::Plain(tcp.try_clone()?),
        ),
    };
    let mut req = uri.into_client_request()?;
    for (k, v) in headers {
        let name = HeaderName::from_bytes(k.as_bytes()).expect("header name");
        req.headers_mut()
            .append(name, HeaderValue::from_str(v).expect("header value"));
    }
    match tungstenite::client::client_with_config(req, stream, None) {
        Ok((ws, _)) => Ok(Client { ws, tcp }),
        Err(tungstenite::HandshakeError::Failure(e)) => Err(e),
        Err(tungstenite::HandshakeError::Interrupted(_)) => {
            Err(io::Error::new(io::ErrorKind::TimedOut, "upgrade timed out").into())
        }
    }
}

fn connect(srv: &FakeServer) -> Client {
    connect_with(srv, V1ALPHA, "", &[("x-goog-api-key", KEY)]).expect("upgrade")
}

impl Client {
    fn send(&mut self, v: &Value) {
        self.send_raw(&v.to_string());
    }

    fn send_raw(&mut self, text: &str) {
        self.ws.send(Message::text(text)).expect("send");
    }

    fn recv(&mut self) -> Got {
        loop {
            match self.ws.read() {
                Ok(Message::Text(t)) => return Got::Text(t.as_str().to_owned()),
                Ok(Message::Binary(b)) => return Got::Binary(b.to_vec()),
                Ok(Message::Close(f)) => {
                    return f.map_or(Got::Close(1005, String::new()), |f| {
                        Got::Close(u16::from(f.code), f.reason.as_str().to_owned())
                    })
                }
                Ok(_) => {}
                Err(tungstenite::Error::Io(e))
                    if matches!(
                        e.kind(),
                        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                    ) =>
                {
                    return Got::Timeout
                }
                Err(_) => return Got::Eof,
            }
        }
    }

    /// The next server message, which must be JSON.
    fn msg(&mut self) -> Value {
        match self.recv() {
            Got::Text(t) => serde_json::from_str(&t).expect("server JSON"),
            Got::Binary(b) => serde_json::from_slice(&b).expect("server JSON"),
            other => panic!("expected a message, got {other:?}"),
        }
    }

    /// Messages up to and including the first that matches `stop`, or the close that came
    /// first.
    fn until(&mut self, stop: impl Fn(&Value) -> bool) -> Result<Vec<Value>, (u16, String)> {
        let mut out = Vec::new();
        loop {
            let m = match self.recv() {
                Got::Text(t) => serde_json::from_str(&t).expect("server JSON"),
                Got::Binary(b) => serde_json::from_slice(&b).expect("server JSON"),
                Got::Close(c, r) => return Err((c, r)),
                other => panic!("expected a message, got {other:?} after {out:?}"),
            };
            let done = stop(&m);
            out.push(m);
            if done {
                return Ok(out);
            }
        }
    }

    fn turn(&mut self) -> Vec<Value> {
        self.until(|m| m["serverContent"]["turnComplete"] == true)
            .expect("a complete turn")
    }

    /// Skip messages until the server closes; its code and reason.
    fn close_code(&mut self) -> (u16, String) {
        loop {
            match self.recv() {
                Got::Close(c, r) => return (c, r),
                Got::Text(_) | Got::Binary(_) => {}
                other => panic!("expected a close frame, got {other:?}"),
            }
        }
    }

    fn setup(&mut self, setup: Value) -> Vec<Value> {
        self.send(&json!({ "setup": setup }));
        self.until(|m| m.get("setupComplete").is_some())
            .expect("setupComplete")
    }

    fn say(&mut self, text: &str) -> Vec<Value> {
        self.send(&json!({"clientContent": {"turns": [{"role": "user", "parts": [{"text": text}]}], "turnComplete": true}}));
        self.turn()
    }

    fn read_timeout(&self, d: Duration) {
        self.tcp.set_read_timeout(Some(d)).expect("timeout");
    }

    /// Close from the client side (discarding messages still in flight); what the server's
    /// answering close frame said.
    fn close(&mut self) -> (u16, String) {
        let frame = CloseFrame {
            code: CloseCode::Normal,
            reason: "".into(),
        };
        let _ = self.ws.close(Some(frame));
        self.close_code()
    }
}

fn text_setup() -> Value {
    json!({"model": MODEL, "generationConfig": {"responseModalities": ["TEXT"]}})
}

/// Reply text of a turn: model text parts, else the output transcription.
fn reply_text(msgs: &[Value]) -> String {
    let parts: String = msgs
        .iter()
        .filter_map(|m| m["serverContent"]["modelTurn"]["parts"][0]["text"].as_str())
        .collect();
    if !parts.is_empty() {
        return parts;
    }
    msgs.iter()
        .filter_map(|m| m["serverContent"]["outputTranscription"]["text"].as_str())
        .collect()
}

fn handle_of(msgs: &[Value]) -> Option<String> {
    msgs.iter()
        .rev()
        .find_map(|m| m["sessionResumptionUpdate"]["newHandle"].as_str())
        .map(str::to_owned)
}

fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

fn b64_decode(s: &str) -> Vec<u8> {
    let std: String = s.replace('-', "+").replace('_', "/");
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(std.trim_end_matches('='))
        .expect("base64")
}

fn truncate(s: &str) -> String {
    let mut end = s.len().min(123);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

/// Poll `cond` (every 5 ms) until it holds or 2 s pass.
fn wait_until(what: &str, cond: impl Fn() -> bool) {
    let end = Instant::now() + WAIT;
    while !cond() {
        assert!(Instant::now() < end, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

// ---------------------------------------------------------------- golden captures

const GOLDEN: &[&str] = &[
    "js_activity",
    "js_audio",
    "js_errors",
    "js_goaway",
    "js_resume",
    "js_text",
    "js_tool",
    "py_activity",
    "py_audio",
    "py_big_config",
    "py_errors",
    "py_goaway",
    "py_resume",
    "py_text",
    "py_text_v1beta",
    "py_tool",
];

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn load_golden(name: &str) -> Value {
    let path = golden_dir().join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "golden capture {} is missing ({e}): tests/golden/ holds the captures",
            path.display()
        )
    });
    serde_json::from_str(&text).expect("golden JSON")
}

/// `<redacted:8 chars>` is the valid key; other lengths stand for wrong keys.
fn unredact(v: &str) -> String {
    match v
        .strip_prefix("<redacted:")
        .and_then(|r| r.strip_suffix(" chars>"))
    {
        Some("8") => KEY.to_string(),
        Some(n) => "x".repeat(n.parse().unwrap_or(5)),
        None => v.to_string(),
    }
}

fn top<'a>(v: &'a Value, camel: &str, snake: &str) -> Option<&'a Value> {
    v.get(camel).or_else(|| v.get(snake))
}

/// Expected reply texts of the audio turns in a capture, computed from its frames.
fn golden_audio_replies(g: &Value) -> Vec<String> {
    let mut turns = Vec::new();
    let mut cur: Vec<u8> = Vec::new();
    for f in g["frames"].as_array().expect("frames") {
        let v: Value = serde_json::from_str(f["raw"].as_str().expect("raw")).expect("frame");
        let Some(rt) = top(&v, "realtimeInput", "realtime_input") else {
            continue;
        };
        if let Some(a) = rt.get("audio") {
            cur.extend(b64_decode(a["data"].as_str().expect("data")));
        }
        if let Some(chunks) = top(rt, "mediaChunks", "media_chunks") {
            cur.extend(b64_decode(chunks[0]["data"].as_str().expect("data")));
        }
        if top(rt, "audioStreamEnd", "audio_stream_end").is_some()
            || top(rt, "activityEnd", "activity_end").is_some()
        {
            let n = turns.len() + 1;
            turns.push(format!(
                "[turn {n}] heard {} bytes of audio, checksum {:016x}",
                cur.len(),
                fnv1a64(&cur)
            ));
            cur.clear();
        }
    }
    turns
}

/// Replay a capture: its handshakes, its frames per connection (with our handle and call id
/// substituted). Returns the reply text of every turn; asserts the closes match the note.
fn replay_golden(name: &str) -> Vec<String> {
    let g = load_golden(name);
    let note = g["note"].as_str().expect("note");
    let closes = note.split_once("closes: ").expect("closes in note").1;
    let expected: Vec<(u16, String)> = serde_json::from_str::<Vec<(u16, String)>>(closes)
        .expect("closes JSON")
        .into_iter()
        .map(|(c, r)| (c, truncate(&r)))
        .collect();
    let goaway = name.ends_with("goaway");
    let faults = if goaway {
        FaultPlan::new().at(
            1,
            2,
            Fault::GoAwayStrict {
                time_left: Duration::from_millis(50),
                close_after: Duration::from_millis(100),
            },
        )
    } else {
        FaultPlan::new()
    };
    let srv = server(FakeOptions { faults, ..keyed() });
    let (mut seen_closes, mut replies) = (Vec::new(), Vec::new());
    let (mut handle, mut call_id): (Option<String>, Option<String>) = (None, None);
    for (i, hs) in g["handshakes"]
        .as_array()
        .expect("handshakes")
        .iter()
        .enumerate()
    {
        let conn = i + 1;
        let query: Vec<String> = hs["query"]
            .as_object()
            .expect("query")
            .iter()
            .flat_map(|(k, vs)| {
                let vs = vs.as_array().cloned().unwrap_or_default();
                vs.into_iter()
                    .map(move |v| format!("{k}={}", unredact(v.as_str().unwrap_or(""))))
            })
            .collect();
        let skip = [
            "connection",
            "upgrade",
            "sec-websocket-version",
            "sec-websocket-key",
            "host",
        ];
        let headers: Vec<(String, String)> = hs["headers"]
            .as_object()
            .expect("headers")
            .iter()
            .filter(|(k, _)| !skip.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), unredact(v.as_str().unwrap_or(""))))
            .collect();
        let hdrs: Vec<(&str, &str)> = headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let path = hs["path"].as_str().expect("path");
        let mut c = connect_with(&srv, path, &query.join("&"), &hdrs)
            .unwrap_or_else(|e| panic!("{name}: upgrade of connection {conn} failed: {e}"));
        let mut resumption = false;
        let mut closed = None;
        let mut sent = Vec::new();
        for f in g["frames"].as_array().expect("frames") {
            if f["conn"].as_u64() != Some(conn as u64) {
                continue;
            }
            // The captures' model was retired since, and the fake closes it 1008 as the
            // service does: its own TEXT model stands in for it.
            let mut raw = (f["raw"].as_str().expect("raw"))
                .replace("models/gemini-live-2.5-flash-preview", MODEL);
            let v: Value = serde_json::from_str(&raw).expect("frame JSON");
            let setup = v.get("setup");
            let sr = setup.and_then(|s| top(s, "sessionResumption", "session_resumption"));
            if let Some(old) = sr.and_then(|r| r["handle"].as_str()) {
                if old != "bogus" {
                    raw = raw.replace(old, handle.as_deref().expect("a handle from before"));
                }
            }
            let tool = top(&v, "toolResponse", "tool_response");
            if let Some(old) = tool.and_then(|t| t["functionResponses"][0]["id"].as_str()) {
                raw = raw.replace(old, call_id.as_deref().expect("a call id from before"));
            }
            if f["frame"] == "binary" {
                c.ws.send(Message::binary(raw.clone().into_bytes()))
                    .expect("send");
            } else {
                c.send_raw(&raw);
            }
            sent.push(raw);
            let cc = top(&v, "clientContent", "client_content");
            let rt = top(&v, "realtimeInput", "realtime_input");
            let wants_turn = cc
                .is_some_and(|c| top(c, "turnComplete", "turn_complete") == Some(&json!(true)))
                || rt.is_some_and(|r| {
                    r.get("text").is_some()
                        || top(r, "audioStreamEnd", "audio_stream_end").is_some()
                        || top(r, "activityEnd", "activity_end").is_some()
                })
                || tool.is_some();
            let got = if setup.is_some() {
                resumption = sr.is_some();
                c.until(|m| m.get("setupComplete").is_some())
            } else if wants_turn {
                c.until(|m| {
                    m["serverContent"]["turnComplete"] == true || m.get("toolCall").is_some()
                })
            } else {
                Ok(Vec::new())
            };
            let mut msgs = match got {
                Ok(m) => m,
                Err(close) => {
                    closed = Some(close);
                    break;
                }
            };
            let ended_turn = msgs
                .iter()
                .any(|m| m["serverContent"]["turnComplete"] == true);
            if resumption && (setup.is_some() || ended_turn) {
                msgs.extend(
                    c.until(|m| m["sessionResumptionUpdate"]["newHandle"].is_string())
                        .expect("handle"),
                );
            }
            if let Some(h) = handle_of(&msgs) {
                handle = Some(h);
            }
            if let Some(id) = msgs
                .iter()
                .find_map(|m| m["toolCall"]["functionCalls"][0]["id"].as_str())
            {
                call_id = Some(id.to_string());
            }
            if ended_turn {
                replies.push(reply_text(&msgs));
            }
        }
        let closed = match closed {
            Some(c) => Some(c),
            None if goaway => {
                let m = c.msg();
                assert_eq!(m, json!({"goAway": {"timeLeft": "0.050s"}}), "{name}");
                Some(c.close_code())
            }
            None => Some(c.close()).filter(|(code, _)| *code != 1000),
        };
        seen_closes.extend(closed);
        let rec = &srv.connections()[i];
        assert_eq!(
            rec.frames, sent,
            "{name}: the server recorded what was sent"
        );
        assert_eq!(rec.path, path);
    }
    assert_eq!(seen_closes, expected, "{name}: server closes");
    replies
}

#[test]
fn every_golden_capture_has_a_test() {
    let dir = golden_dir();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("golden captures missing at {}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_suffix(".json")
                .map(str::to_owned)
        })
        .collect();
    names.sort();
    assert_eq!(names, GOLDEN);
}

fn golden_texts(name: &str, expected: &[&str]) {
    assert_eq!(replay_golden(name), expected, "{name}");
}

fn golden_audio(name: &str) {
    let expected = golden_audio_replies(&load_golden(name));
    assert!(!expected.is_empty());
    assert_eq!(replay_golden(name), expected, "{name}");
}

const TEXT_REPLIES: &[&str] = &[
    "[turn 1] echo: hello",
    "[turn 2] echo: world",
    "[turn 3] echo: realtime hi",
];
const RESUME_REPLIES: &[&str] = &["[turn 1] echo: first", "[turn 2] echo: second"];
const TOOL_REPLIES: &[&str] = &["[turn 1] tool get_weather returned {\"temp_c\":21}"];

#[test]
fn golden_js_activity() {
    golden_audio("js_activity");
}
#[test]
fn golden_js_audio() {
    golden_audio("js_audio");
}
#[test]
fn golden_js_errors() {
    golden_texts("js_errors", &[]);
}
#[test]
fn golden_js_goaway() {
    golden_texts("js_goaway", &["[turn 1] echo: hi"]);
}
#[test]
fn golden_js_resume() {
    golden_texts("js_resume", RESUME_REPLIES);
}
#[test]
fn golden_js_text() {
    golden_texts("js_text", TEXT_REPLIES);
}
#[test]
fn golden_js_tool() {
    golden_texts("js_tool", TOOL_REPLIES);
}
#[test]
fn golden_py_activity() {
    golden_audio("py_activity");
}
#[test]
fn golden_py_audio() {
    golden_audio("py_audio");
}
#[test]
fn golden_py_big_config() {
    // "a" (user) and "b" (model) were sent as history: one answered exchange in the context.
    golden_texts("py_big_config", &["[turn 2] echo: c"]);
}
#[test]
fn golden_py_errors() {
    golden_texts("py_errors", &[]);
}
#[test]
fn golden_py_goaway() {
    golden_texts("py_goaway", &["[turn 1] echo: hi"]);
}
#[test]
fn golden_py_resume() {
    golden_texts("py_resume", RESUME_REPLIES);
}
#[test]
fn golden_py_text() {
    golden_texts("py_text", TEXT_REPLIES);
}
#[test]
fn golden_py_text_v1beta() {
    golden_texts("py_text_v1beta", &["[turn 1] echo: ping"]);
}
#[test]
fn golden_py_tool() {
    golden_texts("py_tool", TOOL_REPLIES);
}

// ---------------------------------------------------------------- strictness

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

fn setup_msg() -> Value {
    json!({"setup": text_setup()})
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

// ---------------------------------------------------------------- deterministic replies

#[test]
fn text_turn_echoes_in_parts_with_usage() {
    let srv = server(keyed());
    let mut c = connect(&srv);
    assert_eq!(c.setup(text_setup()), vec![json!({"setupComplete": {}})]);
    let msgs = c.say("hello there");
    assert_eq!(msgs.len(), 5, "{msgs:?}");
    assert_eq!(reply_text(&msgs), "[turn 1] echo: hello there");
    assert_eq!(
        msgs[3],
        json!({"serverContent": {"generationComplete": true}})
    );
    let usage = &msgs[4]["usageMetadata"];
    assert_eq!(
        usage["totalTokenCount"],
        json!(
            usage["promptTokenCount"].as_u64().unwrap()
                + usage["responseTokenCount"].as_u64().unwrap()
        )
    );
    assert_eq!(reply_text(&c.say("again")), "[turn 2] echo: again");
    let snap = srv.state_snapshot();
    assert_eq!(snap.len(), 1);
    assert_eq!(snap[0].turns, 2);
    assert_eq!(snap[0].texts, vec!["hello there", "again"]);
}

#[test]
fn audio_turn_reports_the_checksum_of_its_audio() {
    let srv = server(keyed());
    let mut c = connect(&srv);
    c.setup(
        json!({"model": MODEL, "generationConfig": {"responseModalities": ["AUDIO"]},
                   "inputAudioTranscription": {}, "outputAudioTranscription": {}}),
    );
    let chunks: Vec<Vec<u8>> = (0u8..3)
        .map(|k| (0..640).map(|i| (i as u8).wrapping_mul(k + 1)).collect())
        .collect();
    for (i, chunk) in chunks.iter().enumerate() {
        // the last chunk in the URL-safe alphabet without padding, as Python may send it
        let data = if i == 2 {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(chunk)
        } else {
            b64(chunk)
        };
        c.send(&json!({"realtimeInput": {"audio": {"mimeType": "audio/pcm;rate=16000", "data": data}}}));
    }
    c.send(&json!({"realtimeInput": {"audioStreamEnd": true}}));
    let msgs = c.turn();
    let all: Vec<u8> = chunks.concat();
    let expected = format!(
        "[turn 1] heard 1920 bytes of audio, checksum {:016x}",
        fnv1a64(&all)
    );
    assert_eq!(
        msgs[0],
        json!({"serverContent": {"inputTranscription": {"text": "1920 bytes of audio", "finished": true}}})
    );
    assert_eq!(reply_text(&msgs), expected);
    let mut audio = Vec::new();
    for m in &msgs {
        let part = &m["serverContent"]["modelTurn"]["parts"][0]["inlineData"];
        if let Some(d) = part["data"].as_str() {
            assert_eq!(part["mimeType"], "audio/pcm;rate=24000");
            audio.extend(b64_decode(d));
        }
    }
    assert_eq!(audio, synth_reply_audio(1, 400));
    // A second turn reports only its own audio; the session checksum runs over everything.
    let more = vec![7u8; 320];
    c.send(&json!({"realtimeInput": {"audio": {"data": b64(&more)}}}));
    c.send(&json!({"realtimeInput": {"audioStreamEnd": true}}));
    let expected = format!(
        "[turn 2] heard 320 bytes of audio, checksum {:016x}",
        fnv1a64(&more)
    );
    assert_eq!(reply_text(&c.turn()), expected);
    let snap = &srv.state_snapshot()[0];
    assert_eq!(snap.input_bytes, 2240);
    assert_eq!(
        snap.input_checksum,
        fnv1a64_update(fnv1a64_update(FNV_OFFSET, &all), &more)
    );
}

#[test]
fn tool_call_round_trip() {
    let srv = server(keyed());
    let mut c = connect(&srv);
    c.setup(text_setup());
    c.send(&json!({"clientContent": {"turns": [{"role": "user", "parts": [{"text": "call tool get_weather with {\"city\": \"Paris\"}"}]}], "turnComplete": true}}));
    let call = c.msg();
    let fc = &call["toolCall"]["functionCalls"][0];
    assert_eq!(fc["name"], "get_weather");
    assert_eq!(fc["args"], json!({"city": "Paris"}));
    let id = fc["id"].as_str().expect("id").to_string();
    assert!(id.starts_with("function-call-"), "{id}");
    c.send(&json!({"toolResponse": {"functionResponses": [{"id": id, "name": "get_weather", "response": {"temp_c": 21}}]}}));
    assert_eq!(
        reply_text(&c.turn()),
        "[turn 1] tool get_weather returned {\"temp_c\":21}"
    );
    // An id the server never issued.
    c.send(&json!({"toolResponse": {"functionResponses": [{"id": id, "response": {}}]}}));
    assert_eq!(
        c.close_code(),
        (1008, "Requested entity was not found.".into())
    );
}

#[test]
fn tool_response_without_id_closes_1007() {
    let srv = server(keyed());
    let mut c = connect(&srv);
    c.setup(text_setup());
    c.send(&json!({"toolResponse": {"functionResponses": [{"name": "f", "response": {}}]}}));
    assert_eq!(c.close_code(), (1007, INVALID_ARGUMENT.into()));
}

#[test]
fn special_texts_exercise_unknown_messages_interruption_and_usage() {
    let srv = server(keyed());
    let mut c = connect(&srv);
    c.setup(text_setup());
    let msgs = c.say("send unknown");
    assert_eq!(msgs[0], json!({"someFutureMessage": {"x": 1}}));
    assert_eq!(reply_text(&msgs), "[turn 1] echo: send unknown");
    let msgs = c.say("interrupt me");
    assert_eq!(msgs.len(), 4, "{msgs:?}");
    assert_eq!(msgs[2], json!({"serverContent": {"interrupted": true}}));
    let msgs = c.say("usage only");
    assert_eq!(msgs[0]["serverContent"], json!({}));
    assert!(msgs[0]["usageMetadata"]["promptTokenCount"].is_u64());
    assert_eq!(reply_text(&msgs), "[turn 3] echo: usage only");
}

fn resumable_setup(handle: Option<&str>) -> Value {
    let sr = handle.map_or(json!({}), |h| json!({"handle": h}));
    json!({"model": MODEL, "generationConfig": {"responseModalities": ["TEXT"]}, "sessionResumption": sr})
}

/// Setup and read the handle that follows setupComplete.
fn resumable(c: &mut Client, handle: Option<&str>) -> String {
    c.setup(resumable_setup(handle));
    handle_of(&[c.msg()]).expect("a handle after setupComplete")
}

#[test]
fn resumption_restores_the_turn_counter_across_connections() {
    let srv = server(keyed());
    let mut c1 = connect(&srv);
    let h0 = resumable(&mut c1, None);
    assert!(h0.len() >= 48);
    let msgs = c1.say("one");
    assert_eq!(
        msgs[0],
        json!({"sessionResumptionUpdate": {"resumable": false}})
    );
    assert_eq!(reply_text(&msgs), "[turn 1] echo: one");
    let h1 = handle_of(&[c1.msg()]).expect("a handle after the turn");
    assert_eq!(c1.close(), (1000, String::new()));

    let mut c2 = connect(&srv);
    resumable(&mut c2, Some(&h1));
    assert_eq!(reply_text(&c2.say("two")), "[turn 2] echo: two");
    assert_eq!(c2.close().0, 1000);
    assert_eq!(
        srv.connections()[1].resumed_handle.as_deref(),
        Some(h1.as_str())
    );
    let snap = srv.state_snapshot();
    assert_eq!((snap.len(), snap[0].turns), (1, 2));
    assert_eq!(snap[0].texts, vec!["one", "two"]);

    // An older handle restores the older state.
    let mut c3 = connect(&srv);
    resumable(&mut c3, Some(&h0));
    assert_eq!(reply_text(&c3.say("zero")), "[turn 1] echo: zero");
}

#[test]
fn resume_while_the_old_socket_is_open_closes_1011() {
    let srv = server(keyed());
    let mut c1 = connect(&srv);
    let h = resumable(&mut c1, None);
    let mut c2 = connect(&srv);
    c2.send(&json!({"setup": resumable_setup(Some(&h))}));
    assert_eq!(
        c2.close_code(),
        (1011, "The service is currently unavailable.".into())
    );
    // The old connection is unaffected.
    assert_eq!(
        reply_text(&c1.say("still here"))
            .split_once("] ")
            .map(|x| x.1),
        Some("echo: still here")
    );
}

#[test]
fn expired_handle_closes_1008() {
    let srv = server(FakeOptions {
        handle_ttl: Duration::ZERO,
        ..keyed()
    });
    let mut c1 = connect(&srv);
    let h = resumable(&mut c1, None);
    c1.close();
    let mut c2 = connect(&srv);
    c2.send(&json!({"setup": resumable_setup(Some(&h))}));
    assert_eq!(
        c2.close_code(),
        (1008, truncate(&format!("unknown or expired handle {h}")))
    );
}

// ---------------------------------------------------------------- faults

fn faulty(plan: FaultPlan) -> FakeServer {
    server(FakeOptions {
        faults: plan,
        ..keyed()
    })
}

fn say_msg(text: &str) -> Value {
    json!({"clientContent": {"turns": [{"role": "user", "parts": [{"text": text}]}], "turnComplete": true}})
}

#[test]
fn drop_fault_cuts_the_connection_without_a_close_frame() {
    let srv = faulty(FaultPlan::new().at(1, 2, Fault::Drop));
    let mut c = connect(&srv);
    c.setup(text_setup());
    c.send(&say_msg("lost"));
    assert_eq!(c.recv(), Got::Eof);
    wait_until("the record to close", || !srv.connections()[0].open);
    let rec = &srv.connections()[0];
    assert_eq!(rec.frames.len(), 2);
    assert_eq!(rec.close_sent, None);
    assert_eq!(
        srv.state_snapshot()[0].turns,
        0,
        "the dropped message was not processed"
    );
}

#[test]
fn close_fault_closes_before_the_reply() {
    let plan = FaultPlan::new().at(
        2,
        3,
        Fault::Close {
            code: 1011,
            reason: "Internal error occurred.".into(),
        },
    );
    let srv = faulty(plan);
    let mut c1 = connect(&srv);
    c1.setup(text_setup());
    c1.say("a");
    c1.say("b");
    let mut c2 = connect(&srv);
    c2.setup(text_setup());
    c2.say("a");
    c2.send(&say_msg("b"));
    match c2.recv() {
        Got::Close(code, reason) => {
            assert_eq!((code, reason.as_str()), (1011, "Internal error occurred."))
        }
        other => panic!("expected the close before any reply, got {other:?}"),
    }
    assert_eq!(
        srv.connections()[1].close_sent,
        Some((1011, "Internal error occurred.".into()))
    );
}

#[test]
fn goaway_then_deadline_closes_1011_but_serves_until_then() {
    let plan = FaultPlan::new().at(
        1,
        1,
        Fault::GoAway {
            time_left: Duration::from_secs(5),
            then_close_after: Some(Duration::from_millis(300)),
        },
    );
    let srv = faulty(plan);
    let mut c = connect(&srv);
    c.setup(text_setup());
    assert_eq!(c.msg(), json!({"goAway": {"timeLeft": "5s"}}));
    assert_eq!(reply_text(&c.say("still")), "[turn 1] echo: still");
    assert_eq!(
        c.close_code(),
        (
            1011,
            "Deadline expired before operation could complete.".into()
        )
    );
}

#[test]
fn strict_goaway_closes_1008_as_gemini_3_does() {
    let plan = FaultPlan::new().at(
        1,
        1,
        Fault::GoAwayStrict {
            time_left: Duration::from_millis(1500),
            close_after: Duration::from_millis(50),
        },
    );
    let srv = faulty(plan);
    let mut c = connect(&srv);
    c.setup(text_setup());
    assert_eq!(c.msg(), json!({"goAway": {"timeLeft": "1.500s"}}));
    let (code, reason) = c.close_code();
    assert_eq!(code, 1008);
    assert_eq!(reason, "Connection aborted because the client failed to close the connection after receiving a GoAway signal once the session durat");
}

#[test]
fn stall_fault_goes_silent_and_holds_the_socket() {
    let srv = faulty(FaultPlan::new().at(1, 2, Fault::Stall));
    let mut c = connect(&srv);
    c.setup(text_setup());
    c.send(&say_msg("anyone?"));
    c.read_timeout(Duration::from_millis(300));
    assert_eq!(c.recv(), Got::Timeout);
    assert!(srv.connections()[0].open);
    drop(c);
    wait_until("the stalled connection to end", || {
        !srv.connections()[0].open
    });
}

#[test]
fn upgrade_faults_refuse_drop_and_stall() {
    let plan = FaultPlan::new()
        .on_upgrade(1, Fault::RefuseUpgrade { status: 503 })
        .on_upgrade(2, Fault::Drop)
        .on_upgrade(3, Fault::Stall)
        .on_upgrade(
            4,
            Fault::Close {
                code: 1011,
                reason: "nope".into(),
            },
        );
    let srv = faulty(plan);
    match connect_with(&srv, V1ALPHA, "", &[]).err().expect("refused") {
        tungstenite::Error::Http(resp) => assert_eq!(resp.status().as_u16(), 503),
        other => panic!("expected HTTP 503, got {other}"),
    }
    assert!(
        connect_with(&srv, V1ALPHA, "", &[]).is_err(),
        "dropped upgrade"
    );
    let tcp = TcpStream::connect(srv.addr()).expect("connect");
    tcp.set_read_timeout(Some(Duration::from_millis(200)))
        .expect("timeout");
    let req = format!("ws://127.0.0.1:{}{V1ALPHA}", srv.addr().port())
        .into_client_request()
        .expect("req");
    assert!(
        matches!(
            tungstenite::client::client(req, tcp),
            Err(tungstenite::HandshakeError::Interrupted(_))
        ),
        "a stalled upgrade is never answered"
    );
    let mut c = connect(&srv);
    assert_eq!(c.close_code(), (1011, "nope".into()));
}

#[test]
fn malformed_fault_sends_invalid_json_then_carries_on() {
    let srv = faulty(FaultPlan::new().at(1, 2, Fault::Malformed));
    let mut c = connect(&srv);
    c.setup(text_setup());
    c.send(&say_msg("x"));
    assert_eq!(c.recv(), Got::Text("{\"serverContent\": {".into()));
    assert_eq!(reply_text(&c.turn()), "[turn 1] echo: x");
}

#[test]
fn unknown_message_fault_follows_the_reply() {
    let srv = faulty(FaultPlan::new().at(1, 1, Fault::UnknownMessage));
    let mut c = connect(&srv);
    c.setup(text_setup());
    assert_eq!(c.msg(), json!({"someFutureMessage": {"x": 1}}));
}

#[test]
fn slow_reader_fault_delays_each_later_read() {
    let delay = Duration::from_millis(200);
    let srv = faulty(FaultPlan::new().at(1, 2, Fault::SlowReader { delay }));
    let mut c = connect(&srv);
    c.setup(text_setup());
    c.say("first");
    let t = Instant::now();
    c.say("second");
    assert!(
        t.elapsed() >= delay * 3 / 4,
        "answered after {:?}",
        t.elapsed()
    );
}

#[test]
fn silent_drop_fault_keeps_input_but_never_answers() {
    let srv = faulty(FaultPlan::new().at(1, 3, Fault::SilentDrop));
    let mut c = connect(&srv);
    c.setup(text_setup());
    c.say("answered");
    c.send(&say_msg("ignored"));
    c.read_timeout(Duration::from_millis(300));
    assert_eq!(c.recv(), Got::Timeout);
    let snap = &srv.state_snapshot()[0];
    assert_eq!(snap.turns, 1);
    assert_eq!(snap.texts, vec!["answered", "ignored"]);
}

#[test]
fn binary_frames_option_sends_json_in_binary_frames() {
    let srv = server(FakeOptions {
        binary_frames: true,
        ..keyed()
    });
    let mut c = connect(&srv);
    c.send(&setup_msg());
    assert_eq!(c.recv(), Got::Binary(b"{\"setupComplete\":{}}".to_vec()));
}

#[test]
fn tls_connection_with_the_ca_added() {
    let srv = server(FakeOptions {
        tls: true,
        ..keyed()
    });
    assert!(srv.endpoint().starts_with("wss://localhost:"));
    let mut c = connect(&srv);
    c.setup(text_setup());
    assert_eq!(reply_text(&c.say("secure")), "[turn 1] echo: secure");
    // Without the CA the certificate is rejected.
    let tcp = TcpStream::connect(srv.addr()).expect("connect");
    let plain = native_tls::TlsConnector::new().expect("connector");
    assert!(plain.connect("localhost", tcp).is_err());
}

#[test]
fn shutdown_closes_live_connections_promptly() {
    let srv = server(keyed());
    let mut c = connect(&srv);
    c.setup(text_setup());
    let t = Instant::now();
    srv.shutdown();
    assert!(
        t.elapsed() < Duration::from_secs(1),
        "shutdown took {:?}",
        t.elapsed()
    );
    match c.recv() {
        Got::Close(code, _) => assert_eq!(code, 1001),
        Got::Eof => {}
        other => panic!("expected the connection to end, got {other:?}"),
    }
}

#[test]
fn records_describe_each_connection() {
    let srv = server(keyed());
    let mut c = connect_with(
        &srv,
        &format!("/{V1ALPHA}"),
        "alt=x",
        &[("x-goog-api-key", KEY), ("user-agent", "test/1")],
    )
    .expect("upgrade");
    c.setup(text_setup());
    c.close();
    wait_until("the record to close", || !srv.connections()[0].open);
    let rec = &srv.connections()[0];
    assert_eq!(srv.connection_count(), 1);
    assert_eq!(
        (rec.index, rec.path.as_str(), rec.query.as_str()),
        (1, format!("/{V1ALPHA}").as_str(), "alt=x")
    );
    assert!(rec.headers.contains(&("x-goog-api-key".into(), KEY.into())));
    assert!(rec
        .headers
        .contains(&("user-agent".into(), "test/1".into())));
    assert_eq!(rec.frames, vec![setup_msg().to_string()]);
    assert_eq!(rec.close_received, Some((1000, String::new())));
    assert_eq!(rec.close_sent, None);
}

#[test]
fn context_updates_and_video_frames_are_accepted() {
    let srv = server(keyed());
    let mut c = connect(&srv);
    c.setup(text_setup());
    c.send(&json!({"contextUpdate": {"systemInstruction": {"role": "user", "parts": [{"text": "Be brief."}]}, "tools": {"tools": []}}}));
    c.send(&json!({"realtimeInput": {"video": {"mimeType": "image/jpeg", "data": b64(b"\xff\xd8\xff")}}}));
    c.send(&json!({"realtime_input": {"media_chunks": [{"mime_type": "image/jpeg", "data": b64(b"\xff\xd8")}]}}));
    assert_eq!(reply_text(&c.say("x")), "[turn 1] echo: x");
    assert_eq!(srv.state_snapshot()[0].video_frames, 2);
}

#[test]
fn garbage_instead_of_an_upgrade_does_not_hurt_the_server() {
    let srv = server(keyed());
    let mut raw = TcpStream::connect(srv.addr()).expect("connect");
    raw.write_all(b"\x16\x03\x01garbage\r\n\r\n")
        .expect("write");
    raw.set_read_timeout(Some(WAIT)).expect("timeout");
    let mut buf = Vec::new();
    let _ = raw.read_to_end(&mut buf);
    wait_until("the garbage connection to end", || {
        !srv.connections()[0].open
    });
    let mut c = connect(&srv);
    c.setup(text_setup());
}
