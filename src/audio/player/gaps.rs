//! Word gaps in a reply, found on the writer's side as the audio is queued, so the reader
//! can pause a slow reply between words rather than run dry in one (see `pacing.rs`).
//!
//! The audio is cut into 10 ms blocks; a block is quiet when its RMS is 20 dB or more under
//! the loudest block of the reply so far, or under an absolute floor (-50 dBFS) before
//! anything loud. A quiet block after a sounding one starts a gap; its middle (quiet on both
//! sides) is where a pause may fall, and the latest such position is what the writer
//! publishes. Arithmetic only; it runs on the writer's thread.

/// Quiet: this far under the reply's loudest block (20 dB in amplitude).
const BELOW_LOUDEST: f64 = 0.1;
/// Quiet whatever came before: RMS under this (about -50 dBFS).
const FLOOR: f64 = 100.0;

/// The gap finder of one player's writer.
#[derive(Debug)]
pub(crate) struct GapFinder {
    /// Samples per block (10 ms at the device rate).
    block: u64,
    /// The block being filled: its first sample's stream position, sum of squares, samples.
    start: u64,
    energy: f64,
    filled: u64,
    /// The loudest block RMS of the current reply.
    loudest: f64,
    /// Whether the last complete block was quiet (a gap already begun).
    in_gap: bool,
}

impl GapFinder {
    /// A finder for audio at `device_rate` Hz.
    pub(crate) fn new(device_rate: u32) -> GapFinder {
        GapFinder {
            block: (u64::from(device_rate) / 100).max(1),
            start: 0,
            energy: 0.0,
            filled: 0,
            loudest: 0.0,
            in_gap: true,
        }
    }

    /// A new reply (or a flush): blocks start again at stream position `at`, and the reply's
    /// level is learnt afresh. A reply's leading silence is not a gap to pause at.
    pub(crate) fn restart(&mut self, at: u64) {
        self.start = at;
        self.energy = 0.0;
        self.filled = 0;
        self.loudest = 0.0;
        self.in_gap = true;
    }

    /// Feeds samples queued at stream positions `at..at + samples.len()`; returns the
    /// position of the latest gap that begins in them, if any.
    pub(crate) fn feed(&mut self, samples: &[i16], at: u64) -> Option<u64> {
        if at != self.start + self.filled {
            // Audio was dropped in between (the latency cap): start a block here.
            self.start = at;
            self.energy = 0.0;
            self.filled = 0;
        }
        let mut latest = None;
        for &s in samples {
            self.energy += f64::from(s) * f64::from(s);
            self.filled += 1;
            if self.filled == self.block {
                let rms = (self.energy / self.block as f64).sqrt();
                let quiet = rms < FLOOR.max(self.loudest * BELOW_LOUDEST);
                if quiet && !self.in_gap {
                    latest = Some(self.start + self.block / 2);
                }
                self.in_gap = quiet;
                self.loudest = self.loudest.max(rms);
                self.start += self.block;
                self.energy = 0.0;
                self.filled = 0;
            }
        }
        latest
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `ms` milliseconds of a 300 Hz tone at amplitude `amp`, at 24 kHz.
    fn tone(ms: usize, amp: f64) -> Vec<i16> {
        (0..ms * 24)
            .map(|i| (amp * (i as f64 * 300.0 * std::f64::consts::TAU / 24_000.0).sin()) as i16)
            .collect()
    }

    #[test]
    fn a_quiet_stretch_between_words_is_a_gap_and_its_middle_the_pause_point() {
        let mut g = GapFinder::new(24_000);
        let mut audio = tone(50, 0.0);
        audio.extend(tone(200, 8000.0));
        audio.extend(tone(80, 300.0)); // 28 dB under the word
        audio.extend(tone(200, 8000.0));
        // Leading silence is no gap; the one after the first word begins at 250 ms.
        assert_eq!(g.feed(&audio, 0), Some(250 * 24 + 120));
    }

    #[test]
    fn a_steady_sound_has_no_gap_and_blocks_span_pushes() {
        let mut g = GapFinder::new(24_000);
        let word = tone(300, 8000.0);
        assert_eq!(g.feed(&word[..1000], 0), None);
        assert_eq!(g.feed(&word[1000..], 1000), None);
        let quiet = tone(30, 0.0);
        // Split mid-block: the gap is still found where it starts.
        assert_eq!(g.feed(&quiet[..100], 7200), None);
        assert_eq!(g.feed(&quiet[100..], 7300), Some(7200 + 120));
    }
}
