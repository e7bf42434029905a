//! The fast onset path of the client VAD: a rise of the spectrum over its recent floor.
//!
//! The detector's model (earshot) is sure of speech once it hears a vowel; a word that begins
//! with a plosive or a fricative ("could", "send") is audible 60 to 120 ms before that. This
//! path hears the consonant: every 8 ms it takes the spectrum of the last 16 ms (a 256-point
//! FFT under a Hann window), whitens each bin by its floor (the least of its smoothed power
//! over the last 64 ms, times 2 for the bias of a minimum), averages the whitened power in 8
//! bands of 1 kHz, and scores the frame as the mean over the bands of the dB more than 3 dB
//! above the floor. The evidence of an onset is the sum of the last four scores (32 ms) less
//! the largest: a rise heard in one window alone (a click, a one-sample glitch) is not
//! enough, a rise in two or more is.
//!
//! Stationary noise (white, pink and brown, 216 s of each) gives evidence under 0.2 (the floor
//! follows it within 64 ms); a speech onset at 10 dB SNR gives 0.5 to 100. What this path
//! cannot tell from speech is a sudden non-speech sound that lasts (a knock, a door): the
//! detector opens on it and retracts when the model does not confirm (see `Vad`).
//!
//! Real-time safe: everything is allocated at construction.

/// FFT size and window: 256 samples (16 ms at 16 kHz).
const N: usize = 256;
/// Hop: 128 samples (8 ms).
pub(super) const HOP: usize = 128;
/// Bins 2 to 127 (125 Hz to 8 kHz) in 8 bands of 1 kHz.
const EDGES: [usize; 9] = [2, 17, 33, 49, 65, 80, 96, 112, 128];
const BINS: usize = N / 2 + 1;
/// Hops of smoothed power over which a bin's floor is its minimum: 8 (64 ms).
const FLOOR_HOPS: usize = 8;
/// The minimum of noisy power lies under its mean: the floor is the minimum times this.
const FLOOR_BIAS: f32 = 2.0;
/// A band counts the dB by which it exceeds its floor beyond this.
const MARGIN_DB: f32 = 3.0;
/// Scores in the evidence: the last 4 (32 ms), less the largest.
const SUM_HOPS: usize = 4;

/// The spectral-rise onset detector (see the module docs). Boxed: about 7 KiB.
pub(super) struct Onset {
    window: [f32; N],
    cos: [f32; N / 2],
    sin: [f32; N / 2],
    re: [f32; N],
    im: [f32; N],
    /// The last 256 samples, oldest first.
    samples: [f32; N],
    smooth: [f32; BINS],
    floors: [[f32; BINS]; FLOOR_HOPS],
    hops: usize,
    scores: [f32; SUM_HOPS],
}

impl Onset {
    pub(super) fn new() -> Box<Onset> {
        let mut o = Box::new(Onset {
            window: [0.0; N],
            cos: [0.0; N / 2],
            sin: [0.0; N / 2],
            re: [0.0; N],
            im: [0.0; N],
            samples: [0.0; N],
            smooth: [0.0; BINS],
            floors: [[f32::MAX; BINS]; FLOOR_HOPS],
            hops: 0,
            scores: [0.0; SUM_HOPS],
        });
        let tau = 2.0 * std::f64::consts::PI;
        for (i, w) in o.window.iter_mut().enumerate() {
            *w = (0.5 - 0.5 * (tau * i as f64 / (N - 1) as f64).cos()) as f32;
        }
        for k in 0..N / 2 {
            let a = tau * k as f64 / N as f64;
            o.cos[k] = a.cos() as f32;
            o.sin[k] = -a.sin() as f32;
        }
        o
    }

    /// Forgets the signal.
    pub(super) fn reset(&mut self) {
        self.samples = [0.0; N];
        self.smooth = [0.0; BINS];
        self.floors = [[f32::MAX; BINS]; FLOOR_HOPS];
        self.hops = 0;
        self.scores = [0.0; SUM_HOPS];
    }

