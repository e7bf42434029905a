//! The conversation as the client saw it, checkpointed against resumption handles: what to
//! put back when the server lost it. Pure: no sockets, no threads, no clock.
//!
//! The turn ledger (`turns.rs`) answers "what has the server not answered yet" (it replays
//! that); the history answers "what does the server no longer know" (it restores that). After
//! a reconnection the lifecycle asks both: first restore what was forgotten, then replay what
//! was not answered.
//!
//! **What is kept.** Answered exchanges, in order, each as the `clientContent` turns that
//! reproduce it: the user's side (text turns, `clientContent` turns the application sent, the
//! input transcription of a spoken turn), then the model's side (its text, or the output
//! transcription in audio sessions), with tool rounds in between as `functionCall` (model)
//! and `functionResponse` (user) parts. An exchange joins the history when its `turnComplete`
//! (not `IN_PROGRESS`) arrives; until then it is the ledger's (a question that is replayed is
//! never also restored). A spoken turn without a transcript keeps the model's side only and is
//! counted ([`Restore::untranscribed`]).
//!
//! **ContextBudget.** At most [`ContextBudget::chars`] characters (text, plus the JSON of tool arguments and
//! results) and [`ContextBudget::turns`] exchanges are kept; the oldest go first and are counted. An
//! exchange larger than the whole budget is dropped when it completes, and a reply that grows
//! past the budget stops being kept as it arrives, so memory stays bounded by the budget.
//!
//! **Checkpoints.** A resumption handle covers what the server knew when it issued it: every
//! exchange completed on a connection whose server state includes the earlier ones. On a new
//! connection that needed a restore, that is only proven once a `turnComplete` arrives after
//! the restore was sent (the server handles messages in order): a handle that comes before
//! (the service sends one right after `setupComplete`) covers what the connection started
//! with. Vertex's `lastConsumedClientMessageIndex` says exactly which input a handle includes:
//! exchanges whose last input it consumed.
//!
//! **Restore.** Resumed with a handle: the exchanges after its checkpoint. A new session:
//! every exchange kept. What the budget dropped from that range is reported as `dropped`.

use crate::protocol::FunctionCall;
use serde_json::{json, Value};
use std::collections::VecDeque;

#[cfg(test)]
mod tests;

pub use crate::config::ContextBudget;

/// One answered exchange.
#[derive(Debug, Clone)]
struct Exchange {
    id: u64,
    /// Each content as compact JSON (a `Value` tree costs several times its text).
    contents: Vec<Box<str>>,
    chars: usize,
    /// The last input sequence number it includes (0: none).
    last_seq: u64,
    untranscribed: bool,
}

/// A question sent (or detected by the server) and not answered yet.
#[derive(Debug, Default)]
struct Pending {
    /// The user's side: contents sent with or before the question.
    user: Vec<Value>,
    /// Spoken: the transcript is the user's side (`Some(explicit)`: ended by the client).
    spoken: Option<bool>,
    transcript: String,
    /// Tool rounds and model text flushed before them.
    rounds: Vec<Value>,
    model_text: String,
    /// Calls issued for this turn, not answered yet.
    calls: Vec<String>,
    chars: usize,
    /// The user's side's characters, counted in full even when it was too large to keep (a
    /// lost connection keeps that side and starts counting again from it).
    user_chars: usize,
    /// Grew past the budget: dropped when it completes.
    overflow: bool,
    last_seq: u64,
    /// The input that asked (0: the server's activity detection opened it).
    question: u64,
    replied: bool,
}

impl Pending {
    fn add_chars(&mut self, n: usize, budget: usize) -> bool {
        self.chars = self.chars.saturating_add(n);
        if self.chars > budget {
            self.overflow = true;
        }
        !self.overflow
    }
}

/// What to put back on a new connection.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct Restore {
    /// The contents, in order (`clientContent.turns`), each as compact JSON.
    pub contents: Vec<Box<str>>,
    /// Exchanges restored.
    pub turns: u64,
    /// Their characters.
    pub chars: u64,
    /// Exchanges the server lost that the budget had already dropped.
    pub dropped: u64,
    /// Restored spoken turns that had no transcript (the model's side only).
    pub untranscribed: u64,
}

