// SPDX-License-Identifier: GPL-2.0

//! The FFI of `SM_IOC_CONFINE` (`rust/sm_confine.c`): a pidfd's task held
//! by a reference, the permission to confine it, its descendants, and the
//! bits that keep forks racing the confinement from escaping it (see "Forks
//! racing the prctl" in `rust/sm_objects.c`).

use core::ptr::NonNull;

use kernel::ffi::{c_int, c_uint, c_void};
use kernel::prelude::*;

use crate::ffi::Task;

unsafe extern "C" {
    fn sm_pidfd_task(fd: c_int, err: *mut c_int) -> *mut c_void;
    fn sm_task_put(task: *mut c_void);
    fn sm_task_is_kthread(task: *mut c_void) -> bool;
    fn sm_task_is_current_process(task: *mut c_void) -> bool;
    fn sm_task_is_global_init(task: *mut c_void) -> bool;
    fn sm_mm_shared_outside(task: *mut c_void, word: u8) -> bool;
    fn sm_descendants_may_attach(tgid: c_int) -> bool;
    fn sm_fatal_signal_pending() -> bool;
    fn sm_may_attach(task: *mut c_void) -> bool;
    fn sm_task_has_io_uring(task: *mut c_void) -> bool;
    fn sm_descendants(
        tgid: c_int,
        out: *mut *mut c_void,
        max: c_uint,
        kept: *mut c_uint,
        more: *mut bool,
    ) -> c_uint;
    fn sm_entering_set_tgid(tgid: c_int);
    fn sm_settle_entered(tgid: c_int);
}

/// A task held by a reference, released on drop.
pub(crate) struct TaskRef(NonNull<c_void>);

// SAFETY: a reference on a task may be dropped from any thread.
unsafe impl Send for TaskRef {}

impl TaskRef {
    /// The task of pidfd `fd`: `EBADF` if `fd` is no pidfd, `ESRCH` if its
    /// process was reaped.
    pub(crate) fn from_pidfd(fd: i32) -> Result<Self> {
        let mut err: c_int = 0;
        // SAFETY: `fget` on the caller's own table; `err` is a valid out
        // pointer for the call.
        let task = unsafe { sm_pidfd_task(fd, &mut err) };
        NonNull::new(task).map(Self).ok_or_else(|| {
            if err < 0 {
                Error::from_errno(err)
            } else {
                ESRCH
            }
        })
    }

    /// A view of the task, alive as long as the reference.
    pub(crate) fn task(&self) -> Task<'_> {
        // SAFETY: the reference keeps the task alive for the view's lifetime.
        unsafe { Task::from_raw(self.0.as_ptr()) }
    }

    /// Whether it is a kernel thread.
    pub(crate) fn is_kthread(&self) -> bool {
        // SAFETY: the task is alive (reference held).
        unsafe { sm_task_is_kthread(self.0.as_ptr()) }
    }

    /// Whether it is a thread of the caller's own process.
    pub(crate) fn is_current_process(&self) -> bool {
        // SAFETY: as above.
        unsafe { sm_task_is_current_process(self.0.as_ptr()) }
    }

    /// Whether the caller may ptrace-attach it with its real credentials.
    pub(crate) fn may_attach(&self) -> bool {
        // SAFETY: as above; takes the task's lock and reads its creds
        // under RCU.
        unsafe { sm_may_attach(self.0.as_ptr()) }
    }
}

impl Drop for TaskRef {
    fn drop(&mut self) {
        // SAFETY: the reference taken by `sm_pidfd_task` or
        // `sm_descendants`, released once.
        unsafe { sm_task_put(self.0.as_ptr()) };
    }
}

/// Whether the process of `task` owns io_uring state.
pub(crate) fn task_has_io_uring(task: &Task<'_>) -> bool {
    // SAFETY: `task` is alive for the view's lifetime; walks its threads
    // under RCU, its file table under its lock, its memory through a
    // reference.
    unsafe { sm_task_has_io_uring(task.as_ptr()) }
}

/// Whether `task` is global init (which SIGKILL cannot kill).
pub(crate) fn is_global_init(task: &Task<'_>) -> bool {
    // SAFETY: `task` is alive for the view's lifetime.
    unsafe { sm_task_is_global_init(task.as_ptr()) }
}

/// Whether another process shares the memory of `task`'s process with a
/// mode word other than `word`.
pub(crate) fn mm_shared_outside(task: &Task<'_>, word: u8) -> bool {
    // SAFETY: `task` is alive for the view's lifetime; takes a reference on
    // its mm and walks the task list under RCU.
    unsafe { sm_mm_shared_outside(task.as_ptr(), word) }
}

/// Whether the caller may ptrace-attach every live descendant of `tgid`.
pub(crate) fn descendants_may_attach(tgid: i32) -> bool {
    // SAFETY: walks the task list under RCU.
    unsafe { sm_descendants_may_attach(tgid) }
}

/// Whether a fatal signal is pending for the caller.
pub(crate) fn fatal_signal_pending() -> bool {
    // SAFETY: reads the current task's pending signals.
    unsafe { sm_fatal_signal_pending() }
}

/// Descendants collected per round.
pub(crate) const ROUND: usize = 64;

/// Up to [`ROUND`] live, unconfined descendants of process `tgid`, each
/// held; counts the confined ones into `kept` if given. The flag says
/// whether there were more.
pub(crate) fn descendants(tgid: i32, kept: Option<&mut u32>) -> (KVec<TaskRef>, bool) {
    let mut raw = [core::ptr::null_mut::<c_void>(); ROUND];
    let mut more = false;
    let kept_ptr = kept.map_or(core::ptr::null_mut(), core::ptr::from_mut::<u32>);
    // SAFETY: `raw` has room for `ROUND` pointers; `kept_ptr` is null or
    // valid for the call; `more` is valid. Walks the task list under RCU.
    let n = unsafe { sm_descendants(tgid, raw.as_mut_ptr(), ROUND as c_uint, kept_ptr, &mut more) }
        as usize;
    let mut out = KVec::new();
    for &p in raw.iter().take(n) {
        let Some(p) = NonNull::new(p) else { continue };
        let r = TaskRef(p);
        // Capacity failure: the reference is dropped, and the descendant
        // left for the next round, which reports it again.
        if out.push(r, GFP_KERNEL).is_err() {
            more = true;
        }
    }
    (out, more)
}

/// Marks process `tgid` as entering a mode before its mode word is
/// published from outside.
pub(crate) fn entering_set(tgid: i32) {
    // SAFETY: sets one bit of a static bitmap, with a full barrier.
    unsafe { sm_entering_set_tgid(tgid) };
}

/// After process `tgid`'s word was published: waits for the fork probes
/// that may have read the old word, clears the entering bit and confines
/// the racing children. Sleeps.
pub(crate) fn settle_entered(tgid: i32) {
    // SAFETY: process context (the ioctl), may sleep.
    unsafe { sm_settle_entered(tgid) };
}
