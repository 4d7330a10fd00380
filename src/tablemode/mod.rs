// SPDX-License-Identifier: GPL-2.0

//! The kernel side of the table modes (3 and up): the loaded tables, the
//! decision on a syscall of a process in one, the atomic commit and the
//! dump. The language itself (parser, compiler, evaluator, printer) is in
//! [`crate::rules`]; the loader's device in [`device`].
//!
//! A table lives in one of [`TABLE_SLOTS`] slots; a process in table mode
//! has the mode word [`policy::table_word`] of its slot. The slot's current
//! generation (compiled table and per-CPU counters) is published under RCU,
//! so a commit replaces it while processes keep deciding with the old one
//! until they are done with it, as `net/netfilter/x_tables.c` replaces a
//! table. A slot's table cannot be deleted while a process is confined in
//! it, so a table word always leads to a table.

pub(crate) mod catalog;
pub(crate) mod device;

use kernel::new_spinlock;
use kernel::prelude::*;
use kernel::sync::atomic::{Atomic, Relaxed};
use kernel::sync::SpinLock;

use crate::arch;
use crate::ffi;
use crate::policy::{self, TABLE_SLOTS};
use crate::rules::alloc::List;
use crate::rules::ast::{ChainRef, Target, MAX_ABIS};
use crate::rules::compile::{self, Action, Compiled};
use crate::rules::{self, errnos, eval, parse, print, Catalog, Error as RuleError};
use crate::tables::{tables, Abi};
use crate::tables_ffi::{self, FastTable, PerCpu, RcuSlot, RetireNode, FAST_NRS, REGISTRY};

use catalog::ArchCatalog;

/// One generation of a table: what processes in its mode decide with.
pub(crate) struct Gen {
    /// The compiled table.
    compiled: Compiled,
    /// One counter per rule and per chain policy.
    counters: PerCpu,
    /// The counters' sums when they were last zeroed: what the dump shows
    /// is the sum minus this (zeroing never races the per-CPU increments).
    baseline: KVec<Atomic<u64>>,
    /// The constant `ALLOW`s, for the C probe.
    fast: KBox<FastTable>,
    /// Commits of this table so far (1 for the first load).
    number: u64,
    /// What learn mode recorded: the calls refused to processes in this
    /// generation's complain mode.
    learned: Pin<KBox<SpinLock<Learned>>>,
}

/// Distinct values kept per learned argument.
const LEARN_VALUES: usize = 16;
/// Distinct syscalls recorded per table generation.
const LEARN_RECORDS: usize = 512;

/// One refused syscall in learn mode.
#[derive(Clone, Copy)]
struct Record {
    /// The chain (ABI index).
    chain: u8,
    /// The index position ([`catalog::index_of`]); `None`: every number
    /// outside the index (one record per chain, so that a learned process
    /// cannot fill the records with numbers no rule can name).
    pos: Option<u32>,
    /// Refused calls.
    hits: u64,
    /// The arguments learned (bit `i` for `aI`).
    mask: u8,
    /// Distinct values kept per argument; `LEARN_VALUES + 1`: more were
    /// seen than kept.
    nvals: [u8; 6],
    /// The values, at the parameter's width.
    vals: [[u64; LEARN_VALUES]; 6],
}

/// The learn-mode records of a table generation, under a spinlock: only
/// refused calls of processes in complain mode take it, allowed calls never.
pub(crate) struct Learned {
    records: KVec<Record>,
    /// Refused calls that could not be recorded (limit or memory).
    dropped: u64,
}

