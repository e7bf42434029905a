//! Options of the fake server and its fault plan.

use std::fmt;
use std::time::Duration;

use crate::config::DEFAULT_MODEL;

/// How a [`FakeServer`](super::FakeServer) behaves. Every field says its default.
#[derive(Clone)]
pub struct FakeOptions {
    /// Port to bind on 127.0.0.1. Defaults to 0 (an ephemeral port; read it back with
    /// [`FakeServer::addr`](super::FakeServer::addr)).
    pub port: u16,
    /// Serve `wss://` with a self-signed certificate for `localhost` and `127.0.0.1`, made at
    /// start (see [`FakeServer::ca_pem`](super::FakeServer::ca_pem)). Defaults to `false`.
    pub tls: bool,
    /// The API key clients must present (header `x-goog-api-key` or query `key=`; on the
    /// `BidiGenerateContentConstrained` method also `Authorization: Token X` or
    /// `access_token=X`). Defaults to `None`: any credentials, or none, are accepted.
    pub api_key: Option<String>,
    /// Served model ids, without the `models/` prefix. Defaults to
    /// `vec![DEFAULT_MODEL.to_string()]`.
    pub models: Vec<String>,
    /// Faults to inject. Defaults to an empty plan.
    pub faults: FaultPlan,
    /// Length of a synthetic audio reply in milliseconds. Defaults to 400.
    pub audio_reply_ms: u32,
    /// Length of each audio chunk sent in milliseconds. Defaults to 100.
    pub audio_chunk_ms: u32,
    /// A text reply is split into this many `modelTurn` parts. Defaults to 3.
    pub text_reply_parts: usize,
    /// How long a resumption handle stays valid after it was issued. Defaults to 2 hours.
    pub handle_ttl: Duration,
    /// Send server JSON in binary frames instead of text frames (the real server may).
    /// Defaults to `false`.
    pub binary_frames: bool,
    /// Also serve the Vertex AI path for this project and location, with bearer tokens
    /// checked on every upgrade (see [`VertexFakeAuth`](super::VertexFakeAuth)). Defaults to
    /// `None` (the Vertex path answers 404).
    pub vertex: Option<super::VertexFakeAuth>,
}

impl Default for FakeOptions {
    fn default() -> Self {
        FakeOptions {
            port: 0,
            tls: false,
            api_key: None,
            models: vec![DEFAULT_MODEL.to_string()],
            faults: FaultPlan::default(),
            audio_reply_ms: 400,
            audio_chunk_ms: 100,
            text_reply_parts: 3,
            handle_ttl: Duration::from_secs(2 * 60 * 60),
            binary_frames: false,
            vertex: None,
        }
    }
}

impl fmt::Debug for FakeOptions {
    // Written by hand so that the API key never appears in Debug output.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FakeOptions")
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("api_key", &self.api_key.as_ref().map(|_| "<redacted>"))
            .field("models", &self.models)
            .field("faults", &self.faults)
            .field("audio_reply_ms", &self.audio_reply_ms)
            .field("audio_chunk_ms", &self.audio_chunk_ms)
            .field("text_reply_parts", &self.text_reply_parts)
            .field("handle_ttl", &self.handle_ttl)
            .field("binary_frames", &self.binary_frames)
            .field("vertex", &self.vertex)
            .finish()
    }
}

