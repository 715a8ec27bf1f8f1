use ruff_python_ast::{Expr, ExprCall, Stmt};
use ruff_text_size::{Ranged, TextRange};

use super::declare_rule;
use crate::detector::checker::{Checker, FunctionContext};
use crate::detector::semantic::Statement;

declare_rule! {
    /// ## What it does
    /// Finds code that runs in threads and changes state the whole process shares: the working
    /// directory (`os.chdir`), environment variables (`os.environ[...] = ...`, `os.putenv`,
    /// `os.environ.update`), the locale (`locale.setlocale`), the standard streams
    /// (`sys.stdout = ...`, `contextlib.redirect_stdout`), the warning filters
    /// (`warnings.catch_warnings()`, `warnings.simplefilter`), the recursion limit, and the
    /// decimal context (`decimal.getcontext().prec = ...`).
    ///
    /// ## Why is this bad?
    /// Every thread sees the change, not just the one that made it: relative paths of other
    /// threads resolve elsewhere, their output is captured or lost, their warnings are
    /// silenced or turned into errors, and save-and-restore pairs from two threads interleave
    /// and restore the wrong value. `setenv` can free memory that another thread's C `getenv`
    /// is reading (a crash), and `setlocale` is not thread-safe in C. A lock in your code does
    /// not help, because the runtime and C libraries read this state without it. On the
    /// free-threaded build (3.13t, 3.14t) such threads really overlap.
    ///
    /// ## Example
    /// ```python
    /// import os
    /// import subprocess
    /// from concurrent.futures import ThreadPoolExecutor
    ///
    /// def build(project_dir):
    ///     os.chdir(project_dir)
    ///     os.environ["CC"] = "clang"
    ///     return subprocess.run(["make"]).returncode
    ///
    /// with ThreadPoolExecutor() as pool:
    ///     list(pool.map(build, ["a", "b"]))
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import os
    /// import subprocess
    /// from concurrent.futures import ThreadPoolExecutor
    ///
    /// def build(project_dir):
    ///     env = {**os.environ, "CC": "clang"}
    ///     return subprocess.run(["make"], cwd=project_dir, env=env).returncode
    ///
    /// with ThreadPoolExecutor() as pool:
    ///     list(pool.map(build, ["a", "b"]))
    /// ```
    ///
    /// Configure process-wide state once at startup, before threads start; pass `cwd=`, `env=`
    /// and `file=` arguments; use `decimal.localcontext()` for per-computation precision. On
    /// 3.14t `warnings.catch_warnings()` is context-aware by default, but the bare filter
    /// functions still change the global filter list.
    ///
    /// ## References
    /// - [Thread safety guarantees: incompatible functions](https://docs.python.org/3/library/threadsafety.html)
    /// - [contextlib.chdir](https://docs.python.org/3/library/contextlib.html#contextlib.chdir)
    /// - [gh-120513: os.environ writes crash with concurrent getenv](https://github.com/python/cpython/issues/120513)
    /// - [warnings: concurrent safety of context managers](https://docs.python.org/3/library/warnings.html#concurrent-safety-of-context-managers)
    pub struct ProcessGlobalState {
        code: "FT008",
        name: "process-global-state",
        severity: Warning,
        summary: "Change of process-wide state (cwd, environment, locale, stdio, warning filters) from threads",
    }
}

/// Calls that change process-wide state, with what they change.
const GLOBAL_CALLS: &[(&str, &str)] = &[
    ("os.chdir", "the working directory of every thread"),
    ("os.fchdir", "the working directory of every thread"),
    ("contextlib.chdir", "the working directory of every thread"),
    (
        "os.putenv",
        "the environment of the process (C `setenv` races with `getenv`)",
    ),
    (
        "os.unsetenv",
        "the environment of the process (C `unsetenv` races with `getenv`)",
    ),
    (
        "os.environ.update",
        "the environment of the process (C `setenv` races with `getenv`)",
    ),
    (
        "os.environ.pop",
        "the environment of the process (C `unsetenv` races with `getenv`)",
    ),
    (
        "os.environ.popitem",
        "the environment of the process (C `unsetenv` races with `getenv`)",
    ),
    (
        "os.environ.clear",
        "the environment of the process (C `unsetenv` races with `getenv`)",
    ),
    (
        "os.environ.setdefault",
        "the environment of the process (C `setenv` races with `getenv`)",
    ),
    (
        "locale.setlocale",
        "the locale of every thread (`setlocale` is not thread-safe)",
    ),
    (
        "contextlib.redirect_stdout",
        "`sys.stdout` for every thread",
    ),
    (
        "contextlib.redirect_stderr",
        "`sys.stderr` for every thread",
    ),
    (
        "warnings.catch_warnings",
        "the warning filters of every thread on GIL builds and 3.13t (context-aware only on 3.14t)",
    ),
    (
        "warnings.simplefilter",
        "the warning filters of every thread",
    ),
    (
        "warnings.filterwarnings",
        "the warning filters of every thread",
    ),
    (
        "warnings.resetwarnings",
        "the warning filters of every thread",
    ),
    (
        "sys.setrecursionlimit",
        "the recursion limit of every thread",
    ),
    (
        "sys.set_int_max_str_digits",
        "the int-to-str digit limit of every thread",
    ),
    ("os.umask", "the file-creation mask of the process"),
    (
        "socket.setdefaulttimeout",
        "the default timeout of every new socket",
    ),
];

