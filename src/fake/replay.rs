//! Serves a wire recording ([`crate::record`]) back to a client: the offline twin of a
//! session captured against the real service.
//!
//! The k-th accepted connection replays the k-th recorded connection (recorded connection
//! attempts that carried no frame, e.g. refused ones, are skipped). Going through its frames
//! in order, the server waits for the client's next data frame at each recorded `send`, and
//! sends each recorded `recv` frame as it was, after the recorded gap since the previous
//! frame (or at once with [`ReplayOptions::fast`]). So the client's messages are answered with
//! the recorded server frames, in order and with the recorded pacing.
//!
//! Each client frame is compared with the recorded one (setup and every input; summarised
//! audio by its length and checksum). The first difference is logged as a warning, naming
//! where and what ("at `clientContent.turns[0].parts[0].text`: expected "hello", got
//! "goodbye""), counted ([`ReplayServer::mismatches`]) and kept
//! ([`ReplayServer::first_mismatch`]); the frame still counts as the awaited one. With
//! [`ReplayOptions::strict`] a difference ends the connection instead, with close 1007 and
//! the difference as the reason; so does, always, a setup asking for another response
//! modality (the recorded answers cannot fit it). Client frames after the end of the
//! recording are counted as extra (a difference too). A connection past the recording is
//! closed with 1008 and a reason saying so, unless [`ReplayOptions::repeat`] starts the
//! recording again (the (k+n)-th connection replays the k-th of n). The end of a connection is
//! not recorded: when a later recorded connection exists, the server ends this one (without
//! a close frame, as a drop) after its last frame, unless the client closes it within a
//! second, so the client reconnects and meets the next one. The server speaks `ws://`
//! only, on any path, and checks no credentials.

use super::bind_port;
use super::replay_check::{compare, kind, Verdict};
use crate::record::restore_summaries;
use crate::sync::Mutex;
use serde_json::Value;
use std::io::BufRead;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};
use tungstenite::{Message, WebSocket};

/// One recorded frame.
#[derive(Clone, Debug, PartialEq)]
pub struct RecordedFrame {
    /// Seconds since the recording started.
    pub t: f64,
    /// `true`: client to server; `false`: server to client.
    pub from_client: bool,
    /// The frame's JSON text: a server frame as it is to be sent (summarised audio restored
    /// as silence), a client frame as recorded (to compare with what the client sends).
    pub text: String,
}

/// A recording, split into its connections.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Recording {
    /// The frames of each connection that carried any, in order.
    pub connections: Vec<Vec<RecordedFrame>>,
}

impl Recording {
    /// Reads a recording file.
    pub fn load(path: impl AsRef<Path>) -> std::io::Result<Recording> {
        let path = path.as_ref();
        let file = std::fs::File::open(path)
            .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
        Recording::parse(std::io::BufReader::new(file))
            .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))
    }

    /// Parses recording lines (the header first).
    pub fn parse(reader: impl BufRead) -> std::io::Result<Recording> {
        let bad = |n: usize, m: &str| {
            std::io::Error::new(std::io::ErrorKind::InvalidData, format!("line {n}: {m}"))
        };
        let mut lines = reader.lines();
        let header: Value = match lines.next() {
            Some(l) => serde_json::from_str(&l?).map_err(|e| bad(1, &e.to_string()))?,
            None => return Err(bad(1, "empty file, expected a recording header")),
        };
        match header.get("gemini_live_recording").and_then(Value::as_u64) {
            Some(crate::record::FORMAT_VERSION) => {}
            Some(v) => return Err(bad(1, &format!("recording format {v} is not supported"))),
            None => return Err(bad(1, "not a gemini_live recording (no header)")),
        }
        let mut rec = Recording::default();
        let mut current: Option<Vec<RecordedFrame>> = None;
        for (i, line) in lines.enumerate() {
            let n = i + 2;
            let line = line?;
            if line.trim().is_empty() {
                continue;
            }
            let entry: Entry<'_> =
                serde_json::from_str(&line).map_err(|e| bad(n, &e.to_string()))?;
            let from_client = match entry.dir {
                "connect" => {
                    if let Some(c) = current.take().filter(|c| !c.is_empty()) {
                        rec.connections.push(c);
                    }
                    current = Some(Vec::new());
                    continue;
                }
                "send" => true,
                "recv" => false,
                other => return Err(bad(n, &format!("unknown dir {other:?}"))),
            };
            let text = match (entry.frame, entry.text) {
                // Client frames keep their summaries: they are compared, not sent.
                (Some(raw), _) if !from_client && raw.get().contains("\"summary\"") => {
                    let mut v: Value =
                        serde_json::from_str(raw.get()).map_err(|e| bad(n, &e.to_string()))?;
                    restore_summaries(&mut v);
                    v.to_string()
                }
                (Some(raw), _) => raw.get().to_string(),
                (None, Some(text)) => text,
                (None, None) => return Err(bad(n, "a frame line without frame or text")),
            };
            current.get_or_insert_with(Vec::new).push(RecordedFrame {
                t: entry.t,
                from_client,
                text,
            });
        }
        if let Some(c) = current.filter(|c| !c.is_empty()) {
            rec.connections.push(c);
        }
        Ok(rec)
    }
}

