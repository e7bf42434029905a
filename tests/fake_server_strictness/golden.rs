//! The official SDKs' captures (tests/golden) replayed against the fake: its handshakes, its
//! frames per connection, the replies and closes it saw.

use std::path::PathBuf;
use std::time::Duration;

use gemini_live::fake::{fnv1a64, FakeOptions, Fault, FaultPlan};
use serde_json::{json, Value};
use tungstenite::Message;

use super::client::*;

const GOLDEN: &[&str] = &[
    "js_activity",
    "js_audio",
    "js_errors",
    "js_goaway",
    "js_resume",
    "js_text",
    "js_tool",
    "py_activity",
    "py_audio",
    "py_big_config",
    "py_errors",
    "py_goaway",
    "py_resume",
    "py_text",
    "py_text_v1beta",
    "py_tool",
];

fn golden_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/golden")
}

fn load_golden(name: &str) -> Value {
    let path = golden_dir().join(format!("{name}.json"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "golden capture {} is missing ({e}): tests/golden/ holds the captures",
            path.display()
        )
    });
    serde_json::from_str(&text).expect("golden JSON")
}

/// `<redacted:8 chars>` is the valid key; other lengths stand for wrong keys.
fn unredact(v: &str) -> String {
    match v
        .strip_prefix("<redacted:")
        .and_then(|r| r.strip_suffix(" chars>"))
    {
        Some("8") => KEY.to_string(),
        Some(n) => "x".repeat(n.parse().unwrap_or(5)),
        None => v.to_string(),
    }
}

fn top<'a>(v: &'a Value, camel: &str, snake: &str) -> Option<&'a Value> {
    v.get(camel).or_else(|| v.get(snake))
}

/// Expected reply texts of the audio turns in a capture, computed from its frames.
fn golden_audio_replies(g: &Value) -> Vec<String> {
    let mut turns = Vec::new();
    let mut cur: Vec<u8> = Vec::new();
    for f in g["frames"].as_array().expect("frames") {
        let v: Value = serde_json::from_str(f["raw"].as_str().expect("raw")).expect("frame");
        let Some(rt) = top(&v, "realtimeInput", "realtime_input") else {
            continue;
        };
        if let Some(a) = rt.get("audio") {
            cur.extend(b64_decode(a["data"].as_str().expect("data")));
        }
        if let Some(chunks) = top(rt, "mediaChunks", "media_chunks") {
            cur.extend(b64_decode(chunks[0]["data"].as_str().expect("data")));
        }
        if top(rt, "audioStreamEnd", "audio_stream_end").is_some()
            || top(rt, "activityEnd", "activity_end").is_some()
        {
            let n = turns.len() + 1;
            turns.push(format!(
                "[turn {n}] heard {} bytes of audio, checksum {:016x}",
                cur.len(),
                fnv1a64(&cur)
            ));
            cur.clear();
        }
    }
    turns
}

