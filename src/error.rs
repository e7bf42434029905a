//! One error type for the whole crate, with the classification of every failure as fatal
//! (reported, never retried) or retryable (worth a reconnection), in one table:
//! [`classify_close`].

use crate::wording::{Phrase, Setting};
use std::fmt;

mod classify;
mod display;
mod quota;
pub use classify::classify_close;
pub use quota::{is_quota_close, QuotaLimit, QUOTA_BACKOFF};

#[cfg(test)]
mod tests;

/// The connection phase an error happened in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Resolving the host and opening the TCP connection (to the proxy, when there is one).
    TcpConnect,
    /// Through a proxy: TLS to an `https://` proxy, then its `CONNECT` or SOCKS5 exchange,
    /// until the tunnel to the host is open.
    Proxy,
    /// The TLS handshake.
    Tls,
    /// The HTTP upgrade to WebSocket.
    Upgrade,
    /// Sending `setup` and waiting for `setupComplete`.
    Setup,
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Phase::TcpConnect => "TCP connect",
            Phase::Proxy => "proxy handshake",
            Phase::Tls => "TLS handshake",
            Phase::Upgrade => "WebSocket upgrade",
            Phase::Setup => "setup",
        })
    }
}

/// A proxy's answer that is not a tunnel ([`Error::Proxy`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ProxyRefusal {
    /// An HTTP status to `CONNECT` (407 credentials, 403 policy, 502 upstream, ...).
    Status(u16),
    /// A SOCKS5 reply code (RFC 1928 §6: 1 failure, 2 not allowed, 3 network unreachable,
    /// 4 host unreachable, 5 refused, 6 TTL expired, 7 command, 8 address type).
    Socks(u8),
    /// The SOCKS5 proxy wants credentials, or rejected the ones given.
    SocksAuth,
    /// The reply is not HTTP or SOCKS5 (not a proxy, or the wrong kind).
    Malformed,
}

impl ProxyRefusal {
    /// Whether another attempt may get a tunnel.
    pub fn retry(self) -> Retry {
        match self {
            ProxyRefusal::Status(s) if s >= 500 || s == 408 || s == 429 => Retry::Retryable,
            ProxyRefusal::Socks(1 | 3 | 4 | 5 | 6) => Retry::Retryable,
            _ => Retry::Fatal,
        }
    }
}

/// Whether a failure is worth a reconnection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    /// A configuration or request problem: retrying gives the same answer.
    Fatal,
    /// A transient fault: reconnecting (and resuming) may succeed.
    Retryable,
}

