//! The fake server's fault points by server-message position and its newer fault kinds
//! (reset, truncated frame, a stall that keeps the session attached, a draining server),
//! driven by a raw tungstenite client so that exactly what goes over the wire is seen.

use std::io;
use std::net::TcpStream;
use std::time::{Duration, Instant};

use gemini_live::fake::{parse_fault_plan, FakeOptions, FakeServer, Fault, FaultPlan};
use serde_json::{json, Value};
use tungstenite::{Message, WebSocket};

const PATH: &str = "/ws/google.ai.generativelanguage.v1alpha.GenerativeService.BidiGenerateContent";
const MODEL: &str = "models/fake-text-live";
const UNAVAILABLE: &str = "The service is currently unavailable.";

#[derive(Debug)]
enum Got {
    Msg(Value),
    Close(u16, String),
    /// The connection ended without a close frame: the I/O error kind, or `None` for an error
    /// that is not an I/O error (e.g. a frame cut short).
    End(Option<io::ErrorKind>),
}

struct Client {
    ws: WebSocket<TcpStream>,
}

fn server(faults: FaultPlan) -> FakeServer {
    server_with(FakeOptions {
        faults,
        ..FakeOptions::default()
    })
}

fn server_with(options: FakeOptions) -> FakeServer {
    FakeServer::start(options).expect("fake server starts")
}

fn connect(srv: &FakeServer) -> Client {
    let tcp = TcpStream::connect(srv.addr()).expect("tcp connect");
    tcp.set_read_timeout(Some(Duration::from_secs(3)))
        .expect("timeout");
    let url = format!("ws://127.0.0.1:{}{PATH}", srv.addr().port());
    let (ws, _) = tungstenite::client(url.as_str(), tcp).expect("upgrade");
    Client { ws }
}

impl Client {
    fn send(&mut self, v: Value) {
        self.ws.send(Message::text(v.to_string())).expect("send");
    }

    fn recv(&mut self) -> Got {
        loop {
            match self.ws.read() {
                Ok(Message::Text(t)) => {
                    return Got::Msg(serde_json::from_str(t.as_str()).expect("server JSON"))
                }
                Ok(Message::Close(f)) => {
                    return f.map_or(Got::Close(1005, String::new()), |f| {
                        Got::Close(u16::from(f.code), f.reason.as_str().to_owned())
                    })
                }
                Ok(_) => {}
                Err(tungstenite::Error::Io(e)) => return Got::End(Some(e.kind())),
                Err(_) => return Got::End(None),
            }
        }
    }

    /// Every message until the connection ends, and how it ended.
    fn rest(&mut self) -> (Vec<Value>, Got) {
        let mut msgs = Vec::new();
        loop {
            match self.recv() {
                Got::Msg(m) => msgs.push(m),
                end => return (msgs, end),
            }
        }
    }

    /// Messages up to and including the first that matches `stop`.
    fn until(&mut self, stop: impl Fn(&Value) -> bool) -> Vec<Value> {
        let mut msgs = Vec::new();
        loop {
            match self.recv() {
                Got::Msg(m) => {
                    let done = stop(&m);
                    msgs.push(m);
                    if done {
                        return msgs;
                    }
                }
                end => panic!("ended with {end:?} after {msgs:#?}"),
            }
        }
    }

    fn setup(&mut self, handle: Option<&str>) {
        let resumption = match handle {
            Some(h) => json!({"handle": h}),
            None => json!({}),
        };
        self.send(json!({"setup": {
            "model": MODEL,
            "generationConfig": {"responseModalities": ["TEXT"]},
            "sessionResumption": resumption,
        }}));
    }

    fn say(&mut self, text: &str) {
        self.send(json!({"clientContent": {
            "turns": [{"role": "user", "parts": [{"text": text}]}],
            "turnComplete": true,
        }}));
    }
}

fn kind(m: &Value) -> &str {
    let Some(o) = m.as_object() else { return "?" };
    if let Some(sc) = o.get("serverContent") {
        for k in ["turnComplete", "generationComplete", "modelTurn"] {
            if sc.get(k).is_some() {
                return k;
            }
        }
    }
    o.keys().next().map_or("?", String::as_str)
}

