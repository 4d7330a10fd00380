// SPDX-License-Identifier: GPL-2.0

//! From a checked [`Table`] to the form the hot path evaluates.
//!
//! Jumps are flattened: a user chain's rules appear, in order, at the place
//! of every jump to it, each guarded by the tests of the jumps on its way.
//! Then, per ABI, the flattened rules are bucketed by syscall number: the
//! bucket of a number holds, in order, the entries of the rules that name it
//! (or name no syscall), and ends early after an entry that decides
//! unconditionally. [`super::eval`] looks at one bucket only, so the cost of
//! a syscall does not depend on the number of rules in the table.

use super::alloc::{self, List};
use super::ast::{ChainRef, Policy, Rule, Table, Target, MAX_ABIS};
use super::{errnos, Catalog, Error, MAX_JUMP_DEPTH};

/// Compiled entries of one table: a rule appears once per syscall number
/// it applies to, and again for every jump that reaches it.
pub const MAX_ENTRIES: usize = 262_144;

/// `ENOSYS`.
pub const ENOSYS: u16 = 38;

/// What a decision does.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Action {
    /// The syscall runs.
    Allow,
    /// The process is killed (or, complaining, the call is logged and runs).
    Kill,
    /// The syscall fails with this errno without running.
    Errno(u16),
    /// Mode 1's static verdict decides.
    Mode1,
    /// Mode 2's static verdict decides.
    Mode2,
}

impl Action {
    /// The action of a chain policy (`None`: not declared, `KILL`).
    pub const fn of_policy(p: Option<Policy>) -> Self {
        match p {
            None | Some(Policy::Kill) => Action::Kill,
            Some(Policy::Errno(e)) => Action::Errno(e),
            Some(Policy::Enosys) => Action::Errno(ENOSYS),
            Some(Policy::Mode2) => Action::Mode2,
            Some(Policy::Mode1) => Action::Mode1,
        }
    }
}

/// What an entry does when its tests hold.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    /// Decides.
    Decide(Action),
    /// A `LOG` rule: log, count, go on.
    Log,
    /// A jump: count, go on (its chain's entries follow).
    Count,
}

/// One compiled entry: a rule (its counter) reached through up to
/// [`MAX_JUMP_DEPTH`] jump rules, whose tests must hold too.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Entry {
    /// The rule: an index in [`Table::rules`] and its counter.
    pub rule: u16,
    /// The jump rules on the way, outermost first.
    pub path: [u16; MAX_JUMP_DEPTH],
    /// How many of [`Entry::path`] are used.
    pub depth: u8,
    /// What it does.
    pub kind: Kind,
}

/// One ABI's compiled chain.
pub struct Chain {
    /// Bucket `i` is `entries[offsets[i]..offsets[i + 1]]`; positions
    /// `0..size` are syscall numbers, position `size` every number outside
    /// the ABI's index.
    pub offsets: List<u32>,
    /// The policy.
    pub policy: Action,
    /// Positions (as [`Chain::offsets`]) for which some path allows the
    /// syscall for some arguments: an `ALLOW` entry, or a `MODE1`/`MODE2`
    /// entry or policy whose static table allows it.
    pub may_allow: List<u64>,
}

/// A compiled table: the checked table itself (for printing, names and rule
/// numbers) and its per-ABI chains.
pub struct Compiled {
    /// The table it was compiled from.
    pub table: Table,
    /// The built-in chains, by ABI; ABIs the catalog does not have are empty.
    pub chains: [Chain; MAX_ABIS],
    /// The entries of all buckets.
    pub entries: List<Entry>,
}

impl Compiled {
    /// Counters of the table: one per rule, then one per ABI policy.
    pub fn counters(&self) -> usize {
        self.table.rules.len().saturating_add(MAX_ABIS)
    }

    /// The counter of `abi`'s policy.
    pub fn policy_counter(&self, abi: usize) -> u32 {
        (self.table.rules.len().saturating_add(abi)) as u32
    }
}

/// The range of rules of each chain in a canonically ordered table.
struct Ranges {
    builtin: [(usize, usize); MAX_ABIS],
    user: List<(usize, usize)>,
}

