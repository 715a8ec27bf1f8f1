//! `aether check`: finds the Python files, analyses them in parallel, prints in path order.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use walkdir::WalkDir;

use super::output::{FileDiagnostics, printable, write_diagnostics};
use super::read::read_bounded;
use super::{CheckFormat, Outcome};
use crate::concurrency::{Options, par_map};
use crate::detector::{
    CrossModuleEntry, MAX_SOURCE_BYTES, ModuleReport, Severity, check_module, not_analysed,
};
use crate::models::veto::CallSiteFacts;

/// Time to analyse one typical file (measured: the CPython standard library averages about
/// 0.5 ms a file on one core; BENCHMARKS.md).
const TYPICAL_FILE_ANALYSIS: Duration = Duration::from_micros(500);

pub fn run(paths: &[PathBuf], format: CheckFormat, out: &mut impl Write) -> Outcome {
    let mut failed = false;
    let mut files = Vec::new();
    let mut unreadable = Vec::new();
    for path in paths {
        if let Err(message) = collect_python_files(path, &mut files, &mut unreadable) {
            eprintln!("aether: error: {}", printable(&message));
            failed = true;
        }
    }
    files.sort();
    files.dedup();

    // par_map keeps the input order, so output is deterministic whatever the thread count; its
    // veto keeps a handful of files on this thread, where starting the pool would cost more.
    let facts = CallSiteFacts {
        work_per_item: Some(TYPICAL_FILE_ANALYSIS),
        ..CallSiteFacts::default()
    };
    let options = Options::default().with_facts(&facts);
    let mut checked = check_files(&files, options);
    if !unreadable.is_empty() {
        checked.extend(unreadable);
        checked.sort_by(|a, b| Path::new(&a.path).cmp(Path::new(&b.path)));
    }
    // A machine reading JSON gets an array even when every path failed; a person reading text
    // gets the errors without an "All checks passed!" under them.
    if !(failed && checked.is_empty()) || matches!(format, CheckFormat::Json) {
        write_diagnostics(out, format, &checked);
    }

    let hazards = checked
        .iter()
        .flat_map(|file| &file.diagnostics)
        .any(|diagnostic| diagnostic.severity >= Severity::Warning);
    if failed {
        Outcome::Failed
    } else if hazards {
        Outcome::HazardsFound
    } else {
        Outcome::Clean
    }
}

/// A Python file of the run.
struct Module<'p> {
    path: &'p Path,
    /// The dotted names an import may use for it, longest first.
    names: Vec<String>,
}

impl Module<'_> {
    fn label(&self) -> String {
        self.path.display().to_string()
    }
}

/// Most rounds of passing thread entry points between modules; each round follows one more
/// import hop, and real call chains across modules are short.
const MAX_ROUNDS: usize = 8;

/// Reads and analyses every file (one task a file, so the text is dropped as soon as it is
/// analysed), then passes each module's thread entry points into the others it imports from (a
/// function given to `Thread` or called from threaded code) and re-analyses those, until nothing
/// new arrives.
fn check_files(files: &[PathBuf], options: Options<'_>) -> Vec<FileDiagnostics> {
    let modules: Vec<Module> = files
        .iter()
        .map(|path| Module {
            path,
            names: module_names(path),
        })
        .collect();
    let (mut reports, _) = par_map(
        &modules,
        options,
        |module| -> Result<ModuleReport, String> {
            let text = read_source(module.path)?;
            Ok(check_module(&text, &module.label(), &[]))
        },
    );
    // An entry matters to a module only if it names a function that the module's own threads do
    // not already reach (as the first analysis, without entries from elsewhere, found).
    let unthreaded: Vec<HashSet<String>> = reports
        .iter()
        .map(|report| match report {
            Ok(report) => report.unthreaded_functions.iter().cloned().collect(),
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
        let outgoing = reports.iter().flatten().flat_map(|report| &report.outgoing);
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
        let (rerun_reports, _) = par_map(
            &rerun,
            options,
            |(index, entries)| -> Result<ModuleReport, String> {
                let module = &modules[*index];
                let text = read_source(module.path)?;
                Ok(check_module(&text, &module.label(), entries))
            },
        );
        for ((index, _), report) in rerun.iter().zip(rerun_reports) {
            // A file that can no longer be read keeps its first analysis.
            if report.is_ok() {
                reports[*index] = report;
            }
        }
    }
    modules
        .iter()
        .zip(reports)
        .map(|(module, report)| FileDiagnostics {
            path: module.label(),
            diagnostics: match report {
                Ok(report) => report.diagnostics,
                Err(reason) => vec![not_analysed(&reason)],
            },
        })
        .collect()
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

/// A file is taken as given; a folder is searched for `*.py`, skipping hidden folders and
/// caches. What cannot be read inside a folder becomes a finding of its own and the rest is
/// still searched; a named path that does not exist or is not a file or a folder is an error.
fn collect_python_files(
    path: &Path,
    files: &mut Vec<PathBuf>,
    unreadable: &mut Vec<FileDiagnostics>,
) -> Result<(), String> {
    let metadata = std::fs::metadata(path)
        .map_err(|error| format!("cannot read `{}`: {error}", path.display()))?;
    if metadata.is_file() {
        files.push(path.to_path_buf());
        return Ok(());
    }
    if !metadata.is_dir() {
        return Err(format!(
            "`{}` is not a regular file or a folder",
            path.display()
        ));
    }
    let walker = WalkDir::new(path)
        .follow_links(false)
        .into_iter()
        .filter_entry(|entry| {
            let name = entry.file_name().to_string_lossy();
            entry.depth() == 0 || !(name.starts_with('.') || name == "__pycache__")
        });
    for entry in walker {
        match entry {
            Ok(entry) => {
                if entry.file_type().is_file()
                    && entry.path().extension().is_some_and(|ext| ext == "py")
                {
                    files.push(entry.into_path());
                }
            }
            Err(error) => {
                let place = error.path().unwrap_or(path);
                let reason = match error.io_error() {
                    Some(io_error) => format!("cannot read: {io_error}"),
                    None => error.to_string(),
                };
                unreadable.push(FileDiagnostics {
                    path: place.display().to_string(),
                    diagnostics: vec![not_analysed(&reason)],
                });
            }
        }
    }
    Ok(())
}

fn read_source(path: &Path) -> Result<String, String> {
    let bytes = read_bounded(path, MAX_SOURCE_BYTES).map_err(|error| error.to_string())?;
    crate::detector::decode_source(bytes)
}
