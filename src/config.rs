//! Session configuration: every option says what it defaults to.
//!
//! Start from [`Config::from_env`] (reads `GEMINI_API_KEY`, `GEMINI_LIVE_MODEL`,
//! `GEMINI_LIVE_ENDPOINT`, `GEMINI_LIVE_API_VERSION`, `GEMINI_LIVE_CA_FILE`, and for Vertex AI
//! `GEMINI_LIVE_VERTEX_PROJECT`, `GEMINI_LIVE_VERTEX_LOCATION`,
//! `GEMINI_LIVE_VERTEX_API_VERSION`, `GEMINI_LIVE_VERTEX_USER_PROJECT`,
//! `GEMINI_LIVE_ACCESS_TOKEN`) or [`Config::default`], then adjust fields or use the `with_*`
//! methods.

use crate::error::{Error, Result};
use crate::protocol;
pub use crate::reconnect::ReconnectPolicy;
pub use crate::response_mode::ResponseMode;
pub use crate::vertex::{TokenError, TokenProvider, VertexApiVersion, VertexTarget};
use std::fmt;
use std::time::Duration;

/// The model used when none is configured: `gemini-3.8-live`, Google's current stable Live
/// model (protocol.md Part D.1). This is the only place it is defined. It answers in AUDIO
/// only, so the default response mode is [`ResponseMode::TextAndAudio`]: audio plus its
/// transcription, delivered as text events. Override it with [`Config::model`] or
/// `GEMINI_LIVE_MODEL`; the current models are [`crate::models::current`].
pub const DEFAULT_MODEL: &str = "gemini-3.8-live";
/// The product brief's model, `gemini-live-2.5-flash-preview`, retired by Google on
/// 2025-12-09 (the service closes 1008 "not found"). Kept as a named constant: the model
/// table lists it as retired and [`Config::validate`] refuses it with the fix;
/// [`Config::skip_model_check`] still sends it.
pub const RETIRED_BRIEF_MODEL: &str = "gemini-live-2.5-flash-preview";
/// The API version used when none is configured: `v1beta`, the documented version (Part
/// D.1). Where a configuration needs `v1alpha` (ephemeral tokens, `proactivity`,
/// `enableAffectiveDialog`) the default is raised to it ([`Config::effective_api_version`]);
/// another pinned version is refused with the reason.
pub const DEFAULT_API_VERSION: &str = "v1beta";
/// The service host used when no endpoint is configured.
pub const DEFAULT_ENDPOINT: &str = "wss://generativelanguage.googleapis.com";

/// A secret string (API key or token) whose `Debug` and `Display` never show it.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// Wraps a secret.
    pub fn new(s: impl Into<String>) -> Secret {
        Secret(s.into())
    }
    /// The secret itself: only for the request header.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(<{} bytes redacted>)", self.0.len())
    }
}

/// How the client authenticates.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub enum Auth {
    /// No credentials (only for local fakes and proxies that add them).
    #[default]
    None,
    /// An API key, sent in the `x-goog-api-key` header (never in the URL).
    ApiKey(Secret),
    /// An ephemeral token (`auth_tokens/...`), sent as `Authorization: Token ...` to the
    /// `v1alpha` `BidiGenerateContentConstrained` method.
    EphemeralToken(Secret),
    /// OAuth 2 access tokens for Vertex AI ([`Config::vertex`]), sent as
    /// `Authorization: Bearer ...`; the provider is asked for a token on every connect.
    AccessToken(TokenProvider),
}

/// The environment variable of an ephemeral token (`auth_tokens/...`), read by
/// [`Config::from_env`] and the CLI (`--ephemeral-token`).
pub const EPHEMERAL_TOKEN_VAR: &str = "GEMINI_LIVE_EPHEMERAL_TOKEN";

impl Auth {
    /// A key as Google's SDK reads one: [`Auth::EphemeralToken`] when it starts with
    /// `auth_tokens/`, [`Auth::ApiKey`] otherwise.
    pub fn from_key(key: &str) -> Auth {
        if key.starts_with("auth_tokens/") {
            Auth::EphemeralToken(Secret::new(key))
        } else {
            Auth::ApiKey(Secret::new(key))
        }
    }
}

