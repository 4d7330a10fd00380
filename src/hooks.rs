// SPDX-License-Identifier: GPL-2.0

//! What the probes do: the per-process state, the syscall check, fork and
//! exit tracking, and the status file.
//!
//! A process is confined when its mode word (a byte per thread-group id, see
//! `rust/ffi.rs`) is non-zero; all its threads share it. A confined process
//! also has an entry (counters, complain-mode bitmap). Both are set by
//! `PR_SECCOMP_MODE_SET` or, for a child, by the fork probe before the child
//! first runs, and removed by the process's last exiting thread. Each entry
//! holds a reference on the module, so the module cannot be unloaded while
//! any process is confined.

use kernel::alloc::flags::{GFP_ATOMIC, GFP_KERNEL};
use kernel::bindings;
use kernel::prelude::*;
use kernel::seq_file::SeqFile;
use kernel::sync::atomic::{Atomic, Relaxed};
use kernel::sync::Arc;

use kernel::fmt;

use crate::arch::{self, MAX_ABIS};
use crate::audit::{self, HeldKill, Origin};
use crate::ffi::{self, InsertError, SyscallRegs, Task};
use crate::objects::{self, OpenFacts, OpenRefusal};
use crate::objects_ffi::{self, PostEnter};
use crate::policy::{self, Conf, State, Verdict, PR_SECCOMP_MODE_GET, PR_SECCOMP_MODE_SET};
use crate::tablemode::{self, Label, Outcome};
use crate::tables::{tables, Abi};

/// Bits per ABI in the complain-mode bitmap: one per number in `0..512`,
/// one for every other number.
const LOGGED_BITS: usize = 513;
const LOGGED_WORDS: usize = LOGGED_BITS.div_ceil(64);

/// The state of one confined process.
pub(crate) struct Confined {
    /// Thread-group id (initial pid namespace): the process's key.
    tgid: i32,
    /// Command name when confined, NUL-padded.
    comm: [u8; 16],
    /// Denied syscalls (killed or logged).
    pub(crate) violations: Atomic<u64>,
    /// The confinement tree it belongs to (its log budget).
    origin: Arc<Origin>,
    /// Complain mode: which (ABI, number) pairs were logged already.
    logged: [[Atomic<u64>; LOGGED_WORDS]; MAX_ABIS],
    /// Table modes: which `LOG` rules (by index) were logged already, for
    /// table generation `rule_gen`.
    rule_logged: [Atomic<u64>; RULE_WORDS],
    /// The table generation `rule_logged` is about.
    rule_gen: Atomic<u64>,
}

/// Words of [`Confined::rule_logged`]: a bit per rule of the largest table.
const RULE_WORDS: usize = crate::rules::MAX_RULES_PER_TABLE / 64;

impl Confined {
    pub(crate) fn new(task: &Task<'_>, origin: Arc<Origin>) -> Self {
        Self {
            tgid: task.tgid(),
            comm: policy::sanitize_comm(task.comm()),
            violations: Atomic::new(0),
            origin,
            logged: [const { [const { Atomic::new(0) }; LOGGED_WORDS] }; MAX_ABIS],
            rule_logged: [const { Atomic::new(0) }; RULE_WORDS],
            rule_gen: Atomic::new(0),
        }
    }

    /// The confinement tree it belongs to.
    pub(crate) fn origin(&self) -> Arc<Origin> {
        self.origin.clone()
    }

    /// Marks `LOG` rule `rule` of table generation `gen` as logged; `false`
    /// if it was already. A new generation starts with no rule logged.
    fn mark_rule_logged(&self, rule: u16, gen: u64) -> bool {
        if self.rule_gen.xchg(gen, Relaxed) != gen {
            for w in self.rule_logged.iter() {
                w.store(0, Relaxed);
            }
        }
        let Some(word) = self.rule_logged.get(usize::from(rule) / 64) else {
            return false;
        };
        let mask = 1u64 << (rule % 64);
        set_bit_once(word, mask)
    }

    /// The word and bit of (abi, nr) in the complain-mode bitmap.
    fn logged_bit(&self, abi: Abi, nr: i64) -> (&Atomic<u64>, u64) {
        let bit = match usize::try_from(arch::THIS.table_nr(abi, nr)) {
            Ok(n) if n < LOGGED_BITS - 1 => n,
            _ => LOGGED_BITS - 1,
        };
        (
            &self.logged[arch::THIS.position(abi)][bit / 64],
            1u64 << (bit % 64),
        )
    }

