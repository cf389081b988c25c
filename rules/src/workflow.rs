//! The verification workflow a declaration goes through, and who may take each step: one table,
//! shared by the endpoint (which enforces it) and the app (which offers only what a cadre may do).
//!
//! 已提交 → 入户核实 → 村级评议公示 → 乡镇审核 → 县级审批 → 纳入监测帮扶 | 不予纳入 → 风险消除
//! 不予纳入 is possible from every step of the verification, with a reason the household can
//! appeal against. Until the home visit begins the household may withdraw its declaration
//! itself (已撤回).
//!
//! Where each step comes from. The seeds name some of them; the others are this service's own
//! way of working a case, and a county that runs it may follow its own procedure:
//! - 已提交 (`submitted`): the household's own report — Longyan 「建立农户自主申报、干部走访排查、
//!   行业部门筛查工作机制」 (001 二、(二)); the other regions name no self-report.
//! - 入户核实 (`home_visit`): the check — Longyan 「发现疑似对象及时反馈基层核实」 (001 二、(二)),
//!   Liangzhou 「快速发现、评估核查、精准帮扶、风险消除等环节」 and 「“六必访”“六必查”」
//!   (004 二、(三)). That the check is a visit to the home is this service's own.
//! - 村级评议公示 (`village_review`), 乡镇审核 (`township_review`), 县级审批
//!   (`county_approval`): in no seed; this service's own steps, and so are the roles that take them.
//! - 纳入监测帮扶 (`included`): Qinghai 「分层分类及时纳入帮扶政策范围」 (000 二、(一)1.),
//!   Liangzhou 「应纳尽纳」 (004 二、(三)), Longyan's 「监测帮扶对象」 (001 二、(二)).
//! - 不予纳入 (`rejected`): this service's own (no seed says what becomes of a report that is not
//!   taken in).
//! - 风险消除 (`risk_cleared`): Liangzhou 「风险消除」 (004 二、(三)).
//! - 已撤回 (`withdrawn`): this service's own: the household takes back what it sent (personal
//!   information law lets a person withdraw consent), which only it may do.
//!
//! No seed gives a deadline for any step: those the operator promises are the endpoint's
//! (`--deadlines`).
//!
//! Adding a step: a variant in [`Step`] and its row in `TABLE`, in the same order.
use serde::{Deserialize, Serialize};

/// One status of a declaration. The key (`home_visit`) is what the database and the API carry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    Submitted,
    HomeVisit,
    VillageReview,
    TownshipReview,
    CountyApproval,
    Included,
    Rejected,
    RiskCleared,
    Withdrawn,
}

/// What a review token may do (`token add --role`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 村: 入户核实, 村级评议公示.
    Village,
    /// 乡镇: 乡镇审核.
    Township,
    /// 县: 县级审批, 纳入 / 不予纳入, 风险消除.
    County,
    /// Reads only.
    Observer,
}

struct Row {
    key: &'static str,
    label_zh: &'static str,
    next: &'static [Step],
    /// Who moves a declaration into this step (`None`: the household, by sending or withdrawing
    /// it).
    taken_by: Option<Role>,
    closes_case: bool,
    needs_reason: bool,
}

use Step::*;

/// The workflow, one row per step in the order of [`Step`].
const TABLE: [Row; 9] = [
    Row {
        key: "submitted",
        label_zh: "已提交",
        next: &[HomeVisit, Rejected, Withdrawn],
        taken_by: None,
        closes_case: false,
        needs_reason: false,
    },
    Row {
        key: "home_visit",
        label_zh: "入户核实",
        next: &[VillageReview, Rejected],
        taken_by: Some(Role::Village),
        closes_case: false,
        needs_reason: false,
    },
    Row {
        key: "village_review",
        label_zh: "村级评议公示",
        next: &[TownshipReview, Rejected],
        taken_by: Some(Role::Village),
        closes_case: false,
        needs_reason: false,
    },
    Row {
        key: "township_review",
        label_zh: "乡镇审核",
        next: &[CountyApproval, Rejected],
        taken_by: Some(Role::Township),
        closes_case: false,
        needs_reason: false,
    },
    Row {
        key: "county_approval",
        label_zh: "县级审批",
        next: &[Included, Rejected],
        taken_by: Some(Role::County),
        closes_case: false,
        needs_reason: false,
    },
    Row {
        key: "included",
        label_zh: "纳入监测帮扶",
        next: &[RiskCleared],
        taken_by: Some(Role::County),
        closes_case: false,
        needs_reason: false,
    },
    Row {
        key: "rejected",
        label_zh: "不予纳入",
        next: &[],
        taken_by: Some(Role::County),
        closes_case: true,
        needs_reason: true,
    },
    Row {
        key: "risk_cleared",
        label_zh: "风险消除",
        next: &[],
        taken_by: Some(Role::County),
        closes_case: true,
        needs_reason: false,
    },
    Row {
        key: "withdrawn",
        label_zh: "已撤回",
        next: &[],
        taken_by: None,
        closes_case: true,
        needs_reason: false,
    },
];

impl Step {
    pub const ALL: [Step; 9] = [
        Submitted,
        HomeVisit,
        VillageReview,
        TownshipReview,
        CountyApproval,
        Included,
        Rejected,
        RiskCleared,
        Withdrawn,
    ];

