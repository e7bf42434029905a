//! The text syntax of fault plans (`gemini-live fake-server --faults`, the C ABI's
//! `gemini_live_fake_server_start_with_faults`).

use std::time::Duration;

use super::options::{Fault, FaultPlan};

/// Parse a fault plan from the text syntax used by the `fake-server` command line.
///
/// The plan is a comma-separated list of `CONN@WHEN:KIND[=ARG]` items, where `CONN` is the
/// 1-based connection index, `WHEN` is a client message count (see [`FaultPlan::at`]; `0` is
/// right after the upgrade), `s` and a server message count (`s5`: after the server's 5th
/// message on that connection, see [`FaultPlan::after_server`]) or `up` (see
/// [`FaultPlan::on_upgrade`]), and `KIND[=ARG]` is one of:
///
/// | Item | Fault |
/// |---|---|
/// | `goaway=5s` | [`Fault::GoAway`], no forced close |
/// | `goaway=5s+2s` | [`Fault::GoAway`], close 1011 2 s after the GoAway |
/// | `goaway-strict=5s+2s` | [`Fault::GoAwayStrict`] (close 1008 after 2 s; `goaway-strict=5s` closes after 5 s) |
/// | `drop` | [`Fault::Drop`] |
/// | `reset` | [`Fault::Reset`] |
/// | `close=1011` or `close=1011/Some reason` | [`Fault::Close`]; without a reason, 1011 uses "Internal error occurred." and other codes an empty reason |
/// | `stall` | [`Fault::Stall`] |
/// | `stall=5s`, `stall=forever` | [`Fault::StallAttached`] (the session stays attached 5 s, or for ever) |
/// | `freeze` | [`Fault::Freeze`] |
/// | `cut=3`, `cut=3/1011` | [`Fault::CutMidReply`] (drop, or close with the code, after 3 sends) |
/// | `refuse=503` | [`Fault::RefuseUpgrade`] |
/// | `malformed` | [`Fault::Malformed`] |
/// | `truncate` | [`Fault::TruncatedFrame`] |
/// | `slow=200ms` | [`Fault::SlowReader`] |
/// | `unknown` | [`Fault::UnknownMessage`] |
/// | `silent` | [`Fault::SilentDrop`] |
///
/// Durations are a number followed by `ms`, `s` or `m` (a bare number is seconds), e.g.
/// `250ms`, `1.5s`. Reasons cannot contain commas. Whitespace around items is ignored and an
/// empty string is an empty plan. Example:
/// `"2@5:close=1011,1@3:goaway=5s,3@up:refuse=503,1@4:drop,1@2:stall,1@2:malformed"`, or
/// `"1@s9:drop"` (connection 1 drops right after the server's 9th message).
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
            s if s.starts_with('s') => {
                let n: usize = s[1..]
                    .parse()
                    .map_err(|_| format!("fault `{item}`: bad server message count `{s}`"))?;
                if n == 0 {
                    return Err(format!(
                        "fault `{item}`: server messages are counted from 1 (use 0 for the upgrade)"
                    ));
                }
                plan.after_server(conn, n, fault)
            }
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
        "stall" => match arg {
            None => Ok(Fault::Stall),
            Some("forever") => Ok(Fault::StallAttached { hold: None }),
            Some(d) => Ok(Fault::StallAttached {
                hold: Some(parse_duration(d)?),
            }),
        },
        "reset" => no_arg(Fault::Reset),
        "truncate" => no_arg(Fault::TruncatedFrame),
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
        other => {
            let kinds: Vec<&str> = FAULT_KINDS.iter().map(|(syntax, _, _)| *syntax).collect();
            Err(format!(
                "unknown fault kind `{other}` (one of: {})",
                kinds.join(", ")
            ))
        }
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