impl Learned {
    /// Records a refused call of `chain` with index position `pos`,
    /// learning the arguments of `mask`.
    fn record(&mut self, chain: usize, pos: Option<u32>, mask: u8, args: &[u64; 6]) {
        let found = self
            .records
            .iter()
            .position(|r| usize::from(r.chain) == chain && r.pos == pos);
        let i = match found {
            Some(i) => i,
            None => {
                let r = Record {
                    chain: chain as u8,
                    pos,
                    hits: 0,
                    mask: 0,
                    nvals: [0; 6],
                    vals: [[0; LEARN_VALUES]; 6],
                };
                // Allocation failure or the limit: counted, never fatal.
                let flags = GFP_ATOMIC | kernel::alloc::flags::__GFP_NOWARN;
                if self.records.len() >= LEARN_RECORDS || self.records.push(r, flags).is_err() {
                    self.dropped = self.dropped.saturating_add(1);
                    return;
                }
                self.records.len() - 1
            }
        };
        let Some(r) = self.records.get_mut(i) else {
            return;
        };
        r.hits = r.hits.saturating_add(1);
        r.mask |= mask;
        for arg in 0..6 {
            if mask & (1 << arg) == 0 {
                continue;
            }
            let size = pos
                .and_then(|p| ArchCatalog.arg_size(chain, p, arg))
                .unwrap_or(8);
            let raw_v = args.get(arg).copied().unwrap_or(0);
            let v = if size >= 8 {
                raw_v
            } else {
                raw_v & ((1u64 << (u32::from(size) * 8)) - 1)
            };
            let (Some(n), Some(vals)) = (r.nvals.get_mut(arg), r.vals.get_mut(arg)) else {
                continue;
            };
            let kept = usize::from(*n).min(LEARN_VALUES);
            if vals.get(..kept).is_some_and(|k| k.contains(&v)) {
                continue;
            }
            match vals.get_mut(usize::from(*n)) {
                Some(slot) => {
                    *slot = v;
                    *n += 1;
                }
                None => *n = (LEARN_VALUES + 1) as u8,
            }
        }
    }
}

impl Gen {
    /// Hits of counter `i` since the table was loaded or last zeroed.
    fn count(&self, i: usize) -> u64 {
        let base = self.baseline.get(i).map_or(0, |b| b.load(Relaxed));
        self.counters.sum(i as u32).wrapping_sub(base)
    }

    /// Zeroes every counter.
    fn zero(&self) {
        for (i, b) in self.baseline.iter().enumerate() {
            b.store(self.counters.sum(i as u32), Relaxed);
        }
    }
}

/// Records a call of a process in complain mode in table slot `slot` that
/// the table refuses: syscall `nr` of `abi` with registers `args` (cut as
/// the kernel cuts them), learning the arguments of `mask` (the `LEARN`
/// rules that matched on the way).
pub(crate) fn learn(slot: u8, abi: Abi, nr: i64, args: &[u64; 6], mask: u8) {
    let Some(s) = SLOTS.get(usize::from(slot)) else {
        return;
    };
    s.with(|g| {
        if let Some(g) = g {
            let chain = arch::THIS.position(abi);
            let pos = catalog::index_of(chain, nr);
            g.learned.lock().record(chain, pos, mask, args);
        }
    });
}

/// The published generation of every slot.
static SLOTS: [RcuSlot<Gen>; TABLE_SLOTS] = [const { RcuSlot::new() }; TABLE_SLOTS];

/// Whether table modes are on (module parameter `tables`).
static ENABLED: Atomic<bool> = Atomic::new(false);

/// The table registry, under [`REGISTRY`]: which mode each slot holds.
pub(crate) struct Registry {
    /// The mode number of each slot; 0 = free.
    modes: [u32; TABLE_SLOTS],
    /// The last generation number of each slot.
    gens: [u64; TABLE_SLOTS],
    /// Commits that changed the tables since the module was loaded: what a
    /// read-modify-write commit (`SM_COMMIT_IF_GEN`) expects unchanged.
    generation: u64,
}

impl Registry {
    /// No table loaded.
    pub(crate) const fn new() -> Self {
        Self {
            modes: [0; TABLE_SLOTS],
            gens: [0; TABLE_SLOTS],
            generation: 0,
        }
    }

    fn slot_of(&self, mode: u32) -> Option<usize> {
        self.modes.iter().position(|&m| m == mode && m != 0)
    }
}

/// Turns table modes on or off (module init, before anything runs).
pub(crate) fn set_enabled(on: bool) {
    ENABLED.store(on, Relaxed);
}

/// Whether table modes are on.
pub(crate) fn enabled() -> bool {
    ENABLED.load(Relaxed)
}

/// Calls `f` with the slot of table `mode`, under the registry lock (a
/// table cannot be deleted meanwhile); `ENOENT` if no such table.
pub(crate) fn with_table<R>(mode: u32, f: impl FnOnce(u8) -> Result<R>) -> Result<R> {
    let reg = REGISTRY.lock();
    let slot = reg.slot_of(mode).ok_or(ENOENT)?;
    f(slot as u8)
}

/// The mode number of table slot `slot`, if a table is there.
pub(crate) fn mode_of(slot: u8) -> Option<u32> {
    SLOTS
        .get(usize::from(slot))?
        .with(|g| g.map(|g| g.compiled.table.mode))
}

