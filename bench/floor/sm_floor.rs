// SPDX-License-Identifier: GPL-2.0

//! sm_floor: a bench-only module whose `sys_enter` probe returns at once.
//!
//! `make bench` loads it to measure the unavoidable price of hooking the
//! syscall entry path with a tracepoint probe: every task takes the syscall
//! slow path and calls the probe. seccomp_mode's own share is its cost above
//! this floor. Never load it outside a benchmark: it does nothing useful.

use core::ffi::{c_long, c_void};

use kernel::bindings;
use kernel::prelude::*;

module! {
    type: SmFloor,
    name: "sm_floor",
    authors: ["seccomp_mode developers"],
    description: "Bench-only: empty sys_enter probe (the hook's floor)",
    license: "GPL",
}

/// The empty probe.
///
/// # Safety
///
/// Called only by the `sys_enter` tracepoint.
unsafe extern "C" fn probe(_data: *mut c_void, _regs: *mut bindings::pt_regs, _id: c_long) {}

/// Stores the `sys_enter` tracepoint into `*priv_` when `tp` is it.
///
/// # Safety
///
/// Called only by `for_each_kernel_tracepoint` with the `priv_` given below.
unsafe extern "C" fn find(tp: *mut bindings::tracepoint, priv_: *mut c_void) {
    // SAFETY: `tp` is a built-in tracepoint with a static name.
    let name = unsafe { CStr::from_char_ptr((*tp).name) };
    if name == c"sys_enter" {
        // SAFETY: `priv_` points at the `*mut tracepoint` of `init`.
        unsafe { *priv_.cast::<*mut bindings::tracepoint>() = tp };
    }
}

struct SmFloor {
    tp: *mut bindings::tracepoint,
}

// SAFETY: `tp` points at a static built-in tracepoint.
unsafe impl Send for SmFloor {}
// SAFETY: as above; it is only read.
unsafe impl Sync for SmFloor {}

impl kernel::Module for SmFloor {
    fn init(_module: &'static ThisModule) -> Result<Self> {
        let mut tp: *mut bindings::tracepoint = core::ptr::null_mut();
        // SAFETY: `find` only writes through the pointer to `tp`.
        unsafe { bindings::for_each_kernel_tracepoint(Some(find), (&raw mut tp).cast()) };
        if tp.is_null() {
            return Err(ENOENT);
        }
        // SAFETY: `tp` is the sys_enter tracepoint and `probe` has its
        // probe signature.
        let ret =
            unsafe { bindings::tracepoint_probe_register(tp, probe as *mut c_void, core::ptr::null_mut()) };
        if ret != 0 {
            return Err(Error::from_errno(ret));
        }
        pr_info!("floor probe on sys_enter\n");
        Ok(SmFloor { tp })
    }
}

impl Drop for SmFloor {
    fn drop(&mut self) {
        // SAFETY: the probe was registered on `tp` in `init`; the two
        // synchronize calls are tracepoint_synchronize_unregister().
        unsafe {
            bindings::tracepoint_probe_unregister(self.tp, probe as *mut c_void, core::ptr::null_mut());
            bindings::synchronize_srcu(&raw mut bindings::rcu_tasks_trace_srcu_struct);
            bindings::synchronize_srcu(&raw mut bindings::tracepoint_srcu);
        }
    }
}
