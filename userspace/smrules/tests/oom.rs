// SPDX-License-Identifier: GPL-2.0

//! Allocation failures: a parse or print whose k-th allocation fails, for
//! every k, returns `ENOMEM` (or `Oom`) and never a partial result. The
//! allocation budget is global: the tests here hold a lock.

mod common;

use std::sync::Mutex;

use common::{ok, CAT, CONTRACT, KITCHEN_SINK};
use smrules::rules::alloc::{fail_after, Oom};
use smrules::rules::parse::parse;
use smrules::rules::print::{self, Opts};
use smrules::rules::Error;

/// Serializes the tests that set the allocation budget.
static BUDGET: Mutex<()> = Mutex::new(());

/// Takes the budget for a whole test: every allocation of the process
/// counts against it.
fn lock() -> std::sync::MutexGuard<'static, ()> {
    BUDGET.lock().unwrap_or_else(|e| e.into_inner())
}

/// Runs `f` with allocations failing after `k`, for k = 0, 1, ... until it
/// succeeds; returns that result and how many failures there were.
fn every_failure<T, E>(mut f: impl FnMut() -> Result<T, E>, check: impl Fn(E)) -> (T, usize) {
    for k in 0..1_000_000 {
        fail_after(k);
        let r = f();
        fail_after(usize::MAX);
        match r {
            Ok(v) => return (v, k),
            Err(e) => check(e),
        }
    }
    panic!("never succeeded");
}

#[test]
fn parse_fails_cleanly_at_every_allocation() {
    let _budget = lock();
    for text in [
        CONTRACT,
        KITCHEN_SINK,
        &common::valid_text(7),
        &common::valid_text(8),
    ] {
        let expected = ok(text);
        let (rs, failures) = every_failure(
            || parse(text.as_bytes(), &CAT),
            |e| assert_eq!(e, Error::oom()),
        );
        assert_eq!(rs, expected);
        assert!(failures > 0);
    }
}

#[test]
fn print_fails_cleanly_at_every_allocation() {
    let _budget = lock();
    let rs = ok(KITCHEN_SINK);
    let expected = common::print(&rs, false, true);
    let opts = Opts {
        numeric: false,
        counters: Some(&[]),
    };
    let (out, failures) = every_failure(
        || {
            let mut out = Vec::new();
            print::ruleset(&mut out, &rs, &CAT, &opts).map(|()| out)
        },
        |e| assert_eq!(e, Oom),
    );
    assert_eq!(String::from_utf8(out).unwrap(), expected);
    assert!(failures > 3);
}
