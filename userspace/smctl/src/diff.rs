// SPDX-License-Identifier: GPL-2.0

//! `smctl diff FILE`: what committing FILE (`smctl restore FILE`) would
//! newly allow or newly refuse, per table, ABI chain and syscall.
//!
//! Both sides are compiled with the module's own compiler; for every
//! syscall number of every ABI the bucket the hot path would look at gives
//! the possible outcomes: the decisions of its entries up to the first one
//! without tests, and the policy if no such entry ends it (`MODE1`/`MODE2`
//! become "allowed by the static table" or `KILL`, as the static table
//! says for the number). A syscall whose outcomes and argument tests are
//! the same on both sides is not reported; otherwise it is
//!
//! - **newly allowed** if the current table never allows it and FILE may,
//! - **newly refused** if the current table never refuses it and FILE may,
//! - **changed** otherwise (another errno, kill instead of errno, other
//!   argument tests, ...),
//!
//! with the outcomes before and after (`ALLOW | ERRNO EACCES` when they
//! depend on the arguments). Numbers without a syscall name (gaps in the
//! table, numbers past its end) are summed up in one line per change.
//! `LOG` rules, counters and rule order that decide nothing differently are
//! no difference.
//!
//! Tables that FILE does not name are not touched by a commit and not
//! compared. A table FILE creates or deletes is a difference.
//!
//! Exit status, as diff(1): 0 no difference, 1 differences, 2 trouble (a
//! usage error, FILE unreadable or wrong, the device unreadable).

use std::collections::BTreeSet;
use std::fmt;

use smrules::catalog::ArchCatalog;
use smrules::rules::ast::{Op, Table};
use smrules::rules::compile::{self, Action, Compiled, Kind};
use smrules::rules::{errno, parse, Catalog};

/// A possible outcome of a syscall.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    /// It runs.
    Allow,
    /// A static mode's table allows the number (with its own argument
    /// checks, if any).
    Static(u8),
    /// It fails with an errno.
    Errno(u16),
    /// The process is killed.
    Kill,
}

impl Outcome {
    /// Whether the call runs.
    fn allows(self) -> bool {
        matches!(self, Outcome::Allow | Outcome::Static(_))
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Allow => write!(f, "ALLOW"),
            Outcome::Static(m) => write!(f, "MODE{m} (allowed)"),
            Outcome::Errno(e) => match errno::name_of(*e) {
                Some(n) => write!(f, "ERRNO {n}"),
                None => write!(f, "ERRNO {e}"),
            },
            Outcome::Kill => write!(f, "KILL"),
        }
    }
}

/// What a table does with one syscall position: the possible outcomes and
/// a signature of the decision (outcomes with their argument tests).
#[derive(Debug, PartialEq, Eq)]
struct Decision {
    outcomes: BTreeSet<Outcome>,
    signature: Vec<String>,
}

/// The outcome of `action` for position `pos` of `abi` (index `size`).
fn outcome_of(cat: &ArchCatalog, action: Action, abi: usize, pos: u32, size: u32) -> Outcome {
    let stat = |m: u8| {
        if pos < size && cat.mode_allows(abi, m, pos) {
            Outcome::Static(m)
        } else {
            Outcome::Kill
        }
    };
    match action {
        Action::Allow => Outcome::Allow,
        Action::Kill => Outcome::Kill,
        Action::Errno(e) => Outcome::Errno(e),
        Action::Mode1 => stat(1),
        Action::Mode2 => stat(2),
    }
}

/// The tests of rule `i` of `t`, as a comparable text.
fn tests_sig(t: &Table, i: u16) -> String {
    let Some(r) = t.rules.get(usize::from(i)) else {
        return String::new();
    };
    t.tests_of(r)
        .iter()
        .map(|x| {
            let values = if x.op == Op::In {
                format!("{:?}", t.values_of(x))
            } else {
                String::new()
            };
            format!(
                "{}a{}:{}/{} {} {:#x} {:#x}{values}",
                if x.neg { "!" } else { "" },
                x.arg,
                x.width.name(),
                x.size,
                x.op.name(),
                x.a,
                x.b
            )
        })
        .collect::<Vec<_>>()
        .join(" & ")
}

