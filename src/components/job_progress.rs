//! A progress bar for one import or download, with what it is doing in words.

use yew::prelude::*;

use crate::format::human_size;
use crate::state::library::{Job, JobKind};

/// Props of [`JobProgress`].
#[derive(Properties, PartialEq)]
pub struct JobProgressProps {
    /// The job under way.
    pub job: Job,
}

/// `sql-joins.db — Copying into storage — 12 MB of 96 MB` over a `<progress>`; a bar without a
/// value (indeterminate) until the size is known.
#[component]
pub fn JobProgress(props: &JobProgressProps) -> Html {
    let job = &props.job;
    let starting = match job.kind {
        JobKind::Import => "Starting",
        JobKind::Download { .. } => "Preparing the download",
    };
    let stage = job.progress.as_ref().map_or(starting, |p| p.stage.as_str());
    let amount = match &job.progress {
        Some(p) => match p.total {
            Some(total) => format!("{} of {}", human_size(p.done), human_size(total)),
            None if p.done > 0 => human_size(p.done),
            None => String::new(),
        },
        None => String::new(),
    };
    let bar = match job.progress.as_ref().and_then(|p| p.total.map(|t| (p.done, t))) {
        Some((done, total)) if total > 0 => html! {
            <progress max={total.to_string()} value={done.min(total).to_string()}
                      aria-label={format!("{stage}: {}", job.label)}></progress>
        },
        _ => html! { <progress aria-label={format!("{stage}: {}", job.label)}></progress> },
    };
    html! {
        <div class="job" data-job={job.id.to_string()}>
            <p class="job-text">
                <strong>{ job.label.clone() }</strong>{ " — " }{ stage }
                <span class="meta job-amount" aria-hidden="true">{ if amount.is_empty() { String::new() } else { format!(" — {amount}") } }</span>
            </p>
            { bar }
        </div>
    }
}
