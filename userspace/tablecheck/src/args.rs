// SPDX-License-Identifier: GPL-2.0

//! Syscall parameter sizes per ABI, derived from the kernel source.
//!
//! The module's argument rules test argument registers with an explicit
//! width; a width that differs from the size of the parameter the kernel's
//! entry point declares is a load error. The sizes come from
//! `src/tables/{x86_64,ia32,arm64,arm}_args.rs`, which this module
//! generates and checks, one per ABI of [`ABIS`]:
//!
//! 1. The `.tbl` rows the module's tables use give each syscall's entry
//!    point: the 4th column, or for a compat ABI (ia32, AArch32 on arm64)
//!    the 5th (the compat entry) where there is one, as the file that
//!    builds the table ([`Abi::table_c`]) defines `__SYSCALL_WITH_COMPAT`.
//!    That file may redirect an entry point (`#define
//!    __arm64_sys_personality __arm64_sys_arm64_personality`): the target
//!    is the entry point.
//! 2. The entry point's prototype is its `SYSCALL_DEFINEn`,
//!    `COMPAT_SYSCALL_DEFINEn` or `SYSCALL32_DEFINEn` (compat, as
//!    `CONFIG_COMPAT` is set) anywhere in the tree that the ABI's kernel
//!    builds (not `Documentation`, `samples`, `scripts`, `tools`, `usr`,
//!    other architectures, nor `arch/x86/um`); a definition under the
//!    architecture's directory wins over generic ones. Without a
//!    definition, its `asmlinkage` declaration in `include/linux/syscalls.h`,
//!    `include/linux/compat.h` or the architecture's own declaration headers
//!    (`arch/x86/include/asm/syscalls*.h`) is used.
//! 3. Definitions inside preprocessor branches that the architecture's
//!    kernel (x86_64 with `IA32_EMULATION`, arm64 with `COMPAT`) does not
//!    build are dropped: conditions are evaluated three-valued over the few
//!    configuration symbols in [`Arch::config`] (anything else is unknown
//!    and keeps the definition). Candidates that remain must agree on their
//!    sizes, or the derivation fails.
//! 4. Each parameter type is sized by [`type_size`]: pointers 8, C types
//!    and fixed-width kernel types by definition, typedefs through the
//!    chain in [`Arch::types`] and [`TYPES`] (each link is checked to be in
//!    its header). Both architectures are LP64. An unknown type is an
//!    error, never a guess. On ia32 and AArch32 every register is 32 bits
//!    wide, so sizes are capped at 4, and a 64-bit value (`u64`, `loff_t`)
//!    in one parameter of such an ABI fails the derivation (it would take a
//!    register pair there).

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::parse_tbl;

/// The committed x86_64 sizes.
pub const X86_64: &[(u32, [u8; 6])] = crate::x86_64_args::ARGS;
/// The committed ia32 sizes.
pub const IA32: &[(u32, [u8; 6])] = crate::ia32_args::ARGS;
/// The committed arm64 sizes.
pub const ARM64: &[(u32, [u8; 6])] = crate::arm64_args::ARGS;
/// The committed AArch32 (arm64 compat) sizes.
pub const ARM: &[(u32, [u8; 6])] = crate::arm_args::ARGS;

/// One architecture's kernel: what it builds and how its types are sized.
pub struct Arch {
    /// Its directory under `arch/`.
    pub dir: &'static str,
    /// Directories under it that its kernel does not build.
    pub skip: &'static [&'static str],
    /// Path prefixes of its headers of `asmlinkage` syscall declarations.
    pub decl_headers: &'static [&'static str],
    /// The configuration symbols whose value decides between definitions
    /// (checked by a test against the architecture's `Kconfig`). Every
    /// other symbol is unknown.
    pub config: &'static [(&'static str, bool)],
    /// Its own typedefs, looked up before [`TYPES`].
    pub types: &'static [(&'static str, Ty)],
}

/// x86_64 with `IA32_EMULATION` (see `arch/x86/Kconfig`).
pub const X86: Arch = Arch {
    dir: "x86",
    skip: &["arch/x86/um"],
    decl_headers: &["arch/x86/include/asm/syscalls"],
    config: &[
        ("CONFIG_X86_64", true),
        ("CONFIG_64BIT", true),
        ("CONFIG_X86_32", false),
        ("CONFIG_IA32_EMULATION", true),
        ("CONFIG_COMPAT", true),
        ("CONFIG_COMPAT_32", true),
        ("CONFIG_CLONE_BACKWARDS", false),
        ("CONFIG_CLONE_BACKWARDS2", false),
        ("CONFIG_CLONE_BACKWARDS3", false),
        ("CONFIG_OLD_SIGSUSPEND", false),
        ("CONFIG_OLD_SIGSUSPEND3", true),
        ("CONFIG_ARCH_SPLIT_ARG64", false),
    ],
    types: &[
        (
            "__kernel_old_uid_t",
            Ty::Alias(
                "unsigned short",
                "arch/x86/include/uapi/asm/posix_types_64.h",
            ),
        ),
        (
            "__kernel_old_gid_t",
            Ty::Alias(
                "unsigned short",
                "arch/x86/include/uapi/asm/posix_types_64.h",
            ),
        ),
        (
            "old_sigset_t",
            Ty::Alias("unsigned long", "arch/x86/include/asm/signal.h"),
        ),
        (
            "compat_mode_t",
            Ty::Alias("u16", "arch/x86/include/asm/compat.h"),
        ),
    ],
};

/// arm64 with `COMPAT` (see `arch/arm64/Kconfig` and the project's
/// `kernel/arm64.config`).
pub const AARCH64: Arch = Arch {
    dir: "arm64",
    skip: &[],
    decl_headers: &[],
    config: &[
        ("CONFIG_ARM64", true),
        ("CONFIG_64BIT", true),
        ("CONFIG_X86", false),
        ("CONFIG_X86_64", false),
        ("CONFIG_X86_32", false),
        ("CONFIG_IA32_EMULATION", false),
        ("CONFIG_COMPAT", true),
        ("CONFIG_COMPAT_32", false),
        ("CONFIG_CLONE_BACKWARDS", true),
        ("CONFIG_CLONE_BACKWARDS2", false),
        ("CONFIG_CLONE_BACKWARDS3", false),
        ("CONFIG_OLD_SIGSUSPEND", false),
        ("CONFIG_OLD_SIGSUSPEND3", true),
        ("CONFIG_ARCH_SPLIT_ARG64", false),
    ],
    types: &[
        (
            "__kernel_old_uid_t",
            Ty::Alias(
                "unsigned short",
                "arch/arm64/include/uapi/asm/posix_types.h",
            ),
        ),
        (
            "__kernel_old_gid_t",
            Ty::Alias(
                "unsigned short",
                "arch/arm64/include/uapi/asm/posix_types.h",
            ),
        ),
        (
            "old_sigset_t",
            Ty::Alias("unsigned long", "include/uapi/asm-generic/signal.h"),
        ),
        (
            "compat_mode_t",
            Ty::Alias("u16", "arch/arm64/include/asm/compat.h"),
        ),
    ],
};

/// The architectures whose trees are scanned.
pub const ARCHES: [&Arch; 2] = [&X86, &AARCH64];

/// One ABI's size table.
pub struct Abi {
    /// The ABI's name (as in [`crate::tables::ALL`]).
    pub name: &'static str,
    /// The architecture whose kernel runs it.
    pub arch: &'static Arch,
    /// The generated file, relative to the repository root.
    pub file: &'static str,
    /// The kernel's `.tbl` file, relative to the source tree.
    pub tbl: &'static str,
    /// The ABI column values of that file that the architecture builds.
    pub tbl_abis: &'static [&'static str],
    /// Whether the 5th column (compat entry point) is the entry point.
    pub compat: bool,
    /// The file that builds the syscall table from the `.tbl` rows.
    pub table_c: &'static str,
    /// The prefix that file gives the entry points (`__x64_`).
    pub wrapper: &'static str,
    /// The width of an argument register in bytes.
    pub reg: u8,
    /// The generated file's title line.
    pub title: &'static str,
    /// Which rows and entry points it is generated from.
    pub source: &'static str,
    /// A paragraph on the ABI's registers, if any.
    pub note: Option<&'static str>,
    /// The committed rows.
    pub committed: &'static [(u32, [u8; 6])],
}

/// Every ABI.
pub const ABIS: [Abi; 4] = [
    Abi {
        name: "x86_64",
        arch: &X86,
        file: "src/tables/x86_64_args.rs",
        tbl: "arch/x86/entry/syscalls/syscall_64.tbl",
        tbl_abis: &["common", "64"],
        compat: false,
        table_c: "arch/x86/entry/syscall_64.c",
        wrapper: "__x64_",
        reg: 8,
        title: "x86_64 syscall parameter sizes, for argument rules with explicit widths.",
        source: "`common` and `64` entries, and the prototypes of their entry points (4th column) \
                 in the kernel source.",
        note: None,
        committed: X86_64,
    },
    Abi {
        name: "ia32",
        arch: &X86,
        file: "src/tables/ia32_args.rs",
        tbl: "arch/x86/entry/syscalls/syscall_32.tbl",
        tbl_abis: &["i386"],
        compat: true,
        table_c: "arch/x86/entry/syscall_32.c",
        wrapper: "__ia32_",
        reg: 4,
        title: "ia32 compat syscall parameter sizes, for argument rules with explicit widths.",
        source: "`i386` entries, and the prototypes of their entry points (the compat entry \
                 of the 5th column, or else the 4th) in the kernel source.",
        note: Some(
            "Every ia32 register is 32 bits wide, so no size exceeds 4; entry points that \
             split a 64-bit value take it as two 4-byte parameters (`ia32_pread64`: \
             `poslo`, `poshi`).",
        ),
        committed: IA32,
    },
    Abi {
        name: "arm64",
        arch: &AARCH64,
        file: "src/tables/arm64_args.rs",
        tbl: "arch/arm64/tools/syscall_64.tbl",
        tbl_abis: &["common", "64", "renameat", "rlimit", "memfd_secret"],
        compat: false,
        table_c: "arch/arm64/kernel/sys.c",
        wrapper: "__arm64_",
        reg: 8,
        title: "arm64 syscall parameter sizes, for argument rules with explicit widths.",
        source: "`common`, `64`, `renameat`, `rlimit` and `memfd_secret` entries (the ABIs of \
                 `scripts/Makefile.asm-headers` and `arch/arm64/kernel/Makefile.syscalls`; the \
                 file is a link to `scripts/syscall.tbl`), and the prototypes of their entry \
                 points (4th column, as redirected by `arch/arm64/kernel/sys.c`: `personality` \
                 is `sys_arm64_personality`) in the kernel source.",
        note: None,
        committed: ARM64,
    },
    Abi {
        name: "arm",
        arch: &AARCH64,
        file: "src/tables/arm_args.rs",
        tbl: "arch/arm64/tools/syscall_32.tbl",
        tbl_abis: &["common", "32"],
        compat: true,
        table_c: "arch/arm64/kernel/sys32.c",
        wrapper: "__arm64_",
        reg: 4,
        title: "AArch32 (arm64 compat) syscall parameter sizes, for argument rules with explicit \
                widths.",
        source: "`common` entries (numbered as the `common` and `eabi` entries of \
                 `arch/arm/tools/syscall.tbl`; the ARM-private calls from `0x0f0000` are not \
                 in it), and the prototypes of their entry points (the compat entry of the 5th \
                 column, or else the 4th, as `arch/arm64/kernel/sys32.c` builds \
                 `compat_sys_call_table`) in the kernel source.",
        note: Some(
            "Every AArch32 register is 32 bits wide, so no size exceeds 4; entry points that \
             split a 64-bit value take it as two 4-byte parameters, after a pad where EABI \
             aligns the pair to an even register (`compat_sys_aarch32_pread64`: `fd`, `buf`, \
             `count`, `__pad`, `pos_lo`, `pos_hi`).",
        ),
        committed: ARM,
    },
];

