//! The model's simulated application: what it expects as the answer to each question, and its
//! check of every answer it gets.

use super::server::S;
use std::collections::{HashSet, VecDeque};

/// What the application expects as the answer to a question.
#[derive(Clone, Debug, PartialEq)]
pub(super) enum Expect {
    Text,
    Think,
    Tool,
    Audio(u32),
}

#[derive(Default)]
pub(super) struct App {
    pub(super) next_id: u32,
    /// Questions awaiting their answer, in the order asked.
    pub(super) expected: VecDeque<(u32, Expect)>,
    /// Every question, in the order asked.
    pub(super) asked: Vec<u32>,
    pub(super) partial: Vec<String>,
    /// Answered questions, in order.
    pub(super) answered: Vec<u32>,
    /// Abandoned tool questions (the app moved on), and those resolved by a cancellation.
    pub(super) abandoned: HashSet<u32>,
    pub(super) open_call: Option<(u64, u32)>,
    pub(super) utterance: Option<(u32, u32)>,
    pub(super) context_lost: bool,
    pub(super) dropped: u64,
}

impl App {
    pub(super) fn on(&mut self, m: &S) -> Result<(), String> {
        match m {
            S::Content(tag) => self.partial.push(tag.clone()),
            S::Call(c, q) => {
                self.partial.push(format!("call{q}"));
                if !self.abandoned.contains(q) {
                    self.open_call = Some((*c, *q));
                }
            }
            S::Cancel(c) => {
                let Some((q, _)) = self.expected.front().cloned() else {
                    return Err(format!("cancel {c} with nothing asked"));
                };
                if !self.abandoned.contains(&q) {
                    return Err(format!("cancel {c} for question {q} the app still wants"));
                }
                self.expected.pop_front();
                self.partial.clear();
            }
            S::Done(true) | S::Gen | S::Handle(_) | S::GoAway => {}
            S::Done(false) => {
                let Some((q, e)) = self.expected.pop_front() else {
                    return Err(format!("an answer with nothing asked: {:?}", self.partial));
                };
                let want: Vec<String> = match e {
                    Expect::Text => vec![format!("R{q}")],
                    Expect::Think => vec![format!("K{q}"), format!("L{q}")],
                    Expect::Tool => vec![format!("call{q}"), format!("T{q}")],
                    Expect::Audio(n) => {
                        let chunks: Vec<u32> = (1..=n).collect();
                        vec![format!("A{chunks:?}:{q}")]
                    }
                };
                let got = std::mem::take(&mut self.partial);
                if got != want {
                    return Err(format!("question {q}: expected {want:?}, got {got:?}"));
                }
                self.answered.push(q);
            }
        }
        Ok(())
    }
}
