//! Turns the readable rules data (`data/*.toml`) into one compact JSON document embedded in the
//! crate, so that the app carries no TOML parser. The data itself is checked by the tests.
//!
//! Region files (those with `[[policy]]` records) are joined into `policies`, in the order of the
//! seeds; every other file is kept whole under its name (`terms`, `periods`, …).
//!
//! Besides the whole document (`rules.json`), the same data in two parts for the app's split
//! build (issue 21): `rules-core.json`, the policies without their words, which is all the
//! questionnaire needs, and `texts.json`, the words (`TEXT_FIELDS`), fetched by the app for the
//! results and policy pages.
use serde_json::Value;
use std::{env, fs, path::Path};

/// A policy's words: what the results and policy pages show, not what decides its status.
const TEXT_FIELDS: [&str; 7] = [
    "title",
    "summary",
    "who",
    "gets",
    "how_to_apply",
    "careful",
    "source",
];

fn main() {
    let data = Path::new("data");
    println!("cargo:rerun-if-changed=data");
    let mut files: Vec<_> = fs::read_dir(data)
        .expect("rules/data")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    // Region files in the order of the seeds, then the others by name.
    let order = [
        "qinghai",
        "longyan",
        "shaanxi",
        "inner_mongolia",
        "liangzhou",
    ];
    let stem = |p: &Path| p.file_stem().unwrap().to_string_lossy().to_string();
    files.sort_by_key(|p| {
        let s = stem(p);
        (order.iter().position(|r| *r == s).unwrap_or(order.len()), s)
    });
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325; // FNV-1a over the data: the rules version
    let mut out = serde_json::Map::new();
    let mut policies = Vec::new();
    for path in &files {
        println!("cargo:rerun-if-changed={}", path.display());
        let text = fs::read_to_string(path).expect("read rules data");
        for b in text.bytes() {
            hash = (hash ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
        let value: toml::Value =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let json = serde_json::to_value(value).expect("toml to json");
        match json.get("policy").and_then(|p| p.as_array()) {
            Some(list) => policies.extend(list.iter().cloned()),
            None => drop(out.insert(stem(path), json)),
        }
    }
    let version = format!(
        "{}+{:08x}",
        env::var("CARGO_PKG_VERSION").unwrap(),
        hash as u32
    );
    out.insert("version".into(), version.clone().into());
    let out_dir = env::var("OUT_DIR").unwrap();
    let write = |name: &str, value: &serde_json::Map<String, Value>| {
        let text = serde_json::to_string(value).unwrap();
        fs::write(Path::new(&out_dir).join(name), text).unwrap_or_else(|e| panic!("{name}: {e}"));
    };

    // The parts: each policy's words, under its id, taken out of the conditions' document.
    let mut core = out.clone();
    let mut texts = Vec::new();
    let mut bare = Vec::new();
    for policy in &policies {
        let mut policy = policy.as_object().expect("a policy is a table").clone();
        let mut words = serde_json::Map::new();
        words.insert("id".into(), policy["id"].clone());
        for field in TEXT_FIELDS {
            if let Some(v) = policy.remove(field) {
                words.insert(field.into(), v);
            }
        }
        texts.push(Value::Object(words));
        bare.push(Value::Object(policy));
    }
    core.insert("policies".into(), bare.into());
    write("rules-core.json", &core);
    let mut words = serde_json::Map::new();
    words.insert("version".into(), version.into());
    words.insert("policies".into(), texts.into());
    write("texts.json", &words);

    out.insert("policies".into(), policies.into());
    write("rules.json", &out);
}
