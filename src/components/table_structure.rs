//! The playground's schema panel for the table or view being browsed: its columns (type, key,
//! NOT NULL, default, generated), foreign keys, indexes, triggers and `CREATE` statement, folded
//! under a one-line summary.

use yew::platform::spawn_local;
use yew::prelude::*;

use stepwise_protocol::{StructureView, TableStructure};

use crate::format::count;
use crate::hooks::use_library;

/// Props of [`TableStructure`](fn@TableStructurePanel).
#[derive(Properties, PartialEq)]
pub struct TableStructureProps {
    /// The entry's id.
    pub entry: AttrValue,
    /// The table or view.
    pub table: AttrValue,
}

fn summary(s: &StructureView) -> String {
    let mut parts = vec![count(s.columns.len() as u32, "column", "columns")];
    if !s.foreign_keys.is_empty() {
        parts.push(count(s.foreign_keys.len() as u32, "foreign key", "foreign keys"));
    }
    if !s.indexes.is_empty() {
        parts.push(count(s.indexes.len() as u32, "index", "indexes"));
    }
    if !s.triggers.is_empty() {
        parts.push(count(s.triggers.len() as u32, "trigger", "triggers"));
    }
    format!("Structure of {} ({}): {}", s.name, s.kind, parts.join(", "))
}

fn body(s: &StructureView) -> Html {
    let key_text = |key: u32| match key {
        0 => String::new(),
        1 if s.columns.iter().filter(|c| c.key > 0).count() == 1 => "primary key".to_owned(),
        n => format!("primary key ({n})"),
    };
    html! {
        <>
        <div class="result-scroll">
            <table class="structure-columns" aria-label={format!("Columns of {}", s.name)}>
                <thead><tr>
                    <th scope="col">{ "Column" }</th><th scope="col">{ "Type" }</th><th scope="col">{ "Key" }</th>
                    <th scope="col">{ "Not null" }</th><th scope="col">{ "Default" }</th>
                </tr></thead>
                <tbody>
                    { for s.columns.iter().map(|c| html! {
                        <tr>
                            <th scope="row"><code>{ c.name.clone() }</code></th>
                            <td>{ c.declared.clone() }{ if c.generated { " (generated)" } else { "" } }</td>
                            <td>{ key_text(c.key) }</td>
                            <td>{ if c.not_null { "yes" } else { "" } }</td>
                            <td>if let Some(d) = &c.default { <code>{ d.clone() }</code> }</td>
                        </tr>
                    }) }
                </tbody>
            </table>
        </div>
        if !s.foreign_keys.is_empty() {
            <h3>{ "Foreign keys" }</h3>
            <ul class="structure-list">
                { for s.foreign_keys.iter().map(|f| html! {
                    <li>
                        <code>{ f.columns.join(", ") }</code>{ " → " }
                        <code>{ format!("{}({})", f.table, f.to.join(", ")) }</code>
                        <span class="meta">{ format!(" on delete {}, on update {}", f.on_delete.to_lowercase(), f.on_update.to_lowercase()) }</span>
                    </li>
                }) }
            </ul>
        }
        if !s.indexes.is_empty() {
            <h3>{ "Indexes" }</h3>
            <ul class="structure-list">
                { for s.indexes.iter().map(|i| html! {
                    <li>
                        <code>{ i.name.clone() }</code>{ format!(" ({})", i.columns.join(", ")) }
                        <span class="meta">
                            { if i.unique { " unique" } else { "" } }
                            { if i.partial { " partial" } else { "" } }
                            { if i.sql.is_none() { " · made by SQLite" } else { "" } }
                        </span>
                    </li>
                }) }
            </ul>
        }
        if !s.triggers.is_empty() {
            <h3>{ "Triggers" }</h3>
            { for s.triggers.iter().map(|t| html! {
                <pre class="structure-sql"><code class="language-sql">{ t.sql.clone() }</code></pre>
            }) }
        }
        <h3>{ "Statement" }</h3>
        <pre class="structure-sql"><code class="language-sql">{ s.sql.clone() }</code></pre>
        </>
    }
}

/// The panel: loads the structure when the table changes.
#[component]
pub fn TableStructurePanel(props: &TableStructureProps) -> Html {
    let (_, commands) = use_library();
    let view = use_state(|| None::<Result<StructureView, String>>);
    {
        let view = view.clone();
        use_effect_with((props.entry.clone(), props.table.clone()), move |(entry, table)| {
            view.set(None);
            let request = TableStructure { entry: entry.to_string(), table: table.to_string() };
            spawn_local(async move {
                view.set(Some(commands.worker().call(request).await.map_err(|e| e.message)));
            });
        });
    }
    match &*view {
        None => html! { <p class="meta pg-structure" aria-busy="true">{ "Reading its structure…" }</p> },
        Some(Err(message)) => html! { <p class="notice pg-structure">{ message.clone() }</p> },
        Some(Ok(s)) => html! {
            <details class="pg-structure" data-table={s.name.clone()}>
                <summary>{ summary(s) }</summary>
                { body(s) }
            </details>
        },
    }
}
