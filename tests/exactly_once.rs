//! Every input answered exactly once, nothing lost silently: one regression test per defect of
//! issue 10, against the fake server (and, for the playback-delayed `turnComplete`, a tiny
//! scripted server). The fake's replies (`[turn N] echo: X`) and its own record of what it
//! received prove loss or duplication.

mod common;

use common::*;
use gemini_live::fake::{FakeOptions, FakeServer, Fault, FaultPlan};
use gemini_live::{Config, Error, Event, ResponseMode, Session};
use std::time::{Duration, Instant};

fn text_config(server: &FakeServer) -> Config {
    let mut c = config(server, ResponseMode::Text);
    c.stall_timeout = Duration::from_millis(400);
    c
}

/// Events until `Closed` (at most `within`).
fn until_closed(s: &Session, within: Duration) -> Vec<Event> {
    let deadline = Instant::now() + within;
    let mut events = Vec::new();
    while Instant::now() < deadline {
        if let Ok(Some(ev)) = s.next_event(Duration::from_millis(200)) {
            let done = matches!(ev, Event::Closed { .. });
            events.push(ev);
            if done {
                return events;
            }
        }
    }
    panic!("no Closed within {within:?}: {events:#?}");
}

/// 1-based position of the first server message containing `key` on the first connection of
/// a fault-free run of `lines`.
fn position(lines: &[&str], key: &str, mut adjust: impl FnMut(&mut Config)) -> usize {
    let server = fake();
    let mut c = text_config(&server);
    adjust(&mut c);
    let s = Session::connect(c).unwrap();
    chat(&s, lines);
    s.close().unwrap();
    let sent = server.connections()[0].sent.clone();
    sent.iter()
        .position(|m| m.contains(key))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("no {key} in {sent:#?}"))
}

fn main_texts(server: &FakeServer) -> Vec<String> {
    server
        .state_snapshot()
        .last()
        .map(|s| s.texts.clone())
        .unwrap_or_default()
}

#[test]
fn an_answered_turn_is_not_asked_again_when_the_connection_ends_before_its_handle() {
    // Defect 1: cut right after the first turnComplete, before the handle that follows it.
    let lines = ["one", "two", "three"];
    let at = position(&lines, "turnComplete", |_| {});
    for (fault, restore) in [
        (Fault::Drop, true),
        (Fault::Drop, false),
        (
            Fault::Close {
                code: 1011,
                reason: "Internal error occurred.".into(),
            },
            true,
        ),
    ] {
        let server = fake_with(FakeOptions {
            faults: FaultPlan::new().after_server(1, at, fault.clone()),
            ..FakeOptions::default()
        });
        let mut c = text_config(&server);
        c.restore_context = restore;
        let s = Session::connect(c).unwrap();
        let (replies, events) = chat(&s, &lines);
        let echoes: Vec<&str> = replies
            .iter()
            .map(|r| r.split("echo: ").nth(1).unwrap_or(r))
            .collect();
        assert_eq!(echoes, lines, "{fault:?}: {events:#?}");
        // The resumed state predates turn 1: it is put back (and the app is told), or with
        // restore off the app is told it is lost.
        let told = events.iter().any(|e| match e {
            Event::ContextRestored {
                turns: 1,
                dropped: 0,
                ..
            } => restore,
            Event::ContextLost { turns: 1 } => !restore,
            _ => false,
        });
        assert!(told, "{fault:?}, restore {restore}: {events:#?}");
        if restore {
            assert!(replies[1].starts_with("[turn 2]"), "{replies:?}");
        }
        assert_eq!(
            main_texts(&server),
            vec!["two", "three"],
            "{fault:?}: `one` was not sent again"
        );
    }
}

