// SPDX-License-Identifier: GPL-2.0

//! What the probes do: the per-process state, the syscall check, fork and
//! exit tracking, and the status file.
//!
//! A process is confined when the map in `rust/ffi.rs` has an entry for it
//! (keyed by its `signal_struct`, so all its threads share one entry). The
//! entry is created by `PR_SECCOMP_MODE_SET` or, for a child, by the fork
//! probe before the child first runs; it is removed by the process's last
//! exiting thread. Each entry holds a reference on the module, so the module
//! cannot be unloaded while any process is confined.

use kernel::alloc::flags::{GFP_ATOMIC, GFP_KERNEL};
use kernel::bindings;
use kernel::prelude::*;
use kernel::seq_file::SeqFile;
use kernel::sync::atomic::{Atomic, Relaxed};

use crate::ffi::{self, InsertError, SyscallRegs, Task};
use crate::policy::{self, State, Verdict, PR_SECCOMP_MODE_GET, PR_SECCOMP_MODE_SET};
use crate::tables::{tables, Abi, PRCTL_NRS};

#[cfg(not(CONFIG_X86_64))]
compile_error!("only x86_64 has an arch shim so far; the arm64 tables are data for the port");

/// The ABIs a syscall can arrive with on this architecture.
pub(crate) const RUNTIME_ABIS: [Abi; 3] = [Abi::X86_64, Abi::Ia32, Abi::X32];

/// The index of `abi` in the counters and in the complain-mode bitmaps.
fn abi_index(abi: Abi) -> usize {
    match abi {
        Abi::X86_64 | Abi::Arm64 => 0,
        Abi::Ia32 | Abi::Arm => 1,
        Abi::X32 => 2,
    }
}

/// The name of an ABI in log lines and the status file.
pub(crate) fn abi_name(abi: Abi) -> &'static str {
    match abi {
        Abi::X86_64 => "x86_64",
        Abi::Ia32 => "ia32",
        Abi::X32 => "x32",
        Abi::Arm64 => "arm64",
        Abi::Arm => "arm",
    }
}

/// Bits per ABI in the complain-mode bitmap: one per number in `0..512`,
/// one for every other number.
const LOGGED_BITS: usize = 513;
const LOGGED_WORDS: usize = LOGGED_BITS.div_ceil(64);

/// The state of one confined process.
pub(crate) struct Confined {
    /// `State::encode()`; changed by compare-and-exchange.
    state: Atomic<u32>,
    /// Thread-group id when confined (initial pid namespace).
    tgid: i32,
    /// Command name when confined, NUL-padded.
    comm: [u8; 16],
    /// Denied syscalls (killed or logged).
    violations: Atomic<u64>,
    /// Complain mode: which (ABI, number) pairs were logged already.
    logged: [[Atomic<u64>; LOGGED_WORDS]; 3],
}

impl Confined {
    fn new(state: State, task: &Task<'_>) -> Self {
        Self {
            state: Atomic::new(state.encode()),
            tgid: task.tgid(),
            comm: policy::sanitize_comm(task.comm()),
            violations: Atomic::new(0),
            logged: [const { [const { Atomic::new(0) }; LOGGED_WORDS] }; 3],
        }
    }

    /// The current state.
    fn state(&self) -> Option<State> {
        State::decode(self.state.load(Relaxed))
    }

    /// The word and bit of (abi, nr) in the complain-mode bitmap.
    fn logged_bit(&self, abi: Abi, nr: i64) -> (&Atomic<u64>, u64) {
        let bit = match usize::try_from(nr & !policy::X32_SYSCALL_BIT) {
            Ok(n) if n < LOGGED_BITS - 1 => n,
            _ => LOGGED_BITS - 1,
        };
        (&self.logged[abi_index(abi)][bit / 64], 1u64 << (bit % 64))
    }

    /// Marks (abi, nr) as logged; `false` if it was already.
    fn mark_logged(&self, abi: Abi, nr: i64) -> bool {
        let (word, mask) = self.logged_bit(abi, nr);
        let mut old = word.load(Relaxed);
        loop {
            if old & mask != 0 {
                return false;
            }
            match word.cmpxchg(old, old | mask, Relaxed) {
                Ok(_) => return true,
                Err(cur) => old = cur,
            }
        }
    }

    /// Whether (abi, nr) was logged already.
    fn is_logged(&self, abi: Abi, nr: i64) -> bool {
        let (word, mask) = self.logged_bit(abi, nr);
        word.load(Relaxed) & mask != 0
    }
}

/// The text of a command name from [`policy::sanitize_comm`].
fn comm_str(comm: &[u8; 16]) -> &str {
    let len = comm.iter().position(|&b| b == 0).unwrap_or(comm.len());
    core::str::from_utf8(&comm[..len]).unwrap_or("?")
}

/// The number of entries in the map, raised before an insertion and lowered
/// after a removal, so that 0 means no process is confined. The syscall path
/// of an unconfined task ends at this one load while it is 0.
static CONFINED: Atomic<i64> = Atomic::new(0);

