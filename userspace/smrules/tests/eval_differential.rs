// SPDX-License-Identifier: GPL-2.0

//! The compiled evaluator (`src/rules/compile.rs` + `eval.rs`, the kernel's
//! hot path) against a small reference interpreter written here from the
//! contract: ordered first match over the parsed rules, jumps into user
//! chains and back, `LOG` rules that continue, the chain policy when
//! nothing matches, and argument values read as the kernel reads the
//! parameter. Over a million random (table, ABI, number, registers) cases.

use smrules::catalog::{Arch, ArchCatalog};
use smrules::rules::ast::{ChainRef, Op, Policy, Table, Target, Test, Width};
use smrules::rules::compile::{self, Action, ENOSYS};
use smrules::rules::{eval, parse, Catalog};

/// xorshift64*: deterministic, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len())]
    }
}

/// The register value a test compares, from the contract: a 32-bit width
/// reads the parameter's own size, sign-extended for signed widths.
fn value(t: &Test, reg: u64) -> u64 {
    match (t.width, t.size) {
        (Width::U64 | Width::S64, _) => reg,
        (Width::U32, 1) => u64::from(reg as u8),
        (Width::U32, 2) => u64::from(reg as u16),
        (Width::U32, _) => u64::from(reg as u32),
        (Width::S32, 1) => i64::from(reg as u8 as i8) as u64,
        (Width::S32, 2) => i64::from(reg as u16 as i16) as u64,
        (Width::S32, _) => i64::from(reg as u32 as i32) as u64,
    }
}

fn test_holds(t: &Table, x: &Test, args: &[u64; 6]) -> bool {
    let v = value(x, args[x.arg as usize]);
    let (sv, sa) = (v as i64, x.a as i64);
    let signed = matches!(x.width, Width::S32 | Width::S64);
    let r = match x.op {
        Op::Eq => v == x.a,
        Op::Ne => v != x.a,
        Op::Lt => {
            if signed {
                sv < sa
            } else {
                v < x.a
            }
        }
        Op::Le => {
            if signed {
                sv <= sa
            } else {
                v <= x.a
            }
        }
        Op::Gt => {
            if signed {
                sv > sa
            } else {
                v > x.a
            }
        }
        Op::Ge => {
            if signed {
                sv >= sa
            } else {
                v >= x.a
            }
        }
        Op::In => t.values_of(x).contains(&v),
        Op::Masked => v & x.a == x.b,
        Op::BitsSet => v & x.a == x.a,
        Op::BitsClear => v & x.a == 0,
    };
    r ^ x.neg
}

/// The reference decision: (action, counter, LOG/jump hits in order).
fn reference(
    t: &Table,
    abi: usize,
    pos: Option<u32>,
    args: &[u64; 6],
) -> (Action, u32, Vec<(u16, bool)>) {
    let chain_rules = |c: ChainRef| -> Vec<usize> {
        (0..t.rules.len())
            .filter(|&i| t.rules[i].chain == c)
            .collect()
    };
    let mut hits = Vec::new();
    let mut stack = vec![(chain_rules(ChainRef::Builtin(abi as u8)), 0usize)];
    while let Some((rules, at)) = stack.last_mut() {
        let Some(&i) = rules.get(*at) else {
            stack.pop();
            continue;
        };
        *at += 1;
        let r = &t.rules[i];
        let named = match t.syscalls_of(r) {
            None => true,
            Some(list) => pos.is_some_and(|p| list.contains(&p)),
        };
        if !named || !t.tests_of(r).iter().all(|x| test_holds(t, x, args)) {
            continue;
        }
        match r.target {
            Target::Allow => return (Action::Allow, i as u32, hits),
            Target::Verdict(p) => {
                let a = match p {
                    Policy::Kill => Action::Kill,
                    Policy::Errno(e) => Action::Errno(e),
                    Policy::Enosys => Action::Errno(ENOSYS),
                    Policy::Mode1 => Action::Mode1,
                    Policy::Mode2 => Action::Mode2,
                };
                return (a, i as u32, hits);
            }
            Target::Log => hits.push((i as u16, true)),
            Target::Learn(_) => hits.push((i as u16, false)),
            Target::Jump(u) => {
                hits.push((i as u16, false));
                stack.push((chain_rules(ChainRef::User(u)), 0));
            }
        }
    }
    let policy = compile::Action::of_policy(t.policies[abi]);
    (policy, (t.rules.len() + abi) as u32, hits)
}

const X86_CALLS: &[&str] = &[
    "read", "write", "openat", "ioctl", "socket", "fcntl", "mmap", "close", "getpid", "mkdir",
    "clone", "mprotect", "kill",
];
const IA32_CALLS: &[&str] = &["read", "write", "ioctl", "close", "getpid", "socketcall"];
const VALUES: &[i64] = &[
    0,
    1,
    2,
    3,
    4,
    7,
    0x541b,
    0x5412,
    -1,
    -100,
    0x7fff_ffff,
    0x8000_0000,
    0xffff,
];

