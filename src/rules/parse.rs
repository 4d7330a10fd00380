// SPDX-License-Identifier: GPL-2.0

//! Ruleset text to [`Ruleset`]: the `iptables-save`-shaped format of the
//! table modes, read line by line, every name resolved and every argument
//! width checked against the kernel prototypes through a [`Catalog`].
//!
//! ```text
//! # whole-line comments and blank lines are ignored
//! *mode 3 netd
//! :x86_64 MODE2 [1042]
//! :fcntl-rules x86_64
//! [7] -A x86_64 -s openat --a2:u32 masked 0x3 0x0 -j ALLOW
//! -A x86_64 -s fcntl -j fcntl-rules
//! -A fcntl-rules -s fcntl --a1:u32 in 0x1,0x2,0x3,0x4 -j ALLOW
//! COMMIT
//! *mode 4 delete
//! COMMIT
//! ```
//!
//! A section is `*mode N [NAME]` (or `*mode N delete`), built-in chain
//! policies `:ABI POLICY [[n]]`, user chains `:NAME ABI`, rules
//! `[[n]] -A CHAIN [-s SYSCALLS] {[!] --aI[:W] OP VALUE...} -j TARGET`, and
//! `COMMIT`. The `[n]` counters are those of `smctl save -c`.
//!
//! The first error stops the parse: it carries an errno, the 1-based line
//! and byte column of the offending word, and a message, and no table comes
//! out. After each `COMMIT` the section's rules are put in canonical order
//! (see [`super::ast`]).

use super::alloc::{self, List};
use super::ast::{
    ChainRef, Name, Op, Policy, Rule, Ruleset, Table, Target, Test, UserChain, Width, MAX_ABIS,
};
use super::errnos::{E2BIG, EINVAL, ELOOP, ENOSPC};
use super::{errno, print};
use super::{
    Catalog, Error, ERRNO_MAX, MAX_IN, MAX_JUMP_DEPTH, MAX_LINE, MAX_NAME, MAX_RULES,
    MAX_RULES_PER_TABLE, MAX_TABLES, MAX_TESTS, MAX_TEXT, MAX_USER_CHAINS, MODE_MAX, MODE_MIN,
};

/// Words that cannot name a user chain: the targets and `delete`.
pub const RESERVED: &[&str] = &[
    "ALLOW", "KILL", "ERRNO", "ENOSYS", "MODE1", "MODE2", "LOG", "LEARN", "delete",
];

/// Every test operator, for looking one up by its keyword.
const OPS: [Op; 10] = [
    Op::Eq,
    Op::Ne,
    Op::Lt,
    Op::Le,
    Op::Gt,
    Op::Ge,
    Op::In,
    Op::Masked,
    Op::BitsSet,
    Op::BitsClear,
];

/// Parses a ruleset text: one [`Table`] per `*mode` section, in text order.
///
/// Names are resolved and argument widths checked through `cat`; on the
/// first error nothing is returned but the [`Error`].
pub fn parse(text: &[u8], cat: &dyn Catalog) -> Result<Ruleset, Error> {
    if text.len() > MAX_TEXT {
        return Err(Error::at(E2BIG, 0, 0, "ruleset text larger than 256 KiB"));
    }
    parse_dump(text, cat)
}

/// [`parse`] without the limit on the text's size: for what the module
/// prints of all its tables (`smctl save`), which can exceed what one commit
/// may upload. Every other limit applies.
pub fn parse_dump(text: &[u8], cat: &dyn Catalog) -> Result<Ruleset, Error> {
    let mut p = Parser {
        cat,
        tables: alloc::new(),
        open: None,
        rules: 0,
    };
    let mut no = 0u32;
    for raw in text.split(|&b| b == b'\n') {
        no = no.saturating_add(1);
        let mut line = Line::new(raw, no)?;
        p.line(&mut line)?;
    }
    if let Some(s) = p.open {
        return Err(Error::at(EINVAL, s.at.0, s.at.1, "section has no COMMIT"));
    }
    Ok(Ruleset { tables: p.tables })
}

/// Whether `b` separates words.
fn is_space(b: u8) -> bool {
    b == b' ' || b == b'\t'
}

/// The 1-based column of byte offset `i`.
fn col_of(i: usize) -> u32 {
    u32::try_from(i.saturating_add(1)).unwrap_or(u32::MAX)
}

/// A word of a line and its 1-based column.
#[derive(Clone, Copy)]
struct Word<'a> {
    /// The word.
    text: &'a str,
    /// Where it starts.
    col: u32,
}

/// The words of one line, read left to right.
struct Line<'a> {
    /// The whole line.
    text: &'a str,
    /// Byte offset of the next unread character.
    pos: usize,
    /// 1-based line number.
    no: u32,
    /// Column of the last word read: where "missing ..." errors point.
    last: u32,
}

