// SPDX-License-Identifier: GPL-2.0

//! The in-guest suite of the admin CLI (issue 12): confining a running,
//! unmodified process from outside (`SM_IOC_CONFINE` with a pidfd, `smctl
//! confine`), who may do it, which transitions it refuses, `--children`
//! under a fork storm, editing commands racing from two processes,
//! `smctl explain` against what the kernel does, and learn mode (a learned
//! table run against the same traffic kills nothing).
//!
//! Targets are forked children parked in a `read` of a command pipe: the
//! test confines them from outside, then sends one-byte commands that make
//! them call what is being tested ([`worker`]), and watches how they end.
//! Each security property has an unconfined control where one makes sense.
//! Runs as root with the module loaded (`tables=1`, `log_interval_ms=0`),
//! after sm-table-tests; uses `smctl` installed next to it; deletes the
//! tables it loaded and leaves no confined process behind.
//!
//! The tables and `smctl` arguments are written for x86_64; what goes to
//! `smctl`, and every text compared with what comes back, passes through
//! `arch::native_rules`, which names the native ABI's chains and calls
//! instead (on x86_64 it stays as it is).

use std::fs::{File, OpenOptions};
use std::io::{Read, Write};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::signal::Signal;
use smtest::arch::{self, native_rules, rule_call, NATIVE_ABI};
use smtest::{kernel_log, Outcome, Tap, PR_SECCOMP_MODE_GET};

// ---------------------------------------------------------------------------
// Tables.

/// A table the targets are confined in by name and number: mode 2's table,
/// `getppid` answered `EXDEV`.
const T45: &str = "\
*mode 45 admin
:x86_64 MODE2
-A x86_64 -s getppid -j ERRNO EXDEV
COMMIT
";

/// A table for a confined caller: lets `ioctl` through, so that only the
/// device can refuse it.
const T46: &str = "\
*mode 46 caller
:x86_64 MODE2
-A x86_64 -s ioctl,openat -j ALLOW
COMMIT
";

/// Another table, for table-to-table transitions.
const T47: &str = "*mode 47 other\n:x86_64 MODE2\nCOMMIT\n";

/// The table two editors append to at once.
const T48: &str = "*mode 48 race\n:x86_64 MODE2\nCOMMIT\n";

/// The table `explain` is compared on: every target, a test on a 32-bit
/// argument, a user chain.
const T49: &str = "\
*mode 49 explain
:x86_64 MODE2
:prio x86_64
-A x86_64 -s getppid -j ALLOW
-A x86_64 -s getpgid -j ERRNO EXDEV
-A x86_64 -s ioctl --a1:u32 in 0x541b -j ALLOW
-A x86_64 -s ioctl -j ERRNO EPERM
-A x86_64 -s getuid -j KILL
-A x86_64 -s getpgrp -j ENOSYS
-A x86_64 -s getpriority -j prio
-A x86_64 -s getpriority -j ERRNO EDOM
-A prio -s getpriority --a0:u32 eq 1 -j ERRNO ENOTTY
COMMIT
";

/// The learning table's number and name.
const LEARN: u32 = 50;
const LEARN_NAME: &str = "learned";

/// Every table this suite loads.
const TABLES: &[u32] = &[45, 46, 47, 48, 49, LEARN];

/// A table number that is never loaded.
const ABSENT: u32 = 77;

// ---------------------------------------------------------------------------
// Raw syscalls.

fn errno() -> i32 {
    Errno::last_raw()
}

fn ename(e: i32) -> String {
    format!("{} ({e})", Errno::from_raw(e))
}

/// A raw syscall with up to 6 arguments (registers: on 32-bit arm their
/// low 32 bits): its value, or `-errno`.
fn sc(nr: libc::c_long, args: &[u64]) -> i64 {
    let mut a = [0u64; 6];
    a[..args.len()].copy_from_slice(args);
    let a = a.map(|v| v as libc::c_long);
    // SAFETY: the callers pass integers, or pointers to live buffers of the
    // size the syscall expects.
    let r = unsafe { libc::syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]) };
    if r == -1 {
        -i64::from(errno())
    } else {
        arch::nr64(r)
    }
}

fn write_fd(fd: RawFd, buf: &[u8]) -> isize {
    // SAFETY: the kernel reads `buf.len()` bytes from `buf`.
    unsafe { libc::write(fd, buf.as_ptr().cast(), buf.len()) }
}

fn read_fd(fd: RawFd, buf: &mut [u8]) -> isize {
    // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`.
    unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) }
}

/// A pipe whose ends are closed on exec (so `smctl` children do not hold
/// them): (read, write).
fn pipe_cloexec() -> Result<(OwnedFd, OwnedFd), String> {
    let mut fds = [0; 2];
    // SAFETY: pipe2 fills two descriptors.
    if unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) } != 0 {
        return Err(format!("pipe2: {}", ename(errno())));
    }
    // SAFETY: both descriptors are new and owned here.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// `pidfd_open(pid, 0)`.
fn pidfd_open(pid: i32) -> Result<OwnedFd, i32> {
    let fd = sc(libc::SYS_pidfd_open, &[pid as u64, 0]);
    if fd < 0 {
        return Err(-fd as i32);
    }
    // SAFETY: a new descriptor owned here.
    Ok(unsafe { OwnedFd::from_raw_fd(fd as RawFd) })
}

/// Waits for child `pid`.
fn wait_for(pid: i32) -> Result<Outcome, String> {
    let mut status = 0;
    loop {
        // SAFETY: waitpid writes the status word.
        let r = unsafe { libc::waitpid(pid, &mut status, 0) };
        if r == pid {
            break;
        }
        if errno() != libc::EINTR {
            return Err(format!("waitpid {pid}: {}", ename(errno())));
        }
    }
    if libc::WIFSIGNALED(status) {
        let sig = Signal::try_from(libc::WTERMSIG(status)).map_err(|e| e.to_string())?;
        Ok(Outcome::Signaled(sig))
    } else {
        Ok(Outcome::Exited(libc::WEXITSTATUS(status)))
    }
}

// ---------------------------------------------------------------------------
// The device.

use seccomp_mode::device::{
    SmCommit, SmConfine, CONFINE_DESCENDANTS as DESCENDANTS, CONFINE_LOG as FLAG_LOG,
    SM_IOC_COMMIT, SM_IOC_CONFINE,
};

fn dev_open() -> Result<File, String> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/seccomp_mode")
        .map_err(|e| format!("open /dev/seccomp_mode: {e}"))
}

/// `SM_IOC_CONFINE` on `dev`: `kept`, or the errno.
fn confine_raw(dev: RawFd, pidfd: RawFd, mode: u32, flags: u32) -> Result<u32, i32> {
    let mut c = SmConfine {
        pidfd,
        mode,
        flags,
        kept: 0,
    };
    // SAFETY: SM_IOC_CONFINE reads and writes one `struct sm_confine`.
    let r = unsafe {
        libc::ioctl(
            dev,
            libc::c_ulong::from(SM_IOC_CONFINE),
            &mut c as *mut SmConfine,
        )
    };
    if r == 0 {
        Ok(c.kept)
    } else {
        Err(errno())
    }
}

/// `Ok` if `r` is the refusal `want`.
fn want_refused(what: &str, r: Result<u32, i32>, want: i32) -> Result<(), String> {
    match r {
        Err(e) if e == want => Ok(()),
        Err(e) => Err(format!("{what}: {}, want {}", ename(e), ename(want))),
        Ok(_) => Err(format!("{what} succeeded, want {}", ename(want))),
    }
}

/// Confines `pid` in `mode` with `flags` through a fresh open of the device.
fn confine(pid: i32, mode: u32, flags: u32) -> Result<u32, i32> {
    let dev = dev_open().map_err(|_| errno())?;
    let pidfd = pidfd_open(pid)?;
    confine_raw(dev.as_raw_fd(), pidfd.as_raw_fd(), mode, flags)
}

