#![no_main]

libfuzzer_sys::fuzz_target!(|bytes: &[u8]| aether::fuzzing::notebook(bytes));
