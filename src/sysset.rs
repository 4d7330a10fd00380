// SPDX-License-Identifier: GPL-2.0

//! Compile-time syscall-number sets with O(1), speculation-safe lookup.
//!
//! The allowlist tables are built from these: a `const` bitmap over the
//! syscall numbers `0..64 * WORDS`, filled from a list of numbers at compile
//! time (a number out of range fails the build), and queried with a bounds
//! check followed by `array_index_nospec()`, as `kernel/seccomp.c` does for
//! its own bitmaps.

use crate::ffi;

/// A set of syscall numbers in `0..64 * WORDS`.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) struct SyscallSet<const WORDS: usize> {
    bits: [u64; WORDS],
}

impl<const WORDS: usize> SyscallSet<WORDS> {
    /// One past the largest number the set can hold.
    pub(crate) const CAPACITY: usize = 64 * WORDS;

    /// Builds the set of `nrs`; evaluated at compile time for `const` tables.
    ///
    /// A number `>= CAPACITY` panics, which fails the build in a `const`.
    pub(crate) const fn new(nrs: &[u32]) -> Self {
        let mut bits = [0u64; WORDS];
        let mut i = 0;
        while i < nrs.len() {
            let nr = nrs[i] as usize;
            assert!(nr < Self::CAPACITY, "syscall number out of the set's range");
            bits[nr / 64] |= 1u64 << (nr % 64);
            i += 1;
        }
        Self { bits }
    }

    /// The members of `self` or `other`.
    pub(crate) const fn union(self, other: Self) -> Self {
        let mut bits = self.bits;
        let mut i = 0;
        while i < WORDS {
            bits[i] |= other.bits[i];
            i += 1;
        }
        Self { bits }
    }

    /// The members of `self` except those in `nrs` (numbers outside the
    /// set's range are ignored).
    pub(crate) const fn without(self, nrs: &[u32]) -> Self {
        let mut bits = self.bits;
        let mut i = 0;
        while i < nrs.len() {
            let nr = nrs[i] as usize;
            if nr < Self::CAPACITY {
                bits[nr / 64] &= !(1u64 << (nr % 64));
            }
            i += 1;
        }
        Self { bits }
    }

    /// The bitmap: bit `nr % 64` of word `nr / 64` is set for each member,
    /// the layout of the kernel's `test_bit()` on a 64-bit `unsigned long`
    /// array.
    pub(crate) const fn words(&self) -> [u64; WORDS] {
        self.bits
    }

    /// Whether the syscall number `nr` is in the set.
    ///
    /// Negative numbers, numbers past the set's range and numbers with high
    /// bits set (x32's bit 30, ARM-private ranges) are never members.
    #[inline]
    pub(crate) fn contains(&self, nr: i64) -> bool {
        let Ok(nr) = usize::try_from(nr) else {
            return false;
        };
        if nr >= Self::CAPACITY {
            return false;
        }
        let nr = ffi::array_index_nospec(nr, Self::CAPACITY);
        self.bits[nr / 64] & (1u64 << (nr % 64)) != 0
    }

    /// The number of syscalls in the set.
    pub(crate) fn len(&self) -> u32 {
        self.bits.iter().map(|w| w.count_ones()).sum()
    }

    /// Whether every member of `self` is also in `other`.
    pub(crate) fn is_subset(&self, other: &Self) -> bool {
        self.bits
            .iter()
            .zip(other.bits.iter())
            .all(|(a, b)| a & !b == 0)
    }
}
