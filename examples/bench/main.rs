//! The benchmark suite: `cargo run --release --example bench [-- --quick]`.
//!
//! Every scenario runs our client and a minimal raw tungstenite client (one thread, no SDK:
//! the floor) against the same local server, and prints both figures and their ratio. The
//! server is the lean one in `server.rs`, run as a child process; each scenario runs in a
//! fresh child process too, so CPU time, RSS and thread counts are its own. The last line of
//! output is a JSON summary. See BENCHMARKS.md for the results and how to read them.
//!
//! Options: `--help`, `--quick` (a smoke run of about a minute), `--only a,b` (scenarios by name:
//! connect, proxy, turn, burst, upload, duplex, send_path, idle, scale100, scale1000, soak, dsp,
//! voice, pacing, restore, echo), `--wait-load X`
//! (wait up to 10 minutes for the 1-minute load average to drop under X before starting).

mod audio;
mod dsp;
mod duplex;
mod echo;
mod heap;
mod latency;
mod pacing;
mod proxy;
mod raw;
mod report;
mod restore;
mod scale;
mod server;
mod sys;
mod voice;

use gemini_live::{Config, ResponseMode};

#[global_allocator]
static ALLOC: heap::Counting = heap::Counting;
use report::Row;
use std::io::{BufRead, BufReader, Write};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Our client's configuration for the bench server (defaults apart from the endpoint).
pub fn config(port: u16, directives: &str) -> Config {
    let mut c = Config::default()
        .with_endpoint(format!("ws://127.0.0.1:{port}"))
        .with_response_mode(ResponseMode::Text)
        .with_model(gemini_live::fake::TEXT_MODEL);
    c.system_instruction = Some(format!("bench:{directives}"));
    c
}

const SCENARIOS: &[&str] = &[
    "connect",
    "proxy",
    "turn",
    "burst",
    "upload",
    "duplex",
    "send_path",
    "idle",
    "scale100",
    "scale100-raw",
    "scale1000",
    "scale1000-raw",
    "soak",
    "soak-raw",
    "dsp",
    "voice",
    "pacing",
    "restore",
    "echo",
];

fn run_scenario(name: &str, port: u16, quick: bool) -> Vec<Row> {
    let (small, big) = if quick { (20, 200) } else { (100, 1000) };
    match name {
        "connect" => latency::connect(port, quick),
        "proxy" => proxy::run(port, quick),
        "turn" => latency::text_turn(port, quick),
        "burst" => latency::burst_turn(port, quick),
        "upload" => audio::upload(port, quick),
        "duplex" => duplex::run(port, quick),
        "send_path" => audio::send_path(port, quick),
        "idle" => scale::idle(port, quick),
        "scale100" => scale::scale(port, quick, small, false),
        "scale100-raw" => scale::scale(port, quick, small, true),
        "scale1000" => scale::scale(port, quick, big, false),
        "scale1000-raw" => scale::scale(port, quick, big, true),
        "soak" => scale::soak(port, quick, false),
        "soak-raw" => scale::soak(port, quick, true),
        "dsp" => dsp::run(quick),
        "voice" => voice::voice(quick),
        "pacing" => pacing::pacing(quick),
        "restore" => restore::run(quick),
        "echo" => echo::run(quick),
        other => panic!("unknown scenario {other}"),
    }
}

const USAGE: &str =
    "usage: cargo run --release --example bench [-- [--quick] [--only a,b] [--wait-load X]]
  --quick        a smoke run of about a minute
  --only a,b     only these scenarios: connect, proxy, turn, burst, upload, duplex, send_path,
                 idle, scale100, scale1000, soak, dsp, voice, pacing, restore, echo
  --wait-load X  wait up to 10 minutes for the 1-minute load average to drop under X
See BENCHMARKS.md for what each scenario measures.";

