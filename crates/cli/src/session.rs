//! An open ledger and who acts on it: what every subcommand that reads or writes the ledger
//! works through. Writes go through `Ledger::execute` and record the acting user (`--as`).

use std::cell::OnceCell;
use std::process::ExitCode;

use taizhang_core::workflow::{capabilities, Capabilities};
use taizhang_core::{Actor, Command, DomainError, Unit};
use taizhang_ledger::Ledger;

use crate::args::Globals;
use crate::input::now;
use crate::messages::CliError;
use crate::{render, secrets};

pub struct Session {
    pub ledger: Ledger,
    pub json: bool,
    pub as_user: Option<String>,
    /// The acting user's password, once asked for (`secrets`).
    password: OnceCell<String>,
}

impl Session {
    /// The ledger named by `--db`, opened (it must exist).
    pub fn open(globals: &Globals) -> Result<Session, CliError> {
        Ok(Session::over(Ledger::open(&globals.db())?, globals))
    }

    /// A session over a ledger opened otherwise.
    pub fn over(ledger: Ledger, globals: &Globals) -> Session {
        Session { ledger, json: globals.json, as_user: globals.as_user.clone(), password: OnceCell::new() }
    }

    /// The acting user's login, checked against their password if they have one. The password
    /// is asked for only then (`secrets::acting_password`), and once.
    pub fn actor(&self) -> Result<Actor, CliError> {
        let login = self
            .as_user
            .as_deref()
            .ok_or_else(|| CliError::Usage("name the acting user with --as USER (or TAIZHANG_AS)".into()))?;
        if self.ledger.actor(login)?.user.password_hash.is_none() {
            return Ok(self.ledger.sign_in(login, None)?);
        }
        let password = match self.password.get() {
            Some(p) => p,
            None => {
                let p = secrets::acting_password(login)?;
                self.password.get_or_init(|| p)
            }
        };
        Ok(self.ledger.sign_in(login, Some(password))?)
    }

    /// The acting user, refused when their role lacks a capability. The core's
    /// `capabilities` says who has what (as in the desktop app); the CLI only asks.
    pub fn require(
        &self,
        what: &str,
        has: fn(&Capabilities) -> bool,
        reason: taizhang_core::ForbiddenReason,
    ) -> Result<Actor, CliError> {
        let actor = self.actor()?;
        if !has(&capabilities(actor.user.role)) {
            return Err(DomainError::forbidden(&actor.user.login, what, reason).into());
        }
        Ok(actor)
    }

    /// A unit by name, short name or id.
    pub fn unit(&self, key: &str) -> Result<Unit, CliError> {
        self.ledger.find_unit(key)?.ok_or_else(|| DomainError::not_found("unit", key).into())
    }

    /// A problem's id from its number or id.
    pub fn problem_id(&self, key: &str) -> Result<String, CliError> {
        Ok(self.ledger.problem(key)?.id)
    }

    /// Executes a command as the acting user and says what was recorded.
    pub fn exec(&mut self, cmd: Command) -> Result<ExitCode, CliError> {
        self.exec_attached(cmd, &[])
    }

    /// `exec` with files attached (`--attach`), stored with the event that names them.
    pub fn exec_attached(
        &mut self,
        cmd: Command,
        files: &[taizhang_core::attachment::Blob],
    ) -> Result<ExitCode, CliError> {
        let actor = self.actor()?;
        let events = self.ledger.execute_attached(&actor.user.id, &cmd, files, now()?)?;
        let subject = cmd.problem_id().and_then(|id| self.ledger.problem(id).ok()).map(|p| p.number);
        let kinds: Vec<&str> = events.iter().map(|e| e.kind.as_str()).collect();
        render::print(self.json, &serde_json::json!({ "ok": true, "problem": subject, "events": events }), || {
            format!(
                "已记录：{}{}（操作人 {}，事件 #{}）\n",
                render::escape(&kinds.join("、")),
                subject.as_deref().map(|n| format!(" {}", render::escape(n))).unwrap_or_default(),
                render::escape(&actor.user.login),
                events.last().map(|e| e.seq).unwrap_or_default()
            )
        });
        Ok(ExitCode::SUCCESS)
    }
}
