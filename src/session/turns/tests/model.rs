//! Model-based property test of the ledger.
//!
//! A simulated server (`model/server.rs`: answers in order, one reply per question, handles
//! that capture its state after each answered turn, an utterance buffer per connection like
//! the real service and the fake, tool calls that new input cancels, extended-thinking replies
//! with an `IN_PROGRESS` segment) and a simulated application (`model/app.rs`: text, thinking
//! and tool questions, audio utterances; answers tool calls unless it moved on; drops a partial
//! reply on `ReplyDiscarded`) exchange messages through the ledger, in a random order, with
//! faults and GoAway handovers at any point. Invariant: from the application's view every
//! question is answered exactly once, in order, with the right content (an audio reply counts
//! the chunks the server heard), or was abandoned by the application; the server never sees a
//! tool response for a call it does not know, never answers a question twice, and (unless the
//! session says the context was lost) its history is exactly the application's.

use super::super::*;
use crate::session::events::Facts;
use proptest::prelude::*;
use std::time::Duration;
use std::time::Instant;
use tungstenite::Utf8Bytes;

mod app;
mod server;

use app::{App, Expect};
use server::{Server, C, S};

/// One step of the story.
#[derive(Clone, Debug)]
enum Op {
    Text,
    Think,
    ToolQ,
    Audio,
    AudioEnd,
    Process,
    Deliver,
    Fault,
    GoAway,
    ForgetHandles,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        2 => Just(Op::Text),
        1 => Just(Op::Think),
        1 => Just(Op::ToolQ),
        2 => Just(Op::Audio),
        1 => Just(Op::AudioEnd),
        5 => Just(Op::Process),
        8 => Just(Op::Deliver),
        2 => Just(Op::Fault),
        1 => Just(Op::GoAway),
        1 => Just(Op::ForgetHandles),
    ]
}

struct World {
    ledger: Ledger,
    server: Server,
    app: App,
    handle: Option<u64>,
    resumption: bool,
    goaway: bool,
    clock: u64,
}

impl World {
    fn now(&mut self) -> Instant {
        self.clock += 1;
        super::t(self.clock)
    }

    fn send(&mut self, m: C) {
        let now = self.now();
        let frame = Utf8Bytes::from(m.encode());
        let audio = if matches!(m, C::Audio(..)) {
            Duration::from_millis(20)
        } else {
            Duration::ZERO
        };
        if self.ledger.push_at(&frame, m.kind(), audio, now) {
            self.server.inbound.push_back(m);
        } else {
            // ToolResponsesDropped: the call died with a connection; its question comes again.
            self.app.open_call = None;
        }
    }

    fn ask(&mut self, e: Expect) {
        self.app.next_id += 1;
        let q = self.app.next_id;
        self.move_on();
        let m = match e {
            Expect::Text => C::Text(q),
            Expect::Think => C::Think(q),
            _ => C::ToolQ(q),
        };
        self.app.expected.push_back((q, e));
        self.app.asked.push(q);
        self.send(m);
    }

    fn reconnect(&mut self) {
        let lost = self.ledger.connection_lost();
        if lost.discarded.is_some() {
            self.app.partial.clear();
            self.app.open_call = None;
        }
        self.app.dropped += lost.dropped.0;
        let want = if self.resumption { self.handle } else { None };
        let resumed = self.server.connect(want);
        let replay = self.ledger.replay(resumed);
        if replay.context_lost > 0 || !resumed {
            self.app.context_lost = true;
        }
        for f in &replay.frames {
            self.server.inbound.push_back(C::decode(f.as_str()));
        }
        let now = self.now();
        self.ledger.replayed(replay.seqs, 0, true, now);
        self.goaway = false;
    }

    fn deliver(&mut self) -> Result<(), String> {
        let Some(m) = self.server.outbound.pop_front() else {
            return Ok(());
        };
        let mut f = Facts::default();
        match &m {
            S::Content(_) => f.reply_content = true,
            S::Call(c, _) => f.tool_calls = vec![c.to_string()],
            S::Cancel(c) => f.cancelled = vec![c.to_string()],
            S::Gen => f.generation_complete = true,
            S::Done(ip) => {
                f.turn_complete = true;
                f.interaction_in_progress = *ip;
            }
            S::Handle(h) => {
                f.handle = h.map(|h| h.to_string());
                if let Some(h) = h {
                    self.handle = Some(*h);
                }
            }
            S::GoAway => self.goaway = true,
        }
        let now = self.now();
        self.ledger.server(&f, now);
        self.app.on(&m)?;
        if self.goaway && self.ledger.idle() {
            self.reconnect();
        }
        Ok(())
    }

    /// Ends the open utterance, if any (moving on from any open tool question).
    fn end_utterance(&mut self) {
        if let Some((u, k)) = self.app.utterance.take() {
            self.move_on();
            self.app.expected.push_back((u, Expect::Audio(k)));
            self.app.asked.push(u);
            self.send(C::AudioEnd(u));
        }
    }

    /// New input abandons the tool questions still open.
    fn move_on(&mut self) {
        if let Some((_, cq)) = self.app.open_call.take() {
            self.app.abandoned.insert(cq);
        }
        for (pq, pe) in &self.app.expected {
            if *pe == Expect::Tool {
                self.app.abandoned.insert(*pq);
            }
        }
    }

