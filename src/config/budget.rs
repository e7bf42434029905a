//! How much of the conversation a session keeps to put it back after a loss
//! ([`Config::context_budget`](super::Config::context_budget)); the history that spends it is
//! `session/history.rs`.

/// Defaults of [`ContextBudget`]: 32,000 characters (about 8,000 tokens) and 100 exchanges.
pub const DEFAULT_CHARS: usize = 32_000;
/// See [`DEFAULT_CHARS`].
pub const DEFAULT_TURNS: usize = 100;

/// How much of the conversation is kept for a restore.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContextBudget {
    /// Characters of text (and of tool arguments and results as JSON).
    pub chars: usize,
    /// Exchanges (a user turn and the model's answer, with any tool rounds).
    pub turns: usize,
}

impl Default for ContextBudget {
    fn default() -> Self {
        ContextBudget {
            chars: DEFAULT_CHARS,
            turns: DEFAULT_TURNS,
        }
    }
}
