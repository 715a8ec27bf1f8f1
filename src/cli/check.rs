//! `aether check`: finds the Python files, analyses them in parallel, prints in path order.

use std::io::Write;
use std::path::{Path, PathBuf};

use std::time::Duration;

use walkdir::WalkDir;

use super::output::{FileDiagnostics, write_diagnostics};
use super::{CheckFormat, Outcome};
use crate::concurrency::{Options, par_map};
use crate::detector::{Severity, check_source};
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
    let (results, _metrics) = par_map(&files, Options::default().with_facts(&facts), |path| {
        let source = read_source(path)?;
        Ok::<_, String>(FileDiagnostics {
            path: path.display().to_string(),
            diagnostics: check_source(&source),
        })
    });

    let mut checked = Vec::with_capacity(results.len());
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
    crate::detector::decode_source(&bytes)
        .map_err(|error| format!("cannot read `{}`: {error}", path.display()))
}
