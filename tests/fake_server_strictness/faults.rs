//! The faults the fake injects where told, and how it serves and shuts down.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use gemini_live::fake::{FakeOptions, FakeServer, Fault, FaultPlan};
use serde_json::{json, Value};
use tungstenite::client::IntoClientRequest;

use super::client::*;

fn faulty(plan: FaultPlan) -> FakeServer {
    server(FakeOptions {
        faults: plan,
        ..keyed()
    })
}

fn say_msg(text: &str) -> Value {
    json!({"clientContent": {"turns": [{"role": "user", "parts": [{"text": text}]}], "turnComplete": true}})
}

#[test]
fn drop_fault_cuts_the_connection_without_a_close_frame() {
    let srv = faulty(FaultPlan::new().at(1, 2, Fault::Drop));
    let mut c = connect(&srv);
    c.setup(text_setup());
    c.send(&say_msg("lost"));
    assert_eq!(c.recv(), Got::Eof);
    wait_until("the record to close", || !srv.connections()[0].open);
    let rec = &srv.connections()[0];
    assert_eq!(rec.frames.len(), 2);
    assert_eq!(rec.close_sent, None);
    assert_eq!(
        srv.state_snapshot()[0].turns,
        0,
        "the dropped message was not processed"
    );
}

#[test]
fn close_fault_closes_before_the_reply() {
    let plan = FaultPlan::new().at(
        2,
        3,
        Fault::Close {
            code: 1011,
            reason: "Internal error occurred.".into(),
        },
    );
    let srv = faulty(plan);
    let mut c1 = connect(&srv);
    c1.setup(text_setup());
    c1.say("a");
    c1.say("b");
    let mut c2 = connect(&srv);
    c2.setup(text_setup());
    c2.say("a");
    c2.send(&say_msg("b"));
    match c2.recv() {
        Got::Close(code, reason) => {
            assert_eq!((code, reason.as_str()), (1011, "Internal error occurred."))
        }
        other => panic!("expected the close before any reply, got {other:?}"),
    }
    assert_eq!(
        srv.connections()[1].close_sent,
        Some((1011, "Internal error occurred.".into()))
    );
}

#[test]
fn goaway_then_deadline_closes_1011_but_serves_until_then() {
    let plan = FaultPlan::new().at(
        1,
        1,
        Fault::GoAway {
            time_left: Duration::from_secs(5),
            then_close_after: Some(Duration::from_millis(300)),
        },
    );
    let srv = faulty(plan);
    let mut c = connect(&srv);
    c.setup(text_setup());
    assert_eq!(c.msg(), json!({"goAway": {"timeLeft": "5s"}}));
    assert_eq!(reply_text(&c.say("still")), "[turn 1] echo: still");
    assert_eq!(
        c.close_code(),
        (
            1011,
            "Deadline expired before operation could complete.".into()
        )
    );
}

#[test]
fn strict_goaway_closes_1008_as_gemini_3_does() {
    let plan = FaultPlan::new().at(
        1,
        1,
        Fault::GoAwayStrict {
            time_left: Duration::from_millis(1500),
            close_after: Duration::from_millis(50),
        },
    );
    let srv = faulty(plan);
    let mut c = connect(&srv);
    c.setup(text_setup());
    assert_eq!(c.msg(), json!({"goAway": {"timeLeft": "1.500s"}}));
    let (code, reason) = c.close_code();
    assert_eq!(code, 1008);
    assert_eq!(reason, "Connection aborted because the client failed to close the connection after receiving a GoAway signal once the session durat");
}

#[test]
fn stall_fault_goes_silent_and_holds_the_socket() {
    let srv = faulty(FaultPlan::new().at(1, 2, Fault::Stall));
    let mut c = connect(&srv);
    c.setup(text_setup());
    c.send(&say_msg("anyone?"));
    c.read_timeout(Duration::from_millis(300));
    assert_eq!(c.recv(), Got::Timeout);
    assert!(srv.connections()[0].open);
    drop(c);
    wait_until("the stalled connection to end", || {
        !srv.connections()[0].open
    });
}

#[test]
fn upgrade_faults_refuse_drop_and_stall() {
    let plan = FaultPlan::new()
        .on_upgrade(1, Fault::RefuseUpgrade { status: 503 })
        .on_upgrade(2, Fault::Drop)
        .on_upgrade(3, Fault::Stall)
        .on_upgrade(
            4,
            Fault::Close {
                code: 1011,
                reason: "nope".into(),
            },
        );
    let srv = faulty(plan);
    match connect_with(&srv, V1ALPHA, "", &[]).err().expect("refused") {
        tungstenite::Error::Http(resp) => assert_eq!(resp.status().as_u16(), 503),
        other => panic!("expected HTTP 503, got {other}"),
    }
    assert!(
        connect_with(&srv, V1ALPHA, "", &[]).is_err(),
        "dropped upgrade"
    );
    let tcp = TcpStream::connect(srv.addr()).expect("connect");
    tcp.set_read_timeout(Some(Duration::from_millis(200)))
        .expect("timeout");
    let req = format!("ws://127.0.0.1:{}{V1ALPHA}", srv.addr().port())
        .into_client_request()
        .expect("req");
    assert!(
        matches!(
            tungstenite::client::client(req, tcp),
            Err(tungstenite::HandshakeError::Interrupted(_))
        ),
        "a stalled upgrade is never answered"
    );
    let mut c = connect(&srv);
    assert_eq!(c.close_code(), (1011, "nope".into()));
}

