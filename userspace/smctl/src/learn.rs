// SPDX-License-Identifier: GPL-2.0

//! `smctl learn`: learn mode, from a learning table to a reviewable
//! ruleset.
//!
//! ```text
//! smctl learn template -t N [--name NAME]      a learning table for table N
//! smctl learn generate -t N [--name NAME] [--from-log FILE|-] [--merge FILE]... [--no-device]
//! ```
//!
//! The workflow: load `template`'s table (policies `KILL`, `LEARN` rules on
//! the arguments that select a syscall's behaviour), put the daemon in it in
//! complain mode (`smctl confine --complain --table NAME`), run its traffic,
//! then `generate` reads the device's learn-mode records (`# learned MODE
//! ABI NAME HITS [aI=V,...]...` lines) and prints a table that allows what
//! was seen: one `ALLOW` rule per syscall and ABI, `--aI:W in ...` for the
//! learned arguments (no test when more than 16 values were seen), the hit
//! counts as comments. Calls no table should allow without a decision (the
//! static modes' never-list: exec, io_uring, ptrace, ioctl, ...) are printed
//! commented out, with a note.
//!
//! `--from-log` starts from mode 2 instead: the kernel log lines of a
//! daemon run in mode 2's complain mode (`seccomp_mode: logged ... mode=2
//! abi=A syscall=NR (name)`) become a table with policy `MODE2` for each ABI
//! seen and an `ALLOW` rule per logged syscall. `--merge FILE` adds earlier
//! `generate` outputs or saved `# learned` lines: syscalls and value sets
//! are united (a set beyond 16 values becomes no test), hits add up, and per
//! ABI the loosest policy wins. The output passes `smctl check`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use clap::Subcommand;
use smrules::catalog::{Arch, ArchCatalog};
use smrules::rules::{Catalog, MAX_IN, MAX_LINE, MODE_MAX, MODE_MIN};

use crate::device;

/// `smctl learn`'s commands.
#[derive(Subcommand, Debug, Clone, PartialEq, Eq)]
pub enum LearnCmd {
    /// Print a learning table for table N: policies KILL, and LEARN rules
    /// for the arguments that select what a syscall does. Load it, enter it
    /// in complain mode, run the traffic, then `learn generate`.
    Template {
        /// The table's mode number.
        #[arg(short = 't', long = "table", value_name = "N",
              value_parser = clap::value_parser!(u32).range(i64::from(MODE_MIN)..=i64::from(MODE_MAX)))]
        table: u32,
        /// The table's name (default `learn`).
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
    },
    /// Print a reviewable ruleset for table N from its learn-mode records
    /// (read from the device), or from mode-2 complain-mode log lines.
    Generate {
        /// The table's mode number.
        #[arg(short = 't', long = "table", value_name = "N",
              value_parser = clap::value_parser!(u32).range(i64::from(MODE_MIN)..=i64::from(MODE_MAX)))]
        table: u32,
        /// The table's name (default: the loaded table's, or a merged
        /// file's).
        #[arg(long, value_name = "NAME")]
        name: Option<String>,
        /// Start from mode 2: read kernel log lines of mode 2's complain
        /// mode (`dmesg` output) from FILE, `-` for standard input, instead
        /// of the device's records.
        #[arg(long = "from-log", value_name = "FILE|-")]
        from_log: Option<String>,
        /// Merge an earlier `learn generate` output or saved `# learned`
        /// lines (repeatable).
        #[arg(long, value_name = "FILE")]
        merge: Vec<String>,
        /// Do not read the device (merge only the given files, e.g. on
        /// another host).
        #[arg(long = "no-device")]
        no_device: bool,
    },
}

/// The syscalls whose arguments select what they do, and those arguments:
/// what a learning table learns. Only the pairs the catalog knows for an
/// ABI (name and argument in the kernel prototype) are used.
pub const LEARNED_ARGS: &[(&str, &[u8])] = &[
    ("socket", &[0, 1]),
    ("socketpair", &[0, 1]),
    ("socketcall", &[0]),
    ("setsockopt", &[1, 2]),
    ("getsockopt", &[1, 2]),
    ("accept4", &[3]),
    ("shutdown", &[1]),
    ("sendto", &[3]),
    ("recvfrom", &[3]),
    ("fcntl", &[1]),
    ("fcntl64", &[1]),
    ("ioctl", &[1]),
    ("prctl", &[0]),
    ("arch_prctl", &[0]),
    ("personality", &[0]),
    ("open", &[1]),
    ("openat", &[2]),
    ("mmap", &[2, 3]),
    ("mmap2", &[2, 3]),
    ("mprotect", &[2]),
    ("madvise", &[2]),
    ("mremap", &[3]),
    ("clone", &[0]),
    ("futex", &[1]),
    ("flock", &[1]),
    ("lseek", &[2]),
    ("epoll_ctl", &[1]),
    ("kill", &[1]),
    ("tgkill", &[2]),
    ("prlimit64", &[1]),
    ("fadvise64", &[3]),
    ("arm_fadvise64_64", &[1]),
];

/// A policy a generated table may give a chain, loosest last.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Policy {
    /// `KILL`: only what was seen.
    Kill,
    /// `ERRNO e` or `ENOSYS` (from a merged file), as written.
    Errno(String),
    /// `MODE1`.
    Mode1,
    /// `MODE2`: mode 2's table, plus what was seen.
    Mode2,
}

impl Policy {
    /// The ruleset text of the policy.
    fn text(&self) -> &str {
        match self {
            Policy::Kill => "KILL",
            Policy::Errno(e) => e,
            Policy::Mode1 => "MODE1",
            Policy::Mode2 => "MODE2",
        }
    }

    /// A policy's text from a ruleset.
    fn parse(s: &str) -> Option<Self> {
        match s {
            "KILL" => Some(Policy::Kill),
            "MODE1" => Some(Policy::Mode1),
            "MODE2" => Some(Policy::Mode2),
            "ENOSYS" => Some(Policy::Errno(s.to_owned())),
            _ if s.starts_with("ERRNO ") => Some(Policy::Errno(s.to_owned())),
            _ => None,
        }
    }
}

/// The values seen of one argument.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Values {
    /// Not learned, or more than [`MAX_IN`] values: no test.
    Any,
    /// These values (sorted, at most [`MAX_IN`]).
    Set(Vec<u64>),
}

impl Values {
    /// The union of `self` and `other`.
    fn union(&mut self, other: &Values) {
        let merged = match (&*self, other) {
            (Values::Set(a), Values::Set(b)) => {
                let mut v = a.clone();
                v.extend_from_slice(b);
                v.sort_unstable();
                v.dedup();
                if v.len() > MAX_IN {
                    Values::Any
                } else {
                    Values::Set(v)
                }
            }
            _ => Values::Any,
        };
        *self = merged;
    }
}

