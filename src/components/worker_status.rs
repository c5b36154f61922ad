//! One line in the footer saying whether the database worker is up, and where it keeps files.

use yew::prelude::*;

use crate::hooks::WorkerStatus;
use stepwise_protocol::{LoadProgress, Storage};

use crate::format::human_size;

/// Props of [`WorkerStatusLine`].
#[derive(Properties, PartialEq)]
pub struct WorkerStatusProps {
    /// What the page knows about its worker.
    pub status: WorkerStatus,
}

/// Shows the worker's status; `data-state` lets tests wait for it.
#[component]
pub fn WorkerStatusLine(props: &WorkerStatusProps) -> Html {
    let (state, text) = match &props.status {
        WorkerStatus::Starting(None) => ("starting", "Database worker: starting…".to_owned()),
        WorkerStatus::Starting(Some(loaded)) => {
            ("starting", format!("Database worker: loading — {}", loaded_amount(loaded)))
        }
        WorkerStatus::Ready { storage, version } => {
            let place = match storage {
                Storage::Opfs => "workshops kept in this browser",
                Storage::Memory { .. } => "memory only",
            };
            match version {
                Some(version) => ("ready", format!("Database worker: ready (version {version}), {place}")),
                None => ("opening", format!("Database worker: {place}")),
            }
        }
        WorkerStatus::Unavailable(error) => {
            ("unavailable", format!("Database worker: not available — {}", error.message))
        }
        WorkerStatus::Failed(reason) => ("failed", format!("Database worker: not available — {reason}")),
    };
    html! {
        <p class="worker-status" data-state={state} role="status">{ text }</p>
    }
}

/// `312 KB of 623 KB`, or `312 KB` when the host gave no size.
pub(crate) fn loaded_amount(loaded: &LoadProgress) -> String {
    match loaded.total {
        Some(total) => format!("{} of {}", human_size(loaded.done.min(total)), human_size(total)),
        None => human_size(loaded.done),
    }
}
