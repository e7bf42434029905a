//! `gemini-live`: chat, talk and run a fake Live server from the command line.

use args::{Cli, Command};
use clap::Parser;
use gemini_live::offline::{config_from_env_or_fake, Target};
use gemini_live::wording::Lang;
use gemini_live::{Config, ResponseMode, Session};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::time::{Duration, Instant};

mod args;
mod chat;
mod context;
mod interrupt;
/// `talk --mic` (cargo feature `mic`).
#[cfg(feature = "mic")]
mod mic;
mod progress;
mod serve;
mod talk;
mod vertex;

use chat::chat;
use talk::talk;

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    interrupt::install();
    let result = run(cli);
    interrupt::finished();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) if e.is::<interrupt::Interrupted>() => ExitCode::from(interrupt::EXIT_CODE),
        Err(e) => {
            eprintln!("gemini-live: {}", say(&*e));
            ExitCode::FAILURE
        }
    }
}

/// The log filter for `-v` levels; `RUST_LOG`, when set, is used instead.
fn log_filter(verbose: u8) -> &'static str {
    match verbose {
        0 => "warn",
        1 => "warn,gemini_live=debug",
        2 => "warn,gemini_live=trace",
        _ => "trace",
    }
}

/// Logs to stderr through `env_logger`, each line stamped with the seconds since start.
fn init_logging(verbose: u8) {
    use std::io::Write;
    let started = Instant::now();
    let env = env_logger::Env::default().default_filter_or(log_filter(verbose));
    let _ = env_logger::Builder::from_env(env)
        .format(move |buf, r| {
            writeln!(
                buf,
                "[{:8.3}s {:<5} {}] {}",
                started.elapsed().as_secs_f64(),
                r.level(),
                r.target(),
                r.args()
            )
        })
        .try_init();
}

/// The first connect's budget: a wrong or unreachable endpoint fails within seconds (the SDK
/// default is 3 attempts within 10 s; outages later in the session get the full policy).
const FIRST_CONNECT_ATTEMPTS: u32 = 3;
/// Time budget of the first connect (an attempt in progress is bounded by the connect
/// timeouts, 5 s per TCP connect by default).
const FIRST_CONNECT_BUDGET: Duration = Duration::from_secs(5);

/// Connects with the CLI's short first-connect budget; the error names the endpoint and the
/// budget (the SDK's error says how many attempts it made over how long).
pub(crate) fn connect(mut config: Config) -> Result<Arc<Session>, Box<dyn std::error::Error>> {
    config.reconnect.first_connect_attempts = FIRST_CONNECT_ATTEMPTS;
    config.reconnect.first_connect_total = FIRST_CONNECT_BUDGET;
    let endpoint = config.endpoint.clone();
    let session = Session::connect(config).map_err(|e| -> Box<dyn std::error::Error> {
        match e {
            // Refused before any connect: the budget has nothing to do with it.
            gemini_live::Error::InvalidConfig(_)
            | gemini_live::Error::InvalidSetting { .. }
            | gemini_live::Error::UnsupportedByModel { .. } => e.message(Lang::Cli).into(),
            _ => format!(
                "cannot connect to {endpoint} (first-connect budget: {FIRST_CONNECT_ATTEMPTS} \
             attempts within {} s): {}",
                FIRST_CONNECT_BUDGET.as_secs(),
                e.message(Lang::Cli)
            )
            .into(),
        }
    })?;
    let session = Arc::new(session);
    interrupt::watch(&session);
    Ok(session)
}

