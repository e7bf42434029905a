//! `close` and `Drop` join the session threads: no `gemini-live-rx`/`-tx` thread outlives its
//! session. (Its own test binary, so no other test's sessions are counted.)

mod common;

use common::*;
use gemini_live::{ResponseMode, Session};

/// The tests of this file count threads, so they must not run at the same time.
static SERIAL: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn close_and_drop_join_both_threads() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let server = fake();
    assert_eq!(session_threads_after_join(), 0);
    for i in 0..20 {
        let s = Session::connect(config(&server, ResponseMode::Text)).unwrap();
        // The reader starts with the first call that sends or waits, not in `connect`.
        assert_eq!(
            session_threads(),
            0,
            "session {i}: no thread before the first call"
        );
        assert!(matches!(
            s.next_event(std::time::Duration::from_secs(1)),
            Ok(Some(gemini_live::Event::SetupComplete { .. }))
        ));
        assert_eq!(
            session_threads(),
            0,
            "an event already queued starts nothing"
        );
        s.send_text("hi").unwrap();
        // A new thread names itself once it runs, so allow it a moment to do so.
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
        while session_threads() < 1 && std::time::Instant::now() < deadline {
            std::thread::yield_now();
        }
        // The reader; the writer starts only when input has to wait for it.
        assert_eq!(session_threads(), 1, "session {i} runs its reader thread");
        turn(&s);
        if i % 2 == 0 {
            s.close().unwrap();
            assert_eq!(
                session_threads_after_join(),
                0,
                "after close of session {i}"
            );
        }
        drop(s);
        assert_eq!(session_threads_after_join(), 0, "after drop of session {i}");
    }
}

#[test]
fn drop_joins_threads_even_when_the_server_never_answers_the_close() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    use gemini_live::fake::{FakeOptions, Fault, FaultPlan};
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new().at(1, 2, Fault::Stall),
        ..FakeOptions::default()
    });
    let mut c = config(&server, ResponseMode::Text);
    c.timeouts.close = std::time::Duration::from_millis(200);
    let s = Session::connect(c).unwrap();
    s.send_text("the server stalls on this").unwrap();
    let t = std::time::Instant::now();
    drop(s);
    assert!(
        t.elapsed() < std::time::Duration::from_secs(1),
        "{:?}",
        t.elapsed()
    );
    assert_eq!(session_threads_after_join(), 0);
}

#[test]
fn the_writer_starts_when_input_has_to_wait_and_is_joined() {
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    use gemini_live::protocol::FunctionResponse;
    use gemini_live::Event;
    let server = fake();
    let s = Session::connect(config(&server, ResponseMode::Text)).unwrap();
    s.send_text("hi").unwrap();
    turn(&s);
    // The reader started with the send; it names itself once it runs (the turn may be over
    // before that: this thread read the reply itself).
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(2);
    while session_threads() < 1 && std::time::Instant::now() < deadline {
        std::thread::yield_now();
    }
    assert_eq!(session_threads(), 1, "direct sends need no writer");
    // A response to a call the server never made cannot go direct: the writer thread
    // decides its fate (it is dropped, with an event only the writer sends).
    s.send_tool_response(vec![FunctionResponse {
        id: "no-such-call".into(),
        name: "f".into(),
        ..FunctionResponse::default()
    }])
    .unwrap();
    loop {
        match s.next_event(std::time::Duration::from_secs(5)).unwrap() {
            Some(Event::ToolResponsesDropped { ids }) => {
                assert_eq!(ids, ["no-such-call"]);
                break;
            }
            Some(_) => {}
            None => panic!("no ToolResponsesDropped within 5 s"),
        }
    }
    assert_eq!(session_threads(), 2, "the reader and the writer");
    s.close().unwrap();
    assert_eq!(session_threads_after_join(), 0);
}
