//! Advice for one Python program: should it move to a free-threaded build, and should each of its
//! parallel call sites run in parallel at all?
//!
//! This ties the detector (`check_source`) to the models (`advise_migration`, `decide`,
//! `fit_usl`). It finds the parallel call sites itself (`ThreadPoolExecutor.map/submit`,
//! `threading.Thread(target=...)`) with its own small pass over the syntax tree, then feeds each
//! site's facts (item count, hazards inside the target function, GIL-reenabling imports) to the
//! veto. Plain Rust with no I/O and no browser types: the playground's worker and native tests
//! call it alike. Every result type is plain data (serde both ways) so it can cross
//! `postMessage`.

use std::collections::BTreeSet;

use ruff_python_ast::visitor::{Visitor, walk_expr, walk_stmt};
use ruff_python_ast::{Expr, ExprCall, Number, PySourceType, Stmt};
use ruff_text_size::{Ranged, TextSize};
use serde::{Deserialize, Serialize};

use crate::models::{
    CallSiteFacts, CpuScaling, Dispatcher, MigrationInput, UslFit, VetoInput, Workload,
    advise_migration, build_overhead, decide, fit_usl, parse_measurements,
};
use crate::{Diagnostic, Location, Severity, check_source};

/// The code of the detector rule that reports imports re-enabling the GIL.
const GIL_REENABLING_IMPORT: &str = "FT013";
/// The code of syntax errors and refused input.
const SYNTAX_ERROR: &str = "FT000";
/// How the detector starts the message of input it refused to parse (too large, too deep).
const REFUSED_PREFIX: &str = "not analysed:";

/// How a call site hands its work to threads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CallSiteKind {
    /// `executor.map(function, iterable)` on a `ThreadPoolExecutor` (or `ThreadPool`).
    PoolMap,
    /// `executor.submit(function, ...)`.
    PoolSubmit,
    /// `threading.Thread(target=function)`.
    Thread,
}

impl CallSiteKind {
    /// How the call reads in the code.
    pub fn label(self) -> &'static str {
        match self {
            Self::PoolMap => "ThreadPoolExecutor.map",
            Self::PoolSubmit => "ThreadPoolExecutor.submit",
            Self::Thread => "threading.Thread",
        }
    }

    /// What handing out one unit costs at this kind of call site.
    pub fn dispatcher(self) -> Dispatcher {
        match self {
            Self::PoolMap | Self::PoolSubmit => Dispatcher::PythonThreadPool,
            Self::Thread => Dispatcher::PythonThreadPerUnit,
        }
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
    /// Codes of the warnings and errors the detector reports inside the target's `def`, sorted.
    pub hazards: Vec<String>,
    /// Modules imported by the file that re-enable the GIL (from the detector's `FT013`).
    pub gil_reenabling_imports: Vec<String>,
}

/// Finds the parallel call sites of `source`, with the facts the veto needs.
pub fn call_sites(source: &str) -> Vec<CallSite> {
    call_sites_with(source, &check_source(source))
}

/// [`call_sites`] with diagnostics already computed by `check_source(source)`.
pub fn call_sites_with(source: &str, diagnostics: &[Diagnostic]) -> Vec<CallSite> {
    // Input the detector refused to parse (too large, too deeply nested) would overflow a
    // worker's stack here as well.
    if is_refused(diagnostics) {
        return Vec::new();
    }
    let parsed = ruff_python_parser::parse_unchecked_source(source, PySourceType::Python);
    let module = parsed.syntax();

    let mut defs = Definitions::default();
    defs.visit_body(&module.body);
    let mut finder = Finder {
        executors: &defs.executors,
        loops: vec![Vec::new()],
        found: Vec::new(),
    };
    finder.visit_body(&module.body);

    let positions = Positions::new(source);
    let imports = gil_reenabling_imports(diagnostics);
    finder
        .found
        .into_iter()
        .map(|found| {
            let target_lines = found.target.as_ref().and_then(|name| {
                defs.functions
                    .iter()
                    .find(|(def, _, _)| def == name)
                    .map(|&(_, start, end)| (positions.row(start), positions.row(end)))
            });
            let hazards = target_lines
                .map(|lines| hazards_in(diagnostics, lines))
                .unwrap_or_default();
            CallSite {
                location: positions.location(found.start),
                end_location: positions.location(found.end),
                kind: found.kind,
                target: found.target,
                target_lines,
                items: found.items,
                hazards,
                gil_reenabling_imports: imports.clone(),
            }
        })
        .collect()
}

