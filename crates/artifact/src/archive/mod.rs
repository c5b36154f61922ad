//! Sets of files and the archives they travel in, all read as hostile input: a [`FileTree`]
//! (validated relative paths to bytes), its zip and tar forms, the [`Limits`] every reader
//! enforces, a streamed deterministic zip ([`ZipStream`]) and the memory it is written into in
//! the worker ([`Spool`]).

pub(crate) mod limits;
mod spool;
mod tar;
pub(crate) mod tree;
mod zip;

pub use self::limits::{Limits, check_path};
pub use self::spool::Spool;
pub use self::tree::FileTree;
pub use self::zip::ZipStream;
