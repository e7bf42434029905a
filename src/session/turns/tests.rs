//! Tests of the turn ledger: pinned cases for each defect it fixes, and a model-based property
//! test that drives it with a simulated server and application through random conversations
//! and faults at every point.

use super::*;
use crate::frames::InputKind;
use crate::session::events::Facts;
use std::time::Duration;
use std::time::Instant;
use tungstenite::Utf8Bytes;

fn t(ms: u64) -> Instant {
    use std::sync::OnceLock;
    static T0: OnceLock<Instant> = OnceLock::new();
    *T0.get_or_init(Instant::now) + Duration::from_millis(ms)
}

fn facts() -> Facts {
    Facts::default()
}

fn ledger() -> Ledger {
    Ledger::new(1 << 20, Duration::from_secs(60))
}

fn push(l: &mut Ledger, s: &str, kind: InputKind) -> bool {
    let audio = if s.starts_with("audio") {
        Duration::from_millis(20)
    } else {
        Duration::ZERO
    };
    l.push_at(&Utf8Bytes::from(s.to_string()), kind, audio, t(0))
}

fn content() -> Facts {
    Facts {
        reply_content: true,
        ..facts()
    }
}

fn done(in_progress: bool) -> Facts {
    Facts {
        turn_complete: true,
        interaction_in_progress: in_progress,
        ..facts()
    }
}

fn handle() -> Facts {
    Facts {
        handle: Some("h".into()),
        ..facts()
    }
}

fn frames(l: &Ledger, resumed: bool) -> Vec<String> {
    l.replay(resumed)
        .frames
        .iter()
        .map(|f| f.as_str().to_string())
        .collect()
}

#[test]
fn an_answered_turn_is_never_replayed_even_before_its_handle() {
    // Defect 1: the connection ends after turnComplete, before the handle that follows it.
    let mut l = ledger();
    push(&mut l, "one", InputKind::TurnEnd);
    l.server(&content(), t(1));
    assert!(l.server(&done(false), t(2)), "the turn is answered");
    assert_eq!(l.held(), 0, "its input is forgotten at once");
    let lost = l.connection_lost();
    assert_eq!(lost.discarded, None, "the reply was complete");
    let r = l.replay(true);
    assert!(r.frames.is_empty());
    assert_eq!(
        r.context_lost, 1,
        "the resumed state predates the answered turn"
    );
    l.replayed(r.seqs, 0, true, t(3));
    assert_eq!(l.replay(true).context_lost, 0, "told once");
}

#[test]
fn without_resumption_answered_input_is_not_replayed_either() {
    // Defect 2: no handle ever arrives; a GoAway handover must not re-send answered input.
    let mut l = ledger();
    push(&mut l, "one", InputKind::TurnEnd);
    l.server(&done(false), t(1));
    push(&mut l, "two", InputKind::TurnEnd);
    l.server(&content(), t(2));
    l.connection_lost();
    assert_eq!(frames(&l, false), vec!["two"]);
    assert_eq!(
        l.replay(false).context_lost,
        0,
        "a new session says so itself"
    );
}

#[test]
fn a_handle_covers_the_answered_turns() {
    let mut l = ledger();
    push(&mut l, "one", InputKind::TurnEnd);
    l.server(&done(false), t(1));
    l.server(&handle(), t(1));
    l.connection_lost();
    assert_eq!(l.replay(true).context_lost, 0);
}

#[test]
fn in_progress_is_not_the_end_of_the_interaction() {
    let mut l = ledger();
    push(&mut l, "plan my trip", InputKind::TurnEnd);
    l.server(&content(), t(1));
    assert!(!l.server(&done(true), t(2)), "IN_PROGRESS answers nothing");
    assert!(!l.idle());
    assert_eq!(l.turns.stall_since(), Some(t(0)), "a reply is still owed");
    l.server(&content(), t(3));
    let lost = l.connection_lost();
    assert_eq!(
        lost.discarded,
        Some(1),
        "the filler and the partial answer are void"
    );
    assert_eq!(frames(&l, true), vec!["plan my trip"], "asked again");
    l.replayed(l.replay(true).seqs, 0, true, t(4));
    l.server(&content(), t(5));
    l.server(&done(true), t(6));
    assert!(l.server(&done(false), t(7)), "IDLE ends it");
    assert!(l.idle());
}

/// The facts of a server message, read as the session reads it.
fn facts_of(msg: serde_json::Value) -> Facts {
    let msg = crate::protocol::decode_server(msg.to_string().as_bytes()).expect("a message");
    crate::session::events::to_events(msg, crate::ResponseMode::Audio, &mut Vec::new())
}

