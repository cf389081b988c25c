//! The rules module of 乡亲 (Xiangqin).
//!
//! Pure Rust (serde, chrono; no browser or server crates) so that the app, the endpoint, the
//! command-line tool and the tests all share one implementation.
//!
//! - [`amount`]: amounts of yuan as a household types them (「3.5万」), one reader for every form.
//! - [`consistency`]: answers that do not fit together, set aside before anything is decided.
//! - [`facts`]: the household facts of `docs/household-facts.md`; absent means unknown.
//! - [`implications`]: what a person's age already says about other answers, filled in first.
//! - [`expr`]: the condition language the policy data is written in (three-valued logic).
//! - [`engine`]: every policy of the five seed documents, evaluated for a household.
//! - [`needs`]: needs a region's document says nothing about (the results say so).
//! - [`periods`]: the time windows of the policies (`data/periods.toml`), as dated parameters.
//! - [`path`]: fact paths (`members[1].age`), parsed in one place.
//! - [`interview`]: the questionnaire played against known facts (`xiangqin-rules interview`).
//! - [`questions`]: which question to ask next, driven by the results' missing facts.
//! - [`declaration`]: the self-declaration (一键申报) and its validation, shared by app and endpoint.
//! - [`consent`]: the versions of the consent text a declaration is agreed under.
//! - [`places`]: the official division codes of places, and the files of `places/`.
//! - [`workflow`]: the steps of its verification and the role that may take each.

pub mod amount;
pub mod consent;
pub mod consistency;
pub mod declaration;
pub mod engine;
pub mod expr;
pub mod facts;
pub mod implications;
pub mod interview;
pub mod needs;
pub mod path;
pub mod periods;
pub mod places;
pub mod questions;
pub mod workflow;

pub use engine::{
    install_texts, rules, texts_installed, Category, Evaluation, Policy, PolicyResult, Rules,
    Source, Status, TimeLimit,
};
pub use facts::{Facts, FactsError, Region};
