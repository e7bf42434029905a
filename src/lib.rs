//! `gemini_live`: a synchronous, thread-based client for Google's Gemini Live API.
//!
//! One reader thread (and a writer thread once input has to wait) around a
//! blocking-handshake, then non-blocking `tungstenite` socket (TLS by `native-tls`), fed by
//! `crossbeam-channel` queues; no async runtime. The same library is exposed through a C ABI (`include/gemini_live.h`) and a Python
//! ctypes binding, and ships a strict fake Live server ([`fake`]) for offline tests.
//!
//! Start with [`Session::connect`] and [`Config::from_env`].
#![deny(missing_docs)]
#![deny(unsafe_code)]

pub mod audio;
pub mod config;
pub mod error;
pub mod fake;
pub mod ffi;
pub mod metrics;
pub mod models;
pub mod offline;
pub mod protocol;
pub mod reconnect;
pub mod record;
pub mod session;
mod state;
pub mod transport;
pub mod vertex;

pub use config::{
    Auth, Config, ResponseMode, Secret, Timeouts, DEFAULT_MODEL, RETIRED_BRIEF_MODEL,
};
pub use error::{Error, Phase, QuotaLimit, Result, Retry};
pub use metrics::MetricsSnapshot;
pub use reconnect::ReconnectPolicy;
pub use session::{AudioChunk, Event, InteractionStatus, Session, State};
// Proxies (issue 19).
pub use error::ProxyRefusal;
