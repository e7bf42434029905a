//! Refusals (407, 403, 5xx, SOCKS, a silent proxy, a proxy of the other kind) fail with a
//! message that says what happened, retried or not as they should be.

use crate::common::*;
use crate::proxy_servers::ProxyProcess;
use crate::{via, PASSWORD, USER};
use gemini_live::config::Proxy;
use gemini_live::{Config, Error, Phase, ProxyRefusal, Session};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::Duration;

/// The first connect's error, whatever the retry wrapper.
fn innermost(e: Error) -> Error {
    match e {
        Error::RetriesExhausted { last, .. } => innermost(*last),
        e => e,
    }
}

#[test]
fn wrong_or_missing_credentials_fail_at_once_and_are_not_retried() {
    let Some(proxy) = ProxyProcess::tinyproxy(Some((USER, PASSWORD)), "") else {
        return;
    };
    let server = fake();
    let wrong = format!("http://{USER}:not-the-PROXYCANARY@127.0.0.1:{}", proxy.port);
    let e = Session::connect(via(&server, &wrong)).unwrap_err();
    let text = e.to_string();
    // (tinyproxy answers wrong credentials with 401, missing ones with 407.)
    assert!(
        matches!(
            e,
            Error::Proxy {
                refusal: ProxyRefusal::Status(401 | 407),
                ..
            }
        ),
        "{e:?}"
    );
    assert!(!e.is_retryable());
    assert!(text.contains("rejected the credentials"), "{text}");
    assert!(!format!("{text} {e:?}").contains("PROXYCANARY"), "{text}");
    assert_eq!(
        proxy.wait_tunnels(1).len(),
        1,
        "asked once: {}",
        proxy.log()
    );

    let missing = format!("http://127.0.0.1:{}", proxy.port);
    let e = Session::connect(via(&server, &missing)).unwrap_err();
    assert!(
        matches!(
            e,
            Error::Proxy {
                refusal: ProxyRefusal::Status(407),
                ..
            }
        ),
        "{e:?}"
    );
    assert!(
        e.to_string().contains("407") && e.to_string().contains("requires credentials"),
        "{e}"
    );
    assert!(!e.is_retryable());
    assert_eq!(
        proxy.wait_tunnels(2).len(),
        2,
        "asked once more: {}",
        proxy.log()
    );
    assert_eq!(server.connection_count(), 0);
}