/// Replay a capture: its handshakes, its frames per connection (with our handle and call id
/// substituted). Returns the reply text of every turn; asserts the closes match the note.
fn replay_golden(name: &str) -> Vec<String> {
    let g = load_golden(name);
    let note = g["note"].as_str().expect("note");
    let closes = note.split_once("closes: ").expect("closes in note").1;
    let expected: Vec<(u16, String)> = serde_json::from_str::<Vec<(u16, String)>>(closes)
        .expect("closes JSON")
        .into_iter()
        .map(|(c, r)| (c, truncate(&r)))
        .collect();
    let goaway = name.ends_with("goaway");
    let faults = if goaway {
        FaultPlan::new().at(
            1,
            2,
            Fault::GoAwayStrict {
                time_left: Duration::from_millis(50),
                close_after: Duration::from_millis(100),
            },
        )
    } else {
        FaultPlan::new()
    };
    let srv = server(FakeOptions { faults, ..keyed() });
    let (mut seen_closes, mut replies) = (Vec::new(), Vec::new());
    let (mut handle, mut call_id): (Option<String>, Option<String>) = (None, None);
    for (i, hs) in g["handshakes"]
        .as_array()
        .expect("handshakes")
        .iter()
        .enumerate()
    {
        let conn = i + 1;
        let query: Vec<String> = hs["query"]
            .as_object()
            .expect("query")
            .iter()
            .flat_map(|(k, vs)| {
                let vs = vs.as_array().cloned().unwrap_or_default();
                vs.into_iter()
                    .map(move |v| format!("{k}={}", unredact(v.as_str().unwrap_or(""))))
            })
            .collect();
        let skip = [
            "connection",
            "upgrade",
            "sec-websocket-version",
            "sec-websocket-key",
            "host",
        ];
        let headers: Vec<(String, String)> = hs["headers"]
            .as_object()
            .expect("headers")
            .iter()
            .filter(|(k, _)| !skip.contains(&k.as_str()))
            .map(|(k, v)| (k.clone(), unredact(v.as_str().unwrap_or(""))))
            .collect();
        let hdrs: Vec<(&str, &str)> = headers
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        let path = hs["path"].as_str().expect("path");
        let mut c = connect_with(&srv, path, &query.join("&"), &hdrs)
            .unwrap_or_else(|e| panic!("{name}: upgrade of connection {conn} failed: {e}"));
        let mut resumption = false;
        let mut closed = None;
        let mut sent = Vec::new();
        for f in g["frames"].as_array().expect("frames") {
            if f["conn"].as_u64() != Some(conn as u64) {
                continue;
            }
            // The captures' model was retired since, and the fake closes it 1008 as the
            // service does: its own TEXT model stands in for it.
            let mut raw = (f["raw"].as_str().expect("raw"))
                .replace("models/gemini-live-2.5-flash-preview", MODEL);
            let v: Value = serde_json::from_str(&raw).expect("frame JSON");
            let setup = v.get("setup");
            let sr = setup.and_then(|s| top(s, "sessionResumption", "session_resumption"));
            if let Some(old) = sr.and_then(|r| r["handle"].as_str()) {
                if old != "bogus" {
                    raw = raw.replace(old, handle.as_deref().expect("a handle from before"));
                }
            }
            let tool = top(&v, "toolResponse", "tool_response");
            if let Some(old) = tool.and_then(|t| t["functionResponses"][0]["id"].as_str()) {
                raw = raw.replace(old, call_id.as_deref().expect("a call id from before"));
            }
            if f["frame"] == "binary" {
                c.ws.send(Message::binary(raw.clone().into_bytes()))
                    .expect("send");
            } else {
                c.send_raw(&raw);
            }
            sent.push(raw);
            let cc = top(&v, "clientContent", "client_content");
            let rt = top(&v, "realtimeInput", "realtime_input");
            let wants_turn = cc
                .is_some_and(|c| top(c, "turnComplete", "turn_complete") == Some(&json!(true)))
                || rt.is_some_and(|r| {
                    r.get("text").is_some()
                        || top(r, "audioStreamEnd", "audio_stream_end").is_some()
                        || top(r, "activityEnd", "activity_end").is_some()
                })
                || tool.is_some();
            let got = if setup.is_some() {
                resumption = sr.is_some();
                c.until(|m| m.get("setupComplete").is_some())
            } else if wants_turn {
                c.until(|m| {
                    m["serverContent"]["turnComplete"] == true || m.get("toolCall").is_some()
                })
            } else {
                Ok(Vec::new())
            };
            let mut msgs = match got {
                Ok(m) => m,
                Err(close) => {
                    closed = Some(close);
                    break;
                }
            };
            let ended_turn = msgs
                .iter()
                .any(|m| m["serverContent"]["turnComplete"] == true);
            if resumption && (setup.is_some() || ended_turn) {
                msgs.extend(
                    c.until(|m| m["sessionResumptionUpdate"]["newHandle"].is_string())
                        .expect("handle"),
                );
            }
            if let Some(h) = handle_of(&msgs) {
                handle = Some(h);
            }
            if let Some(id) = msgs
                .iter()
                .find_map(|m| m["toolCall"]["functionCalls"][0]["id"].as_str())
            {
                call_id = Some(id.to_string());
            }
            if ended_turn {
                replies.push(reply_text(&msgs));
            }
        }
        let closed = match closed {
            Some(c) => Some(c),
            None if goaway => {
                let m = c.msg();
                assert_eq!(m, json!({"goAway": {"timeLeft": "0.050s"}}), "{name}");
                Some(c.close_code())
            }
            None => Some(c.close()).filter(|(code, _)| *code != 1000),
        };
        seen_closes.extend(closed);
        let rec = &srv.connections()[i];
        assert_eq!(
            rec.frames, sent,
            "{name}: the server recorded what was sent"
        );
        assert_eq!(rec.path, path);
    }
    assert_eq!(seen_closes, expected, "{name}: server closes");
    replies
}

