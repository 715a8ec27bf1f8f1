use yew::prelude::*;

#[function_component]
pub fn Header() -> Html {
    html! {
        <header class="header">
            <h1>{ "Aether" }</h1>
            <p>{ "Finds free-threading hazards in Python code before they race on CPython's free-threaded build." }</p>
        </header>
    }
}
