//! A playout buffer for the model's audio, read from a real-time audio callback.
//!
//! The session side ([`PlayerWriter`]) pushes the model's 24 kHz chunks as they arrive; they
//! are resampled there (on the writer side) to the device's rate and put in a lock-free
//! single-producer single-consumer ring ([`rtrb`]). The device side ([`PlayerReader`]) pulls
//! exactly the frames its callback needs with [`PlayerReader::read`]: **real-time safe** — no
//! lock, no allocation, no system call, no waiting; a bounded copy and a few atomic loads and
//! stores. What is not there is silence, counted as an underrun.
//!
//! Positions are counted in device samples on one stream axis: the writer advances
//! `written`, the reader `read_pos`; a flush or a drop of old audio sets `skip_to`, which the
//! reader honours on its next read (it skips the ring forward to it). So
//! [`PlayerWriter::flush`] (or [`PlayerMonitor::flush`], from any thread) is one atomic store:
//! the very next read plays nothing of what was queued before it.
//!
//! **Barge-in.** On [`Event::Interrupted`] call `flush`: it returns
//! a [`TurnPlayback`] saying how much of the interrupted reply was received and how much the
//! callback had taken (heard) when the flush happened, in the model's samples and as a
//! fraction. [`TurnPlayback::cut_transcript`] cuts the reply's output transcript at that
//! point, proportionally by samples (the service gives no word timings, so the cut is an
//! estimate: it lands on the word boundary before the proportional position). The audio the
//! device holds in its own buffer after `read` returned (one callback period, plus the
//! driver's latency) is counted as heard, and so is audio dropped for the latency cap. The
//! same figures can be read at any time from any thread: [`PlayerMonitor::current`] (the turn
//! in progress) and [`PlayerMonitor::last`] (the latest flush or ended turn); C:
//! `gemini_live_player_current` / `_last`.
//!
//! **Jitter and latency.** Playback (re)starts only when [`PlayerConfig::start_threshold`] of
//! audio is buffered, or the turn has ended ([`PlayerWriter::end_turn`]) so what is there is
//! all there is. **Slow replies**: with [`PlayerConfig::adaptive_start`] (on by default) the
//! writer also measures how fast the reply arrives against real time, and when the model
//! generates slower than real time, playback waits (the threshold still the minimum) until
//! what is buffered will last to the reply's end, the length taken from the previous reply
//! (see `pacing.rs`); replies at or above real time start as before. The wait, the measured
//! rate and the underruns are in [`PlayerStats`]. More than [`PlayerConfig::max_latency`] buffered drops the oldest audio
//! (counted in [`PlayerStats::dropped`]); the service may send a reply faster than real
//! time, so the default is generous.
//!
//! **Echo cancellation.** [`Player::echo_canceller`] (or [`Player::played_tap`]) makes the
//! reader also record what it hands the device, silence included, into a second SPSC ring:
//! the reference of an echo canceller ([`super::echo`]). The read stays real-time safe.

use super::echo::{EchoCanceller, EchoConfig};
use super::pacing::Pacer;
pub use super::playback::{cut_at_fraction, PlayerStats, TurnPlayback};
use super::resample::{Resampler, OUTPUT_RATE};
use super::tap::{PlayedTap, TapWriter};
use crate::error::{Error, Result};
use crate::session::Event;
use rtrb::{Consumer, Producer, RingBuffer};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How a [`Player`] is set up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlayerConfig {
    /// The device's sample rate: what [`PlayerReader::read`] delivers. Defaults to 24000
    /// (no resampling).
    pub device_rate: u32,
    /// Interleaved channels per frame that `read` fills (the mono reply is copied to each).
    /// Defaults to 1.
    pub channels: u16,
    /// Rate of the audio pushed ([`PlayerWriter::push`]). Defaults to 24000 (the model's).
    pub source_rate: u32,
    /// Audio buffered before playback starts, and restarts after an underrun (jitter
    /// absorption). Defaults to 80 ms.
    pub start_threshold: Duration,
    /// Most audio buffered; past it the oldest is dropped (counted). Defaults to 30 s: the
    /// service can deliver a reply faster than real time.
    pub max_latency: Duration,
    /// Measure how fast each reply arrives and, when it comes slower than real time, start
    /// only once the buffer will last to its end (the threshold stays the minimum). Defaults
    /// to `true`.
    pub adaptive_start: bool,
}

