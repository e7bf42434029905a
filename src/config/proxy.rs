//! The proxy setting ([`Config::proxy`](super::Config::proxy)): which proxy, parsed from a
//! URL whose credentials never show. How the tunnel is opened is `transport/proxy.rs`.

use super::Config;
use crate::auth::Secret;
use crate::error::{Error, Result};
use std::fmt;

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
pub(crate) fn split_host_port(s: &str) -> Option<(&str, Option<&str>)> {
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

impl Config {
    /// Sets the proxy (see [`Config::proxy`](crate::Config::proxy)).
    pub fn with_proxy(mut self, proxy: Proxy) -> Self {
        self.proxy = proxy;
        self
    }
}
