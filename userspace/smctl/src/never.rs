// SPDX-License-Identifier: GPL-2.0

//! `smctl check`'s warnings: `ALLOW` rules that reach a syscall of the
//! static modes' never-list (`ptrace`, `ioctl`, `mount`, ...). A table may
//! allow them when its author writes so (only `execve`, `execveat` and
//! `io_uring_*` are load errors), but it should be a decision, not a slip.

use smrules::catalog::ArchCatalog;
use smrules::rules::ast::{Table, Target};
use smrules::rules::Catalog;

/// The name of syscall `nr` of ABI `abi` if it is on the static
/// never-list.
fn is_never(cat: &ArchCatalog, abi: usize, nr: u32) -> Option<&'static str> {
    cat.static_never(abi, nr)
        .then(|| cat.name_of(abi, nr))
        .flatten()
}

/// The warnings about table `t` (in the chains of `cat`): one per `ALLOW`
/// rule that reaches a never-listed syscall, e.g. `*mode 3: x86_64#3 allows
/// ioctl, which modes 1 and 2 never allow`.
pub fn warnings(cat: &ArchCatalog, t: &Table) -> Vec<String> {
    let mut out = Vec::new();
    for (i, r) in t.rules.iter().enumerate() {
        if r.target != Target::Allow {
            continue;
        }
        let abi = usize::from(t.chain_abi(r.chain));
        let label = format!(
            "*mode {}: {}#{}",
            t.mode,
            smrules::rules::print::chain_name(t, r.chain, cat),
            t.rule_number(i)
        );
        // An ALLOW without -s is a load error (it would reach execve).
        let Some(list) = t.syscalls_of(r) else {
            continue;
        };
        let names: Vec<&str> = list
            .iter()
            .filter_map(|&nr| is_never(cat, abi, nr))
            .collect();
        if !names.is_empty() {
            out.push(format!(
                "{label} allows {}, which modes 1 and 2 never allow",
                names.join(",")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use smrules::catalog::Arch;
    use smrules::rules::parse::parse;

    fn warn_on(arch: Arch, text: &str) -> Vec<String> {
        let cat = ArchCatalog::new(arch);
        let rs = parse(text.as_bytes(), &cat).expect("parses");
        rs.tables.iter().flat_map(|t| warnings(&cat, t)).collect()
    }

    fn warn(text: &str) -> Vec<String> {
        warn_on(Arch::X86_64, text)
    }

    #[test]
    fn allow_of_a_never_listed_call_warns() {
        let w = warn(
            "*mode 3\n:x86_64 KILL\n:ia32 KILL\n\
             -A x86_64 -s read,ptrace -j ALLOW\n\
             -A x86_64 -s ioctl --a1:u32 eq 0x541b -j ALLOW\n\
             -A x86_64 -s mount -j ERRNO EPERM\n\
             -A ia32 -s ptrace -j ALLOW\nCOMMIT\n",
        );
        assert_eq!(
            w,
            [
                "*mode 3: x86_64#1 allows ptrace, which modes 1 and 2 never allow",
                "*mode 3: x86_64#2 allows ioctl, which modes 1 and 2 never allow",
                "*mode 3: ia32#1 allows ptrace, which modes 1 and 2 never allow",
            ]
        );
    }

    #[test]
    fn safe_rules_do_not_warn() {
        assert_eq!(
            warn(
                "*mode 3\n:x86_64 MODE2\n-A x86_64 -s getpid,read -j ALLOW\n\
                  -A x86_64 -s ptrace -j KILL\nCOMMIT\n"
            ),
            Vec::<String>::new()
        );
        assert_eq!(
            warn("*mode 3\n:x32 KILL\n-A x32 -s ptrace,getpid -j ALLOW\nCOMMIT\n"),
            ["*mode 3: x32#1 allows ptrace, which modes 1 and 2 never allow"]
        );
    }

    #[test]
    fn arm64_never_list() {
        assert_eq!(
            warn_on(
                Arch::Arm64,
                "*mode 3\n:arm64 KILL\n:arm KILL\n\
                 -A arm64 -s read,ptrace -j ALLOW\n\
                 -A arm64 -s ioctl --a1:u32 eq 0x541b -j ALLOW\n\
                 -A arm64 -s openat -j ALLOW\n\
                 -A arm -s ptrace,mmap2 -j ALLOW\nCOMMIT\n",
            ),
            [
                "*mode 3: arm64#1 allows ptrace, which modes 1 and 2 never allow",
                "*mode 3: arm64#2 allows ioctl, which modes 1 and 2 never allow",
                "*mode 3: arm#1 allows ptrace, which modes 1 and 2 never allow",
            ]
        );
    }
}
