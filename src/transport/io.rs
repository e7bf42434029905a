//! The two I/O threads around one non-blocking WebSocket (design.md §2).
//!
//! tungstenite has no split halves and a TLS stream cannot be cloned, so both threads share
//! the socket behind a `parking_lot` mutex and neither waits while holding it: the reader waits
//! in `poll(2)` for readability, then drains what is there under the lock (at most
//! [`DRAIN_CAP`] messages per hold, released fairly); the writer takes the lock to `write` and
//! `flush`, and on `WouldBlock` releases it and waits in `poll` for writability. `shutdown(2)`
//! on the socket wakes both.

use super::Stream;
use parking_lot::{Mutex, MutexGuard};
use rustix::event::{PollFd, PollFlags};
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;
use tungstenite::{Message, WebSocket};

/// Most messages the reader takes in one hold of the lock, so a writer is never starved.
pub(crate) const DRAIN_CAP: usize = 16;

/// One connection's socket, shared by the reader and the writer.
pub(crate) struct Link {
    ws: Mutex<WebSocket<Stream>>,
    ctl: TcpStream,
    dead: AtomicBool,
}

/// What the reader got from one drain of the socket.
pub(crate) enum Inbound {
    /// A data frame's payload (text or binary: both are UTF-8 JSON).
    Data(tungstenite::Bytes),
    /// The peer sent a close frame (code 1005 when it had none).
    Close(u16, String),
    /// The connection failed or ended without a close frame.
    Failed(tungstenite::Error),
    /// A pong arrived (the keepalive's answer).
    Pong,
}

/// Outcome of waiting in `poll`.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Ready {
    Yes,
    TimedOut,
}

impl Link {
    /// Switches the socket to non-blocking mode and wraps it.
    pub(crate) fn new(ws: WebSocket<Stream>, ctl: TcpStream) -> std::io::Result<Link> {
        ctl.set_read_timeout(None)?;
        ctl.set_write_timeout(None)?;
        ctl.set_nonblocking(true)?;
        Ok(Link {
            ws: Mutex::new(ws),
            ctl,
            dead: AtomicBool::new(false),
        })
    }

    /// Cuts the socket: wakes any thread blocked in `poll`, makes every later I/O fail.
    pub(crate) fn kill(&self) {
        self.dead.store(true, Ordering::SeqCst);
        let _ = self.ctl.shutdown(Shutdown::Both);
    }

    /// Whether [`kill`](Self::kill) was called.
    pub(crate) fn is_dead(&self) -> bool {
        self.dead.load(Ordering::SeqCst)
    }

    /// Waits until the socket is readable (or hung up), `waker` is woken, or `timeout`
    /// passes (`None`: forever).
    pub(crate) fn wait_readable(&self, timeout: Option<Duration>, waker: &Waker) -> Ready {
        let ts = timespec(timeout);
        loop {
            let mut fds = [
                PollFd::new(&self.ctl, PollFlags::IN),
                PollFd::new(&waker.0, PollFlags::IN),
            ];
            match rustix::event::poll(&mut fds, ts.as_ref()) {
                Ok(0) => return Ready::TimedOut,
                Ok(_) => {
                    if !fds[1].revents().is_empty() {
                        waker.clear();
                    }
                    return Ready::Yes;
                }
                Err(rustix::io::Errno::INTR) => continue,
                Err(_) => return Ready::Yes,
            }
        }
    }

