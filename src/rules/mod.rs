// SPDX-License-Identifier: GPL-2.0

//! The ruleset language of the table modes (3 and up): the seed's "firewall
//! ala iptables" for syscalls.
//!
//! One source of truth, compiled twice: into the module (`src/seccomp_mode.rs`
//! declares `mod rules`) and into the host crate `userspace/smrules`, whose
//! property tests therefore exercise the kernel's own parser, checker,
//! compiler, evaluator and printer. The code is plain `core` Rust without
//! `unsafe`, recursion or panicking operations; it allocates only through
//! [`alloc`], which is fallible in both builds (`GFP_KERNEL` in the kernel).
//!
//! The pieces, in the order a commit uses them:
//! - [`parse`]: ruleset text to [`ast::Ruleset`], names resolved and every
//!   argument width checked through a [`Catalog`] (the module's own static
//!   syscall tables and argument prototypes);
//! - [`compile`]: a checked table to a [`compile::Compiled`] table whose
//!   per-ABI index leads from a syscall number to its few entries;
//! - [`eval`]: the hot-path decision on one syscall;
//! - [`print`]: the canonical text (`smctl save`), with counters or not.
//!
//! The static modes 1 and 2 never reach this code: `src/policy.rs` and
//! `src/tables/` do not import it (checked by a host test).

#![forbid(unsafe_code)]

pub mod alloc;
pub mod ast;
pub mod compile;
pub mod errno;
pub mod eval;
pub mod parse;
pub mod print;

/// Tables loaded at once.
pub const MAX_TABLES: usize = 64;
/// Rules in one table (user-chain rules included).
pub const MAX_RULES_PER_TABLE: usize = 4096;
/// Rules in all tables of one commit together with the tables it keeps.
pub const MAX_RULES: usize = 16_384;
/// Argument tests in one rule.
pub const MAX_TESTS: usize = 6;
/// Values in one `in` list.
pub const MAX_IN: usize = 16;
/// Bytes of ruleset text in one commit.
pub const MAX_TEXT: usize = 256 * 1024;
/// Bytes in one line.
pub const MAX_LINE: usize = 512;
/// User chains in one table.
pub const MAX_USER_CHAINS: usize = 32;
/// Nested jumps: a built-in chain's rule may jump to a user chain whose
/// rules jump again, up to this depth.
pub const MAX_JUMP_DEPTH: usize = 4;
/// Compiled entries of one table (a rule appears once per syscall it names,
/// and once per jump that reaches it).
pub const MAX_ENTRIES: usize = 65_536;
/// Bytes of a table or chain name.
pub const MAX_NAME: usize = 32;
/// The smallest table mode.
pub const MODE_MIN: u32 = 3;
/// The largest table mode.
pub const MODE_MAX: u32 = i32::MAX as u32;
/// The largest errno an `ERRNO` target may return.
pub const ERRNO_MAX: u32 = 4095;

/// A kernel error number (positive), as the device returns it.
pub mod errnos {
    /// Bad syntax, unknown name, bad width, forbidden target.
    pub const EINVAL: i32 = 22;
    /// A limit exceeded.
    pub const E2BIG: i32 = 7;
    /// Out of memory.
    pub const ENOMEM: i32 = 12;
    /// A jump cycle.
    pub const ELOOP: i32 = 40;
    /// Too many tables.
    pub const ENOSPC: i32 = 28;
    /// The tables changed since the generation a commit expects.
    pub const EAGAIN: i32 = 11;
}

/// Why a ruleset text or an allocation failed: an errno, where in the text
/// (1-based line and column; 0 when not about one place) and a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Error {
    /// A positive errno ([`errnos`]).
    pub errno: i32,
    /// 1-based line, 0 if none.
    pub line: u32,
    /// 1-based column, 0 if none.
    pub col: u32,
    /// What is wrong.
    pub msg: &'static str,
    /// A detail that names what is wrong (e.g. the syscalls a commit would
    /// newly allow), possibly empty; see [`Error::detail`].
    pub detail: [u8; 64],
}

impl Error {
    /// An error at `line`:`col`.
    pub const fn at(errno: i32, line: u32, col: u32, msg: &'static str) -> Self {
        Self {
            errno,
            line,
            col,
            msg,
            detail: [0; 64],
        }
    }

    /// The detail text (up to the first NUL).
    pub fn detail(&self) -> &str {
        let len = self
            .detail
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(self.detail.len());
        let b = self.detail.get(..len).unwrap_or(&[]);
        core::str::from_utf8(b).unwrap_or("")
    }

    /// Appends `s` to the detail, cut at a character boundary when full.
    pub fn add_detail(&mut self, s: &str) {
        let mut at = self
            .detail
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(self.detail.len());
        for ch in s.chars() {
            let mut buf = [0u8; 4];
            let enc = ch.encode_utf8(&mut buf).as_bytes();
            let Some(dst) = self.detail.get_mut(at..at.saturating_add(enc.len())) else {
                return;
            };
            dst.copy_from_slice(enc);
            at = at.saturating_add(enc.len());
        }
    }

    /// An allocation failure.
    pub const fn oom() -> Self {
        Self::at(errnos::ENOMEM, 0, 0, "out of memory")
    }
}

impl From<alloc::Oom> for Error {
    fn from(_: alloc::Oom) -> Self {
        Self::oom()
    }
}

/// What the rules code needs to know about the architecture: its ABIs (one
/// built-in chain each), their syscall names and numbers, and the argument
/// prototypes. The module implements it over `src/tables/`; the host crate
/// over the same files.
pub trait Catalog {
    /// The ABI names, i.e. the built-in chain names; an ABI is an index into
    /// this list (at most [`ast::MAX_ABIS`]).
    fn abis(&self) -> &'static [&'static str];
    /// Size of the ABI's index: every valid syscall number of the ABI (after
    /// [`Catalog::index_of`]) is below it.
    fn index_size(&self, abi: usize) -> u32;
    /// The number of syscall `name` in `abi`.
    fn nr_of(&self, abi: usize, name: &str) -> Option<u32>;
    /// The name of syscall `nr` of `abi`.
    fn name_of(&self, abi: usize, nr: u32) -> Option<&'static str>;
    /// The size in bytes (1, 2, 4 or 8) of argument `arg` (0..6) of syscall
    /// `nr` of `abi` as its kernel function reads it; `None` if the syscall
    /// has no such argument or no known prototype.
    fn arg_size(&self, abi: usize, nr: u32, arg: usize) -> Option<u8>;
    /// Whether the static mode `mode` (1 or 2) allows syscall `nr` of `abi`
    /// for some arguments (what a `MODE1`/`MODE2` target may let through).
    fn mode_allows(&self, abi: usize, mode: u8, nr: u32) -> bool;
    /// Whether no table may `ALLOW` syscall `nr` of `abi` (`execve`,
    /// `execveat`, `io_uring_*`: they bypass the entry point).
    fn never_allow(&self, abi: usize, nr: u32) -> bool;
    /// The index position of a raw syscall number of `abi` as the hot path
    /// sees it (x32 strips its bit); `None` when out of range.
    fn index_of(&self, abi: usize, raw_nr: i64) -> Option<u32>;
}
