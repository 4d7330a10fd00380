// SPDX-License-Identifier: GPL-2.0

//! The in-guest suite of the table modes (issue 11): rule tables loaded
//! through `/dev/seccomp_mode` (with `smctl`, installed next to this program,
//! or with the device directly), entered with `prctl` by real processes.
//!
//! Every target and argument filter is exercised from a forked child that
//! enters the table and makes the calls, the parent checking its exit
//! status, its signal, the errnos it saw and the kernel log lines
//! (`rule=<chain>#<n>`); attacks have an unconfined control that shows they
//! work without the table. Then the loader: who may use the device,
//! atomic and test commits, malformed uploads, loosening, deleting a table
//! in use, a commit storm under running threads, random uploads, limits.
//! Runs as root with the module loaded (`tables=1`, `log_interval_ms=0`)
//! after sm-escape-tests; deletes every table it loaded at its end.
//!
//! The tables below are written for x86_64; everything that goes to `smctl`
//! or the device, and every text compared with what comes back, passes
//! through `arch::native_rules`, which names the native ABI's chains and
//! calls instead (on x86_64 the text stays as it is). The ia32 and x32
//! cases are x86_64's.

use std::ffi::CString;
use std::fs::{File, OpenOptions};
use std::io::{IoSlice, IoSliceMut, Read, Write};
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::os::unix::fs::{FileTypeExt, PermissionsExt};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Barrier};
use std::time::Instant;

use nix::errno::Errno;
use nix::kmod::{delete_module, DeleteModuleFlags};
use nix::sys::signal::Signal;
use nix::sys::socket::{
    recvmsg, sendmsg, socketpair, AddressFamily, ControlMessage, ControlMessageOwned, MsgFlags,
    SockFlag, SockType,
};
use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::{pipe, Pid};
use smtest::arch::{self, native_rules, rule_call, NATIVE_ABI};
#[cfg(target_arch = "x86_64")]
use smtest::arch::{int80, syscall0};
use smtest::{
    get_mode, in_child, kernel_log, set_mode, set_mode_raw, Outcome, Tap, PR_SECCOMP_MODE_GET,
    SECCOMP_MODE_FLAG_LOG,
};

// ---------------------------------------------------------------------------
// The tables.

/// The main table: one rule per target, argument filters, a user chain.
/// Rule numbers (x86_64): 1 openat O_RDONLY, 2 openat, 3 ioctl FIONREAD/
/// FIONBIO, 4 ioctl, 5 mkdir, 6 getppid KILL, 7 getuid LOG, 8 getpgid
/// ENOSYS, 9 read/getpgrp MODE1, 10 getpriority -> prio, 11 getpriority.
const T3: &str = "\
# the main test table
*mode 3 t3
:x86_64 MODE2
:prio x86_64
# O_RDONLY opens only
-A x86_64 -s openat --a2:u32 masked 0x3 0 -j ALLOW
-A x86_64 -s openat -j ERRNO EACCES
# FIONREAD, FIONBIO
-A x86_64 -s ioctl --a1:u32 in 0x541b,0x5421 -j ALLOW
-A x86_64 -s ioctl -j ERRNO EPERM
-A x86_64 -s mkdir -j ERRNO EACCES
-A x86_64 -s getppid -j KILL
-A x86_64 -s getuid -j LOG
-A x86_64 -s getpgid -j ENOSYS
-A x86_64 -s read,getpgrp -j MODE1
-A x86_64 -s getpriority -j prio
-A x86_64 -s getpriority -j ERRNO EXDEV
# PRIO_PGRP
-A prio -s getpriority --a0:u32 eq 1 -j ERRNO ENOTTY
COMMIT
";

/// The table for the device tests: lets `openat` and `ioctl` through, so
/// that only the device itself can refuse.
const T5: &str = "\
*mode 5 dev
:x86_64 MODE2
-A x86_64 -s openat,ioctl -j ALLOW
COMMIT
";

/// Another table, for table-to-table transitions.
const T4: &str = "*mode 4 t4\n:x86_64 MODE2\nCOMMIT\n";

/// A table number that is never loaded.
const ABSENT: u64 = 77;

// ---------------------------------------------------------------------------
// Raw syscalls and errnos.

fn errno() -> i32 {
    Errno::last_raw()
}

fn ename(e: i32) -> String {
    format!("{} ({e})", Errno::from_raw(e))
}

/// A raw syscall: its return value or its errno. The arguments are
/// registers (on 32-bit arm their low 32 bits).
fn sys(nr: libc::c_long, args: &[u64]) -> Result<i64, i32> {
    let mut a = [0u64; 6];
    a[..args.len()].copy_from_slice(args);
    let a = a.map(|v| v as libc::c_long);
    // SAFETY: the callers pass integers, or pointers to live buffers of the
    // size the syscall expects.
    let r = unsafe { libc::syscall(nr, a[0], a[1], a[2], a[3], a[4], a[5]) };
    if r == -1 {
        Err(errno())
    } else {
        Ok(arch::nr64(r))
    }
}

/// Raw syscall `name` (its native stand-in, `arch::rule_call`).
fn sys_named(name: &str, args: &[u64]) -> Result<i64, i32> {
    sys(rule_call(name).nr, args)
}

/// `Ok` if `r` failed with `want`.
fn want_err(what: &str, r: Result<i64, i32>, want: i32) -> Result<(), String> {
    match r {
        Err(e) if e == want => Ok(()),
        Err(e) => Err(format!("{what}: {}, want {}", ename(e), ename(want))),
        Ok(v) => Err(format!("{what} returned {v}, want {}", ename(want))),
    }
}

/// The value of `r`, or a description of its errno.
fn want_ok(what: &str, r: Result<i64, i32>) -> Result<i64, String> {
    r.map_err(|e| format!("{what}: {}", ename(e)))
}

fn cs(s: &str) -> CString {
    CString::new(s).expect("path without NUL")
}

/// `openat(AT_FDCWD, path, flags, 0600)` as a raw syscall.
fn openat(path: &str, flags: i32) -> Result<i64, i32> {
    let p = cs(path);
    sys(
        libc::SYS_openat,
        &[
            libc::AT_FDCWD as i64 as u64,
            p.as_ptr() as u64,
            (flags | libc::O_CLOEXEC) as u64,
            0o600,
        ],
    )
}

fn close(fd: i64) {
    let _ = sys(libc::SYS_close, &[fd as u64]);
}

fn write_fd(fd: RawFd, buf: &[u8]) -> isize {
    // SAFETY: the kernel reads `buf.len()` bytes from `buf`.
    unsafe { libc::write(fd, buf.as_ptr().cast(), buf.len()) }
}

fn read_fd(fd: RawFd, buf: &mut [u8]) -> isize {
    // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`.
    unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) }
}

fn remove(path: &str) {
    let _ = std::fs::remove_file(path);
    let _ = std::fs::remove_dir(path);
}

// ---------------------------------------------------------------------------
// smctl and the device.

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

    /// `Ok` if it exited 1 with `errno`'s text on its first stderr line.
    fn refused(&self, what: &str, errno: i32) -> Result<(), String> {
        let want = format!("smctl: {}", Errno::from_raw(errno).desc());
        if self.code == 1 && self.err.lines().next() == Some(want.as_str()) {
            Ok(())
        } else {
            Err(format!(
                "{what}: smctl exit {}, stderr {:?}, want exit 1 and {want:?}",
                self.code, self.err
            ))
        }
    }
}

