// SPDX-License-Identifier: GPL-2.0

//! The module's narrow FFI boundary to the kernel.
//!
//! Every C function the module calls that the kernel crate does not wrap is
//! declared here and wrapped once in a safe `pub(crate)` function, so that the
//! rest of the module never writes `unsafe`. The C side of the static-inline
//! shims is `rust/sm_shim.c`.

use core::ffi::c_ulong;

unsafe extern "C" {
    fn sm_array_index_nospec(index: c_ulong, size: c_ulong) -> c_ulong;
}

/// Returns `index` if `index < size` and 0 otherwise, without letting the CPU
/// speculate past the bounds check (the kernel's `array_index_nospec()`).
///
/// Callers must still bounds-check first: the result is only meant to index
/// an array after `index < size` has been established.
#[inline]
pub(crate) fn array_index_nospec(index: usize, size: usize) -> usize {
    // SAFETY: `sm_array_index_nospec` is a pure function of its two integer
    // arguments; it touches no memory.
    unsafe { sm_array_index_nospec(index as c_ulong, size as c_ulong) as usize }
}
