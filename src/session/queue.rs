//! The session's two bounded queues, [`bounded`]: the event queue (filled by the reader and
//! writer threads through the outbox, emptied by `next_event`) and the send queue (filled by
//! `send_*`, emptied by the writer thread); and the [`Latch`] `close` waits on.
//!
//! Built on std's lock and condition variables rather than a channel crate: a thread waiting
//! in a crossbeam (or std) channel registers `std::thread::current()`, and on a thread the
//! library did not start (a C program's main thread) that handle is never freed, which
//! valgrind reports as "possibly lost" in every host program (issue 20). Waiting here takes
//! nothing but the lock; the buffer is allocated once, at its capacity.

use crate::sync::{Condvar, Mutex, MutexGuard};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Instant;

struct Queue<T> {
    state: Mutex<State<T>>,
    /// An item, a signal, or the end: for the receiver.
    readable: Condvar,
    /// Room, or the receiver closing or leaving: for senders.
    writable: Condvar,
    capacity: usize,
}

struct State<T> {
    items: VecDeque<T>,
    senders: usize,
    /// The receiver closed the queue ([`Rx::close`]) or dropped it: senders stop waiting.
    closed: bool,
    /// The receiver dropped it: nothing is queued any more.
    gone: bool,
    /// A wake-up for the receiver that carries no item ([`Signal::signal`]).
    signal: bool,
    /// The receiver must stop ([`Signal::stop`]).
    stopped: bool,
    /// Threads waiting on `readable` / `writable`: nobody is notified (a system call) unless
    /// someone waits.
    receivers_waiting: u32,
    senders_waiting: u32,
}

impl<T> Queue<T> {
    fn wait_readable(&self, s: &mut MutexGuard<'_, State<T>>, deadline: Option<Instant>) {
        s.receivers_waiting += 1;
        match deadline {
            Some(d) => {
                self.readable.wait_until(s, d);
            }
            None => self.readable.wait(s),
        }
        s.receivers_waiting -= 1;
    }

    fn wait_writable(&self, s: &mut MutexGuard<'_, State<T>>, deadline: Option<Instant>) {
        s.senders_waiting += 1;
        match deadline {
            Some(d) => {
                self.writable.wait_until(s, d);
            }
            None => self.writable.wait(s),
        }
        s.senders_waiting -= 1;
    }

    /// Wakes every waiting receiver, if any.
    fn wake_receivers(&self, s: &State<T>) {
        if s.receivers_waiting > 0 {
            self.readable.notify_all();
        }
    }

    /// Wakes every waiting sender, if any.
    fn wake_senders(&self, s: &State<T>) {
        if s.senders_waiting > 0 {
            self.writable.notify_all();
        }
    }
}

/// A sending end; the queue disconnects when the last one is dropped.
pub(crate) struct Tx<T>(Arc<Queue<T>>);

/// The receiving end (one per queue; several threads may use it at once).
pub(crate) struct Rx<T>(Arc<Queue<T>>);

/// Wakes or stops the receiver without being a sender.
pub(crate) struct Signal<T>(Arc<Queue<T>>);

/// Why an item was not queued; it comes back.
#[derive(Debug)]
pub(crate) enum SendError<T> {
    /// No room (by the deadline).
    Full(T),
    /// The receiver closed the queue or is gone.
    Closed(T),
}

/// What [`Rx::recv_or_signal`] got.
pub(crate) enum Got<T> {
    Item(T),
    Signal,
    /// Every sender is gone and nothing is left, or the receiver was told to stop.
    Ended,
}

/// A queue holding at most `capacity` items (at least one).
pub(crate) fn bounded<T>(capacity: usize) -> (Tx<T>, Rx<T>) {
    let capacity = capacity.max(1);
    let q = Arc::new(Queue {
        state: Mutex::new(State {
            items: VecDeque::with_capacity(capacity),
            senders: 1,
            closed: false,
            gone: false,
            signal: false,
            stopped: false,
            receivers_waiting: 0,
            senders_waiting: 0,
        }),
        readable: Condvar::new(),
        writable: Condvar::new(),
        capacity,
    });
    (Tx(q.clone()), Rx(q))
}

