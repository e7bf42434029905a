//! `gemini-live`: chat, talk and run a fake Live server from the command line.

use clap::{Parser, Subcommand};
use gemini_live::offline::{config_from_env_or_fake, Target};
use gemini_live::{Config, Event, ResponseMode, Session};
use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

#[derive(Parser, Debug)]
#[command(name = "gemini-live", version, about = "A client for the Gemini Live API", long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Endpoint base URL, e.g. ws://127.0.0.1:8765 (default: GEMINI_LIVE_ENDPOINT, else Google).
    #[arg(long, global = true)]
    endpoint: Option<String>,
    /// Model id (default: GEMINI_LIVE_MODEL, else gemini-live-2.5-flash-preview).
    #[arg(long, global = true)]
    model: Option<String>,
    /// API version: v1alpha, v1beta or v1 (default: GEMINI_LIVE_API_VERSION, else v1alpha).
    #[arg(long = "api-version", global = true)]
    api_version: Option<String>,
    /// Response modality: text, audio or text+audio (default text+audio).
    #[arg(long, global = true)]
    modality: Option<String>,
    /// Log connection events to stderr (twice: every message).
    #[arg(long, short, global = true, action = clap::ArgAction::Count)]
    verbose: u8,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Read lines from stdin, send each as a text turn, print the streamed replies.
    Chat,
    /// Stream a WAV file as realtime audio and write the spoken reply to a WAV file.
    Talk {
        /// 16-bit PCM WAV to send (mono, or stereo mixed down; any rate).
        #[arg(long)]
        input: PathBuf,
        /// Where to write the reply (24 kHz mono 16-bit WAV).
        #[arg(long)]
        output: PathBuf,
        /// Send as fast as allowed instead of at real time.
        #[arg(long)]
        fast: bool,
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
    } = cli.command
    {
        return fake_server(port, tls, ca_out, api_key, faults);
    }
    let endpoint_given = cli.endpoint.is_some();
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
    if let Some(m) = cli.model {
        config.model = m;
    }
    if let Some(v) = cli.api_version {
        config.api_version = v;
    }
    if let Some(m) = cli.modality {
        config.response_mode = ResponseMode::parse(&m)
            .ok_or_else(|| format!("--modality {m:?}: expected text, audio or text+audio"))?;
    }
    match cli.command {
        Command::Chat => chat(config),
        Command::Talk {
            input,
            output,
            fast,
        } => talk(config, &input, &output, fast),
        Command::FakeServer { .. } => Ok(()),
    }
}

fn chat(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let session = Session::connect(config)?;
    let stdin = std::io::stdin();
    let mut out = std::io::stdout();
    for line in stdin.lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        session.send_text(&line)?;
        wait_turn(&session, |ev| {
            if let Event::Text(t) = ev {
                print!("{t}");
                let _ = out.flush();
            }
        })?;
        println!();
        println!();
        out.flush()?;
    }
    session.close()?;
    Ok(())
}

/// Passes events to `f` until the turn completes; errors if the session ends first.
fn wait_turn(
    session: &Session,
    mut f: impl FnMut(&Event),
) -> Result<(), Box<dyn std::error::Error>> {
    loop {
        match session.next_event(Duration::from_secs(60))? {
            None => return Err("no reply within 60 s".into()),
            Some(Event::TurnComplete { .. }) => return Ok(()),
            Some(Event::Closed { error: Some(e), .. }) => return Err(e.into()),
            Some(Event::Closed { code, reason, .. }) => {
                return Err(format!("the session closed ({code}) {reason}").into())
            }
            Some(Event::Error(e)) => eprintln!("gemini-live: {e}"),
            Some(ev) => f(&ev),
        }
    }
}

fn read_wav(path: &PathBuf) -> Result<(Vec<i16>, u32), Box<dyn std::error::Error>> {
    let mut reader =
        hound::WavReader::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let spec = reader.spec();
    if spec.bits_per_sample != 16 || spec.sample_format != hound::SampleFormat::Int {
        return Err(format!("{}: expected 16-bit PCM", path.display()).into());
    }
    let channels = spec.channels.max(1) as usize;
    let raw: Vec<i16> = reader.samples::<i16>().collect::<Result<_, _>>()?;
    let mono = raw
        .chunks(channels)
        .map(|c| (c.iter().map(|&s| s as i32).sum::<i32>() / c.len() as i32) as i16)
        .collect();
    Ok((mono, spec.sample_rate))
}

fn talk(
    config: Config,
    input: &PathBuf,
    output: &PathBuf,
    fast: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    let (samples, rate) = read_wav(input)?;
    let session = Session::connect(config)?;
    let chunk = (rate as usize / 50).max(1); // 20 ms
    let mut reply: Vec<i16> = Vec::new();
    let mut reply_rate = 24_000;
    let started = Instant::now();
    std::thread::scope(|s| -> Result<(), Box<dyn std::error::Error>> {
        let sender = s.spawn(|| -> gemini_live::Result<()> {
            let t0 = Instant::now();
            for (i, c) in samples.chunks(chunk).enumerate() {
                if !fast {
                    let due = t0 + Duration::from_millis(20 * i as u64);
                    if let Some(wait) = due.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                }
                session.send_audio_rate(c, rate)?;
            }
            session.audio_stream_end()
        });
        wait_turn(&session, |ev| match ev {
            Event::Audio(a) => {
                reply_rate = a.sample_rate;
                reply.extend(a.samples());
            }
            Event::Text(t) => print!("{t}"),
            Event::InputTranscription { text, .. } => eprintln!("you: {text}"),
            Event::OutputTranscription { text, .. } => print!("{text}"),
            _ => {}
        })?;
        sender.join().map_err(|_| "the sending thread panicked")??;
        Ok(())
    })?;
    println!();
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: reply_rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let mut w = hound::WavWriter::create(output, spec)?;
    for s in &reply {
        w.write_sample(*s)?;
    }
    w.finalize()?;
    eprintln!(
        "gemini-live: wrote {} ms of reply audio to {} ({} ms after the first chunk)",
        reply.len() as u64 * 1000 / reply_rate.max(1) as u64,
        output.display(),
        started.elapsed().as_millis()
    );
    session.close()?;
    Ok(())
}

fn fake_server(
    port: u16,
    tls: bool,
    ca_out: Option<PathBuf>,
    api_key: Option<String>,
    faults: Option<String>,
) -> Result<(), Box<dyn std::error::Error>> {
    use gemini_live::fake::{parse_fault_plan, FakeOptions, FakeServer};
    let mut options = FakeOptions {
        port,
        tls,
        api_key,
        ..FakeOptions::default()
    };
    if let Some(spec) = faults {
        options.faults = parse_fault_plan(&spec)?;
    }
    let server = FakeServer::start(options)?;
    if let (Some(path), Some(pem)) = (ca_out, server.ca_pem()) {
        std::fs::write(&path, pem)?;
        eprintln!("gemini-live: certificate written to {}", path.display());
    }
    println!("{}", server.endpoint());
    eprintln!(
        "gemini-live: fake Live server listening at {} (Ctrl-C to stop)",
        server.endpoint()
    );
    std::io::stdout().flush()?;
    loop {
        std::thread::park();
    }
}
