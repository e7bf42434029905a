//! `gemini-live chat`: one line of stdin per turn, replies on stdout.

use gemini_live::{Config, Event, Session};
use std::io::{BufRead, Write};
use std::time::Duration;

pub(crate) fn chat(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let session = super::connect(config)?;
    let stdin = std::io::stdin();
    let mut out = std::io::stdout();
    for line in stdin.lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        session.send_text(&line)?;
        wait_turn(&session, |ev| {
            if let Event::Text(t) = ev {
                print!("{t}");
                let _ = out.flush();
            }
        })?;
        println!();
        println!();
        out.flush()?;
    }
    session.close()?;
    Ok(())
}

/// Passes events to `f` until the turn completes; errors if the session ends first.
pub(crate) fn wait_turn(
    session: &Session,
    mut f: impl FnMut(&Event),
) -> Result<(), Box<dyn std::error::Error>> {
    loop {
        match session.next_event(Duration::from_secs(60))? {
            None => return Err("no reply within 60 s".into()),
            Some(Event::TurnComplete { .. }) => return Ok(()),
            Some(Event::Closed { error: Some(e), .. }) => return Err(e.into()),
            Some(Event::Closed { code, reason, .. }) => {
                return Err(format!("the session closed ({code}) {reason}").into())
            }
            Some(Event::Error(e)) => eprintln!("gemini-live: {e}"),
            Some(ev) => f(&ev),
        }
    }
}