#[derive(serde::Deserialize)]
struct Entry<'a> {
    t: f64,
    dir: &'a str,
    #[serde(borrow, default)]
    frame: Option<&'a serde_json::value::RawValue>,
    #[serde(default)]
    text: Option<String>,
}

/// How a [`ReplayServer`] runs.
#[derive(Clone, Debug, Default)]
pub struct ReplayOptions {
    /// Port on 127.0.0.1; 0 picks a free one. Defaults to 0.
    pub port: u16,
    /// Send the server's frames as soon as they are due by order, ignoring the recorded
    /// gaps. Defaults to false (recorded pacing).
    pub fast: bool,
    /// End a connection whose client sends something other than the recording (close 1007,
    /// the first difference as the reason) instead of warning and going on. Defaults to
    /// false.
    pub strict: bool,
    /// Serve the recording again for connections past its end (repeated runs of the same
    /// client), instead of closing them (1008). Defaults to false.
    pub repeat: bool,
}

struct Shared {
    recording: Recording,
    fast: bool,
    strict: bool,
    repeat: bool,
    first_mismatch: Mutex<Option<String>>,
    stop: AtomicBool,
    accepted: AtomicU64,
    mismatches: AtomicU64,
    extra: AtomicU64,
    closes: AtomicU64,
    sockets: Mutex<Vec<TcpStream>>,
    threads: Mutex<Vec<JoinHandle<()>>>,
}

/// A server replaying one [`Recording`]. Dropping it stops it and joins its threads.
pub struct ReplayServer {
    shared: Arc<Shared>,
    addr: SocketAddr,
    acceptor: Option<JoinHandle<()>>,
}

