//! Where threads start: the calls whose function argument runs in another thread.

use ruff_python_ast::{Expr, ExprCall};

use super::{SemanticModel, dotted_path};

/// Qualified names of the calls that create a lock object.
pub const LOCK_FACTORIES: &[&str] = &[
    "threading.Lock",
    "threading.RLock",
    "threading.Condition",
    "threading.Semaphore",
    "threading.BoundedSemaphore",
    "_thread.allocate_lock",
    "_thread.LockType",
    "multiprocessing.Lock",
    "multiprocessing.RLock",
];

const THREAD_POOL_EXECUTORS: &[&str] = &[
    "concurrent.futures.ThreadPoolExecutor",
    "concurrent.futures.thread.ThreadPoolExecutor",
];

pub fn is_thread_pool_executor(model: &SemanticModel, call: &ExprCall) -> bool {
    model
        .qualified_name(&call.func)
        .is_some_and(|name| THREAD_POOL_EXECUTORS.contains(&name.as_str()))
}

pub fn is_lock_factory(model: &SemanticModel, call: &ExprCall) -> bool {
    model
        .qualified_name(&call.func)
        .is_some_and(|name| LOCK_FACTORIES.contains(&name.as_str()))
}

/// If `call` starts a thread, the expression for the function that thread runs.
pub fn thread_target<'c>(model: &SemanticModel, call: &'c ExprCall) -> Option<&'c Expr> {
    let arguments = &call.arguments;
    match model.qualified_name(&call.func).as_deref() {
        // Thread(group=None, target=None, name=None, args=(), kwargs=None, *, daemon=None)
        Some("threading.Thread") => arguments.find_argument_value("target", 1),
        // Timer(interval, function, args=None, kwargs=None)
        Some("threading.Timer") => arguments.find_argument_value("function", 1),
        Some("_thread.start_new_thread" | "_thread.start_new") => {
            arguments.find_argument_value("function", 0)
        }
        _ => executor_task(model, call),
    }
}

/// `executor.submit(fn, ...)` and `executor.map(fn, ...)` on a `ThreadPoolExecutor`.
fn executor_task<'c>(model: &SemanticModel, call: &'c ExprCall) -> Option<&'c Expr> {
    let Expr::Attribute(method) = call.func.as_ref() else {
        return None;
    };
    if !matches!(method.attr.as_str(), "submit" | "map") {
        return None;
    }
    let receiver_is_executor = match method.value.as_ref() {
        Expr::Call(inner) => is_thread_pool_executor(model, inner),
        receiver => dotted_path(receiver).is_some_and(|path| model.executors.contains(&path)),
    };
    if receiver_is_executor {
        call.arguments.find_argument_value("fn", 0)
    } else {
        None
    }
}
