//! Vertex AI (renamed "Gemini Enterprise Agent Platform") as a target, built as Google's own
//! clients build it (protocol.md Part D.2): host, path and model path from a project and a
//! location, and OAuth access tokens from a [`TokenProvider`] that is called on every connect
//! and reconnect, so a session outlives any one token; or, in "express mode", an API key and
//! no project ([`VertexTarget::express`]).
//!
//! - Hosts: `{location}-aiplatform.googleapis.com`; `global` (and express mode without a
//!   location) `aiplatform.googleapis.com`; the multi-regions `us` and `eu`
//!   `aiplatform.{us|eu}.rep.googleapis.com`.
//! - API version: `v1beta1` by default, as in both of Google's SDKs.
//! - Model ids: `M`, `models/M`, `google/M` and `publishers/google/models/M` are completed to
//!   `projects/P/locations/L/publishers/google/models/M` (express mode:
//!   `publishers/google/models/M`, as Google's SDK sends it); a full `projects/...` path is
//!   sent as given.
//! - Voice activity detection: the service's default sensitivity is LOW on Vertex AI and HIGH
//!   on the Developer API (`realtimeInputConfig.automaticActivityDetection`); set it
//!   explicitly for the same behaviour on both.
//!
//! ```no_run
//! use gemini_live::vertex::{TokenProvider, VertexTarget};
//! use gemini_live::{Auth, Config, Secret};
//!
//! let mut config = Config::default().with_model("gemini-live-2.5-flash-native-audio");
//! config.vertex = Some(VertexTarget::new("my-project", "us-central1"));
//! config.auth = Auth::AccessToken(TokenProvider::new(|| {
//!     // e.g. from a metadata server or `gcloud auth print-access-token`
//!     Ok(Secret::new("ya29.a0..."))
//! }));
//! ```

use crate::config::{Auth, Config, Secret};
use crate::error::{Error, Result, Retry};
use std::fmt;
use std::sync::Arc;

/// Which Vertex API version carries the Live method.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum VertexApiVersion {
    /// `v1`, the GA surface.
    V1,
    /// `v1beta1`, where preview features appear first. The default, as in Google's SDKs.
    #[default]
    V1beta1,
}

impl VertexApiVersion {
    /// The path segment: `v1` or `v1beta1`.
    pub fn as_str(self) -> &'static str {
        match self {
            VertexApiVersion::V1 => "v1",
            VertexApiVersion::V1beta1 => "v1beta1",
        }
    }

    /// Parses `v1` or `v1beta1` (case-insensitive).
    pub fn parse(s: &str) -> Option<VertexApiVersion> {
        match s.trim().to_ascii_lowercase().as_str() {
            "v1" => Some(VertexApiVersion::V1),
            "v1beta1" => Some(VertexApiVersion::V1beta1),
            _ => None,
        }
    }
}

/// A Vertex AI project and location to talk to, instead of the Developer API. Set it as
/// [`Config::vertex`](crate::Config::vertex); it needs [`Auth::AccessToken`](crate::Auth), or,
/// in express mode (an empty project, [`VertexTarget::express`]), [`Auth::ApiKey`](crate::Auth).
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct VertexTarget {
    /// Google Cloud project id (or number). No default: required with an access token; empty
    /// in express mode (an API key).
    pub project: String,
    /// Location, e.g. `us-central1`, `global`, or the multi-region `us` or `eu`. No default:
    /// required (express mode: `global`).
    pub location: String,
    /// API version in the path. Defaults to [`VertexApiVersion::V1beta1`].
    pub api_version: VertexApiVersion,
    /// Project billed for the calls and checked for quota, sent as `x-goog-user-project`.
    /// Defaults to none (the token's own project).
    pub user_project: Option<String>,
    /// Ask for transparent resumption (`sessionResumption.transparent: true`, Vertex only):
    /// the server then says in each `sessionResumptionUpdate` which client message it has
    /// consumed last (`lastConsumedClientMessageIndex`). Defaults to false.
    pub transparent_resumption: bool,
}

