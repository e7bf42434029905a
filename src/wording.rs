//! Messages in each language's own terms.
//!
//! An [`Error`](crate::Error) carries the fact (which option is wrong and why); each surface
//! says it with its own names: Rust names the [`Config`](crate::Config) field or builder, C
//! the setter (`gemini_live_config_set_model`), the CLI its flag (`--model`). A message that
//! names an option is a [`Phrase`]: text with [`Part::Setting`] and [`Part::Mode`] pieces,
//! rendered for a [`Lang`] by [`Phrase::render`] (and [`Error::message`](crate::Error::message)).
//!
//! The C form is stable, so that bindings over C can map it to their own names: an option is
//! its setter in backticks (`` `gemini_live_config_set_model` ``), a response mode is
//! `` `gemini_live_config_set_response_modality(config, GEMINI_LIVE_MODALITY_TEXT)` ``.

use crate::response_mode::ResponseMode;
use std::borrow::Cow;
use std::fmt;

/// The surface a message is written for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Lang {
    /// The Rust API: `Config` fields and builders, enum variants.
    Rust,
    /// The C ABI (and bindings over it): setter functions and `GEMINI_LIVE_*` constants.
    C,
    /// The `gemini-live` command line: flags and environment variables.
    Cli,
}

/// A configuration option a message can be about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Setting {
    /// The model id.
    Model,
    /// The endpoint base URL.
    Endpoint,
    /// The API version (Developer API).
    ApiVersion,
    /// The API key.
    ApiKey,
    /// An ephemeral token.
    EphemeralToken,
    /// The access-token source (Vertex AI).
    AccessToken,
    /// The response mode (modality).
    ResponseMode,
    /// The prebuilt voice.
    Voice,
    /// Skipping the local check against the model table.
    SkipModelCheck,
    /// The send queue's capacity.
    SendQueueCapacity,
    /// The event queue's capacity.
    EventQueueCapacity,
    /// The largest message accepted.
    MaxMessageSize,
    /// How long to wait for a pong.
    PongTimeout,
    /// How long a turn may stay silent.
    StallTimeout,
    /// The whole connect's timeout.
    ConnectTimeout,
    /// The close timeout.
    CloseTimeout,
    /// Setup JSON merged in unvalidated.
    ExtraSetup,
    /// Session resumption.
    SessionResumption,
    /// The Vertex AI project and location.
    Vertex,
    /// Vertex AI transparent resumption.
    VertexTransparentResumption,
    /// Extra trusted root certificates.
    ExtraRootCa,
}

