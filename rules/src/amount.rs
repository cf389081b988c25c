//! Numbers as a household types them: full-width digits, spaces, thousands separators, 元 or 块,
//! and 万 for ten thousand. One reader for every amount the app asks for (the questionnaire's
//! and the declaration form's), so 「3.5万」 means the same everywhere.

/// Full-width digits and letters made half-width, 。 and ． read as a decimal point, spaces
/// dropped (a phone keyboard in Chinese mode types the full-width ones).
pub fn half_width(s: &str) -> String {
    s.chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}' => {
                char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
            }
            '．' | '。' => '.',
            _ => c,
        })
        .collect()
}

/// The message key of an amount that cannot be read.
pub const NOT_AN_AMOUNT: &str = "not_an_amount";

/// An amount of yuan: `3000`, `3,000`, `3000元`, `3.5万`, `３０００`. Empty means "not given".
/// No sign and no exponent: a negative or scientific amount is not an amount a household means.
pub fn parse_yuan(s: &str) -> Result<Option<f64>, &'static str> {
    let s = half_width(s).replace([',', '，'], "");
    let s = s.trim_end_matches('元').trim_end_matches('块');
    if s.is_empty() {
        return Ok(None);
    }
    let (number, factor) = match s.strip_suffix('万') {
        Some(n) => (n, 10_000.0),
        None => (s, 1.0),
    };
    decimal(number)
        .map(|v| Some(v * factor))
        .ok_or(NOT_AN_AMOUNT)
}

/// `123` or `123.45` (no sign, no exponent), read by hand: `f64::from_str` would add a few
/// kilobytes to the app's download for nothing.
fn decimal(s: &str) -> Option<f64> {
    let (whole, fraction) = s.split_once('.').unwrap_or((s, ""));
    if whole.is_empty() || whole.len() > 12 || fraction.len() > 6 {
        return None;
    }
    let digits = |p: &str| {
        p.bytes().try_fold(0u64, |n, b| {
            b.is_ascii_digit().then(|| n * 10 + u64::from(b - b'0'))
        })
    };
    let (w, f) = (digits(whole)?, digits(fraction)?);
    Some(w as f64 + f as f64 / 10f64.powi(fraction.len() as i32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_as_households_type_them() {
        assert_eq!(parse_yuan(""), Ok(None));
        assert_eq!(parse_yuan("  "), Ok(None));
        assert_eq!(parse_yuan("3000"), Ok(Some(3000.0)));
        assert_eq!(parse_yuan("3,000元"), Ok(Some(3000.0)));
        assert_eq!(parse_yuan("3，000 块"), Ok(Some(3000.0)));
        assert_eq!(parse_yuan("３０００"), Ok(Some(3000.0)));
        assert_eq!(parse_yuan("3.5万"), Ok(Some(35_000.0)));
        assert_eq!(parse_yuan("3.5万元"), Ok(Some(35_000.0)));
        assert_eq!(parse_yuan("３。５万"), Ok(Some(35_000.0)));
        assert_eq!(parse_yuan("12.50"), Ok(Some(12.5)));
        assert_eq!(parse_yuan("5."), Ok(Some(5.0)));
    }

    #[test]
    fn what_is_not_an_amount_is_refused() {
        for s in [
            "1.2.3",
            "-5",
            "万",
            ".5",
            "1e5",
            "三千",
            "5万万",
            "1234567890123",
            "0.1234567",
        ] {
            assert_eq!(parse_yuan(s), Err(NOT_AN_AMOUNT), "{s}");
        }
    }
}
