//! The client VAD on real speech: 48 utterances spoken by espeak-ng (six voices, 140 to 175
//! words a minute; 16 begin with a plosive, 16 with a fricative or affricate, 16 with a vowel,
//! nasal or approximant) with pauses between them, and noise from sox mixed in at 10 dB SNR,
//! once white and once pink: 96 utterances. The issue's goal, checked as it is: speech start
//! detected (the moment the detector emits it, in samples fed) within 60 ms of the
//! utterance's onset, and its end within the hangover + 60 ms, in at least 95 % of them; each
//! utterance started exactly once; two minutes of each noise alone signal nothing. In front of a
//! session (the fake server) the sender turns server VAD off, marks each utterance with
//! activityStart / activityEnd and sends its first 20 ms thanks to the pre-roll; the gate mode
//! sends no silence; a knock (not speech) is retracted; and the detector allocates nothing.
//!
//! Needs espeak-ng and sox (Debian packages `espeak-ng`, `sox`): skipped with a message when
//! missing, except under `CI=true`.

mod voice;

use base64::Engine;
use gemini_live::audio::{Vad, VadConfig, VadEvent, VadMode, VadSender};
use gemini_live::fake::{FakeOptions, FakeServer};
use gemini_live::{Config, ResponseMode, Session};
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;
use voice::alloc_count::{allocations_during, CountingAllocator};
use voice::speech::{active_span, have, mix, noise, speak_at};

#[global_allocator]
static ALLOC: CountingAllocator = CountingAllocator;

const SENTENCES: [&str; 48] = [
    // Plosive onsets.
    "Please book a table for two at eight.",
    "Turn off the lights in the kitchen.",
    "Could you repeat that more slowly?",
    "Book a flight to Rome on Monday.",
    "Do you know what time it is?",
    "Give me the latest news.",
    "Put the kettle on, please.",
    "Take a note for the meeting.",
    "Call my sister after lunch.",
    "Definitely not today.",
    "Good morning, how are you?",
    "Play some relaxing music.",
    "Tell me a joke about computers.",
    "Keep it short and simple.",
    "Bring the umbrella, it might rain.",
    "Cancel my subscription, thank you.",
    // Fricative and affricate onsets.
    "Send a message to Anna saying I am late.",
    "Set an alarm for seven.",
    "Find me a recipe for tomato soup.",
    "She will arrive at noon.",
    "Show me the map of the city.",
    "Thank you very much for your help.",
    "Five minutes, please.",
    "Very good, carry on.",
    "Zero point five percent.",
    "How long does the battery last?",
    "Help me with my account password.",
    "So what happens next?",
    "Switch to the next song.",
    "Friday works for me.",
    "Check the weather for tomorrow.",
    "Just a moment, please.",
    // Vowel, nasal and approximant onsets.
    "Is the museum open on Sundays?",
    "Open the front door.",
    "Any news from Berlin?",
    "I need a taxi to the airport.",
    "Up to you, really.",
    "Maybe tomorrow afternoon.",
    "No, that is not what I said.",
    "Nice to meet you.",
    "Let me think about it.",
    "Read the last message again.",
    "What time does the train leave?",
    "Where is the nearest station?",
    "Yes, go ahead.",
    "Remind me to call my mother.",
    "Lower the volume a little.",
    "Which platform is the next bus from?",
];

/// One noise mixed into the speech.
struct Mix {
    /// sox's name of the noise.
    kind: &'static str,
    mixed: Vec<i16>,
    /// Per utterance, from the first to the last 10 ms in which the speech is at least as
    /// loud as the noise in the mix (local SNR >= 0 dB): where a listener, or a detector, can
    /// hear it begin and end. The timing is measured from these.
    audible: Vec<(usize, usize)>,
    /// Two minutes of the noise alone, at its level in the mix.
    noise: Vec<i16>,
}

/// The test recording: the utterances' spans (samples) and the mixes.
///
/// `spans` run from the first to the last 10 ms of the clean speech within 35 dB of its
/// loudest (every faint sound included): a start before an utterance's span is before the
/// speech, and the pre-roll test wants the span's first 20 ms.
struct Recording {
    spans: Vec<(usize, usize)>,
    mixes: Vec<Mix>,
}

/// Where, within `span`, `clean` is at least as loud as `mixed - clean` (10 ms frames).
fn audible_span(clean: &[i16], mixed: &[i16], span: (usize, usize)) -> (usize, usize) {
    let frame = 160;
    let loud: Vec<usize> = (span.0..span.1)
        .step_by(frame)
        .filter(|&at| {
            let end = (at + frame).min(span.1);
            let (mut sp, mut np) = (0.0, 0.0);
            for i in at..end {
                let c = f64::from(clean[i]);
                sp += c * c;
                np += (f64::from(mixed[i]) - c).powi(2);
            }
            sp >= np
        })
        .collect();
    match (loud.first(), loud.last()) {
        (Some(&a), Some(&b)) => (a, (b + frame).min(span.1)),
        _ => span,
    }
}

