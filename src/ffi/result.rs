//! Results and errors: the code every function returns (`gemini_live_result`), each code's
//! text, the library's version, and the detail of the calling thread's latest failure.

use super::copy_out;
use crate::error::{Error, Retry};
use std::ffi::{c_char, CStr};

/// The outcome of a call: `GEMINI_LIVE_OK` (0) or one of the `GEMINI_LIVE_*` codes below.
///
/// Codes come in fixed groups and are never renumbered or reused:
/// - 0: success;
/// - 1xx: expected outcomes, not errors (no event yet, queue full, closed);
/// - 2xx: the caller passed something wrong; nothing was done;
/// - 3xx: the connection failed or the server ended it;
/// - 9xx: a bug inside the library.
///
/// `gemini_live_result_str` gives a static description of any code and
/// `gemini_live_last_error_message` the detail of this thread's latest failure.
pub type gemini_live_result = u32;

/// Success.
pub const GEMINI_LIVE_OK: gemini_live_result = 0;

/// No event arrived within the timeout (`gemini_live_session_next_event`).
pub const GEMINI_LIVE_TIMEOUT: gemini_live_result = 100;
/// The send queue is full; nothing was queued (`gemini_live_session_try_send_audio`).
pub const GEMINI_LIVE_WOULD_BLOCK: gemini_live_result = 101;
/// The session is closed: no more input is accepted, and `next_event` has delivered every
/// event including the final `GEMINI_LIVE_EVENT_CLOSED`.
pub const GEMINI_LIVE_CLOSED: gemini_live_result = 102;
/// The send queue stayed full for the whole send timeout; nothing was queued.
pub const GEMINI_LIVE_SEND_TIMEOUT: gemini_live_result = 103;

/// A required pointer argument was NULL.
pub const GEMINI_LIVE_NULL_ARGUMENT: gemini_live_result = 200;
/// An argument is out of range or not acceptable (e.g. an odd number of PCM bytes, empty
/// audio, an unknown constant, a function called on the wrong kind of event index).
pub const GEMINI_LIVE_INVALID_ARGUMENT: gemini_live_result = 201;
/// A string argument is not valid UTF-8.
pub const GEMINI_LIVE_INVALID_UTF8: gemini_live_result = 202;
/// The configuration is invalid (checked by `gemini_live_config_validate` and on connect).
pub const GEMINI_LIVE_INVALID_CONFIG: gemini_live_result = 203;
/// The caller's buffer is too small; `*needed` says how many bytes are required.
pub const GEMINI_LIVE_BUFFER_TOO_SMALL: gemini_live_result = 204;
/// A message is larger than the configured maximum message size; nothing was sent.
pub const GEMINI_LIVE_MESSAGE_TOO_LARGE: gemini_live_result = 205;
/// The accessor does not apply to this kind of event (e.g. `gemini_live_event_audio` on a
/// text event).
pub const GEMINI_LIVE_WRONG_EVENT_TYPE: gemini_live_result = 206;
/// A JSON argument does not parse, or has the wrong shape.
pub const GEMINI_LIVE_INVALID_JSON: gemini_live_result = 207;

/// A connection phase (TCP connect, TLS, upgrade or setup) did not finish in time.
pub const GEMINI_LIVE_CONNECT_TIMEOUT: gemini_live_result = 300;
/// A network error (connection refused, reset, host not found...). Retryable.
pub const GEMINI_LIVE_IO: gemini_live_result = 301;
/// TLS failed: certificate or host name rejected, or the handshake failed. Fatal.
pub const GEMINI_LIVE_TLS: gemini_live_result = 302;
/// The server refused the WebSocket upgrade with an HTTP status (401/403: bad key).
pub const GEMINI_LIVE_HTTP: gemini_live_result = 303;
/// The server closed the connection for a reason that retrying will not fix (e.g. 1007
/// invalid argument, 1008 policy). Fatal.
pub const GEMINI_LIVE_SERVER_CLOSED_FATAL: gemini_live_result = 304;
/// The server closed the connection with a transient code (1001, 1011, 1012, 1013...).
/// Reconnecting (and resuming) may succeed.
pub const GEMINI_LIVE_SERVER_CLOSED_RETRYABLE: gemini_live_result = 305;
/// The model does not exist or does not serve the Live API. Fatal; choose another model.
pub const GEMINI_LIVE_MODEL_NOT_FOUND: gemini_live_result = 306;
/// The server sent something this client cannot decode.
pub const GEMINI_LIVE_PROTOCOL: gemini_live_result = 307;
/// The connection ended without a close frame (code 1006). Retryable.
pub const GEMINI_LIVE_CONNECTION_LOST: gemini_live_result = 308;
/// The connection went silent (no reply during a turn, or no pong) and was given up.
/// Retryable.
pub const GEMINI_LIVE_STALLED: gemini_live_result = 309;
/// No usable access token (Vertex AI): the token callback failed, or returned an empty or
/// malformed token. Retryable only when the callback returned
/// `GEMINI_LIVE_TOKEN_RETRY_LATER`.
pub const GEMINI_LIVE_ACCESS_TOKEN: gemini_live_result = 310;
/// The proxy refused or could not open the tunnel (HTTP 407 credentials, 403 policy, 502
/// upstream, a SOCKS5 refusal); the message names the proxy (never its credentials) and the
/// answer. 407, 403 and SOCKS authentication or rule-set refusals are fatal (not retried); a
/// proxy that does not answer is `GEMINI_LIVE_CONNECT_TIMEOUT`.
pub const GEMINI_LIVE_PROXY: gemini_live_result = 311;

