// SPDX-License-Identifier: GPL-2.0

//! The module's layout keeps the static modes away from "the code in case
//! 3": the decision path of modes 1 and 2 (`src/policy.rs`, `src/tables.rs`,
//! `src/tables/`, `src/arch/`) names nothing of the table modes
//! (`crate::rules`, `crate::tablemode`), and the shared rules code is
//! `forbid(unsafe_code)` and uses nothing of the kernel crate but its
//! allocator. The tables are pure data, and the architectures' facts live
//! in `src/arch/` only.

use std::fs;
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).expect("readable dir") {
        let p = e.expect("entry").path();
        if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out.sort();
    out
}

/// Code lines (comments dropped) of a file.
fn code(p: &Path) -> Vec<(usize, String)> {
    fs::read_to_string(p)
        .expect("readable file")
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, l.split("//").next().unwrap_or("").to_string()))
        .collect()
}

#[test]
fn static_decision_path_does_not_reach_table_code() {
    let r = root();
    let mut files = vec![r.join("src/policy.rs"), r.join("src/tables.rs")];
    files.extend(rust_files(&r.join("src/tables")));
    files.extend(rust_files(&r.join("src/arch")));
    assert!(files.len() >= 9, "layout changed: {files:?}");
    let mut bad = Vec::new();
    for f in &files {
        for (n, line) in code(f) {
            for word in ["rules", "tablemode", "tables_ffi", "hooks"] {
                let hit = line.contains(&format!("crate::{word}"))
                    || line.contains(&format!("super::{word}"))
                    || line.trim_start().starts_with(&format!("mod {word}"))
                    || line.contains(&format!("use {word}"));
                if hit {
                    bad.push(format!("{}:{n}: {}", f.display(), line.trim()));
                }
            }
        }
    }
    assert!(
        bad.is_empty(),
        "the static path names table code:\n{}",
        bad.join("\n")
    );
}

/// Every file of `dir` (recursively) with one of the extensions.
fn files_with(dir: &Path, exts: &[&str]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in fs::read_dir(dir).expect("readable dir") {
        let p = e.expect("entry").path();
        if p.is_dir() {
            out.extend(files_with(&p, exts));
        } else if p.extension().is_some_and(|x| exts.iter().any(|e| x == *e)) {
            out.push(p);
        }
    }
    out.sort();
    out
}

#[test]
fn tables_are_pure_data() {
    let r = root();
    let mut files = vec![r.join("src/tables.rs")];
    files.extend(rust_files(&r.join("src/tables")));
    let mut bad = Vec::new();
    for f in &files {
        for (n, line) in code(f) {
            let import = line.contains("crate::") && !line.contains("crate::sysset");
            if import {
                bad.push(format!("{}:{n}: {}", f.display(), line.trim()));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "the tables import module code:\n{}",
        bad.join("\n")
    );
}

/// Whether `line` names `word` (not as the tail of a longer identifier).
fn names(line: &str, word: &str) -> bool {
    line.match_indices(word).any(|(i, _)| {
        !line[..i]
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')
    })
}

/// How the kernel tells the ABIs apart and their prctl numbers: written
/// once per architecture, in `src/arch/`.
#[test]
fn arch_facts_live_in_src_arch() {
    let r = root();
    let arch = r.join("src/arch");
    let mut files = files_with(&r.join("src"), &["rs", "c", "h"]);
    files.extend(files_with(&r.join("rust"), &["rs", "c", "h"]));
    let facts = [
        "in_ia32_syscall",
        "in_compat_syscall",
        "__NR_ia32_prctl",
        "__NR_compat32_prctl",
        "0x4000_0000",
        "0x40000000",
        "Abi::X86_64, Abi::Ia32",
    ];
    let mut bad = Vec::new();
    for f in files.iter().filter(|f| !f.starts_with(&arch)) {
        for (n, line) in code(f) {
            if facts.iter().any(|w| names(&line, w)) {
                bad.push(format!("{}:{n}: {}", f.display(), line.trim()));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "architecture facts outside src/arch/:\n{}",
        bad.join("\n")
    );
    assert!(files_with(&arch, &["rs", "h"]).len() >= 5);
}

#[test]
fn rules_code_is_safe_and_kernel_free() {
    let r = root();
    let files = rust_files(&r.join("src/rules"));
    assert!(files.len() >= 7, "src/rules has {} files", files.len());
    let m = fs::read_to_string(r.join("src/rules/mod.rs")).expect("mod.rs");
    assert!(
        m.contains("#![forbid(unsafe_code)]"),
        "src/rules/mod.rs must forbid unsafe code"
    );
    let mut bad = Vec::new();
    for f in &files {
        let alloc = f.ends_with("alloc.rs");
        for (n, line) in code(f) {
            let unsafe_use = line.contains("unsafe ") || line.contains("unsafe{");
            let kernel_use = !alloc && line.contains("kernel::");
            let std_use = line.contains("std::");
            if unsafe_use || kernel_use || std_use {
                bad.push(format!("{}:{n}: {}", f.display(), line.trim()));
            }
        }
    }
    assert!(
        bad.is_empty(),
        "rules code uses unsafe, kernel or std:\n{}",
        bad.join("\n")
    );
}
