//! The page's building blocks, one component per file.

mod offline_notice;
mod sample_list;
mod top_bar;
mod update_banner;
mod worker_status;

pub use offline_notice::OfflineNotice;
pub use sample_list::SampleList;
pub use top_bar::TopBar;
pub use update_banner::UpdateBanner;
pub use worker_status::WorkerStatusLine;
