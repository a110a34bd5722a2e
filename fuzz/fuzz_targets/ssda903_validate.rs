//! libFuzzer target `ssda903_validate`: the body is `fuzzing::ssda903::validate`
//! (crates/fuzzing), which the stable smoke run shares.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fuzzing::ssda903::validate(data);
});
