//! Voice in the field (scenario `voice`; `pacing` is in `pacing.rs`).
//!
//! `voice`: CPU per real-time stream of the telephony converters (8 kHz G.711 -> 16 kHz and
//! 24 kHz -> 8 kHz G.711, in 20 ms frames) and of the client VAD, as a percentage of one core:
//! thread CPU for a minute of audio pushed through as fast as it goes, divided by a minute.

use crate::report::Row;
use crate::report::Target;
use crate::sys::process_cpu;
use gemini_live::audio::{PhoneIn, PhoneOut, Vad, VadConfig, G711};

/// Speech-band test audio: two tones.
fn signal(rate: u32, secs: f64) -> Vec<i16> {
    let n = (f64::from(rate) * secs) as usize;
    (0..n)
        .map(|i| {
            let t = i as f64 / f64::from(rate);
            let s = 0.3 * (2.0 * std::f64::consts::PI * 310.0 * t).sin()
                + 0.2 * (2.0 * std::f64::consts::PI * 1300.0 * t).sin();
            (s * 32767.0) as i16
        })
        .collect()
}

/// The median of `v` (sorted in place).
fn median(v: &mut [f64]) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// CPU of `f` over `secs` of audio, as a percentage of one core in real time.
fn cpu_percent(secs: f64, f: impl FnOnce()) -> f64 {
    let cpu = process_cpu();
    f();
    (process_cpu() - cpu).as_secs_f64() / secs * 100.0
}

pub fn voice(quick: bool) -> Vec<Row> {
    let secs = if quick { 10.0 } else { 60.0 };
    let sc = "voice";
    let law = G711::MuLaw;
    let phone: Vec<u8> = signal(8000, secs).iter().map(|&s| law.encode(s)).collect();
    let model = signal(24_000, secs);
    let mut rows = Vec::new();

    let mut pin = PhoneIn::new(law).expect("phone in");
    let mut out = vec![0i16; 1024];
    let phone_in = cpu_percent(secs, || {
        for frame in phone.chunks(160) {
            let n = pin.process(frame, &mut out).unwrap_or(0);
            std::hint::black_box(&out[..n]);
        }
    });
    rows.push(
        Row::new(
            sc,
            "telephony in (8k G.711 -> 16k): CPU per stream",
            "% core",
            Target::Max(5.0),
        )
        .ours(phone_in),
    );

    let mut pout = PhoneOut::with_law(law).expect("phone out");
    let mut frame = [0u8; 160];
    let phone_out = cpu_percent(secs, || {
        for chunk in model.chunks(480) {
            pout.push(chunk);
            while pout.pop_frame(&mut frame) {
                std::hint::black_box(&frame);
            }
        }
    });
    rows.push(
        Row::new(
            sc,
            "telephony out (24k -> 8k G.711): CPU per stream",
            "% core",
            Target::Max(5.0),
        )
        .ours(phone_out),
    );

    // The client VAD against its floor, the model alone (fast onset path off), in interleaved
    // rounds (the machine is shared): medians.
    let mic = signal(16_000, secs);
    let vad_cpu = |fast_onset: bool| {
        let mut vad = Vad::new(&VadConfig {
            fast_onset,
            ..VadConfig::default()
        })
        .expect("vad");
        let mut events = 0u64;
        let cpu = cpu_percent(secs, || {
            for chunk in mic.chunks(320) {
                vad.process(chunk, |_| events += 1);
            }
        });
        std::hint::black_box(events);
        cpu
    };
    let (mut ours, mut model) = (Vec::new(), Vec::new());
    for round in 0..if quick { 3 } else { 7 } {
        if round % 2 == 0 {
            ours.push(vad_cpu(true));
            model.push(vad_cpu(false));
        } else {
            model.push(vad_cpu(false));
            ours.push(vad_cpu(true));
        }
    }
    rows.push(
        Row::new(
            sc,
            "client VAD (16k; model + fast onset path, 8 ms steps): CPU per stream; raw = \
             the model alone",
            "% core",
            Target::Max(5.0),
        )
        .ours(median(&mut ours))
        .raw(median(&mut model)),
    );
    rows
}
