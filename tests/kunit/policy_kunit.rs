// SPDX-License-Identifier: GPL-2.0

//! KUnit suite for the policy: transitions, ABI classification and the
//! verdict on single syscalls, including the per-entry argument checks.

use kernel::prelude::*;

#[kunit_tests(seccomp_mode_policy)]
mod tests {
    use kernel::bindings;
    use kernel::prelude::*;

    use crate::arch::{self, ARM64, X32_SYSCALL_BIT, X86_64};
    use crate::policy::{get, sanitize_comm, transition, verdict, State, Verdict, CLONE_NEW_MASK};
    use crate::tables::{tables, Abi, AbiTables};

    const E1: State = State::enforce(1);
    const L1: State = State::complain(1);
    const E2: State = State::enforce(2);
    const L2: State = State::complain(2);
    const FROM: [Option<State>; 5] = [None, Some(E1), Some(L1), Some(E2), Some(L2)];
    const ABIS: [Abi; 4] = [Abi::X86_64, Abi::Ia32, Abi::Arm64, Abi::Arm];

    /// The expected result of a transition: a new state, or an errno.
    #[derive(Clone, Copy)]
    enum Want {
        To(Option<State>),
        Einval,
        Eperm,
    }
    use Want::{Einval, Eperm, To};

    /// Targets in the order of the expectation rows below.
    const TARGETS: [(u64, u64); 6] = [(0, 0), (0, 1), (1, 0), (1, 1), (2, 0), (2, 1)];

    fn check_row(from: Option<State>, want: [Want; 6]) {
        for ((mode, flags), want) in TARGETS.into_iter().zip(want) {
            let got = transition(from, [mode, flags, 0, 0]);
            match want {
                To(s) => assert_eq!(got, Ok(s)),
                Einval => assert_eq!(got, Err(EINVAL)),
                Eperm => assert_eq!(got, Err(EPERM)),
            }
        }
    }

    #[test]
    fn transitions_from_none() {
        check_row(
            None,
            [
                To(None),
                Einval,
                To(Some(E1)),
                To(Some(L1)),
                To(Some(E2)),
                To(Some(L2)),
            ],
        );
    }

    #[test]
    fn transitions_from_strict_enforced() {
        check_row(Some(E1), [Eperm, Einval, To(Some(E1)), Eperm, Eperm, Eperm]);
    }

    #[test]
    fn transitions_from_strict_complain() {
        check_row(
            Some(L1),
            [Eperm, Einval, To(Some(E1)), To(Some(L1)), Eperm, Eperm],
        );
    }

    #[test]
    fn transitions_from_daemon_enforced() {
        check_row(
            Some(E2),
            [Eperm, Einval, To(Some(E1)), Eperm, To(Some(E2)), Eperm],
        );
    }

    #[test]
    fn transitions_from_daemon_complain() {
        check_row(
            Some(L2),
            [
                Eperm,
                Einval,
                To(Some(E1)),
                To(Some(L1)),
                To(Some(E2)),
                To(Some(L2)),
            ],
        );
    }

    #[test]
    fn unknown_modes_are_einval() {
        for from in FROM {
            for mode in [3, 4, 0x100, 1 << 32, u64::MAX] {
                for flags in [0, 1] {
                    assert_eq!(transition(from, [mode, flags, 0, 0]), Err(EINVAL));
                }
            }
        }
    }

    #[test]
    fn unknown_flag_bits_are_einval() {
        for from in FROM {
            for mode in [0, 1, 2] {
                for flags in [2, 3, 0x80, 1 << 32, 1 << 63, u64::MAX] {
                    assert_eq!(transition(from, [mode, flags, 0, 0]), Err(EINVAL));
                }
            }
        }
    }

    #[test]
    fn nonzero_unused_arguments_are_einval() {
        for from in FROM {
            for (a, b) in [(1, 0), (0, 1), (u64::MAX, u64::MAX)] {
                assert_eq!(transition(from, [2, 0, a, b]), Err(EINVAL));
                assert_eq!(transition(from, [1, 0, a, b]), Err(EINVAL));
            }
        }
    }

    #[test]
    fn get_reports_the_mode_and_checks_arguments() {
        let want = [0u8, 1, 1, 2, 2];
        for (from, want) in FROM.into_iter().zip(want) {
            assert_eq!(get(from, [0; 4]), Ok(want));
            for i in 0..4 {
                let mut args = [0u64; 4];
                args[i] = 1;
                assert_eq!(get(from, args), Err(EINVAL));
            }
        }
    }