/// A fault the fake server injects on one connection.
///
/// When a fault fires relative to the triggering client message is documented on
/// [`FaultPlan::at`].
#[derive(Clone, Debug)]
pub enum Fault {
    /// Send `{"goAway":{"timeLeft":"Ns"}}`. If `then_close_after` is set and the client has
    /// not closed by then, close with 1011 "Deadline expired before operation could
    /// complete." (what the real service does when a connection's lifetime runs out).
    GoAway {
        /// The `timeLeft` announced.
        time_left: Duration,
        /// Close 1011 this long after the GoAway if the client is still connected.
        then_close_after: Option<Duration>,
    },
    /// Like [`Fault::GoAway`], but if the client is still connected `close_after` later,
    /// close with 1008 "Connection aborted because the client failed to close the connection
    /// after receiving a GoAway signal once the session duration expired" (truncated to 123
    /// bytes), as Gemini 3.x does (golden `js_goaway`, `py_goaway`).
    GoAwayStrict {
        /// The `timeLeft` announced.
        time_left: Duration,
        /// Close 1008 this long after the GoAway if the client is still connected.
        close_after: Duration,
    },
    /// End the TCP connection without a close frame (`shutdown(Both)` on the socket).
    Drop,
    /// Send a close frame with this code and reason (the reason is truncated to 123 bytes).
    Close {
        /// Close code.
        code: u16,
        /// Close reason.
        reason: String,
    },
    /// Stop reading and writing WebSocket frames: the socket stays open and silent (bytes the
    /// client sends are drained and discarded, pings go unanswered) until the client goes
    /// away or the server shuts down. On the upgrade, the HTTP request is never answered.
    Stall,
    /// Let the next `after_sends` server messages go out, then cut the connection in the
    /// middle of whatever it is sending (a reply, usually): with a TCP drop when `code` is
    /// `None`, else with that close code ("Internal error occurred." as the reason).
    CutMidReply {
        /// Server messages sent before the cut.
        after_sends: usize,
        /// Close code, or `None` for a TCP drop.
        code: Option<u16>,
    },
    /// Stop reading altogether (the socket stays open; the client's writes back up in the
    /// kernel buffers until its sends block) until the server shuts down: a peer that cannot
    /// keep up.
    Freeze,
    /// Answer the HTTP upgrade with this status (only meaningful with
    /// [`FaultPlan::on_upgrade`]; a status below 300 is sent as 503).
    RefuseUpgrade {
        /// HTTP status code.
        status: u16,
    },
    /// Send a frame that is not valid JSON (`{"serverContent": {`), then carry on.
    Malformed,
    /// Sleep this long before reading each further client message.
    SlowReader {
        /// Delay before each read.
        delay: Duration,
    },
    /// Send `{"someFutureMessage":{"x":1}}`, a message kind no client knows.
    UnknownMessage,
    /// Keep the socket and keep accepting input, but never answer turns again.
    SilentDrop,
}

/// When a planned fault fires.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Trigger {
    /// At the HTTP upgrade.
    Upgrade,
    /// When the n-th client message has been received (0 = right after the upgrade).
    After(usize),
}

/// Which faults to inject, per connection. Build it with [`FaultPlan::at`] and
/// [`FaultPlan::on_upgrade`], or parse it with [`parse_fault_plan`].
#[derive(Clone, Debug, Default)]
pub struct FaultPlan {
    entries: Vec<(usize, Trigger, Fault)>,
}

impl FaultPlan {
    /// An empty plan.
    pub fn new() -> Self {
        FaultPlan::default()
    }

    /// On the `conn`-th accepted connection (1-based, counting every accepted TCP connection),
    /// when the server has received `after_messages` client data messages on that connection
    /// (the setup counts as message 1), inject `fault`.
    ///
    /// Timing relative to that message:
    /// - `Drop`, `Close`, `Stall`, `Malformed` and `SilentDrop` fire right after the message
    ///   is received and recorded, **before** it is processed: its replies are never sent
    ///   (for `Malformed` the message is then processed normally; for `SilentDrop` its input is
    ///   processed but no turn is answered from then on). A dropped, closed or stalled message
    ///   is not part of the session state.
    /// - `GoAway`, `GoAwayStrict` and `UnknownMessage` fire **after** the message has been
    ///   processed and all its immediate replies (e.g. a whole model turn) were sent.
    ///   `SlowReader` also applies after it: the delay precedes every later read.
    ///
    /// `after_messages == 0` fires right after the WebSocket upgrade, before any message.
    /// `RefuseUpgrade` is ignored here; use [`FaultPlan::on_upgrade`].
    pub fn at(mut self, conn: usize, after_messages: usize, fault: Fault) -> Self {
        self.entries
            .push((conn, Trigger::After(after_messages), fault));
        self
    }

