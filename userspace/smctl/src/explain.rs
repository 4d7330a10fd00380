// SPDX-License-Identifier: GPL-2.0

//! `smctl explain -t N|NAME ABI SYSCALL [ARGS...]`: which rule decides such
//! a call and why.
//!
//! The table is read from the device and compiled and evaluated on the host
//! with the module's own compiler and evaluator (`src/rules/`), so the
//! answer is the hot path's, not a re-implementation's:
//!
//! ```text
//! table 3 "netd": x86_64 fcntl (72) a0=0x3 a1=0x4 a2=0x0 a3=0x0 a4=0x0 a5=0x0
//! passes x86_64#4: -s fcntl -j LOG (LOG: logs once per process, goes on)
//! passes x86_64#5: -s fcntl -j fcntl-rules (jump)
//! decided by fcntl-rules#1: -s fcntl --a1:u32 in 0x1,0x2,0x3,0x4 -j ALLOW
//! action: ALLOW: the call runs
//! ```
//!
//! ABI is a built-in chain of the architecture (`x86_64`, `ia32`, `x32`;
//! `arm64`, `arm`). SYSCALL is a name of the ABI or a number (for `x32`
//! with or without its `0x40000000` bit); ARGS are the registers a0 to a5
//! (missing ones are 0), decimal, `0x` hex or negative decimal (two's
//! complement, as a C caller passes `AT_FDCWD`). For the compat ABIs
//! (`ia32`, `arm`) only the low 32 bits of each register count, as the
//! kernel sees them. What the table does not see is not
//! explained: the module's own `prctl` options come first, and the object
//! checks (docs/tables.md) may still refuse an allowed call.

use smrules::catalog::{Arch, ArchCatalog};
use smrules::rules::ast::{ChainRef, Table};
use smrules::rules::compile::{self, Action};
use smrules::rules::{errno, eval, parse, print, Catalog};

use crate::select::TableSel;

/// Every ABI name of every architecture: what clap accepts as ABI (the
/// architecture's own are checked by [`abi_index`]).
pub fn all_abis() -> Vec<&'static str> {
    Arch::ALL.iter().flat_map(|a| a.chains()).copied().collect()
}

/// The catalog index of ABI `name`, or why it is not one of `cat`'s.
pub fn abi_index(cat: &ArchCatalog, name: &str) -> Result<usize, String> {
    cat.abi_index(name).ok_or_else(|| {
        format!(
            "{name} is not an ABI of {}: {}",
            cat.arch(),
            cat.abis().join(", ")
        )
    })
}

/// clap's value parser for a register: decimal, `0x` hex, or negative
/// decimal (two's complement).
pub fn parse_reg(s: &str) -> Result<u64, String> {
    let bad = || format!("{s}: a register is decimal, 0x hex or negative decimal");
    if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        return u64::from_str_radix(hex, 16).map_err(|_| bad());
    }
    if let Some(neg) = s.strip_prefix('-') {
        let v: i64 = neg
            .parse::<i64>()
            .ok()
            .and_then(i64::checked_neg)
            .ok_or_else(bad)?;
        return Ok(v as u64);
    }
    s.parse().map_err(|_| bad())
}

/// The syscall number (raw, as the ABI's caller passes it) and name of
/// `syscall` in ABI `abi`.
fn resolve(
    cat: &ArchCatalog,
    abi: usize,
    syscall: &str,
) -> Result<(i64, Option<&'static str>), String> {
    let abi_name = cat.abis().get(abi).copied().unwrap_or("?");
    let nr: i64 = match parse_reg(syscall) {
        Ok(n) => n as i64,
        Err(_) => i64::from(
            cat.nr_of(abi, syscall)
                .ok_or_else(|| format!("{syscall}: no such syscall in {abi_name}"))?,
        ),
    };
    let raw = cat.number_bit(abi).map_or(nr, |bit| nr | bit);
    let name = cat.index_of(abi, raw).and_then(|pos| cat.name_of(abi, pos));
    Ok((raw, name))
}

