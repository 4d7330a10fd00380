// SPDX-License-Identifier: GPL-2.0

//! In-guest benchmark driver of `make bench` (run by `guest/bench`).
//!
//! `sm-bench ops VARIANT CONFINE OP...` measures each OP in a child that
//! first confines itself (CONFINE: `none`, `mode1`, `mode2`, `bpf` for a
//! seccomp-bpf filter with the mode-2 allowlist, `strict` for the kernel's
//! strict mode) and prints `BENCH VARIANT OP CPU_NS WALL_NS` per OP: the
//! CPU time and the wall-clock time of a child that makes the ops after a
//! warm-up, minus those of a child that only warms up, per op, median of
//! several repetitions (under QEMU `-icount shift=0` one nanosecond is one
//! guest instruction). OP is one of `getppid`, `read0` (zero-length read of
//! `/dev/zero`), `write1` (one byte to `/dev/null`), `read4k` (`pread` of
//! 4 KiB), `openat` (`openat(AT_FDCWD, "/tmp/sm-bench.dat", O_RDONLY)` +
//! `close`: every open passes `security_file_open`) and `fork` (`fork` +
//! child `_exit` + `wait4`).
//!
//! `sm-bench park N` keeps N processes confined in mode 2 until its stdin
//! closes. `sm-bench http VARIANT PORT N` fetches a file N times from netd
//! and prints `BENCH VARIANT http NS NS` (wall clock per request, twice).
//!
//! Table modes (see `docs/BENCHMARKS.md`, "Table modes"): one ~80-rule
//! policy ([`netd_policy`]: netd's syscalls with argument rules, `mkdir`
//! refused with `EACCES`) is expressed four ways: CONFINE `table3` (our
//! mode 3, loaded by `sm-bench load netd`), `sc-netd` (a seccompiler
//! filter), `ls-netd` (libseccomp, default optimisation) and `lt-netd`
//! (libseccomp, `SCMP_FLTATR_CTL_OPTIMIZE` = 2, binary tree). More ops:
//! `getrandom0` (`getrandom(buf, 0, GRND_INSECURE)`, nr 318, late in a
//! list sorted by number), `mkdir` (refused with `EACCES` by every
//! confinement but `none`). `sm-bench load netd|synth|many64` loads tables
//! through `/dev/seccomp_mode` (`synth`: tables 10, 50, 100 and 300 of that
//! many rules, `getppid` allowed by the last one; `many64`: deletes every
//! loaded table and loads tables 1000..1063); CONFINE `tableN` enters
//! table N. `sm-bench commit N REPS` times the commit of the `N`-rule
//! synthetic table (replacing table N) and prints `BENCH tN commit CPU_NS
//! WALL_NS`. `sm-bench bpfcount` generates the three filters, checks their
//! verdicts, writes them to `/tmp/sm-bench-CONFINE.bpf` (the measured
//! children load them from there: see [`bpfcount`]) and prints `BPFINS
//! VARIANT OP N`: how many classic-BPF instructions each filter runs for
//! each op's syscalls (interpreted here; the kernel runs them JIT-compiled).
//!
//! The policies and filters are those of the native ABI (the numbers above
//! are x86_64's; on arm64 `mkdir` is `mkdirat`, see `smtest::arch`).
//! seccompiler has no 32-bit arm target: there, `bpf`, `sc-netd` and
//! `bpfcount` fail.

use std::collections::BTreeMap;
use std::ffi::CStr;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::os::fd::{AsRawFd, RawFd};
use std::time::Instant;

use nix::sys::wait::waitpid;
use nix::unistd::{fork, pipe, ForkResult};
use seccompiler::{
    SeccompAction, SeccompCmpArgLen, SeccompCmpOp, SeccompCondition, SeccompFilter, SeccompRule,
    TargetArch,
};
use smtest::arch::{self, native_rules, rule_call};
use smtest::{raw_exit, set_mode};

const REPS: usize = 7;
const DATA: &str = "/tmp/sm-bench.dat";
/// `DATA` for `openat`.
const DATA_C: &CStr = c"/tmp/sm-bench.dat";
/// What the `mkdir` op tries to create.
const DIR_C: &CStr = c"/tmp/sm-bench.dir";

#[derive(Clone, Copy, PartialEq, Debug)]
enum Op {
    Getppid,
    Read0,
    Write1,
    Read4k,
    Openat,
    Fork,
    Getrandom0,
    Mkdir,
}

impl Op {
    fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "getppid" => Op::Getppid,
            "read0" => Op::Read0,
            "write1" => Op::Write1,
            "read4k" => Op::Read4k,
            "openat" => Op::Openat,
            "fork" => Op::Fork,
            "getrandom0" => Op::Getrandom0,
            "mkdir" => Op::Mkdir,
            _ => return None,
        })
    }

    fn iters(self) -> u64 {
        match self {
            Op::Fork => 500,
            Op::Read4k | Op::Openat => 25_000,
            _ => 100_000,
        }
    }
}

/// seccompiler's name of the native architecture.
fn seccompiler_arch() -> Result<TargetArch, String> {
    arch::seccompiler_arch().ok_or_else(|| "seccompiler has no target for this ABI".to_owned())
}

