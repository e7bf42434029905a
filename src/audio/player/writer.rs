//! The session side of a player: resampling, the ring's producer, turns, flushes, and the
//! pacing model (`crate::audio::pacing`) and word-gap finder (`super::gaps`) it feeds.

use super::gaps::GapFinder;
use super::shared::{samples_in, Shared};
use super::PlayerMonitor;
use crate::audio::pacing::Pacer;
use crate::audio::playback::{PlayerStats, TurnPlayback};
use crate::audio::resample::Resampler;
use crate::session::Event;
use rtrb::Producer;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Instant;

/// The session side of a [`Player`](super::Player): push the model's audio, end turns, flush
/// on barge-in. One thread at a time (it is `Send`).
pub struct PlayerWriter {
    pub(super) shared: Arc<Shared>,
    pub(super) producer: Producer<i16>,
    pub(super) resampler: Option<Resampler>,
    pub(super) scratch: Vec<i16>,
    pub(super) max_latency: u64,
    pub(super) seen_flush: u64,
    /// The arrival model and the word-gap finder (`None` without
    /// [`PlayerConfig::adaptive_start`](super::PlayerConfig::adaptive_start)).
    pub(super) pacer: Option<(Pacer, GapFinder)>,
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
        if let Some((p, _)) = self.pacer.as_mut() {
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
        if let Some((pacer, _)) = self.pacer.as_mut() {
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
            if let Some((_, gaps)) = self.pacer.as_mut() {
                gaps.restart(self.shared.written.load(Ordering::Acquire));
            }
        }
    }

    /// Feeds the arrival model and publishes its plan for the reader, in device samples.
    fn pace(&mut self, n: u64, arrived: Instant) {
        let Some((p, _)) = self.pacer.as_mut() else {
            return;
        };
        p.chunk(n, arrived);
        let s = &self.shared;
        if let Some(rate) = p.rate() {
            s.arrival_milli
                .store((rate * 1000.0).round() as u64, Ordering::Relaxed);
        }
        let plan = p.plan();
        let rate = u64::from(s.device_rate);
        let wait = samples_in(plan.wait, rate);
        s.open_ended.store(plan.open_ended, Ordering::Release);
        s.resume_buffer
            .store(samples_in(plan.resume_buffer, rate), Ordering::Release);
        s.required_wait.store(wait, Ordering::Release);
    }

    fn open_turn(&mut self) {
        let s = &self.shared;
        if let Some((p, gaps)) = self.pacer.as_mut() {
            p.start_turn();
            gaps.restart(s.written.load(Ordering::Acquire));
        }
        s.required_wait.store(0, Ordering::Release);
        s.resume_buffer.store(0, Ordering::Release);
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
        if let Some((_, gaps)) = self.pacer.as_mut() {
            if let Some(gap) = gaps.feed(&samples[..pushed], written) {
                s.latest_gap.fetch_max(gap, Ordering::AcqRel);
            }
        }
        s.written.fetch_add(pushed as u64, Ordering::AcqRel);
        pushed
    }
}
