// SPDX-License-Identifier: GPL-2.0

//! Syscall parameter sizes per ABI, derived from the kernel source.
//!
//! The module's argument rules test argument registers with an explicit
//! width; a width that differs from the size of the parameter the kernel's
//! entry point declares is a load error. The sizes come from
//! `src/tables/x86_64_args.rs` and `src/tables/ia32_args.rs`, which this
//! module generates and checks:
//!
//! 1. The `.tbl` rows the module's tables use give each syscall's entry
//!    point: x86_64 the 4th column of `syscall_64.tbl` (`common`, `64`),
//!    ia32 the 5th column of `syscall_32.tbl` (`i386`; the compat entry)
//!    or else the 4th.
//! 2. The entry point's prototype is its `SYSCALL_DEFINEn`,
//!    `COMPAT_SYSCALL_DEFINEn` or `SYSCALL32_DEFINEn` (compat, as
//!    `CONFIG_COMPAT` is set) anywhere in the tree that x86_64 builds (not
//!    `Documentation`, `samples`, `scripts`, `tools`, `usr`, other
//!    architectures, nor `arch/x86/um`); a definition under `arch/x86`
//!    wins over generic ones. Without a definition, its `asmlinkage`
//!    declaration in `include/linux/syscalls.h`, `include/linux/compat.h`
//!    or `arch/x86/include/asm/syscalls*.h` is used.
//! 3. Definitions inside preprocessor branches that the x86_64 kernel
//!    (with `IA32_EMULATION`) does not build are dropped: conditions are
//!    evaluated three-valued over the few configuration symbols in
//!    [`CONFIG`] (anything else is unknown and keeps the definition).
//!    Candidates that remain must agree on their sizes, or the derivation
//!    fails.
//! 4. Each parameter type is sized by [`type_size`]: pointers 8, C types
//!    and fixed-width kernel types by definition, typedefs through the
//!    chain in [`TYPES`] (each link is checked to be in its header). An
//!    unknown type is an error, never a guess. On ia32 every register is 32
//!    bits wide, so sizes are capped at 4.

use std::collections::HashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::parse_tbl;

/// The committed x86_64 sizes.
pub const X86_64: &[(u32, [u8; 6])] = crate::x86_64_args::ARGS;
/// The committed ia32 sizes.
pub const IA32: &[(u32, [u8; 6])] = crate::ia32_args::ARGS;

/// One ABI's size table.
pub struct Abi {
    /// The ABI's name.
    pub name: &'static str,
    /// The generated file, relative to the repository root.
    pub file: &'static str,
    /// The kernel's `.tbl` file, relative to the source tree.
    pub tbl: &'static str,
    /// The ABI column values of that file that the architecture builds.
    pub tbl_abis: &'static [&'static str],
    /// Whether the 5th column (compat entry point) is the entry point.
    pub compat: bool,
    /// The width of an argument register in bytes.
    pub reg: u8,
    /// The committed rows.
    pub committed: &'static [(u32, [u8; 6])],
}

/// Both ABIs.
pub const ABIS: [Abi; 2] = [
    Abi {
        name: "x86_64",
        file: "src/tables/x86_64_args.rs",
        tbl: "arch/x86/entry/syscalls/syscall_64.tbl",
        tbl_abis: &["common", "64"],
        compat: false,
        reg: 8,
        committed: X86_64,
    },
    Abi {
        name: "ia32",
        file: "src/tables/ia32_args.rs",
        tbl: "arch/x86/entry/syscalls/syscall_32.tbl",
        tbl_abis: &["i386"],
        compat: true,
        reg: 4,
        committed: IA32,
    },
];

