// SPDX-License-Identifier: GPL-2.0

//! smctl: loads, saves and lists the rule tables of seccomp_mode's table
//! modes (3 and up), as `iptables-restore`, `iptables-save` and
//! `iptables -L` do for a firewall.
//!
//! ```text
//! smctl restore [--test] [--loosen] FILE|-   one atomic commit of a ruleset text
//! smctl save [-c]                            the enforced tables (-c: with counters)
//! smctl -L [-t N] [-v] [-n] [--line-numbers] chains and rules, with hits (-v)
//! smctl check FILE|-                         parse and compile on the host only
//! smctl -t N|NAME -A|-I|-D|-R|-F|-N|-X|-P ...  iptables-style edits (edit.rs)
//! smctl diff FILE|-                          what committing FILE would change
//! smctl explain -t N|NAME ABI SYSCALL [ARGS] which rule decides such a call
//! smctl groups                               the named syscall groups (@basic-io, ...)
//! smctl confine --pid PID|--pidfile FILE (--mode N|--table NAME) [--complain] [--children]
//!                                            confine a running process (confine.rs)
//! smctl ps                                   the confined processes (ps.rs)
//! smctl learn template|generate -t N ...     learn mode (learn.rs)
//! ```
//!
//! The built-in chains are the ABIs of the architecture: `x86_64`, `ia32`,
//! `x32` on x86_64, `arm64`, `arm` on arm64. smctl speaks those of the
//! machine it was built for; the global `--arch x86_64|arm64` selects
//! another for the commands that work on rules alone (`check`, `groups`,
//! `learn template`, `learn generate --no-device` or `--from-log`), to write
//! and check rules for another machine. A command that talks to the module
//! refuses an `--arch` other than the machine's (usage error): the module
//! speaks its own.
//!
//! Exit status: 0 done, 1 refused or failed (the reason on stderr: the errno,
//! then `FILE:LINE:COL: message` for an error in the text), 2 usage (`diff`:
//! 0 same, 1 different, 2 trouble).

mod confine;
mod device;
mod diff;
mod edit;
mod explain;
mod groups;
mod learn;
mod list;
mod man;
mod never;
mod ps;
mod select;

use std::io::{Read, Write};
use std::process::ExitCode;

use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::{Args, Parser, Subcommand};
use smrules::catalog::{Arch, ArchCatalog};
use smrules::rules::{compile, parse, print};

use device::{Failure, Refusal};
use list::ListOpts;

/// Load, save and list seccomp_mode's rule tables (modes 3 and up).
#[derive(Parser, Debug)]
#[command(
    version,
    about,
    arg_required_else_help = true,
    override_usage = "smctl restore [--test] [--loosen] <FILE|->\n       \
                      smctl save [-c]\n       \
                      smctl -L [-t N|NAME] [-v] [-n] [-x] [--line-numbers]\n       \
                      smctl -t N|NAME -A CHAIN RULE | -I CHAIN [n] RULE | -D CHAIN n|RULE\n       \
                      smctl -t N|NAME -R CHAIN n RULE | -F [CHAIN] | -N CHAIN ABI | -X [CHAIN]\n       \
                      smctl -t N|NAME -P CHAIN TARGET      smctl [-t N|NAME] -Z\n       \
                      smctl zero [-t N]\n       \
                      smctl check [--arch x86_64|arm64] <FILE|->\n       \
                      smctl diff <FILE|->\n       \
                      smctl explain -t N|NAME ABI SYSCALL [ARGS]...\n       \
                      smctl groups [--arch x86_64|arm64]\n       \
                      smctl confine --pid PID|--pidfile FILE (--mode N | --table NAME) [--complain] [--children]\n       \
                      smctl ps\n       \
                      smctl learn template -t N [--name NAME] [--arch x86_64|arm64]\n       \
                      smctl learn generate -t N [--name NAME] [--from-log FILE|-] [--merge FILE]... [--no-device] [--arch x86_64|arm64]",
    group(clap::ArgGroup::new("command").multiple(false).args([
        "list", "append", "insert", "delete", "replace", "flush", "new_chain",
        "delete_chain", "policy", "zero",
    ]))
)]
struct Cli {
    /// The architecture whose chains and syscalls the rules use: x86_64
    /// (chains x86_64, ia32, x32) or arm64 (chains arm64, arm). Default:
    /// this machine's. Another one is for the commands that work on rules
    /// alone (check, groups, learn template, learn generate --no-device or
    /// --from-log); the others talk to this machine's module and refuse it.
    #[arg(
        long,
        global = true,
        value_name = "ARCH",
        value_parser = PossibleValuesParser::new(["x86_64", "arm64"])
            .map(|s| Arch::from_name(&s).unwrap_or(Arch::X86_64))
    )]
    arch: Option<Arch>,
    #[command(flatten)]
    list: ListArgs,
    #[command(flatten)]
    edit: edit::EditArgs,
    #[command(subcommand)]
    cmd: Option<Cmd>,
}

impl Cli {
    /// Parses a command line (the program name first). `-L`, `-t`, the
    /// editing commands and their options take no subcommand: a usage
    /// error, as clap's `args_conflicts_with_subcommands` would give, which
    /// cannot be used because it refuses a global `--arch` in front of the
    /// subcommand too.
    fn try_parse_args<I, T>(args: I) -> Result<Cli, clap::Error>
    where
        I: IntoIterator<Item = T>,
        T: Into<std::ffi::OsString> + Clone,
    {
        use clap::{CommandFactory, FromArgMatches};
        let mut cmd = Cli::command();
        let m = cmd.try_get_matches_from_mut(args)?;
        let cli = Cli::from_arg_matches(&m).map_err(|e| e.format(&mut cmd))?;
        if let Some(sub) = m.subcommand_name() {
            if cli.list != ListArgs::default() || cli.edit != edit::EditArgs::default() {
                return Err(cmd.error(
                    clap::error::ErrorKind::ArgumentConflict,
                    format!(
                        "the subcommand '{sub}' cannot be used with -L, -t or an editing \
                         command"
                    ),
                ));
            }
        }
        Ok(cli)
    }
}