impl ReplayServer {
    /// Binds 127.0.0.1 and starts serving `recording`.
    pub fn start(recording: Recording, options: ReplayOptions) -> std::io::Result<ReplayServer> {
        let listener = bind_port(options.port)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            recording,
            fast: options.fast,
            strict: options.strict,
            repeat: options.repeat,
            first_mismatch: Mutex::new(None),
            stop: AtomicBool::new(false),
            accepted: AtomicU64::new(0),
            mismatches: AtomicU64::new(0),
            extra: AtomicU64::new(0),
            closes: AtomicU64::new(0),
            sockets: Mutex::new(Vec::new()),
            threads: Mutex::new(Vec::new()),
        });
        let s = Arc::clone(&shared);
        let acceptor = std::thread::Builder::new()
            .name("fake-replay-accept".into())
            .spawn(move || accept_loop(s, listener))?;
        Ok(ReplayServer {
            shared,
            addr,
            acceptor: Some(acceptor),
        })
    }

    /// The `ws://127.0.0.1:PORT` endpoint to give the client.
    pub fn endpoint(&self) -> String {
        format!("ws://{}", self.addr)
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> u64 {
        self.shared.accepted.load(Ordering::Relaxed)
    }

    /// Client frames whose kind differed from the recording's.
    pub fn mismatches(&self) -> u64 {
        self.shared.mismatches.load(Ordering::Relaxed)
    }

    /// The first difference between what a client sent and the recording, if any: which
    /// connection and message, where in the frame, what was expected and what came.
    pub fn first_mismatch(&self) -> Option<String> {
        self.shared.first_mismatch.lock().clone()
    }

    /// Close frames received from clients.
    pub fn closes_received(&self) -> u64 {
        self.shared.closes.load(Ordering::Relaxed)
    }

    /// Client frames received after the recording's end.
    pub fn extra_frames(&self) -> u64 {
        self.shared.extra.load(Ordering::Relaxed)
    }

    /// Stops accepting, closes the connections and joins every thread.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        let Some(acceptor) = self.acceptor.take() else {
            return;
        };
        self.shared.stop.store(true, Ordering::SeqCst);
        let _ = TcpStream::connect(self.addr);
        let _ = acceptor.join();
        for s in self.shared.sockets.lock().drain(..) {
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
        let threads: Vec<_> = self.shared.threads.lock().drain(..).collect();
        for t in threads {
            let _ = t.join();
        }
    }
}

impl Drop for ReplayServer {
    fn drop(&mut self) {
        self.stop();
    }
}

fn accept_loop(shared: Arc<Shared>, listener: TcpListener) {
    for tcp in listener.incoming() {
        if shared.stop.load(Ordering::SeqCst) {
            return;
        }
        let Ok(tcp) = tcp else { continue };
        let index = shared.accepted.fetch_add(1, Ordering::SeqCst) as usize;
        if let Ok(clone) = tcp.try_clone() {
            shared.sockets.lock().push(clone);
        }
        let s = Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name(format!("fake-replay-conn-{}", index + 1))
            .spawn(move || serve(&s, index, tcp));
        match spawned {
            Ok(h) => shared.threads.lock().push(h),
            Err(e) => log::warn!("replay: could not start a connection thread: {e}"),
        }
    }
}

enum Got {
    Frame(String),
    Ended,
}