    fn answer_tool_call(&mut self) {
        if let Some((c, q)) = self.app.open_call.take() {
            self.send(C::ToolResp(c, q));
        }
    }

    fn check(&self) -> Result<(), String> {
        let h = &self.server.sess.history;
        let pos: Vec<Option<usize>> = h
            .iter()
            .map(|q| self.app.asked.iter().position(|a| a == q))
            .collect();
        if pos.windows(2).any(|w| w[0] >= w[1]) || pos.contains(&None) {
            return Err(format!("the server answered out of order or twice: {h:?}"));
        }
        if self.ledger.idle() && !self.app.expected.is_empty() {
            return Err(format!(
                "the ledger is idle while {:?} await an answer",
                self.app.expected
            ));
        }
        if self.ledger.stall_since().is_some()
            && self
                .server
                .inbound
                .iter()
                .all(|m| matches!(m, C::Audio(..)))
            && self.server.outbound.is_empty()
        {
            return Err("the stall timer runs but the server owes nothing".into());
        }
        Ok(())
    }

    fn step(&mut self, op: &Op) -> Result<(), String> {
        match op {
            Op::Text => self.ask(Expect::Text),
            Op::Think => self.ask(Expect::Think),
            Op::ToolQ => self.ask(Expect::Tool),
            Op::Audio => {
                let (u, k) = match self.app.utterance {
                    Some((u, k)) => (u, k + 1),
                    None => {
                        self.app.next_id += 1;
                        (self.app.next_id, 1)
                    }
                };
                self.app.utterance = Some((u, k));
                self.send(C::Audio(u, k));
            }
            Op::AudioEnd => self.end_utterance(),
            Op::Process => self.server.process()?,
            Op::Deliver => {
                self.deliver()?;
                self.answer_tool_call();
            }
            Op::Fault => self.reconnect(),
            Op::GoAway => self.server.outbound.push_back(S::GoAway),
            Op::ForgetHandles => self.server.handles.clear(),
        }
        self.check()
    }

    /// No more faults: let the conversation finish.
    fn drain(&mut self) -> Result<(), String> {
        self.end_utterance();
        for _ in 0..10_000 {
            if self.server.inbound.is_empty() && self.server.outbound.is_empty() {
                return Ok(());
            }
            self.server.process()?;
            while !self.server.outbound.is_empty() {
                self.deliver()?;
                self.answer_tool_call();
                self.check()?;
            }
        }
        Err("the conversation did not settle".into())
    }
}

fn run(ops: &[Op], resumption: bool) -> Result<(), String> {
    let mut w = World {
        ledger: Ledger::new(1 << 30, Duration::from_secs(3600)),
        server: Server::default(),
        app: App::default(),
        handle: None,
        resumption,
        goaway: false,
        clock: 0,
    };
    for op in ops {
        w.step(op)?;
    }
    w.drain()?;
    let rest: Vec<_> = w
        .app
        .expected
        .iter()
        .filter(|(q, _)| !w.app.abandoned.contains(q))
        .collect();
    if !rest.is_empty() {
        return Err(format!("never answered: {rest:?}"));
    }
    if w.app.dropped > 0 {
        return Err(format!(
            "{} inputs dropped with an unbounded store",
            w.app.dropped
        ));
    }
    if !w.app.context_lost {
        let answered: Vec<u32> = w
            .server
            .sess
            .history
            .iter()
            .copied()
            .filter(|q| !w.app.abandoned.contains(q) || w.app.answered.contains(q))
            .collect();
        if answered != w.app.answered {
            return Err(format!(
                "server history {answered:?} differs from the app's {:?}",
                w.app.answered
            ));
        }
    }
    Ok(())
}

proptest! {
    // 1,000 stories by default; PROPTEST_CASES=N for more.
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1000),
        ..ProptestConfig::default()
    })]

    #[test]
    fn every_question_is_answered_exactly_once_in_order(
        ops in proptest::collection::vec(op(), 0..80),
        resumption in any::<bool>(),
    ) {
        if let Err(e) = run(&ops, resumption) {
            return Err(TestCaseError::fail(format!("{e}\nops: {ops:?}")));
        }
    }
}

#[test]
fn the_model_catches_a_ledger_that_replays_answered_input() {
    // The scenario of defect 1, run through the model: answered, then the connection ends
    // before the handle. The model passes; and a replay of the answered question (what the
    // old buffer did) is caught as a second answer.
    let ops = [
        Op::Text,
        Op::Process,
        Op::Deliver,
        Op::Deliver,
        Op::Deliver,
        Op::Deliver,
    ];
    assert_eq!(run(&ops, true), Ok(()));
    let mut w = World {
        ledger: super::ledger(),
        server: Server::default(),
        app: App::default(),
        handle: None,
        resumption: true,
        goaway: false,
        clock: 0,
    };
    for op in &ops {
        w.step(op).unwrap();
    }
    w.reconnect();
    w.server.inbound.push_back(C::Text(1)); // the old replay buffer re-sent it
    assert!(w.drain().is_err());
}
