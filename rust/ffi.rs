// SPDX-License-Identifier: GPL-2.0

//! The module's narrow FFI boundary to the kernel.
//!
//! Every C function the module calls that the kernel crate does not wrap is
//! declared here and wrapped once in a safe `pub(crate)` function or type, so
//! that the rest of the module never writes `unsafe`. The C side of the shims
//! is `rust/sm_shim.c`; the probes the kernel calls are defined here too and
//! hand safe views of their arguments to [`crate::hooks`].

use core::marker::PhantomData;
use kernel::ffi::{c_char, c_int, c_long, c_uint, c_ulong, c_void};

use kernel::alloc::{AllocError, Flags};
use kernel::bindings;
use kernel::prelude::*;
use kernel::seq_file::SeqFile;

use crate::hooks::Confined;
use crate::policy::{FastAllow, FAST_ALLOW};

unsafe extern "C" {
    fn sm_array_index_nospec(index: c_ulong, size: c_ulong) -> c_ulong;
    fn sm_tp_register(name: *const c_char, probe: *mut c_void) -> c_int;
    fn sm_tp_unregister(name: *const c_char, probe: *mut c_void);
    fn sm_tp_sync();
    fn sm_syscall_args(regs: *mut bindings::pt_regs, args: *mut c_ulong);
    fn sm_syscall_skip(regs: *mut bindings::pt_regs, ret: c_long);
    fn sm_task_tgid(task: *mut c_void) -> c_int;
    fn sm_task_comm(task: *mut c_void, comm: *mut c_char);
    fn sm_kill_current();
    fn sm_kill_task(task: *mut c_void);
    fn sm_task_group_dead(task: *mut c_void) -> bool;
    fn sm_task_execd(task: *mut c_void) -> bool;
    fn sm_module_get() -> bool;
    fn sm_module_put();
    fn sm_log_ratelimit_init(interval_ms: c_uint, burst: c_uint);
    fn sm_log_ratelimit() -> bool;
    fn sm_now_ms() -> u64;
    fn sm_probe_sys_enter(data: *mut c_void, regs: *mut bindings::pt_regs, id: c_long);
    fn sm_probe_passes_test(word: u8, compat: bool, id: c_long) -> bool;
    fn sm_tgid_valid(tgid: c_int) -> bool;
    fn sm_state_get(tgid: c_int) -> u8;
    fn sm_procs_lock();
    fn sm_procs_unlock();
    fn sm_state_set_locked(tgid: c_int, state: u8);
    fn sm_procs_load(tgid: c_int) -> *mut c_void;
    fn sm_procs_insert(tgid: c_int, entry: *mut c_void, state: u8, atomic: bool) -> c_int;
    fn sm_procs_erase(tgid: c_int) -> *mut c_void;
    fn sm_procs_with_locked(
        tgid: c_int,
        f: unsafe extern "C" fn(entry: *mut c_void, arg: *mut c_void),
        arg: *mut c_void,
    );
    fn sm_procs_for_each(
        f: unsafe extern "C" fn(entry: *mut c_void, state: u8, arg: *mut c_void),
        arg: *mut c_void,
    );
    fn sm_proc_create(
        show: unsafe extern "C" fn(m: *mut bindings::seq_file, v: *mut c_void) -> c_int,
    ) -> c_int;
    fn sm_proc_remove();
}

/// Returns `index` if `index < size` and 0 otherwise, without letting the CPU
/// speculate past the bounds check (the kernel's `array_index_nospec()`).
///
/// Callers must still bounds-check first: the result is only meant to index
/// an array after `index < size` has been established.
#[inline]
pub(crate) fn array_index_nospec(index: usize, size: usize) -> usize {
    // SAFETY: `sm_array_index_nospec` is a pure function of its two integer
    // arguments; it touches no memory.
    unsafe { sm_array_index_nospec(index as c_ulong, size as c_ulong) as usize }
}