impl<'a> Line<'a> {
    /// Checks one raw line (length, UTF-8, no control characters but tab).
    fn new(raw: &'a [u8], no: u32) -> Result<Self, Error> {
        if raw.len() > MAX_LINE {
            return Err(Error::at(
                EINVAL,
                no,
                col_of(MAX_LINE),
                "line longer than 512 bytes",
            ));
        }
        let text = core::str::from_utf8(raw)
            .map_err(|e| Error::at(EINVAL, no, col_of(e.valid_up_to()), "text is not UTF-8"))?;
        if let Some(i) = raw
            .iter()
            .position(|&b| (b < 0x20 && b != b'\t') || b == 0x7f)
        {
            return Err(Error::at(EINVAL, no, col_of(i), "control character"));
        }
        Ok(Self {
            text,
            pos: 0,
            no,
            last: 1,
        })
    }

    /// The next word, if any.
    fn next(&mut self) -> Option<Word<'a>> {
        let bytes = self.text.as_bytes();
        let rest = bytes.get(self.pos..)?;
        let start = self
            .pos
            .saturating_add(rest.iter().take_while(|&&b| is_space(b)).count());
        let word = bytes.get(start..)?;
        let end = start.saturating_add(word.iter().take_while(|&&b| !is_space(b)).count());
        self.pos = end;
        if end == start {
            return None;
        }
        let text = self.text.get(start..end)?;
        self.last = col_of(start);
        Some(Word {
            text,
            col: self.last,
        })
    }

    /// The next word, or an error saying `missing` at the last word.
    fn need(&mut self, missing: &'static str) -> Result<Word<'a>, Error> {
        self.next()
            .ok_or_else(|| Error::at(EINVAL, self.no, self.last, missing))
    }

    /// Checks that the line has no more words.
    fn end(&mut self) -> Result<(), Error> {
        match self.next() {
            Some(w) => Err(self.err(w, EINVAL, "unexpected word at the end of the line")),
            None => Ok(()),
        }
    }

    /// An error about `w`, which its detail names.
    fn err(&self, w: Word<'_>, errno: i32, msg: &'static str) -> Error {
        let mut e = Error::at(errno, self.no, w.col, msg);
        e.add_detail(w.text);
        e
    }

    /// An `EINVAL` about `w`.
    fn bad(&self, w: Word<'_>, msg: &'static str) -> Error {
        self.err(w, EINVAL, msg)
    }
}

/// The items of a comma-separated list word, each with its column.
fn items(w: Word<'_>) -> impl Iterator<Item = Word<'_>> {
    let mut col = w.col;
    w.text.split(',').map(move |text| {
        let item = Word { text, col };
        col = col.saturating_add(col_of(text.len()));
        item
    })
}

/// A decimal number without sign.
fn decimal(s: &str) -> Option<u64> {
    if s.is_empty() {
        return None;
    }
    s.bytes().try_fold(0u64, |v, c| {
        let d = char::from(c).to_digit(10)?;
        v.checked_mul(10)?.checked_add(u64::from(d))
    })
}

/// A number: decimal or `0x` hex, with an optional leading `-`; the sign
/// (`true`: negative) and the magnitude.
fn number(s: &str) -> Option<(bool, u64)> {
    let (neg, s) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s),
    };
    let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) else {
        return decimal(s).map(|v| (neg, v));
    };
    if hex.is_empty() {
        return None;
    }
    let v = hex.bytes().try_fold(0u64, |v, c| {
        let d = char::from(c).to_digit(16)?;
        v.checked_mul(16)?.checked_add(u64::from(d))
    })?;
    Some((neg, v))
}

/// A comparison value of width `width`, as the 64-bit pattern it is stored
/// as (signed values sign-extended).
fn value(l: &Line<'_>, w: Word<'_>, width: Width) -> Result<u64, Error> {
    let (neg, mag) = number(w.text).ok_or_else(|| l.bad(w, "bad number: decimal or 0x hex"))?;
    let max = match width {
        Width::U32 => u64::from(u32::MAX),
        Width::S32 => i32::MAX as u64,
        Width::U64 => u64::MAX,
        Width::S64 => i64::MAX as u64,
    };
    if !neg {
        return if mag <= max {
            Ok(mag)
        } else {
            Err(l.bad(w, "value out of range for the test's width"))
        };
    }
    if !width.signed() {
        return Err(l.bad(w, "a negative value needs a signed width (s32 or s64)"));
    }
    if mag > max.saturating_add(1) {
        return Err(l.bad(w, "value out of range for the test's width"));
    }
    Ok(0u64.wrapping_sub(mag))
}

/// A mask (or `masked`'s value): an unsigned bit pattern that fits the
/// test's width.
fn mask(l: &Line<'_>, w: Word<'_>, width: Width) -> Result<u64, Error> {
    match number(w.text) {
        Some((false, m)) if width.wide() || m <= u64::from(u32::MAX) => Ok(m),
        Some((false, _)) => Err(l.bad(w, "mask wider than the test's 32 bits")),
        Some((true, _)) => Err(l.bad(w, "masks are unsigned bit patterns")),
        None => Err(l.bad(w, "bad number: decimal or 0x hex")),
    }
}

