//! The C ABI, declared in `include/gemini_live.h` (generated from this module by `build.rs`
//! with cbindgen). It is a thin shell over the Rust API: every function checks its pointers,
//! copies its inputs, calls the Rust API and maps the outcome to a [`gemini_live_result`].
//!
//! Conventions (design.md §5):
//! - every extern function body runs inside `boundary` (no panic crosses into C; a caught
//!   panic returns [`GEMINI_LIVE_PANIC`]);
//! - pointers are checked by the helpers here (`arg_ref`, `arg_str`, `arg_slice`,
//!   `out_ptr`): NULL gives [`GEMINI_LIVE_NULL_ARGUMENT`];
//! - out-parameters are written only on success; a failure records detail text for
//!   `gemini_live_last_error_message` (thread-local);
//! - `_free(NULL)` does nothing.
//!
//! The pointer contract of every function (stated once, in the header preamble): a non-NULL
//! object pointer must come from the matching constructor and not have been freed; a
//! non-NULL buffer pointer must be valid for the length given.
#![allow(unsafe_code)]
// The safety contract is the same for every function and is documented once, in the
// header preamble ("Pointers and ownership"), rather than on each function.
#![allow(clippy::missing_safety_doc)]
#![allow(non_camel_case_types)]

// One module (file or folder) per C object, in the order of the header: build.rs makes one
// section of the header per module below, from the items declared in it and its children
// (cbindgen alone would put all constants first, then all types, then all functions). The
// first paragraph of each module's `//!` docs, "Title: what it is", heads its section; a
// module declared before another may not use its types (C needs them declared first).

// The `size` scheme of out-structs that can grow (no C declarations of its own).
mod growth;
pub(crate) use growth::{growable, sized_out, sized_out_opt, Growable, SizedOut};

// Result codes, version, last error.
pub mod result;

// Logging: the log callback and level (before the objects: every one of them logs).
pub mod logging;

// `gemini_live_config` and all its setters (submodules by topic).
pub mod config;

// `gemini_live_event` and its accessors (before the session, whose next_event makes events).
pub mod event;

// `gemini_live_session`: connect, events, state, close; and sending.
pub mod session;

// `gemini_live_resampler`.
pub mod resampler;

// `gemini_live_player` (real-time safe reads) and its adaptive start.
pub mod player;

// Telephony: G.711, `gemini_live_phone_in`, `gemini_live_phone_out` (real-time safe).
pub mod telephony;

// `gemini_live_client_vad` (activityStart / activityEnd from the client).
pub mod vad;

// `gemini_live_echo_canceller`, fed by the player (after the player, which it needs).
pub mod echo;

// `gemini_live_fake_server`, the embedded fake server (cargo feature `fake`, on by default).
#[cfg(feature = "fake")]
pub mod fake;

pub use result::*;

use crate::error::Error;
use std::cell::RefCell;
use std::ffi::{c_char, CStr};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// A failure on its way to C: a result code plus detail text.
#[derive(Debug)]
pub(crate) struct Fail {
    pub(crate) code: gemini_live_result,
    pub(crate) detail: String,
}

impl Fail {
    pub(crate) fn new(code: gemini_live_result, detail: impl Into<String>) -> Fail {
        Fail {
            code,
            detail: detail.into(),
        }
    }
    pub(crate) fn invalid(detail: impl Into<String>) -> Fail {
        Fail::new(GEMINI_LIVE_INVALID_ARGUMENT, detail)
    }
}

impl From<Error> for Fail {
    fn from(e: Error) -> Fail {
        Fail::new(result_of(&e), e.message(crate::wording::Lang::C))
    }
}

/// What an extern function body returns.
pub(crate) type FfiResult = Result<(), Fail>;

thread_local! {
    static LAST_ERROR: RefCell<String> = const { RefCell::new(String::new()) };
}

/// Records `detail` as this thread's last error.
pub(crate) fn set_last_error(code: gemini_live_result, detail: &str) {
    let _ = LAST_ERROR.try_with(|e| {
        if let Ok(mut e) = e.try_borrow_mut() {
            e.clear();
            e.push_str(result_name(code));
            if !detail.is_empty() {
                e.push_str(": ");
                e.push_str(detail);
            }
        }
    });
}

/// This thread's last error text.
pub(crate) fn last_error() -> String {
    LAST_ERROR
        .try_with(|e| e.try_borrow().map(|s| s.clone()).unwrap_or_default())
        .unwrap_or_default()
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "unknown panic payload".to_string()
    }
}

/// The panic boundary: runs `f`, maps its failure to a code (recording the detail as the
/// thread's last error) and turns a panic into [`GEMINI_LIVE_PANIC`].
pub(crate) fn boundary(f: impl FnOnce() -> FfiResult) -> gemini_live_result {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(Ok(())) => GEMINI_LIVE_OK,
        Ok(Err(fail)) => {
            set_last_error(fail.code, &fail.detail);
            fail.code
        }
        Err(payload) => {
            set_last_error(
                GEMINI_LIVE_PANIC,
                &format!("a bug in gemini_live: {}", panic_text(&*payload)),
            );
            GEMINI_LIVE_PANIC
        }
    }
}

/// The panic boundary for functions that return a value instead of a result code:
/// `fallback` on panic.
pub(crate) fn boundary_value<T>(fallback: T, f: impl FnOnce() -> T) -> T {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or(fallback)
}

fn null(name: &str) -> Fail {
    Fail::new(GEMINI_LIVE_NULL_ARGUMENT, format!("`{name}` is NULL"))
}

