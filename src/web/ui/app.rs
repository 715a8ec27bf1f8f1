//! The page: header with the menus, the editor, the diagnostics, the Advice panel, the Scaling
//! view and the side panels (Rules, Report), plus the state that links and autosave carry.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::advice_form::AdviceForm;
use super::components::{
    AdvicePanel, DiagnosticList, Editor, EditorCallbacks, EditorHandle, ErrorBanner, FixDialog,
    Header, ReportPanel, RulesAction, RulesPanel, ScalingPanel, SharePanel, ShareView, StatusBar,
    Tour, copy_and_report, use_rules_view,
};
use super::examples::{EXAMPLES, Example};
use super::hooks::{use_analysis, use_theme, use_window_event, use_window_keydown};
use super::state::{AnalysisState, WorkerStatus};
use super::{startup, storage, tour};
use crate::web::share::{self, SharedState, SidePanel};
use crate::workload_estimate::{ScalingParams, WorkloadEstimate};
use crate::{Diagnostic, Location};

/// Edits and settings are saved this long after the last change.
const AUTOSAVE_MS: u32 = 500;

/// The example loaded in the editor, and which of its versions.
#[derive(Clone, Copy, PartialEq)]
struct LoadedExample {
    example: &'static Example,
    fixed: bool,
}

