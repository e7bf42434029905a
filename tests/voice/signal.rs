//! Signal measurements for the audio tests: tones, RMS, the level of one frequency
//! (Goertzel) and decibels.

use std::f64::consts::PI;

/// `seconds` of a sine of `freq` Hz at `amp` (fraction of full scale) sampled at `rate`.
pub fn tone(rate: u32, freq: f64, amp: f64, seconds: f64) -> Vec<i16> {
    let n = (f64::from(rate) * seconds).round() as usize;
    (0..n)
        .map(|i| {
            let t = i as f64 / f64::from(rate);
            (amp * 32767.0 * (2.0 * PI * freq * t).sin()).round() as i16
        })
        .collect()
}

/// Root mean square of `x`, in sample units.
pub fn rms(x: &[i16]) -> f64 {
    if x.is_empty() {
        return 0.0;
    }
    (x.iter().map(|&v| f64::from(v).powi(2)).sum::<f64>() / x.len() as f64).sqrt()
}

/// The RMS of the component of `x` at `freq` Hz (Goertzel over a Hann window, normalised so
/// a sine of amplitude A gives A / sqrt 2 whatever the window's length).
pub fn level_at(x: &[i16], rate: u32, freq: f64) -> f64 {
    let n = x.len();
    if n == 0 {
        return 0.0;
    }
    let w = 2.0 * PI * freq / f64::from(rate);
    let (mut re, mut im, mut wsum) = (0.0, 0.0, 0.0);
    for (i, &v) in x.iter().enumerate() {
        let hann = 0.5 - 0.5 * (2.0 * PI * i as f64 / n as f64).cos();
        let s = f64::from(v) * hann;
        re += s * (w * i as f64).cos();
        im -= s * (w * i as f64).sin();
        wsum += hann;
    }
    // |X| = A/2 * sum(window) for a sine of amplitude A.
    let amplitude = 2.0 * (re * re + im * im).sqrt() / wsum;
    amplitude / 2f64.sqrt()
}

/// A ratio of levels in decibels.
pub fn db(ratio: f64) -> f64 {
    20.0 * ratio.max(1e-12).log10()
}
