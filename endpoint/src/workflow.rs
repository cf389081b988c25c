//! How long each step of the verification workflow may take (the steps themselves, and where
//! each comes from, are [`xiangqin_rules::workflow::Step`]).
//!
//! Deadlines: no seed gives any. The operator may promise working days per step
//! (`XIANGQIN_DEADLINES`, in working days); households see them as this service's promise
//! (「本服务承诺」), and without them no step has a deadline.
use chrono::NaiveDate;
use std::collections::BTreeSet;
pub use xiangqin_api::Deadline;
use xiangqin_rules::workflow::Step;

/// The deadlines the operator promised (`--deadlines`), in workflow order; empty: none.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Deadlines(pub Vec<Deadline>);

/// The steps a deadline may be set for (the outcomes have none).
const STEPS_WITH_DEADLINES: [Step; 5] = [
    Step::Submitted,
    Step::HomeVisit,
    Step::VillageReview,
    Step::TownshipReview,
    Step::CountyApproval,
];

impl Deadlines {
    /// Reads `home_visit=7,county_approval=20`: each named step gets that many working days;
    /// a step not named has no deadline.
    pub fn parse(text: &str) -> Result<Deadlines, String> {
        let mut days_of = std::collections::BTreeMap::new();
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
            let step = Step::from_key(step.trim())
                .filter(|s| STEPS_WITH_DEADLINES.contains(s))
                .ok_or_else(|| {
                    let steps: Vec<&str> = STEPS_WITH_DEADLINES.iter().map(|s| s.key()).collect();
                    format!(
                        "deadline `{part}`: unknown step (one of {})",
                        steps.join(", ")
                    )
                })?;
            days_of.insert(step, days);
        }
        Ok(Deadlines(
            STEPS_WITH_DEADLINES
                .iter()
                .filter_map(|step| {
                    days_of.get(step).map(|&working_days| Deadline {
                        step: *step,
                        label_zh: step.label_zh().to_string(),
                        working_days,
                    })
                })
                .collect(),
        ))
    }

    /// Working days for a step, if it has a deadline.
    pub fn for_step(&self, step: Step) -> Option<u32> {
        self.0
            .iter()
            .find(|d| d.step == step)
            .map(|d| d.working_days)
    }
}

/// A set of days given by the operator: `2026-10-01..2026-10-07,2027-01-01` (ranges inclusive).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Dates(pub BTreeSet<NaiveDate>);

impl Dates {
    pub fn parse(text: &str) -> Result<Dates, String> {
        let day = |d: &str| {
            NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d")
                .map_err(|_| format!("`{}`: write dates as YYYY-MM-DD", d.trim()))
        };
        let mut out = BTreeSet::new();
        for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
            match part.split_once("..") {
                None => {
                    out.insert(day(part)?);
                }
                Some((from, to)) => {
                    let (from, to) = (day(from)?, day(to)?);
                    if to < from || (to - from).num_days() > 366 {
                        return Err(format!(
                            "`{part}`: a range runs forward, for at most a year"
                        ));
                    }
                    out.extend(from.iter_days().take_while(|d| *d <= to));
                }
            }
        }
        Ok(Dates(out))
    }
}

/// Which days are working days: Monday to Friday, except the public holidays, plus the weekend
/// days worked in exchange (调休上班). China's holidays move every year (the State Council
/// publishes them each winter), so the operator gives them; without them only weekends are off.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkCalendar {
    pub holidays: Dates,
    pub make_up_workdays: Dates,
}

impl WorkCalendar {
    pub fn is_working_day(&self, date: NaiveDate) -> bool {
        use chrono::{Datelike, Weekday};
        if self.make_up_workdays.0.contains(&date) {
            return true;
        }
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun) && !self.holidays.0.contains(&date)
    }

    /// The date `days` working days after `date`.
    pub fn add_working_days(&self, mut date: NaiveDate, days: u32) -> NaiveDate {
        let mut left = days;
        while left > 0 {
            date = date.succ_opt().unwrap_or(date);
            if self.is_working_day(date) {
                left -= 1;
            }
        }
        date
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_are_only_the_steps_named() {
        let d = Deadlines::parse("county_approval=20, home_visit=7").unwrap();
        assert_eq!(d.for_step(Step::HomeVisit), Some(7));
        assert_eq!(d.for_step(Step::CountyApproval), Some(20));
        assert_eq!(
            d.for_step(Step::Submitted),
            None,
            "a step not named has none"
        );
        assert_eq!(
            d.0.iter().map(|x| x.step.key()).collect::<Vec<_>>(),
            ["home_visit", "county_approval"],
            "in workflow order"
        );
        assert_eq!(d.0[0].label_zh, "入户核实");
        assert_eq!(d.for_step(Step::Included), None);
        assert!(Deadlines::parse("home_visit").is_err());
        assert!(Deadlines::parse("home_visit=0").is_err());
        assert!(Deadlines::parse("holiday=3").is_err());
        assert!(
            Deadlines::parse("included=3").is_err(),
            "an outcome has no deadline"
        );
        assert_eq!(Deadlines::parse("").unwrap(), Deadlines::default());
        assert!(
            Deadlines::default().0.is_empty(),
            "none unless the operator promised"
        );
    }

    fn day(m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, d).unwrap()
    }

    #[test]
    fn working_days_skip_weekends() {
        let weekdays_only = WorkCalendar::default();
        let friday = day(11, 20);
        assert_eq!(weekdays_only.add_working_days(friday, 1), day(11, 23));
        assert_eq!(weekdays_only.add_working_days(friday, 5), day(11, 27));
        assert_eq!(weekdays_only.add_working_days(friday, 0), friday);
    }

    #[test]
    fn working_days_skip_holidays_and_count_make_up_days() {
        // An example calendar (not a real year's): a week off from 1 October, Saturday 10
        // October worked in exchange.
        let calendar = WorkCalendar {
            holidays: Dates::parse("2026-10-01..2026-10-07").unwrap(),
            make_up_workdays: Dates::parse("2026-10-10").unwrap(),
        };
        let wednesday = day(9, 30);
        assert_eq!(calendar.add_working_days(wednesday, 1), day(10, 8));
        assert_eq!(calendar.add_working_days(wednesday, 2), day(10, 9));
        assert_eq!(
            calendar.add_working_days(wednesday, 3),
            day(10, 10),
            "the make-up Saturday"
        );
        assert_eq!(calendar.add_working_days(wednesday, 4), day(10, 12));
        assert!(!calendar.is_working_day(day(10, 5)));
        assert!(calendar.is_working_day(day(10, 10)));
        assert!(!calendar.is_working_day(day(10, 11)));
    }

    #[test]
    fn dates_parse_days_and_ranges_and_refuse_nonsense() {
        let d = Dates::parse(" 2026-10-01..2026-10-03, 2027-01-01 ").unwrap();
        assert_eq!(d.0.len(), 4);
        assert!(d.0.contains(&day(10, 2)));
        assert_eq!(Dates::parse("").unwrap(), Dates::default());
        assert!(
            Dates::parse("2026-10-3").is_ok(),
            "chrono takes one-digit days"
        );
        assert!(Dates::parse("10/01/2026").is_err());
        assert!(Dates::parse("2026-10-07..2026-10-01").is_err(), "backwards");
        assert!(
            Dates::parse("2026-01-01..2028-01-01").is_err(),
            "over a year"
        );
        assert!(Dates::parse("2026-02-30").is_err());
    }
}
