//! `aether check` as a team runs it in CI (issue 14): output formats (insta snapshots, SARIF
//! against the official schema), suppressions, rule selection, configuration files, ignore
//! files, standard input, notebooks and exit codes.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const RACY: &str = "import threading\n\ncounter = 0\n\ndef worker():\n    global counter\n    counter += 1\n\nfor _ in range(2):\n    threading.Thread(target=worker).start()\n";

/// A function defined in one cell and started in a thread in another, behind a magic.
const NOTEBOOK: &str = r##"{
 "cells": [
  {"cell_type": "markdown", "metadata": {}, "source": ["# Counting\n"]},
  {"cell_type": "code", "metadata": {}, "execution_count": 1, "outputs": [],
   "source": ["import threading\n", "%load_ext autoreload\n", "total = 0\n", "\n", "def add():\n", "    global total\n", "    total += 1\n"]},
  {"cell_type": "code", "metadata": {}, "execution_count": 2, "outputs": [],
   "source": ["!pip install nothing\n", "for _ in range(2):\n", "    threading.Thread(target=add).start()\n"]}
 ],
 "metadata": {}, "nbformat": 4, "nbformat_minor": 5
}"##;

fn aether(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("aether").expect("the aether binary is built for tests");
    command.current_dir(dir);
    command
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// Runs `aether ARGS` in `dir`: exit code, standard output, standard error.
fn run(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let output = aether(dir).args(args).output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// A project with a race (with a fix), a syntax error and a notebook.
fn project() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "app/racy.py", RACY);
    write(dir.path(), "app/broken.py", "def worker(:\n    pass\n");
    write(dir.path(), "nb.ipynb", NOTEBOOK);
    dir
}

#[test]
fn every_output_format_matches_its_snapshot() {
    let dir = project();
    for format in [
        "text",
        "concise",
        "full",
        "json",
        "json-lines",
        "github",
        "junit",
        "gitlab",
    ] {
        let (code, stdout, stderr) = run(dir.path(), &["check", "--output-format", format]);
        assert_eq!(code, Some(1), "{format}: {stderr}");
        insta::assert_snapshot!(format!("format_{format}"), stdout);
    }
    // SARIF's driver lists every rule with its whole explanation: the snapshot keeps what the
    // findings say, the schema test below the rest.
    let (_, sarif, _) = run(dir.path(), &["check", "--output-format", "sarif"]);
    let sarif: Value = serde_json::from_str(&sarif).unwrap();
    insta::assert_snapshot!(
        "format_sarif_results",
        format!("{:#}", sarif["runs"][0]["results"])
    );
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let schema_path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/schemas/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_str(&fs::read_to_string(schema_path).unwrap()).unwrap();
    let validator = jsonschema::validator_for(&schema).unwrap();
    let dir = project();
    let (_, stdout, _) = run(dir.path(), &["check", "--output-format", "sarif"]);
    let sarif: Value = serde_json::from_str(&stdout).unwrap();
    let errors: Vec<String> = validator
        .iter_errors(&sarif)
        .map(|e| e.to_string())
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // A schema that accepts anything would prove nothing: a broken log must fail it.
    let mut broken = sarif.clone();
    broken["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&broken));

    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), aether::detector::ALL_RULES.len());
    for rule in rules {
        for key in [
            "id",
            "name",
            "shortDescription",
            "fullDescription",
            "help",
            "defaultConfiguration",
        ] {
            assert!(rule.get(key).is_some(), "{key} missing in {rule}");
        }
    }
    for result in run["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(!uri.starts_with('/'), "{uri} is not repository-relative");
    }
}

#[test]
fn json_has_ruffs_fields_with_cells_and_noqa_rows() {
    let dir = project();
    let (_, stdout, _) = run(dir.path(), &["check", "--output-format", "json"]);
    let entries: Vec<Value> = serde_json::from_str(&stdout).unwrap();
    let racy = entries
        .iter()
        .find(|entry| entry["filename"] == "app/racy.py")
        .unwrap();
    assert_eq!(racy["noqa_row"], 7);
    assert_eq!(racy["cell"], Value::Null);
    assert_eq!(racy["fix"]["applicability"], "unsafe");
    let notebook = entries
        .iter()
        .find(|entry| entry["filename"] == "nb.ipynb")
        .unwrap();
    assert_eq!(notebook["code"], "FT001");
    // `total += 1` is on row 7 of the first code cell; the thread starts in the second.
    assert_eq!(notebook["cell"], 1);
    assert_eq!(notebook["location"]["row"], 7);
}

