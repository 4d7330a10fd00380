// SPDX-License-Identifier: GPL-2.0

//! The iptables-style editing commands, each one read-modify-write
//! transaction on top of the module's atomic commit:
//!
//! ```text
//! smctl -t N|NAME -A CHAIN RULE           append
//! smctl -t N|NAME -I CHAIN [n] RULE       insert before rule n (default 1)
//! smctl -t N|NAME -D CHAIN n|RULE         delete rule n, or the first equal rule
//! smctl -t N|NAME -R CHAIN n RULE         replace rule n
//! smctl -t N|NAME -F [CHAIN]              flush one chain, or every chain
//! smctl -t N|NAME -N CHAIN ABI            new user chain of ABI
//! smctl -t N|NAME -X [CHAIN]              delete one (or every) empty,
//!                                         unreferenced user chain
//! smctl -t N|NAME -P CHAIN TARGET         a built-in chain's policy
//! smctl [-t N|NAME] -Z                    zero the counters of a table (all)
//! ```
//!
//! RULE is what follows `-A CHAIN` in the ruleset language
//! (`-s openat --a2:u32 masked 0x3 0 -j ALLOW`), with `@group`s expanded.
//!
//! One transaction: read the generation and the tables from the device,
//! take the table out as its canonical text (one line per policy, user
//! chain and rule), change lines, parse and compile the result with the
//! module's own code on the host (errors name the column of the user's
//! rule), and commit that one table with `SM_COMMIT_IF_GEN` at the
//! generation read. If another admin committed in between, the module
//! refuses with `EAGAIN` and changes nothing: read again and redo the edit
//! on the new tables, up to [`MAX_TRIES`] times. So two admins never
//! clobber each other (the iptables-save/restore race).
//!
//! Decisions:
//! - The table must exist (as with iptables): create it with
//!   `smctl restore`, e.g. `printf '*mode 7 web\nCOMMIT\n' | smctl restore -`.
//! - An edit replaces the table, so its hit counters restart from 0 (the
//!   module keeps no counters across a commit). An edit that changes
//!   nothing (`-F` of an empty chain, the same `-P` again) commits nothing.
//! - `-Z` zeroes whole tables (the module's `SM_IOC_ZERO` has no finer
//!   grain): `-Z` with a chain or rule number is refused as a usage error
//!   instead of zeroing more than was asked for.
//! - `-X` without a chain deletes every user chain, and fails (changing
//!   nothing) unless they are all empty and unreferenced.

use std::fmt;

use clap::Args;
use smrules::catalog::ArchCatalog;
use smrules::rules::{compile, parse, print, Catalog};

use crate::device::{self, Failure, Refusal, Snapshot};
use crate::groups;
use crate::select::TableSel;

/// Tries of a transaction before giving up.
pub const MAX_TRIES: usize = 100;

/// The editing commands, at most one per call. Each takes the words after
/// it as its operands, hyphens included (`-A x86_64 -s read -j ALLOW`): so
/// an editing command comes last on the command line (`-t` and
/// `--loosen` after it are still understood, see [`request`]).
#[derive(Args, Debug, Default, Clone, PartialEq, Eq)]
#[group(id = "edit", multiple = false)]
pub struct EditCmd {
    /// Append RULE to CHAIN, e.g.
    /// -A x86_64 -s openat --a2:u32 masked 0x3 0 -j ALLOW.
    #[arg(short = 'A', long = "append", value_names = ["CHAIN", "RULE"],
          num_args = 2.., allow_hyphen_values = true)]
    pub append: Option<Vec<String>>,
    /// Insert RULE before rule n of CHAIN (default 1): -I CHAIN [n] RULE.
    #[arg(short = 'I', long = "insert", value_names = ["CHAIN", "[n] RULE"],
          num_args = 2.., allow_hyphen_values = true)]
    pub insert: Option<Vec<String>>,
    /// Delete rule n of CHAIN, or its first rule equal to RULE:
    /// -D CHAIN n|RULE.
    #[arg(short = 'D', long = "delete", value_names = ["CHAIN", "n|RULE"],
          num_args = 2.., allow_hyphen_values = true)]
    pub delete: Option<Vec<String>>,
    /// Replace rule n of CHAIN with RULE: -R CHAIN n RULE.
    #[arg(short = 'R', long = "replace", value_names = ["CHAIN", "n RULE"],
          num_args = 3.., allow_hyphen_values = true)]
    pub replace: Option<Vec<String>>,
    /// Delete every rule of CHAIN, or of every chain of the table.
    #[arg(short = 'F', long = "flush", value_name = "CHAIN", num_args = 0..=1)]
    pub flush: Option<Vec<String>>,
    /// Create user chain CHAIN for ABI's chains to jump to: -N CHAIN ABI.
    #[arg(short = 'N', long = "new-chain", value_names = ["CHAIN", "ABI"], num_args = 2)]
    pub new_chain: Option<Vec<String>>,
    /// Delete user chain CHAIN (empty, not jumped to), or every user chain.
    #[arg(short = 'X', long = "delete-chain", value_name = "CHAIN", num_args = 0..=1)]
    pub delete_chain: Option<Vec<String>>,
    /// Set built-in CHAIN's policy: -P CHAIN KILL|ERRNO e|ENOSYS|MODE2|MODE1.
    #[arg(short = 'P', long = "policy", value_names = ["CHAIN", "TARGET"],
          num_args = 2.., allow_hyphen_values = true)]
    pub policy: Option<Vec<String>>,
    /// Zero the hit counters of the table (-t), or of every table; the
    /// module zeroes whole tables only, so a CHAIN is refused.
    #[arg(short = 'Z', long = "zero", value_names = ["CHAIN", "n"], num_args = 0..=2)]
    pub zero: Option<Vec<String>>,
}

/// The editing commands and `--loosen`.
#[derive(Args, Debug, Default, Clone, PartialEq, Eq)]
pub struct EditArgs {
    #[command(flatten)]
    pub cmd: EditCmd,
    /// With an editing command: allow a commit that lets confined processes
    /// make syscalls their table did not allow before.
    #[arg(long = "loosen", requires = "edit")]
    pub loosen: bool,
}

/// Which rule `-D` deletes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Which {
    /// Rule n (1-based).
    Number(usize),
    /// The first rule equal to this one.
    Rule(String),
}

/// One change of a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// `-A CHAIN RULE`.
    Append { chain: String, rule: String },
    /// `-I CHAIN [n] RULE`.
    Insert {
        chain: String,
        pos: usize,
        rule: String,
    },
    /// `-D CHAIN n|RULE`.
    Delete { chain: String, which: Which },
    /// `-R CHAIN n RULE`.
    Replace {
        chain: String,
        pos: usize,
        rule: String,
    },
    /// `-F [CHAIN]`.
    Flush(Option<String>),
    /// `-N CHAIN ABI`.
    NewChain { chain: String, abi: String },
    /// `-X [CHAIN]`.
    DeleteChain(Option<String>),
    /// `-P CHAIN TARGET`.
    Policy { chain: String, target: String },
}

/// What an editing call asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    /// A transaction on one table.
    Edit {
        table: TableSel,
        op: Op,
        loosen: bool,
    },
    /// `-Z`: zero one table's counters, or every table's.
    Zero(Option<TableSel>),
}

