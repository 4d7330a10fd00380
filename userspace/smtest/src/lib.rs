// SPDX-License-Identifier: GPL-2.0

//! Helpers for seccomp_mode's in-guest test programs.
//!
//! A security property is tested by attacking it from a real user process:
//! [`in_child`] runs the attack in a forked child and reports how the child
//! ended ([`Outcome`]), so that a kill by the module is observed from the
//! outside. [`Tap`] prints results in TAP, which the host-side harness counts.
//! The programs build for x86_64, AArch64, 32-bit arm and 32-bit x86 from
//! the same sources; [`arch`] holds what differs.
//!
//! ```no_run
//! use smtest::{in_child, Outcome, Tap};
//! use nix::sys::signal::Signal;
//!
//! let mut tap = Tap::new(std::io::stdout(), 1);
//! let outcome = in_child(|| 0).expect("fork");
//! tap.case("child exits cleanly", outcome.expect_exit(0));
//! std::process::exit(tap.finish());
//! ```

use std::fmt;
use std::io::Write;
use std::os::fd::RawFd;

use nix::sys::signal::Signal;
use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::{fork, ForkResult};

pub mod arch;

/// How a child process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It called `exit` with this status.
    Exited(i32),
    /// It was killed by this signal.
    Signaled(Signal),
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Exited(code) => write!(f, "exited with status {code}"),
            Outcome::Signaled(sig) => write!(f, "killed by {sig}"),
        }
    }
}

impl Outcome {
    /// `Ok` if the child exited with `code`, otherwise a description.
    pub fn expect_exit(self, code: i32) -> Result<(), String> {
        match self {
            Outcome::Exited(c) if c == code => Ok(()),
            other => Err(format!("expected exit status {code}, child {other}")),
        }
    }

    /// `Ok` if the child was killed by `sig`, otherwise a description.
    pub fn expect_signal(self, sig: Signal) -> Result<(), String> {
        match self {
            Outcome::Signaled(s) if s == sig => Ok(()),
            other => Err(format!("expected death by {sig}, child {other}")),
        }
    }
}

/// Runs `f` in a forked child and waits for it; the child exits with the
/// status `f` returns.
///
/// The child should do little besides raw system calls: in a multi-threaded
/// parent only async-signal-safe work is sound after `fork`.
pub fn in_child<F: FnOnce() -> i32>(f: F) -> nix::Result<Outcome> {
    // SAFETY: the child runs `f` and then `_exit`s without returning into
    // the caller's stack frames or running destructors of shared state.
    match unsafe { fork() }? {
        ForkResult::Child => {
            let code = f();
            // SAFETY: `_exit` ends the process at once; nothing is shared.
            unsafe { libc::_exit(code) }
        }
        ForkResult::Parent { child } => loop {
            match waitpid(child, None)? {
                WaitStatus::Exited(_, code) => return Ok(Outcome::Exited(code)),
                WaitStatus::Signaled(_, sig, _) => return Ok(Outcome::Signaled(sig)),
                _ => continue,
            }
        },
    }
}

/// `prctl` option that enters a mode.
pub const PR_SECCOMP_MODE_SET: libc::c_int = 0x5343_4d53;
/// `prctl` option that returns the calling process's mode.
pub const PR_SECCOMP_MODE_GET: libc::c_int = 0x5343_4d47;
/// Complain mode: violations are logged and allowed.
pub const SECCOMP_MODE_FLAG_LOG: u64 = 1;

/// `prctl(PR_SECCOMP_MODE_SET, mode, flags, 0, 0)`.
pub fn set_mode(mode: u64, flags: u64) -> nix::Result<()> {
    set_mode_raw(mode, flags, 0, 0)
}

/// `prctl(PR_SECCOMP_MODE_SET, mode, flags, a4, a5)` with all arguments
/// given. The arguments are registers of the native ABI: on 32-bit arm only
/// their low 32 bits reach the kernel.
pub fn set_mode_raw(mode: u64, flags: u64, a4: u64, a5: u64) -> nix::Result<()> {
    let reg = |v: u64| v as libc::c_ulong;
    // SAFETY: prctl with integer arguments only.
    let ret = unsafe { libc::prctl(PR_SECCOMP_MODE_SET, reg(mode), reg(flags), reg(a4), reg(a5)) };
    nix::errno::Errno::result(ret).map(drop)
}

/// `prctl(PR_SECCOMP_MODE_GET, 0, 0, 0, 0)`: the calling process's mode.
pub fn get_mode() -> nix::Result<i32> {
    // SAFETY: prctl with integer arguments only.
    let ret = unsafe {
        libc::prctl(
            PR_SECCOMP_MODE_GET,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
            0 as libc::c_ulong,
        )
    };
    nix::errno::Errno::result(ret)
}

