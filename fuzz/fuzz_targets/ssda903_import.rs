//! libFuzzer target `ssda903_import`: the body is `fuzzing::ssda903::import`
//! (crates/fuzzing), which the stable smoke run shares.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fuzzing::ssda903::import(data);
});
