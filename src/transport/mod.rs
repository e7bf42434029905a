//! The connection: TCP + TLS + WebSocket upgrade with a timeout per phase (`connect`, with
//! the upgrade itself in `handshake`), then the non-blocking socket the session's threads
//! share (`io::Link`).
//!
//! The handshake is done blocking, with socket timeouts bounded by the phase timeout and the
//! overall connect deadline; only then is the socket switched to non-blocking mode (native-tls
//! and tungstenite handshakes must not see `WouldBlock` mid-way).
//!
//! No threads live here: the reader thread is `session/reader.rs`, and everything that
//! writes to the socket (the writer thread, the direct send path, keepalive pings, replay,
//! close frames) is `session/writer.rs`.

mod handshake;
pub(crate) mod io;
pub mod proxy;
pub(crate) mod tap;

use crate::config::Config;
use crate::error::{Error, Phase, Result};
use crate::protocol::{self, ClientMessage, ServerMessage};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream, ToSocketAddrs};
use std::time::{Duration, Instant};
use tungstenite::http::Uri;
use tungstenite::protocol::WebSocketConfig;
use tungstenite::{Message, WebSocket};

/// The byte stream under the WebSocket: plain TCP, TLS over TCP (to the host, or to an
/// `https://` proxy for a `ws://` host), or TLS to the host inside TLS to an `https://` proxy.
pub(crate) enum Stream {
    Plain(TcpStream),
    Tls(Box<native_tls::TlsStream<TcpStream>>),
    TlsInTls(Box<native_tls::TlsStream<native_tls::TlsStream<TcpStream>>>),
}

impl Read for Stream {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self {
            Stream::Plain(s) => s.read(buf),
            Stream::Tls(s) => s.read(buf),
            Stream::TlsInTls(s) => s.read(buf),
        }
    }
}

impl Write for Stream {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            Stream::Plain(s) => s.write(buf),
            Stream::Tls(s) => s.write(buf),
            Stream::TlsInTls(s) => s.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            Stream::Plain(s) => s.flush(),
            Stream::Tls(s) => s.flush(),
            Stream::TlsInTls(s) => s.flush(),
        }
    }
}

/// How long each phase of a connect took.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ConnectTimings {
    /// DNS + TCP connect (to the proxy, when there is one).
    pub tcp: Duration,
    /// Through a proxy: TLS to an `https://` proxy and its `CONNECT` or SOCKS5 exchange
    /// (zero without a proxy).
    pub proxy: Duration,
    /// TLS handshake (zero for `ws://`).
    pub tls: Duration,
    /// HTTP upgrade.
    pub upgrade: Duration,
    /// `setup` sent → `setupComplete` received.
    pub setup: Duration,
}

impl ConnectTimings {
    /// All phases together.
    pub fn total(&self) -> Duration {
        self.tcp + self.proxy + self.tls + self.upgrade + self.setup
    }
}

/// A connected, set-up WebSocket, still in blocking mode.
pub(crate) struct Connected {
    pub ws: WebSocket<Stream>,
    /// A clone of the TCP socket: for `poll`, `shutdown` and mode changes.
    pub ctl: TcpStream,
    pub timings: ConnectTimings,
    /// `setupComplete` content.
    pub setup_complete: protocol::SetupComplete,
    /// Messages that arrived with or right after `setupComplete` (delivered as events).
    pub early: Vec<ServerMessage>,
}

struct Deadline(Instant);

impl Deadline {
    /// The phase timeout, cut to what is left of the overall budget.
    fn budget(&self, phase: Phase, limit: Duration) -> Result<Duration> {
        let left = self.0.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(Error::Timeout(phase));
        }
        Ok(left.min(limit).max(Duration::from_millis(1)))
    }
}

fn io_err(phase: Phase, e: &std::io::Error) -> Error {
    match e.kind() {
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut => Error::Timeout(phase),
        _ => Error::Io {
            phase: Some(phase),
            message: e.to_string(),
        },
    }
}

/// The WebSocket settings for a session.
pub(crate) fn ws_config(config: &Config) -> WebSocketConfig {
    const WRITE_BUFFER: usize = 64 * 1024;
    WebSocketConfig::default()
        .read_buffer_size(16 * 1024)
        .write_buffer_size(WRITE_BUFFER)
        .max_message_size(Some(config.max_message_size))
        .max_frame_size(Some(config.max_message_size))
        // Must exceed write_buffer_size (tungstenite panics otherwise) and hold one batch.
        .max_write_buffer_size(
            config
                .max_message_size
                .saturating_mul(2)
                .saturating_add(WRITE_BUFFER),
        )
}