/// What was seen of one syscall of one ABI.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Seen {
    /// Refused calls (or log lines) counted.
    pub hits: u64,
    /// Per argument: the values seen, or [`Values::Any`].
    pub args: [Values; 6],
}

impl Seen {
    /// Seen `hits` times, with no argument learned.
    fn new(hits: u64) -> Self {
        Self {
            hits,
            args: std::array::from_fn(|_| Values::Any),
        }
    }

    /// Adds `other` (an observation of the same syscall).
    fn union(&mut self, other: &Seen) {
        self.hits = self.hits.saturating_add(other.hits);
        for (a, b) in self.args.iter_mut().zip(&other.args) {
            a.union(b);
        }
    }
}

/// A syscall of an ABI: its index position (`None` for a number outside
/// the ABI's table), and its label (the catalog's name, or `#NR`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Sys {
    /// The label, first: the listing is sorted by name.
    pub label: String,
    /// The number (index position).
    pub nr: Option<u32>,
}

/// Everything learned for one table, merged from all inputs.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Learned {
    /// The table's name, if some input gave one.
    pub name: Option<String>,
    /// Per ABI (catalog index): its policy, if some input set one.
    pub policies: BTreeMap<usize, Policy>,
    /// Per ABI and syscall: what was seen.
    pub seen: BTreeMap<(usize, Sys), Seen>,
    /// Refused calls the kernel could not record.
    pub dropped: u64,
    /// Inputs that went into this (for the header).
    pub sources: Vec<String>,
}

impl Learned {
    /// Adds an observation of syscall `sys` of ABI `abi`.
    fn add(&mut self, abi: usize, sys: Sys, seen: Seen) {
        match self.seen.get_mut(&(abi, sys.clone())) {
            Some(s) => s.union(&seen),
            None => {
                self.seen.insert((abi, sys), seen);
            }
        }
    }

    /// Sets ABI `abi`'s policy to `p` unless a looser one is set.
    fn policy(&mut self, abi: usize, p: Policy) {
        let e = self.policies.entry(abi).or_insert(Policy::Kill);
        if p > *e {
            *e = p;
        }
    }

    /// Merges `other` into `self`.
    pub fn merge(&mut self, other: Learned) {
        if self.name.is_none() {
            self.name = other.name;
        }
        for (abi, p) in other.policies {
            self.policy(abi, p);
        }
        for ((abi, sys), s) in other.seen {
            self.add(abi, sys, s);
        }
        self.dropped = self.dropped.saturating_add(other.dropped);
        self.sources.extend(other.sources);
    }
}

/// The catalog's index of ABI `name`.
fn abi_index(cat: &ArchCatalog, name: &str) -> Option<usize> {
    cat.abi_index(name)
}

/// The other architecture whose ABI `name` is, if it is one.
fn foreign_arch(cat: &ArchCatalog, name: &str) -> Option<Arch> {
    Arch::ALL
        .into_iter()
        .find(|&a| a != cat.arch() && a.chains().contains(&name))
}

/// Why `name` is no ABI of `cat`.
fn unknown_abi(cat: &ArchCatalog, name: &str) -> String {
    match foreign_arch(cat, name) {
        Some(arch) => format!(
            "ABI {name:?} is {arch}'s, not {}'s (--arch {arch} reads it)",
            cat.arch()
        ),
        None => format!("unknown ABI {name:?}"),
    }
}

/// The syscall labelled `label` (a name or `#NR`) in ABI `abi`.
fn sys_of(cat: &ArchCatalog, abi: usize, label: &str) -> Result<Sys, String> {
    // Every number outside the ABI's table, counted together by the kernel:
    // no rule can name them.
    if label == "outside" {
        return Ok(Sys {
            label: label.to_owned(),
            nr: None,
        });
    }
    if let Some(num) = label.strip_prefix('#') {
        // Any number the device may print, negative ones included: one that
        // is not in the ABI's table is never an ALLOW.
        let wide: i64 = num
            .parse()
            .map_err(|_| format!("bad syscall number {label:?}"))?;
        let Ok(nr) = u32::try_from(wide) else {
            return Ok(Sys {
                label: label.to_owned(),
                nr: None,
            });
        };
        return Ok(match cat.name_of(abi, nr) {
            Some(name) if nr < cat.index_size(abi) => Sys {
                label: name.to_owned(),
                nr: Some(nr),
            },
            _ => Sys {
                label: label.to_owned(),
                nr: (nr < cat.index_size(abi)).then_some(nr),
            },
        });
    }
    let nr = cat
        .nr_of(abi, label)
        .ok_or_else(|| format!("unknown syscall {label:?} of {}", cat.abis()[abi]))?;
    // The canonical label of the number (x32 names its own entries).
    Ok(Sys {
        label: cat.name_of(abi, nr).unwrap_or(label).to_owned(),
        nr: Some(nr),
    })
}

/// A number in decimal or `0x` hex.
fn parse_u64(s: &str) -> Option<u64> {
    match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16).ok(),
        None => s.parse().ok(),
    }
}

/// A value list `v1,v2,...`, or `*`: [`Values`].
fn parse_values(s: &str) -> Option<Values> {
    if s == "*" {
        return Some(Values::Any);
    }
    let mut v = s.split(',').map(parse_u64).collect::<Option<Vec<u64>>>()?;
    v.sort_unstable();
    v.dedup();
    Some(if v.len() > MAX_IN {
        Values::Any
    } else {
        Values::Set(v)
    })
}

