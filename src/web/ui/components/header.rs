use yew::prelude::*;

#[derive(PartialEq, Properties)]
pub struct HeaderProps {
    /// Page-level controls shown at the header's end (the Rules button).
    #[prop_or_default]
    pub children: Html,
}

#[function_component]
pub fn Header(props: &HeaderProps) -> Html {
    html! {
        <header class="header">
            <h1>{ "Aether" }</h1>
            <p>{ "Finds free-threading hazards in Python code before they race on CPython's free-threaded build." }</p>
            <nav class="header-nav">{ props.children.clone() }</nav>
        </header>
    }
}
