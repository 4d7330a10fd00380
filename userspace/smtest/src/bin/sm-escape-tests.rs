// SPDX-License-Identifier: GPL-2.0

//! The in-guest escape suite (issue 10): every way out of a confined process
//! through calls its table allows, each attacked from a real user process.
//!
//! Each case first runs an unconfined CONTROL that shows the attack works
//! without confinement (a case fails if its control shows no effect, so the
//! test can fail), then the same attack from a process in mode 2, which must
//! be refused (`EACCES`/`EAFNOSUPPORT`, with a `seccomp_mode: refused` line),
//! killed (with its kill line) or, for the calls mode 2 allows, must work.
//! Runs as root with the module's log rate limit off (`log_interval_ms=0`).
//!
//! `sm-escape-tests --controls-only` runs only the controls (e.g. without the
//! module loaded, to check that every attack works unconfined).
//!
//! The cases run against the program's native ABI (x86_64, AArch64 or, built
//! for 32-bit arm, AArch32); the ia32 and x32 cases are x86_64's, and a call
//! an ABI does not have is made with its `*at` form (see `smtest::arch`).

use std::ffi::{CStr, CString};
use std::io::{IoSlice, IoSliceMut};
use std::os::fd::{AsRawFd, RawFd};
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::signal::Signal;
use nix::sys::socket::{
    recvmsg, sendmsg, socketpair, AddressFamily, ControlMessage, ControlMessageOwned, MsgFlags,
    SockFlag, SockType,
};
use nix::sys::wait::{waitpid, WaitPidFlag, WaitStatus};
use nix::unistd::Pid;
use smtest::arch::{self, NATIVE_ABI};
#[cfg(target_arch = "x86_64")]
use smtest::arch::{int80, int80_rbx, low_page};
use smtest::{
    get_mode, in_child, kernel_log, log_has_kill, log_has_object, log_has_refused, set_mode,
    Outcome, Tap, SECCOMP_MODE_FLAG_LOG,
};

// ---------------------------------------------------------------------------
// Cases and the runner.

type Check = Box<dyn Fn() -> Result<(), String>>;

/// One property: an unconfined control (if any) and the confined attack.
struct Case {
    name: String,
    control: Option<Check>,
    confined: Check,
    skip: Option<String>,
}

fn case(
    name: &str,
    control: impl Fn() -> Result<(), String> + 'static,
    confined: impl Fn() -> Result<(), String> + 'static,
) -> Case {
    Case {
        name: name.to_owned(),
        control: Some(Box::new(control)),
        confined: Box::new(confined),
        skip: None,
    }
}

fn skipped(name: &str, why: &str) -> Case {
    Case {
        name: name.to_owned(),
        control: None,
        confined: Box::new(|| Ok(())),
        skip: Some(why.to_owned()),
    }
}

// ---------------------------------------------------------------------------
// Small raw-syscall helpers (usable after the prctl: only mode-2 calls).

fn errno() -> i32 {
    Errno::last_raw()
}

fn ename(e: i32) -> String {
    format!("{} ({e})", Errno::from_raw(e))
}

fn cs(s: &str) -> CString {
    CString::new(s).expect("path without NUL")
}

/// `open` through glibc (the `openat` syscall): the fd or the errno.
fn open(path: &str, flags: i32) -> Result<i32, i32> {
    let p = cs(path);
    // SAFETY: a valid NUL-terminated path.
    let fd = unsafe { libc::open(p.as_ptr(), flags | libc::O_CLOEXEC, 0o600) };
    if fd < 0 {
        Err(errno())
    } else {
        Ok(fd)
    }
}

/// `openat(dir, path)`: the fd or the errno.
fn open_at(dir: i32, path: &str, flags: i32) -> Result<i32, i32> {
    let p = cs(path);
    // SAFETY: a valid NUL-terminated path.
    let fd = unsafe { libc::openat(dir, p.as_ptr(), flags | libc::O_CLOEXEC, 0o600) };
    if fd < 0 {
        Err(errno())
    } else {
        Ok(fd)
    }
}

fn close(fd: i32) {
    // SAFETY: closes a descriptor this process owns.
    unsafe { libc::close(fd) };
}

/// Opens and closes `path`: `Ok` if the open succeeded.
fn open_close(path: &str, flags: i32) -> Result<(), String> {
    match open(path, flags) {
        Ok(fd) => {
            close(fd);
            Ok(())
        }
        Err(e) => Err(format!("open {path} ({flags:#x}): {}", ename(e))),
    }
}

/// The open of `path` must fail with `EACCES` (a descriptor it gets is
/// closed and reported).
fn open_eacces(path: &str, flags: i32) -> Result<(), String> {
    match open(path, flags) {
        Err(libc::EACCES) => Ok(()),
        Err(e) => Err(format!(
            "open {path} ({flags:#x}): {}, want EACCES",
            ename(e)
        )),
        Ok(fd) => {
            close(fd);
            Err(format!("open {path} ({flags:#x}) succeeded, want EACCES"))
        }
    }
}

fn read_fd(fd: i32, buf: &mut [u8]) -> isize {
    // SAFETY: the kernel writes at most `buf.len()` bytes into `buf`.
    unsafe { libc::read(fd, buf.as_mut_ptr().cast(), buf.len()) }
}

fn write_fd(fd: i32, buf: &[u8]) -> isize {
    // SAFETY: the kernel reads `buf.len()` bytes from `buf`.
    unsafe { libc::write(fd, buf.as_ptr().cast(), buf.len()) }
}

fn socket(family: i32, ty: i32, proto: i32) -> Result<i32, i32> {
    // SAFETY: no pointer arguments.
    let fd = unsafe { libc::socket(family, ty | libc::SOCK_CLOEXEC, proto) };
    if fd < 0 {
        Err(errno())
    } else {
        Ok(fd)
    }
}

fn sleep_ms(ms: u64) {
    std::thread::sleep(Duration::from_millis(ms));
}

/// A device node's (major, minor), from `stat` of `path`.
fn dev_numbers(path: &str) -> Result<(u32, u32), String> {
    let p = cs(path);
    // SAFETY: `st` is written by the kernel; a valid path.
    let mut st: libc::stat = unsafe { std::mem::zeroed() };
    // SAFETY: as above.
    if unsafe { libc::stat(p.as_ptr(), &mut st) } != 0 {
        return Err(format!("stat {path}: {}", ename(errno())));
    }
    Ok((libc::major(st.st_rdev), libc::minor(st.st_rdev)))
}

/// How a child ended, its pid and everything it wrote to its pipe.
struct Run {
    pid: i32,
    outcome: Outcome,
    said: String,
}

impl Run {
    /// `Ok` if the child exited 0; otherwise its outcome and message.
    fn ok(&self) -> Result<(), String> {
        match self.outcome {
            Outcome::Exited(0) => Ok(()),
            o => Err(format!("child {o}: {}", self.said)),
        }
    }

    /// `Ok` if the child was SIGKILLed and the kill line names `nr`.
    fn killed(&self, mode: u8, abi: &str, nr: i64, name: &str) -> Result<(), String> {
        self.outcome
            .expect_signal(Signal::SIGKILL)
            .map_err(|e| format!("{e}: {}", self.said))?;
        if log_has_kill(self.pid, mode, abi, nr, name)? {
            Ok(())
        } else {
            Err(format!(
                "no kill line for pid {}: mode={mode} abi={abi} syscall={nr} ({name})",
                self.pid
            ))
        }
    }

    /// `Ok` if the kernel log has the `refused` line of this child for
    /// `object` (in mode 2).
    fn refused(&self, object: &str) -> Result<(), String> {
        if log_has_refused(self.pid, 2, object)? {
            Ok(())
        } else {
            Err(format!(
                "no line 'seccomp_mode: refused pid={} comm=... mode=2 {object}'",
                self.pid
            ))
        }
    }
}

/// How a child is set up before its body runs.
#[derive(Clone, Copy)]
enum Conf {
    /// Unconfined (the control).
    None,
    /// `prctl(PR_SECCOMP_MODE_SET, mode, flags)` first.
    Mode(u64, u64),
}

const M2: Conf = Conf::Mode(2, 0);

/// Runs `body` in a forked child after setting it up as `conf` says; the
/// child exits 0 if `body` returns `Ok`, else 1 with the message written to
/// a pipe (the prctl failing gives status 10).
fn run(conf: Conf, body: impl FnOnce() -> Result<(), String>) -> Result<Run, String> {
    use std::io::Read;
    let (r, w) = nix::unistd::pipe().map_err(|e| e.to_string())?;
    let wfd = w.as_raw_fd();
    let outcome = in_child(|| {
        let pid = std::process::id().to_ne_bytes();
        write_fd(wfd, &pid);
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
    std::fs::File::from(r)
        .read_to_end(&mut got)
        .map_err(|e| e.to_string())?;
    if got.len() < 4 {
        return Err(format!("child {outcome} before reporting its pid"));
    }
    let pid = i32::from_ne_bytes([got[0], got[1], got[2], got[3]]);
    Ok(Run {
        pid,
        outcome,
        said: String::from_utf8_lossy(&got[4..]).into_owned(),
    })
}

/// The control: `body` unconfined must succeed.
fn control(body: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    run(Conf::None, body)?.ok()
}

/// `body` in mode 2 must succeed; returns the run for log checks.
fn confined_ok(body: impl FnOnce() -> Result<(), String>) -> Result<Run, String> {
    let r = run(M2, body)?;
    r.ok()?;
    Ok(r)
}

/// Runs a fixed test body both unconfined (control) and in mode 2: for the
/// calls mode 2 must allow.
fn works_both_ways(name: &str, body: fn() -> Result<(), String>) -> Case {
    case(
        name,
        move || control(body),
        move || confined_ok(body).map(drop),
    )
}

fn exists(path: &str) -> bool {
    Path::new(path).exists()
}

/// Waits up to `ms` for `path` to appear.
fn wait_for(path: &str, ms: u64) -> bool {
    let deadline = Instant::now() + Duration::from_millis(ms);
    while Instant::now() < deadline {
        if exists(path) {
            return true;
        }
        sleep_ms(10);
    }
    exists(path)
}

fn remove(path: &str) {
    let _ = std::fs::remove_file(path);
    let _ = std::fs::remove_dir(path);
}

fn write_file(path: &str, data: &str, mode: u32) -> Result<(), String> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::write(path, data).map_err(|e| format!("write {path}: {e}"))?;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode))
        .map_err(|e| format!("chmod {path}: {e}"))
}

/// Writes `data` to an existing file with one `write` (procfs/sysctl).
fn write_existing(path: &str, data: &[u8]) -> Result<(), String> {
    let fd = open(path, libc::O_WRONLY).map_err(|e| format!("open {path}: {}", ename(e)))?;
    let n = write_fd(fd, data);
    let e = errno();
    close(fd);
    if n == data.len() as isize {
        Ok(())
    } else {
        Err(format!("write {path}: {n}, {}", ename(e)))
    }
}

// ---------------------------------------------------------------------------
// 1. Another process's /proc/<pid>/ entries.

static TARGET: AtomicU64 = AtomicU64::new(1);
const SECRET_FILE: &str = "/tmp/sm-escape-secret";

/// What the attacker tries on its parent's /proc entries, in order.
const PROC_ATTACKS: [&str; 8] = [
    "mem read",
    "mem write",
    "environ",
    "fd/N",
    "auxv",
    "pagemap",
    "cwd",
    "root",
];

