//! The shape of `setup` (protocol.md §3.1) and of what it configures: generation and speech,
//! realtime input, safety, transcription, tools.

use super::{alpha, f, Msg, Ty, CONTENT, EMPTY, MODALITIES};

const FUNCTION_DECLARATION: Msg = Msg {
    name: "FunctionDeclaration",
    fields: &[
        f("name", Ty::Str),
        f("description", Ty::Str),
        f("parameters", Ty::Struct),
        f("parametersJsonSchema", Ty::Value),
        f("response", Ty::Struct),
        f("responseJsonSchema", Ty::Value),
        f(
            "behavior",
            Ty::Enum(
                "FunctionDeclaration.Behavior",
                &["UNSPECIFIED", "BLOCKING", "NON_BLOCKING"],
            ),
        ),
    ],
};

pub(super) const TOOL: Msg = Msg {
    name: "Tool",
    fields: &[
        f(
            "functionDeclarations",
            Ty::List(&Ty::Msg(&FUNCTION_DECLARATION)),
        ),
        f("googleSearch", Ty::Struct),
        f("codeExecution", Ty::Msg(&EMPTY)),
        f("urlContext", Ty::Msg(&EMPTY)),
        f("googleSearchRetrieval", Ty::Struct),
        f("googleMaps", Ty::Struct),
        f("computerUse", Ty::Struct),
        f("fileSearch", Ty::Struct),
        f("mcpServers", Ty::List(&Ty::Struct)),
    ],
};

const VOICE_CONFIG: Msg = Msg {
    name: "VoiceConfig",
    fields: &[
        f(
            "prebuiltVoiceConfig",
            Ty::Msg(&Msg {
                name: "PrebuiltVoiceConfig",
                fields: &[f("voiceName", Ty::Str)],
            }),
        ),
        f("voice", Ty::Str),
        f(
            "replicatedVoiceConfig",
            Ty::Msg(&Msg {
                name: "ReplicatedVoiceConfig",
                fields: &[
                    f("mimeType", Ty::Str),
                    f("voiceSampleAudio", Ty::Bytes),
                    f("consentAudio", Ty::Bytes),
                    f("voiceConsentSignature", Ty::Struct),
                ],
            }),
        ),
    ],
};

const GENERATION_CONFIG: Msg = Msg {
    name: "GenerationConfig",
    fields: &[
        f(
            "responseModalities",
            Ty::List(&Ty::Enum("GenerationConfig.Modality", MODALITIES)),
        ),
        f("temperature", Ty::Float),
        f("topP", Ty::Float),
        f("topK", Ty::Int),
        f("maxOutputTokens", Ty::Int),
        f("seed", Ty::Int),
        f("candidateCount", Ty::Int),
        f("presencePenalty", Ty::Float),
        f("frequencyPenalty", Ty::Float),
        f(
            "mediaResolution",
            Ty::Enum(
                "GenerationConfig.MediaResolution",
                &[
                    "MEDIA_RESOLUTION_UNSPECIFIED",
                    "MEDIA_RESOLUTION_LOW",
                    "MEDIA_RESOLUTION_MEDIUM",
                    "MEDIA_RESOLUTION_HIGH",
                ],
            ),
        ),
        f(
            "speechConfig",
            Ty::Msg(&Msg {
                name: "SpeechConfig",
                fields: &[
                    f("voiceConfig", Ty::Msg(&VOICE_CONFIG)),
                    f("languageCode", Ty::Str),
                ],
            }),
        ),
        f(
            "thinkingConfig",
            Ty::Msg(&Msg {
                name: "ThinkingConfig",
                fields: &[
                    f("thinkingBudget", Ty::Int),
                    f("includeThoughts", Ty::Bool),
                    f(
                        "thinkingLevel",
                        Ty::Enum(
                            "ThinkingConfig.ThinkingLevel",
                            &[
                                "THINKING_LEVEL_UNSPECIFIED",
                                "MINIMAL",
                                "LOW",
                                "MEDIUM",
                                "HIGH",
                            ],
                        ),
                    ),
                ],
            }),
        ),
        f("enableAffectiveDialog", Ty::Bool),
        f(
            "translationConfig",
            Ty::Msg(&Msg {
                name: "TranslationConfig",
                fields: &[
                    f("targetLanguageCode", Ty::Str),
                    f("echoTargetLanguage", Ty::Bool),
                ],
            }),
        ),
    ],
};

