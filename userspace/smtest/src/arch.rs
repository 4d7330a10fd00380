// SPDX-License-Identifier: GPL-2.0

//! What differs between the architectures the test programs are built for,
//! in one place: x86_64, AArch64, 32-bit arm and 32-bit x86 (the last two
//! run as compat processes: 32-bit arm in the arm64 guest as AArch32, i686
//! in the x86_64 guest as ia32).
//!
//! A program's *native ABI* is the ABI of its build target, named as the
//! module's log lines name it ([`NATIVE_ABI`]): `x86_64`, `arm64`, `arm` or
//! `ia32`.
//! Its tables come from [`tables`]. A few calls do not exist in every ABI
//! (arm64 has only the `*at` forms), so the tests make them through the
//! helpers here ([`mkdir`], [`creat`], [`GETPGRP`]), which name the syscall
//! they make. The raw-syscall assembly ([`raw_fork_reading`], on x86_64 the
//! ia32 and x32 entries, on x86 `int $0x80`) lives here too.

use std::ffi::CStr;
use std::sync::atomic::AtomicU64;

use tablecheck::tables::Abi;

/// The native ABI's name, as the module's log lines and
/// `/proc/seccomp_mode` write it.
pub const NATIVE_ABI: &str = if cfg!(target_arch = "x86_64") {
    "x86_64"
} else if cfg!(target_arch = "aarch64") {
    "arm64"
} else if cfg!(target_arch = "x86") {
    "ia32"
} else {
    "arm"
};
#[cfg(not(any(
    target_arch = "x86_64",
    target_arch = "aarch64",
    target_arch = "arm",
    target_arch = "x86"
)))]
compile_error!("smtest supports x86_64, aarch64, arm and x86 (src/arch.rs)");

/// The module's tables of the native ABI.
pub fn tables() -> &'static Abi {
    #[cfg(not(target_arch = "x86"))]
    let abi = tablecheck::tables::native();
    // tablecheck's `native()` knows the module's native ABIs; a 32-bit x86
    // program is ia32, the compat ABI of x86_64.
    #[cfg(target_arch = "x86")]
    let abi = tablecheck::tables::by_name(NATIVE_ABI).expect("tablecheck has the ia32 tables");
    abi
}

/// The kernel's name of native syscall `nr`, `"?"` for a number that names
/// none (as the module's log lines write it).
pub fn name_of(nr: i64) -> &'static str {
    tables()
        .names
        .iter()
        .find(|s| i64::from(s.nr) == nr)
        .map_or("?", |s| s.name)
}

/// A native syscall as a log line names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Call {
    /// Its number.
    pub nr: libc::c_long,
    /// The kernel's name for it.
    pub name: &'static str,
}

impl Call {
    /// Its number as log lines and the tables compare it.
    pub fn nr64(self) -> i64 {
        nr64(self.nr)
    }
}

/// A `c_long` (32 bits on arm) as an i64: a native syscall number
/// (`libc::SYS_*`) as log lines and the tables compare it, or a raw
/// syscall's result.
#[allow(
    clippy::useless_conversion,
    reason = "c_long is already i64 on the 64-bit targets"
)]
pub fn nr64(nr: libc::c_long) -> i64 {
    i64::from(nr)
}

/// Words of the table-mode tests' rule texts, which are written for x86_64,
/// and what they are in the native ABI's terms: the chains (the native ABI's
/// and the compat ABI's: on arm64 `arm64` and `arm`, for an AArch32 program
/// `arm` and `arm64`, for an ia32 program `ia32` and `x86_64`) and the calls
/// the native ABI lacks (arm64: `mkdirat` for `mkdir`, and `getsid`, also
/// harmless and in no static mode's table, for `getpgrp`).
const RULE_WORDS: &[(&str, &str)] = if cfg!(target_arch = "aarch64") {
    &[
        ("x86_64", "arm64"),
        ("ia32", "arm"),
        ("mkdir", "mkdirat"),
        ("getpgrp", "getsid"),
    ]
} else if cfg!(target_arch = "arm") {
    &[("x86_64", "arm"), ("ia32", "arm64")]
} else if cfg!(target_arch = "x86") {
    &[("x86_64", "ia32"), ("ia32", "x86_64")]
} else {
    &[]
};