/// What compiled table `c` decides for position `pos` of `abi`.
fn decision(cat: &ArchCatalog, c: &Compiled, abi: usize, pos: u32) -> Decision {
    let size = cat.index_size(abi);
    let t = &c.table;
    let mut d = Decision {
        outcomes: BTreeSet::new(),
        signature: Vec::new(),
    };
    for e in c.bucket(abi, pos as usize) {
        let Kind::Decide(action) = e.kind else {
            continue;
        };
        let o = outcome_of(cat, action, abi, pos, size);
        let path = e.path.get(..usize::from(e.depth)).unwrap_or(&[]);
        let tests: Vec<String> = path
            .iter()
            .chain(std::iter::once(&e.rule))
            .map(|&i| tests_sig(t, i))
            .filter(|s| !s.is_empty())
            .collect();
        d.outcomes.insert(o);
        d.signature.push(format!("{} -> {o}", tests.join(" & ")));
        if tests.is_empty() {
            return d;
        }
    }
    let policy = c.chains.get(abi).map_or(Action::Kill, |ch| ch.policy);
    let o = outcome_of(cat, policy, abi, pos, size);
    d.outcomes.insert(o);
    d.signature.push(format!("-> {o}"));
    d
}

/// The outcomes as text: `ALLOW`, `ALLOW | ERRNO EACCES (depends on
/// arguments)`.
fn outcomes_text(set: &BTreeSet<Outcome>) -> String {
    let s = set
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(" | ");
    if set.len() > 1 {
        format!("{s} (depends on arguments)")
    } else {
        s
    }
}

/// How one syscall's decision changes.
fn kind_of_change(old: &Decision, new: &Decision) -> &'static str {
    let allows = |d: &Decision| d.outcomes.iter().any(|o| o.allows());
    let refuses = |d: &Decision| d.outcomes.iter().any(|o| !o.allows());
    if allows(new) && !allows(old) {
        "newly allowed"
    } else if refuses(new) && !refuses(old) {
        "newly refused"
    } else if old.outcomes == new.outcomes {
        "argument tests change"
    } else {
        "changed"
    }
}

/// The result: the report's lines and whether anything differs.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Report {
    /// What `smctl diff` prints.
    pub lines: Vec<String>,
    /// Whether committing would change a decision or a table.
    pub differs: bool,
}

/// A table's heading: `*mode 3 netd`.
fn heading(t: &Table) -> String {
    if t.name.is_empty() {
        format!("*mode {}", t.mode)
    } else {
        format!("*mode {} {}", t.mode, t.name.as_str())
    }
}

/// The changes from `old` to `new`, one line each, per ABI.
fn compare(cat: &ArchCatalog, old: &Compiled, new: &Compiled, out: &mut Vec<String>) -> usize {
    let mut changes = 0;
    for (abi, abi_name) in cat.abis().iter().enumerate() {
        let size = cat.index_size(abi);
        // Unnamed positions with the same change: summed up.
        let mut unnamed: Vec<(String, usize)> = Vec::new();
        for pos in 0..=size {
            let (o, n) = (decision(cat, old, abi, pos), decision(cat, new, abi, pos));
            if o == n {
                continue;
            }
            changes += 1;
            let what = format!(
                "{}: {} -> {}",
                kind_of_change(&o, &n),
                outcomes_text(&o.outcomes),
                outcomes_text(&n.outcomes)
            );
            match (pos < size).then(|| cat.name_of(abi, pos)).flatten() {
                Some(name) => out.push(format!("  {abi_name} {name}: {what}")),
                None => match unnamed.iter_mut().find(|(w, _)| *w == what) {
                    Some((_, k)) => *k += 1,
                    None => unnamed.push((what, 1)),
                },
            }
        }
        for (what, k) in unnamed {
            let nums = if k == 1 { "number" } else { "numbers" };
            out.push(format!(
                "  {abi_name} ({k} {nums} without a syscall): {what}"
            ));
        }
    }
    changes
}

