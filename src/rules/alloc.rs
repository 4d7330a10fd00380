// SPDX-License-Identifier: GPL-2.0

//! Fallible allocation for the rules code, the same calls in both builds:
//! in the kernel a [`List`] is a `KVVec` grown with `GFP_KERNEL`; on the
//! host a `Vec` grown with `try_reserve`, which tests can make fail after a
//! given number of allocations ([`fail_after`]) to check that every failure
//! is an error and never a partial result.

/// An allocation failed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Oom;

#[cfg(CONFIG_RUST)]
mod imp {
    use super::Oom;
    use kernel::alloc::flags::GFP_KERNEL;

    /// A growable list.
    pub type List<T> = kernel::alloc::KVVec<T>;

    /// An empty list.
    pub fn new<T>() -> List<T> {
        List::new()
    }

    /// Appends `v`.
    pub fn push<T>(list: &mut List<T>, v: T) -> Result<(), Oom> {
        list.push(v, GFP_KERNEL).map_err(|_| Oom)
    }

    /// A list of `n` copies of `v`.
    pub fn filled<T: Clone>(v: T, n: usize) -> Result<List<T>, Oom> {
        List::from_elem(v, n, GFP_KERNEL).map_err(|_| Oom)
    }
}

#[cfg(not(CONFIG_RUST))]
mod imp {
    extern crate alloc;

    use super::Oom;
    use core::sync::atomic::{AtomicUsize, Ordering::Relaxed};

    /// A growable list.
    pub type List<T> = alloc::vec::Vec<T>;

    /// Allocations left before the next one fails (`usize::MAX`: never).
    static BUDGET: AtomicUsize = AtomicUsize::new(usize::MAX);

    /// Makes every allocation after the next `n` fail (`usize::MAX`: none).
    /// For tests; the budget is global, so such tests run one at a time.
    pub fn fail_after(n: usize) {
        BUDGET.store(n, Relaxed);
    }

    fn take() -> Result<(), Oom> {
        BUDGET
            .fetch_update(Relaxed, Relaxed, |b| match b {
                usize::MAX => Some(b),
                0 => None,
                _ => Some(b - 1),
            })
            .map(|_| ())
            .map_err(|_| Oom)
    }

    /// An empty list.
    pub fn new<T>() -> List<T> {
        List::new()
    }

    /// Appends `v`.
    pub fn push<T>(list: &mut List<T>, v: T) -> Result<(), Oom> {
        if list.len() == list.capacity() {
            take()?;
            list.try_reserve(list.len().max(4)).map_err(|_| Oom)?;
        }
        list.push(v);
        Ok(())
    }

    /// A list of `n` copies of `v`.
    pub fn filled<T: Clone>(v: T, n: usize) -> Result<List<T>, Oom> {
        take()?;
        let mut list = List::new();
        list.try_reserve_exact(n).map_err(|_| Oom)?;
        list.resize(n, v);
        Ok(list)
    }
}

pub use imp::*;
