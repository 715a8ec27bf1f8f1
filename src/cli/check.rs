//! `aether check`: finds the files, analyses them in parallel, prints in path order.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use clap::Args;

use super::Outcome;
use super::discover::{Discovered, Target, discover};
use super::notebook::Notebook;
use super::output::{
    CheckFormat, FileDiagnostics, Finding, Presentation, printable, write_findings,
};
use super::read::{ReadError, read_bounded};
use super::settings::{Overrides, Resolver, Selection, target_version_names};
use crate::analysis::Analysis;
use crate::concurrency::{Options, par_map};
use crate::detector::{
    CrossModuleEntry, Diagnostic, Fixed, MAX_SOURCE_BYTES, Severity, TargetVersion, applicable,
    fix_source, not_analysed,
};
use crate::models::veto::CallSiteFacts;

/// Time to analyse one typical file (measured: the CPython standard library averages about
/// 0.5 ms a file on one core; BENCHMARKS.md).
const TYPICAL_FILE_ANALYSIS: Duration = Duration::from_micros(500);

/// The flags of `aether check`, named as ruff names the same things.
#[derive(Args)]
pub struct CheckArgs {
    /// Files and folders to check (`-`: standard input). Folders are searched for `*.py` and
    /// `*.ipynb`, skipping what `.gitignore`, `.ignore` and `exclude` leave out.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    output_format: CheckFormat,
    /// Write the findings to this file instead of standard output.
    #[arg(long, short = 'o')]
    output_file: Option<PathBuf>,
    /// Exit with 0 even when hazards are found.
    #[arg(long)]
    exit_zero: bool,
    /// Exit with 1 when any finding has a fix, even one below warning level.
    #[arg(long)]
    exit_non_zero_on_fix: bool,
    /// Rules to report, replacing the configuration's: codes, prefixes (`FT0`, `FT01`) or `ALL`.
    #[arg(long, value_delimiter = ',')]
    select: Option<Vec<String>>,
    /// Rules to report as well.
    #[arg(long, value_delimiter = ',')]
    extend_select: Vec<String>,
    /// Rules not to report.
    #[arg(long, value_delimiter = ',')]
    ignore: Vec<String>,
    /// Rules not to report as well.
    #[arg(long, value_delimiter = ',')]
    extend_ignore: Vec<String>,
    /// Patterns of files and folders to skip, replacing the defaults (`.venv`, `build`, ...).
    #[arg(long, value_delimiter = ',')]
    exclude: Option<Vec<String>>,
    /// Patterns to skip besides the defaults and the configuration's.
    #[arg(long, value_delimiter = ',')]
    extend_exclude: Vec<String>,
    /// Search ignored files too (`.gitignore`, `.ignore`).
    #[arg(long)]
    no_respect_gitignore: bool,
    /// Apply `exclude` to files named on the command line too (as pre-commit names them).
    #[arg(long)]
    force_exclude: bool,
    /// The code is a library: threads it does not start may call its functions.
    #[arg(long)]
    library: bool,
    /// The free-threaded build the code targets.
    #[arg(long, value_parser = parse_target_version)]
    target_version: Option<TargetVersion>,
    /// The name of the file read from standard input (`-`), for configuration and output.
    #[arg(long)]
    stdin_filename: Option<PathBuf>,
    /// Report `# noqa` and `# aether: ignore` comments that suppress nothing (FT100).
    #[arg(long)]
    report_unused_suppressions: bool,
    /// Read no configuration file.
    #[arg(long)]
    isolated: bool,
    /// Show each fix under its finding.
    #[arg(long)]
    show_fixes: bool,
    /// Apply the safe fixes to the files (with `-`, write the fixed text to standard output),
    /// then report what remains.
    #[arg(long)]
    fix: bool,
    /// Apply (with `--fix`) or show (with `--diff`) the unsafe fixes too: those that add a lock.
    #[arg(long)]
    unsafe_fixes: bool,
    /// Print the changes the fixes would make as a unified diff and change nothing; exit with 1
    /// when there is one.
    #[arg(long)]
    diff: bool,
    /// Count the findings of each rule instead of listing them.
    #[arg(long)]
    statistics: bool,
    /// Print the findings and nothing else.
    #[arg(long, short = 'q')]
    quiet: bool,
    /// Print the settings that apply to each path, and check nothing.
    #[arg(long)]
    show_settings: bool,
    /// Print the files that would be checked, and check nothing.
    #[arg(long)]
    show_files: bool,
}

