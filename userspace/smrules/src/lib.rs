// SPDX-License-Identifier: GPL-2.0

//! The module's ruleset language on the host: `src/rules/` compiled
//! unchanged (parser, checker, compiler, evaluator, printer), with a
//! [`catalog::ArchCatalog`] over the module's own syscall tables for either
//! architecture (x86_64, arm64), so that host tests and `smctl` run the
//! kernel's own code.

#![no_std]

/// The shared rules code, mounted through its `mod.rs` so that its
/// submodules resolve next to it.
#[path = "../../../src/rules/mod.rs"]
pub mod rules;

pub mod catalog;
