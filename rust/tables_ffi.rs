// SPDX-License-Identifier: GPL-2.0

//! The unsafe parts of the table modes, behind safe types: a pointer
//! published under RCU whose old values are dropped after a grace period
//! ([`RcuSlot`], [`RetireNode`], [`RetireQueue`]), per-CPU counters
//! ([`PerCpu`]; both from `rust/sm_tables.c`), the loader's capability
//! check and the global lock of the table registry.

use core::ptr;

use kernel::alloc::flags::GFP_KERNEL;
use kernel::bindings;
use kernel::ffi::{c_int, c_uint, c_ulong, c_void};
use kernel::fs::File;
use kernel::prelude::*;
use kernel::sync::atomic::{Acquire, Atomic, Release};
use kernel::sync::rcu;

use crate::tablemode::Registry;

unsafe extern "C" {
    fn sm_pcpu_alloc(n: c_uint) -> *mut u64;
    fn sm_pcpu_free(p: *mut u64);
    fn sm_pcpu_inc(p: *mut u64, i: c_uint);
    fn sm_pcpu_sum(p: *mut u64, i: c_uint) -> u64;
    fn sm_file_init_ns_sys_admin(file: *mut c_void) -> bool;
    fn sm_current_init_ns_sys_admin() -> bool;
    fn sm_current_may_enter_table() -> bool;
    fn sm_table_fast_set(slot: c_uint, fast: *mut c_void);
    fn sm_table_fast(word: u8, compat: bool, nr: c_ulong) -> c_int;
    fn sm_retire_init() -> c_int;
    fn sm_retire_exit();
    fn sm_retire_node() -> *mut c_void;
    fn sm_retire_node_free(node: *mut c_void);
    fn sm_retire_queue(
        node: *mut c_void,
        ptr: *mut c_void,
        drop: unsafe extern "C" fn(*mut c_void),
    );
}

kernel::sync::global_lock! {
    // SAFETY: `init_registry_lock` runs in module init before any use.
    pub(crate) unsafe(uninit) static REGISTRY: Mutex<Registry> = Registry::new();
}

/// A holder of the [`REGISTRY`] lock.
pub(crate) type RegistryGuard = kernel::sync::lock::GlobalGuard<REGISTRY>;

/// Initializes [`REGISTRY`]; called once, first thing in module init.
pub(crate) fn init_registry_lock() {
    // SAFETY: called once from module init, before anything can lock it
    // (the probes and the device are registered afterwards).
    unsafe { REGISTRY.init() };
}

/// A pointer to a `T` published under RCU: readers borrow it inside an RCU
/// read-side section ([`RcuSlot::with`]); a writer swaps it and waits for a
/// grace period before the old value is dropped ([`retire`]).
pub(crate) struct RcuSlot<T> {
    ptr: Atomic<*mut T>,
}

// SAFETY: the slot only hands out shared references to a `T: Sync` under RCU
// and moves `KBox<T>` (a `T: Send`) between threads.
unsafe impl<T: Send + Sync> Sync for RcuSlot<T> {}

impl<T> RcuSlot<T> {
    /// An empty slot.
    pub(crate) const fn new() -> Self {
        Self {
            ptr: Atomic::new(ptr::null_mut()),
        }
    }

    /// Calls `f` with the published value (`None`: empty) inside an RCU
    /// read-side critical section; `f` must not sleep.
    #[inline]
    pub(crate) fn with<R>(&self, f: impl FnOnce(Option<&T>) -> R) -> R {
        let _guard = rcu::read_lock();
        let p = self.ptr.load(Acquire);
        // SAFETY: a non-null pointer was published by `replace` from a
        // `KBox<T>` and is freed only by `retire` after a grace period that
        // starts after it was unpublished; `_guard` keeps this read-side
        // section (and so the value) alive while `f` runs.
        f(unsafe { p.as_ref() })
    }

    /// The published value, for a holder of the registry lock: values are
    /// published and unpublished only under that lock, so the value stays
    /// valid while `_guard` lives (and unlike [`RcuSlot::with`], the caller
    /// may sleep).
    pub(crate) fn get_locked<'a>(&'a self, _guard: &'a RegistryGuard) -> Option<&'a T> {
        let p = self.ptr.load(Acquire);
        // SAFETY: `p` is null or came from `KBox::into_raw` in `replace`;
        // `replace` runs only under `REGISTRY` (its callers hold the guard),
        // and a value is freed only after it was unpublished, so it cannot
        // be freed while `_guard` is held.
        unsafe { p.as_ref() }
    }

