//! Quickstart: one realistic conversation through the SDK: a text turn, then an audio turn
//! from `examples/assets/hello_16k.wav`, writing the spoken reply to `quickstart_reply.wav`
//! in the directory given with `--out DIR`, else in a new temporary directory (never the
//! source tree or the current directory), and printing the transcripts and timings.
//!
//! With `GEMINI_API_KEY` set it talks to the real service (the default model,
//! `gemini-3.8-live`, or `GEMINI_LIVE_MODEL`). Without a key
//! and without `GEMINI_LIVE_ENDPOINT`, it starts the embedded fake Live server in-process.
//!
//! ```text
//! cargo run --release --example quickstart [-- --out DIR]
//! ```

use gemini_live::offline::{config_from_env_or_fake, Target};
use gemini_live::{Event, InteractionStatus, Session};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const WAV: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/assets/hello_16k.wav");

/// Runs the conversation; an error is printed in its readable (`Display`) form.
fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("quickstart: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// The directory the reply is written to: `--out DIR`, else a new one under the system's
/// temporary directory.
fn output_dir() -> Result<PathBuf, Box<dyn std::error::Error>> {
    let mut args = std::env::args_os().skip(1);
    match (args.next(), args.next()) {
        (Some(flag), Some(dir)) if flag == "--out" => {
            std::fs::create_dir_all(&dir)
                .map_err(|e| format!("--out {}: {e}", Path::new(&dir).display()))?;
            Ok(PathBuf::from(dir))
        }
        (None, _) => {
            let nanos = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.subsec_nanos());
            let dir = std::env::temp_dir().join(format!(
                "gemini_live_quickstart_{}_{nanos}",
                std::process::id()
            ));
            std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
            Ok(dir)
        }
        _ => Err("usage: quickstart [--out DIR]".into()),
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let out_dir = output_dir()?;
    let (mut config, target) = config_from_env_or_fake()?;
    // Known models get a response mode they accept (the transcribe models answer in text
    // only); the capability table says which (gemini_live::models).
    let model = gemini_live::models::lookup(&config.model);
    if let Some(info) = model.filter(|m| !m.supports(config.response_mode)) {
        config.response_mode = info.default_mode();
    }
    let text_input = model.is_none_or(|m| m.text_input);
    match &target {
        Target::EmbeddedFake(server) => println!(
            "No GEMINI_API_KEY set: talking to the embedded FAKE Live server at {} \
             (set GEMINI_API_KEY to use the real service).",
            server.endpoint()
        ),
        Target::Configured => println!(
            "Talking to {} with model {}.",
            config.endpoint, config.model
        ),
    }

    let t = Instant::now();
    let endpoint = config.endpoint.clone();
    let session =
        Session::connect(config).map_err(|e| format!("cannot connect to {endpoint}: {e}"))?;
    let m = session.metrics();
    println!(
        "connected in {:.1} ms (tcp {:.1}, tls {:.1}, upgrade {:.1}, setup {:.1})",
        ms(t.elapsed()),
        ms(m.connect.tcp),
        ms(m.connect.tls),
        ms(m.connect.upgrade),
        ms(m.connect.setup)
    );

    // 1. A text turn. In the default TEXT+AUDIO mode the reply arrives as audio plus its
    //    transcription, delivered as text events.
    //    (Transcribe and translate models take audio only: no text turn for them.)
    if text_input {
        println!("\nyou> Hello! Who are you?");
        session.send_text("Hello! Who are you?")?;
        print!("model> ");
        let (_, audio_bytes) = turn(&session)?;
        report(&session, "text turn", audio_bytes);
    }

    // 2. An audio turn: stream the WAV in 20 ms chunks, then mark the end of the stream.
    let mut reader = hound::WavReader::open(WAV).map_err(|e| format!("{WAV}: {e}"))?;
    let spec = reader.spec();
    let samples: Vec<i16> = reader.samples::<i16>().collect::<Result<_, _>>()?;
    println!(
        "\nyou> (audio: {} ms from examples/assets/hello_16k.wav)",
        samples.len() as u64 * 1000 / spec.sample_rate as u64
    );
    for chunk in samples.chunks(spec.sample_rate as usize / 50) {
        session.send_audio_rate(chunk, spec.sample_rate)?;
    }
    session.audio_stream_end()?;
    print!("model> ");
    let (reply, audio_bytes) = turn(&session)?;
    report(&session, "audio turn", audio_bytes);

    let out = out_dir.join("quickstart_reply.wav");
    let write = || -> Result<(), hound::Error> {
        let spec = hound::WavSpec {
            channels: 1,
            sample_rate: 24_000,
            bits_per_sample: 16,
            sample_format: hound::SampleFormat::Int,
        };
        let mut w = hound::WavWriter::create(&out, spec)?;
        for s in &reply {
            w.write_sample(*s)?;
        }
        w.finalize()
    };
    write().map_err(|e| format!("{}: {e}", out.display()))?;
    println!("reply audio written to {}", out.display());

    session.close()?;
    println!("\nclosed cleanly.");
    Ok(())
}

/// Prints the turn's text as it streams; returns the reply audio and its byte count.
fn turn(session: &Session) -> Result<(Vec<i16>, usize), Box<dyn std::error::Error>> {
    let mut audio = Vec::new();
    loop {
        match session.next_event(Duration::from_secs(30))? {
            None => return Err("no reply within 30 s".into()),
            Some(Event::Text(t)) => {
                print!("{t}");
                use std::io::Write;
                std::io::stdout().flush()?;
            }
            Some(Event::InputTranscription { text, .. }) => print!("(heard: {text}) "),
            Some(Event::Audio(chunk)) => audio.extend(chunk.samples()),
            // Extended thinking: a segment marked IN_PROGRESS; the answer follows.
            Some(Event::TurnComplete {
                interaction: Some(InteractionStatus::InProgress),
                ..
            }) => print!(" "),
            Some(Event::TurnComplete { .. }) => {
                println!();
                let n = audio.len() * 2;
                return Ok((audio, n));
            }
            Some(Event::Closed {
                code,
                reason,
                error,
            }) => {
                return Err(match error {
                    Some(e) => e.to_string(),
                    None => format!("closed ({code}) {reason}"),
                }
                .into())
            }
            Some(_) => {}
        }
    }
}

fn report(session: &Session, what: &str, audio_bytes: usize) {
    let m = session.metrics();
    println!(
        "[{what}: first reply after {:.1} ms, complete after {:.1} ms, {} bytes of 24 kHz audio]",
        m.last_first_reply.map(ms).unwrap_or(0.0),
        m.last_turn_complete.map(ms).unwrap_or(0.0),
        audio_bytes
    );
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
