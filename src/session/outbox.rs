//! The one way events reach the application: [`Outbox::deliver`].
//!
//! The policy, the same for every producer: events are queued in the order they are
//! delivered; when the event queue is full, the producer waits for room (the application
//! reading events is the back-pressure: while it does not, the reader thread stops reading
//! the socket and the server's messages wait in the kernel's buffers); once the application
//! has closed the session, an event that does not fit is dropped instead of waited for
//! (nobody may be reading any more). Nothing is ever dropped while the session is open.
//!
//! The producers: the reader thread (events decoded from server messages, and the
//! connection lifecycle's: reconnecting, resumed, closed), and the writer thread (tool
//! responses it refuses). `Session::connect` queues the session's first events with
//! [`Outbox::offer`], which never waits: what does not fit in a tiny queue is handed to the
//! reader thread, which delivers it before anything else.

use super::events::Event;
use crossbeam_channel::{select, Receiver, Sender, TrySendError};
use std::time::Duration;

/// The event queue carries boxed events: a slot then costs 16 bytes whatever the size of
/// [`Event`] (224 bytes with its usage details), and crossbeam's bounded channel touches
/// every slot when it is made, so this is most of an idle session's memory
/// (`event_queue_capacity` slots; BENCHMARKS.md, scale).
pub(crate) type EventTx = Sender<Box<Event>>;

/// A producer's handle on the event queue. The queue disconnects (and `next_event` reports
/// the end) once every producer's outbox is dropped and every event was taken.
#[derive(Clone)]
pub(crate) struct Outbox {
    tx: EventTx,
    /// Disconnected when the application closed the session.
    closing: Receiver<()>,
}

impl Outbox {
    pub fn new(tx: EventTx, closing: Receiver<()>) -> Outbox {
        Outbox { tx, closing }
    }

    /// Queues `ev` as the module docs say: waits for room while the session is open, drops
    /// it once the application closed the session and the queue is full.
    pub fn deliver(&self, ev: Event) {
        if let Err(ev) = self.offer(Box::new(ev)) {
            select! {
                send(self.tx, ev) -> _ => {}
                recv(self.closing) -> _ => log::debug!("event dropped: the session is closing"),
            }
        }
    }

    /// Queues `ev` if there is room now; gives it back if the queue is full.
    pub fn offer(&self, ev: Box<Event>) -> Result<(), Box<Event>> {
        match self.tx.try_send(ev) {
            Ok(()) | Err(TrySendError::Disconnected(_)) => Ok(()),
            Err(TrySendError::Full(ev)) => Err(ev),
        }
    }

    /// Whether the queue is empty (the application has taken every event).
    pub fn is_empty(&self) -> bool {
        self.tx.is_empty()
    }

    /// Waits up to `delay`; `true` if the application closed the session meanwhile.
    pub fn closed_within(&self, delay: Duration) -> bool {
        matches!(
            self.closing.recv_timeout(delay),
            Err(crossbeam_channel::RecvTimeoutError::Disconnected)
        )
    }
}
