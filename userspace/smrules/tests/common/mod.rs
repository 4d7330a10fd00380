// SPDX-License-Identifier: GPL-2.0

//! Helpers shared by the host tests: parsing and printing with the x86
//! catalog, the round-trip check, sample texts and a generator of valid
//! ruleset texts.

#![allow(dead_code)]

use smrules::catalog::{Arch, ArchCatalog};
use smrules::rules::ast::{Ruleset, MAX_ABIS};
use smrules::rules::parse::parse;
use smrules::rules::print::{self, Opts};
use smrules::rules::{Catalog, Error};

/// The catalog every test uses.
pub const CAT: ArchCatalog = ArchCatalog::new(Arch::X86_64);

/// The contract's example (issue 11).
pub const CONTRACT: &str = "\
# whole-line comments and blank lines are ignored
*mode 3 netd
:x86_64 MODE2
:ia32 KILL
# O_RDONLY opens only
-A x86_64 -s openat --a2:u32 masked 0x3 0 -j ALLOW
-A x86_64 -s openat -j ERRNO EACCES
# FIONREAD, FIONBIO
-A x86_64 -s ioctl --a1:u32 in 0x541b,0x5421 -j ALLOW
-A x86_64 -s socket ! --a0:u32 in 1,2,10 -j ERRNO EAFNOSUPPORT
-A x86_64 -s write,writev -j LOG
COMMIT
";

/// Every kind of line, chain, test, target and policy, written out of
/// canonical order, with counters, tabs, odd spacing and forward jumps.
pub const KITCHEN_SINK: &str = "\
# a comment
   # an indented comment

*mode 7 kitchen.sink-1
[5] -A ia32 -s read,write -j ALLOW
:x32 ERRNO 4095 [9]
[6]\t-A   x86_64 -s fcntl -j fcntl-rules
-A x32 -s read,#16 --a0 eq 3 -j ENOSYS
-A x32 -s ioctl -j ERRNO ENOTTY
:fcntl-rules x86_64
:x86_64 ERRNO EPERM [11]
-A fcntl-rules -s fcntl --a1:u32 in 0x1,2,0X3 -j ALLOW
-A fcntl-rules -s fcntl ! --a1:s32 lt -5 --a1 ge 0 -j MODE2
-A x86_64 -s mmap,mprotect --a2:u64 bits-clear 0x4 -j ALLOW
-A x86_64 -s mmap --a3:s64 le -9223372036854775808 --a3 gt 18446744073709551615 -j MODE1
-A x86_64 -s openat --a3:u32 bits-set 0x0 -j KILL
-A x86_64 -s #400,getpid -j ERRNO 500
-A x86_64 -s socket,fcntl -j LEARN a1,a0
-A x86_64 -s openat --a2:s32 eq -100 --a2:s32 ne 2147483647 --a1:u64 masked 0xff00 0x1200 -j LOG
-A x86_64 -j ENOSYS
-A ia32 -s socketcall --a0:s32 in -1,0,1 -j KILL
-A ia32 -s ioctl --a1:u32 masked 0xffffffff 0x5401 -j ERRNO ENOTTY
:ia32 MODE1
COMMIT
*mode 2147483647 delete
COMMIT
*mode 3
:x86_64 ENOSYS
:empty x86_64
-A x86_64 -j empty
COMMIT
";

/// A proptest configuration of `cases` cases that writes no regression
/// files into the source tree.
pub fn config(cases: u32) -> proptest::test_runner::Config {
    proptest::test_runner::Config {
        cases,
        failure_persistence: None,
        ..Default::default()
    }
}

/// Parses `text` with the x86 catalog.
pub fn parse_str(text: &str) -> Result<Ruleset, Error> {
    parse(text.as_bytes(), &CAT)
}

/// Parses `text`, which must be accepted.
pub fn ok(text: &str) -> Ruleset {
    parse_str(text).unwrap_or_else(|e| {
        panic!(
            "{}:{}: {} ({}), errno {}, in\n{text}",
            e.line,
            e.col,
            e.msg,
            e.detail(),
            e.errno
        )
    })
}

/// Parses `text`, which must be refused.
pub fn err(text: &str) -> Error {
    match parse_str(text) {
        Ok(_) => panic!("accepted:\n{text}"),
        Err(e) => e,
    }
}