    /// Marks (abi, nr) as logged; `false` if it was already.
    fn mark_logged(&self, abi: Abi, nr: i64) -> bool {
        let (word, mask) = self.logged_bit(abi, nr);
        set_bit_once(word, mask)
    }

    /// Whether (abi, nr) was logged already.
    fn is_logged(&self, abi: Abi, nr: i64) -> bool {
        let (word, mask) = self.logged_bit(abi, nr);
        word.load(Relaxed) & mask != 0
    }
}

/// Sets `mask` in `word`; `false` if it was set already (by anyone).
fn set_bit_once(word: &Atomic<u64>, mask: u64) -> bool {
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

/// The text of a command name from [`policy::sanitize_comm`].
fn comm_str(comm: &[u8; 16]) -> &str {
    let len = comm.iter().position(|&b| b == 0).unwrap_or(comm.len());
    core::str::from_utf8(&comm[..len]).unwrap_or("?")
}

/// Counter kinds, per mode and ABI.
const ENTERED: usize = 0;
const KILLED: usize = 1;
const LOGGED: usize = 2;

/// `[mode - 1][abi][kind]` event counters.
static COUNTERS: [[[Atomic<u64>; 3]; MAX_ABIS]; 2] =
    [const { [const { [const { Atomic::new(0) }; 3] }; MAX_ABIS] }; 2];

fn count(mode: u32, abi: Abi, kind: usize) {
    if let Some(per_mode) = COUNTERS.get((mode as usize).wrapping_sub(1)) {
        per_mode[arch::THIS.position(abi)][kind].add(1, Relaxed);
    }
}

/// Whether `nr` of `abi` is the module's prctl, and if so its option.
fn our_prctl(abi: Abi, nr: i64, regs: &SyscallRegs<'_>) -> Option<(u32, [u64; 4])> {
    let t = tables(abi)?;
    if nr != i64::from(t.prctl) {
        return None;
    }
    // A compat prctl reads only the low 32 bits of each register.
    let args = policy::abi_args(abi, regs.args());
    // The kernel reads the option as an `int`.
    let option = args[0] as u32;
    if option != PR_SECCOMP_MODE_SET && option != PR_SECCOMP_MODE_GET {
        return None;
    }
    Some((option, [args[1], args[2], args[3], args[4]]))
}

/// The `sys_enter` probe's decisions, for a syscall of a confined process
/// (mode word `word`) that its mode does not allow whatever the arguments,
/// or a possible `prctl` of any process. The C probe in `rust/sm_shim.c`
/// has already let every other syscall through after loading the caller's
/// mode word: an unconfined caller's syscalls other than `prctl`, and a
/// confined caller's syscalls in its mode's fast bitmap
/// ([`crate::tables::FAST_ALLOW`]).
pub(crate) fn sys_enter(regs: &mut SyscallRegs<'_>, nr: i64, word: u8, compat: bool) {
    let state = State::decode(word);
    let abi = arch::THIS.classify(compat, nr);
    if let Some((option, args)) = our_prctl(abi, nr, regs) {
        // In mode 1 even our prctl is a violation, as in strict mode.
        if let Some(s) = state.filter(|s| s.mode == policy::MODE_STRICT) {
            if !violation(regs, s, abi, nr) {
                return;
            }
        }
        let ret = match option {
            PR_SECCOMP_MODE_GET => get_mode(word, args),
            _ => set_mode(regs, abi, args).map(|()| 0),
        };
        regs.skip(ret.unwrap_or_else(|e| i64::from(e.to_errno())));
        return;
    }
    if word == 0 {
        return;
    }
    if let Some((slot, log)) = policy::table_slot(word) {
        table_syscall(regs, slot, log, abi, nr, true);
        return;
    }
    // A word no state encodes to cannot happen; fail closed all the same.
    let Some(s) = state else {
        violation(regs, State::enforce(policy::MODE_STRICT), abi, nr);
        return;
    };
    match policy::verdict_lazy(s.mode, abi, nr, || regs.args()) {
        Verdict::Allow => {}
        Verdict::Enosys => regs.skip(-i64::from(bindings::ENOSYS)),
        Verdict::Deny => {
            violation(regs, s, abi, nr);
        }
    }
}

/// The confinement of mode word `word` (`None`: not confined). A table
/// word whose slot holds no table (cannot happen) reads as a table mode no
/// prctl can reach.
pub(crate) fn conf_of(word: u8) -> Option<Conf> {
    if let Some((slot, log)) = policy::table_slot(word) {
        let mode = tablemode::mode_of(slot).unwrap_or(u32::MAX);
        return Some(Conf { mode, log });
    }
    State::decode(word).map(Conf::of)
}

/// `PR_SECCOMP_MODE_GET` for mode word `word`.
fn get_mode(word: u8, args: [u64; 4]) -> Result<i64> {
    if policy::table_slot(word).is_none() {
        return policy::get(State::decode(word), args).map(i64::from);
    }
    if args.iter().any(|&a| a != 0) {
        return Err(EINVAL);
    }
    Ok(conf_of(word).map_or(0, |c| i64::from(c.mode)))
}

/// A syscall of a process in table slot `slot` (complaining if `log`):
/// the table decides; `MODE1`/`MODE2` ask the static verdict. `at_entry`:
/// the `sys_enter` decision, which counts, logs `LOG` rules and answers
/// `ERRNO`; the check before a seccomp filter only kills. Returns whether
/// the call may still run.
fn table_syscall(
    regs: &mut SyscallRegs<'_>,
    slot: u8,
    log: bool,
    abi: Abi,
    nr: i64,
    at_entry: bool,
) -> bool {
    // Fetched once, cut as the kernel cuts compat arguments; the static
    // verdict of a MODE1/MODE2 fall-through reads the same (cutting again
    // changes nothing).
    let args = policy::abi_args(abi, regs.args());
    let (outcome, label, learn) =
        tablemode::decide(slot, abi, nr, &args, at_entry, |label, rule, gen| {
            log_rule(regs, slot, abi, nr, label, rule, gen)
        });
    let conf = || Conf {
        mode: tablemode::mode_of(slot).unwrap_or(u32::MAX),
        log,
    };
    // A refusal: in complain mode, learn mode records it (once per call, at
    // the syscall entry).
    let refused = |regs: &mut SyscallRegs<'_>| {
        if log && at_entry {
            tablemode::learn(slot, abi, nr, &args, learn);
        }
        violation_at(regs, conf(), abi, nr, label)
    };
    let errno = match outcome {
        Outcome::Allow => return true,
        Outcome::Errno(e) => i64::from(e),
        Outcome::Static(mode) => match policy::verdict(mode, abi, nr, &args) {
            Verdict::Allow => return true,
            Verdict::Enosys => i64::from(bindings::ENOSYS),
            Verdict::Deny => return refused(regs),
        },
        Outcome::Kill => return refused(regs),
    };
    if at_entry {
        regs.skip(-errno);
    }
    !at_entry
}

