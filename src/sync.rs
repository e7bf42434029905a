//! Locks that leave nothing behind: std's futex-based `Mutex`, `Condvar` and `RwLock` in the
//! shape the crate's code was written for (`lock()` returns the guard; a `Condvar` waits on
//! `&mut guard`).
//!
//! Why not `parking_lot`: its table of parked threads is allocated the first time a thread
//! has to wait and is never freed, so every host program that used a session under contention
//! ends with memory valgrind reports as "still reachable" (an error under
//! `--errors-for-leak-kinds=all`, which users' CI runs). std's locks need no allocation and no
//! global state.
//!
//! Poisoning is ignored, as `parking_lot` did: a panic while a lock was held (caught at the C
//! boundary) leaves the data as it was, and the next user takes it as it is.

use std::time::Instant;

/// A mutual-exclusion lock ([`std::sync::Mutex`] without poisoning).
#[derive(Debug, Default)]
pub struct Mutex<T: ?Sized>(std::sync::Mutex<T>);

/// The guard of a [`Mutex`]; the lock is released when it is dropped.
pub struct MutexGuard<'a, T: ?Sized>(Option<std::sync::MutexGuard<'a, T>>);

impl<T> Mutex<T> {
    /// A new unlocked mutex holding `value`.
    pub const fn new(value: T) -> Mutex<T> {
        Mutex(std::sync::Mutex::new(value))
    }
}

impl<T: ?Sized> Mutex<T> {
    /// Locks it, waiting as long as another thread holds it.
    pub fn lock(&self) -> MutexGuard<'_, T> {
        MutexGuard(Some(self.0.lock().unwrap_or_else(|e| e.into_inner())))
    }

    /// Locks it if nobody holds it now.
    pub fn try_lock(&self) -> Option<MutexGuard<'_, T>> {
        match self.0.try_lock() {
            Ok(g) => Some(MutexGuard(Some(g))),
            Err(std::sync::TryLockError::Poisoned(e)) => Some(MutexGuard(Some(e.into_inner()))),
            Err(std::sync::TryLockError::WouldBlock) => None,
        }
    }
}

impl<T: ?Sized> std::ops::Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // Only a `Condvar` wait takes the inner guard out, and it puts it back before
        // returning; a guard is never seen without one.
        match &self.0 {
            Some(g) => g,
            None => unreachable!("a guard is only empty inside Condvar::wait"),
        }
    }
}

impl<T: ?Sized> std::ops::DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        match &mut self.0 {
            Some(g) => g,
            None => unreachable!("a guard is only empty inside Condvar::wait"),
        }
    }
}

/// Whether a timed [`Condvar`] wait ended by its deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WaitTimeoutResult(bool);

impl WaitTimeoutResult {
    /// The deadline passed (rather than a notification, or a spurious wake-up).
    // Only the fake server's store asks today; without the `fake` feature nothing does.
    #[cfg_attr(not(feature = "fake"), allow(dead_code))]
    pub fn timed_out(self) -> bool {
        self.0
    }
}

/// A condition variable for [`Mutex`] ([`std::sync::Condvar`]).
#[derive(Debug, Default)]
pub struct Condvar(std::sync::Condvar);

impl Condvar {
    /// A new condition variable.
    pub const fn new() -> Condvar {
        Condvar(std::sync::Condvar::new())
    }

    /// Releases the lock, waits for a notification (or a spurious wake-up), and locks again.
    pub fn wait<T>(&self, guard: &mut MutexGuard<'_, T>) {
        if let Some(g) = guard.0.take() {
            guard.0 = Some(self.0.wait(g).unwrap_or_else(|e| e.into_inner()));
        }
    }

    /// As [`wait`](Self::wait), at most until `deadline`.
    pub fn wait_until<T>(
        &self,
        guard: &mut MutexGuard<'_, T>,
        deadline: Instant,
    ) -> WaitTimeoutResult {
        let Some(g) = guard.0.take() else {
            return WaitTimeoutResult(true);
        };
        let left = deadline.saturating_duration_since(Instant::now());
        let (g, r) = self
            .0
            .wait_timeout(g, left)
            .unwrap_or_else(|e| e.into_inner());
        guard.0 = Some(g);
        WaitTimeoutResult(r.timed_out())
    }

    /// Wakes one waiting thread.
    pub fn notify_one(&self) {
        self.0.notify_one();
    }

    /// Wakes every waiting thread.
    pub fn notify_all(&self) {
        self.0.notify_all();
    }
}

/// A reader-writer lock ([`std::sync::RwLock`] without poisoning).
#[derive(Debug, Default)]
pub struct RwLock<T>(std::sync::RwLock<T>);

impl<T> RwLock<T> {
    /// A new unlocked lock holding `value`.
    pub const fn new(value: T) -> RwLock<T> {
        RwLock(std::sync::RwLock::new(value))
    }

    /// Shared access.
    pub fn read(&self) -> std::sync::RwLockReadGuard<'_, T> {
        self.0.read().unwrap_or_else(|e| e.into_inner())
    }

    /// Exclusive access.
    pub fn write(&self) -> std::sync::RwLockWriteGuard<'_, T> {
        self.0.write().unwrap_or_else(|e| e.into_inner())
    }
}
