//! The player's SQL box: statements against the learner's workspace in the SQL editor, rows as
//! a table, SQLite's own message when a statement fails.

use yew::prelude::*;

use stepwise_protocol::{SqlTable, WorkspaceTable};

use super::sql_editor::{Load, SqlEditor};

/// Props of [`SqlBox`].
#[derive(Properties, PartialEq)]
pub struct SqlBoxProps {
    /// The workspace's tables and views.
    pub tables: Vec<WorkspaceTable>,
    /// The last result.
    pub result: Option<Result<SqlTable, String>>,
    /// How many results there have been (on the page as `data-runs`, for tests to wait on).
    #[prop_or_default]
    pub runs: u32,
    /// A request is running.
    pub busy: bool,
    /// Where the editor's history is kept (one per workshop).
    pub history_key: AttrValue,
    /// Text to load into the editor (and maybe run).
    #[prop_or_default]
    pub load: Option<Load>,
    /// Run this statement.
    pub on_run: Callback<String>,
}

/// The SQL box.
#[component]
pub fn SqlBox(props: &SqlBoxProps) -> Html {
    let result = match &props.result {
        None => html! {},
        Some(Err(message)) => html! { <p class="result fail sql-error" role="alert">{ message.clone() }</p> },
        Some(Ok(table)) if table.columns.is_empty() => html! {
            <p class="result pass" role="status">{ match (table.statements > 1, table.changed) {
                (true, true) => format!("Done: {} statements ran, and your workspace was changed and saved.", table.statements),
                (true, false) => format!("Done: {} statements ran.", table.statements),
                (false, true) => "Done: your workspace was changed and saved.".to_owned(),
                (false, false) => "Done.".to_owned(),
            } }</p>
        },
        Some(Ok(table)) => html! {
            <div class="sql-result" role="status">
                <p class="meta">{ format!("{} row{}{}{}", table.rows.len(), if table.rows.len() == 1 { "" } else { "s" },
                    if table.truncated { " (first ones shown)" } else { "" },
                    if table.statements > 1 { format!(", from the last of {} statements", table.statements) } else { String::new() }) }</p>
                <div class="table-scroll">
                    <table>
                        <thead><tr>{ for table.columns.iter().map(|c| html! { <th scope="col">{ c.clone() }</th> }) }</tr></thead>
                        <tbody>
                            { for table.rows.iter().map(|row| html! {
                                <tr>{ for row.iter().map(|v| match v {
                                    Some(v) => html! { <td>{ v.clone() }</td> },
                                    None => html! { <td class="null">{ "NULL" }</td> },
                                }) }</tr>
                            }) }
                        </tbody>
                    </table>
                </div>
            </div>
        },
    };
    html! {
        <section class="sql-box" aria-labelledby="sql-title" data-runs={props.runs.to_string()}>
            <h3 id="sql-title">{ "Your workspace" }</h3>
            if !props.tables.is_empty() {
                <p class="meta workspace-tables">
                    { for props.tables.iter().enumerate().map(|(i, WorkspaceTable { name, kind, .. })| html! {
                        <>
                            if i > 0 { { ", " } }
                            <code>{ name.clone() }</code>
                            if kind == "view" { <span class="meta">{ " (view)" }</span> }
                        </>
                    }) }
                </p>
            }
            <p class="sql-label"><span id="sql-label">{ "SQL" }</span>
                <span class="meta">{ " — Ctrl+Enter (⌘+Enter) runs the selection or everything; Ctrl+↑ / Ctrl+↓ go through what you ran" }</span></p>
            <SqlEditor id="sql-input" labelled_by="sql-label" history_key={props.history_key.clone()}
                       placeholder="SELECT * FROM …" schema={props.tables.clone()} load={props.load.clone()}
                       busy={props.busy} on_run={props.on_run.clone()} />
            { result }
        </section>
    }
}
