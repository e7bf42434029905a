//! Strategies for server frames: real keys, well- and wrongly-typed messages, mutations,
//! deep nesting; and the check every decoded frame must pass.

use gemini_live::protocol::decode_server;
use proptest::prelude::*;
use serde_json::{json, Map, Value};

// ---- strategies ----------------------------------------------------------------------------

/// Keys of real server messages (both spellings), so random objects hit the decoder's paths.
pub const KEYS: &[&str] = &[
    "setupComplete",
    "serverContent",
    "toolCall",
    "toolCallCancellation",
    "goAway",
    "sessionResumptionUpdate",
    "usageMetadata",
    "server_content",
    "setup_complete",
    "go_away",
    "usage_metadata",
    "modelTurn",
    "parts",
    "text",
    "inlineData",
    "mimeType",
    "data",
    "thought",
    "executableCode",
    "codeExecutionResult",
    "turnComplete",
    "generationComplete",
    "interrupted",
    "groundingMetadata",
    "inputTranscription",
    "outputTranscription",
    "finished",
    "functionCalls",
    "id",
    "name",
    "args",
    "ids",
    "timeLeft",
    "newHandle",
    "resumable",
    "promptTokenCount",
    "totalTokenCount",
    "voiceActivity",
];

pub fn key() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => prop::sample::select(KEYS).prop_map(str::to_string),
        1 => "\\PC{0,12}",
    ]
}

pub fn string() -> BoxedStrategy<String> {
    prop_oneof![
        "\\PC{0,40}",
        ".{0,16}",
        // base64-ish, valid and not
        "[A-Za-z0-9+/=_-]{0,64}",
        // durations, good and bad
        "[0-9.eE+-]{0,24}s?",
        // MIME types with rates, good and bad
        "audio/(pcm|L16|wav|x);rate=[0-9-]{0,12}",
        "(image/png|text/plain|application/octet-stream)",
        Just(String::new()),
    ]
    .boxed()
}

pub fn number() -> impl Strategy<Value = Value> {
    prop_oneof![
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        any::<f64>()
            .prop_map(|f| serde_json::Number::from_f64(f).map_or(Value::Null, Value::Number)),
        Just(json!(-0.0)),
        Just(json!(1e308)),
    ]
}

pub fn leaf() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        number(),
        string().prop_map(Value::String),
    ]
}

/// Any JSON value, a few levels deep.
pub fn any_json() -> BoxedStrategy<Value> {
    leaf()
        .prop_recursive(5, 64, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::vec((key(), inner), 0..6)
                    .prop_map(|kv| Value::Object(kv.into_iter().collect())),
            ]
        })
        .boxed()
}

/// The shape of a server message field.
pub enum S {
    Bool,
    Str,
    Count,
    Dur,
    B64,
    Mime,
    Any,
    Obj(&'static [(&'static str, S)]),
    Arr(&'static S),
}

pub const TRANSCRIPTION: S = S::Obj(&[("text", S::Str), ("finished", S::Bool)]);
pub const PART: S = S::Obj(&[
    ("text", S::Str),
    ("thought", S::Bool),
    (
        "inlineData",
        S::Obj(&[("mimeType", S::Mime), ("data", S::B64)]),
    ),
    ("executableCode", S::Any),
    ("codeExecutionResult", S::Any),
]);
pub const SERVER_CONTENT: S = S::Obj(&[
    (
        "modelTurn",
        S::Obj(&[("role", S::Str), ("parts", S::Arr(&PART))]),
    ),
    ("turnComplete", S::Bool),
    ("generationComplete", S::Bool),
    ("interrupted", S::Bool),
    ("groundingMetadata", S::Any),
    ("inputTranscription", TRANSCRIPTION),
    ("outputTranscription", TRANSCRIPTION),
    ("turnCompleteReason", S::Str),
]);
pub const USAGE: S = S::Obj(&[
    ("promptTokenCount", S::Count),
    ("responseTokenCount", S::Count),
    ("totalTokenCount", S::Count),
    ("thoughtsTokenCount", S::Count),
]);
pub const MESSAGE: S = S::Obj(&[
    ("setupComplete", S::Obj(&[("sessionId", S::Str)])),
    ("serverContent", SERVER_CONTENT),
    (
        "toolCall",
        S::Obj(&[(
            "functionCalls",
            S::Arr(&S::Obj(&[
                ("id", S::Str),
                ("name", S::Str),
                ("args", S::Any),
            ])),
        )]),
    ),
    ("toolCallCancellation", S::Obj(&[("ids", S::Arr(&S::Str))])),
    ("goAway", S::Obj(&[("timeLeft", S::Dur)])),
    (
        "sessionResumptionUpdate",
        S::Obj(&[("newHandle", S::Str), ("resumable", S::Bool)]),
    ),
    ("usageMetadata", USAGE),
    ("someFutureMessage", S::Any),
]);

