//! `taizhang-server`: init, serve, verify, and the office's device, user and unit commands.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use chrono::Utc;
use clap::{Parser, Subcommand};
use taizhang_core::{Command, Role, UnitKind};
use taizhang_server::store::office::{new_id, password_hash};
use taizhang_server::store::provision;
use taizhang_server::transport::{self, TlsSource};
use taizhang_server::{PgStore, Result, ServerError, Store};

#[derive(Parser)]
#[command(name = "taizhang-server", about = "企业服务台账 district server (PostgreSQL)")]
struct Cli {
    /// A settings file of `TAIZHANG_…=value` lines, as systemd's EnvironmentFile reads them
    /// (the package's /etc/taizhang/server.env): each sets its variable unless the
    /// environment already does. Or TAIZHANG_CONFIG.
    #[arg(long, env = "TAIZHANG_CONFIG", global = true, value_name = "FILE")]
    config: Option<PathBuf>,
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
    Init {
        /// First create the database URL's role and database on this machine's PostgreSQL
        /// (and the role taizhang_app), connecting as its superuser; run it as the postgres
        /// system user. An existing role or database is used as it is.
        #[arg(long)]
        create_database: bool,
        /// The superuser connection --create-database uses.
        #[arg(long, env = "TAIZHANG_SUPERUSER_URL", value_name = "URL", default_value = provision::LOCAL_SUPERUSER)]
        superuser_url: String,
    },
    /// Bring the schema up to this version's, as `init` also does, and nothing else. The
    /// package's unit runs it before every start, so an upgraded server never stops at a
    /// schema older than itself.
    Migrate,
    /// Serve the sync protocol: over TLS with --tls-cert/--tls-key or --tls-self-signed (its
    /// fingerprint is printed at start), or plain HTTP on a loopback address only.
    Serve {
        #[arg(long, env = "TAIZHANG_LISTEN", default_value = "127.0.0.1:7878")]
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
    #[arg(
        long,
        env = "TAIZHANG_TLS_CERT",
        value_name = "FILE",
        requires = "tls_key",
        conflicts_with = "tls_self_signed"
    )]
    tls_cert: Option<PathBuf>,
    /// PEM private key of --tls-cert.
    #[arg(long, env = "TAIZHANG_TLS_KEY", value_name = "FILE", requires = "tls_cert")]
    tls_key: Option<PathBuf>,
    /// Directory of the self-signed certificate: made there on first use (key file mode 0600)
    /// and reused on every start, so the fingerprint clients pinned stays the same.
    #[arg(long, env = "TAIZHANG_TLS_SELF_SIGNED", value_name = "DIR")]
    tls_self_signed: Option<PathBuf>,
    /// A DNS name or IP address the self-signed certificate is made for (repeat for more; only
    /// used when it is made). Default: localhost and the listen address. TAIZHANG_TLS_NAMES
    /// takes them separated by commas.
    #[arg(
        long = "tls-name",
        env = "TAIZHANG_TLS_NAMES",
        value_delimiter = ',',
        value_name = "NAME",
        requires = "tls_self_signed"
    )]
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
    // The settings file fills the environment before the arguments are parsed: clap reads the
    // TAIZHANG_… variables while parsing, so this is where the file's values become defaults.
    if let Err(e) = load_config() {
        eprintln!("错误 [{}]: {e}", e.code());
        return ExitCode::FAILURE;
    }
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

/// The file `--config FILE` (or `--config=FILE`, or TAIZHANG_CONFIG) names, if any, read
/// into the environment: `KEY=value` lines, `#` comments, values optionally quoted. Only
/// TAIZHANG_ variables are accepted, so a misspelt file fails instead of being half ignored.
fn load_config() -> Result<()> {
    let mut args = std::env::args_os().skip(1);
    let mut path = std::env::var_os("TAIZHANG_CONFIG").map(PathBuf::from);
    while let Some(a) = args.next() {
        if a == "--" {
            break;
        } else if a == "--config" {
            path = args.next().map(PathBuf::from);
        } else if let Some(v) = a.to_str().and_then(|a| a.strip_prefix("--config=")) {
            path = Some(PathBuf::from(v));
        }
    }
    let Some(path) = path else { return Ok(()) };
    let text = std::fs::read_to_string(&path)
        .map_err(|e| ServerError::malformed(format!("cannot read the settings file {}: {e}", path.display())))?;
    for (key, value) in parse_config(&text).map_err(|e| ServerError::malformed(format!("{}: {e}", path.display())))? {
        if std::env::var_os(&key).is_none() {
            std::env::set_var(key, value);
        }
    }
    Ok(())
}

/// The `KEY=value` pairs of a settings file, in order.
fn parse_config(text: &str) -> std::result::Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (key, value) = line.split_once('=').ok_or_else(|| format!("line {}: expected KEY=value", n + 1))?;
        let key = key.trim();
        if !key.starts_with("TAIZHANG_")
            || !key.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
        {
            return Err(format!("line {}: unknown setting {key:?} (settings are TAIZHANG_… variables)", n + 1));
        }
        let value = value.trim();
        let value = [('"', '"'), ('\'', '\'')]
            .iter()
            .find_map(|(o, c)| value.strip_prefix(*o).and_then(|v| v.strip_suffix(*c)))
            .unwrap_or(value);
        out.push((key.to_string(), value.to_string()));
    }
    Ok(out)
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
        Cmd::Init { create_database, superuser_url } => {
            let admin_password = secret("TAIZHANG_ADMIN_PASSWORD")?;
            if *create_database {
                let p = provision::init_creating(url(cli)?, superuser_url, &admin_password, now)?;
                let made = |created: bool| if created { "created" } else { "already there" };
                return Ok(if cli.json {
                    serde_json::to_value(&p).unwrap_or_default()
                } else {
                    format!(
                        "role {} {}, database {} {}; district initialized: office unit and user admin created",
                        p.role,
                        made(p.role_created),
                        p.database,
                        made(p.database_created)
                    )
                    .into()
                });
            }
            PgStore::init(url(cli)?, &admin_password, now)?;
            Ok("district initialized: office unit and user admin created".into())
        }
        Cmd::Migrate => {
            let ran = PgStore::migrate(url(cli)?)?;
            Ok(if cli.json {
                serde_json::json!({ "migrations_applied": ran })
            } else {
                format!("schema up to date ({ran} migrations applied)").into()
            })
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

#[cfg(test)]
mod tests {
    use super::parse_config;

    #[test]
    fn settings_files_read_as_systemd_reads_them() {
        let text = "# comment\n\nTAIZHANG_DATABASE_URL=postgresql://t@%2Fvar%2Frun%2Fpostgresql/t\n  TAIZHANG_LISTEN = \"0.0.0.0:7878\"\nTAIZHANG_TLS_NAMES='a,b'\n";
        assert_eq!(
            parse_config(text).unwrap(),
            [
                ("TAIZHANG_DATABASE_URL".to_string(), "postgresql://t@%2Fvar%2Frun%2Fpostgresql/t".to_string()),
                ("TAIZHANG_LISTEN".to_string(), "0.0.0.0:7878".to_string()),
                ("TAIZHANG_TLS_NAMES".to_string(), "a,b".to_string()),
            ]
        );
        assert!(parse_config("TAIZHANG_LISTEN\n").unwrap_err().contains("line 1"));
        assert!(parse_config("# x\nPATH=/tmp\n").unwrap_err().contains("line 2: unknown setting"));
        assert!(parse_config("taizhang_listen=x\n").is_err(), "names are upper case, as the variables");
    }
}
