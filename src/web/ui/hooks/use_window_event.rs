use wasm_bindgen::{JsCast, prelude::Closure};
use yew::prelude::*;

/// Calls `on_event` each time the window fires `event` (`"resize"`, `"hashchange"`) while the
/// component is mounted. `on_event` is the one given at mount: it reads what changes through
/// refs or dispatchers.
#[hook]
pub fn use_window_event<F>(event: &'static str, on_event: F)
where
    F: Fn() + 'static,
{
    use_effect_with((), move |()| {
        let listener = Closure::<dyn Fn()>::new(on_event);
        let window = web_sys::window();
        if let Some(window) = &window {
            let _ =
                window.add_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
        }
        move || {
            if let Some(window) = window {
                let _ = window
                    .remove_event_listener_with_callback(event, listener.as_ref().unchecked_ref());
            }
        }
    });
}