// ---------------------------------------------------------------------------
// Syscall registers and tasks.

/// The registers of the current task's syscall, inside the `sys_enter` probe.
pub(crate) struct SyscallRegs<'a> {
    regs: *mut bindings::pt_regs,
    _probe: PhantomData<&'a mut bindings::pt_regs>,
}

impl SyscallRegs<'_> {
    /// A view of the current task's user registers.
    ///
    /// # Safety
    ///
    /// `regs` must be the current task's user registers at a syscall's
    /// entry (`current_pt_regs()`), valid for the view's lifetime.
    pub(crate) unsafe fn from_raw(regs: *mut bindings::pt_regs) -> Self {
        Self {
            regs,
            _probe: PhantomData,
        }
    }

    /// The six syscall arguments in the calling ABI's order.
    pub(crate) fn args(&self) -> [u64; 6] {
        let mut args: [c_ulong; 6] = [0; 6];
        // SAFETY: `regs` are the current task's user registers, valid for the
        // probe's duration; `args` has room for the six values written.
        unsafe { sm_syscall_args(self.regs, args.as_mut_ptr()) };
        // `unsigned long` is 64 bits on every architecture the module supports.
        args.map(|a| a as u64)
    }

    /// Skips the syscall: it is not executed and returns `ret` (`-errno`).
    pub(crate) fn skip(&mut self, ret: i64) {
        // SAFETY: as in `args`; the kernel re-reads the syscall number after
        // the probe and does not dispatch a skipped (-1) syscall.
        unsafe { sm_syscall_skip(self.regs, ret as c_long) };
    }
}

/// A live task handed to a fork or exit probe.
#[derive(Clone, Copy)]
pub(crate) struct Task<'a> {
    task: *mut c_void,
    _probe: PhantomData<&'a bindings::task_struct>,
}

impl Task<'_> {
    /// A view of a live task.
    ///
    /// # Safety
    ///
    /// `task` must be a `struct task_struct *` that stays alive for the
    /// view's lifetime.
    pub(crate) unsafe fn from_raw(task: *mut c_void) -> Self {
        Self {
            task,
            _probe: PhantomData,
        }
    }

    /// The `struct task_struct *`, for the C functions that take one.
    pub(crate) fn as_ptr(&self) -> *mut c_void {
        self.task
    }

    /// The task's thread-group id in the initial pid namespace: the key of
    /// its process.
    pub(crate) fn tgid(&self) -> i32 {
        // SAFETY: the probe's caller keeps `task` alive during the probe.
        unsafe { sm_task_tgid(self.task) }
    }

    /// The task's command name, NUL-padded.
    pub(crate) fn comm(&self) -> [u8; 16] {
        let mut comm = [0u8; 16];
        // SAFETY: as in `tgid`; `comm` has room for TASK_COMM_LEN (16) bytes.
        unsafe { sm_task_comm(self.task, comm.as_mut_ptr().cast()) };
        comm
    }

    /// Whether every thread of the task's process has begun to exit (after
    /// a full barrier that pairs with the exit path's).
    pub(crate) fn group_dead(&self) -> bool {
        // SAFETY: as in `tgid`; `signal` lives as long as the task.
        unsafe { sm_task_group_dead(self.task) }
    }

    /// Whether the task ran another program since its fork (it exec'd).
    pub(crate) fn execd(&self) -> bool {
        // SAFETY: as in `tgid`; reads two integers of the task.
        unsafe { sm_task_execd(self.task) }
    }

    /// Sends SIGKILL to a new task that has not run yet; it dies before its
    /// first instruction in user mode.
    pub(crate) fn kill(&self) {
        // SAFETY: as in `tgid`.
        unsafe { sm_kill_task(self.task) };
    }
}