/// Whether `s` is a rule number.
fn number(s: &str) -> Option<usize> {
    if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    s.parse().ok()
}

/// The request of an editing command line, or `None` without an editing
/// command. `table` and `loosen` are the options clap saw; `-t`/`--table`
/// and `--loosen` after the rule (where clap takes every word as an
/// operand) count too: no rule word looks like them. `Err` is a usage
/// error (exit 2); its text names the built-in chains of `cat`.
pub fn request(
    cat: &ArchCatalog,
    args: &EditArgs,
    table: Option<TableSel>,
) -> Result<Option<Request>, String> {
    let c = &args.cmd;
    let given = [
        &c.append,
        &c.insert,
        &c.delete,
        &c.replace,
        &c.flush,
        &c.new_chain,
        &c.delete_chain,
        &c.policy,
        &c.zero,
    ];
    let Some(operands) = given.into_iter().flatten().next() else {
        return Ok(None);
    };
    let mut table = table;
    let mut loosen = args.loosen;
    let mut words = Vec::new();
    let mut it = operands.iter();
    while let Some(w) = it.next() {
        let value = match w.as_str() {
            "-t" | "--table" => Some(
                it.next()
                    .ok_or_else(|| format!("{w} needs a table: N or NAME"))?
                    .clone(),
            ),
            "--loosen" => {
                loosen = true;
                continue;
            }
            _ => w
                .strip_prefix("--table=")
                .or_else(|| w.strip_prefix("-t"))
                .map(str::to_owned),
        };
        match value {
            Some(v) => {
                if table.is_some() {
                    return Err("-t given twice".into());
                }
                table = Some(crate::select::parse(&v).map_err(|e| format!("-t {v}: {e}"))?);
            }
            None => words.push(w.clone()),
        }
    }
    // The chain, then its operands.
    let chain = (!words.is_empty()).then(|| words.remove(0));
    let rule = |what: &str, words: &[String]| -> Result<String, String> {
        if words.is_empty() {
            Err(format!(
                "{what} needs a rule: {what} CHAIN [-s SYSCALLS] [TESTS] -j TARGET"
            ))
        } else {
            Ok(words.join(" "))
        }
    };
    let none = |what: &str, words: &[String]| -> Result<(), String> {
        match words.first() {
            Some(w) => Err(format!("{what}: unexpected operand {w}")),
            None => Ok(()),
        }
    };
    let need = |what: &str| chain.clone().ok_or_else(|| format!("{what} needs a chain"));
    let op = if c.append.is_some() {
        let chain = need("-A")?;
        Op::Append {
            chain: chain.clone(),
            rule: rule("-A", &words)?,
        }
    } else if c.insert.is_some() {
        let chain = need("-I")?;
        let (pos, rest) = match words.first().and_then(|w| number(w)) {
            Some(n) => (n, &words[1..]),
            None => (1, &words[..]),
        };
        if pos == 0 {
            return Err("-I: rules are numbered from 1".into());
        }
        Op::Insert {
            chain: chain.clone(),
            pos,
            rule: rule("-I", rest)?,
        }
    } else if c.delete.is_some() {
        let chain = need("-D")?;
        let which = match words.as_slice() {
            [w] if number(w).is_some() => Which::Number(number(w).unwrap_or(0)),
            _ => Which::Rule(rule("-D", &words)?),
        };
        if which == Which::Number(0) {
            return Err("-D: rules are numbered from 1".into());
        }
        Op::Delete {
            chain: chain.clone(),
            which,
        }
    } else if c.replace.is_some() {
        let chain = need("-R")?;
        let pos = words
            .first()
            .and_then(|w| number(w))
            .filter(|&n| n > 0)
            .ok_or("-R needs a rule number (from 1) before the rule: -R CHAIN n RULE")?;
        Op::Replace {
            chain: chain.clone(),
            pos,
            rule: rule("-R", &words[1..])?,
        }
    } else if c.flush.is_some() {
        none("-F", &words)?;
        Op::Flush(chain)
    } else if c.new_chain.is_some() {
        let chain = need("-N")?;
        let [abi] = words.as_slice() else {
            return Err(format!(
                "-N needs the chain's ABI: -N {chain} {}",
                cat.abis().join("|")
            ));
        };
        Op::NewChain {
            chain: chain.clone(),
            abi: abi.clone(),
        }
    } else if c.delete_chain.is_some() {
        none("-X", &words)?;
        Op::DeleteChain(chain)
    } else if c.policy.is_some() {
        let chain = need("-P")?;
        if words.is_empty() {
            return Err("-P needs a target: KILL, ERRNO e, ENOSYS, MODE2 or MODE1".into());
        }
        Op::Policy {
            chain: chain.clone(),
            target: words.join(" "),
        }
    } else {
        if let Some(chain) = chain {
            return Err(format!(
                "-Z {chain}: the module zeroes whole tables only; use -Z [-t N|NAME] \
                 without a chain"
            ));
        }
        return Ok(Some(Request::Zero(table)));
    };
    let table = table.ok_or("editing needs the table: -t N|NAME")?;
    Ok(Some(Request::Edit { table, op, loosen }))
}

/// Where a line of the edited text came from, to point at the user's
/// words when the parser refuses it.
#[derive(Debug, Clone)]
struct Origin {
    /// The command as the user wrote it, up to the operand (`-A x86_64`).
    what: String,
    /// The operand the user wrote (the rule, the target, ...).
    shown: String,
    /// Bytes in front of the operand's text in the edited line.
    offset: u32,
    /// The group expansion of a rule, and which of its lines this is.
    exp: Option<(groups::Expanded, u32)>,
}

/// A line with its origin, if it came from the user.
#[derive(Debug, Clone)]
struct Line {
    text: String,
    origin: Option<usize>,
}

/// A rule line: its chain and the text after `-A CHAIN `.
#[derive(Debug, Clone)]
struct RuleLine {
    chain: String,
    rest: String,
    origin: Option<usize>,
}

/// One table as editable lines: the canonical text of the module's
/// printer, taken apart.
#[derive(Debug, Clone)]
struct Model {
    /// The catalog of the table's chains.
    cat: ArchCatalog,
    /// The table's number.
    mode: u32,
    /// `*mode N [NAME]`.
    head: String,
    /// `:ABI POLICY` lines, by ABI.
    policies: Vec<(String, Line)>,
    /// `:NAME ABI` lines.
    users: Vec<(String, Line)>,
    /// Rules; within a chain in order.
    rules: Vec<RuleLine>,
    /// What the user wrote, for errors.
    origins: Vec<Origin>,
}

/// Why an edit failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EditError {
    /// Refused before anything reached the module (no such chain, rule
    /// number out of range, ...): one line.
    Refused(String),
    /// The edited table does not parse or compile: the errno and the
    /// lines that say where.
    Text { errno: i32, lines: Vec<String> },
    /// The module refused the commit.
    Device(Failure),
}

impl fmt::Display for EditError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EditError::Refused(m) => write!(f, "{m}"),
            EditError::Text { lines, .. } => write!(f, "{}", lines.join("\n")),
            EditError::Device(Failure::Io(m)) => write!(f, "{m}"),
            EditError::Device(Failure::Refused(r)) => write!(f, "{}: {}", r.errno, r.msg),
        }
    }
}