impl Restore {
    /// Nothing to put back.
    pub fn is_empty(&self) -> bool {
        self.contents.is_empty()
    }
}

/// The conversation as the client saw it (see the module docs).
#[derive(Debug)]
pub struct History {
    budget: ContextBudget,
    done: VecDeque<Exchange>,
    done_chars: usize,
    next_id: u64,
    pending: VecDeque<Pending>,
    /// Contents sent without a turn end (history the application seeded), for the next turn.
    composing: Vec<Value>,
    composing_chars: usize,
    composing_overflow: bool,
    /// First exchange the latest handle does not cover.
    checkpoint: u64,
    /// First exchange the current server state lacks while not `proven`.
    server_known: u64,
    /// The current server state includes every completed exchange.
    proven: bool,
}

fn text_content(role: &str, text: &str) -> Value {
    json!({"role": role, "parts": [{"text": text}]})
}

/// Characters of a content's parts: text, and the JSON of anything else.
fn content_chars(c: &Value) -> usize {
    let Some(parts) = c.get("parts").and_then(Value::as_array) else {
        return 0;
    };
    parts
        .iter()
        .map(|p| match p.get("text").and_then(Value::as_str) {
            Some(t) => t.chars().count(),
            None => p.to_string().chars().count(),
        })
        .sum()
}

impl History {
    /// An empty history that keeps at most `budget`.
    pub fn new(budget: ContextBudget) -> History {
        History {
            budget,
            done: VecDeque::new(),
            done_chars: 0,
            next_id: 0,
            pending: VecDeque::new(),
            composing: Vec::new(),
            composing_chars: 0,
            composing_overflow: false,
            checkpoint: 0,
            server_known: 0,
            proven: true,
        }
    }

    fn keeps(&self) -> bool {
        self.budget.chars > 0 && self.budget.turns > 0
    }

    /// The application sent contents (`clientContent`); `turn_complete`: they ask a question.
    /// `seq` is the input's sequence number in the ledger.
    pub fn client_content(&mut self, turns: Vec<Value>, turn_complete: bool, seq: u64) {
        if !self.keeps() {
            return;
        }
        for t in turns {
            self.composing_chars = self.composing_chars.saturating_add(content_chars(&t));
            self.composing.push(t);
            if self.composing_chars > self.budget.chars {
                // Too much for any restore: not kept (the exchange it joins is dropped).
                self.composing.clear();
                self.composing_overflow = true;
            }
        }
        if turn_complete {
            self.ask(None, seq);
        }
    }

    /// A text question (`realtimeInput.text`).
    pub fn user_text(&mut self, text: &str, seq: u64) {
        self.client_content(vec![text_content("user", text)], true, seq);
    }

    /// The end of a spoken turn (`audioStreamEnd`, `activityEnd`).
    pub fn audio_end(&mut self, seq: u64) {
        if self.keeps() {
            self.ask(Some(true), seq);
        }
    }

    fn ask(&mut self, spoken: Option<bool>, seq: u64) {
        let user = std::mem::take(&mut self.composing);
        let chars = std::mem::take(&mut self.composing_chars);
        let overflow = std::mem::take(&mut self.composing_overflow);
        self.pending.push_back(Pending {
            user,
            spoken,
            chars,
            user_chars: chars,
            overflow,
            last_seq: seq,
            question: seq,
            ..Pending::default()
        });
    }

