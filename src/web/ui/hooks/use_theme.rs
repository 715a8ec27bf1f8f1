use yew::prelude::*;

use crate::web::ui::storage;

/// The page's theme: the one chosen with the toggle (remembered), else the system's
/// `prefers-color-scheme`. The stylesheet reads `data-theme` on `<html>`; without it, it follows
/// the system by itself.
pub struct Theme {
    pub dark: bool,
    /// Switches to the other theme and remembers the choice.
    pub toggle: Callback<()>,
}

#[hook]
pub fn use_theme() -> Theme {
    let dark = use_state(|| storage::load_theme().unwrap_or_else(system_prefers_dark));
    let chosen = use_state(|| storage::load_theme().is_some());
    {
        let dark = *dark;
        use_effect_with((dark, *chosen), move |&(dark, chosen)| {
            let root = web_sys::window()
                .and_then(|window| window.document())
                .and_then(|document| document.document_element());
            if let Some(root) = root {
                let _ = if chosen {
                    root.set_attribute("data-theme", if dark { "dark" } else { "light" })
                } else {
                    root.remove_attribute("data-theme")
                };
            }
        });
    }
    let toggle = {
        let dark = dark.clone();
        let chosen = chosen.clone();
        Callback::from(move |()| {
            storage::save_theme(!*dark);
            dark.set(!*dark);
            chosen.set(true);
        })
    };
    Theme {
        dark: *dark,
        toggle,
    }
}

fn system_prefers_dark() -> bool {
    web_sys::window()
        .and_then(|window| {
            window
                .match_media("(prefers-color-scheme: dark)")
                .ok()
                .flatten()
        })
        .is_some_and(|query| query.matches())
}
