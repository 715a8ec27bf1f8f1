//! The workload a parallel call site runs, read from the syntax tree of the function it hands
//! to threads: how many items, how long one computes and waits, what share of it holds a lock.
//!
//! The guesses are rough on purpose: they only seed the Scaling view's sliders, and every guess
//! comes with the sentence that explains it.

use ruff_python_ast::statement_visitor::{StatementVisitor, walk_stmt};
use ruff_python_ast::visitor::{self, Visitor};
use ruff_python_ast::{Expr, ExprCall, Stmt};

use super::CallSite;
use crate::detector::helpers::literal_length;
use crate::detector::semantic::{FunctionId, SemanticModel};
use crate::workload_estimate::{
    DEFAULT_ITEMS, LOOP_ITERATION_US, MAX_ITEMS, STRAIGHT_LINE_CPU_US, UNBOUNDED_LOOP_CPU_US,
    WorkloadEstimate, human_us,
};

/// A kind of call that waits with the GIL released, and the wait assumed per item.
struct Wait {
    what: &'static str,
    wait_us: f64,
}

const HTTP_REQUESTS: Wait = Wait {
    what: "an HTTP request (requests)",
    wait_us: 50_000.0,
};
const HTTP_URLLIB: Wait = Wait {
    what: "an HTTP request (urllib)",
    wait_us: 50_000.0,
};
const HTTP_URLOPEN: Wait = Wait {
    what: "an HTTP request (urlopen)",
    wait_us: 50_000.0,
};
const HTTP_HTTPX: Wait = Wait {
    what: "an HTTP request (httpx)",
    wait_us: 50_000.0,
};
const SOCKET_IO: Wait = Wait {
    what: "socket I/O",
    wait_us: 10_000.0,
};
const SUBPROCESS: Wait = Wait {
    what: "a subprocess",
    wait_us: 20_000.0,
};
const FILE_READ: Wait = Wait {
    what: "a file read",
    wait_us: 2_000.0,
};

/// What a call waits on, by the qualified name it resolves to or the method it calls.
fn wait_of(model: &SemanticModel, call: &ExprCall) -> Option<&'static Wait> {
    if let Some(name) = model.resolve(&call.func) {
        let wait = if name.is_within("requests") {
            &HTTP_REQUESTS
        } else if name.is_any(&["urllib.request.urlopen", "urllib2.urlopen"]) {
            &HTTP_URLOPEN
        } else if name.is_within("urllib") {
            &HTTP_URLLIB
        } else if name.is_within("httpx") {
            &HTTP_HTTPX
        } else if name.is_within("socket") {
            &SOCKET_IO
        } else if name.is_within("subprocess") {
            &SUBPROCESS
        } else if name.is_any(&["io.open", "builtins.open"]) {
            &FILE_READ
        } else {
            return None;
        };
        return Some(wait);
    }
    match call.func.as_ref() {
        Expr::Name(name) if name.id == "open" => Some(&FILE_READ),
        Expr::Attribute(method) => match method.attr.as_str() {
            "recv" | "recv_into" | "recvfrom" | "sendall" => Some(&SOCKET_IO),
            "read_text" | "read_bytes" => Some(&FILE_READ),
            _ => None,
        },
        _ => None,
    }
}

/// The seconds of `time.sleep(<literal>)`.
fn sleep_seconds(model: &SemanticModel, call: &ExprCall) -> Option<f64> {
    if !model.resolve(&call.func)?.is("time.sleep") {
        return None;
    }
    let seconds = match call.arguments.find_positional(0)? {
        Expr::NumberLiteral(number) => match &number.value {
            ruff_python_ast::Number::Float(value) => *value,
            ruff_python_ast::Number::Int(value) => value.as_u64()? as f64,
            ruff_python_ast::Number::Complex { .. } => return None,
        },
        _ => return None,
    };
    (seconds.is_finite() && seconds >= 0.0).then_some(seconds)
}