fn is_refused(diagnostics: &[Diagnostic]) -> bool {
    diagnostics
        .iter()
        .any(|d| d.code == SYNTAX_ERROR && d.message.starts_with(REFUSED_PREFIX))
}

/// Warning and error codes whose position falls inside the lines of a `def`.
fn hazards_in(diagnostics: &[Diagnostic], (first, last): (usize, usize)) -> Vec<String> {
    diagnostics
        .iter()
        .filter(|d| d.severity >= Severity::Warning)
        .filter(|d| d.code != SYNTAX_ERROR && d.code != GIL_REENABLING_IMPORT)
        .filter(|d| (first..=last).contains(&d.location.row))
        .map(|d| d.code.clone())
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// The imported module of each `FT013` diagnostic, whose message starts "`import x`: `x` ...".
fn gil_reenabling_imports(diagnostics: &[Diagnostic]) -> Vec<String> {
    diagnostics
        .iter()
        .filter(|d| d.code == GIL_REENABLING_IMPORT && d.severity >= Severity::Warning)
        .map(|d| {
            d.message
                .split_once("`: `")
                .and_then(|(_, rest)| rest.split_once('`'))
                .map(|(module, _)| module.to_owned())
                .unwrap_or_else(|| format!("the import on line {}", d.location.row))
        })
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect()
}

/// Byte offsets to 1-based lines and characters, as `Diagnostic` counts them.
struct Positions<'s> {
    source: &'s str,
    line_starts: Vec<usize>,
}

impl<'s> Positions<'s> {
    fn new(source: &'s str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(source.match_indices('\n').map(|(at, _)| at + 1))
            .collect();
        Self {
            source,
            line_starts,
        }
    }

    fn row(&self, offset: TextSize) -> usize {
        let offset = usize::from(offset);
        self.line_starts.partition_point(|&start| start <= offset)
    }

    fn location(&self, offset: TextSize) -> Location {
        let row = self.row(offset);
        let start = self.line_starts[row - 1];
        let end = usize::from(offset).min(self.source.len());
        let column = self
            .source
            .get(start..end)
            .map_or(0, |text| text.chars().count())
            + 1;
        Location { row, column }
    }
}

/// First pass: functions (name and span) and names bound to thread pools.
#[derive(Default)]
struct Definitions {
    functions: Vec<(String, TextSize, TextSize)>,
    executors: BTreeSet<String>,
}

impl<'a> Visitor<'a> for Definitions {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(def) => {
                let range = def.range();
                self.functions
                    .push((def.name.id.to_string(), range.start(), range.end()));
            }
            Stmt::Assign(assign) if is_pool_constructor(&assign.value) => {
                for target in &assign.targets {
                    if let Some(name) = simple_name(target) {
                        self.executors.insert(name);
                    }
                }
            }
            Stmt::With(with) => {
                for item in &with.items {
                    if is_pool_constructor(&item.context_expr)
                        && let Some(name) = item.optional_vars.as_deref().and_then(simple_name)
                    {
                        self.executors.insert(name);
                    }
                }
            }
            _ => {}
        }
        walk_stmt(self, stmt);
    }
}

/// `ThreadPoolExecutor(...)`, `concurrent.futures.ThreadPoolExecutor(...)`, `ThreadPool(...)`.
fn is_pool_constructor(expr: &Expr) -> bool {
    let Expr::Call(call) = expr else {
        return false;
    };
    matches!(
        last_segment(&call.func).as_deref(),
        Some("ThreadPoolExecutor" | "ThreadPool")
    )
}

