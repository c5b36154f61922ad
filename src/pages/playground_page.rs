//! The SQL playground of a stored database at `#/p/<id>`: its tables and views with
//! row counts, a paged table browser sortable by column with the table's structure (schema panel),
//! a SQL box with the session's history, one table as CSV. Writing a workshop's definition tables needs write mode, on purpose.

use yew::platform::spawn_local;
use yew::prelude::*;

use crate::hooks::{Commands, Route, use_library};
use stepwise_protocol::{
    BrowseTable, EntryKind, QUERY_SECONDS, Query, QueryDone, Rows, TableCsv, Tables, TablesView, WorkspaceTable,
};

use crate::components::data_import::DataImport;
use crate::components::result_grid::{CopyResult, body_rows};
use crate::components::saved_queries::SavedQueries;
use crate::components::share_query::ShareQuery;
use crate::components::sql_editor::{Load, SqlEditor};
use crate::components::stoppable::{RunningNotice, StopFlag};
use crate::components::table_structure::TableStructurePanel;
use crate::components::workspace_playground::WorkspacePlayground;

use super::library_page::set_title;
use crate::format::grouped;

/// Rows per page of the table browser.
const PAGE: u32 = 50;

/// Props of [`PlaygroundPage`].
#[derive(Properties, PartialEq)]
pub struct PlaygroundPageProps {
    /// The entry's id, from the address.
    pub id: AttrValue,
}

#[derive(Clone, PartialEq, Default)]
struct Browse {
    table: String,
    offset: u64,
    order_by: Option<String>,
    descending: bool,
}

#[derive(Clone, PartialEq)]
struct Page {
    columns: Vec<String>,
    rows: Rows,
    offset: u64,
    total: u64,
}

#[derive(Clone, PartialEq)]
enum QueryState {
    Rows { columns: Vec<String>, rows: Rows, truncated: bool, changed: u64 },
    Error(String),
}

fn cells(columns: &[String], rows: &Rows) -> Html {
    html! {
        <div class="result-scroll">
            <table class="result">
                <thead><tr>{ for columns.iter().map(|c| html! { <th scope="col">{ c.clone() }</th> }) }</tr></thead>
                <tbody>
                    { body_rows(rows) }
                </tbody>
            </table>
        </div>
    }
}

async fn load_tables(commands: &Commands, id: &str) -> Result<TablesView, String> {
    match commands.worker().call(Tables { entry: id.to_owned() }).await {
        Ok(view) => Ok(view),
        Err(error) => Err(error.message),
    }
}