/// `-L` and its options (like `iptables -L -v -n --line-numbers`).
#[derive(Args, Debug, Default, PartialEq, Eq)]
struct ListArgs {
    /// List each table's chains and rules.
    #[arg(short = 'L', long = "list")]
    list: bool,
    /// The table: its number N, or its NAME from `*mode N NAME` (-L: only
    /// this table; required by the editing commands).
    #[arg(
        short = 't',
        long = "table",
        value_name = "N|NAME",
        requires = "command",
        value_parser = select::parse
    )]
    table: Option<select::TableSel>,
    /// Show hit counts of rules and policies.
    #[arg(short = 'v', long = "verbose", requires = "list")]
    verbose: bool,
    /// Syscall and errno numbers instead of names.
    #[arg(short = 'n', long = "numeric", requires = "list")]
    numeric: bool,
    /// Number the rules of each chain (as log lines' rule=<chain>#<n>).
    #[arg(long = "line-numbers", requires = "list")]
    line_numbers: bool,
    /// Exact hit counts (without -x, counts above 99999 are rounded: 123K).
    #[arg(short = 'x', long = "exact", requires = "list")]
    exact: bool,
}

#[derive(Subcommand, Debug, PartialEq, Eq)]
enum Cmd {
    /// Load a ruleset text in one atomic commit: every table it names is
    /// replaced (or deleted with `*mode N delete`), all or none.
    Restore {
        /// Check and compile only; change nothing.
        #[arg(long)]
        test: bool,
        /// Allow a commit that lets confined processes make syscalls their
        /// table did not allow before.
        #[arg(long)]
        loosen: bool,
        /// The ruleset text, `-` for standard input.
        #[arg(value_name = "FILE|-")]
        file: String,
    },
    /// Print the enforced tables as ruleset text (deterministic: the same
    /// tables give the same bytes).
    Save {
        /// With each rule's and policy's hit counter (`[n]`).
        #[arg(short = 'c', long = "counters")]
        counters: bool,
    },
    /// Zero the hit counters of every table, or of table N (iptables -Z).
    Zero {
        /// Only table N.
        #[arg(short = 't', long = "table", value_name = "N",
              value_parser = clap::value_parser!(u32).range(3..=i64::from(i32::MAX)))]
        table: Option<u32>,
    },
    /// What committing FILE would newly allow or refuse, per table, ABI and
    /// syscall (exit 0: no difference, 1: differences, 2: trouble).
    Diff {
        /// The ruleset text, `-` for standard input.
        #[arg(value_name = "FILE|-")]
        file: String,
    },
    /// Which rule of a loaded table decides a syscall with these arguments,
    /// and why (the module's own evaluator, run on the host).
    Explain {
        /// The table: N or NAME.
        #[arg(short = 't', long = "table", value_name = "N|NAME", value_parser = select::parse)]
        table: select::TableSel,
        /// The ABI of the call: x86_64, ia32 or x32 on x86_64; arm64 or arm
        /// on arm64.
        #[arg(value_parser = PossibleValuesParser::new(explain::all_abis()))]
        abi: String,
        /// A syscall name of the ABI, or its number.
        syscall: String,
        /// The registers a0..a5: decimal, 0x hex or negative (missing: 0).
        #[arg(num_args = 0..=6, allow_negative_numbers = true, value_parser = explain::parse_reg)]
        args: Vec<u64>,
    },
    /// List the named syscall groups (@basic-io, ...) and their members per
    /// ABI, for -s lists.
    Groups,
    /// Write the manual pages (smctl.8, smctl-SUBCOMMAND.8) into DIR.
    #[command(hide = true)]
    GenerateMan {
        /// The directory.
        dir: std::path::PathBuf,
    },
    /// Print a shell completion script.
    #[command(hide = true)]
    Completions {
        /// bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Parse and compile a ruleset text on this host, without the module
    /// (errors as FILE:LINE:COL: message; warnings for ALLOW rules that reach
    /// the static modes' never-list).
    Check {
        /// The ruleset text, `-` for standard input.
        #[arg(value_name = "FILE|-")]
        file: String,
    },
    /// Confine a running process (by pidfd, from outside) in mode 1, 2 or a
    /// table, as its own prctl would: every thread, and its later children.
    Confine(confine::ConfineArgs),
    /// List the confined processes: pid, mode (and table name), enforce or
    /// complain, violations, command.
    Ps,
    /// Learn mode: a learning table, and a reviewable ruleset generated
    /// from what a process in it did.
    Learn {
        #[command(subcommand)]
        cmd: learn::LearnCmd,
    },
}

/// Why a command failed (exit status 1, unless [`Error::Report`] says).
#[derive(Debug)]
enum Error {
    /// One line: `smctl: <text>`.
    Plain(String),
    /// These lines as they are, and this exit status (2: usage).
    Report { status: u8, lines: Vec<String> },
    /// The device refused a commit of the text from `file`.
    Refused { file: String, refusal: Refusal },
    /// The text of `file` is wrong at a place (`check`).
    Text {
        file: String,
        line: u32,
        col: u32,
        msg: String,
    },
}

