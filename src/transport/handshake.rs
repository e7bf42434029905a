//! The client side of the HTTP upgrade to WebSocket (RFC 6455 §4.1), done here rather than by
//! `tungstenite::client`, whose handshake logs the whole request, credential headers
//! included, at trace level (`trace!("Request: ...")`): with an application logger at trace
//! level, the API key or ephemeral token would land in its logs.
//!
//! The request carries only what tungstenite's would (plus our headers); the response is
//! checked the same way (status 101, `Upgrade: websocket`, `Connection: Upgrade`, the
//! `Sec-WebSocket-Accept` digest), and bytes read past the response head are handed to the
//! WebSocket, as tungstenite does.

use super::{io_err, Stream};
use crate::config::{Auth, Config};
use crate::error::{Error, Phase, Result};
use std::io::{Read, Write};
use tungstenite::handshake::client::generate_key;
use tungstenite::handshake::derive_accept_key;
use tungstenite::http::Uri;
use tungstenite::protocol::{Role, WebSocketConfig};
use tungstenite::WebSocket;

/// Largest response head accepted (status line and headers).
const MAX_HEAD: usize = 64 * 1024;
/// Most bytes of an error response's body kept for [`Error::Http`].
const MAX_BODY: usize = 200;

/// The upgrade request's headers for `config`'s target and credentials: the client
/// identification pair, then `x-goog-api-key: K` (API key), `Authorization: Token T`
/// (ephemeral token) or, for Vertex AI, `Authorization: Bearer T` with a token fresh from the
/// provider (called here, so on every connect and reconnect) and `x-goog-user-project` when
/// set. Values may be secrets: never log them.
pub(crate) fn request_headers(config: &Config) -> Result<Vec<(&'static str, String)>> {
    let ua = concat!("gemini-live-rust/", env!("CARGO_PKG_VERSION"));
    let mut headers = vec![
        ("User-Agent", ua.to_string()),
        ("x-goog-api-client", ua.to_string()),
    ];
    match &config.auth {
        Auth::None => {}
        Auth::ApiKey(key) => headers.push(("x-goog-api-key", key.expose().to_string())),
        Auth::EphemeralToken(token) => {
            headers.push(("Authorization", format!("Token {}", token.expose())))
        }
        Auth::AccessToken(provider) => {
            let token = provider.token()?;
            headers.push(("Authorization", format!("Bearer {}", token.expose())));
        }
    }
    if let Some(project) = config.vertex.as_ref().and_then(|v| v.user_project.as_ref()) {
        headers.push(("x-goog-user-project", project.clone()));
    }
    Ok(headers)
}

/// Sends the upgrade request for `uri` with `headers` (name, value; values may be secrets and
/// are never logged) and reads the response; on `101 Switching Protocols` returns the
/// WebSocket.
pub(crate) fn upgrade(
    mut stream: Stream,
    uri: &Uri,
    headers: &[(&str, String)],
    config: WebSocketConfig,
) -> Result<WebSocket<Stream>> {
    let key = generate_key();
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let authority = uri.authority().map_or("", |a| a.as_str());
    let host = authority.rsplit('@').next().unwrap_or(authority);
    let mut request = format!(
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\
         Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: {key}\r\n"
    );
    for (name, value) in headers {
        request.push_str(name);
        request.push_str(": ");
        request.push_str(value);
        request.push_str("\r\n");
    }
    request.push_str("\r\n");
    let written = stream
        .write_all(request.as_bytes())
        .and_then(|_| stream.flush());
    // The request holds the credentials: do not leave them in freed memory longer than needed.
    let mut bytes = request.into_bytes();
    bytes.iter_mut().for_each(|b| *b = 0);
    drop(bytes);
    written.map_err(|e| io_err(Phase::Upgrade, &e))?;
    log::trace!("upgrade request sent for {path}");

    let mut buf = Vec::with_capacity(1024);
    let head_len = loop {
        if let Some(end) = find_head_end(&buf) {
            break end;
        }
        if buf.len() > MAX_HEAD {
            return Err(upgrade_failed("the response headers are too large"));
        }
        let mut chunk = [0u8; 4096];
        match stream.read(&mut chunk) {
            Ok(0) => {
                return Err(upgrade_failed(
                    "the server closed the connection during the upgrade",
                ))
            }
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(io_err(Phase::Upgrade, &e)),
        }
    };
    let head = std::str::from_utf8(&buf[..head_len])
        .map_err(|_| upgrade_failed("the response headers are not UTF-8"))?;
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or("");
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or("");
    let status: u16 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .filter(|s| (100..=999).contains(s) && version.starts_with("HTTP/1."))
        .ok_or_else(|| upgrade_failed("the response is not HTTP/1.x"))?;
    let headers: Vec<(&str, &str)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(n, v)| (n.trim(), v.trim()))
        .collect();
    let header = |name: &str| {
        headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| *v)
    };
    let rest = buf[head_len..].to_vec();
    if status != 101 {
        let body = String::from_utf8_lossy(&rest[..rest.len().min(MAX_BODY)]).into_owned();
        return Err(Error::Http { status, body });
    }
    if !header("upgrade").is_some_and(|v| v.eq_ignore_ascii_case("websocket")) {
        return Err(upgrade_failed("no `Upgrade: websocket` in the response"));
    }
    let upgrade_token = header("connection").is_some_and(|v| {
        v.split(',')
            .any(|t| t.trim().eq_ignore_ascii_case("upgrade"))
    });
    if !upgrade_token {
        return Err(upgrade_failed("no `Connection: Upgrade` in the response"));
    }
    if header("sec-websocket-accept") != Some(derive_accept_key(key.as_bytes()).as_str()) {
        return Err(upgrade_failed("wrong Sec-WebSocket-Accept in the response"));
    }
    Ok(WebSocket::from_partially_read(
        stream,
        rest,
        Role::Client,
        Some(config),
    ))
}