fn kinds(msgs: &[Value]) -> Vec<&str> {
    msgs.iter().map(kind).collect()
}

fn handle_in(msgs: &[Value]) -> Option<String> {
    msgs.iter()
        .rev()
        .find_map(|m| m["sessionResumptionUpdate"]["newHandle"].as_str())
        .map(str::to_owned)
}

/// Poll `cond` every 5 ms for up to 3 s.
fn wait_until(what: &str, cond: impl Fn() -> bool) {
    let end = Instant::now() + Duration::from_secs(3);
    while !cond() {
        assert!(Instant::now() < end, "timed out waiting for {what}");
        std::thread::sleep(Duration::from_millis(5));
    }
}

/// The server's messages of a resumable text session with one turn "hi", in order: their
/// 1-based positions are what `after_server` counts.
const ONE_TURN: [&str; 9] = [
    "setupComplete",
    "sessionResumptionUpdate",
    "sessionResumptionUpdate",
    "modelTurn",
    "modelTurn",
    "modelTurn",
    "generationComplete",
    "turnComplete",
    "sessionResumptionUpdate",
];

#[test]
fn a_drop_after_every_server_message_cuts_exactly_there() {
    for n in 1..=ONE_TURN.len() {
        let srv = server(FaultPlan::new().after_server(1, n, Fault::Drop));
        let mut c = connect(&srv);
        c.setup(None);
        if n > 2 {
            c.until(|m| m["sessionResumptionUpdate"]["newHandle"].is_string());
            c.say("hi");
        }
        let (msgs, end) = c.rest();
        let all = if n > 2 { n - 2 } else { n };
        assert_eq!(kinds(&msgs), ONE_TURN[n - all..n], "drop after {n}");
        assert!(matches!(end, Got::End(_)), "after {n}: {end:?}");
        wait_until("the connection to end", || !srv.connections()[0].open);
        let rec = &srv.connections()[0];
        assert_eq!(rec.sent.len(), n, "after {n}: {:#?}", rec.sent);
        assert!(rec.close_sent.is_none(), "a drop sends no close frame");
        // The turn counts once its turnComplete is out, whether or not its handle followed.
        let turns = srv.state_snapshot()[0].turns;
        assert_eq!(turns, u64::from(n >= 8), "after {n}");
    }
}

#[test]
fn injected_messages_do_not_shift_positions() {
    let goaway = Fault::GoAway {
        time_left: Duration::from_secs(30),
        then_close_after: None,
    };
    let plan = FaultPlan::new()
        .after_server(1, 2, goaway)
        .after_server(1, 2, Fault::Malformed)
        .after_server(
            1,
            5,
            Fault::Close {
                code: 1011,
                reason: "Internal error occurred.".into(),
            },
        );
    let srv = server(plan);
    let mut c = connect(&srv);
    c.setup(None);
    let first = c.until(|m| m["sessionResumptionUpdate"]["newHandle"].is_string());
    assert_eq!(kinds(&first), ["setupComplete", "sessionResumptionUpdate"]);
    assert!(matches!(c.recv(), Got::Msg(m) if m["goAway"]["timeLeft"] == "30s"));
    // The malformed frame is not JSON: tungstenite hands it over as text, our client panics
    // on parsing it, so read it raw.
    match c.ws.read() {
        Ok(Message::Text(t)) => assert_eq!(t.as_str(), "{\"serverContent\": {"),
        other => panic!("{other:?}"),
    }
    c.say("hi");
    let (msgs, end) = c.rest();
    assert_eq!(
        kinds(&msgs),
        ["sessionResumptionUpdate", "modelTurn", "modelTurn"]
    );
    assert!(
        matches!(&end, Got::Close(1011, r) if r == "Internal error occurred."),
        "{end:?}"
    );
    assert_eq!(srv.connections()[0].sent.len(), 5 + 2);
}

#[test]
fn a_reset_is_an_rst_not_an_orderly_end() {
    let srv = server(parse_fault_plan("1@s1:reset").unwrap());
    let mut c = connect(&srv);
    c.setup(None);
    let (msgs, end) = c.rest();
    // setupComplete may be lost with the reset (the RST discards unread data); nothing after
    // it arrives, and the end is a reset.
    assert!(msgs.len() <= 1, "{msgs:#?}");
    assert!(
        matches!(end, Got::End(Some(io::ErrorKind::ConnectionReset))),
        "{end:?}"
    );
}

