//! Line numbers beside the editor, with the lines that have diagnostics marked.

use std::collections::BTreeMap;
use std::rc::Rc;

use yew::prelude::*;

use super::severity_class;
use crate::{Diagnostic, Severity};

/// What the gutter shows for a line that has diagnostics.
#[derive(Debug, PartialEq)]
pub struct LineMarker {
    /// The worst severity on the line.
    pub severity: Severity,
    /// The line's messages, one per line, for the tooltip.
    pub title: String,
}

pub type LineMarkers = BTreeMap<usize, LineMarker>;

/// Groups diagnostics by the line they start on.
pub fn line_markers(diagnostics: &[Diagnostic]) -> LineMarkers {
    let mut markers = LineMarkers::new();
    for diagnostic in diagnostics {
        let text = format!("{} {}", diagnostic.code, diagnostic.message);
        markers
            .entry(diagnostic.location.row)
            .and_modify(|marker: &mut LineMarker| {
                marker.severity = marker.severity.max(diagnostic.severity);
                marker.title.push('\n');
                marker.title.push_str(&text);
            })
            .or_insert(LineMarker {
                severity: diagnostic.severity,
                title: text,
            });
    }
    markers
}

/// Lines rendered above the first visible one, so fast scrolling shows no gap.
const OVERSCAN_LINES: usize = 20;
/// Lines rendered in all: more than the tallest editor shows.
const WINDOW_LINES: usize = 300;

#[derive(PartialEq, Properties)]
pub struct GutterProps {
    pub line_count: usize,
    pub markers: Rc<LineMarkers>,
    /// The editor's scroll offset and line height, in CSS pixels.
    pub scroll_top: f64,
    pub line_height: f64,
}

/// Renders only the numbers near the editor's viewport, shifted to line up with its text: a
/// gutter of every line made a pasted text of 200,000 lines take seconds to lay out.
#[function_component]
pub fn Gutter(props: &GutterProps) -> Html {
    let first_visible = (props.scroll_top / props.line_height) as usize + 1;
    let first = first_visible.saturating_sub(OVERSCAN_LINES).max(1);
    let last = (first + WINDOW_LINES).min(props.line_count);
    let offset = (first - 1) as f64 * props.line_height - props.scroll_top;

    // Unmarked lines become runs of plain text, marked ones a span each.
    let mut nodes = Vec::new();
    let mut plain = String::new();
    for line in first..=last {
        match props.markers.get(&line) {
            None => {
                plain.push_str(&line.to_string());
                plain.push('\n');
            }
            Some(marker) => {
                nodes.push(Html::from(std::mem::take(&mut plain)));
                nodes.push(html! {
                    <span
                        class={classes!("marked", severity_class(marker.severity))}
                        title={marker.title.clone()}
                        data-line={line.to_string()}
                    >{ line }</span>
                });
                plain.push('\n');
            }
        }
    }
    nodes.push(Html::from(plain));
    html! {
        <div class="gutter" aria-hidden="true">
            <div class="gutter-lines" style={format!("transform: translateY({offset}px)")}>
                { for nodes }
            </div>
        </div>
    }
}