impl From<Failure> for Error {
    fn from(f: Failure) -> Self {
        match f {
            Failure::Io(text) => Error::Plain(text),
            Failure::Refused(refusal) => Error::Refused {
                file: String::new(),
                refusal,
            },
        }
    }
}

/// The lines `smctl` prints on stderr for `e`.
fn error_lines(e: &Error) -> Vec<String> {
    match e {
        Error::Plain(text) => vec![format!("smctl: {text}")],
        Error::Report { lines, .. } => lines.clone(),
        Error::Refused { file, refusal } => {
            let mut lines = vec![format!("smctl: {}", device::strerror(refusal.errno))];
            if refusal.line > 0 {
                lines.push(format!(
                    "{file}:{}:{}: {}",
                    refusal.line, refusal.col, refusal.msg
                ));
            } else if !refusal.msg.is_empty() {
                lines.push(format!("smctl: {}", refusal.msg));
            }
            lines
        }
        Error::Text {
            file,
            line,
            col,
            msg,
        } => {
            if *line > 0 {
                vec![format!("{file}:{line}:{col}: {msg}")]
            } else {
                vec![format!("{file}: {msg}")]
            }
        }
    }
}

/// The name of `file` in messages.
fn display_name(file: &str) -> String {
    if file == "-" {
        "<stdin>".to_owned()
    } else {
        file.to_owned()
    }
}

/// Reads `file` (`-`: standard input).
fn read_input(file: &str) -> Result<Vec<u8>, Error> {
    let mut text = Vec::new();
    let res = if file == "-" {
        std::io::stdin().read_to_end(&mut text)
    } else {
        std::fs::File::open(file).and_then(|mut f| f.read_to_end(&mut text))
    };
    res.map_err(|e| Error::Plain(format!("{}: {}", display_name(file), device::describe(&e))))?;
    Ok(text)
}

/// Writes `bytes` to standard output. A reader that went away (`smctl -L
/// | head`) is not an error: like other listing tools, stop quietly.
fn put(bytes: &[u8]) -> Result<(), Error> {
    let mut out = std::io::stdout().lock();
    match out.write_all(bytes).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        r => r.map_err(|e| Error::Plain(format!("stdout: {}", device::describe(&e)))),
    }
}

/// The catalog of a command that works on rules alone: `--arch`'s, or
/// this machine's.
fn catalog(arch: Option<Arch>) -> ArchCatalog {
    ArchCatalog::new(arch.unwrap_or_else(Arch::native))
}

/// The catalog of command `what`, which talks to this machine's module:
/// the machine's. An `--arch` naming another architecture is a usage error.
fn device_catalog(arch: Option<Arch>, what: &str) -> Result<ArchCatalog, Error> {
    let native = Arch::native();
    match arch {
        Some(a) if a != native => Err(usage(&format!(
            "--arch {a}: {what} works on this machine's module, whose chains are {native}'s \
             ({}); --arch is for check, groups, learn template and learn generate \
             --no-device|--from-log",
            native.chains().join(", ")
        ))),
        _ => Ok(ArchCatalog::new(native)),
    }
}

/// The tables of `save -c` text (in the chains of `cat`) printed again
/// without counters.
fn strip_counters(cat: &ArchCatalog, text: &[u8]) -> Result<Vec<u8>, Error> {
    let rs = parse::parse_dump(text, cat).map_err(|e| {
        Error::Plain(format!(
            "the module's table text does not parse (line {}, column {}): {}",
            e.line, e.col, e.msg
        ))
    })?;
    let mut out = Vec::new();
    let opts = print::Opts {
        numeric: false,
        counters: None,
    };
    print::ruleset(&mut out, &rs, cat, &opts)
        .map_err(|_| Error::Plain("out of memory".to_owned()))?;
    Ok(out)
}

/// `text` of `file` with its `@group`s expanded for the chains of `cat`
/// (an unknown group is an error at its line and column).
fn expand_groups(cat: &ArchCatalog, file: &str, text: &[u8]) -> Result<groups::Expanded, Error> {
    groups::expand_text(cat, text).map_err(|e| Error::Text {
        file: display_name(file),
        line: e.line,
        col: e.col,
        msg: e.msg,
    })
}

/// `smctl check`: parse and compile for the chains of `cat`, warnings on
/// stderr, a summary on stdout.
fn check(cat: &ArchCatalog, file: &str) -> Result<(), Error> {
    put(check_text(cat, file, &read_input(file)?)?.as_bytes())
}

/// `smctl check` of `text`, read from `file`: the summary line; warnings
/// go to stderr.
fn check_text(cat: &ArchCatalog, file: &str, text: &[u8]) -> Result<String, Error> {
    let name = display_name(file);
    let exp = expand_groups(cat, file, text)?;
    let text_error = |e: smrules::rules::Error| {
        let mut msg = e.msg.to_owned();
        if !e.detail().is_empty() {
            msg = format!("{msg}: {}", e.detail());
        }
        if let Some((chain, arch)) = foreign_chain(cat, &exp.text, e.line) {
            msg = format!(
                "{msg} ({chain} is a chain of {arch}, not of {}: --arch {arch} checks rules \
                 for {arch})",
                cat.arch()
            );
        }
        let (line, col) = exp.source(e.line, e.col);
        Error::Text {
            file: name.clone(),
            line,
            col,
            msg,
        }
    };
    let rs = parse::parse(&exp.text, cat).map_err(text_error)?;
    let (mut tables, mut rules) = (0usize, 0usize);
    for t in rs.tables {
        for w in never::warnings(cat, &t) {
            eprintln!("{name}: warning: {w}");
        }
        tables += 1;
        rules += t.rules.len();
        compile::compile(t, cat).map_err(text_error)?;
    }
    let tables = if tables == 1 {
        "1 table".to_owned()
    } else {
        format!("{tables} tables")
    };
    let rules = if rules == 1 {
        "1 rule".to_owned()
    } else {
        format!("{rules} rules")
    };
    Ok(format!("{name}: ok ({tables}, {rules})\n"))
}

