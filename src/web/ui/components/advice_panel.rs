//! The Advice panel: settings, the migration verdict, the veto on each parallel call site and a
//! USL fit of pasted measurements. It only renders what the worker computed.

use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::Location;
use crate::advice::{Advice, CallSiteAdvice, MigrationView, UslView};
use crate::web::ui::advice_form::{AdviceForm, BuildChoice, WorkloadMode};
use crate::web::ui::state::AdviceResult;

#[derive(PartialEq, Properties)]
pub struct AdvicePanelProps {
    /// The form's fields; the app owns them and sends them to the worker.
    pub form: AdviceForm,
    pub on_form: Callback<AdviceForm>,
    /// `None` until the worker first answers.
    pub advice: Option<AdviceResult>,
    /// Selects a range of the editor.
    pub on_select: Callback<(Location, Location)>,
}

#[function_component]
pub fn AdvicePanel(props: &AdvicePanelProps) -> Html {
    let form = &props.form;
    // One callback per field: `update` gets the new value and changes its field.
    let field = |update: fn(&mut AdviceForm, String)| {
        let form = form.clone();
        let on_form = props.on_form.clone();
        Callback::from(move |value: String| {
            let mut next = form.clone();
            update(&mut next, value);
            on_form.emit(next);
        })
    };
    let input = |update| {
        field(update)
            .reform(|event: InputEvent| event.target_unchecked_into::<HtmlInputElement>().value())
    };
    let select = |update| {
        field(update)
            .reform(|event: Event| event.target_unchecked_into::<HtmlSelectElement>().value())
    };
    let on_points = field(|form, value| form.points = value)
        .reform(|event: InputEvent| event.target_unchecked_into::<HtmlTextAreaElement>().value());

    let (value_label, value, value_testid, on_value) = match form.mode {
        WorkloadMode::ParallelFraction => (
            "parallel fraction p",
            form.parallel_fraction.clone(),
            "advice-parallel-fraction",
            input(|form, value| form.parallel_fraction = value),
        ),
        WorkloadMode::BlockingRatio => (
            "blocking ratio",
            form.blocking_ratio.clone(),
            "advice-blocking-ratio",
            input(|form, value| form.blocking_ratio = value),
        ),
    };

    let advice = props.advice.as_ref();
    html! {
        <section class="advice-panel" data-testid="advice-panel" aria-label="Advice">
            <div class="panel-title">
                <h2>{ "Advice" }</h2>
                if let Some(result) = advice {
                    <span data-testid="advice-time">{ format!("computed in {:.1} ms", result.elapsed_ms) }</span>
                }
            </div>
            <div class="advice-settings">
                <label>
                    <span>{ "build" }</span>
                    <select data-testid="advice-build" onchange={select(|form, value| {
                        form.build = BuildChoice::from_value(&value).unwrap_or(form.build);
                    })}>
                        { for BuildChoice::ALL.into_iter().map(|choice| html! {
                            <option value={choice.value()} selected={choice == form.build}>{ choice.label() }</option>
                        }) }
                    </select>
                </label>
                if form.build == BuildChoice::Custom {
                    <label title="single-thread slowdown of the free-threaded build: 0.08 means 8% slower">
                        <span>{ "overhead r" }</span>
                        <input data-testid="advice-overhead" inputmode="decimal" value={form.overhead.clone()}
                            oninput={input(|form, value| form.overhead = value)} />
                    </label>
                }
                <label>
                    <span>{ "cores" }</span>
                    <input data-testid="advice-cores" type="number" min="1" value={form.cores.clone()}
                        oninput={input(|form, value| form.cores = value)} />
                </label>
                <label>
                    <span>{ "threads" }</span>
                    <input data-testid="advice-threads" type="number" min="1" value={form.threads.clone()}
                        oninput={input(|form, value| form.threads = value)} />
                </label>
                <label class="wide">
                    <span>{ "workload" }</span>
                    <select data-testid="advice-workload" onchange={select(|form, value| {
                        form.mode = WorkloadMode::from_value(&value).unwrap_or(form.mode);
                    })}>
                        { for WorkloadMode::ALL.into_iter().map(|mode| html! {
                            <option value={mode.value()} selected={mode == form.mode}>{ mode.label() }</option>
                        }) }
                    </select>
                </label>
                <label>
                    <span>{ value_label }</span>
                    <input data-testid={value_testid} inputmode="decimal" {value} oninput={on_value} />
                </label>
            </div>
            <div class="advice-body">
                { match advice {
                    None => html! { <p class="notice">{ "Waiting for the first advice…" }</p> },
                    Some(result) => html! {
                        <>
                            { migration(&result.advice) }
                            { call_sites(&result.advice, &props.on_select) }
                        </>
                    },
                } }
                <h3>{ "Measured scaling (USL fit)" }</h3>
                <textarea
                    class="usl-points"
                    data-testid="usl-points"
                    aria-label="Measurements: threads,throughput per line"
                    placeholder={"threads,throughput\n1,100\n2,190\n4,340\n8,520"}
                    rows="4"
                    spellcheck="false"
                    value={form.points.clone()}
                    oninput={on_points}
                />
                { usl(advice.map(|result| &*result.advice)) }
            </div>
        </section>
    }
}

