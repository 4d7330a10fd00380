// SPDX-License-Identifier: GPL-2.0

//! The in-guest attack suite: every escape an attacker would try from a
//! confined process, each from a real user process, each one TAP case.
//!
//! Every never-list syscall of the program's native ABI (and on x86_64 of
//! ia32), numbering and compat tricks, namespace clones, mode 1's exact
//! list, transitions that must change nothing, a confinement race, and
//! complain mode. Runs with the module's log rate limit off
//! (`log_interval_ms=0`, set by `scripts/test`) so that every kill line can
//! be checked.
//!
//! The same cases run on x86_64, AArch64 and, built for 32-bit arm and
//! 32-bit x86, as compat processes in the arm64 guest (AArch32) and in the
//! x86_64 guest (ia32), each against its own ABI's tables; the x32 and
//! 64-bit `int $0x80` tricks are x86_64's, the ARM-private numbers arm's;
//! the `int $0x80` cases of ia32 run on x86_64 and, from a real 32-bit
//! process, on x86.

use std::os::fd::AsRawFd;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

use nix::errno::Errno;
use nix::sys::signal::Signal;
use nix::sys::wait::{waitpid, WaitStatus};
use nix::unistd::{pipe, Pid};
#[cfg(target_arch = "x86_64")]
use smtest::arch::syscall0;
use smtest::arch::{self, raw_fork_reading, NATIVE_ABI};
#[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
use smtest::arch::{int80, low_page};
use smtest::{
    anon_page, child_with_pid, get_mode, in_child, in_child_piped, kernel_log, log_has_kill,
    raw_exit, set_mode, Outcome, Tap, PR_SECCOMP_MODE_GET, SECCOMP_MODE_FLAG_LOG,
};
use tablecheck::tables;

type Case = (String, Box<dyn Fn() -> Result<(), String>>);

/// Runs `attack` in a child that first enters `mode`; the child must die by
/// SIGKILL and the kernel log must name the syscall.
fn killed_in_mode(
    mode: u64,
    abi: &str,
    nr: i64,
    name: &str,
    attack: impl FnOnce(),
) -> Result<(), String> {
    let (pid, outcome) = child_with_pid(|| {
        if set_mode(mode, 0).is_err() {
            return 10;
        }
        attack();
        20
    })?;
    outcome.expect_signal(Signal::SIGKILL)?;
    if log_has_kill(pid, mode as u8, abi, nr, name)? {
        Ok(())
    } else {
        Err(format!(
            "no log line for pid {pid}: abi={abi} syscall={nr} ({name})"
        ))
    }
}

/// A native syscall with all-zero arguments (`nr` as the native entry takes
/// it: on 32-bit arm its low 32 bits).
fn native(nr: i64) {
    // SAFETY: zero arguments; the caller expects the process to be killed.
    unsafe { libc::syscall(nr as libc::c_long, 0, 0, 0, 0, 0, 0) };
}

/// Syscall `nr` of ABI `abi` with all-zero arguments: the native ABI's, or
/// on x86_64 ia32's through `int $0x80`.
fn call_abi(abi: &str, nr: u32) {
    #[cfg(target_arch = "x86_64")]
    if abi == "ia32" {
        int80(nr, [0; 5]);
        return;
    }
    debug_assert_eq!(abi, NATIVE_ABI);
    native(nr.into());
}

/// The ABIs this program can call: its native ABI, and on x86_64 ia32
/// through `int $0x80` (AArch64 has no such entry: AArch32 is tested by the
/// same program built for 32-bit arm).
fn callable_abis() -> Vec<&'static tables::Abi> {
    let ia32 = if cfg!(target_arch = "x86_64") {
        tables::by_name("ia32")
    } else {
        None
    };
    std::iter::once(arch::tables()).chain(ia32).collect()
}

/// One case per never-list syscall of the native ABI (and ia32).
fn never_list_cases() -> Vec<Case> {
    let mut cases: Vec<Case> = Vec::new();
    for abi in callable_abis() {
        for sys in abi.never {
            let (abi_name, nr, name) = (abi.name, sys.nr, sys.name);
            cases.push((
                format!("never_{abi_name}_{name}_is_killed_and_logged"),
                Box::new(move || {
                    killed_in_mode(2, abi_name, nr.into(), name, || call_abi(abi_name, nr))
                }),
            ));
        }
    }
    cases
}

fn refused_mount_mounts_nothing() -> Result<(), String> {
    let target = "/tmp/sm-mount-target";
    std::fs::create_dir_all(target).map_err(|e| e.to_string())?;
    killed_in_mode(2, NATIVE_ABI, arch::nr64(libc::SYS_mount), "mount", || {
        // SAFETY: valid NUL-terminated strings.
        unsafe {
            libc::mount(
                c"none".as_ptr(),
                c"/tmp/sm-mount-target".as_ptr(),
                c"tmpfs".as_ptr(),
                0,
                std::ptr::null(),
            )
        };
    })?;
    let mounts = std::fs::read_to_string("/proc/mounts").map_err(|e| e.to_string())?;
    if mounts.contains(target) {
        Err(format!("{target} was mounted:\n{mounts}"))
    } else {
        Ok(())
    }
}

fn refused_mkdir_and_creat_create_nothing() -> Result<(), String> {
    let _ = std::fs::remove_dir("/tmp/sm-mkdir");
    let _ = std::fs::remove_file("/tmp/sm-creat");
    // The raw mkdir syscall (mkdirat on arm64).
    let (mkdir, creat) = (arch::MKDIR, arch::CREAT);
    killed_in_mode(2, NATIVE_ABI, mkdir.nr64(), mkdir.name, || {
        arch::mkdir(c"/tmp/sm-mkdir", 0o700);
    })?;
    // creat runs in mode 2, but not with an execute bit in the new file's
    // mode (the raw creat syscall, libc uses openat; on arm64 openat).
    killed_in_mode(2, NATIVE_ABI, creat.nr64(), creat.name, || {
        arch::creat(c"/tmp/sm-creat", 0o755);
    })?;
    for path in ["/tmp/sm-mkdir", "/tmp/sm-creat"] {
        if std::path::Path::new(path).exists() {
            return Err(format!("{path} was created"));
        }
    }
    Ok(())
}

fn refused_execve_runs_no_shell() -> Result<(), String> {
    let marker = "/tmp/sm-pwned";
    let _ = std::fs::remove_file(marker);
    killed_in_mode(
        2,
        NATIVE_ABI,
        arch::nr64(libc::SYS_execve),
        "execve",
        || {
            let argv = [
                c"sh".as_ptr(),
                c"-c".as_ptr(),
                c"touch /tmp/sm-pwned".as_ptr(),
                std::ptr::null(),
            ];
            let envp = [std::ptr::null()];
            // SAFETY: valid argv/envp arrays.
            unsafe { libc::execve(c"/bin/sh".as_ptr(), argv.as_ptr(), envp.as_ptr()) };
        },
    )?;
    std::thread::sleep(Duration::from_millis(100));
    if std::path::Path::new(marker).exists() {
        Err("the shell ran".into())
    } else {
        Ok(())
    }
}

static TARGET: AtomicU64 = AtomicU64::new(1);

