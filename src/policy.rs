// SPDX-License-Identifier: GPL-2.0

//! The policy: modes, flags, transitions, ABI classification and the
//! verdict on one syscall. Pure functions of their arguments, so that KUnit
//! checks every case without a user process.

use kernel::bindings;
use kernel::prelude::*;

use crate::arch;
use crate::tables::{self, tables, Abi};

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

/// Mode words of table modes: `0x80 | slot << 1 | log`. Static words are 1
/// to 7 ([`State::encode`]); [`State::decode`] never accepts a table word,
/// and the C fast path (words below 8) never sees one.
pub(crate) const TABLE_WORD: u8 = 0x80;

/// Table slots: one per loaded table.
pub(crate) const TABLE_SLOTS: usize = 64;

/// The mode word of table slot `slot` (below [`TABLE_SLOTS`]).
pub(crate) const fn table_word(slot: u8, log: bool) -> u8 {
    TABLE_WORD | (slot & 0x3f) << 1 | log as u8
}

/// The table slot and complain flag of a table-mode word; `None` for any
/// other word.
pub(crate) const fn table_slot(word: u8) -> Option<(u8, bool)> {
    if word & TABLE_WORD == 0 {
        return None;
    }
    Some(((word >> 1) & 0x3f, word & 1 != 0))
}

/// The largest table mode number.
pub(crate) const MODE_TABLE_MAX: u64 = i32::MAX as u64;

/// A confinement as `prctl` sees it: a static mode (1, 2) or a table mode
/// (3 and up), and the complain flag.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Conf {
    /// 1, 2 or a table mode number.
    pub(crate) mode: u32,
    /// Complain mode.
    pub(crate) log: bool,
}

impl Conf {
    /// The confinement of a static state.
    pub(crate) const fn of(s: State) -> Self {
        Self {
            mode: s.mode as u32,
            log: s.log,
        }
    }

    /// Whether it is a table mode.
    pub(crate) const fn is_table(self) -> bool {
        self.mode > MODE_DAEMON as u32
    }
}

