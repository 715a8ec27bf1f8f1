//! The Scaling view: sliders seeded from the code, the simulated throughput of both builds with
//! its USL fit, a per-thread timeline, the veto and migration verdict in words, and a measured
//! lab. The worker computes everything; this only renders it and draws the charts.

mod charts;
mod state;

pub use state::{LabView, ScalingAction, ScalingState};

use std::rc::Rc;

use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::prelude::*;

use crate::models::{OVERHEADS, build_overhead};
use crate::simulator::{DEFAULT_CONTENDED_ACCESS_COST, DEFAULT_SMT_GAIN, MAX_SMT};
use crate::web::lab::LabSummary;
use crate::workload_estimate::{MAX_ITEMS, ScalingParams, ScalingReport, human_us};
use charts::{Chart, ChartData};

/// Logarithmic sliders: position `p` in `0..=LOG_STEPS` means `10^(p / 10)` microseconds.
const LOG_STEPS: u32 = 55;

/// The shared fraction's slider positions: the levels that matter span three decades.
const SHARED_FRACTIONS: [f64; 11] = [
    0.0, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1.0,
];
/// The GIL releases' slider positions.
const GIL_RELEASES: [u32; 11] = [0, 1, 2, 5, 10, 20, 50, 100, 200, 500, 1000];
/// The overhead slider's range, in percent: from a build faster than the GIL build at one
/// thread to one three times as slow (both measured on real programs).
const OVERHEAD_PERCENT: (i32, i32) = (-50, 200);

/// The overhead slider's explanation, with each build's published figure.
fn overhead_help() -> String {
    let figures: Vec<String> = OVERHEADS
        .iter()
        .map(|build| format!("{:.0}% for {}", build.overhead * 100.0, build.build))
        .collect();
    format!(
        "The free-threaded build's single-thread slowdown: {} on pyperformance (CPython's HOWTOs); some programs differ a lot.",
        figures.join(", ")
    )
}

/// A share as a percentage, with a decimal below 1%.
fn percent(share: f64) -> String {
    if share > 0.0 && share < 0.01 {
        format!("{:.1}%", share * 100.0)
    } else {
        format!("{:.0}%", share * 100.0)
    }
}

/// The position of the step nearest to `value`.
fn step_position<T: Copy + Into<f64>>(steps: &[T], value: f64) -> usize {
    steps
        .iter()
        .map(|&step| (step.into() - value).abs())
        .enumerate()
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map_or(0, |(position, _)| position)
}

/// The step at a slider position (the last one beyond the end).
fn step_at<T: Copy>(steps: &[T], position: f64) -> T {
    steps[(position.max(0.0) as usize).min(steps.len() - 1)]
}

/// Slider position of a duration (0 for 0 when `zero` is allowed).
pub fn log_position(us: f64, zero: bool) -> u32 {
    if zero && us < 1.0 {
        return 0;
    }
    ((us.max(1.0).log10() * 10.0).round() as u32).min(LOG_STEPS)
}

/// The duration of a slider position.
pub fn log_value(position: u32, zero: bool) -> f64 {
    if zero && position == 0 {
        0.0
    } else {
        10f64
            .powf(f64::from(position.min(LOG_STEPS)) / 10.0)
            .round()
    }
}

#[derive(PartialEq, Properties)]
pub struct ScalingPanelProps {
    pub params: ScalingParams,
    pub on_params: Callback<ScalingParams>,
    pub state: ScalingState,
    pub worker_ready: bool,
    pub on_run_lab: Callback<()>,
    pub on_cancel_lab: Callback<()>,
}

