//! Tests of the history: pinned cases, and a model-based property test against a simulated
//! server whose state handles capture, through random conversations, handles, faults and
//! budgets.

use super::*;
use proptest::prelude::*;

fn texts(contents: &[Box<str>]) -> Vec<String> {
    contents
        .iter()
        .map(|c| serde_json::from_str::<Value>(c).unwrap_or_default())
        .map(|c| {
            let role = c["role"].as_str().unwrap_or("?");
            let parts: Vec<String> = (c["parts"].as_array().into_iter().flatten())
                .map(|p| match p.get("text").and_then(Value::as_str) {
                    Some(t) => t.to_string(),
                    None => p.to_string(),
                })
                .collect();
            format!("{role}:{}", parts.join("|"))
        })
        .collect()
}

fn call(id: &str) -> FunctionCall {
    FunctionCall {
        id: id.into(),
        name: "lookup".into(),
        args: json!({"q": 1}),
        ..FunctionCall::default()
    }
}

#[test]
fn a_new_session_gets_every_exchange_back_in_order_with_tool_rounds() {
    let mut h = History::new(ContextBudget::default());
    h.user_text("hello", 1);
    h.model_text("hi ");
    h.model_text("there");
    h.turn_complete(false);
    h.user_text("weather?", 2);
    h.model_text("let me look");
    h.tool_calls(&[call("c1")]);
    h.tool_responses(vec![("c1".into(), "lookup".into(), json!({"t": 20}))], 3);
    h.model_text("20 degrees");
    h.turn_complete(false);
    let r = h.restore(false);
    assert_eq!(
        texts(&r.contents),
        vec![
            "user:hello",
            "model:hi there",
            "user:weather?",
            r#"model:let me look|{"functionCall":{"args":{"q":1},"id":"c1","name":"lookup"}}"#,
            r#"user:{"functionResponse":{"id":"c1","name":"lookup","response":{"t":20}}}"#,
            "model:20 degrees",
        ]
    );
    assert_eq!((r.turns, r.dropped, r.untranscribed), (2, 0, 0));
}

#[test]
fn a_resume_gets_what_came_after_the_handle_and_a_reply_in_progress_is_not_kept() {
    let mut h = History::new(ContextBudget::default());
    h.user_text("one", 1);
    h.model_text("1");
    h.turn_complete(false);
    h.handle(None);
    h.user_text("two", 2);
    h.model_text("2");
    h.turn_complete(false);
    h.user_text("three", 3);
    h.model_text("partial");
    h.connection_lost(|_| true);
    let r = h.restore(true);
    assert_eq!(texts(&r.contents), vec!["user:two", "model:2"]);
    h.restored(true);
    // The question in progress is the ledger's: answered again, it joins with its new reply.
    h.model_text("3");
    h.turn_complete(false);
    h.handle(None);
    h.connection_lost(|_| true);
    assert!(h.restore(true).is_empty());
    assert_eq!(texts(&h.restore(false).contents).len(), 6);
}

#[test]
fn a_handle_before_the_first_answer_after_a_restore_covers_only_what_the_connection_had() {
    let mut h = History::new(ContextBudget::default());
    h.user_text("one", 1);
    h.model_text("1");
    h.turn_complete(false);
    h.connection_lost(|_| true);
    assert_eq!(h.restore(false).turns, 1);
    h.restored(false);
    // The setup-time handle of the new session: issued before the restore arrived.
    h.handle(None);
    h.connection_lost(|_| true);
    assert_eq!(
        h.restore(true).turns,
        1,
        "the handle's state lacks the restore"
    );
}

#[test]
fn spoken_turns_use_their_transcripts_and_ones_without_are_counted() {
    let mut h = History::new(ContextBudget::default());
    h.audio_end(1);
    h.input_transcript("what time ");
    h.model_text("noon");
    h.input_transcript("is it");
    h.turn_complete(false);
    // Server-detected, no transcript.
    h.model_text("anything else?");
    h.turn_complete(false);
    let r = h.restore(false);
    assert_eq!(
        texts(&r.contents),
        vec!["user:what time is it", "model:noon", "model:anything else?"]
    );
    assert_eq!(r.untranscribed, 1);
}

