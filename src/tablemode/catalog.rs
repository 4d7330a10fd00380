// SPDX-License-Identifier: GPL-2.0

//! The [`Catalog`] of this architecture for the rules code: the ABIs (one
//! built-in chain each), their syscall names and argument prototypes, all
//! from the module's static tables.

use crate::policy::X32_SYSCALL_BIT;
use crate::rules::Catalog;
use crate::tables::{self, tables, Abi};

/// The ABIs of x86_64 in chain order: `x86_64`, `ia32`, `x32`.
pub(crate) const ABIS: [Abi; 3] = [Abi::X86_64, Abi::Ia32, Abi::X32];

/// The chain names, in the order of [`ABIS`].
const NAMES: [&str; 3] = ["x86_64", "ia32", "x32"];

/// Index sizes: x86_64 and ia32 numbers are below 512; x32 numbers (bit 30
/// cleared) below 1024.
const INDEX: [u32; 3] = [512, 512, 1024];

/// The calls no table may `ALLOW`: they start another program or queue work
/// that runs without passing the syscall entry.
const NEVER_ALLOW: [&str; 5] = [
    "execve",
    "execveat",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
];

/// The chain (ABI index) of a runtime ABI.
pub(crate) fn chain_of(abi: Abi) -> usize {
    match abi {
        Abi::X86_64 | Abi::Arm64 => 0,
        Abi::Ia32 | Abi::Arm => 1,
        Abi::X32 => 2,
    }
}

/// This architecture's catalog.
pub(crate) struct X86Catalog;

impl X86Catalog {
    fn abi(abi: usize) -> Option<Abi> {
        ABIS.get(abi).copied()
    }

    /// The name of chain (ABI index) `abi`.
    pub(crate) fn name(abi: usize) -> &'static str {
        NAMES.get(abi).copied().unwrap_or("?")
    }
}

impl Catalog for X86Catalog {
    fn abis(&self) -> &'static [&'static str] {
        &NAMES
    }

    fn index_size(&self, abi: usize) -> u32 {
        INDEX.get(abi).copied().unwrap_or(0)
    }

    fn nr_of(&self, abi: usize, name: &str) -> Option<u32> {
        match Self::abi(abi)? {
            Abi::X32 => tables::x32_rows()
                .iter()
                .chain(tables(Abi::X86_64)?.names.iter().filter(|s| s.nr < 512))
                .find(|s| s.name == name)
                .map(|s| s.nr),
            a => tables(a)?
                .names
                .iter()
                .find(|s| s.name == name)
                .map(|s| s.nr),
        }
    }

    fn name_of(&self, abi: usize, nr: u32) -> Option<&'static str> {
        let name = match Self::abi(abi)? {
            Abi::X32 => tables::x32_name(i64::from(nr)),
            a => tables(a)?.name(i64::from(nr)),
        };
        (name != "?").then_some(name)
    }

    fn arg_size(&self, abi: usize, nr: u32, arg: usize) -> Option<u8> {
        let sizes = tables::arg_sizes(Self::abi(abi)?, nr)?;
        sizes.get(arg).copied().filter(|&s| s != 0)
    }

    fn mode_allows(&self, abi: usize, mode: u8, nr: u32) -> bool {
        Self::abi(abi)
            .and_then(tables)
            .is_some_and(|t| t.allows(mode, i64::from(nr)))
    }

    fn never_allow(&self, abi: usize, nr: u32) -> bool {
        self.name_of(abi, nr)
            .is_some_and(|n| NEVER_ALLOW.contains(&n))
    }

    fn index_of(&self, abi: usize, raw_nr: i64) -> Option<u32> {
        index_of(abi, raw_nr)
    }
}

/// [`Catalog::index_of`] without the trait object, for the hot path.
#[inline]
pub(crate) fn index_of(abi: usize, raw_nr: i64) -> Option<u32> {
    let nr = if abi == 2 {
        if raw_nr & X32_SYSCALL_BIT == 0 {
            return None;
        }
        raw_nr & !X32_SYSCALL_BIT
    } else {
        raw_nr
    };
    let size = INDEX.get(abi).copied()?;
    u32::try_from(nr).ok().filter(|&n| n < size)
}
