//! Household facts (see `docs/household-facts.md`). Every field is optional: an absent key or
//! `null` means *unknown*, never "no". Lists that are absent are unknown; `[]` means "none".
//! Where the spec writes `null` as a value (no disability, no public post, not monitored), the
//! explicit value `"none"` says "no", so that it stays distinct from unknown.
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;

/// Which seed document applies to the household.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Region {
    Qinghai,
    Longyan,
    Shaanxi,
    InnerMongolia,
    Liangzhou,
}

impl Region {
    pub const ALL: [Region; 5] = [
        Region::Qinghai,
        Region::Longyan,
        Region::Shaanxi,
        Region::InnerMongolia,
        Region::Liangzhou,
    ];

    /// The name a household would recognise.
    pub fn name_zh(&self) -> &'static str {
        match self {
            Region::Qinghai => "青海省",
            Region::Longyan => "福建省龙岩市",
            Region::Shaanxi => "陕西省",
            Region::InnerMongolia => "内蒙古自治区",
            Region::Liangzhou => "甘肃省武威市凉州区",
        }
    }

    /// The JSON / URL key, e.g. `inner_mongolia`.
    pub fn key(&self) -> &'static str {
        match self {
            Region::Qinghai => "qinghai",
            Region::Longyan => "longyan",
            Region::Shaanxi => "shaanxi",
            Region::InnerMongolia => "inner_mongolia",
            Region::Liangzhou => "liangzhou",
        }
    }

    pub fn from_key(key: &str) -> Option<Region> {
        Region::ALL.into_iter().find(|r| r.key() == key)
    }
}

/// Declares a string-valued fact: a serde enum plus its list of JSON values, so that the rules'
/// data check can refuse a condition that compares a fact with a value it can never have.
macro_rules! fact_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $s)] $variant),+ }
        impl $name {
            pub const VALUES: &'static [&'static str] = &[$($s),+];
            pub fn as_str(&self) -> &'static str { match self { $($name::$variant => $s),+ } }
        }
    };
}

fact_enum!(PovertyStatus { General = "general", LiftedOut = "lifted_out", Monitored = "monitored" });
fact_enum!(MonitorType {
    UnstableLifted = "unstable_lifted",
    Marginal = "marginal",
    SuddenHardship = "sudden_hardship",
    None = "none",
});
fact_enum!(Shock {
    Illness = "illness",
    Accident = "accident",
    NaturalDisaster = "natural_disaster",
    Epidemic = "epidemic",
    Disability = "disability",
    JobLoss = "job_loss",
    DeathOfEarner = "death_of_earner",
});
fact_enum!(Livelihood {
    Grain = "grain",
    Crops = "crops",
    Livestock = "livestock",
    Herding = "herding",
    MigrantWork = "migrant_work",
    LocalWage = "local_wage",
    Business = "business",
});
fact_enum!(CreditNeed { None = "none", Small = "small", Large = "large" });
fact_enum!(Relation { Head = "head", Spouse = "spouse", Child = "child", Parent = "parent", Other = "other" });
fact_enum!(Ability { Full = "full", Partial = "partial", None = "none" });
fact_enum!(DisabilityKind {
    Physical = "physical",
    Visual = "visual",
    Hearing = "hearing",
    Speech = "speech",
    Intellectual = "intellectual",
    Mental = "mental",
    Multiple = "multiple",
    None = "none",
});
fact_enum!(SchoolStage {
    None = "none",
    Preschool = "preschool",
    Compulsory = "compulsory",
    HighSchool = "high_school",
    Vocational = "vocational",
    College = "college",
    DroppedOut = "dropped_out",
    FinishedNotContinuing = "finished_not_continuing",
});
fact_enum!(PublicJob { EcoRanger = "eco_ranger", PublicWelfarePost = "public_welfare_post", None = "none" });