    /// Takes the next 128 samples; returns the onset evidence (the last 32 ms's scores less
    /// the largest).
    pub(super) fn hop(&mut self, pcm: &[i16; HOP]) -> f32 {
        self.samples.copy_within(HOP.., 0);
        for (d, &s) in self.samples[N - HOP..].iter_mut().zip(pcm) {
            *d = f32::from(s);
        }
        for i in 0..N {
            self.re[i] = self.samples[i] * self.window[i];
            self.im[i] = 0.0;
        }
        self.fft();
        // Smooth each bin's power and keep this hop's smoothed power for the floors.
        let slot = self.hops % FLOOR_HOPS;
        let mut band = [0.0f32; EDGES.len() - 1];
        for k in 0..BINS {
            let p = self.re[k] * self.re[k] + self.im[k] * self.im[k] + 1e-2;
            self.smooth[k] = 0.7 * self.smooth[k] + 0.3 * p;
            self.floors[slot][k] = self.smooth[k];
            self.re[k] = p;
        }
        for (b, v) in band.iter_mut().enumerate() {
            let bins = EDGES[b]..EDGES[b + 1];
            let n = bins.len() as f32;
            let mut sum = 0.0;
            for k in bins {
                let floor = self.floors.iter().fold(f32::MAX, |m, f| m.min(f[k]));
                sum += self.re[k] / (floor * FLOOR_BIAS);
            }
            *v = (10.0 * (sum / n).log10() - MARGIN_DB).max(0.0);
        }
        let score = band.iter().sum::<f32>() / band.len() as f32;
        self.scores[self.hops % SUM_HOPS] = score;
        self.hops += 1;
        let most = self.scores.iter().fold(0.0f32, |m, &v| m.max(v));
        self.scores.iter().sum::<f32>() - most
    }

    /// In-place radix-2 FFT of `re` + i `im` (256 points).
    fn fft(&mut self) {
        let (re, im) = (&mut self.re, &mut self.im);
        // Bit reversal.
        let mut j = 0;
        for i in 1..N {
            let mut bit = N >> 1;
            while j & bit != 0 {
                j ^= bit;
                bit >>= 1;
            }
            j |= bit;
            if i < j {
                re.swap(i, j);
                im.swap(i, j);
            }
        }
        let mut len = 2;
        while len <= N {
            let step = N / len;
            for start in (0..N).step_by(len) {
                for k in 0..len / 2 {
                    let (c, s) = (self.cos[k * step], self.sin[k * step]);
                    let (a, b) = (start + k, start + k + len / 2);
                    let tr = re[b] * c - im[b] * s;
                    let ti = re[b] * s + im[b] * c;
                    re[b] = re[a] - tr;
                    im[b] = im[a] - ti;
                    re[a] += tr;
                    im[a] += ti;
                }
            }
            len <<= 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fft_finds_a_tone_in_its_bin() {
        let mut o = Onset::new();
        for i in 0..N {
            o.re[i] = (2.0 * std::f32::consts::PI * 20.0 * i as f32 / N as f32).cos();
            o.im[i] = 0.0;
        }
        o.fft();
        let power: Vec<f32> = (0..BINS).map(|k| o.re[k].hypot(o.im[k])).collect();
        let peak = (0..BINS).max_by(|&a, &b| power[a].total_cmp(&power[b]));
        assert_eq!(peak, Some(20));
        assert!((power[20] - N as f32 / 2.0).abs() < 1e-2, "{}", power[20]);
        assert!(power.iter().enumerate().all(|(k, &p)| k == 20 || p < 1e-2));
    }

    #[test]
    fn steady_noise_stays_under_the_default_threshold_and_a_step_does_not() {
        let mut o = Onset::new();
        let mut seed = 1u32;
        let mut noise = |amp: f32| {
            let mut pcm = [0i16; HOP];
            for s in pcm.iter_mut() {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                *s = ((seed >> 16) as f32 / 65_536.0 * 2.0 - 1.0).mul_add(amp, 0.0) as i16;
            }
            pcm
        };
        let mut most = 0.0f32;
        for i in 0..400 {
            let e = o.hop(&noise(1000.0));
            if i >= 64 {
                most = most.max(e);
            }
        }
        assert!(most < 0.5, "steady noise: {most}");
        let mut rise = 0.0f32;
        for _ in 0..3 {
            rise = rise.max(o.hop(&noise(4000.0)));
        }
        assert!(rise > 3.0, "a 12 dB step: {rise}");
    }
}
