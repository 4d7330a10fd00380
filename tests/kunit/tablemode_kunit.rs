// SPDX-License-Identifier: GPL-2.0

//! KUnit suite for the table modes in the kernel: the shared rules code
//! compiled here (parse, compile, evaluate with the kernel's catalog), and
//! the registry: atomic multi-table commits, replacement of a published
//! generation, counters, deletion.

use kernel::prelude::*;

#[kunit_tests(seccomp_mode_tablemode)]
mod tests {
    use crate::arch;
    use crate::rules::alloc::List;
    use crate::rules::compile::{self, Action};
    use crate::rules::{eval, parse, Catalog};
    use crate::tablemode::catalog::ArchCatalog;
    use crate::tablemode::{commit, decide, dump, learn, with_table, CommitOpts, Outcome};
    use crate::tables::Abi;
    use kernel::alloc::flags::GFP_KERNEL;
    use kernel::prelude::*;

    // The texts name this architecture's native chain `@n` and its compat
    // chain `@c` (`text` and `contains` put the names in), and only
    // syscalls every architecture has.

    /// Table numbers no guest test uses.
    const A: &str = "*mode 900 kunit-a\n:@n MODE2\n-A @n -s read -j ALLOW\n-A @n -s getppid -j ERRNO EPERM\nCOMMIT\n";
    const A2: &str = "*mode 900 kunit-a\n:@n MODE2\n-A @n -s getppid -j ERRNO EACCES\nCOMMIT\n";
    const BAD_B: &str = "*mode 901\n:@n MODE2\n-A @n -s no_such_call -j ALLOW\nCOMMIT\n";

    /// A test-only commit.
    const TEST: CommitOpts = CommitOpts {
        test: true,
        loosen: false,
        if_gen: None,
    };

    /// `parts`, with the chain names of this architecture.
    fn text(parts: &[&str]) -> KVec<u8> {
        let (n, c) = (arch::THIS.native().name(), arch::THIS.compat().name());
        let mut v = KVec::new();
        for p in parts {
            let mut rest = p.as_bytes();
            while let Some(at) = rest.iter().position(|&b| b == b'@') {
                let _ = v.extend_from_slice(&rest[..at], GFP_KERNEL);
                let name = match rest.get(at + 1) {
                    Some(b'n') => n,
                    Some(b'c') => c,
                    _ => "@",
                };
                let _ = v.extend_from_slice(name.as_bytes(), GFP_KERNEL);
                rest = rest.get(at + 2..).unwrap_or(&[]);
            }
            let _ = v.extend_from_slice(rest, GFP_KERNEL);
        }
        v
    }

    /// The native ABI.
    fn nat_abi() -> Abi {
        arch::THIS.native()
    }

    /// The native number of syscall `name`.
    fn nr(name: &str) -> i64 {
        ArchCatalog.nr_of(0, name).map_or(-1, i64::from)
    }

    /// The compat number of syscall `name`.
    fn cnr(name: &str) -> i64 {
        ArchCatalog.nr_of(1, name).map_or(-1, i64::from)
    }

    fn dump_text() -> List<u8> {
        let mut out: List<u8> = List::new();
        let _ = dump(&mut out);
        out
    }

    /// Whether `hay` contains `needle` (with this architecture's chain
    /// names).
    fn contains(hay: &[u8], needle: &str) -> bool {
        let needle = text(&[needle]);
        hay.windows(needle.len()).any(|w| w == &needle[..])
    }

    fn errno_of_getppid(slot: u8) -> Outcome {
        decide(slot, nat_abi(), nr("getppid"), &[0; 6], true, |_, _, _| {}).0
    }