/// The current task, as a [`Task`] that lives as long as the probe call.
pub(crate) fn current_task<'a>(_regs: &SyscallRegs<'a>) -> Task<'a> {
    Task {
        // SAFETY: `get_current()` has no preconditions; the current task is
        // alive while it runs the `sys_enter` probe of lifetime `'a`.
        task: unsafe { bindings::get_current() }.cast(),
        _probe: PhantomData,
    }
}

/// Calls `f` with the current task.
pub(crate) fn with_current<R>(f: impl FnOnce(&Task<'_>) -> R) -> R {
    let task = Task {
        // SAFETY: `get_current()` has no preconditions; the current task is
        // alive while it runs this call.
        task: unsafe { bindings::get_current() }.cast(),
        _probe: PhantomData,
    };
    f(&task)
}

/// Sends SIGKILL to the current process (every thread); it never returns
/// to user mode. Used instead of `do_exit()`, which the probe must not call.
pub(crate) fn kill_current() {
    // SAFETY: `force_sig` on the current task in process context.
    unsafe { sm_kill_current() };
}

/// Takes a reference on this module; `false` while it is being unloaded.
pub(crate) fn module_get() -> bool {
    // SAFETY: `try_module_get(THIS_MODULE)`; no arguments.
    unsafe { sm_module_get() }
}

/// Drops a reference taken by [`module_get`].
pub(crate) fn module_put() {
    // SAFETY: only called to balance a successful `module_get`.
    unsafe { sm_module_put() };
}

/// Sets the rate limit of the kill/complain log lines: `burst` lines per
/// `interval_ms` (0: unlimited). Called once at module init, before the
/// probes are registered.
pub(crate) fn log_ratelimit_init(interval_ms: u32, burst: u32) {
    // SAFETY: initializes a static ratelimit state no probe uses yet.
    unsafe { sm_log_ratelimit_init(interval_ms, burst) };
}

/// Milliseconds since boot (jiffies' resolution).
pub(crate) fn now_ms() -> u64 {
    // SAFETY: reads the jiffies counter; no arguments.
    unsafe { sm_now_ms() }
}

/// Whether a kernel log line may be written now (see
/// [`log_ratelimit_init`]).
pub(crate) fn log_ratelimit() -> bool {
    // SAFETY: `__ratelimit()` on a static state; no arguments.
    unsafe { sm_log_ratelimit() }
}

// ---------------------------------------------------------------------------
// Confined processes: tgid -> mode word and tgid -> entry.
//
// Invariant: a process's entry and mode word are set by one of its own
// threads (prctl) or by its parent before it first runs (fork), and removed
// only by its last exiting thread (`group_dead`). So while any thread of a
// process runs, its entry stays allocated, and a reference handed to that
// thread's probe is valid for the probe's duration. Readers from other
// processes (the status file) use `procs_for_each`, which holds the lock
// that removal also takes.

/// Whether a process with this tgid can be confined (always, in practice).
pub(crate) fn tgid_valid(tgid: i32) -> bool {
    // SAFETY: a pure function of its argument.
    unsafe { sm_tgid_valid(tgid) }
}

/// The mode word of the process `tgid`.
pub(crate) fn state_of(tgid: i32) -> u8 {
    // SAFETY: reads one byte of the table (bounds-checked in C).
    unsafe { sm_state_get(tgid) }
}

/// The map lock, held for a mode transition.
pub(crate) struct ProcsLock(());

impl ProcsLock {
    /// Takes the lock (a spinlock: do not sleep while holding it).
    pub(crate) fn lock() -> Self {
        // SAFETY: released in `drop`.
        unsafe { sm_procs_lock() };
        ProcsLock(())
    }

    /// The mode word of `tgid`.
    pub(crate) fn state(&self, tgid: i32) -> u8 {
        state_of(tgid)
    }

    /// Sets the mode word of `tgid` (a confined process).
    pub(crate) fn set_state(&self, tgid: i32, state: u8) {
        // SAFETY: the lock is held (`self`).
        unsafe { sm_state_set_locked(tgid, state) };
    }
}

impl Drop for ProcsLock {
    fn drop(&mut self) {
        // SAFETY: taken in `lock`.
        unsafe { sm_procs_unlock() };
    }
}

/// The entry of the current process, if it is confined.
pub(crate) fn procs_current<'a>(regs: &SyscallRegs<'a>) -> Option<&'a Confined> {
    procs_get(&current_task(regs))
}

