//! Measures how long a session is without a connection after a TCP drop, a close 1011 and a
//! GoAway, against the fake server on loopback (the outage as the session's metrics see it:
//! from the failure being noticed to the new connection set up and the replay sent).
//!
//! ```text
//! cargo run --release --example recovery_time
//! ```

use gemini_live::fake::{FakeOptions, FakeServer, Fault, FaultPlan};
use gemini_live::{Config, Event, ResponseMode, Session};
use std::time::Duration;

const RUNS: usize = 20;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let goaway = Fault::GoAway {
        time_left: Duration::from_secs(10),
        then_close_after: None,
    };
    let cases: [(&str, Fault); 3] = [
        ("TCP drop", Fault::Drop),
        (
            "close 1011",
            Fault::Close {
                code: 1011,
                reason: "Internal error occurred.".into(),
            },
        ),
        ("GoAway handover", goaway),
    ];
    println!(
        "{RUNS} runs each; outage = connection lost -> new connection ready (metrics.downtime)"
    );
    println!(
        "turn = the turn hit by the fault: its input sent -> its first reply (across the outage)\n"
    );
    for (name, fault) in cases {
        let mut outages = Vec::new();
        let mut gaps = Vec::new();
        for _ in 0..RUNS {
            let (outage, gap) = one(fault.clone())?;
            outages.push(outage);
            gaps.push(gap);
        }
        outages.sort();
        gaps.sort();
        println!(
            "{name:16} outage median {:7.2} ms  max {:7.2} ms | turn median {:7.2} ms  max {:7.2} ms",
            ms(outages[RUNS / 2]),
            ms(outages[RUNS - 1]),
            ms(gaps[RUNS / 2]),
            ms(gaps[RUNS - 1]),
        );
    }
    println!("\n(The drop and 1011 outages are dominated by the backoff's random first delay,");
    println!(" uniform in 0..100 ms by default; the GoAway handover reconnects at once.)");
    Ok(())
}

/// One conversation of two turns with `fault` on the first connection after the first turn.
fn one(fault: Fault) -> Result<(Duration, Duration), Box<dyn std::error::Error>> {
    let server = FakeServer::start(FakeOptions {
        // Message 2 is the first turn; the fault fires on message 3 (drop/close) or after
        // message 2's replies (GoAway).
        faults: FaultPlan::new().at(
            1,
            if matches!(fault, Fault::GoAway { .. }) {
                2
            } else {
                3
            },
            fault,
        ),
        ..FakeOptions::default()
    })?;
    let config = Config::default()
        .with_endpoint(server.endpoint())
        .with_response_mode(ResponseMode::Text);
    let session = Session::connect(config)?;
    session.send_text("one")?;
    wait_turn(&session)?;
    session.send_text("two")?;
    wait_turn(&session)?;
    let gap = session.metrics().last_first_reply.unwrap_or_default();
    let outage = session.metrics().downtime;
    session.close()?;
    Ok((outage, gap))
}

fn wait_turn(session: &Session) -> Result<(), Box<dyn std::error::Error>> {
    loop {
        match session.next_event(Duration::from_secs(10))? {
            Some(Event::TurnComplete { .. }) => return Ok(()),
            Some(Event::Closed { error, .. }) => return Err(format!("closed: {error:?}").into()),
            None => return Err("no reply within 10 s".into()),
            Some(_) => {}
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
