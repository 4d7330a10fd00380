// SPDX-License-Identifier: GPL-2.0

//! arm64 native syscall tables.
//!
//! Source: [`scripts/syscall.tbl`](srctree/scripts/syscall.tbl) of Linux 7.2,
//! the ABIs arm64 builds: `common`, `64`, `renameat`, `rlimit`, `memfd_secret`. Rows are sorted by number and keep the kernel's names; the
//! host-side table check compares every row with that file.

use super::Sys;

/// The largest syscall number of this ABI in Linux 7.2.
pub(super) const MAX_NR: u32 = 471;

/// `clone`: its flags (argument 0) are checked for `CLONE_NEW*`.
pub(super) const CLONE: u32 = 220;

/// `clone3`: answered with `-ENOSYS` (its flags live in user memory).
pub(super) const CLONE3: u32 = 435;

/// `prctl`: carries the module's own two options.
pub(super) const PRCTL: u32 = 167;

/// No `socketcall` multiplexer on this ABI.
pub(super) const SOCKETCALL: Option<(u32, &[u32])> = None;

/// Mode 1: exactly the kernel's strict-mode list for this ABI
/// (`mode1_syscalls` in `kernel/seccomp.c`).
pub(super) const MODE1: &[Sys] = &[
    Sys::new(63, "read"),
    Sys::new(64, "write"),
    Sys::new(93, "exit"),
    Sys::new(139, "rt_sigreturn"),
];

/// Mode 2 adds these to mode 1 (see `docs/tables.md` for why each is here).
pub(super) const MODE2: &[Sys] = &[
    Sys::new(20, "epoll_create1"),
    Sys::new(21, "epoll_ctl"),
    Sys::new(22, "epoll_pwait"),
    Sys::new(25, "fcntl"),
    Sys::new(56, "openat"),
    Sys::new(57, "close"),
    Sys::new(61, "getdents64"),
    Sys::new(62, "lseek"),
    Sys::new(65, "readv"),
    Sys::new(66, "writev"),
    Sys::new(67, "pread64"),
    Sys::new(71, "sendfile"),
    Sys::new(73, "ppoll"),
    Sys::new(79, "newfstatat"),
    Sys::new(80, "fstat"),
    Sys::new(94, "exit_group"),
    Sys::new(98, "futex"),
    Sys::new(99, "set_robust_list"),
    Sys::new(101, "nanosleep"),
    Sys::new(113, "clock_gettime"),
    Sys::new(115, "clock_nanosleep"),
    Sys::new(123, "sched_getaffinity"),
    Sys::new(124, "sched_yield"),
    Sys::new(128, "restart_syscall"),
    Sys::new(132, "sigaltstack"),
    Sys::new(134, "rt_sigaction"),
    Sys::new(135, "rt_sigprocmask"),
    Sys::new(169, "gettimeofday"),
    Sys::new(172, "getpid"),
    Sys::new(173, "getppid"),
    Sys::new(178, "gettid"),
    Sys::new(198, "socket"),
    Sys::new(200, "bind"),
    Sys::new(201, "listen"),
    Sys::new(202, "accept"),
    Sys::new(203, "connect"),
    Sys::new(204, "getsockname"),
    Sys::new(205, "getpeername"),
    Sys::new(206, "sendto"),
    Sys::new(207, "recvfrom"),
    Sys::new(208, "setsockopt"),
    Sys::new(209, "getsockopt"),
    Sys::new(210, "shutdown"),
    Sys::new(211, "sendmsg"),
    Sys::new(212, "recvmsg"),
    Sys::new(214, "brk"),
    Sys::new(215, "munmap"),
    Sys::new(220, "clone"),
    Sys::new(222, "mmap"),
    Sys::new(226, "mprotect"),
    Sys::new(233, "madvise"),
    Sys::new(242, "accept4"),
    Sys::new(260, "wait4"),
    Sys::new(278, "getrandom"),
    Sys::new(291, "statx"),
    Sys::new(293, "rseq"),
    Sys::new(435, "clone3"),
];

/// Calls that no mode may ever allow (checked by the table tests).
pub(super) const NEVER: &[Sys] = &[
    Sys::new(29, "ioctl"),
    Sys::new(39, "umount2"),
    Sys::new(40, "mount"),
    Sys::new(41, "pivot_root"),
    Sys::new(51, "chroot"),
    Sys::new(92, "personality"),
    Sys::new(97, "unshare"),
    Sys::new(104, "kexec_load"),
    Sys::new(105, "init_module"),
    Sys::new(106, "delete_module"),
    Sys::new(117, "ptrace"),
    Sys::new(142, "reboot"),
    Sys::new(167, "prctl"),
    Sys::new(216, "mremap"),
    Sys::new(217, "add_key"),
    Sys::new(218, "request_key"),
    Sys::new(219, "keyctl"),
    Sys::new(221, "execve"),
    Sys::new(224, "swapon"),
    Sys::new(225, "swapoff"),
    Sys::new(241, "perf_event_open"),
    Sys::new(268, "setns"),
    Sys::new(270, "process_vm_readv"),
    Sys::new(271, "process_vm_writev"),
    Sys::new(273, "finit_module"),
    Sys::new(280, "bpf"),
    Sys::new(281, "execveat"),
    Sys::new(282, "userfaultfd"),
    Sys::new(294, "kexec_file_load"),
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
