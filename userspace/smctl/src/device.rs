// SPDX-License-Identifier: GPL-2.0

//! `/dev/seccomp_mode`: the commit protocol of `include/uapi/seccomp_mode.h`.
//!
//! A loader writes the ruleset text, then commits it with `SM_IOC_COMMIT`,
//! which fills a `struct sm_commit` with the errno, the line and column of
//! the error and a message, whether the commit succeeded or not. Reading the
//! device returns the enforced tables as `save -c` text.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::fd::AsRawFd;

/// The device node.
pub const DEVICE: &str = "/dev/seccomp_mode";

/// `SM_COMMIT_TEST`: check and compile, change nothing.
pub const COMMIT_TEST: u32 = 1;
/// `SM_COMMIT_LOOSEN`: a table with confined processes may newly allow
/// syscalls.
pub const COMMIT_LOOSEN: u32 = 2;

/// Size of `sm_commit.msg`.
const MSG_SIZE: usize = 192;

/// `struct sm_commit`.
#[repr(C)]
#[derive(Clone, Copy, Debug)]
pub struct SmCommit {
    /// In: `SM_COMMIT_*`.
    pub flags: u32,
    /// Out: 0 or the positive errno.
    pub error: i32,
    /// Out: 1-based line of the error, 0 if none.
    pub line: u32,
    /// Out: 1-based column, 0 if none.
    pub col: u32,
    /// Out: NUL-terminated message.
    pub msg: [u8; MSG_SIZE],
}

const _: () = assert!(std::mem::size_of::<SmCommit>() == 208);

/// `_IOWR(type, nr, size)` as `include/uapi/asm-generic/ioctl.h` builds it.
const fn iowr(ty: u8, nr: u8, size: usize) -> u32 {
    const READ_WRITE: u32 = 3;
    (READ_WRITE << 30) | ((size as u32) << 16) | ((ty as u32) << 8) | nr as u32
}

/// `SM_IOC_ZERO`: `_IOW('S', 0x02, __u32)`.
pub const SM_IOC_ZERO: u32 = (1 << 30) | (4 << 16) | ((b'S' as u32) << 8) | 0x02;

/// `SM_IOC_COMMIT`: `_IOWR('S', 0x01, struct sm_commit)`.
pub const SM_IOC_COMMIT: u32 = iowr(b'S', 0x01, std::mem::size_of::<SmCommit>());

impl SmCommit {
    /// A request with `flags`.
    pub fn new(flags: u32) -> Self {
        Self {
            flags,
            error: 0,
            line: 0,
            col: 0,
            msg: [0; MSG_SIZE],
        }
    }

    /// The message up to its NUL.
    pub fn message(&self) -> String {
        let len = self.msg.iter().position(|&b| b == 0).unwrap_or(MSG_SIZE);
        String::from_utf8_lossy(&self.msg[..len]).into_owned()
    }
}

/// A commit the module refused: its errno, where and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The positive errno.
    pub errno: i32,
    /// 1-based line, 0 if the error is not about one place.
    pub line: u32,
    /// 1-based column, 0 if none.
    pub col: u32,
    /// The module's message (possibly empty).
    pub msg: String,
}

/// Why an operation on the device failed.
#[derive(Debug)]
pub enum Failure {
    /// Opening, writing or reading the device failed.
    Io(String),
    /// The commit was refused.
    Refused(Refusal),
}

/// `strerror(errno)` without Rust's ` (os error N)` suffix.
pub fn strerror(errno: i32) -> String {
    let text = io::Error::from_raw_os_error(errno).to_string();
    match text.rfind(" (os error ") {
        Some(i) => text[..i].to_owned(),
        None => text,
    }
}

/// An I/O error as `strerror` says it (Rust's text for errors without an
/// errno).
pub fn describe(e: &io::Error) -> String {
    match e.raw_os_error() {
        Some(errno) => strerror(errno),
        None => e.to_string(),
    }
}