fn refused_process_vm_writev_writes_nothing() -> Result<(), String> {
    TARGET.store(1, Ordering::SeqCst);
    let parent = std::process::id() as i32;
    killed_in_mode(
        2,
        NATIVE_ABI,
        arch::nr64(libc::SYS_process_vm_writev),
        "process_vm_writev",
        || {
            // The same address in the parent: fork copied the layout.
            let value: u64 = 0xdead;
            let local = libc::iovec {
                iov_base: (&raw const value).cast_mut().cast(),
                iov_len: 8,
            };
            let remote = libc::iovec {
                iov_base: TARGET.as_ptr().cast(),
                iov_len: 8,
            };
            // SAFETY: valid iovecs of 8 bytes each.
            unsafe { libc::process_vm_writev(parent, &local, 1, &remote, 1, 0) };
        },
    )?;
    match TARGET.load(Ordering::SeqCst) {
        1 => Ok(()),
        v => Err(format!("the parent's memory was written: {v:#x}")),
    }
}

fn refused_ptrace_attaches_nothing() -> Result<(), String> {
    let parent = std::process::id() as i32;
    killed_in_mode(
        2,
        NATIVE_ABI,
        arch::nr64(libc::SYS_ptrace),
        "ptrace",
        || {
            // SAFETY: PTRACE_ATTACH of the parent; no pointers.
            unsafe { libc::ptrace(libc::PTRACE_ATTACH, parent, 0, 0) };
        },
    )?;
    let status = std::fs::read_to_string("/proc/self/status").map_err(|e| e.to_string())?;
    if status.lines().any(|l| l == "TracerPid:\t0") {
        Ok(())
    } else {
        Err(format!("the parent is traced:\n{status}"))
    }
}

#[cfg(target_arch = "x86_64")]
fn numbering_escapes_are_killed() -> Result<(), String> {
    // (value in rax, the number the kernel dispatches and logs, ABI, the
    // name in the log line: x32's execve is 520; its 59 is the 64-bit-only
    // row, no x32 syscall)
    let cases: [(u64, i64, &str, &str); 6] = [
        (u64::MAX, -1, "x86_64", "?"),
        (0xffff_ffff, -1, "x86_64", "?"),
        (100_000, 100_000, "x86_64", "?"),
        (0x3fff_ffff, 0x3fff_ffff, "x86_64", "?"),
        (0x4000_0000 | 520, 0x4000_0000 | 520, "x32", "execve"),
        (0x4000_0000 | 59, 0x4000_0000 | 59, "x32", "?"),
    ];
    for (rax, nr, abi, name) in cases {
        killed_in_mode(2, abi, nr, name, || {
            syscall0(rax);
        })
        .map_err(|e| format!("rax={rax:#x}: {e}"))?;
    }
    Ok(())
}

/// AArch64 takes the syscall number from the low 32 bits of x8 (an `int`):
/// junk above them must not hide a call, and numbers outside the table are
/// killed.
#[cfg(target_arch = "aarch64")]
fn numbering_escapes_are_killed() -> Result<(), String> {
    let execve = libc::SYS_execve as u64;
    let past = u64::from(arch::tables().max_nr) + 1;
    // (value in x8, the number the kernel dispatches and logs, the name in
    // the log line)
    let cases: [(u64, i64, &str); 6] = [
        (u64::MAX, -1, "?"),
        (0xffff_ffff, -1, "?"),
        (100_000, 100_000, "?"),
        (past, past as i64, "?"),
        (1 << 32 | execve, execve as i64, "execve"),
        (0xdead_beef_0000_0000 | execve, execve as i64, "execve"),
    ];
    for (x8, nr, name) in cases {
        killed_in_mode(2, NATIVE_ABI, nr, name, || {
            // SAFETY: zero arguments; glibc's syscall() passes all 64 bits
            // of the number in x8; the process is killed first.
            unsafe { libc::syscall(x8 as libc::c_long, 0, 0, 0, 0, 0, 0) };
        })
        .map_err(|e| format!("x8={x8:#x}: {e}"))?;
    }
    Ok(())
}

/// AArch32 numbers outside the table, below and above the ARM-private
/// range.
#[cfg(target_arch = "arm")]
fn numbering_escapes_are_killed() -> Result<(), String> {
    let past = i64::from(arch::tables().max_nr) + 1;
    // (value in r7, as the kernel dispatches and logs it)
    let cases: [i64; 6] = [-1, past, 0xffff, 0x0e_ffff, 0x10_0000, 0x7fff_ffff];
    for nr in cases {
        killed_in_mode(2, NATIVE_ABI, nr, "?", || native(nr))
            .map_err(|e| format!("r7={:#x}: {e}", nr as u32))?;
    }
    Ok(())
}

/// An ia32 process's `eax` is the whole number (the kernel takes it as an
/// `int`): numbers outside the table, negative ones, and x32's bit 30 (which
/// means nothing to the compat entry) are killed as ia32 numbers, through
/// `int $0x80`.
#[cfg(target_arch = "x86")]
fn numbering_escapes_are_killed() -> Result<(), String> {
    let past = arch::tables().max_nr + 1;
    // (value in eax, the number the kernel dispatches and logs, the name in
    // the log line)
    let cases: [(u32, i64, &str); 6] = [
        (u32::MAX, -1, "?"),
        (past, past.into(), "?"),
        (100_000, 100_000, "?"),
        (0x3fff_ffff, 0x3fff_ffff, "?"),
        (0x4000_0000 | 11, 0x4000_0000 | 11, "?"),
        (0x8000_0000 | 11, i64::from(i32::MIN | 11), "?"),
    ];
    for (eax, nr, name) in cases {
        killed_in_mode(2, NATIVE_ABI, nr, name, || {
            int80(eax, [0; 5]);
        })
        .map_err(|e| format!("eax={eax:#x}: {e}"))?;
    }
    Ok(())
}

/// AArch32's ARM-private calls (`0x0f0000..=0x0f07ff`, served outside the
/// syscall table, and SIGILL above): in no table, so killed in mode 2, each
/// with its own case.
#[cfg(target_arch = "arm")]
fn arm_private_cases() -> Vec<Case> {
    let base = arch::ARM_NR_BASE;
    let calls: [(u32, &str); 9] = [
        (base, "base"),
        (base + 1, "breakpoint"),
        (base + 2, "cacheflush"),
        (base + 3, "usr26"),
        (base + 4, "usr32"),
        (base + 5, "set_tls"),
        (base + 6, "get_tls"),
        (base + 0x7ff, "last"),
        (base + 0x800, "past_the_range"),
    ];
    calls
        .into_iter()
        .map(|(nr, what)| -> Case {
            (
                format!("arm_private_{nr:#08x}_{what}_is_killed"),
                Box::new(move || {
                    killed_in_mode(2, NATIVE_ABI, nr.into(), "?", || native(nr.into()))
                }),
            )
        })
        .collect()
}

/// The ARM-private numbers are killed in mode 1 too.
#[cfg(target_arch = "arm")]
fn arm_private_numbers_are_killed_in_mode1() -> Result<(), String> {
    let base = arch::ARM_NR_BASE;
    for nr in (base..=base + 6).chain([base + 0x7ff, base + 0x800]) {
        killed_in_mode(1, NATIVE_ABI, nr.into(), "?", || native(nr.into()))
            .map_err(|e| format!("{nr:#x}: {e}"))?;
    }
    Ok(())
}

