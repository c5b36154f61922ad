//! An opened plain database (not a workshop, which the player shows): its tables with row counts
//! and the way to its playground.

use yew::prelude::*;

use crate::format::human_size;
use crate::state::library::Job;
use stepwise_protocol::Entry;

use super::job_progress::JobProgress;
use super::text_form_actions::TextFormActions;

/// Props of [`DatabaseView`].
#[derive(Properties, PartialEq)]
pub struct DatabaseViewProps {
    /// The stored entry.
    pub entry: Entry,
    /// Its tables and views with row counts (views and unreadable virtual tables: `None`).
    pub tables: Vec<(String, Option<i64>)>,
    /// Its download, while one is being prepared.
    #[prop_or_default]
    pub download: Option<Job>,
    /// Download was pressed.
    pub on_download: Callback<Entry>,
}

/// The opened database.
#[component]
pub fn DatabaseView(props: &DatabaseViewProps) -> Html {
    let entry = &props.entry;
    let on_download = {
        let (on_download, entry) = (props.on_download.clone(), entry.clone());
        Callback::from(move |_: MouseEvent| on_download.emit(entry.clone()))
    };
    let actions = html! {
        <>
        <div class="view-actions">
            <button onclick={on_download} disabled={props.download.is_some()}
                    aria-label={format!("Download {}", entry.file_name)}>{ "Download" }</button>
            <div class="view-status">
                if let Some(job) = &props.download { <JobProgress job={job.clone()} /> }
            </div>
        </div>
        <TextFormActions entry={entry.clone()} busy={props.download.is_some()} />
        </>
    };
    let tables = &props.tables;
    html! {
        <article class="opened" data-kind="playground">
            <header>
                <p class="eyebrow meta">{ format!("SQLite database · {} · {}", entry.file_name, human_size(entry.bytes)) }</p>
                <h1>{ entry.title.clone() }</h1>
                <p class="summary">
                    { "This file is a plain SQLite database, not a workshop. Browse its tables and views \
                       and run SQL on it in the playground." }
                </p>
                <p><a class="button primary" href={crate::hooks::Route::Playground(entry.id.clone()).href()}>
                    { "Browse and query it" }</a></p>
                { actions }
            </header>
            <h2 id="tables-title">{ "Tables" }</h2>
            if tables.is_empty() {
                <p>{ "It holds no tables." }</p>
            } else {
                <table class="tables" aria-labelledby="tables-title">
                    <thead><tr><th scope="col">{ "Table" }</th><th scope="col" class="num">{ "Rows" }</th></tr></thead>
                    <tbody>
                        { for tables.iter().map(|(name, rows)| html! {
                            <tr>
                                <th scope="row"><code>{ name.clone() }</code></th>
                                <td class="num">
                                    if let Some(n) = rows { { n.to_string() } } else {
                                        <span class="meta" title="No row count: a view, or a virtual table this app cannot read">{ "—" }</span>
                                    }
                                </td>
                            </tr>
                        }) }
                    </tbody>
                </table>
            }
        </article>
    }
}
