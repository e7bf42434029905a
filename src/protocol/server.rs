//! Messages the server sends, decoded leniently: unknown fields are ignored, unknown message
//! kinds are kept (not an error), `int64` counts are read from numbers or strings.

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;
use std::fmt;
use std::time::Duration;

/// One decoded server message. The service sends one kind per message, optionally with
/// `usageMetadata` riding along; every kind is an `Option` so nothing is lost if it sends more.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ServerMessage {
    /// `setupComplete`.
    pub setup_complete: Option<SetupComplete>,
    /// `serverContent`.
    pub server_content: Option<ServerContent>,
    /// `toolCall`.
    pub tool_call: Option<ToolCall>,
    /// `toolCallCancellation`.
    pub tool_call_cancellation: Option<ToolCallCancellation>,
    /// `goAway`.
    pub go_away: Option<GoAway>,
    /// `sessionResumptionUpdate`.
    pub session_resumption_update: Option<SessionResumptionUpdate>,
    /// `usageMetadata`.
    pub usage_metadata: Option<UsageMetadata>,
    /// `voiceActivity`: the server's voice activity detection saw speech start or end.
    pub voice_activity: Option<VoiceActivity>,
    /// `voiceActivityDetectionSignal` (allowlisted projects).
    pub voice_activity_detection_signal: Option<VoiceActivityDetectionSignal>,
    /// Top-level keys this client does not know (future kinds), with values.
    pub unknown: Vec<(String, Value)>,
}

/// `setupComplete`.
#[derive(Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct SetupComplete {
    /// Session id, where the service fills it.
    #[serde(default)]
    pub session_id: Option<String>,
    /// The signature of a consent recording the service verified (replicated voices).
    #[serde(default)]
    pub voice_consent_signature: Option<super::VoiceConsentSignature>,
}

/// `serverContent` (protocol.md Part B §4).
#[derive(Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ServerContent {
    /// The model's output parts.
    #[serde(default)]
    pub model_turn: Option<ServerTurn>,
    /// The model finished generating.
    #[serde(default)]
    pub generation_complete: Option<bool>,
    /// The turn is over.
    #[serde(default)]
    pub turn_complete: Option<bool>,
    /// Client input interrupted the generation: flush playback.
    #[serde(default)]
    pub interrupted: Option<bool>,
    /// Grounding metadata (search tools).
    #[serde(default)]
    pub grounding_metadata: Option<Value>,
    /// URL context metadata.
    #[serde(default)]
    pub url_context_metadata: Option<Value>,
    /// Transcription of the user's audio.
    #[serde(default)]
    pub input_transcription: Option<Transcription>,
    /// Transcription of the model's audio.
    #[serde(default)]
    pub output_transcription: Option<Transcription>,
    /// The model waits for more user input.
    #[serde(default)]
    pub waiting_for_input: Option<bool>,
    /// Why the turn completed (e.g. `NEED_MORE_INPUT`, `RESPONSE_REJECTED`).
    #[serde(default)]
    pub turn_complete_reason: Option<String>,
    /// Interim transcription of the user's audio.
    #[serde(default)]
    pub interim_input_transcription: Option<Transcription>,
    /// `IN_PROGRESS` | `REQUIRES_ACTION` | `IDLE`.
    #[serde(default)]
    pub interaction_status: Option<String>,
}

/// The model's content in a `serverContent`.
#[derive(Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ServerTurn {
    /// `model`.
    #[serde(default)]
    pub role: Option<String>,
    /// Parts; 3.x models send several per message.
    #[serde(default)]
    pub parts: Vec<ServerPart>,
}

/// One part of the model's output.
#[derive(Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ServerPart {
    /// Text.
    #[serde(default)]
    pub text: Option<String>,
    /// Inline bytes (audio).
    #[serde(default)]
    pub inline_data: Option<ServerBlob>,
    /// The part is a thought summary.
    #[serde(default)]
    pub thought: Option<bool>,
    /// Code the model ran (code execution tool).
    #[serde(default)]
    pub executable_code: Option<Value>,
    /// Result of that code.
    #[serde(default)]
    pub code_execution_result: Option<Value>,
    /// The thought signature of this part (base64): give it back with the part when the
    /// turn goes into history.
    #[serde(default)]
    pub thought_signature: Option<String>,
    /// A function call recorded in the model's turn (answer the `toolCall` message, not
    /// this).
    #[serde(default)]
    pub function_call: Option<FunctionCall>,
}