/// The entry of the process of `task`.
pub(crate) fn procs_get<'a>(task: &Task<'a>) -> Option<&'a Confined> {
    // SAFETY: `xa_load` under its own RCU read lock.
    let entry = unsafe { sm_procs_load(task.tgid()) };
    // SAFETY: entries are `KBox<Confined>` raw pointers (see `procs_insert`);
    // `task` lives for `'a`, so by the invariant above its process's entry
    // is not freed before `'a` ends.
    unsafe { entry.cast::<Confined>().as_ref() }
}

/// Why an insertion failed (the entry is freed).
pub(crate) enum InsertError {
    /// The process already has an entry.
    Exists,
    /// No memory for the map's nodes, or an impossible tgid.
    Failed,
}

/// Records `entry` and mode word `state` for the process `tgid`. `atomic`
/// selects GFP_ATOMIC.
pub(crate) fn procs_insert(
    tgid: i32,
    entry: KBox<Confined>,
    state: u8,
    atomic: bool,
) -> Result<(), InsertError> {
    let raw = KBox::into_raw(entry);
    // SAFETY: `raw` is a valid, 4-byte aligned pointer (an xarray entry).
    let ret = unsafe { sm_procs_insert(tgid, raw.cast(), state, atomic) };
    if ret == 0 {
        return Ok(());
    }
    // SAFETY: the insertion failed, so `raw` is still only ours; it came
    // from `KBox::into_raw` above.
    drop(unsafe { KBox::from_raw(raw) });
    if ret == -(bindings::EBUSY as c_int) {
        Err(InsertError::Exists)
    } else {
        Err(InsertError::Failed)
    }
}

/// Forgets the process `tgid`; returns its entry.
pub(crate) fn procs_remove(tgid: i32) -> Option<KBox<Confined>> {
    // SAFETY: takes the map's lock.
    let raw = unsafe { sm_procs_erase(tgid) };
    if raw.is_null() {
        return None;
    }
    // SAFETY: every entry came from `KBox::into_raw` in `procs_insert`, and
    // erasing it made this the only owner; `procs_for_each` readers hold the
    // map lock that the erasure took, so none of them still looks at it.
    Some(unsafe { KBox::from_raw(raw.cast::<Confined>()) })
}

/// Allocates a box with `flags`.
pub(crate) fn alloc_entry(entry: Confined, flags: Flags) -> Result<KBox<Confined>, AllocError> {
    KBox::new(entry, flags)
}

/// Calls the closure behind `arg` on one map entry.
///
/// # Safety
///
/// `arg` must be the `&mut &mut dyn FnMut(&Confined, u8)` of a running
/// `procs_for_each`, and `entry` an entry of the locked map.
unsafe extern "C" fn for_each_trampoline(entry: *mut c_void, state: u8, arg: *mut c_void) {
    // SAFETY: `arg` is the `&mut &mut dyn FnMut` passed by `procs_for_each`,
    // which outlives this call.
    let f = unsafe { &mut *arg.cast::<&mut dyn FnMut(&Confined, u8)>() };
    // SAFETY: the map is locked, so `entry` (a `KBox<Confined>`) is alive.
    if let Some(entry) = unsafe { entry.cast::<Confined>().as_ref() } {
        f(entry, state);
    }
}

