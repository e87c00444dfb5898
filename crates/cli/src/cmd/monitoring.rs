//! `indicator report|show|series` and `product report|show`: the monthly indicators and the
//! 旬报 of key enterprises (docs/monitoring.md). What is shown is the ledger's
//! (`monthly_report`, `production_summary`); the figures are the core's.

use std::process::ExitCode;

use clap::Subcommand;
use taizhang_core::monitoring::{
    Amount, IndicatorDef, IndicatorEntry, IndicatorReport, Month, ProductLine, ProductionReport, Xun,
};
use taizhang_core::{local_date, Command, DomainError, Enterprise};
use taizhang_ledger::visit_scope;

use crate::args::Globals;
use crate::input::{now, parse_enum};
use crate::messages::CliError;
use crate::render::{self, print};
use crate::session::Session;

#[derive(Subcommand)]
pub enum IndicatorCmd {
    /// Record a key enterprise's monthly indicators (again: a correction). Values are KEY=VALUE
    /// with the indicator's key or name: --value 工业总产值=1234.5 --value electricity=56.
    Report {
        #[arg(long)]
        enterprise: String,
        /// 2026-03
        #[arg(long)]
        month: String,
        #[arg(long = "value", value_name = "KEY=VALUE", required = true)]
        values: Vec<String>,
        /// 1—本月累计, KEY=VALUE.
        #[arg(long = "cumulative", value_name = "KEY=VALUE")]
        cumulatives: Vec<String>,
        /// The same month last year (上年同期), KEY=VALUE, for 同比 when last year's report is not in.
        #[arg(long = "last-year", value_name = "KEY=VALUE")]
        last_years: Vec<String>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// The monthly report of a month: each key enterprise's 本月, 累计 and 同比, each township's
    /// and the district's totals, and who did not report. A township official sees their own.
    Show {
        /// Default: last month.
        #[arg(long)]
        month: Option<String>,
        #[arg(long)]
        township: Option<String>,
    },
    /// One enterprise's indicator month by month beside last year's.
    Series {
        #[arg(long)]
        enterprise: String,
        #[arg(long, default_value = "gross_output")]
        indicator: String,
        /// The last month (default: last month).
        #[arg(long)]
        to: Option<String>,
        #[arg(long, default_value_t = 24)]
        months: u32,
    },
}

#[derive(Subcommand)]
pub enum ProductCmd {
    /// Record a key enterprise's 旬报: one --line per main product,
    /// "名称,单位,产量,国内销量,出口销量[,旬末库存]".
    Report {
        #[arg(long)]
        enterprise: String,
        #[arg(long)]
        month: String,
        /// 上旬 / 中旬 / 下旬 (or first, second, third).
        #[arg(long)]
        xun: String,
        #[arg(long = "line", value_name = "LINE", required = true)]
        lines: Vec<String>,
        #[arg(long, default_value = "")]
        note: String,
    },
    /// The 旬报 summary of one 旬: each product's 产量, 销量, 产销率 and the year's cumulative,
    /// and who did not report.
    Show {
        #[arg(long)]
        month: String,
        #[arg(long)]
        xun: String,
        #[arg(long)]
        township: Option<String>,
    },
}

fn enterprise(s: &Session, key: &str) -> Result<Enterprise, CliError> {
    Ok(s.ledger.find_enterprise(key)?.ok_or_else(|| DomainError::not_found("enterprise", key))?)
}

/// The township a list shows: --township, else the acting township official's own, else all.
pub(crate) fn scope(s: &Session, township: &Option<String>) -> Result<Option<String>, CliError> {
    if let Some(t) = township {
        return Ok(Some(s.unit(t)?.id));
    }
    match &s.as_user {
        Some(_) => Ok(visit_scope(&s.actor()?).map(str::to_string)),
        None => Ok(None),
    }
}

pub(crate) fn month_or_last(m: &Option<String>) -> Result<Month, CliError> {
    match m {
        Some(m) => Ok(Month::parse(m)?),
        None => Ok(Month::of(local_date(now()?)).previous()),
    }
}

/// `KEY=VALUE` pairs read against the district's list (key or name).
fn pairs<'d>(defs: &'d [IndicatorDef], items: &[String]) -> Result<Vec<(&'d IndicatorDef, Amount)>, CliError> {
    items
        .iter()
        .map(|item| {
            let (k, v) = item
                .split_once(['=', '＝'])
                .ok_or_else(|| DomainError::invalid("value", &format!("write KEY=VALUE, not {item:?}")))?;
            let def = defs
                .iter()
                .find(|d| d.key == k.trim() || d.name == k.trim())
                .ok_or_else(|| DomainError::UnknownIndicator { indicator: k.trim().to_string() })?;
            Ok((def, Amount::parse(&def.name, v)?))
        })
        .collect()
}