/// A rule text (`smctl` syntax, or what `smctl save` and the kernel log
/// print) written for x86_64, in the native ABI's terms: every whole word
/// of [`RULE_WORDS`] replaced (on x86_64 the text as it is). Bytes that are
/// not UTF-8 pass unchanged.
pub fn native_rules_bytes(text: &[u8]) -> Vec<u8> {
    let word_byte = |b: &u8| b.is_ascii_alphanumeric() || *b == b'_';
    let mut out = Vec::with_capacity(text.len());
    let mut rest = text;
    while !rest.is_empty() {
        let len = rest
            .iter()
            .position(|b| !word_byte(b))
            .unwrap_or(rest.len())
            .max(1);
        let (word, tail) = rest.split_at(len);
        let to = RULE_WORDS
            .iter()
            .find(|(from, _)| from.as_bytes() == word)
            .map_or(word, |(_, to)| to.as_bytes());
        out.extend_from_slice(to);
        rest = tail;
    }
    out
}

/// [`native_rules_bytes`] of a string.
pub fn native_rules(text: &str) -> String {
    String::from_utf8(native_rules_bytes(text.as_bytes()))
        .expect("replacing ASCII words keeps UTF-8")
}

/// The native call that the table-mode tests' rules and calls name for
/// x86_64 call `name` (see [`RULE_WORDS`]), with its native number.
///
/// # Panics
///
/// If the native ABI has no such call (a test's mistake).
pub fn rule_call(name: &str) -> Call {
    let name = native_rules(name);
    let sys = tables()
        .names
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("{NATIVE_ABI} has no syscall {name}"));
    Call {
        nr: sys.nr as libc::c_long,
        name: sys.name,
    }
}

/// The call that makes a directory: `mkdir` where the ABI has it, else
/// `mkdirat`; neither is in mode 2.
pub const MKDIR: Call = {
    #[cfg(target_arch = "aarch64")]
    let call = Call {
        nr: libc::SYS_mkdirat,
        name: "mkdirat",
    };
    #[cfg(not(target_arch = "aarch64"))]
    let call = Call {
        nr: libc::SYS_mkdir,
        name: "mkdir",
    };
    call
};

/// The raw [`MKDIR`] call for `path` (relative to the working directory):
/// the syscall's return value (-1 with `errno` set on failure).
pub fn mkdir(path: &CStr, mode: libc::mode_t) -> libc::c_long {
    #[cfg(not(target_arch = "aarch64"))]
    // SAFETY: a valid NUL-terminated path; no other pointer.
    let r = unsafe { libc::syscall(MKDIR.nr, path.as_ptr(), mode) };
    #[cfg(target_arch = "aarch64")]
    // SAFETY: as above.
    let r = unsafe { libc::syscall(MKDIR.nr, libc::AT_FDCWD, path.as_ptr(), mode) };
    r
}

/// The call that always creates a file: `creat` where the ABI has it, else
/// `openat` with `O_CREAT | O_WRONLY | O_TRUNC` (what `creat` is). Mode 2
/// allows it, but not with an execute, set-id or sticky bit in the mode.
pub const CREAT: Call = {
    #[cfg(target_arch = "aarch64")]
    let call = Call {
        nr: libc::SYS_openat,
        name: "openat",
    };
    #[cfg(not(target_arch = "aarch64"))]
    let call = Call {
        nr: libc::SYS_creat,
        name: "creat",
    };
    call
};

/// The raw [`CREAT`] call: a descriptor, or -1 with `errno` set.
pub fn creat(path: &CStr, mode: libc::mode_t) -> libc::c_long {
    #[cfg(not(target_arch = "aarch64"))]
    // SAFETY: a valid NUL-terminated path; no other pointer.
    let r = unsafe { libc::syscall(CREAT.nr, path.as_ptr(), mode) };
    #[cfg(target_arch = "aarch64")]
    // SAFETY: as above.
    let r = unsafe {
        libc::syscall(
            CREAT.nr,
            libc::AT_FDCWD,
            path.as_ptr(),
            libc::O_CREAT | libc::O_WRONLY | libc::O_TRUNC,
            mode,
        )
    };
    r
}

