//! Everything that touches the disk, for the CLI and the tests: files opened read-only
//! ([`open_path`], [`verify_path`]), text forms read from and written to folders and zips,
//! databases created atomically, project folders. Native only, and nothing else in the library
//! uses it: the same code runs in the browser's worker without it.

mod dir;
pub mod fs;
mod open;
mod project_dir;

pub use self::open::{open_path, verify_path};
pub use self::project_dir::{OpenedProject, ProjectDir};
