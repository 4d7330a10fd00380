// SPDX-License-Identifier: GPL-2.0
/*
 * C shims for seccomp_mode: the kernel's static inlines and macros that Rust
 * cannot call through the kernel crate's bindings. Each is a one-line wrapper;
 * the Rust side declares them in rust/ffi.rs.
 */

#include <linux/nospec.h>

#include "sm_shim.h"

/* array_index_nospec() for a table lookup: index clamped to 0 when >= size. */
unsigned long sm_array_index_nospec(unsigned long index, unsigned long size)
{
	return array_index_nospec(index, size);
}
