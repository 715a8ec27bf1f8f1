//! Every fix, checked the same way. `tests/fixtures/fixes/<CODE>_*.py` hold the shapes each
//! rule fixes; for each fixture, and for every fixture of `tests/fixtures` and every program of
//! `tests/corpus/hazardous` that has a fix, with all fixes (safe and unsafe) applied round after
//! round:
//! - the fixed text parses (and compiles, when `python3` is on the path);
//! - checking it again finds none of the fixed findings and nothing new (findings are matched by
//!   rule and flagged code, so moved lines do not matter);
//! - fixing it again changes nothing.
//!
//! The fixes' own fixtures are also snapshot: the fixes offered, the diff, what remains. Update
//! after an intended change with `INSTA_UPDATE=always cargo test --test fixes`, then read the
//! changed `.snap` files.

use std::collections::HashMap;
use std::fmt::Write;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use aether::check_source;
use aether::detector::{CheckOptions, Diagnostic, fix_source};

fn python_files(dir: &str) -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<PathBuf> = fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "py"))
        .collect();
    files.sort();
    files
}

/// The options `check_source` uses, so fixing and checking see the same findings.
fn options() -> CheckOptions {
    CheckOptions {
        report_unused_suppressions: true,
        ..CheckOptions::default()
    }
}

/// A finding as the rule and the code it flags (its first line), which a fix elsewhere in the
/// file does not change.
fn key(source: &str, diagnostic: &Diagnostic) -> (String, String) {
    let line = source
        .lines()
        .nth(diagnostic.location.row - 1)
        .unwrap_or_default();
    let start = diagnostic.location.column - 1;
    let end = if diagnostic.end_location.row == diagnostic.location.row {
        diagnostic.end_location.column - 1
    } else {
        line.chars().count()
    };
    let flagged: String = line.chars().skip(start).take(end - start).collect();
    (diagnostic.code.clone(), flagged.trim().to_string())
}

/// Compiles `source` with CPython, when `python3` is on the path: the fixed text must be a
/// valid module, not only parse (`nonlocal` and `global` rules, `break` outside a loop).
fn assert_compiles(name: &str, source: &str) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("fixed.py");
    fs::write(&path, source).unwrap();
    let Ok(output) = Command::new("python3")
        .args([
            "-c",
            "import sys; compile(open(sys.argv[1], encoding='utf-8').read(), sys.argv[1], 'exec')",
        ])
        .arg(&path)
        .output()
    else {
        return;
    };
    assert!(
        output.status.success(),
        "{name}: the fixed text does not compile:\n{}\n{source}",
        String::from_utf8_lossy(&output.stderr)
    );
}

/// Fixes `source` with every fix and checks the fixed text; returns it and its findings.
fn check_fixes(name: &str, source: &str) -> (String, Vec<Diagnostic>) {
    let before = check_source(source);
    let fixed = fix_source(source, &[], &options(), true);
    assert!(!fixed.broke_syntax, "{name}: a fix broke the syntax");
    assert!(
        ruff_python_parser::parse_module(&fixed.source).is_ok(),
        "{name}: the fixed text does not parse:\n{}",
        fixed.source
    );
    assert_compiles(name, &fixed.source);
    let after = check_source(&fixed.source);
    // What was found, less what was fixed, must cover what is found now.
    let mut expected: HashMap<(String, String), isize> = HashMap::new();
    for diagnostic in &before {
        *expected.entry(key(source, diagnostic)).or_default() += 1;
    }
    for diagnostic in &after {
        let count = expected.entry(key(&fixed.source, diagnostic)).or_default();
        *count -= 1;
        assert!(
            *count >= 0,
            "{name}: after the fixes, {} at {}:{} is new or was fixed but remains: {}\n{}",
            diagnostic.code,
            diagnostic.location.row,
            diagnostic.location.column,
            diagnostic.message,
            fixed.source
        );
    }
    for diagnostic in before.iter().filter(|d| d.fix.is_some()) {
        let remaining = after
            .iter()
            .filter(|a| key(&fixed.source, a) == key(source, diagnostic))
            .count();
        let found = before
            .iter()
            .filter(|b| key(source, b) == key(source, diagnostic))
            .count();
        let unfixed = before
            .iter()
            .filter(|b| b.fix.is_none() && key(source, b) == key(source, diagnostic))
            .count();
        assert!(
            remaining <= unfixed,
            "{name}: {} at {}:{} had a fix but remains ({remaining} of {found})\n{}",
            diagnostic.code,
            diagnostic.location.row,
            diagnostic.location.column,
            fixed.source
        );
    }
    let again = fix_source(&fixed.source, &[], &options(), true);
    assert_eq!(
        again.source, fixed.source,
        "{name}: fixing the fixed text changed it again"
    );
    (fixed.source, after)
}

fn render(source: &str) -> String {
    let diagnostics = check_source(source);
    let mut text = String::from("--- fixes offered\n");
    for d in diagnostics.iter() {
        if let Some(fix) = &d.fix {
            let applicability = format!("{:?}", fix.applicability).to_lowercase();
            writeln!(
                text,
                "{}:{} {} [{applicability}] {}",
                d.location.row, d.location.column, d.code, fix.message
            )
            .unwrap();
        }
    }
    let (fixed, after) = check_fixes("snapshot", source);
    let diff = similar::TextDiff::from_lines(source, &fixed);
    write!(
        text,
        "--- diff\n{}",
        diff.unified_diff()
            .context_radius(2)
            .header("before", "after")
    )
    .unwrap();
    let remaining: Vec<String> = after
        .iter()
        .map(|d| format!("{}:{} {}", d.location.row, d.location.column, d.code))
        .collect();
    writeln!(text, "--- remaining: {remaining:?}").unwrap();
    text
}