/// Prints `rs`; with `counters`, each table's own counters.
pub fn print(rs: &Ruleset, numeric: bool, counters: bool) -> String {
    let mut out = Vec::new();
    let opts = Opts {
        numeric,
        counters: counters.then_some(&[][..]),
    };
    print::ruleset(&mut out, rs, &CAT, &opts).unwrap();
    String::from_utf8(out).unwrap()
}

/// Checks that `text` parses and that its printed forms (by names, by
/// numbers, with counters) parse back to equal tables and print the same.
pub fn round_trip(text: &str) -> Ruleset {
    let rs = ok(text);
    for numeric in [false, true] {
        let printed = print(&rs, numeric, false);
        let again = ok(&printed);
        assert_eq!(rs, again, "numeric={numeric}:\n{text}\n---\n{printed}");
        assert_eq!(printed, print(&again, numeric, false));
        assert!(again.tables.iter().all(|t| t.counts.is_empty()));
    }
    let printed = print(&rs, false, true);
    let again = ok(&printed);
    assert_eq!(rs, again, "counters:\n{printed}");
    assert_eq!(printed, print(&again, false, true));
    for (a, b) in rs.tables.iter().zip(again.tables.iter()) {
        if a.delete {
            assert!(b.counts.is_empty());
            continue;
        }
        if b.rules.is_empty() && b.policies.iter().all(Option::is_none) {
            // Nothing to count: the text had no counter.
            assert!(b.counts.is_empty());
            continue;
        }
        assert_eq!(b.counts.len(), b.rules.len() + MAX_ABIS);
        if a.counts.is_empty() {
            assert!(b.counts.iter().all(|&c| c == 0));
        } else {
            assert_eq!(a.counts, b.counts, "{text}");
        }
    }
    rs
}

/// Checks that an error points inside `text`: a line of it, and a column
/// on that line or just past its end.
pub fn assert_inside(text: &[u8], e: &Error) {
    let lines: Vec<&[u8]> = text.split(|&b| b == b'\n').collect();
    assert!(
        e.line >= 1 && e.line as usize <= lines.len(),
        "line {} of {}: {e:?}",
        e.line,
        lines.len()
    );
    let len = lines[e.line as usize - 1].len();
    assert!(
        e.col >= 1 && e.col as usize <= len + 1,
        "col {} of a {len}-byte line: {e:?}",
        e.col
    );
}

/// A small deterministic generator (splitmix64).
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn bits(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    /// A number below `n` (> 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.bits() % n as u64) as usize
    }

    /// True with `percent` % probability.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.bits() % 100 < percent
    }

    /// One of `xs`.
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }

    /// Shuffles `xs`.
    pub fn shuffle<T>(&mut self, xs: &mut [T]) {
        for i in (1..xs.len()).rev() {
            xs.swap(i, self.below(i + 1));
        }
    }
}

/// Names for tables and user chains.
const NAMES: &[&str] = &[
    "netd",
    "fcntl-rules",
    "c.0",
    "C_1",
    "x",
    "9lives",
    "a-b.c_d",
    "0123456789abcdef0123456789ABCDEF",
    "COMMIT",
    "arm64",
];

/// Word separators, mostly one space.
const SEPARATORS: &[&str] = &[" ", " ", " ", " ", "  ", "\t", " \t "];

/// A separator.
fn sep(r: &mut Rng) -> &'static str {
    SEPARATORS[r.below(SEPARATORS.len())]
}

/// An unsigned number, in decimal or hex.
fn unsigned(r: &mut Rng, v: u64) -> String {
    match r.below(3) {
        0 => format!("{v}"),
        1 => format!("{v:#x}"),
        _ => format!("0X{v:X}"),
    }
}

/// A random value of up to `bits` bits, often a small one.
fn some_bits(r: &mut Rng, bits: u32) -> u64 {
    let v = if r.chance(50) {
        r.bits() % 300
    } else {
        r.bits()
    };
    if bits == 64 {
        v
    } else {
        v & ((1u64 << bits) - 1)
    }
}

/// A comparison value for `width`.
fn value(r: &mut Rng, width: &str) -> String {
    match width {
        "u32" => {
            let v = some_bits(r, 32);
            unsigned(r, v)
        }
        "u64" => {
            let v = some_bits(r, 64);
            unsigned(r, v)
        }
        "s32" => format!("{}", some_bits(r, 32) as u32 as i32),
        _ => format!("{}", some_bits(r, 64) as i64),
    }
}

