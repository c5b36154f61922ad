//! Hooks that connect components to the world outside Yew (the worker, the address, the network).

mod use_library;
mod use_route;
mod use_samples;
mod use_worker;

pub use use_library::{Commands, request_persistence, use_library};
pub use use_route::{Route, navigate, use_route};
pub use use_samples::{SamplesState, use_samples};
pub use use_worker::{WorkerHandle, WorkerStatus, use_worker};
