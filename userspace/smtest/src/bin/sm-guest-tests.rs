// SPDX-License-Identifier: GPL-2.0

//! In-guest integration tests of the module, from real user processes.
//!
//! Runs in the QEMU guest as root with `seccomp_mode.ko` loaded (see
//! `scripts/test`) and prints TAP. Each attack runs in a forked child that
//! confines itself; the parent observes how it ended, the kernel log and
//! `/proc/seccomp_mode`. The last cases unload the module.
//!
//! The same cases run on x86_64, AArch64 and, built for 32-bit arm and
//! 32-bit x86, as compat processes in the arm64 guest (AArch32) and in the
//! x86_64 guest (ia32): numbers and names in log lines are those of the
//! program's native ABI; the x32 case is x86_64's, the ia32 one (through
//! `int $0x80`) x86_64's and x86's.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::fs::FileExt;

use nix::errno::Errno;
use nix::kmod::{delete_module, DeleteModuleFlags};
use nix::sys::signal::Signal;
use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::{fork, pipe, ForkResult, Pid};
#[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
use smtest::arch::int80;
#[cfg(target_arch = "x86_64")]
use smtest::arch::syscall0;
use smtest::arch::{self, NATIVE_ABI};
use smtest::{
    child_with_pid, get_mode, in_child, in_child_piped, kernel_log, raw_exit, set_mode,
    set_mode_raw, Tap, SECCOMP_MODE_FLAG_LOG,
};

type Case = (&'static str, fn() -> Result<(), String>);

fn module_state() -> Result<Option<String>, String> {
    let modules =
        std::fs::read_to_string("/proc/modules").map_err(|e| format!("/proc/modules: {e}"))?;
    Ok(modules
        .lines()
        .find(|l| l.starts_with("seccomp_mode "))
        .and_then(|l| l.split_whitespace().nth(4))
        .map(str::to_owned))
}

fn module_is_live() -> Result<(), String> {
    match module_state()? {
        Some(state) if state == "Live" => Ok(()),
        other => Err(format!("seccomp_mode state in /proc/modules: {other:?}")),
    }
}

fn guest_has_two_cpus() -> Result<(), String> {
    let n = std::thread::available_parallelism().map_err(|e| e.to_string())?;
    if n.get() == 2 {
        Ok(())
    } else {
        Err(format!("expected 2 CPUs for concurrency tests, have {n}"))
    }
}

fn loopback_tcp_roundtrip() -> Result<(), String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("bind: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    let server = std::thread::spawn(move || -> std::io::Result<Vec<u8>> {
        let (mut conn, _) = listener.accept()?;
        let mut buf = [0u8; 5];
        conn.read_exact(&mut buf)?;
        conn.write_all(&buf)?;
        Ok(buf.to_vec())
    });
    let mut client = TcpStream::connect(addr).map_err(|e| format!("connect: {e}"))?;
    client.write_all(b"hello").map_err(|e| e.to_string())?;
    let mut echo = [0u8; 5];
    client.read_exact(&mut echo).map_err(|e| e.to_string())?;
    let got = server
        .join()
        .map_err(|_| "server thread panicked".to_owned())?
        .map_err(|e| e.to_string())?;
    if got == b"hello" && &echo == b"hello" {
        Ok(())
    } else {
        Err(format!("echo mismatch: {got:?} / {echo:?}"))
    }
}

fn child_sigkill_is_observed() -> Result<(), String> {
    in_child(|| {
        let _ = nix::sys::signal::raise(Signal::SIGKILL);
        0
    })
    .map_err(|e| e.to_string())?
    .expect_signal(Signal::SIGKILL)
}

fn errno_code(r: nix::Result<()>) -> i32 {
    match r {
        Ok(()) => 0,
        Err(e) => e as i32,
    }
}

fn unconfined_get_is_zero() -> Result<(), String> {
    match get_mode() {
        Ok(0) => Ok(()),
        other => Err(format!("GET in an unconfined process: {other:?}")),
    }
}

/// Lines of the kernel log that mention `needle` for process `pid`.
fn log_lines(pid: i32, needle: &str) -> Result<Vec<String>, String> {
    let log = kernel_log().map_err(|e| format!("klogctl: {e}"))?;
    let pid = format!(" pid={pid} ");
    Ok(log
        .lines()
        .filter(|l| l.contains(&pid) && l.contains(needle))
        .map(str::to_owned)
        .collect())
}

