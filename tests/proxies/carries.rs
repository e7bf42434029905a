//! A conversation through each proxy kind survives a drop and a GoAway, every connection
//! through the proxy.

use crate::common::*;
use crate::proxy_servers::ProxyProcess;
use crate::{via, PASSWORD, USER};
use gemini_live::fake::{fnv1a64, FakeOptions, Fault, FaultPlan};
use gemini_live::{Event, Session};
use std::time::{Duration, Instant};

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