/// How a type name gets its size.
#[derive(Clone, Copy, Debug)]
pub enum Ty {
    /// A C type or fixed-width kernel type: its size on x86_64.
    Base(u8),
    /// `typedef TARGET NAME;` in the header.
    Alias(&'static str, &'static str),
    /// A typedef to a pointer, declared in the header.
    Pointer(&'static str),
}

/// The type names syscall prototypes use, with their x86_64 sizes or their
/// typedefs. Typedefs whose header has several variants name the one
/// x86_64 builds (e.g. `__kernel_size_t` for `__BITS_PER_LONG == 64`,
/// `compat_mode_t` from `arch/x86` before the generic fallback).
pub const TYPES: &[(&str, Ty)] = &[
    ("char", Ty::Base(1)),
    ("signed char", Ty::Base(1)),
    ("unsigned char", Ty::Base(1)),
    ("short", Ty::Base(2)),
    ("unsigned short", Ty::Base(2)),
    ("int", Ty::Base(4)),
    ("signed int", Ty::Base(4)),
    ("signed", Ty::Base(4)),
    ("unsigned int", Ty::Base(4)),
    ("unsigned", Ty::Base(4)),
    ("long", Ty::Base(8)),
    ("unsigned long", Ty::Base(8)),
    ("long long", Ty::Base(8)),
    ("unsigned long long", Ty::Base(8)),
    ("u8", Ty::Base(1)),
    ("s8", Ty::Base(1)),
    ("__u8", Ty::Base(1)),
    ("__s8", Ty::Base(1)),
    ("u16", Ty::Base(2)),
    ("s16", Ty::Base(2)),
    ("__u16", Ty::Base(2)),
    ("__s16", Ty::Base(2)),
    ("u32", Ty::Base(4)),
    ("s32", Ty::Base(4)),
    ("__u32", Ty::Base(4)),
    ("__s32", Ty::Base(4)),
    ("u64", Ty::Base(8)),
    ("s64", Ty::Base(8)),
    ("__u64", Ty::Base(8)),
    ("__s64", Ty::Base(8)),
    ("int32_t", Ty::Alias("s32", "include/linux/types.h")),
    // include/uapi/asm-generic/posix_types.h, x86_64 (64-bit) branches.
    (
        "__kernel_long_t",
        Ty::Alias("long", "include/uapi/asm-generic/posix_types.h"),
    ),
    (
        "__kernel_ulong_t",
        Ty::Alias("unsigned long", "include/uapi/asm-generic/posix_types.h"),
    ),
    (
        "__kernel_size_t",
        Ty::Alias("__kernel_ulong_t", "include/uapi/asm-generic/posix_types.h"),
    ),
    (
        "__kernel_ssize_t",
        Ty::Alias("__kernel_long_t", "include/uapi/asm-generic/posix_types.h"),
    ),
    (
        "__kernel_off_t",
        Ty::Alias("__kernel_long_t", "include/uapi/asm-generic/posix_types.h"),
    ),
    (
        "__kernel_loff_t",
        Ty::Alias("long long", "include/uapi/asm-generic/posix_types.h"),
    ),
    (
        "__kernel_pid_t",
        Ty::Alias("int", "include/uapi/asm-generic/posix_types.h"),
    ),
    (
        "__kernel_uid32_t",
        Ty::Alias("unsigned int", "include/uapi/asm-generic/posix_types.h"),
    ),
    (
        "__kernel_gid32_t",
        Ty::Alias("unsigned int", "include/uapi/asm-generic/posix_types.h"),
    ),
    (
        "__kernel_timer_t",
        Ty::Alias("int", "include/uapi/asm-generic/posix_types.h"),
    ),
    (
        "__kernel_clockid_t",
        Ty::Alias("int", "include/uapi/asm-generic/posix_types.h"),
    ),
    (
        "__kernel_old_uid_t",
        Ty::Alias(
            "unsigned short",
            "arch/x86/include/uapi/asm/posix_types_64.h",
        ),
    ),
    (
        "__kernel_old_gid_t",
        Ty::Alias(
            "unsigned short",
            "arch/x86/include/uapi/asm/posix_types_64.h",
        ),
    ),
    (
        "__kernel_key_t",
        Ty::Alias("int", "include/uapi/linux/posix_types.h"),
    ),
    (
        "__kernel_mqd_t",
        Ty::Alias("int", "include/uapi/linux/posix_types.h"),
    ),
    (
        "__kernel_rwf_t",
        Ty::Alias("int", "include/uapi/linux/fs.h"),
    ),
    (
        "size_t",
        Ty::Alias("__kernel_size_t", "include/linux/types.h"),
    ),
    (
        "ssize_t",
        Ty::Alias("__kernel_ssize_t", "include/linux/types.h"),
    ),
    (
        "off_t",
        Ty::Alias("__kernel_off_t", "include/linux/types.h"),
    ),
    (
        "loff_t",
        Ty::Alias("__kernel_loff_t", "include/linux/types.h"),
    ),
    (
        "pid_t",
        Ty::Alias("__kernel_pid_t", "include/linux/types.h"),
    ),
    (
        "uid_t",
        Ty::Alias("__kernel_uid32_t", "include/linux/types.h"),
    ),
    (
        "gid_t",
        Ty::Alias("__kernel_gid32_t", "include/linux/types.h"),
    ),
    (
        "old_uid_t",
        Ty::Alias("__kernel_old_uid_t", "include/linux/types.h"),
    ),
    (
        "old_gid_t",
        Ty::Alias("__kernel_old_gid_t", "include/linux/types.h"),
    ),
    (
        "timer_t",
        Ty::Alias("__kernel_timer_t", "include/linux/types.h"),
    ),
    (
        "clockid_t",
        Ty::Alias("__kernel_clockid_t", "include/linux/types.h"),
    ),
    (
        "key_t",
        Ty::Alias("__kernel_key_t", "include/linux/types.h"),
    ),
    (
        "mqd_t",
        Ty::Alias("__kernel_mqd_t", "include/linux/types.h"),
    ),
    (
        "umode_t",
        Ty::Alias("unsigned short", "include/linux/types.h"),
    ),
    (
        "qid_t",
        Ty::Alias("__kernel_uid32_t", "include/linux/quota.h"),
    ),
    ("key_serial_t", Ty::Alias("int32_t", "include/linux/key.h")),
    ("rwf_t", Ty::Alias("__kernel_rwf_t", "include/linux/fs.h")),
    (
        "aio_context_t",
        Ty::Alias("__kernel_ulong_t", "include/uapi/linux/aio_abi.h"),
    ),
    (
        "old_sigset_t",
        Ty::Alias("unsigned long", "arch/x86/include/asm/signal.h"),
    ),
    (
        "cap_user_header_t",
        Ty::Pointer("include/uapi/linux/capability.h"),
    ),
    (
        "cap_user_data_t",
        Ty::Pointer("include/uapi/linux/capability.h"),
    ),
    (
        "__sighandler_t",
        Ty::Pointer("include/uapi/asm-generic/signal-defs.h"),
    ),
    (
        "compat_mode_t",
        Ty::Alias("u16", "arch/x86/include/asm/compat.h"),
    ),
    (
        "compat_size_t",
        Ty::Alias("u32", "include/asm-generic/compat.h"),
    ),
    (
        "compat_ssize_t",
        Ty::Alias("s32", "include/asm-generic/compat.h"),
    ),
    (
        "compat_pid_t",
        Ty::Alias("s32", "include/asm-generic/compat.h"),
    ),
    (
        "compat_off_t",
        Ty::Alias("s32", "include/asm-generic/compat.h"),
    ),
    (
        "compat_loff_t",
        Ty::Alias("s64", "include/asm-generic/compat.h"),
    ),
    (
        "compat_timer_t",
        Ty::Alias("s32", "include/asm-generic/compat.h"),
    ),
    (
        "compat_key_t",
        Ty::Alias("s32", "include/asm-generic/compat.h"),
    ),
    (
        "compat_int_t",
        Ty::Alias("s32", "include/asm-generic/compat.h"),
    ),
    (
        "compat_uint_t",
        Ty::Alias("u32", "include/asm-generic/compat.h"),
    ),
    (
        "compat_long_t",
        Ty::Alias("s32", "include/asm-generic/compat.h"),
    ),
    (
        "compat_ulong_t",
        Ty::Alias("u32", "include/asm-generic/compat.h"),
    ),
    (
        "compat_uptr_t",
        Ty::Alias("u32", "include/asm-generic/compat.h"),
    ),
    (
        "compat_aio_context_t",
        Ty::Alias("u32", "include/asm-generic/compat.h"),
    ),
    (
        "compat_old_sigset_t",
        Ty::Alias("u32", "include/asm-generic/compat.h"),
    ),
];

/// The configuration symbols whose value decides between definitions: an
/// x86_64 kernel with `IA32_EMULATION` (see `arch/x86/Kconfig`; checked by
/// a test). Every other symbol is unknown.
pub const CONFIG: &[(&str, bool)] = &[
    ("CONFIG_X86_64", true),
    ("CONFIG_64BIT", true),
    ("CONFIG_X86_32", false),
    ("CONFIG_IA32_EMULATION", true),
    ("CONFIG_COMPAT", true),
    ("CONFIG_COMPAT_32", true),
    ("CONFIG_CLONE_BACKWARDS", false),
    ("CONFIG_CLONE_BACKWARDS2", false),
    ("CONFIG_CLONE_BACKWARDS3", false),
    ("CONFIG_OLD_SIGSUSPEND", false),
    ("CONFIG_OLD_SIGSUSPEND3", true),
    ("CONFIG_ARCH_SPLIT_ARG64", false),
];

/// Macros that stand for two 32-bit parameters (a split 64-bit value) in a
/// prototype: `SC_ARG64(name)` of `include/linux/syscalls.h`,
/// `compat_arg_u64_dual(name)` and `compat_arg_u64(name)` of
/// `include/asm-generic/compat.h`.
pub const SPLIT_ARG64: &[&str] = &["SC_ARG64", "compat_arg_u64_dual", "compat_arg_u64"];

/// The size in bytes of a parameter of type `ty` on x86_64 (qualifiers and
/// `__user` allowed): 8 for a pointer or array, 4 for an `enum` (`int`
/// sized: the few in syscall prototypes have small values), else from
/// [`TYPES`]; an error for a type this module does not know.
pub fn type_size(ty: &str) -> Result<u8, String> {
    if ty.contains('*') || ty.contains('[') {
        return Ok(8);
    }
    let words: Vec<&str> = ty
        .split_whitespace()
        .filter(|w| !matches!(*w, "const" | "volatile" | "__user" | "__force"))
        .collect();
    match words.first().copied() {
        Some("enum") if words.len() == 2 => return Ok(4),
        Some("struct" | "union") => return Err(format!("{ty:?}: aggregate passed by value")),
        None => return Err(format!("{ty:?}: no type")),
        _ => {}
    }
    let mut name = words.join(" ");
    for _ in 0..TYPES.len() {
        match TYPES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t) {
            Some(Ty::Base(size)) => return Ok(size),
            Some(Ty::Pointer(_)) => return Ok(8),
            Some(Ty::Alias(target, _)) => name = target.to_owned(),
            None => {
                return Err(format!(
                    "unknown type {name:?} (in {ty:?}): add it to TYPES"
                ))
            }
        }
    }
    Err(format!("{ty:?}: typedef loop"))
}

