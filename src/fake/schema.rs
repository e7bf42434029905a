//! The shapes of client messages the fake server accepts (protocol.md §3), as data.
//!
//! Field names are the lowerCamelCase JSON names; the snake_case proto names are derived
//! from them and accepted too, at every level, as the real proto3 JSON parser does.
//! `setup.rs` holds the setup's shapes; the content and the other messages are here.

mod setup;

pub(crate) use setup::SETUP;
use setup::TOOL;

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
