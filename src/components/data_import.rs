//! "Import CSV, TSV or JSON…" in a database's playground: pick a data file, see its preview,
//! and write it into a new or existing table of this database.

use yew::platform::spawn_local;
use yew::prelude::*;

use crate::format::grouped;
use crate::hooks::use_library;
use stepwise_protocol::{DataImported, DataOptions, DataPreview, PreviewData};

use super::add_workshop::opens_picker;
use super::data_dialog::DataDialog;

/// Props of [`DataImport`].
#[derive(Properties, PartialEq)]
pub struct DataImportProps {
    /// The database's entry id.
    pub entry: AttrValue,
    /// Its tables (rows may be added to one of them).
    pub tables: Vec<String>,
    /// Rows were written: the page reads its tables again and shows this one.
    pub on_done: Callback<DataImported>,
}

/// The button, the file picker, the preview and what the last import wrote.
#[component]
pub fn DataImport(props: &DataImportProps) -> Html {
    let (_, commands) = use_library();
    let picker = use_node_ref();
    let open = use_state(|| None::<(web_sys::File, DataPreview)>);
    let status = use_state(|| None::<Result<String, String>>);

    let on_picked = {
        let (commands, open, status) = (commands.clone(), open.clone(), status.clone());
        Callback::from(move |event: Event| {
            let Some(input) = event.target_dyn_into::<web_sys::HtmlInputElement>() else { return };
            let file = input.files().and_then(|files| files.get(0));
            // Picking the same file again must fire `change` again.
            input.set_value("");
            let Some(file) = file else { return };
            let (commands, open, status) = (commands.clone(), open.clone(), status.clone());
            status.set(None);
            spawn_local(async move {
                let worker = commands.worker();
                let request = PreviewData { name: file.name(), options: DataOptions::default(), pending: None };
                match worker.call_with(worker.next_id(), request, Some(file.clone()), None).await {
                    Ok(preview) => open.set(Some((file, preview))),
                    Err(e) => status.set(Some(Err(e.message))),
                }
            });
        })
    };
    let on_done = {
        let (open, status, on_done) = (open.clone(), status.clone(), props.on_done.clone());
        Callback::from(move |done: DataImported| {
            open.set(None);
            let rows = if done.rows == 1 { "1 row".to_owned() } else { format!("{} rows", grouped(done.rows)) };
            status.set(Some(Ok(format!("Imported {rows} into {}.", done.table))));
            on_done.emit(done);
        })
    };
    let on_cancel = {
        let open = open.clone();
        Callback::from(move |()| open.set(None))
    };
    html! {
        <div class="data-import">
            <button class="small" onclick={opens_picker(&picker)}>{ "Import CSV, TSV or JSON…" }</button>
            <input ref={picker} id="data-file" class="visually-hidden" type="file" tabindex="-1"
                   accept=".csv,.tsv,.tab,.txt,.json,.ndjson,.jsonl,text/csv,application/json"
                   aria-label="Data file to import" onchange={on_picked} />
            { match &*status {
                Some(Ok(text)) => html! { <p class="meta data-status" role="status">{ text.clone() }</p> },
                Some(Err(text)) => html! { <p class="query-error data-status" role="alert">{ text.clone() }</p> },
                None => html! {},
            } }
            if let Some((file, preview)) = (*open).clone() {
                <DataDialog file={Some(file)} {preview} entry={Some(props.entry.to_string())} tables={props.tables.clone()}
                            {on_done} {on_cancel} />
            }
        </div>
    }
}