fn migration(advice: &Advice) -> Html {
    match &advice.migration {
        Err(message) => html! {
            <>
                <h3>{ "Migration" }</h3>
                <p class="notice notice-warning" data-testid="advice-verdict">{ message.clone() }</p>
            </>
        },
        Ok(view) => {
            let MigrationView {
                verdict,
                headline,
                break_even_threads,
                speedup_at_threads,
                reasons,
                ..
            } = view;
            let break_even = match break_even_threads {
                Some(1) => {
                    "The free-threaded build is at least as fast from 1 thread on.".to_owned()
                }
                Some(threads) => format!(
                    "The free-threaded build breaks even at {threads} threads; below that the GIL build is faster."
                ),
                None => {
                    "The free-threaded build never catches up with the GIL build here.".to_owned()
                }
            };
            html! {
                <>
                    <h3>{ "Migration" }</h3>
                    <p class={classes!("verdict", format!("verdict-{verdict}"))} data-testid="advice-verdict">
                        { format!("Verdict: {headline}") }
                        <span class="verdict-ratio">{ format!(" ({speedup_at_threads:.2}× the GIL build at the planned threads)") }</span>
                    </p>
                    <p data-testid="advice-break-even">{ break_even }</p>
                    <details class="advice-reasons">
                        <summary>{ "Why" }</summary>
                        <ul>{ for reasons.iter().map(|reason| html! { <li>{ reason.clone() }</li> }) }</ul>
                    </details>
                </>
            }
        }
    }
}

fn call_sites(advice: &Advice, on_select: &Callback<(Location, Location)>) -> Html {
    let body = if let Some(skipped) = &advice.call_sites_skipped {
        html! { <p class="notice notice-warning">{ skipped.clone() }</p> }
    } else if advice.call_sites.is_empty() {
        html! {
            <p class="notice" data-testid="no-call-sites">
                { "No ThreadPoolExecutor.map/submit or threading.Thread(target=…) calls in the code." }
            </p>
        }
    } else {
        html! {
            <ol class="call-sites">
                { for advice.call_sites.iter().map(|site| call_site(site, on_select)) }
            </ol>
        }
    };
    html! {
        <>
            <h3>{ "Parallel call sites" }</h3>
            { body }
        </>
    }
}

fn call_site(advice: &CallSiteAdvice, on_select: &Callback<(Location, Location)>) -> Html {
    let site = &advice.site;
    let on_click = {
        let range = (site.location, site.end_location);
        on_select.reform(move |_: MouseEvent| range)
    };
    let target = site.target.as_deref().unwrap_or("…");
    let items = match site.items {
        Some(1) => "1 item".to_owned(),
        Some(items) => format!("{items} items"),
        None => "items unknown".to_owned(),
    };
    let decision = if advice.parallel {
        "parallel"
    } else {
        "sequential"
    };
    html! {
        <li class={classes!("call-site", format!("decision-{decision}"))}>
            <button type="button" data-testid="call-site" data-line={site.location.row.to_string()} onclick={on_click}>
                <span class="position">{ format!("{}:{}", site.location.row, site.location.column) }</span>
                <span class="call">{ format!("{}({target})", site.kind.label()) }</span>
                <span class="decision" data-testid="call-site-decision">{ decision }</span>
                <span class="facts">{ format!("{items} · judged at {} threads", advice.threads) }</span>
            </button>
            if !advice.reasons.is_empty() {
                <ul class="veto-reasons">
                    { for advice.reasons.iter().map(|reason| html! {
                        <li data-testid="veto-reason">
                            <span class="code">{ reason.code.clone() }</span>
                            { " " }
                            <span class="message">{ reason.message.clone() }</span>
                        </li>
                    }) }
                </ul>
            }
        </li>
    }
}

fn usl(advice: Option<&Advice>) -> Html {
    match advice.and_then(|advice| advice.usl.as_ref()) {
        None => html! {
            <p class="notice hint">{ "Paste threads,throughput lines (3 or more thread counts) to fit the Universal Scalability Law." }</p>
        },
        Some(Err(message)) => html! {
            <p class="notice notice-warning" data-testid="usl-result">{ format!("No fit: {message}") }</p>
        },
        Some(Ok(view)) => usl_fit(view),
    }
}

fn usl_fit(view: &UslView) -> Html {
    let peak = match (view.peak_threads, view.peak_throughput) {
        (Some(threads), Some(throughput)) => {
            format!("peak at {threads:.1} threads ({throughput:.4} throughput)")
        }
        (None, Some(roof)) => format!("no peak: throughput approaches {roof:.4}"),
        _ => "no peak: scales linearly".to_owned(),
    };
    html! {
        <div class="usl-result" data-testid="usl-result">
            <p>
                { format!("σ (contention) = {:.4}, κ (coherency) = {:.6}; {peak}; R² = {:.3}.", view.sigma, view.kappa, view.r_squared) }
            </p>
            <p class="recommended">
                { "Recommended: " }<strong data-testid="usl-recommended">{ view.recommended_threads }</strong>
                { if view.recommended_threads == 1 { " thread" } else { " threads" } }
                if let Some(cliff) = view.cliff_threads {
                    { format!("; throughput falls past {cliff} threads") }
                }
            </p>
            if !view.notes.is_empty() {
                <ul class="notes">{ for view.notes.iter().map(|note| html! { <li>{ note.clone() }</li> }) }</ul>
            }
        </div>
    }
}
