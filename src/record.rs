//! The wire recorder: every data frame of a session, both ways, as JSON Lines.
//!
//! Set [`Config::recorder`](crate::Config::recorder) to a [`Recorder`] (C:
//! `gemini_live_config_set_record`; Python: `Config(record=...)`; CLI: `--record FILE`) and
//! each frame the client writes or reads is appended to the file as it happens, across every
//! connection of the session (reconnections included). `gemini-live fake-server --replay FILE`
//! ([`crate::fake::replay`]) serves a recording back, so a session captured against the real
//! service becomes an offline regression test.
//!
//! # Format (version 1)
//!
//! One JSON object per line. The first line is the header:
//!
//! ```json
//! {"gemini_live_recording":1,"created_unix_ms":1764600000000,"audio":"keep","library":"0.1.0"}
//! ```
//!
//! Then, in the order they happened, one line per connection attempt and per data frame:
//!
//! ```json
//! {"t":0.000102,"dir":"connect","conn":1,"url":"wss://host/ws/...BidiGenerateContent"}
//! {"t":0.004311,"dir":"send","conn":1,"frame":{"setup":{"model":"models/..."}}}
//! {"t":0.093200,"dir":"recv","conn":1,"frame":{"setupComplete":{}}}
//! ```
//!
//! - `t`: seconds since the recorder was created (monotonic clock, microseconds).
//! - `dir`: `connect` (a new connection; `url` is the endpoint and path, without any query),
//!   `send` (client to server) or `recv` (server to client).
//! - `conn`: the connection number, from 1, counting every attempt.
//! - `frame`: the frame's JSON exactly as it went over the wire (text and binary frames alike:
//!   both carry JSON). A received frame that is not valid JSON is kept as a string in `text`
//!   instead.
//! - With [`AudioRecording::Summary`], the base64 `data` of every `{mimeType, data}` blob
//!   whose type is `audio/*`, `image/*` or `video/*` is replaced by
//!   `{"summary":{"bytes":N,"fnv1a64":"<16 hex>"}}` (the decoded length and its FNV-1a 64
//!   checksum, as the fake server computes it); the replay server sends silence of that length.
//!
//! Control frames (ping, pong, close) and the HTTP upgrade are not recorded.
//!
//! # Secrets
//!
//! Credentials travel in the upgrade request's headers, which are never recorded; frames do
//! not carry them. As a second line of defence, any occurrence of the session's API key or
//! token in a frame is replaced by `[REDACTED]` before the line is written, and a URL's query
//! string is dropped.
//!
//! # Cost
//!
//! One `write` per frame on the thread that sent or read it (the reader or writer thread, or
//! the caller of a direct send), under the recorder's lock; with the recorder unset, nothing.
//! A write error is logged once and counted ([`Recorder::write_errors`]); the session goes on.

use crate::checksum::fnv1a64;
use crate::error::{Error, Result};
use base64::Engine as _;
use serde_json::Value;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// The format version written in the header.
pub const FORMAT_VERSION: u64 = 1;

/// What a recording keeps of audio and video payloads.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum AudioRecording {
    /// The base64 payloads as sent (replays byte for byte). The default.
    #[default]
    Keep,
    /// Their length and checksum only (small files; replays silence of the same length).
    Summary,
}

impl AudioRecording {
    fn name(self) -> &'static str {
        match self {
            AudioRecording::Keep => "keep",
            AudioRecording::Summary => "summary",
        }
    }
}

/// Direction of a recorded frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Direction {
    /// Client to server.
    Send,
    /// Server to client.
    Recv,
}

/// A wire recorder writing to one file. Cheap to clone (clones share the file); shared by
/// every connection of the sessions whose [`Config`](crate::Config) holds it.
#[derive(Clone)]
pub struct Recorder(Arc<Inner>);

struct Inner {
    path: PathBuf,
    audio: AudioRecording,
    file: Mutex<File>,
    start: Instant,
    conn: AtomicU64,
    frames: AtomicU64,
    write_errors: AtomicU64,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("path", &self.0.path)
            .field("audio", &self.0.audio)
            .finish()
    }
}

impl Recorder {
    /// Creates (or truncates) `path` and writes the header line.
    pub fn create(path: impl AsRef<Path>, audio: AudioRecording) -> Result<Recorder> {
        let path = path.as_ref().to_path_buf();
        let io = |e: std::io::Error| Error::Io {
            phase: None,
            message: format!("recording {}: {e}", path.display()),
        };
        let mut file = File::create(&path).map_err(io)?;
        let created = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(0);
        let header = serde_json::json!({
            "gemini_live_recording": FORMAT_VERSION,
            "created_unix_ms": created,
            "audio": audio.name(),
            "library": env!("CARGO_PKG_VERSION"),
        });
        writeln!(file, "{header}").map_err(io)?;
        Ok(Recorder(Arc::new(Inner {
            path,
            audio,
            file: Mutex::new(file),
            start: Instant::now(),
            conn: AtomicU64::new(0),
            frames: AtomicU64::new(0),
            write_errors: AtomicU64::new(0),
        })))
    }

    /// The file written to.
    pub fn path(&self) -> &Path {
        &self.0.path
    }

    /// What is kept of audio.
    pub fn audio(&self) -> AudioRecording {
        self.0.audio
    }

    /// Frames recorded so far.
    pub fn frames(&self) -> u64 {
        self.0.frames.load(Ordering::Relaxed)
    }

    /// Lines that could not be written (logged once).
    pub fn write_errors(&self) -> u64 {
        self.0.write_errors.load(Ordering::Relaxed)
    }

