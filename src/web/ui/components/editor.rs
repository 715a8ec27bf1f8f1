//! The Python editor: CodeMirror 6 (`www/editor/editor.js`, bundled into the page as
//! `globalThis.AetherEditor` before the UI starts), driven through [`EditorHandle`].
//!
//! The editor owns the text; the UI reads it when it needs it (the debounced analysis, a share
//! link) instead of copying it on every keystroke.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::Element;
use yew::prelude::*;

use crate::Location;
use crate::detector::{Edit, find_rule};
use crate::web::js::{from_js, to_js};
use crate::web::protocol::DiagnosticsJson;

#[wasm_bindgen]
extern "C" {
    /// `AetherEditor.Editor` of `www/editor/editor.js`.
    #[wasm_bindgen(js_namespace = AetherEditor, js_name = Editor)]
    type JsEditor;

    #[wasm_bindgen(constructor, catch, js_namespace = AetherEditor, js_class = "Editor")]
    fn new(parent: &Element, doc: &str, hooks: &JsValue, label: &str) -> Result<JsEditor, JsValue>;
    #[wasm_bindgen(method)]
    fn text(this: &JsEditor) -> String;
    #[wasm_bindgen(method, js_name = setText)]
    fn set_text(this: &JsEditor, text: &str);
    #[wasm_bindgen(method, js_name = setDiagnostics)]
    fn set_diagnostics(this: &JsEditor, diagnostics_json: &str);
    #[wasm_bindgen(method)]
    fn select(this: &JsEditor, from: &JsValue, to: &JsValue);
    #[wasm_bindgen(method)]
    fn cursor(this: &JsEditor) -> JsValue;
    #[wasm_bindgen(method, js_name = applyEdits)]
    fn apply_edits(this: &JsEditor, edits: &JsValue);
    #[wasm_bindgen(method, js_name = setDark)]
    fn set_dark(this: &JsEditor, dark: bool);
    #[wasm_bindgen(method)]
    fn focus(this: &JsEditor);
    #[wasm_bindgen(method)]
    fn destroy(this: &JsEditor);
}

/// The mounted editor, shared by the components that read or change its text. Every method does
/// nothing (or returns `None`) before the editor is mounted.
#[derive(Clone, Default)]
pub struct EditorHandle(Rc<RefCell<Option<Mounted>>>);

struct Mounted {
    editor: JsEditor,
    // The callbacks the editor calls; dropped (invalidated) with it.
    _hooks: Hooks,
}

impl PartialEq for EditorHandle {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl EditorHandle {
    fn with<T>(&self, f: impl FnOnce(&JsEditor) -> T) -> Option<T> {
        self.0.borrow().as_ref().map(|mounted| f(&mounted.editor))
    }

    /// The whole text.
    pub fn text(&self) -> Option<String> {
        self.with(JsEditor::text)
    }

    /// Replaces the whole text (one undoable change).
    pub fn set_text(&self, text: &str) {
        self.with(|editor| editor.set_text(text));
    }

    /// Shows diagnostics as underlines, gutter markers and hover cards (`None` clears them).
    pub fn set_diagnostics(&self, diagnostics: Option<&DiagnosticsJson>) {
        let json = diagnostics.map_or("[]", DiagnosticsJson::as_str);
        self.with(|editor| editor.set_diagnostics(json));
    }

    /// Selects a range, scrolls it into the middle of the editor and focuses it.
    pub fn select(&self, from: Location, to: Location) {
        self.with(|editor| editor.select(&to_js(&from), &to_js(&to)));
    }

    /// The cursor's position.
    pub fn cursor(&self) -> Option<Location> {
        self.with(|editor| from_js(editor.cursor())).flatten()
    }

    /// Applies a fix's edits (positions in the current text) as one undoable change.
    pub fn apply_edits(&self, edits: &[Edit]) {
        self.with(|editor| editor.apply_edits(&to_js(&edits)));
    }

    pub fn set_dark(&self, dark: bool) {
        self.with(|editor| editor.set_dark(dark));
    }

