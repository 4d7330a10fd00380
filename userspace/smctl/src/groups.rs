// SPDX-License-Identifier: GPL-2.0

//! Named syscall groups for writing rules: `-s @basic-io,@time,getpid`.
//!
//! Modelled on systemd's `SystemCallFilter=` groups, but per ABI. A group
//! lists syscall names by the x86 ABIs that have them: the names common to
//! `x86_64`, `ia32` and `x32`, those only the 64-bit table has (`x86_64`
//! and `x32`), and those only `ia32` has (`_llseek`, `mmap2`,
//! `socketcall`, the `*_time64` calls, ...); then AArch32's own names
//! (`arm_fadvise64_64`, `arm_sync_file_range`, `send`, `recv`). A group
//! expands in a rule of chain ABI `a` to exactly those of its names that
//! `a` has, in list order, each resolved through the module's own catalog
//! of the architecture: so a group never names a syscall the ABI lacks.
//! A host test checks that every x86 name resolves in every x86 ABI it is
//! listed for and in no other, and that every `arm` name is AArch32's
//! alone, so a misspelt name cannot hide behind the filter.
//!
//! On arm64 this skips what the generic syscall table of `arm64` lacks
//! (`open`, `stat`, `mkdir`, `poll`, `select`, `fork`, `dup2`, `alarm`,
//! `time`, ... whose `*at`, `p*`, `clone` or `dup3` successors the groups
//! list too) and what AArch32 EABI lacks (`socketcall`, `time`, `alarm`,
//! `mmap`, `utime`, `select`; it has `_newselect`, `mmap2`, `send`,
//! ...). `smctl groups` prints the members per ABI of the architecture.
//!
//! `smctl` expands groups before anything reaches the module (`restore`,
//! `check`, `diff`, `-A`/`-I`/`-R`/`-D`): the module never sees a group, and
//! `smctl save` shows exactly the syscalls that are enforced. A `-s` list
//! keeps its explicit names where they are; a group's members come at the
//! group's place, without those already listed. A rule whose expansion
//! would make a saved line longer than the module's 512 bytes is split into
//! consecutive rules with the same tests and target (the same decisions:
//! the first rule that matches decides, and the lists are disjoint).
//!
//! No group contains `execve`, `execveat` or `io_uring_*` (no table may
//! allow them), nor calls that change namespaces, mounts, modules or the
//! clock; `smctl check` warns about `ALLOW`s of never-listed calls anyway.

use std::collections::HashSet;

use smrules::catalog::ArchCatalog;
use smrules::rules::{Catalog, MAX_LINE};

/// One named group.
#[derive(Debug)]
pub struct Group {
    /// Its name, without the `@`.
    pub name: &'static str,
    /// One line: what it is for.
    pub about: &'static str,
    /// Members every ABI has.
    pub common: &'static [&'static str],
    /// Members only the 64-bit table has (`x86_64` and `x32`).
    pub native: &'static [&'static str],
    /// Members only `ia32` has.
    pub ia32: &'static [&'static str],
    /// AArch32's own members (`arm` of arm64), in no x86 ABI.
    pub arm: &'static [&'static str],
}

impl Group {
    /// Every name the group lists, in list order.
    pub fn names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.common
            .iter()
            .chain(self.native)
            .chain(self.ia32)
            .chain(self.arm)
            .copied()
    }

    /// The members of ABI `abi` of `cat`: the names it has, in list order.
    pub fn members<'a>(
        &'a self,
        cat: &'a ArchCatalog,
        abi: usize,
    ) -> impl Iterator<Item = &'static str> + 'a {
        self.names().filter(move |m| cat.nr_of(abi, m).is_some())
    }
}

