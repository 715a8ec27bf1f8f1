//! Small bridges between Rust values and the JavaScript side, shared by the UI and the worker.

use serde::{Serialize, de::DeserializeOwned};
use wasm_bindgen::JsValue;
use web_sys::console;

/// Converts a protocol message into the JavaScript value that `postMessage` carries.
pub(crate) fn to_js<T: Serialize>(value: &T) -> JsValue {
    serde_wasm_bindgen::to_value(value).expect("protocol messages always serialize")
}

/// Reads a protocol message back, reporting a mismatch on the console instead of panicking:
/// a malformed message is a bug to see, not a reason to stop the page.
pub(crate) fn from_js<T: DeserializeOwned>(value: JsValue) -> Option<T> {
    serde_wasm_bindgen::from_value(value)
        .inspect_err(|error| console::error_1(&format!("unexpected message: {error}").into()))
        .ok()
}

/// Reads a boolean property of the global object (`window` or the worker's `self`).
pub(crate) fn global_flag(name: &str) -> bool {
    js_sys::Reflect::get(&js_sys::global(), &name.into())
        .ok()
        .and_then(|value| value.as_bool())
        .unwrap_or(false)
}

/// Sends panic messages to the console, where the default hook (stderr) would lose them.
pub(crate) fn log_panics() {
    std::panic::set_hook(Box::new(|info| console::error_1(&info.to_string().into())));
}
