// SPDX-License-Identifier: GPL-2.0

//! KUnit suite for the probe's fast path: the syscalls it lets run without
//! the Rust slow path are exactly those whose verdict is `Allow` whatever
//! their arguments, and the C test (`sm_fast_allowed` in `rust/sm_shim.c`)
//! agrees with the Rust tables bit for bit.

use kernel::prelude::*;

#[kunit_tests(seccomp_mode_fastpath)]
mod tests {
    use crate::ffi::probe_fast_allows;
    use crate::policy::{classify_x86, verdict, State, Verdict, CLONE_NEW_MASK, X32_SYSCALL_BIT};
    use crate::tables::{fast_row, tables, Abi, FAST_ALLOW, FAST_ROWS};

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
            assert_eq!(fast_row(s.encode(), false), usize::from(s.mode));
            assert_eq!(fast_row(s.encode(), true), usize::from(s.mode) + 4);
        }
        for word in 0..=u8::MAX {
            assert!(fast_row(word, true) < FAST_ROWS);
        }
    }

    #[test]
    fn exported_rows_are_the_x86_tables() {
        for word in 0..8u8 {
            for ia32 in [false, true] {
                let abi = if ia32 { Abi::Ia32 } else { Abi::X86_64 };
                let row = &FAST_ALLOW[fast_row(word, ia32)];
                for nr in 0..512i64 {
                    let bit = row[(nr / 64) as usize] & (1u64 << (nr % 64)) != 0;
                    let want = tables(abi).is_some_and(|t| t.allows_fast(word & 3, nr));
                    assert_eq!(bit, want);
                }
            }
        }
    }

    #[test]
    fn c_probe_agrees_with_the_tables() {
        let mut allowed = 0;
        for word in 0..8u8 {
            for ia32 in [false, true] {
                for nr in numbers() {
                    let abi = classify_x86(ia32, nr);
                    let want = tables(abi).is_some_and(|t| t.allows_fast(word & 3, nr));
                    assert_eq!(probe_fast_allows(word, ia32, nr), want);
                    allowed += i32::from(want);
                }
            }
        }
        assert!(allowed > 0);
    }

    #[test]
    fn c_probe_never_passes_exec_or_x32() {
        let execs: [(bool, i64); 4] = [(false, 59), (false, 322), (true, 11), (true, 358)];
        for word in 0..=u8::MAX {
            for (ia32, nr) in execs {
                assert!(!probe_fast_allows(word, ia32, nr));
            }
            for nr in [0, 1, 3, 59] {
                assert!(!probe_fast_allows(word, false, X32_SYSCALL_BIT | nr));
            }
        }
    }
}