/// Adds to `out` the record of one `# learned MODE ABI NAME HITS
/// [aI=V,...]...` line about table `mode`; `# learned MODE dropped N` adds
/// to `out.dropped`. `Ok(false)` for another table's record or another
/// line.
fn learned_line(
    cat: &ArchCatalog,
    mode: u32,
    line: &str,
    out: &mut Learned,
) -> Result<bool, String> {
    let Some(rest) = line.strip_prefix("# learned ") else {
        return Ok(false);
    };
    let w: Vec<&str> = rest.split_whitespace().collect();
    if w.first().and_then(|m| m.parse::<u32>().ok()) != Some(mode) {
        return Ok(false);
    }
    if w.get(1) == Some(&"dropped") {
        let n = w
            .get(2)
            .and_then(|n| n.parse::<u64>().ok())
            .ok_or("bad 'dropped' record")?;
        out.dropped = out.dropped.saturating_add(n);
        return Ok(true);
    }
    let (Some(abi), Some(label), Some(hits)) = (w.get(1), w.get(2), w.get(3)) else {
        return Err("a learned record needs MODE ABI NAME HITS".into());
    };
    let abi = abi_index(cat, abi).ok_or_else(|| unknown_abi(cat, abi))?;
    let sys = sys_of(cat, abi, label)?;
    let hits = hits
        .parse()
        .map_err(|_| format!("bad hit count {hits:?}"))?;
    let mut seen = Seen::new(hits);
    for a in &w[4..] {
        let bad = || format!("bad argument record {a:?}");
        let (arg, vals) = a.split_once('=').ok_or_else(bad)?;
        let i = match arg.as_bytes() {
            [b'a', d @ b'0'..=b'5'] => usize::from(d - b'0'),
            _ => return Err(bad()),
        };
        seen.args[i] = parse_values(vals).ok_or_else(bad)?;
    }
    out.add(abi, sys, seen);
    out.policy(abi, Policy::Kill);
    Ok(true)
}

/// The learn-mode records of table `mode` in the device's text (or a saved
/// copy), with the table's name from its `*mode N NAME` line.
pub fn from_records(
    cat: &ArchCatalog,
    text: &str,
    mode: u32,
    source: &str,
) -> Result<Learned, String> {
    let mut out = Learned {
        sources: vec![source.to_owned()],
        ..Learned::default()
    };
    for (no, line) in text.lines().enumerate() {
        learned_line(cat, mode, line, &mut out).map_err(|e| format!("{source}:{}: {e}", no + 1))?;
        if let Some(rest) = line.strip_prefix("*mode ") {
            let mut w = rest.split_whitespace();
            if w.next().and_then(|m| m.parse::<u32>().ok()) == Some(mode) {
                out.name = w.next().filter(|n| *n != "delete").map(str::to_owned);
            }
        }
    }
    Ok(out)
}

/// The value after `key` (` key=VALUE `) in a log line.
fn field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let at = line.find(&format!(" {key}="))?;
    line[at + key.len() + 2..].split_whitespace().next()
}

/// The mode-2 complain-mode log lines of `text` (`dmesg` output, any
/// prefix): a starting table, policy `MODE2` for each ABI seen. The lines
/// name the ABI as the module does (`abi=x86_64`, `abi=arm`, ...): one of
/// another architecture than `cat`'s is an error that says so.
pub fn from_log(cat: &ArchCatalog, text: &str, source: &str) -> Result<Learned, String> {
    let mut out = Learned {
        sources: vec![source.to_owned()],
        ..Learned::default()
    };
    for (no, line) in text.lines().enumerate() {
        let Some(at) = line.find("seccomp_mode: logged ") else {
            continue;
        };
        let line = &line[at..];
        if field(line, "mode") != Some("2") {
            continue;
        }
        let bad = |what: &str| format!("{source}:{}: {what} in {line:?}", no + 1);
        let abi_name = field(line, "abi").ok_or_else(|| bad("no abi="))?;
        let abi = abi_index(cat, abi_name).ok_or_else(|| match foreign_arch(cat, abi_name) {
            Some(arch) => bad(&format!(
                "an ABI of {arch}, not of {} (--arch {arch} reads it)",
                cat.arch()
            )),
            None => bad("unknown ABI"),
        })?;
        let raw: i64 = field(line, "syscall")
            .and_then(|n| n.parse().ok())
            .ok_or_else(|| bad("no syscall="))?;
        // x32 numbers carry the x32 bit; the index drops it.
        let pos = cat
            .index_of(abi, raw)
            .or_else(|| u32::try_from(raw).ok().filter(|&n| n < cat.index_size(abi)));
        let sys = match pos {
            Some(nr) => Sys {
                label: cat
                    .name_of(abi, nr)
                    .map_or_else(|| format!("#{nr}"), str::to_owned),
                nr: Some(nr),
            },
            None => Sys {
                label: format!("#{raw}"),
                nr: None,
            },
        };
        out.add(abi, sys, Seen::new(1));
        out.policy(abi, Policy::Mode2);
    }
    Ok(out)
}

/// A rule line `-A ABI -s NAME [--aI[:W] in V,...]... -j ALLOW` as
/// `generate` prints it: the ABI, the syscall and its argument sets.
fn rule_line(cat: &ArchCatalog, line: &str) -> Result<(usize, Sys, [Values; 6]), String> {
    let w: Vec<&str> = line.split_whitespace().collect();
    let unknown = || format!("not a rule 'learn generate' writes: {line:?}");
    let (Some(&"-A"), Some(abi), Some(&"-s"), Some(label)) =
        (w.first(), w.get(1), w.get(2), w.get(3))
    else {
        return Err(unknown());
    };
    if w.len() < 6 || w[w.len() - 2..] != ["-j", "ALLOW"] || label.contains(',') {
        return Err(unknown());
    }
    let abi = abi_index(cat, abi).ok_or_else(|| unknown_abi(cat, abi))?;
    let sys = sys_of(cat, abi, label)?;
    let mut args: [Values; 6] = std::array::from_fn(|_| Values::Any);
    let tests = &w[4..w.len() - 2];
    if !tests.len().is_multiple_of(3) {
        return Err(unknown());
    }
    for t in tests.chunks(3) {
        let arg = t[0].strip_prefix("--a").ok_or_else(unknown)?;
        let i = match arg.as_bytes().first() {
            Some(d @ b'0'..=b'5') if arg.len() == 1 || arg.as_bytes().get(1) == Some(&b':') => {
                usize::from(d - b'0')
            }
            _ => return Err(unknown()),
        };
        if t[1] != "in" {
            return Err(unknown());
        }
        args[i] = parse_values(t[2]).ok_or_else(unknown)?;
    }
    Ok((abi, sys, args))
}

/// The hit count of a comment `# NAME: N call(s)...` or `# NAME: logged N
/// time(s)...` that [`render`] writes above a rule.
fn hits_comment(line: &str) -> Option<u64> {
    let (_, rest) = line.strip_prefix("# ")?.split_once(": ")?;
    let rest = rest.strip_prefix("logged ").unwrap_or(rest);
    rest.split_whitespace().next()?.parse().ok()
}

