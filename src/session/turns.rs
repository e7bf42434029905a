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
//! - [`Ledger::consumed_through`] lets an exact server acknowledgement (Vertex's
//!   `lastConsumedClientMessageIndex` with a new handle, under transparent resumption) trim
//!   replay further: input the handle's state includes is not re-sent, except questions still
//!   unanswered (asking again is how their answer comes). Should that handle then be refused
//!   (a new session), the trimmed input is not in the new session either.

use crate::frames::InputKind;
use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};

mod log;
#[cfg(test)]
mod tests;

pub(crate) use log::InputLog;

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

/// The turn ledger (see the module docs).
#[derive(Debug)]
pub(crate) struct Ledger {
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

impl Default for Ledger {
    fn default() -> Self {
        Ledger::new()
    }
}

impl Ledger {
    pub fn new() -> Ledger {
        Ledger {
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
