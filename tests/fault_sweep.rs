//! Exactly once at every fault position: each fault kind, at every client-message position and
//! every server-message position of a scripted conversation (two text turns, an audio turn, a
//! tool call, a last text turn), with resumption on and off, with text replies and with spoken
//! replies (audio and its transcription; the audio of each reply must be that turn's, once).
//!
//! Each case checks, from the application's view (reply text assembled from `Event::Text`,
//! a reply cut by an outage dropped on `Event::ReplyDiscarded` as documented, and nothing
//! partial left when `Resumed`/`NewSession` arrives), that every input
//! is answered exactly once and in order, and that nothing else arrives: a last sentinel turn
//! must get its own reply, and nothing may follow it. From the server's view (the fake's record
//! of every message it sent) every input's reply was completed exactly once (for a TCP reset,
//! at least once, since the reset may destroy a reply the client never read).
//!
//! Plain `cargo test` runs a representative subset per fault kind; the whole sweep runs with
//! `GEMINI_LIVE_FULL_SWEEP=1 cargo test --release --test fault_sweep -- --nocapture`.
//! Every test prints its number of cases and the time taken.

mod sweep;

use std::time::Duration;

use sweep::{run_case, run_kind, run_kind_extra, shape, Extra, FaultKind, Position, Variant};

#[test]
fn tcp_drop_at_every_position() {
    run_kind(FaultKind::Drop);
}

#[test]
fn tcp_reset_at_every_position() {
    run_kind(FaultKind::Reset);
}

#[test]
fn close_1011_at_every_position() {
    run_kind(FaultKind::Close1011);
}

#[test]
fn goaway_with_a_short_time_left_at_every_position() {
    run_kind(FaultKind::GoAway(Duration::from_millis(600)));
}

#[test]
fn goaway_with_a_long_time_left_at_every_position() {
    run_kind(FaultKind::GoAway(Duration::from_secs(60)));
}

#[test]
fn stall_released_when_the_client_leaves_at_every_position() {
    run_kind(FaultKind::Stall);
}

#[test]
fn stall_holding_the_session_for_a_while_at_every_position() {
    run_kind(FaultKind::StallHeld(Some(Duration::from_millis(1200))));
}

#[test]
fn stall_holding_the_session_forever_at_every_position() {
    run_kind(FaultKind::StallHeld(None));
}

#[test]
fn refused_upgrade_after_a_drop_at_every_position() {
    run_kind(FaultKind::Refuse);
}

#[test]
fn close_1000_at_every_position() {
    run_kind(FaultKind::Close1000);
}

/// A second fault on the connection that recovers from the first: right after its setup,
/// right after the history and replay went out, and after its first reply message.
#[test]
fn two_faults_in_a_row() {
    let then = |k, p| Extra {
        then: Some((k, p)),
        ..Extra::default()
    };
    run_kind_extra(
        FaultKind::Drop,
        "drop, then another fault",
        &[
            then(FaultKind::Drop, Position::Server(1)),
            then(FaultKind::Close1011, Position::Client(2)),
            then(FaultKind::Drop, Position::Server(3)),
            then(FaultKind::Close1000, Position::Server(2)),
        ],
    );
}

/// Handles that expire at once: every resume is refused as unknown, and a new session must
/// get the conversation back.
#[test]
fn an_expired_handle_at_every_position() {
    run_kind_extra(
        FaultKind::Drop,
        "drop with expired handles",
        &[Extra {
            handle_ttl: Some(Duration::from_millis(1)),
            ..Extra::default()
        }],
    );
}

#[test]
fn malformed_frame_at_every_position() {
    run_kind(FaultKind::Malformed);
}

#[test]
fn reply_cut_mid_frame_at_every_position() {
    run_kind(FaultKind::Truncate);
}

/// A server that goes silent after `generationComplete`, before `turnComplete`: the session
/// must not wait for ever (the service may send `turnComplete` late, at the estimated end of
/// playback, protocol.md C.3, but a TEXT reply has no playback and the silence is a stall).
#[test]
fn a_stall_between_generation_complete_and_turn_complete_is_detected() {
    let full = std::env::var(sweep::FULL_SWEEP_VAR).is_ok_and(|v| !v.is_empty() && v != "0");
    let mut failures = Vec::new();
    let kinds: &[FaultKind] = if full {
        &[FaultKind::Stall, FaultKind::StallHeld(None)]
    } else {
        &[FaultKind::Stall]
    };
    for &kind in kinds {
        for v in Variant::ALL {
            if v.audio && !full {
                continue;
            }
            let shape = shape(v);
            for nth in if full { 0..5 } else { 0..1 } {
                let pos = shape
                    .after("generationComplete", nth)
                    .expect("the script has generationComplete messages");
                if let Err(e) = run_case(kind, pos, v) {
                    eprintln!("FAIL {e}");
                    failures.push(e);
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
