//! An opened database that is not played: a plain database's tables with row counts and the
//! way to its playground (a workshop's summary and steps, for a view of one without the player).

use yew::prelude::*;

use crate::format::{count, human_size};
use crate::state::library::Job;
use stepwise_protocol::{Entry, OpenedView, StepSummary};

use super::job_progress::JobProgress;
use super::text_form_actions::TextFormActions;

/// Props of [`WorkshopView`].
#[derive(Properties, PartialEq)]
pub struct WorkshopViewProps {
    /// The stored entry.
    pub entry: Entry,
    /// What it holds.
    pub view: OpenedView,
    /// Its download, while one is being prepared.
    #[prop_or_default]
    pub download: Option<Job>,
    /// Download was pressed.
    pub on_download: Callback<Entry>,
}

/// The opened workshop or database.
#[component]
pub fn WorkshopView(props: &WorkshopViewProps) -> Html {
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
    match &props.view {
        OpenedView::Workshop { summary, steps, current_step } => {
            let done = steps.iter().filter(|s| s.done).count() as u32;
            let total = steps.len() as u32;
            html! {
                <article class="opened" data-kind="workshop">
                    <header>
                        <p class="eyebrow meta">
                            { "Workshop" }
                            { entry.version.as_deref().map(|v| format!(" · version {v}")).unwrap_or_default() }
                            { format!(" · {}", human_size(entry.bytes)) }
                        </p>
                        <h1>{ entry.title.clone() }</h1>
                        if !summary.is_empty() { <p class="summary">{ summary.clone() }</p> }
                        <div class="card-progress">
                            <progress max={total.max(1).to_string()} value={done.to_string()}
                                      aria-label={format!("Progress in {}", entry.title)}></progress>
                            <span class="meta">{ format!("{done} of {} done", count(total, "step", "steps")) }</span>
                        </div>
                        { actions }
                    </header>
                    <h2 id="steps-title">{ "Steps" }</h2>
                    <ol class="steps" aria-labelledby="steps-title">
                        { for steps.iter().map(|step| step_item(step, current_step.as_deref())) }
                    </ol>
                </article>
            }
        }
        OpenedView::Playground { tables } => html! {
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
        },
    }
}

fn step_item(step: &StepSummary, current: Option<&str>) -> Html {
    let is_current = current == Some(step.slug.as_str());
    html! {
        <li class={classes!("step", step.done.then_some("done"), is_current.then_some("current"))}
            data-step={step.slug.clone()} aria-current={is_current.then_some("step")}>
            <span class="step-mark" aria-hidden="true">{ if step.done { "✓" } else { "" } }</span>
            <span class="step-title">{ step.title.clone() }</span>
            if step.done { <span class="visually-hidden">{ " (done)" }</span> }
            if is_current { <span class="step-here meta">{ "you are here" }</span> }
        </li>
    }
}
