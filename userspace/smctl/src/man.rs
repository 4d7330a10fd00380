// SPDX-License-Identifier: GPL-2.0

//! The manual pages and shell completions, generated from the clap
//! definitions so that they cannot drift from the parser: `smctl
//! generate-man DIR` writes `smctl.8` (with the exit status, files and
//! examples) and one `smctl-SUBCOMMAND.8` per subcommand; `smctl
//! completions bash|zsh|fish` prints a completion script. Both are hidden
//! subcommands that `make install` runs.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::Command;

/// The manual section: system administration.
pub const SECTION: &str = "8";

/// The extra sections of `smctl.8`, in roff.
const EXTRA: &str = r#".SH "EDITING"
Each editing command (\fB\-A\fR, \fB\-I\fR, \fB\-D\fR, \fB\-R\fR, \fB\-F\fR,
\fB\-N\fR, \fB\-X\fR, \fB\-P\fR) is one read\-modify\-write transaction on
table \fB\-t\fR \fIN\fR|\fINAME\fR: smctl reads the tables and their
generation from the device, changes the table, checks it with the module's
own parser and compiler, and commits it with SM_COMMIT_IF_GEN. If another
commit came in between, the module refuses with EAGAIN and changes nothing;
smctl then reads again and redoes the edit, up to 100 times. An edit
replaces the table, so its hit counters restart from 0. The table must
exist (create it with \fBsmctl restore\fR). \fB\-Z\fR zeroes whole tables only.
.PP
RULE is the rule text after \fB\-A\fR \fICHAIN\fR in the ruleset language,
for example \fB\-s openat \-\-a2:u32 masked 0x3 0 \-j ALLOW\fR; \fB\-s\fR lists
may name syscall groups such as \fB@basic\-io\fR (\fBsmctl groups\fR lists
them), which smctl expands before anything reaches the module.
.SH "ARCHITECTURES"
The built\-in chains of a table are the ABIs of the architecture the module
runs on: \fBx86_64\fR, \fBia32\fR and \fBx32\fR on x86_64; \fBarm64\fR and
\fBarm\fR (AArch32) on arm64. Syscall names, numbers and argument sizes are
each ABI's own. smctl speaks the chains of the machine it was built for.
\fB\-\-arch\fR \fBx86_64\fR|\fBarm64\fR (anywhere on the command line)
selects another architecture for the commands that work on rules alone:
\fBcheck\fR, \fBgroups\fR, \fBlearn template\fR and \fBlearn generate\fR
with \fB\-\-no\-device\fR or \fB\-\-from\-log\fR. The commands that talk
to the module refuse an \fB\-\-arch\fR other than the machine's (exit 2).
.SH "EXIT STATUS"
.TP
.B 0
Done, or nothing to do.
.TP
.B 1
Refused: by the module (its errno on the first line of standard error, then
\fIFILE\fR:\fILINE\fR:\fICOL\fR: \fImessage\fR), or by smctl for the same
reasons (no such chain, rule number or table). For \fBdiff\fR: the tables
differ.
.TP
.B 2
Usage error, or \fB\-\-arch\fR of another architecture for a command that
talks to the module. For \fBdiff\fR: trouble (FILE or the device
unreadable).
.SH "FILES"
.TP
.I /dev/seccomp_mode
The module's device: write, commit, read (root, unconfined callers only).
.TP
.I /proc/seccomp_mode
Confined processes and counters.
.SH "EXAMPLES"
.nf
smctl restore netd.rules
smctl \-L \-v \-\-line\-numbers
smctl \-t netd \-A x86_64 \-s @time,getpid \-j ALLOW
smctl \-t 3 \-I x86_64 2 \-s mkdir \-j ERRNO EACCES
smctl \-t 3 \-D x86_64 2
smctl \-t 3 \-P ia32 ERRNO EPERM
smctl diff new.rules
smctl explain \-t 3 x86_64 openat \-100 0 0x241
smctl check \-\-arch arm64 netd\-arm64.rules
.fi
.SH "SEE ALSO"
\fBprctl\fR(2), \fBseccomp\fR(2), \fBiptables\fR(8); docs/modes.md and
docs/smctl.md of seccomp_mode.
"#;