/// The built-in chain of another architecture than `cat`'s that line
/// `line` (1-based) of ruleset `text` names, and that architecture: in
/// `-A CHAIN`, `:CHAIN POLICY` or `:NAME ABI`.
fn foreign_chain(cat: &ArchCatalog, text: &[u8], line: u32) -> Option<(String, Arch)> {
    let l = text
        .split(|&b| b == b'\n')
        .nth(line.checked_sub(1)? as usize)?;
    let l = String::from_utf8_lossy(l);
    let mut w = l.split_whitespace().skip_while(|w| w.starts_with('['));
    let names: Vec<&str> = match w.next()? {
        "-A" => w.next().into_iter().collect(),
        decl => decl.strip_prefix(':').into_iter().chain(w.next()).collect(),
    };
    names.into_iter().find_map(|name| {
        let arch = Arch::ALL
            .into_iter()
            .find(|&a| a != cat.arch() && a.chains().contains(&name))?;
        cat.abi_index(name)
            .is_none()
            .then(|| (name.to_owned(), arch))
    })
}

/// A usage error found after clap: exit status 2.
fn usage(msg: &str) -> Error {
    Error::Report {
        status: 2,
        lines: vec![
            format!("smctl: {msg}"),
            "Try 'smctl --help' for more information.".to_owned(),
        ],
    }
}

/// The editing commands (`-A`, ..., `-Z`): see `edit.rs`.
fn edit_cmd(cli: &Cli) -> Result<(), Error> {
    let cat = device_catalog(cli.arch, "editing")?;
    let req = edit::request(&cat, &cli.edit, cli.list.table.clone()).map_err(|m| usage(&m))?;
    match req {
        None => Err(usage("no command: -L, an editing command or a subcommand")),
        Some(edit::Request::Zero(None)) => Ok(device::zero(0)?),
        Some(edit::Request::Zero(Some(select::TableSel::Mode(m)))) => Ok(device::zero(m)?),
        Some(edit::Request::Zero(Some(sel))) => {
            let text = device::read_snapshot()?.text;
            let rs = parse::parse_dump(&text, &cat).map_err(|e| {
                Error::Plain(format!("the module's table text does not parse: {}", e.msg))
            })?;
            let mode = sel.find(&rs).map_err(Error::Plain)?.mode;
            Ok(device::zero(mode)?)
        }
        Some(edit::Request::Edit { table, op, loosen }) => {
            edit::transact(&mut edit::Device, &cat, &table, &op, loosen)
                .map(drop)
                .map_err(|e| Error::Report {
                    status: 1,
                    lines: edit::refusal_lines(&e),
                })
        }
    }
}

/// `smctl diff FILE`: exit 0 same, 1 different, 2 trouble.
fn diff_cmd(cat: &ArchCatalog, file: &str) -> Result<(), Error> {
    let trouble = |e: Error| Error::Report {
        status: 2,
        lines: error_lines(&e),
    };
    let exp = expand_groups(cat, file, &read_input(file).map_err(trouble)?).map_err(trouble)?;
    let now = device::read_snapshot()
        .map_err(|f| trouble(Error::from(f)))?
        .text;
    let report = diff::diff(cat, &now, &exp.text).map_err(|e| {
        let (line, col) = exp.source(e.line, e.col);
        let mut msg = e.msg.to_owned();
        if !e.detail().is_empty() {
            msg = format!("{msg}: {}", e.detail());
        }
        if let Some((chain, arch)) = foreign_chain(cat, &exp.text, e.line) {
            msg = format!(
                "{msg} ({chain} is a chain of {arch}, not of this machine's {})",
                cat.arch()
            );
        }
        trouble(Error::Text {
            file: display_name(file),
            line,
            col,
            msg,
        })
    })?;
    let mut out = report.lines.join("\n");
    if !out.is_empty() {
        out.push('\n');
    }
    put(out.as_bytes()).map_err(trouble)?;
    if report.differs {
        Err(Error::Report {
            status: 1,
            lines: Vec::new(),
        })
    } else {
        Ok(())
    }
}

