//! The player's SQL box: one statement against the learner's workspace; Ctrl/Cmd+Enter runs it;
//! rows as a table, SQLite's own message when it fails.

use yew::prelude::*;

use stepwise_protocol::{SqlTable, WorkspaceTable};

/// Props of [`SqlBox`].
#[derive(Properties, PartialEq)]
pub struct SqlBoxProps {
    /// The workspace's tables and views.
    pub tables: Vec<WorkspaceTable>,
    /// The last result.
    pub result: Option<Result<SqlTable, String>>,
    /// A request is running.
    pub busy: bool,
    /// Run this statement.
    pub on_run: Callback<String>,
}

fn textarea_value(target: Option<web_sys::EventTarget>) -> String {
    target.and_then(|t| js_sys::Reflect::get(&t, &"value".into()).ok()).and_then(|v| v.as_string()).unwrap_or_default()
}

/// The SQL box.
#[component]
pub fn SqlBox(props: &SqlBoxProps) -> Html {
    let sql = use_state(String::new);
    let on_input = {
        let sql = sql.clone();
        Callback::from(move |e: InputEvent| sql.set(textarea_value(e.target())))
    };
    let on_keydown = {
        let on_run = props.on_run.clone();
        Callback::from(move |e: KeyboardEvent| {
            if e.key() == "Enter" && (e.ctrl_key() || e.meta_key()) {
                e.prevent_default();
                on_run.emit(textarea_value(e.target()));
            }
        })
    };
    let on_click = {
        let (on_run, sql) = (props.on_run.clone(), sql.clone());
        Callback::from(move |_: MouseEvent| on_run.emit((*sql).clone()))
    };
    let result = match &props.result {
        None => html! {},
        Some(Err(message)) => html! { <p class="result fail sql-error" role="alert">{ message.clone() }</p> },
        Some(Ok(table)) if table.columns.is_empty() => html! {
            <p class="result pass" role="status">{ if table.changed { "Done: your workspace was changed and saved." } else { "Done." } }</p>
        },
        Some(Ok(table)) => html! {
            <div class="sql-result" role="status">
                <p class="meta">{ format!("{} row{}{}", table.rows.len(), if table.rows.len() == 1 { "" } else { "s" },
                    if table.truncated { " (first ones shown)" } else { "" }) }</p>
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
        <section class="sql-box" aria-labelledby="sql-title">
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
            <label for="sql-input">{ "SQL" }<span class="meta">{ " — one statement; Ctrl+Enter (⌘+Enter) runs it" }</span></label>
            <textarea id="sql-input" class="sql-input" rows="5" spellcheck="false" autocomplete="off"
                      value={(*sql).clone()} oninput={on_input} onkeydown={on_keydown} />
            <button class="run" onclick={on_click} disabled={props.busy}>{ "Run" }</button>
            { result }
        </section>
    }
}