#[test]
fn requires_action_is_not_finished_and_idle_ends_it_even_without_turn_complete() {
    // Part D.4: Google's SDK ends an interaction only on IDLE, also on a message without
    // turnComplete; REQUIRES_ACTION (the model waits for the client) is not finished.
    let mut l = ledger();
    push(&mut l, "book it", InputKind::TurnEnd);
    l.server(&content(), t(1));
    let waiting = facts_of(serde_json::json!({"serverContent": {
        "turnComplete": true, "interactionStatus": "REQUIRES_ACTION"}}));
    assert!(!l.server(&waiting, t(2)), "REQUIRES_ACTION answers nothing");
    assert!(
        !l.idle(),
        "no handover boundary while the interaction goes on"
    );
    l.server(&content(), t(3));
    let idle = facts_of(serde_json::json!({"serverContent": {"interactionStatus": "IDLE"}}));
    assert!(l.server(&idle, t(4)), "IDLE without turnComplete ends it");
    assert!(l.idle(), "a turn boundary: a GoAway handover may go ahead");
}

#[test]
fn the_stall_timer_runs_only_while_the_server_owes_a_reply() {
    let mut l = ledger();
    assert_eq!(l.stall_since(), None, "idle");
    push(&mut l, "audio1", InputKind::Plain);
    assert_eq!(l.stall_since(), None, "streaming audio asks nothing yet");
    l.push_at(
        &Utf8Bytes::from_static("one"),
        InputKind::TurnEnd,
        Duration::ZERO,
        t(21_000),
    );
    assert_eq!(
        l.stall_since(),
        Some(t(21_000)),
        "from the question's flush"
    );
    l.server(
        &Facts {
            audio_duration: Duration::from_secs(25),
            ..content()
        },
        t(21_100),
    );
    l.server(
        &Facts {
            generation_complete: true,
            ..facts()
        },
        t(21_200),
    );
    assert_eq!(
        l.stall_since(),
        Some(t(46_200)),
        "after generationComplete only turnComplete is outstanding: it comes at the end of \
         playback (protocol C.3), 25 s of audio later"
    );
    l.server(&done(false), t(45_000));
    // A text reply has no playback: silence after generationComplete is a stall.
    push(&mut l, "two", InputKind::TurnEnd);
    l.server(&content(), t(45_100));
    l.server(
        &Facts {
            generation_complete: true,
            ..facts()
        },
        t(45_200),
    );
    assert_eq!(l.stall_since(), Some(t(45_200)));
    l.server(&done(false), t(45_300));
    assert_eq!(l.stall_since(), None);
    // A tool call: the app owes the response; then the server owes the answer.
    l.push_at(
        &Utf8Bytes::from_static("call tool"),
        InputKind::TurnEnd,
        Duration::ZERO,
        t(50_000),
    );
    l.server(
        &Facts {
            tool_calls: vec!["c1".into()],
            ..facts()
        },
        t(50_100),
    );
    assert_eq!(l.stall_since(), None, "the app's move");
    l.push_at(
        &Utf8Bytes::from_static("resp"),
        InputKind::ToolResponse {
            ids: vec!["c1".into()],
            continuing: vec![],
        },
        Duration::ZERO,
        t(60_000),
    );
    assert_eq!(l.stall_since(), Some(t(60_000)));
}

#[test]
fn text_turns_leave_the_utterance_to_the_audio_turn() {
    let mut l = ledger();
    push(&mut l, "audio1", InputKind::Plain);
    push(&mut l, "history", InputKind::Plain);
    push(&mut l, "hi", InputKind::TurnEnd);
    l.server(&done(false), t(1));
    push(&mut l, "audio2", InputKind::Plain);
    l.connection_lost();
    assert_eq!(
        frames(&l, true),
        vec!["audio1", "audio2"],
        "the utterance is still open"
    );
    push(&mut l, "end", InputKind::AudioEnd);
    l.server(&done(false), t(2));
    assert_eq!(l.held(), 0);
}

#[test]
fn a_turn_the_servers_activity_detection_ended_takes_the_audio_flushed_before_its_reply() {
    let mut l = ledger();
    push(&mut l, "audio1", InputKind::Plain);
    push(&mut l, "audio2", InputKind::Plain);
    l.server(&content(), t(1));
    push(&mut l, "audio3", InputKind::Plain);
    assert_eq!(
        l.stall_since(),
        Some(t(1)),
        "owed from the first reply content"
    );
    l.server(&done(false), t(2));
    l.connection_lost();
    assert_eq!(frames(&l, true), vec!["audio3"]);
    // Cut before its end: the detected turn dissolves; its audio is replayed.
    l.server(&content(), t(3));
    let lost = l.connection_lost();
    assert_eq!(lost.discarded, Some(2));
    assert_eq!(l.turns.open_turns(), 0);
    assert_eq!(frames(&l, true), vec!["audio3"]);
}

#[test]
fn tool_responses_are_never_replayed_and_the_question_is_asked_again() {
    let mut l = ledger();
    push(&mut l, "call tool", InputKind::TurnEnd);
    l.server(
        &Facts {
            tool_calls: vec!["c1".into()],
            ..facts()
        },
        t(1),
    );
    assert!(!push(
        &mut l,
        "bogus",
        InputKind::ToolResponse {
            ids: vec!["nope".into()],
            continuing: vec![]
        }
    ));
    assert!(push(
        &mut l,
        "resp",
        InputKind::ToolResponse {
            ids: vec!["c1".into()],
            continuing: vec![]
        }
    ));
    let lost = l.connection_lost();
    assert_eq!(
        lost.discarded,
        Some(1),
        "the tool call was part of a void reply"
    );
    assert_eq!(lost.stale_tool_responses, vec!["c1".to_string()]);
    assert_eq!(frames(&l, true), vec!["call tool"]);
    assert!(
        !push(
            &mut l,
            "late",
            InputKind::ToolResponse {
                ids: vec!["c1".into()],
                continuing: vec![]
            }
        ),
        "a response to a call of the old connection is refused"
    );
}