/// Per-phase connection timeouts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Timeouts {
    /// TCP connect (per resolved address). Defaults to 5 s.
    pub tcp_connect: Duration,
    /// Through a proxy: TLS to an `https://` proxy and its `CONNECT` or SOCKS5 exchange (a
    /// proxy that accepts the connection but does not answer fails here). Defaults to 5 s.
    pub proxy: Duration,
    /// TLS handshake. Defaults to 5 s.
    pub tls_handshake: Duration,
    /// HTTP upgrade to WebSocket. Defaults to 5 s.
    pub upgrade: Duration,
    /// From sending `setup` to receiving `setupComplete`. Defaults to 5 s.
    pub setup: Duration,
    /// The whole connect, all phases together (the brief's 5 s). Defaults to 5 s.
    pub connect_total: Duration,
    /// How long `send` waits for room in a full send queue. Defaults to 1 s.
    pub send: Duration,
    /// How long `close` waits for the server's close frame before cutting the socket.
    /// Defaults to 2 s.
    pub close: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        let five = Duration::from_secs(5);
        Timeouts {
            tcp_connect: five,
            proxy: five,
            tls_handshake: five,
            upgrade: five,
            setup: five,
            connect_total: five,
            send: Duration::from_secs(1),
            close: Duration::from_secs(2),
        }
    }
}

