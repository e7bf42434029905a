//! Strict validation of client messages, with the real service's close codes and reasons.

use serde_json::{Map, Value};

use super::audio::decode_base64;
use super::schema::{self, key_matches, snake, Msg, Ty};

/// The generic 1007 reason.
pub(crate) const INVALID_ARGUMENT: &str = "Request contains an invalid argument.";

/// A reason to close the connection: code and (untruncated) reason.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Reject {
    pub(crate) code: u16,
    pub(crate) reason: String,
}

impl Reject {
    pub(crate) fn new(code: u16, reason: impl Into<String>) -> Reject {
        Reject {
            code,
            reason: reason.into(),
        }
    }

    pub(crate) fn invalid_argument() -> Reject {
        Reject::new(1007, INVALID_ARGUMENT)
    }
}

/// The top-level kind of a client message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Setup,
    ClientContent,
    RealtimeInput,
    ToolResponse,
    ContextUpdate,
}

const KINDS: [(Kind, &str); 5] = [
    (Kind::Setup, "setup"),
    (Kind::ClientContent, "clientContent"),
    (Kind::RealtimeInput, "realtimeInput"),
    (Kind::ToolResponse, "toolResponse"),
    (Kind::ContextUpdate, "contextUpdate"),
];

impl Kind {
    fn schema(self) -> &'static Msg {
        match self {
            Kind::Setup => &schema::SETUP,
            Kind::ClientContent => &schema::CLIENT_CONTENT,
            Kind::RealtimeInput => &schema::REALTIME_INPUT,
            Kind::ToolResponse => &schema::TOOL_RESPONSE,
            Kind::ContextUpdate => &schema::CONTEXT_UPDATE,
        }
    }

    fn json(self) -> &'static str {
        KINDS
            .iter()
            .find(|(k, _)| *k == self)
            .map(|(_, n)| *n)
            .unwrap_or("setup")
    }
}

fn unexpected_token() -> Reject {
    Reject::new(1007, "Invalid JSON payload received. Unexpected token.")
}

fn unknown_name(key: &str, path: &str) -> Reject {
    let at = if path.is_empty() {
        String::new()
    } else {
        format!(" at '{path}'")
    };
    Reject::new(
        1007,
        format!("Invalid JSON payload received. Unknown name \"{key}\"{at}: Cannot find field."),
    )
}

fn invalid_value(path: &str, ty: &str, v: &Value) -> Reject {
    Reject::new(
        1007,
        format!("Invalid JSON payload received. Invalid value at '{path}' ({ty}), {v}"),
    )
}

fn type_url(version: &str, name: &str) -> String {
    format!("type.googleapis.com/google.ai.generativelanguage.{version}.{name}")
}

/// Parse the JSON of one client frame and split off its single top-level member.
pub(crate) fn parse_envelope(text: &str) -> Result<(Kind, Value), Reject> {
    let value: Value = serde_json::from_str(text).map_err(|_| unexpected_token())?;
    let Value::Object(obj) = value else {
        return Err(unexpected_token());
    };
    let mut found: Vec<(Kind, Value)> = Vec::new();
    let mut unknown: Option<String> = None;
    for (k, v) in obj {
        match KINDS.iter().find(|(_, camel)| key_matches(&k, camel)) {
            Some((kind, _)) => found.push((*kind, v)),
            None => unknown = unknown.or(Some(k)),
        }
    }
    if found.len() != 1 {
        return Err(Reject::invalid_argument());
    }
    if let Some(k) = unknown {
        return Err(unknown_name(&k, ""));
    }
    let Some((kind, body)) = found.pop() else {
        return Err(Reject::invalid_argument());
    };
    if body.is_null() {
        return Err(Reject::invalid_argument());
    }
    Ok((kind, body))
}

/// Check a message body against its schema for API `version`.
pub(crate) fn validate(kind: Kind, body: &Value, version: &str) -> Result<(), Reject> {
    check_msg(body, kind.schema(), &snake(kind.json()), version)
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        format!("{path}.{name}")
    }
}

fn check_msg(v: &Value, msg: &Msg, path: &str, version: &str) -> Result<(), Reject> {
    let Value::Object(obj) = v else {
        return Err(invalid_value(path, &type_url(version, msg.name), v));
    };
    for (k, val) in obj {
        let field = msg
            .fields
            .iter()
            .find(|f| key_matches(k, f.json) && (!f.alpha_only || version == "v1alpha"));
        let Some(field) = field else {
            return Err(unknown_name(k, path));
        };
        if val.is_null() {
            return Err(Reject::invalid_argument());
        }
        check_ty(val, &field.ty, &join(path, &snake(field.json)), version)?;
    }
    Ok(())
}

fn is_integral(v: &Value) -> bool {
    match v {
        Value::Number(n) => {
            n.is_i64()
                || n.is_u64()
                || n.as_f64()
                    .is_some_and(|x| x.fract() == 0.0 && x.abs() < 9.2e18)
        }
        Value::String(s) => s.parse::<i64>().is_ok(),
        _ => false,
    }
}

