//! Messages the client sends, serialised as lowerCamelCase JSON with absent fields omitted.
//!
//! Every optional field is skipped when `None`: the service rejects explicit `null`s in some
//! places (protocol.md §1.3), and unknown client fields close the socket with 1007.
//!
//! This module holds the messages and the content they carry; `setup.rs` the setup's
//! configuration, `tools.rs` the tools.

mod setup;
mod tools;

pub use setup::*;
pub use tools::*;

use super::enums::*;
use super::fields::*;
use serde::Serialize;
use serde_json::Value;

/// An empty JSON object, `{}`: the wire form of flags such as `activityStart` and
/// `inputAudioTranscription`.
#[derive(Serialize, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Empty {}

/// One client message: exactly one top-level key on the wire.
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "camelCase")]
pub enum ClientMessage {
    /// `{"setup": {...}}`: the first and only setup of a connection; [`Setup::extra`] is
    /// merged into it.
    Setup(#[serde(serialize_with = "serialize_setup")] Box<Setup>),
    /// `{"clientContent": {...}}`: conversation turns appended to the history.
    ClientContent(ClientContent),
    /// `{"realtimeInput": {...}}`: streamed audio, video, text or activity signals.
    RealtimeInput(RealtimeInput),
    /// `{"toolResponse": {...}}`: answers to the server's function calls.
    ToolResponse(ToolResponse),
    /// `{"contextUpdate": {...}}`: replaces the system instruction and/or the tools mid-session
    /// (protocol.md §3.5; server support per model is uncertain: Vertex documents it for
    /// Gemini 3.8 Live).
    ContextUpdate(ContextUpdate),
}

fn serialize_setup<S: serde::Serializer>(setup: &Setup, s: S) -> Result<S::Ok, S::Error> {
    let mut v = serde_json::to_value(setup).map_err(serde::ser::Error::custom)?;
    if let Some(extra) = &setup.extra {
        merge_json(&mut v, extra);
    }
    v.serialize(s)
}

/// Merges `extra` into `target`: objects are merged key by key (recursively), anything else
/// replaces the value at that key.
pub fn merge_json(target: &mut Value, extra: &serde_json::Map<String, Value>) {
    let Value::Object(obj) = target else {
        *target = Value::Object(extra.clone());
        return;
    };
    for (k, v) in extra {
        match (obj.get_mut(k), v) {
            (Some(existing @ Value::Object(_)), Value::Object(more)) => merge_json(existing, more),
            _ => {
                obj.insert(k.clone(), v.clone());
            }
        }
    }
}

/// `contextUpdate`: each member set replaces that part of the session's context.
#[derive(Serialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ContextUpdate {
    /// A new system instruction. Defaults to none (kept).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_instruction: Option<Content>,
    /// New tools: `Some` with an empty list clears them, `None` (the default) keeps them.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tools: Option<ContextTools>,
}

/// The tools wrapper of a `contextUpdate` (so that "keep" differs from "clear").
#[derive(Serialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ContextTools {
    /// The new tool list.
    pub tools: Vec<Tool>,
}

/// `Content`: a role and its parts.
#[derive(Serialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Content {
    /// `user` or `model`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<String>,
    /// The parts.
    pub parts: Vec<Part>,
}

impl Content {
    /// A content made of one text part.
    pub fn text(role: &str, text: &str) -> Content {
        Content {
            role: Some(role.to_string()),
            parts: vec![Part {
                text: Some(text.to_string()),
                ..Part::default()
            }],
        }
    }
}

/// A part of a client `Content`.
#[derive(Serialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Part {
    /// Text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Inline bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inline_data: Option<Blob>,
    /// A file by URI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_data: Option<FileData>,
    /// A function call (a tool turn in history).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function_call: Option<FunctionCallPart>,
    /// A function response (a tool turn in history).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function_response: Option<FunctionResponse>,
    /// The thought signature the model gave this part (base64), given back with it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thought_signature: Option<String>,
}

/// Inline bytes with a MIME type; `data` is base64.
#[derive(Serialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Blob {
    /// E.g. `audio/pcm;rate=16000` or `image/jpeg`.
    pub mime_type: String,
    /// Standard base64.
    pub data: String,
}

/// `clientContent`.
#[derive(Serialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ClientContent {
    /// Turns appended to the history, in order.
    pub turns: Vec<Content>,
    /// `true` asks the model to answer now.
    pub turn_complete: bool,
}

/// `realtimeInput`: one member set per message.
#[derive(Serialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct RealtimeInput {
    /// PCM16LE audio.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audio: Option<Blob>,
    /// A still frame (JPEG).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub video: Option<Blob>,
    /// Typed text.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
    /// Start of user activity (VAD disabled only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity_start: Option<Empty>,
    /// End of user activity (VAD disabled only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity_end: Option<Empty>,
    /// The microphone paused (VAD enabled only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub audio_stream_end: Option<bool>,
}

/// `toolResponse`.
#[derive(Serialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ToolResponse {
    /// One response per answered call.
    pub function_responses: Vec<FunctionResponse>,
}

/// The result of one function call.
#[derive(Serialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FunctionResponse {
    /// The `id` of the call this answers (mandatory on the Developer API).
    pub id: String,
    /// The function name.
    pub name: String,
    /// The result, a JSON object.
    pub response: Value,
    /// When the model uses the result, for non-blocking functions (sent beside
    /// `response`, as the proto has it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduling: Option<Scheduling>,
    /// More responses to this call will follow (non-blocking functions).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub will_continue: Option<bool>,
    /// Media for the model with the response.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<FunctionResponsePart>,
}
