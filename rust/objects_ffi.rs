// SPDX-License-Identifier: GPL-2.0

//! The FFI of the object checks: the kprobes of `rust/sm_objects.c` call the
//! `sm_rs_*` functions here, which hand safe views of their arguments to
//! [`crate::hooks`]; and the safe wrappers of the C functions the module
//! calls for them (kprobe registration, io_uring ownership, the task_work
//! that runs after a process entered a mode).

use kernel::bindings;
use kernel::ffi::{c_int, c_long, c_uint, c_void};
use kernel::prelude::*;

use crate::ffi::{SyscallRegs, Task};
use crate::objects::OpenFacts;

unsafe extern "C" {
    fn sm_kprobes_register() -> c_int;
    fn sm_kprobes_unregister();
    fn sm_current_has_io_uring() -> bool;
    fn sm_uring_seen_current() -> bool;
    fn sm_uring_seen_after_publish() -> bool;
    fn sm_uring_forget(tgid: c_int);
    fn sm_uring_seen_tgid_after_publish(tgid: c_int) -> bool;
    fn sm_post_enter_alloc() -> *mut c_void;
    fn sm_post_enter_free(p: *mut c_void);
    fn sm_post_enter_queue(p: *mut c_void);
    fn sm_entering_set();
    fn sm_entering_clear();
    fn sm_fork_unconfined(parent_tgid: c_int, child_tgid: c_int);
    fn sm_racing_forget(tgid: c_int);
    fn sm_wait_fork_probes_selftest() -> bool;
}

/// Marks the current process as entering a mode, before it publishes its
/// mode word (see "Forks racing the prctl" in `rust/sm_objects.c`).
pub(crate) fn entering_set() {
    // SAFETY: sets one bit of a static bitmap, with a full barrier.
    unsafe { sm_entering_set() };
}

/// Undoes [`entering_set`] when the prctl published nothing.
pub(crate) fn entering_clear() {
    // SAFETY: clears one bit of a static bitmap.
    unsafe { sm_entering_clear() };
}

/// The fork probe of a parent whose mode word read as 0: marks the child
/// racing if the parent is entering a mode or racing itself.
pub(crate) fn fork_unconfined(parent_tgid: i32, child_tgid: i32) {
    // SAFETY: tests and sets bits of static bitmaps.
    unsafe { sm_fork_unconfined(parent_tgid, child_tgid) };
}

/// Forgets the racing and entering bits of process `tgid`, which exited.
pub(crate) fn racing_forget(tgid: i32) {
    // SAFETY: clears bits of static bitmaps.
    unsafe { sm_racing_forget(tgid) };
}

/// For KUnit: whether the wait for fork probes before the racing children
/// are adopted also waits for a probe that sleeps (a preempted one) in the
/// read-side section the kernel runs `sched_process_fork` probes in. Sleeps
/// about 50 ms.
pub(crate) fn wait_fork_probes_covers_a_sleeping_probe() -> bool {
    // SAFETY: process context (KUnit); starts a kernel thread and waits for
    // its end, so that its stack-held state outlives it.
    unsafe { sm_wait_fork_probes_selftest() }
}

/// `struct sm_open_facts` of `rust/sm_shim.h`.
#[repr(C)]
pub(crate) struct SmOpenFacts {
    magic: u32,
    mode: u32,
    major: u32,
    minor: u32,
    write: bool,
    proc_top: bool,
    proc_other: bool,
    name_len: u32,
    name: [u8; 24],
}

/// The registered kprobes; dropping it unregisters them and waits until no
/// handler runs any more.
pub(crate) struct ObjectProbes(());

impl ObjectProbes {
    /// Registers the kprobes of the object checks (all or none).
    pub(crate) fn new() -> Result<Self> {
        // SAFETY: registers the static kprobes of `rust/sm_objects.c`, whose
        // handlers call only the functions below.
        let ret = unsafe { sm_kprobes_register() };
        if ret != 0 {
            return Err(Error::from_errno(ret));
        }
        Ok(ObjectProbes(()))
    }
}

impl Drop for ObjectProbes {
    fn drop(&mut self) {
        // SAFETY: registered in `new`; `unregister_kprobes` waits for
        // running handlers.
        unsafe { sm_kprobes_unregister() };
    }
}

/// Whether the current process owns io_uring state: a thread that used a
/// ring, an io_uring worker or SQPOLL thread, or a ring descriptor.
pub(crate) fn current_has_io_uring() -> bool {
    // SAFETY: walks the current process's threads under RCU and its file
    // table under the table's lock.
    unsafe { sm_current_has_io_uring() }
}

/// Whether a thread of the current process has begun an `io_uring_setup`
/// (since the process started). With `after_publish`, after a full barrier
/// that pairs with the `security_uring_allowed` probe: called once the
/// mode word is published, it sees every setup that did not see the word.
pub(crate) fn uring_seen(after_publish: bool) -> bool {
    // SAFETY: reads one bit of a static bitmap.
    unsafe {
        if after_publish {
            sm_uring_seen_after_publish()
        } else {
            sm_uring_seen_current()
        }
    }
}

/// [`uring_seen`] with `after_publish` for process `tgid`, just confined
/// by adoption.
pub(crate) fn uring_seen_of(tgid: i32) -> bool {
    // SAFETY: a full barrier and a read of one bit of a static bitmap.
    unsafe { sm_uring_seen_tgid_after_publish(tgid) }
}

