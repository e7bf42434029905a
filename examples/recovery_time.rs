//! Measures how long a session is without a connection after a TCP drop (on the next input, and
//! between a `turnComplete` and the handle that covers it), a TCP reset, a close 1011 and a
//! GoAway, against the fake server on loopback: the outage as the session's metrics see it,
//! from the failure being noticed to the new connection set up and the replay sent. Every run
//! also checks that both questions were answered once, in order.
//!
//! ```text
//! cargo run --release --example recovery_time
//! ```

use gemini_live::fake::{FakeOptions, FakeServer, Fault, FaultPlan};
use gemini_live::{Config, Event, ResponseMode, Session};
use std::time::Duration;

const RUNS: usize = 30;

/// Server messages of the first connection up to the first turn's `turnComplete` (TEXT,
/// resumption on): setupComplete, handle, resumable:false, 3 parts, generationComplete,
/// turnComplete.
const FIRST_TURN_COMPLETE: usize = 8;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let close = Fault::Close {
        code: 1011,
        reason: "Internal error occurred.".into(),
    };
    let goaway = Fault::GoAway {
        time_left: Duration::from_secs(10),
        then_close_after: None,
    };
    // Message 2 is the first question; 3 is the second.
    let cases: Vec<(&str, FaultPlan)> = vec![
        ("TCP drop", FaultPlan::new().at(1, 3, Fault::Drop)),
        (
            "drop before handle",
            FaultPlan::new().after_server(1, FIRST_TURN_COMPLETE, Fault::Drop),
        ),
        ("TCP reset", FaultPlan::new().at(1, 3, Fault::Reset)),
        ("close 1011", FaultPlan::new().at(1, 3, close)),
        ("GoAway handover", FaultPlan::new().at(1, 2, goaway)),
    ];
    println!(
        "{RUNS} runs each; outage = connection lost -> new connection ready (metrics.downtime)"
    );
    println!(
        "turn = the turn hit by the fault: its input sent -> its first reply (across the outage)\n"
    );
    for (name, plan) in cases {
        let mut outages = Vec::new();
        let mut gaps = Vec::new();
        for _ in 0..RUNS {
            let (outage, gap) = one(plan.clone())?;
            outages.push(outage);
            gaps.push(gap);
        }
        outages.sort();
        gaps.sort();
        println!(
            "{name:18} outage median {:7.2} ms  max {:7.2} ms | turn median {:7.2} ms  max {:7.2} ms",
            ms(outages[RUNS / 2]),
            ms(outages[RUNS - 1]),
            ms(gaps[RUNS / 2]),
            ms(gaps[RUNS - 1]),
        );
    }
    println!("\n(The drop, reset and 1011 outages include the backoff's random first delay,");
    println!(" uniform in 0..100 ms by default; the GoAway handover reconnects at once.)");
    Ok(())
}

/// One conversation of two turns with the faults of `plan`.
fn one(plan: FaultPlan) -> Result<(Duration, Duration), Box<dyn std::error::Error>> {
    let server = FakeServer::start(FakeOptions {
        faults: plan,
        ..FakeOptions::default()
    })?;
    let config = Config::default()
        .with_endpoint(server.endpoint())
        .with_response_mode(ResponseMode::Text)
        .with_model(gemini_live::fake::TEXT_MODEL);
    let session = Session::connect(config)?;
    for question in ["one", "two"] {
        session.send_text(question)?;
        let reply = wait_turn(&session)?;
        if !reply.ends_with(&format!("] echo: {question}")) {
            return Err(format!("{question:?} was answered with {reply:?}").into());
        }
    }
    let gap = session.metrics().last_first_reply.unwrap_or_default();
    let outage = session.metrics().downtime;
    session.close()?;
    Ok((outage, gap))
}

/// The turn's text (a reply cut by the outage is dropped, as documented).
fn wait_turn(session: &Session) -> Result<String, Box<dyn std::error::Error>> {
    let mut text = String::new();
    loop {
        match session.next_event(Duration::from_secs(10))? {
            Some(Event::Text(t)) => text.push_str(&t),
            Some(Event::ReplyDiscarded { .. }) => text.clear(),
            Some(Event::TurnComplete { .. }) => return Ok(text),
            Some(Event::Closed { error, .. }) => return Err(format!("closed: {error:?}").into()),
            None => return Err("no reply within 10 s".into()),
            Some(_) => {}
        }
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}