/// Borrows an object argument: NULL gives [`GEMINI_LIVE_NULL_ARGUMENT`].
///
/// # Safety
/// `p` is NULL or points to a live `T` for `'a`.
pub(crate) unsafe fn arg_ref<'a, T>(p: *const T, name: &str) -> Result<&'a T, Fail> {
    p.as_ref().ok_or_else(|| null(name))
}

/// Mutably borrows an object argument.
///
/// # Safety
/// `p` is NULL or points to a live `T` for `'a` that nobody else uses meanwhile.
pub(crate) unsafe fn arg_mut<'a, T>(p: *mut T, name: &str) -> Result<&'a mut T, Fail> {
    p.as_mut().ok_or_else(|| null(name))
}

/// Checks an out-parameter; write it (`*p = v`) only once the call succeeded.
pub(crate) fn out_ptr<T>(p: *mut T, name: &str) -> Result<*mut T, Fail> {
    if p.is_null() {
        Err(null(name))
    } else {
        Ok(p)
    }
}

/// Borrows a NUL-terminated UTF-8 string argument.
///
/// # Safety
/// `p` is NULL or a NUL-terminated string valid for `'a`.
pub(crate) unsafe fn arg_str<'a>(p: *const c_char, name: &str) -> Result<&'a str, Fail> {
    if p.is_null() {
        return Err(null(name));
    }
    CStr::from_ptr(p).to_str().map_err(|e| {
        Fail::new(
            GEMINI_LIVE_INVALID_UTF8,
            format!("`{name}` is not valid UTF-8 (byte {})", e.valid_up_to()),
        )
    })
}

/// Borrows the caller's output buffer of `n` elements at `p`, checked as [`arg_slice`]
/// checks an input.
///
/// # Safety
/// `p` is NULL or valid for writing `n` elements for `'a`, and nothing else refers to them.
pub(crate) unsafe fn arg_slice_mut<'a, T>(
    p: *mut T,
    n: usize,
    name: &str,
) -> Result<&'a mut [T], Fail> {
    arg_slice(p.cast_const(), n, name)?;
    Ok(std::slice::from_raw_parts_mut(p, n))
}

/// An output buffer of `capacity` samples must hold `need`: else
/// [`GEMINI_LIVE_BUFFER_TOO_SMALL`] saying both (the error path alone allocates).
pub(crate) fn room_for(need: usize, capacity: usize) -> Result<(), Fail> {
    if capacity < need {
        return Err(Fail::new(
            GEMINI_LIVE_BUFFER_TOO_SMALL,
            format!("the output needs room for {need} samples, the buffer has {capacity}"),
        ));
    }
    Ok(())
}

/// Borrows `n` elements at `p`: NULL gives [`GEMINI_LIVE_NULL_ARGUMENT`] (even for `n == 0`),
/// a misaligned pointer or an impossible length [`GEMINI_LIVE_INVALID_ARGUMENT`].
///
/// # Safety
/// `p` is NULL or valid for reading `n` elements for `'a`.
pub(crate) unsafe fn arg_slice<'a, T>(p: *const T, n: usize, name: &str) -> Result<&'a [T], Fail> {
    if p.is_null() {
        return Err(null(name));
    }
    if !(p as usize).is_multiple_of(std::mem::align_of::<T>()) {
        return Err(Fail::invalid(format!("`{name}` is not aligned")));
    }
    let too_big = n
        .checked_mul(std::mem::size_of::<T>())
        .is_none_or(|b| b > isize::MAX as usize);
    if too_big {
        return Err(Fail::invalid(format!("`{name}` length {n} is too large")));
    }
    Ok(std::slice::from_raw_parts(p, n))
}

/// Copies `s` and a NUL into the caller's buffer `buf` of `len` bytes. `*needed` (when
/// `needed` is not NULL) is set to `strlen(s) + 1`, also on
/// [`GEMINI_LIVE_BUFFER_TOO_SMALL`], so callers can ask for the size with `buf = NULL, len = 0`
/// (a NULL `buf` with a non-zero `len` is [`GEMINI_LIVE_NULL_ARGUMENT`]).
///
/// # Safety
/// `buf` is NULL or valid for writing `len` bytes; `needed` is NULL or valid for writing.
pub(crate) unsafe fn copy_out(
    s: &str,
    buf: *mut c_char,
    len: usize,
    needed: *mut usize,
) -> FfiResult {
    let need = s.len() + 1;
    if buf.is_null() && len != 0 {
        return Err(null("buf"));
    }
    if !needed.is_null() {
        *needed = need;
    }
    if len < need {
        return Err(Fail::new(
            GEMINI_LIVE_BUFFER_TOO_SMALL,
            format!("the text needs {need} bytes, the buffer has {len}"),
        ));
    }
    std::ptr::copy_nonoverlapping(s.as_ptr(), buf.cast::<u8>(), s.len());
    *buf.add(s.len()) = 0;
    Ok(())
}

/// A NUL-terminated copy of `s`, for borrowed views handed to C.
pub(crate) fn c_text(s: &str) -> Box<[u8]> {
    let mut v = Vec::with_capacity(s.len() + 1);
    v.extend_from_slice(s.as_bytes());
    v.push(0);
    v.into_boxed_slice()
}

/// Moves `v` to the heap for C to own.
pub(crate) fn into_raw<T>(v: T) -> *mut T {
    Box::into_raw(Box::new(v))
}

/// Frees an object made by [`into_raw`]; NULL does nothing.
///
/// # Safety
/// `p` is NULL or came from [`into_raw`] and was not freed.
pub(crate) unsafe fn free_raw<T>(p: *mut T) {
    if !p.is_null() {
        drop(Box::from_raw(p));
    }
}
