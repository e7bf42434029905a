//! What the end of a connection does to the turns, and what a new connection re-sends.

use super::{Class, Lost, Plan, Turns};
use std::time::{Duration, Instant};

impl Turns {
    /// The connection ended: void partial replies, drop what cannot be replayed, and reset the
    /// per-connection state (calls, server-detected turns).
    pub fn connection_lost(&mut self) -> Lost {
        let mut lost = Lost {
            discarded: self.turns.front().filter(|t| t.replied).map(|t| t.id),
            answered_on_connection: std::mem::take(&mut self.answered_on_connection),
            ..Lost::default()
        };
        self.calls.clear();
        // Tool responses are never replayed.
        self.recs.retain(|r| {
            if r.class == Class::ToolResponse {
                lost.stale_tool_responses.extend(r.ids.iter().cloned());
                lost.forget.push(r.seq);
                false
            } else {
                true
            }
        });
        let mut dissolve = Vec::new();
        let mut gone = Vec::new();
        for t in self.turns.iter_mut() {
            t.replied = false;
            t.generation_complete = None;
            t.audio = Duration::ZERO;
            t.open_calls.clear();
            t.responded = false;
            lost.dropped.0 += t.lost.0;
            lost.dropped.1 += t.lost.1;
            t.lost = (0, 0);
            let id = t.id;
            let asks = !t.question_lost
                && self
                    .recs
                    .iter()
                    .any(|r| r.turn == Some(id) && r.class == Class::TurnEnd);
            if !t.explicit {
                dissolve.push(id);
            } else if !asks {
                gone.push(id);
            }
        }
        lost.dropped.0 += self.lost_unassigned.0;
        lost.dropped.1 += self.lost_unassigned.1;
        self.lost_unassigned = (0, 0);
        // A server-detected turn goes back to being composed: if the server detects it again
        // on the replayed input, it opens again.
        for r in self.recs.iter_mut() {
            if r.turn.is_some_and(|t| dissolve.contains(&t)) {
                r.turn = None;
            }
        }
        // A turn whose question cannot be asked again is over; its input is dropped.
        self.recs.retain(|r| {
            let drop = r.turn.is_some_and(|t| gone.contains(&t));
            if drop {
                lost.dropped.0 += 1;
                lost.dropped.1 += r.bytes;
                lost.forget.push(r.seq);
            }
            !drop
        });
        self.turns
            .retain(|t| !dissolve.contains(&t.id) && !gone.contains(&t.id));
        lost
    }

    /// What to re-send on a new connection (`resumed`: with a handle); read-only, so a failed
    /// attempt can ask again. Call [`replayed`](Self::replayed) once it was sent.
    pub fn plan(&self, resumed: bool) -> Plan {
        Plan {
            seqs: self.recs.iter().map(|r| r.seq).collect(),
            context_lost: if resumed {
                self.answered_since_handle
            } else {
                0
            },
        }
    }

    /// `seqs` were re-sent on a new connection, set up at `now`.
    pub fn replayed(&mut self, seqs: Vec<u64>, now: Instant) {
        self.conn_replayed = seqs;
        self.conn_first_new = self.next_seq;
        self.answered_since_handle = 0;
        self.answered_on_connection = 0;
        for t in self.turns.iter_mut() {
            t.asked_at = now;
        }
    }
}