/// A policy or terminal target.
fn policy(r: &mut Rng) -> String {
    match r.below(6) {
        0 => "KILL".into(),
        1 => "ENOSYS".into(),
        2 => "MODE2".into(),
        3 => "MODE1".into(),
        4 => {
            let (name, nr) = *r.pick(smrules::rules::errno::ERRNOS);
            if r.chance(50) {
                format!("ERRNO {name}")
            } else {
                format!("ERRNO {nr}")
            }
        }
        _ => format!("ERRNO {}", 1 + r.below(4095)),
    }
}

/// One argument test on the syscalls `nrs` of `abi`, if they share an
/// argument.
fn test(r: &mut Rng, abi: usize, nrs: &[u32]) -> Option<String> {
    let shared: Vec<(usize, u8)> = (0..6)
        .filter_map(|arg| {
            // Parameters below 32 bits take only values of their size
            // (covered by hand-written cases), not these random ones.
            let size = CAT.arg_size(abi, nrs[0], arg).filter(|&s| s >= 4)?;
            nrs.iter()
                .all(|&nr| CAT.arg_size(abi, nr, arg) == Some(size))
                .then_some((arg, size))
        })
        .collect();
    if shared.is_empty() {
        return None;
    }
    let (arg, size) = *r.pick(&shared);
    let (width, shown) = match (size == 8, r.below(3)) {
        (true, 0) => ("u64", ""),
        (true, 1) => ("u64", ":u64"),
        (true, _) => ("s64", ":s64"),
        (false, 0) => ("u32", ""),
        (false, 1) => ("u32", ":u32"),
        (false, _) => ("s32", ":s32"),
    };
    let bits = if size == 8 { 64 } else { 32 };
    let neg = if r.chance(20) { "! " } else { "" };
    let ops = match r.below(10) {
        i @ 0..=5 => {
            let op = ["eq", "ne", "lt", "le", "gt", "ge"][i];
            format!("{op} {}", value(r, width))
        }
        6 => {
            let most = if r.chance(70) { 3 } else { 16 };
            let n = 1 + r.below(most);
            let vals: Vec<String> = (0..n).map(|_| value(r, width)).collect();
            format!("in {}", vals.join(","))
        }
        7 => {
            let m = some_bits(r, bits);
            let v = some_bits(r, bits) & m;
            format!("masked {} {}", unsigned(r, m), unsigned(r, v))
        }
        i => {
            let m = some_bits(r, bits);
            let op = if i == 8 { "bits-set" } else { "bits-clear" };
            format!("{op} {}", unsigned(r, m))
        }
    };
    Some(format!("{neg}--a{arg}{shown} {ops}"))
}

/// A user chain of the generated table.
struct User {
    name: &'static str,
    abi: usize,
}

/// A rule line of `chain` (an ABI, or a user chain index after the ABIs).
fn rule(r: &mut Rng, chain: usize, users: &[User], counters: bool) -> String {
    let abis = CAT.abis();
    let (abi, chain_name) = if chain < abis.len() {
        (chain, abis[chain])
    } else {
        let u = &users[chain - abis.len()];
        (u.abi, u.name)
    };
    let mut words = Vec::new();
    if counters && r.chance(80) {
        words.push(format!("[{}]", r.bits() >> r.below(64)));
    }
    words.push(format!("-A {chain_name}"));
    let mut nrs = Vec::new();
    if r.chance(75) {
        let known: Vec<u32> = (0..CAT.index_size(abi))
            .filter(|&nr| CAT.name_of(abi, nr).is_some())
            .collect();
        let n = 1 + r.below(4);
        while nrs.len() < n {
            let nr = if r.chance(90) {
                *r.pick(&known)
            } else {
                r.below(CAT.index_size(abi) as usize) as u32
            };
            if !nrs.contains(&nr) {
                nrs.push(nr);
            }
        }
        let list: Vec<String> = nrs
            .iter()
            .map(|&nr| match CAT.name_of(abi, nr) {
                Some(name) if r.chance(80) => name.to_string(),
                _ => format!("#{nr}"),
            })
            .collect();
        words.push(format!("-s {}", list.join(",")));
        let ntests = match r.below(10) {
            0..=3 => 0,
            4..=8 => 1 + r.below(3),
            _ => 1 + r.below(6),
        };
        // Short enough that the saved line (names, 0x, counters) fits.
        let mut used = 0;
        for _ in 0..ntests {
            if let Some(t) = test(r, abi, &nrs) {
                if used + t.len() <= 120 {
                    used += t.len();
                    words.push(t);
                }
            }
        }
    }
    // Jumps go to user chains of the same ABI declared later in the
    // generator's list: no cycles, and at most 4 chains deep.
    let after = chain.saturating_sub(abis.len() - 1);
    let jumps: Vec<&str> = users
        .iter()
        .enumerate()
        .filter(|&(i, u)| u.abi == abi && (chain < abis.len() || i >= after))
        .map(|(_, u)| u.name)
        .collect();
    let allow_ok = !nrs.is_empty() && !nrs.iter().any(|&nr| CAT.never_allow(abi, nr));
    let target = loop {
        match r.below(5) {
            0 if allow_ok => break "ALLOW".to_string(),
            1 => break "LOG".to_string(),
            2 if !jumps.is_empty() => break r.pick(&jumps).to_string(),
            3 | 4 => break policy(r),
            _ => {}
        }
    };
    words.push(format!("-j {target}"));
    let mut line = String::new();
    for (i, w) in words.iter().enumerate() {
        if i > 0 {
            line.push_str(sep(r));
        }
        line.push_str(&w.replace(' ', sep(r)));
    }
    line
}