/// How many confined processes are in table slot `slot`.
fn confined_in(slot: usize) -> usize {
    let mut n = 0;
    ffi::procs_for_each(|_, word| {
        if policy::table_slot(word).is_some_and(|(s, _)| usize::from(s) == slot) {
            n += 1;
        }
    });
    n
}

/// The outcome of a syscall in a table mode.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Outcome {
    /// It runs.
    Allow,
    /// It fails with this errno.
    Errno(u16),
    /// The static mode (1 or 2) decides.
    Static(u8),
    /// A violation (kill, or log in complain mode).
    Kill,
}

/// Which rule or policy decided, for the log line (`rule=<chain>#<n>` or
/// `rule=<chain>:policy`).
#[derive(Clone, Copy)]
pub(crate) struct Label {
    chain: [u8; rules::MAX_NAME],
    /// 0 for the policy.
    number: u32,
}

impl kernel::fmt::Display for Label {
    fn fmt(&self, f: &mut kernel::fmt::Formatter<'_>) -> kernel::fmt::Result {
        let len = self
            .chain
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(self.chain.len());
        let name = core::str::from_utf8(self.chain.get(..len).unwrap_or(&[])).unwrap_or("?");
        if self.number == 0 {
            write!(f, "{name}:policy")
        } else {
            write!(f, "{name}#{}", self.number)
        }
    }
}

fn label(g: &Gen, abi: usize, counter: u32) -> Label {
    let t = &g.compiled.table;
    let mut chain = [0u8; rules::MAX_NAME];
    let (name, number) = match t.rules.get(counter as usize) {
        Some(r) => {
            let name = match r.chain {
                ChainRef::Builtin(a) => ArchCatalog::name(usize::from(a)),
                ChainRef::User(u) => t.users.get(usize::from(u)).map_or("?", |u| u.name.as_str()),
            };
            (name, t.rule_number(counter as usize) as u32)
        }
        None => (ArchCatalog::name(abi), 0),
    };
    for (d, s) in chain.iter_mut().zip(name.bytes()) {
        *d = s;
    }
    Label { chain, number }
}

/// The decision on syscall `nr` of `abi` of a process in table slot
/// `slot` and returns the outcome and its label. With `count`, counts the
/// hit and reports the `LOG` rules that matched on the way to `on_log`
/// (label, rule index, table generation). An empty
/// slot (cannot happen: a table in use is never deleted) is a violation.
#[inline]
pub(crate) fn decide(
    slot: u8,
    abi: Abi,
    nr: i64,
    args: &[u64; 6],
    count: bool,
    mut on_log: impl FnMut(Label, u16, u64),
) -> (Outcome, Option<Label>, u8) {
    let Some(s) = SLOTS.get(usize::from(slot)) else {
        return (Outcome::Kill, None, 0);
    };
    s.with(|g| {
        let Some(g) = g else {
            return (Outcome::Kill, None, 0);
        };
        let mut learn = 0u8;
        let chain = arch::THIS.position(abi);
        let pos = catalog::index_of(chain, nr);
        let d = eval::eval(
            &g.compiled,
            chain,
            pos,
            args,
            ffi::array_index_nospec,
            |rule, log| {
                if count {
                    g.counters.inc(u32::from(rule));
                    if log {
                        on_log(label(g, chain, u32::from(rule)), rule, g.number);
                    } else if let Some(Target::Learn(m)) = g
                        .compiled
                        .table
                        .rules
                        .get(usize::from(rule))
                        .map(|r| r.target)
                    {
                        learn |= m;
                    }
                }
            },
        );
        if count {
            g.counters.inc(d.counter);
        }
        let outcome = match d.action {
            Action::Allow => return (Outcome::Allow, None, 0),
            Action::Errno(e) => return (Outcome::Errno(e), None, 0),
            Action::Mode1 => Outcome::Static(policy::MODE_STRICT),
            Action::Mode2 => Outcome::Static(policy::MODE_DAEMON),
            Action::Kill => Outcome::Kill,
        };
        (outcome, Some(label(g, chain, d.counter)), learn)
    })
}

