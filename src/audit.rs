// SPDX-License-Identifier: GPL-2.0

//! What is recorded of kills and refusals: log-line budgets per confinement
//! tree, and the record of the kills whose line a budget held back.
//!
//! A process confined by its own `prctl` starts a tree; its descendants
//! share the tree's [`Origin`]. Each tree has its own budgets of log lines
//! (`log_burst` per `log_interval_ms`), one for kill lines and one for the
//! rest (refusals, complain mode), so one tree that gets killed in a burst
//! (a confined parent forking children that die at once), or that provokes
//! refusals, exhausts its own budget only: the first kills of any other tree
//! are still logged. A kill whose line is held back is not lost: its tree
//! keeps its last [`TREE_RECORDS`] such kills, which no other tree can
//! overwrite, and the module keeps the last [`KILL_RECORDS`] of any tree
//! (also of trees that are gone); `/proc/seccomp_mode` shows both, with
//! the count of every held-back line.

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

/// A log budget: lines per interval.
struct Budget {
    /// Start of the current interval (ms).
    window: Atomic<u64>,
    /// Lines written in the current interval.
    used: Atomic<u32>,
}

impl Budget {
    fn new() -> Self {
        Self {
            window: Atomic::new(ffi::now_ms()),
            used: Atomic::new(0),
        }
    }

    /// Whether one more line may be written now. Concurrent callers may
    /// start a new interval twice; the budget stays approximate within a
    /// few lines, never unbounded.
    fn take(&self) -> bool {
        let interval = INTERVAL_MS.load(Relaxed);
        if interval == 0 {
            return true;
        }
        let now = ffi::now_ms();
        let start = self.window.load(Relaxed);
        if now.wrapping_sub(start) >= interval && self.window.cmpxchg(start, now, Relaxed).is_ok() {
            self.used.store(0, Relaxed);
        }
        let burst = BURST.load(Relaxed);
        if self.used.fetch_add(1, Relaxed) < burst {
            true
        } else {
            // Keep the counter from wrapping around to "under budget".
            self.used.store(burst, Relaxed);
            false
        }
    }
}

/// Held-back kills kept per tree.
pub(crate) const TREE_RECORDS: usize = 8;

/// One confinement tree: the process that called `PR_SECCOMP_MODE_SET` and
/// everything it forks afterwards.
pub(crate) struct Origin {
    /// The tgid of the process that started the tree.
    pub(crate) tgid: i32,
    /// Kill lines: a budget of their own, so that refusals (which cost the
    /// tree nothing) cannot spend it.
    kills: Budget,
    /// Every other line: complain-mode and object lines.
    others: Budget,
    /// The tree's last held-back kills: no other tree can overwrite them.
    held: [KillRecord; TREE_RECORDS],
    /// The next slot of `held`; also the number of kills ever held back.
    next: Atomic<u64>,
}

impl Origin {
    /// A new tree started by process `tgid`.
    pub(crate) fn new(tgid: i32) -> Self {
        Self {
            tgid,
            kills: Budget::new(),
            others: Budget::new(),
            held: [const { KillRecord::empty() }; TREE_RECORDS],
            next: Atomic::new(0),
        }
    }

    /// Whether this tree may write one more kill line now.
    pub(crate) fn may_log_kill(&self) -> bool {
        self.kills.take()
    }

    /// Whether this tree may write one more line of another kind now.
    pub(crate) fn may_log(&self) -> bool {
        self.others.take()
    }

    /// Records a kill of this tree whose line was held back, here and in
    /// the module-wide record.
    pub(crate) fn record_kill(&self, k: &HeldKill) {
        let n = self.next.fetch_add(1, Relaxed);
        if let Some(r) = self.held.get((n % TREE_RECORDS as u64) as usize) {
            r.store(k);
        }
        record_kill(k);
    }

