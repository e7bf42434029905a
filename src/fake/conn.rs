//! One connection of the fake server: TLS, the HTTP upgrade, the read loop, faults, closing.

use std::cell::RefCell;
use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::rc::Rc;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::CloseFrame;
use tungstenite::{HandshakeError, Message, WebSocket};

use super::audio::{format_duration, truncate_reason};
use super::options::{Fault, Trigger};
use super::turn::Modality;
use super::validate::Reject;
use super::Shared;

/// Read timeout of every socket: how often an idle connection thread checks for shutdown
/// and deadlines.
const READ_TICK: Duration = Duration::from_millis(50);
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long the server waits for the client's answer to its close frame.
const CLOSE_LINGER: Duration = Duration::from_secs(1);

const DEADLINE_EXPIRED: &str = "Deadline expired before operation could complete.";
const GOAWAY_ABORT: &str = "Connection aborted because the client failed to close the connection \
     after receiving a GoAway signal once the session duration expired";

/// A plain or TLS socket.
pub(super) enum Stream {
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

/// The connection is over (closed, dropped or failed).
pub(super) struct Stop;

/// Result of a step of the connection.
pub(super) type Step = Result<(), Stop>;

/// What the setup asked for.
pub(super) struct SetupInfo {
    pub(super) modality: Modality,
    pub(super) vad: bool,
    pub(super) resumption: bool,
    pub(super) input_transcription: bool,
    pub(super) output_transcription: bool,
}

/// Path, query and headers of the upgrade request, and the route they selected.
struct RequestInfo {
    path: String,
    query: String,
    headers: Vec<(String, String)>,
    /// (API version, constrained method)
    route: Option<(String, bool)>,
}

/// A connection after the upgrade.
pub(super) struct Conn {
    pub(super) shared: Arc<Shared>,
    pub(super) index: usize,
    ws: WebSocket<Stream>,
    raw: TcpStream,
    pub(super) version: String,
    /// Credentials presented on the upgrade that count for its method.
    pub(super) creds: Vec<String>,
    faults: Vec<(Trigger, Fault)>,
    received: usize,
    pub(super) setup: Option<SetupInfo>,
    pub(super) session: Option<u64>,
    pub(super) silent: bool,
    slow: Option<Duration>,
    deadline: Option<(Instant, u16, &'static str)>,
    /// FNV state and byte count of the audio of the current audio turn.
    pub(super) turn_audio: (u64, u64),
}

impl Drop for Conn {
    fn drop(&mut self) {
        if let Some(s) = self.session {
            self.shared.store.detach(s, self.index);
        }
    }
}

/// Serve accepted connection `index` until it ends.
pub(super) fn serve(shared: Arc<Shared>, index: usize, tcp: TcpStream) {
    // Marks the record closed however the thread ends, panics included.
    struct Finished(Arc<Shared>, usize);
    impl Drop for Finished {
        fn drop(&mut self) {
            self.0.finished(self.1);
        }
    }
    let _finished = Finished(Arc::clone(&shared), index);
    if let Err(e) = run(&shared, index, tcp) {
        log::debug!("fake server: connection {index}: {e}");
    }
    log::debug!("fake server: connection {index} ended");
}

fn run(shared: &Arc<Shared>, index: usize, tcp: TcpStream) -> io::Result<()> {
    tcp.set_nodelay(true)?;
    tcp.set_read_timeout(Some(READ_TICK))?;
    tcp.set_write_timeout(Some(WRITE_TIMEOUT))?;
    let raw = tcp.try_clone()?;
    let faults = shared.options.faults.for_conn(index);
    let at_upgrade: Vec<&Fault> = faults
        .iter()
        .filter(|(t, _)| *t == Trigger::Upgrade)
        .map(|(_, f)| f)
        .collect();
    if at_upgrade.iter().any(|f| matches!(f, Fault::Drop)) {
        log::info!("fake server: connection {index}: dropping at the upgrade");
        let _ = raw.shutdown(Shutdown::Both);
        return Ok(());
    }
    if at_upgrade.iter().any(|f| matches!(f, Fault::Stall)) {
        log::info!("fake server: connection {index}: stalling at the upgrade");
        stall(shared, &raw);
        return Ok(());
    }
    let refuse = at_upgrade.iter().find_map(|f| match f {
        Fault::RefuseUpgrade { status } => Some(*status),
        _ => None,
    });
    let stream = match &shared.tls {
        Some(acceptor) => Stream::Tls(Box::new(tls_accept(shared, acceptor, tcp)?)),
        None => Stream::Plain(tcp),
    };
    let Some((ws, info)) = upgrade(shared, index, stream, refuse) else {
        return Ok(());
    };
    let (version, constrained) = info.route.clone().unwrap_or_default();
    let mut conn = Conn {
        shared: Arc::clone(shared),
        index,
        ws,
        raw,
        version,
        creds: credentials(&info, constrained),
        faults,
        received: 0,
        setup: None,
        session: None,
        silent: false,
        slow: None,
        deadline: None,
        turn_audio: (super::FNV_OFFSET, 0),
    };
    conn.run();
    Ok(())
}

fn tls_accept(
    shared: &Shared,
    acceptor: &native_tls::TlsAcceptor,
    tcp: TcpStream,
) -> io::Result<native_tls::TlsStream<TcpStream>> {
    let deadline = Instant::now() + HANDSHAKE_TIMEOUT;
    let mut result = acceptor.accept(tcp);
    loop {
        match result {
            Ok(s) => return Ok(s),
            Err(native_tls::HandshakeError::WouldBlock(mid)) => {
                if shared.stopping() || Instant::now() >= deadline {
                    return Err(io::Error::new(
                        io::ErrorKind::TimedOut,
                        "TLS handshake timed out",
                    ));
                }
                result = mid.handshake();
            }
            Err(native_tls::HandshakeError::Failure(e)) => {
                return Err(io::Error::other(format!("TLS handshake failed: {e}")))
            }
        }
    }
}

/// The WebSocket upgrade. Records path, query and headers; answers 404 for unknown paths
/// and `refuse` when the fault plan says so.
fn upgrade(
    shared: &Shared,
    index: usize,
    stream: Stream,
    refuse: Option<u16>,
) -> Option<(WebSocket<Stream>, RequestInfo)> {
    let seen: Rc<RefCell<Option<RequestInfo>>> = Rc::default();
    let cb_seen = Rc::clone(&seen);
    let callback = move |req: &Request, resp: Response| -> Result<Response, ErrorResponse> {
        let info = request_info(req);
        let routed = info.route.is_some();
        *cb_seen.borrow_mut() = Some(info);
        if let Some(status) = refuse {
            return Err(error_response(status, "Refused by the fault plan."));
        }
        if !routed {
            return Err(error_response(404, "Not Found"));
        }
        Ok(resp)
    };
    let deadline = Instant::now() + HANDSHAKE_TIMEOUT;
    let mut result = tungstenite::accept_hdr_with_config(stream, callback, None);
    let ws = loop {
        match result {
            Ok(ws) => break Some(ws),
            Err(HandshakeError::Interrupted(mid)) => {
                if shared.stopping() || Instant::now() >= deadline {
                    break None;
                }
                result = mid.handshake();
            }
            Err(HandshakeError::Failure(e)) => {
                log::debug!("fake server: connection {index}: upgrade failed: {e}");
                break None;
            }
        }
    };
    let info = seen.borrow_mut().take()?;
    shared.update(index, |r| {
        r.path = info.path.clone();
        r.query = info.query.clone();
        r.headers = info.headers.clone();
    });
    ws.map(|ws| (ws, info))
}

fn error_response(status: u16, body: &str) -> ErrorResponse {
    let status = if status < 300 { 503 } else { status };
    tungstenite::http::Response::builder()
        .status(status)
        .header("content-type", "text/plain")
        .body(Some(body.to_string()))
        .unwrap_or_else(|_| {
            let mut r = ErrorResponse::new(Some(body.to_string()));
            *r.status_mut() = tungstenite::http::StatusCode::INTERNAL_SERVER_ERROR;
            r
        })
}

fn request_info(req: &Request) -> RequestInfo {
    let path = req.uri().path().to_string();
    RequestInfo {
        route: parse_route(&path),
        query: req.uri().query().unwrap_or("").to_string(),
        headers: req
            .headers()
            .iter()
            .map(|(k, v)| {
                let value = String::from_utf8_lossy(v.as_bytes()).into_owned();
                (k.as_str().to_ascii_lowercase(), value)
            })
            .collect(),
        path,
    }
}

/// `/ws/google.ai.generativelanguage.{v1alpha|v1beta|v1}.GenerativeService.{BidiGenerateContent|
/// BidiGenerateContentConstrained}`, also with a leading `//` → (version, constrained).
pub(super) fn parse_route(path: &str) -> Option<(String, bool)> {
    let rest = path.strip_prefix("//").or_else(|| path.strip_prefix('/'))?;
    let rest = rest.strip_prefix("ws/google.ai.generativelanguage.")?;
    let (version, method) = rest.split_once(".GenerativeService.")?;
    if !matches!(version, "v1alpha" | "v1beta" | "v1") {
        return None;
    }
    let constrained = match method {
        "BidiGenerateContent" => false,
        "BidiGenerateContentConstrained" => true,
        _ => return None,
    };
    Some((version.to_string(), constrained))
}

/// Credentials that count on this method: API keys always, tokens only when constrained.
fn credentials(info: &RequestInfo, constrained: bool) -> Vec<String> {
    let mut out = Vec::new();
    for (k, v) in &info.headers {
        if k == "x-goog-api-key" {
            out.push(v.clone());
        } else if k == "authorization" && constrained {
            if let Some(token) = v.strip_prefix("Token ") {
                out.push(token.trim().to_string());
            }
        }
    }
    for pair in info.query.split('&').filter(|p| !p.is_empty()) {
        let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
        let k = percent_decode(k);
        if k == "key" || (constrained && k == "access_token") {
            out.push(percent_decode(v));
        }
    }
    out
}

pub(super) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        let hex = |j: usize| {
            bytes
                .get(j)
                .and_then(|c| char::from(*c).to_digit(16))
                .map(|d| d as u8)
        };
        match (b, hex(i + 1), hex(i + 2)) {
            (b'%', Some(h), Some(l)) => {
                out.push(h * 16 + l);
                i += 3;
            }
            (b'+', _, _) => {
                out.push(b' ');
                i += 1;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    )
}

/// Hold the socket open and silent: drain and discard what the peer sends until it goes away
/// or the server shuts down.
fn stall(shared: &Shared, raw: &TcpStream) {
    let mut buf = [0u8; 4096];
    let mut reader = raw;
    while !shared.stopping() {
        match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if is_timeout(&e) => {}
            Err(_) => break,
        }
    }
}

/// Faults that fire before the triggering message is processed.
fn fires_before(f: &Fault) -> bool {
    matches!(
        f,
        Fault::Drop
            | Fault::Close { .. }
            | Fault::Stall
            | Fault::Malformed
            | Fault::SilentDrop
            | Fault::RefuseUpgrade { .. }
    )
}

impl Conn {
    fn run(&mut self) {
        let initial: Vec<Fault> = self
            .faults
            .iter()
            .filter(|(t, _)| matches!(t, Trigger::Upgrade | Trigger::After(0)))
            .map(|(_, f)| f.clone())
            .collect();
        for f in initial {
            if self.apply(f).is_err() {
                return;
            }
        }
        while self.tick().is_ok() {}
    }