/// `name` or `a.b.name` as `name`; `self.pool` as `self.pool`.
fn simple_name(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Name(name) => Some(name.id.to_string()),
        Expr::Attribute(attribute) => {
            simple_name(&attribute.value).map(|base| format!("{base}.{}", attribute.attr.id))
        }
        _ => None,
    }
}

fn last_segment(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Name(name) => Some(name.id.to_string()),
        Expr::Attribute(attribute) => Some(attribute.attr.id.to_string()),
        _ => None,
    }
}

/// A call site found by the second pass, in byte offsets.
struct Found {
    start: TextSize,
    end: TextSize,
    kind: CallSiteKind,
    target: Option<String>,
    items: Option<u64>,
}

/// Second pass: the call sites, with the loops around them (one stack per function body, since
/// a loop outside a `def` does not repeat the calls inside it).
struct Finder<'d> {
    executors: &'d BTreeSet<String>,
    /// Iteration counts of the enclosing loops (`None`: not known from the code).
    loops: Vec<Vec<Option<u64>>>,
    found: Vec<Found>,
}

impl Finder<'_> {
    fn current_loops(&mut self) -> &mut Vec<Option<u64>> {
        self.loops
            .last_mut()
            .expect("the module's loop stack is never popped")
    }

    /// How many times the enclosing loops run a call: the product of their counts.
    fn repetitions(&self) -> Option<u64> {
        self.loops
            .last()
            .into_iter()
            .flatten()
            .try_fold(1u64, |total, count| total.checked_mul((*count)?))
    }

    fn check_call(&mut self, call: &ExprCall) {
        let range = call.range();
        let site = |kind, target: Option<&Expr>, items| Found {
            start: range.start(),
            end: range.end(),
            kind,
            target: target.and_then(last_segment),
            items,
        };
        match &*call.func {
            Expr::Attribute(method)
                if matches!(method.attr.id.as_str(), "map" | "submit")
                    && (simple_name(&method.value)
                        .is_some_and(|name| self.executors.contains(&name))
                        || is_pool_constructor(&method.value)) =>
            {
                let args = &call.arguments.args;
                if method.attr.id.as_str() == "map" {
                    let items = args.get(1).and_then(literal_len);
                    self.found
                        .push(site(CallSiteKind::PoolMap, args.first(), items));
                } else {
                    let items = self.repetitions();
                    self.found
                        .push(site(CallSiteKind::PoolSubmit, args.first(), items));
                }
            }
            func if last_segment(func).as_deref() == Some("Thread") => {
                let target = call
                    .arguments
                    .keywords
                    .iter()
                    .find(|keyword| keyword.arg.as_ref().is_some_and(|arg| arg.id == "target"))
                    .map(|keyword| &keyword.value)
                    // Thread(group, target, ...)
                    .or_else(|| call.arguments.args.get(1));
                if target.is_some() {
                    let items = self.repetitions();
                    self.found.push(site(CallSiteKind::Thread, target, items));
                }
            }
            _ => {}
        }
    }

    /// Visits a comprehension's element with its generators counted as loops.
    fn visit_comprehension_body(
        &mut self,
        generators: &[ruff_python_ast::Comprehension],
        elements: &[&Expr],
    ) {
        for generator in generators {
            self.visit_expr(&generator.iter);
            for condition in &generator.ifs {
                self.visit_expr(condition);
            }
        }
        let counts: Vec<_> = generators
            .iter()
            .map(|generator| {
                generator
                    .ifs
                    .is_empty()
                    .then(|| literal_len(&generator.iter))
                    .flatten()
            })
            .collect();
        let depth = counts.len();
        self.current_loops().extend(counts);
        for element in elements {
            self.visit_expr(element);
        }
        let loops = self.current_loops();
        loops.truncate(loops.len() - depth);
    }
}

