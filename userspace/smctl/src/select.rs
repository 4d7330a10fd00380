// SPDX-License-Identifier: GPL-2.0

//! `-t N|NAME`: a table by its mode number or by its name from
//! `*mode N NAME`.

use std::fmt;

use smrules::rules::ast::{Ruleset, Table};
use smrules::rules::{MODE_MAX, MODE_MIN};

/// A table as the user names it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TableSel {
    /// `-t 3`.
    Mode(u32),
    /// `-t netd`.
    Name(String),
}

impl fmt::Display for TableSel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TableSel::Mode(m) => write!(f, "{m}"),
            TableSel::Name(n) => write!(f, "\"{n}\""),
        }
    }
}

/// clap's value parser for `-t`: a decimal number is a mode (3 to
/// 2147483647), anything else a table name (`[A-Za-z0-9_.-]`, 1 to 32
/// bytes, not starting with `-`).
pub fn parse(s: &str) -> Result<TableSel, String> {
    if s.bytes().all(|b| b.is_ascii_digit()) && !s.is_empty() {
        return match s.parse::<u64>() {
            Ok(m) if (u64::from(MODE_MIN)..=u64::from(MODE_MAX)).contains(&m) => {
                Ok(TableSel::Mode(m as u32))
            }
            _ => Err(format!("a table is {MODE_MIN} to {MODE_MAX} or a name")),
        };
    }
    if smrules::rules::ast::Name::new(s).is_some() {
        Ok(TableSel::Name(s.to_owned()))
    } else {
        Err("a table name is 1 to 32 of A-Z a-z 0-9 _ . - not starting with -".into())
    }
}

impl TableSel {
    /// Whether `t` is the table this selects.
    pub fn matches(&self, t: &Table) -> bool {
        !t.delete
            && match self {
                TableSel::Mode(m) => t.mode == *m,
                TableSel::Name(n) => t.name.as_str() == n,
            }
    }

    /// The selected table of `rs`, or why there is none.
    pub fn find<'a>(&self, rs: &'a Ruleset) -> Result<&'a Table, String> {
        rs.tables
            .iter()
            .find(|t| self.matches(t))
            .ok_or_else(|| self.missing())
    }

    /// The message for a table that is not loaded.
    pub fn missing(&self) -> String {
        match self {
            TableSel::Mode(m) => format!("no table {m} is loaded"),
            TableSel::Name(n) => format!("no table named \"{n}\" is loaded"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use smrules::catalog::{Arch, ArchCatalog};

    #[test]
    fn numbers_and_names() {
        assert_eq!(parse("3"), Ok(TableSel::Mode(3)));
        assert_eq!(parse("2147483647"), Ok(TableSel::Mode(2_147_483_647)));
        assert!(parse("2").is_err());
        assert!(parse("2147483648").is_err());
        assert!(parse("99999999999999999999999").is_err());
        assert_eq!(parse("netd"), Ok(TableSel::Name("netd".into())));
        assert_eq!(parse("a.b-c_d"), Ok(TableSel::Name("a.b-c_d".into())));
        assert!(parse("").is_err());
        assert!(parse("-x").is_err());
        assert_eq!(parse("3x"), Ok(TableSel::Name("3x".into())));
        assert!(parse("a b").is_err());
        assert!(parse(&"a".repeat(33)).is_err());
    }

    #[test]
    fn find_by_number_or_name() {
        let rs = smrules::rules::parse::parse(
            b"*mode 3 netd\nCOMMIT\n*mode 4\nCOMMIT\n",
            &ArchCatalog::new(Arch::X86_64),
        )
        .unwrap();
        assert_eq!(TableSel::Mode(4).find(&rs).unwrap().mode, 4);
        assert_eq!(TableSel::Name("netd".into()).find(&rs).unwrap().mode, 3);
        assert_eq!(
            TableSel::Name("x".into()).find(&rs).unwrap_err(),
            "no table named \"x\" is loaded"
        );
        assert_eq!(
            TableSel::Mode(5).find(&rs).unwrap_err(),
            "no table 5 is loaded"
        );
    }
}
