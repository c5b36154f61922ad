//! Hooks that connect components to the world outside Yew (the worker, the network).

mod use_online;
mod use_samples;
mod use_service_worker;
mod use_worker;

pub use use_online::use_online;
pub use use_samples::{SamplesState, use_samples};
pub use use_service_worker::{apply_update, use_service_worker};
pub use use_worker::{WorkerStatus, use_worker};