/// The seccomp-bpf equivalent of mode 2 of the native ABI, built as a user
/// of the seccompiler crate would: allow mode 1 + mode 2, `clone` only
/// without `CLONE_NEW*`, kill the process otherwise (seccompiler has one
/// match action per filter, so `clone3` is killed instead of answered
/// ENOSYS).
fn mode2_bpf() -> Result<seccompiler::BpfProgram, String> {
    let native = arch::tables();
    let new_mask = (libc::CLONE_NEWNS
        | libc::CLONE_NEWCGROUP
        | libc::CLONE_NEWUTS
        | libc::CLONE_NEWIPC
        | libc::CLONE_NEWUSER
        | libc::CLONE_NEWPID
        | libc::CLONE_NEWNET) as u64;
    let mut rules: BTreeMap<i64, Vec<SeccompRule>> = BTreeMap::new();
    for sys in native.mode1.iter().chain(native.mode2) {
        if sys.name == "clone3" {
            continue;
        }
        let nr = i64::from(sys.nr);
        if sys.name == "clone" {
            let cond = SeccompCondition::new(
                0,
                SeccompCmpArgLen::Qword,
                SeccompCmpOp::MaskedEq(new_mask),
                0,
            )
            .map_err(|e| e.to_string())?;
            rules.insert(
                nr,
                vec![SeccompRule::new(vec![cond]).map_err(|e| e.to_string())?],
            );
        } else {
            rules.insert(nr, vec![]);
        }
    }
    let filter = SeccompFilter::new(
        rules,
        SeccompAction::KillProcess,
        SeccompAction::Allow,
        seccompiler_arch()?,
    )
    .map_err(|e| e.to_string())?;
    filter
        .try_into()
        .map_err(|e: seccompiler::BackendError| e.to_string())
}

/// An argument test of the benchmark policy, in the words of the table
/// language (`--aI:W ...`); `wide`: a 64-bit parameter (`u64`), else `u32`.
#[derive(Clone, Copy, Debug)]
enum ArgTest {
    /// `masked M V`: `(a & M) == V`.
    Masked {
        arg: u8,
        wide: bool,
        mask: u64,
        val: u64,
    },
    /// `bits-clear M`: `(a & M) == 0`.
    BitsClear { arg: u8, wide: bool, mask: u64 },
    /// `in V1,V2,...`.
    In {
        arg: u8,
        wide: bool,
        vals: &'static [u64],
    },
}

/// What a rule of the benchmark policy does.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Act {
    Allow,
    /// Fails with this errno (`ERRNO EACCES`).
    Errno(i32),
    /// `ENOSYS` (`clone3`, as mode 2 answers it).
    Enosys,
}

impl Act {
    /// The seccomp-bpf return value.
    fn bpf(self) -> u32 {
        const RET_ERRNO: u32 = 0x0005_0000;
        match self {
            Act::Allow => 0x7fff_0000,
            Act::Errno(e) => RET_ERRNO | e as u32,
            Act::Enosys => RET_ERRNO | libc::ENOSYS as u32,
        }
    }
}

/// One rule of the benchmark policy: syscall, optional argument test,
/// action. Everything else is killed.
#[derive(Clone, Copy, Debug)]
struct PRule {
    name: &'static str,
    nr: u32,
    test: Option<ArgTest>,
    act: Act,
}

/// `fcntl` commands: `F_DUPFD`, `F_GETFD`, `F_SETFD`, `F_GETFL`, `F_SETFL`,
/// `F_DUPFD_CLOEXEC`.
const FCNTL_CMDS: &[u64] = &[0, 1, 2, 3, 4, 1030];
/// `socket` domains: `AF_UNIX`, `AF_INET`, `AF_INET6`.
const SOCKET_DOMAINS: &[u64] = &[1, 2, 10];
/// `ioctl` commands: `FIONREAD`, `FIONBIO`.
const IOCTL_CMDS: &[u64] = &[0x541b, 0x5421];
/// `CLONE_NEWNS | CLONE_NEWCGROUP | CLONE_NEWUTS | CLONE_NEWIPC |
/// CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNET`.
const CLONE_NEW_MASK: u64 = 0x7e02_0000;
/// `PROT_EXEC`.
const PROT_EXEC: u64 = 0x4;

/// The benchmark policy: what netd needs (mode 1 + mode 2 of the native
/// ABI, without `creat`), `open`/`openat` read-only, `fcntl` commands,
/// `socket` domains, `mmap`/`mprotect` without `PROT_EXEC`, `clone`
/// without `CLONE_NEW*`, two `ioctl` commands, `clone3` answered `ENOSYS`
/// and `mkdir` (arm64: `mkdirat`) refused with `EACCES`. Argument widths
/// are the kernel prototypes' (`src/tables/x86_64_args.rs`).
fn netd_policy() -> Vec<PRule> {
    let native = arch::tables();
    let mut v = Vec::new();
    let rule = |name, nr, test, act| PRule {
        name,
        nr,
        test,
        act,
    };
    for sys in native.mode1.iter().chain(native.mode2) {
        let (test, act) = match sys.name {
            "creat" => continue,
            "open" => (
                Some(ArgTest::Masked {
                    arg: 1,
                    wide: false,
                    mask: 3,
                    val: 0,
                }),
                Act::Allow,
            ),
            "openat" => (
                Some(ArgTest::Masked {
                    arg: 2,
                    wide: false,
                    mask: 3,
                    val: 0,
                }),
                Act::Allow,
            ),
            "fcntl" => (
                Some(ArgTest::In {
                    arg: 1,
                    wide: false,
                    vals: FCNTL_CMDS,
                }),
                Act::Allow,
            ),
            "socket" => (
                Some(ArgTest::In {
                    arg: 0,
                    wide: false,
                    vals: SOCKET_DOMAINS,
                }),
                Act::Allow,
            ),
            "mmap" | "mprotect" => (
                Some(ArgTest::BitsClear {
                    arg: 2,
                    wide: true,
                    mask: PROT_EXEC,
                }),
                Act::Allow,
            ),
            "clone" => (
                Some(ArgTest::BitsClear {
                    arg: 0,
                    wide: true,
                    mask: CLONE_NEW_MASK,
                }),
                Act::Allow,
            ),
            "clone3" => (None, Act::Enosys),
            _ => (None, Act::Allow),
        };
        v.push(rule(sys.name, sys.nr, test, act));
    }
    let (ioctl, mkdir) = (rule_call("ioctl"), rule_call("mkdir"));
    v.push(rule(
        ioctl.name,
        ioctl.nr as u32,
        Some(ArgTest::In {
            arg: 1,
            wide: false,
            vals: IOCTL_CMDS,
        }),
        Act::Allow,
    ));
    v.push(rule(
        mkdir.name,
        mkdir.nr as u32,
        None,
        Act::Errno(libc::EACCES),
    ));
    v
}

