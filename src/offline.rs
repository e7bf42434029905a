//! "Real service with a key, embedded fake without one": the rule every example, the CLI and
//! the bindings follow.

use crate::config::Config;
use crate::error::{Error, Result};
use crate::fake::{FakeOptions, FakeServer};

/// Where a session built by [`config_from_env_or_fake`] will talk to.
#[derive(Debug)]
pub enum Target {
    /// The endpoint from the configuration (the real service, or `GEMINI_LIVE_ENDPOINT`).
    Configured,
    /// An embedded fake server started in this process; it stops when dropped.
    EmbeddedFake(FakeServer),
}

/// [`Config::from_env`]; when none of `GEMINI_API_KEY`, `GEMINI_LIVE_ENDPOINT` and
/// `GEMINI_LIVE_VERTEX_PROJECT` is set, also starts an embedded fake Live server on `127.0.0.1` and points the config at it.
pub fn config_from_env_or_fake() -> Result<(Config, Target)> {
    let config = Config::from_env()?;
    let has = |name: &str| std::env::var(name).is_ok_and(|v| !v.trim().is_empty());
    if has("GEMINI_API_KEY")
        || has(crate::config::EPHEMERAL_TOKEN_VAR)
        || has("GEMINI_LIVE_ENDPOINT")
        || has("GEMINI_LIVE_VERTEX_PROJECT")
        || has("GEMINI_LIVE_VERTEX_LOCATION")
    {
        return Ok((config, Target::Configured));
    }
    let server = FakeServer::start(FakeOptions::default()).map_err(|e| Error::Io {
        phase: None,
        message: format!("cannot start the embedded fake server: {e}"),
    })?;
    let config = config.with_endpoint(server.endpoint());
    Ok((config, Target::EmbeddedFake(server)))
}
