//! libFuzzer target `invoices`: the body is `fuzzing::targets::invoices`
//! (crates/fuzzing), which the stable smoke run shares.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fuzzing::targets::invoices(data);
});
