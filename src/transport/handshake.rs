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
    use super::find_head_end;

    #[test]
    fn head_end_is_after_the_blank_line() {
        assert_eq!(find_head_end(b"HTTP/1.1 101 OK\r\n\r\nxy"), Some(19));
        assert_eq!(find_head_end(b"HTTP/1.1 101 OK\r\n"), None);
    }
}
