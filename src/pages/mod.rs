//! Whole pages: what one address shows.

mod class_page;
mod library_page;
mod other_tab_page;
mod playground_page;
mod workshop_page;

pub use class_page::ClassPage;
pub use library_page::LibraryPage;
pub use other_tab_page::OtherTabPage;
pub use playground_page::PlaygroundPage;
pub use workshop_page::WorkshopPage;
