//! The non-blocking WebSocket that the session's threads share (design.md §2): [`Link`].
//!
//! tungstenite has no split halves and a TLS stream cannot be cloned, so the reader and the
//! writers share the socket behind a mutex and nobody waits while holding it:
//! the reader waits in `poll(2)` for readability, then reads what is there in one hold of the
//! lock (at most [`DRAIN_CAP`] messages), then decodes and delivers the
//! messages one by one after releasing it ([`Link::read_batch`]); writes go
//! through [`Link::write`], which on `WouldBlock` releases the lock and waits in `poll` for
//! writability. `shutdown(2)` on the socket wakes every waiter ([`Link::kill`]).
//!
//! Where the rest lives: what is written when (input, keepalive pings, replay, close frames)
//! is decided in one place, `session/writer.rs`; the reader thread, the only reader, decodes
//! and delivers in `session/receive.rs`.

use super::Stream;
use crate::sync::Mutex;
use rustix::event::{PollFd, PollFlags};
use std::collections::VecDeque;
use std::net::{Shutdown, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;
use tungstenite::{Message, WebSocket};

/// Most messages one [`Link::read_batch`] reads in one hold of the lock, so a writer is never
/// starved and the reader's timers (GoAway, stall, keepalive) get a turn under a flood.
pub(crate) const DRAIN_CAP: usize = 16;

/// One connection's socket, shared by the reader and the writers.
pub(crate) struct Link {
    ws: Mutex<WebSocket<Stream>>,
    ctl: TcpStream,
    dead: AtomicBool,
    /// Writers waiting for the lock: [`Link::read_batch`] lets go after the message it is
    /// reading, so a send waits for one message to be read, not for [`DRAIN_CAP`] of them.
    writers_waiting: AtomicUsize,
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
    /// Switches the socket to non-blocking mode and wraps it. (The connect phases' socket
    /// timeouts stay set: a non-blocking socket never waits, so they no longer apply; every
    /// wait from here on is a `poll` with its own timeout.)
    pub(crate) fn new(ws: WebSocket<Stream>, ctl: TcpStream) -> std::io::Result<Link> {
        ctl.set_nonblocking(true)?;
        Ok(Link {
            ws: Mutex::new(ws),
            ctl,
            dead: AtomicBool::new(false),
            writers_waiting: AtomicUsize::new(0),
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

    /// Waits until the socket is readable (or hung up, or [`kill`](Self::kill)ed), or
    /// `timeout` passes (`None`: forever).
    pub(crate) fn wait_readable(&self, timeout: Option<Duration>) -> Ready {
        poll_fd(&self.ctl, PollFlags::IN, timeout)
    }

    /// Reads the messages already available (up to `cap`, at most [`DRAIN_CAP`], until `WouldBlock` or the
    /// end of the connection) in one hold of the lock, appends them to `out`, and flushes the pong or close reply
    /// tungstenite queued while reading (a `WouldBlock` there is fine: the bytes stay queued
    /// for the next write or read). An end of the connection ([`Inbound::Close`] or
    /// [`Inbound::Failed`]) is the last item. Returns whether the socket is drained
    /// (`WouldBlock` seen) or ended.
    ///
    /// The caller decodes and delivers them one by one with the lock released
    /// (`session/receive.rs`). Reading is cheap next to decoding (base64 and JSON), so the first
    /// message of a burst waits for the frames behind it to be read, not decoded. One hold per
    /// message instead measured the same first-message latency but cost a flat-out upload
    /// half its rate, the writer and the reader trading the lock four times as often
    /// (BENCHMARKS.md).
    pub(crate) fn read_batch(&self, out: &mut VecDeque<Inbound>, cap: usize) -> bool {
        let mut drained = false;
        let mut ws = self.ws.lock();
        let mut read = 0;
        while read < cap.clamp(1, DRAIN_CAP) {
            // A writer waits: let it in after at least one message (the reader comes back for
            // the rest: it is not drained).
            if read > 0 && self.writers_waiting.load(Ordering::Relaxed) > 0 {
                break;
            }
            read += 1;
            match ws.read() {
                Ok(Message::Text(t)) => out.push_back(Inbound::Data(t.into())),
                Ok(Message::Binary(b)) => out.push_back(Inbound::Data(b)),
                Ok(Message::Pong(_)) => out.push_back(Inbound::Pong),
                Ok(Message::Close(frame)) => {
                    let (code, reason) = frame
                        .map(|f| (u16::from(f.code), f.reason.to_string()))
                        .unwrap_or((1005, String::new()));
                    out.push_back(Inbound::Close(code, reason));
                    drained = true;
                    break;
                }
                Ok(_) => {}
                Err(tungstenite::Error::Io(e)) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    drained = true;
                    break;
                }
                Err(e) => {
                    out.push_back(Inbound::Failed(e));
                    drained = true;
                    break;
                }
            }
        }
        let _ = ws.flush();
        drop(ws);
        drained
    }

    /// Writes the messages and flushes them: the only code that writes to the socket, called
    /// only by `session/writer.rs`, which decides what is written when. With
    /// [`Flush::Wait`] it waits for writability without holding the lock until everything is
    /// flushed (`Ok(true)`); with [`Flush::Try`] it tries once and returns `Ok(false)` when
    /// bytes are left in tungstenite's buffer (a later write or an empty `Flush::Wait` sends
    /// them). Never resends a frame: a `WouldBlock` write has already queued it.
    pub(crate) fn write(
        &self,
        msgs: &mut dyn Iterator<Item = Message>,
        flush: Flush,
    ) -> Result<bool, tungstenite::Error> {
        let mut ws = self.lock_for_write();
        for msg in msgs {
            match ws.write(msg) {
                Ok(()) => {}
                Err(tungstenite::Error::Io(e)) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) => return Err(e),
            }
        }
        loop {
            match ws.flush() {
                Ok(()) => return Ok(true),
                Err(tungstenite::Error::Io(e)) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    if flush == Flush::Try {
                        return Ok(false);
                    }
                    drop(ws);
                    if self.is_dead() {
                        return Err(tungstenite::Error::AlreadyClosed);
                    }
                    poll_fd(&self.ctl, PollFlags::OUT, None);
                    ws = self.lock_for_write();
                }
                Err(e) => return Err(e),
            }
        }
    }
}

impl Link {
    /// The socket's lock for a write: at once if it is free, otherwise after telling the
    /// reader to let go ([`Link::read_batch`] checks between messages).
    fn lock_for_write(&self) -> crate::sync::MutexGuard<'_, WebSocket<Stream>> {
        if let Some(ws) = self.ws.try_lock() {
            return ws;
        }
        self.writers_waiting.fetch_add(1, Ordering::Relaxed);
        let ws = self.ws.lock();
        self.writers_waiting.fetch_sub(1, Ordering::Relaxed);
        ws
    }
}

