//! Session configuration: every option says what it defaults to.
//!
//! Start from [`Config::from_env`] (reads `GEMINI_API_KEY`, `GEMINI_LIVE_MODEL`,
//! `GEMINI_LIVE_ENDPOINT`, `GEMINI_LIVE_API_VERSION`, `GEMINI_LIVE_CA_FILE`, and for Vertex AI
//! `GEMINI_LIVE_VERTEX_PROJECT`, `GEMINI_LIVE_VERTEX_LOCATION`,
//! `GEMINI_LIVE_VERTEX_API_VERSION`, `GEMINI_LIVE_VERTEX_USER_PROJECT`,
//! `GEMINI_LIVE_ACCESS_TOKEN`) or [`Config::default`], then adjust fields or use the `with_*`
//! methods.

pub use crate::auth::{Auth, Secret, TokenError, TokenProvider, EPHEMERAL_TOKEN_VAR};
use crate::error::{Error, Result};
pub use crate::models::{DEFAULT_MODEL, RETIRED_BRIEF_MODEL};
use crate::protocol;
pub use crate::reconnect::ReconnectPolicy;
pub use crate::response_mode::ResponseMode;
pub use crate::vertex::{VertexApiVersion, VertexTarget};
pub use budget::ContextBudget;
pub use proxy::{Proxy, ProxyKind, ProxyUrl};
use std::time::Duration;

mod budget;
mod env;
pub(crate) mod proxy;
mod setup;
mod validate;

#[cfg(test)]
mod tests;

/// The API version used when none is configured: `v1beta`, the documented version (Part
/// D.1). Where a configuration needs `v1alpha` (ephemeral tokens, `proactivity`,
/// `enableAffectiveDialog`) the default is raised to it ([`Config::effective_api_version`]);
/// another pinned version is refused with the reason.
pub const DEFAULT_API_VERSION: &str = "v1beta";
/// The service host used when no endpoint is configured.
pub const DEFAULT_ENDPOINT: &str = "wss://generativelanguage.googleapis.com";

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
    /// ([`Config::check_model`]), e.g. to see how the service (or the fake) refuses
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
    pub context_budget: ContextBudget,
}

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
            context_budget: ContextBudget::default(),
        }
    }
}
impl Config {
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

    /// The error for a close frame on this configuration's connection: "model not found"
    /// names the current models of its API ([`Error::from_close`]).
    pub(crate) fn close_error(&self, code: u16, reason: &str) -> Error {
        let api = if self.vertex.is_some() || self.model.contains("/locations/") {
            crate::models::Api::Vertex
        } else {
            crate::models::Api::Developer
        };
        let current = if code == 1008 {
            crate::models::recommended(api)
        } else {
            String::new()
        };
        Error::from_close(code, reason, self.model_id(), &current)
    }
}
