//! One error type for the whole crate, with the classification of every failure as fatal
//! (reported, never retried) or retryable (worth a reconnection), in one table:
//! [`classify_close`].

use crate::wording::{Lang, Phrase, Setting};
use std::fmt;

mod quota;
pub use quota::{is_quota_close, QuotaLimit, QUOTA_BACKOFF};

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

impl Error {
    /// Whether this error is fatal or worth a reconnection.
    pub fn retry(&self) -> Retry {
        match self {
            Error::Timeout(_) | Error::Io { .. } | Error::ConnectionLost(_) | Error::Stalled(_) => {
                Retry::Retryable
            }
            Error::Http { status, .. } if *status >= 500 || *status == 429 || *status == 408 => {
                Retry::Retryable
            }
            Error::GoAway(_) | Error::QuotaExceeded { .. } => Retry::Retryable,
            // The session gave up; whether trying again later makes sense is the cause's call.
            Error::RetriesExhausted { last, .. } => last.retry(),
            Error::Closed { code, reason } => classify_close(*code, reason),
            // A malformed frame is a server-side fault; a new connection usually fixes it.
            Error::Protocol(_) => Retry::Retryable,
            Error::AccessToken {
                retryable: true, ..
            } => Retry::Retryable,
            Error::Proxy { refusal, .. } => refusal.retry(),
            _ => Retry::Fatal,
        }
    }

    /// Shorthand for `retry() == Retry::Retryable`.
    pub fn is_retryable(&self) -> bool {
        self.retry() == Retry::Retryable
    }

    /// The close code and reason this error carries, if it came from a close frame (directly
    /// or as the last cause of [`Error::RetriesExhausted`]).
    pub fn close_code(&self) -> Option<(u16, &str)> {
        match self {
            Error::Closed { code, reason }
            | Error::ConfigRejected { code, reason }
            | Error::QuotaExceeded { code, reason, .. } => Some((*code, reason)),
            Error::ModelNotFound { reason, .. } => Some((1008, reason)),
            Error::RetriesExhausted { last, .. } => last.close_code(),
            _ => None,
        }
    }

    /// Builds the error for a close frame, recognising "model not found".
    pub fn from_close(code: u16, reason: &str, model: &str) -> Error {
        if is_quota_close(code, reason) {
            Error::QuotaExceeded {
                code,
                reason: reason.to_string(),
                limit: QuotaLimit::from_reason(reason),
            }
        } else if code == 1008 && is_model_not_found(reason) {
            Error::ModelNotFound {
                model: model.to_string(),
                reason: reason.to_string(),
            }
        } else {
            Error::Closed {
                code,
                reason: reason.to_string(),
            }
        }
    }
}

fn is_model_not_found(reason: &str) -> bool {
    reason.contains("is not found for API version")
        || reason.contains("not supported for bidi")
        // Vertex AI: "Publisher Model `projects/.../models/M` was not found ..."
        || (reason.contains("Publisher Model") && reason.contains("not found"))
}

/// The close-code table (protocol.md Part B §9): which closes are worth a reconnection.
///
/// | code | verdict |
/// |---|---|
/// | 1000 normal, 1005 no status | fatal (the server ended the session on purpose) |
/// | HTTP 408, 429, 5xx on the upgrade | retryable (other HTTP statuses are fatal) |
/// | a proxy's 408, 429, 5xx to `CONNECT`; SOCKS5 replies 1, 3, 4, 5, 6 | retryable ([`ProxyRefusal::retry`]) |
/// | a proxy's 401, 403, 407 (other statuses); SOCKS5 authentication, replies 2, 7, 8 | fatal |
/// | 1001 going away, 1006 abnormal, 1011 internal / deadline / unavailable, 1012, 1013, 1014 | retryable |
/// | 1007 invalid argument, bad key, bad audio | fatal |
/// | 1008 model not found, unregistered caller, GoAway ignored | fatal |
/// | 1008 "operation was aborted", "not implemented, or supported, or enabled", "Requested entity was not found" | retryable (intermittent server faults) |
/// | anything else | fatal |
pub fn classify_close(code: u16, reason: &str) -> Retry {
    match code {
        1001 | 1006 | 1011 | 1012 | 1013 | 1014 => Retry::Retryable,
        1008 => {
            let r = reason.to_ascii_lowercase();
            if r.contains("operation was aborted")
                || r.contains("not implemented, or supported, or enabled")
                || r.contains("requested entity was not found")
            {
                Retry::Retryable
            } else {
                Retry::Fatal
            }
        }
        _ => Retry::Fatal,
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.write_in(f, Lang::Rust)
    }
}

