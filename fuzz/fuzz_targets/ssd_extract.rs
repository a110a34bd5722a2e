//! libFuzzer target `ssd_extract`: the body is `fuzzing::targets::ssd_extract`
//! (crates/fuzzing), which the stable smoke run shares.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fuzzing::targets::ssd_extract(data);
});