    #[test]
    fn compiles_and_evaluates_in_the_kernel() {
        let cat = ArchCatalog;
        let src = "*mode 3\n:@n KILL\n-A @n -s openat --a2:u32 masked 0x3 0x0 -j ALLOW\n-A @n -s openat -j ERRNO EACCES\n-A @n -s ioctl --a1:u32 in 0x541b,0x5421 -j ALLOW\nCOMMIT\n";
        let src = text(&[src]);
        let rs = parse::parse(&src, &cat);
        assert!(rs.is_ok());
        let Ok(mut rs) = rs else { return };
        let Some(t) = rs.tables.pop() else {
            panic!("no table");
        };
        let c = compile::compile(t, &cat);
        assert!(c.is_ok());
        let Ok(c) = c else { return };
        let openat = cat.nr_of(0, "openat");
        let ioctl = cat.nr_of(0, "ioctl");
        let run = |nr, args: [u64; 6]| eval::eval(&c, 0, nr, &args, |i, _| i, |_, _| {}).action;
        assert_eq!(run(openat, [0, 0, 0, 0, 0, 0]), Action::Allow);
        assert_eq!(run(openat, [0, 0, 1, 0, 0, 0]), Action::Errno(13));
        assert_eq!(run(ioctl, [0, 0x541b, 0, 0, 0, 0]), Action::Allow);
        assert_eq!(run(ioctl, [0, 0x1_0000_541b, 0, 0, 0, 0]), Action::Allow);
        assert_eq!(run(ioctl, [0, 0x5412, 0, 0, 0, 0]), Action::Kill);
        assert_eq!(run(Some(0), [0; 6]), Action::Kill);
        assert_eq!(run(None, [0; 6]), Action::Kill);
    }

    #[test]
    fn failed_second_table_leaves_the_first_unchanged() {
        // Neither table exists: a failing text creates neither.
        assert!(commit(&text(&[A, BAD_B]), CommitOpts::default()).is_err());
        assert!(!contains(&dump_text(), "*mode 900"));
        // Table 900 loaded; replacing it together with a bad 901 fails and
        // keeps the old 900.
        assert!(commit(&text(&[A]), CommitOpts::default()).is_ok());
        let before = dump_text();
        assert!(contains(&before, "*mode 900 kunit-a"));
        assert!(commit(&text(&[A2, BAD_B]), CommitOpts::default()).is_err());
        assert!(dump_text() == before);
        // A test commit changes nothing either.
        assert!(commit(&text(&[A2]), TEST).is_ok());
        assert!(dump_text() == before);
        assert!(commit(b"*mode 900 delete\nCOMMIT\n", CommitOpts::default()).is_ok());
        assert!(!contains(&dump_text(), "*mode 900"));
    }

    #[test]
    fn replacement_is_seen_by_the_next_decision_and_counts() {
        assert!(commit(&text(&[A]), CommitOpts::default()).is_ok());
        let slot = with_table(900, Ok);
        assert!(slot.is_ok());
        let Ok(slot) = slot else { return };
        assert_eq!(errno_of_getppid(slot), Outcome::Errno(1));
        assert_eq!(errno_of_getppid(slot), Outcome::Errno(1));
        // Two hits on rule 2 of the dump (`[2] -A x86_64 -s getppid`).
        assert!(contains(&dump_text(), "[2] -A @n -s getppid"));
        // Zeroed: the dump shows no hits, the next one counts from 0.
        assert!(crate::tablemode::zero(Some(900)).is_ok());
        assert!(contains(&dump_text(), "[0] -A @n -s getppid"));
        assert_eq!(errno_of_getppid(slot), Outcome::Errno(1));
        assert!(contains(&dump_text(), "[1] -A @n -s getppid"));
        assert!(crate::tablemode::zero(Some(12345)).is_err());
        // Replaced: the same slot, the new rule; counters start again.
        assert!(commit(&text(&[A2]), CommitOpts::default()).is_ok());
        assert_eq!(with_table(900, Ok).ok(), Some(slot));
        assert_eq!(errno_of_getppid(slot), Outcome::Errno(13));
        assert!(contains(&dump_text(), "[1] -A @n -s getppid"));
        // Mode 2's static table decides what no rule names.
        assert_eq!(
            decide(slot, nat_abi(), nr("getpid"), &[0; 6], true, |_, _, _| {}).0,
            Outcome::Static(2)
        );
        assert!(commit(b"*mode 900 delete\nCOMMIT\n", CommitOpts::default()).is_ok());
        assert!(with_table(900, Ok).is_err());
    }

