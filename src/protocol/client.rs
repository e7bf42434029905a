//! Messages the client sends, serialised as lowerCamelCase JSON with absent fields omitted.
//!
//! Every optional field is skipped when `None`: the service rejects explicit `null`s in some
//! places (protocol.md §1.3), and unknown client fields close the socket with 1007.

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

/// `BidiGenerateContentSetup`.
#[derive(Serialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Setup {
    /// `models/<id>`.
    pub model: String,
    /// Generation parameters, including the response modality.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generation_config: Option<GenerationConfig>,
    /// The system instruction (text parts only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub system_instruction: Option<Content>,
    /// Tools the model may call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub tools: Option<Vec<Tool>>,
    /// Voice activity detection and barge-in settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub realtime_input_config: Option<RealtimeInputConfig>,
    /// `{}` to enable resumption, `{"handle": "..."}` to resume.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_resumption: Option<SessionResumptionConfig>,
    /// Sliding-window context compression.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub context_window_compression: Option<ContextWindowCompression>,
    /// `{}` (or options) to receive transcriptions of the user's audio.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub input_audio_transcription: Option<AudioTranscriptionConfig>,
    /// `{}` (or options) to receive transcriptions of the model's audio.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub output_audio_transcription: Option<AudioTranscriptionConfig>,
    /// Proactive audio and video (v1alpha, native-audio models only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proactivity: Option<Proactivity>,
    /// How initial history is sent (`initialHistoryInClientContent`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub history_config: Option<HistoryConfig>,
    /// Safety settings.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub safety_settings: Option<Vec<SafetySetting>>,
    /// Explicit VAD signals from the server (Vertex AI only; the Developer API refuses it).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub explicit_vad_signal: Option<bool>,
    /// Extra JSON merged into `setup` when the message is serialised inside a
    /// [`ClientMessage::Setup`] (objects merge key by key; other values replace). **Not
    /// validated**: an escape hatch for fields the service adds before this library does;
    /// unknown fields close the connection with 1007. Never serialised on its own.
    #[serde(skip)]
    pub extra: Option<serde_json::Map<String, Value>>,
}

/// `inputAudioTranscription` / `outputAudioTranscription`: `{}` enables with the defaults.
/// The option fields are newer and their support per model is uncertain (protocol.md §3.1).
#[derive(Serialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct AudioTranscriptionConfig {
    /// Expected languages (BCP-47). Defaults to none sent (detected).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub language_codes: Vec<String>,
    /// Word timestamps. Defaults to none sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub word_timestamp: Option<bool>,
    /// Speaker diarization. Defaults to none sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diarization: Option<bool>,
    /// Verbatim or smart transcription. Defaults to none sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mode: Option<TranscriptionMode>,
    /// Words to favour (Vertex 3.8 Live). Defaults to none sent.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub custom_vocabulary: Vec<String>,
}

/// `historyConfig`.
#[derive(Serialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct HistoryConfig {
    /// `true`: the server first takes `clientContent` history until `turnComplete: true`
    /// without generating. Defaults to none sent (`false`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub initial_history_in_client_content: Option<bool>,
}

/// One `safetySettings` entry, e.g. category `HARM_CATEGORY_HARASSMENT`, threshold
/// `BLOCK_ONLY_HIGH`.
#[derive(Serialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct SafetySetting {
    /// `HARM_CATEGORY_*`.
    pub category: String,
    /// `BLOCK_*`, `OFF`.
    pub threshold: String,
    /// `SEVERITY` or `PROBABILITY` (Vertex). Defaults to none sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
}

/// `generationConfig.translationConfig` (live-translate models).
#[derive(Serialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct TranslationConfig {
    /// The language to translate into (BCP-47, e.g. `es`).
    pub target_language_code: String,
    /// Also speak input that is already in the target language. Defaults to none sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub echo_target_language: Option<bool>,
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

/// `generationConfig`.
#[derive(Serialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct GenerationConfig {
    /// Exactly one of `"TEXT"` or `"AUDIO"` (protocol.md §6).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub response_modalities: Vec<Modality>,
    /// Sampling temperature.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub temperature: Option<f32>,
    /// Nucleus sampling.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_p: Option<f32>,
    /// Top-k sampling.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_k: Option<u32>,
    /// Output token cap.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub max_output_tokens: Option<u32>,
    /// Sampling seed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub seed: Option<i64>,
    /// Presence penalty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub presence_penalty: Option<f32>,
    /// Frequency penalty.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub frequency_penalty: Option<f32>,
    /// Resolution of video input frames.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub media_resolution: Option<MediaResolution>,
    /// Voice and language of audio output.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub speech_config: Option<SpeechConfig>,
    /// Thinking budget (2.5 models) or level (3.x models).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thinking_config: Option<ThinkingConfig>,
    /// Affective dialog (native-audio 2.5 models, v1alpha).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_affective_dialog: Option<bool>,
    /// Target language (live-translate models).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub translation_config: Option<TranslationConfig>,
}