/// The confinement `PR_SECCOMP_MODE_SET` leads to from `cur`, given the
/// prctl arguments 2 to 5, when table modes are on (`tables`) or off.
/// Errors in the contract's order: bad arguments `EINVAL`, then a
/// transition that is not allowed `EPERM` (whether or not the table
/// exists; resolving the table, `ENOENT`, is the caller's next step).
/// Static modes follow [`transition`]; a table mode is entered from none,
/// and from itself only to tighten (complain to enforce) or as a no-op.
pub(crate) fn transition_any(
    cur: Option<Conf>,
    args: [u64; 4],
    tables: bool,
) -> Result<Option<Conf>> {
    let [mode, flags, unused1, unused2] = args;
    let table = mode > u64::from(MODE_DAEMON);
    if !table || !tables || mode > MODE_TABLE_MAX {
        if table {
            return Err(EINVAL);
        }
        let cur_static = match cur {
            None => None,
            Some(c) if !c.is_table() => Some(State {
                mode: c.mode as u8,
                log: c.log,
            }),
            // From a table to a static mode (arguments checked first).
            Some(_) => {
                transition(None, args)?;
                return Err(EPERM);
            }
        };
        return Ok(transition(cur_static, args)?.map(Conf::of));
    }
    if unused1 != 0 || unused2 != 0 || flags & !FLAG_LOG != 0 {
        return Err(EINVAL);
    }
    let new = Conf {
        mode: mode as u32,
        log: flags & FLAG_LOG != 0,
    };
    match cur {
        None => Ok(Some(new)),
        Some(c) if c.mode == new.mode && (c.log == new.log || c.log) => Ok(Some(new)),
        Some(_) => Err(EPERM),
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
    verdict_lazy(mode, abi, nr, || *args)
}

/// The arguments of a syscall as the kernel's syscall functions see them: a
/// compat (32-bit) syscall only uses the low 32 bits of each register, so
/// the upper halves, which 64-bit code can fill with anything before
/// `int $0x80`, are ignored.
pub(crate) fn abi_args(abi: Abi, args: [u64; 6]) -> [u64; 6] {
    match abi {
        Abi::Ia32 | Abi::Arm => args.map(|a| a & 0xffff_ffff),
        Abi::X86_64 | Abi::X32 | Abi::Arm64 => args,
    }
}

/// `O_CREAT` and `__O_TMPFILE`: the `open` flags that make a new file
/// (the same values on every architecture the module supports).
pub(crate) const O_CREAT_ANY: u32 = 0o100 | 0o20_000_000;

/// Mode bits a confined process may not give a file it creates: any execute
/// bit, set-user-ID, set-group-ID and sticky. It cannot `chmod` either, so
/// nothing it writes becomes a program another process could run.
pub(crate) const CREATE_MODE_DENY: u32 = 0o7111;

/// `O_ASYNC`: signal the file's owner on I/O.
pub(crate) const O_ASYNC: u32 = 0o20000;

/// `F_SETFL`.
pub(crate) const F_SETFL: u32 = 4;

/// The `fcntl` commands a confined process may use: descriptor flags,
/// status flags, record locks, pipe sizes, seals, queries. Refused by
/// omission: `F_SETOWN`, `F_SETOWN_EX` and `F_SETSIG` (they direct signals,
/// `SIGKILL` included, at another process), `F_SETLEASE`, `F_NOTIFY` and
/// `F_CANCELLK` (they signal the caller about other processes' file
/// accesses) and every command unknown today.
pub(crate) const FCNTL_ALLOW: [u32; 27] = [
    0,    // F_DUPFD
    1,    // F_GETFD
    2,    // F_SETFD
    3,    // F_GETFL
    4,    // F_SETFL (without O_ASYNC)
    5,    // F_GETLK
    6,    // F_SETLK
    7,    // F_SETLKW
    9,    // F_GETOWN
    11,   // F_GETSIG
    12,   // F_GETLK64
    13,   // F_SETLK64
    14,   // F_SETLKW64
    16,   // F_GETOWN_EX
    17,   // F_GETOWNER_UIDS
    36,   // F_OFD_GETLK
    37,   // F_OFD_SETLK
    38,   // F_OFD_SETLKW
    1025, // F_GETLEASE
    1027, // F_DUPFD_QUERY
    1028, // F_CREATED_QUERY
    1030, // F_DUPFD_CLOEXEC
    1031, // F_SETPIPE_SZ
    1032, // F_GETPIPE_SZ
    1033, // F_ADD_SEALS
    1034, // F_GET_SEALS
    1035, // F_GET_RW_HINT
];

/// Whether `fcntl(fd, cmd, arg)` is allowed (the kernel reads `cmd` and
/// `F_SETFL`'s argument as 32-bit values).
pub(crate) fn fcntl_allowed(cmd: u64, arg: u64) -> bool {
    let cmd = cmd as u32;
    FCNTL_ALLOW.contains(&cmd) && (cmd != F_SETFL || arg as u32 & O_ASYNC == 0)
}

/// Whether a call that may create a file is allowed: when it creates
/// (`flags` has `O_CREAT` or `O_TMPFILE`; `None` = `creat`, which always
/// does), the new file's mode (a `umode_t`: 16 bits) must not have any of
/// [`CREATE_MODE_DENY`].
pub(crate) fn create_allowed(flags: Option<u64>, mode: u64) -> bool {
    let creates = flags.is_none_or(|f| f as u32 & O_CREAT_ANY != 0);
    !creates || u32::from(mode as u16) & CREATE_MODE_DENY == 0
}

/// [`verdict`], reading the arguments only for the syscalls whose verdict
/// depends on them (`clone`, `socketcall`, `fcntl`, the calls that create
/// files).
#[inline]
pub(crate) fn verdict_lazy(
    mode: u8,
    abi: Abi,
    nr: i64,
    raw_args: impl Fn() -> [u64; 6],
) -> Verdict {
    let Some(t) = tables(abi) else {
        return Verdict::Deny;
    };
    if !t.allows(mode, nr) {
        return Verdict::Deny;
    }
    let args = || abi_args(abi, raw_args());
    if nr == i64::from(t.clone) && args()[0] & CLONE_NEW_MASK != 0 {
        return Verdict::Deny;
    }
    if nr == i64::from(t.clone3) {
        return Verdict::Enosys;
    }
    if let Some((socketcall, calls)) = t.socketcall {
        if nr == i64::from(socketcall) {
            let target = usize::try_from(args()[0])
                .ok()
                .and_then(|call| calls.get(call))
                .copied()
                .unwrap_or(0);
            if target == 0 || !t.allows(mode, i64::from(target)) {
                return Verdict::Deny;
            }
        }
    }
    if t.fcntl.iter().any(|&f| nr == i64::from(f)) {
        let a = args();
        if !fcntl_allowed(a[1], a[2]) {
            return Verdict::Deny;
        }
    }
    if let Some(&(_, flags, mode_arg)) = t.creates.iter().find(|c| nr == i64::from(c.0)) {
        let a = args();
        let flags = flags.and_then(|i| a.get(i).copied());
        let m = a.get(mode_arg).copied().unwrap_or(0);
        if !create_allowed(flags, m) {
            return Verdict::Deny;
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

/// Mode words with a row in [`FAST_ALLOW`] per ABI: 0 to 7 (see
/// [`State::encode`]); any other word takes the slow path.
pub(crate) const FAST_WORDS: usize = 8;

/// Rows of [`FAST_ALLOW`]: one per mode word and ABI (native, compat).
pub(crate) const FAST_ROWS: usize = 2 * FAST_WORDS;

/// The type of [`FAST_ALLOW`]: `unsigned long sm_fast_allow[16][8]` in C.
pub(crate) type FastAllow = [[u64; tables::WORDS]; FAST_ROWS];

/// The row of [`FAST_ALLOW`] for a syscall of a process with mode word
/// `word` (below [`FAST_WORDS`]) that the kernel runs as a compat syscall
/// or not.
pub(crate) const fn fast_row(word: u8, compat: bool) -> usize {
    word as usize + if compat { FAST_WORDS } else { 0 }
}

/// The bitmaps of the probe's fast path (exported to C as `sm_fast_allow`):
/// row [`fast_row`] holds the syscalls of the native or compat ABI of this
/// architecture that the word's mode allows whatever their arguments; the
/// rows of words that encode no state are empty. Built at compile time from
/// the tables; numbers told apart by a bit (x32) are outside every row.
pub(crate) const FAST_ALLOW: FastAllow = {
    let mut rows = [[0u64; tables::WORDS]; FAST_ROWS];
    let mut word = 0;
    while word < FAST_WORDS as u8 {
        if let Some(s) = State::decode(word) {
            rows[fast_row(word, false)] = tables::fast_words(arch::THIS.native(), s.mode);
            rows[fast_row(word, true)] = tables::fast_words(arch::THIS.compat(), s.mode);
        }
        word += 1;
    }
    rows
};