#[function_component]
pub fn ScalingPanel(props: &ScalingPanelProps) -> Html {
    let params = &props.params;
    let slider = |update: fn(&mut ScalingParams, f64)| {
        let params = params.clone();
        let on_params = props.on_params.clone();
        Callback::from(move |event: InputEvent| {
            let value = event.target_unchecked_into::<HtmlInputElement>().value();
            if let Ok(value) = value.parse::<f64>() {
                let mut next = params.clone();
                update(&mut next, value);
                next.threads = next.threads.clamp(1, next.sweep_threads());
                on_params.emit(next);
            }
        })
    };
    let on_build = {
        let params = params.clone();
        let on_params = props.on_params.clone();
        Callback::from(move |event: Event| {
            let mut next = params.clone();
            next.build = event.target_unchecked_into::<HtmlSelectElement>().value();
            // A build starts from its published overhead.
            if let Some(build) = build_overhead(&next.build) {
                next.overhead = build.overhead;
            }
            on_params.emit(next);
        })
    };
    let row = |label: &str,
               testid: &str,
               min: i32,
               max: i32,
               step: &str,
               value: String,
               shown: String,
               on_input: Callback<InputEvent>| {
        html! {
            <label class="scaling-slider">
                <span class="scaling-slider-label">{ label.to_owned() }</span>
                <input type="range" min={min.to_string()} max={max.to_string()} step={step.to_owned()}
                    value={value} data-testid={testid.to_owned()} oninput={on_input} />
                <output data-testid={format!("{testid}-value")}>{ shown }</output>
            </label>
        }
    };
    let help = |text: &str| html! { <p class="scaling-slider-help">{ text.to_owned() }</p> };
    let last = |steps: usize| steps as i32 - 1;

    let report = props
        .state
        .result
        .as_ref()
        .map(|result| (result.report.clone(), result.elapsed_ms));
    html! {
        <section class="scaling-panel" data-testid="scaling-panel" aria-label="Scaling">
            <div class="panel-title">
                <h2>{ "Scaling" }</h2>
                if let Some((_, elapsed_ms)) = &report {
                    <span data-testid="scaling-time">{ format!("simulated in {elapsed_ms:.0} ms") }</span>
                }
            </div>
            <div class="scaling-layout">
                <div class="scaling-controls">
                    { row("items", "scaling-items", 10, MAX_ITEMS as i32, "10", params.items.to_string(),
                        params.items.to_string(), slider(|p, v| p.items = v.max(1.0) as u64)) }
                    { row("CPU per item", "scaling-cpu", 0, LOG_STEPS as i32, "1", log_position(params.cpu_us, false).to_string(),
                        human_us(params.cpu_us), slider(|p, v| p.cpu_us = log_value(v as u32, false))) }
                    { row("wait per item", "scaling-wait", 0, LOG_STEPS as i32, "1", log_position(params.wait_us, true).to_string(),
                        human_us(params.wait_us), slider(|p, v| p.wait_us = log_value(v as u32, true))) }
                    { row("lock fraction", "scaling-lock", 0, 100, "5", ((params.lock_fraction * 100.0).round() as u32).to_string(),
                        format!("{:.0}%", params.lock_fraction * 100.0), slider(|p, v| p.lock_fraction = (v / 100.0).clamp(0.0, 1.0))) }
                    { row("shared objects", "scaling-shared", 0, last(SHARED_FRACTIONS.len()), "1",
                        step_position(&SHARED_FRACTIONS, params.shared_fraction).to_string(),
                        percent(params.shared_fraction),
                        slider(|p, v| p.shared_fraction = step_at(&SHARED_FRACTIONS, v))) }
                    { help(&format!("Share of operations on objects every thread touches (a cached singleton, a shared dict): on the free-threaded build each costs {DEFAULT_CONTENDED_ACCESS_COST} more per other busy core.")) }
                    { row("GIL releases", "scaling-releases", 0, last(GIL_RELEASES.len()), "1",
                        step_position(&GIL_RELEASES, f64::from(params.gil_releases_per_item)).to_string(),
                        format!("{} / item", params.gil_releases_per_item),
                        slider(|p, v| p.gil_releases_per_item = step_at(&GIL_RELEASES, v))) }
                    { help("C calls or I/O that drop the GIL within an item: with threads waiting, each one hands the GIL over.") }
                    { row("cores", "scaling-cores", 1, 64, "1", params.cores.to_string(),
                        params.cores.to_string(), slider(|p, v| p.cores = v.max(1.0) as u32)) }
                    { row("SMT", "scaling-smt", 1, MAX_SMT as i32, "1", params.smt.to_string(),
                        format!("{} / core", params.smt), slider(|p, v| p.smt = (v as u32).clamp(1, MAX_SMT))) }
                    { help(&format!("Hardware threads per core: a core with all of them busy computes {:.0}% more (Intel's 15-30% for Hyper-Threading).", DEFAULT_SMT_GAIN * 100.0)) }
                    { row("threads T", "scaling-threads", 1, params.sweep_threads() as i32, "1", params.threads.to_string(),
                        params.threads.to_string(), slider(|p, v| p.threads = v.max(1.0) as u32)) }
                    <label class="scaling-slider">
                        <span class="scaling-slider-label">{ "build" }</span>
                        <select data-testid="scaling-build" onchange={on_build}>
                            { for ["3.14t", "3.13t"].into_iter().map(|build| html! {
                                <option value={build} selected={params.build == build}>{ build }</option>
                            }) }
                        </select>
                    </label>
                    { row("overhead", "scaling-overhead", OVERHEAD_PERCENT.0, OVERHEAD_PERCENT.1, "1",
                        ((params.overhead * 100.0).round() as i32).to_string(), format!("{:+.0}%", params.overhead * 100.0),
                        slider(|p, v| p.overhead = v / 100.0)) }
                    { help(&overhead_help()) }
                    if let Some((report, _)) = &report && let Ok(report) = &**report {
                        <ul class="scaling-evidence" data-testid="scaling-evidence">
                            <li>{ match &report.estimate.function {
                                Some(name) => format!("estimated from `{name}`:"),
                                None => "estimated from the file:".to_owned(),
                            } }</li>
                            { for report.estimate.evidence.iter().map(|line| html! { <li>{ line }</li> }) }
                        </ul>
                    }
                </div>
                <div class="scaling-results">
                    { results(report.as_ref().map(|(report, _)| report)) }
                </div>
            </div>
            { lab(props) }
        </section>
    }
}