#[test]
fn every_fix_fixture_is_fixed_cleanly_and_matches_its_snapshot() {
    let files = python_files("tests/fixtures/fixes");
    assert!(files.len() >= 12, "only {} fix fixtures", files.len());
    for path in files {
        let name = path.file_stem().unwrap().to_string_lossy().into_owned();
        let source = fs::read_to_string(&path).unwrap();
        let code = name.split('_').next().unwrap();
        assert!(
            check_source(&source)
                .iter()
                .any(|d| d.code == code && d.fix.is_some()),
            "{name}: no {code} finding has a fix"
        );
        insta::assert_snapshot!(name, render(&source));
    }
}

#[test]
fn at_least_eight_rules_have_fixes() {
    let mut codes: Vec<String> = python_files("tests/fixtures/fixes")
        .iter()
        .map(|path| {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            name.split('_').next().unwrap().to_string()
        })
        .collect();
    codes.dedup();
    assert!(codes.len() >= 8, "{codes:?}");
}

#[test]
fn rule_fixtures_and_the_corpus_are_fixed_cleanly() {
    let files = python_files("tests/fixtures")
        .into_iter()
        .chain(python_files("tests/corpus/hazardous"));
    for path in files {
        let source = fs::read_to_string(&path).unwrap();
        // A text that does not parse is not fixed.
        if ruff_python_parser::parse_module(&source).is_ok()
            && check_source(&source).iter().any(|d| d.fix.is_some())
        {
            check_fixes(&path.display().to_string(), &source);
        }
    }
}

/// Shapes where a fix would change what the code does, or could not be checked: the finding
/// is reported without one (or, for FT002, with the lock instead of the one call).
#[test]
fn no_fix_where_it_would_be_wrong() {
    let threads =
        "\nfor _ in range(2):\n    threading.Thread(target=worker, args=([], )).start()\n";
    let cases: &[(&str, &str)] = &[
        // A parameter: callers elsewhere may pass a tuple, which has no `.copy()`.
        (
            "FT016",
            "import threading\nitems = []\ndef add(x):\n    items.append(x)\ndef total(values):\n    return sum(v for v in values)\ndef worker(_):\n    add(1)\n    total(items)\n",
        ),
        // The loop removes items itself: over a copy it would stop raising on one thread.
        (
            "FT016",
            "import threading\ncache = {}\ndef worker(_):\n    cache[1] = 2\n    for k in cache:\n        if k:\n            del cache[k]\n",
        ),
        // A whole `while` under a lock would run every iteration in one thread at a time.
        (
            "FT002",
            "import threading\njobs = [1, 2]\ndef worker(_):\n    while jobs:\n        jobs.pop()\n",
        ),
        // Two locks made per call would become one, and nested they would deadlock.
        (
            "FT011",
            "import threading\ndef worker(_):\n    with threading.Lock():\n        with threading.Lock():\n            pass\n",
        ),
        // An acquire with a timeout returns whether it got the lock.
        (
            "FT012",
            "import threading\nlock = threading.Lock()\ndef worker(_):\n    lock.acquire(timeout=1)\n    print(1)\n    lock.release()\n",
        ),
        // A comprehension over a shared generator cannot take a lock per item.
        (
            "FT014",
            "import threading\ndef gen():\n    yield 1\nnumbers = gen()\ndef worker(_):\n    return [n for n in numbers]\n",
        ),
        // Instances with `__slots__` take no new attribute.
        (
            "FT005",
            "import threading\nclass Box:\n    __slots__ = ('n',)\n    def __init__(self):\n        self.n = 0\n    def bump(self):\n        self.n += 1\nbox = Box()\ndef worker(_):\n    box.bump()\n",
        ),
        // An `else:` would need the lock and the test twice.
        (
            "FT003",
            "import threading\n_client = None\ndef worker(_):\n    global _client\n    if _client is None:\n        _client = object()\n    else:\n        print(_client)\n",
        ),
    ];
    for (code, source) in cases {
        let source = format!("{source}{threads}");
        let diagnostics = check_source(&source);
        let finding = diagnostics
            .iter()
            .find(|d| d.code == *code)
            .unwrap_or_else(|| panic!("no {code} in {source}: {diagnostics:?}"));
        assert!(finding.fix.is_none(), "{code} has a fix in {source}");
    }
    // `setdefault` would build the value on every call: the check and the act get a lock.
    let source = format!(
        "import threading\ncache = {{}}\ndef worker(key):\n    if key not in cache:\n        cache[key] = compute(key)\n{threads}"
    );
    let fix = check_source(&source)
        .into_iter()
        .find(|d| d.code == "FT002")
        .and_then(|d| d.fix)
        .expect("FT002 with a fix");
    assert_eq!(fix.applicability, aether::detector::Applicability::Unsafe);
    assert!(fix.message.contains("_cache_lock"), "{}", fix.message);
}
