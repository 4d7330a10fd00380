// SPDX-License-Identifier: GPL-2.0

//! The catalogs of both architectures: names and numbers lead back to each
//! other, raw numbers map to index positions, and the never-allowed and
//! prototype data are those of the module's tables. The x86_64 catalog's
//! tests come first, then arm64's, then both against `src/arch/`.

use smrules::catalog::{Arch, ArchCatalog};
use smrules::rules::Catalog;

const CAT: ArchCatalog = ArchCatalog::new(Arch::X86_64);
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
    for arch in Arch::ALL {
        let cat = ArchCatalog::new(arch);
        for abi in 0..cat.abis().len() {
            for nr in 0..cat.index_size(abi) {
                if let Some(name) = cat.name_of(abi, nr) {
                    assert!(name.len() <= NAME_BOUND, "{arch} {name}");
                }
            }
        }
    }
}

/// The arm64 catalog.
const ARM: ArchCatalog = ArchCatalog::new(Arch::Arm64);
const ARM64: usize = 0;
const AARCH32: usize = 1;

#[test]
fn arch_names_and_native() {
    assert_eq!(Arch::ALL.map(Arch::name), ["x86_64", "arm64"]);
    for arch in Arch::ALL {
        assert_eq!(Arch::from_name(arch.name()), Some(arch));
        assert_eq!(arch.to_string(), arch.name());
        assert_eq!(ArchCatalog::new(arch).arch(), arch);
        assert_eq!(ArchCatalog::new(arch).abis(), arch.chains());
    }
    assert_eq!(Arch::from_name("aarch64"), None);
    assert_eq!(Arch::from_name("ia32"), None);
    let native = if cfg!(target_arch = "aarch64") {
        Arch::Arm64
    } else {
        Arch::X86_64
    };
    assert_eq!(Arch::native(), native);
    assert_eq!(ArchCatalog::native(), ArchCatalog::new(native));
    assert_eq!(ArchCatalog::default(), ArchCatalog::native());
}

#[test]
fn arm64_chains_in_kernel_order() {
    assert_eq!(ARM.abis(), ["arm64", "arm"]);
    assert_eq!(ARM.abi_index("arm64"), Some(ARM64));
    assert_eq!(ARM.abi_index("arm"), Some(AARCH32));
    assert_eq!(ARM.abi_index("x86_64"), None);
    assert_eq!(CAT.abi_index("arm"), None);
    assert_eq!(CAT.abi_index("x32"), Some(X32));
    assert_eq!(ARM.index_size(ARM64), 512);
    assert_eq!(ARM.index_size(AARCH32), 512);
    assert_eq!(ARM.index_size(2), 0);
    assert_eq!(ARM.name_of(2, 0), None);
    assert_eq!(ARM.nr_of(2, "read"), None);
}

#[test]
fn arm64_names_and_numbers_are_inverse() {
    for arch in Arch::ALL {
        let cat = ArchCatalog::new(arch);
        for (abi, chain) in cat.abis().iter().enumerate() {
            let mut named = 0;
            for nr in 0..cat.index_size(abi) {
                if let Some(name) = cat.name_of(abi, nr) {
                    assert_eq!(cat.nr_of(abi, name), Some(nr), "{arch} {chain} {name}");
                    named += 1;
                }
            }
            assert!(named > 300, "{arch} {chain}: {named} names");
            assert_eq!(cat.name_of(abi, cat.index_size(abi)), None);
        }
    }
    assert_eq!(ARM.nr_of(ARM64, "read"), Some(63));
    assert_eq!(ARM.nr_of(ARM64, "openat"), Some(56));
    assert_eq!(ARM.nr_of(ARM64, "ioctl"), Some(29));
    assert_eq!(ARM.name_of(ARM64, 56), Some("openat"));
    assert_eq!(ARM.nr_of(AARCH32, "read"), Some(3));
    assert_eq!(ARM.nr_of(AARCH32, "openat"), Some(322));
    assert_eq!(ARM.nr_of(AARCH32, "mmap2"), Some(192));
    assert_eq!(ARM.name_of(AARCH32, 322), Some("openat"));
    // The generic table lacks the old calls; AArch32 has them.
    for old in ["open", "mkdir", "poll", "stat", "fork", "dup2"] {
        assert_eq!(ARM.nr_of(ARM64, old), None, "{old}");
        assert!(ARM.nr_of(AARCH32, old).is_some(), "{old}");
    }
    // No x86 call names on arm64, nor the other way round.
    assert_eq!(ARM.nr_of(ARM64, "arch_prctl"), None);
    assert_eq!(ARM.nr_of(AARCH32, "socketcall"), None);
    assert_eq!(CAT.nr_of(X86_64, "arm_fadvise64_64"), None);
}

