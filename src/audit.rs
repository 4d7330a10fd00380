// SPDX-License-Identifier: GPL-2.0

//! What is recorded of kills and refusals: log-line budgets per confinement
//! tree, and the record of the kills whose line a budget held back.
//!
//! A process confined by its own `prctl` starts a tree; its descendants
//! share the tree's [`Origin`]. Each tree has its own budget of log lines
//! (`log_burst` per `log_interval_ms`), so one tree that gets killed in a
//! burst (a confined parent forking children that die at once) exhausts its
//! own budget only: the first kills of any other tree are still logged. A
//! kill whose line is held back is not lost: it is kept in [`KILLS`], the
//! last [`KILL_RECORDS`] such kills, shown in `/proc/seccomp_mode` with the
//! count of every held-back line.

use kernel::sync::atomic::{Atomic, Relaxed};

use crate::ffi;

/// The log budget: lines per interval, set once from the module parameters.
static INTERVAL_MS: Atomic<u64> = Atomic::new(5000);
static BURST: Atomic<u32> = Atomic::new(10);

/// Sets the budget of every tree (module parameters; interval 0: no limit).
pub(crate) fn set_budget(interval_ms: u32, burst: u32) {
    INTERVAL_MS.store(u64::from(interval_ms), Relaxed);
    BURST.store(burst, Relaxed);
}

/// One confinement tree: the process that called `PR_SECCOMP_MODE_SET` and
/// everything it forks afterwards.
pub(crate) struct Origin {
    /// The tgid of the process that started the tree.
    pub(crate) tgid: i32,
    /// Start of the current interval (ms).
    window: Atomic<u64>,
    /// Lines written in the current interval.
    used: Atomic<u32>,
}

impl Origin {
    /// A new tree started by process `tgid`.
    pub(crate) fn new(tgid: i32) -> Self {
        Self {
            tgid,
            window: Atomic::new(ffi::now_ms()),
            used: Atomic::new(0),
        }
    }

    /// Whether this tree may write one more log line now. Concurrent callers
    /// may start a new interval twice; the budget stays approximate within a
    /// few lines, never unbounded.
    pub(crate) fn may_log(&self) -> bool {
        let interval = INTERVAL_MS.load(Relaxed);
        if interval == 0 {
            return true;
        }
        let now = ffi::now_ms();
        let start = self.window.load(Relaxed);
        if now.wrapping_sub(start) >= interval && self.window.cmpxchg(start, now, Relaxed).is_ok() {
            self.used.store(0, Relaxed);
        }
        if self.used.fetch_add(1, Relaxed) < BURST.load(Relaxed) {
            true
        } else {
            // Keep the counter from wrapping around to "under budget".
            self.used.store(BURST.load(Relaxed), Relaxed);
            false
        }
    }
}

/// How many held-back kills are kept.
pub(crate) const KILL_RECORDS: usize = 32;

/// One kill whose log line was held back. Fields are separate atomics: a
/// reader racing a writer may see a mix of two records, never memory
/// unsafety; the status file is a snapshot.
struct KillRecord {
    /// tgid, or 0 for an unused slot.
    tgid: Atomic<i32>,
    /// tgid of the tree's origin.
    origin: Atomic<i32>,
    /// Mode (low byte) and ABI index (second byte).
    mode_abi: Atomic<u32>,
    /// The syscall number.
    nr: Atomic<i64>,
    /// The command name, sanitized, as two words.
    comm: [Atomic<u64>; 2],
}

/// The last [`KILL_RECORDS`] kills whose line was held back.
static KILLS: [KillRecord; KILL_RECORDS] = [const {
    KillRecord {
        tgid: Atomic::new(0),
        origin: Atomic::new(0),
        mode_abi: Atomic::new(0),
        nr: Atomic::new(0),
        comm: [const { Atomic::new(0) }; 2],
    }
}; KILL_RECORDS];

/// The next slot of [`KILLS`] to write.
static NEXT: Atomic<u64> = Atomic::new(0);

/// Log lines held back by a budget (kills, complain-mode lines, refusals).
pub(crate) static SUPPRESSED: Atomic<u64> = Atomic::new(0);

/// A kill whose line was held back.
pub(crate) struct HeldKill {
    /// tgid of the killed process.
    pub(crate) tgid: i32,
    /// tgid of its tree's origin (0: unknown).
    pub(crate) origin: i32,
    /// Its mode.
    pub(crate) mode: u8,
    /// The ABI index of the syscall (see `hooks::abi_name_of`).
    pub(crate) abi: u8,
    /// The syscall number.
    pub(crate) nr: i64,
    /// Its sanitized command name.
    pub(crate) comm: [u8; 16],
}

/// Records a kill whose line was held back.
pub(crate) fn record_kill(k: &HeldKill) {
    let slot = (NEXT.fetch_add(1, Relaxed) % KILL_RECORDS as u64) as usize;
    let Some(r) = KILLS.get(slot) else {
        return;
    };
    let (lo, hi) = k.comm.split_at(8);
    let word = |b: &[u8]| {
        let mut w = [0u8; 8];
        w.copy_from_slice(b);
        u64::from_ne_bytes(w)
    };
    r.tgid.store(0, Relaxed);
    r.origin.store(k.origin, Relaxed);
    r.mode_abi
        .store(u32::from(k.mode) | u32::from(k.abi) << 8, Relaxed);
    r.nr.store(k.nr, Relaxed);
    r.comm[0].store(word(lo), Relaxed);
    r.comm[1].store(word(hi), Relaxed);
    r.tgid.store(k.tgid, Relaxed);
}

/// Calls `f` for each recorded held-back kill, oldest first.
pub(crate) fn for_each_kill(mut f: impl FnMut(&HeldKill)) {
    let next = NEXT.load(Relaxed);
    for i in 0..KILL_RECORDS as u64 {
        let slot = (next.wrapping_add(i) % KILL_RECORDS as u64) as usize;
        let Some(r) = KILLS.get(slot) else {
            continue;
        };
        let tgid = r.tgid.load(Relaxed);
        if tgid == 0 {
            continue;
        }
        let mut comm = [0u8; 16];
        comm[..8].copy_from_slice(&r.comm[0].load(Relaxed).to_ne_bytes());
        comm[8..].copy_from_slice(&r.comm[1].load(Relaxed).to_ne_bytes());
        let mode_abi = r.mode_abi.load(Relaxed);
        f(&HeldKill {
            tgid,
            origin: r.origin.load(Relaxed),
            mode: mode_abi as u8,
            abi: (mode_abi >> 8) as u8,
            nr: r.nr.load(Relaxed),
            comm,
        });
    }
}
