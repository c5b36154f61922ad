//! Hooks that connect components to the world outside Yew (the worker, the network).

mod use_samples;
mod use_worker;

pub use use_samples::{SamplesState, use_samples};
pub use use_worker::{WorkerStatus, use_worker};
