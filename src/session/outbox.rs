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
use super::queue::{SendError, Tx};
use std::time::{Duration, Instant};

/// A producer's handle on the event queue (`queue.rs`: a slot is a pointer, 8 bytes,
/// whatever the size of [`Event`]). The queue disconnects (and `next_event` reports the end)
/// once every producer's outbox is dropped and every event was taken.
#[derive(Clone)]
pub(crate) struct Outbox {
    tx: Tx<Box<Event>>,
}

impl Outbox {
    pub fn new(tx: Tx<Box<Event>>) -> Outbox {
        Outbox { tx }
    }

    /// Queues `ev` as the module docs say: waits for room while the session is open, drops
    /// it once the application closed the session and the queue is full.
    pub fn deliver(&self, ev: Event) {
        if let Err(SendError::Closed(_) | SendError::Full(_)) =
            self.tx.send_until(Box::new(ev), None)
        {
            log::debug!("event dropped: the session is closing");
        }
    }

    /// Queues `ev` if there is room now; gives it back if the queue is full.
    pub fn offer(&self, ev: Box<Event>) -> Result<(), Box<Event>> {
        match self.tx.try_send(ev) {
            Ok(()) | Err(SendError::Closed(_)) => Ok(()),
            Err(SendError::Full(ev)) => Err(ev),
        }
    }

    /// Whether the queue is empty (the application has taken every event).
    pub fn is_empty(&self) -> bool {
        self.tx.len() == 0
    }

    /// Waits up to `delay`; `true` if the application closed the session meanwhile.
    pub fn closed_within(&self, delay: Duration) -> bool {
        self.tx.closed_by(Instant::now() + delay)
    }
}
