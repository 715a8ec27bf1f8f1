use wasm_bindgen::{JsCast, prelude::Closure};
use web_sys::AddEventListenerOptions;
use yew::prelude::*;

/// Calls `on_key` for every key pressed anywhere on the page. With `capture`, before the focused
/// element (the editor included) sees it, so the page's shortcuts win over the editor's
/// bindings; without, after, so a key the editor handled (Escape closing its search) arrives
/// marked `defaultPrevented`. `on_key` is replaced on every render, so it sees the latest state.
#[hook]
pub fn use_window_keydown<F>(capture: bool, on_key: F)
where
    F: Fn(KeyboardEvent) + 'static,
{
    let current = use_mut_ref(|| None::<Box<dyn Fn(KeyboardEvent)>>);
    *current.borrow_mut() = Some(Box::new(on_key));
    use_effect_with((), move |()| {
        let listener = Closure::<dyn Fn(KeyboardEvent)>::new(move |event: KeyboardEvent| {
            if let Some(on_key) = &*current.borrow() {
                on_key(event);
            }
        });
        let options = AddEventListenerOptions::new();
        options.set_capture(capture);
        let window = web_sys::window();
        if let Some(window) = &window {
            let _ = window.add_event_listener_with_callback_and_add_event_listener_options(
                "keydown",
                listener.as_ref().unchecked_ref(),
                &options,
            );
        }
        move || {
            if let Some(window) = window {
                let _ = window.remove_event_listener_with_callback_and_bool(
                    "keydown",
                    listener.as_ref().unchecked_ref(),
                    capture,
                );
            }
        }
    });
}
