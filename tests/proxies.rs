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
use gemini_live::fake::FakeServer;
use gemini_live::{Config, ResponseMode};
use std::time::Duration;

const USER: &str = "alice";
const PASSWORD: &str = "PROXYCANARY-pw-5a7c";

fn via(server: &FakeServer, proxy: &str) -> Config {
    let mut c = config(server, ResponseMode::TextAndAudio);
    c.stall_timeout = Duration::from_millis(400);
    c.proxy = Proxy::parse(proxy).expect("a valid proxy URL");
    c
}

/// The tests, one file a part in tests/proxies/.
mod proxies {
    mod carries;
    mod refusals;
    mod settings;
}