/// A random ruleset text: tables 3 and 4 with built-in and user chains.
fn random_text(rng: &mut Rng, cat: &ArchCatalog) -> String {
    let mut s = String::new();
    s.push_str("*mode 3 rnd\n");
    let policies = ["KILL", "ERRNO EPERM", "ENOSYS", "MODE2", "MODE1"];
    s.push_str(&format!(":x86_64 {}\n", rng.pick(&policies)));
    if rng.below(2) == 0 {
        s.push_str(&format!(":ia32 {}\n", rng.pick(&policies)));
    }
    let users = rng.below(3);
    for u in 0..users {
        s.push_str(&format!(
            ":u{u} {}\n",
            if rng.below(4) == 0 { "ia32" } else { "x86_64" }
        ));
    }
    let nrules = 1 + rng.below(25);
    for _ in 0..nrules {
        // The chain: built-in or user (user chains jump only forward, so
        // there is never a cycle).
        let (chain, abi, calls): (String, usize, &[&str]) = match rng.below(4 + users) {
            0 => ("ia32".into(), 1, IA32_CALLS),
            1..=3 => ("x86_64".into(), 0, X86_CALLS),
            k => {
                let u = k - 4;
                (format!("u{u}"), 0, X86_CALLS)
            }
        };
        let mut line = format!("-A {chain}");
        let mut names: Vec<&str> = Vec::new();
        if rng.below(5) != 0 {
            for _ in 0..1 + rng.below(3) {
                let n = *rng.pick(calls);
                if !names.contains(&n) {
                    names.push(n);
                }
            }
            if rng.below(10) == 0 {
                names.push(if abi == 0 { "#500" } else { "#450" });
            }
            line.push_str(&format!(" -s {}", names.join(",")));
        }
        if !names.is_empty() {
            for _ in 0..rng.below(4) {
                let arg = rng.below(6);
                let sizes: Vec<Option<u8>> = names
                    .iter()
                    .map(|n| {
                        let nr = match n.strip_prefix('#') {
                            Some(x) => x.parse().ok()?,
                            None => cat.nr_of(abi, n)?,
                        };
                        cat.arg_size(abi, nr, arg)
                    })
                    .collect();
                let Some(Some(size)) = sizes.first().copied() else {
                    continue;
                };
                if sizes.iter().any(|&x| x != Some(size)) {
                    continue;
                }
                let wide = size == 8;
                let signed = rng.below(2) == 0;
                let w = match (wide, signed) {
                    (true, true) => "s64",
                    (true, false) => "u64",
                    (false, true) => "s32",
                    (false, false) => "u32",
                };
                let val = |rng: &mut Rng| -> String {
                    let v = *rng.pick(VALUES);
                    if signed {
                        format!("{v}")
                    } else if wide {
                        format!("{:#x}", v as u64)
                    } else {
                        format!("{:#x}", v as u32)
                    }
                };
                let mask = |rng: &mut Rng| -> u64 {
                    let m = *rng.pick(&[1u64, 3, 0x7, 0x10, 0x8000_0000, 0xff00]);
                    m
                };
                let neg = if rng.below(4) == 0 { "! " } else { "" };
                let test = match rng.below(9) {
                    0 => format!("eq {}", val(rng)),
                    1 => format!("ne {}", val(rng)),
                    2 => format!("lt {}", val(rng)),
                    3 => format!("ge {}", val(rng)),
                    4 => format!("le {}", val(rng)),
                    5 => format!("in {},{},{}", val(rng), val(rng), val(rng)),
                    6 => {
                        let m = mask(rng);
                        let v = if rng.below(2) == 0 { 0 } else { m };
                        format!("masked {m:#x} {v:#x}")
                    }
                    7 => format!("bits-set {:#x}", mask(rng)),
                    _ => format!("bits-clear {:#x}", mask(rng)),
                };
                line.push_str(&format!(" {neg}--a{arg}:{w} {test}"));
            }
        }
        let mut targets = vec!["KILL", "ERRNO EACCES", "ENOSYS", "MODE2", "MODE1", "LOG"];
        if !names.is_empty() {
            targets.push("ALLOW");
        }
        let mut target = rng.pick(&targets).to_string();
        // Jumps from a chain to a later user chain of the same ABI.
        let from = chain
            .strip_prefix('u')
            .and_then(|x| x.parse::<usize>().ok());
        if rng.below(4) == 0 && abi == 0 {
            let first = from.map_or(0, |f| f + 1);
            if first < users {
                target = format!("u{}", first + rng.below(users - first));
            }
        }
        line.push_str(&format!(" -j {target}\n"));
        s.push_str(&line);
    }
    s.push_str("COMMIT\n");
    s
}

fn random_args(rng: &mut Rng) -> [u64; 6] {
    let mut a = [0u64; 6];
    for x in a.iter_mut() {
        let base = *rng.pick(VALUES) as u64;
        *x = match rng.below(6) {
            0 => rng.next(),
            1 => base | 1 << 32,
            2 => base as u32 as u64,
            3 => base.wrapping_add(1),
            _ => base,
        };
    }
    a
}

