//! A proxy's credentials.

use crate::proxy_servers;
use crate::{
    assert_clean, finish_turn, install, keyed_config, keyed_fake, needles, record_error,
    record_event, record_session, saw, KEY, PROXY_PASSWORD, PROXY_USER,
};
use gemini_live::fake::{Fault, FaultPlan};
use gemini_live::{Auth, Error, Secret, Session};
use std::time::Duration;

#[test]
fn proxy_credentials_never_leak() {
    install();
    let Some(proxy) =
        proxy_servers::ProxyProcess::tinyproxy(Some((PROXY_USER, PROXY_PASSWORD)), "")
    else {
        return;
    };
    use base64::Engine;
    let token =
        base64::engine::general_purpose::STANDARD.encode(format!("{PROXY_USER}:{PROXY_PASSWORD}"));
    assert!(
        needles().contains(&token.as_str()),
        "the Basic token is a needle"
    );

    // A conversation through the proxy, with a drop (so a reconnection through it again).
    let server = keyed_fake(KEY, FaultPlan::new().at(1, 2, Fault::Drop));
    let mut c = keyed_config(&server, Auth::ApiKey(Secret::new(KEY)));
    c.proxy = gemini_live::config::Proxy::parse(&format!(
        "http://{PROXY_USER}:{PROXY_PASSWORD}@127.0.0.1:{}",
        proxy.port
    ))
    .unwrap();
    saw(format!("CONFIG {c:?}"));
    saw(format!("PROXY {:?}", c.proxy));
    let s = Session::connect(c.clone()).expect("connects through the proxy");
    s.send_text("hello").unwrap();
    assert!(finish_turn(&s).contains("echo: hello"));
    record_session(&s);
    s.close().unwrap();
    while let Ok(Some(ev)) = s.next_event(Duration::from_millis(200)) {
        record_event(&ev);
    }
    assert_eq!(proxy.wait_tunnels(2).len(), 2, "{}", proxy.log());

    // Wrong and missing credentials, and a malformed URL.
    for url in [
        format!(
            "http://{PROXY_USER}:WRONGPROXYCANARY@127.0.0.1:{}",
            proxy.port
        ),
        format!("http://127.0.0.1:{}", proxy.port),
    ] {
        let mut c = c.clone();
        c.proxy = gemini_live::config::Proxy::parse(&url).unwrap();
        let e = Session::connect(c).expect_err("refused by the proxy");
        assert!(matches!(e, Error::Proxy { .. }), "{e:?}");
        record_error(&e);
    }
    let bad =
        gemini_live::config::Proxy::parse(&format!("gopher://{PROXY_USER}:{PROXY_PASSWORD}@h"))
            .unwrap_err();
    record_error(&bad);
    assert_clean("proxy credentials");
}
