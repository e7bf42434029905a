//! The Vertex AI flags: `--vertex-project P --vertex-location L [--vertex-api-version V]`,
//! with the access token from `--access-token-command CMD` (run before every connect) or
//! `GEMINI_LIVE_ACCESS_TOKEN`. The token is never printed or logged.

use gemini_live::fake::VertexFakeAuth;
use gemini_live::vertex::{TokenError, TokenProvider, VertexApiVersion, VertexTarget};
use gemini_live::{Auth, Config, Secret};
use std::io::Read;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How long `--access-token-command` may run before it is killed (a retryable failure).
const COMMAND_TIMEOUT: Duration = Duration::from_secs(30);
/// Most bytes of the command's stderr quoted in an error.
const MAX_STDERR: usize = 300;

/// Vertex AI options of a client (`chat`, `talk`).
#[derive(clap::Args, Debug, Default, Clone)]
pub struct VertexArgs {
    /// Vertex AI project: with --vertex-location, talk to Vertex AI (Gemini Enterprise Agent
    /// Platform) instead of the Developer API (default: GEMINI_LIVE_VERTEX_PROJECT).
    #[arg(long = "vertex-project", value_name = "PROJECT")]
    vertex_project: Option<String>,
    /// Vertex AI location, e.g. us-central1, global, or the multi-region us or eu (default:
    /// GEMINI_LIVE_VERTEX_LOCATION). Without a project: express mode, with the API key.
    #[arg(long = "vertex-location", value_name = "LOCATION")]
    vertex_location: Option<String>,
    /// Vertex AI API version: v1 or v1beta1 (default: GEMINI_LIVE_VERTEX_API_VERSION, else v1).
    #[arg(long = "vertex-api-version", value_name = "VERSION")]
    vertex_api_version: Option<String>,
    /// Command that prints an OAuth access token, run before every connect and reconnect
    /// (e.g. "gcloud auth print-access-token"; run with sh -c). Default:
    /// GEMINI_LIVE_ACCESS_TOKEN (a fixed token).
    #[arg(long = "access-token-command", value_name = "CMD")]
    access_token_command: Option<String>,
}

impl VertexArgs {
    /// Only a project and a location (what `fake-server` serves).
    pub fn target(project: Option<String>, location: Option<String>) -> VertexArgs {
        VertexArgs {
            vertex_project: project,
            vertex_location: location,
            ..VertexArgs::default()
        }
    }

    /// These flags, each falling back to `parent`'s.
    pub fn or(self, parent: VertexArgs) -> VertexArgs {
        VertexArgs {
            vertex_project: self.vertex_project.or(parent.vertex_project),
            vertex_location: self.vertex_location.or(parent.vertex_location),
            vertex_api_version: self.vertex_api_version.or(parent.vertex_api_version),
            access_token_command: self.access_token_command.or(parent.access_token_command),
        }
    }

    /// Whether any Vertex flag was given (then no embedded fake is started).
    pub fn requested(&self) -> bool {
        self.vertex_project.is_some()
            || self.vertex_location.is_some()
            || self.access_token_command.is_some()
    }

    /// For `fake-server`: serve the Vertex path for the project and location given (every
    /// connection must present a bearer token no earlier one did). The other Vertex flags
    /// are for clients and refused here.
    pub fn fake_auth(&self) -> Result<Option<VertexFakeAuth>, String> {
        if self.access_token_command.is_some() || self.vertex_api_version.is_some() {
            return Err(
                "fake-server serves v1 and v1beta1 and checks tokens itself: \
                        --access-token-command and --vertex-api-version are for chat and talk"
                    .into(),
            );
        }
        match (&self.vertex_project, &self.vertex_location) {
            (None, None) => Ok(None),
            (Some(p), Some(l)) => Ok(Some(VertexFakeAuth::new(p.as_str(), l.as_str()))),
            (Some(_), None) => Err("--vertex-project needs --vertex-location".into()),
            (None, Some(_)) => Err("--vertex-location needs --vertex-project".into()),
        }
    }