impl<T> Clone for Tx<T> {
    fn clone(&self) -> Tx<T> {
        self.0.state.lock().senders += 1;
        Tx(self.0.clone())
    }
}

impl<T> Drop for Tx<T> {
    fn drop(&mut self) {
        let mut s = self.0.state.lock();
        s.senders -= 1;
        if s.senders == 0 {
            self.0.wake_receivers(&s);
        }
    }
}

impl<T> Drop for Rx<T> {
    fn drop(&mut self) {
        let mut s = self.0.state.lock();
        s.closed = true;
        s.gone = true;
        self.0.wake_senders(&s);
    }
}

impl<T> Tx<T> {
    /// Queues `item` if there is room now.
    pub fn try_send(&self, item: T) -> Result<(), SendError<T>> {
        self.send_until(item, Some(Instant::now()))
    }

    /// Queues `item`, waiting for room until `deadline` (`None`: as long as it takes) or
    /// until the receiver closes the queue (after which it is queued only if there is room)
    /// or is gone.
    pub fn send_until(&self, item: T, deadline: Option<Instant>) -> Result<(), SendError<T>> {
        let q = &self.0;
        let mut s = q.state.lock();
        loop {
            if s.gone {
                return Err(SendError::Closed(item));
            }
            if s.items.len() < q.capacity {
                s.items.push_back(item);
                let wake = s.receivers_waiting > 0;
                drop(s);
                if wake {
                    q.readable.notify_one();
                }
                return Ok(());
            }
            if s.closed {
                return Err(SendError::Closed(item));
            }
            match deadline {
                Some(d) if Instant::now() >= d => return Err(SendError::Full(item)),
                _ => q.wait_writable(&mut s, deadline),
            }
        }
    }

    /// Items queued now.
    pub fn len(&self) -> usize {
        self.0.state.lock().items.len()
    }

    /// Waits until the receiver closes the queue or `deadline` passes; whether it closed.
    pub fn closed_by(&self, deadline: Instant) -> bool {
        let q = &self.0;
        let mut s = q.state.lock();
        while !s.closed {
            if Instant::now() >= deadline {
                return false;
            }
            q.wait_writable(&mut s, Some(deadline));
        }
        true
    }

    /// A handle that wakes or stops the receiver.
    pub fn signaller(&self) -> Signal<T> {
        Signal(self.0.clone())
    }
}

impl<T> Signal<T> {
    /// Wakes the receiver's [`Rx::recv_or_signal`] once (signals before it is taken merge).
    pub fn signal(&self) {
        let mut s = self.0.state.lock();
        s.signal = true;
        self.0.wake_receivers(&s);
    }

    /// Makes the receiver's [`Rx::recv_or_signal`] return [`Got::Ended`] from now on.
    pub fn stop(&self) {
        let mut s = self.0.state.lock();
        s.stopped = true;
        self.0.wake_receivers(&s);
    }
}

impl<T> Rx<T> {
    fn take(&self, s: &mut State<T>) -> Option<T> {
        let item = s.items.pop_front()?;
        // Every waiter: a sender waiting for room and one waiting in `closed_by` share it.
        self.0.wake_senders(s);
        Some(item)
    }

    /// The next item if one is queued; `Err(())` once every sender is gone and nothing is
    /// left.
    pub fn try_recv(&self) -> Result<Option<T>, ()> {
        let mut s = self.0.state.lock();
        match self.take(&mut s) {
            Some(item) => Ok(Some(item)),
            None if s.senders == 0 => Err(()),
            None => Ok(None),
        }
    }

    /// Waits for the next item until `deadline` (`None`: as long as it takes): `Ok(None)` when
    /// it passed, `Err(())` once every sender is gone and nothing is left.
    pub fn recv_until(&self, deadline: Option<Instant>) -> Result<Option<T>, ()> {
        let q = &self.0;
        let mut s = q.state.lock();
        loop {
            if let Some(item) = self.take(&mut s) {
                return Ok(Some(item));
            }
            if s.senders == 0 {
                return Err(());
            }
            match deadline {
                Some(d) if Instant::now() >= d => return Ok(None),
                _ => q.wait_readable(&mut s, deadline),
            }
        }
    }