/// Mostly the right type for `s`, sometimes anything at all.
pub fn shaped(s: &'static S) -> BoxedStrategy<Value> {
    let right: BoxedStrategy<Value> = match s {
        S::Bool => any::<bool>().prop_map(Value::Bool).boxed(),
        S::Str => string().prop_map(Value::String).boxed(),
        S::Count => prop_oneof![
            any::<u32>().prop_map(Value::from),
            any::<u64>().prop_map(|n| Value::String(n.to_string())),
            number(),
        ]
        .boxed(),
        S::Dur => "[0-9]{0,12}(\\.[0-9]{0,12})?s"
            .prop_map(Value::String)
            .boxed(),
        S::B64 => prop_oneof![
            prop::collection::vec(any::<u8>(), 0..64)
                .prop_map(|b| Value::String(gemini_live::protocol::encode_base64(&b))),
            "[A-Za-z0-9+/=_-]{0,64}".prop_map(Value::String),
            "\\PC{0,16}".prop_map(Value::String),
        ]
        .boxed(),
        S::Mime => "audio/(pcm|L16);rate=[0-9]{0,7}|image/jpeg|audio/pcm"
            .prop_map(Value::String)
            .boxed(),
        S::Any => any_json(),
        S::Obj(fields) => {
            let parts: Vec<BoxedStrategy<Option<(String, Value)>>> = fields
                .iter()
                .map(|(k, f)| {
                    prop::option::weighted(0.4, shaped(f).prop_map(move |v| (k.to_string(), v)))
                        .boxed()
                })
                .collect();
            parts
                .prop_map(|kv| Value::Object(kv.into_iter().flatten().collect::<Map<_, _>>()))
                .boxed()
        }
        S::Arr(item) => prop::collection::vec(shaped(item), 0..4)
            .prop_map(Value::Array)
            .boxed(),
    };
    prop_oneof![6 => right, 1 => any_json()].boxed()
}

/// A message of the real shape (with wrong types now and then), serialised.
pub fn message_bytes() -> impl Strategy<Value = Vec<u8>> {
    shaped(&MESSAGE).prop_map(|v| serde_json::to_vec(&v).expect("serialises"))
}

/// A byte-level mutation of a frame.
#[derive(Debug, Clone)]
pub enum Mutation {
    Truncate(usize),
    Flip(usize, u8),
    Insert(usize, Vec<u8>),
    Remove(usize, usize),
}

pub fn mutation() -> impl Strategy<Value = Mutation> {
    let invalid_utf8 = prop::sample::select(vec![
        vec![0xff],
        vec![0xc0, 0x80],
        vec![0xed, 0xa0, 0x80],
        vec![0xf4, 0x90, 0x80, 0x80],
        vec![0xe2, 0x82],
        b"\\ud800".to_vec(),
        b"\\u0000".to_vec(),
        b"\"".to_vec(),
        b"{".to_vec(),
        b"]".to_vec(),
    ]);
    prop_oneof![
        any::<usize>().prop_map(Mutation::Truncate),
        (any::<usize>(), any::<u8>()).prop_map(|(i, b)| Mutation::Flip(i, b)),
        (any::<usize>(), invalid_utf8).prop_map(|(i, b)| Mutation::Insert(i, b)),
        (any::<usize>(), prop::collection::vec(any::<u8>(), 1..8))
            .prop_map(|(i, b)| Mutation::Insert(i, b)),
        (any::<usize>(), 1usize..16).prop_map(|(i, n)| Mutation::Remove(i, n)),
    ]
}

pub fn apply(mut bytes: Vec<u8>, mutations: &[Mutation]) -> Vec<u8> {
    for m in mutations {
        let len = bytes.len();
        match m {
            Mutation::Truncate(i) => bytes.truncate(i % (len + 1)),
            Mutation::Flip(i, b) if len > 0 => bytes[i % len] ^= b | 1,
            Mutation::Flip(..) => {}
            Mutation::Insert(i, b) => {
                let at = i % (len + 1);
                bytes.splice(at..at, b.iter().copied());
            }
            Mutation::Remove(i, n) if len > 0 => {
                let at = i % len;
                bytes.drain(at..(at + n).min(len));
            }
            Mutation::Remove(..) => {}
        }
    }
    bytes
}

/// `[[[...]]]` or `{"a":{"a":...}}` `depth` levels deep, inside a real key.
pub fn nested(depth: usize, objects: bool, close: bool) -> Vec<u8> {
    let (open, end) = if objects {
        ("{\"a\":", "}")
    } else {
        ("[", "]")
    };
    let mut s = String::from("{\"serverContent\":{\"groundingMetadata\":");
    s.push_str(&open.repeat(depth));
    s.push('1');
    if close {
        s.push_str(&end.repeat(depth));
        s.push_str("}}");
    }
    s.into_bytes()
}

/// Every kind of frame the properties use.
pub fn frame() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        2 => prop::collection::vec(any::<u8>(), 0..256),
        2 => "\\PC{0,64}".prop_map(String::into_bytes),
        4 => message_bytes(),
        4 => (message_bytes(), prop::collection::vec(mutation(), 1..4))
            .prop_map(|(b, m)| apply(b, &m)),
        2 => any_json().prop_map(|v| serde_json::to_vec(&v).expect("serialises")),
        1 => (1usize..300, any::<bool>(), any::<bool>())
            .prop_map(|(d, o, c)| nested(d, o, c)),
    ]
}

/// Longest detail text an error event may carry for any frame.
pub const MAX_ERROR_TEXT: usize = 1024;

pub fn check_decode(bytes: &[u8]) -> Result<(), TestCaseError> {
    match decode_server(bytes) {
        Ok(msg) => {
            // Decoding is a pure function of the bytes.
            prop_assert_eq!(decode_server(bytes).ok(), Some(msg));
        }
        Err(e) => {
            prop_assert!(
                e.0.starts_with("malformed server message"),
                "unclear error: {}",
                e.0
            );
            prop_assert!(
                e.0.len() <= MAX_ERROR_TEXT,
                "{} bytes of error text",
                e.0.len()
            );
        }
    }
    Ok(())
}
