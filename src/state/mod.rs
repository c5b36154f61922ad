//! Page state: one `Reducible` per concern, changed only through its `Action`s.

pub mod library;