fn parse_target_version(name: &str) -> Result<TargetVersion, String> {
    TargetVersion::from_name(name)
        .ok_or_else(|| format!("expected one of {}", target_version_names()))
}

impl CheckArgs {
    fn overrides(&self) -> Overrides {
        let mut ignore = self.ignore.clone();
        ignore.extend(self.extend_ignore.iter().cloned());
        Overrides {
            selection: Selection {
                select: self.select.clone(),
                extend_select: self.extend_select.clone(),
                ignore,
            },
            exclude: self.exclude.clone().map(|patterns| {
                patterns
                    .into_iter()
                    .filter(|pattern| !pattern.is_empty())
                    .collect()
            }),
            extend_exclude: self.extend_exclude.clone(),
            library: self.library.then_some(true),
            target_version: self.target_version,
            respect_gitignore: self.no_respect_gitignore.then_some(false),
            report_unused_suppressions: self.report_unused_suppressions,
            isolated: self.isolated,
        }
    }
}

pub fn run(args: &CheckArgs, out: &mut impl Write) -> Outcome {
    let cwd = std::env::current_dir().unwrap_or_default();
    let resolver = Arc::new(Resolver::new(args.overrides()));
    if args.show_settings {
        return show_settings(args, &resolver, &cwd, out);
    }
    let Discovered {
        targets,
        unreadable,
        mut errors,
    } = discover(
        &args.paths,
        args.stdin_filename.as_deref(),
        args.force_exclude,
        &resolver,
        &cwd,
    );
    errors.sort();
    errors.dedup();
    let failed = !errors.is_empty();
    for error in &errors {
        eprintln!("aether: error: {}", printable(error));
    }
    if args.show_files {
        for target in &targets {
            let _ = writeln!(out, "{}", printable(&target.label));
        }
        return if failed {
            Outcome::Failed
        } else {
            Outcome::Clean
        };
    }
    let stdin = if targets.iter().any(|target| target.path.is_none()) {
        Some(read_stdin())
    } else {
        None
    };

    // par_map keeps the input order, so output is deterministic whatever the thread count; its
    // veto keeps a handful of files on this thread, where starting the pool would cost more.
    let facts = CallSiteFacts {
        work_per_item: Some(TYPICAL_FILE_ANALYSIS),
        ..CallSiteFacts::default()
    };
    let options = Options::default().with_facts(&facts);
    let with_lines = args.output_format == CheckFormat::Full;
    let (mut checked, incoming) = check_files(&targets, stdin.as_ref(), with_lines, options);
    let mut fixed_count = 0;
    if args.fix || args.diff {
        let fixed = fix_files(&targets, stdin.as_ref(), &incoming, &checked, args, options);
        if args.diff {
            return write_diffs(out, &targets, &fixed, failed);
        }
        for (index, result) in fixed.into_iter().enumerate() {
            let Some(result) = result else {
                // Standard input comes back as it was when nothing was fixed.
                if targets[index].path.is_none()
                    && let Some(Ok(bytes)) = &stdin
                {
                    let _ = out.write_all(bytes);
                }
                continue;
            };
            fixed_count += result.fixed.count();
            if let Some(outcome) = write_fixed(&targets[index], &result, out) {
                return outcome;
            }
            checked[index].findings = result
                .fixed
                .analysis
                .diagnostics()
                .map(|diagnostic| {
                    let line = with_lines
                        .then(|| line_text(&result.fixed.source, diagnostic.location.row));
                    place(None, diagnostic.clone(), line.flatten())
                })
                .collect();
        }
    }
    if !unreadable.is_empty() {
        checked.extend(unreadable);
        checked.sort_by(|a, b| Path::new(&a.path).cmp(Path::new(&b.path)));
    }
    let presentation = Presentation {
        format: args.output_format,
        quiet: args.quiet,
        show_fixes: args.show_fixes,
        statistics: args.statistics,
        fixed: fixed_count,
        unsafe_fixes: args.unsafe_fixes,
    };
    // A machine reading JSON gets an array even when every path failed; a person reading text
    // gets the errors without an "All checks passed!" under them.
    let machine_readable = !matches!(
        args.output_format,
        CheckFormat::Text | CheckFormat::Concise | CheckFormat::Full
    );
    if !(failed && checked.is_empty()) || machine_readable {
        if let Some(path) = &args.output_file {
            match std::fs::File::create(path) {
                Ok(file) => {
                    let mut file = std::io::BufWriter::new(file);
                    write_findings(&mut file, presentation, &checked);
                    if let Err(error) = file.flush() {
                        eprintln!(
                            "aether: error: cannot write `{}`: {error}",
                            printable(&path.display().to_string())
                        );
                        return Outcome::Failed;
                    }
                }
                Err(error) => {
                    eprintln!(
                        "aether: error: cannot write `{}`: {error}",
                        printable(&path.display().to_string())
                    );
                    return Outcome::Failed;
                }
            }
        } else if args.fix && targets.iter().any(|target| target.path.is_none()) {
            // Standard output holds the fixed text.
            write_findings(&mut std::io::stderr().lock(), presentation, &checked);
        } else {
            write_findings(out, presentation, &checked);
        }
    }

    let findings = || checked.iter().flat_map(|file| &file.findings);
    let hazards = findings().any(|finding| finding.diagnostic.severity >= Severity::Warning);
    let fixable = args.exit_non_zero_on_fix
        && (fixed_count > 0 || findings().any(|finding| finding.diagnostic.fix.is_some()));
    if failed {
        Outcome::Failed
    } else if args.exit_zero {
        Outcome::Clean
    } else if hazards || fixable {
        Outcome::HazardsFound
    } else {
        Outcome::Clean
    }
}