/// Guesses the workload of the call site at `site` (or, without one, of the first site whose
/// target is defined here, then of the first site, then of the whole module).
pub(super) fn estimate(
    model: &SemanticModel,
    module_body: &[Stmt],
    sites: &[CallSite],
    targets: &[Option<FunctionId>],
    site: Option<usize>,
) -> WorkloadEstimate {
    let mut estimate = WorkloadEstimate::default();
    let index = match site {
        Some(index) => Some(index).filter(|&index| index < sites.len()),
        None => targets
            .iter()
            .position(Option::is_some)
            .or((!sites.is_empty()).then_some(0)),
    };
    let chosen = index.map(|index| (&sites[index], targets[index]));
    if let Some((site, _)) = chosen {
        estimate.function = site.target.clone();
        estimate.hazards = site.hazards.clone();
        estimate.gil_reenabling_imports = site.gil_reenabling_imports.clone();
        if let Some(items) = site.items {
            estimate.items = items.clamp(1, MAX_ITEMS);
            let capped = if items > MAX_ITEMS {
                format!(" (capped at {MAX_ITEMS})")
            } else {
                String::new()
            };
            estimate.evidence.push(format!(
                "{items} items from the literal given to {}{capped}",
                site.kind.label()
            ));
        }
    }
    if estimate.evidence.is_empty() {
        estimate.evidence.push(format!(
            "no literal item count found: assuming {DEFAULT_ITEMS} items"
        ));
    }
    let function = chosen.and_then(|(_, function)| function);
    let body = function.map_or(module_body, |id| model.functions[id].def.body.as_slice());
    let scope = estimate
        .function
        .as_deref()
        .map_or_else(|| "the file".to_owned(), |name| format!("`{name}`"));

    let mut facts = BodyFacts {
        model,
        waits: Vec::new(),
        loops: false,
        largest_bound: None,
    };
    facts.visit_body(body);

    // Waiting: each kind of wait counts once per item.
    // `0.0 +` turns the empty sum, -0.0, into 0.
    estimate.wait_us = 0.0 + facts.waits.iter().map(|(_, us)| us).sum::<f64>().round();
    for (what, us) in &facts.waits {
        estimate.evidence.push(format!(
            "{scope} waits on {what}: about {} per item",
            human_us(*us)
        ));
    }

    // Computing: the largest literal loop bound, else any loop, else straight-line code.
    estimate.cpu_us = match facts.largest_bound {
        Some(iterations) if facts.loops => {
            let cpu = (iterations as f64 * LOOP_ITERATION_US).clamp(1.0, 1e6);
            estimate.evidence.push(format!(
                "{scope} loops {iterations} times in Python: about {} of CPU per item",
                human_us(cpu)
            ));
            cpu
        }
        _ if facts.loops => {
            estimate.evidence.push(format!(
                "{scope} loops without a literal bound: assuming {} of CPU per item",
                human_us(UNBOUNDED_LOOP_CPU_US)
            ));
            UNBOUNDED_LOOP_CPU_US
        }
        _ => {
            estimate.evidence.push(format!(
                "{scope} has no loop: about {} of CPU per item",
                human_us(STRAIGHT_LINE_CPU_US)
            ));
            STRAIGHT_LINE_CPU_US
        }
    };

    // A lock: the share of the function's statements that a lock guards, as the detector sees
    // them; a loop under the lock holds it for the loop's whole computation.
    let functions: Vec<FunctionId> = match function {
        Some(id) => vec![id],
        None => (0..model.functions.len()).collect(),
    };
    let (mut statements, mut locked, mut loop_under_lock) = (0usize, 0usize, false);
    for id in functions {
        for statement in model.body(id).statements() {
            statements += 1;
            if statement.guarded {
                locked += 1;
                loop_under_lock |= matches!(statement.stmt, Stmt::For(_) | Stmt::While(_));
            }
        }
    }
    if locked > 0 {
        let fraction = if loop_under_lock {
            0.9
        } else {
            (locked as f64 / statements.max(1) as f64).clamp(0.05, 1.0)
        };
        estimate.lock_fraction = (fraction * 20.0).round() / 20.0;
        estimate.evidence.push(format!(
            "{scope} computes inside `with <lock>:`: about {:.0}% of its CPU time holds the lock",
            estimate.lock_fraction * 100.0
        ));
    }
    shared_fraction(model, function, &scope, &mut estimate);
    estimate
}

/// What the free-threaded build's contention costs when every operation of an item works on
/// objects all threads touch: the calibration's worst case (BENCHMARKS.md, "Simulator
/// calibration").
const ALL_SHARED_FRACTION: f64 = 0.2;

/// The share of the item's operations on values its threads share, from the sharing analysis:
/// the accesses of the code the site runs (its function and what that calls) that touch a
/// shared value, scaled so that code doing nothing else gets [`ALL_SHARED_FRACTION`].
fn shared_fraction(
    model: &SemanticModel,
    function: Option<FunctionId>,
    scope: &str,
    estimate: &mut WorkloadEstimate,
) {
    let codes: Vec<FunctionId> = match function {
        Some(id) => model.reached_from(&[id]),
        None => (0..model.functions.len()).collect(),
    };
    let (total, shared) = model.sharing.shared_accesses(&model.flow, &codes);
    let touching: usize = shared.iter().map(|&(_, made)| made).sum();
    if touching == 0 {
        return;
    }
    let share = touching as f64 / total as f64;
    estimate.shared_fraction = (share * ALL_SHARED_FRACTION * 1000.0).round() / 1000.0;
    let names: Vec<String> = shared
        .iter()
        .take(3)
        .filter_map(|&(var, _)| model.flow.spelling(var))
        .map(|name| format!("`{name}`"))
        .collect();
    estimate.evidence.push(format!(
        "{scope} touches values its threads share in {touching} of its {total} reads and \
         changes ({}): about {:.1}% of its operations contend on the free-threaded build",
        names.join(", "),
        estimate.shared_fraction * 100.0
    ));
}

