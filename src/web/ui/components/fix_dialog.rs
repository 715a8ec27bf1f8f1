//! The quick-fix preview: what a diagnostic's fix changes, applied only on request.

use web_sys::HtmlElement;
use yew::prelude::*;

use crate::Diagnostic;
use crate::web::ui::fix_preview::{Hunk, preview};

#[derive(PartialEq, Properties)]
pub struct FixDialogProps {
    /// A diagnostic with a fix.
    pub diagnostic: Diagnostic,
    /// The editor's text the fix's positions refer to.
    pub source: AttrValue,
    pub on_apply: Callback<Diagnostic>,
    pub on_close: Callback<()>,
}

#[function_component]
pub fn FixDialog(props: &FixDialogProps) -> Html {
    let apply_button = use_node_ref();
    {
        let apply_button = apply_button.clone();
        use_effect_with((), move |_| {
            if let Some(button) = apply_button.cast::<HtmlElement>() {
                let _ = button.focus();
            }
        });
    }
    let Some(fix) = &props.diagnostic.fix else {
        return Html::default();
    };
    let hunks = preview(&props.source, &fix.edits);
    let safe = fix.applicability == crate::detector::Applicability::Safe;
    let on_apply = {
        let diagnostic = props.diagnostic.clone();
        props
            .on_apply
            .reform(move |_: MouseEvent| diagnostic.clone())
    };
    html! {
        <div class="dialog-backdrop">
            <section class="fix-dialog" role="dialog" aria-modal="true" aria-labelledby="fix-title" data-testid="fix-dialog">
                <h2 id="fix-title">{ format!("Fix {}: {}", props.diagnostic.code, fix.message) }</h2>
                <p class="fix-finding">{ format!("Line {}: {}", props.diagnostic.location.row, props.diagnostic.message) }</p>
                <p class={classes!("fix-applicability", safe.then_some("fix-safe"))} data-testid="fix-applicability">
                    { if safe {
                        "Safe: the code does the same on one thread."
                    } else {
                        "Unsafe: it adds or moves a lock. Check that the code under it does not take the lock again (or use an RLock) and does not wait on other threads."
                    } }
                </p>
                <div class="fix-diff" data-testid="fix-diff" aria-label="The change">
                    { for hunks.iter().map(hunk) }
                </div>
                <div class="dialog-actions">
                    <button type="button" class="primary" data-testid="fix-apply" ref={apply_button} onclick={on_apply}>{ "Apply the fix" }</button>
                    <button type="button" data-testid="fix-cancel" onclick={props.on_close.reform(|_: MouseEvent| ())}>{ "Cancel" }</button>
                </div>
            </section>
        </div>
    }
}

fn hunk(hunk: &Hunk) -> Html {
    let line = |kind: &'static str, sign: &'static str, number: usize, text: &String| {
        let spoken = if sign == "-" { "removed: " } else { "added: " };
        html! {
            <div class={classes!("diff-line", kind)}>
                <span class="diff-number">{ number }</span>
                <span class="diff-sign"><span class="visually-hidden">{ spoken }</span><span aria-hidden="true">{ sign }</span></span>
                <span class="diff-text">{ text.clone() }</span>
            </div>
        }
    };
    html! {
        <pre class="diff-hunk">
            { for hunk.removed.iter().enumerate().map(|(offset, text)| line("diff-removed", "-", hunk.first_line + offset, text)) }
            { for hunk.added.iter().enumerate().map(|(offset, text)| line("diff-added", "+", hunk.first_line + offset, text)) }
        </pre>
    }
}
