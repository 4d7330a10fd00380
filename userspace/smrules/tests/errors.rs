// SPDX-License-Identifier: GPL-2.0

//! Refused texts: each gives its errno at the offending word's line and
//! column; random and mutated texts never panic, and an error is all that
//! comes out.

mod common;

use common::{assert_inside, err, ok, parse_str, round_trip, Rng, CONTRACT, KITCHEN_SINK};
use proptest::prelude::*;
use smrules::rules::errnos::{EINVAL, ELOOP};

/// A refused text: the errno and where.
struct Case {
    /// The text, without its `*mode 3` line and `COMMIT`.
    body: &'static str,
    /// The errno.
    errno: i32,
    /// The line within `body` (1-based).
    line: u32,
    /// The column.
    col: u32,
}

/// A case of a rule or chain line inside `*mode 3 ... COMMIT`.
const fn case(body: &'static str, errno: i32, line: u32, col: u32) -> Case {
    Case {
        body,
        errno,
        line,
        col,
    }
}

/// Refusals inside a section.
const SECTION_CASES: &[Case] = &[
    // Names.
    case("-A x86_64 -s read,nosuch -j LOG", EINVAL, 1, 19),
    case("-A x86_64 -s read,write,read -j LOG", EINVAL, 1, 25),
    case("-A x86_64 -s read,,write -j LOG", EINVAL, 1, 19),
    case("-A x86_64 -s read, -j LOG", EINVAL, 1, 19),
    case("-A x86_64 -s #512 -j LOG", EINVAL, 1, 14),
    case("-A x86_64 -s #-1 -j LOG", EINVAL, 1, 14),
    case("-A ia32 -s openat2x -j LOG", EINVAL, 1, 12),
    case("-A ia32 -s newfstatat -j LOG", EINVAL, 1, 12),
    case("-A nochain -j LOG", EINVAL, 1, 4),
    // LEARN targets.
    case("-A x86_64 -s socket -j LEARN", EINVAL, 1, 24),
    case("-A x86_64 -s socket -j LEARN a6", EINVAL, 1, 30),
    case("-A x86_64 -s socket -j LEARN a0,a0", EINVAL, 1, 30),
    case("-A x86_64 -s socket -j LEARN a0,", EINVAL, 1, 30),
    case("-A x86_64 -s socket -j LEARN a0 a1", EINVAL, 1, 33),
    case("-A x86_64 -j LEARN a0", EINVAL, 1, 14),
    case("-A x86_64 -s getpid -j LEARN a0", EINVAL, 1, 24),
    case("-A x86_64 -s socket,getpid -j LEARN a1", EINVAL, 1, 31),
    case(":LEARN x86_64", EINVAL, 1, 1),
    case("-A late -j LOG\n:late x86_64", EINVAL, 1, 4),
    case("-A", EINVAL, 1, 1),
    // Chains.
    case(":x86_64 KILL\n:x86_64 MODE2", EINVAL, 2, 1),
    case(":c x86_64\n:c ia32", EINVAL, 2, 1),
    case(":LOG x86_64", EINVAL, 1, 1),
    case(":delete x86_64", EINVAL, 1, 1),
    case(":ERRNO x86_64", EINVAL, 1, 1),
    case(":-c x86_64", EINVAL, 1, 1),
    case(": x86_64", EINVAL, 1, 1),
    case(":x86_64 ALLOW", EINVAL, 1, 9),
    case(":x86_64 ACCEPT", EINVAL, 1, 9),
    case(":x86_64", EINVAL, 1, 1),
    case(":x86_64 KILL extra", EINVAL, 1, 14),
    case(":x86_64 KILL [1] [2]", EINVAL, 1, 18),
    case(":x86_64 KILL [-1]", EINVAL, 1, 14),
    case(":c arm64", EINVAL, 1, 4),
    case(":c x86_64 [1]", EINVAL, 1, 11),
    case(":c", EINVAL, 1, 1),
    // ALLOW never reaches exec or io_uring.
    case("-A x86_64 -s read,execve -j ALLOW", EINVAL, 1, 19),
    case("-A x86_64 -s execveat -j ALLOW", EINVAL, 1, 14),
    case("-A x86_64 -j ALLOW", EINVAL, 1, 14),
    case("-A x86_64 -s #425 -j ALLOW", EINVAL, 1, 14),
    case("-A ia32 -s io_uring_enter -j ALLOW", EINVAL, 1, 12),
    case("-A ia32 -s #11 -j ALLOW", EINVAL, 1, 12),
    case("-A x32 -s execve -j ALLOW", EINVAL, 1, 11),
    case("-A x32 -s #59 -j ALLOW", EINVAL, 1, 11),
    case("-A x32 -s io_uring_register -j ALLOW", EINVAL, 1, 11),
    case(":c x86_64\n-A c -j ALLOW", EINVAL, 2, 9),
    // Argument tests and widths.
    case("-A x86_64 --a0 eq 1 -j LOG", EINVAL, 1, 11),
    case(
        "-A x86_64 -s ioctl --a1:u64 eq 0x5412 -j KILL",
        EINVAL,
        1,
        20,
    ),
    case(
        "-A x86_64 -s ioctl --a1:s64 eq 0x5412 -j KILL",
        EINVAL,
        1,
        20,
    ),
    case("-A x86_64 -s ioctl --a2:u32 eq 0 -j KILL", EINVAL, 1, 20),
    case("-A x86_64 -s openat --a3:u64 eq 0 -j KILL", EINVAL, 1, 21),
    case("-A x86_64 -s read,ioctl --a1 eq 1 -j LOG", EINVAL, 1, 25),
    case("-A x86_64 -s getpid --a0 eq 1 -j LOG", EINVAL, 1, 21),
    case("-A x86_64 -s ioctl --a3 eq 1 -j LOG", EINVAL, 1, 20),
    case("-A x32 -s ioctl --a1 eq 1 -j LOG", EINVAL, 1, 17),
    case("-A x86_64 -s ioctl --a6 eq 1 -j LOG", EINVAL, 1, 20),
    case("-A x86_64 -s ioctl --a1:u16 eq 1 -j LOG", EINVAL, 1, 20),
    case("-A x86_64 -s ioctl --a1: eq 1 -j LOG", EINVAL, 1, 20),
    case("-A x86_64 -s ioctl --b1 eq 1 -j LOG", EINVAL, 1, 20),
    case("-A x86_64 -s ioctl --a1 is 1 -j LOG", EINVAL, 1, 25),
    case("-A x86_64 -s ioctl --a1 eq", EINVAL, 1, 25),
    case("-A x86_64 -s ioctl --a1 eq -j LOG", EINVAL, 1, 28),
    case("-A x86_64 -s ioctl ! -j LOG", EINVAL, 1, 22),
    case("-A x86_64 -s ioctl !", EINVAL, 1, 20),
    case("-A x86_64 -s ioctl ! ! --a1 eq 1 -j LOG", EINVAL, 1, 22),
    case("-A x86_64 -s ioctl --a1 eq -1 -j LOG", EINVAL, 1, 28),
    case(
        "-A x86_64 -s ioctl --a1 eq 0x100000000 -j LOG",
        EINVAL,
        1,
        28,
    ),
    case(
        "-A x86_64 -s ioctl --a1 eq 4294967296 -j LOG",
        EINVAL,
        1,
        28,
    ),
    case("-A x86_64 -s ioctl --a1 eq 1x -j LOG", EINVAL, 1, 28),
    case("-A x86_64 -s ioctl --a1 eq 0x -j LOG", EINVAL, 1, 28),
    case("-A x86_64 -s ioctl --a1 eq +1 -j LOG", EINVAL, 1, 28),
    case(
        "-A x86_64 -s ioctl --a1:s32 eq 2147483648 -j LOG",
        EINVAL,
        1,
        32,
    ),
    case(
        "-A x86_64 -s ioctl --a1:s32 eq -2147483649 -j LOG",
        EINVAL,
        1,
        32,
    ),
    case(
        "-A x86_64 -s ioctl --a2:s64 eq 9223372036854775808 -j LOG",
        EINVAL,
        1,
        32,
    ),
    case(
        "-A x86_64 -s ioctl --a2:s64 eq -9223372036854775809 -j LOG",
        EINVAL,
        1,
        32,
    ),
    case(
        "-A x86_64 -s ioctl --a2 eq 18446744073709551616 -j LOG",
        EINVAL,
        1,
        28,
    ),
    case("-A x86_64 -s ioctl --a1 in 1,,2 -j LOG", EINVAL, 1, 30),
    case("-A x86_64 -s ioctl --a1 in 1,-2 -j LOG", EINVAL, 1, 30),
    case(
        "-A x86_64 -s ioctl --a1 masked 0xf0 0x1 -j LOG",
        EINVAL,
        1,
        37,
    ),
    case("-A x86_64 -s ioctl --a1 masked 0xf0 -j LOG", EINVAL, 1, 37),
    case("-A x86_64 -s ioctl --a1 masked 0xf0", EINVAL, 1, 32),
    case(
        "-A x86_64 -s ioctl --a1:s32 masked -1 0x1 -j LOG",
        EINVAL,
        1,
        36,
    ),
    case(
        "-A x86_64 -s ioctl --a1 bits-set 0x100000000 -j LOG",
        EINVAL,
        1,
        34,
    ),
    case(
        "-A x86_64 -s ioctl --a1 bits-clear -1 -j LOG",
        EINVAL,
        1,
        36,
    ),
    case("-A x86_64 -s read -s write -j LOG", EINVAL, 1, 19),
    case(
        "-A x86_64 -s ioctl --a1 eq 1 -s write -j LOG",
        EINVAL,
        1,
        30,
    ),
    // Targets.
    case("-A x86_64 -s read", EINVAL, 1, 14),
    case("-A x86_64 -s read -j", EINVAL, 1, 19),
    case("-A x86_64 -j LOG extra", EINVAL, 1, 18),
    case("-A x86_64 -j ERRNO", EINVAL, 1, 14),
    case("-A x86_64 -j ERRNO 0", EINVAL, 1, 20),
    case("-A x86_64 -j ERRNO 4096", EINVAL, 1, 20),
    case("-A x86_64 -j ERRNO EFOO", EINVAL, 1, 20),
    case("-A x86_64 -j ERRNO -13", EINVAL, 1, 20),
    case("-A x86_64 -j ERRNO eacces", EINVAL, 1, 20),
    case("-A x86_64 -j ACCEPT", EINVAL, 1, 14),
    case("-A x86_64 -j x86_64", EINVAL, 1, 14),
    case("-A x86_64 -j a/b", EINVAL, 1, 14),
    case(":c ia32\n-A x86_64 -j c", EINVAL, 2, 14),
    case(":c ia32\n:d x86_64\n-A d -j c", EINVAL, 3, 9),
    // Jump cycles: at the first jump on the cycle.
    case(":a x86_64\n-A a -j a", ELOOP, 2, 9),
    case(
        ":a x86_64\n:b x86_64\n-A x86_64 -j a\n-A a -j b\n-A b -j a",
        ELOOP,
        4,
        9,
    ),
    case(
        "-A x86_64 -j a\n:a x86_64\n:b x86_64\n-A b -j a\n-A a -j b",
        ELOOP,
        4,
        9,
    ),
    // Counters and lines.
    case("[x] -A x86_64 -j LOG", EINVAL, 1, 1),
    case("[] -A x86_64 -j LOG", EINVAL, 1, 1),
    case("[18446744073709551616] -A x86_64 -j LOG", EINVAL, 1, 1),
    case("[1]", EINVAL, 1, 1),
    case("[1] :x86_64 KILL", EINVAL, 1, 5),
    case("-A x86_64 -j LOG [1]", EINVAL, 1, 18),
    case("-a x86_64 -j LOG", EINVAL, 1, 1),
    case("COMMIT now", EINVAL, 1, 8),
    case("foo", EINVAL, 1, 1),
    case("-A x86_64 -j LOG\r", EINVAL, 1, 17),
    case("-A x86_64 -j LOG\x0b", EINVAL, 1, 17),
    case("# comment\x7f", EINVAL, 1, 10),
];

