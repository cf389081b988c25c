//! `xiangqin-rules eval [FILE]` — evaluate household facts JSON (FILE or standard input).
//! `xiangqin-rules interview [FILE]` — play the questionnaire against household facts JSON (FILE or
//! standard input): each question answered from the facts, 「不清楚」 where a fact is absent; prints
//! the screens answered, their number and the results (as `eval`).
//! `xiangqin-rules list` — the whole catalogue with its sources.
//! `xiangqin-rules texts` — the policies' words as the app's release build fetches them
//! (`texts.json`; `scripts/split-wasm` puts them in `dist/`).
//! `xiangqin-rules id-number` — completes ID numbers: each line of standard input, 17 digits,
//! printed with its GB 11643 check digit (for tests and benchmarks that need valid ones).
//! Malformed input: a message naming the field on standard error, exit status 2.
use serde_json::json;
use std::io::Read;
use std::process::ExitCode;
use xiangqin_rules::{rules, Facts};

const USAGE: &str = "usage: xiangqin-rules eval [FILE]        (household facts JSON; standard input if no FILE)\n       xiangqin-rules interview [FILE]   (the questionnaire answered from those facts)\n       xiangqin-rules list\n       xiangqin-rules texts   (the policies' words, as the app fetches them)\n       xiangqin-rules id-number   (lines of 17 digits on standard input; each printed with its check digit)";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        ["eval"] | ["eval", "-"] => eval(None, false),
        ["eval", file] => eval(Some(file), false),
        ["interview"] | ["interview", "-"] => eval(None, true),
        ["interview", file] => eval(Some(file), true),
        ["list"] => {
            let r = rules();
            let policies: Vec<_> = r
                .policies
                .iter()
                .map(|p| json!({"id": p.id, "region": p.region, "category": p.category, "title": p.title, "sources": p.sources}))
                .collect();
            print_json(&json!({"rules_version": r.version, "policies": policies}))
        }
        ["texts"] => {
            print!("{}", xiangqin_rules::engine::TEXTS);
            ExitCode::SUCCESS
        }
        ["id-number"] => id_numbers(),
        ["-h"] | ["--help"] | ["help"] => {
            println!("{USAGE}");
            ExitCode::SUCCESS
        }
        _ => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// Reads household facts and prints their evaluation, or (`interview`) the questionnaire played
/// against them.
fn eval(file: Option<&str>, interview: bool) -> ExitCode {
    let mut text = String::new();
    let read = match file {
        Some(path) => std::fs::read_to_string(path).map(|t| text = t),
        None => std::io::stdin().read_to_string(&mut text).map(drop),
    };
    if let Err(e) = read {
        eprintln!(
            "error: cannot read {}: {e}",
            file.unwrap_or("standard input")
        );
        return ExitCode::from(2);
    }
    let mut facts = match Facts::from_json(&text) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: invalid household facts: {e}");
            return ExitCode::from(2);
        }
    };
    // The rules are dated; without `as_of` the answers are taken to describe today (UTC).
    if facts.as_of.is_none() {
        let now = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        facts.as_of = chrono::DateTime::from_timestamp(now as i64, 0).map(|t| t.date_naive());
    }
    if interview {
        return match xiangqin_rules::interview::interview(&facts) {
            Ok(played) => print_json(&json!({
                "questions": played.questions,
                "count": played.count(),
                "as_of": played.evaluation.as_of,
                "rules_version": played.evaluation.rules_version,
                "results": played.evaluation.results,
                "conflicts": played.evaluation.conflicts,
            })),
            Err(e) => {
                eprintln!("error: invalid household facts: {e}");
                ExitCode::from(2)
            }
        };
    }
    match rules().evaluate_with_notices(&facts) {
        // `notes`: what the results say once above all the cards (e.g. the period a document
        // was written for), as the app shows them.
        Ok((evaluation, notes)) => print_json(&json!({
            "as_of": evaluation.as_of,
            "rules_version": evaluation.rules_version,
            "notes": notes,
            "results": evaluation.results,
            "conflicts": evaluation.conflicts,
        })),
        Err(e) => {
            eprintln!("error: invalid household facts: {e}");
            ExitCode::from(2)
        }
    }
}

/// Each line of standard input (17 digits) with its check digit; a line that is not 17 digits is
/// refused (exit status 2) after the lines before it.
fn id_numbers() -> ExitCode {
    let mut text = String::new();
    if let Err(e) = std::io::stdin().read_to_string(&mut text) {
        eprintln!("error: cannot read standard input: {e}");
        return ExitCode::from(2);
    }
    for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
        match xiangqin_rules::declaration::id_check_digit(line) {
            Some(check) => println!("{line}{check}"),
            None => {
                eprintln!("error: {line:?} is not 17 digits");
                return ExitCode::from(2);
            }
        }
    }
    ExitCode::SUCCESS
}

fn print_json(value: &serde_json::Value) -> ExitCode {
    println!(
        "{}",
        serde_json::to_string_pretty(value).expect("serializable")
    );
    ExitCode::SUCCESS
}