impl VertexTarget {
    /// A target with the defaults above.
    pub fn new(project: impl Into<String>, location: impl Into<String>) -> VertexTarget {
        VertexTarget {
            project: project.into(),
            location: location.into(),
            api_version: VertexApiVersion::default(),
            user_project: None,
            transparent_resumption: false,
        }
    }

    /// Express mode: Vertex AI with an API key and no project ([`Auth::ApiKey`]), at the
    /// `global` location (set [`VertexTarget::location`] for a regional host).
    pub fn express() -> VertexTarget {
        VertexTarget::new("", "global")
    }

    /// Whether this is express mode (no project: an API key authenticates).
    pub fn is_express(&self) -> bool {
        self.project.is_empty()
    }

    /// The service host: `{location}-aiplatform.googleapis.com`; `aiplatform.googleapis.com`
    /// for `global`; `aiplatform.{location}.rep.googleapis.com` for the multi-regions `us`
    /// and `eu`.
    pub fn host(&self) -> String {
        let location = self.location.to_ascii_lowercase();
        match location.as_str() {
            "global" | "" => "aiplatform.googleapis.com".to_string(),
            "us" | "eu" => format!("aiplatform.{location}.rep.googleapis.com"),
            _ => format!("{location}-aiplatform.googleapis.com"),
        }
    }

    /// The default endpoint, `wss://` + [`host`](Self::host).
    pub fn endpoint(&self) -> String {
        format!("wss://{}", self.host())
    }

    /// The method path:
    /// `/ws/google.cloud.aiplatform.{v1|v1beta1}.LlmBidiService/BidiGenerateContent`.
    pub fn path(&self) -> String {
        format!(
            "/ws/google.cloud.aiplatform.{}.LlmBidiService/BidiGenerateContent",
            self.api_version.as_str()
        )
    }

    /// The setup's `model`: `projects/P/locations/L/publishers/X/models/M` for a model id
    /// `M`, `models/M`, `X/M` or `publishers/X/models/M` (`X` is `google` when not given); in
    /// express mode `publishers/X/models/M`; a full `projects/...` path is used as given.
    pub fn model_path(&self, model: &str) -> String {
        let id = model.strip_prefix("models/").unwrap_or(model);
        if id.starts_with("projects/") {
            return id.to_string();
        }
        let publisher_path = match id.strip_prefix("publishers/") {
            Some(_) => id.to_string(),
            None => match id.split_once('/') {
                Some((publisher, m)) => format!("publishers/{publisher}/models/{m}"),
                None => format!("publishers/google/models/{id}"),
            },
        };
        if self.is_express() {
            return publisher_path;
        }
        format!(
            "projects/{}/locations/{}/{publisher_path}",
            self.project, self.location
        )
    }

    /// Checks project, location, user project and the model id.
    pub fn validate(&self, model: &str) -> Result<()> {
        let bad = |m: String| Err(Error::InvalidConfig(m));
        let word = |s: &str| {
            !s.is_empty()
                && s.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
        };
        if !self.is_express() && !word(&self.project) {
            return bad(format!(
                "Vertex project {:?} is not a project id (letters, digits, -, _, ., :)",
                self.project
            ));
        }
        let location_ok = !self.location.is_empty()
            && self
                .location
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        if !location_ok {
            return bad(format!(
                "Vertex location {:?} is not a location such as us-central1 or global",
                self.location
            ));
        }
        if let Some(p) = &self.user_project {
            if !word(p) {
                return bad(format!("Vertex user project {p:?} is not a project id"));
            }
        }
        let id = model.strip_prefix("models/").unwrap_or(model);
        if let Some(rest) = id.strip_prefix("projects/") {
            let parts: Vec<&str> = rest.split('/').collect();
            let shape = parts.len() == 7
                && parts[1] == "locations"
                && parts[3] == "publishers"
                && parts[5] == "models"
                && parts.iter().all(|p| !p.is_empty());
            if !shape {
                return bad(format!(
                    "model {model:?} is not projects/P/locations/L/publishers/X/models/M"
                ));
            }
        } else if !publisher_form(id) {
            return bad(format!(
                "model {model:?}: give a model id (e.g. gemini-live-2.5-flash-native-audio), \
                 google/M, publishers/google/models/M or a full \
                 projects/P/locations/L/publishers/google/models/M path"
            ));
        }
        Ok(())
    }
}

