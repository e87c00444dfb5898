//! `taizhang sync`: this ledger as a replica of the district server (docs/sync.md).
//!
//! - `taizhang --db FILE sync join URL --as USER [--fingerprint FP]`: registers this desktop
//!   (the user's password from the prompt, stdin or `TAIZHANG_PASSWORD`) and makes FILE a new
//!   replica; the office approves the device, then `taizhang sync` brings the district.
//! - `taizhang sync`: push the outbox, then pull to the end, with a progress bar and a summary.
//! - `taizhang sync status`: server, device state, last sync, pending count, events refused.
//!
//! Self-contained: `main.rs` has one variant and one dispatch arm for it.

use std::path::Path;
use std::process::ExitCode;

use clap::{Args, Subcommand};
use taizhang_core::coded::Coded;
use taizhang_ledger::{Ledger, ReplicaStatus};
use taizhang_sync::{JoinOptions, SyncError, SyncProgress, SyncSummary};

use crate::args::Globals;
use crate::messages::{catalog_label, catalog_text, CliError};
use crate::progress::Progress;
use crate::render::{escape, terminal_safe};

#[derive(Args)]
pub struct SyncArgs {
    #[command(subcommand)]
    cmd: Option<SyncCmd>,
}

#[derive(Subcommand)]
enum SyncCmd {
    /// Register this desktop with a district server and make the ledger file (new, empty) its replica.
    Join {
        /// The server's address: https://HOST:PORT (or http:// to this machine only).
        url: String,
        /// The SHA-256 fingerprint of the server's certificate, as the office hands it out.
        #[arg(long)]
        fingerprint: Option<String>,
        /// A name for this desktop in the office's device list.
        #[arg(long, default_value = "")]
        name: String,
    },
    /// Server, device state, last sync, pending events and the events the server refused.
    Status,
}

/// Runs `taizhang sync …` on the ledger `--db` names. Sync failures are printed here with their
/// code; the password prompt's failures come back as `CliError`.
pub fn run(g: &Globals, args: SyncArgs) -> Result<ExitCode, CliError> {
    let (db, as_user, json) = (&g.db(), g.as_user.as_deref(), g.json);
    let now = crate::input::now()?;
    let result = match args.cmd {
        Some(SyncCmd::Join { url, fingerprint, name }) => {
            let login =
                as_user.ok_or_else(|| CliError::Usage("name the user this desktop joins as with --as USER".into()))?;
            let password = crate::secrets::acting_password(login)?;
            let opts = JoinOptions { url, fingerprint, login: login.to_string(), password, device_name: name };
            taizhang_sync::join(db, &opts, now)
                .and_then(|ledger| Ok(ledger.replica_status()?))
                .map(|s| print_join(&s, json))
        }
        Some(SyncCmd::Status) => Ledger::open(db)
            .map_err(SyncError::from)
            .and_then(|l| taizhang_sync::status(&l))
            .map(|s| print_status(&s, json)),
        None => sync_now(db, now, json),
    };
    match result {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => {
            print_error(&e, json);
            Ok(ExitCode::FAILURE)
        }
    }
}

fn sync_now(db: &Path, now: chrono::DateTime<chrono::Utc>, json: bool) -> Result<(), SyncError> {
    let mut ledger = Ledger::open(db)?;
    let mut bar = Progress::new(json, "同步中", 1);
    bar.phase("连接服务器");
    let summary = taizhang_sync::sync(&mut ledger, now, &mut |p| match p {
        SyncProgress::Pushing { done, total } => bar.update("上传本机事件", done as u64, total as u64),
        SyncProgress::Pulling { position, high_water, .. } => {
            bar.update("下载服务器事件", position.max(0) as u64, high_water.max(position).max(1) as u64)
        }
    });
    drop(bar);
    let summary = summary?;
    print_summary(&summary, json);
    Ok(())
}

