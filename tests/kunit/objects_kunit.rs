// SPDX-License-Identifier: GPL-2.0

//! KUnit suite for the static object rules (`src/objects.rs`): devices,
//! kernel-control file systems, procfs files, socket families; and the wait
//! for fork probes that keeps forks racing a prctl from escaping it.

use kernel::prelude::*;

#[kunit_tests(seccomp_mode_objects)]
mod tests {
    use crate::objects::{
        capability_kept, open_verdict, socket_allowed, OpenFacts, OpenRefusal, CONTROL_FS, S_IFBLK,
        S_IFCHR,
    };

    const S_IFREG: u32 = 0o100000;
    const S_IFDIR: u32 = 0o040000;
    const TMPFS: u32 = 0x0102_1994;
    const PROC: u32 = 0x9fa0;
    const SYSFS: u32 = 0x6265_6572;
    const DEBUGFS: u32 = 0x6462_6720;

    fn file(magic: u32, mode: u32, write: bool) -> OpenFacts<'static> {
        OpenFacts {
            magic,
            mode,
            major: 0,
            minor: 0,
            write,
            proc_top_name: None,
            proc_other_process: false,
        }
    }

    fn dev(mode: u32, major: u32, minor: u32, write: bool) -> OpenFacts<'static> {
        OpenFacts {
            magic: TMPFS,
            mode: mode | 0o666,
            major,
            minor,
            write,
            proc_top_name: None,
            proc_other_process: false,
        }
    }

    /// A fork probe runs in a preemptible SRCU read-side section (7.2's
    /// tracepoints): the prctl's wait before it adopts racing children must
    /// outlast a probe preempted there, or a racing child marked late is
    /// left unconfined (`synchronize_rcu()` alone would not wait).
    #[test]
    fn wait_for_fork_probes_outlasts_a_preempted_probe() {
        assert!(crate::objects_ffi::wait_fork_probes_covers_a_sleeping_probe());
    }

    #[test]
    fn only_five_character_devices() {
        for (ma, mi) in [(1, 3), (1, 5), (1, 7), (1, 8), (1, 9)] {
            assert_eq!(open_verdict(&dev(S_IFCHR, ma, mi, true)), None);
        }
        // kmsg, mem, port, tty, ttyS0, ptmx, a made-up device.
        for (ma, mi) in [(1, 11), (1, 1), (1, 4), (5, 0), (4, 64), (5, 2), (250, 3)] {
            assert_eq!(
                open_verdict(&dev(S_IFCHR, ma, mi, false)),
                Some(OpenRefusal::CharDev(ma, mi))
            );
        }
    }

    #[test]
    fn no_block_device() {
        // Whatever its number: 1:3 is null as a character device only.
        for (ma, mi) in [(1, 0), (1, 3), (8, 0), (7, 0)] {
            assert_eq!(
                open_verdict(&dev(S_IFBLK, ma, mi, false)),
                Some(OpenRefusal::BlockDev(ma, mi))
            );
        }
    }

    #[test]
    fn control_file_systems() {
        // Writing is refused on every one of them.
        for (magic, _, _) in CONTROL_FS {
            assert!(open_verdict(&file(magic, S_IFREG | 0o644, true)).is_some());
        }
        assert_eq!(open_verdict(&file(PROC, S_IFREG, false)), None);
        assert_eq!(open_verdict(&file(SYSFS, S_IFREG, false)), None);
        assert_eq!(
            open_verdict(&file(PROC, S_IFREG, true)),
            Some(OpenRefusal::FsWrite("procfs"))
        );
        assert_eq!(
            open_verdict(&file(SYSFS, S_IFREG, true)),
            Some(OpenRefusal::FsWrite("sysfs"))
        );
        assert_eq!(
            open_verdict(&file(DEBUGFS, S_IFDIR, false)),
            Some(OpenRefusal::Fs("debugfs"))
        );
        // Ordinary file systems are the daemon's business (and its uid's).
        assert_eq!(open_verdict(&file(TMPFS, S_IFREG, true)), None);
        assert_eq!(open_verdict(&file(0xef53, S_IFREG, true)), None);
    }

    #[test]
    fn procfs_kernel_files() {
        let top = |name: &'static [u8]| OpenFacts {
            proc_top_name: Some(name),
            ..file(PROC, S_IFREG | 0o400, false)
        };
        for name in ["kcore", "kmsg", "kpagecount", "kpageflags", "kpagecgroup"] {
            assert_eq!(
                open_verdict(&top(name.as_bytes())),
                Some(OpenRefusal::ProcFile(name))
            );
        }
        for name in [&b"meminfo"[..], b"cpuinfo", b"kcor", b"kmsg2", b"", b"stat"] {
            assert_eq!(open_verdict(&top(name)), None);
        }
        // Only right under the root: a process's own "kmsg"-named file is
        // not the kernel's.
        assert_eq!(open_verdict(&file(PROC, S_IFREG, false)), None);
    }

    #[test]
    fn other_processes_proc_files() {
        let other = |write| OpenFacts {
            proc_other_process: true,
            ..file(PROC, S_IFREG | 0o444, write)
        };
        assert_eq!(
            open_verdict(&other(false)),
            Some(OpenRefusal::ProcOtherProcess)
        );
        // Writing is refused whoever the file belongs to.
        assert_eq!(
            open_verdict(&other(true)),
            Some(OpenRefusal::FsWrite("procfs"))
        );
        // The flag means nothing outside procfs.
        assert_eq!(
            open_verdict(&OpenFacts {
                proc_other_process: true,
                ..file(TMPFS, S_IFREG, false)
            }),
            None
        );
    }

    #[test]
    fn no_writing_to_programs() {
        for mode in [
            0o755u32,
            0o700,
            0o711,
            0o644 | 0o4000,
            0o644 | 0o2000,
            0o1644,
            0o100,
        ] {
            assert_eq!(
                open_verdict(&file(TMPFS, S_IFREG | mode, true)),
                Some(OpenRefusal::ExecWrite)
            );
            // Reading (and running, elsewhere) is the file's business.
            assert_eq!(open_verdict(&file(TMPFS, S_IFREG | mode, false)), None);
        }
        for mode in [0o644u32, 0o600, 0o666, 0o000] {
            assert_eq!(open_verdict(&file(TMPFS, S_IFREG | mode, true)), None);
        }
        // Directories' x bits are search permission.
        assert_eq!(open_verdict(&file(TMPFS, S_IFDIR | 0o755, false)), None);
    }

    #[test]
    fn capabilities_kept() {
        // CHOWN, DAC_OVERRIDE, DAC_READ_SEARCH, FOWNER, SETGID, SETUID,
        // NET_BIND_SERVICE, IPC_LOCK, SYS_CHROOT, SYS_RESOURCE, AUDIT_WRITE.
        for cap in [0, 1, 2, 3, 6, 7, 10, 14, 18, 24, 29] {
            assert!(capability_kept(cap));
        }
        // FSETID, KILL, SETPCAP, NET_ADMIN, NET_RAW, SYS_MODULE, SYS_RAWIO,
        // SYS_PTRACE, SYS_ADMIN, MKNOD, SYSLOG, PERFMON, BPF,
        // CHECKPOINT_RESTORE, unknown.
        for cap in [
            4, 5, 8, 12, 13, 16, 17, 19, 21, 27, 34, 38, 39, 40, 41, 63, -1,
        ] {
            assert!(!capability_kept(cap));
        }
    }

    #[test]
    fn socket_families() {
        for family in [1, 2, 10] {
            assert!(socket_allowed(family));
        }
        // AF_UNSPEC, AF_NETLINK, AF_PACKET, AF_KEY, AF_ALG, AF_VSOCK,
        // unknown and negative families.
        for family in [0, 16, 17, 15, 38, 40, 46, 1000, -1] {
            assert!(!socket_allowed(family));
        }
    }
}