fn show_settings(
    args: &CheckArgs,
    resolver: &Resolver,
    cwd: &Path,
    out: &mut impl Write,
) -> Outcome {
    for path in &args.paths {
        let absolute = cwd.join(
            args.stdin_filename
                .as_deref()
                .filter(|_| path.as_os_str() == "-")
                .unwrap_or(path),
        );
        let folder = if absolute.is_dir() {
            absolute.as_path()
        } else {
            absolute.parent().unwrap_or(cwd)
        };
        match resolver.settings_for(folder) {
            Ok(settings) => {
                let _ = writeln!(out, "path: {}", printable(&path.display().to_string()));
                for line in settings.describe().lines() {
                    let _ = writeln!(out, "  {}", printable(line));
                }
            }
            Err(error) => {
                eprintln!("aether: error: {}", printable(&error));
                return Outcome::Failed;
            }
        }
    }
    Outcome::Clean
}

/// Standard input, bounded like a file; what goes wrong is a finding of `-`.
fn read_stdin() -> Result<Vec<u8>, String> {
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(MAX_SOURCE_BYTES as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| ReadError::Io(error).to_string())?;
    if bytes.len() > MAX_SOURCE_BYTES {
        return Err(ReadError::TooLarge(bytes.len() as u64).to_string());
    }
    Ok(bytes)
}

/// A file of the run.
struct Module<'t> {
    target: &'t Target,
    /// Whether findings keep the text of their line (only `--output-format full` shows it).
    with_lines: bool,
    /// The dotted names an import may use for it, longest first.
    names: Vec<String>,
}

/// One analysis of a module: its findings as printed, and what routing between modules needs.
struct Analysed {
    findings: Vec<Finding>,
    /// Functions of other modules this one runs in threads.
    outgoing: Vec<CrossModuleEntry>,
    /// Module-level functions no thread entry point reaches.
    unthreaded_functions: Vec<String>,
}