#[test]
fn notebooks_name_the_cell_in_text() {
    let dir = project();
    let (_, stdout, _) = run(dir.path(), &["check", "nb.ipynb"]);
    assert!(
        stdout.starts_with("nb.ipynb:cell 1:7:5: FT001 "),
        "{stdout}"
    );
    // Broken JSON is a finding of the file.
    write(dir.path(), "bad.ipynb", "{\"cells\": 3}");
    let (code, stdout, _) = run(dir.path(), &["check", "bad.ipynb"]);
    assert_eq!(code, Some(1));
    assert!(
        stdout.contains("bad.ipynb:1:1: FT000 not analysed: not a Jupyter notebook"),
        "{stdout}"
    );
}

#[test]
fn paths_are_relative_to_the_working_directory_everywhere() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "pkg/jobs.py",
        "counter = 0\n\ndef work():\n    global counter\n    counter += 1\n",
    );
    write(
        dir.path(),
        "pkg/app.py",
        "import threading\nfrom pkg.jobs import work\n\nfor _ in range(2):\n    threading.Thread(target=work).start()\n",
    );
    let absolute = dir.path().to_str().unwrap();
    let (_, stdout, _) = run(dir.path(), &["check", absolute]);
    assert!(stdout.starts_with("pkg/jobs.py:5:5: FT001 "), "{stdout}");
    // The thread entry found in another file is named by its relative path too.
    assert!(stdout.contains("at pkg/app.py:5"), "{stdout}");
    let notebook = project();
    let (_, stdout, _) = run(notebook.path(), &["check", "nb.ipynb"]);
    assert!(
        stdout.contains("`threading.Thread(target=add)` at cell 2, line 3)"),
        "{stdout}"
    );
    assert!(!stdout.contains(absolute), "{stdout}");
}

