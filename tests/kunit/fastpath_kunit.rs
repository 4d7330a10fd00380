// SPDX-License-Identifier: GPL-2.0

//! KUnit suite for the probe's fast path: the syscalls it lets run without
//! the Rust slow path are exactly those whose verdict is `Allow` whatever
//! their arguments, and the C probe's decision (`sm_probe_passes` in
//! `rust/sm_shim.c`) agrees with the policy for every mode word, for the
//! ABIs of the architecture it runs on.

use kernel::prelude::*;

#[kunit_tests(seccomp_mode_fastpath)]
mod tests {
    use crate::arch::{self, X32_SYSCALL_BIT};
    use crate::ffi::probe_passes;
    use crate::policy::{
        fast_row, verdict, State, Verdict, CLONE_NEW_MASK, FAST_ALLOW, FAST_WORDS,
    };
    use crate::tables::{tables, Abi};

    const ABIS: [Abi; 4] = [Abi::X86_64, Abi::Ia32, Abi::Arm64, Abi::Arm];

    /// Argument vectors that reach every argument-dependent verdict: no
    /// flags, every `CLONE_NEW*` flag, all bits set, and every socketcall
    /// call number (argument 0) of the table and past it.
    fn sample_args() -> impl Iterator<Item = [u64; 6]> {
        [[0u64; 6], [CLONE_NEW_MASK; 6], [u64::MAX; 6]]
            .into_iter()
            .chain((0..24u64).map(|call| [call, 0, 0, 0, 0, 0]))
    }

    /// Numbers around and past every table, negative and x32 ones.
    fn numbers() -> impl Iterator<Item = i64> {
        (-2..600i64).chain([
            0x3fff_ffff,
            X32_SYSCALL_BIT,
            X32_SYSCALL_BIT | 1,
            X32_SYSCALL_BIT | 59,
            X32_SYSCALL_BIT | 520,
            0xffff_ffff,
            i64::MAX,
            i64::MIN,
        ])
    }

    #[test]
    fn fast_set_is_what_no_argument_can_deny() {
        for abi in ABIS {
            let Some(t) = tables(abi) else {
                continue;
            };
            for mode in 0..4u8 {
                let mut fast = 0;
                for nr in numbers() {
                    let always =
                        sample_args().all(|args| verdict(mode, abi, nr, &args) == Verdict::Allow);
                    // The module's prctl options are handled in any mode.
                    let want = always && nr != i64::from(t.prctl);
                    assert_eq!(t.allows_fast(mode, nr), want);
                    fast += i32::from(want);
                }
                // Modes 1 and 2 have fast syscalls; others none.
                let has_fast = fast > 0;
                assert_eq!(has_fast, mode == 1 || mode == 2);
            }
        }
    }

    #[test]
    fn argument_checked_calls_take_the_slow_path() {
        for abi in ABIS {
            let Some(t) = tables(abi) else {
                continue;
            };
            for mode in [1, 2] {
                assert!(!t.allows_fast(mode, i64::from(t.clone)));
                assert!(!t.allows_fast(mode, i64::from(t.clone3)));
                assert!(!t.allows_fast(mode, i64::from(t.prctl)));
                if let Some((socketcall, _)) = t.socketcall {
                    assert!(!t.allows_fast(mode, i64::from(socketcall)));
                }
            }
            // `clone` is in mode 2's table: only its flags keep it slow.
            assert!(t.allows(2, i64::from(t.clone)));
        }
    }

    #[test]
    fn rows_follow_the_mode_word() {
        for s in [
            State::enforce(1),
            State::complain(1),
            State::enforce(2),
            State::complain(2),
        ] {
            let word = s.encode();
            assert!(usize::from(word) < FAST_WORDS);
            assert_eq!(fast_row(word, false), usize::from(word));
            assert_eq!(fast_row(word, true), usize::from(word) + FAST_WORDS);
        }
    }

    #[test]
    fn exported_rows_hold_the_decoded_mode() {
        for word in 0..FAST_WORDS as u8 {
            for compat in [false, true] {
                let abi = arch::THIS.classify(compat, 0);
                let row = &FAST_ALLOW[fast_row(word, compat)];
                let mut set = 0;
                for nr in 0..512i64 {
                    let bit = row[(nr / 64) as usize] & (1u64 << (nr % 64)) != 0;
                    let want = match (State::decode(word), tables(abi)) {
                        (Some(s), Some(t)) => t.allows_fast(s.mode, nr),
                        _ => false,
                    };
                    assert_eq!(bit, want);
                    set += i32::from(bit);
                }
                // Words 1, 2, 5, 6 have rows; 0, 3, 4, 7 encode no state.
                let has_row = set > 0;
                assert_eq!(has_row, matches!(word, 1 | 2 | 5 | 6));
            }
        }
    }