#[test]
fn a_truncated_frame_ends_the_connection_mid_frame() {
    let srv = server(parse_fault_plan("1@s3:truncate").unwrap());
    let mut c = connect(&srv);
    c.setup(None);
    c.until(|m| m["sessionResumptionUpdate"]["newHandle"].is_string());
    c.say("hi");
    let (msgs, end) = c.rest();
    assert_eq!(kinds(&msgs), ["sessionResumptionUpdate"], "{msgs:#?}");
    // Half a frame, then the end of the stream: not a message, not a close frame.
    assert!(matches!(end, Got::End(_)), "{end:?}");
    wait_until("the connection to end", || !srv.connections()[0].open);
    assert_eq!(
        srv.connections()[0].sent.len(),
        3,
        "the cut frame is not recorded"
    );
}

/// Connection 1 stalls after the turn's `turnComplete` (position 8), before the handle that
/// covers it; the client goes away and resumes with the first handle.
fn stalled_session(hold: &str) -> (FakeServer, String) {
    let srv = server(parse_fault_plan(&format!("1@s8:stall{hold}")).unwrap());
    let mut c = connect(&srv);
    c.setup(None);
    let first = c.until(|m| m["sessionResumptionUpdate"]["newHandle"].is_string());
    let handle = handle_in(&first).expect("a handle");
    c.say("hi");
    let turn = c.until(|m| m["serverContent"]["turnComplete"] == true);
    assert_eq!(turn.len(), 6);
    drop(c);
    (srv, handle)
}

fn resume(srv: &FakeServer, handle: &str) -> Got {
    let mut c = connect(srv);
    c.setup(Some(handle));
    c.recv()
}

#[test]
fn a_plain_stall_releases_the_session_when_the_client_leaves() {
    let (srv, handle) = stalled_session("");
    wait_until("the stalled connection to end", || {
        !srv.connections()[0].open
    });
    assert!(matches!(resume(&srv, &handle), Got::Msg(m) if m.get("setupComplete").is_some()));
}

#[test]
fn an_attached_stall_refuses_resumes_until_its_hold_runs_out() {
    let started = Instant::now();
    let (srv, handle) = stalled_session("=1500ms");
    match resume(&srv, &handle) {
        Got::Close(1011, r) => assert_eq!(r, UNAVAILABLE),
        other => panic!("{other:?}"),
    }
    wait_until("the hold to run out", || !srv.connections()[0].open);
    assert!(started.elapsed() >= Duration::from_millis(1500));
    assert!(matches!(resume(&srv, &handle), Got::Msg(m) if m.get("setupComplete").is_some()));
    // The resumed session is the state the handle captured: the turn is not in it.
    assert_eq!(srv.state_snapshot()[0].turns, 0);
}

#[test]
fn a_stall_forever_refuses_every_resume() {
    let (srv, handle) = stalled_session("=forever");
    for _ in 0..3 {
        match resume(&srv, &handle) {
            Got::Close(1011, r) => assert_eq!(r, UNAVAILABLE),
            other => panic!("{other:?}"),
        }
    }
    assert!(srv.connections()[0].open, "the stalled connection is held");
}

#[test]
fn a_draining_server_sends_goaway_after_every_setup_and_closes_when_time_runs_out() {
    let srv = server_with(FakeOptions {
        draining: Some(Duration::from_millis(300)),
        ..FakeOptions::default()
    });
    for _ in 0..2 {
        let mut c = connect(&srv);
        c.setup(None);
        let (msgs, end) = c.rest();
        assert_eq!(
            kinds(&msgs),
            ["setupComplete", "sessionResumptionUpdate", "goAway"]
        );
        assert_eq!(msgs[2]["goAway"]["timeLeft"], "0.300s");
        assert!(
            matches!(&end, Got::Close(1011, r) if r.starts_with("Deadline expired")),
            "{end:?}"
        );
    }
    assert_eq!(srv.connection_count(), 2);
}