impl<'a> Visitor<'a> for Finder<'_> {
    fn visit_stmt(&mut self, stmt: &'a Stmt) {
        match stmt {
            Stmt::FunctionDef(def) => {
                for decorator in &def.decorator_list {
                    self.visit_expr(&decorator.expression);
                }
                self.loops.push(Vec::new());
                self.visit_body(&def.body);
                self.loops.pop();
            }
            Stmt::For(for_loop) => {
                self.visit_expr(&for_loop.iter);
                self.current_loops().push(literal_len(&for_loop.iter));
                self.visit_body(&for_loop.body);
                self.current_loops().pop();
                self.visit_body(&for_loop.orelse);
            }
            Stmt::While(while_loop) => {
                self.visit_expr(&while_loop.test);
                self.current_loops().push(None);
                self.visit_body(&while_loop.body);
                self.current_loops().pop();
                self.visit_body(&while_loop.orelse);
            }
            _ => walk_stmt(self, stmt),
        }
    }

    fn visit_expr(&mut self, expr: &'a Expr) {
        match expr {
            Expr::ListComp(comp) => self.visit_comprehension_body(&comp.generators, &[&comp.elt]),
            Expr::SetComp(comp) => self.visit_comprehension_body(&comp.generators, &[&comp.elt]),
            Expr::Generator(comp) => self.visit_comprehension_body(&comp.generators, &[&comp.elt]),
            Expr::DictComp(comp) => {
                let elements: Vec<&Expr> = comp
                    .key
                    .as_deref()
                    .into_iter()
                    .chain([&*comp.value])
                    .collect();
                self.visit_comprehension_body(&comp.generators, &elements)
            }
            Expr::Lambda(_) => {
                self.loops.push(Vec::new());
                walk_expr(self, expr);
                self.loops.pop();
            }
            _ => {
                if let Expr::Call(call) = expr {
                    self.check_call(call);
                }
                walk_expr(self, expr);
            }
        }
    }
}

/// Items of a literal iterable: `range(n)`, `range(a, b)`, `range(a, b, step)` with integer
/// literals, or a list or tuple display.
fn literal_len(expr: &Expr) -> Option<u64> {
    match expr {
        Expr::List(list) => Some(list.elts.len() as u64),
        Expr::Tuple(tuple) => Some(tuple.elts.len() as u64),
        Expr::Call(call)
            if matches!(&*call.func, Expr::Name(name) if name.id == "range")
                && call.arguments.keywords.is_empty() =>
        {
            let numbers: Option<Vec<i64>> = call.arguments.args.iter().map(int_literal).collect();
            let (start, stop, step) = match numbers?.as_slice() {
                [stop] => (0, *stop, 1),
                [start, stop] => (*start, *stop, 1),
                [start, stop, step] if *step != 0 => (*start, *stop, *step),
                _ => return None,
            };
            let span = if step > 0 {
                i128::from(stop) - i128::from(start)
            } else {
                i128::from(start) - i128::from(stop)
            };
            let step = i128::from(step).abs();
            u64::try_from(((span + step - 1) / step).max(0)).ok()
        }
        _ => None,
    }
}

/// An integer literal, possibly negated.
fn int_literal(expr: &Expr) -> Option<i64> {
    match expr {
        Expr::NumberLiteral(literal) => match &literal.value {
            Number::Int(int) => int.as_i64(),
            _ => None,
        },
        Expr::UnaryOp(unary) if unary.op == ruff_python_ast::UnaryOp::USub => {
            int_literal(&unary.operand).and_then(i64::checked_neg)
        }
        _ => None,
    }
}

/// The free-threaded build to advise about.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetBuild {
    Ft313,
    Ft314,
    /// A single-thread overhead `r` of your own (0.08 means 8% slower).
    Custom(f64),
}