#[test]
fn parse_refuses_section_cases() {
    for c in SECTION_CASES {
        let text = format!("*mode 3\n{}\nCOMMIT\n", c.body);
        let e = err(&text);
        assert_eq!(
            (e.errno, e.line, e.col),
            (c.errno, c.line + 1, c.col),
            "{:?}: {} ({})",
            c.body,
            e.msg,
            e.detail()
        );
        assert_inside(text.as_bytes(), &e);
    }
}

#[test]
fn parse_refuses_bad_sections() {
    let cases: &[(&str, i32, u32, u32)] = &[
        ("*mode 2\nCOMMIT\n", EINVAL, 1, 7),
        ("*mode 0\nCOMMIT\n", EINVAL, 1, 7),
        ("*mode 2147483648\nCOMMIT\n", EINVAL, 1, 7),
        ("*mode 99999999999999999999999\nCOMMIT\n", EINVAL, 1, 7),
        ("*mode 0x3\nCOMMIT\n", EINVAL, 1, 7),
        ("*mode -3\nCOMMIT\n", EINVAL, 1, 7),
        ("*mode\nCOMMIT\n", EINVAL, 1, 1),
        ("*mode3\nCOMMIT\n", EINVAL, 1, 1),
        ("*mode 3 bad/name\nCOMMIT\n", EINVAL, 1, 9),
        ("*mode 3 -name\nCOMMIT\n", EINVAL, 1, 9),
        ("*mode 3 name extra\nCOMMIT\n", EINVAL, 1, 14),
        ("*mode 3 delete extra\nCOMMIT\n", EINVAL, 1, 16),
        ("*mode 3\nCOMMIT\n*mode 3\nCOMMIT\n", EINVAL, 3, 7),
        (
            "*mode 3\nCOMMIT\n*mode 4 delete\nCOMMIT\n*mode 3 delete\nCOMMIT\n",
            EINVAL,
            5,
            7,
        ),
        ("*mode 3\n-A x86_64 -j LOG\n", EINVAL, 1, 1),
        ("*mode 3\n", EINVAL, 1, 1),
        ("*mode 3\nCOMMIT\n*mode 4\n# no commit\n", EINVAL, 3, 1),
        ("*mode 3\n*mode 4\nCOMMIT\n", EINVAL, 2, 1),
        ("-A x86_64 -j LOG\n", EINVAL, 1, 1),
        ("COMMIT\n", EINVAL, 1, 1),
        (":x86_64 KILL\n", EINVAL, 1, 1),
        ("*mode 3\nCOMMIT\nCOMMIT\n", EINVAL, 3, 1),
        ("*mode 3 delete\n-A x86_64 -j LOG\nCOMMIT\n", EINVAL, 2, 1),
        ("*mode 3 delete\n:x86_64 KILL\nCOMMIT\n", EINVAL, 2, 1),
        ("*mode 3\nCOMMIT\n\u{e9}\n", EINVAL, 3, 1),
    ];
    for &(text, errno, line, col) in cases {
        let e = err(text);
        assert_eq!(
            (e.errno, e.line, e.col),
            (errno, line, col),
            "{text:?}: {}",
            e.msg
        );
        assert_inside(text.as_bytes(), &e);
    }
}

