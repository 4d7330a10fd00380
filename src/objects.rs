// SPDX-License-Identifier: GPL-2.0

//! The static object rules: which objects a confined process may not open,
//! whom it may not reach through the kernel's ptrace access checks, and
//! which socket families it may not create.
//!
//! A syscall table says which calls run; it cannot say what `open` opens.
//! `open` + `write` on `/proc/<pid>/mem` does what `ptrace` does, a write to
//! `/proc/sys/kernel/modprobe` reconfigures the kernel, `/dev/kmsg` forges
//! log lines. These rules are checked on the object itself, from the
//! kernel's LSM entry points (`security_file_open`, `security_socket_create`,
//! `security_ptrace_access_check`; see `rust/sm_objects.c`), after the path
//! has been resolved, so no path trick and no other thread can change what
//! is checked. Like the tables they are static and the same for modes 1
//! and 2; `docs/tables.md` argues each one. Pure functions of their
//! arguments, so that KUnit checks every case.

/// `S_IFMT` and the two device types of `i_mode`.
pub(crate) const S_IFMT: u32 = 0o170000;
/// Character device.
pub(crate) const S_IFCHR: u32 = 0o020000;
/// Block device.
pub(crate) const S_IFBLK: u32 = 0o060000;

/// The character devices a confined process may open, as (major, minor):
/// `/dev/null`, `/dev/zero`, `/dev/full`, `/dev/random`, `/dev/urandom`.
/// Nothing else: `/dev/kmsg` (1:11) forges log lines, `/dev/mem` (1:1),
/// `/dev/port` (1:4) and `/dev/kmem` reach hardware and kernel memory,
/// ttys take `TIOCSTI`-style input and terminals that are not the daemon's.
pub(crate) const CHARDEV_ALLOW: [(u32, u32); 5] = [(1, 3), (1, 5), (1, 7), (1, 8), (1, 9)];

/// A kernel-control file system (by `s_magic`): what a confined process may
/// do there.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum FsRule {
    /// Reading is fine (libcs and Rust's std read `/proc/self/*`,
    /// `/sys/devices/system/cpu/*`, cgroup limits); opening for writing is
    /// refused.
    ReadOnly,
    /// Any open is refused.
    NoAccess,
}

/// Kernel-control file systems: magic, name in log lines, rule.
pub(crate) const CONTROL_FS: [(u32, &str, FsRule); 15] = [
    (0x9fa0, "procfs", FsRule::ReadOnly),
    (0x6265_6572, "sysfs", FsRule::ReadOnly),
    (0x0027_e0eb, "cgroup", FsRule::ReadOnly),
    (0x6367_7270, "cgroup2", FsRule::ReadOnly),
    (0x6462_6720, "debugfs", FsRule::NoAccess),
    (0x7472_6163, "tracefs", FsRule::NoAccess),
    (0x7363_6673, "securityfs", FsRule::NoAccess),
    (0x6265_6570, "configfs", FsRule::NoAccess),
    (0xcafe_4a11, "bpffs", FsRule::NoAccess),
    (0x4249_4e4d, "binfmt_misc", FsRule::NoAccess),
    (0x6165_676c, "pstore", FsRule::NoAccess),
    (0xde5e_81e4, "efivarfs", FsRule::NoAccess),
    (0xf97c_ff8c, "selinuxfs", FsRule::NoAccess),
    (0x4341_5d53, "smackfs", FsRule::NoAccess),
    (0x6573_5543, "fusectl", FsRule::NoAccess),
];

/// `S_IFREG`.
pub(crate) const S_IFREG: u32 = 0o100000;

/// Mode bits of a regular file that a confined process may not write to:
/// programs (and set-id programs) other processes run. Together with the
/// mode check on file creation, nothing it writes becomes or stays
/// executable.
pub(crate) const EXEC_BITS: u32 = 0o7111;

/// procfs's magic.
pub(crate) const PROC_SUPER_MAGIC: u32 = 0x9fa0;

/// Top-level procfs files that are refused even for reading: kernel memory
/// (`kcore`), the kernel log, which reading consumes (`kmsg`), and physical
/// page state (`kpage*`, an aid to Rowhammer-style attacks).
pub(crate) const PROC_NO_READ: [&str; 5] =
    ["kcore", "kmsg", "kpagecount", "kpageflags", "kpagecgroup"];

/// What the open check knows about a file being opened.
#[derive(Clone, Copy, Debug)]
pub(crate) struct OpenFacts<'a> {
    /// The file system's `s_magic`.
    pub(crate) magic: u32,
    /// The inode's `i_mode`.
    pub(crate) mode: u32,
    /// The device number of a device inode.
    pub(crate) major: u32,
    /// The device number of a device inode.
    pub(crate) minor: u32,
    /// Opened for writing (`FMODE_WRITE`).
    pub(crate) write: bool,
    /// For a file directly under procfs's root: its name.
    pub(crate) proc_top_name: Option<&'a [u8]>,
    /// A procfs file of another process (`/proc/<pid>/...` with a pid that
    /// is not one of the caller's threads).
    pub(crate) proc_other_process: bool,
}

