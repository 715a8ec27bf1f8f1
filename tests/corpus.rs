//! Detector accuracy on a corpus of realistic threaded programs.
//!
//! `tests/corpus/hazardous/*.py` each hold at least one real free-threading hazard (the first
//! line names it); `tests/corpus/safe/*.py` look alike but are safe. A file counts as flagged
//! when `check_source` reports at least one `warning` or `error` (what makes `aether check`
//! exit 1); `info` findings do not count.
//!
//! Run with `cargo test --test corpus -- --nocapture` to see the per-file table.

use std::fs;
use std::path::{Path, PathBuf};

use aether::{Severity, check_source};

/// Minimum share of hazardous files that must be flagged.
const MIN_RECALL: f64 = 0.90;
/// Maximum number of safe files that may be flagged.
const MAX_FALSE_POSITIVE_FILES: usize = 1;

struct FileResult {
    name: String,
    /// Codes of the warning/error diagnostics, in position order.
    flagged_codes: Vec<String>,
    /// Codes of the info diagnostics (reported, not counted).
    info_codes: Vec<String>,
    /// The `# hazard: ...` comment of a hazardous file.
    hazard: Option<String>,
}

impl FileResult {
    fn flagged(&self) -> bool {
        !self.flagged_codes.is_empty()
    }
}

fn corpus_files(kind: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/corpus")
        .join(kind);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|p| p.extension().is_some_and(|ext| ext == "py"))
        .collect();
    files.sort();
    files
}

fn analyse(path: &Path) -> FileResult {
    let source = fs::read_to_string(path).unwrap();
    let diagnostics = check_source(&source);
    let codes = |pred: fn(&Severity) -> bool| {
        diagnostics
            .iter()
            .filter(|d| pred(&d.severity))
            .map(|d| format!("{}@{}", d.code, d.location.row))
            .collect::<Vec<_>>()
    };
    let hazard = source
        .lines()
        .next()
        .and_then(|line| line.strip_prefix("# hazard:"))
        .map(|h| h.trim().to_string());
    FileResult {
        name: path.file_name().unwrap().to_string_lossy().into_owned(),
        flagged_codes: codes(|s| matches!(s, Severity::Warning | Severity::Error)),
        info_codes: codes(|s| matches!(s, Severity::Info)),
        hazard,
    }
}

fn print_table(title: &str, results: &[FileResult], expect_flagged: bool) {
    println!("\n{title}");
    for r in results {
        let verdict = match (r.flagged(), expect_flagged) {
            (true, true) => "hit ",
            (false, true) => "MISS",
            (false, false) => "ok  ",
            (true, false) => "FP  ",
        };
        let info = if r.info_codes.is_empty() {
            String::new()
        } else {
            format!("  (info: {})", r.info_codes.join(" "))
        };
        println!(
            "  {verdict} {:<40} {}{info}",
            r.name,
            if r.flagged_codes.is_empty() {
                "-".to_string()
            } else {
                r.flagged_codes.join(" ")
            },
        );
        if let (false, true, Some(h)) = (r.flagged(), expect_flagged, &r.hazard) {
            println!("         expected: {h}");
        }
    }
}

#[test]
fn corpus_files_are_well_formed() {
    let hazardous = corpus_files("hazardous");
    let safe = corpus_files("safe");
    assert!(
        hazardous.len() >= 30,
        "only {} hazardous files",
        hazardous.len()
    );
    assert!(safe.len() >= 20, "only {} safe files", safe.len());
    for path in &hazardous {
        assert!(
            analyse(path).hazard.is_some(),
            "{} must start with `# hazard: <family>`",
            path.display()
        );
    }
    for path in hazardous.iter().chain(&safe) {
        let source = fs::read_to_string(path).unwrap();
        assert!(
            check_source(&source).iter().all(|d| d.code != "FT000"),
            "{} does not parse",
            path.display()
        );
    }
}

#[test]
fn corpus_recall_and_false_positives() {
    let hazardous: Vec<FileResult> = corpus_files("hazardous")
        .iter()
        .map(|p| analyse(p))
        .collect();
    let safe: Vec<FileResult> = corpus_files("safe").iter().map(|p| analyse(p)).collect();

    print_table("hazardous files (should be flagged):", &hazardous, true);
    print_table("safe files (should not be flagged):", &safe, false);

    let hits = hazardous.iter().filter(|r| r.flagged()).count();
    let recall = hits as f64 / hazardous.len() as f64;
    let false_positives: Vec<&str> = safe
        .iter()
        .filter(|r| r.flagged())
        .map(|r| r.name.as_str())
        .collect();
    let misses: Vec<&str> = hazardous
        .iter()
        .filter(|r| !r.flagged())
        .map(|r| r.name.as_str())
        .collect();

    println!(
        "\nrecall: {hits}/{} = {recall:.3} (bar {MIN_RECALL}); false-positive files: {}/{} (bar <= {MAX_FALSE_POSITIVE_FILES})",
        hazardous.len(),
        false_positives.len(),
        safe.len(),
    );
    println!("missed: {misses:?}");
    println!("false positives: {false_positives:?}");

    assert!(
        recall >= MIN_RECALL,
        "recall {recall:.3} < {MIN_RECALL}; missed: {misses:?}"
    );
    assert!(
        false_positives.len() <= MAX_FALSE_POSITIVE_FILES,
        "{} false-positive files > {MAX_FALSE_POSITIVE_FILES}: {false_positives:?}",
        false_positives.len()
    );
}