    /// Applies the flags to `config` (which already holds the `GEMINI_LIVE_VERTEX_*`
    /// environment).
    pub fn apply(self, config: &mut Config) -> Result<(), String> {
        let from_flags = self.vertex_project.is_some() || self.vertex_location.is_some();
        if from_flags {
            let env = config.vertex.take();
            let project = self
                .vertex_project
                .or_else(|| env.as_ref().map(|v| v.project.clone()));
            let location = self
                .vertex_location
                .or_else(|| env.as_ref().map(|v| v.location.clone()));
            let (project, location) = match (project, location) {
                (Some(p), Some(l)) => (p, l),
                // A location alone: express mode, authenticated by the API key.
                (None, Some(l)) => (String::new(), l),
                (_, None) => return Err("--vertex-project needs --vertex-location".into()),
            };
            let mut target = env.unwrap_or_else(|| VertexTarget::new("", ""));
            target.project = project;
            target.location = location;
            config.vertex = Some(target);
        }
        if let Some(v) = self.vertex_api_version {
            let target = config
                .vertex
                .as_mut()
                .ok_or("--vertex-api-version needs --vertex-project and --vertex-location")?;
            target.api_version = VertexApiVersion::parse(&v)
                .ok_or_else(|| format!("--vertex-api-version {v:?}: expected v1 or v1beta1"))?;
        }
        if config.vertex.is_none() {
            if self.access_token_command.is_some() {
                return Err(
                    "--access-token-command is for Vertex AI: add --vertex-project \
                            and --vertex-location"
                        .into(),
                );
            }
            return Ok(());
        }
        if let Some(cmd) = self.access_token_command {
            config.auth = Auth::AccessToken(TokenProvider::new(move || run_token_command(&cmd)));
        } else if from_flags
            && !matches!(config.auth, Auth::AccessToken(_))
            && !config.vertex.as_ref().is_some_and(|v| v.is_express())
        {
            // The environment's fixed token, when the target came from flags.
            config.auth = match std::env::var("GEMINI_LIVE_ACCESS_TOKEN") {
                Ok(t) if !t.trim().is_empty() => {
                    Auth::AccessToken(TokenProvider::fixed(Secret::new(t.trim())))
                }
                _ => Auth::None,
            };
        }
        Ok(())
    }
}

/// Runs `cmd` with `sh -c` and returns what it printed (trimmed) as the token. A command
/// that cannot start or exits non-zero is a fatal error quoting its stderr; one that runs
/// longer than [`COMMAND_TIMEOUT`] is killed, a retryable error.
fn run_token_command(cmd: &str) -> Result<Secret, TokenError> {
    log::debug!("running --access-token-command for a fresh token");
    let mut child = Command::new("sh")
        .arg("-c")
        .arg(cmd)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| {
            TokenError::fatal(format!("cannot run --access-token-command {cmd:?}: {e}"))
        })?;
    let deadline = Instant::now() + COMMAND_TIMEOUT;
    // Tokens are short: the output fits in the pipe buffers until the command exits.
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(TokenError::retryable(format!(
                    "--access-token-command {cmd:?} did not finish within {COMMAND_TIMEOUT:?}"
                )));
            }
            Err(e) => {
                return Err(TokenError::fatal(format!(
                    "--access-token-command {cmd:?}: {e}"
                )))
            }
        }
    };
    let mut out = Vec::new();
    let mut err = Vec::new();
    if let Some(mut s) = child.stdout.take() {
        let _ = s.read_to_end(&mut out);
    }
    if let Some(mut s) = child.stderr.take() {
        let _ = s.read_to_end(&mut err);
    }
    if !status.success() {
        let text = String::from_utf8_lossy(&err);
        let text = text.trim();
        let cut = text
            .char_indices()
            .nth(MAX_STDERR)
            .map_or(text, |(i, _)| &text[..i]);
        out.iter_mut().for_each(|b| *b = 0);
        return Err(TokenError::fatal(format!(
            "--access-token-command {cmd:?} failed ({status}){}{cut}",
            if cut.is_empty() { "" } else { ": " }
        )));
    }
    let token = String::from_utf8_lossy(&out).trim().to_string();
    out.iter_mut().for_each(|b| *b = 0);
    if token.is_empty() {
        return Err(TokenError::fatal(format!(
            "--access-token-command {cmd:?} printed no token"
        )));
    }
    Ok(Secret::new(token))
}