    /// Tool responses went out: `(id, name, response)` each.
    pub fn tool_responses(&mut self, responses: Vec<(String, String, Value)>, seq: u64) {
        if !self.keeps() || responses.is_empty() {
            return;
        }
        let parts: Vec<Value> = (responses.iter())
            .map(|(id, name, r)| json!({"functionResponse": {"id": id, "name": name, "response": r}}))
            .collect();
        let content = json!({"role": "user", "parts": parts});
        let budget = self.budget.chars;
        let owner = (self.pending.iter_mut())
            .find(|p| responses.iter().any(|(id, ..)| p.calls.contains(id)));
        match owner {
            Some(p) => {
                // The model's words while the call ran come before the response.
                let text = std::mem::take(&mut p.model_text);
                if !text.is_empty() {
                    p.rounds.push(text_content("model", &text));
                }
                p.calls
                    .retain(|c| !responses.iter().any(|(id, ..)| id == c));
                p.last_seq = seq;
                if p.add_chars(content_chars(&content), budget) {
                    p.rounds.push(content);
                }
            }
            // A non-blocking call that outlived its turn: the response asks anew.
            None => self.client_content(vec![content], true, seq),
        }
    }

    /// The turn the server answers now: the oldest open one (or one its activity detection
    /// opened).
    fn answering(&mut self) -> &mut Pending {
        if self.pending.is_empty() {
            self.ask(Some(false), 0);
        }
        let p = &mut self.pending[0];
        p.replied = true;
        p
    }

    /// Model text (or the output transcription of its audio).
    pub fn model_text(&mut self, text: &str) {
        if !self.keeps() || text.is_empty() {
            return;
        }
        let budget = self.budget.chars;
        let p = self.answering();
        if p.add_chars(text.chars().count(), budget) {
            p.model_text.push_str(text);
        }
    }

    /// A transcript of the user's speech.
    pub fn input_transcript(&mut self, text: &str) {
        if !self.keeps() || text.is_empty() {
            return;
        }
        let budget = self.budget.chars;
        let i = match self.pending.back() {
            Some(p) if p.spoken.is_some() => self.pending.len() - 1,
            // A transcript of a text turn (realtime text): the text is its user side.
            Some(_) => return,
            None => {
                self.ask(Some(false), 0);
                self.pending.len() - 1
            }
        };
        let p = &mut self.pending[i];
        if p.add_chars(text.chars().count(), budget) {
            p.transcript.push_str(text);
        }
    }

    /// The model calls tools.
    pub fn tool_calls(&mut self, calls: &[FunctionCall]) {
        if !self.keeps() || calls.is_empty() {
            return;
        }
        let budget = self.budget.chars;
        let p = self.answering();
        let mut parts = Vec::new();
        let text = std::mem::take(&mut p.model_text);
        if !text.is_empty() {
            parts.push(json!({"text": text}));
        }
        for c in calls {
            p.calls.push(c.id.clone());
            parts.push(json!({"functionCall": {"id": c.id, "name": c.name, "args": c.args}}));
        }
        let content = json!({"role": "model", "parts": parts});
        let extra = content_chars(&content).saturating_sub(text.chars().count());
        if p.add_chars(extra, budget) {
            p.rounds.push(content);
        }
    }

    /// The server cancelled tool calls: a turn whose every call was cancelled before any
    /// was answered is over (as the ledger has it).
    pub fn calls_cancelled(&mut self, ids: &[String]) {
        let Some(p) = self.pending.front_mut() else {
            return;
        };
        let had = !p.calls.is_empty();
        p.calls.retain(|c| !ids.contains(c));
        let unanswered =
            !(p.rounds.iter()).any(|c| c.get("role").and_then(Value::as_str) == Some("user"));
        if had && p.calls.is_empty() && unanswered {
            self.turn_complete(false);
        }
    }