/// The call that opens a path relative to the working directory: `open`
/// where the ABI has it, else `openat(AT_FDCWD, ...)`.
pub const OPEN: Call = {
    #[cfg(target_arch = "aarch64")]
    let call = Call {
        nr: libc::SYS_openat,
        name: "openat",
    };
    #[cfg(not(target_arch = "aarch64"))]
    let call = Call {
        nr: libc::SYS_open,
        name: "open",
    };
    call
};

/// The raw [`OPEN`] call: a descriptor, or -1 with `errno` set.
pub fn open(path: &CStr, flags: libc::c_int, mode: libc::mode_t) -> libc::c_long {
    #[cfg(not(target_arch = "aarch64"))]
    // SAFETY: a valid NUL-terminated path; no other pointer.
    let r = unsafe { libc::syscall(OPEN.nr, path.as_ptr(), flags, mode) };
    #[cfg(target_arch = "aarch64")]
    // SAFETY: as above.
    let r = unsafe { libc::syscall(OPEN.nr, libc::AT_FDCWD, path.as_ptr(), flags, mode) };
    r
}

/// The syscall glibc's `fcntl()` makes: `fcntl`, on 32-bit arm and x86
/// `fcntl64`.
pub const FCNTL: Call = {
    #[cfg(any(target_arch = "arm", target_arch = "x86"))]
    let call = Call {
        nr: libc::SYS_fcntl64,
        name: "fcntl64",
    };
    #[cfg(not(any(target_arch = "arm", target_arch = "x86")))]
    let call = Call {
        nr: libc::SYS_fcntl,
        name: "fcntl",
    };
    call
};

/// The calls that read a path's metadata, following a final symlink and
/// not: `stat` and `lstat` on x86_64; `newfstatat` on arm64 and
/// `fstatat64` on arm and x86 (with `AT_SYMLINK_NOFOLLOW` for the second),
/// which glibc's `stat` and `lstat` make there.
pub const STAT: [Call; 2] = {
    #[cfg(target_arch = "x86_64")]
    let calls = [
        Call {
            nr: libc::SYS_stat,
            name: "stat",
        },
        Call {
            nr: libc::SYS_lstat,
            name: "lstat",
        },
    ];
    #[cfg(target_arch = "aarch64")]
    let calls = [Call {
        nr: libc::SYS_newfstatat,
        name: "newfstatat",
    }; 2];
    #[cfg(any(target_arch = "arm", target_arch = "x86"))]
    let calls = [Call {
        nr: libc::SYS_fstatat64,
        name: "fstatat64",
    }; 2];
    calls
};

/// The file type and mode bits of `path` through the raw [`STAT`] calls
/// (the second if `nofollow`); the errno on failure.
pub fn stat_mode(path: &CStr, nofollow: bool) -> Result<libc::mode_t, i32> {
    let call = STAT[usize::from(nofollow)];
    #[cfg(target_arch = "x86_64")]
    let mode = {
        // SAFETY: a zeroed struct stat is valid; the kernel writes it.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        // SAFETY: a valid path and a struct stat to write.
        let r = unsafe { libc::syscall(call.nr, path.as_ptr(), &raw mut st) };
        (r == 0).then_some(st.st_mode)
    };
    #[cfg(not(target_arch = "x86_64"))]
    let mode = {
        // The kernel's struct stat (arm64) and struct stat64 (arm, x86).
        #[cfg(target_arch = "aarch64")]
        // SAFETY: a zeroed struct stat is valid; the kernel writes it.
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        #[cfg(any(target_arch = "arm", target_arch = "x86"))]
        // SAFETY: a zeroed struct stat64 is valid; the kernel writes it.
        let mut st: libc::stat64 = unsafe { std::mem::zeroed() };
        let flags = if nofollow {
            libc::AT_SYMLINK_NOFOLLOW
        } else {
            0
        };
        // SAFETY: a valid path and a struct to write.
        let r =
            unsafe { libc::syscall(call.nr, libc::AT_FDCWD, path.as_ptr(), &raw mut st, flags) };
        (r == 0).then_some(st.st_mode)
    };
    mode.ok_or_else(nix::errno::Errno::last_raw)
}