fn results(report: Option<&Rc<Result<ScalingReport, String>>>) -> Html {
    let Some(report) = report else {
        return html! { <p class="muted">{ "Simulating…" }</p> };
    };
    let report = match &**report {
        Ok(report) => Rc::new(report.clone()),
        Err(message) => {
            return html! { <p class="scaling-error" data-testid="scaling-error">{ message }</p> };
        }
    };
    let summary = summary(&report);
    let verdict = &report.verdict;
    html! {
        <>
            <div class="scaling-charts">
                <Chart data={ChartData::Throughput(report.clone())} testid="scaling-throughput-chart"
                    label="Throughput against threads, GIL and free-threaded" />
                <p class="scaling-summary" data-testid="scaling-summary">{ summary }</p>
                <Chart data={ChartData::Timeline(report.clone())} testid="scaling-timeline-chart"
                    label="What each thread does over time" />
                <p class="scaling-legend">
                    { for [("running", "running"), ("gil", "waiting for the GIL"), ("core", "waiting for a core"),
                           ("lock", "waiting for the lock"), ("io", "I/O (GIL released)")].into_iter().map(|(code, name)| {
                        let color = charts::activity_color(code);
                        html! {
                            <span class="scaling-legend-item">
                                <span class="scaling-swatch" style={format!("background: rgb({}, {}, {})", color.0, color.1, color.2)} />
                                { name }
                            </span>
                        }
                    }) }
                </p>
            </div>
            <div class="scaling-verdict" data-testid="scaling-verdict">
                <p class="scaling-verdict-headline">
                    <strong>{ "Migration: " }</strong>
                    <span data-testid="scaling-migration">{ &verdict.migration }</span>
                </p>
                <p>
                    <strong>{ format!("Veto at {} threads: ", report.params.threads) }</strong>
                    <span data-testid="scaling-veto">{ if verdict.parallel { "run in parallel" } else { "run sequentially" } }</span>
                </p>
                <p>{ &verdict.simulated }</p>
                <p data-testid="scaling-shape">{ curve_shapes(&report) }</p>
                if let Some(threads) = verdict.simulated_break_even {
                    <p>{ format!("In the simulation the free-threaded build catches up from {threads} thread{}.", if threads == 1 { "" } else { "s" }) }</p>
                } else {
                    <p>{ "In the simulation the free-threaded build never catches up with the GIL build." }</p>
                }
                <ul>
                    { for verdict.veto_reasons.iter().map(|reason| html! { <li>{ reason }</li> }) }
                    { for verdict.migration_reasons.iter().map(|reason| html! { <li>{ reason }</li> }) }
                </ul>
            </div>
        </>
    }
}

