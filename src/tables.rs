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
mod arm64_args;
mod arm_args;
mod ia32;
mod ia32_args;
mod x86_64;
mod x86_64_args;

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
pub(crate) const WORDS: usize = 8;

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

impl Abi {
    /// The ABI's name in log lines, the status file and table chains.
    pub(crate) const fn name(self) -> &'static str {
        match self {
            Abi::X86_64 => "x86_64",
            Abi::Ia32 => "ia32",
            Abi::X32 => "x32",
            Abi::Arm64 => "arm64",
            Abi::Arm => "arm",
        }
    }
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
    /// The numbers of `fcntl` (and `fcntl64`): the command is checked.
    pub(crate) fcntl: &'static [u32],
    /// The calls that can create a file: (number, flags argument or `None`
    /// for `creat`, mode argument); the new file's mode is checked.
    pub(crate) creates: &'static [(u32, Option<usize>, usize)],
    /// `[mode]`: the syscalls `mode` allows whatever their arguments (see
    /// `fast_of`); empty for modes other than 1 and 2.
    pub(crate) fast: [Set; 4],
}

/// The syscalls of `allowed` whose verdict does not depend on their
/// arguments: all but `clone` (its flags are checked), `clone3` (ENOSYS),
/// `prctl` (the module's own options), `socketcall` (its call is checked),
/// `fcntl` (its command is checked) and the calls that create files (the
/// new file's mode is checked).
const fn fast_of(
    allowed: Set,
    clone: u32,
    clone3: u32,
    prctl: u32,
    socketcall: Option<(u32, &[u32])>,
    fcntl: &[u32],
    creates: &[(u32, Option<usize>, usize)],
) -> Set {
    let socketcall = match socketcall {
        Some((nr, _)) => nr,
        None => u32::MAX,
    };
    let mut set = allowed
        .without(&[clone, clone3, prctl, socketcall])
        .without(fcntl);
    let mut i = 0;
    while i < creates.len() {
        set = set.without(&[creates[i].0]);
        i += 1;
    }
    set
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

    /// Whether `mode` allows `nr` whatever its arguments: the syscalls the
    /// probe lets run without calling into the slow path (`sm_fast_allow`).
    #[inline]
    pub(crate) fn allows_fast(&self, mode: u8, nr: i64) -> bool {
        self.fast
            .get(usize::from(mode))
            .is_some_and(|set| set.contains(nr))
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
            fcntl: $m::FCNTL,
            creates: $m::CREATES,
            fast: {
                let mode1 = set_of($m::MODE1);
                let mode2 = mode1.union(set_of($m::MODE2));
                let (c, c3, p, s) = ($m::CLONE, $m::CLONE3, $m::PRCTL, $m::SOCKETCALL);
                let (f, cr) = ($m::FCNTL, $m::CREATES);
                [
                    Set::new(&[]),
                    fast_of(mode1, c, c3, p, s, f, cr),
                    fast_of(mode2, c, c3, p, s, f, cr),
                    Set::new(&[]),
                ]
            },
        }
    };
}

/// The tables as constants, for [`fast_words`].
const X86_64_TABLES: AbiTables = abi_tables!(x86_64);
const IA32_TABLES: AbiTables = abi_tables!(ia32);
const ARM64_TABLES: AbiTables = abi_tables!(arm64);
const ARM_TABLES: AbiTables = abi_tables!(arm);

static X86_64: AbiTables = X86_64_TABLES;
static IA32: AbiTables = IA32_TABLES;
static ARM64: AbiTables = ARM64_TABLES;
static ARM: AbiTables = ARM_TABLES;

/// At compile time, the bitmap words of the syscalls of `abi` that `mode`
/// allows whatever their arguments (the probe's fast path; empty for x32,
/// which has no table, and for any mode but 1 and 2).
pub(crate) const fn fast_words(abi: Abi, mode: u8) -> [u64; WORDS] {
    let mode = mode as usize;
    if mode >= 4 {
        return [0; WORDS];
    }
    match abi {
        Abi::X86_64 => X86_64_TABLES.fast[mode].words(),
        Abi::Ia32 => IA32_TABLES.fast[mode].words(),
        Abi::Arm64 => ARM64_TABLES.fast[mode].words(),
        Abi::Arm => ARM_TABLES.fast[mode].words(),
        Abi::X32 => [0; WORDS],
    }
}

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

/// The kernel's name of x32 syscall `nr` (without the x32 bit): the x32-only
/// rows from 512 on, the shared x86_64 rows below; `"?"` for a number x32
/// does not have.
pub(crate) fn x32_name(nr: i64) -> &'static str {
    match x86_64::X32_NAMES.binary_search_by(|s| i64::from(s.nr).cmp(&nr)) {
        Ok(i) => x86_64::X32_NAMES[i].name,
        // A 64-bit-only row whose call x32 has at 512 and up (`ptrace` is
        // 101 on x86_64, 521 on x32) is not x32's: x32's 101 is no syscall.
        Err(_) if nr < 512 => {
            let name = X86_64.name(nr);
            if x86_64::X32_NAMES.iter().any(|s| s.name == name) {
                "?"
            } else {
                name
            }
        }
        Err(_) => "?",
    }
}

/// The parameter sizes in bytes of syscall `nr` of `abi` (0: no such
/// parameter), from the kernel's prototypes (`src/tables/*_args.rs`); `None`
/// for a number without a known prototype. x32 uses x86_64's below 512.
pub(crate) fn arg_sizes(abi: Abi, nr: u32) -> Option<[u8; 6]> {
    let rows = match abi {
        Abi::X86_64 | Abi::X32 => x86_64_args::ARGS,
        Abi::Ia32 => ia32_args::ARGS,
        Abi::Arm64 => arm64_args::ARGS,
        Abi::Arm => arm_args::ARGS,
    };
    rows.binary_search_by(|r| r.0.cmp(&nr))
        .ok()
        .and_then(|i| rows.get(i))
        .map(|r| r.1)
}

/// The x32 rows of their own (from 512 on), for name lookups.
pub(crate) fn x32_rows() -> &'static [Sys] {
    x86_64::X32_NAMES
}
