//! When the client stops: fatal closes, fatal first connects, reconnection off, the attempt
//! budget spent; each says why.

use crate::common::*;
use crate::{resilient_config, FIRST_TEXT};
use gemini_live::fake::{FakeOptions, Fault, FaultPlan};
use gemini_live::{Error, Event, Session};
use std::time::Duration;

#[test]
fn fatal_closes_are_never_retried() {
    for (code, reason) in [
        (1007, "Request contains an invalid argument."),
        (1008, "models/x is not found for API version v1alpha, or is not supported for bidiGenerateContent."),
    ] {
        let server = fake_with(FakeOptions {
            faults: FaultPlan::new().at(
                1,
                FIRST_TEXT,
                Fault::Close {
                    code,
                    reason: reason.into(),
                },
            ),
            ..FakeOptions::default()
        });
        let s = Session::connect(resilient_config(&server)).unwrap();
        s.send_text("first").unwrap();
        match closed(&s) {
            Event::Closed { code: c, error: Some(e), .. } => {
                assert_eq!(c, code);
                assert!(!e.is_retryable());
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(server.connection_count(), 1, "{code} was not retried");
    }
}

#[test]
fn fatal_errors_on_the_first_connect_are_not_retried() {
    let server = fake_with(FakeOptions {
        api_key: Some("right".into()),
        ..FakeOptions::default()
    });
    let err = Session::connect(resilient_config(&server).with_api_key("wrong")).unwrap_err();
    assert!(matches!(err, Error::Closed { code: 1007, .. }));
    assert_eq!(server.connection_count(), 1);
}

#[test]
fn reconnection_off_reports_the_loss_instead() {
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new().at(1, FIRST_TEXT, Fault::Drop),
        ..FakeOptions::default()
    });
    let mut c = resilient_config(&server);
    c.reconnect.enabled = false;
    let s = Session::connect(c).unwrap();
    s.send_text("first").unwrap();
    assert!(matches!(
        closed(&s),
        Event::Closed {
            code: 1006,
            error: Some(_),
            ..
        }
    ));
    assert_eq!(server.connection_count(), 1);
}

#[test]
fn gives_up_after_the_attempt_budget_with_the_cause() {
    let plan = (2..=5).fold(FaultPlan::new().at(1, FIRST_TEXT, Fault::Drop), |p, n| {
        p.on_upgrade(n, Fault::RefuseUpgrade { status: 503 })
    });
    let server = fake_with(FakeOptions {
        faults: plan,
        ..FakeOptions::default()
    });
    let mut c = resilient_config(&server);
    c.reconnect.max_attempts = 4;
    c.reconnect.max_delay = Duration::from_millis(20);
    let s = Session::connect(c).unwrap();
    s.send_text("first").unwrap();
    match closed(&s) {
        Event::Closed {
            error:
                Some(Error::RetriesExhausted {
                    attempts: 4, last, ..
                }),
            ..
        } if matches!(*last, Error::Http { status: 503, .. }) => {}
        other => panic!("{other:?}"),
    }
    assert_eq!(
        server.connection_count(),
        5,
        "the first connection and four attempts"
    );
}