/// A `LOG` rule matched: log it once per process and rule.
fn log_rule(
    regs: &SyscallRegs<'_>,
    slot: u8,
    abi: Abi,
    nr: i64,
    label: Label,
    rule: u16,
    gen: u64,
) {
    let entry = ffi::procs_current(regs);
    if !entry.is_some_and(|e| e.mark_rule_logged(rule, gen)) || !may_log(entry, false) {
        return;
    }
    let task = ffi::current_task(regs);
    let comm = policy::sanitize_comm(task.comm());
    pr_info!(
        "log pid={} comm={} mode={} abi={} syscall={} ({}) rule={}\n",
        task.tgid(),
        comm_str(&comm),
        tablemode::mode_of(slot).unwrap_or(0),
        abi.name(),
        nr,
        syscall_name(abi, nr),
        label
    );
}

/// The kernel's name of syscall `nr` of `abi`. x32 numbers below 512 share
/// x86_64's names (the "common" rows of `syscall_64.tbl`); from 512 on they
/// are x32's own rows.
fn syscall_name(abi: Abi, nr: i64) -> &'static str {
    match abi {
        Abi::X32 => crate::tables::x32_name(arch::THIS.table_nr(abi, nr)),
        _ => tables(abi).map_or("?", |t| t.name(nr)),
    }
}

/// A denied syscall: kill the process, or in complain mode log it once.
/// Returns whether the syscall may still run.
fn violation(regs: &mut SyscallRegs<'_>, s: State, abi: Abi, nr: i64) -> bool {
    violation_at(regs, Conf::of(s), abi, nr, None)
}