/// The syscall glibc's `getpgrp()` makes: `getpgrp`, or on arm64, which has
/// none, `getpgid(0)`. It has no effect and is in no static mode's table.
pub const GETPGRP: Call = {
    #[cfg(target_arch = "aarch64")]
    let call = Call {
        nr: libc::SYS_getpgid,
        name: "getpgid",
    };
    #[cfg(not(target_arch = "aarch64"))]
    let call = Call {
        nr: libc::SYS_getpgrp,
        name: "getpgrp",
    };
    call
};

/// `AUDIT_ARCH_*` of the native ABI: what a seccomp filter reads in
/// `seccomp_data.arch` (`AUDIT_ARCH_X86_64`, `AUDIT_ARCH_AARCH64`,
/// `AUDIT_ARCH_ARM`, `AUDIT_ARCH_I386`).
pub const AUDIT_ARCH: u32 = if cfg!(target_arch = "x86_64") {
    0xc000_003e
} else if cfg!(target_arch = "aarch64") {
    0xc000_00b7
} else if cfg!(target_arch = "x86") {
    0x4000_0003
} else {
    0x4000_0028
};

/// The guest's serial console (a character device a confined process may
/// not open): the 8250's `ttyS0` on x86_64 (for an ia32 program too), the
/// PL011's `ttyAMA0` on QEMU's arm64 `virt` machine.
pub const SERIAL_TTY: &str = if cfg!(any(target_arch = "x86_64", target_arch = "x86")) {
    "/dev/ttyS0"
} else {
    "/dev/ttyAMA0"
};

