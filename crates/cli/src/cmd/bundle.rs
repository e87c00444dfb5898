//! `taizhang bundle`: the sync carried as files, for a desk whose network never meets the
//! district server's (docs/bundles.md).
//!
//! - `taizhang --db FILE bundle export OUT.tzb [--force]`: this replica's pending events, signed,
//!   for the server's `taizhang-server bundle import`. The ledger is not changed.
//! - `taizhang --db FILE bundle import REPLY.tzb`: the server's reply: outcomes, device state and
//!   everything the unit may see since the export, recorded as a sync would.

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Subcommand;
use taizhang_ledger::Ledger;
use taizhang_sync::bundle::{BundleExport, BundleImport};
use taizhang_sync::SyncError;

use crate::args::Globals;
use crate::cmd::sync::print_error;
use crate::messages::CliError;
use crate::render::{escape, print};

#[derive(Subcommand)]
pub enum BundleCmd {
    /// Write this replica's pending events, signed by the device, to OUT for the server.
    Export {
        out: PathBuf,
        /// Replace OUT if it exists (never the ledger, a backup, a device or a folder).
        #[arg(long)]
        force: bool,
    },
    /// Apply the server's reply bundle: outcomes, device state and what the unit may see.
    Import { file: PathBuf },
}

pub fn run(g: &Globals, cmd: BundleCmd) -> Result<ExitCode, CliError> {
    let (db, json) = (g.db(), g.json);
    let now = crate::input::now()?;
    let result = match cmd {
        BundleCmd::Export { out, force } => Ledger::open(&db)
            .map_err(SyncError::from)
            .and_then(|l| taizhang_sync::bundle::export(&l, &out, force, now))
            .map(|s| print_export(&s, json)),
        BundleCmd::Import { file } => Ledger::open(&db)
            .map_err(SyncError::from)
            .and_then(|mut l| taizhang_sync::bundle::import(&mut l, &file, now))
            .map(|s| print_import(&s, json)),
    };
    match result {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e) => {
            print_error(&e, json);
            Ok(ExitCode::FAILURE)
        }
    }
}

fn print_export(s: &BundleExport, json: bool) {
    print(json, s, || {
        format!(
            "已导出数据包 {}：本机待上传事件 {} 条。请交办公室在区级服务器上导入（taizhang-server bundle import），再把回执导入本机（taizhang bundle import）\n",
            escape(&s.path),
            s.events
        )
    });
}

fn print_import(s: &BundleImport, json: bool) {
    print(json, s, || import_text(s));
}

fn import_text(s: &BundleImport) -> String {
    let mut out = format!(
        "已导入回执：上传的事件生效 {}，未生效 {}，被拒绝 {}；收到 {} 条新事件；待上传 {}\n",
        s.applied,
        s.no_effect,
        s.refused,
        s.received + s.settled,
        s.pending
    );
    if s.pages_known > 0 {
        out.push_str(&format!("其中 {} 页本机已有，未重复记入\n", s.pages_known));
    }
    if s.parked {
        out.push_str("此回执接续的位置本机尚未到达（缺少更早的回执）：已暂存，待更早的回执导入或联网同步后自动补上\n");
    }
    if s.unparked > 0 {
        out.push_str(&format!("先前暂存的回执已补上 {} 份\n", s.unparked));
    }
    if let Some(g) = &s.server_gap {
        out.push_str(&format!(
            "服务器只收到本机第 {} 条及以前的事件，第 {} 条起已暂存在服务器：请把更早的数据包也交服务器导入\n",
            g.held_to, g.starts_at
        ));
    }
    if let Some(stop) = &s.stopped {
        out.push_str(&format!("服务器停止接收本机事件：{}，请联系办公室\n", escape(stop)));
    }
    if s.refused + s.no_effect > 0 {
        out.push_str("被拒绝或未生效的事件已在本机撤销，原因见 taizhang sync status\n");
    }
    out
}
