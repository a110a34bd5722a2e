//! libFuzzer target `districts`: the body is `fuzzing::targets::districts`
//! (crates/fuzzing), which the stable smoke run shares.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fuzzing::targets::districts(data);
});
