//! Credentials: the [`Secret`] that never shows itself, how a session authenticates
//! ([`Auth`]), and the access-token provider of Vertex AI ([`TokenProvider`]). A leaf: it
//! knows nothing of the configuration that holds it.

use crate::error::{Error, Result, Retry};
use std::fmt;
use std::sync::Arc;

/// A secret string (API key or token) whose `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }
    /// The secret itself: only for the request header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(<{} bytes redacted>)", self.0.len())
    }
}

/// How the client authenticates.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Auth {
    /// No credentials (only for local fakes and proxies that add them).
    #[default]
    None,
    /// An API key, sent in the `x-goog-api-key` header (never in the URL).
    ApiKey(Secret),
    /// An ephemeral token (`auth_tokens/...`), sent as `Authorization: Token ...` to the
    /// `v1alpha` `BidiGenerateContentConstrained` method.
    EphemeralToken(Secret),
    /// OAuth 2 access tokens for Vertex AI ([`Config::vertex`](crate::Config::vertex)), sent as
    /// `Authorization: Bearer ...`; the provider is asked for a token on every connect.
    AccessToken(TokenProvider),
}

/// The environment variable of an ephemeral token (`auth_tokens/...`), read by
/// [`Config::from_env`](crate::Config::from_env) and the CLI (`--ephemeral-token`).
pub const EPHEMERAL_TOKEN_VAR: &str = "GEMINI_LIVE_EPHEMERAL_TOKEN";

impl Auth {
    /// A key as Google's SDK reads one: [`Auth::EphemeralToken`] when it starts with
    /// `auth_tokens/`, [`Auth::ApiKey`] otherwise.
    pub fn from_key(key: &str) -> Auth {
        if key.starts_with("auth_tokens/") {
            Auth::EphemeralToken(Secret::new(key))
        } else {
            Auth::ApiKey(Secret::new(key))
        }
    }
}

/// Why a [`TokenProvider`] could not produce a token. Its message is shown to the user, so it
/// must not contain a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenError {
    /// What went wrong (no secret in it).
    pub message: String,
    /// [`Retry::Fatal`] ends the session (or the connect) at once; [`Retry::Retryable`] lets
    /// the reconnection policy back off and call the provider again.
    pub retry: Retry,
}

impl TokenError {
    /// A failure that will not go away by itself (not logged in, no permission).
    pub fn fatal(message: impl Into<String>) -> TokenError {
        TokenError {
            message: message.into(),
            retry: Retry::Fatal,
        }
    }
    /// A transient failure (the metadata server did not answer): worth another attempt.
    pub fn retryable(message: impl Into<String>) -> TokenError {
        TokenError {
            message: message.into(),
            retry: Retry::Retryable,
        }
    }
}

impl From<TokenError> for Error {
    fn from(e: TokenError) -> Error {
        Error::AccessToken {
            message: e.message,
            retryable: e.retry == Retry::Retryable,
        }
    }
}

type ProviderFn = dyn Fn() -> std::result::Result<Secret, TokenError> + Send + Sync;

/// Produces an OAuth 2 access token for `Authorization: Bearer`. The session calls it on
/// every connect: the first one, each reconnection after a drop, and each GoAway handover,
/// on the thread that connects (the caller of `Session::connect` for the first, the
/// session's reader thread for the others), before the TCP connection is opened and outside
/// the connect timeout. It should return quickly (cache a token until shortly before it
/// expires): `Session::close` waits for a call in progress. It must not call back into the
/// session. Clones share the same provider.
///
/// A failure becomes [`Error::AccessToken`]: fatal or retryable as the provider says.
/// `Debug` never shows a token.
#[derive(Clone)]
pub struct TokenProvider(Arc<ProviderFn>);

impl TokenProvider {
    /// A provider from a closure.
    pub fn new(
        f: impl Fn() -> std::result::Result<Secret, TokenError> + Send + Sync + 'static,
    ) -> TokenProvider {
        TokenProvider(Arc::new(f))
    }

    /// A provider that always returns `token` (e.g. `GEMINI_LIVE_ACCESS_TOKEN`): simple, but
    /// once the token expires (about an hour) reconnections fail with HTTP 401.
    pub fn fixed(token: Secret) -> TokenProvider {
        TokenProvider::new(move || Ok(token.clone()))
    }

    /// Calls the provider and checks the token's form (non-empty, visible ASCII): a bad
    /// token is a fatal [`Error::AccessToken`].
    pub fn token(&self) -> Result<Secret> {
        // A panicking provider must not take the session's reader thread down with it.
        let token = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (self.0)()))
            .map_err(|_| Error::AccessToken {
                message: "the token provider panicked".into(),
                retryable: false,
            })??;
        let t = token.expose();
        if t.is_empty() || !t.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::AccessToken {
                message: "the token provider returned an empty token or one with spaces or \
                          control characters"
                    .into(),
                retryable: false,
            });
        }
        Ok(token)
    }
}

impl fmt::Debug for TokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenProvider(<callback>)")
    }
}

impl PartialEq for TokenProvider {
    /// Two providers are equal when they are clones of one another.
    fn eq(&self, other: &TokenProvider) -> bool {
        std::ptr::eq(
            Arc::as_ptr(&self.0).cast::<()>(),
            Arc::as_ptr(&other.0).cast::<()>(),
        )
    }
}

impl Eq for TokenProvider {}

// Calls are wrapped in `catch_unwind` (a panic becomes a fatal error), so a provider observed
// across an unwind is never used in a broken state by this crate: `Config` stays unwind-safe.
impl std::panic::UnwindSafe for TokenProvider {}
impl std::panic::RefUnwindSafe for TokenProvider {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn provider_errors_keep_their_class_and_bad_tokens_are_fatal() {
        let p = TokenProvider::new(|| Err(TokenError::retryable("metadata server busy")));
        let e = p.token().unwrap_err();
        assert!(e.is_retryable());
        assert!(e.to_string().contains("metadata server busy"), "{e}");
        let p = TokenProvider::new(|| Err(TokenError::fatal("not logged in")));
        assert!(!p.token().unwrap_err().is_retryable());
        let p = TokenProvider::fixed(Secret::new("two words"));
        assert!(!p.token().unwrap_err().is_retryable());
        let p = TokenProvider::fixed(Secret::new("ya29.SECRET"));
        assert_eq!(p.token().unwrap().expose(), "ya29.SECRET");
        assert_eq!(format!("{p:?}"), "TokenProvider(<callback>)");
        assert_eq!(p, p.clone());
        assert_ne!(p, TokenProvider::fixed(Secret::new("ya29.SECRET")));
        let p = TokenProvider::new(|| panic!("provider bug"));
        let e = p.token().unwrap_err();
        assert!(
            e.to_string().contains("panicked") && !e.is_retryable(),
            "{e}"
        );
    }
}
