//! The input resampler: frequency response and aliasing on sine sweeps (Goertzel power at the
//! tone against the frequency it would alias to), identical output however the input is
//! split into calls, exact output lengths, and every common rate and channel combination.

use gemini_live::audio::Resampler;
use std::f64::consts::PI;

/// A sine at `freq` Hz, `amp` of full scale, `secs` long, `channels` identical channels.
fn sine(rate: u32, channels: u16, freq: f64, amp: f64, secs: f64) -> Vec<i16> {
    let n = (rate as f64 * secs) as usize;
    let mut v = Vec::with_capacity(n * channels as usize);
    for i in 0..n {
        let s = (amp * 32767.0 * (2.0 * PI * freq * i as f64 / rate as f64).sin()).round() as i16;
        for _ in 0..channels {
            v.push(s);
        }
    }
    v
}

/// Amplitude (fraction of full scale) of the component at `freq` in `x`, by Goertzel.
fn tone_amplitude(x: &[i16], rate: u32, freq: f64) -> f64 {
    let w = 2.0 * PI * freq / rate as f64;
    let c = 2.0 * w.cos();
    let (mut s1, mut s2) = (0.0f64, 0.0f64);
    for &v in x {
        let s0 = v as f64 / 32768.0 + c * s1 - s2;
        s2 = s1;
        s1 = s0;
    }
    let power = s1 * s1 + s2 * s2 - c * s1 * s2;
    2.0 * power.max(0.0).sqrt() / x.len() as f64
}

fn rms(x: &[i16]) -> f64 {
    (x.iter().map(|&v| (v as f64 / 32768.0).powi(2)).sum::<f64>() / x.len() as f64).sqrt()
}

fn db(ratio: f64) -> f64 {
    20.0 * ratio.max(1e-12).log10()
}

fn resample_all(input: &[i16], in_rate: u32, channels: u16, out_rate: u32) -> Vec<i16> {
    let mut r = Resampler::new(in_rate, channels, out_rate).expect("valid rates");
    let mut out = Vec::new();
    r.process(input, &mut out);
    r.flush(&mut out);
    out
}

/// The steady middle of a signal (drops 100 ms at each end).
fn middle(x: &[i16], rate: u32) -> &[i16] {
    let edge = rate as usize / 10;
    &x[edge..x.len() - edge]
}

#[test]
fn passband_tones_keep_their_level_at_every_input_rate_and_channel_count() {
    let cases = [
        (8_000, 1),
        (11_025, 1),
        (16_000, 2),
        (22_050, 2),
        (24_000, 1),
        (32_000, 1),
        (44_100, 2),
        (44_100, 1),
        (48_000, 2),
        (48_000, 6),
        (96_000, 1),
        (44_056, 1),
    ];
    for (rate, ch) in cases {
        for freq in [200.0, 1000.0, 3000.0] {
            if freq * 2.2 > rate as f64 {
                continue;
            }
            let input = sine(rate, ch, freq, 0.5, 1.0);
            let out = resample_all(&input, rate, ch, 16_000);
            let expected = (input.len() / ch as usize) as u64 * 16_000;
            let expected = ((expected + rate as u64 / 2) / rate as u64) as usize;
            assert_eq!(out.len(), expected, "{rate} Hz x{ch}: output length");
            let amp = tone_amplitude(middle(&out, 16_000), 16_000, freq);
            let gain = db(amp / 0.5);
            assert!(
                gain.abs() < 0.5,
                "{rate} Hz x{ch}, {freq} Hz tone: gain {gain:.2} dB"
            );
        }
    }
}

#[test]
fn passband_sweep_is_flat_up_to_6_khz() {
    for rate in [44_100, 48_000] {
        let mut f = 100.0;
        while f <= 6_000.0 {
            let out = resample_all(&sine(rate, 1, f, 0.5, 0.5), rate, 1, 16_000);
            let gain = db(tone_amplitude(middle(&out, 16_000), 16_000, f) / 0.5);
            assert!(gain.abs() < 1.0, "{rate} Hz, {f} Hz: gain {gain:.2} dB");
            f += 700.0;
        }
    }
}