/// An I/O error on the device, described for the user.
fn io_failure(what: &str, e: &io::Error) -> Failure {
    let errno = e.raw_os_error().unwrap_or(0);
    let mut text = format!("{what} {DEVICE}: {}", describe(e));
    if errno == libc::ENOENT || errno == libc::ENODEV || errno == libc::ENXIO {
        text.push_str(" (is seccomp_mode loaded, with tables=1?)");
    }
    Failure::Io(text)
}

/// Opens the device for reading and writing.
pub fn open() -> Result<File, Failure> {
    OpenOptions::new()
        .read(true)
        .write(true)
        .open(DEVICE)
        .map_err(|e| io_failure("open", &e))
}

/// The enforced tables as `save -c` text.
pub fn read_tables() -> Result<Vec<u8>, Failure> {
    let mut f = open()?;
    let mut text = Vec::new();
    f.read_to_end(&mut text)
        .map_err(|e| io_failure("read", &e))?;
    Ok(text)
}

/// Zeroes the hit counters of table `mode`, or of every table for 0.
pub fn zero(mode: u32) -> Result<(), Failure> {
    let f = open()?;
    // SAFETY: SM_IOC_ZERO reads one `__u32`, which `mode` is.
    let ret = unsafe {
        libc::ioctl(
            f.as_raw_fd(),
            libc::c_ulong::from(SM_IOC_ZERO),
            &mode as *const u32,
        )
    };
    if ret == 0 {
        Ok(())
    } else {
        Err(io_failure("zero counters on", &io::Error::last_os_error()))
    }
}

/// Writes `text` and commits it with `flags`, in one open of the device.
pub fn commit(text: &[u8], flags: u32) -> Result<(), Failure> {
    let mut f = open()?;
    // The module refuses text beyond its limit at the write: a refusal of
    // the commit like any other.
    f.write_all(text).map_err(|e| match e.raw_os_error() {
        Some(errno) => Failure::Refused(Refusal {
            errno,
            line: 0,
            col: 0,
            msg: if errno == libc::E2BIG {
                format!(
                    "ruleset text larger than {} KiB",
                    smrules::rules::MAX_TEXT / 1024
                )
            } else {
                format!("write {DEVICE}")
            },
        }),
        None => io_failure("write", &e),
    })?;
    let mut c = SmCommit::new(flags);
    // SAFETY: SM_IOC_COMMIT reads and writes exactly one `struct sm_commit`,
    // which `c` is (repr(C), 208 bytes).
    let ret = unsafe {
        libc::ioctl(
            f.as_raw_fd(),
            libc::c_ulong::from(SM_IOC_COMMIT),
            &mut c as *mut SmCommit,
        )
    };
    if ret == 0 {
        return Ok(());
    }
    let errno = io::Error::last_os_error().raw_os_error().unwrap_or(0);
    // A refusal from before the module filled the struct (an old module, a
    // wrong device) still gets the ioctl's errno.
    Err(Failure::Refused(Refusal {
        errno: if c.error > 0 { c.error } else { errno },
        line: c.line,
        col: c.col,
        msg: c.message(),
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ioctl_number_matches_the_uapi_header() {
        // _IOWR('S', 0x01, struct sm_commit) with sizeof == 208 == 0xd0.
        assert_eq!(SM_IOC_COMMIT, 0xc0d0_5301);
        // _IOW('S', 0x02, __u32).
        assert_eq!(SM_IOC_ZERO, 0x4004_5302);
    }

    #[test]
    fn message_stops_at_nul() {
        let mut c = SmCommit::new(0);
        c.msg[..5].copy_from_slice(b"hello");
        assert_eq!(c.message(), "hello");
        c.msg = [b'x'; MSG_SIZE];
        assert_eq!(c.message().len(), MSG_SIZE);
    }

    #[test]
    fn strerror_has_no_suffix() {
        assert_eq!(strerror(libc::EPERM), "Operation not permitted");
        assert_eq!(strerror(libc::EBUSY), "Device or resource busy");
    }
}