impl Default for PlayerConfig {
    fn default() -> Self {
        PlayerConfig {
            device_rate: OUTPUT_RATE,
            channels: 1,
            source_rate: OUTPUT_RATE,
            start_threshold: Duration::from_millis(80),
            max_latency: Duration::from_secs(30),
            adaptive_start: true,
        }
    }
}

impl PlayerConfig {
    /// A configuration for a device at `device_rate` Hz with `channels` channels, the other
    /// fields at their defaults.
    pub fn for_device(device_rate: u32, channels: u16) -> PlayerConfig {
        PlayerConfig {
            device_rate,
            channels,
            ..PlayerConfig::default()
        }
    }
}

/// The state both halves share: atomics only.
#[derive(Debug, Default)]
struct Shared {
    device_rate: u32,
    source_rate: u32,
    /// Stream position after the last sample written.
    written: AtomicU64,
    /// Stream position the reader has reached (skips included).
    read_pos: AtomicU64,
    /// The reader skips forward to here on its next read (flush, drop of old audio).
    skip_to: AtomicU64,
    /// Audio before here belongs to an ended turn: play it out even under the threshold.
    drain_to: AtomicU64,
    /// Bumped by every flush; the reader then waits for the threshold again.
    flush_seq: AtomicU64,
    played: AtomicU64,
    underruns: AtomicU64,
    underrun_samples: AtomicU64,
    dropped: AtomicU64,
    overflowed: AtomicU64,
    flushed: AtomicU64,
    reads: AtomicU64,
    /// The current turn: number, stream position of its first sample, source samples
    /// received, whether it is still open.
    turn: AtomicU64,
    turn_start: AtomicU64,
    turn_received: AtomicU64,
    turn_open: AtomicBool,
    /// The latest flush's result.
    last_turn: AtomicU64,
    last_received: AtomicU64,
    last_heard: AtomicU64,
    last_interrupted: AtomicBool,
    /// Pacing: device samples the current turn must wait (with audio buffered) before it
    /// starts; the measured arrival rate in thousandths of real time; the latest turn's wait.
    required_wait: AtomicU64,
    arrival_milli: AtomicU64,
    start_delay: AtomicU64,
}

impl Shared {
    fn stats(&self) -> PlayerStats {
        let written = self.written.load(Ordering::Acquire);
        let read = self
            .read_pos
            .load(Ordering::Acquire)
            .max(self.skip_to.load(Ordering::Acquire));
        PlayerStats {
            device_rate: self.device_rate,
            buffered: written.saturating_sub(read),
            played: self.played.load(Ordering::Relaxed),
            underruns: self.underruns.load(Ordering::Relaxed),
            underrun_samples: self.underrun_samples.load(Ordering::Relaxed),
            dropped: self.dropped.load(Ordering::Relaxed),
            overflowed: self.overflowed.load(Ordering::Relaxed),
            flushed: self.flushed.load(Ordering::Relaxed),
            flushes: self.flush_seq.load(Ordering::Relaxed),
            reads: self.reads.load(Ordering::Relaxed),
            turn: self.turn.load(Ordering::Relaxed),
            start_delay: self.start_delay.load(Ordering::Relaxed),
            arrival_rate_milli: self.arrival_milli.load(Ordering::Relaxed),
        }
    }

