// SPDX-License-Identifier: GPL-2.0

//! The module's [`Catalog`] on the host, for either architecture it runs
//! on: [`ArchCatalog`] over the module's own syscall tables
//! (`src/tables/*.rs`, compiled here unchanged) and argument prototypes
//! (`src/tables/*_args.rs`).
//!
//! An architecture is a short list of ABIs in the kernel's chain order
//! (`src/arch/`): `x86_64`, `ia32`, `x32` on x86_64 and `arm64`, `arm`
//! (AArch32 compat) on arm64. Each ABI is one row of data (its tables, its
//! rule index size, the number bit that marks it), and one implementation
//! serves them all, as the kernel's catalog (`src/tablemode/catalog.rs`)
//! does for the architecture it is built for. A host test compares the
//! chain order, index sizes and number bits with `src/arch/*.rs`.
//!
//! `smctl` uses [`ArchCatalog::native`] (the architecture it was built for)
//! unless told another one (`--arch`), to check rules for another machine.

use core::fmt;

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

/// AArch32 compat on arm64.
#[path = "../../../src/tables/arm.rs"]
#[expect(dead_code, reason = "only the names and mode lists are needed here")]
mod arm;
/// arm64 native.
#[path = "../../../src/tables/arm64.rs"]
#[expect(dead_code, reason = "only the names and mode lists are needed here")]
mod arm64;
/// ia32 compat.
#[path = "../../../src/tables/ia32.rs"]
#[expect(dead_code, reason = "only the names and mode lists are needed here")]
mod ia32;
/// x86_64 native (and the x32-only rows).
#[path = "../../../src/tables/x86_64.rs"]
#[expect(dead_code, reason = "only the names and mode lists are needed here")]
mod x86_64;

/// arm64 argument sizes.
#[path = "../../../src/tables/arm64_args.rs"]
mod arm64_args;
/// AArch32 argument sizes.
#[path = "../../../src/tables/arm_args.rs"]
mod arm_args;
/// ia32 argument sizes.
#[path = "../../../src/tables/ia32_args.rs"]
mod ia32_args;
/// x86_64 argument sizes (x32 shares them below 512).
#[path = "../../../src/tables/x86_64_args.rs"]
mod x86_64_args;

/// The syscalls no table may allow: they start another program or queue
/// work that runs without passing the syscall entry.
const NEVER_ALLOW: &[&str] = &[
    "execve",
    "execveat",
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
];

/// One ABI: a built-in chain of its architecture.
struct AbiData {
    /// The chain name (the kernel's `Abi::name`, as log lines write it).
    name: &'static str,
    /// The size of the rule index: every number a rule may name is below.
    index: u32,
    /// The ABI's own rows, sorted by number.
    rows: &'static [Sys],
    /// Rows of the native ABI this ABI shares where it has no row of its
    /// own under that name (x32: x86_64's below 512); sorted by number.
    shared: &'static [Sys],
    /// Mode 1's rows (empty: no static table, as for x32).
    mode1: &'static [Sys],
    /// Mode 2's additions.
    mode2: &'static [Sys],
    /// The static modes' never-list, matched by name.
    never: &'static [Sys],
    /// Parameter sizes by number, sorted.
    args: &'static [(u32, [u8; 6])],
    /// The bit of the raw syscall number that marks this ABI on the native
    /// entry (x32's bit 30), cleared for the index; a raw number without it
    /// is not this ABI's.
    number_bit: Option<i64>,
    /// The width of its argument registers in bits: 32 for a compat ABI,
    /// whose upper halves the kernel never sees.
    reg_bits: u32,
}

/// An ABI with static tables of its own (all but x32).
macro_rules! abi {
    ($name:literal, $index:literal, $t:ident, $args:ident, $bits:literal) => {
        AbiData {
            name: $name,
            index: $index,
            rows: $t::NAMES,
            shared: &[],
            mode1: $t::MODE1,
            mode2: $t::MODE2,
            never: $t::NEVER,
            args: $args::ARGS,
            number_bit: None,
            reg_bits: $bits,
        }
    };
}

