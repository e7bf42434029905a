//! Telephony audio: every G.711 code survives decode → encode; a 1 kHz tone keeps its level
//! (within 0.5 dB) through 8 → 16 kHz and 24 → 8 kHz; a 5 kHz tone in the model's 24 kHz
//! audio, which would alias to 3 kHz on the phone line, is attenuated by at least 40 dB; any
//! split of the input gives the same output; the end of a call (`PhoneIn::finish`) gives the
//! held partial frame and the filter's tail, two samples per code in all; and after
//! construction neither direction allocates (a counting global allocator).

mod voice;

use gemini_live::audio::telephony::{
    alaw_decode, alaw_encode, ulaw_decode, ulaw_encode, FRAME_SAMPLES,
};
use gemini_live::audio::{PhoneIn, PhoneOut, PhoneOutAction, PhoneOutConfig, G711};
use gemini_live::Event;
use voice::alloc_count::{allocations_during, CountingAllocator};
use voice::signal::{db, level_at, rms, tone};

#[global_allocator]
static ALLOC: CountingAllocator = CountingAllocator;

#[test]
fn every_code_of_both_laws_survives_decode_then_encode() {
    for code in 0..=255u8 {
        assert_eq!(ulaw_encode(ulaw_decode(code)), code, "µ-law {code:#04x}");
        assert_eq!(alaw_encode(alaw_decode(code)), code, "A-law {code:#04x}");
    }
    // Decoded values are distinct and sorted like the codes' levels.
    for law in [G711::MuLaw, G711::ALaw] {
        let mut values: Vec<i16> = (0..=255u8).map(|c| law.decode(c)).collect();
        values.sort_unstable();
        values.dedup();
        assert_eq!(values.len(), 256, "{law:?}");
    }
    // Known values from G.711's tables.
    assert_eq!(ulaw_decode(0xFF), 0);
    assert_eq!(ulaw_decode(0x80), 32124);
    assert_eq!(ulaw_decode(0x00), -32124);
    assert_eq!(alaw_decode(0xD5), 8);
    assert_eq!(alaw_decode(0x55), -8);
    assert_eq!(alaw_decode(0xAA), 32256);
    assert_eq!(G711::MuLaw.silence(), 0xFF);
    assert_eq!(G711::ALaw.silence(), 0xD5);
}

#[test]
fn encoding_any_sample_lands_on_the_nearest_level_within_half_a_step() {
    for law in [G711::MuLaw, G711::ALaw] {
        for s in i16::MIN..=i16::MAX {
            let back = law.decode(law.encode(s));
            let err = (i32::from(back) - i32::from(s)).abs();
            // Steps double per segment: half a step is at most 1/32 of the magnitude plus the
            // smallest step (the top segment's clipping aside).
            let bound = (i32::from(s).abs() / 16).max(16) + 8;
            assert!(err <= bound, "{law:?} {s} -> {back} (error {err})");
        }
    }
}

#[test]
fn law_names_parse() {
    assert_eq!(G711::parse("ULAW"), Some(G711::MuLaw));
    assert_eq!(G711::parse("pcmu"), Some(G711::MuLaw));
    assert_eq!(G711::parse("a-law"), Some(G711::ALaw));
    assert_eq!(G711::parse("opus"), None);
}

/// 8 kHz G.711 frames of a tone through `PhoneIn`; the 16 kHz output.
fn phone_in(law: G711, freq: f64, amp: f64, seconds: f64) -> Vec<i16> {
    let pcm = tone(8000, freq, amp, seconds);
    let codes: Vec<u8> = pcm.iter().map(|&s| law.encode(s)).collect();
    let mut p = PhoneIn::new(law).unwrap();
    let mut out = Vec::new();
    for frame in codes.chunks(FRAME_SAMPLES) {
        p.process_vec(frame, &mut out);
    }
    out
}

/// The model's 24 kHz audio through `PhoneOut`, decoded back to PCM at 8 kHz.
fn phone_out(law: G711, pcm: &[i16]) -> Vec<i16> {
    let mut p = PhoneOut::with_law(law).unwrap();
    let mut out = Vec::new();
    let mut frame = [0u8; FRAME_SAMPLES];
    for chunk in pcm.chunks(2400) {
        p.push(chunk);
        while p.pop_frame(&mut frame) {
            out.extend(frame.iter().map(|&c| law.decode(c)));
        }
    }
    p.finish();
    while p.pop_frame(&mut frame) {
        out.extend(frame.iter().map(|&c| law.decode(c)));
    }
    out
}