#[test]
fn socks5_credentials_wrong_or_missing_are_fatal() {
    let Some(proxy) = ProxyProcess::microsocks(Some((USER, PASSWORD))) else {
        return;
    };
    let server = fake();
    let wrong = format!("socks5h://{USER}:nope@127.0.0.1:{}", proxy.port);
    let e = Session::connect(via(&server, &wrong)).unwrap_err();
    assert!(
        matches!(
            e,
            Error::Proxy {
                refusal: ProxyRefusal::SocksAuth,
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("rejected the credentials"), "{e}");
    assert!(!e.is_retryable());
    let missing = format!("socks5h://127.0.0.1:{}", proxy.port);
    let e = Session::connect(via(&server, &missing)).unwrap_err();
    assert!(e.to_string().contains("requires credentials"), "{e}");
    assert_eq!(server.connection_count(), 0);
}

#[test]
fn a_403_from_tinyproxy_is_fatal_and_says_so() {
    // tinyproxy allows CONNECT only to the ports listed: the fake's is not.
    let Some(proxy) = ProxyProcess::tinyproxy(None, "ConnectPort 443") else {
        return;
    };
    let server = fake();
    let e =
        Session::connect(via(&server, &format!("http://127.0.0.1:{}", proxy.port))).unwrap_err();
    assert!(
        matches!(
            e,
            Error::Proxy {
                refusal: ProxyRefusal::Status(403),
                ..
            }
        ),
        "{e:?}"
    );
    assert!(
        e.to_string()
            .contains("does not allow a tunnel to 127.0.0.1:"),
        "{e}"
    );
    assert!(!e.is_retryable());
    assert_eq!(proxy.wait_tunnels(1).len(), 1);
}

#[test]
fn an_unreachable_host_behind_tinyproxy_is_retried_then_reported() {
    let Some(proxy) = ProxyProcess::tinyproxy(None, "") else {
        return;
    };
    // A port nobody listens on.
    let dead = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let mut c = Config::default().with_endpoint(format!("ws://{dead}"));
    c.proxy = Proxy::parse(&format!("http://127.0.0.1:{}", proxy.port)).unwrap();
    c.reconnect.first_connect_attempts = 2;
    c.reconnect.initial_delay = Duration::from_millis(10);
    let e = Session::connect(c).unwrap_err();
    let text = e.to_string();
    let last = innermost(e);
    assert!(
        matches!(
            last,
            Error::Proxy {
                refusal: ProxyRefusal::Status(500..=599),
                ..
            }
        ),
        "{last:?}"
    );
    assert!(last.is_retryable());
    assert!(text.contains("could not reach"), "{text}");
    assert_eq!(
        proxy.wait_tunnels(2).len(),
        2,
        "retried once: {}",
        proxy.log()
    );
}

/// A "proxy" that accepts and answers `status` to anything, once per connection.
fn answering(status: &'static str) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for mut c in l.incoming().flatten() {
            let mut buf = [0u8; 1024];
            let _ = c.read(&mut buf);
            let _ = c.write_all(status.as_bytes());
        }
    });
    port
}

#[test]
fn a_502_is_reported_and_retried_and_a_silent_proxy_times_out_in_its_phase() {
    let server = fake();
    let port = answering("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n");
    let mut c = via(&server, &format!("http://127.0.0.1:{port}"));
    c.reconnect.first_connect_attempts = 1;
    let e = innermost(Session::connect(c).unwrap_err());
    assert!(e.is_retryable(), "{e:?}");
    assert!(e.to_string().contains("502 Bad Gateway"), "{e}");

    // Accepts, never answers.
    let silent = TcpListener::bind("127.0.0.1:0").unwrap();
    let mut c = via(&server, &format!("http://{}", silent.local_addr().unwrap()));
    c.reconnect.first_connect_attempts = 1;
    c.timeouts.proxy = Duration::from_millis(200);
    let e = innermost(Session::connect(c).unwrap_err());
    assert_eq!(e, Error::Timeout(Phase::Proxy));
    assert!(e.to_string().contains("proxy"), "{e}");
    drop(silent);
    assert_eq!(server.connection_count(), 0);
}

#[test]
fn a_proxy_of_the_other_kind_fails_in_the_proxy_phase() {
    let (Some(http), Some(socks)) = (
        ProxyProcess::tinyproxy(None, ""),
        ProxyProcess::microsocks(None),
    ) else {
        return;
    };
    let server = fake();
    // SOCKS5 to an HTTP proxy: it waits for a request line that never comes.
    let mut c = via(&server, &format!("socks5h://127.0.0.1:{}", http.port));
    c.reconnect.first_connect_attempts = 1;
    c.timeouts.proxy = Duration::from_millis(300);
    let e = innermost(Session::connect(c).unwrap_err());
    assert_eq!(e, Error::Timeout(Phase::Proxy));
    assert!(e.to_string().contains("is it a proxy of this kind?"), "{e}");
    // CONNECT to a SOCKS5 proxy: it hangs up.
    let mut c = via(&server, &format!("http://127.0.0.1:{}", socks.port));
    c.reconnect.first_connect_attempts = 1;
    let e = innermost(Session::connect(c).unwrap_err());
    assert!(
        matches!(
            &e,
            Error::Io {
                phase: Some(Phase::Proxy),
                ..
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("proxy http://127.0.0.1:"), "{e}");
    assert_eq!(server.connection_count(), 0);
}