fn ranges(t: &Table) -> Result<Ranges, Error> {
    let mut r = Ranges {
        builtin: [(0, 0); MAX_ABIS],
        user: alloc::filled((0usize, 0usize), t.users.len())?,
    };
    let mut start = 0;
    while start < t.rules.len() {
        let chain = t.rules.get(start).map(|r| r.chain);
        let mut end = start;
        while end < t.rules.len() && t.rules.get(end).map(|r| r.chain) == chain {
            end += 1;
        }
        let slot = match chain {
            Some(ChainRef::Builtin(a)) => r.builtin.get_mut(usize::from(a)),
            Some(ChainRef::User(u)) => r.user.get_mut(usize::from(u)),
            None => None,
        };
        match slot {
            // A chain's rules must be contiguous (canonical order).
            Some(s) if *s == (0, 0) => *s = (start, end),
            _ => {
                return Err(Error::at(
                    errnos::EINVAL,
                    0,
                    0,
                    "rules not in canonical order",
                ))
            }
        }
        start = end;
    }
    Ok(r)
}

/// One rule of a chain after flattening, with the jumps that lead to it.
#[derive(Clone, Copy)]
struct Flat {
    rule: u16,
    path: [u16; MAX_JUMP_DEPTH],
    depth: u8,
}

/// The flattened rule sequence of `abi`'s built-in chain, walked with an
/// explicit stack (no recursion).
fn flatten(t: &Table, rg: &Ranges, abi: usize) -> Result<List<Flat>, Error> {
    let too_big = Error::at(
        errnos::E2BIG,
        0,
        0,
        "jumps expand the table beyond its limit",
    );
    let mut out = alloc::new();
    let Some(&(start, end)) = rg.builtin.get(abi) else {
        return Ok(out);
    };
    // Frames: (next rule, end of its chain).
    let mut stack = [(0usize, 0usize); MAX_JUMP_DEPTH + 1];
    let mut path = [0u16; MAX_JUMP_DEPTH];
    let mut depth = 0usize;
    if let Some(f) = stack.get_mut(0) {
        *f = (start, end);
    }
    loop {
        let Some(frame) = stack.get_mut(depth) else {
            return Err(too_big);
        };
        if frame.0 >= frame.1 {
            if depth == 0 {
                return Ok(out);
            }
            depth -= 1;
            continue;
        }
        let i = frame.0;
        frame.0 += 1;
        let Some(rule) = t.rules.get(i) else {
            return Err(too_big);
        };
        if out.len() >= MAX_ENTRIES {
            return Err(too_big);
        }
        alloc::push(
            &mut out,
            Flat {
                rule: i as u16,
                path,
                depth: depth as u8,
            },
        )?;
        if let Target::Jump(u) = rule.target {
            let Some(&(s, e)) = rg.user.get(usize::from(u)) else {
                return Err(too_big);
            };
            let Some(p) = path.get_mut(depth) else {
                return Err(Error::at(errnos::E2BIG, 0, 0, "jumps nested too deep"));
            };
            *p = i as u16;
            depth += 1;
            match stack.get_mut(depth) {
                Some(f) => *f = (s, e),
                None => return Err(Error::at(errnos::E2BIG, 0, 0, "jumps nested too deep")),
            }
        }
    }
}

/// Whether syscall position `pos` (of an index of `size`) is in rule `r`'s
/// list; position `size` (out of range) is only in rules without a list.
fn names(t: &Table, r: &Rule, pos: u32, size: u32) -> bool {
    match t.syscalls_of(r) {
        None => true,
        Some(list) => pos < size && list.contains(&pos),
    }
}

/// Calls `f` with every position (`0..=size`) that `flat` applies to: those
/// named by the rule and by every jump on its way.
fn positions(
    t: &Table,
    flat: &Flat,
    size: u32,
    mut f: impl FnMut(u32) -> Result<(), Error>,
) -> Result<(), Error> {
    let rule_at = |i: u16| t.rules.get(usize::from(i));
    let path = flat.path.get(..usize::from(flat.depth)).unwrap_or(&[]);
    // Enumerate the shortest explicit list on the way; check the others.
    let mut shortest: Option<&[u32]> = None;
    for &i in path.iter().chain(core::iter::once(&flat.rule)) {
        if let Some(list) = rule_at(i).and_then(|r| t.syscalls_of(r)) {
            if shortest.is_none_or(|s| list.len() < s.len()) {
                shortest = Some(list);
            }
        }
    }
    let applies = |pos: u32| {
        path.iter()
            .chain(core::iter::once(&flat.rule))
            .all(|&i| rule_at(i).is_some_and(|r| names(t, r, pos, size)))
    };
    match shortest {
        Some(list) => {
            for &pos in list {
                if applies(pos) {
                    f(pos)?;
                }
            }
        }
        None => {
            for pos in 0..=size {
                f(pos)?;
            }
        }
    }
    Ok(())
}