fn complain_mode_logs_once_and_allows() -> Result<(), String> {
    let (pid, outcome) = child_with_pid(|| {
        if set_mode(2, SECCOMP_MODE_FLAG_LOG).is_err() {
            return 10;
        }
        // getpgrp (on arm64 getpgid(0)) is not in mode 2: logged and
        // allowed, twice, logged once.
        for _ in 0..2 {
            // SAFETY: getpgrp has no arguments (the guest's init has
            // process group 0, so only -1 is a failure).
            if unsafe { libc::getpgrp() } < 0 {
                return 11;
            }
        }
        if get_mode() != Ok(2) {
            return 12;
        }
        0
    })?;
    outcome.expect_exit(0)?;
    let lines = log_lines(pid, "seccomp_mode: logged")?;
    let (nr, name) = (arch::GETPGRP.nr, arch::GETPGRP.name);
    let getpgrp: Vec<_> = lines
        .iter()
        .filter(|l| l.contains(&format!("syscall={nr} ({name})")))
        .collect();
    if getpgrp.len() != 1 || !getpgrp[0].contains(&format!("mode=2 abi={NATIVE_ABI}")) {
        return Err(format!("expected one getpgrp line, log has: {lines:?}"));
    }
    Ok(())
}

fn mode2_execve_is_killed_and_logged() -> Result<(), String> {
    let (pid, outcome) = child_with_pid(|| {
        if set_mode(2, 0).is_err() {
            return 10;
        }
        let sh = c"/bin/sh";
        let argv = [sh.as_ptr(), std::ptr::null()];
        let envp = [std::ptr::null()];
        // SAFETY: valid NUL-terminated argv/envp arrays.
        unsafe { libc::execve(sh.as_ptr(), argv.as_ptr(), envp.as_ptr()) };
        // Reached only if execve returned instead of killing us.
        20
    })?;
    outcome.expect_signal(Signal::SIGKILL)?;
    let want = format!(
        "seccomp_mode: killed pid={pid} comm=sm-guest-tests mode=2 abi={NATIVE_ABI} syscall={} (execve)",
        libc::SYS_execve
    );
    let log = kernel_log().map_err(|e| e.to_string())?;
    if log.lines().any(|l| l.ends_with(&want)) {
        Ok(())
    } else {
        Err(format!("no kernel log line {want:?}"))
    }
}

fn comm_cannot_forge_log_lines() -> Result<(), String> {
    let (pid, outcome) = child_with_pid(|| {
        // A process name with a newline and a fake second record.
        let name = c"x\nkilled pid=1";
        // SAFETY: PR_SET_NAME reads a NUL-terminated string of <= 16 bytes.
        unsafe { libc::prctl(libc::PR_SET_NAME, name.as_ptr()) };
        if set_mode(2, 0).is_err() {
            return 10;
        }
        // SAFETY: getpgrp has no arguments; it is not in mode 2.
        unsafe { libc::getpgrp() };
        20
    })?;
    outcome.expect_signal(Signal::SIGKILL)?;
    let want = format!(
        "seccomp_mode: killed pid={pid} comm=x?killed?pid=1 mode=2 abi={NATIVE_ABI} syscall={} ({})",
        arch::GETPGRP.nr,
        arch::GETPGRP.name
    );
    let log = kernel_log().map_err(|e| e.to_string())?;
    if log.lines().any(|l| l.ends_with(&want)) {
        Ok(())
    } else {
        Err(format!("no kernel log line {want:?}"))
    }
}

fn forked_child_reports_mode2() -> Result<(), String> {
    in_child(|| {
        if set_mode(2, 0).is_err() {
            return 10;
        }
        // The grandchild reports its mode as its exit status.
        match in_child(|| get_mode().unwrap_or(-1)) {
            Ok(smtest::Outcome::Exited(code)) => code,
            _ => 11,
        }
    })
    .map_err(|e| e.to_string())?
    .expect_exit(2)
}

