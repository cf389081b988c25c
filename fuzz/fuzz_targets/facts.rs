//! Household facts JSON: parsing (and the range checks after it) must never panic, and what it
//! accepts must read back the same after a round trip through JSON.
#![no_main]
use libfuzzer_sys::fuzz_target;
use xiangqin_rules::Facts;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    if let Ok(facts) = Facts::from_json(text) {
        let json = serde_json::to_string(&facts).expect("facts serialize");
        let again = Facts::from_json(&json).expect("serialized facts parse again");
        assert_eq!(facts, again, "round trip changed the facts");
        for info in xiangqin_rules::facts::HOUSEHOLD_FACTS {
            assert!(facts.get(info.name).is_some(), "{}", info.name);
        }
    }
});
