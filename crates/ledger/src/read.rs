//! Reading projection rows back into core types.

use chrono::NaiveDate;
use rusqlite::{Connection, OptionalExtension, Row};
use taizhang_core::calendar::{Calendar, CalendarDay, CalendarYear};
use taizhang_core::*;

use crate::error::{LedgerError, Result};
use crate::state_codec;

pub(crate) fn parse_enum<T>(s: String, parse: fn(&str) -> Option<T>) -> rusqlite::Result<T> {
    parse(&s).ok_or_else(|| {
        rusqlite::Error::InvalidColumnType(0, format!("unknown value {s:?}"), rusqlite::types::Type::Text)
    })
}

/// A `YYYY-MM-DD` column. Read for every row of a list or an export, so the fixed form is
/// taken apart by hand (chrono's format parser was a tenth of an export). A date outside
/// years 0 to 9999 is stored in chrono's signed form (`-0001-01-01`, `+10000-01-01`); the
/// ledger refuses such dates now (`core::dates`), but a file may hold older or forged ones,
/// and one of them must not fail a whole list: those are read by chrono's parser.
pub fn date(s: &str) -> rusqlite::Result<NaiveDate> {
    if let Ok(d) = four_digit_date(s) {
        return Ok(d);
    }
    match s.as_bytes().first() {
        Some(b'-' | b'+') => s.parse::<NaiveDate>().map_err(|_| bad_date(s)),
        _ => Err(bad_date(s)),
    }
}

fn bad_date(s: &str) -> rusqlite::Error {
    rusqlite::Error::InvalidColumnType(0, format!("bad date {s:?}"), rusqlite::types::Type::Text)
}

fn four_digit_date(s: &str) -> rusqlite::Result<NaiveDate> {
    let b = s.as_bytes();
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        b[r].iter().try_fold(0u32, |n, c| c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0')))
    };
    let parsed = (b.len() == 10 && b[4] == b'-' && b[7] == b'-')
        .then(|| NaiveDate::from_ymd_opt(num(0..4)? as i32, num(5..7)?, num(8..10)?))
        .flatten();
    parsed.ok_or_else(|| bad_date(s))
}

pub const UNIT_COLS: &str = "id, name, short_name, kind, active";
pub fn unit_row(r: &Row) -> rusqlite::Result<Unit> {
    Ok(Unit {
        id: r.get(0)?,
        name: r.get(1)?,
        short_name: r.get(2)?,
        kind: parse_enum(r.get(3)?, UnitKind::parse)?,
        active: r.get(4)?,
    })
}

pub const USER_COLS: &str = "id, login, name, unit_id, role, active, password_hash";
pub fn user_row(r: &Row) -> rusqlite::Result<User> {
    Ok(User {
        id: r.get(0)?,
        login: r.get(1)?,
        name: r.get(2)?,
        unit_id: r.get(3)?,
        role: parse_enum(r.get(4)?, Role::parse)?,
        active: r.get(5)?,
        password_hash: r.get(6)?,
    })
}

pub const ENTERPRISE_COLS: &str =
    "id, name, credit_code, township_id, industry, scale, key_level, address, contact, phone, steward, paired_leader";
pub fn enterprise_row(r: &Row) -> rusqlite::Result<Enterprise> {
    Ok(Enterprise {
        id: r.get(0)?,
        name: r.get(1)?,
        credit_code: r.get(2)?,
        township_id: r.get(3)?,
        industry: r.get(4)?,
        scale: parse_enum(r.get(5)?, Scale::parse)?,
        key_level: parse_enum(r.get(6)?, KeyLevel::parse)?,
        address: r.get(7)?,
        contact: r.get(8)?,
        phone: r.get(9)?,
        steward: r.get(10)?,
        paired_leader: r.get(11)?,
    })
}

pub const VISIT_COLS: &str = "id, enterprise_id, township_id, date, visitors, form, notes";
pub fn visit_row(r: &Row) -> rusqlite::Result<Visit> {
    Ok(Visit {
        id: r.get(0)?,
        enterprise_id: r.get(1)?,
        township_id: r.get(2)?,
        date: date(&r.get::<_, String>(3)?)?,
        visitors: r.get(4)?,
        form: parse_enum(r.get(5)?, VisitForm::parse)?,
        notes: r.get(6)?,
    })
}

/// An escalation as the `urge_level` column stores it (the highest urge so far; the list's
/// escalation filter and sort compare these numbers).
pub fn escalation_rank(e: Escalation) -> i64 {
    match e {
        Escalation::None => 0,
        Escalation::Reminder => 1,
        Escalation::Yellow => 2,
        Escalation::Red => 3,
    }
}

/// The inverse of `escalation_rank` (the `urge_level` column).
pub fn escalation_of_rank(rank: i64) -> Escalation {
    match rank {
        1 => Escalation::Reminder,
        2 => Escalation::Yellow,
        3 => Escalation::Red,
        _ => Escalation::None,
    }
}

