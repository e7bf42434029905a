//! A connection's read loop: each client frame is recorded, the faults planned around it
//! fire, and the frame is handled.

use std::time::Instant;

use serde_json::json;
use tungstenite::protocol::CloseFrame;
use tungstenite::Message;

use super::{is_timeout, later, Conn, Step, Stop, DEADLINE_EXPIRED};
use crate::fake::audio::format_duration;
use crate::fake::options::{Fault, Trigger};
use crate::fake::validate::Reject;

/// Faults that fire before the triggering message is processed.
fn fires_before(f: &Fault) -> bool {
    matches!(
        f,
        Fault::Drop
            | Fault::Close { .. }
            | Fault::Stall
            | Fault::Freeze
            | Fault::CutMidReply { .. }
            | Fault::Malformed
            | Fault::SilentDrop
            | Fault::RefuseUpgrade { .. }
            | Fault::Reset
            | Fault::StallAttached { .. }
            | Fault::TruncatedFrame
    )
}

impl Conn {
    pub(super) fn run(&mut self) {
        let initial: Vec<Fault> = self
            .faults
            .iter()
            .filter(|(t, _)| matches!(t, Trigger::Upgrade | Trigger::After(0)))
            .map(|(_, f)| f.clone())
            .collect();
        for f in initial {
            if self.apply(f).is_err() {
                return;
            }
        }
        while self.tick().is_ok() {}
    }

    fn tick(&mut self) -> Step {
        if self.shared.stopping() {
            return Err(self.close(1001, "The server is shutting down."));
        }
        if let Some((at, code, reason)) = self.deadline {
            if Instant::now() >= at {
                return Err(self.close(code, reason));
            }
        }
        self.flush_later(false)?;
        match self.ws.read() {
            Ok(Message::Text(t)) => self.on_frame(Ok(t.as_str().to_owned())),
            Ok(Message::Binary(b)) => self.on_frame(
                String::from_utf8(b.to_vec())
                    .map_err(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()),
            ),
            Ok(Message::Close(frame)) => {
                self.record_close_received(frame);
                Ok(())
            }
            Ok(_) => Ok(()),
            Err(tungstenite::Error::Io(e)) if is_timeout(&e) => {
                let _ = self.ws.flush();
                Ok(())
            }
            Err(tungstenite::Error::Utf8(_)) => self.on_frame(Err("<invalid UTF-8>".into())),
            Err(e) => {
                log::debug!("fake server: connection {}: read: {e}", self.index);
                Err(Stop)
            }
        }
    }

    pub(super) fn record_close_received(&self, frame: Option<CloseFrame>) {
        let got = frame
            .map(|f| (u16::from(f.code), f.reason.as_str().to_owned()))
            .unwrap_or((1005, String::new()));
        self.shared
            .update(self.index, |r| r.close_received = Some(got));
    }

    /// A client data frame: `Err` holds the lossy text of a frame that was not UTF-8.
    fn on_frame(&mut self, text: Result<String, String>) -> Step {
        self.received += 1;
        let n = self.received;
        let raw = match &text {
            Ok(s) | Err(s) => s.clone(),
        };
        self.shared.record(self.index, raw, false);
        let due: Vec<Fault> = self
            .faults
            .iter()
            .filter(|(t, _)| *t == Trigger::After(n))
            .map(|(_, f)| f.clone())
            .collect();
        for f in due.iter().filter(|f| fires_before(f)) {
            self.apply(f.clone())?;
        }
        let was_set_up = self.setup.is_some();
        match text {
            Ok(t) => self.handle(&t)?,
            Err(_) => {
                return Err(self.reject(Reject::new(
                    1007,
                    "Invalid JSON payload received. Unexpected token.",
                )))
            }
        }
        if !was_set_up && self.setup.is_some() {
            if let Some(left) = self.shared.options.draining {
                log::info!("fake server: connection {}: draining", self.index);
                self.inject(&json!({"goAway": {"timeLeft": format_duration(left)}}))?;
                self.deadline = Some((later(left), 1011, DEADLINE_EXPIRED));
            }
        }
        for f in due.iter().filter(|f| !fires_before(f)) {
            self.apply(f.clone())?;
        }
        if let Some(d) = self.slow {
            self.pause(d);
        }
        Ok(())
    }
}
