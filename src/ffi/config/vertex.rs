//! Vertex AI (Gemini Enterprise Agent Platform) from C: the target's setters and the
//! access-token callback, asked for a fresh token on every connect. (The fake server that
//! serves the Vertex path is `gemini_live_fake_server_start_vertex`, in `fake.rs`.)

use super::gemini_live_config;
use crate::config::{Auth, Config, Secret};
use crate::ffi::logging::gemini_live_user_data_free;
use crate::ffi::*;
use crate::vertex::{TokenError, TokenProvider, VertexApiVersion, VertexTarget};
use std::ffi::c_void;
use std::sync::Arc;

/// The token callback wrote a NUL-terminated access token into the buffer.
pub const GEMINI_LIVE_TOKEN_OK: u32 = 0;
/// The token callback failed for now (e.g. the metadata server did not answer): the
/// connect fails with `GEMINI_LIVE_ACCESS_TOKEN` as a retryable error, so the session backs
/// off and calls it again on its next attempt. The buffer may hold a NUL-terminated message.
pub const GEMINI_LIVE_TOKEN_RETRY_LATER: u32 = 1;
/// The token callback failed for good (not logged in, no permission): the connect or the
/// session ends with `GEMINI_LIVE_ACCESS_TOKEN`. The buffer may hold a NUL-terminated
/// message. Any other return value counts as this.
pub const GEMINI_LIVE_TOKEN_FAILED: u32 = 2;
/// Size in bytes of the buffer handed to a token callback (room for the token and its NUL).
pub const GEMINI_LIVE_TOKEN_BUFFER_SIZE: usize = 16384;

/// Produces an OAuth 2 access token for Vertex AI: write it, NUL-terminated, into `buf`
/// (`len` bytes, `GEMINI_LIVE_TOKEN_BUFFER_SIZE`; the library owns it, zeroes it after use,
/// and it is valid only during the call) and return `GEMINI_LIVE_TOKEN_OK`; or return
/// `GEMINI_LIVE_TOKEN_RETRY_LATER` / `GEMINI_LIVE_TOKEN_FAILED`, optionally with a
/// NUL-terminated message (never a secret) in `buf`.
///
/// Called before every connect (the first, each reconnection and each GoAway handover), on
/// the connecting thread: the caller of `gemini_live_session_connect` for the first, the
/// session's own reader thread afterwards; sessions connected from copies of one config may
/// call it at the same time from different threads. It must return promptly (cache tokens
/// until shortly before they expire; `gemini_live_session_close` waits for a call in
/// progress) and must not call `gemini_live_session_*` functions.
pub type gemini_live_token_callback =
    Option<unsafe extern "C" fn(user_data: *mut c_void, buf: *mut c_char, len: usize) -> u32>;

/// The C callback and its user data, freed once no config or session holds it.
struct CToken {
    callback: unsafe extern "C" fn(*mut c_void, *mut c_char, usize) -> u32,
    user_data: *mut c_void,
    free: gemini_live_user_data_free,
}

// The callback's contract (above) makes it callable from any thread.
unsafe impl Send for CToken {}
unsafe impl Sync for CToken {}

impl Drop for CToken {
    fn drop(&mut self) {
        if let Some(free) = self.free {
            // SAFETY: called once, with the user data the caller registered.
            unsafe { free(self.user_data) };
        }
    }
}

impl CToken {
    fn call(&self) -> Result<Secret, TokenError> {
        let mut buf = vec![0u8; GEMINI_LIVE_TOKEN_BUFFER_SIZE];
        // SAFETY: buf is valid for writing its length for the duration of the call.
        let code = unsafe { (self.callback)(self.user_data, buf.as_mut_ptr().cast(), buf.len()) };
        let text = buf
            .iter()
            .position(|&b| b == 0)
            .map(|n| String::from_utf8_lossy(&buf[..n]).into_owned());
        buf.iter_mut().for_each(|b| *b = 0);
        let message = |what: &str, text: Option<String>| match text {
            Some(m) if !m.is_empty() => format!("the token callback {what}: {m}"),
            _ => format!("the token callback {what}"),
        };
        match (code, text) {
            (GEMINI_LIVE_TOKEN_OK, Some(token)) => Ok(Secret::new(token)),
            (GEMINI_LIVE_TOKEN_OK, None) => Err(TokenError::fatal(
                "the token callback wrote no NUL-terminated token into the buffer",
            )),
            (GEMINI_LIVE_TOKEN_RETRY_LATER, text) => {
                Err(TokenError::retryable(message("failed (retry later)", text)))
            }
            (_, text) => Err(TokenError::fatal(message("failed", text))),
        }
    }
}

