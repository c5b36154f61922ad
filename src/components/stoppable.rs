//! A playground statement that can be stopped while it runs: the notice with its time limit and
//! the Stop button, and the answer Stop leaves. Stop restarts the database worker (the only way
//! to interrupt SQLite inside it); the request in flight then fails, and its answer says so.

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::hooks::Commands;
use stepwise_protocol::{ErrorKind, QUERY_SECONDS, WorkerError};

/// Whether Stop was pressed for the statement that runs; shared by the run and the button.
#[derive(Clone, Default)]
pub struct StopFlag(Rc<RefCell<bool>>);

impl PartialEq for StopFlag {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl StopFlag {
    /// A statement starts: no Stop yet.
    pub fn start(&self) {
        *self.0.borrow_mut() = false;
    }

    /// The answer to show: a failure after Stop becomes "Stopped", saying that `kept` (what is
    /// stored) is as it was.
    pub fn answer<T>(&self, answer: Result<T, WorkerError>, kept: &str) -> Result<T, WorkerError> {
        match answer {
            Err(_) if std::mem::take(&mut *self.0.borrow_mut()) => Err(WorkerError::new(
                ErrorKind::Internal,
                format!("Stopped. The database worker was restarted; {kept} is as it was before the statement."),
            )),
            other => other,
        }
    }

    /// The Stop button's click: marks the statement stopped and restarts the worker.
    pub fn on_stop(&self, commands: &Commands) -> Callback<MouseEvent> {
        let (flag, commands) = (self.clone(), commands.clone());
        Callback::from(move |_: MouseEvent| {
            *flag.0.borrow_mut() = true;
            commands.worker().restart();
        })
    }
}

/// Props of [`RunningNotice`].
#[derive(Properties, PartialEq)]
pub struct RunningNoticeProps {
    /// Stop was clicked.
    pub on_stop: Callback<MouseEvent>,
}

/// "Running… it stops by itself after 30 s." and Stop.
#[component]
pub fn RunningNotice(props: &RunningNoticeProps) -> Html {
    html! {
        <p class="pg-running" role="status">
            <span class="meta">{ format!("Running… it stops by itself after {QUERY_SECONDS} s.") }</span>
            <button class="small" onclick={props.on_stop.clone()}>{ "Stop" }</button>
        </p>
    }
}