impl Error {
    /// The option a configuration error is about ([`Error::InvalidSetting`]).
    pub fn setting(&self) -> Option<Setting> {
        match self {
            Error::InvalidSetting { setting, .. } => Some(*setting),
            Error::RetriesExhausted { last, .. } => last.setting(),
            _ => None,
        }
    }

    /// The message in `lang`'s terms: options named as that language sets them (`Display`
    /// is the Rust form). See [`crate::wording`].
    pub fn message(&self, lang: Lang) -> String {
        crate::wording::InLang(self, lang).to_string()
    }

    pub(crate) fn write_in(&self, f: &mut fmt::Formatter<'_>, lang: Lang) -> fmt::Result {
        match self {
            Error::QuotaExceeded {
                code,
                reason,
                limit,
            } => write!(
                f,
                "the server closed the connection ({code}) because {limit} was reached \
                 (server said: {reason}); retried with a long backoff"
            ),
            Error::InvalidConfig(m) => write!(f, "invalid configuration: {m}"),
            Error::InvalidSetting { problem, .. } => {
                write!(f, "invalid configuration: {}", problem.render(lang))
            }
            Error::InvalidInput(m) => write!(f, "invalid input: {m}"),
            Error::Timeout(Phase::Proxy) => f.write_str(
                "proxy handshake timed out: the proxy accepted the connection but did not open \
                 the tunnel in time (is it a proxy of this kind?)",
            ),
            Error::Timeout(p) => write!(f, "{p} timed out"),
            Error::Proxy { proxy, message, .. } => write!(f, "proxy {proxy}: {message}"),
            Error::Io {
                phase: Some(p),
                message,
            } => write!(f, "{p} failed: {message}"),
            Error::Io {
                phase: None,
                message,
            } => write!(f, "connection error: {message}"),
            Error::Tls(m) => write!(f, "TLS error: {m}"),
            Error::Http { status: 404, body } => write!(
                f,
                "the server refused the WebSocket upgrade with HTTP 404{}{body} (no Live \
                 service at this URL: check the endpoint, which is a base URL such as \
                 wss://host; the Live path /ws/... is appended to it)",
                if body.is_empty() { "" } else { ": " }
            ),
            Error::Http { status, body } if body.is_empty() => {
                write!(
                    f,
                    "the server refused the WebSocket upgrade with HTTP {status}"
                )
            }
            Error::Http { status, body } => write!(
                f,
                "the server refused the WebSocket upgrade with HTTP {status}: {body}"
            ),
            Error::Closed { code, reason } => match crate::wording::credential_hint(reason, lang) {
                Some((full, hint)) => write!(
                    f,
                    "the server closed the connection ({code}): {full} ({hint})"
                ),
                None => write!(f, "the server closed the connection ({code}): {reason}"),
            },
            Error::ModelNotFound { model, reason } => write!(
                f,
                "model `{model}` is not served by this endpoint (server said: {reason}); \
                 choose another with GEMINI_LIVE_MODEL or {}, \
                 e.g. one of the current models: {}",
                Setting::Model.name(lang),
                crate::models::recommended(if model.contains("/locations/") {
                    crate::models::Api::Vertex
                } else {
                    crate::models::Api::Developer
                })
            ),
            Error::UnsupportedByModel { model, field, fix } => write!(
                f,
                "model `{model}` does not accept {field}: {}; nothing was sent",
                fix.render(lang)
            ),
            Error::ConnectionLost(m) => write!(f, "connection lost without a close frame: {m}"),
            Error::Stalled(d) => write!(f, "the connection was silent for {d:?}"),
            Error::Protocol(m) => write!(f, "protocol error: {m}"),
            Error::WouldBlock => f.write_str("the send queue is full"),
            Error::SendTimeout => f.write_str("the send queue stayed full for the send timeout"),
            Error::MessageTooLarge { size, max } => {
                write!(
                    f,
                    "message of {size} bytes exceeds the maximum of {max} bytes"
                )
            }
            Error::SessionClosed => f.write_str("the session is closed"),
            Error::Internal(m) => write!(f, "internal error: {m}"),
            Error::ConfigRejected { code, reason } => write!(
                f,
                "the server rejected this configuration: it closed the connection right after \
                 setup twice in a row ({code}: {reason}); check the model, the response \
                 modality and the other setup options"
            ),
            Error::RetriesExhausted {
                attempts,
                elapsed,
                last,
            } => write!(
                f,
                "gave up after {attempts} attempt{} over {:.1} s: {}",
                if *attempts == 1 { "" } else { "s" },
                elapsed.as_secs_f64(),
                crate::wording::InLang(last, lang)
            ),
            Error::GoAway(Some(left)) => write!(
                f,
                "the server asked to move to a new connection (GoAway, {:.1} s left)",
                left.as_secs_f64()
            ),
            Error::GoAway(None) => {
                f.write_str("the server asked to move to a new connection (GoAway)")
            }
            Error::AccessToken { message, .. } => {
                write!(f, "could not get an access token: {message}")
            }
        }
    }
}

