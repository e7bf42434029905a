//! Logical sessions and resumption handles, shared by all connections of a fake server.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use crate::sync::{Condvar, Mutex};
use serde_json::Value;

use super::audio::{fnv1a64, Rng, FNV_OFFSET};
use super::validate::Reject;

/// Per logical session state, as seen by [`FakeServer::state_snapshot`](super::FakeServer::state_snapshot).
/// It survives resumption: a resumed session continues from the state its handle captured.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionSnapshot {
    /// Session id, 1-based, in order of creation.
    pub id: u64,
    /// Completed model turns (turns whose `turnComplete` was sent).
    pub turns: u64,
    /// Running FNV-1a 64 over all decoded input audio bytes, in order (see
    /// [`fnv1a64_update`](super::fnv1a64_update)); [`FNV_OFFSET`] when there was none.
    pub input_checksum: u64,
    /// Number of decoded input audio bytes.
    pub input_bytes: u64,
    /// Every user text (client content user turns and realtime text), in order.
    pub texts: Vec<String>,
    /// Number of video frames received.
    pub video_frames: u64,
}

/// The full state of a logical session; handles capture a copy of it.
#[derive(Clone, Debug)]
pub(crate) struct SessionState {
    pub(crate) turns: u64,
    pub(crate) input_checksum: u64,
    pub(crate) input_bytes: u64,
    pub(crate) texts: Vec<String>,
    pub(crate) video_frames: u64,
    pub(crate) history: Vec<Value>,
    pub(crate) last_user_text: String,
    /// Tool calls awaiting a response: (id, name).
    pub(crate) pending_calls: Vec<(String, String)>,
    /// Responses received for the current tool round: (name, compact JSON).
    pub(crate) tool_results: Vec<(String, String)>,
    pub(crate) call_seq: u64,
    /// The digest of what the session knows (`context.rs`), and who spoke last.
    pub(crate) context: u64,
    pub(crate) context_role: String,
}

impl SessionState {
    fn new() -> SessionState {
        SessionState {
            turns: 0,
            input_checksum: FNV_OFFSET,
            input_bytes: 0,
            texts: Vec::new(),
            video_frames: 0,
            history: Vec::new(),
            last_user_text: String::new(),
            pending_calls: Vec::new(),
            tool_results: Vec::new(),
            call_seq: 0,
            context: FNV_OFFSET,
            context_role: String::new(),
        }
    }
}

struct HandleEntry {
    session: u64,
    state: SessionState,
    issued: Instant,
}

struct Inner {
    next_session: u64,
    sessions: BTreeMap<u64, SessionState>,
    /// Which connection currently holds each session.
    attached: HashMap<u64, usize>,
    handles: HashMap<String, HandleEntry>,
    rng: Rng,
}

/// All logical sessions of one server.
pub(crate) struct Store {
    inner: Mutex<Inner>,
    detached: Condvar,
}

/// How long a resume waits for the previous connection of its session to finish closing
/// before it is refused (covers the instant between a client's close and the server noticing).
const RESUME_GRACE: Duration = Duration::from_millis(300);

impl Store {
    pub(crate) fn new() -> Store {
        Store {
            inner: Mutex::new(Inner {
                next_session: 1,
                sessions: BTreeMap::new(),
                attached: HashMap::new(),
                handles: HashMap::new(),
                rng: Rng::seeded(),
            }),
            detached: Condvar::new(),
        }
    }

    /// Start a new logical session held by connection `conn`.
    pub(crate) fn create(&self, conn: usize) -> u64 {
        let mut g = self.inner.lock();
        let id = g.next_session;
        g.next_session += 1;
        g.sessions.insert(id, SessionState::new());
        g.attached.insert(id, conn);
        id
    }

    /// Resume the session of `handle` on connection `conn`, restoring the state it captured.
    pub(crate) fn resume(&self, handle: &str, conn: usize, ttl: Duration) -> Result<u64, Reject> {
        let mut g = self.inner.lock();
        let unknown = || Reject::new(1008, format!("unknown or expired handle {handle}"));
        let session = match g.handles.get(handle) {
            Some(e) if e.issued.elapsed() < ttl => e.session,
            _ => return Err(unknown()),
        };
        let deadline = Instant::now() + RESUME_GRACE;
        while g.attached.contains_key(&session) {
            if self.detached.wait_until(&mut g, deadline).timed_out() {
                break;
            }
        }
        if g.attached.contains_key(&session) {
            return Err(Reject::new(1011, "The service is currently unavailable."));
        }
        let state = match g.handles.get(handle) {
            Some(e) => e.state.clone(),
            None => return Err(unknown()),
        };
        g.sessions.insert(session, state);
        g.attached.insert(session, conn);
        Ok(session)
    }