/// `fork` as the bare `clone(SIGCHLD)` syscall whose very next
/// instruction, in parent and child alike, loads `flag`: the child's first
/// user instruction is that load, so what it reads says exactly whether the
/// child ran any user code before the flag was set. (A load after the call
/// returned would not do: the child runs other instructions first, and may
/// fault on a text page that fork did not map, i.e. stop in the kernel for
/// a while with user code already run.) Returns the fork's result (-1 on
/// failure) and the value read (on 32-bit arm its low 32 bits). The child
/// returns straight into the caller (no fork handlers, so it may only make
/// raw syscalls and `_exit`).
pub fn raw_fork_reading(flag: &AtomicU64) -> (libc::pid_t, u64) {
    let ret: libc::c_long;
    let seen: u64;
    #[cfg(target_arch = "x86_64")]
    // SAFETY: clone(SIGCHLD, no stack) is fork, with no pointer arguments;
    // `flag` is a valid, aligned u64, read with a plain (acquire on x86)
    // load; rcx and r11 are clobbered by `syscall`.
    unsafe {
        std::arch::asm!(
            "syscall",
            "mov {seen}, qword ptr [{flag}]",
            flag = in(reg) flag.as_ptr(),
            seen = out(reg) seen,
            inlateout("rax") libc::SYS_clone => ret,
            in("rdi") libc::SIGCHLD as u64,
            in("rsi") 0u64,
            in("rdx") 0u64,
            in("r10") 0u64,
            in("r8") 0u64,
            out("rcx") _,
            out("r11") _,
            options(nostack),
        );
    }
    #[cfg(target_arch = "aarch64")]
    // SAFETY: clone(SIGCHLD, no stack) is fork (arm64 takes flags, stack,
    // parent_tid, tls, child_tid), with no pointer arguments; `flag` is a
    // valid, aligned u64, read with an acquire load; `svc` preserves every
    // register but x0.
    unsafe {
        std::arch::asm!(
            "svc #0",
            "ldar {seen}, [{flag}]",
            flag = in(reg) flag.as_ptr(),
            seen = out(reg) seen,
            inlateout("x0") libc::SIGCHLD as libc::c_long => ret,
            in("x1") 0u64,
            in("x2") 0u64,
            in("x3") 0u64,
            in("x4") 0u64,
            in("x8") libc::SYS_clone,
            options(nostack),
        );
    }
    #[cfg(target_arch = "arm")]
    {
        let low: u32;
        // SAFETY: clone(SIGCHLD, no stack) is fork (arm takes flags, stack,
        // parent_tid, tls, child_tid), with no pointer arguments; `flag` is
        // a valid, aligned u64 whose low word (little endian) is read; `svc`
        // preserves every register but r0. The number goes in r7, which the
        // ARM-mode targets leave free (their frame pointer is r11; in Thumb
        // mode r7 is, and rustc refuses this operand rather than miscompile).
        unsafe {
            std::arch::asm!(
                "svc #0",
                "ldr {low}, [{flag}]",
                flag = in(reg) flag.as_ptr(),
                low = out(reg) low,
                inlateout("r0") libc::SIGCHLD as libc::c_long => ret,
                in("r1") 0u32,
                in("r2") 0u32,
                in("r3") 0u32,
                in("r4") 0u32,
                in("r7") libc::SYS_clone,
                options(nostack),
            );
        }
        seen = u64::from(low);
    }
    #[cfg(target_arch = "x86")]
    {
        let low: u32;
        // SAFETY: clone(SIGCHLD, no stack) is fork (ia32 takes flags in
        // ebx, stack in ecx, parent_tid in edx, tls in esi, child_tid in
        // edi), with no pointer the kernel uses: without CLONE_PARENT_SETTID,
        // CLONE_SETTLS and CLONE_CHILD_{SET,CLEAR}TID it ignores edx, esi
        // and edi, so edi carries `flag`'s address to the load right after
        // `int $0x80`, which reads its low word (little endian) into edx.
        // `int $0x80` preserves every register but eax. ebx and esi may be
        // LLVM's (PIC base, base pointer): saved on the stack and restored
        // after the load, in parent and child alike (the child runs on a
        // copy of the same stack).
        unsafe {
            std::arch::asm!(
                "push esi",
                "push ebx",
                "mov ebx, {sigchld}",
                "xor esi, esi",
                "int 0x80",
                "mov edx, dword ptr [edi]",
                "pop ebx",
                "pop esi",
                sigchld = const libc::SIGCHLD,
                inlateout("eax") libc::SYS_clone => ret,
                in("ecx") 0u32,
                inlateout("edx") 0u32 => low,
                in("edi") flag.as_ptr(),
            );
        }
        seen = u64::from(low);
    }
    // The raw syscall returns -errno on failure.
    let pid = libc::pid_t::try_from(ret).map_or(-1, |p| p.max(-1));
    (pid, seen)
}

/// seccompiler's name of the native architecture (`None` on 32-bit arm and
/// x86, which it does not support).
pub fn seccompiler_arch() -> Option<seccompiler::TargetArch> {
    #[cfg(target_arch = "x86_64")]
    return Some(seccompiler::TargetArch::x86_64);
    #[cfg(target_arch = "aarch64")]
    return Some(seccompiler::TargetArch::aarch64);
    #[cfg(any(target_arch = "arm", target_arch = "x86"))]
    return None;
}

/// The first of AArch32's ARM-private syscall numbers (`__ARM_NR_BASE`);
/// the kernel serves `0x0f0000..=0x0f07ff` (`breakpoint`, `cacheflush`,
/// `usr26`, `usr32`, `set_tls`, `get_tls`, the rest `ENOSYS`) and raises
/// SIGILL above. No table has them.
#[cfg(target_arch = "arm")]
pub const ARM_NR_BASE: u32 = 0x0f_0000;

/// An ia32 syscall through `int $0x80` from this 64-bit process: `eax` =
/// `nr`, `ebx`, `ecx`, `edx`, `esi`, `edi` = `args`.
#[cfg(target_arch = "x86_64")]
pub fn int80(nr: u32, args: [u32; 5]) -> i32 {
    int80_rbx(nr, u64::from(args[0]), [args[1], args[2], args[3], args[4]])
}

/// A fresh page below 4 GiB, which a 32-bit syscall can address (a
/// static-pie binary's own data may lie above).
#[cfg(target_arch = "x86_64")]
pub fn low_page() -> Option<*mut u32> {
    crate::anon_page(libc::MAP_PRIVATE | libc::MAP_32BIT).map(|p| p.cast())
}