    fn row(self) -> &'static Row {
        &TABLE[self as usize]
    }

    /// The key stored and used by the API, e.g. `home_visit`.
    pub fn key(self) -> &'static str {
        self.row().key
    }

    pub fn from_key(key: &str) -> Option<Step> {
        Step::ALL.into_iter().find(|s| s.key() == key)
    }

    /// The Chinese name, e.g. 入户核实.
    pub fn label_zh(self) -> &'static str {
        self.row().label_zh
    }

    /// The steps a declaration may move to from this one.
    pub fn next(self) -> &'static [Step] {
        self.row().next
    }

    /// Who may move a declaration into this step (`None` for 已提交 and 已撤回: the household
    /// sends and withdraws it).
    pub fn taken_by(self) -> Option<Role> {
        self.row().taken_by
    }

    /// Whether the household may move its declaration from this step to `to` (withdraw it
    /// before the home visit begins).
    pub fn household_may_take(self, to: Step) -> bool {
        to.taken_by().is_none() && self.next().contains(&to)
    }

    /// Who takes this step, in Chinese: a role, or the household itself.
    pub fn taken_by_zh(self) -> &'static str {
        self.taken_by().map_or("农户本人", Role::label_zh)
    }

    /// Whether the case ends here (a later declaration with the same ID number is a new case).
    pub fn closes_case(self) -> bool {
        self.row().closes_case
    }

    /// Whether taking this step needs a written reason (不予纳入: the household may appeal).
    pub fn needs_reason(self) -> bool {
        self.row().needs_reason
    }

    /// The steps that end a case.
    pub fn closing() -> impl Iterator<Item = Step> {
        Step::ALL.into_iter().filter(|s| s.closes_case())
    }
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Village, Role::Township, Role::County, Role::Observer];

    pub fn key(self) -> &'static str {
        match self {
            Role::Village => "village",
            Role::Township => "township",
            Role::County => "county",
            Role::Observer => "observer",
        }
    }

    pub fn from_key(key: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.key() == key)
    }

    /// Who holds the role, in Chinese (shown with the token's scope).
    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Village => "村级（入户核实、村级评议公示）",
            Role::Township => "乡镇（乡镇审核）",
            Role::County => "县级（县级审批、纳入或不予纳入、风险消除）",
            Role::Observer => "只能查看",
        }
    }

    /// Whether a token with this role may move a declaration into `step`.
    pub fn may_take(self, step: Step) -> bool {
        step.taken_by() == Some(self)
    }

    /// The steps this role may take from `from`.
    pub fn next_from(self, from: Step) -> impl Iterator<Item = Step> {
        from.next()
            .iter()
            .copied()
            .filter(move |s| self.may_take(*s))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_in_the_order_of_the_enum() {
        for (i, step) in Step::ALL.into_iter().enumerate() {
            assert_eq!(step as usize, i);
            assert_eq!(Step::from_key(step.key()), Some(step));
            assert_eq!(
                serde_json::to_value(step).unwrap(),
                serde_json::Value::from(step.key())
            );
        }
        assert_eq!(Step::from_key("unknown"), None);
    }

    #[test]
    fn the_workflow_only_goes_forward_and_ends_in_the_closing_steps() {
        assert_eq!(Submitted.next(), &[HomeVisit, Rejected, Withdrawn]);
        assert!(!HomeVisit.next().contains(&CountyApproval));
        for step in Step::ALL {
            assert_eq!(step.closes_case(), step.next().is_empty(), "{step:?}");
            for n in step.next() {
                assert!(*n as usize > step as usize, "{step:?} → {n:?} goes back");
            }
        }
        assert_eq!(
            Step::closing().collect::<Vec<_>>(),
            [Rejected, RiskCleared, Withdrawn]
        );
        assert!(Rejected.needs_reason() && !Included.needs_reason());
    }

    #[test]
    fn each_role_takes_only_its_own_steps() {
        assert_eq!(
            Role::Village.next_from(Submitted).collect::<Vec<_>>(),
            [HomeVisit]
        );
        assert_eq!(Role::Village.next_from(TownshipReview).count(), 0);
        assert_eq!(
            Role::Township.next_from(VillageReview).collect::<Vec<_>>(),
            [TownshipReview]
        );
        assert_eq!(
            Role::County.next_from(CountyApproval).collect::<Vec<_>>(),
            [Included, Rejected]
        );
        assert_eq!(
            Role::County.next_from(Submitted).collect::<Vec<_>>(),
            [Rejected]
        );
        for step in Step::ALL {
            assert!(!Role::Observer.may_take(step));
        }
        // Every step but the household's own is someone's.
        for step in Step::ALL {
            assert_eq!(
                step.taken_by().is_none(),
                [Submitted, Withdrawn].contains(&step),
                "{step:?}"
            );
            assert!(!Role::ALL.iter().any(|r| r.may_take(Withdrawn)));
        }
    }

    #[test]
    fn the_household_withdraws_only_before_the_home_visit() {
        assert!(Submitted.household_may_take(Withdrawn));
        for step in Step::ALL.into_iter().filter(|s| *s != Submitted) {
            assert!(!step.household_may_take(Withdrawn), "{step:?}");
        }
        assert!(!Submitted.household_may_take(HomeVisit), "a cadre's step");
        assert!(Withdrawn.closes_case() && !Withdrawn.needs_reason());
        assert_eq!(Withdrawn.taken_by_zh(), "农户本人");
        assert_eq!(HomeVisit.taken_by_zh(), Role::Village.label_zh());
        for role in Role::ALL {
            assert_eq!(Role::from_key(role.key()), Some(role));
        }
    }
}
