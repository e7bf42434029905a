//! One case (a fault at a position of connection 1), its checks from the application's and
//! the server's view, and the positions a run of one kind covers.

use std::time::{Duration, Instant};

use gemini_live::fake::{synth_reply_audio, FakeServer, Fault, FaultPlan};

use super::conversation::*;
use super::records::*;
use super::{FaultKind, Position, Variant, FULL_SWEEP_VAR, REPLY_AUDIO_MS};

/// The fault-free conversation's message counts on its one connection.
pub struct Shape {
    pub client: usize,
    pub server: Vec<String>,
}

/// Runs the script without faults (no sentinel) and returns connection 1's messages.
pub fn shape(v: Variant) -> Shape {
    let server = FakeServer::start(fake_options(FaultPlan::new())).expect("fake server starts");
    let view = converse(config(&server, v), false)
        .unwrap_or_else(|(e, log)| panic!("fault-free run: {e}\n{log:#?}"));
    assert_eq!(view.replies.len(), SCRIPT.len());
    let conns = server.connections();
    assert_eq!(conns.len(), 1, "one connection without faults");
    Shape {
        client: conns[0].frames.len(),
        server: conns[0].sent.iter().map(|m| kind_of(m)).collect(),
    }
}

/// What a case adds to one fault on connection 1.
#[derive(Clone, Copy, Debug, Default)]
pub struct Extra {
    /// A second fault, at this position of connection 2 (two faults in a row).
    pub then: Option<(FaultKind, Position)>,
    /// Handles expire this soon (a resume is then refused as unknown: a new session).
    pub handle_ttl: Option<Duration>,
}

/// One case of the sweep: `kind` at `pos` of connection 1; the number of connections it took,
/// or what failed.
pub fn run_case(kind: FaultKind, pos: Position, v: Variant) -> Result<usize, String> {
    run_case_with(kind, pos, v, Extra::default())
}

fn place(plan: FaultPlan, conn: usize, kind: FaultKind, pos: Position) -> FaultPlan {
    let plan = match pos {
        Position::Client(n) => plan.at(conn, n, kind.fault()),
        Position::Server(n) => plan.after_server(conn, n, kind.fault()),
    };
    if kind == FaultKind::Refuse {
        plan.on_upgrade(conn + 1, Fault::RefuseUpgrade { status: 503 })
    } else {
        plan
    }
}

/// [`run_case`] with `extra`.
pub fn run_case_with(
    kind: FaultKind,
    pos: Position,
    v: Variant,
    extra: Extra,
) -> Result<usize, String> {
    let mut plan = place(FaultPlan::new(), 1, kind, pos);
    if let Some((k, p)) = extra.then {
        plan = place(plan, 2, k, p);
    }
    let unbroken = unbroken(v)?;
    let mut options = fake_options(plan);
    if let Some(ttl) = extra.handle_ttl {
        options.handle_ttl = ttl;
    }
    let server = FakeServer::start(options).map_err(|e| format!("fake server: {e}"))?;
    let outcome = converse(config(&server, v), true);
    let conns = server.connections();
    let fail = |what: String, log: &[String]| {
        format!(
            "{} at {pos:?} ({extra:?}), {}: {what}\n  app: {}\n{}",
            kind.name(),
            v.name(),
            log.join(" | "),
            transcript(&conns)
        )
    };
    let view = outcome.map_err(|(e, log)| fail(e, &log))?;
    let want = expected_all();
    // The conversation kept its context: each reply is the turn of its line, and names the
    // digest of what the server knew in the unbroken conversation. (After a reset the server
    // may have answered a question whose answer never arrived: it is asked again, and the
    // server's context has both.)
    let destroys =
        kind.may_destroy_sent_data() || extra.then.is_some_and(|(k, _)| k.may_destroy_sent_data());
    if !destroys {
        for (i, (got, _)) in view.replies.iter().enumerate() {
            let line = i as u64 + 1;
            let same = unbroken
                .get(i)
                .is_some_and(|u| context_of(u) == context_of(got));
            if split_turn(got).map(|(n, _)| n) != Some(line) || !same {
                return Err(fail(
                    format!(
                        "reply {line} is {got:?}: the conversation lost its context (unbroken: {:?})",
                        unbroken.get(i)
                    ),
                    &view.events,
                ));
            }
        }
    }
    // The application's view: every input answered once, in order.
    for (i, ((got, audio), want)) in view.replies.iter().zip(&want).enumerate() {
        match split_turn(got) {
            Some((n, rest)) if rest == want => {
                // A spoken reply's audio is that turn's whole audio, once.
                if v.audio && *audio != synth_reply_audio(n, REPLY_AUDIO_MS) {
                    return Err(fail(
                        format!(
                            "reply {} has {} bytes of audio, not turn {n}'s {}",
                            i + 1,
                            audio.len(),
                            synth_reply_audio(n, REPLY_AUDIO_MS).len()
                        ),
                        &view.events,
                    ));
                }
            }
            _ => {
                return Err(fail(
                    format!("reply {} is {got:?}, expected \"[turn N] {want}\"", i + 1),
                    &view.events,
                ))
            }
        }
    }
    // The server's view: every reply completed exactly once (at least once after a reset).
    let done = completed_replies(&conns);
    for want in &want {
        let n = done
            .iter()
            .filter(|r| split_turn(r).is_some_and(|(_, rest)| rest == want))
            .count();
        let ok = if destroys { n >= 1 } else { n == 1 };
        if !ok {
            return Err(fail(
                format!("the server completed \"{want}\" {n} times; completed: {done:?}"),
                &view.events,
            ));
        }
    }
    Ok(conns.len())
}