    /// The current turn's playback as of now.
    fn current(&self, interrupted: bool) -> TurnPlayback {
        let start = self.turn_start.load(Ordering::Acquire);
        let written = self.written.load(Ordering::Acquire);
        let read = self.read_pos.load(Ordering::Acquire).min(written);
        let received = self.turn_received.load(Ordering::Acquire);
        let heard_dev = read.saturating_sub(start);
        let heard = ((heard_dev as u128 * self.source_rate as u128) / self.device_rate as u128)
            .min(received as u128) as u64;
        TurnPlayback {
            turn: self.turn.load(Ordering::Acquire),
            received,
            heard,
            source_rate: self.source_rate,
            interrupted,
        }
    }

    fn flush(&self) -> TurnPlayback {
        let playback = self.current(true);
        let written = self.written.load(Ordering::Acquire);
        let before = self
            .skip_to
            .fetch_max(written, Ordering::AcqRel)
            .max(self.read_pos.load(Ordering::Acquire));
        self.flushed
            .fetch_add(written.saturating_sub(before), Ordering::Relaxed);
        self.flush_seq.fetch_add(1, Ordering::AcqRel);
        self.turn_open.store(false, Ordering::Release);
        self.remember(&playback);
        playback
    }

    fn remember(&self, p: &TurnPlayback) {
        self.last_turn.store(p.turn, Ordering::Relaxed);
        self.last_received.store(p.received, Ordering::Relaxed);
        self.last_heard.store(p.heard, Ordering::Relaxed);
        self.last_interrupted
            .store(p.interrupted, Ordering::Release);
    }

    fn last(&self) -> TurnPlayback {
        TurnPlayback {
            turn: self.last_turn.load(Ordering::Relaxed),
            received: self.last_received.load(Ordering::Relaxed),
            heard: self.last_heard.load(Ordering::Relaxed),
            source_rate: self.source_rate,
            interrupted: self.last_interrupted.load(Ordering::Acquire),
        }
    }
}

/// A playout buffer: a writer half for the session side and a reader half for the audio
/// callback. Split it with [`Player::split`] to move the halves to their threads.
#[derive(Debug)]
pub struct Player {
    /// The session side.
    pub writer: PlayerWriter,
    /// The audio-callback side.
    pub reader: PlayerReader,
}

impl Player {
    /// A player for `config`. Allocates the whole ring now (`max_latency` plus one second).
    pub fn new(config: PlayerConfig) -> Result<Player> {
        let bad = |m: String| Err(Error::InvalidInput(m));
        if config.channels == 0 || config.channels > super::resample::MAX_CHANNELS {
            return bad(format!("player: {} channels", config.channels));
        }
        let resampler = if config.source_rate != config.device_rate {
            Some(Resampler::new(config.source_rate, 1, config.device_rate)?)
        } else if config.device_rate == 0 || config.device_rate > super::resample::MAX_RATE {
            return bad(format!("player: device rate {} Hz", config.device_rate));
        } else {
            None
        };
        let rate = config.device_rate as u64;
        let max_latency = samples_in(config.max_latency, rate).clamp(1, rate * 600);
        let threshold = samples_in(config.start_threshold, rate).min(max_latency) as usize;
        let (producer, consumer) = RingBuffer::new((max_latency + rate) as usize);
        let shared = Arc::new(Shared {
            device_rate: config.device_rate,
            source_rate: config.source_rate,
            ..Shared::default()
        });
        Ok(Player {
            writer: PlayerWriter {
                shared: shared.clone(),
                producer,
                resampler,
                scratch: Vec::new(),
                max_latency,
                seen_flush: 0,
                pacer: config
                    .adaptive_start
                    .then(|| Pacer::new(config.source_rate)),
            },
            reader: PlayerReader {
                shared,
                consumer,
                channels: config.channels as usize,
                threshold: threshold.max(1),
                playing: false,
                pos: 0,
                seen_flush: 0,
                tap: None,
                waited: 0,
                seen_turn: 0,
                started: false,
            },
        })
    }

