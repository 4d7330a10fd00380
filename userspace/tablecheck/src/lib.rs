// SPDX-License-Identifier: GPL-2.0

//! Host-side check of the module's static syscall tables against the kernel
//! source's own syscall tables.
//!
//! The module's table files (`src/tables/*.rs`) are compiled here unchanged,
//! and every row's name and number is compared with the `.tbl` file the
//! kernel generates its syscall numbers from. The kernel source is found via
//! `SM_KERNEL_SRC`, or else the tree `scripts/setup` unpacked into the cache;
//! without one the tests fail (they never skip).

use std::collections::HashMap;
use std::path::PathBuf;

/// One syscall row, as the module's tables write it.
#[derive(Clone, Copy, Debug)]
pub struct Sys {
    /// The syscall number.
    pub nr: u32,
    /// The kernel's name for it.
    pub name: &'static str,
}

impl Sys {
    const fn new(nr: u32, name: &'static str) -> Self {
        Self { nr, name }
    }
}

/// AArch32.
#[path = "../../../src/tables/arm.rs"]
pub mod arm;
/// arm64 native.
#[path = "../../../src/tables/arm64.rs"]
pub mod arm64;
/// arm64 parameter sizes.
#[path = "../../../src/tables/arm64_args.rs"]
pub mod arm64_args;
/// AArch32 parameter sizes.
#[path = "../../../src/tables/arm_args.rs"]
pub mod arm_args;
/// ia32 compat.
#[path = "../../../src/tables/ia32.rs"]
pub mod ia32;
/// ia32 parameter sizes.
#[path = "../../../src/tables/ia32_args.rs"]
pub mod ia32_args;
/// x86_64 native.
#[path = "../../../src/tables/x86_64.rs"]
pub mod x86_64;
/// x86_64 parameter sizes.
#[path = "../../../src/tables/x86_64_args.rs"]
pub mod x86_64_args;

/// Syscall parameter sizes: derived from the kernel source, generated and checked.
pub mod args;

/// The module's tables, compiled from the same files.
pub mod tables {
    use super::{arm, arm64, ia32, x86_64, Sys};

    /// One ABI's tables and where the kernel keeps its numbers.
    pub struct Abi {
        /// The ABI's name.
        pub name: &'static str,
        /// The kernel's `.tbl` file, relative to the source tree.
        pub tbl: &'static str,
        /// The ABI column values of that file that the architecture builds.
        pub tbl_abis: &'static [&'static str],
        /// `MAX_NR`.
        pub max_nr: u32,
        /// `MODE1`.
        pub mode1: &'static [Sys],
        /// `MODE2`.
        pub mode2: &'static [Sys],
        /// `NEVER`.
        pub never: &'static [Sys],
        /// `NAMES`: every syscall.
        pub names: &'static [Sys],
        /// (`CLONE`, `CLONE3`, `PRCTL`).
        pub special: (u32, u32, u32),
        /// `SOCKETCALL`.
        pub socketcall: Option<(u32, &'static [u32])>,
        /// `FCNTL`.
        pub fcntl: &'static [u32],
        /// `CREATES`.
        pub creates: &'static [(u32, Option<usize>, usize)],
    }

    macro_rules! abi {
        ($m:ident, $tbl:literal, $abis:expr) => {
            Abi {
                name: stringify!($m),
                tbl: $tbl,
                tbl_abis: $abis,
                max_nr: $m::MAX_NR,
                mode1: $m::MODE1,
                mode2: $m::MODE2,
                never: $m::NEVER,
                names: $m::NAMES,
                special: ($m::CLONE, $m::CLONE3, $m::PRCTL),
                socketcall: $m::SOCKETCALL,
                fcntl: $m::FCNTL,
                creates: $m::CREATES,
            }
        };
    }

    /// The x32-only syscall names (x32 numbers 512 and up).
    pub const X32_NAMES: &[Sys] = x86_64::X32_NAMES;

    /// Every ABI.
    pub const ALL: [Abi; 4] = [
        abi!(
            x86_64,
            "arch/x86/entry/syscalls/syscall_64.tbl",
            &["common", "64"]
        ),
        abi!(ia32, "arch/x86/entry/syscalls/syscall_32.tbl", &["i386"]),
        abi!(
            arm64,
            "scripts/syscall.tbl",
            &["common", "64", "renameat", "rlimit", "memfd_secret"]
        ),
        abi!(arm, "arch/arm/tools/syscall.tbl", &["common", "eabi"]),
    ];

    /// The ABI of the architecture this crate is built for: `x86_64` on
    /// x86_64, `arm64` on AArch64, `arm` on 32-bit arm (a program's native
    /// ABI; the in-guest tests take the tables of their own ABI from here).
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64", target_arch = "arm"))]
    pub fn native() -> &'static Abi {
        #[cfg(target_arch = "x86_64")]
        const NAME: &str = "x86_64";
        #[cfg(target_arch = "aarch64")]
        const NAME: &str = "arm64";
        #[cfg(target_arch = "arm")]
        const NAME: &str = "arm";
        by_name(NAME).expect("every supported architecture has its tables")
    }

    /// The tables of the ABI named `name` (as the module's log lines name
    /// it: `x86_64`, `ia32`, `arm64`, `arm`).
    pub fn by_name(name: &str) -> Option<&'static Abi> {
        let all: &'static [Abi; 4] = &ALL;
        all.iter().find(|a| a.name == name)
    }
}

