//! The official place lists behind the place pickers: every region's counties are compiled in
//! (`places/counties.txt`, a few kilobytes); a county's townships and villages are fetched
//! when the household chooses it (`/places/county/<code>.txt`, served with the app and kept by
//! the service worker once used), so the first download does not carry 42,000 village names.
use gloo_net::http::Request;
use std::sync::{Arc, OnceLock};
use xiangqin_rules::places::{CountyFile, CountyList, RegionCounties};
use xiangqin_rules::Region;

/// The region's cities and their counties.
pub fn counties(region: Region) -> Option<&'static RegionCounties> {
    static LIST: OnceLock<CountyList> = OnceLock::new();
    LIST.get_or_init(|| {
        CountyList::parse(include_str!("../places/counties.txt"))
            .expect("places/counties.txt is checked by the rules' tests")
    })
    .region(region)
}

/// One county's townships and villages, from the endpoint (or the service worker's copy).
pub async fn county_file(code: &str) -> Option<Arc<CountyFile>> {
    let response = Request::get(&format!("/places/county/{code}.txt"))
        .send()
        .await
        .ok()
        .filter(|r| r.ok())?;
    let text = response.text().await.ok()?;
    CountyFile::parse(&text).ok().map(Arc::new)
}

/// Whether a name holds what was typed, anywhere in it (露湖 finds 露湖村委会); spaces typed
/// are ignored.
pub fn matches(name: &str, typed: &str) -> bool {
    let typed: String = typed.chars().filter(|c| !c.is_whitespace()).collect();
    name.contains(&typed)
}

/// The kind of a township or village, from the end of its official name: the pickers group
/// by it (镇, 乡, 苏木, 街道 …; 村, 嘎查, 社区).
pub fn kind(name: &str) -> &'static str {
    if name.contains("嘎查") {
        return "嘎查";
    }
    if name.ends_with("居委会") || name.ends_with("居民委员会") || name.contains("社区") {
        return "社区";
    }
    // 露湖村委会, 新村村民委员会 → 村.
    let stem = name
        .trim_end_matches("委员会")
        .trim_end_matches("委会")
        .trim_end_matches('民');
    ["街道", "苏木", "镇", "乡", "村"]
        .into_iter()
        .find(|end| stem.ends_with(end))
        .unwrap_or("其他")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_region_has_its_counties_compiled_in() {
        for region in Region::ALL {
            let r = counties(region).expect("listed");
            assert_eq!(r.code, region.division_code());
        }
        let liangzhou = counties(Region::Liangzhou).unwrap();
        assert_eq!(
            liangzhou.cities[0].counties,
            [("620602".into(), "凉州区".into())]
        );
    }

    #[test]
    fn search_matches_any_part_of_the_name() {
        assert!(matches("露湖村委会", "露湖"));
        assert!(matches("露湖村委会", "湖村"));
        assert!(matches("露湖村委会", " 露 湖 "));
        assert!(matches("露湖村委会", ""));
        assert!(!matches("露湖村委会", "河田"));
    }

    #[test]
    fn townships_and_villages_are_grouped_by_their_kind() {
        assert_eq!(kind("河田镇"), "镇");
        assert_eq!(kind("铁长乡"), "乡");
        assert_eq!(kind("花胡硕苏木"), "苏木");
        assert_eq!(kind("东华门街道"), "街道");
        assert_eq!(kind("露湖村委会"), "村");
        assert_eq!(kind("大伙房嘎查"), "嘎查");
        assert_eq!(kind("温都包尔嘎查村"), "嘎查");
        assert_eq!(kind("人民路南居委会"), "社区");
        assert_eq!(kind("城南社区居民委员会"), "社区");
        assert_eq!(kind("新村村民委员会"), "村");
        assert_eq!(kind("某农场"), "其他");
    }
}
