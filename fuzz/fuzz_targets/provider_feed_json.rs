//! libFuzzer target `provider_feed_json`: the body is `fuzzing::targets::provider_feed_json`
//! (crates/fuzzing), which the stable smoke run shares.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    fuzzing::targets::provider_feed_json(data);
});
