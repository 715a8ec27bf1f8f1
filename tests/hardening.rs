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
fn a_long_call_chain_from_a_thread_takes_memory_linear_in_it() {
    // Each function reached from the thread used to keep a copy of its whole call path: 10,000
    // functions took 1.7 GB, 20,000 aborted after 6.6 GB. Paths are parent links now.
    let functions = 20_000;
    let mut source = String::from("import threading\ncount = 0\n");
    for index in 0..functions - 1 {
        source += &format!("def f{index}():\n    f{}()\n", index + 1);
    }
    source += &format!(
        "def f{}():\n    global count\n    count += 1\n",
        functions - 1
    );
    source += "threading.Thread(target=f0).start()\n";
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("chain.py"), source).unwrap();
    let output = aether_within(400, &["check", "chain.py"], dir.path());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("-> f0 -> f1 -> f2 -> ... (19,995 more) -> f19998 -> f19999)"),
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

/// Runs `aether ARGS` and returns its exit code, standard output and standard error.
fn run(args: &[&str], dir: &Path) -> (Option<i32>, String, String) {
    let output = aether().args(args).current_dir(dir).output().unwrap();
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

const RACY: &str = "import threading\n\ncounter = 0\n\ndef worker():\n    global counter\n    counter += 1\n\nfor _ in range(2):\n    threading.Thread(target=worker).start()\n";

#[test]
fn named_paths_that_are_not_files_are_refused_without_reading() {
    let dir = tempfile::tempdir().unwrap();
    // A FIFO hung forever, /dev/zero was read until memory ran out.
    let fifo = dir.path().join("pipe.py");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    for named in [fifo.to_str().unwrap(), "/dev/zero"] {
        let output = aether_within(200, &["check", named], dir.path());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{named}: {stderr}");
        assert!(
            stderr.contains("is not a regular file or a folder"),
            "{stderr}"
        );
        let output = aether_within(200, &["fit", named], dir.path());
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{named}: {stderr}");
        assert!(stderr.contains("not a regular file"), "{stderr}");
    }
    // A FIFO inside a folder is not a Python file to read.
    fs::write(dir.path().join("racy.py"), RACY).unwrap();
    let output = aether_within(200, &["check", "."], dir.path());
    assert_eq!(output.status.code(), Some(1));
}

#[test]
fn a_sparse_gigabyte_file_is_refused_from_its_size() {
    let dir = tempfile::tempdir().unwrap();
    let huge = fs::File::create(dir.path().join("huge.py")).unwrap();
    huge.set_len(1 << 30).unwrap();
    fs::File::create(dir.path().join("huge.csv"))
        .unwrap()
        .set_len(1 << 30)
        .unwrap();
    // Read whole, the file took 1 GB before the 4 MiB limit applied.
    let output = aether_within(200, &["check", "huge.py"], dir.path());
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains(
            "huge.py:1:1: FT000 not analysed: file is too large to analyse (1073741824 bytes"
        ),
        "{stdout}"
    );
    let output = aether_within(200, &["fit", "huge.csv"], dir.path());
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("too large"), "{stderr}");
}

#[test]
fn an_unreadable_folder_is_reported_and_the_rest_checked() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir(dir.path().join("locked")).unwrap();
    fs::write(dir.path().join("locked/hidden.py"), RACY).unwrap();
    fs::write(dir.path().join("racy.py"), RACY).unwrap();
    fs::set_permissions(dir.path().join("locked"), fs::Permissions::from_mode(0o000)).unwrap();
    // Root reads any folder: drop to nobody where possible, else the check is moot.
    let readable_anyway = fs::read_dir(dir.path().join("locked")).is_ok();
    let (code, stdout, _) = if readable_anyway {
        let status = std::process::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", "true"])
            .status();
        if !status.is_ok_and(|status| status.success()) {
            return;
        }
        fs::set_permissions(dir.path(), fs::Permissions::from_mode(0o755)).unwrap();
        fs::set_permissions(
            dir.path().join("racy.py"),
            fs::Permissions::from_mode(0o644),
        )
        .unwrap();
        let binary = assert_cmd::cargo::cargo_bin("aether");
        let output = std::process::Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(binary)
            .args(["check", "."])
            .current_dir(dir.path())
            .output()
            .unwrap();
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::new(),
        )
    } else {
        run(&["check", "."], dir.path())
    };
    fs::set_permissions(dir.path().join("locked"), fs::Permissions::from_mode(0o755)).unwrap();
    // One unreadable folder made the whole run exit 2 with nothing checked.
    assert_eq!(code, Some(1), "{stdout}");
    assert!(
        stdout.contains("locked:1:1: FT000 not analysed: cannot read: permission denied"),
        "{stdout}"
    );
    assert!(stdout.contains("racy.py:7:5: FT001"), "{stdout}");
}

