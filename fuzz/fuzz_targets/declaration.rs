//! Self-declarations: JSON → Declaration, then normalizing and validating (as the app and the
//! endpoint do) must never panic; a normalized declaration normalizes to itself.
#![no_main]
use chrono::NaiveDate;
use libfuzzer_sys::fuzz_target;
use xiangqin_rules::declaration::{check_id_number, check_phone, Declaration};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let today = NaiveDate::from_ymd_opt(2026, 11, 22).unwrap();
    // The raw text also goes to the single-field checks, which see whatever a user types.
    let _ = check_id_number(text, today);
    let _ = check_phone(text);
    let Ok(d) = serde_json::from_str::<Declaration>(text) else {
        return;
    };
    let _ = d.validate(today);
    let n = d.normalized();
    let result = n.validate(today);
    assert_eq!(n.normalized(), n, "normalizing twice changed the declaration");
    let _ = check_id_number(&n.applicant.id_number, today);
    let _ = check_phone(&n.applicant.phone);
    if result.is_ok() {
        assert_eq!(check_id_number(&n.applicant.id_number, today), Ok(()));
        assert!(check_phone(&n.applicant.phone).is_ok());
    }
});
