// SPDX-License-Identifier: GPL-2.0

//! A [`Table`] back to text: the canonical form that `smctl save` prints,
//! the device returns and [`super::parse`] reads back to an equal table.
//!
//! Deterministic: built-in chains in ABI order, user chains in declaration
//! order, rules in the table's (canonical) order; every test with its width;
//! unsigned values and all masks in `0x` hex, signed values in decimal;
//! counters only when asked for.

use core::fmt::{self, Write};

use super::alloc::{self, List, Oom};
use super::ast::{ChainRef, Op, Policy, Ruleset, Table, Target, Test, MAX_ABIS};
use super::errno;
use super::Catalog;

/// How to print.
#[derive(Clone, Copy, Default)]
pub struct Opts<'a> {
    /// Syscall and errno numbers instead of names (`-n`).
    pub numeric: bool,
    /// Counters (`save -c`): one per rule of [`Table::rules`], then one per
    /// ABI policy; a missing one prints as 0.
    pub counters: Option<&'a [u64]>,
}

/// Appends to a byte list; a failed allocation is the only [`fmt::Error`].
struct Out<'a>(&'a mut List<u8>);

impl Write for Out<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        for &b in s.as_bytes() {
            alloc::push(self.0, b).map_err(|_| fmt::Error)?;
        }
        Ok(())
    }
}

/// Counts the bytes written instead of keeping them.
struct Measure(usize);

impl Write for Measure {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.0 = self.0.saturating_add(s.len());
        Ok(())
    }
}

/// Runs `f` on `out`; its [`fmt::Error`] means out of memory.
fn emit(out: &mut List<u8>, f: impl FnOnce(&mut Out<'_>) -> fmt::Result) -> Result<(), Oom> {
    f(&mut Out(out)).map_err(|_| Oom)
}

/// Appends every table of `rs`. With `opts.counters` set (to any slice),
/// each table prints its own [`Table::counts`].
pub fn ruleset(
    out: &mut List<u8>,
    rs: &Ruleset,
    cat: &dyn Catalog,
    opts: &Opts<'_>,
) -> Result<(), Oom> {
    for t in rs.tables.iter() {
        let own = Opts {
            numeric: opts.numeric,
            counters: opts.counters.map(|_| &*t.counts),
        };
        table(out, t, cat, &own)?;
    }
    Ok(())
}

/// Appends table `t` as one section, `COMMIT` included. On `Err` the list
/// holds part of the text, for the caller to drop.
pub fn table(out: &mut List<u8>, t: &Table, cat: &dyn Catalog, opts: &Opts<'_>) -> Result<(), Oom> {
    emit(out, |w| write_table(w, t, cat, opts))
}

/// Appends rule `index` of `t` without its chain: `-s ... -j TARGET` (for
/// `smctl -L`). Nothing if there is no such rule.
pub fn rule(
    out: &mut List<u8>,
    t: &Table,
    index: usize,
    cat: &dyn Catalog,
    opts: &Opts<'_>,
) -> Result<(), Oom> {
    emit(out, |w| write_rule(w, t, index, cat, opts))
}

/// The longest line [`table`] may print for rule `index` of `t`: with the
/// widest counter, by names or by numbers. The parser refuses a rule whose
/// line could exceed [`super::MAX_LINE`], so that every printed text parses.
pub fn longest_line(t: &Table, index: usize, cat: &dyn Catalog) -> usize {
    [false, true]
        .into_iter()
        .map(|numeric| {
            let mut m = Measure(0);
            let opts = Opts {
                numeric,
                counters: None,
            };
            // Measuring cannot fail.
            let _ = write_line(&mut m, t, index, cat, &opts, Some(u64::MAX));
            m.0
        })
        .max()
        .unwrap_or(0)
}

/// Appends a policy: `KILL`, `ERRNO EACCES`, ...
pub fn policy(out: &mut List<u8>, p: Policy, opts: &Opts<'_>) -> Result<(), Oom> {
    emit(out, |w| write_policy(w, p, opts))
}

/// The name of chain `c` of `t`: its ABI's or the user chain's.
pub fn chain_name<'t>(t: &'t Table, c: ChainRef, cat: &dyn Catalog) -> &'t str {
    match c {
        ChainRef::Builtin(abi) => abi_name(cat, abi),
        ChainRef::User(u) => t.users.get(usize::from(u)).map_or("?", |u| u.name.as_str()),
    }
}

