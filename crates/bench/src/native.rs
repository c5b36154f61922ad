//! The figures measured natively: first-visit size, and the CLI's project export and rebuild
//! against `sqlite3` + `zip` on the same data in the same run.
