//! Keeps the editor text in `localStorage` so a reload never loses it.

const SOURCE_KEY: &str = "aether.playground.source";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// The text saved by an earlier visit, if any.
pub fn load_source() -> Option<String> {
    local_storage()?.get_item(SOURCE_KEY).ok()?
}

/// Saves the text; a full or disabled storage only costs the restore, so errors are ignored.
pub fn save_source(source: &str) {
    if let Some(storage) = local_storage() {
        let _ = storage.set_item(SOURCE_KEY, source);
    }
}
