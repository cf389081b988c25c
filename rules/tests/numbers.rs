//! Every number a policy's texts give (summary, who, gets, how to apply, careful, reasons) is in
//! its seed document, or sits in a sentence that says it is the app's own assumption
//! (「本应用…」). An amount, an age or a count the documents do not state must never read as theirs.
use std::collections::BTreeSet;
use xiangqin_rules::{rules, Policy};

/// Sentences end at these.
const ENDS: [char; 5] = ['。', '；', '！', '？', '\n'];
/// Chinese numerals, read as numbers where a unit follows (三级, 五年, 两倍).
const CN_DIGITS: &str = "一二三四五六七八九十百千万两";
const CN_UNITS: [&str; 12] = [
    "级", "年", "个月", "岁", "元", "倍", "类", "档", "户", "人", "天", "次",
];
/// The marker of the app's own assumption.
const APP: &str = "本应用";

/// The numbers in a text: runs of digits (with a decimal point), and Chinese numerals before a unit.
fn numbers(text: &str) -> Vec<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_ascii_digit() {
            let start = i;
            while i < chars.len()
                && (chars[i].is_ascii_digit()
                    || (chars[i] == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit)))
            {
                i += 1;
            }
            out.push(chars[start..i].iter().collect());
            continue;
        }
        // 1.08万: a Chinese multiplier after digits belongs to the number already read.
        if CN_DIGITS.contains(c) && !(i > 0 && chars[i - 1].is_ascii_digit()) {
            let start = i;
            while i < chars.len() && CN_DIGITS.contains(chars[i]) {
                i += 1;
            }
            let rest: String = chars[i..].iter().take(2).collect();
            if let Some(unit) = CN_UNITS.iter().find(|u| rest.starts_with(**u)) {
                out.push(format!(
                    "{}{unit}",
                    chars[start..i].iter().collect::<String>()
                ));
            }
            continue;
        }
        i += 1;
    }
    out
}

/// Whether the seed has this number on its own (not inside a longer number).
fn seed_has(seed: &str, number: &str) -> bool {
    seed.match_indices(number).any(|(at, _)| {
        let before = seed[..at].chars().next_back();
        let after = seed[at + number.len()..].chars().next();
        let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit() || c == '.');
        if number.chars().next().is_some_and(|c| c.is_ascii_digit()) {
            !digit(before) && !digit(after)
        } else {
            !before.is_some_and(|c| CN_DIGITS.contains(c))
        }
    })
}

fn texts(p: &Policy) -> Vec<(&'static str, &str)> {
    let d = &p.decision;
    let mut out = vec![
        ("summary", p.summary.as_str()),
        ("who", p.who.as_str()),
        ("gets", p.gets.as_str()),
        ("how_to_apply", p.how_to_apply.as_str()),
        ("careful", p.careful.as_str()),
    ];
    for (name, text) in [
        ("yes_reason", &d.yes_reason),
        ("maybe_reason", &d.maybe_reason),
        ("no_reason", &d.no_reason),
        ("caveat", &d.caveat),
        ("always_maybe", &d.always_maybe),
    ] {
        if let Some(t) = text {
            out.push((name, t.as_str()));
        }
    }
    out
}

#[test]
fn every_number_in_a_policy_text_is_in_its_seed_or_labelled_as_the_apps() {
    let root = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../sources");
    let mut problems = BTreeSet::new();
    for p in &rules().policies {
        let file = &p.sources[0].file;
        let seed = std::fs::read_to_string(root.join(file)).unwrap();
        for (field, text) in texts(p) {
            for sentence in text.split(ENDS) {
                if sentence.contains(APP) {
                    continue;
                }
                for n in numbers(sentence) {
                    if !seed_has(&seed, &n) {
                        problems.insert(format!(
                            "{} {field}: 「{n}」 is not in {file}: {sentence}",
                            p.id
                        ));
                    }
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.into_iter().collect::<Vec<_>>().join("\n")
    );
}

#[test]
fn numbers_are_found_as_a_reader_sees_them() {
    assert_eq!(
        numbers("按100元标准，一、二级残疾，1.08万人，五年"),
        vec!["100", "二级", "1.08", "五年"]
    );
    assert!(seed_has("给予100元补助", "100"));
    assert!(!seed_has("给予1000元补助", "100"), "100 is not 1000");
    assert!(!seed_has("三十五年", "五年"), "五年 is not 三十五年");
}