/// How [`Link::write`] waits for the socket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Flush {
    /// One flush attempt; bytes the socket does not take stay buffered.
    Try,
    /// Until everything is flushed, waiting in `poll` (without the lock) for writability.
    Wait,
}

fn timespec(timeout: Option<Duration>) -> Option<rustix::event::Timespec> {
    timeout.map(|d| rustix::event::Timespec {
        tv_sec: d.as_secs().min(i64::MAX as u64) as i64,
        tv_nsec: d.subsec_nanos() as _,
    })
}

/// `poll(2)` on one descriptor; EINTR is retried, errors and hang-ups count as ready (the next
/// I/O call reports them).
fn poll_fd(fd: &impl rustix::fd::AsFd, events: PollFlags, timeout: Option<Duration>) -> Ready {
    let ts = timespec(timeout);
    loop {
        let mut fds = [PollFd::new(fd, events)];
        match rustix::event::poll(&mut fds, ts.as_ref()) {
            Ok(0) => return Ready::TimedOut,
            Ok(_) => return Ready::Yes,
            Err(rustix::io::Errno::INTR) => continue,
            Err(_) => return Ready::Yes,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use std::net::TcpListener;
    use tungstenite::protocol::Role;

    /// A link whose peer has already sent `n` small text frames.
    fn link_with_frames(n: usize) -> (Link, TcpStream) {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let client = TcpStream::connect(listener.local_addr().unwrap()).unwrap();
        let (mut server, _) = listener.accept().unwrap();
        let mut bytes = Vec::new();
        for i in 0..n {
            let payload = format!("{{\"n\":{i}}}");
            bytes.extend_from_slice(&[0x81, payload.len() as u8]);
            bytes.extend_from_slice(payload.as_bytes());
        }
        server.write_all(&bytes).unwrap();
        let ctl = client.try_clone().unwrap();
        let ws = WebSocket::from_raw_socket(Stream::Plain(client), Role::Client, None);
        let link = Link::new(ws, ctl).unwrap();
        assert_eq!(link.wait_readable(Some(Duration::from_secs(5))), Ready::Yes);
        (link, server)
    }

    #[test]
    fn a_waiting_writer_makes_the_reader_let_go_after_one_message() {
        let (link, _server) = link_with_frames(5);
        let mut out = VecDeque::new();
        link.writers_waiting.store(1, Ordering::SeqCst);
        assert!(
            !link.read_batch(&mut out, DRAIN_CAP),
            "not drained: it let go"
        );
        assert_eq!(out.len(), 1);
        link.writers_waiting.store(0, Ordering::SeqCst);
        assert!(
            link.read_batch(&mut out, DRAIN_CAP),
            "the rest, then WouldBlock"
        );
        let got: Vec<String> = out
            .iter()
            .map(|i| match i {
                Inbound::Data(b) => String::from_utf8_lossy(b).into_owned(),
                _ => panic!("not data"),
            })
            .collect();
        let want: Vec<String> = (0..5).map(|i| format!("{{\"n\":{i}}}")).collect();
        assert_eq!(got, want, "every message once, in order");
    }

    #[test]
    fn without_a_waiting_writer_a_batch_reads_up_to_the_cap() {
        let (link, _server) = link_with_frames(DRAIN_CAP + 2);
        let mut out = VecDeque::new();
        assert!(!link.read_batch(&mut out, DRAIN_CAP));
        assert_eq!(out.len(), DRAIN_CAP);
    }
}