/// How each build's throughput at the chosen thread count compares with one thread, and what
/// makes it slower when it is.
fn curve_shapes(report: &ScalingReport) -> String {
    let params = &report.params;
    let (Some(first), Some(at)) = (
        report.points.first(),
        report
            .points
            .iter()
            .find(|point| point.threads == params.threads),
    ) else {
        return String::new();
    };
    let shape = |name: &str, one: f64, now: f64, cause: Option<&str>| {
        let ratio = now / one.max(f64::MIN_POSITIVE);
        if ratio < 0.95 {
            format!(
                "{name}: {ratio:.2}x one thread's throughput at {} threads, slower than one thread{}.",
                params.threads,
                cause.map_or(String::new(), |cause| format!(": {cause}"))
            )
        } else {
            format!(
                "{name}: {ratio:.2}x one thread's throughput at {} threads.",
                params.threads
            )
        }
    };
    let sharing =
        (params.shared_fraction > 0.0).then_some("contention on the objects every thread touches");
    let convoy = if params.gil_releases_per_item > 0 {
        "each GIL release with threads waiting hands the GIL over"
    } else {
        "every hand-off of the GIL from one thread to the next costs time"
    };
    format!(
        "{} {}",
        shape(
            &params.build,
            first.free_threaded,
            at.free_threaded,
            sharing
        ),
        shape("GIL build", first.gil, at.gil, Some(convoy))
    )
}

/// The numbers under the throughput chart.
fn summary(report: &ScalingReport) -> String {
    let best = |gil: bool| {
        report
            .points
            .iter()
            .map(|point| {
                let value = if gil { point.gil } else { point.free_threaded };
                (point.threads, value)
            })
            .fold(
                (1, 0.0),
                |best, point| if point.1 > best.1 { point } else { best },
            )
    };
    let (gil_threads, gil) = best(true);
    let (free_threads, free) = best(false);
    let fit = match &report.fit {
        Ok(fit) => format!(
            "; USL fit σ = {:.4}, κ = {:.5}, recommended {} threads{}",
            fit.sigma,
            fit.kappa,
            fit.recommended_threads,
            fit.cliff_threads
                .map_or(String::new(), |cliff| format!(", cliff after {cliff}"))
        ),
        Err(reason) => format!("; no USL fit: {reason}"),
    };
    format!(
        "Peak: GIL build {gil:.0} items/s at {gil_threads} threads, {} {free:.0} items/s at {free_threads} threads{fit}",
        report.params.build
    )
}