    /// The two halves, to move to their threads.
    pub fn split(self) -> (PlayerWriter, PlayerReader) {
        (self.writer, self.reader)
    }

    /// Starts recording what the reader plays (audio and silence, mono, at the device rate)
    /// into a tap (see [`super::tap`]), and returns its consumer half: an echo canceller's
    /// reference. Off until called; a second call replaces the first tap. Call it before the
    /// reader goes to its thread.
    pub fn played_tap(&mut self) -> PlayedTap {
        self.reader.played_tap()
    }

    /// Turns echo cancellation on: an [`EchoCanceller`] fed with what this player plays
    /// (through [`played_tap`](Self::played_tap)), for the microphone's audio at
    /// `config.capture_rate`. Call it before the reader goes to its thread.
    pub fn echo_canceller(&mut self, config: EchoConfig) -> Result<EchoCanceller> {
        EchoCanceller::check(&config, self.reader.shared.device_rate)?;
        EchoCanceller::new(self.played_tap(), config)
    }
}

/// The session side of a [`Player`]: push the model's audio, end turns, flush on barge-in.
/// One thread at a time (it is `Send`).
pub struct PlayerWriter {
    shared: Arc<Shared>,
    producer: Producer<i16>,
    resampler: Option<Resampler>,
    scratch: Vec<i16>,
    max_latency: u64,
    seen_flush: u64,
    /// The arrival model (`None` without [`PlayerConfig::adaptive_start`]).
    pacer: Option<Pacer>,
}

impl std::fmt::Debug for PlayerWriter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlayerWriter")
            .field("stats", &self.shared.stats())
            .finish()
    }
}

impl PlayerWriter {
    /// Queues mono samples at the source rate (24 kHz by default), opening a new turn if
    /// none is open. Returns the device samples queued (after resampling and any drop).
    pub fn push(&mut self, samples: &[i16]) -> usize {
        self.push_at(samples, Instant::now())
    }

    /// Like [`push`](Self::push), for audio that arrived at `arrived` (the pacing model's
    /// clock; [`push`](Self::push) uses now): for callers that queue what arrived earlier,
    /// and for simulations.
    pub fn push_at(&mut self, samples: &[i16], arrived: Instant) -> usize {
        self.catch_flush();
        if !self.shared.turn_open.load(Ordering::Acquire) {
            self.open_turn();
        }
        self.pace(samples.len() as u64, arrived);
        self.shared
            .turn_received
            .fetch_add(samples.len() as u64, Ordering::AcqRel);
        match self.resampler.as_mut() {
            Some(r) => {
                let mut buf = std::mem::take(&mut self.scratch);
                buf.clear();
                r.process(samples, &mut buf);
                let n = self.enqueue(&buf);
                self.scratch = buf;
                n
            }
            None => self.enqueue(samples),
        }
    }

    /// Queues little-endian PCM16 bytes (an odd trailing byte is ignored).
    pub fn push_bytes(&mut self, pcm: &[u8]) -> usize {
        let samples: Vec<i16> = pcm
            .chunks_exact(2)
            .map(|b| i16::from_le_bytes([b[0], b[1]]))
            .collect();
        self.push(&samples)
    }

    /// The reply is complete: what is buffered plays out even if under the start threshold.
    /// Returns the turn's playback so far (`heard` grows until it has played out; see
    /// [`PlayerMonitor::current`]).
    pub fn end_turn(&mut self) -> TurnPlayback {
        self.catch_flush();
        if !self.shared.turn_open.load(Ordering::Acquire) {
            return self.shared.last();
        }
        if let Some(r) = self.resampler.as_mut() {
            let mut buf = std::mem::take(&mut self.scratch);
            buf.clear();
            r.flush(&mut buf);
            self.enqueue(&buf);
            self.scratch = buf;
        }
        let written = self.shared.written.load(Ordering::Acquire);
        self.shared.drain_to.fetch_max(written, Ordering::AcqRel);
        self.shared.turn_open.store(false, Ordering::Release);
        if let Some(p) = self.pacer.as_mut() {
            p.end_turn(true);
        }
        let p = self.shared.current(false);
        self.shared.remember(&p);
        p
    }