#[test]
fn stopband_sweep_does_not_alias_into_the_output() {
    // Tones above 8 kHz (the output's Nyquist) would fold to |rate_out * k - f|: check the
    // power there, and the output's total level, against the input's.
    for rate in [44_100u32, 48_000] {
        let mut f = 9_000.0;
        while f < rate as f64 / 2.0 - 500.0 {
            let out = resample_all(&sine(rate, 1, f, 0.5, 0.5), rate, 1, 16_000);
            let folded = {
                let m = f % 16_000.0;
                if m > 8_000.0 {
                    16_000.0 - m
                } else {
                    m
                }
            };
            let alias = db(tone_amplitude(middle(&out, 16_000), 16_000, folded) / 0.5);
            let total = db(rms(middle(&out, 16_000)) / (0.5 / 2f64.sqrt()));
            assert!(
                alias < -60.0,
                "{rate} Hz, {f} Hz tone: alias at {folded} Hz is {alias:.1} dB"
            );
            assert!(
                total < -50.0,
                "{rate} Hz, {f} Hz tone: output level {total:.1} dB"
            );
            f += 1_300.0;
        }
    }
}

#[test]
fn upsampling_for_a_48k_device_leaves_no_image() {
    // The player's direction: 24 kHz to 48 kHz and 44.1 kHz. The image of a 1 kHz tone sits
    // at 23 kHz.
    for out_rate in [48_000u32, 44_100] {
        let out = resample_all(&sine(24_000, 1, 1000.0, 0.5, 1.0), 24_000, 1, out_rate);
        assert_eq!(out.len(), out_rate as usize);
        let body = middle(&out, out_rate);
        let gain = db(tone_amplitude(body, out_rate, 1000.0) / 0.5);
        assert!(gain.abs() < 0.5, "{out_rate}: gain {gain:.2} dB");
        let image = db(tone_amplitude(body, out_rate, 23_000.0) / 0.5);
        assert!(image < -60.0, "{out_rate}: image at 23 kHz {image:.1} dB");
    }
}

/// A small deterministic generator for chunk sizes (no dependency on rand).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self, max: usize) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize % max
    }
}

