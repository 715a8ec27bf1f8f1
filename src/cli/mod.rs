//! The command line tool: argument parsing, reading files, output formats, exit codes.
//!
//! Exit codes follow ruff: 0 when nothing at warning level or above was found, 1 when something
//! was, 2 on usage errors and unreadable paths.

mod check;
mod discover;
mod models;
mod notebook;
mod output;
mod read;
mod settings;
mod simulate;

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::detector::{ALL_RULES, find_rule};

#[derive(Parser)]
#[command(
    name = "aether",
    version,
    about = "Finds free-threading hazards in Python code (races and crashes that CPython 3.13t/3.14t exposes)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check Python files, notebooks and folders for free-threading hazards.
    Check(check::CheckArgs),
    /// Explain a rule: what it finds, why it breaks without the GIL, and what to write instead.
    Rule {
        /// A rule code (FT001) or name (rmw-global).
        rule: String,
    },
    /// List every rule with its code, name, severity and summary.
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        output_format: ListFormat,
    },
    /// Fit the Universal Scalability Law to `threads,throughput` measurements (CSV).
    Fit {
        /// CSV file of `threads,throughput` lines (header optional).
        file: PathBuf,
        #[arg(long, value_enum, default_value_t = models::ModelFormat::Text)]
        output_format: models::ModelFormat,
    },
    /// Advise whether moving to a free-threaded build (3.13t/3.14t) pays for this workload.
    Advise(models::AdviseArgs),
    /// Simulate T Python threads on C cores, GIL build against free-threaded, for a workload.
    Simulate(simulate::SimulateArgs),
}

#[derive(Clone, Copy, ValueEnum)]
enum ListFormat {
    Text,
    Json,
    /// The rule reference page (`docs/rules.md` is generated with it).
    Markdown,
}

/// What the process exits with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Clean,
    HazardsFound,
    Failed,
}

impl From<Outcome> for ExitCode {
    fn from(outcome: Outcome) -> Self {
        ExitCode::from(match outcome {
            Outcome::Clean => 0,
            Outcome::HazardsFound => 1,
            Outcome::Failed => 2,
        })
    }
}

/// Standard output that keeps the first error of any write, so that every command's output is
/// checked once at the end: a full disk is an error, a reader that went away (`| head`) is not.
struct CheckedOutput<W> {
    inner: W,
    error: Option<std::io::Error>,
}

impl<W: Write> CheckedOutput<W> {
    fn record<T>(&mut self, result: std::io::Result<T>) -> std::io::Result<T> {
        result.map_err(|error| {
            let kind = error.kind();
            self.error.get_or_insert(error);
            std::io::Error::from(kind)
        })
    }
}

impl<W: Write> Write for CheckedOutput<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let result = self.inner.write(buf);
        self.record(result)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let result = self.inner.flush();
        self.record(result)
    }
}

/// Notebook reading and placing findings in cells, for the fuzz targets (`fuzz/`).
#[doc(hidden)]
pub fn fuzz_notebook(bytes: &[u8]) {
    check::fuzz_notebook(bytes);
}

/// The `advise` and `simulate` argument handling without the work or the terminal, for the fuzz
/// targets (`fuzz/`): `args` (the first is the program name) are parsed as `main` parses them;
/// `advise` runs with its output dropped, `simulate` stops once its sweep is configured (each
/// run of a sweep is bounded by the simulator's own event limit).
#[doc(hidden)]
pub fn fuzz_model_arguments(args: &[String]) {
    let Ok(cli) = Cli::try_parse_from(args) else {
        return;
    };
    match cli.command {
        Command::Advise(args) => {
            models::run_advise(args, &mut std::io::sink());
        }
        Command::Simulate(args) => {
            let _ = simulate::configure(&args);
        }
        _ => {}
    }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let mut out = CheckedOutput {
        inner: std::io::stdout().lock(),
        error: None,
    };
    let outcome = match cli.command {
        Command::Check(args) => check::run(&args, &mut out),
        Command::Rule { rule } => match find_rule(&rule) {
            Some(rule) => {
                let _ = writeln!(
                    out,
                    "# {} ({})\n\n{}",
                    rule.name,
                    rule.code,
                    rule.explanation_text().trim()
                );
                Outcome::Clean
            }
            None => {
                eprintln!(
                    "aether: error: unknown rule `{}` (run `aether rules` to list them)",
                    output::printable(&rule)
                );
                Outcome::Failed
            }
        },
        Command::Rules { output_format } => {
            match output_format {
                ListFormat::Text => output::write_rules_text(&mut out, ALL_RULES),
                ListFormat::Json => output::write_rules_json(&mut out, ALL_RULES),
                ListFormat::Markdown => output::write_rules_markdown(&mut out, ALL_RULES),
            }
            Outcome::Clean
        }
        Command::Fit {
            file,
            output_format,
        } => models::run_fit(&file, output_format, &mut out),
        Command::Advise(args) => models::run_advise(args, &mut out),
        Command::Simulate(args) => simulate::run(&args, &mut out),
    };
    let _ = out.flush();
    match out.error {
        Some(error) if error.kind() != std::io::ErrorKind::BrokenPipe => {
            eprintln!("aether: error: cannot write the output: {error}");
            Outcome::Failed.into()
        }
        _ => outcome.into(),
    }
}
