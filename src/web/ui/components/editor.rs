//! The Python editor: a plain textarea, whose value is the source of truth, and its gutter.

use std::rc::Rc;

use web_sys::{Element, HtmlTextAreaElement};
use yew::prelude::*;

use super::LineMarkers;
use super::gutter::Gutter;

#[derive(PartialEq, Properties)]
pub struct EditorProps {
    /// The text on first render; afterwards the textarea owns its value.
    pub initial_source: AttrValue,
    pub line_count: usize,
    pub markers: Rc<LineMarkers>,
    pub textarea: NodeRef,
    pub on_input: Callback<String>,
}

#[function_component]
pub fn Editor(props: &EditorProps) -> Html {
    let scroll_top = use_state(|| 0.0);
    let line_height = use_state(|| FALLBACK_LINE_HEIGHT_PX);
    {
        let textarea = props.textarea.clone();
        let line_height = line_height.clone();
        use_effect_with((), move |_| {
            if let Some(textarea) = textarea.cast::<Element>() {
                line_height.set(line_height_px(&textarea));
            }
        });
    }
    let on_input = props
        .on_input
        .reform(|event: InputEvent| event.target_unchecked_into::<HtmlTextAreaElement>().value());
    let on_scroll = {
        let scroll_top = scroll_top.clone();
        Callback::from(move |event: Event| {
            scroll_top.set(event.target_unchecked_into::<Element>().scroll_top() as f64);
        })
    };
    html! {
        <div class="editor">
            <Gutter
                line_count={props.line_count}
                markers={props.markers.clone()}
                scroll_top={*scroll_top}
                line_height={*line_height}
            />
            <textarea
                ref={props.textarea.clone()}
                data-testid="editor"
                aria-label="Python source"
                wrap="off"
                spellcheck="false"
                autocapitalize="off"
                autocomplete="off"
                defaultvalue={props.initial_source.clone()}
                oninput={on_input}
                onscroll={on_scroll}
            />
        </div>
    }
}

/// The `--line-height` of `www/style.css`, used until the real one is measured.
const FALLBACK_LINE_HEIGHT_PX: f64 = 20.0;

/// The editor's line height in CSS pixels, as the stylesheet sets it.
pub fn line_height_px(element: &Element) -> f64 {
    web_sys::window()
        .and_then(|window| window.get_computed_style(element).ok().flatten())
        .and_then(|style| style.get_property_value("line-height").ok())
        .and_then(|value| value.trim_end_matches("px").parse().ok())
        .unwrap_or(FALLBACK_LINE_HEIGHT_PX)
}