    /// Publishes `new` (or empties the slot). The old value, which readers
    /// may still use, is dropped after an RCU grace period, in process
    /// context, through `node` (allocated beforehand, so this cannot fail).
    pub(crate) fn replace(&self, _guard: &RegistryGuard, new: Option<KBox<T>>, node: RetireNode)
    where
        T: Send,
    {
        let p = new.map_or(ptr::null_mut(), KBox::into_raw);
        let old = self.ptr.xchg(p, Release);
        if old.is_null() {
            return;
        }
        let node = core::mem::ManuallyDrop::new(node);
        // SAFETY: `node.0` is an unused node from `sm_retire_node`, consumed
        // here (its `Drop` never runs); `old` came from `KBox::into_raw` and
        // is no longer published, so once the grace period the work waits
        // for has passed no reader can see it, and `drop_box::<T>` frees it
        // once.
        unsafe { sm_retire_queue(node.0, old.cast(), drop_box::<T>) };
    }

    /// Empties the slot and drops its value after waiting for a grace
    /// period here (module unload: nothing to allocate, may sleep).
    pub(crate) fn clear_sync(&self, _guard: &RegistryGuard) {
        let old = self.ptr.xchg(ptr::null_mut(), Release);
        if old.is_null() {
            return;
        }
        // SAFETY: called in process context (module unload).
        unsafe { bindings::synchronize_rcu() };
        // SAFETY: `old` came from `KBox::into_raw`, was unpublished before
        // the grace period just waited for, and is owned here alone.
        drop(unsafe { KBox::from_raw(old) });
    }
}

/// Drops a `KBox<T>` given as a raw pointer: the retirement callback.
///
/// # Safety
///
/// `p` must come from `KBox::<T>::into_raw` and not be used afterwards.
unsafe extern "C" fn drop_box<T>(p: *mut c_void) {
    // SAFETY: guaranteed by the caller.
    drop(unsafe { KBox::from_raw(p.cast::<T>()) });
}

/// A preallocated retirement node (see [`RcuSlot::replace`]).
pub(crate) struct RetireNode(*mut c_void);

impl RetireNode {
    /// A node; `ENOMEM` if the allocation fails.
    pub(crate) fn new() -> Result<Self> {
        // SAFETY: plain allocation; NULL on failure.
        let p = unsafe { sm_retire_node() };
        if p.is_null() {
            Err(ENOMEM)
        } else {
            Ok(Self(p))
        }
    }
}

impl Drop for RetireNode {
    fn drop(&mut self) {
        // SAFETY: an unused node from `sm_retire_node`, freed once.
        unsafe { sm_retire_node_free(self.0) };
    }
}

// SAFETY: a node is plain memory owned by its holder.
unsafe impl Send for RetireNode {}

/// The workqueue that drops retired generations; dropping it waits for
/// every retirement queued so far. Created in module init, dropped last.
pub(crate) struct RetireQueue(());

impl RetireQueue {
    /// Creates the workqueue.
    pub(crate) fn new() -> Result<Self> {
        // SAFETY: called once, from module init.
        let r = unsafe { sm_retire_init() };
        if r < 0 {
            Err(ENOMEM)
        } else {
            Ok(Self(()))
        }
    }
}

impl Drop for RetireQueue {
    fn drop(&mut self) {
        // SAFETY: the queue exists (created by `new`) and nothing queues
        // retirements any more: the device and the tables are gone.
        unsafe { sm_retire_exit() };
    }
}

/// `n` per-CPU `u64` counters.
pub(crate) struct PerCpu {
    p: *mut u64,
    n: u32,
}

// SAFETY: the counters are per-CPU memory updated with `this_cpu_inc` and
// read by summing; any thread may do both.
unsafe impl Send for PerCpu {}
// SAFETY: as above.
unsafe impl Sync for PerCpu {}

impl PerCpu {
    /// `n` zeroed counters.
    pub(crate) fn new(n: u32) -> Result<Self> {
        // SAFETY: plain allocation; NULL on failure.
        let p = unsafe { sm_pcpu_alloc(n) };
        if p.is_null() {
            return Err(ENOMEM);
        }
        Ok(Self { p, n })
    }

    /// Counts one hit on counter `i` (ignored if out of range).
    #[inline]
    pub(crate) fn inc(&self, i: u32) {
        // A benchmark-only build measures what counting costs (Kbuild).
        if cfg!(sm_no_counters) {
            return;
        }
        if i < self.n {
            // SAFETY: `p` holds `n` counters per CPU and `i < n`.
            unsafe { sm_pcpu_inc(self.p, i) };
        }
    }

    /// The sum of counter `i` over all CPUs (0 if out of range).
    pub(crate) fn sum(&self, i: u32) -> u64 {
        if i >= self.n {
            return 0;
        }
        // SAFETY: as in `inc`.
        unsafe { sm_pcpu_sum(self.p, i) }
    }
}