/// [`violation`] in any mode; a table mode's log line names the rule or
/// policy that decided.
fn violation_at(
    regs: &mut SyscallRegs<'_>,
    s: Conf,
    abi: Abi,
    nr: i64,
    rule: Option<Label>,
) -> bool {
    let entry = ffi::procs_current(regs);
    if let Some(e) = entry {
        e.violations.add(1, Relaxed);
    }
    if s.log {
        count(s.mode, abi, LOGGED);
        // Once per process and number; a line held back by the budget is
        // tried again on the next occurrence.
        let first = entry.is_some_and(|e| !e.is_logged(abi, nr));
        if first && may_log(entry, false) && entry.is_some_and(|e| e.mark_logged(abi, nr)) {
            log_violation(regs, "logged", s, abi, nr, rule);
        }
        return true;
    }
    regs.skip(-i64::from(bindings::EPERM));
    ffi::kill_current();
    count(s.mode, abi, KILLED);
    if may_log(entry, true) {
        log_violation(regs, "killed", s, abi, nr, rule);
    } else {
        let task = ffi::current_task(regs);
        let held = HeldKill {
            tgid: task.tgid(),
            origin: entry.map_or(0, |e| e.origin.tgid),
            mode: s.mode.min(u32::from(u8::MAX)) as u8,
            abi: arch::THIS.position(abi) as u8,
            nr,
            comm: policy::sanitize_comm(task.comm()),
        };
        match entry {
            Some(e) => e.origin.record_kill(&held),
            None => audit::record_kill(&held),
        }
    }
    false
}

/// Whether a log line about the process of `entry` may be written now: its
/// tree's budget for kill lines (`kill`) or for the other lines, or the
/// module-wide one for a process without an entry. A line held back is
/// counted.
fn may_log(entry: Option<&Confined>, kill: bool) -> bool {
    let ok = match entry {
        Some(e) if kill => e.origin.may_log_kill(),
        Some(e) => e.origin.may_log(),
        None => ffi::log_ratelimit(),
    };
    if !ok {
        audit::SUPPRESSED.add(1, Relaxed);
    }
    ok
}

/// `seccomp_mode: <what> pid=<tgid> comm=<comm> mode=<m> abi=<abi> syscall=<nr> (<name>)`,
/// and ` rule=<chain>#<n>` or ` rule=<chain>:policy` in a table mode.
fn log_violation(
    regs: &SyscallRegs<'_>,
    what: &str,
    s: Conf,
    abi: Abi,
    nr: i64,
    rule: Option<Label>,
) {
    let task = ffi::current_task(regs);
    let comm = policy::sanitize_comm(task.comm());
    match rule {
        Some(rule) => pr_info!(
            "{} pid={} comm={} mode={} abi={} syscall={} ({}) rule={}\n",
            what,
            task.tgid(),
            comm_str(&comm),
            s.mode,
            abi.name(),
            nr,
            syscall_name(abi, nr),
            rule
        ),
        None => pr_info!(
            "{} pid={} comm={} mode={} abi={} syscall={} ({})\n",
            what,
            task.tgid(),
            comm_str(&comm),
            s.mode,
            abi.name(),
            nr,
            syscall_name(abi, nr)
        ),
    }
}

/// The transition of process `tgid`, confined in `cur` (mode word `word`),
/// asked with prctl arguments `args`, under the map lock: only the complain
/// flag can change (tighter, or the same mode). Returns the new state if it
/// changed. Shared by the prctl and `SM_IOC_CONFINE`.
pub(crate) fn transition_confined(
    lock: &ffi::ProcsLock,
    tgid: i32,
    word: u8,
    cur: Conf,
    args: [u64; 4],
    tables_on: bool,
) -> Result<Option<Conf>> {
    let new = policy::transition_any(Some(cur), args, tables_on)?;
    let Some(new) = new.filter(|&n| n != cur) else {
        return Ok(None);
    };
    let word = match policy::table_slot(word) {
        Some((slot, _)) => policy::table_word(slot, new.log),
        None => State {
            mode: new.mode as u8,
            log: new.log,
        }
        .encode(),
    };
    lock.set_state(tgid, word);
    Ok(Some(new))
}

/// `PR_SECCOMP_MODE_SET` for the current process.
fn set_mode(regs: &SyscallRegs<'_>, abi: Abi, args: [u64; 4]) -> Result {
    let tgid = ffi::current_task(regs).tgid();
    let tables_on = tablemode::enabled();
    {
        // Transitions of a confined process happen under the map lock, so
        // that concurrent threads cannot interleave their updates.
        let lock = ffi::ProcsLock::lock();
        let word = lock.state(tgid);
        if let Some(cur) = conf_of(word) {
            if let Some(new) = transition_confined(&lock, tgid, word, cur, args, tables_on)? {
                count(new.mode, abi, ENTERED);
            }
            return Ok(());
        }
    }
    let Some(new) = policy::transition_any(None, args, tables_on)? else {
        return Ok(());
    };
    if new.is_table() {
        // The table cannot be deleted until the process is recorded in it.
        tablemode::with_table(new.mode, |slot| {
            // As for a seccomp filter: no_new_privs or CAP_SYS_ADMIN, or a
            // set-user-ID program could run under rules its user chose.
            if !crate::tables_ffi::current_may_enter_table() {
                return Err(EACCES);
            }
            enter(regs, abi, args, policy::table_word(slot, new.log), new)
        })
    } else {
        let word = State {
            mode: new.mode as u8,
            log: new.log,
        }
        .encode();
        enter(regs, abi, args, word, new)
    }
}

