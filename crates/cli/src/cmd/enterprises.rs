//! `enterprise list|add|unvisited`, and the enterprise a registration creates in the same step.

use std::process::ExitCode;

use clap::Subcommand;
use taizhang_core::credit_code::{check_credit_code, CreditCodeCheck};
use taizhang_core::{Command, Enterprise, KeyLevel, Scale};

use crate::args::Globals;
use crate::input::{new_id, parse_enum};
use crate::messages::CliError;
use crate::render::{self, print};
use crate::session::Session;

#[allow(clippy::large_enum_variant)] // parsed once per run
#[derive(Subcommand)]
pub enum EnterpriseCmd {
    List,
    /// Key enterprises not visited within the district's frequency (30 days for 区级重点, 60 for
    /// 镇级重点 by default; settings `key_visits`), the longest unvisited first. A township
    /// official (--as) sees their own township's; --township names one; else all.
    Unvisited {
        #[arg(long)]
        township: Option<String>,
    },
    Add {
        name: String,
        #[arg(long)]
        credit_code: Option<String>,
        #[arg(long)]
        township: Option<String>,
        #[arg(long, default_value = "")]
        industry: String,
        #[arg(long, default_value = "规下")]
        scale: String,
        #[arg(long, value_enum, default_value = "general")]
        key_level: KeyLevel,
        #[arg(long, default_value = "")]
        contact: String,
        #[arg(long, default_value = "")]
        phone: String,
        #[arg(long, default_value = "")]
        address: String,
        /// 包联干部: the cadre paired with it.
        #[arg(long, default_value = "")]
        steward: String,
        /// 包联领导: the leader paired with it.
        #[arg(long, default_value = "")]
        paired_leader: String,
    },
}

pub fn run(g: &Globals, cmd: EnterpriseCmd) -> Result<ExitCode, CliError> {
    let mut s = Session::open(g)?;
    match cmd {
        EnterpriseCmd::List => {
            let list = s.ledger.enterprises()?;
            let units = s.ledger.units()?;
            print(s.json, &list, || {
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|e| {
                        vec![
                            e.name.clone(),
                            e.credit_code.clone().unwrap_or_default(),
                            units.iter().find(|u| u.id == e.township_id).map(|u| u.name.clone()).unwrap_or_default(),
                            e.key_level.label_zh().into(),
                            e.scale.label_zh().into(),
                        ]
                    })
                    .collect();
                render::table(&["企业名称", "统一社会信用代码", "镇街", "重点级别", "规模"], &rows)
            });
            Ok(ExitCode::SUCCESS)
        }
        EnterpriseCmd::Unvisited { township } => {
            let now = crate::input::now()?;
            let list = match township {
                Some(t) => s.ledger.unvisited_key_enterprises(Some(&s.unit(&t)?.id), now)?,
                None if s.as_user.is_some() => {
                    let actor = s.actor()?;
                    s.ledger.unvisited_key_enterprises(taizhang_ledger::visit_scope(&actor), now)?
                }
                None => s.ledger.unvisited_key_enterprises(None, now)?,
            };
            print(s.json, &list, || {
                if list.is_empty() {
                    return "没有超期未走访的重点企业\n".to_string();
                }
                let rows: Vec<Vec<String>> = list
                    .iter()
                    .map(|u| {
                        vec![
                            u.name.clone(),
                            u.township_name.clone(),
                            u.key_level.label_zh().into(),
                            u.paired_leader.clone(),
                            u.steward.clone(),
                            u.last_visit.map(|d| d.to_string()).unwrap_or_else(|| "从未走访".into()),
                            format!("{} 天（应每 {} 天）", u.overdue.days_since, u.overdue.limit_days),
                        ]
                    })
                    .collect();
                render::table(&["企业名称", "镇街", "重点级别", "包联领导", "包联干部", "上次走访", "未走访"], &rows)
            });
            Ok(ExitCode::SUCCESS)
        }
        EnterpriseCmd::Add {
            name,
            credit_code,
            township,
            industry,
            scale,
            key_level,
            contact,
            phone,
            address,
            steward,
            paired_leader,
        } => {
            let township_id = match township {
                Some(t) => s.unit(&t)?.id,
                None => s.actor()?.unit.id,
            };
            if let Some(code) = credit_code.as_deref() {
                warn_credit_code(code);
            }
            let mut e = new_enterprise_of(&name, credit_code, township_id, key_level);
            e.industry = industry;
            e.scale = parse_enum("scale", &scale, Scale::parse)?;
            e.contact = contact;
            e.phone = phone;
            e.address = address;
            e.steward = steward;
            e.paired_leader = paired_leader;
            s.exec(Command::CreateEnterprise { enterprise: e })
        }
    }
}

/// A new enterprise with only what registering it needs; the rest blank.
pub fn new_enterprise_of(
    name: &str,
    credit_code: Option<String>,
    township_id: String,
    key_level: KeyLevel,
) -> Enterprise {
    Enterprise {
        id: new_id(),
        name: name.to_string(),
        credit_code,
        township_id,
        industry: String::new(),
        scale: Scale::Below,
        key_level,
        address: String::new(),
        contact: String::new(),
        phone: String::new(),
        steward: String::new(),
        paired_leader: String::new(),
    }
}

/// A bad check character is worth a word, never a refusal.
pub fn warn_credit_code(code: &str) {
    if let CreditCodeCheck::BadCheckChar { expected, found } = check_credit_code(code) {
        eprintln!(
            "提示：统一社会信用代码 {code} 校验码不符（末位应为 {expected}，实为 {found}），已照常登记，请核对。"
        );
    }
}