#[test]
fn selection_flags_take_codes_prefixes_and_all() {
    let dir = project();
    let count = |args: &[&str]| {
        let mut all = vec!["check", "--output-format", "json", "app/racy.py"];
        all.extend_from_slice(args);
        let (_, stdout, _) = run(dir.path(), &all);
        let entries: Vec<Value> = serde_json::from_str(&stdout).unwrap();
        entries
            .iter()
            .map(|e| e["code"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(count(&[]), ["FT001"]);
    assert_eq!(count(&["--ignore", "FT001"]), Vec::<String>::new());
    assert_eq!(count(&["--ignore", "FT0"]), Vec::<String>::new());
    assert_eq!(count(&["--select", "FT002,FT01"]), Vec::<String>::new());
    assert_eq!(
        count(&["--select", "FT002", "--extend-select", "FT001"]),
        ["FT001"]
    );
    assert_eq!(
        count(&["--select", "ALL", "--extend-ignore", "FT00"]),
        Vec::<String>::new()
    );
    let (code, _, stderr) = run(dir.path(), &["check", "--select", "XY1", "app/racy.py"]);
    assert_eq!(code, Some(2));
    assert!(stderr.contains("`XY1` is not a rule code"), "{stderr}");
}

#[test]
fn the_nearest_configuration_wins_and_flags_win_over_it() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "pyproject.toml",
        "[project]\nname = \"demo\"\n\n[tool.aether]\nignore = [\"FT001\"]\n",
    );
    write(dir.path(), "top.py", RACY);
    write(
        dir.path(),
        "sub/pyproject.toml",
        "[tool.aether]\nselect = [\"FT001\"]\nper-file-ignores = { \"legacy_*.py\" = [\"FT001\"] }\n",
    );
    write(dir.path(), "sub/inner.py", RACY);
    write(dir.path(), "sub/legacy_job.py", RACY);
    // A pyproject.toml without [tool.aether] does not stop the walk up.
    write(
        dir.path(),
        "sub/deeper/pyproject.toml",
        "[project]\nname = \"deeper\"\n",
    );
    write(dir.path(), "sub/deeper/leaf.py", RACY);
    let (code, stdout, stderr) = run(dir.path(), &["check", "--output-format", "concise"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(
        stdout
            .lines()
            .map(|line| line.split(':').next().unwrap())
            .collect::<Vec<_>>(),
        ["sub/deeper/leaf.py", "sub/inner.py"],
        "{stdout}"
    );
    // The command line's --select replaces the files' selection.
    let (_, stdout, _) = run(
        dir.path(),
        &["check", "--output-format", "concise", "--select", "FT002"],
    );
    assert_eq!(stdout, "");
    let (_, stdout, _) = run(
        dir.path(),
        &["check", "--output-format", "concise", "--isolated"],
    );
    assert_eq!(stdout.lines().count(), 4, "{stdout}");
    // aether.toml wins over pyproject.toml in the same folder.
    write(dir.path(), "aether.toml", "select = [\"FT001\"]\n");
    let (_, stdout, _) = run(
        dir.path(),
        &["check", "--output-format", "concise", "top.py"],
    );
    assert!(stdout.starts_with("top.py:7:5: FT001"), "{stdout}");
}

#[test]
fn a_broken_configuration_exits_two_with_file_line_and_reason() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "a.py", RACY);
    write(
        dir.path(),
        "pyproject.toml",
        "[tool.aether]\nselect = [\"FT001\"]\nlibary = true\n",
    );
    let (code, stdout, stderr) = run(dir.path(), &["check"]);
    assert_eq!(code, Some(2), "{stdout}");
    assert!(
        stderr.contains("pyproject.toml:3:1: unknown field `libary`"),
        "{stderr}"
    );
    write(
        dir.path(),
        "pyproject.toml",
        "[tool.aether]\nselect = [\"FT001\"\n",
    );
    let (code, _, stderr) = run(dir.path(), &["check"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("pyproject.toml:3:1: invalid array; expected `]`"),
        "{stderr}"
    );
    write(
        dir.path(),
        "pyproject.toml",
        "[tool.aether]\n\nselect = [\"FT001\", \"NOPE\"]\n",
    );
    let (code, _, stderr) = run(dir.path(), &["check"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("pyproject.toml:3: `NOPE` is not a rule code"),
        "{stderr}"
    );
    write(
        dir.path(),
        "pyproject.toml",
        "[tool.aether]\ntarget-version = \"3.12\"\n",
    );
    let (code, _, stderr) = run(dir.path(), &["check"]);
    assert_eq!(code, Some(2));
    assert!(
        stderr.contains("target-version `3.12` is not one of `3.13t`, `3.14t`"),
        "{stderr}"
    );
}

#[test]
fn show_settings_prints_what_applies() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "aether.toml",
        "ignore = [\"FT0\"]\nlibrary = true\ntarget-version = \"3.13t\"\nextend-exclude = [\"generated\"]\n",
    );
    let (code, stdout, _) = run(
        dir.path(),
        &["check", "--show-settings", "--extend-select", "FT001"],
    );
    assert_eq!(code, Some(0));
    assert!(stdout.contains("aether.toml"), "{stdout}");
    assert!(stdout.contains("  rules: FT001, FT100\n"), "{stdout}");
    assert!(stdout.contains("  library: true\n"), "{stdout}");
    assert!(stdout.contains("  target-version: 3.13t\n"), "{stdout}");
    assert!(stdout.contains(", generated\n"), "{stdout}");
}

#[test]
fn ignore_files_and_default_excludes_are_respected() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "kept.py", RACY);
    write(dir.path(), ".gitignore", "ignored_by_git.py\n");
    write(dir.path(), "ignored_by_git.py", RACY);
    write(dir.path(), "sub/.ignore", "*.py\n");
    write(dir.path(), "sub/hidden_by_ignore.py", RACY);
    write(dir.path(), ".venv/lib/site.py", RACY);
    write(dir.path(), "build/out.py", RACY);
    write(dir.path(), "generated/x.py", RACY);
    let files = |args: &[&str]| {
        let mut all = vec!["check", "--output-format", "concise"];
        all.extend_from_slice(args);
        let (_, stdout, _) = run(dir.path(), &all);
        stdout
            .lines()
            .map(|line| line.split(':').next().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert_eq!(files(&[]), ["generated/x.py", "kept.py"]);
    assert_eq!(files(&["--extend-exclude", "generated"]), ["kept.py"]);
    assert_eq!(
        files(&["--no-respect-gitignore"]),
        [
            "generated/x.py",
            "ignored_by_git.py",
            "kept.py",
            "sub/hidden_by_ignore.py"
        ]
    );
    // `--exclude` replaces the defaults.
    assert!(files(&["--exclude", ""]).contains(&"build/out.py".to_string()));
    // A file named on the command line is checked even where it is excluded.
    assert_eq!(files(&["build/out.py"]), ["build/out.py"]);
    assert_eq!(
        files(&["--force-exclude", "build/out.py", "kept.py"]),
        ["kept.py"]
    );
    let (_, listed, _) = run(dir.path(), &["check", "--show-files"]);
    assert_eq!(listed, "generated/x.py\nkept.py\n");
}

#[test]
fn standard_input_with_and_without_a_name() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, _) = {
        let output = aether(dir.path())
            .args(["check", "-"])
            .write_stdin(RACY)
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            (),
        )
    };
    assert_eq!(code, Some(1));
    assert!(stdout.starts_with("-:7:5: FT001 "), "{stdout}");
    write(
        dir.path(),
        "pyproject.toml",
        "[tool.aether]\nper-file-ignores = { \"scripts/*\" = [\"FT001\"] }\n",
    );
    let output = aether(dir.path())
        .args(["check", "-", "--stdin-filename", "src/job.py"])
        .write_stdin(RACY)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("src/job.py:7:5: FT001 "));
    // The name decides the configuration that applies.
    let output = aether(dir.path())
        .args(["check", "-", "--stdin-filename", "scripts/job.py"])
        .write_stdin(RACY)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let output = aether(dir.path())
        .args(["check", "-", "--stdin-filename", "nb.ipynb"])
        .write_stdin(NOTEBOOK)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&output.stdout).starts_with("nb.ipynb:cell 1:7:5: FT001 "));
}

