// SPDX-License-Identifier: GPL-2.0

//! `/dev/seccomp_mode`: the commit protocol of `include/uapi/seccomp_mode.h`.
//!
//! A loader writes the ruleset text, then commits it with `SM_IOC_COMMIT`,
//! which fills a `struct sm_commit` with the errno, the line and column of
//! the error and a message, whether the commit succeeded or not. Reading the
//! device returns the enforced tables as `save -c` text, after a first line
//! `# generation N` and possibly `# learned ...` lines (learn-mode records):
//! [`split_meta`] takes those apart.
//!
//! Read-modify-write: [`read_snapshot`] gives the generation and the text,
//! [`commit_at`] commits with `SM_COMMIT_IF_GEN` and that generation and
//! fails with `EAGAIN`, changing nothing, if another commit came in between.

use std::fs::{File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::fd::AsRawFd;

pub use seccomp_mode::device::{
    SmCommit, COMMIT_IF_GEN, COMMIT_LOOSEN, COMMIT_TEST, DEVICE, SM_IOC_COMMIT, SM_IOC_ZERO,
};

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
#[derive(Debug, Clone, PartialEq, Eq)]
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

/// The enforced tables as the device returns them: `save -c` text with the
/// `# generation N` line and any `# learned ...` lines.
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
    commit_with(text, flags, 0).map(drop)
}

/// Writes `text` and commits it with `flags | SM_COMMIT_IF_GEN` at
/// `generation`: a refusal with `EAGAIN` means another commit came first and
/// nothing changed. Returns the generation after the commit.
pub fn commit_at(text: &[u8], flags: u32, generation: u64) -> Result<u64, Failure> {
    commit_with(text, flags | COMMIT_IF_GEN, generation)
}

/// The commit protocol: write, then `SM_IOC_COMMIT` with `flags` and
/// `generation`; the generation the module reports after it.
fn commit_with(text: &[u8], flags: u32, generation: u64) -> Result<u64, Failure> {
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
    let mut c = SmCommit::new(flags, generation);
    // SAFETY: SM_IOC_COMMIT reads and writes exactly one `struct sm_commit`,
    // which `c` is (repr(C), 216 bytes).
    let ret = unsafe {
        libc::ioctl(
            f.as_raw_fd(),
            libc::c_ulong::from(SM_IOC_COMMIT),
            &mut c as *mut SmCommit,
        )
    };
    if ret == 0 {
        return Ok(c.generation);
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

/// The device's text taken apart: the generation line, the tables, and
/// the learn-mode records.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Snapshot {
    /// `N` of the `# generation N` line (`None`: a module without one).
    pub generation: Option<u64>,
    /// The tables (`save -c` text) without the `# generation` and
    /// `# learned` lines.
    pub text: Vec<u8>,
    /// The `# learned ...` lines, each with its newline.
    pub learned: Vec<u8>,
}

/// Whether `line` is a `# generation N` line.
fn generation_of(line: &[u8]) -> Option<Option<u64>> {
    let rest = line.strip_prefix(b"# generation ")?;
    Some(
        std::str::from_utf8(rest)
            .ok()
            .and_then(|s| s.trim().parse().ok()),
    )
}

/// Takes the device's text apart (see [`Snapshot`]): every line starting
/// with `# generation ` or `# learned ` leaves the table text, which stays
/// byte for byte what the module printed otherwise.
pub fn split_meta(raw: &[u8]) -> Snapshot {
    let mut snap = Snapshot::default();
    for line in raw.split_inclusive(|&b| b == b'\n') {
        let bare = line.strip_suffix(b"\n").unwrap_or(line);
        if let Some(g) = generation_of(bare) {
            snap.generation = snap.generation.or(g);
        } else if bare.starts_with(b"# learned ") {
            snap.learned.extend_from_slice(line);
        } else {
            snap.text.extend_from_slice(line);
        }
    }
    snap
}

/// The generation and the enforced tables, for a read-modify-write.
pub fn read_snapshot() -> Result<Snapshot, Failure> {
    Ok(split_meta(&read_tables()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ioctl_number_matches_the_uapi_header() {
        // _IOWR('S', 0x01, struct sm_commit) with sizeof == 216 == 0xd8.
        assert_eq!(SM_IOC_COMMIT, 0xc0d8_5301);
        assert_eq!(std::mem::offset_of!(SmCommit, generation), 208);
        // _IOW('S', 0x02, __u32).
        assert_eq!(SM_IOC_ZERO, 0x4004_5302);
    }

    #[test]
    fn message_stops_at_nul() {
        let mut c = SmCommit::new(0, 0);
        c.msg[..5].copy_from_slice(b"hello");
        assert_eq!(c.message(), "hello");
        c.msg = [b'x'; seccomp_mode::device::MSG_SIZE];
        assert_eq!(c.message().len(), seccomp_mode::device::MSG_SIZE);
    }

    #[test]
    fn strerror_has_no_suffix() {
        assert_eq!(strerror(libc::EPERM), "Operation not permitted");
        assert_eq!(strerror(libc::EBUSY), "Device or resource busy");
    }

    #[test]
    fn meta_lines_leave_the_table_text() {
        let raw = b"# generation 42\n*mode 3 t\n:x86_64 MODE2 [5]\n\
                    # learned x86_64 mkdir a1=0x1ff hits=2\n\
                    [1] -A x86_64 -s getpid -j ALLOW\nCOMMIT\n# other comment\n";
        let s = split_meta(raw);
        assert_eq!(s.generation, Some(42));
        assert_eq!(
            s.text,
            b"*mode 3 t\n:x86_64 MODE2 [5]\n[1] -A x86_64 -s getpid -j ALLOW\nCOMMIT\n\
              # other comment\n"
        );
        assert_eq!(s.learned, b"# learned x86_64 mkdir a1=0x1ff hits=2\n");
        // Another generation, the same tables: the same text.
        let other = split_meta(&[b"# generation 7\n".as_slice(), &raw[16..]].concat());
        assert_eq!(other.generation, Some(7));
        assert_eq!(other.text, s.text);
        // No generation line (an older module), no trailing newline.
        let old = split_meta(b"*mode 3\nCOMMIT");
        assert_eq!(old.generation, None);
        assert_eq!(old.text, b"*mode 3\nCOMMIT");
        assert_eq!(split_meta(b"# generation x\n").generation, None);
        assert_eq!(split_meta(b"").text, b"");
    }
}