/// Reads the client's next data frame (until `deadline`, if given); pongs and pings are
/// handled by tungstenite.
fn next_client_frame(
    shared: &Shared,
    ws: &mut WebSocket<TcpStream>,
    deadline: Option<Instant>,
) -> Got {
    loop {
        if shared.stop.load(Ordering::SeqCst) || deadline.is_some_and(|d| Instant::now() >= d) {
            return Got::Ended;
        }
        match ws.read() {
            Ok(Message::Text(t)) => return Got::Frame(t.to_string()),
            Ok(Message::Binary(b)) => return Got::Frame(String::from_utf8_lossy(&b).into_owned()),
            Ok(Message::Close(_)) => {
                shared.closes.fetch_add(1, Ordering::Relaxed);
                let _ = ws.flush();
                return Got::Ended;
            }
            Ok(_) => continue,
            Err(tungstenite::Error::Io(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                continue
            }
            Err(_) => return Got::Ended,
        }
    }
}

fn serve(shared: &Shared, index: usize, tcp: TcpStream) {
    let _ = tcp.set_nodelay(true);
    // Bounded reads, so a stop is noticed.
    let _ = tcp.set_read_timeout(Some(Duration::from_millis(100)));
    let mut ws = match tungstenite::accept(tcp) {
        Ok(ws) => ws,
        Err(e) => {
            log::debug!("replay: connection {}: upgrade failed: {e}", index + 1);
            return;
        }
    };
    let recorded = shared.recording.connections.len();
    let index = if shared.repeat && recorded > 0 {
        index % recorded
    } else {
        index
    };
    let Some(frames) = shared.recording.connections.get(index) else {
        let reason = format!(
            "replay: the recording's {recorded} connection(s) were all served; restart the \
             server or use --loop"
        );
        log::warn!("{reason}");
        close(&mut ws, 1008, &reason);
        return;
    };
    let mut last = Instant::now();
    let mut client_frames = 0;
    let mut prev_t = frames.first().map_or(0.0, |f| f.t);
    for f in frames {
        if f.from_client {
            let got = match next_client_frame(shared, &mut ws, None) {
                Got::Frame(t) => t,
                Got::Ended => return,
            };
            client_frames += 1;
            if let Verdict::Differs { diff, fatal } = compare(&f.text, &got) {
                let what = format!(
                    "connection {}, client message {client_frames} ({})",
                    index + 1,
                    kind(&f.text)
                );
                if mismatch(shared, &mut ws, &what, &diff, fatal) {
                    return;
                }
            }
        } else {
            if !shared.fast {
                let gap = Duration::from_secs_f64((f.t - prev_t).max(0.0));
                if let Some(wait) = (last + gap).checked_duration_since(Instant::now()) {
                    std::thread::sleep(wait);
                }
            }
            if ws.send(Message::text(f.text.clone())).is_err() {
                return;
            }
        }
        last = Instant::now();
        prev_t = f.t;
    }
    if index + 1 < shared.recording.connections.len() {
        // The client made another connection after this one: unless it closes this one
        // itself within a second, end it as a dropped connection (no close frame), so the
        // client reconnects and meets the next recorded connection.
        let deadline = Instant::now() + Duration::from_secs(1);
        if let Got::Frame(got) = next_client_frame(shared, &mut ws, Some(deadline)) {
            shared.extra.fetch_add(1, Ordering::Relaxed);
            if extra(shared, &mut ws, index, &got) {
                return;
            }
        }
        let _ = ws.get_ref().shutdown(std::net::Shutdown::Both);
        return;
    }
    // The recording is over; keep the connection until the client ends it.
    while let Got::Frame(got) = next_client_frame(shared, &mut ws, None) {
        shared.extra.fetch_add(1, Ordering::Relaxed);
        if extra(shared, &mut ws, index, &got) {
            return;
        }
    }
}

/// A client frame after the recorded ones: a difference. Returns whether the connection was
/// ended.
fn extra(shared: &Shared, ws: &mut WebSocket<TcpStream>, index: usize, got: &str) -> bool {
    let what = format!("connection {}", index + 1);
    let diff = format!("more than was recorded: a {} message", kind(got));
    mismatch(shared, ws, &what, &diff, false)
}

/// Counts, keeps and logs a difference (`diff`, in the message `what`); ends the connection
/// (1007, the difference as the reason) when strict or `fatal`. Returns whether it did.
fn mismatch(
    shared: &Shared,
    ws: &mut WebSocket<TcpStream>,
    what: &str,
    diff: &str,
    fatal: bool,
) -> bool {
    if shared.mismatches.fetch_add(1, Ordering::Relaxed) == 0 {
        *shared.first_mismatch.lock() = Some(format!("{what}: {diff}"));
    }
    log::warn!("replay: the client differs from the recording: {what}: {diff}");
    if shared.strict || fatal {
        close(ws, 1007, &format!("replay mismatch {diff}"));
        return true;
    }
    false
}

/// Closes with `code` and `reason` (cut to the 123 bytes a close frame holds) and waits a
/// moment for the client's answer.
fn close(ws: &mut WebSocket<TcpStream>, code: u16, reason: &str) {
    let frame = tungstenite::protocol::CloseFrame {
        code: code.into(),
        reason: super::audio::truncate_reason(reason).into(),
    };
    let _ = ws.close(Some(frame));
    let _ = ws.flush();
    let until = Instant::now() + Duration::from_secs(1);
    while Instant::now() < until {
        match ws.read() {
            Ok(_) => continue,
            Err(tungstenite::Error::Io(e))
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
                ) =>
            {
                continue
            }
            Err(_) => break,
        }
    }
}