/// The kernel log ring buffer (as `dmesg` shows it, with `<level>` prefixes).
pub fn kernel_log() -> nix::Result<String> {
    const SYSLOG_ACTION_READ_ALL: libc::c_int = 3;
    const SYSLOG_ACTION_SIZE_BUFFER: libc::c_int = 10;
    // SAFETY: SIZE_BUFFER takes no buffer.
    let size = unsafe { libc::klogctl(SYSLOG_ACTION_SIZE_BUFFER, std::ptr::null_mut(), 0) };
    let size = usize::try_from(nix::errno::Errno::result(size)?).unwrap_or(0);
    let mut buf = vec![0u8; size.max(4096)];
    let len = libc::c_int::try_from(buf.len()).unwrap_or(libc::c_int::MAX);
    // SAFETY: the kernel writes at most `len` bytes into `buf`.
    let n = unsafe { libc::klogctl(SYSLOG_ACTION_READ_ALL, buf.as_mut_ptr().cast(), len) };
    let n = usize::try_from(nix::errno::Errno::result(n)?).unwrap_or(0);
    buf.truncate(n);
    Ok(String::from_utf8_lossy(&buf).into_owned())
}

/// A fresh, zeroed, read-write anonymous page mapped with
/// `MAP_ANONYMOUS | flags` (`MAP_PRIVATE` or `MAP_SHARED`, plus e.g.
/// `MAP_32BIT`); `None` if the mapping fails. It stays mapped until the
/// caller unmaps it or the process ends.
pub fn anon_page(flags: libc::c_int) -> Option<*mut libc::c_void> {
    // SAFETY: a new anonymous mapping, no address hint, no file.
    let page = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            4096,
            libc::PROT_READ | libc::PROT_WRITE,
            flags | libc::MAP_ANONYMOUS,
            -1,
            0,
        )
    };
    (page != libc::MAP_FAILED).then_some(page)
}

/// Ends the calling process with the raw `exit` syscall, which mode 1
/// allows (libc's `_exit` uses `exit_group`, which it does not).
pub fn raw_exit(code: i32) -> ! {
    loop {
        // SAFETY: `exit` ends the calling thread; in a single-threaded
        // process that is the process.
        unsafe { libc::syscall(libc::SYS_exit, code) };
    }
}

/// Forks a child that runs `f` with the write end of a pipe; returns how the
/// child ended and everything it wrote to the pipe.
pub fn in_child_piped<F: FnOnce(RawFd) -> i32>(f: F) -> Result<(Outcome, Vec<u8>), String> {
    use std::io::Read;
    use std::os::fd::AsRawFd;
    let (r, w) = nix::unistd::pipe().map_err(|e| e.to_string())?;
    let outcome = in_child(|| f(w.as_raw_fd())).map_err(|e| e.to_string())?;
    drop(w);
    let mut got = Vec::new();
    std::fs::File::from(r)
        .read_to_end(&mut got)
        .map_err(|e| e.to_string())?;
    Ok((outcome, got))
}

/// Forks a child that runs `f`; returns the child's pid and how it ended.
pub fn child_with_pid<F: FnOnce() -> i32>(f: F) -> Result<(i32, Outcome), String> {
    use std::io::Read;
    use std::os::fd::AsRawFd;
    // A pipe carries the child's pid out of `in_child`, which only reports
    // the outcome.
    let (r, w) = nix::unistd::pipe().map_err(|e| e.to_string())?;
    let outcome = in_child(|| {
        let pid = std::process::id().to_ne_bytes();
        // SAFETY: plain write of 4 bytes to a pipe we own.
        unsafe { libc::write(w.as_raw_fd(), pid.as_ptr().cast(), pid.len()) };
        f()
    })
    .map_err(|e| e.to_string())?;
    drop(w);
    let mut pid = [0u8; 4];
    std::fs::File::from(r)
        .read_exact(&mut pid)
        .map_err(|e| format!("child pid: {e}"))?;
    Ok((i32::from_ne_bytes(pid), outcome))
}

/// Whether the kernel log has the kill line of `pid` for syscall `nr`.
pub fn log_has_kill(pid: i32, mode: u8, abi: &str, nr: i64, name: &str) -> Result<bool, String> {
    let log = kernel_log().map_err(|e| format!("klogctl: {e}"))?;
    let head = format!("seccomp_mode: killed pid={pid} comm=");
    let tail = format!(" mode={mode} abi={abi} syscall={nr} ({name})");
    Ok(log.lines().any(|l| l.contains(&head) && l.ends_with(&tail)))
}

/// A TAP (version 13) reporter.
pub struct Tap<W: Write> {
    out: W,
    planned: usize,
    run: usize,
    failed: usize,
    /// When the previous case ended (or the run started).
    since: std::time::Instant,
}