/// What committing `file` (a ruleset text, groups expanded) would change
/// against `current` (the device's tables), both in the chains of `cat`.
pub fn diff(
    cat: &ArchCatalog,
    current: &[u8],
    file: &[u8],
) -> Result<Report, smrules::rules::Error> {
    let now = parse::parse_dump(current, cat)?;
    let next = parse::parse(file, cat)?;
    let mut r = Report::default();
    for t in next.tables.iter() {
        let old = now.tables.iter().find(|o| o.mode == t.mode && !o.delete);
        if t.delete {
            match old {
                Some(o) => {
                    r.differs = true;
                    r.lines.push(format!(
                        "{}: deleted (refused with EBUSY while processes are in it)",
                        heading(o)
                    ));
                }
                None => r.lines.push(format!(
                    "*mode {}: not loaded; deleting it fails with ENOENT",
                    t.mode
                )),
            }
            continue;
        }
        let compiled = compile::compile(t.try_clone()?, cat)?;
        let Some(old) = old else {
            r.differs = true;
            let mut line = format!("{}: new table; it may allow", heading(t));
            for (abi, abi_name) in cat.abis().iter().enumerate() {
                let size = cat.index_size(abi);
                let n = (0..size)
                    .filter(|&p| {
                        decision(cat, &compiled, abi, p)
                            .outcomes
                            .iter()
                            .any(|o| o.allows())
                    })
                    .count();
                line.push_str(&format!(" {n} {abi_name}"));
            }
            r.lines.push(line + " syscalls");
            continue;
        };
        let before = compile::compile(old.try_clone()?, cat)?;
        let mut lines = Vec::new();
        if old.name != t.name {
            lines.push(format!(
                "  name: \"{}\" -> \"{}\"",
                old.name.as_str(),
                t.name.as_str()
            ));
        }
        let changes = compare(cat, &before, &compiled, &mut lines);
        if lines.is_empty() {
            if *old != *t {
                r.lines.push(format!(
                    "{}: rules differ, no decision changes (LOG rules, order or spelling)",
                    heading(t)
                ));
            }
            continue;
        }
        r.differs = true;
        r.lines.push(format!(
            "{}: {changes} syscall decision{} change",
            heading(t),
            if changes == 1 { "" } else { "s" }
        ));
        r.lines.extend(lines);
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use smrules::catalog::Arch;

    /// The catalog the texts speak.
    const X86: ArchCatalog = ArchCatalog::new(Arch::X86_64);

    const NOW: &str = "# generation 9\n*mode 3 netd\n:x86_64 MODE2 [3]\n\
        [1] -A x86_64 -s openat --a2:u32 masked 0x3 0x0 -j ALLOW\n\
        -A x86_64 -s openat -j ERRNO EACCES\n\
        -A x86_64 -s getppid -j KILL\nCOMMIT\n\
        *mode 4 other\n:ia32 KILL\nCOMMIT\n";

    fn report(file: &str) -> Report {
        diff(&X86, NOW.as_bytes(), file.as_bytes()).unwrap()
    }

    #[test]
    fn the_same_tables_do_not_differ() {
        let r = report(
            "*mode 3 netd\n:x86_64 MODE2\n\
             -A x86_64 -s openat --a2 masked 3 0 -j ALLOW\n\
             -A x86_64 -s write -j LOG\n\
             -A x86_64 -s openat -j ERRNO EACCES\n-A x86_64 -s getppid -j KILL\nCOMMIT\n",
        );
        assert!(!r.differs, "{r:?}");
        assert_eq!(
            r.lines,
            ["*mode 3 netd: rules differ, no decision changes (LOG rules, order or spelling)"]
        );
        // A table FILE does not name is not compared.
        let r = report(
            &NOW.replace("# generation 9\n", "")
                .replace("*mode 4 other\n:ia32 KILL\nCOMMIT\n", ""),
        );
        assert_eq!(r, Report::default());
    }

    #[test]
    fn newly_allowed_refused_and_changed() {
        let r = report(
            "*mode 3 netd\n:x86_64 MODE2\n\
             -A x86_64 -s openat -j ALLOW\n\
             -A x86_64 -s getppid,mkdir -j ALLOW\n\
             -A x86_64 -s getpid -j ERRNO EPERM\n\
             -A x86_64 -s ptrace -j ERRNO EPERM\nCOMMIT\n",
        );
        assert!(r.differs);
        assert_eq!(r.lines.len(), 6, "{:#?}", r.lines);
        for want in [
            "*mode 3 netd: 5 syscall decisions change",
            "  x86_64 getpid: newly refused: MODE2 (allowed) -> ERRNO EPERM",
            "  x86_64 getppid: newly allowed: KILL -> ALLOW",
            "  x86_64 mkdir: newly allowed: KILL -> ALLOW",
            "  x86_64 ptrace: changed: KILL -> ERRNO EPERM",
            "  x86_64 openat: changed: ALLOW | ERRNO EACCES (depends on arguments) -> ALLOW",
        ] {
            assert!(
                r.lines.iter().any(|l| l == want),
                "{want:?} not in {:#?}",
                r.lines
            );
        }
    }

    #[test]
    fn argument_tests_and_policies() {
        let r = report(
            "*mode 3 netd\n:x86_64 MODE2\n\
             -A x86_64 -s openat --a2:u32 masked 0x3 0x1 -j ALLOW\n\
             -A x86_64 -s openat -j ERRNO EACCES\n\
             -A x86_64 -s getppid -j KILL\nCOMMIT\n",
        );
        assert_eq!(
            r.lines,
            [
                "*mode 3 netd: 1 syscall decision change",
                "  x86_64 openat: argument tests change: ALLOW | ERRNO EACCES (depends on \
                 arguments) -> ALLOW | ERRNO EACCES (depends on arguments)"
            ]
        );
        // A policy on a chain that had none: every ia32 number changes; the
        // numbers without a name are summed up.
        let r = report(&format!(
            "{}:ia32 ERRNO EPERM\nCOMMIT\n",
            NOW.lines().skip(1).take(5).collect::<Vec<_>>().join("\n") + "\n"
        ));
        assert!(r.differs);
        assert!(
            r.lines
                .iter()
                .any(|l| l == "  ia32 read: changed: KILL -> ERRNO EPERM"),
            "{:#?}",
            r.lines
        );
        assert!(
            r.lines.iter().any(|l| l.starts_with("  ia32 (")
                && l.ends_with("numbers without a syscall): changed: KILL -> ERRNO EPERM")),
            "{:#?}",
            r.lines
        );
        assert!(!r.lines.iter().any(|l| l.starts_with("  x86_64")));
    }

    #[test]
    fn new_deleted_and_renamed_tables() {
        let r = report("*mode 4 delete\nCOMMIT\n*mode 5 delete\nCOMMIT\n");
        assert!(r.differs);
        assert_eq!(
            r.lines,
            [
                "*mode 4 other: deleted (refused with EBUSY while processes are in it)",
                "*mode 5: not loaded; deleting it fails with ENOENT"
            ]
        );
        let r = report("*mode 7 new\n:x86_64 KILL\n-A x86_64 -s read,write -j ALLOW\nCOMMIT\n");
        assert!(r.differs);
        assert_eq!(
            r.lines,
            ["*mode 7 new: new table; it may allow 2 x86_64 0 ia32 0 x32 syscalls"]
        );
        let r = report("*mode 4 renamed\n:ia32 KILL\nCOMMIT\n");
        assert!(r.differs);
        assert_eq!(
            r.lines,
            [
                "*mode 4 renamed: 0 syscall decisions change",
                "  name: \"other\" -> \"renamed\""
            ]
        );
    }

    #[test]
    fn file_errors_have_a_place() {
        let e = diff(
            &X86,
            NOW.as_bytes(),
            b"*mode 3\n-A x86_64 -s nosuch -j KILL\nCOMMIT\n",
        )
        .unwrap_err();
        assert_eq!((e.line, e.col), (2, 14));
    }

    #[test]
    fn arm64_tables_compare_per_arm64_chain() {
        let arm = ArchCatalog::new(Arch::Arm64);
        let now = "# generation 2\n*mode 3 netd\n:arm64 MODE2 [3]\n:arm KILL\n\
            -A arm64 -s openat --a2:u32 masked 0x3 0x0 -j ALLOW\n\
            -A arm64 -s openat -j ERRNO EACCES\nCOMMIT\n";
        let file = "*mode 3 netd\n:arm64 MODE2\n:arm KILL\n\
            -A arm64 -s openat -j ALLOW\n-A arm64 -s getpid -j ERRNO EPERM\n\
            -A arm -s read -j ALLOW\nCOMMIT\n";
        let r = diff(&arm, now.as_bytes(), file.as_bytes()).unwrap();
        assert!(r.differs);
        assert_eq!(
            r.lines,
            [
                "*mode 3 netd: 3 syscall decisions change",
                "  arm64 openat: changed: ALLOW | ERRNO EACCES (depends on arguments) -> ALLOW",
                "  arm64 getpid: newly refused: MODE2 (allowed) -> ERRNO EPERM",
                "  arm read: newly allowed: KILL -> ALLOW",
            ]
        );
        // The device's x86 text is no arm64 text.
        assert!(diff(&arm, NOW.as_bytes(), file.as_bytes()).is_err());
    }
}