impl Drop for PerCpu {
    fn drop(&mut self) {
        // SAFETY: `p` came from `sm_pcpu_alloc` and is freed once.
        unsafe { sm_pcpu_free(self.p) };
    }
}

/// Marks an entry of [`FastTable`] as a constant decision (bit 31), so that
/// the counter index is stored as it is: the probe counts with one
/// load and one per-CPU increment, no adjustment.
const SM_TABLE_CONSTANT: u32 = 1 << 31;

/// Syscall numbers of [`FastTable`] per ABI.
pub(crate) const FAST_NRS: usize = 512;

/// `struct sm_table_fast` of `rust/sm_tables.c`: the syscalls of a table
/// generation whose decision is a constant `ALLOW` or errno, for the C
/// probe, with the counter each counts. Owned by its generation.
#[repr(C)]
pub(crate) struct FastTable {
    counters: *mut u64,
    decide: [[u32; FAST_NRS]; 2],
}

// SAFETY: the table is plain data plus the address of per-CPU counters that
// are owned by the same generation and updated with `this_cpu_inc`.
unsafe impl Send for FastTable {}
// SAFETY: as above; it is immutable once published.
unsafe impl Sync for FastTable {}

impl FastTable {
    /// An empty table counting into `counters`.
    pub(crate) fn new(counters: &PerCpu) -> Result<KBox<Self>> {
        let t = KBox::new(
            Self {
                counters: counters.p,
                decide: [[0; FAST_NRS]; 2],
            },
            GFP_KERNEL,
        )?;
        Ok(t)
    }

    /// Syscall `nr` of the native (or `compat`) ABI is a constant decision counting
    /// `counter` (below the counters' count): `ALLOW` for `errno` 0, else
    /// that errno (1 to 4095).
    pub(crate) fn set(
        &mut self,
        compat: bool,
        nr: usize,
        counter: u16,
        errno: u16,
        counters: &PerCpu,
    ) {
        if u32::from(counter) >= counters.n || !ptr::eq(counters.p, self.counters) || errno > 4095 {
            return;
        }
        if let Some(c) = self.decide[usize::from(compat)].get_mut(nr) {
            *c = SM_TABLE_CONSTANT | u32::from(counter) | (u32::from(errno) << 16);
        }
    }
}

/// The C probe's constant decision on syscall `nr` of a process with table
/// word `word` (counted, as the probe counts it): `Some(0)` allow,
/// `Some(e)` answer errno `e`, `None` for Rust to decide. For KUnit.
#[allow(dead_code)]
pub(crate) fn fast_decision(word: u8, compat: bool, nr: u64) -> Option<u16> {
    // SAFETY: reads the published fast tables under RCU; counts a hit.
    let r = unsafe { sm_table_fast(word, compat, nr as c_ulong) };
    u16::try_from(r).ok()
}

/// Publishes `fast` as slot `slot`'s fast path (`None`: none). The table
/// must stay alive until a grace period after it is replaced: it belongs to
/// the generation published in the same slot, which is retired that way.
pub(crate) fn publish_fast(_guard: &RegistryGuard, slot: usize, fast: Option<&FastTable>) {
    let p = fast.map_or(ptr::null_mut(), |f| ptr::from_ref(f).cast_mut().cast());
    // SAFETY: `p` is null or a live `FastTable` (`repr(C)`, the layout of
    // `struct sm_table_fast`) that outlives its publication as above.
    unsafe { sm_table_fast_set(slot as c_uint, p) };
}

/// Whether the opener of `file` had `CAP_SYS_ADMIN` in the initial user
/// namespace and the current task has it there now.
pub(crate) fn init_ns_sys_admin(file: &File) -> bool {
    // SAFETY: `file` is a valid file for the duration of the call.
    unsafe { sm_file_init_ns_sys_admin(file.as_ptr().cast()) }
}

/// Whether the current task may enter a table mode: it has no_new_privs,
/// or `CAP_SYS_ADMIN` in its user namespace (seccomp's rule for filters).
pub(crate) fn current_may_enter_table() -> bool {
    // SAFETY: no arguments; reads the current task's flags and credentials.
    unsafe { sm_current_may_enter_table() }
}

/// Whether the current task has `CAP_SYS_ADMIN` in the initial user
/// namespace.
pub(crate) fn current_init_ns_sys_admin() -> bool {
    // SAFETY: no arguments; checks the current task's credentials.
    unsafe { sm_current_init_ns_sys_admin() }
}

/// `GFP_KERNEL`, for the table code's allocations.
pub(crate) const GFP: kernel::alloc::Flags = GFP_KERNEL;