#[test]
fn a_1khz_tone_keeps_its_level_from_the_phone_to_the_model() {
    for law in [G711::MuLaw, G711::ALaw] {
        let out = phone_in(law, 1000.0, 0.3, 1.0);
        // About twice the input (the filter's delay is trimmed; the last 8 ms stay held).
        assert!((15_800..=16_000).contains(&out.len()), "{}", out.len());
        let steady = &out[1600..14_400];
        let input = tone(16_000, 1000.0, 0.3, 0.8);
        let change = db(level_at(steady, 16_000, 1000.0) / level_at(&input, 16_000, 1000.0));
        eprintln!("{law:?} 8 -> 16 kHz, 1 kHz tone: {change:+.3} dB");
        assert!(change.abs() <= 0.5, "{law:?}: {change:+.3} dB");
        // And nothing but the tone: the rest (codec noise, images) is 30 dB down.
        let residual = db(rms(steady) / level_at(steady, 16_000, 1000.0));
        assert!(residual.abs() < 0.05, "{law:?}: {residual} dB");
    }
}

#[test]
fn a_1khz_tone_keeps_its_level_from_the_model_to_the_phone() {
    for law in [G711::MuLaw, G711::ALaw] {
        let input = tone(24_000, 1000.0, 0.3, 1.0);
        let out = phone_out(law, &input);
        // A third of the samples, rounded up to whole frames.
        assert_eq!(out.len(), 8000, "{law:?}");
        let steady = &out[800..7200];
        let reference = tone(8000, 1000.0, 0.3, 0.8);
        let change = db(level_at(steady, 8000, 1000.0) / level_at(&reference, 8000, 1000.0));
        eprintln!("{law:?} 24 -> 8 kHz, 1 kHz tone: {change:+.3} dB");
        assert!(change.abs() <= 0.5, "{law:?}: {change:+.3} dB");
    }
}

#[test]
fn a_5khz_tone_is_attenuated_40_db_on_the_phone_line() {
    let law = G711::MuLaw;
    let input = tone(24_000, 5000.0, 0.5, 1.0);
    let out = phone_out(law, &input);
    let steady = &out[800..7200];
    // 5 kHz folds to 3 kHz at 8 kHz: look there, and at everything.
    let alias = db(level_at(steady, 8000, 3000.0) / level_at(&input, 24_000, 5000.0));
    let total = db(rms(steady) / rms(&input));
    eprintln!("5 kHz tone, 24 -> 8 kHz: alias at 3 kHz {alias:.1} dB, total {total:.1} dB");
    assert!(alias <= -40.0, "alias at 3 kHz only {alias:.1} dB down");
    assert!(total <= -40.0, "output only {total:.1} dB down");

    // Mixed with speech-band audio (a 1 kHz tone), so the line is not silent and carries
    // the codec's noise: the 1 kHz tone passes, the 5 kHz one still does not.
    let high = tone(24_000, 5000.0, 0.3, 1.0);
    let mixed: Vec<i16> = tone(24_000, 1000.0, 0.3, 1.0)
        .iter()
        .zip(&high)
        .map(|(a, b)| a + b)
        .collect();
    for law in [G711::MuLaw, G711::ALaw] {
        let out = phone_out(law, &mixed);
        let steady = &out[800..7200];
        let kept = db(level_at(steady, 8000, 1000.0) / level_at(&mixed, 24_000, 1000.0));
        let alias = db(level_at(steady, 8000, 3000.0) / level_at(&high, 24_000, 5000.0));
        eprintln!("{law:?} 1 kHz + 5 kHz: 1 kHz {kept:+.2} dB, alias at 3 kHz {alias:.1} dB");
        assert!(kept.abs() <= 0.5, "{law:?}: 1 kHz changed {kept:+.2} dB");
        assert!(alias <= -40.0, "{law:?}: alias only {alias:.1} dB down");
    }
}

#[test]
fn any_split_of_the_input_gives_the_same_output() {
    let law = G711::ALaw;
    let pcm = tone(8000, 440.0, 0.4, 0.5);
    let codes: Vec<u8> = pcm.iter().map(|&s| law.encode(s)).collect();
    let mut whole = PhoneIn::new(law).unwrap();
    let mut a = Vec::new();
    whole.process_vec(&codes, &mut a);
    let mut pieces = PhoneIn::new(law).unwrap();
    let mut b = Vec::new();
    let mut rest = &codes[..];
    let mut k = 1;
    while !rest.is_empty() {
        let n = (k * 37 % 211).min(rest.len());
        pieces.process_vec(&rest[..n], &mut b);
        rest = &rest[n..];
        k += 1;
    }
    assert_eq!(a, b);

    let model = tone(24_000, 440.0, 0.4, 0.5);
    let mut one = PhoneOut::with_law(law).unwrap();
    one.push(&model);
    let mut many = PhoneOut::with_law(law).unwrap();
    for c in model.chunks(333) {
        many.push(c);
    }
    assert_eq!(one.buffered(), many.buffered());
    let (mut fa, mut fb) = ([0u8; 160], [0u8; 160]);
    while one.pop_frame(&mut fa) {
        assert!(many.pop_frame(&mut fb));
        assert_eq!(fa, fb);
    }
}