/// AArch32's ARM-private calls (`__ARM_NR_BASE` 0x0f0000 and up:
/// `breakpoint`, `cacheflush`, `usr26`, `usr32`, `set_tls`,
/// `get_tls`) are in no table and outside every index: modes deny them,
/// tables give them the chain's policy, no rule can name them.
#[test]
fn arm_private_numbers_are_outside_every_index() {
    for raw in [0x0f_0000_i64, 0x0f_0001, 0x0f_0002, 0x0f_0005, 0x0f_0006] {
        for abi in [ARM64, AARCH32] {
            assert_eq!(ARM.index_of(abi, raw), None, "{abi} {raw:#x}");
            let nr = u32::try_from(raw).unwrap();
            assert_eq!(ARM.name_of(abi, nr), None);
            assert_eq!(ARM.arg_size(abi, nr, 0), None);
            assert!(!ARM.mode_allows(abi, 2, nr));
        }
    }
    for name in [
        "cacheflush",
        "set_tls",
        "breakpoint",
        "usr26",
        "usr32",
        "get_tls",
    ] {
        assert_eq!(ARM.nr_of(AARCH32, name), None, "{name}");
    }
}

#[test]
fn arm64_index_of() {
    let cases: &[(usize, i64, Option<u32>)] = &[
        (ARM64, 0, Some(0)),
        (ARM64, 511, Some(511)),
        (ARM64, 512, None),
        (ARM64, -1, None),
        (ARM64, i64::MIN, None),
        // No number bit on arm64: x32's marks nothing here.
        (ARM64, 0x4000_0000, None),
        (AARCH32, 322, Some(322)),
        (AARCH32, 512, None),
        (AARCH32, -1, None),
        (AARCH32, 0x4000_0000 + 3, None),
        (2, 0, None),
    ];
    for &(abi, raw, index) in cases {
        assert_eq!(ARM.index_of(abi, raw), index, "{abi} {raw:#x}");
    }
}

#[test]
fn arm64_never_allow() {
    let never = |abi: usize| -> Vec<u32> {
        (0..ARM.index_size(abi))
            .filter(|&nr| ARM.never_allow(abi, nr))
            .collect()
    };
    assert_eq!(never(ARM64), [221, 281, 425, 426, 427]);
    assert_eq!(never(AARCH32), [11, 387, 425, 426, 427]);
}

#[test]
fn arm64_static_never_and_modes() {
    let nr = |abi, name| ARM.nr_of(abi, name).unwrap();
    for abi in [ARM64, AARCH32] {
        let ioctl = nr(abi, "ioctl");
        let execve = nr(abi, "execve");
        let read = nr(abi, "read");
        let openat = nr(abi, "openat");
        assert!(ARM.static_never(abi, ioctl), "{abi}");
        assert!(ARM.static_never(abi, execve), "{abi}");
        assert!(!ARM.static_never(abi, read), "{abi}");
        assert!(ARM.mode_allows(abi, 1, read));
        assert!(ARM.mode_allows(abi, 2, read));
        assert!(!ARM.mode_allows(abi, 1, openat));
        assert!(ARM.mode_allows(abi, 2, openat));
        assert!(!ARM.mode_allows(abi, 2, execve));
        assert!(!ARM.mode_allows(abi, 3, read));
    }
    assert!(!ARM.static_never(2, 0));
    assert!(!ARM.mode_allows(2, 1, 0));
    // x32 shares x86_64's never-list by name.
    assert!(CAT.static_never(X32, 514));
    assert!(CAT.static_never(X86_64, 16));
    assert!(!CAT.static_never(X32, 16));
}

