// SPDX-License-Identifier: GPL-2.0

//! Parse -> print -> parse: hand-written samples and generated texts come
//! back as equal tables and byte-identical canonical text.

mod common;

use common::{ok, print, round_trip, CAT, CONTRACT, KITCHEN_SINK};
use proptest::prelude::*;
use smrules::rules::ast::{ChainRef, Op, Policy, Target, Width, MAX_ABIS};
use smrules::rules::errno::ERRNOS;
use smrules::rules::print::{self as printer, Opts};
use smrules::rules::Catalog;

#[test]
fn round_trip_contract_example() {
    let rs = round_trip(CONTRACT);
    let t = &rs.tables[0];
    assert_eq!(t.mode, 3);
    assert_eq!(t.name.as_str(), "netd");
    assert_eq!(t.policies, [Some(Policy::Mode2), Some(Policy::Kill), None]);
    assert_eq!(t.rules.len(), 5);
    assert!(t.counts.is_empty());
}

#[test]
fn round_trip_kitchen_sink() {
    let rs = round_trip(KITCHEN_SINK);
    assert_eq!(rs.tables.len(), 3);
    assert!(rs.tables[1].delete);
    assert_eq!(rs.tables[1].mode, 2147483647);
}

#[test]
fn print_contract_example_canonically() {
    let rs = ok(CONTRACT);
    let expected = "\
*mode 3 netd
:x86_64 MODE2
:ia32 KILL
-A x86_64 -s openat --a2:u32 masked 0x3 0x0 -j ALLOW
-A x86_64 -s openat -j ERRNO EACCES
-A x86_64 -s ioctl --a1:u32 in 0x541b,0x5421 -j ALLOW
-A x86_64 -s socket ! --a0:u32 in 0x1,0x2,0xa -j ERRNO EAFNOSUPPORT
-A x86_64 -s write,writev -j LOG
COMMIT
";
    assert_eq!(print(&rs, false, false), expected);
    let numeric = "\
*mode 3 netd
:x86_64 MODE2
:ia32 KILL
-A x86_64 -s #257 --a2:u32 masked 0x3 0x0 -j ALLOW
-A x86_64 -s #257 -j ERRNO 13
-A x86_64 -s #16 --a1:u32 in 0x541b,0x5421 -j ALLOW
-A x86_64 -s #41 ! --a0:u32 in 0x1,0x2,0xa -j ERRNO 97
-A x86_64 -s #1,#20 -j LOG
COMMIT
";
    assert_eq!(print(&rs, true, false), numeric);
}

#[test]
fn print_counters_in_save_c_format() {
    let text = "\
*mode 5
:ia32 ERRNO EPERM [7]
:x86_64 KILL [3]
[10] -A ia32 -s read -j ALLOW
[20] -A x86_64 -s read -j ALLOW
-A x86_64 -s write -j LOG
COMMIT
";
    let rs = ok(text);
    let t = &rs.tables[0];
    // Canonical order: the x86_64 chain first; then x86_64, ia32, x32
    // policy counters.
    assert_eq!(&*t.counts, &[20, 0, 10, 3, 7, 0]);
    let expected = "\
*mode 5
:x86_64 KILL [3]
:ia32 ERRNO EPERM [7]
[20] -A x86_64 -s read -j ALLOW
[0] -A x86_64 -s write -j LOG
[10] -A ia32 -s read -j ALLOW
COMMIT
";
    assert_eq!(print(&rs, false, true), expected);
    // Explicit counters for one table.
    let mut out = Vec::new();
    let counts = [1, 2];
    let opts = Opts {
        numeric: false,
        counters: Some(&counts),
    };
    printer::table(&mut out, t, &CAT, &opts).unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "*mode 5\n:x86_64 KILL [0]\n:ia32 ERRNO EPERM [0]\n[1] -A x86_64 -s read -j ALLOW\n\
         [2] -A x86_64 -s write -j LOG\n[0] -A ia32 -s read -j ALLOW\nCOMMIT\n"
    );
}