/// Everything a session needs. Construct with [`Config::default`] or [`Config::from_env`].
#[derive(Clone, Debug)]
#[non_exhaustive]
pub struct Config {
    /// Model id, with or without `models/`. Defaults to [`DEFAULT_MODEL`].
    pub model: String,
    /// API version in the URL path. Defaults to [`DEFAULT_API_VERSION`] (`v1beta`), raised
    /// to `v1alpha` where the configuration needs it ([`Config::effective_api_version`]).
    pub api_version: String,
    /// Base URL, `wss://host[:port]` or `ws://host[:port]`; the SDK appends the Live path.
    /// Defaults to [`DEFAULT_ENDPOINT`].
    pub endpoint: String,
    /// Credentials. Defaults to none.
    pub auth: Auth,
    /// Response mode. Defaults to [`ResponseMode::TextAndAudio`].
    pub response_mode: ResponseMode,
    /// System instruction. Defaults to none.
    pub system_instruction: Option<String>,
    /// Generation parameters (temperature etc.; the modality is set from `response_mode`).
    /// Defaults to none set.
    pub generation: protocol::GenerationConfig,
    /// Prebuilt voice name, e.g. `Puck`. Defaults to the server's choice.
    pub voice: Option<String>,
    /// Speech language code, e.g. `en-US`. Defaults to the server's choice.
    pub language_code: Option<String>,
    /// Tools. Defaults to none.
    pub tools: Vec<protocol::Tool>,
    /// Voice activity detection and barge-in. Defaults to none sent (server VAD on).
    pub realtime_input: Option<protocol::RealtimeInputConfig>,
    /// Ask for transcriptions of the user's audio. Defaults to true.
    pub input_transcription: bool,
    /// Ask for transcriptions of the model's audio. Defaults to false; always on in
    /// [`ResponseMode::TextAndAudio`].
    pub output_transcription: bool,
    /// Context window compression. Defaults to none.
    pub context_window_compression: Option<protocol::ContextWindowCompression>,
    /// Enable session resumption (`sessionResumption: {}`). Defaults to true.
    pub session_resumption: bool,
    /// Resume this handle on the first connect (e.g. persisted by a previous process).
    /// Defaults to none.
    pub resumption_handle: Option<String>,
    /// Talk to Vertex AI in this project and location instead of the Developer API: the
    /// host comes from the location (unless `endpoint` is changed from its default), the path
    /// is Vertex's, `model` becomes `projects/P/locations/L/publishers/google/models/M`, and
    /// `auth` must be [`Auth::AccessToken`]. `api_version` is not used then (the target has
    /// its own). Defaults to none (the Developer API).
    pub vertex: Option<VertexTarget>,
    /// Connection timeouts. See [`Timeouts`].
    pub timeouts: Timeouts,
    /// Extra trusted root certificate(s), PEM, for proxies and test servers. Defaults to none
    /// (the system roots only). Certificate and host-name verification are always on.
    pub extra_root_ca_pem: Option<Vec<u8>>,
    /// The proxy for every connect and reconnect (see [`crate::transport::proxy`]). Defaults
    /// to [`Proxy::FromEnvironment`]: `wss_proxy` / `https_proxy` / `all_proxy` and
    /// `no_proxy`, as Python's `websockets` reads them; [`Proxy::Direct`] ignores them.
    pub proxy: Proxy,
    /// Messages the send queue holds before `send` waits. Defaults to 128 (2.5 s of 20 ms
    /// audio chunks). Both queues are preallocated: each slot costs about 110 bytes here.
    pub send_queue_capacity: usize,
    /// Events held for the reader before the connection is paused (the server is then not
    /// read until the application takes events). Defaults to 256 (about 10 s of the model's
    /// audio); each slot costs 128 bytes, preallocated.
    pub event_queue_capacity: usize,
    /// Largest message sent or accepted, in bytes. Defaults to 16 MiB.
    pub max_message_size: usize,
    /// Automatic reconnection. See [`ReconnectPolicy`].
    pub reconnect: ReconnectPolicy,
    /// Retry policy of the first connect, when it should differ from reconnections' (a
    /// command-line tool fails fast on a wrong or unreachable endpoint, yet rides out outages
    /// later). Defaults to none: the first connect follows [`Config::reconnect`].
    pub first_connect: Option<ReconnectPolicy>,
    /// Bytes of unacknowledged input kept for replay after a reconnection. Defaults to 8 MiB.
    pub replay_max_bytes: usize,
    /// Seconds of unacknowledged audio kept for replay. Defaults to 60 s.
    pub replay_max_audio: Duration,
    /// During a turn (input sent, reply not complete), a connection silent for this long is
    /// treated as stalled and replaced. Defaults to 20 s.
    pub stall_timeout: Duration,
    /// Send a WebSocket ping after this much silence; `None` sends none (server pings are
    /// always answered). Defaults to none.
    pub keepalive_interval: Option<Duration>,
    /// With keepalive on, how long to wait for the pong before the connection counts as
    /// lost; Gemini's pongs take 8-30 s. Defaults to 45 s.
    pub pong_timeout: Duration,
    /// Options of the input transcription (used when `input_transcription` is on).
    /// Defaults to none (`{}`).
    pub input_transcription_config: protocol::AudioTranscriptionConfig,
    /// Options of the output transcription (used when it is on). Defaults to none (`{}`).
    pub output_transcription_config: protocol::AudioTranscriptionConfig,
    /// Proactive audio / video (`proactivity`, v1alpha). Defaults to none sent.
    pub proactivity: Option<protocol::Proactivity>,
    /// `historyConfig`. Defaults to none sent.
    pub history: Option<protocol::HistoryConfig>,
    /// `safetySettings`. Defaults to none.
    pub safety_settings: Vec<protocol::SafetySetting>,
    /// `explicitVadSignal` (Vertex AI only). Defaults to none sent.
    pub explicit_vad_signal: Option<bool>,
    /// Extra JSON merged into `setup` (see [`protocol::Setup::extra`]): **not validated**,
    /// for fields the service adds before this library does. Defaults to none.
    pub extra_setup: Option<serde_json::Map<String, serde_json::Value>>,
    /// Skip the check of the configuration against the model capability table
    /// ([`crate::models::check_config`]), e.g. to see how the service (or the fake) refuses
    /// it. Defaults to false.
    pub skip_model_check: bool,
    /// Record every data frame, both ways, as JSON Lines (see [`crate::record`]). Defaults
    /// to none.
    pub recorder: Option<crate::record::Recorder>,

