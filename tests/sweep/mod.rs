//! The fault sweep's harness: a scripted conversation, its fault positions, one case, and the
//! checks of exactly-once delivery from the application's and from the server's view.
#![allow(dead_code)]

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use gemini_live::fake::{
    fnv1a64, synth_reply_audio, ConnectionRecord, FakeOptions, FakeServer, Fault, FaultPlan,
};
use gemini_live::protocol::FunctionResponse;
use gemini_live::{Config, Event, ResponseMode, Session};
use serde_json::Value;

/// Set to run every position of every fault kind.
pub const FULL_SWEEP_VAR: &str = "GEMINI_LIVE_FULL_SWEEP";

pub const TOOL_TEXT: &str = r#"call tool get_weather with {"city": "Paris"}"#;
pub const TOOL_RESULT: &str = r#"{"temp_c":21}"#;
const AUDIO_CHUNKS: usize = 4;
const AUDIO_CHUNK_BYTES: usize = 640;

/// How long one input may take to be answered, outages included.
const REPLY_DEADLINE: Duration = Duration::from_secs(15);

/// A fault of the sweep, placed at one position of connection 1.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum FaultKind {
    /// TCP end without a close frame.
    Drop,
    /// TCP reset.
    Reset,
    /// Close 1011 "Internal error occurred.".
    Close1011,
    /// GoAway with this `timeLeft`; the server closes 1011 when it runs out if the client
    /// is still connected.
    GoAway(Duration),
    /// The server goes silent; the session is released when the client leaves.
    Stall,
    /// The server goes silent and keeps the session attached this long (`None`: for ever):
    /// resumes meanwhile are refused with 1011.
    StallHeld(Option<Duration>),
    /// A drop, and the next upgrade refused with 503.
    Refuse,
    /// A frame that is not JSON, then the conversation goes on.
    Malformed,
    /// The next server frame cut in half, then a TCP end.
    Truncate,
    /// A normal close (1000) the application did not ask for: the conversation goes on.
    Close1000,
}

impl FaultKind {
    fn fault(self) -> Fault {
        match self {
            FaultKind::Drop | FaultKind::Refuse => Fault::Drop,
            FaultKind::Reset => Fault::Reset,
            FaultKind::Close1011 => Fault::Close {
                code: 1011,
                reason: "Internal error occurred.".into(),
            },
            FaultKind::GoAway(left) => Fault::GoAway {
                time_left: left,
                then_close_after: Some(left),
            },
            FaultKind::Stall => Fault::Stall,
            FaultKind::StallHeld(hold) => Fault::StallAttached { hold },
            FaultKind::Malformed => Fault::Malformed,
            FaultKind::Truncate => Fault::TruncatedFrame,
            FaultKind::Close1000 => Fault::Close {
                code: 1000,
                reason: String::new(),
            },
        }
    }

    fn name(self) -> String {
        match self {
            FaultKind::GoAway(d) => format!("goaway({d:?})"),
            FaultKind::StallHeld(Some(d)) => format!("stall-held({d:?})"),
            FaultKind::StallHeld(None) => "stall-held(forever)".into(),
            other => format!("{other:?}").to_lowercase(),
        }
    }

    /// Whether a reply the server completed may have been destroyed before the client read
    /// it (an RST discards unread data), so that answering it again is right.
    fn may_destroy_sent_data(self) -> bool {
        matches!(self, FaultKind::Reset)
    }
}

/// How the conversation is set up.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Variant {
    /// `Config::session_resumption`.
    pub resumption: bool,
    /// Spoken replies (`ResponseMode::TextAndAudio`: the fake's audio and its transcription)
    /// instead of text replies.
    pub audio: bool,
}

impl Variant {
    /// Text replies, resumption on and off, and spoken replies with resumption.
    pub const ALL: [Variant; 3] = [
        Variant {
            resumption: true,
            audio: false,
        },
        Variant {
            resumption: false,
            audio: false,
        },
        Variant {
            resumption: true,
            audio: true,
        },
    ];