/// Whether `v` (a stored value or mask of a test) can be a value of a
/// parameter of `size` bytes read with `width`: a test on a 1- or 2-byte
/// parameter (e.g. `umode_t`) with a value it can never hold could never
/// match, or (negated) always would, which is a mistake, not a policy.
fn fits(v: u64, width: Width, size: u8, bitwise: bool) -> bool {
    if size >= 4 {
        return true;
    }
    let bits = u32::from(size).saturating_mul(8);
    if bitwise || !width.signed() {
        return v >> bits == 0;
    }
    let half = 1i64 << bits.saturating_sub(1);
    (-half..half).contains(&(v as i64))
}

/// Longest syscall name the printer may print (no kernel syscall name is
/// longer; checked by the host tests).
pub const NAME_BOUND: usize = 32;

/// An upper bound of the length of rule `index` of `t` as the printer
/// writes it, in any form (names or numbers, with a counter): every name and
/// value at its longest. Cheap, so that [`print::longest_line`] runs only
/// for the rare rules near the limit.
fn line_bound(t: &Table, index: usize) -> usize {
    const COUNTER: usize = 23; // "[18446744073709551615] "
    const HEAD: usize = 3 + MAX_NAME + 4; // "-A " chain " -s "
    const TARGET: usize = 4 + MAX_NAME; // " -j " + the longest target
    const VALUE: usize = 21; // "-9223372036854775808" and a separator
    const TEST: usize = 3 + 7 + 4 + 11; // " ! --aI:u64 " " bits-clear "
    let Some(r) = t.rules.get(index) else {
        return usize::MAX;
    };
    let names = t
        .syscalls_of(r)
        .map_or(0, |l| l.len().saturating_mul(NAME_BOUND + 1));
    let tests = t.tests_of(r).iter().fold(0usize, |acc, x| {
        let values = match x.op {
            Op::In => usize::from(x.count),
            Op::Masked => 2,
            _ => 1,
        };
        acc.saturating_add(TEST)
            .saturating_add(values.saturating_mul(VALUE))
    });
    (COUNTER + HEAD + TARGET)
        .saturating_add(names)
        .saturating_add(tests)
}

/// A counter `[n]`.
fn counter(l: &Line<'_>, w: Word<'_>) -> Result<u64, Error> {
    w.text
        .strip_prefix('[')
        .and_then(|s| s.strip_suffix(']'))
        .and_then(decimal)
        .ok_or_else(|| l.bad(w, "a counter is [n] with a decimal n"))
}

/// An `ERRNO` argument: a name like `EACCES` or a number 1 to 4095.
fn errno_value(l: &Line<'_>, w: Word<'_>) -> Result<u16, Error> {
    if let Some(e) = errno::by_name(w.text) {
        return Ok(e);
    }
    match number(w.text) {
        Some((false, e)) if (1..=u64::from(ERRNO_MAX)).contains(&e) => {
            u16::try_from(e).map_err(|_| l.bad(w, "errno out of range"))
        }
        _ => Err(l.bad(
            w,
            "ERRNO takes an errno name (EACCES) or a number 1 to 4095",
        )),
    }
}

/// A policy word (with `ERRNO`'s argument); `None` if `w` is none.
fn policy(l: &mut Line<'_>, w: Word<'_>) -> Result<Option<Policy>, Error> {
    Ok(Some(match w.text {
        "KILL" => Policy::Kill,
        "ENOSYS" => Policy::Enosys,
        "MODE2" => Policy::Mode2,
        "MODE1" => Policy::Mode1,
        "ERRNO" => {
            let e = l.need("ERRNO needs an errno name (EACCES) or a number 1 to 4095")?;
            Policy::Errno(errno_value(l, e)?)
        }
        _ => return Ok(None),
    }))
}

/// A rule target; a jump comes back as the chain's name, resolved at
/// `COMMIT` (a user chain may be declared after the rules that jump to it).
fn target(l: &mut Line<'_>, w: Word<'_>) -> Result<(Target, Option<Name>), Error> {
    match w.text {
        "ALLOW" => return Ok((Target::Allow, None)),
        "LOG" => return Ok((Target::Log, None)),
        "LEARN" => return learn(l).map(|mask| (Target::Learn(mask), None)),
        _ => {}
    }
    if let Some(p) = policy(l, w)? {
        return Ok((Target::Verdict(p), None));
    }
    let name = Name::new(w.text).ok_or_else(|| {
        l.bad(
            w,
            "unknown target: ALLOW, KILL, ERRNO e, ENOSYS, MODE2, MODE1, LOG, LEARN aI,.. or a user chain",
        )
    })?;
    Ok((Target::Jump(0), Some(name)))
}

/// The arguments of a `LEARN` target: `a0,a2` (at least one, each once).
fn learn(l: &mut Line<'_>) -> Result<u8, Error> {
    const WHAT: &str = "LEARN needs its arguments: a0 to a5, comma-separated (LEARN a0,a2)";
    let w = l.need(WHAT)?;
    let mut mask = 0u8;
    for part in w.text.split(',') {
        let i = match part.strip_prefix('a').map(str::as_bytes) {
            Some(&[d @ b'0'..=b'5']) => d - b'0',
            _ => return Err(l.bad(w, WHAT)),
        };
        if mask & (1 << i) != 0 {
            return Err(l.bad(w, "LEARN names an argument twice"));
        }
        mask |= 1 << i;
    }
    Ok(mask)
}

