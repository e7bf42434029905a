//! The floor: a minimal raw tungstenite client on the calling thread. No SDK, no threads, no
//! queues: TCP connect, `TCP_NODELAY`, upgrade, `setup`, and frames written and read directly.

use base64::Engine;
use std::net::TcpStream;
use std::time::{Duration, Instant};
use tungstenite::{Message, WebSocket};

pub struct Raw {
    pub ws: WebSocket<TcpStream>,
}

/// The setup a minimal client sends (the server only looks for the directives).
fn setup_json(directives: &str) -> String {
    format!(
        r#"{{"setup":{{"model":"models/fake-text-live","generationConfig":{{"responseModalities":["TEXT"]}},"systemInstruction":{{"parts":[{{"text":"bench:{directives}"}}]}}}}}}"#
    )
}

/// The `realtimeInput.audio` frame, built by hand.
pub fn audio_json(pcm: &[u8]) -> String {
    let mut s = String::with_capacity(pcm.len() * 4 / 3 + 96);
    s.push_str(r#"{"realtimeInput":{"audio":{"mimeType":"audio/pcm;rate=16000","data":""#);
    base64::engine::general_purpose::STANDARD.encode_string(pcm, &mut s);
    s.push_str(r#""}}}"#);
    s
}

fn text_json(text: &str) -> String {
    format!(
        r#"{{"clientContent":{{"turns":[{{"role":"user","parts":[{{"text":"{text}"}}]}}],"turnComplete":true}}}}"#
    )
}

impl Raw {
    /// Connects and waits for `setupComplete`; returns the client and the time it took.
    pub fn connect(port: u16, directives: &str) -> (Raw, Duration) {
        let t0 = Instant::now();
        let tcp = TcpStream::connect(("127.0.0.1", port)).expect("raw: tcp connect");
        tcp.set_nodelay(true).expect("nodelay");
        let url = format!("ws://127.0.0.1:{port}/ws/raw");
        let (mut ws, _) = tungstenite::client(url.as_str(), tcp).expect("raw: upgrade");
        ws.send(Message::text(setup_json(directives)))
            .expect("raw: setup");
        loop {
            if let Message::Text(t) = ws.read().expect("raw: read") {
                if t.as_str().contains("setupComplete") {
                    break;
                }
            }
        }
        (Raw { ws }, t0.elapsed())
    }

    /// Sends a text turn; returns (first reply content, turn complete) times.
    /// One text turn: (send -> first reply part, send -> turnComplete, the send call).
    pub fn text_turn(&mut self, text: &str) -> (Duration, Duration, Duration) {
        let t0 = Instant::now();
        self.ws
            .send(Message::text(text_json(text)))
            .expect("raw: send");
        let call = t0.elapsed();
        let mut first = None;
        loop {
            if let Message::Text(t) = self.ws.read().expect("raw: read") {
                let t = t.as_str();
                if first.is_none() && t.contains("modelTurn") {
                    first = Some(t0.elapsed());
                }
                if t.contains("turnComplete") {
                    return (first.unwrap_or_default(), t0.elapsed(), call);
                }
            }
        }
    }

    /// Sends one audio chunk (write + flush).
    pub fn send_audio(&mut self, pcm: &[u8]) {
        self.ws
            .send(Message::text(audio_json(pcm)))
            .expect("raw: send audio");
    }

    /// Reads what has arrived without waiting, decoding each reply audio chunk (JSON, then
    /// base64) as an application would; returns the audio bytes decoded.
    pub fn drain_audio(&mut self) -> usize {
        self.ws
            .get_mut()
            .set_nonblocking(true)
            .expect("nonblocking");
        let mut bytes = 0;
        loop {
            match self.ws.read() {
                Ok(Message::Text(t)) => bytes += decode_reply_audio(t.as_str()),
                Ok(_) => {}
                Err(tungstenite::Error::Io(e)) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    break
                }
                Err(e) => panic!("raw: read: {e}"),
            }
        }
        let _ = self.ws.flush();
        self.ws.get_mut().set_nonblocking(false).expect("blocking");
        bytes
    }

    /// Asks the server how many audio chunks it received and waits for the answer.
    pub fn count(&mut self) -> u64 {
        self.ws
            .send(Message::text(text_json("count")))
            .expect("raw: send");
        loop {
            if let Message::Text(t) = self.ws.read().expect("raw: read") {
                if let Some(n) = parse_count(t.as_str()) {
                    return n;
                }
            }
        }
    }

    pub fn close(mut self) {
        let _ = self.ws.close(None);
        let _ = self.ws.flush();
    }
}

/// Decodes one server message as an application would (JSON, then the base64 of every
/// inline data part); returns the audio bytes decoded.
pub fn decode_reply_audio(text: &str) -> usize {
    let v: serde_json::Value = serde_json::from_str(text).expect("JSON");
    let parts = &v["serverContent"]["modelTurn"]["parts"];
    let mut bytes = 0;
    for p in parts.as_array().into_iter().flatten() {
        if let Some(d) = p["inlineData"]["data"].as_str() {
            bytes += base64::engine::general_purpose::STANDARD
                .decode(d)
                .expect("base64")
                .len();
        }
    }
    bytes
}

/// `N` from a reply text `audio N`.
pub fn parse_count(s: &str) -> Option<u64> {
    let i = s.find("audio ")?;
    let rest = &s[i + 6..];
    let end = rest
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(rest.len());
    rest[..end].parse().ok()
}