fn mode2_daemon_serves_tcp_with_threads() -> Result<(), String> {
    let listener = TcpListener::bind("127.0.0.1:0").map_err(|e| format!("bind: {e}"))?;
    let addr = listener.local_addr().map_err(|e| e.to_string())?;
    in_child(move || {
        if set_mode(2, 0).is_err() {
            return 10;
        }
        // A thread created after the prctl serves one connection.
        let server = std::thread::spawn(move || -> std::io::Result<()> {
            let (mut conn, _) = listener.accept()?;
            let mut buf = [0u8; 4];
            conn.read_exact(&mut buf)?;
            conn.write_all(&buf)
        });
        let Ok(mut client) = TcpStream::connect(addr) else {
            return 11;
        };
        let mut echo = [0u8; 4];
        if client.write_all(b"ping").is_err() || client.read_exact(&mut echo).is_err() {
            return 12;
        }
        match server.join() {
            Ok(Ok(())) if &echo == b"ping" => 0,
            _ => 13,
        }
    })
    .map_err(|e| e.to_string())?
    .expect_exit(0)
}

fn strict_mode_allows_write_and_kills_getpid() -> Result<(), String> {
    let (outcome, got) = in_child_piped(|w| {
        if set_mode(1, 0).is_err() {
            return 10;
        }
        // SAFETY: write of 2 bytes to our pipe; then a raw getpid.
        unsafe {
            libc::write(w, b"ok".as_ptr().cast(), 2);
            libc::syscall(libc::SYS_getpid);
        }
        raw_exit(20)
    })?;
    outcome.expect_signal(Signal::SIGKILL)?;
    if got == b"ok" {
        Ok(())
    } else {
        Err(format!("write in mode 1 did not arrive: {got:?}"))
    }
}

fn strict_mode_exit_is_allowed() -> Result<(), String> {
    in_child(|| {
        if set_mode(1, 0).is_err() {
            return 10;
        }
        raw_exit(7)
    })
    .map_err(|e| e.to_string())?
    .expect_exit(7)
}

fn transitions_only_tighten() -> Result<(), String> {
    in_child(|| {
        use Errno::{EINVAL, ENOENT, EPERM};
        // No table 3 is loaded (table modes are on): ENOENT; beyond the
        // largest table mode: EINVAL.
        let checks: [(nix::Result<()>, i32); 5] = [
            (set_mode(3, 0), ENOENT as i32),
            (set_mode(1 << 31, 0), EINVAL as i32),
            (set_mode(2, 2), EINVAL as i32),
            (set_mode_raw(2, 0, 1, 0), EINVAL as i32),
            (set_mode(2, SECCOMP_MODE_FLAG_LOG), 0),
        ];
        for (i, (got, want)) in checks.into_iter().enumerate() {
            if errno_code(got) != want {
                return 20 + i as i32;
            }
        }
        // Now in complain mode 2: loosening is refused, tightening works.
        let steps: [(nix::Result<()>, i32); 6] = [
            (set_mode(0, 0), EPERM as i32),
            (set_mode(3, 0), EPERM as i32),
            (set_mode(2, 0), 0),
            (set_mode(2, SECCOMP_MODE_FLAG_LOG), EPERM as i32),
            (set_mode(2, 0), 0),
            (set_mode(1, SECCOMP_MODE_FLAG_LOG), EPERM as i32),
        ];
        for (i, (got, want)) in steps.into_iter().enumerate() {
            if errno_code(got) != want {
                return 30 + i as i32;
            }
        }
        if get_mode() != Ok(2) {
            return 40;
        }
        if set_mode(1, 0).is_err() {
            return 41;
        }
        raw_exit(0)
    })
    .map_err(|e| e.to_string())?
    .expect_exit(0)
}