    /// The C probe's table fast path lets through exactly the constant
    /// ALLOWs (untested first rules, and MODE2 fall-through to calls mode 2
    /// allows whatever the arguments), never the module's prctl, and counts
    /// what it lets through.
    #[test]
    fn c_probe_fast_path_is_the_constant_allows() {
        let src = "*mode 902\n:@n MODE2\n-A @n -s prctl,getppid,mkdirat -j ALLOW\n-A @n -s openat --a2:u32 masked 0x3 0x0 -j ALLOW\n-A @n -s read -j LOG\nCOMMIT\n";
        assert!(commit(&text(&[src]), CommitOpts::default()).is_ok());
        let slot = with_table(902, Ok);
        assert!(slot.is_ok());
        let Ok(slot) = slot else { return };
        let word = crate::policy::table_word(slot, false);
        let passes = |nr: i64| crate::ffi::probe_passes(word, false, nr);
        assert!(passes(nr("getppid"))); // getppid: rule 1
        assert!(passes(nr("mkdirat"))); // mkdirat: rule 1
        assert!(!passes(nr("prctl"))); // prctl: always the slow path
        assert!(!passes(nr("openat"))); // openat: an argument test
        assert!(!passes(nr("read"))); // read: a LOG rule first
        assert!(passes(nr("getpid"))); // getpid: MODE2 policy, mode 2 allows it
        assert!(!passes(nr("clone"))); // clone: mode 2 checks its flags
        assert!(!passes(nr("execve"))); // execve: mode 2 refuses it
        assert!(!passes(4000));
        assert!(!crate::ffi::probe_passes(word, true, cnr("getpid"))); // compat chain undeclared: KILL
                                                                       // Counted: getppid and mkdir on rule 1 (2 hits), getpid on the policy.
        let dump = dump_text();
        assert!(contains(&dump, ":@n MODE2 [1]"));
        assert!(contains(
            &dump,
            "[2] -A @n -s prctl,getppid,mkdirat -j ALLOW"
        ));
        assert!(commit(b"*mode 902 delete\nCOMMIT\n", CommitOpts::default()).is_ok());
        assert!(!passes(nr("getppid")));
    }

    /// Constant errno decisions are answered by the C probe too: an untested
    /// ERRNO first rule, and an ERRNO/ENOSYS policy for what no rule names;
    /// kills and argument tests are left to Rust.
    #[test]
    fn c_probe_answers_constant_errnos() {
        let src = "*mode 903\n:@n ERRNO EPERM\n:@c ENOSYS\n-A @n -s mkdirat -j ERRNO EACCES\n-A @n -s getppid -j KILL\n-A @n -s unlinkat --a1:u64 eq 0 -j ERRNO EIO\nCOMMIT\n";
        assert!(commit(&text(&[src]), CommitOpts::default()).is_ok());
        let slot = with_table(903, Ok);
        assert!(slot.is_ok());
        let Ok(slot) = slot else { return };
        let word = crate::policy::table_word(slot, false);
        let fast =
            |compat: bool, nr: i64| crate::tables_ffi::fast_decision(word, compat, nr as u64);
        assert_eq!(fast(false, nr("mkdirat")), Some(13)); // mkdirat: rule 1
        assert_eq!(fast(false, nr("getpid")), Some(1)); // getpid: the ERRNO EPERM policy
        assert_eq!(fast(false, nr("getppid")), None); // getppid: KILL logs, in Rust
        assert_eq!(fast(false, nr("unlinkat")), None); // unlinkat: an argument test
        assert_eq!(fast(false, nr("prctl")), None); // prctl: always Rust
        assert_eq!(fast(true, cnr("getpid")), Some(38)); // compat getpid: ENOSYS policy
        assert_eq!(fast(true, cnr("prctl")), None); // compat prctl
        let dump = dump_text();
        assert!(contains(&dump, "[1] -A @n -s mkdirat -j ERRNO EACCES"));
        assert!(contains(&dump, ":@n ERRNO EPERM [1]"));
        assert!(contains(&dump, ":@c ENOSYS [1]"));
        assert!(commit(b"*mode 903 delete\nCOMMIT\n", CommitOpts::default()).is_ok());
        assert_eq!(fast(false, nr("mkdirat")), None);
    }