/// The kind of entry rule `r` makes.
fn kind_of(r: &Rule) -> Kind {
    match r.target {
        Target::Allow => Kind::Decide(Action::Allow),
        Target::Verdict(p) => Kind::Decide(Action::of_policy(Some(p))),
        Target::Log => Kind::Log,
        Target::Learn(_) | Target::Jump(_) => Kind::Count,
    }
}

/// Whether `flat` decides unconditionally: it and every jump on its way has
/// no test, and it decides. Later rules of its bucket are unreachable.
fn unconditional(t: &Table, flat: &Flat) -> bool {
    let path = flat.path.get(..usize::from(flat.depth)).unwrap_or(&[]);
    let Some(r) = t.rules.get(usize::from(flat.rule)) else {
        return false;
    };
    matches!(kind_of(r), Kind::Decide(_))
        && path
            .iter()
            .chain(core::iter::once(&flat.rule))
            .all(|&i| t.rules.get(usize::from(i)).is_some_and(|r| r.tests.1 == 0))
}

/// Compiles one ABI's chain, appending its entries to `entries`.
fn compile_chain(
    t: &Table,
    rg: &Ranges,
    cat: &dyn Catalog,
    abi: usize,
    entries: &mut List<Entry>,
) -> Result<Chain, Error> {
    let size = cat.index_size(abi);
    let npos = size as usize + 1;
    let flat = flatten(t, rg, abi)?;
    // Pass 1: bucket sizes, with the same cut after an unconditional entry
    // as pass 2.
    let mut counts = alloc::filled(0u32, npos)?;
    let mut closed = alloc::filled(false, npos)?;
    for f in flat.iter() {
        let uncond = unconditional(t, f);
        positions(t, f, size, |pos| {
            let p = pos as usize;
            if closed.get(p) == Some(&false) {
                if let Some(c) = counts.get_mut(p) {
                    *c = c.saturating_add(1);
                }
                if uncond {
                    if let Some(c) = closed.get_mut(p) {
                        *c = true;
                    }
                }
            }
            Ok(())
        })?;
    }
    let base = entries.len();
    let total = counts
        .iter()
        .fold(0usize, |a, &c| a.saturating_add(c as usize));
    if base.saturating_add(total) > MAX_ENTRIES {
        return Err(Error::at(
            errnos::E2BIG,
            0,
            0,
            "table compiles to too many entries",
        ));
    }
    // Offsets, and the fill cursor of every bucket.
    let mut offsets = alloc::filled(0u32, npos + 1)?;
    let mut cursor = alloc::filled(0usize, npos)?;
    let mut at = base;
    for p in 0..npos {
        if let (Some(o), Some(c)) = (offsets.get_mut(p), cursor.get_mut(p)) {
            *o = at as u32;
            *c = at;
        }
        at = at.saturating_add(counts.get(p).map_or(0, |&c| c as usize));
    }
    if let Some(o) = offsets.get_mut(npos) {
        *o = at as u32;
    }
    let filler = Entry {
        rule: 0,
        path: [0; MAX_JUMP_DEPTH],
        depth: 0,
        kind: Kind::Count,
    };
    for _ in 0..total {
        alloc::push(entries, filler)?;
    }
    // Pass 2: fill.
    for c in closed.iter_mut() {
        *c = false;
    }
    for f in flat.iter() {
        let uncond = unconditional(t, f);
        let kind = t
            .rules
            .get(usize::from(f.rule))
            .map_or(Kind::Count, kind_of);
        let e = Entry {
            rule: f.rule,
            path: f.path,
            depth: f.depth,
            kind,
        };
        positions(t, f, size, |pos| {
            let p = pos as usize;
            if closed.get(p) != Some(&false) {
                return Ok(());
            }
            let slot = cursor.get_mut(p).and_then(|c| {
                let i = *c;
                *c += 1;
                entries.get_mut(i)
            });
            match slot {
                Some(s) => *s = e,
                None => return Err(Error::at(errnos::EINVAL, 0, 0, "bucket overflow")),
            }
            if uncond {
                if let Some(c) = closed.get_mut(p) {
                    *c = true;
                }
            }
            Ok(())
        })?;
    }
    let policy = Action::of_policy(t.policies.get(abi).copied().flatten());
    let may_allow = may_allow(cat, abi, size, &offsets, entries, policy)?;
    Ok(Chain {
        offsets,
        policy,
        may_allow,
    })
}