/// An unconfined process enters `new` (mode word `word`).
fn enter(regs: &SyscallRegs<'_>, abi: Abi, args: [u64; 4], word: u8, new: Conf) -> Result {
    let task = ffi::current_task(regs);
    let tgid = task.tgid();
    // Global init ignores SIGKILL: a mode could refuse its calls but never
    // kill it.
    if !ffi::tgid_valid(tgid) || crate::confine_ffi::is_global_init(&task) {
        return Err(EINVAL);
    }
    // io_uring runs operations for the process in kernel threads that never
    // pass the syscall entry: a process that owns any of it, or ever began
    // to set it up, cannot be confined. A setup racing this prctl is caught
    // once the mode word is published (see `uring_race`).
    if objects_ffi::uring_seen(false) || objects_ffi::current_has_io_uring() {
        return Err(EBUSY);
    }
    let post = PostEnter::new()?;
    // While the module is being unloaded it behaves as if absent.
    if !ffi::module_get() {
        return Err(EINVAL);
    }
    let Ok(origin) = Arc::new(Origin::new(tgid), GFP_KERNEL) else {
        ffi::module_put();
        return Err(ENOMEM);
    };
    let Ok(entry) = ffi::alloc_entry(Confined::new(&task, origin), GFP_KERNEL) else {
        ffi::module_put();
        return Err(ENOMEM);
    };
    // Forks of other threads that read the word before it is published
    // mark their children racing from here on (see `adopt_child`).
    objects_ffi::entering_set();
    match ffi::procs_insert(tgid, entry, word, false) {
        Ok(()) => {
            count(new.mode, abi, ENTERED);
            post.queue();
            if objects_ffi::uring_seen(true) {
                uring_race(regs, new);
            }
            Ok(())
        }
        Err(err) => {
            ffi::module_put();
            match err {
                // Another thread confined the process meanwhile: its prctl
                // clears the entering bit once racing forks are confined;
                // a transition from its state now.
                InsertError::Exists => set_mode(regs, abi, args),
                InsertError::Failed => {
                    objects_ffi::entering_clear();
                    Err(ENOMEM)
                }
            }
        }
    }
}

/// Counts a process entering mode `mode` from outside (`SM_IOC_CONFINE`).
pub(crate) fn count_entered(mode: u32) {
    count(mode, arch::THIS.native(), ENTERED);
}

/// A process confined from outside began an `io_uring_setup` that did not
/// see its new mode word: killed before a ring can run calls unseen.
pub(crate) fn kill_raced_uring(task: &Task<'_>, s: Conf) {
    task.kill();
    count(s.mode, arch::THIS.native(), KILLED);
    if ffi::log_ratelimit() {
        let comm = policy::sanitize_comm(task.comm());
        pr_info!(
            "killed pid={} comm={} mode={}: io_uring_setup raced its confinement\n",
            task.tgid(),
            comm_str(&comm),
            s.mode
        );
    }
}

/// Another thread began an `io_uring_setup` that did not see the mode word
/// this prctl just published: the ring may appear after the prctl returns,
/// so the process is killed before it does.
fn uring_race(regs: &SyscallRegs<'_>, s: Conf) {
    ffi::kill_current();
    count(s.mode, arch::THIS.native(), KILLED);
    let entry = ffi::procs_current(regs);
    if let Some(e) = entry {
        e.violations.add(1, Relaxed);
    }
    if may_log(entry, true) {
        let task = ffi::current_task(regs);
        let comm = policy::sanitize_comm(task.comm());
        pr_info!(
            "killed pid={} comm={} mode={}: io_uring_setup raced the prctl\n",
            task.tgid(),
            comm_str(&comm),
            s.mode
        );
    }
}