    /// A read-modify-write commit only goes through at the generation it
    /// read; a refused or test commit does not change the generation.
    #[test]
    fn commit_if_generation() {
        let g0 = commit(&text(&[A]), CommitOpts::default());
        assert!(g0.is_ok());
        let Ok(g0) = g0 else { return };
        let at = |g| CommitOpts {
            if_gen: Some(g),
            ..CommitOpts::default()
        };
        assert_eq!(commit(&text(&[BAD_B]), CommitOpts::default()).ok(), None);
        assert_eq!(commit(&text(&[A2]), TEST).ok(), Some(g0));
        let stale = commit(&text(&[A2]), at(g0.wrapping_sub(1)));
        assert_eq!(stale.err().map(|e| e.detail.errno), Some(11));
        assert!(contains(&dump_text(), "-A @n -s read -j ALLOW"));
        let g1 = commit(&text(&[A2]), at(g0));
        assert_eq!(g1.ok(), Some(g0 + 1));
        let mut head = KVec::new();
        let _ = head.extend_from_slice(b"# generation ", GFP_KERNEL);
        let dump = dump_text();
        assert!(dump.starts_with(&head));
        assert!(!contains(&dump, "-A @n -s read -j ALLOW"));
        assert!(commit(b"*mode 900 delete\nCOMMIT\n", CommitOpts::default()).is_ok());
    }

    /// Learn mode records refused calls with the values of the arguments a
    /// matching LEARN rule names, at the parameter's width, up to 16 per
    /// argument, then `*`.
    #[test]
    fn learn_records_refused_calls() {
        let src = "*mode 904\n:@n KILL\n-A @n -s socket,fcntl -j LEARN a0,a1\n-A @n -s getppid -j ALLOW\nCOMMIT\n";
        assert!(commit(&text(&[src]), CommitOpts::default()).is_ok());
        let slot = with_table(904, Ok);
        assert!(slot.is_ok());
        let Ok(slot) = slot else { return };
        // socket(AF_INET, SOCK_STREAM | 1<<32): the upper half is not an int's.
        learn(
            slot,
            nat_abi(),
            nr("socket"),
            &[2, 1 | 1 << 32, 0, 0, 0, 0],
            0b11,
        );
        learn(slot, nat_abi(), nr("socket"), &[10, 1, 0, 0, 0, 0], 0b11);
        for cmd in 0..20u64 {
            learn(slot, nat_abi(), nr("fcntl"), &[3, cmd, 0, 0, 0, 0], 0b11);
        }
        learn(slot, nat_abi(), nr("getpid"), &[0; 6], 0);
        let dump = dump_text();
        assert!(contains(
            &dump,
            "# learned 904 @n socket 2 a0=0x2,0xa a1=0x1\n"
        ));
        assert!(contains(&dump, "# learned 904 @n fcntl 20 a0=0x3 a1=*\n"));
        assert!(contains(&dump, "# learned 904 @n getpid 1\n"));
        // Numbers outside the index share one record.
        learn(slot, nat_abi(), -1, &[0; 6], 0);
        learn(slot, nat_abi(), 4000, &[0; 6], 0);
        assert!(contains(&dump_text(), "# learned 904 @n outside 2\n"));
        // The decision reports the LEARN rules that matched on the way.
        let (outcome, _, mask) = decide(
            slot,
            nat_abi(),
            nr("socket"),
            &[2, 1, 0, 0, 0, 0],
            true,
            |_, _, _| {},
        );
        assert_eq!(outcome, Outcome::Kill);
        assert_eq!(mask, 0b11);
        let (_, _, mask) = decide(slot, nat_abi(), nr("getpid"), &[0; 6], true, |_, _, _| {});
        assert_eq!(mask, 0);
        assert!(commit(b"*mode 904 delete\nCOMMIT\n", CommitOpts::default()).is_ok());
    }

    /// Every name the kernel's catalog prints leads back to the same
    /// number: a saved table means what is enforced. On x86_64, x32's 101 is
    /// no x32 syscall (`ptrace` is x32's 521), so it has no name.
    #[test]
    fn catalog_names_lead_back_to_their_numbers() {
        let cat = ArchCatalog;
        for abi in 0..cat.abis().len() {
            for nr in 0..cat.index_size(abi) {
                if let Some(name) = cat.name_of(abi, nr) {
                    assert_eq!(cat.nr_of(abi, name), Some(nr));
                }
            }
        }
        if arch::THIS.number_bit.is_some() {
            assert_eq!(cat.name_of(2, 101), None);
            assert_eq!(cat.nr_of(2, "ptrace"), Some(521));
            assert_eq!(cat.name_of(2, 0), Some("read"));
        }
    }
}