/// x86_64's ABIs in chain order (`src/arch/x86_64.rs`).
const X86_64_ABIS: [AbiData; 3] = [
    abi!("x86_64", 512, x86_64, x86_64_args, 64),
    abi!("ia32", 512, ia32, ia32_args, 32),
    // No static table: modes 1 and 2 allow none of its calls. Its own
    // entries are 512 and up; below, it has x86_64's (the same prototypes).
    AbiData {
        name: "x32",
        index: 1024,
        rows: x86_64::X32_NAMES,
        shared: x86_64::NAMES,
        mode1: &[],
        mode2: &[],
        never: x86_64::NEVER,
        args: x86_64_args::ARGS,
        number_bit: Some(0x4000_0000),
        reg_bits: 64,
    },
];

/// arm64's ABIs in chain order (`src/arch/arm64.rs`). AArch32's
/// ARM-private calls (`0x0f0000` and up) are in no table and no index.
const ARM64_ABIS: [AbiData; 2] = [
    abi!("arm64", 512, arm64, arm64_args, 64),
    abi!("arm", 512, arm, arm_args, 32),
];

/// The chain names of `abis`, in order.
const fn chain_names<const N: usize>(abis: &[AbiData; N]) -> [&'static str; N] {
    let mut names = [""; N];
    let mut i = 0;
    while i < N {
        names[i] = abis[i].name;
        i += 1;
    }
    names
}

/// x86_64's chain names.
static X86_64_CHAINS: [&str; 3] = chain_names(&X86_64_ABIS);
/// arm64's chain names.
static ARM64_CHAINS: [&str; 2] = chain_names(&ARM64_ABIS);

/// An architecture the module runs on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Arch {
    /// x86_64: chains `x86_64`, `ia32`, `x32`.
    X86_64,
    /// arm64: chains `arm64`, `arm`.
    Arm64,
}

impl Arch {
    /// Every architecture.
    pub const ALL: [Arch; 2] = [Arch::X86_64, Arch::Arm64];

    /// The architecture this code was built for (arm64 on `aarch64`,
    /// x86_64 otherwise).
    pub const fn native() -> Self {
        if cfg!(target_arch = "aarch64") {
            Arch::Arm64
        } else {
            Arch::X86_64
        }
    }

    /// The kernel's name of the architecture: `x86_64` or `arm64`.
    pub const fn name(self) -> &'static str {
        match self {
            Arch::X86_64 => "x86_64",
            Arch::Arm64 => "arm64",
        }
    }

    /// The architecture called `name` ([`Arch::name`]).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.name() == name)
    }

    /// The built-in chain names (ABIs), in the kernel's order.
    pub fn chains(self) -> &'static [&'static str] {
        match self {
            Arch::X86_64 => &X86_64_CHAINS,
            Arch::Arm64 => &ARM64_CHAINS,
        }
    }

    /// The ABIs' data, in chain order.
    fn abis(self) -> &'static [AbiData] {
        match self {
            Arch::X86_64 => &X86_64_ABIS,
            Arch::Arm64 => &ARM64_ABIS,
        }
    }
}

impl fmt::Display for Arch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

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

/// The catalog of one architecture: its ABIs (built-in chains), their
/// names, numbers and prototypes, as the module built for it has them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArchCatalog {
    /// The architecture.
    arch: Arch,
}

impl Default for ArchCatalog {
    /// The native architecture's.
    fn default() -> Self {
        Self::native()
    }
}

impl ArchCatalog {
    /// The catalog of `arch`.
    pub const fn new(arch: Arch) -> Self {
        Self { arch }
    }

    /// The catalog of the architecture this code was built for.
    pub const fn native() -> Self {
        Self::new(Arch::native())
    }

    /// Its architecture.
    pub const fn arch(&self) -> Arch {
        self.arch
    }

    /// The ABI index of built-in chain `name`, if it is one of this
    /// architecture's.
    pub fn abi_index(&self, name: &str) -> Option<usize> {
        self.arch.chains().iter().position(|&a| a == name)
    }

