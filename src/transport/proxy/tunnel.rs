//! The tunnel through a proxy: HTTP `CONNECT` (RFC 9110 §9.3.6) over TCP or TLS, or SOCKS5
//! (RFC 1928, with RFC 1929 username/password). Runs blocking, under the socket timeouts the
//! caller set for the proxy phase. Replies are read exactly: nothing past the proxy's answer
//! is consumed, so the TLS handshake with the host starts on a clean stream.

use super::{ProxyKind, ProxyUrl};
use crate::error::{Error, Phase, ProxyRefusal, Result};
use base64::Engine;
use std::io::{Read, Write};
use std::net::{IpAddr, TcpStream, ToSocketAddrs};

/// The byte stream to the proxy, the tunnel once open: TCP, or TLS to an `https://` proxy.
pub(crate) enum Tunnel {
    Plain(TcpStream),
    Tls(Box<native_tls::TlsStream<TcpStream>>),
}

impl Read for Tunnel {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Tunnel::Plain(s) => s.read(buf),
            Tunnel::Tls(s) => s.read(buf),
        }
    }
}

impl Write for Tunnel {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Tunnel::Plain(s) => s.write(buf),
            Tunnel::Tls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Tunnel::Plain(s) => s.flush(),
            Tunnel::Tls(s) => s.flush(),
        }
    }
}

/// Largest CONNECT reply head accepted.
const MAX_HEAD: usize = 16 * 1024;

fn io(e: &std::io::Error) -> Error {
    super::super::io_err(Phase::Proxy, e)
}

fn refused(proxy: &ProxyUrl, refusal: ProxyRefusal, message: String) -> Error {
    Error::Proxy {
        proxy: proxy.to_string(),
        refusal,
        message,
    }
}

/// Asks the proxy on `stream` for a tunnel to `host:port`.
pub(crate) fn open(proxy: &ProxyUrl, stream: &mut Tunnel, host: &str, port: u16) -> Result<()> {
    match proxy.kind() {
        ProxyKind::Http | ProxyKind::Https => connect(proxy, stream, host, port),
        ProxyKind::Socks5 | ProxyKind::Socks5h => socks5(proxy, stream, host, port),
    }
}

/// `host:port` as a request target: IPv6 literals bracketed.
fn authority(host: &str, port: u16) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

fn connect(proxy: &ProxyUrl, stream: &mut Tunnel, host: &str, port: u16) -> Result<()> {
    let target = authority(host, port);
    let mut request = format!("CONNECT {target} HTTP/1.1\r\nHost: {target}\r\n");
    if let Some((user, pass)) = proxy.credentials() {
        let token = base64::engine::general_purpose::STANDARD.encode(format!("{user}:{pass}"));
        request.push_str("Proxy-Authorization: Basic ");
        request.push_str(&token);
        request.push_str("\r\n");
    }
    request.push_str("\r\n");
    // The request holds the credentials: never logged.
    log::debug!("proxy {proxy}: CONNECT {target}");
    stream
        .write_all(request.as_bytes())
        .and_then(|_| stream.flush())
        .map_err(|e| io(&e))?;

    let head = read_head(proxy, stream)?;
    let text = String::from_utf8_lossy(&head);
    let status_line = text.lines().next().unwrap_or("");
    let mut parts = status_line.splitn(3, ' ');
    let version = parts.next().unwrap_or("");
    let status = parts.next().and_then(|s| s.parse::<u16>().ok());
    let reason = parts.next().unwrap_or("").trim();
    let Some(status) = status.filter(|_| version.starts_with("HTTP/")) else {
        return Err(refused(
            proxy,
            ProxyRefusal::Malformed,
            format!(
                "its reply to CONNECT is not HTTP: {:?}",
                truncate(status_line)
            ),
        ));
    };
    if (200..300).contains(&status) {
        return Ok(());
    }
    let challenge = text
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.trim()
                .eq_ignore_ascii_case("proxy-authenticate")
                .then(|| value.trim().to_string())
        })
        .unwrap_or_default();
    let message = match status {
        // tinyproxy answers a wrong Proxy-Authorization with 401.
        401 | 407 if proxy.has_credentials() => format!(
            "{status} {reason}: the proxy rejected the credentials in the proxy URL{}",
            challenge_text(&challenge)
        ),
        407 => format!(
            "407 {reason}: the proxy requires credentials; put them in the proxy URL \
             (http://user:password@host:port){}",
            challenge_text(&challenge)
        ),
        403 => format!("403 {reason}: the proxy does not allow a tunnel to {target}"),
        500..=599 => format!(
            "{status} {reason}: the proxy could not reach {target} (may be transient: \
             retried)"
        ),
        _ => format!("{status} {reason}: the proxy refused CONNECT {target}"),
    };
    Err(refused(proxy, ProxyRefusal::Status(status), message))
}