    /// Connection `conn` no longer holds `session`.
    pub(crate) fn detach(&self, session: u64, conn: usize) {
        let mut g = self.inner.lock();
        if g.attached.get(&session) == Some(&conn) {
            g.attached.remove(&session);
        }
        drop(g);
        self.detached.notify_all();
    }

    /// Issue a new handle capturing the current state of `session`.
    pub(crate) fn issue_handle(&self, session: u64, ttl: Duration) -> String {
        let mut g = self.inner.lock();
        g.handles.retain(|_, e| e.issued.elapsed() < ttl);
        let state = g
            .sessions
            .get(&session)
            .cloned()
            .unwrap_or_else(SessionState::new);
        let handle = g.rng.handle();
        g.handles.insert(
            handle.clone(),
            HandleEntry {
                session,
                state,
                issued: Instant::now(),
            },
        );
        handle
    }

    /// Run `f` on the state of `session`.
    pub(crate) fn with<R>(&self, session: u64, f: impl FnOnce(&mut SessionState) -> R) -> R {
        let mut g = self.inner.lock();
        let state = g.sessions.entry(session).or_insert_with(SessionState::new);
        f(state)
    }

    /// A deterministic function call id for the next call of `session`.
    pub(crate) fn next_call_id(&self, session: u64) -> String {
        self.with(session, |s| {
            s.call_seq += 1;
            let n = fnv1a64(format!("{session}:{}", s.call_seq).as_bytes()) >> 1;
            format!("function-call-{n}")
        })
    }

    pub(crate) fn snapshot(&self) -> Vec<SessionSnapshot> {
        let g = self.inner.lock();
        g.sessions
            .iter()
            .map(|(id, s)| SessionSnapshot {
                id: *id,
                turns: s.turns,
                input_checksum: s.input_checksum,
                input_bytes: s.input_bytes,
                texts: s.texts.clone(),
                video_frames: s.video_frames,
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles_restore_the_state_they_captured() {
        let store = Store::new();
        let ttl = Duration::from_secs(60);
        let s = store.create(1);
        store.with(s, |st| st.turns = 1);
        let h = store.issue_handle(s, ttl);
        store.with(s, |st| st.turns = 2);
        store.detach(s, 1);
        assert_eq!(store.resume(&h, 2, ttl), Ok(s));
        assert_eq!(store.snapshot()[0].turns, 1);
    }

    #[test]
    fn resume_is_refused_while_the_old_connection_holds_the_session() {
        let store = Store::new();
        let ttl = Duration::from_secs(60);
        let s = store.create(1);
        let h = store.issue_handle(s, ttl);
        let r = store.resume(&h, 2, ttl).unwrap_err();
        assert_eq!(
            r,
            Reject::new(1011, "The service is currently unavailable.")
        );
    }

    #[test]
    fn unknown_and_expired_handles_are_refused() {
        let store = Store::new();
        let s = store.create(1);
        store.detach(s, 1);
        let h = store.issue_handle(s, Duration::from_secs(60));
        let r = store.resume(&h, 2, Duration::ZERO).unwrap_err();
        assert_eq!(r.code, 1008);
        assert_eq!(r.reason, format!("unknown or expired handle {h}"));
        let r = store
            .resume("bogus", 2, Duration::from_secs(60))
            .unwrap_err();
        assert_eq!(r.reason, "unknown or expired handle bogus");
    }

    #[test]
    fn call_ids_are_deterministic_per_session() {
        let a = Store::new();
        let b = Store::new();
        let sa = a.create(1);
        let sb = b.create(1);
        assert_eq!(a.next_call_id(sa), b.next_call_id(sb));
        assert_ne!(a.next_call_id(sa), a.next_call_id(sa));
        assert!(a.next_call_id(sa).starts_with("function-call-"));
    }
}
