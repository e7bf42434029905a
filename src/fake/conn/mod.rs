//! One connection of the fake server: the `Conn` it serves, from the accepted socket (TLS,
//! the HTTP upgrade) to its end. Each child adds one part of what a connection does, as
//! methods of `Conn`: `read.rs` (the read loop), `faults.rs` (the fault plan at work),
//! `write.rs` (what goes out, the close handshake), `setup.rs` (credentials, setup,
//! resumption handles), `input.rs` (content, realtime input, tool responses), `reply.rs` (the
//! model turns) and `lifecycle.rs` (extended thinking, non-blocking tools). The types they
//! share are here, so the children name this module and the fake's modules outside `conn/`,
//! not each other (one exception: `setup.rs` takes the declared tool behaviours from
//! `lifecycle.rs`).

mod faults;
mod input;
mod lifecycle;
mod read;
mod reply;
mod setup;
mod write;

use std::io;
use std::net::{Shutdown, TcpStream};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tungstenite::WebSocket;

use super::options::{Fault, Trigger};
use super::turn::Modality;
use super::upgrade::{credentials, tls_accept, upgrade, Stream};
use super::Shared;
use faults::stall;

/// Read timeout of every socket: how often an idle connection thread checks for shutdown
/// and deadlines.
const READ_TICK: Duration = Duration::from_millis(50);
const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

const DEADLINE_EXPIRED: &str = "Deadline expired before operation could complete.";

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
    modality: Modality,
    vad: bool,
    resumption: bool,
    input_transcription: bool,
    output_transcription: bool,
    /// The model's rules (capability table), when the model is in it.
    model: Option<&'static crate::models::ModelInfo>,
    /// Functions declared with an explicit `behavior`: (name, non-blocking).
    behaviors: Vec<(String, bool)>,
    /// `generationConfig.translationConfig.targetLanguageCode`.
    target_language: Option<String>,
    /// `historyConfig.initialHistoryInClientContent`, until the history's `turnComplete`.
    initial_history: bool,
}

pub(super) const NOT_FOUND: &str = "Requested entity was not found.";

/// What a model turn answers.
pub(super) enum TurnInput {
    Text { text: String, realtime: bool },
    Audio { bytes: u64, checksum: u64 },
    Tool(Vec<(String, String)>),
}

/// A connection after the upgrade.
pub(super) struct Conn {
    shared: Arc<Shared>,
    index: usize,
    ws: WebSocket<Stream>,
    raw: TcpStream,
    version: String,
    /// Credentials presented on the upgrade that count for its method.
    creds: Vec<String>,
    faults: Vec<(Trigger, Fault)>,
    /// Client data frames received so far (`setup` included).
    received: usize,
    /// Set on the Vertex AI path.
    vertex: Option<super::vertex::ConnVertex>,
    /// Server messages sent, not counting those the fault plan injected.
    sent: usize,
    /// An armed `TruncatedFrame`: the next message is cut mid-frame.
    truncate_next: bool,
    setup: Option<SetupInfo>,
    session: Option<u64>,
    silent: bool,
    slow: Option<Duration>,
    deadline: Option<(Instant, u16, &'static str)>,
    /// FNV state and byte count of the audio of the current audio turn.
    turn_audio: (u64, u64),
    /// An armed `CutMidReply`: sends left before the cut, and the close code (None: drop).
    cut: Option<(usize, Option<u16>)>,
    /// The deferred rest of an extended-thinking interaction (see `lifecycle.rs`).
    later: Option<lifecycle::Later>,
    /// The energy-based server VAD, when `FakeOptions::energy_vad` is set.
    energy_vad: Option<super::energy_vad::EnergyVad>,
}

impl Conn {
    /// The logical session this connection serves (0 before setup).
    fn session_id(&self) -> u64 {
        self.session.unwrap_or(0)
    }
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