/// Checks the command line before anything runs: `--help` prints the usage; an unknown
/// option, a missing value or an unknown scenario name says so and exits 2.
fn check_args(args: &[String]) {
    let mut i = 0;
    while i < args.len() {
        match args[i].as_str() {
            "-h" | "--help" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            "--quick" | "--serve" => i += 1,
            "--only" | "--wait-load" | "--run" | "--port" => {
                let Some(v) = args.get(i + 1) else {
                    eprintln!("bench: {} needs a value\n{USAGE}", args[i]);
                    std::process::exit(2);
                };
                if args[i] == "--only" {
                    for name in v.split(',') {
                        let known = SCENARIOS
                            .iter()
                            .any(|s| *s == name || s.trim_end_matches("-raw") == name);
                        if !known {
                            eprintln!("bench: no scenario named {name:?}\n{USAGE}");
                            std::process::exit(2);
                        }
                    }
                }
                if args[i] == "--wait-load" && v.parse::<f64>().is_err() {
                    eprintln!("bench: --wait-load takes a number, not {v:?}");
                    std::process::exit(2);
                }
                i += 2;
            }
            other => {
                eprintln!("bench: unknown option {other:?}\n{USAGE}");
                std::process::exit(2);
            }
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    check_args(&args);
    let flag = |f: &str| args.iter().any(|a| a == f);
    let value = |f: &str| {
        args.iter()
            .position(|a| a == f)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    if flag("--serve") {
        server::serve();
    }
    let quick = flag("--quick");
    if let Some(name) = value("--run") {
        let port: u16 = value("--port")
            .and_then(|p| p.parse().ok())
            .expect("--port");
        for row in run_scenario(&name, port, quick) {
            row.emit();
        }
        return;
    }

    let only: Option<Vec<String>> =
        value("--only").map(|s| s.split(',').map(str::to_string).collect());
    if let Some(max) = value("--wait-load").and_then(|v| v.parse::<f64>().ok()) {
        let until = Instant::now() + Duration::from_secs(600);
        while sys::load1() >= max && Instant::now() < until {
            eprintln!("load {:.2} >= {max}; waiting", sys::load1());
            std::thread::sleep(Duration::from_secs(15));
        }
    }
    let exe = std::env::current_exe().expect("current_exe");
    let mut server = Command::new(&exe)
        .arg("--serve")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("start the bench server");
    let mut line = String::new();
    BufReader::new(server.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("server port");
    let port: u16 = line
        .trim()
        .strip_prefix("PORT ")
        .and_then(|p| p.parse().ok())
        .expect("PORT line");

    let load_start = sys::load1();
    let started = Instant::now();
    let mut rows = Vec::new();
    for name in SCENARIOS {
        let base = name.trim_end_matches("-raw");
        if only
            .as_ref()
            .is_some_and(|o| !o.iter().any(|x| x == base || x == name))
        {
            continue;
        }
        let t = Instant::now();
        eprint!("{name} ... ");
        let mut cmd = Command::new(&exe);
        cmd.args(["--run", name, "--port", &port.to_string()]);
        if quick {
            cmd.arg("--quick");
        }
        let out = cmd.stderr(Stdio::inherit()).output().expect("run scenario");
        if !out.status.success() {
            eprintln!("FAILED ({})", out.status);
        } else {
            eprintln!("{:.1} s", t.elapsed().as_secs_f64());
        }
        for l in String::from_utf8_lossy(&out.stdout).lines() {
            if let Some(json) = l.strip_prefix("ROW ") {
                if let Ok(r) = serde_json::from_str::<Row>(json) {
                    rows.push(r);
                }
            }
        }
    }
    drop(server.stdin.take());
    let _ = server.wait();

    let rows = report::merge(rows);
    let load_end = sys::load1();
    let nproc = std::thread::available_parallelism().map_or(0, |n| n.get());
    let cmdline = format!(
        "cargo run --release --example bench{}",
        if args.is_empty() {
            String::new()
        } else {
            format!(" -- {}", args.join(" "))
        }
    );
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(
        stdout,
        "\n`{cmdline}`: {nproc} CPUs, {}, load {load_start:.2} at start, {load_end:.2} at end, {:.0} s\n",
        sys::cpu_model(),
        started.elapsed().as_secs_f64()
    );
    let _ = write!(stdout, "{}", report::table(&rows));
    let _ = write!(stdout, "\n{}", report::goals(&rows));
    let all_pass = rows.iter().all(|r| r.pass() != Some(false));
    let summary = serde_json::json!({
        "bench": "gemini_live",
        "command": cmdline,
        "quick": quick,
        "nproc": nproc,
        "cpu": sys::cpu_model(),
        "load_start": load_start,
        "load_end": load_end,
        "seconds": started.elapsed().as_secs_f64(),
        "all_targets_met": all_pass,
        "rows": rows.iter().map(|r| serde_json::json!({
            "scenario": r.scenario, "metric": r.metric, "unit": r.unit,
            "ours": r.ours, "raw": r.raw, "ratio": r.ratio(),
            "target": r.target_text(), "met": r.pass(),
        })).collect::<Vec<_>>(),
    });
    let _ = writeln!(stdout, "\n{summary}");
}