/// Every group, in the order `docs/smctl.md` documents them.
pub const GROUPS: &[Group] = &[
    Group {
        name: "basic-io",
        about: "read, write, seek and close open descriptors",
        common: &[
            "read",
            "write",
            "readv",
            "writev",
            "pread64",
            "pwrite64",
            "preadv",
            "pwritev",
            "preadv2",
            "pwritev2",
            "lseek",
            "close",
            "close_range",
            "dup",
            "dup2",
            "dup3",
        ],
        native: &[],
        ia32: &["_llseek"],
        arm: &[],
    },
    Group {
        name: "file-read",
        about: "open files and directories, read their contents, metadata and links",
        common: &[
            "open",
            "openat",
            "openat2",
            "access",
            "faccessat",
            "faccessat2",
            "stat",
            "lstat",
            "fstat",
            "statx",
            "statfs",
            "fstatfs",
            "getdents",
            "getdents64",
            "readlink",
            "readlinkat",
            "getcwd",
            "chdir",
            "fchdir",
            "getxattr",
            "lgetxattr",
            "fgetxattr",
            "listxattr",
            "llistxattr",
            "flistxattr",
            "readahead",
            "fadvise64",
        ],
        native: &["newfstatat"],
        ia32: &[
            "stat64",
            "lstat64",
            "fstat64",
            "fstatat64",
            "statfs64",
            "fstatfs64",
            "fadvise64_64",
        ],
        arm: &["arm_fadvise64_64"],
    },
    Group {
        name: "file-write",
        about: "create, change, rename and remove files and directories",
        common: &[
            "creat",
            "mkdir",
            "mkdirat",
            "rmdir",
            "rename",
            "renameat",
            "renameat2",
            "link",
            "linkat",
            "symlink",
            "symlinkat",
            "unlink",
            "unlinkat",
            "truncate",
            "ftruncate",
            "fallocate",
            "chmod",
            "fchmod",
            "fchmodat",
            "fchmodat2",
            "chown",
            "fchown",
            "lchown",
            "fchownat",
            "utime",
            "utimes",
            "utimensat",
            "futimesat",
            "umask",
        ],
        native: &[],
        ia32: &[
            "truncate64",
            "ftruncate64",
            "chown32",
            "fchown32",
            "lchown32",
            "utimensat_time64",
        ],
        arm: &[],
    },
    Group {
        name: "network-io",
        about: "sockets: create, connect, accept, send, receive, options",
        common: &[
            "socket",
            "socketpair",
            "bind",
            "listen",
            "connect",
            "accept4",
            "getsockname",
            "getpeername",
            "getsockopt",
            "setsockopt",
            "sendto",
            "sendmsg",
            "sendmmsg",
            "recvfrom",
            "recvmsg",
            "recvmmsg",
            "shutdown",
        ],
        native: &["accept"],
        ia32: &["socketcall", "recvmmsg_time64"],
        arm: &["send", "recv"],
    },
    Group {
        name: "io-event",
        about: "wait for descriptors: poll, select, epoll, eventfd",
        common: &[
            "poll",
            "ppoll",
            "select",
            "pselect6",
            "epoll_create",
            "epoll_create1",
            "epoll_ctl",
            "epoll_wait",
            "epoll_pwait",
            "epoll_pwait2",
            "eventfd",
            "eventfd2",
        ],
        native: &[],
        ia32: &["_newselect", "ppoll_time64", "pselect6_time64"],
        arm: &[],
    },
    Group {
        name: "process",
        about: "fork, wait for and signal processes and threads (no exec, no namespaces)",
        common: &[
            "fork",
            "vfork",
            "clone",
            "clone3",
            "wait4",
            "waitid",
            "exit",
            "exit_group",
            "kill",
            "tkill",
            "tgkill",
            "getpid",
            "getppid",
            "gettid",
            "getpgid",
            "getpgrp",
            "getsid",
            "getrusage",
            "times",
            "capget",
            "pidfd_open",
            "pidfd_send_signal",
            "rt_sigqueueinfo",
            "rt_tgsigqueueinfo",
            "set_tid_address",
            "set_robust_list",
            "get_robust_list",
            "rseq",
        ],
        native: &[],
        ia32: &["waitpid"],
        arm: &[],
    },
    Group {
        name: "signal",
        about: "handle, block and wait for signals",
        common: &[
            "rt_sigaction",
            "rt_sigprocmask",
            "rt_sigreturn",
            "rt_sigpending",
            "rt_sigsuspend",
            "rt_sigtimedwait",
            "sigaltstack",
            "signalfd",
            "signalfd4",
            "pause",
        ],
        native: &[],
        ia32: &[
            "signal",
            "sigaction",
            "sigprocmask",
            "sigreturn",
            "sigpending",
            "sigsuspend",
            "rt_sigtimedwait_time64",
        ],
        arm: &[],
    },
    Group {
        name: "time",
        about: "read the clocks and sleep (not set them)",
        common: &[
            "clock_gettime",
            "clock_getres",
            "clock_nanosleep",
            "gettimeofday",
            "time",
            "nanosleep",
        ],
        native: &[],
        ia32: &[
            "clock_gettime64",
            "clock_getres_time64",
            "clock_nanosleep_time64",
        ],
        arm: &[],
    },
    Group {
        name: "timer",
        about: "interval timers, POSIX timers and timerfds",
        common: &[
            "alarm",
            "getitimer",
            "setitimer",
            "timer_create",
            "timer_delete",
            "timer_getoverrun",
            "timer_gettime",
            "timer_settime",
            "timerfd_create",
            "timerfd_gettime",
            "timerfd_settime",
        ],
        native: &[],
        ia32: &[
            "timer_gettime64",
            "timer_settime64",
            "timerfd_gettime64",
            "timerfd_settime64",
        ],
        arm: &[],
    },
    Group {
        name: "memory",
        about: "map, unmap and protect memory, move the break (no mremap)",
        common: &[
            "brk", "mmap", "munmap", "mprotect", "madvise", "mincore", "msync",
        ],
        native: &[],
        ia32: &["mmap2"],
        arm: &[],
    },
    Group {
        name: "credentials",
        about: "read user and group ids (not change them)",
        common: &[
            "getuid",
            "geteuid",
            "getgid",
            "getegid",
            "getresuid",
            "getresgid",
            "getgroups",
        ],
        native: &[],
        ia32: &[
            "getuid32",
            "geteuid32",
            "getgid32",
            "getegid32",
            "getresuid32",
            "getresgid32",
            "getgroups32",
        ],
        arm: &[],
    },
    Group {
        name: "sync",
        about: "flush files and file systems to storage",
        common: &["fsync", "fdatasync", "sync", "syncfs", "sync_file_range"],
        native: &[],
        ia32: &[],
        arm: &["arm_sync_file_range"],
    },
];

