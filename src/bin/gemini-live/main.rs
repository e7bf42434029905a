//! `gemini-live`: chat, talk and run a fake Live server from the command line.

use clap::{Parser, Subcommand};
use gemini_live::offline::{config_from_env_or_fake, Target};
use gemini_live::{Config, ResponseMode};
use std::path::PathBuf;
use std::process::ExitCode;

mod chat;
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
    /// Model id (default: GEMINI_LIVE_MODEL, else gemini-live-2.5-flash-preview). With
    /// fake-server: the model(s) it serves, comma-separated (default: every known model).
    #[arg(long, global = true)]
    model: Option<String>,
    /// API version: v1alpha, v1beta or v1 (default: GEMINI_LIVE_API_VERSION, else v1alpha).
    #[arg(long = "api-version", global = true)]
    api_version: Option<String>,
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
    /// Log connection events to stderr (twice: every message).
    #[arg(long, short, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
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

fn init_logging(verbose: u8) {
    struct Stderr(log::LevelFilter);
    impl log::Log for Stderr {
        fn enabled(&self, m: &log::Metadata) -> bool {
            m.level() <= self.0 && m.target().starts_with("gemini_live")
        }
        fn log(&self, r: &log::Record) {
            if self.enabled(r.metadata()) {
                eprintln!("[{} {}] {}", r.level(), r.target(), r.args());
            }
        }
        fn flush(&self) {}
    }
    let level = match verbose {
        0 => log::LevelFilter::Warn,
        1 => log::LevelFilter::Info,
        2 => log::LevelFilter::Debug,
        _ => log::LevelFilter::Trace,
    };
    if log::set_boxed_logger(Box::new(Stderr(level))).is_ok() {
        log::set_max_level(level);
    }
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
    // With Vertex flags, the target is Vertex AI (or --endpoint), never the embedded fake.
    let endpoint_given = cli.endpoint.is_some() || cli.vertex.requested();
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
    match cli.command {
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
    }
}
