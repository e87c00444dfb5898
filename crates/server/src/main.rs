//! `taizhang-server`: init, serve, verify, and the office's device, user and unit commands.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use chrono::Utc;
use clap::{Parser, Subcommand};
use taizhang_core::{Command, Role, UnitKind};
use taizhang_server::store::office::{new_id, password_hash};
use taizhang_server::transport::{self, TlsSource};
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
    /// Serve the sync protocol: over TLS with --tls-cert/--tls-key or --tls-self-signed (its
    /// fingerprint is printed at start), or plain HTTP on a loopback address only.
    Serve {
        #[arg(long, default_value = "127.0.0.1:7878")]
        listen: SocketAddr,
        #[command(flatten)]
        tls: TlsArgs,
    },
    /// The server's TLS certificate.
    Tls {
        #[command(subcommand)]
        cmd: TlsCmd,
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
    /// Bundles: a desk's events carried as a file (docs/bundles.md).
    Bundle {
        #[command(subcommand)]
        cmd: BundleCmd,
    },
}

#[derive(Subcommand)]
enum BundleCmd {
    /// Ingest a desk's bundle exactly as its pushes, and write the reply bundle it takes back
    /// (its outcomes and everything it may see since its last position). Importing a bundle
    /// again stores nothing twice; events after a gap in the desk's chain wait for the bundle
    /// that closes it.
    Import {
        /// The desk's bundle (`taizhang bundle export`).
        file: PathBuf,
        /// Where to write the reply (default: beside FILE, as `<name>.reply.tzb`).
        #[arg(long, value_name = "OUT")]
        reply: Option<PathBuf>,
    },
}

/// Where the server's TLS certificate comes from (none: plain HTTP, loopback only).
#[derive(clap::Args)]
struct TlsArgs {
    /// PEM certificate chain, leaf first (e.g. from the district's CA).
    #[arg(long, value_name = "FILE", requires = "tls_key", conflicts_with = "tls_self_signed")]
    tls_cert: Option<PathBuf>,
    /// PEM private key of --tls-cert.
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Directory of the self-signed certificate: made there on first use (key file mode 0600)
    /// and reused on every start, so the fingerprint clients pinned stays the same.
    #[arg(long, value_name = "DIR")]
    tls_self_signed: Option<PathBuf>,
    /// A DNS name or IP address the self-signed certificate is made for (repeat for more; only
    /// used when it is made). Default: localhost and the listen address.
    #[arg(long = "tls-name", value_name = "NAME", requires = "tls_self_signed")]
    tls_names: Vec<String>,
}

impl TlsArgs {
    fn source(&self) -> Option<TlsSource> {
        match (&self.tls_cert, &self.tls_key, &self.tls_self_signed) {
            (Some(cert), Some(key), _) => Some(TlsSource::Files { cert: cert.clone(), key: key.clone() }),
            (_, _, Some(dir)) => Some(TlsSource::SelfSigned { dir: dir.clone(), names: self.tls_names.clone() }),
            _ => None,
        }
    }
}

#[derive(Subcommand)]
enum TlsCmd {
    /// Print the SHA-256 fingerprint of the certificate `serve` would use with these options
    /// (making the self-signed one if it is not there yet), for the office to hand out.
    Fingerprint {
        #[command(flatten)]
        tls: TlsArgs,
    },
}

#[derive(Subcommand)]
enum DeviceCmd {
    List,
    Approve {
        id: String,
        #[arg(long, default_value = "admin")]
        by: String,
    },
    Revoke {
        id: String,
        #[arg(long, default_value = "admin")]
        by: String,
    },
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
            eprintln!(
                "{}",
                if cli.json {
                    taizhang_core::Coded::to_json(&e).to_string()
                } else {
                    format!("错误 [{}]: {e}", e.code())
                }
            );
            ExitCode::FAILURE
        }
    }
}

fn url(cli: &Cli) -> Result<&str> {
    cli.database_url
        .as_deref()
        .ok_or_else(|| ServerError::malformed("--database-url (or TAIZHANG_DATABASE_URL) is required"))
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
        Cmd::Serve { listen, tls } => {
            // Decided before anything is opened or bound.
            let source = tls.source();
            transport::check_listen(listen, source.is_some())?;
            let identity = source.map(|s| transport::identity(&s, Some(listen))).transpose()?;
            let config = identity.as_ref().map(|(id, _)| id.server_config()).transpose()?;
            let store: Arc<dyn Store> = Arc::new(PgStore::open(url(cli)?)?);
            let internal = |e: std::io::Error| ServerError::Internal(e.to_string());
            let rt = tokio::runtime::Runtime::new().map_err(internal)?;
            rt.block_on(async {
                let listener = tokio::net::TcpListener::bind(listen).await.map_err(internal)?;
                let addr = listener.local_addr().map_err(internal)?;
                match &identity {
                    Some((id, made)) => {
                        if *made {
                            eprintln!("taizhang-server: made a new self-signed certificate");
                        }
                        eprintln!("taizhang-server: certificate SHA-256 fingerprint {}", id.fingerprint());
                        eprintln!("taizhang-server: serving on https://{addr}");
                    }
                    None => eprintln!("taizhang-server: serving on http://{addr} (plain HTTP, this machine only)"),
                }
                transport::serve(listener, store, config).await.map_err(internal)
            })?;
            Ok("stopped".into())
        }
        Cmd::Tls { cmd: TlsCmd::Fingerprint { tls } } => {
            let source = tls
                .source()
                .ok_or_else(|| ServerError::malformed("give --tls-cert and --tls-key, or --tls-self-signed DIR"))?;
            let (id, made) = transport::identity(&source, None)?;
            let fingerprint = id.fingerprint();
            Ok(if cli.json {
                serde_json::json!({ "fingerprint": fingerprint, "lines": fingerprint.to_lines(), "made": made })
            } else {
                let made = if made { "\n(a new self-signed certificate was made)" } else { "" };
                format!("SHA-256 {fingerprint}\n\n{}{made}", fingerprint.to_lines().join("\n")).into()
            })
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
        Cmd::Bundle { cmd: BundleCmd::Import { file, reply } } => {
            let store = PgStore::open(url(cli)?)?;
            let reply = reply.clone().unwrap_or_else(|| reply_path(file));
            let done = taizhang_server::bundle::import(&store, file, &reply, now)?;
            let mut v = serde_json::to_value(&done).unwrap_or_default();
            v["reply"] = reply.display().to_string().into();
            Ok(v)
        }
        Cmd::Unit { cmd: UnitCmd::Add { name, short_name, kind, by } } => {
            let store = PgStore::open(url(cli)?)?;
            let kind = UnitKind::parse(kind).ok_or_else(|| bad("kind", kind))?;
            let cmd =
                Command::CreateUnit { unit_id: new_id(now), name: name.clone(), short_name: short_name.clone(), kind };
            Ok(serde_json::to_value(store.execute(by, &[cmd], now)?).unwrap_or_default())
        }
    }
}

/// `desk.tzb` → `desk.reply.tzb`, beside it.
fn reply_path(file: &std::path::Path) -> PathBuf {
    let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_else(|| "bundle".into());
    file.with_file_name(format!("{stem}.reply.tzb"))
}

fn unit_id(store: &PgStore, unit: &str) -> Result<String> {
    store.unit_id(unit)?.ok_or_else(|| bad("unit", unit))
}
