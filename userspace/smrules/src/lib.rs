// SPDX-License-Identifier: GPL-2.0

//! The module's ruleset language on the host: `src/rules/` compiled
//! unchanged (parser, checker, compiler, evaluator, printer), with a
//! [`catalog::X86Catalog`] over the module's own x86 syscall tables, so that
//! host tests and `smctl` run the kernel's own code.

#![no_std]

/// The shared rules code, mounted through its `mod.rs` so that its
/// submodules resolve next to it.
#[path = "../../../src/rules/mod.rs"]
pub mod rules;

pub mod catalog;