/// The `__secure_computing` kprobe: a confined process's syscall is decided
/// before its seccomp filter runs, so that no filter (a user-notification
/// supervisor, an `ERRNO` or `TRACE` action) completes a syscall its mode
/// refuses. Returns whether to skip the filter and the syscall (the process
/// was killed).
pub(crate) fn seccomp_entry(regs: &mut SyscallRegs<'_>, nr: i64, word: u8, compat: bool) -> bool {
    let abi = arch::THIS.classify(compat, nr);
    if let Some((slot, log)) = policy::table_slot(word) {
        return our_prctl(abi, nr, regs).is_none()
            && !table_syscall(regs, slot, log, abi, nr, false);
    }
    let Some(s) = State::decode(word) else {
        return !violation(regs, State::enforce(policy::MODE_STRICT), abi, nr);
    };
    if our_prctl(abi, nr, regs).is_some() {
        // As in `sys_enter`: in mode 1 even the module's prctl is refused.
        return s.mode == policy::MODE_STRICT && !violation(regs, s, abi, nr);
    }
    match policy::verdict_lazy(s.mode, abi, nr, || regs.args()) {
        Verdict::Deny => !violation(regs, s, abi, nr),
        Verdict::Allow | Verdict::Enosys => false,
    }
}

/// An object a confined process used or tried to use.
#[derive(Clone, Copy)]
enum Object {
    /// A file it opened ([`objects::open_verdict`]).
    Open(OpenRefusal),
    /// Another process it reached through a ptrace access check.
    Ptrace(i32),
    /// A socket family it asked for.
    Socket(i32),
    /// A kernel module a call of it asked the kernel to load (sanitized).
    Module([u8; 32]),
    /// A capability a call of it needed.
    Capability(i32),
}

impl fmt::Display for Object {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Object::Open(OpenRefusal::CharDev(ma, mi)) => write!(f, "open=chardev:{ma}:{mi}"),
            Object::Open(OpenRefusal::BlockDev(ma, mi)) => write!(f, "open=blockdev:{ma}:{mi}"),
            Object::Open(OpenRefusal::FsWrite(fs)) => write!(f, "open={fs}:write"),
            Object::Open(OpenRefusal::Fs(fs)) => write!(f, "open={fs}"),
            Object::Open(OpenRefusal::ProcFile(name)) => write!(f, "open=procfs:{name}"),
            Object::Open(OpenRefusal::ProcOtherProcess) => write!(f, "open=procfs:other-process"),
            Object::Ptrace(tgid) => write!(f, "ptrace={tgid}"),
            Object::Socket(family) => write!(f, "socket={family}"),
            Object::Module(name) => {
                let len = name.iter().position(|&b| b == 0).unwrap_or(name.len());
                let name = core::str::from_utf8(&name[..len]).unwrap_or("?");
                write!(f, "module={name}")
            }
            Object::Capability(cap) => write!(f, "capability={cap}"),
            Object::Open(OpenRefusal::ExecWrite) => write!(f, "open=exec-write"),
        }
    }
}

/// Object refusals per mode: `[mode - 1][refused, logged]`, the table
/// modes together in the last row.
static OBJECT_COUNTERS: [[Atomic<u64>; 2]; 3] = [const { [const { Atomic::new(0) }; 2] }; 3];

/// A confined process (mode word `word`) used a refused object: refuse it
/// or, complaining, log it and let it be. Logs (rate-limited) unless
/// `quiet`. Returns whether to refuse.
fn object_refused(word: u8, obj: Object, quiet: bool) -> bool {
    // A word no state encodes to cannot happen; fail closed all the same.
    let s = conf_of(word).unwrap_or(Conf::of(State::enforce(policy::MODE_STRICT)));
    let row = if s.is_table() {
        2
    } else {
        (s.mode as usize).wrapping_sub(1)
    };
    if let Some(c) = OBJECT_COUNTERS.get(row) {
        c[usize::from(s.log)].add(1, Relaxed);
    }
    if quiet {
        return !s.log;
    }
    ffi::with_current(|task| {
        if may_log(ffi::procs_get(task), false) {
            let comm = policy::sanitize_comm(task.comm());
            pr_info!(
                "{} pid={} comm={} mode={} {}\n",
                if s.log { "logged" } else { "refused" },
                task.tgid(),
                comm_str(&comm),
                s.mode,
                obj
            );
        }
    });
    !s.log
}

/// The `security_file_open` kprobe for a confined caller: whether to refuse.
pub(crate) fn file_open(f: &OpenFacts<'_>, word: u8) -> bool {
    objects::open_verdict(f).is_some_and(|r| object_refused(word, Object::Open(r), false))
}

/// The `security_socket_create` kprobe for a confined caller: whether to
/// refuse.
pub(crate) fn socket_create(family: i32, word: u8) -> bool {
    !objects::socket_allowed(family) && object_refused(word, Object::Socket(family), false)
}

