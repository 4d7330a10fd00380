// SPDX-License-Identifier: GPL-2.0

//! `sm-table-fill fill|clear`: loads the table limits (64 tables of 256
//! rules, 16384 rules in all) through `smctl restore`, checks that one table
//! or one rule more is refused (`ENOSPC`, `E2BIG`) and changes nothing, and
//! deletes them again. `guest/run-tests` runs the static modes' attack
//! suites between `fill` and `clear`: modes 1 and 2 must not notice.
//! The tables are written for x86_64 and loaded in the native ABI's terms
//! (`arch::native_rules`).

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use smtest::{arch, Tap};

/// The first mode number used; the tables are this and the next 63.
const FIRST: u32 = 1000;
const TABLES: u32 = 64;
const RULES: u32 = 256;

/// Calls whose argument 0 is a 32-bit descriptor, to vary the rules.
const CALLS: [&str; 16] = [
    "read",
    "write",
    "close",
    "fstat",
    "lseek",
    "pread64",
    "pwrite64",
    "fchdir",
    "fchmod",
    "fsync",
    "fdatasync",
    "ftruncate",
    "getdents64",
    "flock",
    "dup",
    "listen",
];

fn smctl() -> PathBuf {
    let me = std::env::current_exe().unwrap_or_default();
    me.with_file_name("smctl")
}

/// Runs `smctl ARGS` with `stdin` (in native terms); (exit code, stdout,
/// stderr).
fn run(args: &[&str], stdin: &str) -> Result<(i32, String, String), String> {
    let stdin = arch::native_rules(stdin);
    let mut child = Command::new(smctl())
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("smctl: {e}"))?;
    if let Some(mut w) = child.stdin.take() {
        w.write_all(stdin.as_bytes()).map_err(|e| e.to_string())?;
    }
    let out = child.wait_with_output().map_err(|e| e.to_string())?;
    Ok((
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

/// Table `mode` with `rules` rules.
fn table(mode: u32, rules: u32) -> String {
    let mut s = format!("*mode {mode} fill{mode}\n:x86_64 MODE2\n:ia32 KILL\n");
    for i in 0..rules {
        let call = CALLS[i as usize % CALLS.len()];
        let target = if i % 3 == 0 { "ERRNO EPERM" } else { "ALLOW" };
        s.push_str(&format!(
            "-A x86_64 -s {call} --a0:u32 eq {i} -j {target}\n"
        ));
    }
    s.push_str("COMMIT\n");
    s
}

fn restore(text: &str) -> Result<(), String> {
    match run(&["restore", "-"], text)? {
        (0, _, _) => Ok(()),
        (c, _, e) => Err(format!("smctl restore exit {c}: {}", e.trim())),
    }
}

/// `smctl restore` refuses `text` with `errno_text` in its message, and
/// `smctl save` is unchanged.
fn refused(text: &str, errno_text: &str) -> Result<(), String> {
    let (_, before, _) = run(&["save"], "")?;
    let (code, _, err) = run(&["restore", "-"], text)?;
    let (_, after, _) = run(&["save"], "")?;
    if code != 1 || !err.contains(errno_text) {
        return Err(format!("exit {code}, stderr {:?}", err.trim()));
    }
    if before != after {
        return Err("a refused commit changed the tables".into());
    }
    Ok(())
}

fn fill(tap: &mut Tap<std::io::Stdout>) {
    let load = (0..TABLES / 8).try_for_each(|g| {
        let text: String = (0..8).map(|i| table(FIRST + g * 8 + i, RULES)).collect();
        restore(&text)
    });
    let listed = load.and_then(|()| {
        let (_, save, _) = run(&["save"], "")?;
        let tables = save.lines().filter(|l| l.starts_with("*mode ")).count();
        let rules = save.lines().filter(|l| l.starts_with("-A ")).count();
        if tables == TABLES as usize && rules == (TABLES * RULES) as usize {
            Ok(())
        } else {
            Err(format!(
                "smctl save shows {tables} tables and {rules} rules"
            ))
        }
    });
    tap.case("sixty_four_tables_of_256_rules_load", listed);
    tap.case(
        "a_65th_table_is_enospc",
        refused(&table(FIRST + TABLES, 1), "No space left"),
    );
    tap.case(
        "a_16385th_rule_is_e2big",
        refused(&table(FIRST, RULES + 1), "Argument list too long"),
    );
}

fn clear(tap: &mut Tap<std::io::Stdout>) {
    let text: String = (FIRST..FIRST + TABLES)
        .map(|m| format!("*mode {m} delete\nCOMMIT\n"))
        .collect();
    let res = restore(&text).and_then(|()| {
        let (_, save, _) = run(&["save"], "")?;
        if save.contains("*mode") {
            Err(format!("tables left: {save:.200}"))
        } else {
            Ok(())
        }
    });
    tap.case("limit_tables_deleted", res);
}

fn main() {
    let what = std::env::args().nth(1).unwrap_or_default();
    let planned = if what == "fill" { 3 } else { 1 };
    let mut tap = Tap::new(std::io::stdout(), planned);
    match what.as_str() {
        "fill" => fill(&mut tap),
        "clear" => clear(&mut tap),
        _ => {
            eprintln!("usage: sm-table-fill fill|clear");
            std::process::exit(2);
        }
    }
    std::process::exit(tap.finish());
}
