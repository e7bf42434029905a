//! Telephony audio: G.711 µ-law and A-law, and the rate changes between a phone line and the
//! Live API, in 20 ms frames.
//!
//! Twilio media streams and SIP trunks carry 8 kHz G.711 (µ-law in North America and Japan,
//! A-law elsewhere) in 20 ms frames of 160 bytes. The Live API takes 16 kHz PCM16 and answers
//! in 24 kHz PCM16. Two streaming converters do the work between them:
//!
//! - [`PhoneIn`]: G.711 at 8 kHz from the caller → 16 kHz PCM16 for
//!   [`Session::send_audio`](crate::Session::send_audio).
//! - [`PhoneOut`]: the model's 24 kHz PCM16 → 8 kHz G.711, band-limited first (a 5 kHz tone,
//!   which would alias to 3 kHz, is attenuated by more than 40 dB), queued and taken out in
//!   whole frames; [`PhoneOut::clear`] drops what is queued on barge-in (then send Twilio its
//!   `clear` message).
//!
//! Both resample with [`rubato`]'s windowed-sinc interpolator (Blackman-Harris, 128 taps) on
//! fixed 20 ms chunks, keep their state across calls (any split of the input gives the same
//! output) and **allocate nothing after construction**: every buffer is sized when they are
//! made. They take no lock and make no system call, so they may run on a real-time thread
//! (a test with a counting allocator proves it). The codec functions ([`G711::encode`],
//! [`G711::decode`] and their slice forms) are pure and real-time safe.
//!
//! **The codec.** The encoders follow ITU-T G.191's reference (`g711.c`): negative samples are
//! taken as their one's complement, so µ-law's "negative zero" code `0x7F` is what -1 to -4
//! encode to. Decoding gives the middle of each code's interval, as G.711's tables do, with one
//! difference: `0x7F` decodes to -1 instead of 0 (a difference of 1/32768, -90 dBFS), so that
//! each of the 256 codes of both laws comes back unchanged from decode → encode.

mod convert;
mod g711;

pub use g711::{alaw_decode, alaw_encode, ulaw_decode, ulaw_encode, G711};

use crate::error::{Error, Result};
use convert::{to_i16, Converter};
use std::collections::VecDeque;
use std::time::Duration;

/// The phone line's sample rate: 8 kHz.
pub const PHONE_RATE: u32 = 8_000;
/// Samples (and G.711 bytes) in one 20 ms frame at 8 kHz: 160.
pub const FRAME_SAMPLES: usize = 160;

/// The caller's side of a phone call: 8 kHz G.711 in, 16 kHz PCM16 out (what the Live API
/// takes). Streaming and allocation-free after [`PhoneIn::new`]; one per call.
///
/// Each 20 ms frame of 160 codes gives 320 samples (the first frame fewer: the filter's 8 ms
/// delay is dropped from the start so the output lines up with the input).
pub struct PhoneIn {
    law: G711,
    conv: Converter,
}

impl std::fmt::Debug for PhoneIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhoneIn").field("law", &self.law).finish()
    }
}

impl PhoneIn {
    /// A converter from `law` at 8 kHz to 16 kHz PCM16.
    pub fn new(law: G711) -> Result<PhoneIn> {
        Ok(PhoneIn {
            law,
            conv: Converter::new(PHONE_RATE, crate::audio::resample::INPUT_RATE)?,
        })
    }

    /// The companding law.
    pub fn law(&self) -> G711 {
        self.law
    }

    /// At least the room [`process`](Self::process) needs in `out` for `codes` more input
    /// codes: 320 per complete 20 ms chunk (with what is held from earlier calls), plus a
    /// margin.
    pub fn max_output(&self, codes: usize) -> usize {
        self.conv.max_output(codes)
    }

    /// The filter's look-ahead (8 ms): how far the output lags the input when it comes in
    /// whole 20 ms frames (other input waits until a 20 ms chunk is complete).
    pub fn latency(&self) -> Duration {
        self.conv.latency()
    }

    /// Decodes and resamples `codes`, writing 16 kHz samples to `out`; returns how many.
    /// `out` must hold [`max_output(codes.len())`](Self::max_output) samples, else
    /// [`Error::InvalidInput`] and nothing is consumed. Input that does not fill a 20 ms
    /// chunk is kept for the next call. Real-time safe: no allocation, no lock.
    pub fn process(&mut self, codes: &[u8], out: &mut [i16]) -> Result<usize> {
        let need = self.max_output(codes.len());
        if out.len() < need {
            return Err(Error::InvalidInput(format!(
                "the output needs room for {need} samples, the buffer has {}",
                out.len()
            )));
        }
        let law = self.law;
        let mut n = 0;
        let mut sink = |s: &[f32]| {
            for &v in s {
                out[n] = to_i16(v);
                n += 1;
            }
        };
        for &c in codes {
            self.conv
                .push(f32::from(law.decode(c)) / 32768.0, &mut sink);
        }
        Ok(n)
    }

