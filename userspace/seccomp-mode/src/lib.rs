// SPDX-License-Identifier: GPL-2.0

//! Enter a seccomp_mode static syscall allowlist from a daemon.
//!
//! A network daemon initializes (parses its arguments, binds its sockets,
//! opens its files, drops privileges) and then confines itself for the rest
//! of its life, with every thread and every child it will ever have:
//!
//! ```no_run
//! use seccomp_mode::{Error, Mode};
//!
//! match seccomp_mode::enter(Mode::NetDaemon) {
//!     Ok(()) => {}
//!     Err(Error::NotLoaded) => eprintln!("seccomp_mode is not loaded; running unconfined"),
//!     Err(e) => panic!("cannot confine: {e}"),
//! }
//! assert_eq!(seccomp_mode::current().unwrap(), Some(Mode::NetDaemon));
//! ```
//!
//! In mode 2 a syscall outside the table kills the whole process with
//! SIGKILL. To find out what a daemon needs, run it in complain mode first,
//! [`enter_with`]`(Mode::NetDaemon, Flags::LOG)`: violations are logged to the
//! kernel log (`seccomp_mode: logged ...`) and allowed.
//!
//! The numbers are those of `include/uapi/seccomp_mode.h` in the module's
//! repository; the kernel module must be loaded (`insmod seccomp_mode.ko`).

use std::fmt;
use std::ops::BitOr;

/// `prctl` option that enters a mode.
pub mod device;

pub const PR_SECCOMP_MODE_SET: libc::c_int = 0x5343_4d53;
/// `prctl` option that returns the calling process's mode.
pub const PR_SECCOMP_MODE_GET: libc::c_int = 0x5343_4d47;

/// A confinement mode.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Mode {
    /// Mode 1: exactly the kernel's strict mode (`read`, `write`, `exit`,
    /// `rt_sigreturn` on x86_64). Even `exit_group` kills.
    Strict,
    /// Mode 2: what a network daemon needs to keep serving, fork workers and
    /// run threads, plus everything of mode 1. Never `execve`.
    NetDaemon,
    /// A table mode (3 and up): the rule table of that number that an admin
    /// loaded with `smctl restore` (see `docs/modes.md`).
    Table(u32),
}

/// The smallest table mode.
pub const MODE_TABLE_MIN: u32 = 3;

impl Mode {
    /// The mode's number in the `prctl` interface.
    pub fn number(self) -> u32 {
        match self {
            Mode::Strict => 1,
            Mode::NetDaemon => 2,
            Mode::Table(n) => n,
        }
    }

    /// The mode of number `n`; `None` for 0 and numbers beyond `i32::MAX`.
    pub fn from_u32(n: u32) -> Option<Self> {
        match n {
            0 => None,
            1 => Some(Mode::Strict),
            2 => Some(Mode::NetDaemon),
            n if n <= i32::MAX as u32 => Some(Mode::Table(n)),
            _ => None,
        }
    }

    fn from_number(n: i32) -> Option<Option<Self>> {
        match n {
            0 => Some(None),
            n if n > 0 => Some(Mode::from_u32(n as u32)),
            _ => None,
        }
    }
}

/// Flags of [`enter_with`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Flags(u64);

impl Flags {
    /// Enforce: a violation kills the process.
    pub const ENFORCE: Flags = Flags(0);
    /// Complain mode: violations are logged once per syscall number and
    /// allowed (`SECCOMP_MODE_FLAG_LOG`).
    pub const LOG: Flags = Flags(1);

    /// The flag bits as passed to `prctl`.
    pub fn bits(self) -> u64 {
        self.0
    }
}

impl BitOr for Flags {
    type Output = Flags;

    fn bitor(self, rhs: Flags) -> Flags {
        Flags(self.0 | rhs.0)
    }
}

/// Why a mode could not be entered or read.
#[derive(Debug)]
pub enum Error {
    /// The kernel does not know the prctl options: the module is not loaded
    /// (`EINVAL`; this crate never passes invalid arguments).
    NotLoaded,
    /// The process is already in a mode the request would loosen, e.g.
    /// mode 1 → 2 or enforce → complain (`EPERM`). Nothing changed.
    WouldLoosen,
    /// No table of that mode number is loaded (`ENOENT`). Nothing changed.
    NoTable,
    /// Any other error, e.g. `ENOMEM`.
    Os(std::io::Error),
}

impl Error {
    /// The error for a `prctl` that failed with `errno`.
    pub fn from_errno(errno: i32) -> Self {
        match errno {
            libc::EINVAL => Error::NotLoaded,
            libc::EPERM => Error::WouldLoosen,
            libc::ENOENT => Error::NoTable,
            e => Error::Os(std::io::Error::from_raw_os_error(e)),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::NotLoaded => write!(f, "seccomp_mode is not loaded (prctl: EINVAL)"),
            Error::WouldLoosen => write!(
                f,
                "already confined in a mode this would loosen (prctl: EPERM)"
            ),
            Error::NoTable => write!(f, "no table of that mode is loaded (prctl: ENOENT)"),
            Error::Os(e) => write!(f, "seccomp_mode prctl failed: {e}"),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Os(e) => Some(e),
            _ => None,
        }
    }
}