#[test]
fn parse_refuses_bad_bytes() {
    let e = parse_str_bytes(b"*mode 3 \xff\nCOMMIT\n");
    assert_eq!((e.errno, e.line, e.col), (EINVAL, 1, 9));
    let e = parse_str_bytes(b"*mode 3\n# caf\xc3\n");
    assert_eq!((e.errno, e.line, e.col), (EINVAL, 2, 6));
    let e = parse_str_bytes(b"*mode 3\0\nCOMMIT\n");
    assert_eq!((e.errno, e.line, e.col), (EINVAL, 1, 8));
}

/// Parses raw bytes, which must be refused.
fn parse_str_bytes(text: &[u8]) -> smrules::rules::Error {
    match smrules::rules::parse::parse(text, &common::CAT) {
        Ok(_) => panic!("accepted {text:?}"),
        Err(e) => e,
    }
}

#[test]
fn parse_accepts_the_edges() {
    for body in [
        // Comments, blank lines, tabs.
        "\t# indented comment\n\n \t \n-A\tx86_64\t-j\tLOG",
        // Built-in chains need no declaration; KILL stays their policy.
        "-A ia32 -s read -j ALLOW",
        // Width defaults: u32 for 4 bytes and less, u64 for 8.
        "-A x86_64 -s ioctl --a1 eq 0xffffffff --a2 eq 0xffffffffffffffff -j KILL",
        "-A x86_64 -s ioctl --a1:s32 eq -2147483648 --a1:s32 ne 2147483647 -j KILL",
        "-A x86_64 -s ioctl --a2:s64 eq -9223372036854775808 -j KILL",
        "-A x86_64 -s openat --a3:s32 lt 0 --a3 masked 0xffff 0x1ff -j KILL",
        // Never-allowed syscalls may have other targets.
        "-A x86_64 -s execve,execveat,io_uring_setup -j ERRNO EPERM",
        "-A x86_64 -s execve --a0 eq 0 -j LOG",
        // A jump to a chain declared further down.
        "-A x86_64 -s fcntl -j later\n:later x86_64\n-A later -s fcntl --a1 in 1,2 -j ALLOW",
        // Counters with zero and the largest value.
        "[0] -A x86_64 -j LOG\n[18446744073709551615] -A x86_64 -j KILL",
        // A user chain may be called COMMIT or after another architecture.
        ":COMMIT x86_64\n:arm64 ia32\n-A x86_64 -j COMMIT\n-A ia32 -j arm64",
    ] {
        round_trip(&format!("*mode 3\n{body}\nCOMMIT\n"));
    }
    // An empty text is an empty commit.
    assert!(ok("").tables.is_empty());
    assert!(ok("# nothing\n\n").tables.is_empty());
    // No newline after COMMIT.
    assert_eq!(ok("*mode 3\nCOMMIT").tables.len(), 1);
}