#[test]
fn malformed_fault_sends_invalid_json_then_carries_on() {
    let srv = faulty(FaultPlan::new().at(1, 2, Fault::Malformed));
    let mut c = connect(&srv);
    c.setup(text_setup());
    c.send(&say_msg("x"));
    assert_eq!(c.recv(), Got::Text("{\"serverContent\": {".into()));
    assert_eq!(reply_text(&c.turn()), "[turn 1] echo: x");
}

#[test]
fn unknown_message_fault_follows_the_reply() {
    let srv = faulty(FaultPlan::new().at(1, 1, Fault::UnknownMessage));
    let mut c = connect(&srv);
    c.setup(text_setup());
    assert_eq!(c.msg(), json!({"someFutureMessage": {"x": 1}}));
}

#[test]
fn slow_reader_fault_delays_each_later_read() {
    let delay = Duration::from_millis(200);
    let srv = faulty(FaultPlan::new().at(1, 2, Fault::SlowReader { delay }));
    let mut c = connect(&srv);
    c.setup(text_setup());
    c.say("first");
    let t = Instant::now();
    c.say("second");
    assert!(
        t.elapsed() >= delay * 3 / 4,
        "answered after {:?}",
        t.elapsed()
    );
}

#[test]
fn silent_drop_fault_keeps_input_but_never_answers() {
    let srv = faulty(FaultPlan::new().at(1, 3, Fault::SilentDrop));
    let mut c = connect(&srv);
    c.setup(text_setup());
    c.say("answered");
    c.send(&say_msg("ignored"));
    c.read_timeout(Duration::from_millis(300));
    assert_eq!(c.recv(), Got::Timeout);
    let snap = &srv.state_snapshot()[0];
    assert_eq!(snap.turns, 1);
    assert_eq!(snap.texts, vec!["answered", "ignored"]);
}

#[test]
fn binary_frames_option_sends_json_in_binary_frames() {
    let srv = server(FakeOptions {
        binary_frames: true,
        ..keyed()
    });
    let mut c = connect(&srv);
    c.send(&setup_msg());
    assert_eq!(c.recv(), Got::Binary(b"{\"setupComplete\":{}}".to_vec()));
}

#[test]
fn tls_connection_with_the_ca_added() {
    let srv = server(FakeOptions {
        tls: true,
        ..keyed()
    });
    assert!(srv.endpoint().starts_with("wss://localhost:"));
    let mut c = connect(&srv);
    c.setup(text_setup());
    assert_eq!(reply_text(&c.say("secure")), "[turn 1] echo: secure");
    // Without the CA the certificate is rejected.
    let tcp = TcpStream::connect(srv.addr()).expect("connect");
    let plain = native_tls::TlsConnector::new().expect("connector");
    assert!(plain.connect("localhost", tcp).is_err());
}

#[test]
fn shutdown_closes_live_connections_promptly() {
    let srv = server(keyed());
    let mut c = connect(&srv);
    c.setup(text_setup());
    let t = Instant::now();
    srv.shutdown();
    assert!(
        t.elapsed() < Duration::from_secs(1),
        "shutdown took {:?}",
        t.elapsed()
    );
    match c.recv() {
        Got::Close(code, _) => assert_eq!(code, 1001),
        Got::Eof => {}
        other => panic!("expected the connection to end, got {other:?}"),
    }
}

#[test]
fn records_describe_each_connection() {
    let srv = server(keyed());
    let mut c = connect_with(
        &srv,
        &format!("/{V1ALPHA}"),
        "alt=x",
        &[("x-goog-api-key", KEY), ("user-agent", "test/1")],
    )
    .expect("upgrade");
    c.setup(text_setup());
    c.close();
    wait_until("the record to close", || !srv.connections()[0].open);
    let rec = &srv.connections()[0];
    assert_eq!(srv.connection_count(), 1);
    assert_eq!(
        (rec.index, rec.path.as_str(), rec.query.as_str()),
        (1, format!("/{V1ALPHA}").as_str(), "alt=x")
    );
    assert!(rec.headers.contains(&("x-goog-api-key".into(), KEY.into())));
    assert!(rec
        .headers
        .contains(&("user-agent".into(), "test/1".into())));
    assert_eq!(rec.frames, vec![setup_msg().to_string()]);
    assert_eq!(rec.close_received, Some((1000, String::new())));
    assert_eq!(rec.close_sent, None);
}

#[test]
fn context_updates_and_video_frames_are_accepted() {
    let srv = server(keyed());
    let mut c = connect(&srv);
    c.setup(text_setup());
    c.send(&json!({"contextUpdate": {"systemInstruction": {"role": "user", "parts": [{"text": "Be brief."}]}, "tools": {"tools": []}}}));
    c.send(&json!({"realtimeInput": {"video": {"mimeType": "image/jpeg", "data": b64(b"\xff\xd8\xff")}}}));
    c.send(&json!({"realtime_input": {"media_chunks": [{"mime_type": "image/jpeg", "data": b64(b"\xff\xd8")}]}}));
    assert_eq!(reply_text(&c.say("x")), "[turn 1] echo: x");
    assert_eq!(srv.state_snapshot()[0].video_frames, 2);
}

#[test]
fn garbage_instead_of_an_upgrade_does_not_hurt_the_server() {
    let srv = server(keyed());
    let mut raw = TcpStream::connect(srv.addr()).expect("connect");
    raw.write_all(b"\x16\x03\x01garbage\r\n\r\n")
        .expect("write");
    raw.set_read_timeout(Some(WAIT)).expect("timeout");
    let mut buf = Vec::new();
    let _ = raw.read_to_end(&mut buf);
    wait_until("the garbage connection to end", || {
        !srv.connections()[0].open
    });
    let mut c = connect(&srv);
    c.setup(text_setup());
}