/// Renders the page of `cmd` (already built), with `extra` roff after its
/// subcommands and before its version.
fn render(cmd: Command, extra: &str) -> io::Result<Vec<u8>> {
    let has_subcommands = cmd.get_subcommands().any(|s| !s.is_hide_set());
    let man = clap_mangen::Man::new(cmd)
        .section(SECTION)
        .manual("System Administration")
        .source("seccomp_mode");
    let mut out = Vec::new();
    if extra.is_empty() {
        man.render(&mut out)?;
        return Ok(out);
    }
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;
    if has_subcommands {
        man.render_subcommands_section(&mut out)?;
    }
    out.extend_from_slice(extra.as_bytes());
    man.render_version_section(&mut out)?;
    Ok(out)
}

/// Writes `smctl.8` and a page per visible subcommand into `dir`; the
/// paths written.
pub fn generate(cmd: Command, dir: &Path) -> io::Result<Vec<PathBuf>> {
    let mut cmd = cmd.disable_help_subcommand(true);
    cmd.build();
    std::fs::create_dir_all(dir)?;
    let mut written = Vec::new();
    let mut write = |name: String, bytes: Vec<u8>| -> io::Result<()> {
        let path = dir.join(format!("{name}.{SECTION}"));
        let mut f = std::fs::File::create(&path)?;
        f.write_all(&bytes)?;
        written.push(path);
        Ok(())
    };
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        let name = sub
            .get_display_name()
            .unwrap_or_else(|| sub.get_name())
            .to_owned();
        write(name, render(sub.clone(), "")?)?;
    }
    write(cmd.get_name().to_owned(), render(cmd, EXTRA)?)?;
    Ok(written)
}

/// Writes the completion script of `shell` for `cmd` to `out`.
pub fn completions(shell: clap_complete::Shell, cmd: &mut Command, out: &mut dyn Write) {
    clap_complete::generate(shell, cmd, "smctl", out);
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn pages_name_every_option_and_subcommand() {
        let dir = std::env::temp_dir().join(format!("smctl-man-{}", std::process::id()));
        let paths = generate(crate::Cli::command(), &dir).unwrap();
        let main = std::fs::read_to_string(dir.join("smctl.8")).unwrap();
        assert!(
            main.starts_with(".ie \\n(.g .ds Aq") || main.contains(".TH smctl 8"),
            "{main}"
        );
        assert!(main.contains(".TH smctl 8"), "{main}");
        for want in [
            "\\-\\-append",
            "\\-\\-insert",
            "\\-\\-delete",
            "\\-\\-replace",
            "\\-\\-flush",
            "\\-\\-new\\-chain",
            "\\-\\-delete\\-chain",
            "\\-\\-policy",
            "\\-\\-zero",
            "\\-\\-list",
            "\\-\\-exact",
            "\\-\\-loosen",
            "smctl\\-restore(8)",
            "smctl\\-diff(8)",
            "smctl\\-explain(8)",
            "EXIT STATUS",
            "SM_COMMIT_IF_GEN",
            "ARCHITECTURES",
            "\\-\\-arch",
            "arm64",
        ] {
            assert!(main.contains(want), "smctl.8 lacks {want}");
        }
        for sub in [
            "restore", "save", "check", "diff", "explain", "groups", "zero",
        ] {
            let p = dir.join(format!("smctl-{sub}.8"));
            assert!(paths.contains(&p), "{p:?} not in {paths:?}");
            let page = std::fs::read_to_string(&p).unwrap();
            assert!(page.contains(&format!(".TH smctl-{sub} 8")), "{page}");
            // The global --arch, on every page.
            assert!(page.contains("\\-\\-arch"), "smctl-{sub}.8 lacks --arch");
        }
        // Hidden helpers get no page.
        assert!(!dir.join("smctl-generate-man.8").exists());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn completions_for_every_shell() {
        for (shell, want) in [
            (clap_complete::Shell::Bash, "complete -F _smctl"),
            (clap_complete::Shell::Zsh, "#compdef smctl"),
            (clap_complete::Shell::Fish, "complete -c smctl"),
        ] {
            let mut out = Vec::new();
            completions(shell, &mut crate::Cli::command(), &mut out);
            let s = String::from_utf8(out).unwrap();
            assert!(s.contains(want), "{shell}: {s}");
            assert!(s.contains("explain") && s.contains("append"), "{shell}");
        }
    }
}