#[test]
fn segments_in_progress_are_one_exchange() {
    let mut h = History::new(ContextBudget::default());
    h.user_text("think", 1);
    h.model_text("hmm. ");
    h.turn_complete(true);
    h.model_text("42");
    h.turn_complete(false);
    assert_eq!(
        texts(&h.restore(false).contents),
        vec!["user:think", "model:hmm. 42"]
    );
}

#[test]
fn the_budget_drops_the_oldest_and_counts_them() {
    let mut h = History::new(ContextBudget {
        chars: 20,
        turns: 3,
    });
    for i in 0..5 {
        h.user_text(&format!("q{i}"), i + 1);
        h.model_text(&format!("a{i}"));
        h.turn_complete(false);
    }
    let r = h.restore(false);
    assert_eq!(texts(&r.contents)[0], "user:q2");
    assert_eq!((r.turns, r.dropped), (3, 2));
    // A reply that outgrows the whole budget is not kept, and stops growing.
    h.user_text("long", 6);
    for _ in 0..1000 {
        h.model_text("0123456789");
    }
    assert!(h.bytes() < 1000, "{} bytes held", h.bytes());
    h.turn_complete(false);
    let r = h.restore(false);
    assert_eq!((r.turns, r.dropped), (3, 3));
    let zero = History::new(ContextBudget { chars: 0, turns: 5 });
    assert!(zero.restore(false).is_empty());
}

#[test]
fn vertex_consumed_index_decides_exactly() {
    let mut h = History::new(ContextBudget::default());
    for i in 1..=3u64 {
        h.user_text(&format!("q{i}"), i);
        h.model_text("a");
        h.turn_complete(false);
    }
    // The handle's state includes input up to seq 2: exchange 3 is after it.
    h.handle(Some(2));
    h.connection_lost(|_| true);
    let r = h.restore(true);
    assert_eq!(texts(&r.contents), vec!["user:q3", "model:a"]);
}

// The model: a server whose state is the list of exchanges it knows; handles capture it.

#[derive(Debug, Clone)]
enum Op {
    Ask(usize),
    Answer(usize),
    Partial,
    Handle,
    Fault { resume_ok: bool, setup_handle: bool },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (1usize..12).prop_map(Op::Ask),
        3 => (1usize..30).prop_map(Op::Answer),
        1 => Just(Op::Partial),
        2 => Just(Op::Handle),
        2 => (any::<bool>(), any::<bool>())
            .prop_map(|(resume_ok, setup_handle)| Op::Fault { resume_ok, setup_handle }),
    ]
}

/// Exchange `n` as the client saw it.
fn exchange(n: u64, q: usize, a: usize, partial: bool) -> Vec<String> {
    let p = if partial { "partial" } else { "" };
    vec![
        format!("user:q{n}{}", "x".repeat(q)),
        format!("model:{p}a{n}{}", "y".repeat(a)),
    ]
}

