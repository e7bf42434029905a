//! Load with faults: 200 concurrent sessions against one fake server that injects faults at
//! random (TCP drops, 1011 closes, GoAway handovers, replies cut mid-way by a drop or a 1011)
//! at random points of random connections. Every conversation (a text turn, an audio turn, a
//! text turn) completes with every reply correct, and the fake's own per-session record (turn
//! counter, texts, input byte count and FNV-1a checksum) shows no input lost or duplicated.
//!
//! Prints the figures: wall time, faults, reconnects, the longest recovery.
//! `GEMINI_LIVE_LOAD_SESSIONS=N` (default 200) and `GEMINI_LIVE_LOAD_SEED=S` (default: the
//! time; the seed is printed, so a failure can be replayed).

mod common;

use common::*;
use gemini_live::fake::{fnv1a64, FakeOptions, Fault, FaultPlan};
use gemini_live::{Event, ResponseMode, Session};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

/// Client messages of one conversation: setup, text, audio chunks, audioStreamEnd, text.
const AUDIO_CHUNKS: usize = 10;
const MESSAGES: usize = 1 + 1 + AUDIO_CHUNKS + 1 + 1;

fn env(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

/// xorshift64*: deterministic faults from a seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Faults on about half of the first `conns` connections, each at a random message.
fn random_plan(rng: &mut Rng, conns: usize) -> (FaultPlan, usize) {
    let mut plan = FaultPlan::new();
    let mut n = 0;
    for conn in 1..=conns {
        if rng.below(2) != 0 {
            continue;
        }
        let at = 1 + rng.below(MESSAGES as u64) as usize;
        let fault = match rng.below(5) {
            0 => Fault::Drop,
            1 => Fault::Close {
                code: 1011,
                reason: "Internal error occurred.".into(),
            },
            2 => Fault::GoAway {
                time_left: Duration::from_millis(1000),
                then_close_after: Some(Duration::from_millis(1000)),
            },
            3 => Fault::CutMidReply {
                after_sends: 1 + rng.below(3) as usize,
                code: None,
            },
            _ => Fault::CutMidReply {
                after_sends: 1 + rng.below(3) as usize,
                code: Some(1011),
            },
        };
        plan = plan.at(conn, at, fault);
        n += 1;
    }
    (plan, n)
}

/// What one conversation saw.
struct Outcome {
    replies: Vec<String>,
    reconnects: u64,
    /// Longest time from a `Reconnecting` (first attempt) to `Resumed`.
    longest_recovery: Duration,
    new_sessions: usize,
}

/// One turn's reply text (restarted by a resumption: the server answers the replay again).
fn reply(
    s: &Session,
    recovery: &mut (Option<Instant>, Duration),
    new_sessions: &mut usize,
) -> String {
    let mut text = String::new();
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        assert!(Instant::now() < deadline, "no turn end within 60 s");
        let ev = match s.next_event(Duration::from_secs(30)) {
            Ok(Some(ev)) => ev,
            Ok(None) => panic!("30 s of silence"),
            Err(e) => panic!("{e}"),
        };
        match ev {
            Event::Text(t) => text.push_str(&t),
            Event::Reconnecting { attempt: 1, .. } => {
                recovery.0.get_or_insert_with(Instant::now);
            }
            Event::Resumed { .. } | Event::NewSession { .. } => {
                if matches!(ev, Event::NewSession { .. }) {
                    *new_sessions += 1;
                }
                if let Some(t) = recovery.0.take() {
                    recovery.1 = recovery.1.max(t.elapsed());
                }
                text.clear();
            }
            Event::TurnComplete { .. } => return text,
            Event::Closed { .. } => panic!("closed: {ev:?}"),
            _ => {}
        }
    }
}

fn conversation(s: &Session, i: usize, pcm: &[u8]) -> Outcome {
    let mut recovery = (None, Duration::ZERO);
    let mut new_sessions = 0;
    let mut replies = Vec::new();
    s.send_text(&format!("s{i} first")).unwrap();
    replies.push(reply(s, &mut recovery, &mut new_sessions));
    for chunk in pcm.chunks(pcm.len() / AUDIO_CHUNKS) {
        s.send_audio_bytes(chunk).unwrap();
    }
    s.audio_stream_end().unwrap();
    replies.push(reply(s, &mut recovery, &mut new_sessions));
    s.send_text(&format!("s{i} last")).unwrap();
    replies.push(reply(s, &mut recovery, &mut new_sessions));
    Outcome {
        replies,
        reconnects: s.metrics().reconnects,
        longest_recovery: recovery.1,
        new_sessions,
    }
}

