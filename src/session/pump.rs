//! The receive side of the current connection ([`Pump`]), and who runs it: the reader thread,
//! or an application thread waiting in `Session::next_event` ("direct receive").
//!
//! Why: an application blocked in `next_event` behind the reader thread pays two thread
//! wake-ups per reply (the reader's out of `poll`, then its own out of the event queue); a
//! plain blocking client pays one. So a thread that would wait in `next_event` for an empty
//! queue takes the pump instead: it polls the socket itself, reads, decodes and folds the
//! message into the ledger exactly as the reader does (same code: [`Pump::step`]), and returns
//! the first event. Everything else stays with the reader thread: timers (stall, keepalive,
//! GoAway deadline), reconnection, handover, blocking on a full queue.
//!
//! The rules, which keep one reader of the socket at a time and nothing unread for long:
//! - [`Pump`] sits behind one mutex; whoever holds it may read the link. Nobody polls or
//!   blocks while holding it.
//! - An application thread counts itself in `Direct` (`direct.rs`) while it may poll the
//!   socket. While one is in, or for a lease (`direct::LEASE`, 20 ms) after the last one
//!   left, the reader waits only for its timers and its waker, not the socket. A leaving application wakes the reader if it would otherwise
//!   sleep past the lease (at most about once per lease in a busy loop, never when idle).
//! - The reader, delivering an event while an application thread may be polling the socket,
//!   wakes it (`app_waker`), so an event the reader queued is never waited past.
//! - The application never reconnects or hands over: a connection end, a handover or a full
//!   queue found on its thread is left in the pump for the reader, which it wakes.

use super::connection::Timers;
use super::events::Event;
use super::reader::{process, End};
use super::{EventTx, Shared};
use crate::error::Error;
use crate::transport::io::{Inbound, Link, DRAIN_CAP};
use crossbeam_channel::TrySendError;
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;

/// The reader yields its CPU once before decoding a message of at least this many bytes when
/// the event before it went to a waiting application: decoding one costs more than the two
/// context switches (a 20 ms audio chunk is about 1.3 KB).
const YIELD_BEFORE: usize = 1024;

/// The receive state of the current connection: behind `Shared::pump`; whoever holds that
/// lock may read the link.
pub(crate) struct Pump {
    /// The link being pumped; `None` while there is none (connecting, handing over, ended).
    pub link: Option<Arc<Link>>,
    /// Where events go; `None` once the reader ended (so the queue can disconnect).
    pub tx: Option<EventTx>,
    pub timers: Timers,
    /// Read from the socket, not yet decoded.
    pending: VecDeque<Inbound>,
    /// Events from a `turnComplete` on, held until the batch is done.
    held: Vec<Event>,
    turn_done: bool,
    /// Events that did not fit in the queue, delivered before any newer one.
    backlog: VecDeque<Box<Event>>,
    /// The reader is blocked outside the lock sending the backlog's oldest event: nobody else
    /// may deliver meanwhile.
    pub sending: bool,
    /// How the link ended, found by an application thread; the reader acts on it.
    pub end: Option<End>,
    /// Whether the last read found the socket drained (`WouldBlock`, or its end): if not,
    /// more may wait in it or in tungstenite's buffer, where `poll` cannot see it.
    socket_drained: bool,
    /// Events delivered so far (to tell whether a step delivered any).
    delivered: u64,
}

/// What one [`Pump::step`] did.
#[derive(Debug)]
pub(crate) enum Step {
    /// Events went out (application mode returns after the first message that gave some).
    Delivered,
    /// The socket is drained and nothing is pending: wait.
    Idle,
    /// The batch was full: read again.
    More,
    /// The queue is full: events wait in the backlog.
    Full,
    /// The link ended, or a GoAway is pending and the turn is over ([`End::Handover`]: hand
    /// over now).
    End(End),
}

/// Who calls [`Pump::step`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    Reader,
    App,
}

impl Pump {
    pub fn new(tx: EventTx) -> Pump {
        Pump {
            link: None,
            tx: Some(tx),
            timers: Timers::new(Instant::now()),
            pending: VecDeque::new(),
            held: Vec::new(),
            turn_done: false,
            backlog: VecDeque::new(),
            sending: false,
            end: None,
            socket_drained: true,
            delivered: 0,
        }
    }

    /// Starts pumping a new link.
    pub fn start(&mut self, link: Arc<Link>) {
        self.link = Some(link);
        self.timers = Timers::new(Instant::now());
        self.pending.clear();
        self.held.clear();
        self.turn_done = false;
        self.end = None;
        self.socket_drained = true;
    }