#[test]
fn suppressions_and_unused_suppression_reports() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "noqa.py",
        &RACY.replace("counter += 1", "counter += 1  # noqa: FT001"),
    );
    write(
        dir.path(),
        "ignored.py",
        &RACY.replace("counter += 1", "counter += 1  # aether: ignore[FT001]"),
    );
    write(
        dir.path(),
        "whole.py",
        &format!("# aether: ignore-file\n{RACY}"),
    );
    write(dir.path(), "stale.py", "x = 1  # aether: ignore[FT002]\n");
    let (code, stdout, _) = run(dir.path(), &["check"]);
    assert_eq!(code, Some(0), "{stdout}");
    let (code, stdout, _) = run(
        dir.path(),
        &[
            "check",
            "--report-unused-suppressions",
            "--output-format",
            "concise",
        ],
    );
    assert_eq!(code, Some(1));
    assert_eq!(
        stdout,
        "stale.py:1:8: FT100 unused suppression `# aether: ignore[FT002]`: no `FT002` finding on this line or statement\n"
    );
}

#[test]
fn exit_codes_for_every_outcome() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "info.py",
        "counter = 0\n\ndef bump():\n    global counter\n    counter += 1\n",
    );
    // Only info, which has a fix: 0, unless fixes must fail the run.
    assert_eq!(run(dir.path(), &["check"]).0, Some(0));
    assert_eq!(
        run(dir.path(), &["check", "--exit-non-zero-on-fix"]).0,
        Some(1)
    );
    write(dir.path(), "racy.py", RACY);
    assert_eq!(run(dir.path(), &["check"]).0, Some(1));
    assert_eq!(run(dir.path(), &["check", "--exit-zero"]).0, Some(0));
    // Usage errors, a missing path, a broken configuration: 2.
    assert_eq!(
        run(dir.path(), &["check", "--output-format", "xml"]).0,
        Some(2)
    );
    assert_eq!(
        run(dir.path(), &["check", "--target-version", "3.12"]).0,
        Some(2)
    );
    assert_eq!(run(dir.path(), &["check", "missing.py"]).0, Some(2));
    write(dir.path(), "aether.toml", "select = 1\n");
    assert_eq!(run(dir.path(), &["check"]).0, Some(2));
}

#[test]
fn output_file_statistics_quiet_and_fixes() {
    let dir = project();
    let (code, stdout, _) = run(
        dir.path(),
        &[
            "check",
            "--output-file",
            "out.json",
            "--output-format",
            "json",
        ],
    );
    assert_eq!((code, stdout.as_str()), (Some(1), ""));
    let written: Vec<Value> =
        serde_json::from_str(&fs::read_to_string(dir.path().join("out.json")).unwrap()).unwrap();
    assert_eq!(written.len(), 4);
    let (_, stdout, _) = run(dir.path(), &["check", "--statistics"]);
    assert_eq!(
        stdout,
        "    2\tFT000\tsyntax-error\n    2\tFT001\t[*] rmw-global\n"
    );
    let (_, stdout, _) = run(dir.path(), &["check", "--quiet", "app/racy.py"]);
    assert_eq!(stdout.lines().count(), 1, "{stdout}");
    let (_, stdout, _) = run(dir.path(), &["check", "--show-fixes", "app/racy.py"]);
    assert!(
        stdout.contains("\n  fix (unsafe): Hold a new lock `_counter_lock` around the update\n"),
        "{stdout}"
    );
}