/// Runs `smctl ARGS` with `input` on its standard input.
fn smctl(args: &[&str], input: Option<&[u8]>) -> Result<Ran, String> {
    let path = smctl_path();
    let mut child = Command::new(&path)
        .args(args)
        .stdin(if input.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
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

/// `smctl restore [flags] -` with `text` (in native terms).
fn restore(text: &str, flags: &[&str]) -> Result<Ran, String> {
    let mut args = vec!["restore"];
    args.extend_from_slice(flags);
    args.push("-");
    smctl(&args, Some(native_rules(text).as_bytes()))
}

/// Loads `text`; `Ok` if smctl accepted it.
fn load(text: &str) -> Result<(), String> {
    restore(text, &[])?.ok("restore").map(drop)
}

/// `smctl save` (`-c` with `counters`).
fn save(counters: bool) -> Result<String, String> {
    let args: &[&str] = if counters { &["save", "-c"] } else { &["save"] };
    smctl(args, None)?.ok("save")
}

use seccomp_mode::device::{SmCommit, COMMIT_TEST, SM_IOC_COMMIT};

/// A refused commit as the device reports it.
#[derive(Debug)]
struct Refused {
    errno: i32,
    line: u32,
    col: u32,
    msg: String,
}

fn dev_open() -> Result<File, String> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/seccomp_mode")
        .map_err(|e| format!("open /dev/seccomp_mode: {e}"))
}

/// The commit ioctl on `fd`: the return value, the errno and the struct.
fn ioctl_commit(fd: RawFd, flags: u32) -> (i32, i32, SmCommit) {
    let mut c = SmCommit::new(flags, 0);
    // SAFETY: SM_IOC_COMMIT reads and writes one `struct sm_commit`.
    let r = unsafe {
        libc::ioctl(
            fd,
            libc::c_ulong::from(SM_IOC_COMMIT),
            &mut c as *mut SmCommit,
        )
    };
    (r, if r == 0 { 0 } else { errno() }, c)
}

/// Writes `text` (in native terms) to the open device `f` and commits it.
fn commit_on(f: &mut File, text: &[u8], flags: u32) -> Result<Result<(), Refused>, String> {
    f.write_all(&arch::native_rules_bytes(text))
        .map_err(|e| format!("write /dev/seccomp_mode: {e}"))?;
    let (r, e, c) = ioctl_commit(f.as_raw_fd(), flags);
    if r == 0 {
        return Ok(Ok(()));
    }
    let len = c.msg.iter().position(|&b| b == 0).unwrap_or(c.msg.len());
    if c.error != e {
        return Err(format!(
            "commit failed with {} but sm_commit.error = {}",
            ename(e),
            c.error
        ));
    }
    Ok(Err(Refused {
        errno: e,
        line: c.line,
        col: c.col,
        msg: String::from_utf8_lossy(&c.msg[..len]).into_owned(),
    }))
}

/// One commit of `text` through a fresh open of the device.
fn dev_commit(text: &[u8], flags: u32) -> Result<Result<(), Refused>, String> {
    commit_on(&mut dev_open()?, text, flags)
}

/// The device's text (`save -c`).
fn dev_read() -> Result<Vec<u8>, String> {
    let mut text = Vec::new();
    dev_open()?
        .read_to_end(&mut text)
        .map_err(|e| format!("read /dev/seccomp_mode: {e}"))?;
    Ok(text)
}

/// The device's text without its first line `# generation N` (which must
/// be there) and without learn-mode records (`# learned ...`): the tables,
/// as `smctl save -c` prints them.
fn dev_tables() -> Result<Vec<u8>, String> {
    let text = dev_read()?;
    let s = String::from_utf8_lossy(&text);
    let Some((first, rest)) = s.split_once('\n') else {
        return Err(format!("device text without a generation line: {s:?}"));
    };
    let generation = first
        .strip_prefix("# generation ")
        .and_then(|g| g.parse::<u64>().ok());
    if generation.is_none() {
        return Err(format!(
            "device text starts with {first:?}, not # generation N"
        ));
    }
    Ok(rest
        .lines()
        .filter(|l| !l.starts_with("# learned "))
        .flat_map(|l| [l.as_bytes(), b"\n"])
        .flatten()
        .copied()
        .collect())
}

/// The mode numbers of the loaded tables.
fn loaded_modes() -> Result<Vec<u32>, String> {
    let text = dev_read()?;
    Ok(String::from_utf8_lossy(&text)
        .lines()
        .filter_map(|l| l.strip_prefix("*mode "))
        .filter_map(|l| l.split(' ').next()?.parse().ok())
        .collect())
}

/// Deletes the tables `modes` in one commit.
fn delete_tables(modes: &[u32]) -> Result<(), String> {
    if modes.is_empty() {
        return Ok(());
    }
    let text: String = modes
        .iter()
        .map(|m| format!("*mode {m} delete\nCOMMIT\n"))
        .collect();
    dev_commit(text.as_bytes(), 0)?.map_err(|r| format!("delete {modes:?}: {r:?}"))
}

/// Deletes every table, then loads `text` (if any).
fn reset_tables(text: Option<&str>) -> Result<(), String> {
    delete_tables(&loaded_modes()?)?;
    if let Some(t) = text {
        dev_commit(t.as_bytes(), 0)?.map_err(|r| format!("reload: {r:?}"))?;
    }
    Ok(())
}

/// Whether `text` (save output) holds table `mode`.
fn has_table(text: &str, mode: u32) -> bool {
    let head = format!("*mode {mode}");
    text.lines()
        .any(|l| l == head || l.starts_with(&format!("{head} ")))
}

// ---------------------------------------------------------------------------
// Children and log lines.

/// How a child is set up before its body runs.
#[derive(Clone, Copy)]
enum Conf {
    /// Unconfined (the control).
    None,
    /// `prctl(PR_SECCOMP_MODE_SET, mode, flags)` first.
    Mode(u64, u64),
}

/// Table 3, enforced.
const M3: Conf = Conf::Mode(3, 0);

/// How a child ended, its pid and what it wrote to its pipe.
struct Run {
    pid: i32,
    outcome: Outcome,
    said: String,
}

impl Run {
    /// `Ok` if the child exited 0.
    fn ok(&self) -> Result<(), String> {
        match self.outcome {
            Outcome::Exited(0) => Ok(()),
            o => Err(format!("child {o}: {}", self.said)),
        }
    }

    /// `Ok` if the child was SIGKILLed and the log has its kill line ending
    /// in `tail` (` mode=3 abi=x86_64 syscall=110 (getppid) rule=x86_64#6`,
    /// see [`tail`]).
    fn killed(&self, tail: &str) -> Result<(), String> {
        self.outcome
            .expect_signal(Signal::SIGKILL)
            .map_err(|e| format!("{e}: {}", self.said))?;
        match log_count("killed", self.pid, tail)? {
            0 => Err(format!(
                "no line 'seccomp_mode: killed pid={} comm=...{tail}'",
                self.pid
            )),
            _ => Ok(()),
        }
    }
}

/// Runs `body` in a forked child set up as `conf` says; the child exits 0
/// if `body` returns `Ok`, else 1 with the message written to a pipe (the
/// prctl failing gives status 10).
fn run(conf: Conf, body: impl FnOnce() -> Result<(), String>) -> Result<Run, String> {
    let (r, w) = pipe().map_err(|e| e.to_string())?;
    let wfd = w.as_raw_fd();
    let outcome = in_child(|| {
        write_fd(wfd, &std::process::id().to_ne_bytes());
        if let Conf::Mode(mode, flags) = conf {
            if let Err(e) = set_mode(mode, flags) {
                write_fd(wfd, format!("prctl(SET, {mode}, {flags}): {e}").as_bytes());
                return 10;
            }
        }
        match body() {
            Ok(()) => 0,
            Err(why) => {
                write_fd(wfd, why.as_bytes());
                1
            }
        }
    })
    .map_err(|e| e.to_string())?;
    drop(w);
    let mut got = Vec::new();
    File::from(r)
        .read_to_end(&mut got)
        .map_err(|e| e.to_string())?;
    if got.len() < 4 {
        return Err(format!("child {outcome} before reporting its pid"));
    }
    Ok(Run {
        pid: i32::from_ne_bytes([got[0], got[1], got[2], got[3]]),
        outcome,
        said: String::from_utf8_lossy(&got[4..]).into_owned(),
    })
}

/// `body` in `conf` must succeed.
fn run_ok(conf: Conf, body: impl FnOnce() -> Result<(), String>) -> Result<Run, String> {
    let r = run(conf, body)?;
    r.ok()?;
    Ok(r)
}

/// `body` unconfined must succeed (the control).
fn control(body: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    run_ok(Conf::None, body)
        .map(drop)
        .map_err(|e| format!("control: {e}"))
}

/// The end of a table mode's log line for native call `name` (its stand-in,
/// `arch::rule_call`) decided by `rule` (`x86_64#6`, `x86_64:policy`, in
/// native terms): ` mode=3 abi=x86_64 syscall=110 (getppid) rule=x86_64#6`.
fn tail(mode: u8, name: &str, rule: &str) -> String {
    let call = rule_call(name);
    format!(
        " mode={mode} abi={NATIVE_ABI} syscall={} ({}) rule={}",
        call.nr,
        call.name,
        native_rules(rule)
    )
}

/// The number of module log lines `seccomp_mode: <verdict> pid=<pid>
/// comm=...` ending in `tail`.
fn log_count(verdict: &str, pid: i32, tail: &str) -> Result<usize, String> {
    let log = kernel_log().map_err(|e| format!("klogctl: {e}"))?;
    let head = format!("seccomp_mode: {verdict} pid={pid} comm=");
    Ok(log
        .lines()
        .filter(|l| l.contains(&head) && l.ends_with(tail))
        .count())
}

/// A child confined in a table that waits for [`Parked::go`] (then runs
/// its action and exits with the action's status) or for the end of the
/// parent's pipe (then exits 0).
struct Parked {
    pid: Pid,
    go: Option<OwnedFd>,
}

impl Parked {
    fn start(mode: u64, action: impl FnOnce() -> i32) -> Result<Self, String> {
        let (ready_r, ready_w) = pipe().map_err(|e| e.to_string())?;
        let (go_r, go_w) = pipe().map_err(|e| e.to_string())?;
        // SAFETY: the child makes raw syscalls, runs `action` and `_exit`s.
        match unsafe { libc::fork() } {
            -1 => Err(format!("fork: {}", ename(errno()))),
            0 => {
                drop(go_w);
                drop(ready_r);
                let ok = set_mode(mode, 0).is_ok();
                write_fd(ready_w.as_raw_fd(), &[u8::from(ok)]);
                let mut b = [0u8];
                let code = if ok && read_fd(go_r.as_raw_fd(), &mut b) == 1 && b[0] == b'g' {
                    action()
                } else {
                    0
                };
                // SAFETY: ends the child.
                unsafe { libc::_exit(code) }
            }
            pid => {
                drop(ready_w);
                drop(go_r);
                let parked = Parked {
                    pid: Pid::from_raw(pid),
                    go: Some(go_w),
                };
                let mut b = [0u8];
                File::from(ready_r)
                    .read_exact(&mut b)
                    .map_err(|e| format!("parked child: {e}"))?;
                if b[0] != 1 {
                    return Err(format!("parked child could not enter mode {mode}"));
                }
                Ok(parked)
            }
        }
    }

    /// Lets the child run its action; how it ended.
    fn go(mut self) -> Result<Outcome, String> {
        if let Some(w) = self.go.take() {
            write_fd(w.as_raw_fd(), b"g");
        }
        self.wait()
    }

    /// Lets the child exit without its action.
    fn finish(mut self) -> Result<(), String> {
        self.go.take();
        self.wait()?.expect_exit(0)
    }

    fn wait(&self) -> Result<Outcome, String> {
        loop {
            match waitpid(self.pid, None).map_err(|e| format!("waitpid: {e}"))? {
                WaitStatus::Exited(_, c) => return Ok(Outcome::Exited(c)),
                WaitStatus::Signaled(_, s, _) => return Ok(Outcome::Signaled(s)),
                _ => continue,
            }
        }
    }
}

impl Drop for Parked {
    fn drop(&mut self) {
        if self.go.take().is_some() {
            let _ = waitpid(self.pid, None);
        }
    }
}

// ---------------------------------------------------------------------------
// Loading and saving.

fn device_node_is_0600_char_device() -> Result<(), String> {
    let m = std::fs::metadata("/dev/seccomp_mode").map_err(|e| format!("stat: {e}"))?;
    let mode = m.permissions().mode() & 0o7777;
    if m.file_type().is_char_device() && mode == 0o600 {
        Ok(())
    } else {
        Err(format!(
            "char device: {}, mode {mode:o}",
            m.file_type().is_char_device()
        ))
    }
}

fn smctl_restore_loads_table_3() -> Result<(), String> {
    // Start clean, whatever ran before.
    reset_tables(None)?;
    load(T3)?;
    load(T4)?;
    let saved = save(false)?;
    if !has_table(&saved, 3)
        || !saved.contains(&native_rules("*mode 3 t3\n:x86_64 MODE2\n:prio x86_64\n"))
    {
        return Err(format!("save after restore:\n{saved}"));
    }
    Ok(())
}

fn smctl_save_is_canonical_deterministic_and_round_trips() -> Result<(), String> {
    let a = save(false)?;
    let b = save(false)?;
    if a != b {
        return Err(format!("two saves differ:\n{a}\n---\n{b}"));
    }
    for want in [
        "-A x86_64 -s openat --a2:u32 masked 0x3 0x0 -j ALLOW\n",
        "-A x86_64 -s ioctl --a1:u32 in 0x541b,0x5421 -j ALLOW\n",
        "-A x86_64 -s getpriority -j prio\n",
        "-A prio -s getpriority --a0:u32 eq 0x1 -j ERRNO ENOTTY\nCOMMIT\n",
    ] {
        if !a.contains(&native_rules(want)) {
            return Err(format!("save lacks {want:?}:\n{a}"));
        }
    }
    if a.contains('[') || a.contains('#') {
        return Err(format!("save without -c has counters or comments:\n{a}"));
    }
    let c = save(true)?;
    if !c.contains(&native_rules(
        "] -A x86_64 -s openat --a2:u32 masked 0x3 0x0 -j ALLOW\n",
    )) || !c.contains(&native_rules(":x86_64 MODE2 ["))
    {
        return Err(format!("save -c has no counters:\n{c}"));
    }
    // The device's text is save -c's (after its generation line).
    let raw = dev_tables()?;
    if raw != c.as_bytes() {
        return Err("save -c differs from the device's text".into());
    }
    // Loading what save printed changes nothing.
    load(&a)?;
    let again = save(false)?;
    if again != a {
        return Err(format!("save after restoring save differs:\n{again}"));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Targets and argument filters.

fn enter_table_mode_get_returns_3() -> Result<(), String> {
    run_ok(M3, || match get_mode() {
        Ok(3) => Ok(()),
        other => Err(format!("GET: {other:?}")),
    })
    .map(drop)
}

const FILE: &str = "/tmp/sm-table-file";

fn openat_body() -> Result<(), String> {
    let fd = want_ok("openat O_RDONLY", openat(FILE, libc::O_RDONLY))?;
    close(fd);
    for (name, flags) in [("O_WRONLY", libc::O_WRONLY), ("O_RDWR", libc::O_RDWR)] {
        want_err(&format!("openat {name}"), openat(FILE, flags), libc::EACCES)?;
    }
    Ok(())
}

fn openat_rdonly_allowed_wronly_rdwr_eacces() -> Result<(), String> {
    std::fs::write(FILE, "x").map_err(|e| format!("{FILE}: {e}"))?;
    control(|| {
        for flags in [libc::O_RDONLY, libc::O_WRONLY, libc::O_RDWR] {
            close(want_ok("openat", openat(FILE, flags))?);
        }
        Ok(())
    })?;
    run_ok(M3, openat_body).map(drop)
}

const TIOCSTI: u64 = 0x5412;
const FIONREAD: u64 = 0x541b;
const FIONBIO: u64 = 0x5421;

/// `ioctl(fd, cmd, arg)` as a raw syscall (all 64 bits of `cmd` reach the
/// kernel).
fn ioctl(fd: RawFd, cmd: u64, arg: *mut libc::c_int) -> Result<i64, i32> {
    sys(libc::SYS_ioctl, &[fd as u64, cmd, arg as u64])
}

fn ioctl_body() -> Result<(), String> {
    let (r, w) = pipe().map_err(|e| e.to_string())?;
    write_fd(w.as_raw_fd(), b"abc");
    let mut n: libc::c_int = 0;
    want_ok("FIONREAD", ioctl(r.as_raw_fd(), FIONREAD, &mut n))?;
    if n != 3 {
        return Err(format!("FIONREAD said {n}, want 3"));
    }
    // The low 32 bits decide, as for the kernel (cmd is an unsigned int).
    n = 0;
    want_ok(
        "FIONREAD | 1 << 32",
        ioctl(r.as_raw_fd(), FIONREAD | 1 << 32, &mut n),
    )?;
    if n != 3 {
        return Err(format!("FIONREAD | 1 << 32 said {n}, want 3"));
    }
    let mut on: libc::c_int = 1;
    want_ok("FIONBIO", ioctl(r.as_raw_fd(), FIONBIO, &mut on))?;
    let mut c: libc::c_int = 0;
    want_err(
        "TIOCSTI",
        ioctl(r.as_raw_fd(), TIOCSTI, &mut c),
        libc::EPERM,
    )?;
    want_err(
        "TIOCSTI | 1 << 32",
        ioctl(r.as_raw_fd(), TIOCSTI | 1 << 32, &mut c),
        libc::EPERM,
    )
}

fn ioctl_allowed_cmds_run_tiocsti_eperm_also_with_upper_bits() -> Result<(), String> {
    // Unconfined, TIOCSTI | 1 << 32 on a pipe reaches the tty code as
    // TIOCSTI (ENOTTY): the upper bits are ignored by the kernel.
    control(|| {
        let (r, _w) = pipe().map_err(|e| e.to_string())?;
        let mut c: libc::c_int = 0;
        want_err(
            "TIOCSTI | 1 << 32",
            ioctl(r.as_raw_fd(), TIOCSTI | 1 << 32, &mut c),
            libc::ENOTTY,
        )
    })?;
    run_ok(M3, ioctl_body).map(drop)
}

const DIR: &str = "/tmp/sm-table-dir";

/// The raw `mkdir` (on arm64 `mkdirat`) of `path`.
fn mkdir(path: &str) -> Result<i64, i32> {
    let p = cs(path);
    match arch::mkdir(&p, 0o700) {
        -1 => Err(errno()),
        r => Ok(arch::nr64(r)),
    }
}

fn mkdir_errno_eacces() -> Result<(), String> {
    remove(DIR);
    control(|| want_ok("mkdir", mkdir(DIR)).map(drop))?;
    remove(DIR);
    run_ok(M3, || want_err("mkdir", mkdir(DIR), libc::EACCES))?;
    if std::path::Path::new(DIR).exists() {
        return Err(format!("{DIR} was created"));
    }
    Ok(())
}

fn kill_rule_kills_and_logs_rule_number() -> Result<(), String> {
    run(M3, || {
        let _ = sys(libc::SYS_getppid, &[]);
        Err("survived getppid".into())
    })?
    .killed(&tail(3, "getppid", "x86_64#6"))
}

fn log_rule_logs_once_and_continues() -> Result<(), String> {
    let r = run_ok(M3, || {
        for i in 0..3 {
            let uid = want_ok("getuid", sys(libc::SYS_getuid, &[]))?;
            if uid != 0 {
                return Err(format!("getuid #{i}: {uid}"));
            }
        }
        Ok(())
    })?;
    let tail = tail(3, "getuid", "x86_64#7");
    match log_count("log", r.pid, &tail)? {
        1 => Ok(()),
        n => Err(format!(
            "{n} lines 'seccomp_mode: log pid={} comm=...{tail}', want 1",
            r.pid
        )),
    }
}

fn enosys_target() -> Result<(), String> {
    run_ok(M3, || {
        want_err("getpgid", sys(libc::SYS_getpgid, &[0]), libc::ENOSYS)
    })
    .map(drop)
}

fn mode1_target_allows_read_kills_getpgrp() -> Result<(), String> {
    run(M3, || {
        let (r, w) = pipe().map_err(|e| e.to_string())?;
        write_fd(w.as_raw_fd(), b"x");
        let mut b = [0u8];
        if read_fd(r.as_raw_fd(), &mut b) != 1 {
            return Err(format!("read through MODE1: {}", ename(errno())));
        }
        let _ = sys_named("getpgrp", &[]);
        Err("survived getpgrp".into())
    })?
    .killed(&tail(3, "getpgrp", "x86_64#9"))
}

fn user_chain_jump_and_return() -> Result<(), String> {
    run_ok(M3, || {
        // PRIO_PGRP: decided in the user chain.
        want_err(
            "getpriority(PRIO_PGRP)",
            sys(libc::SYS_getpriority, &[1, 0]),
            libc::ENOTTY,
        )?;
        // PRIO_PROCESS: no match there, back to the rule after the jump.
        want_err(
            "getpriority(PRIO_PROCESS)",
            sys(libc::SYS_getpriority, &[0, 0]),
            libc::EXDEV,
        )
    })
    .map(drop)
}

fn mode2_policy_allows_getpid_kills_personality() -> Result<(), String> {
    run(M3, || {
        let pid = want_ok("getpid", sys(libc::SYS_getpid, &[]))?;
        if pid != i64::from(std::process::id()) {
            return Err(format!("getpid: {pid}"));
        }
        let _ = sys(libc::SYS_personality, &[0xffff_ffff]);
        Err("survived personality".into())
    })?
    .killed(&tail(3, "personality", "x86_64:policy"))
}

/// A fork-like raw `clone(flags | SIGCHLD)`; the child exits at once.
fn clone_and_reap(flags: libc::c_int) -> Result<(), String> {
    // SAFETY: no new stack: the child continues on a copy of ours, like
    // fork, and exits at once.
    let r =
        arch::nr64(unsafe { libc::syscall(libc::SYS_clone, flags | libc::SIGCHLD, 0, 0, 0, 0) });
    match r {
        // SAFETY: ends the child of the clone.
        0 => unsafe { libc::_exit(0) },
        -1 => Err(format!("clone({flags:#x}): {}", ename(errno()))),
        pid => match waitpid(Pid::from_raw(pid as i32), None) {
            Ok(WaitStatus::Exited(_, 0)) => Ok(()),
            other => Err(format!("clone child: {other:?}")),
        },
    }
}

fn mode2_policy_kills_clone_newuser() -> Result<(), String> {
    control(|| clone_and_reap(libc::CLONE_NEWUSER))?;
    run(M3, || {
        // A plain fork passes MODE2's clone check.
        clone_and_reap(0)?;
        clone_and_reap(libc::CLONE_NEWUSER)?;
        Err("survived clone(CLONE_NEWUSER)".into())
    })?
    .killed(&tail(3, "clone", "x86_64:policy"))
}

#[cfg(target_arch = "x86_64")]
fn ia32_int80_killed_by_undeclared_chain() -> Result<(), String> {
    control(|| {
        let pid = std::process::id() as i32;
        match int80(20, [0; 5]) {
            p if p == pid => Ok(()),
            other => Err(format!("ia32 getpid: {other}")),
        }
    })?;
    run(M3, || {
        int80(20, [0; 5]);
        Err("survived ia32 getpid".into())
    })?
    .killed(" mode=3 abi=ia32 syscall=20 (getpid) rule=ia32:policy")
}

#[cfg(target_arch = "x86_64")]
const X32_GETPID: u64 = 0x4000_0000 | 39;

#[cfg(target_arch = "x86_64")]
fn x32_killed_by_undeclared_chain() -> Result<(), String> {
    control(|| match syscall0(X32_GETPID) {
        p if p == i64::from(std::process::id()) => Ok(()),
        other => Err(format!("x32 getpid: {other}")),
    })?;
    run(M3, || {
        syscall0(X32_GETPID);
        Err("survived x32 getpid".into())
    })?
    .killed(&format!(
        " mode=3 abi=x32 syscall={X32_GETPID} (getpid) rule=x32:policy"
    ))
}

// ---------------------------------------------------------------------------
// Inheritance and transitions.

/// GET must say 3 and mkdir must be EACCES (the table decides).
fn in_table_3(who: &str) -> Result<(), String> {
    match get_mode() {
        Ok(3) => {}
        other => return Err(format!("{who}: GET {other:?}")),
    }
    want_err(&format!("{who}: mkdir"), mkdir(DIR), libc::EACCES)
}

fn fork_child_inherits_table_mode() -> Result<(), String> {
    remove(DIR);
    run_ok(M3, || {
        let (r, w) = pipe().map_err(|e| e.to_string())?;
        let o = in_child(|| match in_table_3("grandchild") {
            Ok(()) => 0,
            Err(e) => {
                write_fd(w.as_raw_fd(), e.as_bytes());
                1
            }
        })
        .map_err(|e| format!("fork: {e}"))?;
        drop(w);
        let mut said = String::new();
        let _ = File::from(r).read_to_string(&mut said);
        o.expect_exit(0).map_err(|e| format!("{e}: {said}"))
    })
    .map(drop)
}

fn threads_inherit_table_mode() -> Result<(), String> {
    remove(DIR);
    run_ok(Conf::None, || {
        // A thread that exists before the prctl, and one started after it.
        let entered = Arc::new(Barrier::new(2));
        let e2 = Arc::clone(&entered);
        let before = std::thread::spawn(move || {
            e2.wait();
            in_table_3("thread started before the prctl")
        });
        set_mode(3, 0).map_err(|e| format!("prctl(SET, 3): {e}"))?;
        entered.wait();
        let after = std::thread::spawn(|| in_table_3("thread started after the prctl"));
        before.join().map_err(|_| "thread panicked".to_owned())??;
        after.join().map_err(|_| "thread panicked".to_owned())??;
        in_table_3("main thread")
    })
    .map(drop)
}

fn set(mode: u64, flags: u64) -> Result<(), Errno> {
    set_mode(mode, flags)
}

/// `Ok` if `got` is `want` (`None` = success).
fn want_set(what: &str, got: Result<(), Errno>, want: Option<Errno>) -> Result<(), String> {
    match (got, want) {
        (Ok(()), None) => Ok(()),
        (Err(e), Some(w)) if e == w => Ok(()),
        (g, w) => Err(format!("{what}: {g:?}, want {w:?}")),
    }
}

fn transitions_from_table_mode_eperm_einval() -> Result<(), String> {
    // Table 4 is loaded: SET(4) is EPERM whether or not it exists.
    if !loaded_modes()?.contains(&4) {
        return Err("table 4 is not loaded".into());
    }
    run_ok(M3, || {
        use Errno::{EINVAL, EPERM};
        want_set("SET(3) again", set(3, 0), None)?;
        want_set("SET(2)", set(2, 0), Some(EPERM))?;
        want_set("SET(1)", set(1, 0), Some(EPERM))?;
        want_set("SET(0)", set(0, 0), Some(EPERM))?;
        want_set("SET(4), table 4 loaded", set(4, 0), Some(EPERM))?;
        want_set("SET(77), no table 77", set(ABSENT, 0), Some(EPERM))?;
        want_set("SET(3, LOG) (enforce -> complain)", set(3, 1), Some(EPERM))?;
        // Bad arguments first.
        want_set("SET(4, flags 2)", set(4, 2), Some(EINVAL))?;
        want_set("SET(3, flags 2)", set(3, 2), Some(EINVAL))?;
        want_set("SET(3, 0, 1, 0)", set_mode_raw(3, 0, 1, 0), Some(EINVAL))?;
        want_set("SET(2^31)", set(1 << 31, 0), Some(EINVAL))?;
        // GET with a non-zero unused argument.
        // SAFETY: prctl with integer arguments only.
        let r = unsafe { libc::prctl(PR_SECCOMP_MODE_GET, 1 as libc::c_ulong, 0, 0, 0) };
        if r != -1 || errno() != libc::EINVAL {
            return Err(format!("GET(1): {r}, {}", ename(errno())));
        }
        match get_mode() {
            Ok(3) => {}
            other => return Err(format!("GET after the refusals: {other:?}")),
        }
        // Still table 3: its rules decide.
        want_err("mkdir", mkdir(DIR), libc::EACCES)
    })
    .map(drop)
}

fn set_unloaded_table_is_enoent() -> Result<(), String> {
    run_ok(Conf::None, || {
        want_set("SET(77)", set(ABSENT, 0), Some(Errno::ENOENT))?;
        want_set(
            "SET(2147483647)",
            set(2_147_483_647, 0),
            Some(Errno::ENOENT),
        )?;
        want_set("SET(2147483648)", set(1 << 31, 0), Some(Errno::EINVAL))?;
        match get_mode() {
            Ok(0) => {}
            other => return Err(format!("GET after ENOENT: {other:?}")),
        }
        // Nothing changed: a static mode can still be entered.
        want_set("SET(2) after", set(2, 0), None)
    })
    .map(drop)
}

/// Drops to uid/gid 1000 (in a forked child).
fn become_user() -> Result<(), String> {
    // SAFETY: plain credential syscalls in a child that owns its creds.
    let ok = unsafe {
        libc::setgroups(0, std::ptr::null()) == 0
            && libc::setresgid(1000, 1000, 1000) == 0
            && libc::setresuid(1000, 1000, 1000) == 0
    };
    if ok {
        Ok(())
    } else {
        Err(format!("drop to uid 1000: {}", ename(errno())))
    }
}

/// As for a seccomp filter, entering a table needs no_new_privs or
/// CAP_SYS_ADMIN: else a user could run a set-user-ID program under a table
/// whose ERRNO rules (which apply in complain mode, where execve is only
/// logged) make its privilege drops fail. A user without no_new_privs gets
/// EACCES (in enforce and complain mode); with it, enters; root may.
fn unprivileged_entry_needs_no_new_privs() -> Result<(), String> {
    load(T3)?;
    run_ok(Conf::None, || {
        become_user()?;
        want_set("SET(3) as uid 1000", set(3, 0), Some(Errno::EACCES))?;
        want_set("SET(3, LOG) as uid 1000", set(3, 1), Some(Errno::EACCES))?;
        if get_mode() != Ok(0) {
            return Err("a refused entry changed the mode".into());
        }
        // SAFETY: prctl with integer arguments only.
        if unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) } != 0 {
            return Err(format!("PR_SET_NO_NEW_PRIVS: {}", ename(errno())));
        }
        want_set("SET(3) with no_new_privs", set(3, 0), None)?;
        match get_mode() {
            Ok(3) => Ok(()),
            other => Err(format!("GET: {other:?}")),
        }
    })?;
    // Root (CAP_SYS_ADMIN) needs no no_new_privs.
    run_ok(Conf::Mode(3, 0), || Ok(())).map(drop)
}

/// no_new_privs of one thread's own: `NoNewPrivs` of `/proc/thread-self`.
fn thread_nnp() -> Result<bool, String> {
    let status = std::fs::read_to_string("/proc/thread-self/status")
        .map_err(|e| format!("/proc/thread-self/status: {e}"))?;
    status
        .lines()
        .find_map(|l| l.strip_prefix("NoNewPrivs:"))
        .map(|v| v.trim() == "1")
        .ok_or_else(|| "no NoNewPrivs line".to_string())
}

/// no_new_privs is per thread, a table applies to the whole process: a
/// thread that existed before another set no_new_privs lacks it (shown by
/// its own status) and could still exec a set-user-ID program, so entering
/// is EACCES until every thread has it, and changes nothing.
fn entry_needs_no_new_privs_on_every_thread() -> Result<(), String> {
    load(T3)?;
    run_ok(Conf::None, || {
        become_user()?;
        // To B: 1 report your no_new_privs, 2 set it and report, 0 end.
        let (to_b, from_a) = std::sync::mpsc::channel::<u8>();
        let (to_a, from_b) = std::sync::mpsc::channel::<Result<bool, String>>();
        let b = std::thread::spawn(move || {
            while let Ok(cmd @ 1..=2) = from_a.recv() {
                // SAFETY: prctl with integer arguments only.
                let set =
                    cmd == 2 && unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) } != 0;
                let _ = to_a.send(if set {
                    Err(format!("PR_SET_NO_NEW_PRIVS in B: {}", ename(errno())))
                } else {
                    thread_nnp()
                });
            }
        });
        let ask_b = |cmd: u8| -> Result<bool, String> {
            to_b.send(cmd).map_err(|e| e.to_string())?;
            from_b.recv().map_err(|e| e.to_string())?
        };
        let result = (|| {
            // SAFETY: prctl with integer arguments only.
            if unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) } != 0 {
                return Err(format!("PR_SET_NO_NEW_PRIVS: {}", ename(errno())));
            }
            // The control: this thread has it, B (older) does not.
            if !thread_nnp()? || ask_b(1)? {
                return Err("no_new_privs is not per thread here: nothing to test".into());
            }
            want_set(
                "SET(3) while thread B lacks no_new_privs",
                set(3, 0),
                Some(Errno::EACCES),
            )?;
            want_set(
                "SET(3, LOG) while thread B lacks no_new_privs",
                set(3, 1),
                Some(Errno::EACCES),
            )?;
            if get_mode() != Ok(0) {
                return Err("a refused entry changed the mode".into());
            }
            if !ask_b(2)? {
                return Err("B's no_new_privs did not show".into());
            }
            want_set("SET(3) once every thread has it", set(3, 0), None)?;
            match get_mode() {
                Ok(3) => Ok(()),
                other => Err(format!("GET: {other:?}")),
            }
        })();
        let _ = to_b.send(0);
        let _ = b.join();
        result
    })
    .map(drop)
}

