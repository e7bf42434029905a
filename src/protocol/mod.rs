//! The wire protocol: pure serde types and codec, no sockets and no threads.
//!
//! Client messages serialise to lowerCamelCase JSON with absent fields omitted. Server messages
//! decode from text or binary frames (both are UTF-8 JSON), ignoring unknown fields and keeping
//! unknown message kinds. See `shared/protocol.md` Part B.

pub mod client;
pub mod enums;
pub mod fields;
pub mod server;

pub use client::*;
pub use enums::*;
pub use fields::*;
pub use server::*;

use base64::engine::general_purpose::{GeneralPurpose, GeneralPurposeConfig};
use base64::engine::DecodePaddingMode;
use base64::{alphabet, Engine};

/// Why a server frame could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecodeError(pub String);

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for DecodeError {}

const ENCODER: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_encode_padding(true),
);
const DECODE_CONFIG: GeneralPurposeConfig = GeneralPurposeConfig::new()
    .with_decode_padding_mode(DecodePaddingMode::Indifferent)
    .with_decode_allow_trailing_bits(true);
const STANDARD_DECODER: GeneralPurpose = GeneralPurpose::new(&alphabet::STANDARD, DECODE_CONFIG);
const URL_SAFE_DECODER: GeneralPurpose = GeneralPurpose::new(&alphabet::URL_SAFE, DECODE_CONFIG);

/// Encodes bytes as standard, padded base64 (what the service documents).
pub fn encode_base64(bytes: &[u8]) -> String {
    ENCODER.encode(bytes)
}

/// Appends the standard, padded base64 of `bytes` to `out`.
pub fn encode_base64_into(bytes: &[u8], out: &mut String) {
    ENCODER.encode_string(bytes, out)
}

/// Decodes base64 in the standard or the URL-safe alphabet, padded or not.
///
/// The standard alphabet is tried first (what the service sends): no scan of the text
/// beforehand, which cost as much as a third of the decode of a reply audio chunk; only text
/// that the standard alphabet refuses and that has a URL-safe character is decoded again.
pub fn decode_base64(s: &str) -> Result<Vec<u8>, DecodeError> {
    STANDARD_DECODER
        .decode(s)
        .or_else(|e| {
            if s.bytes().any(|b| b == b'-' || b == b'_') {
                URL_SAFE_DECODER.decode(s)
            } else {
                Err(e)
            }
        })
        .map_err(|e| DecodeError(format!("invalid base64 in inline data: {e}")))
}

/// Serialises a client message as one JSON text frame.
pub fn encode_client(msg: &ClientMessage) -> String {
    // Serialising these types cannot fail: every map key is a string and no value is a
    // non-finite float that serde_json refuses (f32 NaN becomes null, which we avoid upstream).
    serde_json::to_string(msg).unwrap_or_else(|_| String::from("{}"))
}

/// Most bytes of serde_json's description kept in a [`DecodeError`]: its "invalid type"
/// messages quote the offending value, which can be megabytes long.
const MAX_DECODE_DETAIL: usize = 300;

/// Decodes one server frame (the payload of a text or binary frame).
pub fn decode_server(payload: &[u8]) -> Result<ServerMessage, DecodeError> {
    serde_json::from_slice(payload).map_err(|e| {
        use std::fmt::Write;
        let mut detail = Bounded {
            text: String::new(),
            left: MAX_DECODE_DETAIL,
            cut: false,
        };
        let _ = write!(detail, "{e}");
        if detail.cut {
            detail.text.push_str(&format!(
                "... (cut) at line {} column {}",
                e.line(),
                e.column()
            ));
        }
        DecodeError(format!(
            "malformed server message ({} bytes): {}",
            payload.len(),
            detail.text
        ))
    })
}

/// A `fmt::Write` that keeps the first `left` bytes (whole characters) and drops the rest.
struct Bounded {
    text: String,
    left: usize,
    cut: bool,
}

impl std::fmt::Write for Bounded {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        if s.len() <= self.left {
            self.text.push_str(s);
            self.left -= s.len();
        } else {
            let mut end = self.left;
            while !s.is_char_boundary(end) {
                end -= 1;
            }
            self.text.push_str(&s[..end]);
            self.left = 0;
            self.cut = true;
        }
        Ok(())
    }
}

/// Builds the `realtimeInput.audio` frame for PCM16LE bytes at `rate` Hz without intermediate
/// structures (the audio hot path).
pub fn encode_audio_frame(pcm: &[u8], rate: u32) -> String {
    let mut out = String::with_capacity(pcm.len() * 4 / 3 + 96);
    out.push_str("{\"realtimeInput\":{\"audio\":{\"mimeType\":\"audio/pcm;rate=");
    // Into the frame itself: no String of its own per chunk.
    let _ = std::fmt::Write::write_fmt(&mut out, format_args!("{rate}"));
    out.push_str("\",\"data\":\"");
    encode_base64_into(pcm, &mut out);
    out.push_str("\"}}}");
    out
}

#[cfg(test)]
mod tests;