/// A three-valued truth: a preprocessor condition may depend on symbols
/// whose value is not known here.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Tri {
    /// Built.
    True,
    /// Not built.
    False,
    /// Depends on something unknown.
    Unknown,
}

impl Tri {
    fn not(self) -> Self {
        match self {
            Tri::True => Tri::False,
            Tri::False => Tri::True,
            Tri::Unknown => Tri::Unknown,
        }
    }

    fn and(self, other: Self) -> Self {
        match (self, other) {
            (Tri::False, _) | (_, Tri::False) => Tri::False,
            (Tri::True, Tri::True) => Tri::True,
            _ => Tri::Unknown,
        }
    }

    fn or(self, other: Self) -> Self {
        self.not().and(other.not()).not()
    }
}

/// Tokens of a preprocessor condition.
fn cond_tokens(expr: &str) -> Vec<String> {
    let mut out = Vec::new();
    let b = expr.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if c.is_ascii_alphanumeric() || c == b'_' {
            let start = i;
            while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_') {
                i += 1;
            }
            out.push(expr[start..i].to_owned());
        } else if i + 1 < b.len() && matches!(&b[i..i + 2], b"&&" | b"||" | b"==" | b"!=") {
            out.push(expr[i..i + 2].to_owned());
            i += 2;
        } else {
            out.push((c as char).to_string());
            i += 1;
        }
    }
    out
}

/// Evaluates a condition: `!`, `&&`, `||`, parentheses, `defined`,
/// `IS_ENABLED`, numbers and the symbols of [`CONFIG`]. Anything else
/// (comparisons, other macros) makes it unknown.
pub fn eval_cond(expr: &str) -> Tri {
    struct P {
        t: Vec<String>,
        i: usize,
    }
    impl P {
        fn peek(&self) -> Option<&str> {
            self.t.get(self.i).map(String::as_str)
        }
        fn eat(&mut self, s: &str) -> bool {
            if self.peek() == Some(s) {
                self.i += 1;
                true
            } else {
                false
            }
        }
        fn or(&mut self) -> Option<Tri> {
            let mut v = self.and()?;
            while self.eat("||") {
                v = v.or(self.and()?);
            }
            Some(v)
        }
        fn and(&mut self) -> Option<Tri> {
            let mut v = self.unary()?;
            while self.eat("&&") {
                v = v.and(self.unary()?);
            }
            Some(v)
        }
        fn unary(&mut self) -> Option<Tri> {
            if self.eat("!") {
                return Some(self.unary()?.not());
            }
            if self.eat("(") {
                let v = self.or()?;
                return self.eat(")").then_some(v);
            }
            let word = self.peek()?.to_owned();
            self.i += 1;
            if word == "defined" || word == "IS_ENABLED" {
                let paren = self.eat("(");
                let sym = self.peek()?.to_owned();
                self.i += 1;
                if paren && !self.eat(")") {
                    return None;
                }
                return Some(symbol(&sym));
            }
            if let Ok(n) = word.parse::<u64>() {
                return Some(if n != 0 { Tri::True } else { Tri::False });
            }
            if word.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_') {
                return Some(symbol(&word));
            }
            None
        }
    }
    fn symbol(sym: &str) -> Tri {
        match CONFIG.iter().find(|(s, _)| *s == sym) {
            Some((_, true)) => Tri::True,
            Some((_, false)) => Tri::False,
            None => Tri::Unknown,
        }
    }
    let mut p = P {
        t: cond_tokens(expr),
        i: 0,
    };
    match p.or() {
        Some(v) if p.i == p.t.len() => v,
        _ => Tri::Unknown,
    }
}

/// How a prototype was found.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Kind {
    /// A `SYSCALL_DEFINEn`-style definition.
    Define,
    /// An `asmlinkage` declaration in a header.
    Decl,
}

/// One prototype of an entry point.
#[derive(Clone, Debug)]
pub struct Proto {
    /// The file, relative to the source tree.
    pub file: String,
    /// Its line (1-based).
    pub line: usize,
    /// Definition or declaration.
    pub kind: Kind,
    /// The parameters, split 64-bit values as two `u32`: their types for a
    /// definition, their declarations (type and maybe a name) for a
    /// declaration.
    pub params: Vec<String>,
    /// Whether the x86_64 kernel builds it.
    pub cond: Tri,
    /// The condition, for messages.
    pub cond_text: String,
}

impl Proto {
    /// The parameter types.
    pub fn types(&self) -> Result<Vec<String>, String> {
        match self.kind {
            Kind::Define => Ok(self.params.clone()),
            Kind::Decl => self.params.iter().map(|p| decl_param_type(p)).collect(),
        }
    }

    /// The parameter sizes on x86_64.
    pub fn sizes(&self) -> Result<Vec<u8>, String> {
        self.types()?.iter().map(|t| type_size(t)).collect()
    }
}

/// Replaces comments (and the contents of string and character literals)
/// with spaces, keeping newlines.
pub fn strip_comments(src: &str) -> String {
    let b = src.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'/' if b.get(i + 1) == Some(&b'*') => {
                out.extend_from_slice(b"  ");
                i += 2;
                while i < b.len() && !(b[i] == b'*' && b.get(i + 1) == Some(&b'/')) {
                    out.push(if b[i] == b'\n' { b'\n' } else { b' ' });
                    i += 1;
                }
                if i < b.len() {
                    out.extend_from_slice(b"  ");
                    i += 2;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    out.push(b' ');
                    i += 1;
                }
            }
            q @ (b'"' | b'\'') => {
                out.push(q);
                i += 1;
                while i < b.len() && b[i] != q && b[i] != b'\n' {
                    if b[i] == b'\\' && i + 1 < b.len() && b[i + 1] != b'\n' {
                        out.push(b' ');
                        i += 1;
                    }
                    out.push(b' ');
                    i += 1;
                }
                if i < b.len() && b[i] == q {
                    out.push(q);
                    i += 1;
                }
            }
            c => {
                out.push(c);
                i += 1;
            }
        }
    }
    // Only ASCII bytes were replaced, each by one ASCII byte.
    String::from_utf8(out).unwrap_or_default()
}

