use super::*;
use std::collections::HashMap;

fn env_of(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
    let map: HashMap<String, String> = vars
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    move |name: &str| map.get(name).cloned()
}

fn chosen(vars: &[(&str, &str)], tls: bool, host: &str, port: u16) -> Option<String> {
    select(&Proxy::FromEnvironment, tls, host, port, &env_of(vars))
        .unwrap()
        .map(|p| p.to_string())
}

#[test]
fn parses_schemes_ports_and_credentials() {
    let p = ProxyUrl::parse("http://proxy.corp:3128").unwrap();
    assert_eq!(
        (p.kind(), p.host(), p.port()),
        (ProxyKind::Http, "proxy.corp", 3128)
    );
    assert!(!p.has_credentials());
    assert_eq!(ProxyUrl::parse("https://p").unwrap().port(), 443);
    assert_eq!(ProxyUrl::parse("http://p/").unwrap().port(), 80);
    assert_eq!(ProxyUrl::parse("socks5://p").unwrap().port(), 1080);
    let p = ProxyUrl::parse("SOCKS5H://u:p@[::1]:9050").unwrap();
    assert_eq!(
        (p.kind(), p.host(), p.port()),
        (ProxyKind::Socks5h, "::1", 9050)
    );
    assert_eq!(p.to_string(), "socks5h://[::1]:9050");
    // Without a scheme: http, as curl reads it.
    let p = ProxyUrl::parse("10.0.0.1:8080").unwrap();
    assert_eq!(
        (p.kind(), p.host(), p.port()),
        (ProxyKind::Http, "10.0.0.1", 8080)
    );
    // Percent-decoded user info; '@' in the password is allowed (last '@' splits).
    let p = ProxyUrl::parse("http://al%40ice:p%3Ass@w@h:1").unwrap();
    assert_eq!(p.credentials(), Some(("al@ice", "p:ss@w")));
    assert_eq!(p.host(), "h");
    let p = ProxyUrl::parse("http://user@h:1").unwrap();
    assert_eq!(p.credentials(), Some(("user", "")));
}

#[test]
fn refuses_bad_urls_without_repeating_credentials() {
    for bad in [
        "ftp://h:1",
        "socks4://h",
        "http://",
        "http://u:hunter2@h:99999",
        "http://u:hunter2@h:0",
        "http://u:hunter2@:80",
        "http://u:%zz@h",
    ] {
        let e = ProxyUrl::parse(bad).unwrap_err().to_string();
        assert!(e.contains("proxy URL"), "{bad}: {e}");
        assert!(!e.contains("hunter2"), "{bad}: {e}");
    }
}

#[test]
fn debug_and_display_never_show_credentials() {
    let p = Proxy::parse("http://alice:s3cr3t-pw@proxy:3128").unwrap();
    let text = format!("{p:?} {p:#?}");
    assert!(
        !text.contains("s3cr3t-pw") && !text.contains("alice"),
        "{text}"
    );
    assert!(
        text.contains("http://proxy:3128") && text.contains("redacted"),
        "{text}"
    );
    let Proxy::Url(u) = &p else { panic!() };
    assert_eq!(u.to_string(), "http://proxy:3128");
    let c = crate::Config::default().with_proxy(p);
    let text = format!("{c:?}");
    assert!(!text.contains("s3cr3t-pw") && !text.contains("alice"));
}

#[test]
fn settings_none_env_and_url() {
    assert_eq!(Proxy::parse("none").unwrap(), Proxy::Direct);
    assert_eq!(Proxy::parse(" NONE ").unwrap(), Proxy::Direct);
    assert_eq!(Proxy::parse("env").unwrap(), Proxy::FromEnvironment);
    assert!(matches!(
        Proxy::parse("socks5h://h:1").unwrap(),
        Proxy::Url(_)
    ));
    // Explicit settings ignore the environment and no_proxy.
    let env = env_of(&[("https_proxy", "http://envp:1"), ("no_proxy", "*")]);
    assert_eq!(select(&Proxy::Direct, true, "h", 443, &env).unwrap(), None);
    let explicit = Proxy::parse("http://mine:2").unwrap();
    let got = select(&explicit, true, "h", 443, &env).unwrap().unwrap();
    assert_eq!(got.to_string(), "http://mine:2");
}