/// What one walk over the examined code finds: waits, loops, literal loop bounds.
struct BodyFacts<'m, 'a> {
    model: &'m SemanticModel<'a>,
    /// Each kind of wait once, in the order first met.
    waits: Vec<(&'static str, f64)>,
    loops: bool,
    largest_bound: Option<u64>,
}

impl BodyFacts<'_, '_> {
    fn wait(&mut self, what: &'static str, us: f64) {
        if !self.waits.iter().any(|(seen, _)| *seen == what) {
            self.waits.push((what, us));
        }
    }

    fn bound(&mut self, iterable: &Expr) {
        let is_range = matches!(iterable, Expr::Call(call)
            if matches!(call.func.as_ref(), Expr::Name(name) if name.id == "range"));
        if is_range && let Some(count) = literal_length(iterable) {
            self.largest_bound = self.largest_bound.max(Some(count));
        }
    }
}

impl<'a> StatementVisitor<'a> for BodyFacts<'_, '_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::For(for_stmt) => {
                self.loops = true;
                self.bound(&for_stmt.iter);
            }
            Stmt::While(_) => self.loops = true,
            _ => {}
        }
        let mut expressions = Vec::new();
        crate::detector::helpers::push_own_expressions(stmt, &mut expressions);
        for expr in expressions {
            ExpressionFacts { facts: self }.visit_expr(expr);
        }
        walk_stmt(self, stmt);
    }
}

/// The calls and comprehensions inside one statement's expressions.
struct ExpressionFacts<'f, 'm, 'a> {
    facts: &'f mut BodyFacts<'m, 'a>,
}

impl<'e> Visitor<'e> for ExpressionFacts<'_, '_, '_> {
    fn visit_expr(&mut self, expr: &'e Expr) {
        if let Expr::Call(call) = expr {
            if let Some(seconds) = sleep_seconds(self.facts.model, call) {
                // Each literal sleep counts: two sleeps wait twice.
                self.facts.waits.push(("time.sleep", seconds * 1e6));
            } else if let Some(wait) = wait_of(self.facts.model, call) {
                self.facts.wait(wait.what, wait.wait_us);
            }
        }
        visitor::walk_expr(self, expr);
    }

    fn visit_comprehension(&mut self, comprehension: &'e ruff_python_ast::Comprehension) {
        self.facts.bound(&comprehension.iter);
        visitor::walk_comprehension(self, comprehension);
    }
}

#[cfg(test)]
mod tests {
    use crate::Analysis;

    fn estimate(source: &str) -> crate::workload_estimate::WorkloadEstimate {
        Analysis::new(source).workload(None)
    }

    #[test]
    fn loop_bounds_are_literal_ranges_with_starts_and_powers() {
        let source = "from concurrent.futures import ThreadPoolExecutor
def work(x):
    for i in range(10, 110):
        pass
    return [j for j in range(10**3)]
ThreadPoolExecutor().map(work, range(4))
";
        let estimate = estimate(source);
        assert!(
            (estimate.cpu_us - 1_000.0 * 0.05).abs() < 1e-9,
            "{estimate:?}"
        );
        let unbounded = estimate
            .evidence
            .iter()
            .any(|line| line.contains("1000 times"));
        assert!(unbounded, "{:?}", estimate.evidence);
    }

    #[test]
    fn only_literal_sleeps_and_real_calls_wait() {
        let source = "import time
from concurrent.futures import ThreadPoolExecutor
def job(delay, sock):
    time.sleep(delay)
    sock.recv(1024)
    note = 'open(' # open( in a comment
ThreadPoolExecutor().submit(job, 1, None)
";
        let estimate = estimate(source);
        assert_eq!(estimate.wait_us, 10_000.0, "{estimate:?}");
    }

    #[test]
    fn values_the_threads_share_set_the_shared_fraction() {
        let shared = "import threading\n\ncounts = {}\n\ndef work(key):\n    local = [key]\n    counts[key] = counts.get(key, 0) + len(local)\n\nfor k in range(8):\n    threading.Thread(target=work, args=(k,)).start()\n";
        let found = estimate(shared);
        assert!(
            found.shared_fraction > 0.0 && found.shared_fraction <= super::ALL_SHARED_FRACTION,
            "{found:?}"
        );
        assert!(
            found
                .evidence
                .iter()
                .any(|line| line.contains("`counts[...]`")),
            "{:?}",
            found.evidence
        );
        let private = "import threading\n\ndef work(key):\n    counts = {}\n    counts[key] = counts.get(key, 0) + 1\n\nfor k in range(8):\n    threading.Thread(target=work, args=(k,)).start()\n";
        assert_eq!(estimate(private).shared_fraction, 0.0);
    }

    #[test]
    fn a_context_manager_that_is_not_a_lock_holds_nothing() {
        let source = "import threading
def job(path):
    with open(path) as f:
        f.read()
threading.Thread(target=job, args=('x',)).start()
";
        assert_eq!(estimate(source).lock_fraction, 0.0);
    }
}
