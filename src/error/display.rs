//! The words of every error, in each language's terms ([`Lang`]): `Display` is the Rust form,
//! [`Error::message`] the others.

use super::{Error, Phase};
use crate::wording::{Lang, Setting};
use std::fmt;

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
        InLang(self, lang).to_string()
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
            Error::ModelNotFound {
                model,
                reason,
                current,
            } => write!(
                f,
                "model `{model}` is not served by this endpoint (server said: {reason}); \
                 choose another with GEMINI_LIVE_MODEL or {}, \
                 e.g. one of the current models: {current}",
                Setting::Model.name(lang),
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
                InLang(last, lang)
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

/// An error rendered for a language; see [`Error::message`].
pub(crate) struct InLang<'a>(pub(crate) &'a Error, pub(crate) Lang);

impl fmt::Display for InLang<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.write_in(f, self.1)
    }
}
