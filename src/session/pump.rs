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
//! - An application thread counts itself in [`Direct`] while it may poll the socket. While one
//!   is in, or for [`LEASE`] after the last one left, the reader waits only for its timers and
//!   its waker, not the socket. A leaving application wakes the reader if it would otherwise
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
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long the socket stays the application's after its last `next_event` returned: an
/// event loop is back well within it, so the reader does not wake in between.
pub(crate) const LEASE: Duration = Duration::from_millis(20);

/// The reader yields its CPU once before decoding a message of at least this many bytes when
/// the event before it went to a waiting application: decoding one costs more than the two
/// context switches (a 20 ms audio chunk is about 1.3 KB).
const YIELD_BEFORE: usize = 1024;

/// Who is reading: whether application threads may poll the socket, and when the reader
/// sleeps until.
pub(crate) struct Direct {
    base: Instant,
    /// Application threads that may poll the socket now.
    inside: AtomicUsize,
    /// Times an application thread left; the reader tells a busy loop from a long wait by it.
    leaves: AtomicU64,
    /// Nanoseconds after `base` until which the socket stays the application's.
    lease_until: AtomicU64,
    /// Nanoseconds after `base` the reader sleeps until (`u64::MAX`: no deadline); 0 while
    /// it is awake.
    reader_sleeps_until: AtomicU64,
}

/// The reader's side of [`Direct`]: how long it sleeps while an application thread polls.
#[derive(Debug, Default)]
pub(crate) struct ReaderSleep {
    /// Sleeps in a row that found the same wait going on (`None`: the last found nobody
    /// waiting).
    doubled: Option<u32>,
    leaves: u64,
}

/// How the reader waits, from [`Direct::reader_sleeps`].
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Cover {
    /// The socket is the reader's: poll it (and the waker) until the deadline.
    Socket(Option<Instant>),
    /// The socket is the application's: wait for the waker until the deadline only.
    Waker(Option<Instant>),
}

impl Direct {
    pub fn new() -> Direct {
        Direct {
            base: Instant::now(),
            inside: AtomicUsize::new(0),
            leaves: AtomicU64::new(0),
            lease_until: AtomicU64::new(0),
            reader_sleeps_until: AtomicU64::new(0),
        }
    }

    fn ns(&self, t: Instant) -> u64 {
        (t.saturating_duration_since(self.base).as_nanos()).min(u64::MAX as u128 - 1) as u64
    }

    fn at(&self, ns: u64) -> Instant {
        self.base + Duration::from_nanos(ns)
    }

    /// Whether an application thread may be polling the socket.
    pub fn app_inside(&self) -> bool {
        self.inside.load(Ordering::SeqCst) > 0
    }

    /// The reader is about to sleep until `until` (its timers; `None`: no deadline): how it
    /// must wait. While an application thread waits in `next_event`, the reader sleeps a
    /// lease at a time if the application is in a busy loop (so a leaving thread never has
    /// to wake it), doubling while the same wait goes on (so an idle session costs a few
    /// wake-ups, and the leave that ends the wait wakes it once).
    pub fn reader_sleeps(
        &self,
        sleep: &mut ReaderSleep,
        now: Instant,
        until: Option<Instant>,
    ) -> Cover {
        let min = |a: Option<Instant>, b: Instant| Some(a.map_or(b, |a| a.min(b)));
        // Published first, then the application's state read (each side writes, then reads).
        self.reader_sleeps_until.store(
            until.map_or(u64::MAX, |t| self.ns(t).max(1)),
            Ordering::SeqCst,
        );
        let leaves = self.leaves.load(Ordering::SeqCst);
        let busy = leaves != sleep.leaves;
        sleep.leaves = leaves;
        let by = if self.inside.load(Ordering::SeqCst) > 0 {
            let doubled = match sleep.doubled {
                Some(k) if !busy => (k + 1).min(16),
                _ => 0,
            };
            sleep.doubled = Some(doubled);
            min(until, now + LEASE * (1 << doubled))
        } else {
            sleep.doubled = None;
            let lease = self.lease_until.load(Ordering::SeqCst);
            if lease <= self.ns(now) {
                return Cover::Socket(until);
            }
            min(until, self.at(lease))
        };
        if let Some(t) = by {
            self.reader_sleeps_until
                .store(self.ns(t).max(1), Ordering::SeqCst);
        }
        Cover::Waker(by)
    }

    /// The socket is the reader's again at once, whatever the lease said (the session is
    /// closing: the server's close reply must not wait for a lease to run out). Returns
    /// whether the reader sleeps and must be woken for that.
    pub fn release(&self) -> bool {
        self.lease_until.store(0, Ordering::SeqCst);
        self.reader_sleeps_until.load(Ordering::SeqCst) != 0
    }

    /// The reader woke up.
    pub fn reader_awake(&self) {
        self.reader_sleeps_until.store(0, Ordering::SeqCst);
    }

    fn enter(&self) {
        self.inside.fetch_add(1, Ordering::SeqCst);
    }

