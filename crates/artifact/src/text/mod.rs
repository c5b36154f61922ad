//! The workshop text form: `workshop.yaml`, step folders, assets and runtime CSV, both ways.
//!
//! [`export`] turns a workshop database into a [`FileTree`](crate::archive::FileTree)
//! (lossless, deterministic); [`parse`] reads such a tree (an author's folder or an exported
//! zip) into the model, reporting the file and line of every mistake; [`build`] writes it into
//! an empty database. The layout is documented in `docs/format.md`.

mod doc;
mod lines;
mod read;
mod write;

#[cfg(feature = "schema")]
pub use self::doc::json_schema;
pub use self::doc::{TEXT_FORM_VERSION, WORKSHOP_YAML};
pub use self::read::{Lines, Parsed, find_root, media_type_of, parse, parse_yaml_documents};
pub use self::write::{build, export, step_dir, write_workshop};