#[test]
fn many_random_sized_calls_give_the_same_output_as_one_call() {
    for (rate, ch) in [(44_100u32, 2u16), (48_000, 1), (8_000, 1), (22_050, 3)] {
        // Speech-like: a chord with a gliding tone, so every sample differs.
        let n = rate as usize * 2;
        let mut input = Vec::with_capacity(n * ch as usize);
        for i in 0..n {
            let t = i as f64 / rate as f64;
            let v = 0.3 * (2.0 * PI * (300.0 + 400.0 * t) * t).sin()
                + 0.2 * (2.0 * PI * 1250.0 * t).sin();
            for c in 0..ch {
                input.push((v * 32767.0 * (1.0 - 0.1 * c as f64)) as i16);
            }
        }
        let whole = resample_all(&input, rate, ch, 16_000);
        let mut rng = Lcg(rate as u64);
        let mut r = Resampler::new(rate, ch, 16_000).unwrap();
        let mut pieces = Vec::new();
        let mut at = 0;
        while at < input.len() {
            // Odd sizes too, so frames are split across calls.
            let len = (1 + rng.next(2_000)).min(input.len() - at);
            r.process(&input[at..at + len], &mut pieces);
            at += len;
        }
        r.flush(&mut pieces);
        assert_eq!(whole.len(), pieces.len(), "{rate} Hz x{ch}");
        let worst = whole
            .iter()
            .zip(&pieces)
            .map(|(a, b)| (*a as i32 - *b as i32).abs())
            .max()
            .unwrap_or(0);
        assert!(worst <= 1, "{rate} Hz x{ch}: differs by {worst} somewhere");
        // And no click anywhere: every output sample matches the ideal signal sampled at
        // 16 kHz, once the filter's constant sub-sample delay is allowed for (the whole
        // samples of it are trimmed).
        let ideal = |k: f64| {
            let t = k / 16_000.0;
            let v = 0.3 * (2.0 * PI * (300.0 + 400.0 * t) * t).sin()
                + 0.2 * (2.0 * PI * 1250.0 * t).sin();
            v * 32767.0 * (1.0 - 0.05 * (ch - 1) as f64)
        };
        let edge = 1_600;
        let worst_at = |d: f64| {
            (edge..pieces.len() - edge)
                .map(|k| (pieces[k] as f64 - ideal(k as f64 - d)).abs())
                .fold(0.0, f64::max)
        };
        let (delay, err) = (-100..=100)
            .map(|i| i as f64 / 100.0)
            .map(|d| (d, worst_at(d)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .unwrap();
        assert!(
            err < 200.0,
            "{rate} Hz x{ch}: off the ideal signal by {err:.0} (delay {delay} samples)"
        );
    }
}

#[test]
fn an_impulse_comes_out_at_the_same_time() {
    // The filter delay is trimmed: sample k of the output is input time k / out_rate.
    let rate = 44_100;
    let mut input = vec![0i16; rate];
    input[22_050] = 30_000;
    let out = resample_all(&input, rate as u32, 1, 16_000);
    let peak = out
        .iter()
        .enumerate()
        .max_by_key(|(_, v)| v.unsigned_abs())
        .map(|(i, _)| i)
        .unwrap();
    assert!((peak as i64 - 8_000).abs() <= 1, "peak at {peak}");
}

#[test]
fn opposite_channels_cancel_and_equal_channels_match_mono() {
    let mono = sine(48_000, 1, 700.0, 0.4, 0.5);
    let stereo: Vec<i16> = mono.iter().flat_map(|&s| [s, s]).collect();
    let opposite: Vec<i16> = mono.iter().flat_map(|&s| [s, -s]).collect();
    assert_eq!(
        resample_all(&mono, 48_000, 1, 16_000),
        resample_all(&stereo, 48_000, 2, 16_000)
    );
    let cancelled = resample_all(&opposite, 48_000, 2, 16_000);
    assert!(cancelled.iter().all(|&v| v.abs() <= 1));
}

#[test]
fn equal_rates_only_downmix_and_flush_resets_for_a_new_stream() {
    let input: Vec<i16> = (0..3200).map(|i| (i % 200) as i16 * 10).collect();
    let stereo: Vec<i16> = input.iter().flat_map(|&s| [s, s]).collect();
    let mut r = Resampler::to_16k_mono(16_000, 2).unwrap();
    assert_eq!(r.latency(), std::time::Duration::ZERO);
    let mut out = Vec::new();
    r.process(&stereo, &mut out);
    assert_eq!(out, input);
    // After a flush the next stream starts fresh: the same input, the same output.
    let mut r = Resampler::to_16k_mono(44_100, 1).unwrap();
    let tone = sine(44_100, 1, 440.0, 0.5, 0.3);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    r.process(&tone, &mut a);
    r.flush(&mut a);
    r.process(&tone, &mut b);
    r.flush(&mut b);
    assert_eq!(a, b);
    assert!(r.latency() > std::time::Duration::ZERO);
}

#[test]
fn impossible_rates_and_channel_counts_are_refused() {
    assert!(Resampler::new(0, 1, 16_000).is_err());
    assert!(Resampler::new(44_100, 0, 16_000).is_err());
    assert!(Resampler::new(44_100, 1, 0).is_err());
    assert!(Resampler::new(10_000_000, 1, 16_000).is_err());
    assert!(Resampler::new(44_100, 1000, 16_000).is_err());
}