/// An argument word `--aI` or `--aI:W`: the index and the width if given.
fn argument(s: &str) -> Option<(u8, Option<Width>)> {
    let rest = s.strip_prefix("--a")?;
    let (index, width) = match rest.split_once(':') {
        Some((i, w)) => (i, Some(w)),
        None => (rest, None),
    };
    let arg = match index {
        "0" => 0,
        "1" => 1,
        "2" => 2,
        "3" => 3,
        "4" => 4,
        "5" => 5,
        _ => return None,
    };
    let width = match width {
        None => None,
        Some("u32") => Some(Width::U32),
        Some("s32") => Some(Width::S32),
        Some("u64") => Some(Width::U64),
        Some("s64") => Some(Width::S64),
        Some(_) => return None,
    };
    Some((arg, width))
}

/// The ABI of built-in chain `name`.
fn abi_index(cat: &dyn Catalog, name: &str) -> Option<usize> {
    cat.abis().iter().take(MAX_ABIS).position(|&a| a == name)
}

/// A pool position as stored in the table.
fn index(len: usize) -> Result<u32, Error> {
    u32::try_from(len).map_err(|_| Error::at(E2BIG, 0, 0, "table too large"))
}

/// The bit of user chain `u` in a set of user chains.
fn bit(u: u8) -> u32 {
    1u32.checked_shl(u32::from(u)).unwrap_or(0)
}

/// The whole text's state.
struct Parser<'c> {
    /// Names, numbers and prototypes.
    cat: &'c dyn Catalog,
    /// The committed sections.
    tables: List<Table>,
    /// The section being read.
    open: Option<Section>,
    /// Rules read so far in the whole text.
    rules: usize,
}

impl Parser<'_> {
    /// Reads one line.
    fn line(&mut self, l: &mut Line<'_>) -> Result<(), Error> {
        let Some(w) = l.next() else {
            return Ok(());
        };
        if w.text.starts_with('#') {
            return Ok(());
        }
        if w.text == "*mode" {
            return self.start(l, w);
        }
        let cat = self.cat;
        let Some(s) = self.open.as_mut() else {
            return Err(l.bad(w, "outside a section: a table starts with *mode N"));
        };
        if w.text == "COMMIT" {
            l.end()?;
            if let Some(s) = self.open.take() {
                alloc::push(&mut self.tables, s.commit(cat)?)?;
            }
            return Ok(());
        }
        if s.table.delete {
            return Err(l.bad(w, "a delete section holds nothing but COMMIT"));
        }
        if w.text.starts_with(':') {
            return s.declare(cat, l, w);
        }
        let (count, a) = if w.text.starts_with('[') {
            (Some(counter(l, w)?), l.need("a counter goes before -A")?)
        } else {
            (None, w)
        };
        if a.text != "-A" {
            return Err(l.bad(
                a,
                "unknown line: expected :CHAIN, -A, COMMIT or a # comment",
            ));
        }
        if self.rules >= MAX_RULES {
            return Err(l.err(a, E2BIG, "more than 16384 rules in one text"));
        }
        s.rule(cat, l, count, a)?;
        self.rules = self.rules.saturating_add(1);
        Ok(())
    }

    /// Starts a section: `*mode N [NAME]` or `*mode N delete`.
    fn start(&mut self, l: &mut Line<'_>, w: Word<'_>) -> Result<(), Error> {
        if self.open.is_some() {
            return Err(l.bad(w, "the previous section has no COMMIT"));
        }
        let nw = l.need("*mode needs a mode number")?;
        let mode = decimal(nw.text)
            .filter(|m| (u64::from(MODE_MIN)..=u64::from(MODE_MAX)).contains(m))
            .and_then(|m| u32::try_from(m).ok())
            .ok_or_else(|| l.bad(nw, "the mode is a decimal number 3 to 2147483647"))?;
        if self.tables.iter().any(|t| t.mode == mode) {
            return Err(l.bad(nw, "mode appears twice in one text"));
        }
        if self.tables.len() >= MAX_TABLES {
            return Err(l.err(w, ENOSPC, "more than 64 tables in one text"));
        }
        let mut table = Table::new(mode);
        if let Some(name) = l.next() {
            if name.text == "delete" {
                table.delete = true;
            } else {
                table.name = Name::new(name.text).ok_or_else(|| {
                    l.bad(
                        name,
                        "a table name is 1 to 32 of A-Z a-z 0-9 _ . - not starting with -",
                    )
                })?;
            }
        }
        l.end()?;
        self.open = Some(Section {
            table,
            at: (l.no, w.col),
            extra: alloc::new(),
            counted: false,
            policy_counts: [0; MAX_ABIS],
        });
        Ok(())
    }
}