/// A race with a safe fix (one atomic `setdefault`) beside one with an unsafe fix (a lock).
const FIXABLE: &str = "import threading\n\ncache = {}\ncounter = 0\n\ndef worker(key):\n    global counter\n    if key not in cache:\n        cache[key] = 0\n    counter += 1\n\nfor key in 'ab':\n    threading.Thread(target=worker, args=(key,)).start()\n";

#[test]
fn diff_prints_the_fixes_as_a_patch_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "job.py", FIXABLE);
    let (code, stdout, stderr) = run(dir.path(), &["check", "--diff"]);
    assert_eq!(code, Some(1), "{stderr}");
    assert_eq!(
        stdout,
        "--- a/job.py\n+++ b/job.py\n@@ -5,8 +5,7 @@\n \n def worker(key):\n     global counter\n-    if key not in cache:\n-        cache[key] = 0\n+    cache.setdefault(key, 0)\n     counter += 1\n \n for key in 'ab':\n"
    );
    assert_eq!(stderr, "Would fix 1 hazard in 1 file.\n");
    assert_eq!(
        fs::read_to_string(dir.path().join("job.py")).unwrap(),
        FIXABLE
    );
    // With the unsafe fixes too, the lock appears; nothing to fix exits with 0.
    let (_, stdout, _) = run(dir.path(), &["check", "--diff", "--unsafe-fixes"]);
    assert!(
        stdout.contains("+_counter_lock = threading.Lock()\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("+    with _counter_lock:\n+        counter += 1\n"),
        "{stdout}"
    );
    write(dir.path(), "job.py", "x = 1\n");
    let (code, stdout, stderr) = run(dir.path(), &["check", "--diff"]);
    assert_eq!(
        (code, stdout.as_str(), stderr.as_str()),
        (Some(0), "", "No fixes available.\n")
    );
}

#[test]
fn fix_rewrites_the_files_then_reports_what_remains() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "job.py", FIXABLE);
    let (code, stdout, _) = run(dir.path(), &["check", "--fix"]);
    // The unsafe fix is left: its finding remains, and fails the run.
    assert_eq!(code, Some(1), "{stdout}");
    assert!(stdout.contains("job.py:9:5: FT001 "), "{stdout}");
    assert!(
        stdout.ends_with(
            "Found 2 hazards in 1 file (1 fixed, 1 remaining): 0 error, 1 warning, 0 info.\n1 fix available with `--fix --unsafe-fixes`; --show-fixes shows them.\n"
        ),
        "{stdout}"
    );
    let fixed = fs::read_to_string(dir.path().join("job.py")).unwrap();
    assert!(fixed.contains("    cache.setdefault(key, 0)\n"), "{fixed}");
    let (code, stdout, _) = run(dir.path(), &["check", "--fix", "--unsafe-fixes"]);
    assert_eq!(code, Some(0), "{stdout}");
    assert_eq!(
        stdout,
        "Found 1 hazard in 1 file (1 fixed, 0 remaining): 0 error, 0 warning, 0 info.\n"
    );
    let (code, _, _) = run(dir.path(), &["check"]);
    assert_eq!(code, Some(0));
}

#[test]
fn fix_on_standard_input_writes_the_fixed_text_and_reports_on_standard_error() {
    let dir = tempfile::tempdir().unwrap();
    let output = aether(dir.path())
        .args(["check", "--fix", "-"])
        .write_stdin(FIXABLE)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(
        stdout,
        FIXABLE.replace(
            "    if key not in cache:\n        cache[key] = 0\n",
            "    cache.setdefault(key, 0)\n"
        )
    );
    assert!(stderr.contains("-:9:5: FT001 "), "{stderr}");
    // Nothing to fix: the text comes back as it was.
    let output = aether(dir.path())
        .args(["check", "--fix", "-"])
        .write_stdin("x = 1\n")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stdout), "x = 1\n");
}