/// Inline bytes; `data` is still base64 (decoded by the session, which knows the alphabet rules).
#[derive(Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ServerBlob {
    /// E.g. `audio/pcm;rate=24000`.
    #[serde(default)]
    pub mime_type: String,
    /// Base64, standard or URL-safe.
    #[serde(default)]
    pub data: String,
}

/// A transcription fragment.
#[derive(Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Transcription {
    /// The text.
    #[serde(default)]
    pub text: Option<String>,
    /// The transcription of this utterance is final.
    #[serde(default)]
    pub finished: Option<bool>,
    /// Detected language.
    #[serde(default)]
    pub language_code: Option<String>,
    /// Who spoke (`diarization`), e.g. `spk_1`.
    #[serde(default)]
    pub speaker_label: Option<String>,
    /// The words with their timing (`wordTimestamp`).
    #[serde(default)]
    pub words: Vec<super::WordInfo>,
    /// Start of this fragment in the audio, as sent (`"1.200s"`).
    #[serde(default)]
    pub start_offset: Option<String>,
    /// End of this fragment in the audio, as sent.
    #[serde(default)]
    pub end_offset: Option<String>,
}

/// `toolCall`.
#[derive(Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct ToolCall {
    /// The calls to answer with a `toolResponse`.
    #[serde(default)]
    pub function_calls: Vec<FunctionCall>,
}

/// One function call.
#[derive(Deserialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FunctionCall {
    /// The id to echo in the response.
    #[serde(default)]
    pub id: String,
    /// The function name.
    #[serde(default)]
    pub name: String,
    /// The arguments, a JSON object.
    #[serde(default)]
    pub args: Value,
    /// Vertex AI streamed arguments: pieces of `args`, by JSON path.
    #[serde(default)]
    pub partial_args: Vec<super::PartialArg>,
    /// Vertex AI streamed arguments: more of this call follows (same `id`).
    #[serde(default)]
    pub will_continue: Option<bool>,
}

/// `toolCallCancellation`.
#[derive(Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ToolCallCancellation {
    /// Ids of calls to abandon.
    #[serde(default)]
    pub ids: Vec<String>,
}

/// `goAway`: the server will end this connection soon.
#[derive(Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct GoAway {
    /// A protobuf Duration such as `"50s"`.
    #[serde(default)]
    pub time_left: Option<String>,
}

impl GoAway {
    /// `timeLeft` as a duration, if it parses (`^\d+(\.\d+)?s$`).
    pub fn time_left(&self) -> Option<Duration> {
        self.time_left.as_deref().and_then(parse_duration)
    }
}

/// Parses a protobuf JSON Duration (`"50s"`, `"0.5s"`).
pub fn parse_duration(s: &str) -> Option<Duration> {
    let secs = s.strip_suffix('s')?;
    if secs.is_empty() || !secs.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return None;
    }
    let value: f64 = secs.parse().ok()?;
    if !value.is_finite() || value > 1.0e9 {
        return None;
    }
    Some(Duration::from_secs_f64(value))
}

/// `sessionResumptionUpdate`.
#[derive(Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct SessionResumptionUpdate {
    /// The new handle; empty where resumption would lose data.
    #[serde(default)]
    pub new_handle: Option<String>,
    /// Whether the session can be resumed at this point.
    #[serde(default)]
    pub resumable: Option<bool>,
    /// Vertex AI with transparent resumption: the index of the last client message the state
    /// behind this handle includes (proto `int64`: read from a number or a string; a negative
    /// or non-integer value reads as `None`).
    #[serde(
        default,
        deserialize_with = "lenient_index",
        alias = "last_consumed_client_message_index"
    )]
    pub last_consumed_client_message_index: Option<u64>,
}

