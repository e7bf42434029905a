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
//! shows itself as `scheme://host:port`.

pub(crate) mod tunnel;

#[cfg(test)]
mod tests;

use crate::config::{Config, Secret};
use crate::error::{Error, Phase, Result};
use std::fmt;
use std::net::IpAddr;

/// Which proxy a session uses. Defaults to [`Proxy::FromEnvironment`].
#[derive(Clone, PartialEq, Eq, Default)]
pub enum Proxy {
    /// The environment decides, as for Python's `websockets`: `wss_proxy` / `https_proxy`
    /// (`ws_proxy` / `http_proxy` for `ws://`), then `all_proxy`, honouring `no_proxy`.
    #[default]
    FromEnvironment,
    /// No proxy: connect directly, whatever the environment says.
    Direct,
    /// This proxy, for every connection (the environment and `no_proxy` are not read).
    Url(ProxyUrl),
}

impl Proxy {
    /// Parses a setting: `none` (or `direct`) for [`Proxy::Direct`], `env` (or `environment`)
    /// for [`Proxy::FromEnvironment`], else a proxy URL (see [`ProxyUrl::parse`]).
    pub fn parse(s: &str) -> Result<Proxy> {
        match s.trim().to_ascii_lowercase().as_str() {
            "none" | "direct" => Ok(Proxy::Direct),
            "env" | "environment" => Ok(Proxy::FromEnvironment),
            _ => Ok(Proxy::Url(ProxyUrl::parse(s)?)),
        }
    }
}

impl fmt::Debug for Proxy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Proxy::FromEnvironment => f.write_str("FromEnvironment"),
            Proxy::Direct => f.write_str("Direct"),
            Proxy::Url(u) => write!(f, "Url({u:?})"),
        }
    }
}

/// The kind of proxy, from the URL's scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProxyKind {
    /// `http://`: HTTP `CONNECT` over plain TCP.
    Http,
    /// `https://`: HTTP `CONNECT` over TLS to the proxy.
    Https,
    /// `socks5://`: SOCKS5, the host resolved here.
    Socks5,
    /// `socks5h://`: SOCKS5, the host name sent to the proxy, which resolves it.
    Socks5h,
}

impl ProxyKind {
    fn scheme(self) -> &'static str {
        match self {
            ProxyKind::Http => "http",
            ProxyKind::Https => "https",
            ProxyKind::Socks5 => "socks5",
            ProxyKind::Socks5h => "socks5h",
        }
    }
}

/// A proxy URL, `scheme://[user[:password]@]host[:port]`. Its `Debug` and `Display` show
/// `scheme://host:port` only: the credentials never appear.
#[derive(Clone, PartialEq, Eq)]
pub struct ProxyUrl {
    kind: ProxyKind,
    host: String,
    port: u16,
    credentials: Option<(String, Secret)>,
}

impl ProxyUrl {
    /// Parses `scheme://[user[:password]@]host[:port][/]`. Schemes: `http` (default port
    /// 80), `https` (443), `socks5` and `socks5h` (1080); without a scheme, `http`. User and
    /// password are percent-decoded. Errors never repeat the user info.
    pub fn parse(url: &str) -> Result<ProxyUrl> {
        let url = url.trim();
        let bad = |why: &str| Error::InvalidConfig(format!("proxy URL: {why}"));
        let (scheme, rest) = match url.split_once("://") {
            Some((s, r)) => (s.to_ascii_lowercase(), r),
            None => ("http".to_string(), url),
        };
        let kind = match scheme.as_str() {
            "http" => ProxyKind::Http,
            "https" => ProxyKind::Https,
            "socks5" => ProxyKind::Socks5,
            "socks5h" => ProxyKind::Socks5h,
            other => {
                return Err(bad(&format!(
                    "unsupported scheme \"{other}\" (use http, https, socks5 or socks5h)"
                )))
            }
        };
        let rest = rest.split(['/', '?', '#']).next().unwrap_or("");
        let (userinfo, hostport) = match rest.rsplit_once('@') {
            Some((u, h)) => (Some(u), h),
            None => (None, rest),
        };
        let default_port = match kind {
            ProxyKind::Http => 80,
            ProxyKind::Https => 443,
            ProxyKind::Socks5 | ProxyKind::Socks5h => 1080,
        };
        let (host, port) = split_host_port(hostport)
            .ok_or_else(|| bad(&format!("{}://{hostport} has no valid host", kind.scheme())))?;
        let port =
            match port {
                None => default_port,
                Some(p) => p.parse::<u16>().ok().filter(|p| *p != 0).ok_or_else(|| {
                    bad(&format!("{}://{host}: invalid port \"{p}\"", kind.scheme()))
                })?,
            };
        let credentials = match userinfo {
            None => None,
            Some(u) => {
                let (user, pass) = u.split_once(':').unwrap_or((u, ""));
                let user = percent_decode(user)
                    .ok_or_else(|| bad("the user name is not valid percent-encoded UTF-8"))?;
                let pass = percent_decode(pass)
                    .ok_or_else(|| bad("the password is not valid percent-encoded UTF-8"))?;
                Some((user, Secret::new(pass)))
            }
        };
        Ok(ProxyUrl {
            kind,
            host: host.to_string(),
            port,
            credentials,
        })
    }

    /// The kind of proxy.
    pub fn kind(&self) -> ProxyKind {
        self.kind
    }
    /// The proxy's host (without brackets for IPv6).
    pub fn host(&self) -> &str {
        &self.host
    }
    /// The proxy's port.
    pub fn port(&self) -> u16 {
        self.port
    }
    /// Whether the URL carries credentials.
    pub fn has_credentials(&self) -> bool {
        self.credentials.is_some()
    }
    pub(crate) fn credentials(&self) -> Option<(&str, &str)> {
        self.credentials
            .as_ref()
            .map(|(u, p)| (u.as_str(), p.expose()))
    }
}

impl fmt::Display for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.host.contains(':') {
            write!(f, "{}://[{}]:{}", self.kind.scheme(), self.host, self.port)
        } else {
            write!(f, "{}://{}:{}", self.kind.scheme(), self.host, self.port)
        }
    }
}

impl fmt::Debug for ProxyUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "\"{self}\"")?;
        if self.credentials.is_some() {
            f.write_str(" (credentials redacted)")?;
        }
        Ok(())
    }
}

/// `host`, `host:port`, `[v6]`, `[v6]:port`; `None` when the host is empty.
fn split_host_port(s: &str) -> Option<(&str, Option<&str>)> {
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (h, after) = rest.split_once(']')?;
        match after {
            "" => (h, None),
            a => (h, Some(a.strip_prefix(':')?)),
        }
    } else {
        match s.rsplit_once(':') {
            Some((h, p)) if !h.contains(':') => (h, Some(p)),
            Some(_) => (s, None), // a bare IPv6 literal
            None => (s, None),
        }
    };
    (!host.is_empty()).then_some((host, port))
}

fn percent_decode(s: &str) -> Option<String> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

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

impl crate::Config {
    /// Sets the proxy (see [`Config::proxy`](crate::Config::proxy)).
    pub fn with_proxy(mut self, proxy: Proxy) -> Self {
        self.proxy = proxy;
        self
    }
}
