// SPDX-License-Identifier: GPL-2.0

//! `make install DESTDIR=...` lays out smctl, its manual pages, the shell
//! completions and (when it is built) the module where they belong, without
//! root and without running depmod. Uses the smctl this test was built with
//! (`SMCTL=`), so no cargo build runs inside the test.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

/// Every file under `dir`, relative to it.
fn files(dir: &Path) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                todo.push(p);
            } else {
                out.insert(p.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    out
}

#[test]
fn make_install_lays_out_the_expected_files() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let dest = std::env::temp_dir().join(format!("smctl-install-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dest);
    let out = Command::new("make")
        .arg("-s")
        .arg("-C")
        .arg(&root)
        .arg("install")
        .arg(format!("DESTDIR={}", dest.display()))
        .arg("PREFIX=/usr")
        .arg("KVER=9.9.9-test")
        .arg(format!("SMCTL={}", env!("CARGO_BIN_EXE_smctl")))
        .output()
        .expect("make runs");
    let log =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "make install failed:\n{log}");
    let got = files(&dest);
    let mut want: BTreeSet<String> = [
        "usr/sbin/smctl",
        "usr/share/man/man8/smctl.8",
        "usr/share/man/man8/smctl-restore.8",
        "usr/share/man/man8/smctl-diff.8",
        "usr/share/man/man8/smctl-explain.8",
        "usr/share/bash-completion/completions/smctl",
        "usr/share/zsh/site-functions/_smctl",
        "usr/share/fish/vendor_completions.d/smctl.fish",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    if root.join("build/x86_64/seccomp_mode.ko").exists() {
        want.insert("lib/modules/9.9.9-test/extra/seccomp_mode.ko".into());
    } else {
        eprintln!("the module is not built: its install is not checked");
        assert!(log.contains("the module is not built"), "{log}");
    }
    for w in &want {
        assert!(got.contains(w), "{w} not installed; got {got:#?}\n{log}");
    }
    // Nothing outside those places; depmod did not run.
    for g in &got {
        assert!(
            g.starts_with("usr/sbin/")
                || g.starts_with("usr/share/")
                || g.starts_with("lib/modules/9.9.9-test/extra/"),
            "unexpected {g}"
        );
    }
    assert!(
        log.contains("not running depmod") || !want.iter().any(|w| w.ends_with(".ko")),
        "{log}"
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dest.join("usr/sbin/smctl"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o777, 0o755);
    let page = std::fs::read_to_string(dest.join("usr/share/man/man8/smctl.8")).unwrap();
    assert!(page.contains(".TH smctl 8"), "{page}");
    std::fs::remove_dir_all(&dest).unwrap();
}