/// How a type name gets its size.
#[derive(Clone, Copy, Debug)]
pub enum Ty {
    /// A C type or fixed-width kernel type: its size on an LP64 kernel.
    Base(u8),
    /// `typedef TARGET NAME;` in the header.
    Alias(&'static str, &'static str),
    /// A typedef to a pointer, declared in the header.
    Pointer(&'static str),
}

/// The type names syscall prototypes use, with their LP64 sizes or their
/// typedefs, as both architectures build them; [`Arch::types`] adds the
/// architecture-specific ones. Typedefs whose header has several variants
/// name the one a 64-bit kernel builds (e.g. `__kernel_size_t` for
/// `__BITS_PER_LONG == 64`).
pub const TYPES: &[(&str, Ty)] = &[
    ("char", Ty::Base(1)),
    ("signed char", Ty::Base(1)),
    ("unsigned char", Ty::Base(1)),
    ("short", Ty::Base(2)),
    ("unsigned short", Ty::Base(2)),
    ("int", Ty::Base(4)),
    ("signed int", Ty::Base(4)),
    ("signed", Ty::Base(4)),
    ("unsigned int", Ty::Base(4)),
    ("unsigned", Ty::Base(4)),
    ("long", Ty::Base(8)),
    ("unsigned long", Ty::Base(8)),
    ("long long", Ty::Base(8)),
    ("unsigned long long", Ty::Base(8)),
    ("u8", Ty::Base(1)),
    ("s8", Ty::Base(1)),
    ("__u8", Ty::Base(1)),
    ("__s8", Ty::Base(1)),
    ("u16", Ty::Base(2)),
    ("s16", Ty::Base(2)),
    ("__u16", Ty::Base(2)),
    ("__s16", Ty::Base(2)),
    ("u32", Ty::Base(4)),
    ("s32", Ty::Base(4)),
    ("__u32", Ty::Base(4)),
    ("__s32", Ty::Base(4)),
    ("u64", Ty::Base(8)),
    ("s64", Ty::Base(8)),
    ("__u64", Ty::Base(8)),
    ("__s64", Ty::Base(8)),
    ("int32_t", Ty::Alias("s32", "include/linux/types.h")),
    // include/uapi/asm-generic/posix_types.h, 64-bit branches.
    (
        "__kernel_long_t",
        Ty::Alias("long", "include/uapi/asm-generic/posix_types.h"),
    ),
    (
        "__kernel_ulong_t",
        Ty::Alias("unsigned long", "include/uapi/asm-generic/posix_types.h"),
    ),
    (
        "__kernel_size_t",
        Ty::Alias("__kernel_ulong_t", "include/uapi/asm-generic/posix_types.h"),
    ),
    (
        "__kernel_ssize_t",
        Ty::Alias("__kernel_long_t", "include/uapi/asm-generic/posix_types.h"),
    ),
    (
        "__kernel_off_t",
        Ty::Alias("__kernel_long_t", "include/uapi/asm-generic/posix_types.h"),
    ),
    (
        "__kernel_loff_t",
        Ty::Alias("long long", "include/uapi/asm-generic/posix_types.h"),
    ),
    (
        "__kernel_pid_t",
        Ty::Alias("int", "include/uapi/asm-generic/posix_types.h"),
    ),
    (
        "__kernel_uid32_t",
        Ty::Alias("unsigned int", "include/uapi/asm-generic/posix_types.h"),
    ),
    (
        "__kernel_gid32_t",
        Ty::Alias("unsigned int", "include/uapi/asm-generic/posix_types.h"),
    ),
    (
        "__kernel_timer_t",
        Ty::Alias("int", "include/uapi/asm-generic/posix_types.h"),
    ),
    (
        "__kernel_clockid_t",
        Ty::Alias("int", "include/uapi/asm-generic/posix_types.h"),
    ),
    (
        "__kernel_key_t",
        Ty::Alias("int", "include/uapi/linux/posix_types.h"),
    ),
    (
        "__kernel_mqd_t",
        Ty::Alias("int", "include/uapi/linux/posix_types.h"),
    ),
    (
        "__kernel_rwf_t",
        Ty::Alias("int", "include/uapi/linux/fs.h"),
    ),
    (
        "size_t",
        Ty::Alias("__kernel_size_t", "include/linux/types.h"),
    ),
    (
        "ssize_t",
        Ty::Alias("__kernel_ssize_t", "include/linux/types.h"),
    ),
    (
        "off_t",
        Ty::Alias("__kernel_off_t", "include/linux/types.h"),
    ),
    (
        "loff_t",
        Ty::Alias("__kernel_loff_t", "include/linux/types.h"),
    ),
    (
        "pid_t",
        Ty::Alias("__kernel_pid_t", "include/linux/types.h"),
    ),
    (
        "uid_t",
        Ty::Alias("__kernel_uid32_t", "include/linux/types.h"),
    ),
    (
        "gid_t",
        Ty::Alias("__kernel_gid32_t", "include/linux/types.h"),
    ),
    (
        "old_uid_t",
        Ty::Alias("__kernel_old_uid_t", "include/linux/types.h"),
    ),
    (
        "old_gid_t",
        Ty::Alias("__kernel_old_gid_t", "include/linux/types.h"),
    ),
    (
        "timer_t",
        Ty::Alias("__kernel_timer_t", "include/linux/types.h"),
    ),
    (
        "clockid_t",
        Ty::Alias("__kernel_clockid_t", "include/linux/types.h"),
    ),
    (
        "key_t",
        Ty::Alias("__kernel_key_t", "include/linux/types.h"),
    ),
    (
        "mqd_t",
        Ty::Alias("__kernel_mqd_t", "include/linux/types.h"),
    ),
    (
        "umode_t",
        Ty::Alias("unsigned short", "include/linux/types.h"),
    ),
    (
        "qid_t",
        Ty::Alias("__kernel_uid32_t", "include/linux/quota.h"),
    ),
    ("key_serial_t", Ty::Alias("int32_t", "include/linux/key.h")),
    ("rwf_t", Ty::Alias("__kernel_rwf_t", "include/linux/fs.h")),
    (
        "aio_context_t",
        Ty::Alias("__kernel_ulong_t", "include/uapi/linux/aio_abi.h"),
    ),
    (
        "cap_user_header_t",
        Ty::Pointer("include/uapi/linux/capability.h"),
    ),
    (
        "cap_user_data_t",
        Ty::Pointer("include/uapi/linux/capability.h"),
    ),
    (
        "__sighandler_t",
        Ty::Pointer("include/uapi/asm-generic/signal-defs.h"),
    ),
    (
        "compat_size_t",
        Ty::Alias("u32", "include/asm-generic/compat.h"),
    ),
    (
        "compat_ssize_t",
        Ty::Alias("s32", "include/asm-generic/compat.h"),
    ),
    (
        "compat_pid_t",
        Ty::Alias("s32", "include/asm-generic/compat.h"),
    ),
    (
        "compat_off_t",
        Ty::Alias("s32", "include/asm-generic/compat.h"),
    ),
    (
        "compat_loff_t",
        Ty::Alias("s64", "include/asm-generic/compat.h"),
    ),
    (
        "compat_timer_t",
        Ty::Alias("s32", "include/asm-generic/compat.h"),
    ),
    (
        "compat_key_t",
        Ty::Alias("s32", "include/asm-generic/compat.h"),
    ),
    (
        "compat_int_t",
        Ty::Alias("s32", "include/asm-generic/compat.h"),
    ),
    (
        "compat_uint_t",
        Ty::Alias("u32", "include/asm-generic/compat.h"),
    ),
    (
        "compat_long_t",
        Ty::Alias("s32", "include/asm-generic/compat.h"),
    ),
    (
        "compat_ulong_t",
        Ty::Alias("u32", "include/asm-generic/compat.h"),
    ),
    (
        "compat_uptr_t",
        Ty::Alias("u32", "include/asm-generic/compat.h"),
    ),
    (
        "compat_aio_context_t",
        Ty::Alias("u32", "include/asm-generic/compat.h"),
    ),
    (
        "compat_old_sigset_t",
        Ty::Alias("u32", "include/asm-generic/compat.h"),
    ),
];

/// Macros that stand for two 32-bit parameters (a split 64-bit value) in a
/// prototype: `SC_ARG64(name)` of `include/linux/syscalls.h`,
/// `compat_arg_u64_dual(name)` and `compat_arg_u64(name)` of
/// `include/asm-generic/compat.h`, `arg_u32p(name)` of
/// `arch/arm64/kernel/sys32.c`.
pub const SPLIT_ARG64: &[&str] = &[
    "SC_ARG64",
    "compat_arg_u64_dual",
    "compat_arg_u64",
    "arg_u32p",
];

/// The fixed-width types of 64 bits: a parameter of one of these (or a
/// typedef of one) holds a 64-bit value, which a 32-bit ABI passes in a
/// register pair, never in one register.
const WIDE: &[&str] = &[
    "long long",
    "unsigned long long",
    "u64",
    "s64",
    "__u64",
    "__s64",
];

/// The type name `ty` stands for, without qualifiers and `__user`, and the
/// entry of [`Arch::types`] or [`TYPES`] at the end of its typedef chain;
/// `None` for a pointer, an array or an `enum`.
fn resolve(ty: &str, arch: &Arch) -> Result<Option<(String, Ty)>, String> {
    if ty.contains('*') || ty.contains('[') {
        return Ok(None);
    }
    let words: Vec<&str> = ty
        .split_whitespace()
        .filter(|w| !matches!(*w, "const" | "volatile" | "__user" | "__force"))
        .collect();
    match words.first().copied() {
        Some("enum") if words.len() == 2 => return Ok(None),
        Some("struct" | "union") => return Err(format!("{ty:?}: aggregate passed by value")),
        None => return Err(format!("{ty:?}: no type")),
        _ => {}
    }
    let mut name = words.join(" ");
    let table = || arch.types.iter().chain(TYPES);
    for _ in 0..=table().count() {
        match table().find(|(n, _)| *n == name).map(|(_, t)| *t) {
            Some(Ty::Alias(target, _)) => name = target.to_owned(),
            Some(t) => return Ok(Some((name, t))),
            None => {
                return Err(format!(
                    "unknown type {name:?} (in {ty:?}): add it to TYPES (or the {} Arch's types)",
                    arch.dir
                ))
            }
        }
    }
    Err(format!("{ty:?}: typedef loop"))
}

/// The size in bytes of a parameter of type `ty` on `arch` (qualifiers
/// and `__user` allowed): 8 for a pointer or array, 4 for an `enum` (`int`
/// sized: the few in syscall prototypes have small values), else from
/// [`Arch::types`] and [`TYPES`]; an error for a type this module does not
/// know.
pub fn type_size(ty: &str, arch: &Arch) -> Result<u8, String> {
    match resolve(ty, arch)? {
        None if ty.contains('*') || ty.contains('[') => Ok(8),
        None => Ok(4),
        Some((_, Ty::Base(size))) => Ok(size),
        Some((_, Ty::Pointer(_))) => Ok(8),
        Some((_, Ty::Alias(..))) => Err(format!("{ty:?}: unresolved typedef")),
    }
}

/// Whether a parameter of type `ty` holds a 64-bit value: a type of
/// [`WIDE`] or a typedef of one (`loff_t`), not `long` or a pointer.
pub fn is_wide(ty: &str, arch: &Arch) -> Result<bool, String> {
    Ok(resolve(ty, arch)?.is_some_and(|(name, _)| WIDE.contains(&name.as_str())))
}

/// A three-valued truth: a preprocessor condition may depend on symbols
/// whose value is not known here.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Tri {
    /// Built.
    True,
    /// Not built.
    False,
    /// Depends on something unknown.
    Unknown,
}