    /// Barge-in: discards everything queued, effective on the reader's next `read`; returns
    /// how much of the turn was heard. Call it on [`Event::Interrupted`].
    pub fn flush(&mut self) -> TurnPlayback {
        let p = self.shared.flush();
        self.catch_flush();
        if let Some(pacer) = self.pacer.as_mut() {
            pacer.end_turn(false);
        }
        p
    }

    /// Feeds a session event: audio is pushed, `Interrupted` flushes, `ReplyDiscarded` (a
    /// reply a lost connection cut off, which will come again from the start) flushes too,
    /// `TurnComplete` ends the turn. Returns the playback summary for all but audio.
    pub fn handle_event(&mut self, event: &Event) -> Option<TurnPlayback> {
        match event {
            Event::Audio(chunk) => {
                if chunk.sample_rate != 0 && chunk.sample_rate != self.shared.source_rate {
                    log::warn!(
                        "player: audio at {} Hz, expected {} Hz; played at the wrong speed",
                        chunk.sample_rate,
                        self.shared.source_rate
                    );
                }
                self.push_bytes(&chunk.data);
                None
            }
            Event::Interrupted | Event::ReplyDiscarded { .. } => Some(self.flush()),
            Event::TurnComplete { .. } => Some(self.end_turn()),
            _ => None,
        }
    }

    /// Counters.
    pub fn stats(&self) -> PlayerStats {
        self.shared.stats()
    }

    /// A handle for other threads: statistics, the current turn, flush.
    pub fn monitor(&self) -> PlayerMonitor {
        PlayerMonitor(self.shared.clone())
    }

    /// A flush from another thread: drop the resampler's leftover too.
    fn catch_flush(&mut self) {
        let seq = self.shared.flush_seq.load(Ordering::Acquire);
        if seq != self.seen_flush {
            self.seen_flush = seq;
            if let Some(r) = self.resampler.as_mut() {
                r.reset();
            }
        }
    }

    /// Feeds the arrival model and publishes the wait it asks for, in device samples.
    fn pace(&mut self, n: u64, arrived: Instant) {
        let Some(p) = self.pacer.as_mut() else {
            return;
        };
        p.chunk(n, arrived);
        let s = &self.shared;
        if let Some(rate) = p.rate() {
            s.arrival_milli
                .store((rate * 1000.0).round() as u64, Ordering::Relaxed);
        }
        let wait = samples_in(p.required_delay(), u64::from(s.device_rate));
        s.required_wait.store(wait, Ordering::Release);
    }

    fn open_turn(&mut self) {
        if let Some(p) = self.pacer.as_mut() {
            p.start_turn();
        }
        let s = &self.shared;
        s.required_wait.store(0, Ordering::Release);
        s.turn_received.store(0, Ordering::Release);
        s.turn_start
            .store(s.written.load(Ordering::Acquire), Ordering::Release);
        s.turn.fetch_add(1, Ordering::AcqRel);
        s.turn_open.store(true, Ordering::Release);
    }