#[test]
fn compiled_evaluator_matches_the_reference_on_a_million_calls() {
    let cat = ArchCatalog::new(Arch::X86_64);
    let mut rng = Rng(0x5eed_0f5e_cc0f_u64);
    let (mut tables, mut calls, mut rejected) = (0, 0u64, 0);
    let positions: Vec<i64> = [
        0, 1, 3, 9, 10, 16, 39, 41, 56, 72, 83, 257, 62, 102, 450, 500, 511, 512, 4000, -1,
    ]
    .into_iter()
    .collect();
    while calls < 1_000_000 {
        let text = random_text(&mut rng, &cat);
        let rs = match parse::parse(text.as_bytes(), &cat) {
            Ok(rs) => rs,
            Err(_) => {
                rejected += 1;
                continue;
            }
        };
        tables += 1;
        for table in rs.tables {
            let reference_copy = table.try_clone().expect("clone");
            let compiled = compile::compile(table, &cat).expect("a parsed table compiles");
            for _ in 0..5000 {
                let abi = rng.below(2);
                let raw = *rng.pick(&positions);
                let pos = cat.index_of(abi, raw);
                let args = random_args(&mut rng);
                let mut hits = Vec::new();
                let d = eval::eval(
                    &compiled,
                    abi,
                    pos,
                    &args,
                    |i, n| if i < n { i } else { 0 },
                    |r, log| hits.push((r, log)),
                );
                let (action, counter, want_hits) = reference(&reference_copy, abi, pos, &args);
                assert_eq!(
                    (d.action, d.counter, &hits),
                    (action, counter, &want_hits),
                    "abi {abi} nr {raw} args {args:x?}\n{text}"
                );
                calls += 1;
            }
        }
    }
    assert!(
        tables >= 150,
        "only {tables} random tables parsed ({rejected} rejected)"
    );
}

/// `--a0:s32 eq -100` (AT_FDCWD) matches whatever the upper half holds,
/// as the kernel reads an `int`.
#[test]
fn s32_minus_100_matches_both_encodings() {
    let cat = ArchCatalog::new(Arch::X86_64);
    let text = "*mode 3\n:x86_64 KILL\n-A x86_64 -s openat --a0:s32 eq -100 -j ALLOW\nCOMMIT\n";
    let mut rs = parse::parse(text.as_bytes(), &cat).expect("parses");
    let table = rs.tables.remove(0);
    let c = compile::compile(table, &cat).expect("compiles");
    let openat = cat.nr_of(0, "openat");
    for a0 in [
        0xffff_ff9c_u64,
        0xffff_ffff_ffff_ff9c,
        0x1234_5678_ffff_ff9c,
    ] {
        let d = eval::eval(&c, 0, openat, &[a0, 0, 0, 0, 0, 0], |i, _| i, |_, _| {});
        assert_eq!(d.action, Action::Allow, "{a0:#x}");
    }
    let d = eval::eval(&c, 0, openat, &[0xff9c, 0, 0, 0, 0, 0], |i, _| i, |_, _| {});
    assert_eq!(d.action, Action::Kill);
}

/// A deny rule on a 32-bit `cmd` cannot be dodged through the upper half.
#[test]
fn tiocsti_with_bit_32_is_still_refused() {
    let cat = ArchCatalog::new(Arch::X86_64);
    let text =
        "*mode 3\n:x86_64 MODE2\n-A x86_64 -s ioctl --a1:u32 eq 0x5412 -j ERRNO EPERM\nCOMMIT\n";
    let mut rs = parse::parse(text.as_bytes(), &cat).expect("parses");
    let c = compile::compile(rs.tables.remove(0), &cat).expect("compiles");
    let ioctl = cat.nr_of(0, "ioctl");
    for cmd in [0x5412u64, 0x1_0000_5412, 0xffff_ffff_0000_5412] {
        let d = eval::eval(&c, 0, ioctl, &[0, cmd, 0, 0, 0, 0], |i, _| i, |_, _| {});
        assert_eq!(d.action, Action::Errno(1), "{cmd:#x}");
        assert_eq!(d.counter, 0);
    }
}

/// Every decision counts exactly one rule or policy counter, in range.
#[test]
fn counters_are_in_range() {
    let cat = ArchCatalog::new(Arch::X86_64);
    let text = "*mode 5\n:x86_64 ENOSYS\n-A x86_64 -s read -j ALLOW\nCOMMIT\n";
    let mut rs = parse::parse(text.as_bytes(), &cat).expect("parses");
    let c = compile::compile(rs.tables.remove(0), &cat).expect("compiles");
    let d = eval::eval(&c, 0, Some(1), &[0; 6], |i, _| i, |_, _| {});
    assert_eq!(d.action, Action::Errno(ENOSYS));
    assert_eq!(d.counter, c.policy_counter(0));
    assert!((d.counter as usize) < c.counters());
}
