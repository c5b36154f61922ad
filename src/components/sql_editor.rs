//! An SQL editor with its Run button: CodeMirror once its bundle has loaded (highlighting,
//! matching brackets and quotes, completion of the workspace's tables and columns, Ctrl/Cmd+Enter
//! runs the selection or everything, Ctrl+↑/↓ go through the statements run before), a plain
//! text area until then or if it cannot load.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::closure::Closure;
use yew::prelude::*;

use stepwise_protocol::WorkspaceTable;

use crate::editor::{self, Editor, EditorOptions};

/// Text to put into the editor, and whether to run it: each new `serial` is applied once.
#[derive(Debug, Clone, PartialEq)]
pub struct Load {
    /// Changes for every new request.
    pub serial: u32,
    /// The text.
    pub text: AttrValue,
    /// Run it at once (a Run button on a code block).
    pub run: bool,
}

/// Props of [`SqlEditor`].
#[derive(Properties, PartialEq)]
pub struct SqlEditorProps {
    /// The `id` of the editable element.
    pub id: AttrValue,
    /// The `id` of its label.
    pub labelled_by: AttrValue,
    /// Where the statements run are remembered (one history per workshop or database).
    pub history_key: AttrValue,
    /// Shown while the editor is empty.
    #[prop_or_default]
    pub placeholder: AttrValue,
    /// Tables and columns to complete.
    #[prop_or_default]
    pub schema: Vec<WorkspaceTable>,
    /// Text to load (and maybe run).
    #[prop_or_default]
    pub load: Option<Load>,
    /// A request is running: Run waits.
    #[prop_or_default]
    pub busy: bool,
    /// The Run button's text.
    #[prop_or(AttrValue::Static("Run"))]
    pub run_label: AttrValue,
    /// Run this statement.
    pub on_run: Callback<String>,
}

/// The live editor and the closures it calls (dropped with it).
struct Live {
    editor: Editor,
    _on_run: Closure<dyn FnMut(String)>,
    _on_change: Closure<dyn FnMut(String)>,
}

/// The editor.
#[component]
pub fn SqlEditor(props: &SqlEditorProps) -> Html {
    let host = use_node_ref();
    let live = use_mut_ref(|| None::<Live>);
    let ready = use_state(|| false);
    // The text, kept here too: the text area's, and the editor's as it changes.
    let text = use_mut_ref(String::new);
    // The latest `on_run`, for the editor's Ctrl+Enter (made once, while props change).
    let on_run = use_mut_ref(|| props.on_run.clone());
    *on_run.borrow_mut() = props.on_run.clone();

    {
        let (host, live, ready, text, on_run) =
            (host.clone(), live.clone(), ready.clone(), text.clone(), on_run.clone());
        let (id, labelled_by, history_key, placeholder) =
            (props.id.clone(), props.labelled_by.clone(), props.history_key.clone(), props.placeholder.clone());
        use_effect_with((), move |_| {
            let alive = Rc::new(Cell::new(true));
            {
                let (alive, live) = (alive.clone(), live.clone());
                wasm_bindgen_futures::spawn_local(async move {
                    let Some(module) = editor::module().await else { return };
                    let Some(parent) = host.cast::<web_sys::Element>().filter(|_| alive.get()) else { return };
                    let run = Closure::<dyn FnMut(String)>::new(move |sql: String| on_run.borrow().emit(sql));
                    let changed = {
                        let text = text.clone();
                        Closure::<dyn FnMut(String)>::new(move |value: String| *text.borrow_mut() = value)
                    };
                    let current = text.borrow().clone();
                    let editor = module.editor(
                        &parent,
                        &EditorOptions {
                            text: &current,
                            id: &id,
                            labelled_by: &labelled_by,
                            history_key: &history_key,
                            placeholder: &placeholder,
                            on_run: &run,
                            on_change: &changed,
                        },
                    );
                    *live.borrow_mut() = Some(Live { editor, _on_run: run, _on_change: changed });
                    ready.set(true);
                });
            }
            move || {
                alive.set(false);
                if let Some(l) = live.borrow_mut().take() {
                    l.editor.destroy();
                }
            }
        });
    }

    // The workspace's tables, for completion.
    {
        let live = live.clone();
        use_effect_with((props.schema.clone(), *ready), move |(schema, _)| {
            if let Some(l) = live.borrow().as_ref() {
                l.editor.set_schema(schema.iter().map(|t| (t.name.as_str(), t.columns.as_slice())));
            }
        });
    }

    // Text from outside (a code block's Run, a solution), run at once when asked.
    {
        let (live, text, on_run) = (live.clone(), text.clone(), props.on_run.clone());
        let rerender = use_force_update();
        use_effect_with(props.load.clone(), move |load| {
            if let Some(load) = load {
                *text.borrow_mut() = load.text.to_string();
                match live.borrow().as_ref() {
                    Some(l) => {
                        l.editor.set_value(&load.text);
                        if load.run {
                            l.editor.remember(&load.text);
                        }
                    }
                    None => rerender.force_update(),
                }
                if load.run {
                    on_run.emit(load.text.to_string());
                }
            }
        });
    }

    let run_now = {
        let (live, text, on_run) = (live.clone(), text.clone(), props.on_run.clone());
        Callback::from(move |_: MouseEvent| {
            let sql = match live.borrow().as_ref() {
                Some(l) => {
                    let sql = l.editor.value();
                    if !sql.trim().is_empty() {
                        l.editor.remember(&sql);
                    }
                    sql
                }
                None => text.borrow().clone(),
            };
            if !sql.trim().is_empty() {
                on_run.emit(sql);
            }
        })
    };
    let on_input = {
        let text = text.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(value) =
                e.target().and_then(|t| js_sys::Reflect::get(&t, &"value".into()).ok()).and_then(|v| v.as_string())
            {
                *text.borrow_mut() = value;
            }
        })
    };
    let on_keydown = {
        let (text, on_run) = (text.clone(), props.on_run.clone());
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                e.prevent_default();
                on_run.emit(text.borrow().clone());
            }
        })
    };
    let value = text.borrow().clone();
    html! {
        <div class="sql-editor-wrap">
            <div class="sql-editor" data-editor={if *ready { "ready" } else { "loading" }}>
                if !*ready {
                    <textarea id={props.id.clone()} aria-labelledby={props.labelled_by.clone()} rows="5" spellcheck="false"
                              autocomplete="off" placeholder={props.placeholder.clone()} {value}
                              oninput={on_input} onkeydown={on_keydown} />
                }
                <div ref={host} class="sql-editor-host"></div>
            </div>
            <button class="run" onclick={run_now} disabled={props.busy}>{ props.run_label.clone() }</button>
        </div>
    }
}
