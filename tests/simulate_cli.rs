//! `aether simulate`: output shapes, the closed forms seen from the command line, exit codes and
//! one-line errors.

use assert_cmd::Command;
use serde_json::Value;

fn aether() -> Command {
    Command::cargo_bin("aether").expect("the aether binary is built for tests")
}

fn simulate_json(args: &[&str]) -> Vec<Value> {
    let output = aether()
        .args(["simulate", "--output-format", "json", "--items", "500"])
        .args(args)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0), "{args:?}");
    let json: Value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    json.as_array().expect("a JSON array").clone()
}

/// Runs and expects exit 2 with one line on stderr containing `expected`.
fn assert_usage_error(args: &[&str], expected: &str) {
    let output = aether().arg("simulate").args(args).output().unwrap();
    assert_eq!(output.status.code(), Some(2), "{args:?}");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.trim_end().lines().count(), 1, "{stderr}");
    assert!(stderr.contains(expected), "{stderr}");
    assert!(!stderr.contains("panicked"));
}

#[test]
fn json_has_one_object_per_interpreter_and_thread_count() {
    let runs = simulate_json(&["--threads", "1,2,4,8", "--cores", "8", "--cpu-us", "1000"]);
    assert_eq!(runs.len(), 8);
    for run in &runs {
        for key in [
            "interpreter",
            "threads",
            "throughput",
            "speedup",
            "utilization",
        ] {
            assert!(run.get(key).is_some(), "{key} missing in {run}");
        }
        assert!(run.get("timeline").is_none());
    }
    let speedup = |interpreter: &str, threads: u64| {
        runs.iter()
            .find(|run| run["interpreter"] == interpreter && run["threads"] == threads)
            .and_then(|run| run["speedup"].as_f64())
            .unwrap()
    };
    assert!(speedup("gil", 8) <= 1.1);
    assert!((speedup("free-threaded", 8) - 8.0).abs() < 0.2);
}

#[test]
fn rows_echo_the_inputs_beyond_the_ideal_machine() {
    let defaults = simulate_json(&["--threads", "1,2", "--cores", "2"]);
    for run in &defaults {
        assert_eq!(run["smt"], 1, "{run}");
        assert_eq!(run["shared_fraction"], 0.0);
        assert_eq!(run["gil_releases_per_item"], 0);
        assert_eq!(
            run["free_threaded_overhead"], 0.08,
            "3.14t's published figure"
        );
    }
    let runs = simulate_json(&[
        "--threads",
        "2",
        "--cores",
        "2",
        "--smt",
        "2",
        "--shared-fraction",
        "0.05",
        "--gil-releases-per-item",
        "3",
        "--build",
        "3.13t",
        "--overhead",
        "0.3",
    ]);
    for run in &runs {
        assert_eq!(run["smt"], 2, "{run}");
        assert_eq!(run["shared_fraction"], 0.05);
        assert_eq!(run["gil_releases_per_item"], 3);
        assert_eq!(
            run["free_threaded_overhead"], 0.3,
            "--overhead replaces 3.13t's 40%"
        );
    }
}

#[test]
fn sharing_and_gil_releases_make_more_threads_slower() {
    let speedups = |args: &[&str], interpreter: &str| -> Vec<f64> {
        let mut all = vec!["--threads", "1,2,4,8", "--interpreter", interpreter];
        all.extend_from_slice(args);
        simulate_json(&all)
            .iter()
            .map(|run| run["speedup"].as_f64().unwrap())
            .collect()
    };
    let shared = speedups(
        &[
            "--shared-fraction",
            "0.2",
            "--cpu-us",
            "100",
            "--cores",
            "8",
        ],
        "free-threaded",
    );
    assert!(shared[1] < 1.0 && shared[3] < shared[1], "{shared:?}");
    let convoy = speedups(
        &[
            "--gil-releases-per-item",
            "30",
            "--cpu-us",
            "100",
            "--cores",
            "8",
        ],
        "gil",
    );
    assert!(convoy[1] < 0.5 && convoy[3] < 0.5, "{convoy:?}");
    let smt = speedups(&["--smt", "2", "--cores", "4"], "free-threaded");
    assert!(
        (smt[3] - 5.0).abs() < 0.1,
        "4 cores with 2 hardware threads each: {smt:?}"
    );
}