/// The confined processes of `/proc/seccomp_mode`: (pid, mode, complain).
fn confined() -> Result<Vec<(i32, u32, bool)>, String> {
    let text = std::fs::read_to_string("/proc/seccomp_mode")
        .map_err(|e| format!("/proc/seccomp_mode: {e}"))?;
    let mut lines = text.lines();
    if !lines.any(|l| l.starts_with("# pid ")) {
        return Err("/proc/seccomp_mode has no '# pid' header".into());
    }
    Ok(lines
        .take_while(|l| !l.starts_with('#'))
        .filter_map(|l| {
            let mut w = l.split(' ');
            Some((
                w.next()?.parse().ok()?,
                w.next()?.parse().ok()?,
                w.next()? == "log",
            ))
        })
        .collect())
}

/// The mode of `pid` per `/proc/seccomp_mode`: (mode, complain).
fn mode_of(pid: i32) -> Result<Option<(u32, bool)>, String> {
    Ok(confined()?
        .into_iter()
        .find(|c| c.0 == pid)
        .map(|c| (c.1, c.2)))
}

/// `Ok` if `pid` is in `want` (`None`: not confined).
fn want_mode(what: &str, pid: i32, want: Option<(u32, bool)>) -> Result<(), String> {
    match mode_of(pid)? {
        got if got == want => Ok(()),
        got => Err(format!("{what}: pid {pid} has mode {got:?}, want {want:?}")),
    }
}

/// The number of module log lines `seccomp_mode: <verdict> pid=<pid>
/// comm=...` containing `part`.
fn log_count(verdict: &str, pid: i32, part: &str) -> Result<usize, String> {
    let log = kernel_log().map_err(|e| format!("klogctl: {e}"))?;
    let head = format!("seccomp_mode: {verdict} pid={pid} comm=");
    Ok(log
        .lines()
        .filter(|l| l.contains(&head) && l.contains(part))
        .count())
}

// ---------------------------------------------------------------------------
// smctl.

/// `smctl`, next to this program.
fn smctl_path() -> PathBuf {
    std::env::current_exe()
        .ok()
        .and_then(|p| p.parent().map(|d| d.join("smctl")))
        .unwrap_or_else(|| PathBuf::from("/opt/guest-tests/smctl"))
}

/// How an `smctl` run ended.
struct Ran {
    code: i32,
    out: String,
    err: String,
}

impl Ran {
    /// `Ok` with stdout if it exited 0.
    fn ok(self, what: &str) -> Result<String, String> {
        if self.code == 0 {
            Ok(self.out)
        } else {
            Err(format!(
                "{what}: smctl exit {}: {}",
                self.code,
                self.err.trim_end()
            ))
        }
    }

    /// `Ok` if it exited 1 and stderr names the errno `name`.
    fn refused(&self, what: &str, name: &str) -> Result<(), String> {
        if self.code == 1 && self.err.contains(name) {
            Ok(())
        } else {
            Err(format!(
                "{what}: smctl exit {}, stderr {:?}, want exit 1 naming {name}",
                self.code, self.err
            ))
        }
    }
}

/// Runs `smctl ARGS` with `input` on its standard input, as `uid` if given
/// (both in native terms).
fn smctl_as(args: &[&str], input: Option<&[u8]>, uid: Option<u32>) -> Result<Ran, String> {
    let path = smctl_path();
    let input = input.map(arch::native_rules_bytes);
    let input = input.as_deref();
    let mut cmd = Command::new(&path);
    cmd.args(args.iter().map(|a| native_rules(a)))
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(u) = uid {
        cmd.uid(u).gid(u);
    }
    let mut child = cmd
        .spawn()
        .map_err(|e| format!("{}: {e}", path.display()))?;
    if let (Some(text), Some(mut stdin)) = (input, child.stdin.take()) {
        stdin
            .write_all(text)
            .map_err(|e| format!("smctl stdin: {e}"))?;
    }
    let o = child
        .wait_with_output()
        .map_err(|e| format!("smctl: {e}"))?;
    Ok(Ran {
        code: o.status.code().unwrap_or(-1),
        out: String::from_utf8_lossy(&o.stdout).into_owned(),
        err: String::from_utf8_lossy(&o.stderr).into_owned(),
    })
}

fn smctl(args: &[&str], input: Option<&[u8]>) -> Result<Ran, String> {
    smctl_as(args, input, None)
}

/// Loads `text` (`--loosen`: it may replace a table in use).
fn load(text: &str) -> Result<(), String> {
    smctl(&["restore", "--loosen", "-"], Some(text.as_bytes()))?
        .ok("restore")
        .map(drop)
}

/// `smctl confine --pid PID ARGS...`.
fn smctl_confine(pid: i32, args: &[&str]) -> Result<Ran, String> {
    let pid = pid.to_string();
    let mut all = vec!["confine", "--pid", &pid];
    all.extend_from_slice(args);
    smctl(&all, None)
}

/// The modes of the loaded tables.
fn loaded() -> Result<Vec<u32>, String> {
    let text = smctl(&["save"], None)?.ok("save")?;
    Ok(text
        .lines()
        .filter_map(|l| l.strip_prefix("*mode "))
        .filter_map(|l| l.split(' ').next()?.parse().ok())
        .collect())
}

/// Deletes those of `modes` that are loaded.
fn delete_tables(modes: &[u32]) -> Result<(), String> {
    let have = loaded()?;
    let text: String = modes
        .iter()
        .filter(|m| have.contains(m))
        .map(|m| format!("*mode {m} delete\nCOMMIT\n"))
        .collect();
    if text.is_empty() {
        return Ok(());
    }
    smctl(&["restore", "-"], Some(text.as_bytes()))?
        .ok("delete tables")
        .map(drop)
}

// ---------------------------------------------------------------------------
// Targets.

/// Target commands (one byte each; the reply is one `i64`).
mod cmd {
    /// `PR_SECCOMP_MODE_GET`: the mode.
    pub const GET: u8 = b'g';
    /// `personality(0xffffffff)`: refused by mode 2 (a kill).
    pub const PERSONALITY: u8 = b'p';
    /// `getppid()`: the value or `-errno`.
    pub const GETPPID: u8 = b'e';
    /// Fork a child that replies its mode, then reply its wait status.
    pub const FORK: u8 = b'f';
    /// The learn-mode traffic.
    pub const TRAFFIC: u8 = b't';
    /// The traffic and one call it never made while learning.
    pub const TRAFFIC_PLUS: u8 = b'x';
    /// Exit 0.
    pub const QUIT: u8 = b'q';
}

/// A child's mode by `PR_SECCOMP_MODE_GET` (`-errno` on failure).
fn get_mode_raw() -> i64 {
    sc(libc::SYS_prctl, &[PR_SECCOMP_MODE_GET as u64, 0, 0, 0, 0])
}

/// What a process does while it serves (the same calls every run, none
/// allocating): a socket and its options, a file, ids. With `extra`, also
/// `getpgrp`, which the learning run never made.
fn traffic(extra: bool) -> i64 {
    let null = c"/dev/null";
    let one: libc::c_int = 1;
    let s = sc(
        libc::SYS_socket,
        &[
            libc::AF_INET as u64,
            (libc::SOCK_STREAM | libc::SOCK_CLOEXEC) as u64,
            0,
        ],
    );
    if s < 0 {
        return s;
    }
    let r = sc(
        libc::SYS_setsockopt,
        &[
            s as u64,
            libc::SOL_SOCKET as u64,
            libc::SO_REUSEADDR as u64,
            &one as *const libc::c_int as u64,
            4,
        ],
    );
    let fl = sc(libc::SYS_fcntl, &[s as u64, libc::F_GETFL as u64]);
    sc(libc::SYS_close, &[s as u64]);
    if r < 0 || fl < 0 {
        return r.min(fl);
    }
    let f = sc(
        libc::SYS_openat,
        &[
            libc::AT_FDCWD as i64 as u64,
            null.as_ptr() as u64,
            (libc::O_RDONLY | libc::O_CLOEXEC) as u64,
            0,
        ],
    );
    if f < 0 {
        return f;
    }
    let mut b = [0u8; 16];
    let n = sc(libc::SYS_read, &[f as u64, b.as_mut_ptr() as u64, 16]);
    sc(libc::SYS_close, &[f as u64]);
    if n != 0 {
        return -1000;
    }
    sc(libc::SYS_getuid, &[]);
    sc(libc::SYS_getppid, &[]);
    if extra {
        sc(rule_call("getpgrp").nr, &[]);
    }
    0
}