/// The length of the response head including its blank line, once it is complete.
fn find_head_end(buf: &[u8]) -> Option<usize> {
    buf.windows(4).position(|w| w == b"\r\n\r\n").map(|i| i + 4)
}

fn upgrade_failed(message: &str) -> Error {
    Error::Io {
        phase: Some(Phase::Upgrade),
        message: message.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::{find_head_end, request_headers};
    use crate::config::{Auth, Config, Secret};
    use crate::error::Error;
    use crate::vertex::{TokenError, TokenProvider, VertexTarget};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    fn get<'a>(h: &'a [(&str, String)], name: &str) -> Vec<&'a str> {
        h.iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    #[test]
    fn developer_api_headers_carry_the_key_and_no_bearer() {
        let h = request_headers(&Config::default().with_api_key("AIzaKEY")).unwrap();
        assert_eq!(get(&h, "x-goog-api-key"), ["AIzaKEY"]);
        assert!(get(&h, "authorization").is_empty());
        assert!(get(&h, "x-goog-user-project").is_empty());
        let c = Config {
            auth: Auth::EphemeralToken(Secret::new("auth_tokens/t")),
            ..Config::default()
        };
        assert_eq!(
            get(&request_headers(&c).unwrap(), "authorization"),
            ["Token auth_tokens/t"]
        );
    }

    #[test]
    fn vertex_headers_ask_the_provider_on_every_connect() {
        let calls = Arc::new(AtomicUsize::new(0));
        let counter = calls.clone();
        let mut target = VertexTarget::new("proj", "us-central1");
        target.user_project = Some("billing-proj".into());
        let c = Config {
            vertex: Some(target),
            auth: Auth::AccessToken(TokenProvider::new(move || {
                let n = counter.fetch_add(1, Ordering::SeqCst) + 1;
                Ok(Secret::new(format!("ya29.token-{n}")))
            })),
            ..Config::default()
        };
        let first = request_headers(&c).unwrap();
        let second = request_headers(&c.clone()).unwrap();
        assert_eq!(get(&first, "authorization"), ["Bearer ya29.token-1"]);
        assert_eq!(get(&second, "authorization"), ["Bearer ya29.token-2"]);
        assert_eq!(get(&first, "x-goog-user-project"), ["billing-proj"]);
        assert!(get(&first, "x-goog-api-key").is_empty());
        assert_eq!(calls.load(Ordering::SeqCst), 2);
    }

    #[test]
    fn provider_failures_are_classified() {
        let c = Config {
            vertex: Some(VertexTarget::new("proj", "global")),
            auth: Auth::AccessToken(TokenProvider::new(|| {
                Err(TokenError::retryable("metadata server timed out"))
            })),
            ..Config::default()
        };
        let e = request_headers(&c).unwrap_err();
        assert!(
            matches!(
                e,
                Error::AccessToken {
                    retryable: true,
                    ..
                }
            ),
            "{e:?}"
        );
        assert!(e.is_retryable());
    }

    #[test]
    fn head_end_is_after_the_blank_line() {
        assert_eq!(find_head_end(b"HTTP/1.1 101 OK\r\n\r\nxy"), Some(19));
        assert_eq!(find_head_end(b"HTTP/1.1 101 OK\r\n"), None);
    }
}
