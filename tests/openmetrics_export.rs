//! The metrics snapshot as OpenMetrics text, from Rust (`MetricsSnapshot::openmetrics`) and
//! from C (`gemini_live_session_metrics_openmetrics`, caller buffer), parsed by
//! prometheus_client's strict OpenMetrics parser (pip `prometheus_client`, installed by
//! .ci/run; skipped outside CI when missing).

mod common;

use gemini_live::fake::{FakeOptions, Fault, FaultPlan};
use gemini_live::ffi::config::{
    gemini_live_config_free, gemini_live_config_new, gemini_live_config_set_endpoint,
    gemini_live_config_set_model, gemini_live_config_set_response_modality,
};
use gemini_live::ffi::result::GEMINI_LIVE_BUFFER_TOO_SMALL;
use gemini_live::ffi::session::gemini_live_session_send_text;
use gemini_live::ffi::session::{
    gemini_live_session_close, gemini_live_session_connect, gemini_live_session_free,
    gemini_live_session_metrics_openmetrics,
};
use gemini_live::ResponseMode;
use serde_json::Value;
use std::ffi::{c_char, CString};
use std::process::Command;

const PARSER: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/python/parse_openmetrics.py"
);

/// The families prometheus_client parses from `text`, or None (skipped) without it.
fn parse(text: &str, name: &str) -> Option<Value> {
    let path = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("openmetrics-{name}-{}.txt", std::process::id()));
    std::fs::write(&path, text).expect("the text is written");
    let out = Command::new("python3").arg(PARSER).arg(&path).output();
    let _ = std::fs::remove_file(&path);
    let in_ci = std::env::var_os("CI").is_some();
    let out = match out {
        Ok(out) => out,
        Err(e) => {
            assert!(!in_ci, "python3 is required in CI: {e}");
            eprintln!("skipped: python3 is missing (Debian package python3)");
            return None;
        }
    };
    if out.status.code() == Some(2) {
        assert!(!in_ci, "pip package prometheus_client is required in CI");
        eprintln!("skipped: pip package prometheus_client is not installed");
        return None;
    }
    assert!(
        out.status.success(),
        "prometheus_client refused the text:\n{}\n{text}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(serde_json::from_slice(&out.stdout).expect("the parser's JSON"))
}

fn sample(families: &Value, family: &str, sample: &str) -> f64 {
    families[family]["samples"]
        .as_array()
        .unwrap_or_else(|| panic!("no family {family}: {families}"))
        .iter()
        .find(|s| s[0] == sample)
        .and_then(|s| s[2].as_f64())
        .unwrap_or_else(|| panic!("no sample {sample}: {families}"))
}

#[test]
fn rust_openmetrics_text_parses_with_conventional_names() {
    // Two turns and a dropped connection: counters, a reconnect, a latency histogram.
    let server = common::fake_with(FakeOptions {
        faults: FaultPlan::new().at(1, 3, Fault::Drop),
        ..FakeOptions::default()
    });
    let session =
        gemini_live::Session::connect(common::config(&server, ResponseMode::Text)).unwrap();
    for text in ["one", "two"] {
        session.send_text(text).unwrap();
        common::turn(&session);
    }
    let m = session.metrics();
    session.close().unwrap();
    let text = m.openmetrics_labeled(&[("session", "test")]);
    let Some(f) = parse(&text, "rust") else {
        return;
    };
    assert_eq!(f["gemini_live_messages_sent"]["type"], "counter");
    assert_eq!(
        sample(
            &f,
            "gemini_live_messages_sent",
            "gemini_live_messages_sent_total"
        ),
        m.messages_sent as f64
    );
    assert_eq!(f["gemini_live_sent_bytes"]["unit"], "bytes");
    assert_eq!(
        sample(&f, "gemini_live_sent_bytes", "gemini_live_sent_bytes_total"),
        m.bytes_sent as f64
    );
    assert_eq!(
        sample(&f, "gemini_live_reconnects", "gemini_live_reconnects_total"),
        1.0
    );
    assert_eq!(f["gemini_live_downtime_seconds"]["unit"], "seconds");
    let h = &f["gemini_live_send_latency_seconds"];
    assert_eq!(h["type"], "histogram");
    assert_eq!(
        sample(
            &f,
            "gemini_live_send_latency_seconds",
            "gemini_live_send_latency_seconds_count"
        ),
        m.send_latency.count() as f64
    );
    assert!(m.send_latency.count() > 0);
    assert_eq!(f["gemini_live_state"]["type"], "stateset");
    let first_reply = m
        .last_first_reply
        .expect("a turn was answered")
        .as_secs_f64();
    let got = sample(
        &f,
        "gemini_live_last_first_reply_seconds",
        "gemini_live_last_first_reply_seconds",
    );
    // To the microsecond.
    assert!((got - first_reply).abs() < 1e-6, "{got} vs {first_reply}");
    for family in f.as_object().expect("families").values() {
        for s in family["samples"].as_array().expect("samples") {
            assert_eq!(s[1]["session"], "test", "{s}");
        }
    }
}

