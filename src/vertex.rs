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

pub use crate::auth::{TokenError, TokenProvider};
use crate::error::{Error, Result};

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

    /// Express mode: Vertex AI with an API key and no project ([`Auth::ApiKey`](crate::Auth::ApiKey)), at the
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

#[cfg(test)]
mod tests;
