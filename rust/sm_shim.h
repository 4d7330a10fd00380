/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Prototypes of the C shims in rust/sm_shim.c; rust/ffi.rs declares the same
 * functions on the Rust side.
 */
#ifndef SM_SHIM_H
#define SM_SHIM_H

unsigned long sm_array_index_nospec(unsigned long index, unsigned long size);

#endif /* SM_SHIM_H */