/// The attacker's tries on `/proc/<parent>/`: 0 = the effect happened,
/// otherwise the errno (255: opened, but no effect seen).
fn proc_attacks(proc_dir: i32, parent: i32, secret_fd: i32) -> [u8; 8] {
    let code = |r: Result<i32, i32>| -> Result<i32, u8> { r.map_err(|e| e.clamp(1, 254) as u8) };
    let base = format!("{parent}");
    let open = |path: &str, flags: i32| open_at(proc_dir, path, flags);
    let addr = TARGET.as_ptr() as libc::off_t;
    let mut out = [255u8; 8];
    // mem read: the parent's TARGET is 1, ours is 2.
    out[0] = match code(open(&format!("{base}/mem"), libc::O_RDONLY)) {
        Ok(fd) => {
            let mut v = [0u8; 8];
            // SAFETY: seek on our descriptor.
            let ok = unsafe { libc::lseek(fd, addr, libc::SEEK_SET) } == addr
                && read_fd(fd, &mut v) == 8
                && u64::from_ne_bytes(v) == 1;
            close(fd);
            if ok {
                0
            } else {
                255
            }
        }
        Err(e) => e,
    };
    // mem write: overwrite the parent's TARGET.
    out[1] = match code(open(&format!("{base}/mem"), libc::O_RDWR)) {
        Ok(fd) => {
            // SAFETY: seek on our descriptor.
            let ok = unsafe { libc::lseek(fd, addr, libc::SEEK_SET) } == addr
                && write_fd(fd, &0xdeadu64.to_ne_bytes()) == 8;
            close(fd);
            if ok {
                0
            } else {
                255
            }
        }
        Err(e) => e,
    };
    let opened = |path: String, flags: i32| -> u8 {
        match code(open(&path, flags)) {
            Ok(fd) => {
                close(fd);
                0
            }
            Err(e) => e,
        }
    };
    out[2] = opened(format!("{base}/environ"), libc::O_RDONLY);
    out[3] = match code(open(&format!("{base}/fd/{secret_fd}"), libc::O_RDONLY)) {
        Ok(fd) => {
            let mut b = [0u8; 6];
            let ok = read_fd(fd, &mut b) == 6 && &b == b"secret";
            close(fd);
            if ok {
                0
            } else {
                255
            }
        }
        Err(e) => e,
    };
    out[4] = opened(format!("{base}/auxv"), libc::O_RDONLY);
    out[5] = opened(format!("{base}/pagemap"), libc::O_RDONLY);
    out[6] = opened(format!("{base}/cwd"), libc::O_PATH | libc::O_DIRECTORY);
    out[7] = opened(format!("{base}/root"), libc::O_PATH | libc::O_DIRECTORY);
    out
}

/// A child P (root, or uid/gid 1000 if `uid`) forks an attacker that, in
/// mode 2 if `confine`, attacks P's /proc entries. Unconfined every attack
/// must work (P's memory is read and written); confined every one must fail
/// with EACCES, P's memory stays as it was and the log has the attacker's
/// `ptrace=<P>` line.
fn proc_pid_attack(uid: Option<u32>, confine: bool) -> Result<(), String> {
    write_file(SECRET_FILE, "secret", 0o644)?;
    let (r, w) = nix::unistd::pipe().map_err(|e| e.to_string())?;
    let wfd = w.as_raw_fd();
    let parent_outcome = in_child(|| {
        TARGET.store(1, Ordering::SeqCst);
        write_fd(wfd, &std::process::id().to_ne_bytes());
        // Opened before dropping privileges: the guest's / may be 0700, so
        // a non-root process reaches /proc and /tmp only through these.
        // SAFETY: chdir to a valid path.
        unsafe { libc::chdir(c"/tmp".as_ptr()) };
        let Ok(secret) = open(SECRET_FILE, libc::O_RDONLY) else {
            return 21;
        };
        let Ok(proc_dir) = open("/proc", libc::O_PATH | libc::O_DIRECTORY) else {
            return 22;
        };
        if let Some(id) = uid {
            // SAFETY: credential calls with integer arguments.
            let ok = unsafe {
                libc::setgroups(0, std::ptr::null()) == 0
                    && libc::setgid(id) == 0
                    && libc::setuid(id) == 0
                    // setuid made us non-dumpable: a same-uid process could
                    // not ptrace us either. A daemon's master usually is.
                    && libc::prctl(libc::PR_SET_DUMPABLE, 1, 0, 0, 0) == 0
            };
            if !ok {
                return 20;
            }
        }
        let parent = std::process::id() as i32;
        let attacker = in_child(|| {
            write_fd(wfd, &std::process::id().to_ne_bytes());
            TARGET.store(2, Ordering::SeqCst);
            if confine && set_mode(2, 0).is_err() {
                return 10;
            }
            write_fd(wfd, &proc_attacks(proc_dir, parent, secret));
            0
        });
        let (kind, code) = match attacker {
            Ok(Outcome::Exited(c)) => (0u8, c as u8),
            Ok(Outcome::Signaled(s)) => (1u8, s as i32 as u8),
            Err(_) => (2u8, 0u8),
        };
        let hit = u8::from(TARGET.load(Ordering::SeqCst) == 0xdead);
        write_fd(wfd, &[kind, code, hit]);
        0
    })
    .map_err(|e| e.to_string())?;
    drop(w);
    let mut got = Vec::new();
    std::io::Read::read_to_end(&mut std::fs::File::from(r), &mut got).map_err(|e| e.to_string())?;
    parent_outcome
        .expect_exit(0)
        .map_err(|e| format!("parent: {e}"))?;
    if got.len() != 4 + 4 + 8 + 3 {
        return Err(format!("short report ({} bytes): {got:?}", got.len()));
    }
    let ppid = i32::from_ne_bytes([got[0], got[1], got[2], got[3]]);
    let apid = i32::from_ne_bytes([got[4], got[5], got[6], got[7]]);
    let results = &got[8..16];
    let (kind, code, hit) = (got[16], got[17], got[18]);
    if kind != 0 || code != 0 {
        return Err(format!(
            "attacker ended with kind {kind} code/signal {code}, want exit 0"
        ));
    }
    let describe = |want: &str| -> String {
        PROC_ATTACKS
            .iter()
            .zip(results)
            .map(|(name, &r)| match r {
                0 => format!("{name}: worked"),
                255 => format!("{name}: opened, no effect"),
                e => format!("{name}: {}", ename(e.into())),
            })
            .collect::<Vec<_>>()
            .join(", ")
            + &format!(" (want {want})")
    };
    if confine {
        if results.iter().any(|&r| r != libc::EACCES as u8) || hit != 0 {
            return Err(format!("{}; parent written: {hit}", describe("EACCES")));
        }
        if !log_has_refused(apid, 2, &format!("ptrace={ppid}"))? {
            return Err(format!(
                "no line 'seccomp_mode: refused pid={apid} ... mode=2 ptrace={ppid}'"
            ));
        }
    } else if results.iter().any(|&r| r != 0) || hit != 1 {
        return Err(format!(
            "{}; parent written: {hit}",
            describe("all to work")
        ));
    }
    Ok(())
}

/// The confined process still reads its own /proc/self entries and
/// /proc/meminfo.
fn own_proc_reads() -> Result<(), String> {
    for path in ["/proc/self/status", "/proc/self/maps", "/proc/meminfo"] {
        let fd = open(path, libc::O_RDONLY).map_err(|e| format!("open {path}: {}", ename(e)))?;
        let mut buf = [0u8; 256];
        let n = read_fd(fd, &mut buf);
        close(fd);
        if n <= 0 {
            return Err(format!("read {path}: {n}"));
        }
    }
    TARGET.store(0x5e1f, Ordering::SeqCst);
    let fd = open("/proc/self/mem", libc::O_RDONLY)
        .map_err(|e| format!("open /proc/self/mem: {}", ename(e)))?;
    let addr = TARGET.as_ptr() as libc::off_t;
    let mut v = [0u8; 8];
    // SAFETY: seek on our descriptor.
    let ok = unsafe { libc::lseek(fd, addr, libc::SEEK_SET) } == addr
        && read_fd(fd, &mut v) == 8
        && u64::from_ne_bytes(v) == 0x5e1f;
    close(fd);
    if ok {
        Ok(())
    } else {
        Err("read of /proc/self/mem gave the wrong value".into())
    }
}

// ---------------------------------------------------------------------------
// 2. procfs writes and the modprobe escape.

const PROC_WRITES: [&str; 3] = [
    "/proc/sys/kernel/modprobe",
    "/proc/sysrq-trigger",
    "/proc/self/comm",
];

/// The procfs control files of `PROC_WRITES` this kernel has (no
/// /proc/sysrq-trigger without MAGIC_SYSRQ).
fn proc_writes() -> Vec<&'static str> {
    PROC_WRITES.into_iter().filter(|p| exists(p)).collect()
}

fn procfs_write_control() -> Result<(), String> {
    control(|| {
        for p in proc_writes() {
            open_close(p, libc::O_WRONLY)?;
        }
        Ok(())
    })
}

fn procfs_write_confined() -> Result<(), String> {
    let paths = proc_writes();
    let r = confined_ok(|| {
        for p in paths {
            open_eacces(p, libc::O_WRONLY)?;
        }
        // Reads of the same sysctl still work.
        open_close("/proc/sys/kernel/modprobe", libc::O_RDONLY)
    })?;
    r.refused("open=procfs:write")
}

const MODPROBE: &str = "/proc/sys/kernel/modprobe";
const MODPROBE_SCRIPT: &str = "/tmp/sm-modprobe.sh";
const MODPROBE_MARKER: &str = "/tmp/sm-modprobe-ran";
/// An address family this kernel does not have (AF_VSOCK): `socket` tries
/// to autoload `net-pf-40`.
const UNUSED_FAMILY: i32 = 40;

/// Runs `f` with the modprobe helper path as it was, restoring it after.
fn with_modprobe_restored(f: impl FnOnce() -> Result<(), String>) -> Result<(), String> {
    let orig = std::fs::read_to_string(MODPROBE).map_err(|e| format!("read {MODPROBE}: {e}"))?;
    write_file(
        MODPROBE_SCRIPT,
        &format!("#!/bin/sh\ntouch {MODPROBE_MARKER}\n"),
        0o755,
    )?;
    remove(MODPROBE_MARKER);
    let result = f();
    let restored = write_existing(MODPROBE, orig.trim_end().as_bytes());
    let now = std::fs::read_to_string(MODPROBE).unwrap_or_default();
    result?;
    restored?;
    if now != orig {
        return Err(format!("modprobe path not restored: {now:?} != {orig:?}"));
    }
    Ok(())
}

fn autoload_attack() -> Result<(), String> {
    write_existing(MODPROBE, MODPROBE_SCRIPT.as_bytes())?;
    match socket(UNUSED_FAMILY, libc::SOCK_DGRAM, 0) {
        Ok(fd) => {
            close(fd);
            Err(format!("socket({UNUSED_FAMILY}) exists in this kernel"))
        }
        Err(_) => Ok(()),
    }
}

fn modprobe_control() -> Result<(), String> {
    with_modprobe_restored(|| {
        control(autoload_attack)?;
        if wait_for(MODPROBE_MARKER, 3000) {
            Ok(())
        } else {
            Err("the autoload did not run the modprobe script".into())
        }
    })
}

fn modprobe_confined() -> Result<(), String> {
    with_modprobe_restored(|| {
        // Even with the helper already pointing at the script (set here,
        // unconfined), the confined process's autoload must not run it.
        write_existing(MODPROBE, MODPROBE_SCRIPT.as_bytes())?;
        let r = confined_ok(|| {
            open_eacces(MODPROBE, libc::O_WRONLY)?;
            match socket(UNUSED_FAMILY, libc::SOCK_DGRAM, 0) {
                Err(libc::EAFNOSUPPORT) => Ok(()),
                Err(e) => Err(format!("socket({UNUSED_FAMILY}): {}", ename(e))),
                Ok(_) => Err(format!("socket({UNUSED_FAMILY}) succeeded")),
            }
        })?;
        sleep_ms(300);
        if exists(MODPROBE_MARKER) {
            return Err("the confined process's autoload ran the script".into());
        }
        r.refused("open=procfs:write")?;
        r.refused(&format!("socket={UNUSED_FAMILY}"))
    })
}

/// SCTP: a protocol this kernel does not have, so `socket(AF_INET,
/// SOCK_STREAM, 132)` asks for `net-pf-2-proto-132-type-1`, as any user may.
const UNKNOWN_PROTOCOL: i32 = 132;

