//! Text-form actions of an opened database export as YAML/CSV, decompile, export as
//! project, rebuild from a project zip (after a confirmation that says what will be recreated),
//! and the link to its SQL playground.

use wasm_bindgen::JsCast;
use web_sys::HtmlInputElement;
use yew::platform::spawn_local;
use yew::prelude::*;

use stepwise_protocol::{Entry, EntryKind, PreviewZip, RebuildProject, TextForm, ZipContents};

use crate::hooks::{Route, navigate, use_library};

/// Props of [`TextFormActions`].
#[derive(Properties, PartialEq)]
pub struct TextFormActionsProps {
    /// The stored entry.
    pub entry: Entry,
    /// A download or export of it is under way.
    #[prop_or_default]
    pub busy: bool,
}

/// Buttons for the text forms and the playground link.
#[component]
pub fn TextFormActions(props: &TextFormActionsProps) -> Html {
    let (_, commands) = use_library();
    let rebuild = use_state(|| None::<(ZipContents, web_sys::File)>);
    let entry = &props.entry;
    let export = |form: TextForm| {
        let (commands, entry) = (commands.clone(), entry.clone());
        Callback::from(move |_: MouseEvent| commands.export_text(entry.clone(), form))
    };
    let on_pick = {
        let (commands, rebuild) = (commands.clone(), rebuild.clone());
        Callback::from(move |e: Event| {
            let Some(input) = e.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
            let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
            input.set_value("");
            let (commands, rebuild) = (commands.clone(), rebuild.clone());
            spawn_local(async move {
                let name = file.name();
                let request = PreviewZip { name: name.clone() };
                let id = commands.worker().next_id();
                match commands.worker().call_with(id, request, Some(file.clone()), None).await {
                    Ok(contents) => rebuild.set(Some((contents, file))),
                    Err(error) => commands.alert(&name, &error),
                }
            });
        })
    };
    let confirm = rebuild.as_ref().map(|(contents, file)| {
        let on_replace = {
            let (commands, rebuild, entry, file) = (commands.clone(), rebuild.clone(), entry.clone(), file.clone());
            let name = contents.name.clone();
            Callback::from(move |_: MouseEvent| {
                rebuild.set(None);
                let (commands, entry, file, name) = (commands.clone(), entry.clone(), file.clone(), name.clone());
                spawn_local(async move {
                    let request = RebuildProject { entry: entry.id.clone(), name: name.clone() };
                    let id = commands.worker().next_id();
                    match commands.worker().call_with(id, request, Some(file), None).await {
                        Ok(imported) => {
                            commands.refresh();
                            navigate(&Route::Entry(imported.entry.id));
                        }
                        Err(error) => commands.alert(&name, &error),
                    }
                });
            })
        };
        let on_cancel = {
            let rebuild = rebuild.clone();
            Callback::from(move |_: MouseEvent| rebuild.set(None))
        };
        let sentence = if contents.form == TextForm::Project {
            format!("{} will be recreated; the stored .db will be replaced.", contents.counts)
        } else {
            format!("{} is a workshop, not a project: add it to the library instead.", contents.name)
        };
        html! {
            <div class="rebuild-confirm notice" role="group" aria-label="Confirm the rebuild">
                <p><strong>{ format!("Rebuild from {}?", contents.name) }</strong>{ " " }<span class="rebuild-summary">{ sentence }</span></p>
                <div class="dialog-actions">
                    if contents.form == TextForm::Project {
                        <button class="primary" onclick={on_replace}>{ "Replace the stored database" }</button>
                    }
                    <button class="quiet" onclick={on_cancel}>{ "Cancel" }</button>
                </div>
            </div>
        }
    });
    let workshop = entry.kind == EntryKind::Workshop;
    html! {
        <div class="text-forms">
            <div class="view-actions">
                if workshop {
                    <button onclick={export(TextForm::Workshop)} disabled={props.busy}>{ "Export as YAML/CSV (.zip)" }</button>
                    <button onclick={export(TextForm::Decompiled)} disabled={props.busy}>{ "Decompile (.zip)" }</button>
                }
                <button onclick={export(TextForm::Project)} disabled={props.busy}>{ "Export as project (.zip)" }</button>
                // A workshop is rebuilt from its own text form (add the zip); a plain database from a project.
                if !workshop {
                    <label class="button">
                        { "Rebuild from a project (.zip)…" }
                        <input type="file" class="visually-hidden" accept=".zip,application/zip" onchange={on_pick} />
                    </label>
                }
                <a class="button" href={Route::Playground(entry.id.clone()).href()}>{ "Open the SQL playground" }</a>
            </div>
            if let Some(confirm) = confirm { { confirm } }
        </div>
    }
}
