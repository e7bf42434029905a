//! Model-based property test of the ledger.
//!
//! A simulated server (answers in order, one reply per question, handles that capture its
//! state after each answered turn, an utterance buffer per connection like the real service
//! and the fake, tool calls that new input cancels, extended-thinking replies with an
//! `IN_PROGRESS` segment) and a simulated application (text, thinking and tool questions,
//! audio utterances; answers tool calls unless it moved on; drops a partial reply on
//! `ReplyDiscarded`) exchange messages through the ledger, in a random order, with faults and
//! GoAway handovers at any point. Invariant: from the application's view every question is
//! answered exactly once, in order, with the right content (an audio reply counts the chunks
//! the server heard), or was abandoned by the application; the server never sees a tool
//! response for a call it does not know, never answers a question twice, and (unless the
//! session says the context was lost) its history is exactly the application's.

use super::super::*;
use crate::frames::InputKind;
use crate::session::events::Facts;
use proptest::prelude::*;
use std::collections::{HashMap, HashSet, VecDeque};
use std::time::Duration;
use std::time::Instant;
use tungstenite::Utf8Bytes;

/// A client message.
#[derive(Clone, Debug, PartialEq)]
enum C {
    Text(u32),
    Think(u32),
    ToolQ(u32),
    Audio(u32, u32),
    AudioEnd(u32),
    ToolResp(u64, u32),
}

impl C {
    fn encode(&self) -> String {
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

    fn decode(s: &str) -> C {
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

    fn kind(&self) -> InputKind {
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
enum S {
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
struct Sess {
    /// Answered questions, in order.
    history: Vec<u32>,
    pending: Option<(u64, u32)>,
}

#[derive(Default)]
struct Server {
    sess: Sess,
    /// Audio chunks of the current utterance: per connection, as on the real service.
    utterance: Vec<(u32, u32)>,
    inbound: VecDeque<C>,
    outbound: VecDeque<S>,
    handles: HashMap<u64, Sess>,
    next_handle: u64,
    next_call: u64,
}

impl Server {
    fn answer(&mut self, q: u32, tags: &[&str], think: bool) {
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

    fn cancel_pending(&mut self) {
        if let Some((c, _)) = self.sess.pending.take() {
            self.outbound.push_back(S::Cancel(c));
        }
    }

    fn process(&mut self) -> Result<(), String> {
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
    fn connect(&mut self, handle: Option<u64>) -> bool {
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

/// What the application expects as the answer to a question.
#[derive(Clone, Debug, PartialEq)]
enum Expect {
    Text,
    Think,
    Tool,
    Audio(u32),
}

#[derive(Default)]
struct App {
    next_id: u32,
    /// Questions awaiting their answer, in the order asked.
    expected: VecDeque<(u32, Expect)>,
    /// Every question, in the order asked.
    asked: Vec<u32>,
    partial: Vec<String>,
    /// Answered questions, in order.
    answered: Vec<u32>,
    /// Abandoned tool questions (the app moved on), and those resolved by a cancellation.
    abandoned: HashSet<u32>,
    open_call: Option<(u64, u32)>,
    utterance: Option<(u32, u32)>,
    context_lost: bool,
    dropped: u64,
}

impl App {
    fn on(&mut self, m: &S) -> Result<(), String> {
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
    log: InputLog,
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
        if self.log.push_at(&frame, m.kind(), audio, now) {
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
        let lost = self.log.connection_lost();
        if lost.discarded.is_some() {
            self.app.partial.clear();
            self.app.open_call = None;
        }
        self.app.dropped += lost.dropped.0;
        let want = if self.resumption { self.handle } else { None };
        let resumed = self.server.connect(want);
        let replay = self.log.replay(resumed);
        if replay.context_lost > 0 || !resumed {
            self.app.context_lost = true;
        }
        for f in &replay.frames {
            self.server.inbound.push_back(C::decode(f.as_str()));
        }
        let now = self.now();
        self.log.replayed(replay.seqs, 0, true, now);
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
        self.log.server(&f, now);
        self.app.on(&m)?;
        if self.goaway && self.log.idle() {
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
        if self.log.idle() && !self.app.expected.is_empty() {
            return Err(format!(
                "the ledger is idle while {:?} await an answer",
                self.app.expected
            ));
        }
        if self.log.stall_since().is_some()
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
        log: InputLog::new(1 << 30, Duration::from_secs(3600)),
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
        log: super::log(),
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
