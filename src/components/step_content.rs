//! A step's Markdown, already rendered and sanitised by the worker (`markdown.rs` of the
//! artifact crate), with a Copy button on every code block.

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
}

/// Puts the worker's sanitised HTML into the page.
#[component]
pub fn StepContent(props: &StepContentProps) -> Html {
    let node = use_node_ref();
    {
        let node = node.clone();
        use_effect_with(props.html.clone(), move |_| {
            if let Some(root) = node.cast::<web_sys::Element>() {
                add_copy_buttons(&root);
            }
        });
    }
    // The worker sanitised it with an allow-list (no script, no event attributes, no
    // javascript:/data: links): see stepwise_artifact::markdown.
    let content = Html::from_html_unchecked(props.html.clone());
    html! { <div ref={node} class={classes!("markdown", props.class.clone())}>{ content }</div> }
}

fn add_copy_buttons(root: &web_sys::Element) {
    let Ok(blocks) = root.query_selector_all("pre") else { return };
    let Some(document) = web_sys::window().and_then(|w| w.document()) else { return };
    for i in 0..blocks.length() {
        let Some(pre) = blocks.item(i).and_then(|n| n.dyn_into::<web_sys::Element>().ok()) else { continue };
        if pre.parent_element().is_some_and(|p| p.class_name() == "code-block") {
            continue;
        }
        let Ok(wrap) = document.create_element("div") else { continue };
        wrap.set_class_name("code-block");
        let Ok(button) = document.create_element("button") else { continue };
        button.set_class_name("copy secondary");
        button.set_attribute("type", "button").ok();
        button.set_attribute("aria-label", "Copy the code").ok();
        button.set_text_content(Some("Copy"));
        let text = pre.text_content().unwrap_or_default();
        let target = button.clone();
        let on_click = Closure::<dyn Fn()>::new(move || {
            copy_text(&text);
            target.set_text_content(Some("Copied"));
        });
        button.add_event_listener_with_callback("click", on_click.as_ref().unchecked_ref()).ok();
        on_click.forget();
        if let Some(parent) = pre.parent_node() {
            parent.insert_before(&wrap, Some(&pre)).ok();
            wrap.append_child(&pre).ok();
            wrap.append_child(&button).ok();
        }
    }
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
