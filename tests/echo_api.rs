//! The echo canceller's contract apart from its signal processing: the configuration it
//! refuses, the fixed one-frame latency (exact with the
//! canceller off), the lengths it checks, and how the reference follows the player's clock
//! (history skipped at the start, re-aligned after the microphone paused).

use gemini_live::audio::{EchoCanceller, EchoConfig, Player, PlayerConfig};
use gemini_live::Error;
use std::time::Duration;

#[test]
fn bad_configurations_are_refused() {
    let mut player = Player::new(PlayerConfig::for_device(22_050, 1)).unwrap();
    let err = player.echo_canceller(EchoConfig::default()).unwrap_err();
    assert!(
        matches!(&err, Error::InvalidInput(m) if m.contains("22050")),
        "{err}"
    );
    let mut player = Player::new(PlayerConfig::for_device(48_000, 2)).unwrap();
    for bad in [
        EchoConfig {
            capture_rate: 44_123,
            ..EchoConfig::default()
        },
        EchoConfig {
            capture_rate: 4000,
            ..EchoConfig::default()
        },
        EchoConfig {
            device_delay: Duration::from_millis(501),
            ..EchoConfig::default()
        },
    ] {
        assert!(matches!(
            player.echo_canceller(bad),
            Err(Error::InvalidInput(_))
        ));
    }
    // 44.1 kHz is a multiple of 100 Hz: accepted.
    let ok = EchoConfig {
        capture_rate: 44_100,
        ..EchoConfig::default()
    };
    assert!(EchoCanceller::check(&ok, 48_000).is_ok());
}

#[test]
fn off_it_is_the_microphone_exactly_one_frame_late() {
    let mut player = Player::new(PlayerConfig::for_device(16_000, 1)).unwrap();
    let mut ec = player.echo_canceller(EchoConfig::default()).unwrap();
    ec.set_enabled(false);
    let mic: Vec<i16> = (0..4000).map(|i| ((i * 37) % 2000 - 1000) as i16).collect();
    let mut out = Vec::new();
    // Chunks of 7, 160, 333... samples: framing must not show.
    let mut at = 0;
    for (k, size) in [7usize, 160, 333, 1, 999].iter().cycle().enumerate() {
        if at >= mic.len() || k > 100 {
            break;
        }
        let end = (at + size).min(mic.len());
        let mut o = vec![0i16; end - at];
        ec.process(&mic[at..end], &mut o).unwrap();
        out.extend(o);
        at = end;
    }
    assert_eq!(out.len(), mic.len());
    assert!(
        out[..160].iter().all(|&s| s == 0),
        "the first 10 ms are silence"
    );
    assert_eq!(&out[160..], &mic[..mic.len() - 160]);
    assert_eq!(ec.latency(), Duration::from_millis(10));
    let mut short = [0i16; 3];
    assert!(matches!(
        ec.process(&mic[..4], &mut short),
        Err(Error::InvalidInput(_))
    ));
    assert!(!ec.stats().enabled);
}

#[test]
fn the_reference_follows_the_device_clock() {
    let mut player = Player::new(PlayerConfig::for_device(16_000, 1)).unwrap();
    let mut ec = player.echo_canceller(EchoConfig::default()).unwrap();
    let (mut writer, mut reader) = player.split();
    writer.push(&vec![1000i16; 24_000 * 3]);
    let mut dev = [0i16; 160];
    // Half a second played before the microphone starts: history, skipped.
    for _ in 0..50 {
        reader.read(&mut dev);
    }
    let mic = [0i16; 160];
    let mut out = [0i16; 160];
    for _ in 0..50 {
        reader.read(&mut dev);
        ec.process(&mic, &mut out).unwrap();
    }
    let s = ec.stats();
    assert_eq!((s.capture_frames, s.realigned), (50, 0), "{s:?}");
    assert!(
        s.reference_frames >= 50 && s.reference_frames <= 51,
        "{s:?}"
    );
    // The microphone pauses for 400 ms while the speaker plays on: re-aligned once.
    for _ in 0..40 {
        reader.read(&mut dev);
    }
    for _ in 0..10 {
        reader.read(&mut dev);
        ec.process(&mic, &mut out).unwrap();
    }
    let s = ec.stats();
    assert_eq!((s.capture_frames, s.realigned), (60, 1), "{s:?}");
    assert!(
        s.reference_frames <= 62,
        "the paused stretch was not fed: {s:?}"
    );
}