impl From<Failure> for EditError {
    fn from(f: Failure) -> Self {
        EditError::Device(f)
    }
}

impl Model {
    /// The model of table `t` of `cat`'s chains, from its canonical text.
    fn of(cat: &ArchCatalog, t: &smrules::rules::ast::Table) -> Result<Self, EditError> {
        let mut buf = Vec::new();
        print::table(&mut buf, t, cat, &print::Opts::default())
            .map_err(|_| EditError::Refused("out of memory".into()))?;
        let text = String::from_utf8_lossy(&buf).into_owned();
        let mut m = Model {
            cat: *cat,
            mode: t.mode,
            head: String::new(),
            policies: Vec::new(),
            users: Vec::new(),
            rules: Vec::new(),
            origins: Vec::new(),
        };
        for l in text.lines() {
            let line = || Line {
                text: l.to_owned(),
                origin: None,
            };
            if l.starts_with("*mode") {
                m.head = l.to_owned();
            } else if let Some(decl) = l.strip_prefix(':') {
                let name = decl.split(' ').next().unwrap_or("");
                if m.abis().contains(&name) {
                    m.policies.push((name.to_owned(), line()));
                } else {
                    m.users.push((name.to_owned(), line()));
                }
            } else if let Some(r) = l.strip_prefix("-A ") {
                let (chain, rest) = r.split_once(' ').unwrap_or((r, ""));
                m.rules.push(RuleLine {
                    chain: chain.to_owned(),
                    rest: rest.to_owned(),
                    origin: None,
                });
            }
        }
        Ok(m)
    }

