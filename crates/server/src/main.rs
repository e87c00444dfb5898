//! `taizhang-server`: init, serve, verify, and the office's device, user and unit commands.

use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;

use chrono::Utc;
use clap::{Parser, Subcommand};
use taizhang_core::{Command, Role, UnitKind};
use taizhang_server::store::office::{new_id, password_hash};
use taizhang_server::{PgStore, Result, ServerError, Store};

#[derive(Parser)]
#[command(name = "taizhang-server", about = "企业服务台账 district server (PostgreSQL)")]
struct Cli {
    /// postgresql://user@host:port/db (or TAIZHANG_DATABASE_URL).
    #[arg(long, env = "TAIZHANG_DATABASE_URL", global = true)]
    database_url: Option<String>,
    /// Print JSON instead of text.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Create (or migrate) the schema and the district's genesis: office unit and `admin`.
    /// admin's password comes from TAIZHANG_ADMIN_PASSWORD or the first line of standard
    /// input, never from an argument (other users can read a process's arguments).
    Init,
    /// Serve the sync protocol over HTTP. Plain HTTP is allowed on loopback addresses only
    /// until TLS lands.
    Serve {
        #[arg(long, default_value = "127.0.0.1:7878")]
        listen: SocketAddr,
    },
    /// Check the server chain, every device chain and every signature.
    Verify,
    /// Devices: list, approve, revoke.
    Device {
        #[command(subcommand)]
        cmd: DeviceCmd,
    },
    /// Users, as the office (decided by the core, appended by the server's device).
    User {
        #[command(subcommand)]
        cmd: UserCmd,
    },
    /// Units, as the office.
    Unit {
        #[command(subcommand)]
        cmd: UnitCmd,
    },
}

