//! Turns the readable rules data (`data/*.toml`) into one compact JSON document embedded in the
//! crate, so that the app carries no TOML parser. The data itself is checked by the tests.
use std::{env, fs, path::Path};

fn main() {
    let data = Path::new("data");
    println!("cargo:rerun-if-changed=data");
    let mut files: Vec<_> = fs::read_dir(data)
        .expect("rules/data")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();

    // Region files in the order of the seeds; terms separately.
    let order = [
        "qinghai",
        "longyan",
        "shaanxi",
        "inner_mongolia",
        "liangzhou",
    ];
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325; // FNV-1a over the data: the rules version
    let mut terms = serde_json::Value::Null;
    let mut policies = Vec::new();
    let mut region_files: Vec<_> = files
        .iter()
        .filter(|p| p.file_stem().is_some_and(|s| s != "terms"))
        .collect();
    region_files.sort_by_key(|p| {
        let stem = p.file_stem().unwrap().to_string_lossy().to_string();
        order.iter().position(|r| *r == stem).unwrap_or(order.len())
    });
    for path in files
        .iter()
        .filter(|p| p.file_stem().is_some_and(|s| s == "terms"))
        .chain(region_files)
    {
        println!("cargo:rerun-if-changed={}", path.display());
        let text = fs::read_to_string(path).expect("read rules data");
        for b in text.bytes() {
            hash = (hash ^ b as u64).wrapping_mul(0x0100_0000_01b3);
        }
        let value: toml::Value =
            toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let json = serde_json::to_value(value).expect("toml to json");
        if path.file_stem().is_some_and(|s| s == "terms") {
            terms = json;
        } else if let Some(list) = json.get("policy").and_then(|p| p.as_array()) {
            policies.extend(list.iter().cloned());
        }
    }
    let version = format!(
        "{}+{:08x}",
        env::var("CARGO_PKG_VERSION").unwrap(),
        hash as u32
    );
    let out = serde_json::json!({ "version": version, "terms": terms, "policies": policies });
    let dest = Path::new(&env::var("OUT_DIR").unwrap()).join("rules.json");
    fs::write(dest, serde_json::to_string(&out).unwrap()).expect("write rules.json");
}
