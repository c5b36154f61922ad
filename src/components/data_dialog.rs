//! Importing a data file (CSV, TSV, JSON): what the worker read, shown before anything is
//! written — the delimiter, the header, each column's type and the first rows as they will be
//! stored — with each choice open to change, and where the rows go.

use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, HtmlSelectElement};
use yew::platform::spawn_local;
use yew::prelude::*;

use crate::format::grouped;
use crate::hooks::use_library;
use stepwise_protocol::{
    ColumnType, DataFormat, DataImported, DataOptions, DataPreview, ImportData, PreviewData, WorkerError,
};

use super::modal::Modal;
use super::result_grid::body_rows;

/// Props of [`DataDialog`].
#[derive(Properties, PartialEq)]
pub struct DataDialogProps {
    /// The data file (`None`: the worker holds it, see [`DataPreview::pending`]).
    pub file: Option<web_sys::File>,
    /// What the worker read in it, as detected.
    pub preview: DataPreview,
    /// The database to write into; `None`: a new one named after the file.
    #[prop_or_default]
    pub entry: Option<String>,
    /// The tables of that database rows may be added to.
    #[prop_or_default]
    pub tables: Vec<String>,
    /// The rows were written.
    pub on_done: Callback<DataImported>,
    /// Cancel or Escape: nothing was written.
    pub on_cancel: Callback<()>,
}

/// The delimiters offered, with their names.
const DELIMITERS: [(char, &str); 4] = [(',', "Comma"), ('\t', "Tab"), (';', "Semicolon"), ('|', "Pipe")];
const TYPES: [ColumnType; 3] = [ColumnType::Integer, ColumnType::Real, ColumnType::Text];

fn describe(preview: &DataPreview) -> String {
    let layout = match (preview.format, preview.delimiter) {
        (DataFormat::Json, _) => "A JSON array".to_owned(),
        (DataFormat::JsonLines, _) => "JSON, one object per line".to_owned(),
        (DataFormat::Delimited, d) => match DELIMITERS.iter().find(|(c, _)| Some(*c) == d) {
            Some((_, name)) => format!("{name}-separated"),
            None => format!("Separated by {:?}", d.unwrap_or(',')),
        },
    };
    let rows = if preview.total == 1 { "1 row".to_owned() } else { format!("{} rows", grouped(preview.total)) };
    let columns = preview.columns.len();
    format!("{layout} · {rows} · {columns} column{}", if columns == 1 { "" } else { "s" })
}

fn input_value(event: &Event) -> Option<String> {
    let target = event.target()?;
    if let Some(select) = target.dyn_ref::<HtmlSelectElement>() {
        return Some(select.value());
    }
    target.dyn_ref::<HtmlInputElement>().map(HtmlInputElement::value)
}

