// SPDX-License-Identifier: GPL-2.0

//! seccomp_mode: static syscall allowlists that network daemons switch on
//! themselves once they have initialized.
//!
//! After Andrea Arcangeli's 2004 proposal of a "seccomp mode 2" for network
//! daemons: mode 1 allows only what the kernel's strict mode allows, mode 2
//! adds what a daemon needs to keep serving and falls through to mode 1. The
//! tables are static and per architecture.

use kernel::miscdevice::MiscDeviceRegistration;
use kernel::prelude::*;

mod arch;
mod audit;
mod confine;
#[path = "../rust/confine_ffi.rs"]
mod confine_ffi;
#[path = "../rust/ffi.rs"]
mod ffi;
mod hooks;
mod objects;
#[path = "../rust/objects_ffi.rs"]
mod objects_ffi;
mod policy;
/// The ruleset language, shared with the host crate `userspace/smrules`
/// (public so that the parts only the host uses are not dead code here).
pub mod rules;
mod sysset;
mod tablemode;
mod tables;
#[path = "../rust/tables_ffi.rs"]
mod tables_ffi;

#[path = "../tests/kunit/fastpath_kunit.rs"]
mod fastpath_kunit;
#[path = "../tests/kunit/objects_kunit.rs"]
mod objects_kunit;
#[path = "../tests/kunit/policy_kunit.rs"]
mod policy_kunit;
#[path = "../tests/kunit/sysset_kunit.rs"]
mod sysset_kunit;
#[path = "../tests/kunit/tablemode_kunit.rs"]
mod tablemode_kunit;
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
        tables: u32 {
            default: 1,
            description: "Table modes (3 and up) and /dev/seccomp_mode: 1 = on (default), 0 = off",
        },
    },
}

/// The module's state while it is loaded: the registered probes and the
/// status file. Unloading is refused while any process is confined (each
/// holds a module reference), so dropping this never lifts a sandbox.
struct SeccompMode {
    _registration: ffi::Registration,
    _objects: objects_ffi::ObjectProbes,
    /// `/dev/seccomp_mode`, unless `tables=0`.
    _device: Option<Pin<KBox<MiscDeviceRegistration<tablemode::device::TablesDevice>>>>,
    /// Drops replaced table generations; last, so that dropping it waits
    /// for every retirement.
    _retire: tables_ffi::RetireQueue,
}

impl kernel::Module for SeccompMode {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let (interval, burst) = (
            *module_parameters::log_interval_ms.value(),
            *module_parameters::log_burst.value(),
        );
        ffi::log_ratelimit_init(interval, burst);
        audit::set_budget(interval, burst);
        tables_ffi::init_registry_lock();
        let retire = tables_ffi::RetireQueue::new()?;
        let tables_on = *module_parameters::tables.value() != 0;
        tablemode::set_enabled(tables_on);
        let registration = ffi::Registration::new()?;
        let objects = objects_ffi::ObjectProbes::new()?;
        let device = if tables_on {
            Some(KBox::pin_init(
                MiscDeviceRegistration::register(tablemode::device::options()),
                GFP_KERNEL,
            )?)
        } else {
            None
        };
        pr_info!("loaded on {}\n", arch::THIS.name);
        Ok(SeccompMode {
            _registration: registration,
            _objects: objects,
            _device: device,
            _retire: retire,
        })
    }
}

impl Drop for SeccompMode {
    fn drop(&mut self) {
        // Nothing is confined (unloading is refused until then) and the
        // probes are gone once the fields drop; the tables go too.
        tablemode::unload_all();
        pr_info!("unloaded\n");
    }
}