/// The name of ABI `abi`.
fn abi_name(cat: &dyn Catalog, abi: u8) -> &'static str {
    cat.abis().get(usize::from(abi)).copied().unwrap_or("?")
}

/// The counter at `index`, if counters are printed.
fn count(opts: &Opts<'_>, index: usize) -> Option<u64> {
    opts.counters.map(|c| c.get(index).copied().unwrap_or(0))
}

/// Writes table `t`.
fn write_table(w: &mut Out<'_>, t: &Table, cat: &dyn Catalog, opts: &Opts<'_>) -> fmt::Result {
    write!(w, "*mode {}", t.mode)?;
    if t.delete {
        return w.write_str(" delete\nCOMMIT\n");
    }
    if !t.name.is_empty() {
        write!(w, " {}", t.name.as_str())?;
    }
    w.write_str("\n")?;
    for (abi, p) in t.policies.iter().enumerate().take(MAX_ABIS) {
        let Some(p) = *p else {
            continue;
        };
        write!(w, ":{} ", abi_name(cat, abi as u8))?;
        write_policy(w, p, opts)?;
        if let Some(n) = count(opts, t.rules.len().saturating_add(abi)) {
            write!(w, " [{n}]")?;
        }
        w.write_str("\n")?;
    }
    for u in t.users.iter() {
        writeln!(w, ":{} {}", u.name.as_str(), abi_name(cat, u.abi))?;
    }
    for i in 0..t.rules.len() {
        write_line(w, t, i, cat, opts, count(opts, i))?;
        w.write_str("\n")?;
    }
    w.write_str("COMMIT\n")
}

/// Writes the line of rule `index` of `t` (without its newline), with
/// `counter` in front if any.
fn write_line(
    w: &mut impl Write,
    t: &Table,
    index: usize,
    cat: &dyn Catalog,
    opts: &Opts<'_>,
    counter: Option<u64>,
) -> fmt::Result {
    let Some(r) = t.rules.get(index) else {
        return Ok(());
    };
    if let Some(n) = counter {
        write!(w, "[{n}] ")?;
    }
    write!(w, "-A {} ", chain_name(t, r.chain, cat))?;
    write_rule(w, t, index, cat, opts)
}

/// Writes rule `index` of `t` after its chain.
fn write_rule(
    w: &mut impl Write,
    t: &Table,
    index: usize,
    cat: &dyn Catalog,
    opts: &Opts<'_>,
) -> fmt::Result {
    let Some(r) = t.rules.get(index) else {
        return Ok(());
    };
    let abi = t.chain_abi(r.chain);
    if let Some(list) = t.syscalls_of(r) {
        w.write_str("-s ")?;
        for (i, &nr) in list.iter().enumerate() {
            if i > 0 {
                w.write_str(",")?;
            }
            match cat.name_of(usize::from(abi), nr) {
                Some(name) if !opts.numeric => w.write_str(name)?,
                _ => write!(w, "#{nr}")?,
            }
        }
        w.write_str(" ")?;
    }
    for test in t.tests_of(r) {
        write_test(w, t, test)?;
        w.write_str(" ")?;
    }
    w.write_str("-j ")?;
    match r.target {
        Target::Allow => w.write_str("ALLOW"),
        Target::Verdict(p) => write_policy(w, p, opts),
        Target::Log => w.write_str("LOG"),
        Target::Learn(mask) => write_learn(w, mask),
        Target::Jump(u) => w.write_str(chain_name(t, ChainRef::User(u), cat)),
    }
}

/// Writes a `LEARN` target: `LEARN a0,a2`.
fn write_learn(w: &mut impl Write, mask: u8) -> fmt::Result {
    w.write_str("LEARN")?;
    let mut sep = " ";
    for i in 0..6 {
        if mask & (1 << i) != 0 {
            write!(w, "{sep}a{i}")?;
            sep = ",";
        }
    }
    Ok(())
}

