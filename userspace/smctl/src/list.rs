// SPDX-License-Identifier: GPL-2.0

//! `smctl -L`: the tables as `iptables -L [-v] [-n] [--line-numbers]` shows
//! a firewall. Per table a header, per chain its policy (and hits with
//! `-v`), then one line per rule: `[num] [hits] target syscalls args`.
//!
//! ```text
//! Table 3 "netd"
//! Chain x86_64 (policy MODE2, 1042 hits)
//! num   hits  target        syscalls  args
//! 1        7  ALLOW         openat    --a2:u32 masked 0x3 0x0
//! 2        1  ERRNO EACCES  openat
//! ```
//!
//! The text comes from the device (`save -c`) and is read with the module's
//! own parser; the arguments are printed by its own printer. Columns are
//! aligned over the whole table. Hit counts above 99999 are abbreviated as
//! iptables does (`123K`, `45M`, `6G`, rounded) unless `-x` asks for exact
//! ones. Listing reads only the device: no name service or anything else
//! that could block is ever asked (`-n` only chooses numbers over names).

use smrules::catalog::ArchCatalog;

use crate::select::TableSel;
use smrules::rules::ast::{ChainRef, Policy, Table, Target, MAX_ABIS};
use smrules::rules::{parse, print, Catalog};

/// What to list and how.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ListOpts {
    /// Only this table.
    pub table: Option<TableSel>,
    /// Hit counts.
    pub verbose: bool,
    /// Syscall and errno numbers instead of names.
    pub numeric: bool,
    /// Rule numbers (1-based, per chain).
    pub line_numbers: bool,
    /// Exact hit counts (`-x`), not abbreviated.
    pub exact: bool,
}

/// A hit count as `iptables -L -v` prints it: exact up to 99999 or with
/// `exact`, else rounded to thousands (`K`), millions (`M`), ... so that it
/// stays within 5 characters.
pub fn hits(n: u64, exact: bool) -> String {
    if exact || n <= 99_999 {
        return n.to_string();
    }
    let mut v = n;
    for unit in ["K", "M", "G", "T"] {
        v = v / 1000 + u64::from(v % 1000 >= 500);
        if v <= 9999 {
            return format!("{v}{unit}");
        }
    }
    format!("{}P", v / 1000 + u64::from(v % 1000 >= 500))
}

/// One rule's columns.
struct Row {
    num: usize,
    hits: String,
    target: String,
    syscalls: String,
    args: String,
}

/// One chain: its header line and rules.
struct ChainView {
    header: String,
    rows: Vec<Row>,
}

/// Lists the tables of `text` (`save -c` text, as the device returns it,
/// in the chains of `cat`).
pub fn render(cat: &ArchCatalog, text: &[u8], opts: &ListOpts) -> Result<String, String> {
    let rs = parse::parse_dump(text, cat).map_err(|e| {
        format!(
            "the module's table text does not parse (line {}, column {}): {}",
            e.line, e.col, e.msg
        )
    })?;
    let mut out = String::new();
    let mut found = false;
    for t in rs.tables.iter() {
        if opts.table.as_ref().is_some_and(|s| !s.matches(t)) || t.delete {
            continue;
        }
        if found {
            out.push('\n');
        }
        found = true;
        table(&mut out, t, cat, opts);
    }
    match &opts.table {
        Some(s) if !found => Err(s.missing()),
        _ => Ok(out),
    }
}

/// The text of `f` writing into a byte list (only an allocation failure,
/// which aborts on the host anyway, can fail).
fn text_of(f: impl FnOnce(&mut Vec<u8>) -> Result<(), smrules::rules::alloc::Oom>) -> String {
    let mut buf = Vec::new();
    let _ = f(&mut buf);
    String::from_utf8_lossy(&buf).into_owned()
}

/// A policy's text: `KILL`, `ERRNO EACCES` (`ERRNO 13` with `-n`), ...
fn policy_text(p: Policy, numeric: bool) -> String {
    let popts = print::Opts {
        numeric,
        counters: None,
    };
    text_of(|b| print::policy(b, p, &popts))
}