/// The kernel source tree to check against.
pub fn kernel_source() -> Result<PathBuf, String> {
    if let Ok(dir) = std::env::var("SM_KERNEL_SRC") {
        return Ok(PathBuf::from(dir));
    }
    let cache = std::env::var("SECCOMP_MODE_CACHE")
        .map(PathBuf::from)
        .or_else(|_| {
            std::env::var("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .or_else(|_| std::env::var("HOME").map(|h| PathBuf::from(h).join(".cache")))
                .map(|c| c.join("seccomp-mode"))
        });
    let cache = cache.map_err(|_| "no SM_KERNEL_SRC, SECCOMP_MODE_CACHE or HOME".to_owned())?;
    let current = cache.join("src/current");
    std::fs::read_to_string(&current)
        .map(|s| PathBuf::from(s.trim()))
        .map_err(|e| format!("{}: {e} (run scripts/setup)", current.display()))
}

/// Parses a kernel `.tbl` file: name -> number for the given ABIs, and the
/// largest number among them.
pub fn parse_tbl(text: &str, abis: &[&str]) -> Result<(HashMap<String, u32>, u32), String> {
    let mut map = HashMap::new();
    let mut max = 0;
    for line in text.lines() {
        let line = line.split('#').next().unwrap_or("");
        let mut cols = line.split_whitespace();
        let (Some(nr), Some(abi), Some(name)) = (cols.next(), cols.next(), cols.next()) else {
            continue;
        };
        if !abis.contains(&abi) {
            continue;
        }
        let nr: u32 = nr.parse().map_err(|e| format!("bad number {nr:?}: {e}"))?;
        if let Some(old) = map.insert(name.to_owned(), nr) {
            if old != nr {
                return Err(format!("{name} has two numbers: {old} and {nr}"));
            }
        }
        max = max.max(nr);
    }
    Ok((map, max))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_tbl_reads_selected_abis() {
        let text = "# comment\n0\tcommon\tread\tsys_read\n1\t64\twrite\tsys_write\n\
                    2\tx32\tbogus\tsys_x\n\n";
        let (map, max) = parse_tbl(text, &["common", "64"]).unwrap();
        assert_eq!(map.len(), 2);
        assert_eq!(map["read"], 0);
        assert_eq!(map["write"], 1);
        assert_eq!(max, 1);
    }

    /// The kernel's name -> number map of `abi`.
    fn kernel_map(abi: &tables::Abi) -> (HashMap<String, u32>, u32) {
        let ksrc = kernel_source().unwrap();
        let path = ksrc.join(abi.tbl);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        parse_tbl(&text, abi.tbl_abis).unwrap()
    }

    #[test]
    fn every_row_matches_the_kernel_tables() {
        let mut errors = Vec::new();
        for abi in &tables::ALL {
            let (map, max) = kernel_map(abi);
            if max != abi.max_nr {
                errors.push(format!(
                    "{}: MAX_NR {}, {} says {max}",
                    abi.name, abi.max_nr, abi.tbl
                ));
            }
            let rows = abi
                .mode1
                .iter()
                .chain(abi.mode2)
                .chain(abi.never)
                .chain(abi.names);
            for row in rows {
                match map.get(row.name) {
                    Some(&nr) if nr == row.nr => {}
                    Some(&nr) => errors.push(format!(
                        "{}: {} is {nr}, table says {}",
                        abi.name, row.name, row.nr
                    )),
                    None => {
                        errors.push(format!("{}: {} is not in {}", abi.name, row.name, abi.tbl))
                    }
                }
            }
        }
        assert!(
            errors.is_empty(),
            "table mismatches:\n{}",
            errors.join("\n")
        );
    }

    #[test]
    fn names_list_every_kernel_syscall_in_order() {
        for abi in &tables::ALL {
            let (map, _) = kernel_map(abi);
            assert_eq!(
                abi.names.len(),
                map.len(),
                "{}: NAMES is incomplete",
                abi.name
            );
            assert!(
                abi.names.windows(2).all(|w| w[0].nr < w[1].nr),
                "{}: NAMES is not sorted by number",
                abi.name
            );
        }
    }

    #[test]
    fn special_numbers_are_the_named_syscalls() {
        for abi in &tables::ALL {
            let (map, _) = kernel_map(abi);
            let (clone, clone3, prctl) = abi.special;
            assert_eq!(map.get("clone"), Some(&clone), "{}", abi.name);
            assert_eq!(map.get("clone3"), Some(&clone3), "{}", abi.name);
            assert_eq!(map.get("prctl"), Some(&prctl), "{}", abi.name);
            assert_eq!(
                abi.socketcall.map(|(nr, _)| nr),
                map.get("socketcall").copied(),
                "{}",
                abi.name
            );
        }
    }

    #[test]
    fn argument_checked_syscalls_are_the_named_ones() {
        for abi in &tables::ALL {
            let (map, _) = kernel_map(abi);
            let mut want: Vec<u32> = ["fcntl", "fcntl64"]
                .iter()
                .filter_map(|n| map.get(*n).copied())
                .collect();
            want.sort_unstable();
            want.dedup();
            let mut got = abi.fcntl.to_vec();
            got.sort_unstable();
            assert_eq!(got, want, "{}: FCNTL", abi.name);
            // open(path, flags, mode), creat(path, mode),
            // openat(dfd, path, flags, mode).
            let mut want: Vec<(u32, Option<usize>, usize)> = [
                ("open", Some(1), 2),
                ("creat", None, 1),
                ("openat", Some(2), 3),
            ]
            .iter()
            .filter_map(|&(n, f, m)| map.get(n).map(|&nr| (nr, f, m)))
            .collect();
            want.sort_unstable();
            let mut got = abi.creates.to_vec();
            got.sort_unstable();
            assert_eq!(got, want, "{}: CREATES", abi.name);
        }
    }

    #[test]
    fn x32_names_are_the_kernels_x32_rows() {
        let ksrc = kernel_source().unwrap();
        let text =
            std::fs::read_to_string(ksrc.join("arch/x86/entry/syscalls/syscall_64.tbl")).unwrap();
        let (map, _) = parse_tbl(&text, &["x32"]).unwrap();
        assert_eq!(tables::X32_NAMES.len(), map.len());
        for row in tables::X32_NAMES {
            assert_eq!(map.get(row.name), Some(&row.nr), "x32 {}", row.name);
        }
        assert!(tables::X32_NAMES.windows(2).all(|w| w[0].nr < w[1].nr));
    }

    #[test]
    fn socketcall_calls_map_to_their_direct_syscalls() {
        // include/uapi/linux/net.h: SYS_SOCKET = 1 .. SYS_SENDMMSG = 20; SYS_ACCEPT,
        // SYS_SEND and SYS_RECV have no direct ia32 syscall and map to their
        // supersets.
        let want = [
            "socket",
            "bind",
            "connect",
            "listen",
            "accept4",
            "getsockname",
            "getpeername",
            "socketpair",
            "sendto",
            "recvfrom",
            "sendto",
            "recvfrom",
            "shutdown",
            "setsockopt",
            "getsockopt",
            "sendmsg",
            "recvmsg",
            "accept4",
            "recvmmsg",
            "sendmmsg",
        ];
        let ia32 = &tables::ALL[1];
        let (map, _) = kernel_map(ia32);
        let (_, calls) = ia32.socketcall.unwrap();
        assert_eq!(calls[0], 0);
        assert_eq!(calls.len(), want.len() + 1);
        for (call, name) in want.iter().enumerate() {
            assert_eq!(Some(&calls[call + 1]), map.get(*name), "call {}", call + 1);
        }
    }

    #[test]
    fn docs_list_every_mode2_row() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/tables.md");
        let doc = std::fs::read_to_string(path).unwrap();
        let headers = [
            ("x86_64", "## x86_64"),
            ("ia32", "## ia32"),
            ("arm64", "## arm64"),
            ("arm", "## AArch32"),
        ];
        let mut missing = Vec::new();
        for abi in &tables::ALL {
            let (_, header) = headers.iter().find(|(n, _)| *n == abi.name).unwrap();
            let start = doc
                .find(header)
                .unwrap_or_else(|| panic!("no section {header:?}"));
            let rest = &doc[start + header.len()..];
            let section = &rest[..rest.find("\n## ").unwrap_or(rest.len())];
            for row in abi.mode2 {
                let want = format!("| {} | `{}` |", row.nr, row.name);
                if !section.contains(&want) {
                    missing.push(format!("{}: {want}", abi.name));
                }
            }
        }
        assert!(
            missing.is_empty(),
            "docs/tables.md lacks:\n{}",
            missing.join("\n")
        );
    }

    #[test]
    #[cfg(any(target_arch = "x86_64", target_arch = "aarch64", target_arch = "arm"))]
    fn native_is_the_build_targets_abi() {
        let want = if cfg!(target_arch = "x86_64") {
            "x86_64"
        } else if cfg!(target_arch = "aarch64") {
            "arm64"
        } else {
            "arm"
        };
        assert_eq!(tables::native().name, want);
        assert!(tables::by_name("ia32").is_some_and(|a| a.special.2 == 172));
        assert!(tables::by_name("x32").is_none());
    }

    #[test]
    fn a_wrong_row_is_caught() {
        // The check itself must be able to fail: a renumbered row mismatches.
        let ksrc = kernel_source().unwrap();
        let text =
            std::fs::read_to_string(ksrc.join("arch/x86/entry/syscalls/syscall_64.tbl")).unwrap();
        let (map, _) = parse_tbl(&text, &["common", "64"]).unwrap();
        assert_ne!(map.get("execve"), Some(&60));
        assert_eq!(map.get("execve"), Some(&59));
    }
}
