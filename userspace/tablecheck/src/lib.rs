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
/// ia32 compat.
#[path = "../../../src/tables/ia32.rs"]
pub mod ia32;
/// x86_64 native.
#[path = "../../../src/tables/x86_64.rs"]
pub mod x86_64;

/// The module's tables, compiled from the same files.
pub mod tables {
    use super::{arm, arm64, ia32, x86_64, Sys};

    /// (name, `.tbl` path, ABIs of that file that the architecture builds,
    /// MAX_NR, MODE1, MODE2, NEVER) of every ABI.
    pub type Abi = (
        &'static str,
        &'static str,
        &'static [&'static str],
        u32,
        &'static [Sys],
        &'static [Sys],
        &'static [Sys],
    );

    /// Every ABI's tables and where the kernel keeps its numbers.
    pub const ALL: [Abi; 4] = [
        (
            "x86_64",
            "arch/x86/entry/syscalls/syscall_64.tbl",
            &["common", "64"],
            x86_64::MAX_NR,
            x86_64::MODE1,
            x86_64::MODE2,
            x86_64::NEVER,
        ),
        (
            "ia32",
            "arch/x86/entry/syscalls/syscall_32.tbl",
            &["i386"],
            ia32::MAX_NR,
            ia32::MODE1,
            ia32::MODE2,
            ia32::NEVER,
        ),
        (
            "arm64",
            "scripts/syscall.tbl",
            &["common", "64", "renameat", "rlimit", "memfd_secret"],
            arm64::MAX_NR,
            arm64::MODE1,
            arm64::MODE2,
            arm64::NEVER,
        ),
        (
            "arm",
            "arch/arm/tools/syscall.tbl",
            &["common", "eabi"],
            arm::MAX_NR,
            arm::MODE1,
            arm::MODE2,
            arm::NEVER,
        ),
    ];
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

    #[test]
    fn every_row_matches_the_kernel_tables() {
        let ksrc = kernel_source().unwrap();
        let mut errors = Vec::new();
        for (abi, tbl, abis, max_nr, mode1, mode2, never) in tables::ALL {
            let text = std::fs::read_to_string(ksrc.join(tbl))
                .unwrap_or_else(|e| panic!("{}: {e}", ksrc.join(tbl).display()));
            let (map, max) = parse_tbl(&text, abis).unwrap();
            if max != max_nr {
                errors.push(format!("{abi}: MAX_NR {max_nr}, {tbl} says {max}"));
            }
            for row in mode1.iter().chain(mode2).chain(never) {
                match map.get(row.name) {
                    Some(&nr) if nr == row.nr => {}
                    Some(&nr) => errors.push(format!(
                        "{abi}: {} is {nr}, table says {}",
                        row.name, row.nr
                    )),
                    None => errors.push(format!("{abi}: {} is not in {tbl}", row.name)),
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