    /// Keep the conversation as the client saw it and, when a reconnection finds that the
    /// server lost part of it (resumed from a handle older than the last exchanges, a new
    /// session, resumption off), put it back as history before unanswered input is replayed
    /// ([`Event::ContextRestored`](crate::Event::ContextRestored)). In audio sessions this
    /// needs transcripts: while it is on (and reconnection is), input and output
    /// transcription are requested whatever `input_transcription` / `output_transcription`
    /// say. Off: a loss is only reported ([`Event::ContextLost`](crate::Event::ContextLost)).
    /// Defaults to true.
    pub restore_context: bool,
    /// How much of the conversation is kept for a restore; the oldest exchanges go first.
    /// Defaults to 32,000 characters and 100 exchanges ([`ContextBudget::default`]).
    pub context_budget: crate::session::ContextBudget,
}

pub use crate::transport::proxy::{Proxy, ProxyKind, ProxyUrl};

impl Default for Config {
    fn default() -> Self {
        Config {
            model: DEFAULT_MODEL.to_string(),
            api_version: DEFAULT_API_VERSION.to_string(),
            endpoint: DEFAULT_ENDPOINT.to_string(),
            auth: Auth::None,
            response_mode: ResponseMode::default(),
            system_instruction: None,
            generation: protocol::GenerationConfig::default(),
            voice: None,
            language_code: None,
            tools: Vec::new(),
            realtime_input: None,
            input_transcription: true,
            output_transcription: false,
            context_window_compression: None,
            session_resumption: true,
            resumption_handle: None,
            vertex: None,
            timeouts: Timeouts::default(),
            extra_root_ca_pem: None,
            proxy: Proxy::default(),
            send_queue_capacity: 128,
            event_queue_capacity: 256,
            max_message_size: 16 << 20,
            reconnect: ReconnectPolicy::default(),
            first_connect: None,
            replay_max_bytes: 8 << 20,
            replay_max_audio: Duration::from_secs(60),
            stall_timeout: Duration::from_secs(20),
            keepalive_interval: None,
            pong_timeout: Duration::from_secs(45),
            input_transcription_config: protocol::AudioTranscriptionConfig::default(),
            output_transcription_config: protocol::AudioTranscriptionConfig::default(),
            proactivity: None,
            history: None,
            safety_settings: Vec::new(),
            explicit_vad_signal: None,
            extra_setup: None,
            skip_model_check: false,
            recorder: None,
            restore_context: true,
            context_budget: crate::session::ContextBudget::default(),
        }
    }
}