#[test]
fn width_message_explains_the_bypass() {
    let e = err("*mode 3\n-A x86_64 -s ioctl --a1:u64 ne 0x5412 -j ALLOW\nCOMMIT\n");
    assert!(e.msg.contains("upper 32 bits"), "{}", e.msg);
    assert_eq!(e.detail(), "--a1:u64");
}

#[test]
fn error_detail_names_the_word() {
    let e = err("*mode 3\n-A x86_64 -s read,opnat -j LOG\nCOMMIT\n");
    assert_eq!(e.detail(), "opnat");
    let e = err("*mode 3\n-A x86_64 -j nowhere\nCOMMIT\n");
    assert_eq!(e.msg, "jump to an undeclared chain");
}

#[test]
fn rule_too_long_once_saved_is_refused() {
    // `#nr` items print as names: the saved line would not parse.
    let nrs: Vec<String> = (0..120).map(|nr| format!("#{nr}")).collect();
    let text = format!("*mode 3\n-A x86_64 -s {} -j LOG\nCOMMIT\n", nrs.join(","));
    assert!(text.lines().all(|l| l.len() <= 512));
    let e = err(&text);
    assert_eq!((e.errno, e.line, e.col), (EINVAL, 2, 1));
    // Thirty of them fit.
    let text = format!(
        "*mode 3\n-A x86_64 -s {} -j LOG\nCOMMIT\n",
        nrs[..30].join(",")
    );
    round_trip(&text);
}

