//! The guided tour's card: one step at a time, each setting the page up for what it explains.

use web_sys::HtmlElement;
use yew::prelude::*;

use crate::web::ui::tour::{Action, STEPS};

#[derive(PartialEq, Properties)]
pub struct TourProps {
    pub step: usize,
    /// The next step, or `None` to end the tour.
    pub on_step: Callback<Option<usize>>,
    pub on_action: Callback<Action>,
}

#[function_component]
pub fn Tour(props: &TourProps) -> Html {
    let next_button = use_node_ref();
    {
        let on_action = props.on_action.clone();
        let next_button = next_button.clone();
        use_effect_with(props.step, move |&step| {
            if let Some(step) = STEPS.get(step) {
                on_action.emit(step.action);
            }
            if let Some(button) = next_button.cast::<HtmlElement>() {
                let _ = button.focus();
            }
        });
    }
    let Some(step) = STEPS.get(props.step) else {
        return Html::default();
    };
    let index = props.step;
    let last = index + 1 == STEPS.len();
    let go = |target: Option<usize>| props.on_step.reform(move |_: MouseEvent| target);
    html! {
        <section class="tour" role="dialog" aria-labelledby="tour-title" data-testid="tour">
            <p class="tour-progress">{ format!("Tour, step {} of {}", index + 1, STEPS.len()) }</p>
            <h2 id="tour-title">{ step.title }</h2>
            <p data-testid="tour-text">{ step.text }</p>
            <div class="dialog-actions">
                if index > 0 {
                    <button type="button" onclick={go(Some(index - 1))}>{ "Back" }</button>
                }
                <button type="button" class="primary" data-testid="tour-next" ref={next_button}
                    onclick={go((!last).then_some(index + 1))}>
                    { if last { "Finish" } else { "Next" } }
                </button>
                <button type="button" data-testid="tour-close" onclick={go(None)}>{ "Close" }</button>
            </div>
        </section>
    }
}