impl Shape {
    /// The position right after the `nth` (0-based) server message of this kind.
    pub fn after(&self, kind: &str, nth: usize) -> Option<Position> {
        self.server
            .iter()
            .enumerate()
            .filter(|(_, k)| k.as_str() == kind)
            .nth(nth)
            .map(|(i, _)| Position::Server(i + 1))
    }
}

/// Every position of the script, or (without [`FULL_SWEEP_VAR`]) a representative subset: the
/// boundaries the session code is most sensitive to, and every fourth position (for a `slow`
/// kind, whose cases take seconds, two of those boundaries and one other position).
pub fn positions(shape: &Shape, full: bool, slow: bool, seed: usize) -> Vec<Position> {
    let all: Vec<Position> = (1..=shape.client)
        .map(Position::Client)
        .chain((1..=shape.server.len()).map(Position::Server))
        .collect();
    if full {
        return all;
    }
    let mut pick: Vec<Position> = [
        shape.after("turnComplete", 0), // answered, not yet covered by a handle
        shape.after("modelTurn", 4),    // mid reply of the second turn
        Some(Position::Client(2 + 1 + 2)), // mid audio upload
        shape.after("toolCall", 0),     // tool call open
    ]
    .into_iter()
    .flatten()
    .collect();
    if slow {
        let len = pick.len();
        pick.rotate_left(seed % len);
        pick.truncate(2);
        pick.push(all[(seed * 7 + 3) % all.len()]);
    } else {
        pick.extend(all.iter().copied().skip(seed % 4).step_by(4));
    }
    let mut seen = Vec::new();
    pick.retain(|p| {
        let new = !seen.contains(p);
        seen.push(*p);
        new
    });
    pick
}

/// Runs `kind` at the subset's positions of connection 1 in every [`Variant`], each case with
/// `extra(position)`; panics listing every failure.
pub fn run_kind_extra(kind: FaultKind, name: &str, extras: &[Extra]) {
    let started = Instant::now();
    let seed = name.bytes().map(usize::from).sum::<usize>();
    let (mut cases, mut failures) = (0, Vec::new());
    for (i, &v) in Variant::ALL.iter().enumerate() {
        let shape = shape(v);
        for pos in positions(&shape, false, true, seed + i) {
            for &extra in extras {
                cases += 1;
                if let Err(e) = run_case_with(kind, pos, v, extra) {
                    eprintln!("FAIL {e}");
                    failures.push(e);
                }
            }
        }
    }
    eprintln!(
        "fault sweep {name}: {cases} cases in {:.1} s, {} failed",
        started.elapsed().as_secs_f64(),
        failures.len()
    );
    none_failed(&failures, cases);
}

/// Runs `kind` at its positions in every [`Variant`] (the subset: spoken replies only for the
/// quick kinds); panics listing every failure.
pub fn run_kind(kind: FaultKind) {
    run_kind_in(kind, &Variant::ALL)
}

/// [`run_kind`] in the given variants.
pub fn run_kind_in(kind: FaultKind, variants: &[Variant]) {
    let full = std::env::var(FULL_SWEEP_VAR).is_ok_and(|v| !v.is_empty() && v != "0");
    let started = Instant::now();
    let seed = kind.name().bytes().map(usize::from).sum::<usize>();
    let mut cases = 0;
    let mut reconnected = 0;
    let mut failures = Vec::new();
    let slow = matches!(kind, FaultKind::Stall | FaultKind::StallHeld(_));
    for (i, &v) in variants.iter().enumerate() {
        if v.audio && slow && !full {
            continue;
        }
        let shape = shape(v);
        let positions = positions(&shape, full, slow, seed + i);
        for pos in positions {
            cases += 1;
            match run_case(kind, pos, v) {
                Ok(conns) => reconnected += usize::from(conns > 1),
                Err(e) => {
                    eprintln!("FAIL {e}");
                    failures.push(e);
                }
            }
        }
    }
    eprintln!(
        "fault sweep {}: {cases} cases ({}; {reconnected} used more than one connection) in {:.1} s, {} failed",
        kind.name(),
        if full { "full" } else { "subset" },
        started.elapsed().as_secs_f64(),
        failures.len()
    );
    none_failed(&failures, cases);
}

/// Panics listing every failure of a run of `cases` cases, if any failed.
fn none_failed(failures: &[String], cases: usize) {
    assert!(
        failures.is_empty(),
        "{} of {cases} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