/// The `security_kernel_module_request` kprobe for a confined caller: the
/// module load is refused. The name (partly chosen by the caller, e.g.
/// `tcp_<name>`) is logged with every byte outside printable ASCII and
/// every space replaced by `?`.
pub(crate) fn module_request(name: &[u8], word: u8) -> bool {
    let mut clean = [0u8; 32];
    for (c, &b) in clean.iter_mut().zip(name.iter().take(31)) {
        *c = if b.is_ascii_graphic() { b } else { b'?' };
    }
    object_refused(word, Object::Module(clean), false)
}

/// The `security_capable` kprobe for a confined caller's own credentials:
/// whether to refuse capability `cap`. Logged unless the kernel only asks
/// quietly (`CAP_OPT_NOAUDIT`).
pub(crate) fn capable(cap: i32, audit: bool, word: u8) -> bool {
    !objects::capability_kept(cap) && object_refused(word, Object::Capability(cap), !audit)
}

/// `PTRACE_MODE_NOAUDIT`: the kernel only probes whether access would be
/// allowed (e.g. which fields `/proc/<pid>/stat` shows); refused quietly.
const PTRACE_MODE_NOAUDIT: u32 = 0x04;

/// The `security_ptrace_access_check` kprobe for a confined caller, which
/// the kernel calls only for another process: always refused.
pub(crate) fn ptrace_access(target_tgid: i32, mode: u32, word: u8) -> bool {
    object_refused(
        word,
        Object::Ptrace(target_tgid),
        mode & PTRACE_MODE_NOAUDIT != 0,
    )
}

/// The `sched_process_fork` probe: a new process inherits its parent's
/// state before it first runs; new threads share their process's entry.
pub(crate) fn fork(parent: &Task<'_>, child: &Task<'_>) {
    if parent.tgid() == child.tgid() {
        return;
    }
    let state = ffi::state_of(parent.tgid());
    if state == 0 {
        objects_ffi::fork_unconfined(parent.tgid(), child.tgid());
        return;
    }
    // The parent's entry holds a reference, so this cannot fail unless the
    // refcount is broken; fail closed all the same.
    if !ffi::module_get() {
        fail_closed(child, "module reference");
        return;
    }
    // The child joins its parent's tree (and log budget).
    let Some(origin) = ffi::procs_get(parent).map(|e| e.origin.clone()) else {
        ffi::module_put();
        fail_closed(child, "parent entry missing");
        return;
    };
    let entry = match ffi::alloc_entry(Confined::new(child, origin), GFP_ATOMIC) {
        Ok(entry) => entry,
        Err(_) => {
            ffi::module_put();
            fail_closed(child, "out of memory");
            return;
        }
    };
    match ffi::procs_insert(child.tgid(), entry, state, true) {
        Ok(()) => {}
        // A prctl's scan for racing forks saw the child in the task list
        // before this probe ran and confined it already.
        Err(InsertError::Exists) => ffi::module_put(),
        Err(InsertError::Failed) => {
            ffi::module_put();
            fail_closed(child, "cannot record the child");
        }
    }
}

