//! Sessions through real proxies started by the tests (tests/proxy_servers): tinyproxy (HTTP
//! CONNECT, with and without Basic credentials) and microsocks (SOCKS5, remote and local
//! DNS, with and without credentials), the fake server behind them. A chat turn and an audio
//! turn survive a dropped connection and a GoAway handover, and every connection (the first,
//! the reconnection, the handover) goes through the proxy again, as its log shows. Refusals
//! (407, 403, 5xx, SOCKS) fail with a message that says what happened; 407 and 403 are not
//! retried; a silent proxy times out in its own phase; `no_proxy` bypasses the environment's
//! proxy; a proxy of the other kind fails in the proxy phase; the credentials appear in no
//! `Debug`, error or recording; the CLI takes `--proxy` and reads the environment.
//!
//! Every test sets `Config::proxy` explicitly (the CLI's children get no proxy variable but
//! their own) except the environment test, the only one to read (and set) the variables.

mod common;
mod proxy_servers;

use common::*;
use gemini_live::config::Proxy;
use gemini_live::fake::{fnv1a64, FakeOptions, FakeServer, Fault, FaultPlan};
use gemini_live::{Config, Error, Event, Phase, ProxyRefusal, ResponseMode, Session};
use proxy_servers::ProxyProcess;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::time::{Duration, Instant};

const USER: &str = "alice";
const PASSWORD: &str = "PROXYCANARY-pw-5a7c";

fn via(server: &FakeServer, proxy: &str) -> Config {
    let mut c = config(server, ResponseMode::TextAndAudio);
    c.stall_timeout = Duration::from_millis(400);
    c.proxy = Proxy::parse(proxy).expect("a valid proxy URL");
    c
}

/// A chat turn, an audio turn and a last chat turn against a fake that drops the first
/// connection on the first turn and sends a GoAway on the second after its first turn;
/// checks the replies, that three connections were made, and that `proxy` was asked for a
/// tunnel to `target` for each of them.
fn conversation_through(proxy: &ProxyProcess, url: &str, endpoint_host: &str) {
    let server = fake_with(FakeOptions {
        faults: FaultPlan::new().at(1, 2, Fault::Drop).at(
            2,
            2,
            Fault::GoAway {
                time_left: Duration::from_secs(2),
                then_close_after: Some(Duration::from_secs(2)),
            },
        ),
        ..FakeOptions::default()
    });
    let mut c = via(&server, url);
    let port = server.addr().port();
    c.endpoint = format!("ws://{endpoint_host}:{port}");
    let s = Session::connect(c).expect("connects through the proxy");
    assert!(
        !s.metrics().connect.proxy.is_zero(),
        "the proxy phase is measured"
    );
    let mut events = Vec::new();
    s.send_text("first").unwrap();
    assert_eq!(
        reply_across_reconnects(&s, &mut events),
        "[turn 1] echo: first"
    );
    let pcm = tone(400, 330.0);
    for chunk in pcm.chunks(640) {
        s.send_audio_bytes(chunk).unwrap();
    }
    s.audio_stream_end().unwrap();
    let heard = reply_across_reconnects(&s, &mut events);
    let expected = format!(
        "heard {} bytes of audio, checksum {:016x}",
        pcm.len(),
        fnv1a64(&pcm)
    );
    assert!(heard.ends_with(&expected), "{heard:?}: {events:#?}");
    // The handover may still be under way: wait for it before the last turn is checked.
    let deadline = Instant::now() + Duration::from_secs(5);
    while server.connection_count() < 3 && Instant::now() < deadline {
        if let Ok(Some(ev)) = s.next_event(Duration::from_millis(50)) {
            events.push(ev);
        }
    }
    s.send_text("last").unwrap();
    assert!(
        reply_across_reconnects(&s, &mut events).ends_with("echo: last"),
        "{events:#?}"
    );
    s.close().unwrap();
    assert!(
        events.iter().any(|e| matches!(e, Event::GoAway { .. })),
        "{events:#?}"
    );
    assert!(
        events
            .iter()
            .any(|e| matches!(e, Event::Reconnecting { cause: Some(_), .. })),
        "the drop: {events:#?}"
    );
    assert_eq!(
        server.connection_count(),
        3,
        "first, after the drop, handover"
    );
    let tunnels = proxy.wait_tunnels(3);
    let target = format!("{endpoint_host}:{port}");
    assert_eq!(
        tunnels,
        vec![target.clone(), target.clone(), target],
        "every connection through the proxy; its log:\n{}",
        proxy.log()
    );
}