fn check_ty(v: &Value, ty: &Ty, path: &str, version: &str) -> Result<(), Reject> {
    let ok = match ty {
        Ty::Str => v.is_string(),
        Ty::Bool => v.is_boolean(),
        Ty::Int => is_integral(v),
        Ty::Float => match v {
            Value::Number(_) => true,
            Value::String(s) => {
                s.parse::<f64>().is_ok() || matches!(s.as_str(), "NaN" | "Infinity" | "-Infinity")
            }
            _ => false,
        },
        Ty::Bytes => match v {
            Value::String(s) => {
                if decode_base64(s).is_none() {
                    return Err(Reject::new(
                        1007,
                        format!(
                            "Invalid JSON payload received. Invalid value at '{path}' \
                             (TYPE_BYTES), Base64 decoding failed"
                        ),
                    ));
                }
                true
            }
            _ => false,
        },
        Ty::Enum(_, values) => match v {
            Value::String(s) => values.contains(&s.as_str()),
            Value::Number(n) => n.as_u64().is_some_and(|i| (i as usize) < values.len()),
            _ => false,
        },
        Ty::Msg(m) => return check_msg(v, m, path, version),
        Ty::List(elem) => {
            let Value::Array(items) = v else {
                return Err(invalid_value(path, &describe(elem, version), v));
            };
            for (i, item) in items.iter().enumerate() {
                if item.is_null() {
                    return Err(Reject::invalid_argument());
                }
                check_ty(item, elem, &format!("{path}[{i}]"), version)?;
            }
            true
        }
        Ty::Struct => v.is_object(),
        Ty::Value => true,
    };
    if ok {
        Ok(())
    } else {
        Err(invalid_value(path, &describe(ty, version), v))
    }
}

fn describe(ty: &Ty, version: &str) -> String {
    match ty {
        Ty::Str => "TYPE_STRING".into(),
        Ty::Bool => "TYPE_BOOL".into(),
        Ty::Int => "TYPE_INT32".into(),
        Ty::Float => "TYPE_FLOAT".into(),
        Ty::Bytes => "TYPE_BYTES".into(),
        Ty::Enum(name, _) => type_url(version, name),
        Ty::Msg(m) => type_url(version, m.name),
        Ty::List(elem) => describe(elem, version),
        Ty::Struct => "type.googleapis.com/google.protobuf.Struct".into(),
        Ty::Value => "type.googleapis.com/google.protobuf.Value".into(),
    }
}

/// The member `camel` of a (validated) object, in either spelling.
pub(crate) fn field<'a>(v: &'a Value, camel: &str) -> Option<&'a Value> {
    let obj: &Map<String, Value> = v.as_object()?;
    obj.iter()
        .find(|(k, _)| key_matches(k, camel))
        .map(|(_, v)| v)
}

/// A string member, in either spelling.
pub(crate) fn field_str<'a>(v: &'a Value, camel: &str) -> Option<&'a str> {
    field(v, camel).and_then(Value::as_str)
}

/// A bool member, in either spelling; `false` when absent.
pub(crate) fn field_bool(v: &Value, camel: &str) -> bool {
    field(v, camel).and_then(Value::as_bool).unwrap_or(false)
}

/// A JSON value as compact text; `{}` when absent (how replies and the context digest
/// show a function's arguments and results).
pub(crate) fn json_compact(v: Option<&Value>) -> String {
    v.map(Value::to_string).unwrap_or_else(|| "{}".to_string())
}

