//! A throw-away PostgreSQL 15 cluster: `initdb` as the `postgres` user when we are root (it
//! refuses root) in a fresh directory, started on a free loopback port with `fsync=off`. The
//! server tests (crates/server/tests/server/cluster.rs) and the bench's server rows start
//! theirs with [`PgCluster::start`]; [`PgCluster::watchdog`] stops and removes it when the
//! process that started it is gone, however it ends, and [`PgCluster::stop`] does it at once.

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// A running cluster and where it lives.
#[derive(Debug)]
pub struct PgCluster {
    pub port: u16,
    /// The directory holding the data directory, the log and the socket.
    pub dir: PathBuf,
    pub data: PathBuf,
    pub log: PathBuf,
}

/// `tool` in `TAIZHANG_PG_BIN`, else in /usr/lib/postgresql/15/bin.
pub fn pg_bin(tool: &str) -> Result<PathBuf, String> {
    let dir =
        std::env::var_os("TAIZHANG_PG_BIN").map(PathBuf::from).unwrap_or_else(|| "/usr/lib/postgresql/15/bin".into());
    let p = dir.join(tool);
    if p.exists() {
        Ok(p)
    } else {
        Err(format!(
            "{} not found: install PostgreSQL 15 (scripts/install-deps.sh installs postgresql-15) or set TAIZHANG_PG_BIN",
            p.display()
        ))
    }
}

pub fn is_root() -> bool {
    Command::new("id").arg("-u").output().is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// `tool args…`, as the postgres user when we are root.
fn pg(tool: &str) -> Result<Command, String> {
    let bin = pg_bin(tool)?;
    Ok(if is_root() {
        let mut c = Command::new("runuser");
        c.args(["-u", "postgres", "--"]).arg(bin);
        c
    } else {
        Command::new(bin)
    })
}

fn run(mut c: Command, what: &str, log: &Path) -> Result<(), String> {
    let out = c.output().map_err(|e| format!("cannot run {what}: {e}"))?;
    if !out.status.success() {
        let tail = std::fs::read_to_string(log).unwrap_or_default();
        return Err(format!(
            "{what} failed ({}):\n{}\n{}\nserver log:\n{tail}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(())
}

fn free_port() -> Result<u16, String> {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("a free loopback port: {e}"))
}

/// `base/taizhang-pg-<pid>`, fresh, owned by the postgres user when we are root.
fn make_dir(base: &Path) -> Result<PathBuf, String> {
    let dir = base.join(format!("taizhang-pg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| format!("cluster directory {}: {e}", dir.display()))?;
    if is_root() {
        let ok = Command::new("chown").args(["-R", "postgres:postgres"]).arg(&dir).status().is_ok_and(|s| s.success());
        if !ok {
            return Err(format!("chown postgres {} failed", dir.display()));
        }
    }
    Ok(dir)
}

fn usable_by_postgres(dir: &Path) -> bool {
    !is_root()
        || Command::new("runuser")
            .args(["-u", "postgres", "--", "test", "-w"])
            .arg(dir)
            .status()
            .is_ok_and(|s| s.success())
}

impl PgCluster {
    /// Makes a cluster under `base` (or under the system's temporary directory when the
    /// postgres user cannot reach `base`, as under root's home) and starts it.
    pub fn start(base: &Path) -> Result<PgCluster, String> {
        PgCluster::start_with(base, "")
    }

    /// `start`, with more server options (`-c name=value …`).
    pub fn start_with(base: &Path, options: &str) -> Result<PgCluster, String> {
        let mut dir = make_dir(base)?;
        if !usable_by_postgres(&dir) {
            eprintln!("the postgres user cannot reach {}; the cluster goes to the temp dir", dir.display());
            let _ = std::fs::remove_dir_all(&dir);
            dir = make_dir(&std::env::temp_dir())?;
            if !usable_by_postgres(&dir) {
                return Err(format!("the postgres user cannot write {}", dir.display()));
            }
        }
        let data = dir.join("data");
        let log = dir.join("server.log");
        let cluster = PgCluster { port: free_port()?, dir, data, log };
        let started = cluster.init_and_start(options);
        if started.is_err() {
            cluster.stop();
        }
        started.map(|()| cluster)
    }

    fn init_and_start(&self, options: &str) -> Result<(), String> {
        let mut init = pg("initdb")?;
        init.arg("-D").arg(&self.data).args(["-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"]);
        run(init, "initdb", &self.log)?;
        let mut start = pg("pg_ctl")?;
        start
            .arg("-D")
            .arg(&self.data)
            .arg("-l")
            .arg(&self.log)
            .arg("-o")
            .arg(format!(
                "-p {} -k {} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200 {options}",
                self.port,
                self.dir.display()
            ))
            .args(["-w", "start"]);
        run(start, "pg_ctl start", &self.log)
    }

    /// The URL of database `db`, as the cluster's superuser.
    pub fn url(&self, db: &str) -> String {
        format!("postgresql://postgres@127.0.0.1:{}/{db}", self.port)
    }

    /// Stops and removes the cluster when this process is gone, however it ends: a shell left
    /// running on purpose, polling the process.
    pub fn watchdog(&self) -> Result<(), String> {
        let as_pg = if is_root() { "runuser -u postgres -- " } else { "" };
        let watchdog = format!(
            "while kill -0 {pid} 2>/dev/null; do sleep 1; done; {as_pg}'{pg_ctl}' -D '{data}' -m fast stop >/dev/null 2>&1; rm -rf '{dir}'",
            pid = std::process::id(),
            pg_ctl = pg_bin("pg_ctl")?.display(),
            data = self.data.display(),
            dir = self.dir.display()
        );
        // Left running on purpose: it outlives this process to stop the cluster.
        #[allow(clippy::zombie_processes)]
        Command::new("sh")
            .args(["-c", &watchdog])
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("the cluster's watchdog: {e}"))?;
        Ok(())
    }

    /// Stops the cluster (fast shutdown) and removes its directory.
    pub fn stop(&self) {
        if let Ok(mut c) = pg("pg_ctl") {
            c.arg("-D").arg(&self.data).args(["-m", "fast", "-w", "stop"]);
            let _ = c.stdout(Stdio::null()).stderr(Stdio::null()).status();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
