//! The fake's server voice activity detection, when [`FakeOptions::energy_vad`] asks for it:
//! a plain energy detector over the decoded 16 kHz input audio, 20 ms frames. Speech starts
//! when two frames in a row are louder than the threshold and ends after 500 ms under it.
//! The fake then sends `voiceActivity` `ACTIVITY_START` / `ACTIVITY_END`, as the real
//! service does on models that report it. Crude on purpose: it stands for a VAD that cannot
//! tell an echo from a talker, so tests can show that the echo no longer reaches it.
//!
//! [`FakeOptions::energy_vad`]: super::FakeOptions::energy_vad

/// 20 ms at 16 kHz.
const FRAME: usize = 320;
/// Loud frames in a row that start speech.
const START_FRAMES: u32 = 2;
/// Quiet frames in a row that end it (500 ms).
const END_FRAMES: u32 = 25;

/// A transition of the detector.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Activity {
    Start,
    End,
}

impl Activity {
    /// The `voiceActivity.type` on the wire.
    pub(super) fn wire(self) -> &'static str {
        match self {
            Activity::Start => "ACTIVITY_START",
            Activity::End => "ACTIVITY_END",
        }
    }
}

/// The detector's state on one connection.
#[derive(Debug)]
pub(super) struct EnergyVad {
    /// Mean square (of samples scaled to -1..1) above which a frame is loud.
    threshold: f64,
    energy: f64,
    filled: usize,
    run: u32,
    speaking: bool,
}

impl EnergyVad {
    /// A detector whose frames are loud above `threshold_dbfs` (RMS, dB full scale).
    pub(super) fn new(threshold_dbfs: f32) -> EnergyVad {
        EnergyVad {
            threshold: 10f64.powf(f64::from(threshold_dbfs) / 10.0),
            energy: 0.0,
            filled: 0,
            run: 0,
            speaking: false,
        }
    }

    /// Feeds little-endian PCM16; returns the transitions it caused, in order.
    pub(super) fn feed(&mut self, pcm: &[u8]) -> Vec<Activity> {
        let mut out = Vec::new();
        for b in pcm.chunks_exact(2) {
            let v = f64::from(i16::from_le_bytes([b[0], b[1]])) / 32768.0;
            self.energy += v * v;
            self.filled += 1;
            if self.filled < FRAME {
                continue;
            }
            let loud = self.energy / FRAME as f64 > self.threshold;
            self.energy = 0.0;
            self.filled = 0;
            if loud != self.speaking {
                self.run += 1;
            } else {
                self.run = 0;
            }
            let needed = if self.speaking {
                END_FRAMES
            } else {
                START_FRAMES
            };
            if self.run >= needed {
                self.speaking = !self.speaking;
                self.run = 0;
                out.push(if self.speaking {
                    Activity::Start
                } else {
                    Activity::End
                });
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pcm(amplitude: i16, ms: usize) -> Vec<u8> {
        (0..ms * 16)
            .flat_map(|i| {
                let v = if i % 2 == 0 { amplitude } else { -amplitude };
                v.to_le_bytes()
            })
            .collect()
    }

    #[test]
    fn starts_on_loud_audio_and_ends_after_half_a_second_of_quiet() {
        let mut vad = EnergyVad::new(-40.0);
        assert!(vad.feed(&pcm(100, 1000)).is_empty(), "-50 dBFS is quiet");
        assert_eq!(vad.feed(&pcm(3000, 40)), vec![Activity::Start]);
        assert!(vad.feed(&pcm(0, 480)).is_empty());
        assert_eq!(vad.feed(&pcm(0, 20)), vec![Activity::End]);
    }
}