#[test]
fn arm64_arg_sizes() {
    let sizes = |abi: usize, nr: u32| -> Vec<Option<u8>> {
        (0..7).map(|arg| ARM.arg_size(abi, nr, arg)).collect()
    };
    assert_eq!(
        sizes(ARM64, 56),
        [Some(4), Some(8), Some(4), Some(2), None, None, None]
    );
    assert_eq!(
        sizes(ARM64, 29),
        [Some(4), Some(4), Some(8), None, None, None, None]
    );
    assert_eq!(
        sizes(ARM64, 222),
        [Some(8), Some(8), Some(8), Some(8), Some(8), Some(8), None]
    );
    assert_eq!(
        sizes(AARCH32, 322),
        [Some(4), Some(4), Some(4), Some(2), None, None, None]
    );
    assert_eq!(sizes(ARM64, 511), [None; 7]);
    // AArch32 registers are 32 bits: no argument is wider.
    for nr in 0..ARM.index_size(AARCH32) {
        for arg in 0..6 {
            assert!(
                ARM.arg_size(AARCH32, nr, arg).is_none_or(|s| s <= 4),
                "arm {nr} {arg}"
            );
        }
    }
}

/// The rules language on arm64: its chains, names and widths; x86 chain
/// names are unknown there.
#[test]
fn an_arm64_ruleset_parses_and_evaluates() {
    use smrules::rules::compile::{self, Action};
    use smrules::rules::{eval, parse};
    let text = "*mode 3 netd\n:arm64 MODE2\n:arm KILL\n\
        -A arm64 -s openat --a2:u32 masked 0x3 0x0 -j ALLOW\n\
        -A arm64 -s openat -j ERRNO EACCES\n\
        -A arm -s read,mmap2 -j ALLOW\nCOMMIT\n";
    let mut rs = parse::parse(text.as_bytes(), &ARM).expect("parses on arm64");
    let mut out = Vec::new();
    smrules::rules::print::ruleset(&mut out, &rs, &ARM, &smrules::rules::print::Opts::default())
        .unwrap();
    assert_eq!(
        String::from_utf8(out).unwrap(),
        "*mode 3 netd\n:arm64 MODE2\n:arm KILL\n\
         -A arm64 -s openat --a2:u32 masked 0x3 0x0 -j ALLOW\n\
         -A arm64 -s openat -j ERRNO EACCES\n\
         -A arm -s read,mmap2 -j ALLOW\nCOMMIT\n"
    );
    let c = compile::compile(rs.tables.remove(0), &ARM).expect("compiles");
    let run = |abi: usize, raw: i64, args: [u64; 6]| {
        eval::eval(&c, abi, ARM.index_of(abi, raw), &args, |i, _| i, |_, _| {}).action
    };
    // openat(AT_FDCWD, path, O_RDONLY) and O_WRONLY.
    assert_eq!(
        run(ARM64, 56, [(-100i64) as u64, 0, 0, 0, 0, 0]),
        Action::Allow
    );
    assert_eq!(run(ARM64, 56, [0, 0, 1, 0, 0, 0]), Action::Errno(13));
    assert_eq!(run(ARM64, 63, [0; 6]), Action::Mode2);
    assert_eq!(run(AARCH32, 3, [0; 6]), Action::Allow);
    assert_eq!(run(AARCH32, 192, [0; 6]), Action::Allow);
    assert_eq!(run(AARCH32, 322, [0; 6]), Action::Kill);
    // An ARM-private call takes the chain's policy.
    assert_eq!(run(AARCH32, 0x0f_0005, [0; 6]), Action::Kill);
    assert_eq!(run(ARM64, 0x0f_0005, [0; 6]), Action::Mode2);

    // x86 chain names and x86-only calls are refused on arm64, and arm64's
    // on x86_64.
    let refused = |text: &str, cat: &ArchCatalog| {
        let e = parse::parse(text.as_bytes(), cat).expect_err(text);
        (e.line, e.col, e.msg)
    };
    assert_eq!(
        refused("*mode 3\n-A x86_64 -s read -j ALLOW\nCOMMIT\n", &ARM),
        (
            2,
            4,
            "unknown chain: declare a user chain with :NAME ABI before its rules"
        )
    );
    assert_eq!(refused("*mode 3\n:ia32 KILL\nCOMMIT\n", &ARM).0, 2);
    assert_eq!(
        refused("*mode 3\n-A arm64 -s open -j ALLOW\nCOMMIT\n", &ARM),
        (2, 13, "unknown syscall name for the chain's ABI")
    );
    assert_eq!(
        refused(
            "*mode 3\n-A arm64 -s openat --a2:u64 eq 0 -j ALLOW\nCOMMIT\n",
            &ARM
        )
        .0,
        2
    );
    assert_eq!(
        refused("*mode 3\n-A arm64 -s read -j ALLOW\nCOMMIT\n", &CAT).0,
        2
    );
    // The never-allowed calls, by arm64's numbers.
    assert_eq!(
        refused("*mode 3\n-A arm64 -s execve -j ALLOW\nCOMMIT\n", &ARM).0,
        2
    );
    assert!(parse::parse(b"*mode 3\n-A arm -s execve -j ERRNO EPERM\nCOMMIT\n", &ARM).is_ok());
}