fn threads_from_before_prctl_are_confined() -> Result<(), String> {
    in_child(|| {
        let (r, w) = match pipe() {
            Ok(p) => p,
            Err(_) => return 10,
        };
        // The thread exists before the prctl and tries execve after it.
        let t = std::thread::spawn(move || {
            let mut b = [0u8; 1];
            // SAFETY: read of 1 byte from our pipe.
            unsafe { libc::read(r.as_raw_fd(), b.as_mut_ptr().cast(), 1) };
            let sh = c"/bin/sh";
            let argv = [sh.as_ptr(), std::ptr::null()];
            let envp = [std::ptr::null()];
            // SAFETY: valid argv/envp arrays.
            unsafe { libc::execve(sh.as_ptr(), argv.as_ptr(), envp.as_ptr()) };
        });
        if set_mode(2, 0).is_err() {
            return 11;
        }
        // SAFETY: write of 1 byte to our pipe.
        unsafe { libc::write(w.as_raw_fd(), b"x".as_ptr().cast(), 1) };
        let _ = t.join();
        // Reached only if the execve returned.
        12
    })
    .map_err(|e| e.to_string())?
    .expect_signal(Signal::SIGKILL)
}

fn threads_from_after_prctl_are_confined() -> Result<(), String> {
    in_child(|| {
        if set_mode(2, 0).is_err() {
            return 10;
        }
        let t = std::thread::spawn(|| {
            let sh = c"/bin/sh";
            let argv = [sh.as_ptr(), std::ptr::null()];
            let envp = [std::ptr::null()];
            // SAFETY: valid argv/envp arrays.
            unsafe { libc::execve(sh.as_ptr(), argv.as_ptr(), envp.as_ptr()) };
        });
        let _ = t.join();
        // Reached only if the execve returned.
        12
    })
    .map_err(|e| e.to_string())?
    .expect_signal(Signal::SIGKILL)
}

#[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
fn ia32_table_is_enforced() -> Result<(), String> {
    in_child(|| {
        let pid = std::process::id() as i32;
        if set_mode(2, 0).is_err() {
            return 10;
        }
        // ia32 getpid (20) is in the ia32 mode-2 table.
        if int80(20, [0; 5]) != pid {
            return 11;
        }
        // ia32 execve (11): killed.
        int80(11, [0; 5]);
        12
    })
    .map_err(|e| e.to_string())?
    .expect_signal(Signal::SIGKILL)
}

#[cfg(target_arch = "x86_64")]
fn x32_syscalls_are_denied() -> Result<(), String> {
    in_child(|| {
        let pid = i64::from(std::process::id());
        // x32 getpid works before confinement (the kernel has X32_ABI=y).
        if syscall0(0x4000_0000 | 39) != pid {
            return 10;
        }
        if set_mode(2, 0).is_err() {
            return 11;
        }
        if syscall0(39) != pid {
            return 12;
        }
        syscall0(0x4000_0000 | 39);
        13
    })
    .map_err(|e| e.to_string())?
    .expect_signal(Signal::SIGKILL)
}

/// How one fork of a confined process ended under allocation failure.
#[derive(Debug, PartialEq)]
enum ForkResultUnderFault {
    /// fork itself failed (ENOMEM): nothing was created.
    Failed,
    /// The child was killed before it ran (the module could not record it).
    Killed,
    /// The child ran and reported this mode.
    Ran(i32),
}

