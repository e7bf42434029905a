//! The capability table of Live models, in one place (protocol.md Part C.1, B §6, B §8).
//!
//! For every current and recent Live model (Developer API and Vertex AI ids) the table says
//! which response modality it allows, which setup fields it refuses and how the service
//! refuses them (close code and reason), its lifecycle traits (whether it sends
//! `interactionStatus`, whether functions are non-blocking) and its status (stable, preview,
//! legacy, or retired with the date).
//!
//! [`Config::validate`](crate::Config::validate) (and so `Session::connect`, before any
//! socket is opened) checks the configuration against the entry of its model with
//! [`check_config`] and fails with [`Error::UnsupportedByModel`](crate::Error), which names
//! the model, the field and the fix. Models that are not in the table pass with a debug log:
//! the service adds models faster than this library is released. Set
//! [`Config::skip_model_check`](crate::Config) to send a setup the table would refuse (the
//! fake server, which serves every model of the table with the same rules, then closes the
//! connection with the service's code).
//!
//! The brief's model, [`RETIRED_BRIEF_MODEL`](crate::config::RETIRED_BRIEF_MODEL), is in the
//! table as retired (2025-12-09) and, like every retired model, refused locally with the fix
//! (Part D.1); [`Config::skip_model_check`](crate::Config) still sends it (the service, and
//! the fake, then close 1008 "not found"). The default is [`DEFAULT_MODEL`](crate::DEFAULT_MODEL).
//!
//! The rules are evaluated on the JSON of the `setup` message ([`violation`]), accepting the
//! lowerCamelCase and snake_case spellings, so that the client and the fake server share
//! them.

use crate::config::{Config, ResponseMode};
use crate::error::{Error, Result};
use crate::protocol::{ClientMessage, Modality};
use crate::wording::{Part, Phrase, Setting};
use serde_json::Value;
use std::borrow::Cow;

/// Which API serves a model id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    /// The Gemini Developer API (`generativelanguage.googleapis.com`).
    Developer,
    /// Vertex AI (Gemini Enterprise Agent Platform).
    Vertex,
    /// The same id on both.
    Both,
}

/// Whether a model is served.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Generally available, recommended.
    Stable,
    /// Served as a preview.
    Preview,
    /// Still served, superseded ("legacy preview").
    Legacy,
    /// Shut down by Google on this date (`YYYY-MM-DD`); the service closes 1008 "not found".
    Retired {
        /// The shutdown date.
        since: &'static str,
    },
}

impl Status {
    /// Whether the model is still served (anything but retired).
    pub fn is_current(self) -> bool {
        !matches!(self, Status::Retired { .. })
    }
}

/// The architecture of a model, which decides how the fake server answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Native audio input, text-to-speech output (2.0/2.5 Live).
    HalfCascade,
    /// Native audio in and out (2.5 native audio, 3.1 and 3.8 Live).
    NativeAudio,
    /// Background reasoning: several speech segments per request, each `turnComplete`
    /// marked `interactionStatus: IN_PROGRESS` until the last, marked `IDLE` (Part C.2).
    ExtendedThinking,
    /// Speech to text only: input transcriptions, no model turns, no tools.
    Transcribe,
    /// Continuous speech translation: audio in, translated audio and transcriptions out
    /// (the service has no turns; the fake ends each `audioStreamEnd` with `turnComplete`).
    Translate,
}

/// A setup condition a model refuses.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rule {
    /// `generationConfig.responseModalities` asks for this modality (an absent list means
    /// `AUDIO`, the Developer API's default).
    Modality(Modality),
    /// `generationConfig.thinkingConfig` is present.
    ThinkingConfig,
    /// `generationConfig.enableAffectiveDialog` is present.
    AffectiveDialog,
    /// `proactivity.proactiveAudio` is `false`.
    ProactiveAudioOff,
    /// A function declaration has `behavior: BLOCKING`.
    BlockingFunction,
    /// Any tool is declared.
    Tools,
    /// A system instruction is set.
    SystemInstruction,
}

impl Rule {
    /// The setup field the rule is about, as on the wire.
    pub fn field(self) -> &'static str {
        match self {
            Rule::Modality(_) => "generationConfig.responseModalities",
            Rule::ThinkingConfig => "generationConfig.thinkingConfig",
            Rule::AffectiveDialog => "generationConfig.enableAffectiveDialog",
            Rule::ProactiveAudioOff => "proactivity.proactiveAudio",
            Rule::BlockingFunction => "tools.functionDeclarations.behavior",
            Rule::Tools => "tools",
            Rule::SystemInstruction => "systemInstruction",
        }
    }
}