const AUTOMATIC_ACTIVITY_DETECTION: Msg = Msg {
    name: "RealtimeInputConfig.AutomaticActivityDetection",
    fields: &[
        f("disabled", Ty::Bool),
        f(
            "startOfSpeechSensitivity",
            Ty::Enum(
                "StartSensitivity",
                &[
                    "START_SENSITIVITY_UNSPECIFIED",
                    "START_SENSITIVITY_HIGH",
                    "START_SENSITIVITY_LOW",
                ],
            ),
        ),
        f(
            "endOfSpeechSensitivity",
            Ty::Enum(
                "EndSensitivity",
                &[
                    "END_SENSITIVITY_UNSPECIFIED",
                    "END_SENSITIVITY_HIGH",
                    "END_SENSITIVITY_LOW",
                ],
            ),
        ),
        f("prefixPaddingMs", Ty::Int),
        f("silenceDurationMs", Ty::Int),
    ],
};

const REALTIME_INPUT_CONFIG: Msg = Msg {
    name: "RealtimeInputConfig",
    fields: &[
        f(
            "automaticActivityDetection",
            Ty::Msg(&AUTOMATIC_ACTIVITY_DETECTION),
        ),
        f(
            "activityHandling",
            Ty::Enum(
                "RealtimeInputConfig.ActivityHandling",
                &[
                    "ACTIVITY_HANDLING_UNSPECIFIED",
                    "START_OF_ACTIVITY_INTERRUPTS",
                    "NO_INTERRUPTION",
                ],
            ),
        ),
        f(
            "turnCoverage",
            Ty::Enum(
                "RealtimeInputConfig.TurnCoverage",
                &[
                    "TURN_COVERAGE_UNSPECIFIED",
                    "TURN_INCLUDES_ONLY_ACTIVITY",
                    "TURN_INCLUDES_ALL_INPUT",
                    "TURN_INCLUDES_AUDIO_ACTIVITY_AND_ALL_VIDEO",
                ],
            ),
        ),
    ],
};

const SAFETY_SETTING: Msg = Msg {
    name: "SafetySetting",
    fields: &[
        f("category", Ty::Str),
        f("threshold", Ty::Str),
        f("method", Ty::Str),
    ],
};

/// `AudioTranscriptionConfig`: `{}`, or the newer options (PY 3.6.1; model support uncertain).
const AUDIO_TRANSCRIPTION_CONFIG: Msg = Msg {
    name: "AudioTranscriptionConfig",
    fields: &[
        f("languageCodes", Ty::List(&Ty::Str)),
        f("wordTimestamp", Ty::Bool),
        f("diarization", Ty::Bool),
        f(
            "mode",
            Ty::Enum(
                "AudioTranscriptionConfig.Mode",
                &["MODE_UNSPECIFIED", "VERBATIM", "SMART"],
            ),
        ),
        f("customVocabulary", Ty::List(&Ty::Str)),
    ],
};

/// `setup` (BidiGenerateContentSetup).
pub(crate) const SETUP: Msg = Msg {
    name: "BidiGenerateContentSetup",
    fields: &[
        f("model", Ty::Str),
        f("generationConfig", Ty::Msg(&GENERATION_CONFIG)),
        f("systemInstruction", Ty::Msg(&CONTENT)),
        f("tools", Ty::List(&Ty::Msg(&TOOL))),
        f("realtimeInputConfig", Ty::Msg(&REALTIME_INPUT_CONFIG)),
        f(
            "sessionResumption",
            Ty::Msg(&Msg {
                name: "SessionResumptionConfig",
                fields: &[f("handle", Ty::Str), f("transparent", Ty::Bool)],
            }),
        ),
        f(
            "contextWindowCompression",
            Ty::Msg(&Msg {
                name: "ContextWindowCompressionConfig",
                fields: &[
                    f("triggerTokens", Ty::Int),
                    f(
                        "slidingWindow",
                        Ty::Msg(&Msg {
                            name: "ContextWindowCompressionConfig.SlidingWindow",
                            fields: &[f("targetTokens", Ty::Int)],
                        }),
                    ),
                ],
            }),
        ),
        f(
            "inputAudioTranscription",
            Ty::Msg(&AUDIO_TRANSCRIPTION_CONFIG),
        ),
        f(
            "outputAudioTranscription",
            Ty::Msg(&AUDIO_TRANSCRIPTION_CONFIG),
        ),
        alpha(
            "proactivity",
            Ty::Msg(&Msg {
                name: "ProactivityConfig",
                fields: &[f("proactiveAudio", Ty::Bool), f("proactiveVideo", Ty::Bool)],
            }),
        ),
        f(
            "historyConfig",
            Ty::Msg(&Msg {
                name: "HistoryConfig",
                fields: &[f("initialHistoryInClientContent", Ty::Bool)],
            }),
        ),
        f("safetySettings", Ty::List(&Ty::Msg(&SAFETY_SETTING))),
        f("explicitVadSignal", Ty::Bool),
    ],
};
