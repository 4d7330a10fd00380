// SPDX-License-Identifier: GPL-2.0

//! AArch32 (arm64 compat) syscall parameter sizes, for argument rules with explicit widths.
//!
//! Source: [`arch/arm64/tools/syscall_32.tbl`](srctree/arch/arm64/tools/syscall_32.tbl) of Linux 7.2,
//! `common` entries (numbered as the `common` and `eabi` entries of `arch/arm/tools/syscall.tbl`;
//! the ARM-private calls from `0x0f0000` are not in it), and the prototypes of their entry points
//! (the compat entry of the 5th column, or else the 4th, as `arch/arm64/kernel/sys32.c` builds
//! `compat_sys_call_table`) in the kernel source.
//!
//! One row per syscall, sorted by number: the size in bytes (1, 2, 4 or 8) of each parameter as the
//! entry point declares it (`SYSCALL_DEFINEn`, `COMPAT_SYSCALL_DEFINEn`, or else its `asmlinkage`
//! declaration), 0 where it has no such parameter. The kernel truncates an argument register to its
//! parameter's size, so a rule of another width is refused. A row's comment names the entry point
//! when it is not `sys_NAME` or `compat_sys_NAME`.
//!
//! Every AArch32 register is 32 bits wide, so no size exceeds 4; entry points that split a 64-bit
//! value take it as two 4-byte parameters, after a pad where EABI aligns the pair to an even
//! register (`compat_sys_aarch32_pread64`: `fd`, `buf`, `count`, `__pad`, `pos_lo`, `pos_hi`).
//!
//! Every syscall of the table has a prototype and a row.
//!
//! Generated from the kernel source and checked against it by `userspace/tablecheck`
//! (`src/args.rs`); do not edit by hand. To regenerate, in `userspace/`:
//! `SM_UPDATE_ARGS=1 cargo test -p tablecheck args`.

