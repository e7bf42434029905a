//! The fault plan at work on one connection: GoAways, drops, resets, stalls, cuts.

use std::io::Read;
use std::net::{Shutdown, TcpStream};
use std::time::{Duration, Instant};

use serde_json::json;

use super::{is_timeout, later, Conn, Step, Stop, DEADLINE_EXPIRED, READ_TICK};
use crate::fake::audio::format_duration;
use crate::fake::options::Fault;
use crate::fake::Shared;

const GOAWAY_ABORT: &str = "Connection aborted because the client failed to close the connection \
     after receiving a GoAway signal once the session duration expired";

/// Hold the socket open and silent: drain and discard what the peer sends until it goes away
/// or the server shuts down.
pub(super) fn stall(shared: &Shared, raw: &TcpStream) {
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

impl Conn {
    pub(super) fn apply(&mut self, fault: Fault) -> Step {
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
    pub(super) fn pause(&self, d: Duration) {
        let end = later(d);
        while !self.shared.stopping() {
            let now = Instant::now();
            if now >= end {
                break;
            }
            std::thread::sleep((end - now).min(Duration::from_millis(10)));
        }
    }
}
