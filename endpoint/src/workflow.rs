//! The verification workflow a declaration goes through, and how long each step may take.
//!
//! 已提交 → 入户核实 → 村级评议公示 → 乡镇审核 → 县级审批 → 纳入监测帮扶 | 不予纳入 → 风险消除
//! (the steps the seeds describe for taking a household into monitoring). Deadlines are in
//! working days, set by the operator (`XIANGQIN_DEADLINES`), with defaults below.
use serde::{Deserialize, Serialize};

/// One status of the workflow: its key (stored, and used by the API) and its Chinese name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Step {
    pub key: &'static str,
    pub label_zh: &'static str,
}

pub const STEPS: [Step; 8] = [
    Step {
        key: "submitted",
        label_zh: "已提交",
    },
    Step {
        key: "home_visit",
        label_zh: "入户核实",
    },
    Step {
        key: "village_review",
        label_zh: "村级评议公示",
    },
    Step {
        key: "township_review",
        label_zh: "乡镇审核",
    },
    Step {
        key: "county_approval",
        label_zh: "县级审批",
    },
    Step {
        key: "included",
        label_zh: "纳入监测帮扶",
    },
    Step {
        key: "rejected",
        label_zh: "不予纳入",
    },
    Step {
        key: "risk_cleared",
        label_zh: "风险消除",
    },
];

/// The Chinese name of a status key (the key itself if unknown).
pub fn label_zh(key: &str) -> &str {
    STEPS
        .iter()
        .find(|s| s.key == key)
        .map_or(key, |s| s.label_zh)
}

/// Working days allowed for one step, counted from the moment the declaration reached it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Deadline {
    pub step: String,
    pub label_zh: String,
    pub working_days: u32,
}

/// The deadlines of the steps that have one (the final outcomes have none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deadlines(pub Vec<Deadline>);

impl Default for Deadlines {
    /// Defaults for a deployment that has not set its own: a visit within a week, each review
    /// within two weeks. The seeds give no figures; a county sets its own.
    fn default() -> Self {
        let d = |step: &str, working_days| Deadline {
            step: step.to_string(),
            label_zh: label_zh(step).to_string(),
            working_days,
        };
        Deadlines(vec![
            d("submitted", 5),
            d("home_visit", 10),
            d("village_review", 10),
            d("township_review", 10),
            d("county_approval", 15),
        ])
    }
}

impl Deadlines {
    /// Reads `home_visit=7,county_approval=20`: each named step gets that many working days;
    /// steps not named keep their default.
    pub fn parse(text: &str) -> Result<Deadlines, String> {
        let mut out = Deadlines::default();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            let (step, days) = part
                .split_once('=')
                .ok_or_else(|| format!("deadline `{part}`: write step=days"))?;
            let days: u32 = days
                .trim()
                .parse()
                .ok()
                .filter(|d| (1..=365).contains(d))
                .ok_or_else(|| {
                    format!("deadline `{part}`: days must be a whole number from 1 to 365")
                })?;
            let entry = out
                .0
                .iter_mut()
                .find(|d| d.step == step.trim())
                .ok_or_else(|| format!("deadline `{part}`: unknown step (one of submitted, home_visit, village_review, township_review, county_approval)"))?;
            entry.working_days = days;
        }
        Ok(out)
    }

    /// Working days for a step, if it has a deadline.
    pub fn for_step(&self, step: &str) -> Option<u32> {
        self.0
            .iter()
            .find(|d| d.step == step)
            .map(|d| d.working_days)
    }
}

/// Adds `days` working days (Monday to Friday) to a date. Public holidays are not known here.
pub fn add_working_days(mut date: chrono::NaiveDate, days: u32) -> chrono::NaiveDate {
    use chrono::{Datelike, Weekday};
    let mut left = days;
    while left > 0 {
        date = date.succ_opt().unwrap_or(date);
        if !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) {
            left -= 1;
        }
    }
    date
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;

    #[test]
    fn deadlines_parse_and_keep_defaults() {
        let d = Deadlines::parse("home_visit=7, county_approval=20").unwrap();
        assert_eq!(d.for_step("home_visit"), Some(7));
        assert_eq!(d.for_step("county_approval"), Some(20));
        assert_eq!(
            d.for_step("submitted"),
            Deadlines::default().for_step("submitted")
        );
        assert_eq!(d.for_step("included"), None);
        assert!(Deadlines::parse("home_visit").is_err());
        assert!(Deadlines::parse("home_visit=0").is_err());
        assert!(Deadlines::parse("holiday=3").is_err());
        assert_eq!(Deadlines::parse("").unwrap(), Deadlines::default());
    }

    #[test]
    fn working_days_skip_weekends() {
        let friday = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        assert_eq!(
            add_working_days(friday, 1),
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
        );
        assert_eq!(
            add_working_days(friday, 5),
            NaiveDate::from_ymd_opt(2026, 11, 27).unwrap()
        );
        assert_eq!(add_working_days(friday, 0), friday);
    }

    #[test]
    fn every_step_has_a_chinese_name() {
        for s in STEPS {
            assert_eq!(label_zh(s.key), s.label_zh);
        }
        assert_eq!(label_zh("unknown"), "unknown");
    }
}
