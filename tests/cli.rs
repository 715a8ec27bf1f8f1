//! The `aether` binary as CI uses it: exit codes, output formats, bad arguments and paths.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

const RACY: &str = "import threading\n\ncounter = 0\n\ndef worker():\n    global counter\n    counter += 1\n\nfor _ in range(4):\n    threading.Thread(target=worker).start()\n";
const LOCKED: &str = "import threading\n\ncounter = 0\nlock = threading.Lock()\n\ndef worker():\n    global counter\n    with lock:\n        counter += 1\n\nthreading.Thread(target=worker).start()\n";
/// The same race in a module that starts no threads: reported as `info` only.
const NO_THREADS: &str = "counter = 0\n\ndef bump():\n    global counter\n    counter += 1\n";

fn aether() -> Command {
    Command::cargo_bin("aether").expect("the aether binary is built for tests")
}

fn write(dir: &Path, name: &str, text: &str) {
    let path = dir.join(name);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

#[test]
fn clean_file_exits_zero() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ok.py", LOCKED);
    let output = aether()
        .arg("check")
        .arg(dir.path().join("ok.py"))
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).contains("All checks passed!"));
}

#[test]
fn hazard_exits_one_with_path_row_column_code() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "racy.py", RACY);
    let path = dir.path().join("racy.py");
    let output = aether().arg("check").arg(&path).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    let first = stdout.lines().next().unwrap();
    assert!(
        first.starts_with(&format!("{}:7:5: FT001 ", path.display())),
        "{first}"
    );
}

#[test]
fn info_alone_exits_zero_and_exit_zero_flag_overrides_hazards() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "lib.py", NO_THREADS);
    let output = aether().arg("check").arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&output.stdout).contains("1 info"));

    write(dir.path(), "racy.py", RACY);
    aether()
        .args(["check", "--exit-zero"])
        .arg(dir.path())
        .assert()
        .code(0);
}

#[test]
fn json_is_an_array_shaped_like_ruffs() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "racy.py", RACY);
    let output = aether()
        .args(["check", "--output-format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let entries = json.as_array().unwrap();
    assert_eq!(entries.len(), 1);
    let entry = &entries[0];
    let mut keys: Vec<_> = entry.as_object().unwrap().keys().cloned().collect();
    keys.sort();
    assert_eq!(
        keys,
        [
            "cell",
            "code",
            "end_location",
            "filename",
            "fix",
            "location",
            "message",
            "name",
            "noqa_row",
            "severity",
            "url"
        ]
    );
    assert_eq!(entry["code"], "FT001");
    assert_eq!(entry["name"], "rmw-global");
    assert_eq!(entry["severity"], "warning");
    assert_eq!(
        entry["location"],
        serde_json::json!({"row": 7, "column": 5})
    );
    assert_eq!(
        entry["end_location"],
        serde_json::json!({"row": 7, "column": 17})
    );
    assert!(entry["filename"].as_str().unwrap().ends_with("racy.py"));
    assert!(entry["url"].is_null());
    // FT001 offers a fix: wrap the update in `with <lock>:` (creating the lock if needed).
    assert!(entry["fix"]["message"].as_str().unwrap().contains("lock"));
    assert!(!entry["fix"]["edits"].as_array().unwrap().is_empty());
}

#[test]
fn clean_json_is_an_empty_array() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "ok.py", LOCKED);
    let output = aether()
        .args(["check", "--output-format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(json, serde_json::json!([]));
}

#[test]
fn folders_are_searched_for_python_files_in_path_order() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "b/racy.py", RACY);
    write(dir.path(), "a/racy.py", RACY);
    write(dir.path(), "a/notes.txt", RACY);
    write(dir.path(), ".venv/racy.py", RACY);
    let output = aether().arg("check").arg(dir.path()).output().unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    let files: Vec<_> = stdout
        .lines()
        .filter(|line| line.contains("FT001"))
        .collect();
    assert_eq!(files.len(), 2, "{stdout}");
    assert!(
        files[0].contains("a/racy.py") && files[1].contains("b/racy.py"),
        "{stdout}"
    );
}

#[test]
fn missing_path_exits_two_naming_it() {
    let output = aether()
        .args(["check", "/no/such/dir/x.py"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8(output.stderr).unwrap();
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("/no/such/dir/x.py"), "{stderr}");
}

#[test]
fn binary_file_is_a_finding_and_other_files_are_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("junk.py"), [0xff, 0xfe, 0x00, 0x9f, 0x92]).unwrap();
    write(dir.path(), "racy.py", RACY);
    let output = aether().arg("check").arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("junk.py:1:1: FT000 not analysed: not UTF-8 text"),
        "{stdout}"
    );
    assert!(stdout.contains("FT001"), "{stdout}");
}

#[test]
fn syntax_errors_are_reported_as_ft000() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "broken.py", "def worker(:\n    pass\n");
    let output = aether().arg("check").arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&output.stdout).contains("broken.py:1:12: FT000 SyntaxError"));
}