/// ia32 `execve` through `int $0x80`: from this 64-bit process on x86_64,
/// from a 32-bit one on x86 (whose glibc enters through the vDSO).
#[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
fn ia32_execve_is_killed() -> Result<(), String> {
    killed_in_mode(2, "ia32", 11, "execve", || {
        int80(11, [0; 5]);
    })
}

/// ia32 `socketcall(SYS_SOCKET, ...)` runs in mode 2: ia32 `socket` is in
/// the table, so its socketcall form is too.
#[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
fn ia32_socketcall_socket_works_in_mode2() -> Result<(), String> {
    in_child(|| {
        let Some(args) = low_page() else {
            return 10;
        };
        // SAFETY: `args` is a fresh writable page; three 32-bit arguments.
        unsafe {
            args.write(libc::AF_INET as u32);
            args.add(1).write(libc::SOCK_STREAM as u32);
            args.add(2).write(0);
        }
        if set_mode(2, 0).is_err() {
            return 11;
        }
        if int80(102, [1, args as usize as u32, 0, 0, 0]) < 0 {
            return 12;
        }
        0
    })
    .map_err(|e| e.to_string())?
    .expect_exit(0)
}

/// ia32 `socketcall` with a call whose direct syscall mode 2 does not allow
/// (recvmmsg, sendmmsg) or with no such call is killed at once, whatever its
/// argument pointer.
#[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
fn ia32_socketcall_cases() -> Vec<Case> {
    let calls: [(u32, &str); 5] = [
        (19, "recvmmsg"),
        (20, "sendmmsg"),
        (0, "call_0"),
        (21, "past_the_last_call"),
        (u32::MAX, "call_minus_1"),
    ];
    calls
        .into_iter()
        .map(|(call, what)| -> Case {
            (
                format!("ia32_socketcall_{what}_is_killed"),
                Box::new(move || {
                    killed_in_mode(2, "ia32", 102, "socketcall", || {
                        int80(102, [call, 0, 0, 0, 0]);
                    })
                }),
            )
        })
        .collect()
}

/// Syscalls of unconfined processes whose numbers lie next to `prctl`'s
/// (the probe sends x86_64 157..172 and ia32 157..172 to its slow path) run
/// as without the module, and so do the kernel's own prctl options; the
/// module's GET answers through both ABIs' prctl.
#[cfg(target_arch = "x86_64")]
fn unconfined_calls_near_prctl_run_as_usual() -> Result<(), String> {
    in_child(|| {
        // x86_64 158 arch_prctl(ARCH_GET_FS): the thread pointer.
        let mut fs: u64 = 0;
        // SAFETY: ARCH_GET_FS writes one u64 to a valid pointer.
        let r = unsafe { libc::syscall(libc::SYS_arch_prctl, 0x1003, &mut fs as *mut u64) };
        if r != 0 || fs == 0 {
            return 10;
        }
        // x86_64 160 setrlimit: set the current limit again.
        let mut lim = libc::rlimit {
            rlim_cur: 0,
            rlim_max: 0,
        };
        // SAFETY: valid rlimit pointers.
        let r = unsafe {
            libc::getrlimit(libc::RLIMIT_NOFILE, &mut lim);
            libc::syscall(libc::SYS_setrlimit, libc::RLIMIT_NOFILE, &lim as *const _)
        };
        if r != 0 {
            return 11;
        }
        // x86_64 157 prctl with a kernel option: a PR_SET_NAME/PR_GET_NAME
        // round trip.
        let mut name = [0u8; 16];
        // SAFETY: PR_SET_NAME reads a C string; PR_GET_NAME writes 16 bytes.
        let r = unsafe {
            libc::prctl(libc::PR_SET_NAME, c"sm-near-prctl".as_ptr());
            libc::prctl(libc::PR_GET_NAME, name.as_mut_ptr())
        };
        if r != 0 || !name.starts_with(b"sm-near-prctl\0") {
            return 12;
        }
        // ia32 158 sched_yield and 172 prctl(PR_GET_NAME).
        let Some(page) = low_page() else {
            return 13;
        };
        if int80(158, [0; 5]) != 0 {
            return 14;
        }
        if int80(
            172,
            [libc::PR_GET_NAME as u32, page as usize as u32, 0, 0, 0],
        ) != 0
        {
            return 15;
        }
        // SAFETY: the kernel wrote 16 bytes at the start of the page.
        let got = unsafe { std::slice::from_raw_parts(page.cast::<u8>(), 14) };
        if got != b"sm-near-prctl\0" {
            return 16;
        }
        // The module's GET through ia32 prctl, unconfined and in mode 2.
        let get = PR_SECCOMP_MODE_GET as u32;
        if int80(172, [get, 0, 0, 0, 0]) != 0 {
            return 17;
        }
        if set_mode(2, 0).is_err() || int80(172, [get, 0, 0, 0, 0]) != 2 {
            return 18;
        }
        0
    })
    .map_err(|e| e.to_string())?
    .expect_exit(0)
}

/// Syscalls of unconfined processes whose numbers lie next to `prctl`'s (on
/// arm64 the probe sends AArch64 and AArch32 numbers 167..=172 to its slow
/// path; AArch64's prctl is 167, AArch32's 172; on x86_64 ia32's 157..=172,
/// ia32's prctl being 172) run as without the module, and so do the
/// kernel's own prctl options; the module's GET answers through the native
/// prctl, unconfined and in mode 2.
#[cfg(not(target_arch = "x86_64"))]
fn unconfined_calls_near_prctl_run_as_usual() -> Result<(), String> {
    in_child(|| {
        #[cfg(target_arch = "x86")]
        {
            // 158 sched_yield.
            // SAFETY: sched_yield has no arguments.
            if unsafe { libc::syscall(libc::SYS_sched_yield) } != 0 {
                return 10;
            }
            // 159 sched_get_priority_max(SCHED_FIFO): 99.
            // SAFETY: no pointer arguments.
            let max = unsafe { libc::syscall(libc::SYS_sched_get_priority_max, libc::SCHED_FIFO) };
            if max != 99 {
                return 11;
            }
            // 157 sched_getscheduler(0): this process's policy.
            // SAFETY: no pointer arguments.
            let policy = unsafe { libc::syscall(libc::SYS_sched_getscheduler, 0) };
            if policy != libc::SCHED_OTHER as libc::c_long {
                return 12;
            }
        }
        #[cfg(target_arch = "aarch64")]
        {
            // 168 getcpu: the CPU this runs on.
            let mut cpu = libc::c_uint::MAX;
            // SAFETY: getcpu writes one unsigned int; the others are null.
            let r = unsafe {
                libc::syscall(
                    libc::SYS_getcpu,
                    &raw mut cpu,
                    std::ptr::null_mut::<libc::c_void>(),
                    std::ptr::null_mut::<libc::c_void>(),
                )
            };
            if r != 0 || cpu >= 1024 {
                return 10;
            }
            // 169 gettimeofday.
            let mut tv = libc::timeval {
                tv_sec: 0,
                tv_usec: 0,
            };
            // SAFETY: gettimeofday writes one timeval; no timezone.
            let r = unsafe {
                libc::syscall(
                    libc::SYS_gettimeofday,
                    &raw mut tv,
                    std::ptr::null_mut::<libc::c_void>(),
                )
            };
            if r != 0 || tv.tv_sec <= 0 {
                return 11;
            }
            // 171 adjtimex with no mode bits: reads the clock's state.
            // SAFETY: a zeroed struct timex is a valid argument.
            let mut tx: libc::timex = unsafe { std::mem::zeroed() };
            // SAFETY: adjtimex reads and writes one struct timex.
            if unsafe { libc::syscall(libc::SYS_adjtimex, &raw mut tx) } < 0 {
                return 12;
            }
            // 172 getpid.
            // SAFETY: getpid has no arguments.
            if unsafe { libc::syscall(libc::SYS_getpid) } != i64::from(std::process::id()) {
                return 13;
            }
        }
        #[cfg(target_arch = "arm")]
        {
            // 168 poll of no descriptors with no timeout.
            // SAFETY: no descriptors: the null array is not read.
            let r = unsafe {
                libc::syscall(libc::SYS_poll, std::ptr::null_mut::<libc::c_void>(), 0, 0)
            };
            if r != 0 {
                return 10;
            }
            // 171 getresgid, 16-bit ids: root's.
            let mut ids = [u16::MAX; 3];
            let [rgid, egid, sgid] = ids.each_mut().map(|id| id as *mut u16);
            // SAFETY: getresgid (16-bit) writes one u16 at each pointer.
            let ret = unsafe { libc::syscall(libc::SYS_getresgid, rgid, egid, sgid) };
            if ret != 0 || ids != [0; 3] {
                return 11;
            }
        }
        // prctl with a kernel option: a PR_SET_NAME/PR_GET_NAME round trip.
        let mut name = [0u8; 16];
        // SAFETY: PR_SET_NAME reads a C string; PR_GET_NAME writes 16 bytes.
        let r = unsafe {
            libc::syscall(
                libc::SYS_prctl,
                libc::PR_SET_NAME,
                c"sm-near-prctl".as_ptr(),
            );
            libc::syscall(libc::SYS_prctl, libc::PR_GET_NAME, name.as_mut_ptr())
        };
        if r != 0 || !name.starts_with(b"sm-near-prctl\0") {
            return 14;
        }
        // The module's GET through the native prctl, unconfined and in
        // mode 2.
        let get = || {
            // SAFETY: prctl with integer arguments only.
            unsafe { libc::syscall(libc::SYS_prctl, PR_SECCOMP_MODE_GET, 0, 0, 0, 0) }
        };
        if get() != 0 {
            return 15;
        }
        if set_mode(2, 0).is_err() || get() != 2 {
            return 16;
        }
        0
    })
    .map_err(|e| e.to_string())?
    .expect_exit(0)
}

