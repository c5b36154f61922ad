//! Stepwise's benchmark instruments: the generated data sets every benchmark runs on, and the
//! figures measured natively (first-visit size, the CLI's project export and rebuild against
//! `sqlite3` + `zip`).
//!
//! `scripts/bench.sh` is the command people run; it calls the `stepwise-bench` binary for
//! `gen` (the data sets, [`data`]) and `native` (the figures, [`native`]), then the browser
//! benchmarks in `tests/bench/`. Every figure is one JSON line ([`Figure`]), as the benchmark
//! contract of `docs/performance.md` describes. Nothing here asserts on a time.

pub mod data;
pub mod figure;
pub mod native;
pub mod rng;

pub use figure::{Figure, Target};
