// SPDX-License-Identifier: GPL-2.0

//! The policy: modes, flags, transitions, ABI classification and the
//! verdict on one syscall. Pure functions of their arguments, so that KUnit
//! checks every case without a user process.

use kernel::bindings;
use kernel::prelude::*;

use crate::tables::{tables, Abi};

/// `prctl` option that enters a mode: `prctl(PR_SECCOMP_MODE_SET, mode, flags, 0, 0)`.
pub(crate) const PR_SECCOMP_MODE_SET: u32 = 0x5343_4d53;
/// `prctl` option that returns the calling process's mode (0 = none).
pub(crate) const PR_SECCOMP_MODE_GET: u32 = 0x5343_4d47;

/// Mode 1: the kernel's strict-mode list.
pub(crate) const MODE_STRICT: u8 = 1;
/// Mode 2: the network-daemon list, falling through to mode 1.
pub(crate) const MODE_DAEMON: u8 = 2;
/// Complain mode: violations are logged and allowed.
pub(crate) const FLAG_LOG: u64 = 1;

/// x32 syscalls have this bit set in their number on x86_64.
pub(crate) const X32_SYSCALL_BIT: i64 = 0x4000_0000;

/// Every `CLONE_NEW*` flag `clone` accepts (`CLONE_NEWTIME` only exists for
/// `clone3`; in `clone` its bit is part of the exit signal).
pub(crate) const CLONE_NEW_MASK: u64 = (bindings::CLONE_NEWNS
    | bindings::CLONE_NEWCGROUP
    | bindings::CLONE_NEWUTS
    | bindings::CLONE_NEWIPC
    | bindings::CLONE_NEWUSER
    | bindings::CLONE_NEWPID
    | bindings::CLONE_NEWNET) as u64;

/// The confinement of a process: a mode (1 or 2) and whether it only
/// complains.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct State {
    /// 1 or 2.
    pub(crate) mode: u8,
    /// Complain mode.
    pub(crate) log: bool,
}

impl State {
    /// Enforced `mode`.
    pub(crate) const fn enforce(mode: u8) -> Self {
        Self { mode, log: false }
    }

    /// `mode` in complain mode.
    pub(crate) const fn complain(mode: u8) -> Self {
        Self { mode, log: true }
    }

    /// The state as the module's per-process mode word: the mode in bits
    /// 0-1, complain mode in bit 2; never 0 (0 means not confined).
    pub(crate) fn encode(self) -> u8 {
        self.mode | if self.log { 4 } else { 0 }
    }

    /// The inverse of [`State::encode`]; `None` for 0 (not confined) and for
    /// words no state encodes to.
    pub(crate) const fn decode(word: u8) -> Option<Self> {
        let mode = word & 3;
        if word & !7 != 0 || (mode != MODE_STRICT && mode != MODE_DAEMON) {
            return None;
        }
        Some(Self {
            mode,
            log: word & 4 != 0,
        })
    }

    /// The flags word of `PR_SECCOMP_MODE_SET` for this state.
    pub(crate) fn flags(self) -> u64 {
        if self.log {
            FLAG_LOG
        } else {
            0
        }
    }
}

/// The state `PR_SECCOMP_MODE_SET` leads to from `cur` (`None` = not
/// confined), given the prctl arguments 2 to 5 (`mode`, `flags`, unused,
/// unused). `Ok(cur)` is a no-op. Transitions only tighten.
pub(crate) fn transition(cur: Option<State>, args: [u64; 4]) -> Result<Option<State>> {
    let [mode, flags, unused1, unused2] = args;
    if unused1 != 0 || unused2 != 0 || flags & !FLAG_LOG != 0 || mode > u64::from(MODE_DAEMON) {
        return Err(EINVAL);
    }
    let log = flags & FLAG_LOG != 0;
    if mode == 0 {
        // Mode 0 is "not confined": only a no-op, and never in complain mode.
        return match (cur, log) {
            (_, true) => Err(EINVAL),
            (None, false) => Ok(None),
            (Some(_), false) => Err(EPERM),
        };
    }
    let new = State {
        mode: mode as u8,
        log,
    };
    let Some(cur) = cur else {
        return Ok(Some(new));
    };
    // Mode 1 is tighter than mode 2; enforcing is tighter than complaining.
    let mode_ok = new.mode == cur.mode || (cur.mode == MODE_DAEMON && new.mode == MODE_STRICT);
    let flags_ok = new.log == cur.log || (cur.log && !new.log);
    if mode_ok && flags_ok {
        Ok(Some(new))
    } else {
        Err(EPERM)
    }
}

/// The result of `PR_SECCOMP_MODE_GET` given its arguments 2 to 5.
pub(crate) fn get(cur: Option<State>, args: [u64; 4]) -> Result<u8> {
    if args.iter().any(|&a| a != 0) {
        return Err(EINVAL);
    }
    Ok(cur.map_or(0, |s| s.mode))
}

/// The ABI of a syscall on x86_64 given whether it came through the ia32
/// entry points and its number as the kernel dispatches it.
pub(crate) fn classify_x86(ia32: bool, nr: i64) -> Abi {
    if ia32 {
        Abi::Ia32
    } else if nr >= 0 && nr & X32_SYSCALL_BIT != 0 {
        Abi::X32
    } else {
        Abi::X86_64
    }
}

/// What happens to a syscall of a confined process.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Verdict {
    /// It runs.
    Allow,
    /// A violation: the process is killed (or, complaining, it is logged
    /// and runs).
    Deny,
    /// It does not run and returns `-ENOSYS` (`clone3`), which is not a
    /// violation: glibc falls back to `clone`.
    Enosys,
}

/// The verdict on syscall `nr` of `abi` with arguments `args` in `mode`.
///
/// The module's own prctl options are handled before this is asked.
pub(crate) fn verdict(mode: u8, abi: Abi, nr: i64, args: &[u64; 6]) -> Verdict {
    verdict_lazy(mode, abi, nr, || args[0])
}

/// [`verdict`], reading the only argument it may need (argument 0: the
/// flags of `clone`, the call of `socketcall`) only for those two syscalls.
#[inline]
pub(crate) fn verdict_lazy(mode: u8, abi: Abi, nr: i64, arg0: impl Fn() -> u64) -> Verdict {
    let Some(t) = tables(abi) else {
        return Verdict::Deny;
    };
    if !t.allows(mode, nr) {
        return Verdict::Deny;
    }
    if nr == i64::from(t.clone) && arg0() & CLONE_NEW_MASK != 0 {
        return Verdict::Deny;
    }
    if nr == i64::from(t.clone3) {
        return Verdict::Enosys;
    }
    if let Some((socketcall, calls)) = t.socketcall {
        if nr == i64::from(socketcall) {
            let target = usize::try_from(arg0())
                .ok()
                .and_then(|call| calls.get(call))
                .copied()
                .unwrap_or(0);
            if target == 0 || !t.allows(mode, i64::from(target)) {
                return Verdict::Deny;
            }
        }
    }
    Verdict::Allow
}

/// A command name made safe for one-line output: it ends at the first NUL
/// and every byte outside printable ASCII other than space (newlines, escape
/// sequences, UTF-8, and space, which would split `key=value` fields) is
/// replaced by `?`, so a process cannot forge log or status lines.
pub(crate) fn sanitize_comm(mut comm: [u8; 16]) -> [u8; 16] {
    let mut end = false;
    for b in comm.iter_mut() {
        end |= *b == 0;
        if end {
            *b = 0;
        } else if !b.is_ascii_graphic() {
            *b = b'?';
        }
    }
    comm
}