#[test]
fn goaway_without_resumption_does_not_resend_answered_input() {
    // Defect 2: no handle ever arrives; the handover must not replay `one`.
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new().at(
            1,
            2,
            Fault::GoAway {
                time_left: Duration::from_secs(2),
                then_close_after: Some(Duration::from_secs(2)),
            },
        ),
        ..FakeOptions::default()
    });
    let mut c = text_config(&server);
    c.session_resumption = false;
    let s = Session::connect(c).unwrap();
    let (replies, events) = chat(&s, &["one"]);
    assert_eq!(replies, vec!["[turn 1] echo: one"]);
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut events = events;
    while !events.iter().any(|e| matches!(e, Event::NewSession { .. })) {
        assert!(Instant::now() < deadline, "no handover: {events:#?}");
        if let Ok(Some(ev)) = s.next_event(Duration::from_millis(100)) {
            events.push(ev);
        }
    }
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::NewSession { replayed: 0 })),
        "{events:#?}"
    );
    let (replies, _) = chat(&s, &["two"]);
    assert_eq!(
        replies,
        vec!["[turn 2] echo: two"],
        "a new session, with the conversation put back"
    );
    let conns = server.connections();
    assert_eq!(conns.len(), 2);
    // `one` reached the new session only as history (with its answer), not as a question.
    for f in conns[1].frames.iter().filter(|f| f.contains("\"one\"")) {
        assert!(
            f.contains("\"role\":\"model\"") && f.contains("\"turnComplete\":false"),
            "{:#?}",
            conns[1].frames
        );
    }
}

#[test]
fn a_stall_while_the_server_holds_the_session_falls_back_to_a_new_session() {
    // Defect 3: the stalled connection keeps the session; every resume is refused with 1011.
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new().at(1, 3, Fault::StallAttached { hold: None }),
        ..FakeOptions::default()
    });
    let mut c = text_config(&server);
    c.reconnect.resume_wait = Duration::from_millis(800);
    let s = Session::connect(c).unwrap();
    let (replies, events) = chat(&s, &["one", "two"]);
    assert_eq!(replies[0], "[turn 1] echo: one");
    assert_eq!(
        replies[1], "[turn 2] echo: two",
        "asked again in a new session, with turn 1 put back: {events:#?}"
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::NewSession { replayed: 1 })),
        "{events:#?}"
    );
    let refused = events
        .iter()
        .filter(|e| {
            matches!(
                e,
                Event::Reconnecting {
                    cause: Some(Error::Closed { code: 1011, .. }),
                    ..
                }
            )
        })
        .count();
    assert!(refused >= 1, "it waited for the server: {events:#?}");
    assert!(
        server.connection_count() <= 12,
        "bounded: {}",
        server.connection_count()
    );
    assert!(s.resumption_handle().is_some(), "the new session's handle");

    // A server that lets go within the wait: the conversation resumes.
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new().at(
            1,
            3,
            Fault::StallAttached {
                hold: Some(Duration::from_millis(700)),
            },
        ),
        ..FakeOptions::default()
    });
    let mut c = text_config(&server);
    c.reconnect.resume_wait = Duration::from_secs(10);
    let s = Session::connect(c).unwrap();
    let (replies, events) = chat(&s, &["one", "two"]);
    assert_eq!(replies[1], "[turn 2] echo: two", "{events:#?}");
    assert!(events.iter().any(|e| matches!(e, Event::Resumed { .. })));
}

#[test]
fn quiet_between_turns_is_not_a_stall() {
    // Defect 4: the stall timer counted from the last server message, so the first turn
    // after a quiet longer than stall_timeout was declared stalled on the spot. The server
    // takes 200 ms to answer "two" (as a model thinks), well within the stall timeout.
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new().at(
            1,
            2,
            Fault::SlowReader {
                delay: Duration::from_millis(200),
            },
        ),
        ..FakeOptions::default()
    });
    let s = Session::connect(text_config(&server)).unwrap();
    let (replies, _) = chat(&s, &["one"]);
    assert_eq!(replies, vec!["[turn 1] echo: one"]);
    // Quiet for longer than the stall timeout: nothing is owed, nothing may happen.
    let mut events = Vec::new();
    while let Ok(Some(ev)) = s.next_event(Duration::from_millis(700)) {
        events.push(ev);
    }
    let (replies, more) = chat(&s, &["two"]);
    events.extend(more);
    assert_eq!(replies, vec!["[turn 2] echo: two"]);
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::Reconnecting { .. })),
        "{events:#?}"
    );
    assert_eq!(server.connection_count(), 1);
}

