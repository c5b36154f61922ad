//! A step's Markdown, already rendered and sanitised by the worker (`markdown.rs` of the
//! artifact crate), with a Copy button on every code block, a Run button on SQL ones when the
//! page has a workspace to run them on, and highlighting of SQL, shell and YAML (once the
//! editor's bundle is there).

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use wasm_bindgen::closure::Closure;
use yew::prelude::*;

/// Props of [`StepContent`].
#[derive(Properties, PartialEq)]
pub struct StepContentProps {
    /// Sanitised HTML.
    pub html: AttrValue,
    /// Extra class.
    #[prop_or_default]
    pub class: Classes,
    /// Puts an SQL code block into the editor and runs it; without it, SQL blocks have Copy only.
    #[prop_or_default]
    pub on_run: Option<Callback<String>>,
}

/// Puts the worker's sanitised HTML into the page.
#[component]
pub fn StepContent(props: &StepContentProps) -> Html {
    let node = use_node_ref();
    // The latest `on_run`, read by the buttons when clicked (they outlive a render).
    let on_run = use_mut_ref(|| None::<Callback<String>>);
    *on_run.borrow_mut() = props.on_run.clone();
    {
        let (node, on_run) = (node.clone(), on_run.clone());
        use_effect_with(props.html.clone(), move |_| {
            if let Some(root) = node.cast::<web_sys::Element>() {
                add_buttons(&root, &on_run);
                crate::editor::highlight_later(root);
            }
        });
    }
    // The worker sanitised it with an allow-list (no script, no event attributes, no
    // javascript:/data: links): see stepwise_artifact::markdown. It goes in as one element, so
    // the code blocks `add_buttons` wraps are never among the raw nodes Yew takes out one by
    // one when the HTML changes. The classes are this page's own names.
    let classes = classes!("markdown", props.class.clone()).to_string();
    let content = Html::from_html_unchecked(AttrValue::from(format!("<div class=\"{classes}\">{}</div>", props.html)));
    html! { <div ref={node} class="markdown-host">{ content }</div> }
}

/// Whether a code block is SQL (` ```sql ` or ` ```sqlite `).
fn is_sql(pre: &web_sys::Element) -> bool {
    pre.query_selector("code.language-sql, code.language-sqlite").ok().flatten().is_some()
}

fn add_buttons(root: &web_sys::Element, on_run: &Rc<RefCell<Option<Callback<String>>>>) {
    let Ok(blocks) = root.query_selector_all("pre") else { return };
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    for i in 0..blocks.length() {
        let Some(pre) = blocks.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) else { continue };
        if pre.parent_element().is_some_and(|p| p.class_name() == "code-block") {
            continue;
        }
        let Ok(wrap) = document.create_element("div") else { continue };
        wrap.set_class_name("code-block");
        let Ok(actions) = document.create_element("div") else { continue };
        actions.set_class_name("code-actions");
        // A long line scrolls the block sideways: keyboard users reach it too.
        pre.set_attribute("tabindex", "0").ok();
        let text = pre.text_content().unwrap_or_default();
        if is_sql(&pre) && on_run.borrow().is_some() {
            let on_run = on_run.clone();
            let sql = text.trim_end().to_owned();
            let button = button(&document, "run-code", "Run", "Put this SQL in the editor and run it", move |_| {
                if let Some(run) = on_run.borrow().as_ref() {
                    run.emit(sql.clone());
                }
            });
            if let Some(b) = button {
                actions.append_child(&b).ok();
            }
        }
        let copy = {
            let text = text.clone();
            button(&document, "copy secondary", "Copy", "Copy the code", move |target| {
                copy_text(&text);
                target.set_text_content(Some("Copied"));
            })
        };
        if let Some(b) = copy {
            actions.append_child(&b).ok();
        }
        if let Some(parent) = pre.parent_node() {
            parent.insert_before(&wrap, Some(&pre)).ok();
            wrap.append_child(&pre).ok();
            wrap.append_child(&actions).ok();
        }
    }
}

/// A `<button>` that calls `on_click` with itself. Its listener lives as long as the page: the
/// button goes away with the step's HTML.
fn button(
    document: &web_sys::Document,
    class: &str,
    text: &str,
    label: &str,
    on_click: impl Fn(&web_sys::Element) + 'static,
) -> Option<web_sys::Element> {
    let button = document.create_element("button").ok()?;
    button.set_class_name(class);
    button.set_attribute("type", "button").ok();
    button.set_attribute("aria-label", label).ok();
    button.set_text_content(Some(text));
    let target = button.clone();
    let listener = Closure::<dyn Fn()>::new(move || on_click(&target));
    button.add_event_listener_with_callback("click", listener.as_ref().unchecked_ref()).ok();
    listener.forget();
    Some(button)
}

/// `navigator.clipboard.writeText(text)` (through `Reflect`: web-sys's binding is unstable).
pub fn copy_text(text: &str) {
    let Some(window) = web_sys::window() else { return };
    let navigator = window.navigator();
    let Ok(clipboard) = js_sys::Reflect::get(&navigator, &"clipboard".into()) else { return };
    let Ok(write) = js_sys::Reflect::get(&clipboard, &"writeText".into()) else { return };
    if let Ok(write) = write.dyn_into::<js_sys::Function>() {
        let _ = write.call1(&clipboard, &text.into());
    }
}
