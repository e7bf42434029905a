//! [`Config::validate`]: everything checked before anything is sent, the model's rules
//! included ([`Config::check_model`]).

use super::{Auth, Config, ResponseMode, VertexTarget, DEFAULT_API_VERSION};
use crate::error::{Error, Result};
use crate::protocol;
use std::time::Duration;

impl Config {
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
        check_model_api(self)?;
        check_platform_fields(self)?;
        if let Some(v) = &self.vertex {
            vertex_credentials(self, v)?;
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
        self.check_model()
    }

    /// Checks the configuration against the capability table entry of its model
    /// ([`crate::models::check_setup`]), as [`Config::validate`] does; `Ok` with
    /// [`Config::skip_model_check`].
    pub fn check_model(&self) -> Result<()> {
        if self.skip_model_check {
            return Ok(());
        }
        crate::models::check_setup(&self.model, || {
            let setup = protocol::ClientMessage::Setup(Box::new(self.setup_message(None)));
            let mut v = serde_json::to_value(setup).unwrap_or(serde_json::Value::Null);
            v.get_mut("setup")
                .map(serde_json::Value::take)
                .unwrap_or_default()
        })
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

/// The Vertex checks of [`Config::validate`]: the target itself, and
/// that credentials are an access-token provider.
fn vertex_credentials(config: &Config, v: &VertexTarget) -> Result<()> {
    v.validate(&config.model)?;
    use crate::wording::{Phrase, Setting as S};
    let bad = |setting: S, problem: Phrase| Err(Error::InvalidSetting { setting, problem });
    let use_token = |p: Phrase| {
        p.text("set an access-token source (")
            .setting(S::AccessToken)
    };
    match &config.auth {
        Auth::AccessToken(_) if v.is_express() => {
            let p = Phrase::new()
                .text("Vertex AI with an access-token source (")
                .setting(S::AccessToken)
                .text(") needs a project: set ")
                .setting(S::Vertex)
                .text(" with a project, or use an API key without one (express mode)");
            return bad(S::AccessToken, p);
        }
        Auth::AccessToken(_) => {}
        Auth::ApiKey(_) if v.is_express() => {}
        Auth::ApiKey(_) => {
            let p = Phrase::new()
                .text("an API key (")
                .setting(S::ApiKey)
                .text(
                    ") on Vertex AI is express mode, which goes without a project, as in \
                       Google's SDKs: remove the project from ",
                )
                .setting(S::Vertex)
                .text(" (keep the location, or global), or ");
            let p = use_token(p).text(") with the project");
            return bad(S::ApiKey, p);
        }
        Auth::EphemeralToken(_) => {
            let p = Phrase::new()
                .text("ephemeral tokens (")
                .setting(S::EphemeralToken);
            let p = p.text(") are for the Developer API, not Vertex AI: ");
            return bad(S::EphemeralToken, use_token(p).text(")"));
        }
        Auth::None if v.is_express() => {
            let p = Phrase::new()
                .text("Vertex AI express mode needs an API key (")
                .setting(S::ApiKey)
                .text("): none is set");
            return bad(S::ApiKey, p);
        }
        Auth::None => {
            let p = Phrase::new().text("Vertex AI needs an access-token provider (");
            let p = p
                .setting(S::AccessToken)
                .text("), or an API key without a project (express mode): none is set");
            return bad(S::AccessToken, p);
        }
    }
    if v.transparent_resumption && !config.session_resumption {
        let p = Phrase::new()
            .setting(S::VertexTransparentResumption)
            .text(" needs ")
            .setting(S::SessionResumption)
            .text(" on");
        return bad(S::VertexTransparentResumption, p);
    }
    Ok(())
}

/// A current model id of the other API is refused before connecting (Vertex AI closes 1008
/// without a reason for a Developer-API id, and the reverse is "not found"), naming the
/// models to use instead. Unknown and retired ids pass, as does everything with
/// `skip_model_check`.
fn check_model_api(config: &Config) -> Result<()> {
    use crate::models::{lookup, recommended, Api};
    let Some(info) = lookup(&config.model).filter(|_| !config.skip_model_check) else {
        return Ok(());
    };
    if !info.status.is_current() {
        return Ok(());
    }
    let (wrong, here, other) = match (&config.vertex, info.api) {
        (Some(_), Api::Developer) => ("the Developer API", "Vertex AI", Api::Vertex),
        (None, Api::Vertex) => ("Vertex AI", "the Developer API", Api::Developer),
        _ => return Ok(()),
    };
    Err(Error::InvalidConfig(format!(
        "model {} is served by {wrong}, not {here}: choose another, e.g. {}",
        info.id,
        recommended(other)
    )))
}

/// Setup fields that only Vertex AI accepts, refused on the Developer API before sending, as
/// Google's SDKs refuse them (protocol.md D.3): `explicitVadSignal` and
/// `safetySettings[].method`.
fn check_platform_fields(config: &Config) -> Result<()> {
    if config.vertex.is_some() {
        return Ok(());
    }
    let field = if config.explicit_vad_signal.is_some() {
        "explicitVadSignal (Config::explicit_vad_signal)"
    } else if config.safety_settings.iter().any(|s| s.method.is_some()) {
        "safetySettings[].method"
    } else {
        return Ok(());
    };
    Err(Error::InvalidConfig(format!(
        "{field} is only supported on Vertex AI, not on the Developer API (Google's SDKs refuse \
         it too): remove it, or set a Vertex AI project and location"
    )))
}