/// Why an open is refused; printed as `open=<this>` in the log line.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum OpenRefusal {
    /// A character device outside [`CHARDEV_ALLOW`].
    CharDev(u32, u32),
    /// Any block device.
    BlockDev(u32, u32),
    /// Writing on a [`FsRule::ReadOnly`] file system.
    FsWrite(&'static str),
    /// Any access to a [`FsRule::NoAccess`] file system.
    Fs(&'static str),
    /// One of [`PROC_NO_READ`].
    ProcFile(&'static str),
    /// Writing to a regular file with an execute, set-id or sticky bit.
    ExecWrite,
    /// A file of another process's `/proc/<pid>/` directory.
    ProcOtherProcess,
}

/// The rule for opening the file described by `f` in a confined process:
/// `None` = allowed.
pub(crate) fn open_verdict(f: &OpenFacts<'_>) -> Option<OpenRefusal> {
    match f.mode & S_IFMT {
        S_IFCHR if !CHARDEV_ALLOW.contains(&(f.major, f.minor)) => {
            return Some(OpenRefusal::CharDev(f.major, f.minor));
        }
        S_IFBLK => return Some(OpenRefusal::BlockDev(f.major, f.minor)),
        _ => {}
    }
    if f.mode & S_IFMT == S_IFREG && f.write && f.mode & EXEC_BITS != 0 {
        return Some(OpenRefusal::ExecWrite);
    }
    let (_, name, rule) = CONTROL_FS.iter().find(|(m, _, _)| *m == f.magic)?;
    match rule {
        FsRule::NoAccess => return Some(OpenRefusal::Fs(name)),
        FsRule::ReadOnly if f.write => return Some(OpenRefusal::FsWrite(name)),
        FsRule::ReadOnly => {}
    }
    if f.magic == PROC_SUPER_MAGIC {
        // Other processes are not the confined process's business: their
        // `environ`, `auxv` and `pagemap` are even readable without a ptrace
        // check by a caller with CAP_PERFMON (`may_access_mm()`), and
        // `cmdline` shows their arguments.
        if f.proc_other_process {
            return Some(OpenRefusal::ProcOtherProcess);
        }
        if let Some(top) = f.proc_top_name {
            if let Some(n) = PROC_NO_READ.iter().find(|n| n.as_bytes() == top) {
                return Some(OpenRefusal::ProcFile(n));
            }
        }
    }
    None
}

/// The capabilities a confined process keeps (if it has them): what a
/// daemon running as root uses on its files and ports — `CAP_CHOWN`,
/// `CAP_DAC_OVERRIDE`, `CAP_DAC_READ_SEARCH`, `CAP_FOWNER`, `CAP_SETGID`,
/// `CAP_SETUID`, `CAP_NET_BIND_SERVICE` (vsftpd's active-mode port 20),
/// `CAP_IPC_LOCK`, `CAP_SYS_CHROOT`, `CAP_SYS_RESOURCE`, `CAP_AUDIT_WRITE`.
/// Every other one is refused: `CAP_NET_ADMIN` (netfilter, routes, interfaces
/// through socket options), `CAP_NET_RAW` (raw and packet sockets),
/// `CAP_SYS_ADMIN`, `CAP_SYS_RAWIO`, `CAP_SYS_MODULE`, `CAP_SYS_PTRACE`,
/// `CAP_PERFMON` (another process's memory maps past the ptrace check),
/// `CAP_SYSLOG` (kernel addresses in `/proc/kallsyms`), `CAP_FSETID`,
/// `CAP_KILL`, `CAP_MKNOD`, `CAP_BPF`, ...
pub(crate) const CAPS_KEPT: [i32; 11] = [0, 1, 2, 3, 6, 7, 10, 14, 18, 24, 29];

/// Whether a confined process may use capability `cap`.
pub(crate) fn capability_kept(cap: i32) -> bool {
    CAPS_KEPT.contains(&cap)
}

/// `AF_UNIX`, `AF_INET`, `AF_INET6`: the families a network daemon needs,
/// as systemd's `RestrictAddressFamilies=` recommends. Netlink reconfigures
/// the network (and more), packet sockets sniff and forge, and every other
/// family is attack surface a daemon does not use; an unknown family would
/// also trigger a module autoload.
pub(crate) const SOCKET_FAMILIES: [i32; 3] = [1, 2, 10];

/// Whether a confined process may create a socket of `family` (sockets the
/// kernel creates for itself are not checked).
pub(crate) fn socket_allowed(family: i32) -> bool {
    SOCKET_FAMILIES.contains(&family)
}