/// Calls the closure behind `arg` with one entry (or `None`).
///
/// # Safety
///
/// `arg` must be the `&mut &mut dyn FnMut(Option<&Confined>)` of a running
/// `procs_with_locked`, and `entry` null or an entry of the locked map.
unsafe extern "C" fn with_locked_trampoline(entry: *mut c_void, arg: *mut c_void) {
    // SAFETY: `arg` is the `&mut &mut dyn FnMut` passed by
    // `procs_with_locked`, which outlives this call.
    let f = unsafe { &mut *arg.cast::<&mut dyn FnMut(Option<&Confined>)>() };
    // SAFETY: the map is locked, so `entry` (a `KBox<Confined>`), if any, is
    // alive.
    f(unsafe { entry.cast::<Confined>().as_ref() });
}

/// Calls `f` with the entry of process `tgid`, if any, with the map locked
/// (`f` must not sleep): for a process other than the caller's, whose entry
/// its exit may free at any time.
pub(crate) fn procs_with_locked(tgid: i32, mut f: impl FnMut(Option<&Confined>)) {
    let mut dynf: &mut dyn FnMut(Option<&Confined>) = &mut f;
    // SAFETY: the trampoline only uses `arg` during this call.
    unsafe {
        sm_procs_with_locked(
            tgid,
            with_locked_trampoline,
            (&raw mut dynf).cast::<c_void>(),
        )
    };
}

/// Calls `f` with every confined process's entry and mode word, with the
/// map locked (`f` must not sleep).
pub(crate) fn procs_for_each(mut f: impl FnMut(&Confined, u8)) {
    let mut dynf: &mut dyn FnMut(&Confined, u8) = &mut f;
    // SAFETY: the trampoline only uses `arg` during this call.
    unsafe { sm_procs_for_each(for_each_trampoline, (&raw mut dynf).cast::<c_void>()) };
}

// ---------------------------------------------------------------------------
// Probes and the status file.

/// The bitmaps of the C probe's fast path (`sm_fast_allow` in
/// `rust/sm_shim.c`), built from the tables at compile time: a syscall of a
/// confined process whose bit is set runs without a call into Rust.
#[export_name = "sm_fast_allow"]
static SM_FAST_ALLOW: FastAllow = FAST_ALLOW;

/// Whether the C probe lets syscall `nr` of a caller with mode word `word`
/// run without calling [`sm_rs_sys_enter`]: its whole decision, for KUnit.
pub(crate) fn probe_passes(word: u8, compat: bool, nr: i64) -> bool {
    // SAFETY: a function of its arguments, of `SM_FAST_ALLOW` and of the
    // table fast paths it reads under RCU (for a table word that passes it
    // counts the hit, as the probe does).
    unsafe { sm_probe_passes_test(word, compat, nr as c_long) }
}

/// The slow path of the `sys_enter` probe, called by the C probe
/// `sm_probe_sys_enter` for what its fast path does not let through: a
/// possible `prctl` of any process, and a confined process's syscall that
/// is not in its mode's [`FAST_ALLOW`] row (denials, argument checks).
/// `word` is the caller's mode word, `compat` whether the kernel runs the
/// syscall as a compat (32-bit) one.
///
/// # Safety
///
/// Called only by `sm_probe_sys_enter`, in the context of the task entering
/// the syscall, with its user registers.
#[no_mangle]
unsafe extern "C" fn sm_rs_sys_enter(
    regs: *mut bindings::pt_regs,
    id: c_long,
    word: u8,
    compat: bool,
) {
    let mut regs = SyscallRegs {
        regs,
        _probe: PhantomData,
    };
    crate::hooks::sys_enter(&mut regs, id as i64, word, compat);
}

/// Probe on `sched_process_fork`: `(void *data, parent, child)`.
///
/// # Safety
///
/// Called only by the kernel's `sched_process_fork` tracepoint, in the
/// parent's context, before `child` first runs; both tasks are alive.
unsafe extern "C" fn probe_fork(_data: *mut c_void, parent: *mut c_void, child: *mut c_void) {
    let parent = Task {
        task: parent,
        _probe: PhantomData,
    };
    let child = Task {
        task: child,
        _probe: PhantomData,
    };
    crate::hooks::fork(&parent, &child);
}

