// SPDX-License-Identifier: GPL-2.0

//! The x86 [`Catalog`]: ABIs `x86_64`, `ia32` and `x32` over the module's
//! own syscall tables (`src/tables/*.rs`, compiled here unchanged) and
//! argument prototypes (`src/tables/*_args.rs`).

use crate::rules::Catalog;

/// One syscall row, as the module's tables write it.
#[derive(Clone, Copy, Debug)]
struct Sys {
    /// The syscall number.
    nr: u32,
    /// The kernel's name for it.
    name: &'static str,
}

impl Sys {
    /// A table row.
    const fn new(nr: u32, name: &'static str) -> Self {
        Self { nr, name }
    }
}

/// ia32 compat.
#[path = "../../../src/tables/ia32.rs"]
#[expect(dead_code, reason = "only the names and mode lists are needed here")]
mod ia32;
/// x86_64 native (and the x32-only rows).
#[path = "../../../src/tables/x86_64.rs"]
#[expect(dead_code, reason = "only the names and mode lists are needed here")]
mod x86_64;

/// ia32 argument sizes.
#[path = "../../../src/tables/ia32_args.rs"]
mod ia32_args;
/// x86_64 argument sizes (x32 shares them below 512).
#[path = "../../../src/tables/x86_64_args.rs"]
mod x86_64_args;

/// The x86_64 ABI's index.
const X86_64: usize = 0;
/// The ia32 ABI's index.
const IA32: usize = 1;
/// The x32 ABI's index.
const X32: usize = 2;

/// The bit that marks an x32 syscall number.
const X32_BIT: i64 = 0x4000_0000;

/// The syscalls no table may allow.
const NEVER_ALLOW: &[&str] = &[
    "execve",
    "execveat",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
];

/// The x86 architecture's ABIs, names, numbers and prototypes.
#[derive(Clone, Copy, Debug, Default)]
pub struct X86Catalog;

/// The row of `nr` in a table sorted by number.
fn row(rows: &'static [Sys], nr: u32) -> Option<&'static Sys> {
    rows.binary_search_by_key(&nr, |s| s.nr)
        .ok()
        .and_then(|i| rows.get(i))
}

/// The number of `name` in `rows`.
fn find(rows: &'static [Sys], name: &str) -> Option<u32> {
    rows.iter().find(|s| s.name == name).map(|s| s.nr)
}

/// The kernel table's name of syscall `nr` of `abi`; for x32 numbers below
/// 512 the shared x86_64 row, even where x32 has its own entry.
fn table_name(abi: usize, nr: u32) -> Option<&'static str> {
    let rows = match abi {
        X86_64 => x86_64::NAMES,
        IA32 => ia32::NAMES,
        X32 if nr >= 512 => x86_64::X32_NAMES,
        X32 => x86_64::NAMES,
        _ => return None,
    };
    row(rows, nr).map(|s| s.name)
}

impl X86Catalog {
    /// Whether syscall `nr` of chain ABI `abi` is on the static modes'
    /// never-list (`NEVER` of `src/tables/`; x32 shares x86_64's by name),
    /// for `smctl check`'s warnings.
    pub fn static_never(&self, abi: usize, nr: u32) -> bool {
        let Some(name) = self.name_of(abi, nr) else {
            return false;
        };
        match abi {
            IA32 => ia32::NEVER.iter().any(|s| s.nr == nr && s.name == name),
            X32 => x86_64::NEVER.iter().any(|s| s.name == name),
            _ => x86_64::NEVER.iter().any(|s| s.nr == nr && s.name == name),
        }
    }
}

impl Catalog for X86Catalog {
    fn abis(&self) -> &'static [&'static str] {
        &["x86_64", "ia32", "x32"]
    }

    fn index_size(&self, abi: usize) -> u32 {
        match abi {
            X86_64 | IA32 => 512,
            X32 => 1024,
            _ => 0,
        }
    }

    fn nr_of(&self, abi: usize, name: &str) -> Option<u32> {
        match abi {
            X86_64 => find(x86_64::NAMES, name),
            IA32 => find(ia32::NAMES, name),
            // x32's own entry (512 and up) wins over the shared row.
            X32 => find(x86_64::X32_NAMES, name).or_else(|| find(x86_64::NAMES, name)),
            _ => None,
        }
    }

    /// For x32 a number below 512 is named only when x32 has no entry of
    /// its own under that name (`ioctl` is 514 there, so 16 prints as
    /// `#16`): the name must lead back to the same number.
    fn name_of(&self, abi: usize, nr: u32) -> Option<&'static str> {
        let name = table_name(abi, nr)?;
        if abi == X32 && nr < 512 && find(x86_64::X32_NAMES, name).is_some() {
            return None;
        }
        Some(name)
    }

    fn arg_size(&self, abi: usize, nr: u32, arg: usize) -> Option<u8> {
        let args = match abi {
            X86_64 => x86_64_args::ARGS,
            IA32 => ia32_args::ARGS,
            X32 if nr < 512 => x86_64_args::ARGS,
            _ => return None,
        };
        let i = args.binary_search_by_key(&nr, |a| a.0).ok()?;
        let size = args.get(i)?.1.get(arg).copied()?;
        (size != 0).then_some(size)
    }

    /// x32 has no static tables: modes 1 and 2 allow none of its calls.
    fn mode_allows(&self, abi: usize, mode: u8, nr: u32) -> bool {
        let (mode1, mode2) = match abi {
            X86_64 => (x86_64::MODE1, x86_64::MODE2),
            IA32 => (ia32::MODE1, ia32::MODE2),
            _ => return false,
        };
        let listed = |rows: &[Sys]| rows.iter().any(|s| s.nr == nr);
        match mode {
            1 => listed(mode1),
            2 => listed(mode1) || listed(mode2),
            _ => false,
        }
    }

    fn never_allow(&self, abi: usize, nr: u32) -> bool {
        table_name(abi, nr).is_some_and(|name| NEVER_ALLOW.contains(&name))
    }

    fn index_of(&self, abi: usize, raw_nr: i64) -> Option<u32> {
        let nr = match abi {
            X86_64 | IA32 => raw_nr,
            X32 if raw_nr & X32_BIT != 0 => raw_nr & !X32_BIT,
            _ => return None,
        };
        if (0..i64::from(self.index_size(abi))).contains(&nr) {
            u32::try_from(nr).ok()
        } else {
            None
        }
    }
}
