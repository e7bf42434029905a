//! Who reads the socket ([`Direct`]): whether application threads waiting in
//! `Session::next_event` may poll it, the lease that keeps it theirs for a moment after they
//! return, and how long the reader thread sleeps meanwhile. The rules are in `pump.rs`.

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

/// How long the socket stays the application's after its last `next_event` returned: an
/// event loop is back well within it, so the reader does not wake in between.
pub(crate) const LEASE: Duration = Duration::from_millis(20);

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

    /// How many application threads may be polling the socket.
    pub fn inside(&self) -> usize {
        self.inside.load(Ordering::SeqCst)
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

    pub(crate) fn enter(&self) {
        self.inside.fetch_add(1, Ordering::SeqCst);
    }

    /// An application thread stops polling the socket: with `lease` the socket stays its for
    /// [`LEASE`]; without, the reader must cover it now. Returns whether the reader must be
    /// woken for that (it sleeps past the point where it must cover the socket).
    pub(crate) fn leave(&self, now: Instant, lease: bool) -> bool {
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