/// An error as the command line says it: the SDK's errors name flags, not Rust fields.
pub(crate) fn say(e: &(dyn std::error::Error + 'static)) -> String {
    match e.downcast_ref::<gemini_live::Error>() {
        Some(e) => e.message(Lang::Cli),
        None => e.to_string(),
    }
}

/// Fails unless `path` can be written, before any audio is streamed; leaves no file behind
/// when there was none.
fn check_writable(path: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let existed = path.exists();
    std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(false)
        .open(path)
        .map_err(|e| format!("--output {}: cannot write: {e}", path.display()))?;
    if !existed {
        let _ = std::fs::remove_file(path);
    }
    Ok(())
}

fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    let (client, command) = match cli.command {
        Command::FakeServer(server) => return serve::run(server, cli.client),
        Command::Chat { client, chat } => (client.or(cli.client), Job::Chat(chat)),
        Command::Talk {
            input,
            output,
            fast,
            send_as_is,
            mic,
            echo_cancel,
            echo_delay_ms,
            telephony,
            client,
        } => {
            let job = match (mic, input, output) {
                (true, _, _) => Job::Mic {
                    echo_cancel: echo_cancel
                        .then(|| Duration::from_millis(u64::from(echo_delay_ms))),
                },
                (false, Some(input), Some(output)) => {
                    check_writable(&output)?;
                    Job::Talk {
                        input,
                        output,
                        fast,
                        send_as_is,
                        law: telephony
                            .as_deref()
                            .and_then(gemini_live::audio::G711::parse),
                    }
                }
                _ => return Err("talk needs --input and --output (or --mic)".into()),
            };
            (client.or(cli.client), job)
        }
    };
    // With Vertex flags, the target is Vertex AI (or --endpoint), never the embedded fake.
    let endpoint_given =
        client.endpoint.is_some() || client.vertex.requested() || client.ephemeral_token.is_some();
    let (mut config, target) = if endpoint_given {
        (Config::from_env()?, Target::Configured)
    } else {
        config_from_env_or_fake()?
    };
    if let Target::EmbeddedFake(server) = &target {
        eprintln!(
            "gemini-live: no GEMINI_API_KEY or GEMINI_LIVE_ENDPOINT set; using the embedded fake Live server at {}",
            server.endpoint()
        );
    }
    if let Some(e) = client.endpoint {
        config.endpoint = e;
    }
    if let Some(t) = client.ephemeral_token {
        config.auth = gemini_live::Auth::EphemeralToken(gemini_live::Secret::new(t.trim()));
    }
    if let Target::EmbeddedFake(_) = &target {
        // In this process: never through a proxy from the environment.
        config.proxy = gemini_live::config::Proxy::Direct;
    }
    if let Some(p) = &client.proxy {
        config.proxy = gemini_live::config::Proxy::parse(p).map_err(|e| format!("--proxy: {e}"))?;
    }
    client.vertex.apply(&mut config)?;
    client.context.apply(&mut config);
    if let Some(m) = client.model {
        config.model = m;
    }
    if let Some(v) = client.api_version {
        config.api_version = v;
    }
    if let Some(m) = client.modality {
        config.response_mode = ResponseMode::parse(&m)
            .ok_or_else(|| format!("--modality {m:?}: expected text, audio or text+audio"))?;
    } else if let Some(info) =
        gemini_live::models::lookup(&config.model).filter(|m| !m.supports(config.response_mode))
    {
        // No --modality: a known model gets one it accepts (the transcribe models: text).
        config.response_mode = info.default_mode();
    }
    let audio_only = gemini_live::models::lookup(&config.model).filter(|m| !m.text_input);
    if let (Job::Chat(_), Some(info)) = (&command, audio_only) {
        return Err(format!(
            "model `{}` takes audio input only (no text turns): use `gemini-live talk`",
            info.id
        )
        .into());
    }
    if let Some(path) = &client.record {
        let audio = match client.record_audio.as_deref().unwrap_or("keep") {
            "keep" => gemini_live::record::AudioRecording::Keep,
            "summary" => gemini_live::record::AudioRecording::Summary,
            other => {
                return Err(format!("--record-audio {other:?}: expected keep or summary").into())
            }
        };
        config.recorder = Some(gemini_live::record::Recorder::create(path, audio)?);
    }
    let endpoint = config.endpoint.clone();
    let result = match command {
        Job::Chat(args) => chat(config, &args),
        Job::Mic { echo_cancel } => talk::talk_mic(config, echo_cancel),
        Job::Talk {
            input,
            output,
            fast,
            send_as_is,
            law,
        } => talk(config, &input, &output, fast, send_as_is, law),
    };
    result.map_err(|e| name_endpoint(e, &endpoint))
}

/// What a client subcommand does.
enum Job {
    Chat(chat::ChatArgs),
    Mic {
        /// `--echo-cancel` with its device delay hint.
        echo_cancel: Option<Duration>,
    },
    Talk {
        input: PathBuf,
        output: PathBuf,
        fast: bool,
        send_as_is: bool,
        /// `--telephony`: raw G.711 in and out.
        law: Option<gemini_live::audio::G711>,
    },
}

/// The SDK's errors during a conversation name the endpoint they came from; the CLI's own
/// errors (files, the connect budget) already name what they are about.
fn name_endpoint(e: Box<dyn std::error::Error>, endpoint: &str) -> Box<dyn std::error::Error> {
    if let Some(e) = e.downcast_ref::<gemini_live::Error>() {
        format!("{endpoint}: {}", e.message(Lang::Cli)).into()
    } else {
        e
    }
}
