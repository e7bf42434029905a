//! A raw WebSocket server pushing frames at a live `Session`, and what its events must be.

use super::strategies::*;
use gemini_live::protocol::decode_server;
use gemini_live::{Config, Error, Event, ResponseMode, Session, State};
use proptest::prelude::*;
use serde_json::json;
use std::io::Write;
use std::net::{TcpListener, TcpStream};
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Duration;
use tungstenite::protocol::frame::coding::{Data, OpCode};
use tungstenite::protocol::frame::Frame;
use tungstenite::protocol::WebSocketConfig;
use tungstenite::{Message, WebSocket};

// ---- a raw WebSocket server ----------------------------------------------------------------

/// What the raw server does next on its connection.
pub enum Push {
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
pub struct RawServer {
    pub endpoint: String,
    tx: mpsc::Sender<Push>,
    thread: Option<JoinHandle<()>>,
}

impl RawServer {
    pub fn start(setup_reply: Option<Push>) -> RawServer {
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

    pub fn push(&self, p: Push) {
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
pub fn push(ws: &mut WebSocket<TcpStream>, p: Push) -> bool {
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

pub fn raw_config(endpoint: &str) -> Config {
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
pub fn next(s: &Session, what: &str) -> Event {
    s.next_event(Duration::from_secs(5))
        .unwrap_or_else(|e| panic!("{what}: {e}"))
        .unwrap_or_else(|| panic!("{what}: no event within 5 s"))
}

pub fn closed_error(s: &Session) -> (u16, Option<Error>) {
    loop {
        if let Event::Closed { code, error, .. } = next(s, "the Closed event") {
            return (code, error);
        }
    }
}

pub const SENTINEL: &str = "zzFuzzSentinel";

/// A live session on a raw server, fed one frame at a time.
pub struct Live {
    server: RawServer,
    pub session: Session,
    n: u64,
}

impl Live {
    pub fn new() -> Live {
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
    pub fn feed(&mut self, bytes: Vec<u8>, text: bool) -> Vec<Event> {
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
pub fn check_events(
    bytes: &[u8],
    events: &[Event],
    session: &Session,
) -> Result<(), TestCaseError> {
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