impl Module<'_> {
    /// Reads, decodes (and for a notebook joins the code cells of) the file, analyses it, and
    /// places each finding for output.
    fn analyse(
        &self,
        stdin: Option<&Result<Vec<u8>, String>>,
        incoming: &[CrossModuleEntry],
    ) -> Result<Analysed, String> {
        let target = self.target;
        let bytes = match (&target.path, stdin) {
            (Some(path), _) => {
                read_bounded(path, MAX_SOURCE_BYTES).map_err(|error| error.to_string())?
            }
            (None, Some(stdin)) => stdin.clone()?,
            (None, None) => Vec::new(),
        };
        let text = crate::detector::decode_source(bytes)?;
        let notebook = if target.notebook {
            Some(Notebook::read(&text)?)
        } else {
            None
        };
        let source = match &notebook {
            Some(notebook) => notebook.source.clone(),
            None => text,
        };
        let analysis = Analysis::with_options(source, incoming, &target.options);
        let findings = analysis
            .diagnostics()
            .map(|diagnostic| {
                let line = self
                    .with_lines
                    .then(|| line_text(analysis.source(), diagnostic.location.row));
                place(notebook.as_ref(), diagnostic.clone(), line.flatten())
            })
            .collect();
        Ok(Analysed {
            findings,
            outgoing: analysis.outgoing(&target.label),
            unthreaded_functions: analysis.unthreaded_functions(),
        })
    }
}

fn line_text(source: &str, row: usize) -> Option<String> {
    source.lines().nth(row.checked_sub(1)?).map(str::to_string)
}

/// A finding with the line it is on, and in a notebook its cell, with rows counted in the cell.
fn place(notebook: Option<&Notebook>, mut diagnostic: Diagnostic, line: Option<String>) -> Finding {
    let mut cell = None;
    if let Some(notebook) = notebook {
        let in_cell = |row: usize| notebook.locate(row).map_or(row, |(_, row)| row);
        cell = notebook
            .locate(diagnostic.location.row)
            .map(|(cell, _)| cell);
        diagnostic.location.row = in_cell(diagnostic.location.row);
        diagnostic.end_location.row = in_cell(diagnostic.end_location.row);
        diagnostic.noqa_row = diagnostic.noqa_row.map(in_cell);
        for edit in diagnostic.fix.iter_mut().flat_map(|fix| &mut fix.edits) {
            edit.location.row = in_cell(edit.location.row);
            edit.end_location.row = in_cell(edit.end_location.row);
        }
    }
    if let Some(notebook) = notebook {
        diagnostic.message = cells_in_message(&diagnostic.message, notebook);
    }
    Finding {
        diagnostic,
        cell,
        line,
    }
}

/// The notebook fuzz target's body (`fuzz/fuzz_targets/notebook.rs`): any bytes as an `.ipynb`
/// file, read, joined, analysed and each finding placed back in its cell.
pub(super) fn fuzz_notebook(bytes: &[u8]) {
    let Ok(text) = crate::detector::decode_source(bytes.to_vec()) else {
        return;
    };
    let Ok(notebook) = Notebook::read(&text) else {
        return;
    };
    let analysis = Analysis::with_options(notebook.source.clone(), &[], &Default::default());
    for diagnostic in analysis.diagnostics() {
        let placed = place(Some(&notebook), diagnostic.clone(), None);
        assert!(
            placed.diagnostic.location.row >= 1,
            "{:?}",
            placed.diagnostic
        );
    }
}

/// A message's `at line N` (where a thread starts) as the cell and row a notebook shows.
fn cells_in_message(message: &str, notebook: &Notebook) -> String {
    const AT_LINE: &str = "at line ";
    let mut placed = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find(AT_LINE) {
        let after = &rest[at + AT_LINE.len()..];
        let digits = after.len() - after.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        placed.push_str(&rest[..at]);
        match after[..digits]
            .parse()
            .ok()
            .and_then(|row| notebook.locate(row))
        {
            Some((cell, row)) => placed.push_str(&format!("at cell {cell}, line {row}")),
            None => placed.push_str(&rest[at..at + AT_LINE.len() + digits]),
        }
        rest = &after[digits..];
    }
    placed.push_str(rest);
    placed
}

