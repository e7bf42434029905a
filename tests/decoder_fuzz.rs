//! Decoder robustness: property tests over server frames — arbitrary bytes, mutated and
//! truncated real messages, messages of the right shape with wrong types, deep nesting, huge
//! strings, invalid base64 and UTF-8 — through `protocol::decode_server` and through the whole
//! event path of a live `Session` (frames pushed by a tiny raw WebSocket server written here).
//! Nothing panics, every undecodable frame becomes one clear, bounded `Error` event and the
//! session goes on; and `Config::max_message_size` is enforced on what the server sends: a
//! frame or message over it ends the connection with a clear error, without an allocation of
//! the announced size (a counting global allocator proves it).
//!
//! Case counts: `PROPTEST_CASES` per property (default: 600 to 2,000, seconds in all; the
//! raw-socket property, one connection per case, runs a fiftieth of it).
//! The long run documented in the README:
//! `PROPTEST_CASES=1000000 cargo test --release --test decoder_fuzz -- --nocapture`.

use proptest::test_runner::{Config as ProptestConfig, TestRunner};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Mutex;
use std::time::Instant;

// ---- the largest single allocation, process-wide -------------------------------------------

struct Counting;

static LARGEST: AtomicUsize = AtomicUsize::new(0);

// SAFETY: forwards to the system allocator; only records sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        System.alloc(layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        LARGEST.fetch_max(layout.size(), Ordering::Relaxed);
        System.alloc_zeroed(layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LARGEST.fetch_max(new_size, Ordering::Relaxed);
        System.realloc(ptr, layout, new_size)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Tests that look at [`LARGEST`] or send very large frames run one at a time.
static BIG: Mutex<()> = Mutex::new(());

fn big_lock() -> std::sync::MutexGuard<'static, ()> {
    BIG.lock().unwrap_or_else(|e| e.into_inner())
}

// ---- case counts ---------------------------------------------------------------------------

fn cases(default: u32) -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn runner(default_cases: u32) -> TestRunner {
    runner_with(cases(default_cases))
}

fn runner_with(cases: u32) -> TestRunner {
    TestRunner::new(ProptestConfig {
        cases,
        failure_persistence: None,
        max_shrink_iters: 2_000,
        ..ProptestConfig::default()
    })
}

fn report(what: &str, n: u32, started: Instant) {
    eprintln!(
        "decoder_fuzz: {what}: {n} cases in {:.1?}",
        started.elapsed()
    );
}

/// The parts, one file each in tests/decoder_fuzz/.
mod decoder_fuzz {
    mod live;
    mod max_size;
    mod pure;
    mod raw_server;
    mod strategies;
    mod upgrade;
}