impl SessionResumptionUpdate {
    /// The handle, if it is resumable and non-empty (the only kind worth keeping).
    pub fn resumable_handle(&self) -> Option<&str> {
        match (self.resumable, self.new_handle.as_deref()) {
            (Some(true), Some(h)) if !h.is_empty() => Some(h),
            _ => None,
        }
    }
}

/// `voiceActivity` (the wire key of the kind is `type`).
#[derive(Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct VoiceActivity {
    /// `ACTIVITY_START` | `ACTIVITY_END`.
    #[serde(
        default,
        rename = "type",
        alias = "voiceActivityType",
        alias = "voice_activity_type"
    )]
    pub kind: Option<String>,
    /// Offset into the input audio, a protobuf Duration such as `"1.5s"`.
    #[serde(default, alias = "audio_offset")]
    pub audio_offset: Option<String>,
}

/// `voiceActivityDetectionSignal`.
#[derive(Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct VoiceActivityDetectionSignal {
    /// `VAD_SIGNAL_TYPE_SOS` (start of speech) | `VAD_SIGNAL_TYPE_EOS` (end of speech).
    #[serde(default, alias = "vad_signal_type")]
    pub vad_signal_type: Option<String>,
}

/// Tokens of one modality (`promptTokensDetails[]` etc.).
#[derive(Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ModalityTokenCount {
    /// `TEXT`, `AUDIO`, `IMAGE`, `VIDEO`, ...
    #[serde(default)]
    pub modality: String,
    /// Tokens of that modality.
    #[serde(default, deserialize_with = "lenient_u64", alias = "token_count")]
    pub token_count: Option<u64>,
}

/// `usageMetadata`: token counts (proto `int32`/`int64`; read from numbers or strings).
/// Vertex AI's names for the response counts, `candidatesTokenCount` and
/// `candidatesTokensDetails`, land in the same fields as the Developer API's
/// `responseTokenCount` / `responseTokensDetails`, as Google's SDKs map them (Part D.2).
#[derive(Deserialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(from = "RawUsage")]
pub struct UsageMetadata {
    /// Tokens in the prompt.
    pub prompt_token_count: Option<u64>,
    /// Tokens served from cache.
    pub cached_content_token_count: Option<u64>,
    /// Tokens in the response.
    pub response_token_count: Option<u64>,
    /// Tokens in tool-use prompts.
    pub tool_use_prompt_token_count: Option<u64>,
    /// Thinking tokens.
    pub thoughts_token_count: Option<u64>,
    /// Total.
    pub total_token_count: Option<u64>,
    /// Prompt tokens per modality.
    pub prompt_tokens_details: Vec<ModalityTokenCount>,
    /// Cached tokens per modality.
    pub cache_tokens_details: Vec<ModalityTokenCount>,
    /// Response tokens per modality.
    pub response_tokens_details: Vec<ModalityTokenCount>,
    /// Tool-use prompt tokens per modality.
    pub tool_use_prompt_tokens_details: Vec<ModalityTokenCount>,
    /// Vertex AI: `trafficType` (e.g. `ON_DEMAND`, `PROVISIONED_THROUGHPUT`).
    pub traffic_type: Option<String>,
    /// Developer API: `serviceTier` (e.g. `standard`, `priority`).
    pub service_tier: Option<String>,
}

/// `usageMetadata` as sent, in either API's names.
#[derive(Deserialize, Default)]
#[serde(rename_all = "camelCase", default)]
struct RawUsage {
    #[serde(deserialize_with = "lenient_u64", alias = "prompt_token_count")]
    prompt_token_count: Option<u64>,
    #[serde(deserialize_with = "lenient_u64", alias = "cached_content_token_count")]
    cached_content_token_count: Option<u64>,
    #[serde(deserialize_with = "lenient_u64", alias = "response_token_count")]
    response_token_count: Option<u64>,
    #[serde(deserialize_with = "lenient_u64", alias = "candidates_token_count")]
    candidates_token_count: Option<u64>,
    #[serde(
        deserialize_with = "lenient_u64",
        alias = "tool_use_prompt_token_count"
    )]
    tool_use_prompt_token_count: Option<u64>,
    #[serde(deserialize_with = "lenient_u64", alias = "thoughts_token_count")]
    thoughts_token_count: Option<u64>,
    #[serde(deserialize_with = "lenient_u64", alias = "total_token_count")]
    total_token_count: Option<u64>,
    #[serde(alias = "prompt_tokens_details")]
    prompt_tokens_details: Vec<ModalityTokenCount>,
    #[serde(alias = "cache_tokens_details")]
    cache_tokens_details: Vec<ModalityTokenCount>,
    #[serde(alias = "response_tokens_details")]
    response_tokens_details: Vec<ModalityTokenCount>,
    #[serde(alias = "candidates_tokens_details")]
    candidates_tokens_details: Vec<ModalityTokenCount>,
    #[serde(alias = "tool_use_prompt_tokens_details")]
    tool_use_prompt_tokens_details: Vec<ModalityTokenCount>,
    #[serde(alias = "traffic_type")]
    traffic_type: Option<String>,
    #[serde(alias = "service_tier")]
    service_tier: Option<String>,
}

