//! Tests of the fault plan syntax: every kind parses, prints back and round-trips; bad items
//! say what is wrong.

use super::*;
use crate::fake::options::Trigger;

fn only(plan: &FaultPlan, conn: usize) -> Vec<(Trigger, Fault)> {
    plan.for_conn(conn)
}

#[test]
fn parses_the_documented_example() {
    let plan = parse_fault_plan(
        "2@5:close=1011,1@3:goaway=5s,3@up:refuse=503,1@4:drop,1@2:stall,1@2:malformed",
    )
    .unwrap();
    let c2 = only(&plan, 2);
    assert_eq!(c2.len(), 1);
    assert_eq!(c2[0].0, Trigger::After(5));
    match &c2[0].1 {
        Fault::Close { code, reason } => {
            assert_eq!(*code, 1011);
            assert_eq!(reason, "Internal error occurred.");
        }
        f => panic!("{f:?}"),
    }
    let c1 = only(&plan, 1);
    assert_eq!(c1.len(), 4);
    assert!(matches!(
        c1[0],
        (Trigger::After(3), Fault::GoAway { time_left, then_close_after: None })
            if time_left == Duration::from_secs(5)
    ));
    assert!(matches!(c1[1], (Trigger::After(4), Fault::Drop)));
    assert!(matches!(c1[2], (Trigger::After(2), Fault::Stall)));
    assert!(matches!(c1[3], (Trigger::After(2), Fault::Malformed)));
    assert!(matches!(
        only(&plan, 3)[..],
        [(Trigger::Upgrade, Fault::RefuseUpgrade { status: 503 })]
    ));
    assert!(only(&plan, 4).is_empty());
}

#[test]
fn parses_every_kind_and_argument_form() {
    let plan = parse_fault_plan(
        " 1@0:goaway=1.5s+250ms , 1@1:goaway-strict=2s, 1@2:goaway-strict=1s+3s, \
         1@3:close=1000/bye now, 1@4:slow=20ms, 1@5:unknown, 1@6:silent, 1@7:close=4000",
    )
    .unwrap();
    let c = only(&plan, 1);
    assert!(matches!(
        c[0],
        (Trigger::After(0), Fault::GoAway { time_left, then_close_after: Some(a) })
            if time_left == Duration::from_millis(1500) && a == Duration::from_millis(250)
    ));
    assert!(matches!(
        c[1].1,
        Fault::GoAwayStrict { time_left, close_after }
            if time_left == Duration::from_secs(2) && close_after == Duration::from_secs(2)
    ));
    assert!(matches!(
        c[2].1,
        Fault::GoAwayStrict { close_after, .. } if close_after == Duration::from_secs(3)
    ));
    assert!(matches!(&c[3].1, Fault::Close { code: 1000, reason } if reason == "bye now"));
    assert!(matches!(
        c[4].1,
        Fault::SlowReader { delay } if delay == Duration::from_millis(20)
    ));
    assert!(matches!(c[5].1, Fault::UnknownMessage));
    assert!(matches!(c[6].1, Fault::SilentDrop));
    assert!(matches!(&c[7].1, Fault::Close { code: 4000, reason } if reason.is_empty()));
}

#[test]
fn parses_server_positions_and_the_newer_kinds() {
    let plan =
        parse_fault_plan("2@s9:reset,2@s1:truncate,2@3:stall=1.5s,2@s4:stall=forever").unwrap();
    let c = only(&plan, 2);
    assert!(matches!(c[0], (Trigger::AfterServer(9), Fault::Reset)));
    assert!(matches!(
        c[1],
        (Trigger::AfterServer(1), Fault::TruncatedFrame)
    ));
    assert!(matches!(
        c[2],
        (Trigger::After(3), Fault::StallAttached { hold: Some(h) })
            if h == Duration::from_millis(1500)
    ));
    assert!(matches!(
        c[3],
        (Trigger::AfterServer(4), Fault::StallAttached { hold: None })
    ));
    for bad in [
        "1@s:drop",
        "1@s0:drop",
        "1@sx:drop",
        "1@s1:reset=1",
        "1@1:stall=soon",
    ] {
        let err = parse_fault_plan(bad).expect_err(bad);
        assert!(err.contains("fault"), "{bad}: {err}");
    }
}

#[test]
fn empty_spec_is_an_empty_plan() {
    assert!(parse_fault_plan("").unwrap().is_empty());
    assert!(parse_fault_plan(" , ").unwrap().is_empty());
}

#[test]
fn rejects_bad_specs_with_a_message() {
    for bad in [
        "drop",
        "1:drop",
        "0@1:drop",
        "x@1:drop",
        "1@x:drop",
        "1@1",
        "1@1:explode",
        "1@1:drop=3",
        "1@1:close",
        "1@1:close=abc",
        "1@1:close=99",
        "1@up:refuse=abc",
        "1@1:goaway",
        "1@1:goaway=fast",
        "1@1:slow=-1s",
    ] {
        let err = parse_fault_plan(bad).expect_err(bad);
        assert!(err.contains("fault"), "{bad}: {err}");
    }
}

#[test]
fn durations() {
    assert_eq!(parse_duration("250ms").unwrap(), Duration::from_millis(250));
    assert_eq!(parse_duration("2").unwrap(), Duration::from_secs(2));
    assert_eq!(parse_duration("1m").unwrap(), Duration::from_secs(60));
    assert!(parse_duration("inf").is_err());
}

#[test]
fn every_fault_kind_is_listed_and_its_example_parses() {
    // An exhaustive match: a new Fault variant fails to compile here until it is listed.
    fn index(f: &Fault) -> usize {
        match f {
            Fault::Drop => 0,
            Fault::Reset => 1,
            Fault::Close { .. } => 2,
            Fault::GoAway { .. } => 3,
            Fault::GoAwayStrict { .. } => 4,
            Fault::Stall => 5,
            Fault::StallAttached { .. } => 6,
            Fault::Freeze => 7,
            Fault::CutMidReply { .. } => 8,
            Fault::RefuseUpgrade { .. } => 9,
            Fault::Malformed => 10,
            Fault::TruncatedFrame => 11,
            Fault::SlowReader { .. } => 12,
            Fault::UnknownMessage => 13,
            Fault::SilentDrop => 14,
        }
    }
    let mut seen = [false; 15];
    for (syntax, example, _) in FAULT_KINDS {
        let name = syntax.split(['=', '[']).next().unwrap_or_default();
        assert!(example.starts_with(name), "{syntax} / {example}");
        let fault = parse_fault(example).unwrap_or_else(|e| panic!("{example}: {e}"));
        seen[index(&fault)] = true;
        assert!(fault_plan_help().contains(syntax));
        // Its log form reads back as the same fault.
        let again = parse_fault(&fault.to_string()).unwrap_or_else(|e| panic!("{fault}: {e}"));
        assert_eq!(again.to_string(), fault.to_string());
    }
    assert!(seen.iter().all(|s| *s), "{seen:?}");
}