#[test]
fn tinyproxy_carries_chat_and_audio_through_a_drop_and_a_goaway() {
    let Some(proxy) = ProxyProcess::tinyproxy(None, "") else {
        return;
    };
    let url = format!("http://127.0.0.1:{}", proxy.port);
    conversation_through(&proxy, &url, "127.0.0.1");
}

#[test]
fn tinyproxy_with_basic_auth_carries_chat_and_audio_through_a_drop_and_a_goaway() {
    let Some(proxy) = ProxyProcess::tinyproxy(Some((USER, PASSWORD)), "") else {
        return;
    };
    let url = format!("http://{USER}:{PASSWORD}@127.0.0.1:{}", proxy.port);
    conversation_through(&proxy, &url, "127.0.0.1");
}

#[test]
fn socks5h_resolves_at_the_proxy_through_a_drop_and_a_goaway() {
    let Some(proxy) = ProxyProcess::microsocks(None) else {
        return;
    };
    // The name goes to the proxy (its log shows `localhost`, not an address).
    let url = format!("socks5h://127.0.0.1:{}", proxy.port);
    conversation_through(&proxy, &url, "localhost");
}

#[test]
fn socks5_with_credentials_through_a_drop_and_a_goaway() {
    let Some(proxy) = ProxyProcess::microsocks(Some((USER, PASSWORD))) else {
        return;
    };
    let url = format!("socks5://{USER}:{PASSWORD}@127.0.0.1:{}", proxy.port);
    conversation_through(&proxy, &url, "127.0.0.1");
}

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
fn the_environment_proxy_is_used_and_no_proxy_bypasses_it() {
    let Some(proxy) = ProxyProcess::tinyproxy(None, "") else {
        return;
    };
    let server = fake();
    let mut c = config(&server, ResponseMode::TextAndAudio);
    c.proxy = Proxy::FromEnvironment;
    // The only test here that reads the environment (the others set Config::proxy).
    std::env::set_var("ws_proxy", format!("http://127.0.0.1:{}", proxy.port));
    std::env::remove_var("no_proxy");
    std::env::remove_var("NO_PROXY");
    let s = Session::connect(c.clone()).expect("connects through ws_proxy");
    s.close().unwrap();
    assert_eq!(proxy.wait_tunnels(1).len(), 1, "{}", proxy.log());

    for no_proxy in [
        "127.0.0.1",
        "*",
        &format!("127.0.0.1:{}", server.addr().port()),
    ] {
        std::env::set_var("no_proxy", no_proxy);
        let s = Session::connect(c.clone()).expect("connects directly");
        assert!(s.metrics().connect.proxy.is_zero(), "no_proxy={no_proxy}");
        s.close().unwrap();
    }
    // A port that is not the fake's does not match.
    std::env::set_var("no_proxy", "127.0.0.1:1");
    let s = Session::connect(c.clone()).expect("connects through ws_proxy");
    s.close().unwrap();
    std::env::remove_var("ws_proxy");
    std::env::remove_var("no_proxy");
    assert_eq!(server.connection_count(), 5);
    assert_eq!(proxy.wait_tunnels(2).len(), 2, "{}", proxy.log());
}

