//! Fuzz target `project_zip`: see `stepwise_fuzz::project_zip` (fuzz/src/lib.rs) for what it feeds and checks.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = stepwise_fuzz::project_zip(data);
});
