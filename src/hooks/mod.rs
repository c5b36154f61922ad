//! Hooks that connect components to the world outside Yew (the worker, the address, the network).

mod use_library;
mod use_online;
mod use_page_rest;
mod use_preview;
mod use_route;
mod use_samples;
mod use_service_worker;
mod use_worker;

pub use use_library::{Commands, request_persistence, use_library};
pub use use_online::use_online;
pub use use_page_rest::use_page_rest;
pub use use_preview::{PreviewState, take_pending_scroll, use_preview};
pub use use_route::{Route, absolute, current, navigate, replace, use_route};
pub use use_samples::{SamplesState, use_samples};
pub use use_service_worker::{apply_update, use_service_worker};
pub use use_worker::{WorkerHandle, WorkerStatus, use_worker};
