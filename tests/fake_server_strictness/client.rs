//! A raw tungstenite client of the fake, and the constants and helpers the tests share.

use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use base64::Engine;
use gemini_live::fake::{FakeOptions, FakeServer};
use serde_json::{json, Value};
use tungstenite::client::IntoClientRequest;
use tungstenite::http::{HeaderName, HeaderValue};
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::CloseFrame;
use tungstenite::{Message, WebSocket};

pub const KEY: &str = "AIzaFAKE";
pub const V1ALPHA: &str =
    "/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContent";
pub const V1BETA: &str =
    "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent";
pub const CONSTRAINED: &str =
    "/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContentConstrained";
pub const MODEL: &str = "models/fake-text-live";
pub const INVALID_ARGUMENT: &str = "Request contains an invalid argument.";
pub const BAD_AUDIO: &str = "Request contains an invalid argument: invalid audio format, expected 16khz s16le pcm, mono channel";
pub const WAIT: Duration = Duration::from_secs(2);

// ---------------------------------------------------------------- a raw client

pub enum Stream {
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
pub enum Got {
    Text(String),
    Binary(Vec<u8>),
    Close(u16, String),
    Timeout,
    Eof,
}

pub struct Client {
    pub ws: WebSocket<Stream>,
    pub tcp: TcpStream,
}

pub fn server(options: FakeOptions) -> FakeServer {
    FakeServer::start(options).expect("start fake server")
}

pub fn keyed() -> FakeOptions {
    FakeOptions {
        api_key: Some(KEY.into()),
        ..FakeOptions::default()
    }
}

pub fn connect_with(
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

pub fn connect(srv: &FakeServer) -> Client {
    connect_with(srv, V1ALPHA, "", &[("x-goog-api-key", KEY)]).expect("upgrade")
}

impl Client {
    pub fn send(&mut self, v: &Value) {
        self.send_raw(&v.to_string());
    }

    pub fn send_raw(&mut self, text: &str) {
        self.ws.send(Message::text(text)).expect("send");
    }

    pub fn recv(&mut self) -> Got {
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
    pub fn msg(&mut self) -> Value {
        match self.recv() {
            Got::Text(t) => serde_json::from_str(&t).expect("server JSON"),
            Got::Binary(b) => serde_json::from_slice(&b).expect("server JSON"),
            other => panic!("expected a message, got {other:?}"),
        }
    }

    /// Messages up to and including the first that matches `stop`, or the close that came
    /// first.
    pub fn until(&mut self, stop: impl Fn(&Value) -> bool) -> Result<Vec<Value>, (u16, String)> {
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

    pub fn turn(&mut self) -> Vec<Value> {
        self.until(|m| m["serverContent"]["turnComplete"] == true)
            .expect("a complete turn")
    }

    /// Skip messages until the server closes; its code and reason.
    pub fn close_code(&mut self) -> (u16, String) {
        loop {
            match self.recv() {
                Got::Close(c, r) => return (c, r),
                Got::Text(_) | Got::Binary(_) => {}
                other => panic!("expected a close frame, got {other:?}"),
            }
        }
    }

    pub fn setup(&mut self, setup: Value) -> Vec<Value> {
        self.send(&json!({ "setup": setup }));
        self.until(|m| m.get("setupComplete").is_some())
            .expect("setupComplete")
    }

    pub fn say(&mut self, text: &str) -> Vec<Value> {
        self.send(&json!({"clientContent": {"turns": [{"role": "user", "parts": [{"text": text}]}], "turnComplete": true}}));
        self.turn()
    }

    pub fn read_timeout(&self, d: Duration) {
        self.tcp.set_read_timeout(Some(d)).expect("timeout");
    }

    /// Close from the client side (discarding messages still in flight); what the server's
    /// answering close frame said.
    pub fn close(&mut self) -> (u16, String) {
        let frame = CloseFrame {
            code: CloseCode::Normal,
            reason: "".into(),
        };
        let _ = self.ws.close(Some(frame));
        self.close_code()
    }
}

pub fn text_setup() -> Value {
    json!({"model": MODEL, "generationConfig": {"responseModalities": ["TEXT"]}})
}

/// Reply text of a turn: model text parts, else the output transcription.
pub fn reply_text(msgs: &[Value]) -> String {
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

pub fn handle_of(msgs: &[Value]) -> Option<String> {
    msgs.iter()
        .rev()
        .find_map(|m| m["sessionResumptionUpdate"]["newHandle"].as_str())
        .map(str::to_owned)
}

pub fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub fn b64_decode(s: &str) -> Vec<u8> {
    let std: String = s.replace('-', "+").replace('_', "/");
    base64::engine::general_purpose::STANDARD_NO_PAD
        .decode(std.trim_end_matches('='))
        .expect("base64")
}

pub fn truncate(s: &str) -> String {
    let mut end = s.len().min(123);
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    s[..end].to_string()
}

/// Poll `cond` (every 5 ms) until it holds or 2 s pass.
pub fn wait_until(what: &str, cond: impl Fn() -> bool) {
    let end = Instant::now() + WAIT;
    while !cond() {
        assert!(Instant::now() < end, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

pub fn setup_msg() -> Value {
    json!({"setup": text_setup()})
}
