//! The state a player's two halves share, atomics only: stream positions, counters, the
//! current turn, and what the writer's pacing publishes for the reader.

use crate::audio::playback::{PlayerStats, TurnPlayback};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::Duration;

/// The state both halves share: atomics only.
#[derive(Debug, Default)]
pub(super) struct Shared {
    pub(super) device_rate: u32,
    pub(super) source_rate: u32,
    /// Stream position after the last sample written.
    pub(super) written: AtomicU64,
    /// Stream position the reader has reached (skips included).
    pub(super) read_pos: AtomicU64,
    /// The reader skips forward to here on its next read (flush, drop of old audio).
    pub(super) skip_to: AtomicU64,
    /// Audio before here belongs to an ended turn: play it out even under the threshold.
    pub(super) drain_to: AtomicU64,
    /// Bumped by every flush; the reader then waits for the threshold again.
    pub(super) flush_seq: AtomicU64,
    pub(super) played: AtomicU64,
    pub(super) underruns: AtomicU64,
    pub(super) underrun_samples: AtomicU64,
    pub(super) dropped: AtomicU64,
    pub(super) overflowed: AtomicU64,
    pub(super) flushed: AtomicU64,
    pub(super) reads: AtomicU64,
    /// The current turn: number, stream position of its first sample, source samples
    /// received, whether it is still open.
    pub(super) turn: AtomicU64,
    pub(super) turn_start: AtomicU64,
    pub(super) turn_received: AtomicU64,
    pub(super) turn_open: AtomicBool,
    /// The latest flush's result.
    pub(super) last_turn: AtomicU64,
    pub(super) last_received: AtomicU64,
    pub(super) last_heard: AtomicU64,
    pub(super) last_interrupted: AtomicBool,
    /// Pacing: device samples of silence the current turn must give before it plays on; the
    /// measured arrival rate in thousandths of real time; the latest turn's start wait.
    pub(super) required_wait: AtomicU64,
    pub(super) arrival_milli: AtomicU64,
    pub(super) start_delay: AtomicU64,
    /// Pacing of a reply slower than real time: the buffer (device samples) it needs to
    /// (re)start when it may run dry (0: it will not, by the measured rate); whether its
    /// length is unknown (the first reply of a session, or one that outgrew the last), so it
    /// may run dry whatever it waited.
    pub(super) resume_buffer: AtomicU64,
    pub(super) open_ended: AtomicBool,
    /// Stream position of the latest word gap the writer found in the audio (0: none).
    pub(super) latest_gap: AtomicU64,
    /// Pauses made at word gaps, and the silence they gave (device samples).
    pub(super) pauses: AtomicU64,
    pub(super) paused: AtomicU64,
}

impl Shared {
    pub(super) fn stats(&self) -> PlayerStats {
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
            pauses: self.pauses.load(Ordering::Relaxed),
            paused: self.paused.load(Ordering::Relaxed),
        }
    }

    /// The current turn's playback as of now.
    pub(super) fn current(&self, interrupted: bool) -> TurnPlayback {
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

    pub(super) fn flush(&self) -> TurnPlayback {
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

    pub(super) fn remember(&self, p: &TurnPlayback) {
        self.last_turn.store(p.turn, Ordering::Relaxed);
        self.last_received.store(p.received, Ordering::Relaxed);
        self.last_heard.store(p.heard, Ordering::Relaxed);
        self.last_interrupted
            .store(p.interrupted, Ordering::Release);
    }

    pub(super) fn last(&self) -> TurnPlayback {
        TurnPlayback {
            turn: self.last_turn.load(Ordering::Relaxed),
            received: self.last_received.load(Ordering::Relaxed),
            heard: self.last_heard.load(Ordering::Relaxed),
            source_rate: self.source_rate,
            interrupted: self.last_interrupted.load(Ordering::Acquire),
        }
    }
}

/// The samples `d` lasts at `rate`, rounded up, in integer arithmetic: through `f64`, 21 ms at
/// 24 kHz came out as 505 samples instead of 504 (0.021 * 24000 = 504.00000000000006), and a
/// buffer of exactly the threshold did not start.
pub(super) fn samples_in(d: Duration, rate: u64) -> u64 {
    let samples = (d.as_nanos() * u128::from(rate)).div_ceil(1_000_000_000);
    u64::try_from(samples).unwrap_or(u64::MAX)
}