/// A target's command loop on pipe `ctl`, replies on `rep`: raw syscalls
/// only, nothing allocated, so every run makes the same calls.
fn worker(ctl: RawFd, rep: RawFd) -> ! {
    let mut b = [0u8; 1];
    loop {
        if read_fd(ctl, &mut b) != 1 {
            // SAFETY: ends the process.
            unsafe { libc::_exit(0) }
        }
        let v = match b[0] {
            cmd::GET => get_mode_raw(),
            cmd::PERSONALITY => sc(libc::SYS_personality, &[0xffff_ffff]),
            cmd::GETPPID => sc(libc::SYS_getppid, &[]),
            cmd::FORK => {
                // SAFETY: the child replies and `_exit`s.
                match unsafe { libc::fork() } {
                    0 => {
                        write_fd(rep, &get_mode_raw().to_ne_bytes());
                        // SAFETY: ends the child.
                        unsafe { libc::_exit(0) }
                    }
                    -1 => -i64::from(errno()),
                    pid => {
                        let mut st = 0;
                        // SAFETY: waitpid writes the status word.
                        unsafe { libc::waitpid(pid, &mut st, 0) };
                        i64::from(st)
                    }
                }
            }
            cmd::TRAFFIC => traffic(false),
            cmd::TRAFFIC_PLUS => traffic(true),
            // SAFETY: ends the process.
            cmd::QUIT => unsafe { libc::_exit(0) },
            _ => -1,
        };
        write_fd(rep, &v.to_ne_bytes());
    }
}

/// A forked target process parked in its command loop.
struct Target {
    pid: i32,
    ctl: Option<OwnedFd>,
    rep: File,
    reaped: bool,
}

impl Target {
    /// Forks a target; with `thread`, its command loop runs in a second
    /// thread started before it reports ready (the main thread sleeps).
    fn start(thread: bool) -> Result<Self, String> {
        let (ctl_r, ctl_w) = pipe_cloexec()?;
        let (rep_r, rep_w) = pipe_cloexec()?;
        // SAFETY: the child only makes raw syscalls (and starts one thread
        // in a process that has only the forking thread).
        match unsafe { libc::fork() } {
            -1 => Err(format!("fork: {}", ename(errno()))),
            0 => {
                drop(ctl_w);
                drop(rep_r);
                let (c, r) = (ctl_r.as_raw_fd(), rep_w.as_raw_fd());
                std::mem::forget(ctl_r);
                std::mem::forget(rep_w);
                // SAFETY: getpid has no arguments.
                let me = i64::from(unsafe { libc::getpid() });
                if thread {
                    let t = std::thread::spawn(move || {
                        write_fd(r, &me.to_ne_bytes());
                        worker(c, r)
                    });
                    let _ = t.join();
                    // SAFETY: ends the process.
                    unsafe { libc::_exit(1) }
                }
                write_fd(r, &me.to_ne_bytes());
                worker(c, r)
            }
            pid => {
                drop(ctl_r);
                drop(rep_w);
                let mut t = Target {
                    pid,
                    ctl: Some(ctl_w),
                    rep: File::from(rep_r),
                    reaped: false,
                };
                let ready = t.reply()?;
                if ready != i64::from(pid) {
                    return Err(format!("target {pid} reported {ready}"));
                }
                Ok(t)
            }
        }
    }

    /// Sends command `c`.
    fn send(&mut self, c: u8) -> Result<(), String> {
        let fd = self.ctl.as_ref().ok_or("target closed")?.as_raw_fd();
        if write_fd(fd, &[c]) == 1 {
            Ok(())
        } else {
            Err(format!(
                "command to target {}: {}",
                self.pid,
                ename(errno())
            ))
        }
    }

    /// The next reply (an error when the target ended first).
    fn reply(&mut self) -> Result<i64, String> {
        let mut b = [0u8; 8];
        self.rep
            .read_exact(&mut b)
            .map_err(|e| format!("reply of target {}: {e}", self.pid))?;
        Ok(i64::from_ne_bytes(b))
    }

    /// Sends `c` and returns the reply.
    fn ask(&mut self, c: u8) -> Result<i64, String> {
        self.send(c)?;
        self.reply()
    }

    /// How the target ended.
    fn wait(&mut self) -> Result<Outcome, String> {
        let o = wait_for(self.pid)?;
        self.reaped = true;
        Ok(o)
    }

    /// Sends `c` and waits for the target's end.
    fn end_with(&mut self, c: u8) -> Result<Outcome, String> {
        self.send(c)?;
        self.wait()
    }
}

impl Drop for Target {
    fn drop(&mut self) {
        if !self.reaped {
            // SAFETY: kill of our own child.
            unsafe { libc::kill(self.pid, libc::SIGKILL) };
            let _ = wait_for(self.pid);
        }
    }
}

