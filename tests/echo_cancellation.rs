//! Echo cancellation at the signal level (issue 21): espeak-ng speech played through the
//! player, through a synthetic room 30 and 120 ms away, into a microphone that also hears a
//! near-end talker; the canceller is fed from the player's tap only.
//!
//! Measured: after 2 s, the echo return loss enhancement (echo energy at the microphone over
//! the output's energy while only the far end talks) is at least 25 dB; the near-end talker
//! talking over the far end loses at most 3 dB (output energy over near-end energy during
//! the double talk; the near-end at +10 dB over the echo, a speakerphone at arm's length);
//! AEC3's delay estimate is within 10 ms of the room's delay; and the fake server's energy
//! VAD fires on the raw microphone's echo, not on the cleaned echo, and fires on the cleaned
//! near-end speech.

mod common;
mod echo_sim;

use echo_sim::{db, energy, run, speech, Run, FRAME, RATE};
use gemini_live::audio::EchoConfig;
use gemini_live::fake::FakeOptions;
use gemini_live::session::VoiceActivityKind;
use gemini_live::{Event, ResponseMode, Session};
use std::time::Duration;

const FAR: &str = "Hello, this is the model speaking through the loudspeaker of your phone. \
    I will keep talking for a while, so that the echo canceller has something to learn from, \
    and then you can interrupt me whenever you like. The weather today is sunny with a light \
    breeze from the west, and tomorrow looks much the same.";
const NEAR: &str = "Excuse me, sorry to interrupt, but I would like to ask a question about my \
    order from last week, because it has not arrived yet and nobody answers the phone.";

/// The echo's level relative to what was played (dB).
const ECHO_GAIN_DB: f64 = -10.0;

struct Scene {
    run: Run,
    /// Where only the far end talks (after 2 s of convergence).
    far_only: std::ops::Range<usize>,
    /// Where both talk.
    double_talk: std::ops::Range<usize>,
}

fn scene(delay_ms: u32) -> Option<Scene> {
    let far = speech(FAR, "en-us", 24_000)?;
    let near = speech(NEAR, "en-gb+f3", RATE)?;
    let far_len = far.len() * RATE as usize / 24_000;
    let near_at = far_len - near.len() * 3 / 4;
    let rir = echo_sim::room(delay_ms, ECHO_GAIN_DB);
    let run = run(&far, &near, near_at, &rir, Some(EchoConfig::default()));
    Some(Scene {
        run,
        far_only: 2 * RATE as usize..near_at,
        double_talk: near_at..far_len,
    })
}

#[test]
fn cancels_the_echo_and_keeps_the_talker() {
    for delay_ms in [30u32, 120] {
        let Some(s) = scene(delay_ms) else { return };
        let r = &s.run;
        let erle = db(
            energy(&r.echo, s.far_only.clone()),
            energy(&r.out, s.far_only.clone()),
        );
        let dt = s.double_talk.clone();
        let near_loss = db(energy(&r.out, dt.clone()), energy(&r.near, dt.clone()));
        let ser = db(energy(&r.near, dt.clone()), energy(&r.echo, dt.clone()));
        eprintln!(
            "room delay {delay_ms} ms: ERLE {erle:.1} dB; near-end in double talk {near_loss:+.2} dB \
             (near-end {ser:+.1} dB over the echo); {:?}",
            r.stats
        );
        assert!(erle >= 25.0, "ERLE {erle:.1} dB at {delay_ms} ms");
        assert!(
            near_loss >= -3.0,
            "near-end {near_loss:.2} dB at {delay_ms} ms"
        );
        let est = r
            .stats
            .delay_estimate
            .expect("a delay estimate")
            .as_millis() as i64;
        assert!(
            (est - i64::from(delay_ms)).abs() <= 10,
            "delay estimate {est} ms for a {delay_ms} ms room"
        );
        assert_eq!(r.stats.realigned, 0);
        assert!(r.stats.reference_frames + 2 >= r.stats.capture_frames);
    }
}

#[test]
fn without_the_canceller_the_echo_stays() {
    // The control: the same scene with the canceller off is the microphone itself.
    let (Some(far), Some(near)) = (speech(FAR, "en-us", 24_000), speech(NEAR, "en-gb+f3", RATE))
    else {
        return;
    };
    let rir = echo_sim::room(60, ECHO_GAIN_DB);
    let _ = near;
    let r = run(&far, &[], 0, &rir, None);
    let span = 2 * RATE as usize..r.out.len() - RATE as usize;
    let erle = db(energy(&r.echo, span.clone()), energy(&r.out, span));
    assert!(
        erle.abs() < 0.5,
        "no canceller, no enhancement: {erle:.2} dB"
    );
}

/// Streams `pcm` (16 kHz) to a fake with its energy VAD on; the voice activity it signalled.
fn server_vad(pcm: &[f32]) -> Vec<VoiceActivityKind> {
    let server = common::fake_with(FakeOptions {
        energy_vad: Some(-50.0),
        ..FakeOptions::default()
    });
    let session = Session::connect(common::config(&server, ResponseMode::Text)).unwrap();
    let samples: Vec<i16> = pcm
        .iter()
        .map(|&v| (v * 32768.0).round().clamp(-32768.0, 32767.0) as i16)
        .collect();
    for chunk in samples.chunks(FRAME * 10) {
        session.send_audio(chunk).unwrap();
    }
    session.audio_stream_end().unwrap();
    let mut seen = Vec::new();
    loop {
        match session.next_event(Duration::from_secs(10)).unwrap() {
            Some(Event::VoiceActivity { kind, .. }) => seen.push(kind),
            Some(Event::TurnComplete { .. }) => break,
            Some(Event::Closed { .. }) | None => panic!("the fake did not answer"),
            Some(_) => {}
        }
    }
    seen
}

#[test]
fn the_server_vad_hears_the_talker_not_the_echo() {
    let Some(s) = scene(60) else { return };
    let r = &s.run;
    let echo_only = s.far_only.clone();
    let raw = server_vad(&r.mic[echo_only.clone()]);
    assert!(
        raw.contains(&VoiceActivityKind::Start),
        "the raw echo fires the server VAD (the problem): {raw:?}"
    );
    let cleaned = server_vad(&r.out[echo_only]);
    assert!(cleaned.is_empty(), "the cleaned echo fires it: {cleaned:?}");
    let talker = server_vad(&r.out[s.double_talk.clone()]);
    assert_eq!(
        talker.first(),
        Some(&VoiceActivityKind::Start),
        "the near-end talker over the echo, cleaned"
    );
}