/// What the parser keeps about a rule until `COMMIT`.
#[derive(Clone, Copy)]
struct Extra {
    /// Its `[n]` counter (0 if none).
    count: u64,
    /// Line of the rule.
    line: u32,
    /// Column of its `-A`.
    start: u32,
    /// Column of its target.
    col: u32,
    /// A jump target not resolved yet.
    jump: Option<Name>,
}

/// A section being read; its rules stay in text order until `COMMIT`.
struct Section {
    /// The table so far.
    table: Table,
    /// Line and column of `*mode`.
    at: (u32, u32),
    /// One per rule of `table.rules`.
    extra: List<Extra>,
    /// Whether a counter appeared.
    counted: bool,
    /// Policy counters by ABI.
    policy_counts: [u64; MAX_ABIS],
}

impl Section {
    /// A chain declaration: `:ABI POLICY [[n]]` or `:NAME ABI`.
    fn declare(&mut self, cat: &dyn Catalog, l: &mut Line<'_>, w: Word<'_>) -> Result<(), Error> {
        let name = w.text.strip_prefix(':').unwrap_or(w.text);
        if let Some(abi) = abi_index(cat, name) {
            return self.policy(l, w, abi);
        }
        let n = Name::new(name).ok_or_else(|| {
            l.bad(
                w,
                "a chain name is 1 to 32 of A-Z a-z 0-9 _ . - not starting with -",
            )
        })?;
        if RESERVED.contains(&name) {
            return Err(l.bad(w, "a target or keyword cannot name a chain"));
        }
        if self.table.users.iter().any(|u| u.name == n) {
            return Err(l.bad(w, "chain declared twice"));
        }
        if self.table.users.len() >= MAX_USER_CHAINS {
            return Err(l.err(w, E2BIG, "more than 32 user chains in one table"));
        }
        let aw = l.need("a user chain needs its ABI: :NAME ABI")?;
        let abi = abi_index(cat, aw.text)
            .and_then(|a| u8::try_from(a).ok())
            .ok_or_else(|| l.bad(aw, "unknown ABI"))?;
        l.end()?;
        alloc::push(&mut self.table.users, UserChain { name: n, abi })?;
        Ok(())
    }

    /// A built-in chain's policy line, after `:ABI`.
    fn policy(&mut self, l: &mut Line<'_>, w: Word<'_>, abi: usize) -> Result<(), Error> {
        if self.table.policies.get(abi).is_some_and(|p| p.is_some()) {
            return Err(l.bad(w, "chain declared twice"));
        }
        let pw =
            l.need("a built-in chain needs a policy: KILL, ERRNO e, ENOSYS, MODE2 or MODE1")?;
        let Some(p) = policy(l, pw)? else {
            return Err(l.bad(
                pw,
                if pw.text == "ALLOW" {
                    "ALLOW is no policy: the table would allow whatever it does not name"
                } else {
                    "unknown policy: KILL, ERRNO e, ENOSYS, MODE2 or MODE1"
                },
            ));
        };
        if let Some(cw) = l.next() {
            let n = counter(l, cw)?;
            if let Some(c) = self.policy_counts.get_mut(abi) {
                *c = n;
            }
            self.counted = true;
        }
        l.end()?;
        if let Some(slot) = self.table.policies.get_mut(abi) {
            *slot = Some(p);
        }
        Ok(())
    }

    /// The chain named `name`.
    fn chain(&self, cat: &dyn Catalog, name: &str) -> Option<ChainRef> {
        if let Some(abi) = abi_index(cat, name) {
            return u8::try_from(abi).ok().map(ChainRef::Builtin);
        }
        let u = self
            .table
            .users
            .iter()
            .position(|u| u.name.as_str() == name)?;
        u8::try_from(u).ok().map(ChainRef::User)
    }