/// The whole input of the rules: one household at one date.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Facts {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<NaiveDate>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub region: Option<Region>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub county_exit_year: Option<i32>,
    #[serde(default)]
    pub household: Household,
    /// `None`: who lives in the household is unknown; `Some(vec![])`: nobody is listed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub members: Option<Vec<Member>>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Household {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poverty_status: Option<PovertyStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monitor_type: Option<MonitorType>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returned_to_poverty: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dibao: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tekun: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub low_income_family: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relocated: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relocation_site: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub income_per_capita_yuan: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub income_drop_sharp: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub basic_living_hardship: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recent_shocks: Option<Vec<Shock>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rigid_expense: Option<RigidExpense>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub housing_unsafe: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub adobe_house: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub water_unsafe: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toilet_unimproved: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub livelihoods: Option<Vec<Livelihood>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub livestock_head: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub credit_need: Option<CreditNeed>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub poverty_assets: Option<bool>,
}

/// Unavoidable spending in the last 12 months, yuan, by cause.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RigidExpense {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medical: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub education: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disaster: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accident: Option<f64>,
}

impl RigidExpense {
    /// Sum of the parts that are known: within an answered rigid_expense, a cause left out
    /// means nothing was spent on it.
    pub fn known_total(&self) -> f64 {
        [self.medical, self.education, self.disaster, self.accident]
            .iter()
            .flatten()
            .sum()
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub relation: Option<Relation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub can_work: Option<Ability>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub self_care: Option<Ability>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disability_grade: Option<u8>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disability_kind: Option<DisabilityKind>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub serious_illness: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chronic_disease: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub school_stage: Option<SchoolStage>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_outside_county: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tied_to_home: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub public_job: Option<PublicJob>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pension_insured: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pension_drawing: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub medical_insured: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub orphan: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub de_facto_unsupported_child: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub left_behind_child: Option<bool>,
}

impl Member {
    /// Has a disability: yes if a grade or a kind is recorded, no if the kind is "none".
    pub fn disabled(&self) -> Option<bool> {
        match (self.disability_grade, self.disability_kind) {
            (Some(_), _) => Some(true),
            (None, Some(DisabilityKind::None)) => Some(false),
            (None, Some(_)) => Some(true),
            (None, None) => None,
        }
    }
}

/// Malformed facts: which field, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FactsError {
    /// JSON path of the field, e.g. `members[1].age`; empty for the document as a whole.
    pub field: String,
    pub message: String,
}

impl fmt::Display for FactsError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.field.is_empty() {
            write!(f, "{}", self.message)
        } else {
            write!(f, "{}: {}", self.field, self.message)
        }
    }
}

impl std::error::Error for FactsError {}

impl Facts {
    /// Parses household facts JSON, naming the field of the first error.
    pub fn from_json(text: &str) -> Result<Facts, FactsError> {
        let mut de = serde_json::Deserializer::from_str(text);
        let facts: Facts = serde_path_to_error::deserialize(&mut de).map_err(|e| FactsError {
            field: clean_path(&e.path().to_string()),
            message: e.inner().to_string(),
        })?;
        de.end().map_err(|e| FactsError {
            field: String::new(),
            message: e.to_string(),
        })?;
        facts.check()?;
        Ok(facts)
    }

    /// Same as [`Facts::from_json`], from an already parsed JSON value.
    pub fn from_value(value: serde_json::Value) -> Result<Facts, FactsError> {
        let facts: Facts = serde_path_to_error::deserialize(value).map_err(|e| FactsError {
            field: clean_path(&e.path().to_string()),
            message: e.inner().to_string(),
        })?;
        facts.check()?;
        Ok(facts)
    }