#[test]
fn undecodable_files_are_findings_and_declared_codecs_decode() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("bad.py"), b"x = '\xff'\n").unwrap();
    let koi8 = b"# -*- coding: koi8-r -*-\nimport threading\n\ncounter = 0\n\ndef worker():\n    global counter\n    counter += 1  # \xf3\xe3\xe5\xf4\xe3\xe9\xeb\n\nfor _ in range(2):\n    threading.Thread(target=worker).start()\n";
    fs::write(dir.path().join("koi8.py"), koi8).unwrap();
    fs::write(dir.path().join("nul.py"), b"x = 1\n\0\n").unwrap();
    // Each of these made the whole run exit 2.
    let (code, stdout, stderr) = run(&["check", "."], dir.path());
    assert_eq!(code, Some(1), "{stdout}{stderr}");
    assert!(
        stdout.contains("bad.py:1:1: FT000 not analysed: not UTF-8 text"),
        "{stdout}"
    );
    assert!(stdout.contains("koi8.py:8:5: FT001"), "{stdout}");
    assert!(
        stdout.contains("nul.py:2:1: FT000 not analysed: source code cannot contain null bytes"),
        "{stdout}"
    );
}

#[test]
fn json_is_an_array_even_when_every_path_fails() {
    let dir = tempfile::tempdir().unwrap();
    let (code, stdout, _) = run(
        &["check", "--output-format", "json", "missing.py"],
        dir.path(),
    );
    assert_eq!(code, Some(2));
    assert_eq!(stdout.trim(), "[]");
}

#[test]
fn write_errors_exit_two_and_a_closed_pipe_is_quiet() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("racy.py"), RACY).unwrap();
    let full = fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .unwrap();
    let output = std::process::Command::new(assert_cmd::cargo::cargo_bin("aether"))
        .args(["check", "racy.py"])
        .current_dir(dir.path())
        .stdout(full)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot write the output"), "{stderr}");

    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("aether"))
        .args(["rules", "--output-format", "markdown"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
}

#[test]
fn control_characters_and_github_properties_cannot_forge_output() {
    let dir = tempfile::tempdir().unwrap();
    // A file name with the property separators and a line break, holding an escape sequence
    // that retitled the terminal when the syntax error quoted it.
    let name = "a,b:c%d\n::error file=x.py::forged.py";
    fs::write(dir.path().join(name), "x = 1\n\x1b]0;pwned\x07\n").unwrap();
    let (code, text, _) = run(&["check", "."], dir.path());
    assert_eq!(code, Some(1));
    assert!(!text.contains('\x1b') && !text.contains('\x07'), "{text:?}");
    assert!(text.contains("Got unexpected token \\u{1b}"), "{text}");
    // One line a finding, plus the summary.
    assert_eq!(text.lines().count(), 5, "{text}");

    let (_, github, _) = run(&["check", "--output-format", "github", "."], dir.path());
    assert!(!github.contains('\x1b'), "{github:?}");
    for line in github.lines() {
        assert!(line.starts_with("::error title=Aether (FT000),file=a%2Cb%3Ac%25d\\n%3A%3Aerror file=x.py%3A%3Aforged.py,line="), "{line}");
    }
    assert_eq!(github.lines().count(), 4, "{github}");
}
