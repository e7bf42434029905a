//! What the server's messages do to the turns: reply content and tool calls go to the turn
//! being answered, `turnComplete` (or the cancellation of every call) answers it, a handle or
//! an exact acknowledgement (Vertex's index) says what the server's state holds.

use super::{Class, Turn, Turns};
use std::time::{Duration, Instant};

impl Turns {
    /// The turn the server is answering now: the oldest open one, or a server-detected turn
    /// made of the input flushed so far (so there always is one).
    fn current(&mut self, now: Instant) -> Option<&mut Turn> {
        if self.turns.is_empty() {
            let id = self.open_turn(false, now);
            for r in self.recs.iter_mut().filter(|r| r.turn.is_none()) {
                r.turn = Some(id);
            }
        }
        self.turns.front_mut()
    }

    /// Reply content arrived (model parts, the transcription of the reply), with `audio` of
    /// playback time.
    pub fn reply_content(&mut self, audio: Duration, now: Instant) {
        if let Some(t) = self.current(now) {
            t.replied = true;
            t.audio += audio;
        }
    }

    /// The server called tools.
    pub fn tool_call(&mut self, ids: &[String], now: Instant) {
        let Some(t) = self.current(now) else {
            return;
        };
        t.replied = true;
        t.responded = false;
        t.open_calls.extend(ids.iter().cloned());
        let id = t.id;
        for c in ids {
            self.calls.insert(c.clone(), Some(id));
        }
    }

    /// The server cancelled tool calls; returns the inputs answered by that (a turn whose
    /// every call was cancelled before the app answered is over).
    pub fn tool_calls_cancelled(&mut self, ids: &[String]) -> Vec<u64> {
        let mut emptied = Vec::new();
        for id in ids {
            if let Some(owner) = self.calls.remove(id).flatten() {
                if let Some(t) = self.turns.iter_mut().find(|t| t.id == owner) {
                    t.open_calls.retain(|c| c != id);
                    if t.open_calls.is_empty() && !t.responded {
                        emptied.push(owner);
                    }
                }
            }
        }
        let mut answered = Vec::new();
        for t in emptied {
            answered.extend(self.answer(t));
        }
        answered
    }

    /// `generationComplete` arrived.
    pub fn generation_complete(&mut self, now: Instant) {
        if let Some(t) = self.turns.front_mut() {
            t.generation_complete = Some(now);
        }
    }

    /// `turnComplete` arrived (`in_progress`: with `interactionStatus: IN_PROGRESS`); returns
    /// the inputs it answered.
    pub fn turn_complete(&mut self, in_progress: bool) -> Vec<u64> {
        let Some(t) = self.turns.front_mut() else {
            return Vec::new();
        };
        if in_progress {
            // A segment ended; more output follows without new input.
            t.generation_complete = None;
            t.audio = Duration::ZERO;
            return Vec::new();
        }
        let id = t.id;
        self.answer(id)
    }

    /// Turn `id` is answered: forget it and its input.
    fn answer(&mut self, id: u64) -> Vec<u64> {
        let Some(pos) = self.turns.iter().position(|t| t.id == id) else {
            return Vec::new();
        };
        if let Some(t) = self.turns.remove(pos) {
            // Non-blocking calls may outlive their turn; a response to one opens a new turn.
            for c in t.open_calls {
                if let Some(owner) = self.calls.get_mut(&c) {
                    *owner = None;
                }
            }
        }
        self.answered_since_handle += 1;
        self.answered_on_connection += 1;
        let mut seqs = Vec::new();
        self.recs.retain(|r| {
            let mine = r.turn == Some(id);
            if mine {
                seqs.push(r.seq);
            }
            !mine
        });
        seqs
    }

    /// A resumable handle arrived: it covers every turn answered so far.
    pub fn handle_received(&mut self) {
        self.answered_since_handle = 0;
    }

    /// The server says (Vertex `lastConsumedClientMessageIndex`, mapped to this ledger's
    /// numbering, see [`connection_seq`](Self::connection_seq)) that its state includes every
    /// input up to `seq`. Such input needs no replay, except what asked a question that is
    /// still unanswered (re-asking is how the answer comes). Returns the inputs to forget.
    pub fn consumed_through(&mut self, seq: u64) -> Vec<u64> {
        let mut forget = Vec::new();
        self.recs.retain(|r| {
            let drop = r.seq <= seq && r.class == Class::Plain;
            if drop {
                forget.push(r.seq);
            }
            !drop
        });
        forget
    }

    /// The sequence number of the `count`-th input written on the current connection
    /// (1-based: replayed input first, then new input), to map a per-connection message index.
    pub fn connection_seq(&self, count: u64) -> Option<u64> {
        let k = usize::try_from(count.checked_sub(1)?).ok()?;
        match self.conn_replayed.get(k) {
            Some(seq) => Some(*seq),
            None => {
                let seq = self.conn_first_new + (k - self.conn_replayed.len()) as u64;
                (seq < self.next_seq).then_some(seq)
            }
        }
    }
}
