//! Which failures are worth a reconnection: [`Error::retry`] and the close-code table
//! ([`classify_close`]); and which error a close frame is.

use super::{is_quota_close, Error, QuotaLimit, Retry};

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

    /// Builds the error for a close frame, recognising "model not found" (for `model`, whose
    /// API serves the `current` models: [`crate::models::recommended`]) and quota closes.
    pub fn from_close(code: u16, reason: &str, model: &str, current: &str) -> Error {
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
                current: current.to_string(),
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
/// | a proxy's 408, 429, 5xx to `CONNECT`; SOCKS5 replies 1, 3, 4, 5, 6 | retryable ([`ProxyRefusal::retry`](super::ProxyRefusal::retry)) |
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