    /// Like [`process`](Self::process), appending to a `Vec` (which grows if it must).
    pub fn process_vec(&mut self, codes: &[u8], out: &mut Vec<i16>) -> usize {
        let start = out.len();
        out.resize(start + self.max_output(codes.len()), 0);
        let n = self.process(codes, &mut out[start..]).unwrap_or(0);
        out.truncate(start + n);
        n
    }

    /// The room [`finish`](Self::finish) needs in `out`: 320 (a 20 ms chunk's worth, for
    /// the input short of one) plus the filter's delay ([`latency`](Self::latency)) plus one.
    pub fn finish_output_max(&self) -> usize {
        self.conv.finish_output_max()
    }

    /// The call has ended: resamples the input still held (short of a 20 ms chunk) and the
    /// filter's tail (its look-ahead, [`latency`](Self::latency)), writing the last 16 kHz samples to `out`; returns
    /// how many. With them, the whole call gives exactly two 16 kHz samples per code. Then
    /// it is ready for a new call, as after [`reset`](Self::reset). `out` must hold
    /// [`finish_output_max()`](Self::finish_output_max) samples, else
    /// [`Error::InvalidInput`] and nothing is done. Real-time safe: no allocation, no lock.
    pub fn finish(&mut self, out: &mut [i16]) -> Result<usize> {
        let need = self.finish_output_max();
        if out.len() < need {
            return Err(Error::InvalidInput(format!(
                "the output needs room for {need} samples, the buffer has {}",
                out.len()
            )));
        }
        let mut n = 0;
        self.conv.finish(&mut |s: &[f32]| {
            for &v in s {
                if let Some(o) = out.get_mut(n) {
                    *o = to_i16(v);
                    n += 1;
                }
            }
        });
        Ok(n)
    }

    /// Like [`finish`](Self::finish), appending to a `Vec` (which grows if it must).
    pub fn finish_vec(&mut self, out: &mut Vec<i16>) -> usize {
        let start = out.len();
        out.resize(start + self.finish_output_max(), 0);
        let n = self.finish(&mut out[start..]).unwrap_or(0);
        out.truncate(start + n);
        n
    }

    /// Forgets held input and the filter's state (a new call).
    pub fn reset(&mut self) {
        self.conv.reset();
    }
}

/// How a [`PhoneOut`] is set up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PhoneOutConfig {
    /// The companding law of the line. Defaults to [`G711::MuLaw`] (Twilio).
    pub law: G711,
    /// Codes per frame taken out by [`PhoneOut::pop_frame`]. Defaults to 160 (20 ms).
    pub frame: usize,
    /// Most audio queued; past it new audio is dropped (counted in
    /// [`PhoneOutStats::overflowed`]). Defaults to 60 s: the service can send a reply much
    /// faster than real time, and the line takes it at real time.
    pub max_buffer: Duration,
}

impl Default for PhoneOutConfig {
    fn default() -> Self {
        PhoneOutConfig {
            law: G711::MuLaw,
            frame: FRAME_SAMPLES,
            max_buffer: Duration::from_secs(60),
        }
    }
}

/// Counters of a [`PhoneOut`], in 8 kHz codes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PhoneOutStats {
    /// Codes queued now.
    pub buffered: u64,
    /// Codes taken out in frames.
    pub sent: u64,
    /// Codes dropped by [`PhoneOut::clear`] (barge-in).
    pub cleared: u64,
    /// Codes dropped because the queue was full.
    pub overflowed: u64,
    /// Frames taken out.
    pub frames: u64,
}

/// What [`PhoneOut::handle_event`] did with a session event.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PhoneOutAction {
    /// Not an event for the phone line.
    Ignored,
    /// Reply audio was queued (this many codes).
    Queued(usize),
    /// Barge-in (`Interrupted`, or a reply a lost connection discarded): the queue was
    /// cleared (this many codes dropped); tell the line to drop what it holds too (Twilio:
    /// the `clear` message).
    Cleared(usize),
    /// The reply ended: the last partial frame was padded with silence.
    Finished,
}

/// The model's side of a phone call: 24 kHz PCM16 in, band-limited to the phone's 4 kHz and
/// resampled to 8 kHz, G.711-encoded, queued, and taken out in whole frames. Streaming and
/// allocation-free after [`PhoneOut::new`]; one per call.
pub struct PhoneOut {
    config: PhoneOutConfig,
    conv: Converter,
    queue: VecDeque<u8>,
    capacity: usize,
    stats: PhoneOutStats,
}

impl std::fmt::Debug for PhoneOut {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PhoneOut")
            .field("config", &self.config)
            .field("stats", &self.stats())
            .finish()
    }
}

impl PhoneOut {
    /// A converter for `config`. Allocates the whole queue now.
    pub fn new(config: PhoneOutConfig) -> Result<PhoneOut> {
        if config.frame == 0 || config.frame > PHONE_RATE as usize {
            return Err(Error::InvalidInput(format!(
                "phone frame of {} codes: expected 1 to {PHONE_RATE}",
                config.frame
            )));
        }
        let capacity = (config.max_buffer.as_millis() as usize)
            .saturating_mul(PHONE_RATE as usize / 1000)
            .clamp(config.frame, PHONE_RATE as usize * 3600);
        Ok(PhoneOut {
            config,
            conv: Converter::new(crate::audio::resample::OUTPUT_RATE, PHONE_RATE)?,
            queue: VecDeque::with_capacity(capacity + FRAME_SAMPLES),
            capacity,
            stats: PhoneOutStats::default(),
        })
    }