#[function_component]
pub fn App() -> Html {
    let start = use_memo((), |_| {
        startup::choose(&location_hash(), hardware_concurrency())
    });
    let editor = use_memo((), |_| EditorHandle::default());
    let analysis = {
        let reader = (*editor).clone();
        let view = (*editor).clone();
        use_analysis(
            Rc::new(move || reader.text()),
            Rc::new(move |diagnostics| view.set_diagnostics(diagnostics)),
        )
    };
    let rules = use_rules_view();
    let advice_form = use_state(|| AdviceForm::from_fields(&start.state.advice));
    let library = use_state(|| start.state.library);
    let report_open = use_state(|| start.state.panel == Some(SidePanel::Report));
    let scaling_open = use_state(|| start.state.scaling.is_some());
    let scaling_params = use_state(|| {
        let defaults =
            ScalingParams::from_estimate(&WorkloadEstimate::default(), hardware_concurrency());
        startup::scaling_params(start.state.scaling.as_ref(), defaults)
    });
    let notice = use_state(|| start.notice.clone());
    let fix = use_state(|| None::<Diagnostic>);
    let share = use_state(|| None::<ShareView>);
    let tour_step = use_state(|| None::<usize>);
    let example = use_state(|| None::<LoadedExample>);
    let autosave = use_mut_ref(|| None::<PendingSave>);
    let theme = use_theme();

    // Everything a link or the autosave keeps, read now.
    let current_state = {
        let editor = editor.clone();
        let advice_form = advice_form.clone();
        let library = *library;
        let rules = (*rules).clone();
        let report_open = *report_open;
        let scaling = (*scaling_open).then(|| (*scaling_params).clone());
        Rc::new(move || SharedState {
            code: editor.text().unwrap_or_default(),
            advice: advice_form.fields(),
            library,
            panel: if rules.open {
                Some(SidePanel::Rules)
            } else if report_open {
                Some(SidePanel::Report)
            } else {
                None
            },
            rule: rules.expanded.map(str::to_owned),
            scaling: scaling
                .as_ref()
                .map(|params| serde_json::to_value(params).expect("scaling parameters serialize")),
            cursor: editor.cursor(),
        })
    };
    let schedule_save = {
        let current_state = current_state.clone();
        let autosave = autosave.clone();
        Callback::from(move |()| {
            let timer = {
                let autosave = autosave.clone();
                Timeout::new(AUTOSAVE_MS, move || save_pending(&autosave))
            };
            *autosave.borrow_mut() = Some((timer, current_state.clone()));
        })
    };
    {
        // Leaving the page saves what the timer has not saved yet.
        let autosave = autosave.clone();
        use_window_event("pagehide", move || save_pending(&autosave));
    }

    // Applies a whole state: a link opened in this tab, or the work a link replaced.
    let apply_state = {
        let editor = editor.clone();
        let advice_form = advice_form.clone();
        let library = library.clone();
        let rules = rules.dispatcher();
        let report_open = report_open.clone();
        let scaling_open = scaling_open.clone();
        let scaling_params = scaling_params.clone();
        let keep_sliders = analysis.keep_sliders.clone();
        Callback::from(move |(state, set_text): (SharedState, bool)| {
            if set_text {
                editor.set_text(&state.code);
            }
            advice_form.set(AdviceForm::from_fields(&state.advice));
            library.set(state.library);
            let rule = state.rule.as_deref().and_then(crate::detector::find_rule);
            match (state.panel, rule) {
                (Some(SidePanel::Rules), Some(rule)) => {
                    rules.dispatch(RulesAction::Show(rule.code))
                }
                (Some(SidePanel::Rules), None) => rules.dispatch(RulesAction::SetOpen(true)),
                // On opening, a `#rule=` link may have opened the panel: leave it.
                _ if !set_text => {}
                _ => rules.dispatch(RulesAction::SetOpen(false)),
            }
            report_open.set(state.panel == Some(SidePanel::Report));
            if let Some(scaling) = &state.scaling {
                keep_sliders.emit(());
                scaling_params.set(startup::scaling_params(
                    Some(scaling),
                    (*scaling_params).clone(),
                ));
            }
            scaling_open.set(state.scaling.is_some());
            if let Some(cursor) = state.cursor {
                editor.select(cursor, cursor);
            }
        })
    };

    {
        // Once the editor is mounted: the rest of the starting state, and the first analysis.
        let apply_state = apply_state.clone();
        let analyze = analysis.analyze.clone();
        let start = start.clone();
        use_effect_with((), move |_| {
            apply_state.emit((start.state.clone(), false));
            analyze.emit(());
            if start.from_link {
                // The state now lives in the autosave; a reload shows it with later edits.
                storage::save_state(&start.state);
                clear_location_hash();
            }
        });
    }
    {
        // A share link opened in this tab replaces the work, which stays restorable.
        let apply_state = apply_state.clone();
        let current_state = current_state.clone();
        let notice = notice.clone();
        use_window_event(
            "hashchange",
            move || match share::decode(&location_hash()) {
                Ok(None) => {}
                Ok(Some(state)) => {
                    storage::save_previous(&current_state());
                    storage::save_state(&state);
                    apply_state.emit((state, true));
                    notice.set(Some(startup::Notice::Replaced));
                    clear_location_hash();
                }
                Err(error) => notice.set(Some(startup::Notice::BadLink(error.to_string()))),
            },
        );
    }

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
        // Every change of the settings (and the first render) asks the worker for new advice.
        let advise = analysis.advise.clone();
        use_effect_with((*advice_form).clone(), move |form| {
            advise.emit((form.settings(), form.points.clone()))
        });
    }
    {
        let set_library = analysis.library.clone();
        use_effect_with(*library, move |library| set_library.emit(*library));
    }
    {
        // The Report follows the text while its panel is open.
        let report = analysis.report.clone();
        use_effect_with(*report_open, move |open| report.emit(*open));
    }
    {
        // Settings, panels and sliders are saved like the text.
        let schedule_save = schedule_save.clone();
        use_effect_with(
            (
                (*advice_form).clone(),
                *library,
                (*rules).clone(),
                *report_open,
                *scaling_open,
                (*scaling_params).clone(),
            ),
            move |_| schedule_save.emit(()),
        );
    }
    {
        let editor = editor.clone();
        use_effect_with(theme.dark, move |dark| editor.set_dark(*dark));
    }

    // The callbacks that the findings list, the Advice panel and the Rules panel take are made
    // once (use_callback), so those components skip re-rendering when only other state changed.
    let on_rules = use_callback(
        (rules.dispatcher(), report_open.setter()),
        |action: RulesAction, (dispatcher, set_report_open)| {
            if matches!(action, RulesAction::Show(_) | RulesAction::SetOpen(true)) {
                set_report_open.set(false);
            }
            dispatcher.dispatch(action)
        },
    );
    let show_rule = use_callback(on_rules.clone(), |code, on_rules| {
        on_rules.emit(RulesAction::Show(code))
    });
    let set_report = {
        let report_open = report_open.clone();
        let on_rules = on_rules.clone();
        Callback::from(move |open: bool| {
            if open {
                on_rules.emit(RulesAction::SetOpen(false));
            }
            report_open.set(open);
        })
    };

    let on_change = {
        let analyze = analysis.analyze.clone();
        let schedule_save = schedule_save.clone();
        Callback::from(move |()| {
            analyze.emit(());
            schedule_save.emit(());
        })
    };
    let diagnostics = analysis
        .state
        .result
        .as_ref()
        .map(|result| result.diagnostics.clone());
    let show_fix = {
        let fix = fix.clone();
        let diagnostics = diagnostics.clone();
        Callback::from(move |index: usize| {
            fix.set(diagnostics.as_ref().and_then(|all| all.get(index)).cloned())
        })
    };
    let editor_callbacks = EditorCallbacks {
        on_change: on_change.clone(),
        on_rule: show_rule.clone(),
        on_fix: show_fix,
    };

    // Replaces the editor text (the examples menu, a rule's "Try it", the tour).
    let load_source = use_callback((*editor).clone(), |source: String, editor| {
        editor.set_text(&source)
    });
    let load_example = {
        let load_source = load_source.clone();
        let example = example.clone();
        Callback::from(move |loaded: LoadedExample| {
            let source = if loaded.fixed {
                loaded.example.fixed
            } else {
                loaded.example.source
            };
            load_source.emit(source.to_owned());
            example.set(Some(loaded));
        })
    };
    let on_example = {
        let load_example = load_example.clone();
        Callback::from(move |event: Event| {
            let select = event.target_unchecked_into::<HtmlSelectElement>();
            if let Some(found) = super::examples::find(&select.value()) {
                load_example.emit(LoadedExample {
                    example: found,
                    fixed: false,
                });
            }
            select.set_value("");
        })
    };

    let on_select = use_callback((*editor).clone(), |(start, end), editor| {
        editor.select(start, end)
    });
    let on_select_diagnostic = use_callback((*editor).clone(), |diagnostic: Diagnostic, editor| {
        editor.select(diagnostic.location, diagnostic.end_location)
    });
    let on_fix = use_callback(fix.setter(), |diagnostic, set_fix| {
        set_fix.set(Some(diagnostic))
    });
    let on_advice_form = use_callback(advice_form.setter(), |form, set_form| set_form.set(form));

    let rerun_simulation = {
        let scaling_open = scaling_open.clone();
        let simulate = analysis.simulate.clone();
        let scaling_params = scaling_params.clone();
        Callback::from(move |()| {
            scaling_open.set(true);
            simulate.emit(Some((*scaling_params).clone()));
        })
    };
    // Puts the whole state in the address bar and opens the Share panel with it.
    let open_share = {
        let current_state = current_state.clone();
        let share = share.clone();
        let diagnostics = diagnostics.clone();
        Callback::from(move |copy: bool| {
            let state = current_state();
            let fragment = share::encode(&state);
            set_location_hash(&fragment);
            let link = share_url(&fragment);
            let markdown = share::markdown_summary(
                &state.code,
                diagnostics.as_deref().map_or(&[], Vec::as_slice),
                &link,
            );
            if copy {
                let share = share.clone();
                let view = ShareView {
                    link: link.clone(),
                    markdown: markdown.clone(),
                    status: None,
                };
                copy_and_report(
                    link.clone(),
                    "Link",
                    Callback::from(move |status| {
                        share.set(Some(ShareView {
                            status: Some(status),
                            ..view.clone()
                        }))
                    }),
                );
            }
            share.set(Some(ShareView {
                link,
                markdown,
                status: None,
            }));
        })
    };
    let copy_link = open_share.reform(|()| true);
    let close_topmost = {
        let fix = fix.clone();
        let tour_step = tour_step.clone();
        let share = share.clone();
        let on_rules = on_rules.clone();
        let set_report = set_report.clone();
        let rules_open = rules.open;
        let report_open = *report_open;
        Callback::from(move |()| {
            if fix.is_some() {
                fix.set(None);
            } else if tour_step.is_some() {
                tour_step.set(None);
            } else if share.is_some() {
                share.set(None);
            } else if rules_open {
                on_rules.emit(RulesAction::SetOpen(false));
            } else if report_open {
                set_report.emit(false);
            }
        })
    };
    use_window_keydown(true, {
        let copy_link = copy_link.clone();
        let rerun_simulation = rerun_simulation.clone();
        move |event: KeyboardEvent| {
            if !(event.ctrl_key() || event.meta_key()) {
                return;
            }
            let shortcut = match event.key().as_str() {
                "s" | "S" => &copy_link,
                "Enter" => &rerun_simulation,
                _ => return,
            };
            event.prevent_default();
            event.stop_propagation();
            shortcut.emit(());
        }
    });
    use_window_keydown(false, {
        let close_topmost = close_topmost.clone();
        move |event: KeyboardEvent| {
            // The editor uses Escape itself (search, completions) and marks it handled.
            if event.key() == "Escape" && !event.default_prevented() {
                close_topmost.emit(());
            }
        }
    });

    let tour_action = {
        let load_example = load_example.clone();
        let scaling_open = scaling_open.clone();
        let scaling_params = scaling_params.clone();
        let keep_sliders = analysis.keep_sliders.clone();
        let on_rules = on_rules.clone();
        Callback::from(move |action: tour::Action| match action {
            tour::Action::Example { id, fixed } => {
                if let Some(found) = super::examples::find(id) {
                    load_example.emit(LoadedExample {
                        example: found,
                        fixed,
                    });
                }
            }
            tour::Action::Rule(code) => on_rules.emit(RulesAction::Show(code)),
            tour::Action::Scaling(workload) => {
                keep_sliders.emit(());
                scaling_params.set(workload.apply((*scaling_params).clone()));
                scaling_open.set(true);
            }
        })
    };

    let state: &AnalysisState = &analysis.state;
    let loaded = *example;
    html! {
        <div class="page">
            <Header
                dark={theme.dark}
                on_theme={theme.toggle.clone()}
                rules_open={rules.open}
                on_rules={on_rules.reform(RulesAction::SetOpen)}
                report_open={*report_open}
                on_report={set_report.clone()}
                on_share={{
                    let share = share.clone();
                    let open_share = open_share.clone();
                    Callback::from(move |()| if share.is_some() { share.set(None) } else { open_share.emit(false) })
                }}
                share_open={share.is_some()}
                on_tour={{
                    let tour_step = tour_step.clone();
                    Callback::from(move |()| tour_step.set(Some(0)))
                }}
            />
            if let Some(view) = (*share).clone() {
                <SharePanel
                    view={view.clone()}
                    on_status={{
                        let share = share.clone();
                        Callback::from(move |status| share.set(Some(ShareView { status: Some(status), ..view.clone() })))
                    }}
                    on_close={{
                        let share = share.clone();
                        Callback::from(move |()| share.set(None))
                    }}
                />
            }
            if let Some(message) = &state.error {
                <ErrorBanner message={message.clone()} on_dismiss={analysis.dismiss_error.clone()} />
            }
            { startup::notice_view(&notice, &apply_state) }
            <main class="workspace">
                <section class="editor-panel" aria-label="Editor">
                    <div class="toolbar">
                        <label>
                            <span>{ "Examples" }</span>
                            <select onchange={on_example} data-testid="examples" aria-label="Load an example program (replaces the editor text)">
                                <option value="" selected=true>{ "choose a hazard…" }</option>
                                { for EXAMPLES.iter().map(|example| html! {
                                    <option value={example.id}>{ format!("{} ({})", example.name, example.rules.join(", ")) }</option>
                                }) }
                            </select>
                        </label>
                        <label class="library-mode" title="Analyse the code as a library: every public function and method may be called from many threads at once">
                            <input type="checkbox" data-testid="library-mode" checked={*library}
                                onchange={{
                                    let library = library.clone();
                                    Callback::from(move |event: Event| {
                                        library.set(event.target_unchecked_into::<web_sys::HtmlInputElement>().checked())
                                    })
                                }} />
                            <span>{ "Library mode" }</span>
                        </label>
                        if let Some(loaded) = loaded {
                            <button
                                type="button"
                                data-testid="example-version"
                                onclick={load_example.reform(move |_: MouseEvent| LoadedExample { fixed: !loaded.fixed, ..loaded })}
                                title="Replaces the editor text with the other version of this example"
                            >
                                { if loaded.fixed { "Show the hazard" } else { "Show the fixed version" } }
                            </button>
                        }
                    </div>
                    <Editor
                        handle={(*editor).clone()}
                        initial_source={AttrValue::from(start.state.code.clone())}
                        callbacks={editor_callbacks}
                    />
                </section>
                <section class="results-panel" aria-label="Findings">
                    <StatusBar
                        worker={state.worker}
                        busy={state.busy}
                        too_large={state.too_large.is_some()}
                        elapsed_ms={state.result.as_ref().map(|result| result.elapsed_ms)}
                    />
                    <DiagnosticList
                        diagnostics={diagnostics.clone()}
                        too_large={state.too_large}
                        on_select={on_select_diagnostic}
                        on_rule={show_rule}
                        {on_fix}
                    />
                </section>
                <AdvicePanel
                    form={(*advice_form).clone()}
                    on_form={on_advice_form}
                    advice={state.advice.clone()}
                    {on_select}
                />
            </main>
            <section class="scaling-view" aria-label="Scaling view">
                <button
                    type="button"
                    class="scaling-toggle"
                    data-testid="scaling-toggle"
                    aria-expanded={scaling_open.to_string()}
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
            <RulesPanel view={(*rules).clone()} on_action={on_rules.clone()} on_try={load_source} />
            if *report_open {
                <ReportPanel
                    report={state.report.clone()}
                    on_close={set_report.reform(|()| false)}
                    on_select={on_select_diagnostic_line(&editor)}
                />
            }
            if let Some(diagnostic) = (*fix).clone() {
                <FixDialog
                    {diagnostic}
                    source={editor.text().unwrap_or_default()}
                    on_apply={{
                        let editor = editor.clone();
                        let fix = fix.clone();
                        Callback::from(move |diagnostic: Diagnostic| {
                            if let Some(found) = &diagnostic.fix {
                                editor.apply_edits(&found.edits);
                            }
                            fix.set(None);
                        })
                    }}
                    on_close={{
                        let fix = fix.clone();
                        let editor = editor.clone();
                        Callback::from(move |()| {
                            fix.set(None);
                            editor.focus();
                        })
                    }}
                />
            }
            if let Some(step) = *tour_step {
                <Tour
                    {step}
                    on_step={{
                        let tour_step = tour_step.clone();
                        Callback::from(move |step| tour_step.set(step))
                    }}
                    on_action={tour_action}
                />
            }
        </div>
    }
}