fn protocol_autoload_control() -> Result<(), String> {
    with_modprobe_restored(|| {
        write_existing(MODPROBE, MODPROBE_SCRIPT.as_bytes())?;
        control(
            || match socket(libc::AF_INET, libc::SOCK_STREAM, UNKNOWN_PROTOCOL) {
                Ok(fd) => {
                    close(fd);
                    Err("this kernel has protocol 132".into())
                }
                Err(_) => Ok(()),
            },
        )?;
        if wait_for(MODPROBE_MARKER, 3000) {
            Ok(())
        } else {
            Err("the protocol autoload did not run the modprobe script".into())
        }
    })
}

fn protocol_autoload_confined() -> Result<(), String> {
    with_modprobe_restored(|| {
        write_existing(MODPROBE, MODPROBE_SCRIPT.as_bytes())?;
        let r = confined_ok(
            || match socket(libc::AF_INET, libc::SOCK_STREAM, UNKNOWN_PROTOCOL) {
                Ok(_) => Err("socket with protocol 132 succeeded".into()),
                Err(_) => Ok(()),
            },
        )?;
        sleep_ms(300);
        if exists(MODPROBE_MARKER) {
            return Err("the confined process's protocol autoload ran the script".into());
        }
        r.refused("module=net-pf-2-proto-132-type-1")
    })
}

fn raw_socket(expect: Result<(), i32>) -> Result<(), String> {
    match (
        socket(libc::AF_INET, libc::SOCK_RAW, libc::IPPROTO_RAW),
        expect,
    ) {
        (Ok(fd), Ok(())) => {
            close(fd);
            Ok(())
        }
        (Err(e), Err(want)) if e == want => Ok(()),
        (got, want) => Err(format!(
            "socket(AF_INET, SOCK_RAW): {:?}, want {:?}",
            got.map_err(ename),
            want.map_err(ename)
        )),
    }
}

fn raw_socket_confined() -> Result<(), String> {
    // CAP_NET_RAW (13) is not among the capabilities a confined root keeps.
    let r = confined_ok(|| raw_socket(Err(libc::EPERM)))?;
    r.refused("capability=13")
}

const PROGRAM: &str = "/tmp/sm-escape-program.sh";
const PROGRAM_TEXT: &str = "#!/bin/sh\necho original\n";

fn overwrite_program() -> Result<(), String> {
    write_existing(PROGRAM, b"#!/bin/sh\necho pwned\n")
}

fn program_write_control() -> Result<(), String> {
    write_file(PROGRAM, PROGRAM_TEXT, 0o755)?;
    control(overwrite_program)?;
    let now = std::fs::read_to_string(PROGRAM).map_err(|e| e.to_string())?;
    if now.contains("pwned") {
        Ok(())
    } else {
        Err(format!("the program was not rewritten: {now:?}"))
    }
}

fn program_write_confined() -> Result<(), String> {
    write_file(PROGRAM, PROGRAM_TEXT, 0o755)?;
    let r = confined_ok(|| {
        open_eacces(PROGRAM, libc::O_WRONLY | libc::O_TRUNC)?;
        // O_CREAT on an existing file ignores the mode argument.
        open_eacces(PROGRAM, libc::O_WRONLY | libc::O_CREAT)
    })?;
    let now = std::fs::read_to_string(PROGRAM).map_err(|e| e.to_string())?;
    if now != PROGRAM_TEXT {
        return Err(format!("the program changed: {now:?}"));
    }
    r.refused("open=exec-write")
}

// ---------------------------------------------------------------------------
// 3. procfs kernel files, sysfs, debugfs, tracefs.

fn proc_file_control(paths: Vec<&'static str>) -> impl Fn() -> Result<(), String> {
    move || {
        let paths = paths.clone();
        control(move || {
            for p in paths {
                open_close(p, libc::O_RDONLY)?;
            }
            Ok(())
        })
    }
}

fn proc_file_confined(paths: Vec<&'static str>) -> impl Fn() -> Result<(), String> {
    move || {
        let list = paths.clone();
        let r = confined_ok(move || {
            for p in list {
                open_eacces(p, libc::O_RDONLY)?;
            }
            Ok(())
        })?;
        for p in &paths {
            let name = p.trim_start_matches("/proc/");
            r.refused(&format!("open=procfs:{name}"))?;
        }
        Ok(())
    }
}

fn proc_kcore_case() -> Case {
    let name = "proc_kcore_read_is_refused";
    if !exists("/proc/kcore") {
        return skipped(name, "no /proc/kcore in this kernel");
    }
    case(
        name,
        proc_file_control(vec!["/proc/kcore"]),
        proc_file_confined(vec!["/proc/kcore"]),
    )
}

fn proc_kernel_files_case() -> Case {
    let name = "proc_kmsg_and_kpage_files_are_refused";
    let paths: Vec<&'static str> = [
        "/proc/kmsg",
        "/proc/kpagecount",
        "/proc/kpageflags",
        "/proc/kpagecgroup",
    ]
    .into_iter()
    .filter(|p| exists(p))
    .collect();
    if paths.is_empty() {
        return skipped(name, "none of /proc/kmsg, /proc/kpage* in this kernel");
    }
    case(
        name,
        proc_file_control(paths.clone()),
        proc_file_confined(paths),
    )
}

/// Writable sysfs attributes present in this kernel (opened, never
/// written).
fn sysfs_writables() -> Vec<&'static str> {
    ["/sys/kernel/uevent_helper", "/sys/class/net/lo/mtu"]
        .into_iter()
        .filter(|p| exists(p))
        .collect()
}

fn read_sysfs_online() -> Result<(), String> {
    let path = "/sys/devices/system/cpu/online";
    let fd = open(path, libc::O_RDONLY).map_err(|e| format!("open {path}: {}", ename(e)))?;
    let mut buf = [0u8; 64];
    let n = read_fd(fd, &mut buf);
    close(fd);
    if n > 0 && buf[0].is_ascii_digit() {
        Ok(())
    } else {
        Err(format!("read {path}: {n}"))
    }
}

fn sysfs_control() -> Result<(), String> {
    let paths = sysfs_writables();
    if paths.is_empty() {
        return Err("no writable sysfs attribute to try".into());
    }
    control(|| {
        for p in paths {
            open_close(p, libc::O_WRONLY)?;
        }
        read_sysfs_online()
    })
}

fn sysfs_confined() -> Result<(), String> {
    let paths = sysfs_writables();
    let r = confined_ok(|| {
        for p in paths {
            open_eacces(p, libc::O_WRONLY)?;
        }
        read_sysfs_online()
    })?;
    r.refused("open=sysfs:write")
}

fn mounted_at(dir: &str, fstype: &str) -> bool {
    std::fs::read_to_string("/proc/mounts")
        .unwrap_or_default()
        .lines()
        .any(|l| {
            let f: Vec<_> = l.split(' ').collect();
            f.len() > 2 && f[1] == dir && f[2] == fstype
        })
}

/// Mounts `fstype` at `dir` unless it is there already.
fn ensure_mounted(dir: &str, fstype: &str) -> Result<(), String> {
    if mounted_at(dir, fstype) {
        return Ok(());
    }
    let (d, t) = (cs(dir), cs(fstype));
    // SAFETY: valid NUL-terminated strings.
    let r = unsafe {
        libc::mount(
            c"nodev".as_ptr(),
            d.as_ptr(),
            t.as_ptr(),
            0,
            std::ptr::null(),
        )
    };
    if r != 0 {
        return Err(format!("mount -t {fstype} nodev {dir}: {}", ename(errno())));
    }
    Ok(())
}

/// A regular file in `dir` (`prefer` if there), to open read-only.
fn file_in(dir: &str, prefer: &str) -> Result<String, String> {
    let p = format!("{dir}/{prefer}");
    if exists(&p) {
        return Ok(p);
    }
    for e in std::fs::read_dir(dir).map_err(|e| format!("{dir}: {e}"))? {
        let e = e.map_err(|e| e.to_string())?;
        if e.file_type().map(|t| t.is_file()).unwrap_or(false) {
            return Ok(e.path().to_string_lossy().into_owned());
        }
    }
    Err(format!("no regular file in {dir}"))
}

/// Control and confined check of "any access refused" on a kernel-control
/// file system mounted at `dir`.
fn kernel_fs_case(
    name: &str,
    dir: &'static str,
    fstype: &'static str,
    prefer: &'static str,
) -> Case {
    let targets = move || -> Result<(String, String), String> {
        ensure_mounted(dir, fstype)?;
        Ok((file_in(dir, prefer)?, dir.to_owned()))
    };
    case(
        name,
        move || {
            let (file, dir) = targets()?;
            control(|| {
                open_close(&file, libc::O_RDONLY)?;
                open_close(&dir, libc::O_RDONLY | libc::O_DIRECTORY)
            })
        },
        move || {
            let (file, dir) = targets()?;
            let r = confined_ok(|| {
                open_eacces(&file, libc::O_RDONLY)?;
                open_eacces(&dir, libc::O_RDONLY | libc::O_DIRECTORY)
            })?;
            r.refused(&format!("open={fstype}"))
        },
    )
}

// ---------------------------------------------------------------------------
// 4. Character and block devices, forged log lines.

const ALLOWED_CHARDEVS: [&str; 5] = [
    "/dev/null",
    "/dev/zero",
    "/dev/full",
    "/dev/random",
    "/dev/urandom",
];

fn allowed_chardevs_work() -> Result<(), String> {
    for p in ALLOWED_CHARDEVS {
        let fd = open(p, libc::O_RDWR).map_err(|e| format!("open {p}: {}", ename(e)))?;
        let mut b = [0u8; 1];
        let n = read_fd(fd, &mut b);
        close(fd);
        let want = if p == "/dev/null" { 0 } else { 1 };
        if n != want {
            return Err(format!("read {p}: {n}, want {want}"));
        }
    }
    Ok(())
}

/// Refused character devices: path, and whether the control must open it
/// (`/dev/tty` gives ENXIO without a controlling terminal); the last is the
/// serial console (`ttyS0`, on arm64 `ttyAMA0`).
const REFUSED_CHARDEVS: [(&str, bool); 5] = [
    ("/dev/kmsg", true),
    ("/dev/mem", true),
    ("/dev/port", true),
    ("/dev/tty", false),
    (arch::SERIAL_TTY, true),
];
const DEV_FLAGS: i32 = libc::O_RDONLY | libc::O_NOCTTY | libc::O_NONBLOCK;

fn refused_chardevs_control() -> Result<(), String> {
    control(|| {
        for (p, must_open) in REFUSED_CHARDEVS {
            match open(p, DEV_FLAGS) {
                Ok(fd) => close(fd),
                Err(e) if must_open || e == libc::EACCES => {
                    return Err(format!("open {p}: {}", ename(e)))
                }
                Err(_) => {}
            }
        }
        Ok(())
    })
}

fn refused_chardevs_confined() -> Result<(), String> {
    let mut objects = Vec::new();
    for (p, _) in REFUSED_CHARDEVS {
        let (maj, min) = dev_numbers(p)?;
        objects.push(format!("open=chardev:{maj}:{min}"));
    }
    let r = confined_ok(|| {
        for (p, _) in REFUSED_CHARDEVS {
            open_eacces(p, DEV_FLAGS)?;
        }
        Ok(())
    })?;
    for o in objects {
        r.refused(&o)?;
    }
    Ok(())
}

const NODE_KMSG: &str = "/tmp/sm-node-kmsg";
const NODE_NULL: &str = "/tmp/sm-node-null";

fn make_nodes() -> Result<(), String> {
    for (path, min) in [(NODE_KMSG, 11), (NODE_NULL, 3)] {
        remove(path);
        let p = cs(path);
        // SAFETY: a valid path; a character device node 1:min.
        let r = unsafe { libc::mknod(p.as_ptr(), libc::S_IFCHR | 0o666, libc::makedev(1, min)) };
        if r != 0 {
            return Err(format!("mknod {path} c 1 {min}: {}", ename(errno())));
        }
    }
    Ok(())
}