#[test]
fn the_end_of_a_call_gives_the_last_partial_frame_and_the_filter_tail() {
    for law in [G711::MuLaw, G711::ALaw] {
        // 1.23 s: 61 whole 20 ms frames and 80 codes more.
        let codes: Vec<u8> = tone(8000, 440.0, 0.3, 1.23)
            .iter()
            .map(|&s| law.encode(s))
            .collect();
        assert_eq!(codes.len(), 9840);
        let mut p = PhoneIn::new(law).unwrap();
        let mut out = Vec::new();
        for frame in codes.chunks(160) {
            p.process_vec(frame, &mut out);
        }
        // Without the end: 61 chunks less the filter's delay (about 8 ms).
        let delay = (p.latency().as_secs_f64() * 16_000.0).round() as usize;
        assert!((120..=140).contains(&delay), "{delay}");
        // (rubato's chunks give 320 samples give or take a few.)
        let before = out.len();
        assert!(
            before.abs_diff(61 * 320 - delay) <= 8,
            "{law:?}: {before} before the end"
        );
        let mut tail = vec![0i16; p.finish_output_max()];
        let n = p.finish(&mut tail).unwrap();
        out.extend_from_slice(&tail[..n]);
        assert_eq!(out.len(), 2 * codes.len(), "{law:?}: two samples per code");

        // The same call going on for another 200 ms: up to the filter's delay before the end
        // (where it starts seeing past it) the output is the same, sample for sample.
        let mut longer = codes.clone();
        longer.extend(
            tone(8000, 440.0, 0.3, 1.43)[9840..]
                .iter()
                .map(|&s| law.encode(s)),
        );
        let mut q = PhoneIn::new(law).unwrap();
        let mut reference = Vec::new();
        q.process_vec(&longer, &mut reference);
        let exact = out.len() - delay;
        assert!(
            exact >= before + 150,
            "{law:?}: the partial frame is compared"
        );
        let worst = out[..exact]
            .iter()
            .zip(&reference[..exact])
            .map(|(a, b)| (i32::from(*a) - i32::from(*b)).abs())
            .max()
            .unwrap_or(0);
        assert!(worst <= 1, "{law:?}: differs by {worst} before the end");
        // The tail carries the tone (the last 8 ms fade as the input stops).
        let last = &out[exact - 320..exact];
        let kept = db(rms(last) / rms(&reference[exact - 320..exact]));
        assert!(
            kept.abs() < 0.1,
            "{law:?}: last 20 ms before the tail {kept:+.2} dB"
        );
        let fade = db(rms(&out[exact..]) / rms(&reference[exact..out.len()]));
        assert!(fade > -3.0, "{law:?}: the filter tail {fade:+.2} dB");

        // Then it is ready for a new call: the same input gives the same output.
        let mut again = Vec::new();
        for frame in codes.chunks(160) {
            p.process_vec(frame, &mut again);
        }
        p.finish_vec(&mut again);
        assert_eq!(again, out, "{law:?}: a second call");
        // A call shorter than one frame gives its two samples per code too.
        let mut short = Vec::new();
        p.process_vec(&codes[..50], &mut short);
        assert!(short.is_empty());
        p.finish_vec(&mut short);
        assert_eq!(short.len(), 100);
        let mut small = [0i16; 10];
        assert!(
            p.finish(&mut small).is_err(),
            "a buffer too small is refused"
        );
    }
}

#[test]
fn neither_direction_allocates_after_construction() {
    let law = G711::MuLaw;
    let mut input = PhoneIn::new(law).unwrap();
    let mut output = PhoneOut::with_law(law).unwrap();
    let frame_in: Vec<u8> = tone(8000, 700.0, 0.3, 0.02)
        .iter()
        .map(|&s| law.encode(s))
        .collect();
    let model = tone(24_000, 700.0, 0.3, 0.1);
    let mut pcm16 = vec![0i16; input.max_output(frame_in.len() * 3)];
    let mut frame_out = [0u8; FRAME_SAMPLES];
    let (allocs, produced) = allocations_during(|| {
        let mut produced = 0;
        for _ in 0..100 {
            // Whole frames, and odd pieces.
            produced += input.process(&frame_in, &mut pcm16).unwrap();
            produced += input.process(&frame_in[..61], &mut pcm16).unwrap();
            produced += input.process(&frame_in[61..], &mut pcm16).unwrap();
            output.push(&model);
            while output.pop_frame(&mut frame_out) {
                produced += 1;
            }
        }
        input.process(&frame_in[..61], &mut pcm16).unwrap();
        produced += input.finish(&mut pcm16).unwrap();
        output.push(&model);
        output.clear();
        output.push(&model);
        output.finish();
        while output.pop_frame(&mut frame_out) {
            produced += 1;
        }
        let mut codes = [0u8; 64];
        let mut back = [0i16; 64];
        law.encode_into(&pcm16[..64], &mut codes);
        law.decode_into(&codes, &mut back);
        produced
    });
    assert!(produced > 60_000, "{produced}");
    assert_eq!(allocs, 0, "allocations while converting");
}

