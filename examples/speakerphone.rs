//! Speakerphone: the model's voice comes out of the loudspeaker and back into the microphone;
//! the echo canceller, fed by the player with what it actually played, takes it out before
//! the audio goes to the session, so the server's voice activity detection no longer hears
//! the model talking to itself.
//!
//! Offline and simulated: the embedded fake server (with its energy-based server VAD on)
//! answers in audio; a simulated 48 kHz stereo sound card reads the player every 10 ms; the
//! room feeds its output back into the microphone 60 ms later at half level. The same
//! conversation runs twice, with the canceller off and on, and prints what the server VAD
//! signalled and what the canceller measured.
//!
//! ```text
//! cargo run --release --example speakerphone
//! ```
//!
//! With a real sound card: make the player for the device's rate and channels, call
//! `player.echo_canceller(EchoConfig { capture_rate, .. })` before the output stream starts
//! and read the player in the output callback. In the input callback, push the microphone
//! into `canceller.mic_input()` (real-time safe; at the device's rate, or resampled there by
//! a real-time-safe resampler); on the thread that sends, `canceller.pull` the cleaned audio
//! (AEC3 allocates, so it runs there, not in the callback) and `session.send_audio` it. Or,
//! if that thread gets the samples by its own means, `canceller.process` them there.

use gemini_live::audio::{EchoConfig, EchoStats, Player, PlayerConfig, Resampler};
use gemini_live::fake::{FakeOptions, FakeServer};
use gemini_live::session::VoiceActivityKind;
use gemini_live::{Config, Event, ResponseMode, Session};
use std::collections::VecDeque;
use std::time::Duration;

const DEVICE_RATE: u32 = 48_000;
const CHANNELS: u16 = 2;
const MIC_RATE: u32 = 16_000;
/// 6 s of 10 ms device periods, paced in real time.
const PERIODS: usize = 600;

