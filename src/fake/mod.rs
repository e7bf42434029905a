//! A strict, scriptable fake of the Gemini Live WebSocket service, for offline tests.
//!
//! [`FakeServer::start`] binds `127.0.0.1` and serves `BidiGenerateContent` (and
//! `BidiGenerateContentConstrained`) the way protocol.md Part B describes the real service:
//!
//! - **Strict**: the first message must be one `setup`; unknown fields, wrong JSON types,
//!   explicit `null`s, two response modalities, a second setup, unknown models, bad or missing
//!   API keys, bad base64 or odd-length audio, and activity signals that contradict the VAD
//!   setting all close the socket with the real service's close code and reason (truncated
//!   to 123 bytes). Both lowerCamelCase and snake_case field names are accepted at every level,
//!   as are text and binary client frames and standard or URL-safe base64, so everything the
//!   official SDKs send (`tests/golden/`) is accepted.
//! - **Deterministic**: a text turn (`clientContent` with `turnComplete: true`, answering the
//!   last user text, or `realtimeInput.text`) is answered with `[turn N] echo: <text>`; an
//!   audio turn (ended by `audioStreamEnd`, or by `activityEnd` when VAD is disabled; skipped
//!   if no audio came since the previous audio turn) with
//!   `[turn N] heard B bytes of audio, checksum <16 hex digits>`, where B and the FNV-1a 64
//!   checksum ([`fnv1a64`]) cover that turn's decoded audio only. TEXT sessions get the reply
//!   as [`FakeOptions::text_reply_parts`] `modelTurn` text parts; AUDIO sessions (the default)
//!   get [`synth_reply_audio`] as 24 kHz PCM chunks of [`FakeOptions::audio_chunk_ms`], with the
//!   reply as `outputTranscription` pieces between them when that is enabled. With
//!   `inputAudioTranscription`, audio and realtime-text turns start with an `inputTranscription`
//!   (`"B bytes of audio"` or the text). Every turn ends with `generationComplete`, then
//!   `turnComplete` with `usageMetadata`. N counts completed turns per logical session, from 1,
//!   and survives resumption.
//! - **Tools and test texts**: the user text `call tool NAME with {JSON}` produces
//!   `{"toolCall":{"functionCalls":[{"id":"function-call-<n>","name":NAME,"args":{JSON}}]}}`;
//!   once every pending call has a `toolResponse`, the same turn N is answered with
//!   `[turn N] tool NAME returned <response as compact JSON>`. New user input while calls are
//!   pending cancels them (`toolCallCancellation`). `send unknown` first sends
//!   `{"someFutureMessage":{"x":1}}`, `usage only` first sends a `serverContent` that is empty
//!   apart from `usageMetadata`, and `interrupt me` stops after two parts with
//!   `interrupted: true` (no `generationComplete`) before `turnComplete`.
//! - **Resumable**: with `sessionResumption` in setup, the server issues a handle right after
//!   `setupComplete` and after every `turnComplete` (and sends `resumable: false` when a turn
//!   starts); a handle restores the session state it captured ([`SessionSnapshot`]: turn
//!   counter, running input checksum, texts, history), so input sent after it must be sent
//!   again. Handles expire [`FakeOptions::handle_ttl`] after they were issued (1008
//!   "unknown or expired handle H"). Resuming while another connection still holds the session
//!   is refused with 1011 "The service is currently unavailable." (after a 300 ms grace for a
//!   close in flight).
//! - **Faulty on demand**: a [`FaultPlan`] injects GoAway, TCP drops, close codes, stalls,
//!   refused upgrades, malformed frames, slow reads, unknown messages and silent drops at an
//!   exact point of an exact connection: after the n-th client message, or after the n-th
//!   server message (so every server-message boundary is reachable). It also resets
//!   connections, truncates frames, keeps a stalled session attached (resumes are refused with
//!   1011 meanwhile), and with [`FakeOptions::draining`] sends a GoAway on every connection.
//!
//! One acceptor thread and one thread per connection (blocking tungstenite, 50 ms read
//! ticks); dropping the server closes every connection and joins every thread.

mod audio;
mod conn;
mod context;
mod energy_vad;
mod options;
pub mod phrases;
mod plan;
pub mod replay;
mod replay_check;
mod schema;
mod store;
mod tls;
mod turn;
mod upgrade;
mod validate;
mod vertex;

use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::sync::Mutex;

pub use audio::{
    fnv1a64, fnv1a64_update, synth_reply_audio, synth_reply_words, FNV_OFFSET, REPLY_SAMPLE_RATE,
};
pub use options::{FakeOptions, Fault, FaultPlan, TEXT_MODEL};
pub use plan::{fault_plan_help, parse_fault_plan, FAULT_KINDS};
pub use store::SessionSnapshot;
pub use vertex::{VertexFakeAuth, VertexTokens};

