//! The reference's program names: invoked as `in-toto-run` (a symlink or copy named so), the
//! binary parses its arguments as `in-toto run`'s, so existing scripts switch by a symlink.

use std::{ffi::OsStr, path::Path};

use clap::{CommandFactory, FromArgMatches};

use crate::{Cli, Command, commands};

/// A reference program name and the subcommand that stands for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Alias {
    /// The reference's program name, e.g. `in-toto-run`.
    pub program: &'static str,
    /// Our subcommand, e.g. `run`.
    pub subcommand: &'static str,
}

/// Every program name the binary answers to besides `in-toto`.
pub const ALIASES: [Alias; 6] = [
    Alias::new("in-toto-run", "run"),
    Alias::new("in-toto-record", "record"),
    Alias::new("in-toto-verify", "verify"),
    Alias::new("in-toto-sign", "sign"),
    Alias::new("in-toto-mock", "mock"),
    Alias::new("in-toto-match-products", "match-products"),
];

impl Alias {
    const fn new(program: &'static str, subcommand: &'static str) -> Alias {
        Alias {
            program,
            subcommand,
        }
    }

    /// Parses `args` (program name first) with the subcommand's flags, under the program's
    /// name (so `--help` and usage errors say `in-toto-run`), with `--version` as the
    /// reference tools have it.
    pub fn parse(
        self,
        args: impl IntoIterator<Item = std::ffi::OsString>,
    ) -> Result<Command, clap::Error> {
        let mut cli = Cli::command();
        let Some(sub) = cli.find_subcommand_mut(self.subcommand) else {
            // Not reachable: the table names existing subcommands (tested below).
            return Err(cli.error(
                clap::error::ErrorKind::InvalidSubcommand,
                format!("no subcommand '{}'", self.subcommand),
            ));
        };
        let mut sub = sub
            .clone()
            .name(self.program)
            .bin_name(self.program)
            .version(env!("CARGO_PKG_VERSION"))
            .max_term_width(100);
        let matches = sub.try_get_matches_from_mut(args)?;
        let parsed = match self.subcommand {
            "run" => commands::run::Args::from_arg_matches(&matches).map(Command::Run),
            "record" => commands::record::Args::from_arg_matches(&matches).map(Command::Record),
            "verify" => commands::verify::Args::from_arg_matches(&matches).map(Command::Verify),
            "sign" => commands::sign::Args::from_arg_matches(&matches).map(Command::Sign),
            "mock" => commands::mock::Args::from_arg_matches(&matches).map(Command::Mock),
            _ => commands::match_products::Args::from_arg_matches(&matches)
                .map(Command::MatchProducts),
        };
        parsed.map_err(|e| e.format(&mut sub))
    }
}

/// The alias named by `argv0` (its file name, without a `.exe` suffix), if any.
pub fn alias_of(argv0: Option<&OsStr>) -> Option<Alias> {
    let name = Path::new(argv0?).file_name()?.to_str()?;
    let name = name.strip_suffix(".exe").unwrap_or(name);
    ALIASES.into_iter().find(|a| a.program == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Command, clap::Error> {
        let alias = alias_of(Some(OsStr::new(args[0]))).ok_or_else(|| {
            clap::Error::raw(clap::error::ErrorKind::InvalidValue, "not an alias")
        })?;
        alias.parse(args.iter().map(std::ffi::OsString::from))
    }

    #[test]
    fn program_names_are_recognised_by_file_name() {
        assert_eq!(
            alias_of(Some(OsStr::new("/usr/local/bin/in-toto-run"))).map(|a| a.subcommand),
            Some("run")
        );
        assert_eq!(
            alias_of(Some(OsStr::new("in-toto-match-products.exe"))).map(|a| a.subcommand),
            Some("match-products")
        );
        assert_eq!(alias_of(Some(OsStr::new("/usr/bin/in-toto"))), None);
        assert_eq!(alias_of(Some(OsStr::new("in-toto-runner"))), None);
        assert_eq!(alias_of(None), None);
    }

    /// Arguments (program name first) and what they must parse into.
    type Case<'a> = (&'a [&'a str], fn(&Command) -> bool);

    #[test]
    fn every_alias_parses_its_subcommands_flags() {
        let cases: [Case; 7] = [
            (
                &[
                    "in-toto-run",
                    "-n",
                    "build",
                    "--signing-key",
                    "k",
                    "--",
                    "make",
                ],
                |c| matches!(c, Command::Run(_)),
            ),
            (
                &["in-toto-record", "start", "-n", "s", "--signing-key", "k"],
                |c| matches!(c, Command::Record(_)),
            ),
            (
                &[
                    "in-toto-record",
                    "stop",
                    "-n",
                    "s",
                    "--signing-key",
                    "k",
                    "-p",
                    "x",
                ],
                |c| matches!(c, Command::Record(_)),
            ),
            (
                &[
                    "in-toto-verify",
                    "-l",
                    "root.layout",
                    "--verification-keys",
                    "a.pub",
                ],
                |c| matches!(c, Command::Verify(_)),
            ),
            (&["in-toto-sign", "-f", "x.link", "-k", "key"], |c| {
                matches!(c, Command::Sign(_))
            }),
            (&["in-toto-mock", "-n", "s", "--", "true"], |c| {
                matches!(c, Command::Mock(_))
            }),
            (&["in-toto-match-products", "-l", "x.link"], |c| {
                matches!(c, Command::MatchProducts(_))
            }),
        ];
        for (args, expected) in cases {
            match parse(args) {
                Ok(command) => assert!(expected(&command), "{args:?} parsed as {command:?}"),
                Err(e) => panic!("{args:?}: {e}"),
            }
        }
    }

    #[test]
    fn usage_errors_and_help_name_the_alias() {
        let error = parse(&["in-toto-verify"]).err().map(|e| e.to_string());
        let error = error.unwrap_or_default();
        assert!(error.contains("in-toto-verify"), "{error}");
        assert!(error.contains("--layout"), "{error}");
        let help = parse(&["in-toto-sign", "--help"]).err();
        assert_eq!(
            help.as_ref().map(clap::Error::kind),
            Some(clap::error::ErrorKind::DisplayHelp)
        );
        let help = help.map(|e| e.to_string()).unwrap_or_default();
        assert!(help.contains("Usage: in-toto-sign"), "{help}");
        let version = parse(&["in-toto-run", "--version"]).err().map(|e| e.kind());
        assert_eq!(version, Some(clap::error::ErrorKind::DisplayVersion));
    }

    #[test]
    fn a_subcommand_name_is_not_accepted_after_an_alias() {
        let error = parse(&["in-toto-verify", "verify", "-l", "x"]).err();
        assert_eq!(
            error.map(|e| e.kind()),
            Some(clap::error::ErrorKind::UnknownArgument)
        );
    }

    #[test]
    fn every_alias_names_an_existing_subcommand() {
        let cli = Cli::command();
        for alias in ALIASES {
            assert!(cli.find_subcommand(alias.subcommand).is_some(), "{alias:?}");
        }
    }
}
