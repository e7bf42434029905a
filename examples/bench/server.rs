//! The lean bench server, run as a child process (`bench --serve`) so its CPU and memory are
//! not counted as the client's.
//!
//! No validation: it answers `setup` with `setupComplete`, any text input with a short reply
//! and `turnComplete`, and counts audio chunks. Each connection gets a thread (64 KiB stack)
//! for the handshake and `setup` (blocking tungstenite); then connections with an inbound
//! load keep their thread (plus one generating the load), and all others are served by one
//! `epoll` thread over non-blocking sockets, so a thousand streaming connections cost the
//! server a few wake-ups per batch instead of a thousand threads woken 50 times a second. Behaviour is chosen per connection by directives in the setup's
//! system instruction, `bench:key=value;key=value`:
//!
//! - `inbound=N`: send N server messages per second (a 20 ms, 24 kHz audio chunk each);
//!   `inbound=flood`: as fast as the client takes them.
//! - `turn_every=K`: after every K audio chunks, answer as a server VAD would (a short reply,
//!   `turnComplete`, a resumable `sessionResumptionUpdate`).
//!
//! The text `count` is answered with `audio N` (chunks received so far), so a client knows
//! when all it sent has arrived; the text `burst` with [`BURST`] audio chunks and
//! `turnComplete` in one write. Server frames are written whole under one lock, so the
//! load generator thread and the reply path never interleave bytes.

use std::collections::HashMap;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tungstenite::Message;

const STACK: usize = 64 * 1024;

/// Runs the server: prints `PORT n`, serves until standard input closes.
pub fn serve() -> ! {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    println!("PORT {port}");
    let _ = std::io::stdout().flush();
    std::thread::spawn(|| {
        let mut b = [0u8; 64];
        loop {
            match std::io::stdin().read(&mut b) {
                Ok(0) | Err(_) => std::process::exit(0),
                Ok(_) => {}
            }
        }
    });
    let poller = Arc::new(Poller {
        epoll: rustix::event::epoll::create(rustix::event::epoll::CreateFlags::CLOEXEC)
            .expect("epoll"),
        conns: parking_lot::Mutex::new(HashMap::new()),
        next: AtomicU64::new(1),
    });
    let p = poller.clone();
    std::thread::Builder::new()
        .name("bench-epoll".into())
        .spawn(move || p.run())
        .expect("spawn the epoll thread");
    for stream in listener.incoming() {
        let Ok(stream) = stream else { continue };
        let poller = poller.clone();
        let spawned = std::thread::Builder::new()
            .name("bench-conn".into())
            .stack_size(STACK)
            .spawn(move || {
                let _ = connection(stream, &poller);
            });
        if let Err(e) = spawned {
            eprintln!("bench server: cannot spawn a connection thread: {e}");
        }
    }
    std::process::exit(0)
}

/// The socket for tungstenite: reads from one handle, writes whole buffers under the lock.
struct Duplex {
    r: TcpStream,
    w: Arc<parking_lot::Mutex<TcpStream>>,
}

impl Read for Duplex {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        self.r.read(buf)
    }
}

