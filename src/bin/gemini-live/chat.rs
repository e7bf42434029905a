//! `gemini-live chat`: one line of stdin per turn, replies on stdout.

use gemini_live::{Config, Event, InteractionStatus, Session};
use std::io::{BufRead, IsTerminal, Write};
use std::time::Duration;

pub(crate) fn chat(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let session = super::connect(config)?;
    let stdin = std::io::stdin();
    let mut out = std::io::stdout();
    // On a terminal the reply streams as it comes. Into a pipe or a file each reply is
    // written once it is complete, so a reply cut off by a lost connection (and asked again:
    // `ReplyDiscarded`) never shows up twice.
    let live = out.is_terminal();
    for line in stdin.lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            continue;
        }
        session.send_text(&line)?;
        let mut reply = String::new();
        wait_turn(&session, |ev| {
            match ev {
                Event::Text(t) => {
                    reply.push_str(t);
                    if live {
                        print!("{t}");
                    }
                }
                // The end of one segment of a longer interaction (extended thinking).
                Event::TurnComplete { .. } => {
                    reply.push('\n');
                    if live {
                        println!();
                    }
                }
                // The reply so far is void; it comes again from the start.
                ev @ (Event::ContextRestored { .. } | Event::ContextLost { .. }) => {
                    if let Some(line) = super::context::note(ev) {
                        eprintln!("{line}");
                    }
                }
                Event::ReplyDiscarded { .. } => {
                    if live && !reply.is_empty() {
                        println!(" [cut off by a lost connection; the reply starts again]");
                    }
                    reply.clear();
                }
                _ => {}
            }
            let _ = out.flush();
        })?;
        if !live {
            print!("{reply}");
        }
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
            // Extended thinking: a segment marked IN_PROGRESS is followed by more output
            // (the answer) without new input; the interaction ends at IDLE.
            Some(
                ev @ Event::TurnComplete {
                    interaction: Some(InteractionStatus::InProgress),
                    ..
                },
            ) => f(&ev),
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
