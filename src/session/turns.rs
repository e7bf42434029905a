//! The turn ledger: which input the server owes an answer for. Pure: no sockets, no threads,
//! no clock (every call that needs the time is given it).
//!
//! Every input message gets a sequence number (1, 2, ... in the order it is first written on
//! the session; a replay does not renumber) and, once its turn is known, a turn. A *turn* is
//! what the server answers: it is opened by a turn-ending input (a `clientContent` with
//! `turnComplete`, realtime text, `audioStreamEnd`, `activityEnd`), which takes with it every
//! earlier input not yet in a turn (history; audio only for the ends of an utterance), or by
//! the server
//! itself when reply content arrives with no turn open (its voice activity detection ended
//! the user's turn: the input flushed so far is that turn's). A tool response joins the turn
//! whose calls it answers, or opens a turn of its own if that turn is already over.
//!
//! The server answers turns in order. A turn is **answered** when `turnComplete` arrives for it
//! with an `interactionStatus` other than `IN_PROGRESS` (no status, `IDLE`, the deprecated
//! `REQUIRES_ACTION`), or when all its tool calls were cancelled before the app answered them
//! (the server abandoned the question). A `turnComplete` with `IN_PROGRESS` ends a speech
//! segment only: the question is still owed an answer and is replayed if the connection ends.
//!
//! The rules that make "every input answered exactly once, nothing lost silently" hold:
//! - Input of an answered turn is forgotten at once and **never replayed**, whatever the state
//!   of the resumption handles. If the handle a reconnection resumes with is older than some
//!   answered turns (the connection ended between a `turnComplete` and the handle after it),
//!   the server no longer remembers those exchanges: they are not asked again; the history
//!   (`history.rs`) puts them back ([`Event::ContextRestored`](super::Event::ContextRestored)),
//!   or the session says they are lost ([`Event::ContextLost`](super::Event::ContextLost)).
//! - Everything else is replayed, in order, on the next connection; tool responses excepted
//!   (their calls died with the connection: the question that asked for them is replayed and
//!   gets new calls), reported with `ToolResponsesDropped`.
//! - Reply content of a turn that is not answered when the connection ends is void: the turn is
//!   asked again, so the reply starts again from the beginning
//!   ([`Event::ReplyDiscarded`](super::Event::ReplyDiscarded)).
//! - Input that the bounded store had to evict is reported (`InputDropped`) only if it is ever
//!   needed: when a reconnection happens before its turn was answered.
//! - A reply is *owed* (the stall timer runs) only while the oldest open turn waits for the
//!   server, not while the app owes a tool response. The timer counts from when the question
//!   was flushed (or the first reply content of a server-detected turn); the reader takes the
//!   later of that and the last server message. After `generationComplete`, when only
//!   `turnComplete` is outstanding, it counts from `generationComplete` plus the playback time
//!   of the reply's audio: the service sends `turnComplete` at the estimated end of playback,
//!   20+ s after the last audio chunk (protocol.md C.3), which is not a stall.
//! - [`Turns::consumed_through`] lets an exact server acknowledgement (Vertex's
//!   `lastConsumedClientMessageIndex` with a new handle, under transparent resumption) trim
//!   replay further: input the handle's state includes is not re-sent, except questions still
//!   unanswered (asking again is how their answer comes). Should that handle then be refused
//!   (a new session), the trimmed input is not in the new session either.

use crate::frames::InputKind;
use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

mod answers;
mod connection;
mod ledger;
#[cfg(test)]
mod tests;

pub(crate) use ledger::Ledger;

/// What the ledger keeps of an input.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    Plain,
    TurnEnd,
    ToolResponse,
}

#[derive(Debug)]
struct Rec {
    seq: u64,
    class: Class,
    /// Its turn; `None` while the user's turn is still being composed.
    turn: Option<u64>,
    bytes: u64,
    /// An audio chunk.
    audio: bool,
    /// The call ids a tool response answers.
    ids: Vec<String>,
}

