//! Proxy setter of `gemini_live_config` and the proxy connect phase.

use super::{gemini_live_config, with_config};
use crate::config::Proxy;
use crate::ffi::*;

/// Connect phase: through a proxy, TLS to an `https://` proxy and its `CONNECT` or SOCKS5
/// exchange (for `gemini_live_config_set_phase_timeout_ms`).
pub const GEMINI_LIVE_PHASE_PROXY: u32 = 5;

/// Sets the proxy for every connect and reconnect, overriding the environment:
/// - `"http://[user:password@]host:port"`: HTTP `CONNECT` (`"https://..."`: over TLS to the
///   proxy); the user info is sent as Basic credentials;
/// - `"socks5h://[user:password@]host:port"`: SOCKS5, the proxy resolves the host
///   (`"socks5://..."`: resolved here);
/// - `"none"`: connect directly, whatever the environment says;
/// - NULL or `"env"`: the default: `wss_proxy`, `https_proxy`, `all_proxy` (upper or lower
///   case) and `no_proxy` from the environment, as Python's `websockets` reads them.
///
/// The string is copied. A malformed URL is `GEMINI_LIVE_INVALID_CONFIG` (the message never
/// repeats the credentials, which also never appear in logs or recordings). TLS to the
/// real host inside the tunnel is verified as without a proxy; extra roots set with
/// `gemini_live_config_set_extra_root_ca_pem` also apply to an `https://` proxy.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_config_set_proxy(
    config: *mut gemini_live_config,
    proxy: *const c_char,
) -> gemini_live_result {
    with_config(config, |c| {
        c.proxy = if proxy.is_null() {
            Proxy::FromEnvironment
        } else {
            Proxy::parse(arg_str(proxy, "proxy")?)?
        };
        Ok(())
    })
}