/// The group called `name` (without `@`).
pub fn find(name: &str) -> Option<&'static Group> {
    GROUPS.iter().find(|g| g.name == name)
}

/// Where an expansion went wrong: 1-based line and column of the group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupError {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
    /// What is wrong, naming the group.
    pub msg: String,
}

/// One output line of an expansion and where it came from, to map an error
/// in the expanded text back to the text the user wrote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LineMap {
    /// 1-based line of the source.
    src: u32,
    /// For a line whose `-s` list changed: (column of the list in the
    /// output, its length there, column in the source, length there).
    list: Option<(u32, u32, u32, u32)>,
}

/// A ruleset text with its groups expanded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expanded {
    /// The text to parse or commit.
    pub text: Vec<u8>,
    /// One per output line, when the text changed; empty when it did not.
    map: Vec<LineMap>,
}

impl Expanded {
    /// The source line and column of `line`:`col` of the expanded text: a
    /// place inside an expanded list is the list's first column.
    pub fn source(&self, line: u32, col: u32) -> (u32, u32) {
        if line == 0 || self.map.is_empty() {
            return (line, col);
        }
        let Some(m) = self.map.get(line as usize - 1) else {
            return (line, col);
        };
        let col = match m.list {
            Some((out, out_len, src, src_len)) if col >= out => {
                if col < out + out_len {
                    src
                } else {
                    col - out_len + src_len - out + src
                }
            }
            _ => col,
        };
        (m.src, col)
    }
}