    #[test]
    fn state_words_round_trip_and_are_never_zero() {
        for s in [E1, L1, E2, L2] {
            assert_ne!(s.encode(), 0);
            assert_eq!(State::decode(s.encode()), Some(s));
        }
        assert_eq!(L2.flags(), 1);
        assert_eq!(E2.flags(), 0);
        assert_eq!(E2.encode(), 2);
        assert_eq!(L1.encode(), 5);
        for word in [0, 3, 4, 7, 8, 9, 0x42, 0xff] {
            assert_eq!(State::decode(word), None);
        }
    }

    #[test]
    fn classify_native_x86_64() {
        for nr in [0, 1, 59, 157, 335, 471, 511, 512, 0x3fff_ffff] {
            assert_eq!(X86_64.classify(false, nr), Abi::X86_64);
        }
    }

    #[test]
    fn classify_ia32_by_entry_not_number() {
        for nr in [0, 3, 11, 172, X32_SYSCALL_BIT | 3, -1] {
            assert_eq!(X86_64.classify(true, nr), Abi::Ia32);
        }
    }

    #[test]
    fn classify_x32_by_bit_30() {
        for nr in [
            X32_SYSCALL_BIT,
            X32_SYSCALL_BIT | 1,
            X32_SYSCALL_BIT | 59,
            0x7fff_ffff,
        ] {
            assert_eq!(X86_64.classify(false, nr), Abi::X32);
        }
        // Negative numbers are not x32; they are out of every table.
        assert_eq!(X86_64.classify(false, -1), Abi::X86_64);
        assert_eq!(X86_64.classify(false, i64::from(i32::MIN)), Abi::X86_64);
    }

    #[test]
    fn classify_arm64_by_entry_only() {
        for nr in [0, 63, 167, 221, 511, 0x0f_0005, X32_SYSCALL_BIT | 3, -1] {
            assert_eq!(ARM64.classify(false, nr), Abi::Arm64);
            assert_eq!(ARM64.classify(true, nr), Abi::Arm);
            assert_eq!(ARM64.table_nr(Abi::Arm64, nr), nr);
        }
    }

    #[test]
    fn arch_abis_are_native_compat_then_numbered() {
        assert_eq!(X86_64.abis, &[Abi::X86_64, Abi::Ia32, Abi::X32]);
        assert_eq!(ARM64.abis, &[Abi::Arm64, Abi::Arm]);
        for a in [&X86_64, &ARM64] {
            assert_eq!(a.abis.len(), a.index.len());
            assert!(a.abis.len() <= arch::MAX_ABIS);
            for (i, &abi) in a.abis.iter().enumerate() {
                assert_eq!(a.index_of(abi), Some(i));
                // Every number of a table is below its chain's rule index.
                if let Some(t) = tables(abi) {
                    assert!(t.max_nr < a.index[i]);
                }
            }
        }
        assert_eq!(X86_64.table_nr(Abi::X32, X32_SYSCALL_BIT | 59), 59);
        assert_eq!(X86_64.rule_index(2, X32_SYSCALL_BIT | 520), Some(520));
        assert_eq!(X86_64.rule_index(2, 520), None);
        assert_eq!(X86_64.rule_index(0, 511), Some(511));
        assert_eq!(X86_64.rule_index(0, 512), None);
        assert_eq!(ARM64.rule_index(1, 0x0f_0002), None);
        assert_eq!(ARM64.rule_index(2, 1), None);
        // The module runs on one of them.
        assert!(core::ptr::eq(arch::THIS, &X86_64) || core::ptr::eq(arch::THIS, &ARM64));
    }

    #[test]
    fn x32_is_denied_in_every_mode() {
        // x32 read, write, exit, rt_sigreturn (513 on x32) and mode-2 calls.
        for nr in [0, 1, 60, 513, 3, 41, 57] {
            for mode in [1, 2] {
                assert_eq!(
                    verdict(mode, Abi::X32, X32_SYSCALL_BIT | nr, &[0; 6]),
                    Verdict::Deny
                );
            }
        }
    }

    fn all() -> impl Iterator<Item = (Abi, &'static AbiTables)> {
        ABIS.into_iter().filter_map(|a| tables(a).map(|t| (a, t)))
    }

    #[test]
    fn execve_and_execveat_are_denied_everywhere() {
        for (abi, t) in all() {
            for name in ["execve", "execveat"] {
                let sys = t.never.iter().find(|s| s.name == name);
                assert!(sys.is_some());
                if let Some(sys) = sys {
                    for mode in [1, 2] {
                        assert_eq!(verdict(mode, abi, sys.nr.into(), &[0; 6]), Verdict::Deny);
                    }
                }
            }
        }
    }