/// The policy as table `mode` in the ruleset text of `docs/modes.md` (in
/// native terms).
fn policy_text(mode: u32, name: &str, policy: &[PRule]) -> String {
    let mut t = format!("*mode {mode} {name}\n:x86_64 KILL\n");
    for r in policy {
        t += &format!("-A x86_64 -s {}", r.name);
        let w = |wide: bool| if wide { "u64" } else { "u32" };
        match r.test {
            None => {}
            Some(ArgTest::Masked {
                arg,
                wide,
                mask,
                val,
            }) => t += &format!(" --a{arg}:{} masked {mask:#x} {val:#x}", w(wide)),
            Some(ArgTest::BitsClear { arg, wide, mask }) => {
                t += &format!(" --a{arg}:{} bits-clear {mask:#x}", w(wide))
            }
            Some(ArgTest::In { arg, wide, vals }) => {
                let l: Vec<String> = vals.iter().map(|v| format!("{v:#x}")).collect();
                t += &format!(" --a{arg}:{} in {}", w(wide), l.join(","))
            }
        }
        t += &match r.act {
            Act::Allow => " -j ALLOW\n".to_string(),
            Act::Errno(e) if e == libc::EACCES => " -j ERRNO EACCES\n".to_string(),
            Act::Errno(e) => format!(" -j ERRNO {e}\n"),
            Act::Enosys => " -j ENOSYS\n".to_string(),
        };
    }
    native_rules(&(t + "COMMIT\n"))
}

/// Syscalls with a first parameter, for the synthetic tables' rules that
/// never match (none of them is an op of the bench).
const FILLER: &[&str] = &[
    "close",
    "fstat",
    "lseek",
    "brk",
    "munmap",
    "dup",
    "dup2",
    "alarm",
    "socket",
    "listen",
    "shutdown",
    "kill",
    "fsync",
    "fdatasync",
    "ftruncate",
    "flock",
    "fchdir",
    "setuid",
    "setgid",
    "getpgid",
    "getsid",
    "setfsuid",
    "setfsgid",
    "mlockall",
    "epoll_create",
    "timerfd_create",
    "eventfd",
    "eventfd2",
    "epoll_create1",
    "dup3",
    "sched_getscheduler",
    "uname",
    "sysinfo",
    "times",
    "pipe",
    "pipe2",
    "getpriority",
    "setpgid",
    "tgkill",
    "tkill",
];

/// Synthetic table `n` with `n` rules: `n - 3` rules on the syscalls of
/// [`FILLER`] (those the native ABI has) whose argument test never matches
/// (`--a0 eq 0x5eed0000+i`, `ERRNO EPERM`), then `exit`/`exit_group`,
/// `read` and, last, `getppid` allowed (in native terms).
fn synth_text(n: usize) -> String {
    let names = arch::tables().names;
    let filler: Vec<&str> = FILLER
        .iter()
        .copied()
        .filter(|f| names.iter().any(|s| s.name == *f))
        .collect();
    let mut t = format!("*mode {n} synthetic-{n}\n:x86_64 KILL\n");
    for i in 0..n.saturating_sub(3) {
        let name = filler[i % filler.len()];
        t += &format!(
            "-A x86_64 -s {name} --a0 eq {:#x} -j ERRNO EPERM\n",
            0x5eed_0000 + i
        );
    }
    t += "-A x86_64 -s exit,exit_group -j ALLOW\n-A x86_64 -s read -j ALLOW\n";
    t += "-A x86_64 -s getppid -j ALLOW\nCOMMIT\n";
    native_rules(&t)
}

/// The synthetic tables' rule counts (and table numbers).
const SYNTH: [usize; 4] = [10, 50, 100, 300];

/// The policy as a seccompiler filter, built as a user of the crate
/// would: one `SeccompRule` per alternative of an `in`, `Dword` or `Qword`
/// as the parameter, kill otherwise. seccompiler has one match action per
/// filter (`Allow`); the two syscalls with another action (`mkdir`,
/// `clone3`) are unconditional, and for those seccompiler emits
/// `jeq nr; ja 1; ja 2; ret MATCH; ret MISMATCH`: their `ret MATCH` gets
/// the rule's action, which leaves the program's shape as seccompiler
/// emits it.
fn seccompiler_bpf(policy: &[PRule]) -> Result<seccompiler::BpfProgram, String> {
    let cond = |arg: u8, wide: bool, op: SeccompCmpOp, val: u64| {
        let len = if wide {
            SeccompCmpArgLen::Qword
        } else {
            SeccompCmpArgLen::Dword
        };
        SeccompCondition::new(arg, len, op, val).map_err(|e| e.to_string())
    };
    let one = |c: SeccompCondition| SeccompRule::new(vec![c]).map_err(|e| e.to_string());
    let mut rules: BTreeMap<i64, Vec<SeccompRule>> = BTreeMap::new();
    for r in policy {
        let alts = match r.test {
            None => vec![],
            Some(ArgTest::Masked {
                arg,
                wide,
                mask,
                val,
            }) => {
                vec![one(cond(arg, wide, SeccompCmpOp::MaskedEq(mask), val)?)?]
            }
            Some(ArgTest::BitsClear { arg, wide, mask }) => {
                vec![one(cond(arg, wide, SeccompCmpOp::MaskedEq(mask), 0)?)?]
            }
            Some(ArgTest::In { arg, wide, vals }) => vals
                .iter()
                .map(|&v| one(cond(arg, wide, SeccompCmpOp::Eq, v)?))
                .collect::<Result<_, _>>()?,
        };
        rules.insert(i64::from(r.nr), alts);
    }
    let filter = SeccompFilter::new(
        rules,
        SeccompAction::KillProcess,
        SeccompAction::Allow,
        seccompiler_arch()?,
    )
    .map_err(|e| e.to_string())?;
    let mut prog: seccompiler::BpfProgram = filter
        .try_into()
        .map_err(|e: seccompiler::BackendError| e.to_string())?;
    const JEQ_K: u16 = 0x15;
    const JA: u16 = 0x05;
    const RET_K: u16 = 0x06;
    for r in policy.iter().filter(|r| r.act != Act::Allow) {
        let at = prog
            .iter()
            .position(|i| i.code == JEQ_K && i.k == r.nr)
            .ok_or_else(|| format!("seccompiler filter: no jeq {}", r.nr))?;
        let shape = prog
            .get(at + 1..at + 4)
            .map(|s| (s[0].code, s[0].k, s[1].code, s[1].k, s[2].code, s[2].k));
        if r.test.is_some() || shape != Some((JA, 1, JA, 2, RET_K, Act::Allow.bpf())) {
            return Err(format!(
                "seccompiler filter: unexpected code for {}",
                r.name
            ));
        }
        prog[at + 3].k = r.act.bpf();
    }
    Ok(prog)
}