#[test]
fn a_barge_in_clears_what_is_queued_and_the_reply_ends_on_a_whole_frame() {
    let mut p = PhoneOut::new(PhoneOutConfig::default()).unwrap();
    let model: Vec<u8> = tone(24_000, 300.0, 0.3, 0.4)
        .iter()
        .flat_map(|s| s.to_le_bytes())
        .collect();
    let chunk = gemini_live::AudioChunk {
        data: model,
        sample_rate: 24_000,
    };
    let queued = match p.handle_event(&Event::Audio(chunk.clone())) {
        PhoneOutAction::Queued(n) => n,
        other => panic!("{other:?}"),
    };
    assert!((3150..=3200).contains(&queued), "{queued}");
    let mut frame = [0u8; 160];
    assert!(p.pop_frame(&mut frame));
    assert_eq!(
        p.handle_event(&Event::Interrupted),
        PhoneOutAction::Cleared(queued - 160)
    );
    assert!(!p.pop_frame(&mut frame), "nothing left after a barge-in");
    p.handle_event(&Event::Audio(chunk));
    p.finish();
    assert_eq!(p.buffered() % 160, 0);
    assert_eq!(p.buffered(), 3200, "400 ms of reply, 20 frames");
    let s = p.stats();
    assert_eq!((s.frames, s.sent, s.cleared), (1, 160, queued as u64 - 160));
}

#[test]
fn talk_with_telephony_reads_and_writes_raw_g711() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("talk_telephony");
    std::fs::create_dir_all(&dir).unwrap();
    for law in [G711::MuLaw, G711::ALaw] {
        let input = dir.join(format!("caller.{}", law.name()));
        let output = dir.join(format!("reply.{}", law.name()));
        let codes: Vec<u8> = tone(8000, 440.0, 0.3, 0.6)
            .iter()
            .map(|&s| law.encode(s))
            .collect();
        std::fs::write(&input, &codes).unwrap();
        // What the fake must hear: PhoneIn over the file, 20 ms at a time, and its end.
        let mut p = PhoneIn::new(law).unwrap();
        let mut upload = Vec::new();
        for frame in codes.chunks(FRAME_SAMPLES) {
            p.process_vec(frame, &mut upload);
        }
        p.finish_vec(&mut upload);
        assert_eq!(upload.len(), 2 * codes.len());
        let bytes: Vec<u8> = upload.iter().flat_map(|s| s.to_le_bytes()).collect();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_gemini-live"))
            .env_remove("GEMINI_API_KEY")
            .env_remove("GEMINI_LIVE_ENDPOINT")
            .env_remove("GEMINI_LIVE_MODEL")
            .args([
                "--modality",
                "text+audio",
                "talk",
                "--fast",
                "--telephony",
                law.name(),
            ])
            .arg("--input")
            .arg(&input)
            .arg("--output")
            .arg(&output)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{stdout}\n{stderr}");
        let want = format!(
            "heard {} bytes of audio, checksum {:016x}",
            bytes.len(),
            gemini_live::fake::fnv1a64(&bytes)
        );
        assert!(stdout.contains(&want), "{stdout}\nwanted: {want}");
        // The fake's 400 ms reply (a 240 Hz tone, amplitude 6000) as 8 kHz G.711.
        let reply = std::fs::read(&output).unwrap();
        assert_eq!(reply.len(), 3200, "{stderr}");
        let pcm: Vec<i16> = reply.iter().map(|&c| law.decode(c)).collect();
        let reference = tone(8000, 240.0, 6000.0 / 32767.0, 0.3);
        let change = db(level_at(&pcm[400..2800], 8000, 240.0) / level_at(&reference, 8000, 240.0));
        assert!(change.abs() <= 0.5, "{law:?}: {change:+.2} dB");
        assert!(
            stderr.contains(&format!("as 8 kHz {}", law.name())),
            "{stderr}"
        );
    }
}

#[test]
fn the_c_frame_size_is_the_rust_one() {
    assert_eq!(
        gemini_live::ffi::telephony::GEMINI_LIVE_PHONE_FRAME as usize,
        FRAME_SAMPLES
    );
}
