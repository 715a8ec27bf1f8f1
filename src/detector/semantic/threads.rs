//! Where threads start: the calls whose function argument runs in another thread.

use ruff_python_ast::{Expr, ExprCall, StmtClassDef};

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

/// Pools whose tasks run in threads of this process.
const THREAD_POOLS: &[&str] = &[
    "concurrent.futures.ThreadPoolExecutor",
    "concurrent.futures.thread.ThreadPoolExecutor",
    "multiprocessing.pool.ThreadPool",
    "multiprocessing.dummy.Pool",
];

/// Pool methods whose first argument is the task.
const POOL_TASK_METHODS: &[&str] = &[
    "submit",
    "map",
    "imap",
    "imap_unordered",
    "starmap",
    "apply",
    "apply_async",
    "map_async",
    "starmap_async",
];

/// Servers that handle each request in a new thread, given the handler class.
const THREADING_SERVERS: &[&str] = &[
    "socketserver.ThreadingTCPServer",
    "socketserver.ThreadingUDPServer",
    "socketserver.ThreadingUnixStreamServer",
    "socketserver.ThreadingUnixDatagramServer",
    "http.server.ThreadingHTTPServer",
];

/// How a call hands work to another thread.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartKind {
    /// `threading.Thread(target=f)` (and `_thread.start_new_thread(f, args)`).
    Thread,
    /// `threading.Timer(interval, f)`.
    Timer,
    /// `pool.submit(f, ...)`, `pool.apply_async(f, args)`: one task.
    PoolSubmit,
    /// `pool.map(f, items)` and its relatives: one task per item.
    PoolMap,
    /// `asyncio.to_thread(f)`, `loop.run_in_executor(executor, f)`: one task on the default pool.
    ExecutorTask,
    /// `future.add_done_callback(f)` on a pool future: runs in the thread that completes it.
    DoneCallback,
    /// A threading server given its request handler class: one thread per request.
    ServerHandler,
}