/// A minimal binding of libseccomp's C API (Debian's libseccomp-dev,
/// linked statically: the bench guest has no libseccomp.so).
mod libseccomp {
    #[repr(C)]
    pub struct ScmpArgCmp {
        pub arg: u32,
        pub op: u32,
        pub datum_a: u64,
        pub datum_b: u64,
    }
    pub const SCMP_ACT_KILL_PROCESS: u32 = 0x8000_0000;
    pub const SCMP_FLTATR_CTL_OPTIMIZE: u32 = 8;
    pub const SCMP_CMP_EQ: u32 = 4;
    pub const SCMP_CMP_MASKED_EQ: u32 = 7;
    #[link(name = "seccomp", kind = "static")]
    extern "C" {
        pub fn seccomp_init(def_action: u32) -> *mut core::ffi::c_void;
        pub fn seccomp_release(ctx: *mut core::ffi::c_void);
        pub fn seccomp_attr_set(ctx: *mut core::ffi::c_void, attr: u32, value: u32) -> i32;
        pub fn seccomp_rule_add_array(
            ctx: *mut core::ffi::c_void,
            action: u32,
            syscall: i32,
            arg_cnt: u32,
            arg_array: *const ScmpArgCmp,
        ) -> i32;
        pub fn seccomp_export_bpf(ctx: *const core::ffi::c_void, fd: i32) -> i32;
    }
}

/// The policy in a libseccomp filter context (one rule per alternative of
/// an `in`; a 32-bit parameter's value as `SCMP_CMP32` passes it), with
/// `SCMP_FLTATR_CTL_OPTIMIZE` = `optimize` (1: libseccomp's default, a
/// list by priority; 2: a binary tree of syscall numbers).
struct Libseccomp(*mut core::ffi::c_void);

impl Libseccomp {
    fn new(policy: &[PRule], optimize: u32) -> Result<Self, String> {
        use libseccomp::*;
        // SAFETY: a fresh context, released by `Drop`.
        let ctx = Self(unsafe { seccomp_init(SCMP_ACT_KILL_PROCESS) });
        if ctx.0.is_null() {
            return Err("seccomp_init failed".into());
        }
        let check = |r: i32, what: &str| {
            if r == 0 {
                Ok(())
            } else {
                Err(format!("libseccomp {what}: {r}"))
            }
        };
        // SAFETY: a valid context.
        check(
            unsafe { seccomp_attr_set(ctx.0, SCMP_FLTATR_CTL_OPTIMIZE, optimize) },
            "optimize",
        )?;
        for r in policy {
            let cmp = |arg: u8, op, a, b| ScmpArgCmp {
                arg: u32::from(arg),
                op,
                datum_a: a,
                datum_b: b,
            };
            let alts: Vec<Option<ScmpArgCmp>> = match r.test {
                None => vec![None],
                Some(ArgTest::Masked { arg, mask, val, .. }) => {
                    vec![Some(cmp(arg, SCMP_CMP_MASKED_EQ, mask, val))]
                }
                Some(ArgTest::BitsClear { arg, mask, .. }) => {
                    vec![Some(cmp(arg, SCMP_CMP_MASKED_EQ, mask, 0))]
                }
                Some(ArgTest::In { arg, vals, .. }) => vals
                    .iter()
                    .map(|&v| Some(cmp(arg, SCMP_CMP_EQ, v, 0)))
                    .collect(),
            };
            for a in alts {
                let (n, p) = match &a {
                    Some(c) => (1, c as *const ScmpArgCmp),
                    None => (0, std::ptr::null()),
                };
                // SAFETY: `p` points to `n` comparisons that outlive the call.
                let ret = unsafe { seccomp_rule_add_array(ctx.0, r.act.bpf(), r.nr as i32, n, p) };
                check(ret, r.name)?;
            }
        }
        Ok(ctx)
    }

    /// The classic-BPF program libseccomp generates.
    fn program(&self) -> Result<Vec<seccompiler::sock_filter>, String> {
        let path = "/tmp/sm-bench.bpf";
        let f = std::fs::File::create(path).map_err(|e| e.to_string())?;
        // SAFETY: a valid context and an open file.
        let r = unsafe { libseccomp::seccomp_export_bpf(self.0, f.as_raw_fd()) };
        drop(f);
        if r != 0 {
            return Err(format!("seccomp_export_bpf: {r}"));
        }
        read_prog(path)
    }
}

impl Drop for Libseccomp {
    fn drop(&mut self) {
        // SAFETY: the context of `new`, released once.
        unsafe { libseccomp::seccomp_release(self.0) }
    }
}

use seccomp_mode::device::{SmCommit, SM_IOC_COMMIT};
const DEVICE: &str = "/dev/seccomp_mode";