/// A scripted Live server: answers a text turn with one second of audio, its transcription
/// and `generationComplete`, then sends `turnComplete` only after `delay` (the service sends
/// it at the estimated end of playback, 20+ s after the last audio chunk, protocol.md C.3).
fn playback_delayed_server(delay: Duration) -> (String, std::thread::JoinHandle<usize>) {
    use tungstenite::Message;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("ws://{}", listener.local_addr().unwrap());
    let thread = std::thread::spawn(move || {
        let mut conns = 0;
        listener.set_nonblocking(false).unwrap();
        let (tcp, _) = listener.accept().unwrap();
        conns += 1;
        listener.set_nonblocking(true).unwrap();
        let mut ws = tungstenite::accept(tcp).unwrap();
        let send = |ws: &mut tungstenite::WebSocket<_>, v: serde_json::Value| {
            ws.send(Message::text(v.to_string())).unwrap()
        };
        loop {
            match ws.read() {
                Ok(Message::Text(t)) if t.contains("\"setup\"") => {
                    send(&mut ws, serde_json::json!({"setupComplete": {}}))
                }
                Ok(Message::Text(_)) => {
                    // One second of 24 kHz audio, and its transcription.
                    let pcm = vec![0u8; 48_000];
                    send(
                        &mut ws,
                        serde_json::json!({"serverContent": {"modelTurn": {"parts": [{"inlineData": {
                            "mimeType": "audio/pcm;rate=24000",
                            "data": gemini_live::protocol::encode_base64(&pcm),
                        }}]}}}),
                    );
                    send(
                        &mut ws,
                        serde_json::json!({"serverContent": {"outputTranscription": {"text": "played"}}}),
                    );
                    send(
                        &mut ws,
                        serde_json::json!({"serverContent": {"generationComplete": true}}),
                    );
                    std::thread::sleep(delay);
                    // A reconnection would show up as a second connection.
                    if listener.accept().is_ok() {
                        conns += 1;
                    }
                    send(
                        &mut ws,
                        serde_json::json!({"serverContent": {"turnComplete": true}}),
                    );
                }
                Ok(Message::Close(_)) | Err(_) => return conns,
                Ok(_) => {}
            }
        }
    });
    (endpoint, thread)
}

#[test]
fn waiting_for_turn_complete_after_generation_complete_is_not_a_stall() {
    let (endpoint, server) = playback_delayed_server(Duration::from_millis(900));
    let mut c = Config::default()
        .with_endpoint(endpoint)
        .with_response_mode(ResponseMode::TextAndAudio);
    c.session_resumption = false;
    // 1 s of audio: turnComplete is not due before 1 s after generationComplete; it comes
    // after 0.9 s, three stall timeouts after the last message.
    c.stall_timeout = Duration::from_millis(300);
    let s = Session::connect(c).unwrap();
    let (replies, events) = chat(&s, &["play it"]);
    assert_eq!(replies, vec!["played"], "{events:#?}");
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::Reconnecting { .. } | Event::ReplyDiscarded { .. })),
        "{events:#?}"
    );
    s.close().unwrap();
    assert_eq!(server.join().unwrap(), 1, "one connection");
}

#[test]
fn a_goaway_on_every_connection_is_bounded_by_backoff_and_a_budget() {
    // Defect 5: a draining server sends GoAway right after every setup.
    let server = fake_with(FakeOptions {
        draining: Some(Duration::from_secs(30)),
        ..FakeOptions::default()
    });
    let mut c = text_config(&server);
    c.reconnect.max_attempts = 4;
    c.reconnect.initial_delay = Duration::from_millis(40);
    let s = Session::connect(c).unwrap();
    let events = until_closed(&s, Duration::from_secs(20));
    match events.last() {
        Some(Event::Closed {
            error:
                Some(Error::RetriesExhausted {
                    attempts: 4, last, ..
                }),
            ..
        }) => assert!(matches!(**last, Error::GoAway(_)), "{last:?}"),
        other => panic!("{other:?}: {events:#?}"),
    }
    assert_eq!(
        server.connection_count(),
        4,
        "the first and three handovers, each later one delayed"
    );
    let delays: Vec<Duration> = events
        .iter()
        .filter_map(|e| match e {
            Event::Reconnecting { delay, .. } => Some(*delay),
            _ => None,
        })
        .collect();
    assert_eq!(delays.len(), 3, "{events:#?}");
    for (i, d) in delays.iter().enumerate() {
        assert!(
            *d <= Duration::from_millis(40) * (1 << i),
            "backoff with full jitter: {delays:?}"
        );
    }
}