/// Words that make random texts get somewhere.
const VOCABULARY: &[&str] = &[
    "*mode",
    "3",
    "4",
    "2147483647",
    "delete",
    "netd",
    ":x86_64",
    ":ia32",
    ":x32",
    ":c",
    "x86_64",
    "ia32",
    "c",
    "KILL",
    "MODE2",
    "MODE1",
    "ENOSYS",
    "ERRNO",
    "EACCES",
    "13",
    "ALLOW",
    "LOG",
    "-A",
    "-s",
    "read,write",
    "ioctl",
    "openat",
    "#16",
    "execve",
    "--a1",
    "--a1:u32",
    "--a2:s32",
    "--a2",
    "!",
    "eq",
    "in",
    "masked",
    "bits-set",
    "0x3",
    "-100",
    "1,2,10",
    "-j",
    "COMMIT",
    "[5]",
    "#",
    "\n",
    "\n",
    "\n",
    " ",
    "\t",
];

/// Mutates `text` at random: deletes, inserts, duplicates and swaps.
fn mutate(r: &mut Rng, text: &str) -> Vec<u8> {
    let mut b = text.as_bytes().to_vec();
    for _ in 0..1 + r.below(4) {
        let at = r.below(b.len() + 1);
        match r.below(6) {
            0 if at < b.len() => {
                let n = 1 + r.below(8).min(b.len() - at - 1);
                b.drain(at..at + n);
            }
            1 => b.insert(at, r.bits() as u8),
            2 => {
                let w = r.pick(VOCABULARY).as_bytes();
                b.splice(at..at, w.iter().copied());
            }
            3 if at < b.len() => b[at] = *r.pick(b" \n,:-#![]0x9aZ"),
            4 => {
                let lines: Vec<&[u8]> = b.split(|&c| c == b'\n').collect();
                let line = lines[r.below(lines.len())].to_vec();
                let at = r.below(b.len() + 1);
                b.splice(at..at, line.into_iter().chain([b'\n']));
            }
            _ => {
                let mut lines: Vec<Vec<u8>> =
                    b.split(|&c| c == b'\n').map(<[u8]>::to_vec).collect();
                let (i, j) = (r.below(lines.len()), r.below(lines.len()));
                lines.swap(i, j);
                b = lines.join(&b'\n');
            }
        }
    }
    b
}

