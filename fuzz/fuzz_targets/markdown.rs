//! Fuzz target `markdown`: see `stepwise_fuzz::markdown` (fuzz/src/lib.rs) for what it feeds and checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = stepwise_fuzz::markdown(data);
});