/// What the server saw and did on one accepted TCP connection.
#[derive(Clone, Debug, Default)]
pub struct ConnectionRecord {
    /// 1-based index, in order of acceptance.
    pub index: usize,
    /// Request path of the upgrade (empty if none was read).
    pub path: String,
    /// Raw query string of the upgrade (without `?`).
    pub query: String,
    /// Upgrade request headers, names in lower case, values as received (including keys:
    /// this is a test-only server).
    pub headers: Vec<(String, String)>,
    /// Raw text of every client data frame received, in order (binary frames as lossy UTF-8).
    pub frames: Vec<String>,
    /// Close code and reason the server sent, if any.
    pub close_sent: Option<(u16, String)>,
    /// Close code and reason the client sent, if any (1005 and an empty reason for a close
    /// frame without a code).
    pub close_received: Option<(u16, String)>,
    /// Raw text of every server data message sent, in order (those the fault plan injected
    /// included; a frame cut by [`Fault::TruncatedFrame`] excluded).
    pub sent: Vec<String>,
    /// The resumption handle the client's setup asked for, if any.
    pub resumed_handle: Option<String>,
    /// Whether the connection is still open.
    pub open: bool,
    /// Frames left out of `frames` and `sent` to keep the server's records within
    /// [`FakeOptions::record_limit`]: a closed
    /// connection's are dropped whole, oldest first; an open one stops recording.
    pub unrecorded: usize,
}

/// One accepted connection: its record, a handle on its socket (to shut it down) and its
/// thread.
pub(crate) struct Slot {
    pub(crate) record: ConnectionRecord,
    pub(crate) socket: Option<TcpStream>,
    thread: Option<JoinHandle<()>>,
}

/// State shared by the acceptor and the connection threads.
pub(crate) struct Shared {
    pub(crate) options: FakeOptions,
    pub(crate) tls: Option<native_tls::TlsAcceptor>,
    pub(crate) store: store::Store,
    /// Bearer tokens presented on the Vertex path, in order.
    pub(crate) vertex_tokens: vertex::TokenLog,
    stop: AtomicBool,
    slots: Mutex<Slots>,
}

/// Every connection so far, and the bytes their records hold.
#[derive(Default)]
pub(crate) struct Slots {
    list: Vec<Slot>,
    /// Bytes in every record's `frames` and `sent`.
    recorded: usize,
    /// Records before this index were trimmed already (or are open).
    trimmed_upto: usize,
}

impl Slots {
    /// Records `text` in connection `index`'s `frames` (`sent` with `sent`), within the
    /// record limit: the oldest closed connections' frames go first.
    fn record(&mut self, index: usize, text: String, sent: bool, limit: usize) {
        let len = text.len();
        while self.recorded + len > limit && self.trim_oldest_closed() {}
        let Some(slot) = index.checked_sub(1).and_then(|i| self.list.get_mut(i)) else {
            return;
        };
        if self.recorded + len > limit {
            slot.record.unrecorded += 1;
            return;
        }
        self.recorded += len;
        if sent {
            slot.record.sent.push(text);
        } else {
            slot.record.frames.push(text);
        }
    }

    /// Empties the oldest closed connection's frames; `false` if none is left to trim.
    fn trim_oldest_closed(&mut self) -> bool {
        for i in self.trimmed_upto..self.list.len() {
            let r = &mut self.list[i].record;
            if r.open || (r.frames.is_empty() && r.sent.is_empty()) {
                continue;
            }
            let bytes: usize = r.frames.iter().chain(&r.sent).map(String::len).sum();
            r.unrecorded += r.frames.len() + r.sent.len();
            r.frames = Vec::new();
            r.sent = Vec::new();
            self.recorded -= bytes.min(self.recorded);
            if self.list[..=i].iter().all(|s| !s.record.open) {
                self.trimmed_upto = i + 1;
            }
            return true;
        }
        false
    }

    /// Joins the threads of connections that have ended (their stacks are freed only then).
    fn join_finished(&mut self) {
        for slot in &mut self.list {
            if slot.thread.as_ref().is_some_and(JoinHandle::is_finished) {
                if let Some(t) = slot.thread.take() {
                    let _ = t.join();
                }
            }
        }
    }
}

impl Shared {
    pub(crate) fn stopping(&self) -> bool {
        self.stop.load(Ordering::SeqCst)
    }

