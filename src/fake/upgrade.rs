//! The accepting side of a connection: TLS handshake, HTTP upgrade, routes and credentials.

use std::cell::RefCell;
use std::io;
use std::net::TcpStream;
use std::rc::Rc;
use std::time::{Duration, Instant};

use tungstenite::handshake::server::{ErrorResponse, Request, Response};
use tungstenite::{HandshakeError, WebSocket};

use super::Shared;

/// How long the TLS handshake and the HTTP upgrade may take.
const HANDSHAKE_TIMEOUT: Duration = Duration::from_secs(5);

/// A plain or TLS socket: the same stream type the client uses.
pub(super) use crate::transport::Stream;

/// Path, query and headers of the upgrade request, and the route they selected.
pub(super) struct RequestInfo {
    path: String,
    query: String,
    pub(super) headers: Vec<(String, String)>,
    /// (API version, constrained method)
    pub(super) route: Option<(String, bool)>,
    /// The route is Vertex AI's `LlmBidiService` (its version is in `route`).
    pub(super) vertex: bool,
}

pub(super) fn tls_accept(
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
pub(super) fn upgrade(
    shared: &Shared,
    index: usize,
    stream: Stream,
    refuse: Option<u16>,
) -> Option<(WebSocket<Stream>, RequestInfo)> {
    let seen: Rc<RefCell<Option<RequestInfo>>> = Rc::default();
    let cb_seen = Rc::clone(&seen);
    // The callback's signature is tungstenite's.
    #[allow(clippy::result_large_err)]
    let callback = move |req: &Request, resp: Response| -> Result<Response, ErrorResponse> {
        let info = request_info(req);
        let vertex_auth = shared.options.vertex.as_ref().filter(|_| info.vertex);
        let routed = info.route.is_some() && (!info.vertex || vertex_auth.is_some());
        // Recorded before the response goes out, so a client that saw it sees the record.
        shared.update(index, |r| {
            r.path = info.path.clone();
            r.query = info.query.clone();
            r.headers = info.headers.clone();
        });
        let cb_headers = info.headers.clone();
        *cb_seen.borrow_mut() = Some(info);
        if let Some(status) = refuse {
            return Err(error_response(status, "Refused by the fault plan."));
        }
        if !routed {
            return Err(error_response(404, "Not Found"));
        }
        if let Some(auth) = vertex_auth {
            super::vertex::check_upgrade(auth, &shared.vertex_tokens, &cb_headers)
                .map_err(|(status, body)| error_response(status, body))?;
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
    let vertex = super::vertex::parse_route(&path);
    RequestInfo {
        vertex: vertex.is_some(),
        route: parse_route(&path).or(vertex.map(|v| (v, false))),
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
pub(super) fn credentials(info: &RequestInfo, constrained: bool) -> Vec<String> {
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
            vertex: false,
        };
        assert_eq!(credentials(&info, false), vec!["k2", "k1"]);
        assert_eq!(credentials(&info, true), vec!["t2", "k2", "t1", "k1"]);
    }
}