impl Tri {
    fn not(self) -> Self {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }

    fn and(self, other: Self) -> Self {
        match (self, other) {
            (Tri::False, _) | (_, Tri::False) => Tri::False,
            (Tri::True, Tri::True) => Tri::True,
            _ => Tri::Unknown,
        }
    }

    fn or(self, other: Self) -> Self {
        self.not().and(other.not()).not()
    }
}

/// Tokens of a preprocessor condition.
fn cond_tokens(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = expr.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c.is_ascii_alphanumeric() || c == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push(expr[start..i].to_owned());
        } else if i + 1 < b.len() && matches!(&b[i..i + 2], b"&&" | b"||" | b"==" | b"!=") {
            out.push(expr[i..i + 2].to_owned());
            i += 2;
        } else {
            out.push((c as char).to_string());
            i += 1;
        }
    }
    out
}

/// Evaluates a condition: `!`, `&&`, `||`, parentheses, `defined`,
/// `IS_ENABLED`, numbers and the symbols of `config` (an
/// [`Arch::config`]). Anything else (comparisons, other macros) makes it
/// unknown.
pub fn eval_cond(expr: &str, config: &[(&str, bool)]) -> Tri {
    struct P<'c> {
        t: Vec<String>,
        i: usize,
        config: &'c [(&'c str, bool)],
    }
    impl P<'_> {
        fn peek(&self) -> Option<&str> {
            self.t.get(self.i).map(String::as_str)
        }
        fn eat(&mut self, s: &str) -> bool {
            if self.peek() == Some(s) {
                self.i += 1;
                true
            } else {
                false
            }
        }
        fn or(&mut self) -> Option<Tri> {
            let mut v = self.and()?;
            while self.eat("||") {
                v = v.or(self.and()?);
            }
            Some(v)
        }
        fn and(&mut self) -> Option<Tri> {
            let mut v = self.unary()?;
            while self.eat("&&") {
                v = v.and(self.unary()?);
            }
            Some(v)
        }
        fn unary(&mut self) -> Option<Tri> {
            if self.eat("!") {
                return Some(self.unary()?.not());
            }
            if self.eat("(") {
                let v = self.or()?;
                return self.eat(")").then_some(v);
            }
            let word = self.peek()?.to_owned();
            self.i += 1;
            if word == "defined" || word == "IS_ENABLED" {
                let paren = self.eat("(");
                let sym = self.peek()?.to_owned();
                self.i += 1;
                if paren && !self.eat(")") {
                    return None;
                }
                return Some(self.symbol(&sym));
            }
            if let Ok(n) = word.parse::<u64>() {
                return Some(if n != 0 { Tri::True } else { Tri::False });
            }
            if word.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
                return Some(self.symbol(&word));
            }
            None
        }
        fn symbol(&self, sym: &str) -> Tri {
            match self.config.iter().find(|(s, _)| *s == sym) {
                Some((_, true)) => Tri::True,
                Some((_, false)) => Tri::False,
                None => Tri::Unknown,
            }
        }
    }
    let mut p = P {
        t: cond_tokens(expr),
        i: 0,
        config,
    };
    match p.or() {
        Some(v) if p.i == p.t.len() => v,
        _ => Tri::Unknown,
    }
}

/// The condition under which a line is built: every clause's expression
/// has the clause's truth value (`false` for the earlier branches of an
/// `#if` group, `true` for the current one).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Cond(pub Vec<(String, bool)>);

impl Cond {
    /// Whether `arch`'s kernel builds it.
    pub fn eval(&self, arch: &Arch) -> Tri {
        self.0.iter().fold(Tri::True, |v, (e, want)| {
            let t = eval_cond(e, arch.config);
            v.and(if *want { t } else { t.not() })
        })
    }

    /// The condition as C, for messages.
    pub fn text(&self) -> String {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|(e, want)| format!("{}({e})", if *want { "" } else { "!" }))
            .collect();
        parts.join(" && ")
    }
}

/// How a prototype was found.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    /// A `SYSCALL_DEFINEn`-style definition.
    Define,
    /// An `asmlinkage` declaration in a header.
    Decl,
}

/// One prototype of an entry point.
#[derive(Clone, Debug)]
pub struct Proto {
    /// The file, relative to the source tree.
    pub file: String,
    /// Its line (1-based).
    pub line: usize,
    /// Definition or declaration.
    pub kind: Kind,
    /// The parameters, split 64-bit values as two `u32`: their types for a
    /// definition, their declarations (type and maybe a name) for a
    /// declaration.
    pub params: Vec<String>,
    /// The preprocessor condition it is under.
    pub cond: Cond,
}

impl Proto {
    /// The parameter types (declarations are split with `arch`'s types).
    pub fn types(&self, arch: &Arch) -> Result<Vec<String>, String> {
        match self.kind {
            Kind::Define => Ok(self.params.clone()),
            Kind::Decl => self
                .params
                .iter()
                .map(|p| decl_param_type(p, arch))
                .collect(),
        }
    }

    /// The parameter sizes on `arch`.
    pub fn sizes(&self, arch: &Arch) -> Result<Vec<u8>, String> {
        self.types(arch)?
            .iter()
            .map(|t| type_size(t, arch))
            .collect()
    }

    /// Whether `arch`'s kernel builds it: its file is generic or under
    /// `arch`'s directory, and its condition is not false.
    pub fn built(&self, arch: &Arch) -> bool {
        in_arch(&self.file, arch) && self.cond.eval(arch) != Tri::False
    }
}

/// Whether the file `rel` of the source tree is generic or `arch`'s.
fn in_arch(rel: &str, arch: &Arch) -> bool {
    match rel.strip_prefix("arch/") {
        Some(rest) => rest
            .strip_prefix(arch.dir)
            .is_some_and(|r| r.starts_with('/')),
        None => true,
    }
}

/// Replaces comments (and the contents of string and character literals)
/// with spaces, keeping newlines.
pub fn strip_comments(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'*') => {
                out.extend_from_slice(b"  ");
                i += 2;
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    out.push(if b[i] == b'\n' { b'\n' } else { b' ' });
                    i += 1;
                }
                if i < b.len() {
                    out.extend_from_slice(b"  ");
                    i += 2;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    out.push(b' ');
                    i += 1;
                }
            }
            q @ (b'"' | b'\'') => {
                out.push(q);
                i += 1;
                while i < b.len() && b[i] != q && b[i] != b'\n' {
                    if b[i] == b'\\' && i + 1 < b.len() && b[i + 1] != b'\n' {
                        out.push(b' ');
                        i += 1;
                    }
                    out.push(b' ');
                    i += 1;
                }
                if i < b.len() && b[i] == q {
                    out.push(q);
                    i += 1;
                }
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    // Only ASCII bytes were replaced, each by one ASCII byte.
    String::from_utf8(out).unwrap_or_default()
}

/// One open `#if` group.
struct Frame {
    /// The conditions of the earlier branches of the group.
    earlier: Vec<String>,
    /// The condition of the current branch (`None` after `#else`).
    current: Option<String>,
}

/// The condition under which lines inside `stack` are built.
fn stack_cond(stack: &[Frame]) -> Cond {
    let mut clauses = Vec::new();
    for f in stack {
        for e in &f.earlier {
            clauses.push((e.clone(), false));
        }
        if let Some(c) = &f.current {
            clauses.push((c.clone(), true));
        }
    }
    Cond(clauses)
}

/// A file split into code (preprocessor lines blanked) and the condition
/// of each line.
pub struct Preprocessed {
    /// The code.
    pub code: String,
    /// The distinct conditions.
    pub conds: Vec<Cond>,
    /// Each line's index into `conds`.
    pub line_cond: Vec<usize>,
}

impl Preprocessed {
    /// The condition of line `line` (0-based).
    pub fn cond(&self, line: usize) -> &Cond {
        &self.conds[self.line_cond[line]]
    }
}