#[test]
fn help_states_the_limits_of_the_new_inputs() {
    let output = aether().args(["simulate", "--help"]).output().unwrap();
    let help = String::from_utf8_lossy(&output.stdout);
    for limit in [
        "--smt",
        "1..=8",
        "--shared-fraction",
        "--gil-releases-per-item",
        "0..=1000000",
        "--overhead",
        "above -1 and at most 100",
    ] {
        assert!(help.contains(limit), "{limit} missing in\n{help}");
    }
}

#[test]
fn one_interpreter_build_and_timeline() {
    let runs = simulate_json(&[
        "--threads",
        "1..3",
        "--interpreter",
        "free-threaded",
        "--build",
        "3.13t",
        "--io-us",
        "500",
        "--lock-fraction",
        "0.5",
        "--distribution",
        "exponential",
        "--seed",
        "7",
        "--timeline",
    ]);
    let threads: Vec<u64> = runs
        .iter()
        .map(|run| run["threads"].as_u64().unwrap())
        .collect();
    assert_eq!(threads, [1, 2, 3]);
    assert!(runs.iter().all(|run| run["interpreter"] == "free-threaded"));
    // 3.13t computes 40% slower than the GIL build; the I/O takes as long.
    let over_gil = runs[0]["speedup_over_gil_one_thread"].as_f64().unwrap();
    let expected = (1000.0 + 500.0) / (1.4 * 1000.0 + 500.0);
    assert!(
        (over_gil - expected).abs() < 0.02,
        "{over_gil} against {expected}"
    );
    let segments = &runs[2]["timeline"][0]["segments"];
    assert!(!segments.as_array().unwrap().is_empty());
    assert!(segments[0]["activity"].is_string());
}

#[test]
fn same_seed_same_output() {
    let args = [
        "simulate",
        "--threads",
        "4",
        "--distribution",
        "exponential",
        "--io-us",
        "2000",
        "--seed",
        "11",
        "--items",
        "300",
    ];
    let first = aether().args(args).output().unwrap();
    let second = aether().args(args).output().unwrap();
    assert_eq!(first.status.code(), Some(0));
    assert_eq!(first.stdout, second.stdout);
}

#[test]
fn text_output_is_a_table() {
    let output = aether()
        .args([
            "simulate",
            "--threads",
            "1,2",
            "--items",
            "200",
            "--cores",
            "2",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(text.starts_with("interpreter"), "{text}");
    assert_eq!(text.lines().count(), 5, "{text}");
    assert!(text.contains("free-threaded"));
}

#[test]
fn bad_parameters_exit_two_with_one_line() {
    assert_usage_error(&["--items", "0"], "items must be at least 1");
    assert_usage_error(&["--items", "-5"], "--items -5");
    assert_usage_error(&["--cores", "0"], "cores must be at least 1");
    assert_usage_error(&["--cpu-us", "-1"], "CPU time per item -1");
    assert_usage_error(&["--io-us", "NaN"], "I/O time per item NaN");
    assert_usage_error(&["--lock-fraction", "1.5"], "lock fraction 1.5");
    assert_usage_error(&["--threads", "0"], "--threads `0`");
    assert_usage_error(&["--threads", "8..2"], "--threads `8..2`");
    assert_usage_error(&["--build", "3.12t"], "unknown build `3.12t`");
    assert_usage_error(&["--cpu-us", "0"], "items take no time");
    assert_usage_error(
        &["--smt", "0"],
        "0 hardware threads per core must be between 1 and 8",
    );
    assert_usage_error(&["--smt", "9"], "9 hardware threads per core");
    assert_usage_error(&["--smt", "-1"], "--smt -1 must be between 1 and 8");
    assert_usage_error(
        &["--shared-fraction", "1.5"],
        "shared fraction 1.5 must be between 0 and 1",
    );
    assert_usage_error(&["--shared-fraction", "NaN"], "shared fraction NaN");
    assert_usage_error(&["--shared-fraction", "-0.1"], "shared fraction -0.1");
    assert_usage_error(
        &["--gil-releases-per-item", "-1"],
        "--gil-releases-per-item -1 must be between 0 and 1000000",
    );
    assert_usage_error(
        &["--gil-releases-per-item", "2000000"],
        "2000000 GIL releases per item",
    );
    assert_usage_error(&["--overhead", "NaN"], "free-threaded overhead NaN");
    assert_usage_error(
        &["--overhead", "-1"],
        "free-threaded overhead -1 must be above -1",
    );
    assert_usage_error(&["--overhead", "1e9"], "at most 100");
}