    /// Checks values that parse but cannot be true of a household.
    pub fn check(&self) -> Result<(), FactsError> {
        let err = |field: String, message: &str| {
            Err(FactsError {
                field,
                message: message.into(),
            })
        };
        if let Some(year) = self.county_exit_year {
            if !(2013..=2030).contains(&year) {
                return err(
                    "county_exit_year".into(),
                    "must be a year between 2013 and 2030",
                );
            }
        }
        let h = &self.household;
        for (name, value) in [
            ("income_per_capita_yuan", h.income_per_capita_yuan),
            ("livestock_head", h.livestock_head),
        ] {
            if let Some(v) = value {
                if !v.is_finite() || (name == "livestock_head" && v < 0.0) {
                    return err(
                        format!("household.{name}"),
                        "must be a finite number (head counts not negative)",
                    );
                }
            }
        }
        if let Some(r) = &h.rigid_expense {
            for (name, value) in [
                ("medical", r.medical),
                ("education", r.education),
                ("disaster", r.disaster),
                ("accident", r.accident),
            ] {
                if let Some(v) = value {
                    if !v.is_finite() || v < 0.0 {
                        return err(
                            format!("household.rigid_expense.{name}"),
                            "must be a number of yuan, not negative",
                        );
                    }
                }
            }
        }
        for (i, m) in self.members.iter().flatten().enumerate() {
            if let Some(age) = m.age {
                if age > 120 {
                    return err(
                        format!("members[{i}].age"),
                        "is not a possible age (0 to 120 years)",
                    );
                }
            }
            if let Some(grade) = m.disability_grade {
                if !(1..=4).contains(&grade) {
                    return err(
                        format!("members[{i}].disability_grade"),
                        "must be 1, 2, 3 or 4 (1 is the most severe)",
                    );
                }
                if m.disability_kind == Some(DisabilityKind::None) {
                    return err(
                        format!("members[{i}].disability_kind"),
                        "is \"none\" but a disability grade is given",
                    );
                }
            }
        }
        Ok(())
    }
}

/// serde_path_to_error prints `members[1].age` already; the root shows as `.`.
fn clean_path(path: &str) -> String {
    if path == "." {
        String::new()
    } else {
        path.to_string()
    }
}

/// What the expression language can read of a fact.
#[derive(Debug, Clone, PartialEq)]
pub enum FactValue<'a> {
    Unknown,
    Bool(bool),
    Num(f64),
    Str(&'a str),
    List(Vec<&'a str>),
}

/// The shape of a fact, for the rules' data check.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum FactKind {
    Bool,
    Num,
    Text,
    /// One of these values.
    Enum(&'static [&'static str]),
    /// A list of these values (`&[]`: free text items).
    List(&'static [&'static str]),
}

/// A fact the conditions may name: path, shape, and the question a household would recognise.
pub struct FactInfo {
    pub name: &'static str,
    pub kind: FactKind,
    pub label_zh: &'static str,
}

const fn fact(name: &'static str, kind: FactKind, label_zh: &'static str) -> FactInfo {
    FactInfo {
        name,
        kind,
        label_zh,
    }
}

/// Facts about the household as a whole (`household.*` and the top level).
pub const HOUSEHOLD_FACTS: &[FactInfo] = &[
    fact(
        "region",
        FactKind::Enum(&[
            "qinghai",
            "longyan",
            "shaanxi",
            "inner_mongolia",
            "liangzhou",
        ]),
        "住在哪个地区",
    ),
    fact("county_exit_year", FactKind::Num, "所在旗县脱贫摘帽的年份"),
    fact("member_count", FactKind::Num, "家里有几口人"),
    fact(
        "household.poverty_status",
        FactKind::Enum(PovertyStatus::VALUES),
        "家里是不是脱贫户或监测户",
    ),
    fact(
        "household.monitor_type",
        FactKind::Enum(MonitorType::VALUES),
        "家里属于哪一类监测户",
    ),
    fact(
        "household.returned_to_poverty",
        FactKind::Bool,
        "家里是否被认定为返贫致贫",
    ),
    fact("household.dibao", FactKind::Bool, "家里吃不吃低保"),
    fact("household.tekun", FactKind::Bool, "家里有没有特困供养人员"),
    fact(
        "household.low_income_family",
        FactKind::Bool,
        "家里是否被认定为低收入家庭或低保边缘家庭",
    ),
    fact(
        "household.relocated",
        FactKind::Bool,
        "家里是否是易地扶贫搬迁户",
    ),
    fact(
        "household.relocation_site",
        FactKind::Text,
        "搬到了哪个安置点",
    ),
    fact(
        "household.income_per_capita_yuan",
        FactKind::Num,
        "这一年全家收入多少（按家里人数算每人平均）",
    ),
    fact(
        "household.income_drop_sharp",
        FactKind::Bool,
        "家里收入是否大幅减少",
    ),
    fact(
        "household.basic_living_hardship",
        FactKind::Bool,
        "家里吃穿、上学、看病、住房、吃水是否遇到严重困难",
    ),
    fact(
        "household.recent_shocks",
        FactKind::List(Shock::VALUES),
        "近一年家里是否遇到大病、意外、灾害等事",
    ),
    fact(
        "household.rigid_expense_total",
        FactKind::Num,
        "近一年看病、上学、灾害、意外花了多少钱",
    ),
    fact(
        "household.rigid_expense.medical",
        FactKind::Num,
        "近一年看病花了多少钱",
    ),
    fact(
        "household.rigid_expense.education",
        FactKind::Num,
        "近一年上学花了多少钱",
    ),
    fact(
        "household.rigid_expense.disaster",
        FactKind::Num,
        "近一年因灾花了多少钱",
    ),
    fact(
        "household.rigid_expense.accident",
        FactKind::Num,
        "近一年因意外花了多少钱",
    ),
    fact(
        "household.housing_unsafe",
        FactKind::Bool,
        "住的房子安不安全",
    ),
    fact("household.adobe_house", FactKind::Bool, "是否住土坯房"),
    fact(
        "household.water_unsafe",
        FactKind::Bool,
        "吃水方不方便、干不干净",
    ),
    fact(
        "household.toilet_unimproved",
        FactKind::Bool,
        "家里有没有卫生厕所",
    ),
    fact(
        "household.livelihoods",
        FactKind::List(Livelihood::VALUES),
        "家里靠什么挣钱",
    ),
    fact(
        "household.livestock_head",
        FactKind::Num,
        "家里养了多少头（只）牲畜",
    ),
    fact(
        "household.credit_need",
        FactKind::Enum(CreditNeed::VALUES),
        "家里是否需要贷款搞生产",
    ),
    fact(
        "household.poverty_assets",
        FactKind::Bool,
        "家里是否有确权到户的扶贫资产",
    ),
];