    /// `turnComplete` arrived (`in_progress`: `interactionStatus: IN_PROGRESS`, a segment).
    pub fn turn_complete(&mut self, in_progress: bool) {
        if in_progress {
            return;
        }
        // The server answered something sent on this connection: it has handled the restore.
        self.proven = true;
        if !self.keeps() {
            // Nothing is kept, but the exchange is counted as lost when the server loses it.
            self.next_id += 1;
            return;
        }
        let Some(p) = self.pending.pop_front() else {
            return;
        };
        let id = self.next_id;
        self.next_id += 1;
        if p.overflow {
            return;
        }
        let mut contents = p.user;
        let mut untranscribed = false;
        if p.spoken.is_some() {
            if p.transcript.is_empty() {
                untranscribed = true;
            } else {
                contents.push(text_content("user", &p.transcript));
            }
        }
        contents.extend(p.rounds);
        if !p.model_text.is_empty() {
            contents.push(text_content("model", &p.model_text));
        }
        if contents.is_empty() {
            return;
        }
        self.done_chars += p.chars;
        self.done.push_back(Exchange {
            id,
            contents: contents.iter().map(|c| c.to_string().into()).collect(),
            chars: p.chars,
            last_seq: p.last_seq,
            untranscribed,
        });
        while self.done_chars > self.budget.chars || self.done.len() > self.budget.turns {
            match self.done.pop_front() {
                Some(old) => self.done_chars -= old.chars,
                None => break,
            }
        }
    }

    /// A resumable handle arrived; `consumed`: Vertex's exact acknowledgement, as the
    /// ledger's sequence number of the last input it includes (0: none of this connection's).
    pub fn handle(&mut self, consumed: Option<u64>) {
        self.checkpoint = match consumed {
            Some(0) => self.server_known,
            Some(seq) => {
                self.proven = true;
                (self.done.iter())
                    .find(|e| e.last_seq > seq)
                    .map_or(self.next_id, |e| e.id)
            }
            None if self.proven => self.next_id,
            None => self.server_known,
        };
    }

    /// The connection ended: replies in progress are void (their questions are replayed and
    /// answered again), and so are transcripts of speech that is replayed. `replayed` says
    /// whether the ledger still holds a question (one it had to give up is never answered).
    pub fn connection_lost(&mut self, replayed: impl Fn(u64) -> bool) {
        self.pending
            .retain(|p| p.spoken != Some(false) && (p.question == 0 || replayed(p.question)));
        for p in self.pending.iter_mut() {
            let user = p.user_chars;
            p.transcript.clear();
            p.rounds.clear();
            p.model_text.clear();
            p.calls.clear();
            p.replied = false;
            p.overflow = user > self.budget.chars;
            p.chars = user;
        }
    }

    fn from(&self, resumed: bool) -> u64 {
        if resumed {
            self.checkpoint
        } else {
            0
        }
    }

    /// What the server of a new connection lacks (`resumed`: it resumed the latest handle).
    /// Read-only, so that a failed attempt can ask again; call [`restored`](Self::restored)
    /// once it was sent.
    pub fn restore(&self, resumed: bool) -> Restore {
        let from = self.from(resumed);
        let mut r = Restore::default();
        for e in self.done.iter().filter(|e| e.id >= from) {
            r.contents.extend(e.contents.iter().cloned());
            r.turns += 1;
            r.chars += e.chars as u64;
            r.untranscribed += u64::from(e.untranscribed);
        }
        r.dropped = self.next_id.saturating_sub(from).saturating_sub(r.turns);
        r
    }

    /// The restore for a connection went out (`resumed` as for [`restore`](Self::restore)).
    pub fn restored(&mut self, resumed: bool) {
        let from = self.from(resumed);
        self.server_known = from;
        self.proven = from >= self.next_id;
        if !resumed {
            self.checkpoint = 0;
        }
    }

    /// Exchanges kept, and their characters.
    #[cfg(test)]
    pub fn kept(&self) -> (usize, usize) {
        (self.done.len(), self.done_chars)
    }

    #[cfg(test)]
    /// Bytes held, approximately (the JSON of every content kept and pending).
    pub fn bytes(&self) -> usize {
        let size = |c: &Value| c.to_string().len();
        let done: usize = (self.done.iter().flat_map(|e| &e.contents))
            .map(|c| c.len())
            .sum();
        let pending: usize = (self.pending.iter())
            .map(|p| {
                p.user.iter().chain(&p.rounds).map(size).sum::<usize>()
                    + p.transcript.len()
                    + p.model_text.len()
            })
            .sum();
        done + pending + self.composing.iter().map(size).sum::<usize>()
    }
}