fn mknod_control() -> Result<(), String> {
    make_nodes()?;
    control(|| {
        open_close(NODE_KMSG, libc::O_WRONLY)?;
        open_close(NODE_NULL, libc::O_RDWR)
    })
}

fn mknod_confined() -> Result<(), String> {
    make_nodes()?;
    let r = confined_ok(|| {
        open_eacces(NODE_KMSG, libc::O_WRONLY)?;
        let fd = open(NODE_NULL, libc::O_RDWR)
            .map_err(|e| format!("open {NODE_NULL} (1:3): {}", ename(e)))?;
        let n = write_fd(fd, b"x");
        close(fd);
        if n == 1 {
            Ok(())
        } else {
            Err(format!("write to {NODE_NULL}: {n}"))
        }
    })?;
    r.refused("open=chardev:1:11")
}

/// A line identical in form to the module's kill line, with a pid no
/// process has.
fn forged_line(tag: u32) -> String {
    format!(
        "seccomp_mode: killed pid={} comm=sm-forged mode=2 abi={NATIVE_ABI} syscall={} (execve)",
        tag,
        libc::SYS_execve
    )
}

fn forge(tag: u32) -> Result<(), String> {
    let line = forged_line(tag) + "\n";
    let fd =
        open("/dev/kmsg", libc::O_WRONLY).map_err(|e| format!("open /dev/kmsg: {}", ename(e)))?;
    let n = write_fd(fd, line.as_bytes());
    close(fd);
    if n == line.len() as isize {
        Ok(())
    } else {
        Err(format!("write /dev/kmsg: {n}"))
    }
}

fn log_has_line(line: &str) -> Result<bool, String> {
    Ok(kernel_log()
        .map_err(|e| format!("klogctl: {e}"))?
        .lines()
        .any(|l| l.ends_with(line)))
}

fn forged_log_control() -> Result<(), String> {
    let tag = 3_000_000 + std::process::id();
    control(|| forge(tag))?;
    if log_has_line(&forged_line(tag))? {
        Ok(())
    } else {
        Err("the forged line is not in the kernel log".into())
    }
}

fn forged_log_confined() -> Result<(), String> {
    let tag = 4_000_000 + std::process::id();
    let r = run(M2, || match forge(tag) {
        Err(e) if e == format!("open /dev/kmsg: {}", ename(libc::EACCES)) => Ok(()),
        Err(e) => Err(e),
        Ok(()) => Err("wrote the forged line".into()),
    })?;
    if log_has_line(&forged_line(tag))? {
        return Err("the forged line is in the kernel log".into());
    }
    r.ok()?;
    r.refused("open=chardev:1:11")
}

fn read_ram0() -> Result<(), String> {
    let fd =
        open("/dev/ram0", libc::O_RDONLY).map_err(|e| format!("open /dev/ram0: {}", ename(e)))?;
    let mut b = [0u8; 512];
    let n = read_fd(fd, &mut b);
    close(fd);
    if n == 512 {
        Ok(())
    } else {
        Err(format!("read /dev/ram0: {n}"))
    }
}

fn blockdev_confined() -> Result<(), String> {
    let (maj, min) = dev_numbers("/dev/ram0")?;
    let r = confined_ok(|| {
        open_eacces("/dev/ram0", libc::O_RDONLY)?;
        open_eacces("/dev/ram0", libc::O_RDWR)
    })?;
    r.refused(&format!("open=blockdev:{maj}:{min}"))
}

// ---------------------------------------------------------------------------
// 5. Socket families, netlink.

