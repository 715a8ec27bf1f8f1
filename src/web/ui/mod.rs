//! The playground UI: Yew function components on the page's main thread.
//!
//! Layout follows Yew's examples: `components/` (view pieces), `hooks/` (the worker session,
//! the theme, page-wide events), `state.rs` (the reducer the session feeds), plus small pure
//! helpers that are unit tested.

mod advice_form;
mod app;
mod components;
mod examples;
mod export;
mod fix_preview;
mod hooks;
mod markdown;
mod scheduler;
mod startup;
mod state;
mod storage;
mod tour;

/// Renders the playground into the page body.
pub fn start() {
    super::js::log_panics();
    yew::Renderer::<app::App>::new().render();
}