/// A bug: a panic inside the library was caught at the C boundary. The object involved may
/// be in an inconsistent state; free it.
pub const GEMINI_LIVE_PANIC: gemini_live_result = 900;
/// A bug or an unexpected internal condition.
pub const GEMINI_LIVE_INTERNAL: gemini_live_result = 901;

/// The code for a Rust error.
pub(crate) fn result_of(e: &Error) -> gemini_live_result {
    match e {
        Error::InvalidConfig(_) | Error::InvalidSetting { .. } => GEMINI_LIVE_INVALID_CONFIG,
        // The model refuses part of the configuration (capability table): a config error.
        Error::UnsupportedByModel { .. } => GEMINI_LIVE_INVALID_CONFIG,
        Error::InvalidInput(_) => GEMINI_LIVE_INVALID_ARGUMENT,
        Error::Timeout(_) => GEMINI_LIVE_CONNECT_TIMEOUT,
        Error::Io { .. } => GEMINI_LIVE_IO,
        Error::Tls(_) => GEMINI_LIVE_TLS,
        Error::Http { .. } => GEMINI_LIVE_HTTP,
        Error::Closed { .. } if e.retry() == Retry::Retryable => {
            GEMINI_LIVE_SERVER_CLOSED_RETRYABLE
        }
        Error::Closed { .. } => GEMINI_LIVE_SERVER_CLOSED_FATAL,
        Error::ModelNotFound { .. } => GEMINI_LIVE_MODEL_NOT_FOUND,
        Error::ConnectionLost(_) => GEMINI_LIVE_CONNECTION_LOST,
        Error::Stalled(_) => GEMINI_LIVE_STALLED,
        Error::Protocol(_) => GEMINI_LIVE_PROTOCOL,
        Error::WouldBlock => GEMINI_LIVE_WOULD_BLOCK,
        Error::SendTimeout => GEMINI_LIVE_SEND_TIMEOUT,
        Error::MessageTooLarge { .. } => GEMINI_LIVE_MESSAGE_TOO_LARGE,
        Error::SessionClosed => GEMINI_LIVE_CLOSED,
        Error::Internal(_) => GEMINI_LIVE_INTERNAL,
        Error::ConfigRejected { .. } => GEMINI_LIVE_SERVER_CLOSED_FATAL,
        Error::RetriesExhausted { last, .. } => result_of(last),
        Error::GoAway(_) | Error::QuotaExceeded { .. } => GEMINI_LIVE_SERVER_CLOSED_RETRYABLE,
        Error::AccessToken { .. } => GEMINI_LIVE_ACCESS_TOKEN,
        Error::Proxy { .. } => GEMINI_LIVE_PROXY,
        // A variant added to the Rust API without a code yet.
        #[allow(unreachable_patterns)]
        _ => GEMINI_LIVE_INTERNAL,
    }
}