/// Every fault kind of the plan syntax: `(syntax, example, what it does)`; the CLI's
/// `--faults` help is made from it, and a test parses every example.
pub const FAULT_KINDS: &[(&str, &str, &str)] = &[
    (
        "drop",
        "drop",
        "end the TCP connection without a close frame",
    ),
    ("reset", "reset", "reset the TCP connection (RST)"),
    (
        "close=CODE[/REASON]",
        "close=1011/Internal error occurred.",
        "close with CODE and REASON (1011 without one: \"Internal error occurred.\")",
    ),
    (
        "goaway=LEFT[+AFTER]",
        "goaway=5s+2s",
        "send GoAway (timeLeft LEFT); close 1011 AFTER later if the client stays",
    ),
    (
        "goaway-strict=LEFT[+AFTER]",
        "goaway-strict=5s",
        "GoAway, then close 1008 as Gemini 3.x does (after AFTER, else LEFT)",
    ),
    (
        "stall",
        "stall",
        "go silent: read and write nothing, keep the socket",
    ),
    (
        "stall=HOLD|forever",
        "stall=5s",
        "go silent keeping the session HOLD (resumes refused with 1011 meanwhile)",
    ),
    (
        "freeze",
        "freeze",
        "stop reading: the client's writes back up",
    ),
    (
        "cut=N[/CODE]",
        "cut=3/1011",
        "cut the reply after N more messages (a drop, or close CODE)",
    ),
    (
        "refuse=STATUS",
        "refuse=503",
        "answer the HTTP upgrade with STATUS (WHEN = up)",
    ),
    (
        "malformed",
        "malformed",
        "send a frame that is not JSON, then go on",
    ),
    (
        "truncate",
        "truncate",
        "cut the next frame in half, then drop",
    ),
    ("slow=DELAY", "slow=200ms", "wait DELAY before each read"),
    ("unknown", "unknown", "send a message kind no client knows"),
    (
        "silent",
        "silent",
        "accept input, never answer a turn again",
    ),
];

/// A fault in the plan syntax (`close=1011/Internal error occurred.`, `goaway=5s+2s`), for
/// log lines; [`parse_fault_plan`] reads it back.
impl std::fmt::Display for Fault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let d = |d: &Duration| format!("{}ms", d.as_millis());
        match self {
            Fault::Drop => f.write_str("drop"),
            Fault::Reset => f.write_str("reset"),
            Fault::Close { code, reason } if reason.is_empty() => write!(f, "close={code}"),
            Fault::Close { code, reason } => write!(f, "close={code}/{reason}"),
            Fault::GoAway {
                time_left,
                then_close_after: None,
            } => write!(f, "goaway={}", d(time_left)),
            Fault::GoAway {
                time_left,
                then_close_after: Some(after),
            } => write!(f, "goaway={}+{}", d(time_left), d(after)),
            Fault::GoAwayStrict {
                time_left,
                close_after,
            } => write!(f, "goaway-strict={}+{}", d(time_left), d(close_after)),
            Fault::Stall => f.write_str("stall"),
            Fault::StallAttached { hold: None } => f.write_str("stall=forever"),
            Fault::StallAttached { hold: Some(h) } => write!(f, "stall={}", d(h)),
            Fault::Freeze => f.write_str("freeze"),
            Fault::CutMidReply {
                after_sends,
                code: None,
            } => write!(f, "cut={after_sends}"),
            Fault::CutMidReply {
                after_sends,
                code: Some(c),
            } => write!(f, "cut={after_sends}/{c}"),
            Fault::RefuseUpgrade { status } => write!(f, "refuse={status}"),
            Fault::Malformed => f.write_str("malformed"),
            Fault::TruncatedFrame => f.write_str("truncate"),
            Fault::SlowReader { delay } => write!(f, "slow={}", d(delay)),
            Fault::UnknownMessage => f.write_str("unknown"),
            Fault::SilentDrop => f.write_str("silent"),
        }
    }
}

/// The fault plan syntax and [`FAULT_KINDS`] as help text.
pub fn fault_plan_help() -> String {
    let mut s = String::from(
        "Fault plan: comma-separated CONN@WHEN:KIND items. CONN counts connections from 1; \
         WHEN is a count of client messages received (setup is 1; 0 right after the \
         upgrade), sN after the server's N-th message (s1 = setupComplete), or up (the HTTP \
         upgrade). Durations: 250ms, 1.5s, 2m. Example: \"1@3:drop,2@s2:close=1011\". KIND:\n",
    );
    for (syntax, _, what) in FAULT_KINDS {
        s.push_str(&format!("  {syntax:<27} {what}\n"));
    }
    s
}

#[cfg(test)]
mod tests;
