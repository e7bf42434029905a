//! One connection of the fake server: TLS, the HTTP upgrade, the read loop, faults, closing.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::{json, Value};
use tungstenite::protocol::frame::coding::CloseCode;
use tungstenite::protocol::CloseFrame;
use tungstenite::{Message, WebSocket};

use super::audio::{format_duration, truncate_reason};
use super::options::{Fault, Trigger};
use super::turn::Modality;
use super::upgrade::{credentials, tls_accept, upgrade, Stream};
use super::validate::Reject;
use super::Shared;

/// Read timeout of every socket: how often an idle connection thread checks for shutdown
/// and deadlines.
const READ_TICK: Duration = Duration::from_millis(50);
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);
/// How long the server waits for the client's answer to its close frame.
const CLOSE_LINGER: Duration = Duration::from_secs(1);

const DEADLINE_EXPIRED: &str = "Deadline expired before operation could complete.";
const GOAWAY_ABORT: &str = "Connection aborted because the client failed to close the connection \
     after receiving a GoAway signal once the session duration expired";

/// `d` from now; durations too large for the clock mean "in about a year".
fn later(d: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(d)
        .unwrap_or_else(|| now + Duration::from_secs(365 * 24 * 3600))
}

/// The connection is over (closed, dropped or failed).
pub(super) struct Stop;

/// Result of a step of the connection.
pub(super) type Step = Result<(), Stop>;

/// What the setup asked for.
pub(super) struct SetupInfo {
    pub(super) modality: Modality,
    pub(super) vad: bool,
    pub(super) resumption: bool,
    pub(super) input_transcription: bool,
    pub(super) output_transcription: bool,
    /// The model's rules (capability table), when the model is in it.
    pub(super) model: Option<&'static crate::models::ModelInfo>,
    /// Functions declared with an explicit `behavior`: (name, non-blocking).
    pub(super) behaviors: Vec<(String, bool)>,
    /// `generationConfig.translationConfig.targetLanguageCode`.
    pub(super) target_language: Option<String>,
    /// `historyConfig.initialHistoryInClientContent`, until the history's `turnComplete`.
    pub(super) initial_history: bool,
}