/// Splits a file into code (preprocessor lines blanked) and the condition
/// of each line.
pub fn preprocess(src: &str) -> Preprocessed {
    let mut code = String::with_capacity(src.len());
    let mut conds = vec![Cond::default()];
    let mut line_cond = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut cur = 0;
    let mut lines = src.split('\n').peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if !trimmed.starts_with('#') {
            code.push_str(line);
            code.push('\n');
            line_cond.push(cur);
            continue;
        }
        let mut directive = trimmed[1..].to_owned();
        code.push('\n');
        line_cond.push(cur);
        while directive.trim_end().ends_with('\\') {
            let t = directive.trim_end();
            directive = t[..t.len() - 1].to_owned();
            match lines.next() {
                Some(next) => {
                    directive.push(' ');
                    directive.push_str(next);
                    code.push('\n');
                    line_cond.push(cur);
                }
                None => break,
            }
        }
        let directive = directive.trim();
        let (word, rest) = directive
            .split_once(|c: char| c.is_whitespace() || c == '(' || c == '!')
            .map_or((directive, ""), |(w, _)| (w, directive[w.len()..].trim()));
        match word {
            "if" => stack.push(Frame {
                earlier: Vec::new(),
                current: Some(rest.to_owned()),
            }),
            "ifdef" => stack.push(Frame {
                earlier: Vec::new(),
                current: Some(format!("defined({rest})")),
            }),
            "ifndef" => stack.push(Frame {
                earlier: Vec::new(),
                current: Some(format!("!defined({rest})")),
            }),
            "elif" | "else" => {
                if let Some(f) = stack.last_mut() {
                    if let Some(c) = f.current.take() {
                        f.earlier.push(c);
                    }
                    if word == "elif" {
                        f.current = Some(rest.to_owned());
                    }
                }
            }
            "endif" => {
                stack.pop();
            }
            _ => continue,
        }
        conds.push(stack_cond(&stack));
        cur = conds.len() - 1;
    }
    Preprocessed {
        code,
        conds,
        line_cond,
    }
}

/// The index of the parenthesis closing the one at `open`.
fn closing_paren(b: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0;
    for (i, &c) in b.iter().enumerate().skip(open) {
        match c {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits at commas outside parentheses.
fn split_top(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(s[start..i].trim().to_owned());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(s[start..].trim().to_owned());
    out
}

/// Collapses whitespace.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `item` is a split 64-bit macro (two `u32` parameters).
fn is_split(item: &str) -> bool {
    SPLIT_ARG64.iter().any(|m| {
        item.strip_prefix(m)
            .is_some_and(|r| r.trim_start().starts_with('('))
    })
}

/// The parameter types of a `SYSCALL_DEFINEn(name, type, arg, ...)`
/// argument list after the name.
fn define_params(items: &[String]) -> Result<Vec<String>, String> {
    let mut params = Vec::new();
    let mut i = 0;
    while i < items.len() {
        if is_split(&items[i]) {
            params.extend(["u32".to_owned(), "u32".to_owned()]);
            i += 1;
        } else if i + 1 < items.len() {
            params.push(squash(&items[i]));
            i += 2;
        } else {
            return Err(format!("type {:?} without a name", items[i]));
        }
    }
    Ok(params)
}

/// The type of a C parameter declaration (`int fd`, `unsigned int`,
/// `const char __user *name`).
fn decl_param_type(p: &str, arch: &Arch) -> Result<String, String> {
    let p = squash(p);
    if p.contains('*') || p.contains('[') || type_size(&p, arch).is_ok() {
        return Ok(p);
    }
    let (ty, name) = p
        .rsplit_once(' ')
        .ok_or_else(|| format!("parameter {p:?}: no type"))?;
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!("parameter {p:?}: cannot split type and name"));
    }
    type_size(ty, arch)?;
    Ok(ty.to_owned())
}

/// The parameters of a C declaration's parameter list, split 64-bit
/// values as two `u32`.
fn decl_params(list: &str) -> Vec<String> {
    let list = squash(list);
    if list.is_empty() || list == "void" {
        return Vec::new();
    }
    let mut params = Vec::new();
    for item in split_top(&list) {
        if is_split(&item) {
            params.extend(["u32".to_owned(), "u32".to_owned()]);
        } else {
            params.push(item);
        }
    }
    params
}

/// Whether byte `i` of `b` starts an identifier.
fn word_start(b: &[u8], i: usize) -> bool {
    i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')
}

/// Adds the prototypes of one file (already without comments).
pub fn scan_file(
    rel: &str,
    src: &str,
    decls: bool,
    out: &mut HashMap<String, Vec<Proto>>,
) -> Result<(), String> {
    let pre = preprocess(src);
    let code = &pre.code;
    let b = code.as_bytes();
    let line_of = |pos: usize| code[..pos].bytes().filter(|&c| c == b'\n').count();
    let macros = [
        ("COMPAT_SYSCALL_DEFINE", "compat_sys_"),
        ("SYSCALL32_DEFINE", "compat_sys_"),
        ("SYSCALL_DEFINE", "sys_"),
    ];
    let mut add = |name: String, pos: usize, kind, params: Vec<String>| {
        let line = line_of(pos);
        out.entry(name).or_default().push(Proto {
            file: rel.to_owned(),
            line: line + 1,
            kind,
            params,
            cond: pre.cond(line).clone(),
        });
    };
    for (mac, prefix) in macros {
        let mut from = 0;
        while let Some(off) = code[from..].find(mac) {
            let pos = from + off;
            from = pos + mac.len();
            if !word_start(b, pos) {
                continue;
            }
            let Some(n) = b.get(from).filter(|c| c.is_ascii_digit()) else {
                continue;
            };
            let n = usize::from(n - b'0');
            let open = from + 1;
            if b.get(open) != Some(&b'(') {
                continue;
            }
            let here = || format!("{rel}:{}", line_of(pos) + 1);
            let close =
                closing_paren(b, open).ok_or_else(|| format!("{}: unclosed {mac}", here()))?;
            let items = split_top(&code[open + 1..close]);
            let params = define_params(&items[1..]).map_err(|e| format!("{}: {e}", here()))?;
            if params.len() != n {
                return Err(format!(
                    "{}: {mac}{n} with {} parameters",
                    here(),
                    params.len()
                ));
            }
            add(format!("{prefix}{}", items[0]), pos, Kind::Define, params);
        }
    }
    if decls {
        let mut from = 0;
        while let Some(off) = code[from..].find("asmlinkage") {
            let pos = from + off;
            from = pos + "asmlinkage".len();
            let Some(open) = code[from..].find('(').map(|o| from + o) else {
                break;
            };
            let head = &code[from..open];
            if head.contains(';') || head.contains('{') {
                continue;
            }
            let Some(name) = head.split_whitespace().last() else {
                continue;
            };
            let name = name.trim_start_matches('*');
            if !(name.starts_with("sys_") || name.starts_with("compat_sys_")) {
                continue;
            }
            let close = closing_paren(b, open)
                .ok_or_else(|| format!("{rel}:{}: unclosed {name}", line_of(pos) + 1))?;
            let params = decl_params(&code[open + 1..close]);
            add(name.to_owned(), pos, Kind::Decl, params);
        }
    }
    Ok(())
}

/// Top-level directories of the source tree not built into the kernel.
const SKIP_TOP: &[&str] = &[
    "Documentation",
    "LICENSES",
    "samples",
    "scripts",
    "tools",
    "usr",
];

/// Whether the directory `rel` of the source tree is left out: not built
/// by any of [`ARCHES`].
fn skip_dir(rel: &str) -> bool {
    let mut parts = rel.split('/');
    match (parts.next(), parts.next()) {
        (Some(top), None) => SKIP_TOP.contains(&top) || top.starts_with('.'),
        (Some("arch"), Some(dir)) => match ARCHES.iter().find(|a| a.dir == dir) {
            Some(arch) => arch.skip.contains(&rel),
            None => true,
        },
        _ => false,
    }
}

/// Whether the header `rel` holds `asmlinkage` syscall declarations.
fn decl_header(rel: &str) -> bool {
    rel == "include/linux/syscalls.h"
        || rel == "include/linux/compat.h"
        || (rel.ends_with(".h")
            && ARCHES
                .iter()
                .flat_map(|a| a.decl_headers)
                .any(|p| rel.starts_with(p)))
}

/// Whether `bytes` contains `SYSCALL` (every definition macro does). The
/// tree has over a gigabyte of C: this searches with `read_until`, whose
/// `memchr` is fast even in an unoptimized test build.
fn mentions_syscall(bytes: &[u8]) -> bool {
    use std::io::BufRead;
    let mut cur = std::io::Cursor::new(bytes);
    let mut seen = Vec::new();
    loop {
        seen.clear();
        match cur.read_until(b'Y', &mut seen) {
            Ok(0) | Err(_) => return false,
            Ok(_) => {}
        }
        let at = usize::try_from(cur.position()).unwrap_or(usize::MAX);
        let rest = bytes.get(at..).unwrap_or_default();
        if seen.ends_with(b"SY") && rest.starts_with(b"SCALL") {
            return true;
        }
    }
}

/// Every syscall prototype of the trees that [`ARCHES`] build, by entry
/// point, whatever their conditions: [`choose`] picks an architecture's.
pub fn scan(ksrc: &Path) -> Result<HashMap<String, Vec<Proto>>, String> {
    let mut out = HashMap::new();
    let mut dirs = vec![PathBuf::new()];
    while let Some(rel) = dirs.pop() {
        let dir = ksrc.join(&rel);
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
            let ty = entry.file_type().map_err(|e| e.to_string())?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let child = rel.join(name);
            let child_rel = child.to_string_lossy().into_owned();
            if ty.is_dir() {
                if !skip_dir(&child_rel) {
                    dirs.push(child);
                }
                continue;
            }
            if !ty.is_file() || !(name.ends_with(".c") || name.ends_with(".h")) {
                continue;
            }
            let bytes = std::fs::read(entry.path()).map_err(|e| format!("{}: {e}", child_rel))?;
            let decls = decl_header(&child_rel);
            if !decls && !mentions_syscall(&bytes) {
                continue;
            }
            let text = strip_comments(&String::from_utf8_lossy(&bytes));
            scan_file(&child_rel, &text, decls, &mut out)?;
        }
    }
    Ok(out)
}

