//! The imports under way, each with its progress bar, in a space reserved so nothing jumps.

use yew::prelude::*;

use crate::hooks::use_library;

use super::job_progress::JobProgress;

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
        </div>
    }
}