#[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
fn ia32_write_works_in_mode2() -> Result<(), String> {
    let (outcome, got) = in_child_piped(|w| {
        let Some(buf) = low_page() else {
            return 10;
        };
        // SAFETY: `buf` is a fresh 4096-byte writable mapping.
        unsafe { std::ptr::copy_nonoverlapping(b"ia32".as_ptr(), buf.cast(), 4) };
        if set_mode(2, 0).is_err() {
            return 11;
        }
        if int80(4, [w as u32, buf as usize as u32, 4, 0, 0]) != 4 {
            return 12;
        }
        0
    })?;
    outcome.expect_exit(0)?;
    if got == b"ia32" {
        Ok(())
    } else {
        Err(format!("pipe got {got:?}"))
    }
}

fn clone_new_cases() -> Vec<Case> {
    let flags = [
        ("newns", libc::CLONE_NEWNS),
        ("newcgroup", libc::CLONE_NEWCGROUP),
        ("newuts", libc::CLONE_NEWUTS),
        ("newipc", libc::CLONE_NEWIPC),
        ("newuser", libc::CLONE_NEWUSER),
        ("newpid", libc::CLONE_NEWPID),
        ("newnet", libc::CLONE_NEWNET),
    ];
    flags
        .into_iter()
        .map(|(name, flag)| -> Case {
            (
                format!("clone_{name}_is_killed"),
                Box::new(move || {
                    killed_in_mode(2, NATIVE_ABI, arch::nr64(libc::SYS_clone), "clone", || {
                        // SAFETY: clone without a new stack (fork-like); the
                        // child, if any, returns 0 and exits at once.
                        let r = unsafe {
                            libc::syscall(libc::SYS_clone, flag | libc::SIGCHLD, 0, 0, 0, 0)
                        };
                        if r == 0 {
                            raw_exit(30);
                        }
                    })
                }),
            )
        })
        .collect()
}

fn clone3_is_enosys_and_threads_still_start() -> Result<(), String> {
    in_child(|| {
        if set_mode(2, 0).is_err() {
            return 10;
        }
        let args = [0u64; 11];
        // SAFETY: clone3 with a zeroed `struct clone_args` (a fork); it
        // must not run at all.
        let r = unsafe { libc::syscall(libc::SYS_clone3, args.as_ptr(), 88) };
        if r == 0 {
            raw_exit(30);
        }
        if r != -1 || Errno::last() != Errno::ENOSYS {
            return 11;
        }
        // glibc's pthread_create tries clone3, gets ENOSYS, uses clone.
        match std::thread::spawn(|| 7).join() {
            Ok(7) => 0,
            _ => 12,
        }
    })
    .map_err(|e| e.to_string())?
    .expect_exit(0)
}

/// A confined process's threads contend on a `Mutex` and take turns through
/// a `Condvar` (std's locks are futexes: `futex`, on 32-bit glibc targets
/// with a 32-bit timespec for the timed waits, whose deadline is read with
/// `clock_gettime64`, mostly from the vDSO; `sleep` is `clock_nanosleep`,
/// on 32-bit `clock_nanosleep_time64`); they are created after the prctl
/// (`clone`, after `clone3`'s ENOSYS, `mmap2`/`mprotect`, `sigaltstack`,
/// `set_robust_list`, `rseq`, ...) and joined. Every thread must finish its
/// work, the process must exit 0, and the log must have no kill line of it
/// (after a mark written just before: an earlier process with the same pid
/// may have been killed).
fn threads_with_futex_work_in_mode2() -> Result<(), String> {
    const THREADS: u32 = 4;
    const TURNS: u32 = 50;
    const ADDS: u32 = 20_000;
    let mark = format!(
        "sm-attack-tests: threads_with_futex_work_in_mode2 of pid {} starts at {:?}",
        std::process::id(),
        Instant::now()
    );
    // At KERN_INFO, as the module's lines; the newline ends the record (a
    // record without one stays open, unseen by readers, until the next).
    std::fs::write("/dev/kmsg", format!("<6>{mark}\n")).map_err(|e| format!("/dev/kmsg: {e}"))?;
    let (pid, outcome) = child_with_pid(|| {
        if set_mode(2, 0).is_err() {
            return 10;
        }
        // `turn` is whose turn it is (turn % THREADS); `sum` is added to by
        // every thread under the same lock, contended.
        let state = Arc::new((Mutex::new(0u32), Condvar::new()));
        let sum = Arc::new(Mutex::new(0u64));
        let deadline = Instant::now() + Duration::from_secs(120);
        let workers: Vec<_> = (0..THREADS)
            .map(|me| {
                let (state, sum) = (state.clone(), sum.clone());
                std::thread::spawn(move || -> Result<u32, &'static str> {
                    std::thread::sleep(Duration::from_millis(u64::from(me) + 1));
                    let (turn, cv) = &*state;
                    let mut taken = 0;
                    while taken < TURNS {
                        let mut t = turn.lock().map_err(|_| "poisoned")?;
                        while *t % THREADS != me {
                            // Timed waits: a deadline read from the clock
                            // and an absolute futex timeout.
                            t = cv
                                .wait_timeout(t, Duration::from_secs(5))
                                .map_err(|_| "poisoned")?
                                .0;
                            if Instant::now() > deadline {
                                return Err("deadline");
                            }
                        }
                        *t += 1;
                        taken += 1;
                        drop(t);
                        cv.notify_all();
                        for _ in 0..ADDS / TURNS {
                            *sum.lock().map_err(|_| "poisoned")? += 1;
                        }
                    }
                    Ok(taken)
                })
            })
            .collect();
        let mut code = 0;
        for w in workers {
            code = match w.join() {
                Ok(Ok(TURNS)) => code,
                Ok(Ok(_)) => 11,
                Ok(Err("deadline")) => 12,
                Ok(Err(_)) => 13,
                Err(_) => 14,
            };
        }
        let turns = *state.0.lock().unwrap_or_else(|e| e.into_inner());
        let added = *sum.lock().unwrap_or_else(|e| e.into_inner());
        if code == 0 && (turns != THREADS * TURNS || added != u64::from(THREADS * ADDS)) {
            code = 15;
        }
        code
    })?;
    let log = kernel_log().map_err(|e| e.to_string())?;
    let Some(start) = log.rfind(&mark) else {
        return Err(format!("the mark {mark:?} is not in the kernel log"));
    };
    let killed = format!("seccomp_mode: killed pid={pid} ");
    let kills: Vec<_> = log[start..]
        .lines()
        .filter(|l| l.contains(&killed))
        .collect();
    let ended = outcome.expect_exit(0).map_err(|e| {
        format!("{e} (10: prctl, 11-13: a thread's work, 14: a thread died, 15: lost updates)")
    });
    match (ended, kills.is_empty()) {
        (Ok(()), true) => Ok(()),
        (ended, _) => Err(format!(
            "{}; kill lines of pid {pid}: {kills:?}",
            ended.err().unwrap_or_else(|| "exited 0".into())
        )),
    }
}