/// One open `#if` group.
struct Frame {
    /// The conditions of the earlier branches of the group.
    earlier: Vec<String>,
    /// The condition of the current branch (`None` after `#else`).
    current: Option<String>,
}

/// The condition under which lines inside `stack` are built.
fn stack_cond(stack: &[Frame]) -> (Tri, String) {
    let mut v = Tri::True;
    let mut text = Vec::new();
    for f in stack {
        for e in &f.earlier {
            v = v.and(eval_cond(e).not());
            text.push(format!("!({e})"));
        }
        if let Some(c) = &f.current {
            v = v.and(eval_cond(c));
            text.push(format!("({c})"));
        }
    }
    (v, text.join(" && "))
}

/// Splits a file into code (preprocessor lines blanked) and the condition
/// of each line.
fn preprocess(src: &str) -> (String, Vec<(Tri, String)>) {
    let mut code = String::with_capacity(src.len());
    let mut conds = Vec::new();
    let mut stack: Vec<Frame> = Vec::new();
    let mut cur = (Tri::True, String::new());
    let mut lines = src.split('\n').peekable();
    while let Some(line) = lines.next() {
        let trimmed = line.trim_start();
        if !trimmed.starts_with('#') {
            code.push_str(line);
            code.push('\n');
            conds.push(cur.clone());
            continue;
        }
        let mut directive = trimmed[1..].to_owned();
        code.push('\n');
        conds.push(cur.clone());
        while directive.trim_end().ends_with('\\') {
            let t = directive.trim_end();
            directive = t[..t.len() - 1].to_owned();
            match lines.next() {
                Some(next) => {
                    directive.push(' ');
                    directive.push_str(next);
                    code.push('\n');
                    conds.push(cur.clone());
                }
                None => break,
            }
        }
        let directive = directive.trim();
        let (word, rest) = directive
            .split_once(|c: char| c.is_whitespace() || c == '(' || c == '!')
            .map_or((directive, ""), |(w, _)| (w, directive[w.len()..].trim()));
        match word {
            "if" => stack.push(Frame {
                earlier: Vec::new(),
                current: Some(rest.to_owned()),
            }),
            "ifdef" => stack.push(Frame {
                earlier: Vec::new(),
                current: Some(format!("defined({rest})")),
            }),
            "ifndef" => stack.push(Frame {
                earlier: Vec::new(),
                current: Some(format!("!defined({rest})")),
            }),
            "elif" | "else" => {
                if let Some(f) = stack.last_mut() {
                    if let Some(c) = f.current.take() {
                        f.earlier.push(c);
                    }
                    if word == "elif" {
                        f.current = Some(rest.to_owned());
                    }
                }
            }
            "endif" => {
                stack.pop();
            }
            _ => continue,
        }
        cur = stack_cond(&stack);
    }
    (code, conds)
}

/// The index of the parenthesis closing the one at `open`.
fn closing_paren(b: &[u8], open: usize) -> Option<usize> {
    let mut depth = 0;
    for (i, &c) in b.iter().enumerate().skip(open) {
        match c {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    return Some(i);
                }
            }
            _ => {}
        }
    }
    None
}

/// Splits at commas outside parentheses.
fn split_top(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                out.push(s[start..i].trim().to_owned());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(s[start..].trim().to_owned());
    out
}

/// Collapses whitespace.
fn squash(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `item` is a split 64-bit macro (two `u32` parameters).
fn is_split(item: &str) -> bool {
    SPLIT_ARG64.iter().any(|m| {
        item.strip_prefix(m)
            .is_some_and(|r| r.trim_start().starts_with('('))
    })
}

/// The parameter types of a `SYSCALL_DEFINEn(name, type, arg, ...)`
/// argument list after the name.
fn define_params(items: &[String]) -> Result<Vec<String>, String> {
    let mut params = Vec::new();
    let mut i = 0;
    while i < items.len() {
        if is_split(&items[i]) {
            params.extend(["u32".to_owned(), "u32".to_owned()]);
            i += 1;
        } else if i + 1 < items.len() {
            params.push(squash(&items[i]));
            i += 2;
        } else {
            return Err(format!("type {:?} without a name", items[i]));
        }
    }
    Ok(params)
}

/// The type of a C parameter declaration (`int fd`, `unsigned int`,
/// `const char __user *name`).
fn decl_param_type(p: &str) -> Result<String, String> {
    let p = squash(p);
    if p.contains('*') || p.contains('[') || type_size(&p).is_ok() {
        return Ok(p);
    }
    let (ty, name) = p
        .rsplit_once(' ')
        .ok_or_else(|| format!("parameter {p:?}: no type"))?;
    if !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(format!("parameter {p:?}: cannot split type and name"));
    }
    type_size(ty)?;
    Ok(ty.to_owned())
}

/// The parameters of a C declaration's parameter list, split 64-bit
/// values as two `u32`.
fn decl_params(list: &str) -> Vec<String> {
    let list = squash(list);
    if list.is_empty() || list == "void" {
        return Vec::new();
    }
    let mut params = Vec::new();
    for item in split_top(&list) {
        if is_split(&item) {
            params.extend(["u32".to_owned(), "u32".to_owned()]);
        } else {
            params.push(item);
        }
    }
    params
}

