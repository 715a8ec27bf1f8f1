use ruff_text_size::Ranged;

use super::declare_rule;
use crate::detector::checker::{Checker, FunctionContext};
use crate::detector::semantic::Statement;

declare_rule! {
    /// ## What it does
    /// Finds `signal.signal(...)` and `signal.set_wakeup_fd(...)` in code that runs in threads.
    ///
    /// ## Why is this bad?
    /// Only the main thread of the main interpreter may set a signal handler. Anywhere else the
    /// call raises `ValueError: signal only works in main thread of the main interpreter`, on
    /// every build. Code that used to run in the main thread breaks as soon as it is moved to a
    /// worker, which free-threaded Python makes a common move.
    ///
    /// ## Example
    /// ```python
    /// import signal
    /// import threading
    ///
    /// def serve():
    ///     signal.signal(signal.SIGTERM, lambda signum, frame: None)
    ///
    /// threading.Thread(target=serve).start()
    /// ```
    ///
    /// Use instead:
    /// ```python
    /// import signal
    /// import threading
    ///
    /// stop = threading.Event()
    ///
    /// def serve():
    ///     stop.wait()
    ///
    /// signal.signal(signal.SIGTERM, lambda signum, frame: stop.set())
    /// threading.Thread(target=serve).start()
    /// ```
    ///
    /// Install handlers in the main thread before starting workers, and let the handler tell
    /// the workers (a `threading.Event`, a queue).
    ///
    /// ## References
    /// - [signal: signals and threads](https://docs.python.org/3/library/signal.html#signals-and-threads)
    pub struct SignalOffMainThread {
        code: "FT009",
        name: "signal-off-main-thread",
        severity: Error,
        summary: "Signal handler installed from code that runs in a thread (raises ValueError)",
    }
}

/// FT009
pub(crate) fn signal_off_main_thread(
    checker: &mut Checker,
    function: &FunctionContext,
    statement: &Statement,
) {
    if !checker.mentions_signal {
        return;
    }
    for call in statement.calls {
        let is_handler_call = checker
            .model
            .resolve(&call.func)
            .is_some_and(|name| name.is_any(&["signal.signal", "signal.set_wakeup_fd"]));
        if !is_handler_call {
            continue;
        }
        let message = format!(
            "`{}` outside the main thread raises `ValueError: signal only works in main thread of the main interpreter`",
            checker.text(call.range()),
        );
        checker.report_race(&SignalOffMainThread::INFO, function, call.range(), message);
    }
}

#[cfg(test)]
mod tests {
    use crate::detector::Severity;
    use crate::detector::check_source;
    use crate::detector::test_support::codes_at;

    #[test]
    fn error_in_thread_targets() {
        let source = r#"
import threading
from signal import signal, SIGINT
def install():
    signal(SIGINT, print)
def worker():
    install()
threading.Thread(target=worker).start()
"#;
        let diagnostics = check_source(source);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].code, "FT009");
        assert_eq!(diagnostics[0].severity, Severity::Error);
        assert_eq!(diagnostics[0].location.row, 5);
    }

    #[test]
    fn quiet_in_main_thread_code_and_info_without_threads() {
        let main_only = r#"
import signal, threading
def setup():
    signal.signal(signal.SIGTERM, print)
def worker():
    signal.getsignal(signal.SIGTERM)
setup()
threading.Thread(target=worker).start()
"#;
        assert_eq!(codes_at(main_only), vec![]);

        let library = "import signal\ndef setup():\n    signal.signal(signal.SIGTERM, print)\n";
        let diagnostics = check_source(library);
        assert_eq!(diagnostics.len(), 1);
        assert_eq!(diagnostics[0].severity, Severity::Info);
    }
}
