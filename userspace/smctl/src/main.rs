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
//! ```
//!
//! Exit status: 0 done, 1 refused or failed (the reason on stderr: the errno,
//! then `FILE:LINE:COL: message` for an error in the text), 2 usage.

mod device;
mod list;
mod never;

use std::io::{Read, Write};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};
use smrules::catalog::X86Catalog;
use smrules::rules::{compile, parse, print};

use device::{Failure, Refusal};
use list::ListOpts;

/// Load, save and list seccomp_mode's rule tables (modes 3 and up).
#[derive(Parser, Debug)]
#[command(
    version,
    about,
    args_conflicts_with_subcommands = true,
    arg_required_else_help = true,
    override_usage = "smctl restore [--test] [--loosen] <FILE|->\n       \
                      smctl save [-c]\n       \
                      smctl -L [-t N] [-v] [-n] [--line-numbers]\n       \
                      smctl zero [-t N]\n       \
                      smctl check <FILE|->"
)]
struct Cli {
    #[command(flatten)]
    list: ListArgs,
    #[command(subcommand)]
    cmd: Option<Cmd>,
}

/// `-L` and its options (like `iptables -L -v -n --line-numbers`).
#[derive(Args, Debug, Default, PartialEq, Eq)]
struct ListArgs {
    /// List each table's chains and rules.
    #[arg(short = 'L', long = "list")]
    list: bool,
    /// Only table N.
    #[arg(
        short = 't',
        long = "table",
        value_name = "N",
        requires = "list",
        value_parser = clap::value_parser!(u32).range(3..=i64::from(i32::MAX))
    )]
    table: Option<u32>,
    /// Show hit counts of rules and policies.
    #[arg(short = 'v', long = "verbose", requires = "list")]
    verbose: bool,
    /// Syscall and errno numbers instead of names.
    #[arg(short = 'n', long = "numeric", requires = "list")]
    numeric: bool,
    /// Number the rules of each chain (as log lines' rule=<chain>#<n>).
    #[arg(long = "line-numbers", requires = "list")]
    line_numbers: bool,
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
    /// Parse and compile a ruleset text on this host, without the module
    /// (errors as FILE:LINE:COL: message; warnings for ALLOW rules that reach
    /// the static modes' never-list).
    Check {
        /// The ruleset text, `-` for standard input.
        #[arg(value_name = "FILE|-")]
        file: String,
    },
}

/// Why a command failed (exit status 1).
#[derive(Debug)]
enum Error {
    /// One line: `smctl: <text>`.
    Plain(String),
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

/// The tables of `save -c` text printed again without counters.
fn strip_counters(text: &[u8]) -> Result<Vec<u8>, Error> {
    let cat = X86Catalog;
    let rs = parse::parse_dump(text, &cat).map_err(|e| {
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
    print::ruleset(&mut out, &rs, &cat, &opts)
        .map_err(|_| Error::Plain("out of memory".to_owned()))?;
    Ok(out)
}

/// `smctl check`: parse and compile, warnings on stderr, a summary on
/// stdout.
fn check(file: &str) -> Result<(), Error> {
    let name = display_name(file);
    let text = read_input(file)?;
    let cat = X86Catalog;
    let text_error = |e: smrules::rules::Error| {
        let mut msg = e.msg.to_owned();
        if !e.detail().is_empty() {
            msg = format!("{msg}: {}", e.detail());
        }
        Error::Text {
            file: name.clone(),
            line: e.line,
            col: e.col,
            msg,
        }
    };
    let rs = parse::parse(&text, &cat).map_err(text_error)?;
    let (mut tables, mut rules) = (0usize, 0usize);
    for t in rs.tables {
        for w in never::warnings(&t) {
            eprintln!("{name}: warning: {w}");
        }
        tables += 1;
        rules += t.rules.len();
        compile::compile(t, &cat).map_err(text_error)?;
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
    put(format!("{name}: ok ({tables}, {rules})\n").as_bytes())
}

/// Runs a parsed command line.
fn run(cli: Cli) -> Result<(), Error> {
    match cli.cmd {
        Some(Cmd::Restore { test, loosen, file }) => {
            let text = read_input(&file)?;
            let mut flags = 0;
            if test {
                flags |= device::COMMIT_TEST;
            }
            if loosen {
                flags |= device::COMMIT_LOOSEN;
            }
            device::commit(&text, flags).map_err(|f| match Error::from(f) {
                Error::Refused { refusal, .. } => Error::Refused {
                    file: display_name(&file),
                    refusal,
                },
                other => other,
            })
        }
        Some(Cmd::Save { counters }) => {
            let text = device::read_tables()?;
            if counters {
                put(&text)
            } else {
                put(&strip_counters(&text)?)
            }
        }
        Some(Cmd::Check { file }) => check(&file),
        Some(Cmd::Zero { table }) => Ok(device::zero(table.unwrap_or(0))?),
        None => {
            // clap guarantees -L here (arg_required_else_help, requires).
            let opts = ListOpts {
                table: cli.list.table,
                verbose: cli.list.verbose,
                numeric: cli.list.numeric,
                line_numbers: cli.list.line_numbers,
            };
            let text = device::read_tables()?;
            let out = list::render(&text, &opts).map_err(Error::Plain)?;
            put(out.as_bytes())
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            for line in error_lines(&e) {
                eprintln!("{line}");
            }
            ExitCode::from(1)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::error::ErrorKind;

    fn parse(args: &[&str]) -> Result<Cli, clap::Error> {
        Cli::try_parse_from(std::iter::once("smctl").chain(args.iter().copied()))
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
                table: Some(3),
                verbose: true,
                numeric: true,
                line_numbers: true,
            }
        );
        // Bundled short options, as with iptables -Lvn.
        let cli = parse(&["-Lvn", "--line-numbers", "-t2147483647"]).unwrap();
        assert!(cli.list.list && cli.list.verbose && cli.list.numeric && cli.list.line_numbers);
        assert_eq!(cli.list.table, Some(2_147_483_647));
        let cli = parse(&["--list", "--table", "7"]).unwrap();
        assert_eq!(cli.list.table, Some(7));
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
        // Table numbers are 3 to 2147483647.
        assert_eq!(usage_error(&["-L", "-t", "2"]), ErrorKind::ValueValidation);
        assert_eq!(
            usage_error(&["-L", "-t", "2147483648"]),
            ErrorKind::ValueValidation
        );
        assert_eq!(usage_error(&["-L", "-t", "x"]), ErrorKind::ValueValidation);
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
        let out = strip_counters(with).unwrap();
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
        assert_eq!(strip_counters(other.as_bytes()).unwrap(), out);
        assert!(strip_counters(b"*mode 3\n").is_err());
        assert_eq!(strip_counters(b"").unwrap(), b"");
    }
}
