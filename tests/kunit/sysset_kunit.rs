// SPDX-License-Identifier: GPL-2.0

//! KUnit suite for `SyscallSet`: membership, bounds and set relations.

use kernel::prelude::*;

#[kunit_tests(seccomp_mode_sysset)]
mod tests {
    use crate::sysset::SyscallSet;

    const SET: SyscallSet<2> = SyscallSet::new(&[0, 1, 15, 60, 63, 64, 127]);
    const SMALL: SyscallSet<2> = SyscallSet::new(&[1, 60, 127]);
    const EMPTY: SyscallSet<2> = SyscallSet::new(&[]);

    #[test]
    fn contains_listed_numbers() {
        for nr in [0, 1, 15, 60, 63, 64, 127] {
            assert!(SET.contains(nr));
        }
    }

    #[test]
    fn contains_rejects_unlisted_in_range() {
        let listed = [0, 1, 15, 60, 63, 64, 127];
        let mut members = 0;
        for nr in 0..SyscallSet::<2>::CAPACITY as i64 {
            if SET.contains(nr) {
                members += 1;
                assert!(listed.contains(&nr));
            }
        }
        assert_eq!(members, listed.len());
    }

    #[test]
    fn contains_rejects_negative() {
        for nr in [-1, -2, -64, -128, i64::MIN] {
            assert!(!SET.contains(nr));
        }
    }

    #[test]
    fn contains_rejects_out_of_range() {
        // 128 is the capacity; 0x4000_0000 | 1 is x32's `write`; 0x0f0002 is
        // an ARM-private compat number.
        for nr in [128, 129, 191, 0x4000_0000, 0x4000_0001, 0x0f_0002, i64::MAX] {
            assert!(!SET.contains(nr));
        }
    }

    #[test]
    fn len_counts_members() {
        assert_eq!(SET.len(), 7);
        assert_eq!(SMALL.len(), 3);
        assert_eq!(EMPTY.len(), 0);
    }

    #[test]
    fn is_subset_relations() {
        assert!(SMALL.is_subset(&SET));
        assert!(!SET.is_subset(&SMALL));
        assert!(EMPTY.is_subset(&SMALL));
        assert!(SET.is_subset(&SET));
    }
}