    /// Puts device samples in the ring, dropping the oldest past `max_latency`.
    fn enqueue(&mut self, samples: &[i16]) -> usize {
        let s = &self.shared;
        let mut samples = samples;
        if samples.len() as u64 > self.max_latency {
            let cut = samples.len() - self.max_latency as usize;
            s.dropped.fetch_add(cut as u64, Ordering::Relaxed);
            samples = &samples[cut..];
        }
        let written = s.written.load(Ordering::Acquire);
        let base = s
            .read_pos
            .load(Ordering::Acquire)
            .max(s.skip_to.load(Ordering::Acquire));
        let buffered = written.saturating_sub(base);
        let n = samples.len() as u64;
        if buffered + n > self.max_latency {
            let drop = buffered + n - self.max_latency;
            let prev = s.skip_to.fetch_max(base + drop, Ordering::AcqRel);
            let newly = (base + drop).saturating_sub(prev.max(base));
            s.dropped.fetch_add(newly, Ordering::Relaxed);
        }
        let (_, rest) = self.producer.push_partial_slice(samples);
        let pushed = samples.len() - rest.len();
        if !rest.is_empty() {
            s.overflowed.fetch_add(rest.len() as u64, Ordering::Relaxed);
        }
        s.written.fetch_add(pushed as u64, Ordering::AcqRel);
        pushed
    }
}

/// The audio-callback side of a [`Player`]. One thread at a time (it is `Send`); its
/// [`read`](Self::read) is real-time safe.
pub struct PlayerReader {
    shared: Arc<Shared>,
    consumer: Consumer<i16>,
    channels: usize,
    threshold: usize,
    playing: bool,
    pos: u64,
    seen_flush: u64,
    /// The played-signal tap, when one was asked for ([`Player::played_tap`]).
    tap: Option<TapWriter>,
    /// Device samples of silence given while the current turn's audio waited to start.
    waited: u64,
    seen_turn: u64,
    /// Whether the current turn has started playing (its start delay is recorded).
    started: bool,
}

impl std::fmt::Debug for PlayerReader {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PlayerReader")
            .field("channels", &self.channels)
            .field("playing", &self.playing)
            .finish()
    }
}

impl PlayerReader {
    /// Fills `out` (interleaved frames of `channels` samples) with the next audio, silence
    /// where there is none; returns the frames of real audio written (the rest is silence).
    /// Real-time safe: no lock, no allocation, no system call, bounded time.
    pub fn read(&mut self, out: &mut [i16]) -> usize {
        let ch = self.channels;
        let frames = out.len() / ch;
        let n = self.take(frames, |i, s| {
            for o in &mut out[i * ch..(i + 1) * ch] {
                *o = s;
            }
        });
        out[n * ch..].fill(0);
        if let Some(tap) = self.tap.as_mut() {
            tap.record(frames, n, |i| out[i * ch]);
        }
        n
    }

    /// Like [`read`](Self::read), for float devices (samples -1.0 to 1.0).
    pub fn read_f32(&mut self, out: &mut [f32]) -> usize {
        let ch = self.channels;
        let frames = out.len() / ch;
        let n = self.take(frames, |i, s| {
            let v = s as f32 / 32768.0;
            for o in &mut out[i * ch..(i + 1) * ch] {
                *o = v;
            }
        });
        out[n * ch..].fill(0.0);
        if let Some(tap) = self.tap.as_mut() {
            // Exact: the floats were made from these samples by this scale.
            tap.record(frames, n, |i| (out[i * ch] * 32768.0) as i16);
        }
        n
    }

    /// Counters (lock-free; callable from the callback).
    pub fn stats(&self) -> PlayerStats {
        self.shared.stats()
    }

    /// Interleaved channels per frame.
    pub fn channels(&self) -> u16 {
        self.channels as u16
    }

    /// Like [`Player::played_tap`], on the reader itself: call it while no read is running
    /// (before the reader goes to its thread, or from that thread). Allocates the tap.
    pub fn played_tap(&mut self) -> PlayedTap {
        let (writer, tap) = super::tap::tap(self.shared.device_rate);
        self.tap = Some(writer);
        tap
    }

