// SPDX-License-Identifier: GPL-2.0

//! `smctl ps`: the confined processes of `/proc/seccomp_mode`, one per
//! line, aligned:
//!
//! ```text
//!   PID  MODE       STATE     VIOLATIONS  COMM
//!   412  2          enforce            0  netd
//!   431  12 httpd   complain          17  httpd
//! ```
//!
//! Table names come from the device when it can be read (root, unconfined);
//! otherwise the numbers alone are shown.

use crate::confine::{parse_status, tables_of, Confined, STATUS};
use crate::device;

/// The listing of `procs`, with table names from `names`.
pub fn render(procs: &[Confined], names: &[(u32, Option<String>)]) -> String {
    let rows: Vec<[String; 5]> = procs
        .iter()
        .map(|c| {
            let mode = match names.iter().find(|(m, _)| *m == c.mode) {
                Some((_, Some(name))) => format!("{} {name}", c.mode),
                _ => c.mode.to_string(),
            };
            [
                c.pid.to_string(),
                mode,
                if c.complain { "complain" } else { "enforce" }.to_owned(),
                c.violations.to_string(),
                c.comm.clone(),
            ]
        })
        .collect();
    let head = ["PID", "MODE", "STATE", "VIOLATIONS", "COMM"];
    let mut width = head.map(str::len);
    for r in &rows {
        for (w, cell) in width.iter_mut().zip(r) {
            *w = (*w).max(cell.len());
        }
    }
    let line = |cells: [&str; 5]| {
        format!(
            "{:>w0$}  {:<w1$}  {:<w2$}  {:>w3$}  {}\n",
            cells[0],
            cells[1],
            cells[2],
            cells[3],
            cells[4],
            w0 = width[0],
            w1 = width[1],
            w2 = width[2],
            w3 = width[3],
        )
    };
    let mut out = line(head);
    for r in &rows {
        out.push_str(&line([&r[0], &r[1], &r[2], &r[3], &r[4]]));
    }
    out
}

/// `smctl ps`: the listing, or why `/proc/seccomp_mode` cannot be read.
pub fn run() -> Result<String, String> {
    let text = std::fs::read_to_string(STATUS).map_err(|e| {
        let mut msg = format!("{STATUS}: {}", device::describe(&e));
        if e.kind() == std::io::ErrorKind::NotFound {
            msg.push_str(" (is seccomp_mode loaded?)");
        }
        msg
    })?;
    let procs = parse_status(&text);
    // Names are a nicety: without the device (tables=0, not root) the
    // numbers stand alone.
    let names = device::read_tables()
        .map(|t| tables_of(&String::from_utf8_lossy(&t)))
        .unwrap_or_default();
    Ok(render(&procs, &names))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligned_columns_with_table_names() {
        let procs = parse_status(
            "# pid mode flags violations comm\n\
             412 2 enforce 0 netd\n\
             4313 12 log 17 busybox httpd\n\
             # mode abi entered killed logged\n",
        );
        let out = render(&procs, &[(12, Some("httpd".into()))]);
        assert_eq!(
            out,
            " PID  MODE      STATE     VIOLATIONS  COMM\n \
             412  2         enforce            0  netd\n\
             4313  12 httpd  complain          17  busybox httpd\n"
        );
        assert_eq!(render(&[], &[]), "PID  MODE  STATE  VIOLATIONS  COMM\n");
    }
}
