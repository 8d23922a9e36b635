#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| treem_web::fuzzing::json_body(data));
