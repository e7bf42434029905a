//! `gemini_live_session`: a live conversation. Connect, send text, audio, video, activity
//! signals and tool responses, pull events, read its state, resumption handle and metrics,
//! close.
//!
//! The send functions are in [`send`].

use crate::ffi::config::gemini_live_config;
use crate::ffi::event::{gemini_live_event, state_code};
use crate::ffi::*;
use crate::session::Session;
use std::time::Duration;

// The send functions (text, audio, video, activity, tool responses, context updates).
pub mod send;
pub use send::*;

/// A live conversation. Made by `gemini_live_session_connect`, freed by
/// `gemini_live_session_free`.
///
/// Thread safety: every function except `gemini_live_session_free` may be called from
/// several threads at once on the same session (e.g. one thread sends audio while another
/// waits in `gemini_live_session_next_event`). `gemini_live_session_free` must be the last
/// call: no other thread may be using the session when it runs.
///
/// Functions: `gemini_live_session_connect`, `gemini_live_session_send_*`,
/// `gemini_live_session_try_send_audio`, `gemini_live_session_audio_stream_end`,
/// `gemini_live_session_activity_start`, `gemini_live_session_activity_end`,
/// `gemini_live_session_next_event`, `gemini_live_session_state`,
/// `gemini_live_session_resumption_handle`, `gemini_live_session_metrics`,
/// `gemini_live_session_close`, `gemini_live_session_free`, `gemini_live_session_last_close_reason`.
pub struct gemini_live_session {
    pub(crate) inner: Session,
}

/// A session's metrics: plain numbers, filled by `gemini_live_session_metrics`.
///
/// ABI growth: set `size = sizeof(gemini_live_metrics)` before the call. The library fills
/// at most `size` bytes (fields it does not know of stay as they were; new fields are only
/// ever appended) and sets `size` to the number of bytes it filled. Durations are in
/// microseconds; -1 means "not measured yet".
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct gemini_live_metrics {
    /// In: `sizeof(gemini_live_metrics)`. Out: the bytes filled.
    pub size: u32,
    /// Layout version of this struct; 3 for the fields below.
    pub version: u32,
    /// Latest connect: DNS + TCP connect.
    pub connect_tcp_us: i64,
    /// Latest connect: TLS handshake (0 for `ws://`).
    pub connect_tls_us: i64,
    /// Latest connect: HTTP upgrade.
    pub connect_upgrade_us: i64,
    /// Latest connect: `setup` sent to `setupComplete` received.
    pub connect_setup_us: i64,
    /// Latest connect: all phases.
    pub connect_total_us: i64,
    /// Messages handed to the socket.
    pub messages_sent: u64,
    /// Bytes of JSON handed to the socket.
    pub bytes_sent: u64,
    /// Data frames received.
    pub messages_received: u64,
    /// Bytes of data frames received.
    pub bytes_received: u64,
    /// Messages waiting in the send queue now.
    pub send_queue_depth: u64,
    /// Highest send-queue depth seen.
    pub send_queue_peak: u64,
    /// Frames that could not be decoded.
    pub decode_errors: u64,
    /// Latest turn: last input sent to first reply content.
    pub last_first_reply_us: i64,
    /// Latest turn: last input sent to first audio.
    pub last_first_audio_us: i64,
    /// Latest turn: last input sent to turn complete.
    pub last_turn_complete_us: i64,
    /// Time since the last message was received.
    pub since_last_received_us: i64,
    /// Reconnections that succeeded.
    pub reconnects: u64,
    /// Time spent without a connection, all outages together.
    pub downtime_us: i64,
    /// Input messages re-sent after reconnections.
    pub replayed_messages: u64,
    /// Input messages dropped (replay-buffer overflow, stale tool responses).
    pub dropped_messages: u64,
    /// Close code of the latest connection that ended; -1 if none has (the reason:
    /// `gemini_live_session_last_close_reason`).
    pub last_close_code: i32,
    /// The session's `GEMINI_LIVE_STATE_*` when the metrics were taken.
    pub state: u32,
    /// Messages timed from `send` to the socket flush.
    pub send_latency_count: u64,
    /// Send-to-flush latency, median (an upper bound at most 12.5% high); -1 if none yet.
    pub send_latency_p50_us: i64,
    /// Send-to-flush latency, 99th percentile (same bound); -1 if none yet.
    pub send_latency_p99_us: i64,
    /// Send-to-flush latency, exact maximum; -1 if none yet.
    pub send_latency_max_us: i64,
    /// Latest connect: the proxy phase (TLS to an `https://` proxy, its `CONNECT` or SOCKS5
    /// exchange); 0 without a proxy. (Version 3.)
    pub connect_proxy_us: i64,
}