/// Counter kinds, per mode and ABI.
const ENTERED: usize = 0;
const KILLED: usize = 1;
const LOGGED: usize = 2;

/// `[mode - 1][abi][kind]` event counters.
static COUNTERS: [[[Atomic<u64>; 3]; 3]; 2] =
    [const { [const { [const { Atomic::new(0) }; 3] }; 3] }; 2];

fn count(mode: u8, abi: Abi, kind: usize) {
    if let Some(per_mode) = COUNTERS.get(usize::from(mode).wrapping_sub(1)) {
        per_mode[abi_index(abi)][kind].add(1, Relaxed);
    }
}

/// Whether `nr` of `abi` is the module's prctl, and if so its option.
fn our_prctl(abi: Abi, nr: i64, regs: &SyscallRegs<'_>) -> Option<(u32, [u64; 4])> {
    let t = tables(abi)?;
    if nr != i64::from(t.prctl) {
        return None;
    }
    let args = regs.args();
    // The kernel reads the option as an `int`.
    let option = args[0] as u32;
    if option != PR_SECCOMP_MODE_SET && option != PR_SECCOMP_MODE_GET {
        return None;
    }
    Some((option, [args[1], args[2], args[3], args[4]]))
}

/// The `sys_enter` probe: runs before every syscall of every task while the
/// module is loaded.
#[inline]
pub(crate) fn sys_enter(regs: &mut SyscallRegs<'_>, nr: i64) {
    // Fast path of every unconfined task while no process is confined: one
    // atomic load (and two compares with constants for the prctl numbers).
    if CONFINED.load(Relaxed) == 0 && !PRCTL_NRS.iter().any(|&p| i64::from(p) == nr) {
        return;
    }
    let abi = runtime_abi(nr);
    let maybe_prctl = tables(abi).is_some_and(|t| nr == i64::from(t.prctl));
    let entry = ffi::procs_current(regs);
    let state = entry.and_then(Confined::state);
    if maybe_prctl {
        if let Some((option, args)) = our_prctl(abi, nr, regs) {
            // In mode 1 even our prctl is a violation, as in strict mode.
            if let (Some(e), Some(s)) = (entry, state) {
                if s.mode == policy::MODE_STRICT && !violation(regs, e, s, abi, nr) {
                    return;
                }
            }
            let ret = match option {
                PR_SECCOMP_MODE_GET => policy::get(state, args).map(i64::from),
                _ => set_mode(regs, entry, abi, args).map(|()| 0),
            };
            regs.skip(ret.unwrap_or_else(|e| i64::from(e.to_errno())));
            return;
        }
    }
    let (Some(e), Some(s)) = (entry, state) else {
        return;
    };
    match policy::verdict_lazy(s.mode, abi, nr, || regs.args()[0]) {
        Verdict::Allow => {}
        Verdict::Enosys => regs.skip(-i64::from(bindings::ENOSYS)),
        Verdict::Deny => {
            violation(regs, e, s, abi, nr);
        }
    }
}

/// The ABI of the current syscall.
#[inline]
fn runtime_abi(nr: i64) -> Abi {
    policy::classify_x86(ffi::in_ia32_syscall(), nr)
}

/// The kernel's name of syscall `nr` of `abi`. x32 numbers below 512 share
/// x86_64's names (the "common" rows of `syscall_64.tbl`).
fn syscall_name(abi: Abi, nr: i64) -> &'static str {
    match abi {
        Abi::X32 => tables(Abi::X86_64).map_or("?", |t| t.name(nr & !policy::X32_SYSCALL_BIT)),
        _ => tables(abi).map_or("?", |t| t.name(nr)),
    }
}

/// A denied syscall: kill the process, or in complain mode log it once.
/// Returns whether the syscall may still run.
fn violation(regs: &mut SyscallRegs<'_>, e: &Confined, s: State, abi: Abi, nr: i64) -> bool {
    e.violations.add(1, Relaxed);
    if s.log {
        count(s.mode, abi, LOGGED);
        // Once per process and number; a line held back by the rate limit
        // is tried again on the next occurrence.
        if !e.is_logged(abi, nr) && ffi::log_ratelimit() && e.mark_logged(abi, nr) {
            log_violation(regs, "logged", s, abi, nr);
        }
        return true;
    }
    regs.skip(-i64::from(bindings::EPERM));
    ffi::kill_current();
    count(s.mode, abi, KILLED);
    if ffi::log_ratelimit() {
        log_violation(regs, "killed", s, abi, nr);
    }
    false
}

/// `seccomp_mode: <what> pid=<tgid> comm=<comm> mode=<m> abi=<abi> syscall=<nr> (<name>)`.
fn log_violation(regs: &SyscallRegs<'_>, what: &str, s: State, abi: Abi, nr: i64) {
    let task = ffi::current_task(regs);
    let comm = policy::sanitize_comm(task.comm());
    pr_info!(
        "{} pid={} comm={} mode={} abi={} syscall={} ({})\n",
        what,
        task.tgid(),
        comm_str(&comm),
        s.mode,
        abi_name(abi),
        nr,
        syscall_name(abi, nr)
    );
}

