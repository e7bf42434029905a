//! [`Config::from_env`]: the defaults overridden by the environment.

use super::{
    Auth, Config, Secret, TokenProvider, VertexApiVersion, VertexTarget, EPHEMERAL_TOKEN_VAR,
};
use crate::error::{Error, Result};

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
        apply_env(&mut c, &var)?;
        Ok(c)
    }
}

/// The Vertex part of [`Config::from_env`](crate::Config::from_env).
pub(super) fn apply_env(c: &mut Config, var: &impl Fn(&str) -> Option<String>) -> Result<()> {
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
