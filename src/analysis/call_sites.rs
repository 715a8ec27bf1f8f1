//! The parallel call sites of a module, as the model found them, with the hazards of the
//! functions each one runs.

use std::collections::BTreeSet;

use ruff_python_ast::Expr;
use ruff_text_size::{Ranged, TextSize};
use serde::{Deserialize, Serialize};

use crate::detector::checker::Finding;
use crate::detector::helpers::literal_length;
use crate::detector::rules::gil_reenabling_import::{GilReenablingImport, gil_reenabling_modules};
use crate::detector::rules::syntax_error::SyntaxError;
use crate::detector::semantic::{FunctionId, SemanticModel, StartKind, ThreadStart};
use crate::detector::{Location, Severity};
use crate::models::Dispatcher;

/// How a call site hands its work to threads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallSiteKind {
    /// `executor.map(function, iterable)` on a `ThreadPoolExecutor` (or `ThreadPool`).
    PoolMap,
    /// `executor.submit(function, ...)`, `pool.apply_async(function, args)`.
    PoolSubmit,
    /// `asyncio.to_thread(function)`, `loop.run_in_executor(executor, function)`.
    ExecutorTask,
    /// `threading.Thread(target=function)`.
    Thread,
    /// `threading.Timer(interval, function)`.
    Timer,
    /// A threading server (`ThreadingHTTPServer`) given its request handler class.
    ServerHandler,
}

impl CallSiteKind {
    /// How the call reads in the code.
    pub fn label(self) -> &'static str {
        match self {
            Self::PoolMap => "ThreadPoolExecutor.map",
            Self::PoolSubmit => "ThreadPoolExecutor.submit",
            Self::ExecutorTask => "asyncio.to_thread",
            Self::Thread => "threading.Thread",
            Self::Timer => "threading.Timer",
            Self::ServerHandler => "a threading server",
        }
    }

    /// What handing out one unit costs at this kind of call site.
    pub fn dispatcher(self) -> Dispatcher {
        match self {
            Self::PoolMap | Self::PoolSubmit | Self::ExecutorTask => Dispatcher::PythonThreadPool,
            Self::Thread | Self::Timer | Self::ServerHandler => Dispatcher::PythonThreadPerUnit,
        }
    }

    fn of(kind: StartKind) -> Option<Self> {
        Some(match kind {
            StartKind::Thread => Self::Thread,
            StartKind::Timer => Self::Timer,
            StartKind::PoolSubmit => Self::PoolSubmit,
            StartKind::PoolMap => Self::PoolMap,
            StartKind::ExecutorTask => Self::ExecutorTask,
            StartKind::ServerHandler => Self::ServerHandler,
            // A callback is not a decision to run work in parallel.
            StartKind::DoneCallback => return None,
        })
    }
}

/// One parallel call site and what the code says about it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallSite {
    /// Start and end of the call expression (1-based lines and characters).
    pub location: Location,
    pub end_location: Location,
    pub kind: CallSiteKind,
    /// The function run in threads, when it is a plain name or attribute (`None` for a lambda).
    pub target: Option<String>,
    /// First and last line of the target's `def`, when it is defined in this file.
    pub target_lines: Option<(usize, usize)>,
    /// Work items (or threads) the call creates, when the code makes it plain: a literal
    /// `range(...)`, list or tuple given to `map`, or a call inside `for _ in range(N)` loops or
    /// comprehensions (a call outside any loop creates one).
    pub items: Option<u64>,
    /// Codes of the warnings and errors the detector reports in the functions the site runs
    /// (its target and what the target calls), sorted.
    pub hazards: Vec<String>,
    /// Modules imported by the file that re-enable the GIL.
    pub gil_reenabling_imports: Vec<String>,
}

/// The call sites of a modelled module, each with the first function of this module it runs.
pub(super) fn find(
    model: &SemanticModel,
    findings: &[Finding],
    location: impl Fn(TextSize) -> Location,
) -> (Vec<CallSite>, Vec<Option<FunctionId>>) {
    let imports = gil_reenabling_modules(model);
    let row = |offset| location(offset).row;
    model
        .thread_starts()
        .iter()
        .filter_map(|start| {
            let kind = CallSiteKind::of(start.kind)?;
            let target_lines = start.functions.first().map(|&id| {
                let def = model.functions[id].def;
                (row(def.start()), row(def.end()))
            });
            let range = start.call.range();
            let site = CallSite {
                location: location(range.start()),
                end_location: location(range.end()),
                kind,
                target: last_segment(start.target).map(str::to_string),
                target_lines,
                items: items(start),
                hazards: hazards_in(model, &start.functions, findings),
                gil_reenabling_imports: imports.clone(),
            };
            Some((site, start.functions.first().copied()))
        })
        .unzip()
}

/// Items of a map over a literal iterable, or how often the call runs in literal loops.
fn items(start: &ThreadStart) -> Option<u64> {
    match start.kind {
        StartKind::PoolMap => start.call.arguments.args.get(1).and_then(literal_length),
        _ => start.repetitions,
    }
}

/// Warning and error codes found in `targets` and in the functions they call.
fn hazards_in(model: &SemanticModel, targets: &[FunctionId], findings: &[Finding]) -> Vec<String> {
    let reached = model.reached_from(targets);
    findings
        .iter()
        .filter(|finding| finding.function.is_some_and(|id| reached.contains(&id)))
        .map(|finding| &finding.diagnostic)
        .filter(|diagnostic| diagnostic.severity >= Severity::Warning)
        .filter(|diagnostic| {
            diagnostic.code != SyntaxError::INFO.code
                && diagnostic.code != GilReenablingImport::INFO.code
        })
        .map(|diagnostic| diagnostic.code.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// `worker` in `worker`, `run` in `self.run`; nothing for lambdas and calls.
fn last_segment(expr: &Expr) -> Option<&str> {
    match expr {
        Expr::Name(name) => Some(name.id.as_str()),
        Expr::Attribute(attribute) => Some(attribute.attr.as_str()),
        _ => None,
    }
}