#[test]
fn credentials_appear_in_no_debug_error_or_recording() {
    let Some(proxy) = ProxyProcess::tinyproxy(Some((USER, PASSWORD)), "") else {
        return;
    };
    let server = fake();
    let dir = std::env::temp_dir().join(format!("gemini-live-proxy-rec-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("rec.jsonl");
    let url = format!("http://{USER}:{PASSWORD}@127.0.0.1:{}", proxy.port);
    let mut c = via(&server, &url);
    c.recorder = Some(
        gemini_live::record::Recorder::create(&path, gemini_live::record::AudioRecording::Keep)
            .unwrap(),
    );
    let mut seen = vec![format!("{c:?}"), format!("{:?}", c.proxy)];
    let s = Session::connect(c).unwrap();
    s.send_text("hello").unwrap();
    let mut events = Vec::new();
    reply_across_reconnects(&s, &mut events);
    seen.push(format!("{events:?} {:?} {s:?}", s.metrics()));
    s.close().unwrap();
    let recording = std::fs::read_to_string(&path).unwrap();
    assert!(recording.contains("hello"), "the recording has the turn");
    seen.push(recording);
    let wrong = format!("http://{USER}:WRONG-PROXYCANARY@127.0.0.1:{}", proxy.port);
    let e = Session::connect(via(&server, &wrong)).unwrap_err();
    seen.push(format!("{e} {e:?}"));
    let bad = Proxy::parse(&format!("gopher://{USER}:{PASSWORD}@h")).unwrap_err();
    seen.push(format!("{bad} {bad:?}"));
    let _ = std::fs::remove_dir_all(&dir);
    for text in &seen {
        assert!(!text.contains("PROXYCANARY"), "{text}");
        // The Basic token (base64 of user:password) neither.
        assert!(!text.contains("YWxpY2U6"), "{text}");
    }
}

/// The `gemini-live` CLI with no proxy variable inherited.
fn cli() -> std::process::Command {
    let mut cmd = common::cli::gemini_live();
    for v in [
        "wss_proxy",
        "ws_proxy",
        "https_proxy",
        "http_proxy",
        "all_proxy",
        "no_proxy",
    ] {
        cmd.env_remove(v).env_remove(v.to_ascii_uppercase());
    }
    cmd
}

#[test]
fn the_cli_takes_proxy_and_reads_the_environment() {
    let Some(proxy) = ProxyProcess::tinyproxy(Some((USER, PASSWORD)), "") else {
        return;
    };
    let server = fake();
    let endpoint = server.endpoint();
    let url = format!("http://{USER}:{PASSWORD}@127.0.0.1:{}", proxy.port);
    let chat = |cmd: &mut std::process::Command| {
        let out = common::cli::run_with_input(cmd, "hello\n");
        let stdout = String::from_utf8_lossy(&out.stdout).to_string();
        let stderr = String::from_utf8_lossy(&out.stderr).to_string();
        assert!(!stdout.contains("PROXYCANARY") && !stderr.contains("PROXYCANARY"));
        (out.status.success(), stdout, stderr)
    };

    // --proxy, with -vv logging every connection event.
    let (ok, stdout, stderr) =
        chat(cli().args(["chat", "--endpoint", &endpoint, "--proxy", &url, "-vv"]));
    assert!(ok && stdout.contains("echo: hello"), "{stdout}{stderr}");
    assert_eq!(proxy.wait_tunnels(1).len(), 1, "{}", proxy.log());

    // The environment: http_proxy for a ws:// endpoint.
    let (ok, stdout, stderr) = chat(
        cli()
            .args(["chat", "--endpoint", &endpoint])
            .env("http_proxy", &url),
    );
    assert!(ok && stdout.contains("echo: hello"), "{stdout}{stderr}");
    assert_eq!(proxy.wait_tunnels(2).len(), 2, "{}", proxy.log());

    // no_proxy, and --proxy none, bypass it.
    let (ok, _, stderr) = chat(
        cli()
            .args(["chat", "--endpoint", &endpoint])
            .env("HTTP_PROXY", &url)
            .env("NO_PROXY", "localhost,127.0.0.1"),
    );
    assert!(ok, "{stderr}");
    let (ok, _, stderr) = chat(
        cli()
            .args(["chat", "--endpoint", &endpoint, "--proxy", "none"])
            .env("http_proxy", &url),
    );
    assert!(ok, "{stderr}");
    assert_eq!(server.connection_count(), 4);

    // Wrong credentials: one attempt, a message that says so.
    let wrong = format!("http://{USER}:WRONG-PROXYCANARY@127.0.0.1:{}", proxy.port);
    let (ok, _, stderr) = chat(cli().args(["chat", "--endpoint", &endpoint, "--proxy", &wrong]));
    assert!(
        !ok && stderr.contains("rejected the credentials"),
        "{stderr}"
    );
    assert_eq!(
        proxy.wait_tunnels(3).len(),
        3,
        "asked once: {}",
        proxy.log()
    );

    // A malformed --proxy: refused before connecting, in the CLI's words.
    let (ok, _, stderr) = chat(cli().args([
        "chat",
        "--endpoint",
        &endpoint,
        "--proxy",
        "gopher://u:PROXYCANARY@h",
    ]));
    assert!(
        !ok && stderr.contains("--proxy") && stderr.contains("gopher"),
        "{stderr}"
    );
    assert_eq!(server.connection_count(), 4);
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