/// What a thread-starting call runs.
pub enum ThreadTarget<'c> {
    /// A callable: a function, a bound method, a lambda, a `functools.partial`.
    Callable(&'c Expr),
    /// A request handler class: every one of its methods runs in a server thread.
    HandlerClass(&'c Expr),
}

pub fn is_thread_pool(model: &SemanticModel, call: &ExprCall) -> bool {
    model
        .resolve(&call.func)
        .is_some_and(|name| name.is_any(THREAD_POOLS))
}

pub fn is_lock_factory(model: &SemanticModel, call: &ExprCall) -> bool {
    model
        .resolve(&call.func)
        .is_some_and(|name| name.is_any(LOCK_FACTORIES))
}

/// `class Context(threading.local)`: every instance attribute is per thread.
pub fn is_thread_local_class(model: &SemanticModel, class: &StmtClassDef) -> bool {
    class.bases().iter().any(|base| {
        model
            .resolve(base)
            .is_some_and(|name| name.is("threading.local"))
    })
}

/// The standard library's logging handlers: `Handler.handle` runs `emit` under the handler's
/// own lock, and `acquire()` / `release()` take and drop it.
const LOGGING_HANDLERS: &[&str] = &[
    "logging.Handler",
    "logging.StreamHandler",
    "logging.FileHandler",
    "logging.NullHandler",
    "logging.handlers.WatchedFileHandler",
    "logging.handlers.BaseRotatingHandler",
    "logging.handlers.RotatingFileHandler",
    "logging.handlers.TimedRotatingFileHandler",
    "logging.handlers.SocketHandler",
    "logging.handlers.DatagramHandler",
    "logging.handlers.SysLogHandler",
    "logging.handlers.SMTPHandler",
    "logging.handlers.NTEventLogHandler",
    "logging.handlers.HTTPHandler",
    "logging.handlers.BufferingHandler",
    "logging.handlers.MemoryHandler",
    "logging.handlers.QueueHandler",
];

/// `class BufferingHandler(logging.Handler)`: a handler of the `logging` package.
pub fn is_logging_handler_class(model: &SemanticModel, class: &StmtClassDef) -> bool {
    class.bases().iter().any(|base| {
        model
            .resolve(base)
            .is_some_and(|name| name.is_any(LOGGING_HANDLERS))
    })
}

/// Whether a class runs its `run` method in a thread of its own (`class W(threading.Thread)`).
pub fn is_thread_subclass(model: &SemanticModel, class: &StmtClassDef) -> bool {
    class.bases().iter().any(|base| {
        model
            .resolve(base)
            .is_some_and(|name| name.is("threading.Thread"))
    })
}

/// Whether a class is a server that handles requests in threads (`ThreadingMixIn` in its bases).
pub fn is_threading_server_class(model: &SemanticModel, class: &StmtClassDef) -> bool {
    class.bases().iter().any(|base| {
        model.resolve(base).is_some_and(|name| {
            name.is("socketserver.ThreadingMixIn") || name.is_any(THREADING_SERVERS)
        })
    })
}

/// If `call` starts a thread, how, and what that thread runs.
pub fn thread_target<'c>(
    model: &SemanticModel,
    call: &'c ExprCall,
) -> Option<(StartKind, ThreadTarget<'c>)> {
    let arguments = &call.arguments;
    let qualified = model.resolve(&call.func);
    let is = |name: &str| qualified.is_some_and(|qualified| qualified.is(name));
    let (kind, callable) = if is("threading.Thread") {
        // Thread(group=None, target=None, name=None, args=(), kwargs=None, *, daemon=None)
        (
            StartKind::Thread,
            arguments.find_argument_value("target", 1),
        )
    } else if is("threading.Timer") {
        // Timer(interval, function, args=None, kwargs=None)
        (
            StartKind::Timer,
            arguments.find_argument_value("function", 1),
        )
    } else if is("_thread.start_new_thread") || is("_thread.start_new") {
        (
            StartKind::Thread,
            arguments.find_argument_value("function", 0),
        )
    } else if is("asyncio.to_thread") {
        (StartKind::ExecutorTask, arguments.find_positional(0))
    } else if qualified.is_some_and(|qualified| qualified.is_any(THREADING_SERVERS))
        || (!model.threading_server_classes.is_empty()
            && dotted_path(&call.func)
                .is_some_and(|path| model.threading_server_classes.contains(path.as_str())))
    {
        return arguments
            .find_argument_value("RequestHandlerClass", 1)
            .map(|class| (StartKind::ServerHandler, ThreadTarget::HandlerClass(class)));
    } else {
        pool_task(model, call)?
    };
    callable.map(|callable| (kind, ThreadTarget::Callable(callable)))
}

/// `executor.submit(fn, ...)`, `pool.map(fn, ...)`, `loop.run_in_executor(executor, fn)`.
fn pool_task<'c>(
    model: &SemanticModel,
    call: &'c ExprCall,
) -> Option<(StartKind, Option<&'c Expr>)> {
    let Expr::Attribute(method) = call.func.as_ref() else {
        return None;
    };
    let method_name = method.attr.as_str();
    // The default executor of an event loop is a ThreadPoolExecutor.
    if method_name == "run_in_executor" {
        return Some((StartKind::ExecutorTask, call.arguments.find_positional(1)));
    }
    // A pool future runs its callbacks in the worker thread that completes it.
    if method_name == "add_done_callback" {
        let receiver_is_pool_future = match method.value.as_ref() {
            Expr::Call(inner) => is_pool_submission(model, inner),
            receiver => dotted_path(receiver).is_some_and(|path| model.futures.contains(&path)),
        };
        return receiver_is_pool_future
            .then(|| (StartKind::DoneCallback, call.arguments.find_positional(0)));
    }
    let kind = match method_name {
        "submit" | "apply" | "apply_async" => StartKind::PoolSubmit,
        _ if POOL_TASK_METHODS.contains(&method_name) => StartKind::PoolMap,
        _ => return None,
    };
    is_pool_receiver(model, &method.value).then(|| (kind, call.arguments.find_positional(0)))
}

/// `pool.submit(...)` on a thread pool: its result is a future of that pool.
pub fn is_pool_submission(model: &SemanticModel, call: &ExprCall) -> bool {
    matches!(call.func.as_ref(), Expr::Attribute(method)
        if method.attr.as_str() == "submit" && is_pool_receiver(model, &method.value))
}

