//! `gemini-live talk`: streams a WAV file as realtime audio and writes the reply as a WAV.
//!
//! By default the WAV is resampled to what the Live API takes, 16 kHz mono PCM16
//! ([`gemini_live::audio::Resampler`]): a 44.1 kHz stereo file uploads 2.75x less per channel
//! than sending it at its own rate. `--send-as-is` sends the file's rate instead (channels
//! mixed down). `--mic` (cargo feature `mic`) talks live through the sound card.
//! `--telephony ulaw|alaw` reads and writes raw 8 kHz G.711 instead of WAV
//! ([`gemini_live::audio::telephony`]).

use super::chat::wait_turn;
use gemini_live::audio::{PhoneIn, PhoneOut, Resampler, G711};
use gemini_live::{Config, Event};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Live conversation through the microphone and speaker; `echo_cancel`: `--echo-cancel`
/// with its device delay hint (`--echo-delay-ms`).
#[cfg(feature = "mic")]
pub(crate) fn talk_mic(
    config: Config,
    echo_cancel: Option<Duration>,
) -> Result<(), Box<dyn std::error::Error>> {
    crate::mic::run(config, echo_cancel)
}

/// Without the `mic` feature: say how to get it.
#[cfg(not(feature = "mic"))]
pub(crate) fn talk_mic(
    _config: Config,
    _echo_cancel: Option<Duration>,
) -> Result<(), Box<dyn std::error::Error>> {
    Err(
        "--mic needs the `mic` feature: cargo install gemini_live --features mic \
         (on Linux, install libasound2-dev first)"
            .into(),
    )
}

