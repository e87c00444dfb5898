//! The demo's Chinese text: the district's units and people, the problem templates of each
//! category and every sentence its acts carry, all in `data/district.json` (read once).
//!
//! Templates: `{n}` is a small number (2–9), `{m}` a larger one (10–60), `{y}` the year,
//! `{py}` the year before (`fill`); the phrases name their own placeholders.

use std::sync::LazyLock;

use rand::rngs::StdRng;
use rand::Rng;
use serde::Deserialize;

/// The data file, parsed once.
pub(crate) static DISTRICT: LazyLock<District> =
    LazyLock::new(|| serde_json::from_str(include_str!("../data/district.json")).expect("data/district.json is valid"));

#[derive(Deserialize)]
pub(crate) struct District {
    pub townships: Vec<TownshipText>,
    pub departments: Vec<DepartmentText>,
    pub office_users: Vec<Person>,
    pub leaders: Vec<Person>,
    pub leadership_unit: UnitName,
    pub categories: Vec<Category>,
    /// The unit a return proposes when an item's alternative is its lead: the first, or the
    /// second when the lead is the first (short names).
    pub alternatives_when_same: [String; 2],
    pub surnames: Vec<String>,
    pub given_names: Vec<String>,
    pub brands: Vec<String>,
    pub trades: Vec<Trade>,
    pub roads: Vec<String>,
    pub visit_notes: Vec<String>,
    pub progress_notes: Vec<String>,
    pub supporter_notes: Vec<String>,
    pub opinions: Vec<String>,
    pub explanations: Vec<String>,
    pub long_term_results: Vec<String>,
    pub extension_reasons: Vec<String>,
    pub withdrawal_reasons: Vec<String>,
    pub phrases: Phrases,
    pub monitoring: MonitoringText,
}

/// What the key enterprises and key projects of the demo say (`monitoring` in the data file).
#[derive(Deserialize)]
pub(crate) struct MonitoringText {
    /// Main products (name, unit) by industry.
    pub products: std::collections::BTreeMap<String, Vec<(String, String)>>,
    /// What the office notes on the warnings its backfill of earlier months raises.
    pub backfill_note: String,
    pub warning_notes: Vec<String>,
    pub warning_problem: ProblemText,
    pub projects: Vec<ProjectText>,
    pub progress_texts: Vec<String>,
    pub difficulties: Vec<String>,
    pub next_steps: Vec<String>,
    pub project_problem: ProblemText,
}

#[derive(Deserialize)]
pub(crate) struct ProblemText {
    pub category: String,
    pub description: String,
    pub demand: String,
}

#[derive(Deserialize)]
pub(crate) struct ProjectText {
    pub name: String,
    pub builder: String,
    pub nature: String,
    /// 万元
    pub total: i64,
    pub plan: i64,
    /// How its year goes: ahead, on_track, behind.
    pub pace: String,
    pub content: String,
}

#[derive(Deserialize)]
pub(crate) struct Person {
    pub login: String,
    pub name: String,
}

#[derive(Deserialize)]
pub(crate) struct UnitName {
    pub name: String,
    pub short_name: String,
}

#[derive(Deserialize)]
pub(crate) struct TownshipText {
    pub name: String,
    pub short_name: String,
    /// How many of the enterprises it holds (relative).
    pub weight: u32,
    /// Its two officials.
    pub officials: Vec<Person>,
}

#[derive(Deserialize)]
pub(crate) struct DepartmentText {
    pub name: String,
    pub short_name: String,
    pub login: String,
    pub handler: String,
}

#[derive(Deserialize)]
pub(crate) struct Category {
    pub name: String,
    pub weight: u32,
    /// Short names of the departments that support its items.
    pub supporters: Vec<String>,
    pub items: Vec<Item>,
    pub results: Vec<String>,
}

#[derive(Deserialize)]
pub(crate) struct Item {
    pub description: String,
    pub demand: String,
    /// Short name of the lead department, and of the unit a return would propose.
    pub lead: String,
    pub alternative: String,
}

/// (word in an enterprise's name, its industry).
#[derive(Deserialize)]
pub(crate) struct Trade {
    pub word: String,
    pub industry: String,
}

/// Every sentence of the demo's acts that is not drawn from a list.
#[derive(Deserialize)]
pub(crate) struct Phrases {
    pub enterprise_prefix: String,
    pub company_suffix: String,
    pub joint_stock_suffix: String,
    pub address: String,
    pub two_visitors: String,
    pub local_result: String,
    pub local_evaluation_positive: String,
    pub local_close: String,
    pub local_evaluation_negative: String,
    pub return_reason: String,
    pub return_upheld: String,
    pub return_reassigned: String,
    pub sign_reminder: String,
    pub extension_approved: String,
    pub extension_refused: String,
    pub opinion_waived: String,
    pub deadline_reminder: String,
    pub instruction: String,
    pub withdrawal_approved: String,
    pub withdrawal_refused: String,
    pub explained_result: String,
    pub evaluation_unsatisfied: String,
    pub evaluation_basic: String,
    pub evaluation_satisfied: String,
    pub close: String,
    pub stage_reply: String,
    pub yellow_card: String,
    pub red_card: String,
}

/// A phrase with its `{key}` placeholders replaced.
pub(crate) fn phrase(template: &str, args: &[(&str, &str)]) -> String {
    args.iter().fold(template.to_string(), |s, (k, v)| s.replace(&format!("{{{k}}}"), v))
}

/// A problem template filled in: draws `{n}` and `{m}` (always both, so the draws of a seed do
/// not depend on the template).
pub(crate) fn fill(rng: &mut StdRng, template: &str, year: i32) -> String {
    let n = rng.random_range(2..=9).to_string();
    let m = rng.random_range(10..=60).to_string();
    template
        .replace("{n}", &n)
        .replace("{m}", &m)
        .replace("{py}", &(year - 1).to_string())
        .replace("{y}", &year.to_string())
}