    #[test]
    fn mode1_allows_exactly_its_list() {
        for (abi, t) in all() {
            for nr in 0..=i64::from(t.max_nr) {
                let listed = t.mode1.iter().any(|s| i64::from(s.nr) == nr);
                let allowed = verdict(1, abi, nr, &[0; 6]) == Verdict::Allow;
                assert_eq!(listed, allowed);
            }
        }
    }

    #[test]
    fn mode2_falls_through_to_mode1() {
        for (abi, t) in all() {
            for s in t.mode1 {
                assert_eq!(verdict(2, abi, s.nr.into(), &[0; 6]), Verdict::Allow);
            }
        }
    }

    #[test]
    fn mode2_allows_its_list_and_nothing_else() {
        for (abi, t) in all() {
            for nr in 0..=i64::from(t.max_nr) {
                let listed =
                    Iterator::chain(t.mode1.iter(), t.mode2).any(|s| i64::from(s.nr) == nr);
                let v = verdict(2, abi, nr, &[0; 6]);
                if nr == i64::from(t.clone3) {
                    assert_eq!(v, Verdict::Enosys);
                } else if t.socketcall.is_some_and(|(sc, _)| i64::from(sc) == nr) {
                    // Call 0 is not a socket call.
                    assert_eq!(v, Verdict::Deny);
                } else {
                    assert_eq!(listed, v == Verdict::Allow);
                }
            }
        }
    }

    #[test]
    fn never_list_is_denied_in_every_mode() {
        for (abi, t) in all() {
            assert!(!t.never.is_empty());
            for s in t.never {
                for mode in [1, 2] {
                    assert_eq!(verdict(mode, abi, s.nr.into(), &[0; 6]), Verdict::Deny);
                }
            }
        }
    }

    #[test]
    fn numbers_outside_the_tables_are_denied() {
        for (abi, t) in all() {
            let max = i64::from(t.max_nr);
            for nr in [
                -1,
                -2,
                i64::from(i32::MIN),
                i64::MIN,
                max + 1,
                511,
                512,
                1 << 20,
                i64::MAX,
            ] {
                for mode in [1, 2] {
                    assert_eq!(verdict(mode, abi, nr, &[0; 6]), Verdict::Deny);
                }
            }
        }
    }

    #[test]
    fn unknown_modes_allow_nothing() {
        for (abi, t) in all() {
            for s in Iterator::chain(t.mode1.iter(), t.mode2) {
                for mode in [0, 3, 255] {
                    assert_eq!(verdict(mode, abi, s.nr.into(), &[0; 6]), Verdict::Deny);
                }
            }
        }
    }

    #[test]
    fn special_numbers_match_their_names() {
        for (_, t) in all() {
            assert_eq!(t.name(t.clone.into()), "clone");
            assert_eq!(t.name(t.clone3.into()), "clone3");
            assert_eq!(t.name(t.prctl.into()), "prctl");
            if let Some((sc, calls)) = t.socketcall {
                assert_eq!(t.name(sc.into()), "socketcall");
                assert_eq!(calls.len(), 21);
            }
        }
        assert!(tables(Abi::Ia32).is_some_and(|t| t.socketcall.is_some()));
        assert!(tables(Abi::X86_64).is_some_and(|t| t.socketcall.is_none()));
    }

    #[test]
    fn prctl_is_not_in_any_table() {
        // Only the module's own two options are answered, before the tables.
        for (abi, t) in all() {
            for mode in [1, 2] {
                assert_eq!(verdict(mode, abi, t.prctl.into(), &[0; 6]), Verdict::Deny);
            }
        }
    }

    /// Thread and process flags that glibc and musl pass to `clone`.
    const THREAD_FLAGS: u64 = (bindings::CLONE_VM
        | bindings::CLONE_FS
        | bindings::CLONE_FILES
        | bindings::CLONE_SIGHAND
        | bindings::CLONE_THREAD
        | bindings::CLONE_SYSVSEM
        | bindings::CLONE_SETTLS
        | bindings::CLONE_PARENT_SETTID
        | bindings::CLONE_CHILD_CLEARTID) as u64;

