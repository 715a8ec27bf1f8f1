use yew::prelude::*;

#[derive(PartialEq, Properties)]
pub struct ErrorBannerProps {
    pub message: AttrValue,
    pub on_dismiss: Callback<()>,
}

#[function_component]
pub fn ErrorBanner(props: &ErrorBannerProps) -> Html {
    let on_click = props.on_dismiss.reform(|_: MouseEvent| ());
    html! {
        <div class="error-banner" role="alert" data-testid="error-banner">
            <span>{ props.message.clone() }</span>
            <button type="button" onclick={on_click}>{ "Dismiss" }</button>
        </div>
    }
}