/// The exchanges a budget keeps: the longest fitting suffix, skipping any larger than it all.
fn kept(all: &[(u64, usize)], b: ContextBudget) -> Vec<u64> {
    let mut out: Vec<(u64, usize)> = Vec::new();
    for &(n, chars) in all {
        if b.chars == 0 || b.turns == 0 || chars > b.chars {
            continue;
        }
        out.push((n, chars));
        while out.iter().map(|x| x.1).sum::<usize>() > b.chars || out.len() > b.turns {
            out.remove(0);
        }
    }
    out.into_iter().map(|x| x.0).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn what_is_restored_is_exactly_what_the_server_lost_within_budget_in_order(
        ops in proptest::collection::vec(op(), 1..80),
        chars in prop_oneof![Just(0usize), 10usize..200, Just(usize::MAX)],
        turns in prop_oneof![Just(0usize), 1usize..8, Just(usize::MAX)],
    ) {
        let budget = ContextBudget { chars, turns };
        let mut h = History::new(budget);
        let mut seq = 0u64;
        // Client: questions not answered yet (their padding), and every exchange answered.
        let mut asked: VecDeque<usize> = VecDeque::new();
        let mut all: Vec<(u64, usize)> = Vec::new();
        let mut contents: Vec<Vec<String>> = Vec::new();
        // Server: the exchanges it knows, in order; the latest handle's capture.
        let mut server: Vec<u64> = Vec::new();
        let mut handle: Option<Vec<u64>> = None;
        // The server issues handles at setup and after turns (never between a restore and
        // the first answer on a connection without one at setup).
        let mut answered_here = true;
        let mut partial = false;
        for op in ops {
            match op {
                Op::Ask(q) => {
                    seq += 1;
                    let n = all.len() as u64 + asked.len() as u64;
                    h.user_text(&format!("q{n}{}", "x".repeat(q)), seq);
                    asked.push_back(q);
                }
                Op::Answer(a) => {
                    let Some(q) = asked.pop_front() else { continue };
                    let n = all.len() as u64;
                    h.model_text(&format!("a{n}"));
                    h.model_text(&"y".repeat(a));
                    h.turn_complete(false);
                    let ex = exchange(n, q, a, std::mem::take(&mut partial));
                    all.push((n, ex.iter().map(|s| s.len() - s.find(':').unwrap_or(0) - 1).sum()));
                    contents.push(ex);
                    server.push(n);
                    answered_here = true;
                    // Renumber: questions are named by the exchange that answers them.
                }
                Op::Partial => {
                    if !asked.is_empty() && !partial {
                        h.model_text("partial");
                        partial = true;
                    }
                }
                Op::Handle => {
                    if answered_here {
                        h.handle(None);
                        handle = Some(server.clone());
                    }
                }
                Op::Fault { resume_ok, setup_handle } => {
                    h.connection_lost(|_| true);
                    partial = false;
                    let before_fault = server.clone();
                    let resumed = resume_ok && handle.is_some();
                    server = if resumed { handle.clone().unwrap_or_default() } else { Vec::new() };
                    if !resumed {
                        handle = None;
                    }
                    let r = h.restore(resumed);
                    h.restored(resumed);
                    // What the server lost, and what the budget kept of it.
                    let lost: Vec<u64> = all.iter().map(|x| x.0).filter(|n| !server.contains(n)).collect();
                    let keep = kept(&all, budget);
                    let expect: Vec<u64> = lost.iter().copied().filter(|n| keep.contains(n)).collect();
                    let expect_texts: Vec<String> =
                        expect.iter().flat_map(|n| contents[*n as usize].clone()).collect();
                    let got = texts(&r.contents);
                    prop_assert_eq!(&got, &expect_texts);
                    prop_assert_eq!(r.turns, expect.len() as u64);
                    // Dropped: at least what this fault lost beyond the budget, at most all
                    // the server lacks beyond it (some of it may have been reported before).
                    let lost_now = before_fault.iter().filter(|n| !server.contains(n)).count();
                    let least = lost_now.saturating_sub(expect.len()) as u64;
                    prop_assert!(least <= r.dropped, "{} < {}", r.dropped, least);
                    prop_assert!(r.dropped <= (lost.len() - expect.len()) as u64);
                    prop_assert!(budget.chars == usize::MAX || r.chars as usize <= budget.chars);
                    prop_assert!(budget.turns == usize::MAX || r.turns as usize <= budget.turns);
                    let (_, held) = h.kept();
                    prop_assert!(budget.chars == usize::MAX || held <= budget.chars);
                    let base = server.clone();
                    server.extend(expect);
                    // Nothing twice in the server's context.
                    let mut seen = server.clone();
                    seen.sort_unstable();
                    seen.dedup();
                    prop_assert_eq!(seen.len(), server.len());
                    answered_here = false;
                    if setup_handle {
                        // Issued at setup, before the restore arrived.
                        h.handle(None);
                        handle = Some(base);
                    }
                }
            }
        }
    }
}
