//! What a fake session knows, as a digest, and history that joins it: the service's rule
//! that a user turn followed by a model turn in `clientContent` with `turnComplete: false`
//! (or initial history, `historyConfig.initialHistoryInClientContent`) joins the context
//! without a reply.
//!
//! The digest is FNV-1a 64 over `"\n{role}:"` at every change of speaker followed by what
//! was said: user text (or the transcript of user audio, "N bytes of audio"), model text,
//! `call:{name}{args}` for a function call (model) and `response:{name}{result}` for its
//! response (user). FNV-1a is streaming, so a reply folded piece by piece as it is sent
//! equals the same reply folded whole from history: a session whose context was put back
//! has the digest of the unbroken conversation. With [`FakeOptions::context_digest`] every
//! reply names it: `[turn N, context 0123456789abcdef]`.
//!
//! [`FakeOptions::context_digest`]: super::FakeOptions::context_digest

use serde_json::Value;

use super::audio::fnv1a64_update;
use super::store::SessionState;
use super::validate::{field, field_str, json_compact};

impl SessionState {
    /// Folds `piece`, said by `role`, into the context digest.
    pub(crate) fn fold(&mut self, role: &str, piece: &str) {
        if self.context_role != role {
            self.context = fnv1a64_update(self.context, format!("\n{role}:").as_bytes());
            self.context_role = role.to_string();
        }
        self.context = fnv1a64_update(self.context, piece.as_bytes());
    }

    /// History contents join the context; a model content with text and no function call
    /// is an answered turn.
    pub(crate) fn join(&mut self, contents: &[Value]) {
        for c in contents {
            let role = field_str(c, "role").unwrap_or("user");
            let parts = field(c, "parts").and_then(Value::as_array);
            let (mut text, mut call) = (false, false);
            for p in parts.into_iter().flatten() {
                if let Some(t) = field_str(p, "text") {
                    self.fold(role, t);
                    text = true;
                } else if let Some(f) = field(p, "functionCall") {
                    let name = field_str(f, "name").unwrap_or("");
                    self.fold(
                        "model",
                        &format!("call:{name}{}", json_compact(field(f, "args"))),
                    );
                    call = true;
                } else if let Some(f) = field(p, "functionResponse") {
                    let name = field_str(f, "name").unwrap_or("");
                    let result = json_compact(field(f, "response"));
                    self.fold("user", &format!("response:{name}{result}"));
                }
            }
            if role == "model" && text && !call {
                self.turns += 1;
            }
        }
    }
}

/// Whether `contents` are history rather than a question: they carry a model turn.
pub(super) fn is_history(contents: &[Value]) -> bool {
    contents
        .iter()
        .any(|c| field_str(c, "role") == Some("model"))
}