    /// How many of this tree's kills were held back.
    pub(crate) fn held_count(&self) -> u64 {
        self.next.load(Relaxed)
    }

    /// Calls `f` for each kept held-back kill of this tree, oldest first.
    pub(crate) fn for_each_held(&self, f: impl FnMut(&HeldKill)) {
        for_each_in(&self.held, self.next.load(Relaxed), f);
    }
}

/// How many held-back kills are kept.
pub(crate) const KILL_RECORDS: usize = 32;

/// One kill whose log line was held back. Fields are separate atomics: a
/// reader racing a writer may see a mix of two records, never memory
/// unsafety; the status file is a snapshot.
pub(crate) struct KillRecord {
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

impl KillRecord {
    /// An unused slot.
    const fn empty() -> Self {
        Self {
            tgid: Atomic::new(0),
            origin: Atomic::new(0),
            mode_abi: Atomic::new(0),
            nr: Atomic::new(0),
            comm: [const { Atomic::new(0) }; 2],
        }
    }

    fn store(&self, k: &HeldKill) {
        let (lo, hi) = k.comm.split_at(8);
        let word = |b: &[u8]| {
            let mut w = [0u8; 8];
            w.copy_from_slice(b);
            u64::from_ne_bytes(w)
        };
        self.tgid.store(0, Relaxed);
        self.origin.store(k.origin, Relaxed);
        self.mode_abi
            .store(u32::from(k.mode) | u32::from(k.abi) << 8, Relaxed);
        self.nr.store(k.nr, Relaxed);
        self.comm[0].store(word(lo), Relaxed);
        self.comm[1].store(word(hi), Relaxed);
        self.tgid.store(k.tgid, Relaxed);
    }

    fn load(&self) -> Option<HeldKill> {
        let tgid = self.tgid.load(Relaxed);
        if tgid == 0 {
            return None;
        }
        let mut comm = [0u8; 16];
        comm[..8].copy_from_slice(&self.comm[0].load(Relaxed).to_ne_bytes());
        comm[8..].copy_from_slice(&self.comm[1].load(Relaxed).to_ne_bytes());
        let mode_abi = self.mode_abi.load(Relaxed);
        Some(HeldKill {
            tgid,
            origin: self.origin.load(Relaxed),
            mode: mode_abi as u8,
            abi: (mode_abi >> 8) as u8,
            nr: self.nr.load(Relaxed),
            comm,
        })
    }
}

/// Calls `f` for each used slot of the ring `slots` whose next slot to
/// write is `next % len`, oldest first.
fn for_each_in(slots: &[KillRecord], next: u64, mut f: impl FnMut(&HeldKill)) {
    let len = slots.len() as u64;
    if len == 0 {
        return;
    }
    for i in 0..len {
        let slot = (next.wrapping_add(i) % len) as usize;
        if let Some(k) = slots.get(slot).and_then(KillRecord::load) {
            f(&k);
        }
    }
}

/// The last [`KILL_RECORDS`] kills of any tree whose line was held back
/// (also those of trees that are gone).
static KILLS: [KillRecord; KILL_RECORDS] = [const { KillRecord::empty() }; KILL_RECORDS];

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
    /// The ABI index of the syscall (see `arch::Arch::position`).
    pub(crate) abi: u8,
    /// The syscall number.
    pub(crate) nr: i64,
    /// Its sanitized command name.
    pub(crate) comm: [u8; 16],
}

/// Records a kill whose line was held back in the module-wide record.
pub(crate) fn record_kill(k: &HeldKill) {
    let slot = (NEXT.fetch_add(1, Relaxed) % KILL_RECORDS as u64) as usize;
    if let Some(r) = KILLS.get(slot) {
        r.store(k);
    }
}

/// Calls `f` for each kill in the module-wide record, oldest first.
pub(crate) fn for_each_kill(f: impl FnMut(&HeldKill)) {
    for_each_in(&KILLS, NEXT.load(Relaxed), f);
}
