//! The playground on a learner's workspace: what "open the playground and try a query" means
//! in a workshop. The workspace's tables and views, each one's first rows with a click, and
//! statements run as in the player's SQL box (several at once, changes saved with the learner's
//! progress). The workshop file's own tables are the page's other view.

use yew::platform::spawn_local;
use yew::prelude::*;

use stepwise_protocol::{QUERY_SECONDS, RunSql, SqlTable, WorkspaceTable};

use super::result_grid::{CopyResult, body_rows};
use super::sql_editor::{Load, SqlEditor};
use super::stoppable::{RunningNotice, StopFlag};
use crate::hooks::use_library;

/// Rows shown when a table is clicked.
const FIRST_ROWS: u32 = 200;

const LIST_SQL: &str = "SELECT name, type FROM sqlite_schema WHERE type IN ('table', 'view') \
                        AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name";

/// Props of [`WorkspacePlayground`].
#[derive(Properties, PartialEq)]
pub struct WorkspacePlaygroundProps {
    /// The workshop's entry id.
    pub entry: AttrValue,
}

fn quoted(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The workspace's side of the playground.
#[component]
pub fn WorkspacePlayground(props: &WorkspacePlaygroundProps) -> Html {
    let (_, commands) = use_library();
    let tables = use_state(|| None::<Result<Vec<(String, String)>, String>>);
    let outcome = use_state(|| None::<Result<SqlTable, String>>);
    let running = use_state(|| false);
    let runs = use_state(|| 0_u32);
    let load = use_state(|| None::<Load>);
    let relist = use_state(|| 0_u32);
    {
        let (tables, commands, entry) = (tables.clone(), commands.clone(), props.entry.to_string());
        use_effect_with((entry.clone(), *relist), move |_| {
            spawn_local(async move {
                let answer = commands.worker().call(RunSql { entry, sql: LIST_SQL.to_owned(), seconds: None }).await;
                tables.set(Some(match answer {
                    Ok(Ok(t)) => Ok(t
                        .rows
                        .into_iter()
                        .map(|r| (r[0].clone().unwrap_or_default(), r[1].clone().unwrap_or_default()))
                        .collect()),
                    Ok(Err(message)) => Err(message),
                    Err(error) => Err(error.message),
                }));
            });
        });
    }
    let stop = use_memo((), |_| StopFlag::default());
    let run = {
        let (commands, entry, outcome, running, runs, relist) =
            (commands.clone(), props.entry.to_string(), outcome.clone(), running.clone(), runs.clone(), relist.clone());
        let stop = (*stop).clone();
        Callback::from(move |sql: String| {
            if sql.trim().is_empty() || *running {
                return;
            }
            running.set(true);
            stop.start();
            let stop = stop.clone();
            let (commands, entry, outcome, running, runs, relist) =
                (commands.clone(), entry.clone(), outcome.clone(), running.clone(), runs.clone(), relist.clone());
            spawn_local(async move {
                let answer = commands.worker().call(RunSql { entry, sql, seconds: Some(QUERY_SECONDS) }).await;
                let answer = stop.answer(answer, "your workspace");
                running.set(false);
                runs.set(*runs + 1);
                if matches!(&answer, Ok(Ok(t)) if t.changed) {
                    relist.set(*relist + 1);
                }
                outcome.set(Some(answer.unwrap_or_else(|e| Err(e.message))));
            });
        })
    };
    let on_stop = stop.on_stop(&commands);
    let schema: Vec<WorkspaceTable> = match &*tables {
        Some(Ok(list)) => list
            .iter()
            .map(|(name, kind)| WorkspaceTable { name: name.clone(), kind: kind.clone(), columns: Vec::new() })
            .collect(),
        _ => Vec::new(),
    };
    let list = match &*tables {
        None => html! { <p class="meta" aria-busy="true">{ "Reading your workspace…" }</p> },
        Some(Err(message)) => html! { <p class="notice">{ message.clone() }</p> },
        Some(Ok(list)) if list.is_empty() => html! { <p class="meta">{ "Your workspace holds no tables yet." }</p> },
        Some(Ok(list)) => html! {
            <ul class="pg-tables" aria-label="Tables and views of your workspace">
                { for list.iter().map(|(name, kind)| {
                    let show = {
                        let (run, load, name) = (run.clone(), load.clone(), name.clone());
                        Callback::from(move |_: MouseEvent| {
                            let sql = format!("SELECT * FROM {} LIMIT {FIRST_ROWS}", quoted(&name));
                            let serial = load.as_ref().map_or(1, |l| l.serial + 1);
                            load.set(Some(Load { serial, text: AttrValue::from(sql.clone()), run: false }));
                            run.emit(sql);
                        })
                    };
                    html! {
                        <li data-table={name.clone()}>
                            <button class="linkish" onclick={show}><code>{ name.clone() }</code></button>
                            if kind == "view" { <span class="meta">{ "view" }</span> }
                        </li>
                    }
                }) }
            </ul>
        },
    };
    let result = match &*outcome {
        None => html! {},
        Some(Err(message)) => html! { <p class="query-error" role="alert">{ message.clone() }</p> },
        Some(Ok(t)) if t.columns.is_empty() => html! {
            <div class="query-result"><p class="meta query-done">{ if t.changed { "Done: your workspace was changed and saved." } else { "Done." } }</p></div>
        },
        Some(Ok(t)) => html! {
            <div class="query-result">
                <p class="meta query-done">
                    { format!("{} row{}", t.rows.len(), if t.rows.len() == 1 { "" } else { "s" }) }
                    { if t.truncated { " (only the first ones are shown)" } else { "" } }
                </p>
                <CopyResult columns={t.columns.clone()} rows={t.rows.clone()} />
                <div class="result-scroll">
                    <table class="result">
                        <thead><tr>{ for t.columns.iter().map(|c| html! { <th scope="col">{ c.clone() }</th> }) }</tr></thead>
                        <tbody>{ body_rows(&t.rows) }</tbody>
                    </table>
                </div>
            </div>
        },
    };
    html! {
        <div class="pg-layout" data-target="workspace">
            <nav class="pg-side" aria-labelledby="pg-tables-title">
                <h2 id="pg-tables-title">{ "Your workspace" }</h2>
                { list }
            </nav>
            <div class="pg-main">
                <section aria-labelledby="pg-query-title">
                    <h2 id="pg-query-title">{ "SQL on your workspace" }</h2>
                    <div class="pg-query" data-runs={runs.to_string()}>
                        <p class="meta">{ format!("As in the workshop's SQL box: several statements at once, the last one's rows shown; what they change is saved with your progress. Ctrl+Enter (⌘+Enter) runs. Statements stop by themselves after {QUERY_SECONDS} s.") }</p>
                        <SqlEditor id="pg-sql" labelled_by="pg-query-title" history_key={format!("w/{}", props.entry)}
                                   placeholder="SELECT * FROM …" {schema} load={(*load).clone()}
                                   busy={*running} on_run={run} />
                        if *running { <RunningNotice {on_stop} /> }
                    </div>
                    { result }
                </section>
            </div>
        </div>
    }
}