/// The text of a `Content`'s parts, concatenated, if it has any text part.
pub(crate) fn content_text(content: &Value) -> Option<String> {
    let parts = field(content, "parts")?.as_array()?;
    let texts: Vec<&str> = parts.iter().filter_map(|p| field_str(p, "text")).collect();
    if texts.is_empty() {
        None
    } else {
        Some(texts.concat())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, version: &str) -> Result<Kind, Reject> {
        let (kind, body) = parse_envelope(text)?;
        validate(kind, &body, version)?;
        Ok(kind)
    }

    #[test]
    fn accepts_mixed_spellings_as_the_python_sdk_sends_them() {
        let setup = r#"{"setup": {"model": "models/m", "generationConfig": {"responseModalities": ["AUDIO"], "temperature": 0.7, "topP": 0.9, "topK": 40.0, "maxOutputTokens": 256, "mediaResolution": "MEDIA_RESOLUTION_LOW", "seed": 7, "speechConfig": {"voice_config": {"prebuilt_voice_config": {"voice_name": "Puck"}}, "language_code": "en-US"}, "thinkingConfig": {"include_thoughts": true, "thinking_budget": 128}, "enableAffectiveDialog": true}, "systemInstruction": {"parts": [{"text": "You are a fake."}]}, "tools": [{"googleSearch": {}}, {"codeExecution": {}}, {"functionDeclarations": [{"name": "noop", "behavior": "NON_BLOCKING"}]}], "sessionResumption": {}, "inputAudioTranscription": {}, "outputAudioTranscription": {}, "realtimeInputConfig": {"automatic_activity_detection": {"disabled": false, "start_of_speech_sensitivity": "START_SENSITIVITY_LOW", "end_of_speech_sensitivity": "END_SENSITIVITY_LOW", "prefix_padding_ms": 20, "silence_duration_ms": 100}, "activity_handling": "START_OF_ACTIVITY_INTERRUPTS", "turn_coverage": "TURN_INCLUDES_ONLY_ACTIVITY"}, "contextWindowCompression": {"trigger_tokens": 25600, "sliding_window": {"target_tokens": 12800}}, "proactivity": {"proactive_audio": true}}}"#;
        assert_eq!(check(setup, "v1alpha"), Ok(Kind::Setup));
        assert_eq!(
            check(
                r#"{"realtime_input": {"media_chunks": [{"mime_type": "audio/pcm", "data": "AAH__vs="}]}}"#,
                "v1beta"
            ),
            Ok(Kind::RealtimeInput)
        );
        assert_eq!(
            check(
                r#"{"tool_response": {"functionResponses": [{"id": "a", "name": "n", "response": {"x": [1, null]}}]}}"#,
                "v1beta"
            ),
            Ok(Kind::ToolResponse)
        );
    }

    #[test]
    fn unknown_fields_name_the_parent_path() {
        let r = check(r#"{"setup": {"generationConfig": {"bogus": 1}}}"#, "v1beta").unwrap_err();
        assert_eq!(r.code, 1007);
        assert_eq!(
            r.reason,
            "Invalid JSON payload received. Unknown name \"bogus\" at 'setup.generation_config': Cannot find field."
        );
        let r = check(r#"{"setup": {"proactivity": {}}}"#, "v1beta").unwrap_err();
        assert_eq!(
            r.reason,
            "Invalid JSON payload received. Unknown name \"proactivity\" at 'setup': Cannot find field."
        );
        let r = check(r#"{"setup": {"tools": [{}, {"bad": {}}]}}"#, "v1beta").unwrap_err();
        assert!(r.reason.contains("at 'setup.tools[1]'"), "{}", r.reason);
    }

    #[test]
    fn wrong_types_are_invalid_values() {
        let r = check(r#"{"setup": {"sessionResumption": true}}"#, "v1alpha").unwrap_err();
        assert_eq!(r.code, 1007);
        assert_eq!(
            r.reason,
            "Invalid JSON payload received. Invalid value at 'setup.session_resumption' \
             (type.googleapis.com/google.ai.generativelanguage.v1alpha.SessionResumptionConfig), true"
        );
        let r = check(
            r#"{"setup": {"generationConfig": {"topK": 1.5}}}"#,
            "v1alpha",
        )
        .unwrap_err();
        assert!(r.reason.contains("(TYPE_INT32), 1.5"), "{}", r.reason);
        let r = check(
            r#"{"setup": {"generationConfig": {"responseModalities": ["VIDEO"]}}}"#,
            "v1alpha",
        )
        .unwrap_err();
        assert!(r.reason.ends_with("Modality), \"VIDEO\""), "{}", r.reason);
        let r = check(
            r#"{"realtimeInput": {"audio": {"data": "%%%"}}}"#,
            "v1alpha",
        )
        .unwrap_err();
        assert_eq!(
            r.reason,
            "Invalid JSON payload received. Invalid value at 'realtime_input.audio.data' (TYPE_BYTES), Base64 decoding failed"
        );
    }

    #[test]
    fn envelope_rules() {
        let inv = Err(Reject::invalid_argument());
        assert_eq!(check("{}", "v1beta"), inv);
        assert_eq!(check(r#"{"foo": {}}"#, "v1beta"), inv);
        assert_eq!(
            check(r#"{"setup": {}, "clientContent": {}}"#, "v1beta"),
            inv
        );
        assert_eq!(check(r#"{"setup": null}"#, "v1beta"), inv);
        assert_eq!(check(r#"{"setup": {"model": null}}"#, "v1beta"), inv);
        assert_eq!(check(r#"{"setup": {"tools": [null]}}"#, "v1beta"), inv);
        let r = check(r#"{"setup": {}, "foo": 1}"#, "v1beta").unwrap_err();
        assert!(r.reason.contains("Unknown name \"foo\""), "{}", r.reason);
        let bad_json = Err(Reject::new(
            1007,
            "Invalid JSON payload received. Unexpected token.",
        ));
        assert_eq!(check("{\"setup\": {", "v1beta"), bad_json);
        assert_eq!(check("[1]", "v1beta"), bad_json);
    }

    #[test]
    fn getters_accept_both_spellings() {
        let v: Value = serde_json::from_str(r#"{"turn_complete": true, "mimeType": "x"}"#).unwrap();
        assert!(field_bool(&v, "turnComplete"));
        assert_eq!(field_str(&v, "mimeType"), Some("x"));
        let c: Value = serde_json::from_str(
            r#"{"parts": [{"text": "a"}, {"inline_data": {}}, {"text": "b"}]}"#,
        )
        .unwrap();
        assert_eq!(content_text(&c).as_deref(), Some("ab"));
    }
}