/// A connection after the upgrade.
pub(super) struct Conn {
    pub(super) shared: Arc<Shared>,
    pub(super) index: usize,
    ws: WebSocket<Stream>,
    raw: TcpStream,
    pub(super) version: String,
    /// Credentials presented on the upgrade that count for its method.
    pub(super) creds: Vec<String>,
    faults: Vec<(Trigger, Fault)>,
    /// Client data frames received so far (`setup` included).
    pub(super) received: usize,
    /// Set on the Vertex AI path.
    pub(super) vertex: Option<super::vertex::ConnVertex>,
    /// Server messages sent, not counting those the fault plan injected.
    sent: usize,
    /// An armed `TruncatedFrame`: the next message is cut mid-frame.
    truncate_next: bool,
    pub(super) setup: Option<SetupInfo>,
    pub(super) session: Option<u64>,
    pub(super) silent: bool,
    slow: Option<Duration>,
    deadline: Option<(Instant, u16, &'static str)>,
    /// FNV state and byte count of the audio of the current audio turn.
    pub(super) turn_audio: (u64, u64),
    /// An armed `CutMidReply`: sends left before the cut, and the close code (None: drop).
    cut: Option<(usize, Option<u16>)>,
    /// The deferred rest of an extended-thinking interaction (see `fake/lifecycle.rs`).
    pub(super) later: Option<super::lifecycle::Later>,
    /// The energy-based server VAD, when `FakeOptions::energy_vad` is set.
    pub(super) energy_vad: Option<super::energy_vad::EnergyVad>,
}

impl Drop for Conn {
    fn drop(&mut self) {
        if let Some(s) = self.session {
            self.shared.store.detach(s, self.index);
        }
    }
}

/// Serve accepted connection `index` until it ends.
pub(super) fn serve(shared: Arc<Shared>, index: usize, tcp: TcpStream) {
    // Marks the record closed however the thread ends, panics included.
    struct Finished(Arc<Shared>, usize);
    impl Drop for Finished {
        fn drop(&mut self) {
            self.0.finished(self.1);
        }
    }
    let _finished = Finished(Arc::clone(&shared), index);
    if let Err(e) = run(&shared, index, tcp) {
        log::debug!("fake server: connection {index}: {e}");
    }
    log::debug!("fake server: connection {index} ended");
}

fn run(shared: &Arc<Shared>, index: usize, tcp: TcpStream) -> io::Result<()> {
    tcp.set_nodelay(true)?;
    tcp.set_read_timeout(Some(READ_TICK))?;
    tcp.set_write_timeout(Some(WRITE_TIMEOUT))?;
    let raw = tcp.try_clone()?;
    let faults = shared.options.faults.for_conn(index);
    let at_upgrade: Vec<&Fault> = faults
        .iter()
        .filter(|(t, _)| *t == Trigger::Upgrade)
        .map(|(_, f)| f)
        .collect();
    if at_upgrade.iter().any(|f| matches!(f, Fault::Drop)) {
        log::info!("fake server: connection {index}: dropping at the upgrade");
        let _ = raw.shutdown(Shutdown::Both);
        return Ok(());
    }
    if at_upgrade.iter().any(|f| matches!(f, Fault::Stall)) {
        log::info!("fake server: connection {index}: stalling at the upgrade");
        stall(shared, &raw);
        return Ok(());
    }
    let refuse = at_upgrade.iter().find_map(|f| match f {
        Fault::RefuseUpgrade { status } => Some(*status),
        _ => None,
    });
    let stream = match &shared.tls {
        Some(acceptor) => Stream::Tls(Box::new(tls_accept(shared, acceptor, tcp)?)),
        None => Stream::Plain(tcp),
    };
    let Some((ws, info)) = upgrade(shared, index, stream, refuse) else {
        return Ok(());
    };
    let (version, constrained) = info.route.clone().unwrap_or_default();
    let mut conn = Conn {
        shared: Arc::clone(shared),
        index,
        ws,
        raw,
        version,
        creds: credentials(&info, constrained),
        faults,
        received: 0,
        vertex: info.vertex.then(|| super::vertex::ConnVertex {
            express: info.headers.iter().any(|(k, _)| k == "x-goog-api-key"),
            ..Default::default()
        }),
        sent: 0,
        truncate_next: false,
        setup: None,
        session: None,
        silent: false,
        slow: None,
        deadline: None,
        turn_audio: (super::FNV_OFFSET, 0),
        cut: None,
        later: None,
        energy_vad: shared
            .options
            .energy_vad
            .map(super::energy_vad::EnergyVad::new),
    };
    conn.run();
    Ok(())
}

pub(super) fn is_timeout(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut | io::ErrorKind::Interrupted
    )
}

/// Hold the socket open and silent: drain and discard what the peer sends until it goes away
/// or the server shuts down.
fn stall(shared: &Shared, raw: &TcpStream) {
    stall_until(shared, raw, None);
}

/// [`stall`], ending at `until` at the latest.
fn stall_until(shared: &Shared, raw: &TcpStream, until: Option<Instant>) {
    let mut buf = [0u8; 4096];
    let mut reader = raw;
    while !shared.stopping() && until.is_none_or(|t| Instant::now() < t) {
        match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(_) => {}
            Err(e) if is_timeout(&e) => {}
            Err(_) => break,
        }
    }
}

