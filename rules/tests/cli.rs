//! The `xiangqin-rules` command as a user runs it: the real binary, its standard input and output.
use std::io::Write;
use std::process::{Command, Stdio};

/// Runs `xiangqin-rules ARGS` with `input` on standard input: exit code, standard output.
fn run(args: &[&str], input: &str) -> (i32, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xiangqin-rules"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the command starts");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8(out.stdout).unwrap(),
    )
}

/// `eval` prints the notes the results say once above all the cards (as the app shows them), not
/// only the cards: the Longyan household of issue 19 in 2026 reads that the 2021—2025 transition
/// period is over.
#[test]
fn eval_prints_the_notes_said_once() {
    let (code, out) = run(
        &["eval"],
        r#"{"region":"longyan","as_of":"2026-12-02",
        "household":{"poverty_status":"lifted_out","recent_shocks":["illness"],"rigid_expense":{"medical":60000}},
        "members":[{"relation":"head","age":68},{"relation":"spouse","age":66,"chronic_disease":["diabetes"]}]}"#,
    );
    assert_eq!(code, 0, "{out}");
    let printed: serde_json::Value = serde_json::from_str(&out).unwrap();
    let notes = printed["notes"].as_array().expect("a list of notes");
    assert!(
        notes
            .iter()
            .any(|n| n.as_str().unwrap().contains("2021—2025年过渡期")),
        "{notes:?}"
    );
    assert!(printed["results"].as_array().unwrap().len() > 5);
}

/// `id-number` completes each line of 17 digits with its check digit, and refuses what is not 17
/// digits.
#[test]
fn id_number_adds_the_check_digit() {
    let (code, out) = run(&["id-number"], "11010519491231002\n350821198001010011\n");
    assert_eq!(code, 2, "an 18-digit line is refused");
    assert_eq!(out, "11010519491231002X\n");
    let (code, out) = run(&["id-number"], "11010519491231002\n35082119800101001\n");
    assert_eq!(code, 0);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines[0], "11010519491231002X");
    assert_eq!(lines[1].len(), 18);
    let today = chrono::NaiveDate::from_ymd_opt(2026, 12, 2).unwrap();
    assert!(xiangqin_rules::declaration::check_id_number(lines[1], today).is_ok());
}

/// `texts` prints the words the app's release build fetches: with the conditions, the whole rules.
#[test]
fn texts_prints_the_words_of_these_rules() {
    let (code, out) = run(&["texts"], "");
    assert_eq!(code, 0);
    let core = include_str!(concat!(env!("OUT_DIR"), "/rules-core.json"));
    let whole = xiangqin_rules::Rules::from_json_parts(core, &out).unwrap();
    assert_eq!(whole.policies, xiangqin_rules::rules().policies);
}
