//! Fuzz target `open`: see `stepwise_fuzz::open` (fuzz/src/lib.rs) for what it feeds and checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = stepwise_fuzz::open(data);
});
