//! libFuzzer target `ssda903_read_table`: the body is `fuzzing::targets::ssda903_read_table`
//! (crates/fuzzing), which the stable smoke run shares.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fuzzing::targets::ssda903_read_table(data);
});