fn static_mode_to_table_is_eperm() -> Result<(), String> {
    run_ok(Conf::Mode(2, 0), || {
        want_set("SET(3) from mode 2", set(3, 0), Some(Errno::EPERM))?;
        want_set("SET(77) from mode 2", set(ABSENT, 0), Some(Errno::EPERM))?;
        match get_mode() {
            Ok(2) => Ok(()),
            other => Err(format!("GET: {other:?}")),
        }
    })
    .map(drop)
}

fn complain_to_enforce_allowed() -> Result<(), String> {
    run(Conf::Mode(3, SECCOMP_MODE_FLAG_LOG), || {
        want_set("SET(3, LOG) again", set(3, SECCOMP_MODE_FLAG_LOG), None)?;
        want_set("SET(3, 0)", set(3, 0), None)?;
        match get_mode() {
            Ok(3) => {}
            other => return Err(format!("GET: {other:?}")),
        }
        want_set(
            "SET(3, LOG) after enforce",
            set(3, SECCOMP_MODE_FLAG_LOG),
            Some(Errno::EPERM),
        )?;
        // Enforced now: the kill rule kills.
        let _ = sys(libc::SYS_getppid, &[]);
        Err("survived getppid after complain -> enforce".into())
    })?
    .killed(&tail(3, "getppid", "x86_64#6"))
}