#[test]
fn parse_puts_rules_in_canonical_order() {
    let text = "\
*mode 3
:late x86_64
-A x32 -s read -j LOG
-A late -s write -j LOG
-A x86_64 -s close -j KILL
-A ia32 -s read -j LOG
:early x86_64
-A early -s read -j LOG
-A x86_64 -s read -j late
-A late -s read --a0 eq 0x7 -j ENOSYS
COMMIT
";
    let rs = round_trip(text);
    let t = &rs.tables[0];
    let chains: Vec<ChainRef> = t.rules.iter().map(|r| r.chain).collect();
    use ChainRef::{Builtin, User};
    assert_eq!(
        chains,
        [
            Builtin(0),
            Builtin(0),
            Builtin(1),
            Builtin(2),
            User(0),
            User(0),
            User(1)
        ]
    );
    assert_eq!(t.rules[1].target, Target::Jump(0));
    assert_eq!(t.rule_number(5), 2);
    // The pools follow the canonical order too.
    assert_eq!(&*t.syscalls, &[3, 0, 3, 0, 1, 0, 0]);
    assert_eq!(t.tests_of(&t.rules[5])[0].a, 7);
}

#[test]
fn parse_stores_tests() {
    let text = "\
*mode 3
-A x86_64 -s openat --a2:s32 eq -100 --a2 ne 0x10 -j KILL
-A x86_64 -s ioctl --a2 masked 0xff00000000 0x1200000000 --a1:s32 in -1,0x7fffffff -j KILL
-A x86_64 -s mmap ! --a2:s64 ge -1 --a3 bits-set 0x8000000000000000 -j KILL
-A x86_64 -s openat --a3 bits-clear 0x1ff -j KILL
COMMIT
";
    let rs = round_trip(text);
    let t = &rs.tables[0];
    let tests = |i: usize| t.tests_of(&t.rules[i]);
    let s32 = tests(0)[0];
    assert_eq!(
        (s32.arg, s32.width, s32.size, s32.op),
        (2, Width::S32, 4, Op::Eq)
    );
    assert_eq!(s32.a, 0xffff_ffff_ffff_ff9c);
    assert_eq!((tests(0)[1].width, tests(0)[1].a), (Width::U32, 0x10));
    let masked = tests(1)[0];
    assert_eq!((masked.width, masked.size), (Width::U64, 8));
    assert_eq!((masked.a, masked.b), (0xff_0000_0000, 0x12_0000_0000));
    assert_eq!(t.values_of(&tests(1)[1]), &[u64::MAX, 0x7fff_ffff]);
    let neg = tests(2)[0];
    assert!(neg.neg);
    assert_eq!((neg.width, neg.op, neg.a), (Width::S64, Op::Ge, u64::MAX));
    assert_eq!(tests(2)[1].a, 1 << 63);
    let umode = tests(3)[0];
    assert_eq!((umode.size, umode.width, umode.a), (2, Width::U32, 0x1ff));
}

#[test]
fn errno_names_round_trip() {
    for &(name, nr) in ERRNOS {
        let by_name = ok(&format!(
            "*mode 3\n:ia32 ERRNO {name}\n-A x86_64 -j ERRNO {name}\nCOMMIT\n"
        ));
        let by_number = ok(&format!(
            "*mode 3\n:ia32 ERRNO {nr}\n-A x86_64 -j ERRNO {nr}\nCOMMIT\n"
        ));
        assert_eq!(by_name, by_number);
        let t = &by_name.tables[0];
        assert_eq!(t.policies[1], Some(Policy::Errno(nr)));
        assert_eq!(t.rules[0].target, Target::Verdict(Policy::Errno(nr)));
        assert_eq!(
            print(&by_name, false, false),
            format!("*mode 3\n:ia32 ERRNO {name}\n-A x86_64 -j ERRNO {name}\nCOMMIT\n")
        );
        assert_eq!(
            print(&by_name, true, false),
            format!("*mode 3\n:ia32 ERRNO {nr}\n-A x86_64 -j ERRNO {nr}\nCOMMIT\n")
        );
    }
    // A number without a name stays a number.
    let rs = round_trip("*mode 3\n-A x86_64 -j ERRNO 4095\nCOMMIT\n");
    assert_eq!(
        print(&rs, false, false),
        "*mode 3\n-A x86_64 -j ERRNO 4095\nCOMMIT\n"
    );
}

