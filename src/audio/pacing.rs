//! How long a reply must be buffered before it plays without stalling: the player's
//! arrival-rate model (see [`PlayerConfig::adaptive_start`](super::PlayerConfig)).
//!
//! The model sends a reply as chunks; when it generates slower than real time (rate `r < 1`),
//! a player that starts at a fixed threshold runs dry mid-word. Chunk `k` arrives at about
//! `k * c / r` after the first (chunks of `c` seconds) and is needed `k * c` after playback
//! starts, so playback that starts `s` after the first chunk never runs dry if
//! `s >= (L - c) * (1/r - 1)` for a reply of `L` seconds; more generally, playback may go on
//! once the silence given so far (start wait, pauses) has reached that figure. The pacer
//! measures `r` on the writer's side (audio received after the first chunk, over the
//! wall-clock time since it), and takes `L` from the previous completed reply, grown to what
//! has arrived so far when the current one is longer: a session's replies come from one model
//! at one pace. Replies at or faster than real time are never delayed.
//!
//! **The first reply of a session** has no rate and no length to go by. It waits for its
//! second chunk (the rate, measured before deciding to start; the threshold stays the
//! minimum; at most [`HORIZON`], and not at all when the first chunk alone holds
//! [`LOOKAHEAD`] or the start threshold is zero), and since its end is unknown it is
//! *open-ended*: once the buffer falls under the resume buffer (it is about to run dry at the
//! measured rate), the reader pauses at the latest word gap queued (`player/gaps.rs` finds them
//! on the writer's side) instead of running dry mid-word, and goes on when the buffer will
//! last [`HORIZON`] of playback at that rate and holds at least [`LOOKAHEAD`] (so that the
//! next gap is likely to be in it). A reply longer than the previous one does the same once it
//! has outgrown the previous one's length; the wait it started with covered just that length,
//! so it runs dry once there (its buffer is about a chunk, too short to hold a gap), then
//! pauses at gaps. The silence this adds over the least a reply needed is bounded by what is
//! buffered when the reply ends: at most the resume buffer (300 ms at 0.7x), see
//! `tests/player_pacing.rs`.
//!
//! Why many short pauses rather than a few long ones: the silence a slow reply needs is the
//! same wherever it goes, and spread over most word gaps (each about 150 ms longer) it sounds
//! like slower speech, while few long ones sound like hesitation and hold more buffer when the
//! reply ends (more silence in all). Measured on 9 s of espeak-ng speech at 0.7x: this way 22
//! pauses of 170 ms on average, 145 ms over the least; pausing only under the lookahead and
//! resuming at lookahead plus a second's need, 7 pauses of 530 ms, 575 ms over, and a start
//! at 720 ms instead of 290 ms.
//!
//! Pure arithmetic on the writer's side; the reader only compares counters with the figures
//! published here (see `player/reader.rs`).

use std::time::{Duration, Instant};

/// The arrival model of one player's replies, kept by its writer.
#[derive(Debug)]
pub(crate) struct Pacer {
    source_rate: u32,
    /// Whether a reply with nothing known waits for its second chunk (not with a zero start
    /// threshold: no buffering before the start was asked for).
    probe: bool,
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

/// Added to a slow reply's wait: the wait is exact for chunks arriving on time, and one that
/// comes a few milliseconds late (a loaded machine, the network) would run the buffer dry.
/// Measured against the fake at 0.7x, without it the second reply ran dry once in a run;
/// 30 ms keeps the start within 50 ms of the least.
pub(crate) const JITTER_MARGIN: Duration = Duration::from_millis(30);

/// Playback a slow reply of unknown length must have buffered for, at its measured rate,
/// before it (re)starts: how long it plays between pauses.
pub(crate) const HORIZON: Duration = Duration::from_secs(1);

/// The least audio a slow reply of unknown length (re)starts with, whatever the rate: enough
/// that a word gap to pause at is likely in it (words last up to about half a second).
pub(crate) const LOOKAHEAD: Duration = Duration::from_millis(300);

/// What the reader is told about the current reply (see the module docs).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Plan {
    /// Silence (start wait and pauses) the reply needs before playback may go on (while
    /// its rate is being measured, [`HORIZON`]: the second chunk ends the wait).
    pub(crate) wait: Duration,
    /// Buffer a slow reply that may run dry needs before it (re)starts; zero when the
    /// measured rate says it will not run dry.
    pub(crate) resume_buffer: Duration,
    /// The reply's length is unknown (no previous reply, or it has outgrown the previous
    /// one): it may run dry whatever it waited.
    pub(crate) open_ended: bool,
}