fn main() -> std::process::ExitCode {
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("speakerphone: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

fn run() -> Result<(), Box<dyn std::error::Error>> {
    let server = FakeServer::start(FakeOptions {
        energy_vad: Some(-40.0),
        audio_reply_ms: 4000,
        ..FakeOptions::default()
    })?;
    println!("embedded fake server at {}", server.endpoint());
    for cancel in [false, true] {
        let (speech, stats) = conversation(&server, cancel)?;
        let label = if cancel { "on " } else { "off" };
        print!(
            "echo cancellation {label}: the server VAD heard speech for {speech:.2} s of {:.0} s",
            PERIODS as f64 / 100.0
        );
        match stats {
            Some(s) => println!(
                "; ERLE {}, echo path delay {}, {} frames",
                s.erle_db.map_or("-".into(), |v| format!("{v:.1} dB")),
                s.delay_estimate
                    .map_or("-".into(), |d| format!("{} ms", d.as_millis())),
                s.capture_frames
            ),
            None => println!(" (the model interrupting itself)"),
        }
    }
    Ok(())
}

/// One spoken reply played on the speakerphone while the microphone streams to the session;
/// returns the seconds the server VAD said someone was speaking and the canceller's
/// statistics.
fn conversation(
    server: &FakeServer,
    cancel: bool,
) -> Result<(f64, Option<EchoStats>), Box<dyn std::error::Error>> {
    let config = Config::default()
        .with_endpoint(server.endpoint())
        .with_response_mode(ResponseMode::Audio);
    let session = Session::connect(config)?;
    let mut player = Player::new(PlayerConfig::for_device(DEVICE_RATE, CHANNELS))?;
    // The one switch: the canceller is fed by the player from now on.
    let mut canceller = if cancel {
        // The device delay as the audio API reports it (here: the simulated room's), where
        // AEC3's delay estimator starts; it finds the delay itself too, only later.
        Some(player.echo_canceller(EchoConfig {
            device_delay: Duration::from_millis(60),
            ..EchoConfig::default()
        })?)
    } else {
        None
    };
    // The input callback's side of the canceller: a lock-free ring into it.
    let mut mic_input = canceller.as_mut().map(|c| c.mic_input()).transpose()?;
    let (mut writer, mut reader) = player.split();
    let mut to_mic = Resampler::new(DEVICE_RATE, CHANNELS, MIC_RATE)?;
    let mut room: VecDeque<i16> = std::iter::repeat_n(0, MIC_RATE as usize * 60 / 1000).collect();
    let mut device = vec![0i16; DEVICE_RATE as usize / 100 * CHANNELS as usize];
    let (mut mic, mut clean) = (Vec::new(), Vec::new());
    // Periods the server VAD said someone was speaking, and since when it says so now.
    let (mut speech, mut since) = (0, None);
    let mut voice = Voice::default();
    session.send_text("Please tell me a long story.")?;
    for period in 0..PERIODS {
        while let Some(event) = session.try_next_event()? {
            match &event {
                Event::VoiceActivity {
                    kind: VoiceActivityKind::Start,
                    ..
                } => since = Some(period),
                Event::VoiceActivity {
                    kind: VoiceActivityKind::End,
                    ..
                } => speech += period - since.take().unwrap_or(period),
                _ => {}
            }
            match &event {
                // The fake's replies are pure tones, which AEC3 deliberately leaves to its
                // suppressor (it does not adapt on narrow-band signals): play a synthetic
                // voice in their place, as long as the reply.
                Event::Audio(chunk) => {
                    let n = chunk.data.len() / 2;
                    writer.push(&voice.by_ref().take(n).collect::<Vec<i16>>());
                }
                _ => {
                    writer.handle_event(&event);
                }
            }
        }
        // The sound card's callback, and the room carrying its output to the microphone.
        reader.read(&mut device);
        mic.clear();
        to_mic.process(&device, &mut mic);
        for s in mic.iter_mut() {
            room.push_back(*s / 2);
            *s = room.pop_front().unwrap_or(0);
        }
        // The microphone's input callback hands its samples to the canceller.
        if let Some(input) = mic_input.as_mut() {
            input.push(&mic);
        }
        // The sending thread: take the cleaned audio (one 10 ms frame late), send it.
        match canceller.as_mut() {
            Some(c) => {
                clean.resize(c.pending(), 0);
                let n = c.pull(&mut clean);
                clean.truncate(n);
            }
            None => clean.clone_from(&mic),
        }
        session.send_audio(&clean)?;
        std::thread::sleep(Duration::from_millis(10));
    }
    session.close()?;
    speech += PERIODS - since.unwrap_or(PERIODS);
    Ok((speech as f64 / 100.0, canceller.map(|c| c.stats())))
}

/// A synthetic voice at 24 kHz: a gliding 100-140 Hz pulse train (harmonics to 4 kHz),
/// syllables four times a second, a pause every 2 s, a little breath noise.
#[derive(Default)]
struct Voice {
    n: u64,
    phase: f64,
    seed: u32,
}

impl Iterator for Voice {
    type Item = i16;
    fn next(&mut self) -> Option<i16> {
        use std::f64::consts::PI;
        let t = self.n as f64 / 24_000.0;
        self.n += 1;
        let f0 = 120.0 + 20.0 * (2.0 * PI * 0.7 * t).sin();
        self.phase = (self.phase + f0 / 24_000.0).fract();
        let pulses: f64 = (1..=32)
            .map(|k| (2.0 * PI * k as f64 * self.phase).sin() / k as f64)
            .sum();
        self.seed = self
            .seed
            .wrapping_mul(1_664_525)
            .wrapping_add(1_013_904_223);
        let breath = f64::from(self.seed >> 8) / f64::from(1u32 << 24) - 0.5;
        let syllable = (2.0 * PI * 4.0 * t).sin().max(0.0);
        let pause = if t % 2.0 > 1.7 { 0.0 } else { 1.0 };
        Some(((0.2 * pulses + 0.1 * breath) * syllable * pause * 32767.0 * 0.8) as i16)
    }
}
