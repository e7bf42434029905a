//! A long-lived fake server (`gemini-live fake-server`, or one shared by a user's test suite)
//! stays bounded: finished connection threads are joined as new connections arrive, and the
//! records of what was sent and received stay within `FakeOptions::record_limit`. Its own
//! test binary, so no other test's threads are counted.

mod common;

use common::*;
use gemini_live::fake::FakeOptions;
use gemini_live::{ResponseMode, Session};

/// Threads of this process named `fake-live-conn-*`.
fn connection_threads() -> usize {
    std::fs::read_dir("/proc/self/task")
        .expect("/proc is mounted")
        .filter_map(|t| std::fs::read_to_string(t.ok()?.path().join("comm")).ok())
        .filter(|name| name.starts_with("fake-live-conn"))
        .count()
}

/// This process's virtual size in KiB: a thread that ended but was never joined keeps its
/// stack (2 MiB) mapped.
fn vm_size_kib() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .expect("/proc is mounted")
        .lines()
        .find_map(|l| l.strip_prefix("VmSize:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmSize")
}

#[test]
fn many_sessions_leave_neither_threads_nor_unbounded_records_behind() {
    let server = fake_with(FakeOptions {
        record_limit: 64 * 1024,
        ..FakeOptions::default()
    });
    // Warm up (thread stacks, allocator arenas), then measure.
    for _ in 0..5 {
        let s = Session::connect(config(&server, ResponseMode::Text)).unwrap();
        s.send_text("warm up").unwrap();
        turn(&s);
        s.close().unwrap();
    }
    let vm_before = vm_size_kib();
    for i in 5..60 {
        let s = Session::connect(config(&server, ResponseMode::Text)).unwrap();
        s.send_text(&format!("session {i}: {}", "x".repeat(2000)))
            .unwrap();
        turn(&s);
        s.close().unwrap();
    }
    // Each accept joins the threads of connections that ended before it: at most the last
    // few are still winding down.
    assert!(
        connection_threads() <= 3,
        "{} threads",
        connection_threads()
    );
    // Joined threads' stacks are reused: 55 unjoined ones would map 110 MiB more.
    let grew = vm_size_kib().saturating_sub(vm_before);
    assert!(
        grew < 32 * 1024,
        "virtual size grew {grew} KiB over 55 connections"
    );
    let records = server.connections();
    assert_eq!(records.len(), 60);
    let kept: usize = records
        .iter()
        .flat_map(|r| r.frames.iter().chain(&r.sent))
        .map(String::len)
        .sum();
    assert!(kept <= 64 * 1024, "{kept} bytes kept");
    // The oldest went first; the newest is whole.
    assert!(records[0].frames.is_empty() && records[0].unrecorded > 0);
    let last = &records[59];
    assert_eq!(last.unrecorded, 0);
    assert!(last.frames.iter().any(|f| f.contains("session 59")));
}