/// An earlier `generate` output, or saved `# learned` lines of table
/// `mode`: what it allowed (its commented-out rules too) and its policies.
pub fn from_file(
    cat: &ArchCatalog,
    text: &str,
    mode: u32,
    source: &str,
) -> Result<Learned, String> {
    let mut out = Learned {
        sources: vec![source.to_owned()],
        ..Learned::default()
    };
    let mut hits = None;
    for (no, line) in text.lines().enumerate() {
        let at = |e: String| format!("{source}:{}: {e}", no + 1);
        let line = line.trim_end();
        if learned_line(cat, mode, line, &mut out).map_err(at)? {
            continue;
        }
        if let Some(rule) = line.strip_prefix("#-A ").map(|r| format!("-A {r}")) {
            let (abi, sys, args) = rule_line(cat, &rule).map_err(at)?;
            out.add(
                abi,
                sys,
                Seen {
                    hits: hits.take().unwrap_or(0),
                    args,
                },
            );
        } else if line.starts_with("-A ") {
            let (abi, sys, args) = rule_line(cat, line).map_err(at)?;
            out.add(
                abi,
                sys,
                Seen {
                    hits: hits.take().unwrap_or(0),
                    args,
                },
            );
        } else if let Some(rest) = line.strip_prefix(':') {
            let (chain, policy) = rest.split_once(' ').unwrap_or((rest, ""));
            // User chains (`:NAME ABI`) are not something generate writes.
            let abi = abi_index(cat, chain)
                .ok_or_else(|| at(format!("not a chain 'learn generate' writes: {line:?}")))?;
            let p = Policy::parse(policy.trim())
                .ok_or_else(|| at(format!("unknown policy {policy:?}")))?;
            out.policy(abi, p);
        } else if let Some(rest) = line.strip_prefix("*mode ") {
            let mut w = rest.split_whitespace();
            w.next();
            if out.name.is_none() {
                out.name = w.next().filter(|n| *n != "delete").map(str::to_owned);
            }
        } else if let Some(rest) = line.strip_prefix("# WARNING: ") {
            // An earlier output's note of calls the kernel could not record.
            if let Some(n) = rest
                .split_whitespace()
                .next()
                .and_then(|n| n.parse::<u64>().ok())
            {
                out.dropped = out.dropped.saturating_add(n);
            }
        } else if line.starts_with('#') {
            hits = hits_comment(line).or(hits);
        }
    }
    Ok(out)
}

/// Why a syscall is printed commented out, if it is.
fn withheld(cat: &ArchCatalog, abi: usize, sys: &Sys) -> Option<&'static str> {
    let Some(nr) = sys.nr else {
        return Some("outside the ABI's syscall table: only a rule without -s could match it");
    };
    if cat.never_allow(abi, nr) {
        return Some(
            "never allowed by a table (exec starts a program this table was not written \
             for; io_uring runs operations past the syscall entry)",
        );
    }
    if cat.static_never(abi, nr) {
        return Some("on the static modes' never-list: uncomment only after review");
    }
    None
}

/// The test of argument `i` of `sys` with `values`, or why there is none.
fn test_text(cat: &ArchCatalog, abi: usize, sys: &Sys, i: usize, values: &[u64]) -> Option<String> {
    let size = sys.nr.and_then(|nr| cat.arg_size(abi, nr, i))?;
    let (width, mask) = if size == 8 {
        ("u64", u64::MAX)
    } else {
        ("u32", u64::from(u32::MAX))
    };
    let mut v: Vec<u64> = values.iter().map(|x| x & mask).collect();
    v.sort_unstable();
    v.dedup();
    let list: Vec<String> = v.iter().map(|x| format!("{x:#x}")).collect();
    Some(format!("--a{i}:{width} in {}", list.join(",")))
}

/// The comment above a rule: the hits and what the rule does not test.
fn hits_text(label: &str, hits: u64, log: bool) -> String {
    let s = if hits == 1 { "" } else { "s" };
    if log {
        format!("# {label}: logged {hits} time{s}")
    } else {
        format!("# {label}: {hits} call{s}")
    }
}

/// The ruleset text for table `mode` from `l` (learned in the ABIs of
/// `cat`).
pub fn render(
    cat: &ArchCatalog,
    l: &Learned,
    mode: u32,
    name: Option<&str>,
    from_log: bool,
) -> String {
    let name = name.or(l.name.as_deref());
    let mut out = String::new();
    let title = match name {
        Some(n) => format!("table {mode} \"{n}\""),
        None => format!("table {mode}"),
    };
    let _ = writeln!(
        out,
        "# {title}, written by smctl learn generate from: {}.",
        l.sources.join(", ")
    );
    out.push_str(
        "#\n\
         # REVIEW BEFORE LOADING. This table allows the calls that were seen while\n\
         # learning, and only those: rare paths that did not run then (reload, log\n\
         # rotation, error handling, signal handlers, ...) may be missing, and the\n\
         # process is killed when it takes one. An `in` set holds only the values\n\
         # seen; widen it where other values are legitimate. Calls printed\n\
         # commented out were seen but are not allowed (see their note).\n\
         # The module's own prctl (PR_SECCOMP_MODE_GET/SET) is never checked\n\
         # against a table and needs no rule.\n",
    );
    if from_log {
        out.push_str(
            "# Started from mode 2's complain-mode log: the policy MODE2 lets through\n\
             # what mode 2 allows; the rules add the logged calls, whatever their\n\
             # arguments (mode 2's argument checks do not apply to them).\n",
        );
    }
    if l.dropped > 0 {
        let _ = writeln!(
            out,
            "# WARNING: {} refused calls could not be recorded: this table is incomplete.",
            l.dropped
        );
    }
    match name {
        Some(n) => {
            let _ = writeln!(out, "*mode {mode} {n}");
        }
        None => {
            let _ = writeln!(out, "*mode {mode}");
        }
    }
    for (abi, abi_name) in cat.abis().iter().enumerate() {
        let p = l.policies.get(&abi).unwrap_or(&Policy::Kill);
        let _ = writeln!(out, ":{abi_name} {}", p.text());
    }
    for abi in 0..cat.abis().len() {
        let mut withheld_lines = String::new();
        for ((a, sys), seen) in l.seen.range((abi, min_sys())..) {
            if *a != abi {
                break;
            }
            let mut rule = format!("-A {} -s {}", cat.abis()[abi], sys.label);
            let mut notes = Vec::new();
            let mut tests: Vec<(usize, String, usize)> = Vec::new();
            for (i, v) in seen.args.iter().enumerate() {
                if let Values::Set(vals) = v {
                    match test_text(cat, abi, sys, i, vals) {
                        Some(t) => tests.push((i, t, vals.len())),
                        None => notes.push(format!("a{i} has no scalar prototype: not tested")),
                    }
                }
            }
            // A line may hold MAX_LINE bytes: drop the widest sets first.
            while rule.len()
                + tests.iter().map(|t| t.1.len() + 1).sum::<usize>()
                + " -j ALLOW".len()
                > MAX_LINE
            {
                let Some(widest) = (0..tests.len()).max_by_key(|&k| tests[k].2) else {
                    break;
                };
                let (i, _, n) = tests.remove(widest);
                notes.push(format!(
                    "a{i}: {n} values do not fit on one line: not tested"
                ));
            }
            for (_, t, _) in &tests {
                rule.push(' ');
                rule.push_str(t);
            }
            rule.push_str(" -j ALLOW");
            let mut comment = hits_text(&sys.label, seen.hits, from_log);
            for n in &notes {
                comment.push_str("; ");
                comment.push_str(n);
            }
            match withheld(cat, abi, sys) {
                Some(why) => {
                    let _ = writeln!(withheld_lines, "{comment}; {why}\n#{rule}");
                }
                None => {
                    let _ = writeln!(out, "{comment}\n{rule}");
                }
            }
        }
        out.push_str(&withheld_lines);
    }
    out.push_str("COMMIT\n");
    out
}

