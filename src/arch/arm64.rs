// SPDX-License-Identifier: GPL-2.0

//! arm64: native AArch64 syscalls and AArch32 compat (EL0 32-bit processes;
//! the kernel's `in_compat_syscall()`). AArch32's ARM-private calls
//! (`0x0f0000` and up: `cacheflush`, `set_tls`, ...) are outside every
//! table and every rule index, so modes deny them and tables give them the
//! chain's policy.

use super::Arch;
use crate::tables::Abi;

/// arm64 with AArch32.
pub(crate) const ARM64: Arch = Arch {
    name: "arm64",
    abis: &[Abi::Arm64, Abi::Arm],
    // AArch64 numbers are below 512 (the last is 470 in 7.2), AArch32's
    // below 512 too (467).
    index: &[512, 512],
    number_bit: None,
};
