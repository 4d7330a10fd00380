// SPDX-License-Identifier: GPL-2.0

//! Static per-ABI syscall allowlists.
//!
//! One file per ABI under `src/tables/`, each with the same three lists:
//! `MODE1` (the kernel's strict mode), `MODE2` (what a network daemon adds;
//! mode 2 falls through to mode 1) and `NEVER` (what no mode may allow). The
//! lists are turned into bitmaps at compile time for O(1) lookup. All ABIs'
//! tables are compiled on every architecture so that KUnit checks them all.

mod arm;
mod arm64;
mod ia32;
mod x86_64;

use crate::sysset::SyscallSet;

/// One syscall: its number and its name in the kernel's syscall table.
#[derive(Clone, Copy)]
pub(crate) struct Sys {
    /// The syscall number of the ABI.
    pub(crate) nr: u32,
    /// The name in the kernel's `.tbl` file.
    pub(crate) name: &'static str,
}

impl Sys {
    /// A table row.
    const fn new(nr: u32, name: &'static str) -> Self {
        Self { nr, name }
    }
}

/// Words of the table bitmaps: room for syscall numbers `0..512`.
const WORDS: usize = 8;

/// The bitmap type of every table.
pub(crate) type Set = SyscallSet<WORDS>;

/// Builds the bitmap of a list at compile time.
const fn set_of(list: &[Sys]) -> Set {
    let mut nrs = [0u32; Set::CAPACITY];
    let mut i = 0;
    while i < list.len() {
        nrs[i] = list[i].nr;
        i += 1;
    }
    let (used, _) = nrs.split_at(list.len());
    Set::new(used)
}

/// A syscall ABI.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Abi {
    /// x86_64 native.
    X86_64,
    /// 32-bit x86 compat on x86_64.
    Ia32,
    /// x32 (x86_64 with bit 30 set): no table, everything denied.
    X32,
    /// arm64 native.
    Arm64,
    /// AArch32 compat on arm64.
    Arm,
}

/// The tables of one ABI.
pub(crate) struct AbiTables {
    /// The largest syscall number of the ABI.
    pub(crate) max_nr: u32,
    /// Mode 1 rows.
    pub(crate) mode1: &'static [Sys],
    /// Mode 2 additions.
    pub(crate) mode2: &'static [Sys],
    /// Never-allowed rows.
    pub(crate) never: &'static [Sys],
    /// Bitmap of `mode1`.
    pub(crate) mode1_set: Set,
    /// Bitmap of `mode2`.
    pub(crate) mode2_set: Set,
    /// Every syscall of the ABI by number, for names in log lines.
    pub(crate) names: &'static [Sys],
    /// The number of `clone`.
    pub(crate) clone: u32,
    /// The number of `clone3`.
    pub(crate) clone3: u32,
    /// The number of `prctl`.
    pub(crate) prctl: u32,
    /// The number of `socketcall` and the direct syscall of each call.
    pub(crate) socketcall: Option<(u32, &'static [u32])>,
}

impl AbiTables {
    /// Whether `mode` allows `nr` by the tables alone (mode 2 falls through
    /// to mode 1; any other mode allows nothing).
    #[inline]
    pub(crate) fn allows(&self, mode: u8, nr: i64) -> bool {
        match mode {
            1 => self.mode1_set.contains(nr),
            2 => self.mode2_set.contains(nr) || self.mode1_set.contains(nr),
            _ => false,
        }
    }

    /// The kernel's name of syscall `nr` of this ABI, `"?"` for a number
    /// the ABI does not have.
    pub(crate) fn name(&self, nr: i64) -> &'static str {
        self.names
            .binary_search_by(|s| i64::from(s.nr).cmp(&nr))
            .map_or("?", |i| self.names[i].name)
    }
}

macro_rules! abi_tables {
    ($m:ident) => {
        AbiTables {
            max_nr: $m::MAX_NR,
            mode1: $m::MODE1,
            mode2: $m::MODE2,
            never: $m::NEVER,
            mode1_set: set_of($m::MODE1),
            mode2_set: set_of($m::MODE2),
            names: $m::NAMES,
            clone: $m::CLONE,
            clone3: $m::CLONE3,
            prctl: $m::PRCTL,
            socketcall: $m::SOCKETCALL,
        }
    };
}

static X86_64: AbiTables = abi_tables!(x86_64);
static IA32: AbiTables = abi_tables!(ia32);
static ARM64: AbiTables = abi_tables!(arm64);
static ARM: AbiTables = abi_tables!(arm);

/// The tables of `abi`, or `None` for an ABI that no mode allows anything of.
pub(crate) fn tables(abi: Abi) -> Option<&'static AbiTables> {
    match abi {
        Abi::X86_64 => Some(&X86_64),
        Abi::Ia32 => Some(&IA32),
        Abi::X32 => None,
        Abi::Arm64 => Some(&ARM64),
        Abi::Arm => Some(&ARM),
    }
}