    /// Inject `fault` at the upgrade of connection `conn` (1-based), before any message:
    /// `RefuseUpgrade` answers the HTTP request with its status, `Drop` closes the TCP
    /// connection without answering, `Stall` never answers; any other fault completes the
    /// upgrade and then fires at once (as with `at(conn, 0, fault)`).
    pub fn on_upgrade(mut self, conn: usize, fault: Fault) -> Self {
        self.entries.push((conn, Trigger::Upgrade, fault));
        self
    }

    /// Whether the plan has no faults.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The faults of connection `conn`, in the order they were added.
    pub(crate) fn for_conn(&self, conn: usize) -> Vec<(Trigger, Fault)> {
        self.entries
            .iter()
            .filter(|(c, _, _)| *c == conn)
            .map(|(_, t, f)| (*t, f.clone()))
            .collect()
    }
}

/// Parse a fault plan from the text syntax used by the `fake-server` command line.
///
/// The plan is a comma-separated list of `CONN@WHEN:KIND[=ARG]` items, where `CONN` is the
/// 1-based connection index, `WHEN` is either a message count (see [`FaultPlan::at`]; `0` is
/// right after the upgrade) or `up` (see [`FaultPlan::on_upgrade`]), and `KIND[=ARG]` is one of:
///
/// | Item | Fault |
/// |---|---|
/// | `goaway=5s` | [`Fault::GoAway`], no forced close |
/// | `goaway=5s+2s` | [`Fault::GoAway`], close 1011 2 s after the GoAway |
/// | `goaway-strict=5s+2s` | [`Fault::GoAwayStrict`] (close 1008 after 2 s; `goaway-strict=5s` closes after 5 s) |
/// | `drop` | [`Fault::Drop`] |
/// | `close=1011` or `close=1011/Some reason` | [`Fault::Close`]; without a reason, 1011 uses "Internal error occurred." and other codes an empty reason |
/// | `stall` | [`Fault::Stall`] |
/// | `freeze` | [`Fault::Freeze`] |
/// | `cut=3`, `cut=3/1011` | [`Fault::CutMidReply`] (drop, or close with the code, after 3 sends) |
/// | `refuse=503` | [`Fault::RefuseUpgrade`] |
/// | `malformed` | [`Fault::Malformed`] |
/// | `slow=200ms` | [`Fault::SlowReader`] |
/// | `unknown` | [`Fault::UnknownMessage`] |
/// | `silent` | [`Fault::SilentDrop`] |
///
/// Durations are a number followed by `ms`, `s` or `m` (a bare number is seconds), e.g.
/// `250ms`, `1.5s`. Reasons cannot contain commas. Whitespace around items is ignored and an
/// empty string is an empty plan. Example:
/// `"2@5:close=1011,1@3:goaway=5s,3@up:refuse=503,1@4:drop,1@2:stall,1@2:malformed"`.
pub fn parse_fault_plan(spec: &str) -> Result<FaultPlan, String> {
    let mut plan = FaultPlan::new();
    for item in spec.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let (conn, rest) = item
            .split_once('@')
            .ok_or_else(|| format!("fault `{item}`: expected CONN@WHEN:KIND"))?;
        let conn: usize = conn
            .trim()
            .parse()
            .map_err(|_| format!("fault `{item}`: bad connection index `{conn}`"))?;
        if conn == 0 {
            return Err(format!("fault `{item}`: connections are numbered from 1"));
        }
        let (when, kind) = rest
            .split_once(':')
            .ok_or_else(|| format!("fault `{item}`: expected CONN@WHEN:KIND"))?;
        let fault = parse_fault(kind.trim()).map_err(|e| format!("fault `{item}`: {e}"))?;
        plan = match when.trim() {
            "up" => plan.on_upgrade(conn, fault),
            n => {
                let n: usize = n
                    .parse()
                    .map_err(|_| format!("fault `{item}`: bad message count `{n}`"))?;
                plan.at(conn, n, fault)
            }
        };
    }
    Ok(plan)
}