    /// Reads every message already available, up to [`DRAIN_CAP`], and flushes queued control
    /// replies (pongs, the close reply). Returns the messages and whether the socket is
    /// drained (`WouldBlock` seen). An end of the connection is the last item.
    pub(crate) fn drain(&self, out: &mut Vec<Inbound>) -> bool {
        let mut ws = self.ws.lock();
        let mut drained = false;
        let mut ended = false;
        for _ in 0..DRAIN_CAP {
            match ws.read() {
                Ok(Message::Text(t)) => out.push(Inbound::Data(t.into())),
                Ok(Message::Binary(b)) => out.push(Inbound::Data(b)),
                Ok(Message::Pong(_)) => out.push(Inbound::Pong),
                Ok(Message::Close(frame)) => {
                    let (code, reason) = frame
                        .map(|f| (u16::from(f.code), f.reason.to_string()))
                        .unwrap_or((1005, String::new()));
                    out.push(Inbound::Close(code, reason));
                    ended = true;
                    break;
                }
                Ok(_) => {}
                Err(tungstenite::Error::Io(e)) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    drained = true;
                    break;
                }
                Err(e) => {
                    out.push(Inbound::Failed(e));
                    ended = true;
                    break;
                }
            }
        }
        // Send the pong or close reply tungstenite queued while reading. A WouldBlock here is
        // fine: the bytes stay queued and the next flush (writer's or ours) sends them.
        let _ = ws.flush();
        MutexGuard::unlock_fair(ws);
        drained || ended
    }

    /// Writes one message and tries once to flush it, without waiting for the socket: `true`
    /// when it reached the socket, `false` when bytes are left in the buffer (a later flush,
    /// e.g. [`send_all`](Self::send_all) with no messages, sends them). The direct send path.
    pub(crate) fn try_send(&self, msg: Message) -> Result<bool, tungstenite::Error> {
        let mut ws = self.ws.lock();
        match ws.write(msg) {
            Ok(()) => {}
            Err(tungstenite::Error::Io(e)) if e.kind() == std::io::ErrorKind::WouldBlock => {}
            Err(e) => return Err(e),
        }
        match ws.flush() {
            Ok(()) => Ok(true),
            Err(tungstenite::Error::Io(e)) if e.kind() == std::io::ErrorKind::WouldBlock => {
                Ok(false)
            }
            Err(e) => Err(e),
        }
    }

    /// Writes the messages and flushes them to the socket, waiting for writability without
    /// holding the lock. Never resends a frame: a `WouldBlock` write has already queued it.
    pub(crate) fn send_all(
        &self,
        msgs: &mut dyn Iterator<Item = Message>,
    ) -> Result<(), tungstenite::Error> {
        let mut ws = self.ws.lock();
        for msg in msgs {
            match ws.write(msg) {
                Ok(()) => {}
                Err(tungstenite::Error::Io(e)) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(e),
            }
        }
        loop {
            match ws.flush() {
                Ok(()) => return Ok(()),
                Err(tungstenite::Error::Io(e)) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    drop(ws);
                    if self.is_dead() {
                        return Err(tungstenite::Error::AlreadyClosed);
                    }
                    poll_fd(&self.ctl, PollFlags::OUT, None);
                    ws = self.ws.lock();
                }
                Err(e) => return Err(e),
            }
        }
    }
}

/// Wakes the reader out of its `poll` without any socket traffic (an eventfd): the writer
/// uses it when a turn starts, so the reader can arm its stall timer. It costs nothing while
/// the session is idle.
pub(crate) struct Waker(rustix::fd::OwnedFd);

impl Waker {
    pub(crate) fn new() -> std::io::Result<Waker> {
        use rustix::event::{eventfd, EventfdFlags};
        Ok(Waker(eventfd(
            0,
            EventfdFlags::CLOEXEC | EventfdFlags::NONBLOCK,
        )?))
    }
    pub(crate) fn wake(&self) {
        let _ = rustix::io::write(&self.0, &1u64.to_ne_bytes());
    }
    fn clear(&self) {
        let mut buf = [0u8; 8];
        let _ = rustix::io::read(&self.0, &mut buf);
    }
}

fn timespec(timeout: Option<Duration>) -> Option<rustix::event::Timespec> {
    timeout.map(|d| rustix::event::Timespec {
        tv_sec: d.as_secs().min(i64::MAX as u64) as i64,
        tv_nsec: d.subsec_nanos() as _,
    })
}

/// `poll(2)` on one descriptor; EINTR is retried, errors and hang-ups count as ready (the next
/// I/O call reports them).
fn poll_fd(sock: &TcpStream, events: PollFlags, timeout: Option<Duration>) -> Ready {
    let ts = timespec(timeout);
    loop {
        let mut fds = [PollFd::new(sock, events)];
        match rustix::event::poll(&mut fds, ts.as_ref()) {
            Ok(0) => return Ready::TimedOut,
            Ok(_) => return Ready::Yes,
            Err(rustix::io::Errno::INTR) => continue,
            Err(_) => return Ready::Yes,
        }
    }
}