/// The facts lateness needs, from a `problems` row's columns (`urge_level` as ranked by
/// `escalation_rank`). None while no assignment is in force or the clock is stopped.
pub fn clock_facts(
    status: Status,
    sign_deadline: Option<NaiveDate>,
    handling_deadline: Option<NaiveDate>,
    urge_level: i64,
    urge_count: u32,
) -> Option<taizhang_core::escalation::ClockFacts> {
    let (sign_deadline, handling_deadline) = (sign_deadline?, handling_deadline?);
    taizhang_core::escalation::ClockFacts {
        status,
        sign_deadline,
        handling_deadline,
        urged: escalation_of_rank(urge_level),
        urge_count,
    }
    .running()
}

/// A nullable `YYYY-MM-DD` column.
pub fn opt_date(r: &Row, i: usize) -> rusqlite::Result<Option<NaiveDate>> {
    r.get::<_, Option<String>>(i)?.map(|d| date(&d)).transpose()
}

/// A problem's supporters' unit names in assignment order, joined with U+001F (`name_list`
/// splits them); a column of the list and export queries over `problems p`.
pub const SUPPORTER_NAMES_SQL: &str =
    "(SELECT group_concat(u.name, char(31) ORDER BY s.rowid) FROM problem_supporters s
                       JOIN units u ON u.id = s.unit_id WHERE s.problem_id = p.id)";

/// Unit names joined with U+001F by `SUPPORTER_NAMES_SQL`, split again.
pub fn name_list(joined: Option<String>) -> Vec<String> {
    joined.map(|names| names.split('\u{1f}').map(str::to_string).collect()).unwrap_or_default()
}

/// An aggregate from its stored form (`state_codec`).
pub fn problem_state(stored: &[u8]) -> Result<Problem> {
    state_codec::unpack(stored)
}

pub fn unit(conn: &Connection, id: &str) -> Result<Option<Unit>> {
    Ok(conn
        .prepare_cached(&format!("SELECT {UNIT_COLS} FROM units WHERE id = ?1"))?
        .query_row([id], unit_row)
        .optional()?)
}

pub fn units(conn: &Connection) -> Result<Vec<Unit>> {
    let mut st = conn.prepare(&format!("SELECT {UNIT_COLS} FROM units ORDER BY kind, name"))?;
    let rows = st.query_map([], unit_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// A user by login or id. A login is also looked up in its stored form
/// (`text::normalize_name`), so one typed with full-width letters or a stray zero-width
/// character signs in as the user it looks like, never as another.
pub fn user(conn: &Connection, login_or_id: &str) -> Result<Option<User>> {
    let by = |key: &str| {
        conn.query_row(
            &format!("SELECT {USER_COLS} FROM users WHERE login = ?1 UNION ALL SELECT {USER_COLS} FROM users WHERE id = ?1 LIMIT 1"),
            [key],
            user_row,
        )
        .optional()
    };
    let normal = taizhang_core::text::normalize_name(login_or_id);
    match by(login_or_id)? {
        None if normal != login_or_id => Ok(by(&normal)?),
        found => Ok(found),
    }
}

/// The acting user and their unit, by login or id.
pub fn actor(conn: &Connection, login_or_id: &str) -> Result<Actor> {
    let user = user(conn, login_or_id)?.ok_or_else(|| LedgerError::UnknownUser(login_or_id.to_string()))?;
    let unit =
        unit(conn, &user.unit_id)?.ok_or_else(|| LedgerError::Corrupt(format!("user {} has no unit", user.login)))?;
    Ok(Actor { user, unit })
}

pub fn calendar(conn: &Connection) -> Result<Calendar> {
    let mut cal = Calendar::new();
    let mut years = conn.prepare("SELECT year, notice FROM calendar_years ORDER BY year")?;
    let years: Vec<(i32, String)> =
        years.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?.collect::<rusqlite::Result<_>>()?;
    let mut days = conn.prepare("SELECT date, off, name FROM calendar_days ORDER BY date")?;
    let days: Vec<CalendarDay> = days
        .query_map([], |r| Ok(CalendarDay { date: date(&r.get::<_, String>(0)?)?, off: r.get(1)?, name: r.get(2)? }))?
        .collect::<rusqlite::Result<_>>()?;
    for (year, notice) in years {
        let in_year = days.iter().filter(|d| chrono::Datelike::year(&d.date) == year).cloned().collect();
        cal.set_year(&CalendarYear { year, notice, days: in_year });
    }
    // Days of years without a notice were set one by one.
    let loose: Vec<&CalendarDay> = days.iter().filter(|d| !cal.has_year(chrono::Datelike::year(&d.date))).collect();
    for d in loose {
        cal.set_day(d.date, Some(d.off), &d.name);
    }
    Ok(cal)
}

pub fn settings(conn: &Connection) -> Result<Settings> {
    let json: Option<String> = conn.query_row("SELECT json FROM settings WHERE id = 1", [], |r| r.get(0)).optional()?;
    match json {
        Some(j) => Ok(serde_json::from_str(&j)?),
        None => Ok(Settings::default()),
    }
}

pub fn problem(conn: &Connection, id: &str) -> Result<Option<Problem>> {
    let stored: Option<Vec<u8>> = conn
        .prepare_cached(
            "SELECT s.state FROM problems p JOIN problem_states s ON s.problem_rowid = p.rowid WHERE p.id = ?1",
        )?
        .query_row([id], |r| r.get(0))
        .optional()?;
    stored.map(|s| problem_state(&s)).transpose()
}

/// The highest `problems` rowid (0 when empty). Problems are never deleted, so it is also
/// the number of problems, and every problem registered later gets a higher one.
pub fn last_problem_rowid(conn: &Connection) -> Result<i64> {
    Ok(conn.prepare_cached("SELECT ifnull(max(rowid), 0) FROM problems")?.query_row([], |r| r.get(0))?)
}

pub fn problem_id_by_number(conn: &Connection, number_or_id: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT id FROM problems WHERE number = ?1 UNION ALL SELECT id FROM problems WHERE id = ?1 LIMIT 1",
            [number_or_id],
            |r| r.get(0),
        )
        .optional()?)
}

