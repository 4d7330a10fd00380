// SPDX-License-Identifier: GPL-2.0

//! x86_64: native 64-bit syscalls, ia32 compat (`int $0x80`, `sysenter`,
//! and `syscall` from 32-bit code; the kernel's `in_ia32_syscall()`), and
//! x32: the native entry with bit 30 of the number set. No mode or table
//! allows x32 anything (a table may `ALLOW` x32 calls by name).

use super::Arch;
use crate::tables::Abi;

/// x32 syscalls have this bit set in their number on x86_64.
pub(crate) const X32_SYSCALL_BIT: i64 = 0x4000_0000;

/// x86_64 with ia32 and x32.
pub(crate) const X86_64: Arch = Arch {
    name: "x86_64",
    abis: &[Abi::X86_64, Abi::Ia32, Abi::X32],
    // x86_64 and ia32 numbers are below 512; x32 numbers (bit 30 cleared)
    // below 1024.
    index: &[512, 512, 1024],
    number_bit: Some((Abi::X32, X32_SYSCALL_BIT)),
};
