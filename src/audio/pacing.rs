//! How long a reply must be buffered before it plays without stalling: the player's
//! arrival-rate model (see [`PlayerConfig::adaptive_start`](super::PlayerConfig)).
//!
//! The model sends a reply as chunks; when it generates slower than real time (rate `r < 1`),
//! a player that starts at a fixed threshold runs dry mid-word. Chunk `k` arrives at about
//! `k * c / r` after the first (chunks of `c` seconds) and is needed `k * c` after playback
//! starts, so playback that starts `s` after the first chunk never runs dry if
//! `s >= (L - c) * (1/r - 1)` for a reply of `L` seconds. The pacer measures `r` on the writer's
//! side (audio received after the first chunk, over the wall-clock time since it), and takes
//! `L` from the previous completed reply, grown to what has arrived so far when the current
//! one is longer: a session's replies come from one model at one pace. The first reply of a
//! session has no previous one, so it starts as a fixed threshold would (today's behaviour:
//! nothing known, nothing delayed). Replies at or faster than real time are never delayed.
//!
//! Pure arithmetic on the writer's side; the reader only compares a counter with the delay
//! published here (see `player.rs`).

use std::time::{Duration, Instant};

/// The arrival model of one player's replies, kept by its writer.
#[derive(Debug)]
pub(crate) struct Pacer {
    source_rate: u32,
    /// When the current reply's first chunk arrived.
    first_at: Option<Instant>,
    /// Source samples of the current reply: its first chunk, and in all.
    first_chunk: u64,
    received: u64,
    chunks: u64,
    /// The current reply's measured rate (audio seconds per wall-clock second).
    rate: Option<f64>,
    /// The previous completed reply's rate and length (source samples).
    prior_rate: Option<f64>,
    prior_len: Option<u64>,
}

/// The longest start delay asked for, whatever the model: past it, a stall is the lesser evil.
const MAX_DELAY: Duration = Duration::from_secs(60);

impl Pacer {
    /// A pacer for audio at `source_rate` Hz.
    pub(crate) fn new(source_rate: u32) -> Pacer {
        Pacer {
            source_rate: source_rate.max(1),
            first_at: None,
            first_chunk: 0,
            received: 0,
            chunks: 0,
            rate: None,
            prior_rate: None,
            prior_len: None,
        }
    }

    /// A new reply begins.
    pub(crate) fn start_turn(&mut self) {
        self.first_at = None;
        self.first_chunk = 0;
        self.received = 0;
        self.chunks = 0;
        self.rate = None;
    }

    /// A chunk of `n` source samples arrived at `at`.
    pub(crate) fn chunk(&mut self, n: u64, at: Instant) {
        if n == 0 {
            return;
        }
        self.chunks += 1;
        match self.first_at {
            None => {
                self.first_at = Some(at);
                self.first_chunk = n;
            }
            Some(first) => {
                let elapsed = at.saturating_duration_since(first);
                // Under a millisecond says "as fast as the socket", not a rate.
                if elapsed >= Duration::from_millis(1) {
                    let audio = (self.received - self.first_chunk + n) as f64;
                    self.rate = Some(audio / f64::from(self.source_rate) / elapsed.as_secs_f64());
                }
            }
        }
        self.received += n;
    }

    /// The reply ended; a completed one (not cut by a flush) teaches the next one's length
    /// and rate.
    pub(crate) fn end_turn(&mut self, completed: bool) {
        if completed && self.received > 0 {
            self.prior_len = Some(self.received);
            if let Some(r) = self.rate {
                self.prior_rate = Some(r);
            }
        }
    }

    /// The arrival rate against real time (1.0: real time): this reply's once measured, else
    /// the previous reply's.
    pub(crate) fn rate(&self) -> Option<f64> {
        self.rate.or(self.prior_rate)
    }

    /// How long after its first chunk the current reply must start playing not to run dry:
    /// `(L - c) * (1/r - 1)` (module docs); zero at or above real time or with nothing known.
    pub(crate) fn required_delay(&self) -> Duration {
        let (Some(r), Some(prior_len)) = (self.rate(), self.prior_len) else {
            return Duration::ZERO;
        };
        if !(r > 0.0 && r < 1.0) {
            return Duration::ZERO;
        }
        let chunk = self.received.checked_div(self.chunks).unwrap_or(0);
        let len = prior_len.max(self.received + chunk);
        let ahead = len.saturating_sub(chunk) as f64;
        let secs = ahead / f64::from(self.source_rate) * (1.0 / r - 1.0);
        Duration::from_secs_f64(secs.min(MAX_DELAY.as_secs_f64()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds a reply of `chunks` chunks of 100 ms arriving at `rate` times real time.
    fn reply(p: &mut Pacer, t0: Instant, chunks: u32, rate: f64) {
        p.start_turn();
        for k in 0..chunks {
            let at = t0 + Duration::from_secs_f64(f64::from(k) * 0.1 / rate);
            p.chunk(2400, at);
        }
        p.end_turn(true);
    }

    #[test]
    fn nothing_known_delays_nothing_and_fast_replies_are_never_delayed() {
        let mut p = Pacer::new(24_000);
        p.start_turn();
        p.chunk(2400, Instant::now());
        assert_eq!(p.required_delay(), Duration::ZERO);
        let t0 = Instant::now();
        reply(&mut p, t0, 20, 5.0);
        p.start_turn();
        p.chunk(2400, t0);
        assert_eq!(p.required_delay(), Duration::ZERO);
        assert!((p.rate().unwrap_or(0.0) - 5.0).abs() < 0.01);
    }

    #[test]
    fn a_slow_reply_waits_what_its_last_chunk_needs() {
        let mut p = Pacer::new(24_000);
        let t0 = Instant::now();
        reply(&mut p, t0, 20, 0.7);
        assert!((p.rate().unwrap_or(0.0) - 0.7).abs() < 1e-6);
        // The next reply, at its first chunk: 1.9 s of audio still to come at 0.7x.
        p.start_turn();
        p.chunk(2400, t0);
        let want = 1.9 * (1.0 / 0.7 - 1.0);
        let got = p.required_delay().as_secs_f64();
        assert!((got - want).abs() < 1e-3, "{got} vs {want}");
    }

    #[test]
    fn a_reply_longer_than_the_last_grows_the_estimate() {
        let mut p = Pacer::new(24_000);
        let t0 = Instant::now();
        reply(&mut p, t0, 5, 0.5);
        p.start_turn();
        for k in 0..10 {
            p.chunk(2400, t0 + Duration::from_secs_f64(f64::from(k) * 0.2));
        }
        // 1.0 s received, so at least 1.1 s long: 1.0 s ahead of the first chunk, at 0.5x.
        assert!((p.required_delay().as_secs_f64() - 1.0).abs() < 1e-3);
    }
}
