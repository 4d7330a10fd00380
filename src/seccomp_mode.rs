// SPDX-License-Identifier: GPL-2.0

//! seccomp_mode: static syscall allowlists that network daemons switch on
//! themselves once they have initialized.
//!
//! After Andrea Arcangeli's 2004 proposal of a "seccomp mode 2" for network
//! daemons: mode 1 allows only what the kernel's strict mode allows, mode 2
//! adds what a daemon needs to keep serving and falls through to mode 1. The
//! tables are static and per architecture.

use kernel::prelude::*;

mod audit;
#[path = "../rust/ffi.rs"]
mod ffi;
mod hooks;
mod objects;
#[path = "../rust/objects_ffi.rs"]
mod objects_ffi;
mod policy;
mod sysset;
mod tables;

#[path = "../tests/kunit/fastpath_kunit.rs"]
mod fastpath_kunit;
#[path = "../tests/kunit/objects_kunit.rs"]
mod objects_kunit;
#[path = "../tests/kunit/policy_kunit.rs"]
mod policy_kunit;
#[path = "../tests/kunit/sysset_kunit.rs"]
mod sysset_kunit;
#[path = "../tests/kunit/tables_kunit.rs"]
mod tables_kunit;

module! {
    type: SeccompMode,
    name: "seccomp_mode",
    authors: ["seccomp_mode developers"],
    description: "Static per-arch syscall allowlists for network daemons",
    license: "GPL",
    params: {
        log_burst: u32 {
            default: 10,
            description: "Log lines allowed per interval and confinement tree (default 10)",
        },
        log_interval_ms: u32 {
            default: 5000,
            description: "Log rate-limit interval in ms; 0 = no limit (default 5000)",
        },
    },
}

/// The module's state while it is loaded: the registered probes and the
/// status file. Unloading is refused while any process is confined (each
/// holds a module reference), so dropping this never lifts a sandbox.
struct SeccompMode {
    _registration: ffi::Registration,
    _objects: objects_ffi::ObjectProbes,
}

impl kernel::Module for SeccompMode {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let (interval, burst) = (
            *module_parameters::log_interval_ms.value(),
            *module_parameters::log_burst.value(),
        );
        ffi::log_ratelimit_init(interval, burst);
        audit::set_budget(interval, burst);
        let registration = ffi::Registration::new()?;
        let objects = objects_ffi::ObjectProbes::new()?;
        pr_info!("loaded\n");
        Ok(SeccompMode {
            _registration: registration,
            _objects: objects,
        })
    }
}

impl Drop for SeccompMode {
    fn drop(&mut self) {
        pr_info!("unloaded\n");
    }
}