/// One refusal: the condition, how the service answers it, and the fix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    /// The condition.
    pub rule: Rule,
    /// The close code the service sends (1007 invalid argument, 1011 internal error).
    pub code: u16,
    /// The close reason the service sends.
    pub reason: &'static str,
    /// What to do instead (naming options in each language's terms: [`crate::wording`]).
    pub fix: &'static [Part],
}

/// Everything the library knows about one model id.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ModelInfo {
    /// The model id, without `models/`.
    pub id: &'static str,
    /// Which API serves it.
    pub api: Api,
    /// Whether it is still served.
    pub status: Status,
    /// Its architecture.
    pub kind: Kind,
    /// The response modalities it allows (one per session).
    pub modalities: &'static [Modality],
    /// Setup conditions it refuses, checked in this order.
    pub refuses: &'static [Refusal],
    /// Whether every `turnComplete` carries `interactionStatus` (`IN_PROGRESS` / `IDLE`).
    pub interaction_status: bool,
    /// Whether function calls are non-blocking by default (the model keeps talking while a
    /// call is open; responses carry `scheduling`).
    pub non_blocking_tools: bool,
    /// Whether it accepts text input (`clientContent`, `realtimeInput.text`).
    pub text_input: bool,
    /// Whether it sends `usageMetadata`.
    pub usage: bool,
    /// Where the facts come from, and what is uncertain.
    pub notes: &'static str,
    /// Whether it takes history (`clientContent` with `model` turns) in the middle of a
    /// session. Where it does not, a lost conversation is put back as initial history in
    /// the setup of a new session (`historyConfig.initialHistoryInClientContent`).
    pub mid_session_history: bool,
}

impl ModelInfo {
    /// Whether the model accepts a response mode (TEXT+AUDIO is sent as AUDIO).
    pub fn supports(&self, mode: ResponseMode) -> bool {
        self.modalities.contains(&wire_modality(mode))
    }

    /// The response mode to use with this model when none was chosen: text and audio where
    /// audio is allowed, else text.
    pub fn default_mode(&self) -> ResponseMode {
        if self.modalities.contains(&Modality::Audio) {
            ResponseMode::TextAndAudio
        } else {
            ResponseMode::Text
        }
    }
}

fn wire_modality(mode: ResponseMode) -> Modality {
    match mode {
        ResponseMode::Text => Modality::Text,
        ResponseMode::Audio | ResponseMode::TextAndAudio => Modality::Audio,
    }
}

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

/// The bare model id of `model`: without `models/`, or without the Vertex
/// `projects/P/locations/L/publishers/google/models/` prefix.
pub fn bare_id(model: &str) -> &str {
    match model.rfind("models/") {
        Some(i) => &model[i + "models/".len()..],
        // Vertex AI's short publisher form, `google/M`.
        None => model.strip_prefix("google/").unwrap_or(model),
    }
}

/// The table entry of `model` (any prefix accepted), if the library knows it.
pub fn lookup(model: &str) -> Option<&'static ModelInfo> {
    let id = bare_id(model.trim());
    MODELS.iter().find(|m| m.id == id)
}

/// The models still served, stable ones first.
pub fn current() -> impl Iterator<Item = &'static ModelInfo> {
    let stable = MODELS.iter().filter(|m| m.status == Status::Stable);
    let rest = MODELS
        .iter()
        .filter(|m| m.status.is_current() && m.status != Status::Stable);
    stable.chain(rest)
}

/// The recommended models of `api` (stable ones), for advice such as the `ModelNotFound`
/// message: `"gemini-3.8-live, gemini-3.8-live-extended-thinking"`.
pub fn recommended(api: Api) -> String {
    let ids: Vec<&str> = MODELS
        .iter()
        .filter(|m| m.status == Status::Stable && (m.api == api || m.api == Api::Both))
        .map(|m| m.id)
        .collect();
    ids.join(", ")
}

/// The first rule of `info` that the `setup` body (the value of the `setup` key, in either
/// spelling) breaks.
pub fn violation(info: &ModelInfo, setup: &Value) -> Option<&'static Refusal> {
    info.refuses.iter().find(|r| breaks(r.rule, setup))
}

