//! TLS: certificate and host-name verification are on by default and cannot be turned off.
//! A self-signed server is refused with a clear, fatal error (never retried); a certificate
//! for another name is refused; trusting the server's CA with the extra-root option makes it
//! work; and no code outside the fake server can disable verification.

mod common;

use common::*;
use gemini_live::fake::{FakeOptions, FakeServer};
use gemini_live::{Error, Event, ResponseMode, Session};
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::Path;
use std::time::Duration;

fn tls_fake() -> FakeServer {
    fake_with(FakeOptions {
        tls: true,
        ..FakeOptions::default()
    })
}

/// What a refused connect must look like: a TLS error naming the certificate and the host,
/// classified fatal.
fn assert_refused(err: &Error, host: &str) {
    eprintln!("refused as expected: {err}");
    match err {
        Error::Tls(m) => {
            let lower = m.to_ascii_lowercase();
            assert!(lower.contains("certificate"), "{m}");
            assert!(m.contains(host), "the message names the host {host}: {m}");
        }
        other => panic!("expected a TLS error, got {other:?}"),
    }
    assert!(!err.is_retryable(), "a rejected certificate is fatal");
    assert!(err.to_string().starts_with("TLS error:"), "{err}");
}

#[test]
fn a_self_signed_server_is_refused_by_default_and_not_retried() {
    let server = tls_fake();
    assert!(server.endpoint().starts_with("wss://localhost:"));
    let mut c = config(&server, ResponseMode::Text);
    c.extra_root_ca_pem = None; // the default: system roots only
    assert!(
        c.reconnect.enabled,
        "retries are on, yet this must not retry"
    );
    let err = Session::connect(c).expect_err("an unknown CA is refused");
    assert_refused(&err, "localhost");
    assert_eq!(
        server.connection_count(),
        1,
        "a certificate rejection is not retried"
    );
}

#[test]
fn trusting_the_servers_ca_with_the_extra_root_option_works() {
    let server = tls_fake();
    let c = config(&server, ResponseMode::Text);
    assert!(c.extra_root_ca_pem.is_some());
    let s = Session::connect(c).expect("connects over TLS with the extra root");
    s.send_text("over tls").unwrap();
    assert_eq!(turn(&s).text, "[turn 1] echo: over tls");
    s.close().unwrap();

    // The certificate also names 127.0.0.1 (an IP SAN).
    let mut c = config(&server, ResponseMode::Text);
    c.endpoint = format!("wss://127.0.0.1:{}", server.addr().port());
    let s = Session::connect(c).expect("the IP address in the certificate is accepted");
    s.send_text("by address").unwrap();
    assert_eq!(turn(&s).text, "[turn 1] echo: by address");
}

#[test]
fn a_certificate_from_another_ca_is_refused() {
    let server = tls_fake();
    let other = tls_fake();
    let mut c = config(&server, ResponseMode::Text);
    c.extra_root_ca_pem = other.ca_pem().map(String::into_bytes);
    let err = Session::connect(c).expect_err("trusting another CA does not help");
    assert_refused(&err, "localhost");
}

/// Forwards every connection accepted on `127.0.0.2` to `target` (both directions) until the
/// returned listener's address stops being used; threads end when either side closes.
fn forwarder(target: std::net::SocketAddr) -> std::net::SocketAddr {
    forwarder_on("127.0.0.2", target)
}

fn forwarder_on(ip: &str, target: std::net::SocketAddr) -> std::net::SocketAddr {
    let listener = TcpListener::bind((ip, 0)).expect("a loopback address");
    let addr = listener.local_addr().unwrap();
    std::thread::spawn(move || {
        // Bounded: a test makes a handful of connections.
        for conn in listener.incoming().take(8) {
            let Ok(client) = conn else { return };
            let Ok(upstream) = TcpStream::connect(target) else {
                return;
            };
            for (mut from, mut to) in [
                (client.try_clone().unwrap(), upstream.try_clone().unwrap()),
                (upstream, client),
            ] {
                std::thread::spawn(move || {
                    let mut buf = [0u8; 16 * 1024];
                    while let Ok(n) = from.read(&mut buf) {
                        if n == 0 || to.write_all(&buf[..n]).is_err() {
                            break;
                        }
                    }
                    let _ = to.shutdown(Shutdown::Write);
                });
            }
        }
    });
    addr
}