/// The fast path of a compiled table: every syscall of the native and compat
/// ABIs whose decision does not depend on the arguments and is `ALLOW` or an
/// errno —
/// its bucket starts with an untested decision (a `MODE1`/`MODE2` one if
/// the static table allows the call whatever the arguments), or it is empty
/// and the policy is `ERRNO`/`ENOSYS`, or `MODE1`/`MODE2` falling through to
/// such a static allow — except the module's `prctl`, which the slow path
/// always handles first. Kills are never constant: they log.
fn fast_table(c: &Compiled, counters: &PerCpu) -> Result<KBox<FastTable>> {
    let mut fast = FastTable::new(counters)?;
    for (chain, abi) in [(0usize, arch::THIS.native()), (1, arch::THIS.compat())] {
        let Some(t) = tables(abi) else {
            continue;
        };
        // The answer of `action` for syscall `nr`, if constant: 0 = allow.
        let constant = |action: Action, nr: usize| match action {
            Action::Allow => Some(0u16),
            Action::Errno(e) => Some(e),
            Action::Mode1 => t.allows_fast(policy::MODE_STRICT, nr as i64).then_some(0),
            Action::Mode2 => t.allows_fast(policy::MODE_DAEMON, nr as i64).then_some(0),
            Action::Kill => None,
        };
        let policy = c.chains.get(chain).map_or(Action::Kill, |ch| ch.policy);
        for nr in 0..FAST_NRS.min(ArchCatalog.index_size(chain) as usize) {
            if nr == t.prctl as usize {
                continue;
            }
            let decided = match c.constant(chain, nr) {
                Some((rule, action)) => constant(action, nr).map(|e| (rule, e)),
                None if c.bucket(chain, nr).is_empty() => {
                    constant(policy, nr).map(|e| (c.policy_counter(chain) as u16, e))
                }
                None => None,
            };
            if let Some((counter, errno)) = decided {
                fast.set(chain == 1, nr, counter, errno, counters);
            }
        }
    }
    Ok(fast)
}

/// The result of a commit, as the ioctl reports it.
pub(crate) struct CommitError {
    /// The errno.
    pub(crate) errno: Error,
    /// Where and what.
    pub(crate) detail: RuleError,
    /// The tables' generation, if the commit got as far as the registry
    /// (0 otherwise: the loader reads it again anyway).
    pub(crate) generation: u64,
}

impl From<RuleError> for CommitError {
    fn from(e: RuleError) -> Self {
        Self {
            errno: Error::from_errno(-e.errno),
            detail: e,
            generation: 0,
        }
    }
}

/// `ENOENT`, `EBUSY` and `EPERM` as positive numbers, for commit errors.
const ENOENT_NR: i32 = 2;
const EBUSY_NR: i32 = 16;
const EPERM_NR: i32 = 1;

fn fail(errno: i32, msg: &'static str) -> CommitError {
    CommitError::from(RuleError::at(errno, 0, 0, msg))
}

/// What a commit is asked to do besides replacing the tables.
#[derive(Clone, Copy, Default)]
pub(crate) struct CommitOpts {
    /// Stop before changing anything.
    pub(crate) test: bool,
    /// A table with confined processes may newly allow syscalls.
    pub(crate) loosen: bool,
    /// Only if the tables are still at this generation (`EAGAIN` if not).
    pub(crate) if_gen: Option<u64>,
}

