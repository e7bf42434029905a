//! `gemini-live talk --mic`: a live conversation through the sound card (cargo feature `mic`).
//!
//! microphone (cpal input callback) -> lock-free ring -> this thread: resampler to 16 kHz
//! mono, level meter, `send_audio` -> the session -> events -> player writer -> the player's
//! real-time-safe read in the cpal output callback -> speaker. The server's voice activity
//! detection does barge-in: when it hears the user over the reply it sends `interrupted`, the
//! player is flushed at once and the heard part of the reply's transcript is printed.
//!
//! `--echo-cancel` (a speakerphone): the player records what the speaker callback played, and
//! an echo canceller ([`gemini_live::audio::EchoCanceller`], WebRTC's AEC3) takes it out of
//! the 16 kHz microphone audio on this thread, before `send_audio` (AEC3 allocates, so not
//! in the capture callback); its figures are printed at the end. `--echo-delay-ms` is the
//! device delay hint.
//!
//! Devices: the system defaults, or the one whose id is (or whose name contains)
//! `GEMINI_LIVE_MIC_DEVICE` / `GEMINI_LIVE_SPEAKER_DEVICE` (e.g. `null`, ALSA's null device,
//! where no sound card exists). Press Enter to stop: the audio stream is ended, the last reply awaited (10 s at
//! most) and the session closed.

use gemini_live::audio::{
    EchoCanceller, EchoConfig, Player, PlayerConfig, PlayerReader, Resampler,
};
use gemini_live::{Config, Event, Session};
use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cpal::traits::{DeviceTrait, HostTrait, StreamTrait};

type BoxError = Box<dyn std::error::Error>;

fn pick(host: &cpal::Host, env: &str, input: bool) -> Result<cpal::Device, BoxError> {
    let kind = if input { "input" } else { "output" };
    if let Some(want) = std::env::var(env).ok().filter(|s| !s.is_empty()) {
        let devices: Vec<cpal::Device> = if input {
            host.input_devices()?.collect()
        } else {
            host.output_devices()?.collect()
        };
        for d in devices {
            let name = d
                .description()
                .map(|d| d.name().to_string())
                .unwrap_or_default();
            // The id is the host's own name for it (ALSA: `null`, `hw:0,0`, ...).
            let id = d.id().map(|id| id.1).unwrap_or_default();
            if id == want || name.contains(&want) {
                return Ok(d);
            }
        }
        return Err(format!("no {kind} device named like {want:?} ({env})").into());
    }
    let d = if input {
        host.default_input_device()
    } else {
        host.default_output_device()
    };
    d.ok_or_else(|| format!("no default {kind} device; set {env}").into())
}

fn device_name(d: &cpal::Device) -> String {
    d.description()
        .map(|d| d.name().to_string())
        .unwrap_or_else(|_| "?".into())
}

/// The microphone: its samples go into a ring the session side drains.
fn open_mic(
    device: &cpal::Device,
) -> Result<(cpal::Stream, rtrb::Consumer<f32>, u32, u16), BoxError> {
    let supported = device.default_input_config()?;
    let config = supported.config();
    let (rate, channels) = (config.sample_rate, config.channels);
    // Two seconds of slack between the callback and this thread.
    let (mut tx, rx) = rtrb::RingBuffer::<f32>::new(rate as usize * channels as usize * 2);
    let err = |e| eprintln!("\ngemini-live: microphone: {e}");
    let stream = match supported.sample_format() {
        cpal::SampleFormat::F32 => device.build_input_stream(
            &config,
            move |data: &[f32], _: &_| {
                let _ = tx.push_partial_slice(data);
            },
            err,
            None,
        )?,
        cpal::SampleFormat::I16 => device.build_input_stream(
            &config,
            move |data: &[i16], _: &_| {
                for &s in data {
                    if tx.push(s as f32 / 32768.0).is_err() {
                        break;
                    }
                }
            },
            err,
            None,
        )?,
        other => return Err(format!("microphone sample format {other:?} is not supported").into()),
    };
    Ok((stream, rx, rate, channels))
}