#[test]
fn x32_numbers_print_back_to_themselves() {
    // x32's ioctl is 514; its x86_64-only 16 prints as a number.
    let rs = round_trip("*mode 3\n-A x32 -s ioctl,#16,read,#600 -j LOG\nCOMMIT\n");
    assert_eq!(&*rs.tables[0].syscalls, &[514, 16, 0, 600]);
    assert_eq!(
        print(&rs, false, false),
        "*mode 3\n-A x32 -s ioctl,#16,read,#600 -j LOG\nCOMMIT\n"
    );
}

#[test]
fn rule_and_chain_name_helpers() {
    let rs = ok(KITCHEN_SINK);
    let t = &rs.tables[0];
    let jump = t
        .rules
        .iter()
        .position(|r| matches!(r.target, Target::Jump(_)))
        .unwrap();
    let mut out = Vec::new();
    printer::rule(&mut out, t, jump, &CAT, &Opts::default()).unwrap();
    assert_eq!(String::from_utf8(out).unwrap(), "-s fcntl -j fcntl-rules");
    assert_eq!(
        printer::chain_name(t, ChainRef::User(0), &CAT),
        "fcntl-rules"
    );
    assert_eq!(printer::chain_name(t, ChainRef::Builtin(2), &CAT), "x32");
    let mut out = Vec::new();
    printer::rule(&mut out, t, t.rules.len(), &CAT, &Opts::default()).unwrap();
    assert!(out.is_empty());
    let mut out = Vec::new();
    printer::policy(&mut out, Policy::Errno(13), &Opts::default()).unwrap();
    assert_eq!(out, b"ERRNO EACCES");
}

#[test]
fn longest_line_covers_every_printed_form() {
    let rs = ok(KITCHEN_SINK);
    for t in rs.tables.iter() {
        let widest: Vec<u64> = vec![u64::MAX; t.rules.len() + MAX_ABIS];
        for numeric in [false, true] {
            let mut out = Vec::new();
            let opts = Opts {
                numeric,
                counters: Some(&widest),
            };
            printer::table(&mut out, t, &CAT, &opts).unwrap();
            let text = String::from_utf8(out).unwrap();
            let lines: Vec<&str> = text.lines().filter(|l| l.contains("-A ")).collect();
            assert_eq!(lines.len(), t.rules.len());
            for (i, line) in lines.iter().enumerate() {
                assert!(line.len() <= printer::longest_line(t, i, &CAT));
            }
        }
    }
}

#[test]
fn names_print_back_to_numbers_for_every_syscall() {
    for abi in 0..CAT.abis().len() {
        let list: Vec<String> = (0..CAT.index_size(abi))
            .map(|nr| format!("#{nr}"))
            .collect();
        for chunk in list.chunks(16) {
            let text = format!(
                "*mode 3\n-A {} -s {} -j LOG\nCOMMIT\n",
                CAT.abis()[abi],
                chunk.join(",")
            );
            round_trip(&text);
        }
    }
}

proptest! {
    #![proptest_config(common::config(2000))]

    /// Generated valid texts (random chains, tests, targets, jumps,
    /// counters, order and spacing) parse, and print back to themselves.
    #[test]
    fn round_trip_generated(seed in any::<u64>()) {
        let text = common::valid_text(seed);
        let rs = round_trip(&text);
        for t in rs.tables.iter() {
            // Canonical order: built-in chains by ABI, then user chains.
            let key = |c: ChainRef| match c {
                ChainRef::Builtin(a) => usize::from(a),
                ChainRef::User(u) => MAX_ABIS + usize::from(u),
            };
            prop_assert!(t.rules.windows(2).all(|w| key(w[0].chain) <= key(w[1].chain)));
        }
    }
}
