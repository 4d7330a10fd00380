// SPDX-License-Identifier: GPL-2.0

//! x86_64 native syscall tables.
//!
//! Source: [`arch/x86/entry/syscalls/syscall_64.tbl`](srctree/arch/x86/entry/syscalls/syscall_64.tbl) of Linux 7.2,
//! `common` and `64` entries. Rows are sorted by number and keep the kernel's names; the
//! host-side table check compares every row with that file.

use super::Sys;

/// The largest syscall number of this ABI in Linux 7.2.
pub(super) const MAX_NR: u32 = 471;

/// `clone`: its flags (argument 0) are checked for `CLONE_NEW*`.
pub(super) const CLONE: u32 = 56;

/// `clone3`: answered with `-ENOSYS` (its flags live in user memory).
pub(super) const CLONE3: u32 = 435;

/// `prctl`: carries the module's own two options.
pub(super) const PRCTL: u32 = 157;

/// No `socketcall` multiplexer on this ABI.
pub(super) const SOCKETCALL: Option<(u32, &[u32])> = None;

/// Mode 1: exactly the kernel's strict-mode list for this ABI
/// (`mode1_syscalls` in `kernel/seccomp.c`).
pub(super) const MODE1: &[Sys] = &[
    Sys::new(0, "read"),
    Sys::new(1, "write"),
    Sys::new(15, "rt_sigreturn"),
    Sys::new(60, "exit"),
    Sys::new(335, "uretprobe"),
    Sys::new(336, "uprobe"),
];

/// Mode 2 adds these to mode 1 (see `docs/tables.md` for why each is here).
pub(super) const MODE2: &[Sys] = &[
    Sys::new(2, "open"),
    Sys::new(3, "close"),
    Sys::new(5, "fstat"),
    Sys::new(7, "poll"),
    Sys::new(8, "lseek"),
    Sys::new(9, "mmap"),
    Sys::new(10, "mprotect"),
    Sys::new(11, "munmap"),
    Sys::new(12, "brk"),
    Sys::new(13, "rt_sigaction"),
    Sys::new(14, "rt_sigprocmask"),
    Sys::new(17, "pread64"),
    Sys::new(19, "readv"),
    Sys::new(20, "writev"),
    Sys::new(24, "sched_yield"),
    Sys::new(28, "madvise"),
    Sys::new(35, "nanosleep"),
    Sys::new(39, "getpid"),
    Sys::new(40, "sendfile"),
    Sys::new(41, "socket"),
    Sys::new(42, "connect"),
    Sys::new(43, "accept"),
    Sys::new(44, "sendto"),
    Sys::new(45, "recvfrom"),
    Sys::new(46, "sendmsg"),
    Sys::new(47, "recvmsg"),
    Sys::new(48, "shutdown"),
    Sys::new(49, "bind"),
    Sys::new(50, "listen"),
    Sys::new(51, "getsockname"),
    Sys::new(52, "getpeername"),
    Sys::new(54, "setsockopt"),
    Sys::new(55, "getsockopt"),
    Sys::new(56, "clone"),
    Sys::new(57, "fork"),
    Sys::new(58, "vfork"),
    Sys::new(61, "wait4"),
    Sys::new(72, "fcntl"),
    Sys::new(78, "getdents"),
    Sys::new(96, "gettimeofday"),
    Sys::new(110, "getppid"),
    Sys::new(131, "sigaltstack"),
    Sys::new(186, "gettid"),
    Sys::new(202, "futex"),
    Sys::new(204, "sched_getaffinity"),
    Sys::new(217, "getdents64"),
    Sys::new(219, "restart_syscall"),
    Sys::new(228, "clock_gettime"),
    Sys::new(230, "clock_nanosleep"),
    Sys::new(231, "exit_group"),
    Sys::new(232, "epoll_wait"),
    Sys::new(233, "epoll_ctl"),
    Sys::new(257, "openat"),
    Sys::new(262, "newfstatat"),
    Sys::new(271, "ppoll"),
    Sys::new(273, "set_robust_list"),
    Sys::new(281, "epoll_pwait"),
    Sys::new(288, "accept4"),
    Sys::new(291, "epoll_create1"),
    Sys::new(318, "getrandom"),
    Sys::new(332, "statx"),
    Sys::new(334, "rseq"),
    Sys::new(435, "clone3"),
];

/// Calls that no mode may ever allow (checked by the table tests).
pub(super) const NEVER: &[Sys] = &[
    Sys::new(16, "ioctl"),
    Sys::new(25, "mremap"),
    Sys::new(59, "execve"),
    Sys::new(101, "ptrace"),
    Sys::new(135, "personality"),
    Sys::new(154, "modify_ldt"),
    Sys::new(155, "pivot_root"),
    Sys::new(157, "prctl"),
    Sys::new(161, "chroot"),
    Sys::new(165, "mount"),
    Sys::new(166, "umount2"),
    Sys::new(167, "swapon"),
    Sys::new(168, "swapoff"),
    Sys::new(169, "reboot"),
    Sys::new(172, "iopl"),
    Sys::new(173, "ioperm"),
    Sys::new(175, "init_module"),
    Sys::new(176, "delete_module"),
    Sys::new(246, "kexec_load"),
    Sys::new(248, "add_key"),
    Sys::new(249, "request_key"),
    Sys::new(250, "keyctl"),
    Sys::new(272, "unshare"),
    Sys::new(298, "perf_event_open"),
    Sys::new(308, "setns"),
    Sys::new(310, "process_vm_readv"),
    Sys::new(311, "process_vm_writev"),
    Sys::new(313, "finit_module"),
    Sys::new(320, "kexec_file_load"),
    Sys::new(321, "bpf"),
    Sys::new(322, "execveat"),
    Sys::new(323, "userfaultfd"),
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