    fn name(self) -> String {
        format!(
            "resumption {}, {} replies",
            if self.resumption { "on" } else { "off" },
            if self.audio { "spoken" } else { "text" },
        )
    }
}

/// Length of the fake's spoken replies (its default).
const REPLY_AUDIO_MS: u32 = 400;

/// Where on connection 1 the fault fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Position {
    /// After the n-th client message was received (1 = setup), see `FaultPlan::at`.
    Client(usize),
    /// After the n-th server message was sent (1 = setupComplete), see
    /// `FaultPlan::after_server`.
    Server(usize),
}

/// One input of the script.
#[derive(Clone, Debug)]
enum Input {
    Text(&'static str),
    Audio,
    Tool,
}

const SCRIPT: [Input; 5] = [
    Input::Text("one"),
    Input::Text("two"),
    Input::Audio,
    Input::Tool,
    Input::Text("last"),
];
/// Sent after the script (faults are placed only within the script): its reply proves no
/// late duplicate is still on its way.
const SENTINEL: &str = "the end";

fn pcm() -> Vec<u8> {
    (0..AUDIO_CHUNKS * AUDIO_CHUNK_BYTES / 2)
        .flat_map(|i| (((i * 37) % 2000) as i16 - 1000).to_le_bytes())
        .collect()
}

/// The reply each input must get, after its `[turn N] ` prefix.
fn expected(input: &Input) -> String {
    match input {
        Input::Text(t) => format!("echo: {t}"),
        Input::Audio => {
            let pcm = pcm();
            format!(
                "heard {} bytes of audio, checksum {:016x}",
                pcm.len(),
                fnv1a64(&pcm)
            )
        }
        Input::Tool => format!("tool get_weather returned {TOOL_RESULT}"),
    }
}

fn expected_all() -> Vec<String> {
    let mut all: Vec<String> = SCRIPT.iter().map(expected).collect();
    all.push(format!("echo: {SENTINEL}"));
    all
}

/// `[turn N] rest` or `[turn N, context D] rest` → (N, rest).
fn split_turn(reply: &str) -> Option<(u64, &str)> {
    let rest = reply.strip_prefix("[turn ")?;
    let (tag, rest) = rest.split_once("] ")?;
    let n = tag.split(", context ").next()?;
    Some((n.parse().ok()?, rest))
}

/// The context digest a reply names (`[turn N, context D]`).
fn context_of(reply: &str) -> Option<&str> {
    let tag = reply.strip_prefix("[turn ")?.split_once("] ")?.0;
    Some(tag.split_once(", context ")?.1)
}

/// The fake's options for the sweep: replies name the context digest.
fn fake_options(faults: FaultPlan) -> FakeOptions {
    FakeOptions {
        faults,
        context_digest: true,
        ..FakeOptions::default()
    }
}

/// The replies of the fault-free conversation (with the sentinel) in variant `v`: what every
/// faulty run must show, context digests included. Run once per variant.
fn unbroken(v: Variant) -> Result<Vec<String>, String> {
    use std::sync::Mutex;
    static DONE: Mutex<Vec<(Variant, Vec<String>)>> = Mutex::new(Vec::new());
    let mut done = DONE.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, r)) = done.iter().find(|(w, _)| *w == v) {
        return Ok(r.clone());
    }
    let server = FakeServer::start(fake_options(FaultPlan::new()))
        .map_err(|e| format!("fake server: {e}"))?;
    let view = converse(config(&server, v), true).map_err(|(e, _)| format!("fault-free: {e}"))?;
    let replies: Vec<String> = view.replies.into_iter().map(|r| r.0).collect();
    done.push((v, replies.clone()));
    Ok(replies)
}