/// `PR_SECCOMP_MODE_SET` for the current process.
fn set_mode(regs: &SyscallRegs<'_>, entry: Option<&Confined>, abi: Abi, args: [u64; 4]) -> Result {
    let Some(e) = entry else {
        return confine_current(regs, abi, args);
    };
    let mut word = e.state.load(Relaxed);
    loop {
        let cur = State::decode(word);
        let Some(new) = policy::transition(cur, args)? else {
            return Ok(());
        };
        if Some(new) == cur {
            return Ok(());
        }
        match e.state.cmpxchg(word, new.encode(), Relaxed) {
            Ok(_) => {
                count(new.mode, abi, ENTERED);
                return Ok(());
            }
            Err(now) => word = now,
        }
    }
}

/// First `PR_SECCOMP_MODE_SET` of an unconfined process.
fn confine_current(regs: &SyscallRegs<'_>, abi: Abi, args: [u64; 4]) -> Result {
    let Some(new) = policy::transition(None, args)? else {
        return Ok(());
    };
    // While the module is being unloaded it behaves as if absent.
    if !ffi::module_get() {
        return Err(EINVAL);
    }
    let task = ffi::current_task(regs);
    let entry = match ffi::alloc_entry(Confined::new(new, &task), GFP_KERNEL) {
        Ok(entry) => entry,
        Err(_) => {
            ffi::module_put();
            return Err(ENOMEM);
        }
    };
    CONFINED.add(1, Relaxed);
    match ffi::procs_insert(task.key(), entry, false) {
        Ok(()) => {
            count(new.mode, abi, ENTERED);
            Ok(())
        }
        Err(err) => {
            CONFINED.add(-1, Relaxed);
            ffi::module_put();
            match err {
                // Another thread confined the process meanwhile.
                InsertError::Exists => match ffi::procs_get(&task) {
                    Some(e) => set_mode(regs, Some(e), abi, args),
                    None => Err(EAGAIN),
                },
                InsertError::NoMemory => Err(ENOMEM),
            }
        }
    }
}

/// The `sched_process_fork` probe: a new process inherits its parent's
/// state before it first runs; new threads share their process's entry.
pub(crate) fn fork(parent: &Task<'_>, child: &Task<'_>) {
    if CONFINED.load(Relaxed) == 0 || parent.key() == child.key() {
        return;
    }
    let Some(state) = ffi::procs_get(parent).and_then(Confined::state) else {
        return;
    };
    // The parent's entry holds a reference, so this cannot fail unless the
    // refcount is broken; fail closed all the same.
    if !ffi::module_get() {
        fail_closed(child, "module reference");
        return;
    }
    let entry = match ffi::alloc_entry(Confined::new(state, child), GFP_ATOMIC) {
        Ok(entry) => entry,
        Err(_) => {
            ffi::module_put();
            fail_closed(child, "out of memory");
            return;
        }
    };
    CONFINED.add(1, Relaxed);
    if ffi::procs_insert(child.key(), entry, true).is_err() {
        CONFINED.add(-1, Relaxed);
        ffi::module_put();
        fail_closed(child, "cannot record the child");
    }
}

/// A child of a confined process whose mode cannot be recorded dies before
/// it runs any user code.
fn fail_closed(child: &Task<'_>, why: &str) {
    child.kill();
    if !ffi::log_ratelimit() {
        return;
    }
    pr_err!(
        "killed new process pid={}: {}, its mode could not be recorded\n",
        child.tgid(),
        why
    );
}

/// The `sched_process_exit` probe: the last thread of a confined process
/// removes its entry and the entry's module reference.
pub(crate) fn exit(task: &Task<'_>, group_dead: bool) {
    if !group_dead || CONFINED.load(Relaxed) == 0 {
        return;
    }
    if let Some(entry) = ffi::procs_remove(task.key()) {
        drop(entry);
        CONFINED.add(-1, Relaxed);
        ffi::module_put();
    }
}

/// `/proc/seccomp_mode`: the confined processes, then the counters.
pub(crate) fn status(m: &SeqFile) {
    kernel::seq_print!(m, "# pid mode flags violations comm\n");
    ffi::procs_for_each(|e| {
        if let Some(s) = e.state() {
            kernel::seq_print!(
                m,
                "{} {} {} {} {}\n",
                e.tgid,
                s.mode,
                if s.log { "log" } else { "enforce" },
                e.violations.load(Relaxed),
                comm_str(&e.comm)
            );
        }
    });
    kernel::seq_print!(m, "# mode abi entered killed logged\n");
    for (i, per_mode) in COUNTERS.iter().enumerate() {
        for abi in RUNTIME_ABIS {
            let c = &per_mode[abi_index(abi)];
            kernel::seq_print!(
                m,
                "{} {} {} {} {}\n",
                i + 1,
                abi_name(abi),
                c[ENTERED].load(Relaxed),
                c[KILLED].load(Relaxed),
                c[LOGGED].load(Relaxed)
            );
        }
    }
}
