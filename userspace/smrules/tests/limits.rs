// SPDX-License-Identifier: GPL-2.0

//! Every limit: N is accepted, N + 1 refused with its errno at the word
//! that crosses it.

mod common;

use common::{err, ok, round_trip};
use smrules::rules::errnos::{E2BIG, EINVAL, ENOSPC};
use smrules::rules::{
    ERRNO_MAX, MAX_IN, MAX_JUMP_DEPTH, MAX_LINE, MAX_NAME, MAX_RULES, MAX_RULES_PER_TABLE,
    MAX_TABLES, MAX_TESTS, MAX_TEXT, MAX_USER_CHAINS, MODE_MAX, MODE_MIN,
};

/// A section of mode `mode` around `body`.
fn section(mode: u32, body: &str) -> String {
    format!("*mode {mode}\n{body}COMMIT\n")
}

/// Checks that `text` is refused with `errno` at `line`:`col`.
fn refused(text: &str, errno: i32, line: u32, col: u32) {
    let e = err(text);
    assert_eq!((e.errno, e.line, e.col), (errno, line, col), "{}", e.msg);
}

#[test]
fn limit_tests_per_rule() {
    let rule = |n: usize| {
        let tests = vec!["--a1 ne 0x1"; n].join(" ");
        section(3, &format!("-A x86_64 -s ioctl {tests} -j KILL\n"))
    };
    let rs = round_trip(&rule(MAX_TESTS));
    assert_eq!(rs.tables[0].tests.len(), MAX_TESTS);
    refused(&rule(MAX_TESTS + 1), E2BIG, 2, 20 + 12 * MAX_TESTS as u32);
}

#[test]
fn limit_values_per_in() {
    let rule = |n: usize| {
        let values: Vec<String> = (0..n).map(|v| v.to_string()).collect();
        section(
            3,
            &format!("-A x86_64 -s ioctl --a1 in {} -j KILL\n", values.join(",")),
        )
    };
    let rs = round_trip(&rule(MAX_IN));
    assert_eq!(rs.tables[0].values.len(), MAX_IN);
    // The 17th value: 10 one-digit and 6 two-digit values before it.
    refused(&rule(MAX_IN + 1), E2BIG, 2, 28 + 10 * 2 + 6 * 3);
}

#[test]
fn limit_rules_per_table() {
    let rules = |n: usize| section(3, &"-A x32 -j LOG\n".repeat(n));
    assert_eq!(
        ok(&rules(MAX_RULES_PER_TABLE)).tables[0].rules.len(),
        MAX_RULES_PER_TABLE
    );
    refused(
        &rules(MAX_RULES_PER_TABLE + 1),
        E2BIG,
        MAX_RULES_PER_TABLE as u32 + 2,
        1,
    );
}

#[test]
fn limit_rules_in_one_text() {
    let full = "-A x32 -j LOG\n".repeat(MAX_RULES_PER_TABLE);
    let tables = MAX_RULES / MAX_RULES_PER_TABLE;
    let mut text: String = (0..tables).map(|i| section(3 + i as u32, &full)).collect();
    let rs = ok(&text);
    assert_eq!(
        rs.tables.iter().map(|t| t.rules.len()).sum::<usize>(),
        MAX_RULES
    );
    text.push_str(&section(100, "-A x32 -j LOG\n"));
    let line = (tables * (MAX_RULES_PER_TABLE + 2) + 2) as u32;
    refused(&text, E2BIG, line, 1);
}

#[test]
fn limit_tables() {
    let text = |n: u32| -> String { (0..n).map(|i| section(MODE_MIN + i, "")).collect() };
    assert_eq!(ok(&text(MAX_TABLES as u32)).tables.len(), MAX_TABLES);
    refused(
        &text(MAX_TABLES as u32 + 1),
        ENOSPC,
        2 * MAX_TABLES as u32 + 1,
        1,
    );
    // Delete sections count too.
    let mut deletes: String = (0..MAX_TABLES as u32)
        .map(|i| format!("*mode {} delete\nCOMMIT\n", 10 + i))
        .collect();
    assert_eq!(ok(&deletes).tables.len(), MAX_TABLES);
    deletes.push_str("*mode 3 delete\nCOMMIT\n");
    refused(&deletes, ENOSPC, 2 * MAX_TABLES as u32 + 1, 1);
}

#[test]
fn limit_text_size() {
    let text = |n: usize| {
        let mut t = section(3, "-A x86_64 -j LOG\n");
        let comment = format!("#{}\n", "x".repeat(98));
        while t.len() + comment.len() <= n {
            t.push_str(&comment);
        }
        let rest = n - t.len();
        t.push_str(&"\n".repeat(rest));
        assert_eq!(t.len(), n);
        t
    };
    assert_eq!(ok(&text(MAX_TEXT)).tables.len(), 1);
    refused(&text(MAX_TEXT + 1), E2BIG, 0, 0);
}

