//! Keeping the conversation: the restore flags, and the one line `chat` and `talk` print
//! when a reconnection put the context back or could not.

use gemini_live::{Config, Event};

/// Restore flags (before the subcommand or after `chat` / `talk`).
#[derive(clap::Args, Debug, Default, Clone)]
pub(crate) struct ContextArgs {
    /// Do not put the conversation back when the server lost it (a reconnection that could
    /// not resume it is then only reported). By default it is put back, and audio sessions
    /// ask for input and output transcription to have the words to put back.
    #[arg(long = "no-restore-context")]
    no_restore: bool,
    /// The most characters of the conversation kept to put back (default 32000).
    #[arg(long = "context-budget-chars", value_name = "N")]
    chars: Option<usize>,
    /// The most exchanges kept to put back (default 100).
    #[arg(long = "context-budget-turns", value_name = "N")]
    turns: Option<usize>,
}

impl ContextArgs {
    /// These flags, each falling back to `parent`'s (given before the subcommand).
    pub(crate) fn or(self, parent: ContextArgs) -> ContextArgs {
        ContextArgs {
            no_restore: self.no_restore || parent.no_restore,
            chars: self.chars.or(parent.chars),
            turns: self.turns.or(parent.turns),
        }
    }

    pub(crate) fn apply(&self, config: &mut Config) {
        if self.no_restore {
            config.restore_context = false;
        }
        if let Some(n) = self.chars {
            config.context_budget.chars = n;
        }
        if let Some(n) = self.turns {
            config.context_budget.turns = n;
        }
    }
}

/// The stderr line for an event that says what a reconnection did to the conversation.
pub(crate) fn note(ev: &Event) -> Option<String> {
    let s = |n: u64| if n == 1 { "" } else { "s" };
    match ev {
        Event::ContextRestored {
            turns,
            chars,
            dropped: 0,
        } => Some(format!(
            "gemini-live: the server lost part of the conversation; put back {turns} exchange{} ({chars} characters)",
            s(*turns)
        )),
        Event::ContextRestored {
            turns,
            chars,
            dropped,
        } => Some(format!(
            "gemini-live: the server lost part of the conversation; put back {turns} exchange{} ({chars} characters); {dropped} older exchange{} did not fit the context budget and {} forgotten",
            s(*turns),
            s(*dropped),
            if *dropped == 1 { "is" } else { "are" }
        )),
        Event::ContextLost { turns } => Some(format!(
            "gemini-live: the server lost the last {turns} exchange{} of the conversation; the model no longer knows {}",
            s(*turns),
            if *turns == 1 { "it" } else { "them" }
        )),
        _ => None,
    }
}