#[test]
fn environment_order_as_websockets_reads_it() {
    let all = [
        ("wss_proxy", "http://wss:1"),
        ("https_proxy", "http://https:1"),
        ("ws_proxy", "http://ws:1"),
        ("http_proxy", "http://http:1"),
        ("all_proxy", "socks5h://all:1"),
    ];
    let g = "generativelanguage.googleapis.com";
    assert_eq!(chosen(&all, true, g, 443).as_deref(), Some("http://wss:1"));
    assert_eq!(chosen(&all, false, g, 80).as_deref(), Some("http://ws:1"));
    assert_eq!(
        chosen(&all[1..], true, g, 443).as_deref(),
        Some("http://https:1")
    );
    assert_eq!(
        chosen(&all[3..], false, g, 80).as_deref(),
        Some("http://http:1")
    );
    // A wss:// target never uses http_proxy (nor ws:// https_proxy).
    assert_eq!(
        chosen(&all[3..], true, g, 443).as_deref(),
        Some("socks5h://all:1")
    );
    assert_eq!(
        chosen(&all[4..], false, g, 80).as_deref(),
        Some("socks5h://all:1")
    );
    assert_eq!(chosen(&[("http_proxy", "http://h:1")], true, g, 443), None);
    // Upper case too; lower case wins; empty is unset.
    assert_eq!(
        chosen(&[("HTTPS_PROXY", "http://upper:1")], true, g, 443).as_deref(),
        Some("http://upper:1")
    );
    assert_eq!(
        chosen(
            &[
                ("HTTPS_PROXY", "http://upper:1"),
                ("https_proxy", "http://lower:1")
            ],
            true,
            g,
            443
        )
        .as_deref(),
        Some("http://lower:1")
    );
    assert_eq!(
        chosen(
            &[("wss_proxy", " "), ("https_proxy", "http://h:1")],
            true,
            g,
            443
        )
        .as_deref(),
        Some("http://h:1")
    );
    assert_eq!(chosen(&[], true, g, 443), None);
}

#[test]
fn a_bad_environment_url_names_the_variable() {
    let e = select(
        &Proxy::FromEnvironment,
        true,
        "h",
        443,
        &env_of(&[("HTTPS_PROXY", "gopher://u:pw@h")]),
    )
    .unwrap_err()
    .to_string();
    assert!(
        e.contains("https_proxy") && e.contains("gopher") && !e.contains("pw@"),
        "{e}"
    );
}

#[test]
fn no_proxy_hosts_suffixes_ports_and_ips() {
    let g = "generativelanguage.googleapis.com";
    assert!(bypass("*", g, 443));
    assert!(bypass("googleapis.com", g, 443));
    assert!(bypass(".googleapis.com", g, 443));
    assert!(bypass("*.googleapis.com", g, 443));
    assert!(bypass("GoogleApis.Com.", g, 443));
    assert!(bypass("example.org, googleapis.com", g, 443));
    assert!(bypass("example.org googleapis.com", g, 443));
    assert!(bypass(g, g, 443));
    assert!(!bypass("apis.com", g, 443), "a suffix is a whole label");
    assert!(!bypass("example.org", g, 443));
    assert!(!bypass("", g, 443));
    // Ports.
    assert!(bypass("googleapis.com:443", g, 443));
    assert!(!bypass("googleapis.com:8443", g, 443));
    // IP literals and CIDR.
    assert!(bypass("127.0.0.1", "127.0.0.1", 9000));
    assert!(bypass("127.0.0.1:9000", "127.0.0.1", 9000));
    assert!(!bypass("127.0.0.1:9001", "127.0.0.1", 9000));
    assert!(!bypass("127.0.0.2", "127.0.0.1", 9000));
    assert!(bypass("10.0.0.0/8", "10.1.2.3", 1));
    assert!(!bypass("10.0.0.0/8", "11.1.2.3", 1));
    assert!(bypass("::1", "[::1]", 1));
    assert!(bypass("[::1]:1", "::1", 1));
    assert!(bypass("fd00::/8", "fd12::5", 1));
    assert!(
        !bypass("0.0.1", "10.0.0.1", 1),
        "no suffix matching on addresses"
    );
    // Through select.
    let vars = [
        ("https_proxy", "http://p:1"),
        ("NO_PROXY", "localhost,.internal"),
    ];
    assert_eq!(chosen(&vars, true, "api.internal", 443), None);
    assert_eq!(chosen(&vars, true, "localhost", 443), None);
    assert!(chosen(&vars, true, g, 443).is_some());
}

#[test]
fn refusals_are_classified() {
    use crate::error::{ProxyRefusal as R, Retry};
    assert_eq!(R::Status(407).retry(), Retry::Fatal);
    assert_eq!(R::Status(403).retry(), Retry::Fatal);
    assert_eq!(R::Status(400).retry(), Retry::Fatal);
    assert_eq!(R::Status(502).retry(), Retry::Retryable);
    assert_eq!(R::Status(503).retry(), Retry::Retryable);
    assert_eq!(R::Socks(2).retry(), Retry::Fatal);
    assert_eq!(R::Socks(5).retry(), Retry::Retryable);
    assert_eq!(R::SocksAuth.retry(), Retry::Fatal);
    assert_eq!(R::Malformed.retry(), Retry::Fatal);
    let e = crate::Error::Proxy {
        proxy: "http://p:1".into(),
        refusal: R::Status(407),
        message: "x".into(),
    };
    assert!(!e.is_retryable());
    assert!(crate::Error::Timeout(crate::Phase::Proxy).is_retryable());
}