growable!(gemini_live_metrics);

fn micros(d: Option<Duration>) -> i64 {
    d.map_or(-1, |d| i64::try_from(d.as_micros()).unwrap_or(i64::MAX))
}

fn metrics_of(s: &Session) -> gemini_live_metrics {
    let m = s.metrics();
    gemini_live_metrics {
        size: std::mem::size_of::<gemini_live_metrics>() as u32,
        version: 3,
        connect_tcp_us: micros(Some(m.connect.tcp)),
        connect_tls_us: micros(Some(m.connect.tls)),
        connect_upgrade_us: micros(Some(m.connect.upgrade)),
        connect_setup_us: micros(Some(m.connect.setup)),
        connect_total_us: micros(Some(m.connect.total())),
        messages_sent: m.messages_sent,
        bytes_sent: m.bytes_sent,
        messages_received: m.messages_received,
        bytes_received: m.bytes_received,
        send_queue_depth: m.send_queue_depth,
        send_queue_peak: m.send_queue_peak,
        decode_errors: m.decode_errors,
        last_first_reply_us: micros(m.last_first_reply),
        last_first_audio_us: micros(m.last_first_audio),
        last_turn_complete_us: micros(m.last_turn_complete),
        since_last_received_us: micros(m.since_last_received),
        reconnects: m.reconnects,
        downtime_us: micros(Some(m.downtime)),
        replayed_messages: m.replayed_messages,
        dropped_messages: m.dropped_messages,
        last_close_code: m.last_close_code.map_or(-1, i32::from),
        state: state_code(m.state),
        send_latency_count: m.send_latency.count(),
        send_latency_p50_us: micros(m.send_latency.quantile(0.5)),
        send_latency_p99_us: micros(m.send_latency.quantile(0.99)),
        send_latency_max_us: micros(m.send_latency.max()),
        connect_proxy_us: micros(Some(m.connect.proxy)),
    }
}

/// Connects with a copy of `config` (which stays the caller's: free it whenever you like),
/// sends `setup` and returns once the server confirmed it. Blocks while it connects: each
/// attempt takes at most the connect timeout (5 s by default), and retryable failures are
/// retried up to 3 attempts within 10 s by default (the error text then says "gave up after N
/// attempts over T s"; the code is the last failure's). On success `*out` owns the session: free it with
/// `gemini_live_session_free`. The first event is always `GEMINI_LIVE_EVENT_SETUP_COMPLETE`
/// (retries of the first connect deliver no events).
///
/// Failures: `GEMINI_LIVE_INVALID_CONFIG`, `GEMINI_LIVE_CONNECT_TIMEOUT`, `GEMINI_LIVE_IO`,
/// `GEMINI_LIVE_TLS`, `GEMINI_LIVE_HTTP` (e.g. 401/403 for a bad key),
/// `GEMINI_LIVE_MODEL_NOT_FOUND`, `GEMINI_LIVE_SERVER_CLOSED_*`; the detail is in
/// `gemini_live_last_error_message`. Any thread.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_session_connect(
    config: *const gemini_live_config,
    out: *mut *mut gemini_live_session,
) -> gemini_live_result {
    boundary(|| {
        let config = arg_ref(config, "config")?;
        let out = out_ptr(out, "out")?;
        let inner = Session::connect(config.inner.clone())?;
        *out = into_raw(gemini_live_session { inner });
        Ok(())
    })
}

/// Waits up to `timeout_ms` (0 = just look) for the next event. On `GEMINI_LIVE_OK`, `*out`
/// owns the event: free it with `gemini_live_event_free`. `GEMINI_LIVE_TIMEOUT` when none
/// came in time; `GEMINI_LIVE_CLOSED` once the session has ended and every event, including
/// the final `GEMINI_LIVE_EVENT_CLOSED`, was taken (also after
/// `gemini_live_session_close`, which leaves what was queued to be drained without waiting).
/// Several threads may wait at once; each event goes to one of them. A waiting thread only
/// waits on the session's event queue: the session's reader thread reads and decodes the
/// socket (see "Threads" at the top of this header).
#[no_mangle]
pub unsafe extern "C" fn gemini_live_session_next_event(
    session: *mut gemini_live_session,
    timeout_ms: u32,
    out: *mut *mut gemini_live_event,
) -> gemini_live_result {
    boundary(|| {
        let s = arg_ref(session, "session")?;
        let out = out_ptr(out, "out")?;
        let timeout = Duration::from_millis(timeout_ms.into());
        match s.inner.next_event(timeout)? {
            Some(ev) => {
                *out = into_raw(gemini_live_event::new(ev));
                Ok(())
            }
            None => Err(Fail::new(
                GEMINI_LIVE_TIMEOUT,
                format!("no event within {timeout_ms} ms"),
            )),
        }
    })
}