fn lab(props: &ScalingPanelProps) -> Html {
    let run = props.on_run_lab.reform(|_: MouseEvent| ());
    let cancel = props.on_cancel_lab.reform(|_: MouseEvent| ());
    let running = matches!(props.state.lab, LabView::Running { .. });
    let (points, summary): (Vec<_>, Option<Rc<LabSummary>>) = match &props.state.lab {
        LabView::Running { points, .. } => (points.clone(), None),
        LabView::Finished(summary) => (summary.points.clone(), Some(summary.clone())),
        LabView::Idle | LabView::Failed => (Vec::new(), None),
    };
    let status = match &props.state.lab {
        LabView::Idle => {
            "Times a CPU-bound kernel on this browser's worker pool at 1, 2, … threads.".to_owned()
        }
        LabView::Running {
            points, planned, ..
        } => match points.last() {
            Some(point) => format!(
                "measuring… {} of {planned} repetitions done (last: {} thread{}, {:.1} ms)",
                points.len(),
                point.threads,
                if point.threads == 1 { "" } else { "s" },
                point.elapsed_ms
            ),
            None => "measuring… warming up".to_owned(),
        },
        LabView::Finished(summary) if summary.cancelled => {
            format!("cancelled after {} repetitions", summary.points.len())
        }
        LabView::Finished(summary) => {
            let best = summary
                .means
                .iter()
                .map(|mean| mean.speedup)
                .fold(1.0, f64::max);
            format!(
                "done: {} repetitions, best speed-up {best:.2}x over 1 thread",
                summary.points.len()
            )
        }
        LabView::Failed => "the worker was lost during the run".to_owned(),
    };
    html! {
        <div class="scaling-lab" data-testid="lab">
            <div class="panel-title">
                <h3>{ "Measured lab" }</h3>
                if running {
                    <button data-testid="lab-cancel" onclick={cancel}>{ "Cancel" }</button>
                } else {
                    <button data-testid="lab-run" onclick={run} disabled={!props.worker_ready}>{ "Run the lab" }</button>
                }
            </div>
            <p data-testid="lab-status" class="muted">{ status }</p>
            <p class="muted">
                { "Each thread count splits one fixed job into that many chunks on the worker's rayon pool (a Web Worker per thread); it measures up to navigator.hardwareConcurrency threads. " }
                { "A USL fit needs 3 or more thread counts, so on a 2-core machine only the points and the speed-up are shown." }
            </p>
            <div class="scaling-lab-body">
                <Chart data={ChartData::Lab(points, summary.clone())} testid="lab-chart"
                    label="Measured throughput against threads" />
                if let Some(summary) = summary {
                    <div>
                        <table class="scaling-lab-table">
                            <thead><tr><th>{ "threads" }</th><th>{ "M it/s" }</th><th>{ "speed-up" }</th></tr></thead>
                            <tbody>
                                { for summary.means.iter().map(|mean| html! {
                                    <tr data-testid="lab-point" data-threads={mean.threads.to_string()}>
                                        <td>{ mean.threads }</td>
                                        <td>{ format!("{:.1}", mean.throughput) }</td>
                                        <td data-testid="lab-speedup">{ format!("{:.2}x", mean.speedup) }</td>
                                    </tr>
                                }) }
                            </tbody>
                        </table>
                        <p data-testid="lab-fit" class="muted">{ match &summary.fit {
                            Ok(fit) => format!("USL fit: σ = {:.3}, κ = {:.4}, recommended {} threads, R² = {:.3}", fit.sigma, fit.kappa, fit.recommended_threads, fit.r_squared),
                            Err(reason) => reason.clone(),
                        } }</p>
                    </div>
                }
            </div>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stepped_sliders_find_the_nearest_step() {
        assert_eq!(step_position(&SHARED_FRACTIONS, 0.0), 0);
        assert_eq!(step_position(&SHARED_FRACTIONS, 0.011), 4);
        assert_eq!(step_at(&SHARED_FRACTIONS, 4.0), 0.01);
        assert_eq!(step_position(&GIL_RELEASES, 30.0), 5);
        assert_eq!(step_at(&GIL_RELEASES, 99.0), 1000);
        assert_eq!(step_at(&GIL_RELEASES, -1.0), 0);
    }

    #[test]
    fn log_sliders_round_trip() {
        assert_eq!(log_value(0, true), 0.0);
        assert_eq!(log_value(0, false), 1.0);
        assert_eq!(log_value(30, false), 1000.0);
        assert_eq!(log_position(1000.0, false), 30);
        assert_eq!(log_position(0.0, true), 0);
        assert_eq!(log_position(1e12, false), LOG_STEPS);
    }
}