/// A case that takes longer than this gets a `# NAME took N ms` comment, so
/// that slow cases are visible in the guest log.
const SLOW_CASE: std::time::Duration = std::time::Duration::from_millis(1000);

impl<W: Write> Tap<W> {
    /// Starts a run of `planned` cases and prints the plan line.
    pub fn new(mut out: W, planned: usize) -> Self {
        // Output errors cannot be reported anywhere better than by the
        // missing lines themselves, which the harness counts as failures.
        let _ = writeln!(out, "TAP version 13\n1..{planned}");
        Tap {
            out,
            planned,
            run: 0,
            failed: 0,
            since: std::time::Instant::now(),
        }
    }

    /// Records one case: `ok` or `not ok` with the reason as a diagnostic.
    pub fn case(&mut self, name: &str, result: Result<(), String>) {
        self.run += 1;
        let _ = match result {
            Ok(()) => writeln!(self.out, "ok {} - {name}", self.run),
            Err(why) => {
                self.failed += 1;
                writeln!(self.out, "not ok {} - {name}\n# {why}", self.run)
            }
        };
        let took = self.since.elapsed();
        if took >= SLOW_CASE {
            let _ = writeln!(self.out, "# {name} took {} ms", took.as_millis());
        }
        let _ = self.out.flush();
        self.since = std::time::Instant::now();
    }

    /// Ends the run; returns the process exit status (0 only if every planned
    /// case ran and passed).
    pub fn finish(mut self) -> i32 {
        if self.run != self.planned {
            let _ = writeln!(
                self.out,
                "# planned {} cases, ran {}",
                self.planned, self.run
            );
            return 1;
        }
        i32::from(self.failed > 0)
    }

    /// The output, for inspection in tests.
    pub fn into_inner(self) -> W {
        self.out
    }
}

/// Whether the kernel log has an object-check line of `pid`:
/// `seccomp_mode: <verdict> pid=<pid> comm=<comm> mode=<mode> <object>`, where
/// `verdict` is `refused` (enforced) or `logged` (complain mode) and `object`
/// is e.g. `open=chardev:1:11`, `ptrace=123` or `socket=16`.
pub fn log_has_object(verdict: &str, pid: i32, mode: u8, object: &str) -> Result<bool, String> {
    let log = kernel_log().map_err(|e| format!("klogctl: {e}"))?;
    let head = format!("seccomp_mode: {verdict} pid={pid} comm=");
    let tail = format!(" mode={mode} {object}");
    Ok(log.lines().any(|l| l.contains(&head) && l.ends_with(&tail)))
}

/// Whether the kernel log has the `refused` line of `pid` for `object`.
pub fn log_has_refused(pid: i32, mode: u8, object: &str) -> Result<bool, String> {
    log_has_object("refused", pid, mode, object)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_child_reports_exit_status() {
        assert_eq!(in_child(|| 7).unwrap(), Outcome::Exited(7));
        assert_eq!(in_child(|| 0).unwrap(), Outcome::Exited(0));
    }

    #[test]
    fn in_child_reports_kill_signal() {
        let outcome = in_child(|| {
            let _ = nix::sys::signal::raise(Signal::SIGKILL);
            0
        })
        .unwrap();
        assert_eq!(outcome, Outcome::Signaled(Signal::SIGKILL));
        assert!(outcome.expect_signal(Signal::SIGKILL).is_ok());
        assert!(outcome.expect_exit(0).is_err());
    }

    #[test]
    fn expect_exit_describes_mismatch() {
        let err = Outcome::Exited(3).expect_exit(0).unwrap_err();
        assert_eq!(err, "expected exit status 0, child exited with status 3");
    }

    #[test]
    fn tap_counts_and_formats() {
        let mut tap = Tap::new(Vec::new(), 2);
        tap.case("first", Ok(()));
        tap.case("second", Err("boom".into()));
        assert_eq!(tap.failed, 1);
        let out = String::from_utf8(tap.into_inner()).unwrap();
        assert_eq!(
            out,
            "TAP version 13\n1..2\nok 1 - first\nnot ok 2 - second\n# boom\n"
        );
    }

    #[test]
    fn tap_finish_fails_on_failure_or_missing_cases() {
        let mut tap = Tap::new(Vec::new(), 1);
        tap.case("a", Ok(()));
        assert_eq!(tap.finish(), 0);

        let mut tap = Tap::new(Vec::new(), 1);
        tap.case("a", Err("x".into()));
        assert_eq!(tap.finish(), 1);

        let tap = Tap::new(Vec::new(), 2);
        assert_eq!(tap.finish(), 1);
    }
}