/// Most rounds of passing thread entry points between modules; each round follows one more
/// import hop, and real call chains across modules are short.
const MAX_ROUNDS: usize = 8;

/// Reads and analyses every file (one task a file, so the text is dropped as soon as it is
/// analysed), then passes each module's thread entry points into the others it imports from (a
/// function given to `Thread` or called from threaded code) and re-analyses those, until nothing
/// new arrives.
fn check_files(
    targets: &[Target],
    stdin: Option<&Result<Vec<u8>, String>>,
    with_lines: bool,
    options: Options<'_>,
) -> (Vec<FileDiagnostics>, Vec<Vec<CrossModuleEntry>>) {
    let modules: Vec<Module> = targets
        .iter()
        .map(|target| Module {
            target,
            with_lines,
            names: module_names(Path::new(&target.label)),
        })
        .collect();
    let (mut reports, _) = par_map(&modules, options, |module| module.analyse(stdin, &[]));
    // An entry matters to a module only if it names a function that the module's own threads do
    // not already reach (as the first analysis, without entries from elsewhere, found).
    let unthreaded: Vec<HashSet<String>> = reports
        .iter()
        .map(|report| match report {
            Ok(analysed) => analysed.unthreaded_functions.iter().cloned().collect(),
            Err(_) => HashSet::new(),
        })
        .collect();
    let mut by_name: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, module) in modules.iter().enumerate() {
        if reports[index].is_ok() {
            for name in &module.names {
                by_name.entry(name.as_str()).or_default().push(index);
            }
        }
    }
    // Only which functions run in threads matters to the analysis, so a module is analysed
    // again only when one of its functions becomes an entry point; of several ways in, the
    // smallest is kept, so the witness shown does not depend on thread timing.
    let mut incoming: Vec<BTreeMap<String, CrossModuleEntry>> =
        vec![BTreeMap::new(); modules.len()];
    for _ in 0..MAX_ROUNDS {
        let mut routed: Vec<BTreeMap<String, CrossModuleEntry>> =
            vec![BTreeMap::new(); modules.len()];
        let outgoing = reports
            .iter()
            .flatten()
            .flat_map(|analysed| &analysed.outgoing);
        for entry in outgoing {
            for &target in by_name.get(entry.module.as_str()).into_iter().flatten() {
                if !unthreaded[target].contains(&entry.function) {
                    continue;
                }
                let kept = routed[target]
                    .entry(entry.function.clone())
                    .or_insert_with(|| entry.clone());
                if entry < kept {
                    *kept = entry.clone();
                }
            }
        }
        let mut rerun: Vec<(usize, Vec<CrossModuleEntry>)> = Vec::new();
        for (index, entries) in routed.into_iter().enumerate() {
            if !entries.keys().eq(incoming[index].keys()) {
                rerun.push((index, entries.values().cloned().collect()));
                incoming[index] = entries;
            }
        }
        if rerun.is_empty() {
            break;
        }
        let (rerun_reports, _) = par_map(&rerun, options, |(index, entries)| {
            modules[*index].analyse(stdin, entries)
        });
        for ((index, _), report) in rerun.iter().zip(rerun_reports) {
            // A file that can no longer be read keeps its first analysis.
            if report.is_ok() {
                reports[*index] = report;
            }
        }
    }
    let checked = modules
        .iter()
        .zip(reports)
        .map(|(module, report)| FileDiagnostics {
            path: module.target.label.clone(),
            findings: match report {
                Ok(analysed) => analysed.findings,
                Err(reason) => vec![Finding::new(not_analysed(&reason))],
            },
        })
        .collect();
    let incoming = incoming
        .into_iter()
        .map(|entries| entries.into_values().collect())
        .collect();
    (checked, incoming)
}