fn pct(x: Option<f64>) -> String {
    x.map_or("—".into(), |v| format!("{v:.2}%"))
}

fn amount(x: Option<Amount>) -> String {
    x.map_or("—".into(), |v| v.to_string())
}

pub fn run_indicator(g: &Globals, cmd: IndicatorCmd) -> Result<ExitCode, CliError> {
    let mut s = Session::open(g)?;
    match cmd {
        IndicatorCmd::Report { enterprise: key, month, values, cumulatives, last_years, note } => {
            let e = enterprise(&s, &key)?;
            let defs = s.ledger.settings()?.monitoring.indicators;
            let mut entries: Vec<IndicatorEntry> = pairs(&defs, &values)?
                .into_iter()
                .map(|(d, v)| IndicatorEntry { key: d.key.clone(), value: v, cumulative: None, last_year: None })
                .collect();
            for (list, cumulative) in [(&cumulatives, true), (&last_years, false)] {
                for (d, v) in pairs(&defs, list)? {
                    let entry = entries.iter_mut().find(|x| x.key == d.key).ok_or_else(|| {
                        DomainError::invalid("value", &format!("{} has no --value this month", d.name))
                    })?;
                    if cumulative {
                        entry.cumulative = Some(v);
                    } else {
                        entry.last_year = Some(v);
                    }
                }
            }
            let report =
                IndicatorReport { enterprise_id: e.id, month: Month::parse(&month)?, entries, note, late: false };
            s.exec(Command::ReportIndicators { report })
        }
        IndicatorCmd::Show { month, township } => {
            let scope = scope(&s, &township)?;
            let r = s.ledger.monthly_report(month_or_last(&month)?, scope.as_deref(), now()?)?;
            print(s.json, &r, || {
                let mut headers = vec!["企业".to_string(), "镇街".to_string()];
                for d in &r.indicators {
                    headers.push(format!("{}({}) 本月", d.name, d.unit));
                    headers.push("累计".into());
                    headers.push("同比".into());
                }
                headers.push("产品销售率".into());
                let cells = |f: &[taizhang_core::monitoring::monthly::IndicatorFigures]| {
                    f.iter().flat_map(|x| [amount(x.value), amount(x.cumulative), pct(x.yoy)]).collect::<Vec<_>>()
                };
                let mut rows: Vec<Vec<String>> = r
                    .rows
                    .iter()
                    .map(|row| {
                        let mut v = vec![row.enterprise.name.clone(), row.enterprise.township_name.clone()];
                        if row.reported {
                            v.extend(cells(&row.figures));
                            v.push(pct(row.sales_rate));
                        } else {
                            v.extend(std::iter::repeat_n("未报".to_string(), r.indicators.len() * 3 + 1));
                        }
                        v
                    })
                    .collect();
                for t in &r.totals {
                    let mut v = vec![format!("{} 合计", t.name), format!("{}/{} 家已报", t.reported, t.enterprises)];
                    v.extend(cells(&t.figures));
                    v.push(pct(t.sales_rate));
                    rows.push(v);
                }
                let headers: Vec<&str> = headers.iter().map(String::as_str).collect();
                let due = r.due.map_or("（本月免报）".to_string(), |d| format!("应于 {d} 前报送"));
                let mut out =
                    format!("{} 重点企业主要经济指标月报，{due}{}\n", r.month, if r.locked { "，已锁定" } else { "" });
                out.push_str(&render::table(&headers, &rows));
                for t in r.totals.iter().filter(|t| !t.not_reported.is_empty()) {
                    out.push_str(&format!("{} 未报：{}\n", t.name, t.not_reported.join("、")));
                }
                out
            });
            Ok(ExitCode::SUCCESS)
        }
        IndicatorCmd::Series { enterprise: key, indicator, to, months } => {
            let e = enterprise(&s, &key)?;
            let defs = s.ledger.settings()?.monitoring.indicators;
            let def = defs
                .iter()
                .find(|d| d.key == indicator || d.name == indicator)
                .ok_or_else(|| DomainError::UnknownIndicator { indicator: indicator.clone() })?;
            let township = scope(&s, &None)?;
            let points =
                s.ledger.indicator_series(&e.id, &def.key, month_or_last(&to)?, months, township.as_deref())?;
            print(s.json, &points, || {
                let rows: Vec<Vec<String>> = points
                    .iter()
                    .map(|p| vec![p.month.to_string(), amount(p.value), amount(p.last_year), pct(p.yoy)])
                    .collect();
                format!(
                    "{} {}（{}）\n{}",
                    e.name,
                    def.name,
                    def.unit,
                    render::table(&["月份", "本月", "上年同期", "同比"], &rows)
                )
            });
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn xun(text: &str) -> Result<Xun, CliError> {
    parse_enum("xun", text, Xun::parse)
}

/// "名称,单位,产量,国内销量,出口销量[,旬末库存]" (commas ASCII or full-width).
fn line(text: &str) -> Result<ProductLine, CliError> {
    let parts: Vec<&str> = text.split([',', '，']).map(str::trim).collect();
    if !(5..=6).contains(&parts.len()) {
        return Err(DomainError::invalid(
            "line",
            &format!("名称,单位,产量,国内销量,出口销量[,旬末库存], not {text:?}"),
        )
        .into());
    }
    let amount = |field: &str, v: &str| Amount::parse(field, v);
    Ok(ProductLine {
        product: parts[0].to_string(),
        unit: parts[1].to_string(),
        output: amount("产量", parts[2])?,
        sales_domestic: amount("国内销量", parts[3])?,
        sales_export: amount("出口销量", parts[4])?,
        stock: parts.get(5).map(|v| amount("旬末库存", v)).transpose()?,
    })
}

pub fn run_product(g: &Globals, cmd: ProductCmd) -> Result<ExitCode, CliError> {
    let mut s = Session::open(g)?;
    match cmd {
        ProductCmd::Report { enterprise: key, month, xun: x, lines, note } => {
            let e = enterprise(&s, &key)?;
            let lines = lines.iter().map(|l| line(l)).collect::<Result<Vec<_>, _>>()?;
            let report = ProductionReport {
                enterprise_id: e.id,
                month: Month::parse(&month)?,
                xun: xun(&x)?,
                lines,
                note,
                late: false,
            };
            s.exec(Command::ReportProduction { report })
        }
        ProductCmd::Show { month, xun: x, township } => {
            let scope = scope(&s, &township)?;
            let r = s.ledger.production_summary(Month::parse(&month)?, xun(&x)?, scope.as_deref())?;
            print(s.json, &r, || {
                let rows: Vec<Vec<String>> = r
                    .rows
                    .iter()
                    .map(|row| {
                        vec![
                            row.enterprise.name.clone(),
                            row.line.product.clone(),
                            row.line.unit.clone(),
                            row.line.output.to_string(),
                            row.line.sales().to_string(),
                            pct(row.rate),
                            amount(row.line.stock),
                            row.cumulative_output.to_string(),
                            row.cumulative_sales.to_string(),
                            pct(row.cumulative_rate),
                        ]
                    })
                    .collect();
                let headers = [
                    "企业",
                    "产品",
                    "单位",
                    "产量",
                    "销量",
                    "产销率",
                    "旬末库存",
                    "累计产量",
                    "累计销量",
                    "累计产销率",
                ];
                let mut out = format!("{} {} 主要产品产销旬报（应于 {} 前报送）\n", r.month, r.xun.label_zh(), r.due);
                out.push_str(&render::table(&headers, &rows));
                if !r.not_reported.is_empty() {
                    let names: Vec<&str> = r.not_reported.iter().map(|e| e.name.as_str()).collect();
                    out.push_str(&format!("未报：{}\n", names.join("、")));
                }
                out
            });
            Ok(ExitCode::SUCCESS)
        }
    }
}