/// Facts about one member (`member.*`, inside a quantifier).
pub const MEMBER_FACTS: &[FactInfo] = &[
    fact(
        "member.relation",
        FactKind::Enum(Relation::VALUES),
        "和户主的关系",
    ),
    fact("member.age", FactKind::Num, "年龄"),
    fact(
        "member.can_work",
        FactKind::Enum(Ability::VALUES),
        "能不能干活",
    ),
    fact(
        "member.self_care",
        FactKind::Enum(Ability::VALUES),
        "生活能不能自理",
    ),
    fact("member.disabled", FactKind::Bool, "有没有残疾"),
    fact("member.disability_grade", FactKind::Num, "残疾证上的等级"),
    fact(
        "member.disability_kind",
        FactKind::Enum(DisabilityKind::VALUES),
        "残疾类别",
    ),
    fact(
        "member.serious_illness",
        FactKind::Bool,
        "有没有得大病、重病",
    ),
    fact(
        "member.chronic_disease",
        FactKind::List(&[]),
        "有没有高血压、糖尿病等慢性病",
    ),
    fact(
        "member.school_stage",
        FactKind::Enum(SchoolStage::VALUES),
        "在不在上学、上到哪一阶段",
    ),
    fact(
        "member.working_outside_county",
        FactKind::Bool,
        "是否在县外打工",
    ),
    fact(
        "member.tied_to_home",
        FactKind::Bool,
        "是否离不开家、不能出远门打工",
    ),
    fact(
        "member.public_job",
        FactKind::Enum(PublicJob::VALUES),
        "是否在护林员或公益性岗位上",
    ),
    fact(
        "member.pension_insured",
        FactKind::Bool,
        "参没参加农村养老保险（城乡居民养老保险）",
    ),
    fact(
        "member.pension_drawing",
        FactKind::Bool,
        "是否已经在领养老金",
    ),
    fact(
        "member.medical_insured",
        FactKind::Bool,
        "今年交没交合作医疗（城乡居民医保）",
    ),
    fact("member.orphan", FactKind::Bool, "是否是孤儿"),
    fact(
        "member.de_facto_unsupported_child",
        FactKind::Bool,
        "是否是父母实际无法抚养的孩子",
    ),
    fact(
        "member.left_behind_child",
        FactKind::Bool,
        "是否是父母外出打工的留守儿童",
    ),
];