fn recording() -> Option<&'static Recording> {
    static REC: OnceLock<Option<Recording>> = OnceLock::new();
    REC.get_or_init(|| {
        if !(have("espeak-ng", "espeak-ng") && have("sox", "sox")) {
            return None;
        }
        let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("client_vad");
        std::fs::create_dir_all(&dir).expect("temp dir");
        let voices = ["en", "en-us", "en+f3", "en+m3", "en-gb-scotland", "en+f2"];
        let speeds = [160, 150, 170, 140, 175, 155];
        let mut speech = vec![0i16; 16_000];
        let mut spans = Vec::new();
        for (i, text) in SENTENCES.iter().enumerate() {
            let (voice, wpm) = (voices[i % voices.len()], speeds[i % speeds.len()]);
            let utt = speak_at(&dir, &format!("u{i}"), text, voice, wpm);
            let (a, b) = active_span(&utt);
            spans.push((speech.len() + a, speech.len() + b));
            speech.extend_from_slice(&utt);
            // Pauses of 1.2 to 1.9 s.
            speech.extend(std::iter::repeat_n(0, 19_200 + (i * 3_700) % 11_200));
        }
        let secs = speech.len() as f64 / 16_000.0 + 121.0;
        let mixes = ["pinknoise", "whitenoise"]
            .into_iter()
            .map(|kind| {
                let n = noise(&dir, kind, kind, secs);
                let mixed = mix(&dir, &speech, &spans, &n, 10.0);
                // The noise's gain in the mix, from the mix itself.
                let (mut nn, mut mm) = (0.0, 0.0);
                for i in 0..speech.len() {
                    mm += (f64::from(mixed[i]) - f64::from(speech[i])).powi(2);
                    nn += f64::from(n[i]).powi(2);
                }
                let gain = (mm / nn).sqrt();
                let alone = n[speech.len()..speech.len() + 120 * 16_000]
                    .iter()
                    .map(|&v| (f64::from(v) * gain).clamp(-32768.0, 32767.0) as i16)
                    .collect();
                let audible = spans
                    .iter()
                    .map(|&span| audible_span(&speech, &mixed, span))
                    .collect();
                Mix {
                    kind,
                    mixed,
                    audible,
                    noise: alone,
                }
            })
            .collect();
        Some(Recording { spans, mixes })
    })
    .as_ref()
}

fn events(config: &VadConfig, audio: &[i16]) -> Vec<VadEvent> {
    let mut vad = Vad::new(config).unwrap();
    let mut out = Vec::new();
    for chunk in audio.chunks(320) {
        vad.process(chunk, |e| out.push(e));
    }
    out
}

fn ms(samples: i64) -> i64 {
    samples / 16
}

fn at(e: &VadEvent) -> usize {
    match e {
        VadEvent::SpeechStart { at } | VadEvent::SpeechEnd { at } => *at as usize,
    }
}

/// Per utterance of `m`: start lag and end lag (ms), or None when its window does not hold
/// exactly one start and one end, or the start is before the speech; and the report lines.
fn timings(rec: &Recording, m: &Mix, config: &VadConfig) -> (Vec<Option<(i64, i64)>>, String) {
    let evs = events(config, &m.mixed);
    let mut out = Vec::new();
    let mut report = Vec::new();
    for (i, &(start, end)) in m.audible.iter().enumerate() {
        // The events from 200 ms before the utterance to 200 ms before the next one.
        let from = start.saturating_sub(3200).min(rec.spans[i].0);
        let to = m.audible.get(i + 1).map_or(m.mixed.len(), |s| s.0 - 3200);
        let window: Vec<VadEvent> = evs
            .iter()
            .copied()
            .filter(|e| (from..to).contains(&at(e)))
            .collect();
        let t = match window.as_slice() {
            [VadEvent::SpeechStart { at: s }, VadEvent::SpeechEnd { at: e }]
                if *s as usize >= rec.spans[i].0 =>
            {
                Some((ms(*s as i64 - start as i64), ms(*e as i64 - end as i64)))
            }
            _ => None,
        };
        report.push(match t {
            Some((s, e)) => format!("{} {i:2}: start {s:+} ms, end {e:+} ms", m.kind),
            None => format!(
                "{} {i:2}: events {window:?}  <-- not one start and one end",
                m.kind
            ),
        });
        out.push(t);
    }
    let starts = evs
        .iter()
        .filter(|e| matches!(e, VadEvent::SpeechStart { .. }))
        .count();
    report.push(format!("{}: {starts} speech starts in all", m.kind));
    (out, report.join("\n"))
}