/// `M`, `X/M` or `publishers/X/models/M`, every part non-empty.
fn publisher_form(id: &str) -> bool {
    let parts: Vec<&str> = id.split('/').collect();
    let shape = matches!(
        parts.as_slice(),
        [_] | [_, _] | ["publishers", _, "models", _]
    );
    shape && parts.iter().all(|p| !p.is_empty())
}

/// Why a [`TokenProvider`] could not produce a token. Its message is shown to the user, so it
/// must not contain a secret.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TokenError {
    /// What went wrong (no secret in it).
    pub message: String,
    /// [`Retry::Fatal`] ends the session (or the connect) at once; [`Retry::Retryable`] lets
    /// the reconnection policy back off and call the provider again.
    pub retry: Retry,
}

impl TokenError {
    /// A failure that will not go away by itself (not logged in, no permission).
    pub fn fatal(message: impl Into<String>) -> TokenError {
        TokenError {
            message: message.into(),
            retry: Retry::Fatal,
        }
    }
    /// A transient failure (the metadata server did not answer): worth another attempt.
    pub fn retryable(message: impl Into<String>) -> TokenError {
        TokenError {
            message: message.into(),
            retry: Retry::Retryable,
        }
    }
}

impl From<TokenError> for Error {
    fn from(e: TokenError) -> Error {
        Error::AccessToken {
            message: e.message,
            retryable: e.retry == Retry::Retryable,
        }
    }
}

type ProviderFn = dyn Fn() -> std::result::Result<Secret, TokenError> + Send + Sync;

/// Produces an OAuth 2 access token for `Authorization: Bearer`. The session calls it on
/// every connect: the first one, each reconnection after a drop, and each GoAway handover,
/// on the thread that connects (the caller of `Session::connect` for the first, the
/// session's reader thread for the others), before the TCP connection is opened and outside
/// the connect timeout. It should return quickly (cache a token until shortly before it
/// expires): `Session::close` waits for a call in progress. It must not call back into the
/// session. Clones share the same provider.
///
/// A failure becomes [`Error::AccessToken`]: fatal or retryable as the provider says.
/// `Debug` never shows a token.
#[derive(Clone)]
pub struct TokenProvider(Arc<ProviderFn>);

impl TokenProvider {
    /// A provider from a closure.
    pub fn new(
        f: impl Fn() -> std::result::Result<Secret, TokenError> + Send + Sync + 'static,
    ) -> TokenProvider {
        TokenProvider(Arc::new(f))
    }

    /// A provider that always returns `token` (e.g. `GEMINI_LIVE_ACCESS_TOKEN`): simple, but
    /// once the token expires (about an hour) reconnections fail with HTTP 401.
    pub fn fixed(token: Secret) -> TokenProvider {
        TokenProvider::new(move || Ok(token.clone()))
    }

    /// Calls the provider and checks the token's form (non-empty, visible ASCII): a bad
    /// token is a fatal [`Error::AccessToken`].
    pub fn token(&self) -> Result<Secret> {
        // A panicking provider must not take the session's reader thread down with it.
        let token = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| (self.0)()))
            .map_err(|_| Error::AccessToken {
                message: "the token provider panicked".into(),
                retryable: false,
            })??;
        let t = token.expose();
        if t.is_empty() || !t.bytes().all(|b| b.is_ascii_graphic()) {
            return Err(Error::AccessToken {
                message: "the token provider returned an empty token or one with spaces or \
                          control characters"
                    .into(),
                retryable: false,
            });
        }
        Ok(token)
    }
}