pub fn household_fact_info(name: &str) -> Option<&'static FactInfo> {
    HOUSEHOLD_FACTS.iter().find(|f| f.name == name)
}

pub fn member_fact_info(name: &str) -> Option<&'static FactInfo> {
    MEMBER_FACTS.iter().find(|f| f.name == name)
}

fn opt_bool(v: Option<bool>) -> FactValue<'static> {
    v.map_or(FactValue::Unknown, FactValue::Bool)
}

fn opt_num<T: Into<f64>>(v: Option<T>) -> FactValue<'static> {
    v.map_or(FactValue::Unknown, |n| FactValue::Num(n.into()))
}

fn opt_str(v: Option<&'static str>) -> FactValue<'static> {
    v.map_or(FactValue::Unknown, FactValue::Str)
}

fn opt_list<'a, T>(v: &'a Option<Vec<T>>, name: impl Fn(&'a T) -> &'a str) -> FactValue<'a> {
    v.as_ref().map_or(FactValue::Unknown, |items| {
        FactValue::List(items.iter().map(name).collect())
    })
}

impl Facts {
    /// Reads a household-level fact by its path; `None` if no such fact exists.
    pub fn get(&self, name: &str) -> Option<FactValue<'_>> {
        let h = &self.household;
        Some(match name {
            "region" => opt_str(self.region.map(|r| r.key())),
            "county_exit_year" => opt_num(self.county_exit_year),
            "member_count" => self
                .members
                .as_ref()
                .map_or(FactValue::Unknown, |m| FactValue::Num(m.len() as f64)),
            "household.poverty_status" => opt_str(h.poverty_status.map(|v| v.as_str())),
            "household.monitor_type" => opt_str(h.monitor_type.map(|v| v.as_str())),
            "household.returned_to_poverty" => opt_bool(h.returned_to_poverty),
            "household.dibao" => opt_bool(h.dibao),
            "household.tekun" => opt_bool(h.tekun),
            "household.low_income_family" => opt_bool(h.low_income_family),
            "household.relocated" => opt_bool(h.relocated),
            "household.relocation_site" => h
                .relocation_site
                .as_deref()
                .map_or(FactValue::Unknown, FactValue::Str),
            "household.income_per_capita_yuan" => opt_num(h.income_per_capita_yuan),
            "household.income_drop_sharp" => opt_bool(h.income_drop_sharp),
            "household.basic_living_hardship" => opt_bool(h.basic_living_hardship),
            "household.recent_shocks" => opt_list(&h.recent_shocks, |s| s.as_str()),
            "household.rigid_expense_total" => {
                opt_num(h.rigid_expense.as_ref().map(RigidExpense::known_total))
            }
            // Within an answered rigid_expense, a cause left out means nothing was spent on it.
            "household.rigid_expense.medical" => {
                opt_num(h.rigid_expense.as_ref().map(|r| r.medical.unwrap_or(0.0)))
            }
            "household.rigid_expense.education" => {
                opt_num(h.rigid_expense.as_ref().map(|r| r.education.unwrap_or(0.0)))
            }
            "household.rigid_expense.disaster" => {
                opt_num(h.rigid_expense.as_ref().map(|r| r.disaster.unwrap_or(0.0)))
            }
            "household.rigid_expense.accident" => {
                opt_num(h.rigid_expense.as_ref().map(|r| r.accident.unwrap_or(0.0)))
            }
            "household.housing_unsafe" => opt_bool(h.housing_unsafe),
            "household.adobe_house" => opt_bool(h.adobe_house),
            "household.water_unsafe" => opt_bool(h.water_unsafe),
            "household.toilet_unimproved" => opt_bool(h.toilet_unimproved),
            "household.livelihoods" => opt_list(&h.livelihoods, |s| s.as_str()),
            "household.livestock_head" => opt_num(h.livestock_head),
            "household.credit_need" => opt_str(h.credit_need.map(|v| v.as_str())),
            "household.poverty_assets" => opt_bool(h.poverty_assets),
            _ => return None,
        })
    }
}