/// Everything that can go wrong. Messages never contain the API key or a token.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Error {
    /// The configuration is invalid; nothing was sent.
    InvalidConfig(String),
    /// An option has a value that cannot work; nothing was sent. The text names the option
    /// in each language's terms ([`Error::message`]).
    InvalidSetting {
        /// The option it is about.
        setting: Setting,
        /// What is wrong, and what to do (naming options through [`Phrase`]).
        problem: Phrase,
    },
    /// An argument of a call is invalid (e.g. an odd number of PCM bytes); nothing was sent.
    InvalidInput(String),
    /// A connection phase did not finish in time.
    Timeout(Phase),
    /// A network error during a phase or on an open connection (`phase` is `None` then).
    Io {
        /// Where it happened.
        phase: Option<Phase>,
        /// The operating system's message.
        message: String,
    },
    /// TLS failed: the certificate or host name was rejected, or the handshake failed.
    Tls(String),
    /// The server answered the upgrade with an HTTP status instead of switching protocols.
    Http {
        /// The status code.
        status: u16,
        /// The start of the response body, if any.
        body: String,
    },
    /// The server closed the connection with a close frame.
    Closed {
        /// The close code (1007 invalid argument, 1008 policy, 1011 internal, ...).
        code: u16,
        /// The reason text, as sent (the service truncates it to 123 bytes).
        reason: String,
    },
    /// The server closed with 1008 because the model does not exist or does not serve Live.
    ModelNotFound {
        /// The model that was asked for.
        model: String,
        /// The server's reason text.
        reason: String,
        /// The current models of the same API, named in the advice
        /// (`"gemini-3.8-live, gemini-3.8-live-extended-thinking"`, from
        /// [`crate::models::recommended`]).
        current: String,
    },
    /// The configuration asks for something the model refuses (per the capability table in
    /// [`crate::models`]); nothing was sent. Fatal. Bypass with `Config::skip_model_check`.
    UnsupportedByModel {
        /// The model id.
        model: String,
        /// The setup field (and value) it refuses.
        field: String,
        /// What to do instead, and how the service would refuse it.
        fix: Phrase,
    },
    /// The connection ended without a close frame (code 1006).
    ConnectionLost(String),
    /// The connection went silent: no message during a turn for the stall timeout, or no
    /// pong for the pong timeout.
    Stalled(std::time::Duration),
    /// The server sent something this client cannot decode.
    Protocol(String),
    /// The send queue is full (`try_send`).
    WouldBlock,
    /// The send queue stayed full for the whole send timeout.
    SendTimeout,
    /// A message is larger than the configured maximum.
    MessageTooLarge {
        /// Its size in bytes.
        size: usize,
        /// The configured maximum.
        max: usize,
    },
    /// The session is closed; no more input is accepted and no more events will come.
    SessionClosed,
    /// A bug inside the library (a panic caught at the boundary).
    Internal(String),
    /// The server rejected this configuration: it closed the connection right after `setup`,
    /// before `setupComplete`, twice in a row with the same code and reason (e.g. 1011 for a
    /// response modality the model does not serve). Not retried again.
    ConfigRejected {
        /// The close code.
        code: u16,
        /// The close reason, as sent.
        reason: String,
    },
    /// (Re)connecting gave up: the attempt or time budget of the reconnection policy is
    /// spent (see [`ReconnectPolicy`](crate::ReconnectPolicy)). Its text says "after N
    /// attempts over T s"; [`Error::retry`] is the last cause's (a transient cause may be
    /// worth a new session later, but this one will not try again).
    RetriesExhausted {
        /// Connection attempts made.
        attempts: u32,
        /// Time from the first attempt to giving up.
        elapsed: std::time::Duration,
        /// What the last attempt failed with.
        last: Box<Error>,
    },
    /// The server asked the client to move to a new connection (`goAway`). Only seen as the
    /// `last` cause of [`Error::RetriesExhausted`], when every connection got one.
    GoAway(Option<std::time::Duration>),
    /// The proxy refused or could not open the tunnel (its HTTP status to `CONNECT`, or its
    /// SOCKS5 reply). 407 and 403 (credentials, policy; also 401, which some proxies send
    /// for wrong credentials), SOCKS authentication failures and rule-set refusals are
    /// fatal; 5xx, 408, 429 and SOCKS network failures are retried. A proxy that does not
    /// answer is [`Error::Timeout`]`(`[`Phase::Proxy`]`)`.
    Proxy {
        /// The proxy, `scheme://host:port` (never its credentials).
        proxy: String,
        /// What it answered.
        refusal: ProxyRefusal,
        /// What happened and what to do, in words.
        message: String,
    },
    /// The access-token provider (Vertex AI, [`crate::vertex::TokenProvider`]) gave no
    /// usable token; nothing was sent. Retryable only when the provider said so.
    AccessToken {
        /// The provider's message (never the token).
        message: String,
        /// Whether another connect attempt may succeed.
        retryable: bool,
    },
    /// The server closed the connection for lack of quota or a concurrency slot (1011 with
    /// `RESOURCE_EXHAUSTED` / "Quota exceeded", protocol.md D.6). Retryable, with a long
    /// backoff (`ReconnectPolicy::quota_delay`, [`QUOTA_BACKOFF`] by default).
    QuotaExceeded {
        /// The close code.
        code: u16,
        /// The reason text, as sent.
        reason: String,
        /// Which limit the reason points at.
        limit: QuotaLimit,
    },
}

impl std::error::Error for Error {}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;
