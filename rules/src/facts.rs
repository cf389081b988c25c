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
/// data check can refuse a condition that compares a fact with a value it can never have; the
/// enum, and a list of it, can then be the type of a field in a `fact_table!`.
macro_rules! fact_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name { $(#[serde(rename = $s)] $variant),+ }
        impl $name {
            pub const VALUES: &'static [&'static str] = &[$($s),+];
            pub fn as_str(&self) -> &'static str { match self { $($name::$variant => $s),+ } }
            /// The value of a JSON key (`None` for a key it does not have).
            pub fn from_key(key: &str) -> Option<$name> { match key { $($s => Some($name::$variant),)+ _ => None } }
        }
        impl StoredFact for $name {
            const KIND: FactKind = FactKind::Enum($name::VALUES);
            fn value(v: &Option<Self>) -> FactValue<'_> { opt_str(v.map(|x| x.as_str())) }
        }
        impl StoredFact for Vec<$name> {
            const KIND: FactKind = FactKind::List($name::VALUES);
            fn value(v: &Option<Self>) -> FactValue<'_> { opt_list(v, |x| x.as_str()) }
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

/// One table per struct of stored facts, each field written once: its JSON name, its type and
/// the question a household would recognise. The table gives the struct (every field optional:
/// absent or `null` is unknown), the list of facts the conditions may name (in the table's
/// order; the kind follows from the type, see `StoredFact`), their reading in `get`, and the
/// setter `set`. A field without a label is stored and settable but is not itself a fact
/// (`rigid_expense`, read through its parts). An entry `"path" (kind) = "label" => |x| value`
/// is a fact that is not a plain stored field, read from the whole `Facts` (or `Member`) `x`.
macro_rules! fact_table {
    (
        $(#[$meta:meta])*
        pub struct $ty:ident;
        $(#[$list_meta:meta])*
        pub const $list:ident = $prefix:literal;
        $(#[$get_meta:meta])*
        fn $owner:ident::get reads |$o:ident| $reach:expr;
        $($entries:tt)*
    ) => {
        fact_table!(@entries $prefix
            [[$(#[$meta])*] $ty [$(#[$list_meta])*] $list [$(#[$get_meta])*] $owner $o ($reach)]
            [] [] [] []
            $($entries)*);
    };
    // A stored fact: `dibao: bool = "家里吃不吃低保",`.
    (@entries $prefix:literal $head:tt [$($fields:tt)*] [$($infos:tt)*] [$($read:tt)*] $derived:tt
        $(#[$m:meta])* $field:ident: $fty:ty = $label:literal, $($rest:tt)*) => {
        fact_table!(@entries $prefix $head
            [$($fields)* {$(#[$m])* $field: $fty}]
            [$($infos)* fact(concat!($prefix, stringify!($field)), <$fty as StoredFact>::KIND, $label),]
            [$($read)* $field]
            $derived
            $($rest)*);
    };
    // A stored field that is not itself a fact: `rigid_expense: RigidExpense,`.
    (@entries $prefix:literal $head:tt [$($fields:tt)*] $infos:tt $read:tt $derived:tt
        $(#[$m:meta])* $field:ident: $fty:ty, $($rest:tt)*) => {
        fact_table!(@entries $prefix $head
            [$($fields)* {$(#[$m])* $field: $fty}] $infos $read $derived
            $($rest)*);
    };
    // A fact that is not a plain stored field: `"member_count" (FactKind::Num) = "…" => |f| …,`.
    (@entries $prefix:literal $head:tt $fields:tt [$($infos:tt)*] $read:tt [$($derived:tt)*]
        $name:literal ($kind:expr) = $label:literal => |$x:ident| $value:expr, $($rest:tt)*) => {
        fact_table!(@entries $prefix $head $fields
            [$($infos)* fact($name, $kind, $label),]
            $read
            [$($derived)* ($name |$x| $value)]
            $($rest)*);
    };
    // Every entry read: the struct, its facts in the table's order, `get` and `set` (the
    // reading arms are made here, where `get`'s own bindings are, not while entries are read).
    (@entries $prefix:literal
        [[$(#[$meta:meta])*] $ty:ident [$(#[$list_meta:meta])*] $list:ident
         [$(#[$get_meta:meta])*] $owner:ident $o:ident ($reach:expr)]
        [$({$(#[$m:meta])* $field:ident: $fty:ty})*]
        [$($infos:tt)*]
        [$($read:ident)*]
        [$(($name:literal |$x:ident| $value:expr))*]
    ) => {
        $(#[$meta])*
        pub struct $ty {
            $(
                $(#[$m])*
                #[serde(default, skip_serializing_if = "Option::is_none")]
                pub $field: Option<$fty>,
            )*
        }

        $(#[$list_meta])*
        pub const $list: &[FactInfo] = &[$($infos)*];

        impl $owner {
            $(#[$get_meta])*
            pub fn get(&self, name: &str) -> Option<FactValue<'_>> {
                let stored: &$ty = {
                    let $o = self;
                    $reach
                };
                Some(match name {
                    $(concat!($prefix, stringify!($read)) => StoredFact::value(&stored.$read),)*
                    $($name => {
                        let $x = self;
                        $value
                    })*
                    _ => return None,
                })
            }
        }

        impl $ty {
            /// Sets the stored field `name` (as in the facts JSON) to `value`, or forgets it
            /// (`None` or `null`); an unknown name or a value of the wrong shape is refused.
            pub fn set(&mut self, name: &str, value: Option<&serde_json::Value>) -> Result<(), String> {
                match name {
                    $(stringify!($field) => {
                        self.$field = match value {
                            None | Some(serde_json::Value::Null) => None,
                            Some(v) => Some(serde::Deserialize::deserialize(v).map_err(|e| format!("{name}: {e}"))?),
                        };
                    })*
                    _ => return Err(format!("no stored fact {name:?}")),
                }
                Ok(())
            }
        }
    };
}

fact_table! {
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Household;
    /// Facts about the household as a whole (`household.*` and the top level).
    pub const HOUSEHOLD_FACTS = "household.";
    /// Reads a household-level fact by its path; `None` if no such fact exists.
    fn Facts::get reads |f| &f.household;

    "region" (FactKind::Enum(&["qinghai", "longyan", "shaanxi", "inner_mongolia", "liangzhou"]))
        = "住在哪个地区" => |f| opt_str(f.region.map(|r| r.key())),
    "county_exit_year" (FactKind::Num) = "所在旗县脱贫摘帽的年份"
        => |f| opt_num(f.county_exit_year),
    "member_count" (FactKind::Num) = "家里有几口人"
        => |f| f.members.as_ref().map_or(FactValue::Unknown, |m| FactValue::Num(m.len() as f64)),
    poverty_status: PovertyStatus = "家里是不是脱贫户或监测户",
    monitor_type: MonitorType = "家里属于哪一类监测户",
    returned_to_poverty: bool = "家里是否被认定为返贫致贫",
    dibao: bool = "家里吃不吃低保",
    tekun: bool = "家里有没有特困供养人员",
    low_income_family: bool = "家里是否被认定为低收入家庭或低保边缘家庭",
    relocated: bool = "家里是否是易地扶贫搬迁户",
    relocation_site: String = "搬到了哪个安置点",
    income_per_capita_yuan: f64 = "这一年全家收入多少（按家里人数算每人平均）",
    income_drop_sharp: bool = "家里收入是否大幅减少",
    basic_living_hardship: bool = "家里吃穿、上学、看病、住房、吃水是否遇到严重困难",
    recent_shocks: Vec<Shock> = "近一年家里是否遇到大病、意外、灾害等事",
    rigid_expense: RigidExpense,
    "household.rigid_expense_total" (FactKind::Num) = "近一年看病、上学、灾害、意外花了多少钱"
        => |f| opt_num(f.household.rigid_expense.as_ref().map(RigidExpense::known_total)),
    // Within an answered rigid_expense, a cause left out means nothing was spent on it.
    "household.rigid_expense.medical" (FactKind::Num) = "近一年看病花了多少钱"
        => |f| expense_part(f, |r| r.medical),
    "household.rigid_expense.education" (FactKind::Num) = "近一年上学花了多少钱"
        => |f| expense_part(f, |r| r.education),
    "household.rigid_expense.disaster" (FactKind::Num) = "近一年因灾花了多少钱"
        => |f| expense_part(f, |r| r.disaster),
    "household.rigid_expense.accident" (FactKind::Num) = "近一年因意外花了多少钱"
        => |f| expense_part(f, |r| r.accident),
    housing_unsafe: bool = "住的房子安不安全",
    adobe_house: bool = "是否住土坯房",
    water_unsafe: bool = "吃水方不方便、干不干净",
    toilet_unimproved: bool = "家里有没有卫生厕所",
    livelihoods: Vec<Livelihood> = "家里靠什么挣钱",
    livestock_head: f64 = "家里养了多少头（只）牲畜",
    credit_need: CreditNeed = "家里是否需要贷款搞生产",
    poverty_assets: bool = "家里是否有确权到户的扶贫资产",
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

fact_table! {
    #[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Member;
    /// Facts about one member (`member.*`, inside a quantifier).
    pub const MEMBER_FACTS = "member.";
    /// Reads a member fact by its path (`member.age`); `None` if no such fact exists.
    fn Member::get reads |m| m;

    relation: Relation = "和户主的关系",
    age: u32 = "年龄",
    can_work: Ability = "能不能干活",
    self_care: Ability = "生活能不能自理",
    "member.disabled" (FactKind::Bool) = "有没有残疾" => |m| opt_bool(m.disabled()),
    disability_grade: u8 = "残疾证上的等级",
    disability_kind: DisabilityKind = "残疾类别",
    serious_illness: bool = "有没有得大病、重病",
    chronic_disease: Vec<String> = "有没有高血压、糖尿病等慢性病",
    school_stage: SchoolStage = "在不在上学、上到哪一阶段",
    working_outside_county: bool = "是否在县外打工",
    tied_to_home: bool = "是否离不开家、不能出远门打工",
    public_job: PublicJob = "是否在护林员或公益性岗位上",
    pension_insured: bool = "参没参加农村养老保险（城乡居民养老保险）",
    pension_drawing: bool = "是否已经在领养老金",
    medical_insured: bool = "今年交没交合作医疗（城乡居民医保）",
    orphan: bool = "是否是孤儿",
    de_facto_unsupported_child: bool = "是否是父母实际无法抚养的孩子",
    left_behind_child: bool = "是否是父母外出打工的留守儿童",
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
        let facts: Facts = deserialize(&mut de)?;
        de.end().map_err(|e| FactsError {
            field: String::new(),
            message: e.to_string(),
        })?;
        facts.check()?;
        Ok(facts)
    }

    /// Same as [`Facts::from_json`], from an already parsed JSON value.
    pub fn from_value(value: serde_json::Value) -> Result<Facts, FactsError> {
        let facts: Facts = deserialize(value)?;
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

/// Deserializes facts, naming the field of the first error (with the `error-paths` feature).
#[cfg(feature = "error-paths")]
fn deserialize<'de, D>(de: D) -> Result<Facts, FactsError>
where
    D: serde::Deserializer<'de>,
{
    serde_path_to_error::deserialize(de).map_err(|e| {
        // serde_path_to_error prints `members[1].age` already; the root shows as `.`.
        let path = e.path().to_string();
        FactsError {
            field: if path == "." { String::new() } else { path },
            message: e.inner().to_string(),
        }
    })
}

/// Deserializes facts; the error names no field (the app, built without `error-paths`).
#[cfg(not(feature = "error-paths"))]
fn deserialize<'de, D>(de: D) -> Result<Facts, FactsError>
where
    D: serde::Deserializer<'de>,
{
    Facts::deserialize(de).map_err(|e| FactsError {
        field: String::new(),
        message: e.to_string(),
    })
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

/// A part of the rigid expense, once the expense is answered (a cause left out is 0).
fn expense_part(f: &Facts, part: fn(&RigidExpense) -> Option<f64>) -> FactValue<'static> {
    let expense = f.household.rigid_expense.as_ref();
    opt_num(expense.map(|r| part(r).unwrap_or(0.0)))
}

/// The type of a stored fact: its kind for the rules' data check, and how the expression
/// language reads it (`fact_enum!` types and lists of them implement it too).
trait StoredFact: Sized {
    const KIND: FactKind;
    fn value(v: &Option<Self>) -> FactValue<'_>;
}

impl StoredFact for bool {
    const KIND: FactKind = FactKind::Bool;
    fn value(v: &Option<Self>) -> FactValue<'_> {
        opt_bool(*v)
    }
}

macro_rules! number_fact {
    ($($t:ty),+) => {$(
        impl StoredFact for $t {
            const KIND: FactKind = FactKind::Num;
            fn value(v: &Option<Self>) -> FactValue<'_> {
                opt_num(*v)
            }
        }
    )+};
}
number_fact!(f64, u32, u8, i32);

impl StoredFact for String {
    const KIND: FactKind = FactKind::Text;
    fn value(v: &Option<Self>) -> FactValue<'_> {
        v.as_deref().map_or(FactValue::Unknown, FactValue::Str)
    }
}

/// Free-text items (`chronic_disease`).
impl StoredFact for Vec<String> {
    const KIND: FactKind = FactKind::List(&[]);
    fn value(v: &Option<Self>) -> FactValue<'_> {
        opt_list(v, |s| s.as_str())
    }
}

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
    #[cfg(feature = "error-paths")]
    fn unknown_region_names_the_field() {
        let e = Facts::from_json(r#"{"region":"tibet"}"#).unwrap_err();
        assert_eq!(e.field, "region");
        assert!(e.message.contains("tibet"), "{e}");
    }

    #[test]
    #[cfg(feature = "error-paths")]
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
        #[cfg(feature = "error-paths")]
        assert_eq!(e.field, "members[0].age");
        #[cfg(not(feature = "error-paths"))]
        assert!(e.message.contains("-3"), "{e}");
    }

    #[test]
    #[cfg(feature = "error-paths")]
    fn misspelt_field_is_refused_rather_than_ignored() {
        let e = Facts::from_json(r#"{"household":{"dibaoo":true}}"#).unwrap_err();
        assert_eq!(e.field, "household.dibaoo");
    }

    #[test]
    #[cfg(feature = "error-paths")]
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

    /// Without `error-paths` (the app) the same facts are refused, the message saying what is
    /// wrong; only the field's path is not named (the checks of [`Facts::check`] still name it).
    #[test]
    #[cfg(not(feature = "error-paths"))]
    fn malformed_facts_are_refused_without_the_path() {
        for (json, said) in [
            (r#"{"region":"tibet"}"#, "tibet"),
            (r#"{"household":{"dibao":"yes"}}"#, "yes"),
            (r#"{"household":{"dibaoo":true}}"#, "dibaoo"),
            (r#"{"as_of":"2025-02-30"}"#, "input is out of range"),
        ] {
            let e = Facts::from_json(json).unwrap_err();
            assert_eq!(e.field, "", "{json}");
            assert!(e.message.contains(said), "{json}: {e}");
        }
        let e = Facts::from_value(serde_json::json!({"members": [{"age": "old"}]})).unwrap_err();
        assert!(e.message.contains("old"), "{e}");
        let e = Facts::from_json(r#"{"members":[{"age":150}]}"#).unwrap_err();
        assert_eq!(e.field, "members[0].age");
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

    /// A household with every stored fact known, as the facts JSON writes it (field order too).
    const EVERY_FACT: &str = concat!(
        r#"{"as_of":"2025-06-01","region":"inner_mongolia","county_exit_year":2019,"household":{"#,
        r#""poverty_status":"monitored","monitor_type":"marginal","returned_to_poverty":true,"#,
        r#""dibao":false,"tekun":false,"low_income_family":true,"relocated":true,"#,
        r#""relocation_site":"邓马营湖","income_per_capita_yuan":5000.5,"income_drop_sharp":true,"#,
        r#""basic_living_hardship":false,"recent_shocks":["illness","natural_disaster"],"#,
        r#""rigid_expense":{"medical":30000.0,"education":1500.0,"disaster":0.0,"accident":200.0},"#,
        r#""housing_unsafe":false,"adobe_house":true,"water_unsafe":false,"toilet_unimproved":true,"#,
        r#""livelihoods":["grain","migrant_work"],"livestock_head":12.0,"credit_need":"small","#,
        r#""poverty_assets":true},"members":[{"relation":"head","age":52,"can_work":"partial","#,
        r#""self_care":"full","disability_grade":2,"disability_kind":"physical","#,
        r#""serious_illness":true,"chronic_disease":["hypertension"],"school_stage":"none","#,
        r#""working_outside_county":false,"tied_to_home":true,"public_job":"eco_ranger","#,
        r#""pension_insured":true,"pension_drawing":false,"medical_insured":true,"orphan":false,"#,
        r#""de_facto_unsupported_child":false,"left_behind_child":false}]}"#,
    );

    #[test]
    fn the_facts_json_keeps_its_names_and_order() {
        let f = Facts::from_json(EVERY_FACT).unwrap();
        assert_eq!(serde_json::to_string(&f).unwrap(), EVERY_FACT);
        let m = &f.members.as_ref().unwrap()[0];
        for info in HOUSEHOLD_FACTS {
            assert_ne!(f.get(info.name), Some(FactValue::Unknown), "{}", info.name);
        }
        for info in MEMBER_FACTS {
            assert_ne!(m.get(info.name), Some(FactValue::Unknown), "{}", info.name);
        }
    }

    /// Values of each kind, as set in the facts JSON and as read back.
    fn samples(kind: FactKind) -> Vec<(serde_json::Value, FactValue<'static>)> {
        use serde_json::json;
        match kind {
            FactKind::Bool => vec![
                (json!(true), FactValue::Bool(true)),
                (json!(false), FactValue::Bool(false)),
            ],
            FactKind::Num => vec![(json!(3), FactValue::Num(3.0))],
            FactKind::Text => vec![(json!("邓马营湖"), FactValue::Str("邓马营湖"))],
            FactKind::Enum(values) => values
                .iter()
                .map(|v| (json!(v), FactValue::Str(v)))
                .collect(),
            FactKind::List(values) => {
                let items = if values.is_empty() {
                    &["hypertension", "糖尿病"][..]
                } else {
                    values
                };
                vec![
                    (json!(items), FactValue::List(items.to_vec())),
                    (json!([]), FactValue::List(vec![])),
                ]
            }
        }
    }

    /// `json` is all there is in `stored`, under `name` (`3` reads back as `3.0` if a float).
    fn assert_stored(stored: &serde_json::Value, name: &str, json: &serde_json::Value) {
        let only = stored.as_object().filter(|o| o.len() == 1);
        let value = only.and_then(|o| o.get(name));
        let same = value == Some(json)
            || value
                .and_then(|v| v.as_f64())
                .is_some_and(|v| Some(v) == json.as_f64());
        assert!(same, "{name} = {json} is stored as {stored}");
    }

    #[test]
    fn every_stored_fact_reads_back_what_was_set() {
        // The listed facts that are not a stored field of their own, read from others.
        let mut not_stored = vec![];
        for info in HOUSEHOLD_FACTS {
            let name = info.name.strip_prefix("household.").unwrap_or(info.name);
            for (json, read) in samples(info.kind) {
                let mut f = Facts::default();
                if f.household.set(name, Some(&json)).is_err() {
                    not_stored.push(info.name);
                    break;
                }
                assert_eq!(f.get(info.name), Some(read), "{} = {json}", info.name);
                assert_stored(&serde_json::to_value(&f.household).unwrap(), name, &json);
                f.household.set(name, None).unwrap();
                assert_eq!(f.get(info.name), Some(FactValue::Unknown), "{}", info.name);
            }
        }
        for info in MEMBER_FACTS {
            let name = info.name.strip_prefix("member.").unwrap();
            for (json, read) in samples(info.kind) {
                let mut m = Member::default();
                if m.set(name, Some(&json)).is_err() {
                    not_stored.push(info.name);
                    break;
                }
                assert_eq!(m.get(info.name), Some(read), "{} = {json}", info.name);
                assert_stored(&serde_json::to_value(&m).unwrap(), name, &json);
                m.set(name, Some(&serde_json::Value::Null)).unwrap();
                assert_eq!(m.get(info.name), Some(FactValue::Unknown), "{}", info.name);
            }
        }
        assert_eq!(
            not_stored,
            [
                "region",
                "county_exit_year",
                "member_count",
                "household.rigid_expense_total",
                "household.rigid_expense.medical",
                "household.rigid_expense.education",
                "household.rigid_expense.disaster",
                "household.rigid_expense.accident",
                "member.disabled",
            ]
        );
        // The rigid expense is stored as a whole and read through its parts.
        let mut f = Facts::default();
        let expense = serde_json::json!({"medical": 500, "accident": 20});
        f.household.set("rigid_expense", Some(&expense)).unwrap();
        assert_eq!(
            f.get("household.rigid_expense_total"),
            Some(FactValue::Num(520.0))
        );
        assert_eq!(
            f.get("household.rigid_expense.education"),
            Some(FactValue::Num(0.0))
        );
        assert!(f
            .household
            .set("rigid_expense_total", Some(&expense))
            .is_err());
        assert_eq!(f.get("household.rigid_expense"), None);
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