/// Opens a connection and completes setup, resuming `handle` if given. The caller has
/// validated `config` (`Session::connect` does, once: a session's config never changes, and
/// the model check serialises the whole setup, about 10 us, which every reconnect would
/// pay again).
pub(crate) fn connect(config: &Config, handle: Option<&str>) -> Result<Connected> {
    // Before the deadline starts: a token provider (Vertex) may take a moment.
    let headers = handshake::request_headers(config)?;
    let deadline = Deadline(Instant::now() + config.timeouts.connect_total);
    let url = config.url();
    let uri: Uri = url
        .parse()
        .map_err(|e| Error::InvalidConfig(format!("endpoint {}: {e}", config.endpoint)))?;
    let host = uri
        .host()
        .ok_or_else(|| Error::InvalidConfig(format!("endpoint {} has no host", config.endpoint)))?
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    let tls = uri.scheme_str() == Some("wss");
    let port = uri.port_u16().unwrap_or(if tls { 443 } else { 80 });

    let started = Instant::now();
    tap::connecting(config, &url);
    let env = |name: &str| std::env::var(name).ok();
    let via = proxy::select(&config.proxy, tls, &host, port, &env)?;
    let (dial_host, dial_port) = match &via {
        Some(p) => (p.host(), p.port()),
        None => (host.as_str(), port),
    };
    let tcp = tcp_connect(dial_host, dial_port, config, &deadline).map_err(|e| match &via {
        Some(p) => proxy::named(p, e),
        None => e,
    })?;
    let ctl = tcp.try_clone().map_err(|e| io_err(Phase::TcpConnect, &e))?;
    let mut timings = ConnectTimings {
        tcp: started.elapsed(),
        ..Default::default()
    };

    let t = Instant::now();
    let tunnel = match &via {
        None => proxy::tunnel::Tunnel::Plain(tcp),
        Some(p) => {
            let budget = deadline.budget(Phase::Proxy, config.timeouts.proxy)?;
            set_timeouts(&ctl, budget, Phase::Proxy)?;
            proxy::through(p, tcp, &host, port, config)?
        }
    };
    if via.is_some() {
        timings.proxy = t.elapsed();
    }

    let t = Instant::now();
    if tls {
        let budget = deadline.budget(Phase::Tls, config.timeouts.tls_handshake)?;
        set_timeouts(&ctl, budget, Phase::Tls)?;
    }
    let stream = match (tunnel, tls) {
        (proxy::tunnel::Tunnel::Plain(tcp), false) => Stream::Plain(tcp),
        (proxy::tunnel::Tunnel::Plain(tcp), true) => {
            Stream::Tls(Box::new(tls_handshake(&host, tcp, config)?))
        }
        // `ws://` through an `https://` proxy.
        (proxy::tunnel::Tunnel::Tls(s), false) => Stream::Tls(s),
        (proxy::tunnel::Tunnel::Tls(s), true) => {
            Stream::TlsInTls(Box::new(tls_handshake(&host, *s, config)?))
        }
    };
    timings.tls = t.elapsed();

    let t = Instant::now();
    let budget = deadline.budget(Phase::Upgrade, config.timeouts.upgrade)?;
    set_timeouts(&ctl, budget, Phase::Upgrade)?;
    // Not tungstenite's client handshake: it logs the request, credentials included.
    let mut ws = handshake::upgrade(stream, &uri, &headers, ws_config(config))?;
    timings.upgrade = t.elapsed();

    let t = Instant::now();
    let setup = protocol::encode_client(&ClientMessage::Setup(Box::new(
        config.setup_message(handle),
    )));
    log::debug!("sending setup ({} bytes)", setup.len());
    let budget = deadline.budget(Phase::Setup, config.timeouts.setup)?;
    set_timeouts(&ctl, budget, Phase::Setup)?;
    tap::sent(config, setup.as_bytes());
    ws.send(Message::text(setup))
        .map_err(|e| ws_error(e, Some(Phase::Setup)))?;
    let mut early = Vec::new();
    // The first read runs under the timeouts just set for the send (same phase, same budget).
    let mut first_read = true;
    let setup_complete = loop {
        let budget = deadline.budget(
            Phase::Setup,
            config.timeouts.setup.saturating_sub(t.elapsed()),
        )?;
        if !std::mem::take(&mut first_read) {
            set_timeouts(&ctl, budget, Phase::Setup)?;
        }
        let payload = match ws.read() {
            Ok(Message::Text(t)) => t.as_bytes().to_vec(),
            Ok(Message::Binary(b)) => b.to_vec(),
            Ok(Message::Close(frame)) => {
                let (code, reason) = frame
                    .map(|f| (u16::from(f.code), f.reason.to_string()))
                    .unwrap_or((1005, String::new()));
                let _ = ws.flush();
                return Err(config.close_error(code, &reason));
            }
            Ok(_) => continue,
            Err(e) => return Err(ws_error(e, Some(Phase::Setup))),
        };
        tap::received(config, &payload);
        let msg = protocol::decode_server(&payload).map_err(|e| Error::Protocol(e.0))?;
        if let Some(sc) = msg.setup_complete.clone() {
            break sc;
        }
        early.push(msg);
    };
    timings.setup = t.elapsed();
    Ok(Connected {
        ws,
        ctl,
        timings,
        setup_complete,
        early,
    })
}

