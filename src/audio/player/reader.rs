//! The device side of a player: [`PlayerReader::read`] is called from the real-time audio
//! callback, so everything here is lock-free and allocation-free: a bounded copy out of the
//! ring and a few atomic loads and stores. It also decides, from what the writer's pacing
//! publishes, when a slow reply starts, and where it pauses (at a word gap) rather than run
//! dry.

use super::shared::Shared;
use crate::audio::playback::PlayerStats;
use crate::audio::tap::{PlayedTap, TapWriter};
use rtrb::Consumer;
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// The audio-callback side of a [`Player`](super::Player). One thread at a time (it is `Send`); its
/// [`read`](Self::read) is real-time safe.
pub struct PlayerReader {
    pub(super) shared: Arc<Shared>,
    pub(super) consumer: Consumer<i16>,
    pub(super) channels: usize,
    pub(super) threshold: usize,
    pub(super) playing: bool,
    pub(super) pos: u64,
    pub(super) seen_flush: u64,
    /// The played-signal tap, when one was asked for
    /// ([`Player::played_tap`](super::Player::played_tap)).
    pub(super) tap: Option<TapWriter>,
    /// Device samples of silence the current turn has given since its first audio: the start
    /// wait, pauses and underruns (what pacing compares with the wait it asks for).
    pub(super) waited: u64,
    pub(super) seen_turn: u64,
    /// Whether the current turn has started playing (its start delay is recorded).
    pub(super) started: bool,
    /// Whether playback stopped at a word gap and waits for the buffer to last.
    pub(super) paused: bool,
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

    /// Like [`Player::played_tap`](super::Player::played_tap), on the reader itself: call it
    /// while no read is running (before the reader goes to its thread, or from that thread).
    /// Allocates the tap.
    pub fn played_tap(&mut self) -> PlayedTap {
        let (writer, tap) = crate::audio::tap::tap(self.shared.device_rate);
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
            self.paused = false;
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
            self.paused = false;
            // A new reply after the last one played out starts afresh (threshold, pacing);
            // one queued behind the tail of the last plays on without a gap.
            if self.pos >= s.turn_start.load(Ordering::Acquire) {
                self.playing = false;
            }
        }
        let drained = drain_to > self.pos;
        let wait = s.required_wait.load(Ordering::Acquire);
        let resume = s.resume_buffer.load(Ordering::Acquire);
        // The measured rate says the buffer runs dry before the reply ends: it comes slower
        // than real time, is still arriving, and its length is unknown or has outgrown the
        // silence given so far.
        let short =
            resume > 0 && !drained && (s.open_ended.load(Ordering::Acquire) || self.waited < wait);
        if !self.playing && avail > 0 {
            let ready = avail >= self.threshold
                && self.waited >= wait
                && (!short || avail as u64 >= resume);
            if ready || drained {
                self.playing = true;
                self.paused = false;
                if !self.started {
                    self.started = true;
                    s.start_delay.store(self.waited, Ordering::Relaxed);
                }
            }
        }
        let mut n = 0;
        if self.playing {
            let mut want = avail.min(frames);
            // Under the buffer it would need to go on: stop at the latest word gap queued.
            let mut at_gap = false;
            if short && (avail as u64) < resume {
                let gap = s.latest_gap.load(Ordering::Acquire);
                if gap > self.pos && gap - self.pos <= want as u64 {
                    want = (gap - self.pos) as usize;
                    at_gap = true;
                }
            }
            if let Ok(chunk) = self.consumer.read_chunk(want) {
                let (a, b) = chunk.as_slices();
                for &v in a.iter().chain(b.iter()) {
                    put(n, v);
                    n += 1;
                }
                chunk.commit_all();
            }
            self.pos += n as u64;
            if at_gap && n == want {
                self.playing = false;
                self.paused = true;
                s.pauses.fetch_add(1, Ordering::Relaxed);
            } else if n < frames {
                self.playing = false;
                // Dry before the end of the turn: an underrun.
                if drain_to < self.pos {
                    s.underruns.fetch_add(1, Ordering::Relaxed);
                    s.underrun_samples
                        .fetch_add((frames - n) as u64, Ordering::Relaxed);
                }
            }
        } else if !self.paused
            && s.turn_open.load(Ordering::Acquire)
            && self.pos > s.turn_start.load(Ordering::Acquire)
        {
            // Rebuffering in the middle of a turn after an underrun.
            s.underrun_samples
                .fetch_add(frames as u64, Ordering::Relaxed);
        }
        // The silence this read gave the current turn: waiting to start, a pause, or dry.
        let silent = (frames - n) as u64;
        if silent > 0 && (avail > n || (self.started && s.turn_open.load(Ordering::Acquire))) {
            self.waited += silent;
            if self.paused {
                s.paused.fetch_add(silent, Ordering::Relaxed);
            }
        }
        s.played.fetch_add(n as u64, Ordering::Relaxed);
        s.read_pos.store(self.pos, Ordering::Release);
        n
    }
}
