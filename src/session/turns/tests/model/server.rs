//! The model's simulated server: answers in order, one reply per question; handles that
//! capture its state after each answered turn; an utterance buffer per connection; tool calls
//! that new input cancels; extended-thinking replies with an `IN_PROGRESS` segment.

use crate::frames::InputKind;
use std::collections::{HashMap, VecDeque};

/// A client message.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum C {
    Text(u32),
    Think(u32),
    ToolQ(u32),
    Audio(u32, u32),
    AudioEnd(u32),
    ToolResp(u64, u32),
}

impl C {
    pub(super) fn encode(&self) -> String {
        serde_json::to_string(&match self {
            C::Text(q) => ("text", *q as u64, 0),
            C::Think(q) => ("think", *q as u64, 0),
            C::ToolQ(q) => ("toolq", *q as u64, 0),
            C::Audio(u, k) => ("audio", *u as u64, *k as u64),
            C::AudioEnd(u) => ("end", *u as u64, 0),
            C::ToolResp(c, q) => ("resp", *c, *q as u64),
        })
        .unwrap_or_default()
    }

    pub(super) fn decode(s: &str) -> C {
        let (k, a, b): (String, u64, u64) = serde_json::from_str(s).unwrap_or(("?".into(), 0, 0));
        match k.as_str() {
            "text" => C::Text(a as u32),
            "think" => C::Think(a as u32),
            "toolq" => C::ToolQ(a as u32),
            "audio" => C::Audio(a as u32, b as u32),
            "end" => C::AudioEnd(a as u32),
            _ => C::ToolResp(a, b as u32),
        }
    }

    pub(super) fn kind(&self) -> InputKind {
        match self {
            C::Text(_) | C::Think(_) | C::ToolQ(_) => InputKind::TurnEnd,
            C::Audio(..) => InputKind::Plain,
            C::AudioEnd(_) => InputKind::AudioEnd,
            C::ToolResp(c, _) => InputKind::ToolResponse {
                ids: vec![c.to_string()],
                continuing: vec![],
            },
        }
    }
}

/// A server message.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum S {
    Content(String),
    Call(u64, u32),
    Cancel(u64),
    Gen,
    Done(bool),
    Handle(Option<u64>),
    GoAway,
}

/// The server's per-session state: what handles capture.
#[derive(Clone, Debug, Default)]
pub(super) struct Sess {
    /// Answered questions, in order.
    pub(super) history: Vec<u32>,
    pub(super) pending: Option<(u64, u32)>,
}

#[derive(Default)]
pub(super) struct Server {
    pub(super) sess: Sess,
    /// Audio chunks of the current utterance: per connection, as on the real service.
    pub(super) utterance: Vec<(u32, u32)>,
    pub(super) inbound: VecDeque<C>,
    pub(super) outbound: VecDeque<S>,
    pub(super) handles: HashMap<u64, Sess>,
    pub(super) next_handle: u64,
    pub(super) next_call: u64,
}

impl Server {
    pub(super) fn answer(&mut self, q: u32, tags: &[&str], think: bool) {
        self.sess.history.push(q);
        self.outbound.push_back(S::Handle(None));
        for (i, tag) in tags.iter().enumerate() {
            self.outbound.push_back(S::Content(format!("{tag}{q}")));
            if think && i == 0 {
                self.outbound.push_back(S::Done(true));
            }
        }
        self.outbound.push_back(S::Gen);
        self.outbound.push_back(S::Done(false));
        self.next_handle += 1;
        self.handles.insert(self.next_handle, self.sess.clone());
        self.outbound.push_back(S::Handle(Some(self.next_handle)));
    }

    pub(super) fn cancel_pending(&mut self) {
        if let Some((c, _)) = self.sess.pending.take() {
            self.outbound.push_back(S::Cancel(c));
        }
    }

    pub(super) fn process(&mut self) -> Result<(), String> {
        let Some(m) = self.inbound.pop_front() else {
            return Ok(());
        };
        match m {
            C::Text(q) => {
                self.cancel_pending();
                self.answer(q, &["R"], false);
            }
            C::Think(q) => {
                self.cancel_pending();
                self.answer(q, &["K", "L"], true);
            }
            C::ToolQ(q) => {
                self.cancel_pending();
                self.next_call += 1;
                self.sess.pending = Some((self.next_call, q));
                self.outbound.push_back(S::Handle(None));
                self.outbound.push_back(S::Call(self.next_call, q));
            }
            C::Audio(u, k) => self.utterance.push((u, k)),
            C::AudioEnd(u) => {
                self.cancel_pending();
                let heard: Vec<u32> = self
                    .utterance
                    .drain(..)
                    .filter(|(x, _)| *x == u)
                    .map(|(_, k)| k)
                    .collect();
                let tag = format!("A{heard:?}:");
                self.answer(u, &[tag.as_str()], false);
            }
            C::ToolResp(c, q) => match self.sess.pending {
                Some((p, pq)) if p == c && pq == q => {
                    self.sess.pending = None;
                    self.answer(q, &["T"], false);
                }
                _ => return Err(format!("the server got a response to unknown call {c}")),
            },
        }
        Ok(())
    }

    /// A new connection: resume `handle` if known, else a new session.
    pub(super) fn connect(&mut self, handle: Option<u64>) -> bool {
        self.inbound.clear();
        self.outbound.clear();
        self.utterance.clear();
        match handle.and_then(|h| self.handles.get(&h)) {
            Some(s) => {
                self.sess = s.clone();
                true
            }
            None => {
                self.sess = Sess::default();
                false
            }
        }
    }
}