/// The session's current `GEMINI_LIVE_STATE_*` in `*state`. Works after close.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_session_state(
    session: *const gemini_live_session,
    state: *mut u32,
) -> gemini_live_result {
    boundary(|| {
        let s = arg_ref(session, "session")?;
        let out = out_ptr(state, "state")?;
        *out = state_code(s.inner.state());
        Ok(())
    })
}

/// Copies the latest resumable handle (NUL-terminated; empty if none yet) into `buf` of
/// `len` bytes; `*needed` (if not NULL) gets the size required, also on
/// `GEMINI_LIVE_BUFFER_TOO_SMALL`. Save it and pass it to
/// `gemini_live_config_set_resumption_handle` to resume later. Works after close.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_session_resumption_handle(
    session: *const gemini_live_session,
    buf: *mut c_char,
    len: usize,
    needed: *mut usize,
) -> gemini_live_result {
    boundary(|| {
        let s = arg_ref(session, "session")?;
        let handle = s.inner.resumption_handle().unwrap_or_default();
        copy_out(&handle, buf, len, needed)
    })
}

/// Copies the close reason of the latest connection that ended (NUL-terminated; empty if
/// none has, or the server gave none) into `buf` of `len` bytes; `*needed` (if not NULL) gets
/// the size required, also on `GEMINI_LIVE_BUFFER_TOO_SMALL`. Works after close.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_session_last_close_reason(
    session: *const gemini_live_session,
    buf: *mut c_char,
    len: usize,
    needed: *mut usize,
) -> gemini_live_result {
    boundary(|| {
        let s = arg_ref(session, "session")?;
        copy_out(&s.inner.metrics().last_close_reason, buf, len, needed)
    })
}

/// Fills `*metrics` (set `metrics->size = sizeof(gemini_live_metrics)` first; see
/// `gemini_live_metrics`). `GEMINI_LIVE_INVALID_ARGUMENT` if `size` is below 4. Cheap; any
/// thread; works after close.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_session_metrics(
    session: *const gemini_live_session,
    metrics: *mut gemini_live_metrics,
) -> gemini_live_result {
    boundary(|| {
        let s = arg_ref(session, "session")?;
        let out = sized_out(metrics, "metrics")?;
        out.write(&metrics_of(&s.inner));
        Ok(())
    })
}

/// Copies the session's metrics as OpenMetrics text (the Prometheus exposition format,
/// ending with `# EOF`; names `gemini_live_*`, counters as `_total`, units in the names,
/// the send latency as a histogram) into `buf` of `len` bytes, NUL-terminated. `*needed`
/// (if not NULL) gets the size required including the NUL, also on
/// `GEMINI_LIVE_BUFFER_TOO_SMALL`; pass `buf = NULL, len = 0` to ask (the text can grow
/// between calls: 8 KiB is plenty). Cheap; any thread; works after close.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_session_metrics_openmetrics(
    session: *const gemini_live_session,
    buf: *mut c_char,
    len: usize,
    needed: *mut usize,
) -> gemini_live_result {
    boundary(|| {
        let s = arg_ref(session, "session")?;
        copy_out(&s.inner.metrics().openmetrics(), buf, len, needed)
    })
}

/// Closes the session: sends what is queued, then a close frame, waits for the server's
/// reply up to the close timeout (2 s by default; then cuts the socket) and stops the
/// session's threads. Afterwards sends return `GEMINI_LIVE_CLOSED`, `next_event` drains
/// the remaining events (ending with `GEMINI_LIVE_EVENT_CLOSED`) and then returns
/// `GEMINI_LIVE_CLOSED`. Calling it again does nothing and returns `GEMINI_LIVE_OK`.
/// Any thread; a thread waiting in `next_event` gets the remaining events, then
/// `GEMINI_LIVE_CLOSED`.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_session_close(
    session: *mut gemini_live_session,
) -> gemini_live_result {
    boundary(|| Ok(arg_ref(session, "session")?.inner.close()?))
}

/// Closes the session if needed (as `gemini_live_session_close`) and frees it. NULL does
/// nothing. Must be the last call on the session: no other thread may be using it. Events
/// already taken stay valid and must still be freed with `gemini_live_event_free`.
#[no_mangle]
pub unsafe extern "C" fn gemini_live_session_free(session: *mut gemini_live_session) {
    boundary_value((), || free_raw(session))
}