/// The prototype of entry point `entry` from `protos` that `arch`'s
/// kernel builds and its parameter sizes there, or `None` if the source
/// has none; an error when the built candidates disagree.
pub fn choose<'a>(
    entry: &str,
    protos: &'a HashMap<String, Vec<Proto>>,
    arch: &Arch,
) -> Result<Option<(&'a Proto, Vec<u8>)>, String> {
    let all = protos.get(entry).map_or(&[][..], Vec::as_slice);
    let built = |kind| all.iter().filter(move |p| p.kind == kind && p.built(arch));
    let mut cands: Vec<&Proto> = built(Kind::Define).collect();
    let own = format!("arch/{}/", arch.dir);
    if cands.iter().any(|p| p.file.starts_with(&own)) {
        cands.retain(|p| p.file.starts_with(&own));
    }
    if cands.is_empty() {
        cands = built(Kind::Decl).collect();
    }
    let Some(first) = cands.first() else {
        return Ok(None);
    };
    let sizes = |p: &Proto| {
        p.sizes(arch)
            .map_err(|e| format!("{entry} ({}:{}): {e}", p.file, p.line))
    };
    let want = sizes(first)?;
    for p in &cands[1..] {
        if sizes(p)? != want {
            let list: Vec<String> = cands
                .iter()
                .map(|p| {
                    format!(
                        "  {}:{} {:?} if {}",
                        p.file,
                        p.line,
                        p.params,
                        p.cond.text()
                    )
                })
                .collect();
            return Err(format!(
                "{entry}: built prototypes disagree on {} (add the deciding symbol to its \
                 Arch's config):\n{}",
                arch.dir,
                list.join("\n")
            ));
        }
    }
    Ok(Some((first, want)))
}

/// One derived row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Syscall number.
    pub nr: u32,
    /// The `.tbl` name.
    pub name: String,
    /// The entry point.
    pub entry: String,
    /// Parameter sizes, 0 = none.
    pub sizes: [u8; 6],
    /// The header the prototype came from when it is only declared.
    pub decl: Option<String>,
}

/// What the file that builds an ABI's syscall table ([`Abi::table_c`])
/// defines, in the branches its architecture builds.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct TableC {
    /// Whether its `__SYSCALL_WITH_COMPAT(nr, native, compat)` is
    /// `__SYSCALL(nr, compat)` (`Some(true)`) or `__SYSCALL(nr, native)`
    /// (`Some(false)`); `None` if it defines none.
    pub compat: Option<bool>,
    /// The entry points it redirects: (`sys_a`, `sys_b`) for
    /// `#define WRAPPERsys_a WRAPPERsys_b`, `WRAPPER` its [`Abi::wrapper`].
    pub redirects: Vec<(String, String)>,
}

/// Whether `name` names an entry point.
fn is_entry(name: &str) -> bool {
    (name.starts_with("sys_") || name.starts_with("compat_sys_"))
        && name.bytes().all(|c| c.is_ascii_alphanumeric() || c == b'_')
}

/// Reads the `#define`s of `abi`'s [`Abi::table_c`] that decide its entry
/// points.
pub fn table_c(ksrc: &Path, abi: &Abi) -> Result<TableC, String> {
    let path = ksrc.join(abi.table_c);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let text = strip_comments(&text);
    let pre = preprocess(&text);
    let mut out = TableC::default();
    for (i, line) in text.split('\n').enumerate() {
        let Some(d) = line.trim_start().strip_prefix('#') else {
            continue;
        };
        let Some(d) = d.trim_start().strip_prefix("define") else {
            continue;
        };
        if pre.cond(i).eval(abi.arch) == Tri::False {
            continue;
        }
        let d = squash(d);
        let here = || format!("{}:{}", abi.table_c, i + 1);
        if let Some(rest) = d.strip_prefix("__SYSCALL_WITH_COMPAT(") {
            let bad = || format!("{}: cannot read {d:?}", here());
            let (params, body) = rest.split_once(')').ok_or_else(bad)?;
            let params: Vec<&str> = params.split(',').map(str::trim).collect();
            let body = body
                .trim()
                .strip_prefix("__SYSCALL(")
                .and_then(|b| b.strip_suffix(')'))
                .ok_or_else(bad)?;
            let args: Vec<&str> = body.split(',').map(str::trim).collect();
            let compat = match (params.as_slice(), args.as_slice()) {
                ([_, _, compat], [_, sym]) if sym == compat => true,
                ([_, native, _], [_, sym]) if sym == native => false,
                _ => return Err(bad()),
            };
            if out.compat.replace(compat).is_some_and(|c| c != compat) {
                return Err(format!("{}: __SYSCALL_WITH_COMPAT defined twice", here()));
            }
            continue;
        }
        if let [from, to] = d.split_whitespace().collect::<Vec<_>>()[..] {
            let (Some(from), Some(to)) =
                (from.strip_prefix(abi.wrapper), to.strip_prefix(abi.wrapper))
            else {
                continue;
            };
            if is_entry(from) && is_entry(to) {
                out.redirects.push((from.to_owned(), to.to_owned()));
            }
        }
    }
    Ok(out)
}

/// An ABI's syscalls: (number, name, entry point), sorted by number.
pub fn entries(ksrc: &Path, abi: &Abi) -> Result<Vec<(u32, String, String)>, String> {
    let table = table_c(ksrc, abi)?;
    if table.compat.unwrap_or(false) != abi.compat {
        return Err(format!(
            "{}: {} builds the table from the {} entry points, the Abi says otherwise",
            abi.name,
            abi.table_c,
            if abi.compat { "native" } else { "compat" }
        ));
    }
    let path = ksrc.join(abi.tbl);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (names, _) = parse_tbl(&text, abi.tbl_abis)?;
    let mut out = Vec::new();
    for line in text.lines() {
        let cols: Vec<&str> = line
            .split('#')
            .next()
            .unwrap_or("")
            .split_whitespace()
            .collect();
        if cols.len() < 3 || !abi.tbl_abis.contains(&cols[1]) {
            continue;
        }
        let nr = names[cols[2]];
        let entry = match (abi.compat, cols.get(4), cols.get(3)) {
            (true, Some(&e), _) if e != "-" => e,
            (_, _, Some(&e)) => e,
            // No entry point: the kernel does not build this syscall.
            _ => continue,
        };
        let entry = table
            .redirects
            .iter()
            .find(|(from, _)| from == entry)
            .map_or(entry, |(_, to)| to.as_str());
        out.push((nr, cols[2].to_owned(), entry.to_owned()));
    }
    out.sort_by_key(|e| e.0);
    Ok(out)
}

/// Derives an ABI's rows; also returns the syscalls without a prototype.
pub fn derive(
    ksrc: &Path,
    abi: &Abi,
    protos: &HashMap<String, Vec<Proto>>,
) -> Result<(Vec<Row>, Vec<String>), String> {
    let mut rows = Vec::new();
    let mut missing = Vec::new();
    for (nr, name, entry) in entries(ksrc, abi)? {
        let Some((p, full)) = choose(&entry, protos, abi.arch)? else {
            missing.push(format!("{name} ({entry})"));
            continue;
        };
        if abi.reg < 8 {
            for t in p.types(abi.arch)? {
                if is_wide(&t, abi.arch)? {
                    return Err(format!(
                        "{} {name}: {entry} ({}:{}) takes a 64-bit {t:?} in one {}-byte \
                         register",
                        abi.name, p.file, p.line, abi.reg
                    ));
                }
            }
        }
        if full.len() > 6 {
            return Err(format!("{entry}: {} parameters", full.len()));
        }
        let mut sizes = [0u8; 6];
        for (s, f) in sizes.iter_mut().zip(&full) {
            *s = (*f).min(abi.reg);
        }
        let decl = (p.kind == Kind::Decl).then(|| p.file.clone());
        rows.push(Row {
            nr,
            name,
            entry,
            sizes,
            decl,
        });
    }
    Ok((rows, missing))
}

/// `VERSION.PATCHLEVEL` of the kernel source.
pub fn kernel_version(ksrc: &Path) -> Result<String, String> {
    let path = ksrc.join("Makefile");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let var = |name: &str| {
        text.lines()
            .find_map(|l| {
                let (k, v) = l.split_once('=')?;
                (k.trim() == name).then(|| v.trim().to_owned())
            })
            .ok_or_else(|| format!("{}: no {name}", path.display()))
    };
    Ok(format!("{}.{}", var("VERSION")?, var("PATCHLEVEL")?))
}