/// The name and static description of a code.
fn describe(code: gemini_live_result) -> (&'static str, &'static CStr) {
    match code {
        GEMINI_LIVE_OK => ("OK", c"success"),
        GEMINI_LIVE_TIMEOUT => ("TIMEOUT", c"no event arrived within the timeout"),
        GEMINI_LIVE_WOULD_BLOCK => ("WOULD_BLOCK", c"the send queue is full"),
        GEMINI_LIVE_CLOSED => ("CLOSED", c"the session is closed"),
        GEMINI_LIVE_SEND_TIMEOUT => (
            "SEND_TIMEOUT",
            c"the send queue stayed full for the send timeout",
        ),
        GEMINI_LIVE_NULL_ARGUMENT => ("NULL_ARGUMENT", c"a required pointer argument is NULL"),
        GEMINI_LIVE_INVALID_ARGUMENT => ("INVALID_ARGUMENT", c"an argument is invalid"),
        GEMINI_LIVE_INVALID_UTF8 => ("INVALID_UTF8", c"a string argument is not valid UTF-8"),
        GEMINI_LIVE_INVALID_CONFIG => ("INVALID_CONFIG", c"the configuration is invalid"),
        GEMINI_LIVE_BUFFER_TOO_SMALL => ("BUFFER_TOO_SMALL", c"the buffer is too small"),
        GEMINI_LIVE_MESSAGE_TOO_LARGE => (
            "MESSAGE_TOO_LARGE",
            c"the message exceeds the maximum message size",
        ),
        GEMINI_LIVE_WRONG_EVENT_TYPE => (
            "WRONG_EVENT_TYPE",
            c"the accessor does not apply to this kind of event",
        ),
        GEMINI_LIVE_INVALID_JSON => ("INVALID_JSON", c"a JSON argument is invalid"),
        GEMINI_LIVE_CONNECT_TIMEOUT => ("CONNECT_TIMEOUT", c"connecting timed out"),
        GEMINI_LIVE_IO => ("IO", c"network error"),
        GEMINI_LIVE_TLS => ("TLS", c"TLS error"),
        GEMINI_LIVE_HTTP => ("HTTP", c"the server refused the WebSocket upgrade"),
        GEMINI_LIVE_SERVER_CLOSED_FATAL => (
            "SERVER_CLOSED_FATAL",
            c"the server closed the connection (not retryable)",
        ),
        GEMINI_LIVE_SERVER_CLOSED_RETRYABLE => (
            "SERVER_CLOSED_RETRYABLE",
            c"the server closed the connection (retryable)",
        ),
        GEMINI_LIVE_MODEL_NOT_FOUND => (
            "MODEL_NOT_FOUND",
            c"the model is not served by this endpoint",
        ),
        GEMINI_LIVE_PROTOCOL => ("PROTOCOL", c"the server sent an undecodable message"),
        GEMINI_LIVE_CONNECTION_LOST => (
            "CONNECTION_LOST",
            c"the connection ended without a close frame",
        ),
        GEMINI_LIVE_STALLED => ("STALLED", c"the connection went silent"),
        GEMINI_LIVE_ACCESS_TOKEN => ("ACCESS_TOKEN", c"no usable access token"),
        GEMINI_LIVE_PROXY => ("PROXY", c"the proxy refused or could not open the tunnel"),
        GEMINI_LIVE_PANIC => ("PANIC", c"internal panic caught at the C boundary (a bug)"),
        GEMINI_LIVE_INTERNAL => ("INTERNAL", c"internal error"),
        _ => ("UNKNOWN", c"unknown result code"),
    }
}

/// The short name of a code, e.g. `TIMEOUT`.
pub(crate) fn result_name(code: gemini_live_result) -> &'static str {
    describe(code).0
}

/// A static, NUL-terminated English description of `code` (any value; unknown codes give
/// "unknown result code"). Never NULL; never free it. Any thread.
#[no_mangle]
pub extern "C" fn gemini_live_result_str(code: gemini_live_result) -> *const c_char {
    describe(code).1.as_ptr()
}

/// The library version, e.g. `"0.1.0"`: a static string, never NULL; never free it.
/// Compare with `GEMINI_LIVE_VERSION_STRING` to detect a header/library mismatch.
#[no_mangle]
pub extern "C" fn gemini_live_version() -> *const c_char {
    concat!(env!("CARGO_PKG_VERSION"), "\0").as_ptr().cast()
}

/// Copies the detail text of the most recent failed call on the calling thread (e.g.
/// `"MODEL_NOT_FOUND: model `x` is not served by this endpoint ..."`) into `buf` (`len`
/// bytes, NUL-terminated). The text is empty when no call on this thread has failed yet.
/// Successful calls do not clear it; read it right after the failure. This function never
/// changes it.
///
/// `*needed` (if `needed` is not NULL) is set to the size required including the NUL, also
/// when the result is `GEMINI_LIVE_BUFFER_TOO_SMALL`; pass `buf = NULL, len = 0` to ask.
/// A 512-byte buffer holds almost every message.
///
/// Options are named by their setter in backticks (`` `gemini_live_config_set_voice` ``), a
/// response mode as `` `gemini_live_config_set_response_modality(config,
/// GEMINI_LIVE_MODALITY_TEXT)` ``; bindings may map these forms to their own names.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_last_error_message(
    buf: *mut c_char,
    len: usize,
    needed: *mut usize,
) -> gemini_live_result {
    // Not through `boundary`: a failure here must not replace the message being read.
    let text = super::last_error();
    std::panic::catch_unwind(|| match copy_out(&text, buf, len, needed) {
        Ok(()) => GEMINI_LIVE_OK,
        Err(f) => f.code,
    })
    .unwrap_or(GEMINI_LIVE_PANIC)
}

/// Test hook: panics inside the library's panic boundary, so tests can prove that a panic
/// returns `GEMINI_LIVE_PANIC` instead of aborting the host. Always returns
/// `GEMINI_LIVE_PANIC` (and prints a panic message to stderr). Only in builds with the
/// `test-exports` cargo feature (declared under `GEMINI_LIVE_TEST_EXPORTS`); an installed
/// library does not have it.
#[cfg(feature = "test-exports")]
#[no_mangle]
pub extern "C" fn gemini_live_test_panic() -> gemini_live_result {
    super::boundary(|| -> super::FfiResult { panic!("gemini_live_test_panic was called") })
}
