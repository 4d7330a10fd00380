// SPDX-License-Identifier: GPL-2.0

//! What differs between the architectures the module runs on, in one place:
//! the ABIs a syscall can arrive with and how the probe tells them apart.
//! Everything else (tables, policy, hooks, table modes) is written against
//! [`THIS`].
//!
//! Each architecture is a constant [`Arch`] in its own file, and both are
//! compiled everywhere (like the tables), so that KUnit checks both on
//! either. The C side's facts (how the kernel tells a compat syscall, the
//! `prctl` numbers, a new child's saved registers) sit next to them in
//! `x86_64.h` and `arm64.h`.
//!
//! The ABIs of an architecture are in a fixed order, which is also the
//! order of the table modes' built-in chains and of the counters: the
//! native ABI, the compat ABI, then an ABI told apart by a bit of the
//! syscall number (x32).

mod arm64;
mod x86_64;

pub(crate) use arm64::ARM64;
pub(crate) use x86_64::{X32_SYSCALL_BIT, X86_64};

use crate::tables::Abi;

/// The architecture the module is built for.
#[cfg(CONFIG_X86_64)]
pub(crate) const THIS: &Arch = &X86_64;
/// The architecture the module is built for.
#[cfg(CONFIG_ARM64)]
pub(crate) const THIS: &Arch = &ARM64;
#[cfg(not(any(CONFIG_X86_64, CONFIG_ARM64)))]
compile_error!("seccomp_mode supports x86_64 and arm64 (src/arch/)");

/// The most ABIs any architecture has.
pub(crate) const MAX_ABIS: usize = 3;

/// One architecture's ABIs.
pub(crate) struct Arch {
    /// The kernel's name of the architecture.
    pub(crate) name: &'static str,
    /// The ABIs a syscall can arrive with: native, compat, then any other.
    pub(crate) abis: &'static [Abi],
    /// Per ABI, the numbers the table modes index (rules name syscalls by
    /// these; a call with a number outside the index takes the chain's
    /// policy).
    pub(crate) index: &'static [u32],
    /// An ABI of the native entry that the syscall number tells apart by a
    /// bit, and that bit (x32 on x86_64).
    pub(crate) number_bit: Option<(Abi, i64)>,
}

impl Arch {
    /// The native ABI.
    pub(crate) const fn native(&self) -> Abi {
        self.abis[0]
    }

    /// The compat (32-bit) ABI.
    pub(crate) const fn compat(&self) -> Abi {
        self.abis[1]
    }

    /// The ABI of a syscall given whether the kernel runs it as a compat
    /// syscall and its number as the kernel dispatches it.
    pub(crate) const fn classify(&self, compat: bool, nr: i64) -> Abi {
        if compat {
            return self.compat();
        }
        match self.number_bit {
            Some((abi, bit)) if nr >= 0 && nr & bit != 0 => abi,
            _ => self.native(),
        }
    }

    /// The position of `abi` in [`Arch::abis`]: its counters and its chain;
    /// `None` for an ABI of another architecture.
    pub(crate) fn index_of(&self, abi: Abi) -> Option<usize> {
        self.abis.iter().position(|&a| a == abi)
    }

    /// The position of `abi`, an ABI the probes classified on this
    /// architecture: the index of its counters, complain-mode bitmap and
    /// built-in chain (0 for another architecture's ABI, which `classify`
    /// never returns).
    pub(crate) fn position(&self, abi: Abi) -> usize {
        self.index_of(abi).unwrap_or(0)
    }

    /// The number of syscall `nr` of `abi` in its table (without the x32
    /// bit).
    pub(crate) const fn table_nr(&self, abi: Abi, nr: i64) -> i64 {
        match self.number_bit {
            Some((a, bit)) if a as u8 == abi as u8 => nr & !bit,
            _ => nr,
        }
    }

    /// The rule index of raw syscall number `raw_nr` of chain `chain` (the
    /// position of its ABI), if the chain indexes it.
    #[inline]
    pub(crate) fn rule_index(&self, chain: usize, raw_nr: i64) -> Option<u32> {
        let abi = *self.abis.get(chain)?;
        let nr = match self.number_bit {
            Some((a, bit)) if a == abi => {
                if raw_nr & bit == 0 {
                    return None;
                }
                raw_nr & !bit
            }
            _ => raw_nr,
        };
        let size = self.index.get(chain).copied()?;
        u32::try_from(nr).ok().filter(|&n| n < size)
    }
}