/// Every aggregate, in registration order. Inflating and parsing the JSON is most of the time of a scorecard
/// over the whole ledger, so texts are read in batches and each batch is parsed on every core
/// (in batches, so the texts of a whole city never sit in memory at once).
pub fn all_problems(conn: &Connection) -> Result<Vec<Problem>> {
    const BATCH: usize = 4096;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
    let mut st = conn.prepare("SELECT state FROM problem_states ORDER BY problem_rowid")?;
    let mut rows = st.query([])?;
    let mut out = Vec::new();
    let mut texts: Vec<Vec<u8>> = Vec::with_capacity(BATCH);
    loop {
        let row = rows.next()?;
        if let Some(r) = row {
            texts.push(r.get(0)?);
        }
        if texts.len() == BATCH || (row.is_none() && !texts.is_empty()) {
            out.extend(parse_states(&texts, threads)?);
            texts.clear();
        }
        if row.is_none() {
            return Ok(out);
        }
    }
}

fn parse_states(texts: &[Vec<u8>], threads: usize) -> Result<Vec<Problem>> {
    if threads < 2 {
        return texts.iter().map(|t| problem_state(t)).collect();
    }
    let chunk = texts.len().div_ceil(threads).max(1);
    std::thread::scope(|scope| {
        let parts: Vec<_> = texts
            .chunks(chunk)
            .map(|part| scope.spawn(move || part.iter().map(|t| problem_state(t)).collect::<Result<Vec<Problem>>>()))
            .collect();
        let mut out = Vec::with_capacity(texts.len());
        for part in parts {
            out.extend(part.join().expect("parsing an aggregate does not panic")?);
        }
        Ok(out)
    })
}

pub fn all_enterprises(conn: &Connection) -> Result<Vec<Enterprise>> {
    let mut st = conn.prepare(&format!("SELECT {ENTERPRISE_COLS} FROM enterprises ORDER BY rowid"))?;
    let rows = st.query_map([], enterprise_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn all_visits(conn: &Connection) -> Result<Vec<Visit>> {
    let mut st = conn.prepare(&format!("SELECT {VISIT_COLS} FROM visits ORDER BY rowid"))?;
    let rows = st.query_map([], visit_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_are_read_exactly() {
        let d = super::date("2026-02-28").unwrap();
        assert_eq!(d, chrono::NaiveDate::from_ymd_opt(2026, 2, 28).unwrap());
        for bad in [
            "2026-02-30",
            "2026-2-28",
            "2026/02/28",
            "20260228",
            "2026-02-2x",
            "",
            "２０２６-02-28",
            "2026-02-28 ",
            "-2026-02-30",
            "+",
        ] {
            assert!(super::date(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn every_date_chrono_writes_reads_back() {
        use chrono::NaiveDate;
        for d in [
            NaiveDate::from_ymd_opt(-1, 1, 1).unwrap(),
            NaiveDate::from_ymd_opt(0, 2, 29).unwrap(),
            NaiveDate::from_ymd_opt(9999, 12, 31).unwrap(),
            NaiveDate::from_ymd_opt(10000, 1, 1).unwrap(),
            NaiveDate::MIN,
            NaiveDate::MAX,
        ] {
            assert_eq!(super::date(&d.to_string()).unwrap(), d, "{d}");
        }
    }
}