/// (syscall number, parameter sizes), sorted by number.
pub(super) const ARGS: &[(u32, [u8; 6])] = &[
    (0, [0, 0, 0, 0, 0, 0]),   // restart_syscall
    (1, [4, 0, 0, 0, 0, 0]),   // exit
    (2, [0, 0, 0, 0, 0, 0]),   // fork
    (3, [4, 4, 4, 0, 0, 0]),   // read
    (4, [4, 4, 4, 0, 0, 0]),   // write
    (5, [4, 4, 2, 0, 0, 0]),   // open
    (6, [4, 0, 0, 0, 0, 0]),   // close
    (8, [4, 2, 0, 0, 0, 0]),   // creat
    (9, [4, 4, 0, 0, 0, 0]),   // link
    (10, [4, 0, 0, 0, 0, 0]),  // unlink
    (11, [4, 4, 4, 0, 0, 0]),  // execve
    (12, [4, 0, 0, 0, 0, 0]),  // chdir
    (14, [4, 2, 4, 0, 0, 0]),  // mknod
    (15, [4, 2, 0, 0, 0, 0]),  // chmod
    (16, [4, 2, 2, 0, 0, 0]),  // lchown (sys_lchown16)
    (19, [4, 4, 4, 0, 0, 0]),  // lseek
    (20, [0, 0, 0, 0, 0, 0]),  // getpid
    (21, [4, 4, 4, 4, 4, 0]),  // mount
    (23, [2, 0, 0, 0, 0, 0]),  // setuid (sys_setuid16)
    (24, [0, 0, 0, 0, 0, 0]),  // getuid (sys_getuid16)
    (26, [4, 4, 4, 4, 0, 0]),  // ptrace
    (29, [0, 0, 0, 0, 0, 0]),  // pause
    (33, [4, 4, 0, 0, 0, 0]),  // access
    (34, [4, 0, 0, 0, 0, 0]),  // nice
    (36, [0, 0, 0, 0, 0, 0]),  // sync
    (37, [4, 4, 0, 0, 0, 0]),  // kill
    (38, [4, 4, 0, 0, 0, 0]),  // rename
    (39, [4, 2, 0, 0, 0, 0]),  // mkdir
    (40, [4, 0, 0, 0, 0, 0]),  // rmdir
    (41, [4, 0, 0, 0, 0, 0]),  // dup
    (42, [4, 0, 0, 0, 0, 0]),  // pipe
    (43, [4, 0, 0, 0, 0, 0]),  // times
    (45, [4, 0, 0, 0, 0, 0]),  // brk
    (46, [2, 0, 0, 0, 0, 0]),  // setgid (sys_setgid16)
    (47, [0, 0, 0, 0, 0, 0]),  // getgid (sys_getgid16)
    (49, [0, 0, 0, 0, 0, 0]),  // geteuid (sys_geteuid16)
    (50, [0, 0, 0, 0, 0, 0]),  // getegid (sys_getegid16)
    (51, [4, 0, 0, 0, 0, 0]),  // acct
    (52, [4, 4, 0, 0, 0, 0]),  // umount2 (sys_umount)
    (54, [4, 4, 4, 0, 0, 0]),  // ioctl
    (55, [4, 4, 4, 0, 0, 0]),  // fcntl
    (57, [4, 4, 0, 0, 0, 0]),  // setpgid
    (60, [4, 0, 0, 0, 0, 0]),  // umask
    (61, [4, 0, 0, 0, 0, 0]),  // chroot
    (62, [4, 4, 0, 0, 0, 0]),  // ustat
    (63, [4, 4, 0, 0, 0, 0]),  // dup2
    (64, [0, 0, 0, 0, 0, 0]),  // getppid
    (65, [0, 0, 0, 0, 0, 0]),  // getpgrp
    (66, [0, 0, 0, 0, 0, 0]),  // setsid
    (67, [4, 4, 4, 0, 0, 0]),  // sigaction
    (70, [2, 2, 0, 0, 0, 0]),  // setreuid (sys_setreuid16)
    (71, [2, 2, 0, 0, 0, 0]),  // setregid (sys_setregid16)
    (72, [4, 4, 4, 0, 0, 0]),  // sigsuspend
    (73, [4, 0, 0, 0, 0, 0]),  // sigpending
    (74, [4, 4, 0, 0, 0, 0]),  // sethostname
    (75, [4, 4, 0, 0, 0, 0]),  // setrlimit
    (77, [4, 4, 0, 0, 0, 0]),  // getrusage
    (78, [4, 4, 0, 0, 0, 0]),  // gettimeofday
    (79, [4, 4, 0, 0, 0, 0]),  // settimeofday
    (80, [4, 4, 0, 0, 0, 0]),  // getgroups (sys_getgroups16)
    (81, [4, 4, 0, 0, 0, 0]),  // setgroups (sys_setgroups16)
    (83, [4, 4, 0, 0, 0, 0]),  // symlink
    (85, [4, 4, 4, 0, 0, 0]),  // readlink
    (86, [4, 0, 0, 0, 0, 0]),  // uselib (declared only, in include/linux/syscalls.h)
    (87, [4, 4, 0, 0, 0, 0]),  // swapon
    (88, [4, 4, 4, 4, 0, 0]),  // reboot
    (91, [4, 4, 0, 0, 0, 0]),  // munmap
    (92, [4, 4, 0, 0, 0, 0]),  // truncate
    (93, [4, 4, 0, 0, 0, 0]),  // ftruncate
    (94, [4, 2, 0, 0, 0, 0]),  // fchmod
    (95, [4, 2, 2, 0, 0, 0]),  // fchown (sys_fchown16)
    (96, [4, 4, 0, 0, 0, 0]),  // getpriority
    (97, [4, 4, 4, 0, 0, 0]),  // setpriority
    (99, [4, 4, 0, 0, 0, 0]),  // statfs
    (100, [4, 4, 0, 0, 0, 0]), // fstatfs
    (103, [4, 4, 4, 0, 0, 0]), // syslog
    (104, [4, 4, 4, 0, 0, 0]), // setitimer
    (105, [4, 4, 0, 0, 0, 0]), // getitimer
    (106, [4, 4, 0, 0, 0, 0]), // stat (compat_sys_newstat)
    (107, [4, 4, 0, 0, 0, 0]), // lstat (compat_sys_newlstat)
    (108, [4, 4, 0, 0, 0, 0]), // fstat (compat_sys_newfstat)
    (111, [0, 0, 0, 0, 0, 0]), // vhangup
    (114, [4, 4, 4, 4, 0, 0]), // wait4
    (115, [4, 0, 0, 0, 0, 0]), // swapoff
    (116, [4, 0, 0, 0, 0, 0]), // sysinfo
    (118, [4, 0, 0, 0, 0, 0]), // fsync
    (119, [0, 0, 0, 0, 0, 0]), // sigreturn
    (120, [4, 4, 4, 4, 4, 0]), // clone
    (121, [4, 4, 0, 0, 0, 0]), // setdomainname
    (122, [4, 0, 0, 0, 0, 0]), // uname (sys_newuname)
    (124, [4, 0, 0, 0, 0, 0]), // adjtimex (sys_adjtimex_time32)
    (125, [4, 4, 4, 0, 0, 0]), // mprotect
    (126, [4, 4, 4, 0, 0, 0]), // sigprocmask
    (128, [4, 4, 4, 0, 0, 0]), // init_module
    (129, [4, 4, 0, 0, 0, 0]), // delete_module
    (131, [4, 4, 4, 4, 0, 0]), // quotactl
    (132, [4, 0, 0, 0, 0, 0]), // getpgid
    (133, [4, 0, 0, 0, 0, 0]), // fchdir
    (134, [0, 0, 0, 0, 0, 0]), // bdflush (sys_ni_syscall, declared only, in include/linux/syscalls.h)
    (135, [4, 4, 4, 0, 0, 0]), // sysfs
    (136, [4, 0, 0, 0, 0, 0]), // personality
    (138, [2, 0, 0, 0, 0, 0]), // setfsuid (sys_setfsuid16)
    (139, [2, 0, 0, 0, 0, 0]), // setfsgid (sys_setfsgid16)
    (140, [4, 4, 4, 4, 4, 0]), // _llseek (sys_llseek)
    (141, [4, 4, 4, 0, 0, 0]), // getdents
    (142, [4, 4, 4, 4, 4, 0]), // _newselect (compat_sys_select)
    (143, [4, 4, 0, 0, 0, 0]), // flock
    (144, [4, 4, 4, 0, 0, 0]), // msync
    (145, [4, 4, 4, 0, 0, 0]), // readv
    (146, [4, 4, 4, 0, 0, 0]), // writev
    (147, [4, 0, 0, 0, 0, 0]), // getsid
    (148, [4, 0, 0, 0, 0, 0]), // fdatasync
    (149, [0, 0, 0, 0, 0, 0]), // _sysctl (sys_ni_syscall, declared only, in include/linux/syscalls.h)
    (150, [4, 4, 0, 0, 0, 0]), // mlock
    (151, [4, 4, 0, 0, 0, 0]), // munlock
    (152, [4, 0, 0, 0, 0, 0]), // mlockall
    (153, [0, 0, 0, 0, 0, 0]), // munlockall
    (154, [4, 4, 0, 0, 0, 0]), // sched_setparam
    (155, [4, 4, 0, 0, 0, 0]), // sched_getparam
    (156, [4, 4, 4, 0, 0, 0]), // sched_setscheduler
    (157, [4, 0, 0, 0, 0, 0]), // sched_getscheduler
    (158, [0, 0, 0, 0, 0, 0]), // sched_yield
    (159, [4, 0, 0, 0, 0, 0]), // sched_get_priority_max
    (160, [4, 0, 0, 0, 0, 0]), // sched_get_priority_min
    (161, [4, 4, 0, 0, 0, 0]), // sched_rr_get_interval (sys_sched_rr_get_interval_time32)
    (162, [4, 4, 0, 0, 0, 0]), // nanosleep (sys_nanosleep_time32)
    (163, [4, 4, 4, 4, 4, 0]), // mremap
    (164, [2, 2, 2, 0, 0, 0]), // setresuid (sys_setresuid16)
    (165, [4, 4, 4, 0, 0, 0]), // getresuid (sys_getresuid16)
    (168, [4, 4, 4, 0, 0, 0]), // poll
    (169, [0, 0, 0, 0, 0, 0]), // nfsservctl (sys_ni_syscall, declared only, in include/linux/syscalls.h)
    (170, [2, 2, 2, 0, 0, 0]), // setresgid (sys_setresgid16)
    (171, [4, 4, 4, 0, 0, 0]), // getresgid (sys_getresgid16)
    (172, [4, 4, 4, 4, 4, 0]), // prctl
    (173, [0, 0, 0, 0, 0, 0]), // rt_sigreturn
    (174, [4, 4, 4, 4, 0, 0]), // rt_sigaction
    (175, [4, 4, 4, 4, 0, 0]), // rt_sigprocmask
    (176, [4, 4, 0, 0, 0, 0]), // rt_sigpending
    (177, [4, 4, 4, 4, 0, 0]), // rt_sigtimedwait (compat_sys_rt_sigtimedwait_time32)
    (178, [4, 4, 4, 0, 0, 0]), // rt_sigqueueinfo
    (179, [4, 4, 0, 0, 0, 0]), // rt_sigsuspend
    (180, [4, 4, 4, 4, 4, 4]), // pread64 (compat_sys_aarch32_pread64)
    (181, [4, 4, 4, 4, 4, 4]), // pwrite64 (compat_sys_aarch32_pwrite64)
    (182, [4, 2, 2, 0, 0, 0]), // chown (sys_chown16)
    (183, [4, 4, 0, 0, 0, 0]), // getcwd
    (184, [4, 4, 0, 0, 0, 0]), // capget
    (185, [4, 4, 0, 0, 0, 0]), // capset
    (186, [4, 4, 0, 0, 0, 0]), // sigaltstack
    (187, [4, 4, 4, 4, 0, 0]), // sendfile
    (190, [0, 0, 0, 0, 0, 0]), // vfork
    (191, [4, 4, 0, 0, 0, 0]), // ugetrlimit (compat_sys_getrlimit)
    (192, [4, 4, 4, 4, 4, 4]), // mmap2 (compat_sys_aarch32_mmap2)
    (193, [4, 4, 4, 4, 0, 0]), // truncate64 (compat_sys_aarch32_truncate64)
    (194, [4, 4, 4, 4, 0, 0]), // ftruncate64 (compat_sys_aarch32_ftruncate64)
    (195, [4, 4, 0, 0, 0, 0]), // stat64
    (196, [4, 4, 0, 0, 0, 0]), // lstat64
    (197, [4, 4, 0, 0, 0, 0]), // fstat64
    (198, [4, 4, 4, 0, 0, 0]), // lchown32 (sys_lchown)
    (199, [0, 0, 0, 0, 0, 0]), // getuid32 (sys_getuid)
    (200, [0, 0, 0, 0, 0, 0]), // getgid32 (sys_getgid)
    (201, [0, 0, 0, 0, 0, 0]), // geteuid32 (sys_geteuid)
    (202, [0, 0, 0, 0, 0, 0]), // getegid32 (sys_getegid)
    (203, [4, 4, 0, 0, 0, 0]), // setreuid32 (sys_setreuid)
    (204, [4, 4, 0, 0, 0, 0]), // setregid32 (sys_setregid)
    (205, [4, 4, 0, 0, 0, 0]), // getgroups32 (sys_getgroups)
    (206, [4, 4, 0, 0, 0, 0]), // setgroups32 (sys_setgroups)
    (207, [4, 4, 4, 0, 0, 0]), // fchown32 (sys_fchown)
    (208, [4, 4, 4, 0, 0, 0]), // setresuid32 (sys_setresuid)
    (209, [4, 4, 4, 0, 0, 0]), // getresuid32 (sys_getresuid)
    (210, [4, 4, 4, 0, 0, 0]), // setresgid32 (sys_setresgid)
    (211, [4, 4, 4, 0, 0, 0]), // getresgid32 (sys_getresgid)
    (212, [4, 4, 4, 0, 0, 0]), // chown32 (sys_chown)
    (213, [4, 0, 0, 0, 0, 0]), // setuid32 (sys_setuid)
    (214, [4, 0, 0, 0, 0, 0]), // setgid32 (sys_setgid)
    (215, [4, 0, 0, 0, 0, 0]), // setfsuid32 (sys_setfsuid)
    (216, [4, 0, 0, 0, 0, 0]), // setfsgid32 (sys_setfsgid)
    (217, [4, 4, 4, 0, 0, 0]), // getdents64
    (218, [4, 4, 0, 0, 0, 0]), // pivot_root
    (219, [4, 4, 4, 0, 0, 0]), // mincore
    (220, [4, 4, 4, 0, 0, 0]), // madvise
    (221, [4, 4, 4, 0, 0, 0]), // fcntl64
    (224, [0, 0, 0, 0, 0, 0]), // gettid
    (225, [4, 4, 4, 4, 4, 0]), // readahead (compat_sys_aarch32_readahead)
    (226, [4, 4, 4, 4, 4, 0]), // setxattr
    (227, [4, 4, 4, 4, 4, 0]), // lsetxattr
    (228, [4, 4, 4, 4, 4, 0]), // fsetxattr
    (229, [4, 4, 4, 4, 0, 0]), // getxattr
    (230, [4, 4, 4, 4, 0, 0]), // lgetxattr
    (231, [4, 4, 4, 4, 0, 0]), // fgetxattr
    (232, [4, 4, 4, 0, 0, 0]), // listxattr
    (233, [4, 4, 4, 0, 0, 0]), // llistxattr
    (234, [4, 4, 4, 0, 0, 0]), // flistxattr
    (235, [4, 4, 0, 0, 0, 0]), // removexattr
    (236, [4, 4, 0, 0, 0, 0]), // lremovexattr
    (237, [4, 4, 0, 0, 0, 0]), // fremovexattr
    (238, [4, 4, 0, 0, 0, 0]), // tkill
    (239, [4, 4, 4, 4, 0, 0]), // sendfile64
    (240, [4, 4, 4, 4, 4, 4]), // futex (sys_futex_time32)
    (241, [4, 4, 4, 0, 0, 0]), // sched_setaffinity
    (242, [4, 4, 4, 0, 0, 0]), // sched_getaffinity
    (243, [4, 4, 0, 0, 0, 0]), // io_setup
    (244, [4, 0, 0, 0, 0, 0]), // io_destroy
    (245, [4, 4, 4, 4, 4, 0]), // io_getevents (sys_io_getevents_time32)
    (246, [4, 4, 4, 0, 0, 0]), // io_submit
    (247, [4, 4, 4, 0, 0, 0]), // io_cancel
    (248, [4, 0, 0, 0, 0, 0]), // exit_group
    (249, [0, 0, 0, 0, 0, 0]), // lookup_dcookie (sys_ni_syscall, declared only, in include/linux/syscalls.h)
    (250, [4, 0, 0, 0, 0, 0]), // epoll_create
    (251, [4, 4, 4, 4, 0, 0]), // epoll_ctl
    (252, [4, 4, 4, 4, 0, 0]), // epoll_wait
    (253, [4, 4, 4, 4, 4, 0]), // remap_file_pages
    (256, [4, 0, 0, 0, 0, 0]), // set_tid_address
    (257, [4, 4, 4, 0, 0, 0]), // timer_create
    (258, [4, 4, 4, 4, 0, 0]), // timer_settime (sys_timer_settime32)
    (259, [4, 4, 0, 0, 0, 0]), // timer_gettime (sys_timer_gettime32)
    (260, [4, 0, 0, 0, 0, 0]), // timer_getoverrun
    (261, [4, 0, 0, 0, 0, 0]), // timer_delete
    (262, [4, 4, 0, 0, 0, 0]), // clock_settime (sys_clock_settime32)
    (263, [4, 4, 0, 0, 0, 0]), // clock_gettime (sys_clock_gettime32)
    (264, [4, 4, 0, 0, 0, 0]), // clock_getres (sys_clock_getres_time32)
    (265, [4, 4, 4, 4, 0, 0]), // clock_nanosleep (sys_clock_nanosleep_time32)
    (266, [4, 4, 4, 0, 0, 0]), // statfs64 (compat_sys_aarch32_statfs64)
    (267, [4, 4, 4, 0, 0, 0]), // fstatfs64 (compat_sys_aarch32_fstatfs64)
    (268, [4, 4, 4, 0, 0, 0]), // tgkill
    (269, [4, 4, 0, 0, 0, 0]), // utimes (sys_utimes_time32)
    (270, [4, 4, 4, 4, 4, 4]), // arm_fadvise64_64 (compat_sys_aarch32_fadvise64_64)
    (271, [4, 4, 4, 0, 0, 0]), // pciconfig_iobase (declared only, in include/linux/syscalls.h)
    (272, [4, 4, 4, 4, 4, 0]), // pciconfig_read
    (273, [4, 4, 4, 4, 4, 0]), // pciconfig_write
    (274, [4, 4, 2, 4, 0, 0]), // mq_open
    (275, [4, 0, 0, 0, 0, 0]), // mq_unlink
    (276, [4, 4, 4, 4, 4, 0]), // mq_timedsend (sys_mq_timedsend_time32)
    (277, [4, 4, 4, 4, 4, 0]), // mq_timedreceive (sys_mq_timedreceive_time32)
    (278, [4, 4, 0, 0, 0, 0]), // mq_notify
    (279, [4, 4, 4, 0, 0, 0]), // mq_getsetattr
    (280, [4, 4, 4, 4, 4, 0]), // waitid
    (281, [4, 4, 4, 0, 0, 0]), // socket
    (282, [4, 4, 4, 0, 0, 0]), // bind
    (283, [4, 4, 4, 0, 0, 0]), // connect
    (284, [4, 4, 0, 0, 0, 0]), // listen
    (285, [4, 4, 4, 0, 0, 0]), // accept
    (286, [4, 4, 4, 0, 0, 0]), // getsockname
    (287, [4, 4, 4, 0, 0, 0]), // getpeername
    (288, [4, 4, 4, 4, 0, 0]), // socketpair
    (289, [4, 4, 4, 4, 0, 0]), // send
    (290, [4, 4, 4, 4, 4, 4]), // sendto
    (291, [4, 4, 4, 4, 0, 0]), // recv
    (292, [4, 4, 4, 4, 4, 4]), // recvfrom
    (293, [4, 4, 0, 0, 0, 0]), // shutdown
    (294, [4, 4, 4, 4, 4, 0]), // setsockopt
    (295, [4, 4, 4, 4, 4, 0]), // getsockopt
    (296, [4, 4, 4, 0, 0, 0]), // sendmsg
    (297, [4, 4, 4, 0, 0, 0]), // recvmsg
    (298, [4, 4, 4, 0, 0, 0]), // semop
    (299, [4, 4, 4, 0, 0, 0]), // semget
    (300, [4, 4, 4, 4, 0, 0]), // semctl (compat_sys_old_semctl)
    (301, [4, 4, 4, 4, 0, 0]), // msgsnd
    (302, [4, 4, 4, 4, 4, 0]), // msgrcv
    (303, [4, 4, 0, 0, 0, 0]), // msgget
    (304, [4, 4, 4, 0, 0, 0]), // msgctl (compat_sys_old_msgctl)
    (305, [4, 4, 4, 0, 0, 0]), // shmat
    (306, [4, 0, 0, 0, 0, 0]), // shmdt
    (307, [4, 4, 4, 0, 0, 0]), // shmget
    (308, [4, 4, 4, 0, 0, 0]), // shmctl (compat_sys_old_shmctl)
    (309, [4, 4, 4, 4, 4, 0]), // add_key
    (310, [4, 4, 4, 4, 0, 0]), // request_key
    (311, [4, 4, 4, 4, 4, 0]), // keyctl
    (312, [4, 4, 4, 4, 0, 0]), // semtimedop (sys_semtimedop_time32)
    (313, [0, 0, 0, 0, 0, 0]), // vserver (sys_ni_syscall, declared only, in include/linux/syscalls.h)
    (314, [4, 4, 4, 0, 0, 0]), // ioprio_set
    (315, [4, 4, 0, 0, 0, 0]), // ioprio_get
    (316, [0, 0, 0, 0, 0, 0]), // inotify_init
    (317, [4, 4, 4, 0, 0, 0]), // inotify_add_watch
    (318, [4, 4, 0, 0, 0, 0]), // inotify_rm_watch
    (319, [4, 4, 4, 4, 4, 4]), // mbind
    (320, [4, 4, 4, 4, 4, 0]), // get_mempolicy
    (321, [4, 4, 4, 0, 0, 0]), // set_mempolicy
    (322, [4, 4, 4, 2, 0, 0]), // openat
    (323, [4, 4, 2, 0, 0, 0]), // mkdirat
    (324, [4, 4, 2, 4, 0, 0]), // mknodat
    (325, [4, 4, 4, 4, 4, 0]), // fchownat
    (326, [4, 4, 4, 0, 0, 0]), // futimesat (sys_futimesat_time32)
    (327, [4, 4, 4, 4, 0, 0]), // fstatat64
    (328, [4, 4, 4, 0, 0, 0]), // unlinkat
    (329, [4, 4, 4, 4, 0, 0]), // renameat
    (330, [4, 4, 4, 4, 4, 0]), // linkat
    (331, [4, 4, 4, 0, 0, 0]), // symlinkat
    (332, [4, 4, 4, 4, 0, 0]), // readlinkat
    (333, [4, 4, 2, 0, 0, 0]), // fchmodat
    (334, [4, 4, 4, 0, 0, 0]), // faccessat
    (335, [4, 4, 4, 4, 4, 4]), // pselect6 (compat_sys_pselect6_time32)
    (336, [4, 4, 4, 4, 4, 0]), // ppoll (compat_sys_ppoll_time32)
    (337, [4, 0, 0, 0, 0, 0]), // unshare
    (338, [4, 4, 0, 0, 0, 0]), // set_robust_list
    (339, [4, 4, 4, 0, 0, 0]), // get_robust_list
    (340, [4, 4, 4, 4, 4, 4]), // splice
    (341, [4, 4, 4, 4, 4, 4]), // arm_sync_file_range (compat_sys_aarch32_sync_file_range2)
    (342, [4, 4, 4, 4, 0, 0]), // tee
    (343, [4, 4, 4, 4, 0, 0]), // vmsplice
    (344, [4, 4, 4, 4, 4, 4]), // move_pages
    (345, [4, 4, 4, 0, 0, 0]), // getcpu
    (346, [4, 4, 4, 4, 4, 4]), // epoll_pwait
    (347, [4, 4, 4, 4, 0, 0]), // kexec_load
    (348, [4, 4, 4, 4, 0, 0]), // utimensat (sys_utimensat_time32)
    (349, [4, 4, 4, 0, 0, 0]), // signalfd
    (350, [4, 4, 0, 0, 0, 0]), // timerfd_create
    (351, [4, 0, 0, 0, 0, 0]), // eventfd
    (352, [4, 4, 4, 4, 4, 4]), // fallocate (compat_sys_aarch32_fallocate)
    (353, [4, 4, 4, 4, 0, 0]), // timerfd_settime (sys_timerfd_settime32)
    (354, [4, 4, 0, 0, 0, 0]), // timerfd_gettime (sys_timerfd_gettime32)
    (355, [4, 4, 4, 4, 0, 0]), // signalfd4
    (356, [4, 4, 0, 0, 0, 0]), // eventfd2
    (357, [4, 0, 0, 0, 0, 0]), // epoll_create1
    (358, [4, 4, 4, 0, 0, 0]), // dup3
    (359, [4, 4, 0, 0, 0, 0]), // pipe2
    (360, [4, 0, 0, 0, 0, 0]), // inotify_init1
    (361, [4, 4, 4, 4, 4, 0]), // preadv
    (362, [4, 4, 4, 4, 4, 0]), // pwritev
    (363, [4, 4, 4, 4, 0, 0]), // rt_tgsigqueueinfo
    (364, [4, 4, 4, 4, 4, 0]), // perf_event_open
    (365, [4, 4, 4, 4, 4, 0]), // recvmmsg (compat_sys_recvmmsg_time32)
    (366, [4, 4, 4, 4, 0, 0]), // accept4
    (367, [4, 4, 0, 0, 0, 0]), // fanotify_init
    (368, [4, 4, 4, 4, 4, 4]), // fanotify_mark
    (369, [4, 4, 4, 4, 0, 0]), // prlimit64
    (370, [4, 4, 4, 4, 4, 0]), // name_to_handle_at
    (371, [4, 4, 4, 0, 0, 0]), // open_by_handle_at
    (372, [4, 4, 0, 0, 0, 0]), // clock_adjtime (sys_clock_adjtime32)
    (373, [4, 0, 0, 0, 0, 0]), // syncfs
    (374, [4, 4, 4, 4, 0, 0]), // sendmmsg
    (375, [4, 4, 0, 0, 0, 0]), // setns
    (376, [4, 4, 4, 4, 4, 4]), // process_vm_readv
    (377, [4, 4, 4, 4, 4, 4]), // process_vm_writev
    (378, [4, 4, 4, 4, 4, 0]), // kcmp
    (379, [4, 4, 4, 0, 0, 0]), // finit_module
    (380, [4, 4, 4, 0, 0, 0]), // sched_setattr
    (381, [4, 4, 4, 4, 0, 0]), // sched_getattr
    (382, [4, 4, 4, 4, 4, 0]), // renameat2
    (383, [4, 4, 4, 0, 0, 0]), // seccomp
    (384, [4, 4, 4, 0, 0, 0]), // getrandom
    (385, [4, 4, 0, 0, 0, 0]), // memfd_create
    (386, [4, 4, 4, 4, 4, 0]), // bpf
    (387, [4, 4, 4, 4, 4, 0]), // execveat
    (388, [4, 0, 0, 0, 0, 0]), // userfaultfd
    (389, [4, 4, 4, 0, 0, 0]), // membarrier
    (390, [4, 4, 4, 0, 0, 0]), // mlock2
    (391, [4, 4, 4, 4, 4, 4]), // copy_file_range
    (392, [4, 4, 4, 4, 4, 4]), // preadv2
    (393, [4, 4, 4, 4, 4, 4]), // pwritev2
    (394, [4, 4, 4, 4, 0, 0]), // pkey_mprotect
    (395, [4, 4, 0, 0, 0, 0]), // pkey_alloc
    (396, [4, 0, 0, 0, 0, 0]), // pkey_free
    (397, [4, 4, 4, 4, 4, 0]), // statx
    (398, [4, 4, 4, 4, 0, 0]), // rseq
    (399, [4, 4, 4, 4, 4, 4]), // io_pgetevents
    (400, [4, 4, 4, 4, 0, 0]), // migrate_pages
    (401, [4, 4, 4, 4, 4, 0]), // kexec_file_load
    (403, [4, 4, 0, 0, 0, 0]), // clock_gettime64 (sys_clock_gettime)
    (404, [4, 4, 0, 0, 0, 0]), // clock_settime64 (sys_clock_settime)
    (405, [4, 4, 0, 0, 0, 0]), // clock_adjtime64 (sys_clock_adjtime)
    (406, [4, 4, 0, 0, 0, 0]), // clock_getres_time64 (sys_clock_getres)
    (407, [4, 4, 4, 4, 0, 0]), // clock_nanosleep_time64 (sys_clock_nanosleep)
    (408, [4, 4, 0, 0, 0, 0]), // timer_gettime64 (sys_timer_gettime)
    (409, [4, 4, 4, 4, 0, 0]), // timer_settime64 (sys_timer_settime)
    (410, [4, 4, 0, 0, 0, 0]), // timerfd_gettime64 (sys_timerfd_gettime)
    (411, [4, 4, 4, 4, 0, 0]), // timerfd_settime64 (sys_timerfd_settime)
    (412, [4, 4, 4, 4, 0, 0]), // utimensat_time64 (sys_utimensat)
    (413, [4, 4, 4, 4, 4, 4]), // pselect6_time64
    (414, [4, 4, 4, 4, 4, 0]), // ppoll_time64
    (416, [4, 4, 4, 4, 4, 4]), // io_pgetevents_time64
    (417, [4, 4, 4, 4, 4, 0]), // recvmmsg_time64
    (418, [4, 4, 4, 4, 4, 0]), // mq_timedsend_time64 (sys_mq_timedsend)
    (419, [4, 4, 4, 4, 4, 0]), // mq_timedreceive_time64 (sys_mq_timedreceive)
    (420, [4, 4, 4, 4, 0, 0]), // semtimedop_time64 (sys_semtimedop)
    (421, [4, 4, 4, 4, 0, 0]), // rt_sigtimedwait_time64
    (422, [4, 4, 4, 4, 4, 4]), // futex_time64 (sys_futex)
    (423, [4, 4, 0, 0, 0, 0]), // sched_rr_get_interval_time64 (sys_sched_rr_get_interval)
    (424, [4, 4, 4, 4, 0, 0]), // pidfd_send_signal
    (425, [4, 4, 0, 0, 0, 0]), // io_uring_setup
    (426, [4, 4, 4, 4, 4, 4]), // io_uring_enter
    (427, [4, 4, 4, 4, 0, 0]), // io_uring_register
    (428, [4, 4, 4, 0, 0, 0]), // open_tree
    (429, [4, 4, 4, 4, 4, 0]), // move_mount
    (430, [4, 4, 0, 0, 0, 0]), // fsopen
    (431, [4, 4, 4, 4, 4, 0]), // fsconfig
    (432, [4, 4, 4, 0, 0, 0]), // fsmount
    (433, [4, 4, 4, 0, 0, 0]), // fspick
    (434, [4, 4, 0, 0, 0, 0]), // pidfd_open
    (435, [4, 4, 0, 0, 0, 0]), // clone3
    (436, [4, 4, 4, 0, 0, 0]), // close_range
    (437, [4, 4, 4, 4, 0, 0]), // openat2
    (438, [4, 4, 4, 0, 0, 0]), // pidfd_getfd
    (439, [4, 4, 4, 4, 0, 0]), // faccessat2
    (440, [4, 4, 4, 4, 4, 0]), // process_madvise
    (441, [4, 4, 4, 4, 4, 4]), // epoll_pwait2
    (442, [4, 4, 4, 4, 4, 0]), // mount_setattr
    (443, [4, 4, 4, 4, 0, 0]), // quotactl_fd
    (444, [4, 4, 4, 0, 0, 0]), // landlock_create_ruleset
    (445, [4, 4, 4, 4, 0, 0]), // landlock_add_rule
    (446, [4, 4, 0, 0, 0, 0]), // landlock_restrict_self
    (448, [4, 4, 0, 0, 0, 0]), // process_mrelease
    (449, [4, 4, 4, 4, 4, 0]), // futex_waitv
    (450, [4, 4, 4, 4, 0, 0]), // set_mempolicy_home_node
    (451, [4, 4, 4, 4, 0, 0]), // cachestat
    (452, [4, 4, 2, 4, 0, 0]), // fchmodat2
    (453, [4, 4, 4, 0, 0, 0]), // map_shadow_stack
    (454, [4, 4, 4, 4, 0, 0]), // futex_wake
    (455, [4, 4, 4, 4, 4, 4]), // futex_wait
    (456, [4, 4, 4, 4, 0, 0]), // futex_requeue
    (457, [4, 4, 4, 4, 0, 0]), // statmount
    (458, [4, 4, 4, 4, 0, 0]), // listmount
    (459, [4, 4, 4, 4, 0, 0]), // lsm_get_self_attr
    (460, [4, 4, 4, 4, 0, 0]), // lsm_set_self_attr
    (461, [4, 4, 4, 0, 0, 0]), // lsm_list_modules
    (462, [4, 4, 4, 0, 0, 0]), // mseal
    (463, [4, 4, 4, 4, 4, 4]), // setxattrat
    (464, [4, 4, 4, 4, 4, 4]), // getxattrat
    (465, [4, 4, 4, 4, 4, 0]), // listxattrat
    (466, [4, 4, 4, 4, 0, 0]), // removexattrat
    (467, [4, 4, 4, 4, 4, 0]), // open_tree_attr
    (468, [4, 4, 4, 4, 4, 0]), // file_getattr
    (469, [4, 4, 4, 4, 4, 0]), // file_setattr
    (470, [4, 4, 4, 4, 0, 0]), // listns
    (471, [0, 0, 0, 0, 0, 0]), // rseq_slice_yield
];