/// What the work does, as the user describes it.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WorkloadSetting {
    /// CPU-bound work whose parallel fraction `p` (Amdahl) is known.
    ParallelFraction(f64),
    /// Work that waits this share of its time with the GIL released; its computing part is
    /// taken as fully parallel.
    BlockingRatio(f64),
}

/// The settings of the advice.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdviceSettings {
    pub build: TargetBuild,
    pub cores: u32,
    /// Threads the program plans to run (also the thread count each call site is judged at).
    pub threads: u32,
    pub workload: WorkloadSetting,
}

impl AdviceSettings {
    /// 3.14t, `cores` cores and as many threads, parallel fraction 0.95.
    pub fn for_cores(cores: u32) -> Self {
        Self {
            build: TargetBuild::Ft314,
            cores,
            threads: cores,
            workload: WorkloadSetting::ParallelFraction(0.95),
        }
    }
}

/// The migration verdict in words.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MigrationView {
    /// `migrate_now`, `migrate_if_threads` or `stay_on_gil`.
    pub verdict: String,
    /// The verdict as a sentence ("migrate if you run 3 or more threads").
    pub headline: String,
    pub break_even_threads: Option<u32>,
    /// Free-threaded over GIL throughput at the planned thread count.
    pub speedup_at_threads: f64,
    pub overhead: f64,
    pub overhead_source: String,
    /// The model's reasons, with their numbers.
    pub reasons: Vec<String>,
}

/// One veto reason.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReasonView {
    /// `TOO_SMALL`, `GIL_UNSAFE_PATTERN`, ...
    pub code: String,
    pub message: String,
}

/// The veto for one call site.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallSiteAdvice {
    pub site: CallSite,
    pub threads: u32,
    pub parallel: bool,
    /// Every reason against running in parallel; empty exactly when `parallel`.
    pub reasons: Vec<ReasonView>,
    pub suggested_threads: Option<u32>,
}

/// A USL fit of the pasted measurements, in plain numbers (all finite).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct UslView {
    pub sigma: f64,
    pub kappa: f64,
    pub lambda: f64,
    pub peak_threads: Option<f64>,
    pub peak_throughput: Option<f64>,
    pub cliff_threads: Option<u32>,
    pub recommended_threads: u32,
    pub r_squared: f64,
    pub points: usize,
    pub notes: Vec<String>,
}

/// Everything the advice panel shows.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Advice {
    /// The migration advice, or why the settings cannot be used.
    pub migration: Result<MigrationView, String>,
    pub call_sites: Vec<CallSiteAdvice>,
    /// Why call sites were not looked for (input refused by the detector), if so.
    pub call_sites_skipped: Option<String>,
    /// `None` when no measurements were pasted.
    pub usl: Option<Result<UslView, String>>,
}

/// Computes the advice for `source` under `settings`, with `points` the pasted
/// `threads,throughput` lines (may be blank).
pub fn advise(source: &str, settings: &AdviceSettings, points: &str) -> Advice {
    advise_with(source, &check_source(source), settings, points)
}

/// [`advise`] with diagnostics already computed by `check_source(source)`.
pub fn advise_with(
    source: &str,
    diagnostics: &[Diagnostic],
    settings: &AdviceSettings,
    points: &str,
) -> Advice {
    let fit = usl_fit(points);
    let usl = fit
        .as_ref()
        .map(|fit| fit.as_ref().map(usl_view).map_err(Clone::clone));
    let usl_for_veto = fit.and_then(Result::ok);

    let call_sites_skipped = is_refused(diagnostics)
        .then(|| "the detector did not parse this text, so no call sites were looked for".into());
    let blocking_ratio = match settings.workload {
        WorkloadSetting::BlockingRatio(ratio) if ratio.is_finite() => ratio,
        _ => 0.0,
    };
    let call_sites = call_sites_with(source, diagnostics)
        .into_iter()
        .map(|site| {
            let facts = CallSiteFacts {
                work_per_item: None,
                usl: usl_for_veto.clone(),
                hazards: site.hazards.clone(),
                blocking_ratio,
                gil_reenabling_imports: site.gil_reenabling_imports.clone(),
            };
            let veto = decide(&VetoInput {
                items: site.items,
                threads: settings.threads,
                dispatcher: site.kind.dispatcher(),
                facts: &facts,
            });
            CallSiteAdvice {
                site,
                threads: settings.threads,
                parallel: veto.is_parallel(),
                reasons: veto
                    .reasons
                    .into_iter()
                    .map(|reason| ReasonView {
                        code: reason.code.as_str().to_owned(),
                        message: reason.message,
                    })
                    .collect(),
                suggested_threads: veto.suggested_threads,
            }
        })
        .collect();

    Advice {
        migration: migration(settings),
        call_sites,
        call_sites_skipped,
        usl,
    }
}