/// Writes `text` to the open device and commits it.
fn commit_on(dev: &mut std::fs::File, text: &str) -> Result<(), String> {
    dev.write_all(text.as_bytes())
        .map_err(|e| format!("write {DEVICE}: {e}"))?;
    let mut c = SmCommit::new(0, 0);
    // SAFETY: SM_IOC_COMMIT reads and writes one `struct sm_commit`.
    if unsafe { libc::ioctl(dev.as_raw_fd(), libc::c_ulong::from(SM_IOC_COMMIT), &mut c) } != 0 {
        return Err(format!(
            "commit: errno {} at {}:{}: {}",
            c.error,
            c.line,
            c.col,
            c.message()
        ));
    }
    Ok(())
}

fn open_device() -> Result<std::fs::File, String> {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(DEVICE)
        .map_err(|e| format!("{DEVICE}: {e}"))
}

/// The loaded tables' mode numbers and their number of rules, as the
/// device reads back.
fn loaded() -> Result<Vec<(u32, usize)>, String> {
    let text = std::fs::read_to_string(DEVICE).map_err(|e| format!("read {DEVICE}: {e}"))?;
    let mut v: Vec<(u32, usize)> = Vec::new();
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("*mode ") {
            let n = rest
                .split_whitespace()
                .next()
                .and_then(|n| n.parse().ok())
                .unwrap_or(0);
            v.push((n, 0));
        } else if line.starts_with("-A ") || (line.starts_with('[') && line.contains("] -A ")) {
            if let Some(last) = v.last_mut() {
                last.1 += 1;
            }
        }
    }
    Ok(v)
}

/// `sm-bench load WHAT...`: `netd` (table 3), `synth` (tables 10, 50,
/// 100, 300), `many64` (every loaded table deleted, then tables
/// 1000..1063 of 4 rules each); one commit (two for `many64`).
fn load(what: &[String]) -> Result<(), String> {
    let mut text = String::new();
    for w in what {
        match w.as_str() {
            "netd" => text += &policy_text(3, "netd-bench", &netd_policy()),
            "synth" => SYNTH.iter().for_each(|&n| text += &synth_text(n)),
            "many64" => {
                // Deletions count as sections of a text (at most 64): a
                // commit of their own.
                let mut del = String::new();
                for (m, _) in loaded()? {
                    del += &format!("*mode {m} delete\nCOMMIT\n");
                }
                if !del.is_empty() {
                    commit_on(&mut open_device()?, &del)?;
                }
                for m in 1000..1064 {
                    text += &native_rules(&format!(
                        "*mode {m} many-{m}\n:x86_64 MODE2\n\
                         -A x86_64 -s openat --a2:u32 masked 0x3 0x0 -j ALLOW\n\
                         -A x86_64 -s openat -j ERRNO EACCES\n\
                         -A x86_64 -s ioctl --a1:u32 in 0x541b,0x5421 -j ALLOW\n\
                         -A x86_64 -s mkdir -j ERRNO EACCES\nCOMMIT\n"
                    ));
                }
            }
            other => return Err(format!("unknown table set {other}")),
        }
    }
    commit_on(&mut open_device()?, &text)?;
    let l = loaded()?;
    let rules: usize = l.iter().map(|t| t.1).sum();
    let modes: Vec<String> = l.iter().map(|t| format!("{}:{}", t.0, t.1)).collect();
    println!(
        "# tables loaded: {} ({rules} rules; mode:rules {})",
        l.len(),
        modes.join(" ")
    );
    Ok(())
}

/// `sm-bench commit N REPS`: the wall-clock time of `write` + commit of
/// the `N`-rule synthetic table (replacing table N, which nothing uses),
/// median of REPS, and the CPU time of the process per commit.
fn commit_time(n: usize, reps: usize) -> Result<(), String> {
    let text = synth_text(n);
    let mut dev = open_device()?;
    let cpu = || {
        // SAFETY: an all-zero `rusage` is valid; getrusage fills it in.
        let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: a valid pointer to our local.
        unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut ru) };
        let us = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
        (us(ru.ru_utime) + us(ru.ru_stime)) * 1000
    };
    commit_on(&mut dev, &text)?;
    let mut wall = Vec::new();
    let c0 = cpu();
    for _ in 0..reps {
        let t0 = Instant::now();
        commit_on(&mut dev, &text)?;
        wall.push(t0.elapsed().as_nanos() as u64);
    }
    let c = (cpu() - c0) / reps as u64;
    let w: Vec<String> = wall.iter().map(|w| w.to_string()).collect();
    println!("# commit of {n} rules: wall ns of each: {}", w.join(" "));
    println!("BENCH t{n} commit {c} {}", median(wall));
    Ok(())
}

/// Runs a classic-BPF seccomp program on one syscall's `seccomp_data`:
/// the number of instructions executed and the return value.
fn bpf_run(
    prog: &[seccompiler::sock_filter],
    nr: i32,
    args: [u64; 6],
) -> Result<(usize, u32), String> {
    let mut data = [0u8; 64];
    data[0..4].copy_from_slice(&nr.to_ne_bytes());
    data[4..8].copy_from_slice(&arch::AUDIT_ARCH.to_ne_bytes());
    for (i, a) in args.iter().enumerate() {
        data[16 + 8 * i..24 + 8 * i].copy_from_slice(&a.to_ne_bytes());
    }
    let (mut a, mut x, mut mem) = (0u32, 0u32, [0u32; 16]);
    let (mut pc, mut n) = (0usize, 0usize);
    while let Some(i) = prog.get(pc) {
        n += 1;
        pc += 1;
        let k = i.k;
        let src = if i.code & 0x08 != 0 { x } else { k };
        match i.code & 0x07 {
            0x00 => match i.code & 0xe0 {
                0x20 => {
                    let o = k as usize;
                    let b = data.get(o..o + 4).ok_or("bpf: load out of range")?;
                    a = u32::from_ne_bytes([b[0], b[1], b[2], b[3]]);
                }
                0x00 => a = k,
                0x60 => a = mem[k as usize & 15],
                _ => return Err(format!("bpf: ld {:#x}", i.code)),
            },
            0x01 => match i.code & 0xe0 {
                0x00 => x = k,
                0x60 => x = mem[k as usize & 15],
                _ => return Err(format!("bpf: ldx {:#x}", i.code)),
            },
            0x02 => mem[k as usize & 15] = a,
            0x03 => mem[k as usize & 15] = x,
            0x04 => {
                a = match i.code & 0xf0 {
                    0x00 => a.wrapping_add(src),
                    0x10 => a.wrapping_sub(src),
                    0x40 => a | src,
                    0x50 => a & src,
                    0x60 => a.wrapping_shl(src),
                    0x70 => a.wrapping_shr(src),
                    0x80 => a.wrapping_neg(),
                    _ => return Err(format!("bpf: alu {:#x}", i.code)),
                }
            }
            0x05 => {
                let taken = match i.code & 0xf0 {
                    0x00 => {
                        pc += k as usize;
                        continue;
                    }
                    0x10 => a == src,
                    0x20 => a > src,
                    0x30 => a >= src,
                    0x40 => a & src != 0,
                    _ => return Err(format!("bpf: jmp {:#x}", i.code)),
                };
                pc += usize::from(if taken { i.jt } else { i.jf });
            }
            0x06 => return Ok((n, if i.code & 0x18 == 0x10 { a } else { k })),
            _ => match i.code {
                0x07 => x = a,
                0x87 => a = x,
                _ => return Err(format!("bpf: misc {:#x}", i.code)),
            },
        }
    }
    Err("bpf: ran off the end".into())
}