/// The smallest [`Sys`] (for ranges).
fn min_sys() -> Sys {
    Sys {
        label: String::new(),
        nr: None,
    }
}

/// The learning table for table `mode`, for the ABIs of `cat`.
pub fn template(cat: &ArchCatalog, mode: u32, name: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# Learning table {mode} \"{name}\", written by smctl learn template.\n\
         # Load it (smctl restore), enter it in complain mode (smctl confine\n\
         # --complain --table {name} --pid PID, or prctl(PR_SECCOMP_MODE_SET, {mode},\n\
         # SECCOMP_MODE_FLAG_LOG)), run the daemon's traffic, then\n\
         # smctl learn generate -t {mode}. Every call is refused by the KILL\n\
         # policies, so in complain mode every call is logged once and recorded;\n\
         # the LEARN rules record the arguments that select what a call does\n\
         # (up to 16 values each). Do not enforce this table: it kills at once.\n\
         *mode {mode} {name}"
    );
    for abi in cat.abis() {
        let _ = writeln!(out, ":{abi} KILL");
    }
    for (abi, abi_name) in cat.abis().iter().enumerate() {
        for (sys, args) in LEARNED_ARGS {
            let Some(nr) = cat.nr_of(abi, sys) else {
                continue;
            };
            let args: Vec<String> = args
                .iter()
                .filter(|&&a| cat.arg_size(abi, nr, usize::from(a)).is_some())
                .map(|a| format!("a{a}"))
                .collect();
            if !args.is_empty() {
                let _ = writeln!(out, "-A {abi_name} -s {sys} -j LEARN {}", args.join(","));
            }
        }
    }
    out.push_str("COMMIT\n");
    out
}

/// Reads `file`, `-` for standard input, as text.
fn read_text(file: &str) -> Result<String, String> {
    let mut bytes = Vec::new();
    let res = if file == "-" {
        std::io::Read::read_to_end(&mut std::io::stdin(), &mut bytes)
    } else {
        std::fs::File::open(file).and_then(|mut f| std::io::Read::read_to_end(&mut f, &mut bytes))
    };
    res.map_err(|e| {
        let name = if file == "-" { "<stdin>" } else { file };
        format!("{name}: {}", device::describe(&e))
    })?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// A table name as the ruleset allows it (`A-Za-z0-9_.-`, at most 32).
fn check_name(name: &str) -> Result<(), String> {
    let ok = !name.is_empty()
        && name.len() <= smrules::rules::MAX_NAME
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"_.-".contains(&b))
        && name != "delete";
    if ok {
        Ok(())
    } else {
        Err(format!(
            "bad table name {name:?}: up to {} of A-Za-z0-9_.-",
            smrules::rules::MAX_NAME
        ))
    }
}

/// Whether `cmd` reads the device (`generate` without `--from-log` or
/// `--no-device`).
pub fn reads_device(cmd: &LearnCmd) -> bool {
    matches!(
        cmd,
        LearnCmd::Generate {
            from_log: None,
            no_device: false,
            ..
        }
    )
}

