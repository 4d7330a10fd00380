// SPDX-License-Identifier: GPL-2.0

//! `smctl confine`: confines a running process from outside, with
//! `SM_IOC_CONFINE` on `/dev/seccomp_mode`, as its own
//! `prctl(PR_SECCOMP_MODE_SET, mode, flags)` would (the whole process, every
//! thread; later children inherit).
//!
//! ```text
//! smctl confine --pid PID|--pidfile FILE (--mode N | --table NAME) [--complain] [--children]
//! ```
//!
//! The target is named by a pidfd (`pidfd_open(2)`), opened once, so the
//! pid cannot be reused between the lookup and the ioctl. `--table NAME`
//! resolves the name through the device's text (`*mode N NAME`). With
//! `--children` the kernel also confines every existing descendant that is
//! not confined yet (walked with forks held off); the ones that already had
//! a mode keep it, and are listed on stderr.
//!
//! Exit status: 0 when confined or already so (the same mode and flags again
//! is a no-op), 1 when the kernel refuses (the errno's name and text on
//! stderr) or the pidfile cannot be read, 2 for usage errors (clap).

use std::fmt::Write as _;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};

use clap::{ArgGroup, Args};

use crate::device::{self, Failure};

pub use seccomp_mode::device::{
    SmConfine, CONFINE_DESCENDANTS, CONFINE_LOG as FLAG_LOG, SM_IOC_CONFINE,
};

/// `smctl confine`'s arguments.
#[derive(Args, Debug, Clone, PartialEq, Eq)]
#[command(
    group(ArgGroup::new("target").required(true).args(["pid", "pidfile"])),
    group(ArgGroup::new("what").required(true).args(["mode", "table"]))
)]
pub struct ConfineArgs {
    /// The process to confine.
    #[arg(long, value_name = "PID",
          value_parser = clap::value_parser!(i32).range(1..))]
    pub pid: Option<i32>,
    /// A file holding the pid of the process to confine (a daemon's
    /// PIDFile); missing or unreadable is a refusal (exit 1).
    #[arg(long, value_name = "FILE")]
    pub pidfile: Option<String>,
    /// Mode 1, 2, or table N (3 and up).
    #[arg(long, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..=i64::from(i32::MAX)))]
    pub mode: Option<u32>,
    /// The loaded table named NAME (`*mode N NAME`), or table number NAME.
    #[arg(short = 't', long, value_name = "NAME")]
    pub table: Option<String>,
    /// Complain mode: violations are logged and allowed (a table records
    /// them for `smctl learn generate`).
    #[arg(long)]
    pub complain: bool,
    /// Also confine every existing descendant that is not confined yet;
    /// those that already have a mode keep it and are listed on stderr.
    #[arg(long)]
    pub children: bool,
}

/// The tables of the device text `text`: (mode, name) per `*mode N [NAME]`
/// line.
pub fn tables_of(text: &str) -> Vec<(u32, Option<String>)> {
    text.lines()
        .filter_map(|l| l.strip_prefix("*mode "))
        .filter_map(|rest| {
            let mut w = rest.split_whitespace();
            let mode = w.next()?.parse().ok()?;
            let name = w.next().filter(|n| *n != "delete").map(str::to_owned);
            Some((mode, name))
        })
        .collect()
}

/// The mode of the table `name` among `tables` (from [`tables_of`]): by
/// name first, else the number of a loaded table.
pub fn resolve_table(tables: &[(u32, Option<String>)], name: &str) -> Result<u32, String> {
    if let Some((mode, _)) = tables.iter().find(|(_, n)| n.as_deref() == Some(name)) {
        return Ok(*mode);
    }
    if let Ok(mode) = name.parse::<u32>() {
        if tables.iter().any(|(m, _)| *m == mode) {
            return Ok(mode);
        }
    }
    Err(format!("no table named {name:?} is loaded"))
}

/// The pid in the text of a pidfile (the first word).
pub fn parse_pidfile(text: &str) -> Result<i32, String> {
    let word = text.split_whitespace().next().ok_or("empty")?;
    match word.parse::<i32>() {
        Ok(pid) if pid > 0 => Ok(pid),
        _ => Err(format!("{word:?} is not a pid")),
    }
}

/// `EPERM (Operation not permitted)`.
pub fn errno_text(errno: i32) -> String {
    let name = u16::try_from(errno)
        .ok()
        .and_then(smrules::rules::errno::name_of);
    match name {
        Some(n) => format!("{n} ({})", device::strerror(errno)),
        None => format!("errno {errno} ({})", device::strerror(errno)),
    }
}