fn print_summary(s: &SyncSummary, json: bool) {
    if json {
        println!("{}", serde_json::to_string_pretty(s).expect("serializable"));
        return;
    }
    print!(
        "{}",
        terminal_safe(&format!(
            "同步完成：上传 {}（生效 {}，未生效 {}，被拒绝 {}），收到 {} 条新事件；待上传 {}，服务器位置 {}\n",
            s.pushed,
            s.applied,
            s.no_effect,
            s.refused,
            s.received + s.settled,
            s.pending,
            s.high_water
        ))
    );
    if s.refused + s.no_effect > 0 {
        println!("被拒绝或未生效的事件已在本机撤销，原因见 taizhang sync status");
    }
}

fn print_join(s: &ReplicaStatus, json: bool) {
    if json {
        println!("{}", serde_json::to_string_pretty(s).expect("serializable"));
        return;
    }
    let r = &s.replica;
    print!(
        "{}",
        terminal_safe(&format!(
            "已加入 {}：设备 {}（{}），状态 {}。{}\n",
            escape(&r.server_url),
            escape(&r.device_id),
            escape(&r.login),
            device_state_label(&r.device_state),
            if r.device_state == "pending" {
                "请办公室审核本设备后执行 taizhang sync"
            } else {
                "执行 taizhang sync 取得区里的台账"
            }
        ))
    );
}

/// A device state (`pending`, `approved`, `revoked`) as people read it.
fn device_state_label(state: &str) -> String {
    catalog_label("deviceState", state)
}

/// An event's standing with the server (`applied`, `no_effect`, `refused`…) as people read it.
fn outcome_label(state: &str) -> String {
    catalog_label("eventOutcome", state)
}

fn print_status(s: &ReplicaStatus, json: bool) {
    if json {
        println!("{}", serde_json::to_string_pretty(s).expect("serializable"));
        return;
    }
    let r = &s.replica;
    let mut out = format!(
        "服务器：{}{}\n设备：{}（{}），{}\n上次同步：{}\n服务器位置：{}（已下载到 {}）\n待上传：{} 条\n",
        escape(&r.server_url),
        r.fingerprint.as_deref().map(|f| format!("（证书 {}）", escape(f))).unwrap_or_default(),
        escape(&r.device_id),
        escape(&r.login),
        device_state_label(&r.device_state),
        r.last_sync_at.as_deref().map(escape).unwrap_or_else(|| "从未".into()),
        r.high_water,
        r.cursor_after,
        s.pending,
    );
    if s.not_applied.is_empty() {
        out.push_str("被拒绝的事件：无\n");
    } else {
        out.push_str(&format!("被拒绝或未生效的事件（{} 条，已在本机撤销）：\n", s.not_applied.len()));
        for e in &s.not_applied {
            let code = e.reason.as_ref().and_then(|r| r["code"].as_str()).unwrap_or("");
            let why = e.reason.as_ref().map(|r| localized(code, r)).unwrap_or_default();
            out.push_str(&format!(
                "  #{} {} {} {}：[{}] {}\n",
                e.server_seq,
                escape(&e.occurred_at),
                escape(&e.kind),
                outcome_label(&e.state),
                escape(code),
                escape(&why)
            ));
        }
    }
    print!("{}", terminal_safe(&out));
}

/// The catalogue's message for `code` with `fields` filled in.
fn localized(code: &str, fields: &serde_json::Value) -> String {
    let Some(mut text) = catalog_text("errors", code) else {
        return fields["message"].as_str().unwrap_or(code).to_string();
    };
    if let Some(m) = fields.as_object() {
        for (k, v) in m {
            let value = v.as_str().map(str::to_string).unwrap_or_else(|| v.to_string());
            text = text.replace(&format!("{{{k}}}"), &escape(&value));
        }
    }
    text
}

pub(crate) fn print_error(e: &SyncError, json: bool) {
    let v = e.to_json();
    if json {
        eprintln!("{v}");
    } else {
        eprintln!("{}", terminal_safe(&format!("错误 [{}]：{}", e.code(), localized(e.code(), &v))));
    }
}