    fn tick(&mut self) -> Step {
        if self.shared.stopping() {
            return Err(self.close(1001, "The server is shutting down."));
        }
        if let Some((at, code, reason)) = self.deadline {
            if Instant::now() >= at {
                return Err(self.close(code, reason));
            }
        }
        match self.ws.read() {
            Ok(Message::Text(t)) => self.on_frame(Ok(t.as_str().to_owned())),
            Ok(Message::Binary(b)) => self.on_frame(
                String::from_utf8(b.to_vec())
                    .map_err(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            ),
            Ok(Message::Close(frame)) => {
                self.record_close_received(frame);
                Ok(())
            }
            Ok(_) => Ok(()),
            Err(tungstenite::Error::Io(e)) if is_timeout(&e) => {
                let _ = self.ws.flush();
                Ok(())
            }
            Err(tungstenite::Error::Utf8(_)) => self.on_frame(Err("<invalid UTF-8>".into())),
            Err(e) => {
                log::debug!("fake server: connection {}: read: {e}", self.index);
                Err(Stop)
            }
        }
    }

    fn record_close_received(&self, frame: Option<CloseFrame>) {
        let got = frame
            .map(|f| (u16::from(f.code), f.reason.as_str().to_owned()))
            .unwrap_or((1005, String::new()));
        self.shared
            .update(self.index, |r| r.close_received = Some(got));
    }

    /// A client data frame: `Err` holds the lossy text of a frame that was not UTF-8.
    fn on_frame(&mut self, text: Result<String, String>) -> Step {
        self.received += 1;
        let n = self.received;
        let raw = match &text {
            Ok(s) | Err(s) => s.clone(),
        };
        self.shared.update(self.index, |r| r.frames.push(raw));
        let due: Vec<Fault> = self
            .faults
            .iter()
            .filter(|(t, _)| *t == Trigger::After(n))
            .map(|(_, f)| f.clone())
            .collect();
        for f in due.iter().filter(|f| fires_before(f)) {
            self.apply(f.clone())?;
        }
        match text {
            Ok(t) => self.handle(&t)?,
            Err(_) => {
                return Err(self.reject(Reject::new(
                    1007,
                    "Invalid JSON payload received. Unexpected token.",
                )))
            }
        }
        for f in due.iter().filter(|f| !fires_before(f)) {
            self.apply(f.clone())?;
        }
        if let Some(d) = self.slow {
            self.pause(d);
        }
        Ok(())
    }

    fn apply(&mut self, fault: Fault) -> Step {
        log::info!(
            "fake server: connection {} after {} messages: {fault:?}",
            self.index,
            self.received
        );
        match fault {
            Fault::GoAway {
                time_left,
                then_close_after,
            } => {
                self.send(&json!({"goAway": {"timeLeft": format_duration(time_left)}}))?;
                if let Some(d) = then_close_after {
                    self.deadline = Some((Instant::now() + d, 1011, DEADLINE_EXPIRED));
                }
            }
            Fault::GoAwayStrict {
                time_left,
                close_after,
            } => {
                self.send(&json!({"goAway": {"timeLeft": format_duration(time_left)}}))?;
                self.deadline = Some((Instant::now() + close_after, 1008, GOAWAY_ABORT));
            }
            Fault::Drop => {
                let _ = self.raw.shutdown(Shutdown::Both);
                return Err(Stop);
            }
            Fault::Close { code, reason } => return Err(self.close(code, &reason)),
            Fault::Stall => {
                stall(&self.shared, &self.raw);
                return Err(Stop);
            }
            Fault::RefuseUpgrade { .. } => {
                log::warn!("fake server: RefuseUpgrade only applies at the upgrade; ignored");
            }
            Fault::Malformed => self.send_text("{\"serverContent\": {".to_string())?,
            Fault::SlowReader { delay } => self.slow = Some(delay),
            Fault::UnknownMessage => self.send(&json!({"someFutureMessage": {"x": 1}}))?,
            Fault::SilentDrop => self.silent = true,
        }
        Ok(())
    }

    /// Sleep `d`, waking early on shutdown.
    fn pause(&self, d: Duration) {
        let end = Instant::now() + d;
        while !self.shared.stopping() {
            let now = Instant::now();
            if now >= end {
                break;
            }
            std::thread::sleep((end - now).min(Duration::from_millis(10)));
        }
    }

    /// Send one server message (text frame, or binary if the options say so).
    pub(super) fn send(&mut self, v: &Value) -> Step {
        self.send_text(v.to_string())
    }

    fn send_text(&mut self, text: String) -> Step {
        let msg = if self.shared.options.binary_frames {
            Message::binary(text.into_bytes())
        } else {
            Message::text(text)
        };
        self.ws.send(msg).map_err(|e| {
            log::debug!("fake server: connection {}: send: {e}", self.index);
            Stop
        })
    }

    /// Close with a rejection's code and reason.
    pub(super) fn reject(&mut self, r: Reject) -> Stop {
        log::debug!(
            "fake server: connection {}: closing {} {}",
            self.index,
            r.code,
            r.reason
        );
        self.close(r.code, &r.reason)
    }

    /// Send a close frame (reason truncated to 123 bytes), then wait briefly for the client's
    /// close frame so that the close handshake completes.
    fn close(&mut self, code: u16, reason: &str) -> Stop {
        let reason = truncate_reason(reason);
        let frame = CloseFrame {
            code: CloseCode::from(code),
            reason: reason.clone().into(),
        };
        match self.ws.close(Some(frame)) {
            Ok(()) => {}
            Err(tungstenite::Error::Io(e)) if is_timeout(&e) => {}
            Err(e) => {
                log::debug!("fake server: connection {}: close: {e}", self.index);
                return Stop;
            }
        }
        self.shared
            .update(self.index, |r| r.close_sent = Some((code, reason)));
        let end = Instant::now() + CLOSE_LINGER;
        while Instant::now() < end && !self.shared.stopping() {
            match self.ws.read() {
                Ok(Message::Close(frame)) => self.record_close_received(frame),
                Ok(_) => {}
                Err(tungstenite::Error::Io(e)) if is_timeout(&e) => {
                    let _ = self.ws.flush();
                }
                Err(_) => break,
            }
        }
        Stop
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn routes() {
        let p = "/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContent";
        assert_eq!(parse_route(p), Some(("v1alpha".into(), false)));
        assert_eq!(
            parse_route(&format!("/{p}")),
            Some(("v1alpha".into(), false))
        );
        assert_eq!(parse_route(&format!("//{p}")), None);
        assert_eq!(
            parse_route(
                "/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContentConstrained"
            ),
            Some(("v1beta".into(), true))
        );
        assert_eq!(
            parse_route(
                "/ws/google.ai.generativelanguage.v2.GenerativeService.BidiGenerateContent"
            ),
            None
        );
        assert_eq!(parse_route("/"), None);
    }

    #[test]
    fn query_values_are_percent_decoded() {
        assert_eq!(percent_decode("auth_tokens%2Fabc+d"), "auth_tokens/abc d");
        assert_eq!(percent_decode("%zz%4"), "%zz%4");
    }

    #[test]
    fn tokens_count_only_on_the_constrained_method() {
        let info = RequestInfo {
            path: String::new(),
            query: "access_token=t1&key=k1".into(),
            headers: vec![
                ("authorization".into(), "Token t2".into()),
                ("x-goog-api-key".into(), "k2".into()),
            ],
            route: None,
        };
        assert_eq!(credentials(&info, false), vec!["k2", "k1"]);
        assert_eq!(credentials(&info, true), vec!["t2", "k2", "t1", "k1"]);
    }
}