/// Whether byte `i` of `b` starts an identifier.
fn word_start(b: &[u8], i: usize) -> bool {
    i == 0 || !(b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_')
}

/// Adds the prototypes of one file (already without comments).
pub fn scan_file(
    rel: &str,
    src: &str,
    decls: bool,
    out: &mut HashMap<String, Vec<Proto>>,
) -> Result<(), String> {
    let (code, conds) = preprocess(src);
    let b = code.as_bytes();
    let line_of = |pos: usize| code[..pos].bytes().filter(|&c| c == b'\n').count();
    let macros = [
        ("COMPAT_SYSCALL_DEFINE", "compat_sys_"),
        ("SYSCALL32_DEFINE", "compat_sys_"),
        ("SYSCALL_DEFINE", "sys_"),
    ];
    let mut add = |name: String, pos: usize, kind, params: Vec<String>| {
        let line = line_of(pos);
        let (cond, cond_text) = conds[line].clone();
        out.entry(name).or_default().push(Proto {
            file: rel.to_owned(),
            line: line + 1,
            kind,
            params,
            cond,
            cond_text,
        });
    };
    for (mac, prefix) in macros {
        let mut from = 0;
        while let Some(off) = code[from..].find(mac) {
            let pos = from + off;
            from = pos + mac.len();
            if !word_start(b, pos) {
                continue;
            }
            let Some(n) = b.get(from).filter(|c| c.is_ascii_digit()) else {
                continue;
            };
            let n = usize::from(n - b'0');
            let open = from + 1;
            if b.get(open) != Some(&b'(') {
                continue;
            }
            let here = || format!("{rel}:{}", line_of(pos) + 1);
            let close =
                closing_paren(b, open).ok_or_else(|| format!("{}: unclosed {mac}", here()))?;
            let items = split_top(&code[open + 1..close]);
            let params = define_params(&items[1..]).map_err(|e| format!("{}: {e}", here()))?;
            if params.len() != n {
                return Err(format!(
                    "{}: {mac}{n} with {} parameters",
                    here(),
                    params.len()
                ));
            }
            add(format!("{prefix}{}", items[0]), pos, Kind::Define, params);
        }
    }
    if decls {
        let mut from = 0;
        while let Some(off) = code[from..].find("asmlinkage") {
            let pos = from + off;
            from = pos + "asmlinkage".len();
            let Some(open) = code[from..].find('(').map(|o| from + o) else {
                break;
            };
            let head = &code[from..open];
            if head.contains(';') || head.contains('{') {
                continue;
            }
            let Some(name) = head.split_whitespace().last() else {
                continue;
            };
            let name = name.trim_start_matches('*');
            if !(name.starts_with("sys_") || name.starts_with("compat_sys_")) {
                continue;
            }
            let close = closing_paren(b, open)
                .ok_or_else(|| format!("{rel}:{}: unclosed {name}", line_of(pos) + 1))?;
            let params = decl_params(&code[open + 1..close]);
            add(name.to_owned(), pos, Kind::Decl, params);
        }
    }
    Ok(())
}

/// Top-level directories of the source tree not built into the kernel.
const SKIP_TOP: &[&str] = &[
    "Documentation",
    "LICENSES",
    "samples",
    "scripts",
    "tools",
    "usr",
];

/// Whether the directory `rel` of the source tree is left out.
fn skip_dir(rel: &str) -> bool {
    let mut parts = rel.split('/');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(top), None, _) => SKIP_TOP.contains(&top) || top.starts_with('.'),
        (Some("arch"), Some(arch), None) => arch != "x86",
        (Some("arch"), Some("x86"), Some("um")) => true,
        _ => false,
    }
}

/// Whether the header `rel` holds `asmlinkage` syscall declarations.
fn decl_header(rel: &str) -> bool {
    rel == "include/linux/syscalls.h"
        || rel == "include/linux/compat.h"
        || (rel.starts_with("arch/x86/include/asm/syscalls") && rel.ends_with(".h"))
}

/// Whether `bytes` contains `SYSCALL` (every definition macro does). The
/// tree has over a gigabyte of C: this searches with `read_until`, whose
/// `memchr` is fast even in an unoptimized test build.
fn mentions_syscall(bytes: &[u8]) -> bool {
    use std::io::BufRead;
    let mut cur = std::io::Cursor::new(bytes);
    let mut seen = Vec::new();
    loop {
        seen.clear();
        match cur.read_until(b'Y', &mut seen) {
            Ok(0) | Err(_) => return false,
            Ok(_) => {}
        }
        let at = usize::try_from(cur.position()).unwrap_or(usize::MAX);
        let rest = bytes.get(at..).unwrap_or_default();
        if seen.ends_with(b"SY") && rest.starts_with(b"SCALL") {
            return true;
        }
    }
}

/// Every syscall prototype of the tree x86_64 builds, by entry point.
pub fn scan(ksrc: &Path) -> Result<HashMap<String, Vec<Proto>>, String> {
    let mut out = HashMap::new();
    let mut dirs = vec![PathBuf::new()];
    while let Some(rel) = dirs.pop() {
        let dir = ksrc.join(&rel);
        let entries = std::fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for entry in entries {
            let entry = entry.map_err(|e| format!("{}: {e}", dir.display()))?;
            let ty = entry.file_type().map_err(|e| e.to_string())?;
            let name = entry.file_name();
            let Some(name) = name.to_str() else { continue };
            let child = rel.join(name);
            let child_rel = child.to_string_lossy().into_owned();
            if ty.is_dir() {
                if !skip_dir(&child_rel) {
                    dirs.push(child);
                }
                continue;
            }
            if !ty.is_file() || !(name.ends_with(".c") || name.ends_with(".h")) {
                continue;
            }
            let bytes = std::fs::read(entry.path()).map_err(|e| format!("{}: {e}", child_rel))?;
            let decls = decl_header(&child_rel);
            if !decls && !mentions_syscall(&bytes) {
                continue;
            }
            let text = strip_comments(&String::from_utf8_lossy(&bytes));
            scan_file(&child_rel, &text, decls, &mut out)?;
        }
    }
    Ok(out)
}

/// The prototype of entry point `entry` from `protos` and its parameter
/// sizes on x86_64, or `None` if the source has none; an error when the
/// built candidates disagree.
pub fn choose<'a>(
    entry: &str,
    protos: &'a HashMap<String, Vec<Proto>>,
) -> Result<Option<(&'a Proto, Vec<u8>)>, String> {
    let all = protos.get(entry).map_or(&[][..], Vec::as_slice);
    let built = |kind| {
        all.iter()
            .filter(move |p| p.kind == kind && p.cond != Tri::False)
    };
    let mut cands: Vec<&Proto> = built(Kind::Define).collect();
    if cands.iter().any(|p| p.file.starts_with("arch/x86/")) {
        cands.retain(|p| p.file.starts_with("arch/x86/"));
    }
    if cands.is_empty() {
        cands = built(Kind::Decl).collect();
    }
    let Some(first) = cands.first() else {
        return Ok(None);
    };
    let sizes = |p: &Proto| {
        p.sizes()
            .map_err(|e| format!("{entry} ({}:{}): {e}", p.file, p.line))
    };
    let want = sizes(first)?;
    for p in &cands[1..] {
        if sizes(p)? != want {
            let list: Vec<String> = cands
                .iter()
                .map(|p| format!("  {}:{} {:?} if {}", p.file, p.line, p.params, p.cond_text))
                .collect();
            return Err(format!(
                "{entry}: built prototypes disagree (add the deciding symbol to CONFIG):\n{}",
                list.join("\n")
            ));
        }
    }
    Ok(Some((first, want)))
}

/// One derived row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
    /// Syscall number.
    pub nr: u32,
    /// The `.tbl` name.
    pub name: String,
    /// The entry point.
    pub entry: String,
    /// Parameter sizes, 0 = none.
    pub sizes: [u8; 6],
    /// The header the prototype came from when it is only declared.
    pub decl: Option<String>,
}

