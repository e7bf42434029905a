//! Quota and concurrency closes (protocol.md Part D.6): a 1011 close with a
//! `RESOURCE_EXHAUSTED` / "Quota exceeded" reason is classified as `Error::QuotaExceeded`
//! naming the limit, retried with the long quota backoff (not the ordinary one), and the
//! question asked before it is answered on the next connection.

mod common;

use common::*;
use gemini_live::fake::{FakeOptions, Fault, FaultPlan};
use gemini_live::{Error, Event, QuotaLimit, ResponseMode, Session};
use std::time::Duration;

const REASON: &str = "RESOURCE_EXHAUSTED: Quota exceeded for concurrent sessions per project";

#[test]
fn a_quota_close_is_named_retried_with_the_long_backoff_and_the_turn_answered() {
    // Connection 1 closes 1011 with the quota reason right after the first question.
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new().at(
            1,
            2,
            Fault::Close {
                code: 1011,
                reason: REASON.into(),
            },
        ),
        ..FakeOptions::default()
    });
    let mut c = config(&server, ResponseMode::Text);
    c.reconnect.initial_delay = Duration::from_millis(1);
    c.reconnect.max_delay = Duration::from_millis(2);
    // Shorter than the 10 s default to keep the test quick, far above the ordinary delays.
    c.reconnect.quota_delay = Duration::from_millis(300);
    let s = Session::connect(c).unwrap();
    s.send_text("hello").unwrap();
    let mut seen = Vec::new();
    let (delay, cause) = loop {
        let ev = s
            .next_event(Duration::from_secs(10))
            .unwrap()
            .expect("an event");
        if let Event::Reconnecting { delay, cause, .. } = &ev {
            break (*delay, cause.clone());
        }
        seen.push(ev);
    };
    let Some(e @ Error::QuotaExceeded { code: 1011, .. }) = cause else {
        panic!("not classified as a quota close: {cause:?} after {seen:?}")
    };
    assert!(
        matches!(
            e,
            Error::QuotaExceeded {
                limit: QuotaLimit::ConcurrentSessions,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.is_retryable());
    let text = e.to_string();
    assert!(text.contains("concurrent-session limit"), "{text}");
    assert!(text.contains(REASON), "{text}");
    // The long backoff, jittered ±20 %: not the 1-2 ms of the ordinary policy.
    assert!(delay >= Duration::from_millis(240), "{delay:?}");
    assert!(delay <= Duration::from_millis(360), "{delay:?}");
    let t = turn(&s);
    assert_eq!(t.text, "[turn 1] echo: hello");
    assert!(server.connection_count() >= 2);
    s.close().unwrap();
}