#[test]
fn a_connection_that_answers_a_turn_resets_the_churn() {
    // GoAway after every turn of a chat: productive connections, so no growing delays and no
    // budget exhaustion over more handovers than max_attempts.
    let plan = (1..=6).fold(FaultPlan::new(), |p, n| {
        p.at(
            n,
            2,
            Fault::GoAway {
                time_left: Duration::from_secs(2),
                then_close_after: None,
            },
        )
    });
    let server = fake_with(FakeOptions {
        faults: plan,
        ..FakeOptions::default()
    });
    let mut c = text_config(&server);
    c.reconnect.max_attempts = 3;
    let s = Session::connect(c).unwrap();
    let lines = ["a", "b", "c", "d", "e"];
    let (replies, events) = chat(&s, &lines);
    for (r, l) in replies.iter().zip(lines) {
        assert!(r.ends_with(&format!("echo: {l}")), "{replies:?}");
    }
    assert!(!events.iter().any(|e| matches!(e, Event::Closed { .. })));
}

#[test]
fn http_408_is_retried() {
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new().on_upgrade(1, Fault::RefuseUpgrade { status: 408 }),
        ..FakeOptions::default()
    });
    let s = Session::connect(text_config(&server)).unwrap();
    assert_eq!(chat(&s, &["one"]).0, vec!["[turn 1] echo: one"]);
    assert_eq!(server.connection_count(), 2);
}

#[test]
fn the_same_rejection_at_setup_twice_stops_with_the_servers_words() {
    // Defect 7: e.g. TEXT on a model without it: 1011 right after setup, on every attempt.
    let reason = "Internal error encountered.";
    let plan = (1..=10).fold(FaultPlan::new(), |p, n| {
        p.at(
            n,
            1,
            Fault::Close {
                code: 1011,
                reason: reason.into(),
            },
        )
    });
    let server = fake_with(FakeOptions {
        faults: plan.clone(),
        ..FakeOptions::default()
    });
    let err = Session::connect(text_config(&server)).unwrap_err();
    assert!(
        matches!(&err, Error::ConfigRejected { code: 1011, reason: r } if r == reason),
        "{err:?}"
    );
    let text = err.to_string();
    assert!(text.contains("rejected this configuration"), "{text}");
    assert!(text.contains("1011") && text.contains(reason), "{text}");
    assert_eq!(server.connection_count(), 2, "stopped after the second");

    // The same on a reconnection (no handle: resumption off).
    let plan = (2..=10).fold(FaultPlan::new().at(1, 2, Fault::Drop), |p, n| {
        p.at(
            n,
            1,
            Fault::Close {
                code: 1011,
                reason: reason.into(),
            },
        )
    });
    let server = fake_with(FakeOptions {
        faults: plan,
        ..FakeOptions::default()
    });
    let mut c = text_config(&server);
    c.session_resumption = false;
    let s = Session::connect(c).unwrap();
    s.send_text("one").unwrap();
    match until_closed(&s, Duration::from_secs(10)).pop() {
        Some(Event::Closed {
            code: 1011,
            error: Some(Error::ConfigRejected { .. }),
            ..
        }) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(server.connection_count(), 3);
}

#[test]
fn setup_complete_is_always_the_first_event() {
    // Defect 8: a first connect that retried delivered Reconnecting events before it.
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new()
            .on_upgrade(1, Fault::RefuseUpgrade { status: 503 })
            .at(2, 1, Fault::Drop),
        ..FakeOptions::default()
    });
    let s = Session::connect(text_config(&server)).unwrap();
    assert!(matches!(
        s.next_event(Duration::from_secs(5)).unwrap(),
        Some(Event::SetupComplete { .. })
    ));
    assert_eq!(server.connection_count(), 3);
    // A persisted handle the server refuses: SetupComplete, then NewSession.
    let server = fake();
    let mut c = text_config(&server);
    c.resumption_handle = Some("no-such-handle".into());
    let s = Session::connect(c).unwrap();
    let first: Vec<Event> = (0..2)
        .filter_map(|_| s.next_event(Duration::from_secs(5)).unwrap())
        .collect();
    assert!(
        matches!(
            first.as_slice(),
            [
                Event::SetupComplete { .. },
                Event::NewSession { replayed: 0 }
            ]
        ),
        "{first:#?}"
    );
}

