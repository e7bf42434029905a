//! An extended-thinking conversation (protocol.md Part C.2: a filler segment ending with
//! `turnComplete` + `interactionStatus: IN_PROGRESS`, then the answer ending with `IDLE`)
//! survives a GoAway, a drop and a 1011 that come while an interaction is `IN_PROGRESS`:
//! every question is answered exactly once.

mod common;

use common::*;
use gemini_live::fake::{FakeOptions, FakeServer, Fault, FaultPlan};
use gemini_live::{Config, Event, ResponseMode, Session};
use std::time::Duration;

const MODEL: &str = "gemini-3.8-live-extended-thinking";
const LINES: [&str; 3] = ["one", "two", "three"];

fn et_config(server: &FakeServer) -> Config {
    let mut c = config(server, ResponseMode::TextAndAudio).with_model(MODEL);
    c.stall_timeout = Duration::from_secs(2);
    c
}

fn conversation(s: &Session) -> (Vec<String>, Vec<Event>) {
    let mut events = Vec::new();
    let answers = LINES
        .iter()
        .map(|line| {
            s.send_text(line).unwrap();
            interaction(s, &mut events)
        })
        .collect();
    (answers, events)
}

/// 1-based position of the first server message of connection 1 that contains `key` in a
/// fault-free run, counting from `from` (1-based).
fn position(key: &str, nth: usize) -> usize {
    let server = fake();
    let s = Session::connect(et_config(&server)).unwrap();
    let (answers, _) = conversation(&s);
    assert_eq!(answers.len(), LINES.len());
    s.close().unwrap();
    let sent = server.connections()[0].sent.clone();
    sent.iter()
        .enumerate()
        .filter(|(_, m)| m.contains(key))
        .nth(nth)
        .map(|(i, _)| i + 1)
        .unwrap_or_else(|| panic!("no {key} #{nth} in {sent:#?}"))
}

/// Each answer is the filler then the answer of one question, once.
fn assert_each_answered_once(answers: &[String], events: &[Event], what: &str) {
    for (answer, line) in answers.iter().zip(LINES) {
        let echo = format!("echo: {line}");
        assert_eq!(
            answer.matches(&echo).count(),
            1,
            "{what}: {answer:?}; events: {events:#?}"
        );
        assert!(answer.ends_with(&echo), "{what}: {answer:?}");
        assert!(
            answer.contains("let me think about that.|"),
            "{what}: {answer:?}"
        );
    }
}

#[test]
fn a_fault_free_conversation_waits_for_idle_each_time() {
    let server = fake();
    let s = Session::connect(et_config(&server)).unwrap();
    let (answers, events) = conversation(&s);
    assert_each_answered_once(&answers, &events, "no fault");
    // The service's rule: a resumable handle only when idle, i.e. never between the filler's
    // IN_PROGRESS and the answer's IDLE.
    let sent = &server.connections()[0].sent;
    let mut in_progress = false;
    for m in sent {
        if m.contains("IN_PROGRESS") {
            in_progress = true;
        } else if m.contains("\"IDLE\"") {
            in_progress = false;
        } else if m.contains("newHandle") {
            assert!(!in_progress, "a handle mid-interaction: {sent:#?}");
        }
    }
}

#[test]
fn a_goaway_during_in_progress_hands_over_after_idle_and_nothing_is_asked_twice() {
    // The GoAway comes right after the second question's filler (IN_PROGRESS).
    let at = position("IN_PROGRESS", 1);
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new().after_server(
            1,
            at,
            Fault::GoAway {
                time_left: Duration::from_secs(10),
                then_close_after: Some(Duration::from_secs(10)),
            },
        ),
        ..FakeOptions::default()
    });
    let s = Session::connect(et_config(&server)).unwrap();
    let (answers, events) = conversation(&s);
    assert_each_answered_once(&answers, &events, "goaway");
    // The answer to "two" came on the first connection: the handover waited for IDLE.
    let spoken_on_first: String = server.connections()[0]
        .sent
        .iter()
        .filter_map(|m| serde_json::from_str::<serde_json::Value>(m).ok())
        .filter_map(|v| {
            v["serverContent"]["outputTranscription"]["text"]
                .as_str()
                .map(str::to_string)
        })
        .collect();
    assert!(
        spoken_on_first.contains("[turn 2] echo: two"),
        "handed over mid-interaction: {spoken_on_first}\nevents: {events:#?}"
    );
    assert!(
        server.connection_count() >= 2,
        "no handover after the GoAway"
    );
    // No question was sent twice.
    let all: Vec<String> = server
        .connections()
        .iter()
        .flat_map(|c| c.frames.clone())
        .collect();
    for line in LINES {
        let needle = format!("\"text\":\"{line}\"");
        assert_eq!(
            all.iter().filter(|f| f.contains(&needle)).count(),
            1,
            "{line}: {all:#?}"
        );
    }
    assert!(!events
        .iter()
        .any(|e| matches!(e, Event::ReplyDiscarded { .. })));
}

#[test]
fn a_drop_or_a_1011_during_in_progress_asks_again_and_answers_once() {
    let at = position("IN_PROGRESS", 1);
    for fault in [
        Fault::Drop,
        Fault::Close {
            code: 1011,
            reason: "Internal error occurred.".into(),
        },
    ] {
        let server = fake_with(FakeOptions {
            faults: FaultPlan::new().after_server(1, at, fault.clone()),
            ..FakeOptions::default()
        });
        let s = Session::connect(et_config(&server)).unwrap();
        let (answers, events) = conversation(&s);
        assert_each_answered_once(&answers, &events, &format!("{fault:?}"));
        assert!(
            events
                .iter()
                .any(|e| matches!(e, Event::ReplyDiscarded { .. })),
            "{fault:?}: the cut interaction is voided: {events:#?}"
        );
        // The question cut mid-interaction was asked again on the new connection; the
        // resumed server state holds every question once.
        let snapshot = server.state_snapshot();
        let texts = &snapshot.last().unwrap().texts;
        assert_eq!(texts, &LINES, "{fault:?}: {snapshot:#?}");
    }
}

/// The conversation keeps its context when a connection ends right after an answer (`IDLE`)
/// and before the handle that covers it, resumed or in a new session: each answer names the
/// same turn and context digest as in an unbroken conversation (filler and answer are one
/// exchange in what the session knows and in what it puts back).
#[test]
fn a_cut_after_an_answer_keeps_the_context_of_the_whole_conversation() {
    let digest = |faults| {
        fake_with(FakeOptions {
            faults,
            context_digest: true,
            ..FakeOptions::default()
        })
    };
    let run = |server: &FakeServer, resumption: bool| {
        let mut c = et_config(server);
        c.session_resumption = resumption;
        let s = Session::connect(c).unwrap();
        conversation(&s)
    };
    let at = position("\"IDLE\"", 0);
    for resumption in [true, false] {
        let (want, _) = run(&digest(FaultPlan::new()), resumption);
        let server = digest(FaultPlan::new().after_server(1, at, Fault::Drop));
        let (answers, events) = run(&server, resumption);
        assert_eq!(answers, want, "resumption {resumption}: {events:#?}");
        assert!(
            events
                .iter()
                .any(|e| matches!(e, Event::ContextRestored { turns: 1, .. })),
            "{events:#?}"
        );
        assert!(want[1].contains("[turn 2, context "), "{want:?}");
    }
}