#[test]
fn two_hundred_sessions_with_random_faults_lose_and_duplicate_nothing() {
    let sessions = env("GEMINI_LIVE_LOAD_SESSIONS").unwrap_or(200) as usize;
    let seed = env("GEMINI_LIVE_LOAD_SEED").unwrap_or_else(|| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(1, |d| d.as_nanos() as u64)
    }) | 1;
    eprintln!("load_with_faults: {sessions} sessions, seed {seed} (GEMINI_LIVE_LOAD_SEED)");
    let mut rng = Rng(seed);
    // Connections beyond the first one per session are reconnections; plan for plenty.
    let (plan, planned) = random_plan(&mut rng, sessions * 4);
    let server = fake_with(FakeOptions {
        faults: plan,
        ..FakeOptions::default()
    });
    let mut c = config(&server, ResponseMode::Text);
    c.stall_timeout = Duration::from_secs(5);
    c.timeouts.connect_total = Duration::from_secs(10);
    c.timeouts.setup = Duration::from_secs(10);
    c.timeouts.upgrade = Duration::from_secs(10);
    c.timeouts.send = Duration::from_secs(10);
    c.reconnect.max_delay = Duration::from_secs(1);
    c.reconnect.max_attempts = 30;
    c.reconnect.goaway_margin = Duration::from_millis(200);

    let barrier = Arc::new(Barrier::new(sessions));
    let started = Instant::now();
    let threads: Vec<_> = (0..sessions)
        .map(|i| {
            let c = c.clone();
            let barrier = barrier.clone();
            std::thread::Builder::new()
                .name(format!("load-{i}"))
                .stack_size(256 * 1024)
                .spawn(move || {
                    let pcm = tone(20 * AUDIO_CHUNKS as u32, 200.0 + i as f32);
                    barrier.wait();
                    let s = Session::connect(c).unwrap_or_else(|e| panic!("s{i}: {e}"));
                    let outcome = conversation(&s, i, &pcm);
                    s.close().unwrap();
                    (outcome, pcm)
                })
                .expect("thread")
        })
        .collect();
    let outcomes: Vec<(Outcome, Vec<u8>)> = threads
        .into_iter()
        .enumerate()
        .map(|(i, t)| {
            t.join()
                .unwrap_or_else(|_| panic!("conversation {i} failed"))
        })
        .collect();
    let took = started.elapsed();

    let snapshot = server.state_snapshot();
    for (i, (o, pcm)) in outcomes.iter().enumerate() {
        let checksum = fnv1a64(pcm);
        assert_eq!(o.replies[0], format!("[turn 1] echo: s{i} first"), "s{i}");
        assert_eq!(
            o.replies[1],
            format!(
                "[turn 2] heard {} bytes of audio, checksum {checksum:016x}",
                pcm.len()
            ),
            "s{i}"
        );
        assert_eq!(o.replies[2], format!("[turn 3] echo: s{i} last"), "s{i}");
        let first = format!("s{i} first");
        let mine: Vec<_> = snapshot
            .iter()
            .filter(|s| s.texts.contains(&first))
            .collect();
        assert_eq!(mine.len(), 1, "s{i}: one logical session: {mine:#?}");
        let m = mine[0];
        assert_eq!(m.turns, 3, "s{i}: {m:#?}");
        assert_eq!(m.texts, vec![first, format!("s{i} last")], "s{i}");
        assert_eq!(
            m.input_bytes,
            pcm.len() as u64,
            "s{i}: audio lost or doubled"
        );
        assert_eq!(m.input_checksum, checksum, "s{i}: audio altered");
    }
    let reconnects: u64 = outcomes.iter().map(|(o, _)| o.reconnects).sum();
    let affected = outcomes.iter().filter(|(o, _)| o.reconnects > 0).count();
    let longest = outcomes
        .iter()
        .map(|(o, _)| o.longest_recovery)
        .max()
        .unwrap_or_default();
    let conns = server.connection_count();
    // A new session is no loss when the connection died before the first handle arrived
    // (the checks above prove every turn reached one logical session).
    let new_sessions: usize = outcomes.iter().map(|(o, _)| o.new_sessions).sum();
    eprintln!(
        "load_with_faults: {sessions} sessions x 3 turns in {took:.2?}; {planned} faults \
         planned on the first {} connections, {conns} connections made; {reconnects} \
         reconnections in {affected} sessions ({new_sessions} before any handle); longest \
         recovery {longest:.2?}",
        sessions * 4
    );
    assert!(reconnects > 0, "faults were injected");
    assert!(longest < Duration::from_secs(30), "{longest:?}");
}