    /// Takes up to `frames` samples from the ring, handing each to `put(index, sample)`.
    fn take(&mut self, frames: usize, mut put: impl FnMut(usize, i16)) -> usize {
        let s = &*self.shared;
        s.reads.fetch_add(1, Ordering::Relaxed);
        let seq = s.flush_seq.load(Ordering::Acquire);
        if seq != self.seen_flush {
            self.seen_flush = seq;
            self.playing = false;
        }
        let skip_to = s.skip_to.load(Ordering::Acquire);
        if skip_to > self.pos {
            let want = (skip_to - self.pos) as usize;
            let n = want.min(self.consumer.slots());
            if let Ok(chunk) = self.consumer.read_chunk(n) {
                chunk.commit_all();
                self.pos += n as u64;
            }
        }
        let avail = self.consumer.slots();
        let drain_to = s.drain_to.load(Ordering::Acquire);
        let turn = s.turn.load(Ordering::Acquire);
        if turn != self.seen_turn {
            self.seen_turn = turn;
            self.waited = 0;
            self.started = false;
            // A new reply after the last one played out starts afresh (threshold, pacing);
            // one queued behind the tail of the last plays on without a gap.
            if self.pos >= s.turn_start.load(Ordering::Acquire) {
                self.playing = false;
            }
        }
        let paced = self.waited >= s.required_wait.load(Ordering::Acquire);
        if !self.playing && avail > 0 && ((avail >= self.threshold && paced) || drain_to > self.pos)
        {
            self.playing = true;
            if !self.started {
                self.started = true;
                s.start_delay.store(self.waited, Ordering::Relaxed);
            }
        }
        if !self.playing && avail > 0 {
            self.waited += frames as u64;
        }
        let mut n = 0;
        if self.playing {
            let want = avail.min(frames);
            if let Ok(chunk) = self.consumer.read_chunk(want) {
                let (a, b) = chunk.as_slices();
                for &v in a.iter().chain(b.iter()) {
                    put(n, v);
                    n += 1;
                }
                chunk.commit_all();
            }
            self.pos += n as u64;
            if n < frames {
                self.playing = false;
                // Dry before the end of the turn: an underrun.
                if drain_to < self.pos {
                    s.underruns.fetch_add(1, Ordering::Relaxed);
                    s.underrun_samples
                        .fetch_add((frames - n) as u64, Ordering::Relaxed);
                }
            }
        } else if s.turn_open.load(Ordering::Acquire)
            && self.pos > s.turn_start.load(Ordering::Acquire)
        {
            // Rebuffering in the middle of a turn after an underrun.
            s.underrun_samples
                .fetch_add(frames as u64, Ordering::Relaxed);
        }
        s.played.fetch_add(n as u64, Ordering::Relaxed);
        s.read_pos.store(self.pos, Ordering::Release);
        n
    }
}

/// A handle on a player's shared state, for any thread: statistics, the current turn's
/// playback, and flush. Cheap to clone; lock-free.
#[derive(Clone, Debug)]
pub struct PlayerMonitor(Arc<Shared>);

impl PlayerMonitor {
    /// Counters.
    pub fn stats(&self) -> PlayerStats {
        self.0.stats()
    }

    /// The current (or latest) turn: received and heard so far.
    pub fn current(&self) -> TurnPlayback {
        self.0.current(false)
    }

    /// The result of the latest flush or ended turn.
    pub fn last(&self) -> TurnPlayback {
        self.0.last()
    }

    /// Discards everything queued, effective on the reader's next read (the writer also
    /// drops its resampler's leftover on its next call).
    pub fn flush(&self) -> TurnPlayback {
        self.0.flush()
    }
}

/// The samples `d` lasts at `rate`, rounded up, in integer arithmetic: through `f64`, 21 ms at
/// 24 kHz came out as 505 samples instead of 504 (0.021 * 24000 = 504.00000000000006), and a
/// buffer of exactly the threshold did not start.
fn samples_in(d: Duration, rate: u64) -> u64 {
    let samples = (d.as_nanos() * u128::from(rate)).div_ceil(1_000_000_000);
    u64::try_from(samples).unwrap_or(u64::MAX)
}