fn parse_fault(kind: &str) -> Result<Fault, String> {
    let (name, arg) = match kind.split_once('=') {
        Some((n, a)) => (n.trim(), Some(a.trim())),
        None => (kind, None),
    };
    let need = |what: &str| arg.ok_or_else(|| format!("`{name}` needs ={what}"));
    let no_arg = |f: Fault| match arg {
        None => Ok(f),
        Some(_) => Err(format!("`{name}` takes no argument")),
    };
    match name {
        "goaway" | "goaway-strict" => {
            let arg = need("TIME[+CLOSE_AFTER]")?;
            let (left, after) = match arg.split_once('+') {
                Some((l, a)) => (parse_duration(l)?, Some(parse_duration(a)?)),
                None => (parse_duration(arg)?, None),
            };
            Ok(if name == "goaway" {
                Fault::GoAway {
                    time_left: left,
                    then_close_after: after,
                }
            } else {
                Fault::GoAwayStrict {
                    time_left: left,
                    close_after: after.unwrap_or(left),
                }
            })
        }
        "close" => {
            let arg = need("CODE[/REASON]")?;
            let (code, reason) = match arg.split_once('/') {
                Some((c, r)) => (c, Some(r.to_string())),
                None => (arg, None),
            };
            let code: u16 = code
                .trim()
                .parse()
                .map_err(|_| format!("bad close code `{code}`"))?;
            if !(1000..=4999).contains(&code) {
                return Err(format!("close code {code} is out of range 1000..=4999"));
            }
            let reason = reason.unwrap_or_else(|| {
                if code == 1011 {
                    "Internal error occurred.".to_string()
                } else {
                    String::new()
                }
            });
            Ok(Fault::Close { code, reason })
        }
        "refuse" => {
            let arg = need("STATUS")?;
            let status: u16 = arg
                .parse()
                .map_err(|_| format!("bad HTTP status `{arg}`"))?;
            if !(100..=999).contains(&status) {
                return Err(format!("HTTP status {status} is out of range"));
            }
            Ok(Fault::RefuseUpgrade { status })
        }
        "slow" => Ok(Fault::SlowReader {
            delay: parse_duration(need("DELAY")?)?,
        }),
        "drop" => no_arg(Fault::Drop),
        "stall" => no_arg(Fault::Stall),
        "freeze" => no_arg(Fault::Freeze),
        "cut" => {
            let arg = need("COUNT[/CODE]")?;
            let (n, code) = match arg.split_once('/') {
                Some((n, c)) => (n, Some(c)),
                None => (arg, None),
            };
            let after_sends = n.trim().parse().map_err(|_| format!("bad count `{n}`"))?;
            let code = match code {
                Some(c) => Some(
                    c.trim()
                        .parse::<u16>()
                        .map_err(|_| format!("bad close code `{c}`"))?,
                ),
                None => None,
            };
            Ok(Fault::CutMidReply { after_sends, code })
        }
        "malformed" => no_arg(Fault::Malformed),
        "unknown" => no_arg(Fault::UnknownMessage),
        "silent" => no_arg(Fault::SilentDrop),
        other => Err(format!("unknown fault kind `{other}`")),
    }
}

