// SPDX-License-Identifier: GPL-2.0

//! `SM_IOC_CONFINE`: an admin confines another, running process, as the
//! process's own `PR_SECCOMP_MODE_SET` would — the seed's "after it has
//! initialized", for a daemon nobody patched.
//!
//! Same transitions and errors as the prctl ([`policy::transition_any`]),
//! the whole process at once (its mode word is per process), later children
//! inherit it through the fork probe, and forks racing the confinement are
//! caught as for the prctl: the target's entering bit is set before its word
//! is published, and [`confine_ffi::settle_entered`] adopts the racing
//! children afterwards. With `descendants`, every live descendant that is
//! not confined yet gets the same mode, in rounds until a round finds none
//! (descendants forked by a confined one inherit; only those of a descendant
//! not yet reached can appear, and the next round finds them).

use kernel::prelude::*;
use kernel::sync::Arc;

use crate::audit::Origin;
use crate::confine_ffi::{self, TaskRef};
use crate::ffi::{self, InsertError, Task};
use crate::hooks::{self, Confined};
use crate::objects_ffi;
use crate::policy::{self, State};
use crate::tablemode;

/// `SECCOMP_MODE_FLAG_LOG`.
const FLAG_LOG: u32 = policy::FLAG_LOG as u32;
/// `SM_CONFINE_DESCENDANTS`.
pub(crate) const FLAG_DESCENDANTS: u32 = 0x100;

/// Rounds of the descendant walk before giving up (`EAGAIN`): each round
/// confines every unconfined descendant it finds, so only a tree that
/// forks new unconfined processes faster than the walk, from processes the
/// walk has not reached yet, needs more than a few.
const MAX_ROUNDS: usize = 1000;

/// Confines the process of pidfd `pidfd` in `mode` with `flags`; returns
/// how many descendants kept their own mode (with [`FLAG_DESCENDANTS`]).
pub(crate) fn confine(pidfd: i32, mode: u32, flags: u32) -> Result<u32> {
    if flags & !(FLAG_LOG | FLAG_DESCENDANTS) != 0 {
        return Err(EINVAL);
    }
    let target = TaskRef::from_pidfd(pidfd)?;
    // Global init ignores SIGKILL: a mode could never kill it.
    if target.is_kthread()
        || target.is_current_process()
        || confine_ffi::is_global_init(&target.task())
    {
        return Err(EINVAL);
    }
    if target.task().group_dead() {
        return Err(ESRCH);
    }
    let tgid = target.task().tgid();
    // Every process --children would reach must be one the caller could
    // confine directly; checked before anything changes, and again for
    // each descendant as it is confined.
    if !target.may_attach()
        || (flags & FLAG_DESCENDANTS != 0 && !confine_ffi::descendants_may_attach(tgid))
    {
        return Err(EPERM);
    }
    let args = [u64::from(mode), u64::from(flags & FLAG_LOG), 0, 0];
    confine_one(&target.task(), args, None, false)?;
    if flags & FLAG_DESCENDANTS == 0 {
        return Ok(0);
    }
    // The descendants join the target's tree (and its log budget).
    let mut origin = None;
    ffi::procs_with_locked(tgid, |e| origin = e.map(Confined::origin));
    let Some(origin) = origin else {
        // The target exited meanwhile: its descendants were its existing
        // children, whose confinement was asked together with its own.
        return Err(ESRCH);
    };
    let mut kept = 0u32;
    for round in 0..MAX_ROUNDS {
        let (found, more) = confine_ffi::descendants(tgid, (round == 0).then_some(&mut kept));
        if found.is_empty() && !more {
            return Ok(kept);
        }
        for d in found.iter() {
            if confine_ffi::fatal_signal_pending() {
                return Err(EINTR);
            }
            if !d.may_attach() {
                return Err(EPERM);
            }
            match confine_one(&d.task(), args, Some(origin.clone()), true) {
                // Exited meanwhile: nothing left to confine.
                Ok(()) | Err(ESRCH) => {}
                Err(e) => return Err(e),
            }
        }
    }
    Err(EAGAIN)
}