    /// Waits for an item, a signal or the end (see [`Got`]).
    pub fn recv_or_signal(&self) -> Got<T> {
        let q = &self.0;
        let mut s = q.state.lock();
        loop {
            if s.stopped {
                return Got::Ended;
            }
            if let Some(item) = self.take(&mut s) {
                return Got::Item(item);
            }
            if std::mem::take(&mut s.signal) {
                return Got::Signal;
            }
            if s.senders == 0 {
                return Got::Ended;
            }
            q.wait_readable(&mut s, None);
        }
    }

    /// Closes the queue for waiting: senders waiting for room give up, and later sends that
    /// find no room fail with [`SendError::Closed`] at once. Items already queued stay to be
    /// taken.
    pub fn close(&self) {
        let mut s = self.0.state.lock();
        s.closed = true;
        self.0.wake_senders(&s);
    }
}

/// Set once by the thread that holds its [`LatchGuard`] ends; waited for by `close`.
#[derive(Default)]
pub(crate) struct Latch {
    set: Mutex<bool>,
    cv: Condvar,
}

/// Sets its [`Latch`] when dropped.
pub(crate) struct LatchGuard(pub Arc<Latch>);

impl Drop for LatchGuard {
    fn drop(&mut self) {
        *self.0.set.lock() = true;
        self.0.cv.notify_all();
    }
}

impl Latch {
    /// Waits until it is set or `deadline` passes; whether it was set.
    pub fn wait_until(&self, deadline: Instant) -> bool {
        let mut set = self.set.lock();
        while !*set {
            if Instant::now() >= deadline {
                return false;
            }
            self.cv.wait_until(&mut set, deadline);
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn items_in_order_room_waits_and_the_end_is_seen_after_the_last_item() {
        let (tx, rx) = bounded(2);
        tx.try_send(1).unwrap();
        tx.try_send(2).unwrap();
        assert!(matches!(tx.try_send(3), Err(SendError::Full(3))));
        let t = std::thread::spawn(move || {
            tx.send_until(3, None).unwrap();
            tx.send_until(4, None).unwrap();
        });
        let mut got = Vec::new();
        while let Ok(Some(i)) = rx.recv_until(Some(Instant::now() + Duration::from_secs(5))) {
            got.push(i);
        }
        t.join().unwrap();
        assert_eq!(got, [1, 2, 3, 4]);
        assert_eq!(rx.try_recv(), Err(()), "every sender gone, nothing left");
    }

    #[test]
    fn closing_releases_a_waiting_sender_and_keeps_what_was_queued() {
        let (tx, rx) = bounded(1);
        tx.try_send(1).unwrap();
        let tx2 = tx.clone();
        // Waiting for room or not yet: either way closing makes it give up.
        let t = std::thread::spawn(move || tx2.send_until(2, None));
        rx.close();
        assert!(matches!(t.join().unwrap(), Err(SendError::Closed(2))));
        assert!(tx.closed_by(Instant::now()));
        assert_eq!(rx.try_recv(), Ok(Some(1)));
        // Closed, with room: still queued (the last events after `close`).
        tx.try_send(3).unwrap();
        assert_eq!(rx.recv_until(Some(Instant::now())), Ok(Some(3)));
        assert_eq!(rx.recv_until(Some(Instant::now())), Ok(None));
        drop(rx);
        assert!(matches!(tx.try_send(4), Err(SendError::Closed(4))));
    }

    #[test]
    fn signals_and_stop_reach_the_receiver() {
        let (tx, rx) = bounded::<u8>(4);
        let sig = tx.signaller();
        sig.signal();
        sig.signal();
        assert!(matches!(rx.recv_or_signal(), Got::Signal));
        tx.try_send(7).unwrap();
        assert!(matches!(rx.recv_or_signal(), Got::Item(7)));
        sig.stop();
        assert!(matches!(rx.recv_or_signal(), Got::Ended));
        let latch = Arc::new(Latch::default());
        assert!(!latch.wait_until(Instant::now()));
        drop(LatchGuard(latch.clone()));
        assert!(latch.wait_until(Instant::now()));
    }
}