/// What a refusal of `SM_IOC_CONFINE` with `errno` usually means.
pub fn hint(errno: i32) -> Option<&'static str> {
    Some(match errno {
        libc::EPERM => {
            "not allowed: the caller needs CAP_SYS_ADMIN, must be unconfined and able to \
             ptrace the target; or the change would loosen the target's mode (modes only \
             tighten: 2 -> 1, complain -> enforce; never static <-> table or table <-> table)"
        }
        libc::EINVAL => "a kernel thread, smctl's own process, or a bad mode or flag",
        libc::ESRCH => "the process has exited",
        libc::ENOENT => "no such table is loaded",
        libc::EBUSY => "the process owns io_uring rings",
        libc::EAGAIN => "its descendants forked faster than they could be confined: try again",
        libc::EACCES => "the device is root's (0600)",
        _ => return None,
    })
}

/// `pidfd_open(pid, 0)`.
fn pidfd_open(pid: i32) -> io::Result<OwnedFd> {
    // SAFETY: pidfd_open takes two integers and returns a new descriptor.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    let fd = i32::try_from(fd).map_err(|_| io::Error::from_raw_os_error(libc::EBADF))?;
    // SAFETY: the kernel returned a new descriptor that nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// `SM_IOC_CONFINE` on the open device `dev`: `kept`, or the errno.
pub fn confine_fd(dev: &impl AsRawFd, req: &mut SmConfine) -> Result<u32, i32> {
    // SAFETY: SM_IOC_CONFINE reads and writes exactly one `struct
    // sm_confine`, which `req` is (repr(C), 16 bytes).
    let ret = unsafe {
        libc::ioctl(
            dev.as_raw_fd(),
            libc::c_ulong::from(SM_IOC_CONFINE),
            req as *mut SmConfine,
        )
    };
    if ret == 0 {
        Ok(req.kept)
    } else {
        Err(io::Error::last_os_error().raw_os_error().unwrap_or(0))
    }
}

/// One confined process of `/proc/seccomp_mode`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Confined {
    /// Its pid (thread-group id).
    pub pid: i32,
    /// Its mode: 1, 2 or a table.
    pub mode: u32,
    /// Complain mode.
    pub complain: bool,
    /// Violations counted.
    pub violations: u64,
    /// Its command name.
    pub comm: String,
}

/// The processes of `/proc/seccomp_mode`'s text: the lines between the
/// header `# pid mode flags violations comm` and the next `#` line.
pub fn parse_status(text: &str) -> Vec<Confined> {
    let mut lines = text.lines();
    if !lines.any(|l| l.starts_with("# pid ")) {
        return Vec::new();
    }
    lines
        .take_while(|l| !l.starts_with('#'))
        .filter_map(|l| {
            // The comm is last and may hold spaces.
            let mut w = l.splitn(5, ' ');
            Some(Confined {
                pid: w.next()?.parse().ok()?,
                mode: w.next()?.parse().ok()?,
                complain: match w.next()? {
                    "log" => true,
                    "enforce" => false,
                    _ => return None,
                },
                violations: w.next()?.parse().ok()?,
                comm: w.next().unwrap_or("").to_owned(),
            })
        })
        .collect()
}

/// The status file of the module.
pub const STATUS: &str = "/proc/seccomp_mode";

/// The parent pid of `pid` from `/proc/PID/stat`, `None` if it is gone (or
/// a zombie: it runs nothing any more).
fn parent_of(pid: i32) -> Option<i32> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // "pid (comm) S ppid ...": the comm may hold spaces and parentheses.
    let rest = &stat[stat.rfind(')')? + 1..];
    let mut w = rest.split_whitespace();
    let state = w.next()?;
    if state == "Z" || state == "X" {
        return None;
    }
    w.next()?.parse().ok()
}

/// The live descendants of `root`, from a walk of `/proc`.
pub fn descendants(root: i32) -> Vec<i32> {
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let procs: Vec<(i32, i32)> = dir
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<i32>().ok())
        .filter_map(|pid| Some((pid, parent_of(pid)?)))
        .collect();
    let mut out = Vec::new();
    let mut frontier = vec![root];
    while let Some(p) = frontier.pop() {
        for &(pid, ppid) in &procs {
            if ppid == p && pid != root && !out.contains(&pid) {
                out.push(pid);
                frontier.push(pid);
            }
        }
    }
    out.sort_unstable();
    out
}

/// The mode as people read it: `2`, `3 (netd)`, with `complain` if so.
fn describe_mode(mode: u32, complain: bool, names: &[(u32, Option<String>)]) -> String {
    let mut s = mode.to_string();
    if let Some((_, Some(name))) = names.iter().find(|(m, _)| *m == mode) {
        let _ = write!(s, " ({name})");
    }
    s.push_str(if complain { " complain" } else { " enforce" });
    s
}

