//! The table itself: every model the library knows, with its refusals.

use super::{Api, Kind, ModelInfo, Refusal, Rule, Status};
use crate::protocol::Modality;
use crate::response_mode::ResponseMode;
use crate::wording::Part;
use std::borrow::Cow;

const INVALID: &str = "Request contains an invalid argument.";
const INTERNAL: &str = "Internal error occurred.";

const fn say(text: &'static str) -> Part {
    Part::Text(Cow::Borrowed(text))
}

const FIX_AUDIO: &[Part] = &[
    say("use "),
    Part::Mode(ResponseMode::TextAndAudio),
    say(" (audio plus its transcription as text) or "),
    Part::Mode(ResponseMode::Audio),
];
const FIX_TEXT: &[Part] = &[say("use "), Part::Mode(ResponseMode::Text)];

const TEXT_1007: Refusal = Refusal {
    rule: Rule::Modality(Modality::Text),
    code: 1007,
    reason: INVALID,
    fix: FIX_AUDIO,
};

const AUDIO_ONLY: &[Modality] = &[Modality::Audio];
const TEXT_ONLY: &[Modality] = &[Modality::Text];
const BOTH: &[Modality] = &[Modality::Text, Modality::Audio];

const NATIVE_AUDIO_25: &[Refusal] = &[TEXT_1007];

const LIVE_31: &[Refusal] = &[
    Refusal {
        rule: Rule::Modality(Modality::Text),
        code: 1011,
        reason: INTERNAL,
        fix: FIX_AUDIO,
    },
    Refusal {
        rule: Rule::AffectiveDialog,
        code: 1011,
        reason: INTERNAL,
        fix: &[say(
            "remove enableAffectiveDialog (2.5 native-audio models only)",
        )],
    },
];

const LIVE_38_COMMON: [Refusal; 4] = [
    TEXT_1007,
    Refusal {
        rule: Rule::ThinkingConfig,
        code: 1007,
        reason: INVALID,
        fix: &[say(
            "remove thinkingConfig (3.8 Live chooses its own thinking)",
        )],
    },
    Refusal {
        rule: Rule::AffectiveDialog,
        code: 1007,
        reason: INVALID,
        fix: &[say("remove enableAffectiveDialog (removed in 3.8 Live)")],
    },
    Refusal {
        rule: Rule::ProactiveAudioOff,
        code: 1007,
        reason: INVALID,
        fix: &[say(
            "remove proactivity.proactiveAudio (always on in 3.8 Live)",
        )],
    },
];

const LIVE_38: &[Refusal] = &LIVE_38_COMMON;

const EXTENDED_THINKING: &[Refusal] = &[
    LIVE_38_COMMON[0],
    LIVE_38_COMMON[1],
    LIVE_38_COMMON[2],
    LIVE_38_COMMON[3],
    Refusal {
        rule: Rule::BlockingFunction,
        code: 1007,
        reason: INVALID,
        fix: &[say(
            "declare functions NON_BLOCKING (or leave behavior unset): extended thinking \
              only calls functions in the background",
        )],
    },
];

const NO_TOOLS_OR_INSTRUCTION: [Refusal; 2] = [
    Refusal {
        rule: Rule::Tools,
        code: 1007,
        reason: INVALID,
        fix: &[say("remove the tools (this model takes none)")],
    },
    Refusal {
        rule: Rule::SystemInstruction,
        code: 1007,
        reason: INVALID,
        fix: &[say("remove the system instruction (this model takes none)")],
    },
];

const TRANSCRIBE: &[Refusal] = &[
    Refusal {
        rule: Rule::Modality(Modality::Audio),
        code: 1007,
        reason: INVALID,
        fix: FIX_TEXT,
    },
    NO_TOOLS_OR_INSTRUCTION[0],
    NO_TOOLS_OR_INSTRUCTION[1],
];

const TRANSLATE: &[Refusal] = &[
    TEXT_1007,
    NO_TOOLS_OR_INSTRUCTION[0],
    NO_TOOLS_OR_INSTRUCTION[1],
];

const fn model(id: &'static str, api: Api, status: Status, kind: Kind) -> ModelInfo {
    ModelInfo {
        id,
        api,
        status,
        kind,
        modalities: AUDIO_ONLY,
        refuses: &[],
        interaction_status: false,
        non_blocking_tools: false,
        text_input: true,
        usage: true,
        notes: "",
        mid_session_history: true,
    }
}

const RETIRED_2025_12_09: Status = Status::Retired {
    since: "2025-12-09",
};