fn is_pool_receiver(model: &SemanticModel, receiver: &Expr) -> bool {
    match receiver {
        Expr::Call(inner) => is_thread_pool(model, inner),
        receiver => dotted_path(receiver).is_some_and(|path| model.executors.contains(&path)),
    }
}

#[cfg(test)]
mod tests {
    use crate::detector::test_support::codes_at;

    /// A racy body shared by the entry-point shapes below; `{start}` starts it in a thread, and
    /// is written twice, so two threads run it.
    fn racy_with(start: &str) -> String {
        format!(
            "import threading\nn = 0\ndef work(*args):\n    global n\n    n += 1\n{start}\n{start}\n"
        )
    }

    #[test]
    fn recognises_every_entry_point_shape() {
        let shapes = [
            "from threading import Thread as T\nT(target=work).start()",
            "import threading as th\nth.Timer(0.5, work).start()",
            "import functools\nthreading.Thread(target=functools.partial(work, 1)).start()",
            "threading.Thread(target=lambda: work(1)).start()",
            "import concurrent.futures as cf\nwith cf.ThreadPoolExecutor() as ex:\n    ex.submit(work, 1)",
            "from concurrent.futures import ThreadPoolExecutor\npool = ThreadPoolExecutor(4)\npool.map(work, range(3))",
            "from multiprocessing.pool import ThreadPool\nThreadPool(4).map(work, range(3))",
            "import asyncio\nasync def main():\n    await asyncio.to_thread(work)",
            "import asyncio\nasync def main():\n    await asyncio.get_running_loop().run_in_executor(None, work)",
            "from concurrent.futures import ThreadPoolExecutor\nwith ThreadPoolExecutor() as ex:\n    future = ex.submit(print)\n    future.add_done_callback(work)",
            "from concurrent.futures import ThreadPoolExecutor\nex = ThreadPoolExecutor()\nex.submit(print).add_done_callback(work)",
        ];
        for shape in shapes {
            assert_eq!(
                codes_at(&racy_with(shape)),
                vec![(5, "FT001".into())],
                "{shape}"
            );
        }
    }

    #[test]
    fn thread_subclass_run_and_server_handlers_run_in_threads() {
        let subclass = r#"
import threading
n = 0
class Worker(threading.Thread):
    def run(self):
        global n
        n += 1
"#;
        assert_eq!(codes_at(subclass), vec![(7, "FT001".into())]);

        let server = r#"
import socketserver
hits = 0
class Handler(socketserver.BaseRequestHandler):
    def handle(self):
        global hits
        hits += 1
server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
"#;
        assert_eq!(codes_at(server), vec![(7, "FT001".into())]);
    }

    #[test]
    fn a_method_handed_to_a_pool_through_a_parameter_is_the_module_s_only_method_of_that_name() {
        let source = r#"
from concurrent.futures import ThreadPoolExecutor
class Pool:
    def __init__(self):
        self.served = 0
    def run(self, job):
        self.served += 1
def serve(pool, jobs):
    with ThreadPoolExecutor() as ex:
        return list(ex.map(pool.run, jobs))
"#;
        assert_eq!(codes_at(source), vec![(7, "FT005".into())]);
        // Two classes define `run`: which one `pool` is, the module does not say.
        let ambiguous = source.replace(
            "def serve(",
            "class Other:\n    def run(self, job):\n        pass\ndef serve(",
        );
        assert_eq!(codes_at(&ambiguous), vec![]);
    }

    #[test]
    fn process_pools_and_plain_calls_are_not_threads() {
        let source = r#"
import threading
from concurrent.futures import ProcessPoolExecutor
n = 0
def work():
    global n
    n += 1
def other():
    pass
with ProcessPoolExecutor() as ex:
    ex.submit(work)
async def main(loop):
    # An asyncio future runs its callbacks in the event loop's thread.
    future = loop.create_future()
    future.add_done_callback(work)
threading.Thread(target=other).start()
work()
"#;
        assert_eq!(codes_at(source), vec![]);
    }
}