/// Parses, checks and compiles `text` and replaces every table it names,
/// all or none, as `opts` says. Returns the tables' generation after it.
pub(crate) fn commit(text: &[u8], opts: CommitOpts) -> Result<u64, CommitError> {
    let CommitOpts {
        test,
        loosen,
        if_gen,
    } = opts;
    let cat = ArchCatalog;
    let rs = parse::parse(text, &cat)?;
    // Compile everything and allocate every counter before taking the lock:
    // an allocation failure leaves the old tables untouched.
    let mut news: KVec<(u32, bool, Option<KBox<Gen>>)> = KVec::new();
    for t in rs.tables.into_iter() {
        let (mode, delete) = (t.mode, t.delete);
        let gen = if delete {
            None
        } else {
            let rules_n = t.rules.len();
            let compiled = compile::compile(t, &cat)?;
            let counters = PerCpu::new((rules_n + MAX_ABIS) as u32)
                .map_err(|_| CommitError::from(RuleError::oom()))?;
            let fast = fast_table(&compiled, &counters)
                .map_err(|_| CommitError::from(RuleError::oom()))?;
            let mut baseline = KVec::new();
            for _ in 0..compiled.counters() {
                baseline
                    .push(Atomic::new(0), tables_ffi::GFP)
                    .map_err(|_| CommitError::from(RuleError::oom()))?;
            }
            let learned = KBox::pin_init(
                new_spinlock!(Learned {
                    records: KVec::new(),
                    dropped: 0,
                }),
                tables_ffi::GFP,
            )
            .map_err(|_| CommitError::from(RuleError::oom()))?;
            let g = Gen {
                compiled,
                counters,
                baseline,
                fast,
                number: 0,
                learned,
            };
            Some(KBox::new(g, tables_ffi::GFP).map_err(|_| CommitError::from(RuleError::oom()))?)
        };
        news.push((mode, delete, gen), tables_ffi::GFP)
            .map_err(|_| CommitError::from(RuleError::oom()))?;
    }
    // Loosenings done with the flag, logged once published.
    let mut loosened: KVec<(u32, RuleError)> = KVec::new();
    // One retirement node per table named: publishing cannot fail.
    let mut nodes: KVec<RetireNode> = KVec::new();
    for _ in 0..news.len() {
        let node = RetireNode::new().map_err(|_| CommitError::from(RuleError::oom()))?;
        nodes
            .push(node, tables_ffi::GFP)
            .map_err(|_| CommitError::from(RuleError::oom()))?;
    }
    let generation = {
        let mut reg = REGISTRY.lock();
        let now = reg.generation;
        let fail = |errno, msg| CommitError {
            generation: now,
            ..fail(errno, msg)
        };
        if if_gen.is_some_and(|g| g != reg.generation) {
            return Err(fail(
                errnos::EAGAIN,
                "the tables changed since they were read (read again and retry)",
            ));
        }
        // Check everything first, applying the commit to a copy of the
        // slot map: which slot each table goes to is decided here, so that
        // publishing below cannot fail half-way.
        let mut modes = reg.modes;
        let mut slots: KVec<usize> = KVec::new();
        slots
            .reserve(news.len(), tables_ffi::GFP)
            .map_err(|_| CommitError::from(RuleError::oom()))?;
        let mut total: usize = 0;
        for (i, &m) in reg.modes.iter().enumerate() {
            if m != 0 && !news.iter().any(|n| n.0 == m) {
                total += SLOTS
                    .get(i)
                    .and_then(|s| s.get_locked(&reg))
                    .map_or(0, |g| g.compiled.table.rules.len());
            }
        }
        for (mode, delete, gen) in news.iter() {
            let slot = match (modes.iter().position(|&m| m == *mode), delete) {
                (Some(s), true) => {
                    if confined_in(s) > 0 {
                        return Err(fail(EBUSY_NR, "table is in use by confined processes"));
                    }
                    s
                }
                (None, true) => return Err(fail(ENOENT_NR, "no table with this number to delete")),
                (None, false) => modes
                    .iter()
                    .position(|&m| m == 0)
                    .ok_or_else(|| fail(errnos::ENOSPC, "too many tables"))?,
                (Some(s), false) => s,
            };
            if let Some(m) = modes.get_mut(slot) {
                *m = if *delete { 0 } else { *mode };
            }
            // Reserved above: cannot fail.
            let _ = slots.push(slot, tables_ffi::GFP);
            if let Some(g) = gen {
                total += g.compiled.table.rules.len();
            }
        }
        if total > rules::MAX_RULES {
            return Err(fail(errnos::E2BIG, "too many rules in all tables"));
        }
        for (mode, _, gen) in news.iter() {
            let (Some(s), Some(new)) = (reg.slot_of(*mode), gen) else {
                continue;
            };
            if confined_in(s) == 0 {
                continue;
            }
            let mut err = RuleError::at(
                EPERM_NR,
                0,
                0,
                "commit newly allows syscalls to confined processes (loosen flag needed)",
            );
            let loosens = SLOTS
                .get(s)
                .and_then(|slot| slot.get_locked(&reg))
                .is_some_and(|old| compile::loosens(&old.compiled, &new.compiled, &cat, &mut err));
            if loosens && !loosen {
                return Err(CommitError {
                    generation: now,
                    ..CommitError::from(err)
                });
            }
            if loosens {
                loosened
                    .push((*mode, err), tables_ffi::GFP)
                    .map_err(|_| CommitError::from(RuleError::oom()))?;
            }
        }
        if test {
            return Ok(reg.generation);
        }
        // Publish: nothing below can fail.
        reg.modes = modes;
        reg.generation += 1;
        let items = news.iter_mut().zip(slots.iter()).zip(nodes.drain_all());
        for (((_, _, gen), &slot), node) in items {
            let Some(s) = SLOTS.get(slot) else {
                continue;
            };
            let number = match (reg.gens.get_mut(slot), gen.is_some()) {
                (Some(n), true) => {
                    *n += 1;
                    *n
                }
                (Some(n), false) => {
                    *n = 0;
                    0
                }
                (None, _) => 0,
            };
            let new = gen.take().map(|mut g| {
                g.number = number;
                g
            });
            tables_ffi::publish_fast(&reg, slot, new.as_ref().map(|g| &*g.fast));
            s.replace(&reg, new, node);
        }
        reg.generation
    };
    for (mode, what) in loosened.iter() {
        pr_info!(
            "table {} loosened for its confined processes by pid {}: {}\n",
            mode,
            ffi::with_current(|t| t.tgid()),
            what.detail()
        );
    }
    Ok(generation)
}