static ALARMS: AtomicUsize = AtomicUsize::new(0);

fn mode1_allows_read_write_exit_and_rt_sigreturn() -> Result<(), String> {
    let (r2, w2) = pipe().map_err(|e| e.to_string())?;
    // SAFETY: one byte into a pipe we own.
    unsafe { libc::write(w2.as_raw_fd(), b"x".as_ptr().cast(), 1) };
    let (outcome, got) = in_child_piped(|w| {
        extern "C" fn on_alarm(_: libc::c_int) {
            ALARMS.fetch_add(1, Ordering::SeqCst);
        }
        // AArch32 returns from a handler without SA_SIGINFO through
        // `sigreturn`, which is not mode 1's (its list has `rt_sigreturn`,
        // as the kernel's strict mode for compat tasks): an SA_SIGINFO
        // handler returns through `rt_sigreturn`, as every handler does on
        // the 64-bit ABIs.
        #[cfg(target_arch = "arm")]
        extern "C" fn on_alarm_info(
            sig: libc::c_int,
            _: *mut libc::siginfo_t,
            _: *mut libc::c_void,
        ) {
            on_alarm(sig);
        }
        #[cfg(target_arch = "arm")]
        let handler = nix::sys::signal::SigHandler::SigAction(on_alarm_info);
        #[cfg(not(target_arch = "arm"))]
        let handler = nix::sys::signal::SigHandler::Handler(on_alarm);
        let action = nix::sys::signal::SigAction::new(
            handler,
            nix::sys::signal::SaFlags::SA_RESTART,
            nix::sys::signal::SigSet::empty(),
        );
        // SAFETY: the handler only touches an atomic.
        if unsafe { nix::sys::signal::sigaction(Signal::SIGALRM, &action) }.is_err() {
            return 10;
        }
        // SAFETY: alarm has no pointer arguments.
        unsafe { libc::alarm(1) };
        if set_mode(1, 0).is_err() {
            return 11;
        }
        let mut b = [0u8; 1];
        // SAFETY: read and write of one byte on our pipes.
        unsafe {
            if libc::read(r2.as_raw_fd(), b.as_mut_ptr().cast(), 1) != 1 {
                raw_exit(12);
            }
            libc::write(w, b"read,write".as_ptr().cast(), 10);
        }
        // The handler runs when the alarm fires and returns through
        // rt_sigreturn; spin without syscalls until it did.
        while ALARMS.load(Ordering::SeqCst) == 0 {
            std::hint::spin_loop();
        }
        // SAFETY: as above.
        unsafe { libc::write(w, b",rt_sigreturn".as_ptr().cast(), 13) };
        raw_exit(0)
    })?;
    outcome.expect_exit(0)?;
    if got == b"read,write,rt_sigreturn" {
        Ok(())
    } else {
        Err(format!(
            "mode-1 child wrote {:?}",
            String::from_utf8_lossy(&got)
        ))
    }
}

fn mode1_kills_exit_group() -> Result<(), String> {
    killed_in_mode(
        1,
        NATIVE_ABI,
        arch::nr64(libc::SYS_exit_group),
        "exit_group",
        || {
            // SAFETY: ends the process (or is killed first).
            unsafe { libc::syscall(libc::SYS_exit_group, 0) };
        },
    )
}

/// Every number of `abi` in `0..=max_nr` that `allowed` does not contain is
/// killed in `mode`, called with all-zero arguments.
fn sweep(mode: u64, abi_name: &str, allowed: &[u32]) -> Result<(), String> {
    let abi = tables::by_name(abi_name).ok_or("no such ABI")?;
    let mut survivors = Vec::new();
    let mut checked = 0;
    for nr in 0..=abi.max_nr {
        if allowed.contains(&nr) {
            continue;
        }
        checked += 1;
        let outcome = in_child(|| {
            if set_mode(mode, 0).is_err() {
                return 10;
            }
            call_abi(abi_name, nr);
            20
        })
        .map_err(|e| e.to_string())?;
        if outcome != Outcome::Signaled(Signal::SIGKILL) {
            survivors.push(format!("{nr}: {outcome}"));
        }
    }
    if survivors.is_empty() && checked > 300 {
        println!("# mode {mode} {abi_name}: {checked} numbers, all killed");
        Ok(())
    } else {
        Err(format!("checked {checked}, not killed: {survivors:?}"))
    }
}

/// Mode 1 allows the native ABI's list and nothing else (x86_64: read,
/// write, rt_sigreturn, exit, uretprobe, uprobe; arm64 and arm: read,
/// write, exit, rt_sigreturn; ia32: exit, read, write, sigreturn).
fn mode1_kills_every_other_native_syscall() -> Result<(), String> {
    let allowed: Vec<u32> = arch::tables().mode1.iter().map(|s| s.nr).collect();
    #[cfg(target_arch = "x86_64")]
    if allowed != [0, 1, 15, 60, 335, 336] {
        return Err(format!("x86_64 mode 1 is {allowed:?}"));
    }
    // exit, read, write, sigreturn (as x86_64's ia32 sweep).
    #[cfg(target_arch = "x86")]
    if allowed != [1, 3, 4, 119] {
        return Err(format!("ia32 mode 1 is {allowed:?}"));
    }
    sweep(1, NATIVE_ABI, &allowed)
}

#[cfg(target_arch = "x86_64")]
fn mode1_kills_every_other_ia32_syscall() -> Result<(), String> {
    // exit, read, write, sigreturn.
    sweep(1, "ia32", &[1, 3, 4, 119])
}