/// `Ok` if `o` is a SIGKILL and the log has `pid`'s kill line for
/// `syscall=NR (name)`.
fn killed_for(o: Outcome, pid: i32, what: &str) -> Result<(), String> {
    o.expect_signal(Signal::SIGKILL)?;
    if log_count("killed", pid, what)? == 0 {
        return Err(format!(
            "no line 'seccomp_mode: killed pid={pid} ...{what}'"
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Confining by pidfd.

fn confine_by_pidfd_covers_threads_that_existed_before() -> Result<(), String> {
    // Control: unconfined, the thread's personality call runs.
    let mut t = Target::start(true)?;
    let v = t.ask(cmd::PERSONALITY)?;
    if v < 0 {
        return Err(format!("control: personality: {}", ename(-v as i32)));
    }
    t.end_with(cmd::QUIT)?.expect_exit(0)?;

    let mut t = Target::start(true)?;
    smctl_confine(t.pid, &["--mode", "2"])?.ok("confine --mode 2")?;
    want_mode("after confine", t.pid, Some((2, false)))?;
    let got = t.ask(cmd::GET)?;
    if got != 2 {
        return Err(format!("the target's thread sees mode {got}, want 2"));
    }
    // The thread existed before: its refused call kills the whole process.
    t.send(cmd::PERSONALITY)?;
    let pid = t.pid;
    killed_for(
        t.wait()?,
        pid,
        &format!(
            "mode=2 abi={NATIVE_ABI} syscall={} (personality)",
            libc::SYS_personality
        ),
    )
}

fn children_forked_after_inherit() -> Result<(), String> {
    let mut t = Target::start(false)?;
    // Control: before, a child is unconfined.
    let m = t.ask(cmd::FORK)?;
    let st = t.reply()?;
    if m != 0 || st != 0 {
        return Err(format!("control: child mode {m}, status {st:#x}"));
    }
    smctl_confine(t.pid, &["--mode", "2"])?.ok("confine")?;
    let m = t.ask(cmd::FORK)?;
    let st = t.reply()?;
    if m != 2 || st != 0 {
        return Err(format!(
            "a child forked after confine: mode {m}, status {st:#x}; want mode 2, status 0"
        ));
    }
    t.end_with(cmd::QUIT)?.expect_exit(0)
}

fn confine_in_table_by_name_and_number() -> Result<(), String> {
    load(T45)?;
    let mut a = Target::start(false)?;
    let mut b = Target::start(false)?;
    // Control: unconfined getppid answers.
    if a.ask(cmd::GETPPID)? <= 0 {
        return Err("control: getppid failed".into());
    }
    smctl_confine(a.pid, &["--table", "admin"])?.ok("confine --table admin")?;
    smctl_confine(b.pid, &["--mode", "45"])?.ok("confine --mode 45")?;
    for (who, t) in [("--table admin", &mut a), ("--mode 45", &mut b)] {
        want_mode(who, t.pid, Some((45, false)))?;
        let m = t.ask(cmd::GET)?;
        let e = t.ask(cmd::GETPPID)?;
        if m != 45 || e != -i64::from(libc::EXDEV) {
            return Err(format!("{who}: mode {m}, getppid {e}; want 45 and -EXDEV"));
        }
    }
    // An unknown name is refused before the kernel is asked.
    let mut c = Target::start(false)?;
    let r = smctl_confine(c.pid, &["--table", "nosuch"])?;
    if r.code != 1 {
        return Err(format!("--table nosuch: exit {}: {}", r.code, r.err));
    }
    want_mode("--table nosuch", c.pid, None)?;
    // ENOENT for a number that is no table.
    smctl_confine(c.pid, &["--mode", &ABSENT.to_string()])?.refused("--mode 77", "ENOENT")?;
    want_mode("--mode 77", c.pid, None)?;
    c.end_with(cmd::QUIT)?.expect_exit(0)?;
    a.end_with(cmd::QUIT)?.expect_exit(0)?;
    b.end_with(cmd::QUIT)?.expect_exit(0)
}

fn pidfile_and_ps() -> Result<(), String> {
    let mut t = Target::start(false)?;
    let file = "/tmp/sm-admin.pid";
    std::fs::write(file, format!("{}\n", t.pid)).map_err(|e| e.to_string())?;
    let r = smctl(
        &["confine", "--pidfile", file, "--mode", "2", "--complain"],
        None,
    )?;
    let _ = std::fs::remove_file(file);
    r.ok("confine --pidfile")?;
    want_mode("--pidfile", t.pid, Some((2, true)))?;
    let ps = smctl(&["ps"], None)?.ok("ps")?;
    let line = ps
        .lines()
        .find(|l| l.split_whitespace().next() == Some(&t.pid.to_string()))
        .ok_or_else(|| format!("smctl ps does not list {}:\n{ps}", t.pid))?;
    let w: Vec<&str> = line.split_whitespace().collect();
    if w.get(1) != Some(&"2") || w.get(2) != Some(&"complain") {
        return Err(format!("smctl ps line {line:?}"));
    }
    // A missing or unreadable pidfile is a refusal (1), not a usage error.
    let r = smctl(
        &["confine", "--pidfile", "/tmp/sm-admin.none", "--mode", "2"],
        None,
    )?;
    if r.code != 1 {
        return Err(format!("missing pidfile: exit {}", r.code));
    }
    std::fs::write(file, "garbage\n").map_err(|e| e.to_string())?;
    let r = smctl(&["confine", "--pidfile", file, "--mode", "2"], None)?;
    let _ = std::fs::remove_file(file);
    if r.code != 1 {
        return Err(format!("garbage pidfile: exit {}", r.code));
    }
    // Usage errors are 2.
    let r = smctl(&["confine", "--mode", "2"], None)?;
    if r.code != 2 {
        return Err(format!("no target: exit {}", r.code));
    }
    t.end_with(cmd::QUIT)?.expect_exit(0)
}

fn same_mode_again_is_a_noop() -> Result<(), String> {
    let mut t = Target::start(false)?;
    smctl_confine(t.pid, &["--mode", "2", "--complain"])?.ok("first")?;
    smctl_confine(t.pid, &["--mode", "2", "--complain"])?.ok("the same again")?;
    want_mode("complain twice", t.pid, Some((2, true)))?;
    smctl_confine(t.pid, &["--mode", "2"])?.ok("complain -> enforce")?;
    smctl_confine(t.pid, &["--mode", "2"])?.ok("enforce again")?;
    want_mode("enforce twice", t.pid, Some((2, false)))?;
    t.end_with(cmd::QUIT)?.expect_exit(0)
}

// ---------------------------------------------------------------------------
// Who may confine.

/// Drops to uid/gid 65534 keeping open descriptors (in a forked child).
fn become_nobody() -> Result<(), String> {
    // SAFETY: plain credential syscalls in a child that owns its creds.
    let ok = unsafe {
        libc::setgroups(0, std::ptr::null()) == 0
            && libc::setresgid(65534, 65534, 65534) == 0
            && libc::setresuid(65534, 65534, 65534) == 0
    };
    if ok {
        Ok(())
    } else {
        Err(format!("drop to uid 65534: {}", ename(errno())))
    }
}

/// Runs `body` in a forked child; `Ok` if it returned `Ok`.
fn in_child(body: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    let (r, w) = pipe_cloexec()?;
    let wfd = w.as_raw_fd();
    let o = smtest::in_child(|| match body() {
        Ok(()) => 0,
        Err(e) => {
            write_fd(wfd, e.as_bytes());
            1
        }
    })
    .map_err(|e| e.to_string())?;
    drop(w);
    let mut said = String::new();
    let _ = File::from(r).read_to_string(&mut said);
    o.expect_exit(0).map_err(|e| format!("{e}: {said}"))
}

fn unprivileged_caller_is_refused() -> Result<(), String> {
    let mut t = Target::start(false)?;
    // smctl as nobody: the device's 0600 refuses the open.
    let r = smctl_as(
        &["confine", "--pid", &t.pid.to_string(), "--mode", "2"],
        None,
        Some(65534),
    )?;
    r.refused("smctl confine as uid 65534", "EACCES")?;
    want_mode("after smctl as nobody", t.pid, None)?;
    // A descriptor root opened, used after dropping to nobody: EPERM.
    let dev = dev_open()?;
    let pidfd = pidfd_open(t.pid).map_err(ename)?;
    let (d, p) = (dev.as_raw_fd(), pidfd.as_raw_fd());
    in_child(|| {
        become_nobody()?;
        want_refused(
            "confine as uid 65534 on root's fd",
            confine_raw(d, p, 2, 0),
            libc::EPERM,
        )
    })?;
    want_mode("after the unprivileged ioctl", t.pid, None)?;
    // Control: the same descriptors in the root parent work.
    confine_raw(d, p, 2, 0).map_err(|e| format!("control: {}", ename(e)))?;
    want_mode("control", t.pid, Some((2, false)))?;
    t.end_with(cmd::QUIT)?.expect_exit(0)
}

/// A caller child that opened the device and a pidfd of `target`, then
/// entered `mode` with `flags` through its own prctl, and tries.
fn confined_caller(target: i32, mode: u64, flags: u64) -> Result<(), String> {
    let dev = dev_open()?;
    let pidfd = pidfd_open(target).map_err(ename)?;
    let (d, p) = (dev.as_raw_fd(), pidfd.as_raw_fd());
    in_child(|| {
        smtest::set_mode(mode, flags).map_err(|e| format!("prctl(SET, {mode}, {flags}): {e}"))?;
        want_refused(
            &format!("confine from a caller in mode {mode} flags {flags}"),
            confine_raw(d, p, 2, 0),
            libc::EPERM,
        )
    })
}

fn confined_caller_is_refused() -> Result<(), String> {
    load(T46)?;
    let mut t = Target::start(false)?;
    confined_caller(t.pid, 46, 0)?;
    // A caller in complain mode counts as confined.
    confined_caller(t.pid, 2, 1)?;
    confined_caller(t.pid, 46, 1)?;
    want_mode("after the confined callers", t.pid, None)?;
    // Control: an unconfined caller child with the same steps confines it.
    let dev = dev_open()?;
    let pidfd = pidfd_open(t.pid).map_err(ename)?;
    let (d, p) = (dev.as_raw_fd(), pidfd.as_raw_fd());
    in_child(|| {
        confine_raw(d, p, 2, 0)
            .map(drop)
            .map_err(|e| format!("control: {}", ename(e)))
    })?;
    want_mode("control", t.pid, Some((2, false)))?;
    t.end_with(cmd::QUIT)?.expect_exit(0)
}

fn caller_in_user_namespace_is_refused() -> Result<(), String> {
    let mut t = Target::start(false)?;
    let dev = dev_open()?;
    let pidfd = pidfd_open(t.pid).map_err(ename)?;
    let (d, p) = (dev.as_raw_fd(), pidfd.as_raw_fd());
    in_child(|| {
        let r = sc(libc::SYS_unshare, &[libc::CLONE_NEWUSER as u64]);
        if r != 0 {
            return Err(format!("unshare(CLONE_NEWUSER): {}", ename(-r as i32)));
        }
        // Root in the namespace maps to root outside.
        std::fs::write("/proc/self/uid_map", "0 0 1").map_err(|e| format!("uid_map: {e}"))?;
        want_refused(
            "confine from a user namespace",
            confine_raw(d, p, 2, 0),
            libc::EPERM,
        )
    })?;
    want_mode("after the namespaced caller", t.pid, None)?;
    // Control: the same descriptors outside the namespace work.
    confine_raw(d, p, 2, 0).map_err(|e| format!("control: {}", ename(e)))?;
    t.end_with(cmd::QUIT)?.expect_exit(0)
}

fn exited_target_is_esrch() -> Result<(), String> {
    // A zombie: exited, not reaped.
    // SAFETY: the child exits at once.
    let z = match unsafe { libc::fork() } {
        0 => unsafe { libc::_exit(0) },
        -1 => return Err(format!("fork: {}", ename(errno()))),
        pid => pid,
    };
    let mut info: libc::siginfo_t = unsafe { std::mem::zeroed() };
    // SAFETY: waitid with WNOWAIT leaves the zombie in place.
    unsafe {
        libc::waitid(
            libc::P_PID,
            z as libc::id_t,
            &mut info,
            libc::WEXITED | libc::WNOWAIT,
        )
    };
    let zombie = match pidfd_open(z) {
        Ok(fd) => {
            let dev = dev_open()?;
            confine_raw(dev.as_raw_fd(), fd.as_raw_fd(), 2, 0).map(drop)
        }
        Err(e) => Err(e),
    };
    let r = smctl_confine(z, &["--mode", "2"]);
    wait_for(z)?;
    want_refused("confine a zombie", zombie.map(|()| 0), libc::ESRCH)?;
    r?.refused("smctl confine a zombie", "ESRCH")?;
    // Reaped: the pidfd was opened while it lived.
    let mut t = Target::start(false)?;
    let pidfd = pidfd_open(t.pid).map_err(ename)?;
    t.end_with(cmd::QUIT)?.expect_exit(0)?;
    let dev = dev_open()?;
    want_refused(
        "confine a reaped process",
        confine_raw(dev.as_raw_fd(), pidfd.as_raw_fd(), 2, 0),
        libc::ESRCH,
    )?;
    smctl_confine(t.pid, &["--mode", "2"])?.refused("smctl confine a reaped pid", "ESRCH")
}

/// A kernel thread's pid (`PF_KTHREAD` in `/proc/PID/stat`'s flags).
fn a_kernel_thread() -> Result<i32, String> {
    const PF_KTHREAD: u64 = 0x0020_0000;
    for pid in 2..4096 {
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else {
            continue;
        };
        let Some(i) = stat.rfind(')') else { continue };
        // After the comm: state ppid pgrp session tty_nr tpgid flags.
        let flags = stat[i + 1..]
            .split_whitespace()
            .nth(6)
            .and_then(|f| f.parse::<u64>().ok());
        if flags.is_some_and(|f| f & PF_KTHREAD != 0) {
            return Ok(pid);
        }
    }
    Err("no kernel thread found".into())
}

fn kernel_thread_and_own_process_are_einval() -> Result<(), String> {
    let k = a_kernel_thread()?;
    let dev = dev_open()?;
    let fd = pidfd_open(k).map_err(|e| format!("pidfd_open({k}): {}", ename(e)))?;
    want_refused(
        &format!("confine kernel thread {k}"),
        confine_raw(dev.as_raw_fd(), fd.as_raw_fd(), 2, 0),
        libc::EINVAL,
    )?;
    want_mode("kernel thread", k, None)?;
    smctl_confine(k, &["--mode", "2"])?.refused("smctl confine a kernel thread", "EINVAL")?;
    // Global init: the kernel drops SIGKILL sent to it, so no mode could
    // kill it (its "killed" lines would be false).
    let init = pidfd_open(1).map_err(|e| format!("pidfd_open(1): {}", ename(e)))?;
    want_refused(
        "confine global init",
        confine_raw(dev.as_raw_fd(), init.as_raw_fd(), 1, 0),
        libc::EINVAL,
    )?;
    want_mode("init", 1, None)?;
    // The caller's own process (in a child, in case it were confined).
    in_child(|| {
        let dev = dev_open()?;
        // SAFETY: getpid has no arguments.
        let me = unsafe { libc::getpid() };
        let fd = pidfd_open(me).map_err(ename)?;
        want_refused(
            "confine the caller's own process",
            confine_raw(dev.as_raw_fd(), fd.as_raw_fd(), 2, 0),
            libc::EINVAL,
        )?;
        match get_mode_raw() {
            0 => Ok(()),
            m => Err(format!("the refused caller has mode {m}")),
        }
    })
}

/// An ioctl whose struct cannot be written back fails with EFAULT before
/// anything changes; a refused commit forgets the staged text.
fn unwritable_structs_and_refused_commits_change_nothing() -> Result<(), String> {
    let t = Target::start(false)?;
    let dev = dev_open()?;
    // Made read-only and unmapped below.
    let page =
        smtest::anon_page(libc::MAP_PRIVATE).ok_or_else(|| format!("mmap: {}", ename(errno())))?;
    let res = (|| {
        let fd = pidfd_open(t.pid).map_err(ename)?;
        let req = SmConfine {
            pidfd: fd.as_raw_fd(),
            mode: 2,
            flags: 0,
            kept: 0,
        };
        // SAFETY: the page holds 4096 bytes; the struct is 16.
        unsafe { std::ptr::write(page.cast::<SmConfine>(), req) };
        // SAFETY: mprotect of our own page.
        unsafe { libc::mprotect(page, 4096, libc::PROT_READ) };
        // SAFETY: the ioctl reads 16 readable bytes and must not act on an
        // unwritable struct.
        let r = unsafe { libc::ioctl(dev.as_raw_fd(), libc::c_ulong::from(SM_IOC_CONFINE), page) };
        if r == 0 || errno() != libc::EFAULT {
            return Err(format!(
                "confine with a read-only struct: {r}, {}",
                ename(errno())
            ));
        }
        want_mode("target of the EFAULT confine", t.pid, None)?;
        // A commit with a read-only struct: nothing loaded, and the text is
        // forgotten, so a later empty commit loads nothing either.
        let mut f = dev_open()?;
        f.write_all(native_rules("*mode 61 efault\n:x86_64 MODE2\nCOMMIT\n").as_bytes())
            .map_err(|e| format!("write: {e}"))?;
        let c = SmCommit::new(0, 0);
        // SAFETY: as above; 216 bytes fit the page.
        unsafe {
            libc::mprotect(page, 4096, libc::PROT_READ | libc::PROT_WRITE);
            std::ptr::write(page.cast::<SmCommit>(), c);
            libc::mprotect(page, 4096, libc::PROT_READ);
        }
        // SAFETY: the ioctl reads 216 readable bytes.
        let r = unsafe { libc::ioctl(f.as_raw_fd(), libc::c_ulong::from(SM_IOC_COMMIT), page) };
        if r == 0 || errno() != libc::EFAULT {
            return Err(format!(
                "commit with a read-only struct: {r}, {}",
                ename(errno())
            ));
        }
        let mut c = SmCommit::new(0, 0);
        // SAFETY: a writable struct of the right size.
        let r = unsafe {
            libc::ioctl(
                f.as_raw_fd(),
                libc::c_ulong::from(SM_IOC_COMMIT),
                &mut c as *mut SmCommit,
            )
        };
        let text = std::fs::read_to_string("/dev/seccomp_mode").map_err(|e| e.to_string())?;
        if text.contains("*mode 61") {
            return Err(format!(
                "a refused commit's text was loaded later (r={r}):\n{text}"
            ));
        }
        Ok(())
    })();
    // SAFETY: our own mapping.
    unsafe { libc::munmap(page, 4096) };
    res
}

fn bad_arguments_are_refused() -> Result<(), String> {
    let mut t = Target::start(false)?;
    let dev = dev_open()?;
    let pidfd = pidfd_open(t.pid).map_err(ename)?;
    let (d, p) = (dev.as_raw_fd(), pidfd.as_raw_fd());
    let null = File::open("/dev/null").map_err(|e| e.to_string())?;
    want_refused(
        "a /dev/null fd as pidfd",
        confine_raw(d, null.as_raw_fd(), 2, 0),
        libc::EBADF,
    )?;
    // Mode 0 is "not confined": from none a no-op, as for the prctl, and
    // never in complain mode.
    confine_raw(d, p, 0, 0).map_err(|e| format!("mode 0 from none: {}", ename(e)))?;
    want_refused(
        "mode 0, complain",
        confine_raw(d, p, 0, FLAG_LOG),
        libc::EINVAL,
    )?;
    want_refused("mode 2^31", confine_raw(d, p, 1 << 31, 0), libc::EINVAL)?;
    want_refused("flags 0x2", confine_raw(d, p, 2, 2), libc::EINVAL)?;
    want_refused("absent table", confine_raw(d, p, ABSENT, 0), libc::ENOENT)?;
    want_mode("after the bad arguments", t.pid, None)?;
    t.end_with(cmd::QUIT)?.expect_exit(0)
}

// ---------------------------------------------------------------------------
// Transitions.

fn loosening_is_refused() -> Result<(), String> {
    load(T45)?;
    load(T47)?;
    let t = Target::start(false)?;
    let p = t.pid;
    confine(p, 2, 0).map_err(|e| format!("mode 2: {}", ename(e)))?;
    want_refused(
        "2 enforce -> 2 complain",
        confine(p, 2, FLAG_LOG),
        libc::EPERM,
    )?;
    want_refused("2 -> table 45", confine(p, 45, 0), libc::EPERM)?;
    want_refused("2 -> none", confine(p, 0, 0), libc::EPERM)?;
    want_mode("mode 2 after the refusals", p, Some((2, false)))?;
    smctl_confine(p, &["--mode", "2", "--complain"])?
        .refused("smctl enforce -> complain", "EPERM")?;
    confine(p, 1, 0).map_err(|e| format!("2 -> 1: {}", ename(e)))?;
    want_refused("1 -> 2", confine(p, 2, 0), libc::EPERM)?;
    want_mode("mode 1 after 1 -> 2", p, Some((1, false)))?;
    drop(t);

    let t = Target::start(false)?;
    let p = t.pid;
    confine(p, 45, FLAG_LOG).map_err(|e| format!("table 45 complain: {}", ename(e)))?;
    want_refused(
        "table 45 -> table 47",
        confine(p, 47, FLAG_LOG),
        libc::EPERM,
    )?;
    want_refused("table 45 -> 2", confine(p, 2, FLAG_LOG), libc::EPERM)?;
    want_refused("table 45 -> 1", confine(p, 1, 0), libc::EPERM)?;
    confine(p, 45, 0).map_err(|e| format!("table complain -> enforce: {}", ename(e)))?;
    want_refused(
        "table enforce -> complain",
        confine(p, 45, FLAG_LOG),
        libc::EPERM,
    )?;
    want_mode("table 45 at the end", p, Some((45, false)))?;
    drop(t);
    // Control: the refused targets in a fresh process are accepted.
    let t = Target::start(false)?;
    confine(t.pid, 47, 0).map_err(|e| format!("control: table 47: {}", ename(e)))?;
    drop(t);
    Ok(())
}

// ---------------------------------------------------------------------------
// --children under a fork storm.

/// `PF_EXITING`: the task has begun to exit.
const PF_EXITING: u64 = 0x4;

/// `/proc/PID/stat` of a live process (not a zombie): (parent, flags).
fn stat_of(pid: i32) -> Option<(i32, u64)> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    let rest = &stat[stat.rfind(')')? + 1..];
    // state ppid pgrp session tty_nr tpgid flags
    let w: Vec<&str> = rest.split_whitespace().take(7).collect();
    if w.len() < 7 || w[0] == "Z" || w[0] == "X" {
        return None;
    }
    Some((w[1].parse().ok()?, w[6].parse().ok()?))
}

/// The parent of `pid` if it is alive and no zombie.
fn parent_of(pid: i32) -> Option<i32> {
    stat_of(pid).map(|s| s.0)
}

/// The live descendants of `root`.
fn descendants(root: i32) -> Vec<i32> {
    let procs: Vec<(i32, i32)> = std::fs::read_dir("/proc")
        .map(|d| {
            d.filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
                .filter_map(|p| Some((p, parent_of(p)?)))
                .collect()
        })
        .unwrap_or_default();
    let mut out = Vec::new();
    let mut todo = vec![root];
    while let Some(p) = todo.pop() {
        for &(c, pp) in &procs {
            if pp == p && !out.contains(&c) {
                out.push(c);
                todo.push(c);
            }
        }
    }
    out
}

/// The descendants of `root` that are alive and not in `mode` (after a
/// second look, so that one that exited meanwhile does not count).
fn unconfined_descendants(root: i32, mode: u32) -> Result<(usize, Vec<i32>), String> {
    let desc = descendants(root);
    let status = confined()?;
    let missing: Vec<i32> = desc
        .iter()
        .copied()
        .filter(|d| !status.iter().any(|c| c.0 == *d && c.1 == mode))
        .collect();
    if missing.is_empty() {
        return Ok((desc.len(), missing));
    }
    // Alive and not exiting after the status was read (so also when it was
    // read), and not listed: unconfined. (The module may drop an exiting
    // process from its list before it becomes a zombie.)
    let left = missing
        .into_iter()
        .filter(|d| stat_of(*d).is_some_and(|(_, flags)| flags & PF_EXITING == 0))
        .collect();
    Ok((desc.len(), left))
}

/// A process group that keeps forking while it is confined: the leader
/// forks a child every 10 ms until it has 100 (a second or more, longer
/// than the confinement and the checks), each child forks a grandchild
/// every 50 ms until it has 4, and every process then waits in `poll`
/// (mode 2 allows it) until the group is killed. Nobody exits on its own,
/// so no descendant is reparented away from the tree under test. Returns
/// the leader's pid once it runs.
fn fork_storm() -> Result<i32, String> {
    let (r, w) = pipe_cloexec()?;
    // SAFETY: the children make raw syscalls only.
    match unsafe { libc::fork() } {
        -1 => Err(format!("fork: {}", ename(errno()))),
        0 => {
            drop(r);
            // SAFETY: raw syscalls and `_exit` only, below.
            unsafe {
                libc::setpgid(0, 0);
                write_fd(w.as_raw_fd(), b"r");
                let spawn = |n: usize, every_us: u32, child: &dyn Fn()| {
                    for _ in 0..n {
                        if libc::fork() == 0 {
                            child();
                            loop {
                                libc::poll(std::ptr::null_mut(), 0, -1);
                            }
                        }
                        libc::usleep(every_us);
                    }
                };
                spawn(100, 10_000, &|| spawn(4, 50_000, &|| {}));
                loop {
                    libc::poll(std::ptr::null_mut(), 0, -1);
                }
            }
        }
        pid => {
            drop(w);
            let mut b = [0u8];
            File::from(r)
                .read_exact(&mut b)
                .map_err(|e| format!("storm: {e}"))?;
            Ok(pid)
        }
    }
}

/// Kills process group `pgid` and reaps what comes back to us.
fn end_storm(pgid: i32) {
    // SAFETY: kill of our own child's process group.
    unsafe { libc::kill(-pgid, libc::SIGKILL) };
    let _ = wait_for(pgid);
    // Orphans of the group came back to us (we are a subreaper).
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        // SAFETY: waitpid without a status pointer.
        let r = unsafe { libc::waitpid(-1, std::ptr::null_mut(), libc::WNOHANG) };
        if r > 0 {
            continue;
        }
        if r < 0 || Instant::now() > deadline {
            break;
        }
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn set_subreaper(on: bool) -> Result<(), String> {
    // SAFETY: prctl with integer arguments.
    if unsafe {
        libc::prctl(
            libc::PR_SET_CHILD_SUBREAPER,
            libc::c_ulong::from(on),
            0,
            0,
            0,
        )
    } != 0
    {
        return Err(format!("PR_SET_CHILD_SUBREAPER: {}", ename(errno())));
    }
    Ok(())
}

fn children_flag_leaves_no_descendant_unconfined_while_forking() -> Result<(), String> {
    set_subreaper(true)?;
    let storm = fork_storm()?;
    let res = (|| {
        std::thread::sleep(Duration::from_millis(200));
        // Control: the storm has unconfined descendants.
        let (n, un) = unconfined_descendants(storm, 2)?;
        if n == 0 || un.is_empty() {
            return Err(format!("control: {n} descendants, {} unconfined", un.len()));
        }
        smctl_confine(storm, &["--mode", "2", "--complain", "--children"])?
            .ok("confine --children")?;
        want_mode("the storm's leader", storm, Some((2, true)))?;
        let mut seen = 0;
        for round in 0..10 {
            let (n, un) = unconfined_descendants(storm, 2)?;
            if !un.is_empty() {
                return Err(format!(
                    "round {round}: {} of {n} descendants unconfined: {un:?}",
                    un.len()
                ));
            }
            seen += n;
            std::thread::sleep(Duration::from_millis(30));
        }
        if seen == 0 {
            return Err("no descendants seen after confine".into());
        }
        // Complain mode: the storm still runs.
        if parent_of(storm).is_none() {
            return Err("the storm's leader died".into());
        }
        println!("# {seen} descendants checked in 10 rounds");
        Ok(())
    })();
    end_storm(storm);
    set_subreaper(false)?;
    res
}

fn children_flag_lists_descendants_that_kept_their_mode() -> Result<(), String> {
    load(T45)?;
    let (r, w) = pipe_cloexec()?;
    // SAFETY: the children make raw syscalls only.
    let leader = match unsafe { libc::fork() } {
        -1 => return Err(format!("fork: {}", ename(errno()))),
        0 => unsafe {
            drop(r);
            libc::setpgid(0, 0);
            // A child in table 45 of its own, then one unconfined.
            for table in [45i32, 0] {
                match libc::fork() {
                    0 => {
                        if table != 0 && smtest::set_mode(table as u64, 0).is_err() {
                            libc::_exit(3);
                        }
                        let rec = [table, libc::getpid()];
                        write_fd(
                            w.as_raw_fd(),
                            &[rec[0].to_ne_bytes(), rec[1].to_ne_bytes()].concat(),
                        );
                        loop {
                            libc::poll(std::ptr::null_mut(), 0, -1);
                        }
                    }
                    -1 => libc::_exit(2),
                    _ => {}
                }
            }
            loop {
                libc::poll(std::ptr::null_mut(), 0, -1);
            }
        },
        pid => pid,
    };
    drop(w);
    let res = (|| {
        // Two records (table, pid), in either order.
        let mut f = File::from(r);
        let (mut kept, mut plain) = (0, 0);
        for _ in 0..2 {
            let mut b = [0u8; 8];
            f.read_exact(&mut b)
                .map_err(|e| format!("leader's children: {e}"))?;
            let table = i32::from_ne_bytes([b[0], b[1], b[2], b[3]]);
            let pid = i32::from_ne_bytes([b[4], b[5], b[6], b[7]]);
            if table == 0 {
                plain = pid;
            } else {
                kept = pid;
            }
        }
        if kept == 0 || plain == 0 {
            return Err("the leader's children did not start".into());
        }
        let ran = smctl_confine(leader, &["--mode", "2", "--children"])?;
        let err = ran.err.clone();
        ran.ok("confine --children")?;
        want_mode("leader", leader, Some((2, false)))?;
        want_mode("unconfined child", plain, Some((2, false)))?;
        want_mode("child in table 45", kept, Some((45, false)))?;
        if !err.contains(&format!("pid {kept} ")) || !err.contains("kept") {
            return Err(format!("stderr does not list pid {kept} as kept: {err:?}"));
        }
        if err.contains(&format!("pid {plain} ")) {
            return Err(format!("stderr lists the newly confined {plain}: {err:?}"));
        }
        // On a second call both children are confined already: both keep
        // their modes.
        let dev = dev_open()?;
        let fd = pidfd_open(leader).map_err(ename)?;
        match confine_raw(dev.as_raw_fd(), fd.as_raw_fd(), 2, DESCENDANTS) {
            Ok(2) => Ok(()),
            other => Err(format!(
                "kept count on a second call: {other:?}, want Ok(2)"
            )),
        }
    })();
    // SAFETY: kill of our own child's process group.
    unsafe { libc::kill(-leader, libc::SIGKILL) };
    let _ = wait_for(leader);
    res
}

// ---------------------------------------------------------------------------
// Editing and explain.

/// Rules each editor appends.
const EDITS: u32 = 50;

fn editors_racing_lose_no_rule() -> Result<(), String> {
    load(T48)?;
    let mut editors = Vec::new();
    for e in 0..2u32 {
        let (r, w) = pipe_cloexec()?;
        // SAFETY: the child runs smctl (fork + exec) and `_exit`s; this
        // process has one thread.
        match unsafe { libc::fork() } {
            -1 => return Err(format!("fork: {}", ename(errno()))),
            0 => {
                drop(r);
                let mut failed = String::new();
                for i in 0..EDITS {
                    let v = (e * 1000 + i).to_string();
                    let args = [
                        "-t", "48", "-A", "x86_64", "-s", "read", "--a0:u32", "eq", &v, "-j",
                        "ALLOW",
                    ];
                    match smctl(&args, None) {
                        Ok(ran) if ran.code == 0 => {}
                        Ok(ran) => failed = format!("rule {v}: exit {}: {}", ran.code, ran.err),
                        Err(x) => failed = x,
                    }
                }
                write_fd(w.as_raw_fd(), failed.as_bytes());
                // SAFETY: ends the child.
                unsafe { libc::_exit(i32::from(!failed.is_empty())) }
            }
            pid => {
                drop(w);
                editors.push((pid, r));
            }
        }
    }
    let mut why = Vec::new();
    for (pid, r) in editors {
        let mut said = String::new();
        let _ = File::from(r).read_to_string(&mut said);
        if wait_for(pid)? != Outcome::Exited(0) {
            why.push(said);
        }
    }
    if !why.is_empty() {
        return Err(format!("an editor failed: {why:?}"));
    }
    let saved = smctl(&["save"], None)?.ok("save")?;
    let prefix = native_rules("-A x86_64 -s read --a0:u32 eq ");
    let mut values: Vec<u64> = saved
        .lines()
        .filter_map(|l| l.strip_prefix(prefix.as_str()))
        .filter_map(|l| {
            let v = l.split_whitespace().next()?;
            match v.strip_prefix("0x") {
                Some(h) => u64::from_str_radix(h, 16).ok(),
                None => v.parse().ok(),
            }
        })
        .collect();
    values.sort_unstable();
    let want: Vec<u64> = (0..2u64)
        .flat_map(|e| (0..u64::from(EDITS)).map(move |i| e * 1000 + i))
        .collect();
    if values != want {
        return Err(format!(
            "{} rules after 2 x {EDITS} concurrent appends, want {}: {values:?}",
            values.len(),
            want.len()
        ));
    }
    Ok(())
}

/// A decision, as the kernel shows it and as `explain` says it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    Allow,
    Errno(String),
    Kill,
}

/// What the kernel did to `nr(args)` in a child confined in table 49:
/// killed, an errno of the table's `ERRNO` targets, or allowed (a result,
/// or an errno the table never returns, e.g. `EBADF`).
fn kernel_verdict(nr: libc::c_long, args: &[u64]) -> Result<Verdict, String> {
    const TABLE_ERRNOS: &[i32] = &[
        libc::EXDEV,
        libc::EPERM,
        libc::ENOSYS,
        libc::EDOM,
        libc::ENOTTY,
    ];
    let (r, w) = pipe_cloexec()?;
    let wfd = w.as_raw_fd();
    let o = smtest::in_child(|| {
        if smtest::set_mode(49, 0).is_err() {
            return 10;
        }
        let v = sc(nr, args);
        write_fd(wfd, &v.to_ne_bytes());
        0
    })
    .map_err(|e| e.to_string())?;
    drop(w);
    let mut b = Vec::new();
    let _ = File::from(r).read_to_end(&mut b);
    match o {
        Outcome::Signaled(Signal::SIGKILL) => Ok(Verdict::Kill),
        Outcome::Exited(0) if b.len() == 8 => {
            let v = i64::from_ne_bytes(b[..8].try_into().map_err(|_| "short reply")?);
            if v < 0 && TABLE_ERRNOS.contains(&(-v as i32)) {
                Ok(Verdict::Errno(format!("{:?}", Errno::from_raw(-v as i32))))
            } else {
                Ok(Verdict::Allow)
            }
        }
        other => Err(format!("probe child {other}")),
    }
}

/// The decision in `smctl explain`'s output, from its `action:` line:
/// `ALLOW`, `KILL`, `ERRNO <name>`, or `MODE1`/`MODE2` whose static table
/// allows (the call runs) or refuses (a kill).
fn explain_verdict(out: &str) -> Option<Verdict> {
    let action = out.lines().rev().find_map(|l| l.strip_prefix("action: "))?;
    let mut w = action.split(|c: char| c == ':' || c.is_whitespace());
    match w.next()? {
        "ALLOW" => Some(Verdict::Allow),
        "KILL" => Some(Verdict::Kill),
        "ERRNO" => Some(Verdict::Errno(w.next()?.to_owned())),
        "MODE1" | "MODE2" if action.contains(" refuses ") => Some(Verdict::Kill),
        "MODE1" | "MODE2" if action.contains(" allows ") => Some(Verdict::Allow),
        _ => None,
    }
}

fn explain_agrees_with_the_kernel() -> Result<(), String> {
    load(T49)?;
    let fd_none = 0xffff_ffffu64; // -1 as an unsigned int: EBADF when allowed
                                  // (the call as written for x86_64, its arguments): the native call
                                  // (`arch::rule_call`) is made, and explained.
    let samples: &[(&str, &[u64])] = &[
        ("getppid", &[]),
        ("getpgid", &[0]),
        ("ioctl", &[fd_none, 0x541b, 0]),
        ("ioctl", &[fd_none, 0x5412, 0]),
        // TIOCSTI's number with bit 32 set: the kernel truncates the
        // unsigned int, so does the u32 test.
        ("ioctl", &[fd_none, 0x1_0000_541b, 0]),
        ("getuid", &[]),
        ("getpgrp", &[]),
        ("getpriority", &[1, 0]),
        ("getpriority", &[0, 0]),
        ("getpid", &[]),
        ("personality", &[0xffff_ffff]),
    ];
    let mut wrong = Vec::new();
    for (name, args) in samples {
        let kernel = kernel_verdict(rule_call(name).nr, args)?;
        let mut cmd = vec![
            "explain".to_owned(),
            "-t".into(),
            "49".into(),
            "x86_64".into(),
        ];
        cmd.push((*name).to_owned());
        cmd.extend(args.iter().map(|a| format!("{a:#x}")));
        let argv: Vec<&str> = cmd.iter().map(String::as_str).collect();
        let out = smctl(&argv, None)?.ok(&cmd.join(" "))?;
        let said = explain_verdict(&out);
        if said.as_ref() != Some(&kernel) {
            wrong.push(format!(
                "{}: explain says {said:?}, the kernel {kernel:?}: {out:?}",
                cmd[4..].join(" ")
            ));
        }
    }
    if wrong.is_empty() {
        Ok(())
    } else {
        Err(wrong.join("; "))
    }
}

// ---------------------------------------------------------------------------
// Learn mode.

fn learned_table_kills_nothing_on_the_same_traffic() -> Result<(), String> {
    let learn = LEARN.to_string();
    let template = smctl(
        &["learn", "template", "-t", &learn, "--name", LEARN_NAME],
        None,
    )?
    .ok("learn template")?;
    load(&template)?;
    // Learning: the traffic in complain mode, entered from outside.
    let mut t = Target::start(false)?;
    smctl_confine(t.pid, &["--table", LEARN_NAME, "--complain"])?.ok("confine --complain")?;
    let v = t.ask(cmd::TRAFFIC)?;
    if v != 0 {
        return Err(format!("traffic while learning: {v}"));
    }
    t.end_with(cmd::QUIT)?.expect_exit(0)?;
    let text = smctl(&["learn", "generate", "-t", &learn], None)?.ok("learn generate")?;
    for want in [
        "*mode 50 learned",
        ":x86_64 KILL",
        "-A x86_64 -s socket --a0:u32 in 0x2 --a1:u32 in 0x80001 -j ALLOW",
        "-A x86_64 -s setsockopt --a1:u32 in 0x1 --a2:u32 in 0x2 -j ALLOW",
        "-A x86_64 -s fcntl --a1:u32 in 0x3 -j ALLOW",
        "-A x86_64 -s getppid -j ALLOW",
        "rare paths",
    ] {
        if !text.contains(&native_rules(want)) {
            return Err(format!("generated table lacks {want:?}:\n{text}"));
        }
    }
    let getpgrp = rule_call("getpgrp");
    if text
        .lines()
        .any(|l| l.starts_with("-A ") && l.contains(&format!(" {} ", getpgrp.name)))
    {
        return Err(format!(
            "the generated table allows {}, never called",
            getpgrp.name
        ));
    }
    smctl(&["check", "-"], Some(text.as_bytes()))?.ok("check the generated table")?;
    load(&text)?;
    // The same traffic, enforced: nothing is killed.
    let mut t = Target::start(false)?;
    smctl_confine(t.pid, &["--table", LEARN_NAME])?.ok("confine (enforce)")?;
    let v = t.ask(cmd::TRAFFIC)?;
    let pid = t.pid;
    t.end_with(cmd::QUIT)?
        .expect_exit(0)
        .map_err(|e| format!("the same traffic under the learned table: {e}"))?;
    if v != 0 || log_count("killed", pid, "")? != 0 {
        return Err(format!("traffic {v}, or a kill line for {pid}"));
    }
    // Control: the learned table is tight: a call never seen is killed.
    let mut t = Target::start(false)?;
    smctl_confine(t.pid, &["--table", LEARN_NAME])?.ok("confine (control)")?;
    t.send(cmd::TRAFFIC_PLUS)?;
    let pid = t.pid;
    killed_for(
        t.wait()?,
        pid,
        &format!(
            "syscall={} ({}) rule={}",
            getpgrp.nr,
            getpgrp.name,
            native_rules("x86_64:policy")
        ),
    )
}

fn cleanup_deletes_the_tables() -> Result<(), String> {
    delete_tables(TABLES)?;
    let left: Vec<u32> = loaded()?
        .into_iter()
        .filter(|m| TABLES.contains(m))
        .collect();
    if !left.is_empty() {
        return Err(format!("tables left: {left:?}"));
    }
    // SAFETY: getpid has no arguments.
    let me = unsafe { libc::getpid() };
    let ours: Vec<i32> = confined()?
        .into_iter()
        .map(|c| c.0)
        .filter(|p| descendants(me).contains(p))
        .collect();
    if ours.is_empty() {
        Ok(())
    } else {
        Err(format!("confined processes left: {ours:?}"))
    }
}

type Case = (&'static str, fn() -> Result<(), String>);

const CASES: &[Case] = &[
    (
        "confine_by_pidfd_covers_threads_that_existed_before",
        confine_by_pidfd_covers_threads_that_existed_before,
    ),
    (
        "children_forked_after_inherit",
        children_forked_after_inherit,
    ),
    (
        "confine_in_table_by_name_and_number",
        confine_in_table_by_name_and_number,
    ),
    ("pidfile_and_ps", pidfile_and_ps),
    ("same_mode_again_is_a_noop", same_mode_again_is_a_noop),
    (
        "unprivileged_caller_is_refused",
        unprivileged_caller_is_refused,
    ),
    ("confined_caller_is_refused", confined_caller_is_refused),
    (
        "caller_in_user_namespace_is_refused",
        caller_in_user_namespace_is_refused,
    ),
    ("exited_target_is_esrch", exited_target_is_esrch),
    (
        "kernel_thread_and_own_process_are_einval",
        kernel_thread_and_own_process_are_einval,
    ),
    (
        "unwritable_structs_and_refused_commits_change_nothing",
        unwritable_structs_and_refused_commits_change_nothing,
    ),
    ("bad_arguments_are_refused", bad_arguments_are_refused),
    ("loosening_is_refused", loosening_is_refused),
    (
        "children_flag_leaves_no_descendant_unconfined_while_forking",
        children_flag_leaves_no_descendant_unconfined_while_forking,
    ),
    (
        "children_flag_lists_descendants_that_kept_their_mode",
        children_flag_lists_descendants_that_kept_their_mode,
    ),
    ("editors_racing_lose_no_rule", editors_racing_lose_no_rule),
    (
        "explain_agrees_with_the_kernel",
        explain_agrees_with_the_kernel,
    ),
    (
        "learned_table_kills_nothing_on_the_same_traffic",
        learned_table_kills_nothing_on_the_same_traffic,
    ),
    ("cleanup_deletes_the_tables", cleanup_deletes_the_tables),
];

fn main() {
    let mut tap = Tap::new(std::io::stdout(), CASES.len());
    for (name, f) in CASES {
        tap.case(name, f());
    }
    std::process::exit(tap.finish());
}