/// The enforced tables as `smctl save -c` text, appended to `out`, in
/// mode order, after a line `# generation N`.
pub(crate) fn dump(out: &mut List<u8>) -> Result {
    let cat = ArchCatalog;
    let reg = REGISTRY.lock();
    print::generation_line(out, reg.generation).map_err(|_| ENOMEM)?;
    // In mode order: the next larger mode each time (at most 64 slots).
    let mut last = 0u32;
    while let Some((m, i)) = reg
        .modes
        .iter()
        .enumerate()
        .filter(|&(_, &m)| m > last)
        .map(|(i, &m)| (m, i))
        .min()
    {
        last = m;
        let Some(g) = SLOTS.get(i).and_then(|s| s.get_locked(&reg)) else {
            continue;
        };
        let mut counts: KVec<u64> = KVec::from_elem(0, g.compiled.counters(), tables_ffi::GFP)?;
        for (i, c) in counts.iter_mut().enumerate() {
            *c = g.count(i);
        }
        let opts = print::Opts {
            numeric: false,
            counters: Some(&counts),
        };
        print::table(out, &g.compiled.table, &cat, &opts).map_err(|_| ENOMEM)?;
        dump_learned(out, m, &g.learned)?;
    }
    Ok(())
}

/// Appends learn mode's records of table `mode` (see [`print::learned`]).
/// Each record is copied out under the spinlock and printed outside it.
fn dump_learned(out: &mut List<u8>, mode: u32, learned: &SpinLock<Learned>) -> Result {
    let cat = ArchCatalog;
    let mut i = 0;
    loop {
        let Some(r) = learned.lock().records.get(i).copied() else {
            break;
        };
        i += 1;
        let mut overflow = 0u8;
        let mut vals: [&[u64]; 6] = [&[]; 6];
        for (arg, v) in vals.iter_mut().enumerate() {
            let n = usize::from(r.nvals.get(arg).copied().unwrap_or(0));
            if n > LEARN_VALUES {
                overflow |= 1 << arg;
            }
            *v = r
                .vals
                .get(arg)
                .and_then(|a| a.get(..n.min(LEARN_VALUES)))
                .unwrap_or(&[]);
        }
        let rec = print::Learned {
            mode,
            chain: usize::from(r.chain),
            pos: r.pos,
            hits: r.hits,
            mask: r.mask,
            overflow,
            vals,
        };
        print::learned(out, &rec, &cat).map_err(|_| ENOMEM)?;
    }
    let dropped = learned.lock().dropped;
    if dropped > 0 {
        print::learned_dropped(out, mode, dropped).map_err(|_| ENOMEM)?;
    }
    Ok(())
}

/// Frees every table (module unload: no process is confined any more).
pub(crate) fn unload_all() {
    let mut reg = REGISTRY.lock();
    for (i, s) in SLOTS.iter().enumerate() {
        if let Some(m) = reg.modes.get_mut(i) {
            *m = 0;
        }
        tables_ffi::publish_fast(&reg, i, None);
        s.clear_sync(&reg);
    }
}

/// Zeroes the counters of table `mode`, or of every table (`None`);
/// `ENOENT` if there is no table `mode`.
pub(crate) fn zero(mode: Option<u32>) -> Result {
    let reg = REGISTRY.lock();
    let mut found = false;
    for (i, &m) in reg.modes.iter().enumerate() {
        if m == 0 || mode.is_some_and(|want| want != m) {
            continue;
        }
        if let Some(g) = SLOTS.get(i).and_then(|s| s.get_locked(&reg)) {
            g.zero();
            found = true;
        }
    }
    if found || mode.is_none() {
        Ok(())
    } else {
        Err(ENOENT)
    }
}
