//! Snapshot tests of every rule: each `tests/fixtures/<CODE>_*.py` holds flagged shapes and clean
//! look-alikes of one rule; its diagnostics (and fixes, with the fixed source) are rendered as
//! text into `tests/snapshots/rules__<fixture>.snap`.
//!
//! Update after an intended change with `INSTA_UPDATE=always cargo test --test rules` (or
//! `cargo insta review`), then read the changed `.snap` files.

use std::fmt::Write;
use std::fs;
use std::path::{Path, PathBuf};

use aether::check_source;

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "py"))
        .collect();
    files.sort();
    files
}

fn render(source: &str) -> String {
    let diagnostics = check_source(source);
    let mut text = String::new();
    for d in &diagnostics {
        let severity = format!("{:?}", d.severity).to_lowercase();
        writeln!(
            text,
            "{}:{} {} [{severity}] {}",
            d.location.row, d.location.column, d.code, d.message
        )
        .unwrap();
        if let Some(fix) = &d.fix {
            writeln!(text, "    fix: {}", fix.message).unwrap();
        }
    }
    if diagnostics.is_empty() {
        text.push_str("(no diagnostics)\n");
    }
    if diagnostics.iter().any(|d| d.fix.is_some()) {
        let options = aether::detector::CheckOptions {
            report_unused_suppressions: true,
            ..Default::default()
        };
        let fixed = aether::detector::fix_source(source, &[], &options, true).source;
        let remaining: Vec<String> = check_source(&fixed)
            .iter()
            .map(|d| format!("{}:{} {}", d.location.row, d.location.column, d.code))
            .collect();
        writeln!(text, "\n--- after applying the fixes ---\n{fixed}").unwrap();
        writeln!(text, "--- remaining: {remaining:?}").unwrap();
    }
    text
}

#[test]
fn rule_fixtures_match_their_snapshots() {
    let files = fixtures();
    assert!(files.len() >= 20, "only {} fixtures", files.len());
    for path in files {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let source = fs::read_to_string(&path).unwrap();
        insta::assert_snapshot!(name, render(&source));
    }
}

#[test]
fn every_rule_has_a_fixture() {
    let names: Vec<String> = fixtures()
        .iter()
        .map(|path| path.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for rule in aether::detector::ALL_RULES {
        assert!(
            names.iter().any(|name| name.starts_with(rule.code)),
            "{} has no fixture in tests/fixtures",
            rule.code
        );
    }
}