fn breaks(rule: Rule, setup: &Value) -> bool {
    let gen = get(setup, "generationConfig");
    match rule {
        Rule::Modality(m) => {
            let want = match m {
                Modality::Text => "TEXT",
                Modality::Audio => "AUDIO",
            };
            let list = gen
                .and_then(|g| get(g, "responseModalities"))
                .and_then(Value::as_array);
            match list {
                None => m == Modality::Audio,
                Some(items) if items.is_empty() => m == Modality::Audio,
                Some(items) => items.iter().any(|v| v.as_str() == Some(want)),
            }
        }
        Rule::ThinkingConfig => gen.and_then(|g| get(g, "thinkingConfig")).is_some(),
        Rule::AffectiveDialog => gen.and_then(|g| get(g, "enableAffectiveDialog")).is_some(),
        Rule::ProactiveAudioOff => get(setup, "proactivity")
            .and_then(|p| get(p, "proactiveAudio"))
            .is_some_and(|v| v.as_bool() == Some(false)),
        Rule::BlockingFunction => tools(setup).iter().any(|t| {
            get(t, "functionDeclarations")
                .and_then(Value::as_array)
                .is_some_and(|fs| {
                    fs.iter()
                        .any(|f| get(f, "behavior").and_then(Value::as_str) == Some("BLOCKING"))
                })
        }),
        Rule::Tools => !tools(setup).is_empty(),
        Rule::SystemInstruction => get(setup, "systemInstruction").is_some(),
    }
}

fn tools(setup: &Value) -> Vec<Value> {
    get(setup, "tools")
        .and_then(Value::as_array)
        .cloned()
        .unwrap_or_default()
}

/// Member `camel` of an object, also under its snake_case name.
fn get<'a>(v: &'a Value, camel: &str) -> Option<&'a Value> {
    let obj = v.as_object()?;
    if let Some(x) = obj.get(camel) {
        return Some(x).filter(|x| !x.is_null());
    }
    let mut snake = String::with_capacity(camel.len() + 4);
    for c in camel.chars() {
        if c.is_ascii_uppercase() {
            snake.push('_');
            snake.push(c.to_ascii_lowercase());
        } else {
            snake.push(c);
        }
    }
    obj.get(&snake).filter(|x| !x.is_null())
}

/// Checks `config` against the table entry of its model: `Ok` for unknown models (with a
/// debug log) and for configurations the model accepts; [`Error::UnsupportedByModel`] for
/// retired models (with the current ones as the fix), and [`Error::UnsupportedByModel`] naming the model, the
/// field and the fix otherwise. Skipped when `config.skip_model_check` is set.
pub fn check_config(config: &Config) -> Result<()> {
    if config.skip_model_check {
        return Ok(());
    }
    let Some(info) = lookup(&config.model) else {
        log::debug!(
            "model {} is not in the capability table: not checked locally",
            config.model_id()
        );
        return Ok(());
    };
    if let Status::Retired { since } = info.status {
        return Err(Error::UnsupportedByModel {
            model: info.id.to_string(),
            field: format!("connections: Google retired it on {since}"),
            fix: Phrase::new()
                .text("choose a current model with ")
                .setting(Setting::Model)
                .text(format!(
                    ", e.g. {} (the default is {}); the service closes 1008 \"not found\"; \
                     to send it anyway set ",
                    recommended(Api::Developer),
                    crate::DEFAULT_MODEL
                ))
                .setting(Setting::SkipModelCheck),
        });
    }
    if info.refuses.is_empty() {
        // Nothing to check: no need to render the setup (about 10 us of a connect).
        return Ok(());
    }
    let setup = serde_json::to_value(ClientMessage::Setup(Box::new(config.setup_message(None))))
        .unwrap_or(Value::Null);
    let body = setup.get("setup").cloned().unwrap_or(Value::Null);
    match violation(info, &body) {
        None => Ok(()),
        Some(r) => Err(Error::UnsupportedByModel {
            model: info.id.to_string(),
            field: describe_field(r.rule),
            fix: Phrase::new()
                .parts(r.fix)
                .text(format!(
                    " (the service closes {} \"{}\"; to send it anyway set ",
                    r.code, r.reason
                ))
                .setting(Setting::SkipModelCheck)
                .text(")"),
        }),
    }
}

fn describe_field(rule: Rule) -> String {
    match rule {
        Rule::Modality(m) => format!("{} {:?}", rule.field(), m.as_str()),
        _ => rule.field().to_string(),
    }
}

#[cfg(test)]
mod tests;