fn fork_allocation_failure_never_leaves_child_unconfined() -> Result<(), String> {
    // Quiet the fault-injection stack dumps, which the console check would
    // flag as a kernel problem.
    std::fs::write("/sys/kernel/debug/failslab/verbose", "0")
        .map_err(|e| format!("failslab/verbose: {e}"))?;
    let (outcome, report) = in_child_piped(|w| {
        let Ok(mut nth) = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open("/proc/thread-self/fail-nth")
        else {
            return 10;
        };
        if set_mode(2, 0).is_err() {
            return 11;
        }
        // Fail the n-th fault-injectable allocation (GFP_ATOMIC slab
        // allocations: the fork probe's) of the next fork, for n = 1, 2, ...
        // until a fork completes without reaching the n-th allocation.
        let mut report = Vec::new();
        for n in 1..=64 {
            if nth.write_all(n.to_string().as_bytes()).is_err() {
                return 12;
            }
            // SAFETY: the child only makes raw syscalls and `_exit`s.
            let pid = unsafe { libc::fork() };
            if pid == 0 {
                // SAFETY: `_exit` ends the child at once.
                unsafe { libc::_exit(get_mode().unwrap_or(-1)) };
            }
            // What is left of the count: 0 once the n-th allocation failed.
            let mut buf = [0u8; 16];
            let len = nth.read_at(&mut buf, 0).unwrap_or(0);
            let left = String::from_utf8_lossy(&buf[..len]).into_owned();
            let _ = nth.write_all(b"0");
            let result = if pid < 0 {
                ForkResultUnderFault::Failed
            } else {
                match waitpid(Pid::from_raw(pid), None) {
                    Ok(WaitStatus::Exited(_, code)) => ForkResultUnderFault::Ran(code),
                    Ok(WaitStatus::Signaled(_, Signal::SIGKILL, _)) => ForkResultUnderFault::Killed,
                    _ => return 13,
                }
            };
            report.push(format!("{n}:{result:?}"));
            if left.trim() != "0" && matches!(result, ForkResultUnderFault::Ran(_)) {
                break;
            }
        }
        let text = report.join(" ");
        // SAFETY: plain write of our report to the pipe.
        unsafe { libc::write(w, text.as_ptr().cast(), text.len()) };
        0
    })?;
    let report = String::from_utf8_lossy(&report);
    outcome
        .expect_exit(0)
        .map_err(|e| format!("{e}; report: {report}"))?;
    let unconfined: Vec<_> = report
        .split(' ')
        .filter(|r| r.contains("Ran(") && !r.contains("Ran(2)"))
        .collect();
    if !unconfined.is_empty() {
        return Err(format!("children ran outside mode 2: {report}"));
    }
    if !report.contains("Killed") {
        return Err(format!("no fork reached the probe's allocation: {report}"));
    }
    println!("# fork under allocation failure, n:result = {report}");
    let log = kernel_log().map_err(|e| e.to_string())?;
    if !log.contains("seccomp_mode: killed new process pid=") {
        return Err(format!("no fail-closed log line; report: {report}"));
    }
    Ok(())
}

/// A confined child that waits until the returned pipe end is closed.
struct Parked {
    pid: Pid,
    release: Option<OwnedFd>,
}

impl Parked {
    fn start(mode: u64) -> Result<Self, String> {
        let (ready_r, ready_w) = pipe().map_err(|e| e.to_string())?;
        let (go_r, go_w) = pipe().map_err(|e| e.to_string())?;
        // SAFETY: the child only makes raw syscalls and `_exit`s.
        match unsafe { fork() }.map_err(|e| e.to_string())? {
            ForkResult::Child => {
                drop(go_w);
                let ok = set_mode(mode, 0).is_ok();
                let mut b = [u8::from(ok)];
                // SAFETY: 1-byte write and read on our own pipes.
                unsafe {
                    libc::write(ready_w.as_raw_fd(), b.as_ptr().cast(), 1);
                    libc::read(go_r.as_raw_fd(), b.as_mut_ptr().cast(), 1);
                    libc::_exit(0)
                }
            }
            ForkResult::Parent { child } => {
                drop(ready_w);
                let parked = Parked {
                    pid: child,
                    release: Some(go_w),
                };
                let mut b = [0u8];
                std::fs::File::from(ready_r)
                    .read_exact(&mut b)
                    .map_err(|e| format!("parked child: {e}"))?;
                if b[0] != 1 {
                    return Err("parked child could not enter its mode".into());
                }
                Ok(parked)
            }
        }
    }

    /// Lets the child exit and reaps it.
    fn finish(mut self) -> Result<(), String> {
        self.release.take();
        match waitpid(self.pid, None) {
            Ok(WaitStatus::Exited(_, 0)) => Ok(()),
            other => Err(format!("parked child ended {other:?}")),
        }
    }
}

impl Drop for Parked {
    fn drop(&mut self) {
        if self.release.take().is_some() {
            let _ = waitpid(self.pid, None);
        }
    }
}

fn status_file_lists_confined_processes() -> Result<(), String> {
    let parked = Parked::start(2)?;
    let status = std::fs::read_to_string("/proc/seccomp_mode")
        .map_err(|e| format!("/proc/seccomp_mode: {e}"))?;
    let want = format!("{} 2 enforce 0 sm-guest-tests", parked.pid);
    if !status.lines().any(|l| l == want) {
        return Err(format!("no line {want:?} in:\n{status}"));
    }
    let pid = parked.pid;
    parked.finish()?;
    let status = std::fs::read_to_string("/proc/seccomp_mode").map_err(|e| e.to_string())?;
    if status.lines().any(|l| l.starts_with(&format!("{pid} "))) {
        return Err(format!("exited process {pid} still listed:\n{status}"));
    }
    if !status
        .lines()
        .any(|l| l.starts_with(&format!("2 {NATIVE_ABI} ")))
    {
        return Err(format!("no counters in:\n{status}"));
    }
    Ok(())
}

