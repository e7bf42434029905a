//! Exactly once at every fault position: each fault kind, at every client-message position and
//! every server-message position of a scripted conversation (two text turns, an audio turn, a
//! tool call, a last text turn), with resumption on and off.
//!
//! Each case checks, from the application's view (reply text assembled from `Event::Text`,
//! the partial turn discarded on `Resumed`/`NewSession` as the README says), that every input
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

use sweep::{run_kind, FaultKind};

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
fn malformed_frame_at_every_position() {
    run_kind(FaultKind::Malformed);
}

#[test]
fn reply_cut_mid_frame_at_every_position() {
    run_kind(FaultKind::Truncate);
}
