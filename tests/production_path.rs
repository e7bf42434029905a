//! The production path, end to end: the client keeps its real default endpoint
//! (`wss://generativelanguage.googleapis.com`; for Vertex AI the host Google's SDKs build
//! for a regional location, `global` and the `us` multi-region) and reaches it through a
//! proxy, here a CONNECT proxy in the test that records every `CONNECT` target and sends the
//! tunnel to the local fake. The fake serves a certificate for those names signed by a CA
//! made in the test, trusted through the CA setting (`Config::extra_root_ca_pem`, what
//! `GEMINI_LIVE_CA_FILE` sets): real host names, SNI and certificate checks, real paths and
//! headers. Also through an `https://` proxy (TLS to the proxy, TLS to the host inside it),
//! and a certificate for another name is refused through the tunnel as it would be directly.
//!
//! This is the suite's best stand-in for the real service: keep it.

mod common;

use common::*;
use gemini_live::config::{Proxy, DEFAULT_API_VERSION, DEFAULT_ENDPOINT};
use gemini_live::fake::{FakeOptions, FakeServer, Fault, FaultPlan, VertexFakeAuth};
use gemini_live::vertex::{TokenProvider, VertexTarget};
use gemini_live::{Auth, Config, Error, Event, ResponseMode, Secret, Session};
use openssl::asn1::Asn1Time;
use openssl::bn::{BigNum, MsbOption};
use openssl::ec::{EcGroup, EcKey};
use openssl::hash::MessageDigest;
use openssl::nid::Nid;
use openssl::pkey::{PKey, Private};
use openssl::x509::extension::{BasicConstraints, ExtendedKeyUsage, SubjectAlternativeName};
use openssl::x509::{X509NameBuilder, X509};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::{Arc, Mutex};
use std::time::Duration;

const KEY: &str = "AIza-production-path-test-key";

fn ec_key() -> PKey<Private> {
    let group = EcGroup::from_curve_name(Nid::X9_62_PRIME256V1).unwrap();
    PKey::from_ec_key(EcKey::generate(&group).unwrap()).unwrap()
}

fn name(cn: &str) -> openssl::x509::X509Name {
    let mut n = X509NameBuilder::new().unwrap();
    n.append_entry_by_text("CN", cn).unwrap();
    n.build()
}

fn serial() -> openssl::asn1::Asn1Integer {
    let mut s = BigNum::new().unwrap();
    s.rand(120, MsbOption::MAYBE_ZERO, false).unwrap();
    s.to_asn1_integer().unwrap()
}

/// A test CA: its certificate and key.
struct Ca {
    cert: X509,
    key: PKey<Private>,
}

impl Ca {
    fn new() -> Ca {
        let key = ec_key();
        let mut b = X509::builder().unwrap();
        b.set_version(2).unwrap();
        b.set_serial_number(&serial()).unwrap();
        b.set_subject_name(&name("gemini_live production-path test CA"))
            .unwrap();
        b.set_issuer_name(&name("gemini_live production-path test CA"))
            .unwrap();
        b.set_pubkey(&key).unwrap();
        b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
            .unwrap();
        b.set_not_after(&Asn1Time::days_from_now(2).unwrap())
            .unwrap();
        b.append_extension(BasicConstraints::new().critical().ca().build().unwrap())
            .unwrap();
        b.sign(&key, MessageDigest::sha256()).unwrap();
        Ca {
            cert: b.build(),
            key,
        }
    }

    fn pem(&self) -> Vec<u8> {
        self.cert.to_pem().unwrap()
    }

    /// A server certificate for `names` (DNS names, or IP addresses), signed by this CA:
    /// (chain PEM, key PKCS#8 PEM).
    fn issue(&self, names: &[&str]) -> (String, String) {
        let key = ec_key();
        let mut b = X509::builder().unwrap();
        b.set_version(2).unwrap();
        b.set_serial_number(&serial()).unwrap();
        b.set_subject_name(&name(names[0])).unwrap();
        b.set_issuer_name(self.cert.subject_name()).unwrap();
        b.set_pubkey(&key).unwrap();
        b.set_not_before(&Asn1Time::days_from_now(0).unwrap())
            .unwrap();
        b.set_not_after(&Asn1Time::days_from_now(2).unwrap())
            .unwrap();
        let mut san = SubjectAlternativeName::new();
        for n in names {
            if n.parse::<std::net::IpAddr>().is_ok() {
                san.ip(n);
            } else {
                san.dns(n);
            }
        }
        let ctx = b.x509v3_context(Some(&self.cert), None);
        let san = san.build(&ctx).unwrap();
        b.append_extension(san).unwrap();
        b.append_extension(ExtendedKeyUsage::new().server_auth().build().unwrap())
            .unwrap();
        b.sign(&self.key, MessageDigest::sha256()).unwrap();
        let mut chain = String::from_utf8(b.build().to_pem().unwrap()).unwrap();
        chain.push_str(std::str::from_utf8(&self.pem()).unwrap());
        let key = String::from_utf8(key.private_key_to_pem_pkcs8().unwrap()).unwrap();
        (chain, key)
    }
}