    /// A rule, after its `-A` word `a` (and counter).
    fn rule(
        &mut self,
        cat: &dyn Catalog,
        l: &mut Line<'_>,
        count: Option<u64>,
        a: Word<'_>,
    ) -> Result<(), Error> {
        if self.table.rules.len() >= MAX_RULES_PER_TABLE {
            return Err(l.err(a, E2BIG, "more than 4096 rules in one table"));
        }
        let cw = l.need("-A needs a chain")?;
        let chain = self.chain(cat, cw.text).ok_or_else(|| {
            l.bad(
                cw,
                "unknown chain: declare a user chain with :NAME ABI before its rules",
            )
        })?;
        let abi = usize::from(self.table.chain_abi(chain));
        let ends = "a rule ends with -j TARGET";
        let mut w = l.need(ends)?;
        let mut syscalls = None;
        let mut never = None;
        if w.text == "-s" {
            let list = l.need("-s needs a comma-separated list of syscalls")?;
            let (range, col) = self.syscalls(cat, l, abi, list)?;
            syscalls = Some(range);
            never = col;
            w = l.need(ends)?;
        }
        let first_test = index(self.table.tests.len())?;
        let mut tests = 0u8;
        while w.text != "-j" {
            if w.text == "-s" {
                return Err(l.bad(
                    w,
                    if syscalls.is_some() {
                        "-s given twice"
                    } else {
                        "-s goes before the argument tests"
                    },
                ));
            }
            if usize::from(tests) >= MAX_TESTS {
                return Err(l.err(w, E2BIG, "more than 6 argument tests in one rule"));
            }
            let test = self.test(cat, l, abi, syscalls, w)?;
            alloc::push(&mut self.table.tests, test)?;
            tests = tests.saturating_add(1);
            w = l.need(ends)?;
        }
        let tw = l.need("-j needs a target")?;
        let (target, jump) = target(l, tw)?;
        l.end()?;
        if let Target::Learn(mask) = target {
            for arg in (0..6u8).filter(|i| mask & (1 << i) != 0) {
                self.learnable(cat, abi, syscalls, arg)
                    .map_err(|msg| l.bad(tw, msg))?;
            }
        }
        if target == Target::Allow {
            if syscalls.is_none() {
                return Err(l.bad(
                    tw,
                    "ALLOW without -s would allow execve, execveat and io_uring_*",
                ));
            }
            if let Some(col) = never {
                return Err(Error::at(
                    EINVAL,
                    l.no,
                    col,
                    "execve, execveat and io_uring_* may never be allowed",
                ));
            }
        }
        let rule = Rule {
            chain,
            syscalls,
            tests: (first_test, tests),
            target,
        };
        alloc::push(&mut self.table.rules, rule)?;
        let extra = Extra {
            count: count.unwrap_or(0),
            line: l.no,
            start: a.col,
            col: tw.col,
            jump,
        };
        alloc::push(&mut self.extra, extra)?;
        self.counted |= count.is_some();
        Ok(())
    }

    /// A `-s` list of `abi`: its range in the syscall pool, and the column
    /// of its first syscall that no rule may allow.
    fn syscalls(
        &mut self,
        cat: &dyn Catalog,
        l: &Line<'_>,
        abi: usize,
        list: Word<'_>,
    ) -> Result<((u32, u16), Option<u32>), Error> {
        let first = self.table.syscalls.len();
        let mut never = None;
        for item in items(list) {
            let nr = if item.text.is_empty() {
                return Err(l.bad(item, "empty item in a comma-separated list"));
            } else if let Some(digits) = item.text.strip_prefix('#') {
                match number(digits) {
                    Some((false, nr)) if nr < u64::from(cat.index_size(abi)) => {
                        u32::try_from(nr).map_err(|_| l.bad(item, "syscall number out of range"))?
                    }
                    _ => return Err(l.bad(item, "#nr is a syscall number of the chain's ABI")),
                }
            } else {
                cat.nr_of(abi, item.text)
                    .ok_or_else(|| l.bad(item, "unknown syscall name for the chain's ABI"))?
            };
            if self
                .table
                .syscalls
                .get(first..)
                .unwrap_or(&[])
                .contains(&nr)
            {
                return Err(l.bad(item, "syscall listed twice"));
            }
            if never.is_none() && cat.never_allow(abi, nr) {
                never = Some(item.col);
            }
            alloc::push(&mut self.table.syscalls, nr)?;
        }
        let n = self.table.syscalls.len().saturating_sub(first);
        let n = u16::try_from(n).map_err(|_| l.err(list, E2BIG, "syscall list too long"))?;
        Ok(((index(first)?, n), never))
    }

    /// The syscall numbers of a rule's `-s` list (`None` without one).
    fn rule_syscalls(&self, syscalls: Option<(u32, u16)>) -> Option<&[u32]> {
        let (first, n) = syscalls?;
        let first = first as usize;
        self.table
            .syscalls
            .get(first..first.saturating_add(usize::from(n)))
    }