#[test]
fn an_unreachable_host_fails_the_first_connect_within_a_stated_budget() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("ws://{}", listener.local_addr().unwrap());
    drop(listener); // nothing listens there now: connection refused
    let mut c = Config::default().with_endpoint(endpoint);
    c.reconnect.initial_delay = Duration::from_millis(10);
    let err = Session::connect(c).unwrap_err();
    let text = err.to_string();
    assert!(
        matches!(&err, Error::RetriesExhausted { attempts: 3, .. }),
        "{err:?}"
    );
    assert!(text.contains("after 3 attempts over "), "{text}");
    assert!(text.contains("TCP connect"), "{text}");
}

#[test]
fn a_reply_cut_by_an_outage_is_discarded_then_comes_once() {
    // Defect 6, at the SDK level: the partial reply is announced void before the reconnection.
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new().at(
            1,
            2,
            Fault::CutMidReply {
                after_sends: 2,
                code: None,
            },
        ),
        ..FakeOptions::default()
    });
    let s = Session::connect(text_config(&server)).unwrap();
    let (replies, events) = chat(&s, &["first"]);
    assert_eq!(replies, vec!["[turn 1] echo: first"]);
    let discarded = events
        .iter()
        .position(|e| matches!(e, Event::ReplyDiscarded { turn: 1 }))
        .unwrap_or_else(|| panic!("{events:#?}"));
    let partial = events
        .iter()
        .position(|e| matches!(e, Event::Text(_)))
        .unwrap_or_else(|| panic!("{events:#?}"));
    let reconnecting = events
        .iter()
        .position(|e| matches!(e, Event::Reconnecting { .. }))
        .unwrap_or_else(|| panic!("{events:#?}"));
    assert!(
        partial < discarded && discarded < reconnecting,
        "{events:#?}"
    );
}

#[test]
fn the_cli_chat_prints_every_reply_once_in_order_through_faults() {
    // Defect 6: `gemini-live chat` printed a reply cut by an outage twice (the partial, then
    // the whole). Twenty lines through a cut reply, a 1011, a drop between a turnComplete and
    // its handle, a GoAway and a cut by 1011.
    use std::io::Write;
    use std::process::{Command, Stdio};
    let plan = FaultPlan::new()
        .at(
            1,
            3,
            Fault::CutMidReply {
                after_sends: 2,
                code: None,
            },
        )
        .at(
            2,
            4,
            Fault::Close {
                code: 1011,
                reason: "Internal error occurred.".into(),
            },
        )
        .after_server(3, 8, Fault::Drop)
        .at(
            4,
            3,
            Fault::GoAway {
                time_left: Duration::from_secs(1),
                then_close_after: Some(Duration::from_secs(1)),
            },
        )
        .at(
            5,
            3,
            Fault::CutMidReply {
                after_sends: 3,
                code: Some(1011),
            },
        );
    let server = fake_with(FakeOptions {
        faults: plan,
        ..FakeOptions::default()
    });
    let lines: Vec<String> = (1..=20).map(|i| format!("line {i}")).collect();
    let mut child = Command::new(env!("CARGO_BIN_EXE_gemini-live"))
        .env_remove("GEMINI_API_KEY")
        .env_remove("GEMINI_LIVE_MODEL")
        .env("GEMINI_LIVE_ENDPOINT", server.endpoint())
        .args(["chat", "--modality", "text", "--model", "fake-text-live"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(format!("{}\n", lines.join("\n")).as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    let echoes: Vec<&str> = stdout
        .split("\n\n")
        .filter(|r| !r.is_empty())
        .map(|r| r.split("echo: ").nth(1).unwrap_or(r))
        .collect();
    assert_eq!(echoes, lines, "{stdout}\n{stderr}");
    assert!(
        server.connection_count() >= 5,
        "every fault fired: {}",
        server.connection_count()
    );
}

#[test]
fn a_question_cut_after_its_in_progress_segment_is_asked_again_and_answered_once() {
    // Extended thinking: turnComplete with IN_PROGRESS does not end the interaction; a drop
    // right after it must not count the question as answered.
    const MODEL: &str = "gemini-3.8-live-extended-thinking";
    let options = |faults| FakeOptions {
        models: vec![MODEL.to_string()],
        faults,
        ..FakeOptions::default()
    };
    let setup = |server: &FakeServer| {
        let mut c = config(server, ResponseMode::TextAndAudio).with_model(MODEL);
        c.stall_timeout = Duration::from_secs(2);
        c
    };
    let clean = fake_with(options(FaultPlan::new()));
    let s = Session::connect(setup(&clean)).unwrap();
    s.send_text("one").unwrap();
    let mut events = Vec::new();
    let want = interaction(&s, &mut events);
    s.close().unwrap();
    let sent = clean.connections()[0].sent.clone();
    let at = sent
        .iter()
        .position(|m| m.contains("IN_PROGRESS"))
        .map(|i| i + 1)
        .unwrap_or_else(|| panic!("no IN_PROGRESS segment: {sent:#?}"));

    let server = fake_with(options(FaultPlan::new().after_server(1, at, Fault::Drop)));
    let s = Session::connect(setup(&server)).unwrap();
    let mut events = Vec::new();
    s.send_text("one").unwrap();
    let got = interaction(&s, &mut events);
    assert_eq!(got, want, "the whole interaction, once: {events:#?}");
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::ReplyDiscarded { turn: 1 })),
        "{events:#?}"
    );
    s.send_text("two").unwrap();
    let second = interaction(&s, &mut events);
    assert!(
        second.ends_with("echo: two") || second.contains("two"),
        "{second}"
    );
    assert_eq!(
        main_texts(&server),
        vec!["one", "two"],
        "asked again once (the handle predates it)"
    );
}

