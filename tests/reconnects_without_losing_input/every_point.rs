//! Each fault at every point of the conversation: it finishes with every reply correct.

use crate::common::*;
use crate::{
    conversation_then, points, reconnected, resilient_config, survives, AUDIO_CHUNKS, FIRST_AUDIO,
    FIRST_TEXT, MID_AUDIO, TOOL_CALL_TEXT, TOOL_RESPONSE, TOOL_TEXT,
};
use gemini_live::fake::{FakeOptions, Fault, FaultPlan};
use gemini_live::{Error, Event};
use std::time::Duration;

#[test]
fn no_fault_baseline() {
    let story = survives(FaultPlan::new());
    assert!(!story
        .events
        .iter()
        .any(|e| matches!(e, Event::Reconnecting { .. })));
}

#[test]
fn tcp_drop_at_every_point() {
    for (what, at) in points() {
        let story = survives(FaultPlan::new().at(1, at, Fault::Drop));
        assert!(
            matches!(story.events.first(), Some(Event::SetupComplete { .. })),
            "{what}: SetupComplete is always the first event"
        );
        if at == 1 {
            // The first connect retries silently: Session::connect had not returned yet.
            continue;
        }
        assert!(
            story
                .events
                .iter()
                .any(|e| matches!(e, Event::Reconnecting { .. })),
            "{what}"
        );
    }
}

#[test]
fn close_1011_at_every_point() {
    for (what, at) in points() {
        let close = Fault::Close {
            code: 1011,
            reason: "Internal error occurred.".into(),
        };
        let story = survives(FaultPlan::new().at(1, at, close));
        if at == 1 {
            // The first connect retries silently (SetupComplete stays the first event).
            assert!(matches!(
                story.events.first(),
                Some(Event::SetupComplete { .. })
            ));
            continue;
        }
        let cause = story.events.iter().find_map(|e| match e {
            Event::Reconnecting { cause: Some(c), .. } => Some(c.clone()),
            _ => None,
        });
        assert!(
            matches!(cause, Some(Error::Closed { code: 1011, .. })),
            "{what}: {cause:?}"
        );
    }
}

#[test]
fn cut_mid_reply_by_drop_and_by_1011() {
    for code in [None, Some(1011)] {
        for (turn_msg, sends) in [
            (FIRST_TEXT, 2),
            (FIRST_AUDIO + AUDIO_CHUNKS, 3),
            (TOOL_RESPONSE, 1),
        ] {
            let story = survives(FaultPlan::new().at(
                1,
                turn_msg,
                Fault::CutMidReply {
                    after_sends: sends,
                    code,
                },
            ));
            assert!(reconnected(&story), "cut {code:?} at {turn_msg}");
        }
    }
}

#[test]
fn stall_mid_turn_is_detected_and_replaced() {
    for at in [FIRST_TEXT, FIRST_AUDIO + AUDIO_CHUNKS, TOOL_RESPONSE] {
        let story = survives(FaultPlan::new().at(1, at, Fault::Stall));
        let cause = story.events.iter().find_map(|e| match e {
            Event::Reconnecting { cause: Some(c), .. } => Some(c.clone()),
            _ => None,
        });
        assert!(
            matches!(cause, Some(Error::Stalled(_))),
            "at {at}: {cause:?}"
        );
    }
}

#[test]
fn refused_upgrade_is_retried() {
    let plan = FaultPlan::new()
        .on_upgrade(1, Fault::RefuseUpgrade { status: 503 })
        .at(2, MID_AUDIO, Fault::Drop)
        .on_upgrade(3, Fault::RefuseUpgrade { status: 502 });
    survives(plan);
}

#[test]
fn malformed_frames_do_not_end_the_conversation() {
    let plan = FaultPlan::new().at(1, FIRST_TEXT, Fault::Malformed).at(
        1,
        TOOL_CALL_TEXT,
        Fault::Malformed,
    );
    let story = survives(plan);
    let errors = story
        .events
        .iter()
        .filter(|e| matches!(e, Event::Error(Error::Protocol(_))))
        .count();
    assert_eq!(errors, 2);
}

#[test]
fn goaway_at_every_point_hands_over_closing_the_old_socket_first() {
    // (A GoAway after the last message comes when the conversation is over.)
    for (what, at) in points().into_iter().skip(1).take(3) {
        let server = fake_with(FakeOptions {
            faults: FaultPlan::new().at(
                1,
                at,
                Fault::GoAway {
                    time_left: Duration::from_secs(2),
                    then_close_after: Some(Duration::from_secs(2)),
                },
            ),
            ..FakeOptions::default()
        });
        let (story, _) = conversation_then(&server, resilient_config(&server), true);
        assert_eq!(story.replies[3], "[turn 4] echo: last", "{what}");
        assert!(
            story
                .events
                .iter()
                .any(|e| matches!(e, Event::GoAway { .. })),
            "{what}"
        );
        assert!(
            story
                .events
                .iter()
                .any(|e| matches!(e, Event::Reconnecting { cause: None, .. })),
            "{what}: a planned handover has no error cause"
        );
        let conns = server.connections();
        assert_eq!(conns.len(), 2, "{what}: one handover");
        assert!(
            conns[0].close_received.is_some(),
            "{what}: the client closed the old socket"
        );
        assert_ne!(
            conns[0].close_sent.as_ref().map(|c| c.0),
            Some(1011),
            "{what}: no deadline close"
        );
        assert!(
            conns[1].resumed_handle.is_some(),
            "{what}: the new connection resumed"
        );
        let sessions = server.state_snapshot();
        let main = sessions
            .iter()
            .find(|s| s.turns == 4)
            .expect("one session with 4 turns");
        assert_eq!(main.texts, vec!["first", TOOL_TEXT, "last"]);
    }
}