#[test]
fn a_certificate_for_another_ip_address_is_refused() {
    let server = tls_fake();
    // The certificate names `localhost` and 127.0.0.1; 127.0.0.2 reaches the same server
    // through a forwarder, so only the name differs.
    let via = forwarder(server.addr());
    let mut c = config(&server, ResponseMode::Text);
    assert!(c.extra_root_ca_pem.is_some(), "the CA itself is trusted");
    c.endpoint = format!("wss://127.0.0.2:{}", via.port());
    let err = Session::connect(c.clone()).expect_err("the name does not match");
    assert_refused(&err, "127.0.0.2");
    assert_eq!(server.connection_count(), 1, "not retried");

    // The same route works for plain TCP, so it is the name that was refused.
    let plain = fake();
    let via = forwarder(plain.addr());
    let mut c = config(&plain, ResponseMode::Text);
    c.endpoint = format!("ws://127.0.0.2:{}", via.port());
    let s = Session::connect(c).expect("the forwarder works");
    assert!(matches!(
        s.next_event(Duration::from_secs(5)),
        Ok(Some(Event::SetupComplete { .. }))
    ));
}

/// A host name other than `localhost` that /etc/hosts maps to a loopback address, if any.
fn other_loopback_name() -> Option<(String, String)> {
    let hosts = std::fs::read_to_string("/etc/hosts").ok()?;
    hosts.lines().find_map(|line| {
        let mut words = line.split('#').next()?.split_whitespace();
        let ip = words.next()?;
        if !ip.starts_with("127.") {
            return None;
        }
        words
            .find(|n| !n.eq_ignore_ascii_case("localhost") && !n.contains("localhost"))
            .map(|n| (ip.to_string(), n.to_string()))
    })
}

#[test]
fn a_certificate_for_another_dns_name_is_refused() {
    // The same check by name (as opposed to by IP address), where the machine has a second
    // name for a loopback address (e.g. its host name in /etc/hosts).
    let Some((ip, name)) = other_loopback_name() else {
        eprintln!("skipped: /etc/hosts names no loopback address but localhost");
        return;
    };
    let server = tls_fake();
    let port = if ip == "127.0.0.1" {
        server.addr().port()
    } else {
        forwarder_on(&ip, server.addr()).port()
    };
    let mut c = config(&server, ResponseMode::Text);
    c.endpoint = format!("wss://{name}:{port}");
    let err = Session::connect(c).expect_err("the name is not in the certificate");
    assert_refused(&err, &name);
    assert!(err.to_string().to_lowercase().contains("mismatch"), "{err}");
}

#[test]
fn an_invalid_extra_root_is_a_configuration_error() {
    let server = tls_fake();
    for pem in [
        b"not a certificate".to_vec(),
        b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n".to_vec(),
        vec![0xff, 0xfe, 0x00],
    ] {
        let mut c = config(&server, ResponseMode::Text);
        c.extra_root_ca_pem = Some(pem);
        match Session::connect(c) {
            Err(Error::InvalidConfig(m)) => assert!(m.contains("extra root CA"), "{m}"),
            other => panic!("{other:?}"),
        }
    }
}

/// Every `.rs` file under `dir`, recursively.
fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn nothing_outside_the_fake_server_can_disable_verification() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = Vec::new();
    rust_files(&root.join("src"), &mut files);
    let fake_dir = root.join("src").join("fake");
    let library: Vec<_> = files.iter().filter(|p| !p.starts_with(&fake_dir)).collect();
    assert!(library.len() > 20, "{library:?}");
    let mut others: Vec<std::path::PathBuf> = vec![root.join("include/gemini_live.h")];
    let py = root.join("bindings/python/gemini_live");
    if py.is_dir() {
        for entry in std::fs::read_dir(&py).expect("readable") {
            others.push(entry.expect("entry").path());
        }
    }
    for path in library.into_iter().chain(others.iter()) {
        if path.is_dir() {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap_or_default();
        for banned in [
            "danger_accept_invalid",
            "accept_invalid_certs",
            "accept_invalid_hostnames",
            "disable_built_in_roots",
            "SslVerifyMode::NONE",
            "set_verify(",
        ] {
            assert!(
                !text.contains(banned),
                "{} contains `{banned}`: verification must not be optional",
                path.display()
            );
        }
    }
}
