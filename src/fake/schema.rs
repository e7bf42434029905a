//! The shapes of client messages the fake server accepts (protocol.md §3), as data.
//!
//! Field names are the lowerCamelCase JSON names; the snake_case proto names are derived
//! from them and accepted too, at every level, as the real proto3 JSON parser does.

/// The JSON type of a field.
#[derive(Clone, Copy)]
pub(crate) enum Ty {
    Str,
    Bool,
    Int,
    Float,
    /// base64 (standard or URL-safe, padding optional)
    Bytes,
    /// enum type name (for error messages) and its values
    Enum(&'static str, &'static [&'static str]),
    Msg(&'static Msg),
    List(&'static Ty),
    /// free-form JSON object (`google.protobuf.Struct`)
    Struct,
    /// any JSON value (`google.protobuf.Value`)
    Value,
}

/// A message type: its proto name (for error messages) and its fields.
pub(crate) struct Msg {
    pub(crate) name: &'static str,
    pub(crate) fields: &'static [Field],
}

/// One field of a message.
pub(crate) struct Field {
    pub(crate) json: &'static str,
    pub(crate) ty: Ty,
    /// Only known to the v1alpha API (e.g. `proactivity`).
    pub(crate) alpha_only: bool,
}

const fn f(json: &'static str, ty: Ty) -> Field {
    Field {
        json,
        ty,
        alpha_only: false,
    }
}

const fn alpha(json: &'static str, ty: Ty) -> Field {
    Field {
        json,
        ty,
        alpha_only: true,
    }
}

const EMPTY: Msg = Msg {
    name: "Empty",
    fields: &[],
};

pub(crate) const MODALITIES: &[&str] = &["MODALITY_UNSPECIFIED", "TEXT", "IMAGE", "AUDIO"];

const BLOB: Msg = Msg {
    name: "Blob",
    fields: &[f("mimeType", Ty::Str), f("data", Ty::Bytes)],
};

const FILE_DATA: Msg = Msg {
    name: "FileData",
    fields: &[f("mimeType", Ty::Str), f("fileUri", Ty::Str)],
};

const FUNCTION_CALL: Msg = Msg {
    name: "FunctionCall",
    fields: &[f("id", Ty::Str), f("name", Ty::Str), f("args", Ty::Struct)],
};

const SCHEDULING: Ty = Ty::Enum(
    "FunctionResponse.Scheduling",
    &["SCHEDULING_UNSPECIFIED", "SILENT", "WHEN_IDLE", "INTERRUPT"],
);

const FUNCTION_RESPONSE: Msg = Msg {
    name: "FunctionResponse",
    fields: &[
        f("id", Ty::Str),
        f("name", Ty::Str),
        f("response", Ty::Struct),
        f("scheduling", SCHEDULING),
        f("willContinue", Ty::Bool),
        f("parts", Ty::List(&Ty::Msg(&FUNCTION_RESPONSE_PART))),
    ],
};

const FUNCTION_RESPONSE_PART: Msg = Msg {
    name: "FunctionResponsePart",
    fields: &[
        f("inlineData", Ty::Msg(&BLOB)),
        f("fileData", Ty::Msg(&FILE_DATA)),
    ],
};

const EXECUTABLE_CODE: Msg = Msg {
    name: "ExecutableCode",
    fields: &[
        f(
            "language",
            Ty::Enum(
                "ExecutableCode.Language",
                &["LANGUAGE_UNSPECIFIED", "PYTHON"],
            ),
        ),
        f("code", Ty::Str),
    ],
};

const CODE_EXECUTION_RESULT: Msg = Msg {
    name: "CodeExecutionResult",
    fields: &[
        f(
            "outcome",
            Ty::Enum(
                "CodeExecutionResult.Outcome",
                &[
                    "OUTCOME_UNSPECIFIED",
                    "OUTCOME_OK",
                    "OUTCOME_FAILED",
                    "OUTCOME_DEADLINE_EXCEEDED",
                ],
            ),
        ),
        f("output", Ty::Str),
    ],
};

const PART: Msg = Msg {
    name: "Part",
    fields: &[
        f("text", Ty::Str),
        f("inlineData", Ty::Msg(&BLOB)),
        f("fileData", Ty::Msg(&FILE_DATA)),
        f("functionCall", Ty::Msg(&FUNCTION_CALL)),
        f("functionResponse", Ty::Msg(&FUNCTION_RESPONSE)),
        f("executableCode", Ty::Msg(&EXECUTABLE_CODE)),
        f("codeExecutionResult", Ty::Msg(&CODE_EXECUTION_RESULT)),
        f("thought", Ty::Bool),
        f("thoughtSignature", Ty::Bytes),
    ],
};

pub(crate) const CONTENT: Msg = Msg {
    name: "Content",
    fields: &[f("role", Ty::Str), f("parts", Ty::List(&Ty::Msg(&PART)))],
};

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

const TOOL: Msg = Msg {
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

/// `clientContent` (BidiGenerateContentClientContent).
pub(crate) const CLIENT_CONTENT: Msg = Msg {
    name: "BidiGenerateContentClientContent",
    fields: &[
        f("turns", Ty::List(&Ty::Msg(&CONTENT))),
        f("turnComplete", Ty::Bool),
    ],
};

/// `realtimeInput` (BidiGenerateContentRealtimeInput).
pub(crate) const REALTIME_INPUT: Msg = Msg {
    name: "BidiGenerateContentRealtimeInput",
    fields: &[
        f("mediaChunks", Ty::List(&Ty::Msg(&BLOB))),
        f("audio", Ty::Msg(&BLOB)),
        f("video", Ty::Msg(&BLOB)),
        f("text", Ty::Str),
        f(
            "activityStart",
            Ty::Msg(&Msg {
                name: "BidiGenerateContentRealtimeInput.ActivityStart",
                fields: &[],
            }),
        ),
        f(
            "activityEnd",
            Ty::Msg(&Msg {
                name: "BidiGenerateContentRealtimeInput.ActivityEnd",
                fields: &[],
            }),
        ),
        f("audioStreamEnd", Ty::Bool),
    ],
};

/// `toolResponse` (BidiGenerateContentToolResponse).
pub(crate) const TOOL_RESPONSE: Msg = Msg {
    name: "BidiGenerateContentToolResponse",
    fields: &[f(
        "functionResponses",
        Ty::List(&Ty::Msg(&FUNCTION_RESPONSE)),
    )],
};

/// `contextUpdate` (newer SDKs; the tools value is a wrapper object).
pub(crate) const CONTEXT_UPDATE: Msg = Msg {
    name: "BidiGenerateContentContextUpdate",
    fields: &[
        f("systemInstruction", Ty::Msg(&CONTENT)),
        f(
            "tools",
            Ty::Msg(&Msg {
                name: "BidiGenerateContentContextUpdate.Tools",
                fields: &[f("tools", Ty::List(&Ty::Msg(&TOOL)))],
            }),
        ),
    ],
};

/// The snake_case proto name of a lowerCamelCase JSON name.
pub(crate) fn snake(camel: &str) -> String {
    let mut out = String::with_capacity(camel.len() + 4);
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            out.push('_');
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Whether a JSON key names the field `camel` (either spelling).
pub(crate) fn key_matches(key: &str, camel: &str) -> bool {
    key == camel || (key.contains('_') && key == snake(camel))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snake_names() {
        assert_eq!(snake("generationConfig"), "generation_config");
        assert_eq!(snake("model"), "model");
        assert_eq!(snake("topP"), "top_p");
        assert!(key_matches("voice_config", "voiceConfig"));
        assert!(key_matches("voiceConfig", "voiceConfig"));
        assert!(!key_matches("voiceconfig", "voiceConfig"));
    }
}