/// The [`Chain::may_allow`] bitmap.
fn may_allow(
    cat: &dyn Catalog,
    abi: usize,
    size: u32,
    offsets: &[u32],
    entries: &[Entry],
    policy: Action,
) -> Result<List<u64>, Error> {
    let npos = size as usize + 1;
    let mut bits = alloc::filled(0u64, npos.div_ceil(64))?;
    let static_allows = |a: Action, pos: u32| match a {
        Action::Allow => true,
        Action::Mode1 => pos < size && cat.mode_allows(abi, 1, pos),
        Action::Mode2 => pos < size && cat.mode_allows(abi, 2, pos),
        Action::Kill | Action::Errno(_) => false,
    };
    for pos in 0..npos {
        let (s, e) = (
            offsets.get(pos).copied().unwrap_or(0) as usize,
            offsets.get(pos + 1).copied().unwrap_or(0) as usize,
        );
        let bucket = entries.get(s..e).unwrap_or(&[]);
        let any = bucket.iter().any(|x| match x.kind {
            Kind::Decide(a) => static_allows(a, pos as u32),
            Kind::Log | Kind::Count => false,
        }) || static_allows(policy, pos as u32);
        if any {
            if let Some(w) = bits.get_mut(pos / 64) {
                *w |= 1u64 << (pos % 64);
            }
        }
    }
    Ok(bits)
}

/// Compiles a checked table (from [`super::parse`]). A table that deletes
/// (`*mode N delete`) compiles to no chains.
pub fn compile(table: Table, cat: &dyn Catalog) -> Result<Compiled, Error> {
    let rg = ranges(&table)?;
    let mut entries = alloc::new();
    let empty = || -> Result<Chain, Error> {
        Ok(Chain {
            offsets: alloc::new(),
            policy: Action::Kill,
            may_allow: alloc::new(),
        })
    };
    let mut chains = [empty()?, empty()?, empty()?];
    if !table.delete {
        for (abi, chain) in chains.iter_mut().enumerate().take(cat.abis().len()) {
            *chain = compile_chain(&table, &rg, cat, abi, &mut entries)?;
        }
    }
    Ok(Compiled {
        table,
        chains,
        entries,
    })
}

/// Whether `new` may allow some syscall that `old` never allows (by number:
/// a loosening that changes only arguments is not seen). The first such
/// syscalls are named in `err`'s detail as `abi name`.
pub fn loosens(old: &Compiled, new: &Compiled, cat: &dyn Catalog, err: &mut Error) -> bool {
    let mut found = false;
    for (abi, abi_name) in cat.abis().iter().enumerate() {
        let (Some(o), Some(n)) = (old.chains.get(abi), new.chains.get(abi)) else {
            continue;
        };
        for (w, &nw) in n.may_allow.iter().enumerate() {
            let mut fresh = nw & !o.may_allow.get(w).copied().unwrap_or(0);
            while fresh != 0 {
                let bit = fresh.trailing_zeros();
                fresh &= fresh - 1;
                let pos = (w as u32).saturating_mul(64).saturating_add(bit);
                if found {
                    err.add_detail(", ");
                }
                found = true;
                err.add_detail(abi_name);
                err.add_detail(" ");
                match cat.name_of(abi, pos) {
                    Some(name) => err.add_detail(name),
                    None => err.add_detail("(other)"),
                }
            }
        }
    }
    found
}

impl Compiled {
    /// The entries of the bucket of position `pos` of `abi`'s chain.
    pub fn bucket(&self, abi: usize, pos: usize) -> &[Entry] {
        let Some(chain) = self.chains.get(abi) else {
            return &[];
        };
        let (Some(&s), Some(&e)) = (chain.offsets.get(pos), chain.offsets.get(pos + 1)) else {
            return &[];
        };
        self.entries.get(s as usize..e as usize).unwrap_or(&[])
    }

    /// The decision on syscall position `pos` of `abi` if it does not depend
    /// on the arguments because the bucket starts with it: an entry that
    /// decides without tests on it or on the jumps that lead to it. The
    /// hot path can then decide and count it without evaluating.
    pub fn constant(&self, abi: usize, pos: usize) -> Option<(u16, Action)> {
        let e = self.bucket(abi, pos).first()?;
        let Kind::Decide(action) = e.kind else {
            return None;
        };
        let untested = |i: u16| {
            self.table
                .rules
                .get(usize::from(i))
                .is_some_and(|r| r.tests.1 == 0)
        };
        let path = e.path.get(..usize::from(e.depth)).unwrap_or(&[]);
        (untested(e.rule) && path.iter().all(|&j| untested(j))).then_some((e.rule, action))
    }
}
