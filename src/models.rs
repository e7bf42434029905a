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
//! [`check_setup`] and fails with [`Error::UnsupportedByModel`](crate::Error), which names
//! the model, the field and the fix. Models that are not in the table pass with a debug log:
//! the service adds models faster than this library is released. Set
//! [`Config::skip_model_check`](crate::Config) to send a setup the table would refuse (the
//! fake server, which serves every model of the table with the same rules, then closes the
//! connection with the service's code).
//!
//! The brief's model, [`RETIRED_BRIEF_MODEL`], is in the
//! table as retired (2025-12-09) and, like every retired model, refused locally with the fix
//! (Part D.1); [`Config::skip_model_check`](crate::Config) still sends it (the service, and
//! the fake, then close 1008 "not found"). The default is [`DEFAULT_MODEL`].
//!
//! The rules are evaluated on the JSON of the `setup` message ([`violation`]), accepting the
//! lowerCamelCase and snake_case spellings, so that the client and the fake server share
//! them.

use crate::protocol::Modality;
use crate::response_mode::ResponseMode;
use crate::wording::Part;

mod rules;
mod table;
pub use rules::{check_setup, violation};
pub use table::MODELS;

#[cfg(test)]
mod tests;

/// The model used when none is configured: `gemini-3.8-live`, Google's current stable Live
/// model (protocol.md Part D.1). This is the only place it is defined. It answers in AUDIO
/// only, so the default response mode is [`ResponseMode::TextAndAudio`]: audio plus its
/// transcription, delivered as text events. Override it with [`Config::model`](crate::Config::model) or
/// `GEMINI_LIVE_MODEL`; the current models are [`current`].
pub const DEFAULT_MODEL: &str = "gemini-3.8-live";
/// The product brief's model, `gemini-live-2.5-flash-preview`, retired by Google on
/// 2025-12-09 (the service closes 1008 "not found"). Kept as a named constant: the model
/// table lists it as retired and [`Config::validate`](crate::Config::validate) refuses it with the fix;
/// [`Config::skip_model_check`](crate::Config::skip_model_check) still sends it.
pub const RETIRED_BRIEF_MODEL: &str = "gemini-live-2.5-flash-preview";

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