    #[test]
    fn clone_for_threads_and_processes_is_allowed() {
        for (abi, t) in all() {
            let nr = i64::from(t.clone);
            for flags in [
                THREAD_FLAGS,
                17,     /* SIGCHLD: fork */
                0x4111, /* vfork */
            ] {
                assert_eq!(verdict(2, abi, nr, &[flags, 0, 0, 0, 0, 0]), Verdict::Allow);
            }
            // Mode 1 has no clone at all.
            assert_eq!(verdict(1, abi, nr, &[17, 0, 0, 0, 0, 0]), Verdict::Deny);
        }
    }

    #[test]
    fn clone_with_any_namespace_flag_is_denied() {
        let each = [
            bindings::CLONE_NEWNS,
            bindings::CLONE_NEWCGROUP,
            bindings::CLONE_NEWUTS,
            bindings::CLONE_NEWIPC,
            bindings::CLONE_NEWUSER,
            bindings::CLONE_NEWPID,
            bindings::CLONE_NEWNET,
        ];
        let mut seen = 0u64;
        for (abi, t) in all() {
            for flag in each {
                let flag = u64::from(flag);
                seen |= flag;
                for flags in [flag | 17, flag | THREAD_FLAGS, flag | (1 << 32)] {
                    assert_eq!(
                        verdict(2, abi, t.clone.into(), &[flags, 0, 0, 0, 0, 0]),
                        Verdict::Deny
                    );
                }
            }
        }
        assert_eq!(seen, CLONE_NEW_MASK);
    }

    #[test]
    fn clone3_is_enosys_in_mode2_and_denied_in_mode1() {
        for (abi, t) in all() {
            let nr = i64::from(t.clone3);
            assert_eq!(verdict(2, abi, nr, &[0; 6]), Verdict::Enosys);
            assert_eq!(verdict(1, abi, nr, &[0; 6]), Verdict::Deny);
        }
    }

    #[test]
    fn socketcall_allows_the_mode2_socket_calls() {
        // socket, bind, connect, listen, accept, getsockname, getpeername,
        // send, recv, sendto, recvfrom, shutdown, setsockopt, getsockopt,
        // sendmsg, recvmsg, accept4.
        for call in [
            1u64, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18,
        ] {
            assert_eq!(
                verdict(2, Abi::Ia32, 102, &[call, 0, 0, 0, 0, 0]),
                Verdict::Allow
            );
        }
    }

    #[test]
    fn socketcall_denies_other_calls() {
        // 0 and > 20 are no calls; recvmmsg and sendmmsg are not in the
        // ia32 mode-2 table.
        for call in [0u64, 19, 20, 21, 0xffff_ffff, u64::MAX] {
            assert_eq!(
                verdict(2, Abi::Ia32, 102, &[call, 0, 0, 0, 0, 0]),
                Verdict::Deny
            );
        }
        for call in [1u64, 3, 9] {
            assert_eq!(
                verdict(1, Abi::Ia32, 102, &[call, 0, 0, 0, 0, 0]),
                Verdict::Deny
            );
        }
    }

    #[test]
    fn compat_arguments_are_cut_to_32_bits() {
        // The kernel's ia32 entry uses the low halves only: junk above them
        // (int $0x80 from 64-bit code) changes nothing.
        for call in [8u64, 1 << 32 | 1, 0xdead_beef_0000_0001] {
            assert_eq!(
                verdict(2, Abi::Ia32, 102, &[call, 0, 0, 0, 0, 0]),
                Verdict::Allow
            );
        }
        let newns = u64::from(bindings::CLONE_NEWNS);
        assert_eq!(
            verdict(2, Abi::Ia32, 120, &[1 << 40, 0, 0, 0, 0, 0]),
            Verdict::Allow
        );
        assert_eq!(
            verdict(2, Abi::Ia32, 120, &[1 << 40 | newns, 0, 0, 0, 0, 0]),
            Verdict::Deny
        );
        // Native x86_64 arguments are taken whole.
        assert_eq!(
            verdict(2, Abi::X86_64, 56, &[newns << 32, 0, 0, 0, 0, 0]),
            Verdict::Allow
        );
    }

    /// `fcntl` numbers of each ABI that has them in mode 2.
    const FCNTLS: [(Abi, i64); 3] = [(Abi::X86_64, 72), (Abi::Ia32, 55), (Abi::Ia32, 221)];