fn netlink_and_packet() -> [(i32, i32, i32, &'static str); 2] {
    [
        (
            libc::AF_NETLINK,
            libc::SOCK_RAW,
            libc::NETLINK_ROUTE,
            "AF_NETLINK",
        ),
        (libc::AF_PACKET, libc::SOCK_DGRAM, 0, "AF_PACKET"),
    ]
}

fn socket_families_control() -> Result<(), String> {
    control(|| {
        for (f, t, p, name) in netlink_and_packet() {
            let fd = socket(f, t, p).map_err(|e| format!("socket({name}): {}", ename(e)))?;
            close(fd);
        }
        Ok(())
    })
}

fn socket_families_confined() -> Result<(), String> {
    // What AF_INET6 gives unconfined here (this kernel may lack IPv6).
    let inet6 = socket(libc::AF_INET6, libc::SOCK_STREAM, 0).map(close);
    let r = confined_ok(|| {
        for (f, t, p, name) in netlink_and_packet() {
            match socket(f, t, p) {
                Err(libc::EAFNOSUPPORT) => {}
                Err(e) => return Err(format!("socket({name}): {}", ename(e))),
                Ok(_) => return Err(format!("socket({name}) succeeded")),
            }
        }
        for (f, t, name) in [
            (libc::AF_UNIX, libc::SOCK_STREAM, "AF_UNIX"),
            (libc::AF_UNIX, libc::SOCK_DGRAM, "AF_UNIX dgram"),
            (libc::AF_INET, libc::SOCK_STREAM, "AF_INET"),
            (libc::AF_INET, libc::SOCK_DGRAM, "AF_INET dgram"),
        ] {
            let fd = socket(f, t, 0).map_err(|e| format!("socket({name}): {}", ename(e)))?;
            close(fd);
        }
        let got = socket(libc::AF_INET6, libc::SOCK_STREAM, 0).map(close);
        if got != inet6 {
            return Err(format!("socket(AF_INET6): {got:?}, unconfined {inet6:?}"));
        }
        Ok(())
    })?;
    r.refused(&format!("socket={}", libc::AF_NETLINK))?;
    r.refused(&format!("socket={}", libc::AF_PACKET))?;
    if log_has_refused(r.pid, 2, &format!("socket={}", libc::AF_INET6))? {
        return Err("AF_INET6 was refused".into());
    }
    Ok(())
}

fn lo_index() -> Result<i32, String> {
    std::fs::read_to_string("/sys/class/net/lo/ifindex")
        .map_err(|e| e.to_string())?
        .trim()
        .parse()
        .map_err(|e| format!("lo ifindex: {e}"))
}

fn lo_is_up() -> Result<bool, String> {
    let flags = std::fs::read_to_string("/sys/class/net/lo/flags").map_err(|e| e.to_string())?;
    let flags = u32::from_str_radix(flags.trim().trim_start_matches("0x"), 16)
        .map_err(|e| format!("lo flags {flags:?}: {e}"))?;
    Ok(flags & libc::IFF_UP as u32 != 0)
}

/// RTM_NEWLINK on `fd` (a NETLINK_ROUTE socket): set or clear IFF_UP of
/// interface `index`, and wait for the kernel's acknowledgement.
fn rtm_setlink(fd: i32, index: i32, up: bool) -> Result<(), String> {
    let mut msg = [0u8; 32];
    msg[0..4].copy_from_slice(&32u32.to_ne_bytes()); // nlmsg_len
    msg[4..6].copy_from_slice(&libc::RTM_NEWLINK.to_ne_bytes()); // nlmsg_type
    let flags = (libc::NLM_F_REQUEST | libc::NLM_F_ACK) as u16;
    msg[6..8].copy_from_slice(&flags.to_ne_bytes());
    msg[8..12].copy_from_slice(&1u32.to_ne_bytes()); // seq
                                                     // struct ifinfomsg at 16: family, pad, type, index, flags, change.
    msg[16] = libc::AF_UNSPEC as u8;
    msg[20..24].copy_from_slice(&index.to_ne_bytes());
    let ifi_flags = if up { libc::IFF_UP as u32 } else { 0 };
    msg[24..28].copy_from_slice(&ifi_flags.to_ne_bytes());
    msg[28..32].copy_from_slice(&(libc::IFF_UP as u32).to_ne_bytes());
    // SAFETY: zeroed sockaddr_nl: the kernel as destination.
    let mut sa: libc::sockaddr_nl = unsafe { std::mem::zeroed() };
    sa.nl_family = libc::AF_NETLINK as u16;
    // SAFETY: valid buffer and address of the given sizes.
    let n = unsafe {
        libc::sendto(
            fd,
            msg.as_ptr().cast(),
            msg.len(),
            0,
            (&raw const sa).cast(),
            std::mem::size_of::<libc::sockaddr_nl>() as u32,
        )
    };
    if n != 32 {
        return Err(format!("netlink sendto: {n}, {}", ename(errno())));
    }
    let mut ack = [0u8; 256];
    // SAFETY: the kernel writes at most 256 bytes.
    let n = unsafe { libc::recv(fd, ack.as_mut_ptr().cast(), ack.len(), 0) };
    if n < 20 {
        return Err(format!("netlink recv: {n}, {}", ename(errno())));
    }
    let ty = u16::from_ne_bytes([ack[4], ack[5]]);
    let err = i32::from_ne_bytes([ack[16], ack[17], ack[18], ack[19]]);
    if ty == libc::NLMSG_ERROR as u16 && err == 0 {
        Ok(())
    } else {
        Err(format!("RTM_NEWLINK: type {ty} error {err}"))
    }
}

fn set_lo(index: i32, up: bool) -> Result<(), String> {
    let fd = socket(libc::AF_NETLINK, libc::SOCK_RAW, libc::NETLINK_ROUTE)
        .map_err(|e| format!("socket(AF_NETLINK): {}", ename(e)))?;
    let r = rtm_setlink(fd, index, up);
    close(fd);
    r
}

/// Brings lo up again (from this unconfined process) and checks that a
/// datagram goes over it.
fn restore_lo(index: i32) -> Result<(), String> {
    if !lo_is_up()? {
        set_lo(index, true)?;
    }
    if !lo_is_up()? {
        return Err("lo is still down".into());
    }
    let s = std::net::UdpSocket::bind("127.0.0.1:0").map_err(|e| format!("bind: {e}"))?;
    s.set_read_timeout(Some(Duration::from_secs(2)))
        .map_err(|e| e.to_string())?;
    let me = s.local_addr().map_err(|e| e.to_string())?;
    s.send_to(b"lo", me)
        .map_err(|e| format!("send over lo: {e}"))?;
    let mut b = [0u8; 2];
    s.recv(&mut b).map_err(|e| format!("recv over lo: {e}"))?;
    Ok(())
}

fn netlink_control() -> Result<(), String> {
    let index = lo_index()?;
    restore_lo(index)?;
    let attacked = control(|| set_lo(index, false));
    let was_down = !lo_is_up()?;
    restore_lo(index)?;
    attacked?;
    if was_down {
        Ok(())
    } else {
        Err("lo stayed up after RTM_NEWLINK".into())
    }
}

fn netlink_confined() -> Result<(), String> {
    let index = lo_index()?;
    restore_lo(index)?;
    let r = run(M2, || {
        match socket(libc::AF_NETLINK, libc::SOCK_RAW, libc::NETLINK_ROUTE) {
            Err(libc::EAFNOSUPPORT) => Ok(()),
            Err(e) => Err(format!("socket(AF_NETLINK): {}", ename(e))),
            Ok(fd) => {
                let r = rtm_setlink(fd, index, false);
                Err(format!("socket(AF_NETLINK) succeeded; lo down: {r:?}"))
            }
        }
    });
    let still_up = lo_is_up()?;
    restore_lo(index)?;
    let r = r?;
    if !still_up {
        return Err(format!("the confined process took lo down ({})", r.said));
    }
    r.ok()?;
    r.refused(&format!("socket={}", libc::AF_NETLINK))
}

/// Socket arguments (family, type, protocol) for ia32 `socketcall` in a
/// fresh low page; its 32-bit address.
#[cfg(target_arch = "x86_64")]
fn socketcall_args(family: i32, ty: i32, proto: i32) -> Result<u32, String> {
    let args = low_page().ok_or("mmap(MAP_32BIT) failed")?;
    // SAFETY: `args` is a fresh writable page; three 32-bit words.
    unsafe {
        args.write(family as u32);
        args.add(1).write(ty as u32);
        args.add(2).write(proto as u32);
    }
    Ok(args as usize as u32)
}

#[cfg(target_arch = "x86_64")]
const SYS_SOCKETCALL_IA32: u32 = 102;
#[cfg(target_arch = "x86_64")]
const SC_SOCKET: u32 = 1;

#[cfg(target_arch = "x86_64")]
fn ia32_netlink_control() -> Result<(), String> {
    let args = socketcall_args(libc::AF_NETLINK, libc::SOCK_RAW, libc::NETLINK_ROUTE)?;
    control(
        || match int80(SYS_SOCKETCALL_IA32, [SC_SOCKET, args, 0, 0, 0]) {
            fd if fd >= 0 => Ok(()),
            e => Err(format!("ia32 socketcall(SOCKET, AF_NETLINK): {e}")),
        },
    )
}

#[cfg(target_arch = "x86_64")]
fn ia32_netlink_confined() -> Result<(), String> {
    let netlink = socketcall_args(libc::AF_NETLINK, libc::SOCK_RAW, libc::NETLINK_ROUTE)?;
    let inet = socketcall_args(libc::AF_INET, libc::SOCK_DGRAM, 0)?;
    let r = confined_ok(|| {
        let got = int80(SYS_SOCKETCALL_IA32, [SC_SOCKET, netlink, 0, 0, 0]);
        if got != -libc::EAFNOSUPPORT {
            return Err(format!("socketcall(SOCKET, AF_NETLINK): {got}, want -97"));
        }
        let got = int80(SYS_SOCKETCALL_IA32, [SC_SOCKET, inet, 0, 0, 0]);
        if got < 0 {
            return Err(format!("socketcall(SOCKET, AF_INET): {got}"));
        }
        Ok(())
    })?;
    r.refused(&format!("socket={}", libc::AF_NETLINK))
}

// ---------------------------------------------------------------------------
// 6. fcntl.

const F_SETSIG: i32 = 10;
const F_SETOWN_EX: i32 = 15;
const F_SETLEASE: i32 = 1024;
const F_NOTIFY: i32 = 1026;
const F_OWNER_PID: i32 = 1;
const DN_CREATE: i32 = 4;
const LEASE_FILE: &str = "/tmp/sm-lease-file";

fn udp_socket() -> i32 {
    socket(libc::AF_INET, libc::SOCK_DGRAM, 0).unwrap_or(-1)
}

/// A refused fcntl command: its name, whether it must succeed unconfined
/// (`F_NOTIFY` gives EINVAL in a kernel without dnotify), and a complete
/// attempt (descriptor set up inside) returning fcntl's result.
type FcntlAttempt = (&'static str, bool, fn() -> i32);

fn refused_fcntls() -> Vec<FcntlAttempt> {
    fn setown() -> i32 {
        // SAFETY: fcntl with integer arguments.
        unsafe { libc::fcntl(udp_socket(), libc::F_SETOWN, libc::getpid()) }
    }
    fn setsig() -> i32 {
        // SAFETY: as above.
        unsafe { libc::fcntl(udp_socket(), F_SETSIG, libc::SIGKILL) }
    }
    fn setown_ex() -> i32 {
        let owner: [i32; 2] = [F_OWNER_PID, std::process::id() as i32];
        // SAFETY: a valid struct f_owner_ex (type, pid).
        unsafe { libc::fcntl(udp_socket(), F_SETOWN_EX, owner.as_ptr()) }
    }
    fn setlease() -> i32 {
        let fd = open(LEASE_FILE, libc::O_RDONLY).unwrap_or(-1);
        // SAFETY: fcntl with integer arguments.
        unsafe { libc::fcntl(fd, F_SETLEASE, libc::F_RDLCK) }
    }
    fn notify() -> i32 {
        let fd = open("/tmp", libc::O_RDONLY | libc::O_DIRECTORY).unwrap_or(-1);
        // SAFETY: as above.
        unsafe { libc::fcntl(fd, F_NOTIFY, DN_CREATE) }
    }
    fn setfl_async() -> i32 {
        // SAFETY: as above.
        unsafe { libc::fcntl(udp_socket(), libc::F_SETFL, libc::O_ASYNC) }
    }
    vec![
        ("f_setown", true, setown as fn() -> i32),
        ("f_setsig", true, setsig),
        ("f_setown_ex", true, setown_ex),
        ("f_setlease", true, setlease),
        ("f_notify", false, notify),
        ("f_setfl_o_async", true, setfl_async),
    ]
}

fn fcntl_kill_cases() -> Vec<Case> {
    refused_fcntls()
        .into_iter()
        .map(|(name, must_work, attempt)| {
            case(
                &format!("fcntl_{name}_is_killed"),
                move || {
                    write_file(LEASE_FILE, "lease", 0o644)?;
                    // Unconfined the call runs (and does its job).
                    control(|| match attempt() {
                        r if r < 0 && must_work => Err(format!("fcntl {name}: {}", ename(errno()))),
                        _ => Ok(()),
                    })
                },
                move || {
                    write_file(LEASE_FILE, "lease", 0o644)?;
                    run(M2, || {
                        attempt();
                        Err("survived the fcntl".into())
                    })?
                    .killed(
                        2,
                        NATIVE_ABI,
                        arch::FCNTL.nr64(),
                        arch::FCNTL.name,
                    )
                },
            )
        })
        .collect()
}

const FCNTL_FILE: &str = "/tmp/sm-fcntl-file";

fn allowed_fcntls_work() -> Result<(), String> {
    let fd = open(FCNTL_FILE, libc::O_RDWR).map_err(|e| format!("open: {}", ename(e)))?;
    let check = |what: &str, r: i32, ok: bool| -> Result<(), String> {
        if ok {
            Ok(())
        } else {
            Err(format!("fcntl({what}): {r}, {}", ename(errno())))
        }
    };
    // SAFETY: fcntl on our descriptor with integer or valid flock arguments.
    unsafe {
        let fl = libc::fcntl(fd, libc::F_GETFL);
        check("F_GETFL", fl, fl >= 0)?;
        let r = libc::fcntl(fd, libc::F_SETFL, fl | libc::O_NONBLOCK);
        check("F_SETFL O_NONBLOCK", r, r == 0)?;
        let r = libc::fcntl(fd, libc::F_GETFD);
        check("F_GETFD", r, r >= 0)?;
        let r = libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC);
        check("F_SETFD", r, r == 0)?;
        let r = libc::fcntl(fd, libc::F_DUPFD, 20);
        check("F_DUPFD", r, r >= 20)?;
        let r = libc::fcntl(fd, libc::F_DUPFD_CLOEXEC, 30);
        check("F_DUPFD_CLOEXEC", r, r >= 30)?;
        let mut lock: libc::flock = std::mem::zeroed();
        lock.l_type = libc::F_WRLCK as i16;
        lock.l_whence = libc::SEEK_SET as i16;
        let r = libc::fcntl(fd, libc::F_SETLK, &lock);
        check("F_SETLK", r, r == 0)?;
    }
    Ok(())
}

fn allowed_fcntls_case() -> Case {
    let prepare = || write_file(FCNTL_FILE, "x", 0o600);
    case(
        "fcntl_allowed_commands_work",
        move || {
            prepare()?;
            control(allowed_fcntls_work)
        },
        move || {
            prepare()?;
            confined_ok(allowed_fcntls_work).map(drop)
        },
    )
}

/// Forks a victim that sleeps until killed.
fn spawn_victim() -> Result<i32, String> {
    // SAFETY: the child only calls pause.
    match unsafe { libc::fork() } {
        -1 => Err(format!("fork: {}", ename(errno()))),
        0 => loop {
            // SAFETY: waits for a signal.
            unsafe { libc::pause() };
        },
        pid => Ok(pid),
    }
}

/// Waits up to `ms` for `pid` to end; `None` if it still runs.
fn wait_end(pid: i32, ms: u64) -> Result<Option<Outcome>, String> {
    let deadline = Instant::now() + Duration::from_millis(ms);
    loop {
        match waitpid(Pid::from_raw(pid), Some(WaitPidFlag::WNOHANG)) {
            Ok(WaitStatus::Exited(_, c)) => return Ok(Some(Outcome::Exited(c))),
            Ok(WaitStatus::Signaled(_, s, _)) => return Ok(Some(Outcome::Signaled(s))),
            Ok(_) => {}
            Err(e) => return Err(format!("waitpid {pid}: {e}")),
        }
        if Instant::now() >= deadline {
            return Ok(None);
        }
        sleep_ms(10);
    }
}

fn kill_and_reap(pid: i32) {
    // SAFETY: kills our own child.
    unsafe { libc::kill(pid, libc::SIGKILL) };
    let _ = waitpid(Pid::from_raw(pid), None);
}

/// F_SETOWN(victim) + F_SETSIG(SIGKILL) + O_ASYNC on a UDP socket, then a
/// datagram to itself.
fn sigio_attack(victim: i32) -> Result<(), String> {
    let s = udp_socket();
    // SAFETY: zeroed sockaddr_in, then bind/getsockname with its size.
    let mut sa: libc::sockaddr_in = unsafe { std::mem::zeroed() };
    sa.sin_family = libc::AF_INET as u16;
    sa.sin_addr.s_addr = u32::from_be_bytes([127, 0, 0, 1]).to_be();
    let mut len = std::mem::size_of::<libc::sockaddr_in>() as u32;
    // SAFETY: as above; fcntl with integer arguments; sendto of 1 byte.
    unsafe {
        if libc::bind(s, (&raw const sa).cast(), len) != 0
            || libc::getsockname(s, (&raw mut sa).cast(), &mut len) != 0
        {
            return Err(format!("bind: {}", ename(errno())));
        }
        libc::fcntl(s, libc::F_SETOWN, victim);
        libc::fcntl(s, F_SETSIG, libc::SIGKILL);
        libc::fcntl(s, libc::F_SETFL, libc::O_ASYNC | libc::O_NONBLOCK);
        libc::sendto(s, b"x".as_ptr().cast(), 1, 0, (&raw const sa).cast(), len);
    }
    sleep_ms(100);
    Ok(())
}

fn sigio_control() -> Result<(), String> {
    let victim = spawn_victim()?;
    let attacked = control(|| sigio_attack(victim));
    let ended = wait_end(victim, 2000)?;
    if ended.is_none() {
        kill_and_reap(victim);
    }
    attacked?;
    match ended {
        Some(Outcome::Signaled(Signal::SIGKILL)) => Ok(()),
        other => Err(format!("victim: {other:?}, want killed by SIGKILL")),
    }
}

fn sigio_confined() -> Result<(), String> {
    let victim = spawn_victim()?;
    let r = run(M2, || {
        sigio_attack(victim)?;
        Err("survived the fcntl calls".into())
    });
    let ended = wait_end(victim, 500)?;
    if ended.is_none() {
        kill_and_reap(victim);
    }
    r?.killed(2, NATIVE_ABI, arch::FCNTL.nr64(), arch::FCNTL.name)?;
    match ended {
        None => Ok(()),
        Some(o) => Err(format!("the victim ended: {o}")),
    }
}

// ---------------------------------------------------------------------------
// 7. io_uring.

const IORING_SETUP_SQPOLL: u32 = 2;
const IORING_OFF_SQES: libc::off_t = 0x1000_0000;
const IORING_OP_MKDIRAT: u8 = 37;
const IORING_SQ_NEED_WAKEUP: u32 = 1;
const IORING_ENTER_SQ_WAKEUP: u32 = 2;

/// An io_uring ring made with raw syscalls, with its SQ ring and SQEs
/// mapped.
struct Ring {
    fd: i32,
    sq: *mut u8,
    sq_len: usize,
    sqes: *mut u8,
    sqes_len: usize,
    p: [u32; 30],
}

impl Ring {
    /// `io_uring_setup(4, params)` with `flags` (and an SQPOLL idle time).
    fn new(flags: u32) -> Result<Ring, i32> {
        let mut p = [0u32; 30];
        p[2] = flags;
        p[4] = 5000; // sq_thread_idle, ms
                     // SAFETY: `p` is a 120-byte struct io_uring_params.
        let fd = unsafe { libc::syscall(libc::SYS_io_uring_setup, 4, p.as_mut_ptr()) };
        if fd < 0 {
            return Err(errno());
        }
        let fd = fd as libc::c_int;
        // sq_off.array + sq_entries * 4, and the CQ ring in the same mapping.
        let sq_len = (p[16] + p[0] * 4).max(p[25] + p[1] * 16) as usize;
        let sqes_len = p[0] as usize * 64;
        let map = |len: usize, off: libc::off_t| {
            // SAFETY: maps the ring's memory from its fd.
            unsafe {
                libc::mmap(
                    std::ptr::null_mut(),
                    len,
                    libc::PROT_READ | libc::PROT_WRITE,
                    libc::MAP_SHARED | libc::MAP_POPULATE,
                    fd,
                    off,
                )
            }
        };
        let sq = map(sq_len, 0);
        let sqes = map(sqes_len, IORING_OFF_SQES);
        if sq == libc::MAP_FAILED || sqes == libc::MAP_FAILED {
            let e = errno();
            close(fd);
            return Err(e);
        }
        let ring = Ring {
            fd,
            sq: sq.cast(),
            sq_len,
            sqes: sqes.cast(),
            sqes_len,
            p,
        };
        if flags & IORING_SETUP_SQPOLL != 0 {
            ring.wake_sq_thread()?;
        }
        Ok(ring)
    }

    fn sq_flags(&self) -> u32 {
        // SAFETY: the SQ flags word at the offset the kernel gave.
        unsafe { (*self.sq.add(self.p[14] as usize).cast::<AtomicU32>()).load(Ordering::Acquire) }
    }

    /// A new SQPOLL thread polls once and goes to sleep (its idle timer
    /// starts at 0); wake it once with io_uring_enter(SQ_WAKEUP) so that it
    /// spins for `sq_thread_idle` and picks up entries queued through
    /// memory alone, as an attacker does before the prctl.
    fn wake_sq_thread(&self) -> Result<(), i32> {
        let until = |want_asleep: bool| {
            let deadline = Instant::now() + Duration::from_secs(2);
            while (self.sq_flags() & IORING_SQ_NEED_WAKEUP != 0) != want_asleep {
                if Instant::now() > deadline {
                    return false;
                }
                std::thread::sleep(Duration::from_millis(1));
            }
            true
        };
        if !until(true) {
            return Err(libc::ETIMEDOUT);
        }
        // SAFETY: io_uring_enter on our ring, no submissions, no sigmask.
        let r = unsafe {
            libc::syscall(
                libc::SYS_io_uring_enter,
                self.fd,
                0,
                0,
                IORING_ENTER_SQ_WAKEUP,
                0,
                0,
            )
        };
        if r < 0 {
            return Err(errno());
        }
        if until(false) {
            Ok(())
        } else {
            Err(libc::ETIMEDOUT)
        }
    }

    /// Queues `mkdirat(AT_FDCWD, path, 0700)` through shared memory only
    /// (an SQPOLL ring's kernel thread picks it up).
    fn queue_mkdirat(&self, path: &CStr) {
        let mut sqe = [0u8; 64];
        sqe[0] = IORING_OP_MKDIRAT;
        sqe[4..8].copy_from_slice(&libc::AT_FDCWD.to_ne_bytes());
        sqe[16..24].copy_from_slice(&(path.as_ptr() as u64).to_ne_bytes());
        sqe[24..28].copy_from_slice(&0o700u32.to_ne_bytes());
        let off = |i: usize| self.p[i] as usize;
        // SAFETY: offsets the kernel gave in the params, inside the
        // mappings; the tail is published with a release store.
        unsafe {
            let tail = &*self.sq.add(off(11)).cast::<AtomicU32>();
            let mask = *self.sq.add(off(12)).cast::<u32>();
            let t = tail.load(Ordering::Acquire);
            let slot = (t & mask) as usize;
            std::ptr::copy_nonoverlapping(sqe.as_ptr(), self.sqes.add(slot * 64), 64);
            *self.sq.add(off(16)).cast::<u32>().add(slot) = slot as u32;
            tail.store(t.wrapping_add(1), Ordering::Release);
        }
    }
}

impl Ring {
    /// The rings' state, for diagnostics: SQ head/tail/flags, CQ
    /// head/tail, and the first completion's result.
    fn state(&self) -> String {
        let at = |i: usize| -> u32 {
            // SAFETY: offsets the kernel gave, inside the SQ/CQ mapping.
            unsafe { std::ptr::read_volatile(self.sq.add(self.p[i] as usize).cast::<u32>()) }
        };
        // SAFETY: the first CQE (16 bytes: user_data, res, flags).
        let res =
            unsafe { std::ptr::read_volatile(self.sq.add(self.p[25] as usize + 8).cast::<i32>()) };
        format!(
            "sq head {} tail {} flags {:#x}, cq head {} tail {}, cqe[0].res {res}",
            at(10),
            at(11),
            at(14),
            at(20),
            at(21)
        )
    }
}

impl Drop for Ring {
    fn drop(&mut self) {
        // SAFETY: our own mappings and descriptor.
        unsafe {
            libc::munmap(self.sq.cast(), self.sq_len);
            libc::munmap(self.sqes.cast(), self.sqes_len);
        }
        close(self.fd);
    }
}

const URING_CTL_DIR: &str = "/tmp/sm-uring-control";
const URING_CONF_DIR: &str = "/tmp/sm-uring-confined";

/// Control: an SQPOLL ring queues a mkdirat through shared memory alone and
/// it runs.
fn uring_control() -> Result<(), String> {
    remove(URING_CTL_DIR);
    control(|| {
        let ring = Ring::new(IORING_SETUP_SQPOLL)
            .map_err(|e| format!("io_uring_setup(SQPOLL): {}", ename(e)))?;
        let path = cs(URING_CTL_DIR);
        ring.queue_mkdirat(&path);
        if wait_for(URING_CTL_DIR, 3000) {
            Ok(())
        } else {
            Err(format!(
                "the SQPOLL ring did not run the mkdirat ({})",
                ring.state()
            ))
        }
    })?;
    remove(URING_CTL_DIR);
    Ok(())
}

/// A process with a ring made before the prctl gets EBUSY and stays
/// unconfined; without a ring the same prctl succeeds.
fn uring_before_prctl(flags: u32) -> Result<(), String> {
    run(Conf::None, || {
        set_mode(2, 0).map_err(|e| format!("prctl without a ring: {e}"))?;
        match get_mode() {
            Ok(2) => Ok(()),
            m => Err(format!("GET after the prctl without a ring: {m:?}")),
        }
    })?
    .ok()?;
    remove(URING_CONF_DIR);
    let r = run(Conf::None, || {
        let ring = Ring::new(flags).map_err(|e| format!("io_uring_setup: {}", ename(e)))?;
        match set_mode(2, 0) {
            Err(Errno::EBUSY) => {}
            Err(e) => return Err(format!("prctl: {e}, want EBUSY")),
            Ok(()) => {
                if flags & IORING_SETUP_SQPOLL != 0 {
                    let path = cs(URING_CONF_DIR);
                    ring.queue_mkdirat(&path);
                    sleep_ms(500);
                }
                return Err("prctl succeeded with a ring".into());
            }
        }
        match get_mode() {
            Ok(0) => Ok(()),
            m => Err(format!("GET after EBUSY: {m:?}, want 0")),
        }
    })?;
    sleep_ms(100);
    if exists(URING_CONF_DIR) {
        remove(URING_CONF_DIR);
        return Err("the ring's mkdirat ran after the prctl".into());
    }
    r.ok()
}

static RACE_CONFINED: AtomicBool = AtomicBool::new(false);
static RACE_STOP: AtomicBool = AtomicBool::new(false);

/// One race: a thread loops io_uring_setup(SQPOLL) + close while the main
/// thread enters mode 2 after `delay_us`. Exit 0: the prctl gave EBUSY (and
/// nothing changed); SIGKILL: the loop was killed after the prctl; exit 99:
/// a ring was created after the prctl returned 0 and was used.
fn uring_race_once(delay_us: u64, dir: &CStr) -> i32 {
    RACE_CONFINED.store(false, Ordering::SeqCst);
    RACE_STOP.store(false, Ordering::SeqCst);
    let dir = dir.to_owned();
    let looper = std::thread::spawn(move || {
        while !RACE_STOP.load(Ordering::SeqCst) {
            if let Ok(ring) = Ring::new(IORING_SETUP_SQPOLL) {
                if RACE_CONFINED.load(Ordering::SeqCst) {
                    // A working ring in a confined process: use it.
                    ring.queue_mkdirat(&dir);
                    sleep_ms(300);
                    // SAFETY: ends the process.
                    unsafe { libc::_exit(99) };
                }
            }
        }
    });
    std::thread::sleep(Duration::from_micros(delay_us));
    match set_mode(2, 0) {
        Err(Errno::EBUSY) => {
            RACE_STOP.store(true, Ordering::SeqCst);
            let _ = looper.join();
            match get_mode() {
                Ok(0) => 0,
                _ => 13,
            }
        }
        Err(_) => 12,
        Ok(()) => {
            RACE_CONFINED.store(true, Ordering::SeqCst);
            // The looper's next io_uring_setup must kill the process.
            sleep_ms(2000);
            98
        }
    }
}

fn uring_race() -> Result<(), String> {
    const ROUNDS: usize = 50;
    let (mut ebusy, mut killed) = (0, 0);
    let mut bad = Vec::new();
    for i in 0..ROUNDS {
        let path = format!("/tmp/sm-uring-race-{i}");
        remove(&path);
        let dir = cs(&path);
        let delay = (i as u64 * 97) % 3000;
        let outcome = in_child(|| uring_race_once(delay, &dir)).map_err(|e| e.to_string())?;
        match outcome {
            Outcome::Exited(0) => ebusy += 1,
            Outcome::Signaled(Signal::SIGKILL) => killed += 1,
            o => bad.push(format!("round {i}: {o}")),
        }
        sleep_ms(20);
        if exists(&path) {
            bad.push(format!(
                "round {i}: a ring created after the prctl ran mkdirat"
            ));
            remove(&path);
        }
    }
    println!("# io_uring race: {ROUNDS} rounds, {ebusy} EBUSY, {killed} killed");
    if bad.is_empty() {
        Ok(())
    } else {
        Err(bad.join("; "))
    }
}

// ---------------------------------------------------------------------------
// 8. seccomp user notification.

const UNOTIF_CHILD_DIR: &str = "/tmp/sm-unotif-child";
const UNOTIF_SUPERVISOR_DIR: &str = "/tmp/sm-unotif-supervisor";
const SECCOMP_SET_MODE_FILTER: libc::c_long = 1;
const SECCOMP_FILTER_FLAG_NEW_LISTENER: libc::c_long = 8;
const SECCOMP_IOCTL_NOTIF_RECV: libc::c_ulong = 0xc050_2100;
const SECCOMP_IOCTL_NOTIF_SEND: libc::c_ulong = 0xc018_2101;

/// Installs a filter that hands the native `mkdir` (arm64: `mkdirat`) to a
/// supervisor; the listener fd.
fn install_unotif_filter() -> Result<i32, String> {
    let insn = |code: u16, jt: u8, jf: u8, k: u32| libc::sock_filter { code, jt, jf, k };
    let prog = [
        insn(0x20, 0, 0, 4),                // ld [arch]
        insn(0x15, 0, 3, arch::AUDIT_ARCH), // jeq the native AUDIT_ARCH_*
        insn(0x20, 0, 0, 0),                // ld [nr]
        insn(0x15, 0, 1, arch::MKDIR.nr as u32),
        insn(0x06, 0, 0, 0x7fc0_0000), // ret USER_NOTIF
        insn(0x06, 0, 0, 0x7fff_0000), // ret ALLOW
    ];
    let fprog = libc::sock_fprog {
        len: prog.len() as u16,
        filter: prog.as_ptr().cast_mut(),
    };
    // SAFETY: integer prctl; seccomp reads the program.
    unsafe {
        if libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 {
            return Err(format!("no_new_privs: {}", ename(errno())));
        }
        let fd = libc::syscall(
            libc::SYS_seccomp,
            SECCOMP_SET_MODE_FILTER,
            SECCOMP_FILTER_FLAG_NEW_LISTENER,
            &fprog,
        );
        if fd < 0 {
            return Err(format!("seccomp(NEW_LISTENER): {}", ename(errno())));
        }
        Ok(fd as libc::c_int)
    }
}

/// A child installs the filter and sends the listener over a socketpair
/// (both before any prctl), then enters `conf` and calls mkdir; this process
/// supervises: it answers each notification with 0 and does the mkdir
/// itself. Returns the child's pid, outcome and number of notifications.
fn unotif(conf: Conf) -> Result<(i32, Outcome, usize), String> {
    remove(UNOTIF_CHILD_DIR);
    remove(UNOTIF_SUPERVISOR_DIR);
    let (sup, kid) = socketpair(
        AddressFamily::Unix,
        SockType::Stream,
        None,
        SockFlag::SOCK_CLOEXEC,
    )
    .map_err(|e| format!("socketpair: {e}"))?;
    // SAFETY: the child uses raw syscalls and `_exit`s.
    let child = match unsafe { libc::fork() } {
        -1 => return Err(format!("fork: {}", ename(errno()))),
        0 => {
            let code = (|| {
                let listener = install_unotif_filter().map_err(|_| 20)?;
                let iov = [IoSlice::new(b"L")];
                sendmsg::<()>(
                    kid.as_raw_fd(),
                    &iov,
                    &[ControlMessage::ScmRights(&[listener])],
                    MsgFlags::empty(),
                    None,
                )
                .map_err(|_| 21)?;
                close(listener);
                let mut go = [0u8; 1];
                if read_fd(kid.as_raw_fd(), &mut go) != 1 {
                    return Err(22);
                }
                if let Conf::Mode(mode, flags) = conf {
                    set_mode(mode, flags).map_err(|_| 10)?;
                }
                let path = cs(UNOTIF_CHILD_DIR);
                // The raw mkdir (mkdirat) syscall.
                let r = arch::mkdir(&path, 0o700);
                if r == 0 {
                    Ok(())
                } else {
                    Err(23)
                }
            })();
            // SAFETY: ends the child.
            unsafe { libc::_exit(code.err().unwrap_or(0)) }
        }
        pid => pid,
    };
    drop(kid);
    let mut buf = [0u8; 1];
    let mut iov = [IoSliceMut::new(&mut buf)];
    let mut space = nix::cmsg_space!([RawFd; 1]);
    let listener = recvmsg::<()>(
        sup.as_raw_fd(),
        &mut iov,
        Some(&mut space),
        MsgFlags::empty(),
    )
    .map_err(|e| format!("recvmsg: {e}"))
    .and_then(|m| {
        m.cmsgs()
            .map_err(|e| e.to_string())?
            .find_map(|c| match c {
                ControlMessageOwned::ScmRights(fds) => fds.first().copied(),
                _ => None,
            })
            .ok_or_else(|| "no listener fd received".to_owned())
    });
    let listener = match listener {
        Ok(fd) => fd,
        Err(e) => {
            kill_and_reap(child);
            return Err(e);
        }
    };
    write_fd(sup.as_raw_fd(), b"G");
    let mut notifications = 0;
    let deadline = Instant::now() + Duration::from_secs(10);
    let outcome = loop {
        if let Some(o) = wait_end(child, 0)? {
            break o;
        }
        if Instant::now() > deadline {
            kill_and_reap(child);
            close(listener);
            return Err("the child neither finished nor died in 10 s".into());
        }
        let mut pfd = libc::pollfd {
            fd: listener,
            events: libc::POLLIN,
            revents: 0,
        };
        // SAFETY: one valid pollfd.
        if unsafe { libc::poll(&mut pfd, 1, 50) } <= 0 || pfd.revents & libc::POLLIN == 0 {
            continue;
        }
        // struct seccomp_notif (80 bytes): id at 0, then pid, flags, data.
        let mut req = [0u64; 10];
        // SAFETY: the kernel fills the zeroed 80-byte struct.
        if unsafe { libc::ioctl(listener, SECCOMP_IOCTL_NOTIF_RECV, req.as_mut_ptr()) } != 0 {
            continue;
        }
        notifications += 1;
        // The supervisor does the work in its own context...
        let _ = std::fs::create_dir(UNOTIF_SUPERVISOR_DIR);
        // ... and answers "success": struct seccomp_notif_resp {id, val,
        // error, flags}.
        let resp = [req[0], 0u64, 0u64];
        // SAFETY: a valid 24-byte response.
        unsafe { libc::ioctl(listener, SECCOMP_IOCTL_NOTIF_SEND, resp.as_ptr()) };
    };
    close(listener);
    Ok((child, outcome, notifications))
}

fn unotif_control() -> Result<(), String> {
    let (_, outcome, n) = unotif(Conf::None)?;
    outcome.expect_exit(0)?;
    if n == 0 || !exists(UNOTIF_SUPERVISOR_DIR) {
        return Err(format!("{n} notifications; the supervisor did no mkdir"));
    }
    if exists(UNOTIF_CHILD_DIR) {
        return Err("the child's own mkdir ran".into());
    }
    Ok(())
}

fn unotif_confined() -> Result<(), String> {
    let (pid, outcome, n) = unotif(M2)?;
    outcome
        .expect_signal(Signal::SIGKILL)
        .map_err(|e| format!("{e} ({n} notifications)"))?;
    let mkdir = arch::MKDIR;
    if !log_has_kill(pid, 2, NATIVE_ABI, mkdir.nr64(), mkdir.name)? {
        return Err(format!(
            "no kill line for pid {pid} naming syscall={} ({}); {n} notifications",
            mkdir.nr, mkdir.name
        ));
    }
    if n > 0 {
        println!("# seccomp user notification: the supervisor saw {n} before the kill");
    }
    Ok(())
}

// ---------------------------------------------------------------------------
// 9. Refusals made consistent.

const CREAT_FILE: &str = "/tmp/sm-creat-0600";
const EXEC_FILE: &str = "/tmp/sm-exec-mode";

/// creat (arm64: its openat form) with a plain mode works (the file is
/// removed first by the unconfined parent: `unlink` is not in mode 2).
fn creat_0600_works() -> Result<(), String> {
    let p = cs(CREAT_FILE);
    let fd = arch::creat(&p, 0o600);
    if fd < 0 {
        return Err(format!("creat 0600: {}", ename(errno())));
    }
    close(fd as libc::c_int);
    if exists(CREAT_FILE) {
        Ok(())
    } else {
        Err("creat made no file".into())
    }
}

/// Creating files with exec/setuid/setgid/sticky mode bits: a case name,
/// the syscall, and the attempt (`open` and `creat` are their `openat` forms
/// on arm64, and the names say so).
type CreateAttempt = (String, arch::Call, fn() -> libc::c_long);

fn exec_mode_creates() -> Vec<CreateAttempt> {
    fn p() -> CString {
        cs(EXEC_FILE)
    }
    fn openat(path: &CStr, flags: i32, mode: libc::mode_t) -> libc::c_long {
        // SAFETY: the raw openat syscall with a valid path.
        unsafe { libc::syscall(libc::SYS_openat, libc::AT_FDCWD, path.as_ptr(), flags, mode) }
    }
    let (open, creat) = (arch::OPEN, arch::CREAT);
    let openat_call = arch::Call {
        nr: libc::SYS_openat,
        name: "openat",
    };
    let creat_name = if creat.name == "creat" {
        "creat_0755"
    } else {
        "openat_creat_trunc_0755"
    };
    vec![
        (format!("{}_creat_excl_0755", open.name), open, || {
            arch::open(&p(), libc::O_CREAT | libc::O_EXCL | libc::O_WRONLY, 0o755)
        }),
        ("openat_creat_0700".to_owned(), openat_call, || {
            openat(&p(), libc::O_CREAT | libc::O_WRONLY, 0o700)
        }),
        (creat_name.to_owned(), creat, || arch::creat(&p(), 0o755)),
        (format!("{}_creat_setuid_04644", open.name), open, || {
            arch::open(&p(), libc::O_CREAT | libc::O_WRONLY, 0o4644)
        }),
        ("openat_tmpfile_0700".to_owned(), openat_call, || {
            openat(c"/tmp", libc::O_TMPFILE | libc::O_RDWR, 0o700)
        }),
    ]
}

fn exec_mode_cases() -> Vec<Case> {
    exec_mode_creates()
        .into_iter()
        .map(|(name, call, attempt)| {
            let tmpfile = name.contains("tmpfile");
            case(
                &format!("{name}_is_killed_and_creates_nothing"),
                move || {
                    remove(EXEC_FILE);
                    control(|| {
                        let fd = attempt();
                        if fd < 0 {
                            return Err(format!("{name}: {}", ename(errno())));
                        }
                        close(fd as libc::c_int);
                        Ok(())
                    })?;
                    if !tmpfile && !exists(EXEC_FILE) {
                        return Err("no file was created".into());
                    }
                    remove(EXEC_FILE);
                    Ok(())
                },
                move || {
                    remove(EXEC_FILE);
                    let r = run(M2, || {
                        attempt();
                        Err("survived".into())
                    })?;
                    if exists(EXEC_FILE) {
                        remove(EXEC_FILE);
                        return Err("the file was created".into());
                    }
                    r.killed(2, NATIVE_ABI, call.nr64(), call.name)
                },
            )
        })
        .collect()
}

const TRUNC_FILE: &str = "/tmp/sm-trunc";

fn file_len(path: &str) -> i64 {
    std::fs::metadata(path)
        .map(|m| m.len() as i64)
        .unwrap_or(-1)
}

fn truncation_works() -> Result<(), String> {
    let p = cs(TRUNC_FILE);
    let fill = || {
        let fd = open(TRUNC_FILE, libc::O_WRONLY).map_err(|e| format!("open: {}", ename(e)))?;
        write_fd(fd, b"0123456789");
        close(fd);
        Ok::<(), String>(())
    };
    fill()?;
    let fd = open(TRUNC_FILE, libc::O_WRONLY | libc::O_TRUNC)
        .map_err(|e| format!("open O_TRUNC: {}", ename(e)))?;
    close(fd);
    if file_len(TRUNC_FILE) != 0 {
        return Err("O_TRUNC did not empty the file".into());
    }
    fill()?;
    // SAFETY: the raw truncate syscall with a valid path.
    if unsafe { libc::syscall(libc::SYS_truncate, p.as_ptr(), 3) } != 0 || file_len(TRUNC_FILE) != 3
    {
        return Err(format!("truncate: {}", ename(errno())));
    }
    let fd = open(TRUNC_FILE, libc::O_WRONLY).map_err(|e| format!("open: {}", ename(e)))?;
    // SAFETY: the raw ftruncate syscall on our descriptor.
    let r = unsafe { libc::syscall(libc::SYS_ftruncate, fd, 1) };
    close(fd);
    if r != 0 || file_len(TRUNC_FILE) != 1 {
        return Err(format!("ftruncate: {}", ename(errno())));
    }
    Ok(())
}

/// dup, dup2 (arm64 has none: glibc's dup2 is dup3 there), dup3 and
/// fcntl(F_DUPFD).
fn dups_work() -> Result<(), String> {
    let fd = open("/dev/null", libc::O_RDONLY).map_err(|e| format!("open: {}", ename(e)))?;
    // SAFETY: raw dup/dup2/dup3/fcntl on our descriptors.
    unsafe {
        let d = libc::syscall(libc::SYS_dup, fd);
        if d < 0 {
            return Err(format!("dup: {}", ename(errno())));
        }
        #[cfg(not(target_arch = "aarch64"))]
        if libc::syscall(libc::SYS_dup2, fd, 40) != 40 {
            return Err(format!("dup2: {}", ename(errno())));
        }
        if libc::syscall(libc::SYS_dup3, fd, 41, libc::O_CLOEXEC) != 41 {
            return Err(format!("dup3: {}", ename(errno())));
        }
        if libc::fcntl(fd, libc::F_DUPFD, 42) < 42 {
            return Err(format!("fcntl(F_DUPFD): {}", ename(errno())));
        }
    }
    Ok(())
}

/// pipe (arm64 has none: glibc's pipe is pipe2 there), pipe2 and
/// socketpair.
fn pipes_and_socketpair_work() -> Result<(), String> {
    let mut fds = [0i32; 2];
    // SAFETY: the raw calls write two ints into `fds`.
    unsafe {
        #[cfg(not(target_arch = "aarch64"))]
        if libc::syscall(libc::SYS_pipe, fds.as_mut_ptr()) != 0 {
            return Err(format!("pipe: {}", ename(errno())));
        }
        if libc::syscall(libc::SYS_pipe2, fds.as_mut_ptr(), libc::O_CLOEXEC) != 0 {
            return Err(format!("pipe2: {}", ename(errno())));
        }
        if libc::syscall(
            libc::SYS_socketpair,
            libc::AF_UNIX,
            libc::SOCK_STREAM,
            0,
            fds.as_mut_ptr(),
        ) != 0
        {
            return Err(format!("socketpair: {}", ename(errno())));
        }
    }
    if write_fd(fds[0], b"p") != 1 {
        return Err("write on the socketpair".into());
    }
    let mut b = [0u8; 1];
    if read_fd(fds[1], &mut b) != 1 {
        return Err("read on the socketpair".into());
    }
    Ok(())
}

fn identity_calls_work() -> Result<(), String> {
    // SAFETY: uname writes one struct utsname; the id calls take nothing.
    unsafe {
        let mut u: libc::utsname = std::mem::zeroed();
        if libc::syscall(libc::SYS_uname, &mut u) != 0 || u.sysname[0] == 0 {
            return Err(format!("uname: {}", ename(errno())));
        }
        for (nr, name) in [
            (libc::SYS_getuid, "getuid"),
            (libc::SYS_geteuid, "geteuid"),
            (libc::SYS_getgid, "getgid"),
            (libc::SYS_getegid, "getegid"),
        ] {
            if libc::syscall(nr) != 0 {
                return Err(format!("{name} != 0 (we run as root)"));
            }
        }
    }
    Ok(())
}

/// The raw stat and lstat syscalls (on arm64 and arm the `*at` call that
/// glibc's `stat` and `lstat` make, `arch::STAT`).
fn stats_work() -> Result<(), String> {
    arch::stat_mode(c"/tmp", false).map_err(|e| format!("stat: {}", ename(e)))?;
    match arch::stat_mode(c"/proc/self", true) {
        Ok(mode) if mode & libc::S_IFMT == libc::S_IFLNK => Ok(()),
        Ok(_) => Err(format!("lstat: {}", ename(errno()))),
        Err(e) => Err(format!("lstat: {}", ename(e))),
    }
}

// ---------------------------------------------------------------------------
// 10. Compat argument truncation, x32 names, complain mode.

/// ia32 socketcall(SYS_SOCKET) through `int $0x80` with junk in the upper
/// half of rbx: the kernel uses ebx only.
#[cfg(target_arch = "x86_64")]
fn upper_rbx_socketcall() -> Result<(), String> {
    let args = socketcall_args(libc::AF_INET, libc::SOCK_DGRAM, 0)?;
    let fd = int80_rbx(
        SYS_SOCKETCALL_IA32,
        0xdead_beef_0000_0000 | u64::from(SC_SOCKET),
        [args, 0, 0, 0],
    );
    if fd >= 0 {
        Ok(())
    } else {
        Err(format!("socketcall with junk in rbx[63:32]: {fd}"))
    }
}

#[cfg(target_arch = "x86_64")]
const X32_EXECVE: i64 = 0x4000_0000 | 520;

#[cfg(target_arch = "x86_64")]
fn x32_control() -> Result<(), String> {
    control(|| {
        // SAFETY: x32 execve(NULL, NULL, NULL): EFAULT.
        let r = unsafe { libc::syscall(X32_EXECVE, 0, 0, 0) };
        if r == -1 && errno() == libc::EFAULT {
            Ok(())
        } else {
            Err(format!("x32 execve(NULL): {r}, {}", ename(errno())))
        }
    })
}

#[cfg(target_arch = "x86_64")]
fn x32_confined() -> Result<(), String> {
    run(M2, || {
        // SAFETY: as above; the process is killed first.
        unsafe { libc::syscall(X32_EXECVE, 0, 0, 0) };
        Err("survived".into())
    })?
    .killed(2, "x32", X32_EXECVE, "execve")
}

fn complain_body() -> Result<(), String> {
    open_close("/dev/mem", libc::O_RDONLY)?;
    let fd = socket(libc::AF_NETLINK, libc::SOCK_RAW, libc::NETLINK_ROUTE)
        .map_err(|e| format!("socket(AF_NETLINK): {}", ename(e)))?;
    close(fd);
    open_close("/proc/self/comm", libc::O_WRONLY)
}

fn complain_confined() -> Result<(), String> {
    let (maj, min) = dev_numbers("/dev/mem")?;
    let r = run(Conf::Mode(2, SECCOMP_MODE_FLAG_LOG), complain_body)?;
    r.ok()?;
    for object in [
        format!("open=chardev:{maj}:{min}"),
        format!("socket={}", libc::AF_NETLINK),
        "open=procfs:write".to_owned(),
    ] {
        if !log_has_object("logged", r.pid, 2, &object)? {
            return Err(format!(
                "no line 'seccomp_mode: logged pid={} ... mode=2 {object}'",
                r.pid
            ));
        }
    }
    Ok(())
}

// ---------------------------------------------------------------------------

fn cases() -> Vec<Case> {
    let mut all = vec![
        case(
            "proc_pid_mem_environ_fd_of_parent_refused_as_root",
            || proc_pid_attack(None, false),
            || proc_pid_attack(None, true),
        ),
        case(
            "proc_pid_mem_environ_fd_of_parent_refused_same_uid_1000",
            || proc_pid_attack(Some(1000), false),
            || proc_pid_attack(Some(1000), true),
        ),
        works_both_ways("own_proc_self_and_meminfo_reads_work", own_proc_reads),
        case(
            "protocol_autoload_is_refused",
            protocol_autoload_control,
            protocol_autoload_confined,
        ),
        case(
            "raw_socket_needs_a_refused_capability",
            || control(|| raw_socket(Ok(()))),
            raw_socket_confined,
        ),
        case(
            "writing_to_an_existing_program_is_refused",
            program_write_control,
            program_write_confined,
        ),
        case(
            "procfs_write_opens_are_refused",
            procfs_write_control,
            procfs_write_confined,
        ),
        case(
            "modprobe_autoload_escape_is_closed",
            modprobe_control,
            modprobe_confined,
        ),
        proc_kcore_case(),
        proc_kernel_files_case(),
        case(
            "sysfs_write_refused_read_works",
            sysfs_control,
            sysfs_confined,
        ),
        kernel_fs_case(
            "debugfs_any_access_is_refused",
            "/sys/kernel/debug",
            "debugfs",
            // Fault injection's, which every test kernel has (kmemleak's is
            // only in the debug pass's).
            "failslab/probability",
        ),
        kernel_fs_case(
            "tracefs_any_access_is_refused",
            "/sys/kernel/tracing",
            "tracefs",
            "trace",
        ),
        works_both_ways("allowed_chardevs_open", allowed_chardevs_work),
        case(
            &format!(
                "chardevs_kmsg_mem_port_tty_{}_are_refused",
                arch::SERIAL_TTY.trim_start_matches("/dev/").to_lowercase()
            ),
            refused_chardevs_control,
            refused_chardevs_confined,
        ),
        case(
            "chardev_check_is_on_the_device_number",
            mknod_control,
            mknod_confined,
        ),
        case(
            "forged_kmsg_line_cannot_be_written",
            forged_log_control,
            forged_log_confined,
        ),
        case(
            "blockdev_ram0_is_refused",
            || control(read_ram0),
            blockdev_confined,
        ),
        case(
            "socket_netlink_and_packet_are_refused",
            socket_families_control,
            socket_families_confined,
        ),
        case(
            "netlink_link_down_escape_is_closed",
            netlink_control,
            netlink_confined,
        ),
    ];
    #[cfg(target_arch = "x86_64")]
    all.push(case(
        "ia32_socketcall_netlink_refused_inet_works",
        ia32_netlink_control,
        ia32_netlink_confined,
    ));
    all.extend(fcntl_kill_cases());
    all.push(allowed_fcntls_case());
    all.push(case(
        "fcntl_sigio_sigkill_escape_is_closed",
        sigio_control,
        sigio_confined,
    ));
    all.push(case(
        "io_uring_sqpoll_ring_before_prctl_gives_ebusy",
        uring_control,
        || uring_before_prctl(IORING_SETUP_SQPOLL),
    ));
    all.push(case(
        "io_uring_plain_ring_before_prctl_gives_ebusy",
        uring_control,
        || uring_before_prctl(0),
    ));
    all.push(case(
        "io_uring_setup_racing_prctl_leaves_no_working_ring",
        uring_control,
        uring_race,
    ));
    all.push(case(
        "seccomp_user_notif_bypass_is_killed",
        unotif_control,
        unotif_confined,
    ));
    all.push(case(
        "creat_0600_works",
        || {
            remove(CREAT_FILE);
            control(creat_0600_works)
        },
        || {
            remove(CREAT_FILE);
            confined_ok(creat_0600_works).map(drop)
        },
    ));
    all.extend(exec_mode_cases());
    all.push(case(
        "o_trunc_truncate_ftruncate_work",
        || {
            write_file(TRUNC_FILE, "", 0o600)?;
            control(truncation_works)
        },
        || {
            write_file(TRUNC_FILE, "", 0o600)?;
            confined_ok(truncation_works).map(drop)
        },
    ));
    all.push(works_both_ways("dup_dup2_dup3_f_dupfd_work", dups_work));
    all.push(works_both_ways(
        "pipe_pipe2_socketpair_work",
        pipes_and_socketpair_work,
    ));
    all.push(works_both_ways(
        "uname_getuid_geteuid_getgid_getegid_work",
        identity_calls_work,
    ));
    all.push(works_both_ways("stat_lstat_work", stats_work));
    #[cfg(target_arch = "x86_64")]
    all.extend([
        works_both_ways(
            "ia32_socketcall_with_junk_in_upper_rbx_runs",
            upper_rbx_socketcall,
        ),
        case("x32_kill_line_names_the_syscall", x32_control, x32_confined),
    ]);
    all.push(case(
        "complain_mode_logs_and_allows_object_checks",
        || control(complain_body),
        complain_confined,
    ));
    all
}

fn main() {
    let controls_only = std::env::args().any(|a| a == "--controls-only");
    let cases = cases();
    let mut tap = Tap::new(std::io::stdout(), cases.len());
    for c in &cases {
        if let Some(why) = &c.skip {
            tap.case(&format!("{} # SKIP {why}", c.name), Ok(()));
            continue;
        }
        if let Some(ctl) = &c.control {
            if let Err(e) = ctl() {
                tap.case(&c.name, Err(format!("control: {e}")));
                continue;
            }
        } else if controls_only {
            tap.case(&format!("{} # SKIP no control", c.name), Ok(()));
            continue;
        }
        if controls_only {
            tap.case(&format!("{} (control)", c.name), Ok(()));
            continue;
        }
        let result = (c.confined)().map_err(|e| format!("confined: {e}"));
        tap.case(&c.name, result);
    }
    std::process::exit(tap.finish());
}