    /// The C probe's own decision, checked against the policy itself: what
    /// it lets a confined caller run is allowed for every argument, and
    /// never with a word that decodes to no state.
    #[test]
    fn c_probe_passes_only_what_the_policy_always_allows() {
        let mut passed = 0;
        for word in 1..=u8::MAX {
            for compat in [false, true] {
                for nr in numbers() {
                    if !probe_passes(word, compat, nr) {
                        continue;
                    }
                    passed += 1;
                    let abi = arch::THIS.classify(compat, nr);
                    let s = State::decode(word);
                    assert!(s.is_some());
                    let mode = s.map_or(0, |s| s.mode);
                    assert!(tables(abi).is_some_and(|t| nr != i64::from(t.prctl)));
                    assert!(
                        sample_args().all(|args| verdict(mode, abi, nr, &args) == Verdict::Allow)
                    );
                }
            }
        }
        assert!(passed > 0);
    }

    #[test]
    fn c_probe_agrees_with_the_tables() {
        for word in 1..8u8 {
            for compat in [false, true] {
                for nr in numbers() {
                    let abi = arch::THIS.classify(compat, nr);
                    let want = match (State::decode(word), tables(abi)) {
                        (Some(s), Some(t)) => t.allows_fast(s.mode, nr),
                        _ => false,
                    };
                    assert_eq!(probe_passes(word, compat, nr), want);
                }
            }
        }
    }

    /// The prctl numbers of this architecture's native and compat ABIs.
    fn prctls() -> [i64; 2] {
        let nr = |abi| tables(abi).map_or(-1, |t| i64::from(t.prctl));
        [nr(arch::THIS.native()), nr(arch::THIS.compat())]
    }

    #[test]
    fn c_probe_sends_every_prctl_of_the_unconfined_to_rust() {
        let prctls = prctls();
        let (lo, hi) = (prctls[0].min(prctls[1]), prctls[0].max(prctls[1]));
        for compat in [false, true] {
            // Both prctl numbers, in either ABI (the probe compares a range).
            for nr in prctls {
                assert!(!probe_passes(0, compat, nr));
            }
            for nr in [0, 1, 59, lo - 1, hi + 1, 435, -1, X32_SYSCALL_BIT | lo] {
                assert!(probe_passes(0, compat, nr));
            }
        }
        // The kernel's numbers: x86_64 157 and ia32 172; arm64 167 and
        // AArch32 172.
        let want = match arch::THIS.native() {
            Abi::Arm64 => [167, 172],
            _ => [157, 172],
        };
        assert_eq!(prctls, want);
        assert_eq!(prctls[0], i64::from(kernel::bindings::__NR_prctl));
    }

    /// `execve` and `execveat` of the native and the compat ABI.
    fn execs() -> [(bool, i64); 4] {
        let nr = |compat, name| {
            tables(arch::THIS.classify(compat, 0))
                .and_then(|t| t.names.iter().find(|s| s.name == name))
                .map_or(-1, |s| i64::from(s.nr))
        };
        [
            (false, nr(false, "execve")),
            (false, nr(false, "execveat")),
            (true, nr(true, "execve")),
            (true, nr(true, "execveat")),
        ]
    }

    #[test]
    fn c_probe_never_passes_exec_or_x32_when_confined() {
        let execs = execs();
        assert!(execs.iter().all(|&(_, nr)| nr >= 0));
        for word in 1..=u8::MAX {
            for (compat, nr) in execs {
                assert!(!probe_passes(word, compat, nr));
            }
            for nr in [0, 1, 3, 59] {
                assert!(!probe_passes(word, false, X32_SYSCALL_BIT | nr));
            }
        }
    }

    /// On arm64, AArch32's ARM-private calls (`0x0f0000` and up) and every
    /// number past the tables go to the slow path, which denies them.
    #[test]
    fn c_probe_never_passes_private_or_out_of_table_numbers_when_confined() {
        for word in 1..=u8::MAX {
            for compat in [false, true] {
                for nr in [512, 0x0f_0000, 0x0f_0002, 0x0f_0005, 0x0f_07ff, 0x0f_ffff] {
                    assert!(!probe_passes(word, compat, nr));
                }
            }
        }
    }
}