    /// Update the record of connection `index`.
    pub(crate) fn update(&self, index: usize, f: impl FnOnce(&mut ConnectionRecord)) {
        let mut slots = self.slots.lock();
        if let Some(slot) = index.checked_sub(1).and_then(|i| slots.list.get_mut(i)) {
            f(&mut slot.record);
        }
    }

    /// Records a client frame (`sent == false`) or a server message of connection `index`.
    pub(crate) fn record(&self, index: usize, text: String, sent: bool) {
        let limit = self.options.record_limit;
        self.slots.lock().record(index, text, sent, limit);
    }

    /// Connection `index` has ended.
    pub(crate) fn finished(&self, index: usize) {
        let mut slots = self.slots.lock();
        if let Some(slot) = index.checked_sub(1).and_then(|i| slots.list.get_mut(i)) {
            slot.record.open = false;
            slot.socket = None;
        }
    }
}

/// The fake Live server. Dropping it shuts it down (stops accepting, closes live connections,
/// joins its threads).
pub struct FakeServer {
    shared: Arc<Shared>,
    addr: SocketAddr,
    ca_pem: Option<String>,
    acceptor: Option<JoinHandle<()>>,
}

impl std::fmt::Debug for FakeServer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeServer")
            .field("addr", &self.addr)
            .field("tls", &self.ca_pem.is_some())
            .finish()
    }
}