/// Confines the process of `task` as its own prctl with `args` would, in
/// the tree `origin` (a new one if `None`). A `descendant` that confined
/// itself meanwhile keeps its mode.
fn confine_one(
    task: &Task<'_>,
    args: [u64; 4],
    origin: Option<Arc<Origin>>,
    descendant: bool,
) -> Result {
    let tgid = task.tgid();
    let tables_on = tablemode::enabled();
    // At most twice: a process that confined itself between our look and
    // our insertion is handled as confined.
    for _ in 0..2 {
        {
            let lock = ffi::ProcsLock::lock();
            let word = lock.state(tgid);
            if let Some(cur) = hooks::conf_of(word) {
                if descendant {
                    return Ok(());
                }
                if let Some(new) =
                    hooks::transition_confined(&lock, tgid, word, cur, args, tables_on)?
                {
                    hooks::count_entered(new.mode);
                }
                return Ok(());
            }
        }
        let Some(new) = policy::transition_any(None, args, tables_on)? else {
            return Ok(());
        };
        let mut entering = false;
        let res = if new.is_table() {
            tablemode::with_table(new.mode, |slot| {
                enter(
                    task,
                    policy::table_word(slot, new.log),
                    origin.clone(),
                    descendant,
                    &mut entering,
                )
            })
        } else {
            let word = State {
                mode: new.mode as u8,
                log: new.log,
            }
            .encode();
            enter(task, word, origin.clone(), descendant, &mut entering)
        };
        // Outside the registry lock: waiting for the racing forks, if the
        // entering bit was set (never clearing one the process's own prctl
        // set, unless after our insertion attempt).
        if entering {
            confine_ffi::settle_entered(tgid);
        }
        match res {
            Err(EEXIST) => continue,
            Err(e) => return Err(e),
            Ok(()) => {}
        }
        hooks::count_entered(new.mode);
        // An io_uring_setup that raced the publication may leave a ring
        // behind: the process dies before it can use it.
        if objects_ffi::uring_seen_of(tgid) {
            hooks::kill_raced_uring(task, new);
            return Err(EBUSY);
        }
        // A process that exited before its entry was inserted: its exit
        // probe may have missed the entry.
        if task.group_dead() {
            if let Some(entry) = ffi::procs_remove(tgid) {
                drop(entry);
                ffi::module_put();
            }
            return Err(ESRCH);
        }
        return Ok(());
    }
    Err(EAGAIN)
}

/// An unconfined process gets mode word `word` from outside. Sets
/// `entering` once its entering bit is set: the caller then settles the
/// racing forks, whatever the result. `EEXIST` if it got an entry
/// meanwhile (its own prctl).
fn enter(
    task: &Task<'_>,
    word: u8,
    origin: Option<Arc<Origin>>,
    descendant: bool,
    entering: &mut bool,
) -> Result {
    let tgid = task.tgid();
    if !ffi::tgid_valid(tgid) {
        return Err(EINVAL);
    }
    if task.group_dead() {
        return Err(ESRCH);
    }
    // As for the prctl: a process that owns io_uring state or ever began to
    // set it up cannot be confined (its rings run calls unseen).
    if objects_ffi::uring_seen_of(tgid) || confine_ffi::task_has_io_uring(task) {
        return Err(EBUSY);
    }
    // Another process sharing its memory would do for it what its mode
    // refuses (descendants are all getting the same mode).
    if !descendant && confine_ffi::mm_shared_outside(task, word) {
        return Err(EBUSY);
    }
    if !ffi::module_get() {
        return Err(EINVAL);
    }
    let origin = match origin {
        Some(o) => o,
        None => match Arc::new(Origin::new(tgid), GFP_KERNEL) {
            Ok(o) => o,
            Err(_) => {
                ffi::module_put();
                return Err(ENOMEM);
            }
        },
    };
    let Ok(entry) = ffi::alloc_entry(Confined::new(task, origin), GFP_KERNEL) else {
        ffi::module_put();
        return Err(ENOMEM);
    };
    confine_ffi::entering_set(tgid);
    *entering = true;
    match ffi::procs_insert(tgid, entry, word, false) {
        Ok(()) => Ok(()),
        Err(err) => {
            ffi::module_put();
            match err {
                InsertError::Exists => Err(EEXIST),
                InsertError::Failed => Err(ENOMEM),
            }
        }
    }
}