#[test]
fn the_cli_talk_writes_a_reply_cut_by_an_outage_once() {
    // The same for `gemini-live talk`: the reply WAV holds one copy of the reply audio.
    use std::process::Command;
    let input = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/assets/hello_16k.wav");
    let dir = std::env::temp_dir().join(format!("gemini-live-talk-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let run = |server: &FakeServer, name: &str| -> (usize, String) {
        let path = dir.join(name);
        let out = Command::new(env!("CARGO_BIN_EXE_gemini-live"))
            .env_remove("GEMINI_API_KEY")
            .env_remove("GEMINI_LIVE_MODEL")
            .env("GEMINI_LIVE_ENDPOINT", server.endpoint())
            .args(["talk", "--fast", "--input", input, "--output"])
            .arg(&path)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "{out:?}");
        let samples = hound::WavReader::open(&path).unwrap().len() as usize;
        (samples, stdout)
    };
    let clean = fake();
    let (want, _) = run(&clean, "clean.wav");
    assert!(want > 0);
    let sent = clean.connections()[0].sent.clone();
    let second_chunk = sent
        .iter()
        .enumerate()
        .filter(|(_, m)| m.contains("inlineData"))
        .nth(1)
        .map(|(i, _)| i + 1)
        .unwrap_or_else(|| panic!("{sent:#?}"));
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new().after_server(1, second_chunk, Fault::Drop),
        ..FakeOptions::default()
    });
    let (got, stdout) = run(&server, "cut.wav");
    assert_eq!(got, want, "one copy of the reply: {stdout}");
    assert!(stdout.contains("starts again"), "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_long_utterance_is_not_a_stall_at_its_end() {
    // Defect 4, audio: an utterance longer than stall_timeout, streamed in real time as a
    // microphone does, then audioStreamEnd: the old timer counted from the last server
    // message (setupComplete) and reconnected at once, re-uploading the utterance. The
    // server takes 200 ms to read the end of the utterance (well within the stall timeout).
    let pcm = tone(800, 220.0);
    let chunks = pcm.chunks(640).count();
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new().at(
            1,
            1 + chunks,
            Fault::SlowReader {
                delay: Duration::from_millis(200),
            },
        ),
        ..FakeOptions::default()
    });
    let s = Session::connect(text_config(&server)).unwrap();
    let started = Instant::now();
    for (i, chunk) in pcm.chunks(640).enumerate() {
        // 20 ms of audio per chunk, paced like a microphone.
        let due = started + Duration::from_millis(20 * i as u64);
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
        s.send_audio_bytes(chunk).unwrap();
    }
    s.audio_stream_end().unwrap();
    let mut events = Vec::new();
    let text = reply(&s, &mut events);
    assert!(
        text.contains(&format!("heard {} bytes", pcm.len())),
        "{text}: {events:#?}"
    );
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, Event::Reconnecting { .. })),
        "{events:#?}"
    );
    assert_eq!(server.connection_count(), 1);
    assert_eq!(
        server.connections()[0].frames.len(),
        1 + pcm.chunks(640).count() + 1,
        "the utterance went up once"
    );
}