/// A CONNECT proxy that records the targets and sends every tunnel to `upstream`; over TLS
/// when `tls` is given.
struct TestProxy {
    port: u16,
    targets: Arc<Mutex<Vec<String>>>,
}

trait Duplex: Read + Write + Send {}
impl<T: Read + Write + Send> Duplex for T {}

impl TestProxy {
    fn start(upstream: SocketAddr, tls: Option<native_tls::TlsAcceptor>) -> TestProxy {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let targets = Arc::new(Mutex::new(Vec::new()));
        let seen = targets.clone();
        std::thread::spawn(move || {
            for tcp in listener.incoming().flatten() {
                let seen = seen.clone();
                let tls = tls.clone();
                std::thread::spawn(move || {
                    let _ = tunnel(tcp, tls, upstream, &seen);
                });
            }
        });
        TestProxy { port, targets }
    }

    fn targets(&self) -> Vec<String> {
        self.targets.lock().unwrap().clone()
    }
}

fn tunnel(
    tcp: TcpStream,
    tls: Option<native_tls::TlsAcceptor>,
    upstream: SocketAddr,
    seen: &Mutex<Vec<String>>,
) -> std::io::Result<()> {
    let ctl = tcp.try_clone()?;
    let mut client: Box<dyn Duplex> = match tls {
        Some(a) => Box::new(a.accept(tcp).map_err(std::io::Error::other)?),
        None => Box::new(tcp),
    };
    let mut head = Vec::new();
    let mut b = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if client.read(&mut b)? == 0 {
            return Ok(());
        }
        head.push(b[0]);
    }
    let head = String::from_utf8_lossy(&head).to_string();
    let mut words = head.split_whitespace();
    assert_eq!(words.next(), Some("CONNECT"), "{head}");
    seen.lock()
        .unwrap()
        .push(words.next().unwrap_or("").to_string());
    let up = TcpStream::connect(upstream)?;
    client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")?;
    client.flush()?;
    // Both ways in one thread (a TLS stream cannot be split): short read timeouts.
    let tick = Some(Duration::from_millis(2));
    ctl.set_read_timeout(tick)?;
    up.set_read_timeout(tick)?;
    let mut up_r = up.try_clone()?;
    let mut up_w = up;
    let mut buf = vec![0u8; 64 * 1024];
    loop {
        let mut idle = true;
        match client.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => {
                up_w.write_all(&buf[..n])?;
                idle = false;
            }
            Err(e) if is_timeout(&e) => {}
            Err(e) => return Err(e),
        }
        match up_r.read(&mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => {
                client.write_all(&buf[..n])?;
                client.flush()?;
                idle = false;
            }
            Err(e) if is_timeout(&e) => {}
            Err(e) => return Err(e),
        }
        let _ = idle;
    }
}

fn is_timeout(e: &std::io::Error) -> bool {
    matches!(
        e.kind(),
        std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
    )
}

/// The fake, serving `names` with a certificate from `ca`.
fn fake_for(ca: &Ca, names: &[&str], vertex: Option<VertexFakeAuth>) -> FakeServer {
    fake_with(FakeOptions {
        tls_identity: Some(ca.issue(names)),
        api_key: vertex.is_none().then(|| KEY.to_string()),
        vertex,
        ..FakeOptions::default()
    })
}