fn percentile(sorted: &[i64], p: f64) -> i64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

#[test]
fn utterances_in_noise_are_found_on_time() {
    let Some(rec) = recording() else { return };
    let config = VadConfig::default();
    let hangover = config.hangover.as_millis() as i64;
    let (mut good, mut total) = (0, 0);
    let mut reports = Vec::new();
    for m in &rec.mixes {
        let (t, report) = timings(rec, m, &config);
        let ok = |x: &Option<(i64, i64)>| {
            x.is_some_and(|(s, e)| s <= 60 && (0..=hangover + 60).contains(&e))
        };
        let on_time = t.iter().filter(|x| ok(x)).count();
        let mut starts: Vec<i64> = t.iter().flatten().map(|x| x.0).collect();
        let mut ends: Vec<i64> = t.iter().flatten().map(|x| x.1).collect();
        starts.sort_unstable();
        ends.sort_unstable();
        let summary = format!(
            "{}: {on_time} of {} on time; start lag median {} ms, p95 {} ms, worst {} ms; \
             end lag median {} ms, worst {} ms",
            m.kind,
            t.len(),
            percentile(&starts, 0.5),
            percentile(&starts, 0.95),
            starts.last().copied().unwrap_or(0),
            percentile(&ends, 0.5),
            ends.last().copied().unwrap_or(0),
        );
        let late: Vec<String> = t
            .iter()
            .enumerate()
            .filter(|(_, x)| !ok(x))
            .map(|(i, x)| format!("{i} {x:?}"))
            .collect();
        eprintln!("{summary}\n  not on time: {late:?}");
        reports.push(report);
        good += on_time;
        total += t.len();
        // Each utterance started exactly once, none in the pauses.
        assert_eq!(
            t.iter().filter(|x| x.is_some()).count(),
            t.len(),
            "{}: one start and one end per utterance:\n{}",
            m.kind,
            reports.last().map_or("", String::as_str)
        );
    }
    eprintln!("{good} of {total} utterances on time");
    // The issue's goal: 95 %.
    assert!(
        good * 100 >= total * 95,
        "only {good} of {total} utterances detected on time:\n{}",
        reports.join("\n")
    );
}

#[test]
fn two_minutes_of_noise_alone_signal_nothing() {
    let Some(rec) = recording() else { return };
    for m in &rec.mixes {
        let evs = events(&VadConfig::default(), &m.noise);
        assert!(evs.is_empty(), "{} alone: {evs:?}", m.kind);
    }
}

/// Two seconds of the pink noise with a knock at 1.5 s: 30 ms of a loud decaying click
/// train; and where the knock is.
fn knock(rec: &Recording) -> (Vec<i16>, usize) {
    let mut audio = rec.mixes[0].noise[..32_000].to_vec();
    let at = 24_000;
    for i in 0..480 {
        let decay = (-(i as f64) / 120.0).exp();
        let v = if i % 40 < 2 { 20_000.0 } else { 0.0 } * decay;
        audio[at + i] = (f64::from(audio[at + i]) + v).clamp(-32768.0, 32767.0) as i16;
    }
    (audio, at)
}