/// A response modality.
#[derive(Serialize, Debug, Clone, Copy, PartialEq, Eq)]
#[serde(rename_all = "UPPERCASE")]
pub enum Modality {
    /// Text parts.
    Text,
    /// 24 kHz PCM audio.
    Audio,
}

impl Modality {
    /// The protocol name, `"TEXT"` or `"AUDIO"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Modality::Text => "TEXT",
            Modality::Audio => "AUDIO",
        }
    }
}

/// `speechConfig`.
#[derive(Serialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct SpeechConfig {
    /// The voice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voice_config: Option<VoiceConfig>,
    /// BCP-47 language code, e.g. `en-US`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub language_code: Option<String>,
}

/// `voiceConfig`.
#[derive(Serialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct VoiceConfig {
    /// A prebuilt voice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prebuilt_voice_config: Option<PrebuiltVoiceConfig>,
    /// A speaker identifier (`voice`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voice: Option<String>,
    /// A replicated (cloned) voice.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicated_voice_config: Option<ReplicatedVoiceConfig>,
}

/// `prebuiltVoiceConfig`.
#[derive(Serialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct PrebuiltVoiceConfig {
    /// E.g. `Puck`, `Kore`.
    pub voice_name: String,
}

/// `thinkingConfig`.
#[derive(Serialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ThinkingConfig {
    /// Token budget for thinking (2.5 models).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thinking_budget: Option<i32>,
    /// Whether thoughts are returned.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub include_thoughts: Option<bool>,
    /// Thinking level (3.x models).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub thinking_level: Option<String>,
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

/// A tool: function declarations or a built-in tool.
#[derive(Serialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct Tool {
    /// Functions the model may call.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub function_declarations: Option<Vec<FunctionDeclaration>>,
    /// Google Search grounding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub google_search: Option<Empty>,
    /// Code execution.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub code_execution: Option<Empty>,
    /// URL context.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url_context: Option<Empty>,
    /// Grounding with Google Maps.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub google_maps: Option<GoogleMaps>,
    /// Computer use.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub computer_use: Option<ComputerUse>,
    /// File search (Developer API).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_search: Option<FileSearch>,
    /// Remote MCP servers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub mcp_servers: Vec<McpServer>,
    /// The older search grounding.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub google_search_retrieval: Option<GoogleSearchRetrieval>,
}

/// A function the model may call.
#[derive(Serialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct FunctionDeclaration {
    /// The function name.
    pub name: String,
    /// What it does, for the model.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// OpenAPI-style schema of the arguments (`{"type":"OBJECT",...}`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters: Option<Value>,
    /// Blocking or not; unset, the model's default (non-blocking on 3.8 Live).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub behavior: Option<Behavior>,
    /// Parameters as a JSON Schema (instead of `parameters`, an OpenAPI subset).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parameters_json_schema: Option<Value>,
    /// The response as a JSON Schema.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response_json_schema: Option<Value>,
}

/// `realtimeInputConfig`.
#[derive(Serialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct RealtimeInputConfig {
    /// Server-side voice activity detection.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub automatic_activity_detection: Option<AutomaticActivityDetection>,
    /// Barge-in or not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub activity_handling: Option<ActivityHandling>,
    /// What a user turn includes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub turn_coverage: Option<TurnCoverage>,
}

/// `automaticActivityDetection`.
#[derive(Serialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct AutomaticActivityDetection {
    /// `true` turns server VAD off: the client sends `activityStart`/`activityEnd`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disabled: Option<bool>,
    /// How readily speech start is detected. When not sent, the service's default differs
    /// by platform: LOW on Vertex AI, HIGH on the Developer API (protocol.md Part D.2); set
    /// both sensitivities for the same behaviour on both.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_of_speech_sensitivity: Option<StartSensitivity>,
    /// How readily speech end is detected (default when not sent: LOW on Vertex AI, HIGH on
    /// the Developer API).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_of_speech_sensitivity: Option<EndSensitivity>,
    /// Audio kept before detected speech start.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prefix_padding_ms: Option<u32>,
    /// Silence that ends speech.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub silence_duration_ms: Option<u32>,
}

/// `sessionResumption`: `{}` enables it, a handle resumes.
#[derive(Serialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct SessionResumptionConfig {
    /// The latest resumable handle.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handle: Option<String>,
    /// `true` asks for transparent resumption (Vertex AI only): resumption updates then
    /// carry `lastConsumedClientMessageIndex`. Omitted when `None`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transparent: Option<bool>,
}

/// `contextWindowCompression`.
#[derive(Serialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ContextWindowCompression {
    /// Tokens that trigger compression.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trigger_tokens: Option<u64>,
    /// The sliding-window mechanism (may be `{}`).
    pub sliding_window: SlidingWindow,
}

/// `slidingWindow`.
#[derive(Serialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct SlidingWindow {
    /// Tokens kept after compression.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_tokens: Option<u64>,
}

/// `proactivity`.
#[derive(Serialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct Proactivity {
    /// Let the model decide not to answer (always on in 3.8 Live: `false` is refused).
    /// Defaults to none sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proactive_audio: Option<bool>,
    /// Let the model speak up about what it sees in the video. Defaults to none sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub proactive_video: Option<bool>,
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
