//! The fields of protocol.md Part D.3 that Google's SDKs decode or send and this client
//! dropped: transcription words, offsets and speaker labels; streamed function arguments;
//! the voice consent signature; voice, replicated voice and the other tools; tool and file
//! parts in `clientContent` and tool responses. Shapes as google-genai 3.6.1 `types.py`.

use serde::{Deserialize, Serialize};
use serde_json::{Number, Value};
use std::collections::BTreeMap;
use std::time::Duration;

/// Parses a protobuf `Duration` as JSON carries it (`"1.500s"`, also a bare number of
/// seconds).
pub fn parse_offset(s: &str) -> Option<Duration> {
    let secs: f64 = s
        .trim()
        .strip_suffix('s')
        .unwrap_or(s.trim())
        .parse()
        .ok()?;
    (secs.is_finite() && secs >= 0.0).then(|| Duration::from_secs_f64(secs))
}

/// One word of a transcription (`words[]`, with `wordTimestamp`), and when it was said,
/// relative to the start of the audio.
#[derive(Deserialize, Serialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase", default)]
pub struct WordInfo {
    /// The word.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub word: Option<String>,
    /// Start offset, as sent (`"1.200s"`); see [`parse_offset`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_offset: Option<String>,
    /// End offset, as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub end_offset: Option<String>,
}

/// One piece of a streamed function argument (`FunctionCall.partialArgs[]`, Vertex AI).
#[derive(Deserialize, Serialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase", default)]
pub struct PartialArg {
    /// The argument it belongs to, as an RFC 9535 JSON path (`$.city`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub json_path: Option<String>,
    /// A string value (or a piece of one).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub string_value: Option<String>,
    /// A number value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub number_value: Option<Number>,
    /// A boolean value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bool_value: Option<bool>,
    /// `NULL_VALUE` for a null.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub null_value: Option<String>,
    /// More pieces of the same path follow.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub will_continue: Option<bool>,
}

/// `voiceConsentSignature`: the signature of a verified consent recording (replicated
/// voices), returned in `setupComplete` and sent back in later setups instead of the audio.
#[derive(Deserialize, Serialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase", default)]
pub struct VoiceConsentSignature {
    /// The signature string.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub signature: Option<String>,
}

/// `replicatedVoiceConfig`: a custom voice cloned from a sample (Developer API).
#[derive(Serialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ReplicatedVoiceConfig {
    /// The sample's MIME type (`audio/wav`, 24 kHz PCM16).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mime_type: Option<String>,
    /// The voice sample, standard base64.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voice_sample_audio: Option<String>,
    /// A recording of the owner's consent, standard base64.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub consent_audio: Option<String>,
    /// The signature of consent verified before (from `setupComplete`), instead of the audio.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub voice_consent_signature: Option<VoiceConsentSignature>,
}

/// `fileData`: a file by URI (Cloud Storage, Files API).
#[derive(Serialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct FileData {
    /// The IANA MIME type.
    pub mime_type: String,
    /// The file's URI.
    pub file_uri: String,
}

/// A part of a function response (`toolResponse.functionResponses[].parts[]`): media for
/// the model.
#[derive(Serialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct FunctionResponsePart {
    /// Inline bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub inline_data: Option<super::Blob>,
    /// A file by URI.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file_data: Option<FileData>,
}

/// The `googleMaps` tool (grounding with Google Maps).
#[derive(Serialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct GoogleMaps {
    /// Return a widget context token in the grounding metadata (deprecated by Google).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub enable_widget: Option<bool>,
}

/// The `computerUse` tool.
#[derive(Serialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct ComputerUse {
    /// The environment, e.g. `ENVIRONMENT_BROWSER`.
    pub environment: String,
    /// Predefined functions the model must not call.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub excluded_predefined_functions: Vec<String>,
}

/// The `fileSearch` tool (Developer API).
#[derive(Serialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct FileSearch {
    /// Stores to search, e.g. `fileSearchStores/my-store-123`.
    pub file_search_store_names: Vec<String>,
    /// Chunks to retrieve.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub top_k: Option<u32>,
    /// A metadata filter.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub metadata_filter: Option<String>,
}

/// One entry of the `mcpServers` tool: a remote MCP server the service calls.
#[derive(Serialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct McpServer {
    /// Its name.
    pub name: String,
    /// How to reach it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub streamable_http_transport: Option<StreamableHttpTransport>,
}

/// `streamableHttpTransport` of an [`McpServer`].
#[derive(Serialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct StreamableHttpTransport {
    /// The server's URL.
    pub url: String,
    /// Headers to send (e.g. its credentials: never logged by this library).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub headers: BTreeMap<String, String>,
}

/// The `googleSearchRetrieval` tool (the older search grounding).
#[derive(Serialize, Debug, Clone, Default, PartialEq)]
#[serde(rename_all = "camelCase")]
pub struct GoogleSearchRetrieval {
    /// `{"mode": "MODE_DYNAMIC", "dynamicThreshold": 0.7}`, as sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dynamic_retrieval_config: Option<Value>,
}

/// A `functionCall` part of client content (tool turns put into history, Part D.5).
#[derive(Serialize, Debug, Clone, Default, PartialEq, Eq)]
#[serde(rename_all = "camelCase")]
pub struct FunctionCallPart {
    /// The call's id, if it had one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The function's name.
    pub name: String,
    /// Its arguments, a JSON object.
    pub args: Value,
}

/// Which transcription a [`TranscriptionDetail`] belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TranscriptSource {
    /// `inputTranscription` (the user's speech).
    Input,
    /// `interimInputTranscription`.
    InterimInput,
    /// `outputTranscription` (the model's speech).
    Output,
}

/// The word timings, speaker label and offsets of a transcription fragment (the data
/// `wordTimestamp` and `diarization` ask for), delivered as
/// [`Event::TranscriptionDetail`](crate::Event::TranscriptionDetail) right after the
/// fragment's text event when the server sent any of it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TranscriptionDetail {
    /// Which transcription.
    pub source: Option<TranscriptSource>,
    /// Who spoke, e.g. `spk_1`.
    pub speaker_label: Option<String>,
    /// Start of the fragment in the audio.
    pub start_offset: Option<Duration>,
    /// End of the fragment in the audio.
    pub end_offset: Option<Duration>,
    /// The words, with their timings.
    pub words: Vec<TranscriptWord>,
}

/// One word of a [`TranscriptionDetail`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TranscriptWord {
    /// The word.
    pub word: String,
    /// Its start in the audio.
    pub start_offset: Option<Duration>,
    /// Its end in the audio.
    pub end_offset: Option<Duration>,
}

impl TranscriptionDetail {
    /// The detail of `t`, if it carries any.
    pub fn of(t: &super::Transcription, source: TranscriptSource) -> Option<TranscriptionDetail> {
        let off = |s: &Option<String>| s.as_deref().and_then(parse_offset);
        let detail = TranscriptionDetail {
            source: Some(source),
            speaker_label: t.speaker_label.clone(),
            start_offset: off(&t.start_offset),
            end_offset: off(&t.end_offset),
            words: (t.words.iter())
                .map(|w| TranscriptWord {
                    word: w.word.clone().unwrap_or_default(),
                    start_offset: off(&w.start_offset),
                    end_offset: off(&w.end_offset),
                })
                .collect(),
        };
        let any = detail.speaker_label.is_some()
            || detail.start_offset.is_some()
            || detail.end_offset.is_some()
            || !detail.words.is_empty();
        any.then_some(detail)
    }
}