    /// The built-in chain names.
    fn abis(&self) -> &'static [&'static str] {
        self.cat.abis()
    }

    /// The text to parse and commit, and the origin of each line.
    fn render(&self) -> (String, Vec<Option<usize>>) {
        let mut text = String::new();
        let mut origins = Vec::new();
        let mut push = |l: &str, o: Option<usize>| {
            text.push_str(l);
            text.push('\n');
            origins.push(o);
        };
        push(&self.head, None);
        // Policies in ABI order, as the printer writes them.
        for abi in self.abis() {
            if let Some((_, l)) = self.policies.iter().find(|(a, _)| a == abi) {
                push(&l.text, l.origin);
            }
        }
        for (_, l) in &self.users {
            push(&l.text, l.origin);
        }
        for r in &self.rules {
            push(&format!("-A {} {}", r.chain, r.rest), r.origin);
        }
        push("COMMIT", None);
        (text, origins)
    }

    /// The ABI of chain `chain`, if the table has it.
    fn chain_abi(&self, chain: &str) -> Option<usize> {
        if let Some(i) = self.abis().iter().position(|&a| a == chain) {
            return Some(i);
        }
        let (_, l) = self.users.iter().find(|(n, _)| n == chain)?;
        let abi = l.text.split(' ').nth(1)?;
        self.abis().iter().position(|&a| a == abi)
    }

    /// The index in `rules` of every rule of `chain`, in order.
    fn chain_rules(&self, chain: &str) -> Vec<usize> {
        (0..self.rules.len())
            .filter(|&i| self.rules[i].chain == chain)
            .collect()
    }

    /// The ABI of `chain`, or why there is no such chain.
    fn need_chain(&self, chain: &str) -> Result<usize, EditError> {
        self.chain_abi(chain).ok_or_else(|| {
            EditError::Refused(format!(
                "table {} has no chain {chain} (built-in chains: {}; -N {chain} ABI creates a \
                 user chain)",
                self.mode,
                self.abis().join(", ")
            ))
        })
    }

    /// Rule `pos` (1-based) of `chain`, as an index in `rules`.
    fn rule_at(&self, chain: &str, pos: usize) -> Result<usize, EditError> {
        let idx = self.chain_rules(chain);
        idx.get(pos.wrapping_sub(1)).copied().ok_or_else(|| {
            EditError::Refused(format!(
                "chain {chain} of table {} has no rule {pos} ({})",
                self.mode,
                match idx.len() {
                    0 => "it is empty".to_owned(),
                    1 => "it has 1 rule".to_owned(),
                    n => format!("it has {n} rules"),
                }
            ))
        })
    }

    /// The rule lines of the user's `rule` for `chain` (groups expanded:
    /// one or more), with their origins registered.
    fn user_rules(
        &mut self,
        what: &str,
        chain: &str,
        rule: &str,
    ) -> Result<Vec<RuleLine>, EditError> {
        let abi = self.need_chain(chain)?;
        let line = format!("-A {chain} {rule}");
        let offset = (line.len() - rule.len()) as u32;
        let exp = groups::expand_rule(&self.cat, &line, abi).map_err(|e| {
            text_error(
                libc::EINVAL,
                &format!("{what} {chain}"),
                rule,
                e.col.saturating_sub(offset),
                &e.msg,
            )
        })?;
        let expanded = String::from_utf8_lossy(&exp.text).into_owned();
        let mut out = Vec::new();
        for (k, l) in expanded.lines().enumerate() {
            self.origins.push(Origin {
                what: format!("{what} {chain}"),
                shown: rule.to_owned(),
                offset,
                exp: Some((exp.clone(), k as u32 + 1)),
            });
            let rest = l.strip_prefix(&format!("-A {chain} ")).unwrap_or(l);
            out.push(RuleLine {
                chain: chain.to_owned(),
                rest: rest.to_owned(),
                origin: Some(self.origins.len() - 1),
            });
        }
        Ok(out)
    }

    /// Inserts `lines` before rule `pos` (1-based; one past the last
    /// appends) of `chain`.
    fn insert(&mut self, chain: &str, pos: usize, lines: Vec<RuleLine>) -> Result<(), EditError> {
        let idx = self.chain_rules(chain);
        let at = if pos == idx.len() + 1 {
            idx.last().map_or(self.rules.len(), |&i| i + 1)
        } else {
            self.rule_at(chain, pos)?
        };
        self.rules.splice(at..at, lines);
        Ok(())
    }

    /// The canonical text (after `-A CHAIN `) of each of `lines`, as the
    /// module's printer writes them: what `-D CHAIN RULE` compares.
    fn canonical(&self, chain: &str, lines: &[RuleLine]) -> Result<Vec<String>, EditError> {
        let mut probe = self.clone();
        probe.rules.extend(lines.iter().cloned());
        let t = probe.check()?;
        let chain_ref = (0..t.rules.len())
            .filter(|&i| print::chain_name(&t, t.rules[i].chain, &self.cat) == chain)
            .collect::<Vec<_>>();
        let tail = &chain_ref[chain_ref.len().saturating_sub(lines.len())..];
        Ok(tail
            .iter()
            .map(|&i| {
                let mut b = Vec::new();
                let _ = print::rule(&mut b, &t, i, &self.cat, &print::Opts::default());
                String::from_utf8_lossy(&b).into_owned()
            })
            .collect())
    }

    /// The rules that jump to user chain `chain`, as `CHAIN#n`.
    fn jumps_to(&self, chain: &str) -> Vec<String> {
        let mut out = Vec::new();
        for (i, r) in self.rules.iter().enumerate() {
            let target = r.rest.rsplit_once("-j ").map_or("", |(_, t)| t.trim());
            if target == chain {
                let n = self.rules[..=i]
                    .iter()
                    .filter(|o| o.chain == r.chain)
                    .count();
                out.push(format!("{}#{n}", r.chain));
            }
        }
        out
    }

    /// Applies `op`; `false` if the table stays the same.
    fn apply(&mut self, op: &Op) -> Result<bool, EditError> {
        match op {
            Op::Append { chain, rule } => {
                let lines = self.user_rules("-A", chain, rule)?;
                let end = self.chain_rules(chain).len() + 1;
                self.insert(chain, end, lines)?;
            }
            Op::Insert { chain, pos, rule } => {
                let lines = self.user_rules("-I", chain, rule)?;
                self.insert(chain, *pos, lines)?;
            }
            Op::Replace { chain, pos, rule } => {
                let at = self.rule_at(chain, *pos)?;
                let lines = self.user_rules("-R", chain, rule)?;
                self.rules.splice(at..=at, lines);
            }
            Op::Delete { chain, which } => match which {
                Which::Number(n) => {
                    let at = self.rule_at(chain, *n)?;
                    self.rules.remove(at);
                }
                Which::Rule(rule) => {
                    let lines = self.user_rules("-D", chain, rule)?;
                    for want in self.canonical(chain, &lines)? {
                        let at = self
                            .chain_rules(chain)
                            .into_iter()
                            .find(|&i| self.rules[i].rest == want)
                            .ok_or_else(|| {
                                EditError::Refused(format!(
                                    "chain {chain} of table {} has no rule {want}",
                                    self.mode
                                ))
                            })?;
                        self.rules.remove(at);
                    }
                }
            },
            Op::Flush(chain) => {
                let before = self.rules.len();
                match chain {
                    Some(c) => {
                        self.need_chain(c)?;
                        self.rules.retain(|r| &r.chain != c);
                    }
                    None => self.rules.clear(),
                }
                return Ok(self.rules.len() != before);
            }
            Op::NewChain { chain, abi } => {
                if self.chain_abi(chain).is_some() {
                    return Err(EditError::Refused(format!(
                        "table {} already has a chain {chain}",
                        self.mode
                    )));
                }
                let text = format!(":{chain} {abi}");
                self.origins.push(Origin {
                    what: "-N".into(),
                    shown: format!("{chain} {abi}"),
                    offset: 1,
                    exp: None,
                });
                self.users.push((
                    chain.clone(),
                    Line {
                        text,
                        origin: Some(self.origins.len() - 1),
                    },
                ));
            }
            Op::DeleteChain(chain) => {
                let names: Vec<String> = match chain {
                    Some(c) => {
                        if self.abis().contains(&c.as_str()) {
                            return Err(EditError::Refused(format!(
                                "{c} is a built-in chain: it cannot be deleted"
                            )));
                        }
                        self.need_chain(c)?;
                        vec![c.clone()]
                    }
                    None => self.users.iter().map(|(n, _)| n.clone()).collect(),
                };
                for n in &names {
                    let rules = self.chain_rules(n).len();
                    if rules > 0 {
                        return Err(EditError::Refused(format!(
                            "chain {n} of table {} is not empty ({rules} rules): flush it with \
                             -F {n} first",
                            self.mode
                        )));
                    }
                    let refs = self.jumps_to(n);
                    if !refs.is_empty() {
                        return Err(EditError::Refused(format!(
                            "chain {n} of table {} is jumped to by {}: delete or replace those \
                             rules first",
                            self.mode,
                            refs.join(", ")
                        )));
                    }
                }
                self.users.retain(|(n, _)| !names.contains(n));
                return Ok(!names.is_empty());
            }
            Op::Policy { chain, target } => {
                if !self.abis().contains(&chain.as_str()) {
                    self.need_chain(chain)?;
                    return Err(EditError::Refused(format!(
                        "{chain} is a user chain: only built-in chains ({}) have a policy",
                        self.abis().join(", ")
                    )));
                }
                let text = format!(":{chain} {target}");
                if self
                    .policies
                    .iter()
                    .any(|(a, l)| a == chain && l.text == text)
                {
                    return Ok(false);
                }
                self.origins.push(Origin {
                    what: format!("-P {chain}"),
                    shown: target.clone(),
                    offset: chain.len() as u32 + 2,
                    exp: None,
                });
                let line = Line {
                    text,
                    origin: Some(self.origins.len() - 1),
                };
                match self.policies.iter_mut().find(|(a, _)| a == chain) {
                    Some((_, l)) => *l = line,
                    None => self.policies.push((chain.clone(), line)),
                }
            }
        }
        Ok(true)
    }

    /// Parses and compiles the edited table on the host, with the module's
    /// code: the table, or the error at the user's words.
    fn check(&self) -> Result<smrules::rules::ast::Table, EditError> {
        let (text, origins) = self.render();
        let err = |e: smrules::rules::Error| self.locate(&text, &origins, e);
        let rs = parse::parse(text.as_bytes(), &self.cat).map_err(err)?;
        let Some(t) = rs.tables.into_iter().next() else {
            return Err(EditError::Refused("the edited table is empty".into()));
        };
        let copy = t
            .try_clone()
            .map_err(|_| EditError::Refused("out of memory".into()))?;
        compile::compile(copy, &self.cat).map_err(err)?;
        Ok(t)
    }

    /// The error `e` in the edited text, said about what the user wrote.
    fn locate(&self, text: &str, origins: &[Option<usize>], e: smrules::rules::Error) -> EditError {
        let mut msg = e.msg.to_owned();
        if !e.detail().is_empty() {
            msg = format!("{msg}: {}", e.detail());
        }
        let line = e.line as usize;
        let origin = line
            .checked_sub(1)
            .and_then(|i| origins.get(i).copied().flatten())
            .and_then(|o| self.origins.get(o));
        match origin {
            Some(o) => {
                let col = match &o.exp {
                    Some((exp, k)) => exp.source(*k, e.col).1,
                    None => e.col,
                };
                text_error(
                    e.errno,
                    &o.what,
                    &o.shown,
                    col.saturating_sub(o.offset),
                    &msg,
                )
            }
            None if line > 0 => {
                let l = text.lines().nth(line - 1).unwrap_or("");
                EditError::Text {
                    errno: e.errno,
                    lines: vec![
                        format!("table {} (edited):{line}:{}: {msg}", self.mode, e.col),
                        format!("  {l}"),
                    ],
                }
            }
            None => EditError::Text {
                errno: e.errno,
                lines: vec![format!("table {}: {msg}", self.mode)],
            },
        }
    }
}

/// An error at column `col` (1-based, of `shown`) of the user's operand of
/// `what`: a message and the operand with a caret under the place.
fn text_error(errno: i32, what: &str, shown: &str, col: u32, msg: &str) -> EditError {
    let col = col.max(1);
    let pad = " ".repeat(col as usize - 1);
    EditError::Text {
        errno,
        lines: vec![
            format!("{what}: column {col}: {msg}"),
            format!("  {shown}"),
            format!("  {pad}^"),
        ],
    }
}