/// A process created by a fork that raced its parent's
/// `PR_SECCOMP_MODE_SET` (the fork probe read the parent's old, unconfined
/// word), or forked by such a process before it was confined: confined now
/// with its parent's mode, as the fork probe would have, before the prctl
/// returns; also a child of the process that has never run. A process that
/// confined itself meanwhile keeps its own mode. Returns whether it was
/// confined now (a process that cannot be is killed instead).
pub(crate) fn adopt_child(parent: &Task<'_>, child: &Task<'_>) -> bool {
    if ffi::state_of(child.tgid()) != 0 {
        return false;
    }
    // A racing process that already ran another program (maybe a
    // set-user-ID one, under credentials the mode was never chosen for)
    // would have been killed at its execve had its fork seen the mode.
    if child.execd() {
        fail_closed(child, "racing process ran another program");
        return false;
    }
    let state = ffi::state_of(parent.tgid());
    // The parent may be another process (a racing child adopted before its
    // own child), whose exit may free its entry: look at it locked.
    let mut origin = None;
    ffi::procs_with_locked(parent.tgid(), |e| origin = e.map(|e| e.origin.clone()));
    let Some(origin) = origin.filter(|_| state != 0) else {
        fail_closed(child, "racing process without a confined parent");
        return false;
    };
    if !ffi::module_get() {
        fail_closed(child, "module reference");
        return false;
    }
    let Ok(entry) = ffi::alloc_entry(Confined::new(child, origin), GFP_ATOMIC) else {
        ffi::module_put();
        fail_closed(child, "out of memory");
        return false;
    };
    match ffi::procs_insert(child.tgid(), entry, state, true) {
        // A child that already ran may be exiting: if its exit probe ran
        // before the insertion, nobody else would remove the entry.
        Ok(()) if child.group_dead() => {
            if let Some(entry) = ffi::procs_remove(child.tgid()) {
                drop(entry);
                ffi::module_put();
            }
            false
        }
        // It ran unconfined: it may have begun an io_uring setup.
        Ok(()) if objects_ffi::uring_seen_of(child.tgid()) => {
            fail_closed(child, "racing process set up io_uring");
            true
        }
        Ok(()) => true,
        Err(InsertError::Exists) => {
            ffi::module_put();
            false
        }
        Err(InsertError::Failed) => {
            ffi::module_put();
            fail_closed(child, "cannot record the child");
            false
        }
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
    if !group_dead {
        return;
    }
    objects_ffi::uring_forget(task.tgid());
    objects_ffi::racing_forget(task.tgid());
    // The mode word is non-zero exactly while the process has an entry.
    if ffi::state_of(task.tgid()) == 0 {
        return;
    }
    if let Some(entry) = ffi::procs_remove(task.tgid()) {
        drop(entry);
        ffi::module_put();
    }
}

/// The `sched_process_exec` probe: the new program starts without the old
/// one's io_uring rings (exec cancels them and closes their descriptors, a
/// descriptor kept open is still seen), so a past `io_uring_setup` no longer
/// keeps the process from entering a mode. An enforced mode never gets here
/// (no mode or table allows exec); a complaining one may, and keeps its
/// mode.
pub(crate) fn exec(task: &Task<'_>) {
    objects_ffi::uring_forget(task.tgid());
}

/// One held-back kill in the status file:
/// `<tag> pid origin mode abi syscall comm`.
fn print_kill(m: &SeqFile, tag: &str, k: &HeldKill) {
    let abi = arch::THIS.abis.get(usize::from(k.abi));
    kernel::seq_print!(
        m,
        "{} {} {} {} {} {} {}\n",
        tag,
        k.tgid,
        k.origin,
        k.mode,
        abi.map_or("?", |a| a.name()),
        k.nr,
        comm_str(&k.comm)
    );
}

/// `/proc/seccomp_mode`: the confined processes, then the counters.
pub(crate) fn status(m: &SeqFile) {
    kernel::seq_print!(m, "# pid mode flags violations comm\n");
    ffi::procs_for_each(|e, word| {
        if let Some(s) = conf_of(word) {
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
        for (c, abi) in per_mode.iter().zip(arch::THIS.abis) {
            kernel::seq_print!(
                m,
                "{} {} {} {} {}\n",
                i + 1,
                abi.name(),
                c[ENTERED].load(Relaxed),
                c[KILLED].load(Relaxed),
                c[LOGGED].load(Relaxed)
            );
        }
    }
    kernel::seq_print!(
        m,
        "# log lines held back by a tree's budget: {}\n",
        audit::SUPPRESSED.load(Relaxed)
    );
    kernel::seq_print!(
        m,
        "# held-back kills per live tree: tree <origin> <held back>, then its last {}\n",
        audit::TREE_RECORDS
    );
    let mut shown = [0i32; 64];
    let mut n_shown = 0;
    ffi::procs_for_each(|e, _| {
        let origin = &e.origin;
        if shown[..n_shown].contains(&origin.tgid) {
            return;
        }
        if let Some(slot) = shown.get_mut(n_shown) {
            *slot = origin.tgid;
            n_shown += 1;
        }
        let held = origin.held_count();
        if held > 0 {
            kernel::seq_print!(m, "tree {} {}\n", origin.tgid, held);
            origin.for_each_held(|k| print_kill(m, "tree-kill", k));
        }
    });
    kernel::seq_print!(
        m,
        "# held-back kills of any tree: pid origin mode abi syscall comm\n"
    );
    audit::for_each_kill(|k| print_kill(m, "kill", k));
    kernel::seq_print!(m, "# mode objects refused logged\n");
    for (i, c) in OBJECT_COUNTERS.iter().enumerate() {
        let (refused, logged) = (c[0].load(Relaxed), c[1].load(Relaxed));
        match i {
            0 | 1 => kernel::seq_print!(m, "{} objects {} {}\n", i + 1, refused, logged),
            _ => kernel::seq_print!(m, "tables objects {} {}\n", refused, logged),
        }
    }
}
