//! `aether fit` and `aether advise`: output shapes, exit codes and one-line errors.

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

const SPECSDM91: &str = "threads,throughput\n1,64.9\n18,995.9\n36,1652.4\n72,1853.2\n108,1828.9\n144,1775.0\n216,1702.2\n";
/// Amdahl with sigma = 0.05: throughput never peaks.
const AMDAHL: &str = "1,10\n2,19.047619\n4,34.782609\n8,59.259259\n16,91.428571\n32,125.490196\n";

fn aether() -> Command {
    Command::cargo_bin("aether").expect("the aether binary is built for tests")
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let path = dir.join(name);
    fs::write(&path, text).expect("temp file written");
    path
}

fn json_of(output: &std::process::Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

/// Runs and expects exit 2 with one line on stderr containing `expected`.
fn assert_usage_error(args: &[&str], expected: &str) {
    let output = aether().args(args).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{args:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains(expected), "{stderr}");
    assert!(!stderr.contains("panicked"));
}

#[test]
fn fit_json_has_exactly_the_documented_fields() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write(dir.path(), "spec.csv", SPECSDM91);
    let output = aether()
        .args(["fit", "--output-format", "json"])
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let json = json_of(&output);
    let mut keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "cliff_threads",
            "kappa",
            "lambda",
            "peak_threads",
            "peak_throughput",
            "r_squared",
            "recommended_threads",
            "sigma"
        ]
    );
    assert!((json["sigma"].as_f64().unwrap() - 0.0277285).abs() < 1e-4);
    assert!((json["peak_threads"].as_f64().unwrap() - 96.52).abs() < 0.05);
    assert_eq!(json["cliff_threads"], 97);
}

#[test]
fn fit_without_a_peak_gives_nulls() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write(dir.path(), "amdahl.csv", AMDAHL);
    let output = aether()
        .args(["fit", "--output-format", "json"])
        .arg(&csv)
        .output()
        .unwrap();
    let json = json_of(&output);
    assert_eq!(json["peak_threads"], Value::Null);
    assert_eq!(json["cliff_threads"], Value::Null);
}

#[test]
fn fit_text_names_the_coefficients() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write(dir.path(), "spec.csv", SPECSDM91);
    let output = aether().arg("fit").arg(&csv).output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("sigma (contention)   0.027728"), "{text}");
    assert!(text.contains("recommended threads"));
}

#[test]
fn fit_errors_exit_two_with_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.csv");
    assert_usage_error(&["fit", missing.to_str().unwrap()], "missing.csv");
    let bad = write(dir.path(), "bad.csv", "1,10\n2,ten\n");
    assert_usage_error(&["fit", bad.to_str().unwrap()], "line 2");
    let few = write(dir.path(), "few.csv", "1,10\n2,19\n");
    assert_usage_error(
        &["fit", few.to_str().unwrap()],
        "3 or more distinct thread counts",
    );
    let negative = write(dir.path(), "negative.csv", "1,10\n2,-19\n4,30\n");
    assert_usage_error(&["fit", negative.to_str().unwrap()], "throughput -19");
}

#[test]
fn advise_json_has_the_documented_fields() {
    let output = aether()
        .args([
            "advise",
            "--build",
            "3.13t",
            "--cores",
            "8",
            "--threads",
            "1",
            "--parallel-fraction",
            "0.9",
            "--output-format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let json = json_of(&output);
    let mut keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    keys.sort_unstable();
    assert_eq!(
        keys,
        [
            "break_even_threads",
            "pool_size",
            "reasons",
            "speedup_at_threads",
            "verdict"
        ]
    );
    assert_eq!(json["verdict"], "migrate_if_threads");
    assert_eq!(json["break_even_threads"], 2);
    assert!((json["speedup_at_threads"].as_f64().unwrap() - 1.0 / 1.4).abs() < 1e-9);
    assert!(json["reasons"].as_array().unwrap().len() >= 3);
}

#[test]
fn advise_sizes_the_pool_from_the_blocking_ratio_beside_pythons_default() {
    let output = aether()
        .args(["advise", "--cores", "4", "--blocking-ratio", "0.75"])
        .args(["--target-utilization", "0.5", "--output-format", "json"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let pool = &json_of(&output)["pool_size"];
    // 4 cores x 0.5 x (1 + W/C = 1 + 0.75/0.25) = 8 threads; Python: min(32, 4 + 4) = 8.
    assert_eq!(pool["threads"], 8);
    assert_eq!(pool["python_default"], 8);
    assert_usage_error(
        &["advise", "--target-utilization", "0"],
        "--target-utilization",
    );
}

#[test]
fn advise_stay_on_gil_has_null_break_even() {
    let output = aether()
        .args([
            "advise",
            "--overhead",
            "0.4",
            "--cores",
            "4",
            "--parallel-fraction",
            "0.1",
        ])
        .args(["--output-format", "json"])
        .output()
        .unwrap();
    let json = json_of(&output);
    assert_eq!(json["verdict"], "stay_on_gil");
    assert_eq!(json["break_even_threads"], Value::Null);
}

#[test]
fn advise_with_a_fit_file() {
    let dir = tempfile::tempdir().unwrap();
    let csv = write(dir.path(), "spec.csv", SPECSDM91);
    let output = aether()
        .args(["advise", "--cores", "64", "--threads", "64", "--fit"])
        .arg(&csv)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.contains("fitted USL"), "{text}");
    assert!(text.contains("Verdict: migrate now."), "{text}");
}

#[test]
fn advise_errors_exit_two_with_one_line() {
    assert_usage_error(&["advise", "--parallel-fraction", "1.5"], "between 0 and 1");
    assert_usage_error(
        &["advise", "--parallel-fraction", "-0.1"],
        "between 0 and 1",
    );
    assert_usage_error(&["advise", "--cores", "0"], "--cores must be at least 1");
    assert_usage_error(
        &["advise", "--threads", "0"],
        "--threads must be at least 1",
    );
    assert_usage_error(
        &["advise", "--parallel-fraction", "0.5", "--fit", "x.csv"],
        "cannot be used together",
    );
    assert_usage_error(
        &["advise", "--build", "3.13t", "--overhead", "0.2"],
        "cannot be used together",
    );
    assert_usage_error(&["advise", "--blocking-ratio", "1"], "below 1");
    assert_usage_error(&["advise", "--overhead", "NaN"], "overhead");
    assert_usage_error(
        &["advise", "--fit", "/nonexistent/aether.csv"],
        "aether.csv",
    );
}
