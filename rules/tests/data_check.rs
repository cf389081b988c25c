//! The data check: fails the build when the rules data drifts from its sources — a quote that is
//! not verbatim in its seed file, an id missing from or not in the catalogue, a condition that
//! names an unknown fact or value (checked when the rules load), or a region without entries.
use std::collections::BTreeSet;
use std::path::PathBuf;
use xiangqin_rules::{rules, Region, Rules};

/// The repository's root: the source documents are in `sources/`, the catalogue in `docs/`.
fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn catalogue_ids() -> BTreeSet<String> {
    let text = std::fs::read_to_string(repo().join("docs/policy-catalogue.md"))
        .expect("docs/policy-catalogue.md");
    text.lines()
        .filter_map(|l| l.strip_prefix("#### `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_string)
        .collect()
}

#[test]
fn rules_data_loads_and_every_condition_is_valid() {
    let text = include_str!(concat!(env!("OUT_DIR"), "/rules.json"));
    if let Err(errors) = Rules::from_json(text) {
        panic!(
            "{} problem(s) in rules/data:\n{}",
            errors.len(),
            errors.join("\n")
        );
    }
}

#[test]
fn ids_are_exactly_the_catalogue() {
    let catalogue = catalogue_ids();
    assert_eq!(catalogue.len(), 162, "the catalogue lists 162 policies");
    let ours: BTreeSet<String> = rules().policies.iter().map(|p| p.id.clone()).collect();
    let missing: Vec<_> = catalogue.difference(&ours).collect();
    let extra: Vec<_> = ours.difference(&catalogue).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing from data: {missing:?}\nnot in catalogue: {extra:?}"
    );
}

#[test]
fn ids_carry_their_region_prefix() {
    for p in &rules().policies {
        let prefix = match p.region {
            Region::Qinghai => "qh-",
            Region::Longyan => "ly-",
            Region::Shaanxi => "sx-",
            Region::InnerMongolia => "nm-",
            Region::Liangzhou => "lz-",
        };
        assert!(
            p.id.starts_with(prefix),
            "{} is filed under {:?}",
            p.id,
            p.region
        );
    }
}

#[test]
fn every_region_has_entries() {
    for region in Region::ALL {
        assert!(
            rules().region_policies(region).count() > 0,
            "no policies for {region:?}"
        );
    }
}

/// Every quoted source of the rules data: each policy's, each time window's
/// (`data/periods.toml`) and each region's report channels (`data/channels.toml`), named by what
/// cites it.
fn every_source() -> Vec<(String, &'static xiangqin_rules::Source)> {
    let r = rules();
    let policies = r
        .policies
        .iter()
        .flat_map(|p| p.sources.iter().map(move |s| (p.id.clone(), s)));
    let windows = r
        .periods
        .window
        .iter()
        .flat_map(|(name, w)| w.sources.iter().map(move |s| (format!("window {name}"), s)));
    let channels = r.channels.iter().flat_map(|c| {
        c.sources
            .iter()
            .map(move |s| (format!("channels {:?}", c.region), s))
    });
    policies.chain(windows).chain(channels).collect()
}

#[test]
fn every_quote_is_verbatim_in_its_seed() {
    let mut problems = Vec::new();
    for (who, s) in every_source() {
        let path = repo().join("sources").join(&s.file);
        match std::fs::read_to_string(&path) {
            Ok(_) if s.quote.trim().is_empty() => problems.push(format!("{who}: empty quote")),
            Ok(seed) if !seed.contains(&s.quote) => problems.push(format!(
                "{who}: quote not found in {}: 「{}」",
                s.file, s.quote
            )),
            Ok(_) => {}
            Err(e) => problems.push(format!("{who}: cannot read seed {}: {e}", s.file)),
        }
        if s.clause.trim().is_empty() {
            problems.push(format!("{who}: source without a clause"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The catalogue's index gives each policy's time limit; the data says the same (a "(part of it)"
/// limit is the `maybe` branch's, with no limit on the policy as a whole).
#[test]
fn time_limits_are_the_catalogues() {
    use xiangqin_rules::TimeLimit;
    let text = std::fs::read_to_string(repo().join("docs/policy-catalogue.md")).unwrap();
    let mut problems = Vec::new();
    let mut rows = 0;
    for line in text.lines().filter(|l| l.starts_with("| `")) {
        let cells: Vec<&str> = line.split('|').map(str::trim).collect();
        let (Some(id), Some(limit)) = (cells.get(1), cells.get(4)) else {
            continue;
        };
        let Some(p) = rules().policy(id.trim_matches('`')) else {
            continue;
        };
        rows += 1;
        let part = limit.ends_with("(part of it)");
        let kind = match limit.trim_end_matches("(part of it)").trim() {
            "none stated" => TimeLimit::None,
            "过渡期内 (transition period)" => TimeLimit::Transition,
            "一定期限 / 一定时间" => TimeLimit::SomePeriod,
            "2022 work plan" => TimeLimit::Plan2022,
            other => panic!("{id}: unknown time limit in the catalogue: {other}"),
        };
        let ok = if part {
            p.time_limit == TimeLimit::None && p.decision.maybe_time_limits.contains(&kind)
        } else {
            p.time_limit == kind
        };
        if !ok {
            problems.push(format!(
                "{id}: catalogue says {limit}, data says {:?} (maybe: {:?})",
                p.time_limit, p.decision.maybe_time_limits
            ));
        }
    }
    assert_eq!(rows, 162, "every policy has its row in the index");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn each_policy_cites_its_own_regions_seed() {
    let seed = |r: Region| match r {
        Region::Qinghai => "000_c0337586f2e616b6.txt",
        Region::Longyan => "001_0637f686dd4f0466.txt",
        Region::Shaanxi => "002_635c19046f06be57.txt",
        Region::InnerMongolia => "003_f5fc1b5edef04a9e.txt",
        Region::Liangzhou => "004_435a53a80aee3d5a.txt",
    };
    for p in &rules().policies {
        for s in &p.sources {
            assert_eq!(
                s.file,
                seed(p.region),
                "{} cites another region's document",
                p.id
            );
        }
    }
}

/// Each source file is byte for byte the document as received: its SHA-256 is the one recorded in
/// `sources/README.md`, and every `.txt` there has a recorded checksum.
#[test]
fn source_documents_are_as_received() {
    use sha2::{Digest, Sha256};
    let dir = repo().join("sources");
    let readme = std::fs::read_to_string(dir.join("README.md")).expect("sources/README.md");
    let recorded: std::collections::BTreeMap<String, String> = readme
        .lines()
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let (file, sum) = (cells.get(1)?, cells.get(2)?.trim_matches('`'));
            (file.ends_with(".txt") && sum.len() == 64).then(|| (file.to_string(), sum.to_string()))
        })
        .collect();
    assert_eq!(
        recorded.len(),
        5,
        "sources/README.md records five checksums"
    );
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .expect("sources/")
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .filter(|f| f.ends_with(".txt"))
        .collect();
    files.sort();
    assert_eq!(
        files,
        recorded.keys().cloned().collect::<Vec<_>>(),
        "the files in sources/ and the checksums recorded for them"
    );
    for (file, sum) in &recorded {
        let bytes = std::fs::read(dir.join(file)).unwrap();
        let actual: String = Sha256::digest(&bytes)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(
            &actual, sum,
            "sources/{file} is not the document as received"
        );
    }
}

/// A region is told only of the channels its own document names: every word of a way that names a
/// channel (a hotline, a platform, a visit) is in that region's quotes — no hotline elsewhere.
#[test]
fn report_channels_name_only_what_their_documents_name() {
    const CHANNEL_WORDS: [&str; 9] = [
        "12317",
        "热线",
        "电话",
        "平台",
        "摸排",
        "网格化",
        "大数据",
        "六必访",
        "驻村干部",
    ];
    let mut problems = Vec::new();
    for c in &rules().channels {
        let quotes: String = c.sources.iter().map(|s| s.quote.as_str()).collect();
        for way in &c.ways {
            for word in CHANNEL_WORDS.iter().filter(|w| way.contains(**w)) {
                if !quotes.contains(word) {
                    problems.push(format!(
                        "{:?}: 「{word}」 in {way:?} is not in its quotes",
                        c.region
                    ));
                }
            }
        }
        let names_a_hotline = c
            .ways
            .iter()
            .any(|w| w.contains("热线") || w.contains("电话"));
        if names_a_hotline && !c.self_report {
            problems.push(format!("{:?}: a hotline without self_report", c.region));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(rules().channel(Region::Longyan).unwrap().self_report);
    for region in [
        Region::Qinghai,
        Region::Shaanxi,
        Region::InnerMongolia,
        Region::Liangzhou,
    ] {
        assert!(!rules().channel(region).unwrap().self_report, "{region:?}");
    }
}