/// One chat turn, then close.
fn chat(c: Config) -> String {
    let s = Session::connect(c).expect("connects through the proxy to the real host name");
    s.send_text("hello").unwrap();
    let t = turn(&s);
    s.close().unwrap();
    t.text + &t.output_transcript
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

#[test]
fn developer_api_default_host_through_a_proxy() {
    let ca = Ca::new();
    let host = "generativelanguage.googleapis.com";
    let server = fake_for(&ca, &[host], None);
    let proxy = TestProxy::start(server.addr(), None);
    let mut c = Config::default().with_api_key(KEY);
    assert_eq!(c.endpoint, DEFAULT_ENDPOINT, "the real default endpoint");
    assert_eq!(DEFAULT_ENDPOINT, format!("wss://{host}"));
    c.extra_root_ca_pem = Some(ca.pem());
    c.proxy = Proxy::parse(&format!("http://127.0.0.1:{}", proxy.port)).unwrap();
    c.response_mode = ResponseMode::TextAndAudio;
    assert!(chat(c).contains("echo: hello"));
    assert_eq!(proxy.targets(), vec![format!("{host}:443")]);
    let conn = &server.connections()[0];
    assert_eq!(
        conn.path,
        format!("/ws/google.ai.generativelanguage.{DEFAULT_API_VERSION}.GenerativeService.BidiGenerateContent")
    );
    assert_eq!(header(&conn.headers, "host"), Some(host));
    assert_eq!(header(&conn.headers, "x-goog-api-key"), Some(KEY));
    assert!(conn.query.is_empty(), "the key never in the URL");
}

#[test]
fn developer_api_through_an_https_proxy_tls_inside_tls() {
    let ca = Ca::new();
    let host = "generativelanguage.googleapis.com";
    let server = fake_for(&ca, &[host], None);
    let (chain, key) = ca.issue(&["127.0.0.1"]);
    let identity = native_tls::Identity::from_pkcs8(chain.as_bytes(), key.as_bytes()).unwrap();
    let acceptor = native_tls::TlsAcceptor::new(identity).unwrap();
    let proxy = TestProxy::start(server.addr(), Some(acceptor));
    let mut c = Config::default().with_api_key(KEY);
    c.extra_root_ca_pem = Some(ca.pem());
    c.proxy = Proxy::parse(&format!("https://127.0.0.1:{}", proxy.port)).unwrap();
    c.response_mode = ResponseMode::TextAndAudio;
    let s = Session::connect(c).expect("TLS to the proxy, then TLS to the host");
    // Several turns: the nested TLS streams stay in step once the socket is non-blocking.
    for i in 0..3 {
        s.send_text(&format!("turn {i}")).unwrap();
        let t = turn(&s);
        assert!(
            t.text.contains(&format!("echo: turn {i}")),
            "{:?}",
            t.events
        );
    }
    // An audio turn: 5 s of audio sent as fast as the socket takes it (writes that would
    // block, through both TLS layers), the model's audio read back.
    let pcm = tone(5000, 330.0);
    for chunk in pcm.chunks(3200) {
        s.send_audio_bytes(chunk).unwrap();
    }
    s.audio_stream_end().unwrap();
    let t = turn(&s);
    let expected = format!(
        "heard {} bytes of audio, checksum {:016x}",
        pcm.len(),
        gemini_live::fake::fnv1a64(&pcm)
    );
    assert!(t.text.ends_with(&expected), "{:?}", t.text);
    assert!(!t.audio.is_empty(), "the reply's audio came back");
    s.close().unwrap();
    assert_eq!(proxy.targets(), vec![format!("{host}:443")]);
}

#[test]
fn through_an_https_proxy_a_drop_and_a_goaway_each_open_a_new_tunnel() {
    let ca = Ca::new();
    let host = "generativelanguage.googleapis.com";
    let server = fake_with(FakeOptions {
        tls_identity: Some(ca.issue(&[host])),
        api_key: Some(KEY.to_string()),
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
    let (chain, key) = ca.issue(&["127.0.0.1"]);
    let identity = native_tls::Identity::from_pkcs8(chain.as_bytes(), key.as_bytes()).unwrap();
    let proxy = TestProxy::start(
        server.addr(),
        Some(native_tls::TlsAcceptor::new(identity).unwrap()),
    );
    let mut c = Config::default().with_api_key(KEY);
    c.extra_root_ca_pem = Some(ca.pem());
    c.proxy = Proxy::parse(&format!("https://127.0.0.1:{}", proxy.port)).unwrap();
    c.response_mode = ResponseMode::TextAndAudio;
    c.output_transcription = true;
    c.stall_timeout = Duration::from_millis(400);
    let s = Session::connect(c).unwrap();
    // The first turn meets the drop (replayed on the second connection), the second the
    // GoAway (handed over to a third).
    s.send_text("one").unwrap();
    let mut text = String::new();
    let mut events = Vec::new();
    for want in ["echo: one", "echo: two"] {
        loop {
            let ev = s.next_event(Duration::from_secs(10)).unwrap().unwrap();
            match &ev {
                Event::Text(t) => text.push_str(t),
                Event::Resumed { .. } | Event::NewSession { .. } => text.clear(),
                _ => {}
            }
            let done = matches!(ev, Event::TurnComplete { .. });
            events.push(ev);
            if done {
                break;
            }
        }
        assert!(text.ends_with(want), "{text:?}: {events:#?}");
        text.clear();
        if want == "echo: one" {
            s.send_text("two").unwrap();
        }
    }
    let deadline = std::time::Instant::now() + Duration::from_secs(5);
    while server.connection_count() < 3 && std::time::Instant::now() < deadline {
        let _ = s.next_event(Duration::from_millis(50));
    }
    s.close().unwrap();
    assert_eq!(server.connection_count(), 3);
    assert_eq!(proxy.targets(), vec![format!("{host}:443"); 3]);
}

#[test]
fn a_certificate_for_another_name_is_refused_through_the_tunnel() {
    let ca = Ca::new();
    let server = fake_for(&ca, &["not-google.example"], None);
    let proxy = TestProxy::start(server.addr(), None);
    let mut c = Config::default().with_api_key(KEY);
    c.extra_root_ca_pem = Some(ca.pem());
    c.proxy = Proxy::parse(&format!("http://127.0.0.1:{}", proxy.port)).unwrap();
    c.reconnect.first_connect_attempts = 1;
    let e = Session::connect(c).unwrap_err();
    let e = match e {
        Error::RetriesExhausted { last, .. } => *last,
        e => e,
    };
    assert!(
        matches!(&e, Error::Tls(m) if m.contains("generativelanguage.googleapis.com")),
        "{e:?}"
    );
    assert!(!e.is_retryable());
}

/// A Vertex AI session at `location` through the proxy: the proxy saw `CONNECT` to exactly
/// `expected_host:443`, and the fake the Vertex path, host and bearer token.
fn vertex_through_proxy(location: &str, expected_host: &str) {
    let ca = Ca::new();
    let project = "acme-prod";
    let model = "gemini-vertex-fake-model";
    let server = fake_with(FakeOptions {
        tls_identity: Some(ca.issue(&[expected_host])),
        models: vec![model.to_string()],
        vertex: Some(VertexFakeAuth::new(project, location)),
        ..FakeOptions::default()
    });
    let proxy = TestProxy::start(server.addr(), None);
    let mut c = Config::default().with_model(model);
    let target = VertexTarget::new(project, location);
    let path = target.path();
    c.vertex = Some(target);
    let n = Arc::new(Mutex::new(0));
    c.auth = Auth::AccessToken(TokenProvider::new(move || {
        let mut n = n.lock().unwrap();
        *n += 1;
        Ok(Secret::new(format!("ya29.production-path-{n}")))
    }));
    c.response_mode = ResponseMode::Text;
    c.extra_root_ca_pem = Some(ca.pem());
    c.proxy = Proxy::parse(&format!("http://127.0.0.1:{}", proxy.port)).unwrap();
    assert_eq!(c.endpoint, DEFAULT_ENDPOINT, "no endpoint override");
    let s = Session::connect(c).expect("connects to Vertex AI's host through the proxy");
    s.send_text("hello").unwrap();
    let mut events = Vec::new();
    loop {
        let ev = s.next_event(Duration::from_secs(5)).unwrap().unwrap();
        let done = matches!(ev, Event::TurnComplete { .. });
        events.push(ev);
        if done {
            break;
        }
    }
    s.close().unwrap();
    assert_eq!(
        proxy.targets(),
        vec![format!("{expected_host}:443")],
        "{location}"
    );
    let conn = &server.connections()[0];
    assert!(
        path.starts_with("/ws/google.cloud.aiplatform.")
            && path.ends_with(".LlmBidiService/BidiGenerateContent"),
        "{path}"
    );
    assert_eq!(conn.path, path, "{location}");
    assert_eq!(header(&conn.headers, "host"), Some(expected_host));
    assert_eq!(
        header(&conn.headers, "authorization"),
        Some("Bearer ya29.production-path-1")
    );
    let text: String = events
        .iter()
        .filter_map(|e| match e {
            Event::Text(t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    assert!(text.contains("echo: hello"), "{events:#?}");
}

#[test]
fn vertex_regional_host_through_a_proxy() {
    vertex_through_proxy("europe-west4", "europe-west4-aiplatform.googleapis.com");
}

#[test]
fn vertex_global_host_through_a_proxy() {
    vertex_through_proxy("global", "aiplatform.googleapis.com");
}

#[test]
fn vertex_us_multi_region_host_through_a_proxy() {
    vertex_through_proxy("us", "aiplatform.us.rep.googleapis.com");
}