#[test]
fn limit_line_length() {
    let comment = |n: usize| section(3, &format!("#{}\n", "x".repeat(n - 1)));
    assert_eq!(ok(&comment(MAX_LINE)).tables.len(), 1);
    refused(&comment(MAX_LINE + 1), EINVAL, 2, MAX_LINE as u32 + 1);
    // A rule line of exactly MAX_LINE bytes, padded with spaces.
    let rule = |n: usize| {
        let r = "-A x86_64 -s read -j LOG";
        section(3, &format!("{r}{}\n", " ".repeat(n - r.len())))
    };
    assert_eq!(ok(&rule(MAX_LINE)).tables[0].rules.len(), 1);
    refused(&rule(MAX_LINE + 1), EINVAL, 2, MAX_LINE as u32 + 1);
}

#[test]
fn limit_user_chains() {
    let chains = |n: usize| -> String {
        let body: String = (0..n).map(|i| format!(":c{i} x86_64\n")).collect();
        section(3, &body)
    };
    assert_eq!(
        ok(&chains(MAX_USER_CHAINS)).tables[0].users.len(),
        MAX_USER_CHAINS
    );
    refused(
        &chains(MAX_USER_CHAINS + 1),
        E2BIG,
        MAX_USER_CHAINS as u32 + 2,
        1,
    );
    // All of them in use, jumping in a line: c0 -> c1 -> ... is too deep,
    // but each jumped to from the built-in chain is fine.
    let mut body: String = (0..MAX_USER_CHAINS)
        .map(|i| format!(":c{i} x86_64\n"))
        .collect();
    for i in 0..MAX_USER_CHAINS {
        body.push_str(&format!(
            "-A x86_64 -s read -j c{i}\n-A c{i} -s read -j LOG\n"
        ));
    }
    round_trip(&section(3, &body));
}

#[test]
fn limit_jump_depth() {
    // x86_64 -> j1 -> ... -> jN, the first jump before the declarations.
    let chain = |n: usize| -> String {
        let mut body = "-A x86_64 -s fcntl -j j1\n".to_string();
        for i in 1..=n {
            body.push_str(&format!(":j{i} x86_64\n"));
        }
        for i in 1..n {
            body.push_str(&format!("-A j{i} -s fcntl -j j{}\n", i + 1));
        }
        body.push_str(&format!("-A j{n} -s fcntl --a1 eq 1 -j ALLOW\n"));
        section(3, &body)
    };
    let rs = round_trip(&chain(MAX_JUMP_DEPTH));
    assert_eq!(rs.tables[0].users.len(), MAX_JUMP_DEPTH);
    // One more: refused at the first jump of the too long chain.
    let n = MAX_JUMP_DEPTH + 1;
    refused(&chain(n), E2BIG, 2, 23);
    // A user chain that no built-in chain reaches counts as entered.
    let mut body = String::new();
    for i in 1..=n {
        body.push_str(&format!(":j{i} ia32\n"));
    }
    for i in 1..n {
        body.push_str(&format!("-A j{i} -s read -j j{}\n", i + 1));
    }
    refused(&section(3, &body), E2BIG, n as u32 + 2, 18);
}

#[test]
fn limit_names() {
    let name = "n".repeat(MAX_NAME);
    let text = section(3, &format!(":{name} x86_64\n-A x86_64 -j {name}\n"));
    round_trip(&text);
    round_trip(&format!("*mode 3 {name}\nCOMMIT\n"));
    let long = "n".repeat(MAX_NAME + 1);
    refused(&section(3, &format!(":{long} x86_64\n")), EINVAL, 2, 1);
    refused(
        &section(3, &format!("-A x86_64 -j {long}\n")),
        EINVAL,
        2,
        14,
    );
    refused(&format!("*mode 3 {long}\nCOMMIT\n"), EINVAL, 1, 9);
}

#[test]
fn limit_modes_and_errnos() {
    for mode in [MODE_MIN, MODE_MIN + 1, MODE_MAX - 1, MODE_MAX] {
        assert_eq!(ok(&section(mode, "")).tables[0].mode, mode);
    }
    refused(&section(MODE_MIN - 1, ""), EINVAL, 1, 7);
    refused(&section(MODE_MAX + 1, ""), EINVAL, 1, 7);
    round_trip(&section(3, &format!("-A x86_64 -j ERRNO {ERRNO_MAX}\n")));
    round_trip(&section(3, "-A x86_64 -j ERRNO 1\n"));
    refused(
        &section(3, &format!("-A x86_64 -j ERRNO {}\n", ERRNO_MAX + 1)),
        EINVAL,
        2,
        20,
    );
    refused(&section(3, "-A x86_64 -j ERRNO 0\n"), EINVAL, 2, 20);
}
