//! Proxies, on by default, chosen the way Python's `websockets` (and so google-genai's Live
//! client) chooses them (protocol.md Part D.7): [`Config::proxy`](crate::Config::proxy)
//! when set, else the environment: `wss_proxy`, then `https_proxy` for `wss://` targets
//! (`ws_proxy`, then `http_proxy` for `ws://`), then `all_proxy`, each lower case first, then
//! upper case; `no_proxy` lists the hosts reached directly.
//!
//! Through the proxy: HTTP `CONNECT host:port` to an `http://` or `https://` proxy (TLS to
//! the proxy first, then TLS to the host inside the tunnel, with SNI and certificate checks
//! for the real host, unchanged), with Basic credentials from the proxy URL's user info; or
//! SOCKS5, resolving the host at the proxy (`socks5h://`) or here (`socks5://`), with
//! username/password authentication from the user info. The tunnel itself is
//! `proxy/tunnel.rs`.
//!
//! Credentials never appear in `Debug` output, errors, logs or recordings: [`ProxyUrl`]
//! shows itself as `scheme://host:port`. The setting itself ([`Proxy`], [`ProxyUrl`]) is a
//! configuration value, defined with [`Config`] (`config/proxy.rs`).

pub(crate) mod tunnel;

#[cfg(test)]
mod tests;

use crate::config::proxy::split_host_port;
use crate::config::Config;
pub use crate::config::{Proxy, ProxyKind, ProxyUrl};
use crate::error::{Error, Phase, Result};
use std::net::IpAddr;

/// Opens the tunnel to `host:port` through `proxy` over `tcp` (connected to the proxy, its
/// socket timeouts set for the proxy phase): TLS to an `https://` proxy first, then its
/// `CONNECT` or the SOCKS5 exchange.
pub(crate) fn through(
    proxy: &ProxyUrl,
    tcp: std::net::TcpStream,
    host: &str,
    port: u16,
    config: &Config,
) -> Result<tunnel::Tunnel> {
    let mut tunnel = if proxy.kind() == ProxyKind::Https {
        let tls = super::tls_handshake(proxy.host(), tcp, config).map_err(|e| match e {
            Error::Timeout(Phase::Tls) => Error::Timeout(Phase::Proxy),
            e => named(proxy, e),
        })?;
        tunnel::Tunnel::Tls(Box::new(tls))
    } else {
        tunnel::Tunnel::Plain(tcp)
    };
    tunnel::open(proxy, &mut tunnel, host, port)?;
    Ok(tunnel)
}

/// Names the proxy in a failure to reach it (TCP, or TLS to an `https://` proxy).
pub(crate) fn named(p: &ProxyUrl, e: Error) -> Error {
    match e {
        Error::Io { phase, message } => Error::Io {
            phase,
            message: format!("proxy {p}: {message}"),
        },
        Error::Tls(m) => Error::Tls(format!("proxy {p}: {m}")),
        e => e,
    }
}

/// The proxy for a connection to `host:port` (`tls`: a `wss://` target) under `setting`;
/// `env` reads an environment variable (`std::env::var` outside tests). `None`: connect
/// directly.
pub(crate) fn select(
    setting: &Proxy,
    tls: bool,
    host: &str,
    port: u16,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<ProxyUrl>> {
    match setting {
        Proxy::Direct => Ok(None),
        Proxy::Url(u) => Ok(Some(u.clone())),
        Proxy::FromEnvironment => {
            // Lower case first, as urllib (and so websockets) prefers it; empty means unset.
            let var = |name: &str| {
                env(name)
                    .or_else(|| env(&name.to_ascii_uppercase()))
                    .filter(|v| !v.trim().is_empty())
            };
            let names: &[&str] = if tls {
                &["wss_proxy", "https_proxy", "all_proxy"]
            } else {
                &["ws_proxy", "http_proxy", "all_proxy"]
            };
            let Some((name, value)) = names.iter().find_map(|n| var(n).map(|v| (*n, v))) else {
                return Ok(None);
            };
            if let Some(list) = var("no_proxy") {
                if bypass(&list, host, port) {
                    log::debug!("no_proxy: connecting to {host}:{port} directly");
                    return Ok(None);
                }
            }
            ProxyUrl::parse(&value).map(Some).map_err(|e| match e {
                Error::InvalidConfig(m) => Error::InvalidConfig(format!("{name}: {m}")),
                other => other,
            })
        }
    }
}

/// Whether `no_proxy` (comma- or space-separated) lists `host:port`: `*` matches every host;
/// `name` matches the host and its subdomains (a leading `.` or `*.` is ignored); `name:port`
/// matches only that port; IP literals match exactly, or by prefix in CIDR form (`10.0.0.0/8`).
pub(crate) fn bypass(no_proxy: &str, host: &str, port: u16) -> bool {
    let host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .trim_end_matches('.')
        .to_ascii_lowercase();
    let host_ip: Option<IpAddr> = host.parse().ok();
    no_proxy
        .split([',', ' '])
        .map(str::trim)
        .filter(|e| !e.is_empty())
        .any(|entry| {
            if entry == "*" {
                return true;
            }
            let entry = entry.to_ascii_lowercase();
            // IP literal or CIDR (an IPv6 entry may be bracketed, with a port).
            if let Some(ip) = host_ip {
                if let Some((net, bits)) = entry.split_once('/') {
                    return match (net.parse::<IpAddr>(), bits.parse::<u8>()) {
                        (Ok(net), Ok(bits)) => in_cidr(ip, net, bits),
                        _ => false,
                    };
                }
            }
            let (name, want_port) = match split_host_port(&entry) {
                Some((h, Some(p))) => match p.parse::<u16>() {
                    Ok(p) => (h, Some(p)),
                    Err(_) => return false,
                },
                Some((h, None)) => (h, None),
                None => return false,
            };
            if want_port.is_some_and(|p| p != port) {
                return false;
            }
            if let Some(ip) = host_ip {
                return name.parse::<IpAddr>().is_ok_and(|n| n == ip);
            }
            let name = name.trim_start_matches("*.").trim_start_matches('.');
            let name = name.trim_end_matches('.');
            !name.is_empty()
                && (host == name
                    || (host.len() > name.len()
                        && host.ends_with(name)
                        && host.as_bytes()[host.len() - name.len() - 1] == b'.'))
        })
}

fn in_cidr(ip: IpAddr, net: IpAddr, bits: u8) -> bool {
    match (ip, net) {
        (IpAddr::V4(a), IpAddr::V4(n)) if bits <= 32 => {
            let mask = u32::MAX.checked_shl(32 - u32::from(bits)).unwrap_or(0);
            u32::from(a) & mask == u32::from(n) & mask
        }
        (IpAddr::V6(a), IpAddr::V6(n)) if bits <= 128 => {
            let mask = u128::MAX.checked_shl(128 - u32::from(bits)).unwrap_or(0);
            u128::from(a) & mask == u128::from(n) & mask
        }
        _ => false,
    }
}