/// Runs a parsed command line.
fn run(cli: Cli) -> Result<(), Error> {
    let arch = cli.arch;
    match cli.cmd {
        Some(Cmd::Restore { test, loosen, file }) => {
            let cat = device_catalog(arch, "restore")?;
            let exp = expand_groups(&cat, &file, &read_input(&file)?)?;
            let text = &exp.text;
            let mut flags = 0;
            if test {
                flags |= device::COMMIT_TEST;
            }
            if loosen {
                flags |= device::COMMIT_LOOSEN;
            }
            device::commit(text, flags).map_err(|f| match Error::from(f) {
                Error::Refused { mut refusal, .. } => {
                    (refusal.line, refusal.col) = exp.source(refusal.line, refusal.col);
                    Error::Refused {
                        file: display_name(&file),
                        refusal,
                    }
                }
                other => other,
            })
        }
        Some(Cmd::Save { counters }) => {
            let cat = device_catalog(arch, "save")?;
            // Without the `# generation` and `# learned` lines.
            let text = device::read_snapshot()?.text;
            if counters {
                put(&text)
            } else {
                put(&strip_counters(&cat, &text)?)
            }
        }
        Some(Cmd::Check { file }) => check(&catalog(arch), &file),
        Some(Cmd::Zero { table }) => {
            device_catalog(arch, "zero")?;
            Ok(device::zero(table.unwrap_or(0))?)
        }
        Some(Cmd::Confine(args)) => {
            device_catalog(arch, "confine")?;
            confine::run(&args).map_err(Error::Plain)
        }
        Some(Cmd::Ps) => {
            device_catalog(arch, "ps")?;
            put(ps::run().map_err(Error::Plain)?.as_bytes())
        }
        Some(Cmd::Learn { cmd }) => {
            let cat = if learn::reads_device(&cmd) {
                device_catalog(arch, "learn generate (reading the device)")?
            } else {
                catalog(arch)
            };
            put(learn::run(&cat, &cmd).map_err(Error::Plain)?.as_bytes())
        }
        Some(Cmd::Diff { file }) => {
            let cat = device_catalog(arch, "diff").map_err(|e| Error::Report {
                status: 2,
                lines: error_lines(&e),
            })?;
            diff_cmd(&cat, &file)
        }
        Some(Cmd::Explain {
            table,
            abi,
            syscall,
            args,
        }) => {
            let cat = device_catalog(arch, "explain")?;
            let abi = explain::abi_index(&cat, &abi).map_err(|m| usage(&m))?;
            let text = device::read_snapshot()?.text;
            let out = explain::explain(&cat, &text, &table, abi, &syscall, &args)
                .map_err(Error::Plain)?;
            put(out.as_bytes())
        }
        Some(Cmd::Groups) => put(groups::describe(&catalog(arch)).as_bytes()),
        Some(Cmd::GenerateMan { dir }) => {
            use clap::CommandFactory;
            man::generate(Cli::command(), &dir)
                .map(drop)
                .map_err(|e| Error::Plain(format!("{}: {}", dir.display(), device::describe(&e))))
        }
        Some(Cmd::Completions { shell }) => {
            use clap::CommandFactory;
            let mut out = Vec::new();
            man::completions(shell, &mut Cli::command(), &mut out);
            put(&out)
        }
        None if !cli.list.list => edit_cmd(&cli),
        None => {
            let cat = device_catalog(arch, "-L")?;
            // clap guarantees -L here (arg_required_else_help, requires).
            let opts = ListOpts {
                table: cli.list.table,
                verbose: cli.list.verbose,
                numeric: cli.list.numeric,
                line_numbers: cli.list.line_numbers,
                exact: cli.list.exact,
            };
            let text = device::read_snapshot()?.text;
            let out = list::render(&cat, &text, &opts).map_err(Error::Plain)?;
            put(out.as_bytes())
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::try_parse_args(std::env::args_os()).unwrap_or_else(|e| e.exit());
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            for line in error_lines(&e) {
                eprintln!("{line}");
            }
            ExitCode::from(match e {
                Error::Report { status, .. } => status,
                _ => 1,
            })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::error::ErrorKind;

    /// The catalog the texts speak.
    const X86: ArchCatalog = ArchCatalog::new(Arch::X86_64);

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_args(std::iter::once("smctl").chain(args.iter().copied()))
    }

    fn usage_error(args: &[&str]) -> ErrorKind {
        let e = parse(args).expect_err("a usage error");
        // Every usage error exits with status 2.
        assert_eq!(e.exit_code(), 2, "{args:?}: {e}");
        e.kind()
    }

    #[test]
    fn cli_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }

    #[test]
    fn restore_flags_and_file() {
        let cli = parse(&["restore", "--test", "--loosen", "rules.txt"]).unwrap();
        assert_eq!(
            cli.cmd,
            Some(Cmd::Restore {
                test: true,
                loosen: true,
                file: "rules.txt".into()
            })
        );
        assert!(!cli.list.list);
        let cli = parse(&["restore", "-"]).unwrap();
        assert_eq!(
            cli.cmd,
            Some(Cmd::Restore {
                test: false,
                loosen: false,
                file: "-".into()
            })
        );
    }

    #[test]
    fn save_and_check() {
        assert_eq!(
            parse(&["save"]).unwrap().cmd,
            Some(Cmd::Save { counters: false })
        );
        assert_eq!(
            parse(&["save", "-c"]).unwrap().cmd,
            Some(Cmd::Save { counters: true })
        );
        assert_eq!(
            parse(&["save", "--counters"]).unwrap().cmd,
            Some(Cmd::Save { counters: true })
        );
        assert_eq!(
            parse(&["check", "x"]).unwrap().cmd,
            Some(Cmd::Check { file: "x".into() })
        );
    }

    #[test]
    fn list_options() {
        let cli = parse(&["-L"]).unwrap();
        assert_eq!(cli.cmd, None);
        assert_eq!(
            cli.list,
            ListArgs {
                list: true,
                ..ListArgs::default()
            }
        );
        let cli = parse(&["-L", "-t", "3", "-v", "-n", "--line-numbers"]).unwrap();
        assert_eq!(
            cli.list,
            ListArgs {
                list: true,
                table: Some(select::TableSel::Mode(3)),
                verbose: true,
                numeric: true,
                line_numbers: true,
                exact: false,
            }
        );
        // Bundled short options, as with iptables -Lvn.
        let cli = parse(&["-Lvn", "--line-numbers", "-t2147483647"]).unwrap();
        assert!(cli.list.list && cli.list.verbose && cli.list.numeric && cli.list.line_numbers);
        assert_eq!(cli.list.table, Some(select::TableSel::Mode(2_147_483_647)));
        let cli = parse(&["--list", "--table", "7"]).unwrap();
        assert_eq!(cli.list.table, Some(select::TableSel::Mode(7)));
        // By name, and -x.
        let cli = parse(&["-Lvx", "-t", "netd"]).unwrap();
        assert_eq!(cli.list.table, Some(select::TableSel::Name("netd".into())));
        assert!(cli.list.exact);
    }

    #[test]
    fn usage_errors_exit_2() {
        assert_eq!(
            usage_error(&[]),
            ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand
        );
        assert_eq!(
            usage_error(&["restore"]),
            ErrorKind::MissingRequiredArgument
        );
        assert_eq!(
            usage_error(&["restore", "a", "b"]),
            ErrorKind::UnknownArgument
        );
        assert_eq!(usage_error(&["save", "-x"]), ErrorKind::UnknownArgument);
        assert_eq!(usage_error(&["check"]), ErrorKind::MissingRequiredArgument);
        assert_eq!(usage_error(&["frobnicate"]), ErrorKind::InvalidSubcommand);
        // -L's options need -L, and -L takes no subcommand.
        assert_eq!(usage_error(&["-v"]), ErrorKind::MissingRequiredArgument);
        assert_eq!(
            usage_error(&["-t", "3"]),
            ErrorKind::MissingRequiredArgument
        );
        assert_eq!(usage_error(&["-L", "save"]), ErrorKind::ArgumentConflict);
        assert_eq!(
            usage_error(&["-L", "-t", "3", "check", "f"]),
            ErrorKind::ArgumentConflict
        );
        let e = parse(&["-Lv", "groups"]).unwrap_err().to_string();
        assert!(
            e.contains("the subcommand 'groups' cannot be used with -L"),
            "{e}"
        );
        // Table numbers are 3 to 2147483647.
        assert_eq!(usage_error(&["-L", "-t", "2"]), ErrorKind::ValueValidation);
        assert_eq!(
            usage_error(&["-L", "-t", "2147483648"]),
            ErrorKind::ValueValidation
        );
        assert_eq!(usage_error(&["-L", "-t", "-x"]), ErrorKind::InvalidValue);
        assert_eq!(
            usage_error(&["-L", "-t", "a b"]),
            ErrorKind::ValueValidation
        );
        assert_eq!(usage_error(&["-x"]), ErrorKind::MissingRequiredArgument);
    }

    #[test]
    fn refusal_messages() {
        let at = Error::Refused {
            file: "rules.txt".into(),
            refusal: Refusal {
                errno: libc::EINVAL,
                line: 3,
                col: 14,
                msg: "unknown syscall".into(),
            },
        };
        assert_eq!(
            error_lines(&at),
            ["smctl: Invalid argument", "rules.txt:3:14: unknown syscall"]
        );
        let whole = Error::Refused {
            file: "<stdin>".into(),
            refusal: Refusal {
                errno: libc::EPERM,
                line: 0,
                col: 0,
                msg: "commit newly allows syscalls: x86_64 mkdir".into(),
            },
        };
        assert_eq!(
            error_lines(&whole),
            [
                "smctl: Operation not permitted",
                "smctl: commit newly allows syscalls: x86_64 mkdir"
            ]
        );
        let bare = Error::Refused {
            file: "f".into(),
            refusal: Refusal {
                errno: libc::EBUSY,
                line: 0,
                col: 0,
                msg: String::new(),
            },
        };
        assert_eq!(error_lines(&bare), ["smctl: Device or resource busy"]);
    }

    #[test]
    fn save_without_counters_is_canonical() {
        let with =
            b"*mode 3 t\n:x86_64 MODE2 [5]\n[2] -A x86_64 -s openat -j ERRNO EACCES\nCOMMIT\n\
                     *mode 9\n:ia32 KILL [0]\nCOMMIT\n";
        let out = strip_counters(&X86, with).unwrap();
        assert_eq!(
            String::from_utf8(out.clone()).unwrap(),
            "*mode 3 t\n:x86_64 MODE2\n-A x86_64 -s openat -j ERRNO EACCES\nCOMMIT\n\
             *mode 9\n:ia32 KILL\nCOMMIT\n"
        );
        // Other counters, same tables: the same bytes.
        let other = String::from_utf8(with.to_vec())
            .unwrap()
            .replace("[5]", "[77]")
            .replace("[2]", "[0]");
        assert_eq!(strip_counters(&X86, other.as_bytes()).unwrap(), out);
        assert!(strip_counters(&X86, b"*mode 3\n").is_err());
        assert_eq!(strip_counters(&X86, b"").unwrap(), b"");
    }

    /// The editing request of a command line.
    fn edit_request(args: &[&str]) -> Result<Option<edit::Request>, String> {
        let cli = parse(args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        edit::request(&X86, &cli.edit, cli.list.table.clone())
    }

    #[test]
    fn editing_command_lines() {
        use edit::{Op, Request, Which};
        use select::TableSel;
        let edit = |table: TableSel, op: Op| {
            Ok(Some(Request::Edit {
                table,
                op,
                loosen: false,
            }))
        };
        // The rule after the chain, hyphens and negative numbers included.
        assert_eq!(
            edit_request(&[
                "-t", "3", "-A", "x86_64", "-s", "openat", "--a0:s32", "eq", "-100", "-j", "ALLOW"
            ]),
            edit(
                TableSel::Mode(3),
                Op::Append {
                    chain: "x86_64".into(),
                    rule: "-s openat --a0:s32 eq -100 -j ALLOW".into()
                }
            )
        );
        // As one quoted word, and a rule without -s.
        assert_eq!(
            edit_request(&["-t", "netd", "--append", "fc", "--a1 in 1,2 -j ALLOW"]),
            edit(
                TableSel::Name("netd".into()),
                Op::Append {
                    chain: "fc".into(),
                    rule: "--a1 in 1,2 -j ALLOW".into()
                }
            )
        );
        assert_eq!(
            edit_request(&["-t3", "-I", "x86_64", "2", "-j", "LOG"]),
            edit(
                TableSel::Mode(3),
                Op::Insert {
                    chain: "x86_64".into(),
                    pos: 2,
                    rule: "-j LOG".into()
                }
            )
        );
        assert_eq!(
            edit_request(&["-t", "3", "-D", "x86_64", "4"]),
            edit(
                TableSel::Mode(3),
                Op::Delete {
                    chain: "x86_64".into(),
                    which: Which::Number(4)
                }
            )
        );
        assert_eq!(
            edit_request(&["-t", "3", "-P", "ia32", "ERRNO", "EPERM"]),
            edit(
                TableSel::Mode(3),
                Op::Policy {
                    chain: "ia32".into(),
                    target: "ERRNO EPERM".into()
                }
            )
        );
        assert_eq!(
            edit_request(&["-F", "-t", "3"]),
            edit(TableSel::Mode(3), Op::Flush(None))
        );
        assert_eq!(
            edit_request(&["-t", "3", "-X", "fc"]),
            edit(TableSel::Mode(3), Op::DeleteChain(Some("fc".into())))
        );
        assert_eq!(
            edit_request(&["-t", "3", "-N", "fc", "x86_64"]),
            edit(
                TableSel::Mode(3),
                Op::NewChain {
                    chain: "fc".into(),
                    abi: "x86_64".into()
                }
            )
        );
        assert_eq!(
            edit_request(&[
                "--loosen", "-t", "3", "-R", "x86_64", "1", "-s", "mkdir", "-j", "ALLOW"
            ]),
            Ok(Some(Request::Edit {
                table: TableSel::Mode(3),
                op: Op::Replace {
                    chain: "x86_64".into(),
                    pos: 1,
                    rule: "-s mkdir -j ALLOW".into()
                },
                loosen: true
            }))
        );
        assert_eq!(edit_request(&["-Z"]), Ok(Some(Request::Zero(None))));
        // Usage errors after clap: no table, -Z with a chain.
        assert!(edit_request(&["-A", "x86_64", "-j", "LOG"]).is_err());
        assert!(edit_request(&["-Z", "x86_64"]).is_err());
    }

    #[test]
    fn editing_usage_errors_exit_2() {
        // One command at a time, not with -L, not with a subcommand.
        assert_eq!(
            usage_error(&["-t", "3", "-F", "-A", "x86_64", "-j", "LOG"]),
            ErrorKind::ArgumentConflict
        );
        assert_eq!(
            usage_error(&["-t", "3", "-R", "x86_64", "1"]),
            ErrorKind::TooFewValues
        );
        assert_eq!(
            usage_error(&["-t", "3", "-N", "c"]),
            ErrorKind::WrongNumberOfValues
        );
        assert_eq!(
            usage_error(&["-L", "-F", "x86_64"]),
            ErrorKind::ArgumentConflict
        );
        assert_eq!(
            usage_error(&["--loosen", "-L"]),
            ErrorKind::MissingRequiredArgument
        );
        assert_eq!(usage_error(&["-A"]), ErrorKind::InvalidValue);
        assert_eq!(usage_error(&["-A", "x86_64"]), ErrorKind::TooFewValues);
        let e = edit_cmd(&parse(&["-A", "x86_64", "-j", "LOG"]).unwrap()).unwrap_err();
        assert!(matches!(e, Error::Report { status: 2, .. }), "{e:?}");
        assert_eq!(
            error_lines(&e)[0],
            "smctl: editing needs the table: -t N|NAME"
        );
    }

    #[test]
    fn diff_explain_groups_and_helpers() {
        assert_eq!(
            parse(&["diff", "f"]).unwrap().cmd,
            Some(Cmd::Diff { file: "f".into() })
        );
        assert_eq!(
            parse(&["explain", "-t", "netd", "x86_64", "openat", "-100", "0x10"])
                .unwrap()
                .cmd,
            Some(Cmd::Explain {
                table: select::TableSel::Name("netd".into()),
                abi: "x86_64".into(),
                syscall: "openat".into(),
                args: vec![(-100i64) as u64, 16],
            })
        );
        assert_eq!(
            usage_error(&["explain", "-t", "3", "sparc", "read"]),
            ErrorKind::InvalidValue
        );
        assert_eq!(
            usage_error(&[
                "explain", "-t", "3", "x86_64", "read", "1", "2", "3", "4", "5", "6", "7"
            ]),
            ErrorKind::TooManyValues
        );
        assert_eq!(
            usage_error(&["explain", "x86_64", "read"]),
            ErrorKind::MissingRequiredArgument
        );
        assert_eq!(
            usage_error(&["explain", "-t", "3", "x86_64", "read", "zz"]),
            ErrorKind::ValueValidation
        );
        assert_eq!(parse(&["groups"]).unwrap().cmd, Some(Cmd::Groups));
        assert_eq!(
            parse(&["completions", "zsh"]).unwrap().cmd,
            Some(Cmd::Completions {
                shell: clap_complete::Shell::Zsh
            })
        );
        assert!(parse(&["generate-man", "/tmp/x"]).is_ok());
    }

    #[test]
    fn arch_option() {
        assert_eq!(parse(&["check", "f"]).unwrap().arch, None);
        for args in [
            &["--arch", "arm64", "check", "f"][..],
            &["check", "--arch", "arm64", "f"],
            &["check", "f", "--arch=arm64"],
        ] {
            let cli = parse(args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
            assert_eq!(cli.arch, Some(Arch::Arm64), "{args:?}");
            assert_eq!(cli.cmd, Some(Cmd::Check { file: "f".into() }));
        }
        assert_eq!(
            parse(&["groups", "--arch", "x86_64"]).unwrap().arch,
            Some(Arch::X86_64)
        );
        let cli = parse(&["learn", "template", "-t", "3", "--arch", "arm64"]).unwrap();
        assert_eq!(cli.arch, Some(Arch::Arm64));
        assert!(parse(&["-L", "--arch", "arm64"]).unwrap().list.list);
        // Bad values: clap's error, naming the possible ones.
        for bad in ["aarch64", "arm", "", "X86_64"] {
            assert_eq!(
                usage_error(&["--arch", bad, "check", "f"]),
                ErrorKind::InvalidValue,
                "{bad}"
            );
        }
        let e = parse(&["check", "--arch", "sparc", "f"])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("sparc") && e.contains("[possible values: x86_64, arm64]"),
            "{e}"
        );
        assert_eq!(usage_error(&["--arch"]), ErrorKind::InvalidValue);
    }

    #[test]
    fn foreign_arch_only_for_rules_alone() {
        let native = Arch::native();
        let foreign = if native == Arch::X86_64 {
            Arch::Arm64
        } else {
            Arch::X86_64
        };
        assert_eq!(catalog(None), ArchCatalog::native());
        assert_eq!(catalog(Some(foreign)).arch(), foreign);
        assert_eq!(device_catalog(None, "save").unwrap().arch(), native);
        assert_eq!(device_catalog(Some(native), "save").unwrap().arch(), native);
        let e = device_catalog(Some(foreign), "save").unwrap_err();
        assert!(matches!(e, Error::Report { status: 2, .. }), "{e:?}");
        let line = &error_lines(&e)[0];
        assert!(
            line.starts_with(&format!(
                "smctl: --arch {foreign}: save works on this machine's module"
            )) && line.contains(&native.chains().join(", ")),
            "{line}"
        );
        // Every command that talks to the module refuses it before any
        // device access (the test machine may have none).
        for args in [
            &["save"][..],
            &["-L"],
            &["restore", "/nonexistent"],
            &["diff", "/nonexistent"],
            &["explain", "-t", "3", "x86_64", "read"],
            &["-t", "3", "-F"],
            &["-Z"],
            &["zero"],
            &["ps"],
            &["learn", "generate", "-t", "3"],
        ] {
            let mut all = vec!["--arch", foreign.name()];
            all.extend_from_slice(args);
            let e = run(parse(&all).unwrap()).unwrap_err();
            assert!(
                error_lines(&e)[0].starts_with(&format!("smctl: --arch {foreign}: ")),
                "{all:?}: {e:?}"
            );
            assert!(
                matches!(e, Error::Report { status: 2, .. }),
                "{all:?}: {e:?}"
            );
        }
        // learn without the device takes it.
        let cli = parse(&["--arch", foreign.name(), "learn", "template", "-t", "3"]).unwrap();
        let Some(Cmd::Learn { cmd }) = cli.cmd else {
            panic!()
        };
        assert!(!learn::reads_device(&cmd));
        let t = learn::run(&catalog(Some(foreign)), &cmd).unwrap();
        assert!(
            t.contains(&format!("\n:{} KILL\n", foreign.chains()[0])),
            "{t}"
        );
    }

    #[test]
    fn check_for_another_architecture() {
        let arm = ArchCatalog::new(Arch::Arm64);
        let text = b"*mode 3 netd\n:arm64 MODE2\n:arm KILL\n\
            -A arm64 -s openat --a2:u32 masked 0x3 0x0 -j ALLOW\n\
            -A arm64 -s @io-event,@time -j ALLOW\n-A arm -s @memory -j ALLOW\nCOMMIT\n";
        assert_eq!(
            check_text(&arm, "netd.rules", text).unwrap(),
            "netd.rules: ok (1 table, 3 rules)\n"
        );
        // The same text on x86_64: the parser takes `:arm64 MODE2` for a
        // user chain of ABI MODE2; smctl says whose chain it is.
        let e = check_text(&X86, "netd.rules", text).unwrap_err();
        assert_eq!(
            error_lines(&e),
            [
                "netd.rules:2:8: unknown ABI: MODE2 (arm64 is a chain of arm64, not of x86_64: \
                 --arch arm64 checks rules for arm64)"
            ]
        );
        // x86 chains on arm64: the chain is named as unknown, at its place.
        let e =
            check_text(&arm, "-", b"*mode 3\n-A x86_64 -s read -j ALLOW\nCOMMIT\n").unwrap_err();
        assert_eq!(
            error_lines(&e),
            [
                "<stdin>:2:4: unknown chain: declare a user chain with :NAME ABI before its rules: \
                 x86_64 (x86_64 is a chain of x86_64, not of arm64: --arch x86_64 checks rules for \
                 x86_64)"
            ]
        );
        let e = check_text(&arm, "-", b"*mode 3\n:c ia32\nCOMMIT\n").unwrap_err();
        assert!(error_lines(&e)[0].contains("(ia32 is a chain of x86_64, not of arm64"));
        // A user chain called like another architecture's chain is fine.
        assert!(check_text(&arm, "-", b"*mode 3\n:x86_64 arm64\nCOMMIT\n").is_ok());
        let e = check_text(&arm, "-", b"*mode 3\n-A arm64 -s open -j ALLOW\nCOMMIT\n").unwrap_err();
        assert_eq!(
            error_lines(&e),
            ["<stdin>:2:13: unknown syscall name for the chain's ABI: open"]
        );
    }
}
