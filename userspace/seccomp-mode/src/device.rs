// SPDX-License-Identifier: GPL-2.0

//! The uapi of `/dev/seccomp_mode` (`include/uapi/seccomp_mode.h`), defined
//! once for every userspace program: the commit, zero and confine ioctls,
//! their structs and flags. Checked against the header by this crate's
//! tests.

/// The device node.
pub const DEVICE: &str = "/dev/seccomp_mode";

/// `SM_COMMIT_TEST`: check and compile, change nothing.
pub const COMMIT_TEST: u32 = 1;
/// `SM_COMMIT_LOOSEN`: a table with confined processes may newly allow
/// syscalls.
pub const COMMIT_LOOSEN: u32 = 2;
/// `SM_COMMIT_IF_GEN`: `EAGAIN`, changing nothing, unless the tables are
/// still at `sm_commit.generation`.
pub const COMMIT_IF_GEN: u32 = 4;

/// Size of `sm_commit.msg`.
pub const MSG_SIZE: usize = 192;

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
    /// In: the generation `SM_COMMIT_IF_GEN` expects; out: the generation
    /// after the call.
    pub generation: u64,
}

const _: () = assert!(std::mem::size_of::<SmCommit>() == 216);

impl SmCommit {
    /// A request with `flags` (and `generation` for [`COMMIT_IF_GEN`]).
    pub fn new(flags: u32, generation: u64) -> Self {
        Self {
            flags,
            error: 0,
            line: 0,
            col: 0,
            msg: [0; MSG_SIZE],
            generation,
        }
    }

    /// The message, up to its NUL.
    pub fn message(&self) -> String {
        let len = self.msg.iter().position(|&b| b == 0).unwrap_or(MSG_SIZE);
        String::from_utf8_lossy(&self.msg[..len]).into_owned()
    }
}

/// `SECCOMP_MODE_FLAG_LOG` as `sm_confine.flags` takes it.
pub const CONFINE_LOG: u32 = 1;
/// `SM_CONFINE_DESCENDANTS`: also every existing descendant not yet
/// confined.
pub const CONFINE_DESCENDANTS: u32 = 0x100;

/// `struct sm_confine`.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SmConfine {
    /// In: a pidfd of the target.
    pub pidfd: i32,
    /// In: 1, 2 or a loaded table (3 and up).
    pub mode: u32,
    /// In: [`CONFINE_LOG`], [`CONFINE_DESCENDANTS`].
    pub flags: u32,
    /// Out: descendants that kept their own mode.
    pub kept: u32,
}

const _: () = assert!(std::mem::size_of::<SmConfine>() == 16);

/// `_IOC(dir, type, nr, size)` as `include/uapi/asm-generic/ioctl.h` builds
/// it (x86 and arm64 share the generic layout).
const fn ioc(dir: u32, nr: u32, size: usize) -> u32 {
    (dir << 30) | ((size as u32) << 16) | ((b'S' as u32) << 8) | nr
}
/// `_IOC_WRITE`.
const WRITE: u32 = 1;
/// `_IOC_READ | _IOC_WRITE`.
const READ_WRITE: u32 = 3;

/// `SM_IOC_COMMIT`: `_IOWR('S', 0x01, struct sm_commit)`.
pub const SM_IOC_COMMIT: u32 = ioc(READ_WRITE, 0x01, std::mem::size_of::<SmCommit>());
/// `SM_IOC_ZERO`: `_IOW('S', 0x02, __u32)`.
pub const SM_IOC_ZERO: u32 = ioc(WRITE, 0x02, 4);
/// `SM_IOC_CONFINE`: `_IOWR('S', 0x03, struct sm_confine)`.
pub const SM_IOC_CONFINE: u32 = ioc(READ_WRITE, 0x03, std::mem::size_of::<SmConfine>());

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

    /// The value of `#define name value` in the header.
    fn define(name: &str) -> String {
        header()
            .lines()
            .find(|l| l.split_whitespace().nth(1) == Some(name))
            .and_then(|l| l.split_whitespace().nth(2).map(str::to_owned))
            .unwrap_or_else(|| panic!("{name} not in the header"))
    }

    /// The fields of `struct name` in the header: (type, name) in order.
    fn fields(name: &str) -> Vec<(String, String)> {
        let text = header();
        let start = text
            .find(&format!("struct {name} {{"))
            .unwrap_or_else(|| panic!("struct {name} not in the header"));
        let body = &text[start..];
        let body = &body[body.find('{').unwrap() + 1..body.find("};").unwrap()];
        body.lines()
            .filter_map(|l| {
                let decl = l.split(';').next()?.trim();
                let mut w = decl.split_whitespace();
                Some((w.next()?.to_owned(), w.next()?.to_owned()))
            })
            .collect()
    }

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter()
            .map(|(a, b)| (a.to_string(), b.to_string()))
            .collect()
    }

    #[test]
    fn flags_match_the_header() {
        assert_eq!(define("SM_COMMIT_TEST"), COMMIT_TEST.to_string());
        assert_eq!(define("SM_COMMIT_LOOSEN"), COMMIT_LOOSEN.to_string());
        assert_eq!(define("SM_COMMIT_IF_GEN"), COMMIT_IF_GEN.to_string());
        assert_eq!(
            define("SM_CONFINE_DESCENDANTS"),
            format!("{CONFINE_DESCENDANTS:#x}")
        );
        assert_eq!(define("SECCOMP_MODE_FLAG_LOG"), CONFINE_LOG.to_string());
    }

    #[test]
    fn structs_match_the_header() {
        assert_eq!(
            fields("sm_commit"),
            pairs(&[
                ("__u32", "flags"),
                ("__s32", "error"),
                ("__u32", "line"),
                ("__u32", "col"),
                ("char", "msg[192]"),
                ("__u64", "generation"),
            ])
        );
        assert_eq!(
            fields("sm_confine"),
            pairs(&[
                ("__s32", "pidfd"),
                ("__u32", "mode"),
                ("__u32", "flags"),
                ("__u32", "kept"),
            ])
        );
    }

    #[test]
    fn ioctl_numbers_are_the_headers() {
        assert_eq!(define("SM_IOC_COMMIT"), "_IOWR('S',");
        assert_eq!(SM_IOC_COMMIT, 0xc0d8_5301);
        assert_eq!(SM_IOC_ZERO, 0x4004_5302);
        assert_eq!(SM_IOC_CONFINE, 0xc010_5303);
        assert!(header().contains("#define SM_IOC_COMMIT\t\t_IOWR('S', 0x01, struct sm_commit)"));
        assert!(header().contains("#define SM_IOC_ZERO\t\t_IOW('S', 0x02, __u32)"));
        assert!(header().contains("#define SM_IOC_CONFINE\t\t_IOWR('S', 0x03, struct sm_confine)"));
    }
}
