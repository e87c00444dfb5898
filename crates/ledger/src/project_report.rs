//! 重点项目进度月报 as a whole (docs/monitoring.md, "Key projects"): the key projects' rows of a
//! month and their 合计. The sums are made here, once, so the workbook
//! (`taizhang-exchange`) and the page the window prints show the same 合计: a layout only lays
//! out what it is given.

use serde::Serialize;
use taizhang_core::monitoring::projects::{completion_rate, points_ahead, time_progress};
use taizhang_core::monitoring::{Amount, Month};

use crate::error::Result;
use crate::{Ledger, ProjectRow};

/// The 合计 line of the project progress report.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ProjectTotals {
    pub projects: u32,
    /// 总投资 of every project listed.
    pub total_investment: Amount,
    /// 年度计划投资 of the projects whose plan is for the month's year (another year's plan is
    /// not this year's, and its row shows none).
    pub annual_plan: Amount,
    /// 本月完成投资 of the projects that reported this month (a 未报 row adds nothing).
    pub invested: Amount,
    /// 年度累计完成投资 of the projects whose cumulative is known.
    pub year_to_date: Amount,
    /// 年度累计 ÷ 年度计划 over the projects that have a 完成率 (both figures known, a plan of
    /// this year above zero): a project without one would pull the rate down unseen.
    pub completion_rate: Option<f64>,
    pub time_progress: f64,
    /// 完成率 − 序时进度, in percentage points.
    pub points_ahead: Option<f64>,
}

impl ProjectTotals {
    pub fn of(rows: &[ProjectRow], month: Month) -> ProjectTotals {
        let (mut total, mut plan, mut invested, mut ytd) = (Amount::ZERO, Amount::ZERO, Amount::ZERO, Amount::ZERO);
        let (mut rated_ytd, mut rated_plan) = (Amount::ZERO, Amount::ZERO);
        for p in rows {
            total = total + p.project.total_investment;
            if p.project.plan_year == month.year {
                plan = plan + p.project.annual_plan;
            }
            if let Some(g) = &p.progress {
                invested = invested + g.invested;
            }
            if let Some(y) = p.year_to_date {
                ytd = ytd + y;
                if p.completion_rate.is_some() {
                    rated_ytd = rated_ytd + y;
                    rated_plan = rated_plan + p.project.annual_plan;
                }
            }
        }
        let rate = completion_rate(rated_ytd, rated_plan);
        ProjectTotals {
            projects: rows.len() as u32,
            total_investment: total,
            annual_plan: plan,
            invested,
            year_to_date: ytd,
            completion_rate: rate,
            time_progress: time_progress(month),
            points_ahead: rate.map(|x| points_ahead(x, month)),
        }
    }
}

/// The key projects of a month with their 合计.
#[derive(Debug, Clone, PartialEq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct ProjectReport {
    pub month: Month,
    pub rows: Vec<ProjectRow>,
    pub totals: ProjectTotals,
}

impl Ledger {
    /// 重点项目进度月报 of `month` for `township_id` (or the district): `projects` and their 合计.
    pub fn project_report(&self, township_id: Option<&str>, month: Month) -> Result<ProjectReport> {
        let rows = self.projects(township_id, month)?;
        let totals = ProjectTotals::of(&rows, month);
        Ok(ProjectReport { month, rows, totals })
    }
}

#[cfg(test)]
mod tests {
    use taizhang_core::monitoring::projects::time_progress;
    use taizhang_core::monitoring::{Amount, Month, Project, ProjectNature, ProjectProgress, ProjectStage};

    use super::ProjectTotals;
    use crate::ProjectRow;

    fn row(month: Month, plan_year: i32, total: i64, plan: i64, invested: Option<i64>, ytd: Option<i64>) -> ProjectRow {
        let project = Project {
            id: format!("p{total}"),
            name: format!("项目{total}"),
            builder: String::new(),
            nature: ProjectNature::New,
            township_id: "t1".into(),
            total_investment: Amount(total),
            plan_year,
            annual_plan: Amount(plan),
            planned_start: None,
            planned_finish: None,
            actual_start: None,
            actual_finish: None,
            stage: ProjectStage::Structure,
            paired_leader: String::new(),
            responsible_unit_id: None,
            service_unit_id: None,
            handler: String::new(),
            content: String::new(),
        };
        let progress = invested.map(|v| ProjectProgress {
            project_id: project.id.clone(),
            month,
            invested: Amount(v),
            year_to_date: None,
            stage: None,
            image_progress: "主体施工".into(),
            difficulties: String::new(),
            next_steps: String::new(),
            late: false,
        });
        let rate = if plan_year == month.year {
            ytd.and_then(|y| taizhang_core::monitoring::projects::completion_rate(Amount(y), Amount(plan)))
        } else {
            None
        };
        ProjectRow {
            project,
            township_name: "城关街道".into(),
            responsible_unit_name: String::new(),
            service_unit_name: String::new(),
            month,
            progress,
            year_to_date: ytd.map(Amount),
            completion_rate: rate,
            time_progress: time_progress(month),
            points_ahead: None,
            pace: None,
            open_warnings: 0,
            problems: Vec::new(),
        }
    }

    #[test]
    fn the_totals_sum_what_the_rows_show_and_rate_only_the_rated() {
        // August: 序时进度 8 ÷ 12 = 66.67 %. Amounts in hundredths of 万元.
        let aug = Month::new(2026, 8).unwrap();
        let rows = vec![
            // Planned 1,000, 740 done this year (80 this month): 74 %.
            row(aug, 2026, 500_000, 100_000, Some(8_000), Some(74_000)),
            // Not in this month (未报), its cumulative unknown: 总投资 and 计划 only.
            row(aug, 2026, 300_000, 50_000, None, None),
            // Last year's plan: 总投资, this month and cumulative count; the plan and rate do not.
            row(aug, 2025, 200_000, 90_000, Some(1_000), Some(30_000)),
        ];
        let t = ProjectTotals::of(&rows, aug);
        assert_eq!(t.projects, 3);
        assert_eq!(t.total_investment, Amount(1_000_000));
        assert_eq!(t.annual_plan, Amount(150_000));
        assert_eq!(t.invested, Amount(9_000));
        assert_eq!(t.year_to_date, Amount(104_000));
        // Over the one rated project: 740 of 1,000 — not 1,040 of 1,500.
        assert_eq!(t.completion_rate, Some(74.0));
        assert_eq!(t.time_progress, 66.67);
        assert_eq!(t.points_ahead, Some(7.33));
    }

    #[test]
    fn no_project_no_rate() {
        let m = Month::new(2026, 3).unwrap();
        let t = ProjectTotals::of(&[], m);
        assert_eq!((t.projects, t.year_to_date, t.completion_rate, t.points_ahead), (0, Amount::ZERO, None, None));
        assert_eq!(t.time_progress, 25.0);
    }
}