/// Talks to Vertex AI in `project` and `location` (e.g. `us-central1`, `global`, or the
/// multi-region `us` or `eu`) instead of the Developer API: the host becomes
/// `{location}-aiplatform.googleapis.com` (`aiplatform.googleapis.com` for `global`,
/// `aiplatform.{us|eu}.rep.googleapis.com` for the multi-regions) unless an endpoint was set,
/// the path Vertex's `LlmBidiService`, and the model
/// `projects/P/locations/L/publishers/google/models/M`. Needs an access-token callback
/// (`gemini_live_config_set_access_token_callback`). Express mode: `project = ""` with a
/// location and an API key (`gemini_live_config_set_api_key`); the model is then
/// `publishers/google/models/M`. Keeps the other Vertex options when called again;
/// `project = ""` and `location = ""` switch back to the Developer API. Overrides
/// `GEMINI_LIVE_VERTEX_PROJECT` / `_LOCATION`.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_vertex(
    config: *mut gemini_live_config,
    project: *const c_char,
    location: *const c_char,
) -> gemini_live_result {
    boundary(|| {
        let c = &mut arg_mut(config, "config")?.inner;
        let project = arg_str(project, "project")?;
        let location = arg_str(location, "location")?;
        c.vertex = match (project, c.vertex.take()) {
            ("", _) if location.is_empty() => None,
            (p, Some(mut v)) => {
                v.project = p.to_string();
                v.location = location.to_string();
                Some(v)
            }
            (p, None) => Some(VertexTarget::new(p, location)),
        };
        Ok(())
    })
}

fn target(c: &mut Config) -> Result<&mut VertexTarget, Fail> {
    c.vertex
        .as_mut()
        .ok_or_else(|| Fail::invalid("no Vertex target: call gemini_live_config_set_vertex first"))
}

/// Sets the Vertex API version, `"v1"` or `"v1beta1"` (the default, as in Google's SDKs).
/// `GEMINI_LIVE_INVALID_ARGUMENT` for another value or without a Vertex target.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_vertex_api_version(
    config: *mut gemini_live_config,
    api_version: *const c_char,
) -> gemini_live_result {
    config::with_str(config, api_version, "api_version", |c, s| {
        let v = VertexApiVersion::parse(s)
            .ok_or_else(|| Fail::invalid(format!("{s:?} is not v1 or v1beta1")))?;
        target(c)?.api_version = v;
        Ok(())
    })
}

/// Sets the project billed for the calls, sent as `x-goog-user-project`; `""` removes it
/// (the default: none). `GEMINI_LIVE_INVALID_ARGUMENT` without a Vertex target.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_vertex_user_project(
    config: *mut gemini_live_config,
    user_project: *const c_char,
) -> gemini_live_result {
    config::with_str(config, user_project, "user_project", |c, s| {
        target(c)?.user_project = config::non_empty(s);
        Ok(())
    })
}

/// Asks for transparent resumption (`sessionResumption.transparent: true`, Vertex only;
/// default off): resumption-update events then carry a last consumed index
/// (`gemini_live_event_last_consumed_index`).
/// `GEMINI_LIVE_INVALID_ARGUMENT` without a Vertex target.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_vertex_transparent_resumption(
    config: *mut gemini_live_config,
    enabled: bool,
) -> gemini_live_result {
    config::with_config(config, |c| {
        target(c)?.transparent_resumption = enabled;
        Ok(())
    })
}

/// Sets the access-token callback (Vertex AI), called for a fresh token before every connect
/// (see `gemini_live_token_callback` for its thread, reentrancy and buffer rules); the token
/// is sent as `Authorization: Bearer ...` and never logged. Replaces any API key, token or
/// callback. `user_data` is passed to every call; `user_data_free` (may be NULL) is called
/// with it once, when no config or session holds the callback any more (after the last of
/// them is freed, or when this config's callback is replaced), on the thread that lets go of
/// it last. A NULL `callback` removes the credentials (`user_data` and `user_data_free` are
/// then ignored).
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_access_token_callback(
    config: *mut gemini_live_config,
    callback: gemini_live_token_callback,
    user_data: *mut c_void,
    user_data_free: gemini_live_user_data_free,
) -> gemini_live_result {
    boundary(|| {
        let c = &mut arg_mut(config, "config")?.inner;
        c.auth = match callback {
            None => Auth::None,
            Some(callback) => {
                let token = Arc::new(CToken {
                    callback,
                    user_data,
                    free: user_data_free,
                });
                Auth::AccessToken(TokenProvider::new(move || token.call()))
            }
        };
        Ok(())
    })
}