/// The name of rule `index`'s chain and its number there: `x86_64#3`.
fn label(cat: &ArchCatalog, t: &Table, index: usize) -> String {
    let chain = t
        .rules
        .get(index)
        .map_or("?", |r| print::chain_name(t, r.chain, cat));
    format!("{chain}#{}", t.rule_number(index))
}

/// Rule `index` as `-s ... -j TARGET`.
fn rule_text(cat: &ArchCatalog, t: &Table, index: usize) -> String {
    let mut b = Vec::new();
    let _ = print::rule(&mut b, t, index, cat, &print::Opts::default());
    String::from_utf8_lossy(&b).into_owned()
}

/// What `action` does to syscall `nr` (index position `pos`) of `abi`.
fn outcome(cat: &ArchCatalog, action: Action, abi: usize, pos: Option<u32>, name: &str) -> String {
    let killed = "the process is killed (in complain mode: logged, and the call runs)";
    match action {
        Action::Allow => "ALLOW: the call runs".into(),
        Action::Kill => format!("KILL: {killed}"),
        Action::Errno(e) => {
            let n = errno::name_of(e).map_or_else(|| e.to_string(), str::to_owned);
            format!("ERRNO {n}: the call fails with {n} ({e}) without running")
        }
        Action::Mode1 | Action::Mode2 => {
            let m = if action == Action::Mode1 { 1 } else { 2 };
            let allows = pos.is_some_and(|p| cat.mode_allows(abi, m, p));
            if allows {
                format!(
                    "MODE{m}: mode {m}'s static table allows {name} (with its own argument \
                     checks): the call runs"
                )
            } else {
                format!("MODE{m}: mode {m}'s static table refuses {name}: {killed}")
            }
        }
    }
}

