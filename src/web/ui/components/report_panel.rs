//! The Report panel: what the analysis found out about the text (lines, functions, thread
//! entry points, findings per rule and severity, time), downloadable as JSON and Markdown.

use yew::prelude::*;

use super::severity_class;
use crate::Location;
use crate::web::report::{Report, describe_entry, to_json, to_markdown};
use crate::web::ui::export::download;
use crate::web::ui::state::ReportResult;

/// The file name the downloads and the JSON's diagnostics use.
const FILENAME: &str = "playground.py";

#[derive(PartialEq, Properties)]
pub struct ReportPanelProps {
    /// `None` until the worker first answers.
    pub report: Option<ReportResult>,
    pub on_close: Callback<()>,
    /// Selects a position in the editor.
    pub on_select: Callback<Location>,
}

#[function_component]
pub fn ReportPanel(props: &ReportPanelProps) -> Html {
    let error = use_state(|| None::<String>);
    let body = match &props.report {
        None => html! { <p class="notice">{ "Gathering the report…" }</p> },
        Some(result) => report_body(&result.report, result.elapsed_ms, props, &error),
    };
    html! {
        <aside class="side-panel report-panel" data-testid="report-panel" aria-label="Report">
            <div class="side-panel-title">
                <h2>{ "Report" }</h2>
                <button type="button" class="side-panel-close" data-testid="report-close"
                    aria-label="Close the report" onclick={props.on_close.reform(|_: MouseEvent| ())}>
                    { "×" }
                </button>
            </div>
            if let Some(message) = &*error {
                <p class="notice notice-warning" role="alert">{ message.clone() }</p>
            }
            <div class="side-panel-body">{ body }</div>
        </aside>
    }
}

fn report_body(
    report: &Report,
    elapsed_ms: f64,
    props: &ReportPanelProps,
    error: &UseStateHandle<Option<String>>,
) -> Html {
    let save = |kind: &'static str| {
        let report = report.clone();
        let error = error.clone();
        Callback::from(move |_: MouseEvent| {
            let saved = if kind == "json" {
                download(
                    "aether-report.json",
                    "application/json",
                    &to_json(&report, FILENAME),
                )
            } else {
                download(
                    "aether-report.md",
                    "text/markdown",
                    &to_markdown(&report, FILENAME),
                )
            };
            error.set(saved.err());
        })
    };
    let facts = &report.facts;
    let rules = &facts.findings;
    let fact = |label: &'static str, testid: &'static str, value: String| {
        html! { <><dt>{ label }</dt><dd data-testid={testid}>{ value }</dd></> }
    };
    html! {
        <>
            <dl class="report-facts">
                { fact("lines", "report-lines", facts.lines.to_string()) }
                { fact("functions", "report-functions", facts.functions.to_string()) }
                { fact("classes", "report-classes", facts.classes.to_string()) }
                { fact("thread entry points", "report-entries", facts.thread_entries.len().to_string()) }
                { fact("shared values", "report-shared", facts.shared_values.len().to_string()) }
                { fact("findings", "report-findings", report.diagnostics.len().to_string()) }
                { fact("analysis", "report-analysis-time", format!("{:.1} ms", report.analysis_ms)) }
                { fact("report gathered in", "report-time", format!("{elapsed_ms:.1} ms")) }
                { fact("worker memory", "report-memory", format!("{:.1} MB", report.memory_bytes as f64 / 1e6)) }
            </dl>
            <h3>{ "Thread entry points" }</h3>
            if facts.thread_entries.is_empty() {
                <p class="notice">{ "No call in this code starts a thread or hands work to a pool: its findings are info (a race only if other code calls it from threads)." }</p>
            } else {
                <ol class="report-entries">
                    { for facts.thread_entries.iter().map(|entry| {
                        let at = Location { row: entry.row, column: 1 };
                        html! {
                            <li>
                                <button type="button" class="link-button" data-testid="report-entry"
                                    onclick={props.on_select.reform(move |_: MouseEvent| at)}>
                                    { format!("line {}", at.row) }
                                </button>
                                { format!(": {}", describe_entry(entry).replace('`', "")) }
                            </li>
                        }
                    }) }
                </ol>
            }
            <h3>{ "Shared values" }</h3>
            if facts.shared_values.is_empty() {
                <p class="notice">{ "Code that runs in threads touches no value another thread can touch." }</p>
            } else {
                <ul class="report-shared">
                    { for facts.shared_values.iter().map(|value| {
                        let at = Location { row: value.row, column: 1 };
                        html! {
                            <li data-testid="report-shared-value">
                                <button type="button" class="link-button"
                                    onclick={props.on_select.reform(move |_: MouseEvent| at)}>
                                    { format!("line {}", at.row) }
                                </button>
                                { ": " }<code>{ value.name.clone() }</code>
                                { format!(", {} in threads: {}", plural(value.accesses, "access"), value.how.replace('`', "")) }
                            </li>
                        }
                    }) }
                </ul>
            }
            <h3>{ "Findings per rule" }</h3>
            if rules.is_empty() {
                <p class="notice notice-ok">{ "No findings." }</p>
            } else {
                <table class="report-rules" data-testid="report-rules">
                    <thead><tr><th scope="col">{ "rule" }</th><th scope="col">{ "error" }</th><th scope="col">{ "warning" }</th><th scope="col">{ "info" }</th></tr></thead>
                    <tbody>
                        { for rules.iter().map(|rule| html! {
                            <tr data-code={rule.code.clone()}>
                                <th scope="row"><span class="code">{ rule.code.clone() }</span>{ " " }<span class="name">{ rule.name.clone() }</span></th>
                                <td class={classes!((rule.error > 0).then(|| severity_class(crate::Severity::Error)))}>{ rule.error }</td>
                                <td class={classes!((rule.warning > 0).then(|| severity_class(crate::Severity::Warning)))}>{ rule.warning }</td>
                                <td class={classes!((rule.info > 0).then(|| severity_class(crate::Severity::Info)))}>{ rule.info }</td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
            <div class="report-downloads">
                <button type="button" data-testid="report-json" onclick={save("json")}>{ "Download JSON" }</button>
                <button type="button" data-testid="report-markdown" onclick={save("markdown")}>{ "Download Markdown" }</button>
            </div>
        </>
    }
}

/// "1 access", "3 accesses".
fn plural(count: usize, noun: &str) -> String {
    if count == 1 {
        format!("1 {noun}")
    } else {
        format!("{count} {noun}es")
    }
}