/// The stderr lines about the descendants of `root` that kept their own
/// mode (`kept` as the kernel counted them), from `status` and the walk
/// `desc`.
pub fn kept_lines(
    root: i32,
    kept: u32,
    req: (u32, bool),
    desc: &[i32],
    status: &[Confined],
    names: &[(u32, Option<String>)],
) -> Vec<String> {
    if kept == 0 {
        return Vec::new();
    }
    let mut lines = vec![format!(
        "smctl: {kept} descendant{} of pid {root} kept {} own mode:",
        if kept == 1 { "" } else { "s" },
        if kept == 1 { "its" } else { "their" }
    )];
    let mut listed = 0u32;
    for c in status.iter().filter(|c| desc.contains(&c.pid)) {
        if (c.mode, c.complain) == req {
            continue;
        }
        listed += 1;
        lines.push(format!(
            "smctl:   pid {} ({}): mode {}",
            c.pid,
            c.comm,
            describe_mode(c.mode, c.complain, names)
        ));
    }
    if let Some(rest) = kept.checked_sub(listed).filter(|&r| r > 0) {
        lines.push(format!(
            "smctl:   {}{rest} in mode {} already, or exited since",
            if listed == 0 { "" } else { "and " },
            describe_mode(req.0, req.1, names)
        ));
    }
    lines
}

/// The pid `args` name.
fn target_pid(args: &ConfineArgs) -> Result<i32, String> {
    match (&args.pid, &args.pidfile) {
        (Some(pid), _) => Ok(*pid),
        (None, Some(file)) => {
            let text = read_pidfile(file).map_err(|e| format!("pidfile {file}: {e}"))?;
            parse_pidfile(&text).map_err(|e| format!("pidfile {file}: {e}"))
        }
        // clap requires one of them.
        (None, None) => Err("no target".into()),
    }
}

/// The longest pidfile read: a pid and a newline, with room to spare.
const PIDFILE_MAX: u64 = 64;

/// Reads a pidfile the way systemd's `PIDFile=` trusts one: not through a
/// symbolic link, without blocking (a FIFO), a regular file owned by root
/// or by the caller and writable by nobody else, at most [`PIDFILE_MAX`]
/// bytes. smctl runs as root: a pidfile another user can write would let
/// that user name any process to confine.
fn read_pidfile(file: &str) -> Result<String, String> {
    use std::io::Read;
    use std::os::unix::fs::{MetadataExt, OpenOptionsExt};
    let f = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_NOCTTY)
        .open(file)
        .map_err(|e| device::describe(&e))?;
    let meta = f.metadata().map_err(|e| device::describe(&e))?;
    if !meta.file_type().is_file() {
        return Err("not a regular file".into());
    }
    // SAFETY: geteuid has no preconditions.
    let me = unsafe { libc::geteuid() };
    if meta.uid() != 0 && meta.uid() != me {
        return Err(format!(
            "owned by uid {}, not by root or the caller: refused",
            meta.uid()
        ));
    }
    if meta.mode() & 0o022 != 0 {
        return Err(format!(
            "writable by group or others (mode {:04o}): refused",
            meta.mode() & 0o7777
        ));
    }
    let mut text = String::new();
    f.take(PIDFILE_MAX)
        .read_to_string(&mut text)
        .map_err(|e| device::describe(&e))?;
    Ok(text)
}

/// Opens the device for reading and writing, as for a commit; the error
/// names the errno (`EACCES` from the 0600 node for a non-root caller).
fn open_device() -> Result<std::fs::File, String> {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(device::DEVICE)
        .map_err(|e| {
            let errno = e.raw_os_error().unwrap_or(0);
            let mut text = format!("open {}: {}", device::DEVICE, errno_text(errno));
            if errno == libc::ENOENT || errno == libc::ENODEV || errno == libc::ENXIO {
                text.push_str(" (is seccomp_mode loaded, with tables=1?)");
            }
            text
        })
}

/// Turns a device failure into one line.
fn failure_text(f: Failure) -> String {
    match f {
        Failure::Io(text) => text,
        Failure::Refused(r) => format!("{}: {}", errno_text(r.errno), r.msg),
    }
}

