//! Where the proxy comes from (`Config::proxy`, the environment, `no_proxy`, the CLI) and
//! where its credentials never go.

use crate::common;
use crate::common::*;
use crate::proxy_servers::ProxyProcess;
use crate::{via, PASSWORD, USER};
use gemini_live::config::Proxy;
use gemini_live::{ResponseMode, Session};

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
