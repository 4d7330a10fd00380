// SPDX-License-Identifier: GPL-2.0

//! The x86 catalog: names and numbers lead back to each other, raw numbers
//! map to index positions, and the never-allowed and prototype data are
//! those of the module's tables.

use smrules::catalog::X86Catalog;
use smrules::rules::Catalog;

const CAT: X86Catalog = X86Catalog;
const X86_64: usize = 0;
const IA32: usize = 1;
const X32: usize = 2;

#[test]
fn catalog_names_and_numbers_are_inverse() {
    assert_eq!(CAT.abis(), ["x86_64", "ia32", "x32"]);
    for abi in 0..CAT.abis().len() {
        let mut named = 0;
        for nr in 0..CAT.index_size(abi) {
            if let Some(name) = CAT.name_of(abi, nr) {
                assert_eq!(CAT.nr_of(abi, name), Some(nr), "{abi} {name}");
                named += 1;
            }
        }
        assert!(named > 300, "{abi}: {named} names");
    }
    assert_eq!(CAT.name_of(X86_64, 512), None);
    assert_eq!(CAT.name_of(X32, 1024), None);
}

#[test]
fn catalog_x32_names() {
    assert_eq!(CAT.nr_of(X32, "ioctl"), Some(514));
    assert_eq!(CAT.nr_of(X32, "read"), Some(0));
    assert_eq!(CAT.nr_of(X32, "execve"), Some(520));
    assert_eq!(CAT.name_of(X32, 514), Some("ioctl"));
    assert_eq!(CAT.name_of(X32, 16), None);
    assert_eq!(CAT.name_of(X32, 0), Some("read"));
    assert_eq!(CAT.nr_of(X86_64, "ioctl"), Some(16));
    assert_eq!(CAT.nr_of(IA32, "ioctl"), Some(54));
    assert_eq!(CAT.nr_of(IA32, "arch_prctl"), Some(384));
    assert_eq!(CAT.nr_of(X86_64, "socketcall"), None);
}

#[test]
fn catalog_index_of() {
    let cases: &[(usize, i64, Option<u32>)] = &[
        (X86_64, 0, Some(0)),
        (X86_64, 511, Some(511)),
        (X86_64, 512, None),
        (X86_64, -1, None),
        (X86_64, 0x4000_0000, None),
        (X86_64, i64::MIN, None),
        (IA32, 511, Some(511)),
        (IA32, 512, None),
        (IA32, -1, None),
        (X32, 0x4000_0000, Some(0)),
        (X32, 0x4000_0000 + 514, Some(514)),
        (X32, 0x4000_0000 + 1023, Some(1023)),
        (X32, 0x4000_0000 + 1024, None),
        (X32, 5, None),
        (X32, -1, None),
        (3, 0, None),
    ];
    for &(abi, raw, index) in cases {
        assert_eq!(CAT.index_of(abi, raw), index, "{abi} {raw:#x}");
    }
}

#[test]
fn catalog_never_allow() {
    let never = |abi: usize| -> Vec<u32> {
        (0..CAT.index_size(abi))
            .filter(|&nr| CAT.never_allow(abi, nr))
            .collect()
    };
    assert_eq!(never(X86_64), [59, 322, 425, 426, 427]);
    assert_eq!(never(IA32), [11, 358, 425, 426, 427]);
    assert_eq!(never(X32), [59, 322, 425, 426, 427, 520, 545]);
}

#[test]
fn catalog_arg_sizes() {
    let sizes = |abi: usize, nr: u32| -> Vec<Option<u8>> {
        (0..7).map(|arg| CAT.arg_size(abi, nr, arg)).collect()
    };
    let ioctl = [Some(4), Some(4), Some(8), None, None, None, None];
    assert_eq!(sizes(X86_64, 16), ioctl);
    assert_eq!(sizes(X32, 16), ioctl);
    assert_eq!(sizes(X32, 514), [None; 7]);
    assert_eq!(
        sizes(IA32, 54),
        [Some(4), Some(4), Some(4), None, None, None, None]
    );
    assert_eq!(
        sizes(X86_64, 257),
        [Some(4), Some(8), Some(4), Some(2), None, None, None]
    );
    assert_eq!(
        sizes(X86_64, 9),
        [Some(8), Some(8), Some(8), Some(8), Some(8), Some(8), None]
    );
    assert_eq!(sizes(X86_64, 511), [None; 7]);
    // ia32 reads every argument as 32 bits at most.
    for nr in 0..CAT.index_size(IA32) {
        for arg in 0..6 {
            assert!(
                CAT.arg_size(IA32, nr, arg).is_none_or(|s| s <= 4),
                "ia32 {nr} {arg}"
            );
        }
    }
}

#[test]
fn catalog_mode_allows() {
    let read = CAT.nr_of(X86_64, "read").unwrap();
    let openat = CAT.nr_of(X86_64, "openat").unwrap();
    let execve = CAT.nr_of(X86_64, "execve").unwrap();
    assert!(CAT.mode_allows(X86_64, 1, read));
    assert!(CAT.mode_allows(X86_64, 2, read));
    assert!(!CAT.mode_allows(X86_64, 1, openat));
    assert!(CAT.mode_allows(X86_64, 2, openat));
    assert!(!CAT.mode_allows(X86_64, 2, execve));
    assert!(!CAT.mode_allows(X86_64, 3, read));
    assert!(CAT.mode_allows(IA32, 1, 3));
    assert!(!CAT.mode_allows(X32, 1, 0));
}

/// The parser's cheap bound on a printed rule's length assumes no syscall
/// name is longer than `NAME_BOUND`.
#[test]
fn no_syscall_name_is_longer_than_the_printers_bound() {
    use smrules::rules::parse::NAME_BOUND;
    use smrules::rules::Catalog;
    let cat = smrules::catalog::X86Catalog;
    for abi in 0..cat.abis().len() {
        for nr in 0..cat.index_size(abi) {
            if let Some(name) = cat.name_of(abi, nr) {
                assert!(name.len() <= NAME_BOUND, "{name}");
            }
        }
    }
}