/// `a/pkg/jobs.py` may be imported as `a.pkg.jobs`, `pkg.jobs` or `jobs` depending on where the
/// import root is; `pkg/__init__.py` as `pkg`.
fn module_names(path: &Path) -> Vec<String> {
    let mut parts: Vec<String> = path
        .with_extension("")
        .components()
        .filter_map(|component| match component {
            std::path::Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    if parts.last().is_some_and(|last| last == "__init__") {
        parts.pop();
    }
    (0..parts.len())
        .map(|start| parts[start..].join("."))
        .collect()
}

/// One file fixed: its text before, and after with what remains.
struct FixedFile {
    original: String,
    fixed: Fixed,
}

/// Fixes each file that has an applicable fix (`--fix`, `--diff`), with the thread entries the
/// check routed to it. Notebooks and files not in UTF-8 are left as they are (rewriting them
/// would change their cells or their encoding); so are files that do not parse.
fn fix_files(
    targets: &[Target],
    stdin: Option<&Result<Vec<u8>, String>>,
    incoming: &[Vec<CrossModuleEntry>],
    checked: &[FileDiagnostics],
    args: &CheckArgs,
    options: Options<'_>,
) -> Vec<Option<FixedFile>> {
    let indices: Vec<usize> = (0..targets.len()).collect();
    let (fixed, _) = par_map(&indices, options, |&index| {
        let target = &targets[index];
        let fixable = checked[index].findings.iter().any(|finding| {
            finding
                .diagnostic
                .fix
                .as_ref()
                .is_some_and(|fix| applicable(fix, args.unsafe_fixes))
        });
        if !fixable || target.notebook {
            return None;
        }
        let bytes = match (&target.path, stdin) {
            (Some(path), _) => read_bounded(path, MAX_SOURCE_BYTES).ok()?,
            (None, Some(Ok(bytes))) => bytes.clone(),
            _ => return None,
        };
        let original = String::from_utf8(bytes).ok()?;
        let fixed = fix_source(
            &original,
            &incoming[index],
            &target.options,
            args.unsafe_fixes,
        );
        if fixed.broke_syntax {
            eprintln!(
                "aether: error: a fix made `{}` stop parsing; that round of fixes was left out (please report it)",
                printable(&target.label)
            );
        }
        (fixed.source != original).then_some(FixedFile { original, fixed })
    });
    fixed
}

/// `--diff`: the fixes' changes as one unified diff (`a/` and `b/` before each path, as git
/// writes them); exits with 1 when there is a change.
fn write_diffs(
    out: &mut impl Write,
    targets: &[Target],
    fixed: &[Option<FixedFile>],
    failed: bool,
) -> Outcome {
    let mut count = 0;
    let mut files = 0;
    for (target, result) in targets.iter().zip(fixed) {
        let Some(result) = result else { continue };
        count += result.fixed.count();
        files += 1;
        let diff = similar::TextDiff::from_lines(&result.original, &result.fixed.source);
        let _ = write!(
            out,
            "{}",
            diff.unified_diff().context_radius(3).header(
                &format!("a/{}", target.label),
                &format!("b/{}", target.label)
            )
        );
    }
    if count > 0 {
        eprintln!(
            "Would fix {} in {}.",
            plural(count, "hazard"),
            plural(files, "file")
        );
    } else {
        eprintln!("No fixes available.");
    }
    if failed {
        Outcome::Failed
    } else if count > 0 {
        Outcome::HazardsFound
    } else {
        Outcome::Clean
    }
}

/// `--fix`: writes a fixed file back, or the fixed text of standard input to `out`. `Some`
/// outcome when the file cannot be written.
fn write_fixed(target: &Target, result: &FixedFile, out: &mut impl Write) -> Option<Outcome> {
    match &target.path {
        Some(path) => {
            if let Err(error) = std::fs::write(path, &result.fixed.source) {
                eprintln!(
                    "aether: error: cannot write `{}`: {error}",
                    printable(&target.label)
                );
                return Some(Outcome::Failed);
            }
        }
        None => {
            let _ = out.write_all(result.fixed.source.as_bytes());
        }
    }
    None
}

fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}s")
    }
}
