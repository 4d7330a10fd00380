// SPDX-License-Identifier: GPL-2.0

//! The errno names match the kernel's `include/uapi/asm-generic/errno*.h`
//! (the source tree from `SM_KERNEL_SRC`, else the one `scripts/setup`
//! unpacked; without one the test fails, it never skips).

use std::path::PathBuf;

use smrules::rules::errno::{by_name, name_of, ERRNOS};

/// The kernel source tree.
fn kernel_source() -> PathBuf {
    if let Ok(dir) = std::env::var("SM_KERNEL_SRC") {
        return PathBuf::from(dir);
    }
    let cache = std::env::var("SECCOMP_MODE_CACHE")
        .map(PathBuf::from)
        .or_else(|_| {
            std::env::var("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .or_else(|_| std::env::var("HOME").map(|h| PathBuf::from(h).join(".cache")))
                .map(|c| c.join("seccomp-mode"))
        })
        .expect("no SM_KERNEL_SRC, SECCOMP_MODE_CACHE or HOME");
    let current = cache.join("src/current");
    let dir = std::fs::read_to_string(&current)
        .unwrap_or_else(|e| panic!("{}: {e} (run scripts/setup)", current.display()));
    PathBuf::from(dir.trim())
}

#[test]
fn errnos_match_the_kernel_headers() {
    let ksrc = kernel_source();
    // First name of each number, in header order (aliases like
    // `EWOULDBLOCK EAGAIN` have no number and are skipped).
    let mut kernel: Vec<(String, u16)> = Vec::new();
    for header in ["errno-base.h", "errno.h"] {
        let path = ksrc.join("include/uapi/asm-generic").join(header);
        let text =
            std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for line in text.lines() {
            let mut words = line.split_whitespace();
            let (Some("#define"), Some(name), Some(value)) =
                (words.next(), words.next(), words.next())
            else {
                continue;
            };
            let Ok(nr) = value.parse::<u16>() else {
                continue;
            };
            if !kernel.iter().any(|k| k.1 == nr) {
                kernel.push((name.to_string(), nr));
            }
        }
    }
    kernel.sort_by_key(|k| k.1);
    let ours: Vec<(String, u16)> = ERRNOS.iter().map(|&(n, nr)| (n.to_string(), nr)).collect();
    assert_eq!(ours, kernel);
}

#[test]
fn errno_lookups_are_inverse() {
    assert!(ERRNOS.windows(2).all(|w| w[0].1 < w[1].1));
    for &(name, nr) in ERRNOS {
        assert_eq!(by_name(name), Some(nr));
        assert_eq!(name_of(nr), Some(name));
    }
    assert_eq!(name_of(0), None);
    assert_eq!(name_of(41), None);
    assert_eq!(by_name("EWOULDBLOCK"), None);
}
