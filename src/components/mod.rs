//! The page's building blocks, one component per file.

mod sample_list;
mod top_bar;
mod worker_status;

pub use sample_list::SampleList;
pub use top_bar::TopBar;
pub use worker_status::WorkerStatusLine;