impl Pacer {
    /// A pacer for audio at `source_rate` Hz; `probe`: a reply with nothing known waits for
    /// its second chunk.
    pub(crate) fn new(source_rate: u32, probe: bool) -> Pacer {
        Pacer {
            source_rate: source_rate.max(1),
            probe,
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

    /// What the reader is to do with the current reply (module docs).
    pub(crate) fn plan(&self) -> Plan {
        // No previous reply, or this one is longer (a reply as long as the last one is not:
        // its end, turnComplete, may come a little after its last chunk).
        let open_ended = self.prior_len.is_none_or(|len| self.received > len);
        let Some(r) = self.rate() else {
            // Nothing measured and nothing known: wait for the second chunk (or the end), at
            // most HORIZON, unless the first chunk alone holds LOOKAHEAD (enough to find a gap
            // in once the rate is known). A second chunk within a millisecond of the first
            // came as fast as the socket.
            let first =
                Duration::from_secs_f64(self.first_chunk as f64 / f64::from(self.source_rate));
            let probe = self.probe && self.chunks == 1 && first < LOOKAHEAD;
            return Plan {
                wait: if probe { HORIZON } else { Duration::ZERO },
                resume_buffer: Duration::ZERO,
                open_ended,
            };
        };
        if !(r > 0.0 && r < 1.0) {
            return Plan {
                wait: Duration::ZERO,
                resume_buffer: Duration::ZERO,
                open_ended,
            };
        }
        // In whole milliseconds: a rate measured as 0.69999999 must not ask for a sample more
        // than 0.7 does (and so wait a chunk longer).
        let resume = (HORIZON.as_secs_f64() * (1.0 - r) * 1000.0).round() as u64;
        Plan {
            wait: self.required_delay(),
            resume_buffer: Duration::from_millis(resume).max(LOOKAHEAD),
            open_ended,
        }
    }

    /// How long after its first chunk the current reply must start playing not to run dry:
    /// `(L - c) * (1/r - 1)` (module docs), `L` at least what has arrived and one chunk more,
    /// plus [`JITTER_MARGIN`]; zero at or above real time or with no rate known.
    pub(crate) fn required_delay(&self) -> Duration {
        let Some(r) = self.rate() else {
            return Duration::ZERO;
        };
        if !(r > 0.0 && r < 1.0) {
            return Duration::ZERO;
        }
        let chunk = self.received.checked_div(self.chunks).unwrap_or(0);
        let len = self.prior_len.unwrap_or(0).max(self.received + chunk);
        let ahead = len.saturating_sub(chunk) as f64;
        let secs = ahead / f64::from(self.source_rate) * (1.0 / r - 1.0);
        Duration::from_secs_f64(secs.min(MAX_DELAY.as_secs_f64())) + JITTER_MARGIN
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
        let mut p = Pacer::new(24_000, true);
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
        let mut p = Pacer::new(24_000, true);
        let t0 = Instant::now();
        reply(&mut p, t0, 20, 0.7);
        assert!((p.rate().unwrap_or(0.0) - 0.7).abs() < 1e-6);
        // The next reply, at its first chunk: 1.9 s of audio still to come at 0.7x, and the
        // jitter margin.
        p.start_turn();
        p.chunk(2400, t0);
        let want = 1.9 * (1.0 / 0.7 - 1.0) + 0.03;
        let got = p.required_delay().as_secs_f64();
        assert!((got - want).abs() < 1e-3, "{got} vs {want}");
    }

    #[test]
    fn a_reply_longer_than_the_last_grows_the_estimate() {
        let mut p = Pacer::new(24_000, true);
        let t0 = Instant::now();
        reply(&mut p, t0, 5, 0.5);
        p.start_turn();
        for k in 0..10 {
            p.chunk(2400, t0 + Duration::from_secs_f64(f64::from(k) * 0.2));
        }
        // 1.0 s received, so at least 1.1 s long: 1.0 s ahead of the first chunk, at 0.5x.
        assert!((p.required_delay().as_secs_f64() - 1.03).abs() < 1e-3);
    }

    #[test]
    fn the_first_reply_waits_for_its_rate_and_is_open_ended() {
        let mut p = Pacer::new(24_000, true);
        let t0 = Instant::now();
        p.start_turn();
        assert_eq!(p.plan().wait, Duration::ZERO, "nothing to wait for yet");
        p.chunk(2400, t0);
        let plan = p.plan();
        assert_eq!(
            plan.wait, HORIZON,
            "the first chunk alone says nothing of the rate"
        );
        assert!(plan.open_ended);
        p.chunk(2400, t0 + Duration::from_secs_f64(0.1 / 0.7));
        let plan = p.plan();
        // At 0.7x: the buffer must last 1 s of playback, 300 ms, which is also the least.
        assert!(
            (plan.resume_buffer.as_secs_f64() - 0.3).abs() < 1e-6,
            "{plan:?}"
        );
        // Two chunks, so at least three: 200 ms still to come at 0.7x.
        let want = 0.2 * (1.0 / 0.7 - 1.0) + 0.03;
        let got = plan.wait.as_secs_f64();
        assert!((got - want).abs() < 1e-6, "{got} vs {want}");
        p.end_turn(true);
        p.start_turn();
        p.chunk(2400, t0);
        assert!(!p.plan().open_ended, "the next reply has a length to go by");
        // Its length (200 ms) and rate: 100 ms still to come at 0.7x.
        let want = 0.1 * (1.0 / 0.7 - 1.0) + 0.03;
        assert!((p.plan().wait.as_secs_f64() - want).abs() < 1e-6);
        // A first chunk that holds the lookahead is not held back for the rate.
        let mut q = Pacer::new(24_000, true);
        q.start_turn();
        q.chunk(7200, t0);
        assert_eq!(q.plan().wait, Duration::ZERO);
    }

    #[test]
    fn a_burst_and_a_fast_reply_are_neither_paced_nor_paused() {
        let mut p = Pacer::new(24_000, true);
        let t0 = Instant::now();
        p.start_turn();
        p.chunk(2400, t0);
        p.chunk(2400, t0);
        let burst = p.plan();
        assert_eq!(burst.wait, Duration::ZERO);
        assert_eq!(burst.resume_buffer, Duration::ZERO);
        p.chunk(2400, t0 + Duration::from_millis(40));
        let fast = p.plan();
        assert_eq!(
            (fast.wait, fast.resume_buffer),
            (Duration::ZERO, Duration::ZERO)
        );
    }
}