#[derive(Debug)]
struct Turn {
    id: u64,
    /// Opened by client input (`false`: by the server's activity detection).
    explicit: bool,
    /// When the input the server now owes an answer to was flushed, or (server-detected
    /// turns) when the first reply content arrived.
    asked_at: Instant,
    /// Reply content or a tool call was delivered on the current connection.
    replied: bool,
    /// When `generationComplete` arrived, if it did.
    generation_complete: Option<Instant>,
    /// Playback time of the reply audio delivered on this connection.
    audio: Duration,
    /// Calls of this turn awaiting the app's response.
    open_calls: Vec<String>,
    /// A tool response joined this turn after its last call.
    responded: bool,
    /// The input that asked (a turn end or tool response) was evicted from the store.
    question_lost: bool,
    /// Evicted input of this turn: (messages, bytes).
    lost: (u64, u64),
}

/// What a lost connection means for the conversation.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Lost {
    /// The turn whose partial reply is void (it is asked again).
    pub discarded: Option<u64>,
    /// Tool responses that are not replayed (their calls died with the connection).
    pub stale_tool_responses: Vec<String>,
    /// Evicted input that was still needed: (messages, bytes).
    pub dropped: (u64, u64),
    /// Inputs to forget (their frames are not needed any more).
    pub forget: Vec<u64>,
    /// Turns answered on the connection that ended.
    pub answered_on_connection: u64,
}

/// The replay for a new connection: what to re-send, and what the server forgot.
#[derive(Debug, Default, PartialEq, Eq)]
pub(crate) struct Plan {
    /// Sequence numbers to re-send, in order.
    pub seqs: Vec<u64>,
    /// Turns answered after the handle being resumed (only when resuming).
    pub context_lost: u64,
}

/// The ledger's accounting of turns (see the module docs): which input is in which turn,
/// which turns are open, which calls await the app. [`Ledger`] holds it with the frames.
#[derive(Debug)]
pub(crate) struct Turns {
    next_seq: u64,
    next_turn: u64,
    /// Unanswered input, by sequence number.
    recs: VecDeque<Rec>,
    /// Open turns, oldest first.
    turns: VecDeque<Turn>,
    /// Calls the current connection issued and the app has not answered: id -> its turn
    /// (`None` once that turn is answered).
    calls: HashMap<String, Option<u64>>,
    /// Evicted input not yet in a turn.
    lost_unassigned: (u64, u64),
    answered_since_handle: u64,
    answered_on_connection: u64,
    /// Input written on the current connection: the replayed ones, then every sequence number
    /// from `conn_first_new` on.
    conn_replayed: Vec<u64>,
    conn_first_new: u64,
}

impl Default for Turns {
    fn default() -> Self {
        Turns::new()
    }
}

impl Turns {
    pub fn new() -> Turns {
        Turns {
            next_seq: 1,
            next_turn: 1,
            recs: VecDeque::new(),
            turns: VecDeque::new(),
            calls: HashMap::new(),
            lost_unassigned: (0, 0),
            answered_since_handle: 0,
            answered_on_connection: 0,
            conn_replayed: Vec::new(),
            conn_first_new: 1,
        }
    }

