//! `setup` and what it configures: generation and speech, realtime input and activity
//! detection, resumption, context-window compression, transcription, history, safety,
//! translation, proactivity.

use crate::protocol::enums::*;
use crate::protocol::fields::*;
use serde::Serialize;

use super::{Content, Tool};
use serde_json::Value;

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
    /// [`ClientMessage::Setup`](super::ClientMessage::Setup) (objects merge key by key; other
    /// values replace). **Not validated**: an escape hatch for fields the service adds before
    /// this library does; unknown fields close the connection with 1007. Never serialised on
    /// its own.
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
