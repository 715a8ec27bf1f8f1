use yew::prelude::*;

#[derive(PartialEq, Properties)]
pub struct HeaderProps {
    pub dark: bool,
    pub on_theme: Callback<()>,
    pub rules_open: bool,
    pub on_rules: Callback<bool>,
    pub report_open: bool,
    pub on_report: Callback<bool>,
    pub share_open: bool,
    pub on_share: Callback<()>,
    pub on_tour: Callback<()>,
}

/// The title and the page's menu: the tour, sharing, the side panels and the theme.
#[function_component]
pub fn Header(props: &HeaderProps) -> Html {
    let toggle = |label: &'static str, testid: &'static str, pressed: bool, on: Callback<bool>| {
        html! {
            <button type="button" class="header-button" data-testid={testid}
                aria-pressed={pressed.to_string()} onclick={on.reform(move |_: MouseEvent| !pressed)}>
                { label }
            </button>
        }
    };
    html! {
        <header class="header">
            <h1>{ "Aether" }</h1>
            <p>{ "Finds free-threading hazards in Python code before they race on CPython's free-threaded build." }</p>
            <nav class="header-nav" aria-label="Playground">
                <button type="button" class="header-button" data-testid="tour-start"
                    onclick={props.on_tour.reform(|_: MouseEvent| ())}>
                    { "Tour" }
                </button>
                <button type="button" class="header-button" data-testid="share-toggle"
                    aria-expanded={props.share_open.to_string()} aria-keyshortcuts="Control+S Meta+S"
                    onclick={props.on_share.reform(|_: MouseEvent| ())}>
                    { "Share" }
                </button>
                { toggle("Report", "report-toggle", props.report_open, props.on_report.clone()) }
                { toggle("Rules", "rules-toggle", props.rules_open, props.on_rules.clone()) }
                <button type="button" class="header-button" data-testid="theme-toggle"
                    aria-pressed={props.dark.to_string()} aria-label="Dark theme"
                    title={if props.dark { "Switch to the light theme" } else { "Switch to the dark theme" }}
                    onclick={props.on_theme.reform(|_: MouseEvent| ())}>
                    { if props.dark { "☀ Light" } else { "☾ Dark" } }
                </button>
            </nav>
        </header>
    }
}