impl Config {
    /// Defaults overridden by the environment: `GEMINI_API_KEY` (API key; one that starts
    /// with `auth_tokens/` is an ephemeral token, as Google's SDK reads it),
    /// `GEMINI_LIVE_EPHEMERAL_TOKEN` (an ephemeral token, [`Auth::EphemeralToken`]; it wins
    /// over `GEMINI_API_KEY`),
    /// `GEMINI_LIVE_MODEL`, `GEMINI_LIVE_ENDPOINT`, `GEMINI_LIVE_API_VERSION`, and
    /// `GEMINI_LIVE_CA_FILE` (a PEM file of extra roots; an unreadable file is an error).
    /// Empty variables count as unset.
    ///
    /// Vertex AI: `GEMINI_LIVE_VERTEX_PROJECT` and `GEMINI_LIVE_VERTEX_LOCATION` (both or
    /// neither) select [`Config::vertex`], with `GEMINI_LIVE_VERTEX_API_VERSION` (`v1`, the
    /// default, or `v1beta1`) and `GEMINI_LIVE_VERTEX_USER_PROJECT`; the access token then
    /// comes from `GEMINI_LIVE_ACCESS_TOKEN` (a fixed token: it is not refreshed, so set
    /// [`Auth::AccessToken`] with your own [`TokenProvider`] for sessions longer than the
    /// token's life) and `GEMINI_API_KEY` is not used. Without the Vertex variables
    /// `GEMINI_LIVE_ACCESS_TOKEN` is ignored.
    pub fn from_env() -> Result<Config> {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.trim().is_empty());
        let mut c = Config::default();
        if let Some(key) = var("GEMINI_API_KEY") {
            c.auth = Auth::from_key(key.trim());
        }
        if let Some(token) = var(EPHEMERAL_TOKEN_VAR) {
            c.auth = Auth::EphemeralToken(Secret::new(token.trim()));
        }
        if let Some(m) = var("GEMINI_LIVE_MODEL") {
            c.model = m.trim().to_string();
        }
        if let Some(e) = var("GEMINI_LIVE_ENDPOINT") {
            c.endpoint = e.trim().to_string();
        }
        if let Some(v) = var("GEMINI_LIVE_API_VERSION") {
            c.api_version = v.trim().to_string();
        }
        if let Some(path) = var("GEMINI_LIVE_CA_FILE") {
            let pem = std::fs::read(&path)
                .map_err(|e| Error::InvalidConfig(format!("GEMINI_LIVE_CA_FILE {path}: {e}")))?;
            c.extra_root_ca_pem = Some(pem);
        }
        crate::vertex::apply_env(&mut c, &var)?;
        Ok(c)
    }

    /// Sets the model.
    pub fn with_model(mut self, model: impl Into<String>) -> Self {
        self.model = model.into();
        self
    }
    /// Sets the endpoint base URL.
    pub fn with_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.endpoint = endpoint.into();
        self
    }
    /// Sets an API key.
    pub fn with_api_key(mut self, key: impl Into<String>) -> Self {
        self.auth = Auth::ApiKey(Secret::new(key));
        self
    }
    /// Sets the response mode.
    pub fn with_response_mode(mut self, mode: ResponseMode) -> Self {
        self.response_mode = mode;
        self
    }
    /// Merges extra JSON into `setup` (unvalidated; see [`Config::extra_setup`]). `json` must
    /// be a JSON object; later calls merge into earlier ones.
    pub fn with_extra_setup(mut self, json: serde_json::Value) -> Result<Self> {
        let serde_json::Value::Object(map) = json else {
            return Err(Error::InvalidConfig(
                "extra setup JSON must be an object".into(),
            ));
        };
        let mut merged = serde_json::Value::Object(self.extra_setup.take().unwrap_or_default());
        protocol::merge_json(&mut merged, &map);
        if let serde_json::Value::Object(m) = merged {
            self.extra_setup = Some(m);
        }
        Ok(self)
    }
    /// Sets the system instruction.
    pub fn with_system_instruction(mut self, text: impl Into<String>) -> Self {
        self.system_instruction = Some(text.into());
        self
    }

    /// `true` when the endpoint is Google's own host (where credentials are required).
    pub fn is_google_endpoint(&self) -> bool {
        self.effective_endpoint().contains("googleapis.com")
    }

    /// The endpoint connected to: [`Config::endpoint`], except that with a Vertex target and
    /// the default (Developer API) endpoint it is the target's regional or global host.
    pub fn effective_endpoint(&self) -> String {
        match &self.vertex {
            Some(v) if self.endpoint.trim_end_matches('/') == DEFAULT_ENDPOINT => v.endpoint(),
            _ => self.endpoint.clone(),
        }
    }

    /// The setup's `model` field: `models/M`, or on Vertex
    /// `projects/P/locations/L/publishers/google/models/M`.
    pub fn model_name(&self) -> String {
        match &self.vertex {
            Some(v) => v.model_path(&self.model),
            None => format!("models/{}", self.model_id()),
        }
    }

    /// The model id without the `models/` prefix.
    pub fn model_id(&self) -> &str {
        self.model.strip_prefix("models/").unwrap_or(&self.model)
    }

    /// Checks the configuration before anything is sent.
    pub fn validate(&self) -> Result<()> {
        use crate::wording::{Phrase, Setting as S};
        let bad = |setting: S, problem: Phrase| Err(Error::InvalidSetting { setting, problem });
        let say = |s: S, rest: String| Phrase::new().setting(s).text(rest);
        if self.model_id().trim().is_empty() || self.model_id().contains(char::is_whitespace) {
            return bad(
                S::Model,
                say(S::Model, format!(" {:?} is not a model id", self.model)),
            );
        }
        if !(self.endpoint.starts_with("ws://") || self.endpoint.starts_with("wss://")) {
            let e = &self.endpoint;
            return bad(
                S::Endpoint,
                say(
                    S::Endpoint,
                    format!(" {e:?} must start with ws:// or wss://"),
                ),
            );
        }
        if self.endpoint.contains('?') || self.endpoint.contains('#') {
            let m = " must not carry a query or fragment (keys go in headers)";
            return bad(S::Endpoint, say(S::Endpoint, m.into()));
        }
        if let Some(path) = pasted_live_path(&self.endpoint) {
            let m = format!(
                " {:?} includes the Live path {path:?}: give the base URL only (e.g. {}), the \
                 path is appended",
                self.endpoint,
                self.endpoint.split_at(self.endpoint.len() - path.len()).0
            );
            return bad(S::Endpoint, say(S::Endpoint, m));
        }
        crate::vertex::check_model_api(self)?;
        crate::vertex::check_platform_fields(self)?;
        if let Some(v) = &self.vertex {
            crate::vertex::validate_config(self, v)?;
        } else if let Auth::AccessToken(_) = self.auth {
            let p = Phrase::new()
                .text("an access-token source (")
                .setting(S::AccessToken)
                .text(") is for Vertex AI only: set ")
                .setting(S::Vertex)
                .text(", or use an API key for the Developer API");
            return bad(S::AccessToken, p);
        }
        if self.vertex.is_none()
            && !matches!(self.api_version.as_str(), "v1alpha" | "v1beta" | "v1")
        {
            let m = format!(" {:?} is not one of v1alpha, v1beta, v1", self.api_version);
            return bad(S::ApiVersion, say(S::ApiVersion, m));
        }
        match &self.auth {
            Auth::None if self.is_google_endpoint() => {
                let p = Phrase::new()
                    .text("no credentials for Google's endpoint: set ")
                    .setting(S::ApiKey);
                return bad(S::ApiKey, p);
            }
            Auth::ApiKey(k) | Auth::EphemeralToken(k)
                if k.expose().is_empty() || !k.expose().bytes().all(|b| b.is_ascii_graphic()) =>
            {
                let m = " is empty or has invalid characters".to_string();
                return bad(S::ApiKey, say(S::ApiKey, m));
            }
            _ => {}
        }
        if self.vertex.is_none() {
            if let Some(why) = self.v1alpha_reason() {
                if !matches!(self.api_version.as_str(), "v1alpha" | DEFAULT_API_VERSION) {
                    let p = Phrase::new()
                        .text(format!("{why} needs "))
                        .setting(S::ApiVersion)
                        .text(format!(
                            " v1alpha, but {:?} was set: remove it (v1alpha is then chosen) or \
                             set v1alpha",
                            self.api_version
                        ));
                    return bad(S::ApiVersion, p);
                }
            }
        }
        if self.response_mode == ResponseMode::Text && self.voice.is_some() {
            let p = say(S::Voice, " is set but the response mode is text (".into())
                .mode(ResponseMode::Text)
                .text("): unset the voice or choose audio");
            return bad(S::Voice, p);
        }
        if self.send_queue_capacity == 0 {
            return bad(
                S::SendQueueCapacity,
                say(S::SendQueueCapacity, " must be at least 1".into()),
            );
        }
        if self.event_queue_capacity == 0 {
            return bad(
                S::EventQueueCapacity,
                say(S::EventQueueCapacity, " must be at least 1".into()),
            );
        }
        if self.max_message_size < 1024 {
            let m = " must be at least 1024 bytes".to_string();
            return bad(S::MaxMessageSize, say(S::MaxMessageSize, m));
        }
        if self.pong_timeout < Duration::from_secs(1) {
            return bad(
                S::PongTimeout,
                say(S::PongTimeout, " must be at least 1 s".into()),
            );
        }
        if self.stall_timeout.is_zero() {
            return bad(
                S::StallTimeout,
                say(S::StallTimeout, " must be above zero".into()),
            );
        }
        if self.timeouts.connect_total.is_zero() {
            return bad(
                S::ConnectTimeout,
                say(S::ConnectTimeout, " must be above zero".into()),
            );
        }
        if self.timeouts.close.is_zero() {
            return bad(
                S::CloseTimeout,
                say(S::CloseTimeout, " must be above zero".into()),
            );
        }
        crate::models::check_config(self)
    }

    /// The full WebSocket URL: endpoint, one slash, then the Live method path (Vertex's
    /// `LlmBidiService` path with a Vertex target).
    pub fn url(&self) -> String {
        if let Some(v) = &self.vertex {
            return format!(
                "{}{}",
                self.effective_endpoint().trim_end_matches('/'),
                v.path()
            );
        }
        let method = match self.auth {
            Auth::EphemeralToken(_) => "BidiGenerateContentConstrained",
            _ => "BidiGenerateContent",
        };
        format!(
            "{}/ws/google.ai.generativelanguage.{}.GenerativeService.{}",
            self.endpoint.trim_end_matches('/'),
            self.effective_api_version(),
            method
        )
    }

    /// What in this configuration exists only in `v1alpha` of the Developer API (ephemeral
    /// tokens with the constrained method, `proactivity`, `enableAffectiveDialog`), if
    /// anything.
    pub fn v1alpha_reason(&self) -> Option<&'static str> {
        if matches!(self.auth, Auth::EphemeralToken(_)) {
            Some("ephemeral tokens (the BidiGenerateContentConstrained method)")
        } else if self.proactivity.is_some() {
            Some("setup.proactivity")
        } else if self.generation.enable_affective_dialog.is_some() {
            Some("generationConfig.enableAffectiveDialog")
        } else {
            None
        }
    }

    /// The Developer API version in the URL: [`Config::api_version`], except that the
    /// default (`v1beta`) becomes `v1alpha` when the configuration needs it
    /// ([`Config::v1alpha_reason`]).
    pub fn effective_api_version(&self) -> &str {
        if self.api_version == DEFAULT_API_VERSION && self.v1alpha_reason().is_some() {
            "v1alpha"
        } else {
            &self.api_version
        }
    }

    /// The `setup` message for this configuration, resuming `handle` if given.
    pub fn setup_message(&self, handle: Option<&str>) -> protocol::Setup {
        use protocol::*;
        let mut generation = self.generation.clone();
        generation.response_modalities = vec![match self.response_mode {
            ResponseMode::Text => Modality::Text,
            ResponseMode::Audio | ResponseMode::TextAndAudio => Modality::Audio,
        }];
        if self.voice.is_some() || self.language_code.is_some() {
            generation.speech_config = Some(SpeechConfig {
                voice_config: self.voice.as_ref().map(|v| VoiceConfig {
                    prebuilt_voice_config: Some(PrebuiltVoiceConfig {
                        voice_name: v.clone(),
                    }),
                    ..VoiceConfig::default()
                }),
                language_code: self.language_code.clone(),
            });
        }
        let audio_out = self.response_mode != ResponseMode::Text;
        Setup {
            model: self.model_name(),
            generation_config: Some(generation),
            system_instruction: self
                .system_instruction
                .as_ref()
                .map(|t| Content::text("user", t)),
            tools: (!self.tools.is_empty()).then(|| self.tools.clone()),
            realtime_input_config: self.realtime_input.clone(),
            session_resumption: self.session_resumption.then(|| SessionResumptionConfig {
                handle: handle.map(str::to_string),
                transparent: self
                    .vertex
                    .as_ref()
                    .is_some_and(|v| v.transparent_resumption)
                    .then_some(true),
            }),
            context_window_compression: self.context_window_compression.clone(),
            input_audio_transcription: (self.input_transcription || self.restores_context())
                .then(|| self.input_transcription_config.clone()),
            output_audio_transcription: (audio_out
                && (self.output_transcription
                    || self.response_mode == ResponseMode::TextAndAudio
                    || self.restores_context()))
            .then(|| self.output_transcription_config.clone()),
            proactivity: self.proactivity.clone(),
            history_config: self.history.clone(),
            safety_settings: (!self.safety_settings.is_empty())
                .then(|| self.safety_settings.clone()),
            explicit_vad_signal: self.explicit_vad_signal,
            extra: self.extra_setup.clone(),
        }
    }

    /// Whether the session keeps the conversation to put it back after a loss:
    /// [`restore_context`](Self::restore_context) with reconnection on.
    pub fn restores_context(&self) -> bool {
        self.restore_context && self.reconnect.enabled
    }

    /// Whether server voice activity detection is on (the default).
    pub fn automatic_vad(&self) -> bool {
        !self
            .realtime_input
            .as_ref()
            .and_then(|r| r.automatic_activity_detection.as_ref())
            .and_then(|a| a.disabled)
            .unwrap_or(false)
    }
}

