// SPDX-License-Identifier: GPL-2.0

//! KUnit suite for the static tables of every ABI.

use kernel::prelude::*;

#[kunit_tests(seccomp_mode_tables)]
mod tests {
    use crate::tables::{tables, Abi, AbiTables, Sys};

    const ABIS: [Abi; 4] = [Abi::X86_64, Abi::Ia32, Abi::Arm64, Abi::Arm];

    fn all() -> impl Iterator<Item = (Abi, &'static AbiTables)> {
        ABIS.into_iter()
            .filter_map(|abi| tables(abi).map(|t| (abi, t)))
    }

    fn nr_of(list: &[Sys], name: &str) -> Option<u32> {
        list.iter().find(|s| s.name == name).map(|s| s.nr)
    }

    #[test]
    fn tables_exist_for_every_abi_but_x32() {
        assert_eq!(all().count(), 4);
        assert!(tables(Abi::X32).is_none());
    }

    #[test]
    fn mode1_is_the_kernel_strict_list() {
        // kernel/seccomp.c mode1_syscalls and the compat lists of
        // arch/x86/include/asm/seccomp.h and arch/arm64/include/asm/seccomp.h.
        let want: [(Abi, &[u32]); 4] = [
            (Abi::X86_64, &[0, 1, 15, 60, 335, 336]),
            (Abi::Ia32, &[1, 3, 4, 119]),
            (Abi::Arm64, &[63, 64, 93, 139]),
            (Abi::Arm, &[1, 3, 4, 173]),
        ];
        for (abi, nrs) in want {
            let t = tables(abi);
            assert!(t.is_some());
            if let Some(t) = t {
                assert_eq!(t.mode1.len(), nrs.len());
                for (row, nr) in t.mode1.iter().zip(nrs.iter()) {
                    assert_eq!(row.nr, *nr);
                }
                assert_eq!(t.mode1_set.len() as usize, nrs.len());
            }
        }
    }

    #[test]
    fn mode1_and_mode2_rows_are_sorted_and_disjoint() {
        for (_, t) in all() {
            for list in [t.mode1, t.mode2, t.never] {
                assert!(list.windows(2).all(|w| w[0].nr < w[1].nr));
            }
            assert!(t.mode1.iter().all(|s| !t.mode2_set.contains(s.nr.into())));
            assert_eq!(t.mode2_set.len() as usize, t.mode2.len());
        }
    }

    #[test]
    fn never_list_is_in_no_mode() {
        for (_, t) in all() {
            for s in t.never {
                assert!(!t.mode1_set.contains(s.nr.into()));
                assert!(!t.mode2_set.contains(s.nr.into()));
            }
        }
    }

    #[test]
    fn exec_is_never_allowed() {
        for (_, t) in all() {
            for name in ["execve", "execveat"] {
                let nr = nr_of(t.never, name);
                assert!(nr.is_some());
                if let Some(nr) = nr {
                    assert!(!t.mode1_set.contains(nr.into()));
                    assert!(!t.mode2_set.contains(nr.into()));
                }
            }
        }
    }

    #[test]
    fn lookup_agrees_with_lists_over_whole_range() {
        for (_, t) in all() {
            for nr in 0..=i64::from(t.max_nr) + 64 {
                let in1 = t.mode1.iter().any(|s| i64::from(s.nr) == nr);
                let in2 = t.mode2.iter().any(|s| i64::from(s.nr) == nr);
                assert_eq!(t.mode1_set.contains(nr), in1);
                assert_eq!(t.mode2_set.contains(nr), in2);
            }
            for nr in [-1, i64::MIN, 0x4000_0000, 0x0f_0002, i64::MAX] {
                assert!(!t.mode1_set.contains(nr));
                assert!(!t.mode2_set.contains(nr));
            }
        }
    }

    #[test]
    fn seed_calls_are_in_mode2() {
        // The 2004 seed's mode-2 list, by the name each ABI has.
        let seed = [
            "openat",
            "close",
            "sendfile",
            "ppoll",
            "clone",
            "wait4",
            "getdents64",
            "munmap",
            "accept4",
            "recvmsg",
            "sendmsg",
        ];
        for (_, t) in all() {
            for name in seed {
                assert!(nr_of(t.mode2, name).is_some());
            }
        }
    }

    #[test]
    fn native_numbers_match_kernel_headers() {
        // The kernel's own __NR_* constants for the ABI it was built for.
        let t = tables(crate::arch::THIS.native());
        assert!(t.is_some());
        if let Some(t) = t {
            let want = [
                ("openat", kernel::uapi::__NR_openat),
                ("close", kernel::uapi::__NR_close),
                ("wait4", kernel::uapi::__NR_wait4),
                ("clone", kernel::uapi::__NR_clone),
                ("mmap", kernel::uapi::__NR_mmap),
            ];
            for (name, nr) in want {
                assert_eq!(nr_of(t.mode2, name), Some(nr));
            }
            assert_eq!(nr_of(t.never, "execve"), Some(kernel::uapi::__NR_execve));
            // The C probe filters on the kernel's own __NR_prctl.
            assert_eq!(t.prctl, kernel::uapi::__NR_prctl);
        }
    }

    #[test]
    fn names_are_sorted_and_agree_with_the_rows() {
        for (_, t) in all() {
            assert!(t.names.windows(2).all(|w| w[0].nr < w[1].nr));
            assert!(t.names.last().is_some_and(|s| s.nr == t.max_nr));
            for s in t.mode1.iter().chain(t.mode2).chain(t.never) {
                assert_eq!(t.name(s.nr.into()), s.name);
            }
            for nr in [-1, i64::from(t.max_nr) + 1, 1 << 40] {
                assert_eq!(t.name(nr), "?");
            }
        }
        // A few rows that are in no list.
        let x = tables(Abi::X86_64);
        assert_eq!(x.map(|t| t.name(63)), Some("uname"));
        assert_eq!(x.map(|t| t.name(102)), Some("getuid"));
        assert_eq!(tables(Abi::Ia32).map(|t| t.name(122)), Some("uname"));
    }
}
