//! `aether check`: finds the Python files, analyses them in parallel, prints in path order.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::Duration;

use walkdir::WalkDir;

use super::output::{FileDiagnostics, write_diagnostics};
use super::{CheckFormat, Outcome};
use crate::analysis::Analysis;
use crate::concurrency::{Options, par_map};
use crate::detector::{CrossModuleEntry, Severity};
use crate::models::veto::CallSiteFacts;

/// Time to analyse one typical file (measured: the CPython standard library averages about
/// 0.5 ms a file on one core; BENCHMARKS.md).
const TYPICAL_FILE_ANALYSIS: Duration = Duration::from_micros(500);

pub fn run(paths: &[PathBuf], format: CheckFormat, out: &mut impl Write) -> Outcome {
    let mut failed = false;
    let mut files = Vec::new();
    for path in paths {
        match collect_python_files(path) {
            Ok(found) => files.extend(found),
            Err(message) => {
                eprintln!("aether: error: {message}");
                failed = true;
            }
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
    let results = check_files(&files, options);

    let mut checked = Vec::with_capacity(files.len());
    for result in results {
        match result {
            Ok(file) => checked.push(file),
            Err(message) => {
                eprintln!("aether: error: {message}");
                failed = true;
            }
        }
    }
    if !(failed && checked.is_empty()) {
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

/// What the run keeps of one module's analysis: its findings, and what routing entries between
/// modules needs.
struct ModuleReport {
    diagnostics: Vec<crate::Diagnostic>,
    /// Functions of other modules this one runs in threads.
    outgoing: Vec<CrossModuleEntry>,
    /// Module-level functions no thread entry point reaches.
    unthreaded_functions: Vec<String>,
}

impl ModuleReport {
    fn of(analysis: Analysis, label: &str) -> Self {
        Self {
            outgoing: analysis.outgoing(label),
            unthreaded_functions: analysis.unthreaded_functions(),
            diagnostics: analysis.into_diagnostics(),
        }
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
fn check_files(files: &[PathBuf], options: Options<'_>) -> Vec<Result<FileDiagnostics, String>> {
    let modules: Vec<Module> = files
        .iter()
        .map(|path| Module {
            path,
            names: module_names(path),
        })
        .collect();
    let (mut reports, _) = par_map(&modules, options, |module| {
        let text = read_source(module.path)?;
        Ok(ModuleReport::of(Analysis::new(text), &module.label()))
    });
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
        let (rerun_reports, _) = par_map(&rerun, options, |(index, entries)| {
            let module = &modules[*index];
            let text = read_source(module.path)?;
            Ok(ModuleReport::of(
                Analysis::in_run(text, entries, &Default::default()),
                &module.label(),
            ))
        });
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
        .map(|(module, report)| {
            report.map(|report| FileDiagnostics {
                path: module.label(),
                diagnostics: report.diagnostics,
            })
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

/// A file is taken as given; a folder is searched for `*.py`, skipping hidden folders and caches.
fn collect_python_files(path: &Path) -> Result<Vec<PathBuf>, String> {
    let metadata = std::fs::metadata(path)
        .map_err(|error| format!("cannot read `{}`: {error}", path.display()))?;
    if !metadata.is_dir() {
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    let walker = WalkDir::new(path)
        .follow_links(false)
        .into_iter()
        .filter_entry(|entry| {
            let name = entry.file_name().to_string_lossy();
            entry.depth() == 0 || !(name.starts_with('.') || name == "__pycache__")
        });
    for entry in walker {
        let entry = entry.map_err(|error| format!("cannot read `{}`: {error}", path.display()))?;
        if entry.file_type().is_file() && entry.path().extension().is_some_and(|ext| ext == "py") {
            files.push(entry.into_path());
        }
    }
    Ok(files)
}

fn read_source(path: &Path) -> Result<String, String> {
    let bytes = std::fs::read(path)
        .map_err(|error| format!("cannot read `{}`: {error}", path.display()))?;
    crate::detector::decode_source(bytes)
        .map_err(|error| format!("cannot read `{}`: {error}", path.display()))
}