impl Write for Duplex {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.w.lock().write_all(buf)?;
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// An unmasked server text frame.
pub fn frame(payload: &str) -> Vec<u8> {
    let n = payload.len();
    let mut f = Vec::with_capacity(n + 10);
    f.push(0x81);
    if n < 126 {
        f.push(n as u8);
    } else if n < 65536 {
        f.push(126);
        f.extend_from_slice(&(n as u16).to_be_bytes());
    } else {
        f.push(127);
        f.extend_from_slice(&(n as u64).to_be_bytes());
    }
    f.extend_from_slice(payload.as_bytes());
    f
}

/// Audio chunks in the reply to the text `burst`.
pub const BURST: usize = 16;

/// The inbound load message: 20 ms of 24 kHz audio (960 bytes, 1280 in base64).
pub fn inbound_message() -> String {
    let pcm: Vec<u8> = (0..960u32).map(|i| (i * 7 % 251) as u8).collect();
    use base64::Engine;
    let b64 = base64::engine::general_purpose::STANDARD.encode(pcm);
    format!(
        r#"{{"serverContent":{{"modelTurn":{{"parts":[{{"inlineData":{{"mimeType":"audio/pcm;rate=24000","data":"{b64}"}}}}]}}}}}}"#
    )
}

#[derive(Default)]
struct Directives {
    /// Messages per second; `Some(0)` = flood.
    inbound: Option<u32>,
    turn_every: u64,
}

fn directives(setup: &str) -> Directives {
    let mut d = Directives::default();
    let Some(start) = setup.find("bench:") else {
        return d;
    };
    let rest = &setup[start + 6..];
    let end = rest.find('"').unwrap_or(rest.len());
    for kv in rest[..end].split(';') {
        match kv.split_once('=') {
            Some(("inbound", "flood")) => d.inbound = Some(0),
            Some(("inbound", n)) => d.inbound = n.parse().ok().filter(|n| *n > 0),
            Some(("turn_every", n)) => d.turn_every = n.parse().unwrap_or(0),
            _ => {}
        }
    }
    d
}

/// One connection's state after `setup`.
struct Conn {
    ws: tungstenite::WebSocket<Duplex>,
    w: Arc<parking_lot::Mutex<TcpStream>>,
    ctl: TcpStream,
    turn_every: u64,
    audio: u64,
    turns: u64,
}

impl Conn {
    fn send(&self, payloads: &[&str]) -> std::io::Result<()> {
        let mut bytes = Vec::new();
        for p in payloads {
            bytes.extend_from_slice(&frame(p));
        }
        self.w.lock().write_all(&bytes)
    }