/// The speaker: its callback reads the player, real-time safe. With `echo` (the device delay
/// hint), an echo canceller for 16 kHz microphone audio, fed with what the callback plays.
fn open_speaker(
    device: &cpal::Device,
    echo: Option<Duration>,
) -> Result<
    (
        cpal::Stream,
        gemini_live::audio::PlayerWriter,
        Option<EchoCanceller>,
    ),
    BoxError,
> {
    let supported = device.default_output_config()?;
    let config = supported.config();
    let mut player = Player::new(PlayerConfig::for_device(
        config.sample_rate,
        config.channels,
    ))?;
    let canceller = match echo {
        Some(device_delay) => Some(
            player
                .echo_canceller(EchoConfig {
                    device_delay,
                    ..EchoConfig::default()
                })
                .map_err(|e| {
                    format!(
                        "--echo-cancel: {}",
                        e.message(gemini_live::wording::Lang::Cli)
                    )
                })?,
        ),
        None => None,
    };
    let (writer, mut reader): (_, PlayerReader) = player.split();
    let err = |e| eprintln!("\ngemini-live: speaker: {e}");
    let stream = match supported.sample_format() {
        cpal::SampleFormat::F32 => device.build_output_stream(
            &config,
            move |out: &mut [f32], _: &_| {
                reader.read_f32(out);
            },
            err,
            None,
        )?,
        cpal::SampleFormat::I16 => device.build_output_stream(
            &config,
            move |out: &mut [i16], _: &_| {
                reader.read(out);
            },
            err,
            None,
        )?,
        other => return Err(format!("speaker sample format {other:?} is not supported").into()),
    };
    Ok((stream, writer, canceller))
}

/// A level bar for the last stretch of microphone audio.
fn meter(samples: &[i16]) -> String {
    let rms = (samples.iter().map(|&s| (s as f64).powi(2)).sum::<f64>()
        / samples.len().max(1) as f64)
        .sqrt();
    let db = 20.0 * (rms / 32768.0).max(1e-5).log10(); // -100 .. 0
    let bars = ((db + 60.0) / 3.0).clamp(0.0, 20.0) as usize;
    format!("mic {:>5.1} dB [{:<20}]", db, "#".repeat(bars))
}