    /// Whether an application thread may step it.
    fn usable(&self) -> bool {
        self.link.is_some() && self.end.is_none() && !self.sending && self.tx.is_some()
    }

    /// Queues an event: into the backlog while it is not empty (order), else the queue.
    pub fn deliver(&mut self, ev: Event) {
        let Some(tx) = &self.tx else { return };
        self.delivered += 1;
        let ev = Box::new(ev);
        if !self.backlog.is_empty() {
            self.backlog.push_back(ev);
            return;
        }
        match tx.try_send(ev) {
            Ok(()) | Err(TrySendError::Disconnected(_)) => {}
            Err(TrySendError::Full(ev)) => self.backlog.push_back(ev),
        }
    }

    /// Moves what fits from the backlog into the queue; whether the backlog is empty.
    fn flush_backlog(&mut self) -> bool {
        let Some(tx) = &self.tx else {
            self.backlog.clear();
            return true;
        };
        while let Some(ev) = self.backlog.pop_front() {
            match tx.try_send(ev) {
                Ok(()) | Err(TrySendError::Disconnected(_)) => {}
                Err(TrySendError::Full(ev)) => {
                    self.backlog.push_front(ev);
                    return false;
                }
            }
        }
        true
    }

    /// Takes the backlog's oldest event (for the reader's blocking send).
    pub fn take_backlog_front(&mut self) -> Option<Box<Event>> {
        self.backlog.pop_front()
    }

    /// Reads and decodes what the link has, folding it into the shared state and delivering
    /// events: each message's events as soon as it is decoded, except from a `turnComplete`
    /// on, whose events wait for the end of the batch, so the handover decision sees what
    /// came right behind it (a GoAway) before the application can react to the turn's end
    /// with new input. In [`Mode::App`] it returns after the first message that delivered
    /// events; the rest stays pending.
    pub fn step(&mut self, shared: &Shared, mode: Mode) -> Step {
        let before = self.delivered;
        let step = self.step_inner(shared, mode);
        if self.delivered != before {
            // Another thread may be polling the socket while these wait in the queue.
            let me = usize::from(mode == Mode::App);
            if shared.direct.inside() > me {
                shared.app_waker.wake();
            }
        }
        step
    }

    fn step_inner(&mut self, shared: &Shared, mode: Mode) -> Step {
        if !self.flush_backlog() {
            return Step::Full;
        }
        let Some(link) = self.link.clone() else {
            return Step::Idle;
        };
        let reconnecting = shared.config.reconnect.enabled;
        if self.pending.is_empty() {
            // A waiting application reads one message at a time: it gets the first of a
            // burst without the frames behind it being read first (reading 16 audio frames
            // costs about 6 us; BENCHMARKS.md, burst). The reader reads batches.
            let cap = if mode == Mode::App { 1 } else { DRAIN_CAP };
            self.socket_drained = link.read_batch(&mut self.pending, cap);
        }
        // From a turnComplete on, what is already there is read too (once), so a GoAway
        // right behind it decides the handover before the turn's end is delivered.
        let mut read_after_turn = mode == Mode::App;
        let mut yielded = false;
        let mut consumer_waiting = false;
        let mut delivered = false;
        while let Some(item) = self.pending.pop_front() {
            match item {
                Inbound::Data(bytes) => {
                    let now = Instant::now();
                    self.timers.received(now);
                    if mode == Mode::Reader
                        && consumer_waiting
                        && !yielded
                        && bytes.len() >= YIELD_BEFORE
                    {
                        yielded = true;
                        // A burst goes on behind an event the application is waiting for:
                        // let it take that event before this message is decoded. Woken on
                        // this CPU (the scheduler puts a wakee next to its waker), it would
                        // otherwise wait for the whole burst (BENCHMARKS.md, burst).
                        std::thread::yield_now();
                    }
                    consumer_waiting = false;
                    let mut events = Vec::new();
                    let facts = process(shared, &bytes, &mut events);
                    if let Some(time_left) = facts.go_away.filter(|_| reconnecting) {
                        self.timers.go_away(&shared.config, time_left, now);
                    }
                    self.turn_done |= facts.turn_complete;
                    if self.turn_done {
                        self.held.append(&mut events);
                    } else if !events.is_empty() {
                        consumer_waiting = self.tx.as_ref().is_some_and(|t| t.is_empty());
                        for ev in events {
                            self.deliver(ev);
                        }
                        delivered = true;
                        if mode == Mode::App {
                            return Step::Delivered;
                        }
                    }
                }
                Inbound::Pong => self.timers.received(Instant::now()),
                Inbound::Close(code, reason) => {
                    self.pending.clear();
                    return self.batch_done(shared, Some(End::Close(code, reason)));
                }
                Inbound::Failed(e) => {
                    self.pending.clear();
                    let e = failure(shared, e);
                    return self.batch_done(shared, Some(End::Failed(e)));
                }
            }
            if self.pending.is_empty()
                && self.turn_done
                && !self.socket_drained
                && std::mem::take(&mut read_after_turn)
            {
                self.socket_drained = link.read_batch(&mut self.pending, DRAIN_CAP);
            }
        }
        match self.batch_done(shared, None) {
            Step::Idle if !self.socket_drained => Step::More,
            Step::Idle if delivered => Step::Delivered,
            step => step,
        }
    }

