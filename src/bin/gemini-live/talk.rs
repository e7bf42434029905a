//! `gemini-live talk`: streams a WAV file as realtime audio and writes the reply as a WAV.

use super::chat::wait_turn;
use gemini_live::{Config, Event};
use std::path::PathBuf;
use std::time::{Duration, Instant};

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

pub(crate) fn talk(
    config: Config,
    input: &PathBuf,
    output: &PathBuf,
    fast: bool,
) -> Result<(), Box<dyn std::error::Error>> {
    let (samples, rate) = read_wav(input)?;
    let session = super::connect(config)?;
    let chunk = (rate as usize / 50).max(1); // 20 ms
    let mut reply: Vec<i16> = Vec::new();
    let mut reply_rate = 24_000;
    let started = Instant::now();
    let sent = super::progress::AudioSent::default();
    let total = Duration::from_micros(samples.len() as u64 * 1_000_000 / u64::from(rate.max(1)));
    std::thread::scope(|s| -> Result<(), Box<dyn std::error::Error>> {
        let progress = super::progress::Progress::start(s, &session, total, &sent);
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
                sent.add(c.len(), rate);
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
        progress.finish();
        Ok(())
    })?;
    println!();
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
    eprintln!(
        "gemini-live: wrote {} ms of reply audio to {} ({} ms after the first chunk)",
        reply.len() as u64 * 1000 / reply_rate.max(1) as u64,
        output.display(),
        started.elapsed().as_millis()
    );
    session.close()?;
    Ok(())
}
