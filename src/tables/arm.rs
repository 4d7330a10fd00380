// SPDX-License-Identifier: GPL-2.0

//! AArch32 (arm EABI, and arm64 compat) syscall tables.
//!
//! Source: [`arch/arm/tools/syscall.tbl`](srctree/arch/arm/tools/syscall.tbl) of Linux 7.2,
//! `common` and `eabi` entries. Rows are sorted by number and keep the kernel's names; the
//! host-side table check compares every row with that file.

use super::Sys;

/// The largest syscall number of this ABI in Linux 7.2.
pub(super) const MAX_NR: u32 = 471;

/// `clone`: its flags (argument 0) are checked for `CLONE_NEW*`.
pub(super) const CLONE: u32 = 120;

/// `clone3`: answered with `-ENOSYS` (its flags live in user memory).
pub(super) const CLONE3: u32 = 435;

/// `prctl`: carries the module's own two options.
pub(super) const PRCTL: u32 = 172;

/// No `socketcall` multiplexer on this ABI.
pub(super) const SOCKETCALL: Option<(u32, &[u32])> = None;

/// Mode 1: exactly the kernel's strict-mode list for this ABI
/// (`mode1_syscalls` in `kernel/seccomp.c`).
pub(super) const MODE1: &[Sys] = &[
    Sys::new(1, "exit"),
    Sys::new(3, "read"),
    Sys::new(4, "write"),
    Sys::new(173, "rt_sigreturn"),
];

/// Mode 2 adds these to mode 1 (see `docs/tables.md` for why each is here).
pub(super) const MODE2: &[Sys] = &[
    Sys::new(0, "restart_syscall"),
    Sys::new(2, "fork"),
    Sys::new(5, "open"),
    Sys::new(6, "close"),
    Sys::new(19, "lseek"),
    Sys::new(20, "getpid"),
    Sys::new(45, "brk"),
    Sys::new(55, "fcntl"),
    Sys::new(64, "getppid"),
    Sys::new(78, "gettimeofday"),
    Sys::new(91, "munmap"),
    Sys::new(108, "fstat"),
    Sys::new(114, "wait4"),
    Sys::new(119, "sigreturn"),
    Sys::new(120, "clone"),
    Sys::new(125, "mprotect"),
    Sys::new(140, "_llseek"),
    Sys::new(141, "getdents"),
    Sys::new(145, "readv"),
    Sys::new(146, "writev"),
    Sys::new(158, "sched_yield"),
    Sys::new(162, "nanosleep"),
    Sys::new(168, "poll"),
    Sys::new(174, "rt_sigaction"),
    Sys::new(175, "rt_sigprocmask"),
    Sys::new(180, "pread64"),
    Sys::new(186, "sigaltstack"),
    Sys::new(187, "sendfile"),
    Sys::new(190, "vfork"),
    Sys::new(192, "mmap2"),
    Sys::new(197, "fstat64"),
    Sys::new(217, "getdents64"),
    Sys::new(220, "madvise"),
    Sys::new(221, "fcntl64"),
    Sys::new(224, "gettid"),
    Sys::new(239, "sendfile64"),
    Sys::new(240, "futex"),
    Sys::new(242, "sched_getaffinity"),
    Sys::new(248, "exit_group"),
    Sys::new(251, "epoll_ctl"),
    Sys::new(252, "epoll_wait"),
    Sys::new(263, "clock_gettime"),
    Sys::new(265, "clock_nanosleep"),
    Sys::new(281, "socket"),
    Sys::new(282, "bind"),
    Sys::new(283, "connect"),
    Sys::new(284, "listen"),
    Sys::new(285, "accept"),
    Sys::new(286, "getsockname"),
    Sys::new(287, "getpeername"),
    Sys::new(290, "sendto"),
    Sys::new(292, "recvfrom"),
    Sys::new(293, "shutdown"),
    Sys::new(294, "setsockopt"),
    Sys::new(295, "getsockopt"),
    Sys::new(296, "sendmsg"),
    Sys::new(297, "recvmsg"),
    Sys::new(322, "openat"),
    Sys::new(327, "fstatat64"),
    Sys::new(336, "ppoll"),
    Sys::new(338, "set_robust_list"),
    Sys::new(346, "epoll_pwait"),
    Sys::new(357, "epoll_create1"),
    Sys::new(366, "accept4"),
    Sys::new(384, "getrandom"),
    Sys::new(397, "statx"),
    Sys::new(398, "rseq"),
    Sys::new(403, "clock_gettime64"),
    Sys::new(407, "clock_nanosleep_time64"),
    Sys::new(414, "ppoll_time64"),
    Sys::new(422, "futex_time64"),
    Sys::new(435, "clone3"),
];

/// Calls that no mode may ever allow (checked by the table tests).
pub(super) const NEVER: &[Sys] = &[
    Sys::new(11, "execve"),
    Sys::new(21, "mount"),
    Sys::new(26, "ptrace"),
    Sys::new(52, "umount2"),
    Sys::new(54, "ioctl"),
    Sys::new(61, "chroot"),
    Sys::new(87, "swapon"),
    Sys::new(88, "reboot"),
    Sys::new(115, "swapoff"),
    Sys::new(128, "init_module"),
    Sys::new(129, "delete_module"),
    Sys::new(136, "personality"),
    Sys::new(163, "mremap"),
    Sys::new(172, "prctl"),
    Sys::new(218, "pivot_root"),
    Sys::new(309, "add_key"),
    Sys::new(310, "request_key"),
    Sys::new(311, "keyctl"),
    Sys::new(337, "unshare"),
    Sys::new(347, "kexec_load"),
    Sys::new(364, "perf_event_open"),
    Sys::new(375, "setns"),
    Sys::new(376, "process_vm_readv"),
    Sys::new(377, "process_vm_writev"),
    Sys::new(379, "finit_module"),
    Sys::new(386, "bpf"),
    Sys::new(387, "execveat"),
    Sys::new(388, "userfaultfd"),
    Sys::new(401, "kexec_file_load"),
    Sys::new(425, "io_uring_setup"),
    Sys::new(426, "io_uring_enter"),
    Sys::new(427, "io_uring_register"),
    Sys::new(428, "open_tree"),
    Sys::new(429, "move_mount"),
    Sys::new(430, "fsopen"),
    Sys::new(431, "fsconfig"),
    Sys::new(432, "fsmount"),
    Sys::new(433, "fspick"),
    Sys::new(442, "mount_setattr"),
    Sys::new(467, "open_tree_attr"),
];