/// Where `sm-bench bpfcount` leaves the filter of confinement `how`.
fn bpf_path(how: &str) -> String {
    format!("/tmp/sm-bench-{how}.bpf")
}

fn write_prog(path: &str, prog: &[seccompiler::sock_filter]) -> Result<(), String> {
    let mut bytes = Vec::with_capacity(prog.len() * 8);
    for i in prog {
        bytes.extend_from_slice(&i.code.to_ne_bytes());
        bytes.extend_from_slice(&[i.jt, i.jf]);
        bytes.extend_from_slice(&i.k.to_ne_bytes());
    }
    std::fs::write(path, bytes).map_err(|e| format!("{path}: {e}"))
}

fn read_prog(path: &str) -> Result<Vec<seccompiler::sock_filter>, String> {
    let bytes =
        std::fs::read(path).map_err(|e| format!("{path}: {e} (run sm-bench bpfcount first)"))?;
    Ok(bytes
        .chunks_exact(8)
        .map(|c| seccompiler::sock_filter {
            code: u16::from_ne_bytes([c[0], c[1]]),
            jt: c[2],
            jf: c[3],
            k: u32::from_ne_bytes([c[4], c[5], c[6], c[7]]),
        })
        .collect())
}

/// `sm-bench bpfcount`: generates the policy's three seccomp-bpf filters
/// (seccompiler; libseccomp with `SCMP_FLTATR_CTL_OPTIMIZE` 1 and 2) and
/// writes them where confinements `sc-netd`, `ls-netd` and `lt-netd` load
/// them from ([`bpf_path`]): generated here, not in the measured child, so
/// that the child's memory (and with it the cost of its forks) does not
/// depend on what the library allocated. Checks the verdicts against the
/// policy and prints, for each filter and op, the classic-BPF instructions
/// run for the op's syscalls (those of `openat`+`close`,
/// `fork`+`exit_group`+`wait4`) as `BPFINS VARIANT OP N` lines.
fn bpfcount() -> Result<(), String> {
    let policy = netd_policy();
    let sc = seccompiler_bpf(&policy)?;
    let ls = Libseccomp::new(&policy, 1)?.program()?;
    let lt = Libseccomp::new(&policy, 2)?.program()?;
    const ALLOW: u32 = 0x7fff_0000;
    let eacces = Act::Errno(libc::EACCES).bpf();
    let at_fdcwd = libc::AT_FDCWD as i64 as u64;
    // The native number of syscall `name` (x86_64: getppid 110, getrandom
    // 318, read 0, openat 257, close 3, mkdir 83, clone 56, exit_group 231,
    // wait4 61, ptrace 101).
    let nr = |name: &str| rule_call(name).nr as i32;
    // The path argument of `mkdir`: after the directory fd in `mkdirat`.
    let mkdir_args = if rule_call("mkdir").name == "mkdir" {
        [0x1000, 0o755, 0, 0, 0, 0]
    } else {
        [at_fdcwd, 0x1000, 0o755, 0, 0, 0]
    };
    // (syscall number, arguments, expected filter return value).
    type Call = (i32, [u64; 6], u32);
    let ops: [(&str, Vec<Call>); 6] = [
        ("getppid", vec![(nr("getppid"), [0; 6], ALLOW)]),
        (
            "getrandom0",
            vec![(nr("getrandom"), [0x1000, 0, 4, 0, 0, 0], ALLOW)],
        ),
        ("read0", vec![(nr("read"), [3, 0x1000, 0, 0, 0, 0], ALLOW)]),
        (
            "openat",
            vec![
                (nr("openat"), [at_fdcwd, 0x1000, 0, 0, 0, 0], ALLOW),
                (nr("close"), [3, 0, 0, 0, 0, 0], ALLOW),
            ],
        ),
        ("mkdir", vec![(nr("mkdir"), mkdir_args, eacces)]),
        (
            "fork",
            vec![
                (nr("clone"), [0x0120_0011, 0, 0, 0x1000, 0, 0], ALLOW),
                (nr("exit_group"), [0; 6], ALLOW),
                (nr("wait4"), [100, 0x1000, 0, 0, 0, 0], ALLOW),
            ],
        ),
    ];
    for (variant, how, prog) in [
        ("b3s", "sc-netd", &sc),
        ("b3l", "ls-netd", &ls),
        ("b3t", "lt-netd", &lt),
    ] {
        println!("# {variant}: {} BPF instructions", prog.len());
        write_prog(&bpf_path(how), prog)?;
        for (op, calls) in &ops {
            let mut total = 0;
            for &(nr, args, want) in calls {
                let (n, ret) = bpf_run(prog, nr, args)?;
                if ret != want {
                    return Err(format!(
                        "{variant} {op}: nr {nr} returns {ret:#x}, not {want:#x}"
                    ));
                }
                total += n;
            }
            println!("BPFINS {variant} {op} {total}");
        }
        // A refused argument and an unlisted syscall are killed.
        for (nr, args) in [
            (nr("openat"), [at_fdcwd, 0x1000, 1, 0, 0, 0]),
            (nr("ptrace"), [0; 6]),
            (nr("clone"), [0x1000_0000, 0, 0, 0, 0, 0]),
        ] {
            let (_, ret) = bpf_run(prog, nr, args)?;
            if ret != libseccomp::SCMP_ACT_KILL_PROCESS {
                return Err(format!(
                    "{variant}: nr {nr} {args:x?} returns {ret:#x}, not kill"
                ));
            }
        }
    }
    Ok(())
}