/// The WAV's interleaved samples, its rate and channel count.
fn read_wav(path: &PathBuf) -> Result<(Vec<i16>, u32, u16), Box<dyn std::error::Error>> {
    let mut reader =
        hound::WavReader::open(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let spec = reader.spec();
    if spec.bits_per_sample != 16 || spec.sample_format != hound::SampleFormat::Int {
        return Err(format!("{}: expected 16-bit PCM", path.display()).into());
    }
    let raw: Vec<i16> = reader.samples::<i16>().collect::<Result<_, _>>()?;
    Ok((raw, spec.sample_rate, spec.channels.max(1)))
}

/// The audio to upload, in 20 ms chunks, and its rate.
type Upload = (Vec<Vec<i16>>, u32);

/// Cuts the file into 20 ms chunks, resampled to 16 kHz mono unless sent as is.
fn prepare(
    raw: &[i16],
    rate: u32,
    channels: u16,
    as_is: bool,
) -> Result<Upload, Box<dyn std::error::Error>> {
    let ch = channels as usize;
    if as_is {
        let mono: Vec<i16> = raw
            .chunks(ch)
            .map(|c| (c.iter().map(|&s| s as i32).sum::<i32>() / c.len() as i32) as i16)
            .collect();
        let chunk = (rate as usize / 50).max(1);
        return Ok((mono.chunks(chunk).map(<[i16]>::to_vec).collect(), rate));
    }
    // Streamed through the resampler 20 ms at a time, as a live source would be.
    let mut r = Resampler::to_16k_mono(rate, channels)?;
    let frames_in = (rate as usize / 50).max(1) * ch;
    let mut chunks = Vec::new();
    for piece in raw.chunks(frames_in) {
        let mut out = Vec::with_capacity(320);
        r.process(piece, &mut out);
        if !out.is_empty() {
            chunks.push(out);
        }
    }
    let mut tail = Vec::new();
    r.flush(&mut tail);
    if !tail.is_empty() {
        chunks.push(tail);
    }
    Ok((chunks, gemini_live::audio::INPUT_RATE))
}

/// Raw 8 kHz G.711 from the phone, 20 ms frames through [`PhoneIn`] and its end: 16 kHz
/// chunks.
fn prepare_phone(path: &PathBuf, law: G711) -> Result<(Upload, u32), Box<dyn std::error::Error>> {
    let codes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let mut p = PhoneIn::new(law)?;
    let mut chunks = Vec::new();
    for frame in codes.chunks(gemini_live::audio::telephony::FRAME_SAMPLES) {
        let mut out = Vec::with_capacity(p.max_output(frame.len()));
        p.process_vec(frame, &mut out);
        if !out.is_empty() {
            chunks.push(out);
        }
    }
    // The end of the call: the last partial frame and the filter's tail.
    let mut tail = Vec::new();
    if p.finish_vec(&mut tail) > 0 {
        chunks.push(tail);
    }
    Ok(((chunks, gemini_live::audio::INPUT_RATE), 8000))
}

/// The reply as raw G.711: band-limited, resampled to 8 kHz, whole 20 ms frames.
fn write_phone(
    path: &PathBuf,
    law: G711,
    reply: &[i16],
) -> Result<usize, Box<dyn std::error::Error>> {
    let mut p = PhoneOut::new(gemini_live::audio::PhoneOutConfig {
        law,
        max_buffer: Duration::from_secs(3600),
        ..Default::default()
    })?;
    let mut codes = Vec::new();
    let mut frame = [0u8; gemini_live::audio::telephony::FRAME_SAMPLES];
    for piece in reply.chunks(4800) {
        p.push(piece);
        while p.pop_frame(&mut frame) {
            codes.extend_from_slice(&frame);
        }
    }
    p.finish();
    while p.pop_frame(&mut frame) {
        codes.extend_from_slice(&frame);
    }
    std::fs::write(path, &codes).map_err(|e| format!("--output {}: {e}", path.display()))?;
    Ok(codes.len())
}

pub(crate) fn talk(
    config: Config,
    input: &PathBuf,
    output: &PathBuf,
    fast: bool,
    send_as_is: bool,
    telephony: Option<G711>,
) -> Result<(), Box<dyn std::error::Error>> {
    let ((chunks, rate), in_rate, channels) = match telephony {
        Some(law) => {
            let (upload, in_rate) = prepare_phone(input, law)?;
            (upload, in_rate, 1)
        }
        None => {
            let (raw, in_rate, channels) = read_wav(input)?;
            (
                prepare(&raw, in_rate, channels, send_as_is)?,
                in_rate,
                channels,
            )
        }
    };
    let uploaded: usize = chunks.iter().map(Vec::len).sum();
    if uploaded == 0 {
        return Err(format!(
            "--input {}: the file has no audio samples (a turn without audio asks for a reply to nothing)",
            input.display()
        )
        .into());
    }
    eprintln!(
        "gemini-live: sending {} ms of audio as {rate} Hz mono ({} bytes; the file is {in_rate} Hz, {channels} channel(s))",
        uploaded as u64 * 1000 / rate.max(1) as u64,
        uploaded * 2
    );
    let session = super::connect(config)?;
    let mut reply: Vec<i16> = Vec::new();
    let mut reply_rate = 24_000;
    let started = Instant::now();
    let sent = super::progress::AudioSent::default();
    let total = Duration::from_micros(uploaded as u64 * 1_000_000 / u64::from(rate.max(1)));
    let streamed = std::thread::scope(|s| -> Result<(), Box<dyn std::error::Error>> {
        let progress = super::progress::Progress::start(s, &session, total, &sent);
        let sender = s.spawn(|| -> gemini_live::Result<()> {
            let t0 = Instant::now();
            for (i, c) in chunks.iter().enumerate() {
                if !fast {
                    let due = t0 + Duration::from_millis(20 * i as u64);
                    if let Some(wait) = due.checked_duration_since(Instant::now()) {
                        std::thread::sleep(wait);
                    }
                }
                session.send_audio_rate(c, rate)?;
                sent.add(c.len(), rate);
            }
            session.audio_stream_end()
        });
        wait_turn(&session, |ev| match ev {
            Event::Audio(a) => {
                reply_rate = a.sample_rate;
                reply.extend(a.samples());
            }
            Event::Text(t) | Event::OutputTranscription { text: t, .. } => {
                print!("{t}");
                // Shown as it comes (stdout is line-buffered on a terminal).
                let _ = std::io::Write::flush(&mut std::io::stdout());
            }
            Event::InputTranscription { text, .. } => eprintln!("you: {text}"),
            ev @ (Event::ContextRestored { .. } | Event::ContextLost { .. }) => {
                if let Some(line) = super::context::note(ev) {
                    eprintln!("{line}");
                }
            }
            // A reply cut off by a lost connection comes again from the start: keep one copy.
            Event::ReplyDiscarded { .. } => {
                reply.clear();
                println!(" [cut off by a lost connection; the reply starts again]");
            }
            _ => {}
        })?;
        sender.join().map_err(|_| "the sending thread panicked")??;
        progress.finish();
        Ok(())
    });
    // After Ctrl-C the reply so far is kept; any other failure loses it.
    let interrupted = match streamed {
        Err(e) if e.is::<super::interrupt::Interrupted>() => true,
        Err(e) => return Err(e),
        Ok(()) => false,
    };
    println!();
    if let Some(law) = telephony {
        let reply = match reply_rate {
            24_000 => reply,
            other => {
                // PhoneOut takes the model's usual 24 kHz.
                let mut r = Resampler::new(other, 1, 24_000)?;
                let mut out = Vec::new();
                r.process(&reply, &mut out);
                r.flush(&mut out);
                out
            }
        };
        let n = write_phone(output, law, &reply)?;
        eprintln!(
            "gemini-live: wrote {} ms of reply audio to {} as 8 kHz {} ({} ms after the first chunk)",
            n as u64 / 8,
            output.display(),
            law.name(),
            started.elapsed().as_millis()
        );
        session.close()?;
        return Ok(());
    }
    let spec = hound::WavSpec {
        channels: 1,
        sample_rate: reply_rate,
        bits_per_sample: 16,
        sample_format: hound::SampleFormat::Int,
    };
    let write = || -> Result<(), hound::Error> {
        let mut w = hound::WavWriter::create(output, spec)?;
        for s in &reply {
            w.write_sample(*s)?;
        }
        w.finalize()
    };
    write().map_err(|e| format!("--output {}: {e}", output.display()))?;
    if interrupted {
        eprintln!(
            "gemini-live: interrupted: wrote the partial reply ({} ms of audio) to {}",
            reply.len() as u64 * 1000 / reply_rate.max(1) as u64,
            output.display()
        );
        return Err(super::interrupt::Interrupted.into());
    }
    eprintln!(
        "gemini-live: wrote {} ms of reply audio to {} ({} ms after the first chunk)",
        reply.len() as u64 * 1000 / reply_rate.max(1) as u64,
        output.display(),
        started.elapsed().as_millis()
    );
    session.close()?;
    Ok(())
}