impl Setting {
    /// Every setting, for tests and tables.
    pub const ALL: &'static [Setting] = &[
        Setting::Model,
        Setting::Endpoint,
        Setting::ApiVersion,
        Setting::ApiKey,
        Setting::EphemeralToken,
        Setting::AccessToken,
        Setting::ResponseMode,
        Setting::Voice,
        Setting::SkipModelCheck,
        Setting::SendQueueCapacity,
        Setting::EventQueueCapacity,
        Setting::MaxMessageSize,
        Setting::PongTimeout,
        Setting::StallTimeout,
        Setting::ConnectTimeout,
        Setting::CloseTimeout,
        Setting::ExtraSetup,
        Setting::SessionResumption,
        Setting::Vertex,
        Setting::VertexTransparentResumption,
        Setting::ExtraRootCa,
    ];

    /// How `lang` names this option: `(Rust, C setter, CLI)`.
    fn names(self) -> (&'static str, &'static str, &'static str) {
        use Setting::*;
        match self {
            Model => ("Config::model", "model", "--model"),
            Endpoint => ("Config::endpoint", "endpoint", "--endpoint"),
            ApiVersion => ("Config::api_version", "api_version", "--api-version"),
            ApiKey => ("Config::with_api_key", "api_key", "GEMINI_API_KEY"),
            EphemeralToken => (
                "Auth::EphemeralToken",
                "ephemeral_token",
                "an ephemeral token",
            ),
            AccessToken => (
                "Auth::AccessToken",
                "access_token_callback",
                "--access-token-command (or GEMINI_LIVE_ACCESS_TOKEN)",
            ),
            ResponseMode => ("Config::response_mode", "response_modality", "--modality"),
            Voice => ("Config::voice", "voice", "the voice"),
            SkipModelCheck => (
                "Config::skip_model_check",
                "skip_model_check",
                "the model check",
            ),
            SendQueueCapacity => (
                "Config::send_queue_capacity",
                "send_queue_capacity",
                "the send queue capacity",
            ),
            EventQueueCapacity => (
                "Config::event_queue_capacity",
                "event_queue_capacity",
                "the event queue capacity",
            ),
            MaxMessageSize => (
                "Config::max_message_size",
                "max_message_size",
                "the maximum message size",
            ),
            PongTimeout => (
                "Config::pong_timeout",
                "pong_timeout_ms",
                "the pong timeout",
            ),
            StallTimeout => (
                "Config::stall_timeout",
                "stall_timeout_ms",
                "the stall timeout",
            ),
            ConnectTimeout => (
                "Timeouts::connect_total",
                "connect_timeout_ms",
                "the connect timeout",
            ),
            CloseTimeout => ("Timeouts::close", "close_timeout_ms", "the close timeout"),
            ExtraSetup => (
                "Config::with_extra_setup",
                "extra_setup_json",
                "the extra setup JSON",
            ),
            SessionResumption => (
                "Config::session_resumption",
                "session_resumption",
                "session resumption",
            ),
            Vertex => (
                "Config::vertex",
                "vertex",
                "--vertex-project and --vertex-location",
            ),
            VertexTransparentResumption => (
                "VertexTarget::transparent_resumption",
                "vertex_transparent_resumption",
                "transparent resumption",
            ),
            ExtraRootCa => (
                "Config::extra_root_ca_pem",
                "extra_root_ca_pem",
                "GEMINI_LIVE_CA_FILE",
            ),
        }
    }

    /// The option's name for `lang`: `` `Config::model` ``, `` `gemini_live_config_set_model` ``
    /// or `--model`.
    pub fn name(self, lang: Lang) -> Cow<'static, str> {
        let (rust, c, cli) = self.names();
        match lang {
            Lang::Rust => Cow::Owned(format!("`{rust}`")),
            Lang::C => Cow::Owned(format!("`gemini_live_config_set_{c}`")),
            Lang::Cli => Cow::Borrowed(cli),
        }
    }
}

/// How `lang` says "use this response mode".
fn mode_name(mode: ResponseMode, lang: Lang) -> String {
    let (rust, c, cli) = match mode {
        ResponseMode::Text => ("Text", "TEXT", "text"),
        ResponseMode::Audio => ("Audio", "AUDIO", "audio"),
        ResponseMode::TextAndAudio => ("TextAndAudio", "TEXT_AND_AUDIO", "text+audio"),
    };
    match lang {
        Lang::Rust => format!("`ResponseMode::{rust}`"),
        Lang::C => {
            format!("`gemini_live_config_set_response_modality(config, GEMINI_LIVE_MODALITY_{c})`")
        }
        Lang::Cli => format!("--modality {cli}"),
    }
}

/// One piece of a [`Phrase`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Part {
    /// Text said the same way everywhere.
    Text(Cow<'static, str>),
    /// An option, named for the language.
    Setting(Setting),
    /// A response mode to choose, said as the language sets it.
    Mode(ResponseMode),
}

/// A message that may name options: rendered for a language with [`Phrase::render`];
/// `Display` renders it for Rust.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Phrase(pub Vec<Part>);