fn confine(how: &str) -> Result<(), String> {
    match how {
        "none" => Ok(()),
        "mode1" => set_mode(1, 0).map_err(|e| e.to_string()),
        "mode2" => set_mode(2, 0).map_err(|e| e.to_string()),
        "strict" => {
            // SAFETY: prctl with integer arguments.
            let r = unsafe { libc::prctl(libc::PR_SET_SECCOMP, libc::SECCOMP_MODE_STRICT) };
            if r == 0 {
                Ok(())
            } else {
                Err("PR_SET_SECCOMP strict failed".into())
            }
        }
        "bpf" => {
            let prog = mode2_bpf()?;
            seccompiler::apply_filter(&prog).map_err(|e| e.to_string())
        }
        // The filters `sm-bench bpfcount` generated, loaded as both
        // libraries load theirs: no_new_privs, then
        // seccomp(SECCOMP_SET_MODE_FILTER, 0, prog).
        "sc-netd" | "ls-netd" | "lt-netd" => {
            let prog = read_prog(&bpf_path(how))?;
            seccompiler::apply_filter(&prog).map_err(|e| e.to_string())
        }
        other => match other.strip_prefix("table").map(str::parse::<u64>) {
            Some(Ok(n)) => set_mode(n, 0).map_err(|e| e.to_string()),
            _ => Err(format!("unknown confinement {other}")),
        },
    }
}

/// The cost of one run: CPU time and wall-clock time, in nanoseconds.
#[derive(Clone, Copy)]
struct Cost {
    cpu: u64,
    wall: u64,
}

/// One run in a child that confines itself, makes `warm` then `iters` ops
/// and exits: the CPU time it used (user + system, its reaped children
/// included) and the parent's wall-clock time from fork to reaping it.
///
/// CPU time is the precise figure under `-icount`, where the scheduler
/// clock counts instructions: it leaves out the parent and the idle loop,
/// and needs no clock in the child (strict mode turns `rdtsc`, and so the
/// vDSO clock, off). On plain TCG the scheduler clock may tick in jiffies,
/// so the wall-clock figure is the one to read there.
fn run_once(how: &str, op: Op, warm: u64, iters: u64) -> Result<Cost, String> {
    let t0 = Instant::now();
    // SAFETY: the child makes raw syscalls and ends with the raw `exit`.
    match unsafe { fork() }.map_err(|e| e.to_string())? {
        ForkResult::Child => child(how, op, warm, iters),
        ForkResult::Parent { child } => {
            let mut status = 0;
            // SAFETY: an all-zero `rusage` is valid; wait4 fills it in.
            let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
            // SAFETY: valid pointers to our locals.
            let r = unsafe { libc::wait4(child.as_raw(), &mut status, 0, &mut ru) };
            if r != child.as_raw() {
                return Err(format!("wait4: {}", std::io::Error::last_os_error()));
            }
            match (libc::WIFEXITED(status), libc::WEXITSTATUS(status)) {
                (true, 0) => {}
                (true, 3) => return Err(format!("child could not confine itself ({how})")),
                (true, 4) => return Err(format!("{op:?} failed in the child ({how})")),
                _ => return Err(format!("child died ({how}): status {status:#x}")),
            }
            let wall = t0.elapsed().as_nanos() as u64;
            let us = |t: libc::timeval| t.tv_sec as u64 * 1_000_000 + t.tv_usec as u64;
            Ok(Cost {
                cpu: (us(ru.ru_utime) + us(ru.ru_stime)) * 1000,
                wall,
            })
        }
    }
}

fn child(how: &str, op: Op, warm: u64, iters: u64) -> ! {
    let fd: RawFd = match std::fs::File::open(if op == Op::Read4k { DATA } else { "/dev/zero" }) {
        Ok(f) => std::os::fd::IntoRawFd::into_raw_fd(f),
        Err(_) => raw_exit(2),
    };
    let null = match std::fs::OpenOptions::new().write(true).open("/dev/null") {
        Ok(f) => std::os::fd::IntoRawFd::into_raw_fd(f),
        Err(_) => raw_exit(2),
    };
    // Whether the policy refuses `mkdir` (checked on every call).
    let refused = how != "none";
    if confine(how).is_err() {
        raw_exit(3);
    }
    let mut buf = [0u8; 4096];
    let mut one = || {
        // SAFETY: only the measured syscalls, on valid buffers and our fds.
        unsafe {
            match op {
                Op::Getppid => {
                    libc::syscall(libc::SYS_getppid);
                }
                Op::Read0 => {
                    libc::read(fd, buf.as_mut_ptr().cast(), 0);
                }
                Op::Write1 => {
                    libc::write(null, buf.as_ptr().cast(), 1);
                }
                Op::Read4k => {
                    libc::pread(fd, buf.as_mut_ptr().cast(), 4096, 0);
                }
                Op::Openat => {
                    let f = libc::openat(libc::AT_FDCWD, DATA_C.as_ptr(), libc::O_RDONLY);
                    if f < 0 {
                        raw_exit(4);
                    }
                    libc::close(f);
                }
                Op::Fork => {
                    let pid = libc::fork();
                    if pid == 0 {
                        libc::_exit(0);
                    }
                    let mut status = 0;
                    libc::wait4(pid, &mut status, 0, std::ptr::null_mut());
                }
                Op::Getrandom0 => {
                    libc::syscall(
                        libc::SYS_getrandom,
                        buf.as_mut_ptr(),
                        0,
                        libc::GRND_INSECURE,
                    );
                }
                Op::Mkdir => {
                    // Refused with EACCES by every policy that runs it;
                    // unconfined, it fails with EEXIST after the first.
                    if libc::mkdir(DIR_C.as_ptr(), 0o755) == 0 {
                        if refused {
                            raw_exit(4);
                        }
                    } else if refused && *libc::__errno_location() != libc::EACCES {
                        raw_exit(4);
                    }
                }
            }
        }
    };
    // Warm-up: caches, page tables and the allocator reach their steady
    // state before the measured ops.
    for _ in 0..warm + iters {
        one();
    }
    raw_exit(0)
}