#[test]
fn a_knock_that_the_model_does_not_confirm_is_retracted() {
    let Some(rec) = recording() else { return };
    let (audio, knock_at) = knock(rec);
    let config = VadConfig::default();
    let mut vad = Vad::new(&config).unwrap();
    let mut evs = Vec::new();
    let mut tentative = false;
    for chunk in audio.chunks(320) {
        vad.process(chunk, |e| evs.push(e));
        tentative |= vad.is_tentative();
    }
    match evs.as_slice() {
        [VadEvent::SpeechStart { at: s }, VadEvent::SpeechEnd { at: e }] => {
            assert!(*s as usize >= knock_at, "{evs:?}");
            let open = ms((*e - *s) as i64);
            assert!(
                open <= config.confirm.as_millis() as i64 + 16,
                "retracted after {open} ms"
            );
            assert!(tentative);
            assert_eq!(vad.retractions(), 1);
        }
        other => panic!("a knock: {other:?}"),
    }
    // The same through the C ABI: the events, and the retraction in the stats.
    use gemini_live::ffi::vad::*;
    let mut c: *mut gemini_live_client_vad = std::ptr::null_mut();
    unsafe {
        let rc = gemini_live_client_vad_new(GEMINI_LIVE_CLIENT_VAD_ACTIVITY, 0.5, 500, 300, &mut c);
        assert_eq!(rc, gemini_live::ffi::GEMINI_LIVE_OK);
        let (mut starts, mut ends) = (0, 0);
        for chunk in audio.chunks(320) {
            let mut bits = 0u32;
            let rc = gemini_live_client_vad_process(c, chunk.as_ptr(), chunk.len(), &mut bits);
            assert_eq!(rc, gemini_live::ffi::GEMINI_LIVE_OK);
            starts += u32::from(bits & GEMINI_LIVE_CLIENT_VAD_SPEECH_START != 0);
            ends += u32::from(bits & GEMINI_LIVE_CLIENT_VAD_SPEECH_END != 0);
        }
        let mut stats: gemini_live_client_vad_stats = std::mem::zeroed();
        stats.size = std::mem::size_of::<gemini_live_client_vad_stats>() as u32;
        let rc = gemini_live_client_vad_get_stats(c, &mut stats);
        assert_eq!(rc, gemini_live::ffi::GEMINI_LIVE_OK);
        assert_eq!((starts, ends, stats.retractions), (1, 1, 1));
        assert_eq!(
            stats.utterances, 0,
            "a retracted start is not an utterance sent"
        );
        gemini_live_client_vad_free(c);
    }
}

#[test]
fn a_retracted_knock_never_reaches_the_server() {
    let Some(rec) = recording() else { return };
    let (audio, _) = knock(rec);
    let server = FakeServer::start(FakeOptions::default()).expect("fake");
    let vad = VadConfig::default();
    let mut config = Config::default()
        .with_endpoint(server.endpoint())
        .with_response_mode(ResponseMode::Text)
        .with_model(gemini_live::fake::TEXT_MODEL);
    vad.configure(&mut config);
    let session = Session::connect(config).expect("connect");
    let mut sender = VadSender::new(vad).unwrap();
    let mut events = Vec::new();
    for chunk in audio.chunks(320) {
        sender
            .push(&session, chunk, |e| events.push(e))
            .expect("push");
    }
    sender.finish(&session).expect("finish");
    // The application heard the tentative start and its retraction ...
    assert_eq!(events.len(), 2, "{events:?}");
    // ... the server heard nothing.
    session.close().expect("close");
    let frames = server.connections()[0].frames.clone();
    assert!(
        frames[1..].iter().all(|f| !f.contains("realtimeInput")),
        "{:?}",
        &frames[1..]
    );
    let stats = sender.stats();
    assert_eq!((stats.utterances, stats.sent), (0, 0), "{stats:?}");
    assert_eq!(stats.withheld, audio.len() as u64);
}

fn decode_audio(frame: &str) -> Option<Vec<i16>> {
    let v: serde_json::Value = serde_json::from_str(frame).ok()?;
    let data = v["realtimeInput"]["audio"]["data"].as_str()?;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(data)
        .ok()?;
    Some(
        bytes
            .chunks_exact(2)
            .map(|b| i16::from_le_bytes([b[0], b[1]]))
            .collect(),
    )
}

/// Runs three utterances of the recording through a `VadSender` in `mode` into the fake;
/// returns the client frames the fake recorded.
fn through_the_fake(rec: &Recording, mode: VadMode) -> (Vec<String>, gemini_live::audio::VadStats) {
    let server = FakeServer::start(FakeOptions::default()).expect("fake");
    let vad = VadConfig {
        mode,
        ..VadConfig::default()
    };
    let mut config = Config::default()
        .with_endpoint(server.endpoint())
        .with_response_mode(ResponseMode::Text)
        .with_model(gemini_live::fake::TEXT_MODEL);
    vad.configure(&mut config);
    let session = Session::connect(config).expect("connect");
    let mut sender = VadSender::new(vad).unwrap();
    let until = rec.spans[3].0 - 8000;
    let mut starts = 0;
    for chunk in rec.mixes[0].mixed[..until].chunks(320) {
        sender
            .push(&session, chunk, |e| {
                if let VadEvent::SpeechStart { .. } = e {
                    starts += 1;
                }
            })
            .expect("push");
    }
    sender.finish(&session).expect("finish");
    assert_eq!(starts, 3, "{:?}", &rec.spans[..4]);
    // Three answered turns.
    let mut turns = 0;
    while turns < 3 {
        match session.next_event(Duration::from_secs(10)).expect("event") {
            Some(gemini_live::Event::TurnComplete { .. }) => turns += 1,
            Some(_) => {}
            None => panic!("no answer"),
        }
    }
    session.close().expect("close");
    let frames = server.connections()[0].frames.clone();
    (frames, sender.stats())
}