/// An ia32 syscall through `int $0x80` from this 32-bit process: `eax` =
/// `nr`, `ebx`, `ecx`, `edx`, `esi`, `edi` = `args`, `ebp` = 0 (as
/// [`int80_6`]). glibc's calls enter the kernel through the vDSO's
/// `__kernel_vsyscall` instead (`sysenter` or `syscall` where the CPU has
/// them): this is the other way in.
#[cfg(target_arch = "x86")]
pub fn int80(nr: u32, args: [u32; 5]) -> i32 {
    int80_6(nr, [args[0], args[1], args[2], args[3], args[4], 0])
}

/// An ia32 syscall with all six arguments through `int $0x80`: `eax` =
/// `nr` (any 32-bit value), `ebx`, `ecx`, `edx`, `esi`, `edi`, `ebp` =
/// `args`. Returns `eax` (`-errno` on failure).
#[cfg(target_arch = "x86")]
pub fn int80_6(nr: u32, args: [u32; 6]) -> i32 {
    let mut ret = nr;
    // SAFETY: the caller picks the syscall; `args` is read before the call.
    // LLVM reserves esi and ebp (base and frame pointer) and may use ebx
    // (PIC base), so the three are saved on the stack and restored, and
    // every argument is loaded from `args` through ecx, which is loaded
    // last. `int $0x80` preserves every register but eax.
    unsafe {
        std::arch::asm!(
            "push ebp",
            "push esi",
            "push ebx",
            "mov ebx, dword ptr [ecx]",
            "mov edx, dword ptr [ecx + 8]",
            "mov esi, dword ptr [ecx + 12]",
            "mov edi, dword ptr [ecx + 16]",
            "mov ebp, dword ptr [ecx + 20]",
            "mov ecx, dword ptr [ecx + 4]",
            "int 0x80",
            "pop ebx",
            "pop esi",
            "pop ebp",
            inlateout("eax") ret,
            inlateout("ecx") args.as_ptr() => _,
            lateout("edx") _,
            lateout("edi") _,
        );
    }
    ret as i32
}

/// A fresh page, which a 32-bit syscall can address (on x86 every page
/// can; the same helper as x86_64's, for the cases both run).
#[cfg(target_arch = "x86")]
pub fn low_page() -> Option<*mut u32> {
    crate::anon_page(libc::MAP_PRIVATE).map(|p| p.cast())
}

/// A native `syscall` instruction with only `rax` set (any 64-bit value,
/// e.g. an x32 number or one out of every table).
#[cfg(target_arch = "x86_64")]
pub fn syscall0(nr: u64) -> i64 {
    let mut ret = nr;
    // SAFETY: the caller picks the syscall; no pointer arguments.
    // `syscall` clobbers rcx and r11.
    unsafe {
        std::arch::asm!(
            "syscall",
            inlateout("rax") ret,
            lateout("rcx") _,
            lateout("r11") _,
            options(nostack)
        );
    }
    ret as i64
}

