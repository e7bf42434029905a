//! Quota and concurrency closes (protocol.md Part D.6): the service ends a connection it will
//! not serve for lack of quota with 1011 and a `RESOURCE_EXHAUSTED` / "Quota exceeded"
//! reason. They are transient but not quick: retried with a long backoff
//! (`ReconnectPolicy::quota_delay`, [`QUOTA_BACKOFF`] by default), and the error names the
//! limit the reason points at.

use std::fmt;
use std::time::Duration;

/// The least delay before reconnecting after a quota close (with ±20 % jitter): a quota or a
/// concurrency slot frees up in seconds to a minute, not in the milliseconds of the ordinary
/// backoff, and retrying at once only spends more of it.
pub const QUOTA_BACKOFF: Duration = Duration::from_secs(10);

/// Which limit a quota close points at, read from its reason text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum QuotaLimit {
    /// Concurrent sessions: 1,000 per Vertex AI project (pay-as-you-go); 5,000 concurrent
    /// Bidi requests per project, region and base model quoted for 2.5 models.
    ConcurrentSessions,
    /// Requests per minute (or per day).
    RequestRate,
    /// Tokens per minute (or per day).
    TokenRate,
    /// The reason names no particular limit.
    Unspecified,
}

impl QuotaLimit {
    /// The limit a reason names.
    pub fn from_reason(reason: &str) -> QuotaLimit {
        let r = reason.to_ascii_lowercase();
        if r.contains("concurren") || r.contains("session") {
            QuotaLimit::ConcurrentSessions
        } else if r.contains("token") {
            QuotaLimit::TokenRate
        } else if r.contains("request") || r.contains("per minute") || r.contains("rate") {
            QuotaLimit::RequestRate
        } else {
            QuotaLimit::Unspecified
        }
    }
}

impl fmt::Display for QuotaLimit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            QuotaLimit::ConcurrentSessions => {
                "the concurrent-session limit (1,000 sessions per Vertex AI project; 5,000 \
                 concurrent Bidi requests per project, region and base model for 2.5 models)"
            }
            QuotaLimit::RequestRate => "the request-rate quota (requests per minute or day)",
            QuotaLimit::TokenRate => "the token-rate quota (tokens per minute or day)",
            QuotaLimit::Unspecified => "a quota of the project (the reason names none)",
        })
    }
}

/// Whether a close is a quota close: 1011 (or 1008/1013) whose reason says
/// `RESOURCE_EXHAUSTED`, "quota exceeded", "exceeded your current quota" or "too many
/// concurrent".
pub fn is_quota_close(code: u16, reason: &str) -> bool {
    if !matches!(code, 1008 | 1011 | 1013) {
        return false;
    }
    let r = reason.to_ascii_lowercase();
    r.contains("resource_exhausted")
        || r.contains("resource exhausted")
        || r.contains("quota exceeded")
        || r.contains("exceeded your current quota")
        || r.contains("too many concurrent")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::{Error, Retry};

    #[test]
    fn quota_closes_are_recognised_retryable_and_name_the_limit() {
        let e = Error::from_close(
            1011,
            "RESOURCE_EXHAUSTED: Quota exceeded for concurrent sessions per project",
            "gemini-3.8-live",
            "",
        );
        assert_eq!(e.retry(), Retry::Retryable);
        let Error::QuotaExceeded { code, limit, .. } = &e else {
            panic!("{e:?}")
        };
        assert_eq!((*code, *limit), (1011, QuotaLimit::ConcurrentSessions));
        let text = e.to_string();
        assert!(
            text.contains("1,000 sessions per Vertex AI project"),
            "{text}"
        );
        assert!(text.contains("Quota exceeded"), "{text}");
        let e = Error::from_close(1011, "Quota exceeded for tokens per minute.", "m", "");
        assert!(
            matches!(
                e,
                Error::QuotaExceeded {
                    limit: QuotaLimit::TokenRate,
                    ..
                }
            ),
            "{e:?}"
        );
        let e = Error::from_close(1011, "Resource exhausted.", "m", "");
        assert!(matches!(
            e,
            Error::QuotaExceeded {
                limit: QuotaLimit::Unspecified,
                ..
            }
        ));
        // An ordinary internal error is not a quota close.
        let e = Error::from_close(1011, "Internal error occurred.", "m", "");
        assert!(matches!(e, Error::Closed { code: 1011, .. }), "{e:?}");
        assert!(!is_quota_close(1000, "quota exceeded"));
    }
}