/// An autosave waiting for its timer: the timer, and what reads the state to save.
type PendingSave = (Timeout, Rc<dyn Fn() -> SharedState>);

/// Saves the pending state now, if any.
fn save_pending(pending: &RefCell<Option<PendingSave>>) {
    let Some((_, current_state)) = pending.borrow_mut().take() else {
        return;
    };
    let state = current_state();
    storage::save_state(&state);
    // A link in the address bar no longer describes the page once it changed; a save timed
    // before the link was made may still find the page as the link shows it.
    if share::decode(&location_hash()).is_ok_and(|link| link.is_some_and(|link| link != state)) {
        clear_location_hash();
    }
}

/// Selects the start of a line (the Report's entry points).
fn on_select_diagnostic_line(editor: &EditorHandle) -> Callback<Location> {
    let editor = editor.clone();
    Callback::from(move |at: Location| editor.select(at, at))
}

/// The page's logical processors, the default for cores and threads.
fn hardware_concurrency() -> u32 {
    web_sys::window()
        .map(|window| window.navigator().hardware_concurrency())
        .filter(|cores| cores.is_finite() && *cores >= 1.0)
        .map_or(1, |cores| cores as u32)
}

fn location_hash() -> String {
    web_sys::window()
        .and_then(|window| window.location().hash().ok())
        .unwrap_or_default()
}

/// Removes the fragment from the address bar without a new history entry.
fn clear_location_hash() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let location = window.location();
    let url = format!(
        "{}{}",
        location.pathname().unwrap_or_default(),
        location.search().unwrap_or_default()
    );
    if let Ok(history) = window.history() {
        let _ = history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url));
    }
}

/// Shows `fragment` in the address bar without a new history entry.
fn set_location_hash(fragment: &str) {
    if let Some(history) = web_sys::window().and_then(|window| window.history().ok()) {
        let _ = history.replace_state_with_url(
            &wasm_bindgen::JsValue::NULL,
            "",
            Some(&format!("#{fragment}")),
        );
    }
}

/// The page's address with `fragment`.
fn share_url(fragment: &str) -> String {
    let location = web_sys::window().map(|window| window.location());
    let base = location
        .map(|location| {
            format!(
                "{}{}{}",
                location.origin().unwrap_or_default(),
                location.pathname().unwrap_or_default(),
                location.search().unwrap_or_default()
            )
        })
        .unwrap_or_default();
    format!("{base}#{fragment}")
}