/// The reply head, up to and including the blank line, and not a byte more: a proxy sends
/// nothing after it until the client speaks, and reading past it would take the host's first
/// TLS bytes. Over TCP the socket is peeked, then exactly the head read; over TLS, byte by
/// byte from the TLS buffer.
fn read_head(proxy: &ProxyUrl, stream: &mut Tunnel) -> Result<Vec<u8>> {
    let mut head = Vec::with_capacity(128);
    let mut buf = [0u8; 1024];
    while !head.ends_with(b"\r\n\r\n") {
        if head.len() >= MAX_HEAD {
            return Err(refused(
                proxy,
                ProxyRefusal::Malformed,
                format!("its reply to CONNECT has a head over {MAX_HEAD} bytes"),
            ));
        }
        let n = match stream {
            Tunnel::Plain(tcp) => match tcp.peek(&mut buf) {
                Ok(0) => 0,
                Ok(n) => {
                    // Take up to the end of the head if it is in view (counting a "\r\n\r"
                    // already taken), else all that was peeked.
                    let mut joined = head[head.len().saturating_sub(3)..].to_vec();
                    let tail = joined.len();
                    joined.extend_from_slice(&buf[..n]);
                    let want = joined
                        .windows(4)
                        .position(|w| w == b"\r\n\r\n")
                        .map_or(n, |i| i + 4 - tail);
                    tcp.read_exact(&mut buf[..want]).map_err(|e| io(&e))?;
                    want
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(io(&e)),
            },
            Tunnel::Tls(tls) => match tls.read(&mut buf[..1]) {
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(io(&e)),
            },
        };
        if n == 0 {
            return Err(Error::Io {
                phase: Some(Phase::Proxy),
                message: format!("proxy {proxy} closed the connection before answering CONNECT"),
            });
        }
        head.extend_from_slice(&buf[..n]);
    }
    Ok(head)
}

fn challenge_text(challenge: &str) -> String {
    if challenge.is_empty() {
        String::new()
    } else {
        format!(" (it asks for {})", truncate(challenge))
    }
}

fn truncate(s: &str) -> String {
    s.chars().take(100).collect()
}

fn socks5(proxy: &ProxyUrl, stream: &mut Tunnel, host: &str, port: u16) -> Result<()> {
    let creds = proxy.credentials();
    // Greeting: no authentication, and username/password when the URL has credentials.
    let greeting: &[u8] = if creds.is_some() {
        &[5, 2, 0, 2]
    } else {
        &[5, 1, 0]
    };
    stream.write_all(greeting).map_err(|e| io(&e))?;
    let mut reply = [0u8; 2];
    read_exact(proxy, stream, &mut reply)?;
    if reply[0] != 5 {
        return Err(refused(
            proxy,
            ProxyRefusal::Malformed,
            format!("it answered as SOCKS version {}, not 5", reply[0]),
        ));
    }
    match (reply[1], creds) {
        (0, _) => {}
        (2, Some((user, pass))) => {
            if user.len() > 255 || pass.len() > 255 {
                return Err(Error::InvalidConfig(
                    "SOCKS5 user names and passwords are at most 255 bytes".into(),
                ));
            }
            let mut auth = Vec::with_capacity(3 + user.len() + pass.len());
            auth.extend_from_slice(&[1, user.len() as u8]);
            auth.extend_from_slice(user.as_bytes());
            auth.push(pass.len() as u8);
            auth.extend_from_slice(pass.as_bytes());
            stream.write_all(&auth).map_err(|e| io(&e))?;
            let mut status = [0u8; 2];
            read_exact(proxy, stream, &mut status)?;
            if status[1] != 0 {
                return Err(refused(
                    proxy,
                    ProxyRefusal::SocksAuth,
                    "the SOCKS5 proxy rejected the credentials in the proxy URL".into(),
                ));
            }
        }
        (0xFF, None) => {
            return Err(refused(
                proxy,
                ProxyRefusal::SocksAuth,
                "the SOCKS5 proxy requires credentials; put them in the proxy URL \
                 (socks5h://user:password@host:port)"
                    .into(),
            ))
        }
        (m, _) => {
            return Err(refused(
                proxy,
                ProxyRefusal::SocksAuth,
                format!("the SOCKS5 proxy accepts none of our authentication methods ({m:#04x})"),
            ))
        }
    }

    // CONNECT request: the name for socks5h (and for socks5 only when it cannot be
    // resolved here), else an address.
    let mut request = vec![5, 1, 0];
    let ip: Option<IpAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => Some(ip),
        Err(_) if proxy.kind() == ProxyKind::Socks5 => {
            let addr = (host, port)
                .to_socket_addrs()
                .map_err(|e| Error::Io {
                    phase: Some(Phase::Proxy),
                    message: format!("cannot resolve {host} (socks5:// resolves locally; socks5h:// lets the proxy do it): {e}"),
                })?
                .next()
                .ok_or_else(|| Error::Io {
                    phase: Some(Phase::Proxy),
                    message: format!("{host} resolved to no address"),
                })?;
            Some(addr.ip())
        }
        Err(_) => None,
    };
    match ip {
        Some(IpAddr::V4(v4)) => {
            request.push(1);
            request.extend_from_slice(&v4.octets());
        }
        Some(IpAddr::V6(v6)) => {
            request.push(4);
            request.extend_from_slice(&v6.octets());
        }
        None => {
            if host.len() > 255 {
                return Err(Error::InvalidConfig(format!(
                    "host name too long for SOCKS5: {host}"
                )));
            }
            request.push(3);
            request.push(host.len() as u8);
            request.extend_from_slice(host.as_bytes());
        }
    }
    request.extend_from_slice(&port.to_be_bytes());
    log::debug!("proxy {proxy}: SOCKS5 CONNECT {}", authority(host, port));
    stream.write_all(&request).map_err(|e| io(&e))?;

    let mut head = [0u8; 4];
    read_exact(proxy, stream, &mut head)?;
    if head[0] != 5 {
        return Err(refused(
            proxy,
            ProxyRefusal::Malformed,
            format!("its SOCKS reply has version {}, not 5", head[0]),
        ));
    }
    if head[1] != 0 {
        let code = head[1];
        return Err(refused(
            proxy,
            ProxyRefusal::Socks(code),
            format!(
                "the SOCKS5 proxy refused the connection to {}: {} (reply code {code})",
                authority(host, port),
                socks_reply_name(code)
            ),
        ));
    }
    // The bound address, then the port: read and dropped.
    let rest = match head[3] {
        1 => 4 + 2,
        4 => 16 + 2,
        3 => {
            let mut len = [0u8; 1];
            read_exact(proxy, stream, &mut len)?;
            usize::from(len[0]) + 2
        }
        t => {
            return Err(refused(
                proxy,
                ProxyRefusal::Malformed,
                format!("its SOCKS reply has address type {t}"),
            ))
        }
    };
    let mut skip = [0u8; 258];
    read_exact(proxy, stream, &mut skip[..rest])
}

fn read_exact(proxy: &ProxyUrl, stream: &mut Tunnel, buf: &mut [u8]) -> Result<()> {
    stream.read_exact(buf).map_err(|e| {
        if e.kind() == std::io::ErrorKind::UnexpectedEof {
            Error::Io {
                phase: Some(Phase::Proxy),
                message: format!("proxy {proxy} closed the connection mid-handshake"),
            }
        } else {
            io(&e)
        }
    })
}

/// RFC 1928 §6's reply codes.
pub(crate) fn socks_reply_name(code: u8) -> &'static str {
    match code {
        1 => "general SOCKS server failure",
        2 => "connection not allowed by ruleset",
        3 => "network unreachable",
        4 => "host unreachable",
        5 => "connection refused",
        6 => "TTL expired",
        7 => "command not supported",
        8 => "address type not supported",
        _ => "unassigned reply code",
    }
}