/// The chain order, index sizes and number bits of both catalogs are the
/// kernel's (`src/arch/*.rs`): read from its source text.
#[test]
fn catalogs_follow_the_kernels_arch_facts() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../src/arch/");
    for arch in Arch::ALL {
        let text = std::fs::read_to_string(format!("{root}{}.rs", arch.name())).unwrap();
        let field = |name: &str| -> String {
            let at = text
                .find(&format!("    {name}: "))
                .unwrap_or_else(|| panic!("{arch}: no {name}"));
            let rest = &text[at + name.len() + 6..];
            rest[..rest.find(",\n").unwrap()].to_owned()
        };
        let cat = ArchCatalog::new(arch);
        assert_eq!(field("name"), format!("\"{arch}\""));
        let abis: Vec<String> = field("abis")
            .trim_start_matches("&[")
            .trim_end_matches(']')
            .split(", ")
            .map(|a| a.trim_start_matches("Abi::").to_lowercase())
            .collect();
        assert_eq!(abis, cat.abis(), "{arch}");
        let index: Vec<u32> = field("index")
            .trim_start_matches("&[")
            .trim_end_matches(']')
            .split(", ")
            .map(|n| n.parse().unwrap())
            .collect();
        let sizes: Vec<u32> = (0..cat.abis().len()).map(|a| cat.index_size(a)).collect();
        assert_eq!(index, sizes, "{arch}");
        // The ABI with a number bit takes only numbers with it.
        let bit = field("number_bit");
        for (abi, name) in cat.abis().iter().enumerate() {
            let marked = bit.contains(&format!("Abi::{}", capitalized(name)));
            assert_eq!(
                cat.index_of(abi, 0x4000_0000).is_some(),
                marked,
                "{arch} {name}"
            );
            assert_eq!(cat.index_of(abi, 0).is_some(), !marked, "{arch} {name}");
        }
    }
}

/// `x86_64` as `X86_64`, `ia32` as `Ia32`: the kernel's `Abi` variant.
fn capitalized(name: &str) -> String {
    let mut c = name.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}