fn mode2_kills_every_native_syscall_outside_its_table() -> Result<(), String> {
    let abi = arch::tables();
    let allowed: Vec<u32> = abi.mode1.iter().chain(abi.mode2).map(|s| s.nr).collect();
    sweep(2, NATIVE_ABI, &allowed)
}

#[cfg(target_arch = "x86_64")]
fn mode2_kills_every_ia32_syscall_outside_its_table() -> Result<(), String> {
    let abi = tables::ALL
        .iter()
        .find(|a| a.name == "ia32")
        .ok_or("no ia32 tables")?;
    let allowed: Vec<u32> = abi.mode1.iter().chain(abi.mode2).map(|s| s.nr).collect();
    sweep(2, "ia32", &allowed)
}

fn failed_transitions_change_nothing() -> Result<(), String> {
    killed_in_mode(
        2,
        NATIVE_ABI,
        arch::nr64(libc::SYS_execve),
        "execve",
        || {
            let refused = [
                (2, SECCOMP_MODE_FLAG_LOG),
                (1, SECCOMP_MODE_FLAG_LOG),
                (0, 0),
                (3, 0),
                (2, 4),
            ];
            for (mode, flags) in refused {
                if set_mode(mode, flags).is_ok() || get_mode() != Ok(2) {
                    raw_exit(40);
                }
            }
            // Still enforcing: execve must kill.
            let argv = [c"sh".as_ptr(), std::ptr::null()];
            let envp = [std::ptr::null()];
            // SAFETY: valid argv/envp arrays.
            unsafe { libc::execve(c"/bin/sh".as_ptr(), argv.as_ptr(), envp.as_ptr()) };
        },
    )
}