#[test]
fn c_openmetrics_text_uses_the_buffer_convention_and_parses() {
    let server = common::fake();
    unsafe {
        let mut config = std::ptr::null_mut();
        assert_eq!(gemini_live_config_new(&mut config), 0);
        let endpoint = CString::new(server.endpoint()).unwrap();
        assert_eq!(
            gemini_live_config_set_endpoint(config, endpoint.as_ptr()),
            0
        );
        assert_eq!(gemini_live_config_set_response_modality(config, 1), 0);
        // TEXT: no current Google conversational model answers in it; the fake's own does.
        let model = CString::new(gemini_live::fake::TEXT_MODEL).unwrap();
        assert_eq!(gemini_live_config_set_model(config, model.as_ptr()), 0);
        let mut session = std::ptr::null_mut();
        assert_eq!(gemini_live_session_connect(config, &mut session), 0);
        let hello = CString::new("hello").unwrap();
        assert_eq!(gemini_live_session_send_text(session, hello.as_ptr()), 0);
        assert_eq!(gemini_live_session_close(session), 0);
        // Ask for the size, then a buffer one byte short, then the right one.
        let mut needed = 0usize;
        let r =
            gemini_live_session_metrics_openmetrics(session, std::ptr::null_mut(), 0, &mut needed);
        assert_eq!(r, GEMINI_LIVE_BUFFER_TOO_SMALL);
        assert!(needed > 100, "{needed}");
        let mut buf = vec![0 as c_char; needed - 1];
        let r = gemini_live_session_metrics_openmetrics(
            session,
            buf.as_mut_ptr(),
            buf.len(),
            &mut needed,
        );
        assert_eq!(r, GEMINI_LIVE_BUFFER_TOO_SMALL);
        // The text may grow between calls (the time since the last message): retry with the
        // size asked, as the header says.
        let mut buf = Vec::new();
        for _ in 0..5 {
            buf = vec![0 as c_char; needed];
            let r = gemini_live_session_metrics_openmetrics(
                session,
                buf.as_mut_ptr(),
                buf.len(),
                &mut needed,
            );
            if r == 0 {
                break;
            }
            assert_eq!(r, GEMINI_LIVE_BUFFER_TOO_SMALL);
        }
        let text = std::ffi::CStr::from_ptr(buf.as_ptr())
            .to_string_lossy()
            .into_owned();
        gemini_live_session_free(session);
        gemini_live_config_free(config);
        assert!(text.ends_with("# EOF\n"), "{text}");
        let Some(f) = parse(&text, "c") else {
            return;
        };
        assert!(
            sample(
                &f,
                "gemini_live_messages_sent",
                "gemini_live_messages_sent_total"
            ) >= 1.0
        );
        let closed = f["gemini_live_state"]["samples"]
            .as_array()
            .expect("the state set")
            .iter()
            .find(|s| s[1]["gemini_live_state"] == "closed")
            .and_then(|s| s[2].as_f64());
        assert_eq!(closed, Some(1.0), "{}", f["gemini_live_state"]);
    }
}
