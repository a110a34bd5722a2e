//! libFuzzer target `vacancies`: the body is `fuzzing::targets::vacancies`
//! (crates/fuzzing), which the stable smoke run shares.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fuzzing::targets::vacancies(data);
});