fn rmmod_is_refused_while_confined() -> Result<(), String> {
    let parked = Parked::start(2)?;
    let r = delete_module(c"seccomp_mode", DeleteModuleFlags::O_NONBLOCK);
    let still = module_state()?;
    parked.finish()?;
    match (r, still.as_deref()) {
        (Err(Errno::EWOULDBLOCK), Some("Live")) => Ok(()),
        other => Err(format!("rmmod while confined: {other:?}")),
    }
}

fn module_unloads() -> Result<(), String> {
    delete_module(c"seccomp_mode", DeleteModuleFlags::O_NONBLOCK)
        .map_err(|e| format!("delete_module: {e}"))?;
    match module_state()? {
        None => Ok(()),
        Some(state) => Err(format!("still in /proc/modules after rmmod: {state}")),
    }
}

fn prctl_is_einval_without_module() -> Result<(), String> {
    match (get_mode(), set_mode(2, 0)) {
        (Err(Errno::EINVAL), Err(Errno::EINVAL)) => Ok(()),
        other => Err(format!("GET/SET without the module: {other:?}")),
    }
}

/// Unloads the module when dropped (the harness expects it unloaded after
/// this program).
struct Loaded;

impl Drop for Loaded {
    fn drop(&mut self) {
        let _ = delete_module(c"seccomp_mode", DeleteModuleFlags::O_NONBLOCK);
    }
}

/// One confinement tree killed in a burst cannot hide another tree's kill:
/// with a budget of 5 lines, a confined parent whose 30 children are killed
/// at execve spends its own budget (5 lines, 25 kills held back and kept in
/// /proc/seccomp_mode), and the kill of a process of another tree right
/// after is still logged, although that process first provoked 20 refused
/// opens (refusals have a budget of their own).
fn one_tree_cannot_hide_another_trees_kill() -> Result<(), String> {
    let module = std::fs::File::open("/sm/seccomp_mode.ko").map_err(|e| format!("module: {e}"))?;
    // The KUnit suites ran at the first load; a glob that matches none keeps
    // them from running (and printing) again.
    let _ = std::fs::write(
        "/sys/module/kunit/parameters/filter_glob",
        "sm-no-such-suite",
    );
    nix::kmod::finit_module(
        &module,
        c"log_burst=5 log_interval_ms=600000",
        nix::kmod::ModuleInitFlags::empty(),
    )
    .map_err(|e| format!("finit_module: {e}"))?;
    let _loaded = Loaded;
    let execve = || {
        let argv = [c"sh".as_ptr(), std::ptr::null()];
        let envp = [std::ptr::null()];
        // SAFETY: valid argv/envp arrays; the caller expects to be killed.
        unsafe { libc::execve(c"/bin/sh".as_ptr(), argv.as_ptr(), envp.as_ptr()) };
    };
    let (tree_a, outcome) = child_with_pid(|| {
        if set_mode(2, 0).is_err() {
            return 10;
        }
        for _ in 0..30 {
            match in_child(|| {
                execve();
                20
            }) {
                Ok(smtest::Outcome::Signaled(Signal::SIGKILL)) => {}
                _ => return 11,
            }
        }
        0
    })?;
    outcome.expect_exit(0).map_err(|e| format!("tree A: {e}"))?;
    // Tree B provokes 20 refusals first: they spend its other budget, not
    // the one of its kill line.
    let (tree_b, outcome) = child_with_pid(|| {
        if set_mode(2, 0).is_err() {
            return 10;
        }
        for _ in 0..20 {
            // SAFETY: a valid path; /dev/kmsg is refused to a confined process.
            if unsafe { libc::open(c"/dev/kmsg".as_ptr(), libc::O_RDONLY) } >= 0 {
                return 11;
            }
        }
        execve();
        20
    })?;
    outcome.expect_signal(Signal::SIGKILL)?;
    let full = kernel_log().map_err(|e| e.to_string())?;
    // Only what this load of the module logged.
    let log = full
        .rfind("seccomp_mode: loaded")
        .map_or(full.as_str(), |i| &full[i..]);
    let execve = libc::SYS_execve.to_string();
    let kill_tail = format!("syscall={execve} (execve)");
    let kill_lines = log
        .lines()
        .filter(|l| l.contains("seccomp_mode: killed pid=") && l.ends_with(&kill_tail))
        .count();
    let want_b = format!("seccomp_mode: killed pid={tree_b} comm=");
    if !log.lines().any(|l| l.contains(&want_b)) {
        return Err(format!("tree B's kill (pid {tree_b}) is not in the log"));
    }
    // Tree A's 5 lines and tree B's one.
    if kill_lines != 6 {
        return Err(format!(
            "{kill_lines} execve kill lines, want 5 of tree A + 1 of tree B"
        ));
    }
    let status = std::fs::read_to_string("/proc/seccomp_mode").map_err(|e| e.to_string())?;
    let held = status
        .lines()
        .find_map(|l| l.strip_prefix("# log lines held back by a tree's budget: "))
        .and_then(|n| n.parse::<u64>().ok());
    let records = status
        .lines()
        .filter(|l| {
            let f: Vec<_> = l.split(' ').collect();
            f.len() == 7 && f[0] == "kill" && f[2] == tree_a.to_string() && f[5] == execve
        })
        .count();
    // 25 kills of tree A and 15 refusal lines of tree B held back.
    if held != Some(40) || records != 25 {
        return Err(format!(
            "held back {held:?}, {records} records of tree {tree_a}, want 40 and 25:\n{status}"
        ));
    }
    Ok(())
}