fn set_timeouts(ctl: &TcpStream, d: Duration, phase: Phase) -> Result<()> {
    ctl.set_read_timeout(Some(d))
        .and_then(|_| ctl.set_write_timeout(Some(d)))
        .map_err(|e| io_err(phase, &e))
}

fn tcp_connect(host: &str, port: u16, config: &Config, deadline: &Deadline) -> Result<TcpStream> {
    let addrs: Vec<SocketAddr> = (host, port)
        .to_socket_addrs()
        .map_err(|e| Error::Io {
            phase: Some(Phase::TcpConnect),
            message: format!("cannot resolve {host}: {e}"),
        })?
        .collect();
    let mut last = Error::Io {
        phase: Some(Phase::TcpConnect),
        message: format!("{host} resolved to no address"),
    };
    for addr in addrs {
        let budget = deadline.budget(Phase::TcpConnect, config.timeouts.tcp_connect)?;
        match TcpStream::connect_timeout(&addr, budget) {
            Ok(s) => {
                s.set_nodelay(true)
                    .map_err(|e| io_err(Phase::TcpConnect, &e))?;
                return Ok(s);
            }
            Err(e) => {
                log::debug!("connect to {addr} failed: {e}");
                last = io_err(Phase::TcpConnect, &e);
            }
        }
    }
    Err(last)
}

/// Splits a PEM bundle into its certificates.
fn pem_certificates(pem: &[u8]) -> Result<Vec<native_tls::Certificate>> {
    const BEGIN: &str = "-----BEGIN CERTIFICATE-----";
    let text = std::str::from_utf8(pem)
        .map_err(|_| Error::InvalidConfig("the extra root CA is not PEM text".into()))?;
    let certs: Vec<_> = text
        .split(BEGIN)
        .skip(1)
        .map(|rest| {
            native_tls::Certificate::from_pem(format!("{BEGIN}{rest}").as_bytes()).map_err(|e| {
                Error::InvalidConfig(format!("the extra root CA is not valid PEM: {e}"))
            })
        })
        .collect::<Result<_>>()?;
    if certs.is_empty() {
        return Err(Error::InvalidConfig(
            "the extra root CA holds no PEM certificate".into(),
        ));
    }
    Ok(certs)
}

fn tls_handshake<S: Read + Write + std::fmt::Debug>(
    host: &str,
    tcp: S,
    config: &Config,
) -> Result<native_tls::TlsStream<S>> {
    let mut builder = native_tls::TlsConnector::builder();
    builder.min_protocol_version(Some(native_tls::Protocol::Tlsv12));
    if let Some(pem) = &config.extra_root_ca_pem {
        for cert in pem_certificates(pem)? {
            builder.add_root_certificate(cert);
        }
    }
    let connector = builder
        .build()
        .map_err(|e| Error::Tls(format!("cannot set up TLS: {e}")))?;
    match connector.connect(host, tcp) {
        Ok(s) => Ok(s),
        Err(native_tls::HandshakeError::WouldBlock(_)) => Err(Error::Timeout(Phase::Tls)),
        Err(native_tls::HandshakeError::Failure(e)) => {
            let text = e.to_string();
            let lower = text.to_ascii_lowercase();
            if lower.contains("certificate")
                || lower.contains("verify")
                || lower.contains("hostname")
            {
                Err(Error::Tls(format!(
                    "the server's certificate was rejected for {host}: {text}"
                )))
            } else {
                Err(Error::Io {
                    phase: Some(Phase::Tls),
                    message: text,
                })
            }
        }
    }
}

/// Maps a tungstenite error on an open connection.
pub(crate) fn ws_error(e: tungstenite::Error, phase: Option<Phase>) -> Error {
    match e {
        tungstenite::Error::Io(e) => match phase {
            Some(phase) => io_err(phase, &e),
            None => Error::Io {
                phase: None,
                message: e.to_string(),
            },
        },
        tungstenite::Error::ConnectionClosed | tungstenite::Error::AlreadyClosed => {
            Error::ConnectionLost("the connection was closed".into())
        }
        tungstenite::Error::Protocol(p) => match p {
            tungstenite::error::ProtocolError::ResetWithoutClosingHandshake => {
                Error::ConnectionLost("reset without a closing handshake".into())
            }
            other => Error::Protocol(other.to_string()),
        },
        tungstenite::Error::Capacity(c) => Error::Protocol(format!("message too large: {c}")),
        other => Error::Protocol(other.to_string()),
    }
}
