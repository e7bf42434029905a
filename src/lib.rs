//! `gemini_live`: a synchronous, thread-based client for Google's Gemini Live API.
//!
//! One reader thread (and a writer thread once input has to wait) around a
//! blocking-handshake, then non-blocking `tungstenite` socket (TLS by `native-tls`), fed by
//! two bounded queues (`session/queue.rs`); no async runtime. The same library is exposed
//! through a C ABI (`include/gemini_live.h`) and a Python ctypes binding, and ships a strict fake Live server ([`fake`]) for offline tests.
//!
//! Start with [`Session::connect`] and [`Config::from_env`].
//!
//! # Threads
//!
//! Each [`Session`] runs at most two threads of its own, each with a 512 KiB stack (reserved;
//! only the pages used cost memory):
//! - the **reader** (`gemini-live-rx`), the only reader of the socket. It starts with the
//!   first call that sends, waits for an event or closes (not in `connect`, so its spawn
//!   overlaps a network wait). It reads and decodes the server's messages (deep JSON takes up
//!   to about 100 KiB of stack in a release build, 380 KiB in a debug build), keeps the turn
//!   ledger and the timers (stall, keepalive, GoAway), reconnects, and queues every event.
//! - the **writer** (`gemini-live-tx`), started only when input first has to wait (the socket
//!   is busy, or a reconnection is under way); it writes queued input in order.
//!
//! Both end with the session and are joined by [`Session::close`] (or drop): no thread
//! outlives its session. The fake server ([`fake`]) runs its own threads until dropped.
//!
//! On the caller's thread: [`Session::connect`] (DNS, TCP, TLS, upgrade and the setup
//! exchange, each bounded by its timeout; it decodes the setup reply, so give it at least
//! 256 KiB of stack, 512 KiB in a debug build); the `send_*` calls (encode, then write to the
//! socket without ever waiting for it when nothing is queued, else queue, waiting up to the
//! send timeout for room; `try_send_*` never waits); [`Session::next_event`] (waits on the
//! event queue only: it never touches the socket, so any thread may call it);
//! [`Session::close`] (waits for the close reply up to the close timeout, joins the threads).
//!
//! Events reach the application by one path, in order, through a bounded queue
//! ([`Config::event_queue_capacity`]). When it is full the reader waits for room and stops
//! reading the socket: nothing is dropped while the session is open. After
//! [`Session::close`], events that do not fit are dropped instead of waited for.
#![deny(missing_docs)]
#![deny(unsafe_code)]

pub mod audio;
mod auth;
pub mod checksum;
pub mod config;
pub mod error;
#[cfg(feature = "fake")]
pub mod fake;
pub mod ffi;
mod frames;
pub mod metrics;
pub mod models;
#[cfg(feature = "fake")]
pub mod offline;
pub mod openmetrics;
pub mod protocol;
pub mod reconnect;
pub mod record;
mod response_mode;
pub mod session;
mod state;
mod sync;
pub mod transport;
pub mod vertex;
pub mod wording;

pub use config::{
    Auth, Config, ResponseMode, Secret, Timeouts, DEFAULT_MODEL, RETIRED_BRIEF_MODEL,
};
pub use error::{Error, Phase, QuotaLimit, Result, Retry};
pub use metrics::MetricsSnapshot;
pub use reconnect::ReconnectPolicy;
pub use session::ContextBudget;
pub use session::{AudioChunk, Event, InteractionStatus, Session, State};
// Proxies (issue 19).
pub use error::ProxyRefusal;