    /// A converter for `law` with the other settings at their defaults.
    pub fn with_law(law: G711) -> Result<PhoneOut> {
        PhoneOut::new(PhoneOutConfig {
            law,
            ..PhoneOutConfig::default()
        })
    }

    /// The settings.
    pub fn config(&self) -> PhoneOutConfig {
        self.config
    }

    /// Queues the model's 24 kHz mono PCM16; returns the 8 kHz codes queued (about a third
    /// of the samples; the filter's 2.7 ms delay is held back until more comes or
    /// [`finish`](Self::finish)). Real-time safe: no allocation, no lock.
    pub fn push(&mut self, pcm: &[i16]) -> usize {
        let before = self.queue.len();
        for &s in pcm {
            self.push_sample(f32::from(s) / 32768.0);
        }
        self.queue.len().saturating_sub(before)
    }

    /// Like [`push`](Self::push), for little-endian PCM16 bytes (as in
    /// [`AudioChunk::data`](crate::AudioChunk)); an odd trailing byte is ignored.
    pub fn push_bytes(&mut self, pcm: &[u8]) -> usize {
        let before = self.queue.len();
        for b in pcm.chunks_exact(2) {
            self.push_sample(f32::from(i16::from_le_bytes([b[0], b[1]])) / 32768.0);
        }
        self.queue.len().saturating_sub(before)
    }

    fn push_sample(&mut self, v: f32) {
        let law = self.config.law;
        let cap = self.capacity;
        let (queue, stats) = (&mut self.queue, &mut self.stats);
        self.conv.push(v, &mut |out: &[f32]| {
            enqueue(queue, stats, cap, law, out);
        });
    }

    /// The reply has ended: pushes the filter's tail through and pads the last partial frame
    /// with silence, so all of it can be taken out. Real-time safe.
    pub fn finish(&mut self) {
        let law = self.config.law;
        let cap = self.capacity;
        let (queue, stats) = (&mut self.queue, &mut self.stats);
        self.conv.finish(&mut |out: &[f32]| {
            enqueue(queue, stats, cap, law, out);
        });
        let frame = self.config.frame;
        let partial = self.queue.len() % frame;
        if partial != 0 {
            for _ in partial..frame {
                if self.queue.len() < self.queue.capacity() {
                    self.queue.push_back(law.silence());
                }
            }
        }
    }

    /// Takes the next whole frame ([`PhoneOutConfig::frame`] codes) into the start of `out`;
    /// false (and `out` untouched) when less than a frame is queued or `out` is shorter
    /// than a frame. Real-time safe.
    pub fn pop_frame(&mut self, out: &mut [u8]) -> bool {
        let frame = self.config.frame;
        if self.queue.len() < frame || out.len() < frame {
            return false;
        }
        for (o, c) in out[..frame].iter_mut().zip(self.queue.drain(..frame)) {
            *o = c;
        }
        self.stats.sent += frame as u64;
        self.stats.frames += 1;
        true
    }

    /// Barge-in: drops everything queued and the filter's state; returns the codes dropped.
    /// Tell the line to drop what it holds too (Twilio: `{"event":"clear"}`). Real-time safe.
    pub fn clear(&mut self) -> usize {
        let n = self.queue.len();
        self.queue.clear();
        self.conv.reset();
        self.stats.cleared += n as u64;
        n
    }

    /// Feeds a session event: audio is queued, `Interrupted` and `ReplyDiscarded` clear,
    /// `TurnComplete` finishes the reply.
    pub fn handle_event(&mut self, event: &crate::Event) -> PhoneOutAction {
        use crate::Event;
        match event {
            Event::Audio(chunk) => PhoneOutAction::Queued(self.push_bytes(&chunk.data)),
            Event::Interrupted | Event::ReplyDiscarded { .. } => {
                PhoneOutAction::Cleared(self.clear())
            }
            Event::TurnComplete { .. } => {
                self.finish();
                PhoneOutAction::Finished
            }
            _ => PhoneOutAction::Ignored,
        }
    }

    /// Codes queued now.
    pub fn buffered(&self) -> usize {
        self.queue.len()
    }

    /// Counters.
    pub fn stats(&self) -> PhoneOutStats {
        PhoneOutStats {
            buffered: self.queue.len() as u64,
            ..self.stats
        }
    }
}

fn enqueue(queue: &mut VecDeque<u8>, stats: &mut PhoneOutStats, cap: usize, law: G711, s: &[f32]) {
    for &v in s {
        if queue.len() < cap {
            queue.push_back(law.encode(to_i16(v)));
        } else {
            stats.overflowed += 1;
        }
    }
}