#[test]
fn pathologically_nested_files_are_refused_and_the_others_still_checked() {
    let dir = tempfile::tempdir().unwrap();
    // Each of these overflowed a stack or ran for minutes before its limit was counted.
    write(
        dir.path(),
        "lambdas.py",
        &format!("f = {}1\n", "lambda: ".repeat(100_000)),
    );
    let depth = 200_000;
    let fstrings = format!("x = {}1{}\n", "f'{".repeat(depth), "}'".repeat(depth));
    write(dir.path(), "fstrings.py", &fstrings);
    write(dir.path(), "racy.py", RACY);
    let output = aether().arg("check").arg(dir.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.contains("lambdas.py:1:") && stdout.contains("nested too deeply"),
        "{stdout}"
    );
    assert!(
        stdout.contains("fstrings.py:1:") && stdout.contains("too many nested brackets"),
        "{stdout}"
    );
    assert!(stdout.contains("racy.py:7:5: FT001"), "{stdout}");
}

#[test]
fn usage_errors_exit_two() {
    aether()
        .args(["check", "--output-format", "xml", "x.py"])
        .assert()
        .code(2);
    aether().arg("frobnicate").assert().code(2);
    aether().args(["rule", "FT999"]).assert().code(2);
}

#[test]
fn rule_explains_and_rules_lists_as_json() {
    let output = aether().args(["rule", "FT001"]).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8(output.stdout).unwrap();
    assert!(
        text.starts_with("# rmw-global (FT001)") && text.contains("## Why is this bad?"),
        "{text}"
    );

    let output = aether()
        .args(["rules", "--output-format", "json"])
        .output()
        .unwrap();
    let rules: Value = serde_json::from_slice(&output.stdout).unwrap();
    let codes: Vec<_> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|rule| rule["code"].clone())
        .collect();
    assert!(codes.contains(&Value::from("FT001")) && codes.contains(&Value::from("FT000")));
}

#[test]
fn github_format_writes_annotations() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "racy.py", RACY);
    let output = aether()
        .args(["check", "--output-format", "github"])
        .arg(dir.path().join("racy.py"))
        .output()
        .unwrap();
    let stdout = String::from_utf8(output.stdout).unwrap();
    assert!(
        stdout.starts_with("::warning title=Aether (FT001),file="),
        "{stdout}"
    );
    assert!(
        stdout.contains(",line=7,col=5,endLine=7,endColumn=17::FT001 "),
        "{stdout}"
    );
}

/// `docs/rules.md` is generated from the rules' own documentation; this fails when it is stale.
#[test]
fn generated_rule_docs_are_current() {
    let output = aether()
        .args(["rules", "--output-format", "markdown"])
        .output()
        .unwrap();
    let generated = String::from_utf8(output.stdout).unwrap();
    let committed =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/rules.md")).unwrap();
    assert!(
        generated == committed,
        "docs/rules.md is stale: run `cargo run -q -- rules --output-format markdown > docs/rules.md`"
    );
}

/// A thread started in one file reaches functions of the files it imports, across hops.
#[test]
fn threads_are_followed_across_the_files_of_one_run() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "app.py",
        "import threading\nfrom pkg.jobs import work\n\nfor _ in range(4):\n    threading.Thread(target=work).start()\n",
    );
    write(dir.path(), "pkg/__init__.py", "");
    write(
        dir.path(),
        "pkg/jobs.py",
        "from pkg import counters\n\ndef work():\n    counters.bump()\n",
    );
    write(
        dir.path(),
        "pkg/counters.py",
        "hits = 0\n\ndef bump():\n    global hits\n    hits += 1\n\ndef unused():\n    global hits\n    hits += 1\n",
    );
    let output = aether()
        .args(["check", "--output-format", "json"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let json: Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings: Vec<_> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["location"]["row"].clone(),
                d["severity"].clone(),
                d["message"].clone(),
            )
        })
        .collect();
    assert_eq!(findings.len(), 1, "{findings:?}");
    let (row, severity, message) = &findings[0];
    assert_eq!((row, severity), (&Value::from(5), &Value::from("warning")));
    let message = message.as_str().unwrap();
    assert!(
        message.contains("`threading.Thread(target=work)` at ")
            && message.contains("app.py:5 -> work -> bump)"),
        "{message}"
    );

    // One thread started once: nothing else runs `bump`, so nothing races.
    write(
        dir.path(),
        "app.py",
        "import threading\nfrom pkg.jobs import work\n\nthreading.Thread(target=work).start()\n",
    );
    let once = aether().arg("check").arg(dir.path()).output().unwrap();
    assert_eq!(
        once.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&once.stdout)
    );

    // Alone, the same module starts no threads: the finding is only `info`.
    let alone = aether()
        .arg("check")
        .arg(dir.path().join("pkg/counters.py"))
        .output()
        .unwrap();
    assert_eq!(alone.status.code(), Some(0));
}
