//! The receive side of one connection ([`Receive`]), run by the reader thread, the only
//! reader of the socket: reads what the link has, decodes it, folds it into the shared state
//! and delivers the events through the [`Outbox`]; [`process`] and [`absorb`] (one message into
//! the shared state and events) are also used for the messages that come with a connect.
//! Timers, reconnection and handover are the reader thread's loop around it (`reader.rs`),
//! which imports this module, never the other way round.

use super::connection::Timers;
use super::events::{to_events, Event, Facts};
use super::outbox::Outbox;
use super::Shared;
use crate::error::Error;
use crate::protocol::{self, ServerMessage};
use crate::transport::io::{Inbound, Link, DRAIN_CAP};
use std::collections::VecDeque;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The reader yields its CPU once before decoding a message of at least this many bytes when
/// the event before it went to a waiting application: decoding one costs more than the two
/// context switches (a 20 ms audio chunk is about 1.3 KB).
const YIELD_BEFORE: usize = 1024;

/// The receive state of the connection the reader thread reads.
pub(crate) struct Receive {
    link: Arc<Link>,
    pub timers: Timers,
    /// Read from the socket, not yet decoded.
    pending: VecDeque<Inbound>,
    /// Events from a `turnComplete` on, held until the batch is done.
    held: Vec<Event>,
    turn_done: bool,
    /// Whether the last read found the socket drained (`WouldBlock`, or its end): if not,
    /// more may wait in it or in tungstenite's buffer, where `poll` cannot see it.
    socket_drained: bool,
}

/// What one [`Receive::step`] did.
#[derive(Debug)]
pub(crate) enum Step {
    /// The socket is drained: wait for it (and the timers).
    Idle,
    /// The batch was full: read again.
    More,
    /// The link ended, or a GoAway is pending and the turn is over ([`End::Handover`]: hand
    /// over now).
    End(End),
}

impl Receive {
    /// Starts receiving from a new link.
    pub fn new(link: Arc<Link>) -> Receive {
        Receive {
            link,
            timers: Timers::new(Instant::now()),
            pending: VecDeque::new(),
            held: Vec::new(),
            turn_done: false,
            socket_drained: true,
        }
    }

    /// Reads and decodes what the link has (one batch, at most [`DRAIN_CAP`] messages),
    /// folding it into the shared state and delivering events: each message's events as soon
    /// as it is decoded, except from a `turnComplete` on, whose events wait for the end of
    /// the batch, so the handover decision sees what came right behind it (a GoAway) before
    /// the application can react to the turn's end with new input.
    pub fn step(&mut self, shared: &Shared, outbox: &Outbox) -> Step {
        let reconnecting = shared.config.reconnect.enabled;
        if self.pending.is_empty() {
            self.socket_drained = self.link.read_batch(&mut self.pending, DRAIN_CAP);
        }
        // From a turnComplete on, what is already there is read too (once), so a GoAway
        // right behind it decides the handover before the turn's end is delivered.
        let mut read_after_turn = true;
        let mut yielded = false;
        let mut consumer_waiting = false;
        while let Some(item) = self.pending.pop_front() {
            match item {
                Inbound::Data(bytes) => {
                    let now = Instant::now();
                    self.timers.received(now);
                    if consumer_waiting && !yielded && bytes.len() >= YIELD_BEFORE {
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
                        consumer_waiting = outbox.is_empty();
                        for ev in events {
                            outbox.deliver(ev);
                        }
                    }
                }
                Inbound::Pong => self.timers.received(Instant::now()),
                Inbound::Close(code, reason) => {
                    self.pending.clear();
                    return self.batch_done(shared, outbox, Some(End::Close(code, reason)));
                }
                Inbound::Failed(e) => {
                    self.pending.clear();
                    let e = failure(shared, e);
                    return self.batch_done(shared, outbox, Some(End::Failed(e)));
                }
            }
            if self.pending.is_empty()
                && self.turn_done
                && !self.socket_drained
                && std::mem::take(&mut read_after_turn)
            {
                self.socket_drained = self.link.read_batch(&mut self.pending, DRAIN_CAP);
            }
        }
        match self.batch_done(shared, outbox, None) {
            Step::Idle if !self.socket_drained => Step::More,
            step => step,
        }
    }

    /// The end of a batch: the handover decision, then the held events.
    fn batch_done(&mut self, shared: &Shared, outbox: &Outbox, end: Option<End>) -> Step {
        let handover = end.is_none() && self.timers.goaway().is_some() && {
            let mut conn = shared.conn.lock();
            let idle = conn.ledger.idle();
            if idle {
                // Input sent from here on waits for the new connection.
                conn.link = None;
            }
            idle
        };
        for ev in std::mem::take(&mut self.held) {
            outbox.deliver(ev);
        }
        self.turn_done = false;
        if let Some(end) = end {
            return Step::End(end);
        }
        if handover {
            log::info!("GoAway: handing over at a turn boundary");
            return Step::End(End::Handover(self.timers.goaway().flatten()));
        }
        Step::Idle
    }
}

/// How a connection ended.
#[derive(Debug)]
pub(crate) enum End {
    Close(u16, String),
    Failed(Error),
    /// A GoAway asked us to move to a new connection (its `timeLeft`).
    Handover(Option<Duration>),
}

/// Folds one server message into the shared state and appends its events.
pub(crate) fn absorb(shared: &Shared, msg: ServerMessage, out: &mut Vec<Event>) -> Facts {
    let abandoned = shared.conn.lock().ledger.blocking.take_abandoned();
    if !abandoned.is_empty() {
        log::warn!(
            "new content was sent while BLOCKING calls were pending: {}",
            abandoned.join(", ")
        );
        out.push(Event::ToolCallsAbandoned { ids: abandoned });
    }
    let start = out.len();
    let facts = to_events(msg, shared.config.response_mode, out);
    if facts.reply_content {
        shared.metrics.reply_content(facts.audio);
    }
    if facts.turn_complete {
        shared.metrics.turn_complete();
    }
    {
        let mut conn = shared.conn.lock();
        conn.ledger.server(&facts, std::time::Instant::now());
        conn.ledger.history_server(&out[start..], &facts);
    }
    if let Some(h) = &facts.handle {
        *shared.handle.lock() = Some(h.clone());
    }
    facts
}

/// Decodes one message into the shared state and appends its events to `events`.
pub(crate) fn process(shared: &Shared, bytes: &[u8], events: &mut Vec<Event>) -> Facts {
    shared.metrics.received(bytes.len());
    crate::record::received(&shared.config, bytes);
    match protocol::decode_server(bytes) {
        Ok(msg) => absorb(shared, msg, events),
        Err(e) => {
            shared.metrics.decode_errors.fetch_add(1, Ordering::Relaxed);
            log::warn!("{e}");
            events.push(Event::Error(Error::Protocol(e.0)));
            Facts::default()
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