    /// Records an input about to be written; its sequence number, or `None` for a tool
    /// response to calls the current connection does not know (it must not be sent).
    pub fn record(
        &mut self,
        kind: &InputKind,
        bytes: u64,
        audio: bool,
        now: Instant,
    ) -> Option<u64> {
        let seq = self.next_seq;
        let mut rec = Rec {
            seq,
            class: Class::Plain,
            turn: None,
            bytes,
            audio,
            ids: Vec::new(),
        };
        match kind {
            InputKind::Plain => {}
            InputKind::TurnEnd | InputKind::AudioEnd => {
                rec.class = Class::TurnEnd;
                // A text turn does not end an utterance: the audio streamed so far stays
                // for the turn that ends it (the server keeps it apart too).
                let takes_audio = *kind == InputKind::AudioEnd;
                let id = self.open_turn(true, now);
                for r in self.recs.iter_mut() {
                    if r.turn.is_none() && (takes_audio || !r.audio) {
                        r.turn = Some(id);
                    }
                }
                rec.turn = Some(id);
            }
            InputKind::ToolResponse { ids, continuing } => {
                if ids.is_empty() || !ids.iter().all(|id| self.calls.contains_key(id)) {
                    return None;
                }
                rec.class = Class::ToolResponse;
                rec.ids = ids.clone();
                let owner = ids
                    .iter()
                    .find_map(|id| self.calls.get(id).copied().flatten());
                // A response with `willContinue: true` keeps its call open for more.
                let closing: Vec<&String> =
                    ids.iter().filter(|id| !continuing.contains(id)).collect();
                for id in &closing {
                    self.calls.remove(*id);
                }
                let open = owner.and_then(|t| self.turns.iter_mut().find(|x| x.id == t));
                match open {
                    Some(t) => {
                        t.open_calls.retain(|c| !closing.contains(&c));
                        t.responded = true;
                        if t.open_calls.is_empty() {
                            // The server's move again: the answer to the tool results.
                            t.asked_at = now;
                            t.generation_complete = None;
                        }
                        rec.turn = Some(t.id);
                    }
                    None => rec.turn = Some(self.open_turn(true, now)),
                }
            }
        }
        self.next_seq += 1;
        self.recs.push_back(rec);
        Some(seq)
    }

    /// Whether input `seq` is still held (not answered, not given up).
    pub fn holds(&self, seq: u64) -> bool {
        self.recs.iter().any(|r| r.seq == seq)
    }

    /// Whether audio was written that is in no turn yet (an utterance end would take it).
    pub fn audio_unassigned(&self) -> bool {
        self.recs.iter().any(|r| r.turn.is_none() && r.audio)
    }

    fn open_turn(&mut self, explicit: bool, now: Instant) -> u64 {
        let id = self.next_turn;
        self.next_turn += 1;
        let lost = std::mem::take(&mut self.lost_unassigned);
        self.turns.push_back(Turn {
            id,
            explicit,
            asked_at: now,
            replied: false,
            generation_complete: None,
            audio: Duration::ZERO,
            open_calls: Vec::new(),
            responded: false,
            question_lost: false,
            lost,
        });
        id
    }

    /// The store evicted input `seq`: it is lost if it is ever needed again.
    pub fn evicted(&mut self, seq: u64) {
        let Some(pos) = self.recs.iter().position(|r| r.seq == seq) else {
            return;
        };
        let Some(rec) = self.recs.remove(pos) else {
            return;
        };
        let bucket = match rec
            .turn
            .and_then(|t| self.turns.iter_mut().find(|x| x.id == t))
        {
            Some(t) => {
                if rec.class != Class::Plain {
                    t.question_lost = true;
                }
                &mut t.lost
            }
            None => &mut self.lost_unassigned,
        };
        bucket.0 += 1;
        bucket.1 += rec.bytes;
    }

    /// Since when a reply is owed (the stall timer counts from the later of this and the last
    /// server message), or `None` when the server owes nothing right now. After
    /// `generationComplete` only `turnComplete` is owed, and the service sends it at the
    /// estimated end of playback: the timer then counts from `generationComplete` plus the
    /// playback time of the reply's audio (a text reply has none: silence is a stall).
    pub fn stall_since(&self) -> Option<Instant> {
        let t = self.turns.front()?;
        if !t.open_calls.is_empty() {
            return None;
        }
        Some(match t.generation_complete {
            Some(at) => at + t.audio,
            None => t.asked_at,
        })
    }

    /// No turn is open and no tool call awaits an answer: a turn boundary.
    pub fn idle(&self) -> bool {
        self.turns.is_empty() && self.calls.is_empty()
    }

    /// Turns answered on the current connection.
    pub fn answered_on_connection(&self) -> u64 {
        self.answered_on_connection
    }

    /// Open turns.
    #[cfg(test)]
    pub fn open_turns(&self) -> usize {
        self.turns.len()
    }
}