/// Like [`int80`], but `rbx` is given in full (64 bits): an ia32 syscall
/// made with junk in the upper half of a register the kernel truncates.
#[cfg(target_arch = "x86_64")]
pub fn int80_rbx(nr: u32, rbx: u64, args: [u32; 4]) -> i32 {
    let mut ret = nr;
    // SAFETY: the caller picks the syscall; only integer registers are
    // passed. rbx is reserved by LLVM, so it is swapped in and out; the
    // compat entry may clobber r8-r11.
    unsafe {
        std::arch::asm!(
            "xchg {b}, rbx",
            "int 0x80",
            "xchg {b}, rbx",
            b = inout(reg) rbx => _,
            inlateout("eax") ret,
            in("ecx") args[0],
            in("edx") args[1],
            in("esi") args[2],
            in("edi") args[3],
            lateout("r8") _,
            lateout("r9") _,
            lateout("r10") _,
            lateout("r11") _,
        );
    }
    ret as i32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn native_names_match_the_tables() {
        assert_eq!(tables().name, NATIVE_ABI);
        for call in [MKDIR, CREAT, GETPGRP, OPEN, FCNTL, STAT[0], STAT[1]] {
            assert_eq!(name_of(call.nr64()), call.name);
        }
        assert_eq!(name_of(nr64(libc::SYS_execve)), "execve");
        assert_eq!(name_of(-1), "?");
    }

    #[test]
    fn rule_texts_become_native() {
        let x86 = ":x86_64 MODE2\n-A x86_64 -s read,getpgrp -j MODE1 # mkdir,mkdirat\n";
        let native = native_rules(x86);
        if cfg!(target_arch = "x86_64") {
            assert_eq!(native, x86);
        }
        assert!(native.starts_with(&format!(":{NATIVE_ABI} MODE2\n-A {NATIVE_ABI} -s read,")));
        // A second pass changes nothing, except where the two chains trade
        // names (an ia32 program's compat chain is x86_64): it swaps back.
        if cfg!(target_arch = "x86") {
            assert_eq!(native_rules(&native), x86);
        } else {
            assert_eq!(native_rules(&native), native);
        }
        assert_eq!(
            native_rules_bytes(b"\xffx86_64\xe9"),
            [b"\xff", native_rules("x86_64").as_bytes(), b"\xe9"].concat()
        );
        for name in [
            "getpid",
            "getppid",
            "mkdir",
            "getpgrp",
            "getpriority",
            "ioctl",
        ] {
            let call = rule_call(name);
            assert_eq!(name_of(call.nr64()), call.name);
        }
        assert_eq!(rule_call("getppid").nr, libc::SYS_getppid);
    }

    #[test]
    fn stat_mode_follows_or_not() {
        let link = stat_mode(c"/proc/self", true).expect("lstat /proc/self");
        let dir = stat_mode(c"/proc/self", false).expect("stat /proc/self");
        assert_eq!(link & libc::S_IFMT, libc::S_IFLNK);
        assert_eq!(dir & libc::S_IFMT, libc::S_IFDIR);
        assert_eq!(stat_mode(c"/nonexistent", false), Err(libc::ENOENT));
    }

    #[cfg(target_arch = "x86")]
    #[test]
    fn int80_passes_every_argument() {
        use std::io::Read;
        use std::os::fd::AsRawFd;
        assert_eq!(
            int80(libc::SYS_getpid as u32, [0; 5]),
            std::process::id() as i32
        );
        assert_eq!(int80(u32::MAX, [0; 5]), -libc::ENOSYS);
        // mmap2(NULL, 4096, PROT_READ, MAP_PRIVATE, fd, 1): the file's
        // second page, so the sixth argument (ebp, in pages) arrived.
        let mut exe = std::fs::File::open("/proc/self/exe").expect("/proc/self/exe");
        let mut want = vec![0u8; 8192];
        exe.read_exact(&mut want).expect("read 8 KiB");
        let args = [
            0,
            4096,
            libc::PROT_READ as u32,
            libc::MAP_PRIVATE as u32,
            exe.as_raw_fd() as u32,
            1,
        ];
        let addr = int80_6(libc::SYS_mmap2 as u32, args) as u32;
        assert!(addr < -4095i32 as u32, "mmap2: {}", addr as i32);
        let page = addr as usize as *mut libc::c_void;
        // SAFETY: the kernel mapped 4096 readable bytes there.
        let got = unsafe { std::slice::from_raw_parts(page.cast::<u8>(), 4096) };
        assert_eq!(got, &want[4096..]);
        // SAFETY: unmaps the page mapped above.
        assert_eq!(unsafe { libc::munmap(page, 4096) }, 0);
    }

    #[test]
    fn raw_fork_reading_reads_the_flag_in_both() {
        let flag = AtomicU64::new(7);
        let (pid, seen) = raw_fork_reading(&flag);
        if pid == 0 {
            // SAFETY: ends the child at once.
            unsafe { libc::_exit(if seen == 7 { 0 } else { 1 }) };
        }
        assert!(pid > 0, "fork failed");
        assert_eq!(seen, 7);
        let mut status = 0;
        // SAFETY: waits for our own child.
        assert_eq!(unsafe { libc::waitpid(pid, &mut status, 0) }, pid);
        assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0);
    }
}
