//! What a connection writes: server messages (with the faults planned after them), the fault
//! plan's own messages, cut and truncated frames, and the close handshake.

use std::io::Write;
use std::net::Shutdown;
use std::time::{Duration, Instant};

use serde_json::Value;
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::CloseFrame;
use tungstenite::Message;

use super::{is_timeout, Conn, Step, Stop};
use crate::fake::audio::truncate_reason;
use crate::fake::options::{Fault, Trigger};
use crate::fake::validate::Reject;

/// How long the server waits for the client's answer to its close frame.
const CLOSE_LINGER: Duration = Duration::from_secs(1);

impl Conn {
    /// Send one server message (text frame, or binary if the options say so), then fire the
    /// faults planned after it.
    pub(super) fn send(&mut self, v: &Value) -> Step {
        let vertex = self
            .vertex
            .as_ref()
            .and_then(|_| crate::fake::vertex::usage_in_vertex_names(v));
        self.write_message(vertex.as_ref().unwrap_or(v).to_string())?;
        self.sent += 1;
        let n = self.sent;
        let due: Vec<Fault> = self
            .faults
            .iter()
            .filter(|(t, _)| *t == Trigger::AfterServer(n))
            .map(|(_, f)| f.clone())
            .collect();
        for f in due {
            self.apply(f)?;
        }
        Ok(())
    }

    /// Send a message of the fault plan's own (not counted as a server message).
    pub(super) fn inject(&mut self, v: &Value) -> Step {
        self.write_message(v.to_string())
    }

    /// Write `text` as a frame, unless an armed cut ends the connection first.
    pub(super) fn write_message(&mut self, text: String) -> Step {
        if self.truncate_next {
            return Err(self.truncate(text.as_bytes()));
        }
        if let Some((left, code)) = self.cut {
            if left == 0 {
                self.cut = None;
                log::info!("fake server: connection {}: cut mid-reply", self.index);
                return Err(match code {
                    Some(code) => self.close(code, "Internal error occurred."),
                    None => {
                        let _ = self.raw.shutdown(std::net::Shutdown::Both);
                        Stop
                    }
                });
            }
            self.cut = Some((left - 1, code));
        }
        self.shared.record(self.index, text.clone(), true);
        let msg = if self.shared.options.binary_frames {
            Message::binary(text.into_bytes())
        } else {
            Message::text(text)
        };
        self.ws.send(msg).map_err(|e| {
            log::debug!("fake server: connection {}: send: {e}", self.index);
            Stop
        })
    }

    /// Write the header and half of the payload of `payload`'s frame, then end the connection.
    pub(super) fn truncate(&mut self, payload: &[u8]) -> Stop {
        log::info!("fake server: connection {}: truncating a frame", self.index);
        let opcode = if self.shared.options.binary_frames {
            0x82
        } else {
            0x81
        };
        let mut bytes = vec![opcode];
        match payload.len() {
            n if n < 126 => bytes.push(n as u8),
            n if n <= usize::from(u16::MAX) => {
                bytes.push(126);
                bytes.extend_from_slice(&(n as u16).to_be_bytes());
            }
            n => {
                bytes.push(127);
                bytes.extend_from_slice(&(n as u64).to_be_bytes());
            }
        }
        bytes.extend_from_slice(&payload[..payload.len() / 2]);
        let _ = self.ws.flush();
        let stream = self.ws.get_mut();
        let _ = stream.write_all(&bytes).and_then(|()| stream.flush());
        let _ = self.raw.shutdown(Shutdown::Both);
        Stop
    }

    /// Close with a rejection's code and reason.
    pub(super) fn reject(&mut self, r: Reject) -> Stop {
        log::debug!(
            "fake server: connection {}: closing {} {}",
            self.index,
            r.code,
            r.reason
        );
        self.close(r.code, &r.reason)
    }

    /// Send a close frame (reason truncated to 123 bytes), then wait briefly for the client's
    /// close frame so that the close handshake completes.
    pub(super) fn close(&mut self, code: u16, reason: &str) -> Stop {
        let reason = truncate_reason(reason);
        // Recorded first, so that a client that has read the frame also sees it recorded.
        self.shared
            .update(self.index, |r| r.close_sent = Some((code, reason.clone())));
        let frame = CloseFrame {
            code: CloseCode::from(code),
            reason: reason.into(),
        };
        match self.ws.close(Some(frame)) {
            Ok(()) => {}
            Err(tungstenite::Error::Io(e)) if is_timeout(&e) => {}
            Err(e) => {
                log::debug!("fake server: connection {}: close: {e}", self.index);
                return Stop;
            }
        }
        let end = Instant::now() + CLOSE_LINGER;
        while Instant::now() < end && !self.shared.stopping() {
            match self.ws.read() {
                Ok(Message::Close(frame)) => self.record_close_received(frame),
                Ok(_) => {}
                Err(tungstenite::Error::Io(e)) if is_timeout(&e) => {
                    let _ = self.ws.flush();
                }
                Err(_) => break,
            }
        }
        Stop
    }
}
