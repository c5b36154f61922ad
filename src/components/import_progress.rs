//! The imports under way, each with its progress bar, in a space reserved so nothing jumps.

use yew::prelude::*;

use crate::hooks::use_library;
use crate::state::library::Phase;

use super::job_progress::JobProgress;
use super::worker_status::loaded_amount;

/// Every import under way (the UI stays usable meanwhile).
#[component]
pub fn ImportProgress() -> Html {
    let (library, _) = use_library();
    let jobs: Vec<_> = library.imports().cloned().collect();
    let waiting: Vec<u32> = library.duplicates.iter().map(|d| d.job).collect();
    html! {
        <div class="imports" aria-live="polite" aria-busy={(!jobs.is_empty()).to_string()}>
            { for jobs.into_iter().map(|job| {
                if waiting.contains(&job.id) {
                    html! { <p class="job-text"><strong>{ job.label.clone() }</strong>{ " — waiting for your choice" }</p> }
                } else {
                    let key = job.id;
                    html! { <JobProgress {key} {job} /> }
                }
            }) }
            // An import waiting for the database worker, which is still downloading (a first
            // visit on a slow network): how much of it has come.
            if let (Phase::Starting(Some(loaded)), false) = (&library.phase, library.imports().next().is_none()) {
                <div class="job worker-loading">
                    <p class="job-text">
                        <strong>{ "The database worker" }</strong>{ " — Loading" }
                        <span class="meta job-amount" aria-hidden="true">{ format!(" — {}", loaded_amount(loaded)) }</span>
                    </p>
                    if let Some(total) = loaded.total.filter(|t| *t > 0) {
                        <progress max={total.to_string()} value={loaded.done.min(total).to_string()}
                                  aria-label="Loading the database worker"></progress>
                    } else {
                        <progress aria-label="Loading the database worker"></progress>
                    }
                </div>
            }
        </div>
    }
}