#[test]
fn a_response_with_will_continue_keeps_its_call_open() {
    let mut l = ledger();
    push(&mut l, "call tool", InputKind::TurnEnd);
    l.server(
        &Facts {
            tool_calls: vec!["c1".into()],
            ..facts()
        },
        t(1),
    );
    l.server(&done(false), t(2));
    let partial = InputKind::ToolResponse {
        ids: vec!["c1".into()],
        continuing: vec!["c1".into()],
    };
    assert!(push(&mut l, "half", partial));
    l.server(&done(false), t(3));
    assert!(!l.idle(), "the call is still open");
    let last = InputKind::ToolResponse {
        ids: vec!["c1".into()],
        continuing: vec![],
    };
    assert!(
        push(&mut l, "all", last.clone()),
        "more responses are accepted"
    );
    l.server(&done(false), t(4));
    assert!(l.idle());
    assert!(!push(&mut l, "again", last), "closed by its last response");
}

#[test]
fn a_question_whose_calls_were_all_cancelled_is_over() {
    let mut l = ledger();
    push(&mut l, "call tool", InputKind::TurnEnd);
    l.server(
        &Facts {
            tool_calls: vec!["c1".into()],
            ..facts()
        },
        t(1),
    );
    push(&mut l, "never mind", InputKind::TurnEnd);
    assert!(l.server(
        &Facts {
            cancelled: vec!["c1".into()],
            ..facts()
        },
        t(2),
    ));
    l.server(&content(), t(3));
    l.server(&done(false), t(4));
    assert!(l.idle());
    assert_eq!(l.held(), 0);
}

#[test]
fn evicted_input_is_reported_only_when_it_is_needed() {
    let mut l = Ledger::new(10, Duration::from_secs(60));
    for _ in 0..3 {
        push(&mut l, "xxxx", InputKind::Plain);
    }
    push(&mut l, "q1", InputKind::TurnEnd);
    l.server(&done(false), t(1));
    assert_eq!(
        l.connection_lost().dropped,
        (0, 0),
        "answered: nothing lost"
    );
    for _ in 0..4 {
        push(&mut l, "audio", InputKind::Plain);
    }
    let lost = l.connection_lost();
    assert_eq!(lost.dropped, (2, 10), "the utterance lost its start");
    // A question that was evicted cannot be asked again: its turn is dropped, and said so.
    let mut l = Ledger::new(8, Duration::from_secs(60));
    push(&mut l, "question", InputKind::TurnEnd);
    push(&mut l, "history1", InputKind::Plain);
    let lost = l.connection_lost();
    assert_eq!(lost.dropped, (1, 8));
    assert_eq!(l.turns.open_turns(), 0, "no reply is owed any more");
    assert_eq!(frames(&l, true), vec!["history1"]);
}

#[test]
fn an_exact_acknowledgement_trims_replay_but_keeps_open_questions() {
    let mut l = ledger();
    push(&mut l, "audio1", InputKind::Plain);
    push(&mut l, "audio2", InputKind::Plain);
    push(&mut l, "end", InputKind::AudioEnd);
    push(&mut l, "audio3", InputKind::Plain);
    assert_eq!(l.turns.connection_seq(4), Some(4));
    assert_eq!(l.turns.connection_seq(5), None, "not sent yet");
    l.server(
        &Facts {
            last_consumed_index: Some(4),
            ..facts()
        },
        t(1),
    );
    assert_eq!(l.held(), 4, "an index without a handle trims nothing");
    l.server(
        &Facts {
            last_consumed_index: Some(4),
            ..handle()
        },
        t(1),
    );
    assert_eq!(
        frames(&l, true),
        vec!["end"],
        "the open question is asked again"
    );
    l.connection_lost();
    let r = l.replay(true);
    l.replayed(r.seqs, 0, true, t(2));
    push(&mut l, "audio4", InputKind::Plain);
    assert_eq!(
        l.turns.connection_seq(1),
        Some(3),
        "replayed input comes first"
    );
    assert_eq!(l.turns.connection_seq(2), Some(5));
}

mod model;

#[test]
fn an_utterance_end_after_the_server_took_the_audio_into_a_turn_owes_nothing() {
    let mut l = ledger();
    assert!(push(&mut l, "audio1", InputKind::Plain));
    // The server's activity detection answered the audio.
    l.server(&content(), t(1));
    l.server(&done(false), t(2));
    assert!(l.idle());
    assert!(push(&mut l, "end", InputKind::AudioEnd));
    assert!(l.idle(), "no reply is owed for an end with no audio");
    assert_eq!(l.stall_since(), None);
}
