//! Logging: the library's log records (never a secret) go to a callback of yours, at the
//! level you choose; without one, nothing is logged.
//!
//! Routing the library's `log` records to a host callback.

use super::*;
use crate::sync::RwLock;
use std::cell::Cell;
use std::ffi::{c_int, c_void, CString};
use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::Once;

/// Log level: nothing.
pub const GEMINI_LIVE_LOG_OFF: u32 = 0;
/// Log level: errors.
pub const GEMINI_LIVE_LOG_ERROR: u32 = 1;
/// Log level: warnings and above.
pub const GEMINI_LIVE_LOG_WARN: u32 = 2;
/// Log level: information (connects, closes, reconnects) and above. The default.
pub const GEMINI_LIVE_LOG_INFO: u32 = 3;
/// Log level: debugging detail and above.
pub const GEMINI_LIVE_LOG_DEBUG: u32 = 4;
/// Log level: everything, including per-message traces.
pub const GEMINI_LIVE_LOG_TRACE: u32 = 5;

/// Receives one log record: `level` is a `GEMINI_LIVE_LOG_*` constant (1 to 5), `target`
/// the module it came from (e.g. `gemini_live::session`) and `message` the text; both
/// strings are NUL-terminated and valid only during the call. Called from any library
/// thread, possibly several at once. It must not block for long and must not call
/// `gemini_live_set_log_callback`. Records never contain API keys or tokens.
pub type gemini_live_log_callback = Option<
    unsafe extern "C" fn(
        user_data: *mut c_void,
        level: c_int,
        target: *const c_char,
        message: *const c_char,
    ),
>;

/// Frees the `user_data` of a log callback when the callback is replaced or removed.
pub type gemini_live_user_data_free = Option<unsafe extern "C" fn(user_data: *mut c_void)>;

struct Sink {
    callback: unsafe extern "C" fn(*mut c_void, c_int, *const c_char, *const c_char),
    user_data: *mut c_void,
    free: gemini_live_user_data_free,
}

// SAFETY: the host promises (see `gemini_live_set_log_callback`) that the callback and its
// user data may be used from any thread.
unsafe impl Send for Sink {}
unsafe impl Sync for Sink {}

static SINK: RwLock<Option<Sink>> = RwLock::new(None);
static LEVEL: AtomicU32 = AtomicU32::new(GEMINI_LIVE_LOG_INFO);
static INSTALL: Once = Once::new();
/// Whether `LOGGER` is the process's `log` logger.
static OURS: AtomicBool = AtomicBool::new(false);

thread_local! {
    /// Set while this thread runs the host callback: records it causes are dropped.
    static IN_CALLBACK: Cell<bool> = const { Cell::new(false) };
}

struct HostLogger;

static LOGGER: HostLogger = HostLogger;

fn filter(level: u32) -> log::LevelFilter {
    match level {
        GEMINI_LIVE_LOG_OFF => log::LevelFilter::Off,
        GEMINI_LIVE_LOG_ERROR => log::LevelFilter::Error,
        GEMINI_LIVE_LOG_WARN => log::LevelFilter::Warn,
        GEMINI_LIVE_LOG_INFO => log::LevelFilter::Info,
        GEMINI_LIVE_LOG_DEBUG => log::LevelFilter::Debug,
        _ => log::LevelFilter::Trace,
    }
}

fn c_string(s: &str) -> CString {
    CString::new(s.replace('\0', "\u{FFFD}")).unwrap_or_default()
}

impl log::Log for HostLogger {
    fn enabled(&self, metadata: &log::Metadata) -> bool {
        metadata.level() <= filter(LEVEL.load(Ordering::Relaxed))
    }

    fn log(&self, record: &log::Record) {
        if !self.enabled(record.metadata()) || IN_CALLBACK.with(Cell::get) {
            return;
        }
        let sink = SINK.read();
        let Some(sink) = sink.as_ref() else { return };
        let target = c_string(record.target());
        let message = c_string(&record.args().to_string());
        IN_CALLBACK.with(|c| c.set(true));
        // SAFETY: the host registered this callback for exactly this call shape.
        unsafe {
            (sink.callback)(
                sink.user_data,
                record.level() as c_int,
                target.as_ptr(),
                message.as_ptr(),
            )
        };
        IN_CALLBACK.with(|c| c.set(false));
    }

    fn flush(&self) {}
}

/// Routes the library's log records to `callback` (see `gemini_live_log_callback`), at the
/// level set by `gemini_live_set_log_level` (default `GEMINI_LIVE_LOG_INFO`). `user_data`
/// is passed to every call; `user_data_free` (may be NULL) is called with it once the
/// callback is replaced or removed, after any call in progress has returned. A NULL
/// `callback` removes the current one (then `user_data` and `user_data_free` are ignored).
/// Without a callback the library logs nothing.
///
/// The callback and `user_data` must be usable from any thread. In a process that also
/// uses the Rust crate with its own logger, this returns `GEMINI_LIVE_INTERNAL` (and does
/// not take `user_data`).
#[no_mangle]
pub unsafe extern "C" fn gemini_live_set_log_callback(
    callback: gemini_live_log_callback,
    user_data: *mut c_void,
    user_data_free: gemini_live_user_data_free,
) -> gemini_live_result {
    boundary(|| {
        install_logger()?;
        let new = callback.map(|callback| Sink {
            callback,
            user_data,
            free: user_data_free,
        });
        replace_sink(new);
        Ok(())
    })
}

/// Makes `LOGGER` the process's `log` logger, once.
fn install_logger() -> FfiResult {
    INSTALL.call_once(|| OURS.store(log::set_logger(&LOGGER).is_ok(), Ordering::SeqCst));
    if OURS.load(Ordering::SeqCst) {
        Ok(())
    } else {
        Err(Fail::new(
            GEMINI_LIVE_INTERNAL,
            "another logger is installed in this process",
        ))
    }
}

/// Installs `new` and frees the previous sink's user data once no call uses it any more
/// (the write lock waits for calls in progress).
fn replace_sink(new: Option<Sink>) {
    let level = match new {
        Some(_) => filter(LEVEL.load(Ordering::Relaxed)),
        None => log::LevelFilter::Off,
    };
    let old = std::mem::replace(&mut *SINK.write(), new);
    log::set_max_level(level);
    if let Some(Sink {
        user_data,
        free: Some(free),
        ..
    }) = old
    {
        // SAFETY: the host gave this function to free exactly this pointer.
        unsafe { free(user_data) };
    }
}

/// Sets the most detailed level passed to the log callback: a `GEMINI_LIVE_LOG_*` constant
/// (`GEMINI_LIVE_INVALID_ARGUMENT` above `GEMINI_LIVE_LOG_TRACE`). Defaults to
/// `GEMINI_LIVE_LOG_INFO`. Any thread, any time.
#[no_mangle]
pub extern "C" fn gemini_live_set_log_level(level: u32) -> gemini_live_result {
    boundary(|| {
        if level > GEMINI_LIVE_LOG_TRACE {
            return Err(Fail::invalid(format!("unknown log level {level}")));
        }
        LEVEL.store(level, Ordering::Relaxed);
        if SINK.read().is_some() {
            log::set_max_level(filter(level));
        }
        Ok(())
    })
}
