//! `gemini-live chat`: one line of stdin per turn, replies on stdout.

use gemini_live::wording::Lang;
use gemini_live::{Config, Event, InteractionStatus, Session};
use std::io::{BufRead, IsTerminal, Write};
use std::time::Duration;

/// The most bytes of a reply `chat` holds before printing, into a pipe or a file: 1 MiB.
pub(crate) const REPLY_BUFFER: usize = 1 << 20;

/// `chat`'s flags.
#[derive(clap::Args, Debug)]
pub(crate) struct ChatArgs {
    /// Into a pipe or a file, each reply is printed once complete (so a reply cut off by a
    /// lost connection, and asked again, shows up once); a reply longer than this many bytes
    /// is streamed from there on, and a cut after that is marked in the text.
    #[arg(long = "reply-buffer", value_name = "BYTES", default_value_t = REPLY_BUFFER)]
    pub(crate) reply_buffer: usize,
}

pub(crate) fn chat(config: Config, args: &ChatArgs) -> Result<(), Box<dyn std::error::Error>> {
    let session = super::connect(config)?;
    let stdin = std::io::stdin();
    let mut out = std::io::stdout();
    // On a terminal the reply streams as it comes. Into a pipe or a file each reply is
    // written once it is complete, so a reply cut off by a lost connection (and asked again:
    // `ReplyDiscarded`) never shows up twice.
    let live = out.is_terminal();
    // A person at a terminal gets a prompt; a pipe gets none (stdout stays the replies).
    let person = stdin.is_terminal();
    if person {
        eprintln!("gemini-live: type a message and press Enter (Ctrl-D ends, Ctrl-C stops)");
    }
    let prompt = || {
        if person {
            eprint!("> ");
            let _ = std::io::stderr().flush();
        }
    };
    prompt();
    for line in stdin.lock().lines() {
        let line = line?;
        if line.trim().is_empty() {
            prompt();
            continue;
        }
        session.send_text(&line)?;
        let mut reply = String::new();
        // Whether this reply streams: on a terminal, or once it outgrew the buffer.
        let mut streaming = live;
        let waited = wait_turn(&session, |ev| {
            match ev {
                Event::Text(t) => {
                    if streaming {
                        print!("{t}");
                        // Only whether something was shown counts from here on.
                        reply.clear();
                        reply.push(' ');
                    } else {
                        reply.push_str(t);
                        if reply.len() > args.reply_buffer {
                            eprintln!(
                                "gemini-live: this reply passed {} bytes (--reply-buffer); streaming the rest as it comes",
                                args.reply_buffer
                            );
                            print!("{reply}");
                            reply.clear();
                            reply.push(' ');
                            streaming = true;
                        }
                    }
                }
                // The end of one segment of a longer interaction (extended thinking).
                Event::TurnComplete { .. } => {
                    if streaming {
                        println!();
                    } else {
                        reply.push('\n');
                    }
                }
                // The reply so far is void; it comes again from the start.
                ev @ (Event::ContextRestored { .. } | Event::ContextLost { .. }) => {
                    if let Some(line) = super::context::note(ev) {
                        eprintln!("{line}");
                    }
                }
                Event::ReplyDiscarded { .. } => {
                    if streaming && !reply.is_empty() {
                        println!(" [cut off by a lost connection; the reply starts again]");
                    }
                    reply.clear();
                }
                _ => {}
            }
            let _ = out.flush();
        });
        if !streaming {
            print!("{reply}");
        }
        if let Err(e) = waited {
            if e.is::<super::interrupt::Interrupted>() && !reply.is_empty() {
                println!(" [interrupted]");
            }
            out.flush()?;
            return Err(e);
        }
        println!();
        println!();
        out.flush()?;
        prompt();
    }
    session.close()?;
    Ok(())
}

/// Passes events to `f` until the turn completes; errors if the session ends first.
pub(crate) fn wait_turn(
    session: &Session,
    mut f: impl FnMut(&Event),
) -> Result<(), Box<dyn std::error::Error>> {
    let _waiting = super::interrupt::InTurn::start();
    loop {
        let next = session.next_event(Duration::from_secs(60));
        // Ctrl-C closed the session: end the turn here (the caller keeps what it has).
        if super::interrupt::interrupted()
            && matches!(&next, Err(_) | Ok(None) | Ok(Some(Event::Closed { .. })))
        {
            return Err(super::interrupt::Interrupted.into());
        }
        match next? {
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
            Some(Event::Error(e)) => eprintln!("gemini-live: {}", e.message(Lang::Cli)),
            Some(ev) => f(&ev),
        }
    }
}