/// The page at `#/p/<id>`.
#[component]
pub fn PlaygroundPage(props: &PlaygroundPageProps) -> Html {
    let (library, commands) = use_library();
    let id = props.id.to_string();
    let entry = library.entries.iter().flatten().find(|e| e.id == id).cloned();
    let tables = use_state(|| None::<Result<TablesView, String>>);
    let browse = use_state(|| None::<Browse>);
    let page = use_state(|| None::<Result<Page, String>>);
    let load = use_state(|| None::<Load>);
    let write = use_state(|| false);
    // In a workshop: the learner's workspace (true) or the workshop file's own tables.
    let on_workspace = use_state(|| true);
    let running = use_state(|| false);
    let outcome = use_state(|| None::<QueryState>);
    // How many answers queries have had (on the page as `data-runs`, for tests to wait on).
    let runs = use_state(|| 0_u32);
    let history = use_state(Vec::<String>::new);
    let changed_digest = use_state(|| false);
    let reload = use_state(|| 0u32);
    // Stop was pressed for the statement that runs: its answer says so.
    let stop = use_memo((), |_| StopFlag::default());
    let ready = matches!(library.phase, crate::state::library::Phase::Ready(_));

    {
        let (tables, commands, id) = (tables.clone(), commands.clone(), id.clone());
        use_effect_with((id.clone(), ready, *reload), move |_| {
            if ready {
                spawn_local(async move { tables.set(Some(load_tables(&commands, &id).await)) });
            }
        });
    }
    // A statement shared in the address (`?src=…&sql=…`) runs once the editor is there.
    {
        let (load, id) = (load.clone(), id.clone());
        use_effect_with((id.clone(), ready), move |_| {
            if ready && let Some(sql) = crate::shared_query::take_for(&id) {
                load.set(Some(Load { serial: 1, text: AttrValue::from(sql), run: true }));
            }
        });
    }
    if let Some(entry) = &entry {
        set_title(&format!("Playground: {} — Stepwise", entry.title));
    }
    {
        let (page, commands, id) = (page.clone(), commands.clone(), id.clone());
        use_effect_with(((*browse).clone(), *reload), move |(browse, _)| {
            if let Some(b) = browse.clone() {
                spawn_local(async move {
                    let request = BrowseTable {
                        entry: id,
                        table: b.table,
                        offset: b.offset,
                        limit: PAGE,
                        order_by: b.order_by,
                        descending: b.descending,
                    };
                    page.set(Some(match commands.worker().call(request).await {
                        Ok(p) => Ok(Page { columns: p.columns, rows: p.rows, offset: p.offset, total: p.total }),
                        Err(error) => Err(error.message),
                    }));
                });
            }
        });
    }

    let run = {
        let (write, running, outcome, history, commands, id) =
            (write.clone(), running.clone(), outcome.clone(), history.clone(), commands.clone(), id.clone());
        let (changed_digest, reload, runs) = (changed_digest.clone(), reload.clone(), runs.clone());
        let stop = (*stop).clone();
        Callback::from(move |sql: String| {
            let text = sql.trim().to_owned();
            if text.is_empty() || *running {
                return;
            }
            running.set(true);
            let mut past: Vec<String> = (*history).iter().filter(|h| **h != text).cloned().collect();
            past.insert(0, text.clone());
            history.set(past);
            let (running, outcome, commands, id, write) =
                (running.clone(), outcome.clone(), commands.clone(), id.clone(), *write);
            let (changed_digest, reload, runs) = (changed_digest.clone(), reload.clone(), runs.clone());
            let stop = stop.clone();
            stop.start();
            spawn_local(async move {
                let answer = commands.worker().call(Query { entry: id, sql: text, write }).await;
                let answer = stop.answer(answer, "what is stored");
                running.set(false);
                runs.set(*runs + 1);
                outcome.set(Some(match answer {
                    Ok(QueryDone { columns, rows, truncated, changed, digest_changed }) => {
                        if digest_changed {
                            changed_digest.set(true);
                        }
                        if changed > 0 || columns.is_empty() {
                            reload.set(*reload + 1);
                            commands.refresh();
                        }
                        QueryState::Rows { columns, rows, truncated, changed }
                    }
                    Err(error) => QueryState::Error(error.message),
                }));
            });
        })
    };
    let on_stop = stop.on_stop(&commands);
    let (to_workspace, to_file) = {
        let (a, b) = (on_workspace.clone(), on_workspace.clone());
        (Callback::from(move |_: Event| a.set(true)), Callback::from(move |_: Event| b.set(false)))
    };
    let on_pick_saved = {
        let load = load.clone();
        Callback::from(move |sql: String| {
            let serial = load.as_ref().map_or(1, |l| l.serial + 1);
            load.set(Some(Load { serial, text: AttrValue::from(sql), run: false }));
        })
    };
    let on_write = {
        let write = write.clone();
        Callback::from(move |e: Event| {
            if let Some(input) = e.target_dyn_into::<web_sys::HtmlInputElement>() {
                write.set(input.checked());
            }
        })
    };
    let is_workshop = entry.as_ref().is_some_and(|e| e.kind == EntryKind::Workshop);
    // Tables rows of a data file may be added to (not views, not virtual tables).
    let data_tables: Vec<String> = match &*tables {
        Some(Ok(view)) => view.tables.iter().filter(|(_, rows)| rows.is_some()).map(|(n, _)| n.clone()).collect(),
        _ => Vec::new(),
    };
    let on_data = {
        let (browse, reload, commands) = (browse.clone(), reload.clone(), commands.clone());
        Callback::from(move |done: stepwise_protocol::DataImported| {
            reload.set(*reload + 1);
            browse.set(Some(Browse { table: done.table, ..Browse::default() }));
            commands.refresh();
        })
    };

    // Table names for the editor's completion.
    let schema: Vec<WorkspaceTable> = match &*tables {
        Some(Ok(view)) => view
            .tables
            .iter()
            .map(|(name, _)| WorkspaceTable { name: name.clone(), kind: "table".to_owned(), columns: Vec::new() })
            .collect(),
        _ => Vec::new(),
    };
    let table_list = match &*tables {
        None => html! { <p class="meta" aria-busy="true">{ "Reading the tables…" }</p> },
        Some(Err(message)) => html! { <p class="notice">{ format!("The tables could not be read: {message}") }</p> },
        Some(Ok(TablesView { tables: list, protected, views })) => html! {
            <ul class="pg-tables" aria-label="Tables and views">
                { for list.iter().map(|(name, rows)| {
                    let select = {
                        let (browse, name) = (browse.clone(), name.clone());
                        Callback::from(move |_: MouseEvent| browse.set(Some(Browse { table: name.clone(), ..Browse::default() })))
                    };
                    let csv = {
                        let (commands, id, name) = (commands.clone(), id.clone(), name.clone());
                        Callback::from(move |_: MouseEvent| {
                            let (commands, id, name) = (commands.clone(), id.clone(), name.clone());
                            spawn_local(async move {
                                let job = commands.worker().next_id();
                                let request = TableCsv { entry: id, table: name.clone() };
                                let answer = commands.worker().call_with(job, request, None, None).await;
                                commands.saved(job, &format!("{name}.csv"), answer);
                            });
                        })
                    };
                    let current = browse.as_ref().is_some_and(|b| &b.table == name);
                    let locked = protected.iter().any(|p| p == name);
                    html! {
                        <li data-table={name.clone()} class={classes!(current.then_some("current"))}>
                            <button class="linkish" onclick={select} aria-pressed={current.to_string()}>
                                <code>{ name.clone() }</code>
                            </button>
                            { match rows {
                                Some(n) => html! { <span class="meta num">{ grouped(u64::try_from(*n).unwrap_or(0)) }</span> },
                                // A view, or a virtual table whose module the worker's SQLite lacks (FTS5, R*Tree, …).
                                None => html! {
                                    <span class="meta num" title="No row count: a view, or a virtual table this app cannot read">{ "—" }</span>
                                },
                            } }
                            if locked { <span class="meta lock" title="Part of the workshop's definition: read-only unless write mode is on">{ "definition" }</span> }
                            if rows.is_some() || views.contains(name) {
                                <button class="quiet small" onclick={csv} aria-label={format!("Download {name} as CSV")}>{ "CSV" }</button>
                            }
                        </li>
                    }
                }) }
            </ul>
        },
    };

    let browser = match (&*browse, &*page) {
        (None, _) => html! { <p class="meta">{ "Choose a table to browse its rows." }</p> },
        (Some(_), None) => html! { <p class="meta" aria-busy="true">{ "Reading…" }</p> },
        (Some(_), Some(Err(message))) => html! { <p class="notice">{ message.clone() }</p> },
        (Some(b), Some(Ok(p))) => {
            let shown_from = if p.rows.is_empty() { 0 } else { p.offset + 1 };
            let shown_to = p.offset + p.rows.len() as u64;
            let go = |offset: u64| {
                let (browse, b) = (browse.clone(), b.clone());
                Callback::from(move |_: MouseEvent| browse.set(Some(Browse { offset, ..b.clone() })))
            };
            let sort = |column: &str| {
                let (browse, b, column) = (browse.clone(), b.clone(), column.to_owned());
                Callback::from(move |_: MouseEvent| {
                    let descending = b.order_by.as_deref() == Some(column.as_str()) && !b.descending;
                    browse.set(Some(Browse { offset: 0, order_by: Some(column.clone()), descending, ..b.clone() }))
                })
            };
            html! {
                <>
                    <div class="pg-pager">
                        <span class="meta pg-range">
                            { format!("rows {}–{} of {}", grouped(shown_from), grouped(shown_to), grouped(p.total)) }
                        </span>
                        <button onclick={go(p.offset.saturating_sub(u64::from(PAGE)))} disabled={p.offset == 0}>{ "Previous" }</button>
                        <button onclick={go(p.offset + u64::from(PAGE))} disabled={shown_to >= p.total}>{ "Next" }</button>
                    </div>
                    <div class="result-scroll">
                        <table class="result" aria-label={format!("Rows of {}", b.table)}>
                            <thead><tr>
                                { for p.columns.iter().map(|c| {
                                    let sorted = b.order_by.as_deref() == Some(c.as_str());
                                    let aria = match (sorted, b.descending) {
                                        (false, _) => "none",
                                        (true, false) => "ascending",
                                        (true, true) => "descending",
                                    };
                                    html! {
                                        <th scope="col" aria-sort={aria}>
                                            <button class="sort" onclick={sort(c)}>
                                                { c.clone() }
                                                <span aria-hidden="true">{ match aria { "ascending" => " ▲", "descending" => " ▼", _ => "" } }</span>
                                            </button>
                                        </th>
                                    }
                                }) }
                            </tr></thead>
                            <tbody>
                                { body_rows(&p.rows) }
                            </tbody>
                        </table>
                    </div>
                </>
            }
        }
    };

    let result = match &*outcome {
        None => html! {},
        Some(QueryState::Error(message)) => html! { <p class="query-error" role="alert">{ message.clone() }</p> },
        Some(QueryState::Rows { columns, rows, truncated, changed }) => html! {
            <div class="query-result">
                if columns.is_empty() {
                    <p class="meta query-done">{ format!("Done: {} changed.", crate::format::count(u32::try_from(*changed).unwrap_or(u32::MAX), "row", "rows")) }</p>
                } else {
                    <p class="meta query-done">
                        { format!("{} row{}", rows.len(), if rows.len() == 1 { "" } else { "s" }) }
                        { if *truncated { " (only the first ones are shown)" } else { "" } }
                    </p>
                    <CopyResult columns={columns.clone()} rows={rows.clone()} />
                    { cells(columns, rows) }
                }
            </div>
        },
    };

    let title = entry.as_ref().map_or_else(|| "Database".to_owned(), |e| e.title.clone());
    html! {
        <>
            <p class="back"><a href={Route::Entry(id.clone()).href()}>{ format!("← {title}") }</a></p>
            <article class="playground">
                <header>
                    <p class="eyebrow meta">{ "SQL playground" }</p>
                    <h1>{ title }</h1>
                    if *changed_digest {
                        <p class="notice changed" role="status">
                            { "This workshop was changed: its content no longer matches its digest, so it will open as changed (damaged) until you add the original again." }
                        </p>
                    }
                </header>
                if is_workshop {
                    <fieldset class="pg-target">
                        <legend class="visually-hidden">{ "What to query" }</legend>
                        <label><input type="radio" name="pg-target" checked={*on_workspace} onchange={to_workspace} />
                            { " Your workspace (the tables you work on in the steps)" }</label>
                        <label><input type="radio" name="pg-target" checked={!*on_workspace} onchange={to_file} />
                            { " The workshop file's own tables" }</label>
                    </fieldset>
                }
                if is_workshop && *on_workspace {
                    <WorkspacePlayground entry={id.clone()} />
                } else {
                <div class="pg-layout" data-target="file">
                    <nav class="pg-side" aria-labelledby="pg-tables-title">
                        <h2 id="pg-tables-title">{ "Tables" }</h2>
                        { table_list }
                        if !is_workshop {
                            <DataImport entry={id.clone()} tables={data_tables} on_done={on_data} />
                        }
                        <SavedQueries entry={id.clone()} last={history.first().map(|h| AttrValue::from(h.clone()))}
                                      on_pick={on_pick_saved} />
                    </nav>
                    <div class="pg-main">
                        <section aria-labelledby="pg-query-title">
                            <h2 id="pg-query-title">{ "SQL" }</h2>
                            <div class="pg-query" data-runs={runs.to_string()}>
                                <p class="meta">{ format!("One statement; Ctrl+Enter (⌘+Enter) runs the selection or everything; Ctrl+↑ / Ctrl+↓ go through what you ran. A statement stops by itself after {QUERY_SECONDS} s.") }</p>
                                <SqlEditor id="pg-sql" labelled_by="pg-query-title" history_key={format!("p/{id}")}
                                           placeholder="SELECT * FROM …" schema={schema} load={(*load).clone()}
                                           busy={*running} on_run={run} />
                                if *running { <RunningNotice {on_stop} /> }
                                if let Some(entry) = &entry {
                                    <ShareQuery entry={entry.clone()} sql={history.first().map(|h| AttrValue::from(h.clone()))} />
                                }
                                if is_workshop {
                                    <label class="write-mode">
                                        <input type="checkbox" checked={*write} onchange={on_write} />
                                        { " Write mode: allow changing the workshop's definition" }
                                    </label>
                                }
                            </div>
                            { result }
                            if !history.is_empty() {
                                <details class="pg-history" open=true>
                                    <summary>{ "History" }</summary>
                                    <ol>
                                        { for history.iter().map(|h| {
                                            let (load, h2) = (load.clone(), h.clone());
                                            let reuse = Callback::from(move |_: MouseEvent| {
                                                let serial = load.as_ref().map_or(1, |l| l.serial + 1);
                                                load.set(Some(Load { serial, text: AttrValue::from(h2.clone()), run: false }));
                                            });
                                            html! { <li><button class="linkish" onclick={reuse}><code>{ h.clone() }</code></button></li> }
                                        }) }
                                    </ol>
                                </details>
                            }
                        </section>
                        <section aria-labelledby="pg-browse-title">
                            <h2 id="pg-browse-title">
                                { browse.as_ref().map_or_else(|| "Rows".to_owned(), |b| format!("Rows of {}", b.table)) }
                            </h2>
                            if let Some(b) = &*browse {
                                <TableStructurePanel entry={id.clone()} table={b.table.clone()} />
                            }
                            { browser }
                        </section>
                    </div>
                </div>
                }
            </article>
        </>
    }
}
