//! `user list|add|update|passwd`.

use std::process::ExitCode;

use clap::Subcommand;
use taizhang_core::{Command, Role, User};
use taizhang_ledger::password::hash_password;
use taizhang_ledger::LedgerError;

use crate::args::Globals;
use crate::input::{new_id, parse_enum};
use crate::messages::CliError;
use crate::render::{self, print};
use crate::secrets;
use crate::session::Session;

#[derive(Subcommand)]
pub enum UserCmd {
    List,
    Add {
        login: String,
        #[arg(long)]
        name: String,
        #[arg(long)]
        unit: String,
        /// office, township, department or leader.
        #[arg(long)]
        role: String,
    },
    Update {
        login: String,
        #[arg(long)]
        name: Option<String>,
        #[arg(long)]
        unit: Option<String>,
        #[arg(long)]
        role: Option<String>,
        #[arg(long)]
        active: Option<bool>,
    },
    /// Set a user's password, or clear it with --clear. The new password is typed at a prompt
    /// (twice, not shown) or read as a line of standard input (after the acting user's own,
    /// when they have one), or taken from TAIZHANG_NEW_PASSWORD; never from an argument.
    Passwd {
        login: String,
        #[arg(long)]
        clear: bool,
    },
}

/// A user by login; logins are stored normalised (`text::normalize_name`), so one typed
/// otherwise finds its user.
fn find(s: &Session, login: &str) -> Result<User, CliError> {
    let normal = taizhang_core::text::normalize_name(login);
    let users = s.ledger.users()?;
    let found = users.iter().find(|u| u.login == login).or_else(|| users.iter().find(|u| u.login == normal));
    found.cloned().ok_or_else(|| LedgerError::UnknownUser(login.into()).into())
}

pub fn run(g: &Globals, cmd: UserCmd) -> Result<ExitCode, CliError> {
    let mut s = Session::open(g)?;
    match cmd {
        UserCmd::List => {
            let users = s.ledger.users()?;
            let units = s.ledger.units()?;
            let unit_name = |id: &str| units.iter().find(|u| u.id == id).map(|u| u.name.clone()).unwrap_or_default();
            let public: Vec<serde_json::Value> = users
                .iter()
                .map(|u| {
                    serde_json::json!({ "id": u.id, "login": u.login, "name": u.name, "unit_id": u.unit_id,
                        "unit": unit_name(&u.unit_id), "role": u.role, "active": u.active, "has_password": u.password_hash.is_some() })
                })
                .collect();
            print(s.json, &public, || {
                let rows: Vec<Vec<String>> = users
                    .iter()
                    .map(|u| {
                        vec![
                            u.login.clone(),
                            u.name.clone(),
                            unit_name(&u.unit_id),
                            u.role.label_zh().into(),
                            if u.active { "在用" } else { "停用" }.into(),
                            if u.password_hash.is_some() { "已设" } else { "未设" }.into(),
                        ]
                    })
                    .collect();
                render::table(&["登录名", "姓名", "单位", "角色", "状态", "密码"], &rows)
            });
            Ok(ExitCode::SUCCESS)
        }
        UserCmd::Add { login, name, unit, role } => {
            let role = parse_enum("role", &role, Role::parse)?;
            let unit_id = s.unit(&unit)?.id;
            s.exec(Command::CreateUser { user_id: new_id(), login, name, unit_id, role })
        }
        UserCmd::Update { login, name, unit, role, active } => {
            let u = find(&s, &login)?;
            let unit_id = match unit {
                Some(x) => s.unit(&x)?.id,
                None => u.unit_id.clone(),
            };
            let role = match role {
                Some(r) => parse_enum("role", &r, Role::parse)?,
                None => u.role,
            };
            s.exec(Command::UpdateUser {
                user_id: u.id,
                name: name.unwrap_or(u.name),
                unit_id,
                role,
                active: active.unwrap_or(u.active),
            })
        }
        UserCmd::Passwd { login, clear } => {
            let u = find(&s, &login)?;
            // The acting user's own password comes first (the first line of standard input).
            s.actor()?;
            let password_hash = if clear { None } else { Some(hash_password(&secrets::new_password(&u.login)?)?) };
            s.exec(Command::SetPassword { user_id: u.id, password_hash })
        }
    }
}
