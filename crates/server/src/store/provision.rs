//! `taizhang-server init --create-database`: makes the database URL's role and database on
//! this machine's PostgreSQL, then the schema and genesis inside it, in one command an
//! installer runs as the `postgres` system user. Without it, IT staff type `createuser`,
//! `createdb` and a `GRANT` by hand before `init`, and a missed `GRANT taizhang_app` silently
//! leaves the server without its append-only role.
//!
//! Everything is done over the superuser's connection: the role the server will connect as
//! usually logs in by peer authentication (the package's system user `taizhang`), which the
//! `postgres` system user cannot use. So the schema is made after `SET ROLE <role>`: its tables
//! belong to that role exactly as when `init` runs as it.

use std::str::FromStr;

use chrono::{DateTime, Utc};
use postgres::{Client, Config, NoTls};

use crate::error::{Result, ServerError};

/// The local superuser as Debian's PostgreSQL sets it up: the `postgres` role over the
/// Unix socket, by peer authentication.
pub const LOCAL_SUPERUSER: &str = "postgresql://postgres@%2Fvar%2Frun%2Fpostgresql/postgres";

/// What `create` found already there and what it made.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Provisioned {
    pub role: String,
    pub database: String,
    pub role_created: bool,
    pub database_created: bool,
}

/// Creates `url`'s role (with the URL's password, if any) and database (owned by the role,
/// UTF-8) when missing, makes the role a member of `taizhang_app`, then the schema and the
/// district's genesis inside the database. An existing role or database is used as it is.
pub fn init_creating(url: &str, superuser_url: &str, admin_password: &str, now: DateTime<Utc>) -> Result<Provisioned> {
    // Refused before anything is created, so a short password leaves no empty database behind.
    super::office::check_admin_password(admin_password)?;
    let target = Config::from_str(url)?;
    let role = target
        .get_user()
        .ok_or_else(|| ServerError::malformed("the database URL names no user (postgresql://USER@HOST/DB)"))?
        .to_string();
    let database = target.get_dbname().unwrap_or(&role).to_string();
    let password = target.get_password().map(|p| String::from_utf8_lossy(p).into_owned());

    let su_config = Config::from_str(superuser_url)?;
    let mut su = su_config.connect(NoTls)?;
    let is_super: bool = su.query_one("SELECT rolsuper FROM pg_roles WHERE rolname = current_user", &[])?.get(0);
    if !is_super {
        return Err(ServerError::malformed(
            "--create-database needs a superuser connection: run it as the postgres system user \
             (sudo -u postgres taizhang-server … init --create-database) or give --superuser-url",
        ));
    }
    let role_created = !exists(&mut su, "SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1)", &role)?;
    if role_created {
        // format() quotes the name and the password; neither is ever pasted into SQL as is.
        let sql: String = match &password {
            Some(p) => {
                su.query_one("SELECT format('CREATE ROLE %I LOGIN PASSWORD %L', $1::text, $2::text)", &[&role, p])?
            }
            None => su.query_one("SELECT format('CREATE ROLE %I LOGIN', $1::text)", &[&role])?,
        }
        .get(0);
        su.batch_execute(&sql)?;
    }
    // The role without UPDATE, DELETE or TRUNCATE on the log (migration 0002 grants to it; the
    // server's connections take it on, see `pg::connect`). Made here because the owner role
    // usually may not create roles, and the migration then skips it.
    su.batch_execute(
        "DO $$ BEGIN
             IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'taizhang_app') THEN
                 CREATE ROLE taizhang_app NOLOGIN;
             END IF;
         END $$;",
    )?;
    let grant: String = su.query_one("SELECT format('GRANT taizhang_app TO %I', $1::text)", &[&role])?.get(0);
    su.batch_execute(&grant)?;
    let database_created = !exists(&mut su, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", &database)?;
    if database_created {
        // UTF8 whatever the cluster's default: a cluster made under the C locale defaults to
        // SQL_ASCII, which would store the ledger's Chinese text as unchecked bytes. The C
        // locale is valid with every encoding and sorts by code point, as the tests' clusters do.
        let sql: String = su
            .query_one(
                "SELECT format('CREATE DATABASE %I OWNER %I TEMPLATE template0 ENCODING ''UTF8'' LOCALE ''C''', \
                 $1::text, $2::text)",
                &[&database, &role],
            )?
            .get(0);
        su.batch_execute(&sql)?;
    }
    drop(su);

    let mut inside = su_config.clone();
    inside.dbname(&database);
    let mut c: Client = inside.connect(NoTls)?;
    let set_role: String = c.query_one("SELECT format('SET ROLE %I', $1::text)", &[&role])?.get(0);
    c.batch_execute(&set_role)?;
    super::PgStore::init_on(&mut c, admin_password, now)?;
    Ok(Provisioned { role, database, role_created, database_created })
}

fn exists(c: &mut Client, sql: &str, name: &str) -> Result<bool> {
    Ok(c.query_one(sql, &[&name])?.get(0))
}