impl Phrase {
    /// An empty phrase.
    pub fn new() -> Phrase {
        Phrase(Vec::new())
    }
    /// Appends text.
    pub fn text(mut self, t: impl Into<Cow<'static, str>>) -> Phrase {
        self.0.push(Part::Text(t.into()));
        self
    }
    /// Appends an option's name.
    pub fn setting(mut self, s: Setting) -> Phrase {
        self.0.push(Part::Setting(s));
        self
    }
    /// Appends a response mode to choose.
    pub fn mode(mut self, m: ResponseMode) -> Phrase {
        self.0.push(Part::Mode(m));
        self
    }
    /// Appends the parts of another phrase.
    pub fn parts(mut self, parts: &[Part]) -> Phrase {
        self.0.extend_from_slice(parts);
        self
    }
    /// The message for `lang`.
    pub fn render(&self, lang: Lang) -> String {
        let mut s = String::new();
        for p in &self.0 {
            match p {
                Part::Text(t) => s.push_str(t),
                Part::Setting(x) => s.push_str(&x.name(lang)),
                Part::Mode(m) => s.push_str(&mode_name(*m, lang)),
            }
        }
        s
    }
    /// The settings this phrase names, in order.
    pub fn settings(&self) -> impl Iterator<Item = Setting> + '_ {
        self.0.iter().filter_map(|p| match p {
            Part::Setting(s) => Some(*s),
            _ => None,
        })
    }
}

impl fmt::Display for Phrase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render(Lang::Rust))
    }
}

impl From<&'static str> for Phrase {
    fn from(t: &'static str) -> Phrase {
        Phrase::new().text(t)
    }
}

impl From<String> for Phrase {
    fn from(t: String) -> Phrase {
        Phrase::new().text(t)
    }
}

/// Known close reasons about credentials, and what to do: `(reason prefix, full text, hint)`.
/// The service cuts reasons at 123 bytes, so the whole known text is given back.
const CREDENTIAL_CLOSES: &[(&str, &str, &str)] = &[
    (
        "Method doesn't allow unregistered callers",
        "Method doesn't allow unregistered callers (callers without established identity). \
         Please use API Key or other form of API consumer identity to call this API.",
        "no API key was sent: set ",
    ),
    (
        "API key not valid",
        "API key not valid. Please pass a valid API key.",
        "the API key was refused: check ",
    ),
];

/// For a close about credentials: the whole reason and a hint naming how `lang` sets the key.
pub(crate) fn credential_hint(reason: &str, lang: Lang) -> Option<(&'static str, String)> {
    CREDENTIAL_CLOSES
        .iter()
        .find(|(prefix, _, _)| reason.starts_with(prefix))
        .map(|(_, full, hint)| {
            (
                *full,
                Phrase::new()
                    .text(*hint)
                    .setting(Setting::ApiKey)
                    .render(lang),
            )
        })
}

/// A duration for people: `850 ms`, `3.2 s` (log lines; `Debug` of a `Duration` reads
/// `3.210004512s`).
pub(crate) fn duration(d: std::time::Duration) -> String {
    if d < std::time::Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.1} s", d.as_secs_f64())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_language_names_the_option_its_own_way() {
        let p = Phrase::new().text("set ").setting(Setting::Model);
        assert_eq!(p.render(Lang::Rust), "set `Config::model`");
        assert_eq!(p.render(Lang::C), "set `gemini_live_config_set_model`");
        assert_eq!(p.render(Lang::Cli), "set --model");
        let m = Phrase::new().mode(ResponseMode::TextAndAudio);
        assert_eq!(m.render(Lang::Cli), "--modality text+audio");
        assert!(m
            .render(Lang::C)
            .contains("GEMINI_LIVE_MODALITY_TEXT_AND_AUDIO"));
    }

    #[test]
    fn no_foreign_name_leaks_into_c_or_cli() {
        for s in Setting::ALL {
            for lang in [Lang::C, Lang::Cli] {
                let n = s.name(lang);
                assert!(!n.contains("::"), "{s:?} {lang:?}: {n}");
            }
            assert!(!s.name(Lang::Cli).contains("gemini_live_"), "{s:?}");
        }
    }
}
