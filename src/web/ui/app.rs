//! The page: header, editor with gutter, status bar, the diagnostics of the latest analysis and
//! the advice panel.

use std::rc::Rc;

use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::advice_form::AdviceForm;
use super::components::ScalingPanel;
use super::components::{
    AdvicePanel, DiagnosticList, Editor, ErrorBanner, Header, LineMarkers, RulesAction, RulesPanel,
    StatusBar, line_height_px, line_markers, use_rules_view,
};
use super::examples::EXAMPLES;
use super::hooks::use_analysis;
use super::state::WorkerStatus;
use super::{storage, text};
use crate::workload_estimate::{ScalingParams, WorkloadEstimate};
use crate::{Diagnostic, Location};

#[function_component]
pub fn App() -> Html {
    let initial_source = use_memo((), |_| {
        storage::load_source().unwrap_or_else(|| EXAMPLES[0].source.to_owned())
    });
    let line_count = use_state(|| text::line_count(&initial_source));
    let textarea = use_node_ref();
    let analysis = use_analysis();
    let rules = use_rules_view();
    let advice_form = use_state(|| AdviceForm::new(hardware_concurrency()));
    let scaling_open = use_state(|| false);
    let scaling_params = use_state(|| {
        ScalingParams::from_estimate(&WorkloadEstimate::default(), hardware_concurrency())
    });
    {
        // The Scaling view simulates only while it is open.
        let simulate = analysis.simulate.clone();
        use_effect_with(
            ((*scaling_params).clone(), *scaling_open),
            move |(params, open)| simulate.emit(open.then(|| params.clone())),
        );
    }
    {
        // Each workload estimated from the text moves the sliders once.
        let scaling_params = scaling_params.clone();
        use_effect_with(analysis.state.scaling.estimated.clone(), move |estimated| {
            if let Some((_, params)) = estimated {
                scaling_params.set(params.clone());
            }
        });
    }

    {
        let analyze = analysis.analyze.clone();
        let initial_source = initial_source.clone();
        use_effect_with((), move |_| analyze.emit((*initial_source).clone()));
    }

    {
        // Every change of the settings (and the first render) asks the worker for new advice.
        let advise = analysis.advise.clone();
        use_effect_with((*advice_form).clone(), move |form| {
            advise.emit((form.settings(), form.points.clone()))
        });
    }
    let on_form = {
        let advice_form = advice_form.clone();
        Callback::from(move |form: AdviceForm| advice_form.set(form))
    };

    let on_edit = {
        let line_count = line_count.clone();
        let analyze = analysis.analyze.clone();
        Callback::from(move |source: String| {
            storage::save_source(&source);
            line_count.set(text::line_count(&source));
            analyze.emit(source);
        })
    };

    // Replaces the editor text with an example (the menu's or a rule's "Try it").
    let load_source = {
        let textarea = textarea.clone();
        let on_edit = on_edit.clone();
        Callback::from(move |source: String| {
            if let Some(textarea) = textarea.cast::<HtmlTextAreaElement>() {
                textarea.set_value(&source);
                on_edit.emit(source);
            }
        })
    };
    let on_rules = {
        let dispatcher = rules.dispatcher();
        Callback::from(move |action: RulesAction| dispatcher.dispatch(action))
    };

    let on_example = {
        let load_source = load_source.clone();
        Callback::from(move |event: Event| {
            let select = event.target_unchecked_into::<HtmlSelectElement>();
            let Some(example) = select
                .value()
                .parse::<usize>()
                .ok()
                .and_then(|i| EXAMPLES.get(i))
            else {
                return;
            };
            load_source.emit(example.source.to_owned());
            select.set_value("");
        })
    };

    let on_select = {
        let textarea = textarea.clone();
        Callback::from(move |(start, end): (Location, Location)| {
            if let Some(textarea) = textarea.cast::<HtmlTextAreaElement>() {
                select_range(&textarea, start, end);
            }
        })
    };
    let on_select_diagnostic =
        on_select.reform(|diagnostic: Diagnostic| (diagnostic.location, diagnostic.end_location));

    let state = &*analysis.state;
    let markers: Rc<LineMarkers> = {
        let diagnostics = state
            .result
            .as_ref()
            .map(|result| result.diagnostics.clone());
        use_memo(diagnostics, |diagnostics| {
            diagnostics
                .as_deref()
                .map(|diagnostics| line_markers(diagnostics))
                .unwrap_or_default()
        })
    };

    html! {
        <div class="page">
            <Header>
                <button
                    type="button"
                    class="rules-toggle"
                    data-testid="rules-toggle"
                    aria-pressed={rules.open.to_string()}
                    onclick={on_rules.reform({
                        let open = rules.open;
                        move |_: MouseEvent| RulesAction::SetOpen(!open)
                    })}
                >
                    { "Rules" }
                </button>
            </Header>
            if let Some(message) = &state.error {
                <ErrorBanner message={message.clone()} on_dismiss={analysis.dismiss_error.clone()} />
            }
            <main class="workspace">
                <section class="editor-panel">
                    <div class="toolbar">
                        <label>
                            { "Load example " }
                            <select onchange={on_example} aria-label="Load an example">
                                <option value="" selected=true>{ "choose…" }</option>
                                { for EXAMPLES.iter().enumerate().map(|(index, example)| html! {
                                    <option value={index.to_string()}>{ example.name }</option>
                                }) }
                            </select>
                        </label>
                    </div>
                    <Editor
                        initial_source={AttrValue::from((*initial_source).clone())}
                        line_count={*line_count}
                        {markers}
                        textarea={textarea}
                        on_input={on_edit}
                    />
                </section>
                <section class="results-panel">
                    <StatusBar state={state.clone()} />
                    <DiagnosticList
                        diagnostics={state.result.as_ref().map(|result| result.diagnostics.clone())}
                        too_large={state.too_large}
                        on_select={on_select_diagnostic}
                        on_rule={on_rules.reform(RulesAction::Show)}
                    />
                </section>
                <AdvicePanel
                    form={(*advice_form).clone()}
                    {on_form}
                    advice={state.advice.clone()}
                    {on_select}
                />
            </main>
            <section class="scaling-view">
                <button
                    type="button"
                    class="scaling-toggle"
                    data-testid="scaling-toggle"
                    aria-pressed={scaling_open.to_string()}
                    onclick={{
                        let scaling_open = scaling_open.clone();
                        move |_: MouseEvent| scaling_open.set(!*scaling_open)
                    }}
                >
                    { if *scaling_open { "Hide the Scaling view" } else { "Scaling: simulate and measure threads" } }
                </button>
                if *scaling_open {
                    <ScalingPanel
                        params={(*scaling_params).clone()}
                        on_params={{
                            let scaling_params = scaling_params.clone();
                            Callback::from(move |params| scaling_params.set(params))
                        }}
                        state={state.scaling.clone()}
                        worker_ready={matches!(state.worker, WorkerStatus::Ready { .. })}
                        on_run_lab={analysis.run_lab.clone()}
                        on_cancel_lab={analysis.cancel_lab.clone()}
                    />
                }
            </section>
            <RulesPanel view={(*rules).clone()} on_action={on_rules} on_try={load_source} />
        </div>
    }
}

/// The page's logical processors, the default for cores and threads.
fn hardware_concurrency() -> u32 {
    web_sys::window()
        .map(|window| window.navigator().hardware_concurrency())
        .filter(|cores| cores.is_finite() && *cores >= 1.0)
        .map_or(1, |cores| cores as u32)
}

/// Selects a range (of a diagnostic or a call site) in the editor and scrolls its line into the
/// middle.
fn select_range(textarea: &HtmlTextAreaElement, from: Location, to: Location) {
    let source = textarea.value();
    let start = text::utf16_offset(&source, from);
    let end = text::utf16_offset(&source, to).max(start);
    let _ = textarea.focus();
    let _ = textarea.set_selection_range(start, end);
    let line_height = line_height_px(textarea);
    let row = from.row.saturating_sub(1) as f64;
    let top = row * line_height - f64::from(textarea.client_height()) / 2.0;
    textarea.set_scroll_top(top.max(0.0) as i32);
}