#[derive(Subcommand)]
enum DeviceCmd {
    List,
    Approve { id: String, #[arg(long, default_value = "admin")] by: String },
    Revoke { id: String, #[arg(long, default_value = "admin")] by: String },
}

#[derive(Subcommand)]
enum UserCmd {
    Add {
        #[arg(long)]
        login: String,
        #[arg(long)]
        name: String,
        /// Unit id or name.
        #[arg(long)]
        unit: String,
        /// office | township | department | leader
        #[arg(long)]
        role: String,
        /// Also set the user's password, read from TAIZHANG_NEW_PASSWORD or the first line of
        /// standard input (never an argument).
        #[arg(long)]
        with_password: bool,
        #[arg(long = "as", default_value = "admin")]
        by: String,
    },
    Password {
        #[arg(long)]
        login: String,

        #[arg(long = "as", default_value = "admin")]
        by: String,
    },
}

#[derive(Subcommand)]
enum UnitCmd {
    Add {
        #[arg(long)]
        name: String,
        #[arg(long)]
        short_name: String,
        /// office | township | department | leadership
        #[arg(long)]
        kind: String,
        #[arg(long = "as", default_value = "admin")]
        by: String,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(&cli) {
        Ok(out) => {
            if cli.json {
                println!("{out}");
            } else if let Some(s) = out.as_str() {
                println!("{s}");
            } else {
                println!("{}", serde_json::to_string_pretty(&out).unwrap_or_default());
            }
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("{}", if cli.json { e.to_json().to_string() } else { format!("错误 [{}]: {e}", e.code()) });
            ExitCode::FAILURE
        }
    }
}

fn url(cli: &Cli) -> Result<&str> {
    cli.database_url.as_deref().ok_or_else(|| ServerError::malformed("--database-url (or TAIZHANG_DATABASE_URL) is required"))
}

/// A password from the environment variable `var`, else the first line of standard input.
/// Never an argument: any user of the machine can read a process's arguments.
fn secret(var: &str) -> Result<String> {
    if let Ok(p) = std::env::var(var) {
        if !p.is_empty() {
            return Ok(p);
        }
    }
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).map_err(|e| ServerError::malformed(format!("reading the password: {e}")))?;
    let p = line.trim_end_matches(['\r', '\n']).to_string();
    if p.is_empty() {
        return Err(ServerError::malformed(format!("no password: set {var} or give it on standard input")));
    }
    Ok(p)
}

fn bad(what: &str, v: &str) -> ServerError {
    ServerError::malformed(format!("unknown {what}: {v}"))
}

fn run(cli: &Cli) -> Result<serde_json::Value> {
    let now = Utc::now();
    match &cli.cmd {
        Cmd::Init => {
            let admin_password = secret("TAIZHANG_ADMIN_PASSWORD")?;
            PgStore::init(url(cli)?, &admin_password, now)?;
            Ok("district initialized: office unit and user admin created".into())
        }
        Cmd::Serve { listen } => {
            if !listen.ip().is_loopback() {
                return Err(ServerError::PlainHttpOffLoopback { listen: listen.to_string() });
            }
            let store: Arc<dyn Store> = Arc::new(PgStore::open(url(cli)?)?);
            let rt = tokio::runtime::Runtime::new().map_err(|e| ServerError::Internal(e.to_string()))?;
            rt.block_on(async {
                let listener = tokio::net::TcpListener::bind(listen).await.map_err(|e| ServerError::Internal(e.to_string()))?;
                eprintln!("taizhang-server: serving on http://{}", listener.local_addr().map_err(|e| ServerError::Internal(e.to_string()))?);
                taizhang_server::http::serve(listener, store).await.map_err(|e| ServerError::Internal(e.to_string()))
            })?;
            Ok("stopped".into())
        }
        Cmd::Verify => {
            let r = PgStore::open(url(cli)?)?.verify()?;
            match &r.broken {
                None => Ok(serde_json::to_value(&r).unwrap_or_default()),
                Some((seq, why)) => Err(ServerError::ChainBroken { server_seq: *seq, reason: why.clone() }),
            }
        }
        Cmd::Device { cmd } => {
            let store = PgStore::open(url(cli)?)?;
            Ok(serde_json::to_value(match cmd {
                DeviceCmd::List => store.devices()?,
                DeviceCmd::Approve { id, by } => vec![store.decide_device(id, true, by, now)?],
                DeviceCmd::Revoke { id, by } => vec![store.decide_device(id, false, by, now)?],
            })
            .unwrap_or_default())
        }
        Cmd::User { cmd } => {
            let store = PgStore::open(url(cli)?)?;
            let (by, cmds) = match cmd {
                UserCmd::Add { login, name, unit, role, with_password, by } => {
                    let role = Role::parse(role).ok_or_else(|| bad("role", role))?;
                    let user_id = new_id(now);
                    let mut cmds = vec![Command::CreateUser {
                        user_id: user_id.clone(),
                        login: login.clone(),
                        name: name.clone(),
                        unit_id: unit_id(&store, unit)?,
                        role,
                    }];
                    if *with_password {
                        let p = secret("TAIZHANG_NEW_PASSWORD")?;
                        cmds.push(Command::SetPassword { user_id, password_hash: Some(password_hash(&p)?) });
                    }
                    (by, cmds)
                }
                UserCmd::Password { login, by } => {
                    let password = secret("TAIZHANG_NEW_PASSWORD")?;
                    let user_id = store.user_id(login)?.ok_or_else(|| bad("login", login))?;
                    (by, vec![Command::SetPassword { user_id, password_hash: Some(password_hash(&password)?) }])
                }
            };
            Ok(serde_json::to_value(store.execute(by, &cmds, now)?).unwrap_or_default())
        }
        Cmd::Unit { cmd: UnitCmd::Add { name, short_name, kind, by } } => {
            let store = PgStore::open(url(cli)?)?;
            let kind = UnitKind::parse(kind).ok_or_else(|| bad("kind", kind))?;
            let cmd = Command::CreateUnit { unit_id: new_id(now), name: name.clone(), short_name: short_name.clone(), kind };
            Ok(serde_json::to_value(store.execute(by, &[cmd], now)?).unwrap_or_default())
        }
    }
}

fn unit_id(store: &PgStore, unit: &str) -> Result<String> {
    store.unit_id(unit)?.ok_or_else(|| bad("unit", unit))
}