/// The device as a transaction needs it; a fake one in the tests.
pub trait Tables {
    /// The generation and the tables.
    fn snapshot(&mut self) -> Result<Snapshot, Failure>;
    /// Commits `text` with `flags` if the tables are still at `generation`.
    fn commit_at(&mut self, text: &[u8], flags: u32, generation: u64) -> Result<u64, Failure>;
}

/// `/dev/seccomp_mode`.
pub struct Device;

impl Tables for Device {
    fn snapshot(&mut self) -> Result<Snapshot, Failure> {
        device::read_snapshot()
    }

    fn commit_at(&mut self, text: &[u8], flags: u32, generation: u64) -> Result<u64, Failure> {
        device::commit_at(text, flags, generation)
    }
}

/// How a transaction ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Done {
    /// Committed, after this many tries.
    Committed(usize),
    /// The edit changes nothing; nothing was committed.
    Unchanged,
}

/// Runs `op` on table `sel` as a read-modify-write transaction (see the
/// module documentation), with `SM_COMMIT_LOOSEN` if `loosen`; the
/// device's tables are in the chains of `cat`.
pub fn transact(
    dev: &mut dyn Tables,
    cat: &ArchCatalog,
    sel: &TableSel,
    op: &Op,
    loosen: bool,
) -> Result<Done, EditError> {
    let flags = if loosen { device::COMMIT_LOOSEN } else { 0 };
    for tries in 1..=MAX_TRIES {
        let snap = dev.snapshot()?;
        let generation = snap.generation.ok_or_else(|| {
            EditError::Refused(
                "the module reports no table generation (an older module?): editing needs \
                 SM_COMMIT_IF_GEN; use smctl save and smctl restore"
                    .into(),
            )
        })?;
        let rs = parse::parse_dump(&snap.text, cat).map_err(|e| {
            EditError::Refused(format!(
                "the module's table text does not parse (line {}, column {}): {}",
                e.line, e.col, e.msg
            ))
        })?;
        let table = sel.find(&rs).map_err(|m| {
            EditError::Refused(format!(
                "{m}; an edit needs an existing table: create it with smctl restore \
                 (e.g. printf '*mode N NAME\\nCOMMIT\\n' | smctl restore -)"
            ))
        })?;
        let mut model = Model::of(cat, table)?;
        if !model.apply(op)? {
            return Ok(Done::Unchanged);
        }
        model.check()?;
        let (text, origins) = model.render();
        match dev.commit_at(text.as_bytes(), flags, generation) {
            Ok(_) => return Ok(Done::Committed(tries)),
            Err(Failure::Refused(r)) if r.errno == libc::EAGAIN => continue,
            Err(Failure::Refused(r)) if r.line > 0 => {
                // The module found what the host did not (it should not):
                // say it about the user's words all the same.
                let mut e = smrules::rules::Error::at(r.errno, r.line, r.col, "");
                e.add_detail(&r.msg);
                return Err(match model.locate(&text, &origins, e) {
                    EditError::Text { lines, .. } => EditError::Text {
                        errno: r.errno,
                        lines,
                    },
                    other => other,
                });
            }
            Err(f) => return Err(EditError::Device(f)),
        }
    }
    Err(EditError::Refused(format!(
        "the tables changed under each of {MAX_TRIES} tries (other admins committing): \
         nothing was changed"
    )))
}

