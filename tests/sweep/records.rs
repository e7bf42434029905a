//! What the fake recorded: the replies it completed and a transcript for failure messages.

use std::fmt::Write as _;

use gemini_live::fake::ConnectionRecord;
use serde_json::Value;

/// Replies the server completed (text parts up to a `turnComplete`), over all connections.
pub fn completed_replies(conns: &[ConnectionRecord]) -> Vec<String> {
    let mut out = Vec::new();
    for c in conns {
        let mut text = String::new();
        for raw in &c.sent {
            let Ok(m) = serde_json::from_str::<Value>(raw) else {
                continue;
            };
            let sc = &m["serverContent"];
            if let Some(parts) = sc["modelTurn"]["parts"].as_array() {
                for p in parts {
                    text.push_str(p["text"].as_str().unwrap_or(""));
                }
            }
            text.push_str(sc["outputTranscription"]["text"].as_str().unwrap_or(""));
            if sc["turnComplete"] == true {
                out.push(std::mem::take(&mut text));
            }
        }
    }
    out
}

/// A short name of a server message.
pub fn kind_of(raw: &str) -> String {
    let Ok(m) = serde_json::from_str::<Value>(raw) else {
        return "malformed".into();
    };
    if let Some(sc) = m.get("serverContent") {
        for k in [
            "turnComplete",
            "generationComplete",
            "modelTurn",
            "inputTranscription",
            "outputTranscription",
        ] {
            if sc.get(k).is_some() {
                return k.into();
            }
        }
    }
    if let Some(u) = m.get("sessionResumptionUpdate") {
        return if u["newHandle"].is_string() {
            "handle".into()
        } else {
            "resumable:false".into()
        };
    }
    m.as_object()
        .and_then(|o| o.keys().next().cloned())
        .unwrap_or_default()
}

pub fn transcript(conns: &[ConnectionRecord]) -> String {
    let mut s = String::new();
    for c in conns {
        let kinds: Vec<String> = c.sent.iter().map(|m| kind_of(m)).collect();
        let _ = writeln!(
            s,
            "  conn {} (client msgs {}, resumed {}, close sent {:?}, received {:?}): {}",
            c.index,
            c.frames.len(),
            c.resumed_handle.is_some(),
            c.close_sent,
            c.close_received,
            kinds.join(" ")
        );
    }
    s
}