/// Every model the library knows, newest first within each API.
pub const MODELS: &[ModelInfo] = &[
    ModelInfo {
        refuses: LIVE_38,
        non_blocking_tools: true,
        notes: "stable since 2026-09-15, no shutdown date; AUDIO only (the close code for \
                TEXT is a guess: 1007, as on native audio); thinkingConfig, \
                enableAffectiveDialog and proactiveAudio:false close 1007; functions default \
                to NON_BLOCKING (Part C.1)",
        ..model(
            "gemini-3.8-live",
            Api::Both,
            Status::Stable,
            Kind::NativeAudio,
        )
    },
    ModelInfo {
        refuses: EXTENDED_THINKING,
        interaction_status: true,
        non_blocking_tools: true,
        notes: "stable since 2026-09-15; several speech segments per request, each \
                turnComplete marked IN_PROGRESS until the last (IDLE); NON_BLOCKING functions \
                only (Part C.2)",
        ..model(
            "gemini-3.8-live-extended-thinking",
            Api::Developer,
            Status::Stable,
            Kind::ExtendedThinking,
        )
    },
    ModelInfo {
        refuses: TRANSLATE,
        text_input: false,
        notes: "preview; continuous translation of audio input; no tools, no system \
                instruction; generationConfig.translationConfig sets the target language",
        ..model(
            "gemini-3.5-live-translate-preview",
            Api::Developer,
            Status::Preview,
            Kind::Translate,
        )
    },
    ModelInfo {
        modalities: TEXT_ONLY,
        refuses: TRANSCRIBE,
        text_input: false,
        usage: false,
        notes: "preview; speech to text only (interim and final input transcripts), no \
                tools, no system instruction, no usageMetadata (BerriAI/litellm#38540)",
        ..model(
            "gemini-3.5-transcribe-live-preview",
            Api::Both,
            Status::Preview,
            Kind::Transcribe,
        )
    },
    ModelInfo {
        modalities: TEXT_ONLY,
        refuses: TRANSCRIBE,
        text_input: false,
        usage: false,
        notes: "the id without -preview seen in docs; same rules as the preview",
        ..model(
            "gemini-3.5-transcribe-live",
            Api::Developer,
            Status::Preview,
            Kind::Transcribe,
        )
    },
    ModelInfo {
        refuses: LIVE_31,
        mid_session_history: false,
        notes: "legacy preview (Mar 2026); TEXT and enableAffectiveDialog close 1011 \
                (googleapis/python-genai#2238, gunpal5/Google_GenerativeAI#109); ignores \
                silenceDurationMs; at launch it closed 1007 on clientContent after the first \
                model turn unless sent as initial history (livekit/agents#5251)",
        ..model(
            "gemini-3.1-flash-live-preview",
            Api::Developer,
            Status::Legacy,
            Kind::NativeAudio,
        )
    },
    ModelInfo {
        refuses: NATIVE_AUDIO_25,
        notes: "preview; AUDIO only (TEXT closes 1007, googleapis/python-genai#1780); \
                affective dialog and proactivity on v1alpha. A preview pair was announced \
                for retirement on 2026-11-17 (ids unconfirmed)",
        ..model(
            "gemini-2.5-flash-native-audio-preview-12-2025",
            Api::Developer,
            Status::Preview,
            Kind::NativeAudio,
        )
    },
    ModelInfo {
        refuses: NATIVE_AUDIO_25,
        notes: "preview; as the 12-2025 model",
        ..model(
            "gemini-2.5-flash-native-audio-preview-09-2025",
            Api::Developer,
            Status::Preview,
            Kind::NativeAudio,
        )
    },
    ModelInfo {
        modalities: BOTH,
        notes: "the brief's model (RETIRED_BRIEF_MODEL); half-cascade; shut down 2025-12-09 \
                (the service closes 1008 not found); refused locally",
        ..model(
            "gemini-live-2.5-flash-preview",
            Api::Developer,
            RETIRED_2025_12_09,
            Kind::HalfCascade,
        )
    },
    ModelInfo {
        modalities: BOTH,
        notes: "shut down 2025-12-09",
        ..model(
            "gemini-2.0-flash-live-001",
            Api::Developer,
            RETIRED_2025_12_09,
            Kind::HalfCascade,
        )
    },
    ModelInfo {
        refuses: NATIVE_AUDIO_25,
        notes: "Vertex AI, generally available; AUDIO only",
        ..model(
            "gemini-live-2.5-flash-native-audio",
            Api::Vertex,
            Status::Stable,
            Kind::NativeAudio,
        )
    },
];