    /// An application thread stops polling the socket: with `lease` the socket stays its for
    /// [`LEASE`]; without, the reader must cover it now. Returns whether the reader must be
    /// woken for that (it sleeps past the point where it must cover the socket).
    fn leave(&self, now: Instant, lease: bool) -> bool {
        let must_by = if lease {
            let until = self.ns(now + LEASE);
            self.lease_until.fetch_max(until, Ordering::SeqCst);
            until
        } else {
            self.lease_until.store(0, Ordering::SeqCst);
            self.ns(now)
        };
        self.leaves.fetch_add(1, Ordering::SeqCst);
        self.inside.fetch_sub(1, Ordering::SeqCst);
        let sleeps = self.reader_sleeps_until.load(Ordering::SeqCst);
        sleeps != 0 && sleeps > must_by
    }
}

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
    /// The link ended.
    End(End),
    /// A GoAway is pending and the turn is over: hand over now.
    Handover(Option<Duration>),
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
            if shared.direct.inside.load(Ordering::SeqCst) > me {
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
            return Step::Handover(self.timers.goaway().flatten());
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
                pump.end = Some(end);
                pump.link = None;
                drop(pump);
                shared.waker.wake();
            }
            Step::Handover(left) => {
                pump.end = Some(End::Handover(left));
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_socket_is_the_readers_unless_an_application_thread_waits_or_holds_the_lease() {
        let d = Direct::new();
        let mut sleep = ReaderSleep::default();
        let now = Instant::now();
        let until = Some(now + Duration::from_secs(20));
        assert_eq!(
            d.reader_sleeps(&mut sleep, now, until),
            Cover::Socket(until)
        );
        d.reader_awake();
        d.enter();
        // Inside: waker only, a lease at a time, doubling while the same wait goes on.
        for k in 0..4 {
            assert_eq!(
                d.reader_sleeps(&mut sleep, now, until),
                Cover::Waker(Some(now + LEASE * (1 << k)))
            );
        }
        // Capped by the reader's own deadline.
        assert_eq!(
            d.reader_sleeps(&mut sleep, now, Some(now + Duration::from_millis(30))),
            Cover::Waker(Some(now + Duration::from_millis(30)))
        );
        d.reader_awake();
        // A leave while the reader is awake needs no wake-up; the socket stays the
        // application's for the lease, then it is the reader's again.
        assert!(!d.leave(now, true));
        assert_eq!(
            d.reader_sleeps(&mut sleep, now, until),
            Cover::Waker(Some(now + LEASE))
        );
        let later = now + LEASE + Duration::from_millis(1);
        assert_eq!(
            d.reader_sleeps(&mut sleep, later, until),
            Cover::Socket(until)
        );
    }

    #[test]
    fn a_busy_loop_keeps_the_reader_at_one_lease_and_never_needs_to_wake_it() {
        let d = Direct::new();
        let mut sleep = ReaderSleep::default();
        let t0 = Instant::now();
        let until = Some(t0 + Duration::from_secs(20));
        d.enter();
        assert_eq!(
            d.reader_sleeps(&mut sleep, t0, until),
            Cover::Waker(Some(t0 + LEASE))
        );
        // The application returns and comes back many times within the lease: the reader's
        // sleep ends before each lease would, so no leave wakes it.
        for i in 1..=10u32 {
            let t = t0 + Duration::from_millis(i.into());
            assert!(!d.leave(t, true), "leave {i}");
            d.enter();
        }
        d.reader_awake();
        // It saw leaves: still one lease, not doubled.
        assert_eq!(
            d.reader_sleeps(&mut sleep, t0 + LEASE, until),
            Cover::Waker(Some(t0 + LEASE * 2))
        );
    }

    #[test]
    fn a_long_wait_ending_wakes_the_reader_once_and_a_thread_giving_up_the_socket_too() {
        let d = Direct::new();
        let mut sleep = ReaderSleep::default();
        let t0 = Instant::now();
        let until = Some(t0 + Duration::from_secs(20));
        d.enter();
        for _ in 0..6 {
            d.reader_sleeps(&mut sleep, t0, until);
        }
        // Sleeping 640 ms past t0: the leave at t0 must wake it to cover the lease's end.
        assert!(d.leave(t0, true));
        d.reader_awake();
        // A thread that gives the socket up to wait on the queue clears the lease.
        d.enter();
        assert_eq!(
            d.reader_sleeps(&mut sleep, t0, until),
            Cover::Waker(Some(t0 + LEASE))
        );
        assert!(d.leave(t0, false), "the reader must take the socket now");
        d.reader_awake();
        assert_eq!(d.reader_sleeps(&mut sleep, t0, until), Cover::Socket(until));
        d.reader_awake();
        assert!(!d.app_inside());
    }

    #[test]
    fn closing_gives_the_socket_back_at_once() {
        let d = Direct::new();
        let mut sleep = ReaderSleep::default();
        let t0 = Instant::now();
        let until = Some(t0 + Duration::from_secs(20));
        d.enter();
        assert!(!d.leave(t0, true));
        assert_eq!(
            d.reader_sleeps(&mut sleep, t0, until),
            Cover::Waker(Some(t0 + LEASE))
        );
        // Asleep on the lease: it must be woken, and then the socket is its own.
        assert!(d.release());
        d.reader_awake();
        assert_eq!(d.reader_sleeps(&mut sleep, t0, until), Cover::Socket(until));
        d.reader_awake();
        assert!(!d.release(), "awake: nothing to wake");
    }
}