impl std::error::Error for Error {}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn close_table() {
        assert_eq!(classify_close(1011, "Deadline expired"), Retry::Retryable);
        assert_eq!(classify_close(1006, ""), Retry::Retryable);
        assert_eq!(classify_close(1001, ""), Retry::Retryable);
        assert_eq!(
            classify_close(1007, "Request contains an invalid argument."),
            Retry::Fatal
        );
        assert_eq!(
            classify_close(1008, "models/x is not found for API version v1alpha"),
            Retry::Fatal
        );
        assert_eq!(
            classify_close(1008, "The operation was aborted"),
            Retry::Retryable
        );
        assert_eq!(classify_close(1000, ""), Retry::Fatal);
    }

    #[test]
    fn model_not_found_names_the_model_and_the_fix() {
        let e = Error::from_close(
            1008,
            "models/gemini-live-2.5-flash-preview is not found for API version v1alpha, or is not supported for bidiGenerateContent. Call ListMod",
            "gemini-live-2.5-flash-preview",
        );
        assert!(matches!(e, Error::ModelNotFound { .. }));
        let s = e.to_string();
        assert!(s.contains("gemini-live-2.5-flash-preview"));
        assert!(s.contains("GEMINI_LIVE_MODEL"));
        assert!(s.contains("`Config::model`"), "{s}");
        assert!(e.message(Lang::Cli).contains("or --model,"), "{s}");
        assert!(e
            .message(Lang::C)
            .contains("`gemini_live_config_set_model`"));
        // The advice names the current models of the capability table.
        assert!(
            s.contains("gemini-3.8-live, gemini-3.8-live-extended-thinking"),
            "{s}"
        );
        assert!(!e.is_retryable());
    }

    #[test]
    fn http_status_classes() {
        let e = |status| Error::Http {
            status,
            body: String::new(),
        };
        assert!(e(503).is_retryable());
        assert!(e(429).is_retryable());
        assert!(e(408).is_retryable(), "request timeout is transient");
        // A 404 says where the Live path comes from (a pasted full URL, a wrong host path).
        assert!(e(404)
            .to_string()
            .contains("the Live path /ws/... is appended"));
        assert!(!e(403).to_string().contains("/ws/"));
        assert!(!e(401).is_retryable());
        assert!(!e(404).is_retryable());
    }
}
