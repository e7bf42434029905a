//! The ledger the session holds: the turns (`Turns`, what the server owes an answer for),
//! the frames it may replay, the history and the BLOCKING calls, side by side. The writer
//! records input, the reader folds server messages in and replays.

use super::Lost;
use super::Turns;
use crate::frames::{InputKind, ReplayBuffer};
use crate::session::events::Event;
use crate::session::events::Facts;
use crate::session::history::{ContextBudget, History, Restore};
use std::time::{Duration, Instant};
use tungstenite::Utf8Bytes;

/// The turn ledger: the turns the server owes an answer for and the frames it may replay,
/// side by side (see the module docs of `turns.rs`).
#[derive(Debug)]
pub(crate) struct Ledger {
    pub turns: Turns,
    /// The unanswered input's frames, by sequence number.
    frames: ReplayBuffer,
    /// The conversation, when the session restores it (`Config::restore_context`).
    pub history: Option<History>,
    /// BLOCKING calls that new content may abandon.
    pub blocking: crate::session::restore::BlockingCalls,
}

/// A replay ready to send.
#[derive(Debug, Default)]
pub(crate) struct Replay {
    pub seqs: Vec<u64>,
    pub frames: Vec<Utf8Bytes>,
    pub context_lost: u64,
}

impl Ledger {
    pub fn new(max_bytes: usize, max_audio: Duration) -> Ledger {
        Ledger {
            turns: Turns::new(),
            frames: ReplayBuffer::new(max_bytes, max_audio),
            history: None,
            blocking: Default::default(),
        }
    }

    /// Keeps the conversation within `budget`, to restore it after a loss.
    pub fn keep_history(&mut self, budget: ContextBudget) {
        self.history = Some(History::new(budget));
    }

    /// Records input about to be written; `false` for a tool response to calls the current
    /// connection does not know (it must not be sent).
    pub fn push(&mut self, frame: &Utf8Bytes, kind: InputKind, audio: Duration) -> bool {
        self.push_at(frame, kind, audio, Instant::now())
    }

    pub fn push_at(
        &mut self,
        frame: &Utf8Bytes,
        kind: InputKind,
        audio: Duration,
        now: Instant,
    ) -> bool {
        let is_audio = !audio.is_zero();
        // The end of an utterance whose audio the server's activity detection already took
        // into a turn asks nothing: no reply is owed for it.
        let kind = match kind {
            InputKind::AudioEnd if !self.turns.audio_unassigned() => InputKind::Plain,
            kind => kind,
        };
        let Some(seq) = self.turns.record(&kind, frame.len() as u64, is_audio, now) else {
            return false;
        };
        match &kind {
            InputKind::ToolResponse { ids, .. } => self.blocking.closed(ids),
            InputKind::TurnEnd | InputKind::AudioEnd => self.blocking.new_content(),
            InputKind::Plain if frame.as_str().starts_with("{\"clientContent\"") => {
                self.blocking.new_content()
            }
            InputKind::Plain => {}
        }
        if let (Some(h), false) = (&mut self.history, is_audio) {
            crate::session::restore::input(h, &kind, frame.as_str(), seq);
        }
        for old in self.frames.push(seq, frame.clone(), audio) {
            self.turns.evicted(old);
        }
        true
    }

    /// Folds what one server message says into the turns; returns whether it answered a turn.
    pub fn server(&mut self, facts: &Facts, now: Instant) -> bool {
        let before = self.turns.answered_on_connection();
        let mut answered = Vec::new();
        if facts.reply_content {
            self.turns.reply_content(facts.audio_duration, now);
        }
        if !facts.tool_calls.is_empty() {
            self.turns.tool_call(&facts.tool_calls, now);
        }
        if !facts.cancelled.is_empty() {
            answered.extend(self.turns.tool_calls_cancelled(&facts.cancelled));
        }
        if facts.generation_complete {
            self.turns.generation_complete(now);
        }
        if facts.turn_complete {
            answered.extend(self.turns.turn_complete(facts.interaction_in_progress));
        }
        if facts.handle.is_some() {
            self.turns.handle_received();
        }
        // Vertex transparent resumption: the handle's state includes this connection's client
        // messages up to `lastConsumedClientMessageIndex` (setup = 0, so the index is also the
        // count of input messages). Only an update that carries a handle counts: a resume uses
        // the latest handle, whose state is what the index describes.
        if let Some(seq) = facts
            .last_consumed_index
            .filter(|_| facts.handle.is_some())
            .and_then(|n| self.turns.connection_seq(n))
        {
            answered.extend(self.turns.consumed_through(seq));
        }
        self.forget(&answered);
        self.turns.answered_on_connection() > before
    }

    /// Folds one server message's events into the history (after [`server`](Self::server)).
    pub fn history_server(&mut self, events: &[Event], facts: &Facts) {
        let consumed = (facts.last_consumed_index)
            .filter(|_| facts.handle.is_some())
            .map(|n| {
                if n == 0 {
                    Some(0)
                } else {
                    self.turns.connection_seq(n)
                }
            });
        for ev in events {
            match ev {
                Event::ToolCall(calls) => self.blocking.called(calls),
                Event::ToolCallCancellation(ids) => self.blocking.closed(ids),
                _ => {}
            }
        }
        if let Some(h) = &mut self.history {
            // An index beyond this connection's input: everything (as a plain handle).
            crate::session::restore::server(h, events, facts, consumed.flatten());
        }
    }

    /// What the server of a new connection lacks (`resumed`: with the latest handle).
    pub fn restore(&self, resumed: bool) -> Option<Restore> {
        self.history.as_ref().map(|h| h.restore(resumed))
    }

    fn forget(&mut self, seqs: &[u64]) {
        for s in seqs {
            self.frames.remove(*s);
        }
    }

    /// The connection ended (see [`Turns::connection_lost`]).
    pub fn connection_lost(&mut self) -> Lost {
        let lost = self.turns.connection_lost();
        self.forget(&lost.forget);
        if let Some(h) = &mut self.history {
            let turns = &self.turns;
            h.connection_lost(|seq| turns.holds(seq));
        }
        self.blocking.connection_lost();
        lost
    }

    /// The frames to re-send on a new connection; input the store no longer holds was
    /// reported by [`connection_lost`](Self::connection_lost).
    pub fn replay(&self, resumed: bool) -> Replay {
        let plan = self.turns.plan(resumed);
        let mut replay = Replay {
            context_lost: plan.context_lost,
            ..Replay::default()
        };
        for seq in plan.seqs {
            if let Some(f) = self.frames.get(seq) {
                replay.seqs.push(seq);
                replay.frames.push(f.clone());
            }
        }
        replay
    }

    /// The replay went out on the new connection.
    /// `restored` history frames went out first (`resumed` as for [`restore`](Self::restore)).
    pub fn replayed(&mut self, seqs: Vec<u64>, restored: usize, resumed: bool, now: Instant) {
        // History frames count among the connection's messages (Vertex's index), as no input.
        let mut all = vec![0; restored];
        all.extend(seqs);
        self.turns.replayed(all, now);
        if let Some(h) = &mut self.history {
            h.restored(resumed);
        }
    }

    pub fn stall_since(&self) -> Option<Instant> {
        self.turns.stall_since()
    }

    pub fn idle(&self) -> bool {
        self.turns.idle()
    }

    /// Frames held for replay.
    #[cfg(test)]
    pub fn held(&self) -> usize {
        self.frames.len()
    }
}