    #[test]
    fn fcntl_allows_only_listed_commands() {
        for (abi, nr) in FCNTLS {
            let v = |cmd: u64, arg: u64| verdict(2, abi, nr, &[3, cmd, arg, 0, 0, 0]);
            // F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_SETLK(W), F_DUPFD_CLOEXEC.
            for cmd in [0u64, 1, 2, 3, 6, 7, 1030] {
                assert_eq!(v(cmd, 0), Verdict::Allow);
            }
            // F_SETFL with O_NONBLOCK, not with O_ASYNC.
            assert_eq!(v(4, 0o4000), Verdict::Allow);
            assert_eq!(v(4, 0o20000), Verdict::Deny);
            assert_eq!(v(4, 0o24000), Verdict::Deny);
            // F_SETOWN, F_SETSIG, F_SETOWN_EX, F_SETLEASE, F_NOTIFY,
            // F_CANCELLK, unknown commands.
            for cmd in [8u64, 10, 15, 1024, 1026, 1029, 18, 4096, 0xffff_ffff] {
                assert_eq!(v(cmd, 0), Verdict::Deny);
            }
            // The command is an unsigned int: upper bits are ignored.
            assert_eq!(v(1 << 32 | 8, 0), Verdict::Deny);
            assert_eq!(v(1 << 32 | 1, 0), Verdict::Allow);
            // Mode 1 has no fcntl at all.
            assert_eq!(verdict(1, abi, nr, &[3, 1, 0, 0, 0, 0]), Verdict::Deny);
        }
    }

    const O_CREAT: u64 = 0o100;
    const O_TMPFILE: u64 = 0o20_200_000;

    #[test]
    fn created_files_get_no_execute_or_setid_bits() {
        // (ABI, open, openat, creat)
        for (abi, open, openat, creat) in [(Abi::X86_64, 2, 257, 85), (Abi::Ia32, 5, 295, 8)] {
            let o = |flags: u64, mode: u64| verdict(2, abi, open, &[0, flags, mode, 0, 0, 0]);
            let at = |flags: u64, mode: u64| verdict(2, abi, openat, &[0, 0, flags, mode, 0, 0]);
            let c = |mode: u64| verdict(2, abi, creat, &[0, mode, 0, 0, 0, 0]);
            for mode in [0o600u64, 0o644, 0o666, 0o000] {
                assert_eq!(o(O_CREAT | 1, mode), Verdict::Allow);
                assert_eq!(at(O_CREAT | 1, mode), Verdict::Allow);
                assert_eq!(c(mode), Verdict::Allow);
            }
            for mode in [
                0o755u64,
                0o700,
                0o644 | 0o100,
                0o4644,
                0o2644,
                0o1644,
                0o7777,
            ] {
                assert_eq!(o(O_CREAT | 1, mode), Verdict::Deny);
                assert_eq!(at(O_CREAT, mode), Verdict::Deny);
                assert_eq!(at(O_TMPFILE | 2, mode), Verdict::Deny);
                assert_eq!(c(mode), Verdict::Deny);
                // Without O_CREAT or O_TMPFILE the mode is ignored.
                assert_eq!(o(0, mode), Verdict::Allow);
                assert_eq!(at(1 | 0o1000, mode), Verdict::Allow);
            }
            // umode_t is 16 bits: bits above do not reach the file.
            assert_eq!(o(O_CREAT, 1 << 16 | 0o644), Verdict::Allow);
            assert_eq!(o(O_CREAT, 1 << 16 | 0o755), Verdict::Deny);
        }
        // Compat flags: junk above 32 bits does not hide O_CREAT.
        assert_eq!(
            verdict(2, Abi::Ia32, 5, &[0, 1 << 32 | O_CREAT, 0o755, 0, 0, 0]),
            Verdict::Deny
        );
    }

    #[test]
    fn comm_cannot_forge_log_fields_or_lines() {
        let mut evil = [0u8; 16];
        evil[..15].copy_from_slice(b"a\nkilled pid=1\x1b");
        let clean = sanitize_comm(evil);
        assert_eq!(&clean[..15], b"a?killed?pid=1?");
        assert_eq!(clean[15], 0);
        // Bytes after the first NUL are cleared; UTF-8 is replaced.
        let mut comm = *b"ok\0hidden\xc3\xa9xxxxx";
        assert_eq!(sanitize_comm(comm), *b"ok\0\0\0\0\0\0\0\0\0\0\0\0\0\0");
        comm = *b"caf\xc3\xa9-d\0\0\0\0\0\0\0\0\0";
        assert_eq!(sanitize_comm(comm), *b"caf??-d\0\0\0\0\0\0\0\0\0");
        assert_eq!(
            sanitize_comm(*b"sm-guest-tests\0\0"),
            *b"sm-guest-tests\0\0"
        );
    }
}