/// A valid ruleset text: 1 to 3 sections (now and then a delete), chains
/// and rules in random order, comments, odd spacing, maybe counters.
pub fn valid_text(seed: u64) -> String {
    let mut r = Rng(seed);
    let abis = CAT.abis();
    let mut modes: Vec<u32> = Vec::new();
    let mut text = String::new();
    for _ in 0..1 + r.below(3) {
        let mode = loop {
            let m = match r.below(3) {
                0 => 3 + r.below(10) as u32,
                1 => 2147483647,
                _ => 3 + (r.bits() % (2147483647 - 3)) as u32,
            };
            if !modes.contains(&m) {
                break m;
            }
        };
        modes.push(mode);
        if r.chance(10) {
            text.push_str(&format!("*mode {mode} delete\nCOMMIT\n"));
            continue;
        }
        let mut lines = Vec::new();
        let counters = r.chance(30);
        for abi in abis {
            if r.chance(60) {
                let mut line = format!(":{abi} {}", policy(&mut r));
                if counters && r.chance(80) {
                    line.push_str(&format!(" [{}]", r.bits() >> r.below(64)));
                }
                lines.push(line);
            }
        }
        let mut users = Vec::new();
        for _ in 0..r.below(5) {
            let name = *r.pick(NAMES);
            if !users.iter().any(|u: &User| u.name == name) && !abis.contains(&name) {
                users.push(User {
                    name,
                    abi: r.below(abis.len()),
                });
            }
        }
        let mut rules = Vec::new();
        for _ in 0..r.below(16) {
            let chain = r.below(abis.len() + users.len());
            rules.push((chain, rule(&mut r, chain, &users, counters)));
        }
        // Policy lines and rules of all chains interleaved at random.
        r.shuffle(&mut rules);
        let mut items: Vec<(Option<usize>, String)> =
            lines.into_iter().map(|l| (None, l)).collect();
        for rule in rules {
            let at = r.below(items.len() + 1);
            items.insert(at, (Some(rule.0), rule.1));
        }
        // A user chain is declared before its first rule.
        for (u, user) in users.iter().enumerate() {
            let first = items
                .iter()
                .position(|(c, _)| *c == Some(abis.len() + u))
                .unwrap_or(items.len());
            let at = r.below(first + 1);
            items.insert(at, (None, format!(":{} {}", user.name, abis[user.abi])));
        }
        text.push_str("*mode");
        text.push_str(sep(&mut r));
        text.push_str(&mode.to_string());
        if r.chance(50) {
            text.push(' ');
            text.push_str(r.pick(&NAMES[..NAMES.len() - 2]).as_ref());
        }
        text.push('\n');
        for (_, line) in items {
            match r.below(10) {
                0 => text.push_str("# comment -A x86_64 -j ALLOW\n"),
                1 => text.push_str(" \t\n"),
                _ => {}
            }
            text.push_str(&line);
            text.push('\n');
        }
        text.push_str("COMMIT\n");
    }
    text
}