/// An ABI's syscalls: (number, name, entry point), sorted by number.
pub fn entries(ksrc: &Path, abi: &Abi) -> Result<Vec<(u32, String, String)>, String> {
    let path = ksrc.join(abi.tbl);
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let (names, _) = parse_tbl(&text, abi.tbl_abis)?;
    let mut out = Vec::new();
    for line in text.lines() {
        let cols: Vec<&str> = line
            .split('#')
            .next()
            .unwrap_or("")
            .split_whitespace()
            .collect();
        if cols.len() < 3 || !abi.tbl_abis.contains(&cols[1]) {
            continue;
        }
        let nr = names[cols[2]];
        let entry = match (abi.compat, cols.get(4), cols.get(3)) {
            (true, Some(&e), _) if e != "-" => e,
            (_, _, Some(&e)) => e,
            // No entry point: the kernel does not build this syscall.
            _ => continue,
        };
        out.push((nr, cols[2].to_owned(), entry.to_owned()));
    }
    out.sort_by_key(|e| e.0);
    Ok(out)
}

/// Derives an ABI's rows; also returns the syscalls without a prototype.
pub fn derive(
    ksrc: &Path,
    abi: &Abi,
    protos: &HashMap<String, Vec<Proto>>,
) -> Result<(Vec<Row>, Vec<String>), String> {
    let mut rows = Vec::new();
    let mut missing = Vec::new();
    for (nr, name, entry) in entries(ksrc, abi)? {
        let Some((p, full)) = choose(&entry, protos)? else {
            missing.push(format!("{name} ({entry})"));
            continue;
        };
        if full.len() > 6 {
            return Err(format!("{entry}: {} parameters", full.len()));
        }
        let mut sizes = [0u8; 6];
        for (s, f) in sizes.iter_mut().zip(&full) {
            *s = (*f).min(abi.reg);
        }
        let decl = (p.kind == Kind::Decl).then(|| p.file.clone());
        rows.push(Row {
            nr,
            name,
            entry,
            sizes,
            decl,
        });
    }
    Ok((rows, missing))
}

/// `VERSION.PATCHLEVEL` of the kernel source.
pub fn kernel_version(ksrc: &Path) -> Result<String, String> {
    let path = ksrc.join("Makefile");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let var = |name: &str| {
        text.lines()
            .find_map(|l| {
                let (k, v) = l.split_once('=')?;
                (k.trim() == name).then(|| v.trim().to_owned())
            })
            .ok_or_else(|| format!("{}: no {name}", path.display()))
    };
    Ok(format!("{}.{}", var("VERSION")?, var("PATCHLEVEL")?))
}