/// The conversation; `echo_cancel`: `--echo-cancel` with its device delay hint.
pub(crate) fn run(mut config: Config, echo_cancel: Option<Duration>) -> Result<(), BoxError> {
    // The reply's transcript is what gets cut at the heard position on barge-in.
    config.output_transcription = true;
    let host = cpal::default_host();
    let mic_dev = pick(&host, "GEMINI_LIVE_MIC_DEVICE", true)?;
    let spk_dev = pick(&host, "GEMINI_LIVE_SPEAKER_DEVICE", false)?;
    let (mic, mut mic_rx, mic_rate, mic_ch) = open_mic(&mic_dev)?;
    let (speaker, mut player, mut canceller) = open_speaker(&spk_dev, echo_cancel)?;
    let advice = match echo_cancel {
        Some(delay) => format!(
            "echo cancellation on (device delay hint {} ms)",
            delay.as_millis()
        ),
        None => "use headphones (or the model hears itself; --echo-cancel)".to_string(),
    };
    eprintln!(
        "gemini-live: microphone {:?} ({mic_rate} Hz x{mic_ch}), speaker {:?}; \
         {advice}; press Enter to stop",
        device_name(&mic_dev),
        device_name(&spk_dev)
    );
    let session = Arc::new(Session::connect(config)?);
    // Ctrl-C closes it (a close frame), then the process exits 130.
    crate::interrupt::watch(&session);
    let stop = Arc::new(AtomicBool::new(false));
    let stop_in = Arc::clone(&stop);
    // Enter (or the end of stdin) stops; the thread is left blocked in read if neither comes.
    std::thread::spawn(move || {
        let mut line = String::new();
        let _ = std::io::stdin().read_line(&mut line);
        stop_in.store(true, Ordering::SeqCst);
    });
    mic.play()?;
    speaker.play()?;
    let mut resampler = Resampler::to_16k_mono(mic_rate, mic_ch)?;
    let mut pending: Vec<i16> = Vec::with_capacity(640);
    let mut block = vec![0f32; 4096];
    let mut transcript = String::new();
    let mut last_meter = Instant::now();
    let mut meter_samples: Vec<i16> = Vec::new();
    let mut ending: Option<Instant> = None;
    loop {
        // Microphone -> 16 kHz -> 20 ms chunks to the session.
        let n = mic_rx.slots().min(block.len());
        if let Ok(chunk) = mic_rx.read_chunk(n) {
            let (a, b) = chunk.as_slices();
            let len = a.len() + b.len();
            block[..a.len()].copy_from_slice(a);
            block[a.len()..len].copy_from_slice(b);
            chunk.commit_all();
            if ending.is_none() {
                resampler.process_f32(&block[..len], &mut pending);
            }
        }
        while pending.len() >= 320 {
            let mut c: Vec<i16> = pending.drain(..320).collect();
            if let Some(ec) = canceller.as_mut() {
                ec.process_in_place(&mut c);
            }
            meter_samples.extend_from_slice(&c);
            session.send_audio(&c)?;
        }
        if last_meter.elapsed() >= Duration::from_millis(100) && ending.is_none() {
            eprint!("\r{}", meter(&meter_samples));
            let _ = std::io::stderr().flush();
            meter_samples.clear();
            last_meter = Instant::now();
        }
        if stop.load(Ordering::SeqCst) && ending.is_none() {
            resampler.flush(&mut pending);
            if !pending.is_empty() {
                let mut rest = std::mem::take(&mut pending);
                if let Some(ec) = canceller.as_mut() {
                    ec.process_in_place(&mut rest);
                }
                session.send_audio(&rest)?;
            }
            session.audio_stream_end()?;
            eprintln!("\ngemini-live: stopping; waiting for the last reply");
            ending = Some(Instant::now());
        }
        if ending.is_some_and(|t| t.elapsed() > Duration::from_secs(10)) {
            break;
        }
        // Events, for at most 10 ms (the microphone is drained between them).
        let Some(ev) = session.next_event(Duration::from_millis(10))? else {
            continue;
        };
        match &ev {
            Event::InputTranscription { text, .. } => eprintln!("\nyou: {text}"),
            Event::OutputTranscription { text, .. } | Event::Text(text) => {
                transcript.push_str(text);
                print!("{text}");
                let _ = std::io::stdout().flush();
            }
            Event::Closed { .. } => break,
            Event::Error(e) => eprintln!(
                "\ngemini-live: {}",
                e.message(gemini_live::wording::Lang::Cli)
            ),
            _ => {}
        }
        if let Some(p) = player.handle_event(&ev) {
            if p.interrupted {
                println!(
                    "\n[interrupted: heard {} of {} ms: \"{}\"]",
                    p.heard_duration().as_millis(),
                    p.received_duration().as_millis(),
                    p.cut_transcript(&transcript)
                );
            } else {
                println!();
            }
            transcript.clear();
            if ending.is_some() {
                // Let the speaker play the reply out, then stop.
                let deadline = Instant::now() + Duration::from_secs(30);
                while player.stats().buffered > 0 && Instant::now() < deadline {
                    std::thread::sleep(Duration::from_millis(20));
                }
                break;
            }
        }
    }
    drop(mic);
    drop(speaker);
    let s = player.stats();
    eprintln!(
        "gemini-live: played {} ms, {} underruns, {} ms dropped",
        s.played * 1000 / s.device_rate.max(1) as u64,
        s.underruns,
        (s.dropped + s.overflowed) * 1000 / s.device_rate.max(1) as u64
    );
    if let Some(ec) = &canceller {
        let e = ec.stats();
        let db = |v: Option<f64>| v.map_or("-".to_string(), |v| format!("{v:.1} dB"));
        eprintln!(
            "gemini-live: echo canceller: {} ms of microphone, {} ms of played reference, \
             ERLE {}, echo delay found {}, re-aligned {} times",
            e.capture_frames * 10,
            e.reference_frames * 10,
            db(e.erle_db),
            e.delay_estimate
                .map_or("-".to_string(), |d| format!("{} ms", d.as_millis())),
            e.realigned
        );
    }
    session.close()?;
    Ok(())
}