/// A refusal as the lines `smctl` prints: the errno's text, then where.
pub fn refusal_lines(e: &EditError) -> Vec<String> {
    match e {
        EditError::Refused(m) => vec![format!("smctl: {m}")],
        EditError::Text { errno, lines } => {
            let mut out = vec![format!("smctl: {}", device::strerror(*errno))];
            out.extend(lines.iter().cloned());
            out
        }
        EditError::Device(Failure::Io(m)) => vec![format!("smctl: {m}")],
        EditError::Device(Failure::Refused(Refusal { errno, msg, .. })) => {
            let mut out = vec![format!("smctl: {}", device::strerror(*errno))];
            if !msg.is_empty() {
                out.push(format!("smctl: {msg}"));
            }
            out
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use smrules::catalog::Arch;

    /// The catalog the texts speak.
    const X86: ArchCatalog = ArchCatalog::new(Arch::X86_64);
    use std::collections::BTreeMap;
    use std::sync::{Arc, Mutex};

    /// The module as far as a transaction sees it: tables by mode, a
    /// generation that counts commits, `SM_COMMIT_IF_GEN` and `EAGAIN`.
    #[derive(Default)]
    struct Store {
        tables: BTreeMap<u32, String>,
        generation: u64,
        commits: usize,
        /// Tables of a table with confined processes: a loosening commit
        /// needs SM_COMMIT_LOOSEN.
        in_use: Vec<u32>,
        /// The module's architecture.
        cat: ArchCatalog,
    }

    impl Store {
        fn with(text: &str) -> Self {
            Store::on(X86, text)
        }

        /// The tables of `text` in a module for `cat`'s architecture.
        fn on(cat: ArchCatalog, text: &str) -> Self {
            let mut s = Store {
                cat,
                ..Store::default()
            };
            s.apply(text.as_bytes(), 0).unwrap();
            s.generation = 1;
            s
        }

        fn dump(&self) -> String {
            self.tables.values().cloned().collect()
        }

        fn apply(&mut self, text: &[u8], flags: u32) -> Result<u64, Failure> {
            let refuse = |errno, msg: &str| {
                Failure::Refused(Refusal {
                    errno,
                    line: 0,
                    col: 0,
                    msg: msg.into(),
                })
            };
            let cat = self.cat;
            let rs = parse::parse(text, &cat).map_err(|e| {
                Failure::Refused(Refusal {
                    errno: e.errno,
                    line: e.line,
                    col: e.col,
                    msg: e.msg.into(),
                })
            })?;
            for t in rs.tables.iter() {
                if self.in_use.contains(&t.mode) && flags & device::COMMIT_LOOSEN == 0 {
                    let old = parse::parse(self.tables[&t.mode].as_bytes(), &cat)
                        .unwrap()
                        .tables
                        .into_iter()
                        .next()
                        .unwrap();
                    let o = compile::compile(old, &cat).unwrap();
                    let n = compile::compile(t.try_clone().unwrap(), &cat).unwrap();
                    let mut err = smrules::rules::Error::oom();
                    if compile::loosens(&o, &n, &cat, &mut err) {
                        return Err(refuse(libc::EPERM, "commit newly allows syscalls"));
                    }
                }
            }
            for t in rs.tables.iter() {
                let mut b = Vec::new();
                print::table(&mut b, t, &cat, &print::Opts::default()).unwrap();
                self.tables.insert(t.mode, String::from_utf8(b).unwrap());
            }
            self.generation += 1;
            self.commits += 1;
            Ok(self.generation)
        }
    }

    /// What another admin does to the store.
    type Meddle = Box<dyn FnMut(&mut Store)>;

    /// A fake device over a shared store; `meddle` runs before the first
    /// `n` commits (another admin getting in first).
    struct Fake {
        store: Arc<Mutex<Store>>,
        meddle: Option<(usize, Meddle)>,
    }

    impl Fake {
        fn new(text: &str) -> Self {
            Fake {
                store: Arc::new(Mutex::new(Store::with(text))),
                meddle: None,
            }
        }

        /// A module for `cat`'s architecture.
        fn on(cat: ArchCatalog, text: &str) -> Self {
            Fake {
                store: Arc::new(Mutex::new(Store::on(cat, text))),
                meddle: None,
            }
        }
    }

    impl Tables for Fake {
        fn snapshot(&mut self) -> Result<Snapshot, Failure> {
            let s = self.store.lock().unwrap();
            let raw = format!("# generation {}\n{}", s.generation, s.dump());
            Ok(device::split_meta(raw.as_bytes()))
        }

        fn commit_at(&mut self, text: &[u8], flags: u32, generation: u64) -> Result<u64, Failure> {
            let mut s = self.store.lock().unwrap();
            if let Some((n, f)) = self.meddle.as_mut() {
                if *n > 0 {
                    *n -= 1;
                    f(&mut s);
                }
            }
            if generation != s.generation {
                return Err(Failure::Refused(Refusal {
                    errno: libc::EAGAIN,
                    line: 0,
                    col: 0,
                    msg: String::new(),
                }));
            }
            s.apply(text, flags)
        }
    }

    const BASE: &str = "*mode 3 netd\n:x86_64 MODE2\n:fc x86_64\n\
        -A x86_64 -s openat --a2:u32 masked 0x3 0x0 -j ALLOW\n\
        -A x86_64 -s openat -j ERRNO EACCES\n\
        -A x86_64 -s fcntl -j fc\n\
        -A fc -s fcntl --a1:u32 in 0x1,0x2 -j ALLOW\nCOMMIT\n\
        *mode 4 other\n:ia32 KILL\nCOMMIT\n";

    fn args(words: &[&str]) -> Vec<String> {
        words.iter().map(|w| (*w).to_owned()).collect()
    }

    fn op(s: &str) -> Op {
        // A whole command line through request(): "-X -" is -X alone.
        let w: Vec<&str> = s.split(' ').filter(|w| *w != "-").collect();
        let mut cmd = EditCmd::default();
        let operands = Some(args(&w[1..]));
        match w[0] {
            "-A" => cmd.append = operands,
            "-I" => cmd.insert = operands,
            "-D" => cmd.delete = operands,
            "-R" => cmd.replace = operands,
            "-N" => cmd.new_chain = operands,
            "-P" => cmd.policy = operands,
            "-F" => cmd.flush = operands,
            "-X" => cmd.delete_chain = operands,
            x => panic!("{x}"),
        }
        let a = EditArgs { cmd, loosen: false };
        match request(&X86, &a, Some(TableSel::Mode(3))).unwrap().unwrap() {
            Request::Edit { op, .. } => op,
            r => panic!("{r:?}"),
        }
    }

    /// Runs `cmd` on table 3 of `text`: the new table 3's text.
    fn edit(text: &str, cmd: &str) -> Result<String, EditError> {
        let mut dev = Fake::new(text);
        transact(&mut dev, &X86, &TableSel::Mode(3), &op(cmd), false)?;
        let s = dev.store.lock().unwrap();
        Ok(s.tables[&3].clone())
    }

    fn rules_of(table: &str) -> Vec<&str> {
        table.lines().filter(|l| l.starts_with("-A ")).collect()
    }

    #[test]
    fn append_insert_replace_delete() {
        let t = edit(BASE, "-A x86_64 -s getpid -j ALLOW").unwrap();
        assert_eq!(rules_of(&t)[3], "-A x86_64 -s getpid -j ALLOW");
        // Canonical form: widths and hex filled in.
        let t = edit(BASE, "-I x86_64 -s ioctl --a1 eq 21531 -j ALLOW").unwrap();
        assert_eq!(
            rules_of(&t)[0],
            "-A x86_64 -s ioctl --a1:u32 eq 0x541b -j ALLOW"
        );
        let t = edit(BASE, "-I x86_64 2 -s getppid -j KILL").unwrap();
        assert_eq!(rules_of(&t)[1], "-A x86_64 -s getppid -j KILL");
        assert_eq!(rules_of(&t)[2], "-A x86_64 -s openat -j ERRNO EACCES");
        // Insert one past the end appends.
        let t = edit(BASE, "-I x86_64 4 -s getppid -j KILL").unwrap();
        assert_eq!(rules_of(&t)[3], "-A x86_64 -s getppid -j KILL");
        let t = edit(BASE, "-I fc -s fcntl -j KILL").unwrap();
        assert_eq!(rules_of(&t)[3], "-A fc -s fcntl -j KILL");
        let t = edit(BASE, "-R x86_64 2 -s openat -j ERRNO EPERM").unwrap();
        assert_eq!(rules_of(&t)[1], "-A x86_64 -s openat -j ERRNO EPERM");
        assert_eq!(rules_of(&t).len(), 4);
        let t = edit(BASE, "-D x86_64 1").unwrap();
        assert_eq!(rules_of(&t)[0], "-A x86_64 -s openat -j ERRNO EACCES");
        // By rule, in any spelling that means the same.
        let t = edit(BASE, "-D x86_64 -s openat --a2 masked 3 0 -j ALLOW").unwrap();
        assert_eq!(rules_of(&t).len(), 3);
        assert!(!t.contains("masked"));
        // Other chains and the other table are untouched.
        assert!(t.contains("-A fc -s fcntl --a1:u32 in 0x1,0x2 -j ALLOW"));
    }

    #[test]
    fn chains_and_policies() {
        let t = edit(BASE, "-N logs x86_64").unwrap();
        assert!(t.contains("\n:logs x86_64\n"), "{t}");
        let t = edit(BASE, "-F fc").unwrap();
        assert_eq!(rules_of(&t).len(), 3);
        let t = edit(BASE, "-F -").unwrap();
        assert_eq!(rules_of(&t).len(), 0);
        assert!(t.contains(":fc x86_64"));
        let t = edit(BASE, "-P x86_64 ERRNO EPERM").unwrap();
        assert!(t.contains("\n:x86_64 ERRNO EPERM\n"), "{t}");
        let t = edit(BASE, "-P ia32 ENOSYS").unwrap();
        assert!(t.contains(":x86_64 MODE2\n:ia32 ENOSYS\n"), "{t}");
        // -X: refused while used; after -D and -F it goes.
        let e = edit(BASE, "-X fc").unwrap_err();
        assert!(e.to_string().contains("not empty"), "{e}");
        let mut dev = Fake::new(BASE);
        for cmd in ["-F fc", "-D x86_64 3"] {
            transact(&mut dev, &X86, &TableSel::Mode(3), &op(cmd), false).unwrap();
        }
        let e = transact(&mut dev, &X86, &TableSel::Mode(3), &op("-X -"), false);
        assert_eq!(e, Ok(Done::Committed(1)));
        assert!(!dev.store.lock().unwrap().tables[&3].contains(":fc"));
        let mut dev = Fake::new(BASE);
        transact(&mut dev, &X86, &TableSel::Mode(3), &op("-F fc"), false).unwrap();
        let e = transact(&mut dev, &X86, &TableSel::Mode(3), &op("-X fc"), false).unwrap_err();
        assert!(e.to_string().contains("jumped to by x86_64#3"), "{e}");
    }

    #[test]
    fn refusals_name_the_place() {
        let e = edit(BASE, "-A x86_64 -s opnat -j ALLOW").unwrap_err();
        let EditError::Text { errno, lines } = &e else {
            panic!("{e:?}")
        };
        assert_eq!(*errno, libc::EINVAL);
        assert_eq!(
            lines,
            &[
                "-A x86_64: column 4: unknown syscall name for the chain's ABI: opnat",
                "  -s opnat -j ALLOW",
                "     ^",
            ]
        );
        // Inside a group's expansion, after it, and in a policy.
        let e = edit(BASE, "-A x86_64 -s @time --a0:u64 eq 1 -j ALLOW").unwrap_err();
        assert!(e.to_string().contains("column 10:"), "{e}");
        let e = edit(BASE, "-A x86_64 -s @nosuch -j ALLOW").unwrap_err();
        assert!(
            e.to_string()
                .contains("column 4: unknown syscall group: @nosuch"),
            "{e}"
        );
        let e = edit(BASE, "-P x86_64 ALLOW").unwrap_err();
        assert!(
            e.to_string()
                .starts_with("-P x86_64: column 1: ALLOW is no policy"),
            "{e}"
        );
        let e = edit(BASE, "-N 9! x86_64").unwrap_err();
        assert!(
            e.to_string().starts_with("-N: column 1: a chain name"),
            "{e}"
        );
        let e = edit(BASE, "-A x86_64 -j ALLOW").unwrap_err();
        assert!(e.to_string().contains("column 4: ALLOW without -s"), "{e}");
        // Refusals before the parser.
        for (cmd, want) in [
            ("-A nope -s read -j ALLOW", "table 3 has no chain nope"),
            (
                "-D x86_64 9",
                "chain x86_64 of table 3 has no rule 9 (it has 3 rules)",
            ),
            (
                "-R ia32 1 -s read -j ALLOW",
                "chain ia32 of table 3 has no rule 1 (it is empty)",
            ),
            ("-I x86_64 5 -s read -j ALLOW", "has no rule 5"),
            (
                "-D x86_64 -s read -j ALLOW",
                "chain x86_64 of table 3 has no rule -s read -j ALLOW",
            ),
            ("-N fc ia32", "table 3 already has a chain fc"),
            ("-X x86_64", "x86_64 is a built-in chain"),
            ("-P fc KILL", "fc is a user chain"),
        ] {
            match edit(BASE, cmd) {
                Err(EditError::Refused(m)) => assert!(m.contains(want), "{cmd}: {m}"),
                other => panic!("{cmd}: {other:?}"),
            }
        }
    }

    #[test]
    fn groups_expand_in_edits() {
        let t = edit(BASE, "-A x86_64 -s @time,getpid -j ALLOW").unwrap();
        assert!(t.contains(
            "-A x86_64 -s clock_gettime,clock_getres,clock_nanosleep,gettimeofday,time,\
             nanosleep,getpid -j ALLOW"
        ));
        // -D with the group deletes the rule it made.
        let mut dev = Fake::new(BASE);
        for cmd in ["-A x86_64 -s @time -j ALLOW", "-D x86_64 -s @time -j ALLOW"] {
            transact(&mut dev, &X86, &TableSel::Mode(3), &op(cmd), false).unwrap();
        }
        assert_eq!(rules_of(&dev.store.lock().unwrap().tables[&3]).len(), 4);
    }

    #[test]
    fn no_change_commits_nothing() {
        let mut dev = Fake::new(BASE);
        for cmd in ["-P x86_64 MODE2", "-F ia32", "-X -"] {
            let r = transact(&mut dev, &X86, &TableSel::Mode(3), &op(cmd), false);
            // -X - on a table with a used chain fails instead.
            if cmd == "-X -" {
                assert!(r.is_err());
            } else {
                assert_eq!(r, Ok(Done::Unchanged), "{cmd}");
            }
        }
        assert_eq!(dev.store.lock().unwrap().commits, 1);
    }

    #[test]
    fn a_concurrent_commit_is_never_clobbered() {
        // Another admin appends between our read and our commit, twice: we
        // retry on the new tables and both rules survive.
        let mut dev = Fake::new(BASE);
        dev.meddle = Some((
            2,
            Box::new(|s: &mut Store| {
                let name = ["getpid", "getppid"][s.commits - 1];
                let t = s.tables[&3]
                    .replace("COMMIT\n", &format!("-A ia32 -s {name} -j KILL\nCOMMIT\n"));
                s.apply(t.as_bytes(), 0).unwrap();
            }),
        ));
        let done = transact(
            &mut dev,
            &X86,
            &TableSel::Mode(3),
            &op("-A x86_64 -s getpid -j ALLOW"),
            false,
        );
        assert_eq!(done, Ok(Done::Committed(3)));
        let t = dev.store.lock().unwrap().tables[&3].clone();
        assert!(
            t.contains("-A ia32 -s getpid -j KILL\n-A ia32 -s getppid -j KILL\n"),
            "{t}"
        );
        assert!(t.contains("-A x86_64 -s getpid -j ALLOW\n"), "{t}");
    }

    #[test]
    fn two_admins_racing_lose_no_rule() {
        let store = Arc::new(Mutex::new(Store::with(BASE)));
        let mut handles = Vec::new();
        for (admin, names) in [
            (
                0,
                [
                    "getpid",
                    "getppid",
                    "gettid",
                    "getuid",
                    "getgid",
                    "sched_yield",
                ],
            ),
            (
                1,
                ["geteuid", "getegid", "getpgrp", "getsid", "umask", "pause"],
            ),
        ] {
            let store = Arc::clone(&store);
            handles.push(std::thread::spawn(move || {
                let mut dev = Fake {
                    store,
                    meddle: None,
                };
                for n in names {
                    let chain = if admin == 0 { "x86_64" } else { "fc" };
                    let rule = if admin == 0 {
                        format!("-A {chain} -s {n} -j ALLOW")
                    } else {
                        format!("-I {chain} -s {n} -j ERRNO EPERM")
                    };
                    transact(
                        &mut dev,
                        &X86,
                        &TableSel::Name("netd".into()),
                        &op(&rule),
                        false,
                    )
                    .unwrap();
                    std::thread::yield_now();
                }
            }));
        }
        for h in handles {
            h.join().unwrap();
        }
        let t = store.lock().unwrap().tables[&3].clone();
        assert_eq!(rules_of(&t).len(), 4 + 12, "{t}");
    }

    #[test]
    fn gives_up_after_max_tries() {
        let mut dev = Fake::new(BASE);
        dev.meddle = Some((usize::MAX, Box::new(|s: &mut Store| s.generation += 1)));
        let e = transact(&mut dev, &X86, &TableSel::Mode(3), &op("-F x86_64"), false).unwrap_err();
        assert!(e.to_string().contains("each of 100 tries"), "{e}");
        assert_eq!(dev.store.lock().unwrap().commits, 1);
    }

    #[test]
    fn loosen_is_passed_on() {
        let mut dev = Fake::new(BASE);
        dev.store.lock().unwrap().in_use.push(3);
        let o = op("-A x86_64 -s mkdir -j ALLOW");
        let e = transact(&mut dev, &X86, &TableSel::Mode(3), &o, false).unwrap_err();
        assert_eq!(
            refusal_lines(&e),
            [
                "smctl: Operation not permitted",
                "smctl: commit newly allows syscalls"
            ]
        );
        assert_eq!(
            transact(&mut dev, &X86, &TableSel::Mode(3), &o, true),
            Ok(Done::Committed(1))
        );
    }

    #[test]
    fn missing_table_and_old_module() {
        let mut dev = Fake::new(BASE);
        let e = transact(&mut dev, &X86, &TableSel::Mode(9), &op("-F -"), false).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("no table 9 is loaded; an edit needs"),
            "{e}"
        );
        struct Old;
        impl Tables for Old {
            fn snapshot(&mut self) -> Result<Snapshot, Failure> {
                Ok(device::split_meta(b"*mode 3\nCOMMIT\n"))
            }
            fn commit_at(&mut self, _: &[u8], _: u32, _: u64) -> Result<u64, Failure> {
                unreachable!()
            }
        }
        let e = transact(&mut Old, &X86, &TableSel::Mode(3), &op("-F -"), false).unwrap_err();
        assert!(e.to_string().contains("no table generation"), "{e}");
    }

    #[test]
    fn command_lines() {
        let req = |cmd: EditCmd, table: Option<TableSel>| {
            request(&X86, &EditArgs { cmd, loosen: false }, table)
        };
        let a = |w: &[&str]| EditCmd {
            append: Some(args(w)),
            ..EditCmd::default()
        };
        // -t and --loosen after the rule.
        assert_eq!(
            req(
                a(&["x86_64", "-s", "read", "-j", "ALLOW", "-t", "netd", "--loosen"]),
                None
            ),
            Ok(Some(Request::Edit {
                table: TableSel::Name("netd".into()),
                op: Op::Append {
                    chain: "x86_64".into(),
                    rule: "-s read -j ALLOW".into()
                },
                loosen: true
            }))
        );
        assert!(req(a(&["x86_64", "-j", "ALLOW", "--table=7"]), None).is_ok());
        assert!(req(a(&["x86_64", "-j", "ALLOW", "-t7"]), None).is_ok());
        assert_eq!(
            req(a(&["x86_64", "-j", "LOG"]), None),
            Err("editing needs the table: -t N|NAME".into())
        );
        assert!(req(a(&["x86_64"]), Some(TableSel::Mode(3))).is_err());
        assert!(req(
            a(&["x86_64", "-j", "LOG", "-t", "3"]),
            Some(TableSel::Mode(3))
        )
        .is_err());
        assert!(req(a(&["x86_64", "-j", "LOG", "-t"]), None).is_err());
        let z = |w: &[&str]| EditCmd {
            zero: Some(args(w)),
            ..EditCmd::default()
        };
        assert_eq!(req(z(&[]), None), Ok(Some(Request::Zero(None))));
        assert_eq!(
            req(z(&[]), Some(TableSel::Mode(4))),
            Ok(Some(Request::Zero(Some(TableSel::Mode(4)))))
        );
        assert!(req(z(&["x86_64", "2"]), None)
            .unwrap_err()
            .contains("whole tables only"));
        let d = EditCmd {
            delete: Some(args(&["x86_64", "0"])),
            ..EditCmd::default()
        };
        assert!(req(d, Some(TableSel::Mode(3))).is_err());
        let r = EditCmd {
            replace: Some(args(&["x86_64", "-s", "read", "-j", "KILL"])),
            ..EditCmd::default()
        };
        assert!(req(r, Some(TableSel::Mode(3))).is_err());
        let n = EditCmd {
            new_chain: Some(args(&["c"])),
            ..EditCmd::default()
        };
        assert!(req(n.clone(), Some(TableSel::Mode(3)))
            .unwrap_err()
            .contains("x86_64|ia32|x32"));
        let arm = ArchCatalog::new(Arch::Arm64);
        let e = request(
            &arm,
            &EditArgs {
                cmd: n,
                loosen: false,
            },
            None,
        )
        .unwrap_err();
        assert!(e.ends_with("-N c arm64|arm"), "{e}");
        assert_eq!(req(EditCmd::default(), None), Ok(None));
    }

    #[test]
    fn edits_on_arm64() {
        let arm = ArchCatalog::new(Arch::Arm64);
        let base = "*mode 3 netd\n:arm64 MODE2\n:arm KILL\n\
            -A arm64 -s openat --a2:u32 masked 0x3 0x0 -j ALLOW\nCOMMIT\n";
        let mut dev = Fake::on(arm, base);
        let run = |dev: &mut Fake, cmd: &str| {
            let o = match request(
                &arm,
                &EditArgs {
                    cmd: {
                        let w: Vec<&str> = cmd.split(' ').collect();
                        let mut c = EditCmd::default();
                        let operands = Some(args(&w[1..]));
                        match w[0] {
                            "-A" => c.append = operands,
                            "-N" => c.new_chain = operands,
                            "-P" => c.policy = operands,
                            "-X" => c.delete_chain = operands,
                            x => panic!("{x}"),
                        }
                        c
                    },
                    loosen: false,
                },
                Some(TableSel::Mode(3)),
            ) {
                Ok(Some(Request::Edit { op, .. })) => op,
                r => panic!("{r:?}"),
            };
            transact(dev, &arm, &TableSel::Mode(3), &o, false)
        };
        run(&mut dev, "-A arm64 -s @io-event -j ALLOW").unwrap();
        run(&mut dev, "-A arm -s @memory --a0:u32 eq 0 -j ALLOW").unwrap();
        run(&mut dev, "-N c arm").unwrap();
        run(&mut dev, "-P arm ERRNO EPERM").unwrap();
        let t = dev.store.lock().unwrap().tables[&3].clone();
        assert_eq!(
            t,
            "*mode 3 netd\n:arm64 MODE2\n:arm ERRNO EPERM\n:c arm\n\
             -A arm64 -s openat --a2:u32 masked 0x3 0x0 -j ALLOW\n\
             -A arm64 -s ppoll,pselect6,epoll_create1,epoll_ctl,epoll_pwait,epoll_pwait2,eventfd2 \
             -j ALLOW\n\
             -A arm -s brk,munmap,mprotect,madvise,mincore,msync,mmap2 --a0:u32 eq 0x0 -j ALLOW\n\
             COMMIT\n"
        );
        // x86 chains and arm64's missing calls are refused, saying so.
        match run(&mut dev, "-A x86_64 -s read -j ALLOW") {
            Err(EditError::Refused(m)) => assert_eq!(
                m,
                "table 3 has no chain x86_64 (built-in chains: arm64, arm; -N x86_64 ABI \
                 creates a user chain)"
            ),
            r => panic!("{r:?}"),
        }
        let e = run(&mut dev, "-A arm64 -s open -j ALLOW").unwrap_err();
        assert!(
            e.to_string()
                .contains("column 4: unknown syscall name for the chain's ABI: open"),
            "{e}"
        );
        assert!(run(&mut dev, "-N d ia32").is_err());
        assert!(run(&mut dev, "-X arm")
            .unwrap_err()
            .to_string()
            .contains("built-in"));
    }
}