    pub fn focus(&self) {
        self.with(JsEditor::focus);
    }
}

/// What the editor reports back, by kind.
#[derive(Clone, PartialEq)]
pub struct EditorCallbacks {
    /// The text changed (read it with [`EditorHandle::text`]).
    pub on_change: Callback<()>,
    /// The hover card's "Explain" link of a rule.
    pub on_rule: Callback<&'static str>,
    /// The hover card's "Show fix" action, with the diagnostic's index in the last list shown.
    pub on_fix: Callback<usize>,
}

/// The JavaScript functions handed to the editor; they call the latest [`EditorCallbacks`].
struct Hooks {
    object: js_sys::Object,
    _changed: Closure<dyn Fn()>,
    _show_rule: Closure<dyn Fn(String)>,
    _show_fix: Closure<dyn Fn(u32)>,
}

impl Hooks {
    fn new(callbacks: Rc<RefCell<EditorCallbacks>>) -> Self {
        let changed = {
            let callbacks = callbacks.clone();
            Closure::<dyn Fn()>::new(move || callbacks.borrow().on_change.emit(()))
        };
        let show_rule = {
            let callbacks = callbacks.clone();
            Closure::<dyn Fn(String)>::new(move |code: String| {
                if let Some(rule) = find_rule(&code) {
                    callbacks.borrow().on_rule.emit(rule.code);
                }
            })
        };
        let show_fix = Closure::<dyn Fn(u32)>::new(move |index: u32| {
            callbacks.borrow().on_fix.emit(index as usize)
        });
        let object = js_sys::Object::new();
        for (name, function) in [
            ("changed", changed.as_ref()),
            ("showRule", show_rule.as_ref()),
            ("showFix", show_fix.as_ref()),
        ] {
            let _ = js_sys::Reflect::set(&object, &name.into(), function.unchecked_ref());
        }
        Self {
            object,
            _changed: changed,
            _show_rule: show_rule,
            _show_fix: show_fix,
        }
    }
}

#[derive(PartialEq, Properties)]
pub struct EditorProps {
    pub handle: EditorHandle,
    /// The text on mount; afterwards the editor owns it.
    pub initial_source: AttrValue,
    pub callbacks: EditorCallbacks,
}

/// What screen readers announce for the text area, with the way out of it (Tab indents).
const LABEL: &str = "Python source. Tab indents; press Escape, then Tab, to move on.";

#[function_component]
pub fn Editor(props: &EditorProps) -> Html {
    let host = use_node_ref();
    let callbacks = use_memo((), {
        let callbacks = props.callbacks.clone();
        move |_| Rc::new(RefCell::new(callbacks))
    });
    // The editor calls whatever callbacks the latest render gave.
    *callbacks.borrow_mut() = props.callbacks.clone();
    let error = use_state(|| None::<String>);
    {
        let host = host.clone();
        let handle = props.handle.clone();
        let initial = props.initial_source.clone();
        let callbacks = (*callbacks).clone();
        let error = error.clone();
        use_effect_with((), move |_| {
            if let Some(parent) = host.cast::<Element>() {
                let hooks = Hooks::new(callbacks);
                match JsEditor::new(&parent, &initial, &hooks.object, LABEL) {
                    Ok(editor) => {
                        *handle.0.borrow_mut() = Some(Mounted {
                            editor,
                            _hooks: hooks,
                        })
                    }
                    Err(cause) => error.set(Some(format!(
                        "The code editor could not start: {}",
                        cause
                            .dyn_ref::<js_sys::Error>()
                            .map(|error| String::from(error.message()))
                            .unwrap_or_else(|| "its script did not load".to_owned())
                    ))),
                }
            }
            move || {
                if let Some(mounted) = handle.0.borrow_mut().take() {
                    mounted.editor.destroy();
                }
            }
        });
    }
    // CodeMirror owns the host's children; Yew renders none there.
    html! {
        <div class="editor">
            if let Some(message) = &*error {
                <p class="notice notice-warning" role="alert">{ message.clone() }</p>
            }
            <div class="editor-host" ref={host} />
        </div>
    }
}