/// `smctl learn ...` for the ABIs of `cat`: the text to print on standard
/// output.
pub fn run(cat: &ArchCatalog, cmd: &LearnCmd) -> Result<String, String> {
    match cmd {
        LearnCmd::Template { table, name } => {
            let name = name.as_deref().unwrap_or("learn");
            check_name(name)?;
            Ok(template(cat, *table, name))
        }
        LearnCmd::Generate {
            table,
            name,
            from_log: log,
            merge,
            no_device,
        } => {
            if let Some(n) = name {
                check_name(n)?;
            }
            let mut l = Learned::default();
            if let Some(file) = log {
                let shown = if file == "-" { "<stdin>" } else { file };
                l.merge(from_log(cat, &read_text(file)?, &format!("log {shown}"))?);
            } else if !no_device {
                let text = device::read_tables().map_err(|f| match f {
                    device::Failure::Io(t) => t,
                    device::Failure::Refused(r) => device::strerror(r.errno),
                })?;
                let text = String::from_utf8_lossy(&text);
                let loaded = crate::confine::tables_of(&text)
                    .iter()
                    .any(|(m, _)| m == table);
                if !loaded && merge.is_empty() {
                    return Err(format!("no table {table} is loaded"));
                }
                let records = from_records(cat, &text, *table, device::DEVICE)?;
                if records.seen.is_empty() {
                    eprintln!(
                        "smctl: warning: table {table} has no learn-mode records (enter it in \
                         complain mode: smctl confine --complain)"
                    );
                }
                l.merge(records);
            }
            for file in merge {
                l.merge(from_file(cat, &read_text(file)?, *table, file)?);
            }
            if l.seen.is_empty() && l.policies.is_empty() {
                return Err(format!("nothing learned for table {table}"));
            }
            if l.dropped > 0 {
                eprintln!(
                    "smctl: warning: {} refused calls could not be recorded: the table is incomplete",
                    l.dropped
                );
            }
            Ok(render(cat, &l, *table, name.as_deref(), log.is_some()))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The catalog the texts speak.
    const X86: ArchCatalog = ArchCatalog::new(Arch::X86_64);
    use smrules::rules::{compile, parse};

    /// What a learned process can make the kernel print never breaks
    /// generate: numbers outside the table (one `outside` record, or a
    /// negative `#N`) are never an ALLOW.
    #[test]
    fn numbers_outside_the_table_are_never_rules() {
        let cat = X86;
        for label in ["outside", "#-1", "#-9223372036854775808", "#4000"] {
            let s = sys_of(&cat, 0, label).unwrap();
            assert_eq!(s.nr, None, "{label}");
        }
        assert!(sys_of(&cat, 0, "#x").is_err());
        assert_eq!(sys_of(&cat, 0, "#39").unwrap().nr, Some(39));
    }

    /// `smctl check`: parses and compiles on the host; the rule count.
    fn check(text: &str) -> usize {
        check_on(&X86, text)
    }

    /// `smctl check --arch` of `cat`'s architecture.
    fn check_on(cat: &ArchCatalog, text: &str) -> usize {
        let rs = parse::parse(text.as_bytes(), cat).unwrap_or_else(|e| {
            panic!(
                "line {} col {}: {} {}\n{text}",
                e.line,
                e.col,
                e.msg,
                e.detail()
            )
        });
        let mut rules = 0;
        for t in rs.tables {
            rules += t.rules.len();
            compile::compile(t, cat).unwrap_or_else(|e| panic!("compile: {}\n{text}", e.msg));
        }
        rules
    }

    /// The rule lines (not comments) of a ruleset.
    fn rules(text: &str) -> Vec<&str> {
        text.lines().filter(|l| l.starts_with("-A ")).collect()
    }

    #[test]
    fn template_learns_selecting_arguments_and_checks() {
        let t = template(&X86, 42, "httpd");
        assert!(t.contains("*mode 42 httpd\n:x86_64 KILL\n:ia32 KILL\n:x32 KILL\n"));
        let r = rules(&t);
        for want in [
            "-A x86_64 -s socket -j LEARN a0,a1",
            "-A x86_64 -s fcntl -j LEARN a1",
            "-A x86_64 -s ioctl -j LEARN a1",
            "-A x86_64 -s prctl -j LEARN a0",
            "-A x86_64 -s setsockopt -j LEARN a1,a2",
            "-A x86_64 -s openat -j LEARN a2",
            "-A x86_64 -s mmap -j LEARN a2,a3",
            "-A x86_64 -s clone -j LEARN a0",
            "-A ia32 -s socketcall -j LEARN a0",
            "-A ia32 -s fcntl64 -j LEARN a1",
            "-A ia32 -s mmap2 -j LEARN a2,a3",
            "-A x32 -s socket -j LEARN a0,a1",
        ] {
            assert!(r.contains(&want), "{want} missing in\n{t}");
        }
        // Names an ABI does not have are left out.
        assert!(!r.iter().any(|l| l.starts_with("-A x86_64 -s socketcall")));
        assert!(!r.iter().any(|l| l.starts_with("-A x86_64 -s mmap2")));
        assert_eq!(check(&t), r.len());
    }

    /// A device read with learn-mode records for table 42 (and another
    /// table's, which must not leak in).
    const DEVICE_TEXT: &str = "\
# generation 5
*mode 3 netd
:x86_64 MODE2 [10]
COMMIT
# learned 3 x86_64 getppid 9
*mode 42 httpd
:x86_64 KILL [120]
:ia32 KILL [0]
:x32 KILL [0]
[4] -A x86_64 -s socket -j LEARN a0,a1
COMMIT
# learned 42 x86_64 read 40
# learned 42 x86_64 socket 4 a0=0x2,0xa a1=0x80001
# learned 42 x86_64 fcntl 7 a1=0x1,0x3,0x4
# learned 42 x86_64 openat 12 a2=*
# learned 42 x86_64 mmap 3 a2=0x3 a3=0x22
# learned 42 x86_64 execve 1
# learned 42 x86_64 ioctl 2 a1=0x5401
# learned 42 ia32 getpid 1
# learned 42 x86_64 #511 1
# learned 42 dropped 3
";

    #[test]
    fn generate_from_device_records() {
        let l = from_records(&X86, DEVICE_TEXT, 42, "dev").unwrap();
        assert_eq!(l.name.as_deref(), Some("httpd"));
        assert_eq!(l.dropped, 3);
        let out = render(&X86, &l, 42, None, false);
        assert!(out.contains("REVIEW BEFORE LOADING"), "{out}");
        assert!(out.contains("rare paths"), "{out}");
        assert!(out.contains("WARNING: 3 refused calls could not be recorded"));
        assert!(out.contains("*mode 42 httpd\n:x86_64 KILL\n:ia32 KILL\n:x32 KILL\n"));
        let r = rules(&out);
        assert_eq!(
            r,
            [
                // A number without a name in the ABI's table.
                "-A x86_64 -s #511 -j ALLOW",
                "-A x86_64 -s fcntl --a1:u32 in 0x1,0x3,0x4 -j ALLOW",
                "-A x86_64 -s mmap --a2:u64 in 0x3 --a3:u64 in 0x22 -j ALLOW",
                "-A x86_64 -s openat -j ALLOW",
                "-A x86_64 -s read -j ALLOW",
                "-A x86_64 -s socket --a0:u32 in 0x2,0xa --a1:u32 in 0x80001 -j ALLOW",
                "-A ia32 -s getpid -j ALLOW",
            ]
        );
        assert!(out.contains("# read: 40 calls\n-A x86_64 -s read -j ALLOW\n"));
        assert!(out.contains("# getpid: 1 call\n"));
        // Never-listed calls are seen but commented out, with a note.
        assert!(out.contains("#-A x86_64 -s execve -j ALLOW\n"), "{out}");
        assert!(out.contains("# execve: 1 call; never allowed by a table"));
        assert!(out.contains("#-A x86_64 -s ioctl --a1:u32 in 0x5401 -j ALLOW\n"));
        assert!(out.contains("static modes' never-list"));
        // Table 3's records stay out.
        assert!(!out.contains("getppid"));
        assert_eq!(check(&out), r.len());
        // An explicit name wins.
        assert!(render(&X86, &l, 42, Some("web"), false).contains("*mode 42 web\n"));
    }

    #[test]
    fn bad_records_are_errors() {
        assert!(from_records(&X86, "# learned 42 x86_64 nosuchcall 1\n", 42, "d").is_err());
        assert!(from_records(&X86, "# learned 42 sparc read 1\n", 42, "d").is_err());
        assert!(from_records(&X86, "# learned 42 x86_64 read x\n", 42, "d").is_err());
        assert!(from_records(&X86, "# learned 42 x86_64 read 1 a7=0x1\n", 42, "d").is_err());
        // Other tables' records are not read at all.
        assert!(from_records(&X86, "# learned 4 x86_64 nosuchcall 1\n", 42, "d").is_ok());
    }

    #[test]
    fn widths_follow_the_prototypes() {
        let text = "# learned 5 x86_64 ioctl 1 a1=0x5401\n\
                    # learned 5 x86_64 lseek 1 a1=0x10 a2=0x0\n\
                    # learned 5 ia32 mmap2 1 a2=0x3 a3=0x22\n\
                    # learned 5 x86_64 kill 1 a1=0x9\n";
        let out = render(
            &X86,
            &from_records(&X86, text, 5, "d").unwrap(),
            5,
            Some("w"),
            false,
        );
        let r = rules(&out);
        assert!(r.contains(&"-A x86_64 -s lseek --a1:u64 in 0x10 --a2:u32 in 0x0 -j ALLOW"));
        assert!(r.contains(&"-A ia32 -s mmap2 --a2:u32 in 0x3 --a3:u32 in 0x22 -j ALLOW"));
        assert!(r.contains(&"-A x86_64 -s kill --a1:u32 in 0x9 -j ALLOW"));
        assert_eq!(check(&out), r.len());
    }

    const LOG: &str = "\
[   12.345678] seccomp_mode: logged pid=412 comm=netd mode=2 abi=x86_64 syscall=39 (getpid)
[   12.345679] seccomp_mode: logged pid=412 comm=netd mode=2 abi=x86_64 syscall=110 (getppid)
[   12.345680] seccomp_mode: logged pid=413 comm=netd mode=2 abi=x86_64 syscall=110 (getppid)
<6>[   12.4] seccomp_mode: logged pid=413 comm=netd mode=2 abi=x86_64 syscall=59 (execve)
[   12.5] seccomp_mode: logged pid=414 comm=x mode=2 abi=ia32 syscall=20 (getpid)
[   12.6] seccomp_mode: logged pid=415 comm=x mode=3 abi=x86_64 syscall=102 (getuid) rule=x86_64:policy
[   12.7] seccomp_mode: killed pid=416 comm=x mode=2 abi=x86_64 syscall=104 (getgid)
[   12.8] random other line
[   12.9] seccomp_mode: logged pid=417 comm=x mode=2 abi=x32 syscall=1073741863 (getpid)
";

    #[test]
    fn from_log_starts_from_mode2() {
        let l = from_log(&X86, LOG, "log").unwrap();
        let out = render(&X86, &l, 7, Some("netd"), true);
        assert!(
            out.contains("*mode 7 netd\n:x86_64 MODE2\n:ia32 MODE2\n:x32 MODE2\n"),
            "{out}"
        );
        assert_eq!(
            rules(&out),
            [
                "-A x86_64 -s getpid -j ALLOW",
                "-A x86_64 -s getppid -j ALLOW",
                "-A ia32 -s getpid -j ALLOW",
                "-A x32 -s getpid -j ALLOW",
            ]
        );
        assert!(out.contains("# getppid: logged 2 times\n"));
        assert!(out.contains("#-A x86_64 -s execve -j ALLOW\n"));
        // Mode 3's and killed lines are not mode 2 complain-mode lines.
        assert!(!out.contains("getuid") && !out.contains("getgid"));
        assert_eq!(check(&out), 4);
        // Only mode 2 lines for x86_64: the other ABIs stay KILL.
        let one = from_log(&X86, LOG.lines().next().unwrap(), "log").unwrap();
        assert!(
            render(&X86, &one, 7, None, true).contains(":x86_64 MODE2\n:ia32 KILL\n:x32 KILL\n")
        );
    }

    /// The arm64 catalog.
    const ARM: ArchCatalog = ArchCatalog::new(Arch::Arm64);

    #[test]
    fn template_on_arm64() {
        let t = template(&ARM, 42, "httpd");
        assert!(
            t.contains("*mode 42 httpd\n:arm64 KILL\n:arm KILL\n"),
            "{t}"
        );
        let r = rules(&t);
        for want in [
            "-A arm64 -s socket -j LEARN a0,a1",
            "-A arm64 -s openat -j LEARN a2",
            "-A arm64 -s mmap -j LEARN a2,a3",
            "-A arm64 -s fadvise64 -j LEARN a3",
            "-A arm -s mmap2 -j LEARN a2,a3",
            "-A arm -s fcntl64 -j LEARN a1",
            "-A arm -s open -j LEARN a1",
            "-A arm -s arm_fadvise64_64 -j LEARN a1",
        ] {
            assert!(r.contains(&want), "{want}\n{t}");
        }
        // No call the ABI lacks, no x86 chain.
        assert!(
            !t.contains("-A arm64 -s open ") && !t.contains("socketcall"),
            "{t}"
        );
        assert!(!t.contains("x86_64") && !t.contains("ia32"), "{t}");
        check_on(&ARM, &t);
        // The x86 template does not learn AArch32's own calls.
        assert!(!template(&X86, 42, "httpd").contains("arm_fadvise64_64"));
    }

    const ARM_LOG: &str = "\
[    3.1] seccomp_mode: logged pid=9 comm=netd mode=2 abi=arm64 syscall=172 (getpid)
[    3.2] seccomp_mode: logged pid=9 comm=netd mode=2 abi=arm64 syscall=56 (openat)
[    3.3] seccomp_mode: logged pid=9 comm=netd mode=2 abi=arm64 syscall=221 (execve)
[    3.4] seccomp_mode: logged pid=10 comm=old mode=2 abi=arm syscall=20 (getpid)
[    3.5] seccomp_mode: logged pid=10 comm=old mode=2 abi=arm syscall=983045 (?)
";

    #[test]
    fn from_log_on_arm64() {
        let l = from_log(&ARM, ARM_LOG, "log").unwrap();
        let out = render(&ARM, &l, 7, Some("netd"), true);
        assert!(
            out.contains("*mode 7 netd\n:arm64 MODE2\n:arm MODE2\n"),
            "{out}"
        );
        assert_eq!(
            rules(&out),
            [
                "-A arm64 -s getpid -j ALLOW",
                "-A arm64 -s openat -j ALLOW",
                "-A arm -s getpid -j ALLOW",
            ]
        );
        assert!(out.contains("#-A arm64 -s execve -j ALLOW\n"), "{out}");
        // An ARM-private call (set_tls) is outside every table: no rule.
        assert!(out.contains("#-A arm -s #983045 -j ALLOW\n"), "{out}");
        assert_eq!(check_on(&ARM, &out), 3);
        // A log of the other architecture says which --arch reads it.
        let e = from_log(&X86, ARM_LOG, "log").unwrap_err();
        assert!(
            e.starts_with("log:1: an ABI of arm64, not of x86_64 (--arch arm64 reads it) in "),
            "{e}"
        );
        let e = from_log(&ARM, LOG, "log").unwrap_err();
        assert!(
            e.contains("an ABI of x86_64, not of arm64 (--arch x86_64 reads it)"),
            "{e}"
        );
        // So do saved records and generated files.
        let e = from_records(&ARM, "# learned 5 x86_64 read 1\n", 5, "d").unwrap_err();
        assert_eq!(
            e,
            "d:1: ABI \"x86_64\" is x86_64's, not arm64's (--arch x86_64 reads it)"
        );
        let merged = from_file(&ARM, &out, 7, "first").unwrap();
        assert_eq!(rules(&render(&ARM, &merged, 7, None, true)), rules(&out));
        assert!(from_file(&X86, &out, 7, "first").is_err());
    }

    #[test]
    fn merge_unites_syscalls_and_value_sets() {
        let first = render(
            &X86,
            &from_records(&X86, DEVICE_TEXT, 42, "dev").unwrap(),
            42,
            None,
            false,
        );
        let second = "\
# learned 42 x86_64 fcntl 3 a1=0x2,0x406
# learned 42 x86_64 socket 1 a0=0x1 a1=*
# learned 42 x86_64 write 5
# learned 42 x86_64 mmap 1 a2=0x1,0x2,0x4,0x5,0x6,0x7,0x8,0x9,0xa,0xb,0xc,0xd,0xe,0xf,0x10,0x11 a3=0x22
";
        let mut l = from_file(&X86, &first, 42, "first").unwrap();
        l.merge(from_file(&X86, second, 42, "second").unwrap());
        let out = render(&X86, &l, 42, None, false);
        let r = rules(&out);
        assert_eq!(
            r,
            [
                "-A x86_64 -s #511 -j ALLOW",
                "-A x86_64 -s fcntl --a1:u32 in 0x1,0x2,0x3,0x4,0x406 -j ALLOW",
                // 17 values for a2: no test.
                "-A x86_64 -s mmap --a3:u64 in 0x22 -j ALLOW",
                "-A x86_64 -s openat -j ALLOW",
                "-A x86_64 -s read -j ALLOW",
                // a1 = * in the second run: no test.
                "-A x86_64 -s socket --a0:u32 in 0x1,0x2,0xa -j ALLOW",
                "-A x86_64 -s write -j ALLOW",
                "-A ia32 -s getpid -j ALLOW",
            ],
            "{out}"
        );
        // Hit counts add up; commented-out calls stay commented out.
        assert!(out.contains("# fcntl: 10 calls\n"), "{out}");
        assert!(out.contains("# read: 40 calls\n"));
        assert!(out.contains("#-A x86_64 -s execve -j ALLOW\n"));
        assert_eq!(l.name.as_deref(), Some("httpd"));
        // The first output's dropped calls are still reported.
        assert_eq!(l.dropped, 3);
        assert_eq!(check(&out), r.len());
        // A generate output merged with itself is itself (hits doubled).
        let mut again = from_file(&X86, &out, 42, "first").unwrap();
        again.merge(from_file(&X86, &out, 42, "first").unwrap());
        assert_eq!(rules(&render(&X86, &again, 42, None, false)), r);
    }

    #[test]
    fn merge_of_log_table_keeps_the_loosest_policy() {
        let start = render(&X86, &from_log(&X86, LOG, "log").unwrap(), 42, None, true);
        let mut l = from_records(&X86, DEVICE_TEXT, 42, "dev").unwrap();
        l.merge(from_file(&X86, &start, 42, "start").unwrap());
        let out = render(&X86, &l, 42, None, false);
        assert!(
            out.contains(":x86_64 MODE2\n:ia32 MODE2\n:x32 MODE2\n"),
            "{out}"
        );
        assert!(rules(&out).contains(&"-A x86_64 -s getppid -j ALLOW"));
        check(&out);
    }

    #[test]
    fn merge_rejects_what_it_cannot_read() {
        assert!(from_file(&X86, "-A x86_64 -s read -j ERRNO EPERM\n", 3, "f").is_err());
        assert!(from_file(&X86, "-A x86_64 -s read,write -j ALLOW\n", 3, "f").is_err());
        assert!(from_file(&X86, "-A x86_64 -s read --a0:u32 eq 1 -j ALLOW\n", 3, "f").is_err());
        assert!(from_file(&X86, ":fcntl-rules x86_64\n", 3, "f").is_err());
        assert!(from_file(&X86, ":x86_64 MODE2\n-A x86_64 -s read -j ALLOW\n", 3, "f").is_ok());
    }

    #[test]
    fn long_value_sets_fit_on_a_line() {
        let vals: Vec<String> = (0..16u64).map(|i| format!("{:#x}", u64::MAX - i)).collect();
        let v = vals.join(",");
        let text = format!("# learned 9 x86_64 mmap 1 a0={v} a1={v} a2=0x3 a3=0x22 a4={v}\n");
        let out = render(
            &X86,
            &from_records(&X86, &text, 9, "d").unwrap(),
            9,
            None,
            false,
        );
        assert!(out.lines().all(|l| l.len() <= MAX_LINE), "{out}");
        assert!(out.contains("do not fit on one line"));
        check(&out);
    }

    /// `smctl ARGS` parsed.
    fn cli(args: &[&str]) -> Result<crate::Cli, clap::Error> {
        use clap::Parser;
        crate::Cli::try_parse_from(std::iter::once("smctl").chain(args.iter().copied()))
    }

    #[test]
    fn command_line() {
        let c = cli(&["learn", "template", "-t", "42", "--name", "httpd"]).unwrap();
        assert_eq!(
            c.cmd,
            Some(crate::Cmd::Learn {
                cmd: LearnCmd::Template {
                    table: 42,
                    name: Some("httpd".into())
                }
            })
        );
        let c = cli(&[
            "learn",
            "generate",
            "-t",
            "7",
            "--from-log",
            "-",
            "--merge",
            "a",
            "--merge",
            "b",
        ])
        .unwrap();
        assert_eq!(
            c.cmd,
            Some(crate::Cmd::Learn {
                cmd: LearnCmd::Generate {
                    table: 7,
                    name: None,
                    from_log: Some("-".into()),
                    merge: vec!["a".into(), "b".into()],
                    no_device: false,
                }
            })
        );
        for bad in [
            &["learn"][..],
            &["learn", "template"],
            &["learn", "template", "-t", "2"],
            &["learn", "generate", "-t", "2147483648"],
            &["learn", "generate", "-t", "3", "--merge"],
        ] {
            let e = cli(bad).map(|c| c.cmd).expect_err("usage error");
            assert_eq!(e.exit_code(), 2, "{bad:?}");
        }
    }

    #[test]
    fn table_names_are_checked() {
        assert!(check_name("httpd").is_ok());
        assert!(check_name("a b").is_err());
        assert!(check_name("").is_err());
        assert!(check_name(&"x".repeat(33)).is_err());
    }
}
