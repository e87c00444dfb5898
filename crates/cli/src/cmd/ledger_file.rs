//! The ledger file itself: `init`, `verify`, `backup`, `restore`, `rebuild`.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Args;
use taizhang_ledger::{Ledger, LedgerError, OutputTarget};

use crate::args::Globals;
use crate::input::now;
use crate::messages::CliError;
use crate::progress::Progress;
use crate::render::{self, print};
use crate::session::Session;

#[derive(Args)]
pub struct VerifyArgs {
    /// Also replay every event through the core's rules from the state the events before it
    /// made, and name the first event the rules would not have produced.
    #[arg(long)]
    full: bool,
}

#[derive(Args)]
pub struct BackupArgs {
    out: PathBuf,
    /// Replace OUT if it exists (never a ledger or backup, whatever this says).
    #[arg(long)]
    force: bool,
}

#[derive(Args)]
pub struct RestoreArgs {
    from: PathBuf,
    /// Restore even a backup of another ledger (another genesis) or one older than the
    /// ledger (its newer events leave the ledger; the replaced file is kept).
    #[arg(long, visible_alias = "yes")]
    force: bool,
}

pub fn init(g: &Globals) -> Result<ExitCode, CliError> {
    let db = g.db();
    if let Some(dir) = db.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let ledger = Ledger::create(&db, now()?)?;
    print(g.json, &serde_json::json!({ "ok": true, "path": db, "device_id": ledger.device_id() }), || {
        format!("已新建台账：{}\n办公室用户 admin 已创建（尚未设置密码）。\n", db.display())
    });
    Ok(ExitCode::SUCCESS)
}

pub fn verify(g: &Globals, a: VerifyArgs) -> Result<ExitCode, CliError> {
    let s = Session::open(g)?;
    let json = s.json;
    let ok = if a.full {
        let mut bar = Progress::new(json, "校验中", 100_000);
        let report = s.ledger.verify_full_with_progress(&mut |stage, done, total| {
            let label = if stage == "chain" { "校验哈希链" } else { "按规则重放事件" };
            bar.update(label, done as u64, total as u64)
        })?;
        drop(bar);
        print(json, &report, || render::full_verify(&report));
        report.ok
    } else {
        let mut bar = Progress::new(json, "校验中", 100_000);
        bar.phase("校验哈希链");
        let report =
            s.ledger.verify_with_progress(&mut |done, total| bar.update("校验哈希链", done as u64, total as u64))?;
        drop(bar);
        print(json, &report, || match &report.first_break {
            None => format!(
                "链完整：{} 个事件，{} 条设备链。\n{}{}",
                report.events,
                report.chains.len(),
                report
                    .chains
                    .iter()
                    .map(|c| format!("  设备 {}：{} 个事件，链头 {}\n", c.device_id, c.events, c.head_hash))
                    .collect::<String>(),
                render::attachment_faults(&report.attachments)
            ),
            Some(b) => format!(
                "链已断开！第一个断点：事件 #{}（{}），设备 {} 序号 {}：{}\n",
                b.seq, b.event_id, b.device_id, b.device_seq, b.reason
            ),
        });
        report.ok
    };
    Ok(if ok { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

pub fn backup(g: &Globals, a: BackupArgs) -> Result<ExitCode, CliError> {
    let s = Session::open(g)?;
    s.require("backup", |c| c.administer, taizhang_core::ForbiddenReason::BackupsOffice)?;
    let info = s.ledger.backup_to(OutputTarget { path: &a.out, overwrite: a.force })?;
    print(s.json, &info, || {
        format!("已备份到 {}（{} 个事件，{} 字节，链校验通过）\n", info.path, info.events, info.bytes)
    });
    Ok(ExitCode::SUCCESS)
}

pub fn restore(g: &Globals, a: RestoreArgs) -> Result<ExitCode, CliError> {
    let db = g.db();
    // Who may restore is asked of the ledger being replaced; of the backup only when that
    // ledger is missing or cannot be opened (a damaged ledger is why one restores). Closed
    // again before the restore, which needs the file to itself.
    {
        let ledger = match Ledger::open(&db) {
            Ok(l) => l,
            Err(LedgerError::Busy) => return Err(LedgerError::Busy.into()),
            Err(_) => Ledger::open_immutable(&a.from)?,
        };
        Session::over(ledger, g).require("restore", |c| c.administer, taizhang_core::ForbiddenReason::BackupsOffice)?;
    }
    let report = taizhang_ledger::backup::restore(&a.from, &db, now()?, a.force)?;
    print(g.json, &report, || {
        format!(
            "已从 {} 恢复台账（{} 个事件，链校验通过）。{}\n",
            report.restored_from,
            report.events,
            report.kept_as.as_deref().map(|k| format!("原台账已保留为 {k}。")).unwrap_or_default()
        )
    });
    Ok(ExitCode::SUCCESS)
}

pub fn rebuild(g: &Globals) -> Result<ExitCode, CliError> {
    let mut s = Session::open(g)?;
    s.require("rebuild", |c| c.audit, taizhang_core::ForbiddenReason::AuditOfficeAndLeaders)?;
    // Digest the tables as they are, fold every event again, then digest and compare.
    let mut bar = Progress::new(s.json, "重建中", 100_000);
    bar.phase("读取现有投影表");
    let report = s.ledger.rebuild_with_progress(&mut |done, total| {
        bar.update("重建投影表", done as u64, total as u64);
        if done >= total {
            bar.phase("比对重建结果");
        }
    })?;
    drop(bar);
    print(s.json, &report, || {
        if report.equal {
            format!("已由 {} 个事件重建投影表：与原有内容完全一致。\n", report.events)
        } else {
            format!(
                "已由 {} 个事件重建投影表：以下表与原有内容不同：{}\n",
                report.events,
                report.differing_tables.join("、")
            )
        }
    });
    Ok(ExitCode::SUCCESS)
}