/// The words of a line with their 0-based byte offsets.
fn words(line: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        if c == ' ' || c == '\t' {
            if let Some(s) = start.take() {
                out.push((s, &line[s..i]));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        out.push((s, &line[s..]));
    }
    out
}

/// The longest a syscall of `abi` may print in a saved line: its name or
/// `#nr`, whichever is longer, and a comma.
fn item_cost(cat: &ArchCatalog, abi: usize, name: &str) -> usize {
    let nr = cat.nr_of(abi, name).map_or(5, |n| format!("#{n}").len());
    name.len().max(nr) + 1
}

/// The `-s` list `list` (starting at 1-based column `col` of line `line`)
/// of a rule of chain ABI `abi` with its groups expanded; `None` if it
/// names no group.
fn expand_list(
    cat: &ArchCatalog,
    abi: usize,
    list: &str,
    line: u32,
    col: u32,
) -> Result<Option<Vec<String>>, GroupError> {
    if !list.split(',').any(|i| i.starts_with('@')) {
        return Ok(None);
    }
    let explicit: HashSet<&str> = list.split(',').filter(|i| !i.starts_with('@')).collect();
    let mut seen: HashSet<&str> = HashSet::new();
    let mut out = Vec::new();
    let mut at = col;
    for item in list.split(',') {
        if let Some(name) = item.strip_prefix('@') {
            let g = find(name).ok_or_else(|| GroupError {
                line,
                col: at,
                msg: format!("unknown syscall group: {item} (smctl groups lists them)"),
            })?;
            for m in g.members(cat, abi) {
                if !explicit.contains(m) && seen.insert(m) {
                    out.push(m.to_owned());
                }
            }
        } else {
            // Explicit names stay, duplicates too: the parser names them.
            out.push(item.to_owned());
        }
        at += item.len() as u32 + 1;
    }
    if out.is_empty() {
        return Err(GroupError {
            line,
            col,
            msg: format!("the groups of {list} have no syscall of this ABI"),
        });
    }
    Ok(Some(out))
}

/// Splits `items` into lists whose saved line (`-A CHAIN -s LIST` and a
/// rest of `rest_len` bytes, a counter in front) stays within the module's
/// line limit.
fn chunks(
    cat: &ArchCatalog,
    abi: usize,
    chain: &str,
    rest_len: usize,
    items: Vec<String>,
) -> Vec<Vec<String>> {
    // "[18446744073709551615] -A CHAIN -s " and the rest, which the printer
    // may write up to about twice as long (widths, 0x).
    let fixed = 23 + 3 + chain.len() + 4 + 2 * rest_len + 16;
    let budget = MAX_LINE.saturating_sub(fixed).max(64);
    let mut out: Vec<Vec<String>> = Vec::new();
    let mut cur = Vec::new();
    let mut used = 0;
    for item in items {
        let cost = item_cost(cat, abi, &item);
        if !cur.is_empty() && used + cost > budget {
            out.push(std::mem::take(&mut cur));
            used = 0;
        }
        used += cost;
        cur.push(item);
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

/// The output lines of an expanded line, the list's column and length.
type LineExpansion = (Vec<String>, u32, u32);

/// Expands the groups of one rule line (`[n] -A CHAIN -s LIST ...`) of line
/// number `no`, with `abi_of` the ABI of a chain: the output lines, or
/// `None` if the line has no group.
fn expand_line(
    cat: &ArchCatalog,
    line: &str,
    no: u32,
    abi_of: &dyn Fn(&str) -> Option<usize>,
) -> Result<Option<LineExpansion>, GroupError> {
    let w = words(line);
    let mut i = 0;
    if w.first().is_some_and(|(_, t)| t.starts_with('[')) {
        i = 1;
    }
    let (Some((_, "-A")), Some((_, chain)), Some((_, "-s")), Some(&(lpos, list))) =
        (w.get(i), w.get(i + 1), w.get(i + 2), w.get(i + 3))
    else {
        return Ok(None);
    };
    let Some(abi) = abi_of(chain) else {
        // An unknown chain: the parser says so.
        return Ok(None);
    };
    let col = lpos as u32 + 1;
    let Some(items) = expand_list(cat, abi, list, no, col)? else {
        return Ok(None);
    };
    let head = &line[..lpos];
    let rest = &line[lpos + list.len()..];
    let lines = chunks(cat, abi, chain, rest.len(), items)
        .into_iter()
        .map(|c| format!("{head}{}{rest}", c.join(",")))
        .collect();
    Ok(Some((lines, col, list.len() as u32)))
}

/// Expands every `@group` in the `-s` lists of a ruleset text for the
/// chains of `cat`. A text without groups comes back unchanged, byte for
/// byte.
pub fn expand_text(cat: &ArchCatalog, text: &[u8]) -> Result<Expanded, GroupError> {
    let unchanged = || Expanded {
        text: text.to_vec(),
        map: Vec::new(),
    };
    if !text.contains(&b'@') {
        return Ok(unchanged());
    }
    // Not UTF-8: the parser says where.
    let Ok(s) = std::str::from_utf8(text) else {
        return Ok(unchanged());
    };
    let mut out = String::with_capacity(s.len());
    let mut map = Vec::new();
    let mut users: Vec<(String, usize)> = Vec::new();
    let mut changed = false;
    let mut lines = s.split('\n').peekable();
    let mut no = 0u32;
    while let Some(line) = lines.next() {
        no += 1;
        let last = lines.peek().is_none();
        let nl = if last { "" } else { "\n" };
        let w = words(line);
        match w.first().map(|&(_, t)| t) {
            Some("*mode") => users.clear(),
            Some(t) if t.starts_with(':') => {
                if let (Some(name), Some(&(_, abi))) = (t.strip_prefix(':'), w.get(1)) {
                    if cat.abi_index(name).is_none() {
                        if let Some(a) = cat.abi_index(abi) {
                            users.push((name.to_owned(), a));
                        }
                    }
                }
            }
            _ => {}
        }
        let abi_of = |chain: &str| {
            cat.abi_index(chain)
                .or_else(|| users.iter().find(|(n, _)| n == chain).map(|&(_, abi)| abi))
        };
        match expand_line(cat, line, no, &abi_of)? {
            Some(exp) => {
                changed = true;
                push_expansion(&mut out, &mut map, exp, no);
                if last {
                    out.pop();
                }
            }
            None => {
                map.push(LineMap {
                    src: no,
                    list: None,
                });
                out.push_str(line);
                out.push_str(nl);
            }
        }
    }
    if !changed {
        return Ok(unchanged());
    }
    Ok(Expanded {
        text: out.into_bytes(),
        map,
    })
}

/// Expands the groups of one rule line `-A CHAIN ...` whose chain has ABI
/// `abi` of `cat` (for the editing commands): one line per rule, without
/// newlines.
pub fn expand_rule(cat: &ArchCatalog, line: &str, abi: usize) -> Result<Expanded, GroupError> {
    let mut out = String::new();
    let mut map = Vec::new();
    match expand_line(cat, line, 1, &|_: &str| Some(abi))? {
        None => out.push_str(line),
        Some(exp) => {
            push_expansion(&mut out, &mut map, exp, 1);
            out.pop();
        }
    }
    Ok(Expanded {
        text: out.into_bytes(),
        map,
    })
}

/// Appends the lines of an expansion of source line `no`, each with its
/// newline, and their [`LineMap`]s.
fn push_expansion(out: &mut String, map: &mut Vec<LineMap>, exp: LineExpansion, no: u32) {
    let (lines, col, len) = exp;
    for l in lines {
        let out_len = {
            let ws = words(&l);
            let i = ws.iter().position(|&(_, t)| t == "-s").unwrap_or(0);
            ws.get(i + 1).map_or(0, |(_, t)| t.len() as u32)
        };
        map.push(LineMap {
            src: no,
            list: Some((col, out_len, col, len)),
        });
        out.push_str(&l);
        out.push('\n');
    }
}

/// `smctl groups`: every group with its members per ABI of `cat`.
pub fn describe(cat: &ArchCatalog) -> String {
    let mut out = String::new();
    for g in GROUPS {
        out.push_str(&format!("@{}: {}\n", g.name, g.about));
        for (abi, name) in cat.abis().iter().enumerate() {
            let m: Vec<&str> = g.members(cat, abi).collect();
            out.push_str(&format!("  {name}: {}\n", m.join(",")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use smrules::catalog::Arch;
    use smrules::rules::parse::parse;

    /// The x86_64 catalog, which the texts of most tests speak.
    const X86: ArchCatalog = ArchCatalog::new(Arch::X86_64);
    /// The arm64 catalog.
    const ARM: ArchCatalog = ArchCatalog::new(Arch::Arm64);
    /// The `x86_64` ABI's index in the catalog.
    const X86_64: usize = 0;
    /// The `ia32` ABI's index.
    const IA32: usize = 1;
    /// The `x32` ABI's index.
    const X32: usize = 2;
    /// The `arm64` ABI's index in the arm64 catalog.
    const ARM64: usize = 0;
    /// The `arm` (AArch32) ABI's index.
    const AARCH32: usize = 1;

    #[test]
    fn every_member_resolves_in_every_abi_it_is_listed_for() {
        let cat = X86;
        let mut bad = Vec::new();
        for g in GROUPS {
            let mut names = HashSet::new();
            for (list, abis) in [
                (g.common, &[X86_64, IA32, X32][..]),
                (g.native, &[X86_64, X32][..]),
                (g.ia32, &[IA32][..]),
                (g.arm, &[][..]),
            ] {
                for &m in list {
                    if !names.insert(m) {
                        bad.push(format!("@{}: {m} listed twice", g.name));
                    }
                    for &abi in abis {
                        if cat.nr_of(abi, m).is_none() {
                            bad.push(format!("@{}: {m} not in {}", g.name, cat.abis()[abi]));
                        }
                    }
                    // Listed for an ABI too few: it belongs to `common`.
                    for abi in [X86_64, IA32, X32] {
                        if !abis.contains(&abi) && cat.nr_of(abi, m).is_some() {
                            bad.push(format!(
                                "@{}: {m} is in {} too: list it as common",
                                g.name,
                                cat.abis()[abi]
                            ));
                        }
                    }
                }
            }
            // AArch32's own names: in arm, and only there.
            for &m in g.arm {
                if ARM.nr_of(AARCH32, m).is_none() {
                    bad.push(format!("@{}: {m} not in arm", g.name));
                }
                if ARM.nr_of(ARM64, m).is_some() {
                    bad.push(format!("@{}: {m} is in arm64 too", g.name));
                }
            }
            // Nothing a table may never allow, in any ABI of either
            // architecture.
            for arch in Arch::ALL {
                let cat = ArchCatalog::new(arch);
                for abi in 0..cat.abis().len() {
                    for m in g.members(&cat, abi) {
                        if cat.nr_of(abi, m).is_some_and(|nr| cat.never_allow(abi, nr)) {
                            bad.push(format!(
                                "@{}: {m} may never be allowed in {}",
                                g.name,
                                cat.abis()[abi]
                            ));
                        }
                    }
                }
            }
        }
        assert!(bad.is_empty(), "{bad:#?}");
    }

    /// A group that loses members on arm64 (the generic table has no
    /// `open`, `stat`, `poll`, ...) keeps their successors, and every group
    /// has members in every ABI of both architectures.
    #[test]
    fn groups_on_arm64_skip_what_the_abi_lacks() {
        let members =
            |g: &str, abi: usize| -> Vec<&str> { find(g).unwrap().members(&ARM, abi).collect() };
        let fr = members("file-read", ARM64);
        for m in [
            "openat",
            "openat2",
            "faccessat",
            "newfstatat",
            "fstat",
            "getdents64",
        ] {
            assert!(fr.contains(&m), "arm64 @file-read lacks {m}");
        }
        for m in [
            "open", "access", "stat", "lstat", "getdents", "readlink", "stat64",
        ] {
            assert!(!fr.contains(&m), "arm64 @file-read has {m}");
        }
        assert_eq!(
            members("io-event", ARM64),
            [
                "ppoll",
                "pselect6",
                "epoll_create1",
                "epoll_ctl",
                "epoll_pwait",
                "epoll_pwait2",
                "eventfd2"
            ]
        );
        assert!(!members("file-write", ARM64).contains(&"mkdir"));
        assert!(members("file-write", ARM64).contains(&"mkdirat"));
        assert!(!members("basic-io", ARM64).contains(&"dup2"));
        assert!(members("network-io", ARM64).contains(&"accept"));
        assert!(!members("process", ARM64).contains(&"fork"));
        // AArch32 has the old calls, the 32-bit variants and its own.
        let fr = members("file-read", AARCH32);
        for m in ["open", "stat64", "fstatat64", "arm_fadvise64_64"] {
            assert!(fr.contains(&m), "arm @file-read lacks {m}");
        }
        assert!(!fr.contains(&"newfstatat") && !fr.contains(&"fadvise64"));
        assert!(members("sync", AARCH32).contains(&"arm_sync_file_range"));
        assert!(!members("sync", AARCH32).contains(&"sync_file_range"));
        assert!(members("network-io", AARCH32).contains(&"send"));
        assert!(!members("network-io", AARCH32).contains(&"socketcall"));
        assert_eq!(members("memory", AARCH32).last(), Some(&"mmap2"));
        assert!(!members("memory", AARCH32).contains(&"mmap"));
        for arch in Arch::ALL {
            let cat = ArchCatalog::new(arch);
            for g in GROUPS {
                for (abi, chain) in cat.abis().iter().enumerate() {
                    assert!(g.members(&cat, abi).count() > 0, "@{} in {chain}", g.name);
                }
            }
        }
        // The listing names the architecture's chains.
        let d = describe(&ARM);
        assert!(d.contains("@io-event: ") && d.contains("\n  arm64: ppoll,pselect6,"));
        assert!(d.contains("\n  arm: ") && !d.contains("x86_64"), "{d}");
    }

    #[test]
    fn groups_expand_per_abi_and_load() {
        // Every group in an ALLOW rule of every ABI of both architectures:
        // the module's parser accepts it, so no member is unknown or
        // never-allowed there.
        for arch in Arch::ALL {
            let cat = ArchCatalog::new(arch);
            for g in GROUPS {
                for &chain in cat.abis() {
                    let text = format!(
                        "*mode 3\n:{chain} KILL\n-A {chain} -s @{} -j ALLOW\nCOMMIT\n",
                        g.name
                    );
                    let e = expand_text(&cat, text.as_bytes()).unwrap();
                    let rs = parse(&e.text, &cat).unwrap_or_else(|err| {
                        panic!(
                            "@{} in {chain}: {}:{}: {} {}\n{}",
                            g.name,
                            err.line,
                            err.col,
                            err.msg,
                            err.detail(),
                            String::from_utf8_lossy(&e.text)
                        )
                    });
                    let abi = cat.abi_index(chain).unwrap();
                    let t = &rs.tables[0];
                    let got: Vec<u32> = t
                        .rules
                        .iter()
                        .flat_map(|r| t.syscalls_of(r).unwrap().to_vec())
                        .collect();
                    let want: Vec<u32> = g
                        .members(&cat, abi)
                        .map(|m| cat.nr_of(abi, m).unwrap())
                        .collect();
                    assert_eq!(got, want, "@{} in {chain}", g.name);
                }
            }
        }
    }

    #[test]
    fn expansion_keeps_explicit_names_and_dedups() {
        let e = expand_text(
            &X86,
            b"*mode 3\n-A x86_64 -s getpid,@time,time -j ALLOW\nCOMMIT\n",
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(e.text).unwrap(),
            "*mode 3\n-A x86_64 -s getpid,clock_gettime,clock_getres,clock_nanosleep,\
             gettimeofday,nanosleep,time -j ALLOW\nCOMMIT\n"
        );
        // ia32 gets its own members; a user chain's ABI is its own.
        let e = expand_text(
            &X86,
            b"*mode 3\n:t ia32\n[4] -A t -s @memory --a0:u32 eq 0 -j ALLOW\nCOMMIT",
        )
        .unwrap();
        assert_eq!(
            String::from_utf8(e.text).unwrap(),
            "*mode 3\n:t ia32\n[4] -A t -s brk,mmap,munmap,mprotect,madvise,mincore,msync,mmap2 \
             --a0:u32 eq 0 -j ALLOW\nCOMMIT"
        );
    }

    #[test]
    fn text_without_groups_is_unchanged() {
        let text = b"# a @comment\n*mode 3\n-A x86_64 -s read -j ALLOW\nCOMMIT\n";
        let e = expand_text(&X86, text).unwrap();
        assert_eq!(e.text, text);
        assert_eq!(e.source(3, 7), (3, 7));
    }

    #[test]
    fn unknown_group_names_line_and_column() {
        let err =
            expand_text(&X86, b"*mode 3\n-A x86_64 -s read,@nope -j ALLOW\nCOMMIT\n").unwrap_err();
        assert_eq!((err.line, err.col), (2, 19));
        assert!(err.msg.contains("@nope"), "{}", err.msg);
        // Only ia32 members, in x86_64: nothing left.
        let empty = Group {
            name: "x",
            about: "",
            common: &[],
            native: &[],
            ia32: &["mmap2"],
            arm: &[],
        };
        assert_eq!(empty.members(&X86, X86_64).count(), 0);
        assert_eq!(empty.members(&ARM, ARM64).count(), 0);
        // On arm64 too; and a group without members of the ABI is an error.
        let err =
            expand_text(&ARM, b"*mode 3\n-A arm64 -s read,@nope -j ALLOW\nCOMMIT\n").unwrap_err();
        assert_eq!((err.line, err.col), (2, 18));
        // x86 chains are no chains on arm64: left to the parser.
        let text = b"*mode 3\n-A x86_64 -s @time -j ALLOW\nCOMMIT\n";
        assert_eq!(expand_text(&ARM, text).unwrap().text, text);
    }

    #[test]
    fn errors_map_back_to_the_source() {
        let text = b"*mode 3\n-A x86_64 -s @time,nosuch --a0 eq 1 -j ALLOW\n-A x86_64 -s bad -j KILL\nCOMMIT\n";
        let e = expand_text(&X86, text).unwrap();
        let err = parse(&e.text, &X86).unwrap_err();
        // The unknown name is inside the expanded list: the list's column.
        assert_eq!(e.source(err.line, err.col), (2, 14));
        // After the list: shifted back by the growth of the list.
        let out = String::from_utf8(e.text.clone()).unwrap();
        let l2 = out.lines().nth(1).unwrap();
        let j = l2.find("-j").unwrap() as u32 + 1;
        assert_eq!(e.source(2, j), (2, 37));
        assert_eq!(e.source(3, 14), (3, 14));
    }

    #[test]
    fn long_expansions_split_into_rules_that_load() {
        // Several big groups: more than one 512-byte line.
        let text = b"*mode 3\n:x86_64 KILL\n\
            -A x86_64 -s @file-read,@file-write,@basic-io,@network-io,@process,@signal -j ALLOW\n\
            -A x86_64 -s @time -j ERRNO EPERM\nCOMMIT\n";
        let e = expand_text(&X86, text).unwrap();
        let rs = parse(&e.text, &X86).expect("parses");
        let t = &rs.tables[0];
        assert!(t.rules.len() > 2, "{}", String::from_utf8_lossy(&e.text));
        // The split rules all come from line 3, the last from line 4.
        let n = t.rules.len() as u32;
        for line in 3..3 + n - 1 {
            assert_eq!(e.source(line, 1).0, 3);
        }
        assert_eq!(e.source(3 + n - 1, 1).0, 4);
        assert_eq!(e.source(3 + n, 1).0, 5);
        // Every member once, in order.
        let all: Vec<u32> = t.rules[..t.rules.len() - 1]
            .iter()
            .flat_map(|r| t.syscalls_of(r).unwrap().to_vec())
            .collect();
        let set: HashSet<u32> = all.iter().copied().collect();
        assert_eq!(set.len(), all.len());
    }

    #[test]
    fn docs_list_every_group_with_its_members() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/smctl.md");
        let doc = std::fs::read_to_string(path).unwrap();
        for g in GROUPS {
            let row = doc
                .lines()
                .find(|l| l.starts_with(&format!("| `@{}` |", g.name)))
                .unwrap_or_else(|| panic!("docs/smctl.md has no row for @{}", g.name));
            let words: HashSet<&str> = row.split([' ', '`', '|', ',']).collect();
            for m in g.names() {
                assert!(words.contains(m), "docs/smctl.md: @{} lacks {m}", g.name);
            }
        }
    }
}