fn complain_mode_logs_kill_and_policy_and_runs() -> Result<(), String> {
    let parent = std::process::id();
    let r = run_ok(Conf::Mode(3, SECCOMP_MODE_FLAG_LOG), || {
        let ppid = want_ok("getppid (KILL rule)", sys(libc::SYS_getppid, &[]))?;
        if ppid != i64::from(parent) {
            return Err(format!("getppid: {ppid}"));
        }
        want_ok(
            "personality (MODE2 policy)",
            sys(libc::SYS_personality, &[0xffff_ffff]),
        )?;
        // ERRNO rules still apply.
        want_err("mkdir", mkdir(DIR), libc::EACCES)
    })?;
    for tail in [
        tail(3, "getppid", "x86_64#6"),
        tail(3, "personality", "x86_64:policy"),
    ] {
        if log_count("logged", r.pid, &tail)? != 1 {
            return Err(format!(
                "want one line 'seccomp_mode: logged pid={} comm=...{tail}'",
                r.pid
            ));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Counters and listing.

const T12: &str = "\
*mode 12 count
:x86_64 MODE2
-A x86_64 -s getpid -j ERRNO EPERM
-A x86_64 -s getppid -j LOG
COMMIT
";

fn counters_count_hits_and_list_shows_them() -> Result<(), String> {
    load(T12)?;
    let before = save(false)?;
    let before_c = save(true)?;
    run_ok(Conf::Mode(12, 0), || {
        for _ in 0..5 {
            want_err("getpid", sys(libc::SYS_getpid, &[]), libc::EPERM)?;
        }
        for _ in 0..3 {
            want_ok("getppid", sys(libc::SYS_getppid, &[]))?;
        }
        Ok(())
    })?;
    let after_c = save(true)?;
    for want in [
        "[5] -A x86_64 -s getpid -j ERRNO EPERM\n",
        "[3] -A x86_64 -s getppid -j LOG\n",
    ] {
        if !after_c.contains(&native_rules(want)) {
            return Err(format!("save -c lacks {want:?}:\n{after_c}"));
        }
    }
    if after_c == before_c {
        return Err("save -c did not change".into());
    }
    // Counters changed; save without -c did not.
    let after = save(false)?;
    if after != before {
        return Err(format!(
            "save changed with the counters:\n{before}---\n{after}"
        ));
    }
    let list = smctl(&["-L", "-t", "12", "-v", "-n", "--line-numbers"], None)?.ok("-L")?;
    let rows: Vec<Vec<&str>> = list
        .lines()
        .map(|l| l.split_whitespace().collect())
        .collect();
    let (getpid, getppid) = (libc::SYS_getpid.to_string(), libc::SYS_getppid.to_string());
    for want in [
        &["1", "5", "ERRNO", "1", getpid.as_str()][..],
        &["2", "3", "LOG", getppid.as_str()][..],
        &["num", "hits", "target", "syscalls", "args"][..],
    ] {
        if !rows.iter().any(|r| r == want) {
            return Err(format!("smctl -L lacks a row {want:?}:\n{list}"));
        }
    }
    if !list.starts_with(&native_rules(
        "Table 12 \"count\"\nChain x86_64 (policy MODE2, ",
    )) {
        return Err(format!("smctl -L header:\n{list}"));
    }
    // By names without -n.
    let named = smctl(&["-L", "-t", "12"], None)?.ok("-L")?;
    if !named
        .lines()
        .any(|l| l.split_whitespace().collect::<Vec<_>>() == ["ERRNO", "EPERM", "getpid"])
    {
        return Err(format!("smctl -L without -n:\n{named}"));
    }
    // smctl zero -t 12: the dump shows no hits; then it counts again.
    smctl(&["zero", "-t", "12"], None)?.ok("zero")?;
    let zeroed = save(true)?;
    if !zeroed.contains(&native_rules("[0] -A x86_64 -s getpid -j ERRNO EPERM\n")) {
        return Err(format!("save -c after zero:\n{zeroed}"));
    }
    run_ok(Conf::Mode(12, 0), || {
        want_err("getpid", sys(libc::SYS_getpid, &[]), libc::EPERM)
    })?;
    if !save(true)?.contains(&native_rules("[1] -A x86_64 -s getpid -j ERRNO EPERM\n")) {
        return Err("zeroed counter does not count again".into());
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Who may use the device.

/// The open of the device must fail with `EPERM`.
fn open_device_eperm() -> Result<(), String> {
    for (name, flags) in [("O_RDONLY", libc::O_RDONLY), ("O_RDWR", libc::O_RDWR)] {
        match openat("/dev/seccomp_mode", flags) {
            Err(libc::EPERM) => {}
            Err(e) => return Err(format!("open device {name}: {}, want EPERM", ename(e))),
            Ok(fd) => {
                close(fd);
                return Err(format!("open device {name} succeeded"));
            }
        }
    }
    Ok(())
}

/// What a confined child says when the module's object check, not the
/// device, refused its opens of the device (both with `EACCES`).
const BY_OBJECT_CHECK: &str = "EACCES";

/// A confined child's opens of the device (`flags` of them): all `EPERM`
/// (the device's own check), or all `EACCES` (the module's object check on
/// character devices, which runs first), reported as [`BY_OBJECT_CHECK`].
fn open_device_refused(all: &[(&str, i32)]) -> Result<(), String> {
    let mut errnos = Vec::new();
    for &(name, flags) in all {
        match openat("/dev/seccomp_mode", flags) {
            Err(e @ (libc::EPERM | libc::EACCES)) => errnos.push(e),
            Err(e) => return Err(format!("open device {name}: {}", ename(e))),
            Ok(fd) => {
                close(fd);
                return Err(format!("open device {name} succeeded"));
            }
        }
    }
    if errnos.iter().all(|&e| e == libc::EPERM) {
        Ok(())
    } else if errnos.iter().all(|&e| e == libc::EACCES) {
        Err(BY_OBJECT_CHECK.into())
    } else {
        Err(format!("mixed errnos: {errnos:?}"))
    }
}

/// `Ok` if the confined child of `r` (in table `mode`) was refused the
/// device: by the device (`EPERM`) or by the object check (`EACCES` and
/// its `refused ... open=chardev:M:m` line).
fn device_refused(r: &Run, mode: u8) -> Result<(), String> {
    match (r.outcome, r.said.as_str()) {
        (Outcome::Exited(0), _) => {
            println!("# table {mode}: the device refused the open (EPERM)");
            Ok(())
        }
        (Outcome::Exited(1), BY_OBJECT_CHECK) => {
            let m = std::fs::metadata("/dev/seccomp_mode").map_err(|e| e.to_string())?;
            let rdev = std::os::unix::fs::MetadataExt::rdev(&m);
            let object = format!("open=chardev:{}:{}", libc::major(rdev), libc::minor(rdev));
            let tail = format!(" mode={mode} {object}");
            if log_count("refused", r.pid, &tail)? == 0 {
                return Err(format!(
                    "EACCES without a line 'seccomp_mode: refused pid={} comm=...{tail}'",
                    r.pid
                ));
            }
            println!("# table {mode}: the object check refused the open (EACCES, {object})");
            Ok(())
        }
        _ => r.ok(),
    }
}

fn confined_root_cannot_open_device() -> Result<(), String> {
    load(T5)?;
    control(|| {
        let fd = want_ok("open device", openat("/dev/seccomp_mode", libc::O_RDWR))?;
        close(fd);
        Ok(())
    })?;
    let r = run(Conf::Mode(5, 0), || {
        // SAFETY: geteuid has no arguments.
        if unsafe { libc::geteuid() } != 0 {
            return Err("not root".into());
        }
        open_device_refused(&[("O_RDONLY", libc::O_RDONLY), ("O_RDWR", libc::O_RDWR)])
    })?;
    device_refused(&r, 5)?;
    // Table 3 lets O_RDONLY opens through (O_RDWR is its own EACCES).
    let r = run(M3, || open_device_refused(&[("O_RDONLY", libc::O_RDONLY)]))?;
    device_refused(&r, 3)
}

/// A table the confined child tries to commit through the passed fd.
const T6: &str = "*mode 6 smuggled\n:x86_64 MODE2\nCOMMIT\n";

fn device_fd_passed_to_confined_process_is_useless() -> Result<(), String> {
    let before = save(false)?;
    let mut dev = dev_open()?;
    // Staged by the parent: a commit on this fd would load table 6.
    dev.write_all(native_rules(T6).as_bytes())
        .map_err(|e| format!("write: {e}"))?;
    let (parent_end, child_end) = socketpair(
        AddressFamily::Unix,
        SockType::Stream,
        None,
        SockFlag::SOCK_CLOEXEC,
    )
    .map_err(|e| format!("socketpair: {e}"))?;
    // In flight before the child is confined; it receives it afterwards.
    sendmsg::<()>(
        parent_end.as_raw_fd(),
        &[IoSlice::new(b"F")],
        &[ControlMessage::ScmRights(&[dev.as_raw_fd()])],
        MsgFlags::empty(),
        None,
    )
    .map_err(|e| format!("sendmsg: {e}"))?;
    let cfd = child_end.as_raw_fd();
    let r = run(Conf::Mode(5, 0), move || {
        let mut buf = [0u8; 1];
        let mut iov = [IoSliceMut::new(&mut buf)];
        let mut space = nix::cmsg_space!([RawFd; 1]);
        let msg = recvmsg::<()>(cfd, &mut iov, Some(&mut space), MsgFlags::empty())
            .map_err(|e| format!("recvmsg: {e}"))?;
        let fd = msg
            .cmsgs()
            .map_err(|e| e.to_string())?
            .find_map(|c| match c {
                ControlMessageOwned::ScmRights(fds) => fds.first().copied(),
                _ => None,
            })
            .ok_or("no fd received")?;
        let (r, e, _) = ioctl_commit(fd, 0);
        if r != -1 || e != libc::EPERM {
            return Err(format!("commit on the passed fd: {r}, {}", ename(e)));
        }
        let mut b = [0u8; 64];
        let n = read_fd(fd, &mut b);
        if n != -1 || errno() != libc::EPERM {
            return Err(format!("read on the passed fd: {n}, {}", ename(errno())));
        }
        let n = write_fd(fd, b"*mode 7\n");
        if n != -1 || errno() != libc::EPERM {
            return Err(format!("write on the passed fd: {n}, {}", ename(errno())));
        }
        Ok(())
    });
    let after = save(false)?;
    // The control: the same fd works in the unconfined parent, and commits
    // the text it staged.
    let mut text = Vec::new();
    let read = (&dev).read_to_end(&mut text);
    let (c, e, _) = ioctl_commit(dev.as_raw_fd(), 0);
    let loaded6 = has_table(&save(false)?, 6);
    if loaded6 {
        delete_tables(&[6])?;
    }
    r?.ok()?;
    if after != before {
        return Err("the confined child's commit changed the tables".into());
    }
    read.map_err(|e| format!("control: read in the parent: {e}"))?;
    if c != 0 || !loaded6 {
        return Err(format!(
            "control: commit in the parent: {c}, {}, table 6 loaded: {loaded6}",
            ename(e)
        ));
    }
    Ok(())
}

fn root_in_user_namespace_cannot_open_device() -> Result<(), String> {
    run_ok(Conf::None, || {
        let fd = want_ok(
            "open device before unshare",
            openat("/dev/seccomp_mode", libc::O_RDWR),
        )?;
        close(fd);
        want_ok(
            "unshare(CLONE_NEWUSER)",
            sys(libc::SYS_unshare, &[libc::CLONE_NEWUSER as u64]),
        )?;
        // Root in the namespace is root outside: DAC lets the open through
        // to the device's own check.
        std::fs::write("/proc/self/uid_map", "0 0 1").map_err(|e| format!("uid_map: {e}"))?;
        open_device_eperm()
    })
    .map(drop)
}

// ---------------------------------------------------------------------------
// Commits.

const T8: &str = "*mode 8 busy\n:x86_64 MODE2\nCOMMIT\n";

fn delete_of_table_in_use_is_ebusy() -> Result<(), String> {
    load(T8)?;
    let parked = Parked::start(8, || 0)?;
    let before = save(false)?;
    let r = restore("*mode 8 delete\nCOMMIT\n", &[])?;
    let after = save(false)?;
    parked.finish()?;
    r.refused("delete while confined", libc::EBUSY)?;
    if after != before {
        return Err("a refused delete changed the tables".into());
    }
    load("*mode 8 delete\nCOMMIT\n")?;
    if has_table(&save(false)?, 8) {
        return Err("table 8 still loaded after its delete".into());
    }
    Ok(())
}

fn delete_of_unknown_table_is_enoent() -> Result<(), String> {
    let before = save(false)?;
    restore("*mode 78 delete\nCOMMIT\n", &[])?.refused("delete of table 78", libc::ENOENT)?;
    if save(false)? != before {
        return Err("a refused delete changed the tables".into());
    }
    Ok(())
}

/// A valid first table (that would replace table 3) and a second one with
/// an unknown syscall at line 8, column 14.
const BAD_SECOND: &str = "\
*mode 3 replaced
:x86_64 KILL
-A x86_64 -s getpid -j ALLOW
COMMIT
*mode 9 broken
:x86_64 MODE2
# the next line has an unknown syscall
-A x86_64 -s no_such_call -j ALLOW
COMMIT
";

/// Where smctl reports [`BAD_SECOND`]'s unknown syscall: `<stdin>:8:14: `
/// (the column of the native text's).
fn bad_second_error_at() -> String {
    let line = native_rules("-A x86_64 -s no_such_call");
    let col = line.find("no_such_call").unwrap_or(0) + 1;
    format!("<stdin>:8:{col}: ")
}

fn malformed_upload_reports_line_col_and_changes_nothing() -> Result<(), String> {
    let before = save(false)?;
    let before_c = dev_read()?;
    let r = restore(BAD_SECOND, &[])?;
    r.refused("malformed upload", libc::EINVAL)?;
    let second = r.err.lines().nth(1).unwrap_or("");
    let at = bad_second_error_at();
    if !second.starts_with(&at) {
        return Err(format!("no '{at}message' line: {:?}", r.err));
    }
    if save(false)? != before || dev_read()? != before_c {
        return Err("a refused upload changed the tables or counters".into());
    }
    // More kinds of errors, through the device: each an errno, a line and
    // column, and no change.
    let cases: &[(&str, i32, u32)] = &[
        ("*mode 3\n:x86_64 MODE2\n-A x86_64 -s execve -j ALLOW\nCOMMIT\n", libc::EINVAL, 3),
        ("*mode 3\n:x86_64 MODE2\n-A x86_64 -s ioctl --a1:u64 eq 0x5412 -j ALLOW\nCOMMIT\n", libc::EINVAL, 3),
        ("*mode 3\n:x86_64 MODE2\n-A x86_64 -s getpid -j ERRNO ENOPE\nCOMMIT\n", libc::EINVAL, 3),
        ("*mode 3\n:x86_64 MODE2\n-A x86_64 -s getpid -j ALLOW\n", libc::EINVAL, 1),
        ("*mode 2\n:x86_64 MODE2\nCOMMIT\n", libc::EINVAL, 1),
        (
            "*mode 3\n:x86_64 MODE2\n-A x86_64 -s getpriority --a0:u32 in 1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17 -j ALLOW\nCOMMIT\n",
            libc::E2BIG,
            3,
        ),
    ];
    for &(text, errno, line) in cases {
        match dev_commit(text.as_bytes(), 0)? {
            Ok(()) => return Err(format!("accepted:\n{text}")),
            Err(r) if r.errno == errno && r.line == line && r.col > 0 && !r.msg.is_empty() => {}
            Err(r) => {
                return Err(format!(
                    "{r:?}, want {} at line {line}, for:\n{text}",
                    ename(errno)
                ))
            }
        }
    }
    if save(false)? != before || dev_read()? != before_c {
        return Err("a refused upload changed the tables or counters".into());
    }
    Ok(())
}

/// Would replace table 3 and add table 9.
const CHANGE: &str = "\
*mode 3 changed
:x86_64 MODE2
-A x86_64 -s mkdir -j ERRNO EPERM
COMMIT
*mode 9 added
:x86_64 MODE2
COMMIT
";

fn test_commit_changes_nothing() -> Result<(), String> {
    let before = save(false)?;
    restore(CHANGE, &["--test"])?.ok("restore --test")?;
    if save(false)? != before {
        return Err("restore --test changed the tables".into());
    }
    let r = restore(BAD_SECOND, &["--test"])?;
    r.refused("restore --test of a malformed text", libc::EINVAL)?;
    if !r.err.contains(&bad_second_error_at()) {
        return Err(format!("restore --test error: {:?}", r.err));
    }
    // Through the device as well.
    dev_commit(CHANGE.as_bytes(), COMMIT_TEST)?.map_err(|r| format!("test commit: {r:?}"))?;
    if save(false)? != before {
        return Err("a test commit changed the tables".into());
    }
    Ok(())
}

fn loosening_commit_needs_loosen_flag_and_applies_live() -> Result<(), String> {
    remove(DIR);
    let loose = T3.replace("-s mkdir -j ERRNO EACCES", "-s mkdir -j ALLOW");
    // The parked child's mkdir after the commit: 0 if it ran.
    let parked = Parked::start(3, || match mkdir(DIR) {
        Ok(_) => 0,
        Err(e) => e,
    })?;
    let before = save(false)?;
    let refused = restore(&loose, &[])?;
    let tested = restore(&loose, &["--test"])?;
    let unchanged = save(false)? == before;
    let loosened = restore(&loose, &["--loosen"])?;
    let outcome = parked.go()?;
    remove(DIR);
    // Back to the original table (tightening: no flag needed).
    load(T3)?;
    refused.refused("loosening commit", libc::EPERM)?;
    let mkdir_name = rule_call("mkdir").name;
    if !refused.err.contains(mkdir_name) {
        return Err(format!(
            "refusal does not name {mkdir_name}: {:?}",
            refused.err
        ));
    }
    tested.refused("loosening test commit", libc::EPERM)?;
    if !unchanged {
        return Err("a refused loosening commit changed the tables".into());
    }
    loosened.ok("restore --loosen")?;
    outcome
        .expect_exit(0)
        .map_err(|e| format!("mkdir of the confined process after the loosening: {e}"))
}

fn tightening_commit_applies_to_running_process() -> Result<(), String> {
    let tight = T3.replace(
        "-A x86_64 -s mkdir -j ERRNO EACCES\n",
        "-A x86_64 -s mkdir -j ERRNO EACCES\n-A x86_64 -s getpid -j ERRNO ENOLINK\n",
    );
    let parked = Parked::start(3, || match sys(libc::SYS_getpid, &[]) {
        Err(libc::ENOLINK) => 0,
        Err(e) => e,
        Ok(_) => 100,
    })?;
    let r = restore(&tight, &[]);
    let outcome = parked.go();
    load(T3)?;
    r?.ok("tightening commit")?;
    outcome?
        .expect_exit(0)
        .map_err(|e| format!("getpid under the new table: {e}"))
}

fn module_state() -> Result<Option<String>, String> {
    let modules =
        std::fs::read_to_string("/proc/modules").map_err(|e| format!("/proc/modules: {e}"))?;
    Ok(modules
        .lines()
        .find(|l| l.starts_with("seccomp_mode "))
        .and_then(|l| l.split_whitespace().nth(4))
        .map(str::to_owned))
}

fn rmmod_refused_while_confined_in_table() -> Result<(), String> {
    let parked = Parked::start(3, || 0)?;
    let r = delete_module(c"seccomp_mode", DeleteModuleFlags::O_NONBLOCK);
    let still = module_state()?;
    parked.finish()?;
    match (r, still.as_deref()) {
        (Err(Errno::EWOULDBLOCK), Some("Live")) => Ok(()),
        other => Err(format!("rmmod while confined in table 3: {other:?}")),
    }
}

/// An open descriptor of the device keeps the module loaded (Rust's
/// `MiscDevice` sets no file-operations owner; the device takes a module
/// reference at open): `rmmod` while it is open must fail and leave the
/// descriptor usable.
fn rmmod_refused_while_device_open() -> Result<(), String> {
    let mut f = dev_open()?;
    let r = delete_module(c"seccomp_mode", DeleteModuleFlags::O_NONBLOCK);
    let still = module_state()?;
    let mut text = Vec::new();
    let read = f
        .read_to_end(&mut text)
        .map_err(|e| format!("read after rmmod: {e}"));
    drop(f);
    match (r, still.as_deref(), read) {
        (Err(Errno::EWOULDBLOCK), Some("Live"), Ok(_)) => Ok(()),
        other => Err(format!("rmmod with the device open: {other:?}")),
    }
}

// ---------------------------------------------------------------------------
// A commit storm under running threads.

const RACE_A: &str = "\
*mode 10 a
:x86_64 MODE2
-A x86_64 -s getpid -j ERRNO EPERM
-A x86_64 -s getppid -j ERRNO EPERM
COMMIT
";
const RACE_B: &str = "\
*mode 10 b
:x86_64 MODE2
-A x86_64 -s getppid -j ERRNO ENOENT
-A x86_64 -s getpid -j ERRNO ENOENT
COMMIT
";
const RACE_COMMITS: usize = 1000;
const RACE_THREADS: usize = 4;

/// The confined side: threads started before the prctl call getpid until
/// the parent writes to `stop`; the counts of EPERM, ENOENT and anything
/// else go to `report`.
fn race_child(stop: RawFd, report: RawFd) -> i32 {
    let counts = Arc::new([AtomicU64::new(0), AtomicU64::new(0), AtomicU64::new(0)]);
    let done = Arc::new(AtomicBool::new(false));
    let start = Arc::new(Barrier::new(RACE_THREADS + 1));
    let threads: Vec<_> = (0..RACE_THREADS)
        .map(|_| {
            let (counts, done, start) =
                (Arc::clone(&counts), Arc::clone(&done), Arc::clone(&start));
            std::thread::spawn(move || {
                start.wait();
                while !done.load(Ordering::Relaxed) {
                    let i = match sys(libc::SYS_getpid, &[]) {
                        Err(libc::EPERM) => 0,
                        Err(libc::ENOENT) => 1,
                        _ => 2,
                    };
                    counts[i].fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    let entered = set_mode(10, 0).is_ok();
    // Ready (or not): the parent starts committing.
    write_fd(report, &[u8::from(entered)]);
    start.wait();
    let mut b = [0u8];
    read_fd(stop, &mut b);
    done.store(true, Ordering::Relaxed);
    for t in threads {
        let _ = t.join();
    }
    let mut out = Vec::new();
    for c in counts.iter() {
        out.extend_from_slice(&c.load(Ordering::Relaxed).to_ne_bytes());
    }
    write_fd(report, &out);
    if entered {
        0
    } else {
        10
    }
}

fn commits_race_with_four_threads() -> Result<(), String> {
    load(RACE_A)?;
    let (stop_r, stop_w) = pipe().map_err(|e| e.to_string())?;
    let (rep_r, rep_w) = pipe().map_err(|e| e.to_string())?;
    // SAFETY: the child runs race_child and `_exit`s.
    let child = match unsafe { libc::fork() } {
        -1 => return Err(format!("fork: {}", ename(errno()))),
        0 => {
            drop(stop_w);
            drop(rep_r);
            let code = race_child(stop_r.as_raw_fd(), rep_w.as_raw_fd());
            // SAFETY: ends the child.
            unsafe { libc::_exit(code) }
        }
        pid => Pid::from_raw(pid),
    };
    drop(stop_r);
    drop(rep_w);
    let mut rep = File::from(rep_r);
    let mut ready = [0u8];
    let ready_ok = rep.read_exact(&mut ready).is_ok() && ready[0] == 1;
    let t0 = Instant::now();
    let mut failures = Vec::new();
    if ready_ok {
        let mut dev = dev_open()?;
        for i in 0..RACE_COMMITS {
            let text = if i % 2 == 0 { RACE_B } else { RACE_A };
            match commit_on(&mut dev, text.as_bytes(), 0) {
                Ok(Ok(())) => {}
                Ok(Err(r)) => failures.push(format!("commit {i}: {r:?}")),
                Err(e) => failures.push(format!("commit {i}: {e}")),
            }
            if failures.len() > 5 {
                break;
            }
        }
    }
    let elapsed = t0.elapsed();
    write_fd(stop_w.as_raw_fd(), b"s");
    drop(stop_w);
    let mut out = Vec::new();
    let _ = rep.read_to_end(&mut out);
    let status = waitpid(child, None).map_err(|e| format!("waitpid: {e}"))?;
    let _ = dev_commit(b"*mode 10 delete\nCOMMIT\n", 0);
    if !ready_ok {
        return Err(format!("child could not enter table 10: {status:?}"));
    }
    if !failures.is_empty() {
        return Err(failures.join("; "));
    }
    if status != WaitStatus::Exited(child, 0) || out.len() != 24 {
        return Err(format!("child: {status:?}, report of {} bytes", out.len()));
    }
    let n = |i: usize| u64::from_ne_bytes(out[i * 8..i * 8 + 8].try_into().unwrap_or([0; 8]));
    let (eperm, enoent, other) = (n(0), n(1), n(2));
    println!(
        "# {RACE_COMMITS} commits in {} ms; getpid: {eperm} EPERM (table a), {enoent} ENOENT (table b), {other} other",
        elapsed.as_millis()
    );
    if other != 0 || eperm == 0 || enoent == 0 {
        return Err(format!(
            "every getpid must be decided by table a or b, and both seen: {eperm} EPERM, {enoent} ENOENT, {other} other"
        ));
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// Random uploads.

/// xorshift64*: a fixed seed, so that a failure can be replayed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

const TOKENS: &[&str] = &[
    " ",
    "\n",
    "#",
    "-",
    ",",
    "!",
    "0",
    "x",
    ":",
    "*",
    "\t",
    "-j",
    "ALLOW",
    "KILL",
    "LOG",
    "MODE1",
    "ERRNO",
    "--a1:u64",
    "--a0:s32",
    "in",
    "masked",
    "bits-set",
    "execve",
    "io_uring_setup",
    "*mode 4",
    "*mode 3 delete",
    "COMMIT",
    "0xffffffffffffffff",
    "-A ia32",
    ":x32 KILL",
    "-s",
    "prio",
    ":prio ia32",
    "-j prio",
    "4096",
    "-1",
    "\u{e9}",
    "\u{0}",
];

/// `base` with one to three random mutations.
fn mutate(rng: &mut Rng, base: &str) -> Vec<u8> {
    let mut t = base.as_bytes().to_vec();
    for _ in 0..1 + rng.below(3) {
        let at = rng.below(t.len() + 1);
        match rng.below(5) {
            0 if at < t.len() => {
                let tok = TOKENS[rng.below(TOKENS.len())].as_bytes();
                t[at] = tok[0];
            }
            1 => {
                let end = (at + rng.below(12)).min(t.len());
                t.drain(at..end);
            }
            2 => {
                let tok = TOKENS[rng.below(TOKENS.len())].as_bytes();
                t.splice(at..at, tok.iter().copied());
            }
            3 => {
                // Duplicate a line.
                let lines: Vec<&[u8]> = t.split(|&b| b == b'\n').collect();
                let i = rng.below(lines.len());
                let mut out: Vec<u8> = Vec::new();
                for (j, l) in lines.iter().enumerate() {
                    out.extend_from_slice(l);
                    out.push(b'\n');
                    if j == i {
                        out.extend_from_slice(l);
                        out.push(b'\n');
                    }
                }
                t = out;
            }
            _ => {
                // Swap two lines.
                let mut lines: Vec<Vec<u8>> =
                    t.split(|&b| b == b'\n').map(<[u8]>::to_vec).collect();
                let (i, j) = (rng.below(lines.len()), rng.below(lines.len()));
                lines.swap(i, j);
                t = lines.join(&b'\n');
            }
        }
    }
    t
}

const RANDOM_UPLOADS: usize = 300;

fn random_uploads_never_change_save() -> Result<(), String> {
    let baseline = format!("{T3}{T4}{T5}");
    reset_tables(Some(&baseline))?;
    // Raw: a refused upload changes not even the generation.
    let mut before = dev_read()?;
    let tables_before = dev_tables()?;
    let mut rng = Rng(0x5eed_0000_0000_0011);
    let (mut refused, mut accepted) = (0, 0);
    for i in 0..RANDOM_UPLOADS {
        let text = mutate(&mut rng, &baseline);
        let lines = text.split(|&b| b == b'\n').count() as u32;
        match dev_commit(&text, 0)? {
            Err(r) => {
                refused += 1;
                if r.errno <= 0 || r.line > lines || r.msg.is_empty() {
                    return Err(format!(
                        "upload {i}: odd refusal {r:?} for:\n{}",
                        String::from_utf8_lossy(&text)
                    ));
                }
                let now = dev_read()?;
                if now != before {
                    return Err(format!(
                        "upload {i} was refused ({r:?}) but the tables changed; text:\n{}",
                        String::from_utf8_lossy(&text)
                    ));
                }
            }
            Ok(()) => {
                accepted += 1;
                reset_tables(Some(&baseline))?;
                if dev_tables()? != tables_before {
                    return Err("reloading the baseline gave other tables".into());
                }
                before = dev_read()?;
            }
        }
    }
    println!("# {RANDOM_UPLOADS} random uploads: {refused} refused, {accepted} accepted");
    reset_tables(Some(&format!("{T3}{T4}")))
}

// ---------------------------------------------------------------------------
// Limits.

fn limits_64_tables_and_256k_text() -> Result<(), String> {
    let loaded = loaded_modes()?;
    let free = 64usize
        .checked_sub(loaded.len())
        .ok_or("more than 64 tables loaded")?;
    let fill: Vec<u32> = (1000..).take(free).collect();
    let text: String = fill
        .iter()
        .map(|m| format!("*mode {m}\n:x86_64 MODE2\nCOMMIT\n"))
        .collect();
    let filled = dev_commit(text.as_bytes(), 0)?;
    let one_more = dev_commit(b"*mode 2000\n:x86_64 MODE2\nCOMMIT\n", 0)?;
    let count = loaded_modes()?.len();
    delete_tables(&fill)?;
    filled.map_err(|r| format!("filling up to 64 tables: {r:?}"))?;
    match one_more {
        Err(r) if r.errno == libc::ENOSPC => {}
        other => return Err(format!("65th table: {other:?}, want ENOSPC")),
    }
    if count != 64 {
        return Err(format!("{count} tables loaded, want 64"));
    }
    // 256 KiB of text is accepted, one byte more is not.
    let table = native_rules("*mode 1000\n:x86_64 MODE2\nCOMMIT\n");
    let pad = 256 * 1024 - table.len();
    // `n` bytes of comment lines (a last line of one byte is blank).
    let comment = |n: usize| {
        let mut s = String::new();
        while n - s.len() >= 100 {
            s.push('#');
            s.push_str(&"x".repeat(98));
            s.push('\n');
        }
        match n - s.len() {
            0 => {}
            1 => s.push('\n'),
            rest => {
                s.push('#');
                s.push_str(&"x".repeat(rest - 2));
                s.push('\n');
            }
        }
        s
    };
    let exact = format!("{}{table}", comment(pad));
    if exact.len() != 256 * 1024 {
        return Err(format!("test text of {} bytes", exact.len()));
    }
    restore(&exact, &[])?.ok("256 KiB text")?;
    let over = format!("#\n{exact}");
    let r = restore(&over, &[])?;
    delete_tables(&[1000])?;
    r.refused("256 KiB + 2 text", libc::E2BIG)?;
    if !r.err.contains("larger than 256 KiB") {
        return Err(format!("256 KiB + 2 text: {:?}", r.err));
    }
    Ok(())
}

fn cleanup_deletes_every_table() -> Result<(), String> {
    reset_tables(None)?;
    let left = dev_tables()?;
    if !left.is_empty() {
        return Err(format!("tables left: {}", String::from_utf8_lossy(&left)));
    }
    remove(FILE);
    remove(DIR);
    Ok(())
}

type Case = (&'static str, fn() -> Result<(), String>);

const CASES: &[Case] = &[
    (
        "device_node_is_0600_char_device",
        device_node_is_0600_char_device,
    ),
    ("smctl_restore_loads_table_3", smctl_restore_loads_table_3),
    (
        "smctl_save_is_canonical_deterministic_and_round_trips",
        smctl_save_is_canonical_deterministic_and_round_trips,
    ),
    (
        "enter_table_mode_get_returns_3",
        enter_table_mode_get_returns_3,
    ),
    (
        "openat_rdonly_allowed_wronly_rdwr_eacces",
        openat_rdonly_allowed_wronly_rdwr_eacces,
    ),
    (
        "ioctl_allowed_cmds_run_tiocsti_eperm_also_with_upper_bits",
        ioctl_allowed_cmds_run_tiocsti_eperm_also_with_upper_bits,
    ),
    ("mkdir_errno_eacces", mkdir_errno_eacces),
    (
        "kill_rule_kills_and_logs_rule_number",
        kill_rule_kills_and_logs_rule_number,
    ),
    (
        "log_rule_logs_once_and_continues",
        log_rule_logs_once_and_continues,
    ),
    ("enosys_target", enosys_target),
    (
        "mode1_target_allows_read_kills_getpgrp",
        mode1_target_allows_read_kills_getpgrp,
    ),
    ("user_chain_jump_and_return", user_chain_jump_and_return),
    (
        "mode2_policy_allows_getpid_kills_personality",
        mode2_policy_allows_getpid_kills_personality,
    ),
    (
        "mode2_policy_kills_clone_newuser",
        mode2_policy_kills_clone_newuser,
    ),
    #[cfg(target_arch = "x86_64")]
    (
        "ia32_int80_killed_by_undeclared_chain",
        ia32_int80_killed_by_undeclared_chain,
    ),
    #[cfg(target_arch = "x86_64")]
    (
        "x32_killed_by_undeclared_chain",
        x32_killed_by_undeclared_chain,
    ),
    (
        "fork_child_inherits_table_mode",
        fork_child_inherits_table_mode,
    ),
    ("threads_inherit_table_mode", threads_inherit_table_mode),
    (
        "transitions_from_table_mode_eperm_einval",
        transitions_from_table_mode_eperm_einval,
    ),
    ("set_unloaded_table_is_enoent", set_unloaded_table_is_enoent),
    (
        "static_mode_to_table_is_eperm",
        static_mode_to_table_is_eperm,
    ),
    (
        "unprivileged_entry_needs_no_new_privs",
        unprivileged_entry_needs_no_new_privs,
    ),
    (
        "entry_needs_no_new_privs_on_every_thread",
        entry_needs_no_new_privs_on_every_thread,
    ),
    ("complain_to_enforce_allowed", complain_to_enforce_allowed),
    (
        "complain_mode_logs_kill_and_policy_and_runs",
        complain_mode_logs_kill_and_policy_and_runs,
    ),
    (
        "counters_count_hits_and_list_shows_them",
        counters_count_hits_and_list_shows_them,
    ),
    (
        "confined_root_cannot_open_device",
        confined_root_cannot_open_device,
    ),
    (
        "device_fd_passed_to_confined_process_is_useless",
        device_fd_passed_to_confined_process_is_useless,
    ),
    (
        "root_in_user_namespace_cannot_open_device",
        root_in_user_namespace_cannot_open_device,
    ),
    (
        "delete_of_table_in_use_is_ebusy",
        delete_of_table_in_use_is_ebusy,
    ),
    (
        "delete_of_unknown_table_is_enoent",
        delete_of_unknown_table_is_enoent,
    ),
    (
        "malformed_upload_reports_line_col_and_changes_nothing",
        malformed_upload_reports_line_col_and_changes_nothing,
    ),
    ("test_commit_changes_nothing", test_commit_changes_nothing),
    (
        "loosening_commit_needs_loosen_flag_and_applies_live",
        loosening_commit_needs_loosen_flag_and_applies_live,
    ),
    (
        "tightening_commit_applies_to_running_process",
        tightening_commit_applies_to_running_process,
    ),
    (
        "rmmod_refused_while_confined_in_table",
        rmmod_refused_while_confined_in_table,
    ),
    (
        "rmmod_refused_while_device_open",
        rmmod_refused_while_device_open,
    ),
    (
        "commits_race_with_four_threads",
        commits_race_with_four_threads,
    ),
    (
        "random_uploads_never_change_save",
        random_uploads_never_change_save,
    ),
    (
        "limits_64_tables_and_256k_text",
        limits_64_tables_and_256k_text,
    ),
    ("cleanup_deletes_every_table", cleanup_deletes_every_table),
];

fn main() {
    let mut tap = Tap::new(std::io::stdout(), CASES.len());
    for (name, f) in CASES {
        tap.case(name, f());
    }
    std::process::exit(tap.finish());
}