/// The explanation of syscall `syscall` of `abi` with registers `regs` in
/// table `sel` of `text` (the device's `save -c` text, in the chains of
/// `cat`).
pub fn explain(
    cat: &ArchCatalog,
    text: &[u8],
    sel: &TableSel,
    abi: usize,
    syscall: &str,
    regs: &[u64],
) -> Result<String, String> {
    let rs = parse::parse_dump(text, cat).map_err(|e| {
        format!(
            "the module's table text does not parse (line {}, column {}): {}",
            e.line, e.col, e.msg
        )
    })?;
    let table = sel.find(&rs)?;
    let (raw, name) = resolve(cat, abi, syscall)?;
    let mut args = [0u64; 6];
    for (a, &r) in args.iter_mut().zip(regs) {
        *a = if cat.register_bits(abi) == 32 {
            r & 0xffff_ffff
        } else {
            r
        };
    }
    let copy = table.try_clone().map_err(|_| "out of memory".to_owned())?;
    let c = compile::compile(copy, cat).map_err(|e| e.msg.to_owned())?;
    let t = &c.table;
    let pos = cat.index_of(abi, raw);
    let mut passed = Vec::new();
    let d = eval::eval(
        &c,
        abi,
        pos,
        &args,
        |i, _| i,
        |rule, log| {
            passed.push((usize::from(rule), log));
        },
    );
    let abi_name = cat.abis().get(abi).copied().unwrap_or("?");
    let shown = name.map_or_else(|| format!("#{raw}"), str::to_owned);
    let mut out = format!("table {}", table.mode);
    if !table.name.is_empty() {
        out.push_str(&format!(" \"{}\"", table.name.as_str()));
    }
    out.push_str(&format!(": {abi_name} {shown} ({raw})"));
    for (i, a) in args.iter().enumerate() {
        out.push_str(&format!(" a{i}={a:#x}"));
    }
    out.push('\n');
    if pos.is_none() {
        out.push_str(&format!(
            "note: {raw} is outside {abi_name}'s syscall table: only rules without -s apply\n"
        ));
    }
    for (rule, log) in passed {
        let what = if log {
            "LOG: logs once per process, goes on"
        } else {
            "jump"
        };
        out.push_str(&format!(
            "passes {}: {} ({what})\n",
            label(cat, t, rule),
            rule_text(cat, t, rule)
        ));
    }
    let counter = d.counter as usize;
    if counter < t.rules.len() {
        out.push_str(&format!(
            "decided by {}: {}\n",
            label(cat, t, counter),
            rule_text(cat, t, counter)
        ));
    } else {
        let chain = print::chain_name(t, ChainRef::Builtin(abi as u8), cat);
        let policy = match t.policies.get(abi).copied().flatten() {
            Some(p) => {
                let mut b = Vec::new();
                let _ = print::policy(&mut b, p, &print::Opts::default());
                String::from_utf8_lossy(&b).into_owned()
            }
            None => "KILL (chain not declared)".into(),
        };
        out.push_str(&format!(
            "decided by {chain}:policy {policy} (no rule matched)\n"
        ));
    }
    out.push_str(&format!(
        "action: {}\n",
        outcome(cat, d.action, abi, pos, &shown)
    ));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &[u8] = b"# generation 3\n*mode 3 netd\n:x86_64 MODE2 [4]\n:ia32 ERRNO EPERM\n\
        :fcntl-rules x86_64\n\
        [1] -A x86_64 -s openat --a2:u32 masked 0x3 0x0 -j ALLOW\n\
        -A x86_64 -s openat -j ERRNO EACCES\n\
        -A x86_64 -s fcntl,write -j LOG\n\
        -A x86_64 -s fcntl -j fcntl-rules\n\
        -A x86_64 -s getppid -j KILL\n\
        -A x86_64 -s socket --a0:s32 eq -1 -j ENOSYS\n\
        -A fcntl-rules -s fcntl --a1:u32 in 0x1,0x2 -j ALLOW\n\
        -A ia32 -s read --a0 eq 0 -j ALLOW\nCOMMIT\n";

    /// The catalog the texts speak.
    const X86: ArchCatalog = ArchCatalog::new(Arch::X86_64);

    fn run(abi: usize, sys: &str, regs: &[u64]) -> String {
        explain(&X86, TEXT, &TableSel::Name("netd".into()), abi, sys, regs).unwrap()
    }

    #[test]
    fn deciding_rule_and_the_way_there() {
        let got = run(0, "fcntl", &[3, 2]);
        assert_eq!(
            got,
            "table 3 \"netd\": x86_64 fcntl (72) a0=0x3 a1=0x2 a2=0x0 a3=0x0 a4=0x0 a5=0x0\n\
             passes x86_64#3: -s fcntl,write -j LOG (LOG: logs once per process, goes on)\n\
             passes x86_64#4: -s fcntl -j fcntl-rules (jump)\n\
             decided by fcntl-rules#1: -s fcntl --a1:u32 in 0x1,0x2 -j ALLOW\n\
             action: ALLOW: the call runs\n"
        );
        // Another command: the user chain returns, the policy decides.
        let got = run(0, "72", &[3, 4]);
        assert!(
            got.ends_with(
                "decided by x86_64:policy MODE2 (no rule matched)\n\
             action: MODE2: mode 2's static table allows fcntl (with its own argument checks): \
             the call runs\n"
            ),
            "{got}"
        );
    }

    #[test]
    fn arguments_decide() {
        // O_RDONLY, then O_WRONLY: the first rule, then the second.
        assert!(run(0, "openat", &[(-100i64) as u64, 0x1000, 0]).contains(
            "decided by x86_64#1: -s openat --a2:u32 masked 0x3 0x0 -j ALLOW\naction: ALLOW"
        ));
        let got = run(0, "openat", &[0, 0, 1]);
        assert!(
            got.contains(
                "decided by x86_64#2: -s openat -j ERRNO EACCES\n\
             action: ERRNO EACCES: the call fails with EACCES (13) without running\n"
            ),
            "{got}"
        );
        // A signed test sees -1 in the low 32 bits, whatever the upper ones.
        assert!(run(0, "socket", &[0xffff_ffff]).contains("x86_64#6"));
        assert!(run(0, "socket", &[u64::MAX]).contains("x86_64#6"));
        assert!(run(0, "socket", &[1]).contains("policy MODE2"));
    }

    #[test]
    fn kills_policies_and_other_abis() {
        assert!(run(0, "getppid", &[]).contains("action: KILL: the process is killed"));
        let got = run(0, "ptrace", &[]);
        assert!(
            got.contains("action: MODE2: mode 2's static table refuses ptrace"),
            "{got}"
        );
        // ia32: registers are 32 bits; read with fd 0 in the low half.
        let got = run(1, "read", &[0x1_0000_0000]);
        assert!(
            got.contains("a0=0x0 ") && got.contains("decided by ia32#1"),
            "{got}"
        );
        assert!(run(1, "write", &[]).contains("decided by ia32:policy ERRNO EPERM"));
        // x32: never declared, policy KILL; numbers with or without the bit.
        let got = run(2, "read", &[]);
        assert!(got.contains("x32 read (1073741824)"), "{got}");
        assert!(
            got.contains("decided by x32:policy KILL (chain not declared)"),
            "{got}"
        );
        assert_eq!(run(2, "0", &[]), got);
        // Out of the table's range.
        let got = run(0, "100000", &[]);
        assert!(
            got.contains("note: 100000 is outside x86_64's syscall table"),
            "{got}"
        );
    }

    #[test]
    fn errors() {
        let sel = TableSel::Mode(3);
        assert_eq!(
            explain(&X86, TEXT, &sel, 0, "nosuch", &[]).unwrap_err(),
            "nosuch: no such syscall in x86_64"
        );
        assert_eq!(
            explain(&X86, TEXT, &TableSel::Mode(5), 0, "read", &[]).unwrap_err(),
            "no table 5 is loaded"
        );
        assert_eq!(parse_reg("0x10"), Ok(16));
        assert_eq!(parse_reg("-100"), Ok((-100i64) as u64));
        assert_eq!(parse_reg("18446744073709551615"), Ok(u64::MAX));
        assert!(parse_reg("0xg").is_err());
        assert!(parse_reg("x").is_err());
        assert!(parse_reg("-9223372036854775809").is_err());
        // ABIs of the architecture only.
        assert_eq!(abi_index(&X86, "x32"), Ok(2));
        assert_eq!(
            abi_index(&X86, "arm"),
            Err("arm is not an ABI of x86_64: x86_64, ia32, x32".into())
        );
        assert_eq!(all_abis(), ["x86_64", "ia32", "x32", "arm64", "arm"]);
    }

    #[test]
    fn arm64_calls() {
        let arm = ArchCatalog::new(Arch::Arm64);
        let text = b"# generation 1\n*mode 3 netd\n:arm64 MODE2 [4]\n:arm ERRNO EPERM\n\
            [1] -A arm64 -s openat --a2:u32 masked 0x3 0x0 -j ALLOW\n\
            -A arm64 -s openat -j ERRNO EACCES\n\
            -A arm -s read --a0 eq 0 -j ALLOW\nCOMMIT\n";
        let sel = TableSel::Mode(3);
        let run = |abi: &str, sys: &str, regs: &[u64]| {
            let abi = abi_index(&arm, abi).unwrap();
            explain(&arm, text, &sel, abi, sys, regs).unwrap()
        };
        let got = run("arm64", "openat", &[(-100i64) as u64, 0, 1]);
        assert_eq!(
            got,
            "table 3 \"netd\": arm64 openat (56) a0=0xffffffffffffff9c a1=0x0 a2=0x1 a3=0x0 \
             a4=0x0 a5=0x0\n\
             decided by arm64#2: -s openat -j ERRNO EACCES\n\
             action: ERRNO EACCES: the call fails with EACCES (13) without running\n"
        );
        assert!(run("arm64", "63", &[]).contains("arm64 read (63)"));
        assert!(run("arm64", "read", &[]).contains("decided by arm64:policy MODE2"));
        // AArch32: 32-bit registers; an ARM-private call takes the policy.
        let got = run("arm", "read", &[0xffff_ffff_0000_0000]);
        assert!(
            got.contains("a0=0x0 ") && got.contains("decided by arm#1"),
            "{got}"
        );
        let got = run("arm", "0xf0005", &[]);
        assert!(
            got.contains("note: 983045 is outside arm's syscall table")
                && got.contains("decided by arm:policy ERRNO EPERM"),
            "{got}"
        );
        assert_eq!(
            explain(&arm, text, &sel, 0, "open", &[]).unwrap_err(),
            "open: no such syscall in arm64"
        );
        assert!(abi_index(&arm, "x86_64").is_err());
    }
}