/// Forgets the io_uring bit of process `tgid`, which has exited.
pub(crate) fn uring_forget(tgid: i32) {
    // SAFETY: clears one bit of a static bitmap.
    unsafe { sm_uring_forget(tgid) };
}

/// The work that runs when a `PR_SECCOMP_MODE_SET` that confined the
/// process returns to user mode (`sm_post_enter_fn` in
/// `rust/sm_objects.c`: it confines the processes of forks that raced the
/// prctl), allocated before anything changes.
pub(crate) struct PostEnter(*mut c_void);

impl PostEnter {
    /// Allocates it; `ENOMEM` changes nothing.
    pub(crate) fn new() -> Result<Self> {
        // SAFETY: a plain allocation.
        let p = unsafe { sm_post_enter_alloc() };
        if p.is_null() {
            return Err(ENOMEM);
        }
        Ok(PostEnter(p))
    }

    /// Queues it on the current task.
    pub(crate) fn queue(self) {
        let p = self.0;
        core::mem::forget(self);
        // SAFETY: `p` came from `sm_post_enter_alloc` and is queued (and
        // later freed) exactly once.
        unsafe { sm_post_enter_queue(p) };
    }
}

impl Drop for PostEnter {
    fn drop(&mut self) {
        // SAFETY: not queued (`queue` forgets `self`), so still ours.
        unsafe { sm_post_enter_free(self.0) };
    }
}

/// The decision of the `security_file_open` kprobe for a confined caller
/// with mode word `word`: whether to refuse the open (`-EACCES`).
///
/// # Safety
///
/// Called only by `sm_kp_file_open` with a valid `facts`.
#[no_mangle]
unsafe extern "C" fn sm_rs_file_open(facts: *const SmOpenFacts, word: u8) -> bool {
    // SAFETY: see the function's safety section.
    let Some(f) = (unsafe { facts.as_ref() }) else {
        return false;
    };
    let len = usize::try_from(f.name_len).unwrap_or(0).min(f.name.len());
    let facts = OpenFacts {
        magic: f.magic,
        mode: f.mode,
        major: f.major,
        minor: f.minor,
        write: f.write,
        proc_top_name: f.proc_top.then(|| &f.name[..len]),
        proc_other_process: f.proc_other,
    };
    crate::hooks::file_open(&facts, word)
}

/// The decision of the `security_socket_create` kprobe for a confined
/// caller: whether to refuse the socket (`-EAFNOSUPPORT`).
///
/// # Safety
///
/// Called only by `sm_kp_socket_create`, in the caller's context.
#[no_mangle]
unsafe extern "C" fn sm_rs_socket_create(family: c_int, word: u8) -> bool {
    crate::hooks::socket_create(family, word)
}

/// The decision of the `security_ptrace_access_check` kprobe for a confined
/// caller reaching process `target_tgid`: whether to refuse (`-EACCES`).
///
/// # Safety
///
/// Called only by `sm_kp_ptrace_access`, in the caller's context.
#[no_mangle]
unsafe extern "C" fn sm_rs_ptrace_access(target_tgid: c_int, mode: c_uint, word: u8) -> bool {
    crate::hooks::ptrace_access(target_tgid, mode, word)
}

/// The decision of the `security_kernel_module_request` kprobe for a
/// confined caller: whether to refuse the module load (`-EPERM`).
///
/// # Safety
///
/// Called only by `sm_kp_module_request` with `name` valid for `len` bytes.
#[no_mangle]
unsafe extern "C" fn sm_rs_module_request(name: *const u8, len: usize, word: u8) -> bool {
    // SAFETY: see the function's safety section.
    let name = unsafe { core::slice::from_raw_parts(name, len) };
    crate::hooks::module_request(name, word)
}

/// The decision of the `security_capable` kprobe for a confined caller's
/// own credentials: whether to refuse capability `cap` (`-EPERM`).
///
/// # Safety
///
/// Called only by `sm_kp_capable`, in the caller's context.
#[no_mangle]
unsafe extern "C" fn sm_rs_capable(cap: c_int, audit: bool, word: u8) -> bool {
    crate::hooks::capable(cap, audit, word)
}

/// The decision of the `__secure_computing` kprobe for a confined caller:
/// whether to skip the syscall (it was refused and the process killed).
///
/// # Safety
///
/// Called only by `sm_kp_secure_computing`, in the context of the task
/// entering syscall `nr`, with its user registers.
#[no_mangle]
unsafe extern "C" fn sm_rs_seccomp_entry(
    regs: *mut bindings::pt_regs,
    nr: c_long,
    word: u8,
    compat: bool,
) -> bool {
    // SAFETY: see the function's safety section.
    let mut regs = unsafe { SyscallRegs::from_raw(regs) };
    crate::hooks::seccomp_entry(&mut regs, nr as i64, word, compat)
}

/// A racing process (created by a fork whose probe read its parent as
/// unconfined while the parent was entering a mode, or racing itself) whose
/// parent is now confined ([`crate::hooks::adopt_child`]); whether it was
/// confined now.
///
/// # Safety
///
/// Called only by `sm_adopt_round` and `sm_adopt_asked`, under RCU, with
/// live tasks.
#[no_mangle]
unsafe extern "C" fn sm_rs_adopt_child(parent: *mut c_void, child: *mut c_void) -> bool {
    // SAFETY: see the function's safety section; the tasks live for the call.
    let (parent, child) = unsafe { (Task::from_raw(parent), Task::from_raw(child)) };
    crate::hooks::adopt_child(&parent, &child)
}