/// `smctl confine`. `Err` holds the first stderr line (exit 1); hints are
/// printed before it returns.
pub fn run(args: &ConfineArgs) -> Result<(), String> {
    let pid = target_pid(args)?;
    // The table names (for --table, and for listing kept descendants).
    let names = match (&args.table, args.children) {
        (Some(_), _) | (None, true) => match device::read_tables() {
            Ok(text) => tables_of(&String::from_utf8_lossy(&text)),
            Err(f) if args.table.is_some() => return Err(failure_text(f)),
            Err(_) => Vec::new(),
        },
        _ => Vec::new(),
    };
    let mode = match (&args.mode, &args.table) {
        (Some(m), _) => *m,
        (None, Some(name)) => resolve_table(&names, name)?,
        (None, None) => return Err("no mode".into()),
    };
    let pidfd = pidfd_open(pid).map_err(|e| {
        let errno = e.raw_os_error().unwrap_or(0);
        format!("pid {pid}: {}", errno_text(errno))
    })?;
    let dev = open_device()?;
    let mut flags = 0;
    if args.complain {
        flags |= FLAG_LOG;
    }
    if args.children {
        flags |= CONFINE_DESCENDANTS;
    }
    let mut req = SmConfine {
        pidfd: pidfd.as_raw_fd(),
        mode,
        flags,
        kept: 0,
    };
    match confine_fd(&dev, &mut req) {
        Ok(kept) => {
            if args.children {
                let desc = descendants(pid);
                let status = std::fs::read_to_string(STATUS)
                    .map(|t| parse_status(&t))
                    .unwrap_or_default();
                for line in kept_lines(pid, kept, (mode, args.complain), &desc, &status, &names) {
                    eprintln!("{line}");
                }
            }
            Ok(())
        }
        Err(errno) => {
            if let Some(h) = hint(errno) {
                eprintln!(
                    "smctl: confine pid {pid} in mode {mode}: {}",
                    errno_text(errno)
                );
                return Err(h.to_owned());
            }
            Err(format!(
                "confine pid {pid} in mode {mode}: {}",
                errno_text(errno)
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pidfile smctl (root) would trust: regular, not a link, not
    /// writable by others; anything else is refused without blocking.
    #[test]
    fn pidfiles_are_trusted_only_as_systemd_trusts_them() {
        use std::os::unix::fs::PermissionsExt;
        let dir = std::env::temp_dir().join(format!("smctl-pidfile-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir(&dir).unwrap();
        let good = dir.join("good.pid");
        std::fs::write(&good, "123\n").unwrap();
        std::fs::set_permissions(&good, std::fs::Permissions::from_mode(0o644)).unwrap();
        assert_eq!(read_pidfile(good.to_str().unwrap()).unwrap(), "123\n");
        let open = dir.join("open.pid");
        std::fs::write(&open, "1\n").unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o666)).unwrap();
        assert!(read_pidfile(open.to_str().unwrap())
            .unwrap_err()
            .contains("writable by group or others"));
        let link = dir.join("link.pid");
        std::os::unix::fs::symlink(&good, &link).unwrap();
        assert!(read_pidfile(link.to_str().unwrap()).is_err());
        let fifo = dir.join("fifo.pid");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo with a valid path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        assert!(read_pidfile(fifo.to_str().unwrap())
            .unwrap_err()
            .contains("not a regular file"));
        let big = dir.join("big.pid");
        std::fs::write(&big, "7".repeat(10_000)).unwrap();
        std::fs::set_permissions(&big, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(read_pidfile(big.to_str().unwrap()).unwrap().len(), 64);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn ioctl_number_matches_the_uapi_header() {
        // _IOWR('S', 0x03, struct sm_confine) with sizeof == 16.
        assert_eq!(SM_IOC_CONFINE, 0xc010_5303);
    }

    #[test]
    fn tables_and_names() {
        let text = "# generation 7\n*mode 3 netd\n:x86_64 MODE2 [4]\nCOMMIT\n\
                    *mode 9\nCOMMIT\n*mode 12 httpd\nCOMMIT\n# learned 12 x86_64 read 3\n";
        assert_eq!(
            tables_of(text),
            [
                (3, Some("netd".to_owned())),
                (9, None),
                (12, Some("httpd".to_owned()))
            ]
        );
        let tables = tables_of(text);
        assert_eq!(resolve_table(&tables, "httpd"), Ok(12));
        assert_eq!(resolve_table(&tables, "9"), Ok(9));
        assert!(resolve_table(&tables, "4").is_err());
        assert!(resolve_table(&tables, "nginx").is_err());
    }

    #[test]
    fn pidfiles() {
        assert_eq!(parse_pidfile("1234\n"), Ok(1234));
        assert_eq!(parse_pidfile("  77 extra"), Ok(77));
        assert!(parse_pidfile("").is_err());
        assert!(parse_pidfile("0\n").is_err());
        assert!(parse_pidfile("-5\n").is_err());
        assert!(parse_pidfile("abc").is_err());
    }

    #[test]
    fn errno_texts() {
        assert_eq!(errno_text(libc::EPERM), "EPERM (Operation not permitted)");
        assert_eq!(errno_text(libc::ESRCH), "ESRCH (No such process)");
        assert!(hint(libc::EBUSY).unwrap().contains("io_uring"));
    }

    const STATUS_TEXT: &str = "# pid mode flags violations comm\n\
        412 2 enforce 0 netd\n\
        413 3 log 5 my daemon\n\
        # mode abi entered killed logged\n\
        1 x86_64 0 0 0\n";

    #[test]
    fn status_lines() {
        let s = parse_status(STATUS_TEXT);
        assert_eq!(s.len(), 2);
        assert_eq!(
            s[1],
            Confined {
                pid: 413,
                mode: 3,
                complain: true,
                violations: 5,
                comm: "my daemon".into()
            }
        );
        assert!(parse_status("").is_empty());
    }

    #[test]
    fn kept_descendants_are_listed() {
        let status = parse_status(STATUS_TEXT);
        let names = vec![(3, Some("netd".to_owned()))];
        let lines = kept_lines(400, 1, (2, false), &[412, 413], &status, &names);
        assert_eq!(
            lines,
            [
                "smctl: 1 descendant of pid 400 kept its own mode:",
                "smctl:   pid 413 (my daemon): mode 3 (netd) complain",
            ]
        );
        assert!(kept_lines(400, 0, (2, false), &[413], &status, &names).is_empty());
        // Counted by the kernel, but in the requested mode (or gone).
        let lines = kept_lines(400, 3, (2, false), &[412, 413], &status, &names);
        assert_eq!(
            lines[2],
            "smctl:   and 2 in mode 2 enforce already, or exited since"
        );
        let lines = kept_lines(400, 1, (3, true), &[413], &status, &names);
        assert_eq!(
            lines,
            [
                "smctl: 1 descendant of pid 400 kept its own mode:",
                "smctl:   1 in mode 3 (netd) complain already, or exited since",
            ]
        );
    }

    /// `smctl ARGS` parsed.
    fn cli(args: &[&str]) -> Result<crate::Cli, clap::Error> {
        use clap::Parser;
        crate::Cli::try_parse_from(std::iter::once("smctl").chain(args.iter().copied()))
    }

    #[test]
    fn command_line() {
        let c = cli(&["confine", "--pid", "42", "--table", "httpd", "--complain"]).unwrap();
        assert_eq!(
            c.cmd,
            Some(crate::Cmd::Confine(ConfineArgs {
                pid: Some(42),
                pidfile: None,
                mode: None,
                table: Some("httpd".into()),
                complain: true,
                children: false,
            }))
        );
        let c = cli(&[
            "confine",
            "--pidfile",
            "/run/netd.pid",
            "--mode",
            "2",
            "--children",
        ])
        .unwrap();
        assert!(matches!(
            c.cmd,
            Some(crate::Cmd::Confine(ConfineArgs {
                pidfile: Some(_),
                mode: Some(2),
                children: true,
                ..
            }))
        ));
        assert!(cli(&["confine", "--pid", "1", "--mode", "2147483647"]).is_ok());
        assert_eq!(cli(&["ps"]).unwrap().cmd, Some(crate::Cmd::Ps));
        // Usage errors exit 2: no target, two targets, no mode, two modes,
        // bad numbers.
        for bad in [
            &["confine", "--mode", "2"][..],
            &["confine", "--pid", "1", "--pidfile", "f", "--mode", "2"],
            &["confine", "--pid", "1"],
            &["confine", "--pid", "1", "--mode", "2", "--table", "t"],
            &["confine", "--pid", "0", "--mode", "2"],
            &["confine", "--pid", "x", "--mode", "2"],
            &["confine", "--pid", "1", "--mode", "0"],
            &["confine", "--pid", "1", "--mode", "2147483648"],
            &["ps", "x"],
        ] {
            let e = cli(bad).map(|c| c.cmd).expect_err("usage error");
            assert_eq!(e.exit_code(), 2, "{bad:?}");
        }
    }

    #[test]
    fn walk_finds_own_children() {
        let mut child = std::process::Command::new("sleep")
            .arg("5")
            .spawn()
            .expect("sleep");
        let me = std::process::id() as i32;
        let found = descendants(me);
        let _ = child.kill();
        let _ = child.wait();
        assert!(found.contains(&(child.id() as i32)), "{found:?}");
    }
}