    /// The end of a batch: the handover decision, then the held events.
    fn batch_done(&mut self, shared: &Shared, end: Option<End>) -> Step {
        let handover = {
            let mut conn = shared.conn.lock();
            let handover = end.is_none() && self.timers.goaway().is_some() && conn.replay.idle();
            if handover {
                // Input sent from here on waits for the new connection.
                conn.link = None;
            }
            handover
        };
        let had = !self.held.is_empty();
        for ev in std::mem::take(&mut self.held) {
            self.deliver(ev);
        }
        self.turn_done = false;
        if let Some(end) = end {
            return Step::End(end);
        }
        if handover {
            log::info!("GoAway: handing over at a turn boundary");
            return Step::End(End::Handover(self.timers.goaway().flatten()));
        }
        if !self.backlog.is_empty() {
            Step::Full
        } else if had {
            Step::Delivered
        } else {
            Step::Idle
        }
    }
}

/// The error for a failed link: what the writer saw first, if anything.
pub(crate) fn failure(shared: &Shared, e: tungstenite::Error) -> Error {
    shared
        .write_error
        .lock()
        .take()
        .unwrap_or_else(|| crate::transport::ws_error(e, None))
}

/// What [`receive`] ended with.
pub(crate) enum Got {
    Event(Box<Event>),
    /// The deadline passed.
    Timeout,
    /// The reader has the socket: wait on the queue (until the deadline).
    Queue,
}

/// What `Session::next_event` does when the queue is empty: runs the pump on the calling
/// thread until an event is queued or `deadline` passes, as the module docs say.
pub(crate) fn receive(
    shared: &Shared,
    rx: &crossbeam_channel::Receiver<Box<Event>>,
    deadline: Instant,
) -> Got {
    let direct = &shared.direct;
    direct.enter();
    let got = loop {
        if let Ok(ev) = rx.try_recv() {
            break Got::Event(ev);
        }
        if Instant::now() >= deadline {
            break Got::Timeout;
        }
        // Locked: the reader is at it, and its events come through the queue.
        let Some(mut pump) = shared.pump.try_lock() else {
            break Got::Queue;
        };
        if pump.sending {
            // The reader is sending the backlog's oldest event: it lands in the queue.
            break Got::Queue;
        }
        if let Some(ev) = pump.backlog.pop_front() {
            break Got::Event(ev);
        }
        if !pump.usable() {
            break Got::Queue;
        }
        match pump.step(shared, Mode::App) {
            Step::Delivered | Step::More => {}
            Step::Idle => {
                let link = pump.link.clone();
                drop(pump);
                // The reader may have queued something before this thread counted itself
                // in; after that it wakes `app_waker`.
                if let Ok(ev) = rx.try_recv() {
                    break Got::Event(ev);
                }
                if let Some(link) = link {
                    let left = deadline.saturating_duration_since(Instant::now());
                    link.wait_readable(Some(left), &shared.app_waker);
                }
            }
            Step::Full => {
                // The reader sends the backlog; this thread takes from the queue meanwhile.
                drop(pump);
                shared.waker.wake();
            }
            Step::End(end) => {
                // The reader reconnects or hands over; this thread waits on the queue.
                pump.end = Some(end);
                pump.link = None;
                drop(pump);
                shared.waker.wake();
            }
        }
    };
    if direct.leave(Instant::now(), !matches!(got, Got::Queue)) {
        shared.waker.wake();
    }
    got
}
