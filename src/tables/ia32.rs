// SPDX-License-Identifier: GPL-2.0

//! ia32 compat (`int $0x80`, `sysenter`, `syscall` from 32-bit code) syscall tables.
//!
//! Source: [`arch/x86/entry/syscalls/syscall_32.tbl`](srctree/arch/x86/entry/syscalls/syscall_32.tbl) of Linux 7.2,
//! `i386` entries. Rows are sorted by number and keep the kernel's names; the
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

/// `socketcall`: argument 0 selects a socket call. Each call is allowed when
/// its direct syscall (index = call number, 0 = none) is in the mode's table.
pub(super) const SOCKETCALL: Option<(u32, &[u32])> = Some((
    102,
    &[
        0,   // 0: not a call
        359, // 1 SYS_SOCKET: socket
        361, // 2 SYS_BIND: bind
        362, // 3 SYS_CONNECT: connect
        363, // 4 SYS_LISTEN: listen
        364, // 5 SYS_ACCEPT: as accept4
        367, // 6 SYS_GETSOCKNAME: getsockname
        368, // 7 SYS_GETPEERNAME: getpeername
        360, // 8 SYS_SOCKETPAIR: socketpair
        369, // 9 SYS_SEND: as sendto
        371, // 10 SYS_RECV: as recvfrom
        369, // 11 SYS_SENDTO: sendto
        371, // 12 SYS_RECVFROM: recvfrom
        373, // 13 SYS_SHUTDOWN: shutdown
        366, // 14 SYS_SETSOCKOPT: setsockopt
        365, // 15 SYS_GETSOCKOPT: getsockopt
        370, // 16 SYS_SENDMSG: sendmsg
        372, // 17 SYS_RECVMSG: recvmsg
        364, // 18 SYS_ACCEPT4: accept4
        337, // 19 SYS_RECVMMSG: recvmmsg
        345, // 20 SYS_SENDMMSG: sendmmsg
    ],
));

/// Mode 1: exactly the kernel's strict-mode list for this ABI
/// (`mode1_syscalls` in `kernel/seccomp.c`).
pub(super) const MODE1: &[Sys] = &[
    Sys::new(1, "exit"),
    Sys::new(3, "read"),
    Sys::new(4, "write"),
    Sys::new(119, "sigreturn"),
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
    Sys::new(102, "socketcall"),
    Sys::new(108, "fstat"),
    Sys::new(114, "wait4"),
    Sys::new(120, "clone"),
    Sys::new(125, "mprotect"),
    Sys::new(140, "_llseek"),
    Sys::new(141, "getdents"),
    Sys::new(145, "readv"),
    Sys::new(146, "writev"),
    Sys::new(158, "sched_yield"),
    Sys::new(162, "nanosleep"),
    Sys::new(168, "poll"),
    Sys::new(173, "rt_sigreturn"),
    Sys::new(174, "rt_sigaction"),
    Sys::new(175, "rt_sigprocmask"),
    Sys::new(180, "pread64"),
    Sys::new(186, "sigaltstack"),
    Sys::new(187, "sendfile"),
    Sys::new(190, "vfork"),
    Sys::new(192, "mmap2"),
    Sys::new(197, "fstat64"),
    Sys::new(219, "madvise"),
    Sys::new(220, "getdents64"),
    Sys::new(221, "fcntl64"),
    Sys::new(224, "gettid"),
    Sys::new(239, "sendfile64"),
    Sys::new(240, "futex"),
    Sys::new(242, "sched_getaffinity"),
    Sys::new(252, "exit_group"),
    Sys::new(255, "epoll_ctl"),
    Sys::new(256, "epoll_wait"),
    Sys::new(265, "clock_gettime"),
    Sys::new(267, "clock_nanosleep"),
    Sys::new(295, "openat"),
    Sys::new(300, "fstatat64"),
    Sys::new(309, "ppoll"),
    Sys::new(311, "set_robust_list"),
    Sys::new(319, "epoll_pwait"),
    Sys::new(329, "epoll_create1"),
    Sys::new(355, "getrandom"),
    Sys::new(359, "socket"),
    Sys::new(361, "bind"),
    Sys::new(362, "connect"),
    Sys::new(363, "listen"),
    Sys::new(364, "accept4"),
    Sys::new(365, "getsockopt"),
    Sys::new(366, "setsockopt"),
    Sys::new(367, "getsockname"),
    Sys::new(368, "getpeername"),
    Sys::new(369, "sendto"),
    Sys::new(370, "sendmsg"),
    Sys::new(371, "recvfrom"),
    Sys::new(372, "recvmsg"),
    Sys::new(373, "shutdown"),
    Sys::new(383, "statx"),
    Sys::new(386, "rseq"),
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
    Sys::new(22, "umount"),
    Sys::new(26, "ptrace"),
    Sys::new(52, "umount2"),
    Sys::new(54, "ioctl"),
    Sys::new(61, "chroot"),
    Sys::new(87, "swapon"),
    Sys::new(88, "reboot"),
    Sys::new(101, "ioperm"),
    Sys::new(110, "iopl"),
    Sys::new(115, "swapoff"),
    Sys::new(123, "modify_ldt"),
    Sys::new(128, "init_module"),
    Sys::new(129, "delete_module"),
    Sys::new(136, "personality"),
    Sys::new(163, "mremap"),
    Sys::new(172, "prctl"),
    Sys::new(217, "pivot_root"),
    Sys::new(283, "kexec_load"),
    Sys::new(286, "add_key"),
    Sys::new(287, "request_key"),
    Sys::new(288, "keyctl"),
    Sys::new(310, "unshare"),
    Sys::new(336, "perf_event_open"),
    Sys::new(346, "setns"),
    Sys::new(347, "process_vm_readv"),
    Sys::new(348, "process_vm_writev"),
    Sys::new(350, "finit_module"),
    Sys::new(357, "bpf"),
    Sys::new(358, "execveat"),
    Sys::new(374, "userfaultfd"),
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