/// The Live method path pasted into an endpoint (`wss://host/ws/google.ai...`), if any: the
/// part from `/ws/` on, or a path ending in `BidiGenerateContent`.
fn pasted_live_path(endpoint: &str) -> Option<&str> {
    let after_scheme = endpoint.split_once("://").map_or(endpoint, |(_, r)| r);
    let path = &after_scheme[after_scheme.find('/')?..];
    let start = path
        .find("/ws/")
        .or_else(|| path.contains("BidiGenerateContent").then_some(0))?;
    Some(&path[start..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn url_has_one_slash_and_the_right_method() {
        let mut c = Config::default().with_endpoint("ws://127.0.0.1:9/");
        assert_eq!(
            c.url(),
            "ws://127.0.0.1:9/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent"
        );
        c.auth = Auth::EphemeralToken(Secret::new("auth_tokens/x"));
        assert!(c
            .url()
            .ends_with("v1alpha.GenerativeService.BidiGenerateContentConstrained"));
        assert!(!c.url().contains("auth_tokens"));
    }

    #[test]
    fn secrets_are_redacted_in_debug() {
        let c = Config::default().with_api_key("AIzaSECRETKEY123");
        let s = format!("{c:?}");
        assert!(!s.contains("SECRETKEY"), "{s}");
    }

    #[test]
    fn text_and_audio_is_one_modality_plus_transcription() {
        let c = Config::default();
        let v = serde_json::to_value(protocol::ClientMessage::Setup(Box::new(
            c.setup_message(None),
        )))
        .unwrap();
        assert_eq!(
            v["setup"]["generationConfig"]["responseModalities"],
            serde_json::json!(["AUDIO"])
        );
        assert_eq!(
            v["setup"]["outputAudioTranscription"],
            serde_json::json!({})
        );
        assert_eq!(v["setup"]["sessionResumption"], serde_json::json!({}));
        assert_eq!(v["setup"]["model"], "models/gemini-3.8-live");
    }

    #[test]
    fn invalid_combinations_are_rejected() {
        assert!(
            Config::default().validate().is_err(),
            "google endpoint without key"
        );
        assert!(Config::default().with_api_key("k").validate().is_ok());
        assert!(Config::default()
            .with_endpoint("http://x")
            .validate()
            .is_err());
        let c = Config {
            auth: Auth::EphemeralToken(Secret::new("auth_tokens/a")),
            api_version: "v1".into(),
            ..Config::default()
        };
        assert!(c.validate().is_err());
        let c = Config::default().with_api_key("k").with_model("");
        assert!(c.validate().is_err());
    }

    #[test]
    fn v1alpha_is_chosen_where_needed_and_a_pinned_version_is_refused_with_the_reason() {
        let mut c = Config::default()
            .with_endpoint("ws://127.0.0.1:9")
            .with_api_key("k");
        assert_eq!(c.effective_api_version(), "v1beta");
        c.proactivity = Some(protocol::Proactivity {
            proactive_audio: Some(true),
            ..Default::default()
        });
        assert_eq!(c.effective_api_version(), "v1alpha");
        assert!(c
            .url()
            .contains(".v1alpha.GenerativeService.BidiGenerateContent"));
        c.api_version = "v1".into();
        let e = c.validate().unwrap_err().to_string();
        assert!(e.contains("setup.proactivity needs"), "{e}");
        assert!(e.contains("v1alpha, but"), "{e}");
        assert!(e.contains("\"v1\""), "{e}");
        c.api_version = "v1alpha".into();
        assert_eq!(c.effective_api_version(), "v1alpha");
        c.proactivity = None;
        c.auth = Auth::EphemeralToken(Secret::new("auth_tokens/x"));
        c.api_version = "v1".into();
        let e = c.validate().unwrap_err().to_string();
        assert!(e.contains("ephemeral tokens"), "{e}");
    }
}
