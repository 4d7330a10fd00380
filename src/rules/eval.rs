// SPDX-License-Identifier: GPL-2.0

//! The decision on one syscall of a process in a table mode: the hot path.
//!
//! One bucket of one chain is looked at (see [`super::compile`]); its entries
//! are tried in order and the first whose tests hold decides, `LOG` and jump
//! entries on the way reporting their hits. No bucket entry deciding, the
//! chain policy decides. Registers only: no pointer is ever followed.

use super::ast::{Op, Table, Test};
use super::compile::{Action, Compiled, Entry, Kind};

/// A decision and the counter (rule or policy) it counts on.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Decision {
    /// What happens.
    pub action: Action,
    /// The rule index, or [`Compiled::policy_counter`].
    pub counter: u32,
}

/// The value a test compares: the register read as the kernel's parameter
/// (`size` bytes) and the test's width.
#[inline]
fn value(t: &Test, reg: u64) -> u64 {
    if t.width.wide() {
        return reg;
    }
    let bits = u32::from(t.size).saturating_mul(8).clamp(8, 32);
    let shift = 64 - bits;
    if t.width.signed() {
        (((reg << shift) as i64) >> shift) as u64
    } else {
        (reg << shift) >> shift
    }
}

/// Whether test `t` holds for registers `args` (`in` values from `table`).
#[inline]
pub fn holds(table: &Table, t: &Test, args: &[u64; 6]) -> bool {
    let reg = args.get(usize::from(t.arg)).copied().unwrap_or(0);
    let v = value(t, reg);
    let signed = t.width.signed();
    let r = match t.op {
        Op::Eq => v == t.a,
        Op::Ne => v != t.a,
        Op::Lt if signed => (v as i64) < (t.a as i64),
        Op::Le if signed => (v as i64) <= (t.a as i64),
        Op::Gt if signed => (v as i64) > (t.a as i64),
        Op::Ge if signed => (v as i64) >= (t.a as i64),
        Op::Lt => v < t.a,
        Op::Le => v <= t.a,
        Op::Gt => v > t.a,
        Op::Ge => v >= t.a,
        Op::In => table.values_of(t).contains(&v),
        Op::Masked => v & t.a == t.b,
        Op::BitsSet => v & t.a == t.a,
        Op::BitsClear => v & t.a == 0,
    };
    r != t.neg
}

/// Whether every test of rule `rule` holds.
#[inline]
fn rule_holds(table: &Table, rule: u16, args: &[u64; 6]) -> bool {
    let Some(r) = table.rules.get(usize::from(rule)) else {
        return false;
    };
    table.tests_of(r).iter().all(|t| holds(table, t, args))
}

/// Whether entry `e` applies: its jumps' tests and its own hold.
#[inline]
fn entry_holds(table: &Table, e: &Entry, args: &[u64; 6]) -> bool {
    let path = e.path.get(..usize::from(e.depth)).unwrap_or(&[]);
    path.iter().all(|&j| rule_holds(table, j, args)) && rule_holds(table, e.rule, args)
}

/// The decision on a syscall of `abi` at index position `pos` (`None`: a
/// number outside the ABI's index) with registers `args` (a compat ABI's
/// already cut to 32 bits). `nospec(i, n)` clamps a bucket index under
/// speculation (the kernel's `array_index_nospec`). `on_hit(rule, log)` is
/// called for every `LOG` rule (`log` true) and jump (false) whose tests
/// hold on the way.
#[inline]
pub fn eval(
    c: &Compiled,
    abi: usize,
    pos: Option<u32>,
    args: &[u64; 6],
    nospec: impl Fn(usize, usize) -> usize,
    mut on_hit: impl FnMut(u16, bool),
) -> Decision {
    let policy = |c: &Compiled| -> Decision {
        let action = c.chains.get(abi).map_or(Action::Kill, |ch| ch.policy);
        Decision {
            action,
            counter: c.policy_counter(abi),
        }
    };
    let Some(chain) = c.chains.get(abi) else {
        return policy(c);
    };
    let npos = chain.offsets.len().saturating_sub(1);
    if npos == 0 {
        return policy(c);
    }
    let other = npos - 1;
    let p = match pos {
        Some(p) if (p as usize) < other => nospec(p as usize, other),
        _ => other,
    };
    let (Some(&start), Some(&end)) = (chain.offsets.get(p), chain.offsets.get(p + 1)) else {
        return policy(c);
    };
    let bucket = c.entries.get(start as usize..end as usize).unwrap_or(&[]);
    for e in bucket {
        if !entry_holds(&c.table, e, args) {
            continue;
        }
        match e.kind {
            Kind::Decide(action) => {
                return Decision {
                    action,
                    counter: u32::from(e.rule),
                }
            }
            Kind::Log => on_hit(e.rule, true),
            Kind::Count => on_hit(e.rule, false),
        }
    }
    policy(c)
}
