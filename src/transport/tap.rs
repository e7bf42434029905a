//! The wire tap: what every data frame passes on its way to or from the socket. A trace log
//! line (media summarised, secrets redacted) and, when [`Config::recorder`] is set, a line in
//! the recording ([`crate::record`]).

use crate::config::{Auth, Config};
use crate::record::{summarise, Direction};
use serde_json::Value;

/// The secrets of `config` that must never reach a recording.
fn secrets(config: &Config) -> Vec<&str> {
    match &config.auth {
        Auth::ApiKey(s) | Auth::EphemeralToken(s) => vec![s.expose()],
        #[allow(unreachable_patterns)]
        _ => Vec::new(),
    }
}

/// Hook: a connection to `url` is being made.
pub(crate) fn connecting(config: &Config, url: &str) {
    if let Some(r) = &config.recorder {
        r.connection(url);
    }
}

/// Hook: a data frame was written (or is about to be) to the socket.
pub(crate) fn sent(config: &Config, payload: &[u8]) {
    if log::log_enabled!(log::Level::Trace) {
        log::trace!("sent {}", loggable(payload, &secrets(config)));
    }
    if let Some(r) = &config.recorder {
        r.frame(Direction::Send, payload, &secrets(config));
    }
}

/// Hook: a data frame was read from the socket.
pub(crate) fn received(config: &Config, payload: &[u8]) {
    if log::log_enabled!(log::Level::Trace) {
        log::trace!("received {}", loggable(payload, &secrets(config)));
    }
    if let Some(r) = &config.recorder {
        r.frame(Direction::Recv, payload, &secrets(config));
    }
}

/// A frame for a trace log line: its JSON with media payloads summarised (length and
/// checksum), cut at 1000 characters, every secret replaced by `[REDACTED]`.
fn loggable(payload: &[u8], secrets: &[&str]) -> String {
    const MAX: usize = 1000;
    let mut text = match serde_json::from_slice::<Value>(payload) {
        Ok(mut v) => {
            summarise(&mut v);
            v.to_string()
        }
        Err(_) => format!("{} bytes, not JSON", payload.len()),
    };
    for s in secrets.iter().filter(|s| s.len() >= 4) {
        if text.contains(s) {
            text = text.replace(s, "[REDACTED]");
        }
    }
    if text.len() > MAX {
        let mut end = MAX;
        while !text.is_char_boundary(end) {
            end -= 1;
        }
        let len = text.len();
        text.truncate(end);
        text.push_str(&format!("... ({len} characters)"));
    }
    text
}