fn confinement_race_leaves_no_unconfined_descendant() -> Result<(), String> {
    in_child(|| {
        let confined = Arc::new(AtomicBool::new(false));
        let bad = Arc::new(AtomicUsize::new(0));
        let after = Arc::new(AtomicUsize::new(0));
        let deadline = Instant::now() + Duration::from_secs(3);
        let workers: Vec<_> = (0..3)
            .map(|i| {
                let (confined, bad, after) = (confined.clone(), bad.clone(), after.clone());
                std::thread::spawn(move || {
                    while Instant::now() < deadline {
                        let was_confined = confined.load(Ordering::SeqCst);
                        let mode = if i == 0 {
                            // A new thread reports the process's mode.
                            std::thread::spawn(|| get_mode().unwrap_or(-1))
                                .join()
                                .unwrap_or(-1)
                        } else {
                            // SAFETY: the child only calls prctl and `_exit`.
                            match unsafe { libc::fork() } {
                                0 => unsafe { libc::_exit(get_mode().unwrap_or(-1)) },
                                -1 => continue,
                                pid => match waitpid(Pid::from_raw(pid), None) {
                                    Ok(WaitStatus::Exited(_, code)) => code,
                                    _ => -2,
                                },
                            }
                        };
                        if was_confined {
                            after.fetch_add(1, Ordering::SeqCst);
                            if mode != 2 {
                                bad.fetch_add(1, Ordering::SeqCst);
                            }
                        }
                    }
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(500));
        if set_mode(2, 0).is_err() {
            return 10;
        }
        confined.store(true, Ordering::SeqCst);
        for w in workers {
            let _ = w.join();
        }
        let (bad, after) = (bad.load(Ordering::SeqCst), after.load(Ordering::SeqCst));
        println!("# race: {after} forks/threads after the prctl, {bad} not in mode 2");
        if after < 10 {
            11
        } else if bad > 0 {
            12
        } else {
            0
        }
    })
    .map_err(|e| e.to_string())?
    .expect_exit(0)
}

/// The report of a process in the fork/prctl overlap test: 1 if it first
/// ran before the prctl returned, else 2 in mode 2, 3 unconfined.
fn overlap_code(ran_late: bool) -> i32 {
    match (ran_late, get_mode()) {
        (false, _) => 1,
        (true, Ok(2)) => 2,
        (true, _) => 3,
    }
}

/// A fork in one thread overlapping the prctl in another: every child whose
/// first instruction runs after the prctl returned must be in mode 2, also
/// the children of forks that began before the prctl and whose probe read
/// the old mode word (the prctl adopts those before it returns). Children
/// that ran before the prctl returned existed before it and are not
/// checked, nor are their own children. Each child, and a grandchild it
/// forks at once, reads a shared flag, set by the parent right after the
/// prctl returned, with its very first instruction (`raw_fork_reading`).
fn fork_overlapping_prctl_leaves_no_late_child_unconfined() -> Result<(), String> {
    const ROUNDS: u32 = 30;
    const MAX_FORKS: usize = 200;
    let (mut late, mut early) = (0u32, 0u32);
    for round in 0..ROUNDS {
        // Shared: inherited by every fork.
        let page = anon_page(libc::MAP_SHARED).ok_or("mmap")?;
        // SAFETY: the page is zeroed, aligned and lives until the munmap.
        let done = unsafe { &*page.cast::<AtomicU64>() };
        let (outcome, report) = in_child_piped(|out| {
            let forked = Arc::new(AtomicUsize::new(0));
            let forker = {
                let forked = forked.clone();
                std::thread::spawn(move || {
                    let mut pids = Vec::with_capacity(MAX_FORKS);
                    let mut after = 0;
                    while pids.len() < MAX_FORKS && after < 5 {
                        after += usize::from(done.load(Ordering::SeqCst) != 0);
                        // A raw fork: glibc's wrapper runs its fork handlers
                        // in the child before returning, so the child's first
                        // instructions would not be ours.
                        // SAFETY: the child reads the flag, asks its mode and
                        // `_exit`s.
                        match raw_fork_reading(done) {
                            (0, seen) => {
                                let ran_late = seen != 0;
                                // A grandchild, forked before this child may
                                // have been confined, reports the same way.
                                let grandchild = match raw_fork_reading(done) {
                                    (0, seen) => {
                                        let ran_late = seen != 0;
                                        // SAFETY: ends the grandchild.
                                        unsafe { libc::_exit(overlap_code(ran_late)) }
                                    }
                                    (-1, _) => 0,
                                    (pid, _) => match waitpid(Pid::from_raw(pid), None) {
                                        Ok(WaitStatus::Exited(_, c)) => c,
                                        _ => 3,
                                    },
                                };
                                // The grandchild of a child that ran before
                                // the prctl returned is the child's business.
                                let own = overlap_code(ran_late);
                                let grandchild = if own == 1 { 0 } else { grandchild };
                                let code = own * 4 + grandchild;
                                // SAFETY: ends the child.
                                unsafe { libc::_exit(code) }
                            }
                            (-1, _) => break,
                            (pid, _) => pids.push(pid),
                        }
                        forked.fetch_add(1, Ordering::SeqCst);
                    }
                    // Children: [killed, ran before, ran after in mode 2,
                    // ran after unconfined]; then the same for the
                    // grandchildren of the children that ran after (0: not
                    // counted).
                    let mut tally = [0u32; 8];
                    for pid in pids {
                        let code = match waitpid(Pid::from_raw(pid), None) {
                            Ok(WaitStatus::Exited(_, c)) => c,
                            // Killed: counted apart, as a failure.
                            _ => {
                                tally[0] += 1;
                                continue;
                            }
                        };
                        let (child, grandchild) = (code / 4, code % 4);
                        tally[usize::try_from(child).unwrap_or(3).min(3)] += 1;
                        tally[4 + usize::try_from(grandchild).unwrap_or(3).min(3)] += 1;
                    }
                    tally
                })
            };
            // Let the forker get going, a little further each round.
            let start = 3 + (round as usize % 10);
            while forked.load(Ordering::SeqCst) < start {
                std::hint::spin_loop();
            }
            if set_mode(2, 0).is_err() {
                return 10;
            }
            done.store(1, Ordering::SeqCst);
            let Ok(tally) = forker.join() else {
                return 11;
            };
            let bytes: Vec<u8> = tally.iter().flat_map(|t| t.to_ne_bytes()).collect();
            // SAFETY: writes our buffer to the pipe.
            unsafe { libc::write(out, bytes.as_ptr().cast(), bytes.len()) };
            0
        })?;
        // SAFETY: unmaps the page mapped above; no child uses it any more.
        unsafe { libc::munmap(page, 4096) };
        outcome.expect_exit(0)?;
        let t: Vec<u32> = report
            .chunks_exact(4)
            .map(|c| u32::from_ne_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        if t.len() != 8 {
            return Err(format!("round {round}: short report {report:?}"));
        }
        if t[3] > 0 || t[7] > 0 || t[0] > 0 {
            return Err(format!(
                "round {round}: {} children and {} grandchildren first ran after the prctl returned, unconfined; {} children killed (tally {t:?})",
                t[3], t[7], t[0]
            ));
        }
        late += t[2] + t[6];
        early += t[1] + t[5];
    }
    println!("# fork/prctl overlap: {late} children and grandchildren first ran after the prctl (all in mode 2), {early} before");
    if late == 0 {
        return Err("no child ran after the prctl: the race was not exercised".into());
    }
    Ok(())
}

/// userfaultfd's uapi (`linux/userfaultfd.h`), which the libc crate lacks.
mod uffd {
    /// `struct uffdio_api`.
    #[repr(C)]
    pub struct Api {
        pub api: u64,
        pub features: u64,
        pub ioctls: u64,
    }
    /// `struct uffdio_register`.
    #[repr(C)]
    pub struct Register {
        pub start: u64,
        pub len: u64,
        pub mode: u64,
        pub ioctls: u64,
    }
    pub const API: u64 = 0xaa;
    pub const FEATURE_EVENT_FORK: u64 = 1 << 1;
    pub const REGISTER_MODE_MISSING: u64 = 1;
    /// `_IOWR(0xaa, 0x3f, struct uffdio_api)`.
    pub const IOC_API: u32 = 0xc018_aa3f;
    /// `_IOWR(0xaa, 0x00, struct uffdio_register)`.
    pub const IOC_REGISTER: u32 = 0xc020_aa00;
    /// `struct uffd_msg` is 32 bytes: the event in byte 0, the forked
    /// child's descriptor (`arg.fork.ufd`) in bytes 8..12.
    pub const MSG_LEN: usize = 32;
    pub const EVENT_PAGEFAULT: u8 = 0x12;
    pub const EVENT_FORK: u8 = 0x13;
}

/// Reads one userfaultfd message from `fd`, waiting at most 10 s.
fn uffd_read(fd: i32) -> Result<[u8; uffd::MSG_LEN], String> {
    let mut pfd = libc::pollfd {
        fd,
        events: libc::POLLIN,
        revents: 0,
    };
    // SAFETY: one valid pollfd.
    if unsafe { libc::poll(&mut pfd, 1, 10_000) } != 1 {
        return Err("no userfaultfd event within 10 s".into());
    }
    let mut msg = [0u8; uffd::MSG_LEN];
    // SAFETY: reads into our buffer of its length.
    let n = unsafe { libc::read(fd, msg.as_mut_ptr().cast(), msg.len()) };
    if n != msg.len() as isize {
        return Err(format!("userfaultfd read: {}", Errno::last()));
    }
    Ok(msg)
}

/// In a process of its own: forks (from a thread, with `raw_fork_reading`)
/// a child whose first instruction, a load from a page that userfaultfd
/// keeps missing in the child only (`MADV_WIPEONFORK`), holds it in the
/// kernel until this process closes the child's userfaultfd; calls the
/// prctl first if `confine`. Returns the child's mode after that first
/// instruction, or an error.
fn held_child_mode(confine: bool) -> Result<i32, String> {
    // SAFETY: userfaultfd(O_CLOEXEC), no pointers.
    let fd = unsafe { libc::syscall(libc::SYS_userfaultfd, libc::O_CLOEXEC) } as i32;
    if fd < 0 {
        return Err(format!("userfaultfd: {}", Errno::last()));
    }
    let mut api = uffd::Api {
        api: uffd::API,
        features: uffd::FEATURE_EVENT_FORK,
        ioctls: 0,
    };
    // SAFETY: UFFDIO_API with a valid struct uffdio_api.
    if unsafe { libc::ioctl(fd, uffd::IOC_API as _, &mut api) } != 0 {
        return Err(format!("UFFDIO_API: {}", Errno::last()));
    }
    // Ours until the process ends.
    let page = anon_page(libc::MAP_PRIVATE).ok_or("mmap")?;
    // Present here (so this process's own load after the fork does not
    // wait), missing in the child.
    // SAFETY: the page is mapped, aligned and writable.
    unsafe { page.cast::<u64>().write_volatile(0) };
    // SAFETY: advice on our own mapping.
    if unsafe { libc::madvise(page, 4096, libc::MADV_WIPEONFORK) } != 0 {
        return Err(format!("MADV_WIPEONFORK: {}", Errno::last()));
    }
    let mut reg = uffd::Register {
        start: page as u64,
        len: 4096,
        mode: uffd::REGISTER_MODE_MISSING,
        ioctls: 0,
    };
    // SAFETY: UFFDIO_REGISTER with a valid struct uffdio_register.
    if unsafe { libc::ioctl(fd, uffd::IOC_REGISTER as _, &mut reg) } != 0 {
        return Err(format!("UFFDIO_REGISTER: {}", Errno::last()));
    }
    let flag = page as usize;
    // The fork waits until its userfaultfd event is read: from a thread.
    let forker = std::thread::spawn(move || {
        // SAFETY: the page outlives the thread (never unmapped).
        let flag = unsafe { &*(flag as *const AtomicU64) };
        match raw_fork_reading(flag) {
            (0, _) => {
                let code = get_mode().ok().filter(|m| matches!(m, 0 | 2)).unwrap_or(3);
                // SAFETY: ends the child.
                unsafe { libc::_exit(code) }
            }
            (pid, _) => pid,
        }
    });
    let msg = uffd_read(fd)?;
    if msg[0] != uffd::EVENT_FORK {
        return Err(format!("first event {:#x}, want fork", msg[0]));
    }
    let child_fd = i32::from_ne_bytes([msg[8], msg[9], msg[10], msg[11]]);
    let pid = forker.join().map_err(|_| "forker panicked")?;
    if pid <= 0 {
        return Err(format!("fork: {pid}"));
    }
    // The child is in the kernel, in the fault of its first instruction.
    let msg = uffd_read(child_fd)?;
    if msg[0] != uffd::EVENT_PAGEFAULT {
        return Err(format!("child event {:#x}, want a page fault", msg[0]));
    }
    if confine && set_mode(2, 0).is_err() {
        return Err("prctl".into());
    }
    // Closing the child's userfaultfd unregisters its page: the fault is
    // retried, gets a zero page, and the load completes.
    // SAFETY: closes the descriptor the fork event handed us.
    unsafe { libc::close(child_fd) };
    match waitpid(Pid::from_raw(pid), None) {
        Ok(WaitStatus::Exited(_, code)) => Ok(code),
        other => Err(format!("child: {other:?}")),
    }
}

/// A child held in the kernel by the fault of its very first instruction
/// while its parent's prctl runs, and released after the prctl returned,
/// must be in mode 2: its first instruction completes after the prctl. That
/// fault saved its registers again (on x86 orig_ax then holds the fault's
/// error code; after an ia32 `int $0x80` fork rcx is the caller's), the
/// case a freshness test on registers alone misses. Control: the same
/// without the prctl leaves the child unconfined.
fn child_held_in_its_first_fault_is_confined() -> Result<(), String> {
    for confine in [false, true] {
        let (outcome, report) = in_child_piped(|out| {
            let code = match held_child_mode(confine) {
                Ok(mode) => mode,
                Err(e) => {
                    let line = format!("{e}\n");
                    // SAFETY: writes our buffer to the pipe.
                    unsafe { libc::write(out, line.as_ptr().cast(), line.len()) };
                    return 10;
                }
            };
            // The child's mode, as a byte.
            // SAFETY: writes one byte to the pipe.
            unsafe { libc::write(out, [code as u8].as_ptr().cast(), 1) };
            0
        })?;
        if outcome.expect_exit(0).is_err() {
            return Err(format!(
                "confine={confine}: {outcome:?}: {}",
                String::from_utf8_lossy(&report)
            ));
        }
        let want = if confine { 2 } else { 0 };
        if report != [want] {
            return Err(format!(
                "confine={confine}: the held child's mode is {report:?}, want {want} (3: neither)"
            ));
        }
    }
    Ok(())
}

fn complain_mode_never_list_runs_and_logs_once() -> Result<(), String> {
    let (pid, outcome) = child_with_pid(|| {
        if set_mode(2, SECCOMP_MODE_FLAG_LOG).is_err() {
            return 10;
        }
        for _ in 0..3 {
            // personality(0xffffffff) queries; unshare(0) does nothing.
            // SAFETY: no pointer arguments.
            let persona = unsafe { libc::personality(0xffff_ffff) };
            // SAFETY: as above.
            let unshared = unsafe { libc::unshare(0) };
            if persona < 0 || unshared != 0 {
                return 11;
            }
        }
        0
    })?;
    outcome.expect_exit(0)?;
    let log = kernel_log().map_err(|e| e.to_string())?;
    for (nr, name) in [
        (libc::SYS_personality, "personality"),
        (libc::SYS_unshare, "unshare"),
    ] {
        let tail = format!(" mode=2 abi={NATIVE_ABI} syscall={nr} ({name})");
        let n = log
            .lines()
            .filter(|l| {
                l.contains(&format!("seccomp_mode: logged pid={pid} ")) && l.ends_with(&tail)
            })
            .count();
        if n != 1 {
            return Err(format!("{name}: {n} logged lines, want 1"));
        }
    }
    Ok(())
}

fn cases() -> Vec<Case> {
    fn case(name: &str, f: fn() -> Result<(), String>) -> Case {
        (name.to_owned(), Box::new(f))
    }
    let mut all = vec![
        case("refused_mount_mounts_nothing", refused_mount_mounts_nothing),
        case(
            "fork_overlapping_prctl_leaves_no_late_child_unconfined",
            fork_overlapping_prctl_leaves_no_late_child_unconfined,
        ),
        case(
            "child_held_in_its_first_fault_is_confined",
            child_held_in_its_first_fault_is_confined,
        ),
        case(
            "refused_mkdir_and_creat_create_nothing",
            refused_mkdir_and_creat_create_nothing,
        ),
        case("refused_execve_runs_no_shell", refused_execve_runs_no_shell),
        case(
            "refused_process_vm_writev_writes_nothing",
            refused_process_vm_writev_writes_nothing,
        ),
        case(
            "refused_ptrace_attaches_nothing",
            refused_ptrace_attaches_nothing,
        ),
        case("numbering_escapes_are_killed", numbering_escapes_are_killed),
    ];
    #[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
    all.extend([
        case("ia32_execve_is_killed", ia32_execve_is_killed),
        case("ia32_write_works_in_mode2", ia32_write_works_in_mode2),
        case(
            "ia32_socketcall_socket_works_in_mode2",
            ia32_socketcall_socket_works_in_mode2,
        ),
    ]);
    all.extend([
        case(
            "unconfined_calls_near_prctl_run_as_usual",
            unconfined_calls_near_prctl_run_as_usual,
        ),
        case(
            "clone3_is_enosys_and_threads_still_start",
            clone3_is_enosys_and_threads_still_start,
        ),
        case(
            "threads_with_futex_work_in_mode2",
            threads_with_futex_work_in_mode2,
        ),
        case(
            "mode1_allows_read_write_exit_and_rt_sigreturn",
            mode1_allows_read_write_exit_and_rt_sigreturn,
        ),
        case("mode1_kills_exit_group", mode1_kills_exit_group),
        case(
            &format!("mode1_kills_every_other_{NATIVE_ABI}_syscall"),
            mode1_kills_every_other_native_syscall,
        ),
    ]);
    #[cfg(target_arch = "x86_64")]
    all.push(case(
        "mode1_kills_every_other_ia32_syscall",
        mode1_kills_every_other_ia32_syscall,
    ));
    all.push(case(
        &format!("mode2_kills_every_{NATIVE_ABI}_syscall_outside_its_table"),
        mode2_kills_every_native_syscall_outside_its_table,
    ));
    #[cfg(target_arch = "x86_64")]
    all.push(case(
        "mode2_kills_every_ia32_syscall_outside_its_table",
        mode2_kills_every_ia32_syscall_outside_its_table,
    ));
    all.extend([
        case(
            "failed_transitions_change_nothing",
            failed_transitions_change_nothing,
        ),
        case(
            "confinement_race_leaves_no_unconfined_descendant",
            confinement_race_leaves_no_unconfined_descendant,
        ),
        case(
            "complain_mode_never_list_runs_and_logs_once",
            complain_mode_never_list_runs_and_logs_once,
        ),
    ]);
    all.extend(clone_new_cases());
    #[cfg(any(target_arch = "x86_64", target_arch = "x86"))]
    all.extend(ia32_socketcall_cases());
    #[cfg(target_arch = "arm")]
    {
        all.push(case(
            "arm_private_numbers_are_killed_in_mode1",
            arm_private_numbers_are_killed_in_mode1,
        ));
        all.extend(arm_private_cases());
    }
    all.extend(never_list_cases());
    all
}

fn main() {
    // `sm-attack-tests [SUBSTRING]`: only the cases whose name contains it.
    let only = std::env::args().nth(1).unwrap_or_default();
    let cases: Vec<Case> = cases()
        .into_iter()
        .filter(|(name, _)| name.contains(&only))
        .collect();
    let mut tap = Tap::new(std::io::stdout(), cases.len());
    for (name, case) in &cases {
        tap.case(name, case());
    }
    std::process::exit(tap.finish());
}
