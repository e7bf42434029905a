//! ABI growth of out-structs: the structs the library fills for the caller
//! (`gemini_live_metrics`, the stats structs, `gemini_live_turn_playback`, `gemini_live_usage`)
//! start with `uint32_t size`. The caller sets it to `sizeof` the struct as its header
//! declares it; the library fills at most that many bytes and writes back the bytes it filled.
//! New fields are only ever appended, so a program built against an older header keeps
//! working with a newer library (it gets the fields it knows of, nothing is written past its
//! struct), and a newer program with an older library sees from `size` which fields were
//! filled.
//!
//! [`sized_out`] checks the pointer and `size` before the call does anything;
//! [`SizedOut::write`] then copies. Neither locks nor allocates on success (the real-time safe
//! `_get_stats` functions use them); a failure records an error text like any other.

use super::{out_ptr, Fail};

/// A `#[repr(C)]` out-struct of plain numbers whose first field is `size: u32`.
///
/// # Safety
/// Implement it only through [`growable!`], which checks the `size` field at compile time.
pub(crate) unsafe trait Growable: Copy {
    /// The C type's name, for error texts.
    const C_NAME: &'static str;
}

/// Marks `$t` as [`Growable`] (checking that its first field is `size: u32`) and gives it a
/// `Default` of all zeros with `size` set to its own size, ready to pass from Rust.
macro_rules! growable {
    ($t:ident) => {
        const _: () = assert!(::std::mem::offset_of!($t, size) == 0);
        const _: fn(&$t) -> u32 = |s| s.size;
        // SAFETY: `repr(C)`, plain numbers, `size: u32` first (checked above).
        unsafe impl $crate::ffi::Growable for $t {
            const C_NAME: &'static str = stringify!($t);
        }
        impl Default for $t {
            fn default() -> $t {
                // SAFETY: every field is a plain number, for which all zeros is a value.
                let mut v: $t = unsafe { ::std::mem::zeroed() };
                v.size = ::std::mem::size_of::<$t>() as u32;
                v
            }
        }
    };
}
pub(crate) use growable;

/// The smallest `size` accepted: the `size` field itself.
const MIN_SIZE: usize = std::mem::size_of::<u32>();

/// A checked pointer to a caller's growable out-struct and the bytes to fill.
pub(crate) struct SizedOut<T> {
    p: *mut T,
    n: usize,
}

/// Checks a growable out-parameter `p` named `name` before the call acts: NULL gives
/// `GEMINI_LIVE_NULL_ARGUMENT`, a `size` below 4 (the `size` field itself)
/// `GEMINI_LIVE_INVALID_ARGUMENT`.
///
/// # Safety
/// `p` is NULL or points to at least `min(p->size, sizeof(T))` writable bytes.
pub(crate) unsafe fn sized_out<T: Growable>(p: *mut T, name: &str) -> Result<SizedOut<T>, Fail> {
    let p = out_ptr(p, name)?;
    let size = p.cast::<u32>().read_unaligned() as usize;
    if size < MIN_SIZE {
        return Err(Fail::invalid(format!(
            "`{name}->size` is {size}: set it to sizeof({}) before the call",
            T::C_NAME
        )));
    }
    Ok(SizedOut {
        p,
        n: size.min(std::mem::size_of::<T>()),
    })
}

/// Like [`sized_out`] for an optional out-parameter: NULL gives `None`.
///
/// # Safety
/// As [`sized_out`].
pub(crate) unsafe fn sized_out_opt<T: Growable>(
    p: *mut T,
    name: &str,
) -> Result<Option<SizedOut<T>>, Fail> {
    if p.is_null() {
        Ok(None)
    } else {
        sized_out(p, name).map(Some)
    }
}

impl<T: Growable> SizedOut<T> {
    /// Copies the first bytes of `value` (as many as the caller's `size` allows) and sets
    /// `size` to the bytes filled. No lock, no allocation.
    pub(crate) fn write(self, value: &T) {
        // SAFETY: `sized_out` checked `p` and that the caller's struct has `n` bytes
        // (its stated `size`, at most ours); `n >= 4` covers the `size` field.
        unsafe {
            std::ptr::copy_nonoverlapping(
                (value as *const T).cast::<u8>(),
                self.p.cast::<u8>(),
                self.n,
            );
            self.p.cast::<u32>().write_unaligned(self.n as u32);
        }
    }
}