/// `n` with its noun, singular or plural.
fn count(n: u64, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// A hit count with its noun, abbreviated unless `exact`.
fn count_hits(n: u64, exact: bool) -> String {
    format!("{} {}", hits(n, exact), if n == 1 { "hit" } else { "hits" })
}

/// Appends one table.
fn table(out: &mut String, t: &Table, cat: &dyn Catalog, opts: &ListOpts) {
    if t.name.is_empty() {
        out.push_str(&format!("Table {}\n", t.mode));
    } else {
        out.push_str(&format!("Table {} \"{}\"\n", t.mode, t.name.as_str()));
    }
    let mut chains = Vec::new();
    // Built-in chains in ABI order, declared or not (an undeclared chain has
    // policy KILL and no counter in the text), then the user chains.
    for (abi, name) in cat.abis().iter().enumerate().take(MAX_ABIS) {
        let header = match t.policies.get(abi).copied().flatten() {
            Some(p) => {
                let mut h = format!("Chain {name} (policy {}", policy_text(p, opts.numeric));
                if opts.verbose {
                    let hits = t.counts.get(t.rules.len() + abi).copied().unwrap_or(0);
                    h.push_str(&format!(", {}", count_hits(hits, opts.exact)));
                }
                h + ")"
            }
            None => format!("Chain {name} (policy KILL, not declared)"),
        };
        chains.push(ChainView {
            header,
            rows: rows(t, ChainRef::Builtin(abi as u8), cat, opts),
        });
    }
    for (u, chain) in t.users.iter().enumerate() {
        let refs = t
            .rules
            .iter()
            .filter(|r| r.target == Target::Jump(u as u8))
            .count() as u64;
        let abi = cat
            .abis()
            .get(usize::from(chain.abi))
            .copied()
            .unwrap_or("?");
        chains.push(ChainView {
            header: format!(
                "Chain {} (user chain of {abi}, {})",
                chain.name.as_str(),
                count(refs, "reference", "references")
            ),
            rows: rows(t, ChainRef::User(u as u8), cat, opts),
        });
    }
    // One set of column widths for the whole table.
    let all = || chains.iter().flat_map(|c| c.rows.iter());
    let w_num = all().map(|r| r.num.to_string().len()).fold(3, usize::max);
    let w_hits = all().map(|r| r.hits.len()).fold(4, usize::max);
    let w_target = all().map(|r| r.target.len()).fold(6, usize::max);
    let w_sys = all().map(|r| r.syscalls.len()).fold(8, usize::max);
    for (i, c) in chains.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&c.header);
        out.push('\n');
        let mut line = String::new();
        if opts.line_numbers {
            line.push_str(&format!("{:<w_num$}  ", "num"));
        }
        if opts.verbose {
            line.push_str(&format!("{:>w_hits$}  ", "hits"));
        }
        line.push_str(&format!(
            "{:<w_target$}  {:<w_sys$}  args",
            "target", "syscalls"
        ));
        out.push_str(line.trim_end());
        out.push('\n');
        for r in &c.rows {
            let mut line = String::new();
            if opts.line_numbers {
                line.push_str(&format!("{:<w_num$}  ", r.num));
            }
            if opts.verbose {
                line.push_str(&format!("{:>w_hits$}  ", r.hits));
            }
            line.push_str(&format!(
                "{:<w_target$}  {:<w_sys$}  {}",
                r.target, r.syscalls, r.args
            ));
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
}

/// The rows of chain `chain` of `t`.
fn rows(t: &Table, chain: ChainRef, cat: &dyn Catalog, opts: &ListOpts) -> Vec<Row> {
    let popts = print::Opts {
        numeric: opts.numeric,
        counters: None,
    };
    let mut rows = Vec::new();
    for (i, r) in t.rules.iter().enumerate() {
        if r.chain != chain {
            continue;
        }
        let abi = usize::from(t.chain_abi(r.chain));
        let syscalls = match t.syscalls_of(r) {
            None => "all".to_owned(),
            Some(list) => list
                .iter()
                .map(|&nr| match cat.name_of(abi, nr) {
                    Some(name) if !opts.numeric => name.to_owned(),
                    // A syscall without a name keeps the text's `#nr`.
                    _ if !opts.numeric => format!("#{nr}"),
                    _ => nr.to_string(),
                })
                .collect::<Vec<_>>()
                .join(","),
        };
        let target = match r.target {
            Target::Allow => "ALLOW".to_owned(),
            Target::Verdict(p) => policy_text(p, opts.numeric),
            Target::Log => "LOG".to_owned(),
            Target::Learn(mask) => {
                let args: Vec<String> = (0..6)
                    .filter(|i| mask & (1 << i) != 0)
                    .map(|i| format!("a{i}"))
                    .collect();
                format!("LEARN {}", args.join(","))
            }
            Target::Jump(u) => print::chain_name(t, ChainRef::User(u), cat).to_owned(),
        };
        rows.push(Row {
            num: t.rule_number(i),
            hits: hits(t.counts.get(i).copied().unwrap_or(0), opts.exact),
            target,
            syscalls,
            args: args_of(
                &text_of(|b| print::rule(b, t, i, cat, &popts)),
                r.syscalls.is_some(),
            ),
        });
    }
    rows
}

/// The argument tests of a printed rule `[-s LIST] [TESTS] -j TARGET`.
fn args_of(rule: &str, has_syscalls: bool) -> String {
    let mut s = rule;
    if has_syscalls {
        // Drop "-s" and the list (which has no spaces).
        s = s.splitn(3, ' ').nth(2).unwrap_or("");
    }
    let end = if s.starts_with("-j ") {
        0
    } else {
        s.find(" -j ").unwrap_or(s.len())
    };
    s[..end].trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use smrules::catalog::Arch;

    /// The catalog the texts speak.
    const X86: ArchCatalog = ArchCatalog::new(Arch::X86_64);

    /// `save -c` text as the device returns it.
    const TEXT: &str = "\
*mode 3 t3
:x86_64 MODE2 [1042]
:fcntl-rules x86_64
[7] -A x86_64 -s openat --a2:u32 masked 0x3 0x0 -j ALLOW
[1] -A x86_64 -s openat -j ERRNO EACCES
[0] -A x86_64 -s ioctl --a1:u32 in 0x541b,0x5421 -j ALLOW
[12] -A x86_64 -s write,writev -j LOG
[3] -A x86_64 -s fcntl -j fcntl-rules
[0] -A x86_64 -s getppid -j KILL
[2] -A fcntl-rules -s fcntl --a1:u32 in 0x1,0x2 -j ALLOW
COMMIT
*mode 5
:ia32 ERRNO EPERM [4]
[0] -A ia32 -j ENOSYS
COMMIT
";

    #[test]
    fn plain_listing() {
        let got = render(&X86, TEXT.as_bytes(), &ListOpts::default()).unwrap();
        let want = "\
Table 3 \"t3\"
Chain x86_64 (policy MODE2)
target        syscalls      args
ALLOW         openat        --a2:u32 masked 0x3 0x0
ERRNO EACCES  openat
ALLOW         ioctl         --a1:u32 in 0x541b,0x5421
LOG           write,writev
fcntl-rules   fcntl
KILL          getppid

Chain ia32 (policy KILL, not declared)
target        syscalls      args

Chain x32 (policy KILL, not declared)
target        syscalls      args

Chain fcntl-rules (user chain of x86_64, 1 reference)
target        syscalls      args
ALLOW         fcntl         --a1:u32 in 0x1,0x2

Table 5
Chain x86_64 (policy KILL, not declared)
target  syscalls  args

Chain ia32 (policy ERRNO EPERM)
target  syscalls  args
ENOSYS  all

Chain x32 (policy KILL, not declared)
target  syscalls  args
";
        assert_eq!(got, want, "got:\n{got}");
    }

    #[test]
    fn verbose_numeric_line_numbers_one_table() {
        let opts = ListOpts {
            table: Some(TableSel::Mode(3)),
            verbose: true,
            numeric: true,
            line_numbers: true,
            exact: false,
        };
        let got = render(&X86, TEXT.as_bytes(), &opts).unwrap();
        let want = "\
Table 3 \"t3\"
Chain x86_64 (policy MODE2, 1042 hits)
num  hits  target       syscalls  args
1       7  ALLOW        257       --a2:u32 masked 0x3 0x0
2       1  ERRNO 13     257
3       0  ALLOW        16        --a1:u32 in 0x541b,0x5421
4      12  LOG          1,20
5       3  fcntl-rules  72
6       0  KILL         110

Chain ia32 (policy KILL, not declared)
num  hits  target       syscalls  args

Chain x32 (policy KILL, not declared)
num  hits  target       syscalls  args

Chain fcntl-rules (user chain of x86_64, 1 reference)
num  hits  target       syscalls  args
1       2  ALLOW        72        --a1:u32 in 0x1,0x2
";
        assert_eq!(got, want, "got:\n{got}");
    }

    #[test]
    fn policy_hits_and_missing_counters() {
        let opts = ListOpts {
            table: Some(TableSel::Mode(5)),
            verbose: true,
            ..ListOpts::default()
        };
        let got = render(&X86, TEXT.as_bytes(), &opts).unwrap();
        assert!(
            got.contains("Chain ia32 (policy ERRNO EPERM, 4 hits)\n"),
            "{got}"
        );
        assert!(got.contains("   0  ENOSYS  all\n"), "{got}");
        // Text without counters (plain `save`): every count is 0.
        let plain = TEXT.replace("[7] ", "").replace(" [1042]", "");
        let got = render(
            &X86,
            plain.as_bytes(),
            &ListOpts {
                table: Some(TableSel::Name("t3".into())),
                verbose: true,
                ..ListOpts::default()
            },
        )
        .unwrap();
        assert!(got.contains("(policy MODE2, 0 hits)"), "{got}");
        assert!(got.contains("\n   0  ALLOW  "), "{got}");
    }

    #[test]
    fn unknown_table_and_bad_text() {
        let opts = ListOpts {
            table: Some(TableSel::Mode(4)),
            ..ListOpts::default()
        };
        assert_eq!(
            render(&X86, TEXT.as_bytes(), &opts).unwrap_err(),
            "no table 4 is loaded"
        );
        let opts = ListOpts {
            table: Some(TableSel::Name("nope".into())),
            ..ListOpts::default()
        };
        assert_eq!(
            render(&X86, TEXT.as_bytes(), &opts).unwrap_err(),
            "no table named \"nope\" is loaded"
        );
        assert!(render(
            &X86,
            b"*mode 3\n-A nowhere -j ALLOW\nCOMMIT\n",
            &ListOpts::default()
        )
        .unwrap_err()
        .contains("line 2"));
        assert_eq!(render(&X86, b"", &ListOpts::default()).unwrap(), "");
    }

    #[test]
    fn args_are_cut_from_the_printed_rule() {
        assert_eq!(args_of("-s openat -j ALLOW", true), "");
        assert_eq!(args_of("-j ALLOW", false), "");
        assert_eq!(
            args_of(
                "-s a,b --a0:u32 eq 0x1 ! --a1:s32 lt -3 -j ERRNO EPERM",
                true
            ),
            "--a0:u32 eq 0x1 ! --a1:s32 lt -3"
        );
        assert_eq!(args_of("--a0:u64 eq 0x1 -j x", false), "--a0:u64 eq 0x1");
    }

    #[test]
    fn large_counts_are_abbreviated_like_iptables() {
        assert_eq!(hits(0, false), "0");
        assert_eq!(hits(99_999, false), "99999");
        assert_eq!(hits(100_000, false), "100K");
        assert_eq!(hits(1_234_567, false), "1235K");
        assert_eq!(hits(9_999_499, false), "9999K");
        assert_eq!(hits(9_999_500, false), "10M");
        assert_eq!(hits(12_345_678_901, false), "12G");
        assert_eq!(hits(u64::MAX, false), "18447P");
        assert_eq!(hits(1_234_567, true), "1234567");
        let big = TEXT
            .replace("[7] ", "[1234567] ")
            .replace("[1042]", "[7000000]");
        let mut opts = ListOpts {
            table: Some(TableSel::Mode(3)),
            verbose: true,
            ..ListOpts::default()
        };
        let got = render(&X86, big.as_bytes(), &opts).unwrap();
        assert!(got.contains("(policy MODE2, 7000K hits)"), "{got}");
        assert!(got.contains("\n1235K  ALLOW "), "{got}");
        assert!(got.contains("\n    1  ERRNO EACCES"), "{got}");
        opts.exact = true;
        let got = render(&X86, big.as_bytes(), &opts).unwrap();
        assert!(got.contains("(policy MODE2, 7000000 hits)"), "{got}");
        assert!(got.contains("\n1234567  ALLOW "), "{got}");
        assert!(got.contains("\n      1  ERRNO EACCES"), "{got}");
    }
}
