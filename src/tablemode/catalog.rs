// SPDX-License-Identifier: GPL-2.0

//! The [`Catalog`] of this architecture for the rules code: the ABIs of
//! [`arch::THIS`] (one built-in chain each, in its order: `x86_64`, `ia32`,
//! `x32`, or `arm64`, `arm`), their syscall names and argument prototypes,
//! all from the module's static tables.

use crate::arch::{self, Arch, MAX_ABIS};
use crate::rules::Catalog;
use crate::tables::{self, tables, Abi};

/// The chain names of `arch`, in the order of its ABIs, then empty.
const fn chain_names(arch: &Arch) -> [&'static str; MAX_ABIS] {
    let mut names = [""; MAX_ABIS];
    let mut i = 0;
    while i < arch.abis.len() {
        names[i] = arch.abis[i].name();
        i += 1;
    }
    names
}

/// This architecture's chain names, then empty.
static NAMES: [&str; MAX_ABIS] = chain_names(arch::THIS);

/// This architecture's chain names.
fn chains() -> &'static [&'static str] {
    NAMES.get(..arch::THIS.abis.len()).unwrap_or(&[])
}

/// The calls no table may `ALLOW`: they start another program or queue work
/// that runs without passing the syscall entry.
const NEVER_ALLOW: [&str; 5] = [
    "execve",
    "execveat",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
];

/// This architecture's catalog.
pub(crate) struct ArchCatalog;

impl ArchCatalog {
    fn abi(abi: usize) -> Option<Abi> {
        arch::THIS.abis.get(abi).copied()
    }

    /// The name of chain (ABI index) `abi`.
    pub(crate) fn name(abi: usize) -> &'static str {
        chains().get(abi).copied().unwrap_or("?")
    }
}

impl Catalog for ArchCatalog {
    fn abis(&self) -> &'static [&'static str] {
        chains()
    }

    fn index_size(&self, abi: usize) -> u32 {
        arch::THIS.index.get(abi).copied().unwrap_or(0)
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
    arch::THIS.rule_index(abi, raw_nr)
}