    /// Handles one client message; `Ok(false)` when the connection is over.
    fn on_message(&mut self, msg: tungstenite::Result<Message>) -> std::io::Result<bool> {
        let payload = match msg {
            Ok(Message::Text(t)) => t,
            Ok(Message::Binary(b)) => match tungstenite::Utf8Bytes::try_from(b) {
                Ok(t) => t,
                Err(_) => return Ok(true),
            },
            Ok(Message::Close(_)) => {
                let _ = self.ws.flush();
                return Ok(false);
            }
            Ok(_) => return Ok(true),
            Err(tungstenite::Error::Io(e)) => return Err(e),
            Err(tungstenite::Error::ConnectionClosed) => return Ok(false),
            Err(e) => return Err(std::io::Error::other(e.to_string())),
        };
        let text = payload.as_str();
        if text.starts_with(r#"{"realtimeInput":{"audio""#) {
            self.audio += 1;
            if self.turn_every > 0 && self.audio.is_multiple_of(self.turn_every) {
                self.turns += 1;
                let handle = format!(
                    r#"{{"sessionResumptionUpdate":{{"newHandle":"h{}","resumable":true}}}}"#,
                    self.turns
                );
                self.send(&[
                    r#"{"serverContent":{"modelTurn":{"parts":[{"text":"ok"}]}}}"#,
                    r#"{"serverContent":{"turnComplete":true}}"#,
                    &handle,
                ])?;
            }
        } else if text.contains("\"count\"") {
            let reply = format!(
                r#"{{"serverContent":{{"modelTurn":{{"parts":[{{"text":"audio {}"}}]}}}}}}"#,
                self.audio
            );
            self.send(&[&reply])?;
            self.send(&[r#"{"serverContent":{"turnComplete":true}}"#])?;
        } else if text.contains("\"burst\"") {
            // A reply that arrives as one burst: BURST audio chunks and the turn's end in
            // one write, as the service's audio often comes.
            let audio = inbound_message();
            let mut burst: Vec<&str> = vec![&audio; BURST];
            burst.push(r#"{"serverContent":{"turnComplete":true}}"#);
            self.send(&burst)?;
        } else {
            self.send(&[r#"{"serverContent":{"modelTurn":{"parts":[{"text":"ok"}]}}}"#])?;
            self.send(&[r#"{"serverContent":{"turnComplete":true}}"#])?;
        }
        Ok(true)
    }
}

/// The `epoll` thread and the connections it serves.
struct Poller {
    epoll: rustix::fd::OwnedFd,
    conns: parking_lot::Mutex<HashMap<u64, Conn>>,
    next: AtomicU64,
}

impl Poller {
    fn add(&self, conn: Conn) -> std::io::Result<()> {
        use rustix::event::epoll;
        conn.ctl.set_nonblocking(true)?;
        let key = self.next.fetch_add(1, Ordering::Relaxed);
        let fd = conn.ctl.try_clone()?;
        self.conns.lock().insert(key, conn);
        epoll::add(
            &self.epoll,
            &fd,
            epoll::EventData::new_u64(key),
            epoll::EventFlags::IN,
        )?;
        Ok(())
    }

    fn run(&self) {
        use rustix::event::epoll;
        let mut events = Vec::with_capacity(256);
        loop {
            events.clear();
            if epoll::wait(
                &self.epoll,
                rustix::buffer::spare_capacity(&mut events),
                None,
            )
            .is_err()
            {
                continue;
            }
            let mut conns = self.conns.lock();
            for ev in &events {
                let key = ev.data.u64();
                let Some(conn) = conns.get_mut(&key) else {
                    continue;
                };
                let alive = loop {
                    let msg = conn.ws.read();
                    match conn.on_message(msg) {
                        Ok(true) => {}
                        Ok(false) => break false,
                        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break true,
                        Err(_) => break false,
                    }
                };
                if !alive {
                    if let Some(conn) = conns.remove(&key) {
                        let _ = epoll::delete(&self.epoll, &conn.ctl);
                        let _ = conn.ctl.shutdown(std::net::Shutdown::Both);
                    }
                }
            }
        }
    }
}

fn connection(stream: TcpStream, poller: &Poller) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let w = Arc::new(parking_lot::Mutex::new(stream.try_clone()?));
    let ctl = stream.try_clone()?;
    let duplex = Duplex {
        r: stream,
        w: w.clone(),
    };
    let mut ws = tungstenite::accept(duplex).map_err(|e| std::io::Error::other(e.to_string()))?;
    let setup = match ws.read() {
        Ok(Message::Text(t)) => t.to_string(),
        Ok(Message::Binary(b)) => String::from_utf8_lossy(&b).into_owned(),
        _ => return Ok(()),
    };
    let d = directives(&setup);
    let mut conn = Conn {
        ws,
        w,
        ctl,
        turn_every: d.turn_every,
        audio: 0,
        turns: 0,
    };
    conn.send(&[r#"{"setupComplete":{}}"#])?;
    let Some(rate) = d.inbound else {
        return poller.add(conn);
    };
    let stop = Arc::new(AtomicBool::new(false));
    let generator = {
        let (w, stop) = (conn.w.clone(), stop.clone());
        std::thread::Builder::new()
            .name("bench-load".into())
            .stack_size(STACK)
            .spawn(move || generate(&w, rate, &stop))
    };
    let result = loop {
        let msg = conn.ws.read();
        if matches!(msg, Ok(Message::Close(_))) {
            stop.store(true, Ordering::SeqCst);
        }
        match conn.on_message(msg) {
            Ok(true) => {}
            Ok(false) => break Ok(()),
            Err(e) => break Err(e),
        }
    };
    stop.store(true, Ordering::SeqCst);
    let _ = conn.ctl.shutdown(std::net::Shutdown::Both);
    if let Ok(g) = generator {
        let _ = g.join();
    }
    result
}

/// Writes the inbound load: `rate` messages per second on a fixed schedule, or (rate 0) as
/// fast as the socket takes them.
fn generate(w: &parking_lot::Mutex<TcpStream>, rate: u32, stop: &AtomicBool) {
    let one = frame(&inbound_message());
    let batch: Vec<u8> = one.iter().copied().cycle().take(one.len() * 8).collect();
    let start = Instant::now();
    let mut n: u64 = 0;
    while !stop.load(Ordering::Relaxed) {
        if rate == 0 {
            if w.lock().write_all(&batch).is_err() {
                return;
            }
            // Let the reply path in between batches.
            std::thread::yield_now();
        } else {
            n += 1;
            let at = start + Duration::from_secs_f64(n as f64 / rate as f64);
            crate::sys::sleep_until(at);
            if w.lock().write_all(&one).is_err() {
                return;
            }
        }
    }
}
