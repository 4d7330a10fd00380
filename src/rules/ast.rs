// SPDX-License-Identifier: GPL-2.0

//! The parsed and checked form of a ruleset: what [`super::parse`] produces,
//! [`super::compile`] consumes and [`super::print`] writes back as text.
//!
//! Every table keeps its rules in canonical order (built-in chains in ABI
//! order, then user chains in declaration order; within a chain, text order),
//! so that a rule's position in [`Table::rules`] is its counter and the text
//! printed from a table parses back to an equal table.

use super::alloc::{self, List, Oom};
use super::MAX_NAME;

/// Built-in chains (ABIs) an architecture may have.
pub const MAX_ABIS: usize = 3;

/// A table or chain name: 1 to [`MAX_NAME`] bytes of `[A-Za-z0-9_.-]`,
/// not starting with `-`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Name {
    len: u8,
    bytes: [u8; MAX_NAME],
}

impl Name {
    /// The empty name (a table without a name).
    pub const EMPTY: Self = Self {
        len: 0,
        bytes: [0; MAX_NAME],
    };

    /// `s` as a name, if it is a valid one.
    pub fn new(s: &str) -> Option<Self> {
        let b = s.as_bytes();
        let ok = !b.is_empty()
            && b.len() <= MAX_NAME
            && !b.starts_with(b"-")
            && b.iter()
                .all(|&c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'));
        if !ok {
            return None;
        }
        let mut bytes = [0; MAX_NAME];
        for (d, s) in bytes.iter_mut().zip(b) {
            *d = *s;
        }
        Some(Self {
            len: b.len() as u8,
            bytes,
        })
    }

    /// The name's text.
    pub fn as_str(&self) -> &str {
        let b = self.bytes.get(..usize::from(self.len)).unwrap_or(&[]);
        core::str::from_utf8(b).unwrap_or("")
    }

    /// Whether this is [`Name::EMPTY`].
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

/// How an argument test reads the register: its size and signedness.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Width {
    /// Low 32 bits, unsigned.
    U32,
    /// Low 32 bits, signed.
    S32,
    /// All 64 bits, unsigned.
    U64,
    /// All 64 bits, signed.
    S64,
}

impl Width {
    /// `u32`, `s32`, `u64`, `s64`.
    pub const fn name(self) -> &'static str {
        match self {
            Width::U32 => "u32",
            Width::S32 => "s32",
            Width::U64 => "u64",
            Width::S64 => "s64",
        }
    }

    /// Whether ordered comparisons are signed.
    pub const fn signed(self) -> bool {
        matches!(self, Width::S32 | Width::S64)
    }

    /// Whether it reads all 64 bits.
    pub const fn wide(self) -> bool {
        matches!(self, Width::U64 | Width::S64)
    }
}

/// The comparison of an argument test.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Op {
    /// `eq V`
    Eq,
    /// `ne V`
    Ne,
    /// `lt V`
    Lt,
    /// `le V`
    Le,
    /// `gt V`
    Gt,
    /// `ge V`
    Ge,
    /// `in V1,V2,...` (the values are in [`Table::values`]).
    In,
    /// `masked M V`: `(a & M) == V`.
    Masked,
    /// `bits-set M`: `(a & M) == M`.
    BitsSet,
    /// `bits-clear M`: `(a & M) == 0`.
    BitsClear,
}

impl Op {
    /// The operator's keyword.
    pub const fn name(self) -> &'static str {
        match self {
            Op::Eq => "eq",
            Op::Ne => "ne",
            Op::Lt => "lt",
            Op::Le => "le",
            Op::Gt => "gt",
            Op::Ge => "ge",
            Op::In => "in",
            Op::Masked => "masked",
            Op::BitsSet => "bits-set",
            Op::BitsClear => "bits-clear",
        }
    }

    /// Whether it compares bit patterns (its values are masks).
    pub const fn bitwise(self) -> bool {
        matches!(self, Op::Masked | Op::BitsSet | Op::BitsClear)
    }
}

/// One argument test: `[!] --aARG:WIDTH OP VALUE...`.
///
/// Values are stored as the 64-bit pattern they compare against: a signed
/// value sign-extended (`-100` as `0xffff_ffff_ffff_ff9c` for `s32` too),
/// an unsigned 32-bit value or mask zero-extended.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Test {
    /// Argument index, 0 to 5.
    pub arg: u8,
    /// How the register is read.
    pub width: Width,
    /// The size in bytes of the kernel's parameter (1, 2, 4 or 8), from the
    /// prototype: a 32-bit width reads only that many low bytes.
    pub size: u8,
    /// `!`: the test holds when the comparison does not.
    pub neg: bool,
    /// The comparison.
    pub op: Op,
    /// The value (`eq` ... `ge`) or mask (`masked`, `bits-*`).
    pub a: u64,
    /// `masked`'s value.
    pub b: u64,
    /// `in`: index of the first value in [`Table::values`].
    pub set: u32,
    /// `in`: number of values.
    pub count: u8,
}

/// The chain policy: what happens to a syscall no rule decided.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Policy {
    /// Kill the process.
    Kill,
    /// Fail with this errno (1 to [`super::ERRNO_MAX`]).
    Errno(u16),
    /// Fail with `ENOSYS`.
    Enosys,
    /// Ask mode 2's static table (kill on its refusal).
    Mode2,
    /// Ask mode 1's static table (kill on its refusal).
    Mode1,
}

/// A rule's target.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Target {
    /// Run the syscall.
    Allow,
    /// A terminal policy-like verdict.
    Verdict(Policy),
    /// Log once per process and rule, then go on with the next rule.
    Log,
    /// Learn mode: if the call is refused in the end (complain mode), record
    /// the values of these arguments (bit `i` for `aI`); go on with the
    /// next rule.
    Learn(u8),
    /// Go through the user chain with this index in [`Table::users`]; back
    /// to the next rule if none of its rules decides.
    Jump(u8),
}

