//! Scenario `proxy`: a connect through a local HTTP CONNECT proxy next to a direct one,
//! alternating, against the same server. The goal: the proxy costs at most one proxy round
//! trip more, measured here as a raw client's own CONNECT exchange with the same proxy (TCP
//! connect to it, `CONNECT`, the proxy dials the server, `200`), the floor of any proxied
//! connect.
//!
//! The proxy is a minimal relay in this process (one thread per direction, as tinyproxy and
//! most proxies relay), so the figures include what a relay hop costs the upgrade and setup
//! messages that follow the tunnel, as a real proxy's would.

use crate::report::{median, quantile, us, Row, Target};
use gemini_live::config::Proxy;
use gemini_live::Session;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::time::{Duration, Instant};

/// Starts the relay; returns its port.
fn start_proxy() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = listener.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for client in listener.incoming().flatten() {
            std::thread::spawn(move || {
                let _ = relay(client);
            });
        }
    });
    port
}

fn relay(mut client: TcpStream) -> std::io::Result<()> {
    client.set_nodelay(true)?;
    let mut head = Vec::with_capacity(256);
    let mut b = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        if client.read(&mut b)? == 0 {
            return Ok(());
        }
        head.push(b[0]);
    }
    let text = String::from_utf8_lossy(&head).into_owned();
    let target = text.split_whitespace().nth(1).unwrap_or("").to_string();
    let upstream = TcpStream::connect(&target)?;
    upstream.set_nodelay(true)?;
    client.write_all(b"HTTP/1.1 200 Connection established\r\n\r\n")?;
    let (mut c2, mut u2) = (client.try_clone()?, upstream.try_clone()?);
    let up = std::thread::spawn(move || {
        let _ = std::io::copy(&mut c2, &mut u2);
        let _ = u2.shutdown(Shutdown::Write);
    });
    let (mut u, mut c) = (upstream, client);
    let _ = std::io::copy(&mut u, &mut c);
    let _ = c.shutdown(Shutdown::Write);
    let _ = up.join();
    Ok(())
}

/// A raw CONNECT exchange: TCP connect to the proxy, `CONNECT`, read the `200`.
fn raw_connect_exchange(proxy: u16, server: u16) -> Duration {
    let t0 = Instant::now();
    let mut s = TcpStream::connect(("127.0.0.1", proxy)).expect("proxy");
    s.set_nodelay(true).expect("nodelay");
    s.write_all(format!("CONNECT 127.0.0.1:{server} HTTP/1.1\r\n\r\n").as_bytes())
        .expect("write");
    let mut got = Vec::new();
    let mut buf = [0u8; 128];
    while !got.ends_with(b"\r\n\r\n") {
        let n = s.read(&mut buf).expect("read");
        assert!(n > 0, "the proxy closed");
        got.extend_from_slice(&buf[..n]);
    }
    t0.elapsed()
}

pub fn run(port: u16, quick: bool) -> Vec<Row> {
    let n = if quick { 40 } else { 200 };
    let proxy = start_proxy();
    let direct_cfg = crate::config(port, "");
    let mut via_cfg = direct_cfg.clone();
    via_cfg.proxy = Proxy::parse(&format!("http://127.0.0.1:{proxy}")).expect("proxy URL");
    let mut direct_cfg = direct_cfg;
    direct_cfg.proxy = Proxy::Direct;
    let (mut direct, mut via, mut rtt, mut phase) = (vec![], vec![], vec![], vec![]);
    for i in 0..n + 10 {
        let t0 = Instant::now();
        let s = Session::connect(direct_cfg.clone()).expect("direct connect");
        let d = t0.elapsed();
        s.close().expect("close");
        let t0 = Instant::now();
        let s = Session::connect(via_cfg.clone()).expect("connect through the proxy");
        let v = t0.elapsed();
        let p = s.metrics().connect.proxy;
        s.close().expect("close");
        let r = raw_connect_exchange(proxy, port);
        if i >= 10 {
            direct.push(d);
            via.push(v);
            rtt.push(r);
            phase.push(p);
        }
    }
    let extra: Vec<Duration> = via
        .iter()
        .zip(&direct)
        .map(|(v, d)| v.saturating_sub(*d))
        .collect();
    let sc = format!("connect via CONNECT proxy (n={n})");
    vec![
        Row::new(&sc, "direct, median", "us", Target::Info).ours(us(median(&direct))),
        Row::new(&sc, "direct, p99", "us", Target::Info).ours(us(quantile(&direct, 0.99))),
        Row::new(&sc, "via proxy, median", "us", Target::Info).ours(us(median(&via))),
        Row::new(&sc, "via proxy, p99", "us", Target::Info).ours(us(quantile(&via, 0.99))),
        Row::new(
            &sc,
            "extra over direct (median of pairs) vs one raw CONNECT exchange",
            "us",
            Target::RatioMax(1.0),
        )
        .both(us(median(&extra)), us(median(&rtt))),
        Row::new(&sc, "metrics proxy phase, median", "us", Target::Info).ours(us(median(&phase))),
    ]
}