fn migration(settings: &AdviceSettings) -> Result<MigrationView, String> {
    let (overhead, overhead_source) = match settings.build {
        TargetBuild::Ft313 | TargetBuild::Ft314 => {
            let name = if settings.build == TargetBuild::Ft313 {
                "3.13t"
            } else {
                "3.14t"
            };
            let known = build_overhead(name).expect("OVERHEADS lists 3.13t and 3.14t");
            (known.overhead, format!("{name}: {}", known.source))
        }
        TargetBuild::Custom(overhead) if overhead.is_finite() => {
            (overhead, "the overhead you entered".to_owned())
        }
        TargetBuild::Custom(_) => {
            return Err("enter the custom overhead r as a number (0.08 means 8% slower)".into());
        }
    };
    let (workload, scaling) = match settings.workload {
        WorkloadSetting::ParallelFraction(p) if p.is_finite() => {
            (Workload::CpuBound, CpuScaling::ParallelFraction(p))
        }
        WorkloadSetting::BlockingRatio(ratio) if ratio.is_finite() => (
            Workload::BlockingRatio(ratio),
            CpuScaling::ParallelFraction(1.0),
        ),
        WorkloadSetting::ParallelFraction(_) => {
            return Err("enter the parallel fraction p as a number between 0 and 1".into());
        }
        WorkloadSetting::BlockingRatio(_) => {
            return Err(
                "enter the blocking ratio as a number from 0 up to (not including) 1".into(),
            );
        }
    };
    let advice = advise_migration(&MigrationInput {
        overhead,
        overhead_source: overhead_source.clone(),
        workload,
        scaling,
        cores: settings.cores,
        threads: settings.threads,
    })
    .map_err(|error| error.to_string())?;
    Ok(MigrationView {
        verdict: advice.verdict.code().to_owned(),
        headline: advice.verdict.to_string(),
        break_even_threads: advice.break_even_threads,
        speedup_at_threads: advice.speedup_at_threads,
        overhead,
        overhead_source,
        reasons: advice.reasons,
    })
}

/// `None` for blank input; otherwise the fit or a sentence saying why there is none.
fn usl_fit(points: &str) -> Option<Result<UslFit, String>> {
    if points.trim().is_empty() {
        return None;
    }
    Some(
        parse_measurements(points)
            .map_err(|error| error.to_string())
            .and_then(|measurements| fit_usl(&measurements).map_err(|error| error.to_string())),
    )
}

/// A USL fit in plain, finite numbers.
pub fn usl_view(fit: &UslFit) -> UslView {
    UslView {
        sigma: fit.model.sigma,
        kappa: fit.model.kappa,
        lambda: fit.model.lambda,
        peak_threads: fit.peak_threads.filter(|value| value.is_finite()),
        peak_throughput: fit.peak_throughput.filter(|value| value.is_finite()),
        cliff_threads: fit.cliff_threads,
        recommended_threads: fit.recommended_threads,
        r_squared: if fit.r_squared.is_finite() {
            fit.r_squared
        } else {
            0.0
        },
        points: fit.points.len(),
        notes: fit.notes.clone(),
    }
}