impl fmt::Debug for TokenProvider {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("TokenProvider(<callback>)")
    }
}

impl PartialEq for TokenProvider {
    /// Two providers are equal when they are clones of one another.
    fn eq(&self, other: &TokenProvider) -> bool {
        std::ptr::eq(
            Arc::as_ptr(&self.0).cast::<()>(),
            Arc::as_ptr(&other.0).cast::<()>(),
        )
    }
}

impl Eq for TokenProvider {}

// Calls are wrapped in `catch_unwind` (a panic becomes a fatal error), so a provider observed
// across an unwind is never used in a broken state by this crate: `Config` stays unwind-safe.
impl std::panic::UnwindSafe for TokenProvider {}
impl std::panic::RefUnwindSafe for TokenProvider {}

/// The Vertex checks of [`Config::validate`](crate::Config::validate): the target itself, and
/// that credentials are an access-token provider.
pub(crate) fn validate_config(config: &Config, v: &VertexTarget) -> Result<()> {
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
pub(crate) fn check_model_api(config: &Config) -> Result<()> {
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
pub(crate) fn check_platform_fields(config: &Config) -> Result<()> {
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

/// The Vertex part of [`Config::from_env`](crate::Config::from_env).
pub(crate) fn apply_env(c: &mut Config, var: &impl Fn(&str) -> Option<String>) -> Result<()> {
    let project = var("GEMINI_LIVE_VERTEX_PROJECT");
    let location = var("GEMINI_LIVE_VERTEX_LOCATION");
    let (project, location) = match (project, location) {
        (None, None) => return Ok(()),
        (Some(p), Some(l)) => (p, l),
        (Some(_), None) => {
            return Err(Error::InvalidConfig(
                "GEMINI_LIVE_VERTEX_PROJECT is set but GEMINI_LIVE_VERTEX_LOCATION is not".into(),
            ))
        }
        // A location without a project: express mode, with GEMINI_API_KEY.
        (None, Some(l)) => (String::new(), l),
    };
    let mut target = VertexTarget::new(project.trim(), location.trim());
    if let Some(v) = var("GEMINI_LIVE_VERTEX_API_VERSION") {
        target.api_version = VertexApiVersion::parse(&v).ok_or_else(|| {
            Error::InvalidConfig(format!(
                "GEMINI_LIVE_VERTEX_API_VERSION {:?} is not v1 or v1beta1",
                v.trim()
            ))
        })?;
    }
    target.user_project = var("GEMINI_LIVE_VERTEX_USER_PROJECT").map(|p| p.trim().to_string());
    let express = target.is_express();
    c.vertex = Some(target);
    c.auth = match var("GEMINI_LIVE_ACCESS_TOKEN") {
        Some(t) => Auth::AccessToken(TokenProvider::fixed(Secret::new(t.trim()))),
        // Express mode keeps GEMINI_API_KEY.
        None if express => std::mem::take(&mut c.auth),
        None => Auth::None,
    };
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regional_and_global_hosts() {
        let t = VertexTarget::new("p", "europe-west4");
        assert_eq!(t.host(), "europe-west4-aiplatform.googleapis.com");
        assert_eq!(t.endpoint(), "wss://europe-west4-aiplatform.googleapis.com");
        let g = VertexTarget::new("p", "global");
        assert_eq!(g.host(), "aiplatform.googleapis.com");
        // The multi-regions, as Google's SDKs build them (Part D.2).
        assert_eq!(
            VertexTarget::new("p", "us").host(),
            "aiplatform.us.rep.googleapis.com"
        );
        assert_eq!(
            VertexTarget::new("p", "eu").endpoint(),
            "wss://aiplatform.eu.rep.googleapis.com"
        );
        assert_eq!(VertexTarget::express().host(), "aiplatform.googleapis.com");
    }

    #[test]
    fn path_per_version() {
        let mut t = VertexTarget::new("p", "us-central1");
        assert_eq!(
            t.path(),
            "/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent"
        );
        t.api_version = VertexApiVersion::V1;
        assert_eq!(
            t.path(),
            "/ws/google.cloud.aiplatform.v1.LlmBidiService/BidiGenerateContent"
        );
        t.api_version = VertexApiVersion::V1beta1;
        assert_eq!(VertexApiVersion::parse("V1BETA1"), Some(t.api_version));
        assert_eq!(VertexApiVersion::parse("v1beta"), None);
    }

    #[test]
    fn model_path_from_project_location_and_id() {
        let t = VertexTarget::new("my-proj", "us-central1");
        let want =
            "projects/my-proj/locations/us-central1/publishers/google/models/gemini-3.8-live";
        assert_eq!(t.model_path("gemini-3.8-live"), want);
        assert_eq!(t.model_path("models/gemini-3.8-live"), want);
        assert_eq!(t.model_path(want), want);
        assert_eq!(t.model_path("google/gemini-3.8-live"), want);
        assert_eq!(
            t.model_path("publishers/google/models/gemini-3.8-live"),
            want
        );
        let x = VertexTarget::express();
        let short = "publishers/google/models/gemini-3.8-live";
        assert_eq!(x.model_path("gemini-3.8-live"), short);
        assert_eq!(x.model_path("google/gemini-3.8-live"), short);
        assert_eq!(x.model_path(short), short);
    }

    #[test]
    fn validation_names_the_bad_part() {
        let t = VertexTarget::new("my-proj", "us-central1");
        assert!(t.validate("gemini-3.8-live").is_ok());
        let full = "projects/a/locations/b/publishers/google/models/m";
        assert!(t.validate(full).is_ok());
        assert!(t.validate("publishers/google/models/m").is_ok());
        assert!(t.validate("google/m").is_ok());
        let e = t.validate("publishers/google/m").unwrap_err();
        assert!(e.to_string().contains("model id"), "{e}");
        assert!(t.validate("a/b/c").is_err());
        assert!(t.validate("projects/a/models/m").is_err());
        // An empty project is express mode (checked against the credentials by Config).
        assert!(VertexTarget::new("", "us-central1").validate("m").is_ok());
        let e = VertexTarget::new("a project", "us-central1")
            .validate("m")
            .unwrap_err();
        assert!(e.to_string().contains("Vertex project"), "{e}");
        let e = VertexTarget::new("p", "US Central")
            .validate("m")
            .unwrap_err();
        assert!(e.to_string().contains("Vertex location"), "{e}");
        let mut u = VertexTarget::new("p", "global");
        u.user_project = Some("bad project".into());
        assert!(u.validate("m").is_err());
    }

    #[test]
    fn environment_variables_select_vertex() {
        let env = |pairs: &'static [(&'static str, &'static str)]| {
            move |name: &str| {
                pairs
                    .iter()
                    .find(|(k, _)| *k == name)
                    .map(|(_, v)| v.to_string())
            }
        };
        let mut c = Config::default().with_api_key("AIzaKEY");
        apply_env(&mut c, &env(&[])).unwrap();
        assert!(c.vertex.is_none() && matches!(c.auth, Auth::ApiKey(_)));
        let mut c = Config::default().with_api_key("AIzaKEY");
        let vars = env(&[
            ("GEMINI_LIVE_VERTEX_PROJECT", "p1"),
            ("GEMINI_LIVE_VERTEX_LOCATION", "global"),
            ("GEMINI_LIVE_VERTEX_API_VERSION", "v1beta1"),
            ("GEMINI_LIVE_VERTEX_USER_PROJECT", "bill"),
            ("GEMINI_LIVE_ACCESS_TOKEN", " ya29.env "),
        ]);
        apply_env(&mut c, &vars).unwrap();
        let v = c.vertex.clone().unwrap();
        assert_eq!((v.project.as_str(), v.location.as_str()), ("p1", "global"));
        assert_eq!(v.api_version, VertexApiVersion::V1beta1);
        assert_eq!(v.user_project.as_deref(), Some("bill"));
        match &c.auth {
            Auth::AccessToken(p) => assert_eq!(p.token().unwrap().expose(), "ya29.env"),
            other => panic!("{other:?}"),
        }
        // A location without a project: express mode, keeping the API key.
        let mut c = Config::default().with_api_key("AIzaKEY");
        apply_env(&mut c, &env(&[("GEMINI_LIVE_VERTEX_LOCATION", "us")])).unwrap();
        let v = c.vertex.clone().unwrap();
        assert!(v.is_express() && matches!(c.auth, Auth::ApiKey(_)));
        assert_eq!(
            c.effective_endpoint(),
            "wss://aiplatform.us.rep.googleapis.com"
        );
        c.validate().unwrap();
        let mut c = Config::default();
        let e = apply_env(&mut c, &env(&[("GEMINI_LIVE_VERTEX_PROJECT", "p1")])).unwrap_err();
        assert!(e.to_string().contains("GEMINI_LIVE_VERTEX_LOCATION"), "{e}");
        let bad = env(&[
            ("GEMINI_LIVE_VERTEX_PROJECT", "p1"),
            ("GEMINI_LIVE_VERTEX_LOCATION", "us-central1"),
            ("GEMINI_LIVE_VERTEX_API_VERSION", "v1beta"),
        ]);
        assert!(apply_env(&mut Config::default(), &bad).is_err());
    }

    #[test]
    fn express_mode_takes_an_api_key_and_no_project() {
        let key = || Config::default().with_api_key("AIzaKEY");
        let mut c = key();
        c.vertex = Some(VertexTarget::express());
        c.validate().unwrap();
        assert_eq!(
            c.url(),
            "wss://aiplatform.googleapis.com/ws/google.cloud.aiplatform.v1beta1.LlmBidiService/BidiGenerateContent"
        );
        assert_eq!(c.model_name(), "publishers/google/models/gemini-3.8-live");
        // A key with a project, a token without one, nothing at all: refused with the fix.
        let mut c = key();
        c.vertex = Some(VertexTarget::new("p", "us-central1"));
        let e = c.validate().unwrap_err().to_string();
        assert!(
            e.contains("express mode") && e.contains("without a project"),
            "{e}"
        );
        let mut c = Config::default().with_model("gemini-3.8-live");
        c.vertex = Some(VertexTarget::express());
        c.auth = Auth::AccessToken(TokenProvider::fixed(Secret::new("ya29.x")));
        let e = c.validate().unwrap_err().to_string();
        assert!(e.contains("needs a project"), "{e}");
        c.auth = Auth::None;
        let e = c.validate().unwrap_err().to_string();
        assert!(e.contains("needs an API key"), "{e}");
    }

    #[test]
    fn provider_errors_keep_their_class_and_bad_tokens_are_fatal() {
        let p = TokenProvider::new(|| Err(TokenError::retryable("metadata server busy")));
        let e = p.token().unwrap_err();
        assert!(e.is_retryable());
        assert!(e.to_string().contains("metadata server busy"), "{e}");
        let p = TokenProvider::new(|| Err(TokenError::fatal("not logged in")));
        assert!(!p.token().unwrap_err().is_retryable());
        let p = TokenProvider::fixed(Secret::new("two words"));
        assert!(!p.token().unwrap_err().is_retryable());
        let p = TokenProvider::fixed(Secret::new("ya29.SECRET"));
        assert_eq!(p.token().unwrap().expose(), "ya29.SECRET");
        assert_eq!(format!("{p:?}"), "TokenProvider(<callback>)");
        assert_eq!(p, p.clone());
        assert_ne!(p, TokenProvider::fixed(Secret::new("ya29.SECRET")));
        let p = TokenProvider::new(|| panic!("provider bug"));
        let e = p.token().unwrap_err();
        assert!(
            e.to_string().contains("panicked") && !e.is_retryable(),
            "{e}"
        );
    }
}