fn median(mut v: Vec<u64>) -> u64 {
    v.sort_unstable();
    v[v.len() / 2]
}

/// Nanoseconds per op, CPU and wall clock: the medians over repetitions of
/// a run with the ops minus a run with the warm-up alone.
fn measure(how: &str, op: Op) -> Result<(f64, f64), String> {
    let iters = op.iters();
    let warm = iters / 10;
    let (mut cpu, mut wall) = (Vec::new(), Vec::new());
    for _ in 0..REPS {
        let base = run_once(how, op, warm, 0)?;
        let full = run_once(how, op, warm, iters)?;
        cpu.push(full.cpu.saturating_sub(base.cpu) * 100 / iters);
        wall.push(full.wall.saturating_sub(base.wall) * 100 / iters);
    }
    let reps: Vec<String> = cpu
        .iter()
        .map(|c| format!("{:.2}", *c as f64 / 100.0))
        .collect();
    println!(
        "# {how} {op:?}: CPU ns/op of each repetition: {}",
        reps.join(" ")
    );
    Ok((median(cpu) as f64 / 100.0, median(wall) as f64 / 100.0))
}

fn ops(variant: &str, how: &str, ops: &[String]) -> Result<(), String> {
    std::fs::write(DATA, vec![7u8; 4096]).map_err(|e| e.to_string())?;
    for name in ops {
        let op = Op::parse(name).ok_or_else(|| format!("unknown op {name}"))?;
        let (cpu, wall) = measure(how, op)?;
        println!("BENCH {variant} {name} {cpu:.2} {wall:.2}");
    }
    Ok(())
}

/// Keeps `n` processes in mode 2 until stdin closes.
fn park(n: usize) -> Result<(), String> {
    let (r, w) = pipe().map_err(|e| e.to_string())?;
    let mut pids = Vec::new();
    for _ in 0..n {
        // SAFETY: the child makes raw syscalls and ends with the raw `exit`.
        match unsafe { fork() }.map_err(|e| e.to_string())? {
            ForkResult::Child => {
                drop(w);
                if set_mode(2, 0).is_err() {
                    raw_exit(1);
                }
                let mut b = [0u8; 1];
                // SAFETY: blocks until the parent closes the pipe.
                unsafe { libc::read(r.as_raw_fd(), b.as_mut_ptr().cast(), 1) };
                raw_exit(0);
            }
            ForkResult::Parent { child } => pids.push(child),
        }
    }
    drop(r);
    println!("parked {n}");
    let _ = std::io::stdout().flush();
    let mut sink = Vec::new();
    let _ = std::io::stdin().read_to_end(&mut sink);
    drop(w);
    for pid in pids {
        let _ = waitpid(pid, None);
    }
    Ok(())
}

fn http(variant: &str, port: u16, n: u32) -> Result<(), String> {
    let fetch = || -> Result<(), String> {
        let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
        s.write_all(b"GET /file.txt HTTP/1.0\r\n\r\n")
            .map_err(|e| e.to_string())?;
        let mut body = Vec::new();
        s.read_to_end(&mut body).map_err(|e| e.to_string())?;
        if body.starts_with(b"HTTP/1.0 200") {
            Ok(())
        } else {
            Err("bad response".into())
        }
    };
    fetch()?;
    let mut per_req = Vec::new();
    for _ in 0..REPS {
        let t0 = Instant::now();
        for _ in 0..n {
            fetch()?;
        }
        per_req.push(t0.elapsed().as_nanos() as u64 / u64::from(n));
    }
    let ns = median(per_req);
    println!("BENCH {variant} http {ns} {ns}");
    Ok(())
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["ops", variant, how, rest @ ..] => ops(variant, how, &args[3..3 + rest.len()]),
        ["park", n] => n.parse().map_err(|e| format!("{e}")).and_then(park),
        ["load", ..] => load(&args[1..]),
        ["commit", n, reps] => match (n.parse(), reps.parse()) {
            (Ok(n), Ok(reps)) => commit_time(n, reps),
            _ => Err("bad commit arguments".into()),
        },
        ["bpfcount"] => bpfcount(),
        ["text", "netd"] => {
            print!("{}", policy_text(3, "netd-bench", &netd_policy()));
            Ok(())
        }
        ["text", n] => n
            .parse()
            .map_err(|e| format!("{e}"))
            .map(|n| print!("{}", synth_text(n))),
        ["http", variant, port, n] => match (port.parse(), n.parse()) {
            (Ok(port), Ok(n)) => http(variant, port, n),
            _ => Err("bad http arguments".into()),
        },
        _ => Err(
            "usage: sm-bench ops VARIANT CONFINE OP... | park N | http VARIANT PORT N | \
                  load netd|synth|many64... | commit N REPS | bpfcount | text netd|N"
                .into(),
        ),
    };
    if let Err(e) = result {
        eprintln!("sm-bench: {e}");
        std::process::exit(1);
    }
}
