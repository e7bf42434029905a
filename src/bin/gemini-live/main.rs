//! `gemini-live`: chat, talk and run a fake Live server from the command line.

use clap::{Parser, Subcommand};
use gemini_live::offline::{config_from_env_or_fake, Target};
use gemini_live::{Config, ResponseMode, Session};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

mod chat;
mod progress;
mod serve;
mod talk;
mod vertex;

use chat::chat;
use serve::fake_server;
use talk::talk;

#[derive(Parser, Debug)]
#[command(name = "gemini-live", version, about = "A client for the Gemini Live API", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Endpoint base URL, e.g. ws://127.0.0.1:8765 (default: GEMINI_LIVE_ENDPOINT, else Google).
    #[arg(long, global = true)]
    endpoint: Option<String>,
    /// Model id (default: GEMINI_LIVE_MODEL, else gemini-3.8-live). With
    /// fake-server: the model(s) it serves, comma-separated (default: every known model).
    #[arg(long, global = true)]
    model: Option<String>,
    /// API version: v1alpha, v1beta or v1 (default: GEMINI_LIVE_API_VERSION, else v1beta, or
    /// v1alpha where the configuration needs it).
    #[arg(long = "api-version", global = true)]
    api_version: Option<String>,
    /// Authenticate with this ephemeral token (auth_tokens/..., minted by your server) instead
    /// of an API key; the v1alpha constrained method is then used. Prefer the environment
    /// variable GEMINI_LIVE_EPHEMERAL_TOKEN: a command line is visible to other local users.
    #[arg(long = "ephemeral-token", global = true, value_name = "TOKEN")]
    ephemeral_token: Option<String>,
    /// Response modality: text, audio or text+audio (default text+audio).
    #[arg(long, global = true)]
    modality: Option<String>,
    /// Record every frame both ways to this file, as JSON Lines (replay it with
    /// `fake-server --replay FILE`).
    #[arg(long, global = true, value_name = "FILE")]
    record: Option<PathBuf>,
    /// What the recording keeps of audio: keep (the default) or summary (length and checksum).
    #[arg(long = "record-audio", global = true, default_value = "keep")]
    record_audio: String,
    /// Log to stderr: -v connection events (connects, retries, GoAway, close), -vv also every
    /// message sent and received, -vvv also the dependencies' logs. Default: warnings only.
    /// RUST_LOG, when set, replaces these levels (e.g. RUST_LOG=gemini_live=debug).
    #[arg(long, short, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
    /// Proxy for every connect: http://[user:password@]host:port (HTTP CONNECT; https://
    /// for TLS to the proxy), socks5h://... (SOCKS5, the proxy resolves the host; socks5://
    /// resolves it here), or none (connect directly). Default: the environment (wss_proxy,
    /// https_proxy, all_proxy, either case, and no_proxy), as Python's websockets reads it.
    #[arg(long, global = true, value_name = "URL")]
    proxy: Option<String>,
    #[command(flatten)]
    vertex: vertex::VertexArgs,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Read lines from stdin, send each as a text turn, print the streamed replies.
    Chat,
    /// Stream a WAV file as realtime audio and write the spoken reply to a WAV file.
    Talk {
        /// 16-bit PCM WAV to send (any rate and channel count; resampled to 16 kHz mono).
        #[arg(long, required_unless_present = "mic")]
        input: Option<PathBuf>,
        /// Where to write the reply (24 kHz mono 16-bit WAV).
        #[arg(long, required_unless_present = "mic")]
        output: Option<PathBuf>,
        /// Send as fast as allowed instead of at real time.
        #[arg(long)]
        fast: bool,
        /// Send the WAV's samples at its own rate (channels mixed down) instead of
        /// resampling them to 16 kHz mono.
        #[arg(long = "send-as-is")]
        send_as_is: bool,
        /// Talk live: microphone in, speaker out, with a level meter and barge-in (needs the
        /// `mic` cargo feature).
        #[arg(long)]
        mic: bool,
    },
    /// Run the fake Live server until interrupted.
    FakeServer {
        /// Port on 127.0.0.1 (0 picks a free one).
        #[arg(long, default_value_t = 8765)]
        port: u16,
        /// Serve wss:// with a self-signed certificate (its PEM is written to --ca-out).
        #[arg(long)]
        tls: bool,
        /// File to write the self-signed certificate to (with --tls).
        #[arg(long)]
        ca_out: Option<PathBuf>,
        /// Require this API key.
        #[arg(long)]
        api_key: Option<String>,
        /// Fault plan, e.g. "1@3:drop,2@2:close=1011" (see `gemini_live::fake::parse_fault_plan`).
        #[arg(long)]
        faults: Option<String>,
        /// Serve this recording (from `--record`) instead: answer the client's messages with
        /// the recorded server frames, in order, with the recorded pacing.
        #[arg(long, value_name = "FILE")]
        replay: Option<PathBuf>,
        /// With --replay: send the recorded frames without the recorded gaps.
        #[arg(long, requires = "replay")]
        fast: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.verbose);
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("gemini-live: {e}");
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
pub(crate) fn connect(mut config: Config) -> Result<Session, Box<dyn std::error::Error>> {
    config.reconnect.first_connect_attempts = FIRST_CONNECT_ATTEMPTS;
    config.reconnect.first_connect_total = FIRST_CONNECT_BUDGET;
    let endpoint = config.endpoint.clone();
    Session::connect(config).map_err(|e| {
        format!(
            "cannot connect to {endpoint} (first-connect budget: {FIRST_CONNECT_ATTEMPTS} \
             attempts within {} s): {e}",
            FIRST_CONNECT_BUDGET.as_secs()
        )
        .into()
    })
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
    if let Command::FakeServer {
        port,
        tls,
        ca_out,
        api_key,
        faults,
        replay,
        fast,
    } = cli.command
    {
        if let Some(file) = replay {
            return serve::replay_server(port, &file, fast);
        }
        // The global --model chooses what the fake serves (comma-separated; default: every
        // model of the capability table).
        // --vertex-project/--vertex-location also serve the Vertex AI path (bearer tokens).
        let vertex = cli.vertex.fake_auth()?;
        return fake_server(port, tls, ca_out, api_key, faults, cli.model, vertex);
    }
    if let Command::Talk {
        output: Some(output),
        ..
    } = &cli.command
    {
        check_writable(output)?;
    }
    // With Vertex flags, the target is Vertex AI (or --endpoint), never the embedded fake.
    let endpoint_given =
        cli.endpoint.is_some() || cli.vertex.requested() || cli.ephemeral_token.is_some();
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
    if let Some(e) = cli.endpoint {
        config.endpoint = e;
    }
    if let Some(t) = cli.ephemeral_token {
        config.auth = gemini_live::Auth::EphemeralToken(gemini_live::Secret::new(t.trim()));
    }
    if let Target::EmbeddedFake(_) = &target {
        // In this process: never through a proxy from the environment.
        config.proxy = gemini_live::config::Proxy::Direct;
    }
    if let Some(p) = &cli.proxy {
        config.proxy = gemini_live::config::Proxy::parse(p).map_err(|e| format!("--proxy: {e}"))?;
    }
    cli.vertex.apply(&mut config)?;
    if let Some(m) = cli.model {
        config.model = m;
    }
    if let Some(v) = cli.api_version {
        config.api_version = v;
    }
    if let Some(m) = cli.modality {
        config.response_mode = ResponseMode::parse(&m)
            .ok_or_else(|| format!("--modality {m:?}: expected text, audio or text+audio"))?;
    } else if let Some(info) =
        gemini_live::models::lookup(&config.model).filter(|m| !m.supports(config.response_mode))
    {
        // No --modality: a known model gets one it accepts (the transcribe models: text).
        config.response_mode = info.default_mode();
    }
    let audio_only = gemini_live::models::lookup(&config.model).filter(|m| !m.text_input);
    if let (Command::Chat, Some(info)) = (&cli.command, audio_only) {
        return Err(format!(
            "model `{}` takes audio input only (no text turns): use `gemini-live talk`",
            info.id
        )
        .into());
    }
    if let Some(path) = &cli.record {
        let audio = match cli.record_audio.as_str() {
            "keep" => gemini_live::record::AudioRecording::Keep,
            "summary" => gemini_live::record::AudioRecording::Summary,
            other => {
                return Err(format!("--record-audio {other:?}: expected keep or summary").into())
            }
        };
        config.recorder = Some(gemini_live::record::Recorder::create(path, audio)?);
    }
    let endpoint = config.endpoint.clone();
    let result = match cli.command {
        Command::Chat => chat(config),
        Command::Talk {
            input,
            output,
            fast,
            send_as_is,
            mic,
        } => match (mic, input, output) {
            (true, _, _) => talk::talk_mic(config),
            (false, Some(input), Some(output)) => talk(config, &input, &output, fast, send_as_is),
            _ => Err("talk needs --input and --output (or --mic)".into()),
        },
        Command::FakeServer { .. } => Ok(()),
    };
    result.map_err(|e| name_endpoint(e, &endpoint))
}

/// The SDK's errors during a conversation name the endpoint they came from; the CLI's own
/// errors (files, the connect budget) already name what they are about.
fn name_endpoint(e: Box<dyn std::error::Error>, endpoint: &str) -> Box<dyn std::error::Error> {
    if e.downcast_ref::<gemini_live::Error>().is_some() {
        format!("{endpoint}: {e}").into()
    } else {
        e
    }
}