impl Member {
    /// Reads a member fact by its path (`member.age`); `None` if no such fact exists.
    pub fn get(&self, name: &str) -> Option<FactValue<'_>> {
        Some(match name {
            "member.relation" => opt_str(self.relation.map(|v| v.as_str())),
            "member.age" => opt_num(self.age),
            "member.can_work" => opt_str(self.can_work.map(|v| v.as_str())),
            "member.self_care" => opt_str(self.self_care.map(|v| v.as_str())),
            "member.disabled" => opt_bool(self.disabled()),
            "member.disability_grade" => opt_num(self.disability_grade),
            "member.disability_kind" => opt_str(self.disability_kind.map(|v| v.as_str())),
            "member.serious_illness" => opt_bool(self.serious_illness),
            "member.chronic_disease" => opt_list(&self.chronic_disease, |s| s.as_str()),
            "member.school_stage" => opt_str(self.school_stage.map(|v| v.as_str())),
            "member.working_outside_county" => opt_bool(self.working_outside_county),
            "member.tied_to_home" => opt_bool(self.tied_to_home),
            "member.public_job" => opt_str(self.public_job.map(|v| v.as_str())),
            "member.pension_insured" => opt_bool(self.pension_insured),
            "member.pension_drawing" => opt_bool(self.pension_drawing),
            "member.medical_insured" => opt_bool(self.medical_insured),
            "member.orphan" => opt_bool(self.orphan),
            "member.de_facto_unsupported_child" => opt_bool(self.de_facto_unsupported_child),
            "member.left_behind_child" => opt_bool(self.left_behind_child),
            _ => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn absent_fields_are_unknown_not_false() {
        let f = Facts::from_json(r#"{"region":"qinghai","household":{"dibao":false}}"#).unwrap();
        assert_eq!(f.get("household.dibao"), Some(FactValue::Bool(false)));
        assert_eq!(f.get("household.tekun"), Some(FactValue::Unknown));
        assert_eq!(f.get("household.recent_shocks"), Some(FactValue::Unknown));
        assert_eq!(f.get("member_count"), Some(FactValue::Unknown));
        let nulls =
            Facts::from_json(r#"{"household":{"dibao":null,"recent_shocks":null},"members":null}"#)
                .unwrap();
        assert_eq!(nulls.get("household.dibao"), Some(FactValue::Unknown));
        assert_eq!(nulls.members, None);
    }

    #[test]
    fn empty_list_means_none() {
        let f = Facts::from_json(r#"{"household":{"recent_shocks":[]},"members":[]}"#).unwrap();
        assert_eq!(
            f.get("household.recent_shocks"),
            Some(FactValue::List(vec![]))
        );
        assert_eq!(f.get("member_count"), Some(FactValue::Num(0.0)));
    }

    #[test]
    fn unknown_region_names_the_field() {
        let e = Facts::from_json(r#"{"region":"tibet"}"#).unwrap_err();
        assert_eq!(e.field, "region");
        assert!(e.message.contains("tibet"), "{e}");
    }

    #[test]
    fn wrong_type_names_the_nested_field() {
        let e = Facts::from_json(r#"{"household":{"dibao":"yes"}}"#).unwrap_err();
        assert_eq!(e.field, "household.dibao");
        let e = Facts::from_json(r#"{"members":[{"age":30},{"age":"old"}]}"#).unwrap_err();
        assert_eq!(e.field, "members[1].age");
    }

    #[test]
    fn impossible_age_is_refused() {
        let e = Facts::from_json(r#"{"members":[{"age":150}]}"#).unwrap_err();
        assert_eq!(e.field, "members[0].age");
        let e = Facts::from_json(r#"{"members":[{"age":-3}]}"#).unwrap_err();
        assert_eq!(e.field, "members[0].age");
    }

    #[test]
    fn misspelt_field_is_refused_rather_than_ignored() {
        let e = Facts::from_json(r#"{"household":{"dibaoo":true}}"#).unwrap_err();
        assert_eq!(e.field, "household.dibaoo");
    }

    #[test]
    fn bad_dates_and_grades_are_refused() {
        assert_eq!(
            Facts::from_json(r#"{"as_of":"2025-02-30"}"#)
                .unwrap_err()
                .field,
            "as_of"
        );
        assert_eq!(
            Facts::from_json(r#"{"members":[{"disability_grade":7}]}"#)
                .unwrap_err()
                .field,
            "members[0].disability_grade"
        );
        assert_eq!(
            Facts::from_json(r#"{"household":{"rigid_expense":{"medical":-5}}}"#)
                .unwrap_err()
                .field,
            "household.rigid_expense.medical"
        );
    }

    #[test]
    fn disability_none_is_a_known_no() {
        let m = Member {
            disability_kind: Some(DisabilityKind::None),
            ..Default::default()
        };
        assert_eq!(m.disabled(), Some(false));
        assert_eq!(Member::default().disabled(), None);
        let graded = Member {
            disability_grade: Some(2),
            ..Default::default()
        };
        assert_eq!(graded.disabled(), Some(true));
    }

    #[test]
    fn every_listed_fact_can_be_read() {
        let f = Facts {
            members: Some(vec![Member::default()]),
            ..Default::default()
        };
        for info in HOUSEHOLD_FACTS {
            assert!(f.get(info.name).is_some(), "{}", info.name);
        }
        for info in MEMBER_FACTS {
            assert!(Member::default().get(info.name).is_some(), "{}", info.name);
        }
    }
}

/// Sets one stored field by its JSON name (`None` forgets it); an unknown name or a value of the
/// wrong shape is refused.
macro_rules! field_setter {
    ($ty:ty { $($field:ident),+ $(,)? }) => {
        impl $ty {
            /// Sets the stored field `name` (as in the facts JSON) to `value`, or forgets it.
            pub fn set(&mut self, name: &str, value: Option<&serde_json::Value>) -> Result<(), String> {
                match name {
                    $(stringify!($field) => {
                        self.$field = match value {
                            None | Some(serde_json::Value::Null) => None,
                            Some(v) => Some(serde::Deserialize::deserialize(v).map_err(|e| format!("{name}: {e}"))?),
                        };
                    })+
                    _ => return Err(format!("no stored fact {name:?}")),
                }
                Ok(())
            }
        }
    };
}

field_setter!(Household {
    poverty_status,
    monitor_type,
    returned_to_poverty,
    dibao,
    tekun,
    low_income_family,
    relocated,
    relocation_site,
    income_per_capita_yuan,
    income_drop_sharp,
    basic_living_hardship,
    recent_shocks,
    rigid_expense,
    housing_unsafe,
    adobe_house,
    water_unsafe,
    toilet_unimproved,
    livelihoods,
    livestock_head,
    credit_need,
    poverty_assets,
});

field_setter!(Member {
    relation,
    age,
    can_work,
    self_care,
    disability_grade,
    disability_kind,
    serious_illness,
    chronic_disease,
    school_stage,
    working_outside_county,
    tied_to_home,
    public_job,
    pension_insured,
    pension_drawing,
    medical_insured,
    orphan,
    de_facto_unsupported_child,
    left_behind_child,
});

impl Facts {
    /// Sets (or with `None` forgets) the stored fact at `path` (`household.dibao`,
    /// `members[1].age`, `county_exit_year`); a member not on the list, or a path that is not a
    /// stored fact, is refused.
    pub fn set(
        &mut self,
        path: &crate::path::FactPath,
        value: Option<&serde_json::Value>,
    ) -> Result<(), String> {
        use crate::path::FactPath;
        match path {
            FactPath::Top("county_exit_year") => {
                self.county_exit_year = match value {
                    None | Some(serde_json::Value::Null) => None,
                    Some(v) => Some(serde::Deserialize::deserialize(v).map_err(|e| e.to_string())?),
                };
                Ok(())
            }
            FactPath::Household(name) => self.household.set(name, value),
            FactPath::Member(i, name) => self
                .members
                .as_mut()
                .and_then(|m| m.get_mut(*i))
                .ok_or_else(|| format!("no member {i}"))?
                .set(name, value),
            FactPath::Members => {
                self.members = match value {
                    None | Some(serde_json::Value::Null) => None,
                    Some(v) => Some(serde::Deserialize::deserialize(v).map_err(|e| e.to_string())?),
                };
                Ok(())
            }
            FactPath::Top(other) => Err(format!("no stored fact {other:?}")),
        }
    }
}