/// "Import people.csv": the preview, the choices, and Import.
#[component]
pub fn DataDialog(props: &DataDialogProps) -> Html {
    let (_, commands) = use_library();
    let preview = use_state(|| props.preview.clone());
    let types = use_state(|| props.preview.columns.iter().map(|c| c.column_type).collect::<Vec<_>>());
    let table = use_state(|| props.preview.table.clone());
    let append = use_state(|| false);
    let append_to = use_state(|| props.tables.first().cloned().unwrap_or_default());
    let busy = use_state(|| false);
    let error = use_state(|| None::<String>);
    // The delimiter and header as the controls show them: the user's choice at once, then what
    // the worker read.
    let shown = use_state(|| DataOptions { delimiter: props.preview.delimiter, header: Some(props.preview.header) });

    // Reads the file again with other options (delimiter, header).
    let reread = {
        let (commands, file, preview, types, busy, error) =
            (commands.clone(), props.file.clone(), preview.clone(), types.clone(), busy.clone(), error.clone());
        let shown = shown.clone();
        Callback::from(move |options: DataOptions| {
            let (commands, file, preview, types, busy, error) =
                (commands.clone(), file.clone(), preview.clone(), types.clone(), busy.clone(), error.clone());
            let shown = shown.clone();
            shown.set(options);
            busy.set(true);
            spawn_local(async move {
                let worker = commands.worker();
                let request = PreviewData { name: preview.name.clone(), options, pending: preview.pending.clone() };
                match worker.call_with(worker.next_id(), request, file, None).await {
                    Ok(read) => {
                        types.set(read.columns.iter().map(|c| c.column_type).collect());
                        shown.set(DataOptions { delimiter: read.delimiter, header: Some(read.header) });
                        preview.set(read);
                        error.set(None);
                    }
                    Err(e) => {
                        shown.set(DataOptions { delimiter: preview.delimiter, header: Some(preview.header) });
                        error.set(Some(e.message));
                    }
                }
                busy.set(false);
            });
        })
    };
    let on_delimiter = {
        let (reread, preview) = (reread.clone(), preview.clone());
        Callback::from(move |event: Event| {
            let delimiter = input_value(&event).and_then(|v| v.chars().next());
            reread.emit(DataOptions { delimiter, header: Some(preview.header) });
        })
    };
    let on_header = {
        let (reread, preview) = (reread.clone(), preview.clone());
        Callback::from(move |event: Event| {
            let checked =
                event.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()).is_some_and(|i| i.checked());
            reread.emit(DataOptions { delimiter: preview.delimiter, header: Some(checked) });
        })
    };
    let on_type = |i: usize| {
        let types = types.clone();
        Callback::from(move |event: Event| {
            let chosen = match input_value(&event).as_deref() {
                Some("INTEGER") => ColumnType::Integer,
                Some("REAL") => ColumnType::Real,
                _ => ColumnType::Text,
            };
            let mut next = (*types).clone();
            if let Some(slot) = next.get_mut(i) {
                *slot = chosen;
            }
            types.set(next);
        })
    };
    let on_table = {
        let table = table.clone();
        Callback::from(move |event: InputEvent| {
            if let Some(value) = event.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()).map(|i| i.value()) {
                table.set(value);
            }
        })
    };
    let on_mode = |to_append: bool| {
        let append = append.clone();
        Callback::from(move |_: Event| append.set(to_append))
    };
    let on_append_to = {
        let append_to = append_to.clone();
        Callback::from(move |event: Event| {
            if let Some(v) = input_value(&event) {
                append_to.set(v);
            }
        })
    };
    let on_import = {
        let (commands, file, entry) = (commands.clone(), props.file.clone(), props.entry.clone());
        let (preview, types, table, append, append_to) =
            (preview.clone(), types.clone(), table.clone(), append.clone(), append_to.clone());
        let (busy, error, on_done) = (busy.clone(), error.clone(), props.on_done.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let request = ImportData {
                name: preview.name.clone(),
                pending: preview.pending.clone(),
                entry: entry.clone(),
                table: if *append { (*append_to).clone() } else { table.trim().to_owned() },
                append: *append,
                options: DataOptions { delimiter: preview.delimiter, header: Some(preview.header) },
                types: (*types).clone(),
            };
            let (commands, file, busy, error, on_done) =
                (commands.clone(), file.clone(), busy.clone(), error.clone(), on_done.clone());
            busy.set(true);
            error.set(None);
            spawn_local(async move {
                let worker = commands.worker();
                let answer: Result<DataImported, WorkerError> =
                    worker.call_with(worker.next_id(), request, file, None).await;
                busy.set(false);
                match answer {
                    Ok(done) => on_done.emit(done),
                    Err(e) => error.set(Some(e.message)),
                }
            });
        })
    };
    let on_cancel = {
        let on_cancel = props.on_cancel.clone();
        Callback::from(move |()| on_cancel.emit(()))
    };
    let cancel_click = {
        let on_cancel = props.on_cancel.clone();
        Callback::from(move |_: MouseEvent| on_cancel.emit(()))
    };

    let p = &*preview;
    let delimited = p.format == DataFormat::Delimited;
    let custom = shown.delimiter.filter(|d| !DELIMITERS.iter().any(|(c, _)| c == d));
    let layout = delimited.then(|| {
        html! {
            <div class="data-layout">
                <label>{ "Delimiter " }
                    <select id="data-delimiter" onchange={on_delimiter} disabled={*busy}>
                        { for DELIMITERS.iter().map(|(c, name)| html! {
                            <option value={c.to_string()} selected={shown.delimiter == Some(*c)}>{ *name }</option>
                        }) }
                        if let Some(c) = custom {
                            <option value={c.to_string()} selected=true>{ format!("{c:?}") }</option>
                        }
                    </select>
                </label>
                <label class="data-check">
                    <input id="data-header" type="checkbox" checked={shown.header.unwrap_or(p.header)} onchange={on_header} disabled={*busy} />
                    { " The first row names the columns" }
                </label>
            </div>
        }
    });
    let head = html! {
        <tr>
            { for p.columns.iter().enumerate().map(|(i, c)| {
                let chosen = types.get(i).copied().unwrap_or(c.column_type);
                let label = format!("Type of {}", c.name);
                html! {
                    <th scope="col">
                        <span class="data-col">{ c.name.clone() }</span>
                        <select class="data-type" aria-label={label} onchange={on_type(i)}>
                            { for TYPES.iter().map(|t| html! {
                                <option value={t.sql()} selected={*t == chosen}>{ t.sql() }</option>
                            }) }
                        </select>
                    </th>
                }
            }) }
        </tr>
    };
    let new_db = props.entry.is_none();
    let can_append = !props.tables.is_empty();
    let target_table = if *append { (*append_to).clone() } else { table.trim().to_owned() };
    let blocked = p.problem.is_some() || p.columns.is_empty() || target_table.is_empty() || *busy;
    let rows_label = if p.total == 1 { "Import 1 row".to_owned() } else { format!("Import {} rows", grouped(p.total)) };
    html! {
        <Modal labelled_by="data-title" described_by="data-what" {on_cancel} wide=true>
            <form class="data-dialog" onsubmit={on_import} aria-busy={busy.to_string()}>
                <h2 id="data-title">{ format!("Import {}", p.name) }</h2>
                <p id="data-what"><strong class="data-summary">{ describe(p) }</strong>
                    { ". Nothing is written until you import it." }</p>
                if let Some(layout) = layout { { layout } }
                if p.columns.is_empty() {
                    <p class="meta">{ "It holds no rows." }</p>
                } else {
                    <div class="result-scroll data-preview">
                        <table class="result" aria-label={format!("The first rows of {}", p.name)}>
                            <thead>{ head }</thead>
                            <tbody>{ body_rows(&p.rows) }</tbody>
                        </table>
                    </div>
                    if p.total > p.rows.len() as u64 {
                        <p class="meta">{ format!("The first {} of {} rows.", p.rows.len(), grouped(p.total)) }</p>
                    }
                }
                if !p.notes.is_empty() {
                    <ul class="data-notes">{ for p.notes.iter().map(|n| html! { <li>{ n.clone() }</li> }) }</ul>
                }
                if let Some(problem) = &p.problem {
                    <p class="data-problem" role="alert">{ format!("{problem}. Choose another delimiter, or fix the file and add it again.") }</p>
                }
                <fieldset class="data-target">
                    <legend>{ if new_db {
                        format!("A new database, {}.db, is added to your library with the table", p.table)
                    } else { "Write the rows into".to_owned() } }</legend>
                    if can_append {
                        <label class="data-check">
                            <input type="radio" name="data-mode" checked={!*append} onchange={on_mode(false)} />
                            { " a new table" }
                        </label>
                    }
                    <input id="data-table" type="text" aria-label="Name of the new table" value={(*table).clone()}
                           maxlength="100" oninput={on_table} disabled={*append} />
                    if can_append {
                        <label class="data-check">
                            <input id="data-append" type="radio" name="data-mode" checked={*append} onchange={on_mode(true)} />
                            { " add them to the table " }
                        </label>
                        <select id="data-append-to" aria-label="Table to add the rows to" onchange={on_append_to}
                                disabled={!*append}>
                            { for props.tables.iter().map(|t| html! {
                                <option value={t.clone()} selected={*t == *append_to}>{ t.clone() }</option>
                            }) }
                        </select>
                    }
                    if *append {
                        <p class="meta data-by-position">{ format!(
                            "When every column of the file has the name of one of the table's, the rows go in by name; \
                             otherwise the file's {} columns go into the table's in order.",
                            p.columns.len()
                        ) }</p>
                    }
                </fieldset>
                if let Some(message) = &*error {
                    <p class="data-error" role="alert">{ message.clone() }</p>
                }
                <div class="dialog-actions">
                    <button type="submit" class="primary" disabled={blocked}>{ rows_label }</button>
                    <button type="button" class="quiet" onclick={cancel_click}>{ "Cancel" }</button>
                </div>
            </form>
        </Modal>
    }
}
