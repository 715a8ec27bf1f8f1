use std::collections::HashMap;
use std::rc::Rc;

use yew::prelude::*;

use super::severity_class;
use crate::Diagnostic;
use crate::detector::find_rule;
use crate::web::ui::state::MAX_SOURCE_BYTES;

#[derive(PartialEq, Properties)]
pub struct DiagnosticListProps {
    /// `None` until the first analysis finishes.
    pub diagnostics: Option<Rc<Vec<Diagnostic>>>,
    /// Size of an editor text that was too large to analyse.
    pub too_large: Option<usize>,
    pub on_select: Callback<Diagnostic>,
    /// Opens the Rules panel at a rule's explanation (by code).
    pub on_rule: Callback<&'static str>,
    /// Opens the preview of a diagnostic's fix.
    pub on_fix: Callback<Diagnostic>,
}

/// Findings listed before "Show all": a list of thousands costs every render, and the editor
/// and the Report show them all anyway.
const SHOWN_FIRST: usize = 200;

#[function_component]
pub fn DiagnosticList(props: &DiagnosticListProps) -> Html {
    let show_all = use_state(|| false);
    if let Some(bytes) = props.too_large {
        return html! {
            <p class="notice notice-warning" data-testid="too-large">
                { format!("The text is {bytes} bytes; the playground analyses up to {MAX_SOURCE_BYTES} bytes. Shorten it to see diagnostics.") }
            </p>
        };
    }
    let Some(diagnostics) = &props.diagnostics else {
        return html! { <p class="notice">{ "Waiting for the first analysis…" }</p> };
    };
    if diagnostics.is_empty() {
        return html! { <p class="notice notice-ok" data-testid="no-hazards">{ "No hazards found" }</p> };
    }
    let shown = if *show_all {
        diagnostics.len()
    } else {
        SHOWN_FIRST
    };
    let keys = item_keys(&diagnostics[..shown.min(diagnostics.len())]);
    html! {
        <div class="diagnostics-scroll">
            <ol class="diagnostics">
                { for keys.into_iter().enumerate().map(|(index, key)| html! {
                    <DiagnosticItem
                        {key}
                        diagnostics={diagnostics.clone()}
                        {index}
                        on_select={props.on_select.clone()}
                        on_rule={props.on_rule.clone()}
                        on_fix={props.on_fix.clone()}
                    />
                }) }
            </ol>
            if diagnostics.len() > shown {
                <button type="button" class="show-all" data-testid="show-all-diagnostics"
                    onclick={move |_: MouseEvent| show_all.set(true)}>
                    { format!("Show all {} findings", diagnostics.len()) }
                </button>
            }
        </div>
    }
}

/// Keys that follow each finding from one analysis to the next (its rule and range, and which of
/// several alike it is). Syntax errors come first in the list, so an error coming or going
/// while one types would otherwise shift every item below it and render them all again.
fn item_keys(diagnostics: &[Diagnostic]) -> Vec<String> {
    let mut seen = HashMap::new();
    diagnostics
        .iter()
        .map(|diagnostic| {
            let Diagnostic {
                code,
                location: start,
                end_location: end,
                ..
            } = diagnostic;
            let key = format!(
                "{code}:{}:{}:{}:{}",
                start.row, start.column, end.row, end.column
            );
            let alike = seen.entry(key.clone()).or_insert(0);
            *alike += 1;
            format!("{key}#{alike}")
        })
        .collect()
}

/// One finding of the list, by index. A new analysis mostly repeats the previous findings; an
/// item whose finding and callbacks are unchanged is not rendered again.
#[derive(Properties)]
struct DiagnosticItemProps {
    diagnostics: Rc<Vec<Diagnostic>>,
    index: usize,
    on_select: Callback<Diagnostic>,
    on_rule: Callback<&'static str>,
    on_fix: Callback<Diagnostic>,
}

impl DiagnosticItemProps {
    fn diagnostic(&self) -> &Diagnostic {
        &self.diagnostics[self.index]
    }
}

impl PartialEq for DiagnosticItemProps {
    fn eq(&self, other: &Self) -> bool {
        self.diagnostic() == other.diagnostic()
            && self.on_select == other.on_select
            && self.on_rule == other.on_rule
            && self.on_fix == other.on_fix
    }
}

#[function_component]
fn DiagnosticItem(props: &DiagnosticItemProps) -> Html {
    let diagnostic = props.diagnostic();
    let on_click = {
        let diagnostic = diagnostic.clone();
        props
            .on_select
            .reform(move |_: MouseEvent| diagnostic.clone())
    };
    let rule = find_rule(&diagnostic.code);
    let Diagnostic {
        code,
        name,
        message,
        location,
        url,
        ..
    } = diagnostic;
    html! {
        <li class={classes!("diagnostic", severity_class(diagnostic.severity))}>
            <button type="button" class="diagnostic-main" data-testid="diagnostic" title={name.clone()} onclick={on_click}>
                <span class="position">{ format!("{}:{}", location.row, location.column) }</span>
                <span class="code">{ code.clone() }</span>
                <span class="message">{ message.clone() }</span>
            </button>
            <div class="diagnostic-actions">
            if diagnostic.fix.is_some() {
                <button
                    type="button"
                    class="fix-link"
                    data-testid="fix-link"
                    aria-label={format!("Show the fix for {} on line {}", code, location.row)}
                    onclick={{
                        let diagnostic = diagnostic.clone();
                        props.on_fix.reform(move |_: MouseEvent| diagnostic.clone())
                    }}
                >
                    { "fix…" }
                </button>
            }
            if let Some(rule) = rule {
                <button
                    type="button"
                    class="rule-link"
                    data-testid="rule-link"
                    title={format!("Explain {} ({})", rule.code, rule.name)}
                    aria-label={format!("Explain {}", rule.code)}
                    onclick={props.on_rule.reform(move |_: MouseEvent| rule.code)}
                >
                    { "explain" }
                </button>
            }
            if let Some(url) = url {
                <a class="docs" href={url.clone()} target="_blank" rel="noopener">{ "docs" }</a>
            }
            </div>
        </li>
    }
}