#[test]
fn in_front_of_a_session_each_utterance_is_marked_and_sent_from_its_first_20_ms() {
    let Some(rec) = recording() else { return };
    let (frames, stats) = through_the_fake(rec, VadMode::Activity);
    assert!(
        frames[0].contains(r#""automaticActivityDetection":{"disabled":true}"#),
        "{}",
        frames[0]
    );
    // activityStart, audio, activityEnd, three times; no audio outside.
    let mut utterances: Vec<Vec<i16>> = Vec::new();
    let mut open = false;
    for f in &frames[1..] {
        if f.contains("activityStart") {
            assert!(!open, "two starts in a row");
            open = true;
            utterances.push(Vec::new());
        } else if f.contains("activityEnd") {
            assert!(open, "an end without a start");
            open = false;
        } else if let Some(samples) = decode_audio(f) {
            assert!(open, "audio outside an utterance");
            utterances.last_mut().expect("open").extend(samples);
        }
    }
    assert_eq!(utterances.len(), 3);
    for (i, sent) in utterances.iter().enumerate() {
        let (start, _) = rec.spans[i];
        let first_20ms = &rec.mixes[0].mixed[start..start + 320];
        assert!(
            sent.windows(320).any(|w| w == first_20ms),
            "utterance {i}: its first 20 ms were not sent"
        );
    }
    assert_eq!(stats.utterances, 3);
    assert!(stats.withheld > 0);
}

#[test]
fn the_gate_keeps_server_vad_and_sends_no_silence() {
    let Some(rec) = recording() else { return };
    let (frames, stats) = through_the_fake(rec, VadMode::Gate);
    assert!(
        !frames[0].contains("automaticActivityDetection"),
        "{}",
        frames[0]
    );
    let ends = frames
        .iter()
        .filter(|f| f.contains("audioStreamEnd"))
        .count();
    assert_eq!(ends, 3);
    assert!(!frames.iter().any(|f| f.contains("activityStart")));
    let sent: usize = frames
        .iter()
        .filter_map(|f| decode_audio(f))
        .map(|s| s.len())
        .sum();
    assert_eq!(sent as u64, stats.sent);
    // Every sample was either sent or held back as silence; at least a second stayed home.
    let total = (rec.spans[3].0 - 8000) as u64;
    assert_eq!(stats.sent + stats.withheld, total, "{stats:?}");
    assert!(stats.withheld >= 16_000, "{stats:?} of {total}");
}

#[test]
fn the_detector_allocates_nothing() {
    let mut vad = Vad::new(&VadConfig::default()).unwrap();
    let audio: Vec<i16> = (0..48_000)
        .map(|i| ((i as f64 * 0.07).sin() * 8000.0 * ((i / 4000) % 2) as f64) as i16)
        .collect();
    let (allocs, n) = allocations_during(|| {
        let mut n = 0;
        for c in audio.chunks(333) {
            vad.process(c, |_| n += 1);
        }
        n
    });
    assert_eq!(allocs, 0);
    let _ = n;
}

#[test]
fn the_python_example_marks_three_utterances_and_gets_three_replies() {
    let Some(rec) = recording() else { return };
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("client_vad_py");
    std::fs::create_dir_all(&dir).expect("temp dir");
    let wav = dir.join("speech.wav");
    voice::speech::write_wav(&wav, &rec.mixes[0].mixed[..rec.spans[3].0 - 8000]);
    let lib = {
        let exe = std::env::current_exe().expect("test binary");
        let deps = exe.parent().expect("deps dir").to_path_buf();
        let name = "libgemini_live.so";
        if deps.join(name).exists() {
            deps.join(name)
        } else {
            deps.parent().expect("profile dir").join(name)
        }
    };
    let out = std::process::Command::new("python3")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("GEMINI_LIVE_LIBRARY", lib)
        .env("PYTHONPATH", "bindings/python")
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env_remove("GEMINI_API_KEY")
        .env_remove("GEMINI_LIVE_ENDPOINT")
        .env_remove("GEMINI_LIVE_MODEL")
        .args(["examples/python/client_vad.py"])
        .arg(&wav)
        .arg("--fast")
        .output()
        .expect("python3 runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(stdout.matches("speech start").count(), 3, "{stdout}");
    assert_eq!(stdout.matches("speech end").count(), 3, "{stdout}");
    assert_eq!(stdout.matches("model: [turn ").count(), 3, "{stdout}");
    assert!(stdout.contains("3 utterance(s); sent "), "{stdout}");
}
