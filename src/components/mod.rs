//! The page's building blocks, one component per file, named for what users see.

mod offline_notice;
mod add_workshop;
mod alerts;
mod confirm_remove;
mod drop_zone;
mod duplicate_dialog;
mod import_progress;
mod import_report;
mod job_progress;
mod modal;
mod sample_list;
mod storage_banner;
mod storage_usage;
mod top_bar;
mod update_banner;
mod worker_status;
mod workshop_card;
mod workshop_view;

pub use offline_notice::OfflineNotice;
pub use add_workshop::{AddWorkshop, absolute};
pub use alerts::Alerts;
pub use confirm_remove::ConfirmRemove;
pub use drop_zone::DropZone;
pub use duplicate_dialog::DuplicateDialog;
pub use import_progress::ImportProgress;
pub use import_report::ImportReport;
pub use job_progress::JobProgress;
pub use modal::Modal;
pub use sample_list::SampleList;
pub use storage_banner::StorageBanner;
pub use storage_usage::StorageUsage;
pub use top_bar::TopBar;
pub use update_banner::UpdateBanner;
pub use worker_status::WorkerStatusLine;
pub use workshop_card::WorkshopCard;
pub use workshop_view::WorkshopView;
