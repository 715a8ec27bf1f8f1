//! Autosave: the code and settings in `localStorage`, so a reload never loses them, and the work
//! a shared link replaced, so it can be restored.
//!
//! Storage may be full, disabled or hold anything (another version of the page wrote it): every
//! read falls back to nothing, and a failed write only costs the restore.

use crate::web::share::SharedState;

/// The current work (a [`SharedState`] as JSON).
const STATE_KEY: &str = "aether.playground.state";
/// The work a shared link replaced.
const PREVIOUS_KEY: &str = "aether.playground.previous";
/// The editor text alone, as earlier versions of the playground saved it.
const LEGACY_SOURCE_KEY: &str = "aether.playground.source";
/// `light` or `dark`; absent follows the system.
const THEME_KEY: &str = "aether.playground.theme";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

fn get(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok()?
}

fn set(key: &str, value: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(key, value);
    }
}

fn remove(key: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(key);
    }
}

fn parse(json: &str) -> Option<SharedState> {
    serde_json::from_str(json).ok()
}

/// The work saved by an earlier visit, if any.
pub fn load_state() -> Option<SharedState> {
    get(STATE_KEY).and_then(|json| parse(&json)).or_else(|| {
        get(LEGACY_SOURCE_KEY).map(|code| SharedState {
            code,
            ..SharedState::default()
        })
    })
}

pub fn save_state(state: &SharedState) {
    set(
        STATE_KEY,
        &serde_json::to_string(state).expect("states serialize"),
    );
}

/// Keeps `state` as the work to restore after a shared link replaced it.
pub fn save_previous(state: &SharedState) {
    set(
        PREVIOUS_KEY,
        &serde_json::to_string(state).expect("states serialize"),
    );
}

pub fn load_previous() -> Option<SharedState> {
    get(PREVIOUS_KEY).and_then(|json| parse(&json))
}

pub fn forget_previous() {
    remove(PREVIOUS_KEY);
}

/// The theme chosen with the toggle: `Some(true)` dark, `Some(false)` light, `None` the system's.
pub fn load_theme() -> Option<bool> {
    match get(THEME_KEY).as_deref() {
        Some("dark") => Some(true),
        Some("light") => Some(false),
        _ => None,
    }
}

pub fn save_theme(dark: bool) {
    set(THEME_KEY, if dark { "dark" } else { "light" });
}