    /// The bit that marks a raw syscall number of ABI `abi` (x32's
    /// `0x40000000`), if the ABI has one.
    pub fn number_bit(&self, abi: usize) -> Option<i64> {
        self.abi(abi)?.number_bit
    }

    /// The width in bits of ABI `abi`'s argument registers as the kernel
    /// reads them: 32 for the compat ABIs (`ia32`, `arm`), 64 otherwise
    /// (0 for no such ABI).
    pub fn register_bits(&self, abi: usize) -> u32 {
        self.abi(abi).map_or(0, |a| a.reg_bits)
    }

    /// The data of ABI `abi`.
    fn abi(&self, abi: usize) -> Option<&'static AbiData> {
        self.arch.abis().get(abi)
    }

    /// The kernel table's name of syscall `nr` of `abi`, a shared row's
    /// even where the ABI has an entry of its own under that name.
    fn table_name(&self, abi: usize, nr: u32) -> Option<&'static str> {
        let a = self.abi(abi)?;
        row(a.rows, nr)
            .or_else(|| row(a.shared, nr))
            .map(|s| s.name)
    }

    /// Whether syscall `nr` of chain ABI `abi` is on the static modes'
    /// never-list (`NEVER` of `src/tables/`; x32 shares x86_64's by name),
    /// for `smctl check`'s warnings.
    pub fn static_never(&self, abi: usize, nr: u32) -> bool {
        let (Some(a), Some(name)) = (self.abi(abi), self.name_of(abi, nr)) else {
            return false;
        };
        a.never.iter().any(|s| s.name == name)
    }
}

impl Catalog for ArchCatalog {
    fn abis(&self) -> &'static [&'static str] {
        self.arch.chains()
    }

    fn index_size(&self, abi: usize) -> u32 {
        self.abi(abi).map_or(0, |a| a.index)
    }

    /// An ABI's own entry wins over a shared row of the same name (x32's
    /// `ioctl` is 514, not 16).
    fn nr_of(&self, abi: usize, name: &str) -> Option<u32> {
        let a = self.abi(abi)?;
        find(a.rows, name).or_else(|| find(a.shared, name))
    }

    /// A shared number is named only when the ABI has no entry of its own
    /// under that name (x32's 16 prints as `#16`, its `ioctl` being 514):
    /// the name must lead back to the same number.
    fn name_of(&self, abi: usize, nr: u32) -> Option<&'static str> {
        let a = self.abi(abi)?;
        row(a.rows, nr)
            .or_else(|| row(a.shared, nr).filter(|s| find(a.rows, s.name).is_none()))
            .map(|s| s.name)
    }

    fn arg_size(&self, abi: usize, nr: u32, arg: usize) -> Option<u8> {
        let args = self.abi(abi)?.args;
        let i = args.binary_search_by_key(&nr, |a| a.0).ok()?;
        let size = args.get(i)?.1.get(arg).copied()?;
        (size != 0).then_some(size)
    }

    fn mode_allows(&self, abi: usize, mode: u8, nr: u32) -> bool {
        let Some(a) = self.abi(abi) else {
            return false;
        };
        let listed = |rows: &[Sys]| rows.iter().any(|s| s.nr == nr);
        match mode {
            1 => listed(a.mode1),
            2 => listed(a.mode1) || listed(a.mode2),
            _ => false,
        }
    }

    /// By the table's name of the number, shared rows included: x32's 59
    /// (x86_64's `execve`, not an x32 call) is refused as well.
    fn never_allow(&self, abi: usize, nr: u32) -> bool {
        self.table_name(abi, nr)
            .is_some_and(|name| NEVER_ALLOW.contains(&name))
    }

    fn index_of(&self, abi: usize, raw_nr: i64) -> Option<u32> {
        let a = self.abi(abi)?;
        let nr = match a.number_bit {
            Some(bit) if raw_nr & bit == 0 => return None,
            Some(bit) => raw_nr & !bit,
            None => raw_nr,
        };
        u32::try_from(nr).ok().filter(|&n| n < a.index)
    }
}
