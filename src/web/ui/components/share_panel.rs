//! The Share panel: the link to the page's whole state, with copy buttons.

use yew::prelude::*;

use crate::web::share::LONG_LINK_CHARS;
use crate::web::ui::export::copy_text;

/// A link made when the panel opened (or Ctrl/Cmd+S was pressed), and its Markdown summary.
#[derive(Clone, Debug, PartialEq)]
pub struct ShareView {
    pub link: String,
    pub markdown: String,
    /// What the last copy did ("Link copied", or why it failed).
    pub status: Option<String>,
}

#[derive(PartialEq, Properties)]
pub struct SharePanelProps {
    pub view: ShareView,
    /// The panel's new status after a copy finished.
    pub on_status: Callback<String>,
    pub on_close: Callback<()>,
}

/// Copies `text` and reports the outcome in words once the browser has written it.
pub fn copy_and_report(text: String, what: &'static str, on_status: Callback<String>) {
    wasm_bindgen_futures::spawn_local(async move {
        on_status.emit(match copy_text(&text).await {
            Ok(()) => format!("{what} copied to the clipboard."),
            Err(error) => format!(
                "Could not copy the {}: {error}. Select it and copy it by hand.",
                what.to_lowercase()
            ),
        });
    });
}

#[function_component]
pub fn SharePanel(props: &SharePanelProps) -> Html {
    let view = &props.view;
    let copy = |text: &String, what: &'static str| {
        let text = text.clone();
        let on_status = props.on_status.clone();
        Callback::from(move |_: MouseEvent| copy_and_report(text.clone(), what, on_status.clone()))
    };
    let chars = view.link.chars().count();
    html! {
        <section class="share-panel" data-testid="share-panel" aria-label="Share">
            <label class="share-link">
                <span>{ format!("Link to this code and every setting ({chars} characters)") }</span>
                <input type="text" readonly=true value={view.link.clone()} data-testid="share-link"
                    onfocus={Callback::from(|event: FocusEvent| {
                        event.target_unchecked_into::<web_sys::HtmlInputElement>().select()
                    })} />
            </label>
            <div class="share-actions">
                <button type="button" data-testid="copy-link" onclick={copy(&view.link, "Link")}>{ "Copy link" }</button>
                <button type="button" data-testid="copy-markdown" onclick={copy(&view.markdown, "Markdown")}>{ "Copy as Markdown" }</button>
                <button type="button" onclick={props.on_close.reform(|_: MouseEvent| ())}>{ "Close" }</button>
                <span class="share-status" role="status" data-testid="share-status">
                    { view.status.clone().unwrap_or_default() }
                </span>
            </div>
            if chars > LONG_LINK_CHARS {
                <p class="notice notice-warning" data-testid="long-link">
                    { format!("This link is longer than {LONG_LINK_CHARS} characters: some chat tools cut long links. Copy as Markdown to send the code itself.") }
                </p>
            }
        </section>
    }
}