/// Parses anything: no panic; refused with a place inside the text, or
/// accepted and then printable and parsed back to the same tables.
fn check_any(text: &[u8]) {
    match smrules::rules::parse::parse(text, &common::CAT) {
        Err(e) => assert_inside(text, &e),
        Ok(rs) => {
            let printed = common::print(&rs, false, false);
            round_trip(&printed);
            let again = parse_str(&printed).unwrap();
            assert_eq!(rs, again);
        }
    }
}

proptest! {
    #![proptest_config(common::config(3000))]

    #[test]
    fn random_bytes_never_panic(text in proptest::collection::vec(any::<u8>(), 0..600)) {
        check_any(&text);
    }

    #[test]
    fn random_words_never_panic(words in proptest::collection::vec(0..VOCABULARY.len(), 0..80)) {
        let text: String = words.iter().map(|&i| VOCABULARY[i]).collect::<Vec<_>>().join(" ");
        check_any(text.as_bytes());
    }

    #[test]
    fn mutated_texts_never_panic(seed in any::<u64>()) {
        let mut r = Rng(seed);
        let base = match r.below(3) {
            0 => CONTRACT.to_string(),
            1 => KITCHEN_SINK.to_string(),
            _ => common::valid_text(r.bits()),
        };
        check_any(&mutate(&mut r, &base));
    }
}

/// A value a 2-byte parameter (`umode_t`) can never hold is a load error.
#[test]
fn values_wider_than_a_small_parameter_are_refused() {
    use smrules::catalog::{Arch, ArchCatalog};
    use smrules::rules::parse::parse;
    let cat = ArchCatalog::new(Arch::X86_64);
    let ok = "*mode 3\n-A x86_64 -s openat --a3:u32 bits-clear 0o111 -j KILL\nCOMMIT\n";
    assert!(parse(ok.replace("0o111", "0x49").as_bytes(), &cat).is_ok());
    for bad in [
        "--a3:u32 eq 0x10000",
        "--a3:u32 bits-set 0x10000",
        "--a3:s32 eq -40000",
        "--a3:u32 in 1,0x10000",
    ] {
        let text = format!("*mode 3\n-A x86_64 -s openat {bad} -j KILL\nCOMMIT\n");
        let e = parse(text.as_bytes(), &cat).expect_err(bad);
        assert_eq!(
            (e.errno, e.line, e.msg),
            (22, 2, "value does not fit the parameter's size"),
            "{bad}"
        );
    }
    let fine = "*mode 3\n-A x86_64 -s openat --a3:s32 eq -1 -j KILL\nCOMMIT\n";
    assert!(parse(fine.as_bytes(), &cat).is_ok());
}