/// Wraps `text` into `//!` lines of at most 100 columns (a longer word
/// gets a line of its own).
fn doc_paragraph(out: &mut String, text: &str) {
    let mut line = String::from("//!");
    for word in text.split_whitespace() {
        if line.len() > 3 && line.len() + 1 + word.len() > 100 {
            out.push_str(&line);
            out.push('\n');
            line = String::from("//!");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
}

/// The text of an ABI's generated file.
pub fn render(abi: &Abi, version: &str, rows: &[Row], missing: &[String]) -> String {
    let tbl = abi.tbl;
    let mut s = String::from("// SPDX-License-Identifier: GPL-2.0\n\n");
    doc_paragraph(&mut s, abi.title);
    let _ = writeln!(
        s,
        "//!\n//! Source: [`{tbl}`](srctree/{tbl}) of Linux {version},"
    );
    doc_paragraph(&mut s, abi.source);
    s.push_str("//!\n");
    doc_paragraph(
        &mut s,
        "One row per syscall, sorted by number: the size in bytes (1, 2, 4 or 8) of each \
         parameter as the entry point declares it (`SYSCALL_DEFINEn`, \
         `COMPAT_SYSCALL_DEFINEn`, or else its `asmlinkage` declaration), 0 where it has no \
         such parameter. The kernel truncates an argument register to its parameter's size, \
         so a rule of another width is refused. A row's comment names the entry point when it \
         is not `sys_NAME` or `compat_sys_NAME`.",
    );
    if let Some(note) = abi.note {
        s.push_str("//!\n");
        doc_paragraph(&mut s, note);
    }
    s.push_str("//!\n");
    if missing.is_empty() {
        doc_paragraph(
            &mut s,
            "Every syscall of the table has a prototype and a row.",
        );
    } else {
        doc_paragraph(
            &mut s,
            &format!(
                "No prototype in the source, so no row: {}.",
                missing.join(", ")
            ),
        );
    }
    s.push_str("//!\n");
    doc_paragraph(
        &mut s,
        "Generated from the kernel source and checked against it by `userspace/tablecheck` \
         (`src/args.rs`); do not edit by hand. To regenerate, in `userspace/`:",
    );
    s.push_str("//! `SM_UPDATE_ARGS=1 cargo test -p tablecheck args`.\n");
    s.push_str(
        "\n/// (syscall number, parameter sizes), sorted by number.\n\
         pub(super) const ARGS: &[(u32, [u8; 6])] = &[\n",
    );
    let lines: Vec<(String, String)> = rows
        .iter()
        .map(|r| {
            let sizes: Vec<String> = r.sizes.iter().map(u8::to_string).collect();
            let item = format!("({}, [{}])", r.nr, sizes.join(", "));
            let mut comment = format!("// {}", r.name);
            let plain = r.entry == format!("sys_{}", r.name)
                || (abi.compat && r.entry == format!("compat_sys_{}", r.name));
            match (&r.decl, plain) {
                (Some(h), true) => {
                    let _ = write!(comment, " (declared only, in {h})");
                }
                (Some(h), false) => {
                    let _ = write!(comment, " ({}, declared only, in {h})", r.entry);
                }
                (None, false) => {
                    let _ = write!(comment, " ({})", r.entry);
                }
                (None, true) => {}
            }
            (item, comment)
        })
        .collect();
    for ((item, comment), pad) in lines.iter().zip(comment_columns(&lines)) {
        let _ = writeln!(s, "    {item},{:pad$}{comment}", "");
    }
    s.push_str("];\n");
    s
}

/// The spaces between each item's comma and its trailing comment, as
/// rustfmt (`write_list` in its `lists.rs`, `max_width = 100`) aligns the
/// trailing comments of a vertical list: to the widest item of a group,
/// where a group starts at the first item and again at any item whose
/// comment would pass the line width, and takes the following items as
/// long as each, with that first item's line and comment, fits in it.
fn comment_columns(lines: &[(String, String)]) -> Vec<usize> {
    const MAX_WIDTH: usize = 100;
    // 4 = indent, 1 = the comma.
    let line_width = |item: &String| 4 + item.len() + 1;
    let group = |i: usize| {
        let overhead = line_width(&lines[i].0) + lines[i].1.len();
        let mut max = lines[i].0.len();
        for (item, _) in &lines[i + 1..] {
            if item.len() + overhead > MAX_WIDTH {
                break;
            }
            max = max.max(item.len());
        }
        max
    };
    let mut out = Vec::with_capacity(lines.len());
    let mut max: Option<usize> = None;
    for (i, (item, comment)) in lines.iter().enumerate() {
        let last = i + 1 == lines.len();
        if max.is_none() && !last {
            max = Some(group(i));
        }
        let mut align = max.unwrap_or(0).saturating_sub(item.len());
        if comment.len() + line_width(item) + align + 1 > MAX_WIDTH {
            max = (!last).then(|| group(i));
            align = max.unwrap_or(0).saturating_sub(item.len());
        }
        out.push(align + 1);
    }
    out
}

/// The path of a generated file.
pub fn file_path(abi: &Abi) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(abi.file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel_source;
    use std::sync::OnceLock;

    /// The scan of the kernel source, shared by the tests.
    fn protos() -> &'static HashMap<String, Vec<Proto>> {
        static PROTOS: OnceLock<HashMap<String, Vec<Proto>>> = OnceLock::new();
        PROTOS.get_or_init(|| scan(&kernel_source().unwrap()).unwrap())
    }

    /// The ABI called `name`.
    fn abi(name: &str) -> &'static Abi {
        ABIS.iter().find(|a| a.name == name).unwrap()
    }

    /// An ABI's derived rows by name.
    fn derived(abi: &Abi) -> HashMap<String, [u8; 6]> {
        let (rows, _) = derive(&kernel_source().unwrap(), abi, protos()).unwrap();
        rows.into_iter().map(|r| (r.name, r.sizes)).collect()
    }

    #[test]
    fn args_files_match_the_kernel_source() {
        let ksrc = kernel_source().unwrap();
        let version = kernel_version(&ksrc).unwrap();
        let update = std::env::var("SM_UPDATE_ARGS").is_ok_and(|v| v == "1");
        let mut errors = Vec::new();
        for abi in &ABIS {
            let (rows, missing) = derive(&ksrc, abi, protos()).unwrap();
            let text = render(abi, &version, &rows, &missing);
            let path = file_path(abi);
            if update {
                std::fs::write(&path, &text).unwrap();
                eprintln!("wrote {}: {} rows", abi.file, rows.len());
                continue;
            }
            let want: HashMap<u32, &Row> = rows.iter().map(|r| (r.nr, r)).collect();
            let have: HashMap<u32, [u8; 6]> = abi.committed.iter().copied().collect();
            let before = errors.len();
            for r in &rows {
                match have.get(&r.nr) {
                    None => errors.push(format!(
                        "{}: no row for {} {} (kernel: {:?})",
                        abi.name, r.nr, r.name, r.sizes
                    )),
                    Some(s) if *s != r.sizes => errors.push(format!(
                        "{}: {} {} ({}): file {s:?}, kernel {:?}",
                        abi.name, r.nr, r.name, r.entry, r.sizes
                    )),
                    Some(_) => {}
                }
            }
            for (nr, s) in abi.committed {
                if !want.contains_key(nr) {
                    errors.push(format!(
                        "{}: row {nr} {s:?} is not a syscall with a prototype",
                        abi.name
                    ));
                }
            }
            if abi.committed.len() != have.len() {
                errors.push(format!("{}: duplicate rows", abi.name));
            }
            if !abi.committed.windows(2).all(|w| w[0].0 < w[1].0) {
                errors.push(format!("{}: rows not sorted by number", abi.name));
            }
            let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
            if errors.len() == before && on_disk != text {
                errors.push(format!(
                    "{}: rows agree but the text differs from the generator's",
                    abi.file
                ));
            }
        }
        assert!(
            errors.is_empty(),
            "argument size tables differ from the kernel source \
             (regenerate: SM_UPDATE_ARGS=1 cargo test -p tablecheck args):\n{}",
            errors.join("\n")
        );
    }

    #[test]
    fn args_known_x86_64_sizes() {
        let d = derived(abi("x86_64"));
        assert_eq!(d["ioctl"], [4, 4, 8, 0, 0, 0]);
        assert_eq!(d["openat"], [4, 8, 4, 2, 0, 0]);
        assert_eq!(d["mmap"], [8, 8, 8, 8, 8, 8]);
        assert_eq!(d["socket"], [4, 4, 4, 0, 0, 0]);
        assert_eq!(d["fcntl"], [4, 4, 8, 0, 0, 0]);
        assert_eq!(d["read"], [4, 8, 8, 0, 0, 0]);
        assert_eq!(d["clone"][0], 8);
        // The x86_64 clone order: flags, newsp, parent_tid, child_tid, tls.
        assert_eq!(d["clone"], [8, 8, 8, 8, 8, 0]);
        assert_eq!(d["rt_sigreturn"], [0; 6]);
        assert_eq!(d["_sysctl"], [0; 6]);
        // prctl(int option, unsigned long arg2, ...).
        assert_eq!(d["prctl"], [4, 8, 8, 8, 8, 0]);
        // fanotify_mark's 64-bit mask is one parameter.
        assert_eq!(d["fanotify_mark"], [4, 4, 8, 4, 8, 0]);
        assert_eq!(d["capget"], [8, 8, 0, 0, 0, 0]);
    }

    #[test]
    fn args_known_ia32_sizes() {
        let d = derived(abi("ia32"));
        assert_eq!(d["ioctl"], [4, 4, 4, 0, 0, 0]);
        assert_eq!(d["openat"], [4, 4, 4, 2, 0, 0]);
        assert_eq!(d["mmap"], [4, 0, 0, 0, 0, 0]);
        assert_eq!(d["mmap2"], [4; 6]);
        // ia32_pread64(fd, buf, count, poslo, poshi).
        assert_eq!(d["pread64"], [4, 4, 4, 4, 4, 0]);
        // The compat fanotify_mark splits its mask in two.
        assert_eq!(d["fanotify_mark"], [4, 4, 4, 4, 4, 4]);
        // OLD_SIGSUSPEND3: sigsuspend(int, int, old_sigset_t).
        assert_eq!(d["sigsuspend"], [4, 4, 4, 0, 0, 0]);
        // uid16 calls take old_uid_t.
        assert_eq!(d["setuid"], [2, 0, 0, 0, 0, 0]);
        assert_eq!(d["setuid32"], [4, 0, 0, 0, 0, 0]);
        assert_eq!(d["vm86"], [0; 6]);
        assert_eq!(d["sigreturn"], [0; 6]);
        assert!(d.values().flatten().all(|&s| s <= 4));
    }

    #[test]
    fn args_known_arm64_sizes() {
        let d = derived(abi("arm64"));
        assert_eq!(d["ioctl"], [4, 4, 8, 0, 0, 0]);
        assert_eq!(d["openat"], [4, 8, 4, 2, 0, 0]);
        assert_eq!(d["read"], [4, 8, 8, 0, 0, 0]);
        assert_eq!(d["fcntl"], [4, 4, 8, 0, 0, 0]);
        // arch/arm64/kernel/sys.c: mmap(addr, len, prot, flags, fd, off).
        assert_eq!(d["mmap"], [8; 6]);
        // CLONE_BACKWARDS: flags, newsp, parent_tid, tls, child_tid.
        assert_eq!(d["clone"], [8, 8, 8, 8, 8, 0]);
        assert_eq!(d["prctl"], [4, 8, 8, 8, 8, 0]);
        assert_eq!(d["fanotify_mark"], [4, 4, 8, 4, 8, 0]);
        // sync_file_range(fd, offset, nbytes, flags): loff_t in one register.
        assert_eq!(d["sync_file_range"], [4, 8, 8, 4, 0, 0]);
        // sys_arm64_personality(unsigned int).
        assert_eq!(d["personality"], [4, 0, 0, 0, 0, 0]);
        // arch/arm64/mm/gcs.c.
        assert_eq!(d["map_shadow_stack"], [8, 8, 4, 0, 0, 0]);
        assert_eq!(d["rt_sigreturn"], [0; 6]);
        assert_eq!(d["renameat"], [4, 8, 4, 8, 0, 0]);
        assert_eq!(d["getrlimit"], [4, 8, 0, 0, 0, 0]);
        assert_eq!(d["memfd_secret"], [4, 0, 0, 0, 0, 0]);
    }

    #[test]
    fn args_known_arm_sizes() {
        let d = derived(abi("arm"));
        assert_eq!(d["ioctl"], [4, 4, 4, 0, 0, 0]);
        assert_eq!(d["open"], [4, 4, 2, 0, 0, 0]);
        assert_eq!(d["openat"], [4, 4, 4, 2, 0, 0]);
        // arm64's own wrappers: EABI aligns a 64-bit pair to an even
        // register, after a pad (arch/arm64/kernel/sys32.c).
        assert_eq!(d["pread64"], [4, 4, 4, 4, 4, 4]);
        assert_eq!(d["truncate64"], [4, 4, 4, 4, 0, 0]);
        assert_eq!(d["readahead"], [4, 4, 4, 4, 4, 0]);
        assert_eq!(d["arm_fadvise64_64"], [4; 6]);
        assert_eq!(d["arm_sync_file_range"], [4; 6]);
        assert_eq!(d["mmap2"], [4; 6]);
        assert_eq!(d["statfs64"], [4, 4, 4, 0, 0, 0]);
        // The compat fanotify_mark splits its mask in two.
        assert_eq!(d["fanotify_mark"], [4, 4, 4, 4, 4, 4]);
        // OLD_SIGSUSPEND3: sigsuspend(int, int, old_sigset_t).
        assert_eq!(d["sigsuspend"], [4, 4, 4, 0, 0, 0]);
        // uid16 calls take old_uid_t.
        assert_eq!(d["setuid"], [2, 0, 0, 0, 0, 0]);
        assert_eq!(d["setuid32"], [4, 0, 0, 0, 0, 0]);
        // The native personality, not sys.c's redirect.
        assert_eq!(d["personality"], [4, 0, 0, 0, 0, 0]);
        assert_eq!(d["sigreturn"], [0; 6]);
        assert_eq!(d["rt_sigreturn"], [0; 6]);
        assert!(d.values().flatten().all(|&s| s <= 4));
    }

    #[test]
    fn args_entry_points_are_the_table_builders() {
        let ksrc = kernel_source().unwrap();
        let redirect = |from: &str, to: &str| vec![(from.to_owned(), to.to_owned())];
        let want = [
            ("x86_64", None, vec![]),
            ("ia32", Some(true), vec![]),
            (
                "arm64",
                Some(false),
                redirect("sys_personality", "sys_arm64_personality"),
            ),
            ("arm", Some(true), vec![]),
        ];
        assert_eq!(want.len(), ABIS.len());
        for (name, compat, redirects) in want {
            let t = table_c(&ksrc, abi(name)).unwrap();
            assert_eq!(t, TableC { compat, redirects }, "{name}");
        }
        let arm64 = entries(&ksrc, abi("arm64")).unwrap();
        assert!(arm64.contains(&(92, "personality".into(), "sys_arm64_personality".into())));
        let arm = entries(&ksrc, abi("arm")).unwrap();
        assert!(arm.contains(&(136, "personality".into(), "sys_personality".into())));
        assert!(arm.contains(&(180, "pread64".into(), "compat_sys_aarch32_pread64".into())));
    }

    #[test]
    fn args_rows_are_the_module_tables_names() {
        // Every ABI's rows are numbered and named as the module's own table
        // (`NAMES`, checked against the kernel by the table tests), even
        // where the two read different `.tbl` files (arm: the module's
        // arch/arm/tools/syscall.tbl, here arm64's compat table).
        let ksrc = kernel_source().unwrap();
        for abi in &ABIS {
            let table = crate::tables::ALL
                .iter()
                .find(|t| t.name == abi.name)
                .unwrap_or_else(|| panic!("{}: no module table", abi.name));
            let text = std::fs::read_to_string(ksrc.join(abi.tbl)).unwrap();
            let (map, _) = parse_tbl(&text, abi.tbl_abis).unwrap();
            let mut got: Vec<(u32, String)> = map.into_iter().map(|(n, nr)| (nr, n)).collect();
            got.sort();
            let want: Vec<(u32, String)> = table
                .names
                .iter()
                .map(|s| (s.nr, s.name.to_owned()))
                .collect();
            assert_eq!(got, want, "{}: {} and NAMES", abi.name, abi.tbl);
            // Rows without an entry point (x86_64's `uselib`) have none.
            for (nr, name, _) in entries(&ksrc, abi).unwrap() {
                assert!(
                    want.contains(&(nr, name.clone())),
                    "{}: {nr} {name}",
                    abi.name
                );
            }
            for (nr, _) in abi.committed {
                assert!(
                    table.names.iter().any(|s| s.nr == *nr),
                    "{}: row {nr} is not in NAMES",
                    abi.name
                );
            }
        }
    }

    #[test]
    fn args_arm64_abis_are_the_builds() {
        // scripts/Makefile.asm-headers: syscall_abis_{32,64} += common,{32,64},
        // then arch/arm64/kernel/Makefile.syscalls adds its own and names
        // the tables.
        let ksrc = kernel_source().unwrap();
        let makefiles = [
            "scripts/Makefile.asm-headers",
            "arch/arm64/kernel/Makefile.syscalls",
        ];
        let mut abis: HashMap<String, Vec<String>> = HashMap::new();
        let mut tbl = None;
        for m in makefiles {
            let text = std::fs::read_to_string(ksrc.join(m)).unwrap();
            for line in text.lines() {
                let line = line.split('#').next().unwrap_or("");
                if let Some((var, val)) = line.split_once("+=") {
                    if let Some(bits) = var.trim().strip_prefix("syscall_abis_") {
                        abis.entry(bits.to_owned()).or_default().extend(
                            val.split(|c: char| c == ',' || c.is_whitespace())
                                .filter(|w| !w.is_empty())
                                .map(str::to_owned),
                        );
                    }
                } else if let Some((var, val)) = line.split_once('=') {
                    if var.trim() == "syscalltbl" && m.starts_with("arch/") {
                        tbl = Some(val.trim().to_owned());
                    }
                }
            }
        }
        let tbl = tbl.expect("syscalltbl");
        // The native table is the generic one.
        let canon = |p: &str| std::fs::canonicalize(ksrc.join(p)).unwrap();
        assert_eq!(canon(abi("arm64").tbl), canon("scripts/syscall.tbl"));
        for (name, bits) in [("arm64", "64"), ("arm", "32")] {
            let abi = abi(name);
            assert_eq!(abi.tbl, tbl.replace('%', bits), "{name}");
            assert_eq!(abi.tbl_abis, abis[bits], "{name}");
        }
    }

    #[test]
    fn args_comment_columns_follow_rustfmt() {
        let line =
            |nr: u32, comment: &str| (format!("({nr}, [0, 0, 0, 0, 0, 0])"), comment.to_owned());
        let short = [
            line(0, "// a"),
            line(18, "// b"),
            line(19, "// c"),
            line(100, "// d"),
        ];
        // Aligned to the widest item.
        assert_eq!(comment_columns(&short), [3, 2, 2, 1]);
        // A comment past 100 columns starts a group that ends at the next
        // item: the rest keep its width (rustfmt's `item_max_width`).
        let long = format!("// b ({})", "x".repeat(70));
        let lines = [
            line(0, "// a"),
            line(18, &long),
            line(19, "// c"),
            line(100, "// d"),
        ];
        assert_eq!(comment_columns(&lines), [3, 1, 1, 1]);
        assert_eq!(comment_columns(&[line(7, "// a")]), [1]);
    }

    #[test]
    fn args_wide_values_are_found() {
        assert_eq!(is_wide("loff_t", &X86), Ok(true));
        assert_eq!(is_wide("compat_loff_t", &AARCH64), Ok(true));
        assert_eq!(is_wide("const u64", &AARCH64), Ok(true));
        assert_eq!(is_wide("unsigned long", &AARCH64), Ok(false));
        assert_eq!(is_wide("size_t", &AARCH64), Ok(false));
        assert_eq!(is_wide("loff_t __user *", &AARCH64), Ok(false));
        assert_eq!(is_wide("enum landlock_rule_type", &X86), Ok(false));
        assert!(is_wide("mystery_t", &X86).is_err());
    }

    #[test]
    fn args_every_syscall_has_a_prototype() {
        let ksrc = kernel_source().unwrap();
        for abi in &ABIS {
            let (rows, missing) = derive(&ksrc, abi, protos()).unwrap();
            assert!(
                missing.is_empty(),
                "{}: no prototype: {missing:?}",
                abi.name
            );
            assert_eq!(rows.len(), entries(&ksrc, abi).unwrap().len());
        }
    }

    #[test]
    fn args_type_sizes() {
        for arch in ARCHES {
            let size = |ty| type_size(ty, arch);
            assert_eq!(size("const char __user *"), Ok(8));
            assert_eq!(size("unsigned   int"), Ok(4));
            assert_eq!(size("const clockid_t"), Ok(4));
            assert_eq!(size("umode_t"), Ok(2));
            assert_eq!(size("old_uid_t"), Ok(2));
            assert_eq!(size("old_sigset_t"), Ok(8));
            assert_eq!(size("size_t"), Ok(8));
            assert_eq!(size("loff_t"), Ok(8));
            assert_eq!(size("key_serial_t"), Ok(4));
            assert_eq!(size("cap_user_header_t"), Ok(8));
            assert_eq!(size("compat_mode_t"), Ok(2));
            assert_eq!(size("compat_ulong_t"), Ok(4));
            assert_eq!(size("enum landlock_rule_type"), Ok(4));
            // Unknown types fail loudly.
            assert!(size("mystery_t").is_err());
            assert!(size("struct timespec").is_err());
            assert!(size("").is_err());
        }
    }

    #[test]
    fn args_typedefs_are_in_their_headers() {
        let ksrc = kernel_source().unwrap();
        let norm = |s: &str| squash(&s.replace("__bitwise", " "));
        let mut errors = Vec::new();
        let all = TYPES.iter().chain(ARCHES.iter().flat_map(|a| a.types));
        for (name, ty) in all {
            let (header, want) = match ty {
                Ty::Base(_) => continue,
                Ty::Alias(target, header) => (header, format!("typedef {target} {name};")),
                Ty::Pointer(header) => (header, format!("*{name};")),
            };
            let path = ksrc.join(header);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let text = norm(&strip_comments(&text)).replace("* ", "*");
            if !text.contains(&norm(&want).replace("* ", "*")) {
                errors.push(format!("{header}: no {want:?}"));
            }
        }
        assert!(errors.is_empty(), "{}", errors.join("\n"));
    }

    #[test]
    fn args_macros_are_the_kernels() {
        let ksrc = kernel_source().unwrap();
        let read = |p: &str| squash(&std::fs::read_to_string(ksrc.join(p)).unwrap());
        let syscalls = read("include/linux/syscalls.h");
        assert!(syscalls.contains("#define SC_ARG64(name) u32, name##_lo, u32, name##_hi"));
        assert!(syscalls
            .contains("#ifdef CONFIG_COMPAT #define SYSCALL32_DEFINE0 COMPAT_SYSCALL_DEFINE0"));
        let compat = read("include/asm-generic/compat.h");
        assert!(compat.contains("#define compat_arg_u64(name) u32 name##_lo, u32 name##_hi"));
        assert!(compat.contains("#define compat_arg_u64_dual(name) u32, name##_lo, u32, name##_hi"));
        // arm64's own, by endianness: two u32 either way.
        let sys32 = read("arch/arm64/kernel/sys32.c");
        assert!(sys32.contains(
            "#ifdef CONFIG_CPU_BIG_ENDIAN #define arg_u32p(name) u32, name##_hi, u32, name##_lo \
             #else #define arg_u32p(name) u32, name##_lo, u32, name##_hi #endif"
        ));
    }

    /// Which `config` block of a Kconfig file selects each symbol.
    fn kconfig_selects(text: &str) -> HashMap<String, Vec<String>> {
        let mut selected: HashMap<String, Vec<String>> = HashMap::new();
        let mut block = String::new();
        for line in text.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["config" | "menuconfig", name, ..] => block = (*name).to_owned(),
                ["select", sym, ..] => selected
                    .entry((*sym).to_owned())
                    .or_default()
                    .push(block.clone()),
                _ => {}
            }
        }
        selected
    }

    #[test]
    fn args_config_facts_match_arch_x86_kconfig() {
        // Which `config` block of arch/x86/Kconfig selects each symbol.
        let ksrc = kernel_source().unwrap();
        let text = std::fs::read_to_string(ksrc.join("arch/x86/Kconfig")).unwrap();
        let selected = kconfig_selects(&text);
        let by = |sym: &str| selected.get(sym).cloned().unwrap_or_default();
        // Selected only by the 32-bit kernel: off on x86_64.
        assert_eq!(by("CLONE_BACKWARDS"), ["X86_32"]);
        assert_eq!(by("ARCH_SPLIT_ARG64"), ["X86_32"]);
        // Not selected at all on x86.
        assert!(by("CLONE_BACKWARDS2").is_empty());
        assert!(by("CLONE_BACKWARDS3").is_empty());
        assert!(by("OLD_SIGSUSPEND").is_empty());
        // Selected by COMPAT_32 (IA32_EMULATION): on.
        assert_eq!(by("OLD_SIGSUSPEND3"), ["COMPAT_32"]);
        assert!(text.contains("config COMPAT_32\n\tdef_bool y\n\tdepends on IA32_EMULATION"));
        assert!(text.contains("config COMPAT\n\tdef_bool y\n\tdepends on IA32_EMULATION"));
    }

    #[test]
    fn args_config_facts_match_arch_arm64_kconfig() {
        let ksrc = kernel_source().unwrap();
        let text = std::fs::read_to_string(ksrc.join("arch/arm64/Kconfig")).unwrap();
        let selected = kconfig_selects(&text);
        let by = |sym: &str| selected.get(sym).cloned().unwrap_or_default();
        let config = |sym: &str| {
            AARCH64
                .config
                .iter()
                .find(|(s, _)| *s == format!("CONFIG_{sym}"))
                .map(|(_, v)| *v)
        };
        // Selected by ARM64 itself: on.
        assert_eq!(by("CLONE_BACKWARDS"), ["ARM64"]);
        assert_eq!(config("CLONE_BACKWARDS"), Some(true));
        // Not selected at all on arm64.
        for sym in [
            "ARCH_SPLIT_ARG64",
            "CLONE_BACKWARDS2",
            "CLONE_BACKWARDS3",
            "OLD_SIGSUSPEND",
        ] {
            assert!(by(sym).is_empty(), "{sym}");
            assert_eq!(config(sym), Some(false), "{sym}");
        }
        // Selected by COMPAT, which the project's arm64 kernel sets.
        assert_eq!(by("OLD_SIGSUSPEND3"), ["COMPAT"]);
        assert_eq!(config("OLD_SIGSUSPEND3"), Some(true));
        assert!(text.contains("menuconfig COMPAT\n\tbool "));
        let fragment = concat!(env!("CARGO_MANIFEST_DIR"), "/../../kernel/arm64.config");
        let fragment = std::fs::read_to_string(fragment).unwrap();
        assert!(fragment.lines().any(|l| l == "CONFIG_COMPAT=y"));
        assert_eq!(config("COMPAT"), Some(true));
        // x86's symbols: COMPAT_32 exists only there.
        for sym in ["X86", "X86_64", "X86_32", "IA32_EMULATION", "COMPAT_32"] {
            assert!(!text.contains(&format!("config {sym}\n")), "{sym}");
            assert_eq!(config(sym), Some(false), "{sym}");
        }
        let x86 = std::fs::read_to_string(ksrc.join("arch/x86/Kconfig")).unwrap();
        assert!(x86.contains("config COMPAT_32\n"));
    }

    #[test]
    fn args_scan_keeps_to_each_arch() {
        assert!(in_arch("kernel/fork.c", &X86));
        assert!(in_arch("arch/x86/kernel/sys_x86_64.c", &X86));
        assert!(!in_arch("arch/x86/kernel/sys_x86_64.c", &AARCH64));
        assert!(in_arch("arch/arm64/kernel/sys.c", &AARCH64));
        assert!(!in_arch("arch/arm64/kernel/sys.c", &X86));
        assert!(!in_arch("arch/x86_64/x.c", &X86));
        assert!(skip_dir("arch/arm"));
        assert!(skip_dir("arch/x86/um"));
        assert!(!skip_dir("arch/x86"));
        assert!(!skip_dir("arch/arm64"));
        assert!(skip_dir("tools"));
        // The arch's own definition wins; another arch's is never seen.
        let mut out = HashMap::new();
        scan_file("mm/mmap.c", "SYSCALL_DEFINE1(m, int, a)\n", false, &mut out).unwrap();
        let arm64 = "SYSCALL_DEFINE1(m, long, a)\n";
        scan_file("arch/arm64/kernel/sys.c", arm64, false, &mut out).unwrap();
        assert_eq!(choose("sys_m", &out, &AARCH64).unwrap().unwrap().1, [8]);
        assert_eq!(choose("sys_m", &out, &X86).unwrap().unwrap().1, [4]);
        let mut out = HashMap::new();
        scan_file("arch/arm64/kernel/sys.c", arm64, false, &mut out).unwrap();
        assert!(choose("sys_m", &out, &X86).unwrap().is_none());
    }

    #[test]
    fn args_conditions() {
        let x86 = |e| eval_cond(e, X86.config);
        assert_eq!(x86("defined(CONFIG_COMPAT)"), Tri::True);
        assert_eq!(x86("!defined(CONFIG_ARCH_SPLIT_ARG64)"), Tri::True);
        assert_eq!(x86("defined CONFIG_X86_32"), Tri::False);
        assert_eq!(x86("CONFIG_FOO"), Tri::Unknown);
        assert_eq!(x86("CONFIG_FOO || CONFIG_COMPAT"), Tri::True);
        assert_eq!(x86("CONFIG_FOO && CONFIG_X86_32"), Tri::False);
        assert_eq!(x86("BITS_PER_LONG == 32"), Tri::Unknown);
        assert_eq!(x86("IS_ENABLED(CONFIG_X86_64) && !(0)"), Tri::True);
        let arm64 = |e| eval_cond(e, AARCH64.config);
        assert_eq!(arm64("IS_ENABLED(CONFIG_X86_64) && !(0)"), Tri::False);
        assert_eq!(
            arm64("defined(CONFIG_ARM64) && defined(CONFIG_COMPAT)"),
            Tri::True
        );
        assert_eq!(arm64("defined(CONFIG_CLONE_BACKWARDS)"), Tri::True);
    }

    #[test]
    fn args_scan_picks_the_built_branch() {
        let src = strip_comments(
            "/* SYSCALL_DEFINE1(commented, int, x) */\n\
             #define SYSCALL_DEFINE1(name, ...) x\n\
             #ifdef CONFIG_CLONE_BACKWARDS\n\
             SYSCALL_DEFINE2(c, unsigned long, a, int, b)\n\
             #elif defined(CONFIG_CLONE_BACKWARDS2)\n\
             SYSCALL_DEFINE2(c, int, a, int, b)\n\
             #else\n\
             SYSCALL_DEFINE2(c, unsigned long, a,\n\t\tunsigned long, b)\n\
             #endif\n\
             SYSCALL32_DEFINE4(f, int, fd, SC_ARG64(mask), int, x)\n\
             COMPAT_SYSCALL_DEFINE0(g)\n\
             asmlinkage long sys_h(unsigned int fd, const char __user *, compat_arg_u64(len));\n",
        );
        let mut out = HashMap::new();
        scan_file("x.c", &src, true, &mut out).unwrap();
        assert!(!out.contains_key("sys_commented"));
        let c = &out["sys_c"];
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].cond.eval(&X86), Tri::False);
        assert_eq!(c[1].cond.eval(&X86), Tri::False);
        assert_eq!(c[2].cond.eval(&X86), Tri::True);
        assert_eq!(c[0].cond.eval(&AARCH64), Tri::True);
        assert_eq!(c[1].cond.eval(&AARCH64), Tri::False);
        assert_eq!(c[2].cond.eval(&AARCH64), Tri::False);
        assert_eq!(
            c[2].cond.text(),
            "!(defined(CONFIG_CLONE_BACKWARDS)) && !(defined(CONFIG_CLONE_BACKWARDS2))"
        );
        assert_eq!(c[2].line, 8);
        let (p, sizes) = choose("sys_c", &out, &X86).unwrap().unwrap();
        assert_eq!(p.params, ["unsigned long", "unsigned long"]);
        assert_eq!(sizes, [8, 8]);
        let (p, _) = choose("sys_c", &out, &AARCH64).unwrap().unwrap();
        assert_eq!(p.line, 4);
        assert_eq!(out["compat_sys_f"][0].params, ["int", "u32", "u32", "int"]);
        assert!(out["compat_sys_g"][0].params.is_empty());
        let h = &out["sys_h"][0];
        assert_eq!(h.kind, Kind::Decl);
        assert_eq!(
            h.params,
            ["unsigned int fd", "const char __user *", "u32", "u32"]
        );
        assert_eq!(
            h.types(&X86).unwrap(),
            ["unsigned int", "const char __user *", "u32", "u32"]
        );
        assert_eq!(h.sizes(&X86).unwrap(), [4, 8, 4, 4]);
    }

    #[test]
    fn args_disagreeing_prototypes_fail() {
        let src = "#ifdef CONFIG_FOO\nSYSCALL_DEFINE1(d, int, a)\n#else\n\
                   SYSCALL_DEFINE1(d, long, a)\n#endif\n";
        let mut out = HashMap::new();
        scan_file("x.c", src, false, &mut out).unwrap();
        assert!(choose("sys_d", &out, &X86).is_err());
        let mut out = HashMap::new();
        scan_file("x.c", "SYSCALL_DEFINE1(e, mystery_t, a)\n", false, &mut out).unwrap();
        assert!(choose("sys_e", &out, &AARCH64).is_err());
        let mut out = HashMap::new();
        assert!(scan_file("x.c", "SYSCALL_DEFINE2(f, int, a)\n", false, &mut out).is_err());
    }
}
