//! What echo cancellation puts on the real-time path allocates nothing: the player's read
//! with a played-signal tap (the playback callback), and the canceller's stats, set_enabled
//! and set_device_delay, counted by a global allocator on this thread once warm. (The
//! canceller's `process` does allocate, inside sonora's AEC3: it runs on the thread that
//! reads the microphone, not in a callback; its module docs say so.)

use gemini_live::audio::{EchoConfig, NoiseSuppression, Player, PlayerConfig};
use std::time::Duration;

mod voice;
use voice::alloc_count::{allocations_during, CountingAllocator};

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

/// Allocations and frees `f` makes on this thread.
fn allocations(f: impl FnOnce()) -> u64 {
    allocations_during(f).0
}

#[test]
fn the_tapped_read_and_the_controls_do_not_allocate() {
    for (device_rate, channels, capture_rate, ns) in [
        (48_000, 2, 16_000, NoiseSuppression::Off),
        (16_000, 1, 16_000, NoiseSuppression::Moderate),
        (24_000, 1, 48_000, NoiseSuppression::High),
    ] {
        let mut player = Player::new(PlayerConfig::for_device(device_rate, channels)).unwrap();
        let config = EchoConfig {
            capture_rate,
            noise_suppression: ns,
            ..EchoConfig::default()
        };
        let mut canceller = player.echo_canceller(config).unwrap();
        let (mut writer, mut reader) = player.split();
        // Ten seconds of a chirp-like tone, pushed up front (the push side may allocate).
        let tone: Vec<i16> = (0..240_000)
            .map(|i| {
                let t = i as f64 / 24_000.0;
                (8000.0 * (2.0 * std::f64::consts::PI * (300.0 + 100.0 * t) * t).sin()) as i16
            })
            .collect();
        writer.push(&tone);
        // Device callbacks and microphone chunks of 7 ms (neither a 10 ms frame).
        let mut out = vec![0i16; device_rate as usize * 7 / 1000 * channels as usize];
        let mic_chunk = capture_rate as usize * 7 / 1000;
        let mut mic = vec![0i16; mic_chunk];
        let mut clean = vec![0i16; mic_chunk];
        macro_rules! step {
            ($k:expr) => {
                reader.read(&mut out);
                for (i, m) in mic.iter_mut().enumerate() {
                    *m = ((($k * mic_chunk + i) % 97) as i16 - 48) * 40;
                }
                canceller.process(&mic, &mut clean).unwrap();
            };
        }
        for k in 0..100 {
            step!(k);
        }
        let n = allocations(|| {
            for _ in 100..400 {
                reader.read(&mut out);
            }
        });

        let m = allocations(|| {
            let _ = canceller.stats();
            canceller.set_enabled(false);
            canceller.set_enabled(true);
            canceller
                .set_device_delay(Duration::from_millis(40))
                .unwrap();
        });
        assert_eq!(
            (n, m),
            (0, 0),
            "allocations at {device_rate} Hz x{channels}, capture {capture_rate} Hz, {ns:?}"
        );
        // The read-only stretch overflowed the tap (2.1 s > 1 s): re-aligned once, then in step.
        for k in 400..500 {
            step!(k);
        }
        let stats = canceller.stats();
        assert!(
            stats.reference_frames + 2 >= stats.capture_frames,
            "{stats:?}"
        );
        assert_eq!(stats.realigned, 1, "{stats:?}");
    }
}

/// The capture callback's side: `EchoMicInput::push` allocates nothing, and what the sending
/// thread pulls is exactly what `process` gives for the same microphone and playback.
#[test]
fn the_capture_callback_pushes_without_allocating_and_pull_matches_process() {
    let tone: Vec<i16> = (0..120_000)
        .map(|i| {
            let t = i as f64 / 24_000.0;
            (8000.0 * (2.0 * std::f64::consts::PI * (300.0 + 100.0 * t) * t).sin()) as i16
        })
        .collect();
    let setup = || {
        let mut player = Player::new(PlayerConfig::for_device(48_000, 2)).unwrap();
        let canceller = player.echo_canceller(EchoConfig::default()).unwrap();
        let (mut writer, reader) = player.split();
        writer.push(&tone);
        (canceller, reader)
    };
    let (mut pulled, mut reader_a) = setup();
    let (mut direct, mut reader_b) = setup();
    let mut input = pulled.mic_input().unwrap();
    assert!(
        pulled.mic_input().is_err(),
        "one microphone input per canceller"
    );

    let mut dev = vec![0i16; 48 * 7 * 2];
    // The microphone hears the far end (the device's left channel, every third sample: a
    // crude 16 kHz) 20 ms late, at half level.
    let mut history = std::collections::VecDeque::from(vec![0i16; 320]);
    let mut mic = vec![0i16; 16 * 7];
    let (mut a, mut b) = (Vec::new(), Vec::new());
    let mut out = vec![0i16; 16_000];
    let mut clean = vec![0i16; mic.len()];
    let mut push_allocs = 0;
    for k in 0..400 {
        reader_a.read(&mut dev);
        reader_b.read(&mut dev);
        for (i, m) in mic.iter_mut().enumerate() {
            history.push_back(dev[i * 6] / 2);
            *m = history.pop_front().unwrap_or(0);
        }
        // The capture callback.
        let (n, pushed) = allocations_during(|| input.push(&mic));
        push_allocs += n;
        assert_eq!(pushed, mic.len());
        // The sending thread, every third period.
        if k % 3 == 2 {
            let got = pulled.pull(&mut out);
            a.extend_from_slice(&out[..got]);
        }
        direct.process(&mic, &mut clean).unwrap();
        b.extend_from_slice(&clean);
    }
    let got = pulled.pull(&mut out);
    a.extend_from_slice(&out[..got]);
    assert_eq!(push_allocs, 0, "allocations in EchoMicInput::push");
    assert_eq!(a.len(), b.len());
    assert!(a == b, "pull and process differ");
    let energy = |x: &[i16]| x.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>();
    assert!(energy(&b) > 0.0, "the microphone was not silent");
    assert_eq!(pulled.pending(), 0);

    // Nobody pulls for 1.5 s: the ring (1 s) drops the rest, and says so.
    let f: Vec<f32> = vec![0.25; 16_000 * 3 / 2];
    let (n, pushed) = allocations_during(|| input.push_f32(&f));
    assert_eq!(n, 0, "allocations in EchoMicInput::push_f32");
    assert_eq!(pushed, 16_000);
    assert_eq!(pulled.pending(), 16_000);
    let mut all = vec![0i16; 20_000];
    assert_eq!(pulled.pull(&mut all), 16_000);
    assert_eq!(pulled.stats().mic_dropped, 8_000);
}