fn prctl(option: libc::c_int, a2: u64, a3: u64) -> Result<i32, Error> {
    let zero: libc::c_ulong = 0;
    // SAFETY: prctl with integer arguments only; the kernel reads no memory
    // for these options.
    let ret = unsafe { libc::prctl(option, a2 as libc::c_ulong, a3 as libc::c_ulong, zero, zero) };
    if ret < 0 {
        let errno = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
        Err(Error::from_errno(errno))
    } else {
        Ok(ret)
    }
}

/// Enters `mode` (enforced) for the calling process, its threads and all
/// its future children.
pub fn enter(mode: Mode) -> Result<(), Error> {
    enter_with(mode, Flags::ENFORCE)
}

/// Enters `mode` with `flags`. Re-entering the current mode with the same
/// flags succeeds and changes nothing; mode 2 → 1 and complain → enforce
/// tighten; everything else that would loosen is [`Error::WouldLoosen`].
pub fn enter_with(mode: Mode, flags: Flags) -> Result<(), Error> {
    prctl(PR_SECCOMP_MODE_SET, u64::from(mode.number()), flags.bits()).map(drop)
}

/// The calling process's mode, `None` when it is not confined.
///
/// In enforced mode 1 this kills the process, as any `prctl` does in the
/// kernel's strict mode.
pub fn current() -> Result<Option<Mode>, Error> {
    let n = prctl(PR_SECCOMP_MODE_GET, 0, 0)?;
    Mode::from_number(n).ok_or_else(|| {
        Error::Os(std::io::Error::other(format!(
            "unknown mode {n} from the kernel"
        )))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header() -> String {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../include/uapi/seccomp_mode.h"
        );
        std::fs::read_to_string(path).unwrap()
    }

    /// The value of `#define name value` in the uapi header.
    fn define(name: &str) -> u64 {
        let text = header();
        let line = text
            .lines()
            .find(|l| l.split_whitespace().nth(1) == Some(name))
            .unwrap_or_else(|| panic!("{name} not in the header"));
        let value = line.split_whitespace().nth(2).unwrap();
        match value.strip_prefix("0x") {
            Some(hex) => u64::from_str_radix(hex, 16).unwrap(),
            None => value.parse().unwrap(),
        }
    }

    #[test]
    fn constants_match_the_uapi_header() {
        assert_eq!(define("PR_SECCOMP_MODE_SET"), PR_SECCOMP_MODE_SET as u64);
        assert_eq!(define("PR_SECCOMP_MODE_GET"), PR_SECCOMP_MODE_GET as u64);
        assert_eq!(define("SECCOMP_MODE_NONE"), 0);
        assert_eq!(define("SECCOMP_MODE_STRICT"), Mode::Strict.number().into());
        assert_eq!(
            define("SECCOMP_MODE_NET_DAEMON"),
            Mode::NetDaemon.number().into()
        );
        assert_eq!(define("SECCOMP_MODE_FLAG_LOG"), Flags::LOG.bits());
    }

    #[test]
    fn constants_match_the_module() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../src/policy.rs");
        let policy = std::fs::read_to_string(path).unwrap();
        for want in [
            "pub(crate) const PR_SECCOMP_MODE_SET: u32 = 0x5343_4d53;",
            "pub(crate) const PR_SECCOMP_MODE_GET: u32 = 0x5343_4d47;",
            "pub(crate) const MODE_STRICT: u8 = 1;",
            "pub(crate) const MODE_DAEMON: u8 = 2;",
            "pub(crate) const FLAG_LOG: u64 = 1;",
        ] {
            assert!(policy.contains(want), "src/policy.rs lacks {want:?}");
        }
    }

    #[test]
    fn errno_maps_to_the_error_kinds() {
        assert!(matches!(Error::from_errno(libc::EINVAL), Error::NotLoaded));
        assert!(matches!(Error::from_errno(libc::EPERM), Error::WouldLoosen));
        match Error::from_errno(libc::ENOMEM) {
            Error::Os(e) => assert_eq!(e.raw_os_error(), Some(libc::ENOMEM)),
            other => panic!("ENOMEM became {other:?}"),
        }
        assert!(Error::NotLoaded.to_string().contains("not loaded"));
        assert!(Error::WouldLoosen.to_string().contains("EPERM"));
    }

    #[test]
    fn modes_and_flags() {
        assert_eq!(Mode::from_number(0), Some(None));
        assert_eq!(Mode::from_number(2), Some(Some(Mode::NetDaemon)));
        assert_eq!(Mode::from_number(3), Some(Some(Mode::Table(3))));
        assert_eq!(Mode::from_number(-1), None);
        assert_eq!(Mode::Table(7).number(), 7);
        assert_eq!((Flags::ENFORCE | Flags::LOG).bits(), 1);
        assert_eq!(Flags::default(), Flags::ENFORCE);
    }

    #[test]
    fn without_the_module_the_host_reports_not_loaded() {
        // The host kernel does not have the module: both options are
        // unknown prctls, and entering a mode changes nothing.
        assert!(matches!(current(), Err(Error::NotLoaded)));
        assert!(matches!(enter(Mode::NetDaemon), Err(Error::NotLoaded)));
        assert!(matches!(current(), Err(Error::NotLoaded)));
    }
}