/// Attributes whose assignment changes what every thread uses.
const GLOBAL_ATTRIBUTES: &[(&str, &str)] = &[
    ("sys.stdout", "standard output for every thread"),
    ("sys.stderr", "standard error for every thread"),
    ("sys.stdin", "standard input for every thread"),
    ("warnings.showwarning", "how every thread shows warnings"),
    ("warnings.filters", "the warning filters of every thread"),
];

/// FT008
pub(crate) fn process_global_state(
    checker: &mut Checker,
    function: &FunctionContext,
    statement: &Statement,
) {
    let stmt = statement.stmt;
    let mut findings: Vec<(TextRange, String)> = Vec::new();
    for call in statement.calls {
        if let Some(what) = changed_by_call(checker, call) {
            findings.push((call.range(), what.to_string()));
        }
    }
    let targets: Vec<&Expr> = match stmt {
        Stmt::Assign(assign) => assign.targets.iter().collect(),
        Stmt::AugAssign(assign) => vec![&assign.target],
        Stmt::AnnAssign(assign) => vec![&assign.target],
        Stmt::Delete(delete) => delete.targets.iter().collect(),
        _ => Vec::new(),
    };
    for target in targets {
        if let Some(what) = changed_by_store(checker, target) {
            findings.push((stmt.range(), what));
        }
    }
    for (range, what) in findings {
        let message = format!(
            "`{}` changes {what}: other threads see the change",
            checker.text(range)
        );
        checker.report_race(&ProcessGlobalState::INFO, function, range, message);
    }
}

fn changed_by_call(checker: &Checker, call: &ExprCall) -> Option<&'static str> {
    let name = checker.model.resolve(&call.func)?;
    let what = name.find(GLOBAL_CALLS)?;
    // `setlocale(category)` and `setlocale(category, None)` only query the locale.
    if name.is("locale.setlocale") {
        let value = call.arguments.find_argument_value("locale", 1)?;
        if value.is_none_literal_expr() {
            return None;
        }
    }
    Some(what)
}

fn changed_by_store(checker: &Checker, target: &Expr) -> Option<String> {
    match target {
        Expr::Subscript(subscript) => checker
            .model
            .resolve(&subscript.value)
            .is_some_and(|name| name.is("os.environ"))
            .then(|| "the environment of the process (C `setenv` races with `getenv`)".to_string()),
        Expr::Attribute(attribute) => {
            if let Expr::Call(call) = attribute.value.as_ref() {
                let context = checker.model.resolve(&call.func)?;
                return context.is("decimal.getcontext").then(|| {
                    "the decimal context, which a new thread shares with its parent on 3.14t (`thread_inherit_context`); use `decimal.localcontext()`".to_string()
                });
            }
            let name = checker.model.resolve(target)?;
            if name.is_within("decimal.DefaultContext") {
                return Some(
                    "`decimal.DefaultContext`, the template of every thread's context".to_string(),
                );
            }
            name.find(GLOBAL_ATTRIBUTES).map(|what| (*what).to_string())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use crate::detector::test_support::codes_at;

    #[test]
    fn flags_each_kind_of_process_state() {
        let source = r#"
import os, sys, locale, warnings, decimal, contextlib, io
from os import environ
def work(path):
    os.chdir(path)
    environ["LANG"] = "C"
    os.putenv("A", "1")
    os.environ.update(B="2")
    locale.setlocale(locale.LC_ALL, "de_DE")
    sys.stdout = io.StringIO()
    with contextlib.redirect_stderr(io.StringIO()):
        pass
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
    sys.setrecursionlimit(10_000)
    decimal.getcontext().prec = 50
    del os.environ["A"]
import threading
threading.Thread(target=work, args=("/tmp",)).start()
"#;
        let lines: Vec<usize> = codes_at(source)
            .into_iter()
            .filter(|(_, code)| code == "FT008")
            .map(|(line, _)| line)
            .collect();
        assert_eq!(lines, vec![5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17]);
    }

    #[test]
    fn quiet_for_reads_queries_startup_code_and_local_contexts() {
        let source = r#"
import os, sys, locale, decimal, threading
def main():
    os.chdir("/srv")
    os.environ["MODE"] = "prod"
    threading.Thread(target=work).start()
def work():
    home = os.environ.get("HOME")
    env = os.environ.copy()
    env["X"] = "1"
    locale.setlocale(locale.LC_ALL)
    locale.setlocale(locale.LC_ALL, None)
    with decimal.localcontext() as ctx:
        ctx.prec = 50
    print("x", file=sys.stderr)
main()
"#;
        assert_eq!(codes_at(source), vec![]);
    }
}