/// Read nothing until the peer hangs up (seen without reading, through POLLRDHUP) or the
/// server shuts down.
fn freeze(shared: &Shared, raw: &TcpStream) {
    use rustix::event::{poll, PollFd, PollFlags, Timespec};
    let tick = Timespec {
        tv_sec: 0,
        tv_nsec: 20_000_000,
    };
    while !shared.stopping() {
        let mut fds = [PollFd::new(raw, PollFlags::RDHUP)];
        match poll(&mut fds, Some(&tick)) {
            Ok(0) => {}
            Ok(_) => {
                let ev = fds[0].revents();
                if ev.intersects(PollFlags::RDHUP | PollFlags::HUP | PollFlags::ERR) {
                    return;
                }
            }
            Err(rustix::io::Errno::INTR) => {}
            Err(_) => return,
        }
    }
}

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
    fn run(&mut self) {
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

    fn record_close_received(&self, frame: Option<CloseFrame>) {
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

    fn apply(&mut self, fault: Fault) -> Step {
        log::info!(
            "fake server: connection {} after {} client and {} server messages: {fault}",
            self.index,
            self.received,
            self.sent
        );
        match fault {
            Fault::GoAway {
                time_left,
                then_close_after,
            } => {
                self.inject(&json!({"goAway": {"timeLeft": format_duration(time_left)}}))?;
                if let Some(d) = then_close_after {
                    self.deadline = Some((later(d), 1011, DEADLINE_EXPIRED));
                }
            }
            Fault::GoAwayStrict {
                time_left,
                close_after,
            } => {
                self.inject(&json!({"goAway": {"timeLeft": format_duration(time_left)}}))?;
                self.deadline = Some((later(close_after), 1008, GOAWAY_ABORT));
            }
            Fault::Drop => {
                let _ = self.raw.shutdown(Shutdown::Both);
                return Err(Stop);
            }
            Fault::Reset => {
                // With linger 0 the last close of the socket sends an RST; every handle on it
                // is closed when the connection thread ends, right after this.
                if let Err(e) =
                    rustix::net::sockopt::set_socket_linger(&self.raw, Some(Duration::ZERO))
                {
                    log::warn!("fake server: cannot set SO_LINGER: {e}; dropping instead");
                    let _ = self.raw.shutdown(Shutdown::Both);
                }
                return Err(Stop);
            }
            Fault::StallAttached { hold } => {
                let until = hold.map(later);
                stall_until(&self.shared, &self.raw, until);
                // The client is gone (or the hold ran out): keep the session until the end.
                while !self.shared.stopping() && until.is_none_or(|t| Instant::now() < t) {
                    std::thread::sleep(READ_TICK);
                }
                let _ = self.raw.shutdown(Shutdown::Both);
                return Err(Stop);
            }
            Fault::TruncatedFrame => self.truncate_next = true,
            Fault::Close { code, reason } => return Err(self.close(code, &reason)),
            Fault::Stall => {
                stall(&self.shared, &self.raw);
                return Err(Stop);
            }
            Fault::CutMidReply { after_sends, code } => self.cut = Some((after_sends, code)),
            Fault::Freeze => {
                freeze(&self.shared, &self.raw);
                return Err(Stop);
            }
            Fault::RefuseUpgrade { .. } => {
                log::warn!("fake server: RefuseUpgrade only applies at the upgrade; ignored");
            }
            Fault::Malformed => self.write_message("{\"serverContent\": {".to_string())?,
            Fault::SlowReader { delay } => self.slow = Some(delay),
            Fault::UnknownMessage => self.inject(&json!({"someFutureMessage": {"x": 1}}))?,
            Fault::SilentDrop => self.silent = true,
        }
        Ok(())
    }

    /// Sleep `d`, waking early on shutdown.
    fn pause(&self, d: Duration) {
        let end = later(d);
        while !self.shared.stopping() {
            let now = Instant::now();
            if now >= end {
                break;
            }
            std::thread::sleep((end - now).min(Duration::from_millis(10)));
        }
    }

    /// Send one server message (text frame, or binary if the options say so), then fire the
    /// faults planned after it.
    pub(super) fn send(&mut self, v: &Value) -> Step {
        let vertex = self
            .vertex
            .as_ref()
            .and_then(|_| super::vertex::usage_in_vertex_names(v));
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
    fn inject(&mut self, v: &Value) -> Step {
        self.write_message(v.to_string())
    }

    /// Write `text` as a frame, unless an armed cut ends the connection first.
    fn write_message(&mut self, text: String) -> Step {
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
    fn truncate(&mut self, payload: &[u8]) -> Stop {
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
    fn close(&mut self, code: u16, reason: &str) -> Stop {
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
