//! The page: header, editor with gutter, status bar and the diagnostics of the latest analysis.

use std::rc::Rc;

use web_sys::{HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use super::components::{
    DiagnosticList, Editor, ErrorBanner, Header, LineMarkers, StatusBar, line_height_px,
    line_markers,
};
use super::examples::EXAMPLES;
use super::hooks::use_analysis;
use super::{storage, text};
use crate::Diagnostic;

#[function_component]
pub fn App() -> Html {
    let initial_source = use_memo((), |_| {
        storage::load_source().unwrap_or_else(|| EXAMPLES[0].source.to_owned())
    });
    let line_count = use_state(|| text::line_count(&initial_source));
    let textarea = use_node_ref();
    let analysis = use_analysis();

    {
        let analyze = analysis.analyze.clone();
        let initial_source = initial_source.clone();
        use_effect_with((), move |_| analyze.emit((*initial_source).clone()));
    }

    let on_edit = {
        let line_count = line_count.clone();
        let analyze = analysis.analyze.clone();
        Callback::from(move |source: String| {
            storage::save_source(&source);
            line_count.set(text::line_count(&source));
            analyze.emit(source);
        })
    };

    let on_example = {
        let textarea = textarea.clone();
        let on_edit = on_edit.clone();
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
            if let Some(textarea) = textarea.cast::<HtmlTextAreaElement>() {
                textarea.set_value(example.source);
                on_edit.emit(example.source.to_owned());
            }
            select.set_value("");
        })
    };

    let on_select = {
        let textarea = textarea.clone();
        Callback::from(move |diagnostic: Diagnostic| {
            if let Some(textarea) = textarea.cast::<HtmlTextAreaElement>() {
                select_range(&textarea, &diagnostic);
            }
        })
    };

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
            <Header />
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
                        {on_select}
                    />
                </section>
            </main>
        </div>
    }
}

/// Selects the diagnostic's range in the editor and scrolls its line into the middle.
fn select_range(textarea: &HtmlTextAreaElement, diagnostic: &Diagnostic) {
    let source = textarea.value();
    let start = text::utf16_offset(&source, diagnostic.location);
    let end = text::utf16_offset(&source, diagnostic.end_location).max(start);
    let _ = textarea.focus();
    let _ = textarea.set_selection_range(start, end);
    let line_height = line_height_px(textarea);
    let row = diagnostic.location.row.saturating_sub(1) as f64;
    let top = row * line_height - f64::from(textarea.client_height()) / 2.0;
    textarea.set_scroll_top(top.max(0.0) as i32);
}