/// Wraps `text` into `//!` lines of at most 100 columns (a longer word
/// gets a line of its own).
fn doc_paragraph(out: &mut String, text: &str) {
    let mut line = String::from("//!");
    for word in text.split_whitespace() {
        if line.len() > 3 && line.len() + 1 + word.len() > 100 {
            out.push_str(&line);
            out.push('\n');
            line = String::from("//!");
        }
        line.push(' ');
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
}

/// The text of an ABI's generated file.
pub fn render(abi: &Abi, version: &str, rows: &[Row], missing: &[String]) -> String {
    let tbl = abi.tbl;
    let (title, source) = if abi.compat {
        (
            "ia32 compat syscall parameter sizes, for argument rules with explicit widths.",
            "`i386` entries, and the prototypes of their entry points (the compat entry of the \
             5th column, or else the 4th) in the kernel source.",
        )
    } else {
        (
            "x86_64 syscall parameter sizes, for argument rules with explicit widths.",
            "`common` and `64` entries, and the prototypes of their entry points (4th column) \
             in the kernel source.",
        )
    };
    let mut s = String::from("// SPDX-License-Identifier: GPL-2.0\n\n");
    doc_paragraph(&mut s, title);
    let _ = writeln!(
        s,
        "//!\n//! Source: [`{tbl}`](srctree/{tbl}) of Linux {version},"
    );
    doc_paragraph(&mut s, source);
    s.push_str("//!\n");
    doc_paragraph(
        &mut s,
        "One row per syscall, sorted by number: the size in bytes (1, 2, 4 or 8) of each \
         parameter as the entry point declares it (`SYSCALL_DEFINEn`, \
         `COMPAT_SYSCALL_DEFINEn`, or else its `asmlinkage` declaration), 0 where it has no \
         such parameter. The kernel truncates an argument register to its parameter's size, \
         so a rule of another width is refused. A row's comment names the entry point when it \
         is not `sys_NAME` or `compat_sys_NAME`.",
    );
    if abi.compat {
        s.push_str("//!\n");
        doc_paragraph(
            &mut s,
            "Every ia32 register is 32 bits wide, so no size exceeds 4; entry points that \
             split a 64-bit value take it as two 4-byte parameters (`ia32_pread64`: \
             `poslo`, `poshi`).",
        );
    }
    s.push_str("//!\n");
    if missing.is_empty() {
        doc_paragraph(
            &mut s,
            "Every syscall of the table has a prototype and a row.",
        );
    } else {
        doc_paragraph(
            &mut s,
            &format!(
                "No prototype in the source, so no row: {}.",
                missing.join(", ")
            ),
        );
    }
    s.push_str("//!\n");
    doc_paragraph(
        &mut s,
        "Generated from the kernel source and checked against it by `userspace/tablecheck` \
         (`src/args.rs`); do not edit by hand. To regenerate, in `userspace/`:",
    );
    s.push_str("//! `SM_UPDATE_ARGS=1 cargo test -p tablecheck args`.\n");
    s.push_str(
        "\n/// (syscall number, parameter sizes), sorted by number.\n\
         pub(super) const ARGS: &[(u32, [u8; 6])] = &[\n",
    );
    let items: Vec<String> = rows
        .iter()
        .map(|r| {
            let sizes: Vec<String> = r.sizes.iter().map(u8::to_string).collect();
            format!("({}, [{}]),", r.nr, sizes.join(", "))
        })
        .collect();
    // rustfmt aligns the trailing comments of a list.
    let width = items.iter().map(String::len).max().unwrap_or(0);
    for (r, item) in rows.iter().zip(&items) {
        let _ = write!(s, "    {item:<width$} // {}", r.name);
        let plain = r.entry == format!("sys_{}", r.name)
            || (abi.compat && r.entry == format!("compat_sys_{}", r.name));
        match (&r.decl, plain) {
            (Some(h), true) => {
                let _ = write!(s, " (declared only, in {h})");
            }
            (Some(h), false) => {
                let _ = write!(s, " ({}, declared only, in {h})", r.entry);
            }
            (None, false) => {
                let _ = write!(s, " ({})", r.entry);
            }
            (None, true) => {}
        }
        s.push('\n');
    }
    s.push_str("];\n");
    s
}

/// The path of a generated file.
pub fn file_path(abi: &Abi) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(abi.file)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kernel_source;
    use std::sync::OnceLock;

    /// The scan of the kernel source, shared by the tests.
    fn protos() -> &'static HashMap<String, Vec<Proto>> {
        static PROTOS: OnceLock<HashMap<String, Vec<Proto>>> = OnceLock::new();
        PROTOS.get_or_init(|| scan(&kernel_source().unwrap()).unwrap())
    }

    /// An ABI's derived rows by name.
    fn derived(abi: &Abi) -> HashMap<String, [u8; 6]> {
        let (rows, _) = derive(&kernel_source().unwrap(), abi, protos()).unwrap();
        rows.into_iter().map(|r| (r.name, r.sizes)).collect()
    }

    #[test]
    fn args_files_match_the_kernel_source() {
        let ksrc = kernel_source().unwrap();
        let version = kernel_version(&ksrc).unwrap();
        let update = std::env::var("SM_UPDATE_ARGS").is_ok_and(|v| v == "1");
        let mut errors = Vec::new();
        for abi in &ABIS {
            let (rows, missing) = derive(&ksrc, abi, protos()).unwrap();
            let text = render(abi, &version, &rows, &missing);
            let path = file_path(abi);
            if update {
                std::fs::write(&path, &text).unwrap();
                eprintln!("wrote {}: {} rows", abi.file, rows.len());
                continue;
            }
            let want: HashMap<u32, &Row> = rows.iter().map(|r| (r.nr, r)).collect();
            let have: HashMap<u32, [u8; 6]> = abi.committed.iter().copied().collect();
            let before = errors.len();
            for r in &rows {
                match have.get(&r.nr) {
                    None => errors.push(format!(
                        "{}: no row for {} {} (kernel: {:?})",
                        abi.name, r.nr, r.name, r.sizes
                    )),
                    Some(s) if *s != r.sizes => errors.push(format!(
                        "{}: {} {} ({}): file {s:?}, kernel {:?}",
                        abi.name, r.nr, r.name, r.entry, r.sizes
                    )),
                    Some(_) => {}
                }
            }
            for (nr, s) in abi.committed {
                if !want.contains_key(nr) {
                    errors.push(format!(
                        "{}: row {nr} {s:?} is not a syscall with a prototype",
                        abi.name
                    ));
                }
            }
            if abi.committed.len() != have.len() {
                errors.push(format!("{}: duplicate rows", abi.name));
            }
            if !abi.committed.windows(2).all(|w| w[0].0 < w[1].0) {
                errors.push(format!("{}: rows not sorted by number", abi.name));
            }
            let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
            if errors.len() == before && on_disk != text {
                errors.push(format!(
                    "{}: rows agree but the text differs from the generator's",
                    abi.file
                ));
            }
        }
        assert!(
            errors.is_empty(),
            "argument size tables differ from the kernel source \
             (regenerate: SM_UPDATE_ARGS=1 cargo test -p tablecheck args):\n{}",
            errors.join("\n")
        );
    }

    #[test]
    fn args_known_x86_64_sizes() {
        let d = derived(&ABIS[0]);
        assert_eq!(d["ioctl"], [4, 4, 8, 0, 0, 0]);
        assert_eq!(d["openat"], [4, 8, 4, 2, 0, 0]);
        assert_eq!(d["mmap"], [8, 8, 8, 8, 8, 8]);
        assert_eq!(d["socket"], [4, 4, 4, 0, 0, 0]);
        assert_eq!(d["fcntl"], [4, 4, 8, 0, 0, 0]);
        assert_eq!(d["read"], [4, 8, 8, 0, 0, 0]);
        assert_eq!(d["clone"][0], 8);
        // The x86_64 clone order: flags, newsp, parent_tid, child_tid, tls.
        assert_eq!(d["clone"], [8, 8, 8, 8, 8, 0]);
        assert_eq!(d["rt_sigreturn"], [0; 6]);
        assert_eq!(d["_sysctl"], [0; 6]);
        // prctl(int option, unsigned long arg2, ...).
        assert_eq!(d["prctl"], [4, 8, 8, 8, 8, 0]);
        // fanotify_mark's 64-bit mask is one parameter.
        assert_eq!(d["fanotify_mark"], [4, 4, 8, 4, 8, 0]);
        assert_eq!(d["capget"], [8, 8, 0, 0, 0, 0]);
    }

    #[test]
    fn args_known_ia32_sizes() {
        let d = derived(&ABIS[1]);
        assert_eq!(d["ioctl"], [4, 4, 4, 0, 0, 0]);
        assert_eq!(d["openat"], [4, 4, 4, 2, 0, 0]);
        assert_eq!(d["mmap"], [4, 0, 0, 0, 0, 0]);
        assert_eq!(d["mmap2"], [4; 6]);
        // ia32_pread64(fd, buf, count, poslo, poshi).
        assert_eq!(d["pread64"], [4, 4, 4, 4, 4, 0]);
        // The compat fanotify_mark splits its mask in two.
        assert_eq!(d["fanotify_mark"], [4, 4, 4, 4, 4, 4]);
        // OLD_SIGSUSPEND3: sigsuspend(int, int, old_sigset_t).
        assert_eq!(d["sigsuspend"], [4, 4, 4, 0, 0, 0]);
        // uid16 calls take old_uid_t.
        assert_eq!(d["setuid"], [2, 0, 0, 0, 0, 0]);
        assert_eq!(d["setuid32"], [4, 0, 0, 0, 0, 0]);
        assert_eq!(d["vm86"], [0; 6]);
        assert_eq!(d["sigreturn"], [0; 6]);
        assert!(d.values().flatten().all(|&s| s <= 4));
    }

    #[test]
    fn args_every_syscall_has_a_prototype() {
        let ksrc = kernel_source().unwrap();
        for abi in &ABIS {
            let (rows, missing) = derive(&ksrc, abi, protos()).unwrap();
            assert!(
                missing.is_empty(),
                "{}: no prototype: {missing:?}",
                abi.name
            );
            assert_eq!(rows.len(), entries(&ksrc, abi).unwrap().len());
        }
    }

    #[test]
    fn args_type_sizes() {
        assert_eq!(type_size("const char __user *"), Ok(8));
        assert_eq!(type_size("unsigned   int"), Ok(4));
        assert_eq!(type_size("const clockid_t"), Ok(4));
        assert_eq!(type_size("umode_t"), Ok(2));
        assert_eq!(type_size("old_uid_t"), Ok(2));
        assert_eq!(type_size("size_t"), Ok(8));
        assert_eq!(type_size("loff_t"), Ok(8));
        assert_eq!(type_size("key_serial_t"), Ok(4));
        assert_eq!(type_size("cap_user_header_t"), Ok(8));
        assert_eq!(type_size("compat_mode_t"), Ok(2));
        assert_eq!(type_size("compat_ulong_t"), Ok(4));
        assert_eq!(type_size("enum landlock_rule_type"), Ok(4));
        // Unknown types fail loudly.
        assert!(type_size("mystery_t").is_err());
        assert!(type_size("struct timespec").is_err());
        assert!(type_size("").is_err());
    }

    #[test]
    fn args_typedefs_are_in_their_headers() {
        let ksrc = kernel_source().unwrap();
        let norm = |s: &str| squash(&s.replace("__bitwise", " "));
        let mut errors = Vec::new();
        for (name, ty) in TYPES {
            let (header, want) = match ty {
                Ty::Base(_) => continue,
                Ty::Alias(target, header) => (header, format!("typedef {target} {name};")),
                Ty::Pointer(header) => (header, format!("*{name};")),
            };
            let path = ksrc.join(header);
            let text = std::fs::read_to_string(&path)
                .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
            let text = norm(&strip_comments(&text)).replace("* ", "*");
            if !text.contains(&norm(&want).replace("* ", "*")) {
                errors.push(format!("{header}: no {want:?}"));
            }
        }
        assert!(errors.is_empty(), "{}", errors.join("\n"));
    }

    #[test]
    fn args_macros_are_the_kernels() {
        let ksrc = kernel_source().unwrap();
        let read = |p: &str| squash(&std::fs::read_to_string(ksrc.join(p)).unwrap());
        let syscalls = read("include/linux/syscalls.h");
        assert!(syscalls.contains("#define SC_ARG64(name) u32, name##_lo, u32, name##_hi"));
        assert!(syscalls
            .contains("#ifdef CONFIG_COMPAT #define SYSCALL32_DEFINE0 COMPAT_SYSCALL_DEFINE0"));
        let compat = read("include/asm-generic/compat.h");
        assert!(compat.contains("#define compat_arg_u64(name) u32 name##_lo, u32 name##_hi"));
        assert!(compat.contains("#define compat_arg_u64_dual(name) u32, name##_lo, u32, name##_hi"));
    }

    #[test]
    fn args_config_facts_match_arch_x86_kconfig() {
        // Which `config` block of arch/x86/Kconfig selects each symbol.
        let ksrc = kernel_source().unwrap();
        let text = std::fs::read_to_string(ksrc.join("arch/x86/Kconfig")).unwrap();
        let mut selected: HashMap<String, Vec<String>> = HashMap::new();
        let mut block = String::new();
        for line in text.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            match words.as_slice() {
                ["config" | "menuconfig", name, ..] => block = (*name).to_owned(),
                ["select", sym, ..] => selected
                    .entry((*sym).to_owned())
                    .or_default()
                    .push(block.clone()),
                _ => {}
            }
        }
        let by = |sym: &str| selected.get(sym).cloned().unwrap_or_default();
        // Selected only by the 32-bit kernel: off on x86_64.
        assert_eq!(by("CLONE_BACKWARDS"), ["X86_32"]);
        assert_eq!(by("ARCH_SPLIT_ARG64"), ["X86_32"]);
        // Not selected at all on x86.
        assert!(by("CLONE_BACKWARDS2").is_empty());
        assert!(by("CLONE_BACKWARDS3").is_empty());
        assert!(by("OLD_SIGSUSPEND").is_empty());
        // Selected by COMPAT_32 (IA32_EMULATION): on.
        assert_eq!(by("OLD_SIGSUSPEND3"), ["COMPAT_32"]);
        assert!(text.contains("config COMPAT_32\n\tdef_bool y\n\tdepends on IA32_EMULATION"));
        assert!(text.contains("config COMPAT\n\tdef_bool y\n\tdepends on IA32_EMULATION"));
    }

    #[test]
    fn args_conditions() {
        assert_eq!(eval_cond("defined(CONFIG_COMPAT)"), Tri::True);
        assert_eq!(eval_cond("!defined(CONFIG_ARCH_SPLIT_ARG64)"), Tri::True);
        assert_eq!(eval_cond("defined CONFIG_X86_32"), Tri::False);
        assert_eq!(eval_cond("CONFIG_FOO"), Tri::Unknown);
        assert_eq!(eval_cond("CONFIG_FOO || CONFIG_COMPAT"), Tri::True);
        assert_eq!(eval_cond("CONFIG_FOO && CONFIG_X86_32"), Tri::False);
        assert_eq!(eval_cond("BITS_PER_LONG == 32"), Tri::Unknown);
        assert_eq!(eval_cond("IS_ENABLED(CONFIG_X86_64) && !(0)"), Tri::True);
    }

    #[test]
    fn args_scan_picks_the_built_branch() {
        let src = strip_comments(
            "/* SYSCALL_DEFINE1(commented, int, x) */\n\
             #define SYSCALL_DEFINE1(name, ...) x\n\
             #ifdef CONFIG_CLONE_BACKWARDS\n\
             SYSCALL_DEFINE2(c, unsigned long, a, int, b)\n\
             #elif defined(CONFIG_CLONE_BACKWARDS2)\n\
             SYSCALL_DEFINE2(c, int, a, int, b)\n\
             #else\n\
             SYSCALL_DEFINE2(c, unsigned long, a,\n\t\tunsigned long, b)\n\
             #endif\n\
             SYSCALL32_DEFINE4(f, int, fd, SC_ARG64(mask), int, x)\n\
             COMPAT_SYSCALL_DEFINE0(g)\n\
             asmlinkage long sys_h(unsigned int fd, const char __user *, compat_arg_u64(len));\n",
        );
        let mut out = HashMap::new();
        scan_file("x.c", &src, true, &mut out).unwrap();
        assert!(!out.contains_key("sys_commented"));
        let c = &out["sys_c"];
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].cond, Tri::False);
        assert_eq!(c[1].cond, Tri::False);
        assert_eq!(c[2].cond, Tri::True);
        assert_eq!(c[2].line, 8);
        let (p, sizes) = choose("sys_c", &out).unwrap().unwrap();
        assert_eq!(p.params, ["unsigned long", "unsigned long"]);
        assert_eq!(sizes, [8, 8]);
        assert_eq!(out["compat_sys_f"][0].params, ["int", "u32", "u32", "int"]);
        assert!(out["compat_sys_g"][0].params.is_empty());
        let h = &out["sys_h"][0];
        assert_eq!(h.kind, Kind::Decl);
        assert_eq!(
            h.params,
            ["unsigned int fd", "const char __user *", "u32", "u32"]
        );
        assert_eq!(
            h.types().unwrap(),
            ["unsigned int", "const char __user *", "u32", "u32"]
        );
        assert_eq!(h.sizes().unwrap(), [4, 8, 4, 4]);
    }

    #[test]
    fn args_disagreeing_prototypes_fail() {
        let src = "#ifdef CONFIG_FOO\nSYSCALL_DEFINE1(d, int, a)\n#else\n\
                   SYSCALL_DEFINE1(d, long, a)\n#endif\n";
        let mut out = HashMap::new();
        scan_file("x.c", src, false, &mut out).unwrap();
        assert!(choose("sys_d", &out).is_err());
        let mut out = HashMap::new();
        scan_file("x.c", "SYSCALL_DEFINE1(e, mystery_t, a)\n", false, &mut out).unwrap();
        assert!(choose("sys_e", &out).is_err());
        let mut out = HashMap::new();
        assert!(scan_file("x.c", "SYSCALL_DEFINE2(f, int, a)\n", false, &mut out).is_err());
    }
}