pub fn config(server: &FakeServer, v: Variant) -> Config {
    let mode = if v.audio {
        ResponseMode::TextAndAudio
    } else {
        ResponseMode::Text
    };
    let mut c = Config::default()
        .with_endpoint(server.endpoint())
        .with_response_mode(mode);
    if !v.audio {
        c = c.with_model(gemini_live::fake::TEXT_MODEL);
    }
    c.session_resumption = v.resumption;
    c.stall_timeout = Duration::from_millis(400);
    c.reconnect.initial_delay = Duration::from_millis(5);
    c.reconnect.max_delay = Duration::from_millis(100);
    c.reconnect.max_attempts = 40;
    c.reconnect.max_total = Duration::from_secs(20);
    // A session held by a stalled connection for ever is given up after this (default 10 s).
    c.reconnect.resume_wait = Duration::from_millis(1500);
    c.timeouts.close = Duration::from_millis(500);
    c
}

/// What the application saw.
struct AppView {
    /// Each reply's text and audio.
    replies: Vec<(String, Vec<u8>)>,
    events: Vec<String>,
}

/// Events as short strings, for failure messages.
fn brief(ev: &Event) -> String {
    match ev {
        Event::Text(t) => format!("Text({t:?})"),
        Event::TurnComplete { .. } => "TurnComplete".into(),
        Event::ResumptionUpdate {
            handle, resumable, ..
        } => {
            format!("Handle(resumable={resumable}, {})", handle.is_some())
        }
        Event::Reconnecting { attempt, cause, .. } => {
            format!("Reconnecting(#{attempt}, {cause:?})")
        }
        other => {
            let s = format!("{other:?}");
            s.chars().take(120).collect()
        }
    }
}

/// Waits for one turn's reply: its text and audio, the part before an `Event::ReplyDiscarded`
/// dropped; every tool call answered.
fn reply(s: &Session, log: &mut Vec<String>) -> Result<(String, Vec<u8>), String> {
    let mut text = String::new();
    let mut audio = Vec::new();
    let deadline = Instant::now() + REPLY_DEADLINE;
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(format!("no reply within {REPLY_DEADLINE:?}"));
        }
        let ev = match s.next_event(left) {
            Ok(Some(ev)) => ev,
            Ok(None) => continue,
            Err(e) => return Err(format!("next_event: {e}")),
        };
        log.push(brief(&ev));
        match ev {
            Event::Text(t) => text.push_str(&t),
            Event::Audio(a) => audio.extend_from_slice(&a.data),
            // The documented handling: a reply cut by an outage is void; drop what was shown
            // and stop its playback.
            Event::ReplyDiscarded { .. } => {
                text.clear();
                audio.clear();
            }
            // The conversation goes on; a cut reply must have been discarded before this.
            Event::Resumed { .. } | Event::NewSession { .. }
                if !text.is_empty() || !audio.is_empty() =>
            {
                return Err(format!(
                    "{} with the partial reply {text:?} not discarded",
                    brief(&ev)
                ))
            }
            Event::ToolCall(calls) => {
                let responses = calls
                    .into_iter()
                    .map(|c| FunctionResponse {
                        id: c.id,
                        name: c.name,
                        response: serde_json::json!({"temp_c": 21}),
                        ..Default::default()
                    })
                    .collect();
                s.send_tool_response(responses)
                    .map_err(|e| format!("send_tool_response: {e}"))?;
            }
            Event::TurnComplete { .. } => return Ok((text, audio)),
            Event::Closed {
                code,
                reason,
                error,
            } => return Err(format!("closed {code} {reason:?} ({error:?})")),
            _ => {}
        }
    }
}

fn send_input(s: &Session, input: &Input) -> Result<(), String> {
    let r = match input {
        Input::Text(t) => s.send_text(t),
        Input::Tool => s.send_text(TOOL_TEXT),
        Input::Audio => pcm()
            .chunks(AUDIO_CHUNK_BYTES)
            .try_for_each(|c| s.send_audio_bytes(c))
            .and_then(|()| s.audio_stream_end()),
    };
    r.map_err(|e| format!("send: {e}"))
}