    /// Records the start of a new connection to `url` (its query string is dropped).
    pub fn connection(&self, url: &str) {
        let n = self.0.conn.fetch_add(1, Ordering::AcqRel) + 1;
        let url = url.split('?').next().unwrap_or_default();
        let line = serde_json::json!({
            "t": self.now(), "dir": "connect", "conn": n, "url": url,
        });
        self.write_line(&line.to_string());
    }

    /// Records one data frame.
    pub fn frame(&self, dir: Direction, payload: &[u8], secrets: &[&str]) {
        let conn = self.0.conn.load(Ordering::Acquire);
        let dir = match dir {
            Direction::Send => "send",
            Direction::Recv => "recv",
        };
        let t = self.now();
        let body = match self.0.audio {
            // The frame as it went, when it is one line of valid JSON.
            AudioRecording::Keep
                if !payload.contains(&b'\n')
                    && !payload.contains(&b'\r')
                    && serde_json::from_slice::<serde::de::IgnoredAny>(payload).is_ok() =>
            {
                // Valid JSON is valid UTF-8.
                format!("\"frame\":{}", String::from_utf8_lossy(payload))
            }
            _ => match serde_json::from_slice::<Value>(payload) {
                Ok(mut v) => {
                    if self.0.audio == AudioRecording::Summary {
                        summarise(&mut v);
                    }
                    format!("\"frame\":{v}")
                }
                Err(_) => format!(
                    "\"text\":{}",
                    Value::String(String::from_utf8_lossy(payload).into_owned())
                ),
            },
        };
        let mut line = format!("{{\"t\":{t},\"dir\":\"{dir}\",\"conn\":{conn},{body}}}");
        for s in secrets.iter().filter(|s| s.len() >= 4) {
            if line.contains(s) {
                line = line.replace(s, "[REDACTED]");
            }
        }
        self.0.frames.fetch_add(1, Ordering::Relaxed);
        self.write_line(&line);
    }

    fn now(&self) -> f64 {
        (self.0.start.elapsed().as_micros() as f64) / 1e6
    }

    fn write_line(&self, line: &str) {
        let mut buf = String::with_capacity(line.len() + 1);
        buf.push_str(line);
        buf.push('\n');
        // std's Mutex (not parking_lot's) keeps Config unwind-safe; a poisoned lock only
        // means another thread panicked mid-write, the file is still usable.
        let mut file = self.0.file.lock().unwrap_or_else(|p| p.into_inner());
        let result = file.write_all(buf.as_bytes());
        drop(file);
        if let Err(e) = result {
            if self.0.write_errors.fetch_add(1, Ordering::Relaxed) == 0 {
                log::warn!(
                    "recording {}: {e} (later errors not logged)",
                    self.0.path.display()
                );
            }
        }
    }
}

/// Replaces the payload of every audio/image/video blob by its length and checksum.
pub(crate) fn summarise(v: &mut Value) {
    match v {
        Value::Object(map) => {
            let media = map
                .get("mimeType")
                .or_else(|| map.get("mime_type"))
                .and_then(Value::as_str)
                .is_some_and(|m| {
                    m.starts_with("audio/") || m.starts_with("image/") || m.starts_with("video/")
                });
            if media {
                if let Some(Value::String(data)) = map.get("data") {
                    let bytes = decode_lenient(data);
                    let summary = serde_json::json!({"summary": {
                        "bytes": bytes.len(),
                        "fnv1a64": format!("{:016x}", fnv1a64(&bytes)),
                    }});
                    map.insert("data".to_string(), summary);
                }
            }
            for (_, child) in map.iter_mut() {
                summarise(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(summarise),
        _ => {}
    }
}

/// Standard or URL-safe base64, padded or not; undecodable text counts as empty.
fn decode_lenient(s: &str) -> Vec<u8> {
    use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
    let t = s.trim_end_matches('=');
    STANDARD_NO_PAD
        .decode(t)
        .or_else(|_| URL_SAFE_NO_PAD.decode(t))
        .unwrap_or_default()
}

/// Undoes [`AudioRecording::Summary`] for replay: every `{"summary":{"bytes":N}}` payload
/// becomes base64 of N zero bytes (silence).
pub fn restore_summaries(v: &mut Value) {
    match v {
        Value::Object(map) => {
            let silence = match map.get("data") {
                Some(Value::Object(d)) => d
                    .get("summary")
                    .and_then(|s| s.get("bytes"))
                    .and_then(Value::as_u64),
                _ => None,
            };
            if let Some(n) = silence {
                let zeros = vec![0u8; n.min(64 << 20) as usize];
                let b64 = base64::engine::general_purpose::STANDARD.encode(zeros);
                map.insert("data".to_string(), Value::String(b64));
            }
            for (_, child) in map.iter_mut() {
                restore_summaries(child);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(restore_summaries),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_keeps_length_and_checksum_and_restores_to_silence() {
        let pcm = [1u8, 2, 3, 4];
        let b64 = base64::engine::general_purpose::STANDARD.encode(pcm);
        let mut v = serde_json::json!({"realtimeInput": {"audio": {
            "mimeType": "audio/pcm;rate=16000", "data": b64}}});
        summarise(&mut v);
        let d = &v["realtimeInput"]["audio"]["data"]["summary"];
        assert_eq!(d["bytes"], 4);
        assert_eq!(d["fnv1a64"], format!("{:016x}", fnv1a64(&pcm)));
        restore_summaries(&mut v);
        assert_eq!(v["realtimeInput"]["audio"]["data"], "AAAAAA==");
    }
}