const CASES: &[Case] = &[
    ("module_is_live", module_is_live),
    ("guest_has_two_cpus", guest_has_two_cpus),
    ("loopback_tcp_roundtrip", loopback_tcp_roundtrip),
    ("child_sigkill_is_observed", child_sigkill_is_observed),
    ("unconfined_get_is_zero", unconfined_get_is_zero),
    // Log-line checks first: kill lines are rate limited (10 per 5 s).
    (
        "complain_mode_logs_once_and_allows",
        complain_mode_logs_once_and_allows,
    ),
    (
        "mode2_execve_is_killed_and_logged",
        mode2_execve_is_killed_and_logged,
    ),
    ("comm_cannot_forge_log_lines", comm_cannot_forge_log_lines),
    ("forked_child_reports_mode2", forked_child_reports_mode2),
    (
        "mode2_daemon_serves_tcp_with_threads",
        mode2_daemon_serves_tcp_with_threads,
    ),
    (
        "strict_mode_allows_write_and_kills_getpid",
        strict_mode_allows_write_and_kills_getpid,
    ),
    ("strict_mode_exit_is_allowed", strict_mode_exit_is_allowed),
    ("transitions_only_tighten", transitions_only_tighten),
    (
        "threads_from_before_prctl_are_confined",
        threads_from_before_prctl_are_confined,
    ),
    (
        "threads_from_after_prctl_are_confined",
        threads_from_after_prctl_are_confined,
    ),
    #[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
    ("ia32_table_is_enforced", ia32_table_is_enforced),
    #[cfg(target_arch = "x86_64")]
    ("x32_syscalls_are_denied", x32_syscalls_are_denied),
    (
        "fork_allocation_failure_never_leaves_child_unconfined",
        fork_allocation_failure_never_leaves_child_unconfined,
    ),
    (
        "status_file_lists_confined_processes",
        status_file_lists_confined_processes,
    ),
    (
        "rmmod_is_refused_while_confined",
        rmmod_is_refused_while_confined,
    ),
    ("module_unloads", module_unloads),
    (
        "prctl_is_einval_without_module",
        prctl_is_einval_without_module,
    ),
    (
        "one_tree_cannot_hide_another_trees_kill",
        one_tree_cannot_hide_another_trees_kill,
    ),
];

fn main() {
    let mut tap = Tap::new(std::io::stdout(), CASES.len());
    for (name, case) in CASES {
        tap.case(name, case());
    }
    std::process::exit(tap.finish());
}