/// The script (and the sentinel, with `sentinel`), turn by turn; then close, and everything
/// that came after the last reply.
fn converse(config: Config, sentinel: bool) -> Result<AppView, (String, Vec<String>)> {
    let mut log = Vec::new();
    let s = match Session::connect(config) {
        Ok(s) => s,
        Err(e) => return Err((format!("connect: {e}"), log)),
    };
    let mut replies = Vec::new();
    let mut inputs: Vec<Input> = SCRIPT.to_vec();
    if sentinel {
        inputs.push(Input::Text(SENTINEL));
    }
    for input in &inputs {
        log.push(format!("> {input:?}"));
        let r = send_input(&s, input).and_then(|()| reply(&s, &mut log));
        match r {
            Ok(r) => replies.push(r),
            Err(e) => return Err((e, log)),
        }
    }
    log.push("> close".into());
    let _ = s.close();
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut after = Vec::new();
    while Instant::now() < deadline {
        match s.next_event(Duration::from_millis(200)) {
            Ok(Some(Event::Closed { .. })) | Err(_) => break,
            Ok(Some(ev)) => {
                log.push(brief(&ev));
                if matches!(ev, Event::Text(_) | Event::TurnComplete { .. }) {
                    after.push(brief(&ev));
                }
            }
            Ok(None) => {}
        }
    }
    if !after.is_empty() {
        return Err((format!("output after the last reply: {after:?}"), log));
    }
    Ok(AppView {
        replies,
        events: log,
    })
}

/// Replies the server completed (text parts up to a `turnComplete`), over all connections.
fn completed_replies(conns: &[ConnectionRecord]) -> Vec<String> {
    let mut out = Vec::new();
    for c in conns {
        let mut text = String::new();
        for raw in &c.sent {
            let Ok(m) = serde_json::from_str::<Value>(raw) else {
                continue;
            };
            let sc = &m["serverContent"];
            if let Some(parts) = sc["modelTurn"]["parts"].as_array() {
                for p in parts {
                    text.push_str(p["text"].as_str().unwrap_or(""));
                }
            }
            text.push_str(sc["outputTranscription"]["text"].as_str().unwrap_or(""));
            if sc["turnComplete"] == true {
                out.push(std::mem::take(&mut text));
            }
        }
    }
    out
}

/// A short name of a server message.
fn kind_of(raw: &str) -> String {
    let Ok(m) = serde_json::from_str::<Value>(raw) else {
        return "malformed".into();
    };
    if let Some(sc) = m.get("serverContent") {
        for k in [
            "turnComplete",
            "generationComplete",
            "modelTurn",
            "inputTranscription",
            "outputTranscription",
        ] {
            if sc.get(k).is_some() {
                return k.into();
            }
        }
    }
    if let Some(u) = m.get("sessionResumptionUpdate") {
        return if u["newHandle"].is_string() {
            "handle".into()
        } else {
            "resumable:false".into()
        };
    }
    m.as_object()
        .and_then(|o| o.keys().next().cloned())
        .unwrap_or_default()
}

fn transcript(conns: &[ConnectionRecord]) -> String {
    let mut s = String::new();
    for c in conns {
        let kinds: Vec<String> = c.sent.iter().map(|m| kind_of(m)).collect();
        let _ = writeln!(
            s,
            "  conn {} (client msgs {}, resumed {}, close sent {:?}, received {:?}): {}",
            c.index,
            c.frames.len(),
            c.resumed_handle.is_some(),
            c.close_sent,
            c.close_received,
            kinds.join(" ")
        );
    }
    s
}

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
    assert!(
        failures.is_empty(),
        "{} of {cases} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
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
    assert!(
        failures.is_empty(),
        "{} of {cases} cases failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