impl FakeServer {
    /// Bind `127.0.0.1:options.port` (0 = an ephemeral port) and start serving.
    pub fn start(options: FakeOptions) -> std::io::Result<FakeServer> {
        let (tls, ca_pem) = if let Some((chain, key)) = &options.tls_identity {
            let identity = native_tls::Identity::from_pkcs8(chain.as_bytes(), key.as_bytes())
                .map_err(|e| std::io::Error::other(format!("fake server TLS identity: {e}")))?;
            let acceptor = native_tls::TlsAcceptor::new(identity)
                .map_err(|e| std::io::Error::other(format!("fake server TLS setup: {e}")))?;
            (Some(acceptor), None)
        } else if options.tls {
            let m = tls::make_tls()?;
            (Some(m.acceptor), Some(m.cert_pem))
        } else {
            (None, None)
        };
        let listener = bind_port(options.port)?;
        let addr = listener.local_addr()?;
        let shared = Arc::new(Shared {
            options,
            tls,
            store: store::Store::new(),
            vertex_tokens: vertex::TokenLog::default(),
            stop: AtomicBool::new(false),
            slots: Mutex::new(Slots::default()),
        });
        let acc_shared = Arc::clone(&shared);
        let acceptor = std::thread::Builder::new()
            .name("fake-live-accept".into())
            .spawn(move || accept_loop(acc_shared, listener))?;
        log::info!("fake Live server listening on {addr}");
        Ok(FakeServer {
            shared,
            addr,
            ca_pem,
            acceptor: Some(acceptor),
        })
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `ws://127.0.0.1:PORT`, or `wss://localhost:PORT` with TLS (the certificate names
    /// `localhost` and `127.0.0.1`).
    pub fn endpoint(&self) -> String {
        if self.ca_pem.is_some() {
            format!("wss://localhost:{}", self.addr.port())
        } else {
            format!("ws://127.0.0.1:{}", self.addr.port())
        }
    }

    /// PEM of the self-signed certificate (its own CA) when TLS is on.
    pub fn ca_pem(&self) -> Option<String> {
        self.ca_pem.clone()
    }

    /// One record per accepted TCP connection, in order.
    pub fn connections(&self) -> Vec<ConnectionRecord> {
        self.shared
            .slots
            .lock()
            .list
            .iter()
            .map(|s| s.record.clone())
            .collect()
    }

    /// Number of accepted TCP connections so far.
    pub fn connection_count(&self) -> usize {
        self.shared.slots.lock().list.len()
    }

    /// State of every logical session, by id.
    pub fn state_snapshot(&self) -> Vec<SessionSnapshot> {
        self.shared.store.snapshot()
    }

    /// Stop accepting, close live connections and join all threads.
    pub fn shutdown(mut self) {
        self.stop_all();
    }

    fn stop_all(&mut self) {
        let Some(acceptor) = self.acceptor.take() else {
            return;
        };
        self.shared.stop.store(true, Ordering::SeqCst);
        // Wake the blocking accept.
        match TcpStream::connect_timeout(&self.addr, Duration::from_millis(500)) {
            Ok(_) => {
                let _ = acceptor.join();
            }
            Err(e) => log::warn!("fake server: could not wake the acceptor: {e}"),
        }
        // Connection threads notice the flag within one read tick and close with 1001;
        // give them a moment, then cut whatever is left (e.g. blocked in a write).
        let deadline = Instant::now() + Duration::from_millis(300);
        while Instant::now() < deadline && !self.all_finished() {
            std::thread::sleep(Duration::from_millis(5));
        }
        let threads: Vec<JoinHandle<()>> = {
            let mut slots = self.shared.slots.lock();
            for slot in slots.list.iter_mut() {
                if let Some(sock) = slot.socket.take() {
                    let _ = sock.shutdown(Shutdown::Both);
                }
            }
            slots
                .list
                .iter_mut()
                .filter_map(|s| s.thread.take())
                .collect()
        };
        for t in threads {
            let _ = t.join();
        }
        log::info!("fake Live server on {} stopped", self.addr);
    }

    fn all_finished(&self) -> bool {
        self.shared
            .slots
            .lock()
            .list
            .iter()
            .all(|s| s.thread.as_ref().is_none_or(|t| t.is_finished()))
    }
}

impl Drop for FakeServer {
    fn drop(&mut self) {
        self.stop_all();
    }
}

fn accept_loop(shared: Arc<Shared>, listener: TcpListener) {
    loop {
        let (tcp, peer) = match listener.accept() {
            Ok(x) => x,
            Err(e) => {
                if shared.stopping() {
                    return;
                }
                log::warn!("fake server: accept failed: {e}");
                std::thread::sleep(Duration::from_millis(10));
                continue;
            }
        };
        if shared.stopping() {
            return;
        }
        let socket = tcp.try_clone().ok();
        let index = {
            let mut slots = shared.slots.lock();
            slots.join_finished();
            let index = slots.list.len() + 1;
            slots.list.push(Slot {
                record: ConnectionRecord {
                    index,
                    open: true,
                    ..ConnectionRecord::default()
                },
                socket,
                thread: None,
            });
            index
        };
        log::debug!("fake server: connection {index} from {peer}");
        let conn_shared = Arc::clone(&shared);
        let spawned = std::thread::Builder::new()
            .name(format!("fake-live-conn-{index}"))
            .spawn(move || conn::serve(conn_shared, index, tcp));
        match spawned {
            Ok(handle) => {
                let mut slots = shared.slots.lock();
                if let Some(slot) = slots.list.get_mut(index - 1) {
                    slot.thread = Some(handle);
                }
            }
            Err(e) => {
                log::warn!("fake server: could not start connection thread: {e}");
                shared.finished(index);
            }
        }
    }
}

/// Binds 127.0.0.1:`port`; the error names the port ("127.0.0.1:8765: Address already in use").
pub(crate) fn bind_port(port: u16) -> std::io::Result<TcpListener> {
    TcpListener::bind(("127.0.0.1", port)).map_err(|e| {
        let hint = if e.kind() == std::io::ErrorKind::AddrInUse {
            " (another server is listening there: choose another port, or 0 for a free one)"
        } else {
            ""
        };
        std::io::Error::new(
            e.kind(),
            format!("cannot listen on 127.0.0.1:{port}: {e}{hint}"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slots(open: &[bool]) -> Slots {
        let mut s = Slots::default();
        for (i, &open) in open.iter().enumerate() {
            s.list.push(Slot {
                record: ConnectionRecord {
                    index: i + 1,
                    open,
                    ..ConnectionRecord::default()
                },
                socket: None,
                thread: None,
            });
        }
        s
    }

    #[test]
    fn records_stay_within_the_limit_dropping_the_oldest_closed_connections_first() {
        let mut s = slots(&[false, false, true]);
        let ten = || "x".repeat(10);
        for _ in 0..3 {
            s.record(1, ten(), false, 100);
            s.record(2, ten(), true, 100);
            s.record(3, ten(), false, 100);
        }
        assert_eq!(s.recorded, 90);
        // Over the limit: connection 1 (closed, oldest) goes whole, then 2.
        s.record(3, ten(), false, 100);
        s.record(3, ten(), false, 100);
        assert_eq!(s.list[0].record.frames.len(), 0);
        assert_eq!(s.list[0].record.unrecorded, 3);
        assert_eq!(s.list[1].record.sent.len(), 3, "still within the limit");
        assert_eq!(s.recorded, 80);
        for _ in 0..3 {
            s.record(3, ten(), false, 100);
        }
        assert!(s.list[1].record.sent.is_empty());
        assert_eq!(s.list[2].record.frames.len(), 8);
        // Only the open connection is left: it stops recording, counted.
        for _ in 0..5 {
            s.record(3, ten(), false, 100);
        }
        assert_eq!(s.list[2].record.frames.len(), 10);
        assert_eq!(s.list[2].record.unrecorded, 3);
        assert!(s.recorded <= 100);
    }
}