/// Parse `250ms`, `1.5s`, `2m` or a bare number of seconds.
pub(crate) fn parse_duration(s: &str) -> Result<Duration, String> {
    let s = s.trim();
    let (num, scale) = if let Some(n) = s.strip_suffix("ms") {
        (n, 0.001)
    } else if let Some(n) = s.strip_suffix('s') {
        (n, 1.0)
    } else if let Some(n) = s.strip_suffix('m') {
        (n, 60.0)
    } else {
        (s, 1.0)
    };
    let value: f64 = num
        .trim()
        .parse()
        .map_err(|_| format!("bad duration `{s}`"))?;
    if !value.is_finite() || value < 0.0 || value * scale > 1.0e9 {
        return Err(format!("bad duration `{s}`"));
    }
    Ok(Duration::from_secs_f64(value * scale))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn only(plan: &FaultPlan, conn: usize) -> Vec<(Trigger, Fault)> {
        plan.for_conn(conn)
    }

    #[test]
    fn parses_the_documented_example() {
        let plan = parse_fault_plan(
            "2@5:close=1011,1@3:goaway=5s,3@up:refuse=503,1@4:drop,1@2:stall,1@2:malformed",
        )
        .unwrap();
        let c2 = only(&plan, 2);
        assert_eq!(c2.len(), 1);
        assert_eq!(c2[0].0, Trigger::After(5));
        match &c2[0].1 {
            Fault::Close { code, reason } => {
                assert_eq!(*code, 1011);
                assert_eq!(reason, "Internal error occurred.");
            }
            f => panic!("{f:?}"),
        }
        let c1 = only(&plan, 1);
        assert_eq!(c1.len(), 4);
        assert!(matches!(
            c1[0],
            (Trigger::After(3), Fault::GoAway { time_left, then_close_after: None })
                if time_left == Duration::from_secs(5)
        ));
        assert!(matches!(c1[1], (Trigger::After(4), Fault::Drop)));
        assert!(matches!(c1[2], (Trigger::After(2), Fault::Stall)));
        assert!(matches!(c1[3], (Trigger::After(2), Fault::Malformed)));
        assert!(matches!(
            only(&plan, 3)[..],
            [(Trigger::Upgrade, Fault::RefuseUpgrade { status: 503 })]
        ));
        assert!(only(&plan, 4).is_empty());
    }

    #[test]
    fn parses_every_kind_and_argument_form() {
        let plan = parse_fault_plan(
            " 1@0:goaway=1.5s+250ms , 1@1:goaway-strict=2s, 1@2:goaway-strict=1s+3s, \
             1@3:close=1000/bye now, 1@4:slow=20ms, 1@5:unknown, 1@6:silent, 1@7:close=4000",
        )
        .unwrap();
        let c = only(&plan, 1);
        assert!(matches!(
            c[0],
            (Trigger::After(0), Fault::GoAway { time_left, then_close_after: Some(a) })
                if time_left == Duration::from_millis(1500) && a == Duration::from_millis(250)
        ));
        assert!(matches!(
            c[1].1,
            Fault::GoAwayStrict { time_left, close_after }
                if time_left == Duration::from_secs(2) && close_after == Duration::from_secs(2)
        ));
        assert!(matches!(
            c[2].1,
            Fault::GoAwayStrict { close_after, .. } if close_after == Duration::from_secs(3)
        ));
        assert!(matches!(&c[3].1, Fault::Close { code: 1000, reason } if reason == "bye now"));
        assert!(matches!(
            c[4].1,
            Fault::SlowReader { delay } if delay == Duration::from_millis(20)
        ));
        assert!(matches!(c[5].1, Fault::UnknownMessage));
        assert!(matches!(c[6].1, Fault::SilentDrop));
        assert!(matches!(&c[7].1, Fault::Close { code: 4000, reason } if reason.is_empty()));
    }

    #[test]
    fn empty_spec_is_an_empty_plan() {
        assert!(parse_fault_plan("").unwrap().is_empty());
        assert!(parse_fault_plan(" , ").unwrap().is_empty());
    }

    #[test]
    fn rejects_bad_specs_with_a_message() {
        for bad in [
            "drop",
            "1:drop",
            "0@1:drop",
            "x@1:drop",
            "1@x:drop",
            "1@1",
            "1@1:explode",
            "1@1:drop=3",
            "1@1:close",
            "1@1:close=abc",
            "1@1:close=99",
            "1@up:refuse=abc",
            "1@1:goaway",
            "1@1:goaway=fast",
            "1@1:slow=-1s",
        ] {
            let err = parse_fault_plan(bad).expect_err(bad);
            assert!(err.contains("fault"), "{bad}: {err}");
        }
    }

    #[test]
    fn durations() {
        assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse_duration("2").unwrap(), Duration::from_secs(2));
        assert_eq!(parse_duration("1m").unwrap(), Duration::from_secs(60));
        assert!(parse_duration("inf").is_err());
    }

    #[test]
    fn debug_output_hides_the_api_key() {
        let opts = FakeOptions {
            api_key: Some("secret-key-123".into()),
            ..FakeOptions::default()
        };
        let text = format!("{opts:?}");
        assert!(!text.contains("secret-key-123"));
        assert!(text.contains("<redacted>"));
    }
}
