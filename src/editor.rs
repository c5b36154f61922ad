//! The SQL editor's bundle (`editor/stepwise-editor.js`, CodeMirror 6; see
//! `static/editor/editor.mjs`), imported on first use so it never delays the first paint, and
//! the calls the page makes into it. When it cannot be loaded the page keeps a plain text area
//! and unhighlighted code.

use std::cell::RefCell;

use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen(inline_js = "
let loading = null;
export function import_editor() {
  loading ??= import(new URL('editor/stepwise-editor.js', document.baseURI).href);
  return loading;
}
")]
extern "C" {
    fn import_editor() -> js_sys::Promise;
}

#[wasm_bindgen]
extern "C" {
    /// The bundle's module.
    #[derive(Clone)]
    pub type EditorModule;

    #[wasm_bindgen(method, js_name = createEditor)]
    fn create_editor(this: &EditorModule, parent: &web_sys::Element, options: &js_sys::Object) -> Editor;

    #[wasm_bindgen(method, js_name = highlightWithin)]
    fn highlight_within(this: &EditorModule, root: &web_sys::Element);

    /// One editor on the page.
    pub type Editor;

    /// Its text.
    #[wasm_bindgen(method, getter)]
    pub fn value(this: &Editor) -> String;

    /// Replaces its text (the cursor goes to the end).
    #[wasm_bindgen(method, setter)]
    pub fn set_value(this: &Editor, text: &str);

    /// Adds a statement to the history that Ctrl+↑ goes back through.
    #[wasm_bindgen(method)]
    pub fn remember(this: &Editor, text: &str);

    #[wasm_bindgen(method, js_name = setSchema)]
    fn set_schema_object(this: &Editor, schema: &js_sys::Object);

    /// Moves the keyboard focus into it.
    #[wasm_bindgen(method)]
    pub fn focus(this: &Editor);

    /// Removes it from the page.
    #[wasm_bindgen(method)]
    pub fn destroy(this: &Editor);
}

thread_local! {
    static MODULE: RefCell<Option<EditorModule>> = const { RefCell::new(None) };
}

/// The bundle, imported the first time it is asked for; `None` when it cannot be (offline
/// before it was ever cached, or blocked).
pub async fn module() -> Option<EditorModule> {
    if let Some(module) = MODULE.with(|m| m.borrow().clone()) {
        return Some(module);
    }
    match JsFuture::from(import_editor()).await {
        Ok(module) => {
            let module: EditorModule = module.unchecked_into();
            MODULE.with(|m| *m.borrow_mut() = Some(module.clone()));
            Some(module)
        }
        Err(error) => {
            web_sys::console::warn_2(
                &"Stepwise: the SQL editor could not be loaded; using a plain text box.".into(),
                &error,
            );
            None
        }
    }
}

/// Starts importing the bundle, for an editor the learner is about to need (a workshop being
/// added on a first visit): it downloads while the database worker stores and opens it.
pub fn prefetch() {
    yew::platform::spawn_local(async {
        let _ = module().await;
    });
}

/// What an editor is made with.
pub struct EditorOptions<'a> {
    /// Its first text.
    pub text: &'a str,
    /// The `id` of its editable element (what tests and labels find).
    pub id: &'a str,
    /// The `id` of the element that labels it.
    pub labelled_by: &'a str,
    /// Where its history is remembered (`localStorage`), per workshop or database.
    pub history_key: &'a str,
    /// Shown while it is empty.
    pub placeholder: &'a str,
    /// Ctrl/Cmd+Enter: the selection, or all of the text.
    pub on_run: &'a Closure<dyn FnMut(String)>,
    /// Every change of the text.
    pub on_change: &'a Closure<dyn FnMut(String)>,
}

impl EditorModule {
    /// A new editor inside `parent`.
    pub fn editor(&self, parent: &web_sys::Element, options: &EditorOptions<'_>) -> Editor {
        let object = js_sys::Object::new();
        let set = |key: &str, value: &JsValue| {
            let _ = js_sys::Reflect::set(&object, &key.into(), value);
        };
        set("doc", &options.text.into());
        set("id", &options.id.into());
        set("labelledBy", &options.labelled_by.into());
        set("historyKey", &options.history_key.into());
        set("placeholder", &options.placeholder.into());
        set("onRun", options.on_run.as_ref());
        set("onChange", options.on_change.as_ref());
        self.create_editor(parent, &object)
    }

    /// Highlights the SQL, shell and YAML code blocks below `root` (once each).
    pub fn highlight(&self, root: &web_sys::Element) {
        self.highlight_within(root);
    }
}

impl Editor {
    /// Tells the editor the workspace's tables and columns, for completion.
    pub fn set_schema<'a>(&self, tables: impl IntoIterator<Item = (&'a str, &'a [String])>) {
        let schema = js_sys::Object::new();
        for (name, columns) in tables {
            let list: js_sys::Array = columns.iter().map(|c| JsValue::from_str(c)).collect();
            let _ = js_sys::Reflect::set(&schema, &name.into(), &list);
        }
        self.set_schema_object(&schema);
    }
}

/// Highlights the code blocks below `root` once the bundle is there (loading it if needed).
pub fn highlight_later(root: web_sys::Element) {
    wasm_bindgen_futures::spawn_local(async move {
        if let Some(module) = module().await {
            module.highlight(&root);
        }
    });
}
