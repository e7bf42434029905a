//! The HTTP upgrade's response: anything but a WebSocket upgrade is refused clearly.

use super::raw_server::raw_config;
use crate::{cases, report, runner_with};
use gemini_live::{Error, Session};
use proptest::prelude::*;
use std::io::Write;
use std::net::TcpListener;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

// ---- the HTTP upgrade's response -----------------------------------------------------------

/// A TCP server for one connection that reads the upgrade request and answers `response`
/// (then hangs up). Returns the endpoint and the request it read.
fn http_once(response: Vec<u8>) -> (String, JoinHandle<String>) {
    use std::io::Read;
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let endpoint = format!("ws://{}", listener.local_addr().unwrap());
    let t = std::thread::spawn(move || {
        let (mut tcp, _) = listener.accept().unwrap();
        tcp.set_read_timeout(Some(Duration::from_secs(5))).unwrap();
        let mut request = Vec::new();
        let mut buf = [0u8; 1024];
        while !request.windows(4).any(|w| w == b"\r\n\r\n") {
            match tcp.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => request.extend_from_slice(&buf[..n]),
            }
        }
        let _ = tcp.write_all(&response);
        let _ = tcp.shutdown(std::net::Shutdown::Both);
        String::from_utf8_lossy(&request).into_owned()
    });
    (endpoint, t)
}

fn upgrade_error(response: &[u8]) -> Error {
    let (endpoint, t) = http_once(response.to_vec());
    let mut c = raw_config(&endpoint);
    c.timeouts.upgrade = Duration::from_secs(2);
    let err = Session::connect(c).expect_err("not a WebSocket upgrade");
    let request = t.join().unwrap();
    assert!(
        request.starts_with("GET /ws/google.ai.generativelanguage."),
        "{request}"
    );
    err
}

#[test]
fn upgrade_responses_that_are_not_a_websocket_upgrade_are_refused_clearly() {
    let upgrade_io = |e: &Error, what: &str| match e {
        Error::Io {
            phase: Some(gemini_live::Phase::Upgrade),
            message,
        } => assert!(message.contains(what), "{message}"),
        other => panic!("{other:?}"),
    };
    let e = upgrade_error(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 4\r\n\r\nbusy");
    assert!(
        matches!(&e, Error::Http { status: 503, body } if body == "busy"),
        "{e:?}"
    );
    assert!(e.is_retryable());
    let e = upgrade_error(b"HTTP/1.1 401 Unauthorized\r\n\r\n");
    assert!(matches!(&e, Error::Http { status: 401, .. }), "{e:?}");
    assert!(!e.is_retryable());
    upgrade_io(
        &upgrade_error(
            b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\
              Sec-WebSocket-Accept: d3Jvbmc=\r\n\r\n",
        ),
        "Sec-WebSocket-Accept",
    );
    upgrade_io(
        &upgrade_error(b"HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\n\r\n"),
        "Upgrade: websocket",
    );
    upgrade_io(
        &upgrade_error(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n"),
        "Connection: Upgrade",
    );
    upgrade_io(&upgrade_error(b"SSH-2.0-OpenSSH\r\n\r\n"), "not HTTP/1.x");
    upgrade_io(&upgrade_error(b"HTTP/1.1 \xff\xfe\r\n\r\n"), "not UTF-8");
    upgrade_io(&upgrade_error(b"HTTP/1.1 101 Swi"), "closed the connection");
    let mut endless = b"HTTP/1.1 101 Switching Protocols\r\n".to_vec();
    while endless.len() < 100_000 {
        endless.extend_from_slice(b"X-Padding: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
    }
    upgrade_io(&upgrade_error(&endless), "too large");
}

#[test]
fn any_upgrade_response_is_an_error_or_a_session_never_a_panic() {
    let started = Instant::now();
    let mut r = runner_with(cases(2_400) / 50);
    let response = prop_oneof![
        prop::collection::vec(any::<u8>(), 0..200),
        (
            prop::sample::select(vec!["101", "200", "301", "429", "500", "999", "1x1", ""]),
            prop::collection::vec(("[A-Za-z-]{1,20}", "\\PC{0,30}"), 0..6),
            "\\PC{0,40}",
        )
            .prop_map(|(status, headers, body)| {
                let mut s = format!("HTTP/1.1 {status} Whatever\r\n");
                for (n, v) in headers {
                    s.push_str(&format!("{n}: {v}\r\n"));
                }
                s.push_str("\r\n");
                s.push_str(&body);
                s.into_bytes()
            }),
    ];
    r.run(&response, |bytes| {
        let (endpoint, t) = http_once(bytes);
        let mut c = raw_config(&endpoint);
        c.timeouts.upgrade = Duration::from_secs(2);
        let result = Session::connect(c);
        t.join().unwrap();
        let e = result
            .err()
            .ok_or_else(|| TestCaseError::fail("a session from garbage"))?;
        prop_assert!(
            matches!(
                e,
                Error::Http { .. }
                    | Error::Io { .. }
                    | Error::Timeout(_)
                    | Error::ConnectionLost(_)
            ),
            "{:?}",
            e
        );
        prop_assert!(e.to_string().len() < 600, "{}", e);
        Ok(())
    })
    .unwrap();
    report("upgrade responses", r.config().cases, started);
}