/// A chain: a built-in one (an ABI index) or a user chain (an index in
/// [`Table::users`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum ChainRef {
    /// The ABI's chain.
    Builtin(u8),
    /// A user chain.
    User(u8),
}

/// A user chain: `:NAME ABI`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct UserChain {
    /// Its name.
    pub name: Name,
    /// The ABI whose chain alone may jump to it.
    pub abi: u8,
}

/// One rule: `-A CHAIN [-s SYSCALLS] [TESTS] -j TARGET`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Rule {
    /// The chain it is appended to.
    pub chain: ChainRef,
    /// `None`: every syscall; else (first, count) in [`Table::syscalls`].
    pub syscalls: Option<(u32, u16)>,
    /// (first, count) in [`Table::tests`]; count at most [`super::MAX_TESTS`].
    pub tests: (u32, u8),
    /// What a match does.
    pub target: Target,
}

/// One table: a `*mode N` section.
#[derive(Debug)]
pub struct Table {
    /// The mode number, [`super::MODE_MIN`] to [`super::MODE_MAX`].
    pub mode: u32,
    /// Its name, possibly empty.
    pub name: Name,
    /// `*mode N delete`: the section deletes table N (it has no chains).
    pub delete: bool,
    /// Built-in chain policies by ABI; `None` = not declared (policy `KILL`,
    /// not printed).
    pub policies: [Option<Policy>; MAX_ABIS],
    /// User chains in declaration order.
    pub users: List<UserChain>,
    /// Rules in canonical order (see the module documentation).
    pub rules: List<Rule>,
    /// Syscall numbers of the rules' `-s` lists (in canonical rule order).
    pub syscalls: List<u32>,
    /// The rules' tests.
    pub tests: List<Test>,
    /// The values of `in` tests.
    pub values: List<u64>,
    /// Counters read from `[n]` prefixes (`save -c` text): one per rule,
    /// then one per ABI policy; empty when the text had none. Not part of
    /// the table's meaning (ignored by `==` and by a commit).
    pub counts: List<u64>,
}

impl Table {
    /// An empty table for mode `mode`.
    pub fn new(mode: u32) -> Self {
        Self {
            mode,
            name: Name::EMPTY,
            delete: false,
            policies: [None; MAX_ABIS],
            users: alloc::new(),
            rules: alloc::new(),
            syscalls: alloc::new(),
            tests: alloc::new(),
            values: alloc::new(),
            counts: alloc::new(),
        }
    }

    /// The syscalls of `r` (`None` for every syscall).
    pub fn syscalls_of(&self, r: &Rule) -> Option<&[u32]> {
        let (first, n) = r.syscalls?;
        let first = first as usize;
        Some(
            self.syscalls
                .get(first..first.saturating_add(usize::from(n)))
                .unwrap_or(&[]),
        )
    }

    /// The tests of `r`.
    pub fn tests_of(&self, r: &Rule) -> &[Test] {
        let first = r.tests.0 as usize;
        self.tests
            .get(first..first.saturating_add(usize::from(r.tests.1)))
            .unwrap_or(&[])
    }

    /// The values of an `in` test.
    pub fn values_of(&self, t: &Test) -> &[u64] {
        let first = t.set as usize;
        self.values
            .get(first..first.saturating_add(usize::from(t.count)))
            .unwrap_or(&[])
    }

    /// The ABI a chain belongs to.
    pub fn chain_abi(&self, c: ChainRef) -> u8 {
        match c {
            ChainRef::Builtin(abi) => abi,
            ChainRef::User(u) => self.users.get(usize::from(u)).map_or(u8::MAX, |u| u.abi),
        }
    }

    /// The 1-based number of rule `index` within its chain (as
    /// `--line-numbers` prints it and log lines say `rule=<chain>#<n>`).
    pub fn rule_number(&self, index: usize) -> usize {
        let Some(r) = self.rules.get(index) else {
            return 0;
        };
        let before = self.rules.get(..index).unwrap_or(&[]);
        1 + before.iter().filter(|o| o.chain == r.chain).count()
    }

    /// A copy of this table (for a commit that keeps it while replacing
    /// others).
    pub fn try_clone(&self) -> Result<Self, Oom> {
        let mut t = Self::new(self.mode);
        t.name = self.name;
        t.delete = self.delete;
        t.policies = self.policies;
        for u in self.users.iter() {
            alloc::push(&mut t.users, *u)?;
        }
        for r in self.rules.iter() {
            alloc::push(&mut t.rules, *r)?;
        }
        for s in self.syscalls.iter() {
            alloc::push(&mut t.syscalls, *s)?;
        }
        for x in self.tests.iter() {
            alloc::push(&mut t.tests, *x)?;
        }
        for v in self.values.iter() {
            alloc::push(&mut t.values, *v)?;
        }
        Ok(t)
    }
}

impl PartialEq for Table {
    fn eq(&self, o: &Self) -> bool {
        self.mode == o.mode
            && self.name == o.name
            && self.delete == o.delete
            && self.policies == o.policies
            && *self.users == *o.users
            && *self.rules == *o.rules
            && *self.syscalls == *o.syscalls
            && *self.tests == *o.tests
            && *self.values == *o.values
    }
}

/// A parsed ruleset text: the tables of one commit, in text order, each
/// mode at most once.
#[derive(Debug, PartialEq)]
pub struct Ruleset {
    /// The sections.
    pub tables: List<Table>,
}