/// Probe on `sched_process_exit`: `(void *data, task, bool group_dead)`.
///
/// # Safety
///
/// Called only by the kernel's `sched_process_exit` tracepoint, in the
/// exiting task's own context.
unsafe extern "C" fn probe_exit(_data: *mut c_void, task: *mut c_void, group_dead: bool) {
    let task = Task {
        task,
        _probe: PhantomData,
    };
    crate::hooks::exit(&task, group_dead);
}

/// Probe on `sched_process_exec`: `(void *data, task, pid_t old_pid, bprm)`.
///
/// # Safety
///
/// Called only by the kernel's `sched_process_exec` tracepoint, in the
/// context of the task that has just replaced its program.
unsafe extern "C" fn probe_exec(
    _data: *mut c_void,
    task: *mut c_void,
    _old_pid: c_int,
    _bprm: *mut c_void,
) {
    let task = Task {
        task,
        _probe: PhantomData,
    };
    crate::hooks::exec(&task);
}

/// `show` of `/proc/seccomp_mode`.
///
/// # Safety
///
/// Called only by seq_file's `single_open` machinery with a valid `m` that no
/// other thread uses during the call.
unsafe extern "C" fn status_show(m: *mut bindings::seq_file, _v: *mut c_void) -> c_int {
    // SAFETY: see the function's safety section.
    let m = unsafe { SeqFile::from_raw(m) };
    crate::hooks::status(m);
    0
}

/// The tracepoints and their probes, in registration order: fork and exit
/// first, so that no process can be confined before its children are
/// tracked.
const PROBES: [(&CStr, *mut c_void); 4] = [
    (c"sched_process_fork", probe_fork as *mut c_void),
    (c"sched_process_exit", probe_exit as *mut c_void),
    (c"sched_process_exec", probe_exec as *mut c_void),
    (c"sys_enter", sm_probe_sys_enter as *mut c_void),
];

/// The registered probes and the status file; dropping it unregisters the
/// probes and waits until none runs any more.
pub(crate) struct Registration {
    probes: usize,
    proc_file: bool,
}

impl Registration {
    /// Registers the probes and creates `/proc/seccomp_mode`.
    pub(crate) fn new() -> Result<Self> {
        let mut reg = Registration {
            probes: 0,
            proc_file: false,
        };
        for (name, probe) in PROBES {
            // SAFETY: `name` is a C string and `probe` has the tracepoint's
            // probe signature (see the functions above).
            let ret = unsafe { sm_tp_register(name.as_char_ptr(), probe) };
            if ret != 0 {
                pr_err!(
                    "cannot attach to tracepoint {}: error {} (needs CONFIG_FTRACE_SYSCALLS and CONFIG_TRACEPOINTS)\n",
                    name.to_str().unwrap_or("?"),
                    ret
                );
                return Err(Error::from_errno(ret));
            }
            reg.probes += 1;
        }
        // SAFETY: `status_show` has seq_file's `show` signature.
        let ret = unsafe { sm_proc_create(status_show) };
        if ret != 0 {
            pr_err!("cannot create /proc/seccomp_mode: error {}\n", ret);
            return Err(Error::from_errno(ret));
        }
        reg.proc_file = true;
        Ok(reg)
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        if self.proc_file {
            // SAFETY: created in `new`; `proc_remove` waits for readers.
            unsafe { sm_proc_remove() };
        }
        for (name, probe) in PROBES.iter().take(self.probes).rev() {
            // SAFETY: this exact probe was registered on `name` in `new`.
            unsafe { sm_tp_unregister(name.as_char_ptr(), *probe) };
        }
        // SAFETY: no arguments; waits for probes still running on any CPU.
        unsafe { sm_tp_sync() };
    }
}