impl From<RawUsage> for UsageMetadata {
    fn from(r: RawUsage) -> UsageMetadata {
        let response_tokens_details = if r.response_tokens_details.is_empty() {
            r.candidates_tokens_details
        } else {
            r.response_tokens_details
        };
        UsageMetadata {
            prompt_token_count: r.prompt_token_count,
            cached_content_token_count: r.cached_content_token_count,
            response_token_count: r.response_token_count.or(r.candidates_token_count),
            tool_use_prompt_token_count: r.tool_use_prompt_token_count,
            thoughts_token_count: r.thoughts_token_count,
            total_token_count: r.total_token_count,
            prompt_tokens_details: r.prompt_tokens_details,
            cache_tokens_details: r.cache_tokens_details,
            response_tokens_details,
            tool_use_prompt_tokens_details: r.tool_use_prompt_tokens_details,
            traffic_type: r.traffic_type,
            service_tier: r.service_tier,
        }
    }
}

fn lenient_u64<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    match Option::<Value>::deserialize(d)? {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_u64().or_else(|| n.as_f64().map(|f| f.max(0.0) as u64))),
        Some(Value::String(s)) => s
            .parse::<u64>()
            .map(Some)
            .map_err(|_| de::Error::custom("token count is not a number")),
        Some(_) => Err(de::Error::custom("token count is not a number")),
    }
}

/// An `int64` index from a number or a (canonical proto3 JSON) string. Negative values and
/// anything that is not an integer read as `None`: a strange index must not cost the handle
/// that comes with it.
fn lenient_index<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u64>, D::Error> {
    Ok(match Option::<Value>::deserialize(d)? {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(s)) => s.trim().parse::<u64>().ok(),
        _ => None,
    })
}

impl<'de> Deserialize<'de> for ServerMessage {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = ServerMessage;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a Live API server message (a JSON object)")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ServerMessage, A::Error> {
                let mut m = ServerMessage::default();
                while let Some(key) = map.next_key::<String>()? {
                    match key.as_str() {
                        "setupComplete" | "setup_complete" => {
                            m.setup_complete = map.next_value()?
                        }
                        "serverContent" | "server_content" => {
                            m.server_content = map.next_value()?
                        }
                        "toolCall" | "tool_call" => m.tool_call = map.next_value()?,
                        "toolCallCancellation" | "tool_call_cancellation" => {
                            m.tool_call_cancellation = map.next_value()?
                        }
                        "goAway" | "go_away" => m.go_away = map.next_value()?,
                        "sessionResumptionUpdate" | "session_resumption_update" => {
                            m.session_resumption_update = map.next_value()?
                        }
                        "usageMetadata" | "usage_metadata" => {
                            m.usage_metadata = map.next_value()?
                        }
                        "voiceActivity" | "voice_activity" => {
                            m.voice_activity = map.next_value()?
                        }
                        "voiceActivityDetectionSignal" | "voice_activity_detection_signal" => {
                            m.voice_activity_detection_signal = map.next_value()?
                        }
                        _ => {
                            let v: Value = map.next_value()?;
                            m.unknown.push((key, v));
                        }
                    }
                }
                Ok(m)
            }
        }
        d.deserialize_map(V)
    }
}
