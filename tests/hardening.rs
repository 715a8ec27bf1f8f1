//! Hostile input to the `aether` binary: memory and time bounded by the input, file-system
//! edge cases, encodings, output that cannot be forged (issue 12).

use std::fs;
use std::path::Path;

use assert_cmd::Command;

fn aether() -> Command {
    Command::cargo_bin("aether").expect("the aether binary is built for tests")
}

/// Runs `aether ARGS` with its address space capped at `megabytes`, so a run that would take
/// more aborts instead of passing.
fn aether_within(megabytes: u64, args: &[&str], dir: &Path) -> std::process::Output {
    let binary = assert_cmd::cargo::cargo_bin("aether");
    std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v {} && exec \"$0\" \"$@\"",
            megabytes * 1024
        ))
        .arg(binary)
        .args(args)
        .current_dir(dir)
        .env("RAYON_NUM_THREADS", "1")
        .output()
        .unwrap()
}

const FOUR_MB: usize = 4 * 1024 * 1024 - 64;

#[test]
fn megabytes_of_nesting_are_refused_before_parsing() {
    // Parsed, 4 MB of `(` took 6.2 GB and 16 s, 4 MB of unary `-` 3.9 GB.
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("parens.py"), "(".repeat(FOUR_MB)).unwrap();
    let minus = format!("x = {}1\n", "-".repeat(FOUR_MB - 8));
    fs::write(dir.path().join("minus.py"), minus).unwrap();
    let nots = format!("x = {}1\n", "not ".repeat(FOUR_MB / 4 - 4));
    fs::write(dir.path().join("nots.py"), nots).unwrap();
    let output = aether_within(400, &["check", "."], dir.path());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert_eq!(stdout.matches("FT000 not analysed").count(), 3, "{stdout}");
}

#[test]
fn refused_trees_are_freed_between_files() {
    // Each file is under the size that gets a lexer pass first, parses to a 16,000-level
    // chain and is refused; leaked, the 200 trees took 490 MB.
    let dir = tempfile::tempdir().unwrap();
    let chain = format!("x = 1{}\n", "|1".repeat(16_000));
    for index in 0..200 {
        fs::write(dir.path().join(format!("chain{index}.py")), &chain).unwrap();
    }
    let output = aether_within(300, &["check", "."], dir.path());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("Found 200 hazards in 200 files"),
        "{stdout}"
    );
}

#[test]
fn huge_thread_counts_are_refused_before_anything_is_allocated() {
    // `advise --threads 100000000` took 3.2 GB and aborted; the range took 3.9 GB.
    let dir = tempfile::tempdir().unwrap();
    for args in [
        &["advise", "--threads", "100000000"][..],
        &["advise", "--threads", "1000000000"],
        &["advise", "--cores", "4000000000", "--threads", "2"],
        &["simulate", "--threads", "1..1000000000"],
        &["simulate", "--threads", "1,1000000000"],
    ] {
        let output = aether_within(200, args, dir.path());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("is more than the"), "{args:?}: {stderr}");
    }
}

#[test]
fn help_states_the_limits() {
    let advise = aether().args(["advise", "--help"]).output().unwrap();
    let advise = String::from_utf8_lossy(&advise.stdout);
    assert!(
        advise.contains("Threads the program runs, 1 to 100000"),
        "{advise}"
    );
    let simulate = aether().args(["simulate", "--help"]).output().unwrap();
    let simulate = String::from_utf8_lossy(&simulate.stdout);
    assert!(simulate.contains("each from 1 to 4096"), "{simulate}");
}
