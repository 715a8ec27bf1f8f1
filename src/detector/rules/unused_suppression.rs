//! FT100: found by the suppression pass (`detector/suppression.rs`), not by a visitor.

use super::declare_rule;

declare_rule! {
    /// ## What it does
    /// Reports suppression comments that suppress nothing: `# noqa: FT001` or
    /// `# aether: ignore[FT001]` on a line with no `FT001` finding, and `# aether: ignore-file`
    /// in a file without the findings it names. The command line reports them with
    /// `--report-unused-suppressions`; a bare `# noqa` and other tools' codes are left alone.
    ///
    /// ## Why is this bad?
    /// A stale suppression outlives the code it was written for and silently hides the next
    /// race on that line: after the lock was added, the comment no longer documents anything
    /// but would hide a new unlocked update.
    ///
    /// ## Example
    /// ```python
    /// import threading
    ///
    /// lock = threading.Lock()
    /// hits = 0
    ///
    /// def count():
    ///     global hits
    ///     with lock:
    ///         hits += 1  # aether: ignore[FT001]
    ///
    /// threading.Thread(target=count).start()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import threading
    ///
    /// lock = threading.Lock()
    /// hits = 0
    ///
    /// def count():
    ///     global hits
    ///     with lock:
    ///         hits += 1
    ///
    /// threading.Thread(target=count).start()
    /// ```
    pub struct UnusedSuppression {
        code: "FT100",
        name: "unused-suppression",
        severity: Warning,
        summary: "A `# noqa` or `# aether: ignore` comment that suppresses nothing",
    }
}