    /// The size of argument `arg` shared by every syscall of the rule, or
    /// why there is none.
    fn arg_size(
        &self,
        cat: &dyn Catalog,
        abi: usize,
        syscalls: Option<(u32, u16)>,
        arg: u8,
    ) -> Result<u8, &'static str> {
        let no_list = "an argument test needs -s: argument sizes differ between syscalls";
        let list = self.rule_syscalls(syscalls).ok_or(no_list)?;
        let mut size = None;
        for &nr in list {
            let s = cat
                .arg_size(abi, nr, usize::from(arg))
                .ok_or("a syscall of the rule has no such argument in its kernel prototype")?;
            if size.is_some_and(|o| o != s) {
                return Err("the rule's syscalls differ in this argument's size: split the rule");
            }
            size = Some(s);
        }
        size.ok_or(no_list)
    }

    /// Whether argument `arg` of every syscall of a `LEARN` rule exists
    /// (sizes may differ: each value is recorded at its syscall's size).
    fn learnable(
        &self,
        cat: &dyn Catalog,
        abi: usize,
        syscalls: Option<(u32, u16)>,
        arg: u8,
    ) -> Result<(), &'static str> {
        let list = self
            .rule_syscalls(syscalls)
            .ok_or("LEARN needs -s: arguments are learned per syscall")?;
        if list
            .iter()
            .all(|&nr| cat.arg_size(abi, nr, usize::from(arg)).is_some())
        {
            Ok(())
        } else {
            Err("a syscall of the rule has no such scalar argument in its kernel prototype")
        }
    }

    /// An argument test starting at `first` (`!` or `--aI[:W]`).
    fn test(
        &mut self,
        cat: &dyn Catalog,
        l: &mut Line<'_>,
        abi: usize,
        syscalls: Option<(u32, u16)>,
        first: Word<'_>,
    ) -> Result<Test, Error> {
        let (neg, aw) = if first.text == "!" {
            (true, l.need("! needs an argument test after it")?)
        } else {
            (false, first)
        };
        let (arg, width) = argument(aw.text).ok_or_else(|| {
            l.bad(
                aw,
                "expected -j or an argument test --aI[:W], I 0 to 5, W u32, s32, u64 or s64",
            )
        })?;
        let size = self
            .arg_size(cat, abi, syscalls, arg)
            .map_err(|msg| l.bad(aw, msg))?;
        let width = width.unwrap_or(if size == 8 { Width::U64 } else { Width::U32 });
        if width.wide() && size != 8 {
            return Err(l.bad(
                aw,
                "argument is 32 bits in the kernel prototype; a 64-bit test would be bypassed \
                 through the upper 32 bits",
            ));
        }
        if !width.wide() && size > 4 {
            return Err(l.bad(
                aw,
                "argument is 64 bits in the kernel prototype; a 32-bit test would ignore \
                 its upper 32 bits",
            ));
        }
        let ow =
            l.need("the test needs an operator: eq ne lt le gt ge in masked bits-set bits-clear")?;
        let op = OPS
            .into_iter()
            .find(|o| o.name() == ow.text)
            .ok_or_else(|| {
                l.bad(
                    ow,
                    "unknown operator: eq ne lt le gt ge in masked bits-set bits-clear",
                )
            })?;
        let mut t = Test {
            arg,
            width,
            size,
            neg,
            op,
            a: 0,
            b: 0,
            set: 0,
            count: 0,
        };
        let vw = l.need("the test needs a value")?;
        match op {
            Op::In => {
                t.set = index(self.table.values.len())?;
                for item in items(vw) {
                    if usize::from(t.count) >= MAX_IN {
                        return Err(l.err(item, E2BIG, "more than 16 values in one in list"));
                    }
                    let v = value(l, item, width)?;
                    if !fits(v, width, size, false) {
                        return Err(l.bad(item, "value does not fit the parameter's size"));
                    }
                    alloc::push(&mut self.table.values, v)?;
                    t.count = t.count.saturating_add(1);
                }
            }
            Op::Masked => {
                t.a = mask(l, vw, width)?;
                let bw = l.need("masked needs a mask and a value")?;
                t.b = mask(l, bw, width)?;
                if t.b & !t.a != 0 {
                    return Err(l.bad(
                        bw,
                        "the value has bits outside the mask: the test could never hold",
                    ));
                }
            }
            Op::BitsSet | Op::BitsClear => t.a = mask(l, vw, width)?,
            Op::Eq | Op::Ne | Op::Lt | Op::Le | Op::Gt | Op::Ge => t.a = value(l, vw, width)?,
        }
        if !fits(t.a, width, size, op.bitwise()) || !fits(t.b, width, size, true) {
            return Err(l.bad(vw, "value does not fit the parameter's size"));
        }
        Ok(t)
    }

    /// Finishes the section at its `COMMIT`: resolves and checks the jumps,
    /// puts the rules in canonical order and attaches the counters.
    fn commit(mut self, cat: &dyn Catalog) -> Result<Table, Error> {
        self.resolve_jumps()?;
        self.check_jumps()?;
        self.check_lengths(cat)?;
        self.canonical()
    }

    /// Refuses a rule whose saved line could exceed [`MAX_LINE`] (names
    /// print longer than `#nr`, values get their `0x`, counters come in
    /// front), so that whatever is accepted prints as text that parses.
    fn check_lengths(&self, cat: &dyn Catalog) -> Result<(), Error> {
        for (i, x) in self.extra.iter().enumerate() {
            // Most rules are far too short to matter: measure (print) only
            // those whose bound could exceed the limit.
            if line_bound(&self.table, i) <= MAX_LINE {
                continue;
            }
            if print::longest_line(&self.table, i, cat) > MAX_LINE {
                return Err(Error::at(
                    EINVAL,
                    x.line,
                    x.start,
                    "rule too long: saved with names or numbers and counters, its line would \
                     exceed 512 bytes; split it",
                ));
            }
        }
        Ok(())
    }

    /// Turns every jump target name into its user chain.
    fn resolve_jumps(&mut self) -> Result<(), Error> {
        let users = &self.table.users;
        for (r, x) in self.table.rules.iter_mut().zip(self.extra.iter()) {
            let Some(name) = x.jump else {
                continue;
            };
            let at = |msg| Error::at(EINVAL, x.line, x.col, msg);
            let u = users
                .iter()
                .position(|u| u.name == name)
                .and_then(|u| u8::try_from(u).ok())
                .ok_or_else(|| at("jump to an undeclared chain"))?;
            let own = match r.chain {
                ChainRef::Builtin(abi) => abi,
                ChainRef::User(c) => users.get(usize::from(c)).map_or(u8::MAX, |c| c.abi),
            };
            if users.get(usize::from(u)).map(|c| c.abi) != Some(own) {
                return Err(at("a jump goes to a user chain of the same ABI"));
            }
            r.target = Target::Jump(u);
        }
        Ok(())
    }

    /// Refuses jump cycles (`ELOOP`) and jumps nested deeper than
    /// [`MAX_JUMP_DEPTH`] (`E2BIG`), at the first jump rule in text order
    /// that takes part. A user chain counts as entered at depth 1 whether a
    /// built-in chain reaches it or not.
    fn check_jumps(&self) -> Result<(), Error> {
        let n = self.table.users.len().min(MAX_USER_CHAINS);
        // Edges and then reachability between user chains, as bit sets.
        let mut edges = [0u32; MAX_USER_CHAINS];
        for r in self.table.rules.iter() {
            if let (ChainRef::User(c), Target::Jump(t)) = (r.chain, r.target) {
                if let Some(e) = edges.get_mut(usize::from(c)) {
                    *e |= bit(t);
                }
            }
        }
        let mut reach = edges;
        for k in 0..n {
            let via = reach.get(k).copied().unwrap_or(0);
            for r in reach.iter_mut() {
                if *r & bit(k as u8) != 0 {
                    *r |= via;
                }
            }
        }
        let jumps = || {
            self.table
                .rules
                .iter()
                .zip(self.extra.iter())
                .filter_map(|(r, x)| match r.target {
                    Target::Jump(t) => Some((r.chain, t, x)),
                    _ => None,
                })
        };
        for (chain, t, x) in jumps() {
            let ChainRef::User(c) = chain else {
                continue;
            };
            if reach.get(usize::from(t)).is_some_and(|m| m & bit(c) != 0) {
                return Err(Error::at(ELOOP, x.line, x.col, "jump cycle"));
            }
        }
        // Without cycles, n rounds settle every chain's height: the
        // longest run of jumps starting in it.
        let mut height = [0usize; MAX_USER_CHAINS];
        for _ in 0..n {
            for u in 0..n {
                let out = edges.get(u).copied().unwrap_or(0);
                let h = height
                    .iter()
                    .enumerate()
                    .filter(|&(t, _)| out & bit(t as u8) != 0)
                    .map(|(_, h)| h.saturating_add(1))
                    .max()
                    .unwrap_or(0);
                if let Some(slot) = height.get_mut(u) {
                    *slot = h;
                }
            }
        }
        for (chain, t, x) in jumps() {
            let entered = match chain {
                ChainRef::Builtin(_) => 1usize,
                ChainRef::User(_) => 2,
            };
            let depth = entered.saturating_add(height.get(usize::from(t)).copied().unwrap_or(0));
            if depth > MAX_JUMP_DEPTH {
                return Err(Error::at(
                    E2BIG,
                    x.line,
                    x.col,
                    "jumps nest deeper than 4 chains",
                ));
            }
        }
        Ok(())
    }

    /// The table with its rules in canonical order (built-in chains by ABI,
    /// then user chains by declaration; text order within a chain), the
    /// pools rebuilt in that order, and the counters if the text had any.
    fn canonical(self) -> Result<Table, Error> {
        let old = self.table;
        let mut t = Table::new(old.mode);
        t.name = old.name;
        t.delete = old.delete;
        t.policies = old.policies;
        let builtins = (0..MAX_ABIS as u8).map(ChainRef::Builtin);
        let users = (0..old.users.len().min(MAX_USER_CHAINS) as u8).map(ChainRef::User);
        for chain in builtins.chain(users) {
            for (r, x) in old.rules.iter().zip(self.extra.iter()) {
                if r.chain != chain {
                    continue;
                }
                let src = *r;
                let mut r = src;
                if let Some(list) = old.syscalls_of(&src) {
                    let first = index(t.syscalls.len())?;
                    for &nr in list {
                        alloc::push(&mut t.syscalls, nr)?;
                    }
                    r.syscalls = r.syscalls.map(|(_, n)| (first, n));
                }
                r.tests.0 = index(t.tests.len())?;
                for test in old.tests_of(&src) {
                    let mut test = *test;
                    if test.op == Op::In {
                        let first = index(t.values.len())?;
                        for &v in old.values_of(&test) {
                            alloc::push(&mut t.values, v)?;
                        }
                        test.set = first;
                    }
                    alloc::push(&mut t.tests, test)?;
                }
                alloc::push(&mut t.rules, r)?;
                if self.counted {
                    alloc::push(&mut t.counts, x.count)?;
                }
            }
        }
        t.users = old.users;
        if self.counted {
            for &c in self.policy_counts.iter() {
                alloc::push(&mut t.counts, c)?;
            }
        }
        Ok(t)
    }
}
