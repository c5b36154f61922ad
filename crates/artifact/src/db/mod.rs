//! The `.db` file itself: its header ([`sniff()`]), its tables ([`schema`]), hardening and
//! inspection of an untrusted connection, the one open pipeline ([`open_checked`]), the model
//! read from and written to its tables ([`store`]), verification and migration.

mod blob;
pub mod deferred;
pub mod harden;
pub mod inspect;
pub mod migrate;
pub mod open;
pub mod runtime;
pub mod schema;
pub mod sniff;
pub mod store;
pub mod structure;
pub mod verify;

pub use self::open::{
    Opened, OpenedWorkshop, Opening, PendingWorkshop, Playground, load_checked, open_checked, open_pending,
    open_pending_deferred,
};
pub use self::sniff::{Header, SNIFF_LEN, sniff};
