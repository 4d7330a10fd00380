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
use smtest::{raw_exit, set_mode};
use tablecheck::tables;

const REPS: usize = 7;
const DATA: &str = "/tmp/sm-bench.dat";
/// `DATA` for `openat`.
const DATA_C: &CStr = c"/tmp/sm-bench.dat";

#[derive(Clone, Copy, PartialEq, Debug)]
enum Op {
    Getppid,
    Read0,
    Write1,
    Read4k,
    Openat,
    Fork,
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

/// The seccomp-bpf equivalent of mode 2 on x86_64, built as a user of the
/// seccompiler crate would: allow mode 1 + mode 2, `clone` only without
/// `CLONE_NEW*`, kill the process otherwise (seccompiler has one match
/// action per filter, so `clone3` is killed instead of answered ENOSYS).
fn mode2_bpf() -> Result<seccompiler::BpfProgram, String> {
    let x86 = &tables::ALL[0];
    let new_mask = (libc::CLONE_NEWNS
        | libc::CLONE_NEWCGROUP
        | libc::CLONE_NEWUTS
        | libc::CLONE_NEWIPC
        | libc::CLONE_NEWUSER
        | libc::CLONE_NEWPID
        | libc::CLONE_NEWNET) as u64;
    let mut rules: BTreeMap<i64, Vec<SeccompRule>> = BTreeMap::new();
    for sys in x86.mode1.iter().chain(x86.mode2) {
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
        TargetArch::x86_64,
    )
    .map_err(|e| e.to_string())?;
    filter
        .try_into()
        .map_err(|e: seccompiler::BackendError| e.to_string())
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
        other => Err(format!("unknown confinement {other}")),
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
        ["http", variant, port, n] => match (port.parse(), n.parse()) {
            (Ok(port), Ok(n)) => http(variant, port, n),
            _ => Err("bad http arguments".into()),
        },
        _ => Err("usage: sm-bench ops VARIANT CONFINE OP... | park N | http VARIANT PORT N".into()),
    };
    if let Err(e) = result {
        eprintln!("sm-bench: {e}");
        std::process::exit(1);
    }
}