/// Appends the first line of a dump of the device: `# generation N`.
pub fn generation_line(out: &mut List<u8>, generation: u64) -> Result<(), Oom> {
    emit(out, |w| writeln!(w, "# generation {generation}"))
}

/// One learn-mode record, as the device's dump shows it after its table.
pub struct Learned<'a> {
    /// The table's mode.
    pub mode: u32,
    /// The chain (ABI index).
    pub chain: usize,
    /// The syscall's index position, `None` for numbers outside the index.
    pub pos: Option<u32>,
    /// Refused calls.
    pub hits: u64,
    /// The learned arguments (bit `i` for `aI`).
    pub mask: u8,
    /// Arguments that had more distinct values than were kept (printed `*`).
    pub overflow: u8,
    /// The kept values per argument.
    pub vals: [&'a [u64]; 6],
}

/// Appends `# learned MODE ABI NAME HITS [aI=V,...|aI=*]...`: NAME is the
/// syscall's name, `#NR` for a number of the ABI's table without one, or
/// `outside` for every number outside it (one record per chain).
pub fn learned(out: &mut List<u8>, r: &Learned<'_>, cat: &dyn Catalog) -> Result<(), Oom> {
    emit(out, |w| {
        write!(w, "# learned {} {} ", r.mode, abi_name(cat, r.chain as u8))?;
        match r.pos {
            Some(p) => match cat.name_of(r.chain, p) {
                Some(name) => w.write_str(name)?,
                None => write!(w, "#{p}")?,
            },
            None => w.write_str("outside")?,
        }
        write!(w, " {}", r.hits)?;
        for (arg, vals) in r.vals.iter().enumerate() {
            if r.mask & (1 << arg) == 0 {
                continue;
            }
            write!(w, " a{arg}=")?;
            if r.overflow & (1 << arg) != 0 {
                w.write_str("*")?;
                continue;
            }
            for (i, v) in vals.iter().enumerate() {
                write!(w, "{}{v:#x}", if i > 0 { "," } else { "" })?;
            }
        }
        w.write_str("\n")
    })
}

/// Appends `# learned MODE dropped N`.
pub fn learned_dropped(out: &mut List<u8>, mode: u32, dropped: u64) -> Result<(), Oom> {
    emit(out, |w| writeln!(w, "# learned {mode} dropped {dropped}"))
}

/// Writes an argument test: `[! ]--aI:W OP VALUE...`.
fn write_test(w: &mut impl Write, t: &Table, test: &Test) -> fmt::Result {
    if test.neg {
        w.write_str("! ")?;
    }
    write!(
        w,
        "--a{}:{} {} ",
        test.arg,
        test.width.name(),
        test.op.name()
    )?;
    match test.op {
        Op::In => {
            for (i, &v) in t.values_of(test).iter().enumerate() {
                if i > 0 {
                    w.write_str(",")?;
                }
                write_value(w, test, v)?;
            }
            Ok(())
        }
        Op::Masked => write!(w, "{:#x} {:#x}", test.a, test.b),
        Op::BitsSet | Op::BitsClear => write!(w, "{:#x}", test.a),
        Op::Eq | Op::Ne | Op::Lt | Op::Le | Op::Gt | Op::Ge => write_value(w, test, test.a),
    }
}

/// Writes a comparison value: decimal for signed widths, hex otherwise.
fn write_value(w: &mut impl Write, test: &Test, v: u64) -> fmt::Result {
    if test.width.signed() {
        write!(w, "{}", v as i64)
    } else {
        write!(w, "{v:#x}")
    }
}

/// Writes a policy or verdict.
fn write_policy(w: &mut impl Write, p: Policy, opts: &Opts<'_>) -> fmt::Result {
    match p {
        Policy::Kill => w.write_str("KILL"),
        Policy::Errno(e) => match errno::name_of(e) {
            Some(name) if !opts.numeric => write!(w, "ERRNO {name}"),
            _ => write!(w, "ERRNO {e}"),
        },
        Policy::Enosys => w.write_str("ENOSYS"),
        Policy::Mode2 => w.write_str("MODE2"),
        Policy::Mode1 => w.write_str("MODE1"),
    }
}
