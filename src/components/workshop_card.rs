//! One stored database in the library: what it is, how far along, and what can be done with it.

use yew::prelude::*;

use crate::format::{ago_rfc3339, count, human_size};
use crate::hooks::Route;
use crate::state::library::Job;
use stepwise_protocol::{Entry, EntryKind};

use super::job_progress::JobProgress;

/// Props of [`WorkshopCard`].
#[derive(Properties, PartialEq)]
pub struct WorkshopCardProps {
    /// The stored database.
    pub entry: Entry,
    /// Its download, while one is being prepared.
    #[prop_or_default]
    pub download: Option<Job>,
    /// Download was pressed.
    pub on_download: Callback<Entry>,
    /// Remove was pressed (the caller asks first).
    pub on_remove: Callback<Entry>,
}

/// A card with title, version, steps, progress, size and last opened; Open, Download, Remove.
#[component]
pub fn WorkshopCard(props: &WorkshopCardProps) -> Html {
    let entry = &props.entry;
    let href = Route::Entry(entry.id.clone()).href();
    let title_id = format!("entry-{}", entry.id);
    let mut facts = Vec::new();
    match entry.kind {
        EntryKind::Workshop => {
            if let Some(version) = &entry.version {
                facts.push(format!("Version {version}"));
            }
            facts.push(count(entry.steps, "step", "steps"));
        }
        EntryKind::Playground => {
            facts.push("SQLite database".to_owned());
            facts.push(count(entry.steps, "table", "tables"));
        }
    }
    facts.push(human_size(entry.bytes));
    let opened = match &entry.last_opened {
        Some(time) => format!("Last opened {}", ago_rfc3339(time).unwrap_or_else(|| time.clone())),
        None => "Not opened yet".to_owned(),
    };
    facts.push(opened);

    let on_download = {
        let (on_download, entry) = (props.on_download.clone(), entry.clone());
        Callback::from(move |_: MouseEvent| on_download.emit(entry.clone()))
    };
    let on_remove = {
        let (on_remove, entry) = (props.on_remove.clone(), entry.clone());
        Callback::from(move |_: MouseEvent| on_remove.emit(entry.clone()))
    };
    let downloading = props.download.is_some();
    html! {
        <li class="card" data-entry={entry.id.clone()} data-kind={kind_name(entry.kind)} aria-labelledby={title_id.clone()}>
            <h3 class="card-title" id={title_id}><a href={href.clone()}>{ entry.title.clone() }</a></h3>
            <p class="card-facts meta">{ facts.join(" · ") }</p>
            if entry.kind == EntryKind::Workshop {
                <div class="card-progress">
                    <progress max={entry.steps.max(1).to_string()} value={entry.done.to_string()}
                              aria-label={format!("Progress in {}", entry.title)}></progress>
                    <span class="meta">{ format!("{} of {} done", entry.done, count(entry.steps, "step", "steps")) }</span>
                </div>
            } else {
                <p class="card-progress meta">{ "Not a workshop: opens as a playground." }</p>
            }
            <div class="card-actions">
                <a class="button primary" href={href} aria-label={format!("Open {}", entry.title)}>{ "Open" }</a>
                <button onclick={on_download} disabled={downloading}
                        aria-label={format!("Download {}", entry.file_name)}>{ "Download" }</button>
                <button class="danger-quiet" onclick={on_remove}
                        aria-label={format!("Remove {}", entry.title)}>{ "Remove" }</button>
            </div>
            <div class="card-status">
                if let Some(job) = &props.download {
                    <JobProgress job={job.clone()} />
                }
            </div>
        </li>
    }
}

fn kind_name(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Workshop => "workshop",
        EntryKind::Playground => "playground",
    }
}