#[test]
fn every_golden_capture_has_a_test() {
    let dir = golden_dir();
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("golden captures missing at {}: {e}", dir.display()))
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            e.file_name()
                .to_str()?
                .strip_suffix(".json")
                .map(str::to_owned)
        })
        .collect();
    names.sort();
    assert_eq!(names, GOLDEN);
}

fn golden_texts(name: &str, expected: &[&str]) {
    assert_eq!(replay_golden(name), expected, "{name}");
}

fn golden_audio(name: &str) {
    let expected = golden_audio_replies(&load_golden(name));
    assert!(!expected.is_empty());
    assert_eq!(replay_golden(name), expected, "{name}");
}

const TEXT_REPLIES: &[&str] = &[
    "[turn 1] echo: hello",
    "[turn 2] echo: world",
    "[turn 3] echo: realtime hi",
];
const RESUME_REPLIES: &[&str] = &["[turn 1] echo: first", "[turn 2] echo: second"];
const TOOL_REPLIES: &[&str] = &["[turn 1] tool get_weather returned {\"temp_c\":21}"];

#[test]
fn golden_js_activity() {
    golden_audio("js_activity");
}
#[test]
fn golden_js_audio() {
    golden_audio("js_audio");
}
#[test]
fn golden_js_errors() {
    golden_texts("js_errors", &[]);
}
#[test]
fn golden_js_goaway() {
    golden_texts("js_goaway", &["[turn 1] echo: hi"]);
}
#[test]
fn golden_js_resume() {
    golden_texts("js_resume", RESUME_REPLIES);
}
#[test]
fn golden_js_text() {
    golden_texts("js_text", TEXT_REPLIES);
}
#[test]
fn golden_js_tool() {
    golden_texts("js_tool", TOOL_REPLIES);
}
#[test]
fn golden_py_activity() {
    golden_audio("py_activity");
}
#[test]
fn golden_py_audio() {
    golden_audio("py_audio");
}
#[test]
fn golden_py_big_config() {
    // "a" (user) and "b" (model) were sent as history: one answered exchange in the context.
    golden_texts("py_big_config", &["[turn 2] echo: c"]);
}
#[test]
fn golden_py_errors() {
    golden_texts("py_errors", &[]);
}
#[test]
fn golden_py_goaway() {
    golden_texts("py_goaway", &["[turn 1] echo: hi"]);
}
#[test]
fn golden_py_resume() {
    golden_texts("py_resume", RESUME_REPLIES);
}
#[test]
fn golden_py_text() {
    golden_texts("py_text", TEXT_REPLIES);
}
#[test]
fn golden_py_text_v1beta() {
    golden_texts("py_text_v1beta", &["[turn 1] echo: ping"]);
}
#[test]
fn golden_py_tool() {
    golden_texts("py_tool", TOOL_REPLIES);
}
